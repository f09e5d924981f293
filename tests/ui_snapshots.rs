//! Every view drawn on ratatui's TestBackend at 80x24 and 200x50, compared with the
//! accepted snapshots in tests/snapshots/ (review changes with `cargo insta review`).

mod common;

use common::fixtures::{self, key, NOW};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rapport::app::{App, Msg};
use rapport::domain::{BuyerStage, Engagement};
use rapport::model::detail::Card;
use rapport::model::people::{Event, PersonRow};
use rapport::store::command::Reply;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal
        .draw(|f| rapport::ui::draw(f, app, &rapport::ui::theme::Theme::of(app)))
        .unwrap();
    terminal.backend().to_string()
}

/// Snapshots `build(size)` at both sizes, named `name_WxH`.
fn check(name: &str, build: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let app = build(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), render(&app));
    }
}

#[test]
fn inbox_with_detail() {
    check("inbox", fixtures::app);
}

/// Without colour, over-target and due-soon rows carry a mark (! and ~).
#[test]
fn no_color_rows_are_marked() {
    check("no_color", |size| {
        let mut app = fixtures::app(size);
        app.no_color = true;
        app
    });
}

#[test]
fn hostile_text_is_drawn_safely() {
    check("hostile", |size| {
        let mut app = fixtures::app(size);
        for _ in 0..4 {
            app.update(key('j'));
        }
        let rows = fixtures::rows();
        app.update(Msg::Loaded(Reply::Detail {
            id: 5,
            detail: Some(Box::new(fixtures::detail(&rows[4]))),
        }));
        app
    });
    let mut app = fixtures::app((200, 50));
    for _ in 0..4 {
        app.update(key('j'));
    }
    let screen = render(&app);
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{202e}') && !screen.contains('\u{200b}')
    );
}

#[test]
fn compose_a_thank_you() {
    check("compose", |size| {
        let mut app = fixtures::app(size);
        app.update(key('t'));
        app.update(key('1'));
        for c in "See you Friday".chars() {
            app.update(key(c));
        }
        app
    });
}

/// A long reply wraps at words inside the pane, the cursor at its end, no sideways
/// scroll; ctrl-u then clears the line.
#[test]
fn compose_wraps_a_long_reply() {
    let long = "Thanks so much for writing in about this, we are really sorry the cold brew \
                was not right this morning and we would love to make it up to you next time \
                you visit the Riverside cafe, the next one is on us.";
    check("compose_long", |size| {
        let mut app = fixtures::app(size);
        app.update(key('r'));
        for c in long.chars() {
            app.update(key(c));
        }
        app
    });
    for size in SIZES {
        let mut app = fixtures::app(size);
        app.update(key('r'));
        for c in long.chars() {
            app.update(key(c));
        }
        let screen = render(&app);
        assert!(
            screen.contains("Thanks so much"),
            "the start scrolled away:\n{screen}"
        );
        assert!(screen.contains("on us."), "{screen}");
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        assert_eq!(app.compose.as_ref().unwrap().body(), "");
    }
}

/// Keys typed while the screen asks to be enlarged do not reach the draft.
#[test]
fn keys_on_the_enlarge_screen_stay_out_of_the_draft() {
    let mut app = fixtures::app((80, 24));
    app.update(key('r'));
    app.update(key('a'));
    app.update(Msg::Resize(30, 8));
    app.update(key('x'));
    app.update(Msg::Resize(80, 24));
    app.update(key('b'));
    assert_eq!(app.compose.as_ref().unwrap().body(), "ab");
}

/// The detail pane stops at its last line: after Tab and 24 steps down, then Tab back,
/// the message is still on screen.
#[test]
fn the_detail_never_scrolls_into_blank_space() {
    let mut app = fixtures::app((80, 24));
    render(&app);
    app.update(fixtures::code(KeyCode::Tab));
    for _ in 0..24 {
        app.update(key('j'));
        render(&app);
    }
    app.update(fixtures::code(KeyCode::Tab));
    let screen = render(&app);
    assert!(screen.contains("followers"), "{screen}");
    // One step up shows one line more at once: the scroll stayed at the end.
    let before = app.detail.scroll;
    app.update(fixtures::code(KeyCode::Tab));
    app.update(key('k'));
    assert_eq!(app.detail.scroll, before.saturating_sub(1));
}

/// At 40x10 the status bar keeps whole fields and whole key hints.
#[test]
fn a_narrow_status_bar_drops_whole_fields() {
    let app = fixtures::app((40, 10));
    let screen = render(&app);
    insta::assert_snapshot!("narrow_40x10", screen.clone());
    let lines: Vec<&str> = screen.lines().collect();
    let figures = lines[lines.len() - 2];
    assert!(figures.contains("5 open · 2 over · 1 due≤30m"), "{figures}");
    assert!(
        !figures.contains("done 7 ·") || figures.contains("oldest"),
        "{figures}"
    );
    assert!(!figures.contains("snooze"), "{figures}");
}

#[test]
fn help_lists_the_live_keys() {
    check("help", |size| {
        let mut app = fixtures::app(size);
        app.update(key('?'));
        app
    });
}

#[test]
fn snooze_choices() {
    check("snooze", |size| {
        let mut app = fixtures::app(size);
        app.update(key('s'));
        app
    });
}

#[test]
fn search_input() {
    check("search", |size| {
        let mut app = fixtures::app(size);
        app.update(key('/'));
        for c in "from:ana is:question".chars() {
            app.update(key(c));
        }
        app
    });
}

fn person_row(id: i64, handle: &str, power: bool) -> PersonRow {
    PersonRow {
        id,
        platform: "instagram".into(),
        handle: handle.into(),
        followers: Some(id * 1000),
        power_user: power,
        buyer_stage: "existing_customer".into(),
        last_seen: NOW - id * 3600,
        last_contact: (id % 2 == 0).then_some(NOW - 40 * 86_400),
    }
}

#[test]
fn people_list() {
    check("people", |size| {
        let mut app = fixtures::app(size);
        let request = fixtures::people_request(&app.update(key('P'))).expect("people asked for");
        app.update(Msg::Loaded(Reply::People {
            request,
            rows: vec![
                person_row(1, "ana_bell", true),
                person_row(2, "marcus.roasts", false),
                person_row(3, "café_李", false),
            ],
        }));
        app
    });
}

/// The app on the person page of `card`, with `history`: opened from the people list
/// as a person does (P, enter).
fn person_app(size: (u16, u16), card: Card, history: Vec<Event>) -> App {
    let mut app = fixtures::app(size);
    let request = fixtures::people_request(&app.update(key('P'))).expect("people asked for");
    app.update(Msg::Loaded(Reply::People {
        request,
        rows: vec![person_row(102, "marcus.roasts", true)],
    }));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    app.update(Msg::Loaded(Reply::Person {
        card: Box::new(card),
        history,
    }));
    app
}

#[test]
fn person_page() {
    check("person", |size| {
        let mut card = fixtures::detail(&fixtures::rows()[1]).author;
        card.buyer_stage = BuyerStage::PotentialBuyer;
        card.engagement = Engagement::Discounts;
        person_app(
            size,
            card,
            vec![
                Event {
                    at: NOW - 600,
                    what: "reply".into(),
                    ours: true,
                    text: "Glad you liked it, Marcus!".into(),
                    state: "queued".into(),
                },
                Event {
                    at: NOW - 3000,
                    what: "mention".into(),
                    ours: false,
                    text: "Loved the Ethiopia single origin".into(),
                    state: "done".into(),
                },
            ],
        )
    });
}

/// A long handle and name wrap, and the card takes the rows they need; notes that do
/// not fit (300 lines of them) show their newest lines and say how many earlier ones
/// they leave out.
#[test]
fn person_page_with_many_notes() {
    check("person_notes", |size| {
        let mut card = fixtures::detail(&fixtures::rows()[1]).author;
        card.handle = "ana_bell_who_writes_from_a_very_long_handle@social.example.org".into();
        card.display_name = Some("Ana Bell, head of coffee at Harbor Street Roasters".into());
        card.notes = (1..=300)
            .map(|n| format!("2026-11-27: note {n} on the wholesale order"))
            .collect::<Vec<_>>()
            .join("\n");
        person_app(
            size,
            card,
            vec![Event {
                at: NOW - 600,
                what: "mention".into(),
                ours: false,
                text: "Is the wholesale order on its way?".into(),
                state: "open".into(),
            }],
        )
    });
}

/// Wide and joined characters, combining marks, tabs and a long handle: every row of
/// the history stays inside the border and keeps its indent.
#[test]
fn person_page_with_wide_text() {
    check("person_wide", |size| {
        let mut card = fixtures::detail(&fixtures::rows()[1]).author;
        card.handle = "the.longest_handle.anyone_ever_chose_for_a_coffee_account_2026".into();
        card.notes =
            "常连客 ❤\u{fe0f} orders\tthe Harbor Blend e\u{301}very month 👨\u{200d}👩\u{200d}👧"
                .into();
        let text = "I ❤\u{fe0f} the oat milk latte ❤\u{fe0f} and the 抹茶ラテ, the family 👨\u{200d}👩\u{200d}👧\u{200d}👦 comes every Sunday\tfor the cafe\u{301} au lait ❤\u{fe0f}❤\u{fe0f}❤\u{fe0f}❤\u{fe0f}❤\u{fe0f} see you 🇫🇷 soon";
        let history = (0..4)
            .map(|i| Event {
                at: NOW - 600 * (i + 1),
                what: "mention".into(),
                ours: i % 2 == 1,
                text: text.repeat(i as usize + 1),
                state: "done".into(),
            })
            .collect();
        person_app(size, card, history)
    });
}

#[test]
fn too_small_asks_to_enlarge() {
    let app = fixtures::app((30, 8));
    insta::assert_snapshot!("too_small_30x8", render(&app));
}

/// A report from a real demo inbox written at the fixed time.
fn demo_report() -> rapport::model::report::Report {
    let config = rapport::config::Config::defaults();
    demo_report_since(rapport::domain::figures::default_since(
        &config.working_hours,
        NOW,
    ))
}

/// The same inbox's report for the period from `since`.
fn demo_report_since(since: i64) -> rapport::model::report::Report {
    demo_report_at(NOW, since)
}

/// A report at NOW for the period from `since` of a demo inbox written at `built`.
fn demo_report_at(built: i64, since: i64) -> rapport::model::report::Report {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let config = rapport::config::Config::defaults();
    let ctx = rapport::commands::Ctx {
        db: db.clone(),
        db_given: true,
        config: config.clone(),
    };
    let now = chrono::DateTime::from_timestamp(built, 0).unwrap();
    rapport::commands::demo::build(&ctx, &db, 1200, now).unwrap();
    let conn = rapport::store::open(&db).unwrap();
    rapport::store::report::report(&conn, &config, since, NOW).unwrap()
}

/// `p` then `1` picks the last 7 days: the view asks for them and names them.
#[test]
fn stats_for_a_chosen_period() {
    use rapport::domain::figures::Period;
    use rapport::store::command::StoreCmd;
    let config = rapport::config::Config::defaults();
    let since = Period::LastDays(7).since(&config.working_hours, NOW);
    let report = demo_report_since(since.unwrap());
    check("stats_7_days", |size| {
        let mut app = fixtures::app(size);
        app.update(key('S'));
        app.update(key('p'));
        let effects = app.update(key('1'));
        assert!(
            effects.contains(&rapport::app::Effect::Store(StoreCmd::Stats { since })),
            "{effects:?}"
        );
        assert_eq!(app.stats.period, Period::LastDays(7));
        app.update(Msg::Loaded(Reply::Stats(Box::new(report.clone()))));
        app
    });
}

/// On an inbox last used two months ago, the last 30 days hold no messages: the view
/// says so and still counts what is open now. A day typed after `p` `5` sets the
/// period.
#[test]
fn stats_of_a_quiet_period() {
    let config = rapport::config::Config::defaults();
    let since = rapport::domain::figures::default_since(&config.working_hours, NOW);
    let report = demo_report_at(NOW - 60 * 86_400, since);
    assert!(report.warnings.open > 0 && report.overall.mentions == 0);
    check("stats_quiet", |size| {
        let mut app = fixtures::app(size);
        app.update(key('S'));
        app.update(Msg::Loaded(Reply::Stats(Box::new(report.clone()))));
        app
    });
    let mut app = fixtures::app((80, 24));
    app.update(key('S'));
    app.update(key('p'));
    app.update(key('5'));
    for c in "2026-09-01".chars() {
        app.update(key(c));
    }
    let effects = app.update(fixtures::code(KeyCode::Enter));
    assert_eq!(
        app.stats.period,
        rapport::domain::figures::Period::Since(
            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
        )
    );
    assert!(
        matches!(
            effects[..],
            [rapport::app::Effect::Store(
                rapport::store::command::StoreCmd::Stats { since: Some(_) }
            )]
        ),
        "{effects:?}"
    );
}

#[test]
fn stats_view() {
    let report = demo_report();
    check("stats", |size| {
        let mut app = fixtures::app(size);
        app.update(key('S'));
        app.update(Msg::Loaded(Reply::Stats(Box::new(report.clone()))));
        app
    });
}

#[test]
fn an_item_crossing_its_target_is_announced() {
    check("announcement", |size| {
        let mut app = fixtures::app(size);
        app.update(Msg::Tick(NOW + 1));
        app.update(Msg::Loaded(Reply::Refreshed {
            snoozed: 1,
            warnings: Box::new(fixtures::warnings()),
            crossed: vec![rapport::model::inbox::Crossed {
                id: 2,
                handle: "marcus.roasts".into(),
                platform: "instagram".into(),
                kind: rapport::domain::MentionKind::Comment,
                due_at: NOW,
                preview: "is the cold brew back?".into(),
            }],
            outbox: Default::default(),
        }));
        app
    });
}

/// A phone number is masked in the list but its last four digits, whole on the
/// person's card, and never shown with an `@`.
#[test]
fn a_phone_number_is_masked_in_the_list_and_whole_on_the_card() {
    let mut app = fixtures::app((200, 50));
    app.update(key('j'));
    app.update(key('j'));
    let rows = fixtures::rows();
    assert_eq!(rows[2].handle, "+15550100");
    app.update(Msg::Loaded(Reply::Detail {
        id: rows[2].id,
        detail: Some(Box::new(fixtures::detail(&rows[2]))),
    }));
    let screen = render(&app);
    assert!(screen.contains("•••• 0100"), "{screen}");
    assert!(
        screen.contains("│+15550100  Ana Bell"),
        "the card: {screen}"
    );
    assert!(!screen.contains("@+1555"), "{screen}");
}

/// Every view, drawn at widths and heights from one cell up (what a resized or split
/// terminal gives), and again after the terminal shrinks under it: it never panics,
/// and the frame fills the terminal exactly.
#[test]
fn every_view_draws_at_odd_sizes() {
    let report = demo_report();
    let many_notes = || {
        let mut card = fixtures::detail(&fixtures::rows()[1]).author;
        card.handle = "a_very_long_handle_of_someone_on_a_server@social.example.org".into();
        card.notes = (1..=300)
            .map(|n| format!("note {n}"))
            .collect::<Vec<_>>()
            .join("\n");
        card
    };
    let keys = |size: (u16, u16), typed: &str| {
        let mut app = fixtures::app(size);
        for c in typed.chars() {
            app.update(key(c));
        }
        app
    };
    type Build<'a> = Box<dyn Fn((u16, u16)) -> App + 'a>;
    let views: Vec<(&str, Build)> = vec![
        ("inbox", Box::new(fixtures::app)),
        ("hostile detail", Box::new(|s| keys(s, "jjjj"))),
        ("compose", Box::new(|s| keys(s, "t1See you Friday"))),
        ("snooze", Box::new(|s| keys(s, "s"))),
        ("search", Box::new(|s| keys(s, "/from:ana is:question"))),
        ("help", Box::new(|s| keys(s, "?"))),
        (
            "stats",
            Box::new(|s| {
                let mut app = keys(s, "S");
                app.update(Msg::Loaded(Reply::Stats(Box::new(report.clone()))));
                app
            }),
        ),
        (
            "person",
            Box::new(|s| person_app(s, many_notes(), Vec::new())),
        ),
    ];
    // Below the smallest screen the app asks to be enlarged; at and just above it,
    // every layout has its least room.
    use rapport::app::layout::{MIN_HEIGHT, MIN_WIDTH};
    let widths = [1, 5, MIN_WIDTH - 1, MIN_WIDTH, MIN_WIDTH + 1, 57, 81, 121];
    let heights = [
        1,
        3,
        MIN_HEIGHT - 1,
        MIN_HEIGHT,
        MIN_HEIGHT + 1,
        13,
        24,
        40,
        61,
    ];
    for (name, build) in &views {
        // Built at each size, then one screen resized through all of them.
        let mut resized = build((200, 50));
        render(&resized);
        for &w in &widths {
            for &h in &heights {
                let screen = render(&build((w, h)));
                assert_eq!(screen.lines().count(), usize::from(h), "{name} at {w}x{h}");
                resized.update(Msg::Resize(w, h));
                let screen = render(&resized);
                assert_eq!(
                    screen.lines().count(),
                    usize::from(h),
                    "{name} resized to {w}x{h}"
                );
            }
        }
    }
}

/// On a short terminal (80x16) a card with a long handle still shows every line of its
/// own, its notes folded into a count: the history gives up the rows it does not need,
/// then all but one line.
#[test]
fn person_page_on_a_short_terminal() {
    let mut card = fixtures::detail(&fixtures::rows()[1]).author;
    card.handle = "ana_bell_who_writes_from_a_very_long_handle@social.example.org".into();
    card.display_name = Some("Ana Bell, head of coffee at Harbor Street Roasters".into());
    card.notes = "2026-11-27: wholesale order\n2026-11-28: paid".into();
    let history = |texts: usize| {
        (0..texts)
            .map(|i| Event {
                at: NOW - 600 * (i as i64 + 1),
                what: "mention".into(),
                ours: false,
                text: "Is the wholesale order on its way?".into(),
                state: "open".into(),
            })
            .collect::<Vec<_>>()
    };
    let app = person_app((80, 16), card.clone(), history(1));
    insta::assert_snapshot!("person_short_80x16", render(&app));
    // A longer history keeps only its last line for the card.
    let app = person_app((80, 15), card, history(3));
    insta::assert_snapshot!("person_short_long_history_80x15", render(&app));
}
