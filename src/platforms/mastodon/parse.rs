//! Mastodon's JSON (v1 Notification and Status, docs.joinmastodon.org/entities) into
//! rapport's records. Shared by the live pull and by file import of saved API
//! responses (`ingest::mastodon`): [`notifications`] takes a parsed Notification
//! array, [`status_record`] one Status.
//!
//! Every field goes through `ingest::ndjson::to_record`, the same cleaning as a file
//! import: HTML content to plain text once, control and bidi characters removed, ids
//! checked and capped.

use super::ids;
use crate::domain::{MentionKind, Record};
use crate::ingest::ndjson::{self, AuthorLine, Line, MentionLine, PostLine, ReplyLine};
use crate::platforms::Pulled;
use serde::Deserialize;

/// What the records need to know about the account they were pulled for.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The `[[accounts]]` name: every mention carries it (empty for a saved file:
    /// none).
    pub account: String,
    /// The server's host, to make local handles (`ana`) global (`ana@host`). Empty
    /// for a saved file: the host of the person's profile url is taken instead.
    pub host: String,
    /// Our account id on that server: a mention answering one of our statuses is a
    /// `reply`; a status of ours is history, not an inbox item.
    pub our_id: Option<String>,
}

/// A Status, as far as rapport reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub id: String,
    pub uri: String,
    #[serde(default)]
    pub url: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub spoiler_text: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_account_id: Option<String>,
    pub account: Account,
    /// The accounts the status mentions.
    #[serde(default)]
    pub mentions: Vec<Mentioned>,
}

/// One of a status's `mentions[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Mentioned {
    pub id: String,
}

/// An Account, as far as rapport reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: String,
    pub acct: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub bot: bool,
    #[serde(default)]
    pub followers_count: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    status: Option<Status>,
}

/// The records of a Notification array: mentions become inbox items; other types
/// (favourites, follows, …) are skipped. One entry per notification that is a
/// mention: `Err` says why it could not be read.
pub fn notifications(items: &[serde_json::Value], ctx: &Context) -> Vec<Result<Pulled, String>> {
    items
        .iter()
        .filter_map(|item| {
            let n: Notification = match serde_json::from_value(item.clone()) {
                Ok(n) => n,
                Err(e) => return Some(Err(crate::domain::sanitize::message(&e.to_string()))),
            };
            if n.kind != "mention" {
                return None;
            }
            let Some(status) = n.status else {
                return Some(Err("a mention without its status".into()));
            };
            Some(status_record(&status, ctx))
        })
        .collect()
}

/// The kind of a status that mentions us.
pub fn kind_of(status: &Status, ctx: &Context) -> MentionKind {
    if status.visibility == "direct" {
        MentionKind::DirectMessage
    } else if status.in_reply_to_account_id.is_some() && status.in_reply_to_account_id == ctx.our_id
    {
        MentionKind::Reply
    } else {
        MentionKind::Mention
    }
}

/// One status as a record: ours (history) or someone else's (an inbox item).
pub fn status_record(status: &Status, ctx: &Context) -> Result<Pulled, String> {
    let ours = ctx.our_id.as_deref() == Some(status.account.id.as_str());
    let body = body_html(status);
    let line = if ours && status.in_reply_to_id.is_none() {
        // Our own post answering nothing: what people answer, kept for their threads.
        Line::OurPost(PostLine {
            platform: "mastodon".into(),
            external_id: ids::stored(&status.id, &ctx.host),
            body,
            sent_at: status.created_at.clone(),
            account: Some(ctx.account.clone()).filter(|a| !a.is_empty()),
        })
    } else if let Some(parent) = status.in_reply_to_id.clone().filter(|_| ours) {
        // Our own status answering something: history, linked to what it answers.
        Line::OurReply(ReplyLine {
            platform: "mastodon".into(),
            external_id: ids::stored(&status.id, &ctx.host),
            in_reply_to: ids::stored(&parent, &ctx.host),
            body,
            sent_at: status.created_at.clone(),
            account: Some(ctx.account.clone()).filter(|a| !a.is_empty()),
        })
    } else {
        let a = &status.account;
        Line::Mention(MentionLine {
            platform: "mastodon".into(),
            external_id: ids::stored(&status.id, &ctx.host),
            kind: kind_of(status, ctx),
            created_at: status.created_at.clone(),
            body,
            author: AuthorLine {
                id: global_acct(&a.acct, &host_of(&ctx.host, a.url.as_deref())),
                handle: a.acct.clone(),
                name: a.display_name.clone().filter(|n| !n.trim().is_empty()),
                // -1: the person or the server hides the count.
                followers: a.followers_count.filter(|f| *f >= 0),
                profile_url: a.url.clone(),
                is_bot: a.bot,
            },
            url: status.url.clone().or_else(|| Some(status.uri.clone())),
            parent_id: status
                .in_reply_to_id
                .as_deref()
                .map(|p| ids::stored(p, &ctx.host)),
            thread_id: None,
            account: Some(ctx.account.clone()).filter(|a| !a.is_empty()),
        })
    };
    let record: Record = ndjson::to_record(line)?;
    Ok(Pulled {
        record,
        key: Some(status.uri.clone()),
    })
}

/// The HTML to turn into the body: the content warning first, then the content.
fn body_html(status: &Status) -> String {
    let mut html = String::new();
    if !status.spoiler_text.trim().is_empty() {
        html.push_str("<p>CW: ");
        html.push_str(&escape(&status.spoiler_text));
        html.push_str("</p>");
    }
    html.push_str(&crate::ingest::html::without_anchors(&status.content));
    if html.trim().is_empty() {
        // Media only: say so rather than store nothing.
        html.push_str("<p>(no text)</p>");
    }
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The account's server: `host`, or when unknown (a saved file) the host of the
/// profile url (`https://m.example/@ana`).
fn host_of(host: &str, profile_url: Option<&str>) -> String {
    if !host.is_empty() {
        return host.to_string();
    }
    profile_url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
        .to_string()
}

/// `ana` on mastodon.social is `ana@mastodon.social` everywhere.
pub fn global_acct(acct: &str, host: &str) -> String {
    if acct.contains('@') || host.is_empty() {
        acct.to_string()
    } else {
        format!("{acct}@{host}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(visibility: &str, followers: i64) -> serde_json::Value {
        json!({
            "id": "1101", "uri": "https://other.example/users/ana/statuses/9",
            "url": "https://other.example/@ana/9", "created_at": "2026-11-20T09:14:03.120Z",
            "content": "<p><span class=\"h-card\"><a href=\"https://m.example/@northwind\" class=\"u-url mention\">@<span>northwind</span></a></span> is it back &amp; when?\u{7}</p>",
            "spoiler_text": "", "visibility": visibility, "in_reply_to_id": null,
            "in_reply_to_account_id": null,
            "account": {"id": "77", "acct": "ana@other.example", "display_name": "Ana \u{202e}",
                        "url": "https://other.example/@ana", "bot": false, "followers_count": followers}
        })
    }

    fn ctx() -> Context {
        Context {
            account: "northwind".into(),
            host: "m.example".into(),
            our_id: Some("1".into()),
        }
    }

    #[test]
    fn a_mention_becomes_a_clean_record() {
        let items = vec![
            json!({"id": "5", "type": "mention", "status": status("public", -1)}),
            json!({"id": "6", "type": "favourite", "status": status("public", 3)}),
        ];
        let out = notifications(&items, &ctx());
        assert_eq!(out.len(), 1);
        let Record::Mention(m) = &out[0].as_ref().unwrap().record else {
            panic!("not a mention")
        };
        assert_eq!(m.kind, MentionKind::Mention);
        assert_eq!(m.body, "@northwind is it back & when?");
        assert_eq!(m.author.followers, None);
        assert_eq!(m.author.display_name.as_deref(), Some("Ana"));
        assert_eq!(m.account.as_deref(), Some("northwind"));
        assert_eq!(
            out[0].as_ref().unwrap().key.as_deref(),
            Some("https://other.example/users/ana/statuses/9")
        );
    }

    #[test]
    fn direct_and_replies_to_us() {
        let dm = notifications(
            &[json!({"id": "5", "type": "mention", "status": status("direct", 10)})],
            &ctx(),
        );
        let Record::Mention(m) = &dm[0].as_ref().unwrap().record else {
            panic!()
        };
        assert_eq!(m.kind, MentionKind::DirectMessage);
        assert_eq!(m.author.followers, Some(10));
        let mut s = status("public", 1);
        s["in_reply_to_id"] = json!("100");
        s["in_reply_to_account_id"] = json!("1");
        let out = notifications(
            &[json!({"id": "5", "type": "mention", "status": s})],
            &ctx(),
        );
        let Record::Mention(m) = &out[0].as_ref().unwrap().record else {
            panic!()
        };
        assert_eq!(m.kind, MentionKind::Reply);
        assert_eq!(m.parent_external_id.as_deref(), Some("100@m.example"));
        assert_eq!(m.external_id, "1101@m.example");
    }

    #[test]
    fn unreadable_items_say_why() {
        let out = notifications(
            &[json!({"id": "5", "type": "mention"}), json!({"id": 5})],
            &ctx(),
        );
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|r| r.is_err()));
    }
}
