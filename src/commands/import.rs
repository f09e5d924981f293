//! `rapport import PATH...`: each file in one transaction, recorded in the imports log.
//! A folder stands for the files in it (sorted by name; not its subfolders, nor
//! hidden files), each detected and imported on its own: one bad file says so and
//! the others are imported all the same.
//!
//! A reader thread parses, sanitizes and reads the signals of each record (VADER is
//! the costly part) and hands batches to this thread, which owns the connection and
//! writes; a bounded channel keeps memory flat on files of millions of lines.

use super::import_paths::{files, Total};
use super::{import_reader, Ctx};
use crate::cli::ImportArgs;
use crate::config::Config;
use crate::ingest::{self, reader, Fatal, Format, Parsed};
use crate::store::import::{ImportCounts, Importer};
use crate::store::imports_log::{self, FileEntry, PastImport};
use crate::store::Connection;
use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, Utc};
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

/// How to read the files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `None`: detect from the content.
    pub format: Option<Format>,
    pub skip_invalid: bool,
    /// `COL=FIELD` pairs for CSV.
    pub map: Vec<String>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Imported {
        format: Format,
        counts: ImportCounts,
        /// Invalid records skipped (with --skip-invalid).
        skipped: u64,
        /// Valid rows with nothing to import (TWCS brand tweets answering nobody).
        ignored: u64,
    },
    AlreadyImported(PastImport),
    /// No records at all: nothing written.
    Empty,
}

/// Runs the subcommand.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<ExitCode> {
    let options = Options {
        format: args.format.format(),
        skip_invalid: args.skip_invalid,
        map: args.map.clone(),
        progress: std::io::stderr().is_terminal(),
    };
    // A first import that fails (a malformed file, a full disk) must not leave an
    // empty database and its journal behind: remove what it created.
    let fresh = !ctx.db.exists();
    let mut conn = match crate::store::open(&ctx.db) {
        Ok(conn) => conn,
        Err(e) => {
            if fresh {
                crate::store::remove_files(&ctx.db);
            }
            return Err(e);
        }
    };
    let mut failed = false;
    let mut imported = false;
    let mut total = Total::default();
    for path in files(&args.files, &mut failed) {
        let name = display_name(&path);
        match import_file(&mut conn, &ctx.config, &path, &options, Utc::now()) {
            Ok(outcome) => {
                imported |= matches!(outcome, Outcome::Imported { .. });
                total.add(Some(&outcome));
                println!("{}", summary(&name, &outcome));
            }
            Err(e) => {
                failed = true;
                total.add(None);
                eprintln!("rapport: {e:#}");
            }
        }
    }
    if total.files > 1 {
        println!("{}", total.line());
    }
    if fresh && failed && !imported {
        drop(conn);
        crate::store::remove_files(&ctx.db);
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The one-line summary of a file's import.
pub fn summary(name: &str, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Imported {
            format,
            counts,
            skipped,
            ignored,
        } => format!(
            "{name}: {} records ({format}): {} mentions added, {} replies added, {} people added, {skipped} skipped{}",
            counts.records,
            counts.mentions_added,
            counts.replies_added,
            counts.people_added,
            if *ignored > 0 { format!(", {ignored} ignored ({})", ignored_what(*format)) } else { String::new() }
        ),
        Outcome::AlreadyImported(past) => format!(
            "{name}: already imported on {} (as {}); nothing to do",
            crate::store::from_secs(past.finished_at)
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M"),
            past.source
        ),
        Outcome::Empty => format!("{name}: empty, nothing to import"),
    }
}

/// What a format's ignored records are.
fn ignored_what(format: Format) -> &'static str {
    match format {
        Format::Twcs => "brand tweets answering nobody",
        Format::XArchive => "our posts answering nobody",
        Format::Reddit => "posts and \"more\" stubs",
        Format::Twilio => "our own messages answering nothing in the file",
        _ => "not messages to answer: likes, reposts, follows, our own posts",
    }
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// Imports one file ("-": standard input) in one transaction. Any invalid record
/// (without `skip_invalid`) or error leaves the database as it was.
pub fn import_file(
    conn: &mut Connection,
    config: &Config,
    path: &Path,
    options: &Options,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let name = display_name(path);
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if path == Path::new("-") {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(path).with_context(|| format!("{name}: cannot open"))?;
        // A pipe (`<(...)`) has no size, and a second reader would take its bytes.
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        (Box::new(file), size)
    };
    // A file seen before should say so at once, not after a full pass: a second
    // thread hashes it ahead of the import, which stops as soon as the hash is known.
    // Only when the log holds a file of its size: otherwise that pass is a second
    // hash of every byte, on a core the import keeps busy (0.3 s of CPU at 550 MB).
    let early_hash = match size {
        Some(size) if imports_log::may_hold(conn, size)? => Some(spawn_hasher(path)),
        _ => None,
    };
    let (hashing, tally) = reader::HashingReader::new(input);
    let buffered: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(1 << 16, hashing));
    let (format, records) =
        ingest::records(buffered, options.format, &options.map).map_err(|f| located(&name, &f))?;
    let bar = options.progress.then(|| progress_bar(&name, size));
    let (batches, reader_thread) = import_reader::spawn(records);
    let freer = import_reader::spawn_freer();
    let mut importer = Importer::begin(conn, config, now)?;
    let (mut skipped, mut ignored) = (0u64, 0u64);
    let mut early_hash = early_hash;
    for batch in batches.iter() {
        if let Some(hash) = early_hash.as_ref().and_then(|rx| rx.try_recv().ok()) {
            early_hash = None;
            if let Some(past) = imports_log::find(importer.connection()?, &hash)? {
                if let Some(bar) = &bar {
                    bar.finish_and_clear();
                }
                return Ok(Outcome::AlreadyImported(past));
            }
        }
        let mut batch = batch.map_err(|f| located(&name, &f))?;
        for prepared in &mut batch {
            let item = &prepared.item;
            match &item.parsed {
                Ok(Parsed::Record(record)) => importer
                    .add_prepared(record, std::mem::take(&mut prepared.ahead))
                    .with_context(|| format!("{name}:{}", item.at))?,
                Ok(Parsed::Ignored) => ignored += 1,
                Err(reason) if options.skip_invalid => {
                    skipped += 1;
                    let line = format!("{name}:{}: skipped: {reason}", item.at);
                    match &bar {
                        Some(bar) => bar.suspend(|| eprintln!("{line}")),
                        None => eprintln!("{line}"),
                    }
                }
                Err(reason) => {
                    return Err(anyhow!(
                        "{name}:{}: {reason}; nothing from this file was imported (fix the line, or pass --skip-invalid)",
                        item.at
                    ))
                }
            }
        }
        // If the freer is gone, the batch is freed here.
        let _ = freer.send(batch);
        if let Some(bar) = &bar {
            bar.set_position(tally.bytes());
        }
    }
    drop(freer);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // The channel also closes if the reader died: never commit half a file then.
    if reader_thread.join().is_err() {
        anyhow::bail!(
            "{name}: reading the file failed unexpectedly; nothing from this file was imported"
        );
    }
    let counts_so_far = importer.records();
    if counts_so_far == 0 && skipped == 0 && ignored == 0 {
        return Ok(Outcome::Empty);
    }
    // The hash is known once every byte went through the reader; content seen
    // before is rolled back (the records would add nothing anyway).
    let content_hash = tally.hex_digest();
    if let Some(past) = imports_log::find(importer.connection()?, &content_hash)? {
        return Ok(Outcome::AlreadyImported(past));
    }
    let entry = FileEntry {
        source: name.clone(),
        content_hash,
        bytes: tally.bytes(),
        format: format.as_str().to_string(),
        skipped,
        started_at: crate::store::to_secs(now),
        finished_at: crate::store::to_secs(Utc::now()),
    };
    let counts = importer
        .finish_logged(Some(&entry))
        .with_context(|| format!("{name}: the import was rolled back"))?;
    Ok(Outcome::Imported {
        format,
        counts,
        skipped,
        ignored,
    })
}

fn located(name: &str, fatal: &Fatal) -> anyhow::Error {
    anyhow!(
        "{name}:{}: {}; nothing from this file was imported",
        fatal.line,
        fatal.message
    )
}

/// The file's SHA-256, computed on its own thread (nothing is sent if it cannot be read).
fn spawn_hasher(path: &Path) -> crossbeam_channel::Receiver<String> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        if let Ok(mut file) = std::fs::File::open(&path) {
            if std::io::copy(&mut file, &mut hasher).is_ok() {
                let _ = tx.send(reader::hex(&hasher.finalize()));
            }
        }
    });
    rx
}

fn progress_bar(name: &str, size: Option<u64>) -> indicatif::ProgressBar {
    let bar = match size {
        Some(size) => indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.set_message(name.to_string());
    bar
}
