//! The generator and the demo database, through the real binary where it matters.

mod common;

use common::{rapport, stderr, stdout};
use rapport::cli::GenArgs;
use rusqlite::Connection;
use std::path::PathBuf;

fn generated(seed: u64, count: usize) -> Vec<u8> {
    let args = GenArgs {
        count,
        out: PathBuf::from("-"),
        seed,
    };
    let now = "2026-11-20T12:00:00Z".parse().unwrap();
    let mut out = Vec::new();
    rapport::commands::gen::write(&mut out, &args, now).unwrap();
    out
}

#[test]
fn gen_is_deterministic_for_a_seed_and_imports_cleanly() {
    let a = generated(3, 500);
    assert_eq!(a, generated(3, 500));
    assert_ne!(a, generated(4, 500));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.ndjson");
    let out = rapport(
        dir.path(),
        &dir.path().join("x.db"),
        &["gen", "--count", "300", "--out", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let db = dir.path().join("r.db");
    let out = rapport(dir.path(), &db, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("300 mentions added"),
        "{}",
        stdout(&out)
    );
}

fn one(conn: &Connection, sql: &str) -> i64 {
    common::one(conn, sql, [])
}

/// The demo is a morning: weeks of history answered in good time, the night's
/// messages waiting (a few dozen), a few of them due soon, people worth knowing.
#[test]
fn the_demo_database_is_a_morning_with_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    for _ in 0..2 {
        let out = rapport(dir.path(), &db, &["demo", "--no-open"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("2400 mentions"), "{}", stdout(&out));
    }
    let conn = Connection::open(&db).unwrap();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(one(&conn, "SELECT COUNT(*) FROM mentions"), 2400);
    let oldest = one(&conn, "SELECT MIN(created_at) FROM mentions");
    assert!(
        oldest >= now - 42 * 86_400 - 60
            && oldest < now - 35 * 86_400
            && one(&conn, "SELECT MAX(created_at) FROM mentions") <= now
    );
    // A few dozen open, all from the evening and the night (the last 14 hours).
    let open = one(&conn, "SELECT COUNT(*) FROM mentions WHERE status = 'open'");
    assert!((20..=60).contains(&open), "{open} open");
    let night = now - 14 * 3600 - 120;
    assert_eq!(
        one(
            &conn,
            &format!(
                "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND created_at < {night}"
            )
        ),
        0,
        "history left open"
    );
    let soon = format!(
        "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND due_at BETWEEN {} AND {}",
        now - 3600,
        now + 1800
    );
    assert!(one(&conn, &soon) >= 1, "nothing due soon or just over");
    // A readable pace: replies on every one of the last 28 days.
    assert!(
        one(
            &conn,
            &format!(
                "SELECT COUNT(DISTINCT first_response_at / 86400) FROM mentions
                 WHERE first_response_at > {}",
                now - 28 * 86_400
            )
        ) >= 28
    );
    // The history's thank-yous say something.
    assert_eq!(
        one(
            &conn,
            "SELECT COUNT(*) FROM actions WHERE kind = 'thank' AND body = ''"
        ),
        0
    );
    assert!(one(&conn, "SELECT COUNT(DISTINCT platform) FROM mentions") >= 4);
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM mentions WHERE platform = 'sms'"
        ) > 0
    );
    assert!(one(&conn, "SELECT COUNT(DISTINCT kind) FROM mentions") == 6);
    // The night does not count against the targets: at most a few are over.
    let late = format!("SELECT COUNT(*) FROM mentions WHERE status = 'open' AND due_at < {now}");
    assert!(one(&conn, &late) <= 5, "the morning is a flood");
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM mentions WHERE first_response_at IS NOT NULL"
        ) > 1000
    );
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM mentions WHERE parent_external_id IS NOT NULL"
        ) > 100
    );
    assert!(one(&conn, "SELECT COUNT(*) FROM tags WHERE tag = 'power_user'") >= 3);
    assert!(one(&conn, "SELECT COUNT(*) FROM tags WHERE tag = 'vip'") >= 1);
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM people WHERE buyer_stage <> 'unknown' AND notes <> ''"
        ) >= 5
    );
    for kind in ["reply", "like", "thank", "dismiss"] {
        let n = one(
            &conn,
            &format!("SELECT COUNT(*) FROM actions WHERE kind = '{kind}'"),
        );
        assert!(n > 0, "no {kind} actions");
    }
    // A few people wrote many mentions; a few have a huge audience.
    assert!(
        one(
            &conn,
            "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM mentions GROUP BY author_id)"
        ) >= 15
    );
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM people WHERE followers >= 100000"
        ) >= 2
    );
}

#[test]
fn the_demo_never_replaces_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("real.db");
    let file = dir.path().join("m.ndjson");
    std::fs::write(&file, format!("{}\n", common::mention("m1", "sam", "hi"))).unwrap();
    assert!(
        rapport(dir.path(), &db, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let out = rapport(dir.path(), &db, &["demo", "--no-open"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is not a demo database"),
        "{}",
        stderr(&out)
    );
    let conn = Connection::open(&db).unwrap();
    assert_eq!(one(&conn, "SELECT COUNT(*) FROM mentions"), 1);
}

/// Status, first response and account of every mention, in a stable order.
fn answers(db: &std::path::Path) -> Vec<(String, String, Option<i64>, Option<String>)> {
    Connection::open(db)
        .unwrap()
        .prepare("SELECT external_id, status, first_response_at, account FROM mentions ORDER BY external_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn mentions_answered_close_by_end_as_if_linked_at_the_end() {
    // The command pairs replies with nearby mentions while reading; the plain Importer
    // links them at the end. Both must leave the same answers.
    let dir = tempfile::tempdir().unwrap();
    let bytes = generated(5, 800);
    let file = dir.path().join("g.ndjson");
    std::fs::write(&file, &bytes).unwrap();
    let paired = dir.path().join("paired.db");
    let out = rapport(dir.path(), &paired, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = dir.path().join("plain.db");
    let mut conn = rapport::store::open(&plain).unwrap();
    let config = rapport::config::Config::defaults();
    let mut importer =
        rapport::store::import::Importer::begin(&mut conn, &config, chrono::Utc::now()).unwrap();
    for line in String::from_utf8(bytes).unwrap().lines() {
        let record = rapport::ingest::ndjson::parse_line(line).unwrap().unwrap();
        importer.add(&record).unwrap();
    }
    importer.finish().unwrap();
    let (a, b) = (answers(&paired), answers(&plain));
    assert_eq!(a.len(), 800);
    assert!(a.iter().filter(|m| m.1 == "done").count() > 300);
    assert_eq!(a, b);
}
