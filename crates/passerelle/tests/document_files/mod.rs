//! Documents' files and the administrator's commands, on the real binary.
//!
//! `passerelle files reencrypt` after a key rotation: every document's file moves to the
//! current key (what was already moved by an interrupted run is only recorded), a file that
//! cannot be read is reported without stopping the others, a second run has nothing to do, and
//! the old key can then be removed. On the local folder on both engines, and on S3 (moto) when
//! a test server is configured.
//!
//! `passerelle backup` and `restore` carry the local store's files and the data folder's file
//! key, so restored documents read; with a bucket, the backup says the bucket is their backup.

use std::path::Path;

use domain::{OrganisationId, PersonId, UserId};
use secrecy::SecretString;
use store::{Engine, Ts};
use testkit::{TestDb, engine_tests};

use super::{KEY, run};

fn key(id: &str, byte: u8) -> String {
    format!("{id}:{}", hex_of(byte))
}

fn hex_of(byte: u8) -> String {
    format!("{byte:02x}").repeat(32)
}

/// An organisation, a person and a worker, for documents to belong to.
async fn owners(db: &store::Db) -> (OrganisationId, PersonId, UserId) {
    let new_org = domain::organisations::NewOrganisation {
        id: OrganisationId::new(),
        slug: domain::organisations::Slug::parse("ccas-rotation").unwrap(),
        name: domain::organisations::DisplayName::parse("CCAS de Rotation").unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = store::organisations::insert(db, &new_org, Ts::now()).await.unwrap().id;
    let person = PersonId::new();
    let record = domain::persons::PersonRecord {
        birth_name: Some("Haddad".into()),
        first_names: Some("Amel".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, person, &record, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    let user = UserId::new();
    let email = domain::accounts::Email::parse("alice@rotation.example").unwrap();
    let name = domain::organisations::DisplayName::parse("Alice").unwrap();
    let new = store::accounts::NewUser {
        id: user,
        email: &email,
        display_name: &name,
        instance_admin: false,
    };
    store::accounts::insert_user(db, &new, Ts::now()).await.unwrap();
    (org, person, user)
}

/// Stores `content` as a document's file and records the document under `store`'s key.
async fn document(
    db: &store::Db,
    store: &files::FileStore,
    owners: (OrganisationId, PersonId, UserId),
    content: &[u8],
) -> (uuid::Uuid, String) {
    let (id, object) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7().to_string());
    let mut up = store.create(&object).await.unwrap();
    up.write(content).await.unwrap();
    up.finish().await.unwrap();
    let new = store::documents::NewDocument {
        id,
        organisation_id: owners.0,
        person_id: owners.1,
        case_id: None,
        type_code: "tax_notice",
        file_name: "avis.pdf",
        file_type: "pdf",
        size_bytes: content.len() as i64,
        object_name: &object,
        key_id: store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: owners.2,
    };
    let mut tx = db.begin_write().await.unwrap();
    store::documents::insert(&mut tx, &new, "Tax notice", Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (id, object)
}

fn keys(text: &str) -> files::FileKeys {
    files::FileKeys::parse(&SecretString::from(text.to_owned())).unwrap()
}

fn printed(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The whole rotation, with the instance's environment `env` (its database and file store)
/// and `open` making a store of the same place with given keys.
async fn rotation(
    db: &TestDb,
    cwd: &Path,
    env: Vec<(&str, String)>,
    open: impl Fn(files::FileKeys) -> files::FileStore,
) {
    let conn = db.migrated().await;
    let owners = owners(&conn).await;
    let before = open(keys(&key("2026a", 1)));
    let content = |i: usize| format!("%PDF-1.7 avis {i} ").repeat(20_000 * i + 1).into_bytes();
    let mut docs = Vec::new();
    for i in 0..3 {
        docs.push(document(&conn, &before, owners, &content(i)).await);
    }
    // One recorded document whose file is gone: reported, the others go on.
    let (lost, _) = {
        let (id, object) = document(&conn, &before, owners, b"%PDF-1.4 perdu").await;
        before.delete(&object).await.unwrap();
        (id, object)
    };

    // The rotation: the new key first, the old one after it.
    let both = format!("{},{}", key("2026b", 2), key("2026a", 1));
    let after = open(keys(&both));
    // An earlier run was interrupted after rewriting the first file, before recording it.
    assert_eq!(after.reencrypt(&docs[0].1).await.unwrap(), files::Reencrypted::Done);
    let with = |file_key: &str| -> Vec<(String, String)> {
        let mut e: Vec<(String, String)> =
            env.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        e.push(("PASSERELLE_FILE_KEY".into(), file_key.to_owned()));
        e
    };
    let cli = |args: &[&str], env: &[(String, String)]| {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run(cwd, args, &env)
    };
    let out = cli(&["files", "status"], &with(&both));
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("key 2026a: 4 file(s) (still needed"), "{text}");

    let out = cli(&["files", "reencrypt"], &with(&both));
    let text = printed(&out);
    assert!(!out.status.success(), "a file could not be re-encrypted: {text}");
    assert!(
        text.contains("2 file(s) re-encrypted with key 2026b, 1 already were and are now recorded so, 1 failed."),
        "{text}"
    );
    assert!(
        text.contains(&format!("document {lost}: its file (key 2026a) could not be re-encrypted")),
        "{text}"
    );
    assert!(!text.contains("Haddad") && !text.contains("avis.pdf"), "no personal data: {text}");
    for (i, (_, object)) in docs.iter().enumerate() {
        let stored = after.stored_bytes(object).await.unwrap();
        assert_eq!(files::crypt::key_id_of(&stored), Some("2026b"));
        assert_eq!(after.read_all(object).await.unwrap(), content(i));
    }
    let counts = store::documents::count_by_key(&conn).await.unwrap();
    assert_eq!(counts, vec![("2026a".to_owned(), 1), ("2026b".to_owned(), 3)]);

    // The lost file's document removed, a second run has nothing left to do.
    match &conn {
        store::Db::Sqlite(p) => {
            sqlx::query("DELETE FROM documents WHERE id = $1").bind(lost).execute(p).await.map(drop)
        }
        store::Db::Postgres(p) => {
            sqlx::query("DELETE FROM documents WHERE id = $1").bind(lost).execute(p).await.map(drop)
        }
    }
    .unwrap();
    let out = cli(&["files", "reencrypt"], &with(&both));
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 file(s) re-encrypted with key 2026b, 0 already were"), "{text}");

    // The old key removed: every file still reads, with the new key alone.
    let new_only = key("2026b", 2);
    let out = cli(&["files", "status"], &with(&new_only));
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("key 2026b: 3 file(s) (current)") && !text.contains("2026a"), "{text}");
    let alone = open(keys(&new_only));
    for (i, (_, object)) in docs.iter().enumerate() {
        assert_eq!(alone.read_all(object).await.unwrap(), content(i));
    }
    conn.close().await;
}

/// The instance's database settings: the data folder's SQLite, or PostgreSQL with its key.
fn database_env(db: &TestDb, data_dir: &Path) -> Vec<(&'static str, String)> {
    let mut env = vec![("PASSERELLE_DATA_DIR", data_dir.display().to_string())];
    if db.engine == Engine::Postgres {
        env.push(("PASSERELLE_DATABASE_URL", db.url.clone()));
        env.push(("PASSERELLE_SECRET_KEY", KEY.to_owned()));
    }
    env
}

engine_tests! {
    async fn after_a_key_rotation_reencrypt_moves_every_local_file_to_the_new_key_resumably(db) {
        let scratch = tempfile::tempdir().unwrap();
        // On SQLite the database lives in the data folder, as by default.
        let data_dir = if db.engine == Engine::Sqlite { db.scratch_dir() } else { scratch.path().join("data") };
        let root = data_dir.join("files");
        let env = database_env(&db, &data_dir);
        rotation(&db, scratch.path(), env, |k| files::FileStore::local(&root, k).unwrap()).await;
    }

    async fn after_a_key_rotation_reencrypt_moves_every_file_in_the_bucket_to_the_new_key(db) {
        let Some(config) = files::s3::testing::config("cli::document_files::reencrypt_on_s3") else { return };
        let scratch = tempfile::tempdir().unwrap();
        let data_dir = if db.engine == Engine::Sqlite { db.scratch_dir() } else { scratch.path().join("data") };
        let mut env = database_env(&db, &data_dir);
        env.push(("PASSERELLE_FILE_STORE", format!("s3://{}/{}", config.bucket, config.prefix)));
        env.push(("PASSERELLE_S3_ENDPOINT", config.endpoint.clone().unwrap()));
        env.push(("PASSERELLE_S3_ACCESS_KEY_ID", config.access_key_id.clone()));
        use secrecy::ExposeSecret;
        env.push(("PASSERELLE_S3_SECRET_ACCESS_KEY", config.secret_access_key.expose_secret().to_owned()));
        rotation(&db, scratch.path(), env, |k| files::FileStore::s3(&config, k).unwrap()).await;
        assert!(!data_dir.join("files").exists(), "nothing kept locally");
    }
}

const BACKUP_KEY: &str = "backup-test-key-0123456789abcdef0123456789";

engine_tests! {
    async fn a_backup_carries_the_local_files_and_file_key_and_restored_documents_read(db) {
        let scratch = tempfile::tempdir().unwrap();
        let data_dir = if db.engine == Engine::Sqlite { db.scratch_dir() } else { scratch.path().join("data") };
        std::fs::create_dir_all(&data_dir).unwrap();
        // The data folder keeps the file key, as when none is configured.
        let file_key = key("local-1", 7);
        std::fs::write(data_dir.join("file.key"), format!("{file_key}\n")).unwrap();
        let conn = db.migrated().await;
        let owners = owners(&conn).await;
        let store = files::FileStore::local(&data_dir.join("files"), keys(&file_key)).unwrap();
        let secret = b"%PDF-1.7 Canarizqx titre de sejour ".repeat(4000);
        let mut docs = Vec::new();
        for i in 0..3 {
            let content = [&secret[..], format!("{i}").as_bytes()].concat();
            let (_, object) = document(&conn, &store, owners, &content).await;
            docs.push((object, content));
        }
        conn.close().await;

        let mut env = database_env(&db, &data_dir);
        env.push(("PASSERELLE_BACKUP_KEY", BACKUP_KEY.to_owned()));
        let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let backups = scratch.path().join("backups");
        let out = run(scratch.path(), &["backup", "--to", backups.to_str().unwrap()], &env_ref);
        let text = printed(&out);
        assert!(out.status.success(), "{text}");
        let folder = std::fs::read_dir(&backups).unwrap().flatten().next().unwrap().path();
        // The files and the key are there, sealed: neither the key nor the objects read as
        // they are on disk.
        let archive = std::fs::read(folder.join("files.sealed")).unwrap();
        let sealed_key = std::fs::read(folder.join("file.key.sealed")).unwrap();
        let on_disk = std::fs::read(store.local_path(&docs[0].0).unwrap()).unwrap();
        assert!(!archive.windows(64).any(|w| w == &on_disk[100..164]), "the archive is sealed");
        assert!(!archive.windows(9).any(|w| w == b"Canarizqx"));
        assert!(!sealed_key.windows(20).any(|w| w == &file_key.as_bytes()[8..28]));
        let manifest = std::fs::read_to_string(folder.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"files.sealed\"") && manifest.contains("\"file.key.sealed\""));

        // Restored into an empty place: the key and every file are back, and read.
        let target_db = db.empty_like().await.unwrap();
        let target_dir = scratch.path().join("restored");
        let mut target_env = database_env(&target_db, &target_dir);
        target_env.push(("PASSERELLE_BACKUP_KEY", BACKUP_KEY.to_owned()));
        let target_ref: Vec<(&str, &str)> = target_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(scratch.path(), &["restore", "--from", folder.to_str().unwrap()], &target_ref);
        let text = printed(&out);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("3 document file(s) put back in") && text.contains("with the file key they need"), "{text}");
        let restored_key = std::fs::read_to_string(target_dir.join("file.key")).unwrap();
        assert_eq!(restored_key.trim(), file_key);
        let restored = files::FileStore::local(&target_dir.join("files"), keys(restored_key.trim())).unwrap();
        for (object, content) in &docs {
            assert_eq!(&restored.read_all(object).await.unwrap(), content);
        }
        // And the documents of the restored database name exactly those files.
        let url = match target_db.engine {
            Engine::Sqlite => format!("sqlite://{}", target_dir.join("passerelle.db").display()),
            Engine::Postgres => target_db.url.clone(),
        };
        let rdb = store::Db::connect(&url, &store::db::PoolOptions::default()).await.unwrap();
        let counts = store::documents::count_by_key(&rdb).await.unwrap();
        assert_eq!(counts, vec![("local-1".to_owned(), 3)]);
        rdb.close().await;

        // An altered archive is refused before anything is written.
        let altered = scratch.path().join("altered");
        std::fs::create_dir_all(&altered).unwrap();
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            std::fs::copy(entry.path(), altered.join(entry.file_name())).unwrap();
        }
        let mut bytes = archive.clone();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(altered.join("files.sealed"), bytes).unwrap();
        let other_db = db.empty_like().await.unwrap();
        let other_dir = scratch.path().join("other");
        let mut other_env = database_env(&other_db, &other_dir);
        other_env.push(("PASSERELLE_BACKUP_KEY", BACKUP_KEY.to_owned()));
        let other_ref: Vec<(&str, &str)> = other_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(scratch.path(), &["restore", "--from", altered.to_str().unwrap()], &other_ref);
        let text = printed(&out);
        assert!(!out.status.success() && text.contains("files.sealed") && text.contains("nothing was restored"), "{text}");
        assert!(!other_dir.join("files").exists());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_bucket_the_backup_says_the_bucket_is_the_documents_backup() {
    let Some(config) = files::s3::testing::config("cli::document_files::backup_with_a_bucket")
    else {
        return;
    };
    let db = TestDb::sqlite().await;
    db.migrated().await.close().await;
    let data_dir = db.scratch_dir();
    use secrecy::ExposeSecret;
    let prefix = format!("s3://{}/{}", config.bucket, config.prefix);
    let secret = config.secret_access_key.expose_secret().to_owned();
    let env = [
        ("PASSERELLE_DATA_DIR", data_dir.display().to_string()),
        ("PASSERELLE_FILE_STORE", prefix.clone()),
        ("PASSERELLE_S3_ENDPOINT", config.endpoint.clone().unwrap()),
        ("PASSERELLE_S3_ACCESS_KEY_ID", config.access_key_id.clone()),
        ("PASSERELLE_S3_SECRET_ACCESS_KEY", secret),
        ("PASSERELLE_FILE_KEY", key("2026a", 3)),
        ("PASSERELLE_BACKUP_KEY", BACKUP_KEY.to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let backups = db.scratch_dir().join("backups");
    let out = run(&db.scratch_dir(), &["backup", "--to", backups.to_str().unwrap()], &env);
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("Documents are in the bucket {prefix}"))
            && text.contains("versioning"),
        "{text}"
    );
    let folder = std::fs::read_dir(&backups).unwrap().flatten().next().unwrap().path();
    assert!(!folder.join("files.sealed").exists() && !folder.join("file.key.sealed").exists());
}

#[test]
fn a_bucket_that_does_not_answer_stops_the_start_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let data = dir.path().join("data").display().to_string();
    let file_key = key("2026a", 3);
    let env = [
        ("PASSERELLE_DATA_DIR", data.as_str()),
        ("PASSERELLE_BIND", "127.0.0.1:0"),
        ("PASSERELLE_FILE_STORE", "s3://passerelle-docs/ccas"),
        ("PASSERELLE_S3_ENDPOINT", endpoint.as_str()),
        ("PASSERELLE_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ("PASSERELLE_S3_SECRET_ACCESS_KEY", "canary-s3-secret"),
        ("PASSERELLE_FILE_KEY", file_key.as_str()),
    ];
    let started = std::time::Instant::now();
    let e = super::one_line_error(&run(dir.path(), &["serve"], &env));
    assert!(e.contains("the file store s3://passerelle-docs/ccas does not answer"), "{e}");
    assert!(!e.contains("canary") && !e.contains(&file_key), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "it gave up in time");
    // A bucket that is not there (on the test server, when there is one): one line too, the
    // service's XML answer included.
    if let Some(config) = files::s3::testing::config("cli::document_files::missing_bucket") {
        let endpoint = config.endpoint.clone().unwrap();
        let mut missing = env.to_vec();
        missing.retain(|(k, _)| *k != "PASSERELLE_S3_ENDPOINT");
        missing.push(("PASSERELLE_S3_ENDPOINT", endpoint.as_str()));
        missing.retain(|(k, _)| *k != "PASSERELLE_FILE_STORE");
        missing.push(("PASSERELLE_FILE_STORE", "s3://no-such-bucket-here"));
        let e = super::one_line_error(&run(dir.path(), &["serve"], &missing));
        assert!(
            e.contains("s3://no-such-bucket-here does not answer") && e.contains("NoSuchBucket"),
            "{e}"
        );
    }
    // `check` says where documents go, without contacting the bucket.
    let out = run(dir.path(), &["check"], &env);
    let text = printed(&out);
    assert!(
        text.contains(&format!(
            "documents:       s3://passerelle-docs/ccas at {endpoint} (us-east-1)"
        )),
        "{text}"
    );
    // Without a file key, a bucket is refused at once.
    let without: Vec<(&str, &str)> =
        env.iter().filter(|(k, _)| *k != "PASSERELLE_FILE_KEY").copied().collect();
    let e = super::one_line_error(&run(dir.path(), &["serve"], &without));
    assert!(
        e.contains("PASSERELLE_FILE_KEY or PASSERELLE_FILE_KEY_FILE is required with a bucket"),
        "{e}"
    );
}
