//! The rows of the inbox list, a page at a time. The triage queue is the open items
//! by (rank, id) on the index mentions_queue; a search lists matches newest first by
//! (created_at, id), walking mentions_stats (store::word_search for words). Both page
//! by keyset (the key of the last row shown), never by OFFSET, so every page costs the
//! same at any depth.

use super::fulltext::{self, KEY_OF_M};
use crate::config::Config;
use crate::domain::priority;
use crate::domain::query::Query;
use crate::domain::reading::Class;
use crate::domain::target;
use crate::model::inbox::{Direction, InboxRow, Listing};
use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Row};

pub(super) const COLUMNS: &str = "m.id, m.rank, m.created_at, m.due_at, m.platform, m.kind, m.author_id, p.handle,
    EXISTS (SELECT 1 FROM tags t WHERE t.person_id = m.author_id AND t.tag = 'power_user'),
    (SELECT t.tag FROM tags t WHERE t.person_id = m.author_id AND t.tag NOT IN ('power_user', 'vip') LIMIT 1),
    substr(m.body, 1, 300), m.status";

pub(super) fn row(r: &Row<'_>) -> rusqlite::Result<InboxRow> {
    Ok(InboxRow {
        id: r.get(0)?,
        rank: r.get(1)?,
        created_at: r.get(2)?,
        due_at: r.get(3)?,
        platform: r.get(4)?,
        kind: r.get(5)?,
        author_id: r.get(6)?,
        handle: r.get(7)?,
        power_user: r.get(8)?,
        segment: r.get(9)?,
        preview: r.get(10)?,
        status: r.get(11)?,
    })
}

/// A page of `limit` rows from `from` (exclusive) in `dir`.
/// `from` is the exclusive key: (rank, id) in the queue, (id, _) in a search.
pub fn page(
    conn: &Connection,
    listing: &Listing,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
) -> Result<Vec<InboxRow>> {
    let mut rows = match listing {
        Listing::Queue => queue_page(conn, from, dir, limit)?,
        Listing::ByTime { newest_first } => by_time_page(conn, *newest_first, from, dir, limit)?,
        Listing::Search(q) => search_page(conn, q, from, dir, limit, now)?,
    };
    if dir == Direction::Backward {
        rows.reverse();
    }
    Ok(rows)
}

fn queue_page(
    conn: &Connection,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
) -> Result<Vec<InboxRow>> {
    let (key, sql) = match dir {
        Direction::Forward => (
            from.unwrap_or((i64::MIN, i64::MIN)),
            "WHERE m.status = 'open' AND (m.rank, m.id) > (?1, ?2) ORDER BY m.rank, m.id LIMIT ?3",
        ),
        Direction::Backward => (
            from.unwrap_or((i64::MAX, i64::MAX)),
            "WHERE m.status = 'open' AND (m.rank, m.id) < (?1, ?2) ORDER BY m.rank DESC, m.id DESC LIMIT ?3",
        ),
    };
    let sql = format!("SELECT {COLUMNS} FROM mentions m JOIN people p ON p.id = m.author_id {sql}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params![key.0, key.1, limit as i64], row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the queue")?;
    Ok(rows)
}

/// Open items by (created_at, id), newest or oldest first, on the partial index of
/// open items (`mentions_open_created`; its rowid is the id), by keyset.
fn by_time_page(
    conn: &Connection,
    newest_first: bool,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
) -> Result<Vec<InboxRow>> {
    // Ascending when reading oldest first forward, or newest first backward.
    let ascending = newest_first == (dir == Direction::Backward);
    let (start, sql) = if ascending {
        (
            (i64::MIN, i64::MIN),
            "WHERE m.status = 'open' AND (m.created_at, m.id) > (?1, ?2)
             ORDER BY m.created_at, m.id LIMIT ?3",
        )
    } else {
        (
            (i64::MAX, i64::MAX),
            "WHERE m.status = 'open' AND (m.created_at, m.id) < (?1, ?2)
             ORDER BY m.created_at DESC, m.id DESC LIMIT ?3",
        )
    };
    let key = from.unwrap_or(start);
    let sql = format!(
        "SELECT {COLUMNS} FROM mentions m INDEXED BY mentions_open_created
         JOIN people p ON p.id = m.author_id {sql}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params![key.0, key.1, limit as i64], row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the open items by time")?;
    Ok(rows)
}

/// The WHERE clauses and parameters of a query's filters (fixed SQL, values bound).
/// They read only columns of the covering index mentions_stats (migration v19) and
/// lists of authors read once (a handle's start, the bots): a search walks that index
/// by time and checks each mention inside it, so a filter that keeps few goes through
/// 1,000,000 mentions in about 60-80 ms, where looking each up in the table took 2 s
/// (tests/search.rs holds every filter to it).
pub(super) fn filters(q: &Query, now: i64, params: &mut Vec<Value>) -> Vec<&'static str> {
    let mut clauses = Vec::new();
    if let Some(from) = &q.from {
        // The start of a handle: the range [from, from + U+10FFFF) on people_handle
        // (NOCASE), so no LIKE pattern is built from what was typed.
        params.push(Value::Text(from.clone()));
        params.push(Value::Text(format!("{from}\u{10FFFF}")));
        clauses.push(
            "m.author_id IN (SELECT id FROM people WHERE handle >= ? COLLATE NOCASE
             AND handle < ? COLLATE NOCASE)",
        );
    }
    if let Some(platform) = &q.platform {
        params.push(Value::Text(platform.clone()));
        clauses.push("m.platform = ? COLLATE NOCASE");
    }
    if let Some(account) = &q.account {
        params.push(Value::Text(account.clone()));
        clauses.push("m.account = ? COLLATE NOCASE");
    }
    if let Some(kind) = q.kind {
        params.push(Value::Text(kind.as_str().into()));
        clauses.push("m.kind = ?");
    }
    if let Some(status) = q.status {
        params.push(Value::Text(status.as_str().into()));
        clauses.push("m.status = ?");
    }
    if q.question {
        clauses.push("m.is_question = 1");
    }
    if q.complaint {
        params.push(Value::Text(Class::Complaint.as_str().into()));
        clauses.push("m.class = ?");
    }
    if q.bot {
        // A list read once from the bots' index, not a join to each mention's author.
        clauses.push("m.author_id IN (SELECT id FROM people WHERE is_bot = 1)");
    }
    if q.power {
        clauses.push("EXISTS (SELECT 1 FROM tags t WHERE t.person_id = m.author_id AND t.tag = 'power_user')");
    }
    if q.over {
        params.push(Value::Integer(target::over_if_due_by(now)));
        clauses.push("m.status = 'open' AND m.due_at <= ?");
    }
    clauses
}

/// The ids of the open items `q` matches, as SQL and its parameters, with the search's
/// own filters: what a change to every match acts on (store::batch).
pub(super) fn open_matching(q: &Query, now: i64) -> (String, Vec<Value>) {
    matching_sql(q, now, true)
}

/// The ids of every item `q` matches, whatever its status, as the list shows them
/// (its status filter, if it has one, still applies): what an export writes.
pub(super) fn shown_matching(q: &Query, now: i64) -> (String, Vec<Value>) {
    matching_sql(q, now, false)
}

fn matching_sql(q: &Query, now: i64, open_only: bool) -> (String, Vec<Value>) {
    let mut params = Vec::new();
    let mut clauses = if open_only {
        vec!["m.status = 'open'".to_string()]
    } else {
        vec!["1".to_string()]
    };
    let from = match q.fts_match() {
        Some(m) => {
            params.push(Value::Text(m));
            clauses.push("mentions_fts MATCH ?".into());
            format!(
                "mentions_fts CROSS JOIN mentions m ON m.id = {}",
                fulltext::id_of("mentions_fts.rowid")
            )
        }
        None => "mentions m".into(),
    };
    // Only words left out (`-late status:open`): the list skips their matches, so
    // the change must too.
    if q.fts_match().is_none() {
        if let Some(out) = q.fts_excluded() {
            params.push(Value::Text(out));
            clauses.push(excluded());
        }
    }
    clauses.extend(filters(q, now, &mut params).into_iter().map(String::from));
    (
        format!(
            "SELECT m.id FROM {from} JOIN people p ON p.id = m.author_id WHERE {}",
            clauses.join(" AND ")
        ),
        params,
    )
}

/// Only words left out: the mentions whose key is not among their matches.
fn excluded() -> String {
    format!("{KEY_OF_M} NOT IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
}

/// Matches newest first by (created_at, id), by keyset from `from`. Words walk the
/// full-text index, whose rowid sorts by the same key (store::word_search); filters
/// alone, or with words left out, walk the time index.
fn search_page(
    conn: &Connection,
    q: &Query,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
) -> Result<Vec<InboxRow>> {
    if let Some(words) = fulltext::match_of(conn, q)? {
        let walked = super::word_search::WALKED;
        return super::word_search::page(conn, q, &words, from, dir, limit, now, walked);
    }
    let (sql, params) = filters_sql(q, from, dir, limit, now);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(params), row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("searching")?;
    Ok(rows)
}

/// How SQLite runs a search's first page (EXPLAIN QUERY PLAN, one line a step, two
/// spaces of indent per level): the tests hold each kind of search to its index.
pub fn search_plan(conn: &Connection, q: &Query, now: i64) -> Result<Vec<String>> {
    let (sql, params) = match fulltext::match_of(conn, q)? {
        Some(words) => super::word_search::first_window_sql(q, &words, now),
        None => filters_sql(q, None, Direction::Forward, 200, now),
    };
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let steps = stmt
        .query_map(params_from_iter(params), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, i64, String)>>>()?;
    let mut depth: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut plan = Vec::new();
    for (id, parent, detail) in steps {
        let d = depth.get(&parent).map_or(0, |d| d + 1);
        depth.insert(id, d);
        plan.push(format!("{}{detail}", "  ".repeat(d)));
    }
    Ok(plan)
}

/// A search without required words: its filters, and the words it leaves out.
fn filters_sql(
    q: &Query,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    let forward = dir == Direction::Forward;
    let order = if forward { "DESC" } else { "ASC" };
    if let Some(out) = q.fts_excluded() {
        params.push(Value::Text(out));
        clauses.push(excluded());
    }
    let key = from.unwrap_or(if forward {
        (i64::MAX, i64::MAX)
    } else {
        (i64::MIN, i64::MIN)
    });
    params.push(Value::Integer(key.0));
    params.push(Value::Integer(key.1));
    let bound = if forward { "<" } else { ">" };
    clauses.push(format!("(m.created_at, m.id) {bound} (?, ?)"));
    clauses.extend(filters(q, now, &mut params).into_iter().map(String::from));
    // Filters alone walk by time through the covering index and stop at a page (a
    // status or a platform would otherwise pick its own index and sort every match;
    // ties of a second are sorted by id alone); a handle narrows the candidates first,
    // through the people index.
    let walk = if q.from.is_some() {
        ""
    } else {
        "INDEXED BY mentions_stats"
    };
    params.push(Value::Integer(limit as i64));
    // The page's ids first, then its columns: the author's tags are read for the page
    // alone.
    let sql = format!(
        "SELECT {COLUMNS} FROM mentions m JOIN people p ON p.id = m.author_id
         WHERE m.id IN (SELECT m.id FROM mentions m {walk}
                        WHERE {} ORDER BY m.created_at {order}, m.id {order} LIMIT ?)
         ORDER BY m.created_at {order}, m.id {order}",
        clauses.join(" AND ")
    );
    (sql, params)
}

/// What a refresh keeps current in a writable file: snoozed items whose time has come
/// wake, mentions read by older reading rules are read again, and open items that
/// turned stale move behind everything still answerable in time.
pub fn keep_up(conn: &mut Connection, config: &Config, now: i64) -> Result<()> {
    wake_snoozed(conn, now)?;
    super::reread::reread_if_needed(conn, config)?;
    move_stale(conn, config, now)?;
    Ok(())
}

/// The update behind [`move_stale`]. Its constants are `priority::STALE_FROM` and
/// `STALE_OFFSET` written out, as the partial index mentions_fresh_due (migration v5)
/// says them: SQLite uses a partial index only for the same terms, not for parameters
/// (and without statistics it would rather walk mentions_queue's whole open band).
const MOVE_STALE: &str =
    "UPDATE mentions INDEXED BY mentions_fresh_due SET rank = rank + 1000000000000
     WHERE status = 'open' AND rank < 500000000000 AND due_at < ?1";

/// Moves the open items that are stale at `now` (and not yet ranked so) into the stale
/// band of the queue; returns how many moved. It reads only the index of open items
/// still in the answerable band whose due time has passed the stale line, so it costs
/// nothing when nothing turned stale, and it also catches items that came back
/// (woken, undone) after their time.
pub fn move_stale(conn: &Connection, config: &Config, now: i64) -> Result<usize> {
    let before = priority::stale_if_due_before(now, &config.priority);
    let moved = conn
        .prepare_cached(MOVE_STALE)?
        .execute([before])
        .context("moving stale items behind the answerable ones")?;
    Ok(moved)
}

/// Wakes snoozed items whose time has come; returns how many woke.
pub fn wake_snoozed(conn: &Connection, now: i64) -> Result<usize> {
    let n = conn
        .prepare_cached(
            "UPDATE mentions SET status = 'open', snoozed_until = NULL
             WHERE status = 'snoozed' AND snoozed_until <= ?1",
        )?
        .execute([now])?;
    Ok(n)
}

/// How many items are snoozed.
pub fn snoozed_count(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM mentions WHERE status = 'snoozed'")?;
    Ok(stmt.query_row([], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::priority::{STALE_FROM, STALE_OFFSET};

    #[test]
    fn moving_stale_items_reads_the_small_index_with_the_domains_constants() {
        assert!(MOVE_STALE.contains(&format!("rank + {STALE_OFFSET}")));
        assert!(MOVE_STALE.contains(&format!("rank < {STALE_FROM}")));
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {MOVE_STALE}"))
            .unwrap()
            .query_map([0], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|p| p.contains("mentions_fresh_due")),
            "{plan:?}"
        );
    }
}
