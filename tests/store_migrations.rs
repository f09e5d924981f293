//! Migrations: from an empty file and from every earlier version, the result equals a
//! fresh database; running them again changes nothing; newer files are refused.

use rapport::store::{self, migrations};
use rusqlite::Connection;

/// The schema as text, in a stable order.
fn schema(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_earlier_version_migrates_to_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = store::open(&dir.path().join("fresh.db")).unwrap();
    let expected = schema(&fresh);
    assert!(
        expected.iter().any(|s| s.contains("mentions_fts")),
        "{expected:?}"
    );
    for from in 0..migrations::LATEST {
        let path = dir.path().join(format!("from-{from}.db"));
        let mut conn = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut conn, from).unwrap();
        assert_eq!(migrations::version(&conn).unwrap(), from);
        drop(conn);
        let conn = store::open(&path).unwrap();
        assert_eq!(migrations::version(&conn).unwrap(), migrations::LATEST);
        assert_eq!(schema(&conn), expected, "migrating from version {from}");
    }
}

#[test]
fn migrating_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let before = schema(&store::open(&path).unwrap());
    let mut conn = store::open(&path).unwrap();
    migrations::migrate(&mut conn).unwrap();
    assert_eq!(schema(&conn), before);
}

#[test]
fn a_newer_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    drop(store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", migrations::LATEST + 3)
        .unwrap();
    drop(conn);
    let message = format!("{:#}", store::open(&path).unwrap_err());
    assert!(
        message.contains("newer rapport") && message.contains("r.db"),
        "{message}"
    );
    let conn = Connection::open(&path).unwrap();
    assert_eq!(migrations::version(&conn).unwrap(), migrations::LATEST + 3);
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(
        &path,
        b"these are my notes, not a database, and long enough to matter",
    )
    .unwrap();
    let message = format!("{:#}", store::open(&path).unwrap_err());
    assert!(message.contains("notes.db"), "{message}");
    assert!(message.contains("not a database"), "{message}");
}

/// A file from before the full-text index was keyed by time finds its words after the
/// migration, and its index's rows carry the new keys.
#[test]
fn the_full_text_index_of_an_older_file_is_keyed_by_time() {
    use rapport::domain::query::Query;
    use rapport::model::inbox::{Direction, Listing};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = Connection::open(&path).unwrap();
    // The first version: its index's rowid was the mention id.
    migrations::migrate_to(&mut conn, 1).unwrap();
    conn.execute_batch(
        "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (1, 'x', 'u', 'ana', 0, 0);
         INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                               imported_at, due_at, rank)
             VALUES (7, 'x', 'a', 'mention', 1, 'a refund please', 1794479811, 0, 0, 0),
                    (8, 'x', 'b', 'mention', 1, 'refunded twice', 1794479000, 0, 0, 0);
         INSERT INTO mentions_fts (rowid, body, handle)
             SELECT id, body, 'ana' FROM mentions;",
    )
    .unwrap();
    drop(conn);
    let conn = store::open(&path).unwrap();
    let keys: Vec<i64> = conn
        .prepare("SELECT rowid FROM mentions_fts ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    use rapport::store::fulltext::key;
    assert_eq!(keys, [key(1794479000, 8), key(1794479811, 7)]);
    let listing = Listing::Search(Query::parse("refun").unwrap());
    let ids: Vec<i64> =
        rapport::store::inbox::page(&conn, &listing, None, Direction::Forward, 10, 0)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
    assert_eq!(ids, [7, 8]);
}

/// The stats' days of a file from before their platforms and kinds were numbered (v18)
/// keep every count, and the triggers go on counting by the numbers.
#[test]
fn the_days_of_an_older_file_keep_their_counts_by_platform_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = Connection::open(&path).unwrap();
    migrations::migrate_to(&mut conn, 17).unwrap();
    let first_day = 20_400_i64;
    let tx = conn.transaction().unwrap();
    // The days of UTC, as store::day_rollups::ensure lists them.
    for day in first_day..first_day + 20 {
        tx.execute(
            "INSERT INTO local_days (start, day) VALUES (?1, ?2)",
            [day * 86_400, day],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO local_days (start, day) VALUES (?1, NULL)",
        [(first_day + 20) * 86_400],
    )
    .unwrap();
    tx.execute("INSERT INTO rollup_zone (zone) VALUES ('UTC')", [])
        .unwrap();
    tx.execute(
        "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
         VALUES (1, 'x', 'u1', 'ann', 0, 0)",
        [],
    )
    .unwrap();
    let groups = [
        ("x", "mention"),
        ("x", "reply"),
        ("sms", "sms"),
        ("google", "review"),
    ];
    for i in 0..400_i64 {
        let (platform, kind) = groups[(i % 4) as usize];
        let created = first_day * 86_400 + i * 4_057;
        let answered = (i % 3 != 0).then_some(created + (i * 631) % 90_000);
        tx.execute(
            "INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                                   imported_at, status, due_at, rank, first_response_at)
             VALUES (?1, ?2, ?3, ?4, 1, 'hi', ?5, ?5, 'open', ?6, ?6, ?7)",
            rusqlite::params![
                i + 1,
                platform,
                format!("m{i}"),
                kind,
                created,
                created + 3_600,
                answered
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    type Row = (i64, String, String, i64, i64, i64);
    let rows = |conn: &Connection, sql: &str| -> Vec<Row> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| Row::try_from(r)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let before = rows(
        &conn,
        "SELECT day, platform, kind, bucket, mentions, within FROM response_days ORDER BY 1, 2, 3, 4",
    );
    assert!(before.len() > 100, "{}", before.len());
    drop(conn);

    let conn = store::open(&path).unwrap();
    let numbered = "SELECT r.day, g.platform, g.kind, r.bucket, r.mentions, r.within
         FROM response_days r JOIN rollup_groups g ON g.id = r.grp ORDER BY 1, 2, 3, 4";
    assert_eq!(rows(&conn, numbered), before);

    // A platform and kind never seen gets its number as its first mention comes.
    conn.execute(
        "INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                               imported_at, status, due_at, rank)
         VALUES (1000, 'mastodon', 'n1', 'mention', 1, 'hi', ?1, ?1, 'open', ?1, ?1)",
        [(first_day + 2) * 86_400 + 5],
    )
    .unwrap();
    let after = rows(&conn, numbered);
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&(first_day + 2, "mastodon".into(), "mention".into(), -1, 1, 0)));
}
