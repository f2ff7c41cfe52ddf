//! Values derived from the instance's secret key: keyed digests (anti-forgery tokens, throttle
//! keys, recovery codes) and the encryption of secrets kept in the database (TOTP seeds).
//! Each use has its own purpose label, so one derived value can never stand for another.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// HMAC-SHA-256 of `data` under the secret key, for one `purpose`.
pub fn keyed_digest(secret: &SecretString, purpose: &str, data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"passerelle|");
    mac.update(purpose.as_bytes());
    mac.update(b"|");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn cipher(secret: &SecretString) -> XChaCha20Poly1305 {
    let key = keyed_digest(secret, "encryption-key-v1", b"");
    XChaCha20Poly1305::new(&key.into())
}

/// Encrypts with a random nonce; the result is hex `nonce ‖ ciphertext ‖ tag`.
pub fn encrypt(secret: &SecretString, plaintext: &[u8]) -> String {
    let nonce: [u8; 24] = rand::random();
    let sealed = cipher(secret)
        .encrypt(XNonce::from_slice(&nonce), plaintext)
        .expect("encryption cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    hex::encode(out)
}

/// Decrypts what [`encrypt`] produced; `None` if it was altered or made with another key.
pub fn decrypt(secret: &SecretString, sealed_hex: &str) -> Option<Vec<u8>> {
    let bytes = hex::decode(sealed_hex).ok()?;
    if bytes.len() < 24 + 16 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(24);
    cipher(secret).decrypt(XNonce::from_slice(nonce), sealed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn digests_depend_on_key_purpose_and_data() {
        let k = key("k".repeat(32).as_str());
        let d = keyed_digest(&k, "a", b"x");
        assert_eq!(d, keyed_digest(&k, "a", b"x"));
        assert_ne!(d, keyed_digest(&k, "b", b"x"));
        assert_ne!(d, keyed_digest(&k, "a", b"y"));
        assert_ne!(d, keyed_digest(&key("j".repeat(32).as_str()), "a", b"x"));
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering_or_another_key() {
        let k = key("k".repeat(32).as_str());
        let sealed = encrypt(&k, b"JBSWY3DPEHPK3PXP");
        assert_ne!(sealed, encrypt(&k, b"JBSWY3DPEHPK3PXP"), "a fresh nonce each time");
        assert_eq!(decrypt(&k, &sealed).unwrap(), b"JBSWY3DPEHPK3PXP");
        assert!(decrypt(&key("j".repeat(32).as_str()), &sealed).is_none());
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert!(decrypt(&k, std::str::from_utf8(&tampered).unwrap()).is_none());
        assert!(decrypt(&k, "zz").is_none());
    }
}
