//! The search index of an import that fills an empty file, fed from memory. The
//! index wants its rows in key order (store::fulltext), and the mentions come in file
//! order; reading every mention back with its author's handle and sorting them took
//! half of writing the index (1.6 s of 3.3 s at 1,000,000 generated mentions). So the
//! import keeps each new mention's text as it writes it, and at the end sorts small
//! (key, author, place) rows and hands the index the text from memory. The text is
//! kept in one string (58 MB at 1,000,000 mentions); past `MAX_TEXT` bytes the feed
//! gives up and the index is filled from the table, as for any other import.

use anyhow::{Context, Result};
use rusqlite::{params, Connection};

/// Bytes of text kept at most (about 4,000,000 mentions of today's length).
const MAX_TEXT: usize = 256 << 20;

/// The text of the mentions written so far, by index key.
#[derive(Debug, Default)]
pub struct Feed {
    text: String,
    /// (key, author id, start of the body in `text`, its length).
    rows: Vec<(i64, i64, u32, u32)>,
    gave_up: bool,
}

impl Feed {
    /// Keeps the body of the mention `id`, written at `created_at` by `author`.
    pub fn add(&mut self, created_at: i64, id: i64, author: i64, body: &str) {
        if self.gave_up {
            return;
        }
        if self.text.len() + body.len() > MAX_TEXT {
            tracing::debug!("import: too much text to index from memory; read back instead");
            *self = Feed {
                gave_up: true,
                ..Feed::default()
            };
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(body);
        let key = super::fulltext::key(created_at, id);
        self.rows.push((key, author, start, body.len() as u32));
    }

    /// Whether every mention added is here.
    pub fn complete(&self) -> bool {
        !self.gave_up
    }

    /// Writes every mention kept into the index, in key order, with its author's
    /// handle (`handle` of an author id; a missing one is an error, not a blank).
    pub fn write<'h>(
        mut self,
        conn: &Connection,
        handle: impl Fn(i64) -> Option<&'h str>,
    ) -> Result<()> {
        anyhow::ensure!(!self.gave_up, "the search index's feed gave up");
        radsort::sort_by_key(&mut self.rows, |r| r.0);
        let mut insert =
            conn.prepare("INSERT INTO mentions_fts (rowid, body, handle) VALUES (?1, ?2, ?3)")?;
        for (key, author, start, len) in self.rows {
            let (start, len) = (start as usize, len as usize);
            let body = &self.text[start..start + len];
            let handle = handle(author)
                .with_context(|| format!("indexing the mentions: no author {author}"))?;
            insert
                .execute(params![key, body, handle])
                .context("updating the full-text index")?;
        }
        Ok(())
    }
}
