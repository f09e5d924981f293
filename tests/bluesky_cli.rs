//! The real `rapport` binary against a local Bluesky PDS: a pull killed with SIGKILL
//! at random points resumes without gaps or duplicates; the app password (and the
//! session's tokens, outside their 0600 cache) never reach stdout, stderr, the logs
//! or the database; a reply goes out end to end, once, even after a timeout.

mod bluesky_support;

use bluesky_support::{Pds, Scripted, OUR_DID, PASSWORD};
use rapport::domain::change::Write;
use rapport::domain::ActionKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

struct Bed {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn bed(pds: &Pds, timeout_secs: u64) -> Bed {
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
name = "northwind-bsky"
platform = "bluesky"
server = "{}"
handle = "northwind.bsky.social"
password_env = "RAPPORT_TEST_BLUESKY_APP_PASSWORD"
timeout_secs = {timeout_secs}
"#,
            pds.url
        ),
    )
    .unwrap();
    Bed { dir, db, config }
}

fn rapport(bed: &Bed, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
    cmd.args(args)
        .env("RAPPORT_DB", &bed.db)
        .env("RAPPORT_CONFIG", &bed.config)
        .env("RAPPORT_TEST_BLUESKY_APP_PASSWORD", PASSWORD)
        .env("RAPPORT_LOG", "trace")
        .env("XDG_STATE_HOME", bed.dir.path().join("state"))
        .env("XDG_DATA_HOME", bed.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", bed.dir.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(bed: &Bed, args: &[&str]) -> Output {
    rapport(bed, args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn session_cache(bed: &Bed) -> PathBuf {
    bed.dir
        .path()
        .join("state/rapport/sessions/northwind-bsky.json")
}

#[test]
fn a_pull_killed_at_random_points_resumes_without_gaps_or_duplicates() {
    let pds = Pds::start();
    pds.add(2000, "mention");
    // A server slow enough (over 1 s for the whole catch-up) that most of the runs
    // below, each killed after 20-250 ms, are killed mid-pull.
    pds.lock().page_delay = Duration::from_millis(50);
    let bed = bed(&pds, 5);
    let mut killed = 0;
    for round in 0..20 {
        if round == 10 {
            // New mentions arrive while an interrupted catch-up is still under way.
            pds.add(10, "mention");
        }
        let mut child = rapport(&bed, &["pull"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(fastrand::u64(20..250)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(killed >= 10, "only {killed} runs were killed mid-pull");
    let out = run(&bed, &["pull"]);
    assert!(out.status.success(), "{}", text(&out));
    let total = count(&bed.db, "SELECT COUNT(*) FROM mentions");
    let distinct = count(&bed.db, "SELECT COUNT(DISTINCT external_id) FROM mentions");
    assert_eq!((total, distinct), (2010, 2010));
    // Every notification the server holds is there: no gaps.
    let conn = rusqlite::Connection::open(&bed.db).unwrap();
    for n in pds.lock().notifications.iter() {
        let uri = n["uri"].as_str().unwrap();
        let found: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM mentions WHERE platform = 'bluesky' AND external_id = ?1",
                [uri],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{uri}");
    }
    let again = run(&bed, &["pull"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "northwind-bsky: 0 new (1 page)\n"
    );
    let st = pds.lock();
    eprintln!(
        "{killed} of 20 runs killed mid-pull; {} logins, {} requests",
        st.sessions_created,
        st.requests.len()
    );
    // The session is cached and reused: a login only for runs killed before saving it
    // (the PDS would refuse a 31st within 5 minutes).
    assert!(st.sessions_created <= 21, "{}", st.sessions_created);
    assert!(st.profile_batches.iter().all(|n| *n <= 25));
}

fn all_output(bed: &Bed, outputs: &[Output], skip: &[PathBuf]) -> Vec<u8> {
    let mut all = Vec::new();
    for o in outputs {
        all.extend_from_slice(&o.stdout);
        all.extend_from_slice(&o.stderr);
    }
    for entry in walk(bed.dir.path()) {
        if !skip.contains(&entry) {
            all.extend_from_slice(&std::fs::read(&entry).unwrap_or_default());
        }
    }
    all
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

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_app_password_never_reaches_output_logs_the_database_or_the_session_cache() {
    let pds = Pds::start();
    pds.add(3, "mention");
    let bed = bed(&pds, 5);
    let mut outputs = vec![
        run(&bed, &["pull"]),
        run(&bed, &["accounts"]),
        run(&bed, &["config"]),
    ];
    assert!(
        String::from_utf8_lossy(&outputs[0].stdout).contains("3 new"),
        "{}",
        text(&outputs[0])
    );
    // Errors too: a refused session token, a spent budget, a 5xx echoing the request.
    let faults = [
        (
            401,
            r#"{"error":"AuthenticationRequired","message":"Invalid token"}"#.to_string(),
            vec![],
        ),
        (
            429,
            r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#.to_string(),
            vec![
                ("RateLimit-Limit".to_string(), "3000".to_string()),
                ("RateLimit-Remaining".to_string(), "0".to_string()),
                (
                    "RateLimit-Reset".to_string(),
                    (chrono::Utc::now().timestamp() + 3600).to_string(),
                ),
            ],
        ),
        (500, String::new(), vec![]),
    ];
    for (status, mut body, headers) in faults {
        if status == 500 {
            // A server that echoes the request, token and all.
            let access = pds.lock().access.last().unwrap().clone();
            body = format!(
                r#"{{"error":"InternalServerError","message":"echo: Authorization: Bearer {access}"}}"#
            );
        }
        pds.script(Scripted {
            matches: "GET /xrpc/app.bsky.notification.listNotifications".into(),
            status,
            body,
            headers,
            ..Scripted::default()
        });
        let out = run(&bed, &["pull"]);
        // A 401 renews the session and the pull goes on; the others stop it.
        assert_eq!(
            out.status.success(),
            status == 401,
            "{status}: {}",
            text(&out)
        );
        outputs.push(out);
    }
    // A login refused by a server that echoes what it was sent.
    std::fs::remove_file(session_cache(&bed)).unwrap();
    pds.script(Scripted {
        matches: "POST /xrpc/com.atproto.server.createSession".into(),
        status: 401,
        body: format!(
            r#"{{"error":"AuthenticationRequired","message":"Invalid identifier or password: {PASSWORD}"}}"#
        ),
        ..Scripted::default()
    });
    let refused = run(&bed, &["pull"]);
    assert!(
        text(&refused).contains("app password was rejected by 127.0.0.1"),
        "{}",
        text(&refused)
    );
    outputs.push(refused);
    // An expired session is refreshed, and a reply goes out.
    outputs.push(run(&bed, &["pull"]));
    pds.expire_access();
    let mut conn = rapport::store::open(&bed.db).unwrap();
    let config = rapport::config::load(Some(&bed.config)).unwrap();
    let mention: i64 = conn
        .query_row("SELECT MIN(id) FROM mentions", [], |r| r.get(0))
        .unwrap();
    rapport::store::actions::apply(
        &mut conn,
        &config,
        &Write::Reply {
            mention_id: mention,
            kind: ActionKind::Reply,
            body: "Merci !".into(),
            force: true,
        },
        chrono::Utc::now().timestamp() - 60,
    )
    .unwrap();
    drop(conn);
    let sent = run(&bed, &["send"]);
    assert!(sent.status.success(), "{}", text(&sent));
    outputs.push(sent);
    assert_eq!(pds.our_posts().len(), 1);

    let cache = session_cache(&bed);
    let haystack = all_output(&bed, &outputs, &[]);
    assert!(
        !contains(&haystack, PASSWORD),
        "the app password was written somewhere"
    );
    // The session's tokens live in the cache file only.
    let outside = all_output(&bed, &outputs, std::slice::from_ref(&cache));
    let st = pds.lock();
    // Three sessions: the first, the one after the login refused, a refresh.
    assert!(
        st.issued.len() >= 6 && st.refreshed >= 1,
        "{}",
        st.issued.len()
    );
    for token in &st.issued {
        assert!(
            !contains(&outside, token),
            "a session token leaked: {token}"
        );
    }
    // The check must be able to fail: the cache holds the live tokens, the logs exist.
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert!(cached.contains(st.access.last().unwrap()));
    assert!(walk(bed.dir.path())
        .iter()
        .any(|p| p.to_string_lossy().contains("log")));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_reply_end_to_end_threads_mentions_by_bytes_and_survives_a_timeout_once() {
    let pds = Pds::start();
    let zoe = "did:plc:zoe";
    let uri = pds.add_post(
        zoe,
        "zoe.bsky.social",
        "Zoé 🌻",
        "🌻🌻 @northwind.bsky.social ma commande n'est pas arrivée",
    );
    let bed = bed(&pds, 1);
    let pulled = run(&bed, &["pull"]);
    assert_eq!(
        String::from_utf8_lossy(&pulled.stdout),
        "northwind-bsky: 1 new (1 page)\n",
        "{}",
        text(&pulled)
    );
    let mut conn = rapport::store::open(&bed.db).unwrap();
    let config = rapport::config::load(Some(&bed.config)).unwrap();
    let (mention, body): (i64, String) = conn
        .query_row(
            "SELECT id, body FROM mentions WHERE external_id = ?1",
            [&uri],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(body.starts_with("🌻🌻 @northwind"), "{body}");
    rapport::store::actions::apply(
        &mut conn,
        &config,
        &Write::Reply {
            mention_id: mention,
            kind: ActionKind::Reply,
            body: "Merci 🙏 @zoe.bsky.social, elle part demain".into(),
            force: true,
        },
        chrono::Utc::now().timestamp() - 60,
    )
    .unwrap();
    drop(conn);
    // The PDS takes the record only after the client gave up (timeout 1 s).
    pds.lock().slow_create = Some(Duration::from_secs(3));
    let first = run(&bed, &["send"]);
    let (state, key): (String, String) = {
        let conn = rusqlite::Connection::open(&bed.db).unwrap();
        conn.query_row(
            "SELECT state, idempotency_key FROM actions WHERE kind = 'reply'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_ne!(state, "sent", "{}", text(&first));
    // Wait for the slow write to land, then make the retry due now.
    for _ in 0..200 {
        if !pds.our_posts().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    rusqlite::Connection::open(&bed.db)
        .unwrap()
        .execute(
            "UPDATE actions SET next_attempt_at = 0 WHERE kind = 'reply'",
            [],
        )
        .unwrap();
    let second = run(&bed, &["send"]);
    assert!(second.status.success(), "{}", text(&second));
    assert!(run(&bed, &["send"]).status.success());

    let posts = pds.our_posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let post = &posts[0];
    // The record key is the action's, so a retry addresses the same record.
    assert_eq!(
        post["rkey"].as_str().unwrap(),
        rapport::platforms::bluesky::send::rkey_for(&key)
    );
    let record = &post["value"];
    let strong = serde_json::json!({"uri": uri, "cid": pds.lock().posts[&uri]["cid"]});
    assert_eq!(record["reply"]["parent"], strong);
    assert_eq!(record["reply"]["root"], strong);
    let text_sent = record["text"].as_str().unwrap();
    assert_eq!(text_sent, "Merci 🙏 @zoe.bsky.social, elle part demain");
    let facet = &record["facets"][0];
    let (start, end) = (
        facet["index"]["byteStart"].as_u64().unwrap() as usize,
        facet["index"]["byteEnd"].as_u64().unwrap() as usize,
    );
    // UTF-8 bytes: "Merci 🙏 " is 11 bytes (8 chars, 9 UTF-16 units).
    assert_eq!((start, end), (11, 27));
    assert_eq!(&text_sent.as_bytes()[start..end], b"@zoe.bsky.social");
    assert_eq!(facet["features"][0]["did"], zoe);
    let conn = rusqlite::Connection::open(&bed.db).unwrap();
    let (state, remote): (String, String) = conn
        .query_row(
            "SELECT state, remote_id FROM actions WHERE kind = 'reply'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(state, "sent");
    assert_eq!(remote, post["uri"].as_str().unwrap());
    assert!(remote.starts_with(&format!("at://{OUR_DID}/app.bsky.feed.post/")));
}

#[test]
fn a_spent_budget_is_waited_out_with_a_message_instead_of_a_429() {
    let pds = Pds::start();
    pds.add(150, "mention");
    // Four requests left in this window, which ends a second or two after the
    // fourth: its answer says none is left, so the fifth must wait for the reset.
    pds.lock().budget = Some(bluesky_support::Budget {
        limit: 4,
        left: 4,
        reset: chrono::Utc::now().timestamp() + 3600,
        refill: 3000,
        ends_after_spent: Some(2),
    });
    let bed = bed(&pds, 5);
    let out = run(&bed, &["pull"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "northwind-bsky: 150 new (2 pages)\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let host = pds.url.trim_start_matches("http://");
    assert!(
        stderr.contains("northwind-bsky: waiting ")
            && stderr.contains(&format!(" s for {host}'s rate limit")),
        "{stderr}"
    );
    let log = pds.lock().log.clone();
    assert!(log.iter().all(|l| l.ends_with(" 200")), "{log:?}");
    // createSession, a page, two batches of followers, then (after the wait) the next.
    assert_eq!(log.len(), 7, "{log:?}");
    assert_eq!(
        log[4],
        "GET /xrpc/app.bsky.notification.listNotifications 200"
    );
}
