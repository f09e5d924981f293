//! The triage order. Each open item is *due* when its response target runs out; what
//! matters more (a power user, a message read as a question or a complaint, negative
//! words) is due earlier by the minutes configured in [priority], bots much later. Ordering by this `rank`
//! (a time) is the same at every moment, so the queue is an index scan, not a sort of
//! the whole inbox on every key press.

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

/// The queue position as a time: `due` moved earlier by the weights that apply.
pub fn rank(due: DateTime<Utc>, facts: &Facts<'_>, w: &PriorityWeights) -> DateTime<Utc> {
    let secs = rank_secs(due.timestamp(), boost_secs(facts, w), facts.power_user, w);
    DateTime::from_timestamp(secs, 0).unwrap_or(due)
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
        let plain = rank(due, &base, &c.priority);
        let question = rank(
            due,
            &facts(Signals {
                class: Class::Question,
                is_question: true,
                ..calm
            }),
            &c.priority,
        );
        let power = rank(
            due,
            &Facts {
                power_user: true,
                ..base
            },
            &c.priority,
        );
        let bot = rank(
            due,
            &Facts {
                is_bot: true,
                ..base
            },
            &c.priority,
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
}
