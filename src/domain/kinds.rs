//! The closed vocabularies of the domain: kinds of mention, statuses, relationship
//! fields and action kinds. Each has one stable snake_case spelling, used in the
//! database, in config, in import files and on the command line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a string-backed enum with `as_str`, `ALL`, `Display` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling used in files and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: stringify!($name),
                        got: s.to_string(),
                        expected: vec![$($text),+],
                    }),
                }
            }
        }
    };
}

/// A word that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {}; expected one of: {}", super::sanitize::shown(got), expected.join(", "))]
pub struct UnknownWord {
    pub what: &'static str,
    pub got: String,
    pub expected: Vec<&'static str>,
}

vocabulary! {
    /// What sort of message reached us.
    MentionKind {
        Mention => "mention",
        Comment => "comment",
        Reply => "reply",
        DirectMessage => "direct_message",
        Sms => "sms",
        Review => "review",
    }
}

vocabulary! {
    /// Where a mention stands in triage. A snoozed mention carries its wake-up time.
    Status {
        Open => "open",
        Snoozed => "snoozed",
        Done => "done",
    }
}

vocabulary! {
    /// How far along a person is as a customer.
    BuyerStage {
        Unknown => "unknown",
        LightBuyer => "light_buyer",
        PotentialBuyer => "potential_buyer",
        ExistingCustomer => "existing_customer",
        FormerCustomer => "former_customer",
    }
}

vocabulary! {
    /// How a person likes to be engaged.
    Engagement {
        Unknown => "unknown",
        Information => "information",
        Conversation => "conversation",
        Discounts => "discounts",
    }
}

vocabulary! {
    /// Everything the operator can do, as recorded in the action log.
    ActionKind {
        Reply => "reply",
        Thank => "thank",
        Like => "like",
        Tag => "tag",
        Segment => "segment",
        Dismiss => "dismiss",
        Snooze => "snooze",
        Note => "note",
    }
}

vocabulary! {
    /// Where an action stands in the outbox.
    ActionState {
        Draft => "draft",
        Queued => "queued",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
        Unknown => "unknown",
        Cancelled => "cancelled",
    }
}

impl MentionKind {
    /// Private channels, where people expect the fastest answer.
    pub fn is_private(self) -> bool {
        matches!(self, MentionKind::DirectMessage | MentionKind::Sms)
    }
}

impl ActionKind {
    /// Actions that put words in front of the person (and so can answer them).
    pub fn is_message(self) -> bool {
        matches!(self, ActionKind::Reply | ActionKind::Thank)
    }

    /// Actions that take the item out of the queue: done, or asleep for a while.
    pub fn closes_item(self) -> bool {
        matches!(
            self,
            ActionKind::Reply
                | ActionKind::Thank
                | ActionKind::Like
                | ActionKind::Dismiss
                | ActionKind::Snooze
        )
    }

    /// Actions that must reach the platform, so they wait in the outbox until sent.
    pub fn goes_out(self) -> bool {
        matches!(
            self,
            ActionKind::Reply | ActionKind::Thank | ActionKind::Like
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for k in MentionKind::ALL {
            assert_eq!(k.as_str().parse::<MentionKind>().unwrap(), *k);
        }
        assert_eq!(
            "Direct-Message".parse::<MentionKind>().unwrap(),
            MentionKind::DirectMessage
        );
    }

    #[test]
    fn what_closes_an_item_and_what_goes_out() {
        let closing: Vec<_> = ActionKind::ALL.iter().filter(|k| k.closes_item()).collect();
        assert_eq!(
            closing,
            [
                &ActionKind::Reply,
                &ActionKind::Thank,
                &ActionKind::Like,
                &ActionKind::Dismiss,
                &ActionKind::Snooze
            ]
        );
        assert!(ActionKind::ALL
            .iter()
            .filter(|k| k.goes_out())
            .all(|k| k.closes_item()));
        assert!(!ActionKind::Tag.closes_item() && !ActionKind::Note.goes_out());
    }

    #[test]
    fn unknown_word_names_the_choices() {
        let err = "tweet".parse::<MentionKind>().unwrap_err().to_string();
        assert!(err.contains("\"tweet\""), "{err}");
        assert!(err.contains("direct_message"), "{err}");
    }
}
