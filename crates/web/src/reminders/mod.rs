//! Reminders of appointments sent to the person (issue 9 point 1, ADR 0027): a pluggable
//! notifier. E-mail goes through the SMTP mailer of the notifications ([`crate::mail`]); SMS
//! through an [`SmsSender`] — the interface a provider implements, with a generic HTTP
//! webhook ([`webhook::WebhookSms`]) and a recording double for tests. Without a provider for
//! the channel, the reminder is only written in the log (ids, never the number or the text)
//! and recorded as not sent, so the appointment's page tells the worker to call the person.
//!
//! The choice is made when booking, with the person's agreement; the messages are composed in
//! [`compose`] and sent by the jobs of [`jobs`].

pub mod compose;
pub mod jobs;
pub mod webhook;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::mail::Mailer;

/// Why an SMS was not sent, without the number or the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SmsError(pub String);

pub type SmsFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// One SMS, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// International form, `+33612345678`.
    pub to: String,
    pub text: String,
}

/// Sends SMS through a provider. Implement it for a provider's API; [`webhook::WebhookSms`]
/// posts to any gateway that takes a JSON body.
pub trait SmsSender: Send + Sync {
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SmsFuture<'a>;
}

/// An SMS sender that keeps what it is given, and can be told to fail the next sends.
#[derive(Debug, Clone, Default)]
pub struct RecordingSms {
    inner: Arc<Mutex<(Vec<OutgoingSms>, usize)>>,
}

impl RecordingSms {
    pub fn new() -> RecordingSms {
        RecordingSms::default()
    }

    pub fn sent(&self) -> Vec<OutgoingSms> {
        self.inner.lock().expect("not poisoned").0.clone()
    }

    pub fn fail_next(&self, n: usize) {
        self.inner.lock().expect("not poisoned").1 = n;
    }
}

impl SmsSender for RecordingSms {
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SmsFuture<'a> {
        Box::pin(async move {
            let mut inner = self.inner.lock().expect("not poisoned");
            if inner.1 > 0 {
                inner.1 -= 1;
                return Err(SmsError("the recording SMS sender was told to fail".into()));
            }
            inner.0.push(sms.clone());
            Ok(())
        })
    }
}

/// The ways a person can be reached; a channel without its sender is "log only".
#[derive(Clone, Default)]
pub struct Notifier {
    pub mailer: Option<Arc<dyn Mailer>>,
    pub sms: Option<Arc<dyn SmsSender>>,
}

impl Notifier {
    /// Whether a reminder by `channel` would really go out on this instance.
    pub fn can_send(&self, channel: domain::reminders::Channel) -> bool {
        match channel {
            domain::reminders::Channel::Sms => self.sms.is_some(),
            domain::reminders::Channel::Email => self.mailer.is_some(),
        }
    }
}
