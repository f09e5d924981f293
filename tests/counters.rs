//! The per-hour counts behind the status bar (store::counters) equal the exact counts
//! over the rows, after imports (the first one fills an empty file in bulk), the
//! screen's writes and undos, snoozes waking, and rows changed or deleted by hand.

use chrono::{Duration, TimeZone, Utc};
use rapport::config::Config;
use rapport::gen::{Generator, Options};
use rapport::store::counters;
use rapport::store::import::Importer;
use rusqlite::{params, Connection};

fn exact_open_due_by(conn: &Connection, at: i64) -> i64 {
    conn.query_row(
        "SELECT COUNT(*) FROM mentions WHERE status = 'open' AND due_at <= ?1",
        [at],
        |r| r.get(0),
    )
    .unwrap()
}

fn exact_replies(conn: &Connection, kinds: &[&str], from: i64, to: i64) -> i64 {
    let k = |i: usize| kinds.get(i).copied().unwrap_or("");
    conn.query_row(
        "SELECT COUNT(*) FROM actions WHERE created_at >= ?1 AND created_at < ?2
           AND undone_at IS NULL AND kind IN (?3, ?4, ?5) AND state IN ('queued', 'sent')",
        params![from, to, k(0), k(1), k(2)],
        |r| r.get(0),
    )
    .unwrap()
}

/// Every count the status bar and the pace read, at times across the data and at
/// hour boundaries and just off them.
fn assert_counts_agree(conn: &Connection, now: i64) {
    let open: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM mentions WHERE status = 'open'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counters::open(conn).unwrap(), open);
    let hour = now - now.rem_euclid(3600);
    for at in [
        -10,
        0,
        3599,
        hour - 20 * 86_400,
        hour - 86_400 - 1,
        hour - 1,
        hour,
        hour + 1,
        now,
        now + 1799,
        hour + 7 * 86_400 + 17,
        i64::MAX - 1,
    ] {
        assert_eq!(
            counters::open_due_by(conn, at).unwrap(),
            exact_open_due_by(conn, at),
            "open items due by {at}"
        );
    }
    for kinds in [
        &["reply", "thank"][..],
        &["reply", "thank", "like"],
        &["like"],
    ] {
        for (from, to) in [
            (hour - 14 * 86_400, hour),
            (hour - 14 * 86_400 + 1800, now),
            (hour - 3 * 86_400 - 1, hour - 3 * 86_400 + 1),
            (hour - 86_400 + 5, hour - 86_400 + 3000),
            (-7200, 7200),
            (now, now),
        ] {
            assert_eq!(
                counters::replies_between(conn, kinds, from, to).unwrap(),
                exact_replies(conn, kinds, from, to),
                "{kinds:?} replies in [{from}, {to})"
            );
        }
    }
}

#[test]
fn the_hourly_counts_follow_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let config = Config::defaults();
    // An odd minute, so day and hour boundaries fall inside the data.
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 41).unwrap();
    let secs = now.timestamp();
    let mut conn = rapport::store::open(&path).unwrap();
    let import = |conn: &mut Connection, seed: u64, count: usize| {
        let mut importer = Importer::begin(conn, &config, now).unwrap();
        for r in Generator::new(Options {
            count,
            seed,
            now,
            days: 14,
            shape: rapport::gen::Shape::Flood,
        }) {
            importer.add(&r).unwrap();
        }
        importer.finish().unwrap();
    };
    // The first import fills the empty file in bulk, the second row by row.
    import(&mut conn, 3, 1500);
    assert_counts_agree(&conn, secs);
    import(&mut conn, 4, 700);
    rapport::store::seed::relationships(&mut conn, &config, secs, secs).unwrap();
    assert_counts_agree(&conn, secs);

    // The screen's own writes and their undo.
    use rapport::domain::change::Write;
    use rapport::domain::ActionKind;
    let open: Vec<i64> = conn
        .prepare("SELECT id FROM mentions WHERE status = 'open' ORDER BY id LIMIT 40")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut undo = Vec::new();
    for (i, id) in open.iter().enumerate() {
        let write = match i % 4 {
            0 => Write::Reply {
                mention_id: *id,
                kind: ActionKind::Reply,
                body: "Thanks, looking into it".into(),
                force: true,
            },
            1 => Write::Dismiss { mention_id: *id },
            2 => Write::Snooze {
                mention_id: *id,
                until: secs + 600,
            },
            _ => Write::Like { mention_id: *id },
        };
        if let rapport::domain::change::Outcome::Applied { action_id, .. } =
            rapport::store::actions::apply(&mut conn, &config, &write, secs).unwrap()
        {
            if i % 3 == 0 {
                undo.push(action_id);
            }
        }
    }
    assert_counts_agree(&conn, secs);
    for id in undo {
        let _ = rapport::store::actions::undo(&mut conn, &config, id, secs + 5);
    }
    assert_counts_agree(&conn, secs);
    // Snoozed items wake later.
    rapport::store::inbox::keep_up(&mut conn, &config, secs + 3600).unwrap();
    assert_counts_agree(&conn, secs + 3600);

    // Rows changed and deleted by hand (or by a later rapport).
    conn.execute_batch(
        "UPDATE mentions SET due_at = due_at + 5400 WHERE id % 7 = 0;
         UPDATE mentions SET status = 'done' WHERE id % 11 = 0;
         UPDATE mentions SET status = 'open' WHERE id % 13 = 0;
         DELETE FROM actions WHERE id % 5 = 0;
         UPDATE actions SET state = 'failed' WHERE id % 9 = 0;
         UPDATE actions SET created_at = created_at - 4000 WHERE id % 4 = 0;
         UPDATE actions SET kind = 'thank' WHERE id % 6 = 0 AND kind = 'reply';",
    )
    .unwrap();
    conn.execute(
        "DELETE FROM mentions WHERE id % 17 = 0 AND id NOT IN (SELECT mention_id FROM actions WHERE mention_id IS NOT NULL)",
        [],
    )
    .unwrap();
    assert_counts_agree(&conn, secs);
    assert_counts_agree(&conn, (now + Duration::days(3)).timestamp());
}

#[test]
fn the_migration_counts_what_a_file_already_holds() {
    use rapport::store::migrations;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 41).unwrap();
    // A file of the version before the counts (v13 added them), filled by hand as an
    // older rapport would.
    let mut conn = Connection::open(&path).unwrap();
    migrations::migrate_to(&mut conn, 12).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
         VALUES (1, 'x', 'u1', 'ann', 0, 0)",
        [],
    )
    .unwrap();
    let secs = now.timestamp();
    for i in 0..300_i64 {
        let status = ["open", "done", "snoozed"][(i % 3) as usize];
        tx.execute(
            "INSERT INTO mentions (id, platform, external_id, kind, author_id, body, created_at,
                                   imported_at, status, due_at, rank)
             VALUES (?1, 'x', ?2, 'mention', 1, 'hi', ?3, ?3, ?4, ?5, ?5)",
            params![
                i + 1,
                format!("m{i}"),
                secs - i * 1733,
                status,
                secs - i * 977 + 5000
            ],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO actions (mention_id, person_id, kind, state, created_at, undone_at, detail)
             VALUES (?1, 1, ?2, ?3, ?4, ?5, '{}')",
            params![
                i + 1,
                ["reply", "thank", "like", "dismiss"][(i % 4) as usize],
                ["queued", "sent", "failed"][(i % 3) as usize],
                secs - i * 1511,
                (i % 5 == 0).then_some(secs)
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(conn);
    let conn = rapport::store::open(&path).unwrap();
    assert_counts_agree(&conn, secs);
}
