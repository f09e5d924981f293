//! The store thread: the one owner of the app's connection. It runs commands in
//! order, each write in its own transaction, and answers with messages. Dropping the
//! command sender lets it finish what is queued (no reply is lost on quit) and stop.

use super::command::{Reply, StoreCmd};
use super::error::StoreError;
use crate::config::Config;
use crossbeam_channel::Receiver;
use rusqlite::Connection;
use std::thread::JoinHandle;

/// Actions the history lists.
const HISTORY_ROWS: usize = 50;
/// The outbox view: sent, failed and unknown actions of this many days...
const OUTBOX_DAYS: i64 = 7;
/// ... at most this many.
const OUTBOX_ROWS: i64 = 200;

/// The undo-send window, in seconds.
fn undo_secs(config: &Config) -> i64 {
    i64::try_from(config.delivery.undo_seconds).unwrap_or(i64::MAX)
}

/// Busy-timeout waits (5 s each) a write makes before it gives up: two minutes.
const WRITE_ATTEMPTS: u32 = 24;

/// Where the thread's replies go; it returns false once nobody listens.
pub trait Replies: Send + 'static {
    fn send(&self, reply: Reply) -> bool;
}

impl<F: Fn(Reply) -> bool + Send + 'static> Replies for F {
    fn send(&self, reply: Reply) -> bool {
        self(reply)
    }
}

impl Replies for crossbeam_channel::Sender<Reply> {
    fn send(&self, reply: Reply) -> bool {
        crossbeam_channel::Sender::send(self, reply).is_ok()
    }
}

/// Starts the thread; `clock` gives the current Unix time (tests pass a fixed one).
pub fn spawn(
    conn: Connection,
    config: Config,
    commands: Receiver<StoreCmd>,
    replies: impl Replies + Sync,
    clock: fn() -> i64,
) -> std::io::Result<JoinHandle<()>> {
    spawn_with_figures(conn, None, config, commands, replies, clock)
}

/// Whether a command only computes figures (the status refresh, the stats view): with
/// a second connection these run beside the screen's queries, never ahead of them.
fn is_figures(cmd: &StoreCmd) -> bool {
    matches!(cmd, StoreCmd::Refresh { .. } | StoreCmd::Stats { .. })
}

/// Opens the figures' own connection, on the store thread when the first figures are
/// asked for; None leaves them on the screen's connection.
pub type OpenFigures = Box<dyn FnOnce() -> Option<Connection> + Send>;

/// Starts the thread, and with `figures` (what opens a second connection to the same
/// file) a second thread that computes the figures on it, so a page or a detail never
/// waits behind a count. The connection is opened when the first figures are asked for
/// (after the first page): opening it parses the whole schema, which would otherwise
/// delay the first rows. Commands still start in the order sent: a refresh is handed
/// over only when everything before it is done, so it sees every earlier write.
pub fn spawn_with_figures(
    mut conn: Connection,
    figures: Option<OpenFigures>,
    config: Config,
    commands: Receiver<StoreCmd>,
    replies: impl Replies + Sync,
    clock: fn() -> i64,
) -> std::io::Result<JoinHandle<()>> {
    let replies = std::sync::Arc::new(replies);
    std::thread::Builder::new()
        .name("store".into())
        .spawn(move || {
            let mut cache = Cache::default();
            let mut open_figures = figures;
            let mut figures: Option<(crossbeam_channel::Sender<StoreCmd>, JoinHandle<()>)> = None;
            for cmd in commands {
                if is_figures(&cmd) {
                    if let Some(open) = open_figures.take() {
                        figures = open().and_then(|fconn| {
                            figures_thread(fconn, config.clone(), replies.clone(), clock)
                                .map_err(|e| {
                                    tracing::warn!("figures share the screen's connection: {e}")
                                })
                                .ok()
                        });
                    }
                }
                let cmd = match &figures {
                    Some((tx, _)) if is_figures(&cmd) => match tx.send(cmd) {
                        Ok(()) => continue,
                        Err(back) => back.0,
                    },
                    _ => cmd,
                };
                let loaded = run_patiently(&mut conn, &config, &mut cache, cmd, clock, &*replies);
                // The app may be gone already at shutdown; the write itself is done.
                replies.send(loaded);
            }
            // Let the figures thread finish what it was handed.
            if let Some((tx, handle)) = figures {
                drop(tx);
                let _ = handle.join();
            }
        })
}

/// The thread that computes the figures on their own connection.
fn figures_thread<R: Replies + Sync>(
    mut fconn: Connection,
    config: Config,
    replies: std::sync::Arc<R>,
    clock: fn() -> i64,
) -> std::io::Result<(crossbeam_channel::Sender<StoreCmd>, JoinHandle<()>)> {
    let (tx, rx) = crossbeam_channel::unbounded::<StoreCmd>();
    let handle = std::thread::Builder::new()
        .name("store-figures".into())
        .spawn(move || {
            let mut cache = Cache::default();
            for cmd in rx {
                let loaded = run_patiently(&mut fconn, &config, &mut cache, cmd, clock, &*replies);
                replies.send(loaded);
            }
        })?;
    Ok((tx, handle))
}

/// Runs `cmd`; a write that finds another writer holding the file (a long import)
/// waits for it rather than being refused, and says so once.
fn run_patiently(
    conn: &mut Connection,
    config: &Config,
    cache: &mut Cache,
    cmd: StoreCmd,
    clock: fn() -> i64,
    replies: &impl Replies,
) -> Reply {
    let is_write = matches!(
        cmd,
        StoreCmd::Write(_)
            | StoreCmd::Undo(_)
            | StoreCmd::Retry(_)
            | StoreCmd::CancelSend(_)
            | StoreCmd::MarkPosted(_)
            | StoreCmd::Bulk { .. }
    );
    let mut attempt = 0;
    loop {
        let error = match run(conn, config, cache, cmd.clone(), clock()) {
            Ok(loaded) => return loaded,
            Err(e) => StoreError::classify(e),
        };
        match error {
            // Each attempt has already waited the busy timeout.
            StoreError::Busy if is_write && attempt < WRITE_ATTEMPTS => {
                attempt += 1;
                if attempt == 1 {
                    replies.send(Reply::Notice(
                        "another process (an import?) is writing the database; your change waits for it…".into(),
                    ));
                }
            }
            StoreError::Busy if is_write => {
                return Reply::WriteFailed(
                    "the database stayed busy for two minutes (an import or another rapport is writing); nothing was changed, try again".into(),
                )
            }
            StoreError::Busy => {
                return Reply::Failed(
                    "the database is busy (an import or another rapport is writing); try again in a moment".into(),
                )
            }
            e if is_write => {
                tracing::warn!("store write failed: {e}");
                return Reply::WriteFailed(e.to_string());
            }
            e => {
                tracing::warn!("store command failed: {e}");
                return Reply::Failed(e.to_string());
            }
        }
    }
}

/// Runs `f` without waiting for another writer: None when the file is busy.
fn without_waiting<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> anyhow::Result<T>,
) -> anyhow::Result<Option<T>> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let result = f(conn).map_err(StoreError::classify);
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    match result {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::Busy | StoreError::ReadOnly) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What the store thread remembers between commands.
#[derive(Debug)]
pub struct Cache {
    /// The pace warning and the local day it was computed for: it only changes when
    /// the day does, and costs a scan of five weeks of replies.
    pace: Option<(i64, Option<crate::domain::warnings::PaceWarning>)>,
    /// This window's name in `claims` (process id and a random part).
    holder: String,
    /// Today's answers as last read, and when: (start of today, the file's data
    /// version, this connection's changes). A refresh every 5 s on a file nobody
    /// changed reads them again for nothing.
    answered: Option<((i64, i64, u64), super::warnings::Answered)>,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            pace: None,
            answered: None,
            holder: format!("{}-{:08x}", std::process::id(), fastrand::u32(..)),
        }
    }
}

impl Cache {
    /// The pace warning of `now`'s local day, computed at most once that day.
    fn pace(
        &mut self,
        conn: &Connection,
        config: &Config,
        now: i64,
    ) -> anyhow::Result<Option<crate::domain::warnings::PaceWarning>> {
        let today = super::warnings::today_start(config, now);
        if let Some((day, pace)) = &self.pace {
            if *day == today {
                return Ok(pace.clone());
            }
        }
        let pace = super::warnings::pace_warning(conn, config, now)?;
        self.pace = Some((today, pace.clone()));
        Ok(pace)
    }

    /// Today's answered items and medians, read again only when the file changed (by
    /// this connection or another) or the day turned.
    fn answered(
        &mut self,
        conn: &Connection,
        today_start: i64,
    ) -> anyhow::Result<super::warnings::Answered> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let key = (today_start, version, conn.total_changes());
        if let Some((k, answered)) = &self.answered {
            if *k == key {
                return Ok(*answered);
            }
        }
        let answered = super::warnings::today_medians(conn, today_start)?;
        self.answered = Some((key, answered));
        Ok(answered)
    }
}

/// Runs one command.
pub fn run(
    conn: &mut Connection,
    config: &Config,
    cache: &mut Cache,
    cmd: StoreCmd,
    now: i64,
) -> anyhow::Result<Reply> {
    use super::{actions, detail, inbox, people};
    Ok(match cmd {
        StoreCmd::Page(request) => {
            let rows = inbox::page(
                conn,
                &request.listing,
                request.from,
                request.dir,
                request.limit,
                now,
            )?;
            Reply::Page { request, rows }
        }
        StoreCmd::Detail(id) => {
            let mut found = detail::load(conn, id, now)?;
            if let Some(d) = found.as_mut() {
                d.answering_elsewhere =
                    super::claims::held_elsewhere(conn, id, &cache.holder, now)?;
            }
            Reply::Detail {
                id,
                detail: found.map(Box::new),
            }
        }
        // Claims are advisory: never worth waiting for another writer (the screen's
        // queries queue behind them); a busy file skips them until the next renewal.
        StoreCmd::Claim { mention_id, force } => {
            match without_waiting(conn, |c| {
                super::claims::claim(c, mention_id, &cache.holder, force, now)
            })? {
                Some(elsewhere) => Reply::Claimed {
                    mention_id,
                    elsewhere,
                },
                None => Reply::Nothing,
            }
        }
        StoreCmd::MarkPosted(id) => {
            let kind: Option<crate::domain::ActionKind> = conn
                .query_row("SELECT kind FROM actions WHERE id = ?1", [id], |r| r.get(0))
                .ok();
            let answers = kind.is_some_and(|k| config.response.counts.contains(&k));
            Reply::Notice(if super::outbox::mark_posted(conn, id, answers, now)? {
                "marked as posted by hand: sent".into()
            } else {
                "only a queued action can be marked as posted".into()
            })
        }
        StoreCmd::Release(mention_id) => {
            without_waiting(conn, |c| {
                super::claims::release(c, mention_id, &cache.holder)
            })?;
            Reply::Nothing
        }
        StoreCmd::Refresh { crossed_after } => {
            // A read-only file cannot wake anything; the screen still shows the rest.
            // Another writer (an import) holding the file only delays the waking to the
            // next refresh: it must not fail the refresh, or look like a lost change.
            if !conn.is_readonly(rusqlite::MAIN_DB)? {
                // Not worth waiting for: the screen's own queries queue behind it.
                without_waiting(conn, |c| inbox::keep_up(c, config, now))?;
            }
            let mut warnings = super::warnings::counts_with(conn, config, now, &mut |c, day| {
                cache.answered(c, day)
            })?;
            warnings.pace = cache.pace(conn, config, now)?;
            Reply::Refreshed {
                snoozed: inbox::snoozed_count(conn)?,
                warnings: Box::new(warnings),
                crossed: match crossed_after {
                    Some(after) => super::warnings::crossed(conn, after, now)?,
                    None => Vec::new(),
                },
                outbox: super::outbox::state(conn, undo_secs(config), now)?,
            }
        }
        StoreCmd::Stats { since } => {
            // No start: from the first message on.
            let since = match since {
                Some(s) => s,
                None => super::stats::first_mention_at(conn)?.unwrap_or(now),
            };
            // The days' rollups of the configured zone: built once, the first time. They
            // only make the view faster: a file that cannot be written now (read-only,
            // another window writing) is read from the hours, as exactly.
            let schedule = crate::domain::sla::Schedule::new(&config.working_hours);
            if let Err(e) = without_waiting(conn, |c| super::day_rollups::ensure(c, &schedule)) {
                tracing::info!("the stats' days are not built: {e:#}");
            }
            Reply::Stats(Box::new(super::report::report(conn, config, since, now)?))
        }
        StoreCmd::Write(write) => Reply::Written(actions::apply(conn, config, &write, now)?),
        StoreCmd::Undo(id) => Reply::Undone(actions::undo(conn, config, id, now)?),
        StoreCmd::History => Reply::History(super::undo::history(conn, HISTORY_ROWS)?),
        StoreCmd::Outbox => {
            Reply::Outbox(super::outbox::list(conn, OUTBOX_DAYS, OUTBOX_ROWS, now)?)
        }
        StoreCmd::Retry(id) => {
            let done = super::outbox::requeue(conn, id, now)?;
            Reply::Notice(if done {
                "queued again: it goes out with the next delivery".into()
            } else {
                "only a failed or unknown action can be retried".into()
            })
        }
        // Cancelling a send is its undo: the mention goes back to the queue.
        StoreCmd::CancelSend(id) => Reply::Undone(actions::undo_one(conn, config, id, now)?),
        StoreCmd::People(request) => Reply::People {
            rows: people::page(
                conn,
                request.listing.clone(),
                request.from,
                request.dir,
                request.limit,
                now,
                config.people.stale_after_days,
            )?,
            request,
        },
        StoreCmd::Bulk { targets, change } => Reply::Bulk(super::batch::apply(
            conn,
            config,
            &targets,
            &change,
            &cache.holder,
            now,
        )?),
        StoreCmd::Count(query) => {
            let targets = crate::domain::change::Targets::Matching(query.clone());
            let open = super::batch::count_open(conn, &targets, now)?;
            Reply::Counted { query, open }
        }
        StoreCmd::Tags => Reply::Tags(super::batch::tag_names(conn)?),
        StoreCmd::Export { targets, path } => {
            let n = super::batch::export(conn, &targets, &path, now)?;
            Reply::Notice(format!("wrote {n} items to {}", path.display()))
        }
        StoreCmd::Person(id) => {
            let card = detail::card(conn, id, now)?
                .ok_or_else(|| anyhow::anyhow!("person {id} is no longer in the database"))?;
            Reply::Person {
                card: Box::new(card),
                history: people::history(conn, id, 500)?,
            }
        }
    })
}
