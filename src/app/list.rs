//! A list as a window onto a listing (the inbox, the people): a few hundred rows around
//! the cursor, extended a page at a time by keyset as the cursor nears either end, and
//! reloaded in place (from the same key) when the data changes. The state never holds
//! the whole table, whatever its size.

use crate::model::inbox::{Direction, InboxRow, Listing};
use crate::model::people::{PeopleFilter, PersonRow};
use crate::store::command::PageRequest;

/// Rows per page; the window holds at most two pages.
pub const PAGE: usize = 200;
/// The fewest rows a first page asks for (see [`Window::first`]).
const FIRST_PAGE_MIN: usize = 32;

/// What a window lists, and how its rows are keyed for paging.
pub trait Order: Clone + PartialEq + Default + std::fmt::Debug {
    type Row: Clone + std::fmt::Debug;
    /// The row's own key in the listing's order.
    fn key(&self, row: &Self::Row) -> (i64, i64);
    /// The exclusive key just before `row`, so a forward page from it starts at `row`.
    fn key_before(&self, row: &Self::Row) -> (i64, i64);
    fn id(row: &Self::Row) -> i64;
}

impl Order for Listing {
    type Row = InboxRow;
    fn key(&self, row: &InboxRow) -> (i64, i64) {
        match self {
            Listing::Queue => (row.rank, row.id),
            Listing::ByTime { .. } => (row.created_at, row.id),
            Listing::Search(_) => (row.created_at, row.id),
        }
    }
    fn key_before(&self, row: &InboxRow) -> (i64, i64) {
        match self {
            Listing::Queue => (row.rank, row.id - 1),
            Listing::ByTime {
                newest_first: false,
            } => (row.created_at, row.id - 1),
            Listing::ByTime { newest_first: true } | Listing::Search(_) => {
                (row.created_at, row.id + 1)
            }
        }
    }
    fn id(row: &InboxRow) -> i64 {
        row.id
    }
}

/// People page most recently seen first: by (last_seen, id) descending.
impl Order for PeopleFilter {
    type Row = PersonRow;
    fn key(&self, row: &PersonRow) -> (i64, i64) {
        (row.last_seen, row.id)
    }
    fn key_before(&self, row: &PersonRow) -> (i64, i64) {
        (row.last_seen, row.id + 1)
    }
    fn id(row: &PersonRow) -> i64 {
        row.id
    }
}

/// The inbox list.
pub type InboxWindow = Window<Listing>;
/// The people view's list.
pub type PeopleWindow = Window<PeopleFilter>;

/// The visible part of a listing.
#[derive(Debug, Clone)]
pub struct Window<O: Order> {
    pub listing: O,
    pub rows: Vec<O::Row>,
    pub cursor: usize,
    /// The first row on screen.
    pub offset: usize,
    /// The exclusive key before rows[0]; None when the window starts at the top.
    pub start: Option<(i64, i64)>,
    /// No rows after the last one.
    pub at_end: bool,
    /// The last request sent; answers to older ones are ignored.
    pub seq: u64,
    pub loading: bool,
    /// Select this mention after the next reload, when it is in the window.
    pub keep_id: Option<i64>,
    /// Moves still to make once the next page arrives.
    pending_move: isize,
    /// Whether the listing has been loaded at least once.
    pub loaded: bool,
}

impl<O: Order> Default for Window<O> {
    fn default() -> Window<O> {
        Window {
            listing: O::default(),
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            start: None,
            at_end: false,
            seq: 0,
            loading: false,
            keep_id: None,
            pending_move: 0,
            loaded: false,
        }
    }
}

impl<O: Order> Window<O> {
    /// The row under the cursor.
    pub fn selected(&self) -> Option<&O::Row> {
        self.rows.get(self.cursor)
    }

    fn key(&self, row: &O::Row) -> (i64, i64) {
        self.listing.key(row)
    }

    fn key_before(&self, row: &O::Row) -> (i64, i64) {
        self.listing.key_before(row)
    }

    fn request(
        &mut self,
        from: Option<(i64, i64)>,
        dir: Direction,
        replace: bool,
    ) -> PageRequest<O> {
        self.request_of(from, dir, replace, PAGE)
    }

    fn request_of(
        &mut self,
        from: Option<(i64, i64)>,
        dir: Direction,
        replace: bool,
        limit: usize,
    ) -> PageRequest<O> {
        self.seq += 1;
        self.loading = true;
        PageRequest {
            listing: self.listing.clone(),
            from,
            dir,
            limit,
            replace,
            seq: self.seq,
        }
    }

    /// Reload the window from where it starts, keeping the selection.
    pub fn reload(&mut self) -> PageRequest<O> {
        self.keep_id = self.keep_id.or(self.selected().map(O::id));
        self.request(self.start, Direction::Forward, true)
    }

    /// Show `listing` from its top.
    pub fn show(&mut self, listing: O) -> PageRequest<O> {
        self.listing = listing;
        self.top()
    }

    pub fn top(&mut self) -> PageRequest<O> {
        self.top_of(PAGE)
    }

    /// The top of the listing as the first thing a person sees: only as many rows as
    /// a terminal `height` rows tall can show (at least FIRST_PAGE_MIN), so they come
    /// sooner; the window grows by whole pages once the cursor goes past them. On a
    /// million-mention inbox, 50 rows instead of 200 take the first page from about 3
    /// ms to 1 on a fresh connection (every row is a page read from the file).
    pub fn first(&mut self, height: usize) -> PageRequest<O> {
        self.top_of(height.clamp(FIRST_PAGE_MIN, PAGE))
    }

    fn top_of(&mut self, limit: usize) -> PageRequest<O> {
        self.start = None;
        self.cursor = 0;
        self.offset = 0;
        self.keep_id = None;
        self.pending_move = 0;
        self.request_of(None, Direction::Forward, true, limit)
    }

    pub fn bottom(&mut self) -> PageRequest<O> {
        self.keep_id = None;
        self.pending_move = 0;
        self.request(None, Direction::Backward, true)
    }

    /// Moves the cursor; returns a request when the window must grow first.
    pub fn move_by(&mut self, delta: isize) -> Option<PageRequest<O>> {
        if self.rows.is_empty() {
            return None;
        }
        let target = self.cursor as isize + delta;
        let last = self.rows.len() as isize - 1;
        // Past either end, the move waits for the rows; a page already on its way (a
        // reload, say) carries it, so a key pressed meanwhile is not lost.
        if target > last && !self.at_end {
            self.cursor = last as usize;
            self.pending_move += target - last;
            if self.loading {
                return None;
            }
            let from = self.rows.last().map(|r| self.key(r));
            return Some(self.request(from, Direction::Forward, false));
        }
        if target < 0 && self.start.is_some() {
            self.cursor = 0;
            self.pending_move += target;
            if self.loading {
                return None;
            }
            let from = self.rows.first().map(|r| self.key(r));
            return Some(self.request(from, Direction::Backward, false));
        }
        self.cursor = target.clamp(0, last) as usize;
        None
    }

    /// Takes a page; returns a follow-up request when the window turned out empty
    /// past its start (everything after it was answered elsewhere).
    pub fn apply(&mut self, request: &PageRequest<O>, rows: Vec<O::Row>) -> Option<PageRequest<O>> {
        if request.seq != self.seq || request.listing != self.listing {
            return None;
        }
        self.loading = false;
        self.loaded = true;
        let full = rows.len() >= request.limit;
        match (request.replace, request.dir) {
            (true, Direction::Forward) => {
                if rows.is_empty() && self.start.is_some() {
                    return Some(self.top());
                }
                self.rows = rows;
                self.at_end = !full;
                let kept = self
                    .keep_id
                    .take()
                    .and_then(|id| self.rows.iter().position(|r| O::id(r) == id));
                self.cursor = kept.unwrap_or(self.cursor);
            }
            (true, Direction::Backward) => {
                self.rows = rows;
                self.at_end = true;
                self.start = match (full, self.rows.first()) {
                    (true, Some(first)) => Some(self.key_before(first)),
                    _ => None,
                };
                self.cursor = self.rows.len().saturating_sub(1);
            }
            (false, Direction::Forward) => {
                self.at_end = !full;
                self.rows.extend(rows);
                if self.rows.len() > 2 * PAGE {
                    let drop = self.rows.len() - 2 * PAGE;
                    self.rows.drain(..drop);
                    self.cursor = self.cursor.saturating_sub(drop);
                    self.offset = self.offset.saturating_sub(drop);
                    self.start = self.rows.first().map(|r| self.key_before(r));
                }
            }
            (false, Direction::Backward) => {
                let added = rows.len();
                if !full {
                    self.start = None;
                } else if let Some(first) = rows.first() {
                    self.start = Some(self.key_before(first));
                }
                let mut rows = rows;
                rows.append(&mut self.rows);
                self.rows = rows;
                self.cursor += added;
                self.offset += added;
                if self.rows.len() > 2 * PAGE {
                    self.rows.truncate(2 * PAGE);
                    self.at_end = false;
                }
            }
        }
        let pending = std::mem::take(&mut self.pending_move);
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        // Going to the top or the bottom cleared the moves before it (`top_of`,
        // `bottom`); a reload keeps them, from the row it kept.
        if pending != 0 {
            return self.move_by(pending);
        }
        None
    }

    /// Drops the selected row at once (it was answered), before the reload confirms.
    pub fn remove_selected(&mut self) {
        if self.cursor < self.rows.len() {
            self.rows.remove(self.cursor);
            self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
            self.keep_id = self.selected().map(O::id);
        }
    }

    /// Keeps the cursor on screen for a list `height` rows tall.
    pub fn scroll_into_view(&mut self, height: usize) {
        self.offset = scrolled(self.cursor, self.offset, height, self.rows.len());
    }
}

/// The first visible row of a list of `len` rows, `height` tall, after the least
/// scrolling that shows the cursor.
pub fn scrolled(cursor: usize, offset: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let offset = if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    offset.min(len.saturating_sub(height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MentionKind, Status};

    fn rows(ids: std::ops::Range<i64>) -> Vec<InboxRow> {
        ids.map(|id| InboxRow {
            id,
            rank: id,
            created_at: id,
            due_at: id,
            platform: "sms".into(),
            kind: MentionKind::Sms,
            author_id: 1,
            handle: "a".into(),
            power_user: false,
            segment: None,
            preview: String::new(),
            status: Status::Open,
        })
        .collect()
    }

    #[test]
    fn a_first_page_fills_the_screen_and_the_window_then_grows_by_whole_pages() {
        let mut w = InboxWindow::default();
        assert_eq!(w.first(5).limit, FIRST_PAGE_MIN);
        assert_eq!(w.first(10_000).limit, PAGE);
        let first = w.first(50);
        assert_eq!(first.limit, 50);
        assert!(w.apply(&first, rows(1..51)).is_none());
        assert!(!w.at_end, "a full first page is not the end of the list");
        assert_eq!(w.move_by(49), None);
        let next = w
            .move_by(3)
            .expect("past the first page, the next one is asked for");
        assert_eq!(
            (next.from, next.limit, next.replace),
            (Some((50, 50)), PAGE, false)
        );
        assert!(w.apply(&next, rows(51..251)).is_none());
        assert_eq!(
            w.selected().map(|r| r.id),
            Some(53),
            "the move waited for its rows"
        );
        // At the window's end while a reload is on its way: the press waits for it.
        w.cursor = w.rows.len() - 1;
        let reload = w.reload();
        assert_eq!(w.move_by(1), None, "one page at a time");
        let rows_then = w.rows.clone();
        let next = w
            .apply(&reload, rows_then)
            .expect("the press asks for what follows");
        assert_eq!((next.from, next.replace), (Some((250, 250)), false));
        assert!(w.apply(&next, rows(251..260)).is_none());
        assert_eq!(
            w.selected().map(|r| r.id),
            Some(251),
            "the press was not lost"
        );
        let short = w.first(50);
        assert!(w.apply(&short, rows(1..20)).is_none());
        assert!(w.at_end, "fewer rows than asked for: the whole list");
    }
}
