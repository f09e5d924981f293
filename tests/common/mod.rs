//! Helpers shared by the import tests.
#![allow(dead_code)]

pub mod fixtures;
pub mod hostile;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs the real binary with `--db db` and the given arguments, with its folders in
/// `dir` (so no test touches the user's files).
pub fn rapport(dir: &Path, db: &Path, args: &[&str]) -> Output {
    let db = db.to_string_lossy();
    let mut all = vec!["--db", &db];
    all.extend_from_slice(args);
    run(dir, &all)
}

/// Runs the real binary with `args` and nothing else of the user's: its home and
/// folders in `home`, no database or config from the environment.
pub fn run(home: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RAPPORT_DB")
        .env_remove("RAPPORT_CONFIG")
        .output()
        .expect("the rapport binary runs")
}

/// The one value `sql` selects (with `params`).
pub fn one<T: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> T {
    conn.query_row(sql, params, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every row of every table (and the schema), in a stable order, as text.
pub fn dump(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    let mut out = String::new();
    // The schema first: indexes too, since a failed import must leave them all.
    let schema: Vec<String> = conn
        .prepare("SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    out.push_str(&schema.join("\n"));
    out.push('\n');
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, sql) in tables {
        out.push_str(&format!("== {name}\n{sql}\n"));
        // Table names come from sqlite_master itself, quoted.
        let select = format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""));
        let Ok(mut stmt) = conn.prepare(&select) else {
            continue;
        };
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut row = Vec::new();
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    row.push(format!("{v:?}"));
                }
                Ok(row.join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.push_str(&rows.join("\n"));
        out.push('\n');
    }
    out
}

/// The shared data folder, when this checkout sits beside it.
pub fn shared_data(file: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(file);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

/// A canonical NDJSON mention line.
pub fn mention(id: &str, handle: &str, body: &str) -> String {
    serde_json::json!({
        "platform": "twitter", "external_id": id, "kind": "mention",
        "created_at": "2026-11-20T10:00:00Z", "body": body,
        "author": {"id": format!("u-{handle}"), "handle": handle}
    })
    .to_string()
}

/// Writes `bytes` to `dir/name` and returns the path as a string argument.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

/// The single integer an SQL query returns.
pub fn count(db: &Path, sql: &str) -> i64 {
    one(&Connection::open(db).unwrap(), sql, [])
}

/// The command prefix that runs a program as the user `nobody`, when this test runs
/// as root with setpriv at hand (as CI does); None (and a note) otherwise.
pub fn as_nobody() -> Option<Vec<String>> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    match (root, setpriv) {
        (true, Some(setpriv)) => Some(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
                .map(String::from)
                .to_vec(),
        ),
        _ => {
            eprintln!("skipping: needs root and setpriv to run as another user");
            None
        }
    }
}

/// A temporary folder other users may enter and read (tests that run rapport as
/// another user).
pub fn shared_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for sub in ["data", "state", "config"] {
        let p = dir.path().join(sub);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    dir
}

/// Makes the database file (and its WAL companions) readable by all, writable by
/// none but root, after folding the WAL into it.
pub fn make_read_only(db: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(conn);
    for ext in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{ext}", db.display()));
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
}
