//! `[delivery]` (the outbox: undo window, limits, retries) and `[senders.PLATFORM]`
//! (how each platform's actions go out; `[senders.default]` for the others).

use super::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the outbox delivers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    /// Nothing leaves until this many seconds after it was queued (undo-send).
    pub undo_seconds: u64,
    /// Hand-overs started per platform per minute, at most (a sender may lower it).
    pub per_minute: u32,
    /// Attempts before a temporary failure becomes a failure.
    pub max_attempts: u32,
    /// The first retry waits about this long; each next one twice as long.
    pub backoff_seconds: u64,
    /// ... but never longer than this.
    pub max_backoff_seconds: u64,
    /// Show exactly what will be posted where, and ask, before a reply is queued.
    pub review: bool,
}

/// The kind of a sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    /// A program run once per action, the action as JSON on its standard input.
    #[default]
    Command,
    /// The operator posts by hand (a platform with no API): from the outbox view the
    /// text goes to the clipboard, the message opens in the browser, and the operator
    /// says whether it was posted.
    Manual,
}

/// `[senders.PLATFORM]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SenderConfig {
    pub kind: SenderKind,
    /// The program and its arguments; no shell, no text of the action in them.
    pub command: Vec<String>,
    /// The program is killed (with its children) after this many seconds.
    pub timeout_secs: u64,
    /// The program dedupes on the idempotency key, so an action whose hand-over was
    /// interrupted may be handed over again instead of becoming `unknown`.
    pub idempotent: bool,
    /// A lower per-minute limit for this platform than `[delivery] per_minute`.
    pub per_minute: Option<u32>,
}

/// The default timeout of a command sender, when `timeout_secs` is not given.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            kind: SenderKind::Command,
            command: Vec::new(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            idempotent: false,
            per_minute: None,
        }
    }
}

/// Checks `[delivery]` and `[senders.*]`; the dotted key and the problem.
pub fn validate(
    delivery: &Delivery,
    senders: &BTreeMap<String, SenderConfig>,
) -> Result<(), Problem> {
    let err = |key: &str, problem: &str| Err(Problem::new(key, problem));
    if delivery.per_minute == 0 {
        return err("delivery.per_minute", "must be at least 1");
    }
    if delivery.max_attempts == 0 {
        return err("delivery.max_attempts", "must be at least 1");
    }
    if delivery.backoff_seconds == 0 {
        return err("delivery.backoff_seconds", "must be at least 1");
    }
    if delivery.max_backoff_seconds < delivery.backoff_seconds {
        return err(
            "delivery.max_backoff_seconds",
            "must not be below delivery.backoff_seconds",
        );
    }
    if delivery.undo_seconds > 3600 {
        return err(
            "delivery.undo_seconds",
            "must be at most 3600 (an hour); use snooze to hold a reply longer",
        );
    }
    for (platform, sender) in senders {
        let key = |leaf: &str| format!("senders.{platform}.{leaf}");
        if platform.trim().is_empty() {
            return err("senders", "a platform name must not be empty");
        }
        match sender.kind {
            SenderKind::Manual => {}
            SenderKind::Command => {
                if sender.command.first().is_none_or(|p| p.trim().is_empty()) {
                    return Err(Problem::new(
                        key("command"),
                        "is empty: name the program to run, e.g. [\"/usr/local/bin/post-reply\", \"--account\", \"shop\"]",
                    ));
                }
            }
        }
        if sender.timeout_secs == 0 {
            return Err(Problem::new(
                key("timeout_secs"),
                "must be at least 1 second (the program is killed after it)",
            ));
        }
        if sender.per_minute == Some(0) {
            return Err(Problem::new(key("per_minute"), "must be at least 1"));
        }
    }
    Ok(())
}
