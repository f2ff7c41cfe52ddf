//! What a user had typed in any form when their session was about to end (migration 0021):
//! kept on the server, one per user and page, taken back once when they return to the page.
//! Forms with drafts of their own (notes, assessments) keep theirs; this is the safety net of
//! every other form. A draft older than [`KEEP`] is not offered back and is deleted the next
//! time the user saves one.

use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// How long a draft is offered back.
pub const KEEP: time::Duration = time::Duration::days(7);

/// Keeps what `user` typed on the page at `path` (replacing what was kept for that page), and
/// forgets the user's drafts older than [`KEEP`].
#[tracing::instrument(skip_all)]
pub async fn save(
    tx: &mut Tx,
    user: UserId,
    organisation_id: Option<OrganisationId>,
    path: &str,
    fields: &str,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM form_drafts WHERE user_id = $1 AND updated_at < $2",
        user.as_uuid(),
        Ts::from(now.get() - KEEP),
    )?;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO form_drafts (id, user_id, organisation_id, path, fields, created_at, \
         updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1) \
         ON CONFLICT (user_id, path) DO UPDATE SET organisation_id = $3, fields = $5, \
         updated_at = $6, version = form_drafts.version + 1",
        Uuid::now_v7(),
        user.as_uuid(),
        organisation_id.map(|o| o.as_uuid()),
        path,
        fields,
        now,
    )?;
    Ok(())
}

/// Takes back (and deletes) what `user` typed on the page at `path`, if it is recent enough.
#[tracing::instrument(skip_all)]
pub async fn take(
    tx: &mut Tx,
    user: UserId,
    path: &str,
    now: Ts,
) -> Result<Option<String>, StoreError> {
    let fields = sql!(
        scalar String,
        fetch_optional,
        &mut *tx,
        "SELECT fields FROM form_drafts WHERE user_id = $1 AND path = $2 AND updated_at >= $3",
        user.as_uuid(),
        path,
        Ts::from(now.get() - KEEP),
    )?;
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM form_drafts WHERE user_id = $1 AND path = $2",
        user.as_uuid(),
        path,
    )?;
    Ok(fields)
}

/// How many drafts `user` has kept (for tests and the account page).
pub async fn count<'c>(exec: impl Into<Exec<'c>>, user: UserId) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM form_drafts WHERE user_id = $1",
        user.as_uuid(),
    )?)
}
