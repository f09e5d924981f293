//! Which format a file is in, from its first bytes.

use std::fmt;

/// The formats rapport reads: three text formats, and JSON documents (saved API
/// responses and exports, see `json.rs`), told apart by their shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
    Twcs,
    /// A saved Twilio Messages list (`platforms::twilio::parse`).
    Twilio,
    Mastodon,
    Bluesky,
    XApi,
    XArchive,
    Youtube,
    Reddit,
    Facebook,
    Instagram,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: &'static [Format] = &[
        Format::Ndjson,
        Format::Csv,
        Format::Twcs,
        Format::Mastodon,
        Format::Bluesky,
        Format::XApi,
        Format::XArchive,
        Format::Youtube,
        Format::Reddit,
        Format::Facebook,
        Format::Instagram,
        Format::Twilio,
    ];

    /// The name stored in the imports log, shown to the user and taken by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Twcs => "twcs",
            Format::Twilio => "twilio",
            Format::Mastodon => "mastodon",
            Format::Bluesky => "bluesky",
            Format::XApi => "x-api",
            Format::XArchive => "x-archive",
            Format::Youtube => "youtube",
            Format::Reddit => "reddit",
            Format::Facebook => "facebook",
            Format::Instagram => "instagram",
        }
    }

    /// The format named `name` (as `as_str` writes it).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The TWCS header, as published.
pub const TWCS_HEADER: &str =
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id";

/// Whether a file is one JSON document (a saved API response or an export) rather
/// than NDJSON lines: it opens with `[`, or with a JavaScript assignment
/// (`window.YTD.tweets.part0 = [`), or with `{` on a first line that is not one of
/// rapport's own records (those name their `platform`). A first line that is a
/// whole object without `platform` is a minified document on one line.
pub fn json_document(start: &[u8]) -> bool {
    let text = String::from_utf8_lossy(start);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('[') || text.starts_with("window.") {
        return true;
    }
    if !text.starts_with('{') {
        return false;
    }
    let first = text.lines().next().unwrap_or("");
    match serde_json::from_str::<serde_json::Value>(first) {
        Ok(serde_json::Value::Object(fields)) => !fields.contains_key("platform"),
        Ok(_) => false,
        // Pretty-printed, longer than the buffer, or a broken NDJSON line: the
        // first field says which.
        Err(_) => !starts_like_a_record(first),
    }
}

/// The top-level fields of rapport's own records.
const RECORD_FIELDS: &[&str] = &[
    "platform",
    "external_id",
    "created_at",
    "body",
    "author",
    "url",
    "parent_id",
    "thread_id",
    "account",
    "type",
    "in_reply_to",
    "sent_at",
];

/// Whether `{"KEY": VALUE` opens one of rapport's records: KEY is one of its fields,
/// or `kind` with a mention kind (YouTube and Reddit documents open with `kind`).
fn starts_like_a_record(text: &str) -> bool {
    let rest = text.trim_start().trim_start_matches('{').trim_start();
    let Some(rest) = rest.strip_prefix('"') else {
        return false;
    };
    let Some((key, rest)) = rest.split_once('"') else {
        return false;
    };
    if key == "kind" {
        let value = rest
            .trim_start()
            .trim_start_matches(':')
            .trim_start()
            .trim_start_matches('"');
        let kinds = [
            "mention",
            "comment",
            "reply",
            "direct_message",
            "sms",
            "review",
        ];
        return kinds.iter().any(|k| value.starts_with(&format!("{k}\"")));
    }
    RECORD_FIELDS.contains(&key)
}

/// TWCS when the header says so; NDJSON when the first non-blank character is `{`;
/// otherwise CSV with a header.
pub fn detect(start: &[u8]) -> Format {
    let text = String::from_utf8_lossy(start);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Format::Ndjson;
    }
    let header: String = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !matches!(c, '"' | ' ' | '\r'))
        .collect();
    if header.eq_ignore_ascii_case(TWCS_HEADER) {
        Format::Twcs
    } else {
        Format::Csv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart() {
        assert_eq!(detect(b"\n  {\"platform\":\"x\"}"), Format::Ndjson);
        assert_eq!(
            detect(format!("{TWCS_HEADER}\r\n1,2").as_bytes()),
            Format::Twcs
        );
        assert_eq!(detect(b"platform,external_id\n"), Format::Csv);
        assert_eq!(detect(b""), Format::Csv);
    }

    #[test]
    fn json_documents_are_told_from_ndjson_lines() {
        assert!(json_document(b"[{\"id\":\"1\",\"type\":\"mention\"}]"));
        assert!(json_document(b"\n{\n  \"data\": ["));
        assert!(json_document(
            b"{\"kind\": \"Listing\", \"data\": {\"children\": ["
        ));
        assert!(json_document(b"{\"data\":[],\"meta\":{}}\n"));
        assert!(json_document(b"window.YTD.tweets.part0 = ["));
        assert!(!json_document(
            b"{\"platform\":\"x\",\"external_id\":\"1\"}\n{"
        ));
        assert!(!json_document(b"{\"platform\":\"twitter\",\n"));
        // A first line longer than what detection sees.
        assert!(!json_document(
            b"{\"author\":{\"id\":\"u\"},\"body\":\"coffee coffee"
        ));
        assert!(!json_document(b"{\"kind\": \"comment\", \"body\": \"a"));
        assert!(json_document(
            b"{\"kind\": \"youtube#commentThreadListResponse\", \"items\": [{"
        ));
        assert!(json_document(b"{\n  \"ancestors\": ["));
        assert!(!json_document(b"platform,external_id\n"));
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.as_str()), Some(*f));
        }
    }
}
