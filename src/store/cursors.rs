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

/// Saves `cursor` for `account`, whose records' ids carry `id_host` (if they carry
/// a server at all; see `adopt_id_host`).
pub fn set(
    conn: &Connection,
    account: &str,
    cursor: &str,
    id_host: Option<&str>,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO cursors (account, cursor, updated_at, id_host) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
    )?
    .execute(params![account, cursor, now, id_host])?;
    Ok(())
}

/// Gives the rows an account pulled before ids carried their server (bare `1234`)
/// the server `host` (`1234@host`), once, in one transaction: its mentions (and
/// their parents, threads and conversations), its actions (what they answer, our
/// replies' ids, what the platform gave back) and the keys of what it pulled.
/// Returns how many mentions were given a server. Nothing to do for an account
/// never pulled, or already given one.
pub fn adopt_id_host(
    conn: &mut Connection,
    platform: &str,
    account: &str,
    host: &str,
) -> Result<usize> {
    let pending = |c: &Connection| -> Result<bool> {
        let given: Option<Option<String>> = c
            .prepare_cached("SELECT id_host FROM cursors WHERE account = ?1")?
            .query_row([account], |r| r.get(0))
            .optional()?;
        Ok(matches!(given, Some(None)))
    };
    // Read first: every pull asks, and only an account from before needs the lock.
    if !pending(conn)? {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have done it while we waited for the lock.
    if !pending(&tx)? {
        return Ok(0);
    }
    let suffix = format!("@{host}");
    // A bare id gets the suffix; NULL and ids that have a server stay as they are.
    const GIVE: &str = "CASE WHEN {c} IS NULL OR instr({c}, '@') > 0 THEN {c} ELSE {c} || ?3 END";
    let give = |c: &str| GIVE.replace("{c}", c);
    tx.execute(
        "UPDATE pulled_keys SET external_id = external_id || ?3
         WHERE platform = ?1 AND instr(external_id, '@') = 0
           AND (external_id IN (SELECT external_id FROM mentions WHERE platform = ?1 AND account = ?2)
             OR external_id IN (SELECT external_id FROM actions
                                WHERE platform = ?1 AND account = ?2 AND external_id IS NOT NULL))",
        params![platform, account, suffix],
    )?;
    let mentions = tx.execute(
        &format!(
            "UPDATE OR IGNORE mentions SET external_id = external_id || ?3,
                 parent_external_id = {}, thread_external_id = {}, conversation = {}
             WHERE platform = ?1 AND account = ?2 AND instr(external_id, '@') = 0",
            give("parent_external_id"),
            give("thread_external_id"),
            give("conversation")
        ),
        params![platform, account, suffix],
    )?;
    tx.execute(
        &format!(
            "UPDATE OR IGNORE actions SET external_id = {}, in_reply_to = {}, remote_id = {}
             WHERE platform = ?1 AND account = ?2",
            give("external_id"),
            give("in_reply_to"),
            give("remote_id")
        ),
        params![platform, account, suffix],
    )?;
    tx.execute(
        "UPDATE cursors SET id_host = ?2 WHERE account = ?1",
        params![account, host],
    )?;
    tx.commit()?;
    Ok(mentions)
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
                 OR EXISTS (SELECT 1 FROM actions WHERE platform = ?1 AND remote_id = ?2)
                 OR EXISTS (SELECT 1 FROM our_posts WHERE platform = ?1 AND external_id = ?2)",
        )?
        .query_row(params![platform, external_id], |r| r.get(0))?)
}
