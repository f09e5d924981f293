//! Conversations: a person's messages in one thread, keyed by the external id of the
//! thread's first message (`mentions.conversation`). Replying to the newest message
//! closes the earlier open ones with it (the reply answers them all); a new message in
//! a done conversation arrives open, so the conversation is back in the queue.

use crate::config::Config;
use crate::domain::ActionKind;
use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

/// The conversation key of a new message on `platform`: its thread when the platform
/// says it, else the conversation of the message it answers (through our reply when it
/// answers one of ours: on Twitter a customer answers the brand's reply), else the id
/// it answers, else its own id.
pub fn key_of(
    conn: &Connection,
    platform: &str,
    external_id: &str,
    parent: Option<&str>,
    thread: Option<&str>,
) -> Result<String> {
    if let Some(thread) = thread {
        return Ok(thread.to_string());
    }
    let Some(parent) = parent else {
        return Ok(external_id.to_string());
    };
    let mut mention = conn.prepare_cached(
        "SELECT COALESCE(conversation, external_id) FROM mentions
         WHERE platform = ?1 AND external_id = ?2",
    )?;
    if let Some(key) = mention
        .query_row(params![platform, parent], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Ok(key);
    }
    let ours: Option<Option<String>> = conn
        .prepare_cached("SELECT in_reply_to FROM actions WHERE platform = ?1 AND external_id = ?2")?
        .query_row(params![platform, parent], |r| r.get(0))
        .optional()?;
    if let Some(Some(answered)) = ours {
        return Ok(mention
            .query_row(params![platform, answered], |r| r.get::<_, String>(0))
            .optional()?
            .unwrap_or(answered));
    }
    Ok(parent.to_string())
}

/// After `kind` (a reply or a thank, logged as action `action_id`) to mention
/// `mention_id`: closes the same person's earlier messages of its conversation that
/// are still open or snoozed, and notes what they were in the action's detail so that
/// undo puts them back. Returns how many closed.
pub fn close_earlier(
    conn: &Connection,
    config: &Config,
    mention_id: i64,
    kind: ActionKind,
    action_id: i64,
    now: i64,
) -> Result<usize> {
    let earlier: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT e.id, json_object('status', e.status, 'snoozed_until', e.snoozed_until,
                                      'first_response_at', e.first_response_at)
             FROM mentions m JOIN mentions e
               ON e.author_id = m.author_id AND e.conversation = m.conversation
              AND e.platform = m.platform
             WHERE m.id = ?1 AND e.id != m.id AND e.status != 'done'
               AND e.created_at <= m.created_at",
        )?
        .query_map([mention_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if earlier.is_empty() {
        return Ok(0);
    }
    // As for the message answered: a reply that must reach the platform answers them
    // when it is sent (the outbox records it), unless queued replies count.
    let answers = config.response.counts.contains(&kind)
        && (config.response.count_queued || !kind.goes_out());
    let mut close = conn.prepare_cached(
        "UPDATE mentions SET status = 'done', snoozed_until = NULL,
             first_response_at = CASE WHEN ?2 THEN COALESCE(first_response_at, ?3)
                                      ELSE first_response_at END
         WHERE id = ?1",
    )?;
    let mut noted = Vec::new();
    for (id, before) in &earlier {
        close.execute(params![id, answers, now])?;
        let before: Value = serde_json::from_str(before).unwrap_or(Value::Null);
        noted.push(json!({ "id": id, "mention": before }));
    }
    conn.prepare_cached(
        "UPDATE actions SET detail = json_set(detail, '$.conversation', json(?2)) WHERE id = ?1",
    )?
    .execute(params![action_id, Value::Array(noted).to_string()])?;
    Ok(earlier.len())
}

/// Undo's part: reopens the earlier messages an action closed with it (its `detail`).
pub fn reopen(conn: &Connection, detail: &Value) -> Result<()> {
    let Some(closed) = detail.get("conversation").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut put_back = conn.prepare_cached(
        "UPDATE mentions SET status = ?2, snoozed_until = ?3, first_response_at = ?4 WHERE id = ?1",
    )?;
    for entry in closed {
        let (Some(id), Some(before)) = (
            entry.get("id").and_then(Value::as_i64),
            entry.get("mention"),
        ) else {
            continue;
        };
        put_back.execute(params![
            id,
            before
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("open"),
            before.get("snoozed_until").and_then(Value::as_i64),
            before.get("first_response_at").and_then(Value::as_i64),
        ])?;
    }
    Ok(())
}
