//! The help overlay: every binding of the current mode and the global ones, read from
//! the live keymap, so it always tells the truth about the keys. One line per action,
//! in the order of the vocabulary, with all its keys.

use super::format::{fit_words, pad};
use super::theme::Theme;
use crate::app::{Action, App};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, scroll: u16) {
    let mode = app.mode();
    // The popup's inner width: descriptions are cut at a word to fit it.
    let width = area.width.min(110).saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for table in mode.tables() {
        lines.push(Line::styled(
            format!("{} keys", table.as_str()),
            theme.accent,
        ));
        let bindings = app.keymap.bindings(*table);
        for action in Action::ALL {
            let keys: Vec<&str> = bindings
                .iter()
                .filter(|(_, a)| a == action)
                .map(|(k, _)| k.as_str())
                .collect();
            if keys.is_empty() {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(&keys.join(" "), 16)), theme.accent),
                Span::raw(format!(" {} ", pad(action.name(), 18))),
                Span::styled(
                    fit_words(action.help(), width.saturating_sub(38)),
                    theme.muted,
                ),
            ]));
        }
        lines.push(Line::raw(""));
    }
    // The operator's own commands ([[commands]] in the config), with their keys.
    if !app.config.commands.is_empty() {
        lines.push(Line::styled("your commands", theme.accent));
        for c in &app.config.commands {
            let keys = c.key.clone().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(&keys, 16)), theme.accent),
                Span::raw(format!(" {} ", pad(&format!(":{}", c.name), 18))),
                Span::styled(
                    format!("runs {} with the item(s) as JSON", c.program.join(" ")),
                    theme.muted,
                ),
            ]));
        }
        lines.push(Line::raw(""));
    }
    for text in [
        "In popups: ↑/↓ or j/k choose, 1-9 pick, Enter confirms, Esc closes, y/n answer.",
        "Mouse: wheel scrolls, click selects. Keys are set in [keys] of the config.",
    ] {
        lines.push(Line::styled(fit_words(text, width), theme.muted));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = crate::app::layout::centered(area, 110, h);
    frame.render_widget(Clear, popup);
    super::scroll::draw(
        frame,
        Paragraph::new(lines),
        Block::bordered()
            .title(" help · ↑↓ scroll · any other key closes ")
            .border_style(theme.focused_border),
        popup,
        scroll,
        &app.scroll_limits.help,
    );
}
