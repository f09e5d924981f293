//! JSON documents: saved API responses and platform exports. A document is read
//! whole (a few MB; one file at a time), parsed once, and its shape names the format
//! (`SHAPES`). Each format file walks the document with [`Node`], which knows the
//! JSON path of every value, so a bad record is reported as `data[3].author_id`.
//!
//! Adding a format: a file with `looks_like` and `items`, a `Format` variant, and one
//! line in `SHAPES`.

use super::{Fatal, Format, Item, Parsed, Place, Records};
use crate::domain::sanitize;
use serde_json::Value;
use std::io::Read;

/// A JSON format: how to recognise its documents and read their records.
pub struct Shape {
    pub format: Format,
    /// What the document is, for the error when nothing matches.
    pub what: &'static str,
    pub looks_like: fn(&Value) -> bool,
    pub items: fn(&Value) -> Vec<Item>,
}

/// Every JSON format, tried in this order (the most specific shapes first).
pub const SHAPES: &[Shape] = &[
    super::mastodon::SHAPE,
    super::bluesky::SHAPE,
    super::x_api::SHAPE,
    super::x_archive::SHAPE,
    super::youtube::SHAPE,
    super::reddit::SHAPE,
    super::facebook::SHAPE,
    super::instagram::SHAPE,
    super::twilio::SHAPE,
];

/// The shape of a JSON format (`None` for the text formats).
pub fn shape(format: Format) -> Option<&'static Shape> {
    SHAPES.iter().find(|s| s.format == format)
}

/// A document larger than this is not a saved API response.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the whole document from `reader`, parses it and returns its records, as
/// `forced` or as its shape says.
pub fn records(mut reader: impl Read, forced: Option<Format>) -> Result<(Format, Records), Fatal> {
    let mut bytes = Vec::new();
    (&mut reader)
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Fatal::at(1, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Fatal::at(
            1,
            format!(
                "a JSON document larger than {} MiB; is this the right file?",
                MAX_DOCUMENT_BYTES >> 20
            ),
        ));
    }
    let doc = parse(&bytes)?;
    drop(bytes);
    let shape = match forced {
        Some(f) => shape(f).ok_or_else(|| Fatal::at(1, format!("{f} is not a JSON format")))?,
        None => SHAPES
            .iter()
            .find(|s| (s.looks_like)(&doc))
            .ok_or_else(|| Fatal::at(1, unknown_shape(&doc)))?,
    };
    let items = (shape.items)(&doc);
    Ok((shape.format, Box::new(items.into_iter().map(Ok))))
}

/// The document as JSON: UTF-8 checked, a JavaScript prefix (`window.YTD.tweets.part0
/// = `, the X archive's) skipped without ever being evaluated.
fn parse(bytes: &[u8]) -> Result<Value, Fatal> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        Fatal::at(line as u64, super::reader::NOT_UTF8)
    })?;
    let trimmed = text.trim_start_matches('\u{feff}');
    let (skipped_lines, json) = match trimmed.trim_start().strip_prefix("window.") {
        Some(rest) => match rest.find('=') {
            Some(eq) => {
                let prefix_len = trimmed.len() - rest.len() + eq + 1;
                let lines = trimmed[..prefix_len].matches('\n').count();
                let body = trimmed[prefix_len..].trim_end();
                (lines, body.strip_suffix(';').unwrap_or(body))
            }
            None => return Err(Fatal::at(1, "a JavaScript file without `= [...]`")),
        },
        None => (0, trimmed),
    };
    serde_json::from_str(json).map_err(|e| {
        let message = e.to_string();
        // serde_json ends its message with " at line L column C": the line goes first.
        let what = message.split(" at line ").next().unwrap_or(&message);
        Fatal::at(
            (e.line() + skipped_lines).max(1) as u64,
            format!(
                "not valid JSON (column {}): {}",
                e.column(),
                sanitize::message(what)
            ),
        )
    })
}

fn unknown_shape(doc: &Value) -> String {
    let keys = match doc {
        Value::Object(fields) => {
            let names: Vec<&str> = fields.keys().take(8).map(String::as_str).collect();
            format!("an object with {}", sanitize::shown(&names.join(", ")))
        }
        Value::Array(items) => match items.first() {
            Some(Value::Object(fields)) => {
                let names: Vec<&str> = fields.keys().take(8).map(String::as_str).collect();
                format!(
                    "an array of objects with {}",
                    sanitize::shown(&names.join(", "))
                )
            }
            _ => "an array of something else".into(),
        },
        _ => "a single value".into(),
    };
    let known: Vec<&str> = SHAPES.iter().map(|s| s.what).collect();
    format!(
        "a JSON document rapport does not recognise ({keys}); it reads {} (--format NAME forces one)",
        known.join("; ")
    )
}

/// A bad value in a record: its JSON path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub path: String,
    pub reason: String,
}

/// The item for a record read at `path`: its record, or the bad value's own path.
pub fn item(path: &str, parsed: Result<Parsed, Bad>) -> Item {
    match parsed {
        Ok(p) => Item {
            at: Place::Path(path.to_string()),
            parsed: Ok(p),
        },
        Err(bad) => Item {
            at: Place::Path(bad.path),
            parsed: Err(bad.reason),
        },
    }
}

/// A value of the document and its JSON path.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub value: &'a Value,
    path: &'a str,
}

/// A node whose path is owned (for children built on the fly).
#[derive(Debug, Clone)]
pub struct Owned<'a> {
    pub value: &'a Value,
    pub path: String,
}

impl<'a> Owned<'a> {
    /// The document's root.
    pub fn root(value: &'a Value) -> Self {
        Owned {
            value,
            path: String::new(),
        }
    }

    /// The borrowed view.
    pub fn node(&self) -> Node<'_> {
        Node {
            value: self.value,
            path: &self.path,
        }
    }

    /// The field `key`, when present and not null.
    pub fn get(&self, key: &str) -> Option<Owned<'a>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Owned {
                value,
                path: join(&self.path, key),
            }),
        }
    }

    /// The elements of the array `key` (none when absent or null); any other value
    /// is an error.
    pub fn array(&self, key: &str) -> Result<Vec<Owned<'a>>, Bad> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(field) => field.elements(),
        }
    }

    /// This node's elements, when it is an array.
    pub fn elements(&self) -> Result<Vec<Owned<'a>>, Bad> {
        match self.value {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Owned {
                    value,
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            other => Err(self
                .node()
                .bad(format!("expected an array, found {}", kind(other)))),
        }
    }

    /// The text of field `key`, required.
    pub fn text(&self, key: &str) -> Result<String, Bad> {
        self.opt_text(key)?
            .ok_or_else(|| self.node().bad_at(key, "missing".into()))
    }

    /// The text of field `key`, when present. Numbers are taken as their text (ids
    /// sometimes arrive as numbers); objects, arrays and booleans are errors.
    pub fn opt_text(&self, key: &str) -> Result<Option<String>, Bad> {
        match self.get(key) {
            None => Ok(None),
            Some(field) => match field.value {
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                other => Err(field
                    .node()
                    .bad(format!("expected text, found {}", kind(other)))),
            },
        }
    }

    /// A count in field `key`: a number or a number written as text ("1200").
    /// Absent, null, negative or unreadable counts are unknown, never an error:
    /// a count only ranks people.
    pub fn count(&self, key: &str) -> Option<i64> {
        let field = self.get(key)?;
        let n = match field.value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }?;
        (n >= 0).then_some(n)
    }

    /// Whether field `key` is `true` (or "true").
    pub fn flag(&self, key: &str) -> bool {
        match self.value.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// The object at `key`, required to be an object when present.
    pub fn object(&self, key: &str) -> Result<Option<Owned<'a>>, Bad> {
        match self.get(key) {
            None => Ok(None),
            Some(field) if field.value.is_object() => Ok(Some(field)),
            Some(field) => Err(field
                .node()
                .bad(format!("expected an object, found {}", kind(field.value)))),
        }
    }

    /// An error about this node.
    pub fn bad(&self, reason: impl Into<String>) -> Bad {
        self.node().bad(reason.into())
    }

    /// An error about field `key` of this node.
    pub fn bad_at(&self, key: &str, reason: impl Into<String>) -> Bad {
        self.node().bad_at(key, reason.into())
    }
}

impl Node<'_> {
    fn bad(&self, reason: String) -> Bad {
        Bad {
            path: self.path.to_string(),
            reason,
        }
    }

    fn bad_at(&self, key: &str, reason: String) -> Bad {
        Bad {
            path: join(self.path, key),
            reason,
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What kind of JSON value this is, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Where a value is unreadable as some type, below a path (see [`locate`]).
pub type Locate = fn(&Value, &str) -> Option<String>;

/// The path of what makes `value` unreadable as `T`, below `path`: a platform
/// parser that reads with serde says "invalid type: integer `5`, expected a string"
/// without saying where. The field is found by leaving fields out one at a time;
/// `nested` names fields to look inside first, with their own type's check.
pub fn locate<T: serde::de::DeserializeOwned>(
    value: &Value,
    path: &str,
    nested: &[(&str, Locate)],
) -> Option<String> {
    let error = serde_json::from_value::<T>(value.clone())
        .err()?
        .to_string();
    for (key, check) in nested {
        if let Some(inner) = value.get(*key) {
            if let Some(found) = check(inner, &join(path, key)) {
                return Some(found);
            }
        }
    }
    if let Some(missing) = error
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return Some(join(path, missing));
    }
    let fields = value.as_object()?;
    fields.keys().find_map(|key| {
        let mut without = fields.clone();
        without.remove(key);
        match serde_json::from_value::<T>(Value::Object(without)) {
            Ok(_) => Some(join(path, key)),
            Err(e) if e.to_string() == format!("missing field `{key}`") => Some(join(path, key)),
            Err(_) => None,
        }
    })
}

/// Float Unix seconds (Reddit's `created_utc`: a number, or a number as text) as
/// RFC 3339.
pub fn unix_seconds(node: &Owned<'_>, key: &str) -> Result<String, Bad> {
    let field = node.get(key).ok_or_else(|| node.bad_at(key, "missing"))?;
    let secs = match field.value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite());
    let time = secs.and_then(|s| {
        let whole = s.floor();
        let nanos = ((s - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
        chrono::DateTime::from_timestamp(whole as i64, nanos)
    });
    time.map(|t| t.to_rfc3339())
        .ok_or_else(|| field.bad("expected Unix seconds like 1786949512.0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_the_bad_value() {
        let doc = json!({"data": [{"id": "1"}, {"id": {"x": 1}, "n": "12"}]});
        let root = Owned::root(&doc);
        let data = root.array("data").unwrap();
        assert_eq!(
            data[0].text("author_id").unwrap_err().path,
            "data[0].author_id"
        );
        let bad = data[1].text("id").unwrap_err();
        assert_eq!(bad.path, "data[1].id");
        assert!(bad.reason.contains("an object"), "{}", bad.reason);
        assert_eq!(data[1].count("n"), Some(12));
        assert_eq!(root.array("nothing").unwrap().len(), 0);
    }

    #[test]
    fn syntax_errors_name_the_line_and_prefixes_are_skipped() {
        let err = parse(b"[\n {\"a\": 1},\n {\"a\" 2}\n]").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("column"), "{}", err.message);
        let js = parse(b"window.YTD.tweets.part0 = [ {\"tweet\": {}} ];\n").unwrap();
        assert!(js.is_array());
        assert_eq!(parse(b"[1, \xff]").unwrap_err().line, 1);
    }

    #[test]
    fn unix_seconds_keep_their_fraction() {
        let doc = json!({"t": 1786949512.25, "s": "1786949512", "bad": 1e300});
        let root = Owned::root(&doc);
        assert_eq!(
            unix_seconds(&root, "t").unwrap(),
            "2026-08-17T06:51:52.250+00:00"
        );
        assert!(unix_seconds(&root, "s").is_ok());
        assert_eq!(unix_seconds(&root, "bad").unwrap_err().path, "bad");
    }
}
