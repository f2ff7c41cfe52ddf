//! Appointments: booking (one row per occurrence of a weekly slot), the conflicts of a worker
//! over a span, a worker's or a team's calendar over a span, status changes with their event
//! on the case's timeline, and the private calendar feeds (secret token, SHA-256 kept).

use domain::appointments::{CancelledBy, Place, Status};
use domain::cases::EntryKind;
use domain::{CaseId, OrganisationId, PersonId, TeamId, UserId};
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::sql::Arg;
use crate::{Exec, StoreError, Ts, Tx};

/// An appointment as calendars and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Appointment {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub worker_id: UserId,
    pub worker_name: String,
    pub person_id: Option<Uuid>,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub case_id: Option<Uuid>,
    pub series_id: Option<Uuid>,
    pub starts_at: Ts,
    pub ends_at: Ts,
    pub place: String,
    pub place_detail: Option<String>,
    pub purpose: Option<String>,
    pub status: String,
    pub cancelled_by: Option<String>,
    pub created_by: Option<Uuid>,
    pub version: i64,
    /// How the person asked to be reminded (`sms`, `email`), if at all.
    pub remind_by: Option<String>,
    /// The language of the reminder (`fr`, `en`).
    pub remind_locale: Option<String>,
}

impl Appointment {
    pub fn reminder(&self) -> Option<domain::reminders::Channel> {
        self.remind_by.as_deref().and_then(domain::reminders::Channel::parse)
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Planned)
    }

    pub fn place(&self) -> Place {
        Place::parse(&self.place).unwrap_or(Place::Office)
    }

    pub fn case(&self) -> Option<CaseId> {
        self.case_id.map(CaseId::from_uuid)
    }

    pub fn person(&self) -> Option<PersonId> {
        self.person_id.map(PersonId::from_uuid)
    }

    pub fn person_name(&self) -> Option<String> {
        self.person_id.map(|_| {
            crate::persons::list_name(
                self.used_name.as_deref(),
                self.birth_name.as_deref(),
                self.first_names.as_deref(),
            )
        })
    }
}

const SELECT: &str = "SELECT a.id, a.worker_id, u.display_name AS worker_name, a.person_id, \
     p.birth_name, p.used_name, p.first_names, a.case_id, a.series_id, a.starts_at, a.ends_at, \
     a.place, a.place_detail, a.purpose, a.status, a.cancelled_by, a.created_by, a.version, \
     a.remind_by, a.remind_locale \
     FROM appointments a JOIN users u ON u.id = a.worker_id \
     LEFT JOIN persons p ON p.id = a.person_id ";

/// What to book: one appointment, or each occurrence of a weekly slot (`spans`, in UTC).
#[derive(Debug, Clone)]
pub struct NewAppointment<'a> {
    pub organisation_id: OrganisationId,
    pub worker: UserId,
    pub person_id: Option<PersonId>,
    pub case_id: Option<CaseId>,
    pub spans: &'a [(Ts, Ts)],
    pub place: Place,
    pub place_detail: Option<&'a str>,
    pub purpose: Option<&'a str>,
    /// A reminder to the person, and the language it is written in.
    pub remind: Option<(domain::reminders::Channel, &'a str)>,
    pub by: UserId,
}

/// Books every occurrence (sharing a series id when there are several); returns their ids.
#[tracing::instrument(skip_all)]
pub async fn book(tx: &mut Tx, a: &NewAppointment<'_>, now: Ts) -> Result<Vec<Uuid>, StoreError> {
    let series = (a.spans.len() > 1).then(Uuid::now_v7);
    let mut ids = Vec::new();
    for (starts, ends) in a.spans {
        let id = Uuid::now_v7();
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO appointments (id, organisation_id, worker_id, person_id, case_id, \
             series_id, starts_at, ends_at, place, place_detail, purpose, status, created_by, \
             created_at, updated_at, version, remind_by, remind_locale) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'planned', $12, $13, $13, 1, \
             $14, $15)",
            id,
            a.organisation_id.as_uuid(),
            a.worker.as_uuid(),
            a.person_id.map(|p| p.as_uuid()),
            a.case_id.map(|c| c.as_uuid()),
            series,
            *starts,
            *ends,
            a.place.as_str(),
            a.place_detail,
            a.purpose,
            a.by.as_uuid(),
            now,
            a.remind.map(|(c, _)| c.as_str()),
            a.remind.map(|(_, l)| l),
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// The worker's appointments not cancelled that overlap one of `spans` (back to back is no
/// conflict), by start.
#[tracing::instrument(skip_all)]
pub async fn conflicts<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    worker: UserId,
    spans: &[(Ts, Ts)],
    except: Option<Uuid>,
) -> Result<Vec<Appointment>, StoreError> {
    if spans.is_empty() {
        return Ok(vec![]);
    }
    let mut args = vec![
        Arg::Uuid(organisation_id.as_uuid()),
        Arg::Uuid(worker.as_uuid()),
        Arg::Uuid(except.unwrap_or_else(Uuid::nil)),
    ];
    let mut ors = Vec::new();
    for (s, e) in spans {
        args.push(Arg::Ts(*e));
        args.push(Arg::Ts(*s));
        ors.push(format!("(a.starts_at < ${} AND a.ends_at > ${})", args.len() - 1, args.len()));
    }
    let sql = format!(
        "{SELECT}WHERE a.organisation_id = $1 AND a.worker_id = $2 AND a.id <> $3 \
         AND a.status <> 'cancelled' AND ({}) ORDER BY a.starts_at, a.id LIMIT 50",
        ors.join(" OR ")
    );
    Ok(sql!(dyn as Appointment, fetch_all, exec, &sql, args)?)
}

/// Whose calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Worker(UserId),
    /// The enabled members of a team.
    Team(TeamId),
}

/// The appointments of `calendar` starting in `[from, until)`, cancelled ones included, by
/// start (at most 1 000).
#[tracing::instrument(skip_all)]
pub async fn between<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    calendar: Calendar,
    from: Ts,
    until: Ts,
) -> Result<Vec<Appointment>, StoreError> {
    let (filter, who) = match calendar {
        Calendar::Worker(u) => ("a.worker_id = $4", u.as_uuid()),
        Calendar::Team(t) => (
            "a.worker_id IN (SELECT m.user_id FROM membership_teams mt \
             JOIN memberships m ON m.id = mt.membership_id \
             WHERE mt.team_id = $4 AND m.organisation_id = $1 AND m.disabled_at IS NULL)",
            t.as_uuid(),
        ),
    };
    let sql = format!(
        "{SELECT}WHERE a.organisation_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 \
         AND {filter} ORDER BY a.starts_at, u.display_name, a.id LIMIT 1000"
    );
    Ok(sql!(as Appointment, fetch_all, exec, &sql, organisation_id.as_uuid(), from, until, who)?)
}

/// The appointments of a case, latest first (at most 100).
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case: CaseId,
) -> Result<Vec<Appointment>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE a.organisation_id = $1 AND a.case_id = $2 \
         ORDER BY a.starts_at DESC, a.id LIMIT 100"
    );
    Ok(sql!(as Appointment, fetch_all, exec, &sql, organisation_id.as_uuid(), case.as_uuid())?)
}

#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Appointment>, StoreError> {
    let sql = format!("{SELECT}WHERE a.organisation_id = $1 AND a.id = $2");
    Ok(sql!(as Appointment, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// Moves an appointment to `to` (with who cancelled, for a cancellation) if nobody changed it
/// since `expected_version`; an appointment of a case done, missed or cancelled goes on its
/// timeline (`summary`: how it is shown then, e.g. its date and place). `false`: nothing
/// written.
#[allow(clippy::too_many_arguments)] // One change: which, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn change_status(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    appointment: &Appointment,
    expected_version: i64,
    to: Status,
    cancelled_by: Option<CancelledBy>,
    summary: &str,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE appointments SET status = $4, cancelled_by = $5, status_changed_at = $6, \
         status_changed_by = $7, updated_at = $6, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        appointment.id,
        expected_version,
        to.as_str(),
        cancelled_by.filter(|_| to == Status::Cancelled).map(|c| c.as_str()),
        now,
        by.as_uuid(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    if let Some(case_id) = appointment.case() {
        let detail = match (to, cancelled_by) {
            (Status::Cancelled, Some(CancelledBy::Person)) => "cancelled_person",
            (Status::Cancelled, Some(CancelledBy::Organisation)) => "cancelled_organisation",
            (Status::Cancelled, _) => "cancelled_worker",
            (s, _) => s.as_str(),
        };
        let event = NewEvent {
            organisation_id,
            case_id,
            kind: EntryKind::Appointment,
            occurred_at: now,
            author: Some(by),
            subject_id: Some(appointment.id),
            summary: Some(summary),
            detail,
        };
        crate::cases::add_event(tx, &event, now).await?;
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Calendar feeds.

/// A worker's feed as their page shows it (never the token: only its owner sees it, once).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Feed {
    pub id: Uuid,
    pub show_names: bool,
    pub created_at: Ts,
    pub last_used_at: Option<Ts>,
}

/// The user's feed in the organisation that is not revoked, if any.
#[tracing::instrument(skip_all)]
pub async fn active_feed<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
) -> Result<Option<Feed>, StoreError> {
    Ok(sql!(
        as Feed,
        fetch_optional,
        exec,
        "SELECT id, show_names, created_at, last_used_at FROM calendar_feeds \
         WHERE organisation_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        organisation_id.as_uuid(),
        user.as_uuid(),
    )?)
}

/// Revokes the user's feed, if any, and creates a new one with `token_hash`.
#[tracing::instrument(skip_all)]
pub async fn replace_feed(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    user: UserId,
    token_hash: &[u8; 32],
    show_names: bool,
    now: Ts,
) -> Result<(), StoreError> {
    revoke_feed(tx, organisation_id, user, now).await?;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO calendar_feeds (id, organisation_id, user_id, token_hash, show_names, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        organisation_id.as_uuid(),
        user.as_uuid(),
        token_hash.as_slice(),
        show_names,
        now,
    )?;
    Ok(())
}

/// Revokes the user's feed; `true` if there was one.
#[tracing::instrument(skip_all)]
pub async fn revoke_feed(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    user: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE calendar_feeds SET revoked_at = $3 \
         WHERE organisation_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        organisation_id.as_uuid(),
        user.as_uuid(),
        now,
    )?;
    Ok(n > 0)
}

/// Whose feed a token opens: (organisation, user, show names, organisation's time zone), if
/// the feed is not revoked and its user still a member; its use is recorded.
#[tracing::instrument(skip_all)]
pub async fn open_feed(
    tx: &mut Tx,
    token_hash: &[u8; 32],
    now: Ts,
) -> Result<Option<(OrganisationId, UserId, bool)>, StoreError> {
    let row: Option<(Uuid, Uuid, Uuid, bool)> = sql!(
        as (Uuid, Uuid, Uuid, bool),
        fetch_optional,
        &mut *tx,
        "SELECT f.id, f.organisation_id, f.user_id, f.show_names FROM calendar_feeds f \
         JOIN memberships m ON m.user_id = f.user_id AND m.organisation_id = f.organisation_id \
         JOIN users u ON u.id = f.user_id \
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND m.disabled_at IS NULL \
         AND u.disabled_at IS NULL",
        token_hash.as_slice(),
    )?;
    let Some((id, org, user, names)) = row else { return Ok(None) };
    sql!(execute, &mut *tx, "UPDATE calendar_feeds SET last_used_at = $2 WHERE id = $1", id, now)?;
    Ok(Some((OrganisationId::from_uuid(org), UserId::from_uuid(user), names)))
}
