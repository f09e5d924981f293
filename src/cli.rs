//! The command line, as clap definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keep a brand's social-media relationships in one local inbox, and triage it from
/// the keyboard: best first, one mention at a time, by a person, not a robot.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, after_help = after_help())]
pub struct Cli {
    /// The database file [default: see below]
    #[arg(long, global = true, env = "RAPPORT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// A config file merged over the defaults [default: see below]
    #[arg(long, global = true, env = "RAPPORT_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import mentions from NDJSON, CSV or a TWCS customer-support export
    Import(ImportArgs),
    /// Build a realistic demo inbox in its own database and summarize it
    Demo(DemoArgs),
    /// Write generated mentions as NDJSON (for trying rapport at scale)
    Gen(GenArgs),
    /// Response figures: median and 90th-percentile first response, share within target,
    /// per day, platform, kind and account; replies per day; backlog; people
    Stats(StatsArgs),
    /// Exit 1 and list the items over target when anything is late or the reply pace
    /// dropped; exit 0 otherwise (for cron or a status bar)
    Check,
    /// Print the open items in the order of the screen's queue, each with its suggested
    /// step and why
    Queue(QueueArgs),
    /// Export mentions, people or actions as CSV or NDJSON
    Export(ExportArgs),
    /// Deliver the queued replies, thanks and likes that are due, then exit (for cron or
    /// a systemd timer): exit 0 when all went out, 1 when one failed or is unknown
    Send,
    /// Pull new mentions from the live accounts ([[accounts]]): all, or those named;
    /// exit 0 when every account answered, 1 when one failed
    Pull(PullArgs),
    /// List the live accounts and check each: who we are, whether the token is
    /// accepted, the rate-limit budget left
    Accounts,
    /// List the outbox: actions not sent yet, and recent sent, failed or unknown ones
    Outbox(OutboxArgs),
    /// Show the configuration
    Config(ConfigArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Guess from the content
    Auto,
    /// rapport's canonical format: one JSON mention per line
    Ndjson,
    /// CSV with a header of rapport's column names (see --map)
    Csv,
    /// The "Customer Support on Twitter" (TWCS) layout
    Twcs,
    /// Mastodon notifications (GET /api/v1/notifications) or a status context
    Mastodon,
    /// Bluesky app.bsky.notification.listNotifications output
    Bluesky,
    /// X API v2 mentions timeline with expansions=author_id
    XApi,
    /// The X data archive's tweets.js
    XArchive,
    /// YouTube Data API v3 commentThreads.list
    Youtube,
    /// Reddit listings of comments or the inbox
    Reddit,
    /// Facebook Graph API comments on a post
    Facebook,
    /// Instagram Graph API comments on a post
    Instagram,
    /// A saved Twilio Messages list (GET .../Messages.json)
    Twilio,
}

impl InputFormat {
    /// The format to read (`None`: detect it from the content).
    pub fn format(self) -> Option<crate::ingest::Format> {
        use crate::ingest::Format;
        Some(match self {
            InputFormat::Auto => return None,
            InputFormat::Ndjson => Format::Ndjson,
            InputFormat::Csv => Format::Csv,
            InputFormat::Twcs => Format::Twcs,
            InputFormat::Mastodon => Format::Mastodon,
            InputFormat::Bluesky => Format::Bluesky,
            InputFormat::XApi => Format::XApi,
            InputFormat::XArchive => Format::XArchive,
            InputFormat::Youtube => Format::Youtube,
            InputFormat::Reddit => Format::Reddit,
            InputFormat::Facebook => Format::Facebook,
            InputFormat::Instagram => Format::Instagram,
            InputFormat::Twilio => Format::Twilio,
        })
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or folders to import ("-" for standard input); a folder's files are
    /// imported one by one, in name order (not its subfolders, nor hidden files)
    #[arg(required = true, value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// The files' format
    #[arg(long, value_enum, default_value = "auto")]
    pub format: InputFormat,
    /// Import the valid records and list the invalid lines instead of stopping
    #[arg(long)]
    pub skip_invalid: bool,
    /// For CSV: take column COL as rapport's FIELD (e.g. --map "Tweet Text=body")
    #[arg(long = "map", value_name = "COL=FIELD")]
    pub map: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many mentions to generate
    #[arg(long, default_value_t = 2400)]
    pub count: usize,
    /// Build the demo database and print its summary without opening the app
    #[arg(long)]
    pub no_open: bool,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// How many mentions to write
    #[arg(long, default_value_t = 10_000)]
    pub count: usize,
    /// Output file ("-" for standard output)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the generator: the same seed and count give the same file
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only mentions created on or after this day (YYYY-MM-DD, local time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only mentions created on or before this day (YYYY-MM-DD, local time; the whole
    /// day counts)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    /// How many items to print, from the top of the queue
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print every open item (overrides --limit)
    #[arg(long)]
    pub all: bool,
    /// Print JSON (one array) instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    Mentions,
    People,
    Actions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub what: ExportWhat,
    /// Output format
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Output file [default: standard output]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Only rows on this platform
    #[arg(long)]
    pub platform: Option<String>,
    /// Only mentions in this status (open, snoozed, done)
    #[arg(long)]
    pub status: Option<String>,
    /// Only rows created on or after this day (YYYY-MM-DD, local time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Account names (default: every account)
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// Print JSON (one array) instead of text
    #[arg(long)]
    pub json: bool,
    /// Include finished actions of the last DAYS days
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub days: i64,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the built-in defaults, documented line by line
    #[arg(long)]
    pub default: bool,
}

fn after_help() -> String {
    format!(
        "Files:\n  database  {}\n  demo      {}\n  config    {}\n  logs      {}",
        crate::config::paths::default_db().display(),
        crate::config::paths::demo_db().display(),
        crate::config::paths::default_config().display(),
        crate::config::paths::log_dir().display(),
    )
}
