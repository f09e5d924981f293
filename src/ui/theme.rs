//! Colors from `[colors]`, or none at all under NO_COLOR (then emphasis is carried by
//! bold, reverse and dim, which every terminal shows).

use crate::config::load::parse_color;
use crate::config::Colors;
use ratatui::style::{Color, Modifier, Style};

/// The styles the views use.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub accent: Style,
    pub within: Style,
    pub soon: Style,
    pub over: Style,
    pub muted: Style,
    pub selected: Style,
    pub ours: Style,
    pub warning: Style,
    pub border: Style,
    pub focused_border: Style,
}

impl Theme {
    /// The theme of `app`'s config and colour setting.
    pub fn of(app: &crate::app::App) -> Theme {
        Theme::new(&app.config.colors, app.no_color)
    }

    pub fn new(colors: &Colors, no_color: bool) -> Theme {
        if no_color {
            let plain = Style::default();
            return Theme {
                accent: plain.add_modifier(Modifier::BOLD),
                within: plain,
                soon: plain.add_modifier(Modifier::UNDERLINED),
                over: plain.add_modifier(Modifier::BOLD),
                muted: plain.add_modifier(Modifier::DIM),
                selected: plain.add_modifier(Modifier::REVERSED),
                ours: plain.add_modifier(Modifier::ITALIC),
                warning: plain.add_modifier(Modifier::BOLD),
                border: plain.add_modifier(Modifier::DIM),
                focused_border: plain.add_modifier(Modifier::BOLD),
            };
        }
        let c = |s: &str| parse_color(s).unwrap_or(Color::Reset);
        Theme {
            accent: Style::default().fg(c(&colors.accent)),
            within: Style::default().fg(c(&colors.within_target)),
            soon: Style::default().fg(c(&colors.due_soon)),
            over: Style::default()
                .fg(c(&colors.over_target))
                .add_modifier(Modifier::BOLD),
            muted: Style::default().fg(c(&colors.muted)),
            selected: Style::default()
                .bg(c(&colors.selection_bg))
                .fg(c(&colors.selection_fg)),
            ours: Style::default()
                .fg(c(&colors.accent))
                .add_modifier(Modifier::ITALIC),
            warning: Style::default()
                .fg(c(&colors.over_target))
                .add_modifier(Modifier::BOLD),
            border: Style::default().fg(c(&colors.muted)),
            focused_border: Style::default().fg(c(&colors.accent)),
        }
    }
}
