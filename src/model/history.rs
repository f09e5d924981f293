//! The history of actions: what any window or run did lately, for reverting one.

use crate::domain::{ActionKind, ActionState};

/// One action in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub id: i64,
    pub kind: ActionKind,
    pub state: ActionState,
    /// The person it was about.
    pub handle: String,
    pub at: i64,
    /// The start of its text (a reply's words, a note), if any.
    pub body: String,
}
