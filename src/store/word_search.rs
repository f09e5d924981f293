//! A page of a search with words: the full-text index hands out the words' matches
//! newest first by key (store::fulltext), a window at a time, and each match is checked
//! against the search's filters on its mention. A narrow filter (`from:`,
//! `status:snoozed`) would make that walk long, so after [`MAX_WALK`] matches the rest
//! of the page comes from the filter's side instead: its candidates by time, each
//! looked up among the words' matches (the plan from before the index was keyed by
//! time).

use super::fulltext::{self, KEY_OF_M};
use super::inbox::{filters, row, COLUMNS};
use crate::domain::query::Query;
use crate::domain::Status;
use crate::model::inbox::{Direction, InboxRow};
use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

/// Matches walked, at most, before the filters' side finishes the page: about 40 ms.
const MAX_WALK: usize = 4000;
/// The most matches one window reads (a window's SQL is a range of keys).
const MAX_WINDOW: usize = 32_768;

/// Up to `limit` matches of `words` (a MATCH expression) and `q`'s filters after
/// `from` in `dir`, in the walk's order (the caller turns a backward page around).
pub(super) fn page(
    conn: &Connection,
    q: &Query,
    words: &str,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
) -> Result<Vec<InboxRow>> {
    // Only a filter with an index of its own that keeps few rows (a handle: the
    // author index; snoozed items: the queue index) makes the filters' side quick;
    // others (a platform, a kind) would look up every match of the word among their
    // many candidates (20 s for "the platform:sms" at 1,000,000 mentions, against
    // 90 ms walking), so they walk to the end.
    let narrow = q.from.is_some() || q.status == Some(Status::Snoozed);
    let max_walk = if narrow { MAX_WALK } else { usize::MAX };
    walk(conn, q, words, from, dir, limit, now, max_walk)
}

/// [`page`], walking at most `max_walk` matches.
#[allow(clippy::too_many_arguments)]
fn walk(
    conn: &Connection,
    q: &Query,
    words: &str,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
    max_walk: usize,
) -> Result<Vec<InboxRow>> {
    let forward = dir == Direction::Forward;
    let mut bound = from.map_or(if forward { i64::MAX } else { i64::MIN }, |(t, id)| {
        fulltext::key(t, id)
    });
    let mut rows = Vec::new();
    let mut walked = 0;
    let mut window = (limit * 2).max(1);
    let (cmp, order, edge_of) = if forward {
        ("<", "DESC", "MIN")
    } else {
        (">", "ASC", "MAX")
    };
    let mut edge_stmt = conn.prepare_cached(&format!(
        "SELECT {edge_of}(k), COUNT(*) FROM
           (SELECT rowid AS k FROM mentions_fts WHERE mentions_fts MATCH ?1 AND rowid {cmp} ?2
            ORDER BY rowid {order} LIMIT ?3)"
    ))?;
    while rows.len() < limit {
        // The next window of matches ends at `edge` (inclusive).
        let (edge, n): (Option<i64>, i64) = edge_stmt
            .query_row(rusqlite::params![words, bound, window as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .context("searching the full-text index")?;
        let n = n as usize;
        let Some(edge) = edge else { break };
        let (sql, params) = window_sql(q, words, bound, edge, dir, limit - rows.len(), now);
        rows.extend(run(conn, &sql, params)?);
        walked += n;
        if n < window {
            break;
        }
        bound = edge;
        if walked >= max_walk && rows.len() < limit {
            let (sql, params) = sorted_sql(q, words, bound, dir, limit - rows.len(), now);
            rows.extend(run(conn, &sql, params)?);
            break;
        }
        window = (window * 2)
            .min(max_walk.saturating_sub(walked).max(1))
            .min(MAX_WINDOW);
    }
    Ok(rows)
}

fn run(conn: &Connection, sql: &str, params: Vec<Value>) -> Result<Vec<InboxRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params_from_iter(params), row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("searching")?;
    Ok(rows)
}

/// How SQLite runs the first window of a search with words.
pub(super) fn first_window_sql(q: &Query, words: &str, now: i64) -> (String, Vec<Value>) {
    window_sql(q, words, i64::MAX, i64::MIN, Direction::Forward, 200, now)
}

/// The matches with keys from `bound` (exclusive) to `edge` (inclusive) that pass the
/// filters, in key order, at most `limit`.
fn window_sql(
    q: &Query,
    words: &str,
    bound: i64,
    edge: i64,
    dir: Direction,
    limit: usize,
    now: i64,
) -> (String, Vec<Value>) {
    let forward = dir == Direction::Forward;
    let (range, order) = if forward {
        ("mentions_fts.rowid < ? AND mentions_fts.rowid >= ?", "DESC")
    } else {
        ("mentions_fts.rowid > ? AND mentions_fts.rowid <= ?", "ASC")
    };
    let mut params = vec![
        Value::Text(words.into()),
        Value::Integer(bound),
        Value::Integer(edge),
    ];
    let mut clauses = vec!["mentions_fts MATCH ?", range];
    clauses.extend(filters(q, now, &mut params));
    params.push(Value::Integer(limit as i64));
    let inner = format!(
        "SELECT mentions_fts.rowid AS k FROM mentions_fts
         CROSS JOIN mentions m ON m.id = {} {}
         WHERE {} ORDER BY mentions_fts.rowid {order} LIMIT ?",
        fulltext::id_of("mentions_fts.rowid"),
        author(q),
        clauses.join(" AND ")
    );
    (with_columns(&inner, order), params)
}

/// The filters' side: their candidates past `bound` by time, each looked up among the
/// words' matches, at most `limit`.
fn sorted_sql(
    q: &Query,
    words: &str,
    bound: i64,
    dir: Direction,
    limit: usize,
    now: i64,
) -> (String, Vec<Value>) {
    let (created_at, id) = fulltext::unkey(bound);
    let (cmp, order) = if dir == Direction::Forward {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let mut params = vec![
        Value::Text(words.into()),
        Value::Integer(created_at),
        Value::Integer(id),
    ];
    let in_words = format!(
        "m.id IN (SELECT {} FROM mentions_fts WHERE mentions_fts MATCH ?)",
        fulltext::MENTION_ID
    );
    let after = format!("(m.created_at, m.id) {cmp} (?, ?)");
    let mut clauses = vec![in_words.as_str(), after.as_str()];
    clauses.extend(filters(q, now, &mut params));
    params.push(Value::Integer(limit as i64));
    let inner = format!(
        "SELECT {KEY_OF_M} AS k FROM mentions m {}
         WHERE {} ORDER BY m.created_at {order}, m.id {order} LIMIT ?",
        author(q),
        clauses.join(" AND ")
    );
    (with_columns(&inner, order), params)
}

/// Filters on the author (is:bot) need the author's row in the walk.
fn author(q: &Query) -> &'static str {
    if q.bot {
        "JOIN people p ON p.id = m.author_id"
    } else {
        ""
    }
}

/// The page's keys first, then its columns: the walk carries only keys, and the
/// author's tags are read for the page alone.
fn with_columns(inner: &str, order: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM ({inner}) page
         CROSS JOIN mentions m ON m.id = {} JOIN people p ON p.id = m.author_id
         ORDER BY page.k {order}",
        fulltext::id_of("page.k")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page, by key in both directions, whether the walk finishes it or the
    /// filters' side does, is the sorted list of matches cut at the same places.
    #[test]
    fn a_page_is_the_same_however_far_the_walk_goes() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("w.db")).unwrap();
        conn.execute(
            "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (1, 'x', 'u', 'ana', 0, 0)",
            [],
        )
        .unwrap();
        for id in 1..=60i64 {
            // Times out of id order, with ties; every third on sms; most say "the".
            let created_at = 1_000 + (id * 7) % 13;
            let platform = if id % 3 == 0 { "sms" } else { "x" };
            let body = if id % 5 == 0 { "nothing" } else { "the theme" };
            conn.execute(
                "INSERT INTO mentions (id, platform, external_id, kind, author_id, body,
                                       created_at, imported_at, due_at, rank)
                 VALUES (?1, ?2, ?3, 'mention', 1, ?4, ?5, 0, 0, 0)",
                rusqlite::params![id, platform, format!("e{id}"), body, created_at],
            )
            .unwrap();
        }
        conn.execute(
            &format!(
                "INSERT INTO mentions_fts (rowid, body, handle)
                 SELECT {KEY_OF_M}, m.body, 'ana' FROM mentions m"
            ),
            [],
        )
        .unwrap();
        let q = Query::parse("the platform:sms").unwrap();
        let words = fulltext::match_of(&conn, &q).unwrap().unwrap();
        let expected: Vec<(i64, i64)> = conn
            .prepare(
                "SELECT created_at, id FROM mentions WHERE platform = 'sms' AND body LIKE 'the%'
                 ORDER BY created_at DESC, id DESC",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(expected.len(), 16);
        for max_walk in [1, 3, 10, 1000] {
            let mut got = Vec::new();
            let mut from = None;
            loop {
                let rows =
                    walk(&conn, &q, &words, from, Direction::Forward, 3, 0, max_walk).unwrap();
                let Some(last) = rows.last() else { break };
                from = Some((last.created_at, last.id));
                got.extend(rows.iter().map(|r| (r.created_at, r.id)));
            }
            assert_eq!(got, expected, "forward, walking at most {max_walk}");
            let mut back = Vec::new();
            let mut from = None;
            loop {
                let rows =
                    walk(&conn, &q, &words, from, Direction::Backward, 3, 0, max_walk).unwrap();
                let Some(last) = rows.last() else { break };
                from = Some((last.created_at, last.id));
                back.extend(rows.iter().map(|r| (r.created_at, r.id)));
            }
            back.reverse();
            assert_eq!(back, expected, "backward, walking at most {max_walk}");
        }
    }
}
