//! The S3-compatible backend (AWS S3, MinIO, Garage, Scaleway, OVH… and `moto` in the tests),
//! through the `object_store` crate: what several app servers behind a load balancer share
//! (ADR 0025). The bucket only ever sees ciphertext: objects are encrypted before they leave
//! ([`crate::crypt`]).
//!
//! An object is written as a multipart upload of [`PART_BYTES`] parts, at most
//! [`PARTS_IN_FLIGHT`] sent at once, so memory stays bounded whatever the file's size; an
//! upload refused half way is aborted, which removes its parts: no object is ever visible
//! until it is complete.

use std::fmt;
use std::io;
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use object_store::RetryConfig;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use secrecy::{ExposeSecret, SecretString};

use crate::store::{ObjectStream, bad_name, valid_name};

/// Bytes per part of a multipart upload: S3's smallest part (but the last).
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts being sent at once, per upload.
pub const PARTS_IN_FLIGHT: usize = 2;

/// Where the objects go: a bucket and a folder in it, and how to reach it.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// A folder inside the bucket, without slashes at its ends; empty for the bucket's root.
    pub prefix: String,
    /// The service's address, such as `https://s3.fr-par.scw.cloud` or
    /// `http://127.0.0.1:9000`; `None` for AWS itself (from the region).
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// `s3://bucket/folder` (or `s3://bucket`), for messages.
    pub fn location(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    /// `s3://bucket` or `s3://bucket/folder/sub-folder`, as the bucket and the folder.
    pub fn parse_location(url: &str) -> Result<(String, String), String> {
        let rest = url.trim().strip_prefix("s3://").ok_or("expected s3://bucket/folder")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(format!(
                "{bucket:?} is not a bucket name (3 to 63 lowercase letters, digits, dots or dashes)"
            ));
        }
        let prefix = prefix.trim_matches('/');
        let prefix_ok = prefix.is_empty()
            || prefix.split('/').all(|seg| {
                !seg.is_empty()
                    && seg != "."
                    && seg != ".."
                    && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if !prefix_ok {
            return Err(format!(
                "{prefix:?} is not a folder name (letters, digits, '-', '_', '.' separated by '/')"
            ));
        }
        Ok((bucket.to_owned(), prefix.to_owned()))
    }
}

/// A bucket (and a folder in it) of objects.
#[derive(Clone)]
pub struct S3Bucket {
    store: Arc<AmazonS3>,
    prefix: String,
    location: String,
}

impl fmt::Debug for S3Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Bucket").field("location", &self.location).finish_non_exhaustive()
    }
}

fn to_io(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        e => io::Error::other(e),
    }
}

impl S3Bucket {
    /// Prepares the client; nothing is sent yet (see [`S3Bucket::check`]).
    pub fn new(config: &S3Config) -> io::Result<S3Bucket> {
        // reqwest is built without a TLS provider of its own (to keep aws-lc out): ring is the
        // process's. Installing it twice is harmless, the first one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // A request is retried a few times over at most 30 s (the crate's default is 10 times
        // over 3 minutes): a download or an upload waits that long at most, and a bucket that
        // does not answer stops the start quickly.
        let retry = RetryConfig {
            backoff: Default::default(),
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(30),
        };
        let mut builder = AmazonS3Builder::new()
            .with_retry(retry)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(config.secret_access_key.expose_secret());
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                // Path-style addresses (endpoint/bucket/key) work with every S3-compatible
                // service; virtual hosts need DNS for each bucket.
                .with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(S3Bucket {
            store: Arc::new(store),
            prefix: config.prefix.clone(),
            location: config.location(),
        })
    }

    /// `s3://bucket/folder`, for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn path(&self, name: &str) -> io::Result<Path> {
        if !valid_name(name) {
            return Err(bad_name());
        }
        let key = if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.prefix)
        };
        Path::parse(key).map_err(|_| bad_name())
    }

    fn folder(&self) -> Option<Path> {
        (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()))
    }

    /// Lists the folder once: the bucket answers and the keys open it.
    pub async fn check(&self) -> io::Result<()> {
        let mut listing = self.store.list(self.folder().as_ref());
        match listing.next().await {
            Some(Err(e)) => Err(to_io(e)),
            _ => Ok(()),
        }
    }

    pub async fn create(&self, name: &str) -> io::Result<S3Writer> {
        let path = self.path(name)?;
        let upload = self.store.put_multipart(&path).await.map_err(to_io)?;
        Ok(S3Writer { inner: WriteMultipart::new_with_chunk_size(upload, PART_BYTES) })
    }

    pub async fn open(&self, name: &str) -> io::Result<ObjectStream> {
        let path = self.path(name)?;
        let got = self.store.get(&path).await.map_err(to_io)?;
        Ok(got.into_stream().map_err(to_io).boxed())
    }

    pub async fn delete(&self, name: &str) -> io::Result<()> {
        let path = self.path(name)?;
        match self.store.delete(&path).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(to_io(e)),
        }
    }

    /// The names of the objects in the folder (not in its sub-folders).
    pub async fn names(&self) -> io::Result<Vec<String>> {
        let listing =
            self.store.list_with_delimiter(self.folder().as_ref()).await.map_err(to_io)?;
        let mut names: Vec<String> = listing
            .objects
            .into_iter()
            .filter_map(|o| o.location.filename().map(str::to_owned))
            .filter(|n| valid_name(n))
            .collect();
        names.sort();
        Ok(names)
    }
}

/// An object being written as a multipart upload.
pub struct S3Writer {
    inner: WriteMultipart,
}

impl S3Writer {
    /// Buffers `bytes`; a full part is sent once fewer than [`PARTS_IN_FLIGHT`] are on their way.
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(to_io)?;
        self.inner.write(bytes);
        Ok(())
    }

    /// Sends the last part and completes the upload: the object appears whole.
    pub async fn finish(self) -> io::Result<()> {
        self.inner.finish().await.map(drop).map_err(to_io)
    }

    /// Aborts the upload: the parts sent are removed, no object appears.
    pub async fn abort(self) {
        if let Err(e) = self.inner.abort().await {
            tracing::warn!(error = %e, "a refused upload could not be aborted in the bucket");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_locations_are_checked() {
        assert_eq!(S3Config::parse_location("s3://docs").unwrap(), ("docs".into(), "".into()));
        assert_eq!(
            S3Config::parse_location("s3://passerelle-prod/ccas/files/").unwrap(),
            ("passerelle-prod".into(), "ccas/files".into())
        );
        for bad in [
            "docs",
            "s3://",
            "s3://Docs",
            "s3://a",
            "s3://docs/../x",
            "s3://docs/a b",
            "s3://-docs",
        ] {
            assert!(S3Config::parse_location(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_secret_is_not_in_the_debug_output() {
        let config = S3Config {
            bucket: "docs".into(),
            prefix: "".into(),
            endpoint: None,
            region: "eu-west-3".into(),
            access_key_id: "AKIA".into(),
            secret_access_key: SecretString::from("canary-secret".to_owned()),
        };
        assert!(!format!("{config:?}").contains("canary"));
        assert_eq!(config.location(), "s3://docs");
        let in_folder = S3Config { prefix: "ccas/files".into(), ..config };
        assert_eq!(in_folder.location(), "s3://docs/ccas/files");
    }
}

/// The S3 server the tests use: `PASSERELLE_TEST_S3_URL` (`http://host:port/bucket`, which
/// `scripts/test.sh` starts with moto and fills in), with `PASSERELLE_TEST_S3_ACCESS_KEY_ID`
/// and `PASSERELLE_TEST_S3_SECRET_ACCESS_KEY` (moto takes any). Each call gets a fresh folder
/// of the bucket, so tests never see each other's objects.
pub mod testing {
    use super::S3Config;
    use secrecy::SecretString;

    pub const URL_VAR: &str = "PASSERELLE_TEST_S3_URL";
    pub const REQUIRE_VAR: &str = "PASSERELLE_TEST_REQUIRE_S3";

    /// The test bucket in a new folder; `None`, said on standard error, when no server is
    /// configured and none is required (with `PASSERELLE_TEST_REQUIRE_S3=1`, a panic).
    pub fn config(test: &str) -> Option<S3Config> {
        let url = match std::env::var(URL_VAR) {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
                    panic!("{REQUIRE_VAR}=1 but {URL_VAR} is not set");
                }
                // Straight to the standard error, which the test harness does not capture
                // (eprintln! would only show if the test failed): `cargo test` alone shows it.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "NOT RUN on S3: {test}: {URL_VAR} is not set (scripts/test.sh starts a \
                     local S3 server and sets it)"
                );
                return None;
            }
        };
        let url = url.trim().trim_end_matches('/');
        let (endpoint, bucket) = url
            .rsplit_once('/')
            .filter(|(e, _)| e.contains("://"))
            .unwrap_or_else(|| panic!("{URL_VAR} = {url:?}: expected http://host:port/bucket"));
        let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "testing".to_owned());
        Some(S3Config {
            bucket: bucket.to_owned(),
            prefix: format!("test-{}", uuid::Uuid::now_v7()),
            endpoint: Some(endpoint.to_owned()),
            region: "us-east-1".to_owned(),
            access_key_id: var("PASSERELLE_TEST_S3_ACCESS_KEY_ID"),
            secret_access_key: SecretString::from(var("PASSERELLE_TEST_S3_SECRET_ACCESS_KEY")),
        })
    }

    /// The multipart uploads still open in `config`'s folder (ListMultipartUploads, which
    /// `object_store` does not offer; moto answers it unsigned).
    pub async fn open_uploads(config: &S3Config) -> usize {
        let endpoint = config.endpoint.as_deref().expect("a test endpoint");
        let url = format!("{endpoint}/{}?uploads&prefix={}/", config.bucket, config.prefix);
        let _ = rustls::crypto::ring::default_provider().install_default();
        let body = reqwest_s3::get(url).await.unwrap().text().await.unwrap();
        body.matches("<UploadId>").count()
    }
}
