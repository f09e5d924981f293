//! `cargo bench --bench startup`: what a person sees, timed on the real binary in a
//! 200x50 pseudo-terminal on the 1,000,000-mention inbox (benches/common):
//!
//! - exec to the first frame that shows rows (the list, and the selected item's detail);
//! - exec to the first frame that shows the status bar's figures;
//! - a key press (j) to the frame that shows the next item's detail, 200 times, while
//!   the app's background refresh runs every 5 s and a second process imports into the
//!   same file (p50 and p99); the import is stopped before it commits, so the inbox
//!   keeps its shape;
//! - the app's peak memory (VmHWM) at the end.
//!
//! Prints one `name: value` line per figure. RAPPORT_BENCH_COUNT sets another size,
//! RAPPORT_BENCH_PRESSES another number of key presses.

mod common;

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 50;
const COLS: u16 = 200;
/// Launches timed for the start-up figures (the median is reported).
const LAUNCHES: usize = 7;
/// How long any one awaited screen may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(30);

/// What the reader thread knows of the screen.
struct Screen {
    parser: vt100::Parser,
    /// Bumped on every chunk of output processed.
    version: u64,
    /// When the last chunk was processed.
    at: Instant,
}

/// The real binary on a pty, its screen modelled by vt100 as the bytes arrive.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<(Mutex<Screen>, Condvar)>,
    started: Instant,
    _master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Session {
    fn start(db: &Path) -> Session {
        let home = tempfile::tempdir().expect("a home folder");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_rapport"));
        cmd.arg("--db");
        cmd.arg(db);
        for (var, sub) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CONFIG_HOME", "config"),
        ] {
            cmd.env(var, home.path().join(sub));
        }
        cmd.env("HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("RAPPORT_CONFIG");
        cmd.env_remove("RAPPORT_DB");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let started = Instant::now();
        let screen = Arc::new((
            Mutex::new(Screen {
                parser: vt100::Parser::new(ROWS, COLS, 0),
                version: 0,
                at: started,
            }),
            Condvar::new(),
        ));
        let shared = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let at = Instant::now();
                let (lock, ready) = &*shared;
                let mut s = lock.lock().expect("screen");
                s.parser.process(&buf[..n]);
                s.version += 1;
                s.at = at;
                ready.notify_all();
            }
        });
        let child = pair.slave.spawn_command(cmd).expect("starting rapport");
        drop(pair.slave);
        Session {
            child,
            writer,
            screen,
            started,
            _master: pair.master,
            _home: home,
        }
    }

    /// Waits for the first screen (after output `after`) that `done` accepts; returns
    /// when the output that made it arrived, and the screen's version.
    fn wait(&self, after: u64, done: impl Fn(&vt100::Screen) -> bool) -> (Instant, u64) {
        let (lock, ready) = &*self.screen;
        let deadline = Instant::now() + PATIENCE;
        let mut s = lock.lock().expect("screen");
        loop {
            if s.version > after && done(s.parser.screen()) {
                return (s.at, s.version);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the screen never got there; it shows:\n{}",
                s.parser.screen().contents()
            );
            s = ready.wait_timeout(s, left).expect("screen").0;
        }
    }

    fn version(&self) -> u64 {
        self.screen.0.lock().expect("screen").version
    }

    fn press(&mut self, key: &str) -> Instant {
        self.writer.write_all(key.as_bytes()).expect("typing");
        self.writer.flush().expect("typing");
        Instant::now()
    }

    /// Peak resident memory so far, in KiB (Linux).
    fn peak_kib(&self) -> Option<u64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    fn quit(mut self) {
        self.press("q");
        let deadline = Instant::now() + PATIENCE;
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The list region (everything above the two status lines).
fn list_region(screen: &vt100::Screen) -> String {
    screen
        .rows(0, COLS)
        .take(usize::from(ROWS) - 2)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows are shown, and the selected one's detail (not "loading…").
fn shows_rows(screen: &vt100::Screen) -> bool {
    let text = list_region(screen);
    text.contains('@') && !text.contains("loading…")
}

/// The status bar carries the figures (a count of open items above zero).
fn shows_figures(screen: &vt100::Screen) -> bool {
    screen.rows(0, COLS).any(|line| {
        line.split(" · ").any(|part| {
            part.trim()
                .strip_suffix(" open")
                .and_then(|n| n.rsplit(' ').next())
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n > 0)
        })
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], pct: usize) -> f64 {
    let rank = (sorted.len() * pct).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A second process importing into `db` from a pipe that never runs dry; dropped (or
/// stopped) before it commits, so nothing it read stays in the file.
struct Import {
    child: std::process::Child,
    feeder: Option<std::thread::JoinHandle<()>>,
}

impl Import {
    fn start(db: &Path) -> Import {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .arg("--db")
            .arg(db)
            .args(["import", "-", "--format", "ndjson"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the import");
        let mut stdin = child.stdin.take().expect("the import's input");
        let feeder = std::thread::spawn(move || {
            let args = rapport::cli::GenArgs {
                count: 5_000_000,
                out: "-".into(),
                seed: 23,
            };
            // Ends with an error when the import is stopped: that is the point.
            let _ = rapport::commands::gen::write(&mut stdin, &args, chrono::Utc::now());
        });
        Import {
            child,
            feeder: Some(feeder),
        }
    }

    /// Stops the import before it commits; panics if it had finished (the inbox then
    /// holds its records: rebuild it).
    fn stop(mut self) {
        let finished = self.child.try_wait().ok().flatten();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(f) = self.feeder.take() {
            let _ = f.join();
        }
        assert!(
            finished.is_none(),
            "the import finished ({finished:?}) during the bench; delete the benchmark inbox to rebuild it"
        );
    }
}

fn main() {
    let db = common::database();
    let presses: usize = std::env::var("RAPPORT_BENCH_PRESSES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200);

    // Start-up: a fresh process each time (the file's pages are in the OS cache after
    // the first, as they are for a person who opens rapport again).
    let mut rows = Vec::new();
    let mut figures = Vec::new();
    for launch in 0..=LAUNCHES {
        let session = Session::start(&db);
        let (shown, _) = session.wait(0, shows_rows);
        let (counted, _) = session.wait(0, shows_figures);
        // The first launch warms the OS cache and is not counted.
        if launch > 0 {
            rows.push(ms(shown - session.started));
            figures.push(ms(counted - session.started));
        }
        session.quit();
    }
    rows.sort_by(f64::total_cmp);
    figures.sort_by(f64::total_cmp);
    println!(
        "exec to first frame with rows: {:.1} ms (median of {LAUNCHES}, max {:.1})",
        percentile(&rows, 50),
        rows[rows.len() - 1]
    );
    println!(
        "exec to status bar figures: {:.1} ms (median of {LAUNCHES}, max {:.1})",
        percentile(&figures, 50),
        figures[figures.len() - 1]
    );

    // Key presses while an import writes the same file and the app refreshes its
    // figures every 5 s.
    let mut session = Session::start(&db);
    session.wait(0, |s| shows_rows(s) && shows_figures(s));
    let import = Import::start(&db);
    // Let the import get going (past reading its first records).
    std::thread::sleep(Duration::from_secs(2));
    let mut times = Vec::with_capacity(presses);
    let started = Instant::now();
    for _ in 0..presses {
        let before = {
            let s = session.screen.0.lock().expect("screen");
            list_region(s.parser.screen())
        };
        let after = session.version();
        let pressed = session.press("j");
        let (framed, _) = session.wait(after, |s| {
            let now = list_region(s);
            now != before && !now.contains("loading…")
        });
        times.push(ms(framed.saturating_duration_since(pressed)));
        // A person's pace, spread so presses meet the refresh at every phase.
        std::thread::sleep(Duration::from_millis(40 + fastrand::u64(..80)));
    }
    let spent = started.elapsed();
    let peak = session.peak_kib();
    session.quit();
    import.stop();
    times.sort_by(f64::total_cmp);
    println!(
        "key to frame under import and refresh: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({presses} presses over {:.0} s)",
        percentile(&times, 50),
        percentile(&times, 99),
        times[times.len() - 1],
        spent.as_secs_f64()
    );
    match peak {
        Some(kib) => println!("app peak memory: {:.1} MB (VmHWM)", kib as f64 / 1024.0),
        None => println!("app peak memory: unknown (no /proc)"),
    }
}
