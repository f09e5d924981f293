//! The help overlay: every binding of the current mode and the global ones, read from
//! the live keymap, so it always tells the truth about the keys.

use super::theme::Theme;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mode = app.mode();
    let mut lines = Vec::new();
    let tables: &[&str] = if mode == "compose" {
        &["compose"]
    } else {
        &[mode, "global"]
    };
    for table in tables {
        lines.push(Line::styled(format!("{table} keys"), theme.accent));
        for (keys, action) in app.keymap.bindings(table) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<10}"), theme.accent),
                Span::raw(format!("{:<20}", action.name())),
                Span::styled(action.help(), theme.muted),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "In popups: ↑/↓ or j/k choose, 1-9 pick, Enter confirms, Esc closes, y/n answer.",
        theme.muted,
    ));
    lines.push(Line::styled(
        "Mouse: wheel scrolls, click selects. Keys are set in [keys] of the config.",
        theme.muted,
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = super::layout::centered(area, 96, h);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" help · any key closes ")
                .border_style(theme.focused_border),
        ),
        popup,
    );
}
