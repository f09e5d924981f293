//! Where each part of the screen goes, as pure geometry. `update` uses it too (for the
//! page size and mouse clicks), so the state and the drawing agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the app asks for a larger terminal instead of drawing a garbled screen.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Wide enough for the list and the detail side by side.
const SIDE_BY_SIDE: u16 = 100;

/// Lines of the status bar.
pub const STATUS_HEIGHT: u16 = 2;

pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

/// The whole screen minus the status bar, and the status bar.
pub fn main_and_status(size: (u16, u16)) -> (Rect, Rect) {
    let area = Rect::new(0, 0, size.0, size.1);
    let [main, status] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(STATUS_HEIGHT)]).areas(area);
    (main, status)
}

/// The inbox's two panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbox {
    /// The list, with its border.
    pub list: Rect,
    pub detail: Rect,
}

impl Inbox {
    /// The list row (0-based from the first visible) at a screen position.
    pub fn row_at(&self, column: u16, row: u16) -> Option<usize> {
        let inner = inner(self.list);
        inner
            .contains((column, row).into())
            .then(|| (row - inner.y) as usize)
    }
}

fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

pub fn inbox(size: (u16, u16)) -> Inbox {
    let (main, _) = main_and_status(size);
    if size.0 >= SIDE_BY_SIDE {
        let [list, detail] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(main);
        Inbox { list, detail }
    } else {
        let list_rows = (main.height * 2 / 5).max(5).min(main.height);
        let [list, detail] =
            Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(main);
        Inbox { list, detail }
    }
}

/// Visible rows of the inbox list.
pub fn list_height(size: (u16, u16)) -> usize {
    inner(inbox(size).list).height as usize
}

/// The people table, with its border (the first inner row is the header).
pub fn people(size: (u16, u16)) -> Rect {
    main_and_status(size).0
}

/// Visible rows of the people table.
pub fn people_height(size: (u16, u16)) -> usize {
    (people(size).height as usize).saturating_sub(3)
}

/// A popup of at most `w` x `h`, centered.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_fit_every_size() {
        for size in [
            (40, 10),
            (80, 24),
            (99, 30),
            (100, 30),
            (200, 50),
            (500, 200),
        ] {
            let l = inbox(size);
            assert!(l.list.bottom() <= size.1 - STATUS_HEIGHT, "{size:?}");
            assert!(l.detail.right() <= size.0, "{size:?}");
            assert!(list_height(size) >= 1, "{size:?}");
        }
        let l = inbox((200, 50));
        assert_eq!(l.row_at(1, 1), Some(0));
        assert_eq!(l.row_at(1, 0), None);
    }
}
