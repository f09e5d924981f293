//! `App::update` driven by messages alone: no terminal, no database, no clock.

mod common;

use common::fixtures::{self, code, key, page_request, NOW};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rapport::app::state::{Popup, View};
use rapport::app::{Effect, Msg};
use rapport::domain::change::{Done, Outcome, Write};
use rapport::domain::ActionKind;
use rapport::model::inbox::Listing;
use rapport::model::people::PeopleFilter;
use rapport::store::command::{PageRequest, Reply, StoreCmd};

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn writes(effects: &[Effect]) -> Vec<Write> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(StoreCmd::Write(w)) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

fn type_text(app: &mut rapport::app::App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

#[test]
fn moving_down_loads_the_next_detail() {
    let mut app = fixtures::app((120, 40));
    assert_eq!(app.inbox.selected().unwrap().id, 1);
    let effects = app.update(key('j'));
    assert_eq!(app.inbox.selected().unwrap().id, 2);
    assert!(effects.contains(&Effect::Store(StoreCmd::Detail(2))));
    app.update(code(KeyCode::Down));
    app.update(key('k'));
    assert_eq!(app.inbox.cursor, 1);
    // "g g" goes to the top: a fresh page from the start.
    app.update(key('g'));
    let effects = app.update(key('g'));
    let req = page_request(&effects).expect("top reloads from the start");
    assert!(req.from.is_none() && req.replace);
}

#[test]
fn b_opens_the_buyer_stage_at_once() {
    let mut app = fixtures::app((120, 40));
    // No tick between the key and the popup: the key starts no sequence.
    app.update(key('b'));
    assert!(
        matches!(app.popup, Some(Popup::Relationship { .. })),
        "{:?}",
        app.popup
    );
    // Down changes the buyer stage; Enter writes it.
    app.update(code(KeyCode::Down));
    let w = writes(&app.update(code(KeyCode::Enter)));
    assert!(
        matches!(w[..], [Write::Relationship { person_id: 101, .. }]),
        "{w:?}"
    );
}

#[test]
fn a_single_g_waits_for_a_second_then_does_nothing() {
    let mut app = fixtures::app((120, 40));
    assert!(app.update(key('g')).is_empty());
    app.update(Msg::Tick(NOW + 1));
    app.update(Msg::Tick(NOW + 1));
    assert!(app.popup.is_none(), "{:?}", app.popup);
}

#[test]
fn like_and_dismiss_close_the_item_and_move_on() {
    let mut app = fixtures::app((120, 40));
    let w = writes(&app.update(key('l')));
    assert_eq!(w, [Write::Like { mention_id: 1 }]);
    assert_eq!(
        app.inbox.selected().unwrap().id,
        2,
        "the next item is selected at once"
    );
    assert_eq!(app.done_this_session, 1);
    let w = writes(&app.update(key('d')));
    assert_eq!(w, [Write::Dismiss { mention_id: 2 }]);
    // The store confirms; the app reloads the window in place.
    let effects = app.update(Msg::Loaded(Reply::Written(Outcome::Applied {
        done: Done::Dismissed {
            handle: "marcus.roasts".into(),
        },
        action_id: 7,
    })));
    assert!(page_request(&effects).is_some());
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Store(StoreCmd::Refresh { .. }))));
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "dismissed @marcus.roasts"
    );
}

#[test]
fn a_text_message_is_not_liked_and_its_suggestion_is_a_reply() {
    let mut app = fixtures::app((120, 40));
    app.update(key('j'));
    app.update(key('j'));
    let sms = fixtures::rows()[2].clone();
    assert_eq!(app.inbox.selected().unwrap().id, sms.id);
    app.update(Msg::Loaded(Reply::Detail {
        id: sms.id,
        detail: Some(Box::new(fixtures::detail(&sms))),
    }));
    assert!(
        writes(&app.update(key('l'))).is_empty(),
        "nothing is written"
    );
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "an SMS cannot be liked; reply instead"
    );
    assert_eq!(app.inbox.selected().unwrap().id, sms.id, "the item stays");
    let s = app.suggestion().unwrap();
    assert_eq!(
        s.step,
        rapport::domain::suggest::Step::Reply,
        "{}",
        s.reason
    );
    app.update(code(KeyCode::Enter));
    assert_eq!(
        app.compose.as_ref().expect("compose opened").kind,
        ActionKind::Reply
    );
}

#[test]
fn enter_takes_the_suggestion() {
    let mut app = fixtures::app((120, 40));
    // Item 1 is a question: the suggestion is to reply, so Enter opens the compose pane.
    assert!(app.suggestion().unwrap().reason.starts_with("question"));
    app.update(code(KeyCode::Enter));
    let c = app.compose.as_ref().expect("compose opened");
    assert_eq!(c.kind, ActionKind::Reply);
    assert_eq!(app.mode(), rapport::app::action::Mode::Compose);
}

#[test]
fn a_reply_is_queued_with_the_typed_text_and_q_is_just_a_letter() {
    let mut app = fixtures::app((120, 40));
    app.update(key('r'));
    assert!(
        app.update(ctrl('s')).is_empty(),
        "an empty reply is not sent"
    );
    assert!(app.compose.as_ref().unwrap().error.is_some());
    type_text(&mut app, "Yes, quite soon!");
    assert!(!app.quitting, "q typed in a reply does not quit");
    let w = writes(&app.update(ctrl('s')));
    assert_eq!(
        w,
        [Write::Reply {
            mention_id: 1,
            kind: ActionKind::Reply,
            body: "Yes, quite soon!".into(),
            force: false
        }]
    );
    // The pane closes at once; the text is kept until the store confirms.
    assert!(app.compose.is_none());
    assert_eq!(app.sending.as_ref().unwrap().body(), "Yes, quite soon!");
    assert_eq!(app.inbox.selected().unwrap().id, 2);
    app.update(Msg::Loaded(Reply::Written(Outcome::Applied {
        done: Done::Queued {
            kind: ActionKind::Reply,
            handle: "ana_bell".into(),
            platform: "twitter".into(),
        },
        action_id: 8,
    })));
    assert!(app.compose.is_none() && app.sending.is_none());
    assert_eq!(app.inbox.selected().unwrap().id, 2);
    assert_eq!(app.done_this_session, 1);
}

/// While a write waits for another process's lock, the keys typed go to the list,
/// never into the reply; a refused write brings the text back.
#[test]
fn keys_typed_while_a_reply_waits_go_to_the_list() {
    let mut app = fixtures::app((120, 40));
    app.update(key('r'));
    type_text(&mut app, "On its way");
    app.update(ctrl('s'));
    app.update(Msg::Loaded(Reply::Notice(
        "another process (an import?) is writing the database; your change waits for it…".into(),
    )));
    let before = app.inbox.selected().unwrap().id;
    app.update(key('j'));
    assert_ne!(app.inbox.selected().unwrap().id, before, "j moved the list");
    assert!(app.compose.is_none());
    assert_eq!(app.sending.as_ref().unwrap().body(), "On its way");
}

#[test]
fn a_failed_write_keeps_the_reply() {
    let mut app = fixtures::app((120, 40));
    app.update(key('r'));
    type_text(&mut app, "On its way");
    app.update(ctrl('s'));
    app.update(Msg::Loaded(Reply::WriteFailed(
        "the database is busy".into(),
    )));
    assert_eq!(app.compose.as_ref().unwrap().body(), "On its way");
    assert!(app.notice.as_ref().unwrap().warning);
}

#[test]
fn a_duplicate_asks_before_sending_again() {
    let mut app = fixtures::app((120, 40));
    app.update(key('r'));
    type_text(&mut app, "Thanks so much!");
    app.update(ctrl('s'));
    app.update(Msg::Loaded(Reply::Written(Outcome::Duplicate {
        handle: "ben".into(),
        body: "Thanks so much!".into(),
        at: NOW - 3600,
    })));
    assert!(matches!(app.popup, Some(Popup::Confirm { .. })));
    // No: nothing is sent, the text stays to be rewritten.
    assert!(writes(&app.update(key('n'))).is_empty());
    assert!(app.compose.is_some());
    app.update(ctrl('s'));
    app.update(Msg::Loaded(Reply::Written(Outcome::Duplicate {
        handle: "ben".into(),
        body: "Thanks so much!".into(),
        at: NOW - 3600,
    })));
    let w = writes(&app.update(key('y')));
    assert!(
        matches!(&w[..], [Write::Reply { force: true, .. }]),
        "{w:?}"
    );
}

#[test]
fn a_thank_you_must_be_made_personal() {
    let mut app = fixtures::app((120, 40));
    app.update(key('t'));
    assert!(matches!(app.popup, Some(Popup::Pick { .. })));
    app.update(key('1'));
    let c = app.compose.as_ref().unwrap();
    assert_eq!(c.body(), "Thank you Ana! ");
    assert!(writes(&app.update(ctrl('s'))).is_empty());
    assert!(app
        .compose
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("personal"));
    type_text(&mut app, "Enjoy the oat latte.");
    let w = writes(&app.update(ctrl('s')));
    assert!(
        matches!(
            &w[..],
            [Write::Reply {
                kind: ActionKind::Thank,
                ..
            }]
        ),
        "{w:?}"
    );
}

#[test]
fn snooze_offers_an_hour_tomorrow_or_a_typed_time() {
    let mut app = fixtures::app((120, 40));
    app.update(key('s'));
    let w = writes(&app.update(key('1')));
    assert_eq!(
        w,
        [Write::Snooze {
            mention_id: 1,
            until: NOW + 3600
        }]
    );
    app.update(key('s'));
    // Monday 10:00 UTC -> Tuesday 09:00 UTC, the start of the next working day.
    let w = writes(&app.update(key('2')));
    assert_eq!(
        w,
        [Write::Snooze {
            mention_id: 2,
            until: NOW + 23 * 3600
        }]
    );
    assert!(writes(&app.update(key('s'))).is_empty());
    app.update(key('3'));
    type_text(&mut app, "whenever");
    app.update(code(KeyCode::Enter));
    match &app.popup {
        Some(Popup::Input { error: Some(e), .. }) => assert!(e.contains("45m"), "{e}"),
        other => panic!("expected an input with an error, got {other:?}"),
    }
}

#[test]
fn search_replaces_the_list_until_esc() {
    let mut app = fixtures::app((120, 40));
    app.update(key('/'));
    type_text(&mut app, "refund is:question");
    let effects = app.update(code(KeyCode::Enter));
    let req = page_request(&effects).unwrap();
    assert!(matches!(req.listing, Listing::Search(ref q) if q.question && q.terms == ["refund"]));
    app.update(Msg::Loaded(Reply::Page {
        request: req,
        rows: vec![fixtures::row(9, "zed", "refund?", 10, 60)],
    }));
    assert_eq!(app.inbox.rows.len(), 1);
    let effects = app.update(code(KeyCode::Esc));
    assert_eq!(page_request(&effects).unwrap().listing, Listing::Queue);
    // A bad filter is explained in place.
    app.update(key('/'));
    type_text(&mut app, "is:happy");
    app.update(code(KeyCode::Enter));
    assert!(
        matches!(&app.popup, Some(Popup::Input { error: Some(e), .. }) if e.contains("is:happy"))
    );
}

#[test]
fn o_opens_the_authors_page_and_esc_comes_back() {
    let mut app = fixtures::app((120, 40));
    let effects = app.update(key('o'));
    assert_eq!(app.view, View::Person);
    assert_eq!(effects, [Effect::Store(StoreCmd::Person(101))]);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Inbox);
}

#[test]
fn undo_and_views() {
    let mut app = fixtures::app((120, 40));
    // Nothing of this window's yet: `u` undoes nobody else's action.
    assert_eq!(app.update(key('u')), []);
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("nothing of yours"));
    app.update(Msg::Loaded(Reply::Written(Outcome::Applied {
        done: Done::Dismissed {
            handle: "ana_bell".into(),
        },
        action_id: 8,
    })));
    assert_eq!(app.update(key('u')), [Effect::Store(StoreCmd::Undo(8))]);
    assert_eq!(app.update(key('u')), []);
    let effects = app.update(key('P'));
    assert_eq!(app.view, View::People);
    assert!(matches!(
        effects[..],
        [Effect::Store(StoreCmd::People(PageRequest {
            listing: PeopleFilter::All,
            from: None,
            replace: true,
            ..
        }))]
    ));
    app.update(key('S'));
    assert_eq!(app.view, View::Stats);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Inbox);
    app.update(key('?'));
    assert!(matches!(app.popup, Some(Popup::Help { scroll: 0 })));
    app.update(key('j'));
    assert!(
        matches!(app.popup, Some(Popup::Help { scroll: 3 })),
        "j scrolls the help"
    );
    app.update(key('x'));
    assert!(app.popup.is_none());
    assert_eq!(app.update(key('q')), [Effect::Quit]);
}

#[test]
fn stale_pages_are_ignored_and_paging_is_by_key() {
    let mut app = fixtures::app((120, 12));
    let old = page_request(&app.start()).unwrap();
    let newer = page_request(&app.update(key('G'))).unwrap();
    // The answer to the older request arrives late: ignored.
    app.update(Msg::Loaded(Reply::Page {
        request: old,
        rows: vec![fixtures::row(42, "late", "stale", 1, 60)],
    }));
    assert_ne!(app.inbox.rows.first().map(|r| r.id), Some(42));
    app.update(Msg::Loaded(Reply::Page {
        request: newer,
        rows: fixtures::rows(),
    }));
    assert_eq!(app.inbox.cursor, 4, "G selects the last row");
}

#[test]
fn signals_quit_cleanly_and_resizes_keep_the_cursor_visible() {
    let mut app = fixtures::app((120, 40));
    for _ in 0..4 {
        app.update(key('j'));
    }
    app.update(Msg::Resize(50, 10));
    let h = rapport::app::layout::list_height((50, 10));
    assert!(app.inbox.cursor >= app.inbox.offset && app.inbox.cursor < app.inbox.offset + h);
    assert_eq!(app.update(Msg::Terminate), [Effect::Quit]);
}

#[test]
fn crossing_items_are_announced_with_the_bell_and_command_when_configured() {
    let mut app = fixtures::app((120, 40));
    // The first refresh (in fixtures::app) said the pace warning on start.
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("reply pace down"));
    app.config.alerts.bell = true;
    app.config.alerts.command = vec!["notify-send".into(), "rapport".into()];
    app.update(Msg::Tick(NOW + 1));
    // Each refresh asks for the items crossing since the previous one.
    let refresh = app.refresh();
    assert_eq!(
        refresh,
        Effect::Store(StoreCmd::Refresh {
            crossed_after: Some(NOW)
        })
    );
    let crossed = rapport::model::inbox::Crossed {
        id: 2,
        handle: "marcus.roasts".into(),
        platform: "instagram".into(),
        kind: rapport::domain::MentionKind::Comment,
        due_at: NOW,
        preview: "is the cold brew back?".into(),
    };
    let effects = app.update(Msg::Loaded(Reply::Refreshed {
        snoozed: 0,
        warnings: Box::new(fixtures::warnings()),
        crossed: vec![crossed],
        outbox: Default::default(),
    }));
    let text = "@marcus.roasts (instagram, comment) is now over target".to_string();
    assert_eq!(effects, [Effect::Bell, Effect::Alert(text.clone())]);
    assert_eq!(app.notice.as_ref().unwrap().text, text);
    // Without crossings, nothing is announced.
    let effects = app.update(Msg::Loaded(Reply::Refreshed {
        snoozed: 0,
        warnings: Box::new(fixtures::warnings()),
        crossed: vec![],
        outbox: Default::default(),
    }));
    assert!(effects.is_empty());
}

#[test]
fn the_stats_view_asks_for_the_last_30_days() {
    let mut app = fixtures::app((120, 40));
    let effects = app.update(key('S'));
    let since = rapport::domain::figures::default_since(&app.config.working_hours, NOW);
    assert_eq!(
        effects,
        [Effect::Store(StoreCmd::Stats { since: Some(since) })]
    );
    assert_eq!(
        NOW - since,
        29 * 86_400 + 10 * 3600,
        "from midnight 29 days before today"
    );
}

#[test]
fn the_people_list_is_a_window_of_at_most_two_pages() {
    use rapport::app::list::PAGE;
    use rapport::model::people::PersonRow;
    let mut app = fixtures::app((120, 40));
    let mut request = fixtures::people_request(&app.update(key('P'))).expect("first page");
    let mut next_id = 0;
    // Page down through ten pages of people, answering every request as the store would.
    for _ in 0..10 {
        let rows: Vec<PersonRow> = (0..PAGE)
            .map(|_| {
                next_id += 1;
                PersonRow {
                    id: next_id,
                    platform: "x".into(),
                    handle: format!("p{next_id}"),
                    followers: None,
                    power_user: false,
                    buyer_stage: "unknown".into(),
                    last_seen: 1_000_000 - next_id,
                    last_contact: None,
                }
            })
            .collect();
        let mut effects = app.update(Msg::Loaded(Reply::People { request, rows }));
        while effects.is_empty() {
            effects = app.update(key('j'));
        }
        request = fixtures::people_request(&effects).expect("the next page");
        assert!(
            app.people.rows.len() <= 2 * PAGE,
            "{}",
            app.people.rows.len()
        );
    }
    assert!(app.people.rows.len() <= 2 * PAGE);
    assert!(app.people.start.is_some(), "the window moved past the top");
}

/// A platform with no API: the operator posts the reply from the outbox view. The
/// text goes to the clipboard, the message opens in the browser, and the operator's
/// "posted" marks it sent; anything else keeps it queued.
#[test]
fn a_reply_posted_by_hand_from_the_outbox() {
    use rapport::config::delivery::{SenderConfig, SenderKind};
    use rapport::model::outbox::OutboxRow;
    let mut app = fixtures::app((120, 40));
    app.config.senders.insert(
        "google".into(),
        SenderConfig {
            kind: SenderKind::Manual,
            ..Default::default()
        },
    );
    assert!(app.posted_by_hand("google"));
    assert_eq!(app.update(key('O')), [Effect::Store(StoreCmd::Outbox)]);
    let row = OutboxRow {
        action_id: 42,
        kind: "reply".into(),
        platform: "google".into(),
        state: "queued".into(),
        attempts: 0,
        created_at: NOW - 60,
        next_attempt_at: None,
        sent_at: None,
        last_error: None,
        remote_id: None,
        remote_url: None,
        author: Some("Lena H.".into()),
        body: "Thank you Lena, see you Saturday!".into(),
        mention_url: Some("https://maps.example/review/1".into()),
        mention_id: Some(3),
    };
    app.update(Msg::Loaded(Reply::Outbox(vec![row])));
    let effects = app.update(key('p'));
    assert_eq!(
        effects,
        [
            Effect::Clipboard("Thank you Lena, see you Saturday!".into()),
            Effect::OpenUrl("https://maps.example/review/1".into()),
        ]
    );
    // Enter is not yes: nothing is marked.
    assert_eq!(app.update(code(KeyCode::Enter)), []);
    app.update(key('p'));
    assert_eq!(
        app.update(key('y')),
        [
            Effect::Store(StoreCmd::MarkPosted(42)),
            Effect::Store(StoreCmd::Outbox)
        ]
    );
}

/// With `[delivery] review = true` a reply is shown as it will be posted, and queued
/// only on yes.
#[test]
fn review_shows_what_goes_where_before_queueing() {
    let mut app = fixtures::app((120, 40));
    app.config.delivery.review = true;
    app.update(key('r'));
    type_text(&mut app, "We ship to Canada, yes.");
    assert!(writes(&app.update(ctrl('s'))).is_empty());
    let Some(Popup::Confirm { text, .. }) = &app.popup else {
        panic!("no review: {:?}", app.popup);
    };
    assert!(
        text.contains("posted on twitter") && text.contains("We ship to Canada, yes."),
        "{text}"
    );
    assert_eq!(
        writes(&app.update(key('y'))),
        [Write::Reply {
            mention_id: 1,
            kind: ActionKind::Reply,
            body: "We ship to Canada, yes.".into(),
            force: false
        }]
    );
}

/// A queued reply taken back from the outbox to edit reopens in the compose pane only
/// once the store confirms it will not leave.
#[test]
fn a_queued_reply_is_taken_back_to_edit() {
    use rapport::domain::change::{UndoResult, Undone};
    use rapport::model::outbox::OutboxRow;
    let mut app = fixtures::app((120, 40));
    app.update(key('O'));
    let row = OutboxRow {
        action_id: 9,
        kind: "reply".into(),
        platform: "twitter".into(),
        state: "queued".into(),
        attempts: 0,
        created_at: NOW - 5,
        next_attempt_at: None,
        sent_at: None,
        last_error: None,
        remote_id: None,
        remote_url: None,
        author: Some("ana_bell".into()),
        body: "Back on Friday!".into(),
        mention_url: None,
        mention_id: Some(1),
    };
    app.update(Msg::Loaded(Reply::Outbox(vec![row])));
    assert_eq!(
        app.update(key('e')),
        [Effect::Store(StoreCmd::CancelSend(9))]
    );
    assert!(app.compose.is_none(), "not before the store confirms");
    app.update(Msg::Loaded(Reply::Undone(UndoResult::Undone(Undone {
        kind: ActionKind::Reply,
        mention_id: Some(1),
        handle: "ana_bell".into(),
    }))));
    assert_eq!(app.compose.as_ref().unwrap().body(), "Back on Friday!");
    assert_eq!(app.view, View::Inbox);
}

/// `=` cycles the open items' order: priority, newest first, oldest first.
#[test]
fn the_order_key_cycles_priority_newest_oldest() {
    let mut app = fixtures::app((120, 40));
    for expected in [
        Listing::ByTime { newest_first: true },
        Listing::ByTime {
            newest_first: false,
        },
        Listing::Queue,
    ] {
        let request = page_request(&app.update(key('='))).expect("a page of the new order");
        assert_eq!(request.listing, expected);
        assert!(request.from.is_none() && request.replace);
    }
}

/// What a background pull brought is said, and shown.
#[test]
fn a_pull_announces_what_came() {
    let mut app = fixtures::app((120, 40));
    let effects = app.update(Msg::Pulled(vec![
        ("northwind".into(), Ok(4)),
        ("northwind-bsky".into(), Ok(0)),
    ]));
    assert_eq!(app.notice.as_ref().unwrap().text, "4 new from northwind");
    assert!(page_request(&effects).is_some(), "the list reloads");
    let effects = app.update(Msg::Pulled(vec![(
        "northwind".into(),
        Err("the token was rejected (401)".into()),
    )]));
    assert!(effects.is_empty());
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("the token was rejected"));
    // Without accounts, R says how to add one.
    app.update(key('R'));
    assert!(app.notice.as_ref().unwrap().text.contains("[[accounts]]"));
}

/// A live account is a sender for its platform: the outbox does not call its replies
/// stuck for want of a `[senders]` entry.
#[test]
fn a_live_account_is_a_sender_for_its_platform() {
    let mut app = fixtures::app((120, 40));
    assert!(!app.has_sender("mastodon"));
    app.config = rapport::config::load_str(
        "[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"https://social.example\"\ntoken_env = \"RAPPORT_MASTODON_TOKEN\"\n",
        "test.toml",
    )
    .unwrap();
    assert!(app.has_sender("mastodon"));
    assert!(!app.has_sender("twitter"));
}
