//! The delivery loop and its thread. One run: resolve claims left by runs that are
//! gone, then claim, hand over and record due actions one at a time until none is
//! left that a sender can take. `rapport send` makes one run; the app keeps a thread
//! that runs whenever something becomes due.

use super::{backoff, Delivery, Senders};
use crate::config::delivery::Delivery as DeliveryConfig;
use crate::config::Config;
use crate::model::outbox::Waiting;
use crate::store::outbox::{self, Claim, Outcome, Recovered};
use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Seconds a claim outlives its sender's timeout before another run may resolve it.
const LEASE_MARGIN_SECS: i64 = 60;
/// The app's thread looks at the outbox at least this often.
const IDLE_POLL: Duration = Duration::from_secs(30);

/// What a run reports as it goes (to a progress bar, or the app's status bar).
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Claims left by a run that is gone were resolved.
    Recovered(Recovered),
    /// This many actions are due and have a sender.
    Due(u64),
    /// Handing `action_id` over.
    Sending { action_id: i64, platform: String },
    /// What became of it.
    Done {
        action_id: i64,
        platform: String,
        outcome: Outcome,
    },
    /// Every platform with due actions is at its per-minute limit until this time.
    Limited { until: i64 },
    /// The run is over.
    Finished(Summary),
}

/// The totals of a run and what it leaves behind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub sent: u64,
    pub failed: u64,
    /// Handed over with no answer (a crash or a timeout), this run or a gone one.
    pub unknown: u64,
    /// Temporary failures queued again for a later attempt.
    pub retrying: u64,
    /// Still in the outbox, per platform, with whether a sender exists for it.
    pub waiting: Vec<(Waiting, bool)>,
}

impl Summary {
    /// Whether everything due went out: nothing failed or unknown, nothing due left
    /// behind for want of a sender.
    pub fn all_sent(&self) -> bool {
        self.failed == 0 && self.unknown == 0
    }

    /// "sent 12, failed 1, unknown 0, waiting 3: no sender for twitter".
    pub fn line(&self) -> String {
        let waiting: u64 = self
            .waiting
            .iter()
            .map(|(w, _)| w.due + w.later + w.sending)
            .sum();
        let mut line = format!(
            "sent {}, failed {}, unknown {}, waiting {}",
            self.sent, self.failed, self.unknown, waiting
        );
        let mut reasons = Vec::new();
        for (w, has_sender) in &self.waiting {
            let platform = if w.platform.is_empty() {
                "(no platform)"
            } else {
                &w.platform
            };
            if !has_sender && w.due + w.later > 0 {
                reasons.push(format!("{} no sender for {platform}", w.due + w.later));
            } else {
                if w.due > 0 {
                    reasons.push(format!("{} at the per-minute limit on {platform}", w.due));
                }
                if w.later > 0 {
                    let when = w
                        .next_at
                        .map(|t| {
                            crate::store::from_secs(t)
                                .format(" (next %Y-%m-%d %H:%M:%S UTC)")
                                .to_string()
                        })
                        .unwrap_or_default();
                    reasons.push(format!(
                        "{} later on {platform}{when}: undo window or retry",
                        w.later
                    ));
                }
            }
            if w.sending > 0 {
                reasons.push(format!(
                    "{} being sent by another run on {platform}",
                    w.sending
                ));
            }
        }
        if !reasons.is_empty() {
            line.push_str(": ");
            line.push_str(&reasons.join("; "));
        }
        line
    }
}

/// Delivers due actions through its own connection.
pub struct Worker {
    conn: Connection,
    delivery: DeliveryConfig,
    /// The kinds whose sending answers a mention (`[response] counts`).
    answers: Vec<crate::domain::ActionKind>,
    senders: Senders,
    name: String,
    clock: Box<dyn Fn() -> i64 + Send>,
}

impl Worker {
    /// A worker on its own connection to `db`, with the senders of `config`.
    pub fn open(db: &Path, config: &Config) -> Result<Worker> {
        let conn = crate::store::open(db)?;
        Worker::new(conn, config, Senders::from_config(config))
    }

    /// A worker on `conn` with these senders (tests give their own).
    pub fn new(conn: Connection, config: &Config, senders: Senders) -> Result<Worker> {
        durable(&conn, true).context("configuring the delivery connection")?;
        Ok(Worker {
            conn,
            delivery: config.delivery.clone(),
            answers: config.response.counts.clone(),
            senders,
            name: worker_name(),
            clock: Box::new(unix_now),
        })
    }

    /// Uses `clock` for the current Unix time (tests pass a fixed one).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + 'static) -> Worker {
        self.clock = Box::new(clock);
        self
    }

    /// This worker's name in `claimed_by`: host/pid/random.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One run: recover, then deliver what is due. At a per-minute limit it waits
    /// when `wait_at_limit` (checking `stop`), and returns otherwise.
    pub fn run(
        &mut self,
        wait_at_limit: bool,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Summary> {
        let undo = self.delivery.undo_seconds as i64;
        let lease = self.senders.longest_timeout().as_secs() as i64 + LEASE_MARGIN_SECS;
        let mut summary = Summary::default();
        let senders = &self.senders;
        let recovered = outbox::recover(
            &mut self.conn,
            (self.clock)(),
            &|p| senders.get(p).is_some_and(|s| s.idempotent()),
            &|holder| holder_is_gone(holder, &self.name),
        )
        .context("resolving hand-overs interrupted by a stopped run")?;
        if recovered != Recovered::default() {
            summary.unknown += recovered.unknown;
            progress(Progress::Recovered(recovered));
        }
        let due: u64 = outbox::waiting(&self.conn, undo, (self.clock)())?
            .iter()
            .filter(|w| self.senders.get(&w.platform).is_some())
            .map(|w| w.due)
            .sum();
        progress(Progress::Due(due));
        while !stop.load(Ordering::Relaxed) {
            let now = (self.clock)();
            durable(&self.conn, true)?;
            let claim =
                outbox::claim_next(&mut self.conn, &self.senders, &self.name, undo, lease, now)
                    .context("claiming the next action to send")?;
            match claim {
                Claim::Got(action) => {
                    progress(Progress::Sending {
                        action_id: action.action_id,
                        platform: action.platform.clone(),
                    });
                    let outcome = match self.senders.get(&action.platform) {
                        Some(sender) => self.judge(sender.deliver(&action), action.attempts),
                        // The config changed under us: nothing was handed over.
                        None => Outcome::Retry {
                            error: format!("no sender for {}", action.platform),
                            at: now,
                        },
                    };
                    let done = (self.clock)();
                    durable(&self.conn, false)?;
                    match &outcome {
                        Outcome::Sent { .. } => summary.sent += 1,
                        Outcome::Retry { .. } => summary.retrying += 1,
                        Outcome::Failed { .. } => summary.failed += 1,
                        Outcome::Unknown { .. } => summary.unknown += 1,
                    }
                    let answers = self.answers.iter().any(|k| k.as_str() == action.kind);
                    let recorded = finish_patiently(
                        &self.conn,
                        action.action_id,
                        &self.name,
                        &outcome,
                        answers,
                        done,
                    )?;
                    if !recorded {
                        tracing::warn!(
                            action = action.action_id,
                            "the claim was resolved by another run before this one finished"
                        );
                    }
                    progress(Progress::Done {
                        action_id: action.action_id,
                        platform: action.platform,
                        outcome,
                    });
                }
                Claim::Limited { until } if wait_at_limit => {
                    progress(Progress::Limited { until });
                    let wait = (until - now).clamp(1, outbox::WINDOW_SECS);
                    for _ in 0..wait * 10 {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
                Claim::Limited { .. } | Claim::Nothing => break,
            }
        }
        let now = (self.clock)();
        summary.waiting = outbox::waiting(&self.conn, undo, now)?
            .into_iter()
            .map(|w| {
                let has = self.senders.get(&w.platform).is_some();
                (w, has)
            })
            .collect();
        progress(Progress::Finished(summary.clone()));
        Ok(summary)
    }

    /// When the next queued action becomes due, if any (for the app's thread).
    pub fn next_due(&self) -> Result<Option<i64>> {
        let undo = self.delivery.undo_seconds as i64;
        let now = (self.clock)();
        Ok(outbox::waiting(&self.conn, undo, now)?
            .iter()
            .filter(|w| self.senders.get(&w.platform).is_some())
            .filter_map(|w| if w.due > 0 { Some(now) } else { w.next_at })
            .min())
    }

    /// A sender's answer as the state to record, with retries and their backoff.
    fn judge(&self, delivery: Delivery, attempts: i64) -> Outcome {
        let now = (self.clock)();
        match delivery {
            Delivery::Sent { remote_id, url } => Outcome::Sent { remote_id, url },
            Delivery::Temporary { error, retry_after } => {
                if attempts >= i64::from(self.delivery.max_attempts) {
                    Outcome::Failed {
                        error: format!("gave up after {attempts} attempts: {error}"),
                    }
                } else {
                    let wait = retry_after.map(|d| d.as_secs()).unwrap_or_else(|| {
                        backoff(
                            attempts,
                            self.delivery.backoff_seconds,
                            self.delivery.max_backoff_seconds,
                            fastrand::f64(),
                        )
                    });
                    Outcome::Retry {
                        error,
                        at: now + wait as i64,
                    }
                }
            }
            Delivery::Failed(error) => Outcome::Failed { error },
            Delivery::Unknown(error) => Outcome::Unknown { error },
        }
    }
}

/// A claim must survive a power cut, not only a crash: a `sending` lost with the
/// page cache would let the action be handed over again, so the claim's commit waits
/// for the disk (`synchronous = FULL`). An outcome lost that way only leaves the
/// claim to become `unknown`, never sent twice, and the next claim's sync carries it
/// to disk anyway (the WAL is written in order): one sync per action instead of two.
fn durable(conn: &Connection, full: bool) -> Result<()> {
    conn.pragma_update(None, "synchronous", if full { "FULL" } else { "NORMAL" })
        .context("setting the delivery connection's durability")
}

/// Records an outcome, waiting out another process's lock rather than losing it:
/// an outcome not written leaves the action `sending`, to become `unknown`.
fn finish_patiently(
    conn: &Connection,
    action_id: i64,
    worker: &str,
    outcome: &Outcome,
    answers: bool,
    now: i64,
) -> Result<bool> {
    let mut tries = 0;
    loop {
        match outbox::finish(conn, action_id, worker, outcome, answers, now) {
            Ok(done) => return Ok(done),
            Err(e) if tries < 12 && is_busy(&e) => tries += 1,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("recording what became of action {action_id}"))
            }
        }
    }
}

fn is_busy(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<rusqlite::Error>(),
        Some(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The current Unix time in seconds.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn worker_name() -> String {
    format!(
        "{}/{}/{:016x}",
        hostname(),
        std::process::id(),
        fastrand::u64(..)
    )
}

/// Whether the run named `holder` is certainly gone: a process of this host that no
/// longer exists (or is a zombie). Anything else waits for its lease to run out.
fn holder_is_gone(holder: &str, me: &str) -> bool {
    if holder == me {
        return false;
    }
    let mut parts = holder.splitn(3, '/');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<i32>() else {
        return false;
    };
    if host != hostname() || pid <= 0 || pid == std::process::id() as i32 {
        return false;
    }
    #[cfg(target_os = "linux")]
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // "pid (comm) S ...": the state follows the last ')'.
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.split_whitespace().next());
        return matches!(state, Some("Z") | Some("X"));
    }
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        !alive
    }
    #[cfg(not(unix))]
    false
}

/// A running delivery thread.
pub struct WorkerHandle {
    wake: crossbeam_channel::Sender<()>,
    stop: Arc<AtomicBool>,
    join: JoinHandle<()>,
}

impl WorkerHandle {
    /// Looks at the outbox now (after the app queued something).
    pub fn wake(&self) {
        let _ = self.wake.try_send(());
    }

    /// Asks the thread to stop after the hand-over in progress, without waiting.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.wake.try_send(());
    }

    /// Stops after the hand-over in progress (bounded by its sender's timeout).
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.wake.try_send(());
        let _ = self.join.join();
    }

    /// Whether the thread has ended (a one-shot run is over, or it failed).
    pub fn is_finished(&self) -> bool {
        self.join.is_finished()
    }

    /// Waits for the thread to end.
    pub fn join(self) {
        let _ = self.join.join();
    }
}

/// Starts the app's delivery thread on its own connection to `db`: it runs whenever
/// something is due (or on [`WorkerHandle::wake`]) and reports through `on_progress`.
/// An error (the database unreadable, say) is reported and retried a minute later.
pub fn spawn(
    db: PathBuf,
    config: Config,
    on_progress: impl FnMut(Progress) + Send + 'static,
    on_error: impl Fn(String) + Send + 'static,
) -> Result<WorkerHandle> {
    start(db, config, false, on_progress, on_error)
}

/// Starts one run on its own thread (what `rapport send` does): it delivers what is
/// due, waiting at per-minute limits, reports `Finished`, and ends.
pub fn spawn_once(
    db: PathBuf,
    config: Config,
    on_progress: impl FnMut(Progress) + Send + 'static,
    on_error: impl Fn(String) + Send + 'static,
) -> Result<WorkerHandle> {
    start(db, config, true, on_progress, on_error)
}

fn start(
    db: PathBuf,
    config: Config,
    once: bool,
    mut on_progress: impl FnMut(Progress) + Send + 'static,
    on_error: impl Fn(String) + Send + 'static,
) -> Result<WorkerHandle> {
    let (wake, woken) = crossbeam_channel::bounded::<()>(1);
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let join = std::thread::Builder::new()
        .name("delivery".into())
        .spawn(move || loop {
            let result = (|| -> Result<()> {
                let mut worker = Worker::open(&db, &config)?;
                if once {
                    worker.run(true, &stopping, &mut on_progress)?;
                    return Ok(());
                }
                loop {
                    worker.run(false, &stopping, &mut on_progress)?;
                    if !idle(&worker, &woken, &stopping)? {
                        return Ok(());
                    }
                }
            })();
            let Err(e) = result else { return };
            tracing::error!("delivery: {e:#}");
            on_error(format!("{e:#}"));
            // The app's outbox keeps moving once the problem clears.
            if once
                || stopping.load(Ordering::Relaxed)
                || matches!(
                    woken.recv_timeout(Duration::from_secs(60)),
                    Err(RecvTimeoutError::Disconnected)
                )
            {
                return;
            }
        })
        .context("starting the delivery thread")?;
    Ok(WorkerHandle { wake, stop, join })
}

/// Waits until the next action is due, a wake, or the poll interval; false to stop.
fn idle(worker: &Worker, woken: &Receiver<()>, stop: &AtomicBool) -> Result<bool> {
    let now = (worker.clock)();
    let wait = match worker.next_due()? {
        Some(at) => Duration::from_secs((at - now).clamp(1, IDLE_POLL.as_secs() as i64) as u64),
        None => IDLE_POLL,
    };
    match woken.recv_timeout(wait) {
        Ok(()) | Err(RecvTimeoutError::Timeout) => Ok(!stop.load(Ordering::Relaxed)),
        Err(RecvTimeoutError::Disconnected) => Ok(false),
    }
}
