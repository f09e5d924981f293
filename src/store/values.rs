//! The domain's words as SQLite values: a column holding a kind, a status or a stage
//! reads straight into its type, and a value no rapport wrote is reported as corrupt
//! (naming the column's type and the value) instead of silently becoming a default.

use crate::domain::reading::Class;
use crate::domain::{ActionKind, ActionState, BuyerStage, Engagement, MentionKind, Status};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_word {
    ($($name:ident),+) => {$(
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
    )+};
}

sql_word!(
    ActionKind,
    ActionState,
    BuyerStage,
    Engagement,
    MentionKind,
    Status
);

impl FromSql for Class {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let word = value.as_str()?;
        Class::parse(word).ok_or_else(|| {
            FromSqlError::Other(format!("{word:?} is not a class of message").into())
        })
    }
}

/// The value stored under `key` in the meta table, if any.
pub fn meta_value(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn words_round_trip_and_corrupt_values_are_errors() {
        let conn = Connection::open_in_memory().unwrap();
        let kind: MentionKind = conn
            .query_row("SELECT ?1", [MentionKind::DirectMessage], |r| r.get(0))
            .unwrap();
        assert_eq!(kind, MentionKind::DirectMessage);
        let err = conn
            .query_row("SELECT 'tweet'", [], |r| r.get::<_, MentionKind>(0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("tweet"), "{err}");
    }
}
