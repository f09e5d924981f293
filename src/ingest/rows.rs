//! CSV rows with the physical line where each starts. The csv crate's own line count
//! is off by one after a CRLF (it consumes the LF with the next record), so the lines
//! are counted here from the bytes the parser consumes.

use super::Fatal;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Byte offsets of the newlines the parser has read ahead.
#[derive(Debug, Default)]
struct LineIndex {
    /// Newlines before the first offset still held.
    passed: u64,
    last_passed: Option<u64>,
    offsets: VecDeque<u64>,
    read: u64,
}

impl LineIndex {
    /// The line where a record starts, from the byte offset just past what the parser
    /// consumed for it and the newlines inside its (quoted) fields.
    fn record_start(&mut self, end: u64, inner_newlines: u64) -> u64 {
        while self.offsets.front().is_some_and(|o| *o < end) {
            self.last_passed = self.offsets.pop_front();
            self.passed += 1;
        }
        // A consumed terminator belongs to the record's last line.
        let terminator = u64::from(end > 0 && self.last_passed == Some(end - 1));
        (1 + self.passed)
            .saturating_sub(terminator)
            .saturating_sub(inner_newlines)
            .max(1)
    }
}

/// Notes newline offsets as bytes pass to the parser.
struct Indexed<R> {
    inner: R,
    index: Arc<Mutex<LineIndex>>,
}

impl<R: Read> Read for Indexed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut index) = self.index.lock() {
            let start = index.read;
            for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
                index.offsets.push_back(start + i as u64);
            }
            index.read += n as u64;
        }
        Ok(n)
    }
}

/// A CSV stream read row by row.
pub struct Rows<R> {
    csv: ::csv::Reader<Indexed<R>>,
    index: Arc<Mutex<LineIndex>>,
    /// The row last read.
    pub record: ::csv::ByteRecord,
}

impl<R: Read> Rows<R> {
    /// A reader of `inner` (after `reader::check_start`).
    pub fn new(inner: R) -> Self {
        let index = Arc::new(Mutex::new(LineIndex::default()));
        let csv = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Indexed {
                inner,
                index: Arc::clone(&index),
            });
        Rows {
            csv,
            index,
            record: ::csv::ByteRecord::new(),
        }
    }

    /// Reads the next non-blank row into `record`; returns its starting line.
    pub fn next_row(&mut self) -> Option<Result<u64, Fatal>> {
        loop {
            let before = self.csv.position().line();
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    return Some(Err(Fatal {
                        line: before,
                        message: format!("cannot read: {e}"),
                    }))
                }
            }
            let end = self.csv.position().byte();
            let inner: u64 = self
                .record
                .iter()
                .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
                .sum();
            let line = match self.index.lock() {
                Ok(mut index) => index.record_start(end, inner),
                Err(_) => before,
            };
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            return Some(Ok(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let mut rows = Rows::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        std::iter::from_fn(|| rows.next_row())
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn starting_lines_with_lf_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(lines("h\na\nb\n"), vec![1, 2, 3]);
        assert_eq!(lines("h\r\na\r\nb"), vec![1, 2, 3]);
        assert_eq!(lines("h\n\n\"x\ny\nz\"\nb\n"), vec![1, 3, 6]);
        assert_eq!(lines("h\r\n\"x\r\ny\"\r\n\r\nb\r\n"), vec![1, 2, 5]);
    }
}
