//! The reminder to the person, on the booking form and the appointment's page: by SMS to the
//! mobile number of their record, by e-mail, or none (the default: a reminder is sent only
//! when the person agreed); the language of the message; and what became of it (ADR 0027).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::appointments::Status;
use domain::audit::AuditAction;
use domain::reminders::{self, Channel, Outcome};
use domain::{OrganisationId, PersonId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::pages::{Choice, load, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::{Locale, Tr};

/// One way to remind, as the form offers it.
pub struct ReminderOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
    /// Offered but not possible: the record lacks the number or address.
    pub disabled: bool,
}

/// The reminder fieldset: its options, the languages, and what the instance cannot send.
pub struct ReminderChoices {
    pub options: Vec<ReminderOption>,
    pub locales: Vec<Choice>,
    pub warnings: Vec<String>,
}

/// The person's ways to be reached, from their record.
pub struct Contact {
    pub sms: Option<String>,
    pub email: Option<String>,
}

pub async fn contact(
    state: &AppState,
    org: OrganisationId,
    person: PersonId,
) -> Result<Contact, WebError> {
    let p = store::persons::find(&state.db, org, person).await?.ok_or(WebError::NotFound)?;
    Ok(Contact {
        sms: reminders::sms_number(&p.record.phones),
        email: reminders::email_address(p.record.email.as_deref()).map(str::to_owned),
    })
}

/// What the fieldset shows, `chosen` and `locale` as the form had them.
pub fn choices(
    state: &AppState,
    t: &Tr,
    contact: &Contact,
    chosen: &str,
    locale: &str,
) -> ReminderChoices {
    let notifier_sms = state.config.sms.is_some();
    let notifier_mail = state.config.mail.is_some();
    let mut options = vec![ReminderOption {
        code: "none",
        label: t.msg("reminder-none"),
        selected: Channel::parse(chosen).is_none(),
        disabled: false,
    }];
    options.push(ReminderOption {
        code: Channel::Sms.as_str(),
        label: match &contact.sms {
            Some(n) => t.msg_args("reminder-sms", &[("number", n)]),
            None => t.msg("reminder-sms-none"),
        },
        selected: chosen == Channel::Sms.as_str(),
        disabled: contact.sms.is_none(),
    });
    options.push(ReminderOption {
        code: Channel::Email.as_str(),
        label: match &contact.email {
            Some(a) => t.msg_args("reminder-email", &[("address", a)]),
            None => t.msg("reminder-email-none"),
        },
        selected: chosen == Channel::Email.as_str(),
        disabled: contact.email.is_none(),
    });
    let mut warnings = vec![];
    if !notifier_sms && contact.sms.is_some() {
        warnings.push(t.msg("reminder-not-configured-sms"));
    }
    if !notifier_mail && contact.email.is_some() {
        warnings.push(t.msg("reminder-not-configured-email"));
    }
    let locale = Locale::from_tag(locale).unwrap_or(Locale::DEFAULT);
    let locales = [Locale::Fr, Locale::En]
        .into_iter()
        .map(|l| Choice {
            code: l.tag().to_owned(),
            label: t.msg(&format!("reminder-language-{}", l.tag())),
            selected: l == locale,
        })
        .collect();
    ReminderChoices { options, locales, warnings }
}

/// The reminder chosen on a form, checked against the person's record: `Err` is the message
/// for the field.
pub fn parse(
    t: &Tr,
    contact: Option<&Contact>,
    chosen: &str,
    locale: &str,
) -> Result<Option<(Channel, &'static str)>, String> {
    let Some(channel) = Channel::parse(chosen) else { return Ok(None) };
    let Some(contact) = contact else { return Err(t.msg("reminder-error-nobody")) };
    match channel {
        Channel::Sms if contact.sms.is_none() => return Err(t.msg("reminder-error-no-number")),
        Channel::Email if contact.email.is_none() => {
            return Err(t.msg("reminder-error-no-address"));
        }
        _ => {}
    }
    Ok(Some((channel, Locale::from_tag(locale).unwrap_or(Locale::DEFAULT).tag())))
}

fn channel_label(t: &Tr, c: Channel) -> String {
    t.msg(&format!("reminder-channel-{}", c.as_str()))
}

/// The line the appointment's page shows about the reminder.
pub async fn status_line(
    state: &AppState,
    t: &Tr,
    a: &store::appointments::Appointment,
    local: impl Fn(Ts) -> String,
) -> Result<String, WebError> {
    let Some(channel) = a.reminder() else { return Ok(t.msg("reminder-status-none")) };
    let record = store::reminders::record_of(&state.db, a.id, a.starts_at).await?;
    let channel_text =
        channel_label(t, record.as_ref().and_then(|r| r.channel()).unwrap_or(channel));
    Ok(match record {
        None => t.msg_args("reminder-status-planned", &[("channel", &channel_text)]),
        Some(r) => {
            let key = match r.outcome() {
                Some(Outcome::Sent) => "reminder-status-sent",
                Some(Outcome::NoAddress) => "reminder-status-no-address",
                _ => "reminder-status-not-configured",
            };
            t.msg_args(key, &[("channel", &channel_text), ("when", &local(r.recorded_at))])
        }
    })
}

#[derive(Debug, Deserialize)]
pub struct ReminderForm {
    #[serde(default)]
    remind_by: String,
    #[serde(default)]
    remind_locale: String,
    #[serde(default)]
    version: i64,
}

/// Changes the reminder of a planned appointment (the person agreed since, or asked to stop).
pub async fn change(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    ctx: crate::chrome::PageCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<ReminderForm>,
) -> Result<Response, WebError> {
    let (a, access) = load(&state, &signed_in, id).await?;
    let stale = Redirect::to(&format!("/appointments/{id}?changed=stale#reminder")).into_response();
    if !access.change || a.status() != Status::Planned {
        return Ok(stale);
    }
    let org = organisation(&signed_in)?;
    let contact = match a.person() {
        Some(p) => Some(contact(&state, org, p).await?),
        None => None,
    };
    let remind = match parse(&ctx.t, contact.as_ref(), &form.remind_by, &form.remind_locale) {
        Ok(r) => r,
        Err(_) => {
            // The record changed since the page was shown: show it as it is now.
            return Ok(stale);
        }
    };
    let mut tx = state.db.begin_write().await?;
    if !store::reminders::choose(&mut tx, org, a.id, form.version, remind, Ts::now()).await? {
        drop(tx);
        return Ok(stale);
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("appointment", a.id)
        .detail("reminder", remind.map(|(c, _)| c.as_str()).unwrap_or("none"));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/appointments/{id}?changed=reminder#reminder")).into_response())
}
