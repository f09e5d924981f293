//! The people view and one person's history.

use crate::domain::BuyerStage;

/// Which people to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PeopleFilter {
    #[default]
    All,
    PowerUsers,
    Stage(BuyerStage),
    /// Not contacted for more than `people.stale_after_days`.
    NotContacted,
    /// Whose handle or name holds what was typed after `/` (each word).
    Search(String),
}

impl PeopleFilter {
    /// The presets offered by `f` in the people view, in order.
    pub const PRESETS: &'static [PeopleFilter] = &[
        PeopleFilter::All,
        PeopleFilter::PowerUsers,
        PeopleFilter::NotContacted,
        PeopleFilter::Stage(BuyerStage::ExistingCustomer),
        PeopleFilter::Stage(BuyerStage::PotentialBuyer),
        PeopleFilter::Stage(BuyerStage::LightBuyer),
        PeopleFilter::Stage(BuyerStage::FormerCustomer),
    ];

    pub fn label(&self) -> String {
        match self {
            PeopleFilter::All => "everyone".into(),
            PeopleFilter::PowerUsers => "power users".into(),
            PeopleFilter::Stage(s) => s.as_str().replace('_', " "),
            PeopleFilter::NotContacted => "not contacted lately".into(),
            PeopleFilter::Search(text) => format!("matching \"{text}\" · Esc: everyone"),
        }
    }
}

/// One row of the people list.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub id: i64,
    pub platform: String,
    pub handle: String,
    pub followers: Option<i64>,
    pub power_user: bool,
    pub buyer_stage: String,
    pub last_seen: i64,
    pub last_contact: Option<i64>,
}

/// One event in a person's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: i64,
    /// "mention", "comment", ... for theirs; "reply", "like", "note", ... for ours.
    pub what: String,
    pub ours: bool,
    pub text: String,
    /// For our actions: queued, sent, cancelled...; for theirs: open, snoozed, done.
    pub state: String,
}
