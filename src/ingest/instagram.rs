//! Saved Instagram Graph API comments on a post (`GET /{ig-media-id}/comments`, with
//! `fields=id,text,timestamp,username,from,hidden,media,replies{...}`):
//! `{data: [...], paging}`, or the bare `data` array. A top-level comment is a
//! `comment`; the replies nested in `replies.data` are `reply`s to it.
//!
//! Per Meta's IG Comment reference and generated SDK (igcomment.py): the default
//! fields are only `id`, `text` and `timestamp` (`2017-08-31T19:16:02+0000`, no
//! colon in the offset); the person is `from.id` (an IGSID) or else `username`, and
//! may be missing; hidden comments are marked `[hidden]`. No follower count.

use super::comment_threads::{Parent, Threads};
use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, AuthorLine, Line, MentionLine, Text};
use super::{Format, Parsed};
use crate::domain::MentionKind;
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Instagram,
    what: "Instagram comments on a post (GET /{ig-media-id}/comments)",
    looks_like,
    items: |doc| THREADS.items(doc),
};

fn is_comment(c: &Value) -> bool {
    c.get("timestamp").is_some() || c.get("username").is_some()
}

fn looks_like(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(is_comment),
        _ => doc
            .get("data")
            .and_then(Value::as_array)
            .and_then(|d| d.first())
            .is_some_and(is_comment),
    }
}

/// Comments nest their replies in `replies.data`; the post is `media.id`.
const THREADS: Threads = Threads {
    replies: "replies",
    post: "media",
    comment,
};

fn comment(c: &Owned<'_>, parent: Parent<'_>) -> Result<Parsed, Bad> {
    if !c.value.is_object() {
        return Err(c.bad(format!("expected an object, found {}", json::kind(c.value))));
    }
    let id = c.text("id")?;
    let from = c.object("from")?;
    let from_id = match &from {
        Some(f) => f.opt_text("id")?,
        None => None,
    };
    let username = match (&from, c.opt_text("username")?) {
        (_, Some(u)) => Some(u),
        (Some(f), None) => f.opt_text("username")?,
        (None, None) => None,
    };
    let author_id = from_id
        .or_else(|| username.clone())
        // Unknown to this token: an unknown person, never merged with others.
        .unwrap_or_else(|| format!("unknown:{id}"));
    let mut body = c.opt_text("text")?.unwrap_or_default();
    if body.trim().is_empty() {
        body = "(no text)".into();
    }
    if c.flag("hidden") {
        body = format!("[hidden] {body}");
    }
    let parent_id = match parent {
        Some((p, _)) => Some(p.to_string()),
        None => c.opt_text("parent_id")?,
    };
    let line = Line::Mention(MentionLine {
        platform: "instagram".into(),
        external_id: id.clone(),
        kind: if parent_id.is_some() {
            MentionKind::Reply
        } else {
            MentionKind::Comment
        },
        created_at: c.text("timestamp")?,
        body,
        author: AuthorLine {
            id: author_id,
            handle: username.clone().unwrap_or_else(|| "(unknown)".into()),
            name: None,
            followers: None,
            profile_url: username.map(|u| format!("https://www.instagram.com/{u}/")),
            is_bot: false,
        },
        url: None,
        parent_id,
        thread_id: Some(THREADS.thread(c, parent, &id)),
        account: None,
    });
    ndjson::to_record_of(line, Text::Plain)
        .map(Parsed::Record)
        .map_err(|reason| c.bad(reason))
}
