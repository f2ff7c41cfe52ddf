//! Reminders of appointments sent to the person (ADR 0027): which appointments are due for
//! one, what the message needs (the person's number or address, the organisation), and the
//! record of what became of each reminder — once per appointment and start time, so that a
//! job run twice, or two servers, send one message.

use domain::OrganisationId;
use domain::reminders::{self, Channel, Outcome};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// The periodic job that finds the reminders due and enqueues one job each.
pub const DUE_JOB: &str = "appointment_reminders";
/// Every quarter of an hour: a reminder goes out within 15 minutes of its time.
pub const DUE_EVERY_MINUTES: i64 = 15;
/// The job that sends one reminder, keyed by [`domain::reminders::key`].
pub const SEND_JOB: &str = "appointment_reminder";
/// Reminders looked at per run; the next run takes the rest.
const BATCH: i64 = 500;

/// A planned appointment wanting a reminder soon.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Due {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub starts_at: Ts,
    pub time_zone: String,
}

/// The planned appointments with a person and a reminder asked for, starting within
/// [`reminders::LEAD`] of `now` but not within [`reminders::TOO_LATE`], whose reminder for that
/// start is not recorded yet (at most 500, soonest first). Quiet hours are the caller's.
#[tracing::instrument(skip_all)]
pub async fn due<'c>(exec: impl Into<Exec<'c>>, now: Ts) -> Result<Vec<Due>, StoreError> {
    let from = Ts::from(now.get() + reminders::TOO_LATE);
    let until = Ts::from(now.get() + reminders::LEAD);
    Ok(sql!(
        as Due,
        fetch_all,
        exec,
        "SELECT a.id, a.organisation_id, a.starts_at, o.time_zone \
         FROM appointments a JOIN organisations o ON o.id = a.organisation_id \
         WHERE a.remind_by IS NOT NULL AND a.status = 'planned' AND a.person_id IS NOT NULL \
         AND a.starts_at > $1 AND a.starts_at <= $2 \
         AND NOT EXISTS (SELECT 1 FROM appointment_reminders r \
             WHERE r.appointment_id = a.id AND r.starts_at = a.starts_at) \
         ORDER BY a.starts_at, a.id LIMIT $3",
        from,
        until,
        BATCH,
    )?)
}

/// What a reminder is written from, read when it goes out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ToSend {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub starts_at: Ts,
    pub place: String,
    pub status: String,
    pub remind_by: Option<String>,
    pub remind_locale: Option<String>,
    /// The person's numbers, one a line, as typed.
    pub phones: Option<String>,
    pub email: Option<String>,
    pub first_names: Option<String>,
    pub used_name: Option<String>,
    pub birth_name: Option<String>,
}

impl ToSend {
    pub fn channel(&self) -> Option<Channel> {
        self.remind_by.as_deref().and_then(Channel::parse)
    }

    pub fn phones(&self) -> Vec<String> {
        self.phones.as_deref().unwrap_or_default().lines().map(str::to_owned).collect()
    }
}

#[tracing::instrument(skip_all)]
pub async fn to_send<'c>(
    exec: impl Into<Exec<'c>>,
    appointment: Uuid,
) -> Result<Option<ToSend>, StoreError> {
    Ok(sql!(
        as ToSend,
        fetch_optional,
        exec,
        "SELECT a.id, a.organisation_id, a.starts_at, a.place, a.status, a.remind_by, \
         a.remind_locale, p.phones, p.email, p.first_names, p.used_name, p.birth_name \
         FROM appointments a JOIN persons p ON p.id = a.person_id WHERE a.id = $1",
        appointment,
    )?)
}

/// What became of the reminder of one start time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Record {
    pub starts_at: Ts,
    pub channel: String,
    pub outcome: String,
    pub recorded_at: Ts,
}

impl Record {
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::parse(&self.outcome)
    }

    pub fn channel(&self) -> Option<Channel> {
        Channel::parse(&self.channel)
    }
}

/// The record of the reminder of the appointment for its start `starts_at`, if there is one.
#[tracing::instrument(skip_all)]
pub async fn record_of<'c>(
    exec: impl Into<Exec<'c>>,
    appointment: Uuid,
    starts_at: Ts,
) -> Result<Option<Record>, StoreError> {
    Ok(sql!(
        as Record,
        fetch_optional,
        exec,
        "SELECT starts_at, channel, outcome, recorded_at FROM appointment_reminders \
         WHERE appointment_id = $1 AND starts_at = $2",
        appointment,
        starts_at,
    )?)
}

/// Records what became of a reminder; a second record of the same start changes nothing.
/// `true` when this call recorded it.
#[tracing::instrument(skip_all)]
pub async fn record<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    appointment: Uuid,
    starts_at: Ts,
    channel: Channel,
    outcome: Outcome,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "INSERT INTO appointment_reminders (appointment_id, starts_at, organisation_id, channel, \
         outcome, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (appointment_id, starts_at) DO NOTHING",
        appointment,
        starts_at,
        organisation_id.as_uuid(),
        channel.as_str(),
        outcome.as_str(),
        now,
    )?;
    Ok(n == 1)
}

/// Changes how the person is reminded of a planned appointment (or stops the reminder), if
/// nobody changed the appointment since `expected_version`. `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn choose(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    appointment: Uuid,
    expected_version: i64,
    remind: Option<(Channel, &str)>,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE appointments SET remind_by = $4, remind_locale = $5, updated_at = $6, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = 'planned'",
        organisation_id.as_uuid(),
        appointment,
        expected_version,
        remind.map(|(c, _)| c.as_str()),
        remind.map(|(_, l)| l),
        now,
    )?;
    Ok(n == 1)
}
