//! `rapport export` streams mentions, people and actions with filters.

mod common;

use common::{rapport, stdout};

#[test]
fn exports_with_filters_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let file = dir.path().join("in.ndjson");
    let lines = [
        r#"{"platform":"sms","external_id":"s1","kind":"sms","created_at":"2026-11-20T10:00:00Z","body":"Is the shop open, \"today\"?","author":{"id":"+1555","handle":"+1555"}}"#,
        r#"{"platform":"twitter","external_id":"t1","kind":"mention","created_at":"2026-11-21T10:00:00Z","body":"love it","author":{"id":"9","handle":"ann"}}"#,
        r#"{"type":"our_reply","platform":"twitter","external_id":"r1","in_reply_to":"t1","body":"thanks Ann","sent_at":"2026-11-21T10:05:00Z"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    assert!(
        rapport(dir.path(), &db, &["import", file.to_str().unwrap()])
            .status
            .success()
    );

    let out = rapport(
        dir.path(),
        &db,
        &[
            "export",
            "mentions",
            "--format",
            "ndjson",
            "--platform",
            "sms",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["body"], "Is the shop open, \"today\"?");
    assert_eq!(rows[0]["status"], "open");

    let out = rapport(dir.path(), &db, &["export", "mentions", "--status", "done"]);
    let csv = stdout(&out);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert!(reader
        .headers()
        .unwrap()
        .iter()
        .any(|h| h == "first_response_at"));
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][2], "t1");

    let out = rapport(
        dir.path(),
        &db,
        &[
            "export",
            "actions",
            "--format",
            "ndjson",
            "--since",
            "2026-11-21",
        ],
    );
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    let out = rapport(dir.path(), &db, &["export", "people"]);
    assert_eq!(stdout(&out).lines().count(), 3);

    let out = rapport(
        dir.path(),
        &db,
        &["export", "mentions", "--status", "later"],
    );
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("later"),
        "{}",
        common::stderr(&out)
    );
}
