//! The figures of the stats view and `rapport stats`: first-response times (median,
//! 90th percentile, share within target) overall, per day, per platform and per kind;
//! replies per day; the backlog at the end of each day; who engages most; power users
//! we have not talked to lately; the pace and the warnings.
//!
//! One pass over the covering index `mentions_stats` for the period, aggregated here:
//! far faster than SQL GROUP BYs, which sort the rows once per grouping.

use super::warnings::{self, replies_per_day};
use crate::config::Config;
use crate::domain::pace::{self, ReplyDays};
use crate::domain::sla::Schedule;
use crate::domain::{figures, target};
use crate::model::report::{DayFigures, Figures, GroupFigures, PaceFigures, PersonFigures, Report};
use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use crate::domain::figures::MAX_DAYS;

#[derive(Default)]
struct Acc {
    mentions: i64,
    within: i64,
    /// First-response times in seconds (u32: 136 years is enough, and half the memory).
    responses: Vec<u32>,
}

impl Acc {
    fn add(&mut self, response: Option<u32>, within: bool) {
        self.mentions += 1;
        if let Some(r) = response {
            self.responses.push(r);
            self.within += i64::from(within);
        }
    }

    /// The union of several accumulators.
    fn merged<'a>(parts: impl Iterator<Item = &'a Acc> + Clone) -> Acc {
        let mut all = Acc {
            mentions: 0,
            within: 0,
            responses: Vec::with_capacity(parts.clone().map(|a| a.responses.len()).sum()),
        };
        for a in parts {
            all.mentions += a.mentions;
            all.within += a.within;
            all.responses.extend_from_slice(&a.responses);
        }
        all
    }

    fn figures(mut self) -> Figures {
        let answered = self.responses.len() as i64;
        let median = figures::median(&mut self.responses);
        let p90 = figures::percentile(&mut self.responses, 90);
        Figures {
            mentions: self.mentions,
            answered,
            median_secs: median,
            p90_secs: p90,
            within_target_share: (answered > 0).then(|| self.within as f64 / answered as f64),
        }
    }
}

/// Accumulators for a handful of named groups (platforms, kinds): a short list
/// searched in place is faster than hashing a string per row.
#[derive(Default)]
struct Groups(Vec<(String, Acc)>);

impl Groups {
    fn get(&mut self, name: &[u8]) -> &mut Acc {
        let i = match self.0.iter().position(|(n, _)| n.as_bytes() == name) {
            Some(i) => i,
            None => {
                self.0
                    .push((String::from_utf8_lossy(name).into_owned(), Acc::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    fn figures(self) -> Vec<GroupFigures> {
        let mut v: Vec<GroupFigures> = self
            .0
            .into_iter()
            .map(|(name, acc)| GroupFigures {
                name,
                figures: acc.figures(),
            })
            .collect();
        sort_groups(&mut v);
        v
    }
}

/// Conversations per author: a dense array by id (people ids are small integers),
/// a map when they are not.
enum AuthorCounts {
    Dense(Vec<u32>),
    Sparse(HashMap<i64, u32>),
}

impl AuthorCounts {
    fn new(max_id: i64) -> AuthorCounts {
        if (0..=20_000_000).contains(&max_id) {
            AuthorCounts::Dense(vec![0; max_id as usize + 1])
        } else {
            AuthorCounts::Sparse(HashMap::new())
        }
    }

    fn add(&mut self, id: i64) {
        match self {
            AuthorCounts::Dense(v) => {
                if let Some(c) = v.get_mut(id as usize) {
                    *c += 1;
                }
            }
            AuthorCounts::Sparse(m) => *m.entry(id).or_default() += 1,
        }
    }

    /// The `n` biggest counts, biggest first (ties by id).
    fn top(self, n: usize) -> Vec<(i64, i64)> {
        let mut best = Best::new(n);
        match self {
            AuthorCounts::Dense(v) => {
                for (id, c) in v.into_iter().enumerate().filter(|(_, c)| *c > 0) {
                    best.offer(id as i64, i64::from(c));
                }
            }
            AuthorCounts::Sparse(m) => {
                for (id, c) in m {
                    best.offer(id, i64::from(c));
                }
            }
        }
        best.0
    }
}

/// The `n` biggest (id, count) offered, biggest first (ties by the smaller id), kept
/// in one pass: sorting every author of a busy month took longer than counting them.
struct Best(Vec<(i64, i64)>, usize);

impl Best {
    fn new(n: usize) -> Best {
        Best(Vec::with_capacity(n + 1), n)
    }

    fn offer(&mut self, id: i64, count: i64) {
        let before = |a: (i64, i64), b: (i64, i64)| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0);
        let (best, n) = (&mut self.0, self.1);
        if n == 0 || (best.len() == n && !before((id, count), best[n - 1])) {
            return;
        }
        let at = best.partition_point(|&b| before(b, (id, count)));
        best.insert(at, (id, count));
        best.truncate(n);
    }
}

/// What one scan of part of the period gathers.
struct Partial {
    per_day: Vec<Acc>,
    platforms: Groups,
    kinds: Groups,
    authors: AuthorCounts,
    /// backlog_diff[i] += 1 from the day an item was written to the day it closed.
    backlog_diff: Vec<i64>,
}

/// Scans mentions written in [from, to] through the covering index `mentions_stats`
/// (one pass; SQL GROUP BYs would sort the rows once per grouping).
/// `bounds` are the starts of the period's days and the end of the last one.
fn scan(conn: &Connection, from: i64, to: i64, bounds: &[i64], max_person: i64) -> Result<Partial> {
    let days = bounds.len() - 1;
    let day_of = |t: i64| -> Option<usize> {
        let i = bounds.partition_point(|&b| b <= t);
        (i >= 1 && i <= days).then(|| i - 1)
    };
    let mut p = Partial {
        per_day: (0..days).map(|_| Acc::default()).collect(),
        platforms: Groups::default(),
        kinds: Groups::default(),
        authors: AuthorCounts::new(max_person),
        backlog_diff: vec![0; days + 1],
    };
    let mut stmt = conn.prepare_cached(
        "SELECT created_at, platform, kind, first_response_at, due_at, author_id, status, id
         FROM mentions INDEXED BY mentions_stats WHERE created_at >= ?1 AND created_at <= ?2",
    )?;
    let mut rows = stmt
        .query(params![from, to])
        .context("reading the response figures")?;
    while let Some(r) = rows.next()? {
        let created: i64 = r.get(0)?;
        let responded: Option<i64> = r.get(3)?;
        let due: i64 = r.get(4)?;
        let response = responded.map(|t| super::rollups::response_secs(created, t));
        let within = responded.is_some_and(|t| target::answered_within(due, t));
        let day = day_of(created);
        if let Some(d) = day {
            p.per_day[d].add(response, within);
        }
        p.platforms
            .get(r.get_ref(1)?.as_bytes()?)
            .add(response, within);
        p.kinds.get(r.get_ref(2)?.as_bytes()?).add(response, within);
        p.authors.add(r.get(5)?);
        let closed = match day {
            Some(_) => {
                let done = r.get_ref(6)?.as_bytes()? == b"done";
                super::rollups::closed_at(conn, r.get(7)?, created, responded, done)?
            }
            None => None,
        };
        // In the backlog at the end of each day from its own until the one it closed.
        if let Some(from) = day {
            let until = closed.map_or(days, |c| day_of(c).unwrap_or(days));
            if until > from {
                p.backlog_diff[from] += 1;
                p.backlog_diff[until] -= 1;
            }
        }
    }
    Ok(p)
}

/// The report for mentions written in [since, now], for the stats view: the figures of
/// the period from the rollups (store::rollups), the same as [`report_between`]'s.
pub fn report(conn: &Connection, config: &Config, since: i64, now: i64) -> Result<Report> {
    build(conn, config, since, now, now, Source::Rollups)
}

/// The report for mentions written in [since, until]; what is open, the pace and the
/// power users gone quiet are as of `now`, whatever the period. The period's mentions
/// are read one by one: the exact figures `rapport stats` prints and the rollups are
/// tested against.
pub fn report_between(
    conn: &Connection,
    config: &Config,
    since: i64,
    until: i64,
    now: i64,
) -> Result<Report> {
    build(conn, config, since, until, now, Source::Scan)
}

/// Where the period's figures come from.
#[derive(Clone, Copy)]
enum Source {
    Scan,
    Rollups,
}

/// The figures of the period's mentions, however they were read.
struct PeriodFigures {
    overall: Figures,
    per_day: Vec<Figures>,
    backlog_diff: Vec<i64>,
    by_platform: Vec<GroupFigures>,
    by_kind: Vec<GroupFigures>,
    top: Vec<(i64, i64)>,
}

fn sort_groups(v: &mut [GroupFigures]) {
    v.sort_by(|a, b| {
        b.figures
            .mentions
            .cmp(&a.figures.mentions)
            .then(a.name.cmp(&b.name))
    });
}

fn scanned(conn: &Connection, since: i64, until: i64, bounds: &[i64]) -> Result<PeriodFigures> {
    let max_person: Option<i64> = conn.query_row("SELECT MAX(id) FROM people", [], |r| r.get(0))?;
    let Partial {
        per_day,
        platforms,
        kinds,
        authors,
        backlog_diff,
    } = scan(conn, since, until, bounds, max_person.unwrap_or(0))?;
    Ok(PeriodFigures {
        overall: Acc::merged(platforms.0.iter().map(|(_, a)| a)).figures(),
        per_day: per_day.into_iter().map(Acc::figures).collect(),
        backlog_diff,
        by_platform: platforms.figures(),
        by_kind: kinds.figures(),
        top: authors.top(10),
    })
}

/// People counted one by one before the top people are counted from the period's
/// rows instead (store::rollups::top_authors): about a millisecond.
const AUTHORS_WALKED: usize = 250;

/// The period's rows are read in this many pieces of time, taken in turn by whichever
/// connection is free: the main one joins the second when the rest of the report is
/// done, so neither core waits for the other.
const PIECES: i64 = 64;

/// The pieces of [since, until] not yet read, shared by the connections that read them.
struct Pieces {
    since: i64,
    until: i64,
    next: AtomicI64,
    /// Set once the per-author walk gave up and the pieces are being read: the
    /// connection that may help only helps then.
    by_pieces: AtomicBool,
}

impl Pieces {
    fn new(since: i64, until: i64) -> Pieces {
        Pieces {
            since,
            until,
            next: AtomicI64::new(0),
            by_pieces: AtomicBool::new(false),
        }
    }

    /// The authors of the pieces nobody has taken yet, read on `conn` one piece at a
    /// time, sorted.
    fn take(&self, conn: &Connection) -> Result<Authors> {
        let mut stmt = conn.prepare_cached(
            "SELECT author_id FROM mentions INDEXED BY mentions_created_author
             WHERE created_at >= ?1 AND created_at <= ?2",
        )?;
        let span = (i128::from(self.until) - i128::from(self.since) + 1).max(1);
        let start = |i: i64| -> i64 {
            let at = i128::from(self.since) + span * i128::from(i) / i128::from(PIECES);
            i64::try_from(at).unwrap_or(i64::MAX)
        };
        let mut authors = Authors {
            ids: Vec::with_capacity(1 << 16),
            ..Authors::default()
        };
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= PIECES {
                break;
            }
            let (from, to) = (start(i), start(i + 1).saturating_sub(1).min(self.until));
            let mut rows = stmt.query(params![from, to])?;
            while let Some(r) = rows.next()? {
                let id = r.get_ref(0)?.as_i64()?;
                match u32::try_from(id) {
                    Ok(id) => authors.ids.push(id),
                    Err(_) => authors.wide.push(id),
                }
            }
        }
        // Sorted, then counted by runs: counting in an array by id missed the cache on
        // nearly every mention. A radix sort of 32-bit ids takes half the time of
        // sorting 64-bit ones by comparison.
        radsort::sort(&mut authors.ids);
        authors.wide.sort_unstable();
        Ok(authors)
    }
}

/// The authors of some of the period's mentions, each once per mention, sorted.
#[derive(Default)]
struct Authors {
    /// People's ids are small numbers given in turn...
    ids: Vec<u32>,
    /// ...should one not be, it is here.
    wide: Vec<i64>,
}

impl Authors {
    /// The `n` authors with most mentions in both (ties by id).
    fn most_frequent(&self, other: &Authors, n: usize) -> TopPeople {
        let mut best = Best::new(n);
        count_runs(&self.ids, &other.ids, &mut best);
        count_runs(&self.wide, &other.wide, &mut best);
        best.0
    }
}

/// How the top people were counted on one connection.
enum Counted {
    Top(TopPeople),
    /// The authors of the pieces it read.
    Authors(Authors),
}

/// The ten people who wrote the most mentions in [since, until]: by the per-author
/// counts when that is quick, else from the period's rows, sharing the pieces.
fn top_authors(conn: &Connection, pieces: &Pieces) -> Result<Counted> {
    let walked = super::rollups::top_authors(conn, pieces.since, pieces.until, 10, AUTHORS_WALKED)?;
    match walked {
        Some(top) => Ok(Counted::Top(top)),
        None => {
            pieces.by_pieces.store(true, Ordering::Release);
            Ok(Counted::Authors(pieces.take(conn)?))
        }
    }
}

/// Offers each id of two sorted lists to `best` with its count in both, merging the
/// lists as they are counted.
fn count_runs<T: Copy + Ord + Into<i64>>(a: &[T], b: &[T], best: &mut Best) {
    let (mut i, mut j) = (0, 0);
    loop {
        let id = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let start = i + j;
        while a.get(i) == Some(&id) {
            i += 1;
        }
        while b.get(j) == Some(&id) {
            j += 1;
        }
        best.offer(id.into(), (i + j - start) as i64);
    }
}

/// The top people counted on `conn` alone.
fn top_authors_here(conn: &Connection, since: i64, until: i64) -> Result<TopPeople> {
    Ok(match top_authors(conn, &Pieces::new(since, until))? {
        Counted::Top(top) => top,
        Counted::Authors(ids) => ids.most_frequent(&Authors::default(), 10),
    })
}

/// The period's figures from the rollups, and `also` (the rest of the report, which
/// does not need them): both on this connection while the top people, the longest
/// part, are counted on the other core; this one then helps with what is left of them.
fn from_rollups<T>(
    conn: &Connection,
    since: i64,
    until: i64,
    bounds: &[i64],
    also: impl FnOnce() -> Result<T>,
) -> Result<(PeriodFigures, T)> {
    let pieces = Pieces::new(since, until);
    std::thread::scope(|s| {
        let aside = top_authors_aside(s, conn, &pieces);
        let rest = from_rollups_but_people(conn, since, until, bounds);
        let also = also();
        let top = match aside {
            None => top_authors_here(conn, since, until)?,
            Some(aside) => {
                let mine = pieces
                    .by_pieces
                    .load(Ordering::Acquire)
                    .then(|| pieces.take(conn));
                match aside.join() {
                    Ok(Ok(Counted::Top(top))) => top,
                    Ok(Ok(Counted::Authors(theirs))) => {
                        theirs.most_frequent(&mine.transpose()?.unwrap_or_default(), 10)
                    }
                    // The second connection could not read (the file's folder changed,
                    // say): the count is only slower on this one.
                    Ok(Err(e)) => {
                        tracing::info!("counting the top people on a second connection: {e:#}");
                        top_authors_here(conn, since, until)?
                    }
                    Err(_) => anyhow::bail!("counting the top people failed"),
                }
            }
        };
        Ok((PeriodFigures { top, ..rest? }, also?))
    })
}

/// The period's figures from the rollups, but for the top people.
fn from_rollups_but_people(
    conn: &Connection,
    since: i64,
    until: i64,
    bounds: &[i64],
) -> Result<PeriodFigures> {
    use super::rollups::{self, Hist, Scope};
    let p = rollups::period(conn, since, until, bounds)?;
    let figures = |h: &Hist, scope: Scope| {
        h.figures(|lo, hi, largest| rollups::extreme(conn, &scope, lo, hi, largest))
    };
    let mut overall = Hist::default();
    for (_, h) in &p.platforms {
        overall.merge(h);
    }
    let per_day = p
        .per_day
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let scope = Scope {
                from: bounds[i].max(since),
                until: (bounds[i + 1] - 1).min(until),
                platform: None,
                kind: None,
            };
            figures(h, scope)
        })
        .collect::<Result<Vec<_>>>()?;
    let groups = |v: &[(String, Hist)], by_platform: bool| -> Result<Vec<GroupFigures>> {
        let mut out = Vec::new();
        for (name, h) in v.iter().filter(|(_, h)| h.mentions() > 0) {
            let (platform, kind) = match by_platform {
                true => (Some(name.as_str()), None),
                false => (None, Some(name.as_str())),
            };
            let scope = Scope {
                from: since,
                until,
                platform,
                kind,
            };
            out.push(GroupFigures {
                name: name.clone(),
                figures: figures(h, scope)?,
            });
        }
        sort_groups(&mut out);
        Ok(out)
    };
    Ok(PeriodFigures {
        overall: figures(
            &overall,
            Scope {
                from: since,
                until,
                platform: None,
                kind: None,
            },
        )?,
        per_day,
        backlog_diff: p.backlog_diff.clone(),
        by_platform: groups(&p.platforms, true)?,
        by_kind: groups(&p.kinds, false)?,
        top: Vec::new(),
    })
}

/// (person id, mentions), most first.
type TopPeople = Vec<(i64, i64)>;

/// [`top_authors`] on a second connection of its own, so it runs on the other core
/// while the rest of the figures are read; None for a file that cannot be opened
/// twice (in memory, or read-only), which counts on its own connection.
fn top_authors_aside<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    conn: &Connection,
    pieces: &'s Pieces,
) -> Option<std::thread::ScopedJoinHandle<'s, Result<Counted>>> {
    // A file opened read-only may lie in a folder this user cannot write, where a
    // second reader cannot open the WAL's companions: it counts on this connection.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return None;
    }
    let path = std::path::PathBuf::from(conn.path().filter(|p| !p.is_empty())?);
    let second = super::read_only(&path, false).ok()?;
    Some(scope.spawn(move || top_authors(&second, pieces)))
}

fn build(
    conn: &Connection,
    config: &Config,
    since: i64,
    until: i64,
    now: i64,
    source: Source,
) -> Result<Report> {
    let schedule = Schedule::new(&config.working_hours);
    let today = schedule.local_day(super::from_secs(now));
    let until = until.min(now);
    let last_day = schedule.local_day(super::from_secs(until));
    let first_day = schedule
        .local_day(super::from_secs(since))
        .max(last_day - Duration::days(MAX_DAYS - 1))
        .min(last_day);
    let days = ((last_day - first_day).num_days() + 1).max(1) as usize;
    // Day i covers [bounds[i], bounds[i + 1]).
    let bounds: Vec<i64> = (0..=days as i64)
        .map(|i| {
            schedule
                .day_start(first_day + Duration::days(i))
                .timestamp()
        })
        .collect();
    // One count per day for both the period and the pace's five weeks before today.
    let pace_first = today - Duration::days(pace::RECENT_DAYS + pace::EARLIER_DAYS);
    let counted_from = first_day.min(pace_first);
    let as_of_now = || -> Result<_> {
        let all = replies_per_day(
            conn,
            config,
            &schedule,
            counted_from,
            ((today - counted_from).num_days() + 1) as usize,
        )?;
        let stale = stale_power_users(conn, now - config.people.stale_after_days * 86_400)?;
        Ok((all, stale, warnings::counts(conn, config, now)?))
    };
    let (
        PeriodFigures {
            overall,
            per_day,
            backlog_diff,
            by_platform,
            by_kind,
            top,
        },
        (all, stale_power_users, mut now_warnings),
    ) = match source {
        Source::Scan => (scanned(conn, since, until, &bounds)?, as_of_now()?),
        Source::Rollups => from_rollups(conn, since, until, &bounds, as_of_now)?,
    };
    let offset = |day: NaiveDate| (day - counted_from).num_days() as usize;
    let replies = &all[offset(first_day)..=offset(last_day)];
    let reply_days = ReplyDays {
        first: pace_first,
        counts: all[offset(pace_first)..offset(today)].to_vec(),
    };
    let mut backlog = 0;
    let per_day = per_day
        .into_iter()
        .enumerate()
        .map(|(i, figures)| {
            backlog += backlog_diff[i];
            DayFigures {
                day: first_day + Duration::days(i as i64),
                figures,
                replies: replies[i],
                backlog,
            }
        })
        .collect();
    let top_people = people(conn, &top)?;
    let (recent, earlier) = reply_days.rates();
    now_warnings.pace = pace::warning(&reply_days, &schedule, &config.pace);
    Ok(Report {
        since: super::from_secs(since),
        until: super::from_secs(until),
        overall,
        per_day,
        by_platform,
        by_kind,
        top_people,
        stale_power_users,
        pace: PaceFigures {
            last_7_per_day: recent,
            prior_28_per_day: earlier,
        },
        warnings: now_warnings,
    })
}

const LAST_CONTACT: &str = "(SELECT MAX(a.created_at) FROM actions a WHERE a.person_id = p.id
    AND a.undone_at IS NULL AND a.state IN ('queued', 'sent'))";

fn people(conn: &Connection, top: &[(i64, i64)]) -> Result<Vec<PersonFigures>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.platform, p.handle, {LAST_CONTACT} FROM people p WHERE p.id = ?1"
    ))?;
    let mut out = Vec::new();
    for &(id, conversations) in top {
        let (platform, handle, last): (String, String, Option<i64>) =
            stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        out.push(PersonFigures {
            person_id: id,
            platform,
            handle,
            conversations,
            last_contact: last.map(super::from_secs),
        });
    }
    Ok(out)
}

/// Power users whose last contact is before `before` (or who were never contacted),
/// longest silence first.
fn stale_power_users(conn: &Connection, before: i64) -> Result<Vec<PersonFigures>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM (
            SELECT p.id, p.platform, p.handle,
                   (SELECT COUNT(*) FROM mentions m WHERE m.author_id = p.id), {LAST_CONTACT} AS last
            FROM tags t JOIN people p ON p.id = t.person_id WHERE t.tag = 'power_user')
         WHERE COALESCE(last, 0) < ?1 ORDER BY COALESCE(last, 0), id LIMIT 20"
    ))?;
    let rows = stmt
        .query_map([before], |r| {
            Ok(PersonFigures {
                person_id: r.get(0)?,
                platform: r.get(1)?,
                handle: r.get(2)?,
                conversations: r.get(3)?,
                last_contact: r.get::<_, Option<i64>>(4)?.map(super::from_secs),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{AuthorCounts, Authors, Pieces};
    use chrono::{TimeZone, Utc};

    /// The pieces read on two connections at once, merged, name the same people with
    /// the same counts as counting the period's mentions in SQL.
    #[test]
    fn the_top_people_counted_in_pieces_on_two_connections_are_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let mut conn = crate::store::open(&path).unwrap();
        let config = crate::config::Config::defaults();
        let now = Utc.timestamp_opt(1_795_684_643, 0).unwrap();
        let mut import = crate::store::import::Importer::begin(&mut conn, &config, now).unwrap();
        let options = crate::gen::Options {
            count: 4000,
            seed: 5,
            now,
            days: 30,
            shape: crate::gen::Shape::Flood,
        };
        for record in crate::gen::Generator::new(options) {
            import.add(&record).unwrap();
        }
        import.finish().unwrap();
        let mut exact = conn
            .prepare(
                "SELECT author_id, COUNT(*) AS c FROM mentions
                 WHERE created_at >= ?1 AND created_at <= ?2
                 GROUP BY author_id ORDER BY c DESC, author_id LIMIT 10",
            )
            .unwrap();
        let t = now.timestamp();
        for (since, until) in [
            (t - 30 * 86_400, t),
            (t - 7 * 86_400 + 123, t - 3 * 86_400),
            (t - 3600, t - 3600),
            (t, t - 1),
        ] {
            let expected: Vec<(i64, i64)> = exact
                .query_map([since, until], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let pieces = &Pieces::new(since, until);
            let second = crate::store::read_only(&path, false).unwrap();
            let (theirs, mine) = std::thread::scope(|s| {
                let theirs = s.spawn(move || pieces.take(&second));
                let mine = pieces.take(&conn);
                (theirs.join().unwrap().unwrap(), mine.unwrap())
            });
            assert_eq!(
                theirs.most_frequent(&mine, 10),
                expected,
                "{since}..{until}"
            );
        }
    }

    #[test]
    fn the_top_authors_of_two_lists_count_both_ties_by_id() {
        let mut a = Authors {
            ids: vec![3, 3, 5, 9, 9, 9],
            wide: vec![1 << 40],
        };
        let mut b = Authors {
            ids: vec![1, 3, 5, 5, 9],
            wide: vec![-2, 1 << 40, 1 << 40],
        };
        assert_eq!(
            a.most_frequent(&b, 10),
            [(9, 4), (3, 3), (5, 3), (1 << 40, 3), (-2, 1), (1, 1)]
        );
        assert_eq!(a.most_frequent(&b, 2), [(9, 4), (3, 3)]);
        assert_eq!(
            b.most_frequent(&Authors::default(), 2),
            [(5, 2), (1 << 40, 2)]
        );
        a.ids.clear();
        b.wide.clear();
        assert_eq!(a.most_frequent(&b, 3), [(5, 2), (1, 1), (3, 1)]);
        assert!(Authors::default()
            .most_frequent(&Authors::default(), 3)
            .is_empty());
    }

    #[test]
    fn the_top_authors_are_the_biggest_counts_ties_by_id() {
        // A pseudo-random spread with many ties.
        let counts: Vec<u32> = (0..5000u64)
            .map(|i| ((i * 2_654_435_761) % 97 % 13) as u32)
            .collect();
        let mut sorted: Vec<(i64, i64)> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(id, c)| (id as i64, i64::from(*c)))
            .collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for n in [0, 1, 10, 100] {
            let dense = AuthorCounts::Dense(counts.clone()).top(n);
            let sparse = AuthorCounts::Sparse(
                counts
                    .iter()
                    .enumerate()
                    .map(|(id, c)| (id as i64, *c))
                    .filter(|(_, c)| *c > 0)
                    .collect(),
            )
            .top(n);
            assert_eq!(dense, sorted[..n], "{n}");
            assert_eq!(sparse, sorted[..n], "{n}");
        }
    }
}
