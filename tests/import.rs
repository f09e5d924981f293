//! Importing through the real binary and the library: every format, hostile input,
//! idempotence, the TWCS sample, and all-or-nothing files.

mod common;

use common::{dump, mention, rapport, shared_data, stderr, stdout};
use rusqlite::Connection;
use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Characters that must never reach the database from an import.
fn assert_clean(db: &Path) {
    let conn = Connection::open(db).unwrap();
    let texts: Vec<String> = conn
        .prepare("SELECT body FROM mentions UNION ALL SELECT handle FROM people UNION ALL SELECT COALESCE(display_name, '') FROM people UNION ALL SELECT body FROM actions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in texts {
        assert!(
            !t.chars().any(|c| (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)),
            "unsafe text stored: {t:?}"
        );
    }
}

const HOSTILE_BODY: &str =
    "Hi \u{1b}[2J\u{1b}]0;pwned\u{7}there \u{202e}reversed\u{202c} 😡 שלום\u{7}";
const HOSTILE_HANDLE: &str = "evil\u{1b}[31m_user\u{202e}";

#[test]
fn ndjson_with_bom_crlf_emoji_rtl_and_escapes_is_stored_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let reply = r#"{"type":"our_reply","platform":"twitter","external_id":"r1","in_reply_to":"m1","body":"<p>Sorry \u001b[5mabout</p>","sent_at":"2026-11-20T10:30:00Z"}"#;
    let text = format!(
        "\u{feff}{}\r\n\r\n{}\r\n{reply}\r\n",
        mention("m1", HOSTILE_HANDLE, HOSTILE_BODY),
        mention("m2", "plain", "<p>Where is <b>my</b> order?</p>")
    );
    let file = write(dir.path(), "h.ndjson", text.as_bytes());
    let out = rapport(dir.path(), &db, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("3 records (ndjson): 2 mentions added, 1 replies added"),
        "{}",
        stdout(&out)
    );
    assert_clean(&db);
    let body: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT body FROM mentions WHERE external_id = 'm1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        body.contains("😡 שלום") && body.contains("there"),
        "{body:?}"
    );
    let html: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT body FROM mentions WHERE external_id = 'm2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !html.contains("<p>") && html.contains("Where is"),
        "{html:?}"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM mentions WHERE status = 'done'"),
        1
    );
}

#[test]
fn csv_with_bom_crlf_quoted_newlines_html_and_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let text = format!(
        "\u{feff}platform,external_id,kind,created_at,body,author_id,author_handle,author_followers\r\n\
         instagram,c1,comment,2026-11-20T10:00:00Z,\"line one\r\nline \"\"two\"\" {HOSTILE_BODY}\",7,{HOSTILE_HANDLE},\"12,000\"\r\n\
         instagram,c2,comment,2026-11-20 11:00:00,<div>Love it <br> thanks</div>,8,ann,\r\n"
    );
    let file = write(dir.path(), "h.csv", text.as_bytes());
    let out = rapport(dir.path(), &db, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean(&db);
    let (body, followers): (String, i64) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT m.body, p.followers FROM mentions m JOIN people p ON p.id = m.author_id WHERE external_id = 'c1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(body.starts_with("line one\nline \"two\""), "{body:?}");
    assert_eq!(followers, 12_000);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mentions WHERE body LIKE '%<div>%'"
        ),
        0
    );
}

#[test]
fn csv_mapping_of_another_tools_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let file = write(
        dir.path(),
        "other.csv",
        b"Network,Post ID,Date,Tweet Text,User\nfacebook,p1,2026-11-20T10:00:00Z,Hello there,u1\n",
    );
    let maps = [
        "--map",
        "Network=platform",
        "--map",
        "Post ID=external_id",
        "--map",
        "Date=created_at",
        "--map",
        "Tweet Text=body",
        "--map",
        "User=author_id",
    ];
    let mut args = vec!["import", file.as_str()];
    args.extend(maps);
    let out = rapport(dir.path(), &db, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM mentions WHERE kind = 'mention'"),
        1
    );
    let out = rapport(
        dir.path(),
        &db,
        &["import", &file, "--map", "Tweet Text=text"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown field \"text\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn twcs_sample_counts_match_the_csv_and_a_second_import_adds_nothing() {
    let Some(sample) = shared_data("twcs_sample.csv") else {
        return;
    };
    // Independently: inbound rows are mentions; answered ones are those a brand row
    // in the file answers.
    let mut csv = csv::Reader::from_path(&sample).unwrap();
    let (mut inbound, mut answers) = (Vec::new(), std::collections::HashSet::new());
    for row in csv.records() {
        let row = row.unwrap();
        if &row[2] == "True" {
            inbound.push(row[0].to_string());
        } else if !row[6].is_empty() {
            answers.insert(row[6].to_string());
        }
    }
    let answered = inbound.iter().filter(|id| answers.contains(*id)).count() as i64;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for round in 0..2 {
        let out = rapport(dir.path(), &db, &["import", sample.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        if round == 1 {
            assert!(
                stdout(&out).contains("already imported on"),
                "{}",
                stdout(&out)
            );
        }
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM mentions"),
            inbound.len() as i64
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM mentions WHERE first_response_at IS NOT NULL"
            ),
            answered
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM imports"), 1);
    }
    assert!(answered > 0);
}

#[test]
fn the_same_records_in_another_file_add_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let a = write(
        dir.path(),
        "a.ndjson",
        format!("{}\n", mention("m1", "sam", "hi")).as_bytes(),
    );
    let b = write(
        dir.path(),
        "b.ndjson",
        format!("\n{}\n\n", mention("m1", "sam", "hi")).as_bytes(),
    );
    assert!(rapport(dir.path(), &db, &["import", &a]).status.success());
    let out = rapport(dir.path(), &db, &["import", &b]);
    assert!(
        stdout(&out).contains("0 mentions added, 0 replies added, 0 people added"),
        "{}",
        stdout(&out)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH 'hi'"
        ),
        1
    );
}

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

#[test]
fn stdin_is_read_and_recorded() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for round in 0..2 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["--db", db.to_str().unwrap(), "import", "-"])
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", mention("m1", "sam", "from a pipe")).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        if round == 1 {
            assert!(
                stdout(&out).contains("already imported"),
                "{}",
                stdout(&out)
            );
        }
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 1);
}
