//! Households: who lives with whom, and since when. A member who leaves gets an end date; no
//! membership is ever deleted, so a person's household history stays readable.

use domain::{HouseholdId, HouseholdMemberId, OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// One person's membership of a household.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    #[sqlx(try_from = "Uuid")]
    pub id: HouseholdMemberId,
    #[sqlx(try_from = "Uuid")]
    pub household_id: HouseholdId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub relationship: String,
    pub from_date: Option<Date>,
    pub to_date: Option<Date>,
    pub version: i64,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub birth_date: Option<Date>,
}

impl Member {
    /// Still in the household on `today`.
    pub fn current(&self, today: Date) -> bool {
        self.to_date.is_none_or(|d| d > today)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Household {
    #[sqlx(try_from = "Uuid")]
    pub id: HouseholdId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub name: Option<String>,
    pub version: i64,
}

/// Creates a household whose reference person is `person_id` (relationship "self").
#[tracing::instrument(skip_all)]
pub async fn create(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    person_id: PersonId,
    from_date: Option<Date>,
    by: Option<UserId>,
    now: Ts,
) -> Result<HouseholdId, StoreError> {
    let id = HouseholdId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO households (id, organisation_id, name, created_by, created_at, updated_at, \
         version) VALUES ($1, $2, NULL, $3, $4, $4, 1)",
        id.as_uuid(),
        organisation_id.as_uuid(),
        by.map(|u| u.as_uuid()),
        now,
    )?;
    add_member(tx, id, person_id, "self", from_date, now).await?;
    Ok(id)
}

/// Adds a person to a household.
#[tracing::instrument(skip_all)]
pub async fn add_member(
    tx: &mut crate::Tx,
    household_id: HouseholdId,
    person_id: PersonId,
    relationship: &str,
    from_date: Option<Date>,
    now: Ts,
) -> Result<HouseholdMemberId, StoreError> {
    let id = HouseholdMemberId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO household_members (id, household_id, person_id, relationship, from_date, \
         to_date, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, NULL, $6, $6, 1)",
        id.as_uuid(),
        household_id.as_uuid(),
        person_id.as_uuid(),
        relationship,
        from_date,
        now,
    )?;
    Ok(id)
}

/// Records that a member left on `to_date`, if nobody changed the membership since
/// `expected_version`; false otherwise (nothing written).
#[tracing::instrument(skip_all)]
pub async fn end_member<'c>(
    exec: impl Into<Exec<'c>>,
    household_id: HouseholdId,
    member_id: HouseholdMemberId,
    expected_version: i64,
    to_date: Date,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE household_members SET to_date = $4, updated_at = $5, version = version + 1 \
         WHERE household_id = $1 AND id = $2 AND version = $3",
        household_id.as_uuid(),
        member_id.as_uuid(),
        expected_version,
        to_date,
        now,
    )?;
    Ok(n == 1)
}

/// A household of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: HouseholdId,
) -> Result<Option<Household>, StoreError> {
    Ok(sql!(
        as Household,
        fetch_optional,
        exec,
        "SELECT id, organisation_id, name, version FROM households \
         WHERE organisation_id = $1 AND id = $2",
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?)
}

macro_rules! member_select {
    () => {
        "SELECT m.id, m.household_id, m.person_id, m.relationship, m.from_date, m.to_date, \
         m.version, p.birth_name, p.used_name, p.first_names, p.birth_date \
         FROM household_members m JOIN persons p ON p.id = m.person_id "
    };
}

/// One membership of a household (none if it belongs to another household).
#[tracing::instrument(skip_all)]
pub async fn find_member<'c>(
    exec: impl Into<Exec<'c>>,
    household_id: HouseholdId,
    member_id: HouseholdMemberId,
) -> Result<Option<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_optional,
        exec,
        concat!(member_select!(), "WHERE m.household_id = $1 AND m.id = $2"),
        household_id.as_uuid(),
        member_id.as_uuid(),
    )?)
}

/// Every membership of a household, past ones included, the reference person first.
#[tracing::instrument(skip_all)]
pub async fn members<'c>(
    exec: impl Into<Exec<'c>>,
    household_id: HouseholdId,
) -> Result<Vec<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_all,
        exec,
        concat!(
            member_select!(),
            "WHERE m.household_id = $1 \
             ORDER BY CASE WHEN m.relationship = 'self' THEN 0 ELSE 1 END, p.birth_date, m.id"
        ),
        household_id.as_uuid(),
    )?)
}

/// Every household the person belongs or belonged to, with all members of each, newest
/// membership first: the person's household history in one query.
#[tracing::instrument(skip_all)]
pub async fn of_person<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_all,
        exec,
        concat!(
            member_select!(),
            "JOIN households h ON h.id = m.household_id \
             WHERE h.organisation_id = $1 AND m.household_id IN \
             (SELECT household_id FROM household_members WHERE person_id = $2) \
             ORDER BY m.household_id DESC, \
             CASE WHEN m.relationship = 'self' THEN 0 ELSE 1 END, p.birth_date, m.id"
        ),
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}
