//! Saved Reddit listings: comments (`/r/{sub}/comments`, `/user/{name}/comments`, a
//! thread's `/comments/{id}.json`, which is an array of two listings) and the inbox
//! (`/message/inbox`, `/message/mentions`, ...). `t1` things are comments, `t4` are
//! private messages; `more` stubs and posts are ignored; `replies` (an empty string
//! or a listing) are read too.
//!
//! Per reddit-archive/reddit (jsontemplates.py) and reddit.com/dev/api: the id is the
//! fullname (`t1_...`); `created_utc` is float Unix seconds; `body` is markdown with
//! `&`, `<` and `>` written as entities unless `raw_json=1` (decoded once); a deleted
//! account is `"[deleted]"`, each of which stays its own unknown person; inbox items
//! have no `permalink` or `link_id` (both come from `context`).

use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, AuthorLine, Line, MentionLine, Text};
use super::{Format, Item, Parsed};
use crate::domain::MentionKind;
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Reddit,
    what: "Reddit listings of comments or the inbox (kind: Listing)",
    looks_like,
    items,
};

fn is_listing(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Listing")
}

fn is_thing(v: &Value) -> bool {
    v.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| matches!(k, "t1" | "t3" | "t4" | "more"))
        && v.get("data").is_some()
}

fn looks_like(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(|i| is_listing(i) || is_thing(i)),
        _ => is_listing(doc),
    }
}

fn items(doc: &Value) -> Vec<Item> {
    let mut out = Vec::new();
    walk(&Owned::root(doc), &mut out);
    out
}

/// A listing, an array of listings or things, or a thing: every record in it.
fn walk(node: &Owned<'_>, out: &mut Vec<Item>) {
    if node.value.is_array() {
        match node.elements() {
            Ok(list) => list.iter().for_each(|n| walk(n, out)),
            Err(bad) => out.push(json::item("", Err(bad))),
        }
        return;
    }
    if is_listing(node.value) {
        let children = node
            .object("data")
            .and_then(|d| match d {
                Some(d) => d.array("children"),
                None => Err(node.bad_at("data", "missing")),
            })
            .map_err(|bad| out.push(json::item("", Err(bad))));
        if let Ok(children) = children {
            children.iter().for_each(|c| walk(c, out));
        }
        return;
    }
    let kind = node.opt_text("kind");
    let data = node.object("data");
    match (kind, data) {
        (Ok(Some(kind)), Ok(Some(data))) if kind == "t1" || kind == "t4" => {
            out.push(json::item(&node.path, thing(&kind, &data)));
            // `replies` is "" when there are none.
            if let Some(replies) = data.get("replies").filter(|r| r.value.is_object()) {
                walk(&replies, out);
            }
        }
        (Ok(Some(_)), Ok(Some(_))) => out.push(json::item(&node.path, Ok(Parsed::Ignored))),
        (Err(bad), _) | (_, Err(bad)) => out.push(json::item("", Err(bad))),
        (Ok(None), _) => out.push(json::item("", Err(node.bad_at("kind", "missing")))),
        (_, Ok(None)) => out.push(json::item("", Err(node.bad_at("data", "missing")))),
    }
}

fn thing(kind: &str, d: &Owned<'_>) -> Result<Parsed, Bad> {
    let name = match d.opt_text("name")? {
        Some(name) => name,
        None => format!("{kind}_{}", d.text("id")?),
    };
    let author = d.opt_text("author")?.unwrap_or_else(|| "[deleted]".into());
    let deleted = author == "[deleted]";
    let author_id = match d.opt_text("author_fullname")? {
        Some(id) if !deleted => id,
        // Deleted accounts must not merge into one person.
        _ if deleted => format!("deleted:{name}"),
        _ => author.clone(),
    };
    let (body, text) = match d.opt_text("body")? {
        Some(body) => (body, Text::Entities),
        // body_html is HTML written with entities: undo that once, then read the HTML.
        None => (
            html_escape::decode_html_entities(&d.text("body_html")?).into_owned(),
            Text::Html,
        ),
    };
    let parent = d.opt_text("parent_id")?;
    let context = d.opt_text("context")?.filter(|c| !c.is_empty());
    let link = d.opt_text("permalink")?.or(context.clone());
    let thread = match d.opt_text("link_id")? {
        Some(link) => Some(link),
        None => context.as_deref().and_then(post_of_context),
    };
    let line = Line::Mention(MentionLine {
        platform: "reddit".into(),
        external_id: name,
        kind: kind_of(kind, d, parent.as_deref())?,
        created_at: json::unix_seconds(d, "created_utc")?,
        body,
        author: AuthorLine {
            id: author_id,
            handle: author.clone(),
            name: None,
            followers: None,
            profile_url: (!deleted).then(|| format!("https://www.reddit.com/user/{author}")),
            is_bot: false,
        },
        url: link.map(|l| format!("https://www.reddit.com{l}")),
        parent_id: parent,
        thread_id: thread,
        account: d.opt_text("dest")?,
    });
    ndjson::to_record_of(line, text)
        .map(Parsed::Record)
        .map_err(|reason| d.bad(reason))
}

/// Inbox items say what they are (`type`, or the older `subject`); listing comments
/// answer a post (`t3_`: a comment) or a comment (`t1_`: a reply).
fn kind_of(kind: &str, d: &Owned<'_>, parent: Option<&str>) -> Result<MentionKind, Bad> {
    if kind == "t4" {
        return Ok(MentionKind::DirectMessage);
    }
    let said = match d.opt_text("type")? {
        Some(t) => Some(t),
        None => d.opt_text("subject")?,
    };
    Ok(match said.as_deref() {
        Some("username_mention" | "username mention") => MentionKind::Mention,
        Some("comment_reply" | "comment reply") => MentionKind::Reply,
        Some("post_reply" | "post reply") => MentionKind::Comment,
        _ if parent.is_some_and(|p| p.starts_with("t1_")) => MentionKind::Reply,
        _ => MentionKind::Comment,
    })
}

/// `t3_1mt4q9z` from `/r/espresso/comments/1mt4q9z/slug/nq2x7ke/?context=3`.
fn post_of_context(context: &str) -> Option<String> {
    let mut parts = context.split('/');
    parts.find(|p| *p == "comments")?;
    parts
        .next()
        .filter(|id| !id.is_empty())
        .map(|id| format!("t3_{id}"))
}
