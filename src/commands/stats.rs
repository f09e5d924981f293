//! `rapport stats`: mentions, answered mentions and median first-response time,
//! overall and per account, as text or JSON.

use super::Ctx;
use crate::cli::StatsArgs;
use anyhow::{Context, Result};
use chrono::{Local, NaiveDate, TimeZone};
use std::process::ExitCode;

/// Prints the summary.
pub fn run(ctx: &Ctx, args: &StatsArgs) -> Result<ExitCode> {
    let since = match &args.since {
        Some(day) => {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .with_context(|| format!("--since {day:?}: expected a day like 2026-11-01"))?;
            let midnight = date
                .and_hms_opt(0, 0, 0)
                .context("--since: no midnight that day")?;
            Local
                .from_local_datetime(&midnight)
                .earliest()
                .context("--since: that midnight does not exist in the local time zone")?
                .timestamp()
        }
        None => i64::MIN,
    };
    let conn = crate::store::open_existing(&ctx.db)?;
    let summary = crate::store::stats::summary(&conn, since)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("mentions                {}", summary.mentions);
    println!("answered                {}", summary.answered);
    println!(
        "median first response   {}",
        human(summary.median_first_response_secs)
    );
    if !summary.by_account.is_empty() {
        println!(
            "\n{:<24} {:>8} {:>8} {:>14}",
            "account", "mentions", "answered", "median reply"
        );
        for a in &summary.by_account {
            println!(
                "{:<24} {:>8} {:>8} {:>14}",
                crate::domain::sanitize::one_line(&a.account),
                a.mentions,
                a.answered,
                human(a.median_first_response_secs)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
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

/// "1 h 05 min", "12 min", "40 s", or "-" when there is nothing to measure.
fn human(secs: Option<f64>) -> String {
    match secs {
        None => "-".into(),
        Some(s) if s < 60.0 => format!("{s:.0} s"),
        Some(s) if s < 3600.0 => format!("{:.0} min", s / 60.0),
        Some(s) => format!(
            "{} h {:02} min",
            (s / 3600.0) as i64,
            ((s % 3600.0) / 60.0) as i64
        ),
    }
}
