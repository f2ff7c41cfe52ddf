//! The keys files are encrypted with: one or more, each with an id that every stored object
//! names in its header, so that a new key can be brought in for new files while the old ones
//! stay readable (rotation, see the admin guide).
//!
//! Configured as `PASSERELLE_FILE_KEY` (or the file `PASSERELLE_FILE_KEY_FILE` names): keys
//! separated by commas or new lines, each `id:64 hex digits` (32 bytes); the first one encrypts
//! new files, all of them decrypt. Never the session secret: a leaked session secret must not
//! open the files, and the files' key must be rotatable on its own.

use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use thiserror::Error;

/// The longest key id (it is written in every object's header).
pub const MAX_KEY_ID_LEN: usize = 32;

/// A refused key configuration. Never holds a key's value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("no key: expected one or more id:64-hex-digit keys separated by commas")]
    Empty,
    #[error(
        "key number {0}: expected id:key, with an id of letters, digits, '-' or '_' (at most 32) and a key of 64 hexadecimal digits (generate one with: openssl rand -hex 32)"
    )]
    Malformed(usize),
    #[error("key id {0:?} is given twice")]
    Duplicate(String),
}

/// The configured keys.
pub struct FileKeys {
    current: String,
    keys: HashMap<String, SecretBox<[u8; 32]>>,
}

impl std::fmt::Debug for FileKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("FileKeys").field("current", &self.current).field("ids", &ids).finish()
    }
}

/// Whether `id` is a well-formed key id.
pub fn valid_key_id(id: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl FileKeys {
    /// Parses the configured text (see the module's documentation).
    pub fn parse(text: &SecretString) -> Result<FileKeys, KeyError> {
        let mut current = None;
        let mut keys = HashMap::new();
        let entries = text
            .expose_secret()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate();
        for (i, entry) in entries {
            let (id, hex_key) = entry.split_once(':').ok_or(KeyError::Malformed(i + 1))?;
            let (id, hex_key) = (id.trim(), hex_key.trim());
            let mut key = [0u8; 32];
            if !valid_key_id(id) || hex::decode_to_slice(hex_key, &mut key).is_err() {
                return Err(KeyError::Malformed(i + 1));
            }
            if keys.insert(id.to_owned(), SecretBox::new(Box::new(key))).is_some() {
                return Err(KeyError::Duplicate(id.to_owned()));
            }
            current.get_or_insert_with(|| id.to_owned());
        }
        let current = current.ok_or(KeyError::Empty)?;
        Ok(FileKeys { current, keys })
    }

    /// A fresh key configuration with one random key named `id`, as text (what a new data
    /// folder keeps when no key is configured, like the instance's secret key).
    pub fn generate_text(id: &str) -> SecretString {
        let key: [u8; 32] = rand::random();
        SecretString::from(format!("{id}:{}", hex::encode(key)))
    }

    /// The id new files are encrypted with.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    pub(crate) fn current(&self) -> (&str, &[u8; 32]) {
        (&self.current, self.keys[&self.current].expose_secret())
    }

    pub(crate) fn get(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.get(id).map(|k| k.expose_secret())
    }

    /// Every configured key id, sorted.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn keys_parse_with_ids_the_first_encrypting() {
        let a = "a".repeat(64);
        let b = "0123456789abcdef".repeat(4);
        let keys = FileKeys::parse(&text(&format!("2026b:{b},\n 2026a:{a}\n"))).unwrap();
        assert_eq!(keys.current_id(), "2026b");
        assert_eq!(keys.ids(), vec!["2026a", "2026b"]);
        assert_eq!(keys.get("2026a").unwrap(), &[0xaa; 32]);
        assert!(keys.get("2025").is_none());
        let debug = format!("{keys:?}");
        assert!(!debug.contains(&a) && !debug.contains(&b), "{debug}");
    }

    #[test]
    fn malformed_keys_are_refused_without_being_echoed() {
        let a = "a".repeat(64);
        for (bad, err) in [
            ("", KeyError::Empty),
            (" , ", KeyError::Empty),
            (a.as_str(), KeyError::Malformed(1)),
            (&format!("k1:{}", &a[..62]), KeyError::Malformed(1)),
            (&format!("k1:{a},k 2:{a}"), KeyError::Malformed(2)),
            (&format!("k1:{}zz", &a[..62]), KeyError::Malformed(1)),
            (&format!("k1:{a},k1:{a}"), KeyError::Duplicate("k1".into())),
        ] {
            let e = FileKeys::parse(&text(bad)).unwrap_err();
            assert_eq!(e, err, "{bad}");
            assert!(!e.to_string().contains(&a[..20]));
        }
        let generated = FileKeys::generate_text("local-1");
        let keys = FileKeys::parse(&generated).unwrap();
        assert_eq!(keys.current_id(), "local-1");
    }
}
