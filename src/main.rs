//! The rapport binary: parse the command line, start logging, dispatch.

#![deny(clippy::unwrap_used, clippy::panic)]

use clap::Parser;
use std::process::ExitCode;

// An import reads records on one thread and writes them on another, so most of its
// allocations are freed by a thread other than the one that made them, which glibc's
// allocator handles slowly (a tenth of the writer's time freeing, in `perf`). With
// mimalloc, 1,000,000 generated mentions took 5 s less CPU and 2 s less time. Built
// without its transparent huge pages (feature `no_thp`): with them, the screen's
// threads held 41-47 MB at their peak instead of 21 MB, for no gain in the import.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Everything rapport writes (the database, logs, exports, its folders) holds
    // customers' words: readable by the user only, whatever the shell's umask.
    #[cfg(unix)]
    // SAFETY: umask only sets this process's file-creation mask; no thread runs yet.
    unsafe {
        libc::umask(0o077);
    }
    let cli = rapport::cli::Cli::parse();
    let _log = start_logging();
    // `check` says "late" and `send` "not all sent" with 1, so their own failures
    // need another code.
    let failure = match cli.command {
        Some(
            rapport::cli::Command::Check
            | rapport::cli::Command::Send
            | rapport::cli::Command::Pull(_)
            | rapport::cli::Command::Accounts,
        ) => ExitCode::from(2),
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
    // A log folder we cannot write (another user's, a read-only home) means no log,
    // never a failed start.
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("rapport.log")
        .build(dir)
        .ok()?;
    // The default queue holds 128,000 lines, allocated and touched at start: a few
    // milliseconds before the first frame. Warnings come a few at a time; a burst of
    // debug lines waits for the writer rather than being dropped.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(4096)
        .lossy(false)
        .finish(appender);
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
