//! The people view and a person's page.

use super::msg::Effect;
use super::state::{App, PeopleList, PickPurpose, Popup, View};
use crate::app::action::Action;
use crate::domain::change::Write;
use crate::model::people::PeopleFilter;
use crate::store::command::StoreCmd;

/// People per page.
pub const PAGE: usize = 200;

impl PeopleList {
    /// Keeps the cursor on screen for a list `height` rows tall.
    pub fn scroll_into_view(&mut self, height: usize) {
        self.offset = super::list::scrolled(self.cursor, self.offset, height, self.rows.len());
    }
}

impl App {
    /// Loads the first page of people (or the next one, with `append`).
    pub(crate) fn load_people(&mut self, append: bool) -> Effect {
        let from = if append {
            self.people.rows.last().map(|r| (r.last_seen, r.id))
        } else {
            None
        };
        Effect::Store(StoreCmd::People {
            filter: self.people.filter,
            from,
            limit: PAGE,
            append,
        })
    }

    pub(crate) fn open_person(&mut self, id: i64, from: View) -> Vec<Effect> {
        if self.view != View::Person {
            self.person_from = from;
        }
        self.view = View::Person;
        if self.person.as_ref().map(|p| p.card.id) != Some(id) {
            self.person = None;
        }
        vec![Effect::Store(StoreCmd::Person(id))]
    }

    pub(crate) fn people_action(&mut self, action: Action) -> Vec<Effect> {
        let page = crate::app::layout::people_height(self.size).max(1);
        let len = self.people.rows.len();
        let mut effects = Vec::new();
        match action {
            Action::Down => self.people.cursor += 1,
            Action::Up => self.people.cursor = self.people.cursor.saturating_sub(1),
            Action::PageDown => self.people.cursor += page,
            Action::PageUp => self.people.cursor = self.people.cursor.saturating_sub(page),
            Action::Top => self.people.cursor = 0,
            Action::Bottom => self.people.cursor = len.saturating_sub(1),
            Action::Back => self.view = View::Inbox,
            Action::Filter => {
                self.popup = Some(Popup::Pick {
                    title: "show".into(),
                    items: PeopleFilter::PRESETS
                        .iter()
                        .map(PeopleFilter::label)
                        .collect(),
                    cursor: PeopleFilter::PRESETS
                        .iter()
                        .position(|f| *f == self.people.filter)
                        .unwrap_or(0),
                    purpose: PickPurpose::PeopleFilter,
                });
            }
            Action::Open => {
                if let Some(id) = self.people.rows.get(self.people.cursor).map(|r| r.id) {
                    return self.open_person(id, View::People);
                }
            }
            Action::Note | Action::TogglePowerUser | Action::EditRelationship => {
                if let Some(id) = self.people.rows.get(self.people.cursor).map(|r| r.id) {
                    return self.on_person(action, id);
                }
            }
            _ => {}
        }
        if self.people.cursor >= len.saturating_sub(1) && !self.people.at_end && len > 0 {
            effects.push(self.load_people(true));
        }
        self.people.cursor = self.people.cursor.min(len.saturating_sub(1));
        effects
    }

    pub(crate) fn person_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(id) = self.person.as_ref().map(|p| p.card.id) else {
            if action == Action::Back {
                self.view = self.person_from;
            }
            return Vec::new();
        };
        match action {
            Action::Down | Action::PageDown | Action::Up | Action::PageUp => {
                if let Some(p) = self.person.as_mut() {
                    let step = if matches!(action, Action::PageDown | Action::PageUp) {
                        10
                    } else {
                        1
                    };
                    p.scroll = if matches!(action, Action::Down | Action::PageDown) {
                        p.scroll.saturating_add(step)
                    } else {
                        p.scroll.saturating_sub(step)
                    };
                }
                Vec::new()
            }
            Action::Back => {
                self.view = self.person_from;
                self.refresh_all()
            }
            _ => self.on_person(action, id),
        }
    }

    /// Person actions from the people list or a person page.
    fn on_person(&mut self, action: Action, person_id: i64) -> Vec<Effect> {
        match action {
            Action::Note => {
                self.note_popup(person_id);
                Vec::new()
            }
            Action::TogglePowerUser => self.write(Write::TogglePowerUser { person_id }),
            Action::EditRelationship => {
                match self
                    .person
                    .as_ref()
                    .filter(|p| p.card.id == person_id)
                    .map(|p| p.card.clone())
                {
                    Some(card) => self.relationship_popup(&card),
                    None => return self.open_person(person_id, View::People),
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
