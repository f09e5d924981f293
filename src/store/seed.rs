//! Life for the demo database's relationship fields: tags, buyer stages, notes, and
//! a history of likes, thanks and dismissals, as an operator would have left them.

use super::import::counted_kinds;
use crate::config::Config;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// What `relationships` set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub tagged: u64,
    pub profiled: u64,
    pub actions: u64,
}

const STAGES: &[&str] = &[
    "existing_customer",
    "potential_buyer",
    "light_buyer",
    "former_customer",
];
const ENGAGEMENTS: &[&str] = &["conversation", "information", "discounts"];
const NOTES: &[&str] = &[
    "Orders the Harbor Blend every month; prefers email.",
    "Runs a food blog, was happy to be featured.",
    "Had a refund issue in October, resolved.",
    "Asks about vegan options a lot.",
    "Wholesale lead: owns two cafes.",
    "",
];

/// The meta key marking a database as a demo (safe for `demo` to replace).
pub const DEMO_KEY: &str = "demo_built_at";

/// Whether the database at `conn` was built by `rapport demo`.
pub fn is_demo(conn: &Connection) -> Result<bool> {
    let found: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [DEMO_KEY], |r| {
            r.get(0)
        })
        .optional()
        .context("reading the database's meta table")?;
    Ok(found.is_some())
}

/// Thank-you notes of the demo's history, by mention.
const THANKS: &[&str] = &[
    "Thank you so much! That made our day. See you soon.",
    "Thanks for the kind words, we'll pass them on to the team!",
    "So glad you enjoyed it. Thanks for stopping by!",
    "Thank you! Come back soon, the next one is on us.",
];

/// Tags the most talkative people `power_user` and the biggest audiences `vip`, fills
/// in stages and notes for the regulars, likes and thanks praise, dismisses bots' spam,
/// and marks the database as a demo. `now` in Unix seconds; only messages written
/// before `history_until` are acted on (every open spam of them is dismissed when
/// that is before `now`: the morning's history is clean).
pub fn relationships(
    conn: &mut Connection,
    config: &Config,
    now: i64,
    history_until: i64,
) -> Result<Seeded> {
    let tx = conn.transaction()?;
    let mut seeded = Seeded::default();
    let ids = |sql: &str, limit: i64| -> rusqlite::Result<Vec<i64>> {
        tx.prepare(sql)?.query_map([limit], |r| r.get(0))?.collect()
    };
    let talkative = ids(
        "SELECT author_id FROM mentions GROUP BY author_id ORDER BY COUNT(*) DESC, author_id LIMIT ?1",
        30,
    )?;
    let famous = ids(
        "SELECT id FROM people WHERE is_bot = 0 ORDER BY followers DESC, id LIMIT ?1",
        3,
    )?;
    {
        let mut tag = tx.prepare(
            "INSERT OR IGNORE INTO tags (person_id, tag, created_at) VALUES (?1, ?2, ?3)",
        )?;
        for id in talkative.iter().take(5) {
            seeded.tagged += tag.execute(params![id, "power_user", now])? as u64;
            // Their items move up as if tagged on the screen.
            super::actions::rerank(&tx, config, *id, true)?;
        }
        for id in &famous {
            seeded.tagged += tag.execute(params![id, "vip", now])? as u64;
        }
        let mut profile = tx.prepare(
            "UPDATE people SET buyer_stage = ?2, engagement = ?3, notes = ?4 WHERE id = ?1",
        )?;
        for (i, id) in talkative.iter().enumerate() {
            seeded.profiled += profile.execute(params![
                id,
                STAGES[i % STAGES.len()],
                ENGAGEMENTS[i % ENGAGEMENTS.len()],
                NOTES[i % NOTES.len()]
            ])? as u64;
        }
    }
    let spam_limit = if history_until < now { i64::MAX } else { 40 };
    let praise_done = mentions(&tx, Pick::AnsweredPraise, history_until, 60)?;
    let praise_open = mentions(&tx, Pick::OpenPraise, history_until, 25)?;
    let spam_open = mentions(&tx, Pick::OpenSpam, history_until, spam_limit)?;
    {
        let mut act = tx.prepare(
            "INSERT INTO actions (kind, mention_id, person_id, platform, state, created_at, sent_at, body)
             VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?5, ?6)",
        )?;
        let mut close = tx.prepare(
            "UPDATE mentions SET status = 'done',
                 first_response_at = CASE WHEN instr(?3, ',' || ?2 || ',') > 0
                                          THEN COALESCE(first_response_at, ?4) ELSE first_response_at END
             WHERE id = ?1",
        )?;
        let counted = counted_kinds(config);
        for (kind, list, closes) in [
            ("like", &praise_done, false),
            ("thank", &praise_open, true),
            ("dismiss", &spam_open, true),
        ] {
            for m in list.iter() {
                // A few minutes to a few hours after the mention, never in the future.
                let at = (m.created_at + 300 + (m.id * 7919) % 10_800).min(now - 60);
                let body = match kind {
                    "thank" => THANKS[(m.id as usize) % THANKS.len()],
                    _ => "",
                };
                seeded.actions +=
                    act.execute(params![kind, m.id, m.author_id, m.platform, at, body])? as u64;
                if closes {
                    close.execute(params![m.id, kind, counted, at])?;
                }
            }
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![DEMO_KEY, now.to_string()],
    )?;
    tx.commit().context("saving the demo's relationships")?;
    Ok(seeded)
}

struct Target {
    id: i64,
    author_id: i64,
    platform: String,
    created_at: i64,
}

/// Which mentions an action history goes on.
enum Pick {
    AnsweredPraise,
    OpenPraise,
    OpenSpam,
}

/// Mentions written before `until` to act on, spread over the table by a stable
/// pseudo-random order.
fn mentions(conn: &Connection, pick: Pick, until: i64, limit: i64) -> Result<Vec<Target>> {
    let sql = match pick {
        Pick::AnsweredPraise => {
            "SELECT id, author_id, platform, created_at FROM mentions
             WHERE status = 'done' AND class = 'praise' AND created_at < ?2
             ORDER BY (id * 7919) % 1009, id LIMIT ?1"
        }
        Pick::OpenPraise => {
            "SELECT id, author_id, platform, created_at FROM mentions
             WHERE status = 'open' AND class = 'praise' AND created_at < ?2
             ORDER BY (id * 7919) % 1009, id LIMIT ?1"
        }
        Pick::OpenSpam => {
            "SELECT id, author_id, platform, created_at FROM mentions
             WHERE status = 'open' AND author_id IN (SELECT id FROM people WHERE is_bot = 1)
               AND created_at < ?2
             ORDER BY (id * 7919) % 1009, id LIMIT ?1"
        }
    };
    let rows = conn
        .prepare(sql)?
        .query_map([limit, until], |r| {
            Ok(Target {
                id: r.get(0)?,
                author_id: r.get(1)?,
                platform: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
