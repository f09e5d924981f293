//! Which format a file is in, from its first bytes.

use std::fmt;

/// The formats rapport reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
    Twcs,
    /// A saved Twilio Messages list (`platforms::twilio::parse`).
    Twilio,
}

impl Format {
    /// The name stored in the imports log and shown to the user.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Twcs => "twcs",
            Format::Twilio => "twilio",
        }
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

/// TWCS when the header says so; NDJSON when the first non-blank character is `{`;
/// otherwise CSV with a header.
pub fn detect(start: &[u8]) -> Format {
    let text = String::from_utf8_lossy(start);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if crate::platforms::twilio::parse::looks_like_list(text) {
        return Format::Twilio;
    }
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
}
