//! `cargo bench --bench render`: the triage screen on a 1,000,000-mention inbox.
//! Opening to the first frame, one step down, a page down, a search for a word in
//! most rows, and one frame's drawing. RAPPORT_BENCH_COUNT sets another size.
//!
//! The database is built once (a few tens of seconds) and kept at
//! target/bench-data/inbox-COUNT.db for later runs; delete it to rebuild.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rapport::app::{App, Effect, Msg};
use rapport::config::keys::Keymap;
use rapport::config::Config;
use rapport::domain::query::Query;
use rapport::model::inbox::{Direction, Listing};
use rapport::store::inbox::{self};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;
use std::time::Duration;

/// Runs the app's store effects synchronously, as the store thread would.
fn run_effects(
    app: &mut App,
    conn: &mut Connection,
    config: &Config,
    effects: Vec<Effect>,
    now: i64,
) {
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for e in queue {
            if let Effect::Store(cmd) = e {
                // Counts and warnings are refreshed in the background, not per key.
                if matches!(cmd, rapport::store::command::StoreCmd::Refresh { .. }) {
                    continue;
                }
                let loaded =
                    rapport::store::actor::run(conn, config, &mut Default::default(), cmd, now)
                        .expect("store command");
                next.extend(app.update(Msg::Loaded(loaded)));
            }
        }
        queue = next;
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn bench(c: &mut Criterion) {
    let path = common::database();
    let config = Config::defaults();
    let now = chrono::Utc::now().timestamp();
    let size = (200, 50);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("test terminal");

    c.bench_function("open to first frame", |b| {
        b.iter(|| {
            let mut conn = rapport::store::open(&path).expect("open");
            let keymap = Keymap::build(&config.keys).expect("keymap");
            let mut app = App::new(config.clone(), keymap, now, size);
            let theme = rapport::ui::theme::Theme::of(&app);
            let effects = app.start();
            run_effects(&mut app, &mut conn, &config, effects, now);
            terminal
                .draw(|f| rapport::ui::draw(f, &app, &theme))
                .expect("draw");
            assert!(app.selected_detail().is_some());
        })
    });

    let mut conn = rapport::store::open(&path).expect("open");
    let keymap = Keymap::build(&config.keys).expect("keymap");
    let mut app = App::new(config.clone(), keymap, now, size);
    let theme = rapport::ui::theme::Theme::of(&app);
    let effects = app.start();
    run_effects(&mut app, &mut conn, &config, effects, now);

    c.bench_function("one step down (key to frame)", |b| {
        b.iter(|| {
            let effects = app.update(key(KeyCode::Char('j')));
            run_effects(&mut app, &mut conn, &config, effects, now);
            terminal
                .draw(|f| rapport::ui::draw(f, &app, &theme))
                .expect("draw");
        })
    });

    c.bench_function("page down (key to frame)", |b| {
        b.iter(|| {
            let effects = app.update(key(KeyCode::PageDown));
            run_effects(&mut app, &mut conn, &config, effects, now);
            terminal
                .draw(|f| rapport::ui::draw(f, &app, &theme))
                .expect("draw");
        })
    });

    // "the" is in most generated mentions: the worst case for a first page.
    let listing = Listing::Search(Query::parse("the").expect("query"));
    let hits: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH 'the'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    eprintln!("\"the\" is in {hits} mentions");
    c.bench_function("search a common word, first page", |b| {
        b.iter(|| {
            let rows =
                inbox::page(&conn, &listing, None, Direction::Forward, 200, now).expect("search");
            assert_eq!(rows.len(), 200);
        })
    });

    c.bench_function("one frame (200x50)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| rapport::ui::draw(f, &app, &theme))
                .expect("draw");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
