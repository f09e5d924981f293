//! The command sender: the user's program, run once per action (no shell; nothing of
//! the action in its arguments), with the action as one JSON object on its standard
//! input. Exit 0 is sent (stdout may carry `{"remote_id", "url"}`), 75 (EX_TEMPFAIL) is
//! "try again later" (stdout may carry `{"retry_after": seconds}`), anything else a
//! failure with stderr as the reason. The program runs in its own process group, so a
//! timeout kills it and whatever it started.

use super::{clean, Delivery, Outgoing, Sender};
use crate::config::delivery::SenderConfig;
use crossbeam_channel::{bounded, Receiver};
use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// sysexits.h: a temporary failure; the user is invited to retry.
pub const EX_TEMPFAIL: i32 = 75;
/// Bytes kept of the program's stdout and of its stderr; the rest is read and dropped
/// so a chatty program can neither block on a full pipe nor fill our memory.
pub const OUTPUT_CAP: usize = 64 * 1024;
/// Characters kept of an error, a remote id, a url.
const ERROR_CHARS: usize = 300;
const ID_CHARS: usize = 200;
const URL_CHARS: usize = 2000;
/// How long the pipes may stay open after the program exits or is killed (a
/// grandchild outside its process group may hold them).
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// A sender that runs a program.
#[derive(Debug, Clone)]
pub struct CommandSender {
    program: String,
    args: Vec<String>,
    timeout: Duration,
    idempotent: bool,
    per_minute: u32,
}

impl CommandSender {
    /// The sender `[senders.X]` describes (validated: the command is not empty).
    pub fn new(config: &SenderConfig, per_minute: u32) -> CommandSender {
        let mut parts = config.command.iter().cloned();
        CommandSender {
            program: parts.next().unwrap_or_default(),
            args: parts.collect(),
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
            idempotent: config.idempotent,
            per_minute: per_minute.max(1),
        }
    }
}

impl Sender for CommandSender {
    fn deliver(&self, action: &Outgoing) -> Delivery {
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut payload = match serde_json::to_vec(action) {
            Ok(p) => p,
            Err(e) => return Delivery::Failed(format!("cannot write the action as JSON: {e}")),
        };
        payload.push(b'\n');
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = match command.spawn() {
            Ok(c) => c,
            // Nothing was handed over: safe to try again once the config is fixed.
            Err(e) => {
                return Delivery::Temporary {
                    error: format!("cannot run {}: {e}", self.program),
                    retry_after: None,
                }
            }
        };
        let pid = child.id();
        // Each pipe on its own thread: a program that does not read its input, or
        // writes megabytes of output, blocks nothing.
        if let Some(mut stdin) = child.stdin.take() {
            let _ = std::thread::Builder::new()
                .name("sender-stdin".into())
                .spawn(move || {
                    // A program that exits without reading closes the pipe: not an error.
                    let _ = stdin.write_all(&payload);
                });
        }
        let stdout = child.stdout.take().map(capped_reader);
        let stderr = child.stderr.take().map(capped_reader);
        let (exit_tx, exit_rx) = bounded(1);
        let waiter = std::thread::Builder::new()
            .name("sender-wait".into())
            .spawn(move || {
                let _ = exit_tx.send(child.wait());
            });
        if let Err(e) = waiter {
            kill_group(pid);
            return Delivery::Unknown(format!("cannot wait for {}: {e}", self.program));
        }
        let status = match exit_rx.recv_deadline(deadline) {
            Ok(Ok(status)) => Some(status),
            Ok(Err(e)) => {
                kill_group(pid);
                return self.lost(format!("lost track of {}: {e}", self.program));
            }
            Err(_) => {
                kill_group(pid);
                let _ = exit_rx.recv_timeout(PIPE_GRACE);
                None
            }
        };
        let Some(status) = status else {
            return self.lost(format!(
                "{} did not answer within {} s and was killed; it may have sent the action",
                self.program,
                self.timeout.as_secs()
            ));
        };
        // The program is gone; its output is complete once the pipes close.
        let pipe_deadline = deadline.max(Instant::now()) + PIPE_GRACE;
        let out = collect(stdout, pipe_deadline, pid);
        let err = collect(stderr, pipe_deadline, pid);
        self.judge(status, &out, &err)
    }

    fn timeout(&self) -> Duration {
        self.timeout
    }

    fn idempotent(&self) -> bool {
        self.idempotent
    }

    fn per_minute(&self) -> u32 {
        self.per_minute
    }
}

impl CommandSender {
    /// A hand-over whose outcome nobody knows: retried only when the program dedupes.
    fn lost(&self, error: String) -> Delivery {
        if self.idempotent {
            Delivery::Temporary {
                error,
                retry_after: None,
            }
        } else {
            Delivery::Unknown(error)
        }
    }

    fn judge(&self, status: ExitStatus, out: &[u8], err: &[u8]) -> Delivery {
        let stderr = clean(&String::from_utf8_lossy(err), ERROR_CHARS);
        match status.code() {
            Some(0) => {
                let answer: serde_json::Value = serde_json::from_slice(out).unwrap_or_default();
                let field = |name: &str, max: usize| {
                    answer
                        .get(name)
                        .and_then(|v| match v {
                            serde_json::Value::String(s) => Some(s.clone()),
                            serde_json::Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .map(|s| clean(&s, max))
                        .filter(|s| !s.is_empty())
                };
                Delivery::Sent {
                    remote_id: field("remote_id", ID_CHARS),
                    url: field("url", URL_CHARS),
                }
            }
            Some(EX_TEMPFAIL) => {
                let answer: serde_json::Value = serde_json::from_slice(out).unwrap_or_default();
                let retry_after = answer
                    .get("retry_after")
                    .and_then(serde_json::Value::as_u64)
                    .map(|s| Duration::from_secs(s.min(86_400)));
                Delivery::Temporary {
                    error: if stderr.is_empty() {
                        format!("{} asked to try again later (exit 75)", self.program)
                    } else {
                        stderr
                    },
                    retry_after,
                }
            }
            Some(code) => Delivery::Failed(if stderr.is_empty() {
                format!("{} failed with exit status {code}", self.program)
            } else {
                stderr
            }),
            // Killed by a signal we did not send: it may have gone out.
            None => self.lost(format!(
                "{} was killed ({status}); it may have sent the action",
                self.program
            )),
        }
    }
}

/// Reads a pipe to its end on a thread, keeping the first `OUTPUT_CAP` bytes.
fn capped_reader<R: Read + Send + 'static>(mut pipe: R) -> Receiver<Vec<u8>> {
    let (tx, rx) = bounded(1);
    let spawned = std::thread::Builder::new()
        .name("sender-output".into())
        .spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 16 * 1024];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let room = OUTPUT_CAP.saturating_sub(kept.len());
                        kept.extend_from_slice(&buf[..n.min(room)]);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(kept);
        });
    if spawned.is_err() {
        let (tx, rx) = bounded(1);
        let _ = tx.send(Vec::new());
        return rx;
    }
    rx
}

/// The output read from a pipe, waiting until `deadline`; past it the program's group
/// is killed (a child it left behind holds the pipe) and a little more is waited.
fn collect(pipe: Option<Receiver<Vec<u8>>>, deadline: Instant, pid: u32) -> Vec<u8> {
    let Some(rx) = pipe else {
        return Vec::new();
    };
    match rx.recv_deadline(deadline) {
        Ok(v) => v,
        Err(_) => {
            kill_group(pid);
            rx.recv_timeout(PIPE_GRACE).unwrap_or_default()
        }
    }
}

/// Kills the program's process group (it is the group leader: `process_group(0)`).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(pid) {
        if pid > 0 {
            // SAFETY: kill(2) with a negative pid signals that process group only.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}
