//! The store thread: the one owner of the app's connection. It runs commands in
//! order, each write in its own transaction, and answers with messages. Dropping the
//! command sender lets it finish what is queued (no reply is lost on quit) and stop.

use super::command::{Reply, StoreCmd};
use super::error::StoreError;
use crate::config::Config;
use crossbeam_channel::Receiver;
use rusqlite::Connection;
use std::thread::JoinHandle;

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
    mut conn: Connection,
    config: Config,
    commands: Receiver<StoreCmd>,
    replies: impl Replies,
    clock: fn() -> i64,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("store".into())
        .spawn(move || {
            let mut cache = Cache::default();
            for cmd in commands {
                let loaded = run_patiently(&mut conn, &config, &mut cache, cmd, clock, &replies);
                // The app may be gone already at shutdown; the write itself is done.
                replies.send(loaded);
            }
        })
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
    let is_write = matches!(cmd, StoreCmd::Write(_) | StoreCmd::Undo);
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
            StoreError::Busy => {
                return Reply::Failed(
                    "the database stayed busy for two minutes (an import or another rapport is writing); nothing was changed, try again".into(),
                )
            }
            e => {
                tracing::warn!("store command failed: {e}");
                return Reply::Failed(e.to_string());
            }
        }
    }
}

/// What the store thread remembers between commands.
#[derive(Debug, Default)]
pub struct Cache {
    /// The pace warning and the local day it was computed for: it only changes when
    /// the day does, and costs a scan of five weeks of replies.
    pace: Option<(i64, Option<crate::domain::warnings::PaceWarning>)>,
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
        StoreCmd::Detail(id) => Reply::Detail {
            id,
            detail: detail::load(conn, id, now)?.map(Box::new),
        },
        StoreCmd::Refresh { crossed_after } => {
            // A read-only file cannot wake anything; the screen still shows the rest.
            if !conn.is_readonly(rusqlite::MAIN_DB)? {
                inbox::keep_up(conn, config, now)?;
            }
            let mut warnings = super::warnings::counts(conn, config, now)?;
            warnings.pace = cache.pace(conn, config, now)?;
            Reply::Refreshed {
                snoozed: inbox::snoozed_count(conn)?,
                warnings: Box::new(warnings),
                crossed: match crossed_after {
                    Some(after) => super::warnings::crossed(conn, after, now)?,
                    None => Vec::new(),
                },
            }
        }
        StoreCmd::Stats { since } => {
            Reply::Stats(Box::new(super::report::report(conn, config, since, now)?))
        }
        StoreCmd::Write(write) => Reply::Written(actions::apply(conn, config, &write, now)?),
        StoreCmd::Undo => Reply::Undone(actions::undo(conn, config, now)?),
        StoreCmd::People(request) => Reply::People {
            rows: people::page(
                conn,
                request.listing,
                request.from,
                request.dir,
                request.limit,
                now,
                config.people.stale_after_days,
            )?,
            request,
        },
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
