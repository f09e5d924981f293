//! The app's pull thread: every `[pull] every_secs` (and when `R` asks) it pulls each
//! account on its own connection, so new mentions arrive without freezing the screen.
//! The screen is told what came ("4 new from northwind") or what went wrong.
//!
//! Where an account's server streams (Mastodon's user stream), a watcher thread per
//! account listens, and a streamed mention asks this thread to pull that account at
//! once: new mentions show within a second instead of at the next poll. The stream
//! only rings the bell; the pull from the stored cursor brings the mentions, so a
//! stream that is down (refused, dropped, silent) costs nothing but speed: polling
//! goes on at `every_secs` all along, and the watcher tries the stream again later.

use crate::app::Msg;
use crate::config::Config;
use crate::model::outbox::News;
use crate::platforms::{Heard, Timing};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the pull thread is asked to pull: every account, or one by name.
type Wanted = Option<String>;

/// A running pull thread; dropping it ends the thread after the pull in progress,
/// and the stream watchers at their next heartbeat or retry.
pub struct Puller {
    now: Sender<Wanted>,
    stop: Arc<AtomicBool>,
}

impl Puller {
    /// Pull every account now (the `R` key).
    pub fn pull_now(&self) {
        let _ = self.now.send(None);
    }
}

impl Drop for Puller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the pull thread so it sees the stop (the watchers hold senders too).
        let _ = self.now.send(None);
    }
}

/// Starts pulling from the configured accounts into `db`; None without accounts.
pub fn start(db: &Path, config: &Config, tx: &Sender<Msg>) -> Option<Puller> {
    start_with(db, config, tx, Timing::default())
}

/// [`start`] with the streams' silence limit and retry pauses given (tests shorten them).
pub fn start_with(db: &Path, config: &Config, tx: &Sender<Msg>, timing: Timing) -> Option<Puller> {
    if config.accounts.is_empty() {
        return None;
    }
    let (now, asked) = crossbeam_channel::unbounded::<Wanted>();
    let stop = Arc::new(AtomicBool::new(false));
    let (db, pull_config, to_app) = (db.to_path_buf(), config.clone(), tx.clone());
    let started = std::thread::Builder::new().name("pull".into()).spawn({
        let stop = stop.clone();
        move || run(db, pull_config, asked, to_app, &stop)
    });
    if let Err(e) = started {
        let _ = tx.send(Msg::Delivery(News::Trouble(format!(
            "the pull thread did not start ({e}); `rapport pull` still works"
        ))));
        return None;
    }
    for account in config
        .accounts
        .iter()
        .filter(|a| crate::platforms::has_stream(a))
    {
        let (account, timing, ring, stop) =
            (account.clone(), timing.clone(), now.clone(), stop.clone());
        let watching = std::thread::Builder::new()
            .name(format!("stream {}", account.name))
            .spawn(move || {
                crate::platforms::watch(&account, &timing, &mut |heard| {
                    if heard == Heard::Mention {
                        let _ = ring.send(Some(account.name.clone()));
                    }
                    !stop.load(Ordering::Relaxed)
                })
            });
        if let Err(e) = watching {
            // Polling still brings everything; only the speed-up is lost.
            tracing::warn!("the stream watcher did not start: {e}");
        }
    }
    Some(Puller { now, stop })
}

fn run(db: PathBuf, config: Config, asked: Receiver<Wanted>, tx: Sender<Msg>, stop: &AtomicBool) {
    let every = Duration::from_secs(config.pull.every_secs.max(1));
    // One connection for the thread's life, opened again only after a failure.
    let mut conn = None;
    let mut only: Option<BTreeSet<String>> = None;
    let mut next_poll = Instant::now();
    loop {
        let said = pull_all(&db, &config, &mut conn, only.as_ref());
        if tx.send(Msg::Pulled(said)).is_err() {
            return; // The app is gone.
        }
        // The poll of every account keeps its own rhythm: pulls of one streamed
        // account in between must not put off the others' turn.
        if only.is_none() {
            next_poll = Instant::now() + every;
        }
        let wait = next_poll.saturating_duration_since(Instant::now());
        let first = match asked.recv_timeout(wait) {
            Ok(wanted) => wanted,
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        // Everything asked meanwhile is served by one pass: a burst of streamed
        // mentions is one pull, and any request for all accounts covers the rest.
        let mut names = BTreeSet::new();
        let mut all = false;
        for wanted in std::iter::once(first).chain(asked.try_iter()) {
            match wanted {
                Some(name) => {
                    names.insert(name);
                }
                None => all = true,
            }
        }
        only = if all { None } else { Some(names) };
    }
}

/// One pull of every account: a line for each that brought something or failed.
fn pull_all(
    db: &Path,
    config: &Config,
    conn: &mut Option<crate::store::Connection>,
    only: Option<&BTreeSet<String>>,
) -> Vec<(String, Result<u64, String>)> {
    if conn.is_none() {
        match crate::store::open(db) {
            Ok(c) => *conn = Some(c),
            Err(e) => return vec![("pull".into(), Err(format!("{e:#}")))],
        }
    }
    let Some(conn) = conn.as_mut() else {
        return Vec::new();
    };
    let mut said = Vec::new();
    for account in &config.accounts {
        if only.is_some_and(|names| !names.contains(&account.name)) {
            continue;
        }
        let result = crate::platforms::connect(account)
            .map_err(anyhow::Error::from)
            .and_then(|mut platform| {
                crate::platforms::pull_account(
                    conn,
                    config,
                    account,
                    platform.as_mut(),
                    &mut |_| {},
                )
            });
        said.push((
            account.name.clone(),
            result.map(|s| s.added).map_err(|e| format!("{e:#}")),
        ));
    }
    said
}
