//! A file another rapport holds whole: an import into an empty inbox writes it in one
//! transaction with a rollback journal, which keeps every other connection out until
//! it ends. Commands say so and what to do, and change nothing; the screen waits for
//! it (tests/e2e_pty.rs).

mod common;

use rapport::store::Connection;
use std::path::Path;

/// Holds the whole file, as an import into an empty inbox does, until dropped.
fn hold(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    conn
}

#[test]
fn commands_on_a_file_another_rapport_holds_say_to_try_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.db");
    let line = |id: &str| format!("{}\n", common::mention(id, "ana", "hello"));
    let first = common::write(dir.path(), "first.ndjson", line("1").as_bytes());
    let second = common::write(dir.path(), "second.ndjson", line("2").as_bytes());
    assert!(common::rapport(dir.path(), &db, &["import", &first])
        .status
        .success());
    let before = common::dump(&db);
    let holder = hold(&db);
    // A command that reads, and one that writes.
    for args in [&["stats"][..], &["import", &second]] {
        let out = common::rapport(dir.path(), &db, args);
        let stderr = common::stderr(&out);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        for said in [
            &db.display().to_string(),
            "held by another rapport",
            "try again when it is done",
        ] {
            assert!(
                stderr.contains(said),
                "{args:?}: {said:?} missing from: {stderr}"
            );
        }
    }
    drop(holder);
    assert_eq!(common::dump(&db), before, "the held file changed");
    assert!(common::rapport(dir.path(), &db, &["import", &second])
        .status
        .success());
}
