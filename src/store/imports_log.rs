//! The `imports` table: one row per imported file, keyed by the SHA-256 of its bytes,
//! so importing the same content again is recognized and skipped.

use super::import::ImportCounts;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// An earlier import of the same content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastImport {
    pub source: String,
    pub format: String,
    /// Unix seconds.
    pub finished_at: i64,
}

/// What the log records about a file, besides the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub source: String,
    pub content_hash: String,
    /// The bytes hashed.
    pub bytes: u64,
    pub format: String,
    pub skipped: u64,
    /// Unix seconds.
    pub started_at: i64,
    pub finished_at: i64,
}

/// The import of this content, if there was one.
pub fn find(conn: &Connection, content_hash: &str) -> Result<Option<PastImport>> {
    conn.prepare_cached("SELECT source, format, finished_at FROM imports WHERE content_hash = ?1")?
        .query_row([content_hash], |r| {
            Ok(PastImport {
                source: r.get(0)?,
                format: r.get(1)?,
                finished_at: r.get(2)?,
            })
        })
        .optional()
        .context("reading the imports log")
}

/// Whether a file of `bytes` bytes may have been imported before: the log holds one
/// of that size, or one from before sizes were kept.
pub fn may_hold(conn: &Connection, bytes: u64) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM imports WHERE bytes IS NULL OR bytes = ?1)",
        [i64::try_from(bytes).unwrap_or(i64::MAX)],
        |r| r.get(0),
    )
    .context("reading the imports log")
}

/// Records a file's import (inside the import's transaction).
pub fn record(conn: &Connection, entry: &FileEntry, counts: &ImportCounts) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO imports (source, content_hash, format, records, mentions_added, replies_added,
                              people_added, skipped, started_at, finished_at, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        entry.source,
        entry.content_hash,
        entry.format,
        counts.records as i64,
        counts.mentions_added as i64,
        counts.replies_added as i64,
        counts.people_added as i64,
        entry.skipped as i64,
        entry.started_at,
        entry.finished_at,
        i64::try_from(entry.bytes).unwrap_or(i64::MAX)
    ])
    .context("recording the import in the imports log")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: &str, bytes: u64) -> FileEntry {
        FileEntry {
            source: "a.ndjson".into(),
            content_hash: hash.into(),
            bytes,
            format: "ndjson".into(),
            skipped: 0,
            started_at: 1,
            finished_at: 2,
        }
    }

    #[test]
    fn a_file_may_have_been_imported_only_if_one_of_its_size_was() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("i.db")).unwrap();
        assert!(!may_hold(&conn, 100).unwrap());
        record(&conn, &entry("aa", 100), &ImportCounts::default()).unwrap();
        assert!(may_hold(&conn, 100).unwrap());
        assert!(!may_hold(&conn, 101).unwrap());
        assert!(!may_hold(&conn, u64::MAX).unwrap());
        // A file logged before sizes were kept could be any size.
        conn.execute("UPDATE imports SET bytes = NULL", []).unwrap();
        assert!(may_hold(&conn, 101).unwrap());
    }
}
