//! How response times are summed up, defined once for the status bar, the stats view
//! and `rapport stats`: the median (the mean of the two middle values for an even
//! count) and the 90th percentile (nearest rank).

use super::sla::Schedule;
use crate::config::WorkingHours;
use chrono::{DateTime, Duration};

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
    let rank = (n * pct).div_ceil(100).clamp(1, n);
    Some(values.select_nth_unstable(rank - 1).1.to_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

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
