//! Keys inside popups. These are the usual dialog keys (arrows, Enter, Esc, y/n)
//! rather than remappable actions: a popup is a question, not a mode to work in.

use super::act::{one_line, INBOX_FILTERS};
use super::compose::{self, Compose};
use super::msg::Effect;
use super::state::{App, Confirmable, InputPurpose, PickPurpose, Popup};
use crate::config::keys::Key;
use crate::domain::change::Write;
use crate::domain::{ActionKind, BuyerStage, Engagement};
use crate::model::inbox::Listing;
use crate::model::people::PeopleFilter;
use crate::store::command::StoreCmd;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(crate) fn popup_key(&mut self, event: KeyEvent, key: Key) -> Vec<Effect> {
        let Some(popup) = self.popup.take() else {
            return Vec::new();
        };
        match popup {
            // Arrows and j/k scroll the list; any other key closes it.
            Popup::Help { scroll } => {
                let scroll = match key.code {
                    KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => Some(
                        super::state::scrolled_by(scroll, 3, &self.scroll_limits.help),
                    ),
                    KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => Some(
                        super::state::scrolled_by(scroll, -3, &self.scroll_limits.help),
                    ),
                    _ => None,
                };
                self.popup = scroll.map(|scroll| Popup::Help { scroll });
                Vec::new()
            }
            Popup::Output {
                title,
                lines,
                scroll,
            } => {
                let page = crate::app::layout::list_height(self.size).max(1) as u16;
                let last = (lines.len() as u16).saturating_sub(1);
                let scroll = match key.code {
                    KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(page),
                    KeyCode::PageUp => scroll.saturating_sub(page),
                    _ => return Vec::new(),
                };
                self.popup = Some(Popup::Output {
                    title,
                    lines,
                    scroll: scroll.min(last),
                });
                Vec::new()
            }
            Popup::Confirm { text, yes } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.confirmed(yes),
                // The safe answer is the default: a stray Enter never confirms.
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
                    Vec::new()
                }
                // A change to many is asked once: any other key is a no.
                _ if matches!(yes, Confirmable::Bulk(_)) => Vec::new(),
                _ => {
                    self.popup = Some(Popup::Confirm { text, yes });
                    Vec::new()
                }
            },
            Popup::Pick {
                title,
                items,
                mut cursor,
                purpose,
            } => {
                let chosen = match key.code {
                    KeyCode::Esc => return Vec::new(),
                    KeyCode::Enter => Some(cursor),
                    KeyCode::Char(c @ '1'..='9') => {
                        Some(c as usize - '1' as usize).filter(|i| *i < items.len())
                    }
                    KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                        cursor = (cursor + 1) % items.len().max(1);
                        None
                    }
                    KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                        cursor = (cursor + items.len().max(1) - 1) % items.len().max(1);
                        None
                    }
                    _ => None,
                };
                match chosen {
                    Some(i) => self.picked(purpose, i),
                    None => {
                        self.popup = Some(Popup::Pick {
                            title,
                            items,
                            cursor,
                            purpose,
                        });
                        Vec::new()
                    }
                }
            }
            Popup::Relationship {
                person_id,
                handle,
                mut stage,
                mut engagement,
                mut field,
            } => {
                let step =
                    |up: bool, i: usize, n: usize| if up { (i + n - 1) % n } else { (i + 1) % n };
                match key.code {
                    KeyCode::Esc => return Vec::new(),
                    KeyCode::Enter => {
                        self.last_change = Some(crate::domain::change::BulkChange::Stage(stage));
                        return self.write(Write::Relationship {
                            person_id,
                            stage,
                            engagement,
                        });
                    }
                    KeyCode::Tab
                    | KeyCode::BackTab
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Char('h')
                    | KeyCode::Char('l') => field = 1 - field.min(1),
                    KeyCode::Up | KeyCode::Down | KeyCode::Char('k') | KeyCode::Char('j') => {
                        let up = matches!(key.code, KeyCode::Up | KeyCode::Char('k'));
                        if field == 0 {
                            let all = BuyerStage::ALL;
                            let i = all.iter().position(|s| *s == stage).unwrap_or(0);
                            stage = all[step(up, i, all.len())];
                        } else {
                            let all = Engagement::ALL;
                            let i = all.iter().position(|e| *e == engagement).unwrap_or(0);
                            engagement = all[step(up, i, all.len())];
                        }
                    }
                    _ => {}
                }
                self.popup = Some(Popup::Relationship {
                    person_id,
                    handle,
                    stage,
                    engagement,
                    field,
                });
                Vec::new()
            }
            Popup::Input {
                purpose, mut text, ..
            } => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => {
                    let typed = text.lines().join(" ");
                    match self.submitted(purpose, &typed) {
                        Ok(effects) => effects,
                        Err(error) => {
                            self.popup = Some(Popup::Input {
                                purpose,
                                text,
                                error: Some(error),
                            });
                            Vec::new()
                        }
                    }
                }
                _ => {
                    text.input(event);
                    self.popup = Some(Popup::Input {
                        purpose,
                        text,
                        error: None,
                    });
                    Vec::new()
                }
            },
        }
    }

    fn confirmed(&mut self, yes: Confirmable) -> Vec<Effect> {
        match yes {
            Confirmable::DiscardReply => self.close_compose(),
            Confirmable::AnswerToo => {
                let Some(id) = self.compose.as_ref().map(|c| c.mention_id) else {
                    return Vec::new();
                };
                let mut effects = vec![Effect::Store(StoreCmd::Claim {
                    mention_id: id,
                    force: true,
                })];
                effects.extend(self.send_compose(false));
                effects
            }
            Confirmable::SendAnyway => self.send_compose(true),
            Confirmable::Queue => self.send_compose(false),
            Confirmable::Posted(id) => vec![
                Effect::Store(StoreCmd::MarkPosted(id)),
                Effect::Store(StoreCmd::Outbox),
            ],
            Confirmable::Revert(id) => vec![Effect::Store(StoreCmd::Undo(id))],
            Confirmable::SendDuplicate => self.send_compose(true),
            Confirmable::Bulk(change) => self.bulk_confirmed(change),
        }
    }

    fn picked(&mut self, purpose: PickPurpose, i: usize) -> Vec<Effect> {
        match purpose {
            PickPurpose::History => {
                if let Some(row) = self.history.get(i) {
                    let zone = self.config.working_hours.time_zone.0;
                    self.popup = Some(Popup::Confirm {
                        text: crate::domain::human::revert(
                            row.kind,
                            &row.handle,
                            &crate::domain::human::local_time(zone, row.at, self.now),
                            &row.body,
                        ),
                        yes: Confirmable::Revert(row.id),
                    });
                }
                Vec::new()
            }
            PickPurpose::Snooze { mention_id } => {
                let until = match i {
                    0 => self.now + 3600,
                    1 => super::snooze::tomorrow_morning(&self.config.working_hours, self.now),
                    _ => {
                        self.popup = Some(Popup::Input {
                            purpose: InputPurpose::SnoozeUntil { mention_id },
                            text: Box::new(one_line("")),
                            error: None,
                        });
                        return Vec::new();
                    }
                };
                self.snooze(mention_id, until)
            }
            PickPurpose::InboxFilter => {
                let view = i
                    .checked_sub(INBOX_FILTERS.len())
                    .and_then(|v| self.config.views.get(v))
                    .map(|v| (v.name.clone(), v.search.clone()));
                let Some((name, query)) = INBOX_FILTERS
                    .get(i)
                    .map(|(n, q)| (n.to_string(), q.to_string()))
                    .or(view)
                else {
                    return Vec::new();
                };
                match self.search(&query) {
                    Ok(effects) => {
                        self.say(format!("{name}: Esc returns to the queue"));
                        effects
                    }
                    Err(e) => {
                        self.warn(e);
                        Vec::new()
                    }
                }
            }
            PickPurpose::StatsPeriod => {
                use crate::domain::figures::Period;
                match Period::CHOICES.get(i) {
                    Some(p) => {
                        self.stats.period = *p;
                        self.stats.scroll = 0;
                        vec![self.load_stats()]
                    }
                    None => {
                        self.popup = Some(Popup::Input {
                            purpose: InputPurpose::StatsSince,
                            text: Box::new(super::act::one_line("")),
                            error: None,
                        });
                        Vec::new()
                    }
                }
            }
            PickPurpose::SnoozeMarked => {
                let until = match i {
                    0 => self.now + 3600,
                    1 => super::snooze::tomorrow_morning(&self.config.working_hours, self.now),
                    _ => {
                        self.popup = Some(Popup::Input {
                            purpose: InputPurpose::SnoozeMarkedUntil,
                            text: Box::new(one_line("")),
                            error: None,
                        });
                        return Vec::new();
                    }
                };
                self.ask_pending(crate::domain::change::BulkChange::Snooze { until });
                Vec::new()
            }
            PickPurpose::StageMarked => {
                if let Some(stage) = BuyerStage::ALL.get(i) {
                    self.ask_pending(crate::domain::change::BulkChange::Stage(*stage));
                }
                Vec::new()
            }
            PickPurpose::PeopleFilter => {
                self.people.listing = PeopleFilter::PRESETS.get(i).cloned().unwrap_or_default();
                vec![self.load_people()]
            }
            PickPurpose::Template { mention_id } => {
                let Some(row) = self
                    .inbox
                    .selected()
                    .filter(|r| r.id == mention_id)
                    .cloned()
                else {
                    return Vec::new();
                };
                let name = self
                    .selected_detail()
                    .and_then(|d| d.author.display_name.clone())
                    .and_then(|n| n.split_whitespace().next().map(str::to_string))
                    .unwrap_or_else(|| row.handle.clone());
                let Some(template) = self.config.templates.get(i) else {
                    return Vec::new();
                };
                let filled = compose::fill(&template.text, &name, &compose::topic(&row.preview));
                self.open_compose(Compose::new(
                    mention_id,
                    ActionKind::Thank,
                    format!(
                        "{} ({})",
                        crate::domain::handle::whole(&row.platform, &row.handle),
                        row.platform
                    ),
                    &row.platform,
                    &filled,
                    Some(filled.clone()),
                ))
            }
        }
    }

    fn snooze(&mut self, mention_id: i64, until: i64) -> Vec<Effect> {
        self.last_change = Some(crate::domain::change::BulkChange::Snooze { until });
        self.write(Write::Snooze { mention_id, until })
    }

    /// Asks before `change` on the items a pick list was opened for.
    fn ask_pending(&mut self, change: crate::domain::change::BulkChange) {
        if let Some((targets, n)) = self.marks.pending.take() {
            self.ask_bulk(change, targets, n);
        }
    }

    /// Shows the results of `text` in the list.
    pub(crate) fn search(&mut self, text: &str) -> Result<Vec<Effect>, String> {
        let query = crate::domain::query::Query::parse(text)?;
        if query == crate::domain::query::Query::default() {
            return Ok(vec![Effect::Store(StoreCmd::Page(
                self.inbox.show(Listing::Queue),
            ))]);
        }
        self.view = super::state::View::Inbox;
        self.focus = super::state::Pane::List;
        Ok(vec![Effect::Store(StoreCmd::Page(
            self.inbox.show(Listing::Search(query)),
        ))])
    }

    fn submitted(&mut self, purpose: InputPurpose, typed: &str) -> Result<Vec<Effect>, String> {
        match purpose {
            InputPurpose::Search => {
                let effects = self.search(typed)?;
                self.say(format!(
                    "search: {}  (Esc returns to the queue)",
                    typed.trim()
                ));
                Ok(effects)
            }
            InputPurpose::StatsSince => {
                let day = crate::domain::figures::parse_day(typed)?;
                self.stats.period = crate::domain::figures::Period::Since(day);
                self.stats.scroll = 0;
                Ok(vec![self.load_stats()])
            }
            InputPurpose::PeopleSearch => {
                let typed = typed.trim();
                self.people.listing = if typed.is_empty() {
                    PeopleFilter::All
                } else {
                    PeopleFilter::Search(typed.to_string())
                };
                Ok(vec![self.load_people()])
            }
            InputPurpose::Note { person_id } => {
                if typed.trim().is_empty() {
                    return Err("type the note, or Esc to cancel".into());
                }
                Ok(self.write(Write::Note {
                    person_id,
                    text: typed.trim().to_string(),
                }))
            }
            InputPurpose::SnoozeUntil { mention_id } => {
                let until =
                    super::snooze::parse_until(typed, &self.config.working_hours, self.now)?;
                Ok(self.snooze(mention_id, until))
            }
            InputPurpose::SnoozeMarkedUntil => {
                let until =
                    super::snooze::parse_until(typed, &self.config.working_hours, self.now)?;
                self.ask_pending(crate::domain::change::BulkChange::Snooze { until });
                Ok(Vec::new())
            }
        }
    }
}
