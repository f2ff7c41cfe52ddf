//! The cost of an audited read: `store::audit::append_now` per event (what opening a person's
//! file will cost), against a plain INSERT of the same row into the same table in a write
//! transaction of its own, measured in the same run. Three scenarios:
//!
//! - 1 client appending to one organisation's chain;
//! - 8 concurrent clients on that one chain (they wait for each other on the chain head);
//! - 8 concurrent clients on 8 organisations' chains.
//!
//! SQLite by default (a file in the temporary folder, the server's settings: WAL,
//! `synchronous = FULL`); PostgreSQL when `PASSERELLE_BENCH_POSTGRES_URL` names a server
//! (`postgres://postgres@127.0.0.1:5432`): a fresh database is created, migrated with
//! `Db::migrate`, and dropped at the end. The pool is the server's default (10 connections).
//!
//!   cargo bench -p store --bench audit
//!   PASSERELLE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p store --bench audit
//!
//! `BENCH_RUNS` (default 3) rounds; in each, every scenario runs the plain INSERT and the audited
//! append, `BENCH_EVENTS` events each (default 400, split over the clients), in alternating
//! order from one round to the next, each phase capped at `BENCH_PHASE_SECS` (default 30 s).
//! Without `--bench` (as `cargo test --benches` runs it) it does a few events, as a smoke test.

mod common;

use std::time::{Duration, Instant};

use common::{BenchResult, cleanup, env_usize, quantile, scratch, sorted, spread};
use domain::accounts::Email;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::{OrganisationId, UserId};
use store::audit::{self, NewAuditEvent};
use store::db::PoolOptions;
use store::{Db, Ts, Tx, accounts, organisations};
use uuid::Uuid;

const CHAINS: usize = 8;
const CLIENTS: usize = 8;

/// The plain INSERT: the same columns as `audit::append`'s, no chain head, no hash computed.
const RAW_INSERT: &str = "INSERT INTO audit_events (id, chain_id, seq, organisation_id, \
     actor_user_id, action, subject_type, subject_id, occurred_at, client_addr, request_id, \
     reason, details, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
const FAKE_HASH: &str = "5f2b8c1e9a7d3f4b6c0e8a2d4f6b8c0e2a4d6f8b0c2e4a6d8f0b2c4e6a8d0f2b";

/// Who writes: the organisation (whose chain the audited appends go to) and the actor.
#[derive(Clone, Copy)]
struct Client {
    organisation: OrganisationId,
    actor: UserId,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Raw,
    Audited,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Raw => "plain INSERT",
            Kind::Audited => "append_now",
        }
    }
}

struct Scenario {
    name: &'static str,
    clients: Vec<Client>,
}

struct Phase {
    events_per_s: f64,
    median_ms: f64,
    p95_ms: f64,
    events: usize,
}

async fn raw_insert(db: &Db, client: Client, chain: Uuid, seq: i64) -> BenchResult<()> {
    let mut tx = db.begin_write().await?;
    let id = Uuid::now_v7();
    let request_id = Uuid::now_v7().to_string();
    macro_rules! run {
        ($conn:expr) => {
            sqlx::query(RAW_INSERT)
                .bind(id)
                .bind(chain)
                .bind(seq)
                .bind(client.organisation.as_uuid())
                .bind(client.actor.as_uuid())
                .bind(AuditAction::PersonFileRead.as_str())
                .bind("person")
                .bind(Uuid::now_v7())
                .bind(Ts::now())
                .bind("127.0.0.1")
                .bind(request_id.as_str())
                .bind(None::<String>)
                .bind(None::<String>)
                .bind(FAKE_HASH)
                .bind(FAKE_HASH)
                .execute($conn)
                .await?
                .rows_affected()
        };
    }
    match &mut tx {
        Tx::Sqlite(t) => run!(&mut **t),
        Tx::Postgres(t) => run!(&mut **t),
    };
    tx.commit().await?;
    Ok(())
}

async fn audited_append(db: &Db, client: Client) -> BenchResult<()> {
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(client.organisation))
        .by(client.actor)
        .on("person", Uuid::now_v7())
        .from_request(Some("127.0.0.1".to_owned()), Some(Uuid::now_v7().to_string()));
    audit::append_now(db, &event).await?;
    Ok(())
}

/// Runs `events` writes of `kind` split over the scenario's clients, concurrently.
async fn phase(
    db: &Db,
    scenario: &Scenario,
    kind: Kind,
    events: usize,
    cap: Duration,
) -> BenchResult<Phase> {
    let per_client = events.div_ceil(scenario.clients.len());
    let start = Instant::now();
    let deadline = start + cap;
    let mut tasks = Vec::new();
    for &client in &scenario.clients {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            // Each client's plain INSERTs go to a chain id of their own, so (chain_id, seq)
            // stays unique without any coordination.
            let raw_chain = Uuid::now_v7();
            let mut latencies = Vec::with_capacity(per_client);
            for seq in 1..=per_client {
                if Instant::now() > deadline {
                    break;
                }
                let t = Instant::now();
                match kind {
                    Kind::Raw => raw_insert(&db, client, raw_chain, seq as i64).await?,
                    Kind::Audited => audited_append(&db, client).await?,
                }
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            BenchResult::Ok(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let wall = start.elapsed().as_secs_f64();
    let all = sorted(all);
    Ok(Phase {
        events_per_s: all.len() as f64 / wall,
        median_ms: quantile(&all, 0.5),
        p95_ms: quantile(&all, 0.95),
        events: all.len(),
    })
}

/// The organisations (one chain each) and one actor per organisation.
async fn populate(db: &Db) -> BenchResult<Vec<Client>> {
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let mut clients = Vec::new();
    for i in 1..=CHAINS {
        let org = organisations::insert(
            &mut tx,
            &NewOrganisation {
                id: OrganisationId::new(),
                slug: Slug::parse(&format!("bench-org-{i}"))?,
                name: DisplayName::parse(&format!("Bench organisation {i}"))?,
                time_zone: "Europe/Paris".to_owned(),
            },
            now,
        )
        .await?;
        let email = Email::parse(&format!("worker{i}@bench.example"))?;
        let name = DisplayName::parse(&format!("Bench worker {i}"))?;
        let user = accounts::insert_user(
            &mut tx,
            &accounts::NewUser {
                id: UserId::new(),
                email: &email,
                display_name: &name,
                instance_admin: false,
            },
            now,
        )
        .await?;
        clients.push(Client { organisation: org.id, actor: user.id });
    }
    tx.commit().await?;
    Ok(clients)
}

async fn bench(db: &Db, full: bool) -> BenchResult<()> {
    let (runs, events, cap) = if full {
        (
            env_usize("BENCH_RUNS", 3),
            env_usize("BENCH_EVENTS", 400),
            Duration::from_secs(env_usize("BENCH_PHASE_SECS", 30) as u64),
        )
    } else {
        (1, 8, Duration::from_secs(10))
    };
    let clients = populate(db).await?;
    let scenarios = [
        Scenario { name: "1 client, 1 chain", clients: vec![clients[0]] },
        Scenario { name: "8 clients, 1 chain", clients: vec![clients[0]; CLIENTS] },
        Scenario { name: "8 clients, 8 chains", clients: clients.clone() },
    ];
    println!("{runs} round(s); {events} events per phase; phases capped at {} s", cap.as_secs());
    // Warm-up: connections opened, statements prepared, chain heads created.
    for scenario in &scenarios {
        for kind in [Kind::Raw, Kind::Audited] {
            phase(db, scenario, kind, if full { 40 } else { 8 }, cap).await?;
        }
    }
    // results[scenario][kind] = one Phase per round.
    let mut results: Vec<[Vec<Phase>; 2]> = scenarios.iter().map(|_| [vec![], vec![]]).collect();
    for round in 0..runs {
        for (i, scenario) in scenarios.iter().enumerate() {
            let order = if round % 2 == 0 {
                [Kind::Raw, Kind::Audited]
            } else {
                [Kind::Audited, Kind::Raw]
            };
            for kind in order {
                let p = phase(db, scenario, kind, events, cap).await?;
                println!(
                    "round {}: {:<20} {:<13} {:5} events  {:8.1} events/s  median {:6.2} ms  p95 {:6.2} ms",
                    round + 1,
                    scenario.name,
                    kind.name(),
                    p.events,
                    p.events_per_s,
                    p.median_ms,
                    p.p95_ms
                );
                results[i][kind as usize].push(p);
            }
        }
    }
    println!(
        "\nmedian over {runs} round(s) (min - max); ratio = append_now / plain INSERT, per round:"
    );
    for (scenario, [raw, audited]) in scenarios.iter().zip(&results) {
        for (kind, phases) in [(Kind::Raw, raw), (Kind::Audited, audited)] {
            let rate = spread(&phases.iter().map(|p| p.events_per_s).collect::<Vec<_>>());
            let median = spread(&phases.iter().map(|p| p.median_ms).collect::<Vec<_>>());
            let p95 = spread(&phases.iter().map(|p| p.p95_ms).collect::<Vec<_>>());
            println!(
                "  {:<20} {:<13} {:8.1} events/s ({:.1} - {:.1})  median {:.2} ms ({:.2} - {:.2})  p95 {:.2} ms ({:.2} - {:.2})",
                scenario.name,
                kind.name(),
                rate.0,
                rate.1,
                rate.2,
                median.0,
                median.1,
                median.2,
                p95.0,
                p95.1,
                p95.2
            );
        }
        let rate_ratio = spread(
            &raw.iter()
                .zip(audited)
                .map(|(r, a)| r.events_per_s / a.events_per_s)
                .collect::<Vec<_>>(),
        );
        let latency_ratio = spread(
            &raw.iter().zip(audited).map(|(r, a)| a.median_ms / r.median_ms).collect::<Vec<_>>(),
        );
        println!(
            "  {:<20} ratio: {:.2}x the time per event by throughput ({:.2} - {:.2}), {:.2}x by median latency ({:.2} - {:.2})",
            scenario.name,
            rate_ratio.0,
            rate_ratio.1,
            rate_ratio.2,
            latency_ratio.0,
            latency_ratio.1,
            latency_ratio.2
        );
    }
    // The concurrent appends left intact chains.
    let report = audit::verify(db).await?;
    for client in &clients {
        let chain = report
            .chain(client.organisation.as_uuid())
            .ok_or("an organisation's chain is missing")?;
        if let Some(b) = &chain.first_break {
            return Err(
                format!("chain {} broken at seq {}: {}", chain.chain_id, b.seq, b.problem).into()
            );
        }
    }
    let appended: u64 = clients
        .iter()
        .filter_map(|c| report.chain(c.organisation.as_uuid()))
        .map(|c| c.events)
        .sum();
    println!("audit verify: the {CHAINS} organisation chains are intact ({appended} events)");
    Ok(())
}

fn main() -> BenchResult<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let target = scratch("audit").await?;
        println!("audit append bench on {}", target.label);
        let outcome = async {
            let db = Db::connect(&target.url, &PoolOptions::default()).await?;
            db.migrate().await?;
            let result = bench(&db, full).await;
            db.close().await;
            result
        }
        .await;
        cleanup(target.cleanup).await;
        outcome
    })
}
