//! Tasks and reminders: typed to-dos, the tasks the system creates when something needs
//! someone, and the periodic job ([`REMINDERS`]) that creates them, closes those whose reason is
//! gone, and tells each assignee once a day how many of their tasks are due.
//!
//! A system task is unique per (kind, source, assignee) — the unique index makes creating it
//! idempotent, on both engines and whatever number of servers run the job. The features whose
//! records are sources close their tasks in the transaction of the change that resolves them
//! ([`resolve_source`], [`resolve_case`]); the job closes any left over.

use domain::tasks::{TaskFields, TaskKind, TaskStatus};
use domain::{CaseId, OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::jobs::Schedule;
use crate::jobs::runner::{JobContext, JobError, Registry};
use crate::notifications::{NewNotification, NotificationKind};
use crate::{Db, Exec, StoreError, Ts, Tx};

/// The periodic job of reminders.
pub const REMINDERS: &str = "task_reminders";
pub const REMINDERS_EVERY_MINUTES: i64 = 15;
/// At most this many system tasks of one rule are created per organisation and run (the next
/// run goes on): a first run on a large history stays a bounded transaction.
pub const BATCH: i64 = 500;

/// A task as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Task {
    pub id: Uuid,
    pub kind: String,
    pub source_id: Option<Uuid>,
    pub title: Option<String>,
    pub details: Option<String>,
    pub case_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    #[sqlx(try_from = "Uuid")]
    pub assignee_id: UserId,
    pub assignee_name: String,
    pub created_by: Option<Uuid>,
    pub created_by_name: Option<String>,
    pub due_on: Option<Date>,
    pub status: String,
    pub closed_at: Option<Ts>,
    pub closed_by: Option<Uuid>,
    pub closed_by_name: Option<String>,
    pub created_at: Ts,
    pub version: i64,
}

impl Task {
    pub fn kind(&self) -> TaskKind {
        TaskKind::parse(&self.kind).unwrap_or(TaskKind::Manual)
    }

    pub fn status(&self) -> TaskStatus {
        TaskStatus::parse(&self.status).unwrap_or(TaskStatus::Open)
    }

    pub fn case(&self) -> Option<CaseId> {
        self.case_id.map(CaseId::from_uuid)
    }

    pub fn author(&self) -> Option<UserId> {
        self.created_by.map(UserId::from_uuid)
    }

    /// The person's name as lists show it, when the task is about someone.
    pub fn person_name(&self) -> Option<String> {
        self.person_id.map(|_| {
            crate::persons::list_name(
                self.used_name.as_deref(),
                self.birth_name.as_deref(),
                self.first_names.as_deref(),
            )
        })
    }

    pub fn facts(&self, organisation_id: OrganisationId) -> domain::policy::TaskFacts {
        domain::policy::TaskFacts {
            organisation_id,
            assignee: self.assignee_id,
            created_by: self.author(),
            automatic: self.kind().automatic(),
        }
    }
}

const SELECT: &str = "SELECT t.id, t.kind, t.source_id, t.title, t.details, t.case_id, \
     t.person_id, p.birth_name, p.used_name, p.first_names, t.assignee_id, \
     a.display_name AS assignee_name, t.created_by, c.display_name AS created_by_name, t.due_on, \
     t.status, t.closed_at, t.closed_by, d.display_name AS closed_by_name, t.created_at, \
     t.version \
     FROM tasks t JOIN users a ON a.id = t.assignee_id \
     LEFT JOIN users c ON c.id = t.created_by LEFT JOIN users d ON d.id = t.closed_by \
     LEFT JOIN persons p ON p.id = t.person_id ";

/// A typed task to create.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub organisation_id: OrganisationId,
    pub fields: &'a TaskFields,
    pub case_id: Option<CaseId>,
    pub person_id: Option<PersonId>,
    pub assignee: UserId,
    pub by: UserId,
}

/// Creates a typed task; when it is given to someone else, they are notified in the same
/// transaction.
#[tracing::instrument(skip_all)]
pub async fn create(tx: &mut Tx, t: &NewTask<'_>, now: Ts) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO tasks (id, organisation_id, kind, title, details, case_id, person_id, \
         assignee_id, created_by, due_on, status, created_at, updated_at, version) \
         VALUES ($1, $2, 'manual', $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10, 1)",
        id,
        t.organisation_id.as_uuid(),
        t.fields.title.as_str(),
        t.fields.details.as_deref(),
        t.case_id.map(|c| c.as_uuid()),
        t.person_id.map(|p| p.as_uuid()),
        t.assignee.as_uuid(),
        t.by.as_uuid(),
        t.fields.due_on,
        now,
    )?;
    notify_assigned(tx, t.organisation_id, t.assignee, t.by, id, now).await?;
    Ok(id)
}

async fn notify_assigned(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    assignee: UserId,
    by: UserId,
    task: Uuid,
    now: Ts,
) -> Result<(), StoreError> {
    if assignee == by {
        return Ok(());
    }
    let n = NewNotification {
        user_id: assignee,
        organisation_id: Some(organisation_id),
        kind: NotificationKind::TaskAssigned,
        actor_user_id: Some(by),
        details: Some(task.to_string()),
    };
    crate::notifications::insert(tx, &n, now).await
}

/// A task the system creates about one record.
#[derive(Debug, Clone, Copy)]
pub struct SystemTask {
    pub organisation_id: OrganisationId,
    pub kind: TaskKind,
    pub source_id: Uuid,
    pub case_id: Option<CaseId>,
    pub person_id: Option<PersonId>,
    pub assignee: UserId,
    pub due_on: Option<Date>,
}

/// Creates the system task unless it exists already (whatever its status: a task done or
/// cancelled by its assignee is not created again). `true` when it was created.
#[tracing::instrument(skip_all)]
pub async fn ensure_system(tx: &mut Tx, t: &SystemTask, now: Ts) -> Result<bool, StoreError> {
    debug_assert!(t.kind.automatic());
    let n = sql!(
        execute,
        &mut *tx,
        "INSERT INTO tasks (id, organisation_id, kind, source_id, case_id, person_id, \
         assignee_id, due_on, status, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9, 1) ON CONFLICT DO NOTHING",
        Uuid::now_v7(),
        t.organisation_id.as_uuid(),
        t.kind.as_str(),
        t.source_id,
        t.case_id.map(|c| c.as_uuid()),
        t.person_id.map(|p| p.as_uuid()),
        t.assignee.as_uuid(),
        t.due_on,
        now,
    )?;
    Ok(n == 1)
}

/// Closes, as done by the system, the open tasks of `kind` about `source` (its reason is gone:
/// the check was recorded, the flag acknowledged...). Returns how many.
#[tracing::instrument(skip_all)]
pub async fn resolve_source(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    kind: TaskKind,
    source: Uuid,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET status = 'done', closed_at = $4, closed_by = NULL, updated_at = $4, \
         version = version + 1 \
         WHERE organisation_id = $1 AND kind = $2 AND source_id = $3 AND status = 'open'",
        organisation_id.as_uuid(),
        kind.as_str(),
        source,
        now,
    )?)
}

/// Closes, as done by the system, the open tasks of `kind` on `case` (a new assessment
/// answers every "assessment too old" task of its case).
#[tracing::instrument(skip_all)]
pub async fn resolve_case(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    kind: TaskKind,
    case: CaseId,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET status = 'done', closed_at = $4, closed_by = NULL, updated_at = $4, \
         version = version + 1 \
         WHERE organisation_id = $1 AND kind = $2 AND case_id = $3 AND status = 'open'",
        organisation_id.as_uuid(),
        kind.as_str(),
        case.as_uuid(),
        now,
    )?)
}

/// One task of the organisation, whoever it is for (the caller checks the policy).
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Task>, StoreError> {
    let sql = format!("{SELECT}WHERE t.organisation_id = $1 AND t.id = $2");
    Ok(sql!(as Task, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Open tasks given to the user, by due date (undated last).
    MineOpen,
    /// Open tasks the user gave to colleagues.
    GivenOpen,
    /// Tasks of the user (given to them or by them) closed since the date, newest first.
    ClosedSince(Ts),
}

/// The user's tasks of `scope`, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn list<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    scope: Scope,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    let (filter, order) = match scope {
        Scope::MineOpen => (
            "t.assignee_id = $2 AND t.status = 'open'",
            "CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.created_at, t.id",
        ),
        Scope::GivenOpen => (
            "t.created_by = $2 AND t.assignee_id <> $2 AND t.status = 'open'",
            "CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.created_at, t.id",
        ),
        Scope::ClosedSince(_) => (
            "(t.assignee_id = $2 OR t.created_by = $2) AND t.status <> 'open' AND t.closed_at >= $4",
            "t.closed_at DESC, t.id DESC",
        ),
    };
    let sql =
        format!("{SELECT}WHERE t.organisation_id = $1 AND {filter} ORDER BY {order} LIMIT $3");
    let since = match scope {
        Scope::ClosedSince(ts) => ts,
        _ => Ts::from(time::OffsetDateTime::UNIX_EPOCH),
    };
    let exec = exec.into();
    Ok(match scope {
        Scope::ClosedSince(_) => sql!(
            as Task,
            fetch_all,
            exec,
            &sql,
            organisation_id.as_uuid(),
            user.as_uuid(),
            limit,
            since
        )?,
        _ => {
            sql!(as Task, fetch_all, exec, &sql, organisation_id.as_uuid(), user.as_uuid(), limit)?
        }
    })
}

/// The open tasks of a case, by due date (the caller keeps those the viewer may read).
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case: CaseId,
) -> Result<Vec<Task>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE t.organisation_id = $1 AND t.case_id = $2 AND t.status = 'open' \
         ORDER BY CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.created_at, t.id \
         LIMIT 100"
    );
    Ok(sql!(as Task, fetch_all, exec, &sql, organisation_id.as_uuid(), case.as_uuid())?)
}

/// Marks an open task done, or cancels it, if nobody changed it since `expected_version`. A
/// typed task of a case done goes on the case's timeline (its title, as typed). `false`:
/// nothing written.
#[tracing::instrument(skip_all)]
pub async fn close(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    task: &Task,
    expected_version: i64,
    to: TaskStatus,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    debug_assert!(to != TaskStatus::Open);
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET status = $4, closed_at = $5, closed_by = $6, updated_at = $5, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = 'open'",
        organisation_id.as_uuid(),
        task.id,
        expected_version,
        to.as_str(),
        now,
        by.as_uuid(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    if let (Some(case_id), TaskStatus::Done, TaskKind::Manual) = (task.case(), to, task.kind()) {
        let event = NewEvent {
            organisation_id,
            case_id,
            kind: domain::cases::EntryKind::Task,
            occurred_at: now,
            author: Some(by),
            subject_id: Some(task.id),
            summary: task.title.as_deref(),
            detail: "done",
        };
        crate::cases::add_event(tx, &event, now).await?;
    }
    Ok(true)
}

/// Opens a closed task again (done by mistake), if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn reopen(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET status = 'open', closed_at = NULL, closed_by = NULL, \
         reminded_on = NULL, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status <> 'open'",
        organisation_id.as_uuid(),
        id,
        expected_version,
        now,
    )?;
    Ok(n == 1)
}

/// Saves a typed task's title, details, due date and assignee, if nobody changed it since
/// `expected_version`; a new assignee other than `by` is notified.
#[allow(clippy::too_many_arguments)] // One change: which task, from which version, what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    task: &Task,
    expected_version: i64,
    fields: &TaskFields,
    assignee: UserId,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET title = $4, details = $5, due_on = $6, assignee_id = $7, \
         reminded_on = NULL, updated_at = $8, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND kind = 'manual'",
        organisation_id.as_uuid(),
        task.id,
        expected_version,
        fields.title.as_str(),
        fields.details.as_deref(),
        fields.due_on,
        assignee.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    if assignee != task.assignee_id {
        notify_assigned(tx, organisation_id, assignee, by, task.id, now).await?;
    }
    Ok(true)
}

/// Gives a task (a system one too) to a colleague, if nobody changed it since
/// `expected_version`; they are notified.
#[tracing::instrument(skip_all)]
pub async fn reassign(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    task: &Task,
    expected_version: i64,
    assignee: UserId,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET assignee_id = $4, reminded_on = NULL, updated_at = $5, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        task.id,
        expected_version,
        assignee.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    notify_assigned(tx, organisation_id, assignee, by, task.id, now).await?;
    Ok(true)
}

/// A colleague a task may be given to: an enabled member with a to-do list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Colleague {
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub name: String,
    pub role: String,
}

/// The organisation's members who keep a to-do list, by name.
#[tracing::instrument(skip_all)]
pub async fn colleagues<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<Colleague>, StoreError> {
    Ok(sql!(
        as Colleague,
        fetch_all,
        exec,
        "SELECT u.id AS user_id, u.display_name AS name, m.role FROM memberships m \
         JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.disabled_at IS NULL AND u.disabled_at IS NULL \
         AND m.role IN ('manager', 'worker', 'reception', 'supervisor') \
         ORDER BY u.display_name, u.id",
        organisation_id.as_uuid(),
    )?)
}

/// How a member acts in the organisation (their role and teams), to ask the policy what they
/// could do with a case before giving them a task on it. `None`: not an enabled member.
#[tracing::instrument(skip_all)]
pub async fn member_actor(
    db: &Db,
    organisation_id: OrganisationId,
    user: UserId,
) -> Result<Option<domain::policy::Actor>, StoreError> {
    let role: Option<String> = sql!(
        scalar String,
        fetch_optional,
        db,
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.user_id = $2 AND m.disabled_at IS NULL \
         AND u.disabled_at IS NULL",
        organisation_id.as_uuid(),
        user.as_uuid(),
    )?;
    let Some(role) = role.as_deref().and_then(domain::accounts::Role::parse) else {
        return Ok(None);
    };
    let teams = crate::accounts::teams_of_membership(db, user, organisation_id).await?;
    Ok(Some(domain::policy::Actor {
        user_id: user,
        instance_admin: false,
        membership: Some(domain::policy::ActiveMembership {
            organisation_id,
            role,
            teams: teams.iter().map(|(t, _)| *t).collect(),
            supervised_teams: teams.iter().filter(|(_, s)| *s).map(|(t, _)| *t).collect(),
        }),
    }))
}

/// What one run of the reminders job did, for its log line and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub created: u64,
    pub resolved: u64,
    pub reminded_users: u64,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    time_zone: String,
    reminder_flag_hours: i64,
    reminder_assessment_months: i64,
    reminder_referral_days: i64,
    reminder_mail_days: i64,
    reminder_aid_days: i64,
}

/// A record that may call for a system task, and for whom.
#[derive(sqlx::FromRow)]
pub(crate) struct Candidate {
    pub(crate) source_id: Uuid,
    pub(crate) case_id: Option<Uuid>,
    pub(crate) person_id: Uuid,
    pub(crate) assignee_id: Option<Uuid>,
    pub(crate) due_on: Option<Date>,
}

/// One run of the reminders job for every organisation, at `now`: creates the system tasks
/// that fall due, closes those whose reason is gone, and notifies once a day each user with
/// tasks due. One transaction per organisation.
#[tracing::instrument(skip_all)]
pub async fn run_reminders(db: &Db, now: Ts) -> Result<RunCounts, StoreError> {
    let orgs: Vec<OrgRow> = sql!(
        as OrgRow,
        fetch_all,
        db,
        "SELECT id, time_zone, reminder_flag_hours, reminder_assessment_months, \
         reminder_referral_days, reminder_mail_days, reminder_aid_days FROM organisations ORDER BY id",
    )?;
    let mut counts = RunCounts::default();
    for org in orgs {
        let mut tx = db.begin_write().await?;
        let c = run_for(&mut tx, &org, now).await?;
        tx.commit().await?;
        counts.created += c.created;
        counts.resolved += c.resolved;
        counts.reminded_users += c.reminded_users;
    }
    Ok(counts)
}

async fn run_for(tx: &mut Tx, org: &OrgRow, now: Ts) -> Result<RunCounts, StoreError> {
    let organisation_id = OrganisationId::from_uuid(org.id);
    let today = crate::ts::local_today(now, Some(&org.time_zone));
    let mut counts =
        RunCounts { resolved: resolve_all(tx, organisation_id, now).await?, ..Default::default() };

    // Follow-up checks due soon: the case's referent.
    let until = today + time::Duration::days(domain::tasks::FOLLOW_UP_NOTICE_DAYS);
    let checks: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT f.id AS source_id, c.id AS case_id, c.person_id, c.referent_id AS assignee_id, \
         f.due_on FROM case_follow_ups f JOIN cases c ON c.id = f.case_id \
         WHERE f.organisation_id = $1 AND f.status = 'scheduled' AND f.due_on <= $2 \
         AND c.referent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks t \
           WHERE t.organisation_id = $1 AND t.kind = 'follow_up_due' AND t.source_id = f.id \
           AND t.assignee_id = c.referent_id) \
         ORDER BY f.due_on, f.id LIMIT $3",
        org.id,
        until,
        BATCH,
    )?;
    counts.created += create_all(tx, organisation_id, TaskKind::FollowUpDue, &checks, now).await?;

    // Open cases whose latest assessment is too old: the referent, today.
    let limit = domain::follow_ups::shift_months(today, -(org.reminder_assessment_months as i32));
    let old: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT a.id AS source_id, c.id AS case_id, c.person_id, c.referent_id AS assignee_id, \
         NULL AS due_on FROM cases c JOIN assessments a ON a.case_id = c.id \
         WHERE c.organisation_id = $1 AND c.status = 'open' AND c.referent_id IS NOT NULL \
         AND a.assessed_on < $2 AND NOT EXISTS (SELECT 1 FROM assessments b \
           WHERE b.case_id = c.id AND (b.assessed_on > a.assessed_on \
           OR (b.assessed_on = a.assessed_on AND b.id > a.id))) \
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.organisation_id = $1 \
           AND t.kind = 'assessment_old' AND t.source_id = a.id AND t.assignee_id = c.referent_id) \
         ORDER BY a.assessed_on, a.id LIMIT $3",
        org.id,
        limit,
        BATCH,
    )?;
    let old: Vec<Candidate> =
        old.into_iter().map(|c| Candidate { due_on: Some(today), ..c }).collect();
    counts.created += create_all(tx, organisation_id, TaskKind::AssessmentOld, &old, now).await?;

    // Urgency flags raised and not acknowledged in time: the case's referent, else the
    // referents of the person's open cases, else the organisation's managers.
    let raised_before = Ts::from(now.get() - time::Duration::hours(org.reminder_flag_hours));
    let flags: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT f.id AS source_id, f.case_id, f.person_id, NULL AS assignee_id, NULL AS due_on \
         FROM urgency_flags f WHERE f.organisation_id = $1 AND f.status = 'raised' \
         AND f.raised_at <= $2 AND NOT EXISTS (SELECT 1 FROM tasks t \
           WHERE t.organisation_id = $1 AND t.kind = 'flag_unacknowledged' AND t.source_id = f.id) \
         ORDER BY f.raised_at, f.id LIMIT $3",
        org.id,
        raised_before,
        BATCH,
    )?;
    let mut flag_tasks = Vec::new();
    for f in flags {
        for assignee in flag_assignees(tx, organisation_id, &f).await? {
            flag_tasks.push(Candidate {
                assignee_id: Some(assignee),
                due_on: Some(today),
                case_id: f.case_id,
                ..f
            });
        }
    }
    counts.created +=
        create_all(tx, organisation_id, TaskKind::FlagUnacknowledged, &flag_tasks, now).await?;

    // Referrals sent and still without an answer: the case's referent, today.
    let sent_before = Ts::from(now.get() - time::Duration::days(org.reminder_referral_days));
    let unanswered: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT r.id AS source_id, c.id AS case_id, c.person_id, c.referent_id AS assignee_id, \
         NULL AS due_on FROM referrals r JOIN cases c ON c.id = r.case_id \
         WHERE r.organisation_id = $1 AND r.status = 'sent' AND r.sent_at <= $2 \
         AND c.referent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks t \
           WHERE t.organisation_id = $1 AND t.kind = 'referral_unanswered' \
           AND t.source_id = r.id AND t.assignee_id = c.referent_id) \
         ORDER BY r.sent_at, r.id LIMIT $3",
        org.id,
        sent_before,
        BATCH,
    )?;
    let unanswered: Vec<Candidate> =
        unanswered.into_iter().map(|c| Candidate { due_on: Some(today), ..c }).collect();
    counts.created +=
        create_all(tx, organisation_id, TaskKind::ReferralUnanswered, &unanswered, now).await?;

    counts.created += domiciliation_tasks(tx, org, today, now).await?;
    counts.created +=
        crate::aid::documents_tasks(tx, organisation_id, org.reminder_aid_days, today, now).await?;
    counts.reminded_users = remind(tx, organisation_id, today, now).await?;
    Ok(counts)
}

/// Elections of domicile whose renewal falls due within the notice (due on the renewal date),
/// and mail waiting at the desk longer than the organisation allows (due today): the
/// referents of the person's open cases, else the organisation's managers (as for flags).
/// A renewed election's task of the year before is opened again for the new date.
async fn domiciliation_tasks(
    tx: &mut Tx,
    org: &OrgRow,
    today: Date,
    now: Ts,
) -> Result<u64, StoreError> {
    let organisation_id = OrganisationId::from_uuid(org.id);
    let notice = today + time::Duration::days(domain::domiciliation::RENEWAL_NOTICE_DAYS);
    let renewals: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT d.id AS source_id, NULL AS case_id, d.person_id, NULL AS assignee_id, \
         d.renewal_due AS due_on FROM domiciliations d \
         WHERE d.organisation_id = $1 AND d.end_date IS NULL AND d.renewal_due <= $2 \
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.organisation_id = $1 \
           AND t.kind = 'domiciliation_renewal' AND t.source_id = d.id \
           AND (t.status = 'open' OR t.due_on >= d.renewal_due)) \
         ORDER BY d.renewal_due, d.id LIMIT $3",
        org.id,
        notice,
        BATCH,
    )?;
    let waiting_since = today - time::Duration::days(org.reminder_mail_days);
    let mail: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT m.id AS source_id, NULL AS case_id, d.person_id, NULL AS assignee_id, \
         NULL AS due_on FROM domiciliation_mail m JOIN domiciliations d ON d.id = m.domiciliation_id \
         WHERE m.organisation_id = $1 AND m.collected_on IS NULL AND m.received_on < $2 \
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.organisation_id = $1 \
           AND t.kind = 'domiciliation_mail_waiting' AND t.source_id = m.id) \
         ORDER BY m.received_on, m.id LIMIT $3",
        org.id,
        waiting_since,
        BATCH,
    )?;
    let mut created = 0;
    for (kind, candidates) in
        [(TaskKind::DomiciliationRenewal, renewals), (TaskKind::DomiciliationMailWaiting, mail)]
    {
        let mut tasks = Vec::new();
        for c in candidates {
            for assignee in flag_assignees(tx, organisation_id, &c).await? {
                if kind == TaskKind::DomiciliationRenewal {
                    created += sql!(
                        execute,
                        &mut *tx,
                        "UPDATE tasks SET status = 'open', due_on = $5, closed_at = NULL, \
                         closed_by = NULL, reminded_on = NULL, updated_at = $6, \
                         version = version + 1 WHERE organisation_id = $1 AND kind = $2 \
                         AND source_id = $3 AND assignee_id = $4 AND status <> 'open'",
                        org.id,
                        kind.as_str(),
                        c.source_id,
                        assignee,
                        c.due_on,
                        now,
                    )?;
                }
                let due_on = c.due_on.or(Some(today));
                tasks.push(Candidate { assignee_id: Some(assignee), due_on, ..c });
            }
        }
        created += create_all(tx, organisation_id, kind, &tasks, now).await?;
    }
    Ok(created)
}

async fn flag_assignees(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    flag: &Candidate,
) -> Result<Vec<Uuid>, StoreError> {
    let referents: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT DISTINCT c.referent_id FROM cases c WHERE c.organisation_id = $1 \
         AND c.referent_id IS NOT NULL AND (c.id = $2 OR ($2 IS NULL AND c.person_id = $3 \
         AND c.status <> 'closed')) ORDER BY c.referent_id",
        organisation_id.as_uuid(),
        flag.case_id,
        flag.person_id,
    )?;
    if !referents.is_empty() {
        return Ok(referents);
    }
    Ok(sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.role = 'manager' AND m.disabled_at IS NULL \
         AND u.disabled_at IS NULL ORDER BY m.user_id",
        organisation_id.as_uuid(),
    )?)
}

pub(crate) async fn create_all(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    kind: TaskKind,
    candidates: &[Candidate],
    now: Ts,
) -> Result<u64, StoreError> {
    let mut created = 0;
    for c in candidates {
        let Some(assignee) = c.assignee_id else { continue };
        let task = SystemTask {
            organisation_id,
            kind,
            source_id: c.source_id,
            case_id: c.case_id.map(CaseId::from_uuid),
            person_id: Some(PersonId::from_uuid(c.person_id)),
            assignee: UserId::from_uuid(assignee),
            due_on: c.due_on,
        };
        if ensure_system(tx, &task, now).await? {
            created += 1;
        }
    }
    Ok(created)
}

/// Closes the open system tasks whose reason is gone.
async fn resolve_all(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    now: Ts,
) -> Result<u64, StoreError> {
    let set = "UPDATE tasks SET status = 'done', closed_at = $2, closed_by = NULL, \
               updated_at = $2, version = version + 1 \
               WHERE organisation_id = $1 AND status = 'open' AND ";
    let rules = [
        "kind = 'follow_up_due' AND NOT EXISTS (SELECT 1 FROM case_follow_ups f \
         WHERE f.id = tasks.source_id AND f.status = 'scheduled')",
        "kind = 'flag_unacknowledged' AND NOT EXISTS (SELECT 1 FROM urgency_flags f \
         WHERE f.id = tasks.source_id AND f.status = 'raised')",
        "kind = 'assessment_old' AND (NOT EXISTS (SELECT 1 FROM cases c \
         WHERE c.id = tasks.case_id AND c.status = 'open') OR EXISTS (SELECT 1 FROM assessments a \
         JOIN assessments b ON b.case_id = a.case_id WHERE a.id = tasks.source_id \
         AND (b.assessed_on > a.assessed_on OR (b.assessed_on = a.assessed_on AND b.id > a.id))))",
        "kind = 'referral_unanswered' AND NOT EXISTS (SELECT 1 FROM referrals r \
         WHERE r.id = tasks.source_id AND r.status = 'sent')",
        "kind = 'domiciliation_renewal' AND NOT EXISTS (SELECT 1 FROM domiciliations d \
         WHERE d.id = tasks.source_id AND d.end_date IS NULL AND d.renewal_due <= tasks.due_on)",
        "kind = 'domiciliation_mail_waiting' AND NOT EXISTS (SELECT 1 FROM domiciliation_mail m \
         WHERE m.id = tasks.source_id AND m.collected_on IS NULL)",
        "kind = 'aid_awaiting_documents' AND NOT EXISTS (SELECT 1 FROM aid_requests r \
         WHERE r.id = tasks.source_id AND r.status = 'awaiting_documents')",
    ];
    let mut n = 0;
    for rule in rules {
        let sql = format!("{set}{rule}");
        n += sql!(execute, &mut *tx, &sql, organisation_id.as_uuid(), now)?;
    }
    Ok(n)
}

/// Once a day, tells each user how many of their open tasks are due (today or overdue) and
/// were not counted in a reminder yet; returns how many users were told.
async fn remind(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    today: Date,
    now: Ts,
) -> Result<u64, StoreError> {
    let due: Vec<(Uuid, i64)> = sql!(
        as (Uuid, i64),
        fetch_all,
        &mut *tx,
        "SELECT assignee_id, count(*) FROM tasks WHERE organisation_id = $1 AND status = 'open' \
         AND due_on <= $2 AND (reminded_on IS NULL OR reminded_on < $2) \
         GROUP BY assignee_id ORDER BY assignee_id",
        organisation_id.as_uuid(),
        today,
    )?;
    for (user, count) in &due {
        let n = NewNotification {
            user_id: UserId::from_uuid(*user),
            organisation_id: Some(organisation_id),
            kind: NotificationKind::TasksDue,
            actor_user_id: None,
            details: Some(count.to_string()),
        };
        crate::notifications::insert(tx, &n, now).await?;
    }
    if !due.is_empty() {
        sql!(
            execute,
            &mut *tx,
            "UPDATE tasks SET reminded_on = $2 WHERE organisation_id = $1 AND status = 'open' \
             AND due_on <= $2 AND (reminded_on IS NULL OR reminded_on < $2)",
            organisation_id.as_uuid(),
            today,
        )?;
    }
    Ok(due.len() as u64)
}

/// Adds the reminders job, and its schedule, to `registry`.
pub fn register(registry: Registry) -> Registry {
    registry
        .handle(REMINDERS, |ctx: JobContext| async move {
            let counts = run_reminders(&ctx.db, Ts::now()).await?;
            let mut tx = ctx.db.begin_write().await?;
            ctx.complete_in(&mut tx).await?;
            tx.commit().await?;
            tracing::info!(
                created = counts.created,
                resolved = counts.resolved,
                reminded = counts.reminded_users,
                "task reminders"
            );
            Ok::<(), JobError>(())
        })
        .every(Schedule::new(REMINDERS, REMINDERS_EVERY_MINUTES))
}
