//! `rapport demo`: a realistic inbox in its own database, built through the same
//! import path as real files, then opened. It is what a solo owner finds in the
//! morning: six weeks of history answered in good time, the evening's and the night's
//! messages waiting (a few dozen at the default count), a few of them due soon.

use super::Ctx;
use crate::cli::DemoArgs;
use crate::gen::{Generator, Options, Shape};
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

/// Days of history in the demo's morning.
const HISTORY_DAYS: i64 = 42;

/// Builds the demo database at `path`, replacing an earlier demo there (and refusing
/// to replace anything else).
pub fn build(
    ctx: &Ctx,
    path: &Path,
    count: usize,
    now: DateTime<Utc>,
) -> Result<(ImportCounts, Seeded)> {
    build_shaped(ctx, path, count, now, Shape::Morning)
}

/// [`build`] with another shape: [`Shape::Flood`] is two weeks of a busy inbox under
/// load, most of the recent items open (the benchmarks' million mentions).
pub fn build_shaped(
    ctx: &Ctx,
    path: &Path,
    count: usize,
    now: DateTime<Utc>,
    shape: Shape,
) -> Result<(ImportCounts, Seeded)> {
    // The default demo file is ours to replace; a file the user named must be a demo.
    remove_old_demo(path, ctx.db_given)?;
    let mut conn = crate::store::open(path)?;
    let mut importer = Importer::begin(&mut conn, &ctx.config, now)?;
    let generator = Generator::new(Options {
        count,
        seed: DEMO_SEED,
        now,
        days: match shape {
            Shape::Morning => HISTORY_DAYS,
            Shape::Flood => 14,
        },
        shape,
    });
    for record in generator {
        importer.add(&record)?;
    }
    let counts = importer.finish()?;
    let now = crate::store::to_secs(now);
    // The history is acted on; the morning's messages are left for the operator.
    let history_until = match shape {
        Shape::Morning => now - crate::gen::FRESH_HOURS * 3600,
        Shape::Flood => now,
    };
    let seeded = seed::relationships(&mut conn, &ctx.config, now, history_until)?;
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
