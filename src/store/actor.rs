//! The store thread: the one owner of the app's connection. It runs commands in
//! order, each write in its own transaction, and answers with messages. Dropping the
//! command sender lets it finish what is queued (no reply is lost on quit) and stop.

use crate::app::msg::{Loaded, Msg, StoreCmd};
use crate::config::Config;
use crossbeam_channel::{Receiver, Sender};
use rusqlite::Connection;
use std::thread::JoinHandle;

/// Starts the thread; `clock` gives the current Unix time (tests pass a fixed one).
pub fn spawn(
    mut conn: Connection,
    config: Config,
    commands: Receiver<StoreCmd>,
    replies: Sender<Msg>,
    clock: fn() -> i64,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("store".into())
        .spawn(move || {
            for cmd in commands {
                let now = clock();
                let loaded = run(&mut conn, &config, cmd, now).unwrap_or_else(|e| {
                    tracing::warn!("store command failed: {e:#}");
                    Loaded::Failed(explain(&e))
                });
                // The app may be gone already at shutdown; the write itself is done.
                let _ = replies.send(Msg::Loaded(loaded));
            }
        })
}

/// An error in words for the status bar.
fn explain(e: &anyhow::Error) -> String {
    let busy = e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>().is_some_and(|r| {
            matches!(
                r.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
        })
    });
    if busy {
        "the database is busy (an import or another rapport is writing); nothing was changed, try again in a moment".into()
    } else {
        format!("{e:#}")
    }
}

/// Runs one command.
pub fn run(
    conn: &mut Connection,
    config: &Config,
    cmd: StoreCmd,
    now: i64,
) -> anyhow::Result<Loaded> {
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
            Loaded::Page { request, rows }
        }
        StoreCmd::Detail(id) => Loaded::Detail {
            id,
            detail: detail::load(conn, id, now)?.map(Box::new),
        },
        StoreCmd::Refresh => {
            inbox::wake_snoozed(conn, now)?;
            let (open, snoozed) = inbox::open_counts(conn)?;
            Loaded::Counts { open, snoozed }
        }
        StoreCmd::Write(write) => Loaded::Written(actions::apply(conn, config, &write, now)?),
        StoreCmd::Undo => Loaded::Undone(actions::undo(conn, config, now)?),
        StoreCmd::People {
            filter,
            from,
            append,
        } => Loaded::People {
            filter,
            rows: people::page(
                conn,
                filter,
                from,
                crate::app::people::PAGE,
                now,
                config.people.stale_after_days,
            )?,
            append,
        },
        StoreCmd::Person(id) => {
            let card = detail::card(conn, id, now)?
                .ok_or_else(|| anyhow::anyhow!("person {id} is no longer in the database"))?;
            Loaded::Person {
                card: Box::new(card),
                history: people::history(conn, id, 500)?,
            }
        }
    })
}
