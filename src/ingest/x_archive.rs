//! The X data archive's `data/tweets.js` (older archives: `tweet.js`, large ones
//! split into `tweets-part1.js`, ...): JavaScript, `window.YTD.tweets.part0 = [
//! {"tweet": {...}}, ... ]`. The prefix is skipped, never evaluated (`json.rs`).
//!
//! The archive holds the account's own posts, so it brings our response history: a
//! post answering another (`in_reply_to_status_id_str`) is one of our replies, which
//! answers that mention if the database holds it; posts answering nothing are
//! ignored. Times are `Wed Oct 10 20:19:24 +0000 2018`; `full_text` is
//! entity-escaped; counts are strings (not read).

use super::json::{self, Bad, Owned, Shape};
use super::ndjson::{self, Line, ReplyLine, Text};
use super::{Format, Item, Parsed};
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::XArchive,
    what: "the X archive's tweets.js (window.YTD.tweets.part0 = [...])",
    looks_like,
    items,
};

fn looks_like(doc: &Value) -> bool {
    doc.as_array()
        .and_then(|a| a.first())
        .is_some_and(|t| t.get("tweet").is_some() || t.get("full_text").is_some())
}

fn items(doc: &Value) -> Vec<Item> {
    match Owned::root(doc).elements() {
        Ok(list) => list
            .iter()
            .map(|entry| {
                // Archives wrap each post as {"tweet": {...}}; a bare post reads too.
                let post = entry.get("tweet").unwrap_or_else(|| entry.clone());
                json::item(&entry.path, reply(&post))
            })
            .collect(),
        Err(bad) => vec![json::item("", Err(bad))],
    }
}

fn reply(t: &Owned<'_>) -> Result<Parsed, Bad> {
    if !t.value.is_object() {
        return Err(t.bad(format!("expected an object, found {}", json::kind(t.value))));
    }
    let Some(answers) = t.opt_text("in_reply_to_status_id_str")? else {
        return Ok(Parsed::Ignored);
    };
    let id = match t.opt_text("id_str")? {
        Some(id) => id,
        None => t.text("id")?,
    };
    let body = match t.opt_text("full_text")? {
        Some(text) => text,
        None => t.text("text")?,
    };
    let line = Line::OurReply(ReplyLine {
        platform: "twitter".into(),
        external_id: id,
        in_reply_to: answers,
        body,
        sent_at: t.text("created_at")?,
        account: None,
    });
    ndjson::to_record_of(line, Text::Entities)
        .map(Parsed::Record)
        .map_err(|reason| t.bad(reason))
}
