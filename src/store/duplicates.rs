//! The duplicate guard: a reply whose text (nearly) equals one sent to someone else
//! lately asks before it goes. People notice copy-paste.

use crate::config::Config;
use crate::domain::change::Outcome;
use crate::domain::similar::{normalize, similarity};
use anyhow::Result;
use rusqlite::{params, Connection};

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
         ORDER BY a.created_at DESC",
    )?;
    let mut rows = stmt.query(params![since, author_id])?;
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
