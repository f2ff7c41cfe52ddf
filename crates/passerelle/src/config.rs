//! Configuration: defaults, then an optional `passerelle.toml`, then `PASSERELLE_*` environment
//! variables, then command-line flags. Every value is checked here, once; a wrong one stops
//! start-up with one line naming the setting, where it came from and what was expected.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use domain::passwords::HashParams;
use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use store::Engine;

mod file_store;
pub use file_store::FileStoreSetting;
use file_store::file_store_settings;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_LOG: &str = "info";
const MIN_SECRET_KEY_CHARS: usize = 32;

/// A configuration problem, phrased for the person starting the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The settings a person may write in `passerelle.toml`, each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    database_url_file: Option<String>,
    bind: Option<String>,
    data_dir: Option<String>,
    base_url: Option<String>,
    secret_key: Option<String>,
    secret_key_file: Option<String>,
    trusted_proxies: Option<toml::Value>,
    log: Option<String>,
    argon2_memory_kib: Option<String>,
    argon2_iterations: Option<String>,
    sign_in_attempts_per_account: Option<String>,
    sign_in_attempts_per_address: Option<String>,
    backup_key: Option<String>,
    backup_key_file: Option<String>,
    /// A number (`35`) or a string (`"35"`), as administrators will write either.
    backup_retention_days: Option<toml::Value>,
    smtp_url: Option<String>,
    smtp_password_file: Option<String>,
    mail_from: Option<String>,
    file_key: Option<String>,
    file_key_file: Option<String>,
    /// A number or a string, as for the backup retention.
    upload_max_mb: Option<toml::Value>,
    document_reminder_days: Option<toml::Value>,
    sms_webhook_url: Option<String>,
    sms_webhook_token: Option<String>,
    sms_webhook_token_file: Option<String>,
    sms_from: Option<String>,
    file_store: Option<String>,
    /// `on` (the default) or `off`.
    jobs: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    s3_secret_access_key_file: Option<String>,
    transcription_url: Option<String>,
    transcription_api: Option<String>,
    transcription_model: Option<String>,
}

/// One raw value and where it came from, so an error can point at it.
#[derive(Debug, Clone)]
struct Raw {
    value: String,
    origin: String,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub engine: Engine,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub base_url: String,
    /// Given by configuration; `None` means "use or create the key file in the data folder",
    /// which [`Settings::secret_key`] resolves (SQLite only).
    pub configured_secret_key: Option<SecretString>,
    pub trusted_proxies: Vec<IpNet>,
    pub log: String,
    /// Argon2id cost for new password hashes (OWASP's recommendation unless lowered, e.g. for
    /// tests).
    pub password_hashing: HashParams,
    /// Sign-in attempts evaluated per account, then per client address, in 15 minutes before
    /// back-off.
    pub sign_in_attempts_per_account: i64,
    pub sign_in_attempts_per_address: i64,
    /// The secret `passerelle backup` encrypts with and `passerelle restore` opens with; no
    /// backup is written without one.
    pub backup_key: Option<SecretString>,
    /// Finished backups older than this many days are deleted from the backup folder after
    /// each new backup; 0 keeps every backup.
    pub backup_retention_days: u32,
    /// SMTP and the sender, when e-mail is configured; without it nothing is sent.
    pub mail: Option<web::mail::MailConfig>,
    /// The keys files are encrypted with (`id:hex`, the first encrypts), when configured;
    /// `None` means "use or create the key file in the data folder", which
    /// [`Settings::file_keys`] resolves. Never the secret key.
    pub configured_file_key: Option<SecretString>,
    /// Where documents are kept: the data folder's `files/`, or an S3-compatible bucket.
    pub file_store: FileStoreSetting,
    /// The largest uploaded file, in bytes (default 20 MB).
    pub upload_max_bytes: u64,
    /// How many days before a document expires its referent gets a reminder (default 60).
    pub document_reminder_days: i64,
    /// Whether `serve` runs the background jobs (default yes). Servers behind one load
    /// balancer may all run them (a job is claimed by one); `off` keeps a server to the web
    /// requests, e.g. one kept for reports, or a benchmark of pages alone.
    pub jobs: bool,
    /// The SMS webhook of the reminders to persons, when configured; without it SMS reminders
    /// are written in the log only (ADR 0027).
    pub sms: Option<web::reminders::webhook::SmsConfig>,
    /// The Whisper-compatible server voice notes are transcribed by, when configured.
    pub transcription: Option<web::voice_notes::TranscriptionConfig>,
    /// What was read, for `passerelle check`.
    pub sources: Vec<String>,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<String>,
}

/// The names the settings go by: environment variable and `passerelle.toml` key.
struct Key {
    env: &'static str,
    file: &'static str,
}

const DATABASE_URL: Key = Key { env: "PASSERELLE_DATABASE_URL", file: "database_url" };
const DATABASE_URL_FILE: Key =
    Key { env: "PASSERELLE_DATABASE_URL_FILE", file: "database_url_file" };
const BIND: Key = Key { env: "PASSERELLE_BIND", file: "bind" };
const DATA_DIR: Key = Key { env: "PASSERELLE_DATA_DIR", file: "data_dir" };
const BASE_URL: Key = Key { env: "PASSERELLE_BASE_URL", file: "base_url" };
const SECRET_KEY: Key = Key { env: "PASSERELLE_SECRET_KEY", file: "secret_key" };
const SECRET_KEY_FILE: Key = Key { env: "PASSERELLE_SECRET_KEY_FILE", file: "secret_key_file" };
const TRUSTED_PROXIES: Key = Key { env: "PASSERELLE_TRUSTED_PROXIES", file: "trusted_proxies" };
const LOG: Key = Key { env: "PASSERELLE_LOG", file: "log" };
const ARGON2_MEMORY: Key = Key { env: "PASSERELLE_ARGON2_MEMORY_KIB", file: "argon2_memory_kib" };
const ARGON2_ITERATIONS: Key =
    Key { env: "PASSERELLE_ARGON2_ITERATIONS", file: "argon2_iterations" };
const ATTEMPTS_ACCOUNT: Key =
    Key { env: "PASSERELLE_SIGN_IN_ATTEMPTS_PER_ACCOUNT", file: "sign_in_attempts_per_account" };
const ATTEMPTS_ADDRESS: Key =
    Key { env: "PASSERELLE_SIGN_IN_ATTEMPTS_PER_ADDRESS", file: "sign_in_attempts_per_address" };
const BACKUP_KEY: Key = Key { env: "PASSERELLE_BACKUP_KEY", file: "backup_key" };
const BACKUP_KEY_FILE: Key = Key { env: "PASSERELLE_BACKUP_KEY_FILE", file: "backup_key_file" };
const BACKUP_RETENTION: Key =
    Key { env: "PASSERELLE_BACKUP_RETENTION_DAYS", file: "backup_retention_days" };
const SMTP_URL: Key = Key { env: "PASSERELLE_SMTP_URL", file: "smtp_url" };
const SMTP_PASSWORD_FILE: Key =
    Key { env: "PASSERELLE_SMTP_PASSWORD_FILE", file: "smtp_password_file" };
const MAIL_FROM: Key = Key { env: "PASSERELLE_MAIL_FROM", file: "mail_from" };
const FILE_KEY: Key = Key { env: "PASSERELLE_FILE_KEY", file: "file_key" };
const FILE_KEY_FILE: Key = Key { env: "PASSERELLE_FILE_KEY_FILE", file: "file_key_file" };
const UPLOAD_MAX_MB: Key = Key { env: "PASSERELLE_UPLOAD_MAX_MB", file: "upload_max_mb" };
const DOCUMENT_REMINDER_DAYS: Key =
    Key { env: "PASSERELLE_DOCUMENT_REMINDER_DAYS", file: "document_reminder_days" };
const SMS_WEBHOOK_URL: Key = Key { env: "PASSERELLE_SMS_WEBHOOK_URL", file: "sms_webhook_url" };
const SMS_WEBHOOK_TOKEN: Key =
    Key { env: "PASSERELLE_SMS_WEBHOOK_TOKEN", file: "sms_webhook_token" };
const SMS_WEBHOOK_TOKEN_FILE: Key =
    Key { env: "PASSERELLE_SMS_WEBHOOK_TOKEN_FILE", file: "sms_webhook_token_file" };
const SMS_FROM: Key = Key { env: "PASSERELLE_SMS_FROM", file: "sms_from" };
const FILE_STORE: Key = Key { env: "PASSERELLE_FILE_STORE", file: "file_store" };
const JOBS: Key = Key { env: "PASSERELLE_JOBS", file: "jobs" };
const S3_ENDPOINT: Key = Key { env: "PASSERELLE_S3_ENDPOINT", file: "s3_endpoint" };
const S3_REGION: Key = Key { env: "PASSERELLE_S3_REGION", file: "s3_region" };
const S3_ACCESS_KEY_ID: Key = Key { env: "PASSERELLE_S3_ACCESS_KEY_ID", file: "s3_access_key_id" };
const S3_SECRET_ACCESS_KEY: Key =
    Key { env: "PASSERELLE_S3_SECRET_ACCESS_KEY", file: "s3_secret_access_key" };
const S3_SECRET_ACCESS_KEY_FILE: Key =
    Key { env: "PASSERELLE_S3_SECRET_ACCESS_KEY_FILE", file: "s3_secret_access_key_file" };
const TRANSCRIPTION_URL: Key =
    Key { env: "PASSERELLE_TRANSCRIPTION_URL", file: "transcription_url" };
const TRANSCRIPTION_API: Key =
    Key { env: "PASSERELLE_TRANSCRIPTION_API", file: "transcription_api" };
const TRANSCRIPTION_MODEL: Key =
    Key { env: "PASSERELLE_TRANSCRIPTION_MODEL", file: "transcription_model" };
/// How long backups are kept unless configured: five weeks, so a month-end problem noticed a
/// few days late can still be undone, and data erased at a person's request is gone from every
/// backup within 35 days (what the privacy notice says).
pub const DEFAULT_BACKUP_RETENTION_DAYS: u32 = 35;

/// Every environment variable Passerelle reads, for the documentation test.
pub const ENV_VARS: &[&str] = &[
    "PASSERELLE_CONFIG",
    DATABASE_URL.env,
    DATABASE_URL_FILE.env,
    BIND.env,
    DATA_DIR.env,
    BASE_URL.env,
    SECRET_KEY.env,
    SECRET_KEY_FILE.env,
    TRUSTED_PROXIES.env,
    LOG.env,
    ARGON2_MEMORY.env,
    ARGON2_ITERATIONS.env,
    ATTEMPTS_ACCOUNT.env,
    ATTEMPTS_ADDRESS.env,
    BACKUP_KEY.env,
    BACKUP_KEY_FILE.env,
    BACKUP_RETENTION.env,
    SMTP_URL.env,
    SMTP_PASSWORD_FILE.env,
    MAIL_FROM.env,
    FILE_KEY.env,
    FILE_KEY_FILE.env,
    UPLOAD_MAX_MB.env,
    DOCUMENT_REMINDER_DAYS.env,
    SMS_WEBHOOK_URL.env,
    SMS_WEBHOOK_TOKEN.env,
    SMS_WEBHOOK_TOKEN_FILE.env,
    SMS_FROM.env,
    FILE_STORE.env,
    JOBS.env,
    S3_ENDPOINT.env,
    S3_REGION.env,
    S3_ACCESS_KEY_ID.env,
    S3_SECRET_ACCESS_KEY.env,
    S3_SECRET_ACCESS_KEY_FILE.env,
    TRANSCRIPTION_URL.env,
    TRANSCRIPTION_API.env,
    TRANSCRIPTION_MODEL.env,
];

struct Layers<'a> {
    file: FileSettings,
    file_path: Option<PathBuf>,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Layers<'_> {
    fn file_value(&self, key: &Key) -> Option<String> {
        let f = &self.file;
        match key.file {
            "database_url" => f.database_url.clone(),
            "database_url_file" => f.database_url_file.clone(),
            "bind" => f.bind.clone(),
            "data_dir" => f.data_dir.clone(),
            "base_url" => f.base_url.clone(),
            "secret_key" => f.secret_key.clone(),
            "secret_key_file" => f.secret_key_file.clone(),
            "log" => f.log.clone(),
            "argon2_memory_kib" => f.argon2_memory_kib.clone(),
            "argon2_iterations" => f.argon2_iterations.clone(),
            "sign_in_attempts_per_account" => f.sign_in_attempts_per_account.clone(),
            "sign_in_attempts_per_address" => f.sign_in_attempts_per_address.clone(),
            "backup_key" => f.backup_key.clone(),
            "backup_key_file" => f.backup_key_file.clone(),
            "smtp_url" => f.smtp_url.clone(),
            "smtp_password_file" => f.smtp_password_file.clone(),
            "mail_from" => f.mail_from.clone(),
            "file_key" => f.file_key.clone(),
            "file_key_file" => f.file_key_file.clone(),
            "sms_webhook_url" => f.sms_webhook_url.clone(),
            "sms_webhook_token" => f.sms_webhook_token.clone(),
            "sms_webhook_token_file" => f.sms_webhook_token_file.clone(),
            "sms_from" => f.sms_from.clone(),
            "file_store" => f.file_store.clone(),
            "jobs" => f.jobs.clone(),
            "s3_endpoint" => f.s3_endpoint.clone(),
            "s3_region" => f.s3_region.clone(),
            "s3_access_key_id" => f.s3_access_key_id.clone(),
            "s3_secret_access_key" => f.s3_secret_access_key.clone(),
            "s3_secret_access_key_file" => f.s3_secret_access_key_file.clone(),
            "transcription_url" => f.transcription_url.clone(),
            "transcription_api" => f.transcription_api.clone(),
            "transcription_model" => f.transcription_model.clone(),
            "upload_max_mb" | "document_reminder_days" => {
                let v = if key.file == "upload_max_mb" {
                    &f.upload_max_mb
                } else {
                    &f.document_reminder_days
                };
                v.as_ref().map(|v| match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            }
            "backup_retention_days" => f.backup_retention_days.as_ref().map(|v| match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            "trusted_proxies" => f.trusted_proxies.as_ref().map(|v| match v {
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(","),
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            _ => None,
        }
    }

    /// The environment wins over the file.
    fn get(&self, key: &Key) -> Option<Raw> {
        if let Some(v) = (self.env)(key.env) {
            return Some(Raw { value: v, origin: key.env.to_owned() });
        }
        let path = self.file_path.as_ref()?;
        self.file_value(key)
            .map(|v| Raw { value: v, origin: format!("{} in {}", key.file, path.display()) })
    }

    /// A secret given directly or through a file (`*_FILE`), never both.
    fn secret(&self, key: &Key, file_key: &Key) -> Result<Option<Raw>, ConfigError> {
        match (self.get(key), self.get(file_key)) {
            (Some(_), Some(_)) => {
                Err(ConfigError(format!("set {} or {}, not both", key.env, file_key.env)))
            }
            (Some(v), None) => Ok(Some(v)),
            (None, Some(f)) => {
                let text = std::fs::read_to_string(&f.value).map_err(|e| {
                    ConfigError(format!("{} = {:?}: cannot read the file: {e}", f.origin, f.value))
                })?;
                Ok(Some(Raw {
                    value: text.trim().to_owned(),
                    origin: format!("the file named by {}", f.origin),
                }))
            }
            (None, None) => Ok(None),
        }
    }
}

/// E-mail: an SMTP URL and a sender, both or neither. The URL is a secret as a whole (it may
/// hold the password), so no message quotes it.
fn mail_settings(layers: &Layers<'_>) -> Result<Option<web::mail::MailConfig>, ConfigError> {
    let url = layers.get(&SMTP_URL);
    let from = layers.get(&MAIL_FROM);
    let password_file = layers.get(&SMTP_PASSWORD_FILE);
    let Some(url) = url else {
        if let Some(raw) = from.or(password_file) {
            return Err(ConfigError(format!(
                "{} is set but {} is not: set both to send e-mail, or neither",
                raw.origin, SMTP_URL.env
            )));
        }
        return Ok(None);
    };
    let value = url.value.trim().to_owned();
    web::mail::check_smtp_url(&value)
        .map_err(|why| ConfigError(format!("{}: {why}", url.origin)))?;
    let Some(from) = from else {
        return Err(ConfigError(format!(
            "{} is set but {} is not: the sender's address is needed, such as Passerelle <passerelle@example.org>",
            url.origin, MAIL_FROM.env
        )));
    };
    if !web::mail::is_valid_sender(from.value.trim()) {
        return Err(invalid(
            &from,
            "an e-mail address, such as Passerelle <passerelle@example.org>",
        ));
    }
    let password = match password_file {
        Some(f) => {
            let text = std::fs::read_to_string(&f.value).map_err(|e| {
                ConfigError(format!("{} = {:?}: cannot read the file: {e}", f.origin, f.value))
            })?;
            Some(SecretString::from(text.trim_end_matches(['\r', '\n']).to_owned()))
        }
        None => None,
    };
    Ok(Some(web::mail::MailConfig {
        smtp_url: SecretString::from(value),
        password,
        from: from.value.trim().to_owned(),
    }))
}

/// SMS reminders: a webhook URL, with an optional token (directly or from a file) and sender.
/// The URL is a secret as a whole (providers put keys in it), so no message quotes it.
fn sms_settings(
    layers: &Layers<'_>,
) -> Result<Option<web::reminders::webhook::SmsConfig>, ConfigError> {
    let token = layers.secret(&SMS_WEBHOOK_TOKEN, &SMS_WEBHOOK_TOKEN_FILE)?;
    let from = layers.get(&SMS_FROM);
    let Some(url) = layers.get(&SMS_WEBHOOK_URL) else {
        if let Some(raw) = token.as_ref().or(from.as_ref()) {
            return Err(ConfigError(format!(
                "{} is set but {} is not: set the webhook's URL to send SMS, or neither",
                raw.origin, SMS_WEBHOOK_URL.env
            )));
        }
        return Ok(None);
    };
    let value = url.value.trim().to_owned();
    web::reminders::webhook::check_url(&value)
        .map_err(|why| ConfigError(format!("{}: {why}", url.origin)))?;
    Ok(Some(web::reminders::webhook::SmsConfig {
        url: SecretString::from(value),
        token: token.map(|t| SecretString::from(t.value)),
        from: from.map(|f| f.value.trim().to_owned()).filter(|f| !f.is_empty()),
    }))
}

fn invalid(raw: &Raw, expected: &str) -> ConfigError {
    ConfigError(format!("{} = {:?}: expected {expected}", raw.origin, raw.value))
}

impl Settings {
    /// Reads the layers. `config_path` is `--config` or `PASSERELLE_CONFIG`; without it,
    /// `./passerelle.toml` is read if it exists.
    pub fn load(
        config_path: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let explicit = config_path
            .map(Path::to_path_buf)
            .or_else(|| env("PASSERELLE_CONFIG").map(PathBuf::from));
        let (file, file_path) = match explicit {
            Some(path) => (read_file(&path)?, Some(path)),
            None => {
                let default = PathBuf::from("passerelle.toml");
                if default.is_file() {
                    (read_file(&default)?, Some(default))
                } else {
                    (FileSettings::default(), None)
                }
            }
        };
        let mut sources = vec!["defaults".to_owned()];
        if let Some(p) = &file_path {
            sources.push(p.display().to_string());
        }
        if ENV_VARS.iter().any(|v| env(v).is_some()) {
            sources.push("environment".to_owned());
        }
        let layers = Layers { file, file_path, env };

        let data_dir = match layers.get(&DATA_DIR) {
            Some(raw) if raw.value.trim().is_empty() => return Err(invalid(&raw, "a folder path")),
            Some(raw) => PathBuf::from(raw.value),
            None => PathBuf::from(DEFAULT_DATA_DIR),
        };

        let (database_url, engine) = match layers.secret(&DATABASE_URL, &DATABASE_URL_FILE)? {
            Some(raw) => {
                let engine = Engine::of_url(&raw.value).ok_or_else(|| {
                    ConfigError(format!(
                        "{} = {:?}: expected sqlite:PATH or postgres://user@host:port/database",
                        raw.origin,
                        store::redact_url(&raw.value)
                    ))
                })?;
                (raw.value, engine)
            }
            None => (sqlite_url(&data_dir), Engine::Sqlite),
        };

        let bind_raw = match &overrides.bind {
            Some(b) => Raw { value: b.clone(), origin: "--bind".to_owned() },
            None => layers
                .get(&BIND)
                .unwrap_or(Raw { value: DEFAULT_BIND.to_owned(), origin: "default".to_owned() }),
        };
        let bind: SocketAddr = bind_raw.value.trim().parse().map_err(|_| {
            invalid(&bind_raw, "an address and port such as 127.0.0.1:8080 or [::1]:8080")
        })?;

        let base_url = match layers.get(&BASE_URL) {
            Some(raw) => {
                let v = raw.value.trim().trim_end_matches('/').to_owned();
                let ok = (v.starts_with("http://") || v.starts_with("https://"))
                    && v.split_once("://").is_some_and(|(_, rest)| {
                        !rest.is_empty() && !rest.contains(char::is_whitespace)
                    });
                if !ok {
                    return Err(invalid(
                        &raw,
                        "the address users reach Passerelle at, such as https://passerelle.example.org",
                    ));
                }
                v
            }
            None => format!("http://{bind}"),
        };

        let configured_secret_key = match layers.secret(&SECRET_KEY, &SECRET_KEY_FILE)? {
            Some(raw) => {
                if raw.value.chars().count() < MIN_SECRET_KEY_CHARS {
                    // Never echo a secret, even a bad one.
                    return Err(ConfigError(format!(
                        "{}: the secret key must be at least {MIN_SECRET_KEY_CHARS} characters (generate one with: openssl rand -hex 32)",
                        raw.origin
                    )));
                }
                Some(SecretString::from(raw.value))
            }
            None if engine == Engine::Postgres => {
                return Err(ConfigError(format!(
                    "{} or {} is required with PostgreSQL: every app server of an instance must share one key",
                    SECRET_KEY.env, SECRET_KEY_FILE.env
                )));
            }
            None => None,
        };

        let trusted_proxies = match layers.get(&TRUSTED_PROXIES) {
            Some(raw) => parse_proxies(&raw.value).map_err(|bad| {
                ConfigError(format!(
                    "{} = {:?}: {bad:?} is not an address or network; expected a comma-separated list such as 10.0.0.0/8, 127.0.0.1",
                    raw.origin, raw.value
                ))
            })?,
            None => Vec::new(),
        };

        let log = match layers.get(&LOG) {
            Some(raw) => {
                web::telemetry::parse_filter(&raw.value)
                    .map_err(|_| invalid(&raw, "a log level (error, warn, info, debug, trace) or a filter such as info,web=debug"))?;
                raw.value
            }
            None => DEFAULT_LOG.to_owned(),
        };

        let mut password_hashing = HashParams::OWASP;
        if let Some(raw) = layers.get(&ARGON2_MEMORY) {
            password_hashing.memory_kib = raw
                .value
                .trim()
                .parse()
                .map_err(|_| invalid(&raw, "a whole number of KiB, such as 19456"))?;
        }
        if let Some(raw) = layers.get(&ARGON2_ITERATIONS) {
            password_hashing.iterations = raw
                .value
                .trim()
                .parse()
                .map_err(|_| invalid(&raw, "a whole number of iterations, such as 2"))?;
        }
        if !password_hashing.is_valid() {
            return Err(ConfigError(format!(
                "{} = {} and {} = {}: Argon2 needs at least 8 KiB and 1 iteration",
                ARGON2_MEMORY.env,
                password_hashing.memory_kib,
                ARGON2_ITERATIONS.env,
                password_hashing.iterations
            )));
        }

        let attempts = |key: &Key, default: i64| -> Result<i64, ConfigError> {
            match layers.get(key) {
                Some(raw) => match raw.value.trim().parse::<i64>() {
                    Ok(n) if (1..=10_000).contains(&n) => Ok(n),
                    _ => Err(invalid(&raw, "a whole number of attempts from 1 to 10000")),
                },
                None => Ok(default),
            }
        };
        let sign_in_attempts_per_account = attempts(&ATTEMPTS_ACCOUNT, 5)?;
        let sign_in_attempts_per_address = attempts(&ATTEMPTS_ADDRESS, 50)?;

        let backup_key = match layers.secret(&BACKUP_KEY, &BACKUP_KEY_FILE)? {
            Some(raw) if raw.value.chars().count() < MIN_SECRET_KEY_CHARS => {
                return Err(ConfigError(format!(
                    "{}: the backup key must be at least {MIN_SECRET_KEY_CHARS} characters (generate one with: openssl rand -hex 32)",
                    raw.origin
                )));
            }
            Some(raw) => Some(SecretString::from(raw.value)),
            None => None,
        };
        let backup_retention_days = match layers.get(&BACKUP_RETENTION) {
            Some(raw) => match raw.value.trim().parse::<u32>() {
                Ok(n) if n <= 3650 => n,
                _ => {
                    return Err(invalid(
                        &raw,
                        "a whole number of days from 0 (keep every backup) to 3650",
                    ));
                }
            },
            None => DEFAULT_BACKUP_RETENTION_DAYS,
        };

        let mail = mail_settings(&layers)?;
        let sms = sms_settings(&layers)?;

        let configured_file_key = match layers.secret(&FILE_KEY, &FILE_KEY_FILE)? {
            Some(raw) => {
                let text = SecretString::from(raw.value);
                // Never echo a key, even a bad one: the error names the entry, not its value.
                files::FileKeys::parse(&text)
                    .map_err(|e| ConfigError(format!("{}: {e}", raw.origin)))?;
                Some(text)
            }
            // Without a key, the data folder keeps one, like the files themselves (a local
            // folder is one server's): a shared store (S3, ADR 0019) will require one.
            None => None,
        };
        let file_store = file_store_settings(&layers, configured_file_key.is_some())?;
        let upload_max_bytes = match layers.get(&UPLOAD_MAX_MB) {
            Some(raw) => match raw.value.trim().parse::<u64>() {
                Ok(n) if (1..=1024).contains(&n) => n * 1024 * 1024,
                _ => return Err(invalid(&raw, "a whole number of megabytes from 1 to 1024")),
            },
            None => web::documents::FilesConfig::DEFAULT_MAX_UPLOAD_BYTES,
        };
        let document_reminder_days = match layers.get(&DOCUMENT_REMINDER_DAYS) {
            Some(raw) => match raw.value.trim().parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) => n,
                _ => return Err(invalid(&raw, "a whole number of days from 1 to 365")),
            },
            None => domain::documents::DEFAULT_REMINDER_DAYS,
        };
        let jobs = match layers.get(&JOBS) {
            Some(raw) => match raw.value.trim() {
                "on" => true,
                "off" => false,
                _ => return Err(invalid(&raw, "on or off")),
            },
            None => true,
        };
        let transcription = transcription_settings(&layers)?;

        Ok(Settings {
            database_url,
            engine,
            bind,
            data_dir,
            base_url,
            configured_secret_key,
            trusted_proxies,
            log,
            password_hashing,
            sign_in_attempts_per_account,
            sign_in_attempts_per_address,
            backup_key,
            backup_retention_days,
            mail,
            sms,
            configured_file_key,
            file_store,
            upload_max_bytes,
            document_reminder_days,
            jobs,
            transcription,
            sources,
        })
    }

    /// The demo's settings: its own folder and SQLite database inside the data folder, whatever
    /// database is configured, so a demo never touches real data.
    pub fn for_demo(mut self) -> Settings {
        self.data_dir = self.data_dir.join("demo");
        self.database_url = sqlite_url(&self.data_dir);
        self.engine = Engine::Sqlite;
        self.configured_secret_key = None;
        self.configured_file_key = None;
        self.file_store = FileStoreSetting::Local;
        self
    }

    /// The path of the SQLite file, when the database is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        (self.engine == Engine::Sqlite).then(|| {
            let rest = self.database_url.trim_start_matches("sqlite:").trim_start_matches("//");
            PathBuf::from(rest.split('?').next().unwrap_or(rest))
        })
    }

    /// The configured key, or the one kept in the data folder (created on first start, readable
    /// by its owner only).
    pub fn secret_key(&self) -> Result<SecretString, ConfigError> {
        if let Some(k) = &self.configured_secret_key {
            return Ok(k.clone());
        }
        let path = self.data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key = text.trim().to_owned();
                if key.chars().count() < MIN_SECRET_KEY_CHARS {
                    return Err(ConfigError(format!(
                        "{} is too short to be a secret key; remove it to have a new one generated",
                        path.display()
                    )));
                }
                Ok(SecretString::from(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = generate_key();
                write_private(&path, key.expose_secret()).map_err(|e| {
                    ConfigError(format!(
                        "cannot create the secret key file {}: {e}",
                        path.display()
                    ))
                })?;
                Ok(key)
            }
            Err(e) => {
                Err(ConfigError(format!("cannot read the secret key file {}: {e}", path.display())))
            }
        }
    }
}

impl Settings {
    /// The configured file keys, or the one kept in the data folder (`file.key`, created on
    /// first start, readable by its owner only), like the secret key.
    pub fn file_keys(&self) -> Result<files::FileKeys, ConfigError> {
        if let Some(k) = &self.configured_file_key {
            return files::FileKeys::parse(k).map_err(|e| ConfigError(e.to_string()));
        }
        let path = self.data_dir.join("file.key");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => SecretString::from(text.trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = files::FileKeys::generate_text("local-1");
                write_private(&path, text.expose_secret()).map_err(|e| {
                    ConfigError(format!("cannot create the file key {}: {e}", path.display()))
                })?;
                text
            }
            Err(e) => {
                return Err(ConfigError(format!(
                    "cannot read the file key {}: {e}",
                    path.display()
                )));
            }
        };
        files::FileKeys::parse(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// Where the files are kept when they are kept locally: `files/` in the data folder.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}

fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("passerelle.db").display())
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let detail = e.message().to_owned();
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        match line {
            Some(l) => ConfigError(format!("{}, line {l}: {detail}", path.display())),
            None => ConfigError(format!("{}: {detail}", path.display())),
        }
    })
}

fn parse_proxies(value: &str) -> Result<Vec<IpNet>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| s.to_owned())
        })
        .collect()
}

fn generate_key() -> SecretString {
    let bytes: [u8; 32] = rand::random();
    SecretString::from(hex::encode(bytes))
}

/// Writes a new file readable and writable by its owner only; never replaces an existing one.
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
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
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// The transcription server of voice notes: none unless `PASSERELLE_TRANSCRIPTION_URL` is
/// set; the API is whisper.cpp's unless `PASSERELLE_TRANSCRIPTION_API` says `openai`.
fn transcription_settings(
    layers: &Layers<'_>,
) -> Result<Option<web::voice_notes::TranscriptionConfig>, ConfigError> {
    let api = match layers.get(&TRANSCRIPTION_API) {
        Some(raw) => Some(
            domain::voice_notes::TranscriptionApi::parse(&raw.value)
                .ok_or_else(|| invalid(&raw, "whisper.cpp or openai"))?,
        ),
        None => None,
    };
    let model = layers.get(&TRANSCRIPTION_MODEL).map(|r| r.value.trim().to_owned());
    let Some(raw) = layers.get(&TRANSCRIPTION_URL).filter(|r| !r.value.trim().is_empty()) else {
        if api.is_some() || model.is_some() {
            return Err(ConfigError(format!(
                "{} and {} need {}: the address of the transcription server",
                TRANSCRIPTION_API.env, TRANSCRIPTION_MODEL.env, TRANSCRIPTION_URL.env
            )));
        }
        return Ok(None);
    };
    let url = raw.value.trim().to_owned();
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    if !scheme_ok || url.contains(char::is_whitespace) || url.contains('?') {
        return Err(invalid(
            &raw,
            "the address of a Whisper-compatible server, such as http://127.0.0.1:8178",
        ));
    }
    Ok(Some(web::voice_notes::TranscriptionConfig {
        url,
        api: api.unwrap_or_default(),
        model: model
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| web::voice_notes::TranscriptionConfig::DEFAULT_MODEL.to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(super) fn load_with(
        vars: &[(&str, &str)],
        file: Option<&str>,
    ) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = file.map(|text| {
            let p = dir.path().join("passerelle.toml");
            std::fs::write(&p, text).unwrap();
            p
        });
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load(path.as_deref(), &|k| map.get(k).cloned(), &Overrides::default())
    }

    #[test]
    fn with_nothing_configured_data_goes_in_the_data_folder_on_sqlite() {
        let s = load_with(&[], None).unwrap();
        assert_eq!(s.engine, Engine::Sqlite);
        assert_eq!(s.database_url, "sqlite://data/passerelle.db");
        assert_eq!(s.sqlite_path().unwrap(), PathBuf::from("data/passerelle.db"));
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url, "http://127.0.0.1:8080");
        assert!(s.configured_secret_key.is_none());
    }

    #[test]
    fn the_environment_wins_over_the_file_and_flags_over_both() {
        let s = load_with(
            &[("PASSERELLE_BIND", "127.0.0.1:9000")],
            Some("bind = \"127.0.0.1:7000\"\nlog = \"warn\"\n"),
        )
        .unwrap();
        assert_eq!(s.bind.port(), 9000);
        assert_eq!(s.log, "warn");
        let map: HashMap<&str, &str> = [("PASSERELLE_BIND", "127.0.0.1:9000")].into();
        let s = Settings::load(
            None,
            &|k| map.get(k).map(|v| v.to_string()),
            &Overrides { bind: Some("127.0.0.1:0".into()) },
        )
        .unwrap();
        assert_eq!(s.bind.port(), 0);
    }

    #[test]
    fn a_bad_value_names_the_setting_its_origin_and_what_was_expected() {
        let e = load_with(&[("PASSERELLE_BIND", "localhost")], None).unwrap_err().to_string();
        assert!(
            e.contains("PASSERELLE_BIND")
                && e.contains("\"localhost\"")
                && e.contains("127.0.0.1:8080"),
            "{e}"
        );
        let e = load_with(&[], Some("bind = \"nowhere\"")).unwrap_err().to_string();
        assert!(e.contains("bind in ") && e.contains("passerelle.toml"), "{e}");
        let e = load_with(&[("PASSERELLE_BASE_URL", "passerelle.example.org")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("PASSERELLE_BASE_URL"), "{e}");
        let e = load_with(&[("PASSERELLE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"proxy.local\" is not an address"), "{e}");
        let e = load_with(&[("PASSERELLE_LOG", "info,[[[")], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_LOG"), "{e}");
        let e = load_with(&[("PASSERELLE_DATABASE_URL", "mysql://root:pw@h/db")], None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PASSERELLE_DATABASE_URL") && !e.contains("pw@"),
            "the password is masked: {e}"
        );
    }

    #[test]
    fn unknown_keys_and_syntax_errors_in_the_file_are_reported_with_their_line() {
        let e = load_with(&[], Some("bind = \"127.0.0.1:1\"\ndatabse_url = \"x\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("databse_url"), "{e}");
        let e = load_with(&[], Some("bind = \n")).unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn postgres_refuses_to_start_without_a_shared_secret_key() {
        let url = ("PASSERELLE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/p");
        let e = load_with(&[url], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_SECRET_KEY") && e.contains("PostgreSQL"), "{e}");
        let key = "0123456789abcdef0123456789abcdef";
        let s = load_with(&[url, ("PASSERELLE_SECRET_KEY", key)], None).unwrap();
        assert_eq!(s.engine, Engine::Postgres);
        assert_eq!(s.secret_key().unwrap().expose_secret(), key);
    }

    #[test]
    fn a_short_secret_key_is_refused_without_being_echoed() {
        let e = load_with(&[("PASSERELLE_SECRET_KEY", "tooshort-canary")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least 32"), "{e}");
        assert!(!e.contains("tooshort-canary"), "{e}");
    }

    #[test]
    fn secrets_can_come_from_files_but_not_from_both_places() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("key");
        std::fs::write(&f, "k".repeat(40) + "\n").unwrap();
        let fp = f.to_str().unwrap();
        let s = load_with(&[("PASSERELLE_SECRET_KEY_FILE", fp)], None).unwrap();
        assert_eq!(s.configured_secret_key.unwrap().expose_secret(), "k".repeat(40));
        let e = load_with(
            &[("PASSERELLE_SECRET_KEY_FILE", fp), ("PASSERELLE_SECRET_KEY", &"x".repeat(40))],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not both"), "{e}");
        let e = load_with(&[("PASSERELLE_SECRET_KEY_FILE", "/nonexistent/key")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read"), "{e}");
    }

    #[test]
    fn transcription_is_off_unless_a_server_is_configured_and_whisper_cpp_by_default() {
        use domain::voice_notes::TranscriptionApi;
        assert_eq!(load_with(&[], None).unwrap().transcription, None);
        let s = load_with(&[("PASSERELLE_TRANSCRIPTION_URL", "http://127.0.0.1:8178")], None)
            .unwrap()
            .transcription
            .unwrap();
        assert_eq!(s.api, TranscriptionApi::WhisperCpp);
        assert_eq!(s.url, "http://127.0.0.1:8178");
        let s = load_with(
            &[
                ("PASSERELLE_TRANSCRIPTION_URL", "https://stt.example.org"),
                ("PASSERELLE_TRANSCRIPTION_API", "openai"),
                ("PASSERELLE_TRANSCRIPTION_MODEL", "Systran/faster-whisper-small"),
            ],
            None,
        )
        .unwrap()
        .transcription
        .unwrap();
        assert_eq!(s.api, TranscriptionApi::OpenAi);
        assert_eq!(s.model, "Systran/faster-whisper-small");
        let e = load_with(
            &[
                ("PASSERELLE_TRANSCRIPTION_URL", "http://127.0.0.1:8178"),
                ("PASSERELLE_TRANSCRIPTION_API", "vosk"),
            ],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("PASSERELLE_TRANSCRIPTION_API") && e.contains("openai"), "{e}");
        let e = load_with(&[("PASSERELLE_TRANSCRIPTION_URL", "127.0.0.1:8178")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("PASSERELLE_TRANSCRIPTION_URL"), "{e}");
        let e =
            load_with(&[("PASSERELLE_TRANSCRIPTION_API", "openai")], None).unwrap_err().to_string();
        assert!(e.contains("need PASSERELLE_TRANSCRIPTION_URL"), "{e}");
    }

    #[test]
    fn password_hashing_defaults_to_owasp_and_can_be_lowered_for_tests() {
        assert_eq!(load_with(&[], None).unwrap().password_hashing, HashParams::OWASP);
        let s = load_with(
            &[("PASSERELLE_ARGON2_MEMORY_KIB", "64"), ("PASSERELLE_ARGON2_ITERATIONS", "1")],
            None,
        )
        .unwrap();
        assert_eq!(
            s.password_hashing,
            HashParams { memory_kib: 64, iterations: 1, parallelism: 1 }
        );
        let e =
            load_with(&[("PASSERELLE_ARGON2_MEMORY_KIB", "lots")], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_ARGON2_MEMORY_KIB"), "{e}");
        let e = load_with(&[("PASSERELLE_ARGON2_ITERATIONS", "0")], None).unwrap_err().to_string();
        assert!(e.contains("at least"), "{e}");
    }

    #[test]
    fn the_file_key_is_its_own_setting_checked_never_echoed_and_generated_when_absent() {
        let key = format!("2026b:{},2026a:{}", "ab".repeat(32), "cd".repeat(32));
        let s = load_with(&[("PASSERELLE_FILE_KEY", &key)], None).unwrap();
        let keys = s.file_keys().unwrap();
        assert_eq!(keys.current_id(), "2026b");
        assert_eq!(keys.ids(), vec!["2026a", "2026b"]);
        // A malformed key: the setting and the entry are named, the value never.
        let bad = format!("2026b:{}", "ab".repeat(31));
        let e = load_with(&[("PASSERELLE_FILE_KEY", &bad)], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_FILE_KEY") && e.contains("key number 1"), "{e}");
        assert!(!e.contains(&"ab".repeat(31)), "{e}");
        // Not configured: one is made in the data folder, kept, private, not the secret key.
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().display().to_string();
        let s = load_with(&[("PASSERELLE_DATA_DIR", &dir)], None).unwrap();
        let first = s.file_keys().unwrap();
        let again = s.file_keys().unwrap();
        assert_eq!(first.current_id(), again.current_id());
        let text = std::fs::read_to_string(data.path().join("file.key")).unwrap();
        assert_ne!(text.trim(), s.secret_key().unwrap().expose_secret());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(data.path().join("file.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Upload limit and reminder days: defaults, bounds.
        assert_eq!(s.upload_max_bytes, 20 * 1024 * 1024);
        assert_eq!(s.document_reminder_days, 60);
        assert!(s.jobs);
        assert!(!load_with(&[("PASSERELLE_JOBS", "off")], None).unwrap().jobs);
        assert!(load_with(&[("PASSERELLE_JOBS", "no")], None).is_err());
        let s = load_with(&[("PASSERELLE_UPLOAD_MAX_MB", "5")], None).unwrap();
        assert_eq!(s.upload_max_bytes, 5 * 1024 * 1024);
        assert!(load_with(&[("PASSERELLE_UPLOAD_MAX_MB", "0")], None).is_err());
        assert!(load_with(&[("PASSERELLE_DOCUMENT_REMINDER_DAYS", "400")], None).is_err());
    }

    #[test]
    fn sign_in_limits_default_to_5_per_account_and_50_per_address() {
        let s = load_with(&[], None).unwrap();
        assert_eq!((s.sign_in_attempts_per_account, s.sign_in_attempts_per_address), (5, 50));
        let s = load_with(&[("PASSERELLE_SIGN_IN_ATTEMPTS_PER_ACCOUNT", "3")], None).unwrap();
        assert_eq!(s.sign_in_attempts_per_account, 3);
        let e = load_with(&[("PASSERELLE_SIGN_IN_ATTEMPTS_PER_ADDRESS", "0")], None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PASSERELLE_SIGN_IN_ATTEMPTS_PER_ADDRESS") && e.contains("1 to 10000"),
            "{e}"
        );
    }

    #[test]
    fn the_backup_key_is_optional_long_and_never_echoed_and_retention_defaults_to_35_days() {
        let s = load_with(&[], None).unwrap();
        assert!(s.backup_key.is_none());
        assert_eq!(s.backup_retention_days, 35);
        let e =
            load_with(&[("PASSERELLE_BACKUP_KEY", "short-canary")], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_BACKUP_KEY") && e.contains("at least 32"), "{e}");
        assert!(!e.contains("short-canary"), "{e}");
        let key = "b".repeat(40);
        let s =
            load_with(&[], Some(&format!("backup_key = \"{key}\"\nbackup_retention_days = 7\n")))
                .unwrap();
        assert_eq!(s.backup_key.unwrap().expose_secret(), key);
        assert_eq!(s.backup_retention_days, 7);
        let e = load_with(&[("PASSERELLE_BACKUP_RETENTION_DAYS", "35d")], None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PASSERELLE_BACKUP_RETENTION_DAYS") && e.contains("0 (keep every"),
            "{e}"
        );
    }

    #[test]
    fn trusted_proxies_accept_addresses_networks_and_toml_lists() {
        let s = load_with(&[("PASSERELLE_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1")], None)
            .unwrap();
        assert_eq!(s.trusted_proxies.len(), 3);
        let s =
            load_with(&[], Some("trusted_proxies = [\"192.168.0.0/16\", \"10.1.2.3\"]")).unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
    }

    #[test]
    fn the_generated_key_is_kept_owner_readable_only_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let map: HashMap<&str, String> =
            [("PASSERELLE_DATA_DIR", data.display().to_string())].into();
        let s = Settings::load(None, &|k| map.get(k).cloned(), &Overrides::default()).unwrap();
        let first = s.secret_key().unwrap().expose_secret().to_owned();
        assert_eq!(first.len(), 64);
        assert_eq!(
            s.secret_key().unwrap().expose_secret(),
            first,
            "the same key on the next start"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join("secret.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_demo_never_uses_the_configured_database() {
        let s = load_with(
            &[
                ("PASSERELLE_DATABASE_URL", "postgres://h/real"),
                ("PASSERELLE_SECRET_KEY", &"s".repeat(32)),
            ],
            None,
        )
        .unwrap()
        .for_demo();
        assert_eq!(s.engine, Engine::Sqlite);
        assert_eq!(s.database_url, "sqlite://data/demo/passerelle.db");
        assert!(s.configured_secret_key.is_none());
    }

    #[test]
    fn email_needs_a_url_and_a_sender_and_never_shows_the_password() {
        use secrecy::ExposeSecret;
        assert!(load_with(&[], None).unwrap().mail.is_none());
        let s = load_with(
            &[
                ("PASSERELLE_SMTP_URL", "smtps://mailer:pw-canary@smtp.example.org:465"),
                ("PASSERELLE_MAIL_FROM", "Passerelle <passerelle@example.org>"),
            ],
            None,
        )
        .unwrap();
        let mail = s.mail.expect("configured");
        assert_eq!(mail.from, "Passerelle <passerelle@example.org>");
        assert!(!format!("{mail:?}").contains("pw-canary"));

        let e = load_with(&[("PASSERELLE_SMTP_URL", "smtp://localhost:25")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("PASSERELLE_MAIL_FROM"), "{e}");
        let e =
            load_with(&[("PASSERELLE_MAIL_FROM", "p@example.org")], None).unwrap_err().to_string();
        assert!(e.contains("PASSERELLE_SMTP_URL"), "{e}");
        let e = load_with(
            &[
                ("PASSERELLE_SMTP_URL", "http://u:pw-canary@smtp.example.org"),
                ("PASSERELLE_MAIL_FROM", "p@example.org"),
            ],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("PASSERELLE_SMTP_URL") && !e.contains("pw-canary"), "{e}");
        let e = load_with(
            &[("PASSERELLE_SMTP_URL", "smtp://localhost"), ("PASSERELLE_MAIL_FROM", "nobody")],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("PASSERELLE_MAIL_FROM"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("smtp.password");
        std::fs::write(&file, "from-a-file\n").unwrap();
        let s = load_with(
            &[
                ("PASSERELLE_SMTP_URL", "smtp://mailer@localhost:587?tls=required"),
                ("PASSERELLE_SMTP_PASSWORD_FILE", file.to_str().unwrap()),
                ("PASSERELLE_MAIL_FROM", "p@example.org"),
            ],
            None,
        )
        .unwrap();
        let password = s.mail.unwrap().password.unwrap();
        assert_eq!(password.expose_secret(), "from-a-file");
    }

    #[test]
    fn sms_reminders_need_a_webhook_url_whose_secrets_are_never_quoted() {
        let s = load_with(&[], None).unwrap();
        assert!(s.sms.is_none());
        let e = load_with(&[("PASSERELLE_SMS_WEBHOOK_TOKEN", "tok-canary")], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("PASSERELLE_SMS_WEBHOOK_URL") && !e.contains("tok-canary"), "{e}");
        let e = load_with(
            &[("PASSERELLE_SMS_WEBHOOK_URL", "https://u:pw-canary@sms.example.org/send")],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("PASSERELLE_SMS_WEBHOOK_TOKEN") && !e.contains("pw-canary"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sms.token");
        std::fs::write(&file, "token-from-a-file\n").unwrap();
        let s = load_with(
            &[
                ("PASSERELLE_SMS_WEBHOOK_URL", "https://sms.example.org/send?key=k-canary"),
                ("PASSERELLE_SMS_WEBHOOK_TOKEN_FILE", file.to_str().unwrap()),
                ("PASSERELLE_SMS_FROM", "CCAS"),
            ],
            None,
        )
        .unwrap();
        let sms = s.sms.unwrap();
        assert_eq!(sms.token.as_ref().unwrap().expose_secret(), "token-from-a-file");
        assert_eq!(sms.from.as_deref(), Some("CCAS"));
        assert!(!format!("{sms:?}").contains("k-canary"));
    }
}

#[cfg(test)]
mod documentation {
    #[test]
    fn the_readme_documents_every_environment_variable() {
        let readme = include_str!("../../../README.md");
        for var in super::ENV_VARS {
            assert!(readme.contains(&format!("`{var}`")), "README.md does not document {var}");
        }
    }
}
