//! Domiciliations (ADR 0032): a person's elections of domicile, one running at a time, each
//! ended with a reason and never deleted; the mail received for them and its collection.

use domain::{OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// An election of domicile.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Domiciliation {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub start_date: Date,
    pub renewal_due: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<String>,
    pub version: i64,
}

impl Domiciliation {
    /// Running on `day`: started, not ended.
    pub fn active_on(&self, day: Date) -> bool {
        self.start_date <= day && self.end_date.is_none_or(|e| e > day)
    }
}

/// A piece of mail kept for a domiciled person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Mail {
    pub id: Uuid,
    pub domiciliation_id: Uuid,
    pub received_on: Date,
    pub kind: String,
    pub sender: Option<String>,
    pub collected_on: Option<Date>,
    pub version: i64,
}

/// Mail on the desk's list, with whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeskMail {
    pub id: Uuid,
    pub received_on: Date,
    pub kind: String,
    pub sender: Option<String>,
    pub collected_on: Option<Date>,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
}

/// Starts an election of domicile for a person.
#[tracing::instrument(skip_all)]
pub async fn start<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
    start_date: Date,
    renewal_due: Date,
    by: Option<UserId>,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        exec,
        "INSERT INTO domiciliations (id, organisation_id, person_id, start_date, renewal_due, \
         end_date, end_reason, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $7, 1)",
        id,
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        start_date,
        renewal_due,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(id)
}

/// Renews an election (a new renewal date) if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn renew<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    renewal_due: Date,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE domiciliations SET renewal_due = $4, updated_at = $5, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND end_date IS NULL",
        organisation_id.as_uuid(),
        id,
        expected_version,
        renewal_due,
        now,
    )?;
    Ok(n == 1)
}

/// Ends an election with its reason if nobody changed it since `expected_version`.
#[tracing::instrument(skip_all)]
pub async fn end<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    end_date: Date,
    reason: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE domiciliations SET end_date = $4, end_reason = $5, updated_at = $6, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND end_date IS NULL",
        organisation_id.as_uuid(),
        id,
        expected_version,
        end_date,
        reason,
        now,
    )?;
    Ok(n == 1)
}

/// The person's elections, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_person<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Domiciliation>, StoreError> {
    Ok(sql!(
        as Domiciliation,
        fetch_all,
        exec,
        "SELECT id, person_id, start_date, renewal_due, end_date, end_reason, version \
         FROM domiciliations WHERE organisation_id = $1 AND person_id = $2 \
         ORDER BY start_date DESC, id DESC",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}

/// Registers mail received for a running election.
#[allow(clippy::too_many_arguments)] // The mail's fields, each named at the one call site.
#[tracing::instrument(skip_all)]
pub async fn add_mail<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    domiciliation_id: Uuid,
    received_on: Date,
    kind: &str,
    sender: Option<&str>,
    by: Option<UserId>,
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        exec,
        "INSERT INTO domiciliation_mail (id, organisation_id, domiciliation_id, received_on, kind, \
         sender, collected_on, registered_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8, 1)",
        id,
        organisation_id.as_uuid(),
        domiciliation_id,
        received_on,
        kind,
        sender,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(id)
}

/// Records that the person collected a piece of mail, if it was still waiting.
#[tracing::instrument(skip_all)]
pub async fn collect<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    mail_id: Uuid,
    on: Date,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE domiciliation_mail SET collected_on = $3, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND collected_on IS NULL",
        organisation_id.as_uuid(),
        mail_id,
        on,
        now,
    )?;
    Ok(n == 1)
}

/// The mail of a person's elections, newest first.
#[tracing::instrument(skip_all)]
pub async fn mail_of_person<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Mail>, StoreError> {
    Ok(sql!(
        as Mail,
        fetch_all,
        exec,
        "SELECT m.id, m.domiciliation_id, m.received_on, m.kind, m.sender, m.collected_on, \
         m.version FROM domiciliation_mail m JOIN domiciliations d ON d.id = m.domiciliation_id \
         WHERE m.organisation_id = $1 AND d.person_id = $2 \
         ORDER BY m.received_on DESC, m.id DESC",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?)
}

/// The desk's list: mail received on `day`, and all mail still waiting, oldest first.
#[tracing::instrument(skip_all)]
pub async fn desk<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    day: Date,
) -> Result<Vec<DeskMail>, StoreError> {
    Ok(sql!(
        as DeskMail,
        fetch_all,
        exec,
        "SELECT m.id, m.received_on, m.kind, m.sender, m.collected_on, p.id AS person_id, \
         p.birth_name, p.used_name, p.first_names \
         FROM domiciliation_mail m JOIN domiciliations d ON d.id = m.domiciliation_id \
         JOIN persons p ON p.id = d.person_id \
         WHERE m.organisation_id = $1 AND (m.received_on = $2 OR m.collected_on IS NULL) \
         ORDER BY m.received_on, m.id LIMIT 500",
        organisation_id.as_uuid(),
        day,
    )?)
}

/// How many elections of the organisation run on `day` (statistics input).
#[tracing::instrument(skip_all)]
pub async fn active_count<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    day: Date,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT COUNT(*) FROM domiciliations WHERE organisation_id = $1 AND start_date <= $2 \
         AND (end_date IS NULL OR end_date > $2)",
        organisation_id.as_uuid(),
        day,
    )?)
}
