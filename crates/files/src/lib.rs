//! Passerelle's file store (documents and voice notes): uploads checked from their bytes
//! ([`check`]), encrypted at rest with a configured key that can rotate ([`keys`], [`crypt`]),
//! kept in an object store ([`store`]). Memory stays flat whatever a file's size: bytes are
//! checked, encrypted and written as they arrive, and decrypted as they are sent.
//!
//! Not to be confused with the `documents` crate, which renders PDFs.

pub mod check;
pub mod crypt;
pub mod keys;
pub mod s3;
pub mod store;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

pub use check::{FileType, Inspector, Preview, Refusal, Use};
pub use keys::{FileKeys, KeyError};
pub use s3::S3Config;

use crypt::{Decryptor, Encryptor};
use store::{Backend, LocalDir, ObjectStream, Writer};

/// The store every feature keeps its files in.
#[derive(Debug, Clone)]
pub struct FileStore {
    backend: Backend,
    keys: Arc<FileKeys>,
}

/// What [`FileStore::reencrypt`] did with an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reencrypted {
    /// It was under another key and is now under the current one.
    Done,
    /// It was already under the current key (an earlier run stopped after rewriting it).
    AlreadyCurrent,
}

impl FileStore {
    /// A store in a local folder.
    pub fn local(root: &Path, keys: FileKeys) -> io::Result<FileStore> {
        Ok(FileStore { backend: Backend::Local(LocalDir::new(root)?), keys: Arc::new(keys) })
    }

    /// A store in an S3-compatible bucket (nothing is sent yet: see [`FileStore::check`]).
    pub fn s3(config: &S3Config, keys: FileKeys) -> io::Result<FileStore> {
        Ok(FileStore { backend: Backend::S3(s3::S3Bucket::new(config)?), keys: Arc::new(keys) })
    }

    pub fn keys(&self) -> &FileKeys {
        &self.keys
    }

    /// Where the objects are: a folder's path or `s3://bucket/folder`.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Local(dir) => dir.root().display().to_string(),
            Backend::S3(bucket) => bucket.location().to_owned(),
        }
    }

    /// The local folder, when the objects are in one (backups copy it).
    pub fn local_root(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Local(dir) => Some(dir.root()),
            Backend::S3(_) => None,
        }
    }

    /// Whether the store answers (the bucket exists and the keys open it), at start.
    pub async fn check(&self) -> io::Result<()> {
        match &self.backend {
            Backend::Local(_) => Ok(()),
            Backend::S3(bucket) => bucket.check().await,
        }
    }

    /// Where an object is on disk (tests read it to check it is not the plaintext).
    pub fn local_path(&self, name: &str) -> io::Result<PathBuf> {
        match &self.backend {
            Backend::Local(dir) => dir.path(name),
            Backend::S3(_) => Err(io::Error::other("the objects are in a bucket, not on disk")),
        }
    }

    /// The names of every object in the store, sorted.
    pub async fn names(&self) -> io::Result<Vec<String>> {
        match &self.backend {
            Backend::Local(dir) => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || dir.names()).await.map_err(io::Error::other)?
            }
            Backend::S3(bucket) => bucket.names().await,
        }
    }

    /// An object's stored bytes as they are, encrypted (tests check they are not the
    /// plaintext).
    pub async fn stored_bytes(&self, name: &str) -> io::Result<Vec<u8>> {
        let mut stream = self.backend.open(name).await?;
        let mut out = Vec::new();
        while let Some(piece) = stream.next().await {
            out.extend_from_slice(&piece?);
        }
        Ok(out)
    }

    /// Starts writing the object `name`: plaintext in, encrypted on its way out.
    pub async fn create(&self, name: &str) -> io::Result<Upload> {
        let mut writer = self.backend.create(name).await?;
        let encryptor = Encryptor::new(&self.keys, name);
        if let Err(e) = writer.write(encryptor.header()).await {
            writer.abort().await;
            return Err(e);
        }
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
        let (first, reader) = self.reader(name).await?;
        Ok(reader.into_stream(first))
    }

    async fn reader(&self, name: &str) -> io::Result<(Option<Bytes>, Reader)> {
        let source = self.backend.open(name).await?;
        let mut reader = Reader {
            source,
            decryptor: Some(Decryptor::new(name)),
            keys: self.keys.clone(),
            key_id: None,
        };
        let first = reader.next().await?;
        Ok((first, reader))
    }

    /// The whole plaintext of a (small) object.
    pub async fn read_all(&self, name: &str) -> io::Result<Vec<u8>> {
        let mut stream = std::pin::pin!(self.open(name).await?);
        let mut out = Vec::new();
        while let Some(piece) = stream.next().await {
            out.extend_from_slice(&piece?);
        }
        Ok(out)
    }

    /// Rewrites the object `name` under the current key, in place: it is decrypted as it is
    /// read and encrypted as it is written, and replaces the old one only once the whole old
    /// object has authenticated (a damaged one is left as it was, and the error returned). An
    /// object already under the current key is left alone, so running this again is harmless.
    pub async fn reencrypt(&self, name: &str) -> io::Result<Reencrypted> {
        let (first, mut reader) = self.reader(name).await?;
        if reader.key_id.as_deref() == Some(self.keys.current_id()) {
            return Ok(Reencrypted::AlreadyCurrent);
        }
        let mut upload = self.create(name).await?;
        let mut piece = first;
        loop {
            if let Some(plain) = piece.take()
                && let Err(e) = upload.write(&plain).await
            {
                upload.abort().await;
                return Err(e);
            }
            match reader.next().await {
                Ok(Some(next)) => piece = Some(next),
                Ok(None) => break,
                Err(e) => {
                    upload.abort().await;
                    return Err(e);
                }
            }
        }
        upload.finish().await?;
        Ok(Reencrypted::Done)
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
    writer: Writer,
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
    source: ObjectStream,
    decryptor: Option<Decryptor>,
    keys: Arc<FileKeys>,
    /// The key the object's header names, once read.
    key_id: Option<String>,
}

impl Reader {
    /// The next authenticated plaintext, `None` at the end.
    async fn next(&mut self) -> io::Result<Option<Bytes>> {
        loop {
            let Some(decryptor) = self.decryptor.as_mut() else { return Ok(None) };
            let Some(piece) = self.source.next().await.transpose()? else {
                let d = self.decryptor.take().expect("checked above");
                let last = d.finish().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                return Ok(Some(Bytes::from(last)));
            };
            let plain = decryptor
                .update(&self.keys, &piece)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            if self.key_id.is_none() {
                self.key_id = decryptor.key_id().map(str::to_owned);
            }
            if !plain.is_empty() {
                return Ok(Some(Bytes::from(plain)));
            }
        }
    }

    fn into_stream(
        self,
        first: Option<Bytes>,
    ) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
        let rest = futures_util::stream::try_unfold(self, |mut r| async move {
            Ok(r.next().await?.map(|b| (b, r)))
        });
        futures_util::stream::iter(first.map(Ok)).chain(rest)
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

    /// Writes `plain` as `name`, in pieces as uploads arrive.
    async fn put(store: &FileStore, name: &str, plain: &[u8]) {
        let mut up = store.create(name).await.unwrap();
        for part in plain.chunks(7000) {
            up.write(part).await.unwrap();
        }
        up.finish().await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn objects_round_trip_on_s3_encrypted_and_a_refused_upload_leaves_nothing() {
        let Some(config) = s3::testing::config("files::objects_round_trip_on_s3") else { return };
        let store = FileStore::s3(&config, keys("k1", 3)).unwrap();
        store.check().await.unwrap();
        assert!(store.location().starts_with("s3://") && store.local_root().is_none());
        // Bigger than two parts, so the multipart upload really has several.
        let plain = b"%PDF-1.7 Titre de sejour - HADDAD Amel ".repeat(300_000);
        assert!(plain.len() > 2 * s3::PART_BYTES);
        let name = uuid::Uuid::now_v7().to_string();
        put(&store, &name, &plain).await;
        assert_eq!(store.read_all(&name).await.unwrap(), plain);
        // What the bucket holds is ciphertext, under the key's id.
        let stored = store.stored_bytes(&name).await.unwrap();
        assert!(!stored.windows(6).any(|w| w == b"HADDAD"));
        assert_eq!(crypt::key_id_of(&stored), Some("k1"));
        assert_eq!(store.names().await.unwrap(), vec![name.clone()]);
        // Another server (another client of the same bucket) reads it: what the bucket is for.
        let other = FileStore::s3(&config, keys("k1", 3)).unwrap();
        assert_eq!(other.read_all(&name).await.unwrap(), plain);
        // A small one too.
        let small = uuid::Uuid::now_v7().to_string();
        put(&store, &small, b"%PDF-1.4 court").await;
        assert_eq!(store.read_all(&small).await.unwrap(), b"%PDF-1.4 court");

        // Refused half way (12 MB written, parts already sent): aborted, nothing left behind.
        let refused = uuid::Uuid::now_v7().to_string();
        let mut up = store.create(&refused).await.unwrap();
        for _ in 0..(12 * 16) {
            up.write(&[0u8; 64 * 1024]).await.unwrap();
        }
        assert_eq!(s3::testing::open_uploads(&config).await, 1);
        up.abort().await;
        assert_eq!(s3::testing::open_uploads(&config).await, 0);
        let missing = store.open(&refused).await.err().expect("no object");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        assert_eq!(store.names().await.unwrap().len(), 2);

        // Names are ids, never paths; deleting twice is fine.
        assert!(store.create("../../etc/passwd").await.is_err());
        store.delete(&name).await.unwrap();
        store.delete(&name).await.unwrap();
        store.delete(&small).await.unwrap();
        assert!(store.names().await.unwrap().is_empty());
    }

    /// Re-encryption on either backend: old objects move to the current key in place, in
    /// content and name; a second run changes nothing; a damaged one is left as it was.
    async fn reencryption_moves_objects_to_the_current_key(before: FileStore, after: FileStore) {
        let plain = b"%PDF-1.7 ancien titre de sejour ".repeat(5000);
        let (old, tiny, damaged) = (
            uuid::Uuid::now_v7().to_string(),
            uuid::Uuid::now_v7().to_string(),
            uuid::Uuid::now_v7().to_string(),
        );
        put(&before, &old, &plain).await;
        put(&before, &tiny, b"").await;
        put(&before, &damaged, b"%PDF-1.7 abime").await;
        // The damaged one: its last byte flipped (written raw through a key-less copy).
        let mut bytes = before.stored_bytes(&damaged).await.unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let mut raw = before.backend.create(&damaged).await.unwrap();
        raw.write(&bytes).await.unwrap();
        raw.finish().await.unwrap();

        for name in [&old, &tiny] {
            assert_eq!(after.reencrypt(name).await.unwrap(), Reencrypted::Done);
            assert_eq!(crypt::key_id_of(&after.stored_bytes(name).await.unwrap()), Some("k2"));
            assert_eq!(after.reencrypt(name).await.unwrap(), Reencrypted::AlreadyCurrent);
        }
        assert_eq!(after.read_all(&old).await.unwrap(), plain);
        assert_eq!(after.read_all(&tiny).await.unwrap(), b"");
        // Readable with the new key alone: the old one can go.
        let only_new = FileStore { backend: after.backend.clone(), keys: Arc::new(keys("k2", 9)) };
        assert_eq!(only_new.read_all(&old).await.unwrap(), plain);
        // The damaged object: an error, and it is left untouched under its old key.
        assert!(after.reencrypt(&damaged).await.is_err());
        assert_eq!(after.stored_bytes(&damaged).await.unwrap(), bytes);
        // A missing object says so.
        let e = after.reencrypt(&uuid::Uuid::now_v7().to_string()).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(after.names().await.unwrap().len(), 3, "no stray object");
    }

    fn rotated() -> FileKeys {
        FileKeys::parse(&SecretString::from(format!(
            "k2:{},k1:{}",
            hex::encode([9u8; 32]),
            hex::encode([3u8; 32])
        )))
        .unwrap()
    }

    #[tokio::test]
    async fn reencryption_moves_local_objects_to_the_current_key() {
        let root = scratch();
        let before = FileStore::local(&root, keys("k1", 3)).unwrap();
        let after = FileStore::local(&root, rotated()).unwrap();
        reencryption_moves_objects_to_the_current_key(before, after).await;
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reencryption_moves_s3_objects_to_the_current_key() {
        let Some(config) = s3::testing::config("files::reencryption_on_s3") else { return };
        let before = FileStore::s3(&config, keys("k1", 3)).unwrap();
        let after = FileStore::s3(&config, rotated()).unwrap();
        reencryption_moves_objects_to_the_current_key(before, after).await;
        assert_eq!(s3::testing::open_uploads(&config).await, 0, "the failed rewrite was aborted");
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
        assert_eq!(store.stored_bytes(&name).await.unwrap(), on_disk);
        assert_eq!(store.names().await.unwrap(), vec![name.clone()]);
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
