//! Replies and likes on Mastodon.
//!
//! A reply is `POST /api/v1/statuses` with the answered status's visibility (a
//! direct message is answered directly, never more widely), starting with `@acct`
//! so the person is notified, and the action's idempotency key as `Idempotency-Key`
//! (Mastodon keeps keys an hour). When an attempt's outcome is unknown (a timeout,
//! a 5xx, a retry), our recent statuses are searched for the reply FIRST: found, it
//! is recorded as sent rather than posted again. A like is
//! `POST /api/v1/statuses/:id/favourite`, harmless to repeat.

use super::{ids, parse, Mastodon};
use crate::delivery::{Delivery, Outgoing};
use crate::domain::sanitize;
use crate::platforms::{http, PlatformError};
use serde_json::json;

/// How many of our latest statuses the lookup reads.
const LOOKUP: usize = 40;

pub fn deliver(m: &Mastodon, action: &Outgoing) -> Delivery {
    let Some(stored) = action.in_reply_to.as_deref().filter(|t| !t.is_empty()) else {
        return Delivery::Failed("the action names no Mastodon status to answer".into());
    };
    // The status id on this account's server; one pulled elsewhere is never sent here.
    let target = match ids::local(stored, &m.client.host) {
        Ok(t) => t,
        Err(e) => return Delivery::Failed(e),
    };
    match action.kind.as_str() {
        "like" => like(m, target),
        "reply" | "thank" => reply(m, action, target),
        other => Delivery::Failed(format!(
            "{} is not something Mastodon can deliver",
            sanitize::shown(other)
        )),
    }
}

fn like(m: &Mastodon, target: &str) -> Delivery {
    let path = format!(
        "/api/v1/statuses/{}/favourite",
        http::percent_encode(target)
    );
    let answer = m
        .auth()
        .and_then(|auth| m.client.post_json(&path, Some(&auth), &[], &json!({})))
        .and_then(|a| m.checked(a));
    match answer {
        Ok(a) => {
            let status: Option<parse::Status> = serde_json::from_str(&a.body).ok();
            Delivery::Sent {
                remote_id: Some(ids::stored(&sanitize::one_line(target), &m.client.host)),
                url: status.and_then(|s| s.url).map(|u| sanitize::one_line(&u)),
            }
        }
        // A like is idempotent: any temporary trouble is simply tried again.
        Err(e) => failure(e, "the status is gone, or not visible to this account"),
    }
}

fn reply(m: &Mastodon, action: &Outgoing, target: &str) -> Delivery {
    // Earlier attempts may have gone out: look before posting again.
    if action.attempts > 1 {
        match find_reply(m, target, &action.body) {
            Ok(Some(sent)) => return sent,
            Ok(None) => {}
            Err(e) => return failure(e, ""),
        }
    }
    let parent = match m.status(target) {
        Ok(p) => p,
        Err(e) => {
            return failure(
                e,
                "the status answered was deleted, or is not visible to this account",
            )
        }
    };
    let visibility = match parent.visibility.as_str() {
        v @ ("public" | "unlisted" | "private" | "direct") => v,
        // Unknown: the narrowest, never wider than what was answered.
        _ => "direct",
    };
    let text = with_mention(&action.body, &parent.account.acct);
    let body = json!({
        "status": text,
        "in_reply_to_id": target,
        "visibility": visibility,
    });
    let posted = m.auth().and_then(|auth| {
        m.client.post_json(
            "/api/v1/statuses",
            Some(&auth),
            &[("Idempotency-Key", action.idempotency_key.as_str())],
            &body,
        )
    });
    let posted = posted.and_then(|a| m.checked(a));
    match posted {
        Ok(a) => match serde_json::from_str::<parse::Status>(&a.body) {
            Ok(s) => sent(m, &s),
            Err(e) => Delivery::Unknown(format!(
                "{} took the reply but its answer could not be read: {}",
                m.client.host,
                sanitize::message(&e.to_string())
            )),
        },
        Err(e) if e.maybe_done() => match find_reply(m, target, &action.body) {
            Ok(Some(found)) => found,
            // Not there: trying again is safe, the same Idempotency-Key dedupes it.
            Ok(None) => Delivery::Temporary {
                error: e.to_string(),
                retry_after: None,
            },
            Err(_) => Delivery::Temporary {
                error: e.to_string(),
                retry_after: None,
            },
        },
        Err(e) => failure(e, ""),
    }
}

/// Our reply to `target` among our latest statuses, if it is there.
fn find_reply(m: &Mastodon, target: &str, body: &str) -> Result<Option<Delivery>, PlatformError> {
    let me = m.our_id()?;
    let answer = m.get(&format!(
        "/api/v1/accounts/{}/statuses?limit={LOOKUP}&exclude_reblogs=true",
        http::percent_encode(&me)
    ))?;
    let statuses: Vec<serde_json::Value> =
        serde_json::from_str(&answer.body).map_err(|e| m.bad(e))?;
    let wanted = words(body);
    for value in statuses {
        let Ok(s) = serde_json::from_value::<parse::Status>(value) else {
            continue;
        };
        if s.in_reply_to_id.as_deref() != Some(target) {
            continue;
        }
        let text = words(&crate::ingest::html::to_plain(&s.content));
        if text.contains(&wanted) {
            return Ok(Some(sent(m, &s)));
        }
    }
    Ok(None)
}

fn words(text: &str) -> String {
    sanitize::one_line(text).to_lowercase()
}

fn sent(m: &Mastodon, s: &parse::Status) -> Delivery {
    Delivery::Sent {
        remote_id: Some(ids::stored(&sanitize::one_line(&s.id), &m.client.host)),
        url: s
            .url
            .as_deref()
            .or(Some(s.uri.as_str()))
            .map(sanitize::one_line),
    }
}

/// The reply text, starting with `@acct` unless it already mentions them.
pub fn with_mention(body: &str, acct: &str) -> String {
    let handle = format!("@{acct}");
    let local = format!("@{}", acct.split('@').next().unwrap_or(acct));
    let lower = body.to_lowercase();
    let mentioned = lower.split_whitespace().any(|w| {
        let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        w == handle.to_lowercase() || (!acct.contains('@') && w == local.to_lowercase())
    });
    if mentioned {
        body.to_string()
    } else {
        format!("{handle} {body}")
    }
}

/// What a failed call means for the action.
fn failure(e: PlatformError, not_found: &str) -> Delivery {
    match e {
        PlatformError::RateLimited { retry_after, .. } => Delivery::Temporary {
            error: e.to_string(),
            retry_after,
        },
        PlatformError::Refused { status: 404, .. } if !not_found.is_empty() => {
            Delivery::Failed(format!("{e}: {not_found}"))
        }
        e if e.is_temporary() => Delivery::Temporary {
            error: e.to_string(),
            retry_after: None,
        },
        e => Delivery::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_is_mentioned_once() {
        assert_eq!(
            with_mention("Back on Friday!", "ana"),
            "@ana Back on Friday!"
        );
        assert_eq!(
            with_mention("@ana back on Friday", "ana"),
            "@ana back on Friday"
        );
        assert_eq!(
            with_mention("Hi @Ana@other.example, yes", "ana@other.example"),
            "Hi @Ana@other.example, yes"
        );
        assert_eq!(
            with_mention("@ana yes", "ana@other.example"),
            "@ana@other.example @ana yes"
        );
    }
}
