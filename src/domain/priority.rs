//! The triage order. Each open item is *due* when its response target runs out; what
//! matters more (a power user, a message read as a question or a complaint, negative
//! words) is due earlier by the minutes configured in [priority], bots much later.
//!
//! Items that can still be answered in time come before a stale backlog: an item over
//! target by more than `stale_after_hours` is ranked [`STALE_OFFSET`] later, behind
//! everything else, keeping its order among the stale ones. So a DM written a quarter
//! of an hour ago comes before a 2018 backlog imported today.
//!
//! Ordering by this `rank` (a time, or a time plus the offset) is the same at every
//! moment except when an item turns stale, so the queue is an index scan, not a sort
//! of the whole inbox on every key press; the store moves items that turned stale
//! since the last refresh with one indexed update (store::inbox::keep_up).

use super::reading::Class;
use super::{MentionKind, Signals};
use crate::config::PriorityWeights;
use chrono::{DateTime, Utc};

/// What the rank of one item depends on.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub platform: &'a str,
    pub kind: MentionKind,
    pub created_at: DateTime<Utc>,
    pub signals: Signals,
    pub is_bot: bool,
    pub power_user: bool,
}

/// When the item should be answered by: creation time plus its target, in working
/// time when the config says so.
pub use super::sla::due_at;

/// How much later than every answerable item a stale one is ranked, in seconds
/// (about 31,700 years): far more than any date or any sum of weights (each at most a
/// year), so the two bands never meet.
pub const STALE_OFFSET: i64 = 1_000_000_000_000;
/// A rank from here on is in the stale band. Halfway, so that no weight crosses it.
pub const STALE_FROM: i64 = STALE_OFFSET / 2;

/// The queue position at `now`, in stored seconds: `due` moved earlier by the weights
/// that apply, and behind every answerable item if it is already stale.
pub fn rank(due: DateTime<Utc>, facts: &Facts<'_>, w: &PriorityWeights, now: i64) -> i64 {
    let due = due.timestamp();
    let fresh = rank_secs(due, boost_secs(facts, w), facts.power_user, w);
    if is_stale(due, now, w) {
        stale_rank(fresh)
    } else {
        fresh
    }
}

/// The rank of a stale item whose rank while answerable was `fresh`.
pub fn stale_rank(fresh: i64) -> i64 {
    if fresh >= STALE_FROM {
        fresh
    } else {
        fresh.saturating_add(STALE_OFFSET)
    }
}

/// An item is stale at `now` when it is over target by more than `stale_after_hours`:
/// answered now it is late anyway, so what can still be answered in time comes first.
pub fn is_stale(due: i64, now: i64, w: &PriorityWeights) -> bool {
    due < stale_if_due_before(now, w)
}

/// The due time before which an item is stale at `now` (SQL binds it: `due_at < ?`).
pub fn stale_if_due_before(now: i64, w: &PriorityWeights) -> i64 {
    now.saturating_sub(w.stale_after_hours.saturating_mul(3600))
}

/// The rank formula, in stored seconds: the due time, less the item's own boost, less
/// the power-user weight when its author is one. The store reranks with it when a
/// person is tagged, so the queue and a fresh import always agree.
pub fn rank_secs(due: i64, boost: i64, power_user: bool, w: &PriorityWeights) -> i64 {
    let power = if power_user {
        w.power_user_minutes.saturating_mul(60)
    } else {
        0
    };
    due.saturating_sub(boost).saturating_sub(power)
}

/// Seconds earlier an item is due for its own signals (not for who wrote it, which can
/// change later: the store adds the power-user weight when it ranks).
pub fn boost_secs(facts: &Facts<'_>, w: &PriorityWeights) -> i64 {
    let mut minutes = 0;
    match facts.signals.class {
        Class::Question => minutes += w.question_minutes,
        Class::Complaint => minutes += w.complaint_minutes,
        _ => {}
    }
    if facts.signals.sentiment < -0.05 {
        minutes += w.negative_sentiment_minutes;
    }
    if facts.is_bot {
        minutes += w.bot_minutes;
    }
    minutes * 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use chrono::{Duration, TimeZone};

    fn facts(signals: Signals) -> Facts<'static> {
        Facts {
            platform: "twitter",
            kind: MentionKind::Mention,
            created_at: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
            signals,
            is_bot: false,
            power_user: false,
        }
    }

    #[test]
    fn questions_and_power_users_come_first_bots_last() {
        let c = Config::defaults();
        let calm = Signals {
            class: Class::Plain,
            is_question: false,
            sentiment: 0.0,
        };
        let base = facts(calm);
        let due = due_at(
            &c.response_targets,
            &c.working_hours,
            base.platform,
            base.kind,
            base.created_at,
        );
        assert_eq!(due - base.created_at, Duration::minutes(60));
        let now = base.created_at.timestamp();
        let plain = rank(due, &base, &c.priority, now);
        let question = rank(
            due,
            &facts(Signals {
                class: Class::Question,
                is_question: true,
                ..calm
            }),
            &c.priority,
            now,
        );
        let power = rank(
            due,
            &Facts {
                power_user: true,
                ..base
            },
            &c.priority,
            now,
        );
        let bot = rank(
            due,
            &Facts {
                is_bot: true,
                ..base
            },
            &c.priority,
            now,
        );
        assert!(power < question && question < plain && plain < bot);
    }

    #[test]
    fn private_messages_are_due_sooner() {
        let c = Config::defaults();
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        assert!(
            due_at(
                &c.response_targets,
                &c.working_hours,
                "sms",
                MentionKind::Sms,
                t
            ) < due_at(
                &c.response_targets,
                &c.working_hours,
                "x",
                MentionKind::Comment,
                t
            )
        );
    }

    #[test]
    fn the_rank_is_due_less_boost_less_the_power_weight() {
        let w = Config::defaults().priority;
        assert_eq!(rank_secs(10_000, 600, false, &w), 9_400);
        assert_eq!(
            rank_secs(10_000, 600, true, &w),
            9_400 - w.power_user_minutes * 60
        );
        assert_eq!(rank_secs(i64::MIN, 600, true, &w), i64::MIN);
    }

    #[test]
    fn a_stale_backlog_comes_after_what_can_still_be_answered_in_time() {
        let c = Config::defaults();
        let w = &c.priority;
        assert_eq!(w.stale_after_hours, 24);
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let old = Facts {
            created_at: Utc.with_ymd_and_hms(2018, 5, 9, 10, 0, 0).unwrap(),
            power_user: true,
            ..facts(Signals {
                class: Class::Complaint,
                is_question: false,
                sentiment: -0.8,
            })
        };
        let dm = Facts {
            kind: MentionKind::DirectMessage,
            created_at: now - Duration::minutes(14),
            ..facts(Signals {
                class: Class::Plain,
                is_question: false,
                sentiment: 0.0,
            })
        };
        let due = |f: &Facts<'_>| {
            due_at(
                &c.response_targets,
                &c.working_hours,
                f.platform,
                f.kind,
                f.created_at,
            )
        };
        let (old_rank, dm_rank) = (
            rank(due(&old), &old, w, now.timestamp()),
            rank(due(&dm), &dm, w, now.timestamp()),
        );
        assert!(dm_rank < old_rank, "the fresh DM first");
        assert!(old_rank >= STALE_FROM && dm_rank < STALE_FROM);
        // Over target by just under the span: still answerable, in its own place.
        let late = now.timestamp() - 23 * 3600;
        assert!(!is_stale(late, now.timestamp(), w));
        assert!(
            !is_stale(late - 3600, now.timestamp(), w),
            "exactly a day over"
        );
        assert!(is_stale(late - 3601, now.timestamp(), w));
        assert_eq!(stale_rank(stale_rank(5)), 5 + STALE_OFFSET);
    }
}
