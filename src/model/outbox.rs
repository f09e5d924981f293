//! The outbox as the screen shows it: what waits, what is being sent, what needs the
//! operator.

use serde::Serialize;

/// Actions still queued that this run leaves behind, per platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub platform: String,
    /// Queued and due now (no sender, or at the per-minute limit).
    pub due: u64,
    /// Queued for later: inside the undo window, or waiting to retry.
    pub later: u64,
    /// In the hands of another run.
    pub sending: u64,
    /// When the next of the `later` ones is due.
    pub next_at: Option<i64>,
}

/// One row of `rapport outbox`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxRow {
    pub action_id: i64,
    pub kind: String,
    pub platform: String,
    pub state: String,
    pub attempts: i64,
    pub created_at: i64,
    pub next_attempt_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    pub remote_id: Option<String>,
    pub remote_url: Option<String>,
    pub author: Option<String>,
    pub body: String,
    /// The message answered, on its platform (to post a reply by hand).
    pub mention_url: Option<String>,
    /// The mention answered.
    pub mention_id: Option<i64>,
}

/// The outbox at a glance, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxState {
    /// Queued or being sent, per platform.
    pub waiting: Vec<Waiting>,
    /// Failed, not retried or cancelled yet.
    pub failed: u64,
    /// Handed over with no answer: nobody knows whether they went out.
    pub unknown: u64,
}

/// What the delivery thread tells the screen about one action.
#[derive(Debug, Clone, PartialEq)]
pub enum News {
    Sent {
        action_id: i64,
        platform: String,
        url: Option<String>,
    },
    /// A temporary failure: it is tried again at `at`.
    Retrying {
        action_id: i64,
        platform: String,
        error: String,
        at: i64,
    },
    Failed {
        action_id: i64,
        platform: String,
        error: String,
    },
    /// Handed over, no answer: it may or may not have gone out.
    Unknown {
        action_id: i64,
        platform: String,
        error: String,
    },
    /// The delivery thread itself met a problem (it tries again later).
    Trouble(String),
}
