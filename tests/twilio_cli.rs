//! The real `rapport` binary against a local Twilio API: texts pulled, a reply
//! delivered by `rapport send`, a reply whose answer came too late reconciled on
//! the retry without a second message, a saved Messages list imported, and the
//! auth token never in stdout, stderr, the logs or the database.

mod twilio_support;

use base64::Engine;
use chrono::{Duration as Days, Utc};
use rapport::domain::change::Write;
use rapport::domain::ActionKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use twilio_support::{Mock, Scripted, OUR, SID, TOKEN};

struct Bed {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn bed(mock: &Mock, timeout: u64) -> Bed {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapport.db");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[delivery]
undo_seconds = 0
[[accounts]]
name = "shop-sms"
platform = "twilio"
server = "{}"
account_sid = "{SID}"
number = "{OUR}"
token_env = "RAPPORT_TWILIO_TOKEN"
timeout_secs = {timeout}
"#,
            mock.url
        ),
    )
    .unwrap();
    Bed { dir, db, config }
}

fn run(bed: &Bed, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env("RAPPORT_DB", &bed.db)
        .env("RAPPORT_CONFIG", &bed.config)
        .env("RAPPORT_TWILIO_TOKEN", TOKEN)
        .env("RAPPORT_LOG", "trace")
        .env("XDG_STATE_HOME", bed.dir.path().join("state"))
        .env("XDG_DATA_HOME", bed.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", bed.dir.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Queues a reply to the text `sid`, as the app does.
fn reply(bed: &Bed, sid: &str, body: &str) {
    let mut conn = rapport::store::open(&bed.db).unwrap();
    let config = rapport::config::load(Some(&bed.config)).unwrap();
    let mention: i64 = conn
        .query_row(
            "SELECT id FROM mentions WHERE external_id = ?1",
            [sid],
            |r| r.get(0),
        )
        .unwrap();
    rapport::store::actions::apply(
        &mut conn,
        &config,
        &Write::Reply {
            mention_id: mention,
            kind: ActionKind::Reply,
            body: body.into(),
            force: true,
        },
        Utc::now().timestamp() - 60,
    )
    .unwrap();
}

#[test]
fn a_pull_and_a_reply_delivered() {
    let mock = Mock::start();
    let sid = mock.text("+447700900123", "Do you have it in blue?", 0, Utc::now());
    let bed = bed(&mock, 5);
    let pulled = run(&bed, &["pull"]);
    assert_eq!(
        String::from_utf8_lossy(&pulled.stdout),
        "shop-sms: 1 new (1 page)\n",
        "{}",
        text(&pulled)
    );
    reply(&bed, &sid, "Yes, in blue and navy \u{1f499}");
    let sent = run(&bed, &["send"]);
    assert!(sent.status.success(), "{}", text(&sent));
    assert!(text(&sent).contains("sent 1"), "{}", text(&sent));
    assert!(run(&bed, &["send"]).status.success());
    let ours = mock.sent_to("+447700900123");
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["body"], "Yes, in blue and navy \u{1f499}");
    assert_eq!(ours[0]["from"], OUR);
    let remote: String = query(
        &bed.db,
        "SELECT remote_id FROM actions WHERE kind = 'reply' AND state = 'sent'",
    );
    assert_eq!(remote, ours[0]["sid"].as_str().unwrap());
    assert_eq!(mock.post_count(), 1);
}

#[test]
fn a_reply_answered_too_late_is_reconciled_on_the_retry_without_a_second_message() {
    let mock = Mock::start();
    let sid = mock.text("+447700900123", "Is my order ready?", 0, Utc::now());
    let bed = bed(&mock, 1);
    assert!(run(&bed, &["pull"]).status.success());
    reply(&bed, &sid, "Ready at 5pm!");
    // Twilio takes the message but answers after our timeout, and the list does
    // not show it yet when we look right after.
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 201,
        body: "{}".into(),
        delay: Duration::from_secs(3),
        act_first: true,
        ..Scripted::default()
    });
    mock.script(Scripted {
        matches: "GET ".into(),
        status: 200,
        body: r#"{"messages": [], "next_page_uri": null, "page": 0, "page_size": 200}"#.into(),
        ..Scripted::default()
    });
    let first = run(&bed, &["send"]);
    let state: String = query(&bed.db, "SELECT state FROM actions WHERE kind = 'reply'");
    assert_eq!(state, "queued", "to be tried again: {}", text(&first));
    assert_eq!(mock.post_count(), 1);
    // The retry time comes.
    let conn = rusqlite::Connection::open(&bed.db).unwrap();
    conn.execute(
        "UPDATE actions SET next_attempt_at = 0 WHERE kind = 'reply'",
        [],
    )
    .unwrap();
    drop(conn);
    let second = run(&bed, &["send"]);
    assert!(second.status.success(), "{}", text(&second));
    let (state, remote): (String, String) = {
        let conn = rusqlite::Connection::open(&bed.db).unwrap();
        conn.query_row(
            "SELECT state, remote_id FROM actions WHERE kind = 'reply'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let ours = mock.sent_to("+447700900123");
    assert_eq!(ours.len(), 1);
    assert_eq!(
        (state.as_str(), remote.as_str()),
        ("sent", ours[0]["sid"].as_str().unwrap())
    );
    assert_eq!(mock.post_count(), 1, "exactly one POST");
}

#[test]
fn a_saved_messages_list_imports_as_it_comes() {
    let mock = Mock::start();
    let bed = bed(&mock, 5);
    let now = Utc::now();
    let list = serde_json::json!({
        "first_page_uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0",
        "end": 2, "previous_page_uri": null, "page_size": 50, "start": 0, "page": 0,
        "next_page_uri": null,
        "messages": [
            twilio_support::message("SM00000000000000000000000000000003", "outbound-api", OUR, "+447700900123", "We open at 9.", 0, now),
            twilio_support::message("MM00000000000000000000000000000002", "inbound", "+447700900123", OUR, "", 1, now - Days::minutes(5)),
            twilio_support::message("SM00000000000000000000000000000001", "inbound", "+447700900123", OUR, "When do you open? \u{1f914}", 0, now - Days::minutes(6)),
        ],
        "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0"
    });
    let file = bed.dir.path().join("messages.json");
    std::fs::write(&file, serde_json::to_string_pretty(&list).unwrap()).unwrap();
    let file = file.to_str().unwrap();
    let out = run(&bed, &["import", file]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        query::<i64>(
            &bed.db,
            "SELECT COUNT(*) FROM mentions WHERE platform = 'twilio' AND kind = 'sms'"
        ),
        2
    );
    let picture: String = query(
        &bed.db,
        "SELECT body FROM mentions WHERE external_id LIKE 'MM%'",
    );
    assert_eq!(picture, "[picture]");
    let answered: String = query(
        &bed.db,
        "SELECT in_reply_to FROM actions WHERE external_id = 'SM00000000000000000000000000000003'",
    );
    assert_eq!(answered, "MM00000000000000000000000000000002");
    let format: String = query(&bed.db, "SELECT format FROM imports");
    assert_eq!(format, "twilio");
    let again = run(&bed, &["import", file]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(query::<i64>(&bed.db, "SELECT COUNT(*) FROM mentions"), 2);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_token_never_reaches_output_logs_or_the_database() {
    let mock = Mock::start();
    let sid = mock.text("+447700900123", "hello", 0, Utc::now());
    let bed = bed(&mock, 5);
    let mut outputs = vec![
        run(&bed, &["pull"]),
        run(&bed, &["accounts"]),
        run(&bed, &["config"]),
    ];
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"));
    for (status, body) in [
        (401, twilio_support::error(20003, 401, "Authenticate")),
        (500, format!("echo: {TOKEN} Basic {basic}")),
    ] {
        mock.script(Scripted {
            matches: "GET ".into(),
            status,
            body,
            ..Scripted::default()
        });
        outputs.push(run(&bed, &["pull"]));
    }
    reply(&bed, &sid, "Hi!");
    outputs.push(run(&bed, &["send"]));
    assert_eq!(mock.sent_to("+447700900123").len(), 1);
    assert!(
        text(&outputs[3]).contains("error 20003"),
        "{}",
        text(&outputs[3])
    );
    let config_out = String::from_utf8_lossy(&outputs[2].stdout).to_string();
    assert!(
        config_out.contains("token_env = \"RAPPORT_TWILIO_TOKEN\""),
        "{config_out}"
    );
    let mut haystack = Vec::new();
    for o in &outputs {
        haystack.extend_from_slice(&o.stdout);
        haystack.extend_from_slice(&o.stderr);
    }
    let files = walk(bed.dir.path());
    assert!(files
        .iter()
        .any(|f| f.to_string_lossy().contains("rapport.log")));
    for f in files {
        if f != bed.config {
            haystack.extend_from_slice(&std::fs::read(&f).unwrap_or_default());
        }
    }
    for secret in [TOKEN, basic.as_str()] {
        let found = haystack
            .windows(secret.len())
            .any(|w| w == secret.as_bytes());
        assert!(!found, "{secret} was written somewhere");
    }
}
