//! The daily retention job (`retention_run`, ADR 0034): for every organisation, brings the
//! review list up to date and anonymises or archives what may run, one person per transaction;
//! then deletes from the file store the files those anonymisations unlinked. The same run backs
//! `passerelle retention run [--dry-run]`.

use std::io::ErrorKind;

use domain::erasure::ERASURE_SCRUB_JOB;
use domain::retention::{RETENTION_EVERY_MINUTES, RETENTION_JOB};
use files::FileStore;
use store::audit::purge::{Purge, purge_access_log};
use store::jobs::Schedule;
use store::jobs::runner::{JobContext, JobError, Registry};
use store::retention::{self, RunCounts, RunOptions};
use store::{Db, StoreError, Ts};

/// Files deleted at a time.
const FILE_PAGE: i64 = 200;

/// What a run of every organisation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    pub counts: RunCounts,
    /// Files deleted from the file store (unlinked by this run or an earlier one).
    pub files_deleted: u64,
    /// Files that could not be deleted: retried by the next run.
    pub files_failed: u64,
    /// Audit events purged past the access-log period, over every chain (ADR 0040).
    pub audit_purged: u64,
    /// Chains whose old events do not verify: nothing purged (`passerelle audit verify`).
    pub audit_refused: u64,
}

/// Adds the daily retention job and its schedule, and the scrub after an erasure, to
/// `registry`.
pub fn register(registry: Registry, files: FileStore) -> Registry {
    let scrub_files = files.clone();
    registry
        .handle(RETENTION_JOB, move |ctx| job(files.clone(), ctx))
        .every(Schedule::new(RETENTION_JOB, RETENTION_EVERY_MINUTES))
        .handle(ERASURE_SCRUB_JOB, move |ctx| scrub(scrub_files.clone(), ctx))
}

/// The payload of [`ERASURE_SCRUB_JOB`]: the tables the erasure changed.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ScrubPayload {
    pub tables: Vec<String>,
}

/// After an erasure (ADR 0036): deletes the files it recorded, then removes what the engine
/// keeps of the deleted rows. Only tables of the inventory are named to the engine.
async fn scrub(files: FileStore, ctx: JobContext) -> Result<(), JobError> {
    let payload: ScrubPayload = ctx.payload()?;
    let (_, failed) = delete_files(&ctx.db, &files).await?;
    if failed > 0 {
        return Err(JobError("a file of an erasure could not be deleted yet".to_owned()));
    }
    let tables: std::collections::BTreeMap<&'static str, u64> = domain::inventory::tables()
        .filter(|t| payload.tables.iter().any(|n| n == t.name))
        .map(|t| (t.name, 1))
        .collect();
    if !store::erasure::scrub_storage(&ctx.db, &tables).await? {
        return Err(JobError("the storage could not be scrubbed yet (busy)".to_owned()));
    }
    let mut tx = ctx.db.begin_write().await?;
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(tables = tables.len(), "storage scrubbed after an erasure");
    Ok(())
}

async fn job(files: FileStore, ctx: JobContext) -> Result<(), JobError> {
    let report = run_all(&ctx.db, Some(&files), Ts::now(), RunOptions::default()).await?;
    let mut tx = ctx.db.begin_write().await?;
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    // Counts only: who is on the list is for the DPO's page.
    let c = report.counts;
    tracing::info!(
        due = c.due,
        listed = c.listed,
        anonymised = c.anonymised,
        archived = c.archived,
        postponed = c.postponed,
        held = c.held,
        waiting = c.waiting,
        files_deleted = report.files_deleted,
        files_failed = report.files_failed,
        audit_purged = report.audit_purged,
        audit_refused = report.audit_refused,
        "retention run"
    );
    Ok(())
}

/// Runs retention for every organisation on the day `now` falls in (each in its own zone),
/// then deletes the unlinked files (none on a dry run, or without a file store).
pub async fn run_all(
    db: &Db,
    files: Option<&FileStore>,
    now: Ts,
    options: RunOptions,
) -> Result<RunReport, StoreError> {
    let mut report = RunReport::default();
    let organisations = retention::organisations(db).await?;
    for (org, zone) in &organisations {
        let counts = retention::run_organisation(db, *org, zone, now, options).await?;
        report.counts.add(counts);
    }
    // The access log, after the run's own events are in it.
    let chains = organisations.iter().map(|(o, z)| Some((*o, z.as_str()))).chain([None]);
    for chain in chains {
        match purge_access_log(db, chain, now, options.dry_run).await? {
            Purge::Nothing => {}
            Purge::Done(anchor) => report.audit_purged += anchor.purged as u64,
            Purge::Refused(at) => {
                report.audit_refused += 1;
                tracing::warn!(seq = at.seq, problem = %at.problem, "an audit chain does not verify: its old events are not purged");
            }
        }
    }
    if let (false, Some(files)) = (options.dry_run, files) {
        let (deleted, failed) = delete_files(db, files).await?;
        report.files_deleted = deleted;
        report.files_failed = failed;
    }
    Ok(report)
}

/// Deletes the recorded files from the file store, forgetting each once gone (an object
/// already missing counts as deleted). A failure stops the pass: the rest waits for the next.
pub async fn delete_files(db: &Db, files: &FileStore) -> Result<(u64, u64), StoreError> {
    let mut deleted = 0;
    loop {
        let names = retention::pending_file_deletions(db, FILE_PAGE).await?;
        if names.is_empty() {
            return Ok((deleted, 0));
        }
        for name in &names {
            match files.delete(name).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(error.kind = %e.kind(), "a file unlinked by anonymisation could not be deleted; the next run retries");
                    return Ok((deleted, 1));
                }
            }
            retention::file_deleted(db, name).await?;
            deleted += 1;
        }
    }
}
