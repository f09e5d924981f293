//! Bad input through the real binary: errors name the file and line, and a failed file
//! leaves the database exactly as it was.

mod common;

use common::{count, dump, mention, rapport, stderr, stdout, write};

/// 60 records; line 57 is broken in the way `broken` says.
fn with_line_57(broken: &str) -> String {
    let mut lines: Vec<String> = (1..=60)
        .map(|i| mention(&format!("m{i}"), "sam", "ok"))
        .collect();
    lines[56] = broken.to_string();
    lines.join("\n")
}

#[test]
fn a_bad_line_57_names_the_line_and_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let first = write(
        dir.path(),
        "first.ndjson",
        format!("{}\n", mention("x1", "ann", "before")).as_bytes(),
    );
    assert!(rapport(dir.path(), &db, &["import", &first])
        .status
        .success());
    let before = dump(&db);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "json.ndjson",
            with_line_57(r#"{"platform":"twitter","#).into_bytes(),
        ),
        (
            "time.ndjson",
            with_line_57(&mention("m57", "sam", "x").replace("2026-11-20T10:00:00Z", "soon"))
                .into_bytes(),
        ),
        ("latin1.ndjson", {
            let mut b = with_line_57("@@").into_bytes();
            let at = b.windows(2).position(|w| w == b"@@").unwrap();
            b.splice(at..at + 2, *b"{\"body\":\"caf\xe9\"}");
            b
        }),
    ];
    for (name, bytes) in cases {
        let file = write(dir.path(), name, &bytes);
        let out = rapport(dir.path(), &db, &["import", &file]);
        assert!(!out.status.success(), "{name}");
        assert!(
            stderr(&out).contains(&format!("{name}:57: ")),
            "{name}: {}",
            stderr(&out)
        );
        assert_eq!(dump(&db), before, "{name} changed the database");
    }
    // CSV: quoted newlines make records span lines; the record starting on line 57.
    let mut csv = String::from("platform,external_id,created_at,body,author_id\r\n");
    let mut next_line = 2;
    let mut i = 0;
    while next_line < 57 {
        i += 1;
        // Every third record spans two lines, while it still fits before line 57.
        let (body, lines) = if i % 3 == 0 && next_line + 2 <= 57 {
            ("\"two\r\nlines\"", 2)
        } else {
            ("ok", 1)
        };
        csv.push_str(&format!(
            "twitter,c{i},2026-11-20T10:00:00Z,{body},u{i}\r\n"
        ));
        next_line += lines;
    }
    assert!(csv.matches("two").count() > 10);
    csv.push_str("twitter,bad,yesterday,ok,u9\r\ntwitter,after,2026-11-20T10:00:00Z,ok,u9\r\n");
    let file = write(dir.path(), "bad.csv", csv.as_bytes());
    let out = rapport(dir.path(), &db, &["import", &file]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bad.csv:57: created_at \"yesterday\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(dump(&db), before);
}

#[test]
fn skip_invalid_imports_the_rest_and_lists_every_skipped_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let mut text = with_line_57("{nope");
    text.push_str("\nnot json either\n");
    let file = write(dir.path(), "s.ndjson", text.as_bytes());
    let out = rapport(dir.path(), &db, &["import", "--skip-invalid", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("s.ndjson:57: skipped: not valid JSON"),
        "{err}"
    );
    assert!(err.contains("s.ndjson:61: skipped"), "{err}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 59);
    assert_eq!(count(&db, "SELECT skipped FROM imports"), 2);
}

#[test]
fn hostile_files_fail_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    drop(rapport::store::open(&db).unwrap());
    // An empty database: the import sets its indexes aside, and must put them back.
    let fresh = dump(&db);
    let mut utf16 = vec![0xff, 0xfe];
    for u in mention("m1", "sam", "hi").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("u16.ndjson", utf16, "u16.ndjson:1: UTF-16 text; save the file as UTF-8"),
        ("garbage.bin", garbage.clone(), "garbage.bin:1: binary data"),
        ("latin1.csv", b"platform,external_id,created_at,body,author_id\ntwitter,1,2026-11-20T10:00:00Z,ok,u\ntwitter,2,2026-11-20T10:00:00Z,caf\xe9,u\n".to_vec(), "latin1.csv:3: not UTF-8 text; save the file as UTF-8"),
    ];
    for (name, bytes, expected) in cases {
        let file = write(dir.path(), name, &bytes);
        for format in ["auto", "ndjson", "csv", "twcs"] {
            let out = rapport(dir.path(), &db, &["import", "--format", format, &file]);
            assert!(!out.status.success(), "{name} as {format}");
            let err = stderr(&out);
            assert!(!err.contains("panicked"), "{name} as {format}: {err}");
            if format == "auto" {
                assert!(err.contains(expected), "{name}: {err}");
            }
        }
    }
    assert_eq!(dump(&db), fresh);
    // An empty file is not an error; it imports nothing in every format.
    let empty = write(dir.path(), "empty.csv", b"");
    for format in ["auto", "ndjson", "csv", "twcs"] {
        let out = rapport(dir.path(), &db, &["import", "--format", format, &empty]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("empty, nothing to import"),
            "{}",
            stdout(&out)
        );
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM imports"), 0);
}

#[test]
fn a_ten_megabyte_line_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let body = "coffee ".repeat(10 * 1024 * 1024 / 7);
    let text = format!(
        "{}\n{}\n",
        mention("big", "sam", &body),
        mention("small", "sam", "hi")
    );
    let file = write(dir.path(), "big.ndjson", text.as_bytes());
    let out = rapport(dir.path(), &db, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        count(&db, "SELECT MAX(length(body)) FROM mentions") as usize,
        body.len()
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 2);
}

/// A first import that fails leaves no database, journal or shared-memory file behind
/// (on a full disk they would keep it full).
#[test]
fn a_failed_first_import_leaves_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let bad = write(dir.path(), "bad.ndjson", b"{\"not\": \"a mention\"}\n");
    let out = rapport(dir.path(), &db, &["import", &bad]);
    assert!(!out.status.success());
    for ext in ["", "-wal", "-shm"] {
        let p = format!("{}{ext}", db.display());
        assert!(!std::path::Path::new(&p).exists(), "{p} was left behind");
    }
    // An existing database is never removed by a failed import.
    let good = write(
        dir.path(),
        "good.ndjson",
        format!("{}\n", mention("1", "ana", "hi")).as_bytes(),
    );
    assert!(rapport(dir.path(), &db, &["import", &good])
        .status
        .success());
    assert!(!rapport(dir.path(), &db, &["import", &bad]).status.success());
    assert!(db.exists());
}

/// The first import into an empty file writes through a rollback journal (not the
/// WAL): killed half-way, it leaves that journal, which the next open rolls back, and
/// the file is as it was: empty, in WAL mode, ready for the same import again.
#[test]
fn an_import_killed_half_way_into_an_empty_file_leaves_it_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    drop(rapport::store::open(&db).unwrap());
    let file = dir.path().join("many.ndjson");
    let out = common::run(
        dir.path(),
        &["gen", "--count", "5000", "--out", &file.to_string_lossy()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&file)
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env_remove("RAPPORT_DB")
        .env_remove("RAPPORT_CONFIG")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The journal appears with the import's first write and goes at its commit.
    let journal = dir.path().join("r.db-journal");
    while !journal.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before its journal was seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(journal.exists(), "the import finished before it was killed");
    let conn = rapport::store::open(&db).unwrap();
    let (mentions, people, mode): (i64, i64, String) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM mentions), (SELECT COUNT(*) FROM people),
                    (SELECT journal_mode FROM pragma_journal_mode)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((mentions, people, mode.as_str()), (0, 0, "wal"));
    drop(conn);
    let out = rapport(dir.path(), &db, &["import", &file.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("5000 mentions added"),
        "{}",
        stdout(&out)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 5000);
}
