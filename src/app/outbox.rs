//! The outbox in the app: the status bar's "2 sending · 1 failed", the undo-send
//! window after a reply is queued, news from the delivery thread (a failure is
//! announced once), and the outbox view (`O`): retry, take back.

use super::action::Action;
use super::msg::Effect;
use super::state::{App, View};
use crate::model::outbox::{News, OutboxRow, OutboxState};
use crate::store::command::StoreCmd;

/// The outbox as the app knows it.
#[derive(Debug, Clone, Default)]
pub struct OutboxView {
    /// From the last refresh.
    pub state: OutboxState,
    /// The view's rows, once loaded.
    pub rows: Vec<OutboxRow>,
    pub cursor: usize,
    pub offset: usize,
    /// A queued reply being taken back to edit: its text reopens in the compose pane
    /// once the store confirms it will not leave.
    pub editing: Option<OutboxRow>,
}

impl OutboxView {
    pub fn selected(&self) -> Option<&OutboxRow> {
        self.rows.get(self.cursor)
    }
}

impl App {
    /// Whether actions on `platform` have somewhere to go: a `[senders]` entry, or a
    /// live account of that platform (its replies go out through it).
    pub fn has_sender(&self, platform: &str) -> bool {
        self.config.senders.contains_key(platform)
            || self.config.senders.contains_key("default")
            || self
                .config
                .accounts
                .iter()
                .any(|a| a.platform.as_str() == platform)
    }

    /// Whether the operator posts actions on `platform` by hand.
    pub fn posted_by_hand(&self, platform: &str) -> bool {
        self.config
            .senders
            .get(platform)
            .or_else(|| self.config.senders.get("default"))
            .is_some_and(|s| s.kind == crate::config::delivery::SenderKind::Manual)
    }

    /// What the status bar says of the outbox, or nothing when all is quiet.
    pub fn outbox_summary(&self) -> Option<String> {
        self.outbox_words(false)
    }

    /// The same in a few characters, for a narrow status bar.
    pub fn outbox_summary_short(&self) -> Option<String> {
        self.outbox_words(true)
    }

    fn outbox_words(&self, short: bool) -> Option<String> {
        let s = &self.outbox.state;
        let sending: u64 = s.waiting.iter().map(|w| w.sending).sum();
        let mut parts = Vec::new();
        if sending > 0 {
            parts.push(format!("{sending} sending"));
        }
        if s.failed > 0 {
            parts.push(format!("{} failed", s.failed));
        }
        if s.unknown > 0 {
            parts.push(format!("{} unknown", s.unknown));
        }
        let unsent: u64 = s
            .waiting
            .iter()
            .filter(|w| !self.has_sender(&w.platform) || self.posted_by_hand(&w.platform))
            .map(|w| w.due + w.later)
            .sum();
        if short {
            if unsent > 0 {
                parts.push(format!("{unsent} unsent"));
            }
            return (!parts.is_empty()).then(|| parts.join(" · "));
        }
        for w in s.waiting.iter().filter(|w| w.due + w.later > 0) {
            if !self.has_sender(&w.platform) {
                parts.push(format!(
                    "{} waiting: no sender for {}",
                    w.due + w.later,
                    w.platform
                ));
            } else if self.posted_by_hand(&w.platform) {
                parts.push(format!(
                    "{} to post by hand on {} (O)",
                    w.due + w.later,
                    w.platform
                ));
            }
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// After a reply, thank or like is queued: when it leaves, and how to take it back.
    pub(crate) fn queued_notice(&mut self, done: &str, platform: Option<&str>) {
        let secs = self.config.delivery.undo_seconds;
        match platform {
            Some(p) if !self.has_sender(p) => self.say(format!(
                "{done}; no sender for {p} yet: it waits in the outbox (O)"
            )),
            Some(p) if self.posted_by_hand(p) => self.say(format!(
                "{done}: post it on {p} from the outbox (O, then p)"
            )),
            _ if secs > 0 => self.say(format!("{done}: sending in {secs} s (u takes it back)")),
            _ => self.say(format!("{done}: sending now")),
        }
    }

    /// What the delivery thread did: failures are announced (once: each arrives once).
    pub(crate) fn on_delivery(&mut self, news: News) -> Vec<Effect> {
        match news {
            News::Sent { .. } => {}
            News::Retrying { platform, error, .. } => {
                self.warn(format!("{platform} did not take an action yet ({error}); it is tried again"))
            }
            News::Failed { platform, error, .. } => {
                self.warn(format!("sending to {platform} failed: {error} (O: the outbox)"))
            }
            News::Unknown { platform, error, .. } => self.warn(format!(
                "an action may or may not have reached {platform} ({error}); check there, then retry or leave it (O)"
            )),
            News::Trouble(text) => self.warn(format!("delivery: {text}")),
        }
        let mut effects = vec![self.refresh()];
        if self.view == View::Outbox {
            effects.push(Effect::Store(StoreCmd::Outbox));
        }
        effects
    }

    /// What a pull brought: new mentions are announced and shown; a failing account
    /// is said (once a pull: the thread pulls again later).
    pub(crate) fn on_pulled(&mut self, results: Vec<(String, Result<u64, String>)>) -> Vec<Effect> {
        let new: Vec<String> = results
            .iter()
            .filter_map(|(name, r)| match r {
                Ok(n) if *n > 0 => Some(format!("{n} new from {name}")),
                _ => None,
            })
            .collect();
        let failed: Vec<String> = results
            .iter()
            .filter_map(|(name, r)| r.as_ref().err().map(|e| format!("{name}: {e}")))
            .collect();
        if !failed.is_empty() {
            self.warn(format!("pulling failed: {}", failed.join("; ")));
        } else if !new.is_empty() {
            self.say(new.join(", "));
        }
        if new.is_empty() {
            return Vec::new();
        }
        self.refresh_all()
    }

    /// Keys in the outbox view.
    pub(crate) fn outbox_action(&mut self, action: Action) -> Vec<Effect> {
        let len = self.outbox.rows.len();
        match action {
            Action::Down => {
                self.outbox.cursor = (self.outbox.cursor + 1).min(len.saturating_sub(1))
            }
            Action::Up => self.outbox.cursor = self.outbox.cursor.saturating_sub(1),
            Action::Back => self.view = View::Inbox,
            Action::Retry => {
                if let Some(row) = self.outbox.selected() {
                    return vec![
                        Effect::Store(StoreCmd::Retry(row.action_id)),
                        Effect::Deliver,
                    ];
                }
            }
            Action::CancelSend => {
                if let Some(row) = self.outbox.selected() {
                    return vec![Effect::Store(StoreCmd::CancelSend(row.action_id))];
                }
            }
            Action::PostByHand => return self.post_by_hand(),
            Action::EditReply => {
                let Some(row) = self.outbox.selected().cloned() else {
                    return Vec::new();
                };
                if row.state != "queued" || !matches!(row.kind.as_str(), "reply" | "thank") {
                    self.say("only a queued reply or thank-you can be edited");
                    return Vec::new();
                }
                let id = row.action_id;
                self.outbox.editing = Some(row);
                return vec![Effect::Store(StoreCmd::CancelSend(id))];
            }
            _ => {}
        }
        Vec::new()
    }

    /// The selected action, posted by the operator: its text to the clipboard, the
    /// message it answers in the browser, then the question whether it went out.
    fn post_by_hand(&mut self) -> Vec<Effect> {
        let Some(row) = self.outbox.selected().cloned() else {
            return Vec::new();
        };
        if row.state != "queued" {
            self.say("only a queued action can be posted by hand");
            return Vec::new();
        }
        let mut effects = Vec::new();
        if !row.body.is_empty() {
            effects.push(Effect::Clipboard(row.body.clone()));
        }
        let opened = match &row.mention_url {
            Some(url) => {
                effects.push(Effect::OpenUrl(url.clone()));
                format!("{url} opens in the browser")
            }
            None => "the message has no link: find it on the platform".into(),
        };
        let what = if row.body.is_empty() {
            format!("{} it on {}", row.kind, row.platform)
        } else {
            "the text is on the clipboard".to_string()
        };
        self.popup = Some(super::state::Popup::Confirm {
            text: format!(
                "Post the {} to {} yourself: {what}; {opened}.\n\nPosted? y marks it sent; n, Esc or Enter keeps it queued.",
                row.kind,
                crate::domain::handle::whole(&row.platform, row.author.as_deref().unwrap_or("?")),
            ),
            yes: super::state::Confirmable::Posted(row.action_id),
        });
        effects
    }

    /// The reply taken back from the outbox (the store cancelled it): its text
    /// reopens in the compose pane. Nothing reopens when it had already left.
    pub(crate) fn edit_taken_back(&mut self, mention_id: Option<i64>) -> Vec<Effect> {
        let Some(row) = self.outbox.editing.take() else {
            return Vec::new();
        };
        let (Some(id), true) = (row.mention_id, row.mention_id == mention_id) else {
            return Vec::new();
        };
        let kind = if row.kind == "thank" {
            crate::domain::ActionKind::Thank
        } else {
            crate::domain::ActionKind::Reply
        };
        let to = format!(
            "{} ({})",
            crate::domain::handle::whole(&row.platform, row.author.as_deref().unwrap_or("?")),
            row.platform
        );
        self.view = View::Inbox;
        self.open_compose(super::compose::Compose::new(
            id,
            kind,
            to,
            &row.platform,
            &row.body,
            None,
        ))
    }

    /// Opens the outbox view.
    pub(crate) fn open_outbox(&mut self) -> Vec<Effect> {
        self.view = View::Outbox;
        self.outbox.cursor = 0;
        self.outbox.offset = 0;
        vec![Effect::Store(StoreCmd::Outbox)]
    }
}
