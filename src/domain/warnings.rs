//! What the app must always show about response times: the figures the status bar
//! draws and `rapport check` prints. Computed by `store::warnings::current`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The response-time picture at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Warnings {
    /// Open items (not snoozed, not done).
    pub open: u64,
    /// Open items past their response target.
    pub over_target: u64,
    /// Open items that will pass their target within `pace.due_soon_minutes`.
    pub due_soon: u64,
    /// Items answered or dismissed today (local day).
    pub done_today: u64,
    /// When the oldest open, unanswered item was written.
    pub oldest_open_at: Option<DateTime<Utc>>,
    /// Median first-response time of items first answered today, in seconds.
    pub median_response_today_secs: Option<f64>,
    /// Median response target of those same items, in seconds.
    pub median_target_today_secs: Option<f64>,
    /// Set when replies slowed down.
    pub pace: Option<PaceWarning>,
    /// The database holds no mention at all (a new file): say how to fill it.
    pub nothing_imported: bool,
}

/// Why the reply pace is worrying.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum PaceWarning {
    /// Replies per day over the last 7 days fell by `drop` (0.3 = 30%) against the
    /// 4 weeks before.
    Dropped {
        last_7_per_day: f64,
        prior_28_per_day: f64,
        drop: f64,
    },
    /// A whole working day passed with no reply.
    SilentWorkingDay { day: NaiveDate },
}
