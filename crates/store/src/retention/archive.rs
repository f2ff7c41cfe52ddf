//! The restricted archive (DOMAIN.md §3.2, ADR 0040): a person whose review line ran as
//! "archived" is out of search, the recent list, counts and duplicate proposals, and their page
//! answers "not found" — except to a DPO or manager who opened the file with a written reason,
//! for [`OPEN_HOURS`]. The opening is an `archive_opened` audit event with the reason: the
//! grant is the audit record itself, so none exists without its trace. From the review list
//! the file is restored (the line goes back to a legal hold with the reason, so the run does
//! not take it again) or anonymised.

use domain::audit::AuditAction;
use domain::{OrganisationId, PersonId, UserId};
use uuid::Uuid;

use super::anonymise::anonymise_person;
use crate::{Db, Exec, StoreError, Ts, Tx};

/// How long an opening lasts.
pub const OPEN_HOURS: i64 = 24;

/// Whether the person's file is in the restricted archive.
#[tracing::instrument(skip_all)]
pub async fn is_archived<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person: PersonId,
) -> Result<bool, StoreError> {
    let n: i64 = sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM retention_reviews WHERE organisation_id = $1 AND person_id = $2 \
         AND outcome = 'archived'",
        organisation_id.as_uuid(),
        person.as_uuid(),
    )?;
    Ok(n > 0)
}

/// Whether `user` opened the archived file of `person` within the last [`OPEN_HOURS`].
#[tracing::instrument(skip_all)]
pub async fn opened_by<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person: PersonId,
    user: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let since = Ts::from(now.get() - time::Duration::hours(OPEN_HOURS));
    let n: i64 = sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM audit_events WHERE subject_id = $1 AND organisation_id = $2 \
         AND actor_user_id = $3 AND action = $4 AND occurred_at >= $5",
        person.as_uuid(),
        organisation_id.as_uuid(),
        user.as_uuid(),
        AuditAction::ArchiveOpened.as_str(),
        since,
    )?;
    Ok(n > 0)
}

/// Whether a person's page may be shown to `user`: not archived, or opened by them.
pub async fn may_show(
    db: &Db,
    organisation_id: OrganisationId,
    person: PersonId,
    user: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    Ok(!is_archived(db, organisation_id, person).await?
        || opened_by(db, organisation_id, person, user, now).await?)
}

/// The archived line `id` of the organisation: its person and version.
async fn archived_line(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<(PersonId, i64)>, StoreError> {
    let row: Option<(Uuid, i64)> = sql!(
        as (Uuid, i64),
        fetch_optional,
        &mut *tx,
        "SELECT person_id, version FROM retention_reviews WHERE organisation_id = $1 AND id = $2 \
         AND outcome = 'archived'",
        organisation_id.as_uuid(),
        id,
    )?;
    Ok(row.map(|(p, v)| (PersonId::from_uuid(p), v)))
}

/// The person of the archived line `id`, for opening their file: the caller records the
/// `archive_opened` event with the reason, which is the opening itself ([`opened_by`]).
/// `None` when the line is not an archived one of the organisation.
#[tracing::instrument(skip_all)]
pub async fn archived_person(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<PersonId>, StoreError> {
    Ok(archived_line(tx, organisation_id, id).await?.map(|(p, _)| p))
}

/// Takes the file of line `id` out of the archive: the line becomes a legal hold with the
/// reason (the run never takes a hold); the caller records `archive_restored`. The person,
/// or `None` when the line is not archived or changed since `version`.
#[tracing::instrument(skip_all)]
pub async fn restore(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    by: UserId,
    reason: &str,
    now: Ts,
) -> Result<Option<PersonId>, StoreError> {
    let Some((person, _)) = archived_line(tx, organisation_id, id).await? else {
        return Ok(None);
    };
    let changed = sql!(
        execute,
        &mut *tx,
        "UPDATE retention_reviews SET outcome = NULL, processed_at = NULL, decision = 'held', \
         until_on = NULL, reason = $4, decided_by = $5, decided_at = $6, updated_at = $6, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND outcome = 'archived'",
        organisation_id.as_uuid(),
        id,
        version,
        reason,
        by.as_uuid(),
        now,
    )?;
    Ok((changed == 1).then_some(person))
}

/// Anonymises the archived file of line `id` in `tx` (the files it unlinks wait for the next
/// run, as any anonymisation's). False when the line is not archived or changed since
/// `version`.
#[tracing::instrument(skip_all)]
pub async fn anonymise(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let Some((person, _)) = archived_line(tx, organisation_id, id).await? else {
        return Ok(false);
    };
    let changed = sql!(
        execute,
        &mut *tx,
        "UPDATE retention_reviews SET outcome = 'anonymised', processed_at = $4, updated_at = $4, \
         version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND outcome = 'archived'",
        organisation_id.as_uuid(),
        id,
        version,
        now,
    )?;
    if changed != 1 {
        return Ok(false);
    }
    anonymise_person(tx, organisation_id, person, now, false).await?;
    Ok(true)
}
