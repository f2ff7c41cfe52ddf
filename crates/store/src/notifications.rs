//! In-app notifications: written in the transaction of what causes them, listed newest first,
//! counted unread for the bell in the header. A user who chose e-mail for a kind also gets
//! the e-mail job enqueued in that same transaction (see [`crate::mail`]).

use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// What a notification is about. The codes are stored: never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A manager changed the user's role in an organisation.
    RoleChanged,
    /// A manager turned the user's second factor off.
    SecondFactorReset,
    /// The user was added to an organisation they already had an account for (before
    /// invitations needed an answer; kept for the notifications already written).
    AddedToOrganisation,
    /// A manager disabled the user's membership of an organisation.
    MembershipDisabled,
    /// A manager created a link to choose a new password for the user.
    PasswordResetLinkCreated,
    /// Someone raised an urgency flag for a person followed by one of the user's teams; the
    /// details hold the flag's code.
    UrgencyRaised,
    /// A manager invited the user's account into their organisation: the user answers from
    /// their account page.
    InvitationReceived,
    /// Someone who may not open a case the user follows (referent or co-referent) opened it
    /// in an emergency, with a reason; the details hold the case's id.
    CaseEmergencyAccess,
    /// A colleague gave the user a task; the details hold the task's id.
    TaskAssigned,
    /// The day's reminder: tasks of the user are due; the details hold how many.
    TasksDue,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 10] = [
        NotificationKind::RoleChanged,
        NotificationKind::SecondFactorReset,
        NotificationKind::AddedToOrganisation,
        NotificationKind::MembershipDisabled,
        NotificationKind::PasswordResetLinkCreated,
        NotificationKind::UrgencyRaised,
        NotificationKind::InvitationReceived,
        NotificationKind::CaseEmergencyAccess,
        NotificationKind::TaskAssigned,
        NotificationKind::TasksDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::RoleChanged => "role_changed",
            NotificationKind::SecondFactorReset => "second_factor_reset",
            NotificationKind::AddedToOrganisation => "added_to_organisation",
            NotificationKind::MembershipDisabled => "membership_disabled",
            NotificationKind::PasswordResetLinkCreated => "password_reset_link_created",
            NotificationKind::UrgencyRaised => "urgency_raised",
            NotificationKind::InvitationReceived => "invitation_received",
            NotificationKind::CaseEmergencyAccess => "case_emergency_access",
            NotificationKind::TaskAssigned => "task_assigned",
            NotificationKind::TasksDue => "tasks_due",
        }
    }

    pub fn parse(code: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// A notification to write.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    pub kind: NotificationKind,
    pub actor_user_id: Option<UserId>,
    /// Non-personal values the message needs (a role code…).
    pub details: Option<String>,
}

/// Writes the notification in `tx`, the transaction of its cause, and — when its user chose
/// e-mail for its kind — the job that e-mails it: both exist if and only if `tx` commits.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, n: &NewNotification, now: Ts) -> Result<(), StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO notifications (id, user_id, organisation_id, kind, actor_user_id, details, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        n.user_id.as_uuid(),
        n.organisation_id.map(|o| o.as_uuid()),
        n.kind.as_str(),
        n.actor_user_id.map(|a| a.as_uuid()),
        n.details.as_deref(),
        now,
    )?;
    crate::mail::enqueue_for_notification(tx, id, n.user_id, n.kind, now).await?;
    Ok(())
}

/// A notification as shown: with the names of the organisation and of who acted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    pub organisation_name: Option<String>,
    pub actor_name: Option<String>,
    pub details: Option<String>,
    pub created_at: Ts,
    pub read_at: Option<Ts>,
}

impl Notification {
    pub fn kind(&self) -> Option<NotificationKind> {
        NotificationKind::parse(&self.kind)
    }
}

/// The user's latest notifications, newest first.
#[tracing::instrument(skip_all)]
pub async fn latest<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    limit: i64,
) -> Result<Vec<Notification>, StoreError> {
    Ok(sql!(
        as Notification,
        fetch_all,
        exec,
        "SELECT n.id, n.kind, o.name AS organisation_name, a.display_name AS actor_name, n.details, \
         n.created_at, n.read_at \
         FROM notifications n \
         LEFT JOIN organisations o ON o.id = n.organisation_id \
         LEFT JOIN users a ON a.id = n.actor_user_id \
         WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
        user_id.as_uuid(),
        limit,
    )?)
}

pub async fn unread_count<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        user_id.as_uuid(),
    )?)
}

/// Marks every unread notification of the user as read; returns how many.
#[tracing::instrument(skip_all)]
pub async fn mark_all_read<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        now,
        user_id.as_uuid(),
    )?)
}
