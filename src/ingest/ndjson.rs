//! rapport's canonical format: one JSON object per line. A mention:
//!
//! ```json
//! {"platform":"instagram","external_id":"c-1001","kind":"comment",
//!  "created_at":"2026-11-20T09:14:03Z","body":"Do you ship to Canada?",
//!  "author":{"id":"u-42","handle":"jane.doe","name":"Jane Doe","followers":1200}}
//! ```
//!
//! Optional mention fields: `url`, `parent_id`, `thread_id`, `account`; optional author
//! fields: `name`, `followers`, `profile_url`, `is_bot`. A reply our brand already sent
//! has `"type":"our_reply"`, its own `external_id`, `in_reply_to`, `body`, `sent_at`
//! and optionally `account`. A post of ours that answers nothing, which people answer,
//! has `"type":"our_post"`, `external_id`, `body`, `sent_at` and optionally `account`.
//! Times are RFC 3339; a time without an offset is UTC.

use crate::domain::{sanitize, MentionKind, NewMention, NewPerson, OurPost, OurReply, Record};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of the canonical format, as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    Mention(MentionLine),
    OurReply(ReplyLine),
    OurPost(PostLine),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionLine {
    pub platform: String,
    pub external_id: String,
    pub kind: MentionKind,
    pub created_at: String,
    pub body: String,
    pub author: AuthorLine,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorLine {
    pub id: String,
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_bot: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyLine {
    pub platform: String,
    pub external_id: String,
    pub in_reply_to: String,
    pub body: String,
    pub sent_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostLine {
    pub platform: String,
    pub external_id: String,
    pub body: String,
    pub sent_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// Reads one line (without its newline). `Ok(None)` for a blank line.
pub fn parse_line(line: &str) -> Result<Option<Record>, String> {
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() {
        return Ok(None);
    }
    let line = match straight(line) {
        Some(parsed) => parsed,
        None => through_value(line)?,
    };
    to_record(line).map(Some)
}

/// A line read straight into its shape when it is written as rapport writes it: its
/// type first (`{"type":"our_reply",...`), or no type at all (a mention). Serde reads
/// a `type` tag by buffering the whole object, and a JSON value costs a map and a key
/// per field; read straight, 1,755,457 generated lines take about a third less. Any
/// other line, and any line that does not read cleanly this way, is read again by
/// [`through_value`], which stays the rule: what it accepts and what it says.
fn straight(line: &str) -> Option<Line> {
    fn rest<T: serde::de::DeserializeOwned>(line: &str, tag: &str) -> Option<T> {
        let fields = line.strip_prefix(r#"{"type":""#)?.strip_prefix(tag)?;
        let fields = fields.strip_prefix(r#"","#)?;
        serde_json::from_str(&format!("{{{fields}")).ok()
    }
    if !line.starts_with(r#"{"type":"#) {
        return serde_json::from_str(line).ok().map(Line::Mention);
    }
    rest(line, "mention")
        .map(Line::Mention)
        .or_else(|| rest(line, "our_reply").map(Line::OurReply))
        .or_else(|| rest(line, "our_post").map(Line::OurPost))
}

/// Any line, through a JSON value. Lines without "type" are mentions.
fn through_value(line: &str) -> Result<Line, String> {
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| format!("not valid JSON: {}", sanitize::message(&e.to_string())))?;
    let parsed = if value.get("type").is_some() {
        serde_json::from_value::<Line>(value)
    } else {
        serde_json::from_value::<MentionLine>(value).map(Line::Mention)
    };
    parsed.map_err(|e| sanitize::message(&e.to_string()))
}

/// The records of an NDJSON stream, one per non-blank line.
pub struct Reader<R> {
    lines: super::reader::Lines<R>,
}

impl<R: std::io::BufRead> Reader<R> {
    /// Reads `inner` from its current position (after `reader::check_start`).
    pub fn new(inner: R) -> Self {
        Reader {
            lines: super::reader::Lines::new(inner),
        }
    }
}

impl<R: std::io::BufRead> Iterator for Reader<R> {
    type Item = Result<super::Item, super::Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (line, text) = match self.lines.next_line()? {
                Ok(l) => l,
                Err((line, message)) => return Some(Err(super::Fatal { line, message })),
            };
            let parsed = match text.and_then(|t| parse_line(&t)) {
                Ok(None) => continue,
                Ok(Some(record)) => Ok(super::Parsed::Record(record)),
                Err(e) => Err(e),
            };
            return Some(Ok(super::Item {
                at: super::Place::Line(line),
                parsed,
            }));
        }
    }
}

/// How a format writes message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Plain text, or HTML from help desks and review sites (turned into plain text
    /// when it has real tags).
    PlainOrHtml,
    /// Plain text with `&`, `<` and `>` written as HTML entities (`&amp;`, `&gt;:(`),
    /// as Twitter's exports do. Decoded exactly once, and never read as HTML: a
    /// customer who typed `<p>` meant those three characters.
    Entities,
    /// Raw text, taken as written: `<b>` and `&amp;` are what the person typed
    /// (Facebook's `message`, YouTube's `textOriginal`, an SMS).
    Plain,
    /// HTML, always (YouTube's `textDisplay`, Reddit's `body_html`): tags and
    /// entities are read once even when no tag marks it as HTML (`it&#39;s`).
    Html,
}

impl Text {
    fn body(self, raw: &str) -> String {
        match self {
            Text::PlainOrHtml => sanitize::clean(&super::html::to_plain(raw)),
            Text::Entities => sanitize::clean(&html_escape::decode_html_entities(raw)),
            Text::Plain => sanitize::clean(raw),
            Text::Html => {
                let html = super::html::without_anchors(raw);
                sanitize::clean(&super::html::html_to_plain(&html))
            }
        }
    }
}

/// Checks and cleans a parsed line into a domain record.
pub fn to_record(line: Line) -> Result<Record, String> {
    to_record_of(line, Text::PlainOrHtml)
}

/// [`to_record`] for a format whose text is written as `text` says.
pub fn to_record_of(line: Line, text: Text) -> Result<Record, String> {
    Ok(match line {
        Line::Mention(m) => {
            let platform = platform_name(&m.platform)?;
            let a = m.author;
            Record::Mention(NewMention {
                external_id: id("external_id", &m.external_id)?,
                kind: m.kind,
                author: NewPerson {
                    platform: platform.clone(),
                    platform_user_id: id("author.id", &a.id)?,
                    handle: required("author.handle", &sanitize::one_line(&a.handle))?,
                    display_name: a
                        .name
                        .map(|n| sanitize::one_line(&n))
                        .filter(|n| !n.is_empty()),
                    followers: a.followers.filter(|f| *f >= 0),
                    profile_url: a.profile_url.map(|u| sanitize::one_line(&u)),
                    is_bot: a.is_bot,
                },
                account: m.account.map(|a| sanitize::one_line(&a)),
                body: text.body(&m.body),
                url: m.url.map(|u| sanitize::one_line(&u)),
                parent_external_id: optional_id("parent_id", m.parent_id)?,
                thread_external_id: optional_id("thread_id", m.thread_id)?,
                created_at: parse_time("created_at", &m.created_at)?,
                platform,
            })
        }
        Line::OurReply(r) => Record::OurReply(OurReply {
            platform: platform_name(&r.platform)?,
            external_id: id("external_id", &r.external_id)?,
            account: r.account.map(|a| sanitize::one_line(&a)),
            in_reply_to: id("in_reply_to", &r.in_reply_to)?,
            body: text.body(&r.body),
            sent_at: parse_time("sent_at", &r.sent_at)?,
        }),
        Line::OurPost(p) => Record::OurPost(OurPost {
            platform: platform_name(&p.platform)?,
            external_id: id("external_id", &p.external_id)?,
            account: p.account.map(|a| sanitize::one_line(&a)),
            body: text.body(&p.body),
            posted_at: parse_time("sent_at", &p.sent_at)?,
        }),
    })
}

/// The canonical line for a record (the generator writes these).
pub fn to_line(record: &Record) -> Line {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match record {
        Record::Mention(m) => Line::Mention(MentionLine {
            platform: m.platform.clone(),
            external_id: m.external_id.clone(),
            kind: m.kind,
            created_at: time(m.created_at),
            body: m.body.clone(),
            author: AuthorLine {
                id: m.author.platform_user_id.clone(),
                handle: m.author.handle.clone(),
                name: m.author.display_name.clone(),
                followers: m.author.followers,
                profile_url: m.author.profile_url.clone(),
                is_bot: m.author.is_bot,
            },
            url: m.url.clone(),
            parent_id: m.parent_external_id.clone(),
            thread_id: m.thread_external_id.clone(),
            account: m.account.clone(),
        }),
        Record::OurReply(r) => Line::OurReply(ReplyLine {
            platform: r.platform.clone(),
            external_id: r.external_id.clone(),
            in_reply_to: r.in_reply_to.clone(),
            body: r.body.clone(),
            sent_at: time(r.sent_at),
            account: r.account.clone(),
        }),
        Record::OurPost(p) => Line::OurPost(PostLine {
            platform: p.platform.clone(),
            external_id: p.external_id.clone(),
            body: p.body.clone(),
            sent_at: time(p.posted_at),
            account: p.account.clone(),
        }),
    }
}

/// A platform name: lowercase letters, digits, '-' or '_'.
pub fn platform_name(raw: &str) -> Result<String, String> {
    let p = raw.trim().to_ascii_lowercase();
    if p.is_empty()
        || p.len() > 40
        || !p
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "platform {} must be a short name of letters, digits, '-' or '_'",
            sanitize::shown(raw)
        ));
    }
    Ok(p)
}

/// Ids are text from outside like any other: cleaned, and of a sane length (a
/// platform's ids are a few dozen characters).
pub const MAX_ID_CHARS: usize = 512;

fn id(field: &str, value: &str) -> Result<String, String> {
    let v = required(field, &sanitize::one_line(value))?;
    if v.chars().count() > MAX_ID_CHARS {
        return Err(format!(
            "{field} is longer than {MAX_ID_CHARS} characters: {}",
            sanitize::shown(&v)
        ));
    }
    Ok(v)
}

fn optional_id(field: &str, value: Option<String>) -> Result<Option<String>, String> {
    match value.map(|v| sanitize::one_line(&v)) {
        Some(v) if !v.is_empty() => id(field, &v).map(Some),
        _ => Ok(None),
    }
}

fn required(field: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("{field} is empty"));
    }
    Ok(v.to_string())
}

/// RFC 3339, or "YYYY-MM-DD HH:MM:SS" / "YYYY-MM-DDTHH:MM:SS" taken as UTC. The
/// platforms' own forms are read too: an offset without a colon (Meta's
/// `2017-08-31T19:16:02+0000`), RFC 2822 (Twilio's `Mon, 17 Aug 2026 14:03:29 +0000`)
/// and Twitter's `Wed Oct 10 20:19:24 +0000 2018`.
pub fn parse_time(field: &str, raw: &str) -> Result<DateTime<Utc>, String> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let with_offset = ["%Y-%m-%dT%H:%M:%S%.f%z", "%a %b %d %H:%M:%S %z %Y"];
    for format in with_offset {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "{field} {} is not a time like 2026-11-20T09:14:03Z",
        sanitize::shown(raw)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"platform":"instagram","external_id":"c-1001","kind":"comment","created_at":"2026-11-20T09:14:03Z","body":"Do you ship to Canada?","author":{"id":"u-42","handle":"jane.doe","name":"Jane Doe","followers":1200}}"#;

    #[test]
    fn reads_the_documented_example_and_writes_it_back() {
        let record = parse_line(EXAMPLE).unwrap().unwrap();
        let Record::Mention(m) = &record else {
            panic!("not a mention")
        };
        assert_eq!(m.author.handle, "jane.doe");
        assert_eq!(m.kind, MentionKind::Comment);
        let again = serde_json::to_string(&to_line(&record)).unwrap();
        assert_eq!(parse_line(&again).unwrap().unwrap(), record);
    }

    #[test]
    fn our_replies() {
        let line = r#"{"type":"our_reply","platform":"instagram","external_id":"r-1","in_reply_to":"c-1001","body":"Yes!","sent_at":"2026-11-20T09:30:00+01:00"}"#;
        let Record::OurReply(r) = parse_line(line).unwrap().unwrap() else {
            panic!("not a reply")
        };
        assert_eq!(r.sent_at.to_rfc3339(), "2026-11-20T08:30:00+00:00");
    }

    #[test]
    fn our_posts() {
        let line = r#"{"type":"our_post","platform":"mastodon","external_id":"800","body":"<p>Winter menu!</p>","sent_at":"2026-11-19T08:00:00Z","account":"northwind"}"#;
        let record = parse_line(line).unwrap().unwrap();
        let Record::OurPost(p) = &record else {
            panic!("not a post: {record:?}")
        };
        assert_eq!(
            (p.body.as_str(), p.account.as_deref()),
            ("Winter menu!", Some("northwind"))
        );
        let again = serde_json::to_string(&to_line(&record)).unwrap();
        assert_eq!(parse_line(&again).unwrap().unwrap(), record);
        let no_id = line.replace(r#""external_id":"800","#, "");
        assert!(parse_line(&no_id).is_err());
    }

    #[test]
    fn lines_read_straight_read_as_through_a_value() {
        let reply = r#"{"type":"our_reply","platform":"instagram","external_id":"r-1","in_reply_to":"c-1001","body":"Yes \u00e9 \"quoted\"\n","sent_at":"2026-11-20T09:30:00Z","account":"northwind"}"#;
        let post = r#"{"type":"our_post","platform":"mastodon","external_id":"800","body":"<p>Winter</p>","sent_at":"2026-11-19T08:00:00Z"}"#;
        let typed = EXAMPLE.replacen('{', r#"{"type":"mention","#, 1);
        for line in [EXAMPLE, typed.as_str(), reply, post] {
            let straight = straight(line).unwrap_or_else(|| panic!("not read straight: {line}"));
            assert_eq!(Ok(straight), through_value(line), "{line}");
        }
        // Written otherwise, or with a fault: the long way, which decides.
        let spaced = reply.replacen(r#""type":"our_reply""#, r#""type" : "our_reply""#, 1);
        let type_last = EXAMPLE.replacen('}', r#"},"type":"mention""#, 1);
        let two_types = reply.replacen(r#""platform""#, r#""type":"our_post","platform""#, 1);
        let other_type = reply.replacen("our_reply", "our_replyx", 1);
        let twice = EXAMPLE.replacen('{', r#"{"platform":"x","#, 1);
        for line in [&spaced, &type_last, &two_types, &other_type, &twice] {
            assert_eq!(straight(line), None, "{line}");
        }
        assert!(matches!(parse_line(&spaced), Ok(Some(Record::OurReply(_)))));
        assert!(matches!(
            parse_line(&type_last),
            Ok(Some(Record::Mention(_)))
        ));
        // As through a value: the last of two fields counts.
        let Ok(Some(Record::Mention(m))) = parse_line(&twice) else {
            panic!("{twice}")
        };
        assert_eq!(m.platform, "instagram");
        for line in [&two_types, &other_type] {
            assert_eq!(
                parse_line(line).map(|_| ()),
                through_value(line).map(|_| ())
            );
            assert!(parse_line(line).is_err(), "{line}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_line("{").unwrap_err().contains("not valid JSON"));
        let no_time = EXAMPLE.replace("2026-11-20T09:14:03Z", "yesterday");
        assert!(parse_line(&no_time).unwrap_err().contains("created_at"));
        let bad_kind = EXAMPLE.replace("comment", "tweet");
        assert!(parse_line(&bad_kind).unwrap_err().contains("tweet"));
        assert_eq!(parse_line("  ").unwrap(), None);
    }

    #[test]
    fn the_platforms_time_formats() {
        for raw in [
            "2017-08-31T19:16:02+0000",
            "2017-08-31T21:16:02.000+0200",
            "Thu, 31 Aug 2017 19:16:02 +0000",
            "Thu Aug 31 19:16:02 +0000 2017",
            "2017-08-31T19:16:02.000Z",
        ] {
            let t = parse_time("t", raw).unwrap();
            assert_eq!(t.to_rfc3339(), "2017-08-31T19:16:02+00:00", "{raw}");
        }
    }
}
