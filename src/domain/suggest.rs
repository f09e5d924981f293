//! What to do with a mention, and why, in the operator's words, from its reading:
//! complaint or question -> reply; praise -> thank; plain mention -> like where the
//! platform takes likes ([`super::platforms`]), else reply; spam or a bot -> dismiss;
//! an author who meets the power-user rules but is not tagged -> tag them and reply
//! personally.

use super::reading::Class;
use super::Signals;
use crate::config::PowerUserRules;

/// The suggested step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Reply,
    Thank,
    Like,
    Dismiss,
    TagPowerUser,
}

impl Step {
    /// The step's name in scripts (`rapport queue --json`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Reply => "reply",
            Step::Thank => "thank",
            Step::Like => "like",
            Step::Dismiss => "dismiss",
            Step::TagPowerUser => "tag_power_user",
        }
    }
}

/// A step and the reason shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub step: Step,
    pub reason: String,
}

/// What the suggestion depends on.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub signals: Signals,
    /// Why the message reads as it does (`Reading::reason`), shown as the reason.
    pub reading: &'a str,
    /// What the message's platform lets us do with it.
    pub can: super::platforms::Can,
    pub is_bot: bool,
    pub tagged_power_user: bool,
    pub followers: Option<i64>,
    pub conversations_30d: i64,
    /// Seconds since the mention was written.
    pub waiting_secs: i64,
    pub over_target: bool,
}

/// Whether the author meets either power-user rule.
pub fn meets_power_rules(
    rules: &PowerUserRules,
    followers: Option<i64>,
    conversations_30d: i64,
) -> bool {
    followers.is_some_and(|f| f >= rules.min_followers)
        || (rules.min_conversations_30d > 0 && conversations_30d >= rules.min_conversations_30d)
}

/// The suggestion for one mention.
pub fn suggest(a: &About<'_>, rules: &PowerUserRules) -> Suggestion {
    let waiting = format!(
        "waiting {}{}",
        super::human::duration(a.waiting_secs),
        if a.over_target { ", over target" } else { "" }
    );
    if a.is_bot {
        return Suggestion {
            step: Step::Dismiss,
            reason: "looks like a bot or spam: dismiss".into(),
        };
    }
    if a.signals.class == Class::Spam {
        return Suggestion {
            step: Step::Dismiss,
            reason: format!("{}: dismiss", a.reading),
        };
    }
    if !a.tagged_power_user && meets_power_rules(rules, a.followers, a.conversations_30d) {
        let why = match a.followers {
            Some(f) if f >= rules.min_followers => {
                format!("{} followers", super::human::count(f))
            }
            _ => format!("{} conversations in 30 days", a.conversations_30d),
        };
        return Suggestion {
            step: Step::TagPowerUser,
            reason: format!(
                "{why} (power-user rule), {waiting}: tag as power user, then reply personally"
            ),
        };
    }
    let who = if a.tagged_power_user {
        " from a power user"
    } else {
        ""
    };
    let step = match a.signals.class {
        Class::Complaint | Class::Question => Step::Reply,
        Class::Praise => Step::Thank,
        _ if a.tagged_power_user || !a.can.like => Step::Reply,
        _ => Step::Like,
    };
    // A platform that takes no reply (none known today) leaves a like or nothing.
    let step = match step {
        Step::Reply | Step::Thank if !a.can.reply && a.can.like => Step::Like,
        Step::Reply | Step::Thank if !a.can.reply => Step::Dismiss,
        step => step,
    };
    let verb = match step {
        Step::Reply => "reply",
        Step::Thank => "thank",
        Step::Like => "like",
        _ => "dismiss",
    };
    let cannot_like = if a.signals.class == Class::Plain && !a.can.like {
        " (no likes here)"
    } else {
        ""
    };
    Suggestion {
        step,
        reason: format!("{}{who}{cannot_like}, {waiting}: {verb}", a.reading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn about(class: Class) -> About<'static> {
        About {
            signals: Signals {
                class,
                is_question: class == Class::Question,
                sentiment: 0.0,
            },
            reading: match class {
                Class::Question => "question: 'where'",
                Class::Complaint => "complaint: 'crashes', 'so done'",
                Class::Spam => "spam: 'follow back'",
                _ => "plain mention",
            },
            can: crate::domain::platforms::can("twitter", crate::domain::MentionKind::Mention),
            is_bot: false,
            tagged_power_user: false,
            followers: Some(120),
            conversations_30d: 1,
            waiting_secs: 3 * 3600,
            over_target: true,
        }
    }

    #[test]
    fn each_kind_of_mention_gets_its_step() {
        let rules = Config::defaults().power_users;
        let s = suggest(&about(Class::Question), &rules);
        assert_eq!(s.step, Step::Reply);
        assert_eq!(
            s.reason,
            "question: 'where', waiting 3h, over target: reply"
        );
        let complaint = suggest(&about(Class::Complaint), &rules);
        assert_eq!(complaint.step, Step::Reply);
        assert!(complaint
            .reason
            .starts_with("complaint: 'crashes', 'so done'"));
        assert_eq!(suggest(&about(Class::Praise), &rules).step, Step::Thank);
        assert_eq!(suggest(&about(Class::Plain), &rules).step, Step::Like);
        let bot = About {
            is_bot: true,
            ..about(Class::Question)
        };
        assert_eq!(suggest(&bot, &rules).step, Step::Dismiss);
        let spam = suggest(&about(Class::Spam), &rules);
        assert_eq!(
            (spam.step, spam.reason.as_str()),
            (Step::Dismiss, "spam: 'follow back': dismiss")
        );
    }

    #[test]
    fn a_plain_text_message_is_answered_since_it_cannot_be_liked() {
        let rules = Config::defaults().power_users;
        let sms = About {
            can: crate::domain::platforms::can("sms", crate::domain::MentionKind::Sms),
            ..about(Class::Plain)
        };
        let s = suggest(&sms, &rules);
        assert_eq!(s.step, Step::Reply);
        assert_eq!(
            s.reason,
            "plain mention (no likes here), waiting 3h, over target: reply"
        );
        let praise = About {
            signals: about(Class::Praise).signals,
            ..sms
        };
        assert_eq!(suggest(&praise, &rules).step, Step::Thank);
        let nothing = About {
            can: crate::domain::platforms::Can {
                reply: false,
                like: true,
            },
            ..about(Class::Complaint)
        };
        assert_eq!(suggest(&nothing, &rules).step, Step::Like);
    }

    #[test]
    fn power_users_are_tagged_then_answered_personally() {
        let rules = Config::defaults().power_users;
        let big = About {
            followers: Some(25_000),
            ..about(Class::Question)
        };
        let s = suggest(&big, &rules);
        assert_eq!(s.step, Step::TagPowerUser);
        assert!(s.reason.starts_with("25k followers"), "{}", s.reason);
        let talkative = About {
            conversations_30d: 5,
            ..about(Class::Plain)
        };
        assert!(suggest(&talkative, &rules)
            .reason
            .contains("5 conversations"));
        let tagged = About {
            tagged_power_user: true,
            ..big
        };
        assert_eq!(
            suggest(&tagged, &rules).reason,
            "question: 'where' from a power user, waiting 3h, over target: reply"
        );
    }
}
