//! A deterministic generator of realistic records relative to a given `now`, for the
//! demo and for trying rapport at scale. It streams: one record at a time, people
//! derived from their index, only a short window of recent messages kept for threads.

pub mod people;
pub mod text;

use crate::domain::{MentionKind, NewMention, OurReply, Record};
use chrono::{DateTime, Duration, Utc};
use fastrand::Rng;
use std::collections::VecDeque;
use text::Topic;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Mentions to write (our replies come on top).
    pub count: usize,
    pub seed: u64,
    /// Times are spread over the `days` before `now`.
    pub now: DateTime<Utc>,
    pub days: i64,
    pub shape: Shape,
}

impl Options {
    /// Two weeks of a busy inbox up to `now`: what `rapport gen` writes.
    pub fn busy_fortnight(count: usize, seed: u64, now: DateTime<Utc>) -> Self {
        Options {
            count,
            seed,
            now,
            days: 14,
            shape: Shape::Flood,
        }
    }
}

/// How the messages fall in time and how many were answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// Skewed towards the last days, the recent ones mostly unanswered: a busy inbox
    /// under load (the benchmarks' million mentions, `rapport gen`).
    #[default]
    Flood,
    /// What a solo owner finds in the morning: weeks of history answered in good time,
    /// then the evening's and the night's messages (the last [`FRESH_HOURS`]) waiting,
    /// a few of them within the last hour.
    Morning,
}

/// The morning's waiting messages were written in these last hours.
pub const FRESH_HOURS: i64 = 14;
/// Per thousand mentions, how many are the morning's (the rest is history).
const FRESH_PER_MILLE: u32 = 15;

/// The records, in creation order of the generator (not of time): each mention,
/// followed by our reply when it was answered.
pub struct Generator {
    options: Options,
    rng: Rng,
    made: usize,
    people: u64,
    pending: Option<Record>,
    /// Recent (external id, thread id) per platform, for replies in threads.
    /// (external id, thread id, written at) of recent messages per platform.
    recent: Vec<VecDeque<(String, String, DateTime<Utc>)>>,
}

impl Generator {
    /// A generator for `options`.
    pub fn new(options: Options) -> Self {
        Generator {
            rng: Rng::with_seed(options.seed),
            people: (options.count as u64 / 3).max(40),
            made: 0,
            pending: None,
            recent: vec![VecDeque::new(); people::PLATFORMS.len()],
            options,
        }
    }

    fn mention(&mut self) -> Record {
        let rng = &mut self.rng;
        let idx = if rng.u8(..100) < 8 {
            rng.u64(..people::TALKATIVE)
        } else {
            rng.u64(people::TALKATIVE..self.people)
        };
        let persona = people::persona(self.options.seed, idx);
        let platform = persona.person.platform.clone();
        let slot = people::PLATFORMS
            .iter()
            .position(|(p, _)| *p == platform)
            .unwrap_or(0);
        let topic = if persona.bot {
            Topic::Spam
        } else {
            match rng.u8(..100) {
                0..28 => Topic::Question,
                28..46 => Topic::Complaint,
                46..70 => Topic::Praise,
                _ => Topic::Plain,
            }
        };
        let roll = rng.u8(..100);
        let kind = match platform.as_str() {
            "sms" => MentionKind::Sms,
            "google" => MentionKind::Review,
            "twitter" => match roll {
                0..55 => MentionKind::Mention,
                55..85 => MentionKind::Reply,
                _ => MentionKind::DirectMessage,
            },
            "instagram" => match roll {
                0..60 => MentionKind::Comment,
                60..80 => MentionKind::Mention,
                _ => MentionKind::DirectMessage,
            },
            _ => match roll {
                0..60 => MentionKind::Comment,
                60..85 => MentionKind::DirectMessage,
                _ => MentionKind::Review,
            },
        };
        let span = (self.options.days.max(1) * 86_400) as f64;
        let fresh = FRESH_HOURS * 3600;
        let age = match self.options.shape {
            // Skewed towards recent days, as a busy inbox is; never in the future.
            Shape::Flood => ((span * rng.f64().powf(1.4)) as i64).max(60),
            // A quarter of the morning's messages came in the last hour.
            Shape::Morning if rng.u32(..1000) < FRESH_PER_MILLE => match rng.u8(..4) {
                0 => rng.i64(60..3600),
                _ => rng.i64(3600..fresh),
            },
            Shape::Morning => rng.i64(fresh..(span as i64).max(fresh + 1)),
        };
        let mut created_at = self.options.now - Duration::seconds(age);
        let n = self.made;
        let prefix = &platform[..2];
        let external_id = format!("{prefix}{}-{n}", self.options.seed);
        let recent = &mut self.recent[slot];
        let threaded = matches!(kind, MentionKind::Reply)
            || (kind == MentionKind::Comment && rng.u8(..100) < 30);
        let (parent, thread) = match recent.get(rng.usize(..recent.len().max(1))) {
            Some((p, t, at)) if threaded => {
                // An answer comes after what it answers: minutes to hours later.
                let later = *at + Duration::minutes(rng.i64(2..240));
                created_at = later.min(self.options.now - Duration::seconds(60)).max(*at);
                (Some(p.clone()), Some(t.clone()))
            }
            _ => (None, None),
        };
        let kind = if kind == MentionKind::Reply && parent.is_none() {
            MentionKind::Mention
        } else {
            kind
        };
        recent.push_back((
            external_id.clone(),
            thread.clone().unwrap_or_else(|| external_id.clone()),
            created_at,
        ));
        if recent.len() > 64 {
            recent.pop_front();
        }
        let tag = matches!(kind, MentionKind::Mention) || rng.u8(..10) == 0;
        let body = text::message(rng, topic, tag && platform != "sms" && platform != "google");
        let handle = &persona.person.handle;
        let url = match platform.as_str() {
            "twitter" => Some(format!("https://twitter.com/{handle}/status/{external_id}")),
            "instagram" => Some(format!("https://instagram.com/p/{external_id}")),
            "facebook" => Some(format!(
                "https://facebook.com/northwindcoffee/posts/{external_id}"
            )),
            "google" => Some(format!(
                "https://g.page/northwind-coffee/review/{external_id}"
            )),
            _ => None,
        };
        let account = Some(if platform == "sms" {
            "+15550100".to_string()
        } else {
            text::BRAND_HANDLE.to_string()
        });
        // A morning is told by when the message was written (a threaded answer moves);
        // the flood keeps its drawn age, so its shape stays what the benchmarks measure.
        let age = match self.options.shape {
            Shape::Morning => (self.options.now - created_at).num_seconds(),
            Shape::Flood => age,
        };
        self.pending = self.answer(
            &platform,
            &external_id,
            &account,
            topic,
            created_at,
            age,
            persona.bot,
        );
        Record::Mention(NewMention {
            platform,
            external_id,
            kind,
            author: persona.person,
            account,
            body,
            url,
            parent_external_id: parent,
            thread_external_id: thread,
            created_at,
        })
    }

    /// Our reply, when this mention was answered: most old ones, few recent ones,
    /// after minutes to hours (log-normal, so a few are very slow).
    #[allow(clippy::too_many_arguments)]
    fn answer(
        &mut self,
        platform: &str,
        mention: &str,
        account: &Option<String>,
        topic: Topic,
        created_at: DateTime<Utc>,
        age: i64,
        bot: bool,
    ) -> Option<Record> {
        let rng = &mut self.rng;
        let morning = self.options.shape == Shape::Morning;
        let chance = match age {
            _ if bot || topic == Topic::Spam => 0,
            // The morning's messages wait; nearly all history was answered.
            a if morning && a < FRESH_HOURS * 3600 => 0,
            _ if morning => 100,
            a if a > 2 * 86_400 => 85,
            a if a > 4 * 3600 => 65,
            a if a > 3600 => 40,
            _ => 15,
        };
        if rng.u8(..100) >= chance {
            return None;
        }
        // Box-Muller: a normal deviate for a log-normal delay around 40 minutes.
        let normal =
            (-2.0 * (1.0 - rng.f64()).ln()).sqrt() * (2.0 * std::f64::consts::PI * rng.f64()).cos();
        // A solo owner on top of things answers sooner and more evenly.
        let (typical, spread) = if morning { (22.0, 0.8) } else { (40.0, 1.1) };
        let minutes = (f64::ln(typical) + spread * normal)
            .exp()
            .clamp(1.0, 4320.0);
        let sent_at = created_at + Duration::seconds((minutes * 60.0) as i64);
        if sent_at >= self.options.now {
            return None;
        }
        Some(Record::OurReply(OurReply {
            platform: platform.to_string(),
            external_id: format!("r-{mention}"),
            account: account.clone(),
            in_reply_to: mention.to_string(),
            body: text::reply(rng, topic),
            sent_at,
        }))
    }
}

impl Iterator for Generator {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if let Some(reply) = self.pending.take() {
            return Some(reply);
        }
        if self.made >= self.options.count {
            return None;
        }
        let record = self.mention();
        self.made += 1;
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(seed: u64) -> Options {
        Options {
            count: 3000,
            seed,
            now: "2026-11-20T12:00:00Z".parse().unwrap(),
            days: 14,
            shape: Shape::Flood,
        }
    }

    #[test]
    fn a_morning_is_weeks_of_answered_history_and_a_nights_messages() {
        let now: DateTime<Utc> = "2026-11-20T08:00:00Z".parse().unwrap();
        let records: Vec<Record> = Generator::new(Options {
            count: 2400,
            seed: 7,
            now,
            days: 42,
            shape: Shape::Morning,
        })
        .collect();
        let answered: std::collections::HashSet<&str> = records
            .iter()
            .filter_map(|r| match r {
                Record::OurReply(o) => Some(o.in_reply_to.as_str()),
                _ => None,
            })
            .collect();
        let mentions: Vec<&NewMention> = records
            .iter()
            .filter_map(|r| match r {
                Record::Mention(m) => Some(m),
                _ => None,
            })
            .collect();
        let fresh_line = now - Duration::hours(FRESH_HOURS);
        let waiting: Vec<&&NewMention> = mentions
            .iter()
            .filter(|m| !answered.contains(m.external_id.as_str()))
            .filter(|m| !m.author.is_bot)
            .collect();
        let fresh = waiting
            .iter()
            .filter(|m| m.created_at >= fresh_line)
            .count();
        let old = waiting.len() - fresh;
        assert!((20..=60).contains(&fresh), "{fresh} waiting from the night");
        assert!(old < fresh, "{old} old ones still waiting");
        let last_hour = waiting
            .iter()
            .filter(|m| m.created_at >= now - Duration::hours(1))
            .count();
        assert!(
            (3..=20).contains(&last_hour),
            "{last_hour} in the last hour"
        );
        // Weeks of history, every day of them.
        let days: std::collections::HashSet<_> =
            mentions.iter().map(|m| m.created_at.date_naive()).collect();
        assert!(days.len() >= 40, "{} days", days.len());
    }

    #[test]
    fn the_same_seed_gives_the_same_records() {
        let a: Vec<Record> = Generator::new(options(1)).collect();
        let b: Vec<Record> = Generator::new(options(1)).collect();
        let c: Vec<Record> = Generator::new(options(2)).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a[..50], c[..]);
    }

    #[test]
    fn records_are_varied_and_in_the_past() {
        let now = options(1).now;
        let records: Vec<Record> = Generator::new(options(1)).collect();
        let mentions: Vec<&NewMention> = records
            .iter()
            .filter_map(|r| match r {
                Record::Mention(m) => Some(m),
                _ => None,
            })
            .collect();
        assert_eq!(mentions.len(), 3000);
        for kind in MentionKind::ALL {
            assert!(mentions.iter().any(|m| m.kind == *kind), "{kind}");
        }
        assert!(mentions
            .iter()
            .all(|m| m.created_at < now && m.created_at > now - Duration::days(14)));
        assert!(mentions.iter().any(|m| m.parent_external_id.is_some()));
        // Conversations read in order: an answer is written after what it answers.
        let written: std::collections::HashMap<&str, DateTime<Utc>> = mentions
            .iter()
            .map(|m| (m.external_id.as_str(), m.created_at))
            .collect();
        for m in &mentions {
            if let Some(parent) = m.parent_external_id.as_deref().and_then(|p| written.get(p)) {
                assert!(
                    m.created_at >= *parent,
                    "{} before its parent",
                    m.external_id
                );
            }
        }
        assert!(mentions.iter().any(|m| m.author.is_bot));
        let replies = records.len() - mentions.len();
        assert!((900..2500).contains(&replies), "{replies} replies");
        let mut by_author = std::collections::HashMap::new();
        for m in &mentions {
            *by_author.entry(&m.author.platform_user_id).or_insert(0) += 1;
        }
        assert!(by_author.values().any(|n| *n >= 20), "no talkative person");
    }
}
