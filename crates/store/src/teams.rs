//! Teams (services, antennes) inside an organisation.

use domain::organisations::NewTeam;
use domain::{OrganisationId, TeamId};
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
