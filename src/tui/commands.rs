//! What the command line needs outside the app: its history file, and the worker
//! threads that run the operator's own commands.

use crate::app::user_commands::{Finished, Run, OUTPUT_BYTES};
use crate::app::Msg;
use crossbeam_channel::Sender;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The history kept in `path`; a file that cannot be read is a warning, not a stop.
pub fn load_history(path: &Path) -> Result<Vec<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<String> = text
                .lines()
                .map(crate::domain::sanitize::one_line)
                .filter(|l| !l.trim().is_empty())
                .collect();
            let skip = lines
                .len()
                .saturating_sub(crate::app::command_line::HISTORY_LINES);
            Ok(lines.into_iter().skip(skip).collect())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!(
            "the command history {} could not be read ({e}); it starts empty",
            path.display()
        )),
    }
}

/// Writes the history (already capped) in place of the old one.
pub fn save_history(path: &Path, lines: &[String]) -> Result<(), String> {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        for l in lines {
            writeln!(f, "{l}")?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| format!("the command history {} was not saved: {e}", path.display()))
}

/// Runs `run` on its own thread; what came of it arrives as `Msg::CommandDone`.
pub fn spawn(run: Run, tx: Sender<Msg>) {
    let name = run.name.clone();
    let started = std::thread::Builder::new()
        .name(format!("command {name}"))
        .spawn({
            let tx = tx.clone();
            move || {
                let _ = tx.send(Msg::CommandDone(execute(run)));
            }
        });
    if let Err(e) = started {
        let _ = tx.send(Msg::CommandDone(Finished {
            name,
            status: format!("did not start: {e}"),
            ok: false,
            output: String::new(),
        }));
    }
}

/// Reads at most OUTPUT_BYTES of `from`, then drains the rest (so the program is
/// never blocked on a full pipe).
fn capped(mut from: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = OUTPUT_BYTES.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        kept
    })
}

/// Runs the program with the JSON on its standard input, within its time limit.
pub fn execute(run: Run) -> Finished {
    let failed = |status: String| Finished {
        name: run.name.clone(),
        status,
        ok: false,
        output: String::new(),
    };
    let Some((program, args)) = run.program.split_first() else {
        return failed("has no program".into());
    };
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return failed(format!("{program:?} could not start: {e}")),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let input = run.input.clone();
        // A program that does not read its input must not hold us up.
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
    }
    let out = child.stdout.take().map(capped);
    let err = child.stderr.take().map(capped);
    let deadline = Instant::now() + Duration::from_secs(run.timeout_secs);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return failed(format!("could not be waited for: {e}")),
        }
    };
    let mut output = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let err = err.and_then(|h| h.join().ok()).unwrap_or_default();
    if !err.is_empty() {
        if !output.is_empty() && !output.ends_with(b"\n") {
            output.push(b'\n');
        }
        output.extend_from_slice(&err);
    }
    let output = String::from_utf8_lossy(&output).into_owned();
    match status {
        Some(s) if s.success() => Finished {
            name: run.name,
            status: "exit 0".into(),
            ok: true,
            output,
        },
        Some(s) => Finished {
            name: run.name,
            status: match s.code() {
                Some(code) => format!("exit {code}"),
                None => "stopped by a signal".into(),
            },
            ok: false,
            output,
        },
        None => Finished {
            name: run.name,
            status: format!("stopped after {} s", run.timeout_secs),
            ok: false,
            output,
        },
    }
}
