//! What the operator does, written in one transaction each: the change to the mention
//! or person, and a row in `actions` whose `detail` holds what was there before, so
//! `undo` (store::undo) can put it back, step after step, as far as the log goes.

use crate::config::Config;
use crate::domain::{ActionKind, BuyerStage, Engagement};
use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value};

/// A change the operator asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Queue a reply or a thank-you. Without `force`, a text (nearly) equal to one sent
    /// to someone else recently is refused with [`Outcome::Duplicate`].
    Reply {
        mention_id: i64,
        kind: ActionKind,
        body: String,
        force: bool,
    },
    Like {
        mention_id: i64,
    },
    Dismiss {
        mention_id: i64,
    },
    Snooze {
        mention_id: i64,
        until: i64,
    },
    TogglePowerUser {
        person_id: i64,
    },
    Relationship {
        person_id: i64,
        stage: BuyerStage,
        engagement: Engagement,
    },
    Note {
        person_id: i64,
        text: String,
    },
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done; a line for the status bar.
    Applied(String),
    /// Not written: this text went to `handle` on `at` already.
    Duplicate {
        handle: String,
        body: String,
        at: i64,
    },
}

/// Applies `write` at `now`.
pub fn apply(conn: &mut Connection, config: &Config, write: &Write, now: i64) -> Result<Outcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let outcome = match write {
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
                if let Some(dup) =
                    super::duplicates::duplicate(&tx, config, target.author_id, body, now)?
                {
                    return Ok(dup);
                }
            }
            close(&tx, config, &target, *kind, body.trim(), "done", None, now)?;
            Outcome::Applied(format!("{} to @{} queued", kind, target.handle))
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
            Outcome::Applied(format!("liked @{}", target.handle))
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
            Outcome::Applied(format!("dismissed @{}", target.handle))
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
            Outcome::Applied(format!("snoozed @{}", target.handle))
        }
        Write::TogglePowerUser { person_id } => {
            let (handle, added) = toggle_power_user(&tx, config, *person_id, now)?;
            Outcome::Applied(if added {
                format!("@{handle} tagged as power user")
            } else {
                format!("@{handle} is no longer a power user")
            })
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
            Outcome::Applied(format!("@{handle}: {stage}, prefers {engagement}"))
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
            Outcome::Applied(format!("note added to @{handle}"))
        }
    };
    tx.commit()?;
    Ok(outcome)
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
    let answers = config.response.counts.contains(&kind);
    conn.prepare_cached(
        "UPDATE mentions SET status = ?2, snoozed_until = ?3,
             first_response_at = CASE WHEN ?4 THEN COALESCE(first_response_at, ?5) ELSE first_response_at END
         WHERE id = ?1",
    )?
    .execute(params![t.mention_id, status, snoozed_until, answers, now])?;
    // Replies, thanks and likes go to the platform: they wait in the outbox as queued.
    let state = match kind {
        ActionKind::Reply | ActionKind::Thank | ActionKind::Like => "queued",
        _ => "sent",
    };
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
    let weight = if power_user {
        config.priority.power_user_minutes * 60
    } else {
        0
    };
    conn.prepare_cached(
        "UPDATE mentions SET rank = due_at - boost - ?2 WHERE author_id = ?1 AND status != 'done'",
    )?
    .execute(params![person_id, weight])?;
    Ok(())
}

pub use super::duplicates::{normalize, similarity};
pub use super::undo::{undo, Undone};
