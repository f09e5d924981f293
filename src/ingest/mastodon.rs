//! Saved Mastodon responses: `GET /api/v1/notifications` (an array of Notification)
//! and `GET /api/v1/statuses/:id/context` (`{ancestors, descendants}`). Read by the
//! live connector's own parser (`platforms::mastodon::parse`), so a saved page and a
//! pulled page become the same records.
//!
//! A file does not say whose inbox it is. Our account id, which tells a `reply` (it
//! answers us) from a `mention`, is worked out from the file: in a notifications
//! array, the one account every mention names; in a context, the author of the
//! thread's first status (a context is saved for one of our posts). Our own
//! statuses there are history (our replies), not inbox items.

use super::json::{self, Owned, Shape};
use super::{Format, Item, Parsed};
use crate::domain::{sanitize, Record};
use crate::platforms::mastodon::parse::{self, Account, Context, Status};
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Mastodon,
    what: "a Mastodon notifications array (GET /api/v1/notifications) or status context (GET /api/v1/statuses/:id/context)",
    looks_like,
    items,
};

fn looks_like(doc: &Value) -> bool {
    match doc {
        // An empty array is an empty page of notifications: nothing to import.
        Value::Array(items) => items.first().is_none_or(|n| {
            n.get("type").is_some_and(Value::is_string)
                && (n.get("account").is_some() || n.get("status").is_some())
        }),
        Value::Object(o) => o.contains_key("ancestors") && o.contains_key("descendants"),
        _ => false,
    }
}

fn items(doc: &Value) -> Vec<Item> {
    match doc {
        Value::Array(notifications) => from_notifications(notifications),
        _ => from_context(doc),
    }
}

fn from_notifications(notifications: &[Value]) -> Vec<Item> {
    let ctx = Context {
        our_id: everyone_mentions(notifications),
        ..Context::default()
    };
    notifications
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let path = format!("[{i}]");
            let parsed = match parse::notifications(std::slice::from_ref(n), &ctx).pop() {
                None => Ok(Parsed::Ignored),
                Some(Ok(pulled)) => Ok(Parsed::Record(pulled.record)),
                Some(Err(reason)) => Err(json::Bad {
                    path: n
                        .get("status")
                        .and_then(|s| status_fault(s, &format!("{path}.status")))
                        .unwrap_or_else(|| path.clone()),
                    reason,
                }),
            };
            json::item(&path, parsed)
        })
        .collect()
}

/// Where a Status is unreadable (`[3].status.account.acct`), if it is.
fn status_fault(status: &Value, path: &str) -> Option<String> {
    json::locate::<Status>(
        status,
        path,
        &[("account", |v, p| json::locate::<Account>(v, p, &[]))],
    )
}

/// The one account id named by every mention's status, if exactly one is.
fn everyone_mentions(notifications: &[Value]) -> Option<String> {
    let mut common: Option<Vec<&str>> = None;
    for n in notifications {
        if n.get("type").and_then(Value::as_str) != Some("mention") {
            continue;
        }
        let ids: Vec<&str> = n
            .pointer("/status/mentions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("id").and_then(Value::as_str))
            .collect();
        common = Some(match common {
            None => ids,
            Some(c) => c.into_iter().filter(|id| ids.contains(id)).collect(),
        });
    }
    match common.as_deref() {
        Some([one]) => Some(one.to_string()),
        _ => None,
    }
}

fn from_context(doc: &Value) -> Vec<Item> {
    let root = Owned::root(doc);
    let mut nodes = Vec::new();
    for key in ["ancestors", "descendants"] {
        match root.array(key) {
            Ok(list) => nodes.extend(list),
            Err(bad) => return vec![json::item("", Err(bad))],
        }
    }
    let statuses: Vec<Result<Status, String>> = nodes
        .iter()
        .map(|n| {
            serde_json::from_value::<Status>(n.value.clone())
                .map_err(|e| sanitize::message(&e.to_string()))
        })
        .collect();
    let read: Vec<&Status> = statuses.iter().filter_map(|s| s.as_ref().ok()).collect();
    let (our_id, thread) = thread_owner(&read);
    let ctx = Context {
        our_id,
        ..Context::default()
    };
    nodes
        .iter()
        .zip(&statuses)
        .map(|(node, status)| {
            let parsed = match status {
                Err(reason) => Err(json::Bad {
                    path: status_fault(node.value, &node.path).unwrap_or(node.path.clone()),
                    reason: reason.clone(),
                }),
                Ok(s)
                    if Some(&s.account.id) == ctx.our_id.as_ref() && s.in_reply_to_id.is_none() =>
                {
                    Ok(Parsed::Ignored)
                }
                Ok(s) => parse::status_record(s, &ctx)
                    .map(|p| Parsed::Record(in_thread(p.record, thread.as_deref())))
                    .map_err(|reason| node.bad(reason)),
            };
            json::item(&node.path, parsed)
        })
        .collect()
}

/// Our account id and the thread's first status: the first ancestor, or (when the
/// context was saved for the first status itself, which it leaves out) the status the
/// earliest descendant answers.
fn thread_owner(statuses: &[&Status]) -> (Option<String>, Option<String>) {
    let known = |id: &str| statuses.iter().any(|s| s.id == id);
    match statuses.first() {
        Some(first) if first.in_reply_to_id.is_none() => {
            (Some(first.account.id.clone()), Some(first.id.clone()))
        }
        _ => statuses
            .iter()
            .find(|s| s.in_reply_to_id.as_deref().is_some_and(|p| !known(p)))
            .map_or((None, None), |s| {
                (s.in_reply_to_account_id.clone(), s.in_reply_to_id.clone())
            }),
    }
}

fn in_thread(mut record: Record, thread: Option<&str>) -> Record {
    if let (Record::Mention(m), Some(t)) = (&mut record, thread) {
        let t = sanitize::one_line(t);
        if !t.is_empty() && t.chars().count() <= super::ndjson::MAX_ID_CHARS {
            m.thread_external_id = Some(t);
        }
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MentionKind;
    use serde_json::json;

    fn status(id: &str, account: &str, parent: Option<(&str, &str)>) -> Value {
        json!({"id": id, "uri": format!("https://m.example/s/{id}"), "created_at": "2026-11-20T09:00:00Z",
               "content": "<p>hi</p>", "visibility": "public",
               "in_reply_to_id": parent.map(|p| p.0), "in_reply_to_account_id": parent.map(|p| p.1),
               "account": {"id": account, "acct": format!("u{account}"), "url": "https://m.example/@x"}})
    }

    /// A context saved for our first post leaves that post out: the answers to it
    /// say who we are.
    #[test]
    fn a_context_without_ancestors_finds_us_from_the_answers() {
        let doc = json!({"ancestors": [], "descendants": [
            status("2", "77", Some(("1", "9"))),
            status("3", "9", Some(("2", "77"))),
            status("4", "78", Some(("2", "77"))),
        ]});
        let items = items(&doc);
        let records: Vec<&Record> = items
            .iter()
            .filter_map(|i| match &i.parsed {
                Ok(Parsed::Record(r)) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(records.len(), 3);
        let Record::Mention(first) = records[0] else {
            panic!("{:?}", records[0])
        };
        assert_eq!(first.kind, MentionKind::Reply);
        assert_eq!(first.thread_external_id.as_deref(), Some("1"));
        assert!(matches!(records[1], Record::OurReply(r) if r.in_reply_to == "2"));
        let Record::Mention(other) = records[2] else {
            panic!("{:?}", records[2])
        };
        assert_eq!(other.kind, MentionKind::Mention);
    }

    #[test]
    fn our_id_is_the_one_account_every_mention_names() {
        let mention = |ids: &[&str]| {
            let list: Vec<Value> = ids.iter().map(|i| json!({"id": i})).collect();
            json!({"type": "mention", "status": {"mentions": list}})
        };
        let follow = json!({"type": "follow"});
        let all = [mention(&["9", "5"]), follow, mention(&["9"])];
        assert_eq!(everyone_mentions(&all).as_deref(), Some("9"));
        assert_eq!(everyone_mentions(&[mention(&["9", "5"])]), None);
        assert_eq!(everyone_mentions(&[]), None);
    }
}
