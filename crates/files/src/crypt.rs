//! Encryption at rest: XChaCha20-Poly1305 in the STREAM construction (`aead::stream`, big-endian
//! 32-bit counter with a last-chunk flag), 64 KiB of plaintext per chunk, so that memory stays
//! flat whatever the size of a file, every chunk is authenticated before any of its bytes is
//! released, and a file cut short, reordered or spliced from another fails.
//!
//! An object is a header, then the chunks:
//!
//! ```text
//! "PSLF" | version (1) | key id length (1) | key id | nonce prefix (19 random bytes)
//! chunk 0 (65,536 + 16 bytes) | chunk 1 | … | last chunk (0 to 65,536 + 16 bytes)
//! ```
//!
//! Every chunk's associated data is the header and the object's name, so a header changed to
//! name another key, or an object copied under another document's name, does not decrypt.

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use thiserror::Error;

use crate::keys::FileKeys;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// The authentication tag of each chunk.
pub const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"PSLF";
const VERSION: u8 = 1;
const NONCE_PREFIX: usize = 19;

/// Why an object could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptError {
    #[error("not an encrypted object of this format")]
    NotAnObject,
    #[error("the object names key {0:?}, which is not configured")]
    UnknownKey(String),
    #[error("the object was altered, cut short or made with another key")]
    Tampered,
}

fn aad(header: &[u8], name: &str) -> Vec<u8> {
    let mut aad = header.to_vec();
    aad.extend_from_slice(name.as_bytes());
    aad
}

/// Encrypts one object, chunk by chunk: [`Encryptor::header`] first, then what
/// [`Encryptor::update`] and [`Encryptor::finish`] return, in order.
pub struct Encryptor {
    stream: Option<EncryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    header: Vec<u8>,
    pending: Vec<u8>,
}

impl Encryptor {
    /// Starts an object named `name` under the current key.
    pub fn new(keys: &FileKeys, name: &str) -> Encryptor {
        let (id, key) = keys.current();
        let prefix: [u8; NONCE_PREFIX] = rand::random();
        let mut header = MAGIC.to_vec();
        header.push(VERSION);
        header.push(id.len() as u8);
        header.extend_from_slice(id.as_bytes());
        header.extend_from_slice(&prefix);
        let aead = XChaCha20Poly1305::new(key.into());
        let stream = EncryptorBE32::from_aead(aead, prefix.as_slice().into());
        Encryptor {
            stream: Some(stream),
            aad: aad(&header, name),
            header,
            pending: Vec::with_capacity(CHUNK + 1),
        }
    }

    /// The header, written before any chunk.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Takes plaintext; returns the ciphertext of the chunks it completed (maybe none). A
    /// chunk is sealed only once a byte beyond it arrives, so the last one is always sealed as
    /// last by [`Encryptor::finish`].
    pub fn update(&mut self, mut plaintext: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !plaintext.is_empty() {
            if self.pending.len() == CHUNK {
                let stream = self.stream.as_mut().expect("not finished");
                let sealed = stream
                    .encrypt_next(Payload { msg: &self.pending, aad: &self.aad })
                    .expect("encryption of a chunk cannot fail");
                out.extend_from_slice(&sealed);
                self.pending.clear();
            }
            let take = (CHUNK - self.pending.len()).min(plaintext.len());
            self.pending.extend_from_slice(&plaintext[..take]);
            plaintext = &plaintext[take..];
        }
        out
    }

    /// Seals the last chunk (possibly empty).
    pub fn finish(mut self) -> Vec<u8> {
        let stream = self.stream.take().expect("not finished");
        stream
            .encrypt_last(Payload { msg: &self.pending, aad: &self.aad })
            .expect("encryption of a chunk cannot fail")
    }
}

/// Decrypts one object as its bytes arrive: [`Decryptor::update`] returns the plaintext of
/// each chunk once it is authenticated; [`Decryptor::finish`] checks the last one.
pub struct Decryptor {
    state: DecryptState,
    name: String,
    buffer: Vec<u8>,
}

enum DecryptState {
    /// The header is not all here yet.
    Header,
    Body {
        stream: Option<DecryptorBE32<XChaCha20Poly1305>>,
        aad: Vec<u8>,
        key_id: String,
    },
}

impl Decryptor {
    /// A decryptor for the object named `name`.
    pub fn new(name: &str) -> Decryptor {
        Decryptor { state: DecryptState::Header, name: name.to_owned(), buffer: Vec::new() }
    }

    /// Takes the next bytes of the object; returns plaintext authenticated so far.
    pub fn update(&mut self, keys: &FileKeys, bytes: &[u8]) -> Result<Vec<u8>, CryptError> {
        self.buffer.extend_from_slice(bytes);
        if let DecryptState::Header = self.state {
            let Some((header_len, stream)) = self.read_header(keys)? else {
                return Ok(Vec::new());
            };
            let aad = aad(&self.buffer[..header_len], &self.name);
            let key_id = key_id_of(&self.buffer[..header_len]).unwrap_or_default().to_owned();
            self.buffer.drain(..header_len);
            self.state = DecryptState::Body { stream: Some(stream), aad, key_id };
        }
        let DecryptState::Body { stream, aad, .. } = &mut self.state else { unreachable!() };
        let mut out = Vec::new();
        // A full chunk is known not to be the last only once a byte beyond it is here.
        while self.buffer.len() > CHUNK + TAG {
            let stream = stream.as_mut().ok_or(CryptError::Tampered)?;
            let plain = stream
                .decrypt_next(Payload { msg: &self.buffer[..CHUNK + TAG], aad })
                .map_err(|_| CryptError::Tampered)?;
            out.extend_from_slice(&plain);
            self.buffer.drain(..CHUNK + TAG);
        }
        Ok(out)
    }

    /// The header's length and the stream it opens, once it is all here.
    #[allow(clippy::type_complexity)] // One use, read right below.
    fn read_header(
        &self,
        keys: &FileKeys,
    ) -> Result<Option<(usize, DecryptorBE32<XChaCha20Poly1305>)>, CryptError> {
        let b = &self.buffer;
        if b.len() < 6 {
            return Ok(None);
        }
        if &b[..4] != MAGIC || b[4] != VERSION {
            return Err(CryptError::NotAnObject);
        }
        let id_len = b[5] as usize;
        let len = 6 + id_len + NONCE_PREFIX;
        if b.len() < len {
            return Ok(None);
        }
        let id = std::str::from_utf8(&b[6..6 + id_len]).map_err(|_| CryptError::NotAnObject)?;
        let key = keys.get(id).ok_or_else(|| CryptError::UnknownKey(id.to_owned()))?;
        let aead = XChaCha20Poly1305::new(key.into());
        let prefix = &b[6 + id_len..len];
        Ok(Some((len, DecryptorBE32::from_aead(aead, prefix.into()))))
    }

    /// The id of the key the object's header names, once the header is read.
    pub fn key_id(&self) -> Option<&str> {
        match &self.state {
            DecryptState::Header => None,
            DecryptState::Body { key_id, .. } => Some(key_id),
        }
    }

    /// Checks and decrypts the last chunk: the object must end here.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptError> {
        let DecryptState::Body { stream, aad, .. } = &mut self.state else {
            return Err(if self.buffer.is_empty() {
                CryptError::Tampered
            } else {
                CryptError::NotAnObject
            });
        };
        let stream = stream.take().ok_or(CryptError::Tampered)?;
        stream.decrypt_last(Payload { msg: &self.buffer, aad }).map_err(|_| CryptError::Tampered)
    }
}

/// The id of the key an object's header names, without decrypting it (to see what a key
/// rotation leaves to re-encrypt).
pub fn key_id_of(header: &[u8]) -> Option<&str> {
    if header.len() < 6 || &header[..4] != MAGIC {
        return None;
    }
    let id_len = header[5] as usize;
    header.get(6..6 + id_len).and_then(|id| std::str::from_utf8(id).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn keys(text: &str) -> FileKeys {
        FileKeys::parse(&SecretString::from(text.to_owned())).unwrap()
    }

    fn k(id: &str, byte: u8) -> String {
        format!("{id}:{}", hex::encode([byte; 32]))
    }

    fn encrypt(keys: &FileKeys, name: &str, plain: &[u8], piece: usize) -> Vec<u8> {
        let mut e = Encryptor::new(keys, name);
        let mut out = e.header().to_vec();
        for part in plain.chunks(piece.max(1)) {
            out.extend(e.update(part));
        }
        out.extend(e.finish());
        out
    }

    fn decrypt(
        keys: &FileKeys,
        name: &str,
        sealed: &[u8],
        piece: usize,
    ) -> Result<Vec<u8>, CryptError> {
        let mut d = Decryptor::new(name);
        let mut out = Vec::new();
        for part in sealed.chunks(piece.max(1)) {
            out.extend(d.update(keys, part)?);
        }
        out.extend(d.finish()?);
        Ok(out)
    }

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn objects_round_trip_whatever_their_size_and_how_they_arrive() {
        let keys = keys(&k("k1", 7));
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plain = sample(len);
            for piece in [1000, CHUNK, 7 * CHUNK] {
                let sealed = encrypt(&keys, "obj", &plain, piece);
                let chunks = len.div_ceil(CHUNK).max(1);
                assert_eq!(sealed.len(), 27 + len + TAG * chunks, "{len}");
                for dpiece in [1, 4096, CHUNK + TAG + 1, sealed.len()] {
                    if len > CHUNK && dpiece == 1 {
                        continue; // slow, and covered by the small sizes
                    }
                    assert_eq!(
                        decrypt(&keys, "obj", &sealed, dpiece).unwrap(),
                        plain,
                        "{len} {piece} {dpiece}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_stored_bytes_are_not_the_plaintext_and_differ_each_time() {
        let keys = keys(&k("k1", 7));
        let plain = b"%PDF-1.7 titre de sejour de Mme Amel Haddad".repeat(100);
        let a = encrypt(&keys, "obj", &plain, 100);
        let b = encrypt(&keys, "obj", &plain, 100);
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(8).any(|w| w == b"Haddad d" || w == b"%PDF-1.7"));
        assert_eq!(key_id_of(&a), Some("k1"));
    }

    #[test]
    fn tampering_truncation_another_name_or_another_key_is_detected() {
        let keys1 = keys(&k("k1", 7));
        let plain = sample(2 * CHUNK + 100);
        let sealed = encrypt(&keys1, "obj", &plain, CHUNK);
        // A flipped bit anywhere: header, first chunk, last chunk.
        for at in [8, 40, CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert!(decrypt(&keys1, "obj", &bad, 4096).is_err(), "flip at {at}");
        }
        // Cut at a chunk boundary, or anywhere.
        let header = 4 + 2 + 2 + 19;
        for len in [header + CHUNK + TAG, header + 2 * (CHUNK + TAG), sealed.len() - 1, header] {
            assert_eq!(
                decrypt(&keys1, "obj", &sealed[..len], 4096),
                Err(CryptError::Tampered),
                "cut at {len}"
            );
        }
        // Chunks swapped.
        let mut swapped = sealed[..header].to_vec();
        swapped.extend_from_slice(&sealed[header + CHUNK + TAG..header + 2 * (CHUNK + TAG)]);
        swapped.extend_from_slice(&sealed[header..header + CHUNK + TAG]);
        swapped.extend_from_slice(&sealed[header + 2 * (CHUNK + TAG)..]);
        assert_eq!(decrypt(&keys1, "obj", &swapped, 4096), Err(CryptError::Tampered));
        // Copied under another object's name.
        assert_eq!(decrypt(&keys1, "other", &sealed, 4096), Err(CryptError::Tampered));
        // Another key with the same id; a key id that is not configured; not an object.
        assert_eq!(decrypt(&keys(&k("k1", 8)), "obj", &sealed, 4096), Err(CryptError::Tampered));
        assert_eq!(
            decrypt(&keys(&k("k2", 7)), "obj", &sealed, 4096),
            Err(CryptError::UnknownKey("k1".into()))
        );
        assert_eq!(
            decrypt(&keys1, "obj", b"%PDF-1.7 plain text", 4096),
            Err(CryptError::NotAnObject)
        );
    }

    #[test]
    fn after_a_rotation_new_objects_use_the_new_key_and_old_ones_stay_readable() {
        let before = keys(&k("2025", 1));
        let old = encrypt(&before, "old", b"ancien", 10);
        let after = keys(&format!("{},{}", k("2026", 2), k("2025", 1)));
        let new = encrypt(&after, "new", b"nouveau", 10);
        assert_eq!(key_id_of(&old), Some("2025"));
        assert_eq!(key_id_of(&new), Some("2026"));
        assert_eq!(decrypt(&after, "old", &old, 10).unwrap(), b"ancien");
        assert_eq!(decrypt(&after, "new", &new, 10).unwrap(), b"nouveau");
        // Once the old key is removed, its objects are refused by name, not misread.
        let retired = keys(&k("2026", 2));
        assert_eq!(decrypt(&retired, "old", &old, 10), Err(CryptError::UnknownKey("2025".into())));
    }
}
