//! Aid requests, the rules of the organisation's aid catalogue, commission sessions and the
//! statistics inputs (ADR 0030). Every step of a request is an event of kind `aid` on its
//! case's timeline, written in the transaction of the change. Amounts are integer cents.

use domain::aid::{DecidedBy, Decision, Payment, RequestFields, Rules, Status};
use domain::cases::EntryKind;
use domain::{CaseId, OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

mod edits;
mod reminders;
mod sessions;
mod statistics;

pub use edits::*;
pub use reminders::*;
pub use sessions::*;
pub use statistics::*;

// ---------------------------------------------------------------------------------------------
// The catalogue's rules.

#[derive(sqlx::FromRow)]
struct RulesRow {
    code: String,
    asks_amount: bool,
    required_documents: String,
    max_cents_per_year: Option<i64>,
    decided_by: String,
    deciders: String,
}

impl RulesRow {
    fn rules(self) -> (String, Rules) {
        let rules = Rules {
            asks_amount: self.asks_amount,
            required_documents: self
                .required_documents
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
            max_cents_per_year: self.max_cents_per_year,
            decided_by: DecidedBy::parse(&self.decided_by).unwrap_or(DecidedBy::Commission),
            deciders: self.deciders,
        };
        (self.code, rules)
    }
}

/// The rules of one type: the organisation's, or the defaults.
#[tracing::instrument(skip_all)]
pub async fn rules<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    code: &str,
) -> Result<Rules, StoreError> {
    let row: Option<RulesRow> = sql!(
        as RulesRow,
        fetch_optional,
        exec,
        "SELECT code, asks_amount, required_documents, max_cents_per_year, decided_by, deciders \
         FROM aid_types WHERE organisation_id = $1 AND code = $2",
        organisation_id.as_uuid(),
        code,
    )?;
    Ok(row.map(|r| r.rules().1).unwrap_or_else(|| domain::aid::default_rules(code)))
}

/// The rules the organisation set, by code (types without a row have the defaults).
#[tracing::instrument(skip_all)]
pub async fn own_rules<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<(String, Rules)>, StoreError> {
    let rows: Vec<RulesRow> = sql!(
        as RulesRow,
        fetch_all,
        exec,
        "SELECT code, asks_amount, required_documents, max_cents_per_year, decided_by, deciders \
         FROM aid_types WHERE organisation_id = $1 ORDER BY code",
        organisation_id.as_uuid(),
    )?;
    Ok(rows.into_iter().map(RulesRow::rules).collect())
}

/// Sets the rules of one type.
#[tracing::instrument(skip_all)]
pub async fn set_rules<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    code: &str,
    rules: &Rules,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO aid_types (organisation_id, code, asks_amount, required_documents, \
         max_cents_per_year, decided_by, deciders, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) \
         ON CONFLICT (organisation_id, code) DO UPDATE SET asks_amount = $3, \
         required_documents = $4, max_cents_per_year = $5, decided_by = $6, deciders = $7, \
         updated_at = $8, version = aid_types.version + 1",
        organisation_id.as_uuid(),
        code,
        rules.asks_amount,
        rules.required_documents.join("\n"),
        rules.max_cents_per_year,
        rules.decided_by.as_str(),
        rules.deciders.as_str(),
        now,
    )?;
    Ok(())
}

/// Whether the organisation's commission agendas show references instead of names.
#[tracing::instrument(skip_all)]
pub async fn pseudonymised_agenda<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<bool, StoreError> {
    Ok(sql!(
        scalar bool,
        fetch_one,
        exec,
        "SELECT aid_pseudonymised_agenda FROM organisations WHERE id = $1",
        organisation_id.as_uuid(),
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn set_pseudonymised_agenda<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    on: bool,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE organisations SET aid_pseudonymised_agenda = $2 WHERE id = $1",
        organisation_id.as_uuid(),
        on,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// A request to create (as a draft).
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub organisation_id: OrganisationId,
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub fields: &'a RequestFields,
    pub by: UserId,
}

/// An aid request, with its session's title and date when it is on an agenda.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AidRequest {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub aid_type: String,
    pub requested_on: Date,
    pub asked_cents: Option<i64>,
    pub presentation: String,
    pub status: String,
    pub session_id: Option<Uuid>,
    pub session_title: Option<String>,
    pub session_held_on: Option<Date>,
    pub granted_cents: Option<i64>,
    pub refusal_reason: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<Ts>,
    pub decided_by_name: Option<String>,
    pub payment_method: Option<String>,
    pub payee: Option<String>,
    pub payee_name: Option<String>,
    pub paid_on: Option<Date>,
    pub created_by_name: Option<String>,
    pub created_at: Ts,
    pub version: i64,
}

impl AidRequest {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }

    /// What the agenda and the minutes show instead of a name.
    pub fn reference(&self) -> String {
        domain::aid::reference(self.id)
    }
}

pub(super) const SELECT: &str = "SELECT r.id, r.organisation_id, r.case_id, r.person_id, r.aid_type, \
     r.requested_on, r.asked_cents, r.presentation, r.status, r.session_id, \
     s.title AS session_title, s.held_on AS session_held_on, r.granted_cents, r.refusal_reason, \
     r.decision_comment, r.decided_at, d.display_name AS decided_by_name, r.payment_method, \
     r.payee, r.payee_name, r.paid_on, u.display_name AS created_by_name, r.created_at, \
     r.version FROM aid_requests r LEFT JOIN aid_sessions s ON s.id = r.session_id \
     LEFT JOIN users u ON u.id = r.created_by LEFT JOIN users d ON d.id = r.decided_by ";

/// Records a request as a draft, with its first step and its timeline event. Returns its id.
#[tracing::instrument(skip_all)]
pub async fn create(tx: &mut Tx, new: &NewRequest<'_>, now: Ts) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let f = new.fields;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO aid_requests (id, organisation_id, case_id, person_id, aid_type, \
         requested_on, asked_cents, presentation, status, created_by, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $10, 1)",
        id,
        new.organisation_id.as_uuid(),
        new.case_id.as_uuid(),
        new.person_id.as_uuid(),
        f.aid_type.as_str(),
        f.requested_on,
        f.asked_cents,
        f.presentation.as_str(),
        new.by.as_uuid(),
        now,
    )?;
    step(tx, id, Status::Draft, Some(new.by), None, now).await?;
    event(
        tx,
        new.organisation_id,
        new.case_id,
        id,
        &f.aid_type,
        Status::Draft.as_str(),
        new.by,
        now,
    )
    .await?;
    Ok(id)
}

async fn step(
    tx: &mut Tx,
    request: Uuid,
    status: Status,
    by: Option<UserId>,
    note: Option<&str>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO aid_steps (id, request_id, status, at, by_user, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        request,
        status.as_str(),
        now,
        by.map(|b| b.as_uuid()),
        note,
    )?;
    Ok(())
}

/// The timeline event of a step: its summary is the aid type's code (the page shows its label)
/// — no amount, so the timeline says what happened and the request's page how much.
/// `detail` is the status reached, or `edited` for a correction.
#[allow(clippy::too_many_arguments)] // One event: where, about what, which step, by whom, when.
pub(super) async fn event(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    request: Uuid,
    aid_type: &str,
    detail: &str,
    by: UserId,
    now: Ts,
) -> Result<(), StoreError> {
    let e = NewEvent {
        organisation_id,
        case_id,
        kind: EntryKind::Aid,
        occurred_at: now,
        author: Some(by),
        subject_id: Some(request),
        summary: Some(aid_type),
        detail,
    };
    crate::cases::add_event(tx, &e, now).await?;
    Ok(())
}

/// A request of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<AidRequest>, StoreError> {
    let sql = format!("{SELECT}WHERE r.organisation_id = $1 AND r.id = $2");
    Ok(sql!(as AidRequest, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// The requests of a case, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case: CaseId,
) -> Result<Vec<AidRequest>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.organisation_id = $1 AND r.case_id = $2 \
         ORDER BY r.created_at DESC, r.id DESC LIMIT 200"
    );
    Ok(sql!(as AidRequest, fetch_all, exec, &sql, organisation_id.as_uuid(), case.as_uuid())?)
}

/// The requests before the commission and on no session's agenda yet, oldest first.
#[tracing::instrument(skip_all)]
pub async fn waiting_for_commission<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<AidRequest>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.organisation_id = $1 AND r.status = 'in_committee' \
         AND r.session_id IS NULL ORDER BY r.requested_on, r.id LIMIT 500"
    );
    Ok(sql!(as AidRequest, fetch_all, exec, &sql, organisation_id.as_uuid())?)
}

/// One step of a request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Step {
    pub status: String,
    pub at: Ts,
    pub by_name: Option<String>,
    pub note: Option<String>,
}

/// The steps of a request, oldest first.
#[tracing::instrument(skip_all)]
pub async fn steps<'c>(exec: impl Into<Exec<'c>>, id: Uuid) -> Result<Vec<Step>, StoreError> {
    Ok(sql!(
        as Step,
        fetch_all,
        exec,
        "SELECT st.status, st.at, u.display_name AS by_name, st.note FROM aid_steps st \
         LEFT JOIN users u ON u.id = st.by_user WHERE st.request_id = $1 ORDER BY st.at, st.id",
        id,
    )?)
}

/// Moves a request to `to` if nobody changed it since `expected_version` (the caller checked
/// [`domain::aid::may_move`]). Back under review or before the commission again (after an
/// adjournment), it leaves the session it was on. `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn move_to(
    tx: &mut Tx,
    r: &AidRequest,
    expected_version: i64,
    to: Status,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_requests SET status = $4, updated_at = $5, version = version + 1, \
         session_id = CASE WHEN $4 IN ('under_review', 'in_committee', 'dismissed', \
           'closed_by_person') \
           THEN NULL ELSE session_id END \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = $6",
        r.organisation_id.as_uuid(),
        r.id,
        expected_version,
        to.as_str(),
        now,
        r.status.as_str(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    step(tx, r.id, to, Some(by), None, now).await?;
    event(tx, r.organisation_id, r.case_id, r.id, &r.aid_type, to.as_str(), by, now).await?;
    Ok(true)
}

/// Records a decision (the caller checked [`domain::aid::may_decide`] and the decision) if
/// nobody changed the request since `expected_version`. The request stays on its session's
/// agenda (the minutes list it); an adjourned one leaves it when put before the commission
/// again. `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn decide(
    tx: &mut Tx,
    r: &AidRequest,
    expected_version: i64,
    d: &Decision,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let adjourned = d.outcome == Status::Adjourned;
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_requests SET status = $4, granted_cents = $5, refusal_reason = $6, \
         decision_comment = $7, decided_at = CASE WHEN $8 THEN decided_at ELSE $9 END, \
         decided_by = CASE WHEN $8 THEN decided_by ELSE $10 END, \
         updated_at = $9, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = $11",
        r.organisation_id.as_uuid(),
        r.id,
        expected_version,
        d.outcome.as_str(),
        d.granted_cents,
        d.refusal_reason.as_deref(),
        d.comment.as_deref(),
        adjourned,
        now,
        by.as_uuid(),
        r.status.as_str(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    step(tx, r.id, d.outcome, Some(by), d.comment.as_deref(), now).await?;
    event(tx, r.organisation_id, r.case_id, r.id, &r.aid_type, d.outcome.as_str(), by, now).await?;
    Ok(true)
}

/// Records the payment of what was granted (the caller checked [`domain::aid::may_pay`]).
/// `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn pay(
    tx: &mut Tx,
    r: &AidRequest,
    expected_version: i64,
    p: &Payment,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_requests SET status = 'paid', payment_method = $4, payee = $5, \
         payee_name = $6, paid_on = $7, updated_at = $8, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = $9",
        r.organisation_id.as_uuid(),
        r.id,
        expected_version,
        p.method.as_str(),
        p.payee.as_str(),
        p.payee_name.as_deref(),
        p.paid_on,
        now,
        r.status.as_str(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    step(tx, r.id, Status::Paid, Some(by), None, now).await?;
    event(tx, r.organisation_id, r.case_id, r.id, &r.aid_type, Status::Paid.as_str(), by, now)
        .await?;
    Ok(true)
}

/// What was granted to `person` for `aid_type` by decisions taken in `year` (in the time zone
/// `zone`, the organisation's: a decision of 31 December 23:30 in Paris counts for that year),
/// other than request `except`: the yearly maximum's base.
#[tracing::instrument(skip_all)]
pub async fn granted_in_year<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person: PersonId,
    aid_type: &str,
    year: i32,
    zone: Option<&str>,
    except: Uuid,
) -> Result<i64, StoreError> {
    let rows: Vec<(Ts, i64)> = sql!(
        as (Ts, i64),
        fetch_all,
        exec,
        "SELECT decided_at, granted_cents FROM aid_requests WHERE organisation_id = $1 \
         AND person_id = $2 AND aid_type = $3 AND id <> $4 AND decided_at IS NOT NULL \
         AND granted_cents IS NOT NULL AND status IN ('accepted', 'partly_accepted', 'paid')",
        organisation_id.as_uuid(),
        person.as_uuid(),
        aid_type,
        except,
    )?;
    let in_year = |at: &Ts| crate::ts::local_today(*at, zone).year() == year;
    Ok(rows.iter().filter(|(at, _)| in_year(at)).map(|(_, c)| c).sum())
}
