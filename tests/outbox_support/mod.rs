//! Shared by the delivery tests: a real database file with mentions to answer, fake
//! sender programs written as `sh` scripts (each appends the idempotency key it
//! received to a log), and a config pointing at them.

#![allow(dead_code)]

use rapport::config::Config;
use rapport::domain::change::{Outcome, Write};
use rapport::domain::ActionKind;
use rapport::store::actions::apply;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-11-23 10:00 UTC.
pub const NOW: i64 = 1_795_428_000;

/// A temp folder with a database and a place for scripts and their logs.
pub struct Bed {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Bed {
    pub fn new() -> Bed {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("rapport.db");
        drop(rapport::store::open(&db).unwrap());
        Bed { dir, db }
    }

    pub fn conn(&self) -> Connection {
        rapport::store::open(&self.db).unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes an executable `sh` script `name` whose body runs after `key` holds the
    /// idempotency key read from stdin (and `$input` the whole JSON) and the key was
    /// appended to `name.log`. Cut-off input (rapport killed while writing it) is not
    /// an action: the script refuses it, as a real sender would.
    pub fn sender(&self, name: &str, body: &str) -> PathBuf {
        let path = self.path(name);
        let log = self.path(&format!("{name}.log"));
        let script = format!(
            "#!/bin/sh\ninput=$(cat)\nkey=$(printf '%s' \"$input\" | sed -n 's/.*\"idempotency_key\":\"\\([^\"]*\\)\".*/\\1/p')\n[ -n \"$key\" ] || {{ echo 'no action on stdin' >&2; exit 64; }}\nprintf '%s\\n' \"$key\" >> '{}'\n{body}\n",
            log.display()
        );
        std::fs::write(&path, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path
    }

    /// The keys `name` logged, in order.
    pub fn log(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.path(&format!("{name}.log")))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// A config file with `extra` TOML, written next to the database.
    pub fn config_file(&self, toml: &str) -> PathBuf {
        let path = self.path("config.toml");
        std::fs::write(&path, toml).unwrap();
        path
    }

    /// Runs the real binary with this database and config.
    pub fn rapport(&self, args: &[&str], config: &Path) -> Output {
        self.command(args, config).output().unwrap()
    }

    pub fn command(&self, args: &[&str], config: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
        c.arg("--db")
            .arg(&self.db)
            .arg("--config")
            .arg(config)
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("RAPPORT_DB")
            .env_remove("RAPPORT_CONFIG");
        c
    }
}

/// The config of `toml` over the defaults.
pub fn config(toml: &str) -> Config {
    rapport::config::load_str(toml, "test.toml").unwrap()
}

/// `[senders.PLATFORM]` running `program`.
pub fn sender_toml(platform: &str, program: &Path, timeout: u64, idempotent: bool) -> String {
    format!(
        "[senders.{platform}]\ncommand = [\"{}\"]\ntimeout_secs = {timeout}\nidempotent = {idempotent}\n",
        program.display()
    )
}

/// Adds `n` open mentions on `platform` (from n people) and queues a reply to each
/// through the app's own write path, at `at`. Returns the action ids.
pub fn queue_replies(conn: &mut Connection, platform: &str, n: usize, at: i64) -> Vec<i64> {
    let config = Config::defaults();
    let base: i64 = conn
        .query_row("SELECT COALESCE(MAX(id), 0) FROM mentions", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let n = base + i as i64 + 1;
        conn.execute(
            "INSERT INTO people (platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![platform, format!("u{n}"), format!("person{n}"), at - 3600],
        )
        .unwrap();
        let person = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO mentions (platform, external_id, kind, author_id, account, body, url,
                                   created_at, imported_at, due_at, rank)
             VALUES (?1, ?2, 'mention', ?3, 'northwind', 'is it in stock?', ?4, ?5, ?5, ?6, ?6)",
            params![
                platform,
                format!("m{n}"),
                person,
                format!("https://{platform}.example/m{n}"),
                at - 600,
                at + 3000
            ],
        )
        .unwrap();
        let mention = conn.last_insert_rowid();
        let outcome = apply(
            conn,
            &config,
            &Write::Reply {
                mention_id: mention,
                kind: ActionKind::Reply,
                body: format!("Yes, number {n} is back on Friday"),
                force: true,
            },
            at,
        )
        .unwrap();
        assert!(matches!(outcome, Outcome::Applied { .. }), "{outcome:?}");
        ids.push(conn.last_insert_rowid());
    }
    ids
}

/// state -> count of reply/thank/like actions.
pub fn states(conn: &Connection) -> BTreeMap<String, i64> {
    conn.prepare("SELECT state, COUNT(*) FROM actions GROUP BY state")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// (id, state, key, attempts, last_error, remote_id, remote_url) of an action.
pub type Row = (
    i64,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn row(conn: &Connection, id: i64) -> Row {
    conn.query_row(
        "SELECT id, state, idempotency_key, attempts, last_error, remote_id, remote_url
         FROM actions WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        },
    )
    .unwrap()
}

/// Every action's (state, key).
pub fn all(conn: &Connection) -> Vec<(i64, String, String)> {
    conn.prepare(
        "SELECT id, state, idempotency_key FROM actions WHERE kind IN ('reply','thank','like') ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}
