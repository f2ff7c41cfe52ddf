//! Where encrypted objects are kept. A local folder by default (inside the data folder, two
//! levels of sub-folders by the first characters of the name, readable by the server's user
//! only); an S3-compatible bucket is the next backend, behind the same calls (ADR 0019).
//!
//! Objects are written to a temporary name and renamed once complete, so a reader never sees
//! half an object and an upload refused half way leaves nothing behind.

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

/// Whether `name` is an object name this store makes: letters, digits and dashes (ids).
pub fn valid_name(name: &str) -> bool {
    (8..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn bad_name() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not an object name")
}

/// A local folder of objects.
#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    /// Opens (and creates) the folder, readable by its owner only.
    pub fn new(root: &Path) -> io::Result<LocalDir> {
        std::fs::create_dir_all(root.join("tmp"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(LocalDir { root: root.to_path_buf() })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an object lives.
    pub fn path(&self, name: &str) -> io::Result<PathBuf> {
        if !valid_name(name) {
            return Err(bad_name());
        }
        Ok(self.root.join(&name[..2]).join(name))
    }

    pub async fn create(&self, name: &str) -> io::Result<LocalWriter> {
        let dest = self.path(name)?;
        let suffix: u64 = rand::random();
        let tmp = self.root.join("tmp").join(format!("{name}.{suffix:016x}.part"));
        let file = tokio::fs::File::create(&tmp).await?;
        Ok(LocalWriter { file, tmp, dest })
    }

    pub async fn open(&self, name: &str) -> io::Result<tokio::fs::File> {
        tokio::fs::File::open(self.path(name)?).await
    }

    /// Removes an object; one that is not there is not an error.
    pub async fn delete(&self, name: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(name)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// An object being written.
pub struct LocalWriter {
    file: tokio::fs::File,
    tmp: PathBuf,
    dest: PathBuf,
}

impl LocalWriter {
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes).await
    }

    /// Makes the object visible under its name, once on disk.
    pub async fn finish(mut self) -> io::Result<()> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        if let Some(parent) = self.dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(&self.tmp, &self.dest).await
    }

    /// Throws the partial object away.
    pub async fn abort(self) {
        drop(self.file);
        if let Err(e) = tokio::fs::remove_file(&self.tmp).await {
            tracing::warn!(error = %e, "a refused upload's temporary file could not be removed");
        }
    }
}
