//! Break-the-glass grants on cases: who read a case they could not open, why, until when.
//! A grant is written with its audit event and the notification of the case's referents, in
//! the caller's transaction; what a grant allows is decided by `domain::policy`.

use domain::{CaseId, OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// How long a grant lasts.
pub const GRANT_HOURS: i64 = 24;

/// A grant to write.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub organisation_id: OrganisationId,
    pub case_id: CaseId,
    pub user_id: UserId,
    pub reason: &'a str,
}

/// A grant as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Grant {
    pub id: Uuid,
    pub reason: String,
    pub granted_at: Ts,
    pub expires_at: Ts,
}

/// Writes a grant from `now` to `now` + [`GRANT_HOURS`]; returns it.
#[tracing::instrument(skip_all)]
pub async fn grant(tx: &mut Tx, new: &NewGrant<'_>, now: Ts) -> Result<Grant, StoreError> {
    let id = Uuid::now_v7();
    let expires_at = Ts::from(now.get() + time::Duration::hours(GRANT_HOURS));
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_emergency_access (id, organisation_id, case_id, user_id, reason, \
         granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        new.organisation_id.as_uuid(),
        new.case_id.as_uuid(),
        new.user_id.as_uuid(),
        new.reason,
        now,
        expires_at,
    )?;
    Ok(Grant { id, reason: new.reason.to_owned(), granted_at: now, expires_at })
}

/// The user's grant on the case that is still running at `now`, the latest to expire.
#[tracing::instrument(skip_all)]
pub async fn active<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    user_id: UserId,
    now: Ts,
) -> Result<Option<Grant>, StoreError> {
    Ok(sql!(
        as Grant,
        fetch_optional,
        exec,
        "SELECT id, reason, granted_at, expires_at FROM case_emergency_access \
         WHERE organisation_id = $1 AND case_id = $2 AND user_id = $3 AND expires_at > $4 \
         ORDER BY expires_at DESC LIMIT 1",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        user_id.as_uuid(),
        now,
    )?)
}
