//! `cargo bench --bench pull`: what pulling costs, start to exit of the real
//! `rapport pull`, against the tests' local servers (answering as Mastodon's
//! notifications API and Bluesky's listNotifications do) each holding 10,000
//! mentions:
//!
//! - the first pull, into a fresh database: every notification, page by page
//!   (Mastodon 80 a page, Bluesky 100 and its followers 25 people a call);
//! - a second pull into the same database, with nothing new: one page.
//!
//! One `name: value` line per figure, each the median of 3 runs. The servers run in
//! this process, so their own work (building and serializing each page) is in the
//! figures: they are an upper bound on rapport's own cost per notification.

// Both servers bring the tests' listener helper (tests/common/loopback.rs), each its
// own copy: two copies of one small function, so the lint against it is off here.
#![allow(clippy::duplicate_mod)]

#[path = "../tests/bluesky_support/mod.rs"]
mod bluesky_support;
#[path = "../tests/mastodon_support/mod.rs"]
mod mastodon_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOTIFICATIONS: usize = 10_000;
const RUNS: usize = 3;

/// A fresh folder holding the config (one account on `platform`'s server), the
/// database and the state (Bluesky's session cache).
struct Bed {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Bed {
    fn new(account: &str) -> Bed {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, account).expect("config");
        Bed { dir, config }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("rapport.db")
    }

    /// Runs `rapport pull`, start to exit, and checks what it said.
    fn pull(&self, secret: (&str, &str), said: &str) -> Duration {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
        cmd.arg("pull")
            .env("RAPPORT_DB", self.db())
            .env("RAPPORT_CONFIG", &self.config)
            .env(secret.0, secret.1)
            .env_remove("RAPPORT_LOG")
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .stdin(Stdio::null());
        let started = Instant::now();
        let out = cmd.output().expect("run rapport pull");
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout == said,
            "expected {said:?}, got {stdout:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        took
    }
}

fn mentions(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("SELECT COUNT(*) FROM mentions", [], |r| r.get(0))
        .expect("count")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One platform: `account` is its `[[accounts]]` entry, `secret` the variable it
/// names and its value, `name` the account's name as `rapport pull` prints it.
fn measure(platform: &str, account: &str, secret: (&str, &str), name: &str, pages: usize) {
    let (mut first, mut again) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let bed = Bed::new(account);
        first.push(bed.pull(
            secret,
            &format!("{name}: {NOTIFICATIONS} new ({pages} pages)\n"),
        ));
        assert_eq!(mentions(&bed.db()), NOTIFICATIONS as i64);
        again.push(bed.pull(secret, &format!("{name}: 0 new (1 page)\n")));
    }
    let (first, again) = (median(first), median(again));
    let secs = first.as_secs_f64();
    println!("{platform} first pull of {NOTIFICATIONS}, seconds: {secs:.2}");
    println!(
        "{platform} first pull, notifications per second: {:.0}",
        NOTIFICATIONS as f64 / secs
    );
    println!(
        "{platform} first pull, ms per notification: {:.3}",
        secs * 1e3 / NOTIFICATIONS as f64
    );
    println!(
        "{platform} pull with nothing new, seconds: {:.3}",
        again.as_secs_f64()
    );
}

fn main() {
    let mock = mastodon_support::Mock::start();
    mock.add_mentions(NOTIFICATIONS);
    let mastodon = format!(
        "[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"{}\"\ntoken_env = \"RAPPORT_BENCH_MASTODON_TOKEN\"\n",
        mock.url
    );
    measure(
        "mastodon",
        &mastodon,
        ("RAPPORT_BENCH_MASTODON_TOKEN", mastodon_support::TOKEN),
        "northwind",
        NOTIFICATIONS.div_ceil(80) + 1,
    );
    drop(mock);

    let pds = bluesky_support::Pds::start();
    pds.add(NOTIFICATIONS, "mention");
    let bluesky = format!(
        "[[accounts]]\nname = \"northwind-bsky\"\nplatform = \"bluesky\"\nserver = \"{}\"\nhandle = \"{}\"\npassword_env = \"RAPPORT_BENCH_BLUESKY_APP_PASSWORD\"\n",
        pds.url,
        bluesky_support::OUR_HANDLE
    );
    measure(
        "bluesky",
        &bluesky,
        (
            "RAPPORT_BENCH_BLUESKY_APP_PASSWORD",
            bluesky_support::PASSWORD,
        ),
        "northwind-bsky",
        NOTIFICATIONS.div_ceil(100),
    );
}
