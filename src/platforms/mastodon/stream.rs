//! Mastodon's user stream (docs.joinmastodon.org/methods/streaming): Server-Sent
//! Events on `GET /api/v1/streaming/user/notification`, a `notification` event per
//! notification and a `:thump` comment as heartbeat. The stream is only a doorbell:
//! a streamed mention is never imported from the event itself; it asks for a pull
//! from the stored cursor, so cursors, dedupe and resume keep their one home in
//! `platforms::pull`. When the stream cannot be opened or goes quiet, `watch` says
//! so and tries again later, with a growing pause; polling goes on meanwhile.

use super::Mastodon;
use crate::config::accounts::{is_loopback, split_server, Account};
use crate::domain::sanitize;
use crate::platforms::http::{Opened, StreamClient};
use crate::platforms::sse::{self, Item};
use crate::platforms::PlatformError;
use std::time::{Duration, Instant};

/// The stream of our notifications, relative to the streaming base.
const PATH: &str = "/api/v1/streaming/user/notification";

/// How long a stream may be silent, and how long to wait before trying again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// No byte for this long (Mastodon sends a heartbeat every few seconds): the
    /// stream is taken for dead and opened again.
    pub silence: Duration,
    /// The pause after the first failure; it doubles after each further one.
    pub first_retry: Duration,
    /// The longest pause between two tries.
    pub longest_retry: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            silence: Duration::from_secs(90),
            first_retry: Duration::from_secs(2),
            longest_retry: Duration::from_secs(300),
        }
    }
}

/// What the stream told, for the one listening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// The stream is open.
    Live,
    /// A heartbeat, or an event that asks nothing of us.
    Alive,
    /// Someone mentioned the account: time to pull it.
    Mention,
    /// The stream could not be opened, or ended, and why (safe to show).
    Down(String),
}

/// Follows the account's stream until `tell` returns false: opens it, reports what
/// it hears, and after each failure waits (`first_retry`, doubling up to
/// `longest_retry`) before opening it again.
pub fn watch(account: &Account, timing: &Timing, tell: &mut dyn FnMut(Heard) -> bool) {
    let m = Mastodon::new(account);
    let mut pause = timing.first_retry;
    loop {
        // A server that asks for a longer pause (429 with Retry-After) gets it.
        let mut asked = Duration::ZERO;
        let reason = match open(&m, timing) {
            Ok(stream) => {
                if !tell(Heard::Live) {
                    return;
                }
                let opened = Instant::now();
                match follow(stream, timing, tell) {
                    Ok(()) => return,
                    Err(reason) => {
                        // A stream that held a while was fine; start the pauses over.
                        if opened.elapsed() >= timing.longest_retry.max(timing.silence) {
                            pause = timing.first_retry;
                        }
                        reason
                    }
                }
            }
            Err(e) => {
                if let PlatformError::RateLimited {
                    retry_after: Some(wait),
                    ..
                } = &e
                {
                    asked = *wait;
                }
                e.to_string()
            }
        };
        tracing::info!(account = %account.name, "the stream is down: {reason}");
        if !tell(Heard::Down(reason)) {
            return;
        }
        std::thread::sleep(pause.max(asked));
        pause = (pause * 2).min(timing.longest_retry);
    }
}

/// Opens the stream of our notifications.
fn open(m: &Mastodon, timing: &Timing) -> Result<Box<dyn std::io::BufRead + Send>, PlatformError> {
    let auth = m.auth()?;
    let base = streaming_base(m);
    let client = StreamClient::new(&m.client.host, m.account.timeout(), timing.silence);
    match client.open(&format!("{base}{PATH}"), &auth)? {
        Opened::Stream(s) => Ok(s),
        Opened::Refused(answer) if answer.ok() => Err(PlatformError::BadAnswer {
            host: m.client.host.clone(),
            what: format!("the user stream is not an event stream ({})", answer.body),
        }),
        Opened::Refused(answer) => match m.checked(answer) {
            Err(e) => Err(e),
            Ok(_) => Err(m.bad("the user stream did not open")),
        },
    }
}

/// Reads the stream until it ends (Err: why) or `tell` says stop (Ok).
fn follow(
    stream: Box<dyn std::io::BufRead + Send>,
    timing: &Timing,
    tell: &mut dyn FnMut(Heard) -> bool,
) -> Result<(), String> {
    let mut reader = sse::Reader::new(stream);
    loop {
        let heard = match reader.next_item() {
            Ok(None) => return Err("the server closed the stream".into()),
            Ok(Some(Item::Comment)) => Heard::Alive,
            Ok(Some(Item::Event(e))) if is_mention(&e) => Heard::Mention,
            Ok(Some(Item::Event(_))) => Heard::Alive,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Err(format!(
                    "no heartbeat for {} s",
                    timing.silence.as_secs_f32().round()
                ))
            }
            Err(e) => {
                return Err(format!(
                    "the stream broke ({})",
                    sanitize::message(&e.to_string())
                ))
            }
        };
        if !tell(heard) {
            return Ok(());
        }
    }
}

/// A `notification` event of type `mention`. Nothing else of it is read: the pull
/// that follows brings the mention itself.
fn is_mention(event: &sse::Event) -> bool {
    event.name == "notification"
        && serde_json::from_str::<serde_json::Value>(&event.data)
            .ok()
            .and_then(|v| {
                v.get("type")
                    .and_then(|t| t.as_str())
                    .map(|t| t == "mention")
            })
            .unwrap_or(false)
}

/// Where the server streams from: the instance's advertised streaming URL
/// (`/api/v2/instance` `configuration.urls.streaming`, else `/api/v1/instance`
/// `urls.streaming_api`, both `wss://…`) when it is the server itself or one of
/// its subdomains, else the server. The token is never sent anywhere else.
fn streaming_base(m: &Mastodon) -> String {
    let advertised = [
        ("/api/v2/instance", ["configuration", "urls", "streaming"]),
        ("/api/v1/instance", ["urls", "streaming_api", ""]),
    ]
    .iter()
    .find_map(|(path, keys)| {
        let answer = m.client.get(path, None).ok().filter(|a| a.ok())?;
        let mut v: serde_json::Value = serde_json::from_str(&answer.body).ok()?;
        for k in keys.iter().filter(|k| !k.is_empty()) {
            v = v.get(*k)?.clone();
        }
        v.as_str().map(str::to_string)
    });
    advertised
        .and_then(|url| accepted_base(&url, &m.client.base))
        .unwrap_or_else(|| m.client.base.clone())
}

/// `advertised` as an http(s) base, if the token may go there: the same scheme
/// strength as the server, on the server's host or a subdomain of it.
fn accepted_base(advertised: &str, server: &str) -> Option<String> {
    let url = advertised.trim().trim_end_matches('/');
    let url = if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        url.to_string()
    };
    let ours = split_server(server)?;
    let theirs = split_server(&url)?;
    let same_or_sub = theirs.host == ours.host || theirs.host.ends_with(&format!(".{}", ours.host));
    let scheme_ok = match theirs.scheme.as_str() {
        "https" => true,
        "http" => ours.scheme == "http" && is_loopback(&theirs.host),
        _ => false,
    };
    (same_or_sub && scheme_ok).then(|| format!("{}://{}", theirs.scheme, theirs.authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_only_to_the_server_or_its_subdomains() {
        let social = "https://mastodon.social";
        assert_eq!(
            accepted_base("wss://streaming.mastodon.social", social).as_deref(),
            Some("https://streaming.mastodon.social")
        );
        assert_eq!(
            accepted_base("wss://mastodon.social/", social).as_deref(),
            Some("https://mastodon.social")
        );
        assert_eq!(accepted_base("wss://evil.example", social), None);
        assert_eq!(accepted_base("wss://notmastodon.social", social), None);
        assert_eq!(
            accepted_base("ws://streaming.mastodon.social", social),
            None
        );
        assert_eq!(accepted_base("wss://x.mastodon.social/path", social), None);
        assert_eq!(
            accepted_base("ws://127.0.0.1:4000", "http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:4000")
        );
    }

    #[test]
    fn only_a_mention_notification_rings() {
        let ev = |name: &str, data: &str| sse::Event {
            name: name.into(),
            data: data.into(),
        };
        assert!(is_mention(&ev(
            "notification",
            r#"{"id":"1","type":"mention"}"#
        )));
        assert!(!is_mention(&ev(
            "notification",
            r#"{"id":"1","type":"favourite"}"#
        )));
        assert!(!is_mention(&ev("update", r#"{"type":"mention"}"#)));
        assert!(!is_mention(&ev("notification", "{broken")));
    }
}
