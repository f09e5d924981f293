//! The order of the queue on a real database: what can still be answered in time comes
//! before a stale backlog, and items move behind when they turn stale.

use chrono::{TimeZone, Utc};
use rapport::config::Config;
use rapport::ingest::ndjson::parse_line;
use rapport::model::inbox::{Direction, Listing};
use rapport::store::import::Importer;
use rapport::store::inbox;
use rusqlite::Connection;

/// 2026-11-23 10:00 UTC.
const NOW: i64 = 1_795_428_000;

fn mention(id: &str, kind: &str, at: i64, body: &str) -> String {
    let at = Utc.timestamp_opt(at, 0).unwrap().to_rfc3339();
    format!(
        r#"{{"platform":"twitter","external_id":"{id}","kind":"{kind}","created_at":"{at}","body":"{body}","author":{{"id":"a-{id}","handle":"h{id}"}}}}"#
    )
}

fn import(conn: &mut Connection, config: &Config, now: i64, lines: &[String]) {
    let mut import = Importer::begin(conn, config, Utc.timestamp_opt(now, 0).unwrap()).unwrap();
    for line in lines {
        import.add(&parse_line(line).unwrap().unwrap()).unwrap();
    }
    import.finish().unwrap();
}

fn queue(conn: &Connection) -> Vec<String> {
    let rows = inbox::page(conn, &Listing::Queue, None, Direction::Forward, 50, NOW).unwrap();
    rows.iter().map(|r| r.handle.clone()).collect()
}

#[test]
fn a_fresh_message_comes_before_a_2018_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("q.db")).unwrap();
    let config = Config::defaults();
    let may_2018 = Utc
        .with_ymd_and_hms(2018, 5, 9, 9, 0, 0)
        .unwrap()
        .timestamp();
    let backlog: Vec<String> = (0..20)
        .map(|i| {
            mention(
                &format!("old{i}"),
                "mention",
                may_2018 + i * 60,
                "my order never arrived, still waiting, refund please?",
            )
        })
        .collect();
    import(&mut conn, &config, NOW, &backlog);
    // A plain DM from 14 minutes ago, and a mention two hours old (over target by an
    // hour, still answerable).
    import(
        &mut conn,
        &config,
        NOW,
        &[
            mention("dm", "direct_message", NOW - 14 * 60, "hello there"),
            mention("late", "mention", NOW - 2 * 3600, "hello again"),
        ],
    );
    let order = queue(&conn);
    assert_eq!(order[..2], ["hlate", "hdm"], "{order:?}");
    assert_eq!(
        order[2], "hold0",
        "the backlog keeps its order, oldest first"
    );
    assert_eq!(order.len(), 22);

    // A day later the two-hour-old mention has turned stale: one refresh moves it behind
    // the fresh DM (which is over target now, but not by a day)...
    let later = NOW + 24 * 3600;
    assert_eq!(inbox::move_stale(&conn, &config, later).unwrap(), 1);
    assert_eq!(inbox::move_stale(&conn, &config, later).unwrap(), 0);
    let order = queue(&conn);
    assert_eq!(order[0], "hdm", "{order:?}");
    assert_eq!(order[1], "hold0", "{order:?}");
    assert_eq!(order[21], "hlate", "{order:?}");
}
