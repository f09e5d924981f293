//! `rapport check` for cron: exit 0 and one line when nothing is late, exit 1 with the
//! late items listed otherwise.

mod common;

use common::{rapport, stdout, write};

fn line(id: &str, minutes_ago: i64, kind: &str) -> String {
    let created = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    serde_json::json!({
        "platform": "twitter", "external_id": id, "kind": kind,
        "created_at": created.to_rfc3339(), "body": "hello?",
        "author": {"id": format!("u-{id}"), "handle": format!("person_{id}")}
    })
    .to_string()
}

#[test]
fn exits_0_when_nothing_is_late() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let file = write(
        dir.path(),
        "fresh.ndjson",
        format!("{}\n", line("a", 5, "mention")).as_bytes(),
    );
    assert!(rapport(dir.path(), &db, &["import", &file])
        .status
        .success());
    let out = rapport(dir.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("ok: 1 open, none over target"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exits_1_and_lists_what_is_late() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let body = format!(
        "{}\n{}\n",
        line("late", 90, "direct_message"),
        line("fine", 5, "mention")
    );
    let file = write(dir.path(), "late.ndjson", body.as_bytes());
    assert!(rapport(dir.path(), &db, &["import", &file])
        .status
        .success());
    let out = rapport(dir.path(), &db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("1 open item(s) over target:"), "{text}");
    assert!(
        text.contains("@person_late") && text.contains("direct_message"),
        "{text}"
    );
    // What the message says, its first words.
    assert!(text.contains("@person_late: hello?"), "{text}");
    assert!(!text.contains("person_fine"), "{text}");
}

#[test]
fn a_missing_database_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = rapport(dir.path(), &dir.path().join("none.db"), &["check"]);
    assert_eq!(out.status.code(), Some(2), "an error is not \"late\"");
    assert!(
        common::stderr(&out).contains("none.db"),
        "{}",
        common::stderr(&out)
    );
}
