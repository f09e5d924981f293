//! Everything the detail pane shows about one mention: the whole text, the
//! conversation around it, and the author card.

use crate::domain::Signals;
use crate::model::detail::{Card, Detail, Mention, ThreadItem};
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};

/// How many parents to walk up a thread.
const THREAD_DEPTH: usize = 8;
/// At most this many of the author's messages of one conversation are shown.
const CONVERSATION_MAX: i64 = 50;

/// Loads the detail of mention `id`, or None if it no longer exists.
pub fn load(conn: &Connection, id: i64, now: i64) -> Result<Option<Detail>> {
    let Some((mention, author_id, conversation)) = mention(conn, id)? else {
        return Ok(None);
    };
    let author = card(conn, author_id, now)?.context("the author of a mention is missing")?;
    let thread = thread(conn, &mention, author_id, conversation.as_deref())?;
    Ok(Some(Detail {
        mention,
        author,
        thread,
        answering_elsewhere: false,
    }))
}

/// The conversation around a mention, oldest first: the author's messages of the
/// conversation, what they answer up the thread (theirs, someone else's or ours: on
/// Twitter a customer answers the brand's reply), and our replies to any of them.
fn thread(
    conn: &Connection,
    m: &Mention,
    author_id: i64,
    conversation: Option<&str>,
) -> Result<Vec<ThreadItem>> {
    // (external id, parent) of every message found; our replies are keyed apart.
    let mut theirs: Vec<(String, Option<String>, ThreadItem)> = Vec::new();
    let mut ours: Vec<(i64, ThreadItem)> = Vec::new();
    let item = |r: &rusqlite::Row<'_>, ours: bool| -> rusqlite::Result<ThreadItem> {
        Ok(ThreadItem {
            at: r.get(2)?,
            who: r.get(3)?,
            ours,
            body: r.get(4)?,
            current: false,
            // Ours carry their outbox state in a sixth column.
            state: if ours { Some(r.get(5)?) } else { None },
        })
    };
    if let Some(key) = conversation {
        let mut same = conn.prepare_cached(
            "SELECT m.external_id, m.parent_external_id, m.created_at, p.handle, m.body
             FROM mentions m JOIN people p ON p.id = m.author_id
             WHERE m.author_id = ?1 AND m.conversation = ?2 AND m.platform = ?3
             ORDER BY m.created_at LIMIT ?4",
        )?;
        let rows = same.query_map(
            rusqlite::params![author_id, key, m.platform, CONVERSATION_MAX],
            |r| Ok((r.get(0)?, r.get(1)?, item(r, false)?)),
        )?;
        for row in rows {
            theirs.push(row?);
        }
    }
    if !theirs.iter().any(|(ext, _, _)| *ext == m.external_id) {
        theirs.push((
            m.external_id.clone(),
            None,
            ThreadItem {
                at: m.created_at,
                who: String::new(),
                ours: false,
                body: m.body.clone(),
                current: true,
                state: None,
            },
        ));
    }
    // Up the thread from each message, through theirs and ours.
    let mut parents = conn.prepare_cached(
        "SELECT m.external_id, m.parent_external_id, m.created_at, p.handle, m.body
         FROM mentions m JOIN people p ON p.id = m.author_id
         WHERE m.platform = ?1 AND m.external_id = ?2",
    )?;
    let mut our_reply = conn.prepare_cached(
        "SELECT id, in_reply_to, COALESCE(sent_at, created_at), COALESCE(account, 'us'), body, state
         FROM actions WHERE platform = ?1 AND external_id = ?2",
    )?;
    // Our post that answers nothing (an announcement), which the thread starts from.
    let mut our_post = conn.prepare_cached(
        "SELECT external_id, NULL, posted_at, COALESCE(account, 'us'), body, 'sent'
         FROM our_posts WHERE platform = ?1 AND external_id = ?2",
    )?;
    let mut up: Vec<String> = theirs.iter().filter_map(|(_, p, _)| p.clone()).collect();
    let mut steps = 0;
    while let Some(ext) = up.pop() {
        steps += 1;
        if steps > THREAD_DEPTH * 4 || theirs.iter().any(|(e, _, _)| *e == ext) {
            continue;
        }
        let found = parents
            .query_row(rusqlite::params![m.platform, ext], |r| {
                Ok((r.get(0)?, r.get::<_, Option<String>>(1)?, item(r, false)?))
            })
            .optional()?;
        if let Some((ext, parent, item)) = found {
            up.extend(parent.clone());
            theirs.push((ext, parent, item));
            continue;
        }
        let reply = our_reply
            .query_row(rusqlite::params![m.platform, ext], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    item(r, true)?,
                ))
            })
            .optional()?;
        if let Some((id, answered, item)) = reply {
            if !ours.iter().any(|(o, _)| *o == id) {
                ours.push((id, item));
                up.extend(answered);
            }
            continue;
        }
        let post = our_post
            .query_row(rusqlite::params![m.platform, ext], |r| {
                Ok((r.get::<_, String>(0)?, item(r, true)?))
            })
            .optional()?;
        if let Some((ext, item)) = post {
            // Kept with theirs, by its external id: it answers nothing, and a
            // reply of ours to it is found below like a reply to any message.
            theirs.push((ext, None, item));
        }
    }
    // Our replies to any message of the thread, imported or written here.
    let mut replies = conn.prepare_cached(
        "SELECT id, in_reply_to, created_at, COALESCE(account, 'us'), body, state FROM actions
         WHERE platform = ?1 AND in_reply_to = ?2 AND undone_at IS NULL
           AND kind IN ('reply', 'thank') AND state IN ('queued', 'sending', 'sent', 'failed', 'unknown')",
    )?;
    for (ext, _, _) in &theirs {
        let rows = replies.query_map(rusqlite::params![m.platform, ext], |r| {
            Ok((r.get::<_, i64>(0)?, item(r, true)?))
        })?;
        for row in rows {
            let (id, item) = row?;
            if !ours.iter().any(|(o, _)| *o == id) {
                ours.push((id, item));
            }
        }
    }
    let mut thread: Vec<ThreadItem> = theirs
        .into_iter()
        .map(|(ext, _, mut item)| {
            if ext == m.external_id {
                item.current = true;
            }
            item
        })
        .chain(ours.into_iter().map(|(_, item)| item))
        .collect();
    if let Some(current) = thread.iter_mut().find(|t| t.current && t.who.is_empty()) {
        current.who = thread_author(conn, author_id)?;
    }
    thread.sort_by_key(|t| t.at);
    Ok(thread)
}

fn thread_author(conn: &Connection, author_id: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT handle FROM people WHERE id = ?1")?
        .query_row([author_id], |r| r.get(0))?)
}

fn mention(conn: &Connection, id: i64) -> Result<Option<(Mention, i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, platform, external_id, kind, account, body, url, created_at, due_at, status,
                snoozed_until, first_response_at, is_question, sentiment, author_id, conversation,
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
/// (people::CONTACT_KINDS), not a tag, a note or a stage change. All their mentions
/// are counted by the rollup kept with every change (author_mentions, migration v15),
/// not by reading them: a busy author has ten thousand, and the card of the first row
/// is on the way to the first frame.
pub(super) const CARD: &str =
    "SELECT id, platform, handle, display_name, followers, is_bot, buyer_stage, engagement, notes,
        (SELECT MAX(created_at) FROM actions a WHERE a.person_id = people.id AND a.undone_at IS NULL
            AND a.state IN ('queued', 'sent') AND a.kind IN ('reply', 'thank', 'like')),
        COALESCE((SELECT mentions FROM author_mentions WHERE person_id = people.id), 0),
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
