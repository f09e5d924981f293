//! Changes to many items at once, on a real database file: a change over a search
//! touches exactly the open items it matches, keeps the per-item rules, and one undo
//! step puts every one of them back.

mod common;

use chrono::{TimeZone, Utc};
use rapport::commands::Ctx;
use rapport::config::Config;
use rapport::domain::change::{BulkChange, Targets, UndoResult};
use rapport::domain::query::Query;
use rapport::domain::{ActionKind, BuyerStage};
use rapport::store::fulltext::MENTION_ID;
use rapport::store::{actions, batch};
use rusqlite::Connection;

const NOW: i64 = 1_795_428_000;

fn demo(count: usize) -> (tempfile::TempDir, Connection, Config) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let ctx = Ctx {
        db: db.clone(),
        db_given: true,
        config: Config::defaults(),
    };
    // The busy inbox (most recent items open), not the morning: many open items.
    rapport::commands::demo::build_shaped(
        &ctx,
        &db,
        count,
        Utc.timestamp_opt(NOW, 0).unwrap(),
        rapport::gen::Shape::Flood,
    )
    .unwrap();
    let conn = rapport::store::open(&db).unwrap();
    (dir, conn, Config::defaults())
}

/// Every mention's changeable state, and every person's stage and tags.
fn state(conn: &Connection) -> String {
    let mentions: Vec<String> = conn
        .prepare(
            "SELECT id || ' ' || status || ' ' || COALESCE(snoozed_until, '-') || ' '
                    || COALESCE(first_response_at, '-') || ' ' || COALESCE(account, '-')
             FROM mentions ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let people: Vec<String> = conn
        .prepare(
            "SELECT p.id || ' ' || p.buyer_stage || ' ' ||
                    COALESCE((SELECT group_concat(tag) FROM tags t WHERE t.person_id = p.id), '')
             FROM people p ORDER BY p.id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    format!("{}\n{}", mentions.join("\n"), people.join("\n"))
}

fn open_ids(conn: &Connection, sql_where: &str) -> Vec<i64> {
    conn.prepare(&format!(
        "SELECT m.id FROM mentions m JOIN people p ON p.id = m.author_id
         WHERE m.status = 'open' AND {sql_where} ORDER BY m.id"
    ))
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// A word found in several open items (and not in every one).
fn common_word(conn: &Connection) -> String {
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM mentions WHERE status = 'open'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for b in &bodies {
        let words: std::collections::BTreeSet<String> = b
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 5)
            .map(str::to_lowercase)
            .collect();
        for w in words {
            *counts.entry(w).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 5 && *n < bodies.len() / 2)
        .max_by_key(|(_, n)| *n)
        .expect("a common word")
        .0
}

#[test]
fn a_dismiss_over_a_search_touches_exactly_its_open_items_and_one_undo_restores_them() {
    let (_dir, mut conn, config) = demo(600);
    let word = common_word(&conn);
    let q = Query::parse(&word).unwrap();
    let expected = open_ids(
        &conn,
        &format!(
            "m.id IN (SELECT {MENTION_ID} FROM mentions_fts WHERE mentions_fts MATCH '\"{word}\"')"
        ),
    );
    assert!(expected.len() >= 5, "{word}: {expected:?}");
    let targets = Targets::Matching(q);
    assert_eq!(
        batch::count_open(&conn, &targets, NOW).unwrap(),
        expected.len() as u64
    );
    let before = state(&conn);
    let open_before: i64 = common::one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE status = 'open'",
        [],
    );
    let done = batch::apply(
        &mut conn,
        &config,
        &targets,
        &BulkChange::Dismiss,
        "me",
        NOW,
    )
    .unwrap();
    assert_eq!(done.changed, expected.len() as u64);
    assert!(done.skipped.is_empty(), "{:?}", done.skipped);
    let dismissed: Vec<i64> = conn
        .prepare("SELECT mention_id FROM actions WHERE batch = ?1 ORDER BY mention_id")
        .unwrap()
        .query_map([done.action_id.unwrap()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(dismissed, expected, "one action per matching open item");
    let open_after: i64 = common::one(
        &conn,
        "SELECT COUNT(*) FROM mentions WHERE status = 'open'",
        [],
    );
    assert_eq!(open_after, open_before - expected.len() as i64);
    for id in &expected {
        let status: String = common::one(&conn, "SELECT status FROM mentions WHERE id = ?1", [id]);
        assert_eq!(status, "done");
    }
    // The history lists the change once.
    let history = actions::history(&conn, 50).unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|h| h.kind == ActionKind::Dismiss)
            .count(),
        1
    );
    // One undo step, from any of its actions, puts every one back.
    let undone = actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW + 5).unwrap();
    assert_eq!(
        undone,
        UndoResult::UndoneBatch {
            kind: ActionKind::Dismiss,
            count: expected.len() as u64,
            left: 0
        }
    );
    assert_eq!(state(&conn), before);
    assert_eq!(
        actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW + 6).unwrap(),
        UndoResult::Gone
    );
}

#[test]
fn marked_items_keep_the_rules_of_one_item() {
    let (_dir, mut conn, config) = demo(300);
    let sms = open_ids(&conn, "m.kind = 'sms'");
    let others = open_ids(&conn, "m.kind = 'mention' AND m.platform = 'twitter'");
    assert!(!sms.is_empty() && others.len() >= 3, "{sms:?} {others:?}");
    let done_item: i64 = common::one(
        &conn,
        "SELECT id FROM mentions WHERE status = 'done' LIMIT 1",
        [],
    );
    // Another window is answering others[0].
    conn.execute(
        "INSERT INTO claims (mention_id, holder, until) VALUES (?1, 'them', ?2)",
        rusqlite::params![others[0], NOW + 60],
    )
    .unwrap();
    let ids = vec![sms[0], others[0], others[1], others[2], done_item];
    let before = state(&conn);
    let done = batch::apply(
        &mut conn,
        &config,
        &Targets::Ids(ids),
        &BulkChange::Like,
        "me",
        NOW,
    )
    .unwrap();
    assert_eq!(done.changed, 2, "{done:?}");
    let skipped: Vec<(&str, u64)> = done.skipped.iter().map(|(w, n)| (w.as_str(), *n)).collect();
    assert_eq!(
        skipped,
        [
            ("no longer open", 1),
            ("being answered in another window", 1),
            ("cannot be liked", 1)
        ]
    );
    assert!(done.queued);
    let queued: i64 = common::one(
        &conn,
        "SELECT COUNT(*) FROM actions WHERE batch = ?1 AND kind = 'like' AND state = 'queued'",
        [done.action_id.unwrap()],
    );
    assert_eq!(queued, 2);
    actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW + 1).unwrap();
    assert_eq!(state(&conn), before);
}

fn exported_ids(path: &std::path::Path) -> Vec<i64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

/// `:export FILE` writes what the list shows, one JSON object a line, to a new file:
/// every match of a search whatever its status (as the search lists them), the
/// queue's open items, or the marked items.
#[test]
fn an_export_writes_what_the_list_shows_to_a_new_file() {
    let (dir, mut conn, _) = demo(300);
    let q = Query::parse("platform:twitter").unwrap();
    let all = ids_where(&conn, "m.platform = 'twitter'");
    let open = open_ids(&conn, "m.platform = 'twitter'");
    assert!(
        all.len() > open.len() && !open.is_empty(),
        "{all:?} {open:?}"
    );
    let path = dir.path().join("out.ndjson");
    let n = batch::export(&mut conn, &Targets::Matching(q.clone()), &path, NOW).unwrap();
    assert_eq!(n, all.len() as u64);
    assert_eq!(exported_ids(&path), all, "every match, answered ones too");
    let again = batch::export(&mut conn, &Targets::Matching(q), &path, NOW).unwrap_err();
    assert!(
        format!("{again:#}").contains("choose a new name"),
        "{again:#}"
    );
    // The queue (no search) is its open items.
    let queue = Query::parse("status:open platform:twitter").unwrap();
    let path = dir.path().join("queue.ndjson");
    batch::export(&mut conn, &Targets::Matching(queue), &path, NOW).unwrap();
    assert_eq!(exported_ids(&path), open);
    // Marked items, an answered one among them.
    let marked = vec![
        open[0],
        all.iter().copied().find(|id| !open.contains(id)).unwrap(),
    ];
    let path = dir.path().join("marked.ndjson");
    batch::export(&mut conn, &Targets::Ids(marked.clone()), &path, NOW).unwrap();
    let mut sorted = marked;
    sorted.sort();
    assert_eq!(exported_ids(&path), sorted);
}

fn ids_where(conn: &Connection, sql_where: &str) -> Vec<i64> {
    conn.prepare(&format!(
        "SELECT m.id FROM mentions m WHERE {sql_where} ORDER BY m.id"
    ))
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Taking one like back from the outbox takes back that one, not its whole batch.
#[test]
fn one_like_of_a_batch_is_taken_back_alone() {
    let (_dir, mut conn, config) = demo(300);
    let ids = open_ids(&conn, "m.kind = 'mention' AND m.platform = 'twitter'")[..3].to_vec();
    let done = batch::apply(
        &mut conn,
        &config,
        &Targets::Ids(ids.clone()),
        &BulkChange::Like,
        "me",
        NOW,
    )
    .unwrap();
    assert_eq!(done.changed, 3);
    let second: i64 = common::one(
        &conn,
        "SELECT id FROM actions WHERE batch = ?1 AND mention_id = ?2",
        [done.action_id.unwrap(), ids[1]],
    );
    let undone = actions::undo_one(&mut conn, &config, second, NOW + 1).unwrap();
    assert!(matches!(undone, UndoResult::Undone(_)), "{undone:?}");
    let statuses: Vec<String> = ids
        .iter()
        .map(|id| common::one(&conn, "SELECT status FROM mentions WHERE id = ?1", [id]))
        .collect();
    assert_eq!(statuses, ["done", "open", "done"]);
}

#[test]
fn tags_stages_and_accounts_over_many_undo_in_one_step() {
    let (_dir, mut conn, config) = demo(300);
    let ids = open_ids(&conn, "1")[..6].to_vec();
    let before = state(&conn);
    for change in [
        BulkChange::Tag("vip".into()),
        BulkChange::Stage(BuyerStage::ExistingCustomer),
        BulkChange::Account("northwind".into()),
        BulkChange::Snooze { until: NOW + 3600 },
    ] {
        let done = batch::apply(
            &mut conn,
            &config,
            &Targets::Ids(ids.clone()),
            &change,
            "me",
            NOW,
        )
        .unwrap();
        assert!(done.changed > 0, "{change:?}");
        assert!(state(&conn) != before);
        let undone = actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW).unwrap();
        assert!(
            matches!(undone, UndoResult::UndoneBatch { count, left: 0, .. } if count == done.changed),
            "{change:?}: {undone:?}"
        );
        assert_eq!(state(&conn), before, "{change:?}");
    }
}

/// A change to every match of a search on a big inbox, timed: set RAPPORT_BIG_DB to a
/// demo database (`rapport demo --count 1000000 --no-open --db FILE`), then run
/// `cargo test --release --test selection -- --ignored --nocapture`. The file is
/// changed and then put back by the undo.
#[test]
#[ignore]
fn a_change_to_every_match_on_a_big_inbox() {
    let Some(db) = std::env::var_os("RAPPORT_BIG_DB") else {
        eprintln!("RAPPORT_BIG_DB is not set: nothing to measure");
        return;
    };
    let config = Config::defaults();
    let mut conn = rapport::store::open(std::path::Path::new(&db)).unwrap();
    let now = chrono::Utc::now().timestamp();
    for search in ["status:open", "refund", "platform:twitter is:question"] {
        let targets = Targets::Matching(Query::parse(search).unwrap());
        let t = std::time::Instant::now();
        let n = batch::count_open(&conn, &targets, now).unwrap();
        let counted = t.elapsed();
        let t = std::time::Instant::now();
        let done = batch::apply(
            &mut conn,
            &config,
            &targets,
            &BulkChange::Dismiss,
            "me",
            now,
        )
        .unwrap();
        let applied = t.elapsed();
        let t = std::time::Instant::now();
        actions::undo(&mut conn, &config, done.action_id.unwrap(), now).unwrap();
        let undone = t.elapsed();
        assert_eq!(done.changed, n);
        eprintln!(
            "{search:?}: {n} open items: counted in {counted:?}, dismissed in {applied:?}, undone in {undone:?}"
        );
    }
}

#[test]
fn a_change_to_every_match_follows_the_search_prefixes_and_left_out_words() {
    let (_dir, conn, _config) = demo(600);
    let word = common_word(&conn);
    let matching = |fts: &str| {
        open_ids(
            &conn,
            &format!(
                "m.id IN (SELECT {MENTION_ID} FROM mentions_fts WHERE mentions_fts MATCH '{fts}')"
            ),
        )
    };
    let all_open = open_ids(&conn, "1");
    // Only a word left out: every open item but its matches.
    let without = all_open.len() - matching(&format!("\"{word}\"")).len();
    let q = Query::parse(&format!("-{word}")).unwrap();
    assert_eq!(
        batch::count_open(&conn, &Targets::Matching(q), NOW).unwrap(),
        without as u64
    );
    // A word cut short matches as a prefix, as the list does.
    let prefix = &word[..word.len() - 1];
    let q = Query::parse(prefix).unwrap();
    assert_eq!(
        batch::count_open(&conn, &Targets::Matching(q), NOW).unwrap(),
        matching(&format!("\"{prefix}\"*")).len() as u64
    );
}
