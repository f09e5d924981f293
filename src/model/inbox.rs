//! The inbox list: its rows, what it lists, and which way it pages.

use crate::domain::query::Query;
use crate::domain::{MentionKind, Status};

/// One row of the list: enough to draw it, nothing more.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub id: i64,
    pub rank: i64,
    pub created_at: i64,
    pub due_at: i64,
    pub platform: String,
    pub kind: MentionKind,
    pub author_id: i64,
    pub handle: String,
    pub power_user: bool,
    /// A segment tag of the author, if any.
    pub segment: Option<String>,
    /// The start of the text (at most 300 characters).
    pub preview: String,
    pub status: Status,
}

/// What the list shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Listing {
    /// Open items, best first.
    #[default]
    Queue,
    /// Open items by when they were written: newest first, or oldest first.
    ByTime { newest_first: bool },
    /// A search, newest first.
    Search(Query),
}

impl Listing {
    /// The next order of the open items: priority, newest, oldest, priority...
    pub fn next_order(&self) -> Listing {
        match self {
            Listing::Queue => Listing::ByTime { newest_first: true },
            Listing::ByTime { newest_first: true } => Listing::ByTime {
                newest_first: false,
            },
            _ => Listing::Queue,
        }
    }
}

/// Which way to page from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Rows after the key (or from the top without one).
    Forward,
    /// Rows before the key (or from the bottom without one), returned in list order.
    Backward,
}

/// An open item that passed its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossed {
    pub id: i64,
    pub handle: String,
    pub platform: String,
    pub kind: MentionKind,
    pub due_at: i64,
    /// The start of what they wrote (at most 60 characters).
    pub preview: String,
}
