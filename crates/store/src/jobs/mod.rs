//! The job queue: jobs are rows, enqueued in the transaction of the change that causes them
//! (an outbox), claimed by workers for a lease, finished, failed with back-off, or dead after
//! their last attempt; periodic jobs come from a schedule that only one server advances per
//! period. The rules (states, back-off, periods) are in [`domain::jobs`]; the worker loop is
//! [`runner`]; the instance's own periodic work is [`housekeeping`].
//!
//! On PostgreSQL several servers claim at once: `FOR UPDATE SKIP LOCKED` hands each one
//! different rows. On SQLite one statement at a time writes, so the claim's single
//! `UPDATE … RETURNING` is atomic by itself.

pub mod housekeeping;
pub mod runner;

use domain::JobId;
use domain::jobs::{AfterFailure, Backoff, JobState, after_failure, error_summary, next_period};
use time::Duration;
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Db, Exec, StoreError, Ts, Tx};

/// The columns of [`Job`], in its order.
macro_rules! job_columns {
    () => {
        "id, kind, key, payload, state, attempts, max_attempts, run_at, locked_by, locked_until, \
         last_error, created_at, updated_at, finished_at"
    };
}

/// The pending states, as SQL: must match `jobs_pending_key_idx` word for word, so that
/// PostgreSQL infers that index for `ON CONFLICT`.
const PENDING: &str = "state IN ('queued', 'running', 'failed')";

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    #[sqlx(try_from = "Uuid")]
    pub id: JobId,
    pub kind: String,
    pub key: String,
    /// JSON text.
    pub payload: String,
    #[sqlx(try_from = "String")]
    pub state: JobState,
    /// Attempts begun, the running one included.
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: Ts,
    pub locked_by: Option<String>,
    pub locked_until: Option<Ts>,
    pub last_error: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub finished_at: Option<Ts>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// Ids and dates only: it is shown on the admin page.
    pub key: &'a str,
    pub payload: serde_json::Value,
    /// Not before this time (`None`: as soon as a worker is free).
    pub run_at: Option<Ts>,
    pub max_attempts: i64,
}

impl<'a> NewJob<'a> {
    /// A job to run now, with no payload and the default number of attempts.
    pub fn new(kind: &'a str, key: &'a str) -> NewJob<'a> {
        NewJob {
            kind,
            key,
            payload: serde_json::Value::Null,
            run_at: None,
            max_attempts: domain::jobs::DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn payload(self, payload: serde_json::Value) -> Self {
        NewJob { payload, ..self }
    }

    /// A scheduled job: not run before `at`.
    pub fn run_at(self, at: Ts) -> Self {
        NewJob { run_at: Some(at), ..self }
    }

    pub fn max_attempts(self, max_attempts: i64) -> Self {
        NewJob { max_attempts: max_attempts.max(1), ..self }
    }
}

/// Enqueues a job in `tx`, the transaction of the change that causes it: it exists if and only
/// if the change commits. Returns its id, or `None` when a job of the same kind and key is
/// still pending (queued, running or waiting for a retry): that one will do the work.
#[tracing::instrument(skip_all, fields(kind = job.kind))]
pub async fn enqueue(tx: &mut Tx, job: &NewJob<'_>, now: Ts) -> Result<Option<JobId>, StoreError> {
    debug_assert!(domain::jobs::is_valid_kind(job.kind), "job kind {:?}", job.kind);
    let id = JobId::new();
    let sql = format!(
        "INSERT INTO jobs (id, kind, key, payload, state, attempts, max_attempts, run_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $7, $7) \
         ON CONFLICT (kind, key) WHERE {PENDING} DO NOTHING RETURNING id"
    );
    let inserted: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        tx,
        &sql,
        id.as_uuid(),
        job.kind,
        job.key,
        job.payload.to_string(),
        job.max_attempts.max(1),
        job.run_at.unwrap_or(now),
        now,
    )?;
    Ok(inserted.map(JobId::from_uuid))
}

/// What a worker holds: the job as claimed, and the proof that it still holds it. Every
/// change a worker makes to the job checks both the worker and the attempt, so a worker whose
/// lease expired (and whose job another took) changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub job: Job,
    pub worker: String,
}

impl Lease {
    fn attempt(&self) -> i64 {
        self.job.attempts
    }
}

/// Takes up to `limit` jobs of `kinds` for `worker` until `now + lease`: jobs due (queued, or
/// failed and waiting for their retry time) and jobs whose worker's lease expired (it died or
/// lost the database) with attempts left. Each attempt is counted as it begins. Oldest due first.
#[tracing::instrument(skip_all)]
pub async fn claim(
    db: &Db,
    worker: &str,
    kinds: &[&str],
    limit: usize,
    lease: Duration,
    now: Ts,
) -> Result<Vec<Lease>, StoreError> {
    if kinds.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let exec = Exec::from(db);
    let lock = crate::dialect::skip_locked(&exec);
    let mut args = vec![
        Arg::Text(worker.to_owned()),
        Arg::Ts(Ts::from(now.get() + lease)),
        Arg::Ts(now),
        Arg::Int(limit as i64),
    ];
    let mut placeholders = Vec::with_capacity(kinds.len());
    for kind in kinds {
        args.push(Arg::Text((*kind).to_owned()));
        placeholders.push(format!("${}", args.len()));
    }
    // Only placeholder numbers and the dialect's fixed clause are formatted in.
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, \
         locked_until = $2, updated_at = $3 \
         WHERE id IN (SELECT id FROM jobs WHERE kind IN ({kinds}) AND (\
           (state IN ('queued', 'failed') AND run_at <= $3) \
           OR (state = 'running' AND locked_until <= $3 AND attempts < max_attempts)) \
         ORDER BY run_at, id LIMIT $4{lock}) \
         RETURNING {columns}",
        kinds = placeholders.join(", "),
        columns = job_columns!(),
    );
    let jobs: Vec<Job> = sql!(dyn as Job, fetch_all, exec, &sql, args)?;
    Ok(jobs.into_iter().map(|job| Lease { job, worker: worker.to_owned() }).collect())
}

/// Sends to the dead letters the jobs whose worker's lease expired during their last attempt:
/// nothing would claim them again. Returns how many.
#[tracing::instrument(skip_all)]
pub async fn reap_expired(db: &Db, now: Ts) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        db,
        "UPDATE jobs SET state = 'dead', locked_by = NULL, locked_until = NULL, \
         last_error = $2, updated_at = $1, finished_at = $1 \
         WHERE state = 'running' AND locked_until <= $1 AND attempts >= max_attempts",
        now,
        "the worker stopped during the last attempt (its lease expired)",
    )?)
}

/// Marks the job done, if `lease` still holds it. Called by the runner after the handler, or
/// by the handler itself inside the transaction of its effect, so that the effect and the end
/// of the job commit together (then a worker that lost its lease rolls its effect back).
#[tracing::instrument(skip_all)]
pub async fn complete<'c>(
    exec: impl Into<Exec<'c>>,
    lease: &Lease,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, \
         updated_at = $1, finished_at = $1 \
         WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
        now,
        lease.job.id.as_uuid(),
        &lease.worker,
        lease.attempt(),
    )?;
    Ok(n == 1)
}

/// What [`fail`] did with the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Another attempt at this time.
    Retry(Ts),
    Dead,
    /// The lease had expired: the job is someone else's now, nothing was changed.
    LeaseLost,
}

/// Records a failed attempt, if `lease` still holds the job: it is tried again after the
/// back-off, or goes dead after its last attempt. `error` is kept (on one line, bounded) and
/// shown to administrators: it must not hold personal data.
#[tracing::instrument(skip_all)]
pub async fn fail<'c>(
    exec: impl Into<Exec<'c>>,
    lease: &Lease,
    error: &str,
    backoff: &Backoff,
    now: Ts,
) -> Result<Failed, StoreError> {
    let outcome = after_failure(lease.attempt(), lease.job.max_attempts, backoff, now.get());
    let (state, run_at, finished_at, result) = match outcome {
        AfterFailure::RetryAt(at) => {
            let at = Ts::from(at);
            (JobState::Failed, at, None, Failed::Retry(at))
        }
        AfterFailure::Dead => (JobState::Dead, lease.job.run_at, Some(now), Failed::Dead),
    };
    let n = sql!(
        execute,
        exec,
        "UPDATE jobs SET state = $1, run_at = $2, finished_at = $3, last_error = $4, \
         locked_by = NULL, locked_until = NULL, updated_at = $5 \
         WHERE id = $6 AND state = 'running' AND locked_by = $7 AND attempts = $8",
        state.as_str(),
        run_at,
        finished_at,
        error_summary(error),
        now,
        lease.job.id.as_uuid(),
        &lease.worker,
        lease.attempt(),
    )?;
    Ok(if n == 1 { result } else { Failed::LeaseLost })
}

/// Keeps the job for `lease` more from `now`, if the worker still holds it: a worker renews
/// while its handler runs, so only a dead worker's job is taken by another.
#[tracing::instrument(skip_all)]
pub async fn extend_lease<'c>(
    exec: impl Into<Exec<'c>>,
    lease: &Lease,
    duration: Duration,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE jobs SET locked_until = $1, updated_at = $2 \
         WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempts = $5",
        Ts::from(now.get() + duration),
        now,
        lease.job.id.as_uuid(),
        &lease.worker,
        lease.attempt(),
    )?;
    Ok(n == 1)
}

/// Sends a failed, dead or cancelled job back to the queue, to run now with its attempts
/// afresh (the administrator's "retry"). Returns `false` when the job is unknown or not in a
/// state to retry (a worker took it meanwhile, say); [`StoreError::Duplicate`] when another
/// job of its kind and key is pending, which will do the same work.
#[tracing::instrument(skip_all)]
pub async fn retry<'c>(exec: impl Into<Exec<'c>>, id: JobId, now: Ts) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_by = NULL, \
         locked_until = NULL, finished_at = NULL, updated_at = $1 \
         WHERE id = $2 AND state IN ('failed', 'dead', 'cancelled')",
        now,
        id.as_uuid(),
    )
    .map_err(|e| {
        StoreError::on_unique(e, &[("jobs_pending_key_idx", "jobs.kind, jobs.key", "key")])
    })?;
    Ok(n == 1)
}

/// Cancels a job no worker has taken (queued, or waiting for a retry). Returns `false` when
/// the job is unknown or past that point.
#[tracing::instrument(skip_all)]
pub async fn cancel<'c>(exec: impl Into<Exec<'c>>, id: JobId, now: Ts) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE jobs SET state = 'cancelled', finished_at = $1, updated_at = $1 \
         WHERE id = $2 AND state IN ('queued', 'failed')",
        now,
        id.as_uuid(),
    )?;
    Ok(n == 1)
}

#[tracing::instrument(skip_all)]
pub async fn find<'c>(exec: impl Into<Exec<'c>>, id: JobId) -> Result<Option<Job>, StoreError> {
    Ok(sql!(
        as Job,
        fetch_optional,
        exec,
        concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1"),
        id.as_uuid(),
    )?)
}

/// How many jobs are in each state, every state listed (zero included), in [`JobState::ALL`]'s
/// order.
#[tracing::instrument(skip_all)]
pub async fn counts<'c>(exec: impl Into<Exec<'c>>) -> Result<Vec<(JobState, i64)>, StoreError> {
    let rows: Vec<(String, i64)> =
        sql!(as (String, i64), fetch_all, exec, "SELECT state, count(*) FROM jobs GROUP BY state")?;
    Ok(JobState::ALL
        .into_iter()
        .map(|s| (s, rows.iter().find(|(code, _)| code == s.as_str()).map_or(0, |(_, n)| *n)))
        .collect())
}

/// The most jobs one page lists.
pub const LIST_MAX_LIMIT: usize = 200;

/// One page of jobs in a state, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPage {
    pub jobs: Vec<Job>,
    /// Where the next page starts (pass it as `before`), when there is one.
    pub next: Option<JobId>,
}

/// Jobs in `state`, newest first, `limit` at most (1 to [`LIST_MAX_LIMIT`]), older than
/// `before` (keyset pagination on the time-ordered id: a page stays correct while jobs come
/// and go).
#[tracing::instrument(skip_all)]
pub async fn list<'c>(
    exec: impl Into<Exec<'c>>,
    state: JobState,
    before: Option<JobId>,
    limit: usize,
) -> Result<JobPage, StoreError> {
    let limit = limit.clamp(1, LIST_MAX_LIMIT);
    // One more than the page, to know whether another follows.
    let fetch = limit as i64 + 1;
    let mut jobs: Vec<Job> = match before {
        None => sql!(
            as Job,
            fetch_all,
            exec,
            concat!("SELECT ", job_columns!(), " FROM jobs WHERE state = $1 ORDER BY id DESC LIMIT $2"),
            state.as_str(),
            fetch,
        )?,
        Some(before) => sql!(
            as Job,
            fetch_all,
            exec,
            concat!(
                "SELECT ",
                job_columns!(),
                " FROM jobs WHERE state = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
            ),
            state.as_str(),
            before.as_uuid(),
            fetch,
        )?,
    };
    let next = if jobs.len() > limit {
        jobs.truncate(limit);
        jobs.last().map(|j| j.id)
    } else {
        None
    };
    Ok(JobPage { jobs, next })
}

/// Deletes jobs finished (done or cancelled) before `done_before`, and dead ones before
/// `dead_before` (kept longer: someone may still want to retry them). Returns how many.
#[tracing::instrument(skip_all)]
pub async fn purge_finished<'c>(
    exec: impl Into<Exec<'c>>,
    done_before: Ts,
    dead_before: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "DELETE FROM jobs WHERE (state IN ('done', 'cancelled') AND finished_at < $1) \
         OR (state = 'dead' AND finished_at < $2)",
        done_before,
        dead_before,
    )?)
}

/// A periodic job: the job of kind `name` is enqueued every `every_minutes`, once per period
/// across all servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub name: &'static str,
    pub every_minutes: i64,
}

impl Schedule {
    pub const fn new(name: &'static str, every_minutes: i64) -> Schedule {
        Schedule { name, every_minutes }
    }

    fn every(&self) -> Duration {
        Duration::minutes(self.every_minutes.max(1))
    }
}

/// Records the schedule (first due at `now`); a changed period replaces the stored one and
/// takes effect from the next run.
#[tracing::instrument(skip_all)]
pub async fn ensure_schedule<'c>(
    exec: impl Into<Exec<'c>>,
    schedule: &Schedule,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO job_schedules (name, every_minutes, next_run_at, updated_at) \
         VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO UPDATE SET \
         every_minutes = excluded.every_minutes, updated_at = excluded.updated_at \
         WHERE job_schedules.every_minutes <> excluded.every_minutes",
        schedule.name,
        schedule.every_minutes.max(1),
        now,
    )?;
    Ok(())
}

/// A period a server won: its due time, and the job enqueued for it (`None` if a job with the
/// period's key was still pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub due: Ts,
    pub job: Option<JobId>,
}

/// If the periodic job is due at `now`, moves its schedule to the next period and enqueues the
/// period's job, in one transaction. The move is conditional on the due time read, so when
/// several servers try at once exactly one succeeds; the others find it moved and do nothing.
/// Returns the period, if this call won it.
#[tracing::instrument(skip_all, fields(schedule = schedule.name))]
pub async fn enqueue_if_due(
    db: &Db,
    schedule: &Schedule,
    now: Ts,
) -> Result<Option<Period>, StoreError> {
    // Read outside a write transaction first: most calls find nothing due, and on SQLite a
    // write transaction would take the database's one write lock for nothing.
    let due: Option<Ts> = sql!(
        scalar Ts,
        fetch_optional,
        db,
        "SELECT next_run_at FROM job_schedules WHERE name = $1 AND next_run_at <= $2",
        schedule.name,
        now,
    )?;
    let Some(due) = due else { return Ok(None) };
    let mut tx = db.begin_write().await?;
    let next = Ts::from(next_period(due.get(), schedule.every(), now.get()));
    let moved = sql!(
        execute,
        &mut tx,
        "UPDATE job_schedules SET next_run_at = $1, last_enqueued_at = $2, updated_at = $2 \
         WHERE name = $3 AND next_run_at = $4",
        next,
        now,
        schedule.name,
        due,
    )?;
    if moved != 1 {
        return Ok(None);
    }
    // The key names the period, so even a schedule reset by hand cannot enqueue one period
    // twice while its job is pending.
    let key = format!("{}@{}", schedule.name, due.canonical());
    let job = NewJob::new(schedule.name, &key)
        .payload(serde_json::json!({ "due_at": due.canonical() }))
        .max_attempts(3);
    let job = enqueue(&mut tx, &job, now).await?;
    tx.commit().await?;
    Ok(Some(Period { due, job }))
}
