//! Popups: a yes/no question, a pick list, the relationship editor and one-line inputs.

use super::theme::Theme;
use crate::app::state::{InputPurpose, Popup};
use crate::app::App;
use crate::domain::{BuyerStage, Engagement};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

fn frame_popup(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    w: u16,
    h: u16,
    title: String,
) -> Rect {
    let popup = crate::app::layout::centered(area, w, h);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .border_style(theme.focused_border);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    inner
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(popup) = &app.popup else {
        return;
    };
    match popup {
        Popup::Help { scroll } => super::help::draw(frame, app, theme, area, *scroll),
        Popup::Output {
            title,
            lines,
            scroll,
        } => {
            let w = area.width.saturating_sub(4).min(120);
            let h = area.height.saturating_sub(4);
            let inner = frame_popup(
                frame,
                theme,
                area,
                w,
                h,
                format!(
                    " {} · ↑↓ scroll · any other key closes ",
                    super::format::fit(title, 60)
                ),
            );
            let shown: Vec<Line> = lines
                .iter()
                .skip(*scroll as usize)
                .take(inner.height as usize)
                .map(|l| Line::raw(super::format::fit(l, inner.width as usize)))
                .collect();
            frame.render_widget(Paragraph::new(shown), inner);
        }
        Popup::Confirm { text, .. } => {
            let mut lines: Vec<Line> = text.split('\n').map(|l| Line::raw(l.to_string())).collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled("y: yes    n / Esc / Enter: no", theme.accent));
            let h = lines.len() as u16 + 4;
            let inner = frame_popup(frame, theme, area, 70, h, " confirm ".into());
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Popup::Pick {
            title,
            items,
            cursor,
            ..
        } => {
            let lines: Vec<Line> = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let text = super::format::fit(&format!("{}  {item}", i + 1), 66);
                    if i == *cursor {
                        Line::styled(text, theme.selected)
                    } else {
                        Line::raw(text)
                    }
                })
                .collect();
            let h = lines.len() as u16 + 2;
            let inner = frame_popup(frame, theme, area, 70, h, format!(" {title} "));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Popup::Relationship {
            handle,
            stage,
            engagement,
            field,
            ..
        } => {
            let column = |title: &str, names: Vec<&'static str>, chosen: &str, focused: bool| {
                let mut lines = vec![Line::styled(
                    title.to_string(),
                    if focused { theme.accent } else { theme.muted },
                )];
                for n in names {
                    let text = format!(" {} ", n.replace('_', " "));
                    lines.push(if n == chosen {
                        Line::styled(
                            text,
                            if focused {
                                theme.selected
                            } else {
                                theme.accent
                            },
                        )
                    } else {
                        Line::raw(text)
                    });
                }
                lines
            };
            let left = column(
                "buyer stage",
                BuyerStage::ALL.iter().map(|s| s.as_str()).collect(),
                stage.as_str(),
                *field == 0,
            );
            let right = column(
                "likes to be engaged with",
                Engagement::ALL.iter().map(|e| e.as_str()).collect(),
                engagement.as_str(),
                *field == 1,
            );
            let inner = frame_popup(
                frame,
                theme,
                area,
                60,
                11,
                format!(
                    " {} · ↑↓ change · Tab switch · Enter save ",
                    super::format::fit(&crate::domain::handle::whole("", handle), 21)
                ),
            );
            let [l, r] = ratatui::layout::Layout::horizontal([
                ratatui::layout::Constraint::Percentage(50),
                ratatui::layout::Constraint::Percentage(50),
            ])
            .areas(inner);
            frame.render_widget(Paragraph::new(left), l);
            frame.render_widget(Paragraph::new(right), r);
        }
        Popup::Input {
            purpose,
            text,
            error,
        } => {
            let (title, hint) = match purpose {
                InputPurpose::Search => (
                    " search ",
                    "words or their starts, \"phrases\", -word, from:handle platform:x kind:sms is:question is:complaint is:power is:over status:done; newest first",
                ),
                InputPurpose::StatsSince => (
                    " figures since ",
                    "the first day, like 2026-11-01; Enter shows the figures from then to now",
                ),
                InputPurpose::PeopleSearch => (
                    " find people ",
                    "the start of a handle or any part of a name; Enter lists them, Esc in the list shows everyone again",
                ),
                InputPurpose::Note { .. } => (" note on this person ", "what to remember about them; Enter saves"),
                InputPurpose::SnoozeUntil { .. } | InputPurpose::SnoozeMarkedUntil => (" snooze until ", "45m, 3h, 2d, 14:30 or 2026-12-01 09:00"),
            };
            let inner = frame_popup(frame, theme, area, 76, 6, title.into());
            let [input, help] = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Length(1),
                ratatui::layout::Constraint::Min(1),
            ])
            .areas(inner);
            frame.render_widget(&**text, input);
            let msg = match error {
                Some(e) => Line::styled(e.clone(), theme.warning),
                None => Line::styled(hint, theme.muted),
            };
            frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), help);
        }
    }
}
