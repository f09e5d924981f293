//! The command line at the bottom (`:`), with what Tab offers in a box above it.

use super::format::fit;
use super::theme::Theme;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

/// Completions shown at most.
const SHOWN: usize = 12;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(line) = &app.command else {
        return;
    };
    let (_, status) = crate::app::layout::main_and_status((area.width, area.height));
    let width = status.width as usize;
    let bottom = Rect::new(status.x, status.y + status.height - 1, status.width, 1);
    let mut spans = vec![
        Span::styled(":", theme.accent),
        Span::raw(fit(&line.text, width.saturating_sub(2))),
        Span::styled("█", theme.accent),
    ];
    if let Some(e) = &line.error {
        let used = line.text.chars().count() + 3;
        spans.push(Span::styled(
            fit(&format!("  {e}"), width.saturating_sub(used)),
            theme.warning,
        ));
    }
    frame.render_widget(Clear, bottom);
    frame.render_widget(Paragraph::new(Line::from(spans)), bottom);
    if line.completions.is_empty() {
        return;
    }
    // Keep the chosen one in the box when there are more than fit.
    let chosen = line.chosen.unwrap_or(0);
    let start = chosen.saturating_sub(SHOWN - 1);
    let shown: Vec<Line> = line
        .completions
        .iter()
        .enumerate()
        .skip(start)
        .take(SHOWN)
        .map(|(i, c)| {
            let text = fit(c, 30);
            if Some(i) == line.chosen {
                Line::styled(format!("{text:<30}"), theme.selected)
            } else {
                Line::raw(text)
            }
        })
        .collect();
    let h = (shown.len() as u16 + 2).min(bottom.y);
    let w = 32.min(area.width);
    let rect = Rect::new(area.x, bottom.y.saturating_sub(h), w, h);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::bordered()
                .title(Span::styled(
                    format!(" {} · Tab ", line.completions.len()),
                    theme.accent,
                ))
                .border_style(theme.focused_border),
        ),
        rect,
    );
}
