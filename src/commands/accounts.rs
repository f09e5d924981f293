//! `rapport accounts`: each live account, checked against its server: who we are
//! there, whether the token is accepted (or the exact reason not), and the
//! rate-limit budget left. Exit 0 when every account answered, 1 otherwise.

use super::Ctx;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx) -> Result<ExitCode> {
    let accounts = super::pull::chosen(ctx, &[])?;
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for account in accounts {
        let _ = writeln!(
            out,
            "{} ({} on {})",
            account.name,
            account.platform.as_str(),
            account.host()
        );
        let checked = crate::platforms::connect(account).and_then(|mut p| p.check());
        match checked {
            Ok(check) => {
                let _ = writeln!(out, "  signed in as {}: token accepted", check.who);
                if let Some(left) = check.remaining {
                    let reset = check
                        .reset
                        .map(|r| format!(", window resets at {r}"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  rate limit: {left} requests left{reset}");
                }
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(out, "  {e}");
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
