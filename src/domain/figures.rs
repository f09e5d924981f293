//! How response times are summed up, defined once for the status bar, the stats view
//! and `rapport stats`: the median (the mean of the two middle values for an even
//! count) and the 90th percentile (nearest rank).

use super::sla::Schedule;
use crate::config::WorkingHours;
use chrono::{DateTime, Duration, NaiveDate};

/// Days of the per-day figures at most.
pub const MAX_DAYS: i64 = 90;
/// The stats view's default period: the last 30 local days, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// The start of the default period: the start of the local day 29 days before `now`.
pub fn default_since(hours: &WorkingHours, now: i64) -> i64 {
    let schedule = Schedule::new(hours);
    let today = schedule.local_day(DateTime::from_timestamp(now, 0).unwrap_or_default());
    schedule
        .day_start(today - Duration::days(DEFAULT_DAYS - 1))
        .timestamp()
}

/// The period the stats view counts: the figures are about messages written in it;
/// what is open now is counted whatever the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The last n local days, today included.
    LastDays(i64),
    /// From the first message on.
    All,
    /// From the start of this local day on.
    Since(NaiveDate),
}

impl Default for Period {
    fn default() -> Period {
        Period::LastDays(DEFAULT_DAYS)
    }
}

impl Period {
    /// The choices offered in the stats view, in order (the typed day comes after).
    pub const CHOICES: [Period; 4] = [
        Period::LastDays(7),
        Period::LastDays(30),
        Period::LastDays(90),
        Period::All,
    ];

    /// "last 30 days", "all time", "since Mon 2 Nov".
    pub fn label(&self) -> String {
        match self {
            Period::LastDays(n) => format!("last {n} days"),
            Period::All => "all time".into(),
            Period::Since(day) => format!("since {}", day.format("%a %-d %b %Y")),
        }
    }

    /// The period's start in Unix seconds, `None` for all time (the store starts at the
    /// first message).
    pub fn since(&self, hours: &WorkingHours, now: i64) -> Option<i64> {
        let schedule = Schedule::new(hours);
        let today = schedule.local_day(DateTime::from_timestamp(now, 0).unwrap_or_default());
        match self {
            Period::LastDays(n) => Some(
                schedule
                    .day_start(today - Duration::days((*n).max(1) - 1))
                    .timestamp(),
            ),
            Period::All => None,
            Period::Since(day) => Some(schedule.day_start(*day).timestamp()),
        }
    }
}

/// A day typed as YYYY-MM-DD, for `since` and `until`.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not a day; type it like 2026-11-01", text.trim()))
}

/// A whole number of seconds (or anything counted) that a figure is taken of.
pub trait Value: Copy + Ord {
    fn to_f64(self) -> f64;
}

impl Value for u32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Value for i32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Value for i64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// The median of `values`, reordering them; None when empty.
pub fn median<T: Value>(values: &mut [T]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    // Selection, not sorting: O(n).
    let upper = values.select_nth_unstable(n / 2).1.to_f64();
    if n % 2 == 1 {
        return Some(upper);
    }
    // After the selection every value before n/2 is <= it: the lower middle is their max.
    let lower = values[..n / 2].iter().copied().max()?.to_f64();
    Some((lower + upper) / 2.0)
}

/// The `pct`th percentile by nearest rank (the smallest value with at least `pct`% of
/// the values at or below it), reordering them; None when empty.
pub fn percentile<T: Value>(values: &mut [T], pct: usize) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    Some(
        values
            .select_nth_unstable(percentile_rank(n, pct) - 1)
            .1
            .to_f64(),
    )
}

/// The rank (from 1) of the `pct`th percentile of `n` values by nearest rank; n > 0.
pub fn percentile_rank(n: usize, pct: usize) -> usize {
    (n * pct).div_ceil(100).clamp(1, n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_at_local_midnight() {
        let hours = crate::config::Config::defaults().working_hours;
        // Thu 26 Nov 2026 09:00 UTC.
        let now = 1_795_683_600;
        let day = |d: u32| {
            Schedule::new(&hours)
                .day_start(NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
                .timestamp()
        };
        assert_eq!(Period::LastDays(7).since(&hours, now), Some(day(20)));
        assert_eq!(
            Period::default().since(&hours, now),
            Some(day(26) - 29 * 86_400)
        );
        assert_eq!(Period::All.since(&hours, now), None);
        let nov2 = parse_day(" 2026-11-02").unwrap();
        assert_eq!(Period::Since(nov2).since(&hours, now), Some(day(2)));
        assert_eq!(Period::Since(nov2).label(), "since Mon 2 Nov 2026");
        assert!(parse_day("2 Nov").unwrap_err().contains("2026-11-01"));
    }

    #[test]
    fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median::<u32>(&mut []), None);
        assert_eq!(median(&mut [5u32]), Some(5.0));
        assert_eq!(median(&mut [9u32, 1, 4, 6]), Some(5.0));
        assert_eq!(median(&mut [3u32, 1, 2]), Some(2.0));
        assert_eq!(median(&mut [7i32, 7, 1, 100]), Some(7.0));
    }

    #[test]
    fn percentile_is_by_nearest_rank() {
        let mut v: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&mut v, 90), Some(9.0));
        assert_eq!(percentile(&mut [4u32], 90), Some(4.0));
        let mut v: Vec<u32> = (1..=11).collect();
        assert_eq!(percentile(&mut v, 90), Some(10.0));
    }
}
