//! Claims: a window writing a reply to an item holds a short claim on it, renewed
//! while the pane is open and dropped when it closes, so two windows on one inbox do
//! not answer the same person twice without knowing.

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// How long a claim lasts without renewal.
pub const CLAIM_SECS: i64 = 90;

/// Takes (or renews) `holder`'s claim on `mention_id` unless another holder has a live
/// one; then returns that holder's claim time left instead, taking nothing. `force`
/// takes it anyway (the operator chose to answer too).
pub fn claim(
    conn: &mut Connection,
    mention_id: i64,
    holder: &str,
    force: bool,
    now: i64,
) -> Result<Option<i64>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let other: Option<i64> = tx
        .query_row(
            "SELECT until FROM claims WHERE mention_id = ?1 AND holder != ?2 AND until > ?3",
            params![mention_id, holder, now],
            |r| r.get(0),
        )
        .optional()?;
    if let (Some(until), false) = (other, force) {
        return Ok(Some(until - now));
    }
    tx.execute(
        "INSERT INTO claims (mention_id, holder, until) VALUES (?1, ?2, ?3)
         ON CONFLICT (mention_id) DO UPDATE SET holder = excluded.holder, until = excluded.until",
        params![mention_id, holder, now + CLAIM_SECS],
    )?;
    tx.commit()?;
    Ok(None)
}

/// Drops `holder`'s claim on `mention_id` (the pane closed).
pub fn release(conn: &Connection, mention_id: i64, holder: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM claims WHERE mention_id = ?1 AND holder = ?2")?
        .execute(params![mention_id, holder])?;
    Ok(())
}

/// Whether someone other than `holder` is writing a reply to `mention_id` now.
pub fn held_elsewhere(conn: &Connection, mention_id: i64, holder: &str, now: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM claims WHERE mention_id = ?1 AND holder != ?2 AND until > ?3",
        )?
        .query_row(params![mention_id, holder, now], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_claim_of_another_window_is_reported_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("c.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
                 VALUES (1, 'x', 'u', 'ana', 0, 0);
             INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                                   imported_at, due_at, rank)
                 VALUES (7, 'x', 'm', 'mention', 1, 'hi', 0, 0, 0, 0);",
        )
        .unwrap();
        assert_eq!(claim(&mut conn, 7, "a", false, 100).unwrap(), None);
        assert_eq!(claim(&mut conn, 7, "b", false, 110).unwrap(), Some(80));
        assert!(held_elsewhere(&conn, 7, "b", 110).unwrap());
        assert!(!held_elsewhere(&conn, 7, "a", 110).unwrap());
        // It runs out without renewal; or the other window answers anyway.
        assert_eq!(
            claim(&mut conn, 7, "b", false, 100 + CLAIM_SECS).unwrap(),
            None
        );
        assert_eq!(claim(&mut conn, 7, "a", true, 200).unwrap(), None);
        release(&conn, 7, "a").unwrap();
        assert!(!held_elsewhere(&conn, 7, "b", 201).unwrap());
    }
}
