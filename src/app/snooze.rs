//! Snooze times: in an hour, tomorrow when work starts, or a time the operator types
//! ("45m", "3h", "2d", "14:30", "2026-12-01 09:00"), read in the working-hours time zone.

use crate::config::WorkingHours;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

fn zone(hours: &WorkingHours) -> Tz {
    hours.time_zone.0
}

/// The start of the next working day after today (local), or 09:00 tomorrow when the
/// schedule has no working day.
pub fn tomorrow_morning(hours: &WorkingHours, now: i64) -> i64 {
    let tz = zone(hours);
    let today = Utc
        .timestamp_opt(now, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive();
    let days = hours.days();
    for ahead in 1..=7 {
        let Some(day) = today.checked_add_signed(Duration::days(ahead)) else {
            break;
        };
        let span = days[day.weekday().num_days_from_monday() as usize].1;
        if let Some((start, _)) = span.span() {
            if let Some(t) = local(tz, day, start / 60, start % 60) {
                return t;
            }
        }
    }
    let fallback = today.checked_add_signed(Duration::days(1)).unwrap_or(today);
    local(tz, fallback, 9, 0).unwrap_or(now + 86_400)
}

fn local(tz: Tz, day: NaiveDate, h: u32, m: u32) -> Option<i64> {
    let t = day.and_time(NaiveTime::from_hms_opt(h, m, 0)?);
    // A time skipped by a clock change falls back to an hour later.
    tz.from_local_datetime(&t)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(t + Duration::hours(1))).earliest())
        .map(|d| d.timestamp())
}

/// Reads a typed snooze time. Errors say what is accepted.
pub fn parse_until(text: &str, hours: &WorkingHours, now: i64) -> Result<i64, String> {
    let t = text.trim();
    let help = "type 45m, 3h, 2d, 14:30 or 2026-12-01 09:00";
    if t.is_empty() {
        return Err(help.into());
    }
    let tz = zone(hours);
    if let Some((n, unit)) = t.char_indices().last().map(|(i, c)| (&t[..i], c)) {
        if let Ok(n) = n.trim().parse::<i64>() {
            let secs = match unit {
                'm' => Some(60),
                'h' => Some(3600),
                'd' => Some(86_400),
                _ => None,
            };
            if let Some(secs) = secs {
                if n <= 0 || n > 3650 * 24 * 60 {
                    return Err(format!("{t:?}: {help}"));
                }
                return Ok(now + n.saturating_mul(secs));
            }
        }
    }
    let now_local: DateTime<Tz> = Utc
        .timestamp_opt(now, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz);
    if let Ok(time) = NaiveTime::parse_from_str(t, "%H:%M") {
        let today = now_local.date_naive();
        let at = local(tz, today, time.hour_min().0, time.hour_min().1).ok_or(help)?;
        return Ok(if at > now {
            at
        } else {
            local(
                tz,
                today + Duration::days(1),
                time.hour_min().0,
                time.hour_min().1,
            )
            .ok_or(help)?
        });
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
        let (h, m) = dt.time().hour_min();
        let at = local(tz, dt.date(), h, m).ok_or(help)?;
        if at <= now {
            return Err(format!("{t} has passed; pick a later time"));
        }
        return Ok(at);
    }
    Err(format!("{t:?}: {help}"))
}

trait HourMin {
    fn hour_min(&self) -> (u32, u32);
}

impl HourMin for NaiveTime {
    fn hour_min(&self) -> (u32, u32) {
        use chrono::Timelike;
        (self.hour(), self.minute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn at(s: &str) -> i64 {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
            .timestamp()
    }

    #[test]
    fn tomorrow_skips_the_weekend() {
        let hours = Config::defaults().working_hours; // UTC, Mon-Fri 09:00
                                                      // Friday 2026-11-20 16:00 -> Monday 09:00.
        assert_eq!(
            tomorrow_morning(&hours, at("2026-11-20 16:00")),
            at("2026-11-23 09:00")
        );
        // Monday 08:00 -> Tuesday 09:00 (tomorrow, not later today).
        assert_eq!(
            tomorrow_morning(&hours, at("2026-11-23 08:00")),
            at("2026-11-24 09:00")
        );
    }

    #[test]
    fn typed_times() {
        let hours = Config::defaults().working_hours;
        let now = at("2026-11-23 10:00");
        assert_eq!(parse_until("45m", &hours, now), Ok(now + 45 * 60));
        assert_eq!(parse_until("3h", &hours, now), Ok(now + 3 * 3600));
        assert_eq!(parse_until("2d", &hours, now), Ok(now + 2 * 86_400));
        assert_eq!(
            parse_until("14:30", &hours, now),
            Ok(at("2026-11-23 14:30"))
        );
        assert_eq!(
            parse_until("08:00", &hours, now),
            Ok(at("2026-11-24 08:00"))
        );
        assert_eq!(
            parse_until("2026-12-01 09:00", &hours, now),
            Ok(at("2026-12-01 09:00"))
        );
        assert!(parse_until("2026-01-01 09:00", &hours, now)
            .unwrap_err()
            .contains("passed"));
        assert!(parse_until("soon", &hours, now)
            .unwrap_err()
            .contains("45m"));
        assert!(parse_until("-3h", &hours, now).is_err());
    }
}
