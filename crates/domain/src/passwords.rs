//! Password hashing with Argon2id. CPU-bound: callers on an async runtime run these on a
//! blocking thread.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashParams {
    /// OWASP's recommended minimum for Argon2id (19 MiB, 2 iterations, 1 lane): the default.
    pub const OWASP: HashParams =
        HashParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };

    fn argon2(self) -> Argon2<'static> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .expect("parameters are validated by the configuration");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Whether these parameters are accepted by Argon2 (memory ≥ 8 × lanes KiB, ≥ 1 iteration).
    pub fn is_valid(self) -> bool {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None).is_ok()
    }
}

/// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of a password with a fresh salt.
pub fn hash_password(password: &str, params: HashParams) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    params
        .argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches the stored hash, with the parameters recorded in the hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashParams = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    #[test]
    fn a_password_verifies_against_its_hash_and_no_other() {
        let h = hash_password("pont-levis tranquille", CHEAP);
        assert!(h.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{h}");
        assert!(verify_password("pont-levis tranquille", &h));
        assert!(!verify_password("pont-levis tranquillE", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("pont-levis tranquille", CHEAP), "salts differ");
    }

    #[test]
    fn the_production_default_follows_owasp() {
        assert_eq!(
            HashParams::OWASP,
            HashParams { memory_kib: 19456, iterations: 2, parallelism: 1 }
        );
        let h = hash_password("anything at all", HashParams::OWASP);
        assert!(h.contains("$m=19456,t=2,p=1$"), "{h}");
    }
}
