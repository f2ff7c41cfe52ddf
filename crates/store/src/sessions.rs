//! Sessions, kept in the database so that any app server can serve any request. A session's id
//! is the SHA-256 of the token in the user's cookie.

use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

pub struct NewSession<'a> {
    pub id_hash: &'a [u8],
    pub user_id: UserId,
    pub active_organisation_id: Option<OrganisationId>,
    pub expires_at: Ts,
    pub device: &'a str,
    pub failed_logins_before: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    exec: impl Into<Exec<'c>>,
    new: &NewSession<'_>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO sessions (id, user_id, active_organisation_id, created_at, last_seen_at, \
         expires_at, device, failed_logins_before) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        new.id_hash,
        new.user_id.as_uuid(),
        new.active_organisation_id.map(|o| o.as_uuid()),
        now,
        new.expires_at,
        new.device,
        new.failed_logins_before,
    )?;
    Ok(())
}

/// A session with what every request needs of its user, in one query.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub active_organisation_id: Option<Uuid>,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub expires_at: Ts,
    pub failed_logins_before: i64,
    pub email: String,
    pub display_name: String,
    pub instance_admin: bool,
    pub user_disabled_at: Option<Ts>,
    /// The role of the user's membership of the active organisation, if it is still enabled.
    pub role: Option<String>,
    pub organisation_name: Option<String>,
    /// The active organisation's time zone (IANA name), in which pages show times.
    pub organisation_time_zone: Option<String>,
    /// The active organisation's idle timeout and second-factor rule.
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub require_second_factor: Option<bool>,
    /// Whether the user has turned their second factor on.
    pub has_second_factor: bool,
    /// For the bell in the header.
    pub unread_notifications: i64,
    /// The user's rights changed since the session began (a manager changed their role or
    /// teams): its id changes at the next page.
    pub rotation_due: bool,
}

#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
) -> Result<Option<SessionUser>, StoreError> {
    Ok(sql!(
        as SessionUser,
        fetch_optional,
        exec,
        "SELECT s.user_id, s.active_organisation_id, s.created_at, s.last_seen_at, s.expires_at, \
         s.failed_logins_before, u.email, u.display_name, u.instance_admin, \
         u.disabled_at AS user_disabled_at, m.role, o.name AS organisation_name, \
         o.time_zone AS organisation_time_zone, o.session_idle_minutes, o.session_absolute_hours, o.require_second_factor, \
         (u.totp_enabled_at IS NOT NULL) AS has_second_factor, \
         (SELECT count(*) FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL) \
           AS unread_notifications, s.rotation_due \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN memberships m ON m.user_id = s.user_id \
              AND m.organisation_id = s.active_organisation_id AND m.disabled_at IS NULL \
         LEFT JOIN organisations o ON o.id = s.active_organisation_id \
         WHERE s.id = $1",
        id_hash,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn touch<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
    now: Ts,
) -> Result<(), StoreError> {
    sql!(execute, exec, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", now, id_hash)?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_active_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
    organisation_id: OrganisationId,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE sessions SET active_organisation_id = $1 WHERE id = $2",
        organisation_id.as_uuid(),
        id_hash,
    )?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete<'c>(exec: impl Into<Exec<'c>>, id_hash: &[u8]) -> Result<u64, StoreError> {
    Ok(sql!(execute, exec, "DELETE FROM sessions WHERE id = $1", id_hash)?)
}

/// Ends every session of a user ("log out everywhere", password change).
#[tracing::instrument(skip_all)]
pub async fn delete_all_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<u64, StoreError> {
    Ok(sql!(execute, exec, "DELETE FROM sessions WHERE user_id = $1", user_id.as_uuid())?)
}

/// One line of "my active sessions".
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionInfo {
    pub id: Vec<u8>,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub device: String,
}

#[tracing::instrument(skip_all)]
pub async fn list_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    now: Ts,
) -> Result<Vec<SessionInfo>, StoreError> {
    Ok(sql!(
        as SessionInfo,
        fetch_all,
        exec,
        "SELECT id, created_at, last_seen_at, device FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC",
        user_id.as_uuid(),
        now,
    )?)
}

/// Moves a session to a new id (and organisation), keeping its start and absolute expiry: the
/// old id stops working at once.
#[tracing::instrument(skip_all)]
pub async fn rotate<'c>(
    exec: impl Into<Exec<'c>>,
    old_hash: &[u8],
    new_hash: &[u8],
    organisation_id: Option<OrganisationId>,
    now: Ts,
) -> Result<bool, StoreError> {
    let mut exec = exec.into();
    let copied = sql!(
        execute,
        &mut exec,
        "INSERT INTO sessions (id, user_id, active_organisation_id, created_at, last_seen_at, \
         expires_at, device, failed_logins_before) \
         SELECT $1, user_id, $2, created_at, $3, expires_at, device, 0 FROM sessions WHERE id = $4",
        new_hash,
        organisation_id.map(|o| o.as_uuid()),
        now,
        old_hash,
    )?;
    sql!(execute, exec, "DELETE FROM sessions WHERE id = $1", old_hash)?;
    Ok(copied == 1)
}

/// Ends a user's sessions that act in one organisation (their membership there was disabled);
/// their sessions elsewhere go on. Returns how many ended.
#[tracing::instrument(skip_all)]
pub async fn delete_of_user_in_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    organisation_id: OrganisationId,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "DELETE FROM sessions WHERE user_id = $1 AND active_organisation_id = $2",
        user_id.as_uuid(),
        organisation_id.as_uuid(),
    )?)
}

/// Ends every session of a user but one (a password change ends the others; the one that made
/// it goes on, under a new id the caller gave it). Returns how many ended.
#[tracing::instrument(skip_all)]
pub async fn delete_others_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    keep_hash: &[u8],
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "DELETE FROM sessions WHERE user_id = $1 AND id <> $2",
        user_id.as_uuid(),
        keep_hash,
    )?)
}

/// Marks the user's sessions acting in an organisation for a new id at their next page: a
/// manager changed the user's rights there. Returns how many were marked.
#[tracing::instrument(skip_all)]
pub async fn mark_rotation_due<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    organisation_id: OrganisationId,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "UPDATE sessions SET rotation_due = $1 WHERE user_id = $2 AND active_organisation_id = $3",
        true,
        user_id.as_uuid(),
        organisation_id.as_uuid(),
    )?)
}

/// Deletes the sessions past their absolute expiry: no request can use them any more.
/// Returns how many went.
#[tracing::instrument(skip_all)]
pub async fn purge_expired<'c>(exec: impl Into<Exec<'c>>, now: Ts) -> Result<u64, StoreError> {
    Ok(sql!(execute, exec, "DELETE FROM sessions WHERE expires_at <= $1", now)?)
}
