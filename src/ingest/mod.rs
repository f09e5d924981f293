//! Importers: bytes of a file -> domain records. One file per format, plus the checks
//! every input goes through (reader.rs) and format detection (detect.rs). Every format
//! builds canonical `ndjson::Line` values and passes them through `ndjson::to_record`,
//! so HTML conversion, sanitizing and validation happen in one place.

pub mod csv;
pub mod detect;
pub mod html;
pub mod ndjson;
pub mod reader;
pub mod rows;
pub mod twcs;

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

/// One record of a file, with the physical line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: u64,
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
    let format = format.unwrap_or_else(|| detect::detect(&start));
    let records: Records = match format {
        Format::Ndjson => Box::new(ndjson::Reader::new(reader)),
        Format::Csv => Box::new(csv::Reader::new(reader, map)?),
        Format::Twcs => Box::new(twcs::Reader::new(reader)?),
        Format::Twilio => crate::platforms::twilio::parse::file_records(reader)?,
    };
    Ok((format, records))
}

/// A CSV field as text, or the encoding error every importer reports.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| reader::NOT_UTF8.to_string())
}
