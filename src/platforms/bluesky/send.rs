//! Replies and likes on Bluesky: `com.atproto.repo.createRecord` of an
//! `app.bsky.feed.post` (with `reply.root`/`reply.parent` strong refs and a mention
//! facet in UTF-8 byte offsets) or an `app.bsky.feed.like`. The record key comes
//! from the action's idempotency key, so a retry addresses the same record: if it
//! exists (a conflict, or found by `getRecord` after a timeout), it was sent.

use super::{parse, Bluesky};
use crate::delivery::{Delivery, Outgoing};
use crate::domain::sanitize;
use crate::platforms::{http, PlatformError};
use serde_json::{json, Value};
use sha2::Digest;

pub fn deliver(b: &Bluesky, action: &Outgoing) -> Delivery {
    let Some(target) = action
        .in_reply_to
        .as_deref()
        .filter(|t| t.starts_with("at://"))
    else {
        return Delivery::Failed("the action names no Bluesky post (at://…) to answer".into());
    };
    let collection = match action.kind.as_str() {
        "like" => "app.bsky.feed.like",
        "reply" | "thank" => "app.bsky.feed.post",
        other => {
            return Delivery::Failed(format!(
                "{} is not something Bluesky can deliver",
                sanitize::shown(other)
            ))
        }
    };
    let session = match b.session() {
        Ok(s) => s,
        Err(e) => return failure(e),
    };
    let rkey = rkey_for(&action.idempotency_key);
    if action.attempts > 1 {
        match existing(b, &session.did, collection, &rkey) {
            Ok(Some(uri)) => return sent(&session.handle, uri),
            Ok(None) => {}
            Err(e) => return failure(e),
        }
    }
    let post = match b.posts(&[target.to_string()]) {
        Ok(mut p) if !p.is_empty() => p.remove(0),
        Ok(_) => {
            return Delivery::Failed(
                "the post answered was deleted, or is not visible to this account".into(),
            )
        }
        Err(e) => return failure(e),
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let subject = json!({"uri": post["uri"], "cid": post["cid"]});
    let record = if collection == "app.bsky.feed.like" {
        json!({"$type": collection, "subject": subject, "createdAt": now})
    } else {
        let handle = post["author"]["handle"].as_str().unwrap_or_default();
        let did = post["author"]["did"].as_str().unwrap_or_default();
        let root = post["record"]["reply"]["root"].clone();
        let root = if root.is_object() {
            root
        } else {
            subject.clone()
        };
        let (text, facets) = with_mention(&action.body, handle, did);
        json!({"$type": collection, "text": text, "facets": facets, "createdAt": now,
               "reply": {"root": root, "parent": subject}})
    };
    let body =
        json!({"repo": session.did, "collection": collection, "rkey": rkey, "record": record});
    let created = b
        .call(|auth| {
            b.client.post_json(
                "/xrpc/com.atproto.repo.createRecord",
                Some(auth),
                &[],
                &body,
            )
        })
        .and_then(|a| b.checked(a));
    match created {
        Ok(a) => {
            let v: Value = serde_json::from_str(&a.body).unwrap_or_default();
            match v["uri"].as_str() {
                Some(uri) => sent(&session.handle, uri.to_string()),
                None => Delivery::Unknown(format!(
                    "{} took the record but did not say where it is",
                    b.client.host
                )),
            }
        }
        // The record key is taken: an earlier attempt made it.
        Err(e)
            if e.maybe_done()
                || matches!(
                    e,
                    PlatformError::Refused {
                        status: 400 | 409,
                        ..
                    }
                ) =>
        {
            match existing(b, &session.did, collection, &rkey) {
                Ok(Some(uri)) => sent(&session.handle, uri),
                Ok(None) => failure(e),
                Err(_) => failure(e),
            }
        }
        Err(e) => failure(e),
    }
}

/// The uri of our record `rkey` in `collection`, if it exists.
fn existing(
    b: &Bluesky,
    did: &str,
    collection: &str,
    rkey: &str,
) -> Result<Option<String>, PlatformError> {
    let path = format!(
        "/xrpc/com.atproto.repo.getRecord?repo={}&collection={collection}&rkey={}",
        http::percent_encode(did),
        http::percent_encode(rkey)
    );
    let answer = b.call(|auth| b.client.get(&path, Some(auth)))?;
    if answer.status == 400 || answer.status == 404 {
        return Ok(None);
    }
    let answer = b.checked(answer)?;
    let v: Value = serde_json::from_str(&answer.body).map_err(|e| b.bad(e))?;
    Ok(v["uri"].as_str().map(String::from))
}

fn sent(our_handle: &str, uri: String) -> Delivery {
    Delivery::Sent {
        url: parse::web_url(our_handle, &uri),
        remote_id: Some(sanitize::one_line(&uri)),
    }
}

/// A record key from the idempotency key: the key itself when it is a valid record
/// key (`rapport-<hex>` is), else a hash of it. Same key, same record.
pub fn rkey_for(key: &str) -> String {
    let valid = !key.is_empty()
        && key.len() <= 512
        && key != "."
        && key != ".."
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '~'));
    if valid {
        return key.to_string();
    }
    let hash = sha2::Sha256::digest(key.as_bytes());
    format!(
        "rapport-{}",
        hash.iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// The text starting with `@handle` unless it mentions them, and its mention facet
/// (UTF-8 byte offsets).
pub fn with_mention(body: &str, handle: &str, did: &str) -> (String, Value) {
    let at = format!("@{handle}");
    let text = if handle.is_empty() || body.to_ascii_lowercase().contains(&at.to_ascii_lowercase())
    {
        body.to_string()
    } else {
        format!("{at} {body}")
    };
    let facets = match text.to_ascii_lowercase().find(&at.to_ascii_lowercase()) {
        Some(start) if !handle.is_empty() && !did.is_empty() => json!([{
            "index": {"byteStart": start, "byteEnd": start + at.len()},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]
        }]),
        _ => json!([]),
    };
    (text, facets)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_and_mentions() {
        assert_eq!(rkey_for("rapport-9f0c"), "rapport-9f0c");
        let odd = rkey_for("a key/with spaces");
        assert!(odd.starts_with("rapport-") && odd.len() == 40);
        assert_eq!(odd, rkey_for("a key/with spaces"));
        let (text, facets) = with_mention("Merci été", "ana.bsky.social", "did:plc:ana");
        assert_eq!(text, "@ana.bsky.social Merci été");
        assert_eq!(facets[0]["index"]["byteEnd"], 16);
        let (text, facets) = with_mention("Hé @ana.bsky.social", "ana.bsky.social", "did:plc:ana");
        assert_eq!(text, "Hé @ana.bsky.social");
        assert_eq!(facets[0]["index"]["byteStart"], 4, "bytes, not chars");
    }
}
