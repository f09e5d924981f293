//! `rapport stats`: the response figures of the stats view, as text or JSON. Without
//! `--since`, over the whole history; without `--until`, up to now (the per-day figures
//! cover the last 90 days of the period at most). What is open is always as of now.

use super::Ctx;
use crate::cli::StatsArgs;
use crate::domain::sanitize::one_line;
use crate::model::report::{Figures, Report};
use crate::store::stats::Summary;
use anyhow::{Context, Result};
use chrono::{Local, NaiveDate, TimeZone};
use serde::Serialize;
use std::process::ExitCode;

/// The JSON document: the headline summary (per account) and the full report.
#[derive(Serialize)]
struct Document {
    #[serde(flatten)]
    summary: Summary,
    report: Report,
}

/// Prints the figures.
pub fn run(ctx: &Ctx, args: &StatsArgs) -> Result<ExitCode> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let conn = crate::store::open_existing(&ctx.db)?;
    let now = chrono::Utc::now().timestamp();
    // The end of the --until day: the next day's local midnight, less a second.
    let until = match args.until.as_deref() {
        Some(day) => {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .with_context(|| format!("--until {day:?}: expected a day like 2026-11-30"))?;
            let next = date
                .succ_opt()
                .context("--until: no day after that one")?
                .format("%Y-%m-%d")
                .to_string();
            (parse_since(&next)? - 1).min(now)
        }
        None => now,
    };
    if since.is_some_and(|s| s > until) {
        anyhow::bail!("--since is after --until: no day is in that period; swap them");
    }
    let summary = crate::store::stats::summary(&conn, since.unwrap_or(i64::MIN), until)?;
    let report_since = match since {
        Some(s) => s,
        None => crate::store::stats::first_mention_at(&conn)?.unwrap_or(now),
    };
    let report =
        crate::store::report::report_between(&conn, &ctx.config, report_since, until, now)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&Document { summary, report })?
        );
        return Ok(ExitCode::SUCCESS);
    }
    print_text(&summary, &report, &ctx.config);
    Ok(ExitCode::SUCCESS)
}

fn figures_row(name: &str, f: &Figures) -> String {
    format!(
        "{:<18} {:>9} {:>9} {:>12} {:>12} {:>8}",
        one_line(name),
        f.mentions,
        f.answered,
        crate::domain::human::figure(f.median_secs),
        crate::domain::human::figure(f.p90_secs),
        share(f.within_target_share)
    )
}

fn header(first: &str) -> String {
    format!(
        "{first:<18} {:>9} {:>9} {:>12} {:>12} {:>8}",
        "mentions", "answered", "median", "90th pct", "in time"
    )
}

fn print_text(summary: &Summary, r: &Report, config: &crate::config::Config) {
    let w = &r.warnings;
    println!(
        "from {} to {} ({})",
        r.since.format("%Y-%m-%d %H:%M"),
        r.until.format("%Y-%m-%d %H:%M UTC"),
        crate::domain::human::counted_when(config.response.count_queued)
    );
    println!();
    println!("{}", header(""));
    println!("{}", figures_row("all", &r.overall));
    println!();
    println!(
        "now, whatever the period: {} open, {} over target, {} due within {} min, {} done today",
        w.open, w.over_target, w.due_soon, config.pace.due_soon_minutes, w.done_today
    );
    if let Some(oldest) = w.oldest_open_at {
        println!(
            "oldest open item written {}",
            oldest.with_timezone(&Local).format("%Y-%m-%d %H:%M")
        );
    }
    println!(
        "replies per day: {:.1} over the last 7 days, {:.1} over the 28 before",
        r.pace.last_7_per_day, r.pace.prior_28_per_day
    );
    if let Some(p) = &w.pace {
        println!("warning: {}", crate::domain::human::pace(p));
    }
    for (title, groups) in [("platform", &r.by_platform), ("kind", &r.by_kind)] {
        println!("\n{}", header(title));
        for g in groups {
            println!("{}", figures_row(&g.name, &g.figures));
        }
    }
    println!("\n{}  {:>8} {:>8}", header("day"), "replies", "backlog");
    for d in &r.per_day {
        println!(
            "{}  {:>8} {:>8}",
            figures_row(&d.day.format("%a %Y-%m-%d").to_string(), &d.figures),
            d.replies,
            d.backlog
        );
    }
    if !summary.by_account.is_empty() {
        println!(
            "\n{:<24} {:>9} {:>9} {:>12}",
            "account", "mentions", "answered", "median"
        );
        for a in &summary.by_account {
            println!(
                "{:<24} {:>9} {:>9} {:>12}",
                one_line(&a.account),
                a.mentions,
                a.answered,
                crate::domain::human::figure(a.median_first_response_secs)
            );
        }
    }
    println!("\nmost engaged people (by conversations)");
    for p in &r.top_people {
        println!(
            "  {:<29} {:<10} {:>5}",
            crate::domain::handle::in_list(&p.platform, &one_line(&p.handle)),
            p.platform,
            p.conversations
        );
    }
    if !r.stale_power_users.is_empty() {
        println!(
            "\npower users not contacted for more than {} days",
            config.people.stale_after_days
        );
        for p in &r.stale_power_users {
            let last = p
                .last_contact
                .map(|t| t.with_timezone(&Local).format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "never".into());
            println!(
                "  {:<29} {:<10} last contact {last}",
                crate::domain::handle::in_list(&p.platform, &one_line(&p.handle)),
                p.platform
            );
        }
    }
}

/// `--since YYYY-MM-DD`: local midnight of that day, as Unix seconds.
pub fn parse_since(day: &str) -> Result<i64> {
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .with_context(|| format!("--since {day:?}: expected a day like 2026-11-01"))?;
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .context("--since: no midnight that day")?;
    Ok(Local
        .from_local_datetime(&midnight)
        .earliest()
        .context("--since: that midnight does not exist in the local time zone")?
        .timestamp())
}

fn share(s: Option<f64>) -> String {
    s.map(|s| format!("{:.0}%", s * 100.0))
        .unwrap_or_else(|| "-".into())
}
