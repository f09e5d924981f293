//! The duplicate guard: a reply whose text (nearly) equals one sent to someone else
//! lately asks before it goes. People notice copy-paste.
//!
//! Lately is the window (`duplicates.window_days`), and within it the newest
//! `COMPARED` replies: each one compared is read, joined to its person and measured
//! against the new text, and at 50,000 replies a day (the benchmark's inbox) the
//! window's 437,603 took seconds for every reply queued. A thousand is more than a
//! week of most inboxes, and hours of the busiest.

use crate::config::Config;
use crate::domain::change::Outcome;
use crate::domain::similar::{normalize, similarity};
use anyhow::Result;
use rusqlite::{params, Connection};

/// The newest replies of the window a new one is compared with, at most.
const COMPARED: i64 = 1_000;

pub(super) fn duplicate(
    conn: &Connection,
    config: &Config,
    author_id: i64,
    body: &str,
    now: i64,
) -> Result<Option<Outcome>> {
    let (handle, name): (String, String) = conn
        .prepare_cached("SELECT handle, COALESCE(display_name, '') FROM people WHERE id = ?1")?
        .query_row([author_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mine = normalize(body, &[&handle, &name]);
    let since = now - config.duplicates.window_days * 86_400;
    let mut stmt = conn.prepare_cached(
        "SELECT a.body, a.created_at, COALESCE(p.handle, '?'), COALESCE(p.display_name, '') FROM actions a
         LEFT JOIN people p ON p.id = a.person_id
         WHERE a.created_at >= ?1 AND a.kind IN ('reply', 'thank') AND a.state IN ('queued', 'sent')
           AND a.undone_at IS NULL AND a.person_id IS NOT ?2
         ORDER BY a.created_at DESC LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![since, author_id, COMPARED])?;
    while let Some(r) = rows.next()? {
        let other: String = r.get(0)?;
        let (their_handle, their_name): (String, String) = (r.get(2)?, r.get(3)?);
        if similarity(&mine, &normalize(&other, &[&their_handle, &their_name]))
            >= config.duplicates.similarity
        {
            return Ok(Some(Outcome::Duplicate {
                handle: r.get(2)?,
                body: other,
                at: r.get(1)?,
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_replies_of_the_window_are_compared() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("d.db")).unwrap();
        let config = Config::defaults();
        let now = 1_000_000_000;
        conn.execute_batch(
            "INSERT INTO people (id, platform, platform_user_id, handle, first_seen, last_seen)
             VALUES (1, 'twitter', 'u1', 'ana', 0, 0), (2, 'twitter', 'u2', 'ben', 0, 0)",
        )
        .unwrap();
        let reply = |body: &str, at: i64| {
            conn.execute(
                "INSERT INTO actions (kind, person_id, platform, body, state, created_at)
                 VALUES ('reply', 2, 'twitter', ?1, 'sent', ?2)",
                params![body, at],
            )
            .unwrap();
        };
        let canned = "We open at 8am on Sundays, see you soon";
        reply(canned, now - 3_600);
        let asked = |body: &str| duplicate(&conn, &config, 1, body, now).unwrap().is_some();
        assert!(asked(canned));
        for i in 0..COMPARED - 1 {
            reply(&format!("reply number {i} of the day"), now - 60);
        }
        // The canned reply is the thousandth newest: still compared.
        assert!(asked(canned));
        reply("one more", now - 60);
        assert!(!asked(canned));
        assert!(asked("one more!"));
    }
}
