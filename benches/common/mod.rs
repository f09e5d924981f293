//! The shared benchmark inbox.

use rapport::commands::Ctx;
use rapport::config::Config;
use std::path::PathBuf;
use std::time::Instant;

/// Mentions in the benchmark inbox: RAPPORT_BENCH_COUNT, or 1,000,000.
pub fn count() -> usize {
    std::env::var("RAPPORT_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000_000)
}

/// The benchmark inbox (a demo inbox of `count()` mentions), built on first use and
/// kept at target/bench-data/inbox-COUNT.db; delete it to rebuild.
pub fn database() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("inbox-{}.db", count()));
    if path.exists() {
        // Bring an inbox built by an older rapport up to the current schema.
        rapport::store::open(&path).expect("migrating the benchmark inbox");
        return path;
    }
    std::fs::create_dir_all(&dir).expect("creating target/bench-data");
    let ctx = Ctx {
        db: path.clone(),
        db_given: true,
        config: Config::defaults(),
    };
    let started = Instant::now();
    // Two weeks of a busy inbox, most recent items open: the shape the figures in the
    // README were measured on.
    let (counts, _) = rapport::commands::demo::build_shaped(
        &ctx,
        &path,
        count(),
        chrono::Utc::now(),
        rapport::gen::Shape::Flood,
    )
    .expect("building the benchmark inbox");
    eprintln!(
        "built {} ({} mentions) in {:.1} s",
        path.display(),
        counts.mentions_added,
        started.elapsed().as_secs_f64()
    );
    path
}

/// The same number of mentions spread over a year instead of two weeks (a more usual
/// shape: the stats view's 30 days then hold about a twelfth of them). Kept at
/// target/bench-data/year-COUNT.db.
#[allow(dead_code)]
pub fn year_database() -> PathBuf {
    use rapport::gen::{Generator, Options};
    use rapport::store::import::Importer;
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
    path
}
