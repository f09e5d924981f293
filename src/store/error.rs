//! What kind of failure a store call met, read once from the error chain, so callers
//! match on a variant instead of digging for SQLite codes.

/// A store failure, by what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another connection holds the write lock (an import, another window).
    #[error("the database is busy: another process is writing it")]
    Busy,
    /// The file or its folder cannot be written by this user.
    #[error("the database is read-only for this user")]
    ReadOnly,
    /// Anything else, with its context.
    #[error("{0:#}")]
    Other(anyhow::Error),
}

impl StoreError {
    /// Classifies an error from a store function.
    pub fn classify(e: anyhow::Error) -> StoreError {
        let code = e.chain().find_map(|c| {
            c.downcast_ref::<rusqlite::Error>()
                .and_then(|r| r.sqlite_error_code())
        });
        match code {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
            _ => StoreError::Other(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_become_variants() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        let a = rusqlite::Connection::open(&path).unwrap();
        a.execute_batch("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .unwrap();
        let b = rusqlite::Connection::open(&path).unwrap();
        let busy = b.execute("INSERT INTO t VALUES (2)", []).unwrap_err();
        assert!(matches!(
            StoreError::classify(anyhow::Error::new(busy).context("writing")),
            StoreError::Busy
        ));
        let other = anyhow::anyhow!("no such person");
        assert!(matches!(StoreError::classify(other), StoreError::Other(_)));
    }
}
