//! The jobs that send e-mail. Each is idempotent by its key: a send is recorded under the
//! job's kind and key right after it succeeds, and a job that finds its key recorded sends
//! nothing. (A crash between the send and the record sends twice: at least once is the
//! contract, docs/adr/0008-jobs.md.) Without a mailer they finish without sending.

use std::sync::Arc;

use domain::UserId;
use domain::mail::{Delivery, kinds};
use serde::{Deserialize, Serialize};
use store::jobs::runner::{JobContext, JobError, Registry};
use store::jobs::{NewJob, Schedule};
use store::{Db, Ts, mail};
use uuid::Uuid;

use super::Mailer;
use super::compose::{self, Letterhead, To};
use crate::i18n::{I18n, Locale, Tr};

/// The most notifications one digest lists (the rest are in the app).
pub const DIGEST_MAX_ITEMS: i64 = 50;

/// The digest's period: once a day, one server enqueues it (the job schedule). Its first time
/// is set by [`store::mail::anchor_digest_schedule`], else it is due when the runner starts.
pub const DIGEST_SCHEDULE: Schedule =
    Schedule::new(kinds::DIGEST, domain::mail::DIGEST_EVERY_MINUTES);

/// What the mail jobs need.
#[derive(Clone)]
pub struct MailJobs {
    pub db: Db,
    pub i18n: Arc<I18n>,
    /// Links in e-mails point here.
    pub base_url: String,
    /// `None`: e-mail is not configured, nothing is sent.
    pub mailer: Option<Arc<dyn Mailer>>,
}

/// Adds the mail handlers and the daily digest to `registry`.
pub fn register(registry: Registry, deps: MailJobs) -> Registry {
    let (a, b, c) = (deps.clone(), deps.clone(), deps);
    registry
        .handle(kinds::NOTIFICATION, move |ctx| send_notification(a.clone(), ctx))
        .handle(kinds::DIGEST, move |ctx| fan_out_digest(b.clone(), ctx))
        .handle(kinds::DIGEST_USER, move |ctx| send_digest(c.clone(), ctx))
        .every(DIGEST_SCHEDULE)
}

#[derive(Deserialize)]
struct NotificationPayload {
    notification_id: Uuid,
}

#[derive(Deserialize)]
struct DigestPayload {
    due_at: String,
}

#[derive(Serialize, Deserialize)]
struct DigestUserPayload {
    user_id: Uuid,
    since: String,
    until: String,
}

/// A time as [`Ts::canonical`] writes it (RFC 3339 in UTC).
pub(crate) fn parse_ts(s: &str) -> Option<Ts> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(Ts::from)
}

fn tr(deps: &MailJobs, preferred: Option<&str>) -> Tr {
    let locale = preferred.and_then(Locale::from_tag).unwrap_or(Locale::DEFAULT);
    Tr::new(deps.i18n.clone(), locale)
}

async fn letterhead(db: &Db, org: Option<domain::OrganisationId>) -> Result<Letterhead, JobError> {
    let settings = match org {
        Some(org) => store::organisations::settings(db, org).await?,
        None => None,
    };
    Ok(Letterhead::of(settings.as_ref()))
}

async fn send_notification(deps: MailJobs, ctx: JobContext) -> Result<(), JobError> {
    let Some(mailer) = deps.mailer.clone() else {
        tracing::info!(job_id = %ctx.job().id, "e-mail is not configured: the notification stays in the app");
        return Ok(());
    };
    let key = ctx.job().key.clone();
    if mail::was_sent(&deps.db, kinds::NOTIFICATION, &key).await? {
        return Ok(());
    }
    let payload: NotificationPayload = ctx.payload()?;
    let Some(to_send) = mail::notification_to_send(&deps.db, payload.notification_id).await? else {
        // Gone with its user's data: nothing to say any more.
        return Ok(());
    };
    let Some(recipient) = mail::recipient(&deps.db, to_send.user_id).await? else {
        return Ok(());
    };
    let kind = to_send.notification.kind();
    // A disabled account, or a user who went back to the app only since: no e-mail.
    let still_wanted = match kind {
        Some(kind) => mail::delivery_for(&deps.db, recipient.id, kind).await? == Delivery::Email,
        None => false,
    };
    if recipient.disabled || !still_wanted {
        return Ok(());
    }
    let t = tr(&deps, recipient.preferred_locale.as_deref());
    let letterhead = letterhead(&deps.db, to_send.organisation_id).await?;
    let to = To { address: &recipient.email, name: &recipient.display_name };
    let email = compose::notification(&t, &to, &to_send.notification, &letterhead, &deps.base_url);
    mailer.send(&email).await.map_err(|e| JobError::new(e.0))?;
    mail::record_sent(&deps.db, kinds::NOTIFICATION, &key, recipient.id, Ts::now()).await?;
    tracing::info!(job_id = %ctx.job().id, user_id = %recipient.id, "notification e-mailed");
    Ok(())
}

/// The day's digest: one job per user who chose it, for the 24 hours before the period's due
/// time, enqueued with the end of this job in one transaction.
async fn fan_out_digest(deps: MailJobs, ctx: JobContext) -> Result<(), JobError> {
    let payload: DigestPayload = ctx.payload()?;
    let until = parse_ts(&payload.due_at)
        .ok_or_else(|| JobError::new("the digest's due time does not parse"))?;
    let since = Ts::from(until.get() - time::Duration::days(1));
    let mut tx = deps.db.begin_write().await?;
    let mut enqueued = 0;
    if deps.mailer.is_some() {
        for user in mail::digest_users(&mut tx).await? {
            let key = domain::mail::digest_key(user.as_uuid(), compose::utc_day(until));
            let job = NewJob::new(kinds::DIGEST_USER, &key).payload(serde_json::json!(
                DigestUserPayload {
                    user_id: user.as_uuid(),
                    since: since.canonical(),
                    until: until.canonical(),
                }
            ));
            if store::jobs::enqueue(&mut tx, &job, Ts::now()).await?.is_some() {
                enqueued += 1;
            }
        }
    }
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(job_id = %ctx.job().id, users = enqueued, "daily digest enqueued");
    Ok(())
}

async fn send_digest(deps: MailJobs, ctx: JobContext) -> Result<(), JobError> {
    let Some(mailer) = deps.mailer.clone() else { return Ok(()) };
    let key = ctx.job().key.clone();
    if mail::was_sent(&deps.db, kinds::DIGEST_USER, &key).await? {
        return Ok(());
    }
    let payload: DigestUserPayload = ctx.payload()?;
    let (Some(since), Some(until)) = (parse_ts(&payload.since), parse_ts(&payload.until)) else {
        return Err(JobError::new("the digest's window does not parse"));
    };
    let user = UserId::from_uuid(payload.user_id);
    let Some(recipient) = mail::recipient(&deps.db, user).await? else { return Ok(()) };
    if recipient.disabled {
        return Ok(());
    }
    let items = mail::digest_notifications(&deps.db, user, since, until, DIGEST_MAX_ITEMS).await?;
    if items.is_empty() {
        // Nothing unread today: no e-mail.
        return Ok(());
    }
    let t = tr(&deps, recipient.preferred_locale.as_deref());
    let org = store::accounts::last_organisation(&deps.db, user).await?;
    let letterhead = letterhead(&deps.db, org).await?;
    let to = To { address: &recipient.email, name: &recipient.display_name };
    let email = compose::digest(&t, &to, &items, &letterhead, &deps.base_url);
    mailer.send(&email).await.map_err(|e| JobError::new(e.0))?;
    mail::record_sent(&deps.db, kinds::DIGEST_USER, &key, user, Ts::now()).await?;
    tracing::info!(job_id = %ctx.job().id, user_id = %user, items = items.len(), "digest e-mailed");
    Ok(())
}
