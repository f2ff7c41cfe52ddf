//! What the package for the public archives adds to the person's file as the subject access
//! export gathers it (ADR 0042): the household members as the service knows them (the archives
//! receive the file as it was kept, not a subject's copy without third parties), and the first
//! day of the file, for the transfer slip's date range.

use domain::{OrganisationId, PersonId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// A member of a household of the person (the person included), current or past.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub household_id: Uuid,
    pub person_id: Uuid,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub birth_date: Option<Date>,
    pub relationship: Option<String>,
    pub from_date: Option<Date>,
    pub to_date: Option<Date>,
}

/// The members of every household the person belongs to, by household then membership.
#[tracing::instrument(skip_all)]
pub async fn household_members<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_all,
        exec,
        "SELECT m.household_id, m.person_id, p.birth_name, p.used_name, p.first_names, \
         p.birth_date, m.relationship, m.from_date, m.to_date \
         FROM household_members m JOIN persons p ON p.id = m.person_id \
         WHERE p.organisation_id = $1 AND m.household_id IN \
         (SELECT household_id FROM household_members WHERE person_id = $2) \
         ORDER BY m.household_id, m.id",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}

/// When the file began: the record's creation, and the first case opened if any (the caller
/// takes the earlier, in the organisation's zone).
#[tracing::instrument(skip_all)]
pub async fn first_traces<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Option<(Ts, Option<Ts>)>, StoreError> {
    Ok(sql!(
        as (Ts, Option<Ts>),
        fetch_optional,
        exec,
        "SELECT p.created_at, (SELECT MIN(c.opened_at) FROM cases c WHERE c.person_id = p.id) \
         FROM persons p WHERE p.organisation_id = $1 AND p.id = $2",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}
