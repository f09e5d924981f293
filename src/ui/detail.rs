//! The detail pane: the suggestion and why, the whole message, the conversation, and
//! the author card.

use super::format::local_time;
use super::theme::Theme;
use crate::app::App;
use crate::domain::{human, sanitize};
use crate::model::detail::{Card, Detail};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Lines of untrusted multi-line text, cleaned.
fn text_lines<'a>(text: &str, style: ratatui::style::Style) -> Vec<Line<'a>> {
    sanitize::clean(text)
        .split('\n')
        .map(|l| Line::styled(l.to_string(), style))
        .collect()
}

fn due_text(app: &App, d: &Detail) -> String {
    let m = &d.mention;
    match m.status {
        crate::domain::Status::Done => match m.first_response_at {
            Some(t) => format!("answered after {}", human::duration(t - m.created_at)),
            None => "done".into(),
        },
        crate::domain::Status::Snoozed => format!(
            "snoozed until {}",
            m.snoozed_until
                .map(|t| local_time(&app.config, t, app.now))
                .unwrap_or_default()
        ),
        crate::domain::Status::Open if crate::domain::target::is_over(m.due_at, app.now) => {
            format!("over target by {}", human::duration(app.now - m.due_at))
        }
        crate::domain::Status::Open => format!("due in {}", human::duration(m.due_at - app.now)),
    }
}

pub fn card_lines<'a>(app: &App, theme: &Theme, c: &Card) -> Vec<Line<'a>> {
    card_lines_from(app, theme, c, 0)
}

/// How many lines the card's notes take.
pub fn note_lines(c: &Card) -> usize {
    match c.notes.is_empty() {
        true => 0,
        false => text_lines(&c.notes, Style::default()).len(),
    }
}

/// The card with its first `skipped` lines of notes left out (the newest are last),
/// saying how many: for a card that has to fit a short screen.
pub fn card_lines_from<'a>(app: &App, theme: &Theme, c: &Card, skipped: usize) -> Vec<Line<'a>> {
    let label = |s: &str| Span::styled(format!("{s:<14}"), theme.muted);
    let mut lines = vec![Line::from(vec![
        Span::styled(
            sanitize::one_line(&crate::domain::handle::whole(&c.platform, &c.handle)),
            theme.accent.add_modifier(Modifier::BOLD),
        ),
        Span::raw(match &c.display_name {
            Some(n) => format!("  {}", sanitize::one_line(n)),
            None => String::new(),
        }),
        Span::styled(format!("  {}", c.platform), theme.muted),
        Span::styled(
            if c.power_user() {
                "  ★ power user"
            } else {
                ""
            },
            theme.accent,
        ),
        Span::styled(if c.is_bot { "  likely a bot" } else { "" }, theme.warning),
    ])];
    lines.push(Line::from(vec![
        label("followers"),
        Span::raw(
            c.followers
                .map(human::count)
                .unwrap_or_else(|| "unknown".into()),
        ),
    ]));
    lines.push(Line::from(vec![
        label("conversations"),
        Span::raw(format!(
            "{} ({} in the last 30 days)",
            c.conversations, c.conversations_30d
        )),
    ]));
    lines.push(Line::from(vec![
        label("last contact"),
        Span::raw(match c.last_contact {
            Some(t) => format!(
                "{} ({} ago)",
                local_time(&app.config, t, app.now),
                human::duration(app.now - t)
            ),
            None => "never".into(),
        }),
    ]));
    lines.push(Line::from(vec![
        label("buyer stage"),
        Span::raw(c.buyer_stage.as_str().replace('_', " ")),
        Span::styled("   likes ", theme.muted),
        Span::raw(c.engagement.as_str()),
    ]));
    let tags: Vec<String> = c.tags.iter().map(|t| sanitize::one_line(t)).collect();
    if !tags.is_empty() {
        lines.push(Line::from(vec![label("tags"), Span::raw(tags.join(", "))]));
    }
    if !c.notes.is_empty() {
        let notes = text_lines(&c.notes, Style::default());
        let skipped = skipped.min(notes.len());
        lines.push(Line::from(vec![
            label("notes"),
            Span::styled(
                match skipped {
                    0 => String::new(),
                    1 => "1 earlier line not shown".into(),
                    n => format!("{n} earlier lines not shown"),
                },
                theme.muted,
            ),
        ]));
        lines.extend(notes.into_iter().skip(skipped));
    }
    lines
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, focused: bool) {
    let block = Block::bordered()
        .title(Span::styled(" detail ", theme.accent))
        .border_style(if focused {
            theme.focused_border
        } else {
            theme.border
        });
    let Some(d) = app.selected_detail() else {
        let text = if app.inbox.selected().is_some() {
            "loading…"
        } else {
            ""
        };
        frame.render_widget(Paragraph::new(text).style(theme.muted).block(block), area);
        return;
    };
    let m = &d.mention;
    let mut lines: Vec<Line> = Vec::new();
    if d.answering_elsewhere {
        lines.push(Line::styled(
            "✎ being answered in another window right now",
            theme.warning,
        ));
    }
    if let Some(s) = app.suggestion() {
        let key = app
            .keymap
            .keys_for(
                crate::app::action::Mode::Inbox,
                crate::app::Action::TakeSuggestion,
            )
            .into_iter()
            .next()
            .unwrap_or_else(|| "take_suggestion".into());
        lines.push(Line::from(vec![
            Span::styled(
                format!("→ {key}: "),
                theme.accent.add_modifier(Modifier::BOLD),
            ),
            Span::styled(s.reason, theme.accent),
        ]));
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{} · {} · ", m.platform, m.kind), theme.muted),
        Span::raw(format!(
            "{} ({} ago) · ",
            local_time(&app.config, m.created_at, app.now),
            human::duration(app.now - m.created_at)
        )),
        Span::styled(
            due_text(app, d),
            super::inbox::urgency(
                app,
                theme,
                if m.status == crate::domain::Status::Open {
                    m.due_at
                } else {
                    i64::MAX
                },
            ),
        ),
    ]));
    if let Some(account) = &m.account {
        lines.push(Line::styled(
            format!("to {}", sanitize::one_line(account)),
            theme.muted,
        ));
    }
    lines.push(Line::raw(""));
    // The message itself first, so it is above the fold on a short terminal; then the
    // conversation around it, where it shows as a marked line, not a second copy.
    match d.thread.iter().find(|i| i.current) {
        Some(current) => lines.extend(text_lines(&current.body, Style::default())),
        None => lines.extend(text_lines(&m.body, Style::default())),
    }
    if let Some(url) = &m.url {
        lines.push(Line::styled(
            sanitize::one_line(url),
            theme.muted.add_modifier(Modifier::UNDERLINED),
        ));
    }
    if d.thread.len() > 1 {
        lines.push(Line::raw(""));
        lines.push(Line::styled("── conversation ──", theme.muted));
    }
    let thread = if d.thread.len() > 1 {
        &d.thread[..]
    } else {
        &[]
    };
    for item in thread {
        {
            let who = if item.ours {
                match item.state {
                    Some(state) if state != crate::domain::ActionState::Sent => {
                        format!("{} (us, {state})", item.who)
                    }
                    _ => format!("{} (us)", item.who),
                }
            } else {
                crate::domain::handle::in_list(&m.platform, &item.who)
            };
            let style = if item.ours {
                theme.ours
            } else if item.current {
                theme.accent
            } else {
                theme.muted
            };
            lines.push(Line::styled(
                format!(
                    "{} · {}{}",
                    sanitize::one_line(&who),
                    local_time(&app.config, item.at, app.now),
                    if item.current {
                        "  ◀ this message"
                    } else {
                        ""
                    }
                ),
                style,
            ));
        }
        if item.current {
            lines.push(Line::raw(""));
            continue;
        }
        let style = if item.ours {
            theme.ours
        } else {
            Style::default()
        };
        lines.extend(text_lines(&item.body, style));
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("── author ──", theme.muted));
    lines.extend(card_lines(app, theme, &d.author));
    super::scroll::draw(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        block,
        area,
        app.detail.scroll,
        &app.scroll_limits.detail,
    );
}
