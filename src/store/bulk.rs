//! Filling an empty database fast: the secondary indexes are set aside while the
//! first import inserts its rows and rebuilt at its end (a sort per index instead of
//! millions of scattered inserts). Inside the import's transaction, so a failed import
//! rolls the indexes back with everything else. Unique indexes stay: the import
//! relies on them to skip records already present. The triggers that keep the stats
//! rollups and the status bar's counters are set aside too, and what they keep is
//! computed once at the end (store::rollups::rebuild, store::counters::recount): per
//! row, the rollups cost about as much as the rest of an insert, and the counters a
//! tenth of it.

use anyhow::{Context, Result};
use rusqlite::{Connection, DropBehavior, Transaction};
use std::time::Duration;

/// Chooses the journal of the import about to begin: a rollback journal for the first
/// import into an empty file, the WAL otherwise. The WAL writes each page twice (into
/// the WAL, then into the file at the checkpoint) and more than twice when the page
/// cache spills pages the import changes again; a rollback journal of an empty file
/// holds only its few schema pages, and the rows go straight into the file. The
/// import stays one transaction: a killed import leaves a journal that the next open
/// rolls back. Switching needs no other connection on the file; if one is there, the
/// import keeps the WAL (it does not wait).
pub fn choose_journal(conn: &Connection) -> Result<()> {
    let empty: bool = conn
        .query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM mentions) AND NOT EXISTS (SELECT 1 FROM actions)
                    AND NOT EXISTS (SELECT 1 FROM people)",
            [],
            |r| r.get(0),
        )
        .context("checking whether the database is empty")?;
    if !empty {
        back_to_wal(conn);
        return Ok(());
    }
    conn.busy_timeout(Duration::ZERO)?;
    let switched =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0));
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    if let Err(e) = switched {
        tracing::debug!("import: keeping the WAL: {e}");
    }
    Ok(())
}

/// Turns the foreign-key checks off for the import about to begin (SQLite changes
/// them only outside a transaction). Every reference an import writes is an id it
/// has just read or assigned itself (an author from its people, a mention it found by
/// external id), never a number from the file, so the checks cannot fail; they cost
/// a lookup in the parent table per row written (about 1.3 s of mentions and 1.3 s of
/// replies on 1,000,000 generated mentions), and they hold authors back from being
/// written in one pass at the end (import_people.rs). `commit` and `roll_back` turn
/// them on again.
pub fn without_foreign_keys(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "OFF")
        .context("setting the foreign-key checks aside for the import")
}

/// The foreign-key checks on again: every connection of rapport runs with them.
pub fn with_foreign_keys(conn: &Connection) {
    if let Err(e) = conn.pragma_update(None, "foreign_keys", "ON") {
        tracing::warn!("could not turn the foreign-key checks on after an import: {e}");
    }
}

/// Commits the import, then puts the WAL, the foreign-key checks and plain reads back
/// (readers and the screen rely on them).
pub fn commit(mut tx: Transaction<'_>) -> Result<()> {
    if let Err(e) = tx.execute_batch("COMMIT") {
        roll_back(tx);
        return Err(e).context("committing the import");
    }
    tx.set_drop_behavior(DropBehavior::Ignore);
    back_to_wal(&tx);
    with_foreign_keys(&tx);
    read_unmapped(&tx);
    Ok(())
}

/// Rolls the import back, then puts the WAL, the foreign-key checks and plain reads
/// back.
pub fn roll_back(tx: Transaction<'_>) {
    if let Err(e) = tx.execute_batch("ROLLBACK") {
        tracing::warn!("rolling the import back: {e}");
    }
    back_to_wal(&tx);
    with_foreign_keys(&tx);
    read_unmapped(&tx);
}

/// How much of the file an import into an empty one reads through a memory map while
/// it rebuilds the indexes (SQLite's own build maps at most 2 GB, whatever is asked).
/// Each rebuild reads the whole table; through SQLite's 2 MB page cache that is a
/// system call and a copy per page. Three runs each, alternated, on 1,000,000
/// generated mentions: the finish took 9.9-10.3 s mapped, against 10.4-11.3 s. The
/// mapped pages are the system's file cache, not the import's own memory, though they
/// count in its resident size. The import holds the file's write lock meanwhile, so
/// no other rapport can shorten the file under the map.
const MAPPED_BYTES: i64 = 1 << 31;

/// Reads the file through a memory map, until `commit` or `roll_back`.
pub fn read_mapped(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "mmap_size", MAPPED_BYTES)
        .context("mapping the database for the import's finish")
}

/// Plain reads again: rapport's connections read without a map (SQLite's default).
fn read_unmapped(conn: &Connection) {
    if let Err(e) = conn.pragma_update(None, "mmap_size", 0) {
        tracing::warn!("could not unmap the database after an import: {e}");
    }
}

/// The WAL again, if the import had set it aside. A failure only costs speed (every
/// open asks for the WAL again), so it is logged, not returned.
fn back_to_wal(conn: &Connection) {
    let mode = conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0));
    if matches!(mode.as_deref(), Ok("wal")) {
        return;
    }
    if let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
        tracing::warn!("could not put the WAL back after an import: {e}");
    }
}

/// Below this size the commit's sync is quick, and nothing is written early.
const WRITTEN_EARLY_FROM: i64 = 64 << 20;

/// Starts writing the file's changed pages to disk on another thread, so that the
/// commit's sync finds them written. An import into an empty file writes all of it
/// (900 MB at 1,000,000 mentions), and the system holds those pages in memory until
/// asked: at the commit, its sync took 0.5-0.6 s while the import waited, against
/// 0.1 s once they were written while the finish computed its figures. Called after
/// the last pass that rewrites the mentions, so few pages are written twice. The
/// commit's sync is still what makes the import durable; this only writes sooner,
/// and nobody waits for it.
///
/// Linux only: `syncfs` on the file's folder writes the pending pages of its whole
/// file system, ours most of them. A second descriptor of the database file itself
/// would be more precise, but closing it would drop SQLite's locks on the file
/// (POSIX locks belong to the process, not to the descriptor).
pub fn write_early(conn: &Connection) -> Result<()> {
    write_early_from(conn, WRITTEN_EARLY_FROM).map(drop)
}

/// `write_early` for a file of at least `from` bytes; the thread, if one started.
fn write_early_from(
    conn: &Connection,
    from: i64,
) -> Result<Option<std::thread::JoinHandle<std::io::Result<()>>>> {
    let size: i64 = conn
        .query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |r| r.get(0),
        )
        .context("reading the size of the database")?;
    let folder = conn
        .path()
        .filter(|p| !p.is_empty())
        .and_then(|p| std::path::Path::new(p).parent())
        .map(std::path::Path::to_path_buf);
    let Some(folder) = folder.filter(|_| size >= from && cfg!(target_os = "linux")) else {
        return Ok(None);
    };
    let thread = std::thread::Builder::new()
        .name("write-early".into())
        .spawn(move || {
            let written = sync_file_system(&folder);
            if let Err(e) = &written {
                tracing::debug!("import: writing the pages early: {e}");
            }
            written
        })
        .context("starting the thread that writes the pages early")?;
    Ok(Some(thread))
}

#[cfg(target_os = "linux")]
fn sync_file_system(folder: &std::path::Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = std::fs::File::open(folder)?;
    // SAFETY: syncfs only reads the descriptor, which `dir` holds open.
    match unsafe { libc::syncfs(dir.as_raw_fd()) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_folder: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

/// Indexes dropped for the duration of an import: (name, CREATE statement).
#[derive(Debug, Default)]
pub struct SetAside {
    /// (table, name, CREATE statement)
    indexes: Vec<(String, String, String)>,
    /// (name, CREATE statement) of the triggers set aside: the stats rollups', the
    /// counters' and the outbox's.
    triggers: Vec<(String, String)>,
}

/// Partial indexes of rows an import never writes, kept in place: an import writes
/// replies already sent (never queued, tried, failed, batched, a like or a dismissal)
/// and closes only mentions it answered. Kept, they cost a test per row written;
/// set aside, a pass over the table each to build them empty (0.46 s for the five
/// of `actions` after 755,457 replies). A row that does fall in one is indexed as
/// usual.
const EMPTY_AFTER_AN_IMPORT: [&str; 6] = [
    "actions_outbox",
    "actions_attempted",
    "actions_trouble",
    "actions_batch",
    "actions_closed",
    "mentions_closed_quietly",
];

/// Drops the non-unique indexes of the imported tables.
pub fn set_aside(conn: &Connection) -> Result<SetAside> {
    let indexes: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT tbl_name, name, sql FROM sqlite_master
             WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
               AND tbl_name IN ('mentions', 'actions', 'people')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut set = SetAside::default();
    for (table, name, sql) in indexes {
        // Identifiers cannot be bound as parameters; these names come from the schema
        // itself, and only plain ones are touched.
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || EMPTY_AFTER_AN_IMPORT.contains(&name.as_str())
        {
            continue;
        }
        conn.execute(&format!("DROP INDEX {name}"), [])
            .with_context(|| format!("setting aside the index {name}"))?;
        set.indexes.push((table, name, sql));
    }
    // With the outbox's trigger, which keys queued actions only (an import writes
    // none): a table with a trigger makes each insert keep a statement journal.
    let triggers: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'trigger' AND (name LIKE 'rollups\\_%' ESCAPE '\\'
                                         OR name LIKE 'open\\_due\\_%' ESCAPE '\\'
                                         OR name LIKE 'reply\\_hours\\_%' ESCAPE '\\'
                                         OR name = 'actions_outbox_key')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, sql) in triggers {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        conn.execute(&format!("DROP TRIGGER {name}"), [])
            .with_context(|| format!("setting aside the trigger {name}"))?;
        set.triggers.push((name, sql));
    }
    Ok(set)
}

/// Puts the triggers back and computes the rollups and counts
/// of every mention and action at once: the database held none before this import.
/// Last, after every write of the import to mentions and actions.
pub fn restore_rollups(conn: &Connection, set: SetAside) -> Result<()> {
    rebuild(conn, set.indexes)?;
    for (name, sql) in set.triggers {
        conn.execute(&sql, [])
            .with_context(|| format!("putting back the trigger {name}"))?;
    }
    let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT MIN(created_at), MAX(created_at) FROM mentions",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if let (Some(first), Some(last)) = (first, last) {
        super::rollups::rebuild(conn, first, last.saturating_add(1))?;
    }
    super::counters::recount(conn)
}

/// Rebuilds what `set_aside` dropped from every table but `except` (rows still to be
/// updated in bulk are faster to update without their indexes).
pub fn restore_except(conn: &Connection, set: &mut SetAside, except: &str) -> Result<()> {
    let (later, now): (Vec<_>, Vec<_>) = std::mem::take(&mut set.indexes)
        .into_iter()
        .partition(|(table, _, _)| table == except);
    set.indexes = later;
    rebuild(conn, now)
}

/// Rebuilds the indexes `set_aside` dropped (the triggers wait for `restore_rollups`).
pub fn restore(conn: &Connection, set: &mut SetAside) -> Result<()> {
    rebuild(conn, std::mem::take(&mut set.indexes))
}

fn rebuild(conn: &Connection, indexes: Vec<(String, String, String)>) -> Result<()> {
    for (_, name, sql) in indexes {
        conn.execute(&sql, [])
            .with_context(|| format!("rebuilding the index {name}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_written_early_only_for_a_large_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("w.db")).unwrap();
        // Far below the size that is worth it: nothing starts.
        assert!(write_early(&conn).is_ok());
        assert!(write_early_from(&conn, WRITTEN_EARLY_FROM)
            .unwrap()
            .is_none());
        // Past it, on Linux, the file system is synced on another thread, without error.
        let thread = write_early_from(&conn, 0).unwrap();
        assert_eq!(thread.is_some(), cfg!(target_os = "linux"));
        if let Some(thread) = thread {
            thread.join().unwrap().unwrap();
        }
        // A database in memory has no folder.
        let memory = Connection::open_in_memory().unwrap();
        assert!(write_early_from(&memory, 0).unwrap().is_none());
    }

    #[test]
    fn the_indexes_kept_through_an_import_hold_none_of_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("k.db")).unwrap();
        let config = crate::config::Config::defaults();
        let now = chrono::Utc::now();
        let mut importer = super::super::import::Importer::begin(&mut conn, &config, now).unwrap();
        let records = crate::gen::Generator::new(crate::gen::Options::busy_fortnight(2000, 3, now));
        for record in records {
            importer.add(&record).unwrap();
        }
        importer.finish().unwrap();
        let replies: i64 = conn
            .query_row("SELECT COUNT(*) FROM actions", [], |r| r.get(0))
            .unwrap();
        assert!(replies > 500, "{replies}");
        for name in EMPTY_AFTER_AN_IMPORT {
            let (table, sql): (String, String) = conn
                .query_row(
                    "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let (_, rows) = sql.split_once("WHERE").expect("a partial index");
            let held: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE {rows}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(held, 0, "{name}");
        }
    }

    #[test]
    fn indexes_come_back_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let schema = |c: &Connection| -> Vec<String> {
            c.prepare(
                "SELECT COALESCE(sql, name) FROM sqlite_master WHERE type = 'index' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
        };
        let all_triggers = |c: &Connection| -> Vec<String> {
            c.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let triggers_before = all_triggers(&conn);
        let before = schema(&conn);
        let mut set = set_aside(&conn).unwrap();
        assert!(set.indexes.len() >= 8, "{set:?}");
        assert!(schema(&conn).iter().any(|s| s.contains("actions_external")));
        restore_except(&conn, &mut set, "mentions").unwrap();
        assert!(schema(&conn).iter().any(|s| s.contains("actions_mention")));
        assert!(!schema(&conn).iter().any(|s| s.contains("mentions_queue")));
        restore(&conn, &mut set).unwrap();
        assert_eq!(schema(&conn), before);
        let triggers = |c: &Connection| -> i64 {
            c.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollups%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(triggers(&conn), 0, "the rollups' triggers wait for the end");
        restore_rollups(&conn, set).unwrap();
        assert!(triggers(&conn) >= 4);
        assert_eq!(all_triggers(&conn), triggers_before);
    }
}
