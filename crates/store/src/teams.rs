//! Teams (services, antennes) inside an organisation.

use domain::accounts::Role;
use domain::organisations::{DisplayName, NewTeam};
use domain::{MembershipId, OrganisationId, TeamId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Team {
    #[sqlx(try_from = "Uuid")]
    pub id: TeamId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub name: String,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
}

const UNIQUE: &[(&str, &str, &str)] =
    &[("teams_organisation_name_key", "teams.organisation_id, teams.name", "name")];

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    exec: impl Into<Exec<'c>>,
    new: &NewTeam,
    now: Ts,
) -> Result<Team, StoreError> {
    sql!(
        as Team,
        fetch_one,
        exec,
        "INSERT INTO teams (id, organisation_id, name, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $4, 1) \
         RETURNING id, organisation_id, name, created_at, updated_at, version",
        new.id.as_uuid(),
        new.organisation_id.as_uuid(),
        new.name.as_str(),
        now,
    )
    .map_err(|e| StoreError::on_unique(e, UNIQUE))
}

/// The teams of one organisation, by name.
#[tracing::instrument(skip_all)]
pub async fn list_for_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<Team>, StoreError> {
    Ok(sql!(
        as Team,
        fetch_all,
        exec,
        "SELECT id, organisation_id, name, created_at, updated_at, version \
         FROM teams WHERE organisation_id = $1 ORDER BY name, id",
        organisation_id.as_uuid(),
    )?)
}

/// One team in the organisation's list, with how many enabled members it has.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamSummary {
    #[sqlx(try_from = "Uuid")]
    pub id: TeamId,
    pub name: String,
    pub version: i64,
    pub member_count: i64,
}

/// The teams of one organisation with their number of enabled members, by name.
#[tracing::instrument(skip_all)]
pub async fn list_with_member_counts<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<TeamSummary>, StoreError> {
    Ok(sql!(
        as TeamSummary,
        fetch_all,
        exec,
        "SELECT t.id, t.name, t.version, count(m.id) AS member_count \
         FROM teams t \
         LEFT JOIN membership_teams mt ON mt.team_id = t.id \
         LEFT JOIN memberships m ON m.id = mt.membership_id AND m.disabled_at IS NULL \
         WHERE t.organisation_id = $1 \
         GROUP BY t.id, t.name, t.version \
         ORDER BY t.name, t.id",
        organisation_id.as_uuid(),
    )?)
}

/// A team, only if it belongs to `organisation_id`.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: TeamId,
) -> Result<Option<Team>, StoreError> {
    Ok(sql!(
        as Team,
        fetch_optional,
        exec,
        "SELECT id, organisation_id, name, created_at, updated_at, version \
         FROM teams WHERE organisation_id = $1 AND id = $2",
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?)
}

/// Renames a team if nobody changed it since `expected_version` was read: false means someone
/// did (or the team is not the organisation's), and nothing was written. A name another team
/// of the organisation has: [`StoreError::Duplicate`] on `name`.
#[tracing::instrument(skip_all)]
pub async fn rename<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: TeamId,
    expected_version: i64,
    name: &DisplayName,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE teams SET name = $1, updated_at = $2, version = version + 1 \
         WHERE organisation_id = $3 AND id = $4 AND version = $5",
        name.as_str(),
        now,
        organisation_id.as_uuid(),
        id.as_uuid(),
        expected_version,
    )
    .map_err(|e| StoreError::on_unique(e, UNIQUE))?;
    Ok(n == 1)
}

/// One member of a team, for the team's page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamMember {
    #[sqlx(try_from = "Uuid")]
    pub membership_id: MembershipId,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub supervises: bool,
    pub disabled_at: Option<Ts>,
}

/// The members of one of the organisation's teams, by name.
#[tracing::instrument(skip_all)]
pub async fn members<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: TeamId,
) -> Result<Vec<TeamMember>, StoreError> {
    Ok(sql!(
        as TeamMember,
        fetch_all,
        exec,
        "SELECT m.id AS membership_id, u.display_name, m.role, mt.supervises, m.disabled_at \
         FROM membership_teams mt \
         JOIN memberships m ON m.id = mt.membership_id \
         JOIN users u ON u.id = m.user_id \
         JOIN teams t ON t.id = mt.team_id \
         WHERE t.organisation_id = $1 AND m.organisation_id = $1 AND t.id = $2 \
         ORDER BY u.display_name, m.id",
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?)
}
