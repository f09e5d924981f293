//! The shared benchmark inbox.
//!
//! Its shape is the benchmarks' own, whatever the demo becomes: `count()` mentions
//! (1,000,000) written within the last two weeks, at least a fifth of them open,
//! people tagged and actions seeded as in the demo. Figures stay comparable from one
//! version to the next only while this shape holds, so it is checked on every use.

use rapport::config::Config;
use rapport::gen::{Generator, Options};
use rapport::store::import::Importer;
use std::path::PathBuf;
use std::time::Instant;

/// The generator's seed for the benchmark inbox (the demo's people).
const SEED: u64 = 7;
/// The benchmark inbox's mentions are written within this many days before now.
const DAYS: i64 = 14;

/// Mentions in the benchmark inbox: RAPPORT_BENCH_COUNT, or 1,000,000.
pub fn count() -> usize {
    std::env::var("RAPPORT_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000_000)
}

/// The benchmark inbox, built on first use and kept at
/// target/bench-data/inbox-COUNT.db; delete it to rebuild.
pub fn database() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("inbox-{}.db", count()));
    if path.exists() {
        // Bring an inbox built by an older rapport up to the current schema.
        let conn = rapport::store::open(&path).expect("migrating the benchmark inbox");
        check_shape(&conn);
        return path;
    }
    std::fs::create_dir_all(&dir).expect("creating target/bench-data");
    let config = Config::defaults();
    let now = chrono::Utc::now();
    let started = Instant::now();
    let mut conn = rapport::store::open(&path).expect("creating the benchmark inbox");
    let mut importer = Importer::begin(&mut conn, &config, now).expect("import");
    for record in Generator::new(Options {
        count: count(),
        seed: SEED,
        now,
        days: DAYS,
        // Two weeks of a busy inbox, most recent items open (not the demo's morning).
        shape: rapport::gen::Shape::Flood,
    }) {
        importer.add(&record).expect("import");
    }
    let counts = importer.finish().expect("import");
    rapport::store::seed::relationships(&mut conn, &config, now.timestamp(), now.timestamp())
        .expect("seeding the benchmark inbox");
    eprintln!(
        "built {} ({} mentions) in {:.1} s",
        path.display(),
        counts.mentions_added,
        started.elapsed().as_secs_f64()
    );
    check_shape(&conn);
    settle();
    path
}

/// Waits until the inbox just built is written out: the figures that follow are a
/// person's on a quiet machine, not the system writing the benches' own setup behind
/// them (the first start-up figures after a build were 26.8 ms without this, 16.6 ms
/// with it, and 11-12 ms in the runs after).
fn settle() {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

/// Panics unless the inbox holds `count()` mentions of the last two weeks (as of when
/// it was built), at least a fifth of them open.
fn check_shape(conn: &rapport::store::Connection) {
    let (mentions, open, span): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), (SELECT COUNT(*) FROM mentions WHERE status = 'open'),
                    MAX(created_at) - MIN(created_at) FROM mentions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("reading the benchmark inbox");
    let wanted = count() as i64;
    assert!(
        mentions == wanted && open * 5 >= wanted && span <= DAYS * 86_400,
        "the benchmark inbox has lost its shape ({mentions} mentions, {open} open, over {} days); delete target/bench-data/inbox-{wanted}.db to rebuild it",
        span / 86_400
    );
}

/// The same number of mentions spread over a year instead of two weeks (a more usual
/// shape: the stats view's 30 days then hold about a twelfth of them). Kept at
/// target/bench-data/year-COUNT.db.
#[allow(dead_code)]
pub fn year_database() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("year-{}.db", count()));
    if path.exists() {
        rapport::store::open(&path).expect("migrating the benchmark inbox");
        return path;
    }
    std::fs::create_dir_all(&dir).expect("creating target/bench-data");
    let config = Config::defaults();
    let now = chrono::Utc::now();
    let started = Instant::now();
    let mut conn = rapport::store::open(&path).expect("creating the benchmark inbox");
    let mut importer = Importer::begin(&mut conn, &config, now).expect("import");
    for record in Generator::new(Options {
        count: count(),
        seed: 11,
        now,
        days: 365,
        shape: rapport::gen::Shape::Flood,
    }) {
        importer.add(&record).expect("import");
    }
    importer.finish().expect("import");
    eprintln!(
        "built {} in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    settle();
    path
}
