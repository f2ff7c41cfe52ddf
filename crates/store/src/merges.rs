//! Merging two records of the same person, and undoing it. A merge is soft: the merged record
//! stays, marked as merged into the kept one (so everything attached to it stays where it is
//! and follows the kept record on its page), and the kept record takes the values chosen for
//! it as a new version. Undo marks the merged record live again and restores the kept record's
//! fields the merge changed, unless someone changed them since.

use domain::persons::{Field, PersonForm, PersonRecord};
use domain::{OrganisationId, PersonId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, persons};

/// A merge, as its record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Merge {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub survivor_id: PersonId,
    #[sqlx(try_from = "Uuid")]
    pub merged_id: PersonId,
    pub survivor_version_before: i64,
    pub survivor_version_after: i64,
    pub survivor_before: String,
    pub survivor_after: String,
    pub repointed: String,
    pub merged_at: Ts,
    pub undone_at: Option<Ts>,
}

macro_rules! merge_columns {
    () => {
        "id, survivor_id, merged_id, survivor_version_before, survivor_version_after, \
         survivor_before, survivor_after, repointed, merged_at, undone_at"
    };
}

/// Why a merge did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeRefused {
    /// One of the two records changed since the comparison was shown (or is gone, or merged).
    Stale,
    /// The same record twice.
    SameRecord,
}

/// Merges `merged` into `survivor`, which takes `chosen` as its new values, if both records are
/// still at the versions the comparison showed.
#[allow(clippy::too_many_arguments)] // One merge: the two records, their versions, the result.
#[tracing::instrument(skip_all)]
pub async fn merge(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    survivor: PersonId,
    survivor_version: i64,
    merged: PersonId,
    merged_version: i64,
    chosen: &PersonRecord,
    by: Option<UserId>,
    now: Ts,
) -> Result<Result<Uuid, MergeRefused>, StoreError> {
    if survivor == merged {
        return Ok(Err(MergeRefused::SameRecord));
    }
    let Some(before) = persons::find(&mut *tx, organisation_id, survivor).await? else {
        return Ok(Err(MergeRefused::Stale));
    };
    let marked = sql!(
        execute,
        &mut *tx,
        "UPDATE persons SET merged_into_id = $3, updated_at = $5, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $4 AND merged_into_id IS NULL",
        organisation_id.as_uuid(),
        merged.as_uuid(),
        survivor.as_uuid(),
        merged_version,
        now,
    )?;
    if marked == 0 || before.merged_into.is_some() {
        return Ok(Err(MergeRefused::Stale));
    }
    let Some(after_version) =
        persons::update(tx, organisation_id, survivor, survivor_version, chosen, by, now).await?
    else {
        return Ok(Err(MergeRefused::Stale));
    };
    // Records merged earlier into the merged one now point at the kept one.
    let repointed: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT id FROM persons WHERE organisation_id = $1 AND merged_into_id = $2",
        organisation_id.as_uuid(),
        merged.as_uuid(),
    )?;
    sql!(
        execute,
        &mut *tx,
        "UPDATE persons SET merged_into_id = $3 WHERE organisation_id = $1 AND merged_into_id = $2",
        organisation_id.as_uuid(),
        merged.as_uuid(),
        survivor.as_uuid(),
    )?;
    let id = Uuid::now_v7();
    let json = |f: &PersonForm| serde_json::to_string(f).expect("a form always serialises");
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO person_merges (id, organisation_id, survivor_id, merged_id, \
         survivor_version_before, survivor_version_after, survivor_before, survivor_after, \
         repointed, merged_by, merged_at, undone_by, undone_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, 1)",
        id,
        organisation_id.as_uuid(),
        survivor.as_uuid(),
        merged.as_uuid(),
        survivor_version,
        after_version,
        json(&before.record.to_form()),
        json(&chosen.to_form()),
        serde_json::to_string(&repointed).expect("ids serialise"),
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(Ok(id))
}

/// A merge of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Merge>, StoreError> {
    Ok(sql!(
        as Merge,
        fetch_optional,
        exec,
        concat!("SELECT ", merge_columns!(), " FROM person_merges WHERE organisation_id = $1 AND id = $2"),
        organisation_id.as_uuid(),
        id,
    )?)
}

/// The merges into `survivor` not undone, newest first.
#[tracing::instrument(skip_all)]
pub async fn active_into<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    survivor: PersonId,
) -> Result<Vec<Merge>, StoreError> {
    Ok(sql!(
        as Merge,
        fetch_all,
        exec,
        concat!(
            "SELECT ",
            merge_columns!(),
            " FROM person_merges WHERE organisation_id = $1 AND survivor_id = $2 \
             AND undone_at IS NULL ORDER BY merged_at DESC, id DESC"
        ),
        organisation_id.as_uuid(),
        survivor.as_uuid(),
    )?)
}

/// What undoing a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// Fields of the kept record set back to their value before the merge.
    pub restored: Vec<Field>,
    /// Fields the merge changed but someone changed again since: left as they are now.
    pub kept: Vec<Field>,
}

/// Undoes a merge: the merged record is live again (with the records it had absorbed), and the
/// kept record gets back its values from before the merge where nobody changed them since.
/// `None` when the merge is unknown, already undone, or the merged record was merged again.
#[tracing::instrument(skip_all)]
pub async fn undo(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    lists: &domain::lists::Lists,
    by: Option<UserId>,
    now: Ts,
) -> Result<Option<Undone>, StoreError> {
    let Some(merge) = find(&mut *tx, organisation_id, id).await? else { return Ok(None) };
    if merge.undone_at.is_some() {
        return Ok(None);
    }
    let claimed = sql!(
        execute,
        &mut *tx,
        "UPDATE person_merges SET undone_at = $3, undone_by = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND undone_at IS NULL",
        organisation_id.as_uuid(),
        id,
        now,
        by.map(|u| u.as_uuid()),
    )?;
    let unmerged = sql!(
        execute,
        &mut *tx,
        "UPDATE persons SET merged_into_id = NULL, updated_at = $4, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND merged_into_id = $3",
        organisation_id.as_uuid(),
        merge.merged_id.as_uuid(),
        merge.survivor_id.as_uuid(),
        now,
    )?;
    if claimed == 0 || unmerged == 0 {
        return Ok(None);
    }
    let repointed: Vec<Uuid> = serde_json::from_str(&merge.repointed).unwrap_or_default();
    for r in repointed {
        sql!(
            execute,
            &mut *tx,
            "UPDATE persons SET merged_into_id = $3 WHERE organisation_id = $1 AND id = $2 \
             AND merged_into_id = $4",
            organisation_id.as_uuid(),
            r,
            merge.merged_id.as_uuid(),
            merge.survivor_id.as_uuid(),
        )?;
    }
    // Three-way: before the merge, what the merge wrote, what is there now.
    let before: PersonForm = serde_json::from_str(&merge.survivor_before).unwrap_or_default();
    let after: PersonForm = serde_json::from_str(&merge.survivor_after).unwrap_or_default();
    let current = persons::find(&mut *tx, organisation_id, merge.survivor_id)
        .await?
        .ok_or(StoreError::Database(sqlx::Error::RowNotFound))?;
    let now_form = current.record.to_form();
    let mut restored_form = now_form.clone();
    let mut undone = Undone { restored: vec![], kept: vec![] };
    for field in before.changed_fields(&after) {
        if now_form.display(field) == after.display(field) {
            match field {
                Field::Resources => restored_form.resources = before.resources.clone(),
                _ => restored_form.set(field, before.get(field)),
            }
            undone.restored.push(field);
        } else {
            undone.kept.push(field);
        }
    }
    if !undone.restored.is_empty() {
        // The values were valid when stored; a value the organisation hid since is still
        // accepted for the record that held it.
        let before_record = PersonRecord::parse(&before, lists, now.get().date(), None).ok();
        match PersonRecord::parse(
            &restored_form,
            lists,
            now.get().date(),
            before_record.as_ref().or(Some(&current.record)),
        ) {
            Ok(record) => {
                persons::update(
                    tx,
                    organisation_id,
                    merge.survivor_id,
                    current.version,
                    &record,
                    by,
                    now,
                )
                .await?;
            }
            // A value that no longer parses (a list value removed since): keep today's record
            // and say so rather than fail the undo.
            Err(_) => {
                let restored = std::mem::take(&mut undone.restored);
                undone.kept.extend(restored);
            }
        }
    }
    Ok(Some(undone))
}
