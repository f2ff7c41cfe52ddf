//! The ties around the person of a case, drawn in its coordination view (ADR 0028): listed,
//! added, changed with optimistic locking, removed. Each change is attributed (who, when) and
//! audited by the caller.

use domain::ecomap::{Strength, Tie, TieKind};
use domain::{CaseId, OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// A tie as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseTie {
    pub id: Uuid,
    pub kind: String,
    pub label: String,
    pub strength: String,
    pub note: Option<String>,
    pub updated_at: Ts,
    pub version: i64,
}

impl CaseTie {
    pub fn kind(&self) -> TieKind {
        TieKind::parse(&self.kind).unwrap_or(TieKind::Service)
    }

    pub fn strength(&self) -> Strength {
        Strength::parse(&self.strength).unwrap_or(Strength::Moderate)
    }
}

/// The ties of a case, in the order they were added (at most `limit`).
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case: CaseId,
    limit: i64,
) -> Result<Vec<CaseTie>, StoreError> {
    Ok(sql!(
        as CaseTie,
        fetch_all,
        exec,
        "SELECT id, kind, label, strength, note, updated_at, version FROM case_ties \
         WHERE organisation_id = $1 AND case_id = $2 ORDER BY created_at, id LIMIT $3",
        organisation_id.as_uuid(),
        case.as_uuid(),
        limit,
    )?)
}

/// Adds a tie; returns its id.
#[tracing::instrument(skip_all)]
pub async fn add(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case: CaseId,
    tie: &Tie,
    by: UserId,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_ties (id, organisation_id, case_id, kind, label, strength, note, \
         created_by, created_at, updated_by, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)",
        id,
        organisation_id.as_uuid(),
        case.as_uuid(),
        tie.kind.as_str(),
        tie.label.as_str(),
        tie.strength.as_str(),
        tie.note.as_deref(),
        by.as_uuid(),
        now,
    )?;
    Ok(id)
}

/// Changes a tie of the case if nobody changed it since `expected_version`. `false`: nothing
/// written (changed or removed meanwhile, or not this case's).
#[allow(clippy::too_many_arguments)] // One change: which, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case: CaseId,
    id: Uuid,
    expected_version: i64,
    tie: &Tie,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE case_ties SET kind = $5, label = $6, strength = $7, note = $8, updated_by = $9, \
         updated_at = $10, version = version + 1 \
         WHERE organisation_id = $1 AND case_id = $2 AND id = $3 AND version = $4",
        organisation_id.as_uuid(),
        case.as_uuid(),
        id,
        expected_version,
        tie.kind.as_str(),
        tie.label.as_str(),
        tie.strength.as_str(),
        tie.note.as_deref(),
        by.as_uuid(),
        now,
    )?;
    Ok(n == 1)
}

/// Removes a tie of the case if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn remove(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case: CaseId,
    id: Uuid,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "DELETE FROM case_ties WHERE organisation_id = $1 AND case_id = $2 AND id = $3 \
         AND version = $4",
        organisation_id.as_uuid(),
        case.as_uuid(),
        id,
        expected_version,
    )?;
    Ok(n == 1)
}
