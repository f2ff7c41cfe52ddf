//! Referents and caseloads: each worker's load (two aggregate queries whatever the number of
//! cases), the cases of one worker and the cases without a referent (one query each), changing
//! a case's referents, moving many cases at once for good or for a while, and ending the
//! delegations whose time is up (the periodic job [`END_DELEGATIONS`]).
//!
//! A temporary delegation makes the delegate the case's referent (`cases.referent_id`) while it
//! runs, so every access rule follows it without knowing about delegations; `case_delegations`
//! remembers whom to give the case back to and when (ADR 0015).

use domain::cases::EntryKind;
use domain::policy::CaseloadScope;
use domain::{CaseId, OrganisationId, TeamId, UserId};
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::cases::NewEvent;
use crate::jobs::Schedule;
use crate::jobs::runner::{JobContext, JobError, Registry};
use crate::sql::Arg;
use crate::{Exec, StoreError, Ts, Tx};

/// The job that gives delegated cases back when their delegation ends.
pub const END_DELEGATIONS: &str = "end_case_delegations";
/// How often it runs: a delegation ends at most this many minutes late.
pub const END_DELEGATIONS_EVERY_MINUTES: i64 = 5;

/// The cases a caseload counts: open or paused.
const ACTIVE: &str = "c.status IN ('open', 'paused')";

/// A case's referent who is missing, or no longer an enabled worker of the organisation.
const NO_REFERENT: &str = "(c.referent_id IS NULL OR NOT EXISTS (SELECT 1 FROM memberships m \
     JOIN users mu ON mu.id = m.user_id WHERE m.user_id = c.referent_id \
     AND m.organisation_id = c.organisation_id AND m.role = 'worker' \
     AND m.disabled_at IS NULL AND mu.disabled_at IS NULL))";

/// `AND c.team_id IN (…)` for a team scope, its arguments appended to `args`.
fn scope_filter(scope: &CaseloadScope, args: &mut Vec<Arg>) -> String {
    match scope {
        CaseloadScope::Organisation => String::new(),
        CaseloadScope::Teams(teams) => teams_filter(teams, args),
    }
}

/// `AND c.team_id IN (…)`, its arguments appended to `args`; none matches no case.
pub(crate) fn teams_filter(teams: &[TeamId], args: &mut Vec<Arg>) -> String {
    if teams.is_empty() {
        return " AND 1 = 0".to_owned();
    }
    let mut marks = Vec::new();
    for t in teams {
        args.push(Arg::Uuid(t.as_uuid()));
        marks.push(format!("${}", args.len()));
    }
    format!(" AND c.team_id IN ({})", marks.join(", "))
}

/// One worker's caseload.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkerLoad {
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub name: String,
    /// Cases they are the referent of, open and paused.
    pub open_cases: i64,
    pub paused_cases: i64,
    /// Of those, cases whose person has an urgency flag not closed.
    pub flagged_cases: i64,
    /// Of those, cases they hold for an absent colleague (a delegation running).
    pub delegated_cases: i64,
    /// Steps of those cases' plans still to do whose due date is before `today`
    /// (`domain::plans::is_overdue`).
    pub overdue_steps: i64,
    /// Cases they are a co-referent of, open and paused.
    pub co_referent_cases: i64,
    /// Still an enabled worker of the organisation (a former one keeps the cases they had
    /// until someone reassigns them).
    #[sqlx(skip)]
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct LoadRow {
    referent_id: Uuid,
    name: String,
    open_cases: i64,
    paused_cases: i64,
    flagged_cases: i64,
    delegated_cases: i64,
    overdue_steps: i64,
}

#[derive(sqlx::FromRow)]
struct WorkerRow {
    id: Uuid,
    display_name: String,
    /// How many of the scope's teams they are in (always 1 for the whole organisation).
    in_scope: i64,
    co_referent_cases: i64,
}

/// Every worker's caseload in `scope`, by name: two queries (the load per referent, and the
/// workers with their co-referent counts), whatever the number of cases. A supervisor's scope
/// lists the workers of the supervised teams and the referents of those teams' cases (a
/// worker of another team who follows one of them); co-referent counts are of cases in scope.
#[tracing::instrument(skip_all)]
pub async fn caseloads<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &CaseloadScope,
    today: time::Date,
) -> Result<Vec<WorkerLoad>, StoreError> {
    let mut exec = exec.into();
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Date(today)];
    let filter = scope_filter(scope, &mut args);
    let sql = format!(
        "SELECT c.referent_id, u.display_name AS name, \
         sum(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END) AS open_cases, \
         sum(CASE WHEN c.status = 'paused' THEN 1 ELSE 0 END) AS paused_cases, \
         sum(CASE WHEN EXISTS (SELECT 1 FROM urgency_flags f WHERE f.organisation_id = \
         c.organisation_id AND f.person_id = c.person_id AND f.status <> 'closed') \
         THEN 1 ELSE 0 END) AS flagged_cases, \
         sum(CASE WHEN EXISTS (SELECT 1 FROM case_delegations d WHERE d.case_id = c.id \
         AND d.ended_at IS NULL) THEN 1 ELSE 0 END) AS delegated_cases, \
         CAST(sum((SELECT count(*) FROM plan_steps s WHERE s.case_id = c.id \
         AND s.status IN ('planned', 'in_progress', 'on_hold') AND s.due_on < $2)) AS BIGINT) \
         AS overdue_steps \
         FROM cases c JOIN users u ON u.id = c.referent_id \
         WHERE c.organisation_id = $1 AND {ACTIVE}{filter} \
         GROUP BY c.referent_id, u.display_name"
    );
    let loads: Vec<LoadRow> = sql!(dyn as LoadRow, fetch_all, &mut exec, &sql, args)?;

    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let (in_scope, co_filter) = match scope {
        CaseloadScope::Organisation => ("CAST(1 AS BIGINT)".to_owned(), String::new()),
        CaseloadScope::Teams(_) => {
            let f = scope_filter(scope, &mut args);
            let marks = f.trim_start_matches(" AND c.team_id IN ").to_owned();
            (
                format!(
                    "(SELECT count(*) FROM membership_teams mt WHERE \
                     mt.membership_id = m.id AND mt.team_id IN {marks})"
                ),
                f,
            )
        }
    };
    let sql = format!(
        "SELECT u.id, u.display_name, {in_scope} AS in_scope, \
         (SELECT count(*) FROM case_co_referents cc \
         JOIN cases c ON c.id = cc.case_id WHERE cc.user_id = u.id AND c.organisation_id = $1 \
         AND {ACTIVE}{co_filter}) AS co_referent_cases \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.role = 'worker' AND m.disabled_at IS NULL \
         AND u.disabled_at IS NULL"
    );
    let workers: Vec<WorkerRow> = sql!(dyn as WorkerRow, fetch_all, &mut exec, &sql, args)?;

    // The workers of the scope, and whoever is the referent of a case in it.
    let mut out: Vec<WorkerLoad> = Vec::new();
    for w in &workers {
        let load = loads.iter().find(|l| l.referent_id == w.id);
        if w.in_scope == 0 && load.is_none() {
            continue;
        }
        out.push(WorkerLoad {
            user_id: UserId::from_uuid(w.id),
            name: w.display_name.clone(),
            open_cases: load.map_or(0, |l| l.open_cases),
            paused_cases: load.map_or(0, |l| l.paused_cases),
            flagged_cases: load.map_or(0, |l| l.flagged_cases),
            delegated_cases: load.map_or(0, |l| l.delegated_cases),
            overdue_steps: load.map_or(0, |l| l.overdue_steps),
            co_referent_cases: w.co_referent_cases,
            active: true,
        });
    }
    for l in loads.iter().filter(|l| !workers.iter().any(|w| w.id == l.referent_id)) {
        out.push(WorkerLoad {
            user_id: UserId::from_uuid(l.referent_id),
            name: l.name.clone(),
            open_cases: l.open_cases,
            paused_cases: l.paused_cases,
            flagged_cases: l.flagged_cases,
            delegated_cases: l.delegated_cases,
            overdue_steps: l.overdue_steps,
            co_referent_cases: 0,
            active: false,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.as_uuid().cmp(&b.user_id.as_uuid())));
    Ok(out)
}

/// A case in a caseload list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseLine {
    #[sqlx(try_from = "Uuid")]
    pub id: CaseId,
    pub version: i64,
    pub status: String,
    #[sqlx(try_from = "Uuid")]
    pub team_id: TeamId,
    pub team_name: String,
    pub referent_id: Option<Uuid>,
    pub referent_name: Option<String>,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub opened_at: Ts,
    /// Urgency flags of the person not closed.
    pub flags: i64,
    /// When the running delegation ends, if the referent holds the case for someone.
    pub delegated_until: Option<Ts>,
    /// Whom it goes back to.
    pub absent_name: Option<String>,
}

impl CaseLine {
    /// The person's name as lists show it: family name (used, else birth) and first names.
    pub fn person_name(&self) -> String {
        crate::persons::list_name(
            self.used_name.as_deref(),
            self.birth_name.as_deref(),
            self.first_names.as_deref(),
        )
    }
}

macro_rules! line_select {
    () => {
        "SELECT c.id, c.version, c.status, c.team_id, t.name AS team_name, c.referent_id, \
         u.display_name AS referent_name, p.birth_name, p.used_name, p.first_names, c.opened_at, \
         (SELECT count(*) FROM urgency_flags f WHERE f.organisation_id = c.organisation_id \
         AND f.person_id = c.person_id AND f.status <> 'closed') AS flags, \
         d.ends_at AS delegated_until, a.display_name AS absent_name \
         FROM cases c JOIN teams t ON t.id = c.team_id JOIN persons p ON p.id = c.person_id \
         LEFT JOIN users u ON u.id = c.referent_id \
         LEFT JOIN case_delegations d ON d.case_id = c.id AND d.ended_at IS NULL \
         LEFT JOIN users a ON a.id = d.absent_referent_id "
    };
}

/// How many cases a list shows at most.
pub const LIST_MAX: i64 = 500;

/// The open and paused cases `referent` is the referent of, in `scope`, flagged first, then
/// oldest first. One query.
#[tracing::instrument(skip_all)]
pub async fn cases_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &CaseloadScope,
    referent: UserId,
) -> Result<Vec<CaseLine>, StoreError> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Uuid(referent.as_uuid())];
    let filter = scope_filter(scope, &mut args);
    args.push(Arg::Int(LIST_MAX));
    let sql = format!(
        concat!(
            line_select!(),
            "WHERE c.organisation_id = $1 AND c.referent_id = $2 AND {} {} \
             ORDER BY flags DESC, c.opened_at, c.id LIMIT ${}"
        ),
        ACTIVE,
        filter,
        args.len()
    );
    Ok(sql!(dyn as CaseLine, fetch_all, exec, &sql, args)?)
}

/// The open and paused cases in `scope` without a referent (none, or one who is no longer an
/// enabled worker of the organisation), flagged first, then oldest first. One query.
#[tracing::instrument(skip_all)]
pub async fn without_referent<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &CaseloadScope,
) -> Result<Vec<CaseLine>, StoreError> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let filter = scope_filter(scope, &mut args);
    args.push(Arg::Int(LIST_MAX));
    let sql = format!(
        concat!(
            line_select!(),
            "WHERE c.organisation_id = $1 AND {} AND {} {} \
             ORDER BY flags DESC, c.opened_at, c.id LIMIT ${}"
        ),
        ACTIVE,
        NO_REFERENT,
        filter,
        args.len()
    );
    Ok(sql!(dyn as CaseLine, fetch_all, exec, &sql, args)?)
}

/// How many open and paused cases of the organisation have no referent (the home page's
/// alert for managers). One query.
#[tracing::instrument(skip_all)]
pub async fn count_without_referent<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT count(*) FROM cases c WHERE c.organisation_id = $1 AND {ACTIVE} AND {NO_REFERENT}"
    );
    let args = vec![Arg::Uuid(organisation_id.as_uuid())];
    Ok(sql!(dyn as (i64,), fetch_one, exec, &sql, args)?.0)
}

async fn display_name(tx: &mut Tx, user: UserId) -> Result<String, StoreError> {
    let name: Option<String> = sql!(
        scalar String,
        fetch_optional,
        &mut *tx,
        "SELECT display_name FROM users WHERE id = $1",
        user.as_uuid(),
    )?;
    Ok(name.unwrap_or_default())
}

/// Ends the delegation running on a case, if any, because its referent changed otherwise.
async fn end_running_delegation(tx: &mut Tx, case_id: CaseId, now: Ts) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "UPDATE case_delegations SET ended_at = $2, end_reason = 'replaced', updated_at = $2, \
         version = version + 1 WHERE case_id = $1 AND ended_at IS NULL",
        case_id.as_uuid(),
        now,
    )?;
    Ok(())
}

/// What a change of referents wrote on the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferentsChanged {
    pub referent_changed: bool,
    pub co_referents_changed: bool,
}

/// Sets a case's referent and co-referents, if nobody changed the case since
/// `expected_version`: bumps the case's version, ends a running delegation when the referent
/// changes, and records a `referents` event on the timeline (the names, as they are now).
/// Any status: a closed case's referent still answers for its follow-up checks. `None`
/// (nothing written) when the version is stale.
#[allow(clippy::too_many_arguments)] // One change: which case, from which version, to whom, by whom.
#[tracing::instrument(skip_all)]
pub async fn set_referents(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    expected_version: i64,
    referent: UserId,
    co_referents: &[UserId],
    by: UserId,
    now: Ts,
) -> Result<Option<ReferentsChanged>, StoreError> {
    let current: Option<(Option<Uuid>, i64)> = sql!(
        as (Option<Uuid>, i64),
        fetch_optional,
        &mut *tx,
        "SELECT referent_id, version FROM cases WHERE organisation_id = $1 AND id = $2",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    let Some((old_referent, version)) = current else { return Ok(None) };
    if version != expected_version {
        return Ok(None);
    }
    let old_co: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT user_id FROM case_co_referents WHERE case_id = $1",
        case_id.as_uuid(),
    )?;
    let referent_changed = old_referent != Some(referent.as_uuid());
    let mut new_co: Vec<Uuid> = co_referents.iter().map(|u| u.as_uuid()).collect();
    new_co.sort();
    let mut sorted_old = old_co.clone();
    sorted_old.sort();
    let co_referents_changed = new_co != sorted_old;
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE cases SET referent_id = $3, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $5",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        referent.as_uuid(),
        now,
        expected_version,
    )?;
    if n != 1 {
        return Ok(None);
    }
    if co_referents_changed {
        sql!(
            execute,
            &mut *tx,
            "DELETE FROM case_co_referents WHERE case_id = $1",
            case_id.as_uuid()
        )?;
        for u in &new_co {
            sql!(
                execute,
                &mut *tx,
                "INSERT INTO case_co_referents (case_id, user_id) VALUES ($1, $2)",
                case_id.as_uuid(),
                *u,
            )?;
        }
    }
    if referent_changed {
        end_running_delegation(tx, case_id, now).await?;
    }
    if referent_changed || co_referents_changed {
        let mut names = vec![display_name(tx, referent).await?];
        let mut co_names = Vec::new();
        for u in co_referents {
            co_names.push(display_name(tx, *u).await?);
        }
        co_names.sort();
        if !co_names.is_empty() {
            names.push(format!("({})", co_names.join(", ")));
        }
        let summary = names.join(" ");
        let event = NewEvent {
            organisation_id,
            case_id,
            kind: EntryKind::Referents,
            occurred_at: now,
            author: Some(by),
            subject_id: None,
            summary: Some(&summary),
            detail: "changed",
        };
        crate::cases::add_event(tx, &event, now).await?;
    }
    Ok(Some(ReferentsChanged { referent_changed, co_referents_changed }))
}

/// How cases move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move<'a> {
    Permanent,
    /// Until `ends_at` (UTC); `until_label` is the end date as the timeline shows it.
    Until {
        ends_at: Ts,
        until_label: &'a str,
    },
}

/// One case a reassignment moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub case_id: CaseId,
    pub from: Option<UserId>,
    /// The delegation it started, if temporary.
    pub delegation: Option<Uuid>,
}

/// What a reassignment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reassigned {
    /// Every case moved (those already with `to` were left as they were).
    Done(Vec<Moved>),
    /// These cases changed since the form was shown (or are closed, or unknown): nothing
    /// should be kept — the caller drops the transaction.
    Stale(Vec<CaseId>),
}

#[derive(sqlx::FromRow)]
struct MoveRow {
    referent_id: Option<Uuid>,
    version: i64,
    status: String,
    absent_referent_id: Option<Uuid>,
}

/// Moves `cases` (each with the version the form showed) to `to`, for good or until a time,
/// in the caller's transaction (one per batch): every case's version is checked first, and
/// any stale one makes the whole batch [`Reassigned::Stale`]. A temporary move of a case
/// delegated already keeps whom it goes back to; a case without a referent moves for good
/// (there is nobody to give it back to). Each moved case gets a `referents` event
/// (`reassigned` or `delegated`); the caller records the audit events.
#[allow(clippy::too_many_arguments)] // One batch: which cases, to whom, how, by whom.
#[tracing::instrument(skip_all)]
pub async fn reassign(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    cases: &[(CaseId, i64)],
    to: UserId,
    how: Move<'_>,
    by: UserId,
    now: Ts,
) -> Result<Reassigned, StoreError> {
    let mut rows = Vec::with_capacity(cases.len());
    let mut stale = Vec::new();
    for (case_id, version) in cases {
        let row: Option<MoveRow> = sql!(
            as MoveRow,
            fetch_optional,
            &mut *tx,
            "SELECT c.referent_id, c.version, c.status, d.absent_referent_id FROM cases c \
             LEFT JOIN case_delegations d ON d.case_id = c.id AND d.ended_at IS NULL \
             WHERE c.organisation_id = $1 AND c.id = $2",
            organisation_id.as_uuid(),
            case_id.as_uuid(),
        )?;
        match row {
            Some(r) if r.version == *version && r.status != "closed" => rows.push((*case_id, r)),
            _ => stale.push(*case_id),
        }
    }
    if !stale.is_empty() {
        return Ok(Reassigned::Stale(stale));
    }
    let to_name = display_name(tx, to).await?;
    let mut moved = Vec::new();
    for (case_id, row) in rows {
        if row.referent_id == Some(to.as_uuid()) {
            continue;
        }
        let from = row.referent_id.map(UserId::from_uuid);
        sql!(
            execute,
            &mut *tx,
            "UPDATE cases SET referent_id = $3, updated_at = $4, version = version + 1 \
             WHERE organisation_id = $1 AND id = $2",
            organisation_id.as_uuid(),
            case_id.as_uuid(),
            to.as_uuid(),
            now,
        )?;
        // The referent is not also a co-referent.
        let was_co_referent = sql!(
            execute,
            &mut *tx,
            "DELETE FROM case_co_referents WHERE case_id = $1 AND user_id = $2",
            case_id.as_uuid(),
            to.as_uuid(),
        )? == 1;
        end_running_delegation(tx, case_id, now).await?;
        let from_name = match from {
            Some(f) => display_name(tx, f).await?,
            None => String::new(),
        };
        // Whom a delegation gives the case back to: the one it was delegated from already, or
        // the referent now; none, and the move is for good.
        let absent = row.absent_referent_id.or(row.referent_id).filter(|a| *a != to.as_uuid());
        let (detail, summary, delegation) = match (how, absent) {
            (Move::Until { ends_at, until_label }, Some(absent)) => {
                let id = Uuid::now_v7();
                sql!(
                    execute,
                    &mut *tx,
                    "INSERT INTO case_delegations (id, organisation_id, case_id, \
                     absent_referent_id, delegate_id, delegate_was_co_referent, starts_at, \
                     ends_at, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $9, $6, $7, $8, $6, $6, 1)",
                    id,
                    organisation_id.as_uuid(),
                    case_id.as_uuid(),
                    absent,
                    to.as_uuid(),
                    now,
                    ends_at,
                    by.as_uuid(),
                    was_co_referent,
                )?;
                ("delegated", format!("{from_name} → {to_name} ({until_label})"), Some(id))
            }
            _ if from.is_some() => ("reassigned", format!("{from_name} → {to_name}"), None),
            _ => ("reassigned", format!("→ {to_name}"), None),
        };
        let event = NewEvent {
            organisation_id,
            case_id,
            kind: EntryKind::Referents,
            occurred_at: now,
            author: Some(by),
            subject_id: delegation,
            summary: Some(summary.trim()),
            detail,
        };
        crate::cases::add_event(tx, &event, now).await?;
        moved.push(Moved { case_id, from, delegation });
    }
    Ok(Reassigned::Done(moved))
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    organisation_id: Uuid,
    case_id: Uuid,
    absent_referent_id: Uuid,
    delegate_id: Uuid,
    delegate_was_co_referent: bool,
    referent_id: Option<Uuid>,
}

/// How many delegations one run ends at most (the next run takes the rest).
pub const END_BATCH: i64 = 500;

/// Ends the delegations whose time is up at `now`: each case goes back to the referent it was
/// delegated from (if the delegate still holds it; a delegate who was a co-referent before is
/// one again), with a `referents` event `returned` and a
/// `record_updated` audit event by nobody (the system). Returns the cases given back.
#[tracing::instrument(skip_all)]
pub async fn end_due_delegations(tx: &mut Tx, now: Ts) -> Result<Vec<CaseId>, StoreError> {
    let due: Vec<DueRow> = sql!(
        as DueRow,
        fetch_all,
        &mut *tx,
        "SELECT d.id, d.organisation_id, d.case_id, d.absent_referent_id, d.delegate_id, \
         d.delegate_was_co_referent, c.referent_id FROM case_delegations d JOIN cases c ON c.id = d.case_id \
         WHERE d.ended_at IS NULL AND d.ends_at <= $1 ORDER BY d.ends_at, d.id LIMIT $2",
        now,
        END_BATCH,
    )?;
    let mut returned = Vec::new();
    for d in due {
        sql!(
            execute,
            &mut *tx,
            "UPDATE case_delegations SET ended_at = $2, end_reason = 'returned', \
             updated_at = $2, version = version + 1 WHERE id = $1",
            d.id,
            now,
        )?;
        if d.referent_id != Some(d.delegate_id) {
            continue;
        }
        let case_id = CaseId::from_uuid(d.case_id);
        let org = OrganisationId::from_uuid(d.organisation_id);
        sql!(
            execute,
            &mut *tx,
            "UPDATE cases SET referent_id = $2, updated_at = $3, version = version + 1 \
             WHERE id = $1",
            d.case_id,
            d.absent_referent_id,
            now,
        )?;
        sql!(
            execute,
            &mut *tx,
            "DELETE FROM case_co_referents WHERE case_id = $1 AND user_id = $2",
            d.case_id,
            d.absent_referent_id,
        )?;
        if d.delegate_was_co_referent {
            sql!(
                execute,
                &mut *tx,
                "INSERT INTO case_co_referents (case_id, user_id) VALUES ($1, $2)",
                d.case_id,
                d.delegate_id,
            )?;
        }
        let summary = format!(
            "{} → {}",
            display_name(tx, UserId::from_uuid(d.delegate_id)).await?,
            display_name(tx, UserId::from_uuid(d.absent_referent_id)).await?
        );
        let event = NewEvent {
            organisation_id: org,
            case_id,
            kind: EntryKind::Referents,
            occurred_at: now,
            author: None,
            subject_id: Some(d.id),
            summary: Some(&summary),
            detail: "returned",
        };
        crate::cases::add_event(tx, &event, now).await?;
        let audit = NewAuditEvent::new(domain::audit::AuditAction::RecordUpdated, Some(org))
            .on("case", d.case_id)
            .detail("referent", d.absent_referent_id.to_string())
            .detail("delegation_ended", d.id.to_string());
        crate::audit::append(tx, &audit, now).await?;
        returned.push(case_id);
    }
    Ok(returned)
}

/// Adds the job that ends delegations, and its schedule, to `registry`.
pub fn register(registry: Registry) -> Registry {
    registry
        .handle(END_DELEGATIONS, |ctx: JobContext| async move {
            let mut tx = ctx.db.begin_write().await?;
            let returned = end_due_delegations(&mut tx, Ts::now()).await?;
            ctx.complete_in(&mut tx).await?;
            tx.commit().await?;
            // A count only: which cases is in the audit log.
            tracing::info!(returned = returned.len(), "delegations ended");
            Ok::<(), JobError>(())
        })
        .every(Schedule::new(END_DELEGATIONS, END_DELEGATIONS_EVERY_MINUTES))
}
