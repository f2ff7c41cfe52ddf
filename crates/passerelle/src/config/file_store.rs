//! Where documents are kept: the data folder's `files/`, or an S3-compatible bucket named by
//! `PASSERELLE_FILE_STORE` with the `PASSERELLE_S3_*` settings (ADR 0025).

use secrecy::SecretString;

use super::{
    ConfigError, FILE_KEY, FILE_KEY_FILE, FILE_STORE, Layers, S3_ACCESS_KEY_ID, S3_ENDPOINT,
    S3_REGION, S3_SECRET_ACCESS_KEY, S3_SECRET_ACCESS_KEY_FILE, Settings, invalid,
};

/// The region when none is configured: what MinIO, Garage and most S3-compatible services take.
pub const DEFAULT_S3_REGION: &str = "us-east-1";

/// Where documents are kept (ADR 0025).
#[derive(Debug, Clone)]
pub enum FileStoreSetting {
    /// `<data dir>/files`.
    Local,
    /// A bucket shared by every app server.
    S3(files::S3Config),
}

/// The file store: the data folder unless `PASSERELLE_FILE_STORE` names a bucket, which then
/// needs its access keys and a configured file key (every server must read every file).
pub(super) fn file_store_settings(
    layers: &Layers<'_>,
    file_key_configured: bool,
) -> Result<FileStoreSetting, ConfigError> {
    let endpoint = layers.get(&S3_ENDPOINT);
    let region = layers.get(&S3_REGION);
    let key_id = layers.get(&S3_ACCESS_KEY_ID);
    let secret = layers.secret(&S3_SECRET_ACCESS_KEY, &S3_SECRET_ACCESS_KEY_FILE)?;
    let Some(store) = layers.get(&FILE_STORE).filter(|raw| !raw.value.trim().is_empty()) else {
        let stray = [&endpoint, &region, &key_id, &secret].into_iter().flatten().next();
        if let Some(raw) = stray {
            return Err(ConfigError(format!(
                "{} is set but {} is not: set {} to s3://bucket/folder to keep documents in a \
                 bucket, or remove the S3 settings",
                raw.origin, FILE_STORE.env, FILE_STORE.env
            )));
        }
        return Ok(FileStoreSetting::Local);
    };
    let (bucket, prefix) = files::S3Config::parse_location(&store.value).map_err(|why| {
        ConfigError(format!(
            "{} = {:?}: {why}; expected s3://bucket or s3://bucket/folder (leave it unset to keep \
             documents in the data folder)",
            store.origin, store.value
        ))
    })?;
    let endpoint = match endpoint {
        Some(raw) => {
            let v = raw.value.trim().trim_end_matches('/').to_owned();
            let ok = (v.starts_with("https://") || v.starts_with("http://"))
                && v.split_once("://").is_some_and(|(_, rest)| {
                    !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' '])
                });
            if !ok {
                return Err(invalid(
                    &raw,
                    "the S3 service's address, such as https://s3.fr-par.scw.cloud or http://127.0.0.1:9000 (no path: the bucket is in PASSERELLE_FILE_STORE)",
                ));
            }
            Some(v)
        }
        None => None,
    };
    let region = match region {
        Some(raw) => {
            let v = raw.value.trim().to_owned();
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(invalid(&raw, "a region name such as eu-west-3 or fr-par"));
            }
            v
        }
        None => DEFAULT_S3_REGION.to_owned(),
    };
    let (Some(key_id), Some(secret)) = (key_id, secret) else {
        return Err(ConfigError(format!(
            "{} is a bucket: {} and {} (or {}) are required",
            store.origin,
            S3_ACCESS_KEY_ID.env,
            S3_SECRET_ACCESS_KEY.env,
            S3_SECRET_ACCESS_KEY_FILE.env
        )));
    };
    if key_id.value.trim().is_empty() || secret.value.is_empty() {
        return Err(ConfigError(format!(
            "{} and {}: the access key id and its secret cannot be empty",
            key_id.origin, secret.origin
        )));
    }
    if !file_key_configured {
        return Err(ConfigError(format!(
            "{} or {} is required with a bucket ({}): every app server must encrypt and read \
             documents with the same keys",
            FILE_KEY.env, FILE_KEY_FILE.env, store.origin
        )));
    }
    Ok(FileStoreSetting::S3(files::S3Config {
        bucket,
        prefix,
        endpoint,
        region,
        access_key_id: key_id.value.trim().to_owned(),
        secret_access_key: SecretString::from(secret.value),
    }))
}

impl Settings {
    /// The file store as configured: the data folder's or the bucket (not contacted yet).
    pub fn file_store(&self) -> Result<files::FileStore, ConfigError> {
        let keys = self.file_keys()?;
        match &self.file_store {
            FileStoreSetting::Local => {
                files::FileStore::local(&self.files_dir(), keys).map_err(|e| {
                    ConfigError(format!(
                        "cannot open the file store {}: {e}",
                        self.files_dir().display()
                    ))
                })
            }
            FileStoreSetting::S3(config) => files::FileStore::s3(config, keys).map_err(|e| {
                ConfigError(format!("{}: cannot use the bucket: {e}", FILE_STORE.env))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load_with;
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_bucket_needs_its_keys_and_a_file_key_and_lone_s3_settings_are_refused() {
        // Nothing configured: the data folder.
        assert!(matches!(load_with(&[], None).unwrap().file_store, FileStoreSetting::Local));
        let file_key = format!("2026a:{}", "ab".repeat(32));
        let dir = tempfile::tempdir().unwrap();
        let secret_file = dir.path().join("s3.secret");
        std::fs::write(&secret_file, "canary-s3-secret\n").unwrap();
        let secret_path = secret_file.display().to_string();
        let full = [
            ("PASSERELLE_FILE_STORE", "s3://passerelle-docs/ccas-valbourg/"),
            ("PASSERELLE_S3_ENDPOINT", "https://s3.fr-par.scw.cloud/"),
            ("PASSERELLE_S3_REGION", "fr-par"),
            ("PASSERELLE_S3_ACCESS_KEY_ID", "SCWKEY"),
            ("PASSERELLE_S3_SECRET_ACCESS_KEY_FILE", secret_path.as_str()),
            ("PASSERELLE_FILE_KEY", file_key.as_str()),
        ];
        let s = load_with(&full, None).unwrap();
        let FileStoreSetting::S3(c) = &s.file_store else { panic!("a bucket") };
        assert_eq!((c.bucket.as_str(), c.prefix.as_str()), ("passerelle-docs", "ccas-valbourg"));
        assert_eq!(c.endpoint.as_deref(), Some("https://s3.fr-par.scw.cloud"));
        assert_eq!((c.region.as_str(), c.access_key_id.as_str()), ("fr-par", "SCWKEY"));
        assert_eq!(c.secret_access_key.expose_secret(), "canary-s3-secret");
        assert!(s.file_store().unwrap().location().starts_with("s3://passerelle-docs/"));
        // The region defaults; AWS needs no endpoint.
        let without = |names: &[&str]| -> Vec<(&str, &str)> {
            full.iter().filter(|(k, _)| !names.contains(k)).copied().collect()
        };
        let s =
            load_with(&without(&["PASSERELLE_S3_REGION", "PASSERELLE_S3_ENDPOINT"]), None).unwrap();
        let FileStoreSetting::S3(c) = &s.file_store else { panic!("a bucket") };
        assert_eq!((c.region.as_str(), c.endpoint.as_deref()), ("us-east-1", None));
        // Each missing piece is named, the secret never echoed.
        for (missing, expected) in [
            ("PASSERELLE_FILE_KEY", "PASSERELLE_FILE_KEY or PASSERELLE_FILE_KEY_FILE is required"),
            ("PASSERELLE_S3_ACCESS_KEY_ID", "PASSERELLE_S3_ACCESS_KEY_ID and"),
            ("PASSERELLE_S3_SECRET_ACCESS_KEY_FILE", "PASSERELLE_S3_SECRET_ACCESS_KEY"),
            ("PASSERELLE_FILE_STORE", "PASSERELLE_FILE_STORE is not"),
        ] {
            let e = load_with(&without(&[missing]), None).unwrap_err().to_string();
            assert!(e.contains(expected), "without {missing}: {e}");
            assert!(!e.contains("canary"), "{e}");
        }
        // Malformed values.
        for (var, bad, expected) in [
            ("PASSERELLE_FILE_STORE", "/srv/files", "s3://bucket"),
            ("PASSERELLE_FILE_STORE", "s3://Bad_Bucket/x", "not a bucket name"),
            ("PASSERELLE_S3_ENDPOINT", "s3.example.org", "the S3 service's address"),
            ("PASSERELLE_S3_ENDPOINT", "https://s3.example.org/bucket", "no path"),
            ("PASSERELLE_S3_REGION", "eu west", "a region name"),
        ] {
            let mut vars = without(&[var]);
            vars.push((var, bad));
            let e = load_with(&vars, None).unwrap_err().to_string();
            assert!(e.contains(var) && e.contains(expected), "{var}={bad}: {e}");
        }
        // In passerelle.toml too.
        let toml = format!(
            "file_store = \"s3://docs\"\ns3_access_key_id = \"K\"\ns3_secret_access_key = \"S\"\nfile_key = \"{file_key}\"\n"
        );
        assert!(matches!(load_with(&[], Some(&toml)).unwrap().file_store, FileStoreSetting::S3(_)));
        // The demo keeps its files in its own folder.
        let demo = load_with(&full, None).unwrap().for_demo();
        assert!(matches!(demo.file_store, FileStoreSetting::Local));
    }
}
