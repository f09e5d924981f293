//! Re-reading stored mentions when the reading rules change (or when a file from
//! before the `class` column is opened): the class, tone and question mark are read
//! again from each body in Rust, and each item's boost and rank move by the change
//! in its boost, so its place in the queue agrees with a fresh import.
//!
//! Why here and not inside the migration: migrations are plain SQL run in order (and
//! other branches append theirs), the boost needs the configured weights the
//! migration does not have, and a version in `meta` lets a later change of the word
//! lists re-read every row once with the same code.

use super::values::meta_value;
use crate::config::Config;
use crate::domain::{priority, signals, MentionKind};
use anyhow::{Context, Result};
use chrono::DateTime;
use rusqlite::{params, Connection, TransactionBehavior};

/// The meta key holding the reading rules the stored classes come from.
pub const READING_KEY: &str = "reading_rules";
/// Bump when the reading's word lists or weights change enough to re-read.
pub const READING_RULES: &str = "1";
/// Rows read and written per statement.
const BATCH: i64 = 2_000;

/// Re-reads every mention if the stored classes come from other rules; returns how
/// many rows were read (0 when they were current). One transaction: all or nothing.
pub fn reread_if_needed(conn: &mut Connection, config: &Config) -> Result<u64> {
    if meta_value(conn, READING_KEY)?.as_deref() == Some(READING_RULES) {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have done it while we waited for the lock.
    if meta_value(&tx, READING_KEY)?.as_deref() == Some(READING_RULES) {
        return Ok(0);
    }
    let mut read = 0u64;
    let mut after = i64::MIN;
    loop {
        let rows = tx
            .prepare_cached(
                "SELECT m.id, m.body, m.platform, m.kind, m.created_at, p.is_bot, m.boost
                 FROM mentions m JOIN people p ON p.id = m.author_id
                 WHERE m.id > ?1 ORDER BY m.id LIMIT ?2",
            )?
            .query_map(params![after, BATCH], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, MentionKind>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading mentions to re-read")?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut set = tx.prepare_cached(
            "UPDATE mentions SET class = ?2, is_question = ?3, sentiment = ?4,
                                 boost = ?5, rank = rank + boost - ?5
             WHERE id = ?1",
        )?;
        for (id, body, platform, kind, created, is_bot, _) in &rows {
            let signals = signals::read(body);
            let facts = priority::Facts {
                platform,
                kind: *kind,
                created_at: DateTime::from_timestamp(*created, 0).unwrap_or_default(),
                signals,
                is_bot: *is_bot,
                power_user: false,
            };
            let boost = priority::boost_secs(&facts, &config.priority);
            set.execute(params![
                id,
                signals.class.as_str(),
                signals.is_question,
                signals.sentiment,
                boost
            ])?;
            read += 1;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![READING_KEY, READING_RULES],
    )?;
    tx.commit().context("saving the re-read mentions")?;
    if read > 0 {
        tracing::info!("re-read {read} mentions with reading rules {READING_RULES}");
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ndjson::parse_line;
    use chrono::TimeZone;

    #[test]
    fn mentions_from_before_the_class_are_read_once_and_move_in_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = Config::defaults();
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .unwrap();
        let mut import = crate::store::import::Importer::begin(&mut conn, &config, now).unwrap();
        let line = r#"{"platform":"twitter","external_id":"m1","kind":"mention","created_at":"2026-11-20T10:00:00Z","body":"my app crashes every time, so done","author":{"id":"7","handle":"sam"}}"#;
        import.add(&parse_line(line).unwrap().unwrap()).unwrap();
        import.finish().unwrap();
        let read = |conn: &Connection| -> (String, i64, i64) {
            conn.query_row("SELECT class, boost, rank FROM mentions", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
        };
        let fresh = read(&conn);
        assert_eq!(fresh.0, "complaint");
        // As a file from before the class column had it: plain, no boost.
        conn.execute_batch(
            "UPDATE mentions SET class = 'plain', rank = rank + boost, boost = 0;
             DELETE FROM meta;",
        )
        .unwrap();
        assert_eq!(reread_if_needed(&mut conn, &config).unwrap(), 1);
        assert_eq!(read(&conn), fresh);
        assert_eq!(reread_if_needed(&mut conn, &config).unwrap(), 0);
    }

    #[test]
    fn a_new_file_has_nothing_to_re_read() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        assert_eq!(
            meta_value(&conn, READING_KEY).unwrap().as_deref(),
            Some(READING_RULES)
        );
    }
}
