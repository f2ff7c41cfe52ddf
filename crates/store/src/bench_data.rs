//! Generated data sets for benchmarks (`passerelle bench-data`), and the bulk writer the demo
//! shares.
//!
//! [`generate`] fills an empty database with one organisation and S, M or L persons in
//! households drawn by [`crate::demo::population`], the same people the demo shows, from a
//! seed; then as many cases as persons with ten timeline entries a case on average, followed by
//! teams of workers ([`cases`]), with what the statistics count beside the timelines:
//! appointments, referrals to partner services and their answers, documents filed (their
//! metadata; no file is written), urgency flags and the checks after closure.
//!
//! Rows are written the way [`crate::persons::insert`] and [`crate::households`] write them
//! (record, resources, revision 1, search terms from [`domain::search::person_terms`];
//! households and their memberships), and the cases the way [`crate::cases`] does, but many
//! rows per INSERT and thousands of persons per transaction. Statement texts are built from
//! fixed fragments and placeholder numbers only; every value is bound.

use std::time::{Duration, Instant};

use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::search::{self, Term};
use domain::{OrganisationId, PersonId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::{Database, Encode, Type};
use time::macros::datetime;
use time::{Date, Duration as Span};
use uuid::Uuid;

use crate::demo::population::{Area, Generator, Household, Phones};
use crate::persons::searchable;
use crate::{Db, Exec, StoreError, Ts, Tx, organisations};

pub mod cases;
pub(crate) mod plans;

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 200 persons: for tests of the generator itself.
    Xs,
    S,
    M,
    L,
}

impl Size {
    /// `xs`, `s`, `m` or `l`, in either case.
    pub fn parse(s: &str) -> Option<Size> {
        match s.to_ascii_lowercase().as_str() {
            "xs" => Some(Size::Xs),
            "s" => Some(Size::S),
            "m" => Some(Size::M),
            "l" => Some(Size::L),
            _ => None,
        }
    }

    pub fn persons(self) -> usize {
        match self {
            Size::Xs => 200,
            Size::S => 10_000,
            Size::M => 100_000,
            Size::L => 1_000_000,
        }
    }

    /// As many cases as persons (some persons have several, many none).
    pub fn cases(self) -> usize {
        self.persons()
    }

    /// Timeline entries of all cases.
    pub fn entries(self) -> usize {
        self.cases() * cases::EVENTS_PER_CASE
    }
}

/// The organisation that holds the generated data.
pub const SLUG: &str = "banc-essai";
const NAME: &str = "Banc d'essai (données générées)";

/// Persons written per transaction: large enough that commits cost nothing, small enough that
/// SQLite's write-ahead log stays in the tens of megabytes.
const PERSONS_PER_TRANSACTION: usize = 10_000;

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub organisation_id: OrganisationId,
    pub persons: usize,
    pub households: usize,
    pub terms: usize,
    pub teams: usize,
    pub workers: usize,
    pub cases: usize,
    /// Timeline entries of the cases (notes and status changes).
    pub entries: usize,
    pub elapsed: Duration,
}

/// Why [`generate`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum BenchDataError {
    #[error(
        "the database already holds data ({organisations} organisation(s), {persons} person(s)); \
         bench-data only fills an empty, migrated database"
    )]
    NotEmpty { organisations: i64, persons: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BenchDataError {
    fn from(e: sqlx::Error) -> Self {
        BenchDataError::Store(e.into())
    }
}

/// How many organisations and persons the database holds.
pub async fn contents(db: &Db) -> Result<(i64, i64), StoreError> {
    Ok(sql!(
        as (i64, i64),
        fetch_one,
        db,
        "SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM persons)"
    )?)
}

/// Fills an empty, migrated database with one organisation ([`SLUG`]) and `size` persons in
/// households, the same for the same seed. `progress` is told how many persons are written
/// after each transaction.
pub async fn generate(
    db: &Db,
    size: Size,
    seed: u64,
    mut progress: impl FnMut(usize),
) -> Result<Summary, BenchDataError> {
    let started = Instant::now();
    let (organisations, persons) = contents(db).await?;
    if organisations > 0 || persons > 0 {
        return Err(BenchDataError::NotEmpty { organisations, persons });
    }
    let created = Ts::from(datetime!(2016-07-01 08:00 UTC));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let org = NewOrganisation {
        id: OrganisationId::from_uuid(uuid_at(&mut rng, created)),
        slug: Slug::parse(SLUG).expect("the bench slug is valid"),
        name: DisplayName::parse(NAME).expect("the bench name is valid"),
        time_zone: "Europe/Paris".to_owned(),
    };
    organisations::insert(db, &org, created).await?;
    let staff = cases::write_staff(db, org.id, size.cases(), seed, created).await?;

    // Registrations spread over the ten years up to mid-2026 (2.7 persons a household).
    let target = size.persons();
    let expected_households = (target as i64 * 10 / 27).max(1);
    let step = Span::days(3_652) / expected_households as i32;
    let mut generator = Generator::new(
        seed,
        POPULATION_STREAM,
        Ts::from(created.get() + Span::days(1)),
        step.max(Span::milliseconds(1)),
        Area::HauteVallee,
        Phones::Spread,
    );
    // The term index is rebuilt once at the end: kept up to date row by row, it costs a random
    // page of a large index per term (most of the time of L), and a sort is much cheaper.
    // Dropped and created again on one connection: another one of the pool could still hold
    // the schema as it was, and refuse to create an index it believes is there.
    let mut ddl = DdlConnection::acquire(db).await?;
    let deferred = defer_term_checks(&mut ddl.exec()).await?;
    let filled = fill(db, org.id, target, &mut generator, &staff, seed, &mut progress).await;
    for statement in &deferred {
        sql!(execute, ddl.exec(), statement.as_str())?;
    }
    drop(ddl);
    let (written, households, terms, in_cases) = filled?;
    // Statistics, so a benchmark starts from the steady state: on PostgreSQL what autovacuum
    // would do within the minute (with the visibility map); on SQLite what `PRAGMA optimize`
    // does when the server's connections open.
    match db.engine() {
        crate::Engine::Postgres => sql!(
            execute,
            db,
            "VACUUM (ANALYZE) persons, person_terms, person_resources, \
             person_revisions, households, household_members, cases, case_co_referents, \
             case_entries, users, memberships, membership_teams, teams, appointments, consents, \
             referrals, referral_steps, partner_organisations, partner_services, documents, \
             urgency_flags, case_follow_ups, case_follow_up_domains, assessments, \
             assessment_ratings, plan_goals, plan_victories"
        )?,
        crate::Engine::Sqlite => {
            let mut ddl = DdlConnection::acquire(db).await?;
            sql!(execute, ddl.exec(), "PRAGMA analysis_limit = 400")?;
            sql!(execute, ddl.exec(), "ANALYZE")?
        }
    };
    Ok(Summary {
        organisation_id: org.id,
        persons: written,
        households,
        terms,
        teams: staff.teams.len(),
        workers: staff.workers.len(),
        cases: in_cases.cases,
        entries: in_cases.entries,
        elapsed: started.elapsed(),
    })
}

/// Writes `target` persons in households, and their cases, a transaction every
/// [`PERSONS_PER_TRANSACTION`]: (persons, households, search terms, cases) written.
async fn fill(
    db: &Db,
    organisation_id: OrganisationId,
    target: usize,
    generator: &mut Generator,
    staff: &cases::Staff,
    seed: u64,
    progress: &mut impl FnMut(usize),
) -> Result<(usize, usize, usize, cases::Written), StoreError> {
    let (mut written, mut households, mut terms) = (0, 0, 0);
    let mut in_cases = cases::Written::default();
    let mut case_generator = cases::CaseGenerator::new(seed);
    while written < target {
        let mut batch = Vec::new();
        let mut in_batch = 0;
        while in_batch < PERSONS_PER_TRANSACTION && written + in_batch < target {
            let mut h = generator.household(None);
            h.members.truncate(target - written - in_batch);
            in_batch += h.members.len();
            batch.push(h);
        }
        let mut tx = db.begin_write().await?;
        if let Tx::Sqlite(t) = &mut tx {
            // SQLite's default page cache (2 MB) is smaller than what a batch changes: pages
            // would be spilled to the log and read back. A maximum, allocated as needed, for
            // this connection only.
            sqlx::query(&format!("PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
                .execute(&mut **t)
                .await?;
        }
        terms += write_households(&mut tx, organisation_id, &batch).await?;
        let w = cases::write_cases(&mut tx, organisation_id, &batch, staff, &mut case_generator)
            .await?;
        tx.commit().await?;
        in_cases.cases += w.cases;
        in_cases.entries += w.entries;
        written += in_batch;
        households += batch.len();
        progress(written);
    }
    Ok((written, households, terms, in_cases))
}

const TERM_INDEX: &str = "person_terms_lookup_idx";

/// Takes out of the way what the search terms' rows are checked against one by one while
/// loading: the term index, and on PostgreSQL the foreign keys of the terms (each row would fire
/// two triggers, each an index lookup, about a third of the time of M). Returns the statements
/// that put them back, made of the definitions the database itself holds, so nothing here
/// repeats the migrations. The keys are checked again, all at once, when they are added back.
///
/// The definitions are DDL with identifiers, which cannot be bound; they come from the
/// database's catalog, never from input.
async fn defer_term_checks(conn: &mut Exec<'_>) -> Result<Vec<String>, StoreError> {
    let mut restore = Vec::new();
    let postgres = matches!(conn, Exec::PgConn(_) | Exec::PgPool(_));
    let index: Option<String> = match postgres {
        false => sql!(
            scalar String,
            fetch_optional,
            &mut *conn,
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1",
            TERM_INDEX,
        )?,
        true => sql!(
            scalar String,
            fetch_optional,
            &mut *conn,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1",
            TERM_INDEX,
        )?,
    };
    if let Some(definition) = index {
        sql!(execute, &mut *conn, "DROP INDEX person_terms_lookup_idx")?;
        restore.push(definition);
    }
    if postgres {
        let keys: Vec<(String, String)> = sql!(
            as (String, String),
            fetch_all,
            &mut *conn,
            "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid = 'person_terms'::regclass AND contype = 'f' ORDER BY conname",
        )?;
        for (name, definition) in keys {
            if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                continue;
            }
            sql!(execute, &mut *conn, &format!("ALTER TABLE person_terms DROP CONSTRAINT {name}"))?;
            restore.push(format!("ALTER TABLE person_terms ADD CONSTRAINT {name} {definition}"));
        }
    }
    Ok(restore)
}

/// One connection of the pool, held for a while.
enum DdlConnection {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl DdlConnection {
    async fn acquire(db: &Db) -> Result<DdlConnection, StoreError> {
        Ok(match db {
            Db::Sqlite(p) => DdlConnection::Sqlite(p.acquire().await?),
            Db::Postgres(p) => DdlConnection::Postgres(p.acquire().await?),
        })
    }

    fn exec(&mut self) -> Exec<'_> {
        match self {
            DdlConnection::Sqlite(c) => Exec::SqliteConn(c),
            DdlConnection::Postgres(c) => Exec::PgConn(c),
        }
    }
}

/// SQLite page cache while generating, in KiB.
const SQLITE_CACHE_KIB: i64 = 1 << 20;

/// The random stream of the seed the persons are drawn from (stream 0 gives the ids of the
/// organisation).
const POPULATION_STREAM: u64 = 1;

fn uuid_at(rng: &mut ChaCha8Rng, at: Ts) -> Uuid {
    let millis = (at.get().unix_timestamp_nanos() / 1_000_000) as u64;
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

// ---------------------------------------------------------------------------------------------
// Bulk writing

/// A value to bind; borrowed, so a batch's rows are bound without copying their text.
#[derive(Debug, Clone, Copy)]
enum V<'a> {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Text(Option<&'a str>),
    Date(Option<Date>),
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
    Ts(Ts),
    OptTs(Option<Ts>),
}

fn bind_values<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>,
    values: &[V<'q>],
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    Uuid: Encode<'q, DB> + Type<DB>,
    Option<Uuid>: Encode<'q, DB> + Type<DB>,
    Option<Ts>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    Option<Date>: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
    Ts: Encode<'q, DB> + Type<DB>,
{
    for v in values {
        query = match *v {
            V::Uuid(x) => query.bind(x),
            V::OptUuid(x) => query.bind(x),
            V::OptTs(x) => query.bind(x),
            V::Text(x) => query.bind(x),
            V::Date(x) => query.bind(x),
            V::Int(x) => query.bind(x),
            V::OptInt(x) => query.bind(x),
            V::Bool(x) => query.bind(x),
            V::Ts(x) => query.bind(x),
        };
    }
    query
}

/// One table's multi-row INSERT: `head` up to `VALUES `, then rows of `width` values each,
/// written by `tuple` from the number of the row's first placeholder.
///
/// No placeholder appears twice (a value needed twice is bound twice): SQLite looks a repeated
/// one up among all those of the statement, which makes long statements quadratic.
struct Insert<F: Fn(usize) -> String> {
    head: &'static str,
    width: usize,
    tuple: F,
    /// Fewer rows a statement when they are long (revision snapshots).
    rows_divisor: usize,
}

impl<F: Fn(usize) -> String> Insert<F> {
    async fn run<'a>(&self, tx: &mut Tx, values: &[V<'a>]) -> Result<(), StoreError> {
        debug_assert_eq!(values.len() % self.width, 0);
        let budget = match tx {
            Tx::Sqlite(_) => SQLITE_VALUES,
            Tx::Postgres(_) => POSTGRES_VALUES,
        };
        let rows_per_statement = (budget / self.width / self.rows_divisor).max(1);
        for chunk in values.chunks(self.width * rows_per_statement) {
            let rows = chunk.len() / self.width;
            let mut text = String::with_capacity(self.head.len() + rows * self.width * 8);
            text.push_str(self.head);
            for r in 0..rows {
                if r > 0 {
                    text.push_str(", ");
                }
                text.push_str(&(self.tuple)(1 + r * self.width));
            }
            // Full statements come back every batch: keep them prepared. A batch's last,
            // shorter one would only crowd the statement cache.
            let keep = rows == rows_per_statement;
            match tx {
                Tx::Sqlite(t) => {
                    // Numbered placeholders cost SQLite a walk of the list of those already
                    // seen, when compiling and again when sqlx asks each one's name to bind it:
                    // quadratic, most of the time of a 500-value statement. Each appears once,
                    // in order, so anonymous ones bind the same values.
                    let text = anonymous_placeholders(&text);
                    bind_values(sqlx::query(&text), chunk)
                        .persistent(keep)
                        .execute(&mut **t)
                        .await?;
                }
                Tx::Postgres(t) => {
                    bind_values(sqlx::query(&text), chunk)
                        .persistent(keep)
                        .execute(&mut **t)
                        .await?;
                }
            }
        }
        Ok(())
    }
}

/// Values bound per statement. SQLite compiles a long VALUES list in more than linear time (a
/// demo seed costs 5 times more CPU with 4 000 values a statement than with 500); PostgreSQL
/// rather pays a round trip per statement. Both are far below the engines' limits (32 766 and
/// 65 535 values).
const SQLITE_VALUES: usize = 500;
const POSTGRES_VALUES: usize = 500;

/// The text with each `$NNN` replaced by `?`.
fn anonymous_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            out.push('?');
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `$a, $b, …` for `n` placeholders from `first`.
fn placeholders(first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 7);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&(first + i).to_string());
    }
    s
}

/// Writes households, their members' records (resources, revision 1, search terms) and
/// memberships, as [`crate::persons::insert`] and [`crate::households`] would one by one, in
/// multi-row statements. Returns how many search terms were written.
pub(crate) async fn write_households(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    households: &[Household],
) -> Result<usize, StoreError> {
    let org = V::Uuid(organisation_id.as_uuid());
    let persons: Vec<_> =
        households.iter().flat_map(|h| h.members.iter().map(move |m| (h, m))).collect();

    // What the rows borrow: phones as one text, revision snapshots, search terms.
    let phones: Vec<Option<String>> = persons
        .iter()
        .map(|(_, m)| (!m.record.phones.is_empty()).then(|| m.record.phones.join("\n")))
        .collect();
    let snapshots: Vec<String> = persons
        .iter()
        .map(|(_, m)| serde_json::to_string(&m.record.to_form()).expect("a form always serialises"))
        .collect();
    let terms: Vec<Vec<Term>> =
        persons.iter().map(|(_, m)| search::person_terms(&searchable(&m.record))).collect();

    const PERSON_WIDTH: usize = 31;
    let mut values = Vec::with_capacity(persons.len() * PERSON_WIDTH);
    for (i, (h, m)) in persons.iter().enumerate() {
        fn t(s: &Option<String>) -> Option<&str> {
            s.as_deref()
        }
        let r = &m.record;
        values.extend([
            org,
            V::Uuid(m.person_id.as_uuid()),
            V::Text(t(&r.birth_name)),
            V::Text(t(&r.used_name)),
            V::Text(t(&r.first_names)),
            V::Date(r.birth_date),
            V::Text(t(&r.birth_place)),
            V::Text(t(&r.sex)),
            V::Text(t(&r.nationality)),
            V::Text(t(&r.residence_status)),
            V::Text(t(&r.languages)),
            V::Bool(r.interpreter_needed),
            V::Text(phones[i].as_deref()),
            V::Text(t(&r.email)),
            V::Text(t(&r.address_line1)),
            V::Text(t(&r.address_line2)),
            V::Text(t(&r.postcode)),
            V::Text(t(&r.town)),
            V::Text(t(&r.country)),
            V::Text(t(&r.benefit_office_number)),
            V::Text(t(&r.employment_service_id)),
            V::Text(t(&r.housing_situation)),
            V::Text(t(&r.family_situation)),
            V::Text(t(&r.protection_measure)),
            V::Text(t(&r.protector_name)),
            V::Text(t(&r.protector_contact)),
            V::Date(r.protection_start),
            V::Date(r.protection_review),
            V::Text(t(&r.own_words)),
            V::Ts(h.created_at),
            V::Ts(h.created_at),
        ]);
    }
    Insert {
        head: "INSERT INTO persons (organisation_id, id, birth_name, used_name, first_names, \
               birth_date, birth_place, sex, nationality, residence_status, languages, \
               interpreter_needed, phones, email, address_line1, address_line2, postcode, town, \
               country, benefit_office_number, employment_service_id, housing_situation, \
               family_situation, protection_measure, protector_name, protector_contact, \
               protection_start, protection_review, own_words, created_at, updated_at, \
               created_by, version) VALUES ",
        width: PERSON_WIDTH,
        tuple: |p| format!("({}, NULL, 1)", placeholders(p, PERSON_WIDTH)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    for h in households {
        values.extend([org, V::Uuid(h.id.as_uuid()), V::Ts(h.created_at), V::Ts(h.created_at)]);
    }
    Insert {
        head: "INSERT INTO households (organisation_id, id, created_at, updated_at, name, \
               created_by, version) VALUES ",
        width: 4,
        tuple: |p| format!("({}, NULL, NULL, 1)", placeholders(p, 4)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    for (h, m) in &persons {
        values.extend([
            V::Uuid(m.membership_id.as_uuid()),
            V::Uuid(h.id.as_uuid()),
            V::Uuid(m.person_id.as_uuid()),
            V::Text(Some(m.relationship)),
            V::Date(m.from_date),
            V::Date(m.to_date),
            V::Ts(h.created_at),
            V::Ts(h.created_at),
        ]);
    }
    Insert {
        head: "INSERT INTO household_members (id, household_id, person_id, relationship, \
               from_date, to_date, created_at, updated_at, version) VALUES ",
        width: 8,
        tuple: |p| format!("({}, 1)", placeholders(p, 8)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    for (_, m) in &persons {
        for r in &m.record.resources {
            values.extend([
                V::Uuid(m.person_id.as_uuid()),
                V::Text(Some(&r.code)),
                V::OptInt(r.amount_cents),
            ]);
        }
    }
    Insert {
        head: "INSERT INTO person_resources (person_id, code, amount_cents) VALUES ",
        width: 3,
        tuple: |p| format!("({})", placeholders(p, 3)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    for ((h, m), snapshot) in persons.iter().zip(&snapshots) {
        values.extend([
            V::Uuid(m.person_id.as_uuid()),
            V::Text(Some(snapshot)),
            V::Ts(h.created_at),
        ]);
    }
    Insert {
        head: "INSERT INTO person_revisions (person_id, snapshot, changed_at, version, \
               changed_by) VALUES ",
        width: 3,
        tuple: |p| format!("({}, 1, NULL)", placeholders(p, 3)),
        // The snapshots are long: fewer of them a statement.
        rows_divisor: 4,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    let mut term_rows = 0;
    for ((_, m), person_terms) in persons.iter().zip(&terms) {
        term_rows += person_terms.len();
        for term in person_terms {
            values.extend([
                org,
                V::Uuid(m.person_id.as_uuid()),
                V::Text(Some(&term.text)),
                V::Int(term.kind),
            ]);
        }
    }
    Insert {
        head: "INSERT INTO person_terms (organisation_id, person_id, term, kind) VALUES ",
        width: 4,
        tuple: |p| format!("({})", placeholders(p, 4)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;
    Ok(term_rows)
}

// ---------------------------------------------------------------------------------------------
// Queries for the search benchmarks

/// `count` searches as reception types them, drawn from persons of the organisation (spread
/// over its records, the same for the same seed): full names as written and without accents
/// in the other order, a typo, the first letters of both names, a family name alone, a birth
/// date, a phone written another way, a name with a birth date.
pub async fn queries(
    db: &Db,
    organisation_id: OrganisationId,
    count: usize,
    seed: u64,
) -> Result<Vec<String>, StoreError> {
    let end = |last: bool| {
        // min() and max() of a UUID column are not portable; the index gives both ends.
        let sql = if last {
            "SELECT id FROM persons WHERE organisation_id = $1 ORDER BY id DESC LIMIT 1"
        } else {
            "SELECT id FROM persons WHERE organisation_id = $1 ORDER BY id LIMIT 1"
        };
        async move { sql!(scalar Uuid, fetch_optional, db, sql, organisation_id.as_uuid()) }
    };
    let (Some(lo), Some(hi)) = (end(false).await?, end(true).await?) else { return Ok(vec![]) };
    let (lo, hi) = (lo.as_u128(), hi.as_u128());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(QUERY_STREAM);
    let mut out = Vec::with_capacity(count);
    let mut attempts = 0;
    while out.len() < count && attempts < count * 20 {
        attempts += 1;
        // Ids are UUID v7 in registration order: a random id between the first and the last
        // lands on a random person, found through the primary key.
        let at = Uuid::from_u128(lo + rng.random_range(0..=hi - lo));
        let row: Option<QueryPerson> = sql!(
            as QueryPerson,
            fetch_optional,
            db,
            "SELECT birth_name, used_name, first_names, birth_date, phones FROM persons \
             WHERE organisation_id = $1 AND id >= $2 ORDER BY id LIMIT 1",
            organisation_id.as_uuid(),
            at,
        )?;
        if let Some(p) = row
            && let Some(q) = query_for(&p, out.len(), &mut rng)
        {
            out.push(q);
        }
    }
    Ok(out)
}

const QUERY_STREAM: u64 = 7;

#[derive(sqlx::FromRow)]
struct QueryPerson {
    birth_name: Option<String>,
    used_name: Option<String>,
    first_names: Option<String>,
    birth_date: Option<Date>,
    phones: Option<String>,
}

/// The `n`-th query of the mix for one person, or `None` when the person lacks what it needs.
fn query_for(p: &QueryPerson, n: usize, rng: &mut ChaCha8Rng) -> Option<String> {
    let family = p.used_name.as_deref().or(p.birth_name.as_deref())?;
    let first = p.first_names.as_deref()?.split(' ').next()?;
    let plain = |s: &str| search::words(s).join(" ");
    let date =
        p.birth_date.map(|d| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()));
    Some(match n % 10 {
        0 => format!("{first} {family}"),
        1 => format!("{} {}", plain(family), plain(first)),
        2 => format!("{} {first}", typo(family, rng).or_else(|| typo(first, rng))?),
        3 => {
            let head = |s: &str, n: usize| plain(s).chars().take(n).collect::<String>();
            format!("{} {}", head(family, 4), head(first, 3))
        }
        4 => plain(family),
        5 => date?,
        6 => {
            let written = p.phones.as_deref()?.lines().next()?;
            let national = national_digits(written)?;
            // Typed another way than it was written: digits only, or in pairs.
            if written.contains(' ') { national } else { spaced(&national) }
        }
        7 => format!("{family} {}", date?),
        8 => format!("{} {}", plain(first), typo(&plain(family), rng)?),
        _ => family.to_uppercase(),
    })
}

/// The word with one letter replaced (never the first), if it has 5 letters or more.
fn typo(s: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    if letters < search::TYPO_MIN_LEN || chars.iter().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let at = rng.random_range(1..chars.len());
    let mut out = chars.clone();
    out[at] = if chars[at] == 'e' { 'a' } else { 'e' };
    Some(out.into_iter().collect())
}

/// A French number as ten digits from 0 ("+33 (0)6 12…" → "0612…").
fn national_digits(written: &str) -> Option<String> {
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("33") {
        Some(rest) if written.trim_start().starts_with('+') => {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        }
        _ => digits,
    };
    (national.len() == 10).then_some(national)
}

fn spaced(digits: &str) -> String {
    let bytes: Vec<char> = digits.chars().collect();
    bytes.chunks(2).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The index work of [`crate::persons::search`] alone: the plan, the choice of the driving
/// slot and the candidate query, without reading the records nor ranking them. For benchmarks, to compare the search with
/// the raw index lookup in the same run. Returns how many candidates the index gave.
pub async fn raw_candidates(
    db: &Db,
    organisation_id: OrganisationId,
    query: &str,
) -> Result<usize, StoreError> {
    let plan = search::plan(query);
    // As the search page asks (25 results).
    Ok(crate::persons::candidates(&mut db.into(), organisation_id, &plan, 25).await?.len())
}

/// The first person of the organisation (lowest id), for checking that a seed gives the same
/// data twice.
pub async fn first_person(
    db: &Db,
    organisation_id: OrganisationId,
) -> Result<Option<(PersonId, String)>, StoreError> {
    type Row = (Uuid, Option<String>, Option<String>, Option<Date>);
    let row: Option<Row> = sql!(
        as Row,
        fetch_optional,
        db,
        "SELECT id, birth_name, first_names, birth_date FROM persons \
         WHERE organisation_id = $1 ORDER BY id LIMIT 1",
        organisation_id.as_uuid(),
    )?;
    Ok(row.map(|(id, family, first, born)| {
        let text = [family, first, born.map(|d| d.to_string())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (PersonId::from_uuid(id), text)
    }))
}

// ---------------------------------------------------------------------------------------------
// Cases for the case file benchmarks

/// A case the benchmarks open, with how many entries its timeline has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleCase {
    pub id: domain::CaseId,
    pub entries: i64,
    /// `long` (among the longest histories of the team) or `short` (about the median).
    pub history: &'static str,
    /// `open`, `paused` or `closed` (notes are written to open and paused cases only).
    pub status: String,
}

/// `count` cases of the first team ([`cases::team_name`] 0, the one [`join_first_team`] puts a
/// benchmark account in): half among its longest histories, half around the median length.
pub async fn sample_cases(
    db: &Db,
    organisation_id: OrganisationId,
    count: usize,
) -> Result<Vec<SampleCase>, StoreError> {
    let rows: Vec<(Uuid, i64, String)> = sql!(
        as (Uuid, i64, String),
        fetch_all,
        db,
        "SELECT c.id, count(e.id) AS n, c.status FROM cases c \
         JOIN teams t ON t.id = c.team_id AND t.organisation_id = c.organisation_id \
         JOIN case_entries e ON e.case_id = c.id \
         WHERE c.organisation_id = $1 AND t.name = $2 GROUP BY c.id, c.status \
         ORDER BY n DESC, c.id",
        organisation_id.as_uuid(),
        cases::team_name(0),
    )?;
    let long = count / 2;
    let short = count - long;
    let mut out: Vec<SampleCase> = rows
        .iter()
        .take(long)
        .map(|(id, n, status)| SampleCase {
            id: domain::CaseId::from_uuid(*id),
            entries: *n,
            history: "long",
            status: status.clone(),
        })
        .collect();
    let middle = rows.len() / 2;
    let from = middle.saturating_sub(short / 2).max(long.min(rows.len()));
    out.extend(rows.iter().skip(from).take(short).map(|(id, n, status)| SampleCase {
        id: domain::CaseId::from_uuid(*id),
        entries: *n,
        history: "short",
        status: status.clone(),
    }));
    Ok(out)
}

/// Puts the account `email` (a worker of the generated organisation) in the first team, whose
/// cases [`sample_cases`] draws: as a colleague of the team, it reads and writes them.
pub async fn join_first_team(
    db: &Db,
    organisation_id: OrganisationId,
    email: &str,
) -> Result<bool, StoreError> {
    let membership: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        db,
        "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND u.email = $2",
        organisation_id.as_uuid(),
        email,
    )?;
    let team: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        db,
        "SELECT id FROM teams WHERE organisation_id = $1 AND name = $2",
        organisation_id.as_uuid(),
        cases::team_name(0),
    )?;
    let (Some(membership), Some(team)) = (membership, team) else { return Ok(false) };
    crate::accounts::add_membership_team(
        db,
        domain::MembershipId::from_uuid(membership),
        domain::TeamId::from_uuid(team),
        false,
    )
    .await?;
    Ok(true)
}

/// The first team and its first worker (the referent of about 80 of its cases): the team and
/// worker scopes of the statistics benchmark.
pub async fn first_team_and_worker(
    db: &Db,
    organisation_id: OrganisationId,
) -> Result<(domain::TeamId, domain::UserId), StoreError> {
    let team: Uuid = sql!(
        scalar Uuid,
        fetch_one,
        db,
        "SELECT id FROM teams WHERE organisation_id = $1 AND name = $2",
        organisation_id.as_uuid(),
        cases::team_name(0),
    )?;
    let worker: Uuid = sql!(
        scalar Uuid,
        fetch_one,
        db,
        "SELECT id FROM users WHERE email = $1",
        cases::worker_email(0),
    )?;
    Ok((domain::TeamId::from_uuid(team), domain::UserId::from_uuid(worker)))
}

/// The user of an e-mail address, for timing the queries of a case page as they would read it.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<domain::UserId>, StoreError> {
    Ok(crate::accounts::find_user_by_email(db, email).await?.map(|u| u.id))
}

/// The queries of the case overview page alone (the case and its co-referents, then
/// [`crate::cases::overview`]: person, households, flags, lists, last contacts, one timeline
/// page from `before`, the draft), as `viewer` — a colleague of the case's team, not its
/// referent — reads them; no session, audit event, policy or rendering. For benchmarks, to
/// compare the page with its queries in the same run. Returns the entries of the timeline page
/// and where the next one starts.
pub async fn raw_overview(
    db: &Db,
    organisation_id: OrganisationId,
    case_id: domain::CaseId,
    viewer: domain::UserId,
    before: Option<crate::cases::Cursor>,
    last_contacts: i64,
    page: i64,
) -> Result<(usize, Option<crate::cases::Cursor>), StoreError> {
    let Some(case) = crate::cases::find(db, organisation_id, case_id).await? else {
        return Ok((0, None));
    };
    let visibility = domain::policy::NoteVisibility { viewer, referents_level: false };
    let overview = crate::cases::overview(
        db,
        &case,
        Some(visibility),
        None,
        before,
        last_contacts,
        page,
        Some(viewer),
    )
    .await?;
    Ok(overview.map(|o| (o.timeline.entries.len(), o.timeline.older)).unwrap_or((0, None)))
}

/// The timeline query alone ([`crate::cases::timeline`]: one page from `before`), as
/// [`raw_overview`]'s viewer reads it.
pub async fn raw_timeline(
    db: &Db,
    organisation_id: OrganisationId,
    case_id: domain::CaseId,
    viewer: domain::UserId,
    before: Option<crate::cases::Cursor>,
    page: i64,
) -> Result<(usize, Option<crate::cases::Cursor>), StoreError> {
    let visibility = domain::policy::NoteVisibility { viewer, referents_level: false };
    let p =
        crate::cases::timeline(db, organisation_id, case_id, Some(visibility), None, before, page)
            .await?;
    Ok((p.entries.len(), p.older))
}

/// How many cases, co-referents and timeline entries (notes, status changes) the organisation
/// has, and how many of the notes are deleted or restricted.
pub async fn case_counts(db: &Db, organisation_id: OrganisationId) -> Result<[i64; 6], StoreError> {
    let (cases, co, entries, notes, deleted, restricted): (i64, i64, i64, i64, i64, i64) = sql!(
        as (i64, i64, i64, i64, i64, i64),
        fetch_one,
        db,
        "SELECT (SELECT count(*) FROM cases WHERE organisation_id = $1), \
         (SELECT count(*) FROM case_co_referents cc JOIN cases c ON c.id = cc.case_id \
          WHERE c.organisation_id = $1), \
         (SELECT count(*) FROM case_entries WHERE organisation_id = $1), \
         (SELECT count(*) FROM case_entries WHERE organisation_id = $1 AND kind = 'note'), \
         (SELECT count(*) FROM case_entries WHERE organisation_id = $1 AND deleted_at IS NOT NULL), \
         (SELECT count(*) FROM case_entries WHERE organisation_id = $1 AND confidentiality <> 'normal')",
        organisation_id.as_uuid(),
    )?;
    Ok([cases, co, entries, notes, deleted, restricted])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_either_case() {
        assert_eq!(Size::parse("S"), Some(Size::S));
        assert_eq!(Size::parse("m"), Some(Size::M));
        assert_eq!(Size::parse("xs").map(Size::persons), Some(200));
        assert_eq!(Size::parse("XL"), None);
        assert_eq!(Size::L.persons(), 1_000_000);
    }

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(anonymous_placeholders("($1, $2, NULL), ($13, 1)"), "(?, ?, NULL), (?, 1)");
    }

    #[test]
    fn a_typo_changes_one_letter_after_the_first() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..50 {
            let t = typo("Lefebvre", &mut rng).unwrap();
            assert_eq!(t.chars().count(), 8);
            assert!(t.starts_with('L'));
            assert_eq!(t.chars().zip("Lefebvre".chars()).filter(|(a, b)| a != b).count(), 1);
        }
        assert_eq!(typo("Roux", &mut rng), None);
        assert_eq!(spaced("0639981234"), "06 39 98 12 34");
        assert_eq!(national_digits("+33 (0)6 39 98 12 34").as_deref(), Some("0639981234"));
        assert_eq!(national_digits("+33639981234").as_deref(), Some("0639981234"));
        assert_eq!(national_digits("06.39.98.12.34").as_deref(), Some("0639981234"));
    }
}
