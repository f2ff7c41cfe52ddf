//! The documents' files in a backup, when they are kept in the data folder (`<data dir>/files`):
//! every object as it is stored (already encrypted with the file key), one after the other in
//! one archive that the backup then seals like the database. A bucket is not copied: its
//! versioning or replication is its backup (ADR 0025).
//!
//! The archive, before sealing:
//!
//! ```text
//! "PSLFILES1" | (name length (1) | name | size (8, big-endian) | bytes)* | 0
//! ```
//!
//! The files are read after the database was copied, so every document of the copy has its
//! file (files are only ever added, or replaced whole by a re-encryption); a file added since
//! is an object no row names, which is harmless.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use files::store::{LocalDir, valid_name};

use super::crypt::Keys;
use super::manifest::{self, Manifest};

const MAGIC: &[u8] = b"PSLFILES1";

/// The archive of a local store's objects, produced as it is read.
pub struct Archive {
    dir: LocalDir,
    pending: VecDeque<String>,
    head: io::Cursor<Vec<u8>>,
    body: Option<io::Take<File>>,
    ended: bool,
    /// Objects written so far.
    pub count: u64,
}

impl Archive {
    /// The objects in `root` as they are now.
    pub fn of(root: &Path) -> io::Result<Archive> {
        let dir = LocalDir::new(root)?;
        let pending = dir.names()?.into();
        Ok(Archive {
            dir,
            pending,
            head: io::Cursor::new(MAGIC.to_vec()),
            body: None,
            ended: false,
            count: 0,
        })
    }
}

impl Read for Archive {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.head.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if let Some(body) = &mut self.body {
                let n = body.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                if body.limit() > 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "a document's file shrank while it was being copied",
                    ));
                }
                self.body = None;
            }
            let Some(name) = self.pending.pop_front() else {
                if self.ended {
                    return Ok(0);
                }
                self.ended = true;
                self.head = io::Cursor::new(vec![0]);
                continue;
            };
            let file = match File::open(self.dir.path(&name)?) {
                Ok(f) => f,
                // Gone since the folder was listed: no document of the copy can name it.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let size = file.metadata()?.len();
            let mut head = vec![name.len() as u8];
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(&size.to_be_bytes());
            self.head = io::Cursor::new(head);
            self.body = Some(file.take(size));
            self.count += 1;
        }
    }
}

/// Reads an archive as it is written into it, and writes its objects into a local store's
/// folder, or, without a folder, only checks it is whole and well formed.
pub struct Extractor {
    dir: Option<LocalDir>,
    state: State,
    buf: Vec<u8>,
    /// Objects read so far.
    pub count: u64,
}

enum State {
    Magic,
    NameLength,
    Name(usize),
    Size(String),
    Body { out: Option<File>, left: u64 },
    Ended,
}

fn malformed(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("the documents' archive {why}"))
}

impl Extractor {
    /// Into `root` (created, readable by its owner only), or only checked when `None`.
    pub fn new(root: Option<&Path>) -> io::Result<Extractor> {
        let dir = root.map(LocalDir::new).transpose()?;
        Ok(Extractor { dir, state: State::Magic, buf: Vec::new(), count: 0 })
    }

    /// Whether the archive ended where it should.
    pub fn finish(self) -> io::Result<u64> {
        match self.state {
            State::Ended => Ok(self.count),
            _ => Err(malformed("is cut short")),
        }
    }

    fn create(&self, name: &str) -> io::Result<Option<File>> {
        let Some(dir) = &self.dir else { return Ok(None) };
        let path: PathBuf = dir.path(name)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path).map(Some)
    }

    /// The length of the header field being read.
    fn field_len(&self) -> usize {
        match &self.state {
            State::Magic => MAGIC.len(),
            State::NameLength => 1,
            State::Name(len) => *len,
            State::Size(_) => 8,
            State::Body { .. } | State::Ended => 0,
        }
    }

    /// The state after a complete header field.
    fn advance(&mut self, field: Vec<u8>) -> io::Result<()> {
        let state = std::mem::replace(&mut self.state, State::Ended);
        self.state = match state {
            State::Magic if field == MAGIC => State::NameLength,
            State::Magic => return Err(malformed("is not one")),
            State::NameLength if field[0] == 0 => State::Ended,
            State::NameLength => State::Name(field[0] as usize),
            State::Name(_) => {
                let name = String::from_utf8(field).map_err(|_| malformed("names no object"))?;
                if !valid_name(&name) {
                    return Err(malformed("names no object"));
                }
                State::Size(name)
            }
            State::Size(name) => {
                let left = u64::from_be_bytes(field.try_into().expect("8 bytes"));
                let out = self.create(&name)?;
                self.count += 1;
                if left == 0 { State::NameLength } else { State::Body { out, left } }
            }
            State::Body { .. } | State::Ended => unreachable!("no header field here"),
        };
        Ok(())
    }
}

impl Write for Extractor {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            match &mut self.state {
                State::Ended => return Err(malformed("goes on after its end")),
                State::Body { out, left } => {
                    let n = (*left).min(rest.len() as u64) as usize;
                    if let Some(out) = out {
                        out.write_all(&rest[..n])?;
                    }
                    *left -= n as u64;
                    rest = &rest[n..];
                    if *left == 0 {
                        if let Some(out) = out.take() {
                            out.sync_all()?;
                        }
                        self.state = State::NameLength;
                    }
                }
                _ => {
                    let want = self.field_len() - self.buf.len();
                    let n = want.min(rest.len());
                    self.buf.extend_from_slice(&rest[..n]);
                    rest = &rest[n..];
                    if self.buf.len() == self.field_len() {
                        let field = std::mem::take(&mut self.buf);
                        self.advance(field)?;
                    }
                }
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Puts the documents' files back into the (empty) files folder.
pub(super) fn restore(
    keys: &Keys,
    manifest: &Manifest,
    from: &Path,
    root: &Path,
) -> Result<u64, String> {
    let fail =
        |e: io::Error| format!("cannot restore the documents' files in {}: {e}", root.display());
    let mut extractor = Extractor::new(Some(root)).map_err(fail)?;
    let (_, size, sha256) =
        super::open_sealed(keys, manifest, from, manifest::FILES_ARCHIVE, &mut extractor)?;
    super::verify_again(manifest, manifest::FILES_ARCHIVE, size, &sha256)?;
    extractor.finish().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_carries_every_object_and_is_checked_whole() {
        let source = tempfile::tempdir().unwrap();
        let dir = LocalDir::new(source.path()).unwrap();
        let names: Vec<String> = (0..3).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        for (i, name) in names.iter().enumerate() {
            let path = dir.path(name).unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, vec![i as u8 + 1; 70_000 * i]).unwrap();
        }
        let mut archive = Archive::of(source.path()).unwrap();
        let mut bytes = Vec::new();
        archive.read_to_end(&mut bytes).unwrap();
        assert_eq!(archive.count, 3);

        for piece in [1, 7, 4096, bytes.len()] {
            let target = tempfile::tempdir().unwrap();
            let mut x = Extractor::new(Some(&target.path().join("files"))).unwrap();
            for part in bytes.chunks(piece) {
                x.write_all(part).unwrap();
            }
            assert_eq!(x.finish().unwrap(), 3, "{piece}");
            let restored = LocalDir::new(&target.path().join("files")).unwrap();
            assert_eq!(restored.names().unwrap(), {
                let mut n = names.clone();
                n.sort();
                n
            });
            for (i, name) in names.iter().enumerate() {
                assert_eq!(
                    std::fs::read(restored.path(name).unwrap()).unwrap(),
                    vec![i as u8 + 1; 70_000 * i]
                );
            }
        }
        // Cut short, or with a path for a name: refused.
        let mut x = Extractor::new(None).unwrap();
        x.write_all(&bytes[..bytes.len() - 1]).unwrap();
        assert!(x.finish().is_err());
        let mut evil = MAGIC.to_vec();
        evil.push(14);
        evil.extend_from_slice(b"../../etc/cron");
        assert!(Extractor::new(None).unwrap().write_all(&evil).is_err());
    }
}
