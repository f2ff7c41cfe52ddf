//! The activity dashboard's figures (issue 11 point 1, ADR 0037), each an SQL aggregate over
//! the cases of a scope: a handful of queries whatever the number of cases, never rows loaded
//! to be counted here. [`cases_behind`] lists the cases a figure counts (the drill-down), with
//! the same predicates, so that a figure and its list cannot disagree.
//!
//! A period is `[from, until)` in UTC, the caller having turned the organisation's local dates
//! into instants. Scopes and figures are in [`domain::statistics`].

pub mod days;
pub mod steps;
pub mod tables;

use domain::statistics::{Figure, StatsScope};
use domain::{CaseId, OrganisationId, TeamId, UserId};
use uuid::Uuid;

use crate::db::Db;
use crate::sql::Arg;
use crate::{Exec, StoreError, Ts};

/// A period of time, its start included and its end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Ts,
    pub until: Ts,
}

/// One line of a breakdown: a code (closure reason, contact type, appointment state; empty
/// when none was recorded) and how many.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Count {
    pub code: String,
    pub count: i64,
}

/// The contacts of one type, with the time they took.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContactCount {
    pub code: String,
    pub count: i64,
    /// Minutes recorded, over the contacts that recorded a duration.
    pub minutes: i64,
    pub with_duration: i64,
}

/// The referrals sent to one partner service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReferralCount {
    pub service_id: Uuid,
    pub service: String,
    pub partner: String,
    pub sent: i64,
    /// Accepted by the partner at some point (even if later completed, missed or revoked).
    pub accepted: i64,
    pub declined: i64,
    /// Answered by the partner (received, accepted or declined), and the seconds it took
    /// them all together.
    pub answered: i64,
    pub answer_seconds: i64,
}

/// The urgency flags raised for the persons of the scope's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct FlagCounts {
    pub raised: i64,
    pub acknowledged: i64,
    /// Seconds from raising to acknowledging, over the acknowledged flags together.
    pub ack_seconds: i64,
    /// Acknowledged within a day of being raised.
    pub ack_within_day: i64,
}

/// The cases followed in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct CaseCounts {
    /// Cases opened before the period's end and not closed before its start.
    pub followed: i64,
    pub persons: i64,
    pub households: i64,
    pub opened: i64,
    pub closed: i64,
}

/// Every figure of the activity dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Activity {
    pub cases: CaseCounts,
    /// Closed cases by closure reason.
    pub closures: Vec<Count>,
    /// Contacts (notes of meetings, calls, visits…) by type.
    pub contacts: Vec<ContactCount>,
    pub flags: FlagCounts,
    /// Appointments that were due in the period, by state.
    pub appointments: Vec<Count>,
    /// Referrals sent in the period, by service.
    pub referrals: Vec<ReferralCount>,
    /// Documents filed in the cases.
    pub documents: i64,
}

impl Activity {
    pub fn contacts_total(&self) -> i64 {
        self.contacts.iter().map(|c| c.count).sum()
    }

    pub fn minutes_total(&self) -> i64 {
        self.contacts.iter().map(|c| c.minutes).sum()
    }

    pub fn appointments_total(&self) -> i64 {
        self.appointments.iter().map(|c| c.count).sum()
    }

    pub fn appointments_in(&self, state: &str) -> i64 {
        self.appointments.iter().filter(|c| c.code == state).map(|c| c.count).sum()
    }
}

/// `AND …` restricting the cases `c` to `scope`, its arguments appended to `args`.
pub(crate) fn scope_filter(scope: &StatsScope, args: &mut Vec<Arg>) -> String {
    match scope {
        StatsScope::Organisation => String::new(),
        StatsScope::Teams(teams) => crate::caseloads::teams_filter(teams, args),
        StatsScope::Worker(user) => {
            args.push(Arg::Uuid(user.as_uuid()));
            format!(" AND c.referent_id = ${}", args.len())
        }
    }
}

/// How the events of table alias `e` reach the cases `c` of `scope`: (what comes before the
/// event table in `FROM`, condition).
///
/// An event's organisation is its case's (every write path takes it from the case), so the
/// organisation's figures read the events of the period alone, through their (organisation,
/// date) index, and need only that they have a case; a team's or a worker's start from the
/// scope's cases and reach each one's events through the event table's (case, …) index. The
/// cases come first as `cases c CROSS JOIN`, which SQLite takes as the join order (PostgreSQL
/// plans it as any inner join): left to itself SQLite read a team's appointments through the
/// organisation's date index, a case lookup per appointment (0.11–0.18 s for a team's year
/// at M; 4 ms this way). Looking each event's case up is also what made the organisation's
/// year cost seconds on a million cases (BENCHMARKS.md, "W5").
fn cases_of(scope: &StatsScope, e: &str) -> (&'static str, String) {
    match scope {
        StatsScope::Organisation => ("", format!(" AND {e}.case_id IS NOT NULL")),
        _ => ("cases c CROSS JOIN ", format!(" AND c.id = {e}.case_id AND c.organisation_id = $1")),
    }
}

/// The arguments every query starts with: `$1` the organisation, `$2` and `$3` the period.
fn base_args(organisation_id: OrganisationId, span: Span) -> Vec<Arg> {
    vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Ts(span.from), Arg::Ts(span.until)]
}

/// Cases followed in the period: opened before its end, not closed before its start.
const FOLLOWED: &str = "c.opened_at < $3 AND (c.closed_at IS NULL OR c.closed_at >= $2)";
/// Cases closed in the period.
const CLOSED: &str = "c.status = 'closed' AND c.closed_at >= $2 AND c.closed_at < $3";
/// The timeline entries that are contacts with the person: notes not deleted.
pub(crate) const CONTACT: &str = "e.kind = 'note' AND e.deleted_at IS NULL";
/// Partner answers that count as an acceptance, or a refusal, whatever came after.
const ACCEPTED: &str = "EXISTS (SELECT 1 FROM referral_steps st WHERE st.referral_id = r.id \
     AND st.status = 'accepted')";
const DECLINED: &str = "EXISTS (SELECT 1 FROM referral_steps st WHERE st.referral_id = r.id \
     AND st.status = 'declined')";

fn is_postgres(exec: &Exec<'_>) -> bool {
    matches!(exec, Exec::PgPool(_) | Exec::PgConn(_))
}

/// The whole seconds from `start` to `end`, two timestamp columns, in the engine's SQL.
fn seconds_between(postgres: bool, start: &str, end: &str) -> String {
    if postgres {
        format!("round(EXTRACT(EPOCH FROM ({end} - {start})))")
    } else {
        // Julian days are floating point: rounded to the second, each, so sums are exact.
        format!("round((julianday({end}) - julianday({start})) * 86400.0)")
    }
}

/// Every figure of the dashboard for the cases of `scope` in `span`. The organisation's
/// figures that add up day by day come from the day summaries of [`days`] (ADR 0043) and the
/// two ragged ends of the period; the rest, and a team's or a worker's, from the rows.
#[tracing::instrument(skip_all)]
pub async fn activity(
    db: &Db,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
) -> Result<Activity, StoreError> {
    let cut = match scope {
        StatsScope::Organisation => days::cut(span),
        _ => None,
    };
    let Some(cut) = cut else {
        return activity_from_rows(db, organisation_id, scope, span).await;
    };
    days::refresh(db, organisation_id).await?;
    let add = days::additive(db, organisation_id, &cut).await?;
    let persons = days::followed_subjects(db, organisation_id, &cut, "person").await?;
    let households = days::followed_subjects(db, organisation_id, &cut, "household").await?;
    let cases = CaseCounts {
        followed: add.opened_before_end - add.closed_before_start,
        persons,
        households,
        opened: add.opened,
        closed: add.closures.iter().map(|c| c.count).sum(),
    };
    let flags = flags(db, organisation_id, scope, span).await?;
    Ok(Activity {
        cases,
        closures: add.closures,
        contacts: add.contacts,
        flags,
        appointments: add.appointments,
        referrals: add.referrals,
        documents: add.documents,
    })
}

/// The urgency flags raised in the period for the persons of the cases followed.
async fn flags<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
) -> Result<FlagCounts, StoreError> {
    let mut exec = exec.into();
    let postgres = is_postgres(&exec);
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let ack = seconds_between(postgres, "f.raised_at", "f.acknowledged_at");
    let sql = format!(
        "SELECT count(*) AS raised, count(f.acknowledged_at) AS acknowledged, \
         CAST(COALESCE(sum({ack}), 0) AS BIGINT) AS ack_seconds, \
         CAST(COALESCE(sum(CASE WHEN {ack} <= 86400 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS ack_within_day \
         FROM urgency_flags f WHERE f.organisation_id = $1 \
         AND f.raised_at >= $2 AND f.raised_at < $3 \
         AND EXISTS (SELECT 1 FROM cases c WHERE c.organisation_id = $1 \
         AND c.person_id = f.person_id AND {FOLLOWED}{filter})"
    );
    Ok(sql!(dyn as FlagCounts, fetch_one, &mut exec, &sql, args)?)
}

/// Every figure of the dashboard counted from the rows: seven aggregate queries. What the
/// day summaries are checked against, and what a team's or a worker's figures are.
#[tracing::instrument(skip_all)]
pub async fn activity_from_rows<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
) -> Result<Activity, StoreError> {
    let mut exec = exec.into();
    let postgres = is_postgres(&exec);

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let sql = format!(
        "SELECT count(*) AS followed, count(DISTINCT c.person_id) AS persons, \
         count(DISTINCT c.household_id) AS households, \
         CAST(COALESCE(sum(CASE WHEN c.opened_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS opened, \
         CAST(COALESCE(sum(CASE WHEN {CLOSED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed \
         FROM cases c WHERE c.organisation_id = $1 AND {FOLLOWED}{filter}"
    );
    let cases: CaseCounts = sql!(dyn as CaseCounts, fetch_one, &mut exec, &sql, args)?;

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let sql = format!(
        "SELECT COALESCE(c.closure_reason, '') AS code, count(*) AS count FROM cases c \
         WHERE c.organisation_id = $1 AND {CLOSED}{filter} \
         GROUP BY COALESCE(c.closure_reason, '') ORDER BY count(*) DESC, 1"
    );
    let closures: Vec<Count> = sql!(dyn as Count, fetch_all, &mut exec, &sql, args)?;

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let (join, of_org) = cases_of(scope, "e");
    let sql = format!(
        "SELECT COALESCE(e.note_type, '') AS code, count(*) AS count, \
         CAST(COALESCE(sum(e.duration_minutes), 0) AS BIGINT) AS minutes, \
         count(e.duration_minutes) AS with_duration \
         FROM {join}case_entries e \
         WHERE e.organisation_id = $1{of_org} AND {CONTACT} \
         AND e.occurred_at >= $2 AND e.occurred_at < $3{filter} \
         GROUP BY COALESCE(e.note_type, '') ORDER BY count(*) DESC, 1"
    );
    let contacts: Vec<ContactCount> = sql!(dyn as ContactCount, fetch_all, &mut exec, &sql, args)?;

    let flags = flags(&mut exec, organisation_id, scope, span).await?;

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let (join, of_org) = cases_of(scope, "a");
    let sql = format!(
        "SELECT a.status AS code, count(*) AS count \
         FROM {join}appointments a \
         WHERE a.organisation_id = $1{of_org} \
         AND a.starts_at >= $2 AND a.starts_at < $3{filter} \
         GROUP BY a.status ORDER BY 1"
    );
    let appointments: Vec<Count> = sql!(dyn as Count, fetch_all, &mut exec, &sql, args)?;

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let answer = seconds_between(postgres, "r.sent_at", "r.answered_at");
    let (join, of_org) = cases_of(scope, "r");
    let sql = format!(
        "SELECT r.service_id, s.name AS service, p.name AS partner, count(*) AS sent, \
         CAST(COALESCE(sum(CASE WHEN {ACCEPTED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS accepted, \
         CAST(COALESCE(sum(CASE WHEN {DECLINED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS declined, \
         count(r.answered_at) AS answered, \
         CAST(COALESCE(sum({answer}), 0) AS BIGINT) AS answer_seconds \
         FROM {join}referrals r \
         JOIN partner_services s ON s.id = r.service_id \
         JOIN partner_organisations p ON p.id = s.partner_id \
         WHERE r.organisation_id = $1{of_org} \
         AND r.sent_at >= $2 AND r.sent_at < $3{filter} \
         GROUP BY r.service_id, s.name, p.name ORDER BY count(*) DESC, s.name, r.service_id"
    );
    let referrals: Vec<ReferralCount> =
        sql!(dyn as ReferralCount, fetch_all, &mut exec, &sql, args)?;

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let (join, of_org) = cases_of(scope, "d");
    let sql = format!(
        "SELECT count(*) FROM {join}documents d \
         WHERE d.organisation_id = $1{of_org} \
         AND d.created_at >= $2 AND d.created_at < $3{filter}"
    );
    let (documents,): (i64,) = sql!(dyn as (i64,), fetch_one, &mut exec, &sql, args)?;

    Ok(Activity { cases, closures, contacts, flags, appointments, referrals, documents })
}

/// The condition on a case `c` that it counts in `figure` (with `code`, one line of its
/// breakdown), its arguments appended to `args` after the base ones.
fn figure_predicate(figure: Figure, code: Option<&str>, args: &mut Vec<Arg>) -> String {
    let code_is = |column: &str, args: &mut Vec<Arg>| match code {
        Some(code) => {
            args.push(Arg::Text(code.to_owned()));
            format!(" AND {column} = ${}", args.len())
        }
        None => String::new(),
    };
    match figure {
        Figure::Followed => FOLLOWED.to_owned(),
        Figure::Opened => "c.opened_at >= $2 AND c.opened_at < $3".to_owned(),
        Figure::Closed => format!("{CLOSED}{}", code_is("COALESCE(c.closure_reason, '')", args)),
        Figure::Contacts => format!(
            "EXISTS (SELECT 1 FROM case_entries e WHERE e.case_id = c.id AND {CONTACT} \
             AND e.occurred_at >= $2 AND e.occurred_at < $3{})",
            code_is("COALESCE(e.note_type, '')", args)
        ),
        Figure::Flags => format!(
            "{FOLLOWED} AND EXISTS (SELECT 1 FROM urgency_flags f WHERE \
             f.organisation_id = c.organisation_id AND f.person_id = c.person_id \
             AND f.raised_at >= $2 AND f.raised_at < $3)"
        ),
        Figure::Appointments => format!(
            "EXISTS (SELECT 1 FROM appointments a WHERE a.case_id = c.id \
             AND a.starts_at >= $2 AND a.starts_at < $3{})",
            code_is("a.status", args)
        ),
        Figure::Referrals => {
            let service = match code.and_then(|c| c.parse::<Uuid>().ok()) {
                Some(id) => {
                    args.push(Arg::Uuid(id));
                    format!(" AND r.service_id = ${}", args.len())
                }
                // A code that is no service matches nothing.
                None if code.is_some() => " AND 1 = 0".to_owned(),
                None => String::new(),
            };
            format!(
                "EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id \
                 AND r.sent_at >= $2 AND r.sent_at < $3{service})"
            )
        }
        Figure::Documents => "EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id \
             AND d.created_at >= $2 AND d.created_at < $3)"
            .to_owned(),
    }
}

/// A case behind a figure, with what the viewer's access is decided on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseBehind {
    #[sqlx(try_from = "Uuid")]
    pub id: CaseId,
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
    pub closed_at: Option<Ts>,
    pub closure_reason: Option<String>,
    /// The viewer is one of the case's co-referents.
    pub viewer_co_referent: bool,
}

impl CaseBehind {
    pub fn person_name(&self) -> String {
        crate::persons::list_name(
            self.used_name.as_deref(),
            self.birth_name.as_deref(),
            self.first_names.as_deref(),
        )
    }

    pub fn referent(&self) -> Option<UserId> {
        self.referent_id.map(UserId::from_uuid)
    }
}

/// How many cases a drill-down lists at most; the page says how many more there are.
pub const BEHIND_MAX: i64 = 500;

/// The cases of `scope` that count in `figure` (and `code`) for `span`, oldest first, at most
/// [`BEHIND_MAX`], and how many there are in all. Two queries.
#[tracing::instrument(skip_all)]
pub async fn cases_behind<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    figure: Figure,
    code: Option<&str>,
    viewer: UserId,
) -> Result<(Vec<CaseBehind>, i64), StoreError> {
    cases_behind_up_to(exec, organisation_id, scope, span, figure, code, viewer, BEHIND_MAX).await
}

/// [`cases_behind`] with at most `limit` cases listed (an export lists more than a page).
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all)]
pub async fn cases_behind_up_to<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    figure: Figure,
    code: Option<&str>,
    viewer: UserId,
    limit: i64,
) -> Result<(Vec<CaseBehind>, i64), StoreError> {
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let predicate = figure_predicate(figure, code, &mut args);
    cases_matching(exec, &filter, &predicate, args, viewer, limit).await
}

/// The cases of the organisation (`$1`) passing the scope's `filter` and `predicate`, oldest
/// first, at most `limit`, and how many in all: a drill-down's two queries.
async fn cases_matching<'c>(
    exec: impl Into<Exec<'c>>,
    filter: &str,
    predicate: &str,
    mut args: Vec<Arg>,
    viewer: UserId,
    limit: i64,
) -> Result<(Vec<CaseBehind>, i64), StoreError> {
    let mut exec = exec.into();
    let count_sql = format!(
        "SELECT count(*) FROM cases c WHERE c.organisation_id = $1{filter} AND {predicate}"
    );
    let (total,): (i64,) = sql!(dyn as (i64,), fetch_one, &mut exec, &count_sql, args.clone())?;
    args.push(Arg::Uuid(viewer.as_uuid()));
    let viewer_mark = args.len();
    args.push(Arg::Int(limit));
    let sql = format!(
        "SELECT c.id, c.status, c.team_id, t.name AS team_name, c.referent_id, \
         u.display_name AS referent_name, p.birth_name, p.used_name, p.first_names, \
         c.opened_at, c.closed_at, c.closure_reason, \
         EXISTS (SELECT 1 FROM case_co_referents cc WHERE cc.case_id = c.id \
         AND cc.user_id = ${viewer_mark}) AS viewer_co_referent \
         FROM cases c JOIN teams t ON t.id = c.team_id JOIN persons p ON p.id = c.person_id \
         LEFT JOIN users u ON u.id = c.referent_id \
         WHERE c.organisation_id = $1{filter} AND {predicate} \
         ORDER BY c.opened_at, c.id LIMIT ${}",
        args.len()
    );
    let lines: Vec<CaseBehind> = sql!(dyn as CaseBehind, fetch_all, &mut exec, &sql, args)?;
    Ok((lines, total))
}

/// The teams of the organisation, by name (the dashboard's choice of team).
pub async fn teams<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<(TeamId, String)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        name: String,
    }
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        exec,
        "SELECT id, name FROM teams WHERE organisation_id = $1 ORDER BY name, id",
        organisation_id.as_uuid()
    )?;
    Ok(rows.into_iter().map(|r| (TeamId::from_uuid(r.id), r.name)).collect())
}

/// The workers whose caseload the dashboard may show in `scope`: the organisation's workers,
/// or those of the scope's teams; with whoever is the referent of a case in it.
pub async fn workers<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
) -> Result<Vec<(UserId, String)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        display_name: String,
    }
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    if *scope == StatsScope::Organisation {
        // Each user looked up in the organisation's memberships and among its cases' referents
        // through `cases_referent_idx`: not a pass over every case of the organisation to
        // gather their referents (121 ms on SQLite and 26-60 ms on PostgreSQL at M, 100 000
        // cases; 1-4 ms this way, BENCHMARKS.md "W5"). A team's scope reads the team's cases,
        // few, as below.
        let sql = "SELECT u.id, u.display_name FROM users u WHERE EXISTS (SELECT 1 FROM \
                   memberships m WHERE m.user_id = u.id AND m.organisation_id = $1 \
                   AND m.role = 'worker') OR EXISTS (SELECT 1 FROM cases c \
                   WHERE c.referent_id = u.id AND c.organisation_id = $1) \
                   ORDER BY u.display_name, u.id";
        let rows: Vec<Row> = sql!(dyn as Row, fetch_all, exec, sql, args)?;
        return Ok(rows.into_iter().map(|r| (UserId::from_uuid(r.id), r.display_name)).collect());
    }
    let (member_filter, case_filter) = match scope {
        StatsScope::Organisation => (String::new(), String::new()),
        StatsScope::Worker(user) => {
            args.push(Arg::Uuid(user.as_uuid()));
            (format!(" AND u.id = ${}", args.len()), " AND 1 = 0".to_owned())
        }
        StatsScope::Teams(_) => {
            let f = scope_filter(scope, &mut args);
            let marks = f.trim_start_matches(" AND c.team_id IN ").to_owned();
            (
                format!(
                    " AND EXISTS (SELECT 1 FROM membership_teams mt WHERE mt.membership_id = m.id \
                     AND mt.team_id IN {marks})"
                ),
                f,
            )
        }
    };
    let sql = format!(
        "SELECT u.id, u.display_name FROM users u WHERE u.id IN ( \
         SELECT m.user_id FROM memberships m WHERE m.organisation_id = $1 AND m.role = 'worker'{member_filter} \
         UNION SELECT c.referent_id FROM cases c WHERE c.organisation_id = $1 \
         AND c.referent_id IS NOT NULL{case_filter}) ORDER BY u.display_name, u.id"
    );
    let rows: Vec<Row> = sql!(dyn as Row, fetch_all, exec, &sql, args)?;
    Ok(rows.into_iter().map(|r| (UserId::from_uuid(r.id), r.display_name)).collect())
}

/// Whether `user` works in one of `teams` in the organisation (a member of one of them), or is
/// the referent of a case of one of them: whose caseload a supervisor of those teams reads.
pub async fn worker_in_teams<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    teams: &[TeamId],
    user: UserId,
) -> Result<bool, StoreError> {
    let scope = StatsScope::Teams(teams.to_vec());
    let workers = workers(exec, organisation_id, &scope).await?;
    Ok(workers.iter().any(|(id, _)| *id == user))
}

/// How a life domain's need level moved between the first and the latest assessment of the
/// cases that rated it at least twice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DomainChange {
    pub code: String,
    /// Cases with two ratings or more of the domain: the denominator.
    pub cases: i64,
    /// Less need at the latest assessment than at the first.
    pub improved: i64,
    pub same: i64,
    pub worsened: i64,
}

/// The follow-up checks after closure that fell due in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct CheckCounts {
    pub due: i64,
    pub done: i64,
    pub missed: i64,
    /// Of the done checks, those that recorded a wellbeing (0–10), and its sum; likewise
    /// the power to act.
    pub wellbeing_n: i64,
    pub wellbeing_sum: i64,
    pub power_n: i64,
    pub power_sum: i64,
}

/// Goals and victories of the plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct PlanCounts {
    /// Goals in the plans of the cases followed, set before the period's end.
    pub goals: i64,
    /// Goals achieved in the period (the timeline's "achieved" events, each goal once).
    pub achieved: i64,
    /// Victories recorded with a date in the period, and the cases they were in.
    pub victories: i64,
    pub cases_with_victory: i64,
}

/// What the article calls success: the change in needs, goals reached, victories, and
/// whether the change held after closure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcomes {
    pub domains: Vec<DomainChange>,
    pub plans: PlanCounts,
    pub checks: CheckCounts,
    /// Per life domain of the done checks: held, partly, not held.
    pub held: Vec<(String, String, i64)>,
}

/// The outcome figures of `scope` for `span`, whose local days are `first_day` to `last_day`:
/// four aggregate queries.
#[tracing::instrument(skip_all)]
pub async fn outcomes(
    db: &Db,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    first_day: time::Date,
    last_day: time::Date,
) -> Result<Outcomes, StoreError> {
    if *scope != StatsScope::Organisation {
        return outcomes_from_rows(
            db,
            organisation_id,
            scope,
            span,
            first_day,
            last_day,
            true,
            true,
        )
        .await;
    }
    // The steps are kept by the organisation's local days: a period that is not exactly
    // local days (a caller's own instants) is counted from the rows.
    let zone = steps::zone(db, organisation_id.as_uuid()).await?;
    let by_steps = steps::aligned(span, first_day, last_day, zone.as_deref());
    days::refresh(db, organisation_id).await?;
    let mut outcomes =
        outcomes_from_rows(db, organisation_id, scope, span, first_day, last_day, !by_steps, false)
            .await?;
    if by_steps {
        (outcomes.domains, outcomes.plans.goals) =
            steps::read(db, organisation_id, first_day, last_day).await?;
    }
    (outcomes.checks, outcomes.held) =
        days::checks(db, organisation_id, first_day, last_day).await?;
    Ok(outcomes)
}

/// The outcome figures counted from the rows: the domains' change and the goals of the cases
/// followed only `with_domains`, the checks after closure only `with_checks` (the
/// organisation's come from the steps and the day summaries).
#[allow(clippy::too_many_arguments)]
pub async fn outcomes_from_rows<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    first_day: time::Date,
    last_day: time::Date,
    with_domains: bool,
    with_checks: bool,
) -> Result<Outcomes, StoreError> {
    let mut exec = exec.into();

    // First and latest rating of each domain of each case followed, up to the period's end.
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    args.push(Arg::Date(last_day));
    let last = args.len();
    let sql = format!(
        "WITH rated AS (SELECT a.case_id, r.domain_code, r.need_level, \
         ROW_NUMBER() OVER (PARTITION BY a.case_id, r.domain_code \
         ORDER BY a.assessed_on, a.created_at, a.id) AS first_n, \
         ROW_NUMBER() OVER (PARTITION BY a.case_id, r.domain_code \
         ORDER BY a.assessed_on DESC, a.created_at DESC, a.id DESC) AS last_n, \
         count(*) OVER (PARTITION BY a.case_id, r.domain_code) AS n \
         FROM assessments a JOIN assessment_ratings r ON r.assessment_id = a.id \
         JOIN cases c ON c.id = a.case_id \
         WHERE a.organisation_id = $1 AND c.organisation_id = $1 AND {FOLLOWED}{filter} \
         AND r.need_level IS NOT NULL AND a.assessed_on <= ${last}) \
         SELECT f.domain_code AS code, count(*) AS cases, \
         CAST(COALESCE(sum(CASE WHEN l.need_level < f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS improved, \
         CAST(COALESCE(sum(CASE WHEN l.need_level = f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS same, \
         CAST(COALESCE(sum(CASE WHEN l.need_level > f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS worsened \
         FROM rated f JOIN rated l ON l.case_id = f.case_id AND l.domain_code = f.domain_code \
         AND l.last_n = 1 \
         WHERE f.first_n = 1 AND f.n >= 2 GROUP BY f.domain_code ORDER BY f.domain_code"
    );
    let domains: Vec<DomainChange> = if with_domains {
        sql!(dyn as DomainChange, fetch_all, &mut exec, &sql, args)?
    } else {
        Vec::new()
    };

    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    args.push(Arg::Date(first_day));
    let first = args.len();
    args.push(Arg::Date(last_day));
    let last = args.len();
    let (join_e, of_org_e) = cases_of(scope, "e");
    let (join_v, of_org_v) = cases_of(scope, "v");
    let goals = if with_domains {
        format!(
            "(SELECT count(*) FROM plan_goals g JOIN cases c ON c.id = g.case_id \
             WHERE g.organisation_id = $1 AND c.organisation_id = $1 AND {FOLLOWED}{filter} \
             AND g.created_at < $3)"
        )
    } else {
        "CAST(0 AS BIGINT)".to_owned()
    };
    let sql = format!(
        "SELECT {goals} AS goals, \
         (SELECT count(DISTINCT e.subject_id) FROM {join_e}case_entries e \
         WHERE e.organisation_id = $1{of_org_e} AND e.kind = 'goal' \
         AND e.detail = 'achieved' AND e.occurred_at >= $2 AND e.occurred_at < $3{filter}) AS achieved, \
         (SELECT count(*) FROM {join_v}plan_victories v \
         WHERE v.organisation_id = $1{of_org_v} \
         AND v.occurred_on >= ${first} AND v.occurred_on <= ${last}{filter}) AS victories, \
         (SELECT count(DISTINCT v.case_id) FROM {join_v}plan_victories v \
         WHERE v.organisation_id = $1{of_org_v} \
         AND v.occurred_on >= ${first} AND v.occurred_on <= ${last}{filter}) AS cases_with_victory"
    );
    let plans: PlanCounts = sql!(dyn as PlanCounts, fetch_one, &mut exec, &sql, args)?;

    if !with_checks {
        return Ok(Outcomes { domains, plans, ..Outcomes::default() });
    }
    // Checks after closure that fell due in the period, whatever the case's state now.
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    args.push(Arg::Date(first_day));
    let first = args.len();
    args.push(Arg::Date(last_day));
    let last = args.len();
    let (join, of_org) = cases_of(scope, "k");
    let checks_where = format!(
        "k.organisation_id = $1{of_org} AND k.due_on >= ${first} AND k.due_on <= ${last}{filter}"
    );
    let checks_from = format!("FROM {join}case_follow_ups k WHERE {checks_where}");
    let sql = format!(
        "SELECT count(*) AS due, \
         CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT) AS done, \
         CAST(COALESCE(sum(CASE WHEN k.status = 'missed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed, \
         count(CASE WHEN k.status = 'done' THEN k.wellbeing END) AS wellbeing_n, \
         CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN k.wellbeing END), 0) AS BIGINT) AS wellbeing_sum, \
         count(CASE WHEN k.status = 'done' THEN k.power_to_act END) AS power_n, \
         CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN k.power_to_act END), 0) AS BIGINT) AS power_sum \
         {checks_from}"
    );
    let checks: CheckCounts = sql!(dyn as CheckCounts, fetch_one, &mut exec, &sql, args.clone())?;
    #[derive(sqlx::FromRow)]
    struct HeldRow {
        domain_code: String,
        outcome: String,
        count: i64,
    }
    let sql = format!(
        "SELECT d.domain_code, d.outcome, count(*) AS count \
         FROM {join}case_follow_ups k JOIN case_follow_up_domains d ON d.follow_up_id = k.id \
         WHERE d.organisation_id = $1 AND k.status = 'done' AND {checks_where} \
         GROUP BY d.domain_code, d.outcome ORDER BY d.domain_code, d.outcome"
    );
    let held: Vec<HeldRow> = sql!(dyn as HeldRow, fetch_all, &mut exec, &sql, args)?;
    let held = held.into_iter().map(|h| (h.domain_code, h.outcome, h.count)).collect();

    Ok(Outcomes { domains, plans, checks, held })
}

/// A partner service's name (the drill-down's title), by its id as the dashboard links it.
pub async fn service_name<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(
        sql!(scalar String, fetch_optional, exec, "SELECT name FROM partner_services WHERE id = $1", id)?,
    )
}
