//! A saved X API v2 mentions timeline (`GET /2/users/:id/mentions` with
//! `expansions=author_id`, `tweet.fields=created_at,conversation_id,referenced_tweets,note_tweet`
//! and `user.fields=public_metrics`): `data[]` joined to `includes.users[]` on
//! `author_id`.
//!
//! Per docs.x.com (data dictionary, openapi): ids are strings; `text` is
//! entity-escaped (`&amp;`) and cut for long posts, whose full text is
//! `note_tweet.text`; an edited post is known by the first of
//! `edit_history_tweet_ids`; an author who is suspended or deleted is missing from
//! `includes.users` (and named in `errors[]`): the mention is kept, its author known
//! only by id. `data` is absent, not empty, on an empty page. The `*_post*` spellings
//! of openapi v2.167 are read too.

use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, AuthorLine, Line, MentionLine, Text};
use super::{Format, Item, Parsed};
use crate::domain::MentionKind;
use serde_json::Value;
use std::collections::HashMap;

pub const SHAPE: Shape = Shape {
    format: Format::XApi,
    what: "an X API v2 mentions timeline (GET /2/users/:id/mentions)",
    looks_like,
    items,
};

fn looks_like(doc: &Value) -> bool {
    match doc.get("data").and_then(Value::as_array) {
        Some(data) => data.first().is_some_and(|t| {
            t.get("text").is_some()
                && (t.get("author_id").is_some()
                    || t.get("edit_history_tweet_ids").is_some()
                    || t.get("edit_history_post_ids").is_some())
        }),
        None => doc.pointer("/meta/result_count").is_some(),
    }
}

/// What `includes.users[]` says of an author.
struct User {
    username: String,
    name: Option<String>,
    followers: Option<i64>,
}

fn items(doc: &Value) -> Vec<Item> {
    let root = Owned::root(doc);
    let users = users(&root);
    match root.array("data") {
        Ok(data) => data
            .iter()
            .map(|t| json::item(&t.path, post(t, &users)))
            .collect(),
        Err(bad) => vec![json::item("", Err(bad))],
    }
}

fn users(root: &Owned<'_>) -> HashMap<String, User> {
    let Some(includes) = root.get("includes") else {
        return HashMap::new();
    };
    // A user that cannot be read is left out, like a missing one: its mentions keep
    // an author known by id.
    let list = includes.array("users").unwrap_or_default();
    list.iter()
        .filter_map(|u| {
            let id = u.text("id").ok()?;
            let username = u.text("username").ok()?;
            let followers = u
                .get("public_metrics")
                .and_then(|m| m.count("followers_count"));
            let name = u.opt_text("name").ok().flatten();
            Some((
                id,
                User {
                    username,
                    name,
                    followers,
                },
            ))
        })
        .collect()
}

/// The first of either spelling of a field.
fn either<'a>(t: &Owned<'a>, keys: [&str; 2]) -> Option<Owned<'a>> {
    keys.iter().find_map(|k| t.get(k))
}

fn post(t: &Owned<'_>, users: &HashMap<String, User>) -> Result<Parsed, Bad> {
    // Edits get new ids; the first version's id is the post's lasting one.
    let id = match either(t, ["edit_history_tweet_ids", "edit_history_post_ids"]) {
        Some(history) => match history.elements()?.first() {
            Some(first) => match first.value {
                Value::String(s) => s.clone(),
                other => {
                    return Err(first.bad(format!("expected text, found {}", json::kind(other))))
                }
            },
            None => t.text("id")?,
        },
        None => t.text("id")?,
    };
    let text = match either(t, ["note_tweet", "note_post"]) {
        Some(note) => note.text("text")?,
        None => t.text("text")?,
    };
    let created_at = t
        .opt_text("created_at")?
        .ok_or_else(|| t.bad_at("created_at", "missing (request tweet.fields=created_at)"))?;
    let author_id = t
        .opt_text("author_id")?
        .ok_or_else(|| t.bad_at("author_id", "missing (request expansions=author_id)"))?;
    let mut parent = None;
    if let Some(refs) = either(t, ["referenced_tweets", "referenced_posts"]) {
        for r in refs.elements()? {
            if r.opt_text("type")?.as_deref() == Some("replied_to") {
                parent = Some(r.text("id")?);
            }
        }
    }
    let user = users.get(&author_id);
    let username = user.map(|u| u.username.clone());
    let line = Line::Mention(MentionLine {
        platform: "twitter".into(),
        external_id: id.clone(),
        kind: if parent.is_some() {
            MentionKind::Reply
        } else {
            MentionKind::Mention
        },
        created_at,
        body: text,
        author: AuthorLine {
            id: author_id.clone(),
            handle: username.clone().unwrap_or_else(|| author_id.clone()),
            name: user.and_then(|u| u.name.clone()),
            followers: user.and_then(|u| u.followers),
            profile_url: username.as_ref().map(|u| format!("https://x.com/{u}")),
            is_bot: false,
        },
        url: Some(match &username {
            Some(u) => format!("https://x.com/{u}/status/{id}"),
            None => format!("https://x.com/i/web/status/{id}"),
        }),
        parent_id: parent,
        thread_id: t.opt_text("conversation_id")?,
        account: None,
    });
    ndjson::to_record_of(line, Text::Entities)
        .map(Parsed::Record)
        .map_err(|reason| t.bad(reason))
}
