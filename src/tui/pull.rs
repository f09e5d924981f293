//! The app's pull thread: every `[pull] every_secs` (and when `R` asks) it pulls each
//! account on its own connection, so new mentions arrive without freezing the screen.
//! The screen is told what came ("4 new from northwind") or what went wrong.

use crate::app::Msg;
use crate::config::Config;
use crate::model::outbox::News;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A running pull thread; dropping it ends the thread after the pull in progress.
pub struct Puller {
    now: Sender<()>,
}

impl Puller {
    /// Pull every account now (the `R` key).
    pub fn pull_now(&self) {
        let _ = self.now.try_send(());
    }
}

/// Starts pulling from the configured accounts into `db`; None without accounts.
pub fn start(db: &Path, config: &Config, tx: &Sender<Msg>) -> Option<Puller> {
    if config.accounts.is_empty() {
        return None;
    }
    let (now, asked) = crossbeam_channel::bounded::<()>(1);
    let (db, config, to_app) = (db.to_path_buf(), config.clone(), tx.clone());
    let started = std::thread::Builder::new()
        .name("pull".into())
        .spawn(move || run(db, config, asked, to_app));
    match started {
        Ok(_) => Some(Puller { now }),
        Err(e) => {
            let _ = tx.send(Msg::Delivery(News::Trouble(format!(
                "the pull thread did not start ({e}); `rapport pull` still works"
            ))));
            None
        }
    }
}

fn run(db: PathBuf, config: Config, asked: Receiver<()>, tx: Sender<Msg>) {
    let every = Duration::from_secs(config.pull.every_secs.max(1));
    // One connection for the thread's life, opened again only after a failure.
    let mut conn = None;
    loop {
        let said = pull_all(&db, &config, &mut conn);
        if tx.send(Msg::Pulled(said)).is_err() {
            return; // The app is gone.
        }
        match asked.recv_timeout(every) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// One pull of every account: a line for each that brought something or failed.
fn pull_all(
    db: &Path,
    config: &Config,
    conn: &mut Option<crate::store::Connection>,
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
