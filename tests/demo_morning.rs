//! The demo is a morning whatever the hour it is started at: a few dozen messages
//! from the evening and the night waiting, a handful due soon or just over, a healthy
//! history, and people worth knowing.

use chrono::{DateTime, Utc};
use rapport::commands::Ctx;
use rapport::config::Config;
use rusqlite::Connection;

fn one(conn: &Connection, sql: &str, now: i64) -> i64 {
    conn.query_row(sql, [now], |r| r.get(0)).unwrap()
}

/// (open, over target, due soon) of the demo built at `now`, with its other checks.
fn morning_at(now: &str) -> (i64, i64, i64) {
    let now: DateTime<Utc> = now.parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let config = Config::defaults();
    let ctx = Ctx {
        db: db.clone(),
        db_given: true,
        config: config.clone(),
    };
    rapport::commands::demo::build(&ctx, &db, 2400, now).unwrap();
    let conn = Connection::open(&db).unwrap();
    let at = now.timestamp();
    let soon = config.pace.due_soon_minutes * 60;
    let open = one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND ?1 > 0",
        at,
    );
    let over = one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND due_at < ?1",
        at,
    );
    let due_soon = conn
        .query_row(
            "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND due_at >= ?1 AND due_at <= ?2",
            [at, at + soon],
            |r| r.get(0),
        )
        .unwrap();
    let context = format!("at {now}: {open} open, {over} over, {due_soon} due soon");
    assert!((20..=60).contains(&open), "{context}");
    assert!(over <= 5, "{context}");
    assert!(due_soon >= 2, "{context}");
    // A healthy history: answered, mostly in time.
    let answered = one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE first_response_at IS NOT NULL AND first_response_at < ?1",
        at,
    );
    let in_time = one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE first_response_at IS NOT NULL AND first_response_at <= due_at AND ?1 > 0",
        at,
    );
    assert!(answered > 1000, "{context}: {answered} answered");
    assert!(
        in_time * 10 >= answered * 8,
        "{context}: {in_time} of {answered} in time"
    );
    // People worth knowing: a power user, a regular, a former customer.
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM tags WHERE tag = 'power_user' AND ?1 > 0",
            at
        ) >= 1,
        "{context}: no power user"
    );
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM people WHERE buyer_stage = 'existing_customer' AND ?1 > 0",
            at
        ) >= 1,
        "{context}: no regular"
    );
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM people WHERE buyer_stage = 'former_customer' AND ?1 > 0",
            at
        ) >= 1,
        "{context}: no former customer"
    );
    (open, over, due_soon)
}

#[test]
fn the_demo_is_a_morning_at_any_hour() {
    for now in [
        "2026-11-19T08:00:00Z", // a Thursday morning
        "2026-11-19T12:31:00Z", // noon
        "2026-11-19T23:47:00Z", // late evening
        "2026-11-23T06:10:00Z", // a Monday, early
        "2026-11-22T15:00:00Z", // a Sunday afternoon
        "2026-11-22T00:20:00Z", // just after midnight
    ] {
        let (open, over, soon) = morning_at(now);
        println!("{now}: {open} open, {over} over target, {soon} due soon");
    }
}
