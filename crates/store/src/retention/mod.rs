//! Retention (issue 12 points 2–3, ADR 0034): each organisation's settings, the review list of
//! the persons whose file falls due, the decisions taken on it, and the run that anonymises or
//! archives what may run. The rules are in [`domain::retention`]; how each table reaches a
//! person in [`domain::inventory::links`]; what anonymisation blanks in [`anonymise`].

pub mod anonymise;
pub mod archive;
mod facts;
pub mod run;

use domain::retention::{AfterDue, Decision, RetentionSettings};
use domain::{OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

pub use run::{RunCounts, RunOptions, run_organisation};

/// The organisation's settings, or the defaults when it never saved any.
#[tracing::instrument(skip_all)]
pub async fn settings<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<(RetentionSettings, Option<i64>), StoreError> {
    let row: Option<(i32, i32, i32, String, i32, i64)> = sql!(
        as (i32, i32, i32, String, i32, i64),
        fetch_optional,
        exec,
        "SELECT case_months, minor_months, audit_months, after_due, grace_days, version \
         FROM retention_settings WHERE organisation_id = $1",
        organisation_id.as_uuid(),
    )?;
    Ok(match row {
        None => (RetentionSettings::default(), None),
        Some((case, minor, audit, after, grace, version)) => (
            RetentionSettings {
                case_months: case as u16,
                minor_months: minor as u16,
                audit_months: audit as u16,
                after_due: AfterDue::parse(&after).unwrap_or(AfterDue::Anonymise),
                grace_days: grace as u16,
            },
            Some(version),
        ),
    })
}

/// Saves the settings; `version` is the one the form was filled from (`None`: defaults never
/// saved). Returns false when someone saved in between (nothing changed).
#[tracing::instrument(skip_all)]
pub async fn save_settings(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    s: &RetentionSettings,
    version: Option<i64>,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let (case, minor, audit, grace) = (
        i32::from(s.case_months),
        i32::from(s.minor_months),
        i32::from(s.audit_months),
        i32::from(s.grace_days),
    );
    let changed = match version {
        None => sql!(
            execute,
            &mut *tx,
            "INSERT INTO retention_settings (organisation_id, case_months, minor_months, \
             audit_months, after_due, grace_days, updated_by, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) ON CONFLICT (organisation_id) DO NOTHING",
            organisation_id.as_uuid(),
            case,
            minor,
            audit,
            s.after_due.code(),
            grace,
            by.as_uuid(),
            now,
        )?,
        Some(v) => sql!(
            execute,
            &mut *tx,
            "UPDATE retention_settings SET case_months = $2, minor_months = $3, audit_months = $4, \
             after_due = $5, grace_days = $6, updated_by = $7, updated_at = $8, \
             version = version + 1 WHERE organisation_id = $1 AND version = $9",
            organisation_id.as_uuid(),
            case,
            minor,
            audit,
            s.after_due.code(),
            grace,
            by.as_uuid(),
            now,
            v,
        )?,
    };
    Ok(changed == 1)
}

/// One line of the review list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Review {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub last_contact_on: Date,
    pub due_on: Date,
    pub minor: bool,
    pub decision: String,
    pub until_on: Option<Date>,
    pub reason: Option<String>,
    pub decided_at: Option<Ts>,
    pub outcome: Option<String>,
    pub processed_at: Option<Ts>,
    pub version: i64,
}

impl Review {
    pub fn decision(&self) -> Decision {
        Decision::from_stored(&self.decision, self.until_on).unwrap_or(Decision::Pending)
    }
}

const REVIEW_COLUMNS: &str = "id, person_id, last_contact_on, due_on, minor, decision, until_on, \
     reason, decided_at, outcome, processed_at, version";

/// Which lines of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    /// Not yet run: waiting, approved, postponed, held.
    Open,
    /// Anonymised or archived.
    Processed,
}

/// Lines of the review list, by due date then id, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn list<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    filter: ListFilter,
    limit: i64,
) -> Result<Vec<Review>, StoreError> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM retention_reviews WHERE organisation_id = $1 AND {} \
         ORDER BY due_on, id LIMIT $2",
        match filter {
            ListFilter::Open => "outcome IS NULL",
            ListFilter::Processed => "outcome IS NOT NULL",
        }
    );
    Ok(sql!(as Review, fetch_all, exec, &sql, organisation_id.as_uuid(), limit)?)
}

/// One line, in the organisation.
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Review>, StoreError> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM retention_reviews WHERE organisation_id = $1 AND id = $2"
    );
    Ok(sql!(as Review, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// Records a decision on a line not yet run (the caller records the audit event in `tx`).
/// Returns false when the line is gone, already ran, or changed since `version`.
#[allow(clippy::too_many_arguments)] // One decision's parts; a struct would only rename them.
#[tracing::instrument(skip_all)]
pub async fn decide(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    decision: Decision,
    reason: Option<&str>,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let changed = sql!(
        execute,
        &mut *tx,
        "UPDATE retention_reviews SET decision = $3, until_on = $4, reason = $5, decided_by = $6, \
         decided_at = $7, updated_at = $7, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $8 AND outcome IS NULL",
        organisation_id.as_uuid(),
        id,
        decision.code(),
        decision.until(),
        reason,
        by.as_uuid(),
        now,
        version,
    )?;
    Ok(changed == 1)
}

/// Objects of the file store waiting for deletion, oldest first.
pub async fn pending_file_deletions<'c>(
    exec: impl Into<Exec<'c>>,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(sql!(
        scalar String,
        fetch_all,
        exec,
        "SELECT object_name FROM retention_file_deletions ORDER BY recorded_at, object_name \
         LIMIT $1",
        limit,
    )?)
}

/// Forgets an object once deleted from the file store.
pub async fn file_deleted<'c>(exec: impl Into<Exec<'c>>, name: &str) -> Result<(), StoreError> {
    sql!(execute, exec, "DELETE FROM retention_file_deletions WHERE object_name = $1", name)?;
    Ok(())
}

/// Organisations, for the daily run.
pub async fn organisations<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<(OrganisationId, String)>, StoreError> {
    let rows: Vec<(Uuid, String)> = sql!(
        as (Uuid, String),
        fetch_all,
        exec,
        "SELECT id, time_zone FROM organisations ORDER BY id",
    )?;
    Ok(rows.into_iter().map(|(id, tz)| (OrganisationId::from_uuid(id), tz)).collect())
}
