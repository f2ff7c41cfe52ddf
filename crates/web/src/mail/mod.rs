//! E-mail of notifications: the [`Mailer`] port with its SMTP implementation ([`smtp`]) and a
//! recording double for tests ([`RecordingMailer`]), the messages in the recipient's language
//! with the organisation's letterhead ([`compose`]), and the jobs that send them ([`jobs`]).
//!
//! Without SMTP configured nothing is sent: notifications stay in the app, the jobs finish
//! without sending, and the jobs page says e-mail is not configured.

pub mod compose;
pub mod jobs;
pub mod smtp;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

/// One e-mail, ready to send: both versions of the body, in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to_address: String,
    pub to_name: String,
    /// The language tag of the message (`fr`, `en`), the HTML version's `lang`.
    pub lang: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a send failed, without the message or the address (they are personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Sends e-mail. Implementations: [`smtp::SmtpMailer`], and [`RecordingMailer`] in tests.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a>;
}

/// A mailer that keeps what it is given instead of sending it, and can be told to fail the
/// next sends (an SMTP server down).
#[derive(Debug, Clone, Default)]
pub struct RecordingMailer {
    inner: Arc<Mutex<Recorded>>,
}

#[derive(Debug, Default)]
struct Recorded {
    sent: Vec<OutgoingEmail>,
    failures_left: usize,
}

impl RecordingMailer {
    pub fn new() -> RecordingMailer {
        RecordingMailer::default()
    }

    /// Every e-mail sent so far, in order.
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.inner.lock().expect("not poisoned").sent.clone()
    }

    /// The next `n` sends fail.
    pub fn fail_next(&self, n: usize) {
        self.inner.lock().expect("not poisoned").failures_left = n;
    }
}

impl Mailer for RecordingMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let mut inner = self.inner.lock().expect("not poisoned");
            if inner.failures_left > 0 {
                inner.failures_left -= 1;
                return Err(MailError("the recording mailer was told to fail".into()));
            }
            inner.sent.push(email.clone());
            Ok(())
        })
    }
}

/// The SMTP settings, already checked (see the configuration in `passerelle`).
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://` or `smtps://`, possibly with a user and password: a secret as a whole.
    pub smtp_url: SecretString,
    /// A password read from a file, used with the URL's user when the URL has none.
    pub password: Option<SecretString>,
    /// The sender, e.g. `Passerelle <passerelle@ccas.example.org>`.
    pub from: String,
}

impl std::fmt::Debug for MailConfig {
    /// Never the URL (it may hold the password): only the host.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp", &redacted(&self.smtp_url))
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// An SMTP URL without its user and password, for logs and `passerelle check`.
pub fn redacted(url: &SecretString) -> String {
    let url = url.expose_secret();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            let host = host.split(['/', '?']).next().unwrap_or_default();
            format!("{scheme}://{host}")
        }
        None => "(not a URL)".to_owned(),
    }
}

/// Checks an SMTP URL: `smtp://` or `smtps://` and a host. The error never quotes the URL.
pub fn check_smtp_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("smtp://")
        .or_else(|| url.strip_prefix("smtps://"))
        .ok_or("expected smtp://host:port or smtps://host:port")?;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split(['/', '?', ':']).next().unwrap_or_default();
    if host.is_empty() {
        return Err("the URL names no host");
    }
    Ok(())
}

/// Whether e-mail is configured, as the jobs page shows it (never the credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailStatus {
    /// `scheme://host:port` and the sender, when configured.
    pub configured: Option<(String, String)>,
}

impl MailStatus {
    pub fn of(config: &crate::WebConfig) -> MailStatus {
        MailStatus {
            configured: config.mail.as_ref().map(|m| (redacted(&m.smtp_url), m.from.clone())),
        }
    }
}

/// Whether `from` is an address lettre accepts as the sender (`a@b.org` or
/// `Name <a@b.org>`).
pub fn is_valid_sender(from: &str) -> bool {
    from.parse::<lettre::message::Mailbox>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_is_shown_without_its_credentials() {
        let url =
            SecretString::from("smtps://mailer:s3cret-canary@smtp.example.org:465".to_owned());
        assert_eq!(redacted(&url), "smtps://smtp.example.org:465");
        let config = MailConfig { smtp_url: url, password: None, from: "p@example.org".into() };
        assert!(!format!("{config:?}").contains("s3cret-canary"));
    }

    #[test]
    fn only_smtp_and_smtps_urls_with_a_host_are_accepted() {
        assert!(check_smtp_url("smtp://localhost:25").is_ok());
        assert!(check_smtp_url("smtps://u:p@smtp.example.org").is_ok());
        assert!(check_smtp_url("smtp://localhost:587?tls=required").is_ok());
        assert!(check_smtp_url("http://smtp.example.org").is_err());
        assert!(check_smtp_url("smtp://").is_err());
        assert!(check_smtp_url("smtp://user:pw@:25").is_err());
    }
}
