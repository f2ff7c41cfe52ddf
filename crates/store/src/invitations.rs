//! Invitations into an organisation: a manager offers an account (new or existing) a role and
//! teams; nothing opens until the account's owner accepts. Rules on which link goes with an
//! invitation live in [`domain::accounts::invitation_link`].

use domain::accounts::Role;
use domain::ids::InvitationId;
use domain::{OrganisationId, TeamId, UserId};
use uuid::Uuid;

use crate::accounts::{self, Membership, NewMembership};
use crate::{Exec, StoreError, Ts, Tx};

/// An invitation to record.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub id: InvitationId,
    pub organisation_id: OrganisationId,
    pub user_id: UserId,
    pub role: Role,
    /// Teams offered (`true`: supervises); only the organisation's own are kept.
    pub teams: &'a [(TeamId, bool)],
    /// The name the manager typed.
    pub invited_name: &'a str,
    /// The SHA-256 of the link handed over with it.
    pub link_hash: &'a [u8],
    pub invited_by: Option<UserId>,
    pub expires_at: Ts,
}

/// An invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    #[sqlx(try_from = "Uuid")]
    pub id: InvitationId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: Ts,
    pub expires_at: Ts,
    pub answered_at: Option<Ts>,
    pub answer: Option<String>,
}

impl Invitation {
    /// Still waiting for its answer at `now`.
    pub fn is_pending(&self, now: Ts) -> bool {
        self.answered_at.is_none() && self.expires_at > now
    }
}

macro_rules! invitation_columns {
    () => {
        "id, organisation_id, user_id, role, created_at, expires_at, answered_at, answer"
    };
}

/// Records an invitation, replacing (answer `replaced`) any earlier one of the same account
/// into the same organisation that still waits: the latest role and teams offered win. Returns
/// how many were replaced.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, new: &NewInvitation<'_>, now: Ts) -> Result<u64, StoreError> {
    let replaced = sql!(
        execute,
        &mut *tx,
        "UPDATE invitations SET answered_at = $1, answer = 'replaced' \
         WHERE organisation_id = $2 AND user_id = $3 AND answered_at IS NULL",
        now,
        new.organisation_id.as_uuid(),
        new.user_id.as_uuid(),
    )?;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO invitations (id, organisation_id, user_id, role, invited_name, link_hash, \
         invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        new.id.as_uuid(),
        new.organisation_id.as_uuid(),
        new.user_id.as_uuid(),
        new.role.as_str(),
        new.invited_name,
        new.link_hash,
        new.invited_by.map(|u| u.as_uuid()),
        now,
        new.expires_at,
    )?;
    for (team_id, supervises) in new.teams {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO invitation_teams (invitation_id, team_id, supervises) \
             SELECT $1, id, $2 FROM teams WHERE id = $3 AND organisation_id = $4",
            new.id.as_uuid(),
            *supervises,
            team_id.as_uuid(),
            new.organisation_id.as_uuid(),
        )?;
    }
    Ok(replaced)
}

/// How many invitations of other organisations than `organisation_id` wait for the account's
/// answer.
#[tracing::instrument(skip_all)]
pub async fn pending_elsewhere<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    organisation_id: OrganisationId,
    now: Ts,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM invitations \
         WHERE user_id = $1 AND organisation_id <> $2 AND answered_at IS NULL AND expires_at > $3",
        user_id.as_uuid(),
        organisation_id.as_uuid(),
        now,
    )?)
}

/// How many memberships (enabled or not) an account has, in any organisation.
#[tracing::instrument(skip_all)]
pub async fn membership_count<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM memberships WHERE user_id = $1",
        user_id.as_uuid(),
    )?)
}

/// One of the user's own invitations, answered or not, by id: another user's is as unknown
/// as a made-up id.
#[tracing::instrument(skip_all)]
pub async fn find_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    id: InvitationId,
    user_id: UserId,
) -> Result<Option<Invitation>, StoreError> {
    Ok(sql!(
        as Invitation,
        fetch_optional,
        exec,
        concat!("SELECT ", invitation_columns!(), " FROM invitations WHERE id = $1 AND user_id = $2"),
        id.as_uuid(),
        user_id.as_uuid(),
    )?)
}

/// What the holder of an invitation's link sees: the organisation and the role offered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkedInvitation {
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub expires_at: Ts,
}

/// The pending invitation a link was handed over with.
#[tracing::instrument(skip_all)]
pub async fn find_pending_by_link<'c>(
    exec: impl Into<Exec<'c>>,
    link_hash: &[u8],
    now: Ts,
) -> Result<Option<LinkedInvitation>, StoreError> {
    Ok(sql!(
        as LinkedInvitation,
        fetch_optional,
        exec,
        "SELECT o.name AS organisation_name, i.role, i.expires_at \
         FROM invitations i JOIN organisations o ON o.id = i.organisation_id \
         WHERE i.link_hash = $1 AND i.answered_at IS NULL AND i.expires_at > $2",
        link_hash,
        now,
    )?)
}

/// An invitation waiting for the user's answer, as their account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingForUser {
    #[sqlx(try_from = "Uuid")]
    pub id: InvitationId,
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub inviter_name: Option<String>,
    pub created_at: Ts,
    pub expires_at: Ts,
}

/// The user's invitations waiting for an answer, oldest first.
#[tracing::instrument(skip_all)]
pub async fn pending_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    now: Ts,
) -> Result<Vec<PendingForUser>, StoreError> {
    Ok(sql!(
        as PendingForUser,
        fetch_all,
        exec,
        "SELECT i.id, o.name AS organisation_name, i.role, u.display_name AS inviter_name, \
         i.created_at, i.expires_at \
         FROM invitations i JOIN organisations o ON o.id = i.organisation_id \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.user_id = $1 AND i.answered_at IS NULL AND i.expires_at > $2 \
         ORDER BY i.created_at, i.id",
        user_id.as_uuid(),
        now,
    )?)
}

/// An invitation waiting for an answer, as the organisation's managers list it: the name they
/// typed, never the account's own.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingInOrganisation {
    #[sqlx(try_from = "Uuid")]
    pub id: InvitationId,
    pub email: String,
    pub invited_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: Ts,
    pub expires_at: Ts,
}

/// The organisation's invitations waiting for an answer, newest first.
#[tracing::instrument(skip_all)]
pub async fn pending_in_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    now: Ts,
) -> Result<Vec<PendingInOrganisation>, StoreError> {
    Ok(sql!(
        as PendingInOrganisation,
        fetch_all,
        exec,
        "SELECT i.id, u.email, i.invited_name, i.role, i.created_at, i.expires_at \
         FROM invitations i JOIN users u ON u.id = i.user_id \
         WHERE i.organisation_id = $1 AND i.answered_at IS NULL AND i.expires_at > $2 \
         ORDER BY i.created_at DESC, i.id DESC",
        organisation_id.as_uuid(),
        now,
    )?)
}

/// An accepted invitation and the membership it became (`None`: the account was already a
/// member, by another way, and keeps the membership it had).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub invitation: Invitation,
    pub membership: Option<Membership>,
    /// The teams given (`true`: supervises).
    pub teams: Vec<(TeamId, bool)>,
}

/// Marks one of the user's pending invitations answered, in the caller's transaction; `None`
/// if it is not pending (answered, expired, or not this user's).
async fn answer_by_id(
    tx: &mut Tx,
    id: InvitationId,
    user_id: UserId,
    answer: &str,
    now: Ts,
) -> Result<Option<Invitation>, StoreError> {
    Ok(sql!(
        as Invitation,
        fetch_optional,
        &mut *tx,
        concat!(
            "UPDATE invitations SET answered_at = $1, answer = $2 \
             WHERE id = $3 AND user_id = $4 AND answered_at IS NULL AND expires_at > $1 \
             RETURNING ",
            invitation_columns!()
        ),
        now,
        answer,
        id.as_uuid(),
        user_id.as_uuid(),
    )?)
}

/// The teams an invitation offers (`true`: supervises).
async fn teams_of(tx: &mut Tx, id: InvitationId) -> Result<Vec<(TeamId, bool)>, StoreError> {
    let rows: Vec<(Uuid, bool)> = sql!(
        as (Uuid, bool),
        fetch_all,
        &mut *tx,
        "SELECT team_id, supervises FROM invitation_teams WHERE invitation_id = $1 ORDER BY team_id",
        id.as_uuid(),
    )?;
    Ok(rows.into_iter().map(|(t, s)| (TeamId::from_uuid(t), s)).collect())
}

/// Turns an answered invitation into a membership with its role and teams.
async fn join(tx: &mut Tx, invitation: Invitation, now: Ts) -> Result<Accepted, StoreError> {
    let teams = teams_of(tx, invitation.id).await?;
    let already =
        accounts::find_member_by_user(&mut *tx, invitation.organisation_id, invitation.user_id)
            .await?;
    let membership = if already.is_some() {
        None
    } else {
        let new = NewMembership {
            id: domain::MembershipId::new(),
            organisation_id: invitation.organisation_id,
            role: invitation.role,
            teams: &teams,
        };
        Some(accounts::add_member(tx, invitation.user_id, &new, now).await?)
    };
    Ok(Accepted { invitation, membership, teams })
}

/// Accepts one of the user's pending invitations: the membership is created, in the caller's
/// transaction, in which the caller also records the audit event. `None` if it is not pending.
#[tracing::instrument(skip_all)]
pub async fn accept(
    tx: &mut Tx,
    id: InvitationId,
    user_id: UserId,
    now: Ts,
) -> Result<Option<Accepted>, StoreError> {
    match answer_by_id(tx, id, user_id, "accepted", now).await? {
        Some(invitation) => Ok(Some(join(tx, invitation, now).await?)),
        None => Ok(None),
    }
}

/// Accepts the pending invitation a password link was handed over with: choosing the password
/// with it is the new account's answer.
#[tracing::instrument(skip_all)]
pub async fn accept_by_link(
    tx: &mut Tx,
    link_hash: &[u8],
    user_id: UserId,
    now: Ts,
) -> Result<Option<Accepted>, StoreError> {
    let invitation = sql!(
        as Invitation,
        fetch_optional,
        &mut *tx,
        concat!(
            "UPDATE invitations SET answered_at = $1, answer = 'accepted' \
             WHERE link_hash = $2 AND user_id = $3 AND answered_at IS NULL AND expires_at > $1 \
             RETURNING ",
            invitation_columns!()
        ),
        now,
        link_hash,
        user_id.as_uuid(),
    )?;
    match invitation {
        Some(invitation) => Ok(Some(join(tx, invitation, now).await?)),
        None => Ok(None),
    }
}

/// Declines one of the user's pending invitations. `None` if it is not pending.
#[tracing::instrument(skip_all)]
pub async fn decline(
    tx: &mut Tx,
    id: InvitationId,
    user_id: UserId,
    now: Ts,
) -> Result<Option<Invitation>, StoreError> {
    answer_by_id(tx, id, user_id, "declined", now).await
}

/// Withdraws every invitation still waiting for the account's answer (answer `withdrawn`):
/// a password was just set with a one-time link, and whoever held that link must not answer
/// invitations meant for the account's owner. Returns those withdrawn.
#[tracing::instrument(skip_all)]
pub async fn withdraw_pending_of_user(
    tx: &mut Tx,
    user_id: UserId,
    now: Ts,
) -> Result<Vec<Invitation>, StoreError> {
    Ok(sql!(
        as Invitation,
        fetch_all,
        &mut *tx,
        concat!(
            "UPDATE invitations SET answered_at = $1, answer = 'withdrawn' \
             WHERE user_id = $2 AND answered_at IS NULL AND expires_at > $1 \
             RETURNING ",
            invitation_columns!()
        ),
        now,
        user_id.as_uuid(),
    )?)
}

/// Deletes the invitations that expired unanswered before `now`, with their teams: they can no
/// longer be answered, nobody sees them, and they hold the name the manager typed. Answered
/// ones stay (they tell how a membership began). Returns how many went.
#[tracing::instrument(skip_all)]
pub async fn purge_expired<'c>(exec: impl Into<Exec<'c>>, now: Ts) -> Result<u64, StoreError> {
    let mut exec = exec.into();
    sql!(
        execute,
        &mut exec,
        "DELETE FROM invitation_teams WHERE invitation_id IN \
         (SELECT id FROM invitations WHERE answered_at IS NULL AND expires_at <= $1)",
        now,
    )?;
    Ok(sql!(
        execute,
        exec,
        "DELETE FROM invitations WHERE answered_at IS NULL AND expires_at <= $1",
        now
    )?)
}
