//! The detail pane and the person page: one mention in full, the conversation around
//! it, and the author card.

use crate::config::PowerUserRules;
use crate::domain::suggest::{self, Suggestion};
use crate::domain::{platforms, target};
use crate::domain::{BuyerStage, Engagement, MentionKind, Signals, Status};

/// One mention in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub id: i64,
    pub platform: String,
    pub external_id: String,
    pub kind: MentionKind,
    pub account: Option<String>,
    pub body: String,
    pub url: Option<String>,
    pub created_at: i64,
    pub due_at: i64,
    pub status: Status,
    pub snoozed_until: Option<i64>,
    pub first_response_at: Option<i64>,
    pub signals: Signals,
    /// Why it reads as it does, e.g. `complaint: 'crashes', 'so done'`.
    pub reason: String,
}

/// Who wrote it, and our history with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: i64,
    pub platform: String,
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: Option<i64>,
    pub is_bot: bool,
    pub buyer_stage: BuyerStage,
    pub engagement: Engagement,
    pub notes: String,
    pub tags: Vec<String>,
    /// The last thing we sent them (a reply, a thank or a like), not undone; tags,
    /// notes and stage changes are not contact.
    pub last_contact: Option<i64>,
    /// Mentions they wrote, ever and in the last 30 days.
    pub conversations: i64,
    pub conversations_30d: i64,
}

impl Detail {
    /// The suggestion for this mention at `now`, or `None` once it is done. The one
    /// place that puts a detail's facts into [`suggest::About`]: the screen and the
    /// measurements ask the same question.
    pub fn suggestion(&self, now: i64, rules: &PowerUserRules) -> Option<Suggestion> {
        let m = &self.mention;
        if m.status == Status::Done {
            return None;
        }
        let about = suggest::About {
            signals: m.signals,
            reading: &m.reason,
            can: platforms::can(&m.platform, m.kind),
            is_bot: self.author.is_bot,
            tagged_power_user: self.author.power_user(),
            followers: self.author.followers,
            conversations_30d: self.author.conversations_30d,
            waiting_secs: now - m.created_at,
            over_target: target::is_over(m.due_at, now),
        };
        Some(suggest::suggest(&about, rules))
    }
}

impl Card {
    pub fn power_user(&self) -> bool {
        self.tags.iter().any(|t| t == "power_user")
    }
}

/// A message in the conversation: theirs or ours.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadItem {
    pub at: i64,
    /// Their handle, or our account ("us" when unknown).
    pub who: String,
    pub ours: bool,
    pub body: String,
    /// This is the mention the detail is about.
    pub current: bool,
    /// Ours: where it stands in the outbox (a queued reply is not a sent one).
    pub state: Option<crate::domain::ActionState>,
}

/// The detail pane's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub mention: Mention,
    pub author: Card,
    pub thread: Vec<ThreadItem>,
    /// Another window is writing a reply to it right now.
    pub answering_elsewhere: bool,
}
