//! The outbox view: every action not yet sent, then the recent sent, failed and
//! unknown ones, with their state, attempts, last error and the platform's link.

use super::format::{fit, pad};
use super::theme::Theme;
use crate::app::App;
use crate::domain::human;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let o = &app.outbox;
    let title = match app.outbox_summary() {
        Some(s) => format!(" outbox · {} · {s} ", o.rows.len()),
        None => format!(" outbox · {} ", o.rows.len()),
    };
    let block = Block::bordered()
        .title(Span::styled(
            fit(&title, area.width.saturating_sub(4) as usize),
            theme.accent,
        ))
        .border_style(theme.focused_border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    if o.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "Nothing waits to be sent, and nothing was sent this week.",
                theme.muted,
            )),
            inner,
        );
        return;
    }
    // Two lines a row: what and to whom, then what became of it.
    let per_screen = (inner.height as usize / 2).max(1);
    let offset = crate::app::list::scrolled(o.cursor, o.offset, per_screen, o.rows.len());
    let mut lines = Vec::new();
    for (i, r) in o.rows.iter().enumerate().skip(offset).take(per_screen) {
        let state_style = match r.state.as_str() {
            "failed" | "unknown" => theme.over,
            "sending" | "queued" => theme.soon,
            _ => theme.within,
        };
        let when = match r.sent_at {
            Some(t) => format!("{} ago", human::duration(app.now - t)),
            None => format!("queued {} ago", human::duration(app.now - r.created_at)),
        };
        let head = format!(
            "{} {} {} {} · {}",
            pad(&r.state, 8),
            pad(&r.kind, 6),
            pad(&r.platform, 9),
            crate::domain::handle::in_list(&r.platform, r.author.as_deref().unwrap_or("?")),
            when
        );
        let selected = i == o.cursor;
        let style = |s| if selected { theme.selected } else { s };
        lines.push(Line::from(vec![
            Span::styled(pad(&head, w.min(60)), style(state_style)),
            Span::styled(
                fit(&format!(" {}", r.body), w.saturating_sub(60)),
                style(theme.muted),
            ),
        ]));
        let detail = match (&r.last_error, &r.remote_url) {
            (Some(e), _) if r.state != "sent" => {
                format!("   attempts {} · {}", r.attempts, e)
            }
            (_, Some(url)) => format!("   {url}"),
            _ if r.attempts > 0 => format!("   attempts {}", r.attempts),
            _ => String::new(),
        };
        lines.push(Line::styled(fit(&detail, w), theme.muted));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
