//! `rapport demo`: a realistic inbox in its own database, built through the same
//! import path as real files, then opened.

use super::Ctx;
use crate::cli::DemoArgs;
use crate::gen::{Generator, Options};
use crate::store::import::{ImportCounts, Importer};
use crate::store::seed::{self, Seeded};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The seed of the demo inbox: the same people every time.
pub const DEMO_SEED: u64 = 7;

/// Runs the subcommand.
pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<ExitCode> {
    let path = if ctx.db_given {
        ctx.db.clone()
    } else {
        crate::config::paths::demo_db()
    };
    let started = Instant::now();
    let (counts, seeded) = build(ctx, &path, args.count, Utc::now())?;
    println!(
        "demo inbox {}: {} mentions, {} of our replies, {} people; {} tags, {} profiles, {} actions (built in {:.2} s)",
        path.display(),
        counts.mentions_added,
        counts.replies_added,
        counts.people_added,
        seeded.tagged,
        seeded.profiled,
        seeded.actions,
        started.elapsed().as_secs_f64()
    );
    if args.no_open {
        return Ok(ExitCode::SUCCESS);
    }
    super::open_app(&Ctx {
        db: path,
        ..ctx.clone()
    })
}

/// Builds the demo database at `path`, replacing an earlier demo there (and refusing
/// to replace anything else).
pub fn build(
    ctx: &Ctx,
    path: &Path,
    count: usize,
    now: DateTime<Utc>,
) -> Result<(ImportCounts, Seeded)> {
    // The default demo file is ours to replace; a file the user named must be a demo.
    remove_old_demo(path, ctx.db_given)?;
    let mut conn = crate::store::open(path)?;
    let mut importer = Importer::begin(&mut conn, &ctx.config, now)?;
    let generator = Generator::new(Options {
        count,
        seed: DEMO_SEED,
        now,
        days: 14,
    });
    for record in generator {
        importer.add(&record)?;
    }
    let counts = importer.finish()?;
    let seeded = seed::relationships(&mut conn, &ctx.config, crate::store::to_secs(now))?;
    Ok((counts, seeded))
}

fn remove_old_demo(path: &Path, must_be_demo: bool) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    if must_be_demo {
        check_is_demo(path)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("removing the old demo {}", file.display()))
            }
        }
    }
    Ok(())
}

fn check_is_demo(path: &Path) -> Result<()> {
    if !crate::store::is_demo_file(path)? {
        bail!(
            "{} exists and is not a demo database; pass another --db path for the demo",
            path.display()
        );
    }
    Ok(())
}
