//! Retention (issue 12 points 2–3, ADR 0034): each organisation's settings, the review list of
//! the persons whose file falls due, the decisions taken on it, and the run that anonymises or
//! archives what may run. The rules are in [`domain::retention`]; how each table reaches a
//! person in [`domain::inventory::links`]; what anonymisation blanks in [`anonymise`].

pub mod anonymise;
pub mod archive;
mod facts;
pub mod public_archives;
pub mod run;

use domain::retention::{
    AfterDue, ArchivesAnswer, ArchivesStep, Decision, RetentionSettings, waits_for_archives,
};
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

/// Why the organisation keeps its access log as long as it does (required beyond twelve
/// months), if it said.
#[tracing::instrument(skip_all)]
pub async fn audit_reason<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Option<String>, StoreError> {
    let row: Option<Option<String>> = sql!(
        scalar Option<String>,
        fetch_optional,
        exec,
        "SELECT audit_reason FROM retention_settings WHERE organisation_id = $1",
        organisation_id.as_uuid(),
    )?;
    Ok(row.flatten())
}

/// Saves the settings and the reason for the access log's duration; `version` is the one the
/// form was filled from (`None`: defaults never saved). Returns false when someone saved in
/// between (nothing changed).
#[allow(clippy::too_many_arguments)] // The settings' parts, each named at the call.
#[tracing::instrument(skip_all)]
pub async fn save_settings(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    s: &RetentionSettings,
    version: Option<i64>,
    audit_reason: Option<&str>,
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
             audit_months, after_due, grace_days, updated_by, updated_at, version, audit_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) \
             ON CONFLICT (organisation_id) DO NOTHING",
            organisation_id.as_uuid(),
            case,
            minor,
            audit,
            s.after_due.code(),
            grace,
            by.as_uuid(),
            now,
            audit_reason,
        )?,
        Some(v) => sql!(
            execute,
            &mut *tx,
            "UPDATE retention_settings SET case_months = $2, minor_months = $3, audit_months = $4, \
             after_due = $5, grace_days = $6, updated_by = $7, updated_at = $8, \
             audit_reason = $10, version = version + 1 \
             WHERE organisation_id = $1 AND version = $9",
            organisation_id.as_uuid(),
            case,
            minor,
            audit,
            s.after_due.code(),
            grace,
            by.as_uuid(),
            now,
            v,
            audit_reason,
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
    /// A minor's file: what the public archives did with it (ADR 0042), their reference, the
    /// day; `None` until recorded.
    pub archives_step: Option<String>,
    pub archives_reference: Option<String>,
    pub archives_on: Option<Date>,
}

impl Review {
    pub fn decision(&self) -> Decision {
        Decision::from_stored(&self.decision, self.until_on).unwrap_or(Decision::Pending)
    }

    pub fn archives_step(&self) -> Option<ArchivesStep> {
        self.archives_step.as_deref().and_then(ArchivesStep::parse)
    }

    /// A minor's file whose sorting by the public archives is not recorded.
    pub fn waits_for_archives(&self) -> bool {
        waits_for_archives(self.minor, self.archives_step())
    }
}

const REVIEW_COLUMNS: &str = "id, person_id, last_contact_on, due_on, minor, decision, until_on, \
     reason, decided_at, outcome, processed_at, version, archives_step, archives_reference, \
     archives_on";

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

/// Records what the public archives did with a minor's file on a line not yet run (the caller
/// records the audit event in `tx`). Returns false when the line is gone, already ran, is not
/// a minor's, or changed since `version`. A later contact that moves the due date forgets it
/// (the file the archives sorted is no longer the whole file).
#[allow(clippy::too_many_arguments)] // One record's parts, each named at the call.
#[tracing::instrument(skip_all)]
pub async fn record_archives(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    answer: &ArchivesAnswer,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let changed = sql!(
        execute,
        &mut *tx,
        "UPDATE retention_reviews SET archives_step = $3, archives_reference = $4, \
         archives_on = $5, archives_by = $6, archives_recorded_at = $7, updated_at = $7, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $8 AND outcome IS NULL AND minor",
        organisation_id.as_uuid(),
        id,
        answer.step.code(),
        answer.reference.as_str(),
        answer.on,
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
