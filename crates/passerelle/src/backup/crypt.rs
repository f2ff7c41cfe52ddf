//! The encryption of backup files: a key derived from the configured backup key, and each file
//! sealed in 64 KiB chunks with XChaCha20-Poly1305 in the STREAM construction, so a file of any
//! size goes through a fixed amount of memory and any change, reordering, truncation or
//! extension of its chunks is detected.
//!
//! A sealed file is `MAGIC ‖ nonce prefix (19 bytes) ‖ chunk…`; every chunk but the last holds
//! exactly [`CHUNK`] bytes of plaintext and its 16-byte tag, the last one fewer (possibly none),
//! and is sealed with STREAM's "last" flag, so a file cut at a chunk boundary does not open.

use std::io::{self, Read, Write};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The first bytes of every sealed file: what it is, and the version of this layout.
pub const MAGIC: &[u8; 8] = b"PSRLBK\x00\x01";
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
/// XChaCha20-Poly1305's 24-byte nonce less STREAM-BE32's 4-byte counter and 1-byte last flag.
const PREFIX: usize = 19;

/// How the master key is derived from the configured backup key; kept in the manifest so a
/// backup stays readable when the defaults change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDerivation {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// Random per backup, hex.
    pub salt: String,
}

impl KeyDerivation {
    /// Argon2id at 64 MiB and 3 passes (about a quarter of a second): an administrator may
    /// have chosen a passphrase rather than random bytes, and a stolen backup should not make
    /// guessing it cheap.
    pub fn fresh() -> KeyDerivation {
        let salt: [u8; 16] = rand::random();
        KeyDerivation {
            algorithm: "argon2id".into(),
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
            salt: hex::encode(salt),
        }
    }
}

/// The keys of one backup.
pub struct Keys {
    file: [u8; 32],
    mac: [u8; 32],
}

/// Why a sealed file did not open.
#[derive(Debug)]
pub enum OpenError {
    Io(io::Error),
    /// It does not start as a sealed backup file does.
    NotSealed,
    /// A chunk failed authentication: changed, reordered, cut short or extended, or sealed for
    /// another file or backup.
    Altered,
}

impl From<io::Error> for OpenError {
    fn from(e: io::Error) -> Self {
        OpenError::Io(e)
    }
}

impl Keys {
    /// Derives the backup's keys. Refuses derivation settings out of reason, so a forged
    /// manifest cannot make a restore spend gigabytes or hours before failing.
    pub fn derive(secret: &SecretString, kdf: &KeyDerivation) -> Result<Keys, String> {
        let salt = hex::decode(&kdf.salt).map_err(|_| "its salt is not hexadecimal".to_owned())?;
        if kdf.algorithm != "argon2id"
            || !(8 * 1024..=1024 * 1024).contains(&kdf.memory_kib)
            || !(1..=20).contains(&kdf.iterations)
            || !(1..=8).contains(&kdf.parallelism)
            || !(8..=64).contains(&salt.len())
        {
            return Err("its key derivation settings are not ones Passerelle writes".into());
        }
        let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
            .map_err(|e| format!("key derivation: {e}"))?;
        let mut master = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret.expose_secret().as_bytes(), &salt, &mut master)
            .map_err(|e| format!("key derivation: {e}"))?;
        // One key per purpose, so the encryption key never doubles as the MAC key.
        let hk = hkdf::Hkdf::<Sha256>::new(None, &master);
        let mut keys = Keys { file: [0; 32], mac: [0; 32] };
        hk.expand(b"passerelle-backup-v1 file encryption", &mut keys.file)
            .and_then(|()| {
                hk.expand(b"passerelle-backup-v1 manifest authentication", &mut keys.mac)
            })
            .map_err(|e| format!("key derivation: {e}"))?;
        Ok(keys)
    }

    fn hmac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.mac).expect("HMAC takes keys of any length")
    }

    /// The manifest's authentication tag, hex.
    pub fn sign(&self, manifest: &[u8]) -> String {
        let mut mac = self.hmac();
        mac.update(b"manifest|");
        mac.update(manifest);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `tag` authenticates `manifest` (compared in constant time).
    pub fn verify(&self, manifest: &[u8], tag: &str) -> bool {
        let Ok(tag) = hex::decode(tag.trim()) else { return false };
        let mut mac = self.hmac();
        mac.update(b"manifest|");
        mac.update(manifest);
        mac.verify_slice(&tag).is_ok()
    }

    /// A value that tells a wrong key from an altered manifest: the same for the same key and
    /// salt, and revealing nothing about either.
    pub fn key_check(&self) -> String {
        let mut mac = self.hmac();
        mac.update(b"key-check");
        hex::encode(mac.finalize().into_bytes())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.file))
    }

    /// Seals everything `input` yields into `output`; `aad` binds the file to its name and
    /// backup. Returns the number of plaintext bytes.
    pub fn seal(
        &self,
        aad: &[u8],
        mut input: impl Read,
        mut output: impl Write,
    ) -> io::Result<u64> {
        let prefix: [u8; PREFIX] = rand::random();
        output.write_all(MAGIC)?;
        output.write_all(&prefix)?;
        let mut stream = EncryptorBE32::from_aead(self.cipher(), prefix.as_slice().into());
        let mut buf = vec![0u8; CHUNK];
        let mut total = 0u64;
        loop {
            let n = read_full(&mut input, &mut buf)?;
            total += n as u64;
            let payload = Payload { msg: &buf[..n], aad };
            if n == CHUNK {
                let sealed = stream.encrypt_next(payload).map_err(|_| too_long())?;
                output.write_all(&sealed)?;
            } else {
                let sealed = stream.encrypt_last(payload).map_err(|_| too_long())?;
                output.write_all(&sealed)?;
                return Ok(total);
            }
        }
    }

    /// Opens what [`Keys::seal`] wrote, writing the plaintext to `output` chunk by chunk as each
    /// is authenticated. Returns the number of plaintext bytes.
    pub fn open(
        &self,
        aad: &[u8],
        mut input: impl Read,
        mut output: impl Write,
    ) -> Result<u64, OpenError> {
        let mut head = [0u8; MAGIC.len() + PREFIX];
        if read_full(&mut input, &mut head)? < head.len() || &head[..MAGIC.len()] != MAGIC {
            return Err(OpenError::NotSealed);
        }
        let mut stream = DecryptorBE32::from_aead(self.cipher(), head[MAGIC.len()..].into());
        let mut buf = vec![0u8; CHUNK + TAG];
        let mut total = 0u64;
        loop {
            let n = read_full(&mut input, &mut buf)?;
            let payload = Payload { msg: &buf[..n], aad };
            if n == CHUNK + TAG {
                let plain = stream.decrypt_next(payload).map_err(|_| OpenError::Altered)?;
                total += plain.len() as u64;
                output.write_all(&plain)?;
            } else {
                let plain = stream.decrypt_last(payload).map_err(|_| OpenError::Altered)?;
                total += plain.len() as u64;
                output.write_all(&plain)?;
                // Nothing may follow the last chunk.
                let mut extra = [0u8; 1];
                if input.read(&mut extra)? != 0 {
                    return Err(OpenError::Altered);
                }
                return Ok(total);
            }
        }
    }
}

fn too_long() -> io::Error {
    io::Error::other("the file is too large for one backup stream (256 TiB)")
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str, kdf: &KeyDerivation) -> Keys {
        Keys::derive(&SecretString::from(secret.to_owned()), kdf).unwrap()
    }

    /// Cheap settings: the tests are about the layout, not the cost.
    fn cheap() -> KeyDerivation {
        KeyDerivation { memory_kib: 8 * 1024, iterations: 1, ..KeyDerivation::fresh() }
    }

    fn seal(k: &Keys, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        assert_eq!(k.seal(aad, plain, &mut out).unwrap(), plain.len() as u64);
        out
    }

    fn open(k: &Keys, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let mut out = Vec::new();
        k.open(aad, sealed, &mut out).map(|_| out)
    }

    #[test]
    fn files_of_every_length_around_chunk_boundaries_come_back_whole() {
        let kdf = cheap();
        let k = keys(&"k".repeat(32), &kdf);
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&k, b"f", &plain);
            assert_eq!(sealed.len(), MAGIC.len() + PREFIX + len + (len / CHUNK + 1) * TAG);
            assert_eq!(open(&k, b"f", &sealed).unwrap(), plain, "length {len}");
        }
    }

    #[test]
    fn a_changed_cut_extended_or_moved_file_does_not_open() {
        let kdf = cheap();
        let k = keys(&"k".repeat(32), &kdf);
        let plain = vec![7u8; 2 * CHUNK + 5];
        let sealed = seal(&k, b"database", &plain);
        let mut flipped = sealed.clone();
        flipped[MAGIC.len() + PREFIX + CHUNK + 3] ^= 1;
        assert!(matches!(open(&k, b"database", &flipped), Err(OpenError::Altered)));
        // Cut exactly after a full chunk: what remains is authentic but not a last chunk.
        let cut = &sealed[..MAGIC.len() + PREFIX + 2 * (CHUNK + TAG)];
        assert!(matches!(open(&k, b"database", cut), Err(OpenError::Altered)));
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(matches!(open(&k, b"database", &longer), Err(OpenError::Altered)));
        // The same bytes presented as another file of the backup.
        assert!(matches!(open(&k, b"secret-key", &sealed), Err(OpenError::Altered)));
        assert!(matches!(open(&k, b"database", b"SQLite format 3\0"), Err(OpenError::NotSealed)));
    }

    #[test]
    fn another_key_or_salt_opens_nothing_and_is_told_apart_by_the_key_check() {
        let kdf = cheap();
        let k = keys(&"k".repeat(32), &kdf);
        let sealed = seal(&k, b"f", b"secret");
        let other = keys(&"x".repeat(32), &kdf);
        assert!(matches!(open(&other, b"f", &sealed), Err(OpenError::Altered)));
        assert_ne!(k.key_check(), other.key_check());
        assert_eq!(k.key_check(), keys(&"k".repeat(32), &kdf).key_check());
        let resalted = keys(&"k".repeat(32), &KeyDerivation { salt: cheap().salt, ..kdf });
        assert_ne!(k.key_check(), resalted.key_check());
    }

    #[test]
    fn the_manifest_tag_covers_every_byte() {
        let k = keys(&"k".repeat(32), &cheap());
        let tag = k.sign(b"{\"files\":[]}");
        assert!(k.verify(b"{\"files\":[]}", &tag));
        assert!(!k.verify(b"{\"files\":[] }", &tag));
        assert!(!k.verify(b"{\"files\":[]}", "00"));
    }

    #[test]
    fn derivation_settings_out_of_reason_are_refused() {
        let secret = SecretString::from("k".repeat(32));
        let huge = KeyDerivation { memory_kib: 64 * 1024 * 1024, ..cheap() };
        assert!(Keys::derive(&secret, &huge).is_err());
        let other = KeyDerivation { algorithm: "pbkdf2".into(), ..cheap() };
        assert!(Keys::derive(&secret, &other).is_err());
    }
}
