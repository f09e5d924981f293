//! `rapport queue` as a script meets it: the real binary on a real database.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::{rapport, stderr, stdout};

fn line(id: &str, platform: &str, kind: &str, at: chrono::DateTime<Utc>, body: &str) -> String {
    format!(
        r#"{{"platform":"{platform}","external_id":"{id}","kind":"{kind}","created_at":"{}","body":"{body}","author":{{"id":"a-{id}","handle":"h{id}"}}}}"#,
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

#[test]
fn the_queue_is_printed_in_the_screens_order_with_its_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let now = Utc::now();
    let old = chrono::DateTime::parse_from_rfc3339("2018-05-09T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let file = dir.path().join("in.ndjson");
    std::fs::write(
        &file,
        [
            line(
                "old",
                "twitter",
                "mention",
                old,
                "my order never arrived, refund please",
            ),
            line(
                "tw",
                "twitter",
                "mention",
                now - Duration::minutes(10),
                "love the new blend, thank you!",
            ),
            line(
                "sms",
                "sms",
                "sms",
                now - Duration::minutes(5),
                "ok see you at 5",
            ),
        ]
        .join("\n"),
    )
    .unwrap();
    let out = rapport(dir.path(), &db, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = rapport(dir.path(), &db, &["queue", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sms", "tw", "old"], "the 2018 backlog comes last");
    let sms = &items[0];
    assert_eq!(sms["platform"], "sms");
    assert_eq!(sms["kind"], "sms");
    assert_eq!(sms["author"], "hsms");
    assert_eq!(sms["suggested"], "reply", "an SMS cannot be liked");
    assert_eq!(sms["over_target"], false);
    assert!(sms["id"].is_i64());
    assert_eq!(items[1]["suggested"], "thank");
    let backlog = &items[2];
    assert_eq!(backlog["suggested"], "reply");
    assert_eq!(backlog["created_at"], "2018-05-09T09:00:00Z");
    assert_eq!(backlog["due_at"], "2018-05-09T10:00:00Z");
    assert_eq!(backlog["over_target"], true);
    assert!(
        backlog["reason"]
            .as_str()
            .unwrap()
            .starts_with("complaint: 'never arrived'"),
        "{}",
        backlog["reason"]
    );

    let out = rapport(dir.path(), &db, &["queue", "--json", "--limit", "1"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(items.len(), 1);

    let out = rapport(dir.path(), &db, &["queue", "--all"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(text.lines().count(), 6, "two lines an item:\n{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("sms sms hsms  → plain mention (no likes here)"),
        "{text}"
    );
    assert!(text.contains("over by"), "{text}");
}

#[test]
fn without_a_database_it_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = rapport(dir.path(), &dir.path().join("none.db"), &["queue"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("import"), "{}", stderr(&out));
    assert!(!dir.path().join("none.db").exists());
}
