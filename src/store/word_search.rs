//! A page of a search with words: the full-text index hands out the words' matches
//! newest first by key (store::fulltext) and each is checked against the search's
//! filters on its mention, until a page is full. That costs a look-up in the table per
//! match (about 2 µs), so a filter that keeps few of a common word's matches walked
//! all of them: 1.7 s for "the status:snoozed" at 1,000,000 mentions with nothing
//! snoozed. So when the first `WALKED` matches do not fill the page, the rest of it
//! comes the other way: the filters' candidates walked by time inside the covering
//! stats index (inbox::filters), each looked up among the remaining matches, which
//! SQLite reads once into a list. Looking each candidate up in the full-text index
//! instead costs its words' count in seeks (0.4 ms a candidate for a start of 40
//! words).

use super::fulltext;
use super::inbox::{filters, row, COLUMNS};
use crate::domain::query::Query;
use crate::model::inbox::{Direction, InboxRow};
use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

/// How many matches the full-text walk checks before the filters lead: about 20 ms
/// of look-ups at most, and a filter that keeps under 2 % of the matches (a page in
/// 10,000) is the one that leads.
pub(super) const WALKED: i64 = 10_000;

/// Up to `limit` matches of `words` (a MATCH expression) and `q`'s filters after
/// `from` in `dir`, in the walk's order (the caller turns a backward page around); the
/// full-text walk checks at most `walked` matches before the filters lead (`WALKED`;
/// tests make it small).
#[allow(clippy::too_many_arguments)]
pub(super) fn page(
    conn: &Connection,
    q: &Query,
    words: &str,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
    walked: i64,
) -> Result<Vec<InboxRow>> {
    let forward = dir == Direction::Forward;
    let bound = from.map_or(if forward { i64::MAX } else { i64::MIN }, |(t, id)| {
        fulltext::key(t, id)
    });
    let edge = if forward { i64::MIN } else { i64::MAX };
    if !has_filters(q) {
        let (sql, params) = window_sql(q, words, bound, edge, dir, limit, now);
        return run(conn, &sql, params);
    }
    let Some((count, last)) = reach(conn, words, bound, edge, dir, walked)? else {
        return Ok(Vec::new());
    };
    let (sql, params) = window_sql(q, words, bound, last, dir, limit, now);
    let mut rows = run(conn, &sql, params)?;
    if rows.len() >= limit || count < walked {
        return Ok(rows);
    }
    let (sql, params) = candidates_sql(q, words, last, dir, limit - rows.len(), now);
    rows.extend(run(conn, &sql, params)?);
    Ok(rows)
}

/// Whether `q` filters at all (beyond its words).
fn has_filters(q: &Query) -> bool {
    let mut none = Vec::new();
    !filters(q, 0, &mut none).is_empty()
}

/// How many of the next `walked` matches from `bound` (exclusive) towards `edge` there
/// are, and the key of the last of them; None when there are none.
fn reach(
    conn: &Connection,
    words: &str,
    bound: i64,
    edge: i64,
    dir: Direction,
    walked: i64,
) -> Result<Option<(i64, i64)>> {
    let sql = match dir {
        Direction::Forward => {
            "SELECT COUNT(*), MIN(k) FROM (SELECT rowid AS k FROM mentions_fts
             WHERE mentions_fts MATCH ?1 AND rowid < ?2 AND rowid >= ?3 ORDER BY rowid DESC LIMIT ?4)"
        }
        Direction::Backward => {
            "SELECT COUNT(*), MAX(k) FROM (SELECT rowid AS k FROM mentions_fts
             WHERE mentions_fts MATCH ?1 AND rowid > ?2 AND rowid <= ?3 ORDER BY rowid ASC LIMIT ?4)"
        }
    };
    let (count, last): (i64, Option<i64>) = conn
        .prepare_cached(sql)?
        .query_row(rusqlite::params![words, bound, edge, walked], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .context("searching")?;
    Ok(last.map(|last| (count, last)))
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
         CROSS JOIN mentions m ON m.id = {}
         WHERE {} ORDER BY mentions_fts.rowid {order} LIMIT ?",
        fulltext::id_of("mentions_fts.rowid"),
        clauses.join(" AND ")
    );
    (with_columns(&inner, order), params)
}

/// The matches with keys beyond `last` in `dir`, to the end, that pass the filters, in
/// key order, at most `limit`, led by the filters: their candidates walk the covering
/// stats index by time, and each that passes them all is looked up among the words'
/// matches beyond `last` (a list SQLite builds once, and only when a candidate passes).
fn candidates_sql(
    q: &Query,
    words: &str,
    last: i64,
    dir: Direction,
    limit: usize,
    now: i64,
) -> (String, Vec<Value>) {
    let forward = dir == Direction::Forward;
    let key = fulltext::KEY_OF_M;
    let (beyond, order) = if forward { ("<", "DESC") } else { (">", "ASC") };
    let mut params = Vec::new();
    // From the place `last` stands for, compared in the index's own columns (the key
    // computed for each of 1,000,000 mentions costs 40 ms more); a key at the edge of
    // the times keys hold stands for every time beyond it, so it is compared as a key.
    let (at, id) = fulltext::unkey(last);
    let from = if at.abs() < fulltext::TIME_LIMIT {
        params.extend([Value::Integer(at), Value::Integer(id)]);
        format!("(m.created_at, m.id) {beyond} (?, ?)")
    } else {
        params.push(Value::Integer(last));
        format!("{key} {beyond} ?")
    };
    let mut clauses = vec![from];
    clauses.extend(filters(q, now, &mut params).into_iter().map(String::from));
    params.extend([
        Value::Text(words.into()),
        Value::Integer(last),
        Value::Integer(limit as i64),
    ]);
    // The words' matches are checked last, outside the walk: SQLite checks a list
    // before the other filters, and building it reads every remaining match (for
    // `the`, half the inbox). Outside, it is built only once a candidate has passed
    // every filter, so a search that keeps none never builds it: `the is:power
    // platform:sms` 240-280 ms at 1,000,000 mentions before, 95 ms so. The inner LIMIT,
    // which limits nothing, keeps SQLite from merging the two levels back into one;
    // the walk still hands its candidates out one at a time, in order.
    let inner = format!(
        "SELECT k FROM (SELECT {key} AS k, m.created_at AS at, m.id AS id
                        FROM mentions m INDEXED BY mentions_stats
                        WHERE {} ORDER BY m.created_at {order}, m.id {order} LIMIT -1)
         WHERE k IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid {beyond} ?)
         ORDER BY at {order}, id {order} LIMIT ?",
        clauses.join(" AND ")
    );
    (with_columns(&inner, order), params)
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
    use crate::model::inbox::Listing;
    use crate::store::inbox;

    /// (created_at, id) of the mentions `filter` (SQL) keeps, in the list's order.
    fn sorted(conn: &Connection, filter: &str) -> Vec<(i64, i64)> {
        conn.prepare(&format!(
            "SELECT created_at, id FROM mentions WHERE {filter} ORDER BY created_at DESC, id DESC"
        ))
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// Pages by key in both directions, with filters that keep a third of the matches
    /// or fewer and times out of id order with ties, give the sorted list of matches,
    /// whether the full-text walk fills the page or hands over to the filters after a
    /// few matches (and at any place: a mention at the edge of the times keys hold).
    #[test]
    fn pages_of_a_filtered_word_follow_the_list_order() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("w.db")).unwrap();
        conn.execute(
            "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (1, 'x', 'u', 'ana', 0, 0), (2, 'x', 'b', 'bot', 0, 0)",
            [],
        )
        .unwrap();
        conn.execute("UPDATE people SET is_bot = 1 WHERE id = 2", [])
            .unwrap();
        for id in 1..=62i64 {
            // Times out of id order, with ties; every third on sms; every fourth done;
            // most say "the"; two far beyond the times a key holds (their keys share
            // its last time, and go by id); every seventh by a bot.
            let created_at = match id {
                61 => 9_000_000_000,
                62 => 9_100_000_000,
                _ => 1_000 + (id * 7) % 13,
            };
            let platform = if id % 3 == 0 || id > 60 { "sms" } else { "x" };
            let status = if id % 4 == 0 { "done" } else { "open" };
            let body = if id % 5 == 0 { "nothing" } else { "the theme" };
            let author = if id % 7 == 0 { 2 } else { 1 };
            conn.execute(
                "INSERT INTO mentions (id, platform, external_id, kind, author_id, body,
                                       created_at, imported_at, due_at, rank, status)
                 VALUES (?1, ?2, ?3, 'mention', ?7, ?4, ?5, 0, 0, 0, ?6)",
                rusqlite::params![
                    id,
                    platform,
                    format!("e{id}"),
                    body,
                    created_at,
                    status,
                    author
                ],
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
        for (search, filter, count) in [
            ("the platform:sms", "platform = 'sms'", 18),
            (
                "the platform:sms status:done",
                "platform = 'sms' AND status = 'done'",
                4,
            ),
            ("the status:snoozed", "status = 'snoozed'", 0),
            ("the is:bot", "author_id = 2", 7),
            (
                "the is:bot platform:sms",
                "author_id = 2 AND platform = 'sms'",
                2,
            ),
            ("the", "1", 50),
        ] {
            let q = Query::parse(search).unwrap();
            let words = fulltext::match_of(&conn, &q).unwrap().unwrap();
            let expected = sorted(&conn, &format!("{filter} AND body LIKE 'the%'"));
            assert_eq!(expected.len(), count, "{search}");
            for walked in [1, 2, 5, WALKED] {
                for limit in [1, 3, 10, 100] {
                    let walk = |dir| {
                        let mut got = Vec::new();
                        let mut from = None;
                        loop {
                            let rows =
                                page(&conn, &q, &words, from, dir, limit, 0, walked).unwrap();
                            let Some(last) = rows.last() else { break };
                            from = Some((last.created_at, last.id));
                            got.extend(rows.iter().map(|r| (r.created_at, r.id)));
                        }
                        got
                    };
                    let what = format!("{search}: pages of {limit}, walking {walked}");
                    assert_eq!(walk(Direction::Forward), expected, "{what}, forward");
                    let mut back = walk(Direction::Backward);
                    back.reverse();
                    assert_eq!(back, expected, "{what}, backward");
                }
            }
        }
        // Filters alone walk the stats index by time; ties still go by id.
        for (search, filter, count) in [
            ("platform:sms", "platform = 'sms'", 22),
            (
                "platform:sms status:done",
                "platform = 'sms' AND status = 'done'",
                5,
            ),
            ("status:snoozed", "status = 'snoozed'", 0),
            ("is:bot", "author_id = 2", 8),
        ] {
            let listing = Listing::Search(Query::parse(search).unwrap());
            let expected = sorted(&conn, filter);
            assert_eq!(expected.len(), count, "{search}");
            for limit in [1, 3, 100] {
                let (mut down, mut from) = (Vec::new(), None);
                loop {
                    let rows =
                        inbox::page(&conn, &listing, from, Direction::Forward, limit, 0).unwrap();
                    let Some(last) = rows.last() else { break };
                    from = Some((last.created_at, last.id));
                    down.extend(rows.iter().map(|r| (r.created_at, r.id)));
                }
                assert_eq!(down, expected, "{search}: pages of {limit}, forward");
                // Backward pages come newest first, each before the one read last.
                let (mut up, mut from) = (Vec::new(), None);
                loop {
                    let rows =
                        inbox::page(&conn, &listing, from, Direction::Backward, limit, 0).unwrap();
                    let Some(first) = rows.first() else { break };
                    from = Some((first.created_at, first.id));
                    let mut page: Vec<_> = rows.iter().map(|r| (r.created_at, r.id)).collect();
                    page.append(&mut up);
                    up = page;
                }
                assert_eq!(up, expected, "{search}: pages of {limit}, backward");
            }
        }
    }

    /// When the filters lead, the words' matches are a list checked only after every
    /// filter, outside the walk: built inside it, before the filters, it read every
    /// remaining match of a common word even when no mention passed them.
    #[test]
    fn the_words_are_checked_after_the_filters() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("w.db")).unwrap();
        let q = Query::parse("the is:power is:bot platform:sms").unwrap();
        let (sql, params) = candidates_sql(&q, "the", 1 << 40, Direction::Forward, 10, 0);
        let steps: Vec<(i64, i64, String)> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params_from_iter(params), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(3)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let parent = |id: i64| steps.iter().find(|s| s.0 == id).map(|s| s.1);
        let walk = steps
            .iter()
            .find(|s| s.2.contains("mentions_stats"))
            .unwrap_or_else(|| panic!("the walk: {steps:#?}"));
        let words = steps
            .iter()
            .find(|s| s.2.contains("mentions_fts"))
            .unwrap_or_else(|| panic!("the words: {steps:#?}"));
        // The walk's own level: its nearest ancestor, a co-routine apart from the rest.
        let level = walk.1;
        assert!(
            steps
                .iter()
                .any(|s| s.0 == level && s.2.starts_with("CO-ROUTINE")),
            "the walk runs apart: {steps:#?}"
        );
        let mut up = Some(words.1);
        while let Some(id) = up.filter(|id| *id != 0) {
            assert_ne!(id, level, "the words' list is inside the walk: {steps:#?}");
            up = parent(id);
        }
    }
}
