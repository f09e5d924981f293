//! What each named action does in each view.

use super::compose::{self, Compose};
use super::msg::Effect;
use super::state::{App, Confirmable, InputPurpose, Pane, PickPurpose, Popup, View};
use crate::app::action::Action;
use crate::domain::change::{BulkChange, Done, Outcome, Write};
use crate::domain::suggest::{Step, Suggestion};
use crate::domain::ActionKind;
use crate::model::inbox::Listing;
use crate::store::command::StoreCmd;
use tui_textarea::TextArea;

/// Filter presets for the inbox: each is a search.
pub const INBOX_FILTERS: &[(&str, &str)] = &[
    ("over target", "is:over"),
    ("questions", "is:question status:open"),
    ("complaints", "is:complaint status:open"),
    ("power users", "is:power status:open"),
    ("direct messages", "kind:direct_message status:open"),
    ("text messages (SMS)", "kind:sms status:open"),
    ("snoozed", "status:snoozed"),
    ("done", "status:done"),
];

/// What the operator is told when a change meets a read-only database.
pub const READ_ONLY: &str =
    "this database is read-only (its file or folder cannot be written by you): you can read, search and see the figures; changes are refused";

impl App {
    /// Does `action` in the current view.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        if let Some(n) = self.count.take() {
            return self.act_counted(action, n);
        }
        if self.read_only && action.changes_data() {
            self.warn(READ_ONLY);
            return Vec::new();
        }
        match action {
            Action::Quit => {
                self.quitting = true;
                return vec![Effect::Quit];
            }
            Action::Help => {
                self.popup = Some(Popup::Help { scroll: 0 });
                return Vec::new();
            }
            Action::History => return vec![Effect::Store(StoreCmd::History)],
            Action::CommandLine => {
                self.open_command_line();
                return Vec::new();
            }
            Action::Pull => {
                if self.config.accounts.is_empty() {
                    self.say("no live accounts: add [[accounts]] to the config (see the README)");
                    return Vec::new();
                }
                self.say("pulling…");
                return vec![Effect::PullNow];
            }
            Action::Outbox => return self.open_outbox(),
            Action::Stats => {
                self.view = View::Stats;
                self.stats.scroll = 0;
                return vec![self.load_stats()];
            }
            Action::People => {
                self.view = View::People;
                return vec![self.load_people()];
            }
            Action::Inbox => {
                self.view = View::Inbox;
                return self.refresh_all();
            }
            _ => {}
        }
        match self.view {
            View::Inbox => self.inbox_action(action),
            View::People => self.people_action(action),
            View::Person => self.person_action(action),
            View::Outbox => self.outbox_action(action),
            View::Stats => {
                match action {
                    Action::Down | Action::PageDown => {
                        self.stats.scroll = super::state::scrolled_by(
                            self.stats.scroll,
                            3,
                            &self.scroll_limits.stats,
                        )
                    }
                    Action::Up | Action::PageUp => {
                        self.stats.scroll = super::state::scrolled_by(
                            self.stats.scroll,
                            -3,
                            &self.scroll_limits.stats,
                        )
                    }
                    Action::Back => self.view = View::Inbox,
                    Action::Period => {
                        let mut items: Vec<String> = crate::domain::figures::Period::CHOICES
                            .iter()
                            .map(|p| p.label())
                            .collect();
                        items.push("since a day you type…".into());
                        self.popup = Some(Popup::Pick {
                            title: "figures for".into(),
                            items,
                            cursor: crate::domain::figures::Period::CHOICES
                                .iter()
                                .position(|p| *p == self.stats.period)
                                .unwrap_or(4),
                            purpose: PickPurpose::StatsPeriod,
                        });
                    }
                    _ => {}
                }
                Vec::new()
            }
        }
    }

    /// Asks for the stats of the chosen period.
    pub(crate) fn load_stats(&mut self) -> Effect {
        let since = self
            .stats
            .period
            .since(&self.config.working_hours, self.now);
        Effect::Store(StoreCmd::Stats { since })
    }

    /// The suggestion for the selected item, once its detail is loaded.
    pub fn suggestion(&self) -> Option<Suggestion> {
        self.selected_detail()?
            .suggestion(self.now, &self.config.power_users)
    }

    fn inbox_action(&mut self, action: Action) -> Vec<Effect> {
        if self.compose.is_some() {
            return self.compose_action(action);
        }
        let page = crate::app::layout::list_height(self.size).max(1) as isize;
        match action {
            Action::Down if self.focus == Pane::Detail => {
                self.detail.scroll =
                    super::state::scrolled_by(self.detail.scroll, 1, &self.scroll_limits.detail);
                Vec::new()
            }
            Action::Up if self.focus == Pane::Detail => {
                self.detail.scroll =
                    super::state::scrolled_by(self.detail.scroll, -1, &self.scroll_limits.detail);
                Vec::new()
            }
            Action::Down => self.move_cursor(1),
            Action::Up => self.move_cursor(-1),
            Action::PageDown => self.move_cursor(page),
            Action::PageUp => self.move_cursor(-page),
            Action::Top => vec![Effect::Store(StoreCmd::Page(self.inbox.top()))],
            Action::Bottom => vec![Effect::Store(StoreCmd::Page(self.inbox.bottom()))],
            Action::SwitchPane => {
                self.focus = match self.focus {
                    Pane::List => Pane::Detail,
                    Pane::Detail => Pane::List,
                };
                Vec::new()
            }
            Action::Mark => self.toggle_mark(),
            Action::MarkRange => self.range_mark(),
            Action::MarkAll => self.mark_all(),
            Action::Back if !self.marks.is_empty() || self.marks.range_from.is_some() => {
                self.marks.clear();
                self.say("marks cleared");
                Vec::new()
            }
            Action::Back => {
                if self.focus == Pane::Detail {
                    self.focus = Pane::List;
                    Vec::new()
                } else if self.inbox.listing != Listing::Queue {
                    self.say("back to the queue");
                    vec![Effect::Store(StoreCmd::Page(
                        self.inbox.show(Listing::Queue),
                    ))]
                } else {
                    Vec::new()
                }
            }
            Action::Search => {
                self.popup = Some(Popup::Input {
                    purpose: InputPurpose::Search,
                    text: Box::new(one_line("")),
                    error: None,
                });
                Vec::new()
            }
            Action::Order => {
                let next = match &self.inbox.listing {
                    // From a search, back to the open items in priority order.
                    Listing::Search(_) => Listing::Queue,
                    other => other.next_order(),
                };
                let said = match &next {
                    Listing::ByTime { newest_first: true } => "open items, newest first",
                    Listing::ByTime {
                        newest_first: false,
                    } => "open items, oldest first",
                    _ => "open items by priority: due now or just over first, then the backlog",
                };
                self.say(said);
                vec![Effect::Store(StoreCmd::Page(self.inbox.show(next)))]
            }
            Action::Filter => {
                self.popup = Some(Popup::Pick {
                    title: "filter".into(),
                    // The presets, then the saved searches of the config ([[views]]).
                    items: INBOX_FILTERS
                        .iter()
                        .map(|(name, q)| format!("{name}  ({q})"))
                        .chain(
                            self.config
                                .views
                                .iter()
                                .map(|v| format!("{}  ({})", v.name, v.search)),
                        )
                        .collect(),
                    cursor: 0,
                    purpose: PickPurpose::InboxFilter,
                });
                Vec::new()
            }
            Action::Undo => match self.mine.pop() {
                Some(id) => vec![Effect::Store(StoreCmd::Undo(id))],
                None => {
                    self.say("nothing of yours to undo in this window; H lists every window's recent actions");
                    Vec::new()
                }
            },
            Action::TakeSuggestion => match self.suggestion() {
                Some(s) => self.inbox_action(match s.step {
                    Step::Reply => Action::Reply,
                    Step::Thank => Action::Thank,
                    Step::Like => Action::Like,
                    Step::Dismiss => Action::Dismiss,
                    Step::TagPowerUser => Action::TogglePowerUser,
                }),
                None => Vec::new(),
            },
            Action::Open => match self.selected_detail().map(|d| d.author.id) {
                Some(id) => self.open_person(id, View::Inbox),
                None => Vec::new(),
            },
            _ => self.on_selected(action),
        }
    }

    /// Actions on the selected mention or its author.
    fn on_selected(&mut self, action: Action) -> Vec<Effect> {
        if super::marks::acts_on_many(action) {
            if let Some((targets, n)) = self.bulk_targets(None) {
                return self.act_on_many(action, targets, n);
            }
        }
        if action == Action::Repeat {
            return self.repeat();
        }
        let Some(row) = self.inbox.selected().cloned() else {
            self.say("nothing selected");
            return Vec::new();
        };
        let name = self
            .selected_detail()
            .and_then(|d| d.author.display_name.clone())
            .map(|n| n.split_whitespace().next().unwrap_or_default().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| row.handle.clone());
        let to = format!(
            "{} ({})",
            crate::domain::handle::whole(&row.platform, &row.handle),
            row.platform
        );
        match action {
            Action::Reply => self.open_compose(Compose::new(
                row.id,
                ActionKind::Reply,
                to,
                &row.platform,
                "",
                None,
            )),
            Action::Thank => {
                if self.config.templates.is_empty() {
                    return self.open_compose(Compose::new(
                        row.id,
                        ActionKind::Thank,
                        to,
                        &row.platform,
                        "",
                        None,
                    ));
                }
                let topic = compose::topic(&row.preview);
                self.popup = Some(Popup::Pick {
                    title: format!("thank {name} with"),
                    items: self
                        .config
                        .templates
                        .iter()
                        .map(|t| format!("{}: {}", t.name, compose::fill(&t.text, &name, &topic)))
                        .collect(),
                    cursor: 0,
                    purpose: PickPurpose::Template { mention_id: row.id },
                });
                Vec::new()
            }
            Action::Like => match crate::domain::platforms::why_no_like(&row.platform, row.kind) {
                Some(why) => {
                    self.say(why);
                    Vec::new()
                }
                None => {
                    self.last_change = Some(BulkChange::Like);
                    self.write(Write::Like { mention_id: row.id })
                }
            },
            Action::Dismiss => {
                self.last_change = Some(BulkChange::Dismiss);
                self.write(Write::Dismiss { mention_id: row.id })
            }
            Action::Snooze => {
                let tomorrow =
                    super::snooze::tomorrow_morning(&self.config.working_hours, self.now);
                self.popup = Some(Popup::Pick {
                    title: "snooze until".into(),
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
                    purpose: PickPurpose::Snooze { mention_id: row.id },
                });
                Vec::new()
            }
            Action::TogglePowerUser => {
                if !row.power_user {
                    self.last_change = Some(BulkChange::Tag("power_user".into()));
                }
                self.inbox.keep_id = Some(row.id);
                self.write(Write::TogglePowerUser {
                    person_id: row.author_id,
                })
            }
            Action::Note => {
                self.note_popup(row.author_id);
                Vec::new()
            }
            Action::EditRelationship => {
                match self.selected_detail().map(|d| d.author.clone()) {
                    Some(card) => self.relationship_popup(&card),
                    None => self.say("one moment: the author card is loading"),
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn compose_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(c) = self.compose.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Send => {
                if let Some(problem) = c.problem() {
                    c.error = Some(problem);
                    return Vec::new();
                }
                if self.config.delivery.review && !c.contested {
                    let text = crate::domain::human::review(
                        c.kind,
                        &c.to,
                        &c.platform,
                        &c.body(),
                        self.config.delivery.undo_seconds,
                    );
                    self.popup = Some(Popup::Confirm {
                        text,
                        yes: Confirmable::Queue,
                    });
                    return Vec::new();
                }
                if c.contested {
                    self.popup = Some(Popup::Confirm {
                        text: "Another window is writing a reply to this item right now.\n\nSend yours too? y sends; n, Esc or Enter keeps the pane open.".into(),
                        yes: Confirmable::AnswerToo,
                    });
                    return Vec::new();
                }
                self.send_compose(false)
            }
            Action::OpenEditor => vec![Effect::OpenEditor(c.body())],
            Action::Cancel => {
                if c.edited() {
                    self.popup = Some(Popup::Confirm {
                        text: "Discard this reply?".into(),
                        yes: Confirmable::DiscardReply,
                    });
                } else {
                    return self.close_compose();
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Sends a write; one that closes the selected item takes it out of the list.
    pub(crate) fn write(&mut self, write: Write) -> Vec<Effect> {
        let closes = write.kind().closes_item()
            && write.mention_id().is_some()
            && write.mention_id() == self.inbox.selected().map(|r| r.id);
        let mut effects = vec![Effect::Store(StoreCmd::Write(write))];
        if closes {
            effects.extend(self.close_selected());
        }
        effects
    }

    /// Takes the selected item out of the list at once (it is done), and loads the
    /// detail of the one that takes its place.
    fn close_selected(&mut self) -> Vec<Effect> {
        let before = self.inbox.selected().map(|r| r.id);
        self.inbox.remove_selected();
        self.done_this_session += 1;
        self.inbox
            .selected()
            .map(|r| r.id)
            .filter(|id| Some(*id) != before)
            .map(|id| Effect::Store(StoreCmd::Detail(id)))
            .into_iter()
            .collect()
    }

    /// Opens the compose pane on an item, claiming it so other windows know.
    pub(crate) fn open_compose(&mut self, c: Compose) -> Vec<Effect> {
        let claim = StoreCmd::Claim {
            mention_id: c.mention_id,
            force: false,
        };
        self.compose = Some(c);
        vec![Effect::Store(claim)]
    }

    /// Closes the compose pane without sending, dropping the claim.
    pub(crate) fn close_compose(&mut self) -> Vec<Effect> {
        match self.compose.take() {
            Some(c) => vec![Effect::Store(StoreCmd::Release(c.mention_id))],
            None => Vec::new(),
        }
    }

    /// Another window holds the item: say so, and ask before sending.
    pub(crate) fn on_claimed(&mut self, mention_id: i64, elsewhere: Option<i64>) {
        if let (Some(c), Some(_)) = (self.compose.as_mut(), elsewhere) {
            if c.mention_id == mention_id && !c.contested {
                c.contested = true;
                let to = c.to.clone();
                self.warn(format!(
                    "another window is writing a reply to {to} right now: you will be asked before yours goes"
                ));
            }
        }
    }

    /// Sends the compose pane's text and closes the pane at once: keys typed while the
    /// write waits (for an import's lock, say) go to the list, never into the text.
    /// The text is kept until the store confirms, and comes back if it is refused.
    pub(crate) fn send_compose(&mut self, force: bool) -> Vec<Effect> {
        let Some(c) = self.compose.take() else {
            return Vec::new();
        };
        let write = Write::Reply {
            mention_id: c.mention_id,
            kind: c.kind,
            body: c.body(),
            force,
        };
        let release = Effect::Store(StoreCmd::Release(c.mention_id));
        let selected = self.inbox.selected().map(|r| r.id) == Some(c.mention_id);
        self.sending = Some(c);
        let mut effects = vec![Effect::Store(StoreCmd::Write(write)), release];
        if selected {
            effects.extend(self.close_selected());
        }
        effects
    }

    /// A sent reply was not written: its text goes back into the pane.
    pub(crate) fn reopen_sending(&mut self) -> bool {
        match self.sending.take() {
            Some(c) => {
                self.done_this_session = self.done_this_session.saturating_sub(1);
                self.compose = Some(c);
                true
            }
            None => false,
        }
    }

    pub(crate) fn on_written(&mut self, outcome: Outcome) -> Vec<Effect> {
        match outcome {
            Outcome::Applied { done, action_id } => {
                self.mine.push(action_id);
                self.sending = None;
                let text = crate::domain::human::done(&done);
                let mut effects = self.refresh_all();
                match &done {
                    Done::Queued { platform, .. } | Done::Liked { platform, .. } => {
                        self.queued_notice(&text, Some(platform));
                        effects.push(Effect::Deliver);
                    }
                    _ => self.say(text),
                }
                effects
            }
            Outcome::AnsweredElsewhere { kind, at } => {
                self.reopen_sending();
                let when = crate::domain::human::local_time(
                    self.config.working_hours.time_zone.0,
                    at,
                    self.now,
                );
                self.popup = Some(Popup::Confirm {
                    text: format!(
                        "This item was answered already, elsewhere ({kind}, {when}).\n\nSend yours too? y sends; n, Esc or Enter keeps your text in the pane."
                    ),
                    yes: Confirmable::SendAnyway,
                });
                Vec::new()
            }
            Outcome::Duplicate { handle, body, at } => {
                self.reopen_sending();
                let when = crate::domain::human::local_time(
                    self.config.working_hours.time_zone.0,
                    at,
                    self.now,
                );
                let body = crate::domain::sanitize::one_line(&body);
                self.popup = Some(Popup::Confirm {
                    text: format!(
                        "A reply like this went to {} ({when}):\n\n\"{body}\"\n\nPeople notice copy-paste. Send it anyway?",
                        crate::domain::handle::in_list("", &crate::domain::sanitize::one_line(&handle))
                    ),
                    yes: Confirmable::SendDuplicate,
                });
                Vec::new()
            }
        }
    }

    pub(crate) fn note_popup(&mut self, person_id: i64) {
        self.popup = Some(Popup::Input {
            purpose: InputPurpose::Note { person_id },
            text: Box::new(one_line("")),
            error: None,
        });
    }

    pub(crate) fn relationship_popup(&mut self, card: &crate::model::detail::Card) {
        self.popup = Some(Popup::Relationship {
            person_id: card.id,
            handle: card.handle.clone(),
            stage: card.buyer_stage,
            engagement: card.engagement,
            field: 0,
        });
    }
}

/// A one-line text input.
pub fn one_line(start: &str) -> TextArea<'static> {
    let mut t = TextArea::from([start.to_string()]);
    t.move_cursor(tui_textarea::CursorMove::End);
    t
}
