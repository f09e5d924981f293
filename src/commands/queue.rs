//! `rapport queue`: the open items in the order of the screen's queue, each with its
//! suggested step and why, as text or JSON (for scripts and a glance from a shell).

use super::Ctx;
use crate::cli::QueueArgs;
use crate::domain::{human, sanitize, target};
use crate::model::inbox::{Direction, Listing};
use crate::store::{detail, inbox};
use anyhow::Result;
use chrono::{SecondsFormat, TimeZone, Utc};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Rows read from the store at a time.
const PAGE: usize = 500;

/// One item of the queue, as printed by `--json`.
#[derive(Debug, Serialize)]
pub struct QueueItem {
    pub id: i64,
    pub platform: String,
    pub external_id: String,
    pub kind: String,
    pub author: String,
    /// reply, thank, like, dismiss or tag_power_user.
    pub suggested: &'static str,
    pub reason: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub due_at: String,
    pub over_target: bool,
    pub body: String,
}

/// Prints the queue.
pub fn run(ctx: &Ctx, args: &QueueArgs) -> Result<ExitCode> {
    let now = Utc::now().timestamp();
    let limit = if args.all { usize::MAX } else { args.limit };
    let items = items(ctx, now, limit)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
    } else if items.is_empty() {
        writeln!(out, "the queue is empty: nothing open")?;
    } else {
        for item in &items {
            print_text(&mut out, item, now)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The first `limit` open items at `now`, in queue order. A writable file is brought up
/// to date first, as the screen does on a refresh (woken snoozes, stale items moved).
pub fn items(ctx: &Ctx, now: i64, limit: usize) -> Result<Vec<QueueItem>> {
    let mut conn = if ctx.db.exists() {
        let (mut conn, read_only) = crate::store::open_for_screen(&ctx.db)?;
        if !read_only {
            inbox::keep_up(&mut conn, &ctx.config, now)?;
        }
        conn
    } else {
        // Says there is no database and how to make one.
        crate::store::open_existing(&ctx.db)?
    };
    let conn = &mut conn;
    let mut items = Vec::new();
    let mut from = None;
    while items.len() < limit {
        let want = PAGE.min(limit - items.len());
        let rows = inbox::page(conn, &Listing::Queue, from, Direction::Forward, want, now)?;
        let Some(last) = rows.last() else { break };
        from = Some((last.rank, last.id));
        let done = rows.len() < want;
        for row in rows {
            let Some(d) = detail::load(conn, row.id, now)? else {
                continue;
            };
            let Some(s) = d.suggestion(now, &ctx.config.power_users) else {
                continue;
            };
            let m = &d.mention;
            items.push(QueueItem {
                id: m.id,
                platform: m.platform.clone(),
                external_id: m.external_id.clone(),
                kind: m.kind.as_str().to_string(),
                author: d.author.handle.clone(),
                suggested: s.step.as_str(),
                reason: s.reason,
                created_at: rfc3339(m.created_at),
                due_at: rfc3339(m.due_at),
                over_target: target::is_over(m.due_at, now),
                body: m.body.clone(),
            });
        }
        if done {
            break;
        }
    }
    Ok(items)
}

fn rfc3339(secs: i64) -> String {
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Two lines an item: where it stands and what to do, then the start of its text.
fn print_text(out: &mut impl Write, item: &QueueItem, now: i64) -> std::io::Result<()> {
    let due = chrono::DateTime::parse_from_rfc3339(&item.due_at)
        .map(|t| t.timestamp())
        .unwrap_or(now);
    let standing = if item.over_target {
        format!("over by {}", human::duration(now - due))
    } else {
        format!("due in {}", human::duration(due - now))
    };
    writeln!(
        out,
        "{:>7}  {:<13} {} {} {}  → {}",
        item.id,
        standing,
        sanitize::one_line(&item.platform),
        item.kind,
        sanitize::one_line(&crate::domain::handle::in_list(
            &item.platform,
            &item.author
        )),
        sanitize::one_line(&item.reason)
    )?;
    let text: String = sanitize::one_line(&item.body).chars().take(100).collect();
    writeln!(out, "         {text}")
}
