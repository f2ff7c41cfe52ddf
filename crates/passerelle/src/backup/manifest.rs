//! The manifest of a backup: what it holds and how to open it. Written in clear (it names no
//! person: versions, dates, file names, sizes, checksums of the sealed files) so an
//! administrator can check a copy with `sha256sum` without the key, and authenticated by
//! `manifest.mac` so nothing in it can be changed unnoticed by someone without the key.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::crypt::KeyDerivation;

pub const FORMAT: &str = "passerelle-backup";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const MANIFEST_MAC: &str = "manifest.mac";
/// The SQLite database, as `VACUUM INTO` wrote it.
pub const SQLITE_FILE: &str = "database.sqlite.sealed";
/// The PostgreSQL database, as `pg_dump --format=custom` wrote it.
pub const PG_DUMP_FILE: &str = "database.pgdump.sealed";
/// The data folder's `secret.key`, when the instance keeps its secret key there.
pub const SECRET_KEY_FILE: &str = "secret.key.sealed";
/// The data folder's `file.key`, when the instance keeps its file key there.
pub const FILE_KEY_FILE: &str = "file.key.sealed";
/// The documents' files of a local store, as an archive (see `super::objects`).
pub const FILES_ARCHIVE: &str = "files.sealed";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub passerelle_version: String,
    /// `sqlite` or `postgresql`.
    pub engine: String,
    /// The last migration applied to the database when it was copied.
    pub migration_version: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub backup_id: Uuid,
    pub key_derivation: KeyDerivation,
    pub key_check: String,
    pub encryption: Encryption,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Encryption {
    pub algorithm: String,
    pub chunk_size: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    /// Bytes of the sealed file.
    pub size: u64,
    /// SHA-256 of the sealed file, hex.
    pub sha256: String,
    /// Bytes once opened.
    pub plain_size: u64,
}

impl Manifest {
    /// What each chunk of a file is bound to: the backup and the file's name, so a sealed file
    /// cannot be passed off as another file or as part of another backup.
    pub fn associated_data(&self, file: &str) -> Vec<u8> {
        associated_data(self.backup_id, file)
    }

    pub fn file(&self, name: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.name == name)
    }
}

pub fn associated_data(backup_id: Uuid, file: &str) -> Vec<u8> {
    format!("passerelle-backup-v1|{backup_id}|{file}").into_bytes()
}

/// Only the names Passerelle writes: a manifest can never make a restore read outside the
/// backup folder.
pub fn is_known_file(name: &str) -> bool {
    [SQLITE_FILE, PG_DUMP_FILE, SECRET_KEY_FILE, FILE_KEY_FILE, FILES_ARCHIVE].contains(&name)
}
