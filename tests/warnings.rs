//! The response-time rules on a real database with a fixed clock: over target, due
//! soon, today's reply times, items crossing their target once, snoozed items crossing
//! theirs, working hours at import, and the reply pace.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rapport::config::Config;
use rapport::domain::change::Write;
use rapport::domain::warnings::PaceWarning;
use rapport::domain::{MentionKind, NewMention, NewPerson, OurReply, Record};
use rapport::store::actions::{self};
use rapport::store::import::Importer;
use rapport::store::{inbox, warnings};
use rusqlite::Connection;

/// Monday 2026-11-23 10:00 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
}

fn mention(id: &str, kind: MentionKind, created: DateTime<Utc>) -> Record {
    Record::Mention(NewMention {
        platform: "twitter".into(),
        external_id: id.into(),
        kind,
        author: NewPerson {
            platform: "twitter".into(),
            platform_user_id: format!("u-{id}"),
            handle: format!("person_{id}"),
            display_name: None,
            followers: Some(10),
            profile_url: None,
            is_bot: false,
        },
        account: Some("brand".into()),
        body: "hello there".into(),
        url: None,
        parent_external_id: None,
        thread_external_id: None,
        created_at: created,
    })
}

fn reply(id: &str, to: &str, sent: DateTime<Utc>) -> Record {
    Record::OurReply(OurReply {
        platform: "twitter".into(),
        external_id: id.into(),
        account: Some("brand".into()),
        in_reply_to: to.into(),
        body: "thanks!".into(),
        sent_at: sent,
    })
}

fn database(config: &Config, records: &[Record]) -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("w.db")).unwrap();
    let mut importer = Importer::begin(&mut conn, config, now()).unwrap();
    for r in records {
        importer.add(r).unwrap();
    }
    importer.finish().unwrap();
    (dir, conn)
}

fn id_of(conn: &Connection, external: &str) -> i64 {
    common::one(
        conn,
        "SELECT id FROM mentions WHERE external_id = ?1",
        [external],
    )
}

#[test]
fn over_target_due_soon_and_todays_reply_times() {
    let config = Config::defaults();
    let (_dir, conn) = database(
        &config,
        &[
            mention("over", MentionKind::Mention, at(8, 0)), // due 09:00
            mention("soon", MentionKind::Mention, at(9, 15)), // due 10:15
            mention("later", MentionKind::Mention, at(9, 50)), // due 10:50
            mention("sms", MentionKind::Sms, at(7, 0)),      // 15 min target
            reply("r-sms", "sms", at(7, 10)),                // answered in 10 min
        ],
    );
    let w = warnings::current(&conn, &config, now().timestamp()).unwrap();
    assert_eq!(w.open, 3);
    assert_eq!(w.over_target, 1);
    assert_eq!(w.due_soon, 1);
    assert_eq!(w.oldest_open_at, Some(at(8, 0)));
    assert_eq!(w.median_response_today_secs, Some(600.0));
    assert_eq!(w.median_target_today_secs, Some(900.0));
    // Half an hour later the "soon" item has crossed; "later" is now due soon.
    let w = warnings::current(&conn, &config, (now() + Duration::minutes(30)).timestamp()).unwrap();
    assert_eq!((w.over_target, w.due_soon), (2, 1));
}

#[test]
fn an_item_crossing_its_target_is_announced_once() {
    let config = Config::defaults();
    let (_dir, conn) = database(&config, &[mention("soon", MentionKind::Mention, at(9, 15))]);
    let t = |m: i64| (now() + Duration::minutes(m)).timestamp();
    assert!(warnings::crossed(&conn, t(-5), t(0)).unwrap().is_empty());
    let crossed = warnings::crossed(&conn, t(0), t(20)).unwrap();
    assert_eq!(crossed.len(), 1);
    assert_eq!(crossed[0].handle, "person_soon");
    // The next refresh window does not announce it again.
    assert!(warnings::crossed(&conn, t(20), t(40)).unwrap().is_empty());
}

#[test]
fn a_snoozed_item_is_not_counted_until_it_wakes_past_its_target() {
    let config = Config::defaults();
    let (_dir, mut conn) = database(&config, &[mention("nap", MentionKind::Mention, at(9, 30))]); // due 10:30
    let id = id_of(&conn, "nap");
    actions::apply(
        &mut conn,
        &config,
        &Write::Snooze {
            mention_id: id,
            until: at(11, 0).timestamp(),
        },
        now().timestamp(),
    )
    .unwrap();
    let w = warnings::current(&conn, &config, at(10, 45).timestamp()).unwrap();
    assert_eq!(
        (w.open, w.over_target),
        (0, 0),
        "snoozed: not open, not late"
    );
    // It crossed its target while asleep: when it wakes, it is over target (the clock
    // never stopped) and the refresh that wakes it announces it.
    assert_eq!(
        inbox::wake_snoozed(&conn, at(11, 0).timestamp()).unwrap(),
        1
    );
    let w = warnings::current(&conn, &config, at(11, 0).timestamp()).unwrap();
    assert_eq!((w.open, w.over_target), (1, 1));
    let crossed = warnings::crossed(&conn, at(10, 0).timestamp(), at(11, 0).timestamp()).unwrap();
    assert_eq!(crossed.len(), 1);
}

#[test]
fn working_hours_move_due_times_at_import() {
    let mut config = Config::defaults();
    config.response_targets.working_hours_only = true;
    // Saturday 21 November, 14:00: nothing counts until Monday 09:00 (UTC schedule).
    let saturday = Utc.with_ymd_and_hms(2026, 11, 21, 14, 0, 0).unwrap();
    let (_dir, conn) = database(
        &config,
        &[mention("weekend", MentionKind::Mention, saturday)],
    );
    let due: i64 = conn
        .query_row("SELECT due_at FROM mentions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(due, at(10, 0).timestamp());
    let w = warnings::current(&conn, &config, at(9, 45).timestamp()).unwrap();
    assert_eq!((w.over_target, w.due_soon), (0, 1));
}

#[test]
fn a_falling_reply_pace_is_noticed() {
    let config = Config::defaults();
    // Four replies every day of the four weeks before last week, one a day since.
    let mut records = Vec::new();
    for day in 1..=35 {
        let per_day = if day <= 7 { 1 } else { 4 };
        for i in 0..per_day {
            let t = now() - Duration::days(day) + Duration::hours(i);
            records.push(reply(&format!("r{day}-{i}"), "elsewhere", t));
        }
    }
    let (_dir, conn) = database(&config, &records);
    let w = warnings::current(&conn, &config, now().timestamp()).unwrap();
    match w.pace {
        Some(PaceWarning::Dropped {
            last_7_per_day,
            prior_28_per_day,
            drop,
        }) => {
            assert_eq!(last_7_per_day, 1.0);
            assert_eq!(prior_28_per_day, 4.0);
            assert!((drop - 0.75).abs() < 1e-9);
        }
        other => panic!("expected a drop, got {other:?}"),
    }
}

#[test]
fn a_silent_working_day_is_noticed() {
    let config = Config::defaults();
    // Two replies every weekday for five weeks, none on Friday 20 November.
    let mut records = Vec::new();
    for day in 1..=35 {
        let t = now() - Duration::days(day);
        let weekday = chrono::Datelike::weekday(&t).num_days_from_monday();
        if weekday >= 5 || day == 3 {
            continue;
        }
        for i in 0..2 {
            records.push(reply(
                &format!("r{day}-{i}"),
                "elsewhere",
                t + Duration::hours(i),
            ));
        }
    }
    let (_dir, conn) = database(&config, &records);
    let w = warnings::current(&conn, &config, now().timestamp()).unwrap();
    assert_eq!(
        w.pace,
        Some(PaceWarning::SilentWorkingDay {
            day: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        })
    );
}

/// The rules have one home each, so every place that shows them agrees: an item
/// answered exactly at its due time is within target, and the median of an even count
/// is the mean of the two middle values, in the status bar and the stats view alike.
#[test]
fn every_view_agrees_on_the_boundary_and_the_median() {
    use rapport::app::App;
    use rapport::ui::theme::Theme;
    let config = Config::defaults(); // mentions: 60 minutes
    let records = [
        mention("fast", MentionKind::Mention, at(8, 0)),
        reply("r-fast", "fast", at(8, 10)),
        mention("mid", MentionKind::Mention, at(8, 5)),
        reply("r-mid", "mid", at(8, 25)),
        // Answered exactly when it was due: within target.
        mention("edge", MentionKind::Mention, at(8, 30)),
        reply("r-edge", "edge", at(9, 30)),
        mention("late", MentionKind::Mention, at(7, 0)),
        reply("r-late", "late", at(8, 10)),
        // Open and due exactly now.
        mention("due-now", MentionKind::Mention, at(9, 0)),
    ];
    let (_dir, conn) = database(&config, &records);
    let now = now().timestamp();

    // The median of 10m, 20m, 60m and 70m is 40m wherever it is shown.
    let w = warnings::counts(&conn, &config, now).unwrap();
    let report = rapport::store::report::report(&conn, &config, at(0, 0).timestamp(), now).unwrap();
    assert_eq!(w.median_response_today_secs, Some(40.0 * 60.0));
    assert_eq!(report.overall.median_secs, w.median_response_today_secs);
    assert_eq!(report.overall.answered, 4);
    // Three of four within target: the one answered at its due time counts as within.
    assert_eq!(report.overall.within_target_share, Some(0.75));

    // An open item due exactly now is not over yet: not counted, not listed by
    // `check`, drawn as due soon; one second later it is over everywhere.
    let due_now = at(10, 0).timestamp();
    let theme = Theme::new(&config.colors, false);
    let mut app = App::new(config.clone(), config.keymap.clone(), now, (120, 40));
    for (t, over) in [(now, false), (now + 1, true)] {
        let w = warnings::counts(&conn, &config, t).unwrap();
        assert_eq!(w.over_target, u64::from(over), "at {t}");
        let listed = warnings::over_target(&conn, t, 50).unwrap();
        assert_eq!(listed.iter().any(|c| c.due_at == due_now), over, "at {t}");
        app.now = t;
        let colour = rapport::ui::inbox::urgency(&app, &theme, due_now);
        assert_eq!(colour == theme.over, over, "at {t}");
        assert_eq!(colour == theme.soon, !over, "at {t}");
    }
}

/// The status bar's "done today" and median from a refresh, on the store thread's
/// connection with its memory of today's answers.
fn refreshed(
    conn: &mut Connection,
    config: &Config,
    cache: &mut rapport::store::actor::Cache,
    at: DateTime<Utc>,
) -> (u64, Option<f64>) {
    use rapport::store::command::{Reply, StoreCmd};
    let cmd = StoreCmd::Refresh {
        crossed_after: None,
    };
    match rapport::store::actor::run(conn, config, cache, cmd, at.timestamp()).unwrap() {
        Reply::Refreshed { warnings, .. } => {
            (warnings.done_today, warnings.median_response_today_secs)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refresh_sees_answers_from_any_connection_and_a_new_day() {
    let config = Config::defaults();
    let (dir, mut conn) = database(
        &config,
        &[
            mention("a", MentionKind::Mention, at(8, 0)),
            mention("b", MentionKind::Mention, at(8, 30)),
            reply("r-a", "a", at(8, 10)),
        ],
    );
    let mut cache = rapport::store::actor::Cache::default();
    assert_eq!(
        refreshed(&mut conn, &config, &mut cache, now()),
        (1, Some(600.0))
    );
    // Answered through another connection (another window, `rapport send`).
    let other = rapport::store::open(&dir.path().join("w.db")).unwrap();
    other
        .execute(
            "UPDATE mentions SET first_response_at = ?1, status = 'done' WHERE external_id = 'b'",
            [at(9, 0).timestamp()],
        )
        .unwrap();
    assert_eq!(
        refreshed(&mut conn, &config, &mut cache, now()),
        (2, Some(1200.0))
    );
    // Taken back through this one.
    conn.execute(
        "UPDATE mentions SET first_response_at = NULL, status = 'open' WHERE external_id = 'b'",
        [],
    )
    .unwrap();
    assert_eq!(
        refreshed(&mut conn, &config, &mut cache, now()),
        (1, Some(600.0))
    );
    // Nothing answered tomorrow yet.
    let tomorrow = now() + Duration::days(1);
    assert_eq!(
        refreshed(&mut conn, &config, &mut cache, tomorrow),
        (0, None)
    );
}
