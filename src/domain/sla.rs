//! Response targets in working time. With `working_hours_only`, only time inside the
//! weekly schedule (in its own time zone, daylight saving included) counts against a
//! target: a message written on Friday evening is due on Monday morning.

use crate::config::{ResponseTargets, WorkingHours};
use crate::domain::MentionKind;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Days searched for working time before giving up (a schedule with no working day).
const HORIZON_DAYS: i64 = 400;

/// The weekly schedule, parsed once.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub tz: Tz,
    /// Monday first: opening and closing minute of the local day, or None for a day off.
    days: [Option<(u32, u32)>; 7],
}

impl Schedule {
    pub fn new(hours: &WorkingHours) -> Schedule {
        let mut days = [None; 7];
        for (i, (_, h)) in hours.days().iter().enumerate() {
            days[i] = h.span();
        }
        Schedule {
            tz: hours.time_zone.0,
            days,
        }
    }

    /// The local calendar day of `t`.
    pub fn local_day(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.days[day.weekday().num_days_from_monday() as usize].is_some()
    }

    /// The instant a local day starts (midnight, or the first moment after a gap).
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        self.at(day, 0)
            .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
    }

    /// The local time `minute` of `day` as an instant; a time skipped by a clock
    /// change moves to the first valid minute after it.
    fn at(&self, day: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
        let base = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
        (0..=120)
            .find_map(|shift| {
                self.tz
                    .from_local_datetime(&(base + Duration::minutes(shift)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    }

    /// The open interval of a day, as instants.
    fn open_interval(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (open, close) = self.days[day.weekday().num_days_from_monday() as usize]?;
        let (a, b) = (self.at(day, open)?, self.at(day, close)?);
        (b > a).then_some((a, b))
    }

    fn has_working_day(&self) -> bool {
        self.days.iter().any(Option::is_some)
    }

    /// `start` plus `secs` of working time.
    pub fn add_working(&self, start: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        if !self.has_working_day() {
            return later(start, secs);
        }
        let mut left = secs.max(0);
        let mut day = self.local_day(start);
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.open_interval(day) {
                let from = open.max(start);
                if from < close {
                    let available = (close - from).num_seconds();
                    if left <= available {
                        return later(from, left);
                    }
                    left -= available;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        later(start, secs)
    }

    /// Working seconds between `a` and `b` (0 when b is before a).
    pub fn working_secs_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total = 0;
        let mut day = self.local_day(a);
        let last = self.local_day(b);
        while day <= last {
            if let Some((open, close)) = self.open_interval(day) {
                let (from, to) = (open.max(a), close.min(b));
                if to > from {
                    total += (to - from).num_seconds();
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// The opening of the next working day after `t`'s local day.
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut day = self.local_day(t);
        for _ in 0..14 {
            day = day.succ_opt()?;
            if let Some((open, _)) = self.open_interval(day) {
                return Some(open);
            }
        }
        None
    }
}

/// When an item written at `created_at` must be answered by.
pub fn due_at(
    targets: &ResponseTargets,
    hours: &WorkingHours,
    platform: &str,
    kind: MentionKind,
    created_at: DateTime<Utc>,
) -> DateTime<Utc> {
    let secs = targets.minutes_for(platform, kind).saturating_mul(60);
    if targets.working_hours_only {
        Schedule::new(hours).add_working(created_at, secs)
    } else {
        later(created_at, secs)
    }
}

/// `t` plus `secs`, held at the ends of time rather than overflowing: a config or a
/// record can ask for any number, and time arithmetic must never panic.
pub fn later(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    Duration::try_seconds(secs)
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(if secs < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Hours};

    fn utc(s: &str) -> DateTime<Utc> {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
    }

    fn config(tz: &str, only: bool) -> Config {
        let mut c = Config::defaults();
        c.working_hours.time_zone = tz.parse().unwrap();
        c.response_targets.working_hours_only = only;
        c
    }

    #[test]
    fn wall_clock_by_default() {
        let c = config("UTC", false);
        let t = utc("2026-11-20 17:30"); // a Friday
        assert_eq!(
            due_at(
                &c.response_targets,
                &c.working_hours,
                "x",
                MentionKind::Mention,
                t
            ),
            utc("2026-11-20 18:30")
        );
    }

    #[test]
    fn the_weekend_does_not_count() {
        let c = config("UTC", true);
        // Friday 17:30, 60 min: 30 min on Friday, 30 on Monday.
        let t = utc("2026-11-20 17:30");
        assert_eq!(
            due_at(
                &c.response_targets,
                &c.working_hours,
                "x",
                MentionKind::Mention,
                t
            ),
            utc("2026-11-23 09:30")
        );
        // Saturday night: the clock starts Monday at opening.
        let t = utc("2026-11-21 23:00");
        assert_eq!(
            due_at(
                &c.response_targets,
                &c.working_hours,
                "sms",
                MentionKind::Sms,
                t
            ),
            utc("2026-11-23 09:15")
        );
        // Inside the day: plain addition.
        let t = utc("2026-11-23 10:00");
        assert_eq!(
            due_at(
                &c.response_targets,
                &c.working_hours,
                "x",
                MentionKind::Mention,
                t
            ),
            utc("2026-11-23 11:00")
        );
        let s = Schedule::new(&c.working_hours);
        assert_eq!(
            s.working_secs_between(utc("2026-11-20 17:00"), utc("2026-11-23 10:00")),
            2 * 3600
        );
        assert_eq!(
            s.next_opening(utc("2026-11-20 10:00")),
            Some(utc("2026-11-23 09:00"))
        );
    }

    #[test]
    fn daylight_saving_changes_are_local_time() {
        let c = config("Europe/Paris", true);
        // Friday 2026-03-27 17:00 in Paris (16:00 UTC, winter time), a 2 h target: one
        // hour on Friday, one on Monday 30 March, 10:00 summer time = 08:00 UTC.
        let mut targets = c.response_targets.clone();
        targets.by_kind.insert(MentionKind::Comment, 120);
        let t = utc("2026-03-27 16:00");
        assert_eq!(
            due_at(&targets, &c.working_hours, "fb", MentionKind::Comment, t),
            utc("2026-03-30 08:00")
        );
        // And back in autumn: Friday 2026-10-23 17:00 Paris (15:00 UTC, summer) ->
        // Monday 26 October 10:00 winter time = 09:00 UTC.
        let t = utc("2026-10-23 15:00");
        assert_eq!(
            due_at(&targets, &c.working_hours, "fb", MentionKind::Comment, t),
            utc("2026-10-26 09:00")
        );
    }

    #[test]
    fn a_day_across_the_clock_change_has_its_real_length() {
        // Open all Sunday in Paris on 2026-03-29: 00:00-23:59 local is 22h59m long.
        let mut c = config("Europe/Paris", true);
        c.working_hours.sunday = "00:00-23:59".parse().unwrap();
        let s = Schedule::new(&c.working_hours);
        let sunday = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (a, b) = s.open_interval(sunday).unwrap();
        assert_eq!((b - a).num_minutes(), 22 * 60 + 59);
        // A time inside the skipped hour moves to the first valid minute.
        assert_eq!(s.at(sunday, 2 * 60 + 30), Some(utc("2026-03-29 01:00")));
    }

    #[test]
    fn no_working_day_falls_back_to_the_wall_clock() {
        let mut hours = Config::defaults().working_hours;
        for d in [
            &mut hours.monday,
            &mut hours.tuesday,
            &mut hours.wednesday,
            &mut hours.thursday,
            &mut hours.friday,
        ] {
            *d = Hours(None);
        }
        let s = Schedule::new(&hours);
        assert_eq!(
            s.add_working(utc("2026-11-20 10:00"), 3600),
            utc("2026-11-20 11:00")
        );
    }

    #[test]
    fn no_target_and_no_time_can_make_the_arithmetic_panic() {
        let mut c = Config::defaults();
        let edges = [
            i64::MIN,
            i64::MIN / 60,
            -1,
            0,
            1,
            525_600,
            i64::MAX / 60,
            i64::MAX,
        ];
        let times = [
            DateTime::<Utc>::MIN_UTC,
            utc("2026-03-29 00:30"),
            DateTime::<Utc>::MAX_UTC,
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        let values = edges.into_iter().chain((0..200).map(|_| rng.i64(..)));
        for minutes in values {
            c.response_targets.default_minutes = minutes;
            c.response_targets.by_kind.clear();
            for working_hours_only in [false, true] {
                c.response_targets.working_hours_only = working_hours_only;
                for t in times {
                    let due = due_at(
                        &c.response_targets,
                        &c.working_hours,
                        "x",
                        MentionKind::Mention,
                        t,
                    );
                    assert!(minutes < 0 || due >= t, "{minutes} {t}");
                }
            }
        }
    }
}
