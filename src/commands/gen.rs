//! `rapport gen`: generated mentions as canonical NDJSON, streamed to a file.
//!
//! Times are relative to the start of the current hour (UTC), so the same seed and
//! count give the same file for an hour while the newest items stay recent.

use crate::cli::GenArgs;
use crate::gen::{Generator, Options};
use crate::ingest::ndjson;
use anyhow::{Context, Result};
use chrono::{DateTime, DurationRound, Utc};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Runs the subcommand.
pub fn run(args: &GenArgs) -> Result<ExitCode> {
    let now = Utc::now();
    let anchor = now
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap_or(now);
    let (mentions, replies) = if args.out == Path::new("-") {
        write(&mut std::io::stdout().lock(), args, anchor)
    } else {
        let file = std::fs::File::create(&args.out)
            .with_context(|| format!("creating {}", args.out.display()))?;
        write(
            &mut std::io::BufWriter::with_capacity(1 << 20, file),
            args,
            anchor,
        )
    }
    .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "wrote {mentions} mentions and {replies} of our replies to {} (seed {})",
        args.out.display(),
        args.seed
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the records; returns (mentions, replies) written.
pub fn write(out: &mut dyn Write, args: &GenArgs, now: DateTime<Utc>) -> Result<(u64, u64)> {
    let generator = Generator::new(Options::busy_fortnight(args.count, args.seed, now));
    let (mut mentions, mut replies) = (0, 0);
    for record in generator {
        match record {
            crate::domain::Record::Mention(_) => mentions += 1,
            crate::domain::Record::OurReply(_) | crate::domain::Record::OurPost(_) => replies += 1,
        }
        serde_json::to_writer(&mut *out, &ndjson::to_line(&record))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok((mentions, replies))
}
