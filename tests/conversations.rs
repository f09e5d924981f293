//! Conversations on a real database: a person's messages in one thread are answered
//! together, come back together, and are shown together.

use chrono::{TimeZone, Utc};
use rapport::config::Config;
use rapport::domain::change::Write;
use rapport::domain::ActionKind;
use rapport::ingest::ndjson::parse_line;
use rapport::store::import::Importer;
use rapport::store::{actions, detail};
use rusqlite::Connection;

const NOW: i64 = 1_795_428_000;

fn import(conn: &mut Connection, config: &Config, lines: &[String]) {
    let mut import = Importer::begin(conn, config, Utc.timestamp_opt(NOW, 0).unwrap()).unwrap();
    for line in lines {
        import.add(&parse_line(line).unwrap().unwrap()).unwrap();
    }
    import.finish().unwrap();
}

fn message(id: &str, parent: Option<&str>, minutes_ago: i64, body: &str) -> String {
    let at = Utc
        .timestamp_opt(NOW - minutes_ago * 60, 0)
        .unwrap()
        .to_rfc3339();
    let parent = parent
        .map(|p| format!(r#","parent_id":"{p}""#))
        .unwrap_or_default();
    format!(
        r#"{{"platform":"twitter","external_id":"{id}","kind":"reply","created_at":"{at}","body":"{body}","author":{{"id":"7","handle":"sam"}}{parent}}}"#
    )
}

fn status(conn: &Connection, ext: &str) -> String {
    conn.query_row(
        "SELECT status FROM mentions WHERE external_id = ?1",
        [ext],
        |r| r.get(0),
    )
    .unwrap()
}

fn id(conn: &Connection, ext: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM mentions WHERE external_id = ?1",
        [ext],
        |r| r.get(0),
    )
    .unwrap()
}

/// Sam's three messages, each answering the one before, and Kim's answer to the
/// first: someone else in the same thread is another conversation.
fn sams_thread() -> Vec<String> {
    vec![
        message("1", None, 30, "my order is late"),
        message("2", Some("1"), 20, "still nothing"),
        message("3", Some("2"), 10, "hello??"),
        r#"{"platform":"twitter","external_id":"9","kind":"reply","created_at":"2026-11-23T09:55:00Z","body":"me too","author":{"id":"8","handle":"kim"},"parent_id":"1"}"#.to_string(),
    ]
}

/// Our reply to the newest message, sent `minutes_ago`.
fn our_reply(to: &str, minutes_ago: i64) -> String {
    let at = Utc
        .timestamp_opt(NOW - minutes_ago * 60, 0)
        .unwrap()
        .to_rfc3339();
    format!(
        r#"{{"type":"our_reply","platform":"twitter","external_id":"r{to}","in_reply_to":"{to}","body":"On it","sent_at":"{at}","account":"acme"}}"#
    )
}

/// An imported reply to a person's newest message answers their earlier ones in the
/// conversation, at the reply's time: when it is one of few answered among many
/// mentions (the import starts from the answered) and when most are answered (it
/// reads the mentions).
#[test]
fn an_imported_reply_answers_the_whole_conversation() {
    let config = Config::defaults();
    let first_response = |conn: &Connection, ext: &str| -> Option<i64> {
        conn.query_row(
            "SELECT first_response_at FROM mentions WHERE external_id = ?1",
            [ext],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Few: one reply, in a later import, to a file of four mentions.
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("few.db")).unwrap();
    import(&mut conn, &config, &sams_thread());
    import(&mut conn, &config, &[our_reply("3", 5)]);
    for ext in ["1", "2", "3"] {
        assert_eq!(status(&conn, ext), "done", "few: message {ext}");
        assert_eq!(first_response(&conn, ext), Some(NOW - 300), "few: {ext}");
    }
    assert_eq!(status(&conn, "9"), "open");
    // Most: two messages and the reply to the second, in one import.
    let mut conn = rapport::store::open(&dir.path().join("most.db")).unwrap();
    import(
        &mut conn,
        &config,
        &[
            message("1", None, 30, "my order is late"),
            message("2", Some("1"), 20, "still nothing"),
            our_reply("2", 5),
        ],
    );
    for ext in ["1", "2"] {
        assert_eq!(status(&conn, ext), "done", "most: message {ext}");
        assert_eq!(first_response(&conn, ext), Some(NOW - 300), "most: {ext}");
    }
}

#[test]
fn replying_to_the_newest_message_answers_the_whole_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("c.db")).unwrap();
    let config = Config::defaults();
    import(&mut conn, &config, &sams_thread());
    let reply = Write::Reply {
        mention_id: id(&conn, "3"),
        kind: ActionKind::Reply,
        body: "Sorry Sam, it ships today".into(),
        force: false,
    };
    actions::apply(&mut conn, &config, &reply, NOW).unwrap();
    for ext in ["1", "2", "3"] {
        assert_eq!(status(&conn, ext), "done", "message {ext}");
    }
    assert_eq!(status(&conn, "9"), "open");
    let answered_at = |conn: &Connection, t: i64| -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM mentions WHERE first_response_at = ?1",
            [t],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(answered_at(&conn, NOW), 0, "queued is not answered yet");

    // The detail shows the conversation in order, our reply included.
    let d = detail::load(&conn, id(&conn, "2"), NOW).unwrap().unwrap();
    let bodies: Vec<&str> = d.thread.iter().map(|t| t.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "my order is late",
            "still nothing",
            "hello??",
            "Sorry Sam, it ships today"
        ]
    );
    assert!(d.thread[1].current && d.thread[3].ours);

    // Undo puts all three back.
    let last = actions::last_undoable(&conn).unwrap().unwrap();
    actions::undo(&mut conn, &config, last, NOW + 1).unwrap();
    for ext in ["1", "2", "3"] {
        assert_eq!(status(&conn, ext), "open", "message {ext}");
    }

    // Answered again; once the reply reaches the platform it answers all three.
    actions::apply(&mut conn, &config, &reply, NOW + 2).unwrap();
    let sent: i64 = conn
        .query_row(
            "SELECT MAX(id) FROM actions WHERE kind = 'reply'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(rapport::store::outbox::mark_posted(&mut conn, sent, true, NOW + 5).unwrap());
    assert_eq!(
        answered_at(&conn, NOW + 5),
        3,
        "the reply answers all three"
    );
    // A new message in the conversation comes in open.
    import(
        &mut conn,
        &config,
        &[message("4", Some("3"), -5, "thanks, got it")],
    );
    assert_eq!(status(&conn, "4"), "open");
    let key: (String, String) = conn
        .query_row(
            "SELECT (SELECT conversation FROM mentions WHERE external_id = '1'),
                    (SELECT conversation FROM mentions WHERE external_id = '4')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(key.0, key.1);
}

#[test]
fn on_twcs_a_reply_to_the_brand_shows_the_tweet_and_the_brand_reply_it_answers() {
    let text = format!(
        "{}\n\
         1,105834,True,Wed Oct 11 06:55:44 +0000 2017,@AppleSupport my phone broke,2,\n\
         2,AppleSupport,False,Wed Oct 11 07:05:44 +0000 2017,@105834 which model?,3,1\n\
         3,105834,True,Wed Oct 11 07:15:44 +0000 2017,@AppleSupport an 8,,2\n\
         4,105834,True,Wed Oct 11 07:16:44 +0000 2017,@AppleSupport an 8 plus sorry,5,3\n\
         5,AppleSupport,False,Wed Oct 11 07:25:44 +0000 2017,@105834 thanks we will DM,,4\n",
        rapport::ingest::detect::TWCS_HEADER
    );
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("t.db")).unwrap();
    let config = Config::defaults();
    let mut import = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
    for item in rapport::ingest::twcs::Reader::new(std::io::Cursor::new(text.into_bytes())).unwrap()
    {
        if let Ok(rapport::ingest::Parsed::Record(r)) = item.unwrap().parsed {
            import.add(&r).unwrap();
        }
    }
    import.finish().unwrap();
    let d = detail::load(&conn, id(&conn, "3"), NOW).unwrap().unwrap();
    let thread: Vec<(bool, &str)> = d.thread.iter().map(|t| (t.ours, t.body.as_str())).collect();
    assert_eq!(
        thread,
        [
            (false, "@AppleSupport my phone broke"),
            (true, "@105834 which model?"),
            (false, "@AppleSupport an 8"),
            (false, "@AppleSupport an 8 plus sorry"),
            (true, "@105834 thanks we will DM"),
        ]
    );
    // The brand answered the newest message: the earlier one is answered with it.
    assert_eq!(status(&conn, "3"), "done");
    let answered: i64 = conn
        .query_row(
            "SELECT first_response_at FROM mentions WHERE external_id = '3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        Some(answered),
        chrono::DateTime::parse_from_rfc3339("2017-10-11T07:25:44Z")
            .ok()
            .map(|t| t.timestamp())
    );
}
