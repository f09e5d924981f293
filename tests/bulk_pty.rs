//! The real binary in a pseudo-terminal: find items with a search, mark ten, dismiss
//! them with one confirmation, undo once, and find all ten back in the database.

mod common;

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 140;

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(dir: &Path, db: &Path) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_rapport"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.cwd(dir);
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
        let s = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
            }
        });
        Session {
            child,
            writer,
            screen,
            _master: pair.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

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

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys typed too close together can read as one sequence (Esc + key = Alt).
        std::thread::sleep(Duration::from_millis(120));
    }

    fn wait_exit(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                return;
            }
            assert!(Instant::now() < deadline, "rapport did not exit");
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

/// A word in at least 12 open items: the search that finds the ten.
fn searched_word(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM mentions WHERE status = 'open'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for b in &bodies {
        let words: std::collections::BTreeSet<String> = b
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 5)
            .map(str::to_lowercase)
            .collect();
        for w in words {
            *counts.entry(w).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 12)
        .min_by_key(|(_, n)| *n)
        .expect("a word in a dozen open items")
        .0
}

/// (mention id, status, undone) of the session's dismiss actions.
fn dismissed(db: &Path) -> Vec<(i64, String, bool)> {
    let conn = Connection::open(db).unwrap();
    let rows = conn
        .prepare(
            "SELECT a.mention_id, m.status, a.undone_at IS NOT NULL FROM actions a
         JOIN mentions m ON m.id = a.mention_id
         WHERE a.kind = 'dismiss' AND a.batch IS NOT NULL ORDER BY a.mention_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

#[test]
fn ten_items_found_by_a_search_are_dismissed_at_once_and_come_back_with_one_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inbox.db");
    // A busy inbox (generated mentions, most of them open), not the demo's morning.
    let file = dir.path().join("mentions.ndjson");
    let file_arg = file.to_str().unwrap();
    let out = common::rapport(
        dir.path(),
        &db,
        &["gen", "--count", "400", "--out", file_arg, "--seed", "7"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::rapport(dir.path(), &db, &["import", file_arg]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let word = searched_word(&db);
    let open_before: i64 =
        common::count(&db, "SELECT COUNT(*) FROM mentions WHERE status = 'open'");

    let mut s = Session::start(dir.path(), &db);
    s.wait_for("inbox ·");
    s.send("/");
    s.send(&format!("{word} status:open"));
    s.send("\r");
    s.wait_for("results ·");
    // A range of ten: v here, nine down, v.
    s.send("v");
    s.send("9j");
    s.send("v");
    s.wait_for("10 marked");
    s.send("d");
    s.wait_for("dismiss 10 items? y/n");
    s.send("y");
    s.wait_for("dismissed 10 items");
    let after = dismissed(&db);
    assert_eq!(after.len(), 10, "{after:?}");
    assert!(after
        .iter()
        .all(|(_, status, undone)| status == "done" && !undone));
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) FROM mentions WHERE status = 'open'"),
        open_before - 10
    );
    s.send("u");
    s.wait_for("undid dismiss of 10 items");
    s.send("q");
    s.wait_exit();

    let back = dismissed(&db);
    assert_eq!(
        back.iter().map(|r| r.0).collect::<Vec<_>>(),
        after.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert!(
        back.iter()
            .all(|(_, status, undone)| status == "open" && *undone),
        "{back:?}"
    );
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) FROM mentions WHERE status = 'open'"),
        open_before
    );
    // Each of the ten matches the search.
    let conn = Connection::open(&db).unwrap();
    for (id, _, _) in &back {
        let body: String = common::one(&conn, "SELECT body FROM mentions WHERE id = ?1", [id]);
        assert!(body.to_lowercase().contains(&word), "{id}: {body}");
    }
}
