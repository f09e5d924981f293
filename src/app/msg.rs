//! What reaches `App::update` (messages) and what it asks for in return (effects).
//! Both are plain data, so `update` can be tested without a terminal, a database or a
//! clock.

use crate::store::actions::{Outcome, Undone, Write};
use crate::store::detail::{Card, Detail};
use crate::store::inbox::{Direction, InboxRow, Listing};
use crate::store::people::{Event, PeopleFilter, PersonRow};
use crossterm::event::KeyEvent;

/// An input or a result.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(Mouse),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// The clock, in Unix seconds; also drives refreshes and key timeouts.
    Tick(i64),
    Loaded(Loaded),
    /// The text back from $EDITOR, or why it could not run.
    EditorDone(Result<String, String>),
    /// SIGTERM or SIGHUP: leave now, cleanly.
    Terminate,
}

/// The mouse events the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    ScrollUp,
    ScrollDown,
    Click { column: u16, row: u16 },
}

/// A reply from the store thread.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// Rows for the inbox list; `request` echoes the request so stale pages are ignored.
    Page {
        request: PageRequest,
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
        warnings: Box<crate::domain::warnings::Warnings>,
        crossed: Vec<crate::store::warnings::Crossed>,
    },
    Stats(Box<crate::store::report::Report>),
    Written(Outcome),
    Undone(Option<Undone>),
    People {
        filter: PeopleFilter,
        rows: Vec<PersonRow>,
        append: bool,
    },
    Person {
        card: Box<Card>,
        history: Vec<Event>,
    },
    /// A store command failed; the text says what and what to do.
    Failed(String),
    /// Something the operator should know while a command is still under way.
    Notice(String),
}

/// A page of the inbox list.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    pub listing: Listing,
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
    Page(PageRequest),
    Detail(i64),
    /// Wake snoozed items, then send counts, warnings and the items whose target ran
    /// out after `crossed_after` (none on the first refresh).
    Refresh {
        crossed_after: Option<i64>,
    },
    /// The stats view's figures for mentions written since then.
    Stats {
        since: i64,
    },
    Write(Write),
    Undo,
    People {
        filter: PeopleFilter,
        from: Option<(i64, i64)>,
        append: bool,
    },
    Person(i64),
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Store(StoreCmd),
    /// Suspend the screen and edit this text in $EDITOR.
    OpenEditor(String),
    /// Ring the terminal bell.
    Bell,
    /// Run the configured alert command with this announcement.
    Alert(String),
    Quit,
}
