//! The outbox worker: it claims due actions from the store one at a time, hands each
//! to the sender of its platform, and records what happened. It runs on its own
//! thread with its own connection (never the app's store thread), so a slow platform
//! never holds up the screen. See `store::outbox` for the states and their SQL.
//!
//! Never lost: an action is in the database before any attempt. Never twice: an
//! action is claimed in a transaction before it is handed over, and a hand-over whose
//! outcome is lost (a crash, a timeout) becomes `unknown` rather than being sent
//! again, unless the sender dedupes on the idempotency key.

pub mod command;
pub mod worker;

pub use crate::store::outbox::Outgoing;
pub use worker::{spawn, spawn_once, Progress, Summary, Worker, WorkerHandle};

use crate::config::delivery::{SenderConfig, SenderKind};
use crate::config::Config;
use std::collections::BTreeMap;
use std::time::Duration;

/// What a sender says about one hand-over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The platform took it.
    Sent {
        remote_id: Option<String>,
        url: Option<String>,
    },
    /// Not sent; worth trying again (after `retry_after`, when the platform says).
    Temporary {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Not sent, and trying again will not help.
    Failed(String),
    /// Nobody can tell whether it went out (a timeout after the hand-over).
    Unknown(String),
}

/// One way of delivering actions to a platform: a user's program today; Mastodon,
/// Bluesky or Twilio clients later.
pub trait Sender: Send {
    /// Delivers one action. Must return within about [`Sender::timeout`].
    fn deliver(&self, action: &Outgoing) -> Delivery;
    /// The longest a hand-over may take; the claim's lease is longer.
    fn timeout(&self) -> Duration;
    /// Whether handing the same action (same idempotency key) over twice is harmless.
    fn idempotent(&self) -> bool;
    /// At most this many hand-overs per minute to its platform.
    fn per_minute(&self) -> u32;
    /// The account router, when this is one (to add accounts while building).
    fn as_router(&mut self) -> Option<&mut AccountRouter> {
        None
    }
}

/// The live accounts of one platform as one sender: each action goes out through
/// the account it names (the account its mention was pulled for), or through the
/// only account of the platform when it names none.
#[derive(Default)]
pub struct AccountRouter {
    accounts: Vec<crate::platforms::AccountSender>,
}

impl AccountRouter {
    fn pick(&self, action: &Outgoing) -> Result<&crate::platforms::AccountSender, String> {
        match action.account.as_deref() {
            Some(name) => self.accounts.iter().find(|a| a.name() == name).ok_or_else(|| {
                format!(
                    "no [[accounts]] entry is named {} for {}: add it, or configure [senders.{}]",
                    crate::domain::sanitize::shown(name),
                    action.platform,
                    action.platform
                )
            }),
            None if self.accounts.len() == 1 => Ok(&self.accounts[0]),
            None => Err(format!(
                "the action names no account and {} has several: answer it from the app, or configure [senders.{}]",
                action.platform, action.platform
            )),
        }
    }
}

impl Sender for AccountRouter {
    fn deliver(&self, action: &Outgoing) -> Delivery {
        match self.pick(action) {
            Ok(a) => a.deliver(action),
            Err(e) => Delivery::Failed(e),
        }
    }
    fn timeout(&self) -> Duration {
        self.accounts
            .iter()
            .map(|a| a.timeout())
            .max()
            .unwrap_or(Duration::from_secs(60))
    }
    fn idempotent(&self) -> bool {
        self.accounts.iter().all(|a| a.idempotent())
    }
    fn per_minute(&self) -> u32 {
        self.accounts
            .iter()
            .map(|a| a.per_minute())
            .min()
            .unwrap_or(10)
    }
    fn as_router(&mut self) -> Option<&mut AccountRouter> {
        Some(self)
    }
}

/// The senders of each platform, built from `[senders]`.
pub struct Senders {
    by_platform: BTreeMap<String, Box<dyn Sender>>,
    default: Option<Box<dyn Sender>>,
}

impl Senders {
    /// The senders the config describes.
    pub fn from_config(config: &Config) -> Senders {
        let mut by_platform = BTreeMap::new();
        let mut default = None;
        for (platform, sender) in &config.senders {
            // Posted by the operator from the outbox view, never by this worker.
            if sender.kind == SenderKind::Manual {
                continue;
            }
            let built = build(sender, config.delivery.per_minute);
            if platform == "default" {
                default = Some(built);
            } else {
                by_platform.insert(platform.clone(), built);
            }
        }
        // A platform with live accounts and no [senders.PLATFORM] entry goes out
        // through the account each action was pulled for.
        for account in &config.accounts {
            let platform = account.platform.as_str().to_string();
            if config.senders.contains_key(&platform) {
                continue;
            }
            let sender = crate::platforms::AccountSender::new(account);
            let router = by_platform
                .entry(platform)
                .or_insert_with(|| Box::new(AccountRouter::default()) as Box<dyn Sender>);
            if let Some(router) = router.as_router() {
                router.accounts.push(sender);
            }
        }
        Senders {
            by_platform,
            default,
        }
    }

    /// Senders given directly (tests, and platform clients later).
    pub fn new(
        by_platform: BTreeMap<String, Box<dyn Sender>>,
        default: Option<Box<dyn Sender>>,
    ) -> Senders {
        Senders {
            by_platform,
            default,
        }
    }

    /// The sender of `platform`, if any.
    pub fn get(&self, platform: &str) -> Option<&dyn Sender> {
        self.by_platform
            .get(platform)
            .or(self.default.as_ref())
            .map(|s| s.as_ref())
    }

    /// The longest timeout of any sender (for the claim's lease).
    pub fn longest_timeout(&self) -> Duration {
        self.by_platform
            .values()
            .chain(self.default.iter())
            .map(|s| s.timeout())
            .max()
            .unwrap_or(Duration::ZERO)
    }
}

impl crate::store::outbox::Routes for Senders {
    fn per_minute(&self, platform: &str) -> Option<u32> {
        self.get(platform).map(|s| s.per_minute())
    }
}

fn build(config: &SenderConfig, per_minute: u32) -> Box<dyn Sender> {
    let per_minute = config.per_minute.unwrap_or(per_minute).min(per_minute);
    match config.kind {
        SenderKind::Command | SenderKind::Manual => {
            Box::new(command::CommandSender::new(config, per_minute))
        }
    }
}

/// How long to wait before attempt `attempts + 1` after a temporary failure:
/// `base * 2^(attempts-1)`, capped, with "equal jitter" (a random half) so that
/// many actions failing together do not all come back in the same second.
pub fn backoff(attempts: i64, base: u64, cap: u64, random: f64) -> u64 {
    let exponent = attempts.clamp(1, 32) as u32 - 1;
    let full = base.saturating_mul(1u64 << exponent.min(40)).min(cap);
    let half = full / 2;
    half + ((full - half) as f64 * random.clamp(0.0, 1.0)).round() as u64
}

/// Text from a sender, fit to store and show: control characters (escape sequences
/// included) and bidi overrides removed, whitespace runs folded, cut to `max` chars.
pub fn clean(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            continue;
        }
        if c == ' ' {
            if space || out.is_empty() {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if count == max {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        assert_eq!(backoff(1, 30, 3600, 1.0), 30);
        assert_eq!(backoff(1, 30, 3600, 0.0), 15);
        assert_eq!(backoff(2, 30, 3600, 1.0), 60);
        assert_eq!(backoff(3, 30, 3600, 0.5), 90);
        assert_eq!(backoff(20, 30, 3600, 1.0), 3600);
        assert_eq!(backoff(i64::MAX, 30, 3600, 1.0), 3600);
        assert!((1800..=3600).contains(&backoff(9, 30, 3600, 0.3)));
    }

    #[test]
    fn clean_drops_escapes_and_cuts() {
        assert_eq!(clean("\u{1b}[31mred\u{7}\n\n  ok ", 100), "[31mred ok");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("a\u{202e}b", 10), "ab");
    }
}
