//! What `passerelle backup` and `passerelle restore` need from the database itself: a
//! consistent copy of a live SQLite database, and whether a restore target is empty.
//!
//! Backups are engine-specific by nature (PostgreSQL's copy is made by `pg_dump`, outside this
//! crate), so this module holds the little SQL they need rather than `dialect`.

use std::path::Path;

use crate::{Db, StoreError};

/// Writes a consistent copy of a SQLite database into `target`, which must not exist or be
/// an empty file, while the server keeps running.
///
/// `VACUUM INTO` reads the whole database inside one read transaction, so the copy is the
/// database as of one commit: WAL readers keep their snapshot and never block writers, and a
/// writer never blocks it for longer than the busy timeout. The copy is compacted and holds no
/// WAL; `None` on PostgreSQL, whose copies `pg_dump` makes.
#[tracing::instrument(skip_all)]
pub async fn snapshot_sqlite(db: &Db, target: &Path) -> Result<Option<()>, StoreError> {
    let Db::Sqlite(pool) = db else { return Ok(None) };
    let target = target.to_str().ok_or_else(|| {
        StoreError::Database(sqlx::Error::Protocol(format!(
            "the snapshot path {} is not valid UTF-8",
            target.display()
        )))
    })?;
    // The file name is bound, not formatted into the statement: SQLite accepts any expression.
    sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
    Ok(Some(()))
}

/// The tables of the application's schema (any table at all, Passerelle's or not), so a
/// restore refuses a database that holds anything.
pub async fn table_names(db: &Db) -> Result<Vec<String>, StoreError> {
    let sql = match db {
        Db::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name"
        }
        Db::Postgres(_) => {
            "SELECT (table_schema || '.' || table_name)::text FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
             ORDER BY 1"
        }
    };
    Ok(sql!(scalar String, fetch_all, db, sql)?)
}
