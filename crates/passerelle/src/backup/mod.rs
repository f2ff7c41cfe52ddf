//! `passerelle backup` and `passerelle restore`: encrypted, verified copies of an instance.
//!
//! A backup is a new folder `passerelle-backup-YYYYMMDDTHHMMSSZ` inside the folder given with
//! `--to`, holding the database (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump`), the data
//! folder's `secret.key` and `file.key` when the instance keeps its keys there, and the
//! documents' files when they are kept in the data folder (see [`objects`]), each sealed with the backup key
//! (see [`crypt`]), and a manifest authenticated with the same key (see [`manifest`]). It is
//! written under a hidden name and renamed when complete, so a folder with the final name is
//! always a whole backup. See `docs/adr/0009-backup-and-restore.md`.

mod crypt;
mod manifest;
mod objects;

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use secrecy::SecretString;
use sha2::{Digest, Sha256};
use store::{Db, Engine};
use time::OffsetDateTime;
use uuid::Uuid;

use self::crypt::{KeyDerivation, Keys, OpenError};
use self::manifest::{FileEntry, Manifest};
use crate::Failure;
use crate::config::Settings;

const FOLDER_PREFIX: &str = "passerelle-backup-";
const FOLDER_TIME: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
/// A manifest lists a handful of files; anything larger is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

fn no_key() -> Failure {
    Failure(
        "no backup key: set PASSERELLE_BACKUP_KEY or PASSERELLE_BACKUP_KEY_FILE (at least 32 \
         characters, e.g. from `openssl rand -hex 32`) and keep it apart from the backups: \
         restoring needs the same key"
            .into(),
    )
}

fn engine_code(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    }
}

/// Runs blocking file and process work off the runtime's threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Failure(format!("the backup task stopped: {e}")))?
        .map_err(Failure)
}

// ---------------------------------------------------------------------------------------------
// Backup

/// `passerelle backup --to DIR`.
pub async fn backup(settings: &Settings, to: &Path) -> Result<(), Failure> {
    let started = Instant::now();
    let secret = settings.backup_key.clone().ok_or_else(no_key)?;
    if let Some(path) = settings.sqlite_path()
        && !path.is_file()
    {
        return Err(Failure(format!(
            "there is no database at {}: nothing to back up",
            path.display()
        )));
    }
    let db = crate::open(settings).await?;
    let result = backup_db(settings, &db, secret, to).await;
    db.close().await;
    let (folder, manifest) = result?;

    let sealed: u64 = manifest.files.iter().map(|f| f.size).sum();
    println!(
        "Backup written to {} ({}, migration {}, {} file(s), {} sealed) in {:.1} s.",
        folder.display(),
        settings.engine.name(),
        manifest.migration_version,
        manifest.files.len(),
        human_size(sealed),
        started.elapsed().as_secs_f64()
    );
    if settings.configured_secret_key.is_some() {
        println!(
            "The secret key is set by configuration and is not in the backup: keep it with the \
             backup key (second factors cannot be read without it)."
        );
    }
    match &settings.file_store {
        crate::config::FileStoreSetting::Local => {
            if settings.configured_file_key.is_some() {
                println!(
                    "The file key is set by configuration and is not in the backup: keep it \
                     with the backup key (documents cannot be read without it)."
                );
            }
        }
        crate::config::FileStoreSetting::S3(c) => println!(
            "Documents are in the bucket {} and are not in this backup: the bucket's \
             versioning and replication are their backup (see the administrator's guide). \
             Keep the file key with the backup key.",
            c.location()
        ),
    }
    let removed = prune(to, settings.backup_retention_days, OffsetDateTime::now_utc(), &folder)?;
    if !removed.is_empty() {
        println!(
            "Removed {} backup(s) older than {} days: {}",
            removed.len(),
            settings.backup_retention_days,
            removed.join(", ")
        );
    }
    Ok(())
}

async fn backup_db(
    settings: &Settings,
    db: &Db,
    secret: SecretString,
    to: &Path,
) -> Result<(PathBuf, Manifest), Failure> {
    let status = db.migration_status().await?;
    let Some((migration_version, _)) = status.applied.last().cloned() else {
        return Err(Failure("the database holds no Passerelle schema: nothing to back up".into()));
    };
    fs::create_dir_all(to)
        .map_err(|e| Failure(format!("cannot create the backup folder {}: {e}", to.display())))?;
    let now = OffsetDateTime::now_utc();
    let name = format!("{FOLDER_PREFIX}{}", now.format(FOLDER_TIME).expect("a fixed format"));
    let folder = to.join(&name);
    if folder.exists() {
        return Err(Failure(format!(
            "{} already exists: another backup was written this second; try again",
            folder.display()
        )));
    }
    remove_leftovers(to, ".passerelle-backup-", ".partial");
    let partial = to.join(format!(".{name}.partial"));
    create_private_dir(&partial)
        .map_err(|e| Failure(format!("cannot write in the backup folder {}: {e}", to.display())))?;
    // A failed backup leaves nothing behind that could pass for one.
    match write_backup(settings, db, secret, &partial, migration_version, now).await {
        Ok(manifest) => {
            fs::rename(&partial, &folder).and_then(|()| sync_dir(to)).map_err(|e| {
                Failure(format!("cannot finish the backup in {}: {e}", to.display()))
            })?;
            Ok((folder, manifest))
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

async fn write_backup(
    settings: &Settings,
    db: &Db,
    secret: SecretString,
    dir: &Path,
    migration_version: i64,
    now: OffsetDateTime,
) -> Result<Manifest, Failure> {
    let kdf = KeyDerivation::fresh();
    let keys = {
        let kdf = kdf.clone();
        Arc::new(blocking(move || Keys::derive(&secret, &kdf)).await?)
    };
    let backup_id = Uuid::now_v7();
    let mut files = Vec::new();

    match settings.sqlite_path() {
        Some(path) => {
            // VACUUM INTO needs a file to write; it goes beside the database (the same disk, the
            // same people who can read the database), readable by its owner only, and is
            // removed as soon as it is sealed.
            let parent =
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            remove_leftovers(parent, ".passerelle-backup-", ".db");
            let snapshot = parent.join(format!(".passerelle-backup-{backup_id}.db"));
            let cleanup = RemoveOnDrop(snapshot.clone());
            create_private_file(&snapshot).map_err(|e| {
                Failure(format!("cannot write the snapshot {}: {e}", snapshot.display()))
            })?;
            store::backup::snapshot_sqlite(db, &snapshot).await?;
            let (keys, dir) = (keys.clone(), dir.to_path_buf());
            files.push(
                blocking(move || {
                    let input = File::open(&snapshot).map_err(|e| {
                        format!("cannot read the snapshot {}: {e}", snapshot.display())
                    })?;
                    seal_into(&keys, backup_id, manifest::SQLITE_FILE, input, &dir)
                })
                .await?,
            );
            drop(cleanup);
        }
        None => {
            let server = store::dialect::server_version(db).await?;
            let (keys, dir, url) = (keys.clone(), dir.to_path_buf(), settings.database_url.clone());
            files.push(
                blocking(move || pg_dump_sealed(&url, &server, &keys, backup_id, &dir)).await?,
            );
        }
    }

    let key_file = settings.data_dir.join("secret.key");
    if settings.configured_secret_key.is_none() && key_file.is_file() {
        let (keys, dir) = (keys.clone(), dir.to_path_buf());
        files.push(
            blocking(move || {
                let input = File::open(&key_file)
                    .map_err(|e| format!("cannot read {}: {e}", key_file.display()))?;
                seal_into(&keys, backup_id, manifest::SECRET_KEY_FILE, input, &dir)
            })
            .await?,
        );
    }
    let local_files = matches!(settings.file_store, crate::config::FileStoreSetting::Local);
    let file_key = settings.data_dir.join("file.key");
    if local_files && settings.configured_file_key.is_none() && file_key.is_file() {
        let (keys, dir) = (keys.clone(), dir.to_path_buf());
        files.push(
            blocking(move || {
                let input = File::open(&file_key)
                    .map_err(|e| format!("cannot read {}: {e}", file_key.display()))?;
                seal_into(&keys, backup_id, manifest::FILE_KEY_FILE, input, &dir)
            })
            .await?,
        );
    }
    // After the database: every document of the copy has its file here.
    let files_dir = settings.files_dir();
    if local_files && files_dir.is_dir() {
        let (keys, dir) = (keys.clone(), dir.to_path_buf());
        files.push(
            blocking(move || {
                let archive = objects::Archive::of(&files_dir)
                    .map_err(|e| format!("cannot read {}: {e}", files_dir.display()))?;
                seal_into(&keys, backup_id, manifest::FILES_ARCHIVE, archive, &dir)
            })
            .await?,
        );
    }

    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        format_version: manifest::FORMAT_VERSION,
        passerelle_version: env!("CARGO_PKG_VERSION").into(),
        engine: engine_code(settings.engine).into(),
        migration_version,
        created_at: now
            .format(&time::format_description::well_known::Rfc3339)
            .expect("UTC times format"),
        backup_id,
        key_check: keys.key_check(),
        key_derivation: kdf,
        encryption: manifest::Encryption {
            algorithm: "xchacha20poly1305-stream-be32".into(),
            chunk_size: crypt::CHUNK,
        },
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    let tag = keys.sign(&json);
    let dir = dir.to_path_buf();
    blocking(move || {
        write_private(&dir.join(manifest::MANIFEST), &json)
            .and_then(|()| write_private(&dir.join(manifest::MANIFEST_MAC), tag.as_bytes()))
            .and_then(|()| sync_dir(&dir))
            .map_err(|e| format!("cannot write the manifest in {}: {e}", dir.display()))
    })
    .await?;
    Ok(manifest)
}

/// Seals `input` into `dir/name`, and describes the sealed file for the manifest.
fn seal_into(
    keys: &Keys,
    backup_id: Uuid,
    name: &str,
    input: impl Read,
    dir: &Path,
) -> Result<FileEntry, String> {
    let path = dir.join(name);
    let fail = |e: io::Error| format!("cannot write {}: {e}", path.display());
    let file = private_options().open(&path).map_err(fail)?;
    let mut out = Hashing::new(BufWriter::new(file));
    let plain_size = keys
        .seal(&manifest::associated_data(backup_id, name), BufReader::new(input), &mut out)
        .map_err(fail)?;
    let (writer, size, sha256) = out.finish();
    let file = writer.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    Ok(FileEntry { name: name.into(), size, sha256, plain_size })
}

/// Runs `pg_dump` (custom format: compressed, restored by `pg_restore`) and seals what it
/// writes as it comes, so the dump is never on disk in clear. pg_dump reads the whole database
/// in one repeatable-read transaction: the copy is the database as of one moment, taken while
/// the servers keep writing.
fn pg_dump_sealed(
    url: &str,
    server_version: &str,
    keys: &Keys,
    backup_id: Uuid,
    dir: &Path,
) -> Result<FileEntry, String> {
    let mut child = pg_command("pg_dump", url)
        .args(["--format=custom", "--no-owner", "--no-privileges"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("pg_dump", server_version, &e))?;
    let errors = read_stderr(&mut child);
    let stdout = child.stdout.take().expect("piped");
    let sealed = seal_into(keys, backup_id, manifest::PG_DUMP_FILE, stdout, dir);
    if sealed.is_err() {
        // It may be blocked writing into a pipe nobody reads any more.
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("pg_dump: {e}"))?;
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("pg_dump failed ({status}): {}", last_line(&errors)));
    }
    sealed
}

/// `pg_dump`/`pg_restore` aimed at the database of `url`. The password, if any, goes in the
/// child's environment rather than its arguments, which every local user can read.
fn pg_command(program: &str, url: &str) -> Command {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(program);
    cmd.arg("--dbname").arg(url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd
}

fn missing_tool(tool: &str, server_version: &str, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound {
        let major = server_version
            .trim_start_matches("PostgreSQL ")
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .filter(|m| !m.is_empty())
            .unwrap_or("N");
        format!(
            "{tool} was not found: install PostgreSQL's client tools of the server's version \
             ({server_version}) or newer, e.g. `apt install postgresql-client-{major}` on Debian \
             or Ubuntu, or put {tool} on PATH; base backups are the alternative (see \
             docs/admin-guide.md)"
        )
    } else {
        format!("cannot run {tool}: {e}")
    }
}

fn read_stderr(child: &mut Child) -> std::thread::JoinHandle<String> {
    let mut stderr = child.stderr.take().expect("piped");
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    })
}

fn last_line(text: &str) -> String {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_owned()
}

/// Splits the password out of a `postgres://user:password@host/db` URL, percent-decoded as
/// libpq would decode it.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return (url.to_owned(), None) };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else { return (url.to_owned(), None) };
    let userinfo = &authority[..at];
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_owned(), None);
    };
    let stripped = format!("{}{user}{}", &url[..scheme_end], &url[scheme_end + at..]);
    (stripped, Some(percent_decode(password)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("-"), 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Retention

/// Deletes the finished backups in `dir` whose name says they were made more than `days` days
/// before `now`; never `keep`, never anything else (a folder counts as a backup only with the
/// name Passerelle gives and a manifest inside). Returns the names removed.
fn prune(dir: &Path, days: u32, now: OffsetDateTime, keep: &Path) -> Result<Vec<String>, Failure> {
    if days == 0 {
        return Ok(Vec::new());
    }
    let limit = now - time::Duration::days(i64::from(days));
    let entries = fs::read_dir(dir)
        .map_err(|e| Failure(format!("cannot list the backup folder {}: {e}", dir.display())))?;
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stamp) = name.strip_prefix(FOLDER_PREFIX) else { continue };
        let Ok(made) = time::PrimitiveDateTime::parse(stamp, FOLDER_TIME) else { continue };
        let path = entry.path();
        if made.assume_utc() < limit && path != keep && path.join(manifest::MANIFEST).is_file() {
            fs::remove_dir_all(&path).map_err(|e| {
                Failure(format!("cannot remove the old backup {}: {e}", path.display()))
            })?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

// ---------------------------------------------------------------------------------------------
// Restore

/// `passerelle restore --from DIR`.
pub async fn restore(settings: &Settings, from: &Path) -> Result<(), Failure> {
    let started = Instant::now();
    let secret = settings.backup_key.clone().ok_or_else(no_key)?;
    // Everything is read and authenticated before anything is written: first the manifest,
    // then (once the target is known to be empty, which is quick to learn) every file.
    let (manifest, keys) = {
        let from = from.to_path_buf();
        blocking(move || open_manifest(&secret, &from)).await?
    };
    let keys = Arc::new(keys);
    if manifest.engine != engine_code(settings.engine) {
        return Err(Failure(format!(
            "this backup is of a {} database but the configured database is {}: restore it into \
             a {} database",
            manifest.engine,
            settings.engine.name(),
            manifest.engine
        )));
    }
    check_target(settings, &manifest).await?;
    {
        let (keys, manifest, from) = (keys.clone(), manifest.clone(), from.to_path_buf());
        blocking(move || check_files(&keys, &manifest, &from)).await?;
    }

    let from = from.to_path_buf();
    let target = match settings.sqlite_path() {
        Some(path) => {
            let (keys, manifest, from, target) =
                (keys.clone(), manifest.clone(), from.clone(), path.clone());
            blocking(move || restore_sqlite(&keys, &manifest, &from, &target)).await?;
            path.display().to_string()
        }
        None => {
            let (keys, manifest, from, url) =
                (keys.clone(), manifest.clone(), from.clone(), settings.database_url.clone());
            blocking(move || restore_postgres(&keys, &manifest, &from, &url)).await?;
            store::redact_url(&settings.database_url)
        }
    };
    if manifest.file(manifest::SECRET_KEY_FILE).is_some() {
        let (keys, manifest, from, data_dir) =
            (keys.clone(), manifest.clone(), from.clone(), settings.data_dir.clone());
        let path = data_dir.join("secret.key");
        blocking(move || restore_key(&keys, &manifest, &from, manifest::SECRET_KEY_FILE, &path))
            .await?;
    }
    if manifest.file(manifest::FILE_KEY_FILE).is_some() {
        let (keys, manifest, from, data_dir) =
            (keys.clone(), manifest.clone(), from.clone(), settings.data_dir.clone());
        let path = data_dir.join("file.key");
        blocking(move || restore_key(&keys, &manifest, &from, manifest::FILE_KEY_FILE, &path))
            .await?;
    }
    let restored_files = if manifest.file(manifest::FILES_ARCHIVE).is_some() {
        let (keys, manifest, from, root) =
            (keys.clone(), manifest.clone(), from.clone(), settings.files_dir());
        Some(blocking(move || objects::restore(&keys, &manifest, &from, &root)).await?)
    } else {
        None
    };

    println!(
        "Restored the backup made {} by Passerelle {} ({}, migration {}) into {target}; every \
         file was verified first.",
        manifest.created_at,
        manifest.passerelle_version,
        settings.engine.name(),
        manifest.migration_version
    );
    if manifest.file(manifest::SECRET_KEY_FILE).is_some() {
        if settings.configured_secret_key.is_some() {
            println!(
                "Its secret key was put back in {}, but a key is set by configuration and wins: \
                 if they differ, second factors cannot be read.",
                settings.data_dir.join("secret.key").display()
            );
        } else {
            println!(
                "Its secret key was put back in {}.",
                settings.data_dir.join("secret.key").display()
            );
        }
    } else {
        println!(
            "The backup holds no secret key: configure the instance's secret key as it was \
             (PASSERELLE_SECRET_KEY or PASSERELLE_SECRET_KEY_FILE)."
        );
    }
    match restored_files {
        Some(n) => println!(
            "{n} document file(s) put back in {}{}.",
            settings.files_dir().display(),
            if manifest.file(manifest::FILE_KEY_FILE).is_some() {
                ", with the file key they need"
            } else {
                "; they need the file key set by configuration when the backup was made"
            }
        ),
        None => println!(
            "The backup holds no document files: with a bucket, they are in the bucket (its \
             versioning brings back the state of the backup's date if needed)."
        ),
    }

    let db = crate::open(settings).await?;
    let result = async {
        let applied = db.migrate().await?;
        if applied > 0 {
            println!("{applied} migration(s) applied to bring it up to this version.");
        }
        println!("Audit log:");
        crate::audit_cmd::verify(&db).await.map_err(Failure)
    }
    .await;
    db.close().await;
    if !result? {
        return Err(Failure(
            "the backup was restored, but its audit log does not verify: see the BROKEN \
             chain(s) above"
                .into(),
        ));
    }
    println!("Restore complete in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Reads the manifest and checks the key and the manifest's tag.
fn open_manifest(secret: &SecretString, from: &Path) -> Result<(Manifest, Keys), String> {
    if !from.is_dir() {
        return Err(format!("{} is not a folder", from.display()));
    }
    let manifest_path = from.join(manifest::MANIFEST);
    let bytes = match File::open(&manifest_path) {
        Ok(f) => {
            let mut bytes = Vec::new();
            f.take(MAX_MANIFEST_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
            bytes
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!(
                "{} holds no {}: give the backup's own folder (passerelle-backup-…)",
                from.display(),
                manifest::MANIFEST
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", manifest_path.display())),
    };
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        format!("{} is not a Passerelle backup manifest: {e}", manifest_path.display())
    })?;
    if manifest.format != manifest::FORMAT {
        return Err(format!("{} is not a Passerelle backup manifest", manifest_path.display()));
    }
    if manifest.format_version != manifest::FORMAT_VERSION {
        return Err(format!(
            "this backup has format {}, which this Passerelle ({}) does not read: restore it \
             with Passerelle {} or newer",
            manifest.format_version,
            env!("CARGO_PKG_VERSION"),
            manifest.passerelle_version
        ));
    }
    let keys = Keys::derive(secret, &manifest.key_derivation)
        .map_err(|e| format!("{} cannot be used: {e}", manifest_path.display()))?;
    if keys.key_check() != manifest.key_check {
        return Err("the backup key does not open this backup: it was made with another key (see \
             PASSERELLE_BACKUP_KEY and PASSERELLE_BACKUP_KEY_FILE)"
            .into());
    }
    let tag = fs::read_to_string(from.join(manifest::MANIFEST_MAC)).map_err(|e| {
        format!("cannot read {}: {e}; the backup is incomplete", manifest::MANIFEST_MAC)
    })?;
    if !keys.verify(&bytes, &tag) {
        return Err(format!(
            "{} was altered after the backup was made (its authentication tag does not match): \
             nothing was restored",
            manifest::MANIFEST
        ));
    }
    let database = match manifest.engine.as_str() {
        "sqlite" => manifest::SQLITE_FILE,
        "postgresql" => manifest::PG_DUMP_FILE,
        other => return Err(format!("the manifest names an unknown engine {other:?}")),
    };
    if manifest.file(database).is_none() {
        return Err(format!("the manifest lists no {database}: the backup is incomplete"));
    }
    Ok((manifest, keys))
}

/// Reads every file of the backup through: size, SHA-256 and every chunk's tag.
fn check_files(keys: &Keys, manifest: &Manifest, from: &Path) -> Result<(), String> {
    for entry in &manifest.files {
        if !manifest::is_known_file(&entry.name) {
            return Err(format!("the manifest lists an unexpected file {:?}", entry.name));
        }
        let (plain_size, size, sha256) = if entry.name == manifest::FILES_ARCHIVE {
            // Its structure too, so a restore never stops half way through the files.
            let mut check = objects::Extractor::new(None).map_err(|e| e.to_string())?;
            let read = open_sealed(keys, manifest, from, &entry.name, &mut check)?;
            check.finish().map_err(|e| format!("{}: {e}: nothing was restored", entry.name))?;
            read
        } else {
            open_sealed(keys, manifest, from, &entry.name, io::sink())?
        };
        if size != entry.size || sha256 != entry.sha256 || plain_size != entry.plain_size {
            return Err(format!(
                "{} does not match the manifest (size or SHA-256): nothing was restored",
                entry.name
            ));
        }
    }
    Ok(())
}

/// Opens one sealed file of the backup into `out`; returns the plaintext size, and the sealed
/// file's size and SHA-256 as read.
fn open_sealed(
    keys: &Keys,
    manifest: &Manifest,
    from: &Path,
    name: &str,
    out: impl Write,
) -> Result<(u64, u64, String), String> {
    let path = from.join(name);
    let file = File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut input = Hashing::new(BufReader::new(file));
    let plain_size =
        keys.open(&manifest.associated_data(name), &mut input, out).map_err(|e| match e {
            OpenError::Io(e) => format!("cannot restore {}: {e}", path.display()),
            OpenError::NotSealed => {
                format!("{name} is not a sealed backup file: nothing was restored")
            }
            OpenError::Altered => format!(
                "{name} was altered, cut short or replaced after the backup was made (it does not \
                 authenticate): nothing was restored"
            ),
        })?;
    let (_, size, sha256) = input.finish();
    Ok((plain_size, size, sha256))
}

/// The latest migration this binary knows, for a backup from a newer version.
async fn latest_migration(db: &Db) -> Result<i64, Failure> {
    let status = db.migration_status().await?;
    Ok(status.applied.iter().chain(&status.pending).map(|(v, _)| *v).max().unwrap_or(0))
}

/// Refuses a target that holds anything: restore never merges into or overwrites data.
async fn check_target(settings: &Settings, manifest: &Manifest) -> Result<(), Failure> {
    let data_dir = &settings.data_dir;
    let newer = |latest: i64| {
        Failure(format!(
            "this backup comes from a newer Passerelle ({}, migration {}) than this one ({}, \
             migrations up to {latest}): restore it with Passerelle {} or newer",
            manifest.passerelle_version,
            manifest.migration_version,
            env!("CARGO_PKG_VERSION"),
            manifest.passerelle_version
        ))
    };
    match settings.sqlite_path() {
        Some(path) => {
            for p in [path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm")] {
                if p.exists() {
                    return Err(Failure(format!(
                        "{} already exists: restore only into an empty data folder; move it \
                         aside first",
                        p.display()
                    )));
                }
            }
            let held = folder_entries(data_dir);
            if !held.is_empty() {
                return Err(Failure(format!(
                    "the data folder {} is not empty (it holds {}): restore only into an empty \
                     data folder; move its contents aside or set PASSERELLE_DATA_DIR to a new one",
                    data_dir.display(),
                    held.join(", ")
                )));
            }
            // Nothing to ask the target yet: a database in memory says what this binary knows.
            let scratch =
                Db::connect("sqlite::memory:", &store::db::PoolOptions::default()).await?;
            let latest = latest_migration(&scratch).await;
            scratch.close().await;
            let latest = latest?;
            if manifest.migration_version > latest {
                return Err(newer(latest));
            }
        }
        None => {
            let db =
                Db::connect(&settings.database_url, &store::db::PoolOptions::default()).await?;
            let tables = store::backup::table_names(&db).await;
            let latest = latest_migration(&db).await;
            db.close().await;
            let tables = tables?;
            if !tables.is_empty() {
                let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
                return Err(Failure(format!(
                    "the database {} is not empty (it holds {} table(s): {}{}): restore only into \
                     an empty database, e.g. one made with createdb",
                    store::redact_url(&settings.database_url),
                    tables.len(),
                    shown.join(", "),
                    if tables.len() > shown.len() { ", …" } else { "" }
                )));
            }
            let latest = latest?;
            if manifest.migration_version > latest {
                return Err(newer(latest));
            }
            for (file, path) in [
                (manifest::SECRET_KEY_FILE, data_dir.join("secret.key")),
                (manifest::FILE_KEY_FILE, data_dir.join("file.key")),
                (manifest::FILES_ARCHIVE, settings.files_dir()),
            ] {
                if manifest.file(file).is_some() && path.exists() {
                    return Err(Failure(format!(
                        "{} already exists: restore only into an empty data folder",
                        path.display()
                    )));
                }
            }
        }
    }
    Ok(())
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn folder_entries(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> =
        entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Writes the database beside its final place under a temporary name, then renames it: a
/// failure half-way leaves no database that could be mistaken for the restored one.
fn restore_sqlite(
    keys: &Keys,
    manifest: &Manifest,
    from: &Path,
    target: &Path,
) -> Result<(), String> {
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_private_dir(parent)
        .or_else(|e| if parent.is_dir() { Ok(()) } else { Err(e) })
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let temporary = parent.join(format!(".passerelle-restore-{}.db", manifest.backup_id));
    let cleanup = RemoveOnDrop(temporary.clone());
    let fail = |e: io::Error| format!("cannot write {}: {e}", temporary.display());
    let file = private_options().open(&temporary).map_err(fail)?;
    let mut out = BufWriter::new(file);
    let (_, size, sha256) = open_sealed(keys, manifest, from, manifest::SQLITE_FILE, &mut out)?;
    verify_again(manifest, manifest::SQLITE_FILE, size, &sha256)?;
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    fs::rename(&temporary, target)
        .and_then(|()| sync_dir(parent))
        .map_err(|e| format!("cannot put the database in {}: {e}", target.display()))?;
    drop(cleanup);
    Ok(())
}

/// Feeds the dump to `pg_restore` as it is opened, in one transaction: a failure anywhere,
/// ours or its own, leaves the database as empty as it was.
fn restore_postgres(
    keys: &Keys,
    manifest: &Manifest,
    from: &Path,
    url: &str,
) -> Result<(), String> {
    let mut child = pg_command("pg_restore", url)
        .args(["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("pg_restore", "PostgreSQL", &e))?;
    let errors = read_stderr(&mut child);
    let stdin = child.stdin.take().expect("piped");
    let fed = open_sealed(keys, manifest, from, manifest::PG_DUMP_FILE, BufWriter::new(stdin))
        .and_then(|(_, size, sha256)| {
            verify_again(manifest, manifest::PG_DUMP_FILE, size, &sha256)
        });
    if fed.is_err() {
        // Killed before its input ends, it never commits.
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("pg_restore: {e}"))?;
    let errors = errors.join().unwrap_or_default();
    fed?;
    if !status.success() {
        return Err(format!(
            "pg_restore failed ({status}), nothing was restored: {}",
            last_line(&errors)
        ));
    }
    Ok(())
}

/// Puts one of the data folder's keys back (`secret.key`, `file.key`) from the sealed `name`.
fn restore_key(
    keys: &Keys,
    manifest: &Manifest,
    from: &Path,
    name: &str,
    path: &Path,
) -> Result<(), String> {
    if let Some(data_dir) = path.parent() {
        fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    }
    let mut key = Vec::new();
    let (_, size, sha256) = open_sealed(keys, manifest, from, name, &mut key)?;
    verify_again(manifest, name, size, &sha256)?;
    write_private(path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The file was checked before anything was written; this catches it changing since.
fn verify_again(manifest: &Manifest, name: &str, size: u64, sha256: &str) -> Result<(), String> {
    match manifest.file(name) {
        Some(f) if f.size == size && f.sha256 == sha256 => Ok(()),
        _ => Err(format!("{name} changed while it was being restored")),
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/// Counts and hashes the bytes that go through it, read or written.
struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    count: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing { inner, hasher: Sha256::new(), count: 0 }
    }

    fn finish(self) -> (T, u64, String) {
        (self.inner, self.count, hex::encode(self.hasher.finalize()))
    }
}

impl<T: Write> Write for Hashing<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<T: Read> Read for Hashing<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// Removes what a backup killed half-way left behind (its guards never ran): above all a
/// snapshot in clear beside the database. Only entries a day old, so a backup running at the
/// same moment keeps its own.
fn remove_leftovers(dir: &Path, prefix: &str, suffix: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > day));
        if name.starts_with(prefix) && name.ends_with(suffix) && old {
            let path = entry.path();
            let removed =
                if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            if removed.is_ok() {
                tracing::warn!(path = %path.display(), "removed what an interrupted backup left");
            }
        }
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// New files only, readable by their owner only.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn create_private_file(path: &Path) -> io::Result<()> {
    private_options().open(path).map(drop)
}

fn write_private(path: &Path, content: &[u8]) -> io::Result<()> {
    let mut file = private_options().open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Makes a rename or a new file in `dir` survive a power cut.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_is_percent_decoded() {
        assert_eq!(
            split_password("postgres://app:s%40cr%3At@db.internal:5432/passerelle?sslmode=require"),
            (
                "postgres://app@db.internal:5432/passerelle?sslmode=require".to_owned(),
                Some("s@cr:t".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/p"),
            ("postgres://postgres@127.0.0.1:5432/p".to_owned(), None)
        );
        assert_eq!(split_password("postgres://h/p"), ("postgres://h/p".to_owned(), None));
    }

    #[test]
    fn what_an_interrupted_backup_left_is_removed_after_a_day_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let age = |path: &Path, hours: u64| {
            let then = std::time::SystemTime::now() - std::time::Duration::from_secs(hours * 3600);
            File::options().write(true).open(path).unwrap().set_modified(then).unwrap();
        };
        let stale = dir.path().join(".passerelle-backup-0190.db");
        let running = dir.path().join(".passerelle-backup-0191.db");
        let database = dir.path().join("passerelle.db");
        for p in [&stale, &running, &database] {
            fs::write(p, "x").unwrap();
        }
        age(&stale, 25);
        age(&database, 25);
        remove_leftovers(dir.path(), ".passerelle-backup-", ".db");
        assert!(!stale.exists() && running.exists() && database.exists());
    }

    #[test]
    fn pruning_removes_only_old_finished_backups_by_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let now = time::macros::datetime!(2026-11-26 06:00 UTC);
        let make = |name: &str, manifest: bool| {
            let p = dir.path().join(name);
            fs::create_dir(&p).unwrap();
            if manifest {
                fs::write(p.join(manifest::MANIFEST), "{}").unwrap();
            }
            p
        };
        make("passerelle-backup-20261020T060000Z", true); // 37 days: removed
        make("passerelle-backup-20261022T055959Z", true); // 35 days and 1 s: removed
        make("passerelle-backup-20261022T060001Z", true); // just under 35 days: kept
        make("passerelle-backup-20260101T000000Z", false); // no manifest: not ours to judge
        make("holiday-photos-20200101T000000Z", true);
        make(".passerelle-backup-20200101T000000Z.partial", true);
        let current = make("passerelle-backup-20261126T060000Z", true);
        let removed = prune(dir.path(), 35, now, &current).unwrap();
        assert_eq!(
            removed,
            ["passerelle-backup-20261020T060000Z", "passerelle-backup-20261022T055959Z"]
        );
        assert_eq!(folder_entries(dir.path()).len(), 5);
        assert!(
            prune(dir.path(), 0, now + time::Duration::days(999), &current).unwrap().is_empty()
        );
    }
}
