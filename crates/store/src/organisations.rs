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

/// An organisation's settings as stored, with the version a form must send back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettingsRow {
    pub name: String,
    pub time_zone: String,
    pub require_second_factor: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub letterhead_address: Option<String>,
    pub letterhead_signatory: Option<String>,
    pub letterhead_footer: Option<String>,
    pub reminder_flag_hours: i64,
    pub reminder_assessment_months: i64,
    pub reminder_referral_days: i64,
    pub reminder_mail_days: i64,
    pub reminder_aid_days: i64,
    pub budget_threshold_cents: Option<i64>,
    pub budget_day_divisor: i64,
    pub statistics_threshold: i64,
    pub version: i64,
}

#[tracing::instrument(skip_all)]
pub async fn settings<'c>(
    exec: impl Into<Exec<'c>>,
    id: OrganisationId,
) -> Result<Option<SettingsRow>, StoreError> {
    Ok(sql!(
        as SettingsRow,
        fetch_optional,
        exec,
        "SELECT name, time_zone, require_second_factor, session_idle_minutes, session_absolute_hours, \
         letterhead_address, letterhead_signatory, letterhead_footer, reminder_flag_hours, \
         reminder_assessment_months, reminder_referral_days, reminder_mail_days, reminder_aid_days, \
         budget_threshold_cents, budget_day_divisor, statistics_threshold, version \
         FROM organisations WHERE id = $1",
        id.as_uuid(),
    )?)
}

/// Saves the settings if nobody changed them since `expected_version` was read; `false`
/// means someone did, and nothing was written.
#[tracing::instrument(skip_all)]
pub async fn update_settings<'c>(
    exec: impl Into<Exec<'c>>,
    id: OrganisationId,
    expected_version: i64,
    s: &domain::organisations::OrganisationSettings,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE organisations SET name = $1, time_zone = $2, require_second_factor = $3, \
         session_idle_minutes = $4, session_absolute_hours = $5, letterhead_address = $6, \
         letterhead_signatory = $7, letterhead_footer = $8, updated_at = $9, \
         reminder_flag_hours = $12, reminder_assessment_months = $13, \
         reminder_referral_days = $14, reminder_mail_days = $15, \
         budget_threshold_cents = $16, budget_day_divisor = $17, reminder_aid_days = $18, \
         statistics_threshold = $19, \
         version = version + 1 \
         WHERE id = $10 AND version = $11",
        s.name.as_str(),
        s.time_zone.as_str(),
        s.require_second_factor,
        s.session_idle_minutes,
        s.session_absolute_hours,
        s.letterhead_address.as_deref(),
        s.letterhead_signatory.as_deref(),
        s.letterhead_footer.as_deref(),
        now,
        id.as_uuid(),
        expected_version,
        s.reminder_flag_hours,
        s.reminder_assessment_months,
        s.reminder_referral_days,
        s.reminder_mail_days,
        s.budget_threshold_cents,
        s.budget_day_divisor,
        s.reminder_aid_days,
        s.statistics_threshold,
    )?;
    Ok(n == 1)
}

/// The count under which figures leaving the team are suppressed, as the organisation set it
/// (`domain::suppression::DEFAULT_THRESHOLD` for an unknown organisation).
#[tracing::instrument(skip_all)]
pub async fn statistics_threshold<'c>(
    exec: impl Into<Exec<'c>>,
    id: OrganisationId,
) -> Result<i64, StoreError> {
    let row: Option<(i64,)> = sql!(
        as (i64,),
        fetch_optional,
        exec,
        "SELECT statistics_threshold FROM organisations WHERE id = $1",
        id.as_uuid(),
    )?;
    Ok(row.map_or(domain::suppression::DEFAULT_THRESHOLD, |(t,)| t))
}
