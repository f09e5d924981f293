//! What the store thread is asked to do, and what it answers. The app sends [`StoreCmd`]s
//! as effects; the terminal loop wraps each [`Reply`] into the app's message.

use crate::domain::change::{BulkChange, BulkDone, Outcome, Targets, UndoResult, Write};
use crate::domain::warnings::Warnings;
use crate::model::detail::{Card, Detail};
use crate::model::history::HistoryRow;
use crate::model::inbox::{Crossed, Direction, InboxRow, Listing};
use crate::model::outbox::{OutboxRow, OutboxState};
use crate::model::people::{Event, PeopleFilter, PersonRow};
use crate::model::report::Report;

/// A reply from the store thread.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Rows for the inbox list; `request` echoes the request so stale pages are ignored.
    Page {
        request: PageRequest<Listing>,
        rows: Vec<InboxRow>,
    },
    Detail {
        id: i64,
        detail: Option<Box<Detail>>,
    },
    /// The refresh: counts, the response-time picture, and the items that passed
    /// their target since the last refresh.
    Refreshed {
        snoozed: i64,
        warnings: Box<Warnings>,
        crossed: Vec<Crossed>,
        outbox: OutboxState,
    },
    /// The outbox view's rows.
    Outbox(Vec<OutboxRow>),
    Stats(Box<Report>),
    Written(Outcome),
    Undone(UndoResult),
    /// The recent actions of every window and run, newest first.
    History(Vec<HistoryRow>),
    People {
        request: PageRequest<PeopleFilter>,
        rows: Vec<PersonRow>,
    },
    Person {
        card: Box<Card>,
        history: Vec<Event>,
    },
    /// Whether this window may write a reply to `mention_id`: `elsewhere` holds the
    /// seconds left of another window's claim when it may not (yet).
    Claimed {
        mention_id: i64,
        elsewhere: Option<i64>,
    },
    /// Done; nothing to show.
    Nothing,
    /// A change failed (nothing was written); the text says what and what to do.
    WriteFailed(String),
    /// A store command failed; the text says what and what to do.
    Failed(String),
    /// Something the operator should know while a command is still under way.
    Notice(String),
    /// What a change to many items did.
    Bulk(BulkDone),
    /// How many open items match `query` (the mark on every match).
    Counted {
        query: crate::domain::query::Query,
        open: u64,
    },
    /// The tags people have (for the command line's completion).
    Tags(Vec<String>),
}

/// A page of a list: the inbox (`PageRequest<Listing>`) or the people
/// (`PageRequest<PeopleFilter>`).
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest<L> {
    pub listing: L,
    /// The exclusive key to page from; None = from the top (or bottom, backward).
    pub from: Option<(i64, i64)>,
    pub dir: Direction,
    pub limit: usize,
    /// Replace the whole window (a reload) rather than extend it.
    pub replace: bool,
    /// A number that grows with each request, so a late answer to an older one
    /// cannot overwrite a newer one.
    pub seq: u64,
}

/// A command for the store thread.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreCmd {
    Page(PageRequest<Listing>),
    Detail(i64),
    /// Wake snoozed items, then send counts, warnings and the items whose target ran
    /// out after `crossed_after` (none on the first refresh).
    Refresh {
        crossed_after: Option<i64>,
    },
    /// The stats view's figures for mentions written since then (None: from the
    /// first one on).
    Stats {
        since: Option<i64>,
    },
    Write(Write),
    /// Undo this action (one of this window's, or one picked from the history).
    Undo(i64),
    /// The recent actions, for the history.
    History,
    /// The outbox view: what waits and the recent sent, failed and unknown.
    Outbox,
    /// Put a failed or unknown action back in the queue.
    Retry(i64),
    /// Cancel a queued action before it is sent (the mention goes back to the queue).
    CancelSend(i64),
    /// Hold (or renew) this window's claim on an item while replying to it; `force`
    /// takes it even from another window.
    Claim {
        mention_id: i64,
        force: bool,
    },
    /// Drop this window's claim (the compose pane closed).
    Release(i64),
    /// The operator posted this queued action by hand (a manual sender).
    MarkPosted(i64),
    People(PageRequest<PeopleFilter>),
    Person(i64),
    /// Make one change to many items, in one transaction (one undo step).
    Bulk {
        targets: Targets,
        change: BulkChange,
    },
    /// Count the open items a search matches.
    Count(crate::domain::query::Query),
    /// The tags in use.
    Tags,
    /// Write the open items of `targets` to `path` as NDJSON.
    Export {
        targets: Targets,
        path: std::path::PathBuf,
    },
}
