//! Data-subject requests (ADR 0035): the log of requests with their deadline, extension,
//! answer and the release of their export; the exports made for them. The export's content is
//! gathered by [`export`].

pub mod export;

use domain::subject_access::{Kind, Status};
use domain::{OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// A request as stored, with the person's names for the list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Request {
    pub id: Uuid,
    /// None once the person's file was erased (ADR 0036): the request stays as proof.
    pub person_id: Option<Uuid>,
    pub kind: String,
    pub received_on: Date,
    pub extension_reason: Option<String>,
    pub status: String,
    pub answered_on: Option<Date>,
    pub answer_note: Option<String>,
    pub handled_by_name: Option<String>,
    pub released_at: Option<Ts>,
    pub released_by_name: Option<String>,
    pub version: i64,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub erased_at: Option<Ts>,
}

impl Request {
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::Access)
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Open)
    }

    /// The person asking; None once their file was erased.
    pub fn person(&self) -> Option<PersonId> {
        self.person_id.map(PersonId::from_uuid)
    }

    pub fn extended(&self) -> bool {
        self.extension_reason.is_some()
    }

    /// The legal deadline (one month, three once extended).
    pub fn deadline(&self) -> Date {
        domain::subject_access::deadline(self.received_on, self.extended())
    }

    /// The person's name as lists show it: used or birth name, then first names.
    pub fn person_name(&self) -> String {
        let family = self.used_name.as_deref().or(self.birth_name.as_deref()).unwrap_or("");
        [family, self.first_names.as_deref().unwrap_or("")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

macro_rules! request_select {
    () => {
        "SELECT r.id, r.person_id, r.kind, r.received_on, r.extension_reason, r.status, \
         r.answered_on, r.answer_note, h.display_name AS handled_by_name, r.released_at, \
         rb.display_name AS released_by_name, r.version, p.birth_name, p.used_name, \
         p.first_names, r.erased_at \
         FROM subject_requests r LEFT JOIN persons p ON p.id = r.person_id \
         LEFT JOIN users h ON h.id = r.handled_by LEFT JOIN users rb ON rb.id = r.released_by "
    };
}

/// The most requests the list shows (open ones first).
pub const LIST_LIMIT: i64 = 500;

/// Logs a request received for a person.
#[tracing::instrument(skip_all)]
pub async fn create<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
    kind: Kind,
    received_on: Date,
    by: UserId,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        exec,
        "INSERT INTO subject_requests (id, organisation_id, person_id, kind, received_on, \
         extension_reason, status, answered_on, answer_note, handled_by, released_at, \
         released_by, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, NULL, 'open', NULL, NULL, NULL, NULL, NULL, $6, $7, $7, 1)",
        id,
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        kind.code(),
        received_on,
        by.as_uuid(),
        now,
    )?;
    Ok(id)
}

/// The organisation's requests: open ones first (oldest received first), then the answered,
/// newest first; [`LIST_LIMIT`] at most.
#[tracing::instrument(skip_all)]
pub async fn list<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<Request>, StoreError> {
    Ok(sql!(
        as Request,
        fetch_all,
        exec,
        concat!(
            request_select!(),
            "WHERE r.organisation_id = $1 \
             ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, \
             CASE WHEN r.status = 'open' THEN r.received_on END ASC, \
             r.received_on DESC, r.id DESC LIMIT $2"
        ),
        organisation_id.as_uuid(),
        LIST_LIMIT,
    )?)
}

/// One request of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Request>, StoreError> {
    Ok(sql!(
        as Request,
        fetch_optional,
        exec,
        concat!(request_select!(), "WHERE r.organisation_id = $1 AND r.id = $2"),
        organisation_id.as_uuid(),
        id,
    )?)
}

/// Extends an open request's deadline with its reason, if nobody changed it since `version`.
#[tracing::instrument(skip_all)]
pub async fn extend<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    reason: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE subject_requests SET extension_reason = $4, updated_at = $5, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3 \
         AND status = 'open' AND extension_reason IS NULL",
        organisation_id.as_uuid(),
        id,
        version,
        reason,
        now,
    )?;
    Ok(n == 1)
}

/// Records the answer to an open request, if nobody changed it since `version`.
#[allow(clippy::too_many_arguments)] // The answer's fields, each named at the one call site.
#[tracing::instrument(skip_all)]
pub async fn answer<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    outcome: Status,
    answered_on: Date,
    note: Option<&str>,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE subject_requests SET status = $4, answered_on = $5, answer_note = $6, \
         handled_by = $7, updated_at = $8, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = 'open'",
        organisation_id.as_uuid(),
        id,
        version,
        outcome.code(),
        answered_on,
        note,
        by.as_uuid(),
        now,
    )?;
    Ok(n == 1)
}

/// Records that the handler reviewed what the export may say of third parties and releases
/// it, if nobody changed the request since `version`.
#[tracing::instrument(skip_all)]
pub async fn release<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE subject_requests SET released_at = $4, released_by = $5, updated_at = $4, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND released_at IS NULL",
        organisation_id.as_uuid(),
        id,
        version,
        now,
        by.as_uuid(),
    )?;
    Ok(n == 1)
}

/// An export made for a request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportMade {
    pub format: String,
    pub made_at: Ts,
    pub made_by_name: Option<String>,
}

/// Logs an export made for a request (`json` or `pdf`).
#[tracing::instrument(skip_all)]
pub async fn log_export<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    request_id: Uuid,
    format: &str,
    by: UserId,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO subject_request_exports (id, organisation_id, request_id, format, made_at, \
         made_by) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        organisation_id.as_uuid(),
        request_id,
        format,
        now,
        by.as_uuid(),
    )?;
    Ok(())
}

/// The exports made for a request, oldest first.
#[tracing::instrument(skip_all)]
pub async fn exports_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    request_id: Uuid,
) -> Result<Vec<ExportMade>, StoreError> {
    Ok(sql!(
        as ExportMade,
        fetch_all,
        exec,
        "SELECT x.format, x.made_at, u.display_name AS made_by_name \
         FROM subject_request_exports x LEFT JOIN users u ON u.id = x.made_by \
         WHERE x.organisation_id = $1 AND x.request_id = $2 ORDER BY x.made_at, x.id",
        organisation_id.as_uuid(),
        request_id,
    )?)
}
