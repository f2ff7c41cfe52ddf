//! Connections: which engine, how it is tuned, migrations, transactions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::StoreError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database engine behind a [`Db`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names, if Passerelle supports it.
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// How many connections to keep, and how long to wait for one.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(5) }
    }
}

/// A pool of connections to the application's database. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where a query runs: a pool, or one connection (usually inside a transaction).
/// Built with `From` from `&Db` or `&mut Tx`, so store functions take `impl Into<Exec>`.
pub enum Exec<'c> {
    SqlitePool(&'c SqlitePool),
    SqliteConn(&'c mut SqliteConnection),
    PgPool(&'c PgPool),
    PgConn(&'c mut PgConnection),
}

impl<'c> From<&'c Db> for Exec<'c> {
    fn from(db: &'c Db) -> Self {
        match db {
            Db::Sqlite(p) => Exec::SqlitePool(p),
            Db::Postgres(p) => Exec::PgPool(p),
        }
    }
}

/// Reborrows an executor, so one connection can run several queries in a row.
impl<'c, 'd> From<&'c mut Exec<'d>> for Exec<'c> {
    fn from(exec: &'c mut Exec<'d>) -> Self {
        match exec {
            Exec::SqlitePool(p) => Exec::SqlitePool(p),
            Exec::SqliteConn(c) => Exec::SqliteConn(c),
            Exec::PgPool(p) => Exec::PgPool(p),
            Exec::PgConn(c) => Exec::PgConn(c),
        }
    }
}

/// A transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl<'c> From<&'c mut Tx> for Exec<'c> {
    fn from(tx: &'c mut Tx) -> Self {
        match tx {
            Tx::Sqlite(t) => Exec::SqliteConn(t),
            Tx::Postgres(t) => Exec::PgConn(t),
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Rolls back now (dropping a transaction rolls back too, but later).
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Which migrations a database has, and which it still lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub applied: Vec<(i64, String)>,
    pub pending: Vec<(i64, String)>,
}

impl Db {
    /// Connects to the database a URL names (`sqlite:PATH` or `postgres://…`). A SQLite file is
    /// created when missing. The error names the URL with any password masked.
    pub async fn connect(url: &str, options: &PoolOptions) -> Result<Db, StoreError> {
        let connect_err = |e: sqlx::Error| StoreError::Connect {
            url: redact_url(url),
            reason: connect_reason(&e),
        };
        match Engine::of_url(url) {
            Some(Engine::Sqlite) => {
                let opts = SqliteConnectOptions::from_str(url)
                    .map_err(connect_err)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a write acknowledged to a social worker survives a power cut.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    // Deleted content is overwritten with zeros, not left in free pages: an
                    // erased person leaves no trace in the file (ADR 0036).
                    .pragma("secure_delete", "ON")
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .after_connect(|conn, _| Box::pin(optimize_sqlite(conn)))
                    .connect_with(opts)
                    .await
                    .map_err(connect_err)?;
                Ok(Db::Sqlite(pool))
            }
            Some(Engine::Postgres) => {
                let opts = PgConnectOptions::from_str(url).map_err(connect_err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(opts)
                    .await
                    .map_err(connect_err)?;
                Ok(Db::Postgres(pool))
            }
            None => Err(StoreError::UnsupportedUrl(redact_url(url))),
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies the migrations the database lacks; returns how many were applied. Safe to run
    /// from several app servers at once on PostgreSQL (sqlx takes an advisory lock).
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let before = self.migration_status().await?.pending.len();
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(before)
    }

    /// What is applied and what is pending, without changing anything.
    pub async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let applied: Vec<(i64, String)> = if crate::dialect::table_exists(self, "_sqlx_migrations")
            .await?
        {
            sql!(
                as (i64, String),
                fetch_all,
                self,
                "SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version"
            )?
        } else {
            Vec::new()
        };
        let pending = self
            .migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .filter(|m| !applied.iter().any(|(v, _)| *v == m.version))
            .map(|m| (m.version, m.description.to_string()))
            .collect();
        Ok(MigrationStatus { applied, pending })
    }

    /// The database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sql!(scalar i32, fetch_one, self, "SELECT 1")?;
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once, so a
    /// busy database makes it wait (busy timeout) rather than fail half-way.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Starts a read-only transaction whose queries all see one consistent snapshot, without
    /// blocking writers: a deferred transaction on SQLite (WAL readers keep their snapshot),
    /// `REPEATABLE READ` on PostgreSQL. For reads spread over many queries, such as paging
    /// through the whole audit log.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// A fingerprint of the embedded PostgreSQL migrations, so tests can cache a migrated template
/// database and rebuild it when a migration changes.
pub fn postgres_migrations_fingerprint() -> String {
    let mut out = String::new();
    for m in POSTGRES_MIGRATIONS.iter() {
        out.push_str(&format!("{}-", m.version));
        for b in m.checksum.iter().take(4) {
            out.push_str(&format!("{b:02x}"));
        }
        out.push('_');
    }
    out
}

/// The URL with its password (if any) replaced by `***`, fit for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The innermost, most useful cause of a connection failure ("Connection refused", "database
/// \"x\" does not exist"), without sqlx's wrapping.
/// What SQLite asks of applications that keep connections open: table statistics brought up
/// to date when a connection opens, reading at most a few hundred rows per index
/// (`analysis_limit`), so the planner knows which index is selective once an organisation has
/// grown. Statistics only help: a database that cannot take them (read-only, busy beyond the
/// timeout) is used as it is.
///
/// Refreshing statistics writes, so it must not wait for the write lock: a connection the pool
/// opens while a transaction writes (a request that needs a second connection meanwhile) would
/// otherwise wait the whole busy timeout and the request time out. It tries without waiting
/// and leaves the refresh to a later connection when the database is busy.
async fn optimize_sqlite(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor as _;
    let restore = format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis());
    let refreshed = conn
        .execute("PRAGMA busy_timeout = 0; PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002")
        .await;
    conn.execute(restore.as_str()).await?;
    if let Err(e) = refreshed {
        tracing::debug!(error = %e, "SQLite statistics not refreshed now (busy or read-only)");
    }
    Ok(())
}

/// How long a SQLite statement waits for another connection's write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn connect_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::PoolTimedOut => "no answer within the connection timeout".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db.internal:5432/passerelle"),
            "postgres://app:***@db.internal:5432/passerelle"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact_url("sqlite://data/passerelle.db"), "sqlite://data/passerelle.db");
        assert_eq!(redact_url("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
    }

    #[test]
    fn engines_are_recognised_by_url_scheme() {
        assert_eq!(Engine::of_url("sqlite://x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("sqlite:x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgresql://h/db"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("mysql://h/db"), None);
    }
}
