//! The action plan of a case: goals (with their life domains), steps, victories and the
//! person's agreement (migration 0019). Every change writes its timeline event
//! ([`crate::cases::add_event`]) in the caller's transaction; the caller adds the audit event.
//!
//! Goals and steps are edited with optimistic locking: an update names the version the form
//! showed and writes nothing when the record moved on since ([`Change::Conflict`] hands back
//! the record as it is now, so the page shows both). Adding a goal, a step, a victory or an
//! agreement never conflicts.

use domain::CaseId;
use domain::OrganisationId;
use domain::UserId;
use domain::cases::EntryKind;
use domain::ids::{AgreementId, GoalId, StepId, VictoryId};
use domain::plans::{self, AgreementMethod, GoalStatus, StepOwner, StepStatus};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

/// A goal as stored, with its life domains (and, from [`plan_of`], its steps).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Goal {
    #[sqlx(try_from = "Uuid")]
    pub id: GoalId,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub person_words: String,
    pub worker_words: Option<String>,
    /// A [`GoalStatus`] code.
    pub status: String,
    pub position: i64,
    pub updated_at: Ts,
    /// Who saved it last (for the conflict page: what the other worker saved).
    pub updated_by_name: Option<String>,
    pub version: i64,
    /// Life domain codes, in the order they were ticked.
    #[sqlx(skip)]
    pub domains: Vec<String>,
    /// Filled by [`plan_of`] only, by position.
    #[sqlx(skip)]
    pub steps: Vec<Step>,
}

impl Goal {
    pub fn status(&self) -> GoalStatus {
        GoalStatus::parse(&self.status).unwrap_or(GoalStatus::Active)
    }

    /// The goal as the form holds it.
    pub fn fields(&self) -> plans::Goal {
        plans::Goal {
            person_words: self.person_words.clone(),
            worker_words: self.worker_words.clone(),
            domains: self.domains.clone(),
            status: self.status(),
        }
    }
}

/// A step as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Step {
    #[sqlx(try_from = "Uuid")]
    pub id: StepId,
    #[sqlx(try_from = "Uuid")]
    pub goal_id: GoalId,
    pub action: String,
    /// A [`StepOwner`] code.
    pub owner: String,
    pub partner_name: Option<String>,
    pub due_on: Option<Date>,
    /// A [`StepStatus`] code.
    pub status: String,
    pub position: i64,
    pub updated_at: Ts,
    pub updated_by_name: Option<String>,
    pub version: i64,
}

impl Step {
    pub fn status(&self) -> StepStatus {
        StepStatus::parse(&self.status).unwrap_or(StepStatus::Planned)
    }

    pub fn owner(&self) -> StepOwner {
        StepOwner::parse(&self.owner).unwrap_or(StepOwner::Worker)
    }

    pub fn overdue(&self, today: Date) -> bool {
        plans::is_overdue(self.due_on, self.status(), today)
    }

    /// The step as the form holds it.
    pub fn fields(&self) -> plans::Step {
        plans::Step {
            action: self.action.clone(),
            owner: self.owner(),
            partner_name: self.partner_name.clone(),
            due_on: self.due_on,
            status: self.status(),
        }
    }
}

/// A victory as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Victory {
    #[sqlx(try_from = "Uuid")]
    pub id: VictoryId,
    pub goal_id: Option<Uuid>,
    pub occurred_on: Date,
    pub person_words: String,
    pub recorded_by_name: Option<String>,
    pub created_at: Ts,
}

/// An agreement of the person to their plan.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Agreement {
    #[sqlx(try_from = "Uuid")]
    pub id: AgreementId,
    pub agreed_on: Date,
    /// An [`AgreementMethod`] code.
    pub method: String,
    pub recorded_by_name: Option<String>,
    /// When it was recorded: plan changes after it are "changes since the agreement".
    pub created_at: Ts,
}

impl Agreement {
    pub fn method(&self) -> Option<AgreementMethod> {
        AgreementMethod::parse(&self.method)
    }
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<T> {
    /// Written, with its timeline event (whose detail is given).
    Saved(&'static str),
    /// The form held what is stored already: nothing written.
    Unchanged,
    /// Someone saved it since the version the form showed: nothing written; here it is now.
    Conflict(Box<T>),
    /// No such record in this case.
    NotFound,
}

macro_rules! goal_select {
    () => {
        "SELECT g.id, g.case_id, g.person_words, g.worker_words, g.status, g.position, \
         g.updated_at, u.display_name AS updated_by_name, g.version \
         FROM plan_goals g LEFT JOIN users u ON u.id = g.updated_by "
    };
}

macro_rules! step_select {
    () => {
        "SELECT s.id, s.goal_id, s.action, s.owner, s.partner_name, s.due_on, s.status, \
         s.position, s.updated_at, u.display_name AS updated_by_name, s.version \
         FROM plan_steps s LEFT JOIN users u ON u.id = s.updated_by "
    };
}

macro_rules! victory_select {
    () => {
        "SELECT v.id, v.goal_id, v.occurred_on, v.person_words, \
         u.display_name AS recorded_by_name, v.created_at \
         FROM plan_victories v LEFT JOIN users u ON u.id = v.recorded_by "
    };
}

/// The moment a dated record (a victory, an agreement) takes on the timeline: now when it is
/// today's, otherwise midday (UTC) of its date, so that it sorts among that day's entries.
fn moment(day: Date, now: Ts) -> Ts {
    if day == now.get().date() {
        now
    } else {
        Ts::from(day.with_time(time::macros::time!(12:00)).assume_utc())
    }
}

#[allow(clippy::too_many_arguments)] // One event: where, what, about which record, by whom.
async fn event(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    kind: EntryKind,
    subject: Uuid,
    summary: Option<&str>,
    detail: &str,
    by: UserId,
    at: Ts,
    now: Ts,
) -> Result<(), StoreError> {
    let e = NewEvent {
        organisation_id: org,
        case_id: case,
        kind,
        occurred_at: at,
        author: Some(by),
        subject_id: Some(subject),
        summary,
        detail,
    };
    crate::cases::add_event(tx, &e, now).await?;
    Ok(())
}

async fn insert_domains(
    tx: &mut Tx,
    org: OrganisationId,
    goal: GoalId,
    domains: &[String],
) -> Result<(), StoreError> {
    for d in domains {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO plan_goal_domains (goal_id, organisation_id, domain) VALUES ($1, $2, $3)",
            goal.as_uuid(),
            org.as_uuid(),
            d.as_str(),
        )?;
    }
    Ok(())
}

/// Adds a goal at the end of the plan, with its timeline event (`added`, the person's words).
#[tracing::instrument(skip_all)]
pub async fn create_goal(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    goal: &plans::Goal,
    by: UserId,
    now: Ts,
) -> Result<GoalId, StoreError> {
    let id = GoalId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO plan_goals (id, organisation_id, case_id, person_words, worker_words, \
         status, position, created_by, updated_by, created_at, updated_at, version) \
         SELECT $1, $2, $3, $4, $5, $6, coalesce(max(position), 0) + 1, $7, $7, $8, $8, 1 \
         FROM plan_goals WHERE case_id = $3",
        id.as_uuid(),
        org.as_uuid(),
        case.as_uuid(),
        goal.person_words.as_str(),
        goal.worker_words.as_deref(),
        goal.status.as_str(),
        by.as_uuid(),
        now,
    )?;
    insert_domains(tx, org, id, &goal.domains).await?;
    let words = Some(goal.person_words.as_str());
    event(tx, org, case, EntryKind::Goal, id.as_uuid(), words, "added", by, now, now).await?;
    Ok(id)
}

/// A goal of a case, with its domains (two queries).
#[tracing::instrument(skip_all)]
pub async fn find_goal<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
    id: GoalId,
) -> Result<Option<Goal>, StoreError> {
    let mut exec = exec.into();
    let goal: Option<Goal> = sql!(
        as Goal,
        fetch_optional,
        &mut exec,
        concat!(goal_select!(), "WHERE g.organisation_id = $1 AND g.case_id = $2 AND g.id = $3"),
        org.as_uuid(),
        case.as_uuid(),
        id.as_uuid(),
    )?;
    let Some(mut goal) = goal else { return Ok(None) };
    goal.domains = sql!(
        scalar String,
        fetch_all,
        &mut exec,
        "SELECT domain FROM plan_goal_domains WHERE goal_id = $1 ORDER BY domain",
        id.as_uuid(),
    )?;
    Ok(Some(goal))
}

fn same_domains(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// Changes a goal if nobody saved it since `expected_version`, with its timeline event
/// (`changed`, or the new status: `achieved`, `abandoned`, `paused`, `reopened`).
#[allow(clippy::too_many_arguments)] // One change: which goal, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update_goal(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    id: GoalId,
    expected_version: i64,
    goal: &plans::Goal,
    by: UserId,
    now: Ts,
) -> Result<Change<Goal>, StoreError> {
    let Some(current) = find_goal(&mut *tx, org, case, id).await? else {
        return Ok(Change::NotFound);
    };
    if current.version != expected_version {
        return Ok(Change::Conflict(Box::new(current)));
    }
    if current.person_words == goal.person_words
        && current.worker_words == goal.worker_words
        && current.status() == goal.status
        && same_domains(&current.domains, &goal.domains)
    {
        return Ok(Change::Unchanged);
    }
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE plan_goals SET person_words = $4, worker_words = $5, status = $6, \
         updated_by = $7, updated_at = $8, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3",
        org.as_uuid(),
        id.as_uuid(),
        expected_version,
        goal.person_words.as_str(),
        goal.worker_words.as_deref(),
        goal.status.as_str(),
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        // Saved by another transaction between the read and the write.
        let now_stored = find_goal(&mut *tx, org, case, id).await?;
        return Ok(now_stored.map_or(Change::NotFound, |g| Change::Conflict(Box::new(g))));
    }
    if !same_domains(&current.domains, &goal.domains) {
        sql!(execute, &mut *tx, "DELETE FROM plan_goal_domains WHERE goal_id = $1", id.as_uuid(),)?;
        insert_domains(tx, org, id, &goal.domains).await?;
    }
    let detail = plans::goal_event(current.status(), goal.status);
    let words = Some(goal.person_words.as_str());
    event(tx, org, case, EntryKind::Goal, id.as_uuid(), words, detail, by, now, now).await?;
    Ok(Change::Saved(detail))
}

/// Adds a step at the end of a goal of the case, with its timeline event (`added`, the
/// action). `None` when the goal is not one of this case's.
#[tracing::instrument(skip_all)]
pub async fn add_step(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    goal: GoalId,
    step: &plans::Step,
    by: UserId,
    now: Ts,
) -> Result<Option<StepId>, StoreError> {
    let id = StepId::new();
    // The goal's case is checked by the insert itself: no row when it is another case's.
    let n = sql!(
        execute,
        &mut *tx,
        "INSERT INTO plan_steps (id, organisation_id, case_id, goal_id, action, owner, \
         partner_name, due_on, status, position, created_by, updated_by, created_at, \
         updated_at, version) \
         SELECT $1, g.organisation_id, g.case_id, g.id, $5, $6, $7, $8, $9, \
         (SELECT coalesce(max(s.position), 0) + 1 FROM plan_steps s WHERE s.goal_id = g.id), \
         $10, $10, $11, $11, 1 \
         FROM plan_goals g WHERE g.organisation_id = $2 AND g.case_id = $3 AND g.id = $4",
        id.as_uuid(),
        org.as_uuid(),
        case.as_uuid(),
        goal.as_uuid(),
        step.action.as_str(),
        step.owner.as_str(),
        step.partner_name.as_deref(),
        step.due_on,
        step.status.as_str(),
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(None);
    }
    let action = Some(step.action.as_str());
    event(tx, org, case, EntryKind::Step, id.as_uuid(), action, "added", by, now, now).await?;
    Ok(Some(id))
}

/// A step of a case.
#[tracing::instrument(skip_all)]
pub async fn find_step<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
    id: StepId,
) -> Result<Option<Step>, StoreError> {
    Ok(sql!(
        as Step,
        fetch_optional,
        exec,
        concat!(step_select!(), "WHERE s.organisation_id = $1 AND s.case_id = $2 AND s.id = $3"),
        org.as_uuid(),
        case.as_uuid(),
        id.as_uuid(),
    )?)
}

/// Changes a step if nobody saved it since `expected_version`, with its timeline event
/// (`changed`, or the new status: `started`, `done`, `paused`, `abandoned`, `cancelled`,
/// `reopened`).
#[allow(clippy::too_many_arguments)] // One change: which step, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update_step(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    id: StepId,
    expected_version: i64,
    step: &plans::Step,
    by: UserId,
    now: Ts,
) -> Result<Change<Step>, StoreError> {
    let Some(current) = find_step(&mut *tx, org, case, id).await? else {
        return Ok(Change::NotFound);
    };
    if current.version != expected_version {
        return Ok(Change::Conflict(Box::new(current)));
    }
    if current.fields() == *step {
        return Ok(Change::Unchanged);
    }
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE plan_steps SET action = $4, owner = $5, partner_name = $6, due_on = $7, \
         status = $8, updated_by = $9, updated_at = $10, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3",
        org.as_uuid(),
        id.as_uuid(),
        expected_version,
        step.action.as_str(),
        step.owner.as_str(),
        step.partner_name.as_deref(),
        step.due_on,
        step.status.as_str(),
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        let now_stored = find_step(&mut *tx, org, case, id).await?;
        return Ok(now_stored.map_or(Change::NotFound, |s| Change::Conflict(Box::new(s))));
    }
    let detail = plans::step_event(current.status(), step.status);
    let action = Some(step.action.as_str());
    event(tx, org, case, EntryKind::Step, id.as_uuid(), action, detail, by, now, now).await?;
    Ok(Change::Saved(detail))
}

/// Records a victory, with its timeline event (`added`, the person's words) at its date. The
/// caller checks that its goal, if any, is one of this case's ([`goals_of`]).
#[tracing::instrument(skip_all)]
pub async fn add_victory(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    victory: &plans::Victory,
    by: UserId,
    now: Ts,
) -> Result<VictoryId, StoreError> {
    let id = VictoryId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO plan_victories (id, organisation_id, case_id, goal_id, occurred_on, \
         person_words, recorded_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)",
        id.as_uuid(),
        org.as_uuid(),
        case.as_uuid(),
        victory.goal.map(|g| g.as_uuid()),
        victory.occurred_on,
        victory.person_words.as_str(),
        by.as_uuid(),
        now,
    )?;
    let at = moment(victory.occurred_on, now);
    let words = Some(victory.person_words.as_str());
    event(tx, org, case, EntryKind::Victory, id.as_uuid(), words, "added", by, at, now).await?;
    Ok(id)
}

/// Records the person's agreement to the plan as it is now, with its timeline event
/// (`recorded`) at its date.
#[tracing::instrument(skip_all)]
pub async fn record_agreement(
    tx: &mut Tx,
    org: OrganisationId,
    case: CaseId,
    agreement: &plans::Agreement,
    by: UserId,
    now: Ts,
) -> Result<AgreementId, StoreError> {
    let id = AgreementId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO plan_agreements (id, organisation_id, case_id, agreed_on, method, \
         recorded_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)",
        id.as_uuid(),
        org.as_uuid(),
        case.as_uuid(),
        agreement.agreed_on,
        agreement.method.as_str(),
        by.as_uuid(),
        now,
    )?;
    let at = moment(agreement.agreed_on, now);
    event(tx, org, case, EntryKind::Agreement, id.as_uuid(), None, "recorded", by, at, now).await?;
    Ok(id)
}

/// A case's whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// By position, each with its domains and steps.
    pub goals: Vec<Goal>,
    /// Newest first.
    pub victories: Vec<Victory>,
    /// The latest agreement.
    pub agreement: Option<Agreement>,
}

impl Plan {
    /// When a goal or a step was last added or changed.
    pub fn last_change(&self) -> Option<Ts> {
        self.goals
            .iter()
            .map(|g| g.updated_at)
            .chain(self.goals.iter().flat_map(|g| g.steps.iter().map(|s| s.updated_at)))
            .max()
    }

    /// Whether a goal or a step was added or changed after the latest agreement was recorded.
    pub fn changed_since_agreement(&self) -> bool {
        match (&self.agreement, self.last_change()) {
            (Some(a), Some(last)) => last > a.created_at,
            _ => false,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DomainRow {
    goal_id: Uuid,
    domain: String,
}

/// The plan of a case: goals, their domains, steps, victories and the latest agreement — five
/// queries whatever the plan's size.
#[tracing::instrument(skip_all)]
pub async fn plan_of<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
) -> Result<Plan, StoreError> {
    let mut exec = exec.into();
    let mut goals: Vec<Goal> = sql!(
        as Goal,
        fetch_all,
        &mut exec,
        concat!(
            goal_select!(),
            "WHERE g.organisation_id = $1 AND g.case_id = $2 ORDER BY g.position, g.id"
        ),
        org.as_uuid(),
        case.as_uuid(),
    )?;
    let domains: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT d.goal_id, d.domain FROM plan_goal_domains d \
         JOIN plan_goals g ON g.id = d.goal_id \
         WHERE g.organisation_id = $1 AND g.case_id = $2 ORDER BY d.domain",
        org.as_uuid(),
        case.as_uuid(),
    )?;
    let steps: Vec<Step> = sql!(
        as Step,
        fetch_all,
        &mut exec,
        concat!(
            step_select!(),
            "WHERE s.organisation_id = $1 AND s.case_id = $2 ORDER BY s.position, s.id"
        ),
        org.as_uuid(),
        case.as_uuid(),
    )?;
    for g in &mut goals {
        g.domains = domains
            .iter()
            .filter(|d| d.goal_id == g.id.as_uuid())
            .map(|d| d.domain.clone())
            .collect();
        g.steps = steps.iter().filter(|s| s.goal_id == g.id).cloned().collect();
    }
    let victories = victories_of(&mut exec, org, case, 500).await?;
    let agreement: Option<Agreement> = sql!(
        as Agreement,
        fetch_optional,
        &mut exec,
        "SELECT a.id, a.agreed_on, a.method, u.display_name AS recorded_by_name, a.created_at \
         FROM plan_agreements a LEFT JOIN users u ON u.id = a.recorded_by \
         WHERE a.organisation_id = $1 AND a.case_id = $2 \
         ORDER BY a.created_at DESC, a.id DESC LIMIT 1",
        org.as_uuid(),
        case.as_uuid(),
    )?;
    Ok(Plan { goals, victories, agreement })
}

/// The latest `limit` victories of a case, newest first.
#[tracing::instrument(skip_all)]
pub async fn victories_of<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
    limit: i64,
) -> Result<Vec<Victory>, StoreError> {
    Ok(sql!(
        as Victory,
        fetch_all,
        exec,
        concat!(
            victory_select!(),
            "WHERE v.organisation_id = $1 AND v.case_id = $2 \
             ORDER BY v.occurred_on DESC, v.id DESC LIMIT $3"
        ),
        org.as_uuid(),
        case.as_uuid(),
        limit,
    )?)
}

/// The goals of a case (without domains or steps), by position: the choices of a victory's
/// goal.
#[tracing::instrument(skip_all)]
pub async fn goals_of<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
) -> Result<Vec<Goal>, StoreError> {
    Ok(sql!(
        as Goal,
        fetch_all,
        exec,
        concat!(
            goal_select!(),
            "WHERE g.organisation_id = $1 AND g.case_id = $2 ORDER BY g.position, g.id"
        ),
        org.as_uuid(),
        case.as_uuid(),
    )?)
}

/// What the case overview shows of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanOverview {
    /// The active goals by position, each with its next step: the first open one (planned, in
    /// progress or on hold) by due date, undated last.
    pub goals: Vec<(Goal, Option<Step>)>,
    /// The latest victories, newest first.
    pub victories: Vec<Victory>,
}

/// The plan panel of the case overview: three queries whatever the plan's size.
#[tracing::instrument(skip_all)]
pub async fn overview<'c>(
    exec: impl Into<Exec<'c>>,
    org: OrganisationId,
    case: CaseId,
    victories: i64,
) -> Result<PlanOverview, StoreError> {
    let mut exec = exec.into();
    let goals: Vec<Goal> = sql!(
        as Goal,
        fetch_all,
        &mut exec,
        concat!(
            goal_select!(),
            "WHERE g.organisation_id = $1 AND g.case_id = $2 AND g.status = 'active' \
             ORDER BY g.position, g.id"
        ),
        org.as_uuid(),
        case.as_uuid(),
    )?;
    let steps: Vec<Step> = sql!(
        as Step,
        fetch_all,
        &mut exec,
        concat!(
            step_select!(),
            "JOIN plan_goals g ON g.id = s.goal_id \
             WHERE s.organisation_id = $1 AND s.case_id = $2 AND g.status = 'active' \
             AND s.status IN ('planned', 'in_progress', 'on_hold') \
             ORDER BY (s.due_on IS NULL), s.due_on, s.position, s.id"
        ),
        org.as_uuid(),
        case.as_uuid(),
    )?;
    let victories = victories_of(&mut exec, org, case, victories).await?;
    let goals = goals
        .into_iter()
        .map(|g| {
            let next = steps.iter().find(|s| s.goal_id == g.id).cloned();
            (g, next)
        })
        .collect();
    Ok(PlanOverview { goals, victories })
}
