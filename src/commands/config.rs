//! `rapport config`: the defaults and the effective configuration.

use super::Ctx;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::process::ExitCode;

/// Prints config/default.toml as embedded in the binary.
pub fn print_default() -> Result<ExitCode> {
    print!("{}", crate::config::DEFAULT_TOML);
    Ok(ExitCode::SUCCESS)
}

/// Prints the configuration in force: the defaults merged with the user's file.
pub fn print_effective(ctx: &Ctx) -> Result<ExitCode> {
    let text = toml::to_string_pretty(&ctx.config).context("writing the configuration as TOML")?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// Prints a completion script for `shell` on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut cmd, "rapport", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
