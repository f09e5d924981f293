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
