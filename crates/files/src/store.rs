//! Where encrypted objects are kept. A local folder by default (inside the data folder, two
//! levels of sub-folders by the first characters of the name, readable by the server's user
//! only), or an S3-compatible bucket ([`crate::s3`], ADR 0025), behind the same calls.
//!
//! Objects are written to a temporary name and renamed once complete (a multipart upload
//! completed or aborted, on S3), so a reader never sees half an object and an upload refused
//! half way leaves nothing behind.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::s3::{S3Bucket, S3Writer};

/// An object's stored (encrypted) bytes, as they are read.
pub type ObjectStream = BoxStream<'static, io::Result<Bytes>>;

/// Bytes read from a local object at a time.
const READ_PIECE: usize = 64 * 1024;

/// The backend a [`crate::FileStore`] keeps its objects in.
#[derive(Debug, Clone)]
pub enum Backend {
    Local(LocalDir),
    S3(S3Bucket),
}

impl Backend {
    pub async fn create(&self, name: &str) -> io::Result<Writer> {
        Ok(match self {
            Backend::Local(dir) => Writer::Local(dir.create(name).await?),
            Backend::S3(bucket) => Writer::S3(bucket.create(name).await?),
        })
    }

    /// The stored bytes of an object; a missing one is [`io::ErrorKind::NotFound`].
    pub async fn open(&self, name: &str) -> io::Result<ObjectStream> {
        match self {
            Backend::Local(dir) => {
                let file = dir.open(name).await?;
                let buf = vec![0u8; READ_PIECE];
                Ok(Box::pin(futures_util::stream::try_unfold(
                    (file, buf),
                    |(mut file, mut buf)| async move {
                        let n = file.read(&mut buf).await?;
                        if n == 0 {
                            return Ok(None);
                        }
                        let piece = Bytes::copy_from_slice(&buf[..n]);
                        Ok(Some((piece, (file, buf))))
                    },
                )))
            }
            Backend::S3(bucket) => bucket.open(name).await,
        }
    }

    /// Removes an object; one that is not there is not an error.
    pub async fn delete(&self, name: &str) -> io::Result<()> {
        match self {
            Backend::Local(dir) => dir.delete(name).await,
            Backend::S3(bucket) => bucket.delete(name).await,
        }
    }
}

/// An object being written, on either backend.
pub enum Writer {
    Local(LocalWriter),
    S3(S3Writer),
}

impl Writer {
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Writer::Local(w) => w.write(bytes).await,
            Writer::S3(w) => w.write(bytes).await,
        }
    }

    pub async fn finish(self) -> io::Result<()> {
        match self {
            Writer::Local(w) => w.finish().await,
            Writer::S3(w) => w.finish().await,
        }
    }

    pub async fn abort(self) {
        match self {
            Writer::Local(w) => w.abort().await,
            Writer::S3(w) => w.abort().await,
        }
    }
}

/// Whether `name` is an object name this store makes: letters, digits and dashes (ids).
pub fn valid_name(name: &str) -> bool {
    (8..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn bad_name() -> io::Error {
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

    /// The names of the objects in the folder (blocking: it walks the folder).
    pub fn names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            let folder = entry.file_name();
            if folder == "tmp" || !entry.file_type()?.is_dir() {
                continue;
            }
            for object in std::fs::read_dir(entry.path())? {
                let name = object?.file_name().to_string_lossy().into_owned();
                if valid_name(&name) && name.as_bytes()[..2] == *folder.as_encoded_bytes() {
                    names.push(name);
                }
            }
        }
        names.sort();
        Ok(names)
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
