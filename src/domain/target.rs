//! Whether an item is within its response target: the one rule behind the list's
//! colours, the status bar's counts, the stats and `rapport check`.
//!
//! The boundary: an item answered exactly at its due time is within target; an open
//! item is over target once its due time has passed (`now > due_at`). Times are whole
//! seconds, so SQL can say the same with `due_at <= ?` bound to [`over_if_due_by`].

/// An open item is over target at `now`.
pub fn is_over(due_at: i64, now: i64) -> bool {
    now > due_at
}

/// An answer at `answered_at` came within the target.
pub fn answered_within(due_at: i64, answered_at: i64) -> bool {
    answered_at <= due_at
}

/// An open item that is not over yet but will be within `soon_secs`.
pub fn is_due_soon(due_at: i64, now: i64, soon_secs: i64) -> bool {
    !is_over(due_at, now) && due_at <= now.saturating_add(soon_secs)
}

/// The latest due time that is over target at `now`: SQL selects over-target items
/// with `due_at <= ?` bound to this, and due-soon ones with `due_at > ?` and
/// `due_at <= ` [`due_soon_until`].
pub fn over_if_due_by(now: i64) -> i64 {
    now.saturating_sub(1)
}

/// The latest due time that counts as due soon at `now`.
pub fn due_soon_until(now: i64, soon_secs: i64) -> i64 {
    now.saturating_add(soon_secs)
}

/// How an open item stands, for its colour and symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Within,
    DueSoon,
    Over,
}

/// Where an open item stands at `now`.
pub fn standing(due_at: i64, now: i64, soon_secs: i64) -> Standing {
    if is_over(due_at, now) {
        Standing::Over
    } else if is_due_soon(due_at, now, soon_secs) {
        Standing::DueSoon
    } else {
        Standing::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answered_exactly_at_the_due_time_is_within() {
        assert!(answered_within(100, 100));
        assert!(!answered_within(100, 101));
        assert!(!is_over(100, 100));
        assert!(is_over(100, 101));
    }

    #[test]
    fn the_sql_bound_says_the_same_as_the_rule() {
        for now in [i64::MIN + 1, -5, 0, 99, 100, 101, i64::MAX] {
            for due in [
                now.saturating_sub(2),
                now.saturating_sub(1),
                now,
                now.saturating_add(1),
            ] {
                assert_eq!(is_over(due, now), due <= over_if_due_by(now), "{due} {now}");
                let soon = due > over_if_due_by(now) && due <= due_soon_until(now, 60);
                assert_eq!(is_due_soon(due, now, 60), soon, "{due} {now}");
            }
        }
    }

    #[test]
    fn standing_has_three_states() {
        assert_eq!(standing(100, 100, 30), Standing::DueSoon);
        assert_eq!(standing(200, 100, 30), Standing::Within);
        assert_eq!(standing(99, 100, 30), Standing::Over);
    }
}
