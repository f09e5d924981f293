//! The real binary in a pseudo-terminal: triage five items with r, t, l, p, d, undo
//! one, quit; then check the database rows and that the terminal was given back.

mod common;
mod mastodon_support;

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 140;

/// A running rapport on a pty, with a vt100 model of its screen.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(dir: &Path, db: &Path) -> Session {
        Session::start_with(dir, db, &[])
    }

    /// Starts rapport through `prefix` (e.g. a program that changes the user).
    fn start_with(dir: &Path, db: &Path, prefix: &[&str]) -> Session {
        Session::start_full(dir, db, prefix, &[])
    }

    /// Starts rapport through `prefix`, with these environment variables too.
    fn start_full(dir: &Path, db: &Path, prefix: &[&str], envs: &[(&str, &str)]) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = match prefix.split_first() {
            Some((program, args)) => {
                let mut c = CommandBuilder::new(program);
                c.args(args);
                c.arg(env!("CARGO_BIN_EXE_rapport"));
                c
            }
            None => CommandBuilder::new(env!("CARGO_BIN_EXE_rapport")),
        };
        cmd.arg("--db");
        cmd.arg(db);
        cmd.cwd(dir);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.env("XDG_DATA_HOME", dir.join("data"));
        cmd.env("XDG_STATE_HOME", dir.join("state"));
        cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("RAPPORT_CONFIG");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            child,
            writer,
            screen,
            raw,
            _master: pair.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; fails with the screen when it does not.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "the screen never showed {text:?}; it shows:\n{}",
            self.contents()
        );
    }

    /// Waits until the screen shows one of `texts`.
    fn wait_any(&self, texts: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let c = self.contents();
            if texts.iter().any(|t| c.contains(t)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "the screen never showed any of {texts:?}; it shows:\n{}",
            self.contents()
        );
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys typed too close together can read as one sequence (Esc + key = Alt).
        std::thread::sleep(Duration::from_millis(120));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader take the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "rapport did not exit:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// The terminal was given back: alternate screen left after it was entered, the
    /// cursor shown, the mouse released.
    fn assert_restored(&self) {
        let raw = String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned();
        let entered = raw
            .rfind("\x1b[?1049h")
            .expect("never entered the alternate screen");
        let left = raw
            .rfind("\x1b[?1049l")
            .expect("never left the alternate screen");
        assert!(
            left > entered,
            "the alternate screen was entered again and not left"
        );
        assert!(
            raw[left..].contains("\x1b[?25h") || raw[entered..].contains("\x1b[?25h"),
            "cursor not shown again"
        );
        assert!(
            raw[entered..].contains("\x1b[?1000l"),
            "mouse capture not released"
        );
        assert!(!self.screen.lock().unwrap().screen().alternate_screen());
    }
}

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("inbox.db");
    let out = common::rapport(dir, &db, &["demo", "--no-open", "--count", "1500"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    db
}

/// kind, state, undone, mention id, person id.
type ActionRow = (String, String, bool, Option<i64>, Option<i64>);

/// Actions written in the session (not the demo's history), oldest first.
fn session_actions(db: &Path) -> Vec<ActionRow> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT kind, state, undone_at IS NOT NULL, mention_id, person_id FROM actions
             WHERE external_id IS NULL AND detail != '{}' ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn triage_five_items_undo_one_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = session_actions(&db).len();
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("inbox ·");
    s.wait_for("→ enter:");

    s.send("r");
    s.wait_for("reply to @");
    s.send("Sorry for the wait, we are on it today.");
    s.send("\x13"); // ctrl-s
    s.wait_for("queued");

    // A text is thanked with its own words (no template picker): move to a post.
    for _ in 0..5 {
        std::thread::sleep(Duration::from_millis(300));
        s.wait_for("── author ──");
        if !s.contents().contains("sms · sms") {
            break;
        }
        s.send("j");
    }
    s.send("t");
    s.wait_for("thank ");
    s.send("1");
    s.wait_for("make it personal");
    s.send("\x13");
    s.wait_for("add words of your own"); // an untouched template is refused
    s.send(" The new roast is worth the trip.");
    s.send("\x13");
    s.wait_for("thank to @");

    // Texts, reviews, Instagram and YouTube comments cannot be liked: move to an item
    // that can be (the l key on the others writes nothing and says why).
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(300));
        s.wait_for("── author ──");
        let c = s.contents();
        let unlikeable = ["google · review", "sms · sms", "instagram · ", "youtube · "];
        if !unlikeable.iter().any(|u| c.contains(u)) {
            break;
        }
        s.send("j");
    }
    s.send("l");
    s.wait_for("like of @");
    s.send("p");
    s.wait_any(&["tagged as power user", "no longer a power user"]);
    s.send("d");
    s.wait_for("dismissed @");
    s.send("u");
    s.wait_for("undid dismiss");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    s.assert_restored();

    let actions = session_actions(&db);
    let new: Vec<_> = actions[before..].to_vec();
    let kinds: Vec<&str> = new.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        kinds,
        ["reply", "thank", "like", "tag", "dismiss"],
        "{new:?}"
    );
    assert_eq!(new[0].1, "queued");
    assert_eq!(new[1].1, "queued");
    assert!(!new[0].2 && !new[1].2 && !new[2].2 && !new[3].2);
    assert!(new[4].2, "the dismiss was undone");

    let conn = Connection::open(&db).unwrap();
    let status_of = |id: i64| -> (String, Option<i64>) {
        conn.query_row(
            "SELECT status, first_response_at FROM mentions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (replied, answered) = status_of(new[0].3.unwrap());
    assert_eq!(replied, "done");
    assert!(
        answered.is_none(),
        "a reply with no sender is not an answer until it is sent"
    );
    assert_eq!(status_of(new[1].3.unwrap()).0, "done");
    assert_eq!(status_of(new[2].3.unwrap()).0, "done");
    assert_eq!(
        status_of(new[4].3.unwrap()).0,
        "open",
        "undo put the dismissed item back"
    );
    // The reply's text is what was typed.
    let body: String = common::one(
        &conn,
        "SELECT body FROM actions WHERE kind = 'reply' ORDER BY id DESC LIMIT 1",
        [],
    );
    assert_eq!(body, "Sorry for the wait, we are on it today.");
}

#[test]
fn sighup_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("inbox ·");
    s.child.clone_killer().kill().unwrap(); // SIGHUP
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    s.assert_restored();
}

#[test]
fn a_tiny_terminal_asks_to_be_enlarged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("inbox ·");
    s._master
        .resize(PtySize {
            rows: 8,
            cols: 30,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    s.screen.lock().unwrap().set_size(8, 30);
    s.wait_for("Enlarge the terminal");
    s._master
        .resize(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    s.screen.lock().unwrap().set_size(ROWS, COLS);
    s.wait_for("inbox ·");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn stats_people_and_a_person_page_open_on_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("inbox ·");
    s.send("S");
    s.wait_for("answered of");
    s.wait_for("within target");
    s.send("\x1b");
    s.wait_for("inbox ·");
    s.send("P");
    s.wait_for("people · everyone");
    s.send("\r");
    s.wait_for("history · newest first");
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

/// The hostile corpus on the screen: every view that draws its text, and not one
/// payload piece in what the app wrote to the terminal.
#[test]
fn hostile_text_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let file = common::write(
        dir.path(),
        "h.ndjson",
        common::hostile::ndjson(3).as_bytes(),
    );
    // Open mentions too: the replies in the corpus answer every one of its mentions.
    let open = common::mention("open-1", "someone", &common::hostile::payload("open"));
    let open = common::write(dir.path(), "o.ndjson", format!("{open}\n").as_bytes());
    for f in [&file, &open] {
        let out = common::rapport(dir.path(), &db, &["import", f]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("open");
    // The item's detail, the thread, the person page, people, stats, a search.
    for keys in [
        "\t", "j", "j", "\t", "o", "\x1b", "P", "j", "\r", "\x1b", "S", "\x1b",
    ] {
        s.send(keys);
    }
    s.send("/");
    s.send("rev\r");
    s.send("q");
    assert!(s.wait_exit().success());
    let raw = s.raw.lock().unwrap().clone();
    assert_eq!(common::hostile::screen_leaks(&raw), Vec::<String>::new());
}

/// A database its user cannot write (here: a file owned by root, opened by nobody)
/// opens for reading: the screen says so and refuses changes, and the file stays as
/// it was. Needs root and setpriv to become another user; skipped otherwise.
#[test]
fn a_read_only_database_opens_for_reading_and_refuses_changes() {
    let Some(prefix) = common::as_nobody() else {
        return;
    };
    let dir = common::shared_tempdir();
    let db = demo_db(dir.path());
    common::make_read_only(&db);
    let before = common::dump(&db);
    let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
    let mut s = Session::start_with(dir.path(), &db, &prefix);
    s.wait_for("read-only");
    s.send("d");
    s.send("u");
    s.wait_for("read-only");
    s.send("S");
    s.wait_any(&["answered", "median"]);
    s.send("q");
    assert!(s.wait_exit().success());
    assert_eq!(common::dump(&db), before, "the read-only file changed");
}

/// The screen opened while another rapport holds the whole file (an import into an
/// empty inbox, until it ends) says it waits, and opens the inbox once it is free.
#[test]
fn the_screen_waits_for_a_file_another_rapport_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let holder = Connection::open(&db).unwrap();
    holder
        .pragma_update(None, "journal_mode", "DELETE")
        .unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let mut s = Session::start(dir.path(), &db);
    s.wait_for("held by another rapport");
    s.wait_for("waiting for it");
    drop(holder);
    s.wait_for("open ·");
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

/// The undo-send window and delivery, as a person sees them: a reply taken back
/// within the window never reaches the sender; the next one goes out once, and the
/// outbox view shows it sent with the platform's link.
#[test]
fn a_reply_taken_back_never_leaves_and_the_next_one_is_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let log = dir.path().join("sender.log");
    let sender = dir.path().join("sender.sh");
    std::fs::write(
        &sender,
        format!(
            "#!/bin/sh\ncat >> '{}'\necho >> '{}'\necho '{{\"remote_id\": \"r-1\", \"url\": \"https://example.test/r/1\"}}'\n",
            log.display(),
            log.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sender, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config_dir = dir.path().join("config/rapport");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[delivery]\nundo_seconds = 2\n\n[senders.default]\ncommand = [\"{}\"]\ntimeout_secs = 10\n",
            sender.display()
        ),
    )
    .unwrap();
    let sent_before = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(sent_before.is_empty());

    let mut s = Session::start(dir.path(), &db);
    s.wait_for("→ enter:");
    s.send("r");
    s.wait_for("reply to @");
    s.send("First words, taken back at once.");
    s.send("\x13");
    s.wait_for("sending in 2 s");
    s.send("u");
    s.wait_for("undid reply");
    std::thread::sleep(Duration::from_secs(3));
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !log_text.contains("taken back"),
        "a taken-back reply left: {log_text}"
    );

    s.send("r");
    s.wait_for("reply to @");
    s.send("Second words, these go out.");
    s.send("\x13");
    s.wait_for("sending in 2 s");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("these go out")
    {
        assert!(Instant::now() < deadline, "the reply was never delivered");
        std::thread::sleep(Duration::from_millis(100));
    }
    s.send("O");
    s.wait_for("https://example.test/r/1");
    s.wait_for("sent");
    s.send("q");
    assert!(s.wait_exit().success());
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(log_text.matches("these go out").count(), 1, "{log_text}");
    assert!(!log_text.contains("taken back"), "{log_text}");
}

/// Two windows on one inbox: each undoes only its own actions; the second to open a
/// reply on an item is told another window is answering it and asked before sending;
/// a reply sent while an import holds the file waits in order, with later keys going
/// to the list, and arrives exactly as typed.
#[test]
fn two_windows_on_one_inbox_do_not_undo_or_answer_over_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = session_actions(&db).len();
    let mut a = Session::start(dir.path(), &db);
    let mut b = Session::start(dir.path(), &db);
    a.wait_for("→ enter:");
    b.wait_for("→ enter:");

    // Both open a reply on the top item: B is told A is on it.
    a.send("r");
    a.wait_for("reply to @");
    std::thread::sleep(Duration::from_millis(300));
    b.send("r");
    b.wait_for("another window is writing a reply");
    a.send("From window A.");
    a.send("\x13");
    a.wait_for("reply to @");
    b.send("From window B.");
    b.send("\x13");
    b.wait_for("Another window is writing a reply to this item");
    b.send("y");
    b.wait_for("answered already");
    b.send("n");
    b.send("\x1b");
    b.wait_any(&["Discard this reply?"]);
    b.send("y");

    // A dismisses the next item; B's undo does not touch it.
    a.send("d");
    a.wait_for("dismissed ");
    b.send("u");
    b.wait_for("nothing of yours to undo");

    // An import holds the write lock while A sends a reply.
    let mut holder = Connection::open(&db).unwrap();
    let lock = holder
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    a.send("r");
    a.wait_for("reply to @");
    a.send("Sent while the file was busy.");
    a.send("\x13");
    a.wait_for("your change waits");
    a.send("j");
    a.send("j");
    std::thread::sleep(Duration::from_millis(500));
    lock.rollback().unwrap();
    drop(holder);
    a.wait_for("reply to @");
    a.send("q");
    b.send("q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());

    let actions = session_actions(&db);
    let new: Vec<_> = actions[before..].to_vec();
    let kinds: Vec<&str> = new.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(kinds, ["reply", "dismiss", "reply"], "{new:?}");
    assert!(!new[1].2, "B's undo left A's dismiss alone");
    let conn = Connection::open(&db).unwrap();
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM actions WHERE kind = 'reply' ORDER BY id DESC LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(bodies, ["Sent while the file was busy.", "From window A."]);
}

/// Live accounts are pulled in the background while the app is open: new mentions
/// from a (local) Mastodon server appear with a notice, and `R` pulls at once.
#[test]
fn the_app_pulls_live_accounts_in_the_background() {
    let mock = mastodon_support::Mock::start();
    mock.add_mentions(4);
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let config_dir = dir.path().join("config/rapport");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"{}\"\ntoken_env = \"RAPPORT_TEST_MASTODON_TOKEN\"\ntimeout_secs = 5\n",
            mock.url
        ),
    )
    .unwrap();
    let envs = [("RAPPORT_TEST_MASTODON_TOKEN", mastodon_support::TOKEN)];
    let mut s = Session::start_full(dir.path(), &db, &[], &envs);
    s.wait_for("4 new from northwind");
    mock.add_mentions(2);
    s.send("R");
    s.wait_for("2 new from northwind");
    s.send("q");
    assert!(s.wait_exit().success());
    let pulled = common::count(
        &db,
        "SELECT COUNT(*) FROM mentions WHERE platform = 'mastodon'",
    );
    assert_eq!(pulled, 6);
}

/// Where the server streams, a streamed mention is pulled at once: with an hour
/// between polls, the new mentions show within moments of the event.
#[test]
fn a_streamed_mention_shows_without_waiting_for_the_next_poll() {
    let mock = mastodon_support::Mock::start();
    let sse = mastodon_support::stream::SseServer::start();
    mock.lock().streaming = Some(sse.ws_url.clone());
    mock.add_mentions(3);
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let config_dir = dir.path().join("config/rapport");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[pull]\nevery_secs = 3600\n[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"{}\"\ntoken_env = \"RAPPORT_TEST_MASTODON_TOKEN\"\ntimeout_secs = 5\n",
            mock.url
        ),
    )
    .unwrap();
    let envs = [("RAPPORT_TEST_MASTODON_TOKEN", mastodon_support::TOKEN)];
    let mut s = Session::start_full(dir.path(), &db, &[], &envs);
    s.wait_for("3 new from northwind");
    sse.wait_opened(1);
    mock.add_mentions(2);
    sse.send_mention("1");
    s.wait_for("2 new from northwind");
    s.send("q");
    assert!(s.wait_exit().success());
    let pulled = common::count(
        &db,
        "SELECT COUNT(*) FROM mentions WHERE platform = 'mastodon'",
    );
    assert_eq!(pulled, 5);
}
