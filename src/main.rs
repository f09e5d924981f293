//! The rapport binary: parse the command line, start logging, dispatch.

#![deny(clippy::unwrap_used, clippy::panic)]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = rapport::cli::Cli::parse();
    let _log = start_logging();
    // `check` says "late" and `send` "not all sent" with 1, so their own failures
    // need another code.
    let failure = match cli.command {
        Some(rapport::cli::Command::Check | rapport::cli::Command::Send) => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    };
    match rapport::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("rapport: {e:#}");
            failure
        }
    }
}

/// Logs go to a file in the state folder (never to the screen, which the app owns);
/// the level comes from RAPPORT_LOG (e.g. RAPPORT_LOG=debug), warnings by default.
fn start_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = rapport::config::paths::log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::daily(dir, "rapport.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
