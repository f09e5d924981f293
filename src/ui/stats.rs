//! The stats view: the response-time picture now.

use super::theme::Theme;
use crate::app::App;
use crate::domain::human;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let w = &app.warnings;
    let mut lines = vec![
        Line::raw(format!("open                {}", app.open)),
        Line::raw(format!("over target         {}", w.over_target)),
        Line::raw(format!("due soon            {}", w.due_soon)),
        Line::raw(format!("done today          {}", w.done_today)),
    ];
    if let Some(m) = w.median_response_today_secs {
        lines.push(Line::raw(format!(
            "median reply today  {}",
            human::duration(m)
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.stats_scroll, 0))
            .block(
                Block::bordered()
                    .title(" response figures ")
                    .border_style(theme.focused_border),
            ),
        area,
    );
}
