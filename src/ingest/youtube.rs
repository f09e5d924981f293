//! A saved YouTube Data API v3 `commentThreads.list` response
//! (`{kind: "youtube#commentThreadListResponse", items: [...]}`, or the bare `items`
//! array): each thread's top-level comment is a `comment`, and the replies it carries
//! (`replies.comments`, a subset; `comments.list?parentId=` has all) are `reply`s to
//! it.
//!
//! Per developers.google.com/youtube/v3/docs: the body is `textOriginal` (raw text,
//! only sometimes returned), else `textDisplay` (HTML by default); the author is
//! `authorChannelId.value` (an object, not a string); times are ISO 8601 with or
//! without fractions. No follower count comes with a comment.

use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, AuthorLine, Line, MentionLine, Text};
use super::{Format, Item, Parsed};
use crate::domain::MentionKind;
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Youtube,
    what: "YouTube comment threads (commentThreads.list)",
    looks_like,
    items,
};

fn is_thread(t: &Value) -> bool {
    t.get("kind").and_then(Value::as_str) == Some("youtube#commentThread")
        || t.pointer("/snippet/topLevelComment").is_some()
}

fn looks_like(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(is_thread),
        _ => {
            doc.get("kind").and_then(Value::as_str) == Some("youtube#commentThreadListResponse")
                || doc
                    .get("items")
                    .and_then(Value::as_array)
                    .and_then(|i| i.first())
                    .is_some_and(is_thread)
        }
    }
}

fn items(doc: &Value) -> Vec<Item> {
    let root = Owned::root(doc);
    let threads = if doc.is_array() {
        root.elements()
    } else {
        root.array("items")
    };
    let threads = match threads {
        Ok(t) => t,
        Err(bad) => return vec![json::item("", Err(bad))],
    };
    let mut out = Vec::new();
    for thread in &threads {
        match thread_comments(thread) {
            Ok(comments) => out.extend(comments),
            Err(bad) => out.push(json::item(&thread.path, Err(bad))),
        }
    }
    out
}

fn thread_comments(thread: &Owned<'_>) -> Result<Vec<Item>, Bad> {
    let snippet = thread
        .object("snippet")?
        .ok_or_else(|| thread.bad_at("snippet", "missing"))?;
    let top = snippet
        .object("topLevelComment")?
        .ok_or_else(|| snippet.bad_at("topLevelComment", "missing"))?;
    let video = snippet.opt_text("videoId")?;
    let mut out = vec![json::item(&top.path, comment(&top, video.as_deref(), None))];
    if let Some(replies) = thread.object("replies")? {
        let top_id = top.text("id")?;
        for reply in replies.array("comments")? {
            out.push(json::item(
                &reply.path,
                comment(&reply, video.as_deref(), Some(&top_id)),
            ));
        }
    }
    Ok(out)
}

fn comment(c: &Owned<'_>, video: Option<&str>, top: Option<&str>) -> Result<Parsed, Bad> {
    let id = c.text("id")?;
    let s = c
        .object("snippet")?
        .ok_or_else(|| c.bad_at("snippet", "missing"))?;
    let (body, text) = match s.opt_text("textOriginal")? {
        Some(raw) => (raw, Text::Plain),
        None => (s.text("textDisplay")?, Text::Html),
    };
    // `authorChannelId` is `{"value": "UC..."}`; a bare string reads too.
    let channel = match s.get("authorChannelId") {
        Some(a) if a.value.is_object() => a.opt_text("value")?,
        Some(_) => s.opt_text("authorChannelId")?,
        None => None,
    };
    let name = s.opt_text("authorDisplayName")?.unwrap_or_default();
    let handle = name.trim().trim_start_matches('@').to_string();
    let video = s.opt_text("videoId")?.or(video.map(String::from));
    let parent = match top {
        Some(t) => Some(s.opt_text("parentId")?.unwrap_or_else(|| t.to_string())),
        None => None,
    };
    let line = Line::Mention(MentionLine {
        platform: "youtube".into(),
        external_id: id.clone(),
        kind: if top.is_some() {
            MentionKind::Reply
        } else {
            MentionKind::Comment
        },
        created_at: s.text("publishedAt")?,
        body,
        author: AuthorLine {
            // Without a channel the person cannot be told from others of that name.
            id: channel.unwrap_or_else(|| format!("unknown:{id}")),
            handle: if handle.is_empty() {
                "(unknown)".into()
            } else {
                handle
            },
            name: None,
            followers: None,
            profile_url: s.opt_text("authorChannelUrl")?,
            is_bot: false,
        },
        url: video
            .as_ref()
            .map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}")),
        parent_id: parent,
        thread_id: video.or_else(|| top.map(String::from)).or(Some(id)),
        account: None,
    });
    ndjson::to_record_of(line, text)
        .map(Parsed::Record)
        .map_err(|reason| c.bad(reason))
}
