//! The Twilio connector against a local server answering as Twilio's documented
//! API: texts paged with `next_page_uri`, a day-granular cursor that misses nothing
//! and imports nothing twice, pictures and emoji, errors that say what to do (401
//! error 20003, 429, 5xx), and replies never sent twice though Twilio has no
//! idempotency key.

mod twilio_support;

use chrono::{Duration as Days, Utc};
use rapport::config::Config;
use rapport::delivery::{Delivery, Outgoing, Senders};
use rapport::platforms;
use rusqlite::Connection;
use std::time::{Duration, Instant};
use twilio_support::{error, Mock, Scripted, OUR, SID, TOKEN};

fn config(mock: &Mock, token: &str, timeout: u64) -> Config {
    let text = format!(
        r#"
[delivery]
undo_seconds = 0
[[accounts]]
name = "shop-sms"
platform = "twilio"
server = "{}"
account_sid = "{SID}"
number = "{OUR}"
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

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn mentions(conn: &Connection) -> i64 {
    count(conn, "SELECT COUNT(*) FROM mentions")
}

#[test]
fn pages_with_next_page_uri_and_imports_each_text_once() {
    let mock = Mock::start();
    let now = Utc::now();
    mock.texts(2100, now - Days::hours(1));
    // Not ours to pull: a text to another number of the account, and one of ours.
    {
        let mut st = mock.lock();
        let other = twilio_support::message(
            "SM99999999999999999999999999999999",
            "inbound",
            "+15550300000",
            "+15550100999",
            "wrong number",
            0,
            now,
        );
        let outbound = twilio_support::message(
            "SM88888888888888888888888888888888",
            "outbound-api",
            OUR,
            "+15550200000",
            "We are!",
            0,
            now,
        );
        st.messages.push(other);
        st.messages.push(outbound);
    }
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    let first = pull(&mut bed, &config).unwrap();
    assert_eq!((first.added, first.pages), (2100, 3), "1000 + 1000 + 100");
    assert_eq!(mentions(&bed.conn), 2100);
    let requests = mock.requests();
    assert!(
        requests[0].starts_with(&format!(
            "GET /2010-04-01/Accounts/{SID}/Messages.json?To=%2B15550100123&DateSent%3E="
        )),
        "{}",
        requests[0]
    );
    assert!(requests[1].contains("PageToken=PA"), "{}", requests[1]);
    // Caught up: the same days are read again, nothing is added twice.
    let again = pull(&mut bed, &config).unwrap();
    assert_eq!(again.added, 0);
    assert_eq!(mentions(&bed.conn), 2100);
    // A text arriving now, and one that shows up late dated before the newest.
    mock.text("+15550400001", "still open?", 0, now);
    mock.text("+15550400002", "late one", 0, now - Days::hours(20));
    let more = pull(&mut bed, &config).unwrap();
    assert_eq!(more.added, 2);
    let (kind, platform, account): (String, String, String) = bed
        .conn
        .query_row(
            "SELECT kind, platform, account FROM mentions WHERE body = 'late one'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), platform.as_str(), account.as_str()),
        ("sms", "twilio", "shop-sms")
    );
    let last = mock.requests().pop().unwrap();
    let expected_day = (now - Days::hours(1) - Days::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        last.contains(&format!("DateSent%3E={expected_day}")),
        "the day before the newest text: {last}"
    );
}

#[test]
fn a_page_token_refused_starts_the_catch_up_again_from_its_day() {
    let mock = Mock::start();
    mock.texts(1100, Utc::now());
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    // A pull stopped after its first page left a page token that has since expired.
    let cursor = r#"{"day":"2000-01-01","next":"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?To=%2B15550100123&PageSize=1000&Page=1&PageToken=PAexpired"}"#;
    rapport::store::cursors::set(&bed.conn, "shop-sms", cursor, None, 0).unwrap();
    mock.script(Scripted {
        matches: "GET /2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?To=%2B15550100123&PageSize=1000&Page=1&PageToken=PAexpired".into(),
        status: 400,
        body: error(20001, 400, "Invalid PageToken"),
        ..Scripted::default()
    });
    let summary = pull(&mut bed, &config).unwrap();
    assert_eq!((summary.added, summary.pages), (1100, 2));
    let requests = mock.requests();
    assert!(
        requests[1].contains("DateSent%3E=2000-01-01"),
        "{}",
        requests[1]
    );
}

#[test]
fn pictures_emoji_and_the_number_as_the_person() {
    let mock = Mock::start();
    let now = Utc::now();
    mock.text("+447700900123", "", 1, now - Days::minutes(3));
    mock.text("+447700900123", "", 2, now - Days::minutes(2));
    mock.text(
        "+447700900123",
        "Caf\u{e9} \u{1f600} \u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467} <b>ok</b>",
        1,
        now - Days::minutes(1),
    );
    let config = config(&mock, TOKEN, 5);
    let mut bed = bed();
    assert_eq!(pull(&mut bed, &config).unwrap().added, 3);
    let bodies: Vec<String> = bed
        .conn
        .prepare("SELECT body FROM mentions ORDER BY created_at")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        bodies,
        [
            "[picture]",
            "[2 pictures]",
            "Caf\u{e9} \u{1f600} \u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467} <b>ok</b> [picture]"
        ]
    );
    let (id, handle, people): (String, String, i64) = bed
        .conn
        .query_row(
            "SELECT platform_user_id, handle, (SELECT COUNT(*) FROM people) FROM people",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (id.as_str(), handle.as_str(), people),
        ("+447700900123", "+447700900123", 1)
    );
    let conversations = count(
        &bed.conn,
        "SELECT COUNT(DISTINCT conversation) FROM mentions",
    );
    assert_eq!(conversations, 1, "one thread per pair of numbers");
}

#[test]
fn a_rejected_token_says_what_to_do_and_never_shows_the_token() {
    let mock = Mock::start();
    mock.texts(2, Utc::now());
    let config = config(&mock, "twtok-wrong-0000", 5);
    let mut bed = bed();
    let e = format!("{:#}", pull(&mut bed, &config).unwrap_err());
    assert!(e.contains("auth token was rejected by 127.0.0.1"), "{e}");
    assert!(e.contains("(401: \"Authenticate\", error 20003)"), "{e}");
    assert!(e.contains("RAPPORT_TWILIO_TOKEN"), "{e}");
    assert!(e.contains("Console → Account → API keys & tokens"), "{e}");
    assert!(!e.contains("twtok-wrong"), "{e}");
    assert_eq!(mentions(&bed.conn), 0);
}

#[test]
fn rate_limits_and_server_errors() {
    let mock = Mock::start();
    mock.texts(3, Utc::now());
    let config = config(&mock, TOKEN, 1);
    let mut bed = bed();
    let list = format!("GET /2010-04-01/Accounts/{SID}/Messages.json");
    // A short 429 is waited out as asked.
    mock.script(Scripted {
        matches: list.clone(),
        status: 429,
        body: error(20429, 429, "Too Many Requests"),
        headers: vec![("Retry-After".into(), "1".into())],
        ..Scripted::default()
    });
    let started = Instant::now();
    assert_eq!(pull(&mut bed, &config).unwrap().added, 3);
    assert!(started.elapsed() >= Duration::from_secs(1));
    mock.texts(1, Utc::now() + Days::seconds(1));
    let cases = [
        (
            Scripted {
                status: 429,
                body: error(20429, 429, "Too Many Requests"),
                headers: vec![("Retry-After".into(), "3600".into())],
                ..Scripted::default()
            },
            "asks us to slow down (429), for 3600 s",
        ),
        (
            Scripted {
                status: 503,
                body: "<html>\u{1b}[2J Service Unavailable</html>".into(),
                ..Scripted::default()
            },
            "failed (503: \"<html> Service Unavailable</html>\"): try again later",
        ),
        (
            Scripted {
                status: 200,
                body: "{\"messages\": [".into(),
                ..Scripted::default()
            },
            "sent something that is not what its API documents",
        ),
        (
            Scripted {
                status: 200,
                body: "{}".into(),
                delay: Duration::from_secs(3),
                ..Scripted::default()
            },
            "did not answer in time",
        ),
    ];
    for (mut scripted, expected) in cases {
        scripted.matches = list.clone();
        mock.script(scripted);
        let e = format!("{:#}", pull(&mut bed, &config).unwrap_err());
        assert!(e.contains(expected), "{e}");
        assert!(!e.contains('\u{1b}'));
        assert_eq!(mentions(&bed.conn), 3);
    }
    assert_eq!(pull(&mut bed, &config).unwrap().added, 1);
}

fn outgoing(kind: &str, to: &str, body: &str, attempts: i64) -> Outgoing {
    Outgoing {
        action_id: 1,
        idempotency_key: "rapport-key-1".into(),
        kind: kind.into(),
        platform: "twilio".into(),
        account: Some("shop-sms".into()),
        in_reply_to: Some("SM00000000000000000000000000000001".into()),
        mention_url: None,
        author: Some(to.into()),
        body: body.into(),
        attempts,
        created_at: Utc::now().timestamp() - 30,
    }
}

fn form(mock: &Mock, i: usize) -> Vec<(String, String)> {
    mock.lock().posts[i].clone()
}

#[test]
fn a_reply_is_a_text_from_our_number() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 5);
    let senders = Senders::from_config(&config);
    let sender = senders.get("twilio").expect("routed by the account");
    let body = "Yes! Open till 6 \u{1f600} & +more";
    let out = sender.deliver(&outgoing("reply", "+447700900123", body, 1));
    let sent = mock.sent_to("+447700900123");
    assert_eq!(sent.len(), 1);
    let sid = sent[0]["sid"].as_str().unwrap().to_string();
    assert_eq!(
        out,
        Delivery::Sent {
            remote_id: Some(sid),
            url: None
        }
    );
    assert_eq!(
        form(&mock, 0),
        vec![
            ("To".to_string(), "+447700900123".to_string()),
            ("From".to_string(), OUR.to_string()),
            ("Body".to_string(), body.to_string()),
        ]
    );
    // No like on SMS, and an unsubscribed number is refused for good.
    let like = sender.deliver(&outgoing("like", "+447700900123", "", 1));
    assert_eq!(
        like,
        Delivery::Failed("an SMS cannot be liked; reply instead".into())
    );
    let stop = sender.deliver(&outgoing("reply", "+15550109999", "Hi", 1));
    let Delivery::Failed(e) = stop else {
        panic!("{stop:?}")
    };
    assert!(e.contains("unsubscribed recipient"), "{e}");
    assert!(e.contains("error 21610"), "{e}");
    assert_eq!(mock.post_count(), 2, "the like posted nothing");
}

#[test]
fn a_timeout_is_reconciled_without_a_second_message() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 1);
    let senders = Senders::from_config(&config);
    let sender = senders.get("twilio").unwrap();
    // Twilio takes the message but answers after our timeout.
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 201,
        body: "{}".into(),
        delay: Duration::from_secs(3),
        act_first: true,
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "+447700900123", "See you at 5", 1));
    let sent = mock.sent_to("+447700900123");
    assert_eq!(sent.len(), 1);
    let expected = Delivery::Sent {
        remote_id: Some(sent[0]["sid"].as_str().unwrap().to_string()),
        url: None,
    };
    assert_eq!(out, expected);
    // A later attempt of the same action looks first and posts nothing.
    let again = sender.deliver(&outgoing("reply", "+447700900123", "See you at 5", 2));
    assert_eq!(again, expected);
    assert_eq!(mock.post_count(), 1, "exactly one POST");
    let lookup = mock
        .requests()
        .into_iter()
        .find(|r| r.starts_with("GET ") && r.contains("From="))
        .unwrap();
    assert!(
        lookup.contains("From=%2B15550100123&To=%2B447700900123&DateSent%3E="),
        "{lookup}"
    );
}

#[test]
fn a_5xx_before_sending_is_retried_and_the_same_text_earlier_is_not_taken_for_it() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 5);
    let senders = Senders::from_config(&config);
    let sender = senders.get("twilio").unwrap();
    // The same words sent to them yesterday are another message.
    mock.lock().messages.push(twilio_support::message(
        "SM77777777777777777777777777777777",
        "outbound-api",
        OUR,
        "+447700900123",
        "Thanks!",
        0,
        Utc::now() - Days::days(1),
    ));
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 500,
        body: error(20500, 500, "Internal Server Error"),
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "+447700900123", "Thanks!", 1));
    assert!(
        matches!(
            out,
            Delivery::Temporary {
                retry_after: None,
                ..
            }
        ),
        "{out:?}"
    );
    let out = sender.deliver(&outgoing("reply", "+447700900123", "Thanks!", 2));
    assert!(matches!(out, Delivery::Sent { .. }), "{out:?}");
    assert_eq!(mock.sent_to("+447700900123").len(), 2);
    // A 503 asking for a wait is tried again after it (once the lookup found nothing).
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 503,
        body: error(20503, 503, "Service Unavailable"),
        headers: vec![("Retry-After".into(), "120".into())],
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "+447700900125", "Later", 1));
    assert!(
        matches!(out, Delivery::Temporary { retry_after: Some(d), .. } if d == Duration::from_secs(120)),
        "{out:?}"
    );
    assert!(mock.sent_to("+447700900125").is_empty());
    // A 429 was never processed: tried later, after the wait Twilio asks.
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 429,
        body: error(20429, 429, "Too Many Requests"),
        headers: vec![("Retry-After".into(), "30".into())],
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "+447700900124", "Soon", 1));
    assert!(
        matches!(out, Delivery::Temporary { retry_after: Some(d), .. } if d == Duration::from_secs(30)),
        "{out:?}"
    );
}

#[test]
fn when_the_lookup_fails_the_reply_is_unknown() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 1);
    let senders = Senders::from_config(&config);
    let sender = senders.get("twilio").unwrap();
    mock.script(Scripted {
        matches: "POST ".into(),
        status: 502,
        act_first: true,
        ..Scripted::default()
    });
    mock.script(Scripted {
        matches: "GET ".into(),
        status: 503,
        ..Scripted::default()
    });
    let out = sender.deliver(&outgoing("reply", "+447700900123", "On its way", 1));
    let Delivery::Unknown(e) = out else {
        panic!("{out:?}")
    };
    assert!(e.contains("may have gone out"), "{e}");
    assert_eq!(mock.post_count(), 1);
}

#[test]
fn accounts_are_checked() {
    let mock = Mock::start();
    let config = config(&mock, TOKEN, 5);
    let mut p = platforms::connect(&config.accounts[0]).unwrap();
    let check = p.check().unwrap();
    assert_eq!(check.who, "+15550100123 on Northwind Shop (active)");
}
