//! The two lines at the bottom: the response-time picture, then a notice or the key
//! hints of the current mode (generated from the live keymap).

use super::format::fit_fields;
use super::theme::Theme;
use crate::app::state::View;
use crate::app::{Action, App};
use crate::domain::human;
use crate::domain::warnings::PaceWarning;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Ticks (half seconds) a notice stays before the hints come back.
const NOTICE_TICKS: u64 = 16;

/// The figures line; `compact` shortens the words for narrow terminals.
fn figures<'a>(app: &App, theme: &Theme, compact: bool, width: usize) -> Line<'a> {
    let w = &app.warnings;
    let word = |long: &'static str, short: &'static str| if compact { short } else { long };
    // Each field whole, most telling first: fields that do not fit are left out.
    let mut spans: Vec<Vec<Span>> = Vec::new();
    if !app.marks.is_empty() {
        spans.push(vec![Span::styled(
            match app.marks.count() {
                Some(n) => format!("{n} marked"),
                None => "all marked (counting…)".into(),
            },
            theme
                .accent
                .add_modifier(ratatui::style::Modifier::REVERSED),
        )]);
    }
    spans.push(vec![Span::raw(format!("{} open", w.open))]);
    spans.push(vec![Span::styled(
        format!("{} {}", w.over_target, word("over target", "over")),
        if w.over_target > 0 {
            theme.over
        } else {
            theme.within
        },
    )]);
    spans.push(vec![Span::styled(
        format!(
            "{} {}{}m",
            w.due_soon,
            word("due ≤", "due≤"),
            app.config.pace.due_soon_minutes
        ),
        if w.due_soon > 0 {
            theme.soon
        } else {
            theme.muted
        },
    )]);
    spans.push(vec![Span::raw(format!(
        "{} {}",
        word("done today", "done"),
        w.done_today
    ))]);
    if let Some(oldest) = w.oldest_open_at {
        spans.push(vec![Span::raw(format!(
            "oldest {}",
            human::duration(app.now - oldest.timestamp())
        ))]);
    }
    if let Some(median) = w.median_response_today_secs {
        let over = w.median_target_today_secs.is_some_and(|t| median > t);
        spans.push(vec![Span::styled(
            match (compact, w.median_target_today_secs) {
                (true, Some(t)) => {
                    format!(
                        "reply {}/{}",
                        human::figure(Some(median)),
                        human::figure(Some(t))
                    )
                }
                (true, None) => format!("reply {}", human::figure(Some(median))),
                (false, t) => format!(
                    "median reply today {}{}",
                    human::figure(Some(median)),
                    t.map(|t| format!(" (target {})", human::figure(Some(t))))
                        .unwrap_or_default()
                ),
            },
            if over { theme.over } else { theme.within },
        )]);
    }
    if let Some(pace) = &w.pace {
        let text = if compact {
            short_pace(pace)
        } else {
            crate::domain::human::pace(pace)
        };
        spans.push(vec![Span::styled(text, theme.warning)]);
    }
    let outbox = if compact {
        app.outbox_summary_short()
    } else {
        app.outbox_summary()
    };
    if let Some(outbox) = outbox {
        let trouble = app.outbox.state.failed + app.outbox.state.unknown > 0;
        spans.push(vec![Span::styled(
            outbox,
            if trouble { theme.warning } else { theme.soon },
        )]);
    }
    if app.snoozed > 0 {
        spans.push(vec![Span::styled(
            format!("{} snoozed", app.snoozed),
            theme.muted,
        )]);
    }
    fit_fields(spans, Span::styled(" · ", theme.muted), width)
}

/// The reply-pace warning in a few characters.
fn short_pace(p: &PaceWarning) -> String {
    match p {
        PaceWarning::Dropped { drop, .. } => format!("pace ↓{:.0}%", drop * 100.0),
        PaceWarning::SilentWorkingDay { day } => format!("silent {}", day.format("%a")),
    }
}

fn hints<'a>(app: &App, theme: &Theme, width: usize) -> Line<'a> {
    let mode = app.mode();
    let marked = !app.marks.is_empty();
    let wanted: &[Action] = match (app.compose.is_some(), app.view) {
        (true, _) => &[Action::Send, Action::OpenEditor, Action::Cancel],
        // With marks, what acts on all of them.
        (_, View::Inbox) if marked => &[
            Action::Dismiss,
            Action::Like,
            Action::Snooze,
            Action::TogglePowerUser,
            Action::EditRelationship,
            Action::Mark,
            Action::CommandLine,
            Action::Back,
        ],
        (_, View::Inbox) => &[
            Action::Help,
            Action::TakeSuggestion,
            Action::Reply,
            Action::Thank,
            Action::Like,
            Action::TogglePowerUser,
            Action::Snooze,
            Action::Dismiss,
            Action::Undo,
            Action::Search,
            Action::People,
            Action::Stats,
            Action::Quit,
        ],
        (_, View::People) => &[
            Action::Open,
            Action::Search,
            Action::Filter,
            Action::Note,
            Action::Back,
            Action::Help,
        ],
        (_, View::Person) => &[
            Action::Note,
            Action::EditRelationship,
            Action::TogglePowerUser,
            Action::Back,
        ],
        (_, View::Stats) => &[
            Action::Period,
            Action::Down,
            Action::Up,
            Action::Back,
            Action::Help,
        ],
        (_, View::Outbox) => &[
            Action::Retry,
            Action::CancelSend,
            Action::Back,
            Action::Help,
        ],
    };
    let mut fields = Vec::new();
    // A count being typed ("5" of "5j"), first, so the next key is seen to take it.
    if let Some(n) = app.count {
        fields.push(vec![Span::styled(
            format!("{n}×"),
            theme
                .accent
                .add_modifier(ratatui::style::Modifier::REVERSED),
        )]);
    }
    for a in wanted {
        if let Some(first) = app.keymap.keys_for(mode, *a).into_iter().next() {
            let name = match a {
                Action::TakeSuggestion => "suggested",
                Action::TogglePowerUser => "power",
                Action::OpenEditor => "$EDITOR",
                Action::CancelSend => "take back",
                Action::EditRelationship => "stage",
                Action::CommandLine => "command",
                Action::Back if marked => "clear marks",
                other => other.name(),
            };
            fields.push(vec![
                Span::styled(first, theme.accent),
                Span::styled(format!(" {name}"), theme.muted),
            ]);
        }
    }
    // Whole hints only: "ct" of a cut "cancel" would be no hint at all.
    fit_fields(fields, Span::raw("  "), width)
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let second = match &app.notice {
        Some(n) if app.ticks.saturating_sub(app.notice_tick) < NOTICE_TICKS => Line::styled(
            super::format::fit_words(&n.text, area.width as usize),
            if n.warning {
                theme.warning
            } else {
                theme.accent
            },
        ),
        _ => hints(app, theme, area.width as usize),
    };
    let compact = area.width < 140;
    frame.render_widget(
        Paragraph::new(vec![
            figures(app, theme, compact, area.width as usize),
            second,
        ]),
        area,
    );
}
