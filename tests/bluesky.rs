//! The Bluesky connector against a local PDS: sessions created once, cached (0600,
//! never the password) and refreshed; notifications paged back to the cursor with
//! followers fetched 25 at a time; replies with strong refs and a mention facet,
//! never posted twice (the record key comes from the idempotency key).

mod bluesky_support;

use bluesky_support::{Pds, OUR_DID, OUR_HANDLE, PASSWORD};
use rapport::config::Config;
use rapport::delivery::{Delivery, Outgoing, Senders};
use rapport::platforms;
use rusqlite::Connection;
use serde_json::json;
use std::sync::OnceLock;

/// The state folder (sessions are cached there) is this process's own. A static is
/// never dropped, so it lives in the build's scratch folder (`cargo clean` takes it),
/// not in the system's temporary folder, where every run left one behind.
fn state_dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        // Set once, before any test reads it, and never changed.
        std::env::set_var("XDG_STATE_HOME", dir.path());
        dir
    })
    .path()
}

fn config(pds: &Pds, name: &str, password: &str) -> Config {
    state_dir();
    let text = format!(
        r#"
[[accounts]]
name = "{name}"
platform = "bluesky"
server = "{}"
handle = "northwind.bsky.social"
password_command = ["echo", "{password}"]
timeout_secs = 5
"#,
        pds.url
    );
    rapport::config::load_str(&text, "test.toml").unwrap()
}

fn pull(conn: &mut Connection, config: &Config) -> anyhow::Result<platforms::PullSummary> {
    let account = &config.accounts[0];
    let mut p = platforms::connect(account).unwrap();
    platforms::pull_account(conn, config, account, p.as_mut(), &mut |_| {})
}

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = rapport::store::open(&dir.path().join("r.db")).unwrap();
    (dir, conn)
}

#[test]
fn pulls_mentions_replies_and_quotes_back_to_the_cursor() {
    let pds = Pds::start();
    pds.add(120, "mention");
    pds.add(30, "like");
    pds.add(100, "reply");
    let config = config(&pds, "bsky-pull", PASSWORD);
    let (_d, mut conn) = db();
    let first = pull(&mut conn, &config).unwrap();
    assert_eq!((first.added, first.pages), (220, 3));
    assert!(pds.lock().profile_batches.iter().all(|n| *n <= 25));
    let followers: i64 = conn
        .query_row(
            "SELECT followers FROM people WHERE platform_user_id = 'did:plc:person7'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(followers, 70);
    let (kind, url): (String, String) = conn
        .query_row(
            "SELECT kind, url FROM mentions WHERE external_id LIKE '%3kpost000200'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kind, "reply");
    assert_eq!(
        url,
        "https://bsky.app/profile/person0.bsky.social/post/3kpost000200"
    );
    assert_eq!(pull(&mut conn, &config).unwrap().added, 0);
    let check = platforms::connect(&config.accounts[0])
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(check.who, "@northwind.bsky.social");
    assert_eq!(check.remaining, Some(2999));
    pds.add(3, "quote");
    assert_eq!(pull(&mut conn, &config).unwrap().added, 3);
    // One login for all of it: the session is reused from the cache.
    assert_eq!(pds.lock().sessions_created, 1);
    let cache = state_dir().join("rapport/sessions/bsky-pull.json");
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert!(!cached.contains(PASSWORD));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn an_expired_session_is_refreshed_not_recreated() {
    let pds = Pds::start();
    pds.add(5, "mention");
    let config = config(&pds, "bsky-refresh", PASSWORD);
    let (_d, mut conn) = db();
    pull(&mut conn, &config).unwrap();
    pds.expire_access();
    pds.add(2, "mention");
    assert_eq!(pull(&mut conn, &config).unwrap().added, 2);
    let st = pds.lock();
    assert_eq!((st.sessions_created, st.refreshed), (1, 1));
}

#[test]
fn a_wrong_app_password_says_what_to_do_and_is_never_shown() {
    let pds = Pds::start();
    let config = config(&pds, "bsky-wrong", "app-pw-wrong-0000");
    let (_d, mut conn) = db();
    let e = format!("{:#}", pull(&mut conn, &config).unwrap_err());
    assert!(e.contains("app password was rejected by 127.0.0.1"), "{e}");
    assert!(e.contains("App passwords"), "{e}");
    assert!(!e.contains("app-pw-wrong"), "{e}");
}

fn outgoing(kind: &str, uri: &str, attempts: i64) -> Outgoing {
    Outgoing {
        action_id: 1,
        idempotency_key: "rapport-0123abcd".into(),
        kind: kind.into(),
        platform: "bluesky".into(),
        account: Some("bsky-send".into()),
        in_reply_to: Some(uri.into()),
        mention_url: None,
        author: None,
        body: "Elle arrive vendredi 📦".into(),
        attempts,
        created_at: 0,
    }
}

#[test]
fn a_reply_threads_under_the_root_mentions_the_person_and_is_made_once() {
    let pds = Pds::start();
    pds.add(1, "reply");
    let uri = pds.lock().notifications[0]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let config = config(&pds, "bsky-send", PASSWORD);
    let senders = Senders::from_config(&config);
    let sender = senders.get("bluesky").unwrap();
    pds.lock().fail_create_after_storing = Some(502);
    let out = sender.deliver(&outgoing("reply", &uri, 1));
    let expected = Delivery::Sent {
        remote_id: Some(format!(
            "at://{OUR_DID}/app.bsky.feed.post/rapport-0123abcd"
        )),
        url: Some("https://bsky.app/profile/northwind.bsky.social/post/rapport-0123abcd".into()),
    };
    assert_eq!(out, expected);
    // A retry finds the record and makes no second one.
    assert_eq!(sender.deliver(&outgoing("reply", &uri, 2)), expected);
    assert_eq!(sender.deliver(&outgoing("reply", &uri, 1)), expected);
    let st = pds.lock();
    assert_eq!(st.records.len(), 1);
    let record = &st.records.values().next().unwrap()["value"];
    assert_eq!(
        record["text"],
        "@person1.bsky.social Elle arrive vendredi 📦"
    );
    assert_eq!(record["reply"]["parent"]["uri"], uri.as_str());
    assert_eq!(record["reply"]["parent"]["cid"], "bafy1");
    assert_eq!(
        record["reply"]["root"]["uri"],
        format!("at://{OUR_DID}/app.bsky.feed.post/3kroot")
    );
    assert_eq!(record["facets"][0]["index"]["byteEnd"], 20);
    assert_eq!(record["facets"][0]["features"][0]["did"], "did:plc:person1");
}

#[test]
fn a_like_is_a_like_record() {
    let pds = Pds::start();
    pds.add(1, "mention");
    let uri = pds.lock().notifications[0]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let config = config(&pds, "bsky-like", PASSWORD);
    let senders = Senders::from_config(&config);
    let mut like = outgoing("like", &uri, 1);
    like.account = Some("bsky-like".into());
    let out = senders.get("bluesky").unwrap().deliver(&like);
    assert!(matches!(out, Delivery::Sent { .. }), "{out:?}");
    let st = pds.lock();
    let (key, record) = st.records.iter().next().unwrap();
    assert_eq!(key.0, "app.bsky.feed.like");
    assert_eq!(record["value"]["subject"]["uri"], uri.as_str());
}

#[test]
fn our_post_that_people_answer_is_kept_for_their_thread() {
    let pds = Pds::start();
    let ours = format!("at://{OUR_DID}/app.bsky.feed.post/3kann");
    let author = json!({"did": "did:plc:zoe", "handle": "zoe.bsky.social", "displayName": "Zoé"});
    let record = json!({"$type": "app.bsky.feed.post", "text": "Are the mugs back? 🙏",
                        "createdAt": "2026-11-20T09:00:00.000Z",
                        "reply": {"root": {"uri": ours, "cid": "bafyann"}, "parent": {"uri": ours, "cid": "bafyann"}}});
    {
        let mut st = pds.lock();
        st.posts.insert(
            ours.clone(),
            json!({
            "uri": ours, "cid": "bafyann",
            "author": {"did": OUR_DID, "handle": OUR_HANDLE},
            "record": {"$type": "app.bsky.feed.post", "text": "Mugs are back in stock",
                       "createdAt": "2026-11-20T08:00:00.000Z"},
            "indexedAt": "2026-11-20T08:00:01.000Z"}),
        );
        st.notifications.insert(
            0,
            json!({
            "uri": "at://did:plc:zoe/app.bsky.feed.post/3kzoe", "cid": "bafyzoe", "reason": "reply",
            "author": author, "record": record, "isRead": false,
            "indexedAt": "2026-11-20T09:00:01.000Z"}),
        );
    }
    let config = config(&pds, "bsky-ours", PASSWORD);
    let (_d, mut conn) = db();
    assert_eq!(pull(&mut conn, &config).unwrap().added, 1);
    let kept: (String, String) = conn
        .query_row(
            "SELECT external_id, body FROM our_posts WHERE platform = 'bluesky'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, (ours.clone(), "Mugs are back in stock".to_string()));
    let id: i64 = conn
        .query_row("SELECT id FROM mentions", [], |r| r.get(0))
        .unwrap();
    let detail = rapport::store::detail::load(&conn, id, 1_800_000_000)
        .unwrap()
        .unwrap();
    let bodies: Vec<(bool, &str)> = detail
        .thread
        .iter()
        .map(|t| (t.ours, t.body.as_str()))
        .collect();
    assert_eq!(bodies[0], (true, "Mugs are back in stock"), "{bodies:?}");
    assert_eq!(bodies.len(), 2, "{bodies:?}");
}

/// A catch-up stopped after its first page (a killed pull) and resumed after new
/// mentions arrived goes on back to where it stopped, then makes one more pass from
/// the top for the new ones: none waits for the next pull.
#[test]
fn a_resumed_catch_up_also_brings_what_arrived_since_it_began() {
    let pds = Pds::start();
    pds.add(250, "mention");
    let config = config(&pds, "bsky-resume", PASSWORD);
    let (_d, conn) = db();
    // As a pull stopped after its first page leaves it: the catch-up's newest, and the
    // API's cursor for the next page (the last item's time).
    let at = |i: usize| pds.lock().notifications[i]["indexedAt"].clone();
    let stopped = json!({"top": at(0), "next": at(99)}).to_string();
    rapport::store::cursors::set(&conn, "bsky-resume", &stopped, None, 0).unwrap();
    pds.add(10, "mention");
    let mut conn = conn;
    let summary = pull(&mut conn, &config).unwrap();
    // The 150 older than the first page, then the 10 newer than the catch-up.
    assert_eq!(summary.added, 160);
    let newest: Vec<String> = pds.lock().notifications[..10]
        .iter()
        .map(|n| n["uri"].as_str().unwrap().to_string())
        .collect();
    for uri in newest {
        let found: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM mentions WHERE platform = 'bluesky' AND external_id = ?1",
                [&uri],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{uri}");
    }
}
