//! Twilio's Messages list (`GET /2010-04-01/Accounts/{sid}/Messages.json`, the
//! `api.v2010.account.message` schema) into rapport's records. Shared by the live
//! pull and by file import of a saved list (`ingest::twilio`).
//!
//! A text to us (`direction` "inbound") is an `sms` item from its sender's number,
//! which is the person's id and handle; one of ours (`outbound-api`,
//! `outbound-reply`) in a saved list is history answering that number's latest text
//! before it. The body is raw text (never HTML); a picture message with no text
//! reads "[picture]" or "[2 pictures]" from `num_media`, which Twilio sends as a
//! string. Times are RFC 2822 (`Mon, 17 Aug 2026 14:03:29 +0000`); `date_sent` may
//! be null, then `date_created` counts.

use crate::domain::{MentionKind, Record};
use crate::ingest::ndjson::{self, AuthorLine, Line, MentionLine, ReplyLine, Text};
use crate::platforms::Pulled;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

/// The platform name Twilio's messages carry.
pub const PLATFORM: &str = "twilio";

/// A page of the Messages list, as far as rapport reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct List {
    pub messages: Vec<serde_json::Value>,
    /// Relative to the API's host, with its `PageToken`; null on the last page.
    #[serde(default)]
    pub next_page_uri: Option<String>,
}

/// One Message resource, as far as rapport reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub sid: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub date_sent: Option<String>,
    #[serde(default)]
    pub date_created: Option<String>,
    /// A string in Twilio's answers ("1"); a number is accepted too.
    #[serde(default)]
    pub num_media: Option<serde_json::Value>,
}

impl Message {
    /// When it was sent (received, for a text to us): `date_sent`, else `date_created`.
    pub fn sent_at(&self) -> Result<DateTime<Utc>, String> {
        let raw = self
            .date_sent
            .as_deref()
            .or(self.date_created.as_deref())
            .ok_or("a message without date_sent or date_created")?;
        rfc2822(raw)
    }

    /// How many pictures (media) it carries.
    pub fn media(&self) -> u64 {
        match &self.num_media {
            Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
            Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
            _ => 0,
        }
    }

    /// The text to show: the body, with its pictures said in words.
    pub fn text(&self) -> String {
        let body = self.body.as_deref().unwrap_or("").trim();
        let pictures = match self.media() {
            0 => String::new(),
            1 => "[picture]".to_string(),
            n => format!("[{n} pictures]"),
        };
        match (body.is_empty(), pictures.is_empty()) {
            (true, true) => "(no text)".into(),
            (true, false) => pictures,
            (false, true) => body.to_string(),
            (false, false) => format!("{body} {pictures}"),
        }
    }

    pub fn inbound(&self) -> bool {
        self.direction == "inbound"
    }
}

/// A time as Twilio writes it (RFC 2822, in GMT).
pub fn rfc2822(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc2822(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "{} is not a time like \"Mon, 17 Aug 2026 14:03:29 +0000\"",
                crate::domain::sanitize::shown(raw)
            )
        })
}

/// What the records need to know besides the messages.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The `[[accounts]]` name when pulled live; none from a file.
    pub account: Option<String>,
}

/// The conversation of a number with ours: one thread per pair.
fn thread(customer: &str, ours: &str) -> String {
    format!("{customer}>{ours}")
}

/// A message of the list and its time, or why it cannot be read.
type Readable = Result<(Message, DateTime<Utc>), String>;

/// The records of a list's messages, in its order, one entry per message: a text to
/// us, our answer to a text in the list, `Ok(None)` for what is not an inbox item
/// (our message answering nothing here), `Err` for what cannot be read.
pub fn messages(items: &[serde_json::Value], ctx: &Context) -> Vec<Result<Option<Pulled>, String>> {
    let mut read: Vec<(usize, Readable)> = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let m = serde_json::from_value::<Message>(v.clone())
                .map_err(|e| crate::domain::sanitize::message(&e.to_string()))
                .and_then(|m| m.sent_at().map(|t| (m, t)));
            (i, m)
        })
        .collect();
    // Oldest first, so our answer finds the text it follows; the list is newest first.
    read.sort_by_key(|(i, r)| (r.as_ref().map(|(_, t)| *t).ok(), *i));
    let mut latest: HashMap<String, String> = HashMap::new();
    let mut out: Vec<(usize, Result<Option<Pulled>, String>)> = read
        .into_iter()
        .map(|(i, r)| {
            let result = r.and_then(|(m, at)| {
                let record = if m.inbound() {
                    let from = m.from.clone().unwrap_or_default();
                    latest.insert(from.clone(), m.sid.clone());
                    Some(inbound(&m, at, &from, ctx)?)
                } else {
                    let to = m.to.clone().unwrap_or_default();
                    match latest.get(&to) {
                        Some(answered) => Some(ours(&m, at, answered, ctx)?),
                        None => None,
                    }
                };
                Ok(record.map(|record| Pulled { record, key: None }))
            });
            (i, result)
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

fn inbound(m: &Message, at: DateTime<Utc>, from: &str, ctx: &Context) -> Result<Record, String> {
    if from.trim().is_empty() {
        return Err(format!("message {} has no from", m.sid));
    }
    let line = Line::Mention(MentionLine {
        platform: PLATFORM.into(),
        external_id: m.sid.clone(),
        kind: MentionKind::Sms,
        created_at: at.to_rfc3339(),
        body: m.text(),
        author: AuthorLine {
            id: from.to_string(),
            handle: from.to_string(),
            name: None,
            followers: None,
            profile_url: None,
            is_bot: false,
        },
        url: None,
        parent_id: None,
        thread_id: m.to.as_deref().map(|to| thread(from, to)),
        account: ctx.account.clone(),
    });
    ndjson::to_record_of(line, Text::Plain)
}

fn ours(m: &Message, at: DateTime<Utc>, answered: &str, ctx: &Context) -> Result<Record, String> {
    let line = Line::OurReply(ReplyLine {
        platform: PLATFORM.into(),
        external_id: m.sid.clone(),
        in_reply_to: answered.to_string(),
        body: m.text(),
        sent_at: at.to_rfc3339(),
        account: ctx.account.clone(),
    });
    ndjson::to_record_of(line, Text::Plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(
        sid: &str,
        direction: &str,
        from: &str,
        to: &str,
        body: &str,
        media: &str,
        sent: &str,
    ) -> serde_json::Value {
        json!({
            "account_sid": "AC0123456789abcdef0123456789abcdef", "api_version": "2010-04-01",
            "body": body, "date_created": sent, "date_sent": sent, "date_updated": sent,
            "direction": direction, "error_code": null, "error_message": null,
            "from": from, "to": to, "messaging_service_sid": null, "num_media": media,
            "num_segments": "1", "price": null, "price_unit": "USD", "sid": sid,
            "status": if direction == "inbound" { "received" } else { "delivered" },
            "subresource_uris": {"media": format!("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/{sid}/Media.json")},
            "uri": format!("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/{sid}.json"),
        })
    }

    fn mention(p: &Result<Option<Pulled>, String>) -> crate::domain::NewMention {
        match &p.as_ref().unwrap().as_ref().unwrap().record {
            Record::Mention(m) => m.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn texts_pictures_and_our_answers() {
        let ours = "+15550100123";
        let items = vec![
            message(
                "SM03",
                "outbound-api",
                ours,
                "+15550100999",
                "Yes, until 6pm \u{1f600}",
                "0",
                "Mon, 17 Aug 2026 14:05:00 +0000",
            ),
            message(
                "MM02",
                "inbound",
                "+15550100999",
                ours,
                "",
                "2",
                "Mon, 17 Aug 2026 14:04:00 +0000",
            ),
            message(
                "SM01",
                "inbound",
                "+15550100999",
                ours,
                "Open today?\u{1b}[2J <b>",
                "0",
                "Mon, 17 Aug 2026 14:03:29 +0000",
            ),
            message(
                "SM00",
                "outbound-api",
                ours,
                "+15550100777",
                "unrelated",
                "0",
                "Sun, 16 Aug 2026 10:00:00 +0000",
            ),
        ];
        let out = messages(
            &items,
            &Context {
                account: Some("shop-sms".into()),
            },
        );
        assert_eq!(out.len(), 4);
        let m = mention(&out[2]);
        assert_eq!(
            m.body, "Open today? <b>",
            "raw text, never HTML; escapes gone"
        );
        assert_eq!(m.kind, MentionKind::Sms);
        assert_eq!(m.author.platform_user_id, "+15550100999");
        assert_eq!(m.account.as_deref(), Some("shop-sms"));
        assert_eq!(
            m.thread_external_id.as_deref(),
            Some("+15550100999>+15550100123")
        );
        assert_eq!(m.created_at.to_rfc3339(), "2026-08-17T14:03:29+00:00");
        assert_eq!(mention(&out[1]).body, "[2 pictures]");
        let Record::OurReply(r) = &out[0].as_ref().unwrap().as_ref().unwrap().record else {
            panic!()
        };
        assert_eq!(r.in_reply_to, "MM02");
        assert!(r.body.ends_with('\u{1f600}'));
        assert!(
            out[3].as_ref().unwrap().is_none(),
            "answers nothing in the list"
        );
    }

    #[test]
    fn missing_and_odd_fields() {
        let mut a = message(
            "MM05",
            "inbound",
            "+447700900123",
            "+15550100123",
            "",
            "1",
            "x",
        );
        a["date_sent"] = json!(null);
        a["date_created"] = json!("Tue, 18 Aug 2026 09:00:00 +0000");
        a["num_media"] = json!(1);
        a["body"] = json!(null);
        a["extra_new_field"] = json!({"nested": true});
        let out = messages(
            &[
                a,
                json!({"sid": 5}),
                message("SM06", "inbound", "+1555", "+1", "hi", "0", "yesterday"),
            ],
            &Context::default(),
        );
        assert_eq!(mention(&out[0]).body, "[picture]");
        assert!(out[1].is_err());
        assert!(
            out[2].as_ref().unwrap_err().contains("not a time"),
            "{:?}",
            out[2]
        );
    }
}
