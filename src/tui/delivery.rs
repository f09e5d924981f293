//! The app's delivery thread: started beside the store thread on its own connection,
//! its progress turned into `Msg::Delivery` news for the screen.

use crate::app::Msg;
use crate::config::Config;
use crate::delivery::{Progress, WorkerHandle};
use crate::model::outbox::News;
use crate::store::outbox::Outcome;
use crossbeam_channel::Sender;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long quitting waits for a hand-over in progress before leaving it to the
/// next run (which resolves it: never lost, never sent twice).
const STOP_WAIT: Duration = Duration::from_secs(3);

/// Starts delivering from `db`; None (and a notice) when the thread cannot start.
pub fn start(db: &Path, config: &Config, tx: &Sender<Msg>) -> Option<WorkerHandle> {
    let progress = tx.clone();
    let errors = tx.clone();
    let started = crate::delivery::spawn(
        db.to_path_buf(),
        config.clone(),
        move |p| {
            if let Some(news) = news(p) {
                let _ = progress.send(Msg::Delivery(news));
            }
        },
        move |e| {
            let _ = errors.send(Msg::Delivery(News::Trouble(e)));
        },
    );
    match started {
        Ok(handle) => Some(handle),
        Err(e) => {
            let _ = tx.send(Msg::Delivery(News::Trouble(format!(
                "the delivery thread did not start ({e:#}); replies wait in the outbox for `rapport send`"
            ))));
            None
        }
    }
}

/// Stops the thread, waiting a little for a hand-over in progress.
pub fn stop(handle: WorkerHandle) {
    let deadline = Instant::now() + STOP_WAIT;
    handle.request_stop();
    while !handle.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if handle.is_finished() {
        handle.join();
    }
}

/// What the screen is told of a progress step.
fn news(p: Progress) -> Option<News> {
    let Progress::Done {
        action_id,
        platform,
        outcome,
    } = p
    else {
        return None;
    };
    Some(match outcome {
        Outcome::Sent { url, .. } => News::Sent {
            action_id,
            platform,
            url,
        },
        Outcome::Retry { error, at } => News::Retrying {
            action_id,
            platform,
            error,
            at,
        },
        Outcome::Failed { error } => News::Failed {
            action_id,
            platform,
            error,
        },
        Outcome::Unknown { error } => News::Unknown {
            action_id,
            platform,
            error,
        },
    })
}
