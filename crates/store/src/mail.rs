//! E-mail of notifications, on the database side: each user's delivery choice per kind of
//! notification, the jobs that send (enqueued by [`crate::notifications::insert`] in the
//! notification's own transaction), the record of what was sent — by job kind and key, so that
//! a job run again after a recorded send sends nothing — and what a daily digest gathers.

use domain::mail::{Delivery, kinds};
use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::jobs::NewJob;
use crate::notifications::{Notification, NotificationKind};
use crate::{Exec, StoreError, Ts, Tx};

/// The user's choice for every kind of notification, in [`NotificationKind::ALL`]'s order;
/// kinds never chosen are in the app only.
#[tracing::instrument(skip_all)]
pub async fn preferences<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
) -> Result<Vec<(NotificationKind, Delivery)>, StoreError> {
    let rows: Vec<(String, String)> = sql!(
        as (String, String),
        fetch_all,
        exec,
        "SELECT kind, delivery FROM notification_preferences WHERE user_id = $1",
        user.as_uuid(),
    )?;
    Ok(NotificationKind::ALL
        .into_iter()
        .map(|kind| {
            let chosen = rows
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .and_then(|(_, d)| Delivery::parse(d))
                .unwrap_or_default();
            (kind, chosen)
        })
        .collect())
}

/// How the user receives notifications of `kind`.
#[tracing::instrument(skip_all)]
pub async fn delivery_for<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    kind: NotificationKind,
) -> Result<Delivery, StoreError> {
    let code: Option<String> = sql!(
        scalar String,
        fetch_optional,
        exec,
        "SELECT delivery FROM notification_preferences WHERE user_id = $1 AND kind = $2",
        user.as_uuid(),
        kind.as_str(),
    )?;
    Ok(code.as_deref().and_then(Delivery::parse).unwrap_or_default())
}

/// Records the user's choice for `kind`. Returns whether it changed.
#[tracing::instrument(skip_all)]
pub async fn set_preference(
    tx: &mut Tx,
    user: UserId,
    kind: NotificationKind,
    delivery: Delivery,
    now: Ts,
) -> Result<bool, StoreError> {
    let before = delivery_for(&mut *tx, user, kind).await?;
    if before == delivery {
        return Ok(false);
    }
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO notification_preferences (user_id, kind, delivery, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, kind) DO UPDATE SET \
         delivery = excluded.delivery, updated_at = excluded.updated_at",
        user.as_uuid(),
        kind.as_str(),
        delivery.as_str(),
        now,
    )?;
    Ok(true)
}

/// Enqueues, in `tx` (the notification's transaction), the job that e-mails notification
/// `id` to `user` when they chose e-mail for its kind. Returns whether a job was enqueued.
pub(crate) async fn enqueue_for_notification(
    tx: &mut Tx,
    id: Uuid,
    user: UserId,
    kind: NotificationKind,
    now: Ts,
) -> Result<bool, StoreError> {
    if delivery_for(&mut *tx, user, kind).await? != Delivery::Email {
        return Ok(false);
    }
    let key = domain::mail::notification_key(id);
    let job = NewJob::new(kinds::NOTIFICATION, &key)
        .payload(serde_json::json!({ "notification_id": id }));
    Ok(crate::jobs::enqueue(tx, &job, now).await?.is_some())
}

/// Whether an e-mail of job `kind` and `key` was recorded as sent.
#[tracing::instrument(skip_all)]
pub async fn was_sent<'c>(
    exec: impl Into<Exec<'c>>,
    kind: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let n: i64 = sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM mail_deliveries WHERE kind = $1 AND key = $2",
        kind,
        key,
    )?;
    Ok(n > 0)
}

/// Records that the e-mail of job `kind` and `key` went out. Returns `false` when it was
/// already recorded.
#[tracing::instrument(skip_all)]
pub async fn record_sent<'c>(
    exec: impl Into<Exec<'c>>,
    kind: &str,
    key: &str,
    user: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "INSERT INTO mail_deliveries (kind, key, user_id, sent_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, key) DO NOTHING",
        kind,
        key,
        user.as_uuid(),
        now,
    )?;
    Ok(n == 1)
}

/// Who an e-mail goes to, and in which language.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub preferred_locale: Option<String>,
    pub disabled: bool,
}

#[tracing::instrument(skip_all)]
pub async fn recipient<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
) -> Result<Option<Recipient>, StoreError> {
    Ok(sql!(
        as Recipient,
        fetch_optional,
        exec,
        "SELECT id, email, display_name, preferred_locale, \
         disabled_at IS NOT NULL AS disabled \
         FROM users WHERE id = $1",
        user.as_uuid(),
    )?)
}

/// A notification to e-mail: who it is for, its organisation (for the letterhead), and the
/// notification as the app shows it.
#[derive(Debug, Clone)]
pub struct NotificationToSend {
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    pub notification: Notification,
}

#[derive(sqlx::FromRow)]
struct ToSendRow {
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    #[sqlx(flatten)]
    notification: Notification,
}

#[tracing::instrument(skip_all)]
pub async fn notification_to_send<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
) -> Result<Option<NotificationToSend>, StoreError> {
    let row: Option<ToSendRow> = sql!(
        as ToSendRow,
        fetch_optional,
        exec,
        "SELECT n.user_id, n.organisation_id, n.id, n.kind, o.name AS organisation_name, \
         a.display_name AS actor_name, n.details, n.created_at, n.read_at \
         FROM notifications n \
         LEFT JOIN organisations o ON o.id = n.organisation_id \
         LEFT JOIN users a ON a.id = n.actor_user_id \
         WHERE n.id = $1",
        id,
    )?;
    Ok(row.map(|r| NotificationToSend {
        user_id: UserId::from_uuid(r.user_id),
        organisation_id: r.organisation_id.map(OrganisationId::from_uuid),
        notification: r.notification,
    }))
}

/// The users who chose the daily digest for at least one kind, and whose account is active.
#[tracing::instrument(skip_all)]
pub async fn digest_users<'c>(exec: impl Into<Exec<'c>>) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        exec,
        "SELECT DISTINCT p.user_id FROM notification_preferences p \
         JOIN users u ON u.id = p.user_id \
         WHERE p.delivery = 'digest' AND u.disabled_at IS NULL ORDER BY p.user_id",
    )?;
    Ok(ids.into_iter().map(UserId::from_uuid).collect())
}

/// What a user's digest gathers: their notifications still unread, created in
/// `[since, until)`, of the kinds they chose the digest for; oldest first, `limit` at most.
#[tracing::instrument(skip_all)]
pub async fn digest_notifications<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    since: Ts,
    until: Ts,
    limit: i64,
) -> Result<Vec<Notification>, StoreError> {
    Ok(sql!(
        as Notification,
        fetch_all,
        exec,
        "SELECT n.id, n.kind, o.name AS organisation_name, a.display_name AS actor_name, n.details, \
         n.created_at, n.read_at \
         FROM notifications n \
         JOIN notification_preferences p ON p.user_id = n.user_id AND p.kind = n.kind \
         LEFT JOIN organisations o ON o.id = n.organisation_id \
         LEFT JOIN users a ON a.id = n.actor_user_id \
         WHERE n.user_id = $1 AND p.delivery = 'digest' AND n.read_at IS NULL \
         AND n.created_at >= $2 AND n.created_at < $3 \
         ORDER BY n.created_at, n.id LIMIT $4",
        user.as_uuid(),
        since,
        until,
        limit,
    )?)
}

/// Records the language the user's e-mails are written in (a language tag such as `fr`).
#[tracing::instrument(skip_all)]
pub async fn set_preferred_locale<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    tag: &str,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE users SET preferred_locale = $1, updated_at = $2 WHERE id = $3",
        tag,
        now,
        user.as_uuid(),
    )?;
    Ok(())
}

/// Records the daily digest's schedule, first due at the next digest hour after `now`
/// ([`domain::mail::first_digest_after`]), unless it is already recorded: called before the
/// job runner starts, which would otherwise make it due at once.
#[tracing::instrument(skip_all)]
pub async fn anchor_digest_schedule<'c>(
    exec: impl Into<Exec<'c>>,
    now: Ts,
) -> Result<(), StoreError> {
    let first = Ts::from(domain::mail::first_digest_after(now.get()));
    sql!(
        execute,
        exec,
        "INSERT INTO job_schedules (name, every_minutes, next_run_at, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        kinds::DIGEST,
        domain::mail::DIGEST_EVERY_MINUTES,
        first,
        now,
    )?;
    Ok(())
}
