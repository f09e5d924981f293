//! Two Mastodon accounts on two servers, through the real binary: status and account
//! ids are each server's own, so a status 1234 on one and a status 1234 on the other
//! are two mentions from two people, and each reply goes to its own server. A
//! database pulled before ids carried their server keeps working.

mod mastodon_support;

use mastodon_support::{status, Mock, TOKEN};
use rapport::domain::change::Write;
use rapport::domain::ActionKind;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Bed {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn bed(servers: &[(&str, &Mock)]) -> Bed {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapport.db");
    let config = dir.path().join("config.toml");
    let mut text = "[delivery]\nundo_seconds = 0\n".to_string();
    for (name, mock) in servers {
        text.push_str(&format!(
            r#"
[[accounts]]
name = "{name}"
platform = "mastodon"
server = "{}"
token_env = "RAPPORT_TEST_MASTODON_TOKEN"
timeout_secs = 5
"#,
            mock.url
        ));
    }
    std::fs::write(&config, text).unwrap();
    Bed { dir, db, config }
}

fn run(bed: &Bed, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env("RAPPORT_DB", &bed.db)
        .env("RAPPORT_CONFIG", &bed.config)
        .env("RAPPORT_TEST_MASTODON_TOKEN", TOKEN)
        .env("XDG_STATE_HOME", bed.dir.path().join("state"))
        .env("XDG_DATA_HOME", bed.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", bed.dir.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rapport {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn host(mock: &Mock) -> String {
    mock.url.trim_start_matches("http://").to_string()
}

fn reply(bed: &Bed, external_id: &str, body: &str) {
    let mut conn = rapport::store::open(&bed.db).unwrap();
    let config = rapport::config::load(Some(&bed.config)).unwrap();
    let mention: i64 = conn
        .query_row(
            "SELECT id FROM mentions WHERE platform = 'mastodon' AND external_id = ?1",
            [external_id],
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
        chrono::Utc::now().timestamp() - 60,
    )
    .unwrap();
}

fn rows(bed: &Bed, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(&bed.db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, Option<String>>(i)
                    .map(|v| v.unwrap_or_else(|| "NULL".into()))
            })
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn the_same_status_id_on_two_servers_is_two_mentions_answered_on_their_own_servers() {
    let (a, b) = (Mock::start(), Mock::start());
    // Status 1234 on both, by two people who both have the account id 77 there.
    a.add_notification(status("1234", "public", None, "ana", "77"));
    b.add_notification(status("1234", "direct", None, "bo", "77"));
    let bed = bed(&[("north-a", &a), ("north-b", &b)]);
    let pulled = run(&bed, &["pull"]);
    assert_eq!(
        String::from_utf8_lossy(&pulled.stdout),
        "north-a: 1 new (2 pages)\nnorth-b: 1 new (2 pages)\n"
    );
    let (ha, hb) = (host(&a), host(&b));
    let mentions = rows(
        &bed,
        "SELECT m.external_id, m.account, m.kind, p.platform_user_id
         FROM mentions m JOIN people p ON p.id = m.author_id ORDER BY m.account",
    );
    assert_eq!(
        mentions,
        vec![
            vec![
                format!("1234@{ha}"),
                "north-a".into(),
                "mention".into(),
                format!("ana@{ha}")
            ],
            vec![
                format!("1234@{hb}"),
                "north-b".into(),
                "direct_message".into(),
                format!("bo@{hb}")
            ],
        ]
    );
    assert_eq!(
        rows(&bed, "SELECT CAST(COUNT(*) AS TEXT) FROM people")[0][0],
        "2"
    );

    reply(&bed, &format!("1234@{ha}"), "Ana: it is back in stock.");
    reply(&bed, &format!("1234@{hb}"), "Bo: your parcel left today.");
    run(&bed, &["send"]);
    run(&bed, &["send"]);
    let (to_a, to_b) = (a.replies_to("1234"), b.replies_to("1234"));
    assert_eq!(to_a.len(), 1, "{to_a:?}");
    assert_eq!(to_b.len(), 1, "{to_b:?}");
    assert_eq!(to_a[0]["text_sent"], "@ana Ana: it is back in stock.");
    assert_eq!(to_a[0]["visibility"], "public");
    assert_eq!(to_b[0]["text_sent"], "@bo Bo: your parcel left today.");
    assert_eq!(to_b[0]["visibility"], "direct");
    assert_eq!(a.lock().posted.len() + b.lock().posted.len(), 2);
    let sent = rows(
        &bed,
        "SELECT account, state, in_reply_to, remote_id FROM actions WHERE kind = 'reply' ORDER BY account",
    );
    let id_a = to_a[0]["id"].as_str().unwrap();
    let id_b = to_b[0]["id"].as_str().unwrap();
    assert_eq!(
        sent,
        vec![
            vec![
                "north-a".into(),
                "sent".into(),
                format!("1234@{ha}"),
                format!("{id_a}@{ha}")
            ],
            vec![
                "north-b".into(),
                "sent".into(),
                format!("1234@{hb}"),
                format!("{id_b}@{hb}")
            ],
        ]
    );
}

#[test]
fn rows_pulled_before_ids_carried_their_server_are_given_it_and_keep_working() {
    let a = Mock::start();
    a.add_notification(status("1234", "public", None, "ana", "77"));
    let bed = bed(&[("north-a", &a)]);
    run(&bed, &["pull"]);
    let ha = host(&a);
    // One reply sent, another queued; then the database as an earlier rapport wrote
    // it: bare ids, and no server recorded for the account.
    reply(&bed, &format!("1234@{ha}"), "Back on Friday.");
    run(&bed, &["send"]);
    let ours = a.replies_to("1234")[0]["id"].as_str().unwrap().to_string();
    reply(&bed, &format!("1234@{ha}"), "And the blue one too.");
    {
        let conn = rusqlite::Connection::open(&bed.db).unwrap();
        let suffix = format!("@{ha}");
        conn.execute_batch(&format!(
            "UPDATE mentions SET external_id = replace(external_id, '{suffix}', ''),
                 conversation = replace(conversation, '{suffix}', '');
             UPDATE pulled_keys SET external_id = replace(external_id, '{suffix}', '');
             UPDATE actions SET in_reply_to = replace(in_reply_to, '{suffix}', ''),
                 remote_id = replace(remote_id, '{suffix}', '');
             UPDATE cursors SET id_host = NULL;"
        ))
        .unwrap();
    }
    assert_eq!(
        rows(&bed, "SELECT external_id FROM mentions"),
        vec![vec!["1234".to_string()]]
    );
    assert_eq!(
        rows(&bed, "SELECT remote_id FROM actions WHERE state = 'sent'"),
        vec![vec![ours.clone()]]
    );
    // Ana answers our reply; the next pull gives the old rows their server first.
    let mut answer = status("1300", "public", Some((&ours, "1")), "ana", "77");
    answer["uri"] = "https://other.example/users/ana/statuses/1300".into();
    a.add_notification(answer);
    // And the first one comes again (a server that ignores since_id): imported once.
    a.add_notification(status("1234", "public", None, "ana", "77"));
    let before = a.requests().len();
    let pulled = run(&bed, &["pull"]);
    assert_eq!(
        String::from_utf8_lossy(&pulled.stdout),
        "north-a: 1 new (2 pages)\n"
    );
    let mentions = rows(
        &bed,
        "SELECT external_id, kind, COALESCE(parent_external_id, 'NULL') FROM mentions ORDER BY id",
    );
    assert_eq!(
        mentions,
        vec![
            vec![format!("1234@{ha}"), "mention".into(), "NULL".into()],
            vec![format!("1300@{ha}"), "reply".into(), format!("{ours}@{ha}")],
        ]
    );
    assert_eq!(
        rows(
            &bed,
            "SELECT conversation FROM mentions WHERE external_id LIKE '1234@%'"
        ),
        vec![vec![format!("1234@{ha}")]]
    );
    // Nothing fetched: the database has what 1300 answers, under its new id.
    let fetched: Vec<String> = a.requests()[before..]
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/statuses/"))
        .cloned()
        .collect();
    assert!(fetched.is_empty(), "{fetched:?}");
    assert_eq!(
        rows(&bed, "SELECT id_host FROM cursors"),
        vec![vec![ha.clone()]]
    );
    // The reply queued before goes to the status it answers, on its server.
    run(&bed, &["send"]);
    let to_a = a.replies_to("1234");
    assert_eq!(to_a.len(), 2, "{to_a:?}");
    assert_eq!(to_a[0]["text_sent"], "@ana And the blue one too.");
    assert_eq!(
        rows(
            &bed,
            "SELECT remote_id FROM actions WHERE state = 'sent' ORDER BY id"
        ),
        vec![
            vec![format!("{ours}@{ha}")],
            vec![format!("{}@{ha}", to_a[0]["id"].as_str().unwrap())]
        ]
    );
}
