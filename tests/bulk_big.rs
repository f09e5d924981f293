//! A change to many thousands of items at once: every row ends as the per-item rules
//! say (closed items, claims held by another window, platforms that cannot like), and
//! one undo step puts every row back as it was.

use chrono::{TimeZone, Utc};
use rapport::commands::Ctx;
use rapport::config::Config;
use rapport::domain::change::{BulkChange, Targets, UndoResult};
use rapport::domain::query::Query;
use rapport::domain::ActionKind;
use rapport::store::{actions, batch};
use rusqlite::Connection;
use std::collections::HashSet;

const NOW: i64 = 1_795_428_000;

/// Every mention's changeable state, one line each.
fn mentions(conn: &Connection) -> Vec<String> {
    conn.prepare(
        "SELECT id || ' ' || status || ' ' || COALESCE(snoozed_until, '-') || ' '
                || COALESCE(first_response_at, '-') || ' ' || rank
         FROM mentions ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn ids_text(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn twenty_thousand_items_change_and_come_back_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let config = Config::defaults();
    let ctx = Ctx {
        db: db.clone(),
        db_given: true,
        config: config.clone(),
    };
    rapport::commands::demo::build_shaped(
        &ctx,
        &db,
        2_000,
        Utc.timestamp_opt(NOW, 0).unwrap(),
        rapport::gen::Shape::Flood,
    )
    .unwrap();
    let mut conn = rapport::store::open(&db).unwrap();
    // Twelve open copies of each generated mention (a generated inbox of this size
    // takes a minute to build in a debug build).
    let columns: Vec<String> = ids_text(&conn, "SELECT name FROM pragma_table_info('mentions')")
        .into_iter()
        .filter(|c| c != "id")
        .collect();
    let copied: Vec<String> = columns
        .iter()
        .map(|c| match c.as_str() {
            "external_id" => "external_id || '-' || n".to_string(),
            "status" => "'open'".to_string(),
            "snoozed_until" | "first_response_at" => "NULL".to_string(),
            other => other.to_string(),
        })
        .collect();
    conn.execute_batch(&format!(
        "WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < 12)
         INSERT INTO mentions ({}) SELECT {} FROM mentions, copies",
        columns.join(", "),
        copied.join(", ")
    ))
    .unwrap();
    // 20,000 open items, 50 closed ones among them, 30 being answered in another window.
    let open = ids(
        &conn,
        "SELECT id FROM mentions WHERE status = 'open' ORDER BY id LIMIT 20000",
    );
    assert_eq!(open.len(), 20_000, "the busy inbox has enough open items");
    let closed = ids(
        &conn,
        "SELECT id FROM mentions WHERE status = 'done' ORDER BY id LIMIT 50",
    );
    let claimed: Vec<i64> = open.iter().step_by(600).copied().take(30).collect();
    for id in &claimed {
        conn.execute(
            "INSERT INTO claims (mention_id, holder, until) VALUES (?1, 'them', ?2)",
            rusqlite::params![id, NOW + 600],
        )
        .unwrap();
    }
    let targets = Targets::Ids(open.iter().chain(&closed).copied().collect());
    let before = mentions(&conn);
    let claimed: HashSet<i64> = claimed.into_iter().collect();
    let open: HashSet<i64> = open.into_iter().collect();
    // What its platform cannot like, among the open items not claimed.
    let unlikeable: HashSet<i64> = conn
        .prepare("SELECT id, platform, kind FROM mentions")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, rapport::domain::MentionKind>(2)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .filter(|(id, platform, kind)| {
            open.contains(id)
                && !claimed.contains(id)
                && rapport::domain::platforms::why_no_like(platform, *kind).is_some()
        })
        .map(|(id, _, _)| id)
        .collect();
    assert!(!unlikeable.is_empty());

    for change in [
        BulkChange::Dismiss,
        BulkChange::Snooze { until: NOW + 7200 },
        BulkChange::Like,
    ] {
        let done = batch::apply(&mut conn, &config, &targets, &change, "me", NOW).unwrap();
        let cannot_like = if change == BulkChange::Like {
            unlikeable.len() as u64
        } else {
            0
        };
        assert_eq!(
            done.changed,
            20_000 - claimed.len() as u64 - cannot_like,
            "{change:?}: {:?}",
            done.skipped
        );
        // Every row: what changed is in the batch with what it was; the rest is untouched.
        let acted: HashSet<i64> = ids(
            &conn,
            &format!(
                "SELECT mention_id FROM actions WHERE batch = {}",
                done.action_id.unwrap()
            ),
        )
        .into_iter()
        .collect();
        assert_eq!(acted.len() as u64, done.changed);
        let (status, snoozed) = match change {
            BulkChange::Snooze { until } => ("snoozed", until.to_string()),
            _ => ("done", "-".to_string()),
        };
        let after = mentions(&conn);
        for (was, now) in before.iter().zip(&after) {
            let id: i64 = was.split(' ').next().unwrap().parse().unwrap();
            if acted.contains(&id) {
                let fields: Vec<&str> = now.split(' ').collect();
                assert_eq!((fields[1], fields[2]), (status, snoozed.as_str()), "{id}");
                assert!(open.contains(&id) && !claimed.contains(&id), "{id}");
                assert!(
                    change != BulkChange::Like || !unlikeable.contains(&id),
                    "{id}"
                );
            } else {
                assert_eq!(was, now, "{change:?} touched {id}");
            }
        }
        // One undo step, and every row is back.
        let undone = actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW + 5).unwrap();
        let kind = match change {
            BulkChange::Dismiss => ActionKind::Dismiss,
            BulkChange::Like => ActionKind::Like,
            _ => ActionKind::Snooze,
        };
        assert_eq!(
            undone,
            UndoResult::UndoneBatch {
                kind,
                count: done.changed,
                left: 0
            }
        );
        assert_eq!(mentions(&conn), before, "{change:?} undone");
        let still: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM actions WHERE batch = ?1 AND undone_at IS NULL",
                [done.action_id.unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(still, 0);
    }
}

/// Times a dismiss of every open item of a generated inbox and its undo; prints,
/// never asserts a time. RAPPORT_BULK_DB names a copy to change (e.g. of
/// target/bench-data/inbox-1000000.db); run with --release --ignored --nocapture.
#[test]
#[ignore]
fn time_a_dismiss_of_every_open_item_and_its_undo() {
    let Ok(path) = std::env::var("RAPPORT_BULK_DB") else {
        println!("RAPPORT_BULK_DB is not set: nothing to time");
        return;
    };
    let config = Config::defaults();
    let mut conn = rapport::store::open(std::path::Path::new(&path)).unwrap();
    let targets = Targets::Matching(Query::parse("").unwrap());
    let started = std::time::Instant::now();
    let done = batch::apply(
        &mut conn,
        &config,
        &targets,
        &BulkChange::Dismiss,
        "me",
        NOW,
    )
    .unwrap();
    println!(
        "dismissed {} items in {:.2} s",
        done.changed,
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let undone = actions::undo(&mut conn, &config, done.action_id.unwrap(), NOW + 5).unwrap();
    println!(
        "undone ({undone:?}) in {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
