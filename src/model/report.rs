//! The figures of the stats view and `rapport stats`.

use crate::domain::warnings::Warnings;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Response figures for a set of mentions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub mentions: i64,
    pub answered: i64,
    /// Median first-response time in seconds (the mean of the two middle values for an
    /// even count).
    pub median_secs: Option<f64>,
    /// 90th percentile (nearest rank) in seconds.
    pub p90_secs: Option<f64>,
    /// Share of the answered ones answered within their target.
    pub within_target_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
    /// Replies that went out that day (any mention).
    pub replies: i64,
    /// Items of the period still unanswered at the end of the day.
    pub backlog: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFigures {
    pub person_id: i64,
    pub platform: String,
    pub handle: String,
    /// Mentions they wrote (in the period for the top people, ever for power users).
    pub conversations: i64,
    pub last_contact: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaceFigures {
    pub last_7_per_day: f64,
    pub prior_28_per_day: f64,
}

/// Everything the stats view draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub overall: Figures,
    pub per_day: Vec<DayFigures>,
    pub by_platform: Vec<GroupFigures>,
    pub by_kind: Vec<GroupFigures>,
    pub top_people: Vec<PersonFigures>,
    pub stale_power_users: Vec<PersonFigures>,
    pub pace: PaceFigures,
    pub warnings: Warnings,
}
