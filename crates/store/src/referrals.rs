//! Referrals of a case to a service of the partner directory, the consent they rest on, their
//! steps (who moved them, when), what is shared item by item, the inbox of the organisation of
//! this instance that receives them, the consent register of a person, and the statistics
//! inputs (ADR 0026). Every step is an event on the case's timeline, in its transaction; the
//! partner's first answer closes the referent's "no answer" task.

use domain::cases::EntryKind;
use domain::referrals::{ReferralFields, ShareItem, Side, Status};
use domain::tasks::TaskKind;
use domain::{CaseId, OrganisationId, PartnerServiceId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

/// A referral to create (as a draft).
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    pub organisation_id: OrganisationId,
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub service_id: PartnerServiceId,
    /// The organisation of the instance the service's partner is linked to.
    pub partner_organisation_id: Option<OrganisationId>,
    /// How the service is named in the consent ("Service — Partner").
    pub recipient: &'a str,
    pub fields: &'a ReferralFields,
    pub by: UserId,
}

/// A referral with the names its pages show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Referral {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub service_id: Uuid,
    pub service_name: String,
    pub partner_name: String,
    pub partner_organisation_id: Option<Uuid>,
    pub consent_id: Uuid,
    pub reason: String,
    pub request: String,
    pub urgency: String,
    pub status: String,
    pub sent_at: Option<Ts>,
    pub answered_at: Option<Ts>,
    pub closed_at: Option<Ts>,
    pub created_by_name: Option<String>,
    pub created_at: Ts,
    pub version: i64,
    pub given_by: String,
    pub given_by_name: Option<String>,
    pub method: String,
    pub given_on: Date,
    pub consent_withdrawn_at: Option<Ts>,
}

impl Referral {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }

    /// Whether the service's partner receives it in Passerelle.
    pub fn hosted(&self) -> bool {
        self.partner_organisation_id.is_some()
    }

    pub fn partner_organisation(&self) -> Option<OrganisationId> {
        self.partner_organisation_id.map(OrganisationId::from_uuid)
    }

    /// Whether the partner sees what was shared now.
    pub fn shares_visible(&self) -> bool {
        domain::referrals::shares_visible(self.status(), self.consent_withdrawn_at.is_some())
    }

    /// "Service — Partner".
    pub fn recipient(&self) -> String {
        format!("{} — {}", self.service_name, self.partner_name)
    }
}

const SELECT: &str = "SELECT r.id, r.organisation_id, o.name AS organisation_name, r.case_id, \
     r.person_id, r.service_id, s.name AS service_name, p.name AS partner_name, \
     r.partner_organisation_id, r.consent_id, r.reason, r.request, r.urgency, r.status, \
     r.sent_at, r.answered_at, r.closed_at, u.display_name AS created_by_name, r.created_at, \
     r.version, c.given_by, c.given_by_name, c.method, c.given_on, \
     c.withdrawn_at AS consent_withdrawn_at \
     FROM referrals r JOIN organisations o ON o.id = r.organisation_id \
     JOIN partner_services s ON s.id = r.service_id \
     JOIN partner_organisations p ON p.id = s.partner_id \
     JOIN consents c ON c.id = r.consent_id \
     LEFT JOIN users u ON u.id = r.created_by ";

/// A service of the directory a referral may go to: its name, its partner's, and the
/// organisation of this instance the partner is linked to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Target {
    pub service_id: Uuid,
    pub service_name: String,
    pub partner_name: String,
    pub linked_organisation_id: Option<Uuid>,
}

impl Target {
    /// "Service — Partner".
    pub fn recipient(&self) -> String {
        format!("{} — {}", self.service_name, self.partner_name)
    }
}

/// A service of the directory, with its partner.
#[tracing::instrument(skip_all)]
pub async fn target<'c>(
    exec: impl Into<Exec<'c>>,
    service: PartnerServiceId,
) -> Result<Option<Target>, StoreError> {
    Ok(sql!(
        as Target,
        fetch_optional,
        exec,
        "SELECT s.id AS service_id, s.name AS service_name, p.name AS partner_name, \
         p.linked_organisation_id FROM partner_services s \
         JOIN partner_organisations p ON p.id = s.partner_id WHERE s.id = $1",
        service.as_uuid(),
    )?)
}

/// Records a referral as a draft, with the consent it rests on (its scope: the shared items),
/// the items, its first step and its timeline event. Returns its id.
#[tracing::instrument(skip_all)]
pub async fn create(tx: &mut Tx, new: &NewReferral<'_>, now: Ts) -> Result<Uuid, StoreError> {
    let f = new.fields;
    let consent = Uuid::now_v7();
    let scope: Vec<String> = f.items.iter().map(ShareItem::token).collect();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO consents (id, organisation_id, person_id, purpose, recipient, scope, \
         given_by, given_by_name, method, given_on, recorded_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, 'referral', $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)",
        consent,
        new.organisation_id.as_uuid(),
        new.person_id.as_uuid(),
        new.recipient,
        scope.join("\n"),
        f.given_by.as_str(),
        f.given_by_name.as_deref(),
        f.method.as_str(),
        f.given_on,
        new.by.as_uuid(),
        now,
    )?;
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO referrals (id, organisation_id, case_id, person_id, service_id, \
         partner_organisation_id, consent_id, reason, request, urgency, status, created_by, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $12, 1)",
        id,
        new.organisation_id.as_uuid(),
        new.case_id.as_uuid(),
        new.person_id.as_uuid(),
        new.service_id.as_uuid(),
        new.partner_organisation_id.map(|o| o.as_uuid()),
        consent,
        f.reason.as_str(),
        f.request.as_str(),
        f.urgency.as_str(),
        new.by.as_uuid(),
        now,
    )?;
    for item in &f.items {
        let (kind, value) = item.code();
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO referral_items (referral_id, kind, item) VALUES ($1, $2, $3)",
            id,
            kind,
            value,
        )?;
    }
    step(tx, id, Status::Draft, Side::Sender, Some(new.by), None, now).await?;
    let event = NewEvent {
        organisation_id: new.organisation_id,
        case_id: new.case_id,
        kind: EntryKind::Referral,
        occurred_at: now,
        author: Some(new.by),
        subject_id: Some(id),
        summary: Some(new.recipient),
        detail: Status::Draft.as_str(),
    };
    crate::cases::add_event(tx, &event, now).await?;
    Ok(id)
}

async fn step(
    tx: &mut Tx,
    referral: Uuid,
    status: Status,
    side: Side,
    by: Option<UserId>,
    note: Option<&str>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO referral_steps (id, referral_id, status, at, by_user, side, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::now_v7(),
        referral,
        status.as_str(),
        now,
        by.map(|b| b.as_uuid()),
        side.as_str(),
        note,
    )?;
    Ok(())
}

/// A referral of the sending organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Referral>, StoreError> {
    let sql = format!("{SELECT}WHERE r.organisation_id = $1 AND r.id = $2");
    Ok(sql!(as Referral, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// A referral sent to the receiving organisation `partner` (never a draft).
#[tracing::instrument(skip_all)]
pub async fn find_received<'c>(
    exec: impl Into<Exec<'c>>,
    partner: OrganisationId,
    id: Uuid,
) -> Result<Option<Referral>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.partner_organisation_id = $1 AND r.id = $2 AND r.status <> 'draft'"
    );
    Ok(sql!(as Referral, fetch_optional, exec, &sql, partner.as_uuid(), id)?)
}

/// The referrals of a case, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case: CaseId,
) -> Result<Vec<Referral>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.organisation_id = $1 AND r.case_id = $2 \
         ORDER BY r.created_at DESC, r.id DESC LIMIT 200"
    );
    Ok(sql!(as Referral, fetch_all, exec, &sql, organisation_id.as_uuid(), case.as_uuid())?)
}

/// The referrals received by `partner`: those waiting first, then the newest.
#[tracing::instrument(skip_all)]
pub async fn inbox<'c>(
    exec: impl Into<Exec<'c>>,
    partner: OrganisationId,
) -> Result<Vec<Referral>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE r.partner_organisation_id = $1 AND r.status <> 'draft' \
         ORDER BY CASE WHEN r.status IN ('sent', 'received', 'accepted') THEN 0 ELSE 1 END, \
         r.sent_at DESC, r.id DESC LIMIT 200"
    );
    Ok(sql!(as Referral, fetch_all, exec, &sql, partner.as_uuid())?)
}

/// What a referral shares, sorted.
#[tracing::instrument(skip_all)]
pub async fn items<'c>(exec: impl Into<Exec<'c>>, id: Uuid) -> Result<Vec<ShareItem>, StoreError> {
    let rows: Vec<(String, String)> = sql!(
        as (String, String),
        fetch_all,
        exec,
        "SELECT kind, item FROM referral_items WHERE referral_id = $1 ORDER BY kind, item",
        id,
    )?;
    let mut items: Vec<ShareItem> =
        rows.iter().filter_map(|(k, i)| ShareItem::parse(k, i)).collect();
    items.sort();
    Ok(items)
}

/// One step of a referral.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Step {
    pub status: String,
    pub at: Ts,
    pub by_name: Option<String>,
    pub side: String,
    pub note: Option<String>,
}

/// The steps of a referral, oldest first.
#[tracing::instrument(skip_all)]
pub async fn steps<'c>(exec: impl Into<Exec<'c>>, id: Uuid) -> Result<Vec<Step>, StoreError> {
    Ok(sql!(
        as Step,
        fetch_all,
        exec,
        "SELECT st.status, st.at, u.display_name AS by_name, st.side, st.note \
         FROM referral_steps st LEFT JOIN users u ON u.id = st.by_user \
         WHERE st.referral_id = $1 ORDER BY st.at, st.id",
        id,
    )?)
}

/// Moves a referral to `to` if nobody changed it since `expected_version` (the caller checked
/// [`domain::referrals::may_move`]): its dates, a step, an event on the case's timeline (the
/// outcome comes back to the referent), and, once the partner answered, its "no answer" task
/// closed. `false`: nothing written.
#[allow(clippy::too_many_arguments)] // One change: which referral, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn move_to(
    tx: &mut Tx,
    referral: &Referral,
    expected_version: i64,
    to: Status,
    side: Side,
    by: UserId,
    note: Option<&str>,
    now: Ts,
) -> Result<bool, StoreError> {
    move_by(tx, referral, expected_version, to, side, Some(by), note, now).await
}

/// As [`move_to`], by a user of this instance or (`None`) by a partner instance whose answer
/// came in a federation package (ADR 0029).
#[allow(clippy::too_many_arguments)] // As move_to.
#[tracing::instrument(skip_all)]
pub async fn move_by(
    tx: &mut Tx,
    referral: &Referral,
    expected_version: i64,
    to: Status,
    side: Side,
    by: Option<UserId>,
    note: Option<&str>,
    now: Ts,
) -> Result<bool, StoreError> {
    let answered = to.answered() && to != Status::Revoked;
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE referrals SET status = $4, \
         sent_at = CASE WHEN $4 = 'sent' THEN $5 ELSE sent_at END, \
         answered_at = CASE WHEN $6 AND answered_at IS NULL THEN $5 ELSE answered_at END, \
         closed_at = CASE WHEN $7 THEN $5 ELSE closed_at END, \
         updated_at = $5, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = $8",
        referral.organisation_id.as_uuid(),
        referral.id,
        expected_version,
        to.as_str(),
        now,
        answered,
        to.is_final(),
        referral.status.as_str(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    step(tx, referral.id, to, side, by, note, now).await?;
    let summary = match note {
        Some(n) => format!("{} — {n}", referral.recipient()),
        None => referral.recipient(),
    };
    let event = NewEvent {
        organisation_id: referral.organisation_id,
        case_id: referral.case_id,
        kind: EntryKind::Referral,
        occurred_at: now,
        author: by,
        subject_id: Some(referral.id),
        summary: Some(&summary),
        detail: to.as_str(),
    };
    crate::cases::add_event(tx, &event, now).await?;
    if to.answered() {
        crate::tasks::resolve_source(
            tx,
            referral.organisation_id,
            TaskKind::ReferralUnanswered,
            referral.id,
            now,
        )
        .await?;
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// The consent register.

/// A consent of the register, with what it was for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Consent {
    pub id: Uuid,
    pub purpose: String,
    pub recipient: String,
    pub scope: String,
    pub given_by: String,
    pub given_by_name: Option<String>,
    pub method: String,
    pub given_on: Date,
    pub recorded_by_name: Option<String>,
    pub created_at: Ts,
    pub withdrawn_at: Option<Ts>,
    pub withdrawn_by_name: Option<String>,
    pub version: i64,
    /// The referral it was given for, when it was.
    pub referral_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
}

impl Consent {
    /// The items it covers.
    pub fn items(&self) -> Vec<ShareItem> {
        self.scope.lines().filter_map(ShareItem::parse_token).collect()
    }
}

const CONSENT_SELECT: &str = "SELECT c.id, c.purpose, c.recipient, c.scope, c.given_by, \
     c.given_by_name, c.method, c.given_on, u.display_name AS recorded_by_name, c.created_at, \
     c.withdrawn_at, w.display_name AS withdrawn_by_name, c.version, \
     (SELECT r.id FROM referrals r WHERE r.consent_id = c.id) AS referral_id, \
     (SELECT r.case_id FROM referrals r WHERE r.consent_id = c.id) AS case_id \
     FROM consents c LEFT JOIN users u ON u.id = c.recorded_by \
     LEFT JOIN users w ON w.id = c.withdrawn_by ";

/// Every consent of a person, newest first.
#[tracing::instrument(skip_all)]
pub async fn consents_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person: PersonId,
) -> Result<Vec<Consent>, StoreError> {
    let sql = format!(
        "{CONSENT_SELECT}WHERE c.organisation_id = $1 AND c.person_id = $2 \
         ORDER BY c.created_at DESC, c.id DESC LIMIT 500"
    );
    Ok(sql!(as Consent, fetch_all, exec, &sql, organisation_id.as_uuid(), person.as_uuid())?)
}

/// Records that the person withdrew a consent, if nobody changed it since `expected_version`:
/// it takes effect at once on every share resting on it (the partner's pages read it), and
/// each referral's case gets an event on its timeline. `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    person: PersonId,
    id: Uuid,
    expected_version: i64,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE consents SET withdrawn_at = $5, withdrawn_by = $6, updated_at = $5, \
         version = version + 1 WHERE organisation_id = $1 AND person_id = $2 AND id = $3 \
         AND version = $4 AND withdrawn_at IS NULL",
        organisation_id.as_uuid(),
        person.as_uuid(),
        id,
        expected_version,
        now,
        by.as_uuid(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    let referrals: Vec<(Uuid, Uuid, String)> = sql!(
        as (Uuid, Uuid, String),
        fetch_all,
        &mut *tx,
        "SELECT r.id, r.case_id, c.recipient FROM referrals r JOIN consents c ON c.id = r.consent_id \
         WHERE r.organisation_id = $1 AND r.consent_id = $2 ORDER BY r.id",
        organisation_id.as_uuid(),
        id,
    )?;
    for (referral, case, recipient) in referrals {
        let event = NewEvent {
            organisation_id,
            case_id: CaseId::from_uuid(case),
            kind: EntryKind::Referral,
            occurred_at: now,
            author: Some(by),
            subject_id: Some(referral),
            summary: Some(&recipient),
            detail: "consent_withdrawn",
        };
        crate::cases::add_event(tx, &event, now).await?;
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Statistics inputs (issue 8 point 7).

/// The referrals of one service sent in a period, and what became of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceStats {
    pub service_id: Uuid,
    pub service_name: String,
    pub partner_name: String,
    pub sent: i64,
    /// Answered at all (received, accepted or declined).
    pub answered: i64,
    pub accepted: i64,
    pub declined: i64,
    pub completed: i64,
    pub no_show: i64,
    pub revoked: i64,
    /// Still waiting for an answer or an outcome.
    pub open: i64,
    /// Mean time between sending and the first answer, in hours, of those answered.
    pub mean_hours_to_answer: Option<i64>,
    /// Accepted among accepted and declined, in per cent.
    pub acceptance_rate: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StatRow {
    service_id: Uuid,
    service_name: String,
    partner_name: String,
    status: String,
    sent_at: Ts,
    answered_at: Option<Ts>,
    accepted: bool,
}

/// The organisation's referrals sent in `[from, to)`, by service (by partner then service
/// name): counts by outcome, acceptance rate, mean time to answer. One query; the arithmetic
/// on times is done here, the same on both engines.
#[tracing::instrument(skip_all)]
pub async fn statistics<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    from: Ts,
    to: Ts,
) -> Result<Vec<ServiceStats>, StoreError> {
    let rows: Vec<StatRow> = sql!(
        as StatRow,
        fetch_all,
        exec,
        "SELECT r.service_id, s.name AS service_name, p.name AS partner_name, r.status, \
         r.sent_at, r.answered_at, EXISTS (SELECT 1 FROM referral_steps st \
           WHERE st.referral_id = r.id AND st.status = 'accepted') AS accepted \
         FROM referrals r JOIN partner_services s ON s.id = r.service_id \
         JOIN partner_organisations p ON p.id = s.partner_id \
         WHERE r.organisation_id = $1 AND r.sent_at IS NOT NULL AND r.sent_at >= $2 \
         AND r.sent_at < $3 ORDER BY p.name, s.name, r.service_id",
        organisation_id.as_uuid(),
        from,
        to,
    )?;
    let mut out: Vec<ServiceStats> = Vec::new();
    let mut hours: Vec<Vec<i64>> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|s| s.service_id != r.service_id) {
            out.push(ServiceStats {
                service_id: r.service_id,
                service_name: r.service_name.clone(),
                partner_name: r.partner_name.clone(),
                ..Default::default()
            });
            hours.push(Vec::new());
        }
        let (s, h) = (out.last_mut().expect("pushed"), hours.last_mut().expect("pushed"));
        s.sent += 1;
        if let Some(at) = r.answered_at {
            s.answered += 1;
            h.push((at.get() - r.sent_at.get()).whole_hours());
        }
        if r.accepted {
            s.accepted += 1;
        }
        match Status::parse(&r.status) {
            Some(Status::Declined) => s.declined += 1,
            Some(Status::Completed) => s.completed += 1,
            Some(Status::NoShow) => s.no_show += 1,
            Some(Status::Revoked) => s.revoked += 1,
            _ => s.open += 1,
        }
    }
    for (s, h) in out.iter_mut().zip(hours) {
        s.acceptance_rate = domain::referrals::acceptance_rate(s.accepted, s.declined);
        s.mean_hours_to_answer = (!h.is_empty()).then(|| h.iter().sum::<i64>() / h.len() as i64);
    }
    Ok(out)
}

/// The organisation's number of days without an answer before the referent gets a task.
#[tracing::instrument(skip_all)]
pub async fn reminder_days<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT reminder_referral_days FROM organisations WHERE id = $1",
        organisation_id.as_uuid(),
    )?)
}

/// Sets that number (the caller checked it against
/// [`domain::referrals::REMINDER_DAYS_RANGE`]).
#[tracing::instrument(skip_all)]
pub async fn set_reminder_days<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    days: i64,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE organisations SET reminder_referral_days = $2 WHERE id = $1",
        organisation_id.as_uuid(),
        days,
    )?;
    Ok(())
}
