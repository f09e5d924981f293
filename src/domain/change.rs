//! The changes the operator asks for, and what came of them: data, not sentences
//! (the words are [`super::human`]'s).

use super::{ActionKind, ActionState, BuyerStage, Engagement};

/// A change the operator asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Queue a reply or a thank-you. Without `force`, a text (nearly) equal to one sent
    /// to someone else recently is refused with [`Outcome::Duplicate`].
    Reply {
        mention_id: i64,
        kind: ActionKind,
        body: String,
        force: bool,
    },
    Like {
        mention_id: i64,
    },
    Dismiss {
        mention_id: i64,
    },
    Snooze {
        mention_id: i64,
        until: i64,
    },
    TogglePowerUser {
        person_id: i64,
    },
    Relationship {
        person_id: i64,
        stage: BuyerStage,
        engagement: Engagement,
    },
    Note {
        person_id: i64,
        text: String,
    },
}

impl Write {
    /// The kind of action it is logged as.
    pub fn kind(&self) -> ActionKind {
        match self {
            Write::Reply { kind, .. } => *kind,
            Write::Like { .. } => ActionKind::Like,
            Write::Dismiss { .. } => ActionKind::Dismiss,
            Write::Snooze { .. } => ActionKind::Snooze,
            Write::TogglePowerUser { .. } => ActionKind::Tag,
            Write::Relationship { .. } => ActionKind::Segment,
            Write::Note { .. } => ActionKind::Note,
        }
    }

    /// The mention it acts on, if it acts on one.
    pub fn mention_id(&self) -> Option<i64> {
        match self {
            Write::Reply { mention_id, .. }
            | Write::Like { mention_id }
            | Write::Dismiss { mention_id }
            | Write::Snooze { mention_id, .. } => Some(*mention_id),
            _ => None,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Written, as action `action_id` (what this window can undo).
    Applied { done: Done, action_id: i64 },
    /// Not written: the item was answered meanwhile (another window) by a `kind` at `at`.
    AnsweredElsewhere { kind: ActionKind, at: i64 },
    /// Not written: this text went to `handle` on `at` already.
    Duplicate {
        handle: String,
        body: String,
        at: i64,
    },
}

/// What a written change did, to whom (their handle, as stored).
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// A reply or thank-you is in the outbox.
    Queued {
        kind: ActionKind,
        handle: String,
        platform: String,
    },
    /// A like is in the outbox.
    Liked {
        handle: String,
        platform: String,
    },
    Dismissed {
        handle: String,
    },
    Snoozed {
        handle: String,
        until: i64,
    },
    PowerUser {
        handle: String,
        tagged: bool,
    },
    Relationship {
        handle: String,
        stage: BuyerStage,
        engagement: Engagement,
    },
    NoteAdded {
        handle: String,
    },
}

/// What one undo step reverted.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    pub kind: ActionKind,
    pub mention_id: Option<i64>,
    pub handle: String,
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq)]
pub enum UndoResult {
    Undone(Undone),
    /// Already undone, or not an action that can be undone.
    Gone,
    /// A reply, thank or like a sender already took (`sending`, `sent`, ...).
    LeftTheOutbox {
        kind: ActionKind,
        handle: String,
        state: ActionState,
    },
    /// A change made to many items at once, undone as one step: `count` actions
    /// reverted, `left` not (likes a sender took already).
    UndoneBatch {
        kind: ActionKind,
        count: u64,
        left: u64,
    },
}

/// Which items a change to many acts on: the marked ones, or every open item a search
/// matches (however many: the store applies it to the query, the screen never lists
/// them all).
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    Ids(Vec<i64>),
    Matching(super::query::Query),
}

/// A change made to many items at once, after a confirmation that names the count.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkChange {
    Dismiss,
    Like,
    Snooze {
        until: i64,
    },
    /// Tag the authors (`power_user` makes them power users).
    Tag(String),
    /// Set the authors' buyer stage.
    Stage(BuyerStage),
    /// Address the items to one of our accounts.
    Account(String),
}

impl BulkChange {
    /// The kind its actions are logged as.
    pub fn kind(&self) -> ActionKind {
        match self {
            BulkChange::Dismiss => ActionKind::Dismiss,
            BulkChange::Like => ActionKind::Like,
            BulkChange::Snooze { .. } => ActionKind::Snooze,
            BulkChange::Tag(_) => ActionKind::Tag,
            BulkChange::Stage(_) | BulkChange::Account(_) => ActionKind::Segment,
        }
    }
}

/// What a change to many did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkDone {
    pub change: BulkChange,
    /// Items (or people, for tags and stages) changed.
    pub changed: u64,
    /// Items left alone, with why ("not open", "cannot be liked", ...).
    pub skipped: Vec<(String, u64)>,
    /// One of its actions (undoing it undoes the whole change); None when nothing changed.
    pub action_id: Option<i64>,
    /// Whether likes wait in the outbox.
    pub queued: bool,
}
