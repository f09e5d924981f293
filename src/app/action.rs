//! The operator's vocabulary: every key maps to one of these named actions, through the
//! keymap in config. The help overlay and the key hints are generated from the same map.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($variant:ident = $name:literal : $help:literal,)*) => {
        /// A named thing the operator can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            /// Every action, in the order the help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in config files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line for the help overlay.
            pub fn help(self) -> &'static str {
                match self { $(Action::$variant => $help,)* }
            }
        }

        impl std::str::FromStr for Action {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($name => Ok(Action::$variant),)*
                    _ => Err(format!(
                        "{s:?} is not an action; known actions: {}",
                        [$($name),*].join(", ")
                    )),
                }
            }
        }
    };
}

actions! {
    TakeSuggestion = "take_suggestion": "do what the detail pane suggests",
    Reply = "reply": "write a reply",
    Thank = "thank": "thank them, from a template you make personal",
    Like = "like": "like it (done, no reply)",
    TogglePowerUser = "toggle_power_user": "tag or untag the author as a power user",
    EditRelationship = "edit_relationship": "set buyer stage and how they like to be engaged",
    Note = "note": "add a note on the person",
    Snooze = "snooze": "snooze: 1 hour, tomorrow morning, or a time you type",
    Dismiss = "dismiss": "done, no reply needed",
    Undo = "undo": "undo your last action in this window (repeat to go further back)",
    History = "history": "every window's recent actions: pick one to revert",
    Mark = "mark": "mark or unmark the item; d, l, s, p, b then act on every marked one",
    MarkRange = "mark_range": "start a range of marks; press again to mark every row between",
    MarkAll = "mark_all": "mark every open item the list shows (the whole search, however many)",
    Repeat = "repeat": "do the last change again, on this item (a count first: on that many)",
    CommandLine = "command_line": "a command by name, Tab completes (:dismiss, :snooze 2h, :view NAME)",
    Search = "search": "search: words, \"phrases\", from:, platform:, is:, status:",
    Filter = "filter": "filter presets",
    Order = "order": "order the open items: by priority, newest first, oldest first",
    Pull = "pull": "pull new mentions from the live accounts now",
    SwitchPane = "switch_pane": "move focus between list and detail",
    Down = "down": "next row",
    Up = "up": "previous row",
    PageDown = "page_down": "next page",
    PageUp = "page_up": "previous page",
    Top = "top": "first row",
    Bottom = "bottom": "last row",
    Open = "open": "open the person's page (the author's, in the inbox)",
    Back = "back": "back: close, clear the search, leave the view",
    Help = "help": "this help",
    Quit = "quit": "quit",
    Stats = "stats": "response figures",
    Period = "period": "the figures' period: the last 7, 30 or 90 days, all time, or since a day you type",
    People = "people": "people",
    Inbox = "inbox": "back to the inbox",
    Outbox = "outbox": "the outbox: what waits, what failed, what was sent",
    Retry = "retry": "send a failed or unknown action again (check the platform first)",
    CancelSend = "cancel_send": "take back a queued action before it leaves; the item returns to the queue",
    PostByHand = "post_by_hand": "post it yourself: the text to the clipboard, the message in the browser",
    EditReply = "edit_reply": "take a queued reply back into the compose pane to change it",
    Send = "send": "queue the reply",
    OpenEditor = "open_editor": "edit the reply in $EDITOR",
    Cancel = "cancel": "close without sending",
}

/// The screens and popups that have their own key table (plus `global`).
impl Action {
    /// Whether the action changes the database (refused on a read-only one).
    pub fn changes_data(self) -> bool {
        matches!(
            self,
            Action::TakeSuggestion
                | Action::Reply
                | Action::Thank
                | Action::Like
                | Action::TogglePowerUser
                | Action::EditRelationship
                | Action::Note
                | Action::Snooze
                | Action::Dismiss
                | Action::Undo
                | Action::History
                | Action::Repeat
                | Action::Retry
                | Action::CancelSend
                | Action::PostByHand
                | Action::EditReply
                | Action::Send
        )
    }
}

pub const MODES: &[&str] = &[
    "global", "inbox", "people", "person", "stats", "compose", "outbox",
];

/// A key table: one per screen, the compose pane's, and the global one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Global,
    Inbox,
    People,
    Person,
    Stats,
    Compose,
    Outbox,
}

impl Mode {
    pub const ALL: [Mode; 7] = [
        Mode::Global,
        Mode::Inbox,
        Mode::People,
        Mode::Person,
        Mode::Stats,
        Mode::Compose,
        Mode::Outbox,
    ];

    /// Its name in `[keys.NAME]`.
    pub fn as_str(self) -> &'static str {
        MODES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The tables a key is looked up in, in order: the mode's own, then the global
    /// one, except while composing, when every key the pane does not bind is text.
    pub fn tables(self) -> &'static [Mode] {
        match self {
            Mode::Compose => &[Mode::Compose],
            Mode::Global => &[Mode::Global],
            Mode::Inbox => &[Mode::Inbox, Mode::Global],
            Mode::People => &[Mode::People, Mode::Global],
            Mode::Person => &[Mode::Person, Mode::Global],
            Mode::Stats => &[Mode::Stats, Mode::Global],
            Mode::Outbox => &[Mode::Outbox, Mode::Global],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for a in Action::ALL {
            assert_eq!(a.name().parse::<Action>(), Ok(*a));
            assert_eq!(
                serde_json::to_string(a).unwrap(),
                format!("\"{}\"", a.name())
            );
        }
        assert!("reply_all"
            .parse::<Action>()
            .unwrap_err()
            .contains("reply_all"));
    }
}
