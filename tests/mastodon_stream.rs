//! Mastodon's user stream against local servers: the streaming base comes from the
//! instance, a streamed mention rings (a heartbeat or another notification does
//! not), a dropped, silent or refused stream is reported and opened again, and in
//! the app's pull thread a streamed mention is pulled at once through the cursor,
//! long before the next poll; with the stream refused, polling still brings it.

mod mastodon_support;

use crossbeam_channel::{unbounded, Receiver};
use mastodon_support::stream::SseServer;
use mastodon_support::{Mock, TOKEN};
use rapport::app::Msg;
use rapport::config::Config;
use rapport::platforms::{self, Heard, Timing};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn config(mock: &Mock, every_secs: u64) -> Config {
    let text = format!(
        r#"
[[accounts]]
name = "northwind"
platform = "mastodon"
server = "{}"
token_command = ["echo", "{TOKEN}"]
timeout_secs = 5
"#,
        mock.url
    );
    let mut config = rapport::config::load_str(&text, "test.toml").unwrap();
    // Set past validation (which wants 10 s or more) so the polling test is quick.
    config.pull.every_secs = every_secs;
    config
}

fn quick(silence: u64) -> Timing {
    Timing {
        silence: Duration::from_secs(silence),
        first_retry: Duration::from_millis(50),
        longest_retry: Duration::from_millis(200),
    }
}

/// Watches the account on a thread; what it hears comes out of the receiver.
struct Watcher {
    heard: Receiver<Heard>,
    stop: Arc<AtomicBool>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn watch(config: &Config, timing: Timing) -> Watcher {
    let (tx, heard) = unbounded();
    let stop = Arc::new(AtomicBool::new(false));
    let (account, halt) = (config.accounts[0].clone(), stop.clone());
    std::thread::spawn(move || {
        platforms::watch(&account, &timing, &mut |h| {
            let _ = tx.send(h);
            !halt.load(Ordering::Relaxed)
        })
    });
    Watcher { heard, stop }
}

impl Watcher {
    /// The next thing heard that is not a heartbeat.
    fn next(&self) -> Heard {
        loop {
            match self.heard.recv_timeout(Duration::from_secs(30)).unwrap() {
                Heard::Alive => continue,
                h => return h,
            }
        }
    }

    fn next_down(&self) -> String {
        match self.next() {
            Heard::Down(why) => why,
            other => panic!("expected the stream down, heard {other:?}"),
        }
    }
}

fn streaming_mock() -> (Mock, SseServer) {
    let mock = Mock::start();
    let sse = SseServer::start();
    mock.lock().streaming = Some(sse.ws_url.clone());
    (mock, sse)
}

#[test]
fn a_streamed_mention_rings_and_a_dropped_stream_is_opened_again() {
    let (mock, sse) = streaming_mock();
    let w = watch(&config(&mock, 60), quick(30));
    assert_eq!(w.next(), Heard::Live);
    // The base came from the instance; the token went with the stream request only.
    assert!(mock
        .requests()
        .contains(&"GET /api/v2/instance".to_string()));
    let (line, auth) = sse.requests()[0].clone();
    assert_eq!(line, "GET /api/v1/streaming/user/notification");
    assert_eq!(auth.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));

    // ":connected", then a heartbeat and a favourite: none of them rings.
    assert_eq!(w.heard.recv().unwrap(), Heard::Alive);
    sse.send(":thump\n\n");
    assert_eq!(w.heard.recv().unwrap(), Heard::Alive);
    sse.send("event: notification\ndata: {\"id\":\"5\",\"type\":\"favourite\"}\n\n");
    assert_eq!(w.heard.recv().unwrap(), Heard::Alive);
    sse.send_mention("6");
    assert_eq!(w.heard.recv().unwrap(), Heard::Mention);

    sse.drop_stream();
    assert_eq!(w.next_down(), "the server closed the stream");
    assert_eq!(w.next(), Heard::Live);
    assert_eq!(sse.opened(), 2);
    sse.send_mention("7");
    assert_eq!(w.next(), Heard::Mention);
}

#[test]
fn a_silent_stream_is_taken_for_dead() {
    let (mock, sse) = streaming_mock();
    let w = watch(&config(&mock, 60), quick(1));
    assert_eq!(w.next(), Heard::Live);
    // Nothing more is sent: after a second of silence the stream is given up.
    assert_eq!(w.next_down(), "no heartbeat for 1 s");
    assert_eq!(w.next(), Heard::Live);
    assert!(sse.opened() >= 2);
}

#[test]
fn a_refused_stream_says_why_and_is_tried_again() {
    let (mock, sse) = streaming_mock();
    sse.refuse_next(404);
    sse.refuse_next(401);
    let w = watch(&config(&mock, 60), quick(30));
    let why = w.next_down();
    assert!(why.contains("(404"), "{why}");
    let why = w.next_down();
    assert!(why.contains("token was rejected"), "{why}");
    assert!(!why.contains(TOKEN));
    assert_eq!(w.next(), Heard::Live);
}

#[test]
fn a_server_without_streaming_or_with_a_page_instead_is_reported() {
    // No instance endpoint: the stream is asked of the server itself, which has none.
    let mock = Mock::start();
    let w = watch(&config(&mock, 60), quick(30));
    let why = w.next_down();
    assert!(why.contains("(404"), "{why}");
    assert!(mock
        .requests()
        .contains(&"GET /api/v1/streaming/user/notification".to_string()));
    drop(w);
    // A 200 that is not an event stream (a proxy's page, say) is not taken for one.
    let mock = Mock::start();
    mock.script(mastodon_support::Scripted {
        matches: "GET /api/v1/streaming".into(),
        status: 200,
        body: "{}".into(),
        ..Default::default()
    });
    let w = watch(&config(&mock, 60), quick(30));
    let why = w.next_down();
    assert!(why.contains("not an event stream"), "{why}");
}

/// The app's pull thread, on its own database.
struct App {
    _dir: tempfile::TempDir,
    msgs: Receiver<Msg>,
    _puller: rapport::tui::pull::Puller,
}

fn app(config: &Config, timing: Timing) -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    drop(rapport::store::open(&db).unwrap());
    let (tx, msgs) = unbounded();
    let puller = rapport::tui::pull::start_with(&db, config, &tx, timing).unwrap();
    App {
        _dir: dir,
        msgs,
        _puller: puller,
    }
}

impl App {
    /// The next pull's result for northwind.
    fn pulled(&self) -> Result<u64, String> {
        loop {
            if let Msg::Pulled(results) = self.msgs.recv_timeout(Duration::from_secs(30)).unwrap() {
                let (name, result) = results.into_iter().next().unwrap();
                assert_eq!(name, "northwind");
                return result;
            }
        }
    }
}

#[test]
fn a_streamed_mention_is_pulled_at_once_not_at_the_next_poll() {
    let (mock, sse) = streaming_mock();
    mock.add_mentions(3);
    // An hour between polls: whatever comes sooner came through the stream.
    let app = app(&config(&mock, 3600), quick(30));
    assert_eq!(app.pulled(), Ok(3));
    sse.wait_opened(1);
    mock.add_mentions(2);
    sse.send_mention("new");
    assert_eq!(app.pulled(), Ok(2));
    // A burst of rings for mentions already pulled brings nothing twice.
    sse.send_mention("new");
    assert_eq!(app.pulled(), Ok(0));
    let polls = mock
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/notifications"))
        .count();
    assert!(polls >= 3, "{polls}");
}

#[test]
fn with_the_stream_refused_polling_still_brings_the_mentions() {
    let (mock, sse) = streaming_mock();
    for _ in 0..100 {
        sse.refuse_next(404);
    }
    let app = app(&config(&mock, 1), quick(30));
    assert_eq!(app.pulled(), Ok(0));
    mock.add_mentions(2);
    let mut got = 0;
    while got < 2 {
        got += app.pulled().unwrap();
    }
    assert_eq!(got, 2);
    assert_eq!(sse.opened(), 0);
    // And the stream is tried again, with pauses.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while sse.requests().len() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the stream was not tried again"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn pulls_of_a_streamed_account_do_not_put_off_the_others_poll() {
    let (busy, sse) = streaming_mock();
    let quiet = Mock::start();
    let text = format!(
        r#"
[[accounts]]
name = "busy"
platform = "mastodon"
server = "{}"
token_command = ["echo", "{TOKEN}"]
[[accounts]]
name = "quiet"
platform = "mastodon"
server = "{}"
token_command = ["echo", "{TOKEN}"]
"#,
        busy.url, quiet.url
    );
    let mut config = rapport::config::load_str(&text, "test.toml").unwrap();
    config.pull.every_secs = 1;
    let app = app(&config, quick(30));
    // The first poll of both, then a mention only the next poll of the quiet one brings.
    match app.msgs.recv_timeout(Duration::from_secs(30)).unwrap() {
        Msg::Pulled(results) => assert_eq!(results.len(), 2),
        _ => panic!("expected the first poll"),
    }
    sse.wait_opened(1);
    quiet.add_mentions(1);
    // The busy account's stream rings faster than the poll comes round.
    let ringing = Arc::new(AtomicBool::new(true));
    let bell = {
        let ringing = ringing.clone();
        std::thread::spawn(move || {
            while ringing.load(Ordering::Relaxed) {
                sse.send_mention("again");
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut quiet_got = 0;
    while quiet_got == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the quiet account was never polled"
        );
        if let Ok(Msg::Pulled(results)) = app.msgs.recv_timeout(Duration::from_secs(1)) {
            for (name, result) in results {
                if name == "quiet" {
                    quiet_got += result.unwrap();
                }
            }
        }
    }
    ringing.store(false, Ordering::Relaxed);
    bell.join().unwrap();
    assert_eq!(quiet_got, 1);
}
