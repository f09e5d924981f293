//! The search index of an import that fills an empty file, fed from memory and built
//! on the other core. The index wants its rows in key order (store::fulltext), and the
//! mentions come in file order; reading every mention back with its author's handle
//! and sorting them took half of writing the index (1.6 s of 3.3 s at 1,000,000
//! generated mentions). So the import keeps each new mention's text as it writes it,
//! and at the end sorts small (key, author, place) rows and hands the index the text
//! from memory. The text is kept in one string (58 MB at 1,000,000 mentions); past
//! `MAX_TEXT` bytes the feed gives up and the index is filled from the table, as for
//! any other import.
//!
//! Written in the import's transaction, the index took 2.3-2.7 s of the one core the
//! finish uses while the other idled. So `build_apart` writes it in a scratch file on
//! another thread, while the import rebuilds its indexes, and `Built::put_in` copies
//! its tables into the file at the end (0.7 s at 1,000,000 mentions, waiting included).
//! FTS5's tables are its file format (a file written by one version of SQLite reads in
//! another), and the copy goes into a table created anew in the same transaction: FTS5
//! caches an index's structure per connection until another connection writes, so a
//! table this connection had read might not see rows written under it. (The import's
//! own schema changes already make SQLite connect the table anew; this does not rely on
//! them.)

use anyhow::{Context, Result};
use rusqlite::types::ToSqlOutput;
use rusqlite::{params, params_from_iter, Connection};

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
    /// handle (`handles` by author id; a missing one is an error, not a blank).
    fn write(mut self, conn: &Connection, handles: &[Option<String>]) -> Result<()> {
        anyhow::ensure!(!self.gave_up, "the search index's feed gave up");
        radsort::sort_by_key(&mut self.rows, |r| r.0);
        let mut insert =
            conn.prepare("INSERT INTO mentions_fts (rowid, body, handle) VALUES (?1, ?2, ?3)")?;
        for (key, author, start, len) in self.rows {
            let (start, len) = (start as usize, len as usize);
            let body = &self.text[start..start + len];
            let handle = usize::try_from(author)
                .ok()
                .and_then(|a| handles.get(a)?.as_deref())
                .with_context(|| format!("indexing the mentions: no author {author}"))?;
            insert
                .execute(params![key, body, handle])
                .context("updating the full-text index")?;
        }
        Ok(())
    }

    /// Writes the index of every mention kept, on another thread, in a scratch file:
    /// `create` is the index's CREATE statement, `handles` the authors' handles by id.
    /// The index's memory is set as the import sets it in place (and back), so the
    /// tables come out as they would.
    pub fn build_apart(self, create: String, handles: Vec<Option<String>>) -> Result<Apart> {
        let thread = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || -> Result<Built> {
                // SQLite's own temporary file, in the system's temporary folder: removed
                // when the connection closes, and never left behind by a killed import
                // (SQLite unlinks it as soon as it is open).
                let conn =
                    Connection::open("").context("opening the search index's scratch file")?;
                conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
                conn.execute_batch(&create)?;
                let tx = conn.unchecked_transaction()?;
                super::fulltext::set_hash_size(&tx, super::fulltext::BULK_HASH_SIZE)?;
                self.write(&tx, &handles)?;
                super::fulltext::set_hash_size(&tx, super::fulltext::HASH_SIZE)?;
                tx.commit()?;
                Ok(Built { conn })
            })
            .context("starting the search index's thread")?;
        Ok(Apart {
            thread: Some(thread),
        })
    }
}

/// The search index being written on another thread, in a scratch file of its own.
pub struct Apart {
    thread: Option<std::thread::JoinHandle<Result<Built>>>,
}

/// A search index written apart, in its scratch file.
pub struct Built {
    conn: Connection,
}

impl Apart {
    /// Waits for the index written apart.
    pub fn wait(mut self) -> Result<Built> {
        self.thread
            .take()
            .context("the search index was already taken")?
            .join()
            .map_err(|_| anyhow::anyhow!("the search index's thread stopped abnormally"))?
    }
}

impl Built {
    /// Puts the index in place of `mentions_fts` in `conn` (inside the import's
    /// transaction): the table is created anew with `create`, and the scratch file's
    /// FTS5 tables are copied into its own.
    pub fn put_in(self, conn: &Connection, create: &str) -> Result<()> {
        conn.execute_batch(&format!("DROP TABLE mentions_fts; {create}"))
            .context("creating the search index anew")?;
        for table in ["data", "idx", "docsize", "config"] {
            let name = format!("mentions_fts_{table}");
            conn.execute(&format!("DELETE FROM {name}"), [])?;
            let mut read = self.conn.prepare(&format!("SELECT * FROM {name}"))?;
            let columns = read.column_count();
            let marks = vec!["?"; columns].join(", ");
            let mut write = conn.prepare(&format!("INSERT INTO {name} VALUES ({marks})"))?;
            let mut rows = read.query([])?;
            while let Some(row) = rows.next()? {
                let values = (0..columns)
                    .map(|i| row.get_ref(i).map(ToSqlOutput::Borrowed))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                write
                    .execute(params_from_iter(values))
                    .with_context(|| format!("copying the search index's {table}"))?;
            }
        }
        Ok(())
    }
}

impl Drop for Apart {
    /// An import that stops before the end waits for the thread, so its scratch file
    /// goes with it.
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_that_cannot_be_written_apart_says_why() {
        let mut feed = Feed::default();
        feed.add(1_000, 1, 1, "where is my parcel");
        let create = "CREATE VIRTUAL TABLE mentions_fts USING no_such_module (body)".to_string();
        let apart = feed
            .build_apart(create, vec![None, Some("sam".into())])
            .unwrap();
        let Err(e) = apart.wait() else {
            panic!("written with a module that does not exist")
        };
        assert!(format!("{e:#}").contains("no_such_module"), "{e:#}");
    }
}
