//! A saved Twilio Messages list (`GET /2010-04-01/Accounts/SID/Messages.json`): read
//! by the live connector's own parser (`platforms::twilio::parse`), so a saved page
//! and a pulled page become the same records.

use super::json::{self, Shape};
use super::{Format, Item, Parsed};
use crate::platforms::twilio::parse::{self, Context};
use serde_json::Value;

pub const SHAPE: Shape = Shape {
    format: Format::Twilio,
    what: "a Twilio Messages list (GET /2010-04-01/Accounts/SID/Messages.json)",
    looks_like,
    items,
};

/// An object with a `messages` array whose messages carry a Twilio `sid` (`SM…`,
/// `MM…`) and `num_media`; an empty page is known by the list's own page fields.
fn looks_like(doc: &Value) -> bool {
    let Some(messages) = doc.get("messages").and_then(Value::as_array) else {
        return false;
    };
    match messages.first() {
        None => doc.get("next_page_uri").is_some() && doc.get("page_size").is_some(),
        Some(m) => {
            let sid = m.get("sid").and_then(Value::as_str).unwrap_or("");
            (sid.starts_with("SM") || sid.starts_with("MM")) && m.get("num_media").is_some()
        }
    }
}

fn items(doc: &Value) -> Vec<Item> {
    let messages = doc
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    parse::messages(messages, &Context::default())
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let path = format!("messages[{i}]");
            let parsed = match r {
                Ok(Some(pulled)) => Ok(Parsed::Record(pulled.record)),
                Ok(None) => Ok(Parsed::Ignored),
                Err(reason) => Err(json::Bad {
                    path: path.clone(),
                    reason,
                }),
            };
            json::item(&path, parsed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_is_known_by_its_messages_or_its_page_fields() {
        let message = json!({"sid": "SM0123", "num_media": "0", "body": "hi"});
        assert!(looks_like(&json!({"messages": [message]})));
        assert!(looks_like(
            &json!({"messages": [], "next_page_uri": null, "page_size": 50})
        ));
        assert!(!looks_like(&json!({"messages": []})));
        assert!(!looks_like(
            &json!({"messages": [{"sid": "XX1", "num_media": "0"}]})
        ));
        assert!(!looks_like(&json!([{"type": "mention"}])));
    }
}
