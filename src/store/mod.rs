//! The one module that owns the database and all SQL. One SQLite file, WAL,
//! foreign keys on, a 5 s busy timeout, `synchronous = NORMAL`.
//!
//! Times are stored as INTEGER seconds since the Unix epoch, UTC; the UI shows them in
//! local time.

pub mod actions;
pub mod actor;
pub mod batch;
mod bulk;
pub mod claims;
pub mod command;
pub mod conversation;
pub mod counters;
pub mod cursors;
pub mod day_rollups;
pub mod detail;
mod duplicates;
pub mod error;
pub mod export;
pub mod fulltext;
mod fulltext_feed;
pub mod import;
mod import_people;
pub mod imports_log;
pub mod inbox;
pub mod migrations;
pub mod outbox;
pub mod people;
pub mod report;
pub mod reread;
pub mod rollups;
pub mod seed;
pub mod stats;
mod undo;
mod values;
pub mod warnings;
mod word_search;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
pub use rusqlite::Connection;
use rusqlite::OpenFlags;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed, with mode 0600) and migrates the database at `path`.
pub fn open(path: &Path) -> Result<Connection> {
    open_writable(path).map_err(|e| held_elsewhere(e, path))
}

fn open_writable(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the folder for the database {}", dir.display()))?;
    }
    create_private(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening the database {}", path.display()))?;
    configure(&conn).with_context(|| format!("configuring the database {}", path.display()))?;
    migrations::migrate(&mut conn).with_context(|| format!("database {}", path.display()))?;
    Ok(conn)
}

/// Opens an existing database for reading only (for `export`, `stats`, `check`): it is
/// never created, changed or migrated. A file from an older rapport is migrated first
/// by a normal open, since its tables would not answer today's queries.
pub fn open_existing(path: &Path) -> Result<Connection> {
    open_for_reading(path).map_err(|e| held_elsewhere(e, path))
}

fn open_for_reading(path: &Path) -> Result<Connection> {
    if !path.exists() {
        anyhow::bail!(
            "no database at {}; import some mentions first (rapport import FILE) or pass --db",
            path.display()
        );
    }
    let mut conn = read_only(path, false)?;
    let version = match migrations::version(&conn) {
        Ok(v) => v,
        // A WAL file needs its shared-memory file; in a folder we cannot write (a
        // read-only mount) SQLite cannot make one, so read the file as immutable.
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) => {
            conn = read_only(path, true)?;
            migrations::version(&conn).with_context(|| format!("reading {}", path.display()))?
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if version < migrations::LATEST {
        drop(conn);
        return match open(path) {
            Ok(migrated) => {
                drop(migrated);
                open_existing(path)
            }
            Err(e) if is_read_only(&e) => Err(e).with_context(|| {
                format!(
                    "{} was written by an older rapport (schema version {version}; this one \
                     reads {}) and is brought up to date the first time it is opened by a \
                     user who can write it; until then, copy it somewhere writable and pass \
                     the copy with --db",
                    path.display(),
                    migrations::LATEST
                )
            }),
            Err(e) => Err(e),
        };
    }
    if version > migrations::LATEST {
        // The normal open says what to do about a newer file.
        open(path)?;
    }
    Ok(conn)
}

/// Wakes the snoozed items whose time has come, in the file at `path`, so a reading
/// command counts them as open. A file this user cannot write is left as it is: the
/// screen wakes them the next time it opens the file writable.
pub fn wake_snoozed_in(path: &Path, now: i64) -> Result<()> {
    let woke = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(anyhow::Error::from)
    .and_then(|conn| {
        configure(&conn)?;
        inbox::wake_snoozed(&conn, now)
    });
    match woke.map_err(error::StoreError::classify) {
        Ok(_) | Err(error::StoreError::ReadOnly) => Ok(()),
        Err(e) => Err(anyhow::Error::new(e))
            .with_context(|| format!("waking snoozed items in {}", path.display())),
    }
}

/// Opens the database for the screen: for writing when it can be, else (a file or
/// folder this user cannot write, a read-only mount) for reading, saying which.
pub fn open_for_screen(path: &Path) -> Result<(Connection, bool)> {
    match open(path) {
        Ok(conn) => Ok((conn, false)),
        Err(e) if path.exists() && is_read_only(&e) => {
            tracing::info!("opening {} read-only: {e:#}", path.display());
            Ok((open_existing(path)?, true))
        }
        Err(e) => Err(e),
    }
}

/// A second connection to a database the screen already opened (and so migrated):
/// for the figures, which then never hold up the screen's own queries. Read-only when
/// the screen's is.
pub fn open_again(path: &Path, read_only: bool) -> Result<Connection> {
    if read_only {
        return open_existing(path);
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening the database {} again", path.display()))?;
    configure(&conn).with_context(|| format!("configuring the database {}", path.display()))?;
    Ok(conn)
}

/// What to do when another rapport held the whole file for longer than the busy
/// timeout: an import into an empty inbox writes it in one transaction with a
/// rollback journal (store::bulk), which keeps readers out until it ends.
fn held_elsewhere(e: anyhow::Error, path: &Path) -> anyhow::Error {
    match is_held_elsewhere(&e) {
        true => e.context(format!(
            "{}; try again when it is done",
            held_by_another(path)
        )),
        false => e,
    }
}

/// Says that another rapport holds the file at `path`, and why it may.
pub fn held_by_another(path: &Path) -> String {
    format!(
        "{} is held by another rapport writing it (an import into an empty inbox holds the \
         whole file until it ends)",
        path.display()
    )
}

/// Whether an open failed because another connection held the file.
pub fn is_held_elsewhere(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>().is_some_and(|r| {
            matches!(
                r.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
        })
    })
}

/// Whether an open failed because the file cannot be written.
fn is_read_only(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>().is_some_and(|r| {
            matches!(
                r.sqlite_error_code(),
                Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
            )
        }) || c
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied)
    })
}

/// A read-only connection; `immutable` for a file no one can change while we read it.
fn read_only(path: &Path, immutable: bool) -> Result<Connection> {
    let conn = if immutable {
        let uri = format!(
            "file:{}?immutable=1",
            path.display()
                .to_string()
                .replace('%', "%25")
                .replace('?', "%3f")
                .replace('#', "%23")
        );
        Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    } else {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }
    .with_context(|| format!("opening the database {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Removes a database file and its WAL companions (after a first import that failed
/// created them); what cannot be removed is left, with a note in the log.
pub fn remove_files(path: &Path) {
    for ext in ["", "-wal", "-shm", "-journal"] {
        let file = std::path::PathBuf::from(format!("{}{ext}", path.display()));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!("could not remove {}: {e}", file.display()),
        }
    }
}

/// Whether the file at `path` is a demo database, read without changing it.
pub fn is_demo_file(path: &Path) -> Result<bool> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", path.display()))?;
    Ok(seed::is_demo(&conn).unwrap_or(false))
}

/// Creates an empty file readable by its owner only, so customers' words are not
/// world-readable. An existing file keeps its mode.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating the database {}", path.display())),
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Seconds since the epoch, as stored.
pub fn to_secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// A stored time back to a `DateTime`; out-of-range values clamp to the epoch.
pub fn from_secs(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_are_private_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/rapport.db");
        let conn = open(&path).unwrap();
        assert_eq!(migrations::version(&conn).unwrap(), migrations::LATEST);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::metadata(&path).unwrap().permissions();
            assert_eq!(perms.mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn newer_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        drop(open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", migrations::LATEST + 1)
            .unwrap();
        drop(conn);
        let err = format!("{:#}", open(&path).unwrap_err());
        assert!(err.contains("newer rapport"), "{err}");
    }
}
