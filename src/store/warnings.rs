//! The response-time picture the status bar shows on every refresh and `rapport check`
//! prints: counts from partial indexes of open items, today's reply times, the reply
//! pace. Each query reads an index range, never the whole inbox.

use crate::config::Config;
use crate::domain::pace::{self, ReplyDays};
use crate::domain::sla::Schedule;
use crate::domain::warnings::Warnings;
use crate::domain::{figures, target};
use crate::model::inbox::Crossed;
use anyhow::Result;
use chrono::Duration;
use rusqlite::{params, Connection, Row};

/// Days of replies the pace looks at (7 recent + 28 earlier, complete days).
const PACE_DAYS: i64 = pace::RECENT_DAYS + pace::EARLIER_DAYS;

/// The picture at `now` (Unix seconds).
pub fn current(conn: &Connection, config: &Config, now: i64) -> Result<Warnings> {
    let mut w = counts(conn, config, now)?;
    w.pace = pace_warning(conn, config, now)?;
    Ok(w)
}

/// The start of the local day of `now`: the pace only changes when it does.
pub fn today_start(config: &Config, now: i64) -> i64 {
    let schedule = Schedule::new(&config.working_hours);
    schedule
        .day_start(schedule.local_day(super::from_secs(now)))
        .timestamp()
}

/// The reply-pace warning at `now`. It depends on complete days only, so the app
/// computes it once a day.
pub fn pace_warning(
    conn: &Connection,
    config: &Config,
    now: i64,
) -> Result<Option<crate::domain::warnings::PaceWarning>> {
    let schedule = Schedule::new(&config.working_hours);
    let today = schedule.local_day(super::from_secs(now));
    let days = reply_days(conn, config, &schedule, today)?;
    Ok(pace::warning(&days, &schedule, &config.pace))
}

/// Everything but the pace.
pub fn counts(conn: &Connection, config: &Config, now: i64) -> Result<Warnings> {
    counts_with(conn, config, now, &mut today_medians)
}

/// How many items were first answered since a time, their median first-response
/// time and their median target.
pub type Answered = (i64, Option<f64>, Option<f64>);

/// Everything but the pace, with today's answers read by `answered` (given the start
/// of today): the store thread remembers them while the file does not change.
pub fn counts_with(
    conn: &Connection,
    config: &Config,
    now: i64,
    answered: &mut dyn FnMut(&Connection, i64) -> Result<Answered>,
) -> Result<Warnings> {
    let schedule = Schedule::new(&config.working_hours);
    let today = schedule.local_day(super::from_secs(now));
    let today_start = schedule.day_start(today).timestamp();
    let over = target::over_if_due_by(now);
    let soon = target::due_soon_until(now, config.pace.due_soon_minutes * 60);
    // From the per-hour counts (store::counters), however long the backlog.
    let open = super::counters::open(conn)?;
    let over_target = super::counters::open_due_by(conn, over)?;
    let due_soon = super::counters::open_due_by(conn, soon)? - over_target;
    let oldest: Option<i64> = conn
        .prepare_cached("SELECT MIN(created_at) FROM mentions INDEXED BY mentions_open_created WHERE status = 'open'")?
        .query_row([], |r| r.get(0))?;
    // Done today: answered today, plus closed today without an answer (liked or
    // dismissed, not undone).
    let (answered_today, median_response, median_target) = answered(conn, today_start)?;
    let closed_quietly: i64 = conn
        .prepare_cached(
            // CROSS JOIN keeps today's actions as the outer loop.
            "SELECT COUNT(*) FROM actions a INDEXED BY actions_closed CROSS JOIN mentions m ON m.id = a.mention_id
             WHERE a.created_at >= ?1 AND a.kind IN ('like', 'dismiss') AND a.undone_at IS NULL
               AND m.status = 'done' AND m.first_response_at IS NULL",
        )?
        .query_row([today_start], |r| r.get(0))?;
    let done_today = answered_today + closed_quietly;
    Ok(Warnings {
        open: open as u64,
        over_target: over_target as u64,
        due_soon: due_soon as u64,
        done_today: done_today as u64,
        oldest_open_at: oldest.map(super::from_secs),
        median_response_today_secs: median_response,
        median_target_today_secs: median_target,
        pace: None,
        nothing_imported: open == 0
            && !conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM mentions)")?
                .query_row([], |r| r.get::<_, bool>(0))?,
    })
}

/// How many items were first answered since `today_start`, their median
/// first-response time and their median target. It reads each of them (through the
/// covering index mentions_responded): cheap for a day's answers, so the store
/// thread reads it again only when the file changed.
pub fn today_medians(conn: &Connection, today_start: i64) -> Result<Answered> {
    let mut stmt = conn.prepare_cached(
        "SELECT first_response_at - created_at, due_at - created_at FROM mentions
         WHERE first_response_at >= ?1 AND first_response_at IS NOT NULL",
    )?;
    let mut responses = Vec::new();
    let mut targets = Vec::new();
    let mut rows = stmt.query([today_start])?;
    while let Some(r) = rows.next()? {
        responses.push(r.get::<_, i64>(0)?.clamp(0, i64::from(u32::MAX)) as u32);
        targets.push(r.get::<_, i64>(1)?.clamp(0, i64::from(u32::MAX)) as u32);
    }
    Ok((
        responses.len() as i64,
        figures::median(&mut responses),
        figures::median(&mut targets),
    ))
}

/// Replies that went out on each of the 35 complete local days before `today`.
pub fn reply_days(
    conn: &Connection,
    config: &Config,
    schedule: &Schedule,
    today: chrono::NaiveDate,
) -> Result<ReplyDays> {
    let first = today - Duration::days(PACE_DAYS);
    let counts = replies_per_day(conn, config, schedule, first, PACE_DAYS as usize)?;
    Ok(ReplyDays { first, counts })
}

/// Replies (the kinds in `response.counts`, queued or sent, not undone) on each of
/// `n` local days from `first`.
pub fn replies_per_day(
    conn: &Connection,
    config: &Config,
    schedule: &Schedule,
    first: chrono::NaiveDate,
    n: usize,
) -> Result<Vec<i64>> {
    let kinds: Vec<&str> = config.response.counts.iter().map(|k| k.as_str()).collect();
    let mut counts = Vec::with_capacity(n);
    for i in 0..n as i64 {
        let day = first + Duration::days(i);
        let (a, b) = (
            schedule.day_start(day),
            schedule.day_start(day + Duration::days(1)),
        );
        counts.push(super::counters::replies_between(
            conn,
            &kinds,
            a.timestamp(),
            b.timestamp(),
        )?);
    }
    Ok(counts)
}

fn crossed_row(r: &Row<'_>) -> rusqlite::Result<Crossed> {
    Ok(Crossed {
        id: r.get(0)?,
        handle: r.get(1)?,
        platform: r.get(2)?,
        kind: r.get(3)?,
        due_at: r.get(4)?,
        preview: r.get(5)?,
    })
}

/// Open items that were not over target at `after` and are at `now`, earliest
/// first (at most 50).
pub fn crossed(conn: &Connection, after: i64, now: i64) -> Result<Vec<Crossed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, p.handle, m.platform, m.kind, m.due_at, substr(m.body, 1, 60)
         FROM mentions m INDEXED BY mentions_open_due JOIN people p ON p.id = m.author_id
         WHERE m.status = 'open' AND m.due_at > ?1 AND m.due_at <= ?2 ORDER BY m.due_at LIMIT 50",
    )?;
    let rows = stmt
        .query_map(
            params![target::over_if_due_by(after), target::over_if_due_by(now)],
            crossed_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The open items over target, most overdue first (for `rapport check`).
pub fn over_target(conn: &Connection, now: i64, limit: usize) -> Result<Vec<Crossed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, p.handle, m.platform, m.kind, m.due_at, substr(m.body, 1, 60)
         FROM mentions m INDEXED BY mentions_open_due JOIN people p ON p.id = m.author_id
         WHERE m.status = 'open' AND m.due_at <= ?1 ORDER BY m.due_at LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(
            params![target::over_if_due_by(now), limit as i64],
            crossed_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
