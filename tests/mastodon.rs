//! The Mastodon connector against a local server answering as the documented API:
//! paging with and without `Link`, errors that say what to do, rate limits, slow
//! and broken answers, replies that keep a direct message direct and are never
//! posted twice.

mod mastodon_support;

use mastodon_support::{status, Mock, Scripted, TOKEN};
use rapport::config::Config;
use rapport::delivery::{Delivery, Outgoing, Senders};
use rapport::platforms;
use rusqlite::Connection;
use serde_json::json;
use std::time::{Duration, Instant};

fn config(mock: &Mock, token: &str, timeout: u64) -> Config {
    let text = format!(
        r#"
[delivery]
undo_seconds = 0
[[accounts]]
name = "northwind"
platform = "mastodon"
server = "{}"
token_command = ["echo", "{token}"]
timeout_secs = {timeout}
"#,
        mock.url
    );
    rapport::config::load_str(&text, "test.toml").unwrap()
}

struct Bed {
    _dir: tempfile::TempDir,
    conn: Connection,
}

fn bed() -> Bed {
    let dir = tempfile::tempdir().unwrap();
    let conn = rapport::store::open(&dir.path().join("r.db")).unwrap();
    Bed { _dir: dir, conn }
}

fn pull(bed: &mut Bed, config: &Config) -> anyhow::Result<platforms::PullSummary> {
    let account = &config.accounts[0];
    let mut p = platforms::connect(account).unwrap();
    platforms::pull_account(&mut bed.conn, config, account, p.as_mut(), &mut |_| {})
}

fn mentions(conn: &Connection) -> i64 {
    conn.query_row("SELECT COUNT(*) FROM mentions", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn pages_back_to_the_cursor_with_and_without_link_headers() {
    for link in [true, false] {
        let mock = Mock::start();
        mock.lock().link = link;
        mock.add_mentions(200);
        let config = config(&mock, TOKEN, 5);
        let mut bed = bed();
        let first = pull(&mut bed, &config).unwrap();
        assert_eq!(first.added, 200, "link={link}");
        assert_eq!(
            first.pages, 4,
            "three full pages and an empty one, link={link}"
        );
        assert_eq!(mentions(&bed.conn), 200);
        // Caught up: one empty page, nothing new.
        let again = pull(&mut bed, &config).unwrap();
        assert_eq!((again.added, again.pages), (0, 1));
        mock.add_mentions(5);
        let more = pull(&mut bed, &config).unwrap();
        assert_eq!(more.added, 5);
        assert_eq!(mentions(&bed.conn), 205);
        let last = mock
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.contains("notifications"))
            .unwrap();
        assert!(last.contains("since_id="), "{last}");
    }
}

/// A catch-up stopped after its first page (a killed pull) and resumed after new
/// mentions arrived goes on back to where it stopped, then makes one more pass from
/// the top for the new ones.
#[test]
fn a_resumed_catch_up_also_brings_what_arrived_since_it_began() {
    let mock = Mock::start();
    mock.add_mentions(200);
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    // As a pull stopped after its first page (80) leaves it: the catch-up's newest,
    // and the id below which the next page starts.
    let id = |i: usize| {
        mock.lock().notifications[i]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let top = id(0);
    let stopped = json!({"top": top, "max": id(79)}).to_string();
    rapport::store::cursors::set(&bed.conn, "northwind", &stopped, None, 0).unwrap();
    mock.add_mentions(5);
    let newest: Vec<String> = (0..5).map(id).collect();
    let summary = pull(&mut bed, &config).unwrap();
    // The 120 below the first page, then the 5 above the catch-up.
    assert_eq!(summary.added, 125);
    for n in newest {
        let found: i64 = bed
            .conn
            .query_row(
                "SELECT COUNT(*) FROM mentions WHERE external_id LIKE ?1 || '@%'",
                [&n],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{n} (newer than {top})");
    }
}

/// external id, kind, account, parent, followers.
type Row = (String, String, Option<String>, Option<String>, Option<i64>);

#[test]
fn records_carry_kind_account_followers_and_thread() {
    let mock = Mock::start();
    // A reply to one of our statuses, which the database does not hold yet.
    let ours = json!({
        "id": "500", "uri": "https://m.example/users/northwind/statuses/500", "url": null,
        "created_at": "2026-11-19T09:00:00.000Z", "content": "<p>New colours in!</p>",
        "visibility": "public", "in_reply_to_id": "400", "in_reply_to_account_id": "77",
        "account": {"id": "1", "acct": "northwind"}
    });
    mock.lock().statuses.insert("500".into(), ours);
    mock.add_notification(status("601", "public", Some(("500", "1")), "ana", "77"));
    mock.add_notification(status("602", "direct", None, "bo@else.example", "78"));
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    pull(&mut bed, &config).unwrap();
    // Ids carry the server they belong to.
    let at = |id: &str| format!("{id}@{}", mock.url.trim_start_matches("http://"));
    let rows: Vec<Row> = bed
        .conn
        .prepare(
            "SELECT m.external_id, m.kind, m.account, m.parent_external_id, p.followers
             FROM mentions m JOIN people p ON p.id = m.author_id ORDER BY m.external_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                at("601"),
                "reply".into(),
                Some("northwind".into()),
                Some(at("500")),
                None
            ),
            (
                at("602"),
                "direct_message".into(),
                Some("northwind".into()),
                None,
                None
            ),
        ]
    );
    assert!(mock
        .requests()
        .iter()
        .any(|r| r == "GET /api/v1/statuses/500"));
    let history: i64 = bed
        .conn
        .query_row(
            "SELECT COUNT(*) FROM actions WHERE platform = 'mastodon' AND external_id = ?1 AND in_reply_to = ?2",
            [at("500"), at("400")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(history, 1, "our answered status is kept as history");
}

#[test]
fn one_message_is_imported_once_by_its_uri() {
    let mock = Mock::start();
    let a = status("701", "public", None, "ana", "77");
    let mut b = status("702", "public", None, "ana", "77");
    b["uri"] = a["uri"].clone();
    mock.add_notification(a);
    mock.add_notification(b);
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    assert_eq!(pull(&mut bed, &config).unwrap().added, 1);
}

#[test]
fn a_rejected_token_says_what_to_do_and_never_shows_the_token() {
    let mock = Mock::start();
    mock.add_mentions(3);
    let config = config(&mock, "tok-wrong-0000", 5);
    let mut bed = bed();
    let e = format!("{:#}", pull(&mut bed, &config).unwrap_err());
    assert!(e.contains("token was rejected by 127.0.0.1"), "{e}");
    assert!(e.contains("(401: \"The access token is invalid\")"), "{e}");
    assert!(e.contains("Preferences → Development"), "{e}");
    assert!(!e.contains("tok-wrong"), "{e}");
    assert_eq!(mentions(&bed.conn), 0);
}

#[test]
fn a_429_is_waited_out_as_the_server_asks() {
    let mock = Mock::start();
    mock.add_mentions(3);
    mock.script(Scripted {
        matches: "GET /api/v1/notifications".into(),
        status: 429,
        body: r#"{"error":"Too many requests"}"#.into(),
        headers: vec![("Retry-After".into(), "1".into())],
        ..Scripted::default()
    });
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    let started = Instant::now();
    assert_eq!(pull(&mut bed, &config).unwrap().added, 3);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[test]
fn a_long_429_stops_the_pull_and_keeps_what_was_committed() {
    let mock = Mock::start();
    mock.add_mentions(100);
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    // The second page is refused for an hour.
    mock.script(Scripted {
        matches: "GET /api/v1/notifications?types[]=mention&limit=80&max_id".into(),
        status: 429,
        headers: vec![("Retry-After".into(), "3600".into())],
        ..Scripted::default()
    });
    let e = format!("{:#}", pull(&mut bed, &config).unwrap_err());
    assert!(e.contains("asks us to slow down (429), for 3600 s"), "{e}");
    assert_eq!(mentions(&bed.conn), 80);
    assert_eq!(pull(&mut bed, &config).unwrap().added, 20);
}

#[test]
fn server_errors_slow_and_broken_answers_are_named() {
    let mock = Mock::start();
    mock.add_mentions(3);
    let config = config(&mock, TOKEN, 1);
    let mut bed = bed();
    let cases = [
        (
            Scripted {
                status: 503,
                body: "<html>\u{1b}[2J down for maintenance</html>".into(),
                ..Scripted::default()
            },
            " failed (503: \"<html> down for maintenance</html>\"): try again later",
        ),
        (
            Scripted {
                status: 200,
                body: "[{\"id\": ".into(),
                ..Scripted::default()
            },
            "sent something that is not what its API documents",
        ),
        (
            Scripted {
                status: 200,
                body: "[]".into(),
                delay: Duration::from_secs(3),
                ..Scripted::default()
            },
            "did not answer in time",
        ),
    ];
    for (mut scripted, expected) in cases {
        scripted.matches = "GET /api/v1/notifications".into();
        mock.script(scripted);
        let e = format!("{:#}", pull(&mut bed, &config).unwrap_err());
        assert!(e.contains(expected), "{e}");
        assert!(!e.contains('\u{1b}'));
        assert_eq!(mentions(&bed.conn), 0);
    }
    assert_eq!(pull(&mut bed, &config).unwrap().added, 3);
}

fn outgoing(kind: &str, in_reply_to: &str, body: &str, attempts: i64) -> Outgoing {
    Outgoing {
        action_id: 1,
        idempotency_key: "rapport-key-1".into(),
        kind: kind.into(),
        platform: "mastodon".into(),
        account: Some("northwind".into()),
        in_reply_to: Some(in_reply_to.into()),
        mention_url: None,
        author: Some("ana".into()),
        body: body.into(),
        attempts,
        created_at: 0,
    }
}

fn senders(config: &Config) -> Senders {
    Senders::from_config(config)
}

#[test]
fn a_reply_to_a_direct_message_stays_direct_and_mentions_the_person() {
    let mock = Mock::start();
    mock.add_notification(status("801", "direct", None, "bo@else.example", "78"));
    let config = config(&mock, TOKEN, 5);
    let senders = senders(&config);
    let sender = senders.get("mastodon").expect("routed by the account");
    let out = sender.deliver(&outgoing("reply", "801", "It ships Friday.", 1));
    let replies = mock.replies_to("801");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["visibility"], "direct");
    assert_eq!(replies[0]["text_sent"], "@bo@else.example It ships Friday.");
    let id = replies[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        out,
        Delivery::Sent {
            remote_id: Some(format!("{id}@{}", mock.url.trim_start_matches("http://"))),
            url: Some(format!("https://m.example/@northwind/{id}"))
        }
    );
    assert!(mock.lock().keys.contains_key("rapport-key-1"));
}

#[test]
fn a_500_after_posting_is_found_by_the_lookup_not_posted_twice() {
    let mock = Mock::start();
    mock.add_notification(status("802", "unlisted", None, "ana", "77"));
    let config = config(&mock, TOKEN, 5);
    let senders = senders(&config);
    let sender = senders.get("mastodon").unwrap();
    mock.script(Scripted {
        matches: "POST /api/v1/statuses".into(),
        status: 500,
        body: r#"{"error":"Duplicate key"}"#.into(),
        act_first: true,
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "802", "Back on Friday!", 1));
    assert!(
        matches!(
            out,
            Delivery::Sent {
                remote_id: Some(_),
                ..
            }
        ),
        "{out:?}"
    );
    // A later attempt of the same action looks first and posts nothing.
    let again = sender.deliver(&outgoing("reply", "802", "Back on Friday!", 2));
    assert_eq!(again, out);
    let replies = mock.replies_to("802");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["visibility"], "unlisted");
    let posts = mock
        .requests()
        .iter()
        .filter(|r| *r == "POST /api/v1/statuses")
        .count();
    assert_eq!(posts, 1);
}

#[test]
fn a_timeout_after_posting_is_found_by_the_lookup() {
    let mock = Mock::start();
    mock.add_notification(status("803", "public", None, "ana", "77"));
    let config = config(&mock, TOKEN, 1);
    let senders = senders(&config);
    let sender = senders.get("mastodon").unwrap();
    mock.script(Scripted {
        matches: "POST /api/v1/statuses".into(),
        status: 200,
        body: "{}".into(),
        delay: Duration::from_secs(3),
        act_first: true,
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "803", "Yes, all sizes.", 1));
    assert!(matches!(out, Delivery::Sent { .. }), "{out:?}");
    assert_eq!(mock.replies_to("803").len(), 1);
}

#[test]
fn a_server_error_before_posting_is_temporary_and_a_429_carries_its_wait() {
    let mock = Mock::start();
    mock.add_notification(status("804", "public", None, "ana", "77"));
    let config = config(&mock, TOKEN, 5);
    let senders = senders(&config);
    let sender = senders.get("mastodon").unwrap();
    mock.script(Scripted {
        matches: "POST /api/v1/statuses".into(),
        status: 502,
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "804", "Soon.", 1));
    assert!(matches!(out, Delivery::Temporary { .. }), "{out:?}");
    mock.script(Scripted {
        matches: "POST /api/v1/statuses".into(),
        status: 429,
        headers: vec![("Retry-After".into(), "30".into())],
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "804", "Soon.", 2));
    assert!(
        matches!(out, Delivery::Temporary { retry_after: Some(d), .. } if d == Duration::from_secs(30)),
        "{out:?}"
    );
    assert!(mock.replies_to("804").is_empty());
    let out = sender.deliver(&outgoing("reply", "804", "Soon.", 3));
    assert!(matches!(out, Delivery::Sent { .. }), "{out:?}");
    assert_eq!(mock.replies_to("804").len(), 1);
}

#[test]
fn likes_and_deleted_statuses() {
    let mock = Mock::start();
    mock.add_notification(status("805", "public", None, "ana", "77"));
    let config = config(&mock, TOKEN, 5);
    let senders = senders(&config);
    let sender = senders.get("mastodon").unwrap();
    let out = sender.deliver(&outgoing("like", "805", "", 1));
    assert!(matches!(out, Delivery::Sent { .. }), "{out:?}");
    assert_eq!(mock.lock().favourited, vec!["805".to_string()]);
    let gone = sender.deliver(&outgoing("reply", "999", "Hello", 1));
    let Delivery::Failed(e) = gone else {
        panic!("{gone:?}")
    };
    assert!(e.contains("deleted"), "{e}");
}

#[test]
fn accounts_are_checked() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 5);
    let mut p = platforms::connect(&config.accounts[0]).unwrap();
    let check = p.check().unwrap();
    assert!(
        check.who.starts_with("@northwind@127.0.0.1:"),
        "{}",
        check.who
    );
    assert_eq!(check.remaining, Some(299));
}

#[test]
fn our_post_that_people_answer_is_fetched_once_and_starts_their_thread() {
    let mock = Mock::start();
    // An announcement of ours, answering nothing: people reply to it.
    let post = json!({
        "id": "800", "uri": "https://m.example/users/northwind/statuses/800", "url": null,
        "created_at": "2026-11-19T08:00:00.000Z", "content": "<p>Winter menu is out!</p>",
        "visibility": "public", "in_reply_to_id": null, "in_reply_to_account_id": null,
        "account": {"id": "1", "acct": "northwind"}
    });
    mock.lock().statuses.insert("800".into(), post);
    mock.add_notification(status("801", "public", Some(("800", "1")), "ana", "77"));
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    assert_eq!(pull(&mut bed, &config).unwrap().added, 1);
    let at = |id: &str| format!("{id}@{}", mock.url.trim_start_matches("http://"));
    let kept: (String, String, Option<String>) = bed
        .conn
        .query_row(
            "SELECT external_id, body, account FROM our_posts WHERE platform = 'mastodon'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        (
            at("800"),
            "Winter menu is out!".into(),
            Some("northwind".into())
        )
    );
    // Neither an inbox item nor a reply of ours.
    assert_eq!(mentions(&bed.conn), 1);
    let replies: i64 = bed
        .conn
        .query_row("SELECT COUNT(*) FROM actions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(replies, 0);
    // The thread shows what Ana answered, ours first.
    let id: i64 = bed
        .conn
        .query_row("SELECT id FROM mentions", [], |r| r.get(0))
        .unwrap();
    let detail = rapport::store::detail::load(&bed.conn, id, 1_800_000_000)
        .unwrap()
        .unwrap();
    let thread: Vec<(bool, bool, &str)> = detail
        .thread
        .iter()
        .map(|t| (t.ours, t.current, t.body.as_str()))
        .collect();
    assert_eq!(thread.len(), 2, "{thread:?}");
    assert_eq!(thread[0], (true, false, "Winter menu is out!"));
    assert!(thread[1].1, "{thread:?}");
    // A second answer to the same post does not fetch it again.
    mock.add_notification(status("802", "public", Some(("800", "1")), "bo", "78"));
    assert_eq!(pull(&mut bed, &config).unwrap().added, 1);
    let fetches = mock
        .requests()
        .iter()
        .filter(|r| *r == "GET /api/v1/statuses/800")
        .count();
    assert_eq!(fetches, 1, "{:?}", mock.requests());
}
