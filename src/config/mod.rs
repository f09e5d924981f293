//! Configuration: the embedded defaults (config/default.toml), the user's file merged
//! over them, and `validate()`. Every error names the file, the line and the key.

pub mod accounts;
pub mod commands;
pub mod delivery;
pub mod keys;
pub mod load;
pub mod paths;
pub mod values;

pub use load::{load, load_str, ConfigError, Problem};
pub use values::{Hours, Zone};

use crate::domain::sanitize::quote;

use crate::domain::MentionKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The defaults, documented line by line. `rapport config --default` prints them.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Every option. Field defaults only matter while checking a user's partial file; the
/// real defaults come from `DEFAULT_TOML`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub response_targets: ResponseTargets,
    pub working_hours: WorkingHours,
    pub priority: PriorityWeights,
    pub power_users: PowerUserRules,
    pub response: ResponseRules,
    pub pace: PaceRules,
    pub alerts: Alerts,
    pub duplicates: DuplicateGuard,
    pub people: PeopleRules,
    pub templates: Vec<Template>,
    /// mode -> key -> action name; checked by the keymap.
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
    pub colors: Colors,
    pub delivery: delivery::Delivery,
    /// platform (or "default") -> how its actions go out.
    pub senders: BTreeMap<String, delivery::SenderConfig>,
    /// The brand's accounts on live platforms (`[[accounts]]`).
    pub accounts: Vec<accounts::Account>,
    /// How often the app pulls them.
    pub pull: PullRules,
    /// The operator's own commands (`[[commands]]`).
    pub commands: Vec<commands::UserCommand>,
    /// Saved searches (`[[views]]`).
    pub views: Vec<commands::SavedView>,
    /// The key tables of `keys`, built once when the config is read.
    #[serde(skip)]
    pub keymap: keys::Keymap,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseTargets {
    pub default_minutes: i64,
    pub working_hours_only: bool,
    pub by_kind: BTreeMap<MentionKind, i64>,
    pub by_platform: BTreeMap<String, BTreeMap<MentionKind, i64>>,
}

impl ResponseTargets {
    /// The target in minutes for a kind of message on a platform.
    pub fn minutes_for(&self, platform: &str, kind: MentionKind) -> i64 {
        self.by_platform
            .get(platform)
            .and_then(|kinds| kinds.get(&kind))
            .or_else(|| self.by_kind.get(&kind))
            .copied()
            .unwrap_or(self.default_minutes)
    }
}

/// A weekly schedule: "HH:MM-HH:MM" per day, "" for a day off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkingHours {
    pub time_zone: Zone,
    pub monday: Hours,
    pub tuesday: Hours,
    pub wednesday: Hours,
    pub thursday: Hours,
    pub friday: Hours,
    pub saturday: Hours,
    pub sunday: Hours,
}

impl WorkingHours {
    /// The days in ISO order (Monday first) with their config key.
    pub fn days(&self) -> [(&'static str, Hours); 7] {
        [
            ("monday", self.monday),
            ("tuesday", self.tuesday),
            ("wednesday", self.wednesday),
            ("thursday", self.thursday),
            ("friday", self.friday),
            ("saturday", self.saturday),
            ("sunday", self.sunday),
        ]
    }
}

/// Minutes by which each signal moves an item's due time earlier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWeights {
    pub power_user_minutes: i64,
    pub question_minutes: i64,
    pub complaint_minutes: i64,
    pub negative_sentiment_minutes: i64,
    pub bot_minutes: i64,
    /// Items over target by more than this many hours go behind everything that can
    /// still be answered in time (the stale backlog).
    pub stale_after_hours: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PowerUserRules {
    pub min_followers: i64,
    pub min_conversations_30d: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseRules {
    /// Action kinds that count as a response: reply, thank, like.
    pub counts: Vec<crate::domain::ActionKind>,
    /// Count a reply as the response when it is queued (true) or only once the
    /// platform has it (false).
    pub count_queued: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaceRules {
    pub drop_share: f64,
    pub warn_on_silent_working_day: bool,
    pub due_soon_minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alerts {
    pub bell: bool,
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DuplicateGuard {
    pub window_days: i64,
    pub similarity: f64,
}

/// `[pull]`: the app's background pull of the live accounts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PullRules {
    /// Seconds between two pulls while the app is open.
    pub every_secs: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeopleRules {
    pub stale_after_days: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Colors {
    pub accent: String,
    pub within_target: String,
    pub due_soon: String,
    pub over_target: String,
    pub muted: String,
    pub selection_bg: String,
    pub selection_fg: String,
}

impl Colors {
    /// Each color with its key, for validation and theming.
    pub fn entries(&self) -> [(&'static str, &str); 7] {
        [
            ("accent", &self.accent),
            ("within_target", &self.within_target),
            ("due_soon", &self.due_soon),
            ("over_target", &self.over_target),
            ("muted", &self.muted),
            ("selection_bg", &self.selection_bg),
            ("selection_fg", &self.selection_fg),
        ]
    }
}

impl Config {
    /// The embedded defaults. They are tested to parse and validate, so the panic
    /// below can only fire in a build whose own tests failed.
    #[allow(clippy::panic)]
    pub fn defaults() -> Config {
        load_str(DEFAULT_TOML, "<built-in defaults>").unwrap_or_else(|e| {
            // Unreachable in a tested build: the defaults are covered by a unit test.
            panic!("the built-in config/default.toml is invalid: {e}")
        })
    }
}
