//! The stats view's figures from the per-hour rollups the v15 triggers keep
//! (`response_hours`, `closed_hours`, `author_mentions`), so opening the view costs a
//! few thousand rows whatever the inbox holds. The figures are the exact scan's
//! (store::report::report_between): whole hours are summed from the rollups, and the
//! hours a period or a local day starts or ends inside (a half-hour time zone, `now`)
//! are read row by row from the index, as store::counters does for the status bar.
//! Days wholly in the period come from the same rollups per local day when they are
//! built for the period's zone (store::day_rollups): a day is one read, not 24.
//!
//! First-response times are kept in buckets as fine as the view shows a time
//! (domain::human::duration: seconds under a minute, minutes under ten hours, hours
//! under two days, then days), so a median or 90th percentile taken from the buckets
//! reads the same on screen as the exact one. A median of an even count is the mean of
//! the two middle values: when they fall in different buckets, both are looked up.

use super::counters::whole_hours;
use crate::domain::figures::percentile_rank;
use crate::domain::target;
use crate::model::report::Figures;
use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use std::collections::HashMap;

const HOUR: i64 = 3600;

/// The bucket of a first-response time in seconds; the triggers compute the same with
/// [`BUCKET_SQL`].
pub fn bucket(secs: u32) -> u32 {
    match secs {
        0..=59 => secs,
        60..=35_999 => 59 + secs / 60,
        36_000..=172_799 => 649 + secs / 3600,
        _ => 695 + secs / 86_400,
    }
}

/// The smallest time in a bucket: what a figure taken from the buckets says (it reads
/// the same as any time of its bucket).
pub fn bucket_floor(b: u32) -> u32 {
    match b {
        0..=59 => b,
        60..=658 => (b - 59) * 60,
        659..=696 => (b - 649) * 3600,
        _ => (b - 695).saturating_mul(86_400),
    }
}

/// The largest time in a bucket.
fn bucket_ceil(b: u32) -> u32 {
    bucket_floor(b + 1).saturating_sub(1).max(bucket_floor(b))
}

/// The bucket of a mention's first response in SQL (-1: not answered), as in the v15
/// triggers.
pub const BUCKET_SQL: &str = "CASE WHEN first_response_at IS NULL THEN -1
    WHEN MAX(first_response_at - created_at, 0) < 60 THEN MAX(first_response_at - created_at, 0)
    WHEN first_response_at - created_at < 36000 THEN 59 + (first_response_at - created_at) / 60
    WHEN first_response_at - created_at < 172800 THEN 649 + (first_response_at - created_at) / 3600
    ELSE 695 + MIN(first_response_at - created_at, 4294967295) / 86400 END";

/// The first time of SQL's hour `h` (`created_at / 3600`, which truncates toward zero)
/// and the first time after it.
fn sql_hour_span(h: i64) -> (i64, i64) {
    match h {
        0 => (-3599, 3600),
        h if h > 0 => (h * HOUR, (h + 1) * HOUR),
        h => (h * HOUR - 3599, h * HOUR + 1),
    }
}

/// Recomputes the rollups of the mentions written in [from, to) (whole hours around
/// it) with set-based SQL, the days' rollups of the days around it
/// (store::day_rollups), and the per-author counts of their authors: for a bulk
/// write that ran with the triggers dropped, or to repair a file.
pub fn rebuild(conn: &Connection, from: i64, to: i64) -> Result<()> {
    if to <= from {
        return Ok(());
    }
    let (lo, _) = sql_hour_span(from / HOUR);
    let (_, hi) = sql_hour_span((to - 1) / HOUR);
    let (h0, h1) = (from / HOUR, (to - 1) / HOUR);
    let run = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<usize> {
        conn.execute(sql, p)
            .with_context(|| format!("rebuilding the stats rollups of {from}..{to}"))
    };
    run(
        "DELETE FROM response_hours WHERE hour >= ?1 AND hour <= ?2",
        &[&h0, &h1],
    )?;
    run(
        "DELETE FROM closed_hours WHERE hour >= ?1 AND hour <= ?2",
        &[&h0, &h1],
    )?;
    add_hours(conn, lo, hi)
        .with_context(|| format!("rebuilding the stats rollups of {from}..{to}"))?;
    // The authors of the range, each counted over all their mentions. When the range
    // holds every mention (an import into an empty file), that is every author: one
    // pass over the author index instead of a lookup per author (0.14 s against 0.78 s
    // for 312,209 authors of 1,000,000 generated mentions).
    let every_mention: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM mentions WHERE created_at < ?1)
            AND NOT EXISTS (SELECT 1 FROM mentions WHERE created_at >= ?2)",
        [lo, hi],
        |r| r.get(0),
    )?;
    let (authors, range): (&str, Vec<&dyn rusqlite::ToSql>) = match every_mention {
        true => ("", vec![]),
        false => (
            "WHERE author_id IN (SELECT author_id FROM mentions INDEXED BY mentions_stats
                                 WHERE created_at >= ?1 AND created_at < ?2)",
            vec![&lo, &hi],
        ),
    };
    run(
        &format!(
            "INSERT OR REPLACE INTO author_mentions (person_id, mentions)
             SELECT author_id, COUNT(*) FROM mentions {authors} GROUP BY author_id"
        ),
        &range[..],
    )?;
    super::day_rollups::rebuild(conn, lo, hi)
}

/// Adds the response_hours and closed_hours rows of the mentions written in [lo, hi),
/// as the triggers count them: per hour written (SQL's `created_at / 3600`), platform,
/// kind and bucket, how many and how many within target; per hour written and hour
/// answered, how many. The mentions are read once, in order of time from the stats
/// index, and summed an hour at a time. A GROUP BY in SQL sorted them all again for the
/// response hours (1.0 s for 1,000,000 mentions), and a second pass for the closed
/// hours took 0.23 s.
fn add_hours(conn: &Connection, lo: i64, hi: i64) -> Result<()> {
    let mut read = conn.prepare(
        "SELECT created_at, platform, kind, first_response_at, due_at
         FROM mentions INDEXED BY mentions_stats WHERE created_at >= ?1 AND created_at < ?2
         ORDER BY created_at",
    )?;
    let mut write = conn.prepare(
        "INSERT INTO response_hours (hour, platform, kind, bucket, mentions, within)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut write_closed =
        conn.prepare("INSERT INTO closed_hours (hour, closed_hour, answered) VALUES (?1, ?2, ?3)")?;
    // The (platform, kind) pairs seen, numbered: a handful, so a row finds its own by
    // comparing, without a string made per row.
    let mut groups: Vec<(String, String)> = Vec::new();
    // For the hour being read: (group, bucket) -> (mentions, within), and the hour
    // answered -> how many.
    let mut sums: HashMap<(usize, i64), (i64, i64)> = HashMap::new();
    let mut closed: HashMap<i64, i64> = HashMap::new();
    let mut flush = |hour: i64,
                     sums: &mut HashMap<(usize, i64), (i64, i64)>,
                     closed: &mut HashMap<i64, i64>,
                     groups: &[(String, String)]|
     -> Result<()> {
        let mut rows: Vec<_> = sums.drain().collect();
        rows.sort_unstable_by(|((g, b), _), ((h, c), _)| (&groups[*g], b).cmp(&(&groups[*h], c)));
        for ((group, bucket), (mentions, within)) in rows {
            let (platform, kind) = &groups[group];
            write.execute(params![hour, platform, kind, bucket, mentions, within])?;
        }
        let mut rows: Vec<_> = closed.drain().collect();
        rows.sort_unstable();
        for (closed_hour, answered) in rows {
            write_closed.execute(params![hour, closed_hour, answered])?;
        }
        Ok(())
    };
    let mut rows = read.query(params![lo, hi])?;
    let mut current = None;
    while let Some(row) = rows.next()? {
        let created: i64 = row.get(0)?;
        let hour = created / HOUR;
        if let Some(done) = current.filter(|h| *h != hour) {
            flush(done, &mut sums, &mut closed, &groups)?;
        }
        current = Some(hour);
        let (platform, kind) = (row.get_ref(1)?.as_str()?, row.get_ref(2)?.as_str()?);
        let group = match groups.iter().position(|(p, k)| p == platform && k == kind) {
            Some(g) => g,
            None => {
                groups.push((platform.to_string(), kind.to_string()));
                groups.len() - 1
            }
        };
        let responded: Option<i64> = row.get(3)?;
        let due: Option<i64> = row.get(4)?;
        let bucket = responded.map_or(-1, |r| i64::from(bucket(response_secs(created, r))));
        let within = responded.zip(due).is_some_and(|(r, d)| r <= d);
        let sum = sums.entry((group, bucket)).or_default();
        sum.0 += 1;
        sum.1 += i64::from(within);
        if let Some(r) = responded {
            *closed.entry(r.max(created) / HOUR).or_default() += 1;
        }
    }
    if let Some(hour) = current {
        flush(hour, &mut sums, &mut closed, &groups)?;
    }
    Ok(())
}

/// When an item was closed, if it was: its first response, else (done without one)
/// its first like or dismissal not undone, else when it was written; never before it
/// was written. One rule for the exact scan and the rollups.
pub(super) fn closed_at(
    conn: &Connection,
    id: i64,
    created: i64,
    responded: Option<i64>,
    done: bool,
) -> Result<Option<i64>> {
    let closed = match responded {
        Some(t) => Some(t),
        None if done => conn
            .prepare_cached(
                "SELECT MIN(created_at) FROM actions
                 WHERE mention_id = ?1 AND undone_at IS NULL AND kind IN ('like', 'dismiss')",
            )?
            .query_row([id], |c| c.get::<_, Option<i64>>(0))?
            .or(Some(created)),
        None => None,
    };
    Ok(closed.map(|c| c.max(created)))
}

/// A first-response time in seconds as the figures count it.
pub(super) fn response_secs(created: i64, responded: i64) -> u32 {
    (responded - created).clamp(0, i64::from(u32::MAX)) as u32
}

/// Mentions, how many were answered within target, and the answered ones per bucket.
#[derive(Default, Clone)]
pub struct Hist {
    mentions: i64,
    within: i64,
    counts: Vec<i64>,
}

impl Hist {
    /// `mentions` mentions of bucket `b` (-1: not answered), `within` of them in time.
    fn add(&mut self, b: i64, mentions: i64, within: i64) {
        self.mentions += mentions;
        self.within += within;
        if let Ok(b) = usize::try_from(b) {
            if self.counts.len() <= b {
                self.counts.resize(b + 1, 0);
            }
            self.counts[b] += mentions;
        }
    }

    pub fn merge(&mut self, other: &Hist) {
        self.mentions += other.mentions;
        self.within += other.within;
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    pub fn mentions(&self) -> i64 {
        self.mentions
    }

    /// The bucket of the `rank`th smallest time (from 0).
    fn bucket_at(&self, rank: i64) -> u32 {
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return b as u32;
            }
        }
        self.counts.len().saturating_sub(1) as u32
    }

    /// The figures; `extreme(lo, hi, largest)` finds the largest (or smallest) exact
    /// time in [lo, hi] of these mentions, for a median between two buckets.
    pub fn figures(
        &self,
        mut extreme: impl FnMut(u32, u32, bool) -> Result<Option<u32>>,
    ) -> Result<Figures> {
        let answered: i64 = self.counts.iter().sum();
        let (median, p90) = if answered == 0 {
            (None, None)
        } else {
            let upper = self.bucket_at(answered / 2);
            let median = if answered % 2 == 1 {
                f64::from(bucket_floor(upper))
            } else {
                let lower = self.bucket_at(answered / 2 - 1);
                if lower == upper {
                    f64::from(bucket_floor(upper))
                } else {
                    let a = extreme(bucket_floor(lower), bucket_ceil(lower), true)?
                        .unwrap_or(bucket_floor(lower));
                    let b = extreme(bucket_floor(upper), bucket_ceil(upper), false)?
                        .unwrap_or(bucket_floor(upper));
                    (f64::from(a) + f64::from(b)) / 2.0
                }
            };
            let rank = percentile_rank(answered as usize, 90) as i64;
            (
                Some(median),
                Some(f64::from(bucket_floor(self.bucket_at(rank - 1)))),
            )
        };
        Ok(Figures {
            mentions: self.mentions,
            answered,
            median_secs: median,
            p90_secs: p90,
            within_target_share: (answered > 0).then(|| self.within as f64 / answered as f64),
        })
    }
}

/// What the period's days and groups hold, from the rollups.
pub struct Period {
    pub per_day: Vec<Hist>,
    pub platforms: Vec<(String, Hist)>,
    pub kinds: Vec<(String, Hist)>,
    /// backlog_diff[i] += 1 from the day an item was written to the day it closed.
    pub backlog_diff: Vec<i64>,
}

fn group<'a>(groups: &'a mut Vec<(String, Hist)>, name: &str) -> &'a mut Hist {
    let i = match groups.iter().position(|(n, _)| n == name) {
        Some(i) => i,
        None => {
            groups.push((name.to_string(), Hist::default()));
            groups.len() - 1
        }
    };
    &mut groups[i].1
}

impl Period {
    fn empty(days: usize) -> Period {
        Period {
            per_day: vec![Hist::default(); days],
            platforms: Vec::new(),
            kinds: Vec::new(),
            backlog_diff: vec![0; days + 1],
        }
    }

    /// Where a platform's and a kind's figures are, for [`Period::add_at`].
    pub(super) fn groups_of(&mut self, platform: &str, kind: &str) -> (usize, usize) {
        let at = |groups: &mut Vec<(String, Hist)>, name: &str| {
            group(groups, name);
            groups.iter().position(|(n, _)| n == name).unwrap_or(0)
        };
        (at(&mut self.platforms, platform), at(&mut self.kinds, kind))
    }

    /// `n` mentions of the period's day `day`, of the platform and kind at `pi` and `ki`
    /// (see [`Period::groups_of`]) and bucket `b` (-1: not answered), `within` of them
    /// answered in time.
    pub(super) fn add_at(&mut self, day: usize, pi: usize, ki: usize, b: i64, n: i64, within: i64) {
        if let Some(h) = self.per_day.get_mut(day) {
            h.add(b, n, within);
        }
        if let Some((_, h)) = self.platforms.get_mut(pi) {
            h.add(b, n, within);
        }
        if let Some((_, h)) = self.kinds.get_mut(ki) {
            h.add(b, n, within);
        }
    }

    fn merge(&mut self, other: Period) {
        for (a, b) in self.per_day.iter_mut().zip(&other.per_day) {
            a.merge(b);
        }
        for (name, h) in &other.platforms {
            group(&mut self.platforms, name).merge(h);
        }
        for (name, h) in &other.kinds {
            group(&mut self.kinds, name).merge(h);
        }
        for (a, b) in self.backlog_diff.iter_mut().zip(&other.backlog_diff) {
            *a += b;
        }
    }
}

/// The period's figures for mentions written in [since, until]; day i covers
/// [bounds[i], bounds[i + 1]). Days wholly in the period come from the days' rollups
/// (store::day_rollups) when they are built for the period's zone; the rest, and the
/// time before the first day, from the hours.
pub fn period(conn: &Connection, since: i64, until: i64, bounds: &[i64]) -> Result<Period> {
    let days = bounds.len() - 1;
    let end = until.saturating_add(1);
    let written = |a: i64, b: i64| -> Result<bool> {
        Ok(a < b
            && conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM mentions INDEXED BY mentions_created_author
                                    WHERE created_at >= ?1 AND created_at < ?2)",
                )?
                .query_row(params![a, b], |r| r.get(0))?)
    };
    // A day is read whole when nothing outside the period was written in it.
    let numbers = super::day_rollups::numbers(conn, bounds)?;
    let mut whole = vec![None; days];
    for (i, n) in numbers.into_iter().enumerate() {
        let (a, b) = (bounds[i], bounds[i + 1]);
        if n.is_some() && b > since && a < end && !written(a, since)? && !written(end, b)? {
            whole[i] = n;
        }
    }
    let mut p = Period::empty(days);
    let mut i = 0;
    while i < days {
        let first = whole[i];
        let mut j = i;
        while j + 1 < days && whole[j + 1].is_some() == first.is_some() {
            j += 1;
        }
        match first {
            Some(n) => super::day_rollups::add_days(conn, i..=j, n, bounds, &mut p)?,
            None => {
                let (a, b) = (bounds[i].max(since), bounds[j + 1].min(end));
                if a < b {
                    p.merge(hours_period(conn, a, b - 1, bounds)?);
                }
            }
        }
        i = j + 1;
    }
    // Written in the period before its first day (a period longer than the days shown).
    if since < bounds[0] {
        p.merge(hours_period(
            conn,
            since,
            (bounds[0] - 1).min(until),
            bounds,
        )?);
    }
    Ok(p)
}

/// [`period`] from the hours alone.
fn hours_period(conn: &Connection, since: i64, until: i64, bounds: &[i64]) -> Result<Period> {
    let days = bounds.len() - 1;
    let day_of = |t: i64| -> Option<usize> {
        let i = bounds.partition_point(|&b| b <= t);
        (i >= 1 && i <= days).then(|| i - 1)
    };
    let mut p = Period {
        per_day: vec![Hist::default(); days],
        platforms: Vec::new(),
        kinds: Vec::new(),
        backlog_diff: vec![0; days + 1],
    };
    let end = until.saturating_add(1);
    let (first, last) = whole_hours(since, end);
    // Hours a day starts inside: read row by row.
    let mut split: Vec<i64> = bounds
        .iter()
        .filter(|b| b.rem_euclid(HOUR) != 0)
        .map(|b| b.div_euclid(HOUR))
        .filter(|h| (first..last).contains(h))
        .collect();
    split.dedup();
    // Also the hours outside the whole ones, for the hour an item closed.
    let mut split_any: Vec<i64> = bounds
        .iter()
        .filter(|b| b.rem_euclid(HOUR) != 0)
        .map(|b| b.div_euclid(HOUR))
        .collect();
    split_any.dedup();
    let is_whole = |h: i64| (first..last).contains(&h) && !split.contains(&h);
    let mut exact: Vec<(i64, i64)> = if last <= first {
        vec![(since, end)]
    } else {
        vec![(since, first * HOUR), (last * HOUR, end)]
    };
    if last > first {
        exact.extend(split.iter().map(|h| (h * HOUR, (h + 1) * HOUR)));
    }
    for (a, b) in exact {
        if b > a {
            scan_exact(conn, a, b, &day_of, days, &mut p)?;
        }
    }
    if last <= first {
        return Ok(p);
    }

    // Whole hours from the rollups.
    let mut stmt = conn.prepare_cached(
        "SELECT hour, platform, kind, bucket, mentions, within FROM response_hours
         WHERE hour >= ?1 AND hour < ?2 AND mentions != 0",
    )?;
    let mut rows = stmt
        .query(params![first, last])
        .context("reading the stats rollups")?;
    while let Some(r) = rows.next()? {
        let hour: i64 = r.get(0)?;
        if split.contains(&hour) {
            continue;
        }
        let (b, n, within): (i64, i64, i64) = (r.get(3)?, r.get(4)?, r.get(5)?);
        if let Some(d) = day_of(hour * HOUR) {
            p.per_day[d].add(b, n, within);
            p.backlog_diff[d] += n;
        }
        group(&mut p.platforms, r.get_ref(1)?.as_str()?).add(b, n, within);
        group(&mut p.kinds, r.get_ref(2)?.as_str()?).add(b, n, within);
    }

    // Answered items of the whole hours, by the hour they closed.
    let mut closed_split: Vec<i64> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT hour, closed_hour, answered FROM closed_hours
         WHERE hour >= ?1 AND hour < ?2 AND answered != 0",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    while let Some(r) = rows.next()? {
        let (hour, closed_hour, n): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if !is_whole(hour) || day_of(hour * HOUR).is_none() {
            continue;
        }
        if split_any.contains(&closed_hour) {
            // A day starts inside the hour it closed: which side is read below.
            closed_split.push(closed_hour);
        } else {
            p.backlog_diff[day_of(closed_hour * HOUR).unwrap_or(days)] -= n;
        }
    }
    closed_split.sort_unstable();
    closed_split.dedup();
    let mut responded = conn.prepare_cached(
        "SELECT created_at, first_response_at FROM mentions INDEXED BY mentions_responded
         WHERE first_response_at IS NOT NULL AND first_response_at >= ?1 AND first_response_at < ?2",
    )?;
    for h in closed_split {
        let mut rows = responded.query(params![h * HOUR, (h + 1) * HOUR])?;
        while let Some(r) = rows.next()? {
            let (created, fr): (i64, i64) = (r.get(0)?, r.get(1)?);
            let hour = created.div_euclid(HOUR);
            // Answered before written: closed in the hour written, counted above.
            if fr >= created && is_whole(hour) && day_of(created).is_some() {
                p.backlog_diff[day_of(fr.max(created)).unwrap_or(days)] -= 1;
            }
        }
    }

    // Items of the whole hours closed without an answer: few, read from their index.
    let mut quiet = conn.prepare_cached(
        "SELECT id, created_at FROM mentions INDEXED BY mentions_closed_quietly
         WHERE status = 'done' AND first_response_at IS NULL
           AND created_at >= ?1 AND created_at < ?2",
    )?;
    let mut rows = quiet.query(params![first * HOUR, last * HOUR])?;
    while let Some(r) = rows.next()? {
        let (id, created): (i64, i64) = (r.get(0)?, r.get(1)?);
        if !is_whole(created.div_euclid(HOUR)) || day_of(created).is_none() {
            continue;
        }
        if let Some(c) = closed_at(conn, id, created, None, true)? {
            p.backlog_diff[day_of(c).unwrap_or(days)] -= 1;
        }
    }
    Ok(p)
}

/// Mentions written in [from, to), row by row, into `p`.
fn scan_exact(
    conn: &Connection,
    from: i64,
    to: i64,
    day_of: &impl Fn(i64) -> Option<usize>,
    days: usize,
    p: &mut Period,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT created_at, platform, kind, first_response_at, due_at, status, id
         FROM mentions INDEXED BY mentions_stats WHERE created_at >= ?1 AND created_at < ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let created: i64 = r.get(0)?;
        let responded: Option<i64> = r.get(3)?;
        let due: i64 = r.get(4)?;
        let b = responded.map_or(-1, |t| i64::from(bucket(response_secs(created, t))));
        let within = i64::from(responded.is_some_and(|t| target::answered_within(due, t)));
        let day = day_of(created);
        if let Some(d) = day {
            p.per_day[d].add(b, 1, within);
        }
        group(&mut p.platforms, r.get_ref(1)?.as_str()?).add(b, 1, within);
        group(&mut p.kinds, r.get_ref(2)?.as_str()?).add(b, 1, within);
        if let Some(from) = day {
            let done = r.get_ref(5)?.as_str()? == "done";
            let closed = closed_at(conn, r.get(6)?, created, responded, done)?;
            let until = closed.map_or(days, |c| day_of(c).unwrap_or(days));
            p.backlog_diff[from] += 1;
            p.backlog_diff[until] -= 1;
        }
    }
    Ok(())
}

/// Which mentions an exact lookup reads.
pub struct Scope<'a> {
    pub from: i64,
    pub until: i64,
    pub platform: Option<&'a str>,
    pub kind: Option<&'a str>,
}

/// The largest (or smallest) first-response time in [lo, hi] seconds of the mentions
/// in `scope`, for a median whose two middle values fall in different buckets.
pub fn extreme(
    conn: &Connection,
    scope: &Scope,
    lo: u32,
    hi: u32,
    largest: bool,
) -> Result<Option<u32>> {
    // From the index of response times: only the bucket's times are read. A time of 0
    // stands for any answer before the message; the top bucket has no end.
    let lo_q = if lo == 0 { i64::MIN } else { i64::from(lo) };
    let hi_q = if hi >= u32::MAX - 86_400 {
        i64::MAX
    } else {
        i64::from(hi)
    };
    let mut stmt = conn.prepare_cached(
        "SELECT created_at, first_response_at FROM mentions INDEXED BY mentions_response_time
         WHERE first_response_at IS NOT NULL
           AND first_response_at - created_at >= ?1 AND first_response_at - created_at <= ?2
           AND created_at >= ?3 AND created_at <= ?4
           AND (?5 IS NULL OR platform = ?5) AND (?6 IS NULL OR kind = ?6)",
    )?;
    let mut rows = stmt.query(params![
        lo_q,
        hi_q,
        scope.from,
        scope.until,
        scope.platform,
        scope.kind
    ])?;
    let mut best: Option<u32> = None;
    while let Some(r) = rows.next()? {
        let s = response_secs(r.get(0)?, r.get(1)?);
        if (lo..=hi).contains(&s) {
            best = Some(match best {
                Some(b) if largest => b.max(s),
                Some(b) => b.min(s),
                None => s,
            });
        }
    }
    Ok(best)
}

/// The `n` people who wrote the most mentions in [since, until] (biggest first, ties
/// by id), with their counts. People are read from the most mentions ever down,
/// counting each one's mentions of the period from the author index, and the reading
/// stops once no one left can reach the n-th count; or gives up (None) after counting
/// `budget` people: when the period's busiest wrote little, many people can still
/// reach them, and reading the period's mentions is faster.
pub fn top_authors(
    conn: &Connection,
    since: i64,
    until: i64,
    n: usize,
    budget: usize,
) -> Result<Option<Vec<(i64, i64)>>> {
    let mut candidates = conn.prepare_cached(
        "SELECT person_id, mentions FROM author_mentions INDEXED BY author_mentions_most
         WHERE mentions > 0 ORDER BY mentions DESC",
    )?;
    let mut count = conn.prepare_cached(
        "SELECT COUNT(*) FROM mentions INDEXED BY mentions_author
         WHERE author_id = ?1 AND created_at >= ?2 AND created_at <= ?3",
    )?;
    let mut best: Vec<(i64, i64)> = Vec::with_capacity(n + 1);
    let mut counted = 0;
    let mut rows = candidates.query([])?;
    while let Some(r) = rows.next()? {
        let (id, total): (i64, i64) = (r.get(0)?, r.get(1)?);
        if n == 0 || (best.len() == n && total < best[n - 1].1) {
            break;
        }
        if counted == budget {
            return Ok(None);
        }
        counted += 1;
        let c: i64 = count.query_row(params![id, since, until], |r| r.get(0))?;
        if c > 0 {
            best.push((id, c));
            best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            best.truncate(n);
        }
    }
    Ok(Some(best))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::human::duration;

    #[test]
    fn a_bucket_reads_as_any_time_in_it() {
        let mut s: u32 = 0;
        while s < 10 * 86_400 {
            let b = bucket(s);
            assert!(bucket_floor(b) <= s && s <= bucket_ceil(b), "{s}");
            assert_eq!(
                duration(i64::from(bucket_floor(b))),
                duration(i64::from(s)),
                "{s}"
            );
            s += if s < 200_000 { 1 } else { 997 };
        }
        assert_eq!(bucket(u32::MAX), 695 + u32::MAX / 86_400);
    }

    #[test]
    fn a_median_between_two_buckets_looks_up_both_times() {
        let mut h = Hist::default();
        h.add(i64::from(bucket(119)), 1, 1);
        h.add(i64::from(bucket(121)), 1, 0);
        h.add(-1, 1, 0);
        let mut asked = Vec::new();
        let f = h
            .figures(|lo, hi, largest| {
                asked.push((lo, hi, largest));
                Ok(Some(if largest { 119 } else { 121 }))
            })
            .unwrap();
        assert_eq!(asked, vec![(60, 119, true), (120, 179, false)]);
        assert_eq!(f.median_secs, Some(120.0));
        assert_eq!(duration(f.median_secs.unwrap() as i64), "2m");
        assert_eq!(f.p90_secs, Some(120.0));
        assert_eq!(
            (f.mentions, f.answered, f.within_target_share),
            (3, 2, Some(0.5))
        );
    }

    #[test]
    fn the_sql_bucket_is_the_rust_one() {
        let conn = Connection::open_in_memory().unwrap();
        let sql = format!(
            "SELECT {BUCKET_SQL} FROM (SELECT 1000 AS created_at, ?1 AS first_response_at)"
        );
        for fr in [
            0,
            999,
            1000,
            1059,
            1060,
            1061,
            4599,
            4600,
            37_000,
            37_001,
            173_799,
            173_800,
            900_000,
            1000 + i64::from(u32::MAX),
            i64::MAX / 2,
        ] {
            let got: i64 = conn.query_row(&sql, [fr], |r| r.get(0)).unwrap();
            assert_eq!(got, i64::from(bucket(response_secs(1000, fr))), "{fr}");
        }
    }
}
