//! The outbox and its delivery, on a real database file through real sender programs
//! (small `sh` scripts that log the idempotency key they receive): each outcome of a
//! program, the undo window, retries, limits, recovery after a crash, and the
//! `rapport send` / `rapport outbox` commands.

mod outbox_support;

use outbox_support::*;
use rapport::delivery::{Senders, Worker};
use rapport::store::outbox::{self, Outcome};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A worker on `bed` with `toml`'s senders, whose clock reads `clock`.
fn worker(bed: &Bed, toml: &str, clock: &Arc<AtomicI64>) -> Worker {
    let config = config(toml);
    let clock = clock.clone();
    Worker::new(bed.conn(), &config, Senders::from_config(&config))
        .unwrap()
        .with_clock(move || clock.load(Ordering::SeqCst))
}

fn run(w: &mut Worker) -> rapport::delivery::Summary {
    w.run(false, &AtomicBool::new(false), &mut |_| {}).unwrap()
}

fn clock(at: i64) -> Arc<AtomicI64> {
    Arc::new(AtomicI64::new(at))
}

const UNDO0: &str = "[delivery]\nundo_seconds = 0\n";

#[test]
fn a_sent_action_records_the_platforms_id_and_url_and_the_program_gets_the_action() {
    let bed = Bed::new();
    let program = bed.sender(
        "ok",
        &format!(
            "printf '%s' \"$input\" > '{}'\nprintf '{{\"remote_id\": \"r-1\", \"url\": \"https://x.example/r-1\\\\u001b[2J\"}}'",
            bed.path("input.json").display()
        ),
    );
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let key = row(&conn, ids[0]).2.expect("a queued reply gets its key");
    assert!(key.starts_with("rapport-") && key.len() == 8 + 32, "{key}");
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 5, false)),
        &clock(NOW),
    );
    let summary = run(&mut w);
    assert_eq!((summary.sent, summary.failed, summary.unknown), (1, 0, 0));
    assert!(summary.all_sent());
    let (_, state, after, attempts, error, remote_id, url) = row(&conn, ids[0]);
    assert_eq!(state, "sent");
    assert_eq!(after.as_deref(), Some(key.as_str()));
    assert_eq!(attempts, 1);
    assert_eq!(error, None);
    assert_eq!(remote_id.as_deref(), Some("r-1"));
    // The escape sequence's ESC is gone before storing.
    assert_eq!(url.as_deref(), Some("https://x.example/r-1[2J"));
    assert_eq!(bed.log("ok"), vec![key.clone()]);
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bed.path("input.json")).unwrap()).unwrap();
    assert_eq!(input["action_id"], ids[0]);
    assert_eq!(input["idempotency_key"], key.as_str());
    assert_eq!(input["kind"], "reply");
    assert_eq!(input["platform"], "twitter");
    assert_eq!(input["account"], "northwind");
    assert_eq!(input["in_reply_to"], "m1");
    assert_eq!(input["mention_url"], "https://twitter.example/m1");
    assert_eq!(input["author"], "person1");
    assert_eq!(input["body"], "Yes, number 1 is back on Friday");
    // Sent once, never again.
    assert_eq!(run(&mut w).sent, 0);
    assert_eq!(bed.log("ok").len(), 1);
}

#[test]
fn a_failing_program_fails_the_action_with_its_cleaned_stderr() {
    let bed = Bed::new();
    let program = bed.sender(
        "fail",
        "printf 'bad request:\\033[31m token\\nexpired\\n' >&2\nexit 1",
    );
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 5, false)),
        &clock(NOW),
    );
    let summary = run(&mut w);
    assert_eq!((summary.sent, summary.failed), (0, 1));
    assert!(!summary.all_sent());
    let (_, state, _, _, error, _, _) = row(&conn, ids[0]);
    assert_eq!(state, "failed");
    assert_eq!(error.as_deref(), Some("bad request:[31m token expired"));
    assert_eq!(run(&mut w).failed, 0, "a failure is not retried");
    assert_eq!(bed.log("fail").len(), 1);
}

#[test]
fn exit_75_retries_later_with_the_same_key_until_max_attempts() {
    let bed = Bed::new();
    let program = bed.sender("busy", "echo 'rate limited' >&2\nexit 75");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let toml = format!(
        "[delivery]\nundo_seconds = 0\nmax_attempts = 3\nbackoff_seconds = 10\nmax_backoff_seconds = 15\n{}",
        sender_toml("twitter", &program, 5, false)
    );
    let now = clock(NOW);
    let mut w = worker(&bed, &toml, &now);
    let summary = run(&mut w);
    assert_eq!(summary.retrying, 1);
    assert!(summary.all_sent(), "a retry is neither failed nor unknown");
    let (_, state, _, attempts, error, _, _) = row(&conn, ids[0]);
    assert_eq!((state.as_str(), attempts), ("queued", 1));
    assert_eq!(error.as_deref(), Some("rate limited"));
    let next: i64 = conn
        .query_row(
            "SELECT next_attempt_at FROM actions WHERE id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (NOW + 5..=NOW + 10).contains(&next),
        "first backoff {}",
        next - NOW
    );
    // Not before its time.
    assert_eq!(run(&mut w).retrying, 0);
    assert!(
        run(&mut w).line().contains("1 later on twitter"),
        "{}",
        run(&mut w).line()
    );
    now.store(NOW + 10, Ordering::SeqCst);
    assert_eq!(run(&mut w).retrying, 1);
    let next2: i64 = conn
        .query_row(
            "SELECT next_attempt_at FROM actions WHERE id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (NOW + 10 + 7..=NOW + 10 + 15).contains(&next2),
        "capped: {}",
        next2 - NOW - 10
    );
    now.store(NOW + 100, Ordering::SeqCst);
    let summary = run(&mut w);
    assert_eq!(summary.failed, 1);
    let (_, state, _, attempts, error, _, _) = row(&conn, ids[0]);
    assert_eq!((state.as_str(), attempts), ("failed", 3));
    assert_eq!(
        error.as_deref(),
        Some("gave up after 3 attempts: rate limited")
    );
    let log = bed.log("busy");
    assert_eq!(log.len(), 3);
    assert!(
        log.iter().all(|k| k == &log[0]),
        "the same key every time: {log:?}"
    );
}

#[test]
fn exit_75_may_say_when_to_retry() {
    let bed = Bed::new();
    let program = bed.sender("later", "echo '{\"retry_after\": 900}'\nexit 75");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 5, false)),
        &clock(NOW),
    );
    run(&mut w);
    let next: i64 = conn
        .query_row(
            "SELECT next_attempt_at FROM actions WHERE id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(next, NOW + 900);
}

#[test]
fn a_hanging_program_is_killed_with_its_children_and_its_action_is_unknown() {
    let bed = Bed::new();
    let late = bed.path("grandchild.log");
    let program = bed.sender(
        "hang",
        &format!(
            "(sleep 2; echo escaped >> '{}') &\nsleep 30",
            late.display()
        ),
    );
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 1, false)),
        &clock(NOW),
    );
    let started = Instant::now();
    let summary = run(&mut w);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "killed at its timeout, took {took:?}"
    );
    assert_eq!(summary.unknown, 1);
    let (_, state, _, _, error, _, _) = row(&conn, ids[0]);
    assert_eq!(state, "unknown");
    assert!(error.unwrap().contains("did not answer within 1 s"));
    // Never handed over again by itself.
    assert_eq!(run(&mut w).unknown, 0);
    assert_eq!(bed.log("hang").len(), 1);
    std::thread::sleep(Duration::from_millis(2500));
    assert!(!late.exists(), "the program's children die with it");
}

#[test]
fn a_late_answer_from_an_idempotent_program_is_retried_with_the_same_key() {
    let bed = Bed::new();
    let program = bed.sender("slow", "sleep 3\necho '{\"remote_id\": \"r\"}'");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 1, true)),
        &clock(NOW),
    );
    let summary = run(&mut w);
    assert_eq!((summary.unknown, summary.retrying), (0, 1));
    let (_, state, _, attempts, error, _, _) = row(&conn, ids[0]);
    assert_eq!((state.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap().contains("did not answer"));
}

#[test]
fn a_late_answer_from_a_plain_program_is_unknown() {
    let bed = Bed::new();
    let program = bed.sender("slow", "sleep 3\necho '{\"remote_id\": \"r\"}'");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 1, false)),
        &clock(NOW),
    );
    assert_eq!(run(&mut w).unknown, 1);
    assert_eq!(row(&conn, ids[0]).1, "unknown");
    // Only the operator sends it again, with the same key.
    assert_eq!(run(&mut w).unknown + run(&mut w).sent, 0);
    assert!(outbox::requeue(&conn, ids[0], NOW).unwrap());
    assert!(
        !outbox::requeue(&conn, ids[0], NOW).unwrap(),
        "already queued"
    );
    assert_eq!(run(&mut w).unknown, 1);
    let log = bed.log("slow");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0], log[1]);
}

#[test]
fn garbage_on_stdout_is_still_sent() {
    let bed = Bed::new();
    let program = bed.sender(
        "garbage",
        "printf 'ok!\\033]0;pwned\\007 {not json'\nhead -c 100000 /dev/zero",
    );
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 5, false)),
        &clock(NOW),
    );
    assert_eq!(run(&mut w).sent, 1);
    let (_, state, _, _, _, remote_id, url) = row(&conn, ids[0]);
    assert_eq!((state.as_str(), remote_id, url), ("sent", None, None));
}

#[test]
fn five_megabytes_of_stderr_neither_block_nor_end_up_stored() {
    let bed = Bed::new();
    let program = bed.sender(
        "noisy",
        "head -c 5000000 /dev/zero | tr '\\000' 'e' >&2\nexit 2",
    );
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &program, 10, false)),
        &clock(NOW),
    );
    let started = Instant::now();
    assert_eq!(run(&mut w).failed, 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let error = row(&conn, ids[0]).4.unwrap();
    assert!(
        error.starts_with("eeee") && error.chars().count() <= 301,
        "{}",
        error.len()
    );
}

#[test]
fn a_program_that_cannot_run_leaves_the_action_to_retry() {
    let bed = Bed::new();
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let missing = bed.path("no-such-program");
    let mut w = worker(
        &bed,
        &format!("{UNDO0}{}", sender_toml("twitter", &missing, 5, false)),
        &clock(NOW),
    );
    assert_eq!(run(&mut w).retrying, 1);
    let (_, state, _, _, error, _, _) = row(&conn, ids[0]);
    assert_eq!(state, "queued");
    assert!(error.unwrap().contains("cannot run"));
}

#[test]
fn nothing_leaves_in_the_undo_window_and_a_cancelled_action_never_leaves() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 2, NOW);
    let now = clock(NOW + 5);
    let toml = format!(
        "[delivery]\nundo_seconds = 10\n{}",
        sender_toml("twitter", &program, 5, false)
    );
    let mut w = worker(&bed, &toml, &now);
    let summary = run(&mut w);
    assert_eq!(summary.sent, 0, "inside the undo window");
    assert!(
        summary.line().contains("waiting 2: 2 later on twitter"),
        "{}",
        summary.line()
    );
    assert!(outbox::cancel(&conn, ids[0], NOW + 6).unwrap());
    assert!(
        !outbox::cancel(&conn, ids[0], NOW + 6).unwrap(),
        "cancelled once"
    );
    now.store(NOW + 10, Ordering::SeqCst);
    assert_eq!(run(&mut w).sent, 1);
    assert_eq!(row(&conn, ids[0]).1, "cancelled");
    assert_eq!(row(&conn, ids[1]).1, "sent");
    assert_eq!(bed.log("ok"), vec![row(&conn, ids[1]).2.unwrap()]);
    assert!(
        !outbox::cancel(&conn, ids[1], NOW + 11).unwrap(),
        "too late once sent"
    );
}

#[test]
fn the_apps_undo_cancels_a_queued_reply_before_it_leaves() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 1, NOW);
    let config = rapport::config::Config::defaults();
    let result = rapport::store::actions::undo(&mut conn, &config, ids[0], NOW + 3).unwrap();
    assert!(matches!(
        result,
        rapport::domain::change::UndoResult::Undone(_)
    ));
    let mut w = worker(
        &bed,
        &sender_toml("twitter", &program, 5, false),
        &clock(NOW + 60),
    );
    assert_eq!(run(&mut w).sent, 0);
    assert_eq!(row(&conn, ids[0]).1, "cancelled");
    assert!(bed.log("ok").is_empty());
}

#[test]
fn without_a_sender_actions_wait_and_go_once_one_is_configured() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    queue_replies(&mut conn, "twitter", 3, NOW);
    queue_replies(&mut conn, "instagram", 2, NOW);
    let now = clock(NOW + 60);
    let mut w = worker(&bed, &sender_toml("instagram", &program, 5, false), &now);
    let summary = run(&mut w);
    assert_eq!(summary.sent, 2);
    assert_eq!(
        summary.line(),
        "sent 2, failed 0, unknown 0, waiting 3: 3 no sender for twitter"
    );
    assert!(summary.all_sent());
    let mut w = worker(&bed, &sender_toml("default", &program, 5, false), &now);
    assert_eq!(run(&mut w).sent, 3);
    assert_eq!(states(&conn).get("sent"), Some(&5));
    assert_eq!(bed.log("ok").len(), 5);
}

#[test]
fn the_per_minute_limit_holds_per_platform() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    queue_replies(&mut conn, "twitter", 5, NOW);
    queue_replies(&mut conn, "instagram", 2, NOW);
    let now = clock(NOW + 60);
    let toml = format!(
        "[delivery]\nper_minute = 3\n{}{}",
        sender_toml("twitter", &program, 5, false),
        sender_toml("instagram", &program, 5, false)
    );
    let mut w = worker(&bed, &toml, &now);
    let summary = run(&mut w);
    assert_eq!(summary.sent, 5, "3 on twitter, 2 on instagram");
    assert!(
        summary
            .line()
            .contains("2 at the per-minute limit on twitter"),
        "{}",
        summary.line()
    );
    now.store(NOW + 60 + 59, Ordering::SeqCst);
    assert_eq!(run(&mut w).sent, 0, "the minute is not over");
    now.store(NOW + 60 + 60, Ordering::SeqCst);
    assert_eq!(run(&mut w).sent, 2);
}

#[test]
fn claims_of_a_stopped_run_become_unknown_or_go_again_when_idempotent() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 3, NOW);
    queue_replies(&mut conn, "mastodon", 1, NOW);
    // A process that is gone (pid far above pid_max), one alive (ours, another
    // worker) whose lease runs, one whose lease ran out.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim();
    let holders = [
        (ids[0], format!("{host}/99999999/1"), NOW + 600),
        (
            ids[1],
            format!("{host}/{}/2", std::process::id()),
            NOW + 600,
        ),
        (ids[2], "elsewhere/1/3".to_string(), NOW + 30),
    ];
    for (id, holder, lease) in &holders {
        conn.execute(
            "UPDATE actions SET state = 'sending', claimed_by = ?2, lease_until = ?3, attempts = 1 WHERE id = ?1",
            rusqlite::params![id, holder, lease],
        )
        .unwrap();
    }
    conn.execute(
        "UPDATE actions SET state = 'sending', claimed_by = 'elsewhere/1/4', lease_until = ?1
         WHERE platform = 'mastodon'",
        [NOW],
    )
    .unwrap();
    let toml = format!(
        "[delivery]\nundo_seconds = 0\n{}{}",
        sender_toml("twitter", &program, 5, false),
        sender_toml("mastodon", &program, 5, true)
    );
    let now = clock(NOW + 60);
    let mut w = worker(&bed, &toml, &now);
    let summary = run(&mut w);
    assert_eq!(row(&conn, ids[0]).1, "unknown", "its process is gone");
    assert_eq!(row(&conn, ids[1]).1, "sending", "alive, lease running");
    assert_eq!(row(&conn, ids[2]).1, "unknown", "lease ran out");
    // The idempotent platform's action went again, with its key.
    assert_eq!((summary.unknown, summary.sent), (2, 1));
    assert_eq!(states(&conn).get("sent"), Some(&1));
    assert!(row(&conn, ids[0]).4.unwrap().contains("check the platform"));
    assert!(
        summary
            .line()
            .contains("1 being sent by another run on twitter"),
        "{}",
        summary.line()
    );
    // A late "sent" from the stopped run is still the truth.
    assert!(outbox::finish(
        &conn,
        ids[2],
        "elsewhere/1/3",
        &Outcome::Sent {
            remote_id: Some("late".into()),
            url: None
        },
        true,
        NOW + 61
    )
    .unwrap());
    assert_eq!(row(&conn, ids[2]).1, "sent");
    assert!(
        !outbox::cancel(&conn, ids[1], NOW).unwrap(),
        "a sending action cannot be cancelled"
    );
}

#[test]
fn the_outbox_query_uses_its_index() {
    let bed = Bed::new();
    let conn = bed.conn();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT platform FROM actions
             WHERE state IN ('queued', 'sending') AND state = 'queued'
               AND kind IN ('reply', 'thank', 'like')
               AND COALESCE(next_attempt_at, created_at + 10) <= 5 GROUP BY platform",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter().any(|p| p.contains("actions_outbox")),
        "{plan:?}"
    );
}

// ---- the commands ----

#[test]
fn send_delivers_and_says_so_with_its_exit_status() {
    let bed = Bed::new();
    let ok = bed.sender("ok", "echo '{\"url\": \"https://t.example/1\"}'");
    let fail = bed.sender("fail", "echo 'account suspended' >&2\nexit 1");
    let mut conn = bed.conn();
    let now = chrono::Utc::now().timestamp();
    queue_replies(&mut conn, "twitter", 2, now - 60);
    queue_replies(&mut conn, "sms", 1, now - 60);
    let config = bed.config_file(&sender_toml("twitter", &ok, 5, false));
    let out = bed.rapport(&["send"], &config);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().next(),
        Some("sent 2, failed 0, unknown 0, waiting 1: 1 no sender for sms")
    );

    let config = bed.config_file(&sender_toml("sms", &fail, 5, false));
    let out = bed.rapport(&["send"], &config);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("sent 0, failed 1, unknown 0, waiting 0\n"),
        "{stdout}"
    );
    assert!(stdout.contains("account suspended"), "{stdout}");

    let out = bed.rapport(&["outbox", "--json"], &config);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .any(|r| r["state"] == "failed" && r["last_error"] == "account suspended"));
    assert!(rows
        .iter()
        .any(|r| r["state"] == "sent" && r["remote_url"] == "https://t.example/1"));
    let out = bed.rapport(&["outbox"], &config);
    assert!(String::from_utf8_lossy(&out.stdout).contains("account suspended"));
}

#[test]
fn send_without_a_database_is_an_error_with_status_2() {
    let bed = Bed::new();
    let config = bed.config_file("");
    let out = bed
        .command(&["send"], &config)
        .arg("--db")
        .arg(bed.path("missing.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
}

#[test]
fn a_bad_sender_config_is_a_named_error() {
    for (toml, key, words) in [
        (
            "[senders.twitter]\ncommand = []\n",
            "senders.twitter.command",
            "is empty",
        ),
        (
            "[senders.twitter]\ncommand = [\"x\"]\ntimeout_secs = 0\n",
            "senders.twitter.timeout_secs",
            "at least 1 second",
        ),
        (
            "[senders.twitter]\nkind = \"pigeon\"\ncommand = [\"x\"]\n",
            "senders.twitter.kind",
            "pigeon",
        ),
        (
            "[delivery]\nmax_attempts = 0\n",
            "delivery.max_attempts",
            "at least 1",
        ),
        (
            "[delivery]\nper_minute = 0\n",
            "delivery.per_minute",
            "at least 1",
        ),
    ] {
        let err = rapport::config::load_str(toml, "my.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("my.toml") && err.contains(words),
            "{toml}: {err}"
        );
        assert!(
            err.contains(key) || err.contains(key.rsplit('.').next().unwrap()),
            "{toml}: {err}"
        );
    }
}

#[test]
fn the_apps_delivery_thread_sends_what_is_queued_after_a_wake_and_stops() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let config = config(&format!(
        "{UNDO0}{}",
        sender_toml("twitter", &program, 5, false)
    ));
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = rapport::delivery::spawn(
        bed.db.clone(),
        config,
        move |p| {
            let _ = tx.send(p);
        },
        |e| panic!("{e}"),
    )
    .unwrap();
    // Idle first: nothing queued.
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(first, rapport::delivery::Progress::Due(0));
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 2, chrono::Utc::now().timestamp());
    handle.wake();
    let mut done = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while done.len() < 2 && Instant::now() < deadline {
        if let Ok(rapport::delivery::Progress::Done {
            action_id, outcome, ..
        }) = rx.recv_timeout(Duration::from_millis(200))
        {
            assert!(matches!(outcome, Outcome::Sent { .. }), "{outcome:?}");
            done.push(action_id);
        }
    }
    assert_eq!(done, ids);
    let started = Instant::now();
    handle.stop();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(bed.log("ok").len(), 2);
}

/// The first-response time is when the platform took the reply, not when it was
/// queued (`[response] count_queued = false`, the default); a taken-back reply
/// answers nothing.
#[test]
fn the_first_response_is_timed_when_the_reply_is_sent() {
    let bed = Bed::new();
    let program = bed.sender("ok", "");
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "twitter", 2, NOW);
    let answered_at = |id: i64| -> Option<i64> {
        conn.query_row(
            "SELECT m.first_response_at FROM actions a JOIN mentions m ON m.id = a.mention_id WHERE a.id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(answered_at(ids[0]), None, "queued is not answered");
    let config = rapport::config::Config::defaults();
    let mut writer = bed.conn();
    rapport::store::actions::undo(&mut writer, &config, ids[1], NOW + 1).unwrap();
    let mut w = worker(
        &bed,
        &sender_toml("twitter", &program, 5, false),
        &clock(NOW + 60),
    );
    assert_eq!(run(&mut w).sent, 1);
    assert_eq!(answered_at(ids[0]), Some(NOW + 60));
    assert_eq!(
        answered_at(ids[1]),
        None,
        "a taken-back reply answers nothing"
    );
}

/// Marked as posted by hand: sent, and the mention answered then.
#[test]
fn a_reply_posted_by_hand_is_sent_and_answers_its_mention() {
    let bed = Bed::new();
    let mut conn = bed.conn();
    let ids = queue_replies(&mut conn, "google", 1, NOW);
    assert!(outbox::mark_posted(&mut conn, ids[0], true, NOW + 30).unwrap());
    assert_eq!(row(&conn, ids[0]).1, "sent");
    let answered: Option<i64> = conn
        .query_row(
            "SELECT m.first_response_at FROM actions a JOIN mentions m ON m.id = a.mention_id WHERE a.id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(answered, Some(NOW + 30));
    assert!(
        !outbox::mark_posted(&mut conn, ids[0], true, NOW + 40).unwrap(),
        "only once"
    );
}
