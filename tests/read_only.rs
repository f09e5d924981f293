//! A database the user cannot write (a file owned by someone else, a read-only
//! mount): the commands that only read work on it and leave it as it was. Runs as the
//! user `nobody` through setpriv, so it needs root; skipped otherwise.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// `rapport --db DB ARGS...` run through `prefix` (as another user), at home in `home`.
fn rapport_as(prefix: &[String], home: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(&prefix[0])
        .args(&prefix[1..])
        .arg(env!("CARGO_BIN_EXE_rapport"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RAPPORT_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn reading_commands_work_on_a_file_they_cannot_write() {
    let Some(prefix) = common::as_nobody() else {
        return;
    };
    let dir = common::shared_tempdir();
    let db = dir.path().join("r.db");
    let file = common::write(
        dir.path(),
        "m.ndjson",
        format!("{}\n", common::mention("1", "ana", "where is my order?")).as_bytes(),
    );
    assert!(common::rapport(dir.path(), &db, &["import", &file])
        .status
        .success());
    common::make_read_only(&db);
    let before = common::dump(&db);
    for args in [
        &["stats"][..],
        &["stats", "--json"],
        &["check"],
        &["export", "mentions"],
        &["export", "people", "--format", "ndjson"],
    ] {
        let out = rapport_as(&prefix, dir.path(), &db, args);
        let stderr = common::stderr(&out);
        // check exits 1 when something is late; anything but an error is fine.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(!stderr.contains("readonly"), "{args:?}: {stderr}");
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
    }
    assert_eq!(
        common::dump(&db),
        before,
        "a reading command changed the file"
    );
}

#[test]
fn a_file_from_an_older_rapport_that_cannot_be_upgraded_says_what_to_do() {
    let Some(prefix) = common::as_nobody() else {
        return;
    };
    let dir = common::shared_tempdir();
    let db = dir.path().join("old.db");
    let mut conn = rapport::store::Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let older = rapport::store::migrations::LATEST - 1;
    rapport::store::migrations::migrate_to(&mut conn, older).unwrap();
    drop(conn);
    common::make_read_only(&db);
    let before = common::dump(&db);
    let out = rapport_as(&prefix, dir.path(), &db, &["stats"]);
    let stderr = common::stderr(&out);
    assert!(!out.status.success(), "{stderr}");
    for said in [
        db.display().to_string(),
        format!("schema version {older}"),
        "older rapport".into(),
        "--db".into(),
    ] {
        assert!(stderr.contains(&said), "{said:?} missing from: {stderr}");
    }
    assert_eq!(common::dump(&db), before, "the old file changed");
}

#[test]
fn files_with_customers_words_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let file = common::write(
        dir.path(),
        "m.ndjson",
        format!("{}\n", common::mention("1", "ana", "hello")).as_bytes(),
    );
    assert!(common::rapport(dir.path(), &db, &["import", &file])
        .status
        .success());
    let out = dir.path().join("out.csv");
    assert!(common::rapport(
        dir.path(),
        &db,
        &["export", "mentions", "--out", out.to_str().unwrap()]
    )
    .status
    .success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o600, "the export");
    assert_eq!(mode(&db), 0o600, "the database");
    let logs = dir.path().join("state/rapport");
    assert_eq!(mode(&logs), 0o700, "the log folder");
    for entry in std::fs::read_dir(&logs).unwrap().flatten() {
        assert_eq!(mode(&entry.path()), 0o600, "{:?}", entry.path());
    }
}
