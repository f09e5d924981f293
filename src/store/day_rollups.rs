//! The stats view's rollups per local day (v16): the per-hour rollups of
//! store::rollups summed by the day of the configured time zone, so a month of a
//! million mentions is a few tens of thousands of rows to read instead of hundreds of
//! thousands. `response_days` holds mentions per day written, platform and kind
//! (numbered in `rollup_groups`, v18) and first-response bucket; `closed_days` answered
//! items per day written and day closed.
//!
//! A local day depends on the zone. `local_days` lists when each day of the zone starts
//! and the triggers look a mention's day up there; [`ensure`] fills it and the
//! days' rollups for the configured zone when another zone (or none) was built. A day
//! is read from here only when the starts listed match the period's own day bounds, so
//! a window configured for another zone reads the hours instead and stays exact.

use super::rollups::{bucket, closed_at, response_secs, Period};
use crate::domain::sla::Schedule;
use crate::domain::target;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// The days listed: mentions written before the first or from the last are not in the
/// days' rollups (the view reads their hours, should a period ever reach them).
fn listed_days() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default(),
    )
}

/// The number of a local day: days since 1 January 1970.
fn number(day: NaiveDate) -> i64 {
    (day - listed_days().0).num_days()
}

/// Makes the days' rollups those of `schedule`'s zone, rebuilding them from every
/// mention when they were built for another zone or never. Returns whether it rebuilt.
/// Seconds for a million mentions, once per zone.
pub fn ensure(conn: &Connection, schedule: &Schedule) -> Result<bool> {
    let zone = schedule.tz.name();
    let built: Option<String> = conn
        .query_row("SELECT zone FROM rollup_zone", [], |r| r.get(0))
        .optional()
        .context("reading which time zone the stats' days are for")?;
    if built.as_deref() == Some(zone) {
        return Ok(false);
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(
        "DELETE FROM local_days; DELETE FROM response_days; DELETE FROM closed_days;
         DELETE FROM rollup_zone;",
    )
    .context("clearing the stats' days")?;
    {
        let mut insert = tx.prepare("INSERT INTO local_days (start, day) VALUES (?1, ?2)")?;
        let (first, end) = listed_days();
        let mut last_start = i64::MIN;
        for day in first.iter_days().take_while(|d| *d <= end) {
            let start = schedule.day_start(day).timestamp();
            // A zone's days start in order; guard the lookups anyway.
            if start <= last_start {
                continue;
            }
            last_start = start;
            let n = (day < end).then(|| number(day));
            insert.execute(params![start, n])?;
        }
    }
    rebuild(&tx, i64::MIN, i64::MAX)?;
    tx.execute("INSERT INTO rollup_zone (zone) VALUES (?1)", [zone])?;
    tx.commit()
        .context("saving the stats' days for the time zone")?;
    Ok(true)
}

/// Recomputes the days' rollups of the local days that hold [from, to), from the
/// mentions: for a bulk write that ran with the triggers set aside. Nothing when no
/// zone's days are built.
pub fn rebuild(conn: &Connection, from: i64, to: i64) -> Result<()> {
    if to <= from {
        return Ok(());
    }
    // The listed days that hold some time of [from, to): (start, next start, number).
    let listed: Vec<(i64, i64, i64)> = conn
        .prepare(
            "SELECT start, next, day FROM (
                SELECT start, day, LEAD(start) OVER (ORDER BY start) AS next FROM local_days
                WHERE start >= COALESCE((SELECT MAX(start) FROM local_days WHERE start <= ?1), ?1)
                  AND start <= COALESCE((SELECT MIN(start) FROM local_days WHERE start >= ?2), ?2))
             WHERE day IS NOT NULL AND next IS NOT NULL AND start < ?2 AND next > ?1
             ORDER BY start",
        )?
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()
        .context("reading the stats' days")?;
    let (Some(&(lo, _, first)), Some(&(_, hi, last))) = (listed.first(), listed.last()) else {
        return Ok(());
    };
    conn.execute(
        "DELETE FROM response_days WHERE day >= ?1 AND day <= ?2",
        params![first, last],
    )?;
    conn.execute(
        "DELETE FROM closed_days WHERE day >= ?1 AND day <= ?2",
        params![first, last],
    )?;
    let day_of = |t: i64| -> Option<i64> {
        let i = listed.partition_point(|&(s, _, _)| s <= t);
        let &(_, next, day) = listed.get(i.checked_sub(1)?)?;
        (t < next).then_some(day)
    };
    let mut read = conn.prepare(
        "SELECT created_at, platform, kind, first_response_at, due_at
         FROM mentions INDEXED BY mentions_stats WHERE created_at >= ?1 AND created_at < ?2",
    )?;
    let mut rows = read
        .query(params![lo, hi])
        .context("reading mentions for the stats' days")?;
    let mut later = conn.prepare_cached(
        "SELECT day FROM local_days WHERE start <= ?1 ORDER BY start DESC LIMIT 1",
    )?;
    let mut day = Day::default();
    // (platform, kind, its number): a handful, searched in place.
    let mut groups: Vec<(Vec<u8>, Vec<u8>, i64)> = Vec::new();
    while let Some(r) = rows.next()? {
        let created: i64 = r.get(0)?;
        let Some(d) = day_of(created) else { continue };
        if day.number != Some(d) {
            day.write(conn)?;
            day.number = Some(d);
        }
        let responded: Option<i64> = r.get(3)?;
        let due: i64 = r.get(4)?;
        let b = responded.map_or(-1, |t| i64::from(bucket(response_secs(created, t))));
        let within = i64::from(responded.is_some_and(|t| target::answered_within(due, t)));
        let (platform, kind) = (r.get_ref(1)?.as_bytes()?, r.get_ref(2)?.as_bytes()?);
        let grp = match groups.iter().find(|(p, k, _)| p == platform && k == kind) {
            Some(&(_, _, id)) => id,
            None => {
                let id = group_number(
                    conn,
                    &String::from_utf8_lossy(platform),
                    &String::from_utf8_lossy(kind),
                )?;
                groups.push((platform.to_vec(), kind.to_vec(), id));
                id
            }
        };
        let e = day.responses.entry((grp, b)).or_default();
        e.0 += 1;
        e.1 += within;
        if let Some(t) = responded {
            let t = t.max(created);
            let closed = match t < hi {
                true => day_of(t),
                // Answered after the rebuilt days.
                false => later
                    .query_row([t], |r| r.get::<_, Option<i64>>(0))
                    .optional()?
                    .flatten(),
            };
            if let Some(c) = closed {
                *day.closed.entry(c).or_default() += 1;
            }
        }
    }
    day.write(conn)
}

/// The number `rollup_groups` gives a platform and kind, given when first seen (the
/// v18 triggers do the same).
fn group_number(conn: &Connection, platform: &str, kind: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO rollup_groups (platform, kind) SELECT ?1, ?2
         WHERE NOT EXISTS (SELECT 1 FROM rollup_groups WHERE platform = ?1 AND kind = ?2)",
    )?
    .execute(params![platform, kind])?;
    conn.prepare_cached("SELECT id FROM rollup_groups WHERE platform = ?1 AND kind = ?2")?
        .query_row(params![platform, kind], |r| r.get(0))
        .context("numbering a platform and kind for the stats' days")
}

/// One day's rollups, gathered in order before they are written.
#[derive(Default)]
struct Day {
    number: Option<i64>,
    /// By (platform and kind's number, bucket): (mentions, answered in time).
    responses: BTreeMap<(i64, i64), (i64, i64)>,
    closed: BTreeMap<i64, i64>,
}

impl Day {
    fn write(&mut self, conn: &Connection) -> Result<()> {
        let Some(d) = self.number else {
            return Ok(());
        };
        let mut insert = conn.prepare_cached(
            "INSERT INTO response_days (day, grp, bucket, mentions, within)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for ((grp, b), (n, within)) in std::mem::take(&mut self.responses) {
            insert.execute(params![d, grp, b, n, within])?;
        }
        let mut insert = conn.prepare_cached(
            "INSERT INTO closed_days (day, closed_day, answered) VALUES (?1, ?2, ?3)",
        )?;
        for (c, n) in std::mem::take(&mut self.closed) {
            insert.execute(params![d, c, n])?;
        }
        Ok(())
    }
}

/// The number of each of the period's days (day i covers [bounds[i], bounds[i + 1]))
/// whose rollups are here: the days listed start exactly at the period's bounds.
pub fn numbers(conn: &Connection, bounds: &[i64]) -> Result<Vec<Option<i64>>> {
    let days = bounds.len().saturating_sub(1);
    let mut out = vec![None; days];
    let (Some(&lo), Some(&hi)) = (bounds.first(), bounds.last()) else {
        return Ok(out);
    };
    let listed: Vec<(i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT start, day FROM local_days WHERE start >= ?1 AND start <= ?2 ORDER BY start",
        )?
        .query_map(params![lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()
        .context("reading the stats' days")?;
    for (i, out) in out.iter_mut().enumerate() {
        let Ok(at) = listed.binary_search_by_key(&bounds[i], |&(s, _)| s) else {
            continue;
        };
        if listed.get(at + 1).map(|&(s, _)| s) == Some(bounds[i + 1]) {
            *out = listed[at].1;
        }
    }
    Ok(out)
}

/// Adds to `p` the figures of the period's days `run` (consecutive, all numbered, the
/// first numbered `first`) from the days' rollups.
pub fn add_days(
    conn: &Connection,
    run: std::ops::RangeInclusive<usize>,
    first: i64,
    bounds: &[i64],
    p: &mut Period,
) -> Result<()> {
    let days = bounds.len() - 1;
    let (i0, i1) = (*run.start(), *run.end());
    let last = first + (i1 - i0) as i64;
    // The period's day i is numbered base + i.
    let base = first - i0 as i64;
    let index = |day: i64| -> usize { usize::try_from(day - base).map_or(0, |i| i.min(days)) };
    // The day and the bucket in one number (a bucket is below 2^16; see
    // rollups::bucket): 40,000 rows a month of a busy inbox, where each column read
    // counts.
    let mut stmt = conn.prepare_cached(
        "SELECT (day - ?1) * 65536 + bucket + 1, mentions, within, grp FROM response_days
         WHERE day >= ?1 AND day <= ?2 AND mentions != 0",
    )?;
    let mut rows = stmt
        .query(params![first, last])
        .context("reading the stats' days")?;
    // The platform and kind of each group number, then where `p` keeps them, as met.
    let names: Vec<(i64, String, String)> = conn
        .prepare_cached("SELECT id, platform, kind FROM rollup_groups")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()
        .context("reading the stats' platforms and kinds")?;
    let mut placed: Vec<(i64, usize, usize)> = Vec::new();
    while let Some(r) = rows.next()? {
        let at = r.get_ref(0)?.as_i64()?;
        let i = index(first + at.div_euclid(65536));
        let b = at.rem_euclid(65536) - 1;
        let (n, within) = (r.get_ref(1)?.as_i64()?, r.get_ref(2)?.as_i64()?);
        let grp = r.get_ref(3)?.as_i64()?;
        let (pi, ki) = match placed.iter().find(|(g, _, _)| *g == grp) {
            Some(&(_, pi, ki)) => (pi, ki),
            None => {
                let Some((_, platform, kind)) = names.iter().find(|(id, _, _)| *id == grp) else {
                    anyhow::bail!(
                        "the stats' days name a platform and kind ({grp}) that is not listed"
                    );
                };
                let (pi, ki) = p.groups_of(platform, kind);
                placed.push((grp, pi, ki));
                (pi, ki)
            }
        };
        p.add_at(i, pi, ki, b, n, within);
        p.backlog_diff[i] += n;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT closed_day, answered FROM closed_days
         WHERE day >= ?1 AND day <= ?2 AND answered != 0",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    while let Some(r) = rows.next()? {
        let (closed, n): (i64, i64) = (r.get(0)?, r.get(1)?);
        p.backlog_diff[index(closed)] -= n;
    }
    // Closed without an answer: few, from their own index.
    let mut quiet = conn.prepare_cached(
        "SELECT id, created_at FROM mentions INDEXED BY mentions_closed_quietly
         WHERE status = 'done' AND first_response_at IS NULL
           AND created_at >= ?1 AND created_at < ?2",
    )?;
    let mut rows = quiet.query(params![bounds[i0], bounds[i1 + 1]])?;
    while let Some(r) = rows.next()? {
        let (id, created): (i64, i64) = (r.get(0)?, r.get(1)?);
        if let Some(c) = closed_at(conn, id, created, None, true)? {
            let j = bounds.partition_point(|&b| b <= c);
            p.backlog_diff[j.saturating_sub(1).min(days)] -= 1;
        }
    }
    Ok(())
}
