//! The triage screen's storage on a real database file: keyset pages agree with a
//! plain ORDER BY, the hot queries use their indexes, and every write can be undone.

mod common;

use chrono::{TimeZone, Utc};
use rapport::commands::Ctx;
use rapport::config::Config;
use rapport::domain::change::{Done, Outcome, UndoResult, Write};
use rapport::domain::query::Query;
use rapport::domain::ActionKind;
use rapport::model::inbox::{Direction, Listing};
use rapport::store::actions::{self};
use rapport::store::inbox::{self};
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
    // A busy inbox (most recent items open), so the pages have many items to walk.
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

fn ids(rows: &[rapport::model::inbox::InboxRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

#[test]
fn keyset_pages_walk_the_queue_in_order_both_ways() {
    let (_dir, conn, _) = demo(1500);
    let all: Vec<i64> = conn
        .prepare("SELECT id FROM mentions WHERE status = 'open' ORDER BY rank, id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(all.len() > 120, "the demo has a backlog ({})", all.len());
    let mut walked = Vec::new();
    let mut from = None;
    loop {
        let page = inbox::page(&conn, &Listing::Queue, from, Direction::Forward, 50, NOW).unwrap();
        if page.is_empty() {
            break;
        }
        from = page.last().map(|r| (r.rank, r.id));
        walked.extend(ids(&page));
    }
    assert_eq!(walked, all);
    // Backward from the bottom: the last page, in list order.
    let last = inbox::page(&conn, &Listing::Queue, None, Direction::Backward, 50, NOW).unwrap();
    assert_eq!(ids(&last), all[all.len() - 50..]);
    let before = inbox::page(
        &conn,
        &Listing::Queue,
        Some((last[0].rank, last[0].id)),
        Direction::Backward,
        50,
        NOW,
    )
    .unwrap();
    assert_eq!(ids(&before), all[all.len() - 100..all.len() - 50]);
}

/// The open items by time (the `=` key), newest or oldest first, page by key in both
/// directions exactly as ORDER BY says.
#[test]
fn open_items_by_time_page_in_order_both_ways() {
    let (_dir, conn, _) = demo(1500);
    for newest_first in [true, false] {
        let order = if newest_first { "DESC" } else { "ASC" };
        let all: Vec<i64> = conn
            .prepare(&format!(
                "SELECT id FROM mentions WHERE status = 'open' ORDER BY created_at {order}, id {order}"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let listing = Listing::ByTime { newest_first };
        let mut walked = Vec::new();
        let mut from = None;
        loop {
            let page = inbox::page(&conn, &listing, from, Direction::Forward, 40, NOW).unwrap();
            if page.is_empty() {
                break;
            }
            from = page.last().map(|r| (r.created_at, r.id));
            walked.extend(ids(&page));
        }
        assert_eq!(walked, all, "newest first: {newest_first}");
        let last = inbox::page(&conn, &listing, None, Direction::Backward, 40, NOW).unwrap();
        assert_eq!(
            ids(&last),
            all[all.len() - 40..],
            "newest first: {newest_first}"
        );
        let before = inbox::page(
            &conn,
            &listing,
            Some((last[0].created_at, last[0].id)),
            Direction::Backward,
            40,
            NOW,
        )
        .unwrap();
        assert_eq!(ids(&before), all[all.len() - 80..all.len() - 40]);
    }
}

#[test]
fn people_pages_walk_everyone_in_order_both_ways() {
    use rapport::model::people::PeopleFilter;
    use rapport::store::people;
    let (_dir, conn, config) = demo(600);
    let expected: Vec<i64> = conn
        .prepare("SELECT id FROM people ORDER BY last_seen DESC, id DESC")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(expected.len() > 20, "{}", expected.len());
    let stale = config.people.stale_after_days;
    let walk = |dir: Direction| {
        let mut seen = Vec::new();
        let mut from = None;
        loop {
            let rows = people::page(&conn, PeopleFilter::All, from, dir, 7, NOW, stale).unwrap();
            if rows.is_empty() {
                break;
            }
            let edge = match dir {
                Direction::Forward => rows.last().unwrap(),
                Direction::Backward => rows.first().unwrap(),
            };
            from = Some((edge.last_seen, edge.id));
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            match dir {
                Direction::Forward => seen.extend(ids),
                Direction::Backward => seen.splice(0..0, ids).for_each(drop),
            }
        }
        seen
    };
    assert_eq!(walk(Direction::Forward), expected);
    assert_eq!(walk(Direction::Backward), expected);
}

#[test]
fn search_pages_newest_first_with_filters() {
    let (_dir, conn, _) = demo(800);
    let q = Query::parse("coffee").unwrap();
    let listing = Listing::Search(q);
    let first = inbox::page(&conn, &listing, None, Direction::Forward, 20, NOW).unwrap();
    assert!(!first.is_empty());
    assert!(
        first
            .windows(2)
            .all(|w| (w[0].created_at, w[0].id) > (w[1].created_at, w[1].id)),
        "newest first"
    );
    assert!(first
        .iter()
        .all(|r| r.preview.to_lowercase().contains("coffee")
            || r.handle.to_lowercase().contains("coffee")));
    let next = inbox::page(
        &conn,
        &listing,
        Some((first.last().unwrap().created_at, first.last().unwrap().id)),
        Direction::Forward,
        20,
        NOW,
    )
    .unwrap();
    let last = first.last().unwrap();
    assert!(next
        .iter()
        .all(|r| (r.created_at, r.id) < (last.created_at, last.id)));
    let q = Query::parse("is:question status:open platform:twitter").unwrap();
    for r in inbox::page(
        &conn,
        &Listing::Search(q),
        None,
        Direction::Forward,
        50,
        NOW,
    )
    .unwrap()
    {
        assert_eq!(r.platform, "twitter");
        assert_eq!(r.status, rapport::domain::Status::Open);
    }
    let over = inbox::page(
        &conn,
        &Listing::Search(Query::parse("is:over").unwrap()),
        None,
        Direction::Forward,
        50,
        NOW,
    )
    .unwrap();
    assert!(over.iter().all(|r| r.due_at < NOW));
}

fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("\n")
}

#[test]
fn the_hot_queries_use_their_indexes() {
    let (_dir, conn, _) = demo(100);
    let queue = plan(
        &conn,
        "SELECT m.id FROM mentions m JOIN people p ON p.id = m.author_id
         WHERE m.status = 'open' AND (m.rank, m.id) > (0, 0) ORDER BY m.rank, m.id LIMIT 200",
    );
    assert!(queue.contains("mentions_queue"), "{queue}");
    assert!(
        !queue.contains("TEMP B-TREE"),
        "the queue must not sort: {queue}"
    );
    // Search plans: tests/search.rs.
}

fn mention_state(conn: &Connection, id: i64) -> (String, Option<i64>, Option<i64>, i64) {
    conn.query_row(
        "SELECT status, first_response_at, snoozed_until, rank FROM mentions WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

fn top(conn: &Connection, n: usize) -> Vec<rapport::model::inbox::InboxRow> {
    inbox::page(conn, &Listing::Queue, None, Direction::Forward, n, NOW).unwrap()
}

#[test]
fn every_write_is_undone_in_reverse_order() {
    let (_dir, mut conn, config) = demo(300);
    let rows = top(&conn, 5);
    let (a, b, c) = (rows[0].clone(), rows[1].clone(), rows[2].clone());
    let before_a = mention_state(&conn, a.id);
    let before_b = mention_state(&conn, b.id);
    let before_c = mention_state(&conn, c.id);

    // A like closes the item but is not a response (response.counts = reply, thank).
    let out = actions::apply(&mut conn, &config, &Write::Like { mention_id: a.id }, NOW).unwrap();
    assert!(matches!(out, Outcome::Applied { .. }));
    assert_eq!(mention_state(&conn, a.id).0, "done");
    assert_eq!(mention_state(&conn, a.id).1, before_a.1);

    let reply = Write::Reply {
        mention_id: b.id,
        kind: ActionKind::Reply,
        body: "We are on it, sorry!".into(),
        force: false,
    };
    actions::apply(&mut conn, &config, &reply, NOW + 10).unwrap();
    let after_b = mention_state(&conn, b.id);
    assert_eq!(after_b.0, "done");
    // Queued is not answered: the first response is timed when the reply is sent.
    assert_eq!(after_b.1, before_b.1);

    actions::apply(
        &mut conn,
        &config,
        &Write::Snooze {
            mention_id: c.id,
            until: NOW + 3600,
        },
        NOW + 20,
    )
    .unwrap();
    assert_eq!(mention_state(&conn, c.id).0, "snoozed");
    assert_eq!(inbox::wake_snoozed(&conn, NOW + 3599).unwrap(), 0);

    // Power user: the author's open items move up by the configured weight.
    actions::apply(
        &mut conn,
        &config,
        &Write::TogglePowerUser {
            person_id: c.author_id,
        },
        NOW + 30,
    )
    .unwrap();
    let ranked = mention_state(&conn, c.id).3;
    let weight = config.priority.power_user_minutes * 60;
    let tagged = rows[2].power_user;
    assert_eq!(
        ranked,
        if tagged {
            before_c.3 + weight
        } else {
            before_c.3 - weight
        }
    );

    actions::apply(
        &mut conn,
        &config,
        &Write::Note {
            person_id: c.author_id,
            text: "likes decaf".into(),
        },
        NOW + 40,
    )
    .unwrap();
    let notes: String = conn
        .query_row(
            "SELECT notes FROM people WHERE id = ?1",
            [c.author_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(notes.ends_with("likes decaf"), "{notes}");

    // Undo, newest first, restores each step exactly.
    for expected in ["note", "tag", "snooze", "reply", "like"] {
        let last = actions::last_undoable(&conn)
            .unwrap()
            .expect("an action to undo");
        let UndoResult::Undone(u) = actions::undo(&mut conn, &config, last, NOW + 50).unwrap()
        else {
            panic!("{expected} was not undone");
        };
        assert_eq!(u.kind.as_str(), expected);
    }
    assert_eq!(mention_state(&conn, a.id), before_a);
    assert_eq!(mention_state(&conn, b.id), before_b);
    assert_eq!(mention_state(&conn, c.id), before_c);
    let cancelled: String = conn
        .query_row(
            "SELECT state FROM actions WHERE kind = 'reply' AND mention_id = ?1 ORDER BY id DESC",
            [b.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        cancelled, "cancelled",
        "an undone queued reply never goes out"
    );
}

#[test]
fn the_same_reply_to_another_person_asks_first() {
    let (_dir, mut conn, config) = demo(300);
    let rows = top(&conn, 40);
    let first = &rows[0];
    let other = rows
        .iter()
        .find(|r| r.author_id != first.author_id)
        .unwrap();
    let reply = |id: i64, body: &str, force: bool| Write::Reply {
        mention_id: id,
        kind: ActionKind::Reply,
        body: body.into(),
        force,
    };
    let text = |handle: &str| format!("Thanks so much {handle}, your order ships today!");
    actions::apply(
        &mut conn,
        &config,
        &reply(first.id, &text(&first.handle), false),
        NOW,
    )
    .unwrap();
    let out = actions::apply(
        &mut conn,
        &config,
        &reply(other.id, &text(&other.handle), false),
        NOW + 60,
    )
    .unwrap();
    match out {
        Outcome::Duplicate { handle, .. } => assert_eq!(handle, first.handle),
        other => panic!("expected the duplicate guard, got {other:?}"),
    }
    assert_eq!(
        mention_state(&conn, other.id).0,
        "open",
        "nothing written without a yes"
    );
    let out = actions::apply(
        &mut conn,
        &config,
        &reply(other.id, &text(&other.handle), true),
        NOW + 60,
    )
    .unwrap();
    assert!(matches!(out, Outcome::Applied { .. }));
    // A genuinely different reply passes.
    let third = rows
        .iter()
        .find(|r| r.author_id != first.author_id && r.author_id != other.author_id)
        .unwrap();
    let out = actions::apply(
        &mut conn,
        &config,
        &reply(
            third.id,
            "Sorry about the grinder; a new burr is on its way.",
            false,
        ),
        NOW + 90,
    )
    .unwrap();
    assert!(matches!(out, Outcome::Applied { .. }));
}

#[test]
fn a_reply_waits_for_another_writer_instead_of_failing() {
    use rapport::store::command::{Reply, StoreCmd};
    let (dir, conn, config) = demo(200);
    let first = top(&conn, 1).remove(0);
    drop(conn);
    let db = dir.path().join("t.db");
    // Another process (an import) holds the write lock for longer than the busy timeout.
    let mut other = Connection::open(&db).unwrap();
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let (cmd_tx, cmd_rx) = crossbeam_channel::unbounded();
    let (msg_tx, msg_rx) = crossbeam_channel::unbounded();
    let store = rapport::store::actor::spawn(
        rapport::store::open(&db).unwrap(),
        config,
        cmd_rx,
        msg_tx,
        || NOW,
    )
    .unwrap();
    cmd_tx
        .send(StoreCmd::Write(Write::Reply {
            mention_id: first.id,
            kind: ActionKind::Reply,
            body: "Here is the answer".into(),
            force: false,
        }))
        .unwrap();
    match msg_rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap()
    {
        Reply::Notice(text) => assert!(text.contains("waits"), "{text}"),
        other => panic!("expected a notice while waiting, got {other:?}"),
    }
    tx.rollback().unwrap();
    match msg_rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap()
    {
        Reply::Written(Outcome::Applied {
            done: Done::Queued { .. },
            ..
        }) => {}
        other => panic!("expected the reply to be written, got {other:?}"),
    }
    drop(cmd_tx);
    store.join().unwrap();
    let conn = Connection::open(&db).unwrap();
    assert_eq!(mention_state(&conn, first.id).0, "done");
}
