//! Never lost, never twice, with the real binary: `rapport send` killed with SIGKILL at
//! random moments, then run to completion; and two runs started together. The fake
//! sender logs every idempotency key it is handed, so the log says how many times each
//! action went out.

mod outbox_support;

use outbox_support::*;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

const ACTIONS: usize = 200;

fn fast_sender(bed: &Bed) -> std::path::PathBuf {
    // 20 ms a hand-over, as a quick platform takes: the 200 actions outlast 50 kills.
    bed.sender(
        "fast",
        "sleep 0.02; printf '{\"remote_id\": \"%s\"}' \"$key\"",
    )
}

fn config_toml(program: &std::path::Path) -> String {
    format!(
        "[delivery]\nundo_seconds = 0\nper_minute = 100000\n{}",
        sender_toml("default", program, 10, false)
    )
}

/// key -> times handed over.
fn handed_over(bed: &Bed) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for key in bed.log("fast") {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// Every action is sent and was handed over once, or is unknown (or failed) and was
/// handed over at most once; nothing is left queued or sending; no stray keys.
fn check_exactly_once(bed: &Bed) -> BTreeMap<String, i64> {
    let conn = bed.conn();
    let counts = handed_over(bed);
    let actions = all(&conn);
    assert_eq!(actions.len(), ACTIONS);
    for (id, state, key) in &actions {
        let times = counts.get(key).copied().unwrap_or(0);
        match state.as_str() {
            "sent" => assert_eq!(times, 1, "action {id} sent but handed over {times} times"),
            "unknown" | "failed" => {
                assert!(times <= 1, "action {id} {state}, handed over {times} times")
            }
            other => panic!("action {id} left {other}"),
        }
    }
    let keys: std::collections::BTreeSet<&String> = actions.iter().map(|a| &a.2).collect();
    for key in counts.keys() {
        assert!(
            keys.contains(key),
            "the sender got a key no action has: {key}"
        );
    }
    states(&conn)
}

#[test]
fn kill_9_at_random_moments_loses_nothing_and_sends_nothing_twice() {
    let bed = Bed::new();
    let program = fast_sender(&bed);
    let config = bed.config_file(&config_toml(&program));
    let mut conn = bed.conn();
    queue_replies(
        &mut conn,
        "twitter",
        ACTIONS / 2,
        chrono::Utc::now().timestamp() - 60,
    );
    queue_replies(
        &mut conn,
        "instagram",
        ACTIONS / 2,
        chrono::Utc::now().timestamp() - 60,
    );
    drop(conn);
    let started = Instant::now();
    let mut killed = 0;
    let mut finished_first = 0;
    let mut rng = fastrand::Rng::with_seed(
        std::env::var("RAPPORT_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7),
    );
    // Kill at random moments until 50 runs were killed mid-way. A run that ends
    // before its kill says the moments were too late for this machine's speed: the
    // window shrinks, so the kills land while work remains whatever the load.
    let mut window = 150;
    for _ in 0..400 {
        if killed >= 60 {
            break;
        }
        let mut child = bed
            .command(&["send"], &config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(0..window)));
        if child.try_wait().unwrap().is_some() {
            finished_first += 1;
            window = (window * 2 / 3).max(10);
        } else {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        killed >= 50,
        "killed {killed} times, {finished_first} runs ended first"
    );
    let mid = states(&bed.conn());
    // The last run finishes the job.
    let out = bed.rapport(&["send"], &config);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{stdout}");
    // Senders orphaned by a kill finish within moments.
    std::thread::sleep(Duration::from_millis(300));
    let end = check_exactly_once(&bed);
    eprintln!(
        "killed {killed} runs ({finished_first} ended before the kill) in {:?}; after the kills {mid:?}; at the end {end:?}",
        started.elapsed()
    );
    assert!(end.get("sent").copied().unwrap_or(0) >= (ACTIONS - killed) as i64);
    assert!(end.get("unknown").copied().unwrap_or(0) <= killed as i64);
    // Nothing is delivered again by later runs.
    let out = bed.rapport(&["send"], &config);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("sent 0, failed 0, unknown 0, waiting 0")
    );
    check_exactly_once(&bed);
}

#[test]
fn two_runs_at_once_deliver_each_action_exactly_once() {
    let bed = Bed::new();
    let program = fast_sender(&bed);
    let config = bed.config_file(&config_toml(&program));
    let mut conn = bed.conn();
    queue_replies(
        &mut conn,
        "twitter",
        ACTIONS,
        chrono::Utc::now().timestamp() - 60,
    );
    drop(conn);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            bed.command(&["send"], &config)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut sent_by = Vec::new();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sent: usize = stdout
            .strip_prefix("sent ")
            .and_then(|s| s.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{stdout}"));
        sent_by.push(sent);
    }
    let end = check_exactly_once(&bed);
    assert_eq!(end.get("sent"), Some(&(ACTIONS as i64)), "{end:?}");
    assert_eq!(sent_by.iter().sum::<usize>(), ACTIONS, "{sent_by:?}");
    assert_eq!(handed_over(&bed).len(), ACTIONS);
    eprintln!("the two runs sent {sent_by:?}");
}
