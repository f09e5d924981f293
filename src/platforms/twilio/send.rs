//! Replies by SMS: `POST …/Messages.json` with `To` (the person's number), `From`
//! (ours) and `Body`, form-encoded.
//!
//! Twilio's Messages API has no idempotency key, so a reply whose outcome is unknown
//! (a timeout, a 5xx, an earlier attempt) is looked for before it is posted again:
//! our messages to that number sent since the action was queued, with the same text.
//! Found, it is recorded as sent; not found, it is tried again; when the lookup itself
//! fails, nobody can tell, and the action is `unknown` (never sent twice). A 429 is
//! never processed by Twilio (error 20429), so it is simply tried later. There is no
//! like on SMS.

use super::{parse, Twilio};
use crate::delivery::{Delivery, Outgoing};
use crate::domain::{sanitize, MentionKind};
use crate::platforms::{http, PlatformError};

/// Pages of the lookup read at most (of `super::PAGE` messages each): a thousand of
/// our texts to one number in a day or two is already more than any conversation.
/// Kept small so a lookup, the post and a lookup stay within the sender's timeout
/// (`AccountSender::timeout`, four requests' worth).
const LOOKUP_PAGES: usize = 1;
/// Seconds a message may predate its action and still be it (clock skew).
const SKEW_SECS: i64 = 120;

pub fn deliver(t: &Twilio, action: &Outgoing) -> Delivery {
    match action.kind.as_str() {
        "reply" | "thank" => reply(t, action),
        "like" => Delivery::Failed(
            crate::domain::platforms::why_no_like("twilio", MentionKind::Sms)
                .unwrap_or_else(|| "an SMS cannot be liked".into()),
        ),
        other => Delivery::Failed(format!(
            "{} is not something Twilio can deliver",
            sanitize::shown(other)
        )),
    }
}

fn reply(t: &Twilio, action: &Outgoing) -> Delivery {
    let Some(to) = action
        .author
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    else {
        return Delivery::Failed("the action names no phone number to text".into());
    };
    if action.body.trim().is_empty() {
        return Delivery::Failed("an empty text is not sent".into());
    }
    // An earlier attempt may have gone out: look before posting again.
    if action.attempts > 1 {
        match find_sent(t, to, action) {
            Ok(Some(sent)) => return sent,
            Ok(None) => {}
            Err(e) => return lookup_failed(e),
        }
    }
    let posted = t.post(
        &t.messages_path(),
        &[("To", to), ("From", &t.number), ("Body", &action.body)],
    );
    match posted {
        Ok(a) => match serde_json::from_str::<parse::Message>(&a.body) {
            Ok(m) => sent(&m),
            Err(e) => Delivery::Unknown(format!(
                "{} took the text but its answer could not be read: {}",
                t.client.host,
                sanitize::message(&e.to_string())
            )),
        },
        Err((e, wait)) if e.maybe_done() => match find_sent(t, to, action) {
            Ok(Some(found)) => found,
            // Not there: trying again is safe; the next attempt looks first again.
            Ok(None) => Delivery::Temporary {
                error: e.to_string(),
                retry_after: wait,
            },
            Err(lookup) => lookup_failed(lookup),
        },
        Err((e, _)) => failure(e),
    }
}

/// What a call that certainly did nothing means: a 429 (error 20429, never
/// processed) waits as Twilio asks; other temporary trouble is retried; the rest fails.
fn failure(e: PlatformError) -> Delivery {
    match e {
        PlatformError::RateLimited { retry_after, .. } => Delivery::Temporary {
            error: e.to_string(),
            retry_after,
        },
        e if e.is_temporary() => Delivery::Temporary {
            error: e.to_string(),
            retry_after: None,
        },
        e => Delivery::Failed(e.to_string()),
    }
}

/// What a lookup that did not answer means: a rate limit is waited out (nothing is
/// posted before a lookup answers); anything else leaves it unknowable.
fn lookup_failed(e: PlatformError) -> Delivery {
    match e {
        PlatformError::RateLimited { retry_after, .. } => Delivery::Temporary {
            error: e.to_string(),
            retry_after,
        },
        e => Delivery::Unknown(format!(
            "the text may have gone out, and looking for it failed: {e}; check the number's messages in the Twilio console"
        )),
    }
}

/// Our text to `to` with the action's body, sent since the action was queued.
fn find_sent(t: &Twilio, to: &str, action: &Outgoing) -> Result<Option<Delivery>, PlatformError> {
    let since =
        chrono::DateTime::from_timestamp(action.created_at - SKEW_SECS, 0).unwrap_or_default();
    let mut path = format!(
        "{}?From={}&To={}&DateSent%3E={}&PageSize={}",
        t.messages_path(),
        http::percent_encode(&t.number),
        http::percent_encode(to),
        super::day_of(since),
        super::PAGE
    );
    let wanted = words(&action.body);
    for _ in 0..LOOKUP_PAGES {
        let list = t.list(&path)?;
        for value in list.messages {
            let Ok(m) = serde_json::from_value::<parse::Message>(value) else {
                continue;
            };
            let ours = m.direction.starts_with("outbound")
                && m.to.as_deref().map(str::trim) == Some(to)
                && m.sent_at().map(|at| at >= since).unwrap_or(true);
            if ours && words(m.body.as_deref().unwrap_or("")) == wanted {
                return Ok(Some(sent(&m)));
            }
        }
        match t.next_page(list.next_page_uri.as_deref()) {
            Some(next) => path = next,
            None => break,
        }
    }
    Ok(None)
}

/// Text compared without case and with whitespace folded.
fn words(text: &str) -> String {
    sanitize::one_line(text).to_lowercase()
}

fn sent(m: &parse::Message) -> Delivery {
    Delivery::Sent {
        remote_id: Some(sanitize::one_line(&m.sid)),
        url: None,
    }
}
