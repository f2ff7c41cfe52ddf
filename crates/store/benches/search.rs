//! Person search against the raw index query, in the same run: `store::persons::search` (plan,
//! candidate query on the term index, the candidates' records, ranking) against
//! `store::bench_data::raw_candidates` (plan and candidate query only), for 100 queries drawn
//! from a generated data set (`passerelle bench-data`): names as written and without accents,
//! typos, first letters, family names alone, birth dates, phones written another way.
//!
//! SQLite by default (a file in the temporary folder, the server's settings: WAL,
//! `synchronous = FULL`, pool of 10); PostgreSQL when `PASSERELLE_BENCH_POSTGRES_URL` names a
//! server: a fresh database is created, migrated, filled and dropped at the end. Or an existing
//! generated database, kept: `BENCH_DATABASE_URL=sqlite:///tmp/m.db` (made with `passerelle
//! bench-data --size M --database-url …`), to measure M or L without generating them each time.
//!
//!   cargo bench -p store --bench search
//!   BENCH_SIZE=M cargo bench -p store --bench search
//!   PASSERELLE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p store --bench search
//!
//! `BENCH_SIZE` (S, M or L; default S) and `BENCH_SEED` (default 1) choose the data set;
//! `BENCH_QUERIES` (default 100) the queries (drawn with `BENCH_SEED` too), `BENCH_RUNS`
//! (default 3) the rounds, `BENCH_PASSES` (default 3) how many times each round goes through the
//! queries. Each query runs both ways one after the other, raw first in even rounds and search
//! first in odd ones, after one warm-up pass. Results are limited to 25, as on the search page.
//! Without `--bench` (as `cargo test --benches` runs it): 200 persons, 10 queries, one pass.

mod common;

use std::time::Instant;

use common::{BenchResult, Cleanup, cleanup, env_usize, quantile, scratch, sorted, spread};
use domain::OrganisationId;
use store::bench_data::{self, Size};
use store::db::PoolOptions;
use store::{Db, organisations, persons};

const RESULTS: usize = 25;
const KINDS: [&str; 10] = [
    "first family",
    "family first, no accents",
    "typo, first",
    "first letters",
    "family alone",
    "birth date",
    "phone",
    "family + date",
    "first, family typo",
    "FAMILY",
];

struct Round {
    search: [f64; 3],
    raw: [f64; 3],
    /// Median latency per query kind: (search, raw).
    by_kind: Vec<(f64, f64)>,
    /// Median latency per query: (search, raw).
    by_query: Vec<(f64, f64)>,
}

fn percentiles(samples: Vec<f64>) -> [f64; 3] {
    let s = sorted(samples);
    [quantile(&s, 0.5), quantile(&s, 0.95), quantile(&s, 0.99)]
}

async fn round(
    db: &Db,
    org: OrganisationId,
    queries: &[String],
    passes: usize,
    raw_first: bool,
) -> BenchResult<Round> {
    let mut search = Vec::new();
    let mut raw = Vec::new();
    let mut kind_samples: Vec<(Vec<f64>, Vec<f64>)> = vec![(vec![], vec![]); KINDS.len()];
    let mut query_samples: Vec<(Vec<f64>, Vec<f64>)> = vec![(vec![], vec![]); queries.len()];
    for _ in 0..passes {
        for (i, q) in queries.iter().enumerate() {
            let mut times = [0.0; 2];
            for step in 0..2 {
                let is_raw = (step == 0) == raw_first;
                let t = Instant::now();
                if is_raw {
                    bench_data::raw_candidates(db, org, q).await?;
                } else {
                    persons::search(db, org, q, RESULTS).await?;
                }
                times[usize::from(!is_raw)] = t.elapsed().as_secs_f64() * 1000.0;
            }
            raw.push(times[0]);
            search.push(times[1]);
            kind_samples[i % KINDS.len()].0.push(times[1]);
            kind_samples[i % KINDS.len()].1.push(times[0]);
            query_samples[i].0.push(times[1]);
            query_samples[i].1.push(times[0]);
        }
    }
    let by_kind = kind_samples
        .into_iter()
        .map(|(s, r)| {
            if s.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                (quantile(&sorted(s), 0.5), quantile(&sorted(r), 0.5))
            }
        })
        .collect();
    let by_query = query_samples
        .into_iter()
        .map(|(s, r)| (quantile(&sorted(s), 0.5), quantile(&sorted(r), 0.5)))
        .collect();
    Ok(Round { search: percentiles(search), raw: percentiles(raw), by_kind, by_query })
}

async fn bench(db: &Db, full: bool, generate: Option<(Size, u64)>) -> BenchResult<()> {
    let seed = env_usize("BENCH_SEED", 1) as u64;
    if let Some((size, seed)) = generate {
        let summary = bench_data::generate(db, size, seed, |_| {}).await?;
        println!(
            "generated {} persons in {} households ({} terms) in {:.1} s",
            summary.persons,
            summary.households,
            summary.terms,
            summary.elapsed.as_secs_f64()
        );
    }
    let org = organisations::find_by_slug(db, bench_data::SLUG)
        .await?
        .ok_or("no generated data set: organisation banc-essai not found")?;
    let persons = persons::count(db, org.id).await?;
    let (count, runs, passes) = if full {
        (env_usize("BENCH_QUERIES", 100), env_usize("BENCH_RUNS", 3), env_usize("BENCH_PASSES", 3))
    } else {
        (10, 1, 1)
    };
    let queries = bench_data::queries(db, org.id, count, seed).await?;
    println!(
        "{persons} persons; {} queries (seed {seed}); {runs} round(s) of {passes} pass(es)",
        queries.len()
    );
    // What the queries find: candidates from the index and results after ranking.
    let mut found = vec![(0usize, 0usize, 0usize); KINDS.len()];
    for (i, q) in queries.iter().enumerate() {
        let candidates = bench_data::raw_candidates(db, org.id, q).await?;
        let hits = persons::search(db, org.id, q, RESULTS).await?.len();
        let slot = &mut found[i % KINDS.len()];
        *slot = (slot.0 + 1, slot.1 + candidates, slot.2 + hits);
    }
    let mut rounds = Vec::new();
    for r in 0..runs {
        let raw_first = r % 2 == 0;
        let round = round(db, org.id, &queries, passes, raw_first).await?;
        println!(
            "round {}: search p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms | raw p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms | ratio p50 {:.2}x  p95 {:.2}x",
            r + 1,
            round.search[0],
            round.search[1],
            round.search[2],
            round.raw[0],
            round.raw[1],
            round.raw[2],
            round.search[0] / round.raw[0],
            round.search[1] / round.raw[1],
        );
        rounds.push(round);
    }
    let pick = |f: &dyn Fn(&Round) -> f64| spread(&rounds.iter().map(f).collect::<Vec<_>>());
    println!("\nmedian over {runs} round(s) (min - max):");
    for (name, get) in [
        ("search p50", &(|r: &Round| r.search[0]) as &dyn Fn(&Round) -> f64),
        ("search p95", &|r: &Round| r.search[1]),
        ("search p99", &|r: &Round| r.search[2]),
        ("raw p50", &|r: &Round| r.raw[0]),
        ("raw p95", &|r: &Round| r.raw[1]),
        ("raw p99", &|r: &Round| r.raw[2]),
    ] {
        let (m, lo, hi) = pick(get);
        println!("  {name:<11} {m:7.2} ms ({lo:.2} - {hi:.2})");
    }
    for (name, i) in [("ratio p50", 0), ("ratio p95", 1), ("ratio p99", 2)] {
        let (m, lo, hi) = pick(&|r: &Round| r.search[i] / r.raw[i]);
        println!("  {name:<11} {m:7.2}x   ({lo:.2} - {hi:.2})");
    }
    println!("\nby kind (last round's medians; candidates and results averaged over the queries):");
    let last = rounds.last().ok_or("no round")?;
    for (i, name) in KINDS.iter().enumerate() {
        let (n, candidates, hits) = found[i];
        if n == 0 {
            continue;
        }
        let (s, r) = last.by_kind[i];
        println!(
            "  {name:<26} search {s:7.2} ms  raw {r:7.2} ms  candidates {:6.1}  results {:5.1}",
            candidates as f64 / n as f64,
            hits as f64 / n as f64
        );
    }
    println!("\nslowest queries (last round's medians):");
    let mut slowest: Vec<(usize, (f64, f64))> = last.by_query.iter().copied().enumerate().collect();
    slowest.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    for (i, (s, r)) in slowest.into_iter().take(5) {
        println!(
            "  {:<40} search {s:7.2} ms  raw {r:7.2} ms  ({})",
            format!("{:?}", queries[i]),
            KINDS[i % KINDS.len()]
        );
    }
    Ok(())
}

/// The database URL, what it is, and what to remove afterwards: a generated database the user
/// names (kept), or a fresh one.
async fn target() -> BenchResult<(String, String, Cleanup)> {
    if let Some(url) = std::env::var("BENCH_DATABASE_URL").ok().filter(|v| !v.is_empty()) {
        return Ok((url.clone(), format!("{} (kept)", store::redact_url(&url)), Cleanup::Keep));
    }
    let s = scratch("search").await?;
    Ok((s.url, s.label, s.cleanup))
}

fn main() -> BenchResult<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let (url, label, to_clean) = target().await?;
        println!("search bench on {label}");
        let generate = match to_clean {
            Cleanup::Keep => None,
            _ if full => {
                let size = std::env::var("BENCH_SIZE").unwrap_or_else(|_| "S".into());
                let size = Size::parse(&size).ok_or("BENCH_SIZE: expected S, M or L")?;
                Some((size, env_usize("BENCH_SEED", 1) as u64))
            }
            _ => Some((Size::Xs, 1)),
        };
        let outcome = async {
            let db = Db::connect(&url, &PoolOptions::default()).await?;
            db.migrate().await?;
            let result = bench(&db, full, generate).await;
            db.close().await;
            result
        }
        .await;
        cleanup(to_clean).await;
        outcome
    })
}
