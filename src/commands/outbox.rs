//! `rapport outbox [--json]`: what waits to go out, what is being handed over, and
//! the recent outcomes (sent with the platform's url, failed or unknown with why).

use super::Ctx;
use crate::cli::OutboxArgs;
use crate::delivery::clean;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

/// Finished actions listed at most.
const RECENT: i64 = 100;

pub fn run(ctx: &Ctx, args: &OutboxArgs) -> Result<ExitCode> {
    let conn = crate::store::open_existing(&ctx.db)?;
    let now = chrono::Utc::now().timestamp();
    let rows = crate::store::outbox::list(&conn, args.days.max(0), RECENT, now)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "the outbox is empty")?;
        return Ok(ExitCode::SUCCESS);
    }
    let undo = ctx.config.delivery.undo_seconds as i64;
    for r in &rows {
        let when = match r.state.as_str() {
            "queued" => {
                let due = r.next_attempt_at.unwrap_or(r.created_at + undo);
                if due > now {
                    format!("in {}s", due - now)
                } else {
                    "due".into()
                }
            }
            _ => r
                .sent_at
                .map(|t| {
                    crate::store::from_secs(t)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default(),
        };
        let detail = match r.state.as_str() {
            "sent" => r
                .remote_url
                .clone()
                .or(r.remote_id.clone())
                .unwrap_or_default(),
            _ => r.last_error.clone().unwrap_or_default(),
        };
        writeln!(
            out,
            "{:>7} {:<9} {:<6} {:<10} {:>2} {:<16} {:<17} {:<30} {}",
            r.action_id,
            r.state,
            r.kind,
            clean(&r.platform, 10),
            r.attempts,
            when,
            crate::domain::handle::in_list(
                &r.platform,
                &clean(r.author.as_deref().unwrap_or("?"), 16)
            ),
            clean(&r.body, 30),
            clean(&detail, 120)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
