//! Commission sessions: their agenda is the requests that name them.

use domain::OrganisationId;
use domain::UserId;
use time::Date;
use uuid::Uuid;

use super::{AidRequest, SELECT, pseudonymised_agenda};
use crate::{Exec, StoreError, Ts, Tx};

/// A session of the commission, with the size of its agenda.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub title: String,
    pub held_on: Date,
    pub pseudonymised: bool,
    pub decided_at: Option<Ts>,
    pub version: i64,
    pub agenda: i64,
}

const SESSION_SELECT: &str = "SELECT s.id, s.organisation_id, s.title, s.held_on, \
     s.pseudonymised, s.decided_at, s.version, \
     (SELECT COUNT(*) FROM aid_requests r WHERE r.session_id = s.id) AS agenda \
     FROM aid_sessions s ";

/// Creates a session; whether its agenda is pseudonymised is the organisation's setting now.
#[tracing::instrument(skip_all)]
pub async fn create_session(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    title: &str,
    held_on: Date,
    by: UserId,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let pseudonymised = pseudonymised_agenda(&mut *tx, organisation_id).await?;
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO aid_sessions (id, organisation_id, title, held_on, pseudonymised, \
         created_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)",
        id,
        organisation_id.as_uuid(),
        title,
        held_on,
        pseudonymised,
        by.as_uuid(),
        now,
    )?;
    Ok(id)
}

/// The organisation's sessions, the coming and latest first.
#[tracing::instrument(skip_all)]
pub async fn sessions<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<Session>, StoreError> {
    let sql = format!(
        "{SESSION_SELECT}WHERE s.organisation_id = $1 ORDER BY s.held_on DESC, s.id DESC LIMIT 200"
    );
    Ok(sql!(as Session, fetch_all, exec, &sql, organisation_id.as_uuid())?)
}

#[tracing::instrument(skip_all)]
pub async fn find_session<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Session>, StoreError> {
    let sql = format!("{SESSION_SELECT}WHERE s.organisation_id = $1 AND s.id = $2");
    Ok(sql!(as Session, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// A session's agenda, in the order requests were made.
#[tracing::instrument(skip_all)]
pub async fn agenda<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    session: Uuid,
) -> Result<Vec<AidRequest>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.organisation_id = $1 AND r.session_id = $2 \
         ORDER BY r.requested_on, r.id"
    );
    Ok(sql!(as AidRequest, fetch_all, exec, &sql, organisation_id.as_uuid(), session)?)
}

/// Puts a request before the commission on a session's agenda (it must be waiting for one).
/// `false`: it was not waiting.
#[tracing::instrument(skip_all)]
pub async fn put_on_agenda(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    session: Uuid,
    request: Uuid,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_requests SET session_id = $3, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND status = 'in_committee' \
         AND session_id IS NULL AND EXISTS (SELECT 1 FROM aid_sessions s WHERE s.id = $3 \
         AND s.organisation_id = $1 AND s.decided_at IS NULL)",
        organisation_id.as_uuid(),
        request,
        session,
        now,
    )?;
    Ok(n == 1)
}

/// Closes a session once its decisions are recorded. `false`: it was closed already.
#[tracing::instrument(skip_all)]
pub async fn close_session(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    session: Uuid,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_sessions SET decided_at = $3, updated_at = $3, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND decided_at IS NULL",
        organisation_id.as_uuid(),
        session,
        now,
    )?;
    Ok(n == 1)
}
