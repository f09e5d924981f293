//! Undo: the most recent action taken in rapport is reverted from the `detail` it
//! logged (what was there before), one step per call, as far back as the log goes.

use super::actions::rerank;
use crate::config::Config;
use crate::domain::change::Undone;
use crate::domain::ActionKind;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

/// Reverts the most recent action taken in rapport that is not undone yet.
pub fn undo(conn: &mut Connection, config: &Config, now: i64) -> Result<Option<Undone>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last = tx
        .query_row(
            "SELECT a.id, a.kind, a.mention_id, a.person_id, a.detail, COALESCE(p.handle, '?')
             FROM actions a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.undone_at IS NULL AND a.external_id IS NULL AND a.detail != '{}'
             ORDER BY a.id DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((id, kind, mention_id, person_id, detail, handle)) = last else {
        return Ok(None);
    };
    let kind: ActionKind = kind
        .parse()
        .map_err(|e| anyhow::anyhow!("action {id}: {e}"))?;
    let detail: Value =
        serde_json::from_str(&detail).with_context(|| format!("action {id}: unreadable detail"))?;
    if let (Some(m), Some(before)) = (mention_id, detail.get("mention")) {
        tx.execute(
            "UPDATE mentions SET status = ?2, snoozed_until = ?3, first_response_at = ?4 WHERE id = ?1",
            params![
                m,
                before.get("status").and_then(Value::as_str).unwrap_or("open"),
                before.get("snoozed_until").and_then(Value::as_i64),
                before.get("first_response_at").and_then(Value::as_i64),
            ],
        )?;
    }
    super::conversation::reopen(&tx, &detail)?;
    if let (Some(p), Some(before)) = (person_id, detail.get("person")) {
        if let Some(notes) = before.get("notes").and_then(Value::as_str) {
            tx.execute(
                "UPDATE people SET notes = ?2 WHERE id = ?1",
                params![p, notes],
            )?;
        }
        if let (Some(stage), Some(eng)) = (
            before.get("buyer_stage").and_then(Value::as_str),
            before.get("engagement").and_then(Value::as_str),
        ) {
            tx.execute(
                "UPDATE people SET buyer_stage = ?2, engagement = ?3 WHERE id = ?1",
                params![p, stage, eng],
            )?;
        }
    }
    if let (Some(p), Some(added)) = (person_id, detail.get("added").and_then(Value::as_bool)) {
        if added {
            tx.execute(
                "DELETE FROM tags WHERE person_id = ?1 AND tag = 'power_user'",
                [p],
            )?;
        } else {
            tx.execute(
                "INSERT OR IGNORE INTO tags (person_id, tag, created_at) VALUES (?1, 'power_user', ?2)",
                params![p, now],
            )?;
        }
        rerank(&tx, config, p, !added)?;
    }
    tx.execute(
        "UPDATE actions SET undone_at = ?2, state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END
         WHERE id = ?1",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(Some(Undone {
        kind,
        mention_id,
        handle,
    }))
}
