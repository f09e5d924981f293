//! The compose pane: who we write to and what they said, above the editor.

use super::theme::Theme;
use crate::app::App;
use crate::domain::sanitize;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(c) = &app.compose else {
        return;
    };
    let verb = match c.kind {
        crate::domain::ActionKind::Thank => "thank",
        _ => "reply to",
    };
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {verb} {} ", sanitize::one_line(&c.to)),
            app_title(theme),
        ))
        .border_style(theme.focused_border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let context_rows = (inner.height / 3).clamp(1, 8);
    let [context, editor, footer] = Layout::vertical([
        Constraint::Length(context_rows),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    // What they wrote (and the thread), so the reply answers the person.
    let mut lines: Vec<Line> = Vec::new();
    if let Some(d) = app
        .detail
        .shown
        .as_ref()
        .filter(|d| d.mention.id == c.mention_id)
    {
        let name = d.author.display_name.as_deref().unwrap_or(&d.author.handle);
        lines.push(Line::styled(
            format!(
                "{} wrote ({} · likes {}):",
                sanitize::one_line(name),
                d.author.buyer_stage.as_str().replace('_', " "),
                d.author.engagement
            ),
            theme.muted,
        ));
        for item in d
            .thread
            .iter()
            .rev()
            .take(3)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let who = if item.ours {
                "us".to_string()
            } else {
                crate::domain::handle::in_list(&d.mention.platform, &item.who)
            };
            lines.push(Line::styled(
                format!(
                    "{}: {}",
                    sanitize::one_line(&who),
                    sanitize::one_line(&item.body)
                ),
                if item.ours {
                    theme.ours
                } else {
                    ratatui::style::Style::default()
                },
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), context);
    draft(frame, c, editor);
    let keys = |a| {
        app.keymap
            .keys_for(crate::app::action::Mode::Compose, a)
            .join("/")
    };
    let width = footer.width as usize;
    let counter = c.measure().map(|m| {
        Span::styled(
            m.label(),
            if m.too_long() {
                theme.warning
            } else {
                theme.muted
            },
        )
    });
    // Whole fields only, the counter first: a narrow pane drops hints, never cuts them.
    let mut fields: Vec<Vec<Span>> = counter.into_iter().map(|c| vec![c]).collect();
    match &c.error {
        Some(e) => fields.push(vec![Span::styled(
            super::format::fit_words(e, width.saturating_sub(fields.len() * 12)),
            theme.warning,
        )]),
        None => {
            for (action, what) in [
                (crate::app::Action::Send, "queue"),
                (crate::app::Action::OpenEditor, "$EDITOR"),
                (crate::app::Action::Cancel, "cancel"),
            ] {
                fields.push(vec![Span::styled(
                    format!("{} {what}", keys(action)),
                    theme.muted,
                )]);
            }
            if c.template.is_some() {
                fields.push(vec![Span::styled("make it personal", theme.muted)]);
            }
        }
    }
    let footer_line = super::format::fit_fields(fields, Span::styled(" · ", theme.muted), width);
    frame.render_widget(Paragraph::new(footer_line), footer);
}

/// The draft, wrapped at words to the pane's width and scrolled so the cursor shows;
/// worked out from the text and the cursor each frame, so a resize reflows it. (The
/// editor widget scrolls sideways on one line instead.)
fn draft(frame: &mut Frame, c: &crate::app::compose::Compose, area: Rect) {
    use ratatui::style::{Modifier, Style};
    let width = area.width as usize;
    if width == 0 || area.height == 0 {
        return;
    }
    let (cursor_row, cursor_col) = c.text.cursor();
    let cursor = Style::default().add_modifier(Modifier::REVERSED);
    let mut rows: Vec<Line> = Vec::new();
    let mut cursor_at = 0;
    for (i, line) in c.text.lines().iter().enumerate() {
        let clean = sanitize::one_line(line);
        let chars: Vec<char> = clean.chars().collect();
        let starts = super::format::row_starts(&clean, width);
        // Cleaning can only shorten a line: keep the cursor inside it.
        let cursor_col = cursor_col.min(chars.len());
        for (n, &start) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(chars.len());
            let text: String = chars[start..end].iter().collect();
            let last = n + 1 == starts.len();
            let here = i == cursor_row && cursor_col >= start && (cursor_col < end || last);
            if !here {
                rows.push(Line::raw(text));
                continue;
            }
            cursor_at = rows.len();
            let at = cursor_col - start;
            let before: String = chars[start..start + at].iter().collect();
            let under: String = chars.get(cursor_col).map_or(" ".into(), |ch| {
                if cursor_col < end {
                    ch.to_string()
                } else {
                    " ".into()
                }
            });
            let after: String = chars[(cursor_col + 1).min(end)..end].iter().collect();
            if super::format::columns(&before) >= width {
                // The cursor after a full row: it stands at the start of the next.
                rows.push(Line::raw(before));
                cursor_at = rows.len();
                rows.push(Line::from(Span::styled(" ", cursor)));
            } else {
                rows.push(Line::from(vec![
                    Span::raw(before),
                    Span::styled(under, cursor),
                    Span::raw(after),
                ]));
            }
        }
    }
    let height = area.height as usize;
    let skip = (cursor_at + 1).saturating_sub(height);
    let shown: Vec<Line> = rows.into_iter().skip(skip).take(height).collect();
    frame.render_widget(Paragraph::new(shown), area);
}

fn app_title(theme: &Theme) -> ratatui::style::Style {
    theme.accent
}
