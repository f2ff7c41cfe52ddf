//! `passerelle bench-data`: the generated data sets of the benchmarks.

use std::time::Instant;

use store::Engine;
use store::bench_data::{self, BenchDataError, Size};

use crate::config::Settings;
use crate::{Failure, open};

pub const LONG_ABOUT: &str = "Generate a benchmark data set into an empty database.\n\n\
    Fills a database that holds no organisation and no person (it is migrated first) with one \
    organisation, banc-essai, and its persons in households of 1 to 8, with the names, ages, \
    situations and phones of the demo (all fictitious), the same for the same seed. Refuses a \
    database that holds data.\n\n\
    Only persons and households are generated so far: the cases, timeline events and documents \
    of the data sets in BENCHMARKS.md come with their features.\n\n\
    With --queries N, generates nothing and prints N search queries drawn from the data set \
    already in the database, one a line, as the search benchmarks use them.\n\n\
    With --time-raw, generates nothing, reads search queries from the standard input, one a \
    line, and for each runs the raw candidate query of the search (the term index only, no \
    records read, no ranking) on the generated organisation and prints its time in \
    milliseconds and the number of candidates: the reference the HTTP search benchmark \
    compares itself with in the same run.";

#[derive(clap::Args)]
pub struct Args {
    /// S (10 000 persons), M (100 000) or L (1 000 000); XS (200) is for tests.
    #[arg(long, value_parser = parse_size, required_unless_present_any = ["queries", "time_raw"])]
    size: Option<Size>,
    /// Seed of the generator: the same seed always gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The database to fill, instead of the configured one (also PASSERELLE_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Print N search queries drawn from the generated data instead of generating.
    #[arg(long, value_name = "N", conflicts_with = "size")]
    queries: Option<usize>,
    /// Time the raw candidate query of each search query read from the standard input.
    #[arg(long, conflicts_with_all = ["size", "queries"])]
    time_raw: bool,
}

fn parse_size(s: &str) -> Result<Size, String> {
    Size::parse(s).ok_or_else(|| format!("{s:?}: expected S, M or L"))
}

pub async fn run(mut settings: Settings, args: Args) -> Result<(), Failure> {
    if let Some(url) = args.database_url {
        settings.engine = Engine::of_url(&url).ok_or_else(|| {
            Failure(format!(
                "--database-url {:?}: expected sqlite:PATH or postgres://user@host:port/database",
                store::redact_url(&url)
            ))
        })?;
        settings.database_url = url;
    }
    let db = open(&settings).await?;
    db.migrate().await?;
    let result = match (args.queries, args.size) {
        _ if args.time_raw => time_raw(&db).await,
        (Some(count), _) => print_queries(&db, count, args.seed).await,
        (None, Some(size)) => generate(&db, size, args.seed).await,
        (None, None) => {
            Err(Failure("give --size S, M or L (or --queries N, or --time-raw)".into()))
        }
    };
    db.close().await;
    result
}

async fn generate(db: &store::Db, size: Size, seed: u64) -> Result<(), Failure> {
    let started = Instant::now();
    let target = size.persons();
    let summary = bench_data::generate(db, size, seed, |written| {
        if written < target {
            println!("  {written} / {target} persons ({:.1} s)", started.elapsed().as_secs_f64());
        }
    })
    .await
    .map_err(|e| match e {
        BenchDataError::NotEmpty { .. } => Failure(e.to_string()),
        BenchDataError::Store(e) => Failure(e.to_string()),
    })?;
    println!(
        "Generated {} persons in {} households ({} search terms) for organisation {} \
         (seed {seed}) on {} in {:.1} s.",
        summary.persons,
        summary.households,
        summary.terms,
        bench_data::SLUG,
        db.engine().name(),
        summary.elapsed.as_secs_f64(),
    );
    println!(
        "Persons and households only: cases, timeline events and documents are not generated yet."
    );
    Ok(())
}

/// The organisation `bench-data --size` made.
async fn generated(db: &store::Db) -> Result<domain::OrganisationId, Failure> {
    match store::organisations::find_by_slug(db, bench_data::SLUG).await? {
        Some(org) => Ok(org.id),
        None => Err(Failure(format!(
            "no generated data set in this database (organisation {} not found): run \
             bench-data --size first",
            bench_data::SLUG
        ))),
    }
}

async fn time_raw(db: &store::Db) -> Result<(), Failure> {
    let org = generated(db).await?;
    let mut lines = std::io::stdin().lines();
    // Reading waits on whoever drives the benchmark: off the runtime's other threads.
    while let Some(line) = tokio::task::block_in_place(|| lines.next()) {
        let query = line.map_err(|e| Failure(format!("standard input: {e}")))?;
        let started = Instant::now();
        let candidates = bench_data::raw_candidates(db, org, &query).await?;
        // Standard output is line-buffered: each answer leaves as soon as it is printed.
        println!("{:.3} {candidates}", started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(())
}

async fn print_queries(db: &store::Db, count: usize, seed: u64) -> Result<(), Failure> {
    let org = generated(db).await?;
    for q in bench_data::queries(db, org, count, seed).await? {
        println!("{q}");
    }
    Ok(())
}
