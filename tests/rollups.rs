//! The stats view reads its figures from the per-hour rollups (store::rollups); they must
//! be the exact scan's (`report_between`, what `rapport stats` prints) figure by figure:
//! counts, shares, backlogs and people equal, and the median and 90th percentile
//! reading the same on screen. On generated inboxes in zones a whole and a half hour
//! off UTC, after answers, likes, dismissals, snoozes, undos, a late answer and a
//! delete; and on the TWCS sample when ../shared is there.

mod common;

use chrono::{TimeZone, Utc};
use rapport::config::{Config, Zone};
use rapport::domain::change::Write;
use rapport::domain::figures::default_since;
use rapport::domain::human::figure;
use rapport::domain::sla::Schedule;
use rapport::domain::ActionKind;
use rapport::gen::{Generator, Options, Shape};
use rapport::model::report::{Figures, Report};
use rapport::store::import::Importer;
use rapport::store::{actions, day_rollups, report, rollups};
use rusqlite::Connection;

/// Thu 26 Nov 2026 09:17:23 UTC: inside an hour, so the period ends inside one.
const NOW: i64 = 1_795_684_643;

fn config_in(zone: &str) -> Config {
    let mut c = Config::defaults();
    c.working_hours.time_zone = Zone(zone.parse().unwrap());
    c
}

fn generated(dir: &std::path::Path, config: &Config, count: usize, days: i64) -> Connection {
    let mut conn = rapport::store::open(&dir.join("r.db")).unwrap();
    let now = Utc.timestamp_opt(NOW, 0).unwrap();
    let mut import = Importer::begin(&mut conn, config, now).unwrap();
    for record in Generator::new(Options {
        count,
        seed: 11,
        now,
        days,
        shape: Shape::Flood,
    }) {
        import.add(&record).unwrap();
    }
    import.finish().unwrap();
    conn
}

/// The figures' times as the view shows them, and the figures without them.
fn shown(f: &Figures) -> (Figures, String, String) {
    let mut rest = f.clone();
    rest.median_secs = None;
    rest.p90_secs = None;
    (rest, figure(f.median_secs), figure(f.p90_secs))
}

fn assert_same(view: &Report, exact: &Report, what: &str) {
    assert_eq!(
        shown(&view.overall),
        shown(&exact.overall),
        "{what}: overall"
    );
    assert_eq!(view.per_day.len(), exact.per_day.len(), "{what}: days");
    for (v, e) in view.per_day.iter().zip(&exact.per_day) {
        assert_eq!(
            (v.day, shown(&v.figures), v.replies, v.backlog),
            (e.day, shown(&e.figures), e.replies, e.backlog),
            "{what}: day {}",
            e.day
        );
    }
    let groups = |g: &[rapport::model::report::GroupFigures]| -> Vec<_> {
        g.iter()
            .map(|g| (g.name.clone(), shown(&g.figures)))
            .collect()
    };
    assert_eq!(
        groups(&view.by_platform),
        groups(&exact.by_platform),
        "{what}: platforms"
    );
    assert_eq!(
        groups(&view.by_kind),
        groups(&exact.by_kind),
        "{what}: kinds"
    );
    assert_eq!(view.top_people, exact.top_people, "{what}: top people");
    assert_eq!(view.stale_power_users, exact.stale_power_users, "{what}");
    assert_eq!(view.pace, exact.pace, "{what}: pace");
    assert_eq!(view.warnings, exact.warnings, "{what}: warnings");
    assert_eq!(
        (view.since, view.until),
        (exact.since, exact.until),
        "{what}"
    );
}

fn first_mention(conn: &Connection) -> i64 {
    conn.query_row("SELECT MIN(created_at) FROM mentions", [], |r| r.get(0))
        .unwrap()
}

/// The view and the exact scan over the default 30 days, a week, and all time.
fn check(conn: &Connection, config: &Config, now: i64, what: &str) {
    let mut answered = 0;
    let week = default_since(&config.working_hours, now) + 23 * 86_400;
    for since in [
        default_since(&config.working_hours, now),
        week,
        first_mention(conn),
        // Inside an hour: the period starts inside one too.
        first_mention(conn) + 1234,
    ] {
        let view = report::report(conn, config, since, now).unwrap();
        let exact = report::report_between(conn, config, since, now, now).unwrap();
        answered = answered.max(exact.overall.answered);
        // The per-author search the view uses above a quarter million mentions.
        let top: Vec<(i64, i64)> = exact
            .top_people
            .iter()
            .map(|p| (p.person_id, p.conversations))
            .collect();
        assert_eq!(
            rollups::top_authors(conn, since, now, 10, usize::MAX)
                .unwrap()
                .unwrap(),
            top,
            "{what}"
        );
        assert_same(&view, &exact, &format!("{what}, since {since}"));
    }
    assert!(answered > 0, "{what}: nothing answered");
}

fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

fn rollup_rows(conn: &Connection) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    for sql in [
        "SELECT 'r' || hour || platform || kind || bucket, mentions, within FROM response_hours WHERE mentions != 0 ORDER BY 1",
        "SELECT 'c' || hour || '-' || closed_hour, answered, 0 FROM closed_hours WHERE answered != 0 ORDER BY 1",
        "SELECT 'a' || person_id, mentions, 0 FROM author_mentions WHERE mentions != 0 ORDER BY 1",
        "SELECT 'd' || day || g.platform || g.kind || bucket, mentions, within
         FROM response_days JOIN rollup_groups g ON g.id = grp WHERE mentions != 0 ORDER BY 1",
        "SELECT 'e' || day || '-' || closed_day, answered, 0 FROM closed_days WHERE answered != 0 ORDER BY 1",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

fn changes_keep_the_view_exact(zone: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(zone);
    let mut conn = generated(dir.path(), &config, 6000, 40);
    // From the hours alone, then from the days once they are built.
    check(&conn, &config, NOW, &format!("{zone}: imported"));
    let schedule = Schedule::new(&config.working_hours);
    assert!(day_rollups::ensure(&conn, &schedule).unwrap());
    assert!(
        !day_rollups::ensure(&conn, &schedule).unwrap(),
        "built once"
    );
    check(&conn, &config, NOW, &format!("{zone}: imported, by days"));

    let open = ids(
        &conn,
        "SELECT id FROM mentions WHERE status = 'open' ORDER BY created_at DESC LIMIT 40",
    );
    assert!(open.len() >= 30, "the generated inbox has open items");
    let mut at = NOW - 3000;
    let mut write = |conn: &mut Connection, w: Write| {
        at += 7;
        actions::apply(conn, &config, &w, at).unwrap();
    };
    for (i, id) in open.iter().enumerate().take(30) {
        let w = match i % 5 {
            0 | 1 => Write::Reply {
                mention_id: *id,
                kind: ActionKind::Reply,
                body: format!("Thanks, we are on it ({i})"),
                force: true,
            },
            2 => Write::Like { mention_id: *id },
            3 => Write::Dismiss { mention_id: *id },
            _ => Write::Snooze {
                mention_id: *id,
                until: NOW + 3600,
            },
        };
        write(&mut conn, w);
    }
    check(
        &conn,
        &config,
        NOW,
        &format!("{zone}: answered, liked, dismissed"),
    );

    // Undo the last dismissal: the item is open again.
    let dismissed = ids(
        &conn,
        "SELECT id FROM actions WHERE kind = 'dismiss' AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
    );
    rapport::store::actions::undo(&mut conn, &config, dismissed[0], NOW - 100).unwrap();
    let reopened: String = conn
        .query_row(
            "SELECT m.status FROM mentions m JOIN actions a ON a.mention_id = m.id WHERE a.id = ?1",
            [dismissed[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reopened, "open");
    // And the last reply, before it went out.
    let replied = ids(
        &conn,
        "SELECT id FROM actions WHERE kind = 'reply' AND undone_at IS NULL AND external_id IS NULL ORDER BY id DESC LIMIT 1",
    );
    rapport::store::actions::undo(&mut conn, &config, replied[0], NOW - 90).unwrap();
    check(&conn, &config, NOW, &format!("{zone}: after undos"));

    // A late answer to an old mention: its day's figures and backlog change.
    let old = ids(
        &conn,
        &format!(
            "SELECT id FROM mentions WHERE status = 'open' AND created_at < {} ORDER BY created_at LIMIT 1",
            NOW - 20 * 86_400
        ),
    );
    let old = match old.first() {
        Some(id) => *id,
        None => ids(
            &conn,
            "SELECT id FROM mentions WHERE status = 'open' ORDER BY created_at LIMIT 1",
        )[0],
    };
    write(
        &mut conn,
        Write::Reply {
            mention_id: old,
            kind: ActionKind::Reply,
            body: "Sorry for the wait".into(),
            force: true,
        },
    );
    check(&conn, &config, NOW, &format!("{zone}: late answer"));

    // An answer stamped before its mention, as from an export whose clocks disagree:
    // it counts as closed in the hour the mention was written.
    conn.execute(
        "UPDATE mentions SET first_response_at = created_at - 7200, status = 'done'
         WHERE id = (SELECT id FROM mentions WHERE status = 'open' ORDER BY created_at DESC LIMIT 1)",
        [],
    )
    .unwrap();
    check(
        &conn,
        &config,
        NOW,
        &format!("{zone}: answered before written"),
    );

    // A deleted mention (nothing in the app deletes one, but a repair might).
    let gone = ids(
        &conn,
        "SELECT id FROM mentions WHERE first_response_at IS NOT NULL ORDER BY id LIMIT 1",
    )[0];
    conn.execute("DELETE FROM actions WHERE mention_id = ?1", [gone])
        .unwrap();
    conn.execute("DELETE FROM mentions WHERE id = ?1", [gone])
        .unwrap();
    check(&conn, &config, NOW, &format!("{zone}: delete"));

    // The set-based rebuild gives the rows the triggers kept.
    let kept = rollup_rows(&conn);
    assert!(kept.iter().any(|(k, _, _)| k.starts_with('d')), "days kept");
    conn.execute_batch(
        "DELETE FROM response_hours; DELETE FROM closed_hours; DELETE FROM author_mentions;
         DELETE FROM response_days; DELETE FROM closed_days;",
    )
    .unwrap();
    rollups::rebuild(&conn, first_mention(&conn), NOW + 1).unwrap();
    assert_eq!(rollup_rows(&conn), kept);
    // A range that holds only some of the mentions counts its authors again, each over
    // all their mentions, and no one else.
    conn.execute("DELETE FROM author_mentions", []).unwrap();
    let middle: i64 = conn
        .query_row(
            "SELECT created_at FROM mentions ORDER BY created_at
             LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM mentions)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    rollups::rebuild(&conn, middle, NOW + 1).unwrap();
    let counts = |sql: &str| -> Vec<(i64, i64)> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([middle / 3600 * 3600], |r| Ok((r.get(0)?, r.get(1)?)));
        rows.unwrap().collect::<Result<_, _>>().unwrap()
    };
    let counted =
        counts("SELECT person_id, mentions FROM author_mentions WHERE ?1 = ?1 ORDER BY 1");
    let exact = counts(
        "SELECT author_id, COUNT(*) FROM mentions
         WHERE author_id IN (SELECT author_id FROM mentions WHERE created_at >= ?1)
         GROUP BY 1 ORDER BY 1",
    );
    let everyone = counts("SELECT DISTINCT author_id, 0 FROM mentions WHERE ?1 = ?1");
    assert_eq!(counted, exact, "{zone}: part of the range");
    assert!(
        counted.len() < everyone.len(),
        "{zone}: some authors are before it"
    );
    rollups::rebuild(&conn, first_mention(&conn), NOW + 1).unwrap();
    assert_eq!(rollup_rows(&conn), kept);

    // The view reads the days: a wrong count there shows.
    let today = schedule.local_day(Utc.timestamp_opt(NOW, 0).unwrap());
    let yesterday = (today - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() - 1;
    let since = default_since(&config.working_hours, NOW);
    let before = report::report(&conn, &config, since, NOW).unwrap();
    let changed = conn
        .execute(
            "UPDATE response_days SET mentions = mentions + 5
             WHERE (day, grp, bucket) =
                   (SELECT day, grp, bucket FROM response_days WHERE day = ?1 LIMIT 1)",
            [yesterday],
        )
        .unwrap();
    assert_eq!(changed, 1, "{zone}: yesterday has rows");
    let after = report::report(&conn, &config, since, NOW).unwrap();
    assert_eq!(
        after.overall.mentions,
        before.overall.mentions + 5,
        "{zone}"
    );
    rollups::rebuild(&conn, first_mention(&conn), NOW + 1).unwrap();

    // Another zone's days (a window configured elsewhere): the days are not read, and
    // building them for that zone keeps its view exact too.
    let other = config_in(if zone == "Asia/Kolkata" {
        "America/New_York"
    } else {
        "Asia/Kolkata"
    });
    check(
        &conn,
        &other,
        NOW,
        &format!("{zone}: viewed from another zone"),
    );
    assert!(day_rollups::ensure(&conn, &Schedule::new(&other.working_hours)).unwrap());
    check(&conn, &other, NOW, &format!("{zone}: days of another zone"));
    check(&conn, &config, NOW, &format!("{zone}: back, by hours"));
}

#[test]
fn the_view_is_exact_a_whole_hour_off_utc() {
    changes_keep_the_view_exact("America/New_York");
}

#[test]
fn the_view_is_exact_a_half_hour_off_utc() {
    changes_keep_the_view_exact("Asia/Kolkata");
}

#[test]
fn the_view_is_exact_on_the_twcs_sample() {
    let Some(sample) = common::shared_data("twcs_sample.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let out = common::rapport(dir.path(), &db, &["import", sample.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let conn = rapport::store::open(&db).unwrap();
    let last: i64 = conn
        .query_row("SELECT MAX(created_at) FROM mentions", [], |r| r.get(0))
        .unwrap();
    for zone in ["UTC", "Asia/Kolkata"] {
        let config = config_in(zone);
        // As if the view were opened the day after the last message, and today; from
        // the hours, then from the days.
        for days in [false, true] {
            if days {
                day_rollups::ensure(&conn, &Schedule::new(&config.working_hours)).unwrap();
            }
            for now in [last + 86_400 + 1234, NOW] {
                check(&conn, &config, now, &format!("TWCS in {zone}, days {days}"));
            }
        }
    }
}
