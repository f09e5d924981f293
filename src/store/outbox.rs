//! The outbox: replies, thanks and likes waiting in `actions` to go to their platform,
//! and every state change of their delivery. An action is written (`queued`) before
//! anything tries to deliver it; a worker claims one at a time in an IMMEDIATE
//! transaction (`sending`, with its name and a lease), hands it over, and records the
//! outcome: `sent`, `failed`, back to `queued` with a retry time, or `unknown`.
//! Two processes never hold the same claim; a claim whose holder died is resolved by
//! the next run ([`recover`]). The rules (backoff, limits, who is idempotent) come
//! from `delivery/` as parameters.

use crate::model::outbox::{OutboxRow, OutboxState, Waiting};
use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

/// Seconds in the per-minute limit's window.
pub const WINDOW_SECS: i64 = 60;

/// The SQL that says an action is due (`?undo` = the undo window in seconds). Kept with
/// `state IN ('queued', 'sending')` so the planner uses the `actions_outbox` index.
const DUE: &str = "state IN ('queued', 'sending') AND state = 'queued'
     AND kind IN ('reply', 'thank', 'like')
     AND COALESCE(next_attempt_at, created_at + :undo) <= :now";

/// One action handed to a sender, with what the platform needs to place it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outgoing {
    pub action_id: i64,
    /// Stable for the action: the same on every attempt.
    pub idempotency_key: String,
    /// `reply`, `thank` or `like`.
    pub kind: String,
    pub platform: String,
    pub account: Option<String>,
    /// The external id of the mention answered.
    pub in_reply_to: Option<String>,
    pub mention_url: Option<String>,
    /// The handle of the person answered.
    pub author: Option<String>,
    pub body: String,
    /// Attempts so far, this one included.
    #[serde(skip)]
    pub attempts: i64,
    /// When the action was queued (Unix seconds): a sender without an idempotency
    /// key looks for what it may have sent since then.
    #[serde(skip)]
    pub created_at: i64,
}

/// The result of trying to claim the next due action.
#[derive(Debug, Clone, PartialEq)]
// One claim at a time is made and matched at once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Claim {
    /// Claimed: now `sending`, held by this worker until the lease runs out.
    Got(Outgoing),
    /// Due actions exist but every platform with one is at its per-minute limit;
    /// the earliest becomes free at this time.
    Limited { until: i64 },
    /// Nothing due that this worker can send.
    Nothing,
}

/// How each platform may be sent to: `None` when no sender is configured for it,
/// otherwise its per-minute limit.
pub trait Routes {
    fn per_minute(&self, platform: &str) -> Option<u32>;
}

/// Claims the due action that has waited longest, on a platform with a sender and
/// below its per-minute limit, for `worker` until `now + lease_secs`.
pub fn claim_next(
    conn: &mut Connection,
    routes: &dyn Routes,
    worker: &str,
    undo_secs: i64,
    lease_secs: i64,
    now: i64,
) -> Result<Claim> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // The platforms with something due, earliest first (a handful of rows).
    let platforms: Vec<(String, i64)> = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT COALESCE(platform, ''), MIN(COALESCE(next_attempt_at, created_at + :undo)) AS due
             FROM actions WHERE {DUE} GROUP BY platform ORDER BY due"
        ))?;
        let rows = stmt.query_map(
            rusqlite::named_params! { ":undo": undo_secs, ":now": now },
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut limited: Option<i64> = None;
    for (platform, _) in platforms {
        let Some(limit) = routes.per_minute(&platform) else {
            continue;
        };
        let (recent, oldest): (i64, Option<i64>) = tx
            .prepare_cached(
                "SELECT COUNT(*), MIN(last_attempt_at) FROM actions
                 WHERE COALESCE(platform, '') = ?1 AND last_attempt_at IS NOT NULL
                   AND last_attempt_at > ?2",
            )?
            .query_row(params![platform, now - WINDOW_SECS], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if recent >= i64::from(limit) {
            let free = oldest.unwrap_or(now) + WINDOW_SECS;
            limited = Some(limited.map_or(free, |l| l.min(free)));
            continue;
        }
        let id: Option<i64> = tx
            .prepare_cached(&format!(
                "UPDATE actions SET state = 'sending', claimed_by = :worker,
                     lease_until = :now + :lease, attempts = attempts + 1, last_attempt_at = :now,
                     idempotency_key = COALESCE(idempotency_key, 'rapport-' || lower(hex(randomblob(16))))
                 WHERE id = (SELECT id FROM actions
                             WHERE {DUE} AND COALESCE(platform, '') = :platform
                             ORDER BY COALESCE(next_attempt_at, created_at + :undo), id LIMIT 1)
                 RETURNING id"
            ))?
            .query_row(
                rusqlite::named_params! {
                    ":worker": worker, ":now": now, ":lease": lease_secs,
                    ":undo": undo_secs, ":platform": platform,
                },
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            let outgoing = load(&tx, id)?;
            tx.commit()?;
            return Ok(Claim::Got(outgoing));
        }
    }
    tx.commit()?;
    Ok(limited.map_or(Claim::Nothing, |until| Claim::Limited { until }))
}

fn load(conn: &Connection, id: i64) -> rusqlite::Result<Outgoing> {
    conn.prepare_cached(
        "SELECT a.id, a.idempotency_key, a.kind, COALESCE(a.platform, ''), a.account,
                a.in_reply_to, m.url, p.handle, a.body, a.attempts, COALESCE(a.created_at, 0)
         FROM actions a LEFT JOIN mentions m ON m.id = a.mention_id
                        LEFT JOIN people p ON p.id = a.person_id
         WHERE a.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Outgoing {
            action_id: r.get(0)?,
            idempotency_key: r.get(1)?,
            kind: r.get(2)?,
            platform: r.get(3)?,
            account: r.get(4)?,
            in_reply_to: r.get(5)?,
            mention_url: r.get(6)?,
            author: r.get(7)?,
            body: r.get(8)?,
            attempts: r.get(9)?,
            created_at: r.get(10)?,
        })
    })
}

/// What became of one hand-over, as the store records it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        remote_id: Option<String>,
        url: Option<String>,
    },
    /// Back to `queued`, not before `at`.
    Retry {
        error: String,
        at: i64,
    },
    Failed {
        error: String,
    },
    Unknown {
        error: String,
    },
}

/// Records the outcome of `worker`'s claim on `action_id`. Returns false when the
/// claim was no longer this worker's (another run resolved it meanwhile); a late
/// `Sent` still corrects an `unknown` left by such a run, since it is the truth.
/// A sent action that `answers` its mention (`[response] counts`) is its first
/// response, timed when it went out, unless one came before.
pub fn finish(
    conn: &Connection,
    action_id: i64,
    worker: &str,
    outcome: &Outcome,
    answers: bool,
    now: i64,
) -> Result<bool> {
    let changed = match outcome {
        Outcome::Sent { remote_id, url } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE actions SET state = 'sent', sent_at = ?3, remote_id = ?4, remote_url = ?5,
                         last_error = NULL, lease_until = NULL
                     WHERE id = ?1 AND claimed_by = ?2 AND state IN ('sending', 'unknown')",
                )?
                .execute(params![action_id, worker, now, remote_id, url])?;
            if changed == 1 && answers {
                answered(conn, action_id, now)?;
            }
            changed
        }
        Outcome::Retry { error, at } => conn
            .prepare_cached(
                "UPDATE actions SET state = 'queued', next_attempt_at = ?3, last_error = ?4,
                     claimed_by = NULL, lease_until = NULL
                 WHERE id = ?1 AND claimed_by = ?2 AND state = 'sending'",
            )?
            .execute(params![action_id, worker, at, error])?,
        Outcome::Failed { error } | Outcome::Unknown { error } => {
            let state = if matches!(outcome, Outcome::Failed { .. }) {
                "failed"
            } else {
                "unknown"
            };
            conn.prepare_cached(
                "UPDATE actions SET state = ?3, last_error = ?4, lease_until = NULL
                 WHERE id = ?1 AND claimed_by = ?2 AND state = 'sending'",
            )?
            .execute(params![action_id, worker, state, error])?
        }
    };
    Ok(changed == 1)
}

/// Claims left in `sending` by a run that is gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Handed back to `queued` (their sender dedupes on the key).
    pub requeued: u64,
    /// Marked `unknown`: nobody can tell whether they went out.
    pub unknown: u64,
}

/// Resolves `sending` rows whose lease ran out or whose holder `is_gone`: back to
/// `queued` when `idempotent(platform)`, `unknown` otherwise (never re-sent silently).
pub fn recover(
    conn: &mut Connection,
    now: i64,
    idempotent: &dyn Fn(&str) -> bool,
    is_gone: &dyn Fn(&str) -> bool,
) -> Result<Recovered> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let held: Vec<(i64, String, String, i64)> = tx
        .prepare_cached(
            "SELECT id, COALESCE(platform, ''), COALESCE(claimed_by, ''), COALESCE(lease_until, 0)
             FROM actions WHERE state IN ('queued', 'sending') AND state = 'sending'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut recovered = Recovered::default();
    for (id, platform, holder, lease_until) in held {
        if lease_until >= now && !is_gone(&holder) {
            continue;
        }
        if idempotent(&platform) {
            tx.prepare_cached(
                "UPDATE actions SET state = 'queued', next_attempt_at = ?2, claimed_by = NULL,
                     lease_until = NULL,
                     last_error = 'the run delivering it stopped; handed over again (the sender dedupes)'
                 WHERE id = ?1 AND state = 'sending'",
            )?
            .execute(params![id, now])?;
            recovered.requeued += 1;
        } else {
            // claimed_by stays: if that run still reports Sent, it corrects this.
            tx.prepare_cached(
                "UPDATE actions SET state = 'unknown', lease_until = NULL,
                     last_error = 'the run delivering it stopped during the hand-over; \
                                   check the platform before sending it again'
                 WHERE id = ?1 AND state = 'sending'",
            )?
            .execute([id])?;
            recovered.unknown += 1;
        }
    }
    tx.commit()?;
    Ok(recovered)
}

/// Cancels a queued action that is not being handed over (the undo of "send").
/// Returns whether it did: false when it is sending, sent, or already done with.
/// The mention itself is left as it is (`store::actions::undo` reopens it).
pub fn cancel(conn: &Connection, action_id: i64, now: i64) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE actions SET state = 'cancelled', undone_at = COALESCE(undone_at, ?2),
                 claimed_by = NULL, lease_until = NULL
             WHERE id = ?1 AND state = 'queued'",
        )?
        .execute(params![action_id, now])?;
    Ok(changed == 1)
}

/// The messages an action answers, answered at `now` (unless answered before): its
/// mention, and the earlier messages of the conversation it closed with it.
fn answered(conn: &Connection, action_id: i64, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE mentions SET first_response_at = COALESCE(first_response_at, ?2)
         WHERE id = (SELECT mention_id FROM actions WHERE id = ?1)
            OR id IN (SELECT json_extract(c.value, '$.id')
                      FROM actions a, json_each(a.detail, '$.conversation') c
                      WHERE a.id = ?1)",
    )?
    .execute(params![action_id, now])?;
    Ok(())
}

/// Records that the operator posted a queued action by hand (a manual sender): it is
/// sent now, and answers its mention when `answers`. Returns whether it did.
pub fn mark_posted(conn: &mut Connection, action_id: i64, answers: bool, now: i64) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE actions SET state = 'sent', sent_at = ?2, attempts = attempts + 1,
             last_error = NULL, claimed_by = NULL, lease_until = NULL
         WHERE id = ?1 AND state = 'queued' AND undone_at IS NULL",
        params![action_id, now],
    )?;
    if changed == 1 && answers {
        answered(&tx, action_id, now)?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// Puts a `failed` or `unknown` action back in the queue, due now, when the operator
/// decides it should go (after checking the platform). It keeps its idempotency key,
/// so a sender that dedupes still recognizes it. Returns whether it did.
pub fn requeue(conn: &Connection, action_id: i64, now: i64) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE actions SET state = 'queued', next_attempt_at = ?2, claimed_by = NULL,
                 lease_until = NULL, attempts = 0
             WHERE id = ?1 AND state IN ('failed', 'unknown') AND undone_at IS NULL",
        )?
        .execute(params![action_id, now])?;
    Ok(changed == 1)
}

/// What is left in the outbox at `now`, per platform.
pub fn waiting(conn: &Connection, undo_secs: i64, now: i64) -> Result<Vec<Waiting>> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(platform, ''),
                SUM(state = 'queued' AND COALESCE(next_attempt_at, created_at + :undo) <= :now),
                SUM(state = 'queued' AND COALESCE(next_attempt_at, created_at + :undo) > :now),
                SUM(state = 'sending'),
                MIN(CASE WHEN state = 'queued' AND COALESCE(next_attempt_at, created_at + :undo) > :now
                         THEN COALESCE(next_attempt_at, created_at + :undo) END)
         FROM actions WHERE state IN ('queued', 'sending') AND kind IN ('reply', 'thank', 'like')
         GROUP BY platform ORDER BY platform",
    )?;
    let rows = stmt.query_map(
        rusqlite::named_params! { ":undo": undo_secs, ":now": now },
        |r| {
            Ok(Waiting {
                platform: r.get(0)?,
                due: r.get::<_, i64>(1)? as u64,
                later: r.get::<_, i64>(2)? as u64,
                sending: r.get::<_, i64>(3)? as u64,
                next_at: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The outbox at `now`: everything queued or sending, then failed or unknown and
/// sent ones of the last `recent_days`, newest first (at most `limit` of those).
pub fn list(conn: &Connection, recent_days: i64, limit: i64, now: i64) -> Result<Vec<OutboxRow>> {
    let columns = "a.id, a.kind, COALESCE(a.platform, ''), a.state, a.attempts, a.created_at,
                   a.next_attempt_at, a.sent_at, a.last_error, a.remote_id, a.remote_url,
                   p.handle, a.body,
                   (SELECT m.url FROM mentions m WHERE m.id = a.mention_id), a.mention_id";
    let row = |r: &rusqlite::Row<'_>| {
        Ok(OutboxRow {
            action_id: r.get(0)?,
            kind: r.get(1)?,
            platform: r.get(2)?,
            state: r.get(3)?,
            attempts: r.get(4)?,
            created_at: r.get(5)?,
            next_attempt_at: r.get(6)?,
            sent_at: r.get(7)?,
            last_error: r.get(8)?,
            remote_id: r.get(9)?,
            remote_url: r.get(10)?,
            author: r.get(11)?,
            body: r.get(12)?,
            mention_url: r.get(13)?,
            mention_id: r.get(14)?,
        })
    };
    let mut out: Vec<OutboxRow> = conn
        .prepare(&format!(
            "SELECT {columns} FROM actions a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.state IN ('queued', 'sending') AND a.kind IN ('reply', 'thank', 'like')
             ORDER BY a.created_at, a.id"
        ))?
        .query_map([], row)?
        .collect::<rusqlite::Result<_>>()?;
    let recent: Vec<OutboxRow> = conn
        .prepare(&format!(
            "SELECT {columns} FROM actions a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.created_at >= ?1 AND a.kind IN ('reply', 'thank', 'like')
               AND a.state IN ('sent', 'failed', 'unknown') AND a.external_id IS NULL
               -- Sent by a sender, not history written as sent (seeded, imported).
               AND (a.state != 'sent' OR a.attempts > 0)
             ORDER BY a.created_at DESC, a.id DESC LIMIT ?2"
        ))?
        .query_map(params![now - recent_days * 86_400, limit], row)?
        .collect::<rusqlite::Result<_>>()?;
    out.extend(recent);
    Ok(out)
}

/// The outbox at a glance: what waits per platform, and what needs the operator.
pub fn state(conn: &Connection, undo_secs: i64, now: i64) -> Result<OutboxState> {
    let (failed, unknown): (i64, i64) = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(state = 'failed'), 0), COALESCE(SUM(state = 'unknown'), 0)
             FROM actions INDEXED BY actions_trouble
             WHERE state IN ('failed', 'unknown') AND undone_at IS NULL",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(OutboxState {
        waiting: waiting(conn, undo_secs, now)?,
        failed: failed as u64,
        unknown: unknown as u64,
    })
}
