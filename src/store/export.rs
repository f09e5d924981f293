//! Streaming exports of mentions, people and actions: rows are handed to a callback one
//! at a time, never collected, so a million-row table exports in constant memory.

use anyhow::Result;
use rusqlite::{params, types::ValueRef, Connection};

/// Which table to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Mentions,
    People,
    Actions,
}

/// Row filters; `None` keeps everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub platform: Option<String>,
    /// Mentions only: open, snoozed or done.
    pub status: Option<String>,
    /// Rows created (people: first seen) at or after this Unix time.
    pub since: Option<i64>,
}

const MENTIONS: &str =
    "SELECT m.id, m.platform, m.external_id, m.kind, p.platform_user_id AS author_id,
        p.handle AS author_handle, m.account, m.body, m.url, m.parent_external_id AS parent_id,
        m.thread_external_id AS thread_id, m.created_at, m.status, m.snoozed_until,
        m.first_response_at, m.is_question, m.sentiment, m.due_at
    FROM mentions m JOIN people p ON p.id = m.author_id
    WHERE (?1 IS NULL OR m.platform = ?1) AND (?2 IS NULL OR m.status = ?2) AND m.created_at >= ?3
    ORDER BY m.id";
const PEOPLE: &str =
    "SELECT p.id, p.platform, p.platform_user_id, p.handle, p.display_name, p.followers,
        p.profile_url, p.is_bot, p.first_seen, p.last_seen, p.buyer_stage, p.engagement, p.notes,
        (SELECT group_concat(tag, ' ') FROM tags t WHERE t.person_id = p.id) AS tags
    FROM people p
    WHERE (?1 IS NULL OR p.platform = ?1) AND (?2 IS NULL OR ?2 = ?2) AND p.first_seen >= ?3
    ORDER BY p.id";
const ACTIONS: &str = "SELECT a.id, a.kind, a.mention_id, a.person_id, a.platform, a.external_id,
        a.in_reply_to, a.account, a.body, a.state, a.attempts, a.last_error, a.created_at,
        a.sent_at, a.undone_at
    FROM actions a
    WHERE (?1 IS NULL OR a.platform = ?1) AND (?2 IS NULL OR ?2 = ?2) AND a.created_at >= ?3
    ORDER BY a.id";

/// What the export hands to its sink: the column names once, then each row.
pub enum Row<'a> {
    Header(&'a [String]),
    Values(&'a [String], &'a [serde_json::Value]),
}

/// Streams the table to `sink`: the header, then every row as JSON values.
pub fn export(
    conn: &Connection,
    table: Table,
    filter: &Filter,
    sink: &mut dyn FnMut(Row<'_>) -> Result<()>,
) -> Result<u64> {
    let sql = match table {
        Table::Mentions => MENTIONS,
        Table::People => PEOPLE,
        Table::Actions => ACTIONS,
    };
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    sink(Row::Header(&names))?;
    let mut rows = stmt.query(params![
        filter.platform,
        filter.status,
        filter.since.unwrap_or(i64::MIN)
    ])?;
    let mut count = 0;
    let mut values = Vec::with_capacity(names.len());
    while let Some(r) = rows.next()? {
        values.clear();
        for i in 0..names.len() {
            values.push(match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(v) => v.into(),
                ValueRef::Real(v) => v.into(),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    String::from_utf8_lossy(t).into_owned().into()
                }
            });
        }
        sink(Row::Values(&names, &values))?;
        count += 1;
    }
    Ok(count)
}
