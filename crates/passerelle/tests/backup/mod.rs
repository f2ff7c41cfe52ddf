//! `passerelle backup` and `passerelle restore` on the real binary: a backup taken while a
//! writer keeps writing restores to exactly the state of one moment, with its audit chain
//! intact and nothing readable in the backup files; wrong keys, altered files and targets that
//! hold data are refused before anything is written; old backups are pruned.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::audit::AuditAction;
use domain::persons::PersonRecord;
use domain::{OrganisationId, PersonId};
use store::audit::NewAuditEvent;
use store::{Engine, Ts};
use testkit::{TestDb, engine_tests};

use super::{KEY, one_line_error, run};

const BACKUP_KEY: &str = "backup-test-key-0123456789abcdef0123456789";
/// A name that occurs nowhere else, to look for in the backup files' raw bytes.
const CANARY: &str = "Canarizqx-Ombeline";
const WRITER: &str = "Écrivain";

/// Every row of every table, as text, sorted: two databases of one engine are equal when their
/// dumps are.
type Dump = BTreeMap<String, Vec<String>>;

// The table and column names come from the database's own catalogue, never from input: the
// test needs to read tables it does not know in advance.
async fn dump(db: &store::Db) -> Dump {
    let mut out = BTreeMap::new();
    match db {
        store::Db::Sqlite(p) => {
            // Except the planner's statistics (sqlite_stat1…), which every new connection may
            // refresh (store::db runs PRAGMA optimize as it connects): they describe the data,
            // they are not data, and the restore's own connections rewrite them.
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master \
                 WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for t in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&t)
                        .fetch_all(p)
                        .await
                        .unwrap();
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let sql = format!("SELECT {row} FROM \"{t}\"");
                let mut rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(p).await.unwrap();
                rows.sort();
                out.insert(t, rows);
            }
        }
        store::Db::Postgres(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for t in tables {
                let sql = format!("SELECT to_jsonb(t)::text FROM \"{t}\" AS t");
                let mut rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(p).await.unwrap();
                rows.sort();
                out.insert(t, rows);
            }
        }
    }
    out
}

fn person(name: &str) -> PersonRecord {
    PersonRecord {
        birth_name: Some(name.to_owned()),
        first_names: Some("Test".to_owned()),
        ..Default::default()
    }
}

/// Registers a person as the web form does: the record and its audit event in one transaction.
async fn register(db: &store::Db, org: OrganisationId, name: &str) {
    let id = PersonId::new();
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, id, &person(name), None, Ts::now()).await.unwrap();
    let event =
        NewAuditEvent::new(AuditAction::RecordCreated, Some(org)).on("person", id.as_uuid());
    store::audit::append(&mut tx, &event, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn organisation(db: &store::Db) -> OrganisationId {
    let new_org = domain::organisations::NewOrganisation {
        id: OrganisationId::new(),
        slug: domain::organisations::Slug::parse("ccas-sauvegarde").unwrap(),
        name: domain::organisations::DisplayName::parse("CCAS de Sauvegarde").unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    store::organisations::insert(db, &new_org, Ts::now()).await.unwrap().id
}

/// Where an instance on `db`'s engine keeps its data, as the binary sees it through its
/// environment. On SQLite the database lives in the data folder with a generated
/// `secret.key`, as by default; on PostgreSQL the secret key is configured.
struct Instance {
    env: Vec<(&'static str, String)>,
    url: String,
    data_dir: PathBuf,
}

impl Instance {
    fn source(db: &TestDb) -> Instance {
        match db.engine {
            Engine::Sqlite => {
                let data_dir = db.scratch_dir();
                std::fs::write(data_dir.join("secret.key"), format!("{}\n", "5e".repeat(32)))
                    .unwrap();
                Instance {
                    env: vec![("PASSERELLE_DATA_DIR", data_dir.display().to_string())],
                    url: db.url.clone(),
                    data_dir,
                }
            }
            Engine::Postgres => Instance::postgres(db, db.scratch_dir().join("data")),
        }
    }

    /// An empty place to restore into.
    fn target(db: &TestDb, scratch: &Path) -> Instance {
        let data_dir = scratch.join("restored-data");
        match db.engine {
            Engine::Sqlite => Instance {
                env: vec![("PASSERELLE_DATA_DIR", data_dir.display().to_string())],
                url: format!("sqlite://{}", data_dir.join("passerelle.db").display()),
                data_dir,
            },
            Engine::Postgres => Instance::postgres(db, data_dir),
        }
    }

    fn postgres(db: &TestDb, data_dir: PathBuf) -> Instance {
        Instance {
            env: vec![
                ("PASSERELLE_DATABASE_URL", db.url.clone()),
                ("PASSERELLE_SECRET_KEY", KEY.to_owned()),
                ("PASSERELLE_DATA_DIR", data_dir.display().to_string()),
            ],
            url: db.url.clone(),
            data_dir,
        }
    }

    fn env_with<'a>(&'a self, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        env
    }

    async fn connect(&self) -> store::Db {
        store::Db::connect(&self.url, &store::db::PoolOptions::default()).await.unwrap()
    }

    /// Holds no table and no file: nothing was written.
    async fn is_untouched(&self) -> bool {
        let files = std::fs::read_dir(&self.data_dir).map(|d| d.count()).unwrap_or(0);
        let tables = if self.url.starts_with("sqlite:") {
            0
        } else {
            let db = self.connect().await;
            let n = store::backup::table_names(&db).await.unwrap().len();
            db.close().await;
            n
        };
        files == 0 && tables == 0
    }
}

fn with_key(instance: &Instance) -> Vec<(&str, &str)> {
    instance.env_with(&[("PASSERELLE_BACKUP_KEY", BACKUP_KEY)])
}

/// The one backup folder `passerelle backup` made in `dir`.
fn the_backup(dir: &Path) -> PathBuf {
    let made: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("passerelle-backup-"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    made[0].clone()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn empty_target(db: &TestDb) -> TestDb {
    db.empty_like().await.expect("an empty database of the same engine")
}

engine_tests! {
    async fn a_backup_taken_during_writes_restores_to_the_state_of_one_moment_with_its_audit_chain_and_no_plaintext(db) {
        let source = Instance::source(&db);
        let scratch = tempfile::tempdir().unwrap();
        let conn = db.migrated().await;
        let org = organisation(&conn).await;
        register(&conn, org, CANARY).await;

        // One writer registers persons one after another, and after each commit records every
        // table: states[j] is the database after j of its commits. Nothing else writes, so the
        // state the backup saw must be one of these, the one holding j of its persons.
        let states: Arc<Mutex<Vec<Dump>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (conn, states, stop) = (conn.clone(), states.clone(), stop.clone());
            tokio::spawn(async move {
                let before = dump(&conn).await;
                states.lock().unwrap().push(before);
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    i += 1;
                    register(&conn, org, &format!("{WRITER} {i:05}")).await;
                    let state = dump(&conn).await;
                    states.lock().unwrap().push(state);
                }
            })
        };
        let commits = || states.lock().unwrap().len().saturating_sub(1);
        while commits() < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let backups = scratch.path().join("backups");
        let out = {
            let (backups, env, cwd) = (backups.clone(), source.env.clone(), scratch.path().to_owned());
            tokio::task::spawn_blocking(move || {
                let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
                env.push(("PASSERELLE_BACKUP_KEY", BACKUP_KEY));
                run(&cwd, &["backup", "--to", backups.to_str().unwrap()], &env)
            })
            .await
            .unwrap()
        };
        let after_backup = commits();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        while commits() < after_backup + 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.store(true, Ordering::SeqCst);
        writer.await.unwrap();
        let states = std::mem::take(&mut *states.lock().unwrap());

        // Nothing in the backup reads in clear: not the canary's name (nor its indexed, lower-case
        // form), not the schema a plain SQLite file or pg_dump archive would carry.
        let folder = the_backup(&backups);
        let mut files = 0;
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            for needle in [CANARY, &CANARY.to_lowercase(), "CREATE TABLE", "audit_events", "5e5e5e5e"] {
                assert!(!contains(&bytes, needle.as_bytes()), "{needle:?} in {}", entry.path().display());
            }
            files += 1;
        }
        assert_eq!(files, if db.engine == Engine::Sqlite { 4 } else { 3 }, "database, manifest, its tag (and the data folder's key)");

        let target_db = empty_target(&db).await;
        let target = Instance::target(&target_db, scratch.path());
        let out = run(scratch.path(), &["restore", "--from", folder.to_str().unwrap()], &with_key(&target));
        let printed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{printed}{}", String::from_utf8_lossy(&out.stderr));
        assert!(printed.contains("chain ccas-sauvegarde:") && printed.contains("intact"), "{printed}");
        assert!(!printed.contains("BROKEN"), "{printed}");

        let restored = target.connect().await;
        let copy = dump(&restored).await;
        let written: usize = copy["persons"].iter().filter(|row| row.contains(WRITER)).count();
        eprintln!("the backup holds the writer's first {written} of {} commits", states.len() - 1);
        assert!(written >= 2, "the backup began after the writer's second commit, yet holds {written} of its persons");
        assert!(written <= after_backup && written < states.len() - 1, "the backup holds {written} persons; {after_backup} were written when it ended");
        assert_eq!(copy.keys().collect::<Vec<_>>(), states[written].keys().collect::<Vec<_>>());
        for (table, rows) in &states[written] {
            assert_eq!(&copy[table], rows, "table {table} differs from the state after commit {written}");
        }
        assert!(copy["persons"].iter().any(|row| row.contains(CANARY)), "the canary is in the data");
        let report = store::audit::verify(&restored).await.unwrap();
        assert!(report.is_intact());
        restored.close().await;
        if db.engine == Engine::Sqlite {
            assert_eq!(
                std::fs::read(target.data_dir.join("secret.key")).unwrap(),
                std::fs::read(source.data_dir.join("secret.key")).unwrap(),
                "the data folder's secret key comes back with the database"
            );
        }
        conn.close().await;
    }
}

engine_tests! {
    async fn restore_refuses_a_wrong_key_an_altered_backup_and_a_target_that_holds_data_writing_nothing(db) {
        let source = Instance::source(&db);
        let conn = db.migrated().await;
        let org = organisation(&conn).await;
        register(&conn, org, CANARY).await;
        let scratch = tempfile::tempdir().unwrap();
        let backups = scratch.path().join("backups");
        let to = ["backup", "--to", backups.to_str().unwrap()];

        let e = one_line_error(&run(scratch.path(), &to, &source.env_with(&[])));
        assert!(e.contains("no backup key") && e.contains("PASSERELLE_BACKUP_KEY"), "{e}");
        assert!(!backups.exists(), "nothing is written without a key");
        let check = run(scratch.path(), &["check"], &source.env_with(&[]));
        let text = String::from_utf8_lossy(&check.stdout).into_owned();
        assert!(text.contains("backup key:      not set") && text.contains("backups kept:    35 days"), "{text}");
        let check = run(scratch.path(), &["check"], &with_key(&source));
        let text = String::from_utf8_lossy(&check.stdout).into_owned();
        assert!(text.contains("backup key:      set by configuration") && !text.contains(BACKUP_KEY), "{text}");

        if db.engine == Engine::Postgres {
            // A machine without PostgreSQL's client tools: one line saying what to install.
            let empty_path = scratch.path().join("no-tools");
            std::fs::create_dir_all(&empty_path).unwrap();
            let env = source.env_with(&[
                ("PASSERELLE_BACKUP_KEY", BACKUP_KEY),
                ("PATH", empty_path.to_str().unwrap()),
            ]);
            let e = one_line_error(&run(scratch.path(), &to, &env));
            assert!(e.contains("pg_dump was not found") && e.contains("postgresql-client-"), "{e}");
            let left: Vec<_> = std::fs::read_dir(&backups).unwrap().flatten().map(|e| e.file_name()).collect();
            assert!(left.is_empty(), "a failed backup leaves nothing: {left:?}");
        }

        // Backups of another time, and a folder that is not one, beside the new backup.
        let old = backups.join("passerelle-backup-20200101T000000Z");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("manifest.json"), "{}").unwrap();
        let recent = backups.join(format!(
            "passerelle-backup-{}",
            (time::OffsetDateTime::now_utc() - time::Duration::days(34))
                .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))
                .unwrap()
        ));
        std::fs::create_dir_all(&recent).unwrap();
        std::fs::write(recent.join("manifest.json"), "{}").unwrap();
        let other = backups.join("notes-20200101");
        std::fs::create_dir_all(&other).unwrap();
        let out = run(scratch.path(), &to, &with_key(&source));
        let printed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(printed.contains("Removed 1 backup(s) older than 35 days: passerelle-backup-20200101T000000Z"), "{printed}");
        assert!(!old.exists() && recent.exists() && other.exists());
        std::fs::remove_dir_all(&recent).unwrap();
        let folder = the_backup(&backups);

        let target_db = empty_target(&db).await;
        let target = Instance::target(&target_db, scratch.path());
        let restore = |folder: &Path, env: &[(&str, &str)]| {
            run(scratch.path(), &["restore", "--from", folder.to_str().unwrap()], env)
        };

        let wrong = target.env_with(&[("PASSERELLE_BACKUP_KEY", "another-key-0123456789abcdef0123456789")]);
        let e = one_line_error(&restore(&folder, &wrong));
        assert!(e.contains("does not open this backup") && e.contains("another key"), "{e}");
        assert!(target.is_untouched().await);

        // One byte changed in the middle of the database file.
        let altered = scratch.path().join("altered");
        copy_folder(&folder, &altered);
        let database = if db.engine == Engine::Sqlite { "database.sqlite.sealed" } else { "database.pgdump.sealed" };
        let mut bytes = std::fs::read(altered.join(database)).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(altered.join(database), &bytes).unwrap();
        let e = one_line_error(&restore(&altered, &with_key(&target)));
        assert!(e.contains(database) && e.contains("altered") && e.contains("nothing was restored"), "{e}");
        assert!(target.is_untouched().await);

        // A manifest edited to claim another migration: its tag gives it away.
        let forged = scratch.path().join("forged");
        copy_folder(&folder, &forged);
        let manifest = std::fs::read_to_string(forged.join("manifest.json")).unwrap();
        let edited = manifest.replace("\"migration_version\": ", "\"migration_version\": 1");
        assert_ne!(edited, manifest);
        std::fs::write(forged.join("manifest.json"), edited).unwrap();
        let e = one_line_error(&restore(&forged, &with_key(&target)));
        assert!(e.contains("manifest.json was altered"), "{e}");
        assert!(target.is_untouched().await);

        // Into the source itself, which holds data.
        let e = one_line_error(&restore(&folder, &with_key(&source)));
        assert!(e.contains("restore only into an empty"), "{e}");
        assert_eq!(store::persons::count(&conn, org).await.unwrap(), 1);

        // The intact backup still restores into the empty target.
        let out = restore(&folder, &with_key(&target));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

        // A database a newer Passerelle migrated further: its backup is refused by this one.
        sqlx_execute(
            &conn,
            "INSERT INTO _sqlx_migrations \
             (version, description, success, checksum, execution_time) \
             SELECT 99999, 'from the future', success, checksum, execution_time \
             FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
        )
        .await;
        let newer = scratch.path().join("newer");
        let out = run(scratch.path(), &["backup", "--to", newer.to_str().unwrap()], &with_key(&source));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let later_target_db = empty_target(&db).await;
        let later_target = Instance::target(&later_target_db, &scratch.path().join("later"));
        let e = one_line_error(&restore(&the_backup(&newer), &with_key(&later_target)));
        assert!(e.contains("newer Passerelle") && e.contains("migration 99999"), "{e}");
        assert!(later_target.is_untouched().await);
        conn.close().await;
    }
}

async fn sqlx_execute(db: &store::Db, sql: &str) {
    match db {
        store::Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
        store::Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
    }
    .unwrap();
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
