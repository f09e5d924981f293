//! `rapport check`: for cron or a status bar. Exits 1 and lists the open items over
//! their target (and says why the reply pace worries) when anything needs attention;
//! exits 0 and prints one line otherwise.

use super::Ctx;
use crate::domain::{human, sanitize::one_line};
use anyhow::Result;
use std::process::ExitCode;

/// Items listed at most.
const LIST: usize = 50;

pub fn run(ctx: &Ctx) -> Result<ExitCode> {
    let conn = crate::store::open_existing(&ctx.db)?;
    let now = chrono::Utc::now().timestamp();
    crate::store::wake_snoozed_in(&ctx.db, now)?;
    let w = crate::store::warnings::current(&conn, &ctx.config, now)?;
    if w.over_target == 0 && w.pace.is_none() {
        println!(
            "ok: {} open, none over target, {} due within {} min",
            w.open, w.due_soon, ctx.config.pace.due_soon_minutes
        );
        return Ok(ExitCode::SUCCESS);
    }
    if w.over_target > 0 {
        println!("{} open item(s) over target:", w.over_target);
        for item in crate::store::warnings::over_target(&conn, now, LIST)? {
            println!(
                "  {:>6} over  {:<10} {:<15} {}: {}",
                human::duration(now - item.due_at),
                one_line(&item.platform),
                item.kind.as_str(),
                one_line(&crate::domain::handle::in_list(
                    &item.platform,
                    &item.handle
                )),
                human::first_words(&item.preview, 8)
            );
        }
        if w.over_target > LIST as u64 {
            println!(
                "  … and {} more (rapport, then f: over target)",
                w.over_target - LIST as u64
            );
        }
    }
    if let Some(p) = &w.pace {
        println!("{}", crate::domain::human::pace(p));
    }
    Ok(ExitCode::from(1))
}
