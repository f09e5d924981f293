//! A page of a search with words: the full-text index hands out the words' matches
//! newest first by key (store::fulltext) and each is checked against the search's
//! filters on its mention, until a page is full. A filter that keeps few of the
//! matches walks further (about 10 µs a match); the other way round, the filter's
//! candidates by time each looked up among the matches, measured far slower even for
//! `from:` (1.8 to 18 s for "the from:hana" at 1,000,000 mentions, against 260 ms
//! walking), since SQLite then reads or sorts every match of the word.

use super::fulltext;
use super::inbox::{filters, row, COLUMNS};
use crate::domain::query::Query;
use crate::model::inbox::{Direction, InboxRow};
use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

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
    let forward = dir == Direction::Forward;
    let bound = from.map_or(if forward { i64::MAX } else { i64::MIN }, |(t, id)| {
        fulltext::key(t, id)
    });
    let edge = if forward { i64::MIN } else { i64::MAX };
    let (sql, params) = window_sql(q, words, bound, edge, dir, limit, now);
    run(conn, &sql, params)
}

fn run(conn: &Connection, sql: &str, params: Vec<Value>) -> Result<Vec<InboxRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params_from_iter(params), row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("searching")?;
    Ok(rows)
}

/// The first page of a search with words (to show how SQLite runs it).
pub(super) fn first_window_sql(q: &Query, words: &str, now: i64) -> (String, Vec<Value>) {
    window_sql(q, words, i64::MAX, i64::MIN, Direction::Forward, 200, now)
}

/// The matches with keys from `bound` (exclusive) to `edge` (inclusive) that pass the
/// filters, in key order, at most `limit`: FTS5 reads its matches in rowid order from
/// the bound and stops at the limit.
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

    /// Pages by key in both directions, with a filter that keeps a third of the
    /// matches and times out of id order with ties, give the sorted list of matches.
    #[test]
    fn pages_of_a_filtered_word_follow_the_list_order() {
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
                 SELECT {}, m.body, 'ana' FROM mentions m",
                fulltext::KEY_OF_M
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
        for limit in [1, 3, 10, 100] {
            let mut got = Vec::new();
            let mut from = None;
            loop {
                let rows = page(&conn, &q, &words, from, Direction::Forward, limit, 0).unwrap();
                let Some(last) = rows.last() else { break };
                from = Some((last.created_at, last.id));
                got.extend(rows.iter().map(|r| (r.created_at, r.id)));
            }
            assert_eq!(got, expected, "forward, pages of {limit}");
            let mut back = Vec::new();
            let mut from = None;
            loop {
                let rows = page(&conn, &q, &words, from, Direction::Backward, limit, 0).unwrap();
                let Some(last) = rows.last() else { break };
                from = Some((last.created_at, last.id));
                back.extend(rows.iter().map(|r| (r.created_at, r.id)));
            }
            back.reverse();
            assert_eq!(back, expected, "backward, pages of {limit}");
        }
    }
}
