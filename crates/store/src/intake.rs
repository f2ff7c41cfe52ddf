//! Intake: visits recorded at the desk, urgency flags, and the team queue they feed.

use domain::intake::{FlagStatus, Outcome, Visit};
use domain::{OrganisationId, PersonId, TeamId, UserId};
use time::Date;
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Exec, StoreError, Ts};

/// Records a visit (and who recorded it).
#[tracing::instrument(skip_all)]
pub async fn record_visit<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
    visit: &Visit,
    team: Option<TeamId>,
    by: Option<UserId>,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    // Nothing to follow up: handled at once, at the desk.
    let handled = (!visit.outcome.needs_follow_up()).then_some(now);
    sql!(
        execute,
        exec,
        "INSERT INTO visits (id, organisation_id, person_id, reason, outcome, team_id, note, \
         handled_at, handled_by, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)",
        id,
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        visit.reason.as_str(),
        visit.outcome.as_str(),
        team.map(|t| t.as_uuid()),
        visit.note.as_deref(),
        handled,
        handled.and(by).map(|u| u.as_uuid()),
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VisitRow {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub reason: String,
    pub outcome: String,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub note: Option<String>,
    pub handled_at: Option<Ts>,
    pub created_at: Ts,
    pub version: i64,
}

impl VisitRow {
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::parse(&self.outcome)
    }
}

macro_rules! visit_select {
    () => {
        "SELECT v.id, v.person_id, v.reason, v.outcome, v.team_id, t.name AS team_name, v.note, \
         v.handled_at, v.created_at, v.version FROM visits v LEFT JOIN teams t ON t.id = v.team_id "
    };
}

/// A person's latest visits, newest first.
#[tracing::instrument(skip_all)]
pub async fn visits_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
    limit: i64,
) -> Result<Vec<VisitRow>, StoreError> {
    Ok(sql!(
        as VisitRow,
        fetch_all,
        exec,
        concat!(
            visit_select!(),
            "WHERE v.organisation_id = $1 AND v.person_id = $2 \
             ORDER BY v.created_at DESC, v.id DESC LIMIT $3"
        ),
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        limit,
    )?)
}

/// Marks a visit as taken in hand, if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn handle_visit<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE visits SET handled_at = $4, handled_by = $5, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND handled_at IS NULL",
        organisation_id.as_uuid(),
        id,
        expected_version,
        now,
        by.as_uuid(),
    )?;
    Ok(n == 1)
}

/// A visit of the organisation.
pub async fn find_visit<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<VisitRow>, StoreError> {
    Ok(sql!(
        as VisitRow,
        fetch_optional,
        exec,
        concat!(visit_select!(), "WHERE v.organisation_id = $1 AND v.id = $2"),
        organisation_id.as_uuid(),
        id,
    )?)
}

/// Raises an urgency flag on a person, for a team.
#[allow(clippy::too_many_arguments)] // One flag: where, on whom, what, for which team, by whom.
#[tracing::instrument(skip_all)]
pub async fn raise_flag<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
    code: &str,
    note: Option<&str>,
    team: Option<TeamId>,
    by: Option<UserId>,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        exec,
        "INSERT INTO urgency_flags (id, organisation_id, person_id, case_id, team_id, code, note, \
         status, raised_by, raised_at, updated_at, version) \
         VALUES ($1, $2, $3, NULL, $4, $5, $6, 'raised', $7, $8, $8, 1)",
        id,
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        team.map(|t| t.as_uuid()),
        code,
        note,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlagRow {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub code: String,
    pub note: Option<String>,
    pub status: String,
    pub raised_at: Ts,
    pub review_date: Option<Date>,
    pub close_note: Option<String>,
    pub version: i64,
}

impl FlagRow {
    pub fn status(&self) -> FlagStatus {
        FlagStatus::parse(&self.status).unwrap_or(FlagStatus::Raised)
    }
}

macro_rules! flag_select {
    () => {
        "SELECT f.id, f.person_id, f.team_id, t.name AS team_name, f.code, f.note, f.status, \
         f.raised_at, f.review_date, f.close_note, f.version \
         FROM urgency_flags f LEFT JOIN teams t ON t.id = f.team_id "
    };
}

/// A person's flags: open ones first (raised before acknowledged), then the latest closed.
#[tracing::instrument(skip_all)]
pub async fn flags_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<FlagRow>, StoreError> {
    Ok(sql!(
        as FlagRow,
        fetch_all,
        exec,
        concat!(
            flag_select!(),
            "WHERE f.organisation_id = $1 AND f.person_id = $2 \
             ORDER BY CASE f.status WHEN 'raised' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END, \
             f.raised_at DESC, f.id DESC LIMIT 50"
        ),
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}

pub async fn find_flag<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<FlagRow>, StoreError> {
    Ok(sql!(
        as FlagRow,
        fetch_optional,
        exec,
        concat!(flag_select!(), "WHERE f.organisation_id = $1 AND f.id = $2"),
        organisation_id.as_uuid(),
        id,
    )?)
}

/// Takes a flag in hand with a review date, if nobody changed it since `expected_version`;
/// the reminder tasks it caused ("not acknowledged in time") are done with it.
#[tracing::instrument(skip_all)]
pub async fn acknowledge_flag(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    review: Date,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE urgency_flags SET status = 'acknowledged', acknowledged_by = $5, \
         acknowledged_at = $6, review_date = $4, updated_at = $6, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status <> 'closed'",
        organisation_id.as_uuid(),
        id,
        expected_version,
        review,
        by.as_uuid(),
        now,
    )?;
    if n == 1 {
        let kind = domain::tasks::TaskKind::FlagUnacknowledged;
        crate::tasks::resolve_source(tx, organisation_id, kind, id, now).await?;
    }
    Ok(n == 1)
}

/// Closes a flag, if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn close_flag<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    note: Option<&str>,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE urgency_flags SET status = 'closed', closed_by = $5, closed_at = $6, \
         close_note = $4, updated_at = $6, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status <> 'closed'",
        organisation_id.as_uuid(),
        id,
        expected_version,
        note,
        by.as_uuid(),
        now,
    )?;
    Ok(n == 1)
}

/// One line of a team's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueItem {
    Flag { flag: FlagRow, person: QueuePerson },
    Visit { visit: VisitRow, person: QueuePerson },
}

/// Who a queue line is about: enough to tell people apart.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuePerson {
    #[sqlx(try_from = "Uuid")]
    pub id: PersonId,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub birth_date: Option<Date>,
}

impl QueueItem {
    pub fn person(&self) -> &QueuePerson {
        match self {
            QueueItem::Flag { person, .. } | QueueItem::Visit { person, .. } => person,
        }
    }
}

/// The queue of `teams`: unacknowledged flags first (oldest first: they have waited longest),
/// then flags due for review, then visits waiting for someone, then flags acknowledged and not
/// yet due. Flags and visits without a team appear in every team's queue.
#[tracing::instrument(skip_all)]
pub async fn queue<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    teams: &[TeamId],
    today: Date,
) -> Result<Vec<QueueItem>, StoreError> {
    let mut exec = exec.into();
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let mut ps = Vec::new();
    for t in teams {
        args.push(Arg::Uuid(t.as_uuid()));
        ps.push(format!("${}", args.len()));
    }
    let team_filter = |alias: &str| {
        if ps.is_empty() {
            format!("{alias}.team_id IS NULL")
        } else {
            format!("({alias}.team_id IS NULL OR {alias}.team_id IN ({}))", ps.join(", "))
        }
    };
    let flags_sql = format!(
        concat!(
            flag_select!(),
            "WHERE f.organisation_id = $1 AND f.status <> 'closed' AND {} \
         ORDER BY f.raised_at, f.id LIMIT 500"
        ),
        team_filter("f")
    );
    let flags: Vec<FlagRow> = sql!(dyn as FlagRow, fetch_all, &mut exec, &flags_sql, args.clone())?;
    let visits_sql = format!(
        concat!(
            visit_select!(),
            "WHERE v.organisation_id = $1 AND v.handled_at IS NULL AND {} \
         ORDER BY v.created_at, v.id LIMIT 500"
        ),
        team_filter("v")
    );
    let visits: Vec<VisitRow> = sql!(dyn as VisitRow, fetch_all, &mut exec, &visits_sql, args)?;
    let mut ids: Vec<Uuid> = flags.iter().map(|f| f.person_id.as_uuid()).collect();
    ids.extend(visits.iter().map(|v| v.person_id.as_uuid()));
    ids.sort();
    ids.dedup();
    let persons = if ids.is_empty() {
        vec![]
    } else {
        let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
        let mut ps = Vec::new();
        for id in &ids {
            args.push(Arg::Uuid(*id));
            ps.push(format!("${}", args.len()));
        }
        let sql = format!(
            "SELECT id, birth_name, used_name, first_names, birth_date FROM persons \
             WHERE organisation_id = $1 AND id IN ({})",
            ps.join(", ")
        );
        sql!(dyn as QueuePerson, fetch_all, &mut exec, &sql, args)?
    };
    let person = |id: PersonId| persons.iter().find(|p| p.id == id).cloned();
    let rank_flag = |f: &FlagRow| match f.status() {
        FlagStatus::Raised => 0,
        s if domain::intake::due(s, f.review_date, today) => 1,
        _ => 3,
    };
    let mut items: Vec<(u8, Ts, QueueItem)> = Vec::new();
    for f in flags {
        if let Some(p) = person(f.person_id) {
            items.push((rank_flag(&f), f.raised_at, QueueItem::Flag { flag: f, person: p }));
        }
    }
    for v in visits {
        if let Some(p) = person(v.person_id) {
            items.push((2, v.created_at, QueueItem::Visit { visit: v, person: p }));
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    Ok(items.into_iter().map(|(_, _, i)| i).collect())
}

/// The enabled members of a team (their user ids), to notify them.
#[tracing::instrument(skip_all)]
pub async fn team_user_ids<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    team: TeamId,
) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        exec,
        "SELECT m.user_id FROM membership_teams mt JOIN memberships m ON m.id = mt.membership_id \
         JOIN teams t ON t.id = mt.team_id \
         WHERE t.organisation_id = $1 AND m.organisation_id = $1 AND t.id = $2 \
         AND m.disabled_at IS NULL ORDER BY m.user_id",
        organisation_id.as_uuid(),
        team.as_uuid(),
    )?;
    Ok(ids.into_iter().map(UserId::from_uuid).collect())
}
