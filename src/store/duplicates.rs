//! The duplicate guard: a reply whose text (nearly) equals one sent to someone else
//! lately asks before it goes. People notice copy-paste.

use super::actions::Outcome;
use crate::config::Config;
use anyhow::Result;
use rusqlite::{params, Connection};

/// Lowercase words without punctuation, single-spaced, without the words of the
/// recipient's name: "Thanks, Ana!!" to Ana -> "thanks". A text copied to many people
/// with only the name changed is the same text.
pub fn normalize(text: &str, names: &[&str]) -> String {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let skip: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
    words(text)
        .into_iter()
        .filter(|w| !skip.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike two normalized texts are, from 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        1.0
    } else {
        strsim::sorensen_dice(a, b)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_copies_are_alike() {
        let ana = ["ana_b", "Ana Bell"];
        let a = normalize("Thank you so much, Ana! Enjoy the cold brew :)", &ana);
        let b = normalize("thank you so much ana enjoy the cold brew", &ana);
        assert_eq!(a, b);
        assert_eq!(a, "thank you so much enjoy the cold brew");
        let c = normalize("Thank you so much, Ben! Enjoy the cold brew :)", &["ben"]);
        assert_eq!(similarity(&a, &c), 1.0);
        let typo = normalize("Thank you so much, Ben! Enjoy the cold brew!!", &[]);
        assert!(similarity(&a, &typo) > 0.85, "{}", similarity(&a, &typo));
        let d = normalize("Sorry about the late delivery, we are on it.", &[]);
        assert!(similarity(&a, &d) < 0.5);
    }
}
