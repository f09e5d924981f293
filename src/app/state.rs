//! The app's state: what the screen shows and what the operator is in the middle of.
//! It holds only the visible window of the inbox, never the whole table.

use super::action::Mode;
use super::compose::Compose;
use super::list::{InboxWindow, PeopleWindow};
use crate::config::keys::{Key, Keymap};
use crate::config::Config;
use crate::domain::warnings::Warnings;
use crate::domain::{BuyerStage, Engagement};
use crate::model::detail::{Card, Detail};
use crate::model::people::Event;
use tui_textarea::TextArea;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Inbox,
    People,
    Person,
    Stats,
    Outbox,
}

/// Which inbox pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
}

/// What a one-line text input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputPurpose {
    Search,
    /// People by handle or name, in the people view.
    PeopleSearch,
    /// The first day of the stats view's period.
    StatsSince,
    Note {
        person_id: i64,
    },
    SnoozeUntil {
        mention_id: i64,
    },
    /// A snooze time for the marked items.
    SnoozeMarkedUntil,
}

/// A popup over the current view; it takes the keys while open.
#[derive(Debug, Clone)]
pub enum Popup {
    /// The key list, scrolled down by this many lines.
    Help { scroll: u16 },
    /// A question with yes/no; `yes` is what happens on yes.
    Confirm { text: String, yes: Confirmable },
    /// A list to pick from (snooze times, filter presets, templates).
    Pick {
        title: String,
        items: Vec<String>,
        cursor: usize,
        purpose: PickPurpose,
    },
    Relationship {
        person_id: i64,
        handle: String,
        stage: BuyerStage,
        engagement: Engagement,
        field: usize,
    },
    Input {
        purpose: InputPurpose,
        text: Box<TextArea<'static>>,
        error: Option<String>,
    },
    /// What one of the operator's own commands printed (sanitized), scrolled this far.
    Output {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
}

/// What a pick list chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickPurpose {
    Snooze {
        mention_id: i64,
    },
    InboxFilter,
    PeopleFilter,
    Template {
        mention_id: i64,
    },
    /// An action of the history (`App::history`) to revert.
    History,
    /// The stats view's period.
    StatsPeriod,
    /// How long to snooze the marked items.
    SnoozeMarked,
    /// The buyer stage for the authors of the marked items.
    StageMarked,
}

/// Actions that wait for a yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmable {
    /// Send a reply that resembles one sent to someone else.
    SendDuplicate,
    /// Close the compose pane and lose the text.
    DiscardReply,
    /// Revert this action (picked from the history).
    Revert(i64),
    /// Send although another window is answering the same item.
    AnswerToo,
    /// Send although the item was answered elsewhere meanwhile.
    SendAnyway,
    /// The operator posted this action by hand.
    Posted(i64),
    /// Queue the reply shown for review.
    Queue,
    /// Make this change to the items waiting in `App::marks.pending`.
    Bulk(crate::domain::change::BulkChange),
}

/// The status line's message.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub warning: bool,
}

/// The detail pane: the selected item's detail once it is loaded, scrolled this far.
#[derive(Debug, Clone, Default)]
pub struct DetailPane {
    pub shown: Option<Detail>,
    pub scroll: u16,
}

impl DetailPane {
    /// Shows `detail` (of mention `id`); another mention starts at the top.
    pub fn show(&mut self, id: i64, detail: Option<Detail>) {
        if self.shown.as_ref().map(|d| d.mention.id) != Some(id) {
            self.scroll = 0;
        }
        self.shown = detail;
    }

    pub fn clear(&mut self) {
        *self = DetailPane::default();
    }
}

/// The person page: where Esc goes back to, and the page once it is loaded.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub from: View,
    pub page: Option<PersonPage>,
}

impl Default for PersonView {
    fn default() -> PersonView {
        PersonView {
            from: View::Inbox,
            page: None,
        }
    }
}

/// One person's page.
#[derive(Debug, Clone)]
pub struct PersonPage {
    pub card: Card,
    pub history: Vec<Event>,
    pub scroll: u16,
}

/// The stats view: the figures once loaded, scrolled this far.
#[derive(Debug, Clone, Default)]
pub struct StatsView {
    pub report: Option<crate::model::report::Report>,
    /// What the figures cover (the last 30 days until changed).
    pub period: crate::domain::figures::Period,
    pub scroll: u16,
}

/// How far each scrolling pane can go, as its last drawing found it: only the view
/// knows how many lines its text wraps to, so it notes the limit here when it draws
/// (a derived cache, not state the view changes) and `update` reads it, so a pane
/// never scrolls past its end. Unknown until drawn: no limit.
#[derive(Debug, Clone, Default)]
pub struct ScrollLimits {
    pub detail: std::cell::Cell<Option<u16>>,
    pub stats: std::cell::Cell<Option<u16>>,
    pub person: std::cell::Cell<Option<u16>>,
    pub help: std::cell::Cell<Option<u16>>,
}

/// `scroll` moved by `by` lines, kept within `0..=limit`.
pub fn scrolled_by(scroll: u16, by: i32, limit: &std::cell::Cell<Option<u16>>) -> u16 {
    let moved = (i32::from(scroll) + by).clamp(0, i32::from(u16::MAX)) as u16;
    limit.get().map_or(moved, |max| moved.min(max))
}

/// Everything the screen is drawn from.
#[derive(Debug, Clone)]
pub struct App {
    pub config: Config,
    pub keymap: Keymap,
    /// Unix seconds, from the last tick.
    pub now: i64,
    pub size: (u16, u16),
    pub view: View,
    pub focus: Pane,
    pub popup: Option<Popup>,
    pub compose: Option<Compose>,
    pub inbox: InboxWindow,
    pub detail: DetailPane,
    pub people: PeopleWindow,
    pub person: PersonView,
    pub stats: StatsView,
    pub scroll_limits: ScrollLimits,
    /// When the last refresh was asked for (the start of the next crossing window).
    pub last_refresh: Option<i64>,
    /// Whether a refresh came back yet.
    pub refreshed: bool,
    pub snoozed: i64,
    pub warnings: Warnings,
    /// Items closed in this session (replied, thanked, liked, dismissed, snoozed).
    pub done_this_session: u64,
    pub notice: Option<Notice>,
    /// Keys of an unfinished sequence ("g" of "g g"), and ticks waited for the next.
    pub pending: Vec<Key>,
    pub pending_ticks: u8,
    pub ticks: u64,
    /// The tick when the notice was set; it gives way to the key hints after a while.
    pub notice_tick: u64,
    pub quitting: bool,
    /// What is on screen changed: draw again (see `needs_redraw`).
    pub redraw: bool,
    /// NO_COLOR was set.
    pub no_color: bool,
    /// The database could only be opened for reading: changes are refused.
    pub read_only: bool,
    /// A reply sent from the compose pane and not confirmed yet by the store: its
    /// text, kept so nothing typed is lost if the write is refused.
    pub sending: Option<Compose>,
    /// This window's own actions of this run, oldest first: what `u` undoes.
    pub mine: Vec<i64>,
    /// The history last loaded (every window's and run's recent actions).
    pub history: Vec<crate::model::history::HistoryRow>,
    /// The outbox at a glance (from the last refresh) and the outbox view.
    pub outbox: super::outbox::OutboxView,
    /// The marked items.
    pub marks: super::marks::Marks,
    /// A count typed before a move or a change ("5j", "3d").
    pub count: Option<u32>,
    /// The last change, for `.` to repeat.
    pub last_change: Option<crate::domain::change::BulkChange>,
    /// The tags people have (for completion), loaded on start.
    pub tags: Vec<String>,
    /// The command line, while it is open.
    pub command: Option<super::command_line::CommandLine>,
    /// Command lines run before, oldest first (kept across runs by the tui).
    pub command_history: Vec<String>,
}

impl App {
    /// A new app at `now` on a terminal of `size`; the first effects load the inbox.
    pub fn new(config: Config, keymap: Keymap, now: i64, size: (u16, u16)) -> App {
        App {
            config,
            keymap,
            now,
            size,
            view: View::Inbox,
            focus: Pane::List,
            popup: None,
            compose: None,
            inbox: InboxWindow::default(),
            detail: DetailPane::default(),
            people: PeopleWindow::default(),
            person: PersonView::default(),
            stats: StatsView::default(),
            scroll_limits: ScrollLimits::default(),
            last_refresh: None,
            refreshed: false,
            snoozed: 0,
            warnings: Warnings::default(),
            done_this_session: 0,
            notice: None,
            pending: Vec::new(),
            pending_ticks: 0,
            ticks: 0,
            notice_tick: 0,
            quitting: false,
            redraw: true,
            no_color: false,
            read_only: false,
            sending: None,
            mine: Vec::new(),
            history: Vec::new(),
            outbox: Default::default(),
            marks: Default::default(),
            count: None,
            last_change: None,
            tags: Vec::new(),
            command: None,
            command_history: Vec::new(),
        }
    }

    /// The key table in force.
    pub fn mode(&self) -> Mode {
        if self.compose.is_some() {
            return Mode::Compose;
        }
        match self.view {
            View::Inbox => Mode::Inbox,
            View::People => Mode::People,
            View::Person => Mode::Person,
            View::Stats => Mode::Stats,
            View::Outbox => Mode::Outbox,
        }
    }

    /// The detail of the selected row, if it is loaded.
    pub fn selected_detail(&self) -> Option<&Detail> {
        let id = self.inbox.selected()?.id;
        self.detail.shown.as_ref().filter(|d| d.mention.id == id)
    }

    pub(crate) fn say(&mut self, text: impl Into<String>) {
        self.notice_tick = self.ticks;
        self.notice = Some(Notice {
            text: text.into(),
            warning: false,
        });
    }

    pub(crate) fn warn(&mut self, text: impl Into<String>) {
        self.notice_tick = self.ticks;
        self.notice = Some(Notice {
            text: text.into(),
            warning: true,
        });
    }
}
