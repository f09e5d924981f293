//! The full-text index (mentions_fts) and its keys. A row's rowid is not the
//! mention's id but a key that sorts as the list does, by (created_at, id):
//! `created_at * 2^30 + id`. FTS5 hands out its matches in rowid order and stops at a
//! LIMIT, so the newest matches of a word come first without sorting them all, and a
//! next page is a rowid bound. The id is the key's low 30 bits.
//!
//! A bare word is also the start of longer words (`refun` finds "refund"). FTS5
//! answers a prefix by merging the lists of all its words into one before the first
//! row (180 ms for "the" at 1,000,000 mentions), so a simple word is asked as the words
//! of the index that start with it (`"the" OR "there"`), which FTS5 reads lazily, in
//! rowid order, like any word.

use crate::domain::query::Query;
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};

/// Bits of the key that hold the mention id: up to 1,073,741,823 mentions.
pub const ID_BITS: u32 = 30;
/// The mention id of a mentions_fts row, as SQL over its rowid.
pub const MENTION_ID: &str = "(rowid & 1073741823)";

/// The mention id of the key `key` (SQL), as SQL.
pub fn id_of(key: &str) -> String {
    format!("({key} & 1073741823)")
}
/// The key of the mention `m` in mentions_fts, as SQL; the same as [`key`] (the
/// migration that rebuilt the index writes it out too).
pub const KEY_OF_M: &str = "(max(min(m.created_at, 8589934590), -8589934590) * 1073741824 + m.id)";
/// Times beyond about 270 years either side of 1970 share the key of the last second
/// kept (among them, matches go by id): the key must stay inside an i64.
pub(super) const TIME_LIMIT: i64 = (1 << (63 - ID_BITS)) - 2;
/// A prefix that starts more words than this is left to FTS5's own prefix search:
/// asking for each word costs a lookup, and so many words are a merge anyway.
const MAX_WORDS: usize = 40;

/// FTS5's own size of the terms it gathers in memory before writing them out.
pub const HASH_SIZE: i64 = 1 << 20;
/// The same while the first import fills an empty index: fewer, larger segments to
/// write and merge, for as much more memory while it lasts.
pub const BULK_HASH_SIZE: i64 = 32 << 20;

/// Sets how many bytes of terms FTS5 gathers in memory before writing them out (kept
/// in the index's own settings, inside the caller's transaction).
pub fn set_hash_size(conn: &Connection, bytes: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO mentions_fts (mentions_fts, rank) VALUES ('hashsize', ?1)",
        [bytes],
    )
    .context("setting the full-text index's memory")?;
    Ok(())
}

/// The key of the mention `id` created at `created_at` (the same as [`KEY_OF_M`]).
pub fn key(created_at: i64, id: i64) -> i64 {
    (created_at.clamp(-TIME_LIMIT, TIME_LIMIT) << ID_BITS) + (id & ((1 << ID_BITS) - 1))
}

/// The (created_at, id) of a key: the list's key of the same place.
pub fn unkey(key: i64) -> (i64, i64) {
    (key >> ID_BITS, key & ((1 << ID_BITS) - 1))
}

/// Fails, saying why, when a mention id no longer fits in the key.
pub fn check_ids_fit(conn: &Connection) -> Result<()> {
    let max: Option<i64> = conn
        .query_row("SELECT MAX(id) FROM mentions", [], |r| r.get(0))
        .context("reading the highest mention id")?;
    if let Some(max) = max.filter(|m| *m >= 1 << ID_BITS) {
        anyhow::bail!(
            "mention id {max} is beyond the {} mentions the search index can key; \
             split the inbox into more than one file (--db)",
            (1i64 << ID_BITS) - 1
        );
    }
    Ok(())
}

/// The words of the index that `term` starts, when `term` is one simple word (ASCII
/// letters and digits, read as the tokenizer does: lowercase) starting at most
/// [`MAX_WORDS`]; None otherwise (the caller keeps the prefix search). An empty list
/// means no word starts so.
pub fn words_starting(conn: &Connection, term: &str) -> Result<Option<Vec<String>>> {
    if term.is_empty() || !term.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let prefix = term.to_ascii_lowercase();
    // fts5vocab's instance table walks the index's terms in order and starts at a
    // bound, so each next word is one seek; it lives in temp, so a read-only file
    // can have it too.
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.mentions_words
             USING fts5vocab('main', 'mentions_fts', 'instance')",
    )
    .context("opening the list of indexed words")?;
    let mut next = conn.prepare_cached(
        "SELECT term FROM temp.mentions_words WHERE term >= ?1 AND term < ?2 LIMIT 1",
    )?;
    // Every word starting with the prefix sorts below the prefix and the last
    // character; the tokenizer never keeps U+0001, so word + U+0001 is past the word.
    let end = format!("{prefix}\u{10FFFF}");
    let mut words = Vec::new();
    let mut from = prefix.clone();
    while let Some(word) = next
        .query_row([&from, &end], |r| r.get::<_, String>(0))
        .optional()
        .context("reading the indexed words")?
    {
        if words.len() == MAX_WORDS {
            return Ok(None);
        }
        from = format!("{word}\u{1}");
        words.push(word);
    }
    Ok(Some(words))
}

/// The MATCH expression of `q`'s words, each simple bare word asked as the words it
/// starts ([`words_starting`]); None when no word is required.
pub fn match_of(conn: &Connection, q: &Query) -> Result<Option<String>> {
    let mut failed = None;
    let expr = q.fts_match_with(|t| match words_starting(conn, t) {
        Ok(words) => words,
        Err(e) => {
            failed.get_or_insert(e);
            None
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(expr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migration_writes_the_same_key() {
        let migrations = include_str!("migrations.rs");
        assert!(migrations.contains(&format!("SELECT {KEY_OF_M}, m.body")));
    }

    #[test]
    fn keys_sort_as_the_list_and_give_back_the_id() {
        let pairs = [
            (-5, 3),
            (0, 1),
            (0, 2),
            (1_794_479_811, 999),
            (1_794_479_811, 1000),
            (1_794_479_812, 1),
        ];
        let keys: Vec<i64> = pairs.iter().map(|(t, id)| key(*t, *id)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(keys
            .iter()
            .zip(pairs)
            .all(|(k, (_, id))| k & ((1 << ID_BITS) - 1) == id));
        assert!(pairs.iter().all(|&(t, id)| unkey(key(t, id)) == (t, id)));
        assert!(key(i64::MAX, (1 << ID_BITS) - 1) < i64::MAX);
        assert!(key(i64::MIN, 1) > i64::MIN);
    }

    #[test]
    fn the_sql_key_is_the_rust_key() {
        let conn = Connection::open_in_memory().unwrap();
        for (t, id) in [
            (-9_000_000_000i64, 4i64),
            (-5, 3),
            (1_794_479_811, 999),
            (9_000_000_000, 7),
        ] {
            let sql: i64 = conn
                .query_row(
                    &format!("SELECT {KEY_OF_M} FROM (SELECT ?1 AS created_at, ?2 AS id) m"),
                    [t, id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(sql, key(t, id), "{t} {id}");
            let back: i64 = conn
                .query_row(
                    &format!("SELECT {MENTION_ID} FROM (SELECT ?1 AS rowid)"),
                    [sql],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(back, id);
        }
    }

    #[test]
    fn a_simple_word_is_asked_as_the_words_it_starts() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("w.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO mentions_fts (rowid, body, handle) VALUES
                 (1, 'the theme is there', 'ana'), (2, 'then Thé', 'bo'), (3, 'other', 'theo')",
        )
        .unwrap();
        let words = |t: &str| words_starting(&conn, t).unwrap();
        assert_eq!(
            words("The"),
            Some(vec![
                "the".into(),
                "theme".into(),
                "then".into(),
                "theo".into(),
                "there".into()
            ])
        );
        assert_eq!(words("zz"), Some(vec![]));
        assert_eq!(words("well-known"), None);
        assert_eq!(words("café"), None);
    }
}
