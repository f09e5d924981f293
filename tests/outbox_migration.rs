//! Schema v3 (the outbox) on a database written by v2: the rows and their states
//! survive, queued replies get an idempotency key and become deliverable, the new
//! states are allowed, and every index of `actions` is there again.

use rapport::store::{self, migrations};
use rusqlite::{params, Connection};

fn v2_with_actions(path: &std::path::Path) {
    let mut conn = Connection::open(path).unwrap();
    migrations::migrate_to(&mut conn, 2).unwrap();
    conn.execute_batch(
        "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (1, 'twitter', 'u1', 'ana', 0, 0);
         INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                               imported_at, due_at, rank)
             VALUES (1, 'twitter', 'm1', 'mention', 1, 'hi?', 0, 0, 3600, 3600);",
    )
    .unwrap();
    for (kind, state, external) in [
        ("reply", "queued", None),
        ("thank", "queued", None),
        ("like", "queued", None),
        ("reply", "sent", Some("r-9")),
        ("reply", "cancelled", None),
        ("note", "sent", None),
    ] {
        conn.execute(
            "INSERT INTO actions (kind, mention_id, person_id, platform, external_id, in_reply_to,
                                  body, state, created_at)
             VALUES (?1, 1, 1, 'twitter', ?2, 'm1', 'thanks!', ?3, 100)",
            params![kind, external, state],
        )
        .unwrap();
    }
}

#[test]
fn v2_actions_survive_and_queued_ones_become_deliverable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    v2_with_actions(&path);
    let conn = store::open(&path).unwrap();
    assert_eq!(migrations::version(&conn).unwrap(), migrations::LATEST);
    let rows: Vec<(String, String, Option<String>, Option<String>)> = conn
        .prepare("SELECT kind, state, external_id, idempotency_key FROM actions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 6);
    let keys: Vec<&String> = rows[..3].iter().map(|r| r.3.as_ref().unwrap()).collect();
    assert!(
        keys.iter()
            .all(|k| k.starts_with("rapport-") && k.len() == 40),
        "{keys:?}"
    );
    assert!(
        keys[0] != keys[1] && keys[1] != keys[2],
        "one key per action: {keys:?}"
    );
    assert_eq!(
        rows[3],
        ("reply".into(), "sent".into(), Some("r-9".into()), None)
    );
    assert_eq!(rows[4].3, None, "a cancelled action is not deliverable");
    assert_eq!(rows[5].3, None);
    // The queued ones are due now.
    let waiting = store::outbox::waiting(&conn, 10, 200).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].platform.as_str(), waiting[0].due),
        ("twitter", 3)
    );
}

#[test]
fn the_rebuilt_table_allows_the_new_states_and_keeps_every_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    v2_with_actions(&path);
    let conn = store::open(&path).unwrap();
    for state in ["sending", "unknown"] {
        conn.execute("UPDATE actions SET state = ?1 WHERE id = 1", [state])
            .unwrap();
    }
    assert!(conn
        .execute("UPDATE actions SET state = 'lost' WHERE id = 1", [])
        .is_err());
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'actions' AND sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        indexes,
        [
            "actions_answers",
            "actions_attempted",
            "actions_batch",
            "actions_closed",
            "actions_external",
            "actions_idempotency",
            "actions_in_reply_to",
            "actions_mention",
            "actions_outbox",
            "actions_person",
            "actions_trouble"
        ]
    );
    // Imported history stays unique on (platform, external_id).
    assert!(conn
        .execute(
            "INSERT INTO actions (kind, platform, external_id, state, created_at)
             VALUES ('reply', 'twitter', 'r-9', 'sent', 1)",
            [],
        )
        .is_err());
    // Rows inserted the way the app queues get a key from the trigger; others do not.
    conn.execute(
        "INSERT INTO actions (kind, mention_id, person_id, platform, state, created_at)
         VALUES ('like', 1, 1, 'twitter', 'queued', 300), ('dismiss', 1, 1, 'twitter', 'sent', 300)",
        [],
    )
    .unwrap();
    let keys: Vec<Option<String>> = conn
        .prepare("SELECT idempotency_key FROM actions WHERE created_at = 300 ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(keys[0].as_ref().is_some_and(|k| k.len() == 40), "{keys:?}");
    assert_eq!(keys[1], None);
    let fk: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}
