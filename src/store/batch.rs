//! Changes to many items at once (the marked ones, or every open item a search
//! matches): one transaction, a few statements over a temporary table of the targets,
//! whatever their number. Each item still gets its own action row (what the item was
//! before, for undo), and the rows share a batch, so one undo step reverts them all.
//! The per-item rules hold: only open items change, an item another window is
//! answering is left to it, and what a platform cannot like is not liked; what was
//! left alone is counted and said.

use crate::config::Config;
use crate::domain::change::{BulkChange, BulkDone, Targets};
use crate::domain::ActionKind;
use anyhow::{Context, Result};
use rusqlite::{params, params_from_iter, Connection, Transaction, TransactionBehavior};

/// The page cache (KiB) a change to many items may fill. Each changed row moves an
/// entry in every index of its table; with SQLite's default 2 MiB cache a change to
/// 250,000 items spills and rereads the same pages over and over. Memory is taken
/// only as pages are read, and given back when the change is done.
const BULK_CACHE_KIB: i64 = 262_144;

/// Runs `work` with the larger page cache of [`BULK_CACHE_KIB`], then puts the
/// connection's own cache size back, whatever `work` returned.
pub(super) fn with_bulk_cache<T>(
    conn: &mut Connection,
    work: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    let result = work(conn);
    conn.pragma_update(None, "cache_size", before)?;
    result
}

/// Applies `change` to `targets` at `now`, as window `holder`.
pub fn apply(
    conn: &mut Connection,
    config: &Config,
    targets: &Targets,
    change: &BulkChange,
    holder: &str,
    now: i64,
) -> Result<BulkDone> {
    with_bulk_cache(conn, |conn| {
        apply_now(conn, config, targets, change, holder, now)
    })
}

fn apply_now(
    conn: &mut Connection,
    config: &Config,
    targets: &Targets,
    change: &BulkChange,
    holder: &str,
    now: i64,
) -> Result<BulkDone> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut done = BulkDone {
        change: change.clone(),
        changed: 0,
        skipped: Vec::new(),
        action_id: None,
        queued: false,
    };
    let open = fill(&tx, targets, now)?;
    if let Targets::Ids(ids) = targets {
        let not_open = ids.len() as u64 - open;
        if not_open > 0 {
            done.skipped.push(("no longer open".into(), not_open));
        }
    }
    let held = tx
        .prepare_cached(
            "DELETE FROM temp.bulk_targets WHERE id IN
             (SELECT mention_id FROM claims WHERE holder != ?1 AND until > ?2)",
        )?
        .execute(params![holder, now])?;
    if held > 0 {
        done.skipped
            .push(("being answered in another window".into(), held as u64));
    }
    if *change == BulkChange::Like {
        let cannot = drop_unlikeable(&tx)?;
        if cannot > 0 {
            done.skipped.push(("cannot be liked".into(), cannot));
        }
    }
    // The batch is the id of its first action: the next rowid, in this write
    // transaction (checked below, should a gap ever appear).
    let batch: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM actions", [], |r| {
        r.get(0)
    })?;
    done.changed = match change {
        BulkChange::Dismiss => close(&tx, config, ActionKind::Dismiss, "done", None, batch, now)?,
        BulkChange::Like => close(&tx, config, ActionKind::Like, "done", None, batch, now)?,
        BulkChange::Snooze { until } => close(
            &tx,
            config,
            ActionKind::Snooze,
            "snoozed",
            Some(*until),
            batch,
            now,
        )?,
        BulkChange::Tag(tag) => tag_authors(&tx, config, tag, batch, now)?,
        BulkChange::Stage(stage) => {
            let n = tx.execute(
                "INSERT INTO actions (kind, person_id, body, detail, state, created_at, sent_at, batch)
                 SELECT 'segment', p.id, '',
                        json_object('person', json_object('buyer_stage', p.buyer_stage,
                                                          'engagement', p.engagement)),
                        'sent', ?2, ?2, ?3
                 FROM people p
                 WHERE p.id IN (SELECT m.author_id FROM temp.bulk_targets b
                                JOIN mentions m ON m.id = b.id)
                   AND p.buyer_stage != ?1
                 ORDER BY p.id",
                params![stage.as_str(), now, batch],
            )?;
            tx.execute(
                "UPDATE people SET buyer_stage = ?1
                 WHERE id IN (SELECT person_id FROM actions WHERE batch = ?2)",
                params![stage.as_str(), batch],
            )?;
            n as u64
        }
        BulkChange::Account(account) => {
            let n = tx.execute(
                "INSERT INTO actions (kind, mention_id, person_id, body, detail, state, created_at,
                                      sent_at, batch)
                 SELECT 'segment', m.id, m.author_id, ?1, json_object('account_before', m.account),
                        'sent', ?2, ?2, ?3
                 FROM temp.bulk_targets b JOIN mentions m ON m.id = b.id
                 WHERE m.account IS NOT ?1 ORDER BY m.id",
                params![account, now, batch],
            )?;
            tx.execute(
                "UPDATE mentions SET account = ?1
                 WHERE id IN (SELECT mention_id FROM actions WHERE batch = ?2)",
                params![account, batch],
            )?;
            n as u64
        }
    };
    if done.changed > 0 {
        let first: i64 = tx.query_row(
            "SELECT MIN(id) FROM actions WHERE batch = ?1",
            [batch],
            |r| r.get(0),
        )?;
        if first != batch {
            tx.execute(
                "UPDATE actions SET batch = ?2 WHERE batch = ?1",
                params![batch, first],
            )?;
        }
        done.action_id = Some(first);
    }
    done.queued = *change == BulkChange::Like && done.changed > 0;
    tx.execute("DELETE FROM temp.bulk_targets", [])?;
    tx.commit()
        .context("saving the change to the marked items")?;
    Ok(done)
}

/// How many open items `targets` holds (for the count of a mark on every match).
pub fn count_open(conn: &Connection, targets: &Targets, now: i64) -> Result<u64> {
    match targets {
        Targets::Ids(ids) => {
            let mut stmt =
                conn.prepare_cached("SELECT status = 'open' FROM mentions WHERE id = ?1")?;
            let mut n = 0;
            for id in ids {
                if stmt
                    .query_row([id], |r| r.get::<_, bool>(0))
                    .unwrap_or(false)
                {
                    n += 1;
                }
            }
            Ok(n)
        }
        Targets::Matching(q) => {
            let (sql, values) = super::inbox::open_matching(q, now);
            let n: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM ({sql})"),
                    params_from_iter(values),
                    |r| r.get(0),
                )
                .context("counting the items that match")?;
            Ok(n as u64)
        }
    }
}

/// Puts the open items of `targets` in the temporary table; returns how many.
fn fill(tx: &Transaction<'_>, targets: &Targets, now: i64) -> Result<u64> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS bulk_targets (id INTEGER PRIMARY KEY);
         DELETE FROM temp.bulk_targets;",
    )?;
    let n = match targets {
        Targets::Ids(ids) => {
            let mut add = tx.prepare_cached(
                "INSERT OR IGNORE INTO temp.bulk_targets (id)
                 SELECT id FROM mentions WHERE id = ?1 AND status = 'open'",
            )?;
            let mut n = 0;
            for id in ids {
                n += add.execute([id])?;
            }
            n
        }
        Targets::Matching(q) => {
            let (sql, values) = super::inbox::open_matching(q, now);
            tx.execute(
                &format!("INSERT OR IGNORE INTO temp.bulk_targets (id) {sql}"),
                params_from_iter(values),
            )
            .context("finding the items that match")?
        }
    };
    Ok(n as u64)
}

/// Puts the items of `targets` in the temporary table whatever their status, as the
/// list shows them (for an export).
fn fill_shown(tx: &Transaction<'_>, targets: &Targets, now: i64) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS bulk_targets (id INTEGER PRIMARY KEY);
         DELETE FROM temp.bulk_targets;",
    )?;
    match targets {
        Targets::Ids(ids) => {
            let mut add = tx.prepare_cached(
                "INSERT OR IGNORE INTO temp.bulk_targets (id) SELECT id FROM mentions WHERE id = ?1",
            )?;
            for id in ids {
                add.execute([id])?;
            }
        }
        Targets::Matching(q) => {
            let (sql, values) = super::inbox::shown_matching(q, now);
            tx.execute(
                &format!("INSERT OR IGNORE INTO temp.bulk_targets (id) {sql}"),
                params_from_iter(values),
            )
            .context("finding the items that match")?;
        }
    }
    Ok(())
}

/// Takes out what its platform cannot like (domain::platforms); returns how many.
fn drop_unlikeable(tx: &Transaction<'_>) -> Result<u64> {
    let rows = tx
        .prepare(
            "SELECT m.id, m.platform, m.kind FROM temp.bulk_targets b JOIN mentions m ON m.id = b.id",
        )?
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, crate::domain::MentionKind>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut drop = tx.prepare_cached("DELETE FROM temp.bulk_targets WHERE id = ?1")?;
    let mut n = 0;
    for (id, platform, kind) in rows {
        if crate::domain::platforms::why_no_like(&platform, kind).is_some() {
            n += drop.execute([id])? as u64;
        }
    }
    Ok(n)
}

/// Closes the targets (done or snoozed), each with its action holding what it was.
fn close(
    tx: &Transaction<'_>,
    config: &Config,
    kind: ActionKind,
    status: &str,
    until: Option<i64>,
    batch: i64,
    now: i64,
) -> Result<u64> {
    // The same rules as one item's (store::actions::close).
    let answers = config.response.counts.contains(&kind)
        && (config.response.count_queued || !kind.goes_out());
    let state = if kind.goes_out() { "queued" } else { "sent" };
    let n = tx.execute(
        "INSERT INTO actions (kind, mention_id, person_id, platform, in_reply_to, account, body,
                              detail, state, created_at, sent_at, batch)
         SELECT ?1, m.id, m.author_id, m.platform, m.external_id, m.account, '',
                json_object('mention', json_object('status', m.status,
                    'snoozed_until', m.snoozed_until, 'first_response_at', m.first_response_at)),
                ?2, ?3, CASE WHEN ?2 = 'sent' THEN ?3 END, ?4
         FROM temp.bulk_targets b JOIN mentions m ON m.id = b.id ORDER BY m.id",
        params![kind.as_str(), state, now, batch],
    )?;
    tx.execute(
        "UPDATE mentions SET status = ?1, snoozed_until = ?2,
             first_response_at = CASE WHEN ?3 THEN COALESCE(first_response_at, ?4)
                                      ELSE first_response_at END
         WHERE id IN (SELECT id FROM temp.bulk_targets)",
        params![status, until, answers, now],
    )?;
    Ok(n as u64)
}

/// Tags the targets' authors who do not have `tag` yet; returns how many people.
fn tag_authors(
    tx: &Transaction<'_>,
    config: &Config,
    tag: &str,
    batch: i64,
    now: i64,
) -> Result<u64> {
    let n = tx.execute(
        "INSERT INTO actions (kind, person_id, body, detail, state, created_at, sent_at, batch)
         SELECT 'tag', a.author_id, ?1, json_object('tag', ?1, 'added', json('true')),
                'sent', ?2, ?2, ?3
         FROM (SELECT DISTINCT m.author_id FROM temp.bulk_targets b
               JOIN mentions m ON m.id = b.id) a
         WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.person_id = a.author_id AND t.tag = ?1)
         ORDER BY a.author_id",
        params![tag, now, batch],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO tags (person_id, tag, created_at)
         SELECT person_id, ?1, ?2 FROM actions WHERE batch = ?3",
        params![tag, now, batch],
    )?;
    if tag == "power_user" {
        let people = tx
            .prepare("SELECT person_id FROM actions WHERE batch = ?1")?
            .query_map([batch], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for p in people {
            super::actions::rerank(tx, config, p, true)?;
        }
    }
    Ok(n as u64)
}

/// The tags people have, most used first (for the command line's completion).
pub fn tag_names(conn: &Connection) -> Result<Vec<String>> {
    let names = conn
        .prepare_cached("SELECT tag FROM tags GROUP BY tag ORDER BY COUNT(*) DESC LIMIT 50")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Writes the items of `targets` to a new file at `path`, one JSON object a line, as
/// the list shows them: every match of a search whatever its status (the queue's
/// query asks for open items itself), every marked item; returns how many. The file
/// is created for this user only, never overwritten.
pub fn export(
    conn: &mut Connection,
    targets: &Targets,
    path: &std::path::Path,
    now: i64,
) -> Result<u64> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).with_context(|| {
        format!(
            "cannot create {} (it may exist already: choose a new name)",
            path.display()
        )
    })?;
    let mut out = std::io::BufWriter::new(file);
    let tx = conn.transaction()?;
    fill_shown(&tx, targets, now)?;
    let mut n = 0;
    {
        let mut stmt = tx.prepare(
            "SELECT m.id, m.platform, m.kind, p.handle, m.account, m.created_at, m.url, m.body,
                    m.status
             FROM temp.bulk_targets b JOIN mentions m ON m.id = b.id
             JOIN people p ON p.id = m.author_id ORDER BY m.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let line = serde_json::json!({
                "id": r.get::<_, i64>(0)?,
                "platform": r.get::<_, String>(1)?,
                "kind": r.get::<_, String>(2)?,
                "handle": r.get::<_, String>(3)?,
                "account": r.get::<_, Option<String>>(4)?,
                "created_at": r.get::<_, i64>(5)?,
                "url": r.get::<_, Option<String>>(6)?,
                "text": r.get::<_, String>(7)?,
                "status": r.get::<_, String>(8)?,
            });
            writeln!(out, "{line}").with_context(|| format!("writing {}", path.display()))?;
            n += 1;
        }
    }
    tx.execute("DELETE FROM temp.bulk_targets", [])?;
    tx.commit()?;
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(n)
}
