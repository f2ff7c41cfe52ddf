//! Organisations hosted on the instance.

use domain::OrganisationId;
use domain::organisations::NewOrganisation;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organisation {
    #[sqlx(try_from = "Uuid")]
    pub id: OrganisationId,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
}

/// One line of the organisations list: the organisation and how many teams it has.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganisationSummary {
    #[sqlx(try_from = "Uuid")]
    pub id: OrganisationId,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub team_count: i64,
}

const UNIQUE: &[(&str, &str, &str)] = &[("organisations_slug_key", "organisations.slug", "slug")];

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    exec: impl Into<Exec<'c>>,
    new: &NewOrganisation,
    now: Ts,
) -> Result<Organisation, StoreError> {
    sql!(
        as Organisation,
        fetch_one,
        exec,
        "INSERT INTO organisations (id, slug, name, time_zone, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $5, 1) \
         RETURNING id, slug, name, time_zone, created_at, updated_at, version",
        new.id.as_uuid(),
        new.slug.as_str(),
        new.name.as_str(),
        new.time_zone.as_str(),
        now,
    )
    .map_err(|e| StoreError::on_unique(e, UNIQUE))
}

#[tracing::instrument(skip_all)]
pub async fn find_by_slug<'c>(
    exec: impl Into<Exec<'c>>,
    slug: &str,
) -> Result<Option<Organisation>, StoreError> {
    Ok(sql!(
        as Organisation,
        fetch_optional,
        exec,
        "SELECT id, slug, name, time_zone, created_at, updated_at, version \
         FROM organisations WHERE slug = $1",
        slug,
    )?)
}

/// Every organisation with its number of teams, by name.
#[tracing::instrument(skip_all)]
pub async fn list_with_team_counts<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<OrganisationSummary>, StoreError> {
    Ok(sql!(
        as OrganisationSummary,
        fetch_all,
        exec,
        "SELECT o.id, o.slug, o.name, o.time_zone, count(t.id) AS team_count \
         FROM organisations o LEFT JOIN teams t ON t.organisation_id = o.id \
         GROUP BY o.id, o.slug, o.name, o.time_zone \
         ORDER BY o.name, o.id"
    )?)
}
