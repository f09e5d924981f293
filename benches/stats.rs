//! `cargo bench --bench stats`: the response figures on the 1,000,000-mention inbox
//! (see benches/common): the stats view's report, the status bar's warnings, and the
//! background refresh that carries them. The demo inbox packs its mentions into two
//! weeks, so the view's 30 days hold all of them: the worst case. The same count
//! spread over a year is measured too.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use rapport::config::Config;
use rapport::store::command::StoreCmd;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let path = common::database();
    let config = Config::defaults();
    let now = chrono::Utc::now().timestamp();
    let mut conn = rapport::store::open(&path).expect("open");
    let mut cache = rapport::store::actor::Cache::default();
    let since = rapport::domain::figures::default_since(&config.working_hours, now);
    let mentions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM mentions WHERE created_at >= ?1",
            [since],
            |r| r.get(0),
        )
        .expect("count");
    eprintln!("the stats view's 30 days hold {mentions} mentions");
    // What the app does before its first report (once per time zone).
    let schedule = rapport::domain::sla::Schedule::new(&config.working_hours);
    for (what, path) in [
        ("inbox", common::database()),
        ("year", common::year_database()),
    ] {
        let c = rapport::store::open(&path).expect("open");
        let started = std::time::Instant::now();
        if rapport::store::day_rollups::ensure(&c, &schedule).expect("days") {
            eprintln!(
                "built the stats' days of the {what} database in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
    }

    c.bench_function("stats view report (30 days)", |b| {
        b.iter(|| rapport::store::report::report(&conn, &config, since, now).expect("report"))
    });
    // Built (a second large file) only when this bench is asked for.
    c.bench_function("stats view report (30 days), a year of mentions", |b| {
        let year_conn = rapport::store::open(&common::year_database()).expect("open");
        b.iter(|| rapport::store::report::report(&year_conn, &config, since, now).expect("report"))
    });
    c.bench_function("status bar warnings", |b| {
        b.iter(|| rapport::store::warnings::current(&conn, &config, now).expect("warnings"))
    });
    c.bench_function(
        "background refresh (wake, counts, warnings, crossed)",
        |b| {
            b.iter(|| {
                rapport::store::actor::run(
                    &mut conn,
                    &config,
                    &mut cache,
                    StoreCmd::Refresh {
                        crossed_after: Some(now - 5),
                    },
                    now,
                )
                .expect("refresh");
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
