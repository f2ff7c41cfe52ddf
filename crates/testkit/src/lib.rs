//! Fresh databases for tests, on SQLite always and on PostgreSQL when
//! `PASSERELLE_TEST_POSTGRES_URL` names a server (a URL to its `postgres` database, say).
//!
//! PostgreSQL test databases are cloned from a template that is migrated once per migration
//! history (`CREATE DATABASE … TEMPLATE`), so each test gets an empty, migrated database in a
//! few milliseconds, and drops it when done. With `PASSERELLE_TEST_REQUIRE_POSTGRES=1` (set by
//! `scripts/test.sh`), a missing URL fails the PostgreSQL half of every test instead of
//! skipping it.

use std::path::PathBuf;

use sqlx::{Connection, Executor, PgConnection};
use store::{Db, Engine};

pub const POSTGRES_URL_VAR: &str = "PASSERELLE_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "PASSERELLE_TEST_REQUIRE_POSTGRES";

/// One fresh database, deleted when dropped.
pub struct TestDb {
    pub url: String,
    pub engine: Engine,
    /// The SQLite file's folder, or a scratch folder for the test's other files.
    pub dir: tempfile::TempDir,
    postgres: Option<PostgresDb>,
}

struct PostgresDb {
    admin_url: String,
    name: String,
}

/// Runs the body once on SQLite and once on PostgreSQL, as two tests named `…::sqlite` and
/// `…::postgres`. The body sees the fresh database as `$db` (a [`TestDb`]).
#[macro_export]
macro_rules! engine_tests {
    ($( $(#[$attr:meta])* async fn $name:ident($db:ident) $body:block )*) => {
        $(
            $(#[$attr])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $db = $crate::TestDb::sqlite().await;
                    $body
                }

                #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some($db) = $crate::TestDb::postgres().await else { return };
                    $body
                }
            }
        )*
    };
}

impl TestDb {
    /// An empty SQLite database file in a new temporary folder (not yet migrated).
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("passerelle.db").display());
        TestDb { url, engine: Engine::Sqlite, dir, postgres: None }
    }

    /// A fresh, migrated PostgreSQL database; `None` when no server is configured and none is
    /// required.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_admin_url()?;
        let template = ensure_template(&admin_url).await;
        Some(create_database(admin_url, Some(&template)).await)
    }

    /// A fresh PostgreSQL database with nothing in it, for migration tests.
    pub async fn postgres_empty() -> Option<TestDb> {
        let admin_url = postgres_admin_url()?;
        Some(create_database(admin_url, None).await)
    }

    /// The same engine as `self`, but empty: for tests of migrations from nothing.
    pub async fn empty_like(&self) -> Option<TestDb> {
        match self.engine {
            Engine::Sqlite => Some(TestDb::sqlite().await),
            Engine::Postgres => TestDb::postgres_empty().await,
        }
    }

    /// Connects and applies the migrations (a no-op on a PostgreSQL test database, cloned from
    /// a migrated template).
    pub async fn migrated(&self) -> Db {
        let db = self.connect().await;
        db.migrate().await.expect("migrations apply");
        db
    }

    pub async fn connect(&self) -> Db {
        Db::connect(&self.url, &store::db::PoolOptions::default())
            .await
            .expect("test database connects")
    }

    pub fn scratch_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            eprintln!("skipped on PostgreSQL: {POSTGRES_URL_VAR} is not set");
            None
        }
    }
}

/// `admin_url` with its database replaced by `name`.
fn url_for_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

async fn admin_connection(admin_url: &str) -> PgConnection {
    PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!("cannot reach the PostgreSQL test server ({POSTGRES_URL_VAR}): {e}")
    })
}

/// Creates (once per migration history) a migrated template database; serialised across test
/// processes with an advisory lock.
async fn ensure_template(admin_url: &str) -> String {
    let name = format!("passerelle_tpl_{:x}", fnv1a(&store::db::postgres_migrations_fingerprint()));
    let mut admin = admin_connection(admin_url).await;
    admin.execute("SELECT pg_advisory_lock(727274)").await.expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("catalogue query");
    if !exists {
        let building = format!("{name}_building");
        admin
            .execute(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)").as_str())
            .await
            .expect("drop");
        admin
            .execute(format!("CREATE DATABASE {building}").as_str())
            .await
            .expect("create template");
        let db = Db::connect(
            &url_for_database(admin_url, &building),
            &store::db::PoolOptions::default(),
        )
        .await
        .expect("connect to template");
        db.migrate().await.expect("migrate template");
        db.close().await;
        // Renamed only once complete, so a crash never leaves a half-migrated template. A closed
        // pool's server processes may take a moment to go: wait for them (and end stragglers).
        let mut attempts = 0;
        loop {
            let _ = sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
                .bind(&building)
                .execute(&mut admin)
                .await;
            match admin
                .execute(format!("ALTER DATABASE {building} RENAME TO {name}").as_str())
                .await
            {
                Ok(_) => break,
                Err(_) if attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("rename template: {e}"),
            }
        }
        // Templates of older migration histories are of no further use.
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'passerelle\\_tpl\\_%' AND datname <> $1",
        )
        .bind(&name)
        .fetch_all(&mut admin)
        .await
        .expect("catalogue query");
        for db in old {
            let _ =
                admin.execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str()).await;
        }
    }
    admin.execute("SELECT pg_advisory_unlock(727274)").await.expect("advisory unlock");
    name
}

async fn create_database(admin_url: String, template: Option<&str>) -> TestDb {
    let name = format!("passerelle_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = admin_connection(&admin_url).await;
    let sql = match template {
        Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
        None => format!("CREATE DATABASE {name}"),
    };
    // A template still being let go by a just-closed connection answers "being accessed by
    // other users" for a moment: try again briefly.
    let mut attempts = 0;
    while let Err(e) = admin.execute(sql.as_str()).await {
        attempts += 1;
        assert!(attempts < 50, "create test database: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let url = url_for_database(&admin_url, &name);
    TestDb {
        url,
        engine: Engine::Postgres,
        dir: tempfile::tempdir().expect("temporary folder"),
        postgres: Some(PostgresDb { admin_url, name }),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(pg) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread with
        // its own small runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&pg.admin_url).await {
                    let _ = admin
                        .execute(
                            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg.name).as_str(),
                        )
                        .await;
                }
            });
        })
        .join();
    }
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_keep_host_credentials_and_options() {
        assert_eq!(
            url_for_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(url_for_database("postgres://u:p@h:5432", "t2"), "postgres://u:p@h:5432/t2");
        assert_eq!(
            url_for_database("postgres://h/postgres?sslmode=disable", "t3"),
            "postgres://h/t3?sslmode=disable"
        );
    }
}
