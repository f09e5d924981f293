//! The reply pace: replies per day over the last 7 complete days against the 28 days
//! before them, and whether a whole working day passed without a reply. A few replies
//! a day becoming a few a week is how accounts die.

use super::sla::Schedule;
use super::warnings::PaceWarning;
use crate::config::PaceRules;
use chrono::{Duration, NaiveDate};

/// Replies on each of the 35 complete local days before today, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyDays {
    /// The first day counted (today - 35).
    pub first: NaiveDate,
    pub counts: Vec<i64>,
}

/// Days in the recent and the earlier window.
pub const RECENT_DAYS: i64 = 7;
pub const EARLIER_DAYS: i64 = 28;

impl ReplyDays {
    /// Replies per day over the last 7 complete days, and over the 28 before.
    pub fn rates(&self) -> (f64, f64) {
        let n = self.counts.len();
        let recent: i64 = self.counts[n.saturating_sub(RECENT_DAYS as usize)..]
            .iter()
            .sum();
        let earlier: i64 = self.counts[..n.saturating_sub(RECENT_DAYS as usize)]
            .iter()
            .sum();
        (
            recent as f64 / RECENT_DAYS as f64,
            earlier as f64 / EARLIER_DAYS as f64,
        )
    }

    fn day(&self, i: usize) -> NaiveDate {
        self.first + Duration::days(i as i64)
    }
}

/// Fewer than this many replies in the earlier four weeks is too little to call a drop.
const MIN_EARLIER_REPLIES: i64 = 8;

/// The pace warning, if any.
pub fn warning(days: &ReplyDays, schedule: &Schedule, rules: &PaceRules) -> Option<PaceWarning> {
    let (recent, earlier) = days.rates();
    let earlier_total: i64 = days.counts[..days.counts.len().saturating_sub(RECENT_DAYS as usize)]
        .iter()
        .sum();
    if earlier_total >= MIN_EARLIER_REPLIES && earlier > 0.0 {
        let drop = (earlier - recent) / earlier;
        if drop > rules.drop_share {
            return Some(PaceWarning::Dropped {
                last_7_per_day: recent,
                prior_28_per_day: earlier,
                drop,
            });
        }
    }
    if rules.warn_on_silent_working_day {
        // The most recent complete working day, if replies went out before it.
        let last_working = (0..days.counts.len())
            .rev()
            .find(|&i| schedule.is_working_day(days.day(i)))?;
        let replied_before = days.counts[..last_working].iter().any(|&c| c > 0);
        if days.counts[last_working] == 0 && replied_before {
            return Some(PaceWarning::SilentWorkingDay {
                day: days.day(last_working),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn days(counts: Vec<i64>) -> ReplyDays {
        // 2026-10-19 is a Monday; 35 days end on Sunday 2026-11-22.
        ReplyDays {
            first: NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(),
            counts,
        }
    }

    fn schedule() -> Schedule {
        Schedule::new(&Config::defaults().working_hours)
    }

    fn weekdays(per_day: i64, recent: i64) -> Vec<i64> {
        (0..35)
            .map(|i| {
                let weekend = i % 7 >= 5;
                match (weekend, i >= 28) {
                    (true, _) => 0,
                    (false, false) => per_day,
                    (false, true) => recent,
                }
            })
            .collect()
    }

    #[test]
    fn a_steady_pace_is_quiet() {
        let rules = Config::defaults().pace;
        assert_eq!(warning(&days(weekdays(10, 10)), &schedule(), &rules), None);
        // 25% fewer: under the 30% threshold.
        assert_eq!(warning(&days(weekdays(12, 9)), &schedule(), &rules), None);
    }

    #[test]
    fn a_drop_beyond_the_share_warns() {
        let rules = Config::defaults().pace;
        match warning(&days(weekdays(10, 3)), &schedule(), &rules) {
            Some(PaceWarning::Dropped {
                drop,
                last_7_per_day,
                prior_28_per_day,
            }) => {
                assert!((drop - 0.7).abs() < 1e-9, "{drop}");
                assert!((last_7_per_day - 15.0 / 7.0).abs() < 1e-9);
                assert!((prior_28_per_day - 200.0 / 28.0).abs() < 1e-9);
            }
            other => panic!("expected a drop, got {other:?}"),
        }
        // Too little history to judge.
        assert_eq!(warning(&days(weekdays(0, 0)), &schedule(), &rules), None);
    }

    #[test]
    fn a_silent_working_day_warns_but_a_quiet_weekend_does_not() {
        let rules = Config::defaults().pace;
        // Steady, but Friday 2026-11-20 had no reply; the weekend after is not counted.
        let mut counts = weekdays(10, 10);
        counts[32] = 0;
        assert_eq!(
            warning(&days(counts), &schedule(), &rules),
            Some(PaceWarning::SilentWorkingDay {
                day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
            })
        );
        let mut off = rules.clone();
        off.warn_on_silent_working_day = false;
        let mut counts = weekdays(10, 10);
        counts[32] = 0;
        assert_eq!(warning(&days(counts), &schedule(), &off), None);
    }
}
