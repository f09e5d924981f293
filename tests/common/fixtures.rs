//! A small, fixed inbox for the app and view tests: no database, no clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rapport::app::{App, Effect, Msg};
use rapport::config::keys::Keymap;
use rapport::config::Config;
use rapport::domain::reading::Class;
use rapport::domain::warnings::{PaceWarning, Warnings};
use rapport::domain::{BuyerStage, Engagement, MentionKind, Signals, Status};
use rapport::model::detail::{Card, Detail, Mention, ThreadItem};
use rapport::model::inbox::{InboxRow, Listing};
use rapport::model::people::PeopleFilter;
use rapport::store::command::StoreCmd;
use rapport::store::command::{PageRequest, Reply};

/// 2026-11-23 10:00 UTC, a Monday.
pub const NOW: i64 = 1_795_428_000;

pub fn row(id: i64, handle: &str, text: &str, age_min: i64, target_min: i64) -> InboxRow {
    let created_at = NOW - age_min * 60;
    InboxRow {
        id,
        rank: created_at + target_min * 60,
        created_at,
        due_at: created_at + target_min * 60,
        platform: if id % 2 == 0 {
            "instagram".into()
        } else {
            "twitter".into()
        },
        kind: if id == 3 {
            MentionKind::Sms
        } else {
            MentionKind::Mention
        },
        author_id: 100 + id,
        handle: handle.into(),
        power_user: id == 2,
        segment: (id == 4).then(|| "wholesale".to_string()),
        preview: text.into(),
        status: Status::Open,
    }
}

/// Five rows: over target, due soon, within target, a power user, hostile text.
pub fn rows() -> Vec<InboxRow> {
    vec![
        row(1, "ana_bell", "Is the cold brew back this week? My order #4411 never came.", 180, 60),
        row(2, "marcus.roasts", "Loved the Ethiopia single origin, best cup in town ☕", 50, 60),
        row(3, "+15550100", "hi can I change my pickup to 5pm", 5, 15),
        row(4, "café_李", "日本語とEmoji 👩‍👩‍👧 mixed widths in one line", 20, 240),
        row(
            5,
            "evil\u{1b}]0;pwned\u{7}",
            "\u{1b}[2J\u{1b}[31mred\u{202e}reversed\u{200b}zero-width and a very long line that goes on and on and on and on and on and on and on and on",
            30,
            60,
        ),
    ]
}

pub fn detail(r: &InboxRow) -> Detail {
    Detail {
        mention: Mention {
            id: r.id,
            platform: r.platform.clone(),
            external_id: format!("ext-{}", r.id),
            kind: r.kind,
            account: Some("northwindcoffee".into()),
            body: format!(
                "{}\nSecond line with a link https://example.com/p/{}",
                r.preview, r.id
            ),
            url: Some(format!("https://example.com/p/{}", r.id)),
            created_at: r.created_at,
            due_at: r.due_at,
            status: r.status,
            snoozed_until: None,
            first_response_at: None,
            signals: Signals {
                class: if r.preview.contains('?') {
                    Class::Question
                } else if r.id == 2 {
                    Class::Praise
                } else {
                    Class::Plain
                },
                is_question: r.preview.contains('?'),
                sentiment: if r.id == 2 { 0.8 } else { 0.0 },
            },
            reason: if r.preview.contains('?') {
                "question: '?'".into()
            } else if r.id == 2 {
                "praise: 'love'".into()
            } else {
                "plain mention".into()
            },
        },
        author: Card {
            id: r.author_id,
            platform: r.platform.clone(),
            handle: r.handle.clone(),
            display_name: Some("Ana Bell".into()),
            followers: Some(if r.id == 2 { 48_000 } else { 312 }),
            is_bot: false,
            buyer_stage: BuyerStage::ExistingCustomer,
            engagement: Engagement::Conversation,
            notes: "2026-11-02: prefers oat milk".into(),
            tags: if r.power_user {
                vec!["power_user".into()]
            } else {
                vec![]
            },
            last_contact: Some(NOW - 3 * 86_400),
            conversations: 7,
            conversations_30d: 2,
        },
        answering_elsewhere: false,
        thread: vec![
            ThreadItem {
                at: r.created_at - 3600,
                who: "northwindcoffee".into(),
                ours: true,
                body: "New cold brew drops Friday!".into(),
                current: false,
                state: Some(rapport::domain::ActionState::Sent),
            },
            ThreadItem {
                at: r.created_at,
                who: r.handle.clone(),
                ours: false,
                body: r.preview.clone(),
                current: true,
                state: None,
            },
        ],
    }
}

/// An app at NOW on a terminal of `size`, with the fixed rows loaded and the first
/// row's detail shown.
pub fn app(size: (u16, u16)) -> App {
    let config = Config::defaults();
    let keymap = Keymap::build(&config.keys).unwrap();
    let mut app = App::new(config, keymap, NOW, size);
    let effects = app.start();
    let request = page_request(&effects).expect("start loads a page");
    let rows = rows();
    let first = detail(&rows[0]);
    app.update(Msg::Loaded(Reply::Page { request, rows }));
    app.update(Msg::Loaded(Reply::Refreshed {
        snoozed: 1,
        warnings: Box::new(warnings()),
        crossed: Vec::new(),
        outbox: Default::default(),
    }));
    app.update(Msg::Loaded(Reply::Detail {
        id: 1,
        detail: Some(Box::new(first)),
    }));
    app
}

/// A busy morning: two items over target, one due soon, a falling pace.
pub fn warnings() -> Warnings {
    Warnings {
        open: 5,
        over_target: 2,
        due_soon: 1,
        done_today: 7,
        oldest_open_at: chrono::DateTime::from_timestamp(NOW - 3 * 3600, 0),
        median_response_today_secs: Some(42.0 * 60.0),
        median_target_today_secs: Some(3600.0),
        pace: Some(PaceWarning::Dropped {
            last_7_per_day: 4.0,
            prior_28_per_day: 9.5,
            drop: 1.0 - 4.0 / 9.5,
        }),
        nothing_imported: false,
    }
}

/// The inbox page request among effects.
pub fn page_request(effects: &[Effect]) -> Option<PageRequest<Listing>> {
    effects.iter().find_map(|e| match e {
        Effect::Store(StoreCmd::Page(p)) => Some(p.clone()),
        _ => None,
    })
}

/// The people page request among effects.
pub fn people_request(effects: &[Effect]) -> Option<PageRequest<PeopleFilter>> {
    effects.iter().find_map(|e| match e {
        Effect::Store(StoreCmd::People(p)) => Some(p.clone()),
        _ => None,
    })
}

/// A plain key press.
pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// A special key press (Enter, Esc, arrows...).
pub fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
