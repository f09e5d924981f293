//! Reading an input file safely: the encoding checks done once at its start (BOM,
//! UTF-16, binary data), a reader that hashes and counts the bytes as they stream past
//! (for the `imports` log and the progress bar), and a line reader that numbers
//! physical lines and never holds more than one line in memory.

use sha2::{Digest, Sha256};
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A single line longer than this stops the file: nothing legitimate is this long,
/// and reading on would let one line exhaust memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// What the hashing reader has seen so far, shared with whoever watches the import.
#[derive(Debug, Default)]
pub struct Tally {
    bytes: AtomicU64,
    hash: Mutex<Sha256>,
}

impl Tally {
    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The SHA-256 of everything read so far, as lowercase hex.
    pub fn hex_digest(&self) -> String {
        let hash = match self.hash.lock() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        hex(&hash.finalize())
    }
}

/// Lowercase hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Passes bytes through, hashing and counting them.
pub struct HashingReader<R> {
    inner: R,
    tally: Arc<Tally>,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`; the returned tally follows what is read.
    pub fn new(inner: R) -> (Self, Arc<Tally>) {
        let tally = Arc::new(Tally::default());
        (
            HashingReader {
                inner,
                tally: Arc::clone(&tally),
            },
            tally,
        )
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            if let Ok(mut h) = self.tally.hash.lock() {
                h.update(&buf[..n]);
            }
            self.tally.bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Checks the first bytes of a file and skips a UTF-8 byte-order mark. Returns the
/// opening bytes (up to the buffer's size) for format detection, or what is wrong.
pub fn check_start<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, String> {
    let start = reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
        return Err("UTF-16 text; save the file as UTF-8 and import it again".into());
    }
    if start.starts_with(&[0xef, 0xbb, 0xbf]) {
        reader.consume(3);
    }
    let start = reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    if start.contains(&0) {
        return Err(
            "binary data (NUL bytes), not a text file; export NDJSON or CSV as UTF-8 text".into(),
        );
    }
    Ok(start.to_vec())
}

/// The message for bytes that are not UTF-8.
pub const NOT_UTF8: &str = "not UTF-8 text; save the file as UTF-8 and import it again";

/// Numbered physical lines of a text stream, one at a time.
pub struct Lines<R> {
    inner: R,
    line: u64,
    buf: Vec<u8>,
}

/// One physical line: its number and its text, or why it is unreadable.
pub type NumberedLine = (u64, Result<String, String>);

impl<R: BufRead> Lines<R> {
    /// Reads `inner` from its current position, numbering from 1.
    pub fn new(inner: R) -> Self {
        Lines {
            inner,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next line without its line ending; `Err` only for I/O failures and lines
    /// over `MAX_LINE_BYTES` (after which the file cannot be read on).
    pub fn next_line(&mut self) -> Option<Result<NumberedLine, (u64, String)>> {
        self.buf.clear();
        let limit = (MAX_LINE_BYTES + 1) as u64;
        match (&mut self.inner)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
        {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err((self.line + 1, format!("cannot read: {e}")))),
        }
        self.line += 1;
        if self.buf.len() > MAX_LINE_BYTES {
            return Some(Err((
                self.line,
                format!(
                    "line longer than {} MiB; is this the right file?",
                    MAX_LINE_BYTES >> 20
                ),
            )));
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        let text = match std::str::from_utf8(&self.buf) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(NOT_UTF8.to_string()),
        };
        Some(Ok((self.line, text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_checks() {
        let mut bom = io::Cursor::new(b"\xef\xbb\xbf{\"a\":1}\n".to_vec());
        assert_eq!(check_start(&mut bom).unwrap()[0], b'{');
        let mut utf16 = io::Cursor::new(b"\xff\xfe{\x00".to_vec());
        assert!(check_start(&mut utf16).unwrap_err().contains("UTF-16"));
        let mut binary = io::Cursor::new(b"PK\x03\x04\x00\x00".to_vec());
        assert!(check_start(&mut binary).unwrap_err().contains("binary"));
    }

    #[test]
    fn lines_are_numbered_and_checked() {
        let mut lines = Lines::new(io::Cursor::new(b"a\r\n\ncaf\xe9\nlast".to_vec()));
        let mut got = Vec::new();
        while let Some(Ok(l)) = lines.next_line() {
            got.push(l);
        }
        assert_eq!(got[0], (1, Ok("a".to_string())));
        assert_eq!(got[1], (2, Ok(String::new())));
        assert_eq!(got[2], (3, Err(NOT_UTF8.to_string())));
        assert_eq!(got[3], (4, Ok("last".to_string())));
    }

    #[test]
    fn the_hash_follows_the_bytes() {
        let (mut r, tally) = HashingReader::new(io::Cursor::new(b"abc".to_vec()));
        io::copy(&mut r, &mut io::sink()).unwrap();
        assert_eq!(tally.bytes(), 3);
        assert_eq!(
            tally.hex_digest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
