//! Passerelle's web layer: pages, the JSON API, translations and the middleware every request
//! goes through. Each feature owns a folder with its router (`mod.rs`), its pages and its API.

pub mod account;
pub mod admin;
pub mod aid;
pub mod api;
pub mod api_tokens;
pub mod appointments;
pub mod assessments;
pub mod assets;
pub mod audit;
pub mod audit_trail;
pub mod auth;
pub mod budgets;
pub mod caseloads;
pub mod cases;
pub mod charts;
pub mod chrome;
pub mod client_addr;
pub mod dates;
pub mod documents;
pub mod domiciliation;
pub mod ecomap;
pub mod errors;
pub mod federation;
pub mod home;
pub mod i18n;
pub mod intake;
pub mod jobs;
pub mod language;
pub mod mail;
pub mod middleware;
pub mod notifications;
pub mod organisation_settings;
pub mod partners;
pub mod persons;
pub mod plans;
pub mod privacy;
pub mod referrals;
pub mod reminders;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod statistics;
pub mod subject_access;
pub mod system;
pub mod tasks;
pub mod telemetry;
pub mod voice_notes;

use std::sync::Arc;

use ipnet::IpNet;
use secrecy::SecretString;
use store::Db;

pub use startup::Application;

/// What the web layer needs to know of the configuration, already validated.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address users reach the application at, e.g. `https://passerelle.example.org`.
    pub base_url: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Signs and encrypts what the server hands out (sessions, links); shared by every app
    /// server of an instance.
    pub secret_key: SecretString,
    /// A session unused for this long ends (default 30 minutes).
    pub session_idle: time::Duration,
    /// A session ends this long after sign-in, however active (default 12 hours).
    pub session_absolute: time::Duration,
    /// Argon2id cost for new password hashes.
    pub password_hashing: domain::passwords::HashParams,
    /// Sign-in attempts evaluated per account (the e-mail typed) before back-off.
    pub throttle_account: store::throttle::ThrottlePolicy,
    /// Sign-in attempts evaluated per client address before back-off.
    pub throttle_address: store::throttle::ThrottlePolicy,
    /// SMTP, when e-mail is configured (the jobs page says whether it is).
    pub mail: Option<mail::MailConfig>,
    /// The SMS webhook of the reminders to persons, when configured (ADR 0027).
    pub sms: Option<reminders::webhook::SmsConfig>,
    /// The file store of documents (and voice notes), with its limits.
    pub files: documents::FilesConfig,
    /// The transcription server of voice notes, when configured (else the worker writes the
    /// note while listening).
    pub transcription: Option<voice_notes::TranscriptionConfig>,
}

impl WebConfig {
    pub const DEFAULT_SESSION_IDLE: time::Duration = time::Duration::minutes(30);
    pub const DEFAULT_SESSION_ABSOLUTE: time::Duration = time::Duration::hours(12);
}

impl WebConfig {
    /// Cookies get `Secure`, and responses HSTS, when users reach us over HTTPS.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub i18n: Arc<i18n::I18n>,
    pub assets: Arc<assets::Assets>,
    /// Every route's access rule.
    pub rules: routes::SharedRules,
    /// A hash verified when the account is unknown, so that failing costs the same time.
    pub dummy_hash: String,
}
