//! Marks: items picked one by one (`space`), a range (`v` … `v`), or every open item
//! the list shows (`*`: the whole search, kept as the search itself, so a million
//! matches cost nothing here). A change then acts on all of them at once, after a
//! confirmation that names the count, as one undo step.

use super::action::Action;
use super::msg::Effect;
use super::state::{App, Confirmable, PickPurpose, Popup};
use crate::domain::change::{BulkChange, BulkDone, Targets};
use crate::domain::query::Query;
use crate::domain::Status;
use crate::model::inbox::{InboxRow, Listing};
use crate::store::command::StoreCmd;
use std::collections::BTreeSet;

/// Every open item of a listing, marked.
#[derive(Debug, Clone, PartialEq)]
pub struct AllMarked {
    pub listing: Listing,
    pub query: Query,
    /// How many, once the store has counted.
    pub open: Option<u64>,
}

/// What is marked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    pub ids: BTreeSet<i64>,
    pub all: Option<AllMarked>,
    /// Where a range started (`v`), by item id.
    pub range_from: Option<i64>,
    /// The items a change waits on (its confirmation, its time or stage), and how many.
    pub pending: Option<(Targets, Option<u64>)>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.all.is_none()
    }

    /// How many are marked; None while a mark on every match is being counted.
    pub fn count(&self) -> Option<u64> {
        match &self.all {
            Some(all) => all.open,
            None => Some(self.ids.len() as u64),
        }
    }

    /// Whether `row` of `listing` is marked.
    pub fn has(&self, listing: &Listing, row: &InboxRow) -> bool {
        self.ids.contains(&row.id)
            || self
                .all
                .as_ref()
                .is_some_and(|a| a.listing == *listing && row.status == Status::Open)
    }

    /// What a change to the marked items acts on.
    pub fn targets(&self) -> Targets {
        match &self.all {
            Some(all) => Targets::Matching(all.query.clone()),
            None => Targets::Ids(self.ids.iter().copied().collect()),
        }
    }

    pub fn clear(&mut self) {
        *self = Marks::default();
    }
}

/// "38 items", "1 item", or what a mark on every match means while it is counted.
pub fn items(n: Option<u64>) -> String {
    match n {
        Some(1) => "1 item".into(),
        Some(n) => format!("{n} items"),
        None => "every open item that matches".into(),
    }
}

/// The question before a change to many: "dismiss 38 items? y/n".
pub fn question(change: &BulkChange, n: Option<u64>, when: &str) -> String {
    let items = items(n);
    let text = match change {
        BulkChange::Dismiss => format!("dismiss {items}"),
        BulkChange::Like => format!("like {items}"),
        BulkChange::Snooze { .. } => format!("snooze {items} until {when}"),
        BulkChange::Tag(tag) => format!("tag the authors of {items} as {}", tag.replace('_', " ")),
        BulkChange::Stage(stage) => format!(
            "set the buyer stage of the authors of {items} to {}",
            stage.as_str().replace('_', " ")
        ),
        BulkChange::Account(account) => format!("assign {items} to the account {account}"),
    };
    format!("{text}? y/n")
}

/// What a change to many did, in words.
pub fn said(done: &BulkDone) -> String {
    let n = done.changed;
    let items = items(Some(n));
    let people = if n == 1 {
        "1 person".to_string()
    } else {
        format!("{n} people")
    };
    let mut text = match &done.change {
        BulkChange::Dismiss => format!("dismissed {items}"),
        BulkChange::Like => format!("liked {items}"),
        BulkChange::Snooze { .. } => format!("snoozed {items}"),
        BulkChange::Tag(tag) => format!("tagged {people} as {}", tag.replace('_', " ")),
        BulkChange::Stage(stage) => {
            format!("{people} now {}", stage.as_str().replace('_', " "))
        }
        BulkChange::Account(account) => format!("assigned {items} to {account}"),
    };
    for (why, k) in &done.skipped {
        text.push_str(&format!("; {k} skipped: {why}"));
    }
    if done.action_id.is_some() {
        text.push_str(" (u undoes it all)");
    }
    text
}

impl App {
    /// `space`: marks or unmarks the selected item, and moves to the next.
    pub(crate) fn toggle_mark(&mut self) -> Vec<Effect> {
        let Some(id) = self.inbox.selected().map(|r| r.id) else {
            return Vec::new();
        };
        if self.marks.all.is_some() {
            self.say("every match is marked; Esc clears the marks");
            return Vec::new();
        }
        if !self.marks.ids.remove(&id) {
            self.marks.ids.insert(id);
        }
        self.move_cursor(1)
    }

    /// `v`: starts a range here, or marks every row from its start to here.
    pub(crate) fn range_mark(&mut self) -> Vec<Effect> {
        let Some(id) = self.inbox.selected().map(|r| r.id) else {
            return Vec::new();
        };
        let Some(from) = self.marks.range_from.take() else {
            self.marks.range_from = Some(id);
            self.say("range: move to its other end, then v again");
            return Vec::new();
        };
        let Some(start) = self.inbox.rows.iter().position(|r| r.id == from) else {
            self.warn("the start of the range is no longer in the list; v starts a new one");
            return Vec::new();
        };
        let (a, b) = (start.min(self.inbox.cursor), start.max(self.inbox.cursor));
        self.marks.all = None;
        for r in &self.inbox.rows[a..=b] {
            self.marks.ids.insert(r.id);
        }
        self.say(format!("{} marked", items(self.marks.count())));
        Vec::new()
    }

    /// `*`: marks every open item of the list (the queue, or the whole search).
    pub(crate) fn mark_all(&mut self) -> Vec<Effect> {
        let listing = self.inbox.listing.clone();
        let query = match &listing {
            Listing::Search(q) => q.clone(),
            _ => Query {
                status: Some(Status::Open),
                ..Query::default()
            },
        };
        self.marks.ids.clear();
        self.marks.range_from = None;
        self.marks.all = Some(AllMarked {
            listing,
            query: query.clone(),
            open: None,
        });
        self.say("marking every open item that matches…");
        vec![Effect::Store(StoreCmd::Count(query))]
    }

    /// The store counted a mark on every match.
    pub(crate) fn on_counted(&mut self, query: Query, open: u64) {
        if let Some(all) = self.marks.all.as_mut().filter(|a| a.query == query) {
            all.open = Some(open);
            self.say(format!("{} marked", items(Some(open))));
        }
    }

    /// Asks before `change` on `targets` (`n` of them when known).
    pub(crate) fn ask_bulk(&mut self, change: BulkChange, targets: Targets, n: Option<u64>) {
        if n == Some(0) {
            self.say("nothing is marked");
            return;
        }
        let when = match change {
            BulkChange::Snooze { until } => crate::domain::human::local_time(
                self.config.working_hours.time_zone.0,
                until,
                self.now,
            ),
            _ => String::new(),
        };
        self.popup = Some(Popup::Confirm {
            text: question(&change, n, &when),
            yes: Confirmable::Bulk(change),
        });
        self.marks.pending = Some((targets, n));
    }

    /// The targets of a change to many: the marked items, or `count` rows from the
    /// cursor; None when neither (the change is for the selected item alone).
    pub(crate) fn bulk_targets(&self, count: Option<u32>) -> Option<(Targets, Option<u64>)> {
        if let Some(n) = count.filter(|n| *n > 1) {
            let ids: Vec<i64> = self
                .inbox
                .rows
                .iter()
                .skip(self.inbox.cursor)
                .take(n as usize)
                .map(|r| r.id)
                .collect();
            let len = ids.len() as u64;
            return Some((Targets::Ids(ids), Some(len)));
        }
        (!self.marks.is_empty()).then(|| (self.marks.targets(), self.marks.count()))
    }

    /// `y` to a change to many.
    pub(crate) fn bulk_confirmed(&mut self, change: BulkChange) -> Vec<Effect> {
        let Some((targets, _)) = self.marks.pending.take() else {
            return Vec::new();
        };
        if self.read_only {
            self.warn(super::act::READ_ONLY);
            return Vec::new();
        }
        self.last_change = Some(change.clone());
        self.marks.clear();
        self.say("working…");
        vec![Effect::Store(StoreCmd::Bulk { targets, change })]
    }

    /// What the store did with a change to many.
    pub(crate) fn on_bulk(&mut self, done: BulkDone) -> Vec<Effect> {
        if let Some(id) = done.action_id {
            self.mine.push(id);
        }
        if done.change.kind().closes_item() {
            self.done_this_session += done.changed;
        }
        let text = said(&done);
        let mut effects = self.refresh_all();
        if matches!(done.change, BulkChange::Tag(_)) {
            // A new tag completes on the command line from now on.
            effects.push(Effect::Store(StoreCmd::Tags));
        }
        if done.queued {
            self.queued_notice(&text, None);
            effects.push(Effect::Deliver);
        } else {
            self.say(text);
        }
        effects
    }
}

/// The changes that can act on many items at once.
pub fn acts_on_many(action: Action) -> bool {
    matches!(
        action,
        Action::Dismiss
            | Action::Like
            | Action::Snooze
            | Action::TogglePowerUser
            | Action::EditRelationship
            | Action::Repeat
    )
}

impl App {
    /// An action after a count: a move goes that far, a change asks once for that
    /// many rows from the cursor.
    pub(crate) fn act_counted(&mut self, action: Action, n: u32) -> Vec<Effect> {
        let moves = matches!(
            action,
            Action::Down | Action::Up | Action::PageDown | Action::PageUp
        );
        if moves {
            let mut effects = Vec::new();
            for _ in 0..n.min(10_000) {
                effects.extend(self.act(action));
            }
            return effects;
        }
        let inbox = self.view == super::state::View::Inbox && self.compose.is_none();
        if inbox && acts_on_many(action) && n > 1 && !self.read_only {
            if let Some((targets, count)) = self.bulk_targets(Some(n)) {
                return self.act_on_many(action, targets, count);
            }
        }
        self.act(action)
    }

    /// A change to `targets`: asks first (after the time or stage it needs).
    pub(crate) fn act_on_many(
        &mut self,
        action: Action,
        targets: Targets,
        n: Option<u64>,
    ) -> Vec<Effect> {
        match action {
            Action::Dismiss => self.ask_bulk(BulkChange::Dismiss, targets, n),
            Action::Like => self.ask_bulk(BulkChange::Like, targets, n),
            Action::TogglePowerUser => {
                self.ask_bulk(BulkChange::Tag("power_user".into()), targets, n)
            }
            Action::Repeat => match self.last_change.clone() {
                Some(change) => self.ask_bulk(change, targets, n),
                None => self.say("nothing to repeat yet"),
            },
            Action::Snooze => {
                let tomorrow =
                    super::snooze::tomorrow_morning(&self.config.working_hours, self.now);
                self.marks.pending = Some((targets, n));
                self.popup = Some(Popup::Pick {
                    title: format!("snooze {} until", items(n)),
                    items: vec![
                        "in 1 hour".into(),
                        format!(
                            "tomorrow, {}",
                            crate::domain::human::local_time(
                                self.config.working_hours.time_zone.0,
                                tomorrow,
                                self.now
                            )
                        ),
                        "a time you type…".into(),
                    ],
                    cursor: 0,
                    purpose: PickPurpose::SnoozeMarked,
                });
            }
            Action::EditRelationship => {
                self.marks.pending = Some((targets, n));
                self.popup = Some(Popup::Pick {
                    title: format!("buyer stage of the authors of {}", items(n)),
                    items: crate::domain::BuyerStage::ALL
                        .iter()
                        .map(|s| s.as_str().replace('_', " "))
                        .collect(),
                    cursor: 0,
                    purpose: PickPurpose::StageMarked,
                });
            }
            _ => {}
        }
        Vec::new()
    }

    /// `.`: the last change again, on the selected item.
    pub(crate) fn repeat(&mut self) -> Vec<Effect> {
        let Some(change) = self.last_change.clone() else {
            self.say("nothing to repeat yet");
            return Vec::new();
        };
        let Some(row) = self.inbox.selected().cloned() else {
            self.say("nothing selected");
            return Vec::new();
        };
        match change {
            BulkChange::Dismiss => self.act(Action::Dismiss),
            BulkChange::Like => self.act(Action::Like),
            BulkChange::Snooze { until } if until > self.now => {
                self.write(crate::domain::change::Write::Snooze {
                    mention_id: row.id,
                    until,
                })
            }
            BulkChange::Snooze { .. } => {
                self.say("the last snooze time has passed; s snoozes anew");
                Vec::new()
            }
            change => {
                self.inbox.keep_id = Some(row.id);
                vec![Effect::Store(StoreCmd::Bulk {
                    targets: Targets::Ids(vec![row.id]),
                    change,
                })]
            }
        }
    }
}
