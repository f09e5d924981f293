//! Saved Facebook Graph API comments on a post (`GET /{post-id}/comments`, with
//! `fields=id,from,message,created_time,is_hidden,permalink_url,comments{...}`):
//! `{data: [...], paging}`, or the bare `data` array. A top-level comment is a
//! `comment`; the replies nested in `comments.data` are `reply`s to it.
//!
//! Per the Graph API reference and Meta's generated SDK (comment.py): times are
//! `2026-08-17T14:03:29+0000` (no colon in the offset); `from` is missing unless the
//! person authorized the app or the token is the Page's, so a comment may have no
//! known author; `message` is empty for sticker and photo comments; hidden comments
//! still come back and are marked `[hidden]`. Commenters have no follower count.

use super::comment_threads::{Parent, Threads};
use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, AuthorLine, Line, MentionLine, Text};
use super::{Format, Parsed};
use crate::domain::MentionKind;
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Facebook,
    what: "Facebook comments on a post (GET /{post-id}/comments)",
    looks_like,
    items: |doc| THREADS.items(doc),
};

fn is_comment(c: &Value) -> bool {
    c.get("created_time").is_some() || c.get("message").is_some()
}

fn looks_like(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(is_comment),
        _ => match doc.get("data").and_then(Value::as_array) {
            Some(data) => data.first().map_or(doc.get("paging").is_some(), is_comment),
            None => false,
        },
    }
}

/// Comments nest their replies in `comments.data`; the post is `object.id` (asked
/// with `fields=object`).
const THREADS: Threads = Threads {
    replies: "comments",
    post: "object",
    comment,
};

fn comment(c: &Owned<'_>, parent: Parent<'_>) -> Result<Parsed, Bad> {
    if !c.value.is_object() {
        return Err(c.bad(format!("expected an object, found {}", json::kind(c.value))));
    }
    let id = c.text("id")?;
    let from = c.object("from")?;
    let (author_id, handle, name) = match &from {
        Some(f) => {
            let name = f.opt_text("name")?;
            (
                f.text("id")?,
                name.clone().unwrap_or_else(|| "(unknown)".into()),
                name,
            )
        }
        // Not returned to this token: an unknown person, never merged with others.
        None => (format!("unknown:{id}"), "(unknown)".to_string(), None),
    };
    let mut body = c.opt_text("message")?.unwrap_or_default();
    if body.trim().is_empty() {
        body = if c.get("attachment").is_some() {
            "(attachment)".into()
        } else {
            "(no text)".into()
        };
    }
    if c.flag("is_hidden") {
        body = format!("[hidden] {body}");
    }
    let parent_id = match parent {
        Some((p, _)) => Some(p.to_string()),
        None => c
            .get("parent")
            .and_then(|p| p.opt_text("id").ok().flatten()),
    };
    let line = Line::Mention(MentionLine {
        platform: "facebook".into(),
        external_id: id.clone(),
        kind: if parent_id.is_some() {
            MentionKind::Reply
        } else {
            MentionKind::Comment
        },
        created_at: c.text("created_time")?,
        body,
        author: AuthorLine {
            id: author_id,
            handle,
            name,
            followers: None,
            profile_url: None,
            is_bot: false,
        },
        url: c.opt_text("permalink_url")?,
        parent_id,
        thread_id: Some(THREADS.thread(c, parent, &id)),
        account: None,
    });
    ndjson::to_record_of(line, Text::Plain)
        .map(Parsed::Record)
        .map_err(|reason| c.bad(reason))
}
