//! The worker: a tokio task that claims jobs of the kinds it has handlers for, runs each in
//! its own task while renewing its lease, and finishes or fails it; it also enqueues the
//! periodic jobs that are due. Every app server runs one; on SQLite one job runs at a time.
//!
//! Stopping it (graceful shutdown) stops claiming and waits a grace period for the jobs in
//! hand; jobs still running then are abandoned, and their leases expire so another worker (or
//! this server after its restart) runs them again. A handler must therefore be idempotent by
//! its job's key: the simplest way is to do its database work in one transaction that also
//! marks the job done ([`JobContext::complete_in`]), so the work and the end of the job commit
//! together or not at all.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use domain::jobs::Backoff;
use time::Duration;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::{Failed, Job, Lease, Schedule};
use crate::{Db, Engine, StoreError, Ts, Tx};

/// Why a handler's attempt failed, as administrators will read it: ids and causes, never
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(pub String);

impl JobError {
    pub fn new(message: impl Into<String>) -> JobError {
        JobError(message.into())
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StoreError> for JobError {
    /// A database error, reduced to what carries no data: PostgreSQL's messages quote the
    /// values of a violated constraint ("Key (email)=(…) already exists"), so only the error's
    /// code and constraint are kept.
    fn from(e: StoreError) -> JobError {
        match e {
            StoreError::Database(sqlx::Error::Database(db)) => JobError(format!(
                "database error{}{}",
                db.code().map(|c| format!(" {c}")).unwrap_or_default(),
                db.constraint().map(|c| format!(" on {c}")).unwrap_or_default()
            )),
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                JobError::new("no database connection within the timeout")
            }
            StoreError::Database(sqlx::Error::Io(e)) => {
                JobError(format!("database I/O: {}", e.kind()))
            }
            StoreError::Database(_) => JobError::new("database error"),
            StoreError::Duplicate { field } => JobError(format!("duplicate {field}")),
            other => JobError::new(other.to_string()),
        }
    }
}

/// What a handler gets: the database and the job it holds.
pub struct JobContext {
    pub db: Db,
    lease: Lease,
}

impl JobContext {
    pub fn job(&self) -> &Job {
        &self.lease.job
    }

    /// The job's payload, decoded.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.lease.job.payload).map_err(|e| {
            JobError(format!("payload of {} does not decode: {e}", self.lease.job.kind))
        })
    }

    /// Marks the job done inside `tx`, the transaction of the handler's effect: commit `tx`
    /// after this and the effect happens exactly once, even if the job runs again after a lost
    /// lease. Fails when this worker no longer holds the job (its lease expired and another
    /// took it): then drop `tx`, and the effect with it.
    pub async fn complete_in(&self, tx: &mut Tx) -> Result<(), JobError> {
        if super::complete(tx, &self.lease, Ts::now()).await? {
            Ok(())
        } else {
            Err(JobError::new("the lease expired before the job finished; another worker has it"))
        }
    }
}

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type HandlerFn = dyn Fn(JobContext) -> HandlerFuture + Send + Sync;

/// The handlers of a runner, by kind, and the periodic jobs it enqueues.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<HandlerFn>>,
    schedules: Vec<Schedule>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Runs jobs of `kind` with `handler`. The handler must be idempotent by the job's key.
    pub fn handle<F, Fut>(mut self, kind: &'static str, handler: F) -> Registry
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        assert!(domain::jobs::is_valid_kind(kind), "job kind {kind:?}");
        self.handlers.insert(kind, Arc::new(move |ctx| Box::pin(handler(ctx))));
        self
    }

    /// Enqueues a job of `schedule.name` every period (its handler is registered separately).
    pub fn every(mut self, schedule: Schedule) -> Registry {
        self.schedules.push(schedule);
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}

/// How a runner works.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    /// Jobs run at once by this runner.
    pub concurrency: usize,
    /// How often an idle runner looks for work.
    pub poll_interval: StdDuration,
    /// How long a claimed job stays this runner's without renewal; renewed every third of it.
    pub lease: Duration,
    pub backoff: Backoff,
    /// How long a stopping runner waits for the jobs in hand.
    pub grace: StdDuration,
}

impl RunnerOptions {
    /// One job at a time on SQLite (one writer anyway), four on PostgreSQL.
    pub fn for_engine(engine: Engine) -> RunnerOptions {
        RunnerOptions {
            concurrency: match engine {
                Engine::Sqlite => 1,
                Engine::Postgres => 4,
            },
            poll_interval: StdDuration::from_secs(1),
            lease: domain::jobs::DEFAULT_LEASE,
            backoff: Backoff::default(),
            grace: StdDuration::from_secs(10),
        }
    }
}

/// A runner to start.
pub struct Runner {
    db: Db,
    registry: Arc<Registry>,
    options: RunnerOptions,
    worker: String,
}

/// A started runner. Dropping it stops the runner as [`RunnerHandle::stop`] does, without
/// waiting for it.
pub struct RunnerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    worker: String,
}

impl Runner {
    pub fn new(db: Db, registry: Registry, options: RunnerOptions) -> Runner {
        // A fresh name per start: a restarted server must not pass for the worker that held
        // jobs before it died.
        let worker = format!("worker-{}", uuid::Uuid::now_v7().simple());
        Runner { db, registry: Arc::new(registry), options, worker }
    }

    /// The name this runner's claims carry (`locked_by`).
    pub fn worker(&self) -> &str {
        &self.worker
    }

    pub fn spawn(self) -> RunnerHandle {
        let (stop, stopped) = watch::channel(false);
        let worker = self.worker.clone();
        let task = tokio::spawn(self.run(stopped));
        RunnerHandle { stop, task, worker }
    }

    async fn run(self, mut stop: watch::Receiver<bool>) {
        let kinds = self.registry.kinds();
        tracing::info!(worker = %self.worker, kinds = ?kinds, concurrency = self.options.concurrency, "job runner started");
        let now = Ts::now();
        for schedule in &self.registry.schedules {
            if let Err(e) = super::ensure_schedule(&self.db, schedule, now).await {
                tracing::warn!(schedule = schedule.name, error = %JobError::from(e), "cannot record the schedule");
            }
        }
        let mut in_hand: JoinSet<()> = JoinSet::new();
        let mut last_upkeep: Option<tokio::time::Instant> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            // Schedules and expired last attempts are looked at once per poll interval, not
            // before every claim of a busy queue.
            if last_upkeep.is_none_or(|at| at.elapsed() >= self.options.poll_interval) {
                self.upkeep().await;
                last_upkeep = Some(tokio::time::Instant::now());
            }
            let claimed = self.claim_into(&mut in_hand, &kinds).await;
            // A full batch suggests more work waits: look again at once (after a slot frees).
            let free = self.options.concurrency.saturating_sub(in_hand.len());
            if claimed > 0 && free > 0 {
                continue;
            }
            let handle_dropped = tokio::select! {
                changed = stop.changed() => changed.is_err(),
                Some(_) = in_hand.join_next(), if !in_hand.is_empty() => false,
                () = tokio::time::sleep(self.options.poll_interval) => false,
            };
            // A dropped handle can no longer stop the runner: take it as the stop, rather than
            // wake at once on every turn of the loop.
            if handle_dropped {
                break;
            }
        }
        // Let the jobs in hand finish, for a while; the rest are dropped (aborted) and their
        // leases will expire.
        let waited = tokio::time::timeout(self.options.grace, async {
            while in_hand.join_next().await.is_some() {}
        })
        .await;
        if waited.is_err() {
            tracing::warn!(worker = %self.worker, abandoned = in_hand.len(), "job runner stopped with jobs in hand; they will run again");
        }
        tracing::info!(worker = %self.worker, "job runner stopped");
    }

    /// Enqueues due periodic jobs and reaps expired last attempts. Errors are logged: the loop
    /// goes on.
    async fn upkeep(&self) {
        let now = Ts::now();
        for schedule in &self.registry.schedules {
            match super::enqueue_if_due(&self.db, schedule, now).await {
                Ok(Some(period)) => {
                    tracing::debug!(schedule = schedule.name, due = %period.due.canonical(), "periodic job enqueued")
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(schedule = schedule.name, error = %JobError::from(e), "cannot enqueue the periodic job")
                }
            }
        }
        match super::reap_expired(&self.db, now).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                jobs = n,
                "jobs dead after their worker stopped during the last attempt"
            ),
            Err(e) => tracing::warn!(error = %JobError::from(e), "cannot reap expired jobs"),
        }
    }

    /// Claims what the free slots can take and starts each job. Returns how many were claimed.
    async fn claim_into(&self, in_hand: &mut JoinSet<()>, kinds: &[&'static str]) -> usize {
        // Finished tasks free their slots.
        while in_hand.try_join_next().is_some() {}
        let now = Ts::now();
        let free = self.options.concurrency.saturating_sub(in_hand.len());
        if free == 0 {
            return 0;
        }
        let leases = match super::claim(
            &self.db,
            &self.worker,
            kinds,
            free,
            self.options.lease,
            now,
        )
        .await
        {
            Ok(leases) => leases,
            Err(e) => {
                tracing::warn!(error = %JobError::from(e), "cannot claim jobs");
                return 0;
            }
        };
        let claimed = leases.len();
        for lease in leases {
            let Some(handler) = self.registry.handlers.get(lease.job.kind.as_str()).cloned() else {
                // Claimed by kind, so a handler exists; kept as a guard.
                continue;
            };
            in_hand.spawn(run_one(self.db.clone(), lease, handler, self.options.clone()));
        }
        claimed
    }
}

/// Aborts a task when dropped: a handler's task dies with the attempt that runs it.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One attempt: the handler in its own task (so that a panic is an error, not a dead worker),
/// the lease renewed meanwhile, then the job finished or failed.
async fn run_one(db: Db, lease: Lease, handler: Arc<HandlerFn>, options: RunnerOptions) {
    let (id, kind, attempt) = (lease.job.id, lease.job.kind.clone(), lease.job.attempts);
    tracing::debug!(job_id = %id, kind = %kind, attempt, "job started");
    let ctx = JobContext { db: db.clone(), lease: lease.clone() };
    let mut task = AbortOnDrop(tokio::spawn(handler(ctx)));
    let renew_every: Duration = (options.lease / 3_i32).max(Duration::milliseconds(10));
    let renew_every = StdDuration::try_from(renew_every).unwrap_or(StdDuration::from_secs(1));
    let mut renew =
        tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
    let outcome = loop {
        tokio::select! {
            joined = &mut task.0 => break joined,
            _ = renew.tick() => {
                match super::extend_lease(&db, &lease, options.lease, Ts::now()).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job_id = %id, kind = %kind, "job lease lost while running"),
                    Err(e) => tracing::warn!(job_id = %id, error = %JobError::from(e), "cannot renew the job lease"),
                }
            }
        }
    };
    let result = match outcome {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(JobError::new("the handler panicked")),
        Err(_) => Err(JobError::new("the handler was cancelled")),
    };
    let now = Ts::now();
    match result {
        Ok(()) => match super::complete(&db, &lease, now).await {
            Ok(true) => tracing::info!(job_id = %id, kind = %kind, attempt, "job done"),
            // Finished by the handler in its own transaction (or, rarely, taken by another
            // worker after a lost lease: then that worker's outcome stands).
            Ok(false) => {
                tracing::info!(job_id = %id, kind = %kind, attempt, "job finished by its handler")
            }
            Err(e) => {
                tracing::warn!(job_id = %id, error = %JobError::from(e), "cannot mark the job done; it will run again")
            }
        },
        Err(error) => match super::fail(&db, &lease, &error.0, &options.backoff, now).await {
            Ok(Failed::Retry(at)) => {
                tracing::warn!(job_id = %id, kind = %kind, attempt, retry_at = %at.canonical(), error = %error, "job failed; will retry")
            }
            Ok(Failed::Dead) => {
                tracing::error!(job_id = %id, kind = %kind, attempt, error = %error, "job failed its last attempt")
            }
            Ok(Failed::LeaseLost) => {
                tracing::warn!(job_id = %id, kind = %kind, error = %error, "job failed after its lease was lost")
            }
            Err(e) => {
                tracing::warn!(job_id = %id, error = %JobError::from(e), "cannot record the job's failure")
            }
        },
    }
}

impl RunnerHandle {
    /// This runner's worker name, as jobs' `locked_by` shows it.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Stops claiming, waits for the jobs in hand (up to the grace period), and returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Ends the runner at once, as a killed process would: jobs in hand stop where they are,
    /// finish nothing, and keep their leases until they expire.
    pub fn abort(self) {
        self.task.abort();
    }
}
