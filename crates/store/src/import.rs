//! Imports: the uploaded file kept between the dry run and the confirmation, the search for
//! persons already registered that rows look like, and the writing of a whole import in the
//! caller's transaction.

use domain::import::{DUPLICATE_SCORE, Existing, ImportRow, Plan};
use domain::{OrganisationId, PersonId, UserId};
use time::Duration;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// How long an uploaded file is kept without being imported.
pub const UPLOAD_LIFETIME: Duration = Duration::hours(1);

/// A file kept for an import.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Upload {
    pub id: Uuid,
    pub file_name: String,
    pub content: Vec<u8>,
    pub created_at: Ts,
}

fn expiry(now: Ts) -> Ts {
    Ts::from(now.get() - UPLOAD_LIFETIME)
}

/// Keeps an uploaded file for `user` and returns its id, a random value (not a time-ordered
/// one: it names personal data). Files older than [`UPLOAD_LIFETIME`] go at the same time.
#[tracing::instrument(skip_all)]
pub async fn save_upload<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user_id: UserId,
    file_name: &str,
    content: &[u8],
    now: Ts,
) -> Result<Uuid, StoreError> {
    let mut exec = exec.into();
    purge_expired(&mut exec, now).await?;
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    sql!(
        execute,
        &mut exec,
        "INSERT INTO import_uploads (id, organisation_id, user_id, file_name, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        organisation_id.as_uuid(),
        user_id.as_uuid(),
        file_name,
        content,
        now,
    )?;
    Ok(id)
}

/// The file `user` uploaded as `id` in the organisation, unless it expired.
#[tracing::instrument(skip_all)]
pub async fn find_upload<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user_id: UserId,
    id: Uuid,
    now: Ts,
) -> Result<Option<Upload>, StoreError> {
    Ok(sql!(
        as Upload,
        fetch_optional,
        exec,
        "SELECT id, file_name, content, created_at FROM import_uploads \
         WHERE organisation_id = $1 AND user_id = $2 AND id = $3 AND created_at > $4",
        organisation_id.as_uuid(),
        user_id.as_uuid(),
        id,
        expiry(now),
    )?)
}

/// Forgets an uploaded file (imported or cancelled). Returns whether there was one.
#[tracing::instrument(skip_all)]
pub async fn delete_upload<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user_id: UserId,
    id: Uuid,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "DELETE FROM import_uploads WHERE organisation_id = $1 AND user_id = $2 AND id = $3",
        organisation_id.as_uuid(),
        user_id.as_uuid(),
        id,
    )?;
    Ok(n > 0)
}

/// Deletes every file kept longer than [`UPLOAD_LIFETIME`]; returns how many.
#[tracing::instrument(skip_all)]
pub async fn purge_expired<'c>(exec: impl Into<Exec<'c>>, now: Ts) -> Result<u64, StoreError> {
    Ok(sql!(execute, exec, "DELETE FROM import_uploads WHERE created_at <= $1", expiry(now))?)
}

/// For each row, the registered person it most looks like, when the similarity reaches
/// [`DUPLICATE_SCORE`].
#[tracing::instrument(skip_all)]
pub async fn existing_duplicates<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    rows: &[ImportRow],
) -> Result<Vec<Option<Existing>>, StoreError> {
    let mut exec = exec.into();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let similar =
            crate::persons::similar(&mut exec, organisation_id, &row.record, None).await?;
        out.push(similar.into_iter().find(|s| s.similarity.score >= DUPLICATE_SCORE).map(|s| {
            Existing {
                person: s.person.id,
                name: s.person.record.display_name(),
                birth_date: s.person.record.birth_date,
                score: s.similarity.score,
            }
        }));
    }
    Ok(out)
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    pub persons: usize,
    pub households: usize,
}

/// Registers every person of the plan and creates its households, in `tx`: the caller commits
/// the whole import or, by dropping the transaction, none of it. Since when the members live
/// together a spreadsheet rarely says: the memberships have no start date.
#[tracing::instrument(skip_all)]
pub async fn apply(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    plan: &Plan,
    by: Option<UserId>,
    now: Ts,
) -> Result<Imported, StoreError> {
    let mut ids = Vec::with_capacity(plan.persons.len());
    for person in &plan.persons {
        let id = PersonId::new();
        crate::persons::insert(tx, organisation_id, id, &person.record, by, now).await?;
        ids.push(id);
    }
    for household in &plan.households {
        let reference = ids[household.reference];
        let id = crate::households::create(tx, organisation_id, reference, None, by, now).await?;
        for (member, relationship) in &household.members {
            crate::households::add_member(tx, id, ids[*member], relationship, None, now).await?;
        }
    }
    Ok(Imported { persons: ids.len(), households: plan.households.len() })
}
