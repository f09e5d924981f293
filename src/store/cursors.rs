//! Where each live account's pull stopped, and the global keys of pulled messages.
//! Written inside the import's transaction (`Importer::connection`), so a page's
//! records, their keys and the cursor after them are committed together.

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// The cursor saved for `account`, if it was ever pulled.
pub fn get(conn: &Connection, account: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT cursor FROM cursors WHERE account = ?1")?
        .query_row([account], |r| r.get(0))
        .optional()?)
}

/// Saves `cursor` for `account`.
pub fn set(conn: &Connection, account: &str, cursor: &str, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO cursors (account, cursor, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
    )?
    .execute(params![account, cursor, now])?;
    Ok(())
}

/// Whether a message with this global key was pulled already (under any id).
pub fn known_key(conn: &Connection, platform: &str, key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM pulled_keys WHERE platform = ?1 AND key = ?2)",
        )?
        .query_row(params![platform, key], |r| r.get(0))?)
}

/// Remembers the global key of a pulled message.
pub fn remember_key(conn: &Connection, platform: &str, key: &str, external_id: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO pulled_keys (platform, key, external_id) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![platform, key, external_id])?;
    Ok(())
}

/// Whether the database holds the message `external_id`: a mention, or one of our
/// replies (imported history or sent from here).
pub fn has_message(conn: &Connection, platform: &str, external_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM mentions WHERE platform = ?1 AND external_id = ?2)
                 OR EXISTS (SELECT 1 FROM actions WHERE platform = ?1 AND external_id = ?2)
                 OR EXISTS (SELECT 1 FROM actions WHERE platform = ?1 AND remote_id = ?2)",
        )?
        .query_row(params![platform, external_id], |r| r.get(0))?)
}
