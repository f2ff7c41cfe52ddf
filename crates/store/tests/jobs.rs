//! The job queue and its runner on both engines: the outbox, claims, back-off and dead
//! letters, scheduled and periodic jobs, leases that expire, and at-least-once delivery whose
//! effects still happen once — with two runners on one database as two app servers would be.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use domain::JobId;
use domain::jobs::{Backoff, JobState};
use store::jobs::runner::{JobContext, JobError, Registry, Runner, RunnerOptions};
use store::jobs::{self, Failed, NewJob, Schedule};
use store::{Db, StoreError, Ts, Tx};
use testkit::engine_tests;
use time::Duration;
use time::macros::datetime;
use tokio::sync::Notify;

fn at(seconds: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + Duration::seconds(seconds))
}

const KINDS: &[&str] = &["test.effect", "test.other"];

async fn enqueue(db: &Db, job: NewJob<'_>, now: Ts) -> Option<JobId> {
    let mut tx = db.begin_write().await.unwrap();
    let id = jobs::enqueue(&mut tx, &job, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn state_of(db: &Db, id: JobId) -> jobs::Job {
    jobs::find(db, id).await.unwrap().expect("the job exists")
}

async fn raw(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
    }
    .unwrap();
}

/// Tables that count what the test handlers did: `test_starts` one row per attempt begun
/// (written at once, outside any transaction: a killed attempt leaves its row), `test_effects`
/// how many times each key's effect committed.
async fn effect_tables(db: &Db) {
    raw(db, "CREATE TABLE test_starts (key TEXT NOT NULL, worker TEXT NOT NULL)").await;
    raw(db, "CREATE TABLE test_effects (key TEXT NOT NULL PRIMARY KEY, runs BIGINT NOT NULL)")
        .await;
}

async fn record_start(db: &Db, key: &str, worker: &str) {
    let sql = "INSERT INTO test_starts (key, worker) VALUES ($1, $2)";
    match db {
        Db::Sqlite(p) => sqlx::query(sql).bind(key).bind(worker).execute(p).await.map(drop),
        Db::Postgres(p) => sqlx::query(sql).bind(key).bind(worker).execute(p).await.map(drop),
    }
    .unwrap();
}

/// The effect of a job, in the handler's transaction: counted per key, so a second effect
/// shows as `runs = 2`.
async fn record_effect(tx: &mut Tx, key: &str) -> Result<(), JobError> {
    let sql = "INSERT INTO test_effects (key, runs) VALUES ($1, 1) \
               ON CONFLICT (key) DO UPDATE SET runs = test_effects.runs + 1";
    match tx {
        Tx::Sqlite(t) => sqlx::query(sql).bind(key).execute(&mut **t).await.map(drop),
        Tx::Postgres(t) => sqlx::query(sql).bind(key).execute(&mut **t).await.map(drop),
    }
    .map_err(|e| JobError::from(StoreError::from(e)))
}

/// The idempotent test handler: notes its start, then commits its effect and the end of its
/// job together.
async fn effect_handler(ctx: JobContext, worker: String) -> Result<(), JobError> {
    let key = ctx.job().key.clone();
    record_start(&ctx.db, &key, &worker).await;
    let mut tx = ctx.db.begin_write().await?;
    record_effect(&mut tx, &key).await?;
    ctx.complete_in(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .unwrap()
}

async fn count_state(db: &Db, state: JobState) -> i64 {
    jobs::counts(db).await.unwrap().into_iter().find(|(s, _)| *s == state).unwrap().1
}

/// Waits until `done` holds, polling; panics with `what` after `limit`.
async fn wait_until<F, Fut>(limit: StdDuration, what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting: {what}");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

fn quick(concurrency: usize) -> RunnerOptions {
    RunnerOptions {
        concurrency,
        poll_interval: StdDuration::from_millis(20),
        lease: Duration::seconds(60),
        backoff: Backoff { base: Duration::milliseconds(50), cap: Duration::milliseconds(200) },
        grace: StdDuration::from_secs(5),
    }
}

/// A runner of the effect handler on its own pool (its own "server").
async fn effect_runner(
    db: &testkit::TestDb,
    options: RunnerOptions,
) -> (store::jobs::runner::RunnerHandle, String) {
    let pool = db.connect().await;
    // The runner's name is only known once it is made; the handler reads it from here.
    let name = Arc::new(std::sync::OnceLock::<String>::new());
    let known = name.clone();
    let registry = Registry::new().handle("test.effect", move |ctx| {
        effect_handler(ctx, known.get().cloned().unwrap_or_default())
    });
    let runner = Runner::new(pool, registry, options);
    name.set(runner.worker().to_owned()).unwrap();
    let worker = runner.worker().to_owned();
    (runner.spawn(), worker)
}

engine_tests! {
    async fn a_job_exists_only_if_the_transaction_that_enqueued_it_commits(db) {
        let db = db.migrated().await;
        let mut tx = db.begin_write().await.unwrap();
        let id = jobs::enqueue(&mut tx, &NewJob::new("test.effect", "person-1"), at(0)).await.unwrap();
        assert!(id.is_some());
        drop(tx);
        assert_eq!(count_state(&db, JobState::Queued).await, 0, "rolled back with its transaction");

        let id = enqueue(&db, NewJob::new("test.effect", "person-1").payload(serde_json::json!({"n": 1})), at(0)).await;
        let job = state_of(&db, id.unwrap()).await;
        assert_eq!((job.state, job.attempts, job.run_at), (JobState::Queued, 0, at(0)));
        assert_eq!(job.payload, r#"{"n":1}"#);
    }

    async fn a_key_is_enqueued_once_while_its_job_is_pending_and_again_once_it_is_done(db) {
        let db = db.migrated().await;
        let first = enqueue(&db, NewJob::new("test.effect", "k"), at(0)).await.unwrap();
        assert_eq!(enqueue(&db, NewJob::new("test.effect", "k"), at(1)).await, None, "queued");
        assert!(enqueue(&db, NewJob::new("test.other", "k"), at(1)).await.is_some(), "per kind");
        let lease = jobs::claim(&db, "w1", &["test.effect"], 10, Duration::minutes(1), at(2)).await.unwrap();
        assert_eq!(lease.len(), 1);
        assert_eq!(enqueue(&db, NewJob::new("test.effect", "k"), at(3)).await, None, "running");
        assert!(jobs::complete(&db, &lease[0], at(4)).await.unwrap());
        let again = enqueue(&db, NewJob::new("test.effect", "k"), at(5)).await;
        assert!(again.is_some_and(|id| id != first), "a done job's key is free again");
    }

    async fn a_failing_job_backs_off_exponentially_then_goes_to_the_dead_letters(db) {
        let db = db.migrated().await;
        let backoff = Backoff::default();
        let id = enqueue(&db, NewJob::new("test.effect", "k").max_attempts(3), at(0)).await.unwrap();
        let claim = |now: Ts| jobs::claim(&db, "w1", KINDS, 10, Duration::minutes(5), now);

        let lease = claim(at(0)).await.unwrap().remove(0);
        assert_eq!(lease.job.attempts, 1);
        let failed = jobs::fail(&db, &lease, "SMTP refused\nthe message", &backoff, at(1)).await.unwrap();
        assert_eq!(failed, Failed::Retry(at(31)));
        let job = state_of(&db, id).await;
        assert_eq!((job.state, job.last_error.as_deref()), (JobState::Failed, Some("SMTP refused the message")));
        assert_eq!(job.locked_by, None);
        assert!(claim(at(30)).await.unwrap().is_empty(), "not before its back-off");

        let lease = claim(at(31)).await.unwrap().remove(0);
        assert_eq!(lease.job.attempts, 2);
        assert_eq!(jobs::fail(&db, &lease, "again", &backoff, at(32)).await.unwrap(), Failed::Retry(at(92)));
        assert!(claim(at(91)).await.unwrap().is_empty(), "the second wait is twice the first");

        let lease = claim(at(92)).await.unwrap().remove(0);
        assert_eq!(lease.job.attempts, 3);
        assert_eq!(jobs::fail(&db, &lease, "and again", &backoff, at(93)).await.unwrap(), Failed::Dead);
        let job = state_of(&db, id).await;
        assert_eq!((job.state, job.attempts, job.finished_at), (JobState::Dead, 3, Some(at(93))));
        assert!(claim(at(100_000)).await.unwrap().is_empty(), "a dead job is never claimed");
    }

    async fn a_scheduled_job_waits_for_its_time_and_jobs_run_oldest_due_first(db) {
        let db = db.migrated().await;
        let later = enqueue(&db, NewJob::new("test.effect", "later").run_at(at(3600)), at(0)).await.unwrap();
        let now = enqueue(&db, NewJob::new("test.effect", "now"), at(10)).await.unwrap();
        let soon = enqueue(&db, NewJob::new("test.effect", "soon").run_at(at(5)), at(10)).await.unwrap();
        let claimed = jobs::claim(&db, "w1", KINDS, 10, Duration::minutes(5), at(20)).await.unwrap();
        let mut ids: Vec<(Ts, JobId)> = claimed.iter().map(|l| (l.job.run_at, l.job.id)).collect();
        ids.sort();
        assert_eq!(ids.iter().map(|(_, id)| *id).collect::<Vec<_>>(), vec![soon, now]);
        for lease in &claimed {
            assert!(jobs::complete(&db, lease, at(21)).await.unwrap());
        }
        let one = jobs::claim(&db, "w1", KINDS, 1, Duration::minutes(5), at(3599)).await.unwrap();
        assert!(one.is_empty(), "not a second early");
        let one = jobs::claim(&db, "w1", KINDS, 1, Duration::minutes(5), at(3600)).await.unwrap();
        assert_eq!(one[0].job.id, later);
    }

    async fn a_worker_claims_only_the_kinds_it_can_run(db) {
        let db = db.migrated().await;
        enqueue(&db, NewJob::new("test.other", "a"), at(0)).await.unwrap();
        let id = enqueue(&db, NewJob::new("test.effect", "b"), at(0)).await.unwrap();
        let claimed = jobs::claim(&db, "w1", &["test.effect"], 10, Duration::minutes(5), at(1)).await.unwrap();
        assert_eq!(claimed.iter().map(|l| l.job.id).collect::<Vec<_>>(), vec![id]);
        assert_eq!(count_state(&db, JobState::Queued).await, 1, "the other kind waits for its server");
    }

    async fn an_expired_lease_goes_to_another_worker_and_the_first_changes_nothing_after(db) {
        let db = db.migrated().await;
        let id = enqueue(&db, NewJob::new("test.effect", "k").max_attempts(2), at(0)).await.unwrap();
        let lease = Duration::seconds(60);
        let first = jobs::claim(&db, "w1", KINDS, 10, lease, at(0)).await.unwrap().remove(0);
        assert!(jobs::claim(&db, "w2", KINDS, 10, lease, at(59)).await.unwrap().is_empty(), "held");
        // w1 renews at 50 s: held until 110 s.
        assert!(jobs::extend_lease(&db, &first, lease, at(50)).await.unwrap());
        assert!(jobs::claim(&db, "w2", KINDS, 10, lease, at(109)).await.unwrap().is_empty(), "renewed");
        let second = jobs::claim(&db, "w2", KINDS, 10, lease, at(110)).await.unwrap().remove(0);
        assert_eq!((second.job.attempts, second.worker.as_str()), (2, "w2"));
        // w1 wakes up: it can neither finish, fail nor renew what is w2's.
        assert!(!jobs::complete(&db, &first, at(111)).await.unwrap());
        assert_eq!(jobs::fail(&db, &first, "late", &Backoff::default(), at(111)).await.unwrap(), Failed::LeaseLost);
        assert!(!jobs::extend_lease(&db, &first, lease, at(111)).await.unwrap());
        assert_eq!(state_of(&db, id).await.locked_by.as_deref(), Some("w2"));
        // w2 dies too, during the last attempt: nothing claims it again, it goes dead.
        assert!(jobs::claim(&db, "w3", KINDS, 10, lease, at(200)).await.unwrap().is_empty());
        assert_eq!(jobs::reap_expired(&db, at(169)).await.unwrap(), 0, "w2's lease still runs");
        assert_eq!(jobs::reap_expired(&db, at(170)).await.unwrap(), 1);
        let job = state_of(&db, id).await;
        assert_eq!(job.state, JobState::Dead);
        assert!(job.last_error.unwrap().contains("lease expired"));
    }

    async fn administrators_retry_and_cancel_only_what_the_state_allows(db) {
        let db = db.migrated().await;
        let id = enqueue(&db, NewJob::new("test.effect", "k").max_attempts(1), at(0)).await.unwrap();
        assert!(!jobs::retry(&db, id, at(1)).await.unwrap(), "a queued job is already on its way");
        assert!(jobs::cancel(&db, id, at(1)).await.unwrap());
        assert!(!jobs::cancel(&db, id, at(2)).await.unwrap(), "once");
        assert!(jobs::claim(&db, "w1", KINDS, 10, Duration::minutes(5), at(3)).await.unwrap().is_empty(), "cancelled");
        assert!(jobs::retry(&db, id, at(4)).await.unwrap());
        let job = state_of(&db, id).await;
        assert_eq!((job.state, job.attempts, job.run_at, job.finished_at), (JobState::Queued, 0, at(4), None));

        // Running: neither; dead: retried with its attempts afresh.
        let lease = jobs::claim(&db, "w1", KINDS, 10, Duration::minutes(5), at(5)).await.unwrap().remove(0);
        assert!(!jobs::cancel(&db, id, at(6)).await.unwrap());
        assert!(!jobs::retry(&db, id, at(6)).await.unwrap());
        assert_eq!(jobs::fail(&db, &lease, "no", &Backoff::default(), at(7)).await.unwrap(), Failed::Dead);
        // Meanwhile the same work was enqueued again: reviving the dead one would run it twice.
        let other = enqueue(&db, NewJob::new("test.effect", "k"), at(8)).await.unwrap();
        assert!(matches!(jobs::retry(&db, id, at(9)).await, Err(StoreError::Duplicate { field: "key" })));
        assert!(jobs::cancel(&db, other, at(10)).await.unwrap());
        assert!(jobs::retry(&db, id, at(11)).await.unwrap());
        assert!(!jobs::retry(&db, JobId::new(), at(12)).await.unwrap(), "unknown");
    }

    async fn jobs_are_counted_by_state_and_listed_newest_first_page_after_page(db) {
        let db = db.migrated().await;
        let mut queued = Vec::new();
        for i in 0..25 {
            queued.push(enqueue(&db, NewJob::new("test.effect", &format!("k{i}")), at(i)).await.unwrap());
        }
        for id in &queued[..3] {
            jobs::cancel(&db, *id, at(30)).await.unwrap();
        }
        let counts = jobs::counts(&db).await.unwrap();
        assert_eq!(counts.len(), JobState::ALL.len(), "every state, zeros included");
        assert_eq!(count_state(&db, JobState::Queued).await, 22);
        assert_eq!(count_state(&db, JobState::Cancelled).await, 3);
        assert_eq!(count_state(&db, JobState::Dead).await, 0);

        let mut seen = Vec::new();
        let mut before = None;
        let mut pages = 0;
        loop {
            let page = jobs::list(&db, JobState::Queued, before, 10).await.unwrap();
            seen.extend(page.jobs.iter().map(|j| j.id));
            pages += 1;
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        let mut expected = queued[3..].to_vec();
        expected.reverse();
        assert_eq!((pages, seen), (3, expected));
    }

    async fn finished_jobs_are_purged_after_their_keeping_time_and_pending_ones_never(db) {
        let db = db.migrated().await;
        let done = enqueue(&db, NewJob::new("test.effect", "done"), at(0)).await.unwrap();
        let dead = enqueue(&db, NewJob::new("test.effect", "dead").max_attempts(1), at(0)).await.unwrap();
        let waiting = enqueue(&db, NewJob::new("test.other", "waiting"), at(0)).await.unwrap();
        for lease in jobs::claim(&db, "w1", &["test.effect"], 10, Duration::minutes(5), at(1)).await.unwrap() {
            if lease.job.id == done {
                jobs::complete(&db, &lease, at(2)).await.unwrap();
            } else {
                jobs::fail(&db, &lease, "no", &Backoff::default(), at(2)).await.unwrap();
            }
        }
        assert_eq!(jobs::purge_finished(&db, at(2), at(2)).await.unwrap(), 0, "finished at 2, not before");
        assert_eq!(jobs::purge_finished(&db, at(3), at(0)).await.unwrap(), 1);
        assert!(jobs::find(&db, done).await.unwrap().is_none());
        assert!(jobs::find(&db, dead).await.unwrap().is_some(), "dead ones are kept longer");
        assert_eq!(jobs::purge_finished(&db, at(1_000_000), at(1_000_000)).await.unwrap(), 1);
        assert!(jobs::find(&db, waiting).await.unwrap().is_some());
    }

    async fn a_period_is_won_by_exactly_one_of_many_servers_trying_at_once(db) {
        let test_db = db;
        let db = test_db.migrated().await;
        let schedule = Schedule::new("test.effect", 60);
        jobs::ensure_schedule(&db, &schedule, at(0)).await.unwrap();
        // Eight "servers" (each its own pool) look at the same moment, three periods in a row.
        let mut pools = Vec::new();
        for _ in 0..8 {
            pools.push(test_db.connect().await);
        }
        for (period, now) in [(0, at(0)), (1, at(3600)), (2, at(7200 + 30))] {
            let tries: Vec<_> = pools
                .iter()
                .map(|pool| {
                    let pool = pool.clone();
                    tokio::spawn(async move { jobs::enqueue_if_due(&pool, &schedule, now).await.unwrap() })
                })
                .collect();
            let mut won = Vec::new();
            for t in tries {
                won.extend(t.await.unwrap());
            }
            assert_eq!(won.len(), 1, "period {period}: {won:?}");
            assert!(won[0].job.is_some());
            assert!(jobs::enqueue_if_due(&db, &schedule, now).await.unwrap().is_none(), "nothing left to win");
            // The period's job is done before the next one.
            for lease in jobs::claim(&db, "w", KINDS, 10, Duration::minutes(5), now).await.unwrap() {
                jobs::complete(&db, &lease, now).await.unwrap();
            }
        }
        assert!(jobs::enqueue_if_due(&db, &schedule, at(3 * 3600 - 1)).await.unwrap().is_none(), "the grid holds after a late run");
        assert_eq!(count_state(&db, JobState::Done).await, 3);
    }

    async fn the_runner_retries_a_failing_handler_with_back_off_until_the_dead_letters(db) {
        let db = db.migrated().await;
        let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = attempts.clone();
        let registry = Registry::new().handle("test.effect", move |ctx| {
            let seen = seen.clone();
            async move {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // A panic is a failed attempt like any other, not a dead worker.
                if ctx.job().attempts == 2 {
                    panic!("the handler's bug");
                }
                Err(JobError::new(format!("attempt {} refused", ctx.job().attempts)))
            }
        });
        let id = enqueue(&db, NewJob::new("test.effect", "k").max_attempts(3), Ts::now()).await.unwrap();
        let ok = enqueue(&db, NewJob::new("test.other", "k"), Ts::now()).await.unwrap();
        let registry = registry.handle("test.other", |_ctx| async { Ok(()) });
        let runner = Runner::new(db.clone(), registry, quick(1)).spawn();
        wait_until(StdDuration::from_secs(30), "the job is dead", || async {
            state_of(&db, id).await.state == JobState::Dead
        })
        .await;
        runner.stop().await;
        let job = state_of(&db, id).await;
        assert_eq!((job.attempts, job.last_error.as_deref()), (3, Some("attempt 3 refused")));
        assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 3, "no attempt after the last");
        assert_eq!(state_of(&db, ok).await.state, JobState::Done);
    }

    async fn a_runner_whose_handle_is_dropped_stops_taking_jobs(db) {
        let db = db.migrated().await;
        let registry = Registry::new().handle("test.effect", |_ctx| async { Ok(()) });
        let before = enqueue(&db, NewJob::new("test.effect", "before"), Ts::now()).await.unwrap();
        let handle = Runner::new(db.clone(), registry, quick(1)).spawn();
        wait_until(StdDuration::from_secs(30), "the runner works", || async {
            state_of(&db, before).await.state == JobState::Done
        })
        .await;
        drop(handle);
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        let after = enqueue(&db, NewJob::new("test.effect", "after"), Ts::now()).await.unwrap();
        // Twenty-five poll intervals: a runner still going would have taken it.
        tokio::time::sleep(StdDuration::from_millis(500)).await;
        assert_eq!(state_of(&db, after).await.state, JobState::Queued);
    }

    async fn two_runners_share_1000_queued_jobs_without_running_any_twice(db) {
        let pool = db.migrated().await;
        effect_tables(&pool).await;
        let mut tx = pool.begin_write().await.unwrap();
        for i in 0..1000 {
            jobs::enqueue(&mut tx, &NewJob::new("test.effect", &format!("job-{i:04}")), Ts::now()).await.unwrap();
        }
        tx.commit().await.unwrap();
        // Two servers: each its own pool and runner, as many workers as the engine allows.
        let concurrency = if db.engine == store::Engine::Postgres { 4 } else { 1 };
        let (a, worker_a) = effect_runner(&db, quick(concurrency)).await;
        let (b, worker_b) = effect_runner(&db, quick(concurrency)).await;
        wait_until(StdDuration::from_secs(240), "1000 jobs done", || async {
            count_state(&pool, JobState::Done).await == 1000
        })
        .await;
        a.stop().await;
        b.stop().await;
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_effects").await, 1000);
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_effects WHERE runs <> 1").await, 0, "an effect ran twice");
        // No job was even started twice: claims never handed one job to both.
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_starts").await, 1000);
        assert_eq!(scalar(&pool, "SELECT count(DISTINCT key) FROM test_starts").await, 1000);
        assert_eq!(scalar(&pool, "SELECT max(attempts) FROM jobs").await, 1);
        let by = |w: String| {
            let pool = pool.clone();
            async move {
                let sql = format!("SELECT count(*) FROM test_starts WHERE worker = '{w}'");
                scalar(&pool, &sql).await
            }
        };
        let (na, nb) = (by(worker_a).await, by(worker_b).await);
        eprintln!("{:?}: runner A ran {na} jobs, runner B {nb}", db.engine);
        assert!(na > 0 && nb > 0, "both runners took a share: {na} and {nb}");
    }

    async fn a_periodic_job_runs_exactly_once_per_period_with_two_runners(db) {
        let pool = db.migrated().await;
        effect_tables(&pool).await;
        let schedule = Schedule::new("test.effect", 60);
        let runner = || async {
            let registry = Registry::new()
                .handle("test.effect", |ctx| effect_handler(ctx, "periodic".into()))
                .every(schedule);
            Runner::new(db.connect().await, registry, quick(2)).spawn()
        };
        let (a, b) = (runner().await, runner().await);
        for period in 1..=5_i64 {
            wait_until(StdDuration::from_secs(30), "the period's job ran", || async {
                scalar(&pool, "SELECT count(*) FROM test_effects").await == period
            })
            .await;
            // Time for a second runner's duplicate to show, if there were one.
            tokio::time::sleep(StdDuration::from_millis(200)).await;
            assert_eq!(scalar(&pool, "SELECT count(*) FROM test_effects").await, period);
            // The period ends: its boundary is now (both runners look every 20 ms). Not after
            // the last one, which the runners would start while they stop.
            if period < 5 {
                let past = Ts::from(Ts::now().get() - Duration::seconds(period));
                set_next_run(&pool, past).await;
            }
        }
        a.stop().await;
        b.stop().await;
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_effects WHERE runs <> 1").await, 0);
        assert_eq!(scalar(&pool, "SELECT count(*) FROM jobs WHERE kind = 'test.effect'").await, 5);
        assert_eq!(scalar(&pool, "SELECT count(DISTINCT key) FROM jobs WHERE kind = 'test.effect'").await, 5);
    }

    async fn a_handler_killed_mid_way_runs_again_without_a_second_effect(db) {
        let pool = db.migrated().await;
        effect_tables(&pool).await;
        // Server A's handler starts, then hangs before its effect: A is killed there. Its lease
        // is short so that server B takes the job soon after.
        let hang = Arc::new(Notify::new());
        let started = Arc::new(Notify::new());
        let (h, s) = (hang.clone(), started.clone());
        let registry_a = Registry::new().handle("test.effect", move |ctx| {
            let (hang, started) = (h.clone(), s.clone());
            async move {
                record_start(&ctx.db, &ctx.job().key, "A").await;
                started.notify_one();
                hang.notified().await;
                let mut tx = ctx.db.begin_write().await?;
                record_effect(&mut tx, &ctx.job().key).await?;
                ctx.complete_in(&mut tx).await?;
                tx.commit().await?;
                Ok(())
            }
        });
        let id = enqueue(&pool, NewJob::new("test.effect", "person-42"), Ts::now()).await.unwrap();
        let short = RunnerOptions { lease: Duration::milliseconds(600), ..quick(1) };
        let a = Runner::new(db.connect().await, registry_a, short.clone()).spawn();
        started.notified().await;
        // Killed: A's handler stops where it hangs, and nothing more of A ever runs.
        a.abort();
        let (b, _) = effect_runner(&db, short).await;
        wait_until(StdDuration::from_secs(30), "B finished the job", || async {
            state_of(&pool, id).await.state == JobState::Done
        })
        .await;
        b.stop().await;
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_starts").await, 2, "ran twice");
        assert_eq!(scalar(&pool, "SELECT runs FROM test_effects").await, 1, "one effect");
        assert_eq!(state_of(&pool, id).await.attempts, 2);
    }

    async fn a_worker_whose_lease_expired_mid_way_cannot_commit_a_second_effect(db) {
        let pool = db.migrated().await;
        effect_tables(&pool).await;
        // A stalls (a long pause, a network partition) without dying; meanwhile its lease
        // runs out and B runs the job. When A wakes, its effect must not commit.
        let hang = Arc::new(Notify::new());
        let started = Arc::new(Notify::new());
        let finished = Arc::new(tokio::sync::Mutex::new(None::<Result<(), JobError>>));
        let (h, s, f) = (hang.clone(), started.clone(), finished.clone());
        let registry_a = Registry::new().handle("test.effect", move |ctx| {
            let (hang, started, finished) = (h.clone(), s.clone(), f.clone());
            async move {
                record_start(&ctx.db, &ctx.job().key, "A").await;
                started.notify_one();
                hang.notified().await;
                let result = async {
                    let mut tx = ctx.db.begin_write().await?;
                    record_effect(&mut tx, &ctx.job().key).await?;
                    ctx.complete_in(&mut tx).await?;
                    tx.commit().await?;
                    Ok(())
                }
                .await;
                *finished.lock().await = Some(result.clone());
                result
            }
        });
        let id = enqueue(&pool, NewJob::new("test.effect", "person-43"), Ts::now()).await.unwrap();
        let a = Runner::new(db.connect().await, registry_a, quick(1)).spawn();
        started.notified().await;
        // A's renewals would come every 20 s: its lease is made to run out now instead.
        raw(&pool, "UPDATE jobs SET locked_until = created_at").await;
        let (b, _) = effect_runner(&db, quick(1)).await;
        wait_until(StdDuration::from_secs(30), "B finished the job", || async {
            state_of(&pool, id).await.state == JobState::Done
        })
        .await;
        hang.notify_one();
        wait_until(StdDuration::from_secs(30), "A's handler returned", || async {
            finished.lock().await.is_some()
        })
        .await;
        a.stop().await;
        b.stop().await;
        assert!(finished.lock().await.clone().unwrap().is_err(), "A's completion was refused");
        assert_eq!(scalar(&pool, "SELECT count(*) FROM test_starts").await, 2);
        assert_eq!(scalar(&pool, "SELECT runs FROM test_effects").await, 1, "A's effect rolled back");
        let job = state_of(&pool, id).await;
        assert_eq!((job.state, job.attempts, job.last_error), (JobState::Done, 2, None));
    }

    async fn housekeeping_runs_every_purge_once_and_forgets_expired_sign_in_counters(db) {
        let pool = db.migrated().await;
        use store::jobs::housekeeping;
        let registry = housekeeping::register(Registry::new(), store::throttle::ThrottlePolicy::new(5));
        // An expired sign-in counter (its window began an hour ago) and a live one.
        let mut tx = pool.begin_write().await.unwrap();
        let long_ago = Ts::from(Ts::now().get() - Duration::hours(1));
        store::throttle::admit(&mut tx, b"old", &store::throttle::ThrottlePolicy::new(5), long_ago).await.unwrap();
        store::throttle::admit(&mut tx, b"new", &store::throttle::ThrottlePolicy::new(5), Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let runner = Runner::new(pool.clone(), registry, quick(1)).spawn();
        wait_until(StdDuration::from_secs(30), "every purge ran once", || async {
            count_state(&pool, JobState::Done).await == housekeeping::SCHEDULES.len() as i64
        })
        .await;
        runner.stop().await;
        assert_eq!(scalar(&pool, "SELECT count(*) FROM login_throttle").await, 1, "the live counter stays");
        assert_eq!(scalar(&pool, "SELECT count(*) FROM job_schedules").await, housekeeping::SCHEDULES.len() as i64);
        assert_eq!(count_state(&pool, JobState::Failed).await + count_state(&pool, JobState::Dead).await, 0);
    }
}

async fn set_next_run(db: &Db, at: Ts) {
    let sql = "UPDATE job_schedules SET next_run_at = $1";
    match db {
        Db::Sqlite(p) => sqlx::query(sql).bind(at).execute(p).await.map(drop),
        Db::Postgres(p) => sqlx::query(sql).bind(at).execute(p).await.map(drop),
    }
    .unwrap();
}

mod purges {
    use domain::accounts::{Email, Role};
    use domain::ids::InvitationId;
    use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
    use domain::{OrganisationId, TeamId, UserId};
    use store::{Db, Ts, accounts, invitations, organisations, sessions, teams};
    use testkit::engine_tests;
    use time::Duration;

    use super::scalar;

    async fn user(db: &Db, email: &str) -> UserId {
        let id = UserId::new();
        let email = Email::parse(email).unwrap();
        let name = DisplayName::parse("Camille Martin").unwrap();
        let new =
            accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
        accounts::insert_user(db, &new, Ts::now()).await.unwrap();
        id
    }

    fn minutes(from: Ts, n: i64) -> Ts {
        Ts::from(from.get() + Duration::minutes(n))
    }

    engine_tests! {
        async fn the_purges_forget_expired_sessions_and_unanswered_invitations_and_keep_the_rest(db) {
            let db = db.migrated().await;
            let now = Ts::now();
            let camille = user(&db, "camille@valbourg.example").await;
            for (byte, expires) in [(1u8, -1), (2, 60)] {
                let session = sessions::NewSession {
                    id_hash: &[byte; 32],
                    user_id: camille,
                    active_organisation_id: None,
                    expires_at: minutes(now, expires),
                    device: "test",
                    failed_logins_before: 0,
                };
                sessions::insert(&db, &session, now).await.unwrap();
            }
            let org = organisations::insert(
                &db,
                &NewOrganisation {
                    id: OrganisationId::new(),
                    slug: Slug::parse("ccas-a").unwrap(),
                    name: DisplayName::parse("CCAS A").unwrap(),
                    time_zone: "Europe/Paris".into(),
                },
                now,
            )
            .await
            .unwrap();
            let team = NewTeam { id: TeamId::new(), organisation_id: org.id, name: DisplayName::parse("Accueil").unwrap() };
            let team = teams::insert(&db, &team, now).await.unwrap().id;
            // Expired unanswered (with a team), expired but answered, pending: one invitee each.
            for (i, expires) in [-1, -1, 60].into_iter().enumerate() {
                let invitee = user(&db, &format!("invitee{i}@valbourg.example")).await;
                let id = InvitationId::new();
                let new = invitations::NewInvitation {
                    id,
                    organisation_id: org.id,
                    user_id: invitee,
                    role: Role::Worker,
                    teams: &[(team, false)],
                    invited_name: "Typed Name",
                    link_hash: &[i as u8; 32],
                    invited_by: None,
                    expires_at: minutes(now, expires),
                };
                let mut tx = db.begin_write().await.unwrap();
                invitations::insert(&mut tx, &new, minutes(now, -120)).await.unwrap();
                tx.commit().await.unwrap();
            }
            // The second (expired) one was declined in time.
            crate::raw(
                &db,
                "UPDATE invitations SET answered_at = created_at, answer = 'declined' \
                 WHERE id = (SELECT id FROM invitations ORDER BY id LIMIT 1 OFFSET 1)",
            )
            .await;

            assert_eq!(sessions::purge_expired(&db, now).await.unwrap(), 1);
            assert_eq!(scalar(&db, "SELECT count(*) FROM sessions").await, 1, "the live session stays");
            assert_eq!(invitations::purge_expired(&db, now).await.unwrap(), 1);
            assert_eq!(scalar(&db, "SELECT count(*) FROM invitations").await, 2, "answered and pending stay");
            assert_eq!(scalar(&db, "SELECT count(*) FROM invitation_teams").await, 2, "with their teams");
            // Twice is once: nothing more to forget.
            assert_eq!(sessions::purge_expired(&db, now).await.unwrap(), 0);
            assert_eq!(invitations::purge_expired(&db, now).await.unwrap(), 0);
        }
    }
}
