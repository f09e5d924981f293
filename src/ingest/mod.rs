//! Importers: bytes of a file -> domain records. One file per format (the text formats
//! ndjson, csv, twcs; the platforms' JSON documents through json.rs), plus the checks
//! every input goes through (reader.rs) and format detection (detect.rs). Every format
//! builds canonical `ndjson::Line` values and passes them through `ndjson::to_record`,
//! so HTML conversion, sanitizing and validation happen in one place.

pub mod bluesky;
pub mod comment_threads;
pub mod csv;
pub mod detect;
pub mod facebook;
pub mod html;
pub mod instagram;
pub mod json;
pub mod mastodon;
pub mod ndjson;
pub mod reader;
pub mod reddit;
pub mod rows;
pub mod twcs;
pub mod twilio;
pub mod x_api;
pub mod x_archive;
pub mod youtube;

use crate::domain::Record;
use std::io::BufRead;

pub use detect::Format;

/// What one record of a file turned out to be.
// Most items are records; boxing them would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Record(Record),
    /// A valid row that is not something to import (a brand tweet answering nobody).
    Ignored,
}

/// Where a record is in its file: the physical line where it starts (text formats),
/// or its JSON path (`data[3]`, `items[0].replies.comments[1].snippet.publishedAt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    Path(String),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "{n}"),
            Place::Path(p) if p.is_empty() => f.write_str("(the whole document)"),
            Place::Path(p) => f.write_str(p),
        }
    }
}

/// One record of a file, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub at: Place,
    /// What is wrong with the record, when it is invalid.
    pub parsed: Result<Parsed, String>,
}

/// A problem that stops reading the file (I/O, encoding, header), at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct Fatal {
    pub line: u64,
    pub message: String,
}

impl Fatal {
    fn at(line: u64, message: impl Into<String>) -> Self {
        Fatal {
            line,
            message: message.into(),
        }
    }
}

/// The records of a file, in order.
pub type Records = Box<dyn Iterator<Item = Result<Item, Fatal>> + Send>;

/// Reads `reader` as `format` (`None`: detect it from the content). `map` holds
/// `--map COL=FIELD` pairs for CSV. Returns the format used and its records.
pub fn records(
    mut reader: Box<dyn BufRead + Send>,
    format: Option<Format>,
    map: &[String],
) -> Result<(Format, Records), Fatal> {
    let start = reader::check_start(&mut reader).map_err(|m| Fatal::at(1, m))?;
    let document = match format {
        Some(f) => json::shape(f).is_some(),
        None => detect::json_document(&start),
    };
    if document {
        return json::records(reader, format);
    }
    let format = format.unwrap_or_else(|| detect::detect(&start));
    let records: Records = match format {
        Format::Csv => Box::new(csv::Reader::new(reader, map)?),
        Format::Twcs => Box::new(twcs::Reader::new(reader)?),
        // The JSON formats were read above.
        _ => Box::new(ndjson::Reader::new(reader)),
    };
    Ok((format, records))
}

/// A CSV field as text, or the encoding error every importer reports.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| reader::NOT_UTF8.to_string())
}
