//! Importing through the real binary and the library: every format, hostile input,
//! idempotence, the TWCS sample, and all-or-nothing files.

mod common;

use common::{count, mention, one, rapport, shared_data, stderr, stdout, write};
use rusqlite::Connection;
use std::path::Path;

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
    let body: String = one(
        &Connection::open(&db).unwrap(),
        "SELECT body FROM mentions WHERE external_id = 'm1'",
        [],
    );
    assert!(
        body.contains("😡 שלום") && body.contains("there"),
        "{body:?}"
    );
    let html: String = one(
        &Connection::open(&db).unwrap(),
        "SELECT body FROM mentions WHERE external_id = 'm2'",
        [],
    );
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

/// A named pipe (`rapport import <(zcat export.ndjson.gz)`) has one reader: the
/// import. Nothing else may open it and take its bytes.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_whole_and_recognized_the_second_time() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let lines: String = (0..20_000)
        .map(|i| {
            format!(
                "{}\n",
                mention(&format!("m{i}"), &format!("u{}", i % 97), "through a pipe")
            )
        })
        .collect();
    for round in 0..2 {
        let fifo = dir.path().join(format!("in-{round}.ndjson"));
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let writer = {
            let (fifo, lines) = (fifo.clone(), lines.clone());
            std::thread::spawn(move || {
                // Blocks until the import opens the pipe; a reader gone early is fine.
                let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
                let _ = pipe.write_all(lines.as_bytes());
            })
        };
        let out = rapport(dir.path(), &db, &["import", fifo.to_str().unwrap()]);
        writer.join().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        if round == 1 {
            assert!(
                stdout(&out).contains("already imported"),
                "{}",
                stdout(&out)
            );
        }
        assert_eq!(count(&db, "SELECT COUNT(*) FROM mentions"), 20_000);
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM imports"), 1);
}
