//! The domain: mentions, people and what the operator does with them, as plain
//! values. Nothing here knows about the terminal or SQL; time is always passed in.

pub mod change;
pub mod figures;
pub mod handle;
pub mod human;
pub mod kinds;
pub mod length;
pub mod pace;
pub mod platforms;
pub mod priority;
pub mod query;
pub mod reading;
pub mod sanitize;
pub mod signals;
pub mod similar;
pub mod sla;
pub mod suggest;
pub mod target;
pub mod warnings;

pub use kinds::{
    ActionKind, ActionState, BuyerStage, Engagement, MentionKind, Status, UnknownWord,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A platform identity as an importer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPerson {
    pub platform: String,
    pub platform_user_id: String,
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: Option<i64>,
    pub profile_url: Option<String>,
    pub is_bot: bool,
}

/// A mention, comment, message or review to triage, as an importer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMention {
    pub platform: String,
    pub external_id: String,
    pub kind: MentionKind,
    pub author: NewPerson,
    /// Our account (brand handle) the mention was addressed to, when known.
    pub account: Option<String>,
    /// Plain text, already sanitized.
    pub body: String,
    pub url: Option<String>,
    /// External id of the message this one answers.
    pub parent_external_id: Option<String>,
    /// External id of the conversation's first message.
    pub thread_external_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A reply our brand already sent (history from an export), linked by the external id
/// of the mention it answers. It may point at a mention not imported (yet, or ever).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OurReply {
    pub platform: String,
    pub external_id: String,
    pub account: Option<String>,
    pub in_reply_to: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
}

/// A post of ours that answers nothing (an announcement, a product post): people
/// answer it, and the thread shows what they answered. Not an inbox item, not a reply.
#[derive(Debug, Clone, PartialEq)]
pub struct OurPost {
    pub platform: String,
    pub external_id: String,
    pub account: Option<String>,
    pub body: String,
    pub posted_at: DateTime<Utc>,
}

/// One record of an import file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Mention(NewMention),
    OurReply(OurReply),
    OurPost(OurPost),
}

/// Signals computed once, at import, from a mention's text (see [`reading`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signals {
    /// What the message is: it decides the suggestion and the complaint weight.
    pub class: reading::Class,
    pub is_question: bool,
    /// Tone from -1 (negative) to 1 (positive).
    pub sentiment: f64,
}

impl Signals {
    /// A complaint: the reading found something gone wrong for the writer.
    pub fn is_complaint(&self) -> bool {
        self.class == reading::Class::Complaint
    }

    /// Praise: clear positive words and no problem.
    pub fn is_praise(&self) -> bool {
        self.class == reading::Class::Praise
    }
}
