//! Drawing: pure functions from `&App` (and the clock in it) to a frame. Nothing here
//! changes state or does IO.

pub mod command_line;
pub mod compose;
pub mod detail;
pub mod format;
pub mod help;
pub mod inbox;
pub mod outbox;
pub mod people;
pub mod popup;
pub mod scroll;
pub mod stats;
pub mod status_bar;
pub mod theme;

use crate::app::layout;
use crate::app::state::{Pane, View};
use crate::app::App;
use ratatui::layout::Alignment;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the whole screen with `theme` (built once, at start-up: [`theme::Theme::of`]).
pub fn draw(frame: &mut Frame, app: &App, theme: &theme::Theme) {
    let theme = *theme;
    let area = frame.area();
    let size = (area.width, area.height);
    if layout::too_small(size) {
        let text = format!(
            "Enlarge the terminal to at least {}x{} (now {}x{}).",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            size.0,
            size.1
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let (main, status) = layout::main_and_status(size);
    match app.view {
        View::Inbox => {
            let l = layout::inbox(size);
            inbox::draw(
                frame,
                app,
                &theme,
                l.list,
                app.focus == Pane::List && app.compose.is_none(),
            );
            if app.compose.is_some() {
                compose::draw(frame, app, &theme, l.detail);
            } else {
                detail::draw(frame, app, &theme, l.detail, app.focus == Pane::Detail);
            }
        }
        View::People => people::draw_list(frame, app, &theme, main),
        View::Person => people::draw_person(frame, app, &theme, main),
        View::Stats => stats::draw(frame, app, &theme, main),
        View::Outbox => outbox::draw(frame, app, &theme, main),
    }
    status_bar::draw(frame, app, &theme, status);
    command_line::draw(frame, app, &theme, area);
    popup::draw(frame, app, &theme, area);
}
