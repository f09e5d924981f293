//! Live platforms: one module per platform behind [`Platform`] — pull a page of
//! mentions from a cursor, fetch the messages they answer, deliver an action. HTTP
//! lives here and nowhere else (see `http`). `pull` drives a platform page by page
//! into the database through `store::import::Importer`, saving the cursor in the
//! same transaction as the page's records, so a pull killed at any point resumes
//! without gaps or duplicates.

pub mod bluesky;
pub mod http;
pub mod mastodon;
pub mod pull;
pub mod secret;
pub mod sse;
pub mod twilio;

pub use mastodon::stream::{Heard, Timing};
pub use pull::{pull_account, PullProgress, PullSummary};

use crate::config::accounts::{Account, LivePlatform};
use crate::delivery::{Delivery, Outgoing};
use crate::domain::Record;
use std::time::Duration;

/// One pulled record, with the platform's global key for it when it has one
/// (a Mastodon status `uri`): the same message is imported once by either key.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub record: Record,
    pub key: Option<String>,
}

/// A page of records and the cursor to store once they are committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Pulled>,
    /// Items the server sent that could not be read (skipped, logged).
    pub skipped: usize,
    pub cursor: String,
    /// No more pages after this one (until new mentions arrive).
    pub done: bool,
    /// This page began its pass at the server's newest. A pass ends at the newest of
    /// when it began; one resumed from a stopped run may have begun long ago, and
    /// `pull::pull_account` then makes one more pass for what arrived since.
    pub from_the_top: bool,
}

/// What a live platform does for rapport.
pub trait Platform: Send {
    /// The page after `cursor` (`None`: the first pull of this account).
    fn pull_page(&mut self, cursor: Option<&str>) -> Result<Page, PlatformError>;
    /// The messages with these external ids (that pulled ones answer), for the thread.
    fn fetch(&mut self, ids: &[String]) -> Result<Vec<Pulled>, PlatformError>;
    /// Who we are on the server, whether the secret is accepted, the budget left.
    fn check(&mut self) -> Result<Check, PlatformError>;
    /// Delivers a reply, thank-you or like.
    fn deliver(&self, action: &Outgoing) -> Delivery;
    /// Who hears that a request waits for the server's rate limit.
    fn on_wait(&mut self, _notice: http::Notice) {}
    /// The server whose name the stored ids carry, when ids are only unique on
    /// their server (Mastodon: `1234@mastodon.social`); None when they are global
    /// (Bluesky's at:// uris).
    fn id_host(&self) -> Option<String> {
        None
    }
}

/// What `rapport accounts` shows of an account that answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// "@northwind@mastodon.social".
    pub who: String,
    /// Requests left in the current rate-limit window, and when it resets (as sent).
    pub remaining: Option<i64>,
    pub reset: Option<String>,
}

/// The client of an account.
pub fn connect(account: &Account) -> Result<Box<dyn Platform>, PlatformError> {
    match account.platform {
        LivePlatform::Mastodon => Ok(Box::new(mastodon::Mastodon::new(account))),
        LivePlatform::Bluesky => Ok(Box::new(bluesky::Bluesky::new(account))),
        LivePlatform::Twilio => Ok(Box::new(twilio::Twilio::new(account))),
    }
}

/// Whether the account's platform offers a stream of new mentions (Mastodon's
/// user stream); Bluesky's firehose is not a per-account stream, so it is polled.
pub fn has_stream(account: &Account) -> bool {
    matches!(account.platform, LivePlatform::Mastodon)
}

/// Follows the account's stream (see [`has_stream`]) until `tell` returns false,
/// reopening it after failures; returns at once for a platform without one.
pub fn watch(account: &Account, timing: &Timing, tell: &mut dyn FnMut(Heard) -> bool) {
    if has_stream(account) {
        mastodon::stream::watch(account, timing, tell);
    }
}

/// What went wrong talking to a platform, with what to do about it. Server text is
/// always quoted through `sanitize::shown`; a secret is never part of a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlatformError {
    #[error("the {what} was rejected by {host} ({status}{text}): {hint}")]
    Rejected {
        host: String,
        status: u16,
        what: &'static str,
        text: String,
        hint: &'static str,
    },
    #[error("{host} asks us to slow down (429){}: rapport will try again later",
        retry_after.map(|d| format!(", for {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        host: String,
        retry_after: Option<Duration>,
    },
    #[error("{host} failed ({status}{text}): try again later; if it lasts, check the server's status page")]
    Server {
        host: String,
        status: u16,
        text: String,
    },
    #[error("{host} refused it ({status}{text})")]
    Refused {
        host: String,
        status: u16,
        text: String,
    },
    #[error(
        "{host} did not answer in time: check the connection, or raise timeout_secs of the account"
    )]
    Timeout { host: String },
    #[error("cannot reach {host} ({reason}): check the server address and the connection")]
    Unreachable {
        host: String,
        reason: String,
        /// Whether the request may have left before it failed.
        sent: bool,
    },
    #[error("{host} sent something that is not what its API documents ({what}): is the server address right?")]
    BadAnswer { host: String, what: String },
    #[error("{0}")]
    Secret(String),
    #[error("{what} is not supported yet")]
    Unsupported { what: String },
}

impl PlatformError {
    /// Whether trying again later may help.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            PlatformError::RateLimited { .. }
                | PlatformError::Server { .. }
                | PlatformError::Timeout { .. }
                | PlatformError::Unreachable { .. }
        )
    }

    /// Whether a request may have reached the server and been acted on.
    pub fn maybe_done(&self) -> bool {
        match self {
            PlatformError::Timeout { .. } | PlatformError::Server { .. } => true,
            PlatformError::Unreachable { sent, .. } => *sent,
            _ => false,
        }
    }
}

/// An account as a delivery [`crate::delivery::Sender`]. Its secret is read at the
/// first hand-over, not when the senders are built.
pub struct AccountSender {
    platform: std::sync::Mutex<Option<Box<dyn Platform>>>,
    account: Account,
}

impl AccountSender {
    pub fn new(account: &Account) -> AccountSender {
        AccountSender {
            platform: std::sync::Mutex::new(None),
            account: account.clone(),
        }
    }

    /// The `[[accounts]]` name.
    pub fn name(&self) -> &str {
        &self.account.name
    }
}

impl crate::delivery::Sender for AccountSender {
    fn deliver(&self, action: &Outgoing) -> Delivery {
        let mut platform = self.platform.lock().unwrap_or_else(|p| p.into_inner());
        if platform.is_none() {
            match connect(&self.account) {
                Ok(p) => *platform = Some(p),
                Err(e) => return Delivery::Failed(format!("account {}: {e}", self.account.name)),
            }
        }
        match platform.as_ref() {
            Some(p) => p.deliver(action),
            None => Delivery::Failed("no client for the account".into()),
        }
    }

    fn timeout(&self) -> Duration {
        // A reply may take a lookup, the answered status, the post and a lookup again,
        // and one wait for a spent rate-limit budget (http::MAX_WAIT at most).
        self.account.timeout() * 4 + http::MAX_WAIT
    }

    fn idempotent(&self) -> bool {
        // A lookup before any new attempt (and Idempotency-Key on Mastodon's post).
        true
    }

    fn per_minute(&self) -> u32 {
        self.account.per_minute.unwrap_or(10)
    }
}

/// The notifications of a page that could be read, and how many could not (each
/// logged): one unreadable item never stops a pull.
pub(crate) fn readable(parsed: Vec<Result<Pulled, String>>, account: &str) -> (Vec<Pulled>, usize) {
    let mut pulled = Vec::new();
    let mut skipped = 0;
    for item in parsed {
        match item {
            Ok(p) => pulled.push(p),
            Err(e) => {
                skipped += 1;
                tracing::warn!(account = %account, "skipped a notification: {e}");
            }
        }
    }
    (pulled, skipped)
}
