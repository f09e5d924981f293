//! `rapport send`: one delivery run, for cron or a systemd timer. Delivers what is
//! due (waiting at per-minute limits), then prints one line: "sent 12, failed 1,
//! unknown 0, waiting 3: 3 no sender for twitter". A progress bar on a terminal.
//! Exit 0 when nothing failed and nothing is unknown, 1 otherwise, 2 on an error.

use super::Ctx;
use crate::delivery::{spawn_once, Progress};
use crate::store::outbox::Outcome;
use anyhow::{anyhow, Result};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Problems listed one per line after the summary, at most.
const LIST: usize = 20;

enum Event {
    Progress(Progress),
    Error(String),
}

pub fn run(ctx: &Ctx) -> Result<ExitCode> {
    // Headless commands die on a closed pipe (see commands::run); here a sender that
    // exits without reading its input must not take rapport down mid-delivery.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition before any delivery thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // Refuse a missing file rather than create an empty database.
    drop(crate::store::open_existing(&ctx.db)?);
    let (tx, rx) = crossbeam_channel::unbounded();
    let errors = tx.clone();
    let handle = spawn_once(
        ctx.db.clone(),
        ctx.config.clone(),
        move |p| {
            let _ = tx.send(Event::Progress(p));
        },
        move |e| {
            let _ = errors.send(Event::Error(e));
        },
    )?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut problems = Vec::new();
    let mut summary = None;
    for event in rx {
        match event {
            Event::Error(e) => {
                if let Some(bar) = &bar {
                    bar.abandon();
                }
                handle.join();
                return Err(anyhow!("delivering: {e}"));
            }
            Event::Progress(p) => match p {
                Progress::Due(n) => {
                    if let Some(bar) = &bar {
                        bar.set_length(n);
                    }
                }
                Progress::Recovered(r) => {
                    if r.unknown > 0 {
                        problems.push(format!(
                            "{} action(s) were being handed over by a run that stopped: now unknown",
                            r.unknown
                        ));
                    }
                }
                Progress::Sending { platform, .. } => {
                    if let Some(bar) = &bar {
                        bar.set_message(format!("sending on {platform}"));
                    }
                }
                Progress::Done {
                    action_id,
                    platform,
                    outcome,
                } => {
                    if let Some(bar) = &bar {
                        bar.inc(1);
                    }
                    match outcome {
                        Outcome::Failed { error } => problems
                            .push(format!("failed: action {action_id} on {platform}: {error}")),
                        Outcome::Unknown { error } => problems.push(format!(
                            "unknown: action {action_id} on {platform}: {error}"
                        )),
                        _ => {}
                    }
                }
                Progress::Limited { until } => {
                    if let Some(bar) = &bar {
                        bar.set_message(format!(
                            "at the per-minute limit until {}",
                            crate::store::from_secs(until).format("%H:%M:%S UTC")
                        ));
                    }
                }
                Progress::Finished(s) => summary = Some(s),
            },
        }
    }
    handle.join();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = summary.ok_or_else(|| anyhow!("the delivery run ended without a summary"))?;
    // Written, not println!: with SIGPIPE ignored a closed stdout is an error to
    // shrug off, not a panic; the outcomes are in the database either way.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", summary.line());
    for line in problems.iter().take(LIST) {
        let _ = writeln!(out, "  {line}");
    }
    if problems.len() > LIST {
        let _ = writeln!(
            out,
            "  … and {} more (rapport outbox)",
            problems.len() - LIST
        );
    }
    Ok(if summary.all_sent() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
