//! Users, memberships and one-time links.

use domain::accounts::{
    Email, LinkToken, RESET_PASSWORD_LINK_HOURS, Role, SET_PASSWORD_LINK_HOURS,
};
use domain::organisations::DisplayName;
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

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

/// Remembers the organisation the user chose to work in, for their next sign-in.
#[tracing::instrument(skip_all)]
pub async fn set_last_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    organisation_id: OrganisationId,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE users SET last_organisation_id = $1 WHERE id = $2",
        organisation_id.as_uuid(),
        user_id.as_uuid(),
    )?;
    Ok(())
}

/// The organisation the user last chose to work in, if any.
#[tracing::instrument(skip_all)]
pub async fn last_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<Option<OrganisationId>, StoreError> {
    let id: Option<Option<Uuid>> = sql!(
        scalar Option<Uuid>,
        fetch_optional,
        exec,
        "SELECT last_organisation_id FROM users WHERE id = $1",
        user_id.as_uuid(),
    )?;
    Ok(id.flatten().map(OrganisationId::from_uuid))
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

/// Makes every unused link of a user worthless at once, whatever it was for (a first password
/// or a reset): a new link replaces the earlier ones, and a password just chosen spends them
/// all. They are marked expired, not used, so the table still tells which link did serve.
/// Returns how many were still valid.
#[tracing::instrument(skip_all)]
pub async fn expire_one_time_tokens<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "UPDATE one_time_tokens SET expires_at = $2 \
         WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2",
        user_id.as_uuid(),
        now,
    )?)
}

/// A membership to create: the organisation, the role, and its teams (`true`: supervises).
#[derive(Debug, Clone)]
pub struct NewMembership<'a> {
    pub id: MembershipId,
    pub organisation_id: OrganisationId,
    pub role: Role,
    pub teams: &'a [(TeamId, bool)],
}

/// Adds a user to an organisation with a role and teams, in the caller's transaction. Already
/// a member: [`StoreError::Duplicate`] on `organisation`.
#[tracing::instrument(skip_all)]
pub async fn add_member(
    tx: &mut Tx,
    user_id: UserId,
    new: &NewMembership<'_>,
    now: Ts,
) -> Result<Membership, StoreError> {
    let membership =
        insert_membership(&mut *tx, new.id, user_id, new.organisation_id, new.role, now).await?;
    insert_member_teams(tx, new.organisation_id, new.id, new.teams).await?;
    Ok(membership)
}

/// A one-time link with which an account's owner chooses a password (a first one, or a new one
/// after a reset): its secret is shown (or sent) once, and only its hash is stored.
#[derive(Debug)]
pub struct SetPasswordLink {
    pub token: LinkToken,
    pub expires_at: Ts,
}

impl SetPasswordLink {
    /// The path of the page that takes the link (served by `web::auth`), to append to the
    /// instance's base URL.
    pub fn path(&self) -> String {
        format!("/account/password/{}", self.token.expose())
    }
}

/// An account just created, with its membership (if any) and its one-time link.
#[derive(Debug)]
pub struct CreatedAccount {
    pub user: User,
    pub membership: Option<Membership>,
    pub link: SetPasswordLink,
}

/// Creates an account without a password, its membership when given, and a one-time link
/// valid [`SET_PASSWORD_LINK_HOURS`] with which its owner chooses the password — all in the
/// caller's transaction, in which the caller also records the audit event. The command line
/// (`passerelle user create`) and the invitation page both create accounts this way. An
/// address already taken: [`StoreError::Duplicate`] on `email`.
#[tracing::instrument(skip_all)]
pub async fn create_with_link(
    tx: &mut Tx,
    user: &NewUser<'_>,
    membership: Option<&NewMembership<'_>>,
    now: Ts,
) -> Result<CreatedAccount, StoreError> {
    let created = insert_user(&mut *tx, user, now).await?;
    let membership = match membership {
        Some(new) => Some(add_member(tx, user.id, new, now).await?),
        None => None,
    };
    let token = LinkToken::generate();
    let expires_at = Ts::from(now.get() + time::Duration::hours(SET_PASSWORD_LINK_HOURS));
    insert_one_time_token(
        &mut *tx,
        &token.hash(),
        user.id,
        TokenPurpose::SetPassword,
        now,
        expires_at,
    )
    .await?;
    Ok(CreatedAccount { user: created, membership, link: SetPasswordLink { token, expires_at } })
}

/// Creates a link valid [`RESET_PASSWORD_LINK_HOURS`] with which an existing account's owner
/// chooses a new password, in the caller's transaction, in which the caller also records the
/// audit event. Every earlier unused link of the account stops working, so only the newest
/// one handed out opens it. The account's sessions end when the link is used, not before: a
/// link made by mistake interrupts nobody. The member page (`web::admin`) and the command line
/// (`passerelle user reset-password`) both create reset links this way.
#[tracing::instrument(skip_all)]
pub async fn create_reset_link(
    tx: &mut Tx,
    user_id: UserId,
    now: Ts,
) -> Result<SetPasswordLink, StoreError> {
    expire_one_time_tokens(&mut *tx, user_id, now).await?;
    let token = LinkToken::generate();
    let expires_at = Ts::from(now.get() + time::Duration::hours(RESET_PASSWORD_LINK_HOURS));
    insert_one_time_token(
        &mut *tx,
        &token.hash(),
        user_id,
        TokenPurpose::ResetPassword,
        now,
        expires_at,
    )
    .await?;
    Ok(SetPasswordLink { token, expires_at })
}

/// Creates a new link valid [`SET_PASSWORD_LINK_HOURS`] with which the owner of an account
/// that has no password yet chooses one, in the caller's transaction: every earlier unused link
/// of the account stops working. For an account an earlier invitation created and nobody
/// finished (see `domain::accounts::invitation_link`).
#[tracing::instrument(skip_all)]
pub async fn renew_set_password_link(
    tx: &mut Tx,
    user_id: UserId,
    now: Ts,
) -> Result<SetPasswordLink, StoreError> {
    expire_one_time_tokens(&mut *tx, user_id, now).await?;
    let token = LinkToken::generate();
    let expires_at = Ts::from(now.get() + time::Duration::hours(SET_PASSWORD_LINK_HOURS));
    insert_one_time_token(
        &mut *tx,
        &token.hash(),
        user_id,
        TokenPurpose::SetPassword,
        now,
        expires_at,
    )
    .await?;
    Ok(SetPasswordLink { token, expires_at })
}

/// One member of an organisation, as its manager sees them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    #[sqlx(try_from = "Uuid")]
    pub membership_id: MembershipId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// The membership is disabled (the account may still work in other organisations).
    pub disabled_at: Option<Ts>,
    /// The whole account is disabled (by an instance administrator).
    pub user_disabled_at: Option<Ts>,
    pub totp_enabled_at: Option<Ts>,
    pub last_login_at: Option<Ts>,
    /// The account also administers the instance.
    pub instance_admin: bool,
    /// When the membership was created.
    pub created_at: Ts,
}

impl Member {
    pub fn second_factor_on(&self) -> bool {
        self.totp_enabled_at.is_some()
    }
}

macro_rules! member_query {
    ($where:literal) => {
        concat!(
            "SELECT m.id AS membership_id, m.user_id, u.email, u.display_name, m.role, \
             m.disabled_at, u.disabled_at AS user_disabled_at, u.totp_enabled_at, \
             u.last_login_at, u.instance_admin, m.created_at \
             FROM memberships m JOIN users u ON u.id = m.user_id WHERE ",
            $where
        )
    };
}

/// The members of an organisation, disabled ones included, newest first.
#[tracing::instrument(skip_all)]
pub async fn list_members<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_all,
        exec,
        member_query!("m.organisation_id = $1 ORDER BY m.created_at DESC, m.id DESC"),
        organisation_id.as_uuid(),
    )?)
}

/// One member, only if the membership belongs to `organisation_id`: another organisation's
/// id is as unknown as a made-up one.
#[tracing::instrument(skip_all)]
pub async fn find_member<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
) -> Result<Option<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_optional,
        exec,
        member_query!("m.organisation_id = $1 AND m.id = $2"),
        organisation_id.as_uuid(),
        membership_id.as_uuid(),
    )?)
}

/// The membership of a user in an organisation, if they have one (enabled or not).
#[tracing::instrument(skip_all)]
pub async fn find_member_by_user<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> Result<Option<Member>, StoreError> {
    Ok(sql!(
        as Member,
        fetch_optional,
        exec,
        member_query!("m.organisation_id = $1 AND m.user_id = $2"),
        organisation_id.as_uuid(),
        user_id.as_uuid(),
    )?)
}

/// A member's place in a team.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberTeam {
    #[sqlx(try_from = "Uuid")]
    pub membership_id: MembershipId,
    #[sqlx(try_from = "Uuid")]
    pub team_id: TeamId,
    pub team_name: String,
    pub supervises: bool,
}

/// The teams of every member of an organisation (one query for a whole list), by team name.
#[tracing::instrument(skip_all)]
pub async fn member_teams<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<MemberTeam>, StoreError> {
    Ok(sql!(
        as MemberTeam,
        fetch_all,
        exec,
        "SELECT mt.membership_id, mt.team_id, t.name AS team_name, mt.supervises \
         FROM membership_teams mt \
         JOIN memberships m ON m.id = mt.membership_id \
         JOIN teams t ON t.id = mt.team_id \
         WHERE m.organisation_id = $1 AND t.organisation_id = $1 \
         ORDER BY t.name, t.id",
        organisation_id.as_uuid(),
    )?)
}

/// The teams of one member of the organisation, by team name.
#[tracing::instrument(skip_all)]
pub async fn teams_of_member<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
) -> Result<Vec<MemberTeam>, StoreError> {
    Ok(sql!(
        as MemberTeam,
        fetch_all,
        exec,
        "SELECT mt.membership_id, mt.team_id, t.name AS team_name, mt.supervises \
         FROM membership_teams mt \
         JOIN memberships m ON m.id = mt.membership_id \
         JOIN teams t ON t.id = mt.team_id \
         WHERE m.organisation_id = $1 AND t.organisation_id = $1 AND m.id = $2 \
         ORDER BY t.name, t.id",
        organisation_id.as_uuid(),
        membership_id.as_uuid(),
    )?)
}

/// Changes a member's role; false if the membership is not the organisation's. Supervising a
/// team goes with the supervisor role, so another role drops it.
#[tracing::instrument(skip_all)]
pub async fn set_member_role(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
    role: Role,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE memberships SET role = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3 AND organisation_id = $4",
        role.as_str(),
        now,
        membership_id.as_uuid(),
        organisation_id.as_uuid(),
    )?;
    if n == 1 && role != Role::Supervisor {
        sql!(
            execute,
            &mut *tx,
            "UPDATE membership_teams SET supervises = $1 WHERE membership_id = $2",
            false,
            membership_id.as_uuid(),
        )?;
    }
    Ok(n == 1)
}

/// Replaces a member's teams (`true`: supervises). Only the organisation's own teams are
/// added, whatever ids are given; returns how many were. Nothing happens for a membership of
/// another organisation.
#[tracing::instrument(skip_all)]
pub async fn set_member_teams(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
    teams: &[(TeamId, bool)],
    now: Ts,
) -> Result<usize, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE memberships SET updated_at = $1, version = version + 1 \
         WHERE id = $2 AND organisation_id = $3",
        now,
        membership_id.as_uuid(),
        organisation_id.as_uuid(),
    )?;
    if n != 1 {
        return Ok(0);
    }
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM membership_teams WHERE membership_id = $1",
        membership_id.as_uuid(),
    )?;
    insert_member_teams(tx, organisation_id, membership_id, teams).await
}

/// Adds teams to a membership; a team id that is not the organisation's adds nothing.
async fn insert_member_teams(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
    teams: &[(TeamId, bool)],
) -> Result<usize, StoreError> {
    let mut added = 0;
    for (team_id, supervises) in teams {
        added += sql!(
            execute,
            &mut *tx,
            "INSERT INTO membership_teams (membership_id, team_id, supervises) \
             SELECT $1, id, $2 FROM teams WHERE id = $3 AND organisation_id = $4",
            membership_id.as_uuid(),
            *supervises,
            team_id.as_uuid(),
            organisation_id.as_uuid(),
        )? as usize;
    }
    Ok(added)
}

/// Disables (`Some(when)`) or enables (`None`) a membership; false if it is not the
/// organisation's. A disabled membership opens nothing: sessions load only enabled ones.
#[tracing::instrument(skip_all)]
pub async fn set_member_disabled<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    membership_id: MembershipId,
    disabled_at: Option<Ts>,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE memberships SET disabled_at = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3 AND organisation_id = $4",
        disabled_at,
        now,
        membership_id.as_uuid(),
        organisation_id.as_uuid(),
    )?;
    Ok(n == 1)
}
