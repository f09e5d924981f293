//! The people view and a person's page.

use super::msg::Effect;
use super::state::{App, PickPurpose, Popup, View};
use crate::app::action::Action;
use crate::domain::change::Write;
use crate::model::people::PeopleFilter;
use crate::store::command::StoreCmd;

impl App {
    /// Shows the people of the current filter from the top.
    pub(crate) fn load_people(&mut self) -> Effect {
        Effect::Store(StoreCmd::People(self.people.top()))
    }

    /// Reloads the people window in place.
    pub(crate) fn reload_people(&mut self) -> Effect {
        Effect::Store(StoreCmd::People(self.people.reload()))
    }

    pub(crate) fn open_person(&mut self, id: i64, from: View) -> Vec<Effect> {
        if self.view != View::Person {
            self.person.from = from;
        }
        self.view = View::Person;
        if self.person.page.as_ref().map(|p| p.card.id) != Some(id) {
            self.person.page = None;
        }
        vec![Effect::Store(StoreCmd::Person(id))]
    }

    pub(crate) fn people_action(&mut self, action: Action) -> Vec<Effect> {
        let page = crate::app::layout::people_height(self.size).max(1) as isize;
        let moved = match action {
            Action::Down => self.people.move_by(1),
            Action::Up => self.people.move_by(-1),
            Action::PageDown => self.people.move_by(page),
            Action::PageUp => self.people.move_by(-page),
            Action::Top => Some(self.people.top()),
            Action::Bottom => Some(self.people.bottom()),
            // From a search, Esc shows everyone again; from everyone, the inbox.
            Action::Back if matches!(self.people.listing, PeopleFilter::Search(_)) => {
                self.people.listing = PeopleFilter::All;
                Some(self.people.top())
            }
            Action::Back => {
                self.view = View::Inbox;
                None
            }
            Action::Search => {
                self.popup = Some(Popup::Input {
                    purpose: super::state::InputPurpose::PeopleSearch,
                    text: Box::new(super::act::one_line("")),
                    error: None,
                });
                None
            }
            Action::Filter => {
                self.popup = Some(Popup::Pick {
                    title: "show".into(),
                    items: PeopleFilter::PRESETS
                        .iter()
                        .map(PeopleFilter::label)
                        .collect(),
                    cursor: PeopleFilter::PRESETS
                        .iter()
                        .position(|f| *f == self.people.listing)
                        .unwrap_or(0),
                    purpose: PickPurpose::PeopleFilter,
                });
                None
            }
            Action::Open => {
                if let Some(id) = self.people.selected().map(|r| r.id) {
                    return self.open_person(id, View::People);
                }
                None
            }
            Action::Note | Action::TogglePowerUser | Action::EditRelationship => {
                if let Some(id) = self.people.selected().map(|r| r.id) {
                    return self.on_person(action, id);
                }
                None
            }
            _ => None,
        };
        moved
            .map(|request| Effect::Store(StoreCmd::People(request)))
            .into_iter()
            .collect()
    }

    pub(crate) fn person_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(id) = self.person.page.as_ref().map(|p| p.card.id) else {
            if action == Action::Back {
                self.view = self.person.from;
            }
            return Vec::new();
        };
        match action {
            Action::Down | Action::PageDown | Action::Up | Action::PageUp => {
                if let Some(p) = self.person.page.as_mut() {
                    let step = if matches!(action, Action::PageDown | Action::PageUp) {
                        10
                    } else {
                        1
                    };
                    let by = if matches!(action, Action::Down | Action::PageDown) {
                        step
                    } else {
                        -step
                    };
                    p.scroll = super::state::scrolled_by(p.scroll, by, &self.scroll_limits.person);
                }
                Vec::new()
            }
            Action::Back => {
                self.view = self.person.from;
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
                    .page
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
