//! The stats view: how fast we answer, drawn rather than tabulated. Sparklines for the
//! last 30 days (median reply time, replies, backlog), bars for the share answered in
//! time per platform and kind, and the people behind the numbers.

use super::format::pad;
use super::theme::Theme;
use crate::app::App;
use crate::domain::human;
use crate::model::report::{Figures, GroupFigures, Report};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// A sparkline's label, its values, and how to say one value.
type Series = (&'static str, Vec<Option<f64>>, Box<dyn Fn(f64) -> String>);

const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` as text, one character per value (blank for none).
pub fn spark(values: &[Option<f64>]) -> String {
    let max = values.iter().flatten().fold(0.0_f64, |m, v| m.max(*v));
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if max <= 0.0 => TICKS[0],
            Some(v) => TICKS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// A bar of `width` cells filled to `share` (0 to 1).
pub fn bar(share: f64, width: usize) -> String {
    let filled = ((share.clamp(0.0, 1.0)) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn share_style(theme: &Theme, share: Option<f64>) -> Style {
    match share {
        Some(s) if s >= 0.8 => theme.within,
        Some(s) if s >= 0.5 => theme.soon,
        Some(_) => theme.over,
        None => theme.muted,
    }
}

fn group_lines<'a>(
    theme: &Theme,
    title: &str,
    groups: &[GroupFigures],
    bar_w: usize,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        format!(
            "{:<16} {:>8} {:>8} {:>8}  in time",
            title, "mentions", "median", "90th"
        ),
        theme.muted,
    )];
    for g in groups {
        let f = &g.figures;
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{} {:>8} {:>8} {:>8}  ",
                pad(&g.name.replace('_', " "), 16),
                f.mentions,
                human::figure(f.median_secs),
                human::figure(f.p90_secs)
            )),
            Span::styled(
                bar(f.within_target_share.unwrap_or(0.0), bar_w),
                share_style(theme, f.within_target_share),
            ),
            Span::raw(format!(" {}", share_text(f))),
        ]));
    }
    lines
}

fn share_text(f: &Figures) -> String {
    f.within_target_share
        .map(|s| format!("{:.0}%", s * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn report_lines<'a>(app: &App, theme: &Theme, r: &Report, width: usize) -> Vec<Line<'a>> {
    let w = &r.warnings;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let o = &r.overall;
    let period = app.stats.period.label();
    let in_period = if o.mentions == 0 {
        Line::styled(
            format!(
                "{period}: no messages written in the period (p picks another; what is open is below)"
            ),
            theme.muted,
        )
    } else {
        Line::from(vec![
            Span::raw(format!("{period}: ")),
            Span::styled(format!("{} answered of {}", o.answered, o.mentions), bold),
            Span::raw(format!(
                " · median {} · 90th percentile {} · ",
                human::figure(o.median_secs),
                human::figure(o.p90_secs)
            )),
            Span::styled(
                format!("{} within target", share_text(o)),
                share_style(theme, o.within_target_share),
            ),
        ])
    };
    let mut lines = vec![
        in_period,
        Line::from(vec![
            Span::raw(format!("now, whatever the period: {} open · ", w.open)),
            Span::styled(
                format!("{} over target", w.over_target),
                if w.over_target > 0 {
                    theme.over
                } else {
                    theme.within
                },
            ),
            Span::raw(format!(
                " · {} due soon · oldest {}",
                w.due_soon,
                w.oldest_open_at
                    .map(|t| human::duration(app.now - t.timestamp()))
                    .unwrap_or_else(|| "-".into()),
            )),
        ]),
        Line::raw(format!(
            "replies per day: {} this week, {} the 4 weeks before",
            human::rate(r.pace.last_7_per_day),
            human::rate(r.pace.prior_28_per_day)
        )),
    ];
    if let Some(p) = &w.pace {
        lines.push(Line::styled(crate::domain::human::pace(p), theme.warning));
    }
    lines.push(Line::raw(""));

    // The period's days as sparklines (the latest ones that fit), with the latest
    // figure and the peak beside.
    let label_w = 24;
    let fit = width.saturating_sub(label_w + 26).clamp(7, 90);
    let days: Vec<_> = r.per_day.iter().rev().take(fit).rev().collect();
    let series: [Series; 4] = [
        (
            "median reply time",
            days.iter().map(|d| d.figures.median_secs).collect(),
            Box::new(|v| human::duration(v as i64)),
        ),
        (
            "answered in time",
            days.iter()
                .map(|d| d.figures.within_target_share.map(|s| s * 100.0))
                .collect(),
            Box::new(|v| format!("{v:.0}%")),
        ),
        (
            "replies per day",
            days.iter().map(|d| Some(d.replies as f64)).collect(),
            Box::new(|v| human::count(v as i64)),
        ),
        (
            "period's backlog",
            days.iter().map(|d| Some(d.backlog as f64)).collect(),
            Box::new(|v| human::count(v as i64)),
        ),
    ];
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        lines.push(Line::styled(
            format!(
                "{:<label_w$}{} → {}",
                if days.len() < r.per_day.len() {
                    "latest days"
                } else {
                    "days of the period"
                },
                first.day.format("%a %d %b"),
                last.day.format("%a %d %b")
            ),
            theme.muted,
        ));
    }
    for (label, values, fmt) in &series {
        let latest = values
            .iter()
            .rev()
            .flatten()
            .next()
            .map(|v| fmt(*v))
            .unwrap_or_else(|| "-".into());
        let max = values
            .iter()
            .flatten()
            .fold(None, |m: Option<f64>, v| Some(m.map_or(*v, |m| m.max(*v))));
        lines.push(Line::from(vec![
            Span::raw(format!("{label:<label_w$}")),
            Span::styled(spark(values), theme.accent),
            Span::styled(
                format!(
                    "  latest {latest}, peak {}",
                    max.map(fmt).unwrap_or_else(|| "-".into())
                ),
                theme.muted,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    let bar_w = width.saturating_sub(16 + 3 * 9 + 2 + 6).clamp(5, 30);
    lines.extend(group_lines(theme, "platform", &r.by_platform, bar_w));
    lines.push(Line::raw(""));
    lines.extend(group_lines(theme, "kind", &r.by_kind, bar_w));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "most engaged (conversations in the period)",
        theme.muted,
    ));
    for p in &r.top_people {
        lines.push(Line::raw(format!(
            "  {} {:<10} {:>4}  last contact {}",
            pad(&crate::domain::handle::in_list(&p.platform, &p.handle), 24),
            super::format::fit(&p.platform, 10),
            p.conversations,
            p.last_contact
                .map(|t| human::duration(app.now - t.timestamp()) + " ago")
                .unwrap_or_else(|| "never".into())
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "power users not contacted for more than {} days",
            app.config.people.stale_after_days
        ),
        theme.muted,
    ));
    if r.stale_power_users.is_empty() {
        lines.push(Line::styled(
            "  none: every power user heard from us lately",
            theme.within,
        ));
    }
    for p in &r.stale_power_users {
        lines.push(Line::styled(
            format!(
                "  {} {:<10} last contact {}",
                pad(&crate::domain::handle::in_list(&p.platform, &p.handle), 24),
                super::format::fit(&p.platform, 10),
                p.last_contact
                    .map(|t| human::duration(app.now - t.timestamp()) + " ago")
                    .unwrap_or_else(|| "never".into())
            ),
            theme.soon,
        ));
    }
    lines
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let title = match &app.stats.report {
        Some(r) => {
            let schedule = crate::domain::sla::Schedule::new(&app.config.working_hours);
            let title = format!(
                "response figures · {} ({} → {}) · {}",
                app.stats.period.label(),
                schedule.local_day(r.since).format("%a %-d %b %Y"),
                schedule.local_day(r.until).format("%a %-d %b"),
                crate::domain::human::counted_when(app.config.response.count_queued)
            );
            format!(
                " {} ",
                super::format::fit_words(&title, area.width.saturating_sub(4) as usize)
            )
        }
        None => " response figures ".into(),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .border_style(theme.focused_border);
    let lines = match &app.stats.report {
        Some(r) => report_lines(app, theme, r, block.inner(area).width as usize),
        None => vec![Line::styled("computing…", theme.muted)],
    };
    super::scroll::draw(
        frame,
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        block,
        area,
        app.stats.scroll,
        &app.scroll_limits.stats,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparks_and_bars() {
        assert_eq!(spark(&[Some(0.0), Some(5.0), None, Some(10.0)]), "▁▅ █");
        assert_eq!(spark(&[Some(0.0), Some(0.0)]), "▁▁");
        assert_eq!(bar(0.5, 10), "█████░░░░░");
        assert_eq!(bar(1.5, 4), "████");
    }
}
