//! The instance's own periodic work: forgetting what has expired. Each purge is one
//! transaction that also marks its job done, so the purge and the end of its job commit
//! together; and a purge is idempotent anyway: what it deletes is gone the second time.

use domain::jobs::kinds;
use time::Duration;

use super::Schedule;
use super::runner::{JobContext, JobError, Registry};
use crate::throttle::ThrottlePolicy;
use crate::{StoreError, Ts, Tx};

/// How long finished (done, cancelled) jobs stay on the admin page.
pub const KEEP_FINISHED_JOBS: Duration = Duration::days(7);
/// How long dead jobs stay, for an administrator to read and retry.
pub const KEEP_DEAD_JOBS: Duration = Duration::days(30);

/// The periodic jobs and their periods.
pub const SCHEDULES: [Schedule; 5] = [
    Schedule::new(kinds::PURGE_SESSIONS, 60),
    Schedule::new(kinds::PURGE_INVITATIONS, 24 * 60),
    // Uploads hold whole spreadsheets of personal data: gone soon after their hour.
    Schedule::new(kinds::PURGE_IMPORT_UPLOADS, 15),
    Schedule::new(kinds::PURGE_SIGN_IN_THROTTLE, 60),
    Schedule::new(kinds::PURGE_JOBS, 24 * 60),
];

/// Adds the housekeeping handlers and schedules to `registry`. `throttle` is the sign-in
/// policy whose window and blocks must be over before a counter is forgotten (the longer of
/// the two the server uses).
pub fn register(registry: Registry, throttle: ThrottlePolicy) -> Registry {
    let mut registry = registry
        .handle(kinds::PURGE_SESSIONS, |ctx| {
            purge(ctx, kinds::PURGE_SESSIONS, |tx, now| {
                Box::pin(async move { crate::sessions::purge_expired(tx, now).await })
            })
        })
        .handle(kinds::PURGE_INVITATIONS, |ctx| {
            purge(ctx, kinds::PURGE_INVITATIONS, |tx, now| {
                Box::pin(async move { crate::invitations::purge_expired(tx, now).await })
            })
        })
        .handle(kinds::PURGE_IMPORT_UPLOADS, |ctx| {
            purge(ctx, kinds::PURGE_IMPORT_UPLOADS, |tx, now| {
                Box::pin(async move { crate::import::purge_expired(tx, now).await })
            })
        })
        .handle(kinds::PURGE_SIGN_IN_THROTTLE, move |ctx| {
            purge(ctx, kinds::PURGE_SIGN_IN_THROTTLE, move |tx, now| {
                Box::pin(async move { crate::throttle::purge(tx, &throttle, now).await })
            })
        })
        .handle(kinds::PURGE_JOBS, |ctx| {
            purge(ctx, kinds::PURGE_JOBS, |tx, now| {
                Box::pin(async move {
                    let done_before = Ts::from(now.get() - KEEP_FINISHED_JOBS);
                    let dead_before = Ts::from(now.get() - KEEP_DEAD_JOBS);
                    super::purge_finished(tx, done_before, dead_before).await
                })
            })
        });
    for schedule in SCHEDULES {
        registry = registry.every(schedule);
    }
    registry
}

type PurgeFuture<'t> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<u64, StoreError>> + Send + 't>>;

/// Runs one purge and marks the job done in the same transaction.
async fn purge<F>(ctx: JobContext, kind: &'static str, delete: F) -> Result<(), JobError>
where
    F: for<'t> FnOnce(&'t mut Tx, Ts) -> PurgeFuture<'t>,
{
    let now = Ts::now();
    let mut tx = ctx.db.begin_write().await?;
    let deleted = delete(&mut tx, now).await?;
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    // Counts only: what was deleted is nobody's business in a log.
    tracing::info!(kind, deleted, "housekeeping");
    Ok(())
}
