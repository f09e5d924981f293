//! The inbox list: one row per item, its waiting time colored against its target.

use super::format::{fit, pad};
use super::theme::Theme;
use crate::app::App;
use crate::domain::human;
use crate::domain::Status;
use crate::model::inbox::{InboxRow, Listing};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The style of a waiting time: within target, due soon, or over.
pub fn urgency(app: &App, theme: &Theme, due_at: i64) -> Style {
    use crate::domain::target::{standing, Standing};
    match standing(due_at, app.now, app.config.pace.due_soon_minutes * 60) {
        Standing::Over => theme.over,
        Standing::DueSoon => theme.soon,
        Standing::Within => theme.within,
    }
}

fn platform_short(p: &str) -> String {
    fit(
        &crate::domain::platforms::short_name(p),
        crate::domain::platforms::SHORT,
    )
}

fn row_line<'a>(app: &App, theme: &Theme, r: &InboxRow, width: usize) -> Line<'a> {
    let wait = human::duration(app.now - r.created_at);
    let wait_style = if r.status == Status::Open {
        urgency(app, theme, r.due_at)
    } else {
        theme.muted
    };
    // Without colour, a mark carries what the colour would: ! over target, ~ due soon.
    let mark = match (app.no_color, r.status == Status::Open) {
        (true, true) => {
            use crate::domain::target::{standing, Standing};
            match standing(r.due_at, app.now, app.config.pace.due_soon_minutes * 60) {
                Standing::Over => '!',
                Standing::DueSoon => '~',
                Standing::Within => ' ',
            }
        }
        _ => ' ',
    };
    // A marked row starts with * (in every theme, colour or not).
    let marked = app.marks.has(&app.inbox.listing, r);
    let mut wait_text = format!("{wait:>6}{mark}");
    if marked {
        wait_text = format!("*{}", wait_text.chars().skip(1).collect::<String>());
    }
    let mut spans = vec![
        Span::styled(
            wait_text,
            if marked {
                theme.accent.add_modifier(ratatui::style::Modifier::BOLD)
            } else {
                wait_style
            },
        ),
        Span::styled(format!("{:<5} ", platform_short(&r.platform)), theme.muted),
    ];
    let mut markers = String::new();
    if r.power_user {
        markers.push('★');
    }
    let handle_width = (width / 4).clamp(6, 18);
    spans.push(Span::raw(pad(
        &crate::domain::handle::in_list(&r.platform, &r.handle),
        handle_width,
    )));
    spans.push(Span::styled(format!("{markers:<1} "), theme.accent));
    let mut used = 7 + 6 + handle_width + 2;
    if let Some(seg) = &r.segment {
        let s = format!("[{}] ", fit(seg, 12));
        used += s.chars().count();
        spans.push(Span::styled(s, theme.muted));
    }
    if r.status != Status::Open {
        let s = format!("{} ", r.status);
        used += s.len();
        spans.push(Span::styled(s, theme.muted));
    }
    spans.push(Span::raw(pad(&r.preview, width.saturating_sub(used))));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, focused: bool) {
    let w = &app.inbox;
    let title = match &w.listing {
        Listing::Queue => format!(
            " inbox · {} open · {} done this session ",
            app.warnings.open, app.done_this_session
        ),
        Listing::ByTime { newest_first } => format!(
            " inbox · {} open · {} first · {} done this session ",
            app.warnings.open,
            if *newest_first { "newest" } else { "oldest" },
            app.done_this_session
        ),
        Listing::Search(_) => format!(
            " results · {}{} · Esc: back to the queue ",
            w.rows.len(),
            if w.at_end { "" } else { "+" }
        ),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .border_style(if focused {
            theme.focused_border
        } else {
            theme.border
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if w.rows.is_empty() {
        let text = if !w.loaded {
            "loading…".to_string()
        } else if w.listing == Listing::Queue && app.warnings.nothing_imported {
            "Nothing here yet. Import mentions (rapport import FILE), pull your accounts (rapport pull, or R here with [[accounts]] in the config), or try rapport demo."
                .to_string()
        } else if w.listing == Listing::Queue {
            "Inbox zero: nothing waits for an answer. Import more with `rapport import FILE`."
                .to_string()
        } else {
            "Nothing matches. Esc returns to the queue.".to_string()
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.muted)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    // Only the rows on screen are turned into lines.
    let height = inner.height as usize;
    let lines: Vec<Line> = w
        .rows
        .iter()
        .enumerate()
        .skip(w.offset)
        .take(height)
        .map(|(i, r)| {
            let line = row_line(app, theme, r, inner.width as usize);
            if i == w.cursor {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::platform_short;

    #[test]
    fn the_platform_column_is_readable() {
        assert_eq!(platform_short("google"), "ggl");
        assert_eq!(platform_short("twitter"), "x");
        // Unknown: cut as any text is, with the mark.
        assert_eq!(platform_short("somewhere"), "some…");
        assert_eq!(platform_short("tg"), "tg");
    }
}
