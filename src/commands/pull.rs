//! `rapport pull [NAME...]`: new mentions from the live accounts, one line each:
//! "northwind: 4 new (12 pages)" or what went wrong. Exit 0 when every account
//! answered, 1 when one failed, 2 on an error (an unknown name, the database).

use super::Ctx;
use crate::config::accounts::Account;
use anyhow::{bail, Result};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: &crate::cli::PullArgs) -> Result<ExitCode> {
    let accounts = chosen(ctx, &args.names)?;
    let mut conn = crate::store::open(&ctx.db)?;
    let live = std::io::stderr().is_terminal();
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for account in accounts {
        let result = crate::platforms::connect(account)
            .map_err(anyhow::Error::from)
            .and_then(|mut platform| {
                let name = account.name.clone();
                platform.on_wait(std::sync::Arc::new(move |message: &str| {
                    // Over the progress line when there is one.
                    let clear = if live { "\r\x1b[K" } else { "" };
                    eprintln!("{clear}{name}: {message}");
                }));
                crate::platforms::pull_account(
                    &mut conn,
                    &ctx.config,
                    account,
                    platform.as_mut(),
                    &mut |p| {
                        if live {
                            eprint!("\r{}…", p.line());
                        }
                    },
                )
            });
        if live {
            eprint!("\r\x1b[K");
        }
        match result {
            Ok(summary) => {
                let _ = writeln!(out, "{}", summary.line());
            }
            Err(e) => {
                failed = true;
                tracing::warn!(account = %account.name, "pull failed: {e:#}");
                let _ = writeln!(out, "{}: {e:#}", account.name);
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The accounts named (all when none is), refusing unknown names.
pub fn chosen<'c>(ctx: &'c Ctx, names: &[String]) -> Result<Vec<&'c Account>> {
    let all = &ctx.config.accounts;
    if all.is_empty() {
        bail!("no accounts are configured: add an [[accounts]] entry to the config (see `rapport config --default`)");
    }
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            all.iter().find(|a| &a.name == n).ok_or_else(|| {
                anyhow::anyhow!(
                    "no account is named {}; configured: {}",
                    crate::domain::sanitize::shown(n),
                    all.iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}
