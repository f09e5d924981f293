//! `cargo bench --bench delivery`: what the outbox costs beyond the senders' own time.
//! Five rounds of 200 due replies on a database file, each way:
//!
//! - the store alone: claim, then record "sent", through a sender that does nothing
//!   (the per-action overhead of delivery itself: two commits, one synced to disk);
//! - `/bin/true` spawned directly, the way the command sender does (pipes, process
//!   group), without the outbox: the sender's own time;
//! - the worker with a command sender running `/bin/true` (a program that answers at
//!   once), so the difference with the line above is the outbox's overhead;
//! - the real `rapport send` binary on 200 actions, start to exit.

#[path = "../tests/outbox_support/mod.rs"]
mod outbox_support;

use outbox_support::{config, queue_replies, sender_toml, Bed};
use rapport::delivery::{Delivery, Outgoing, Sender, Senders, Worker};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const ACTIONS: usize = 200;
const ROUNDS: usize = 5;

struct Nothing;

impl Sender for Nothing {
    fn deliver(&self, _: &Outgoing) -> Delivery {
        Delivery::Sent {
            remote_id: None,
            url: None,
        }
    }
    fn timeout(&self) -> Duration {
        Duration::from_secs(5)
    }
    fn idempotent(&self) -> bool {
        false
    }
    fn per_minute(&self) -> u32 {
        u32::MAX
    }
}

fn toml() -> String {
    format!(
        "[delivery]\nundo_seconds = 0\nper_minute = 100000\n{}",
        sender_toml("default", std::path::Path::new("/bin/true"), 5, false)
    )
}

fn bed() -> Bed {
    let bed = Bed::new();
    let mut conn = bed.conn();
    queue_replies(
        &mut conn,
        "twitter",
        ACTIONS,
        chrono::Utc::now().timestamp() - 60,
    );
    bed
}

fn run(worker: &mut Worker) -> Duration {
    let started = Instant::now();
    let summary = worker
        .run(false, &AtomicBool::new(false), &mut |_| {})
        .expect("run");
    let took = started.elapsed();
    assert_eq!(summary.sent, ACTIONS as u64, "{}", summary.line());
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn per_action(d: Duration) -> String {
    format!(
        "{:>8.2} ms for {ACTIONS}, {:>7.3} ms per action",
        d.as_secs_f64() * 1e3,
        d.as_secs_f64() * 1e3 / ACTIONS as f64
    )
}

fn main() {
    let cfg = config(&toml());
    let store_only = median(
        (0..ROUNDS)
            .map(|_| {
                let bed = bed();
                let senders = Senders::new(Default::default(), Some(Box::new(Nothing)));
                run(&mut Worker::new(bed.conn(), &cfg, senders).expect("worker"))
            })
            .collect(),
    );
    let spawn_only = median(
        (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..ACTIONS {
                    use std::io::Write;
                    use std::os::unix::process::CommandExt;
                    let mut child = std::process::Command::new("/bin/true")
                        .stdin(std::process::Stdio::piped())
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .process_group(0)
                        .spawn()
                        .expect("spawn /bin/true");
                    let _ = child.stdin.take().expect("stdin").write_all(b"{}\n");
                    child.wait().expect("wait");
                }
                started.elapsed()
            })
            .collect(),
    );
    let worker = median(
        (0..ROUNDS)
            .map(|_| {
                let bed = bed();
                run(&mut Worker::open(&bed.db, &cfg).expect("worker"))
            })
            .collect(),
    );
    let binary = median(
        (0..ROUNDS)
            .map(|_| {
                let bed = bed();
                let config = bed.config_file(&toml());
                let started = Instant::now();
                let out = bed.rapport(&["send"], &config);
                let took = started.elapsed();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stdout)
                );
                took
            })
            .collect(),
    );
    println!("delivery of {ACTIONS} due actions, median of {ROUNDS} rounds:");
    println!(
        "  store only (claim + record, no sender)   {}",
        per_action(store_only)
    );
    println!(
        "  /bin/true spawned directly (the sender)  {}",
        per_action(spawn_only)
    );
    println!(
        "  worker + command sender /bin/true        {}",
        per_action(worker)
    );
    println!(
        "  overhead beyond the sender's own time    {}",
        per_action(worker.saturating_sub(spawn_only))
    );
    println!(
        "  rapport send, start to exit             {}",
        per_action(binary)
    );
}
