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
                crate::domain::handle::in_list(&item.who)
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
    frame.render_widget(&c.text, editor);
    let keys = |a| {
        app.keymap
            .keys_for(crate::app::action::Mode::Compose, a)
            .join("/")
    };
    let counter = c.measure().map(|m| {
        Span::styled(
            format!("{} · ", m.label()),
            if m.too_long() {
                theme.warning
            } else {
                theme.muted
            },
        )
    });
    let footer_line = match &c.error {
        Some(e) => Line::styled(e.clone(), theme.warning),
        None => Line::styled(
            format!(
                "{} queue · {} $EDITOR · {} cancel{}",
                keys(crate::app::Action::Send),
                keys(crate::app::Action::OpenEditor),
                keys(crate::app::Action::Cancel),
                if c.template.is_some() {
                    " · make it personal"
                } else {
                    ""
                }
            ),
            theme.muted,
        ),
    };
    let footer_line = match counter {
        Some(c) => {
            let mut spans = vec![c];
            spans.extend(footer_line.spans);
            Line::from(spans)
        }
        None => footer_line,
    };
    frame.render_widget(Paragraph::new(footer_line), footer);
}

fn app_title(theme: &Theme) -> ratatui::style::Style {
    theme.accent
}
