//! Headless subcommands. Each takes the resolved context and returns the exit code.

pub mod accounts;
pub mod check;
pub mod config;
pub mod demo;
pub mod export;
pub mod gen;
pub mod import;
mod import_paths;
mod import_reader;
pub mod outbox;
pub mod pull;
pub mod queue;
pub mod send;
pub mod stats;

use crate::cli::{Cli, Command};
use crate::config::Config;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// What every command needs: where the database is and the loaded config.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    /// Whether --db (or RAPPORT_DB) named the file.
    pub db_given: bool,
    pub config: Config,
}

/// Runs the command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    // `config --default` and completions must work even with a broken config file.
    match &cli.command {
        Some(Command::Config(args)) if args.default => return config::print_default(),
        Some(Command::Completions { shell }) => return config::completions(*shell),
        _ => {}
    }
    let headless = !matches!(
        &cli.command,
        None | Some(Command::Demo(crate::cli::DemoArgs { no_open: false, .. }))
    );
    if headless {
        quiet_broken_pipe();
    }
    let config = crate::config::load(cli.config.as_deref())?;
    let ctx = Ctx {
        db_given: cli.db.is_some(),
        db: cli
            .db
            .clone()
            .unwrap_or_else(crate::config::paths::default_db),
        config,
    };
    match cli.command {
        Some(Command::Config(_)) => config::print_effective(&ctx),
        Some(Command::Import(args)) => import::run(&ctx, &args),
        Some(Command::Gen(args)) => gen::run(&args),
        Some(Command::Demo(args)) => demo::run(&ctx, &args),
        Some(Command::Stats(args)) => stats::run(&ctx, &args),
        Some(Command::Check) => check::run(&ctx),
        Some(Command::Queue(args)) => queue::run(&ctx, &args),
        Some(Command::Export(args)) => export::run(&ctx, &args),
        Some(Command::Send) => send::run(&ctx),
        Some(Command::Outbox(args)) => outbox::run(&ctx, &args),
        Some(Command::Pull(args)) => pull::run(&ctx, &args),
        Some(Command::Accounts) => accounts::run(&ctx),
        Some(Command::Completions { shell }) => config::completions(shell),
        None => open_app(&ctx),
    }
}

/// A headless command whose output is cut short (`rapport stats | head`) ends quietly,
/// as Unix tools do, instead of failing on a closed pipe. Not for the screen: there a
/// closed terminal must still let queued writes finish.
fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Opens the inbox screen on `ctx.db`.
pub fn open_app(ctx: &Ctx) -> Result<ExitCode> {
    // Only import, demo and pull create a database: a mistyped --db must not open a
    // new, empty inbox as if it were the real one.
    if !ctx.db.exists() {
        anyhow::bail!(
            "no database at {}: import mentions first (rapport import FILE), pull your accounts (rapport pull), try the demo (rapport demo), or check --db",
            ctx.db.display()
        );
    }
    crate::tui::run(&ctx.db, &ctx.config)?;
    Ok(ExitCode::SUCCESS)
}
