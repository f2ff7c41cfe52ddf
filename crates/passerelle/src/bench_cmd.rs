//! `passerelle bench-data`: the generated data sets of the benchmarks.

use std::time::Instant;

use store::Engine;
use store::bench_data::{self, BenchDataError, Size};

use crate::config::Settings;
use crate::{Failure, open};

pub const LONG_ABOUT: &str = "Generate a benchmark data set into an empty database.\n\n\
    Fills a database that holds no organisation and no person (it is migrated first) with one \
    organisation, banc-essai, and its persons in households of 1 to 8, with the names, ages, \
    situations and phones of the demo (all fictitious), the same for the same seed; then as \
    many cases as persons (some persons with several, one after the other), followed by teams \
    of workers (accounts without a password), with ten timeline entries a case on average: \
    notes of every contact medium and case reviews, of the lengths of their kind, some \
    restricted or deleted, and status changes; and what the statistics count beside them: \
    appointments (done, missed, cancelled, planned), referrals to partner services with the \
    partner's answers, documents filed (metadata only, two a case on average), urgency flags, \
    follow-up checks after closure. Refuses a database that holds data.\n\n\
    With --queries N, generates nothing and prints N search queries drawn from the data set \
    already in the database, one a line, as the search benchmarks use them.\n\n\
    With --time-raw, generates nothing, reads search queries from the standard input, one a \
    line, and for each runs the raw candidate query of the search (the term index only, no \
    records read, no ranking) on the generated organisation and prints its time in \
    milliseconds and the number of candidates: the reference the HTTP search benchmark \
    compares itself with in the same run.\n\n\
    For the case file benchmarks (scripts/bench-cases.sh): --cases N prints N cases of the \
    first team, half with the longest histories and half around the median, one a line \
    ('long' or 'short', the case id, its number of entries, its status); --join-team EMAIL puts an account \
    of the organisation in that team; --time-raw-cases EMAIL reads lines 'overview CASE \
    [CURSOR]' or 'timeline CASE [CURSOR]' from the standard input and for each runs the queries \
    of the case page (the case, then the overview's fixed list: person, households, flags, \
    lists, last contacts, the timeline page, the draft) or the timeline page's query alone, as \
    that account reads them, printing the time in milliseconds, the entries of the page and the \
    cursor of the next page ('-' when none), in the form the page's links carry.\n\n\
    For the statistics benchmark (scripts/bench-statistics.sh): --time-raw-statistics reads \
    lines 'organisation FROM TO', 'team TEAM-ID FROM TO' or 'worker USER-ID FROM TO' (local \
    dates of the organisation, both included) from the standard input and for each runs the \
    dashboard's aggregate queries (store::statistics::activity and outcomes, the same SQL the \
    page runs, nothing rendered), printing the time in milliseconds, the cases followed and the \
    contacts counted; a line starting with 'rows' runs the same figures counted from the rows \
    alone (activity_from_rows, outcomes_from_rows: no day summary, span or step, ADR 0043), the \
    raw SQL the summaries are measured against; --sample-scope prints the first team's id and the id of its first \
    worker.";

#[derive(clap::Args)]
pub struct Args {
    /// S (10 000 persons), M (100 000) or L (1 000 000); XS (200) is for tests.
    #[arg(long, value_parser = parse_size,
          required_unless_present_any = ["queries", "time_raw", "cases", "join_team", "time_raw_cases",
              "time_raw_statistics", "sample_scope"])]
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
    /// Print N cases of the first team, long and short histories, instead of generating.
    #[arg(long, value_name = "N", conflicts_with_all = ["size", "queries", "time_raw"])]
    cases: Option<usize>,
    /// Put the account of EMAIL (a member of the generated organisation) in the first team.
    #[arg(long, value_name = "EMAIL", conflicts_with_all = ["size", "queries", "time_raw", "cases"])]
    join_team: Option<String>,
    /// Time the queries of case pages read from the standard input, as the account of EMAIL.
    #[arg(long, value_name = "EMAIL",
          conflicts_with_all = ["size", "queries", "time_raw", "cases", "join_team"])]
    time_raw_cases: Option<String>,
    /// Time the statistics dashboard's aggregate queries for scopes read from the standard input.
    #[arg(long, conflicts_with_all = ["size", "queries", "time_raw", "cases", "join_team",
          "time_raw_cases"])]
    time_raw_statistics: bool,
    /// Print the first team's id and its first worker's id.
    #[arg(long, conflicts_with_all = ["size", "queries", "time_raw", "cases", "join_team",
          "time_raw_cases", "time_raw_statistics"])]
    sample_scope: bool,
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
        _ if args.cases.is_some() => print_cases(&db, args.cases.unwrap_or(0)).await,
        _ if args.join_team.is_some() => {
            join_team(&db, args.join_team.as_deref().unwrap_or("")).await
        }
        _ if args.time_raw_cases.is_some() => {
            time_raw_cases(&db, args.time_raw_cases.as_deref().unwrap_or("")).await
        }
        _ if args.time_raw_statistics => time_raw_statistics(&db).await,
        _ if args.sample_scope => sample_scope(&db).await,
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
        "Generated {} persons in {} households ({} search terms), {} cases with {} timeline \
         entries followed by {} workers in {} teams, for organisation {} (seed {seed}) on {} \
         in {:.1} s.",
        summary.persons,
        summary.households,
        summary.terms,
        summary.cases,
        summary.entries,
        summary.workers,
        summary.teams,
        bench_data::SLUG,
        db.engine().name(),
        summary.elapsed.as_secs_f64(),
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

async fn print_cases(db: &store::Db, count: usize) -> Result<(), Failure> {
    let org = generated(db).await?;
    for c in bench_data::sample_cases(db, org, count).await? {
        println!("{} {} {} {}", c.history, c.id, c.entries, c.status);
    }
    Ok(())
}

async fn join_team(db: &store::Db, email: &str) -> Result<(), Failure> {
    let org = generated(db).await?;
    if !bench_data::join_first_team(db, org, email).await? {
        return Err(Failure(format!(
            "--join-team {email:?}: no such member of {} (create it with passerelle user create)",
            bench_data::SLUG
        )));
    }
    println!("{email} joined {}.", bench_data::cases::team_name(0));
    Ok(())
}

/// How the case page writes a timeline position in its links (`web::cases::pages`): the
/// entry's time in nanoseconds since the epoch, an underscore, the entry's id.
fn cursor_text(c: &store::cases::Cursor) -> String {
    format!("{}_{}", c.occurred_at.get().unix_timestamp_nanos(), c.id)
}

fn parse_cursor(s: &str) -> Option<store::cases::Cursor> {
    let (nanos, id) = s.split_once('_')?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some(store::cases::Cursor { occurred_at: store::Ts::from(at), id: id.parse().ok()? })
}

/// What the case page asks: 5 last contacts, pages of 20 entries (`web::cases::pages`).
const LAST_CONTACTS: i64 = 5;
const TIMELINE_PAGE: i64 = 20;

async fn time_raw_cases(db: &store::Db, email: &str) -> Result<(), Failure> {
    let org = generated(db).await?;
    let viewer = bench_data::user_by_email(db, email)
        .await?
        .ok_or_else(|| Failure(format!("--time-raw-cases {email:?}: no such account")))?;
    let mut lines = std::io::stdin().lines();
    while let Some(line) = tokio::task::block_in_place(|| lines.next()) {
        let line = line.map_err(|e| Failure(format!("standard input: {e}")))?;
        let mut words = line.split_whitespace();
        let (what, case) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let case: domain::CaseId =
            case.parse().map_err(|_| Failure(format!("{line:?}: expected a case id")))?;
        let before = match words.next() {
            Some(c) => {
                Some(parse_cursor(c).ok_or_else(|| Failure(format!("{line:?}: bad cursor")))?)
            }
            None => None,
        };
        let started = Instant::now();
        let (entries, older) = match what {
            "overview" => {
                bench_data::raw_overview(
                    db,
                    org,
                    case,
                    viewer,
                    before,
                    LAST_CONTACTS,
                    TIMELINE_PAGE,
                )
                .await?
            }
            "timeline" => {
                bench_data::raw_timeline(db, org, case, viewer, before, TIMELINE_PAGE).await?
            }
            _ => return Err(Failure(format!("{line:?}: expected overview or timeline"))),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let next = older.as_ref().map(cursor_text).unwrap_or_else(|| "-".into());
        println!("{ms:.3} {entries} {next}");
    }
    Ok(())
}

async fn sample_scope(db: &store::Db) -> Result<(), Failure> {
    let org = generated(db).await?;
    let (team, worker) = bench_data::first_team_and_worker(db, org).await?;
    println!("{team} {worker}");
    Ok(())
}

/// Runs the dashboard's aggregates, as `web::statistics::pages::dashboard` does after deciding
/// the scope and the period, for each line of the standard input.
async fn time_raw_statistics(db: &store::Db) -> Result<(), Failure> {
    use domain::statistics::StatsScope;
    let org = store::organisations::find_by_slug(db, bench_data::SLUG)
        .await?
        .ok_or_else(|| Failure("no generated data set in this database".into()))?;
    let zone = Some(org.time_zone.as_str());
    let mut lines = std::io::stdin().lines();
    while let Some(line) = tokio::task::block_in_place(|| lines.next()) {
        let line = line.map_err(|e| Failure(format!("standard input: {e}")))?;
        let mut words: Vec<&str> = line.split_whitespace().collect();
        let rows = words.first() == Some(&"rows");
        if rows {
            words.remove(0);
        }
        let bad = || {
            Failure(format!("{line:?}: expected '[rows] organisation|team ID|worker ID FROM TO'"))
        };
        let (scope, dates) = match words.as_slice() {
            ["organisation", dates @ ..] => (StatsScope::Organisation, dates),
            ["team", id, dates @ ..] => {
                (StatsScope::Teams(vec![id.parse().map_err(|_| bad())?]), dates)
            }
            ["worker", id, dates @ ..] => {
                (StatsScope::Worker(id.parse().map_err(|_| bad())?), dates)
            }
            _ => return Err(bad()),
        };
        let [from, to] = dates else { return Err(bad()) };
        let period = domain::statistics::parse_period(
            from,
            to,
            store::ts::local_today(store::Ts::now(), zone),
        )
        .map_err(|_| bad())?;
        let (start, end) = period.local_bounds();
        let span = store::statistics::Span {
            from: web::dates::local_to_utc(start, zone).ok_or_else(bad)?,
            until: web::dates::local_to_utc(end, zone).ok_or_else(bad)?,
        };
        let started = Instant::now();
        let (from, to) = (period.from, period.to);
        let activity = if rows {
            let a = store::statistics::activity_from_rows(db, org.id, &scope, span).await?;
            store::statistics::outcomes_from_rows(db, org.id, &scope, span, from, to, true, true)
                .await?;
            a
        } else {
            let a = store::statistics::activity(db, org.id, &scope, span).await?;
            store::statistics::outcomes(db, org.id, &scope, span, from, to).await?;
            a
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!("{ms:.3} {} {}", activity.cases.followed, activity.contacts_total());
    }
    Ok(())
}
