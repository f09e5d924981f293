//! Everything the detail pane shows about one mention: the whole text, the
//! conversation around it, and the author card.

use crate::domain::Signals;
use crate::model::detail::{Card, Detail, Mention, ThreadItem};
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};

/// How many parents to walk up a conversation.
const THREAD_DEPTH: usize = 8;

/// Loads the detail of mention `id`, or None if it no longer exists.
pub fn load(conn: &Connection, id: i64, now: i64) -> Result<Option<Detail>> {
    let Some((mention, author_id, parent)) = mention(conn, id)? else {
        return Ok(None);
    };
    let author = card(conn, author_id, now)?.context("the author of a mention is missing")?;
    let mut thread = vec![ThreadItem {
        at: mention.created_at,
        who: author.handle.clone(),
        ours: false,
        body: mention.body.clone(),
        current: true,
    }];
    let mut ids = vec![mention.external_id.clone()];
    let mut parent = parent;
    let mut parents = conn.prepare_cached(
        "SELECT m.external_id, m.parent_external_id, m.created_at, p.handle, m.body
         FROM mentions m JOIN people p ON p.id = m.author_id
         WHERE m.platform = ?1 AND m.external_id = ?2",
    )?;
    while let Some(ext) = parent.take() {
        if ids.len() > THREAD_DEPTH || ids.contains(&ext) {
            break;
        }
        let found = parents
            .query_row(rusqlite::params![mention.platform, ext], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    ThreadItem {
                        at: r.get(2)?,
                        who: r.get(3)?,
                        ours: false,
                        body: r.get(4)?,
                        current: false,
                    },
                ))
            })
            .optional()?;
        if let Some((ext, next, item)) = found {
            ids.push(ext);
            thread.push(item);
            parent = next;
        }
    }
    // Our replies to any message of the thread, imported or written here.
    let mut ours = conn.prepare_cached(
        "SELECT created_at, COALESCE(account, 'us'), body FROM actions
         WHERE platform = ?1 AND in_reply_to = ?2 AND undone_at IS NULL
           AND kind IN ('reply', 'thank') AND state IN ('queued', 'sent')",
    )?;
    for ext in &ids {
        let rows = ours.query_map(rusqlite::params![mention.platform, ext], |r| {
            Ok(ThreadItem {
                at: r.get(0)?,
                who: r.get(1)?,
                ours: true,
                body: r.get(2)?,
                current: false,
            })
        })?;
        for item in rows {
            thread.push(item?);
        }
    }
    thread.sort_by_key(|t| t.at);
    Ok(Some(Detail {
        mention,
        author,
        thread,
    }))
}

fn mention(conn: &Connection, id: i64) -> Result<Option<(Mention, i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, platform, external_id, kind, account, body, url, created_at, due_at, status,
                snoozed_until, first_response_at, is_question, sentiment, author_id, parent_external_id,
                class
         FROM mentions WHERE id = ?1",
    )?;
    let found = stmt
        .query_row([id], |r| {
            Ok((
                Mention {
                    id: r.get(0)?,
                    platform: r.get(1)?,
                    external_id: r.get(2)?,
                    kind: r.get(3)?,
                    account: r.get(4)?,
                    body: r.get(5)?,
                    url: r.get(6)?,
                    created_at: r.get(7)?,
                    due_at: r.get(8)?,
                    status: r.get(9)?,
                    snoozed_until: r.get(10)?,
                    first_response_at: r.get(11)?,
                    signals: Signals {
                        class: r.get(16)?,
                        is_question: r.get(12)?,
                        sentiment: r.get(13)?,
                    },
                    reason: String::new(),
                },
                r.get(14)?,
                r.get(15)?,
            ))
        })
        .optional()?;
    // The cues are not stored: the one message shown is read again for its reason,
    // and the stored class stays the one that ranked it.
    Ok(found.map(|(mut m, author, parent)| {
        let reading = crate::domain::reading::read(&m.body);
        m.reason = if reading.class == m.signals.class {
            reading.reason()
        } else {
            m.signals.class.to_string()
        };
        (m, author, parent)
    }))
}

/// The card's query. Last contact is the last thing we sent them
/// (people::CONTACT_KINDS), not a tag, a note or a stage change.
pub(super) const CARD: &str =
    "SELECT id, platform, handle, display_name, followers, is_bot, buyer_stage, engagement, notes,
        (SELECT MAX(created_at) FROM actions a WHERE a.person_id = people.id AND a.undone_at IS NULL
            AND a.state IN ('queued', 'sent') AND a.kind IN ('reply', 'thank', 'like')),
        (SELECT COUNT(*) FROM mentions m WHERE m.author_id = people.id),
        (SELECT COUNT(*) FROM mentions m WHERE m.author_id = people.id AND m.created_at >= ?2)
     FROM people WHERE id = ?1";

/// The card of person `id`.
pub fn card(conn: &Connection, id: i64, now: i64) -> Result<Option<Card>> {
    let mut stmt = conn.prepare_cached(CARD)?;
    let card = stmt
        .query_row(rusqlite::params![id, now - 30 * 86_400], |r| {
            Ok(Card {
                id: r.get(0)?,
                platform: r.get(1)?,
                handle: r.get(2)?,
                display_name: r.get(3)?,
                followers: r.get(4)?,
                is_bot: r.get(5)?,
                buyer_stage: r.get(6)?,
                engagement: r.get(7)?,
                notes: r.get(8)?,
                tags: Vec::new(),
                last_contact: r.get(9)?,
                conversations: r.get(10)?,
                conversations_30d: r.get(11)?,
            })
        })
        .optional()?;
    let Some(mut card) = card else {
        return Ok(None);
    };
    let mut tags = conn.prepare_cached("SELECT tag FROM tags WHERE person_id = ?1 ORDER BY tag")?;
    card.tags = tags
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(card))
}
