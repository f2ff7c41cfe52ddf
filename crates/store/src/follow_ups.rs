//! Follow-up checks after a case is closed: scheduling them, recording them (ratings and, per
//! life domain, whether the change held) or marking them missed, each with a `follow_up` event
//! on the case's timeline; and the checks due soon for a worker's home page.
//!
//! Values are plain columns (`wellbeing`, `power_to_act`, one row per domain outcome) so the
//! statistics of durable change can count them directly.

use domain::cases::EntryKind;
use domain::follow_ups::{CheckRecord, FollowUpStatus, Outcome};
use domain::tasks::TaskKind;
use domain::{CaseId, OrganisationId, UserId};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

/// A check of a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FollowUp {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub due_on: Date,
    pub status: String,
    pub done_on: Option<Date>,
    pub wellbeing: Option<i64>,
    pub power_to_act: Option<i64>,
    pub recorded_by_name: Option<String>,
    pub version: i64,
    /// (life domain code, outcome), filled from `case_follow_up_domains`.
    #[sqlx(skip)]
    pub domains: Vec<(String, Outcome)>,
}

impl FollowUp {
    pub fn status(&self) -> FollowUpStatus {
        FollowUpStatus::parse(&self.status).unwrap_or(FollowUpStatus::Scheduled)
    }
}

const SELECT: &str = "SELECT f.id, f.case_id, f.due_on, f.status, f.done_on, f.wellbeing, \
     f.power_to_act, u.display_name AS recorded_by_name, f.version \
     FROM case_follow_ups f LEFT JOIN users u ON u.id = f.recorded_by ";

#[derive(sqlx::FromRow)]
struct DomainRow {
    follow_up_id: Uuid,
    domain_code: String,
    outcome: String,
}

/// Schedules checks of a case on `dates`, each with a `scheduled` event whose summary is
/// `label(date)` (the date as the timeline shows it). Returns their ids.
#[allow(clippy::too_many_arguments)] // One change: which case, which dates, how shown, by whom.
#[tracing::instrument(skip_all)]
pub async fn schedule(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    dates: &[Date],
    label: impl Fn(Date) -> String,
    by: UserId,
    now: Ts,
) -> Result<Vec<Uuid>, StoreError> {
    let mut ids = Vec::new();
    for d in dates {
        let id = Uuid::now_v7();
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO case_follow_ups (id, organisation_id, case_id, due_on, status, \
             created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, 'scheduled', $5, $6, $6, 1)",
            id,
            organisation_id.as_uuid(),
            case_id.as_uuid(),
            *d,
            by.as_uuid(),
            now,
        )?;
        let summary = label(*d);
        let event = NewEvent {
            organisation_id,
            case_id,
            kind: EntryKind::FollowUp,
            occurred_at: now,
            author: Some(by),
            subject_id: Some(id),
            summary: Some(&summary),
            detail: "scheduled",
        };
        crate::cases::add_event(tx, &event, now).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Every check of a case, by due date, with their domain outcomes (two queries).
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
) -> Result<Vec<FollowUp>, StoreError> {
    let mut exec = exec.into();
    let sql =
        format!("{SELECT}WHERE f.organisation_id = $1 AND f.case_id = $2 ORDER BY f.due_on, f.id");
    let mut checks: Vec<FollowUp> = sql!(
        as FollowUp,
        fetch_all,
        &mut exec,
        &sql,
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    let rows: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT d.follow_up_id, d.domain_code, d.outcome FROM case_follow_up_domains d \
         JOIN case_follow_ups f ON f.id = d.follow_up_id \
         WHERE f.organisation_id = $1 AND f.case_id = $2 ORDER BY d.domain_code",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    for c in &mut checks {
        c.domains = rows
            .iter()
            .filter(|r| r.follow_up_id == c.id)
            .filter_map(|r| Outcome::parse(&r.outcome).map(|o| (r.domain_code.clone(), o)))
            .collect();
    }
    Ok(checks)
}

/// One check of a case, with its outcomes.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: Uuid,
) -> Result<Option<FollowUp>, StoreError> {
    let mut exec = exec.into();
    let sql = format!("{SELECT}WHERE f.organisation_id = $1 AND f.case_id = $2 AND f.id = $3");
    let check: Option<FollowUp> = sql!(
        as FollowUp,
        fetch_optional,
        &mut exec,
        &sql,
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id,
    )?;
    let Some(mut check) = check else { return Ok(None) };
    let rows: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT follow_up_id, domain_code, outcome FROM case_follow_up_domains \
         WHERE follow_up_id = $1 ORDER BY domain_code",
        id,
    )?;
    check.domains = rows
        .into_iter()
        .filter_map(|r| Outcome::parse(&r.outcome).map(|o| (r.domain_code, o)))
        .collect();
    Ok(Some(check))
}

/// Records a check as done, if nobody changed it since `expected_version` and it is not done
/// already (a missed check may still be done later): the date, both ratings and the domain
/// outcomes, and a `done` event whose summary is `label`. `false` (nothing written) otherwise.
#[allow(clippy::too_many_arguments)] // One change: which check, from which version, what, by whom.
#[tracing::instrument(skip_all)]
pub async fn record(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: Uuid,
    expected_version: i64,
    check: &CheckRecord,
    label: &str,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE case_follow_ups SET status = 'done', done_on = $5, wellbeing = $6, \
         power_to_act = $7, recorded_by = $8, updated_at = $9, version = version + 1 \
         WHERE organisation_id = $1 AND case_id = $2 AND id = $3 AND version = $4 \
         AND status <> 'done'",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id,
        expected_version,
        check.done_on,
        check.wellbeing,
        check.power_to_act,
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    for (code, outcome) in &check.domains {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO case_follow_up_domains (id, organisation_id, follow_up_id, domain_code, \
             outcome, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
            Uuid::now_v7(),
            organisation_id.as_uuid(),
            id,
            code.as_str(),
            outcome.as_str(),
            now,
        )?;
    }
    let event = NewEvent {
        organisation_id,
        case_id,
        kind: EntryKind::FollowUp,
        occurred_at: now,
        author: Some(by),
        subject_id: Some(id),
        summary: Some(label),
        detail: "done",
    };
    crate::cases::add_event(tx, &event, now).await?;
    crate::tasks::resolve_source(tx, organisation_id, TaskKind::FollowUpDue, id, now).await?;
    Ok(true)
}

/// Marks a scheduled check missed (the person could not be reached), if nobody changed it
/// since `expected_version`, with a `missed` event. `false` (nothing written) otherwise.
#[allow(clippy::too_many_arguments)] // One change: which check, from which version, by whom.
#[tracing::instrument(skip_all)]
pub async fn mark_missed(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: Uuid,
    expected_version: i64,
    label: &str,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE case_follow_ups SET status = 'missed', recorded_by = $5, updated_at = $6, \
         version = version + 1 WHERE organisation_id = $1 AND case_id = $2 AND id = $3 \
         AND version = $4 AND status = 'scheduled'",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id,
        expected_version,
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    let event = NewEvent {
        organisation_id,
        case_id,
        kind: EntryKind::FollowUp,
        occurred_at: now,
        author: Some(by),
        subject_id: Some(id),
        summary: Some(label),
        detail: "missed",
    };
    crate::cases::add_event(tx, &event, now).await?;
    crate::tasks::resolve_source(tx, organisation_id, TaskKind::FollowUpDue, id, now).await?;
    Ok(true)
}

/// A check due for a worker's home page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueCheck {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub due_on: Date,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
}

impl DueCheck {
    pub fn person_name(&self) -> String {
        crate::persons::list_name(
            self.used_name.as_deref(),
            self.birth_name.as_deref(),
            self.first_names.as_deref(),
        )
    }
}

/// The scheduled checks due on or before `until` of the cases `user` is the referent of,
/// oldest first (at most 50). One query.
#[tracing::instrument(skip_all)]
pub async fn due_for<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    until: Date,
) -> Result<Vec<DueCheck>, StoreError> {
    Ok(sql!(
        as DueCheck,
        fetch_all,
        exec,
        "SELECT f.id, f.case_id, f.due_on, p.birth_name, p.used_name, p.first_names \
         FROM case_follow_ups f JOIN cases c ON c.id = f.case_id \
         JOIN persons p ON p.id = c.person_id \
         WHERE f.organisation_id = $1 AND f.status = 'scheduled' AND f.due_on <= $3 \
         AND c.referent_id = $2 ORDER BY f.due_on, f.id LIMIT 50",
        organisation_id.as_uuid(),
        user.as_uuid(),
        until,
    )?)
}
