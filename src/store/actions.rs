//! What the operator does, written in one transaction each: the change to the mention
//! or person, and a row in `actions` whose `detail` holds what was there before, so
//! `undo` (store::undo) can put it back, step after step, as far as the log goes.

use crate::config::Config;
use crate::domain::change::{Done, Outcome, Write};
use crate::domain::{priority, ActionKind};
use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value};

/// Applies `write` at `now`.
pub fn apply(conn: &mut Connection, config: &Config, write: &Write, now: i64) -> Result<Outcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let done = match write {
        Write::Reply {
            mention_id,
            kind,
            body,
            force,
        } => {
            if body.trim().is_empty() {
                bail!("an empty reply cannot be queued");
            }
            let target = target(&tx, *mention_id)?;
            if !force {
                if let Some(answered) = answered_already(&tx, *mention_id)? {
                    return Ok(answered);
                }
                if let Some(dup) =
                    super::duplicates::duplicate(&tx, config, target.author_id, body, now)?
                {
                    return Ok(dup);
                }
            }
            close(&tx, config, &target, *kind, body.trim(), "done", None, now)?;
            let reply_id = tx.last_insert_rowid();
            super::conversation::close_earlier(&tx, config, *mention_id, *kind, reply_id, now)?;
            Done::Queued {
                kind: *kind,
                handle: target.handle,
                platform: target.platform,
            }
        }
        Write::Like { mention_id } => {
            let target = target(&tx, *mention_id)?;
            close(
                &tx,
                config,
                &target,
                ActionKind::Like,
                "",
                "done",
                None,
                now,
            )?;
            Done::Liked {
                handle: target.handle,
                platform: target.platform,
            }
        }
        Write::Dismiss { mention_id } => {
            let target = target(&tx, *mention_id)?;
            close(
                &tx,
                config,
                &target,
                ActionKind::Dismiss,
                "",
                "done",
                None,
                now,
            )?;
            Done::Dismissed {
                handle: target.handle,
            }
        }
        Write::Snooze { mention_id, until } => {
            let target = target(&tx, *mention_id)?;
            close(
                &tx,
                config,
                &target,
                ActionKind::Snooze,
                "",
                "snoozed",
                Some(*until),
                now,
            )?;
            Done::Snoozed {
                handle: target.handle,
                until: *until,
            }
        }
        Write::TogglePowerUser { person_id } => {
            let (handle, added) = toggle_power_user(&tx, config, *person_id, now)?;
            Done::PowerUser {
                handle,
                tagged: added,
            }
        }
        Write::Relationship {
            person_id,
            stage,
            engagement,
        } => {
            let (handle, before): (String, Value) = tx.query_row(
                "SELECT handle, json_object('buyer_stage', buyer_stage, 'engagement', engagement)
                 FROM people WHERE id = ?1",
                [person_id],
                |r| {
                    Ok((
                        r.get(0)?,
                        serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or(Value::Null),
                    ))
                },
            )?;
            tx.execute(
                "UPDATE people SET buyer_stage = ?2, engagement = ?3 WHERE id = ?1",
                params![person_id, stage.as_str(), engagement.as_str()],
            )?;
            log(
                &tx,
                ActionKind::Segment,
                None,
                Some(*person_id),
                "",
                json!({ "person": before }),
                "sent",
                now,
            )?;
            Done::Relationship {
                handle,
                stage: *stage,
                engagement: *engagement,
            }
        }
        Write::Note { person_id, text } => {
            let (handle, notes): (String, String) = tx.query_row(
                "SELECT handle, notes FROM people WHERE id = ?1",
                [person_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let day = chrono::DateTime::from_timestamp(now, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let line = format!("{day}: {}", text.trim());
            let joined = if notes.is_empty() {
                line
            } else {
                format!("{notes}\n{line}")
            };
            tx.execute(
                "UPDATE people SET notes = ?2 WHERE id = ?1",
                params![person_id, joined],
            )?;
            log(
                &tx,
                ActionKind::Note,
                None,
                Some(*person_id),
                text.trim(),
                json!({ "person": { "notes": notes } }),
                "sent",
                now,
            )?;
            Done::NoteAdded { handle }
        }
    };
    // Every write above logs its action last.
    let action_id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(Outcome::Applied { done, action_id })
}

/// The answer a done item already has (written here by any window, or imported), when
/// a reply to it arrives: the operator decides whether to send another.
fn answered_already(conn: &Connection, mention_id: i64) -> Result<Option<Outcome>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.kind, a.created_at FROM mentions m JOIN actions a ON a.mention_id = m.id
             WHERE m.id = ?1 AND m.status = 'done' AND a.undone_at IS NULL
               AND a.kind IN ('reply', 'thank', 'like', 'dismiss')
             ORDER BY a.id DESC LIMIT 1",
        )?
        .query_row([mention_id], |r| {
            Ok(Outcome::AnsweredElsewhere {
                kind: r.get(0)?,
                at: r.get(1)?,
            })
        })
        .optional()?)
}

struct Target {
    mention_id: i64,
    author_id: i64,
    handle: String,
    platform: String,
    external_id: String,
    account: Option<String>,
    before: Value,
}

fn target(conn: &Connection, mention_id: i64) -> Result<Target> {
    conn.prepare_cached(
        "SELECT m.id, m.author_id, p.handle, m.platform, m.external_id, m.account,
                json_object('status', m.status, 'snoozed_until', m.snoozed_until,
                            'first_response_at', m.first_response_at)
         FROM mentions m JOIN people p ON p.id = m.author_id WHERE m.id = ?1",
    )?
    .query_row([mention_id], |r| {
        Ok(Target {
            mention_id: r.get(0)?,
            author_id: r.get(1)?,
            handle: r.get(2)?,
            platform: r.get(3)?,
            external_id: r.get(4)?,
            account: r.get(5)?,
            before: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or(Value::Null),
        })
    })
    .optional()?
    .with_context(|| format!("mention {mention_id} is no longer in the database"))
}

/// Puts the mention in `status` and logs the action.
#[allow(clippy::too_many_arguments)]
fn close(
    conn: &Connection,
    config: &Config,
    t: &Target,
    kind: ActionKind,
    body: &str,
    status: &str,
    snoozed_until: Option<i64>,
    now: i64,
) -> Result<()> {
    // An answer that must reach the platform counts when it is sent (the delivery
    // records it), unless the config counts it once queued.
    let answers = config.response.counts.contains(&kind)
        && (config.response.count_queued || !kind.goes_out());
    conn.prepare_cached(
        "UPDATE mentions SET status = ?2, snoozed_until = ?3,
             first_response_at = CASE WHEN ?4 THEN COALESCE(first_response_at, ?5) ELSE first_response_at END
         WHERE id = ?1",
    )?
    .execute(params![t.mention_id, status, snoozed_until, answers, now])?;
    // Replies, thanks and likes go to the platform: they wait in the outbox as queued.
    let state = if kind.goes_out() { "queued" } else { "sent" };
    conn.prepare_cached(
        "INSERT INTO actions (kind, mention_id, person_id, platform, in_reply_to, account, body, detail,
                              state, created_at, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?9 = 'sent' THEN ?10 END)",
    )?
    .execute(params![
        kind.as_str(),
        t.mention_id,
        t.author_id,
        t.platform,
        t.external_id,
        t.account,
        body,
        json!({ "mention": t.before }).to_string(),
        state,
        now
    ])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn log(
    conn: &Connection,
    kind: ActionKind,
    mention_id: Option<i64>,
    person_id: Option<i64>,
    body: &str,
    detail: Value,
    state: &str,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO actions (kind, mention_id, person_id, body, detail, state, created_at, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![kind.as_str(), mention_id, person_id, body, detail.to_string(), state, now])?;
    Ok(())
}

fn toggle_power_user(
    conn: &Connection,
    config: &Config,
    person_id: i64,
    now: i64,
) -> Result<(String, bool)> {
    let handle: String = conn.query_row(
        "SELECT handle FROM people WHERE id = ?1",
        [person_id],
        |r| r.get(0),
    )?;
    let removed = conn.execute(
        "DELETE FROM tags WHERE person_id = ?1 AND tag = 'power_user'",
        [person_id],
    )?;
    let added = removed == 0;
    if added {
        conn.execute(
            "INSERT INTO tags (person_id, tag, created_at) VALUES (?1, 'power_user', ?2)",
            params![person_id, now],
        )?;
    }
    rerank(conn, config, person_id, added)?;
    log(
        conn,
        ActionKind::Tag,
        None,
        Some(person_id),
        "power_user",
        json!({ "tag": "power_user", "added": added }),
        "sent",
        now,
    )?;
    Ok((handle, added))
}

/// A person's items move in the queue when they become (or stop being) a power user.
pub(super) fn rerank(
    conn: &Connection,
    config: &Config,
    person_id: i64,
    power_user: bool,
) -> Result<()> {
    let mut items = conn.prepare_cached(
        "SELECT id, due_at, boost, rank FROM mentions WHERE author_id = ?1 AND status != 'done'",
    )?;
    let mut set = conn.prepare_cached("UPDATE mentions SET rank = ?2 WHERE id = ?1")?;
    let rows = items
        .query_map([person_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, i64, i64, i64)>>>()?;
    for (id, due, boost, rank) in rows {
        let fresh = priority::rank_secs(due, boost, power_user, &config.priority);
        // A stale item stays in the stale band (domain::priority).
        let rank = if rank >= priority::STALE_FROM {
            priority::stale_rank(fresh)
        } else {
            fresh
        };
        set.execute(params![id, rank])?;
    }
    Ok(())
}

pub use super::undo::{history, last_undoable, undo, undo_one};
pub use crate::domain::change::Undone;
