//! `App::update`: the only place state changes. Pure: it reads no clock and does no
//! IO; what must happen outside comes back as effects.

use super::msg::{Effect, Mouse, Msg};
use super::state::{App, Pane, View};
use crate::app::action::Action;
use crate::config::keys::{Key, Resolved};
use crate::domain::change::UndoResult;
use crate::store::command::{Reply, StoreCmd};
use crossterm::event::{KeyEvent, KeyEventKind};

/// Seconds between background refreshes (counts, warnings, snoozed items waking,
/// rows changed by another process).
pub const REFRESH_TICKS: u64 = 5;

impl App {
    /// The effects that load the first screen.
    pub fn start(&mut self) -> Vec<Effect> {
        let page = self.inbox.first(usize::from(self.size.1));
        // The figures are asked for once the first rows and their detail are in
        // (`figures_once_rows_are_in`): a person waits for rows, not for counts, and
        // on two cores the figures' queries would slow the page's.
        vec![
            Effect::Store(StoreCmd::Page(page)),
            Effect::Store(StoreCmd::Tags),
        ]
    }

    /// The first refresh, once the first page is shown with the selected row's detail
    /// (or there is no row), or after a second whatever happened.
    fn figures_once_rows_are_in(&mut self) -> Option<Effect> {
        if self.last_refresh.is_some() {
            return None;
        }
        let detail_in = match self.inbox.selected() {
            Some(row) => self.detail.shown.as_ref().map(|d| d.mention.id) == Some(row.id),
            None => true,
        };
        ((!self.inbox.loading && detail_in) || self.ticks >= 2).then(|| self.refresh())
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let is_tick = matches!(msg, Msg::Tick(_));
        let effects = match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Msg::Tick(now) => {
                let mut effects = self.on_tick(now);
                effects.extend(self.figures_once_rows_are_in());
                effects
            }
            Msg::Loaded(loaded) => {
                let mut effects = self.on_loaded(loaded);
                effects.extend(self.figures_once_rows_are_in());
                effects
            }
            Msg::Delivery(news) => self.on_delivery(news),
            Msg::Pulled(results) => self.on_pulled(results),
            Msg::CommandDone(done) => {
                self.on_command_done(done);
                Vec::new()
            }
            Msg::Terminate => {
                self.quitting = true;
                vec![Effect::Quit]
            }
            Msg::EditorDone(result) => {
                match (result, self.compose.as_mut()) {
                    (Ok(text), Some(c)) => c.set_body(&text),
                    (Err(e), _) => self.warn(format!("the editor did not run: {e}")),
                    _ => {}
                }
                Vec::new()
            }
        };
        self.inbox
            .scroll_into_view(crate::app::layout::list_height(self.size));
        self.people
            .scroll_into_view(crate::app::layout::people_height(self.size));
        // A tick changes the screen when it did something, and every 10 s as waiting
        // times move; any other message may change anything.
        if !is_tick || !effects.is_empty() || self.ticks.is_multiple_of(20) || self.notice.is_some()
        {
            self.redraw = true;
        }
        effects
    }

    /// Whether the screen changed since the last call: the event loop draws only then.
    pub fn needs_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    fn on_tick(&mut self, now: i64) -> Vec<Effect> {
        self.now = now;
        self.ticks += 1;
        let mut effects = Vec::new();
        if !self.pending.is_empty() {
            self.pending_ticks += 1;
            if self.pending_ticks >= 2 {
                // The sequence was not finished: the keys so far mean their own action.
                let keys = std::mem::take(&mut self.pending);
                if let Some(a) = self.keymap.exact(self.mode(), &keys) {
                    effects.extend(self.act(a));
                    self.redraw = true;
                }
            }
        }
        if self.ticks.is_multiple_of(REFRESH_TICKS * 2)
            && self.view == View::Inbox
            && !self.inbox.loading
        {
            effects.push(self.refresh());
            effects.push(Effect::Store(StoreCmd::Page(self.inbox.reload())));
        }
        // A claim lasts 90 s: renew it while the pane is open.
        if self.ticks.is_multiple_of(REFRESH_TICKS * 6) {
            if let Some(c) = &self.compose {
                effects.push(Effect::Store(StoreCmd::Claim {
                    mention_id: c.mention_id,
                    force: false,
                }));
            }
        }
        effects
    }

    fn on_key(&mut self, event: KeyEvent) -> Vec<Effect> {
        if event.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let key = Key::from_event(&event);
        if self.popup.is_some() {
            return self.popup_key(event, key);
        }
        if self.command.is_some() {
            return self.command_key(key);
        }
        if self.compose.is_some() {
            // While the screen asks to be enlarged the draft is not shown: keys typed
            // then must not change it unseen.
            if crate::app::layout::too_small(self.size) {
                return Vec::new();
            }
            return match self.keymap.resolve(super::action::Mode::Compose, &[key]) {
                Resolved::Action(a) => self.act(a),
                _ => {
                    if let Some(c) = self.compose.as_mut() {
                        c.input(event);
                        c.error = None;
                    }
                    Vec::new()
                }
            };
        }
        let mode = self.mode();
        if self.pending.is_empty() && self.counts_digit(mode, key) {
            return Vec::new();
        }
        if self.pending.is_empty() && self.view == View::Inbox {
            if let Some(c) = self.user_command_for(key) {
                return self.run_user_command(&c).unwrap_or_else(|e| {
                    self.warn(e);
                    Vec::new()
                });
            }
        }
        self.pending.push(key);
        self.pending_ticks = 0;
        match self.keymap.resolve(mode, &self.pending) {
            Resolved::Action(a) => {
                self.pending.clear();
                self.act(a)
            }
            Resolved::Pending => Vec::new(),
            Resolved::Unbound => {
                let keys = std::mem::take(&mut self.pending);
                let mut effects = Vec::new();
                if keys.len() > 1 {
                    // "g" then "x": g's own action, then x on its own.
                    if let Some(a) = self.keymap.exact(mode, &keys[..keys.len() - 1]) {
                        effects.extend(self.act(a));
                    }
                    effects.extend(self.on_key(event));
                }
                effects
            }
        }
    }

    /// A digit that no key binds starts or extends a count ("5j", "3d").
    fn counts_digit(&mut self, mode: super::action::Mode, key: Key) -> bool {
        let crossterm::event::KeyCode::Char(c) = key.code else {
            return false;
        };
        let Some(d) = c.to_digit(10) else {
            return false;
        };
        if !key.mods.is_empty()
            || (d == 0 && self.count.is_none())
            || self.keymap.resolve(mode, &[key]) != Resolved::Unbound
        {
            return false;
        }
        self.count = Some(
            self.count
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(d)
                .min(99_999),
        );
        true
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        let clean = crate::domain::sanitize::clean(text);
        if let Some(c) = self.compose.as_mut() {
            c.text.insert_str(&clean);
        } else if let Some(super::state::Popup::Input { text: input, .. }) = self.popup.as_mut() {
            input.insert_str(crate::domain::sanitize::one_line(&clean));
        } else if let Some(line) = self.command.as_mut() {
            line.text
                .push_str(&crate::domain::sanitize::one_line(&clean));
            line.completions.clear();
            line.chosen = None;
        }
        Vec::new()
    }

    fn on_mouse(&mut self, m: Mouse) -> Vec<Effect> {
        if self.popup.is_some() || self.compose.is_some() {
            return Vec::new();
        }
        match (m, self.view) {
            (Mouse::ScrollDown, View::Inbox) if self.focus == Pane::Detail => {
                self.detail.scroll =
                    super::state::scrolled_by(self.detail.scroll, 3, &self.scroll_limits.detail);
                Vec::new()
            }
            (Mouse::ScrollUp, View::Inbox) if self.focus == Pane::Detail => {
                self.detail.scroll =
                    super::state::scrolled_by(self.detail.scroll, -3, &self.scroll_limits.detail);
                Vec::new()
            }
            (Mouse::ScrollDown, _) => self.act(Action::Down),
            (Mouse::ScrollUp, _) => self.act(Action::Up),
            (Mouse::Click { column, row }, View::Inbox) => {
                let layout = crate::app::layout::inbox(self.size);
                if let Some(i) = layout.row_at(column, row) {
                    self.focus = Pane::List;
                    let target = self.inbox.offset + i;
                    if target < self.inbox.rows.len() {
                        let delta = target as isize - self.inbox.cursor as isize;
                        return self.move_cursor(delta);
                    }
                } else if layout.detail.contains((column, row).into()) {
                    self.focus = Pane::Detail;
                }
                Vec::new()
            }
            (Mouse::Click { column, row }, View::People) => {
                let area = crate::app::layout::people(self.size);
                if area.contains((column, row).into()) && row > area.y {
                    let target = self.people.offset + (row - area.y - 1) as usize;
                    if target < self.people.rows.len() {
                        self.people.cursor = target;
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn on_loaded(&mut self, loaded: Reply) -> Vec<Effect> {
        match loaded {
            Reply::Page { request, rows } => {
                let before = self.inbox.selected().map(|r| r.id);
                let mut effects = Vec::new();
                if let Some(next) = self.inbox.apply(&request, rows) {
                    effects.push(Effect::Store(StoreCmd::Page(next)));
                }
                effects.extend(self.after_move(before));
                effects
            }
            Reply::Detail { id, detail } => {
                if self.inbox.selected().map(|r| r.id) == Some(id) {
                    self.detail.show(id, detail.map(|d| *d));
                }
                Vec::new()
            }
            Reply::Refreshed {
                snoozed,
                warnings,
                crossed,
                outbox,
            } => {
                self.snoozed = snoozed;
                self.outbox.state = outbox;
                let first = !self.refreshed;
                self.refreshed = true;
                self.warnings = *warnings;
                let mut effects = Vec::new();
                if first {
                    // The reply pace is said once on start; it stays in the status bar.
                    if let Some(p) = &self.warnings.pace {
                        self.warn(crate::domain::human::pace(p));
                    }
                }
                if !crossed.is_empty() {
                    let text = super::alerts::announcement(&crossed);
                    self.warn(text.clone());
                    if self.config.alerts.bell {
                        effects.push(Effect::Bell);
                    }
                    if !self.config.alerts.command.is_empty() {
                        effects.push(Effect::Alert(text));
                    }
                }
                effects
            }
            Reply::Stats(report) => {
                self.stats.report = Some(*report);
                Vec::new()
            }
            Reply::Written(outcome) => self.on_written(outcome),
            Reply::Undone(result) => {
                match result {
                    UndoResult::Undone(u) => {
                        if u.kind.closes_item() {
                            self.done_this_session = self.done_this_session.saturating_sub(1);
                        }
                        self.inbox.keep_id = u.mention_id;
                        self.say(crate::domain::human::undone(&u));
                        let mut effects = self.refresh_all();
                        effects.extend(self.edit_taken_back(u.mention_id));
                        return effects;
                    }
                    UndoResult::UndoneBatch { kind, count, left } => {
                        if kind.closes_item() {
                            self.done_this_session = self.done_this_session.saturating_sub(count);
                        }
                        let mut text =
                            format!("undid {kind} of {}", super::marks::items(Some(count)));
                        if left > 0 {
                            text.push_str(&format!("; {left} had left the outbox already"));
                        }
                        self.say(text);
                    }
                    UndoResult::Gone => {
                        self.say("that action was undone already (in another window?)")
                    }
                    UndoResult::LeftTheOutbox {
                        kind,
                        handle,
                        state,
                    } => {
                        self.outbox.editing = None;
                        self.warn(crate::domain::human::left_the_outbox(kind, &handle, state))
                    }
                }
                self.refresh_all()
            }
            Reply::Claimed {
                mention_id,
                elsewhere,
            } => {
                self.on_claimed(mention_id, elsewhere);
                Vec::new()
            }
            Reply::Nothing => Vec::new(),
            Reply::Outbox(rows) => {
                self.outbox.rows = rows;
                self.outbox.cursor = self
                    .outbox
                    .cursor
                    .min(self.outbox.rows.len().saturating_sub(1));
                Vec::new()
            }
            Reply::History(rows) => {
                let zone = self.config.working_hours.time_zone.0;
                let items = rows
                    .iter()
                    .map(|r| {
                        crate::domain::human::history_line(
                            r.kind,
                            &r.handle,
                            &crate::domain::human::local_time(zone, r.at, self.now),
                            r.state,
                            &r.body,
                        )
                    })
                    .collect::<Vec<_>>();
                if items.is_empty() {
                    self.say("nothing to revert: no action is left in the history");
                } else {
                    self.popup = Some(super::state::Popup::Pick {
                        title: "revert one of the recent actions (every window)".into(),
                        items,
                        cursor: 0,
                        purpose: super::state::PickPurpose::History,
                    });
                }
                self.history = rows;
                Vec::new()
            }
            Reply::People { request, rows } => self
                .people
                .apply(&request, rows)
                .map(|next| Effect::Store(StoreCmd::People(next)))
                .into_iter()
                .collect(),
            Reply::Person { card, history } => {
                let keep = self
                    .person
                    .page
                    .as_ref()
                    .filter(|p| p.card.id == card.id)
                    .map(|p| p.scroll);
                self.person.page = Some(super::state::PersonPage {
                    card: *card,
                    history,
                    scroll: keep.unwrap_or(0),
                });
                Vec::new()
            }
            Reply::Notice(text) => {
                self.warn(text);
                Vec::new()
            }
            Reply::Bulk(done) => self.on_bulk(done),
            Reply::Counted { query, open } => {
                self.on_counted(query, open);
                Vec::new()
            }
            Reply::Tags(tags) => {
                self.tags = tags;
                Vec::new()
            }
            Reply::WriteFailed(e) => {
                if self.reopen_sending() {
                    self.warn(format!(
                        "{e} — the reply was not queued: its text is back in the pane"
                    ));
                } else {
                    self.warn(e);
                }
                self.inbox.loading = false;
                self.refresh_all()
            }
            Reply::Failed(e) => {
                self.warn(e);
                self.inbox.loading = false;
                self.refresh_all()
            }
        }
    }

    /// Reloads what the current view shows.
    pub(crate) fn refresh_all(&mut self) -> Vec<Effect> {
        let mut effects = vec![self.refresh()];
        match self.view {
            View::Inbox => effects.push(Effect::Store(StoreCmd::Page(self.inbox.reload()))),
            View::People => effects.push(self.reload_people()),
            View::Person => {
                if let Some(p) = &self.person.page {
                    effects.push(Effect::Store(StoreCmd::Person(p.card.id)));
                }
            }
            View::Stats => {}
            View::Outbox => effects.push(Effect::Store(StoreCmd::Outbox)),
        }
        if let Some(id) = self.inbox.selected().map(|r| r.id) {
            effects.push(Effect::Store(StoreCmd::Detail(id)));
        }
        effects
    }

    /// A refresh that asks for the items crossing their target since the last one.
    pub fn refresh(&mut self) -> Effect {
        let after = self.last_refresh.replace(self.now);
        Effect::Store(StoreCmd::Refresh {
            crossed_after: after.filter(|a| *a < self.now),
        })
    }

    /// Moves the inbox cursor and loads what the new row needs.
    pub(crate) fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        let before = self.inbox.selected().map(|r| r.id);
        let mut effects = Vec::new();
        if let Some(req) = self.inbox.move_by(delta) {
            effects.push(Effect::Store(StoreCmd::Page(req)));
        }
        effects.extend(self.after_move(before));
        effects
    }

    /// When the selection changed, load its detail.
    fn after_move(&mut self, before: Option<i64>) -> Vec<Effect> {
        match self.inbox.selected().map(|r| r.id) {
            Some(id)
                if Some(id) != before
                    || self.detail.shown.as_ref().map(|d| d.mention.id) != Some(id) =>
            {
                vec![Effect::Store(StoreCmd::Detail(id))]
            }
            None => {
                self.detail.clear();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
