//! Users, memberships and one-time links.

use domain::accounts::{Email, Role};
use domain::organisations::DisplayName;
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub instance_admin: bool,
    pub preferred_locale: Option<String>,
    pub disabled_at: Option<Ts>,
    pub failed_logins: i64,
    pub last_login_at: Option<Ts>,
    pub password_changed_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
}

pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    pub instance_admin: bool,
}

#[tracing::instrument(skip_all)]
pub async fn insert_user<'c>(
    exec: impl Into<Exec<'c>>,
    new: &NewUser<'_>,
    now: Ts,
) -> Result<User, StoreError> {
    sql!(
        as User,
        fetch_one,
        exec,
        "INSERT INTO users (id, email, display_name, instance_admin, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $5, 1) \
         RETURNING id, email, display_name, password_hash, instance_admin, preferred_locale, \
         disabled_at, failed_logins, last_login_at, password_changed_at, created_at, updated_at, version",
        new.id.as_uuid(),
        new.email.as_str(),
        new.display_name.as_str(),
        new.instance_admin,
        now,
    )
    .map_err(|e| StoreError::on_unique(e, &[("users_email_key", "users.email", "email")]))
}

#[tracing::instrument(skip_all)]
pub async fn find_user_by_email<'c>(
    exec: impl Into<Exec<'c>>,
    email: &str,
) -> Result<Option<User>, StoreError> {
    Ok(sql!(
        as User,
        fetch_optional,
        exec,
        "SELECT id, email, display_name, password_hash, instance_admin, preferred_locale, \
         disabled_at, failed_logins, last_login_at, password_changed_at, created_at, updated_at, version \
         FROM users WHERE email = $1",
        email,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn find_user<'c>(
    exec: impl Into<Exec<'c>>,
    id: UserId,
) -> Result<Option<User>, StoreError> {
    Ok(sql!(
        as User,
        fetch_optional,
        exec,
        "SELECT id, email, display_name, password_hash, instance_admin, preferred_locale, \
         disabled_at, failed_logins, last_login_at, password_changed_at, created_at, updated_at, version \
         FROM users WHERE id = $1",
        id.as_uuid(),
    )?)
}

/// Stores a new password hash; the caller ends the user's sessions in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn set_password_hash<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    hash: &str,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, \
         version = version + 1 WHERE id = $3",
        hash,
        now,
        user_id.as_uuid(),
    )?;
    Ok(())
}

/// Counts a failed sign-in against an account.
#[tracing::instrument(skip_all)]
pub async fn record_failed_login<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1",
        user_id.as_uuid()
    )?;
    Ok(())
}

/// Records a successful sign-in: the failed-attempt counter starts again from zero (the caller
/// read it from the user row first, to tell the user).
#[tracing::instrument(skip_all)]
pub async fn record_successful_login<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE users SET failed_logins = 0, last_login_at = $1 WHERE id = $2",
        now,
        user_id.as_uuid(),
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    #[sqlx(try_from = "Uuid")]
    pub id: MembershipId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub disabled_at: Option<Ts>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_membership<'c>(
    exec: impl Into<Exec<'c>>,
    id: MembershipId,
    user_id: UserId,
    organisation_id: OrganisationId,
    role: Role,
    now: Ts,
) -> Result<Membership, StoreError> {
    sql!(
        as Membership,
        fetch_one,
        exec,
        "INSERT INTO memberships (id, user_id, organisation_id, role, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $5, 1) \
         RETURNING id, user_id, organisation_id, role, disabled_at",
        id.as_uuid(),
        user_id.as_uuid(),
        organisation_id.as_uuid(),
        role.as_str(),
        now,
    )
    .map_err(|e| {
        StoreError::on_unique(
            e,
            &[("memberships_user_organisation_key", "memberships.user_id, memberships.organisation_id", "organisation")],
        )
    })
}

#[tracing::instrument(skip_all)]
pub async fn add_membership_team<'c>(
    exec: impl Into<Exec<'c>>,
    membership_id: MembershipId,
    team_id: TeamId,
    supervises: bool,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO membership_teams (membership_id, team_id, supervises) VALUES ($1, $2, $3)",
        membership_id.as_uuid(),
        team_id.as_uuid(),
        supervises,
    )?;
    Ok(())
}

/// One organisation a user belongs to, for the organisation switcher.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MembershipSummary {
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// The user's enabled memberships, by organisation name.
#[tracing::instrument(skip_all)]
pub async fn memberships_of<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<Vec<MembershipSummary>, StoreError> {
    Ok(sql!(
        as MembershipSummary,
        fetch_all,
        exec,
        "SELECT m.organisation_id, o.name AS organisation_name, m.role \
         FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.user_id = $1 AND m.disabled_at IS NULL ORDER BY o.name, o.id",
        user_id.as_uuid(),
    )?)
}

/// Teams of a membership: (team, supervises).
#[tracing::instrument(skip_all)]
pub async fn teams_of_membership<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    organisation_id: OrganisationId,
) -> Result<Vec<(TeamId, bool)>, StoreError> {
    let rows: Vec<(Uuid, bool)> = sql!(
        as (Uuid, bool),
        fetch_all,
        exec,
        "SELECT mt.team_id, mt.supervises FROM membership_teams mt \
         JOIN memberships m ON m.id = mt.membership_id \
         WHERE m.user_id = $1 AND m.organisation_id = $2",
        user_id.as_uuid(),
        organisation_id.as_uuid(),
    )?;
    Ok(rows.into_iter().map(|(t, s)| (TeamId::from_uuid(t), s)).collect())
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    SetPassword,
    ResetPassword,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::SetPassword => "set_password",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// Stores a one-time link by the hash of its token.
#[tracing::instrument(skip_all)]
pub async fn insert_one_time_token<'c>(
    exec: impl Into<Exec<'c>>,
    token_hash: &[u8],
    user_id: UserId,
    purpose: TokenPurpose,
    now: Ts,
    expires_at: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO one_time_tokens (id, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        token_hash,
        user_id.as_uuid(),
        purpose.as_str(),
        now,
        expires_at,
    )?;
    Ok(())
}

/// The user a valid, unused, unexpired link belongs to — without using it.
#[tracing::instrument(skip_all)]
pub async fn peek_one_time_token<'c>(
    exec: impl Into<Exec<'c>>,
    token_hash: &[u8],
    purpose: TokenPurpose,
    now: Ts,
) -> Result<Option<UserId>, StoreError> {
    let id: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        exec,
        "SELECT user_id FROM one_time_tokens \
         WHERE id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        token_hash,
        purpose.as_str(),
        now,
    )?;
    Ok(id.map(UserId::from_uuid))
}

/// Uses a link: succeeds once, and only before it expires.
#[tracing::instrument(skip_all)]
pub async fn consume_one_time_token<'c>(
    exec: impl Into<Exec<'c>>,
    token_hash: &[u8],
    purpose: TokenPurpose,
    now: Ts,
) -> Result<Option<UserId>, StoreError> {
    let id: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        exec,
        "UPDATE one_time_tokens SET used_at = $3 \
         WHERE id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
         RETURNING user_id",
        token_hash,
        purpose.as_str(),
        now,
    )?;
    Ok(id.map(UserId::from_uuid))
}
