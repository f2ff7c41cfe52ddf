//! The only place where SQL differs between engines: catalogue queries and server facts.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Db, Exec, StoreError};

/// Whether a table exists in the application's schema.
pub async fn table_exists<'c>(exec: impl Into<Exec<'c>>, name: &str) -> Result<bool, StoreError> {
    let exec = exec.into();
    let sql = match exec {
        Exec::SqlitePool(_) | Exec::SqliteConn(_) => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
        }
        Exec::PgPool(_) | Exec::PgConn(_) => {
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let n: i64 = sql!(scalar i64, fetch_one, exec, sql, name)?;
    Ok(n > 0)
}

/// What a query that claims rows appends to its `SELECT … FOR` the rows to take: on PostgreSQL,
/// rows another server's transaction holds are skipped rather than waited for, so several
/// workers claim different jobs at once; SQLite has one writer at a time, whose statement is
/// atomic, and no row locks to skip.
pub(crate) fn skip_locked(exec: &Exec<'_>) -> &'static str {
    match exec {
        Exec::SqlitePool(_) | Exec::SqliteConn(_) => "",
        Exec::PgPool(_) | Exec::PgConn(_) => " FOR UPDATE SKIP LOCKED",
    }
}

/// The engine's name and version, as `passerelle check` prints it.
pub async fn server_version(db: &Db) -> Result<String, StoreError> {
    Ok(match db {
        Db::Sqlite(_) => {
            let v: String = sql!(scalar String, fetch_one, db, "SELECT sqlite_version()")?;
            format!("SQLite {v}")
        }
        Db::Postgres(_) => {
            let v: String = sql!(scalar String, fetch_one, db, "SHOW server_version")?;
            format!("PostgreSQL {v}")
        }
    })
}

/// The shape of the application's schema: tables with their columns (name, nullable), and the
/// explicitly created indexes. Used to prove the two migration histories stay in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaShape {
    pub tables: BTreeMap<String, Vec<(String, bool)>>,
    pub indexes: BTreeSet<String>,
}

pub async fn schema_shape(db: &Db) -> Result<SchemaShape, StoreError> {
    let (columns_sql, indexes_sql) = match db {
        Db::Sqlite(_) => (
            "SELECT m.name, p.name, p.\"notnull\" = 0 \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
             ORDER BY m.name, p.cid",
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        ),
        Db::Postgres(_) => (
            "SELECT table_name::text, column_name::text, is_nullable = 'YES' \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
             ORDER BY table_name, ordinal_position",
            // Indexes that back a primary key or unique constraint are part of the table's
            // definition, as SQLite's automatic indexes are; compare only the created ones.
            "SELECT i.indexname::text FROM pg_indexes i \
             WHERE i.schemaname = current_schema() \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        ),
    };
    let rows: Vec<(String, String, bool)> =
        sql!(as (String, String, bool), fetch_all, db, columns_sql)?;
    let mut tables: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for (table, column, nullable) in rows {
        tables.entry(table).or_default().push((column, nullable));
    }
    let indexes: Vec<String> = sql!(scalar String, fetch_all, db, indexes_sql)?;
    Ok(SchemaShape { tables, indexes: indexes.into_iter().collect() })
}

/// Every foreign key of the schema as (table, column, referenced table); for a key of several
/// columns, its first.
pub async fn foreign_keys<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let exec = exec.into();
    let sql = match exec {
        Exec::SqlitePool(_) | Exec::SqliteConn(_) => {
            "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.seq = 0 ORDER BY m.name, f.id"
        }
        Exec::PgPool(_) | Exec::PgConn(_) => {
            "SELECT cl.relname::text, a.attname::text, rf.relname::text FROM pg_constraint c \
             JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class rf ON rf.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = cl.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, c.conname"
        }
    };
    Ok(sql!(as (String, String, String), fetch_all, exec, sql)?)
}

/// Waits, up to half a minute, until nothing can keep rows deleted before `now` (a
/// transaction id taken after the erasure's commit) "recently dead": no other session of this
/// database holds a snapshot or a transaction older than `now` (a `backend_xmin` or
/// `backend_xid` before it: an idle transaction that wrote something holds the horizon back
/// without a snapshot), and no transaction of the whole cluster that began before `now` is
/// still running. The last one matters although other databases' snapshots do not: a snapshot's
/// `xmin` is the oldest transaction still running in *any* database, so the `VACUUM FULL`'s
/// own snapshot would hold the horizon back while another database's long transaction runs
/// (found by the erasure test, which a migration in another test's database made fail now and
/// then). False if one still does. Snapshots taken later cannot see the deleted rows, so a
/// `VACUUM FULL` that starts then removes them all.
async fn no_older_snapshot(pool: &sqlx::PgPool, now: i64) -> Result<bool, StoreError> {
    for _ in 0..300 {
        // `backend_xmin` is 32 bits: widened with the current epoch (a wraparound in between
        // only makes the wait longer).
        let (older,): (i64,) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND ( \
             ((txid_snapshot_xmax(txid_current_snapshot()) >> 32) << 32) \
             + backend_xmin::text::bigint < $1 \
             OR ((txid_snapshot_xmax(txid_current_snapshot()) >> 32) << 32) \
             + backend_xid::text::bigint < $1)) \
             + CASE WHEN txid_snapshot_xmin(txid_current_snapshot()) < $1 THEN 1 ELSE 0 END",
        )
        .bind(now)
        .fetch_one(pool)
        .await?;
        if older == 0 {
            return Ok(true);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(false)
}

/// Removes what the engine keeps of deleted rows (erasure, ADR 0036). SQLite: deleted content
/// is overwritten as it goes (`secure_delete`, see [`crate::db`]); the WAL still holds the
/// pages as they were before, so it is checkpointed into the database and truncated, retried
/// a few times while a reader holds an older snapshot. PostgreSQL: each table is rewritten
/// (`VACUUM FULL`, its indexes and TOAST with it; the old files are truncated at once and
/// unlinked at the next checkpoint), then a checkpoint is asked for (superusers and
/// `pg_checkpoint` members only; otherwise the next automatic one does it). `tables` are the
/// inventory's static names, never input. False when a step could not be done now.
pub async fn scrub(db: &Db, tables: &BTreeSet<&'static str>) -> Result<bool, StoreError> {
    match db {
        Db::Sqlite(pool) => {
            for attempt in 0..20 {
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(pool).await?;
                if busy == 0 {
                    return Ok(true);
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
            }
            tracing::warn!("the WAL could not be truncated after an erasure (readers busy)");
            Ok(false)
        }
        Db::Postgres(pool) => {
            let mut all_removable = true;
            // A transaction id after the erasure's commit: what began before it must be over.
            let (now,): (i64,) = sqlx::query_as("SELECT txid_current()").fetch_one(pool).await?;
            for t in tables {
                // `VACUUM FULL` keeps the rows a running snapshot may still see ("recently
                // dead"): a transaction of this database (an autovacuum's ANALYZE, a job
                // runner's poll, a rollback a pool has not sent yet) older than the erasure's
                // commit, or any transaction of the cluster that began before it. Wait (a
                // while) until none is left; once gone, the next tables need no wait.
                all_removable &= no_older_snapshot(pool, now).await?;
                let vacuum = format!("VACUUM (FULL) {t}");
                sqlx::raw_sql(&vacuum).execute(pool).await?;
            }
            if !all_removable {
                tracing::warn!("sessions kept old snapshots during an erasure's scrub");
            }
            match sqlx::raw_sql("CHECKPOINT").execute(pool).await {
                Ok(_) => Ok(all_removable),
                Err(e) => {
                    tracing::warn!(error = %e, "no checkpoint after an erasure (not permitted)");
                    Ok(false)
                }
            }
        }
    }
}
