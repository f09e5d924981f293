//! The people view (a table with a filter) and a person's page (card and history).

use super::format::{fit, local_time, pad, wrap_indented};
use super::theme::Theme;
use crate::app::App;
use crate::domain::human;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw_list(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let p = &app.people;
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " people · {} · {}{} shown ",
                p.listing.label(),
                p.rows.len(),
                if p.at_end { "" } else { "+" }
            ),
            theme.accent,
        ))
        .border_style(theme.focused_border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let handle_w = (w / 4).clamp(8, 24);
    let mut lines = vec![Line::styled(
        format!(
            "{} {:<9} {:>9}  {:<18} {:<20} {}",
            pad("who", handle_w),
            "platform",
            "followers",
            "buyer stage",
            "last contact",
            "last seen"
        ),
        theme.muted,
    )];
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, r) in p.rows.iter().enumerate().skip(p.offset).take(rows) {
        let star = if r.power_user { "★" } else { " " };
        let text = format!(
            "{}{} {:<9} {:>9}  {:<18} {:<20} {}",
            star,
            pad(
                &crate::domain::handle::in_list(&r.platform, &r.handle),
                handle_w.saturating_sub(1)
            ),
            fit(&r.platform, 9),
            r.followers.map(human::count).unwrap_or_default(),
            r.buyer_stage.replace('_', " "),
            r.last_contact
                .map(|t| format!("{} ago", human::duration(app.now - t)))
                .unwrap_or_else(|| "never".into()),
            human::duration(app.now - r.last_seen) + " ago",
        );
        // The parts are cleaned and cut already; pad by columns without re-cleaning
        // (which would fold the alignment spaces).
        let used: usize = unicode_width::UnicodeWidthStr::width(text.as_str());
        let text = format!("{text}{}", " ".repeat(w.saturating_sub(used)));
        lines.push(if i == p.cursor {
            Line::styled(text, theme.selected)
        } else {
            Line::raw(text)
        });
    }
    if p.rows.is_empty() {
        lines.push(Line::styled(
            "nobody here with this filter (f to change it)",
            theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Rows the history keeps under the person's card, its borders included, when it has
/// that many lines; and the fewest it keeps when the card needs the room.
const HISTORY_ROWS: u16 = 6;
const HISTORY_MIN_ROWS: u16 = 3;

pub fn draw_person(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(page) = &app.person.page else {
        frame.render_widget(Paragraph::new("loading…").block(Block::bordered()), area);
        return;
    };
    let width = area.width.saturating_sub(2);
    let lines = history_lines(app, theme, &page.history, width as usize);
    // The card takes the rows it wraps to, leaving the history its lines up to
    // HISTORY_ROWS; a card that still does not fit shows its newest notes, and says how
    // many earlier lines it left out. On a short terminal, where even its first lines
    // would not fit, the history gives the card all but one line of its own.
    let history_rows = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .clamp(HISTORY_MIN_ROWS, HISTORY_ROWS);
    let card_of = |skipped: usize| {
        let lines = super::detail::card_lines_from(app, theme, &page.card, skipped);
        let card = Paragraph::new(lines).wrap(Wrap { trim: false });
        let rows = u16::try_from(card.line_count(width)).unwrap_or(u16::MAX);
        (card, rows.saturating_add(2))
    };
    let notes = super::detail::note_lines(&page.card);
    let mut room = area.height.saturating_sub(history_rows);
    if card_of(notes).1 > room {
        room = area.height.saturating_sub(HISTORY_MIN_ROWS);
    }
    // The fewest notes left out for the card to fit (a search: a long-standing
    // customer's notes run to hundreds of lines, and every frame draws the card).
    let skipped = (0..=notes)
        .collect::<Vec<_>>()
        .partition_point(|&s| card_of(s).1 > room);
    let (card, card_h) = card_of(skipped.min(notes));
    let card_h = card_h.min(room).max(3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(card_h), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        card.block(
            Block::bordered()
                .title(Span::styled(" person ", theme.accent))
                .border_style(theme.border),
        ),
        top,
    );
    super::scroll::draw(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Block::bordered()
            .title(Span::styled(
                match page.history.len() {
                    1 => " history · newest first · 1 event ".to_string(),
                    n => format!(" history · newest first · {n} events "),
                },
                theme.accent,
            ))
            .border_style(theme.focused_border),
        bottom,
        page.scroll,
        &app.scroll_limits.person,
    );
}

/// The history's lines, each text wrapped to `width` with its indent.
fn history_lines<'a>(
    app: &App,
    theme: &Theme,
    history: &'a [crate::model::people::Event],
    width: usize,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for e in history {
        let (who, style) = if e.ours {
            ("us", theme.ours)
        } else {
            ("them", ratatui::style::Style::default())
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ", local_time(&app.config, e.at, app.now)),
                theme.muted,
            ),
            Span::styled(
                format!("{who} {} ({}) ", e.what.replace('_', " "), e.state),
                style,
            ),
        ]));
        if !e.text.is_empty() {
            // Wrapped here, not by the paragraph, so every row keeps the indent.
            for row in wrap_indented(&e.text, width, 4) {
                lines.push(Line::styled(row, style));
            }
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("no history yet", theme.muted));
    }
    lines
}
