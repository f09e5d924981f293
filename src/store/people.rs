//! The people view: a page of people with filters, and one person's whole history
//! (their mentions and our actions) newest first.

use crate::model::inbox::Direction;
use crate::model::people::{Event, PeopleFilter, PersonRow};
use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

const PERSON_COLUMNS: &str = "p.id, p.platform, p.handle, p.followers,
    EXISTS (SELECT 1 FROM tags t WHERE t.person_id = p.id AND t.tag = 'power_user'),
    p.buyer_stage, p.last_seen,
    (SELECT MAX(a.created_at) FROM actions a WHERE a.person_id = p.id AND a.undone_at IS NULL
        AND a.state IN ('queued', 'sent') AND a.kind IN ('reply', 'thank', 'like'))";

/// The actions that count as contact, as SQL: what we sent them (a reply, a thank, a
/// like), not a tag, a note or a stage. The list is `ActionKind::goes_out` written
/// out (a test holds them together) so that it can sit in the column list.
pub const CONTACT_KINDS: &str = "('reply', 'thank', 'like')";

/// A page of people, most recently seen first, after `from` (last_seen, id). Each
/// filter reads its own index in that order (people_seen, tags_tag, people_stage), so
/// a page costs the same with a few hundred people or a few hundred thousand.
/// A page of `limit` people from the exclusive key `from` = (last_seen, id), most
/// recently seen first; backward pages come back in list order too.
pub fn page(
    conn: &Connection,
    filter: PeopleFilter,
    from: Option<(i64, i64)>,
    dir: Direction,
    limit: usize,
    now: i64,
    stale_after_days: i64,
) -> Result<Vec<PersonRow>> {
    // The same statement both ways, with the comparison and the order flipped: both
    // are constants, never text from outside.
    let (cmp, order, start) = match dir {
        Direction::Forward => ("<", "DESC", i64::MAX),
        Direction::Backward => (">", "ASC", i64::MIN),
    };
    let (seen, id) = from.unwrap_or((start, start));
    let mut params: Vec<Value> = vec![
        Value::Integer(seen),
        Value::Integer(id),
        Value::Integer(limit as i64),
    ];
    let sql = match filter {
        PeopleFilter::All => format!(
            "SELECT {PERSON_COLUMNS} FROM people p INDEXED BY people_seen
             WHERE (p.last_seen, p.id) {cmp} (?1, ?2) ORDER BY p.last_seen {order}, p.id {order} LIMIT ?3"
        ),
        PeopleFilter::PowerUsers => format!(
            "SELECT {PERSON_COLUMNS} FROM tags t JOIN people p ON p.id = t.person_id
             WHERE t.tag = 'power_user' AND (p.last_seen, p.id) {cmp} (?1, ?2)
             ORDER BY p.last_seen {order}, p.id {order} LIMIT ?3"
        ),
        PeopleFilter::Stage(stage) => {
            params.push(Value::Text(stage.as_str().into()));
            format!(
                "SELECT {PERSON_COLUMNS} FROM people p INDEXED BY people_stage
                 WHERE p.buyer_stage = ?4 AND (p.last_seen, p.id) {cmp} (?1, ?2)
                 ORDER BY p.last_seen {order}, p.id {order} LIMIT ?3"
            )
        }
        PeopleFilter::Search(ref text) => {
            // Every word in the handle or the name. Walking people_seen in order, the
            // page ends at its limit: a common word costs a page, a rare one a pass
            // over the people (never the mentions).
            let mut clauses = Vec::new();
            for word in text.split_whitespace().take(8) {
                let escaped = word
                    .trim_start_matches('@')
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                params.push(Value::Text(format!("%{escaped}%")));
                let n = params.len();
                clauses.push(format!(
                    "(p.handle LIKE ?{n} ESCAPE '\\' OR p.display_name LIKE ?{n} ESCAPE '\\')"
                ));
            }
            if clauses.is_empty() {
                clauses.push("1".into());
            }
            format!(
                "SELECT {PERSON_COLUMNS} FROM people p INDEXED BY people_seen
                 WHERE (p.last_seen, p.id) {cmp} (?1, ?2) AND {}
                 ORDER BY p.last_seen {order}, p.id {order} LIMIT ?3",
                clauses.join(" AND ")
            )
        }
        PeopleFilter::NotContacted => {
            params.push(Value::Integer(now - stale_after_days * 86_400));
            format!(
                "SELECT {PERSON_COLUMNS} FROM people p INDEXED BY people_seen
                 WHERE (p.last_seen, p.id) {cmp} (?1, ?2)
                   AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.person_id = p.id AND a.created_at >= ?4
                                   AND a.undone_at IS NULL AND a.state IN ('queued', 'sent')
                                   AND a.kind IN ('reply', 'thank', 'like'))
                 ORDER BY p.last_seen {order}, p.id {order} LIMIT ?3"
            )
        }
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt
        .query_map(params_from_iter(params), |r| {
            Ok(PersonRow {
                id: r.get(0)?,
                platform: r.get(1)?,
                handle: r.get(2)?,
                followers: r.get(3)?,
                power_user: r.get(4)?,
                buyer_stage: r.get(5)?,
                last_seen: r.get(6)?,
                last_contact: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("listing people")?;
    if dir == Direction::Backward {
        rows.reverse();
    }
    Ok(rows)
}

/// The newest `limit` events of person `id`: what they wrote and what we did.
pub fn history(conn: &Connection, id: i64, limit: usize) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
            SELECT created_at, kind, 0, body, status FROM mentions WHERE author_id = ?1
            ORDER BY created_at DESC LIMIT ?2)
         UNION ALL SELECT * FROM (
            SELECT created_at, kind, 1, body,
                   CASE WHEN undone_at IS NOT NULL THEN 'undone' ELSE state END
            FROM actions WHERE person_id = ?1 ORDER BY created_at DESC LIMIT ?2)
         ORDER BY 1 DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![id, limit as i64], |r| {
            Ok(Event {
                at: r.get(0)?,
                what: r.get(1)?,
                ours: r.get(2)?,
                text: r.get(3)?,
                state: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading a person's history")?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ActionKind;

    #[test]
    fn contact_is_what_goes_out_and_every_query_says_so() {
        let kinds: Vec<String> = ActionKind::ALL
            .iter()
            .filter(|k| k.goes_out())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        assert_eq!(CONTACT_KINDS, format!("({})", kinds.join(", ")));
        assert!(PERSON_COLUMNS.contains(&format!("a.kind IN {CONTACT_KINDS}")));
        assert!(super::super::detail::CARD.contains(&format!("a.kind IN {CONTACT_KINDS}")));
    }

    #[test]
    fn a_note_or_a_tag_is_not_contact_a_like_is() {
        use crate::domain::change::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = crate::config::Config::defaults();
        let now = chrono::Utc::now().timestamp();
        let mut import =
            crate::store::import::Importer::begin(&mut conn, &config, chrono::Utc::now()).unwrap();
        let line = r#"{"platform":"twitter","external_id":"m1","kind":"mention","created_at":"2026-11-20T10:00:00Z","body":"hi","author":{"id":"7","handle":"sam"}}"#;
        import
            .add(&crate::ingest::ndjson::parse_line(line).unwrap().unwrap())
            .unwrap();
        import.finish().unwrap();
        let (mention, person): (i64, i64) = conn
            .query_row("SELECT id, author_id FROM mentions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let last = |conn: &Connection| {
            let card = super::super::detail::card(conn, person, now)
                .unwrap()
                .unwrap();
            let row = page(
                conn,
                PeopleFilter::All,
                None,
                Direction::Forward,
                5,
                now,
                30,
            )
            .unwrap();
            let quiet = page(
                conn,
                PeopleFilter::NotContacted,
                None,
                Direction::Forward,
                5,
                now,
                30,
            )
            .unwrap();
            (card.last_contact, row[0].last_contact, quiet.len())
        };
        for write in [
            Write::Note {
                person_id: person,
                text: "likes oat milk".into(),
            },
            Write::TogglePowerUser { person_id: person },
        ] {
            super::super::actions::apply(&mut conn, &config, &write, now).unwrap();
        }
        assert_eq!(last(&conn), (None, None, 1));
        super::super::actions::apply(
            &mut conn,
            &config,
            &Write::Like {
                mention_id: mention,
            },
            now + 5,
        )
        .unwrap();
        assert_eq!(last(&conn), (Some(now + 5), Some(now + 5), 0));
    }

    #[test]
    fn the_card_counts_every_mention_of_its_person() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = crate::config::Config::defaults();
        let now = chrono::Utc::now().timestamp();
        // A first import into an empty file and a later one count differently (the
        // rollups computed at the end, then kept by triggers): both are here.
        for ids in [&["m1", "m2"][..], &["m3"]] {
            let mut import =
                crate::store::import::Importer::begin(&mut conn, &config, chrono::Utc::now())
                    .unwrap();
            for id in ids {
                let line = format!(
                    r#"{{"platform":"twitter","external_id":"{id}","kind":"mention","created_at":"2026-11-20T10:00:00Z","body":"hi","author":{{"id":"7","handle":"sam"}}}}"#
                );
                import
                    .add(&crate::ingest::ndjson::parse_line(&line).unwrap().unwrap())
                    .unwrap();
            }
            import.finish().unwrap();
        }
        let person: i64 = conn
            .query_row("SELECT DISTINCT author_id FROM mentions", [], |r| r.get(0))
            .unwrap();
        let counted = |conn: &Connection| {
            let card = super::super::detail::card(conn, person, now)
                .unwrap()
                .unwrap();
            let exact: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM mentions WHERE author_id = ?1",
                    [person],
                    |r| r.get(0),
                )
                .unwrap();
            (card.conversations, exact)
        };
        assert_eq!(counted(&conn), (3, 3));
        conn.execute("DELETE FROM mentions WHERE external_id = 'm2'", [])
            .unwrap();
        assert_eq!(counted(&conn), (2, 2));
        // Someone we only know from a conversation of ours has none.
        conn.execute(
            "INSERT INTO people (platform, platform_user_id, handle, first_seen, last_seen)
             VALUES ('twitter', '8', 'kim', 0, 0)",
            [],
        )
        .unwrap();
        let kim = conn.last_insert_rowid();
        let card = super::super::detail::card(&conn, kim, now)
            .unwrap()
            .unwrap();
        assert_eq!(card.conversations, 0);
    }
}
