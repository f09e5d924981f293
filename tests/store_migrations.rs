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
