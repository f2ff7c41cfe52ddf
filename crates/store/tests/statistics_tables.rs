//! The statutory tables on both engines (issue 11 point 4, ADR 0038): a known set of persons
//! (birth dates, family and housing situations, resources, some missing, some an organisation's
//! own code), their cases over three years and household members never followed is generated
//! from a seed; every row of every default table, for the organisation, a team and a worker in
//! 2025, is checked against the count the test makes itself; the drill-down of a row lists the
//! cases of the persons in it. Both engines give the same numbers (the same seed, the same
//! expectations). The definitions: seeded once, edited only at the version read.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use domain::persons::{PersonRecord, Resource};
use domain::statistics::StatsScope;
use domain::statistics_tables::{Dimension, RowKind, TableDef, defaults};
use domain::{CaseId, HouseholdId, OrganisationId, PersonId, TeamId, UserId};
use store::statistics::Span;
use store::statistics::tables::{self, StoredTable};
use store::{Db, Ts};
use support::{at, organisation, user};
use testkit::engine_tests;
use time::macros::{date, datetime};
use time::{Date, Month};
use uuid::Uuid;

/// Runs one statement with its values bound, on either engine.
macro_rules! run {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $db {
            Db::Sqlite(p) => { sqlx::query($sql)$(.bind($arg))*.execute(p).await.unwrap(); }
            Db::Postgres(p) => { sqlx::query($sql)$(.bind($arg))*.execute(p).await.unwrap(); }
        }
    };
}

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
}

struct Person {
    id: PersonId,
    birth: Option<Date>,
    family: Option<String>,
    housing: Option<String>,
    resources: Vec<String>,
}

struct Case {
    id: CaseId,
    person: usize,
    team: TeamId,
    referent: UserId,
    origin: Option<String>,
    opened: Ts,
    closed: Option<Ts>,
}

struct World {
    org: OrganisationId,
    team_a: TeamId,
    worker: UserId,
    persons: Vec<Person>,
    cases: Vec<Case>,
}

const LAST_DAY: Date = date!(2025 - 12 - 31);

fn year_2025() -> Span {
    Span {
        from: Ts::from(datetime!(2025-01-01 00:00 UTC)),
        until: Ts::from(datetime!(2026-01-01 00:00 UTC)),
    }
}

fn ts(day: i64) -> Ts {
    Ts::from(datetime!(2024-01-01 08:00 UTC) + time::Duration::days(day))
}

/// An organisation's own code, in no default row: counts as "other".
const OWN: &str = "our_own_code";

async fn world(db: &Db, slug: &str) -> World {
    let (org, team_a) = organisation(db, slug).await;
    let team_b = TeamId::new();
    let new = domain::organisations::NewTeam {
        id: team_b,
        organisation_id: org,
        name: domain::organisations::DisplayName::parse("Logement").unwrap(),
    };
    store::teams::insert(db, &new, at(0)).await.unwrap();
    let workers = [user(db, org, "Alice").await, user(db, org, "Bruno").await];
    let mut rng = Lcg(7);
    let family = domain::lists::ListName::FamilySituation.defaults();
    let housing = domain::lists::ListName::HousingSituation.defaults();
    let resources = domain::lists::ListName::Resources.defaults();
    let origins = domain::lists::ListName::OrientationSource.defaults();

    let mut persons = Vec::new();
    for i in 0..60 {
        let birth = match i {
            // 18 on the period's last day, and one day short of it.
            0 => Some(date!(2007 - 12 - 31)),
            1 => Some(date!(2008 - 01 - 01)),
            // 25 on the first day, 60 on the last, born after the period.
            2 => Some(date!(2000 - 01 - 01)),
            3 => Some(date!(1965 - 12 - 31)),
            4 => Some(date!(2026 - 03 - 01)),
            _ if rng.below(6) == 0 => None,
            _ => Some(date!(1930 - 01 - 01) + time::Duration::days(rng.below(95 * 365) as i64)),
        };
        let family = match rng.below(8) {
            0 => None,
            1 => Some(OWN.to_owned()),
            _ => Some(rng.pick(family).to_owned()),
        };
        let housing = match rng.below(8) {
            0 => None,
            1 => Some(OWN.to_owned()),
            _ => Some(rng.pick(housing).to_owned()),
        };
        // None, one, or several resources; two of the same default row ("salary" and
        // "self_employment") for some: the person counts once in that row.
        let mut res: BTreeSet<String> = BTreeSet::new();
        for _ in 0..rng.below(4) {
            res.insert(rng.pick(resources).to_owned());
        }
        if i % 9 == 0 {
            res.insert("salary".into());
            res.insert("self_employment".into());
        }
        if i % 13 == 0 {
            res.insert(OWN.into());
        }
        let id = PersonId::new();
        let rec = PersonRecord {
            birth_name: Some(format!("Personne{i}")),
            birth_date: birth,
            family_situation: family.clone(),
            housing_situation: housing.clone(),
            resources: res
                .iter()
                .map(|c| Resource { code: c.clone(), amount_cents: None })
                .collect(),
            ..Default::default()
        };
        let mut tx = db.begin_write().await.unwrap();
        store::persons::insert(&mut tx, org, id, &rec, None, at(0)).await.unwrap();
        tx.commit().await.unwrap();
        persons.push(Person { id, birth, family, housing, resources: res.into_iter().collect() });
    }

    // Households whose other members are never followed: they count nowhere.
    let mut households = Vec::new();
    for h in 0..5 {
        let id = HouseholdId::new();
        run!(
            db,
            "INSERT INTO households (id, organisation_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
            id.as_uuid(),
            org.as_uuid(),
            at(0)
        );
        let member = &persons[50 + h];
        run!(
            db,
            "INSERT INTO household_members (id, household_id, person_id, relationship, created_at, updated_at) \
             VALUES ($1, $2, $3, 'minor_child', $4, $4)",
            Uuid::now_v7(),
            id.as_uuid(),
            member.id.as_uuid(),
            at(0)
        );
        households.push(id);
    }

    // Persons 50 to 59 have no case; the others one or two, over 2024 to 2026.
    let mut cases = Vec::new();
    for n in 0..70 {
        let person = if n < 50 { n } else { rng.below(50) as usize };
        let referent = workers[rng.below(2) as usize];
        let team = if rng.below(3) == 0 { team_b } else { team_a };
        let opened_day = rng.below(1_000) as i64;
        let closed = (rng.below(2) == 0).then(|| ts(opened_day + rng.below(500) as i64 + 1));
        // The edge cases of age are followed all through 2025, by Alice.
        let (opened_day, closed, referent) =
            if n < 5 { (10, None, workers[0]) } else { (opened_day, closed, referent) };
        let origin = match rng.below(7) {
            0 => None,
            _ => Some(rng.pick(origins).to_owned()),
        };
        let id = CaseId::new();
        let new = store::cases::NewCase {
            id,
            organisation_id: org,
            person_id: persons[person].id,
            household_id: (person % 5 == 0).then(|| households[person % households.len()]),
            team_id: team,
            referent_id: referent,
            co_referents: &[],
            reason: "Loyer",
            orientation_source: origin.as_deref(),
            opened_by: referent,
        };
        let mut tx = db.begin_write().await.unwrap();
        store::cases::open(&mut tx, &new, ts(opened_day)).await.unwrap();
        tx.commit().await.unwrap();
        if let Some(when) = closed {
            run!(
                db,
                "UPDATE cases SET status = 'closed', closed_at = $1, closure_reason = 'other' WHERE id = $2",
                when,
                id.as_uuid()
            );
        }
        cases.push(Case { id, person, team, referent, origin, opened: ts(opened_day), closed });
    }
    World { org, team_a, worker: workers[0], persons, cases }
}

/// Age in whole years on `day`, counted the long way.
fn age_on(birth: Date, day: Date) -> i32 {
    let mut years = day.year() - birth.year();
    let birthday_passed = (day.month() as u8, day.day()) >= (birth.month() as u8, birth.day())
        || (birth.month() == Month::February
            && birth.day() == 29
            && day.month() == Month::March
            && day.day() == 1);
    if !birthday_passed {
        years -= 1;
    }
    years
}

fn in_scope(c: &Case, scope: &StatsScope) -> bool {
    match scope {
        StatsScope::Organisation => true,
        StatsScope::Teams(t) => t.contains(&c.team),
        StatsScope::Worker(w) => c.referent == *w,
    }
}

fn followed(c: &Case, span: Span) -> bool {
    c.opened < span.until && c.closed.is_none_or(|closed| closed >= span.from)
}

/// The table made by hand: for each row of `def`, how many.
fn by_hand(w: &World, def: &TableDef, scope: &StatsScope, span: Span) -> (Vec<i64>, i64) {
    let kinds = def.row_kinds();
    let index = |k: RowKind| kinds.iter().position(|x| *x == k).unwrap();
    let mut counts = vec![0; kinds.len()];
    let cases: Vec<&Case> =
        w.cases.iter().filter(|c| in_scope(c, scope) && followed(c, span)).collect();
    if def.dimension == Dimension::OrientationSource {
        for c in &cases {
            counts[index(def.row_of(c.origin.as_deref().unwrap_or("")))] += 1;
        }
        return (counts.clone(), cases.len() as i64);
    }
    let persons: BTreeSet<usize> = cases.iter().map(|c| c.person).collect();
    for &p in &persons {
        let person = &w.persons[p];
        let rows: BTreeSet<usize> = match def.dimension {
            Dimension::AgeBand => {
                let kind = match person.birth {
                    None => RowKind::NotRecorded,
                    Some(b) => {
                        let age = age_on(b, LAST_DAY).max(0) as u32;
                        *kinds
                            .iter()
                            .find(|k| match k {
                                RowKind::Band { from, to } => {
                                    age >= *from && to.is_none_or(|to| age <= to)
                                }
                                _ => false,
                            })
                            .unwrap()
                    }
                };
                [index(kind)].into()
            }
            Dimension::HouseholdType => {
                [index(def.row_of(person.family.as_deref().unwrap_or("")))].into()
            }
            Dimension::Housing => {
                [index(def.row_of(person.housing.as_deref().unwrap_or("")))].into()
            }
            Dimension::Resources if person.resources.is_empty() => {
                [index(RowKind::NotRecorded)].into()
            }
            Dimension::Resources => {
                person.resources.iter().map(|code| index(def.row_of(code))).collect()
            }
            Dimension::Sex => [index(RowKind::NotRecorded)].into(),
            Dimension::OrientationSource => unreachable!(),
        };
        for r in rows {
            counts[r] += 1;
        }
    }
    (counts, persons.len() as i64)
}

fn scopes(w: &World) -> Vec<StatsScope> {
    vec![StatsScope::Organisation, StatsScope::Teams(vec![w.team_a]), StatsScope::Worker(w.worker)]
}

engine_tests! {
    async fn every_row_of_every_default_table_is_the_count_made_by_hand(db) {
        let db = db.migrated().await;
        let w = world(&db, "tables").await;
        let span = year_2025();
        for scope in scopes(&w) {
            let computed = tables::all_tables(&db, w.org, &scope, span, LAST_DAY, at(0)).await.unwrap();
            assert_eq!(computed.len(), defaults().len());
            for (table, (key, def)) in computed.iter().zip(defaults()) {
                assert_eq!(table.key, key);
                let (expected, total) = by_hand(&w, &def, &scope, span);
                let got: Vec<i64> = table.rows.iter().map(|(_, n)| *n).collect();
                assert_eq!(got, expected, "{key} in {scope:?}");
                assert_eq!(table.total, total, "{key} total in {scope:?}");
                if !def.dimension.several_a_person() {
                    assert_eq!(got.iter().sum::<i64>(), total, "{key}: rows add up");
                }
                assert!(got.iter().any(|n| *n > 0), "{key}: the data set fills some row");
            }
        }
        // The edge cases are where the test says: 18 on the last day, one day short, none.
        let age = &tables::all_tables(&db, w.org, &StatsScope::Organisation, span, LAST_DAY, at(0))
            .await.unwrap()[0];
        let (_, def) = &defaults()[0];
        let (expected, _) = by_hand(&w, def, &StatsScope::Organisation, span);
        assert_eq!(age.rows.iter().map(|r| r.1).collect::<Vec<_>>(), expected);
        assert_eq!(age_on(date!(2007 - 12 - 31), LAST_DAY), 18);
        assert_eq!(age_on(date!(2008 - 01 - 01), LAST_DAY), 17);
        assert!(expected[expected.len() - 1] > 0, "some persons have no birth date");
    }

    async fn the_drill_down_of_a_row_lists_the_cases_of_its_persons(db) {
        let db = db.migrated().await;
        let w = world(&db, "tables-drill").await;
        let span = year_2025();
        let scope = StatsScope::Organisation;
        let defs = tables::definitions(&db, w.org, at(0)).await.unwrap();
        for table in &defs {
            let computed = tables::compute(&db, w.org, &scope, span, LAST_DAY, table).await.unwrap();
            for (row, (_, count)) in computed.rows.iter().enumerate() {
                let (lines, total) = tables::cases_behind_row(
                    &db, w.org, &scope, span, LAST_DAY, &table.def, row, w.worker,
                ).await.unwrap();
                assert_eq!(lines.len() as i64, total);
                if table.def.dimension.counts_cases() {
                    assert_eq!(total, *count, "{} row {row}", table.key);
                } else {
                    let persons: BTreeSet<PersonId> = lines
                        .iter()
                        .map(|l| w.cases.iter().find(|c| c.id == l.id).unwrap().person)
                        .map(|p| w.persons[p].id)
                        .collect();
                    assert_eq!(persons.len() as i64, *count, "{} row {row}", table.key);
                }
            }
        }
    }

    async fn eighteen_on_the_last_day_is_in_the_adult_band_one_day_short_is_not(db) {
        let db = db.migrated().await;
        let w = world(&db, "tables-age").await;
        let span = year_2025();
        let defs = tables::definitions(&db, w.org, at(0)).await.unwrap();
        let age = defs.iter().find(|t| t.key == "age").unwrap();
        let band = |row: usize| {
            let (db, w, age) = (&db, &w, age);
            async move {
                let (lines, _) = tables::cases_behind_row(
                    db, w.org, &StatsScope::Organisation, span, LAST_DAY, &age.def, row, w.worker,
                ).await.unwrap();
                lines.iter().map(|l| l.id).collect::<BTreeSet<CaseId>>()
            }
        };
        let (minors, young, adults, seniors) = (band(0).await, band(1).await, band(2).await, band(3).await);
        let case_of = |p: usize| w.cases.iter().find(|c| c.person == p).unwrap().id;
        assert!(young.contains(&case_of(0)), "18 on 31/12/2025");
        assert!(minors.contains(&case_of(1)), "18 on 01/01/2026");
        assert!(adults.contains(&case_of(2)), "25 on 01/01/2025");
        assert!(seniors.contains(&case_of(3)), "60 on 31/12/2025");
        assert!(minors.contains(&case_of(4)), "born after the period: the youngest band");
    }

    async fn definitions_are_seeded_once_and_edited_only_at_the_version_read(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "tables-defs").await;
        let first = tables::definitions(&db, org, at(0)).await.unwrap();
        let again = tables::definitions(&db, org, at(1)).await.unwrap();
        assert_eq!(first, again);
        let keys: Vec<&str> = first.iter().map(|t| t.key.as_str()).collect();
        let default_keys: Vec<&str> = defaults().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, default_keys);
        let defs: BTreeMap<&str, &StoredTable> = first.iter().map(|t| (t.key.as_str(), t)).collect();
        assert_eq!(defs["housing"].def, defaults()[3].1);

        let housing = defs["housing"];
        let mut changed = housing.def.clone();
        changed.title_en = "Housing (funder A)".into();
        changed.rows.truncate(2);
        let mut tx = db.begin_write().await.unwrap();
        assert!(tables::save_if_unchanged(&mut tx, org, housing.id, housing.version, &changed, at(2)).await.unwrap());
        // A second save at the version first read is refused: not overwritten.
        let mut stale = housing.def.clone();
        stale.title_en = "Someone else's".into();
        assert!(!tables::save_if_unchanged(&mut tx, org, housing.id, housing.version, &stale, at(3)).await.unwrap());
        tx.commit().await.unwrap();
        let now = tables::stored(&db, org).await.unwrap();
        let saved = now.iter().find(|t| t.id == housing.id).unwrap();
        assert_eq!(saved.def, changed);
        assert_eq!(saved.version, housing.version + 1);

        let mut tx = db.begin_write().await.unwrap();
        let added = tables::add(&mut tx, org, &defaults()[0].1, at(4)).await.unwrap();
        assert!(!tables::remove_if_unchanged(&mut tx, org, housing.id, housing.version).await.unwrap());
        assert!(tables::remove_if_unchanged(&mut tx, org, housing.id, saved.version).await.unwrap());
        tx.commit().await.unwrap();
        let now = tables::stored(&db, org).await.unwrap();
        assert_eq!(now.len(), first.len());
        assert_eq!(now.last().unwrap().id, added);
        assert!(now.iter().all(|t| t.id != housing.id));

        // Another organisation has its own.
        let (other, _) = organisation(&db, "tables-other").await;
        let theirs = tables::definitions(&db, other, at(5)).await.unwrap();
        assert_eq!(theirs.len(), defaults().len());
        assert!(theirs.iter().all(|t| first.iter().all(|m| m.id != t.id)));
    }
}
