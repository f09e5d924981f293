//! `rapport demo`: a realistic inbox in its own database, built through the same
//! import path as real files, then opened. It is what a solo owner finds in the
//! morning: six weeks of history answered in good time, the evening's and the night's
//! messages waiting (a few dozen at the default count), a few of them due soon.

use super::Ctx;
use crate::cli::DemoArgs;
use crate::config::{Config, Hours, Zone};
use crate::gen::{Generator, Options, Shape};
use crate::store::import::{ImportCounts, Importer};
use crate::store::seed::{self, Seeded};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Timelike, Utc};
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
    let config = match shape {
        Shape::Morning => morning_config(&ctx.config, now),
        Shape::Flood => ctx.config.clone(),
    };
    let mut conn = crate::store::open(path)?;
    let mut importer = Importer::begin(&mut conn, &config, now)?;
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
    let seeded = seed::relationships(&mut conn, &config, now, history_until)?;
    Ok((counts, seeded))
}

/// Minutes since the demo's owner opened for the day: the night's private messages
/// (a 15-minute target) are due within minutes, the rest later in the day.
const OPENED_MINUTES_AGO: u32 = 10;
/// When the demo's owner closes, in the local time of [`morning_config`].
const CLOSING_MINUTE: u32 = 18 * 60;

/// The config the demo's targets are set with: the user's, with working time only,
/// in a day that started a few minutes ago. The night does not count against a
/// target, as it would not for a solo owner, so the evening's and the night's
/// messages are due soon after opening, not hours over, whatever the hour the demo
/// is built at. The zone is the fixed offset where it is now 8 a.m. (every day is a
/// working day: a Sunday demo is a morning too). Only the build uses it: the stored
/// due times carry it, and the screen keeps the user's zone for the clock.
fn morning_config(config: &Config, now: DateTime<Utc>) -> Config {
    // Etc/GMT-N is N hours ahead of UTC; the names run from -14 to +12.
    let ahead = match 8 - now.hour() as i32 {
        h if h < -12 => h + 24,
        h => h,
    };
    let name = match ahead {
        0 => "UTC".to_string(),
        h if h > 0 => format!("Etc/GMT-{h}"),
        h => format!("Etc/GMT+{}", -h),
    };
    let mut config = config.clone();
    let zone: Option<Zone> = name.parse().ok();
    let opened = (8 * 60 + now.minute()).saturating_sub(OPENED_MINUTES_AGO);
    let day = Hours(Some((opened, CLOSING_MINUTE)));
    let hours = &mut config.working_hours;
    hours.time_zone = zone.unwrap_or_default();
    for d in [
        &mut hours.monday,
        &mut hours.tuesday,
        &mut hours.wednesday,
        &mut hours.thursday,
        &mut hours.friday,
        &mut hours.saturday,
        &mut hours.sunday,
    ] {
        *d = day;
    }
    config.response_targets.working_hours_only = true;
    config
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_demo_day_opened_a_few_minutes_ago_at_any_hour() {
        let config = Config::defaults();
        for hour in 0..24 {
            let now = Utc.with_ymd_and_hms(2026, 11, 22, hour, 37, 0).unwrap();
            let c = morning_config(&config, now);
            let local = now.with_timezone(&c.working_hours.time_zone.0);
            assert_eq!((local.hour(), local.minute()), (8, 37), "at {now}");
            let schedule = crate::domain::sla::Schedule::new(&c.working_hours);
            // Nothing counted overnight, the last ten minutes counted.
            assert_eq!(
                schedule.working_secs_between(now - chrono::Duration::hours(12), now),
                i64::from(OPENED_MINUTES_AGO) * 60,
                "at {now}"
            );
        }
    }
}
