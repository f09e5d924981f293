//! Bluesky's `app.bsky.notification.listNotifications` into rapport's records,
//! shared by the live pull and file import of saved responses ([`notifications`]
//! takes the parsed `notifications` array). Mentions, replies and quotes become
//! inbox items; likes, reposts and follows are skipped. Text is raw (not HTML):
//! link facets put back the full URL the visible text may have shortened.

use crate::domain::MentionKind;
use crate::ingest::ndjson::{self, AuthorLine, Line, MentionLine, PostLine, ReplyLine};
use crate::platforms::Pulled;
use serde::Deserialize;
use std::collections::HashMap;

/// What the records need to know about the account they were pulled for.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The `[[accounts]]` name (empty for a saved file: none).
    pub account: String,
    /// did -> followers, from `app.bsky.actor.getProfiles`.
    pub followers: HashMap<String, i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub uri: String,
    #[serde(default)]
    pub cid: String,
    pub reason: String,
    pub author: Author,
    #[serde(default)]
    pub record: serde_json::Value,
    #[serde(rename = "indexedAt")]
    pub indexed_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub did: String,
    pub handle: String,
    #[serde(rename = "displayName", default)]
    pub display_name: Option<String>,
}

/// Whether rapport makes an inbox item of a notification with this reason.
pub fn wanted(reason: &str) -> bool {
    matches!(reason, "mention" | "reply" | "quote")
}

/// The records of a notifications array; one entry per mention, reply or quote.
pub fn notifications(items: &[serde_json::Value], ctx: &Context) -> Vec<Result<Pulled, String>> {
    items
        .iter()
        .filter_map(|item| {
            let n: Notification = match serde_json::from_value(item.clone()) {
                Ok(n) => n,
                Err(e) => return Some(Err(crate::domain::sanitize::message(&e.to_string()))),
            };
            wanted(&n.reason).then(|| record(&n, ctx))
        })
        .collect()
}

/// The text of a post record, facets rendered, as HTML for the one cleaning step.
fn body_of(post: &serde_json::Value) -> String {
    let text = post.get("text").and_then(|t| t.as_str()).unwrap_or("");
    let facets = post.get("facets").cloned().unwrap_or_default();
    let mut body = render(text, &facets);
    if body.trim().is_empty() {
        body = "(no text)".into();
    }
    // Raw text, but the cleaning turns anything that looks like HTML into text: wrap
    // it as HTML so it is decoded exactly once and "<b>" stays as written.
    format!(
        "<p>{}</p>",
        body.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\n', "<br>")
    )
}

/// A post of ours (a `app.bsky.feed.defs#postView`) that someone answered: our reply
/// (history, linked to what it answers) or our post answering nothing, kept so the
/// thread shows what the person answered.
pub fn our_post(post: &serde_json::Value, ctx: &Context) -> Result<Pulled, String> {
    let uri = post["uri"].as_str().unwrap_or("").to_string();
    let record = &post["record"];
    let body = body_of(record);
    let sent_at = record
        .get("createdAt")
        .and_then(|t| t.as_str())
        .or_else(|| post["indexedAt"].as_str())
        .unwrap_or("")
        .to_string();
    let account = Some(ctx.account.clone()).filter(|a| !a.is_empty());
    let line = match record.pointer("/reply/parent/uri").and_then(|u| u.as_str()) {
        Some(parent) => Line::OurReply(ReplyLine {
            platform: "bluesky".into(),
            external_id: uri,
            in_reply_to: parent.to_string(),
            body,
            sent_at,
            account,
        }),
        None => Line::OurPost(PostLine {
            platform: "bluesky".into(),
            external_id: uri,
            body,
            sent_at,
            account,
        }),
    };
    Ok(Pulled {
        record: ndjson::to_record(line)?,
        key: None,
    })
}

fn record(n: &Notification, ctx: &Context) -> Result<Pulled, String> {
    let body = body_of(&n.record);
    let created = n
        .record
        .get("createdAt")
        .and_then(|t| t.as_str())
        .unwrap_or(&n.indexed_at);
    let kind = if n.reason == "reply" {
        MentionKind::Reply
    } else {
        MentionKind::Mention
    };
    let line = Line::Mention(MentionLine {
        platform: "bluesky".into(),
        external_id: n.uri.clone(),
        kind,
        created_at: earliest(created, &n.indexed_at),
        body,
        author: AuthorLine {
            id: n.author.did.clone(),
            handle: n.author.handle.clone(),
            name: n
                .author
                .display_name
                .clone()
                .filter(|d| !d.trim().is_empty()),
            followers: ctx.followers.get(&n.author.did).copied(),
            profile_url: Some(format!("https://bsky.app/profile/{}", linkable(&n.author))),
            is_bot: false,
        },
        url: web_url(linkable(&n.author), &n.uri),
        parent_id: n
            .record
            .pointer("/reply/parent/uri")
            .and_then(|u| u.as_str())
            .map(String::from),
        thread_id: n
            .record
            .pointer("/reply/root/uri")
            .and_then(|u| u.as_str())
            .map(String::from),
        account: Some(ctx.account.clone()).filter(|a| !a.is_empty()),
    });
    Ok(Pulled {
        record: ndjson::to_record(line)?,
        key: None,
    })
}

/// What a web link names the author by: the handle, or the did when the handle no
/// longer verifies (`handle.invalid`, atproto.com/specs/handle).
fn linkable(author: &Author) -> &str {
    if author.handle == "handle.invalid" {
        &author.did
    } else {
        &author.handle
    }
}

/// `createdAt` is the client's word and can lie (far future); the AppView's
/// `indexedAt` bounds it, as Bluesky's own sort does.
fn earliest(created: &str, indexed: &str) -> String {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (parse(created), parse(indexed)) {
        (Some(c), Some(i)) if i < c => indexed.to_string(),
        (Some(_), _) => created.to_string(),
        _ => indexed.to_string(),
    }
}

/// `https://bsky.app/profile/{handle}/post/{rkey}` for a post's at-uri.
pub fn web_url(handle: &str, uri: &str) -> Option<String> {
    let rkey = uri.rsplit('/').next()?;
    uri.contains("/app.bsky.feed.post/")
        .then(|| format!("https://bsky.app/profile/{handle}/post/{rkey}"))
}

/// The text with each `#link` facet's byte range replaced by its full URL (the
/// visible text may be shortened). Facets are UTF-8 byte ranges; overlapping or
/// out-of-range ones are ignored.
pub fn render(text: &str, facets: &serde_json::Value) -> String {
    let mut links: Vec<(usize, usize, String)> = facets
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let start = f.pointer("/index/byteStart")?.as_u64()? as usize;
            let end = f.pointer("/index/byteEnd")?.as_u64()? as usize;
            let uri = f.get("features")?.as_array()?.iter().find_map(|feature| {
                (feature.get("$type")?.as_str()? == "app.bsky.richtext.facet#link")
                    .then(|| feature.get("uri")?.as_str().map(String::from))
                    .flatten()
            })?;
            (start < end && end <= text.len()).then_some((start, end, uri))
        })
        .collect();
    links.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, uri) in links {
        if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&uri);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn link_facets_give_the_full_url_in_bytes_not_chars() {
        let text = "é voir bsky.app/pro... ok";
        let start = text.find("bsky").unwrap();
        let end = text.find(" ok").unwrap();
        let facets = json!([{"index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://bsky.app/profile/x"}]}]);
        assert_eq!(
            render(text, &facets),
            "é voir https://bsky.app/profile/x ok"
        );
        let broken = json!([{"index": {"byteStart": 1, "byteEnd": 999}, "features": []}]);
        assert_eq!(render(text, &broken), text);
    }

    #[test]
    fn mentions_replies_and_quotes_become_items() {
        let n = |reason: &str| {
            json!({"uri": format!("at://did:plc:ana/app.bsky.feed.post/3k{reason}"), "cid": "bafy", "reason": reason,
                   "author": {"did": "did:plc:ana", "handle": "ana.bsky.social", "displayName": ""},
                   "record": {"$type": "app.bsky.feed.post", "text": "@northwind <b>hi</b>", "createdAt": "2099-01-01T00:00:00Z",
                              "reply": {"parent": {"uri": "at://p", "cid": "c"}, "root": {"uri": "at://r", "cid": "c"}}},
                   "indexedAt": "2026-11-20T09:14:03.5Z"})
        };
        let ctx = Context {
            account: "northwind-bsky".into(),
            followers: HashMap::from([("did:plc:ana".to_string(), 12)]),
        };
        let out = notifications(&[n("reply"), n("like"), n("quote")], &ctx);
        assert_eq!(out.len(), 2);
        let crate::domain::Record::Mention(m) = &out[0].as_ref().unwrap().record else {
            panic!()
        };
        assert_eq!(m.kind, MentionKind::Reply);
        assert_eq!(m.body, "@northwind <b>hi</b>");
        assert_eq!(m.author.followers, Some(12));
        assert_eq!(m.created_at.to_rfc3339(), "2026-11-20T09:14:03.500+00:00");
        assert_eq!(m.parent_external_id.as_deref(), Some("at://p"));
        assert_eq!(
            m.url.as_deref(),
            Some("https://bsky.app/profile/ana.bsky.social/post/3kreply")
        );
    }
}
