//! Response-time figures, computed in SQL over the whole history.
//!
//! First-response time: from the moment a mention was written to the first action that
//! answers it (an imported reply we already sent, or a reply/thank sent or queued from
//! rapport; which kinds count is `[response] counts` in the config). A mention is
//! *answered* when it has a first-response time.

use crate::domain::figures;
use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use serde::Serialize;

/// The headline figures of `rapport stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Mentions created at or after `since` (all of them without it).
    pub mentions: i64,
    /// Of those, the answered ones.
    pub answered: i64,
    /// Median first-response time of the answered ones, in seconds.
    pub median_first_response_secs: Option<f64>,
    /// The same per account (the brand the mention was addressed to; handles compare
    /// without case, as platforms do), busiest first.
    pub by_account: Vec<AccountFigures>,
}

/// Figures for one of our accounts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountFigures {
    pub account: String,
    pub mentions: i64,
    pub answered: i64,
    pub median_first_response_secs: Option<f64>,
}

/// When the oldest mention was written, if there is one.
pub fn first_mention_at(conn: &Connection) -> Result<Option<i64>> {
    conn.query_row("SELECT MIN(created_at) FROM mentions", [], |r| r.get(0))
        .context("finding the oldest mention")
}

/// Computes the summary for mentions created in [since, until] (Unix seconds).
pub fn summary(conn: &Connection, since: i64, until: i64) -> Result<Summary> {
    let (mentions, answered): (i64, i64) = conn.query_row(
        "SELECT COUNT(*), COUNT(first_response_at) FROM mentions
         WHERE created_at >= ?1 AND created_at <= ?2",
        [since, until],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut by_account = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT MAX(account), COUNT(*), COUNT(first_response_at) FROM mentions
         WHERE created_at >= ?1 AND created_at <= ?2 AND account IS NOT NULL
         GROUP BY account COLLATE NOCASE ORDER BY COUNT(*) DESC, account",
    )?;
    let rows = stmt.query_map([since, until], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (account, mentions, answered) = row?;
        let median = median_response(conn, (since, until), Some(&account), answered)?;
        by_account.push(AccountFigures {
            account,
            mentions,
            answered,
            median_first_response_secs: median,
        });
    }
    Ok(Summary {
        mentions,
        answered,
        median_first_response_secs: median_response(conn, (since, until), None, answered)?,
        by_account,
    })
}

/// The median of `first_response_at - created_at` over the answered mentions (see
/// `domain::figures::median`); `count` of them, read in one pass.
fn median_response(
    conn: &Connection,
    (since, until): (i64, i64),
    account: Option<&str>,
    count: i64,
) -> Result<Option<f64>> {
    if count == 0 {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT first_response_at - created_at FROM mentions
         WHERE first_response_at IS NOT NULL AND created_at >= ?1 AND created_at <= ?3
           AND (?2 IS NULL OR account = ?2 COLLATE NOCASE)",
    )?;
    let mut values: Vec<i64> = Vec::with_capacity(count.clamp(0, 1 << 24) as usize);
    let mut rows = stmt.query(params![since, account, until])?;
    while let Some(r) = rows.next()? {
        values.push(r.get(0)?);
    }
    Ok(figures::median(&mut values))
}
