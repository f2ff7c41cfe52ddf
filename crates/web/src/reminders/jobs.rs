//! The reminder jobs: every quarter of an hour one server finds the reminders due
//! ([`store::reminders::due`], quiet hours in the organisation's zone) and enqueues one
//! `appointment_reminder` job each, keyed by appointment and start time; each job sends its
//! message once and records what became of it. A reminder already recorded is not sent again
//! (a job run twice, a lost lease); a crash between the send and the record sends twice — at
//! least once, as every job (ADR 0008).

use std::sync::Arc;

use domain::OrganisationId;
use domain::appointments::Place;
use domain::reminders::{self, Channel, Outcome};
use serde::{Deserialize, Serialize};
use store::jobs::runner::{JobContext, JobError, Registry};
use store::jobs::{NewJob, Schedule};
use store::{Db, Ts};
use uuid::Uuid;

use super::compose::{self, Reminder};
use super::{Notifier, OutgoingSms};
use crate::i18n::{I18n, Locale, Tr};
use crate::mail::compose::Letterhead;
use crate::mail::jobs::parse_ts;

/// The period of the job that finds the reminders due.
pub const DUE_SCHEDULE: Schedule =
    Schedule::new(store::reminders::DUE_JOB, store::reminders::DUE_EVERY_MINUTES);

/// What the reminder jobs need.
#[derive(Clone)]
pub struct ReminderJobs {
    pub db: Db,
    pub i18n: Arc<I18n>,
    pub notifier: Notifier,
}

/// Adds the reminder jobs and their schedule to `registry`.
pub fn register(registry: Registry, deps: ReminderJobs) -> Registry {
    let (a, b) = (deps.clone(), deps);
    registry
        .handle(store::reminders::DUE_JOB, move |ctx| enqueue_due(a.clone(), ctx))
        .handle(store::reminders::SEND_JOB, move |ctx| send(b.clone(), ctx))
        .every(DUE_SCHEDULE)
}

#[derive(Serialize, Deserialize)]
struct SendPayload {
    appointment_id: Uuid,
    starts_at: String,
}

async fn enqueue_due(deps: ReminderJobs, ctx: JobContext) -> Result<(), JobError> {
    let mut tx = deps.db.begin_write().await?;
    let (due, enqueued) = enqueue_due_at(&mut tx, Ts::now()).await?;
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    // Counts only.
    tracing::info!(job_id = %ctx.job().id, due, enqueued, "appointment reminders");
    Ok(())
}

/// Enqueues, in `tx`, one send job per reminder due at `now` outside the quiet hours of its
/// organisation; returns how many were due and how many jobs this call enqueued (a job still
/// pending for the same reminder is not enqueued twice).
pub async fn enqueue_due_at(
    tx: &mut store::Tx,
    now: Ts,
) -> Result<(usize, usize), store::StoreError> {
    let due = store::reminders::due(&mut *tx, now).await?;
    let mut enqueued = 0;
    for d in &due {
        let hour = store::ts::utc_to_local(now, Some(&d.time_zone)).hour();
        if !reminders::is_due(d.starts_at.get(), now.get(), hour) {
            continue;
        }
        let starts = d.starts_at.canonical();
        let key = reminders::key(d.id, &starts);
        let payload = SendPayload { appointment_id: d.id, starts_at: starts };
        let job = NewJob::new(store::reminders::SEND_JOB, &key).payload(serde_json::json!(payload));
        if store::jobs::enqueue(tx, &job, now).await?.is_some() {
            enqueued += 1;
        }
    }
    Ok((due.len(), enqueued))
}

/// "First names Name", as the e-mail greets the person.
fn greeting_name(a: &store::reminders::ToSend) -> String {
    [a.first_names.as_deref(), a.used_name.as_deref().or(a.birth_name.as_deref())]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn send(deps: ReminderJobs, ctx: JobContext) -> Result<(), JobError> {
    let payload: SendPayload = ctx.payload()?;
    let starts = parse_ts(&payload.starts_at)
        .ok_or_else(|| JobError::new("the reminder's start time does not parse"))?;
    let Some(a) = store::reminders::to_send(&deps.db, payload.appointment_id).await? else {
        return Ok(());
    };
    // Cancelled, done, moved (its new time has a job of its own), or no reminder any more.
    let Some(channel) = a.channel().filter(|_| a.status == "planned" && a.starts_at == starts)
    else {
        return Ok(());
    };
    if a.starts_at.get() <= Ts::now().get()
        || store::reminders::record_of(&deps.db, a.id, a.starts_at).await?.is_some()
    {
        return Ok(());
    }
    let org = OrganisationId::from_uuid(a.organisation_id);
    let settings = store::organisations::settings(&deps.db, org).await?;
    let letterhead = Letterhead::of(settings.as_ref());
    let organisation = letterhead.organisation.clone().unwrap_or_default();
    let locale = a.remind_locale.as_deref().and_then(Locale::from_tag).unwrap_or(Locale::DEFAULT);
    let t = Tr::new(deps.i18n.clone(), locale);
    let reminder = Reminder {
        organisation: &organisation,
        local_start: store::ts::utc_to_local(a.starts_at, letterhead.time_zone.as_deref()),
        place: Place::parse(&a.place).unwrap_or(Place::Office),
    };
    let job_id = ctx.job().id;
    let outcome = match channel {
        Channel::Sms => match (reminders::sms_number(&a.phones()), &deps.notifier.sms) {
            (None, _) => Outcome::NoAddress,
            (Some(_), None) => {
                tracing::info!(%job_id, appointment_id = %a.id, "SMS reminder not sent: no SMS provider is configured");
                Outcome::NotConfigured
            }
            (Some(to), Some(sender)) => {
                let sms = OutgoingSms { to, text: compose::sms(&t, &reminder) };
                sender.send(&sms).await.map_err(|e| JobError::new(e.0))?;
                Outcome::Sent
            }
        },
        Channel::Email => {
            match (reminders::email_address(a.email.as_deref()), &deps.notifier.mailer) {
                (None, _) => Outcome::NoAddress,
                (Some(_), None) => {
                    tracing::info!(%job_id, appointment_id = %a.id, "e-mail reminder not sent: e-mail is not configured");
                    Outcome::NotConfigured
                }
                (Some(address), Some(mailer)) => {
                    let email =
                        compose::email(&t, address, &greeting_name(&a), &reminder, &letterhead);
                    mailer.send(&email).await.map_err(|e| JobError::new(e.0))?;
                    Outcome::Sent
                }
            }
        }
    };
    store::reminders::record(&deps.db, org, a.id, a.starts_at, channel, outcome, Ts::now()).await?;
    tracing::info!(%job_id, appointment_id = %a.id, channel = channel.as_str(), outcome = outcome.as_str(), "appointment reminder");
    Ok(())
}
