//! The storage layer's one error type.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot connect to the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("unsupported database URL {0}: expected sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique constraint refused the write; names the field the user typed.
    #[error("{field} is already taken")]
    Duplicate { field: &'static str },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Turns a unique-constraint violation into [`StoreError::Duplicate`] for the field whose
    /// constraint matched. `constraints` pairs a constraint name (as PostgreSQL reports it) and
    /// the `table.column` text SQLite reports, with the field name to show.
    pub(crate) fn on_unique(
        e: sqlx::Error,
        constraints: &[(&str, &str, &'static str)],
    ) -> StoreError {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            for (pg_name, sqlite_columns, field) in constraints {
                if db.constraint() == Some(pg_name) || db.message().contains(sqlite_columns) {
                    return StoreError::Duplicate { field };
                }
            }
        }
        StoreError::Database(e)
    }
}
