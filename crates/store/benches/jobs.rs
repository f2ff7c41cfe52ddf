//! Jobs per second through the queue: enqueueing (one job per transaction, as the outbox does
//! it), then the runner draining the queue with a handler that does nothing but finish its job
//! in a transaction of its own (`JobContext::complete_in`) — so the figure is the queue's own
//! cost: a claim and a completion per job. Next to it, in the same run, the raw commit rate of
//! the engine (a one-row UPDATE per transaction), the floor under any queue on this machine.
//!
//! SQLite by default (a file in the temporary folder, the server's settings: WAL,
//! `synchronous = FULL`, one worker as the server runs it); PostgreSQL when
//! `PASSERELLE_BENCH_POSTGRES_URL` names a server (`postgres://postgres@127.0.0.1:5432`): a
//! fresh database is created, migrated and dropped at the end, and the runner is measured
//! alone (4 workers) and as two servers (two pools, 4 workers each) sharing the queue.
//!
//!   cargo bench -p store --bench jobs
//!   PASSERELLE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p store --bench jobs
//!
//! `BENCH_RUNS` (default 3) rounds of `BENCH_JOBS` jobs (default 2000). Without `--bench` (as
//! `cargo test --benches` runs it) one round of 20 jobs, as a smoke test.

mod common;

use std::time::{Duration as StdDuration, Instant};

use common::{BenchResult, Scratch, cleanup, env_usize, scratch, spread};
use domain::jobs::JobState;
use store::db::PoolOptions;
use store::jobs::runner::{Registry, Runner, RunnerOptions};
use store::jobs::{self, NewJob};
use store::{Db, Ts};

const KIND: &str = "bench.noop";

async fn raw(db: &Db, sql: &str) -> BenchResult<()> {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
    }
    Ok(())
}

/// One-row UPDATEs, one transaction each: the engine's commit rate.
async fn commits_per_second(db: &Db, n: usize) -> BenchResult<f64> {
    let start = Instant::now();
    for _ in 0..n {
        let mut tx = db.begin_write().await?;
        match &mut tx {
            store::Tx::Sqlite(t) => {
                sqlx::query("UPDATE bench_counter SET n = n + 1").execute(&mut **t).await?;
            }
            store::Tx::Postgres(t) => {
                sqlx::query("UPDATE bench_counter SET n = n + 1").execute(&mut **t).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

async fn enqueue_per_second(db: &Db, round: usize, n: usize) -> BenchResult<f64> {
    let start = Instant::now();
    for i in 0..n {
        let mut tx = db.begin_write().await?;
        let key = format!("r{round}-{i}");
        jobs::enqueue(&mut tx, &NewJob::new(KIND, &key), Ts::now()).await?;
        tx.commit().await?;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

fn registry() -> Registry {
    Registry::new().handle(KIND, |ctx| async move {
        let mut tx = ctx.db.begin_write().await?;
        ctx.complete_in(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

async fn done(db: &Db) -> BenchResult<i64> {
    Ok(jobs::counts(db).await?.into_iter().find(|(s, _)| *s == JobState::Done).map_or(0, |c| c.1))
}

/// Runs `servers` runners (one pool each) of `concurrency` workers until `n` more jobs are
/// done; returns jobs per second.
async fn drain(
    url: &str,
    db: &Db,
    servers: usize,
    concurrency: usize,
    n: usize,
) -> BenchResult<f64> {
    let before = done(db).await?;
    let mut options = RunnerOptions::for_engine(db.engine());
    options.concurrency = concurrency;
    options.poll_interval = StdDuration::from_millis(5);
    let mut pools = Vec::new();
    for _ in 0..servers {
        pools.push(Db::connect(url, &PoolOptions::default()).await?);
    }
    let start = Instant::now();
    let handles: Vec<_> =
        pools.iter().map(|p| Runner::new(p.clone(), registry(), options.clone()).spawn()).collect();
    while done(db).await? < before + n as i64 {
        tokio::time::sleep(StdDuration::from_millis(2)).await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    for h in handles {
        h.stop().await;
    }
    for p in pools {
        p.close().await;
    }
    Ok(n as f64 / elapsed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> BenchResult<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let (runs, n) =
        if full { (env_usize("BENCH_RUNS", 3), env_usize("BENCH_JOBS", 2000)) } else { (1, 20) };
    let Scratch { url, label, cleanup: to_clean } = scratch("jobs").await?;
    let db = Db::connect(&url, &PoolOptions::default()).await?;
    db.migrate().await?;
    raw(&db, "CREATE TABLE bench_counter (n BIGINT NOT NULL)").await?;
    raw(&db, "INSERT INTO bench_counter (n) VALUES (0)").await?;
    println!("jobs on {label}: {runs} round(s) of {n} jobs");
    let postgres = db.engine() == store::Engine::Postgres;
    let mut scenarios: Vec<(&str, usize, usize)> =
        vec![("runner, 1 server", 1, if postgres { 4 } else { 1 })];
    if postgres {
        scenarios.push(("runner, 2 servers", 2, 4));
    }
    let mut commits = Vec::new();
    let mut enqueues = Vec::new();
    let mut drains: Vec<Vec<f64>> = vec![Vec::new(); scenarios.len()];
    for round in 0..runs {
        commits.push(commits_per_second(&db, n).await?);
        for (i, (_, servers, concurrency)) in scenarios.iter().enumerate() {
            enqueues.push(enqueue_per_second(&db, round * 10 + i, n).await?);
            drains[i].push(drain(&url, &db, *servers, *concurrency, n).await?);
        }
        println!("round {}: done", round + 1);
    }
    let show = |name: &str, v: &[f64]| {
        let (median, min, max) = spread(v);
        println!("  {name:<34} median {median:>8.0}/s   (min {min:.0}, max {max:.0})");
    };
    show("raw commits (1-row UPDATE per tx)", &commits);
    show("enqueue (1 job per tx)", &enqueues);
    for (i, (name, _, concurrency)) in scenarios.iter().enumerate() {
        show(&format!("{name}, {concurrency} workers each"), &drains[i]);
        let (median, _, _) = spread(&drains[i]);
        let (raw_median, _, _) = spread(&commits);
        println!(
            "    jobs/s ÷ raw commits/s = {:.2} (a job is at least 2 commits)",
            median / raw_median
        );
    }
    db.close().await;
    cleanup(to_clean).await;
    Ok(())
}
