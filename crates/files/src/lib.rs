//! Passerelle's file store (documents and voice notes): uploads checked from their bytes
//! ([`check`]), encrypted at rest with a configured key that can rotate ([`keys`], [`crypt`]),
//! kept in an object store ([`store`]). Memory stays flat whatever a file's size: bytes are
//! checked, encrypted and written as they arrive, and decrypted as they are sent.
//!
//! Not to be confused with the `documents` crate, which renders PDFs.

pub mod check;
pub mod crypt;
pub mod keys;
pub mod store;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::AsyncReadExt;

pub use check::{FileType, Inspector, Preview, Refusal, Use};
pub use keys::{FileKeys, KeyError};

use crypt::{Decryptor, Encryptor};
use store::{LocalDir, LocalWriter};

/// The store every feature keeps its files in.
#[derive(Debug, Clone)]
pub struct FileStore {
    backend: LocalDir,
    keys: Arc<FileKeys>,
}

impl FileStore {
    /// A store in a local folder.
    pub fn local(root: &Path, keys: FileKeys) -> io::Result<FileStore> {
        Ok(FileStore { backend: LocalDir::new(root)?, keys: Arc::new(keys) })
    }

    pub fn keys(&self) -> &FileKeys {
        &self.keys
    }

    /// Where an object is on disk (tests read it to check it is not the plaintext).
    pub fn local_path(&self, name: &str) -> io::Result<PathBuf> {
        self.backend.path(name)
    }

    /// Starts writing the object `name`: plaintext in, encrypted on its way out.
    pub async fn create(&self, name: &str) -> io::Result<Upload> {
        let mut writer = self.backend.create(name).await?;
        let encryptor = Encryptor::new(&self.keys, name);
        writer.write(encryptor.header()).await?;
        Ok(Upload { encryptor, writer })
    }

    /// Opens the object `name` for reading, decrypted as it is read. The first piece is read
    /// and authenticated here, so a missing object, an unknown key or a damaged header is an
    /// error before anything is sent; a later chunk that fails authentication ends the stream
    /// with an error (nothing of it is released).
    pub async fn open(
        &self,
        name: &str,
    ) -> io::Result<impl Stream<Item = io::Result<Bytes>> + Send + 'static + use<>> {
        let file = self.backend.open(name).await?;
        let mut reader = Reader {
            file,
            decryptor: Some(Decryptor::new(name)),
            keys: self.keys.clone(),
            buf: vec![0; 64 * 1024],
        };
        let first = reader.next().await?;
        let rest = futures_util::stream::try_unfold(reader, |mut r| async move {
            Ok(r.next().await?.map(|b| (b, r)))
        });
        Ok(futures_util::StreamExt::chain(futures_util::stream::iter(first.map(Ok)), rest))
    }

    /// The whole plaintext of a (small) object.
    pub async fn read_all(&self, name: &str) -> io::Result<Vec<u8>> {
        use futures_util::StreamExt;
        let mut stream = std::pin::pin!(self.open(name).await?);
        let mut out = Vec::new();
        while let Some(piece) = stream.next().await {
            out.extend_from_slice(&piece?);
        }
        Ok(out)
    }

    /// Removes an object.
    pub async fn delete(&self, name: &str) -> io::Result<()> {
        self.backend.delete(name).await
    }
}

/// An object being written: [`Upload::write`] plaintext, then [`Upload::finish`] or
/// [`Upload::abort`].
pub struct Upload {
    encryptor: Encryptor,
    writer: LocalWriter,
}

impl Upload {
    pub async fn write(&mut self, plaintext: &[u8]) -> io::Result<()> {
        let sealed = self.encryptor.update(plaintext);
        if !sealed.is_empty() {
            self.writer.write(&sealed).await?;
        }
        Ok(())
    }

    pub async fn finish(mut self) -> io::Result<()> {
        let last = self.encryptor.finish();
        self.writer.write(&last).await?;
        self.writer.finish().await
    }

    pub async fn abort(self) {
        self.writer.abort().await
    }
}

struct Reader {
    file: tokio::fs::File,
    decryptor: Option<Decryptor>,
    keys: Arc<FileKeys>,
    buf: Vec<u8>,
}

impl Reader {
    /// The next authenticated plaintext, `None` at the end.
    async fn next(&mut self) -> io::Result<Option<Bytes>> {
        loop {
            let Some(decryptor) = self.decryptor.as_mut() else { return Ok(None) };
            let n = self.file.read(&mut self.buf).await?;
            if n == 0 {
                let d = self.decryptor.take().expect("checked above");
                let last = d.finish().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                return Ok(Some(Bytes::from(last)));
            }
            let plain = decryptor
                .update(&self.keys, &self.buf[..n])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            if !plain.is_empty() {
                return Ok(Some(Bytes::from(plain)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn keys(id: &str, byte: u8) -> FileKeys {
        FileKeys::parse(&SecretString::from(format!("{id}:{}", hex::encode([byte; 32])))).unwrap()
    }

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!("passerelle-files-{}", uuid::Uuid::now_v7()))
    }

    #[tokio::test]
    async fn objects_are_stored_encrypted_and_read_back() {
        let root = scratch();
        let store = FileStore::local(&root, keys("k1", 3)).unwrap();
        let name = uuid::Uuid::now_v7().to_string();
        let plain = b"%PDF-1.7 Titre de sejour - HADDAD Amel".repeat(5000);
        let mut up = store.create(&name).await.unwrap();
        for part in plain.chunks(7000) {
            up.write(part).await.unwrap();
        }
        up.finish().await.unwrap();
        let on_disk = std::fs::read(store.local_path(&name).unwrap()).unwrap();
        assert!(!on_disk.windows(6).any(|w| w == b"HADDAD"));
        assert_eq!(store.read_all(&name).await.unwrap(), plain);
        // Nothing left in the temporary folder.
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0);
        // An aborted upload leaves nothing.
        let other = uuid::Uuid::now_v7().to_string();
        let mut up = store.create(&other).await.unwrap();
        up.write(b"%PDF-").await.unwrap();
        up.abort().await;
        assert!(store.open(&other).await.is_err());
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0);
        // A tampered object is refused before anything is sent.
        let mut bad = on_disk.clone();
        bad[40] ^= 1;
        std::fs::write(store.local_path(&name).unwrap(), &bad).unwrap();
        assert!(store.open(&name).await.is_err());
        // Names are ids, never paths.
        assert!(store.create("../../etc/passwd").await.is_err());
        store.delete(&name).await.unwrap();
        store.delete(&name).await.unwrap();
        std::fs::remove_dir_all(root).unwrap();
    }
}
