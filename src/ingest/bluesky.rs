//! Saved Bluesky `app.bsky.notification.listNotifications` output
//! (`{notifications, cursor}`, or the bare `notifications` array), read by the live
//! connector's own parser (`platforms::bluesky::parse`). Mentions, replies and
//! quotes become items; likes, reposts and follows are ignored. Followers are not in
//! notifications (only `getProfiles` has them), so a file leaves them unknown.

use super::json::{self, Owned, Shape};
use super::{Format, Item, Parsed};
use crate::platforms::bluesky::parse::{self, Author, Context, Notification};
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Bluesky,
    what: "Bluesky notifications (app.bsky.notification.listNotifications)",
    looks_like,
    items,
};

fn is_notification(n: &Value) -> bool {
    n.get("reason").is_some() && n.get("uri").is_some()
}

fn looks_like(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(is_notification),
        Value::Object(o) => o.get("notifications").is_some_and(Value::is_array),
        _ => false,
    }
}

fn items(doc: &Value) -> Vec<Item> {
    let root = Owned::root(doc);
    let list = if doc.is_array() {
        root.elements()
    } else {
        root.array("notifications")
    };
    let list = match list {
        Ok(list) => list,
        Err(bad) => return vec![json::item("", Err(bad))],
    };
    let ctx = Context::default();
    list.iter()
        .map(|n| {
            let parsed = match parse::notifications(std::slice::from_ref(n.value), &ctx).pop() {
                None => Ok(Parsed::Ignored),
                Some(Ok(pulled)) => Ok(Parsed::Record(pulled.record)),
                Some(Err(reason)) => Err(json::Bad {
                    path: json::locate::<Notification>(
                        n.value,
                        &n.path,
                        &[("author", |v, p| json::locate::<Author>(v, p, &[]))],
                    )
                    .unwrap_or(n.path.clone()),
                    reason,
                }),
            };
            json::item(&n.path, parsed)
        })
        .collect()
}
