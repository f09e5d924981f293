//! CSV with a header row naming rapport's fields. Mention columns: `platform`,
//! `external_id`, `kind` (default `mention`), `created_at`, `body`, `author_id`,
//! `author_handle` (default: the author id), `author_name`, `author_followers`,
//! `author_is_bot` (true/false, yes/no, 1/0), `author_profile_url`, `url`,
//! `parent_id`, `thread_id`, `account`. Replies our brand already sent are rows whose
//! `type` column is `our_reply`, with `in_reply_to` and `sent_at` (and `external_id`,
//! `platform`, `body`, `account`); other rows leave `type` empty or write `mention`.
//! Columns of other names are ignored; `--map "Their Column=field"` takes a column of
//! another tool as one of these fields. Quoted fields may span lines; each record is
//! reported at the line where it starts.

use super::ndjson::{self, AuthorLine, Line, MentionLine, ReplyLine};
use super::rows::Rows;
use super::{utf8, Fatal, Item, Parsed};
use crate::domain::sanitize::{list, shown};
use crate::domain::MentionKind;
use std::collections::HashMap;
use std::io::BufRead;

/// Every field a column can hold.
pub const FIELDS: &[&str] = &[
    "platform",
    "external_id",
    "kind",
    "created_at",
    "body",
    "author_id",
    "author_handle",
    "author_name",
    "author_followers",
    "author_profile_url",
    "author_is_bot",
    "url",
    "parent_id",
    "thread_id",
    "account",
    "type",
    "in_reply_to",
    "sent_at",
];

/// Fields every file must have a column for.
const REQUIRED: &[&str] = &["platform", "external_id", "body"];

/// The records of a CSV stream.
pub struct Reader<R> {
    rows: Rows<R>,
    /// field -> column index
    columns: HashMap<&'static str, usize>,
    width: usize,
}

impl<R: BufRead> Reader<R> {
    /// Reads the header and checks it against the fields and `map` (`COL=FIELD`).
    pub fn new(inner: R, map: &[String]) -> Result<Self, Fatal> {
        let mut rows = Rows::new(inner);
        let line = match rows.next_row() {
            Some(Ok(line)) => line,
            Some(Err(fatal)) => return Err(fatal),
            None => 1,
        };
        let fatal = |message: String| Fatal { line, message };
        let names: Vec<String> = if rows.record.is_empty() {
            Vec::new()
        } else {
            rows.record
                .iter()
                .map(|b| utf8(b).map(|s| s.trim().to_string()))
                .collect::<Result<_, _>>()
                .map_err(fatal)?
        };
        let columns = columns(&names, map).map_err(fatal)?;
        Ok(Reader {
            rows,
            columns,
            width: names.len(),
        })
    }
}

/// Which column holds each field: canonical names first, then `--map` over them.
fn columns(names: &[String], map: &[String]) -> Result<HashMap<&'static str, usize>, String> {
    let mut columns = HashMap::new();
    if names.is_empty() {
        // An empty file: nothing to read, nothing to check.
        return Ok(columns);
    }
    for (i, name) in names.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        if let Some(field) = FIELDS.iter().find(|f| **f == name) {
            columns.insert(*field, i);
        }
    }
    for pair in map {
        let Some((column, field)) = pair.rsplit_once('=') else {
            return Err(format!(
                "--map {} should be COLUMN=FIELD, e.g. \"Tweet Text=body\"",
                shown(pair)
            ));
        };
        let field = field.trim();
        let Some(field) = FIELDS.iter().find(|f| **f == field) else {
            return Err(format!(
                "--map {}: unknown field {}; fields are: {}",
                shown(pair),
                shown(field),
                FIELDS.join(", ")
            ));
        };
        let Some(i) = names.iter().position(|n| n == column.trim()) else {
            return Err(format!(
                "--map {}: no column {} in the header; columns are: {}",
                shown(pair),
                shown(column.trim()),
                list(names.iter().map(String::as_str))
            ));
        };
        columns.insert(*field, i);
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|f| !columns.contains_key(*f))
        .copied()
        .collect();
    if missing.is_empty()
        && (columns.contains_key("author_id") || columns.contains_key("in_reply_to"))
    {
        return Ok(columns);
    }
    let mut missing = missing;
    if !columns.contains_key("author_id") && !columns.contains_key("in_reply_to") {
        missing.push("author_id");
    }
    Err(format!(
        "the header has no column for {}; rename the columns or use --map \"Their Column=field\" (header: {})",
        missing.join(", "),
        list(names.iter().map(String::as_str))
    ))
}

impl<R: std::io::Read> Iterator for Reader<R> {
    type Item = Result<Item, Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.rows.next_row()?.map(|line| Item {
            at: super::Place::Line(line),
            parsed: self.row().map(Parsed::Record),
        }))
    }
}

impl<R: std::io::Read> Reader<R> {
    fn get(&self, field: &str) -> Result<Option<&str>, String> {
        let Some(i) = self.columns.get(field) else {
            return Ok(None);
        };
        match self.rows.record.get(*i) {
            Some(bytes) => utf8(bytes).map(|s| Some(s).filter(|s| !s.trim().is_empty())),
            None => Ok(None),
        }
    }

    fn text(&self, field: &str) -> Result<String, String> {
        Ok(self.get(field)?.unwrap_or("").to_string())
    }

    fn opt(&self, field: &str) -> Result<Option<String>, String> {
        Ok(self.get(field)?.map(str::to_string))
    }

    fn row(&self) -> Result<crate::domain::Record, String> {
        if self.rows.record.len() != self.width {
            return Err(format!(
                "{} fields, but the header has {}; quote fields that contain commas",
                self.rows.record.len(),
                self.width
            ));
        }
        let kind_type = self.get("type")?.map(|t| t.trim().to_ascii_lowercase());
        let line = match kind_type.as_deref() {
            Some("our_reply") => Line::OurReply(ReplyLine {
                platform: self.text("platform")?,
                external_id: self.text("external_id")?,
                in_reply_to: self.text("in_reply_to")?,
                body: self.text("body")?,
                sent_at: self.text("sent_at")?,
                account: self.opt("account")?,
            }),
            None | Some("mention") => {
                let kind = match self.get("kind")? {
                    Some(k) => k.parse::<MentionKind>().map_err(|e| e.to_string())?,
                    None => MentionKind::Mention,
                };
                let id = self.text("author_id")?;
                let followers = match self.get("author_followers")? {
                    Some(f) => Some(number(f)?),
                    None => None,
                };
                let is_bot = match self.get("author_is_bot")? {
                    Some(b) => yes_no(b)?,
                    None => false,
                };
                Line::Mention(MentionLine {
                    platform: self.text("platform")?,
                    external_id: self.text("external_id")?,
                    kind,
                    created_at: self.text("created_at")?,
                    body: self.text("body")?,
                    author: AuthorLine {
                        handle: self.opt("author_handle")?.unwrap_or_else(|| id.clone()),
                        id,
                        name: self.opt("author_name")?,
                        followers,
                        profile_url: self.opt("author_profile_url")?,
                        is_bot,
                    },
                    url: self.opt("url")?,
                    parent_id: self.opt("parent_id")?,
                    thread_id: self.opt("thread_id")?,
                    account: self.opt("account")?,
                })
            }
            Some(other) => {
                return Err(format!(
                    "type {} is neither empty, \"mention\" nor \"our_reply\"",
                    shown(other)
                ))
            }
        };
        ndjson::to_record(line)
    }
}

/// A follower count: digits, maybe with thousands separators.
fn number(raw: &str) -> Result<i64, String> {
    raw.trim()
        .replace([',', '_', ' '], "")
        .parse()
        .map_err(|_| format!("author_followers {} is not a whole number", shown(raw)))
}

fn yes_no(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "y" => Ok(true),
        "false" | "no" | "0" | "n" | "" => Ok(false),
        _ => Err(format!(
            "author_is_bot {} should be true or false",
            shown(raw)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Record;

    fn read(text: &str, map: &[String]) -> Result<Vec<Item>, Fatal> {
        Reader::new(std::io::Cursor::new(text.as_bytes().to_vec()), map)?.collect()
    }

    #[test]
    fn rows_quoted_newlines_and_replies() {
        let text = "platform,external_id,kind,created_at,body,author_id,author_handle,type,in_reply_to,sent_at\r\n\
                    twitter,t1,mention,2026-11-20T10:00:00Z,\"two\nlines\",7,sam,,,\r\n\
                    twitter,r1,,,On it,,,our_reply,t1,2026-11-20T10:05:00Z\r\n\
                    twitter,t2,tweet,2026-11-20T10:00:00Z,x,7,sam,,,\r\n";
        let items = read(text, &[]).unwrap();
        assert_eq!(
            items.iter().map(|i| i.at.to_string()).collect::<Vec<_>>(),
            vec!["2", "4", "5"]
        );
        let Ok(Parsed::Record(Record::Mention(m))) = &items[0].parsed else {
            panic!("{:?}", items[0])
        };
        assert_eq!(m.body, "two\nlines");
        assert!(matches!(
            items[1].parsed,
            Ok(Parsed::Record(Record::OurReply(_)))
        ));
        assert!(items[2].parsed.as_ref().unwrap_err().contains("tweet"));
    }

    #[test]
    fn mapping_other_columns() {
        let text = "Network,ID,When,Tweet Text,User\ntwitter,9,2026-11-20 10:00:00,hi,u1\n";
        let map = [
            "Network=platform",
            "ID=external_id",
            "When=created_at",
            "Tweet Text=body",
            "User=author_id",
        ]
        .map(String::from);
        let items = read(text, &map).unwrap();
        assert!(matches!(
            items[0].parsed,
            Ok(Parsed::Record(Record::Mention(_)))
        ));
        let err = read(text, &["Tweet Text=bodyy".to_string()]).err().unwrap();
        assert!(err.message.contains("unknown field \"bodyy\""), "{err}");
        let err = read(text, &["Text=body".to_string()]).err().unwrap();
        assert!(err.message.contains("no column \"Text\""), "{err}");
        let err = read(text, &[]).err().unwrap();
        assert!(err.message.contains("no column for platform"), "{err}");
    }
}
