//! Undo: one action is reverted from the `detail` it logged (what was there before).
//! The screen undoes its own actions of this run, newest first; older ones (another
//! window's, an earlier run's) are reverted by id from the history, after a
//! confirmation. A reply, thank or like can be taken back only while it waits in the
//! outbox: once a sender has it, it is the platform's.

use super::actions::rerank;
use crate::config::Config;
use crate::domain::change::{UndoResult, Undone};
use crate::domain::{ActionKind, ActionState};
use crate::model::history::HistoryRow;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

/// The most recent action taken in rapport (by any window, any run) that can still
/// be undone: for `rapport`'s history and the tests.
pub fn last_undoable(conn: &Connection) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM actions
         WHERE undone_at IS NULL AND external_id IS NULL AND detail != '{}'
         ORDER BY id DESC LIMIT 1",
        [],
        |r| r.get(0),
    )
    .optional()
    .context("finding the last action")
}

/// Reverts action `id`, if it is not undone yet and (for a reply, thank or like) has
/// not left the outbox.
pub fn undo(conn: &mut Connection, config: &Config, id: i64, now: i64) -> Result<UndoResult> {
    undo_with(conn, config, id, now, true)
}

/// Reverts action `id` alone, even when it belongs to a change made to many items (a
/// like taken back from the outbox is that one like, not its whole batch).
pub fn undo_one(conn: &mut Connection, config: &Config, id: i64, now: i64) -> Result<UndoResult> {
    undo_with(conn, config, id, now, false)
}

fn undo_with(
    conn: &mut Connection,
    config: &Config,
    id: i64,
    now: i64,
    whole_batch: bool,
) -> Result<UndoResult> {
    // A batch may be a change to many thousands of items.
    super::batch::with_bulk_cache(conn, |conn| undo_now(conn, config, id, now, whole_batch))
}

fn undo_now(
    conn: &mut Connection,
    config: &Config,
    id: i64,
    now: i64,
    whole_batch: bool,
) -> Result<UndoResult> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let batch: Option<i64> = tx
        .query_row("SELECT batch FROM actions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten()
        .filter(|_| whole_batch);
    let result = match batch {
        // A change made to many items at once is one step: all of it, in one transaction.
        Some(batch) => revert_batch(&tx, config, batch, now)?,
        None => revert(&tx, config, id, now)?,
    };
    tx.commit()?;
    Ok(result)
}

/// The kinds that go out to a platform (a sender may have them), as a list SQL can
/// search with `instr`: `,reply,thank,like,`.
fn outgoing_kinds() -> String {
    let kinds: Vec<&str> = ActionKind::ALL
        .iter()
        .filter(|k| k.goes_out())
        .map(|k| k.as_str())
        .collect();
    format!(",{},", kinds.join(","))
}

/// Reverts every action of `batch` inside `tx` with a few statements over the whole
/// batch, whatever its size (a change to 250,000 items is undone in seconds, not one
/// item at a time). The rules are [`revert`]'s: what is undone already is left, and
/// what went out is the platform's once a sender has it.
fn revert_batch(
    tx: &rusqlite::Transaction<'_>,
    config: &Config,
    batch: i64,
    now: i64,
) -> Result<UndoResult> {
    let outgoing = outgoing_kinds();
    let pending = "a.batch = ?1 AND a.undone_at IS NULL AND a.external_id IS NULL
                   AND a.detail != '{}'";
    let gone_out = "instr(?2, ',' || a.kind || ',') > 0 AND a.state != 'queued'";
    let (left, kind): (i64, Option<ActionKind>) = tx.query_row(
        &format!("SELECT COALESCE(SUM({gone_out}), 0), MIN(a.kind) FROM actions a WHERE {pending}"),
        params![batch, outgoing],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS undo_members (id INTEGER PRIMARY KEY);
         DELETE FROM temp.undo_members;",
    )?;
    let count = tx.execute(
        &format!(
            "INSERT INTO temp.undo_members (id)
             SELECT a.id FROM actions a WHERE {pending} AND NOT ({gone_out})"
        ),
        params![batch, outgoing],
    )? as u64;
    let left = left.max(0) as u64;
    let Some(kind) = kind.filter(|_| count > 0 || left > 0) else {
        return Ok(UndoResult::Gone);
    };
    let members = "SELECT a.mention_id, a.person_id, a.detail FROM actions a
                   WHERE a.id IN (SELECT id FROM temp.undo_members)";
    // What each item was (the same fields and defaults as one item's undo).
    tx.execute(
        &format!(
            "UPDATE mentions
             SET status = COALESCE(b.detail ->> '$.mention.status', 'open'),
                 snoozed_until = b.detail ->> '$.mention.snoozed_until',
                 first_response_at = b.detail ->> '$.mention.first_response_at'
             FROM ({members}) b
             WHERE mentions.id = b.mention_id AND json_type(b.detail, '$.mention') = 'object'"
        ),
        [],
    )
    .with_context(|| format!("undoing the change to many items (batch {batch})"))?;
    tx.execute(
        &format!(
            "UPDATE mentions SET account = b.detail ->> '$.account_before'
             FROM ({members}) b
             WHERE mentions.id = b.mention_id AND json_type(b.detail, '$.account_before') IS NOT NULL"
        ),
        [],
    )?;
    tx.execute(
        &format!(
            "UPDATE people SET notes = b.detail ->> '$.person.notes'
             FROM ({members}) b
             WHERE people.id = b.person_id AND json_type(b.detail, '$.person.notes') = 'text'"
        ),
        [],
    )?;
    tx.execute(
        &format!(
            "UPDATE people SET buyer_stage = b.detail ->> '$.person.buyer_stage',
                               engagement = b.detail ->> '$.person.engagement'
             FROM ({members}) b
             WHERE people.id = b.person_id
               AND json_type(b.detail, '$.person.buyer_stage') = 'text'
               AND json_type(b.detail, '$.person.engagement') = 'text'"
        ),
        [],
    )?;
    // Tags: one per person, a few thousand at most; the power-user weight moves
    // each tagged person's items, so those go one by one (store::actions::rerank).
    let tags = tx
        .prepare(&format!(
            "SELECT b.person_id, COALESCE(b.detail ->> '$.tag', 'power_user'),
                    json_type(b.detail, '$.added') = 'true'
             FROM ({members}) b
             WHERE b.person_id IS NOT NULL AND json_type(b.detail, '$.added') IN ('true', 'false')"
        ))?
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (p, tag, added) in tags {
        revert_tag(tx, config, p, &tag, added, now)?;
    }
    // A reply's closed conversation (rare in a batch) is put back from its list.
    let conversations = tx
        .prepare(&format!(
            "SELECT b.detail FROM ({members}) b WHERE json_type(b.detail, '$.conversation') = 'array'"
        ))?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for detail in conversations {
        let detail: Value = serde_json::from_str(&detail)
            .with_context(|| format!("batch {batch}: an unreadable detail"))?;
        super::conversation::reopen(tx, &detail)?;
    }
    tx.execute(
        "UPDATE actions SET undone_at = ?1,
                            state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END
         WHERE id IN (SELECT id FROM temp.undo_members)",
        [now],
    )?;
    tx.execute("DELETE FROM temp.undo_members", [])?;
    Ok(UndoResult::UndoneBatch { kind, count, left })
}

/// Reverts one action inside `tx`.
fn revert(
    tx: &rusqlite::Transaction<'_>,
    config: &Config,
    id: i64,
    now: i64,
) -> Result<UndoResult> {
    // Cached statements: a change to many items reverts each of its actions here.
    let found = tx
        .prepare_cached(
            "SELECT a.kind, a.mention_id, a.person_id, a.detail, COALESCE(p.handle, '?'),
                    a.state, a.undone_at IS NOT NULL
             FROM actions a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.id = ?1 AND a.external_id IS NULL AND a.detail != '{}'",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, ActionKind>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, ActionState>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })
        .optional()?;
    let Some((kind, mention_id, person_id, detail, handle, state, undone)) = found else {
        return Ok(UndoResult::Gone);
    };
    if undone {
        return Ok(UndoResult::Gone);
    }
    if kind.goes_out() && state != ActionState::Queued {
        // The sender has it (or had it): the platform decides now, not us.
        return Ok(UndoResult::LeftTheOutbox {
            kind,
            handle,
            state,
        });
    }
    let detail: Value =
        serde_json::from_str(&detail).with_context(|| format!("action {id}: unreadable detail"))?;
    if let (Some(m), Some(before)) = (mention_id, detail.get("mention")) {
        tx.prepare_cached(
            "UPDATE mentions SET status = ?2, snoozed_until = ?3, first_response_at = ?4 WHERE id = ?1",
        )?
        .execute(params![
                m,
                before.get("status").and_then(Value::as_str).unwrap_or("open"),
                before.get("snoozed_until").and_then(Value::as_i64),
                before.get("first_response_at").and_then(Value::as_i64),
            ])?;
    }
    super::conversation::reopen(tx, &detail)?;
    if let (Some(m), Some(before)) = (mention_id, detail.get("account_before")) {
        tx.execute(
            "UPDATE mentions SET account = ?2 WHERE id = ?1",
            params![m, before.as_str()],
        )?;
    }
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
        let tag = detail
            .get("tag")
            .and_then(Value::as_str)
            .unwrap_or("power_user");
        revert_tag(tx, config, p, tag, added, now)?;
    }
    // Still queued in this transaction: a worker's claim (also IMMEDIATE) cannot
    // slip in between the check above and this cancel.
    tx.prepare_cached(
        "UPDATE actions SET undone_at = ?2, state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END
         WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(UndoResult::Undone(Undone {
        kind,
        mention_id,
        handle,
    }))
}

/// The `limit` most recent actions taken in rapport that can still be undone, newest
/// first (imported history and what was undone already are left out).
pub fn history(conn: &Connection, limit: usize) -> Result<Vec<HistoryRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.kind, a.state, COALESCE(p.handle, '?'), a.created_at, substr(a.body, 1, 80)
         FROM actions a LEFT JOIN people p ON p.id = a.person_id
         WHERE a.undone_at IS NULL AND a.external_id IS NULL AND a.detail != '{}'
           AND (a.batch IS NULL OR a.batch = a.id)
         ORDER BY a.id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit as i64], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                state: r.get(2)?,
                handle: r.get(3)?,
                at: r.get(4)?,
                body: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the history")?;
    Ok(rows)
}

/// Takes a tag change back: removes a tag that was added, puts back one that was
/// removed; a power user's items move in the queue again.
fn revert_tag(
    tx: &rusqlite::Transaction<'_>,
    config: &Config,
    person: i64,
    tag: &str,
    added: bool,
    now: i64,
) -> Result<()> {
    if added {
        tx.execute(
            "DELETE FROM tags WHERE person_id = ?1 AND tag = ?2",
            params![person, tag],
        )?;
    } else {
        tx.execute(
            "INSERT OR IGNORE INTO tags (person_id, tag, created_at) VALUES (?1, ?2, ?3)",
            params![person, tag, now],
        )?;
    }
    if tag == "power_user" {
        rerank(tx, config, person, !added)?;
    }
    Ok(())
}
