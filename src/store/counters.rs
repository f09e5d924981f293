//! Counts that stay cheap at any size, read from the per-hour tables the v13 triggers
//! keep (`open_due_hours`, `reply_hours`): whole hours are summed from a few hundred
//! rows, and the part of an hour at each end of a range is counted exactly from an
//! index. The figures are exact; only the work is bounded.

use anyhow::{Context, Result};
use rusqlite::{params, Connection};

const HOUR: i64 = 3600;

/// The whole hours inside [from, to): the first and the one after the last, never
/// below hour 1 (SQL's division truncates toward zero, so hour 0 also holds the hour
/// before the epoch: times there are counted from the index).
pub(super) fn whole_hours(from: i64, to: i64) -> (i64, i64) {
    let first = from.div_euclid(HOUR) + i64::from(from.rem_euclid(HOUR) != 0);
    let first = first.max(1);
    let end = to.div_euclid(HOUR).max(first);
    (first, end)
}

/// Counts every open item and reply again, from the rows: for a bulk import that set
/// the triggers aside (store::bulk). The same sums the triggers keep, in one pass each.
/// The open items are read from their own index, in order of due time (left to choose,
/// SQLite read them from the queue's index and sorted them: 0.55 s against 0.07 s for
/// 1,000,000 mentions).
pub(super) fn recount(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM open_due_hours;
         INSERT INTO open_due_hours (hour, open)
             SELECT due_at / 3600, COUNT(*) FROM mentions INDEXED BY mentions_open_due
             WHERE status = 'open' GROUP BY due_at / 3600;
         DELETE FROM reply_hours;
         INSERT INTO reply_hours (hour, kind, replies)
             SELECT created_at / 3600, kind, COUNT(*) FROM actions
             WHERE undone_at IS NULL AND state IN ('queued', 'sent') GROUP BY created_at / 3600, kind;",
    )
    .context("counting the open items and replies of the import")
}

/// Open items (any due time).
pub fn open(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(SUM(open), 0) FROM open_due_hours")?
        .query_row([], |r| r.get(0))?)
}

/// Open items due at or before `at`.
pub fn open_due_by(conn: &Connection, at: i64) -> Result<i64> {
    // Hours 1 .. last are summed; the rest comes from the index.
    let end = at.saturating_add(1);
    let (first, last) = (1, end.div_euclid(HOUR).max(1));
    let summed: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(open), 0) FROM open_due_hours WHERE hour >= ?1 AND hour < ?2",
        )?
        .query_row(params![first, last], |r| r.get(0))?;
    // The rest: before hour `first`, and from hour `last` up to `at`.
    let rest: i64 = conn
        .prepare_cached(
            "SELECT (SELECT COUNT(*) FROM mentions INDEXED BY mentions_open_due
                     WHERE status = 'open' AND due_at < ?1)
                  + (SELECT COUNT(*) FROM mentions INDEXED BY mentions_open_due
                     WHERE status = 'open' AND due_at >= ?2 AND due_at < ?3)",
        )?
        .query_row(params![first * HOUR, last * HOUR, end], |r| r.get(0))?;
    Ok(summed + rest)
}

/// Replies of `kinds` (at most three; queued or sent, not undone) written in
/// [from, to).
pub fn replies_between(conn: &Connection, kinds: &[&str], from: i64, to: i64) -> Result<i64> {
    if to <= from {
        return Ok(0);
    }
    // Unused slots match nothing.
    let kind = |i: usize| kinds.get(i).copied().unwrap_or("");
    let (first, last) = whole_hours(from, to);
    let mut exact = conn.prepare_cached(
        "SELECT COUNT(*) FROM actions
         WHERE created_at >= ?1 AND created_at < ?2 AND undone_at IS NULL
           AND kind IN (?3, ?4, ?5) AND state IN ('queued', 'sent')",
    )?;
    let mut count = |a: i64, b: i64| -> Result<i64> {
        if b <= a {
            return Ok(0);
        }
        Ok(exact.query_row(params![a, b, kind(0), kind(1), kind(2)], |r| r.get(0))?)
    };
    if last <= first {
        return count(from, to);
    }
    let summed: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(replies), 0) FROM reply_hours
             WHERE hour >= ?1 AND hour < ?2 AND kind IN (?3, ?4, ?5)",
        )?
        .query_row(params![first, last, kind(0), kind(1), kind(2)], |r| {
            r.get(0)
        })?;
    Ok(summed + count(from, first * HOUR)? + count(last * HOUR, to)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_hours_leave_the_partial_ends_out() {
        assert_eq!(whole_hours(3600, 7200), (1, 2));
        assert_eq!(whole_hours(3601, 7200), (2, 2));
        assert_eq!(whole_hours(3599, 10_900), (1, 3));
        assert_eq!(whole_hours(-5000, 3600), (1, 1));
    }
}
