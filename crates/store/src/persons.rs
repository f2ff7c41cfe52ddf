//! Persons: their records, the history of every change, and the search terms that find them,
//! all written in the transaction of the change.

use domain::persons::{PersonForm, PersonRecord, Resource};
use domain::search::{self, Plan, Searchable, Slot, Term};
use domain::{OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Db, Exec, StoreError, Ts};

/// A stored person: the record, and what the storage adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub organisation_id: OrganisationId,
    pub record: PersonRecord,
    pub merged_into: Option<PersonId>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
}

macro_rules! person_columns {
    () => {
        "id, organisation_id, birth_name, used_name, first_names, birth_date, birth_place, sex, \
         nationality, residence_status, languages, interpreter_needed, phones, email, \
         address_line1, address_line2, postcode, town, country, benefit_office_number, \
         employment_service_id, housing_situation, family_situation, protection_measure, \
         protector_name, protector_contact, protection_start, protection_review, own_words, \
         merged_into_id, created_at, updated_at, version"
    };
}

#[derive(Clone, sqlx::FromRow)]
struct PersonRow {
    id: Uuid,
    organisation_id: Uuid,
    birth_name: Option<String>,
    used_name: Option<String>,
    first_names: Option<String>,
    birth_date: Option<Date>,
    birth_place: Option<String>,
    sex: Option<String>,
    nationality: Option<String>,
    residence_status: Option<String>,
    languages: Option<String>,
    interpreter_needed: bool,
    phones: Option<String>,
    email: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    postcode: Option<String>,
    town: Option<String>,
    country: Option<String>,
    benefit_office_number: Option<String>,
    employment_service_id: Option<String>,
    housing_situation: Option<String>,
    family_situation: Option<String>,
    protection_measure: Option<String>,
    protector_name: Option<String>,
    protector_contact: Option<String>,
    protection_start: Option<Date>,
    protection_review: Option<Date>,
    own_words: Option<String>,
    merged_into_id: Option<Uuid>,
    created_at: Ts,
    updated_at: Ts,
    version: i64,
}

impl PersonRow {
    fn into_person(self, resources: Vec<Resource>) -> Person {
        Person {
            id: PersonId::from_uuid(self.id),
            organisation_id: OrganisationId::from_uuid(self.organisation_id),
            record: PersonRecord {
                birth_name: self.birth_name,
                used_name: self.used_name,
                first_names: self.first_names,
                birth_date: self.birth_date,
                birth_place: self.birth_place,
                sex: self.sex,
                nationality: self.nationality,
                residence_status: self.residence_status,
                languages: self.languages,
                interpreter_needed: self.interpreter_needed,
                phones: self
                    .phones
                    .map(|p| p.lines().map(str::to_owned).collect())
                    .unwrap_or_default(),
                email: self.email,
                address_line1: self.address_line1,
                address_line2: self.address_line2,
                postcode: self.postcode,
                town: self.town,
                country: self.country,
                benefit_office_number: self.benefit_office_number,
                employment_service_id: self.employment_service_id,
                housing_situation: self.housing_situation,
                family_situation: self.family_situation,
                resources,
                protection_measure: self.protection_measure,
                protector_name: self.protector_name,
                protector_contact: self.protector_contact,
                protection_start: self.protection_start,
                protection_review: self.protection_review,
                own_words: self.own_words,
            },
            merged_into: self.merged_into_id.map(PersonId::from_uuid),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

/// A person's name as lists show it: family name (used, else birth) and first names.
pub fn list_name(used: Option<&str>, birth: Option<&str>, first: Option<&str>) -> String {
    [used.or(birth), first].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

fn phones_text(rec: &PersonRecord) -> Option<String> {
    (!rec.phones.is_empty()).then(|| rec.phones.join("\n"))
}

/// What of a record the search index holds.
pub fn searchable(rec: &PersonRecord) -> Searchable<'_> {
    Searchable {
        birth_name: rec.birth_name.as_deref(),
        used_name: rec.used_name.as_deref(),
        first_names: rec.first_names.as_deref(),
        birth_date: rec.birth_date,
        phones: rec.phones.iter().map(String::as_str).collect(),
        numbers: [rec.benefit_office_number.as_deref(), rec.employment_service_id.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
    }
}

/// Registers a person: the record, its resources, revision 1 and its search terms.
#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: PersonId,
    rec: &PersonRecord,
    by: Option<UserId>,
    now: Ts,
) -> Result<Person, StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO persons (id, organisation_id, birth_name, used_name, first_names, \
         birth_date, birth_place, sex, nationality, residence_status, languages, \
         interpreter_needed, phones, email, address_line1, address_line2, postcode, town, \
         country, benefit_office_number, employment_service_id, housing_situation, \
         family_situation, protection_measure, protector_name, protector_contact, \
         protection_start, protection_review, own_words, created_by, created_at, updated_at, \
         version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $31, 1)",
        id.as_uuid(),
        organisation_id.as_uuid(),
        rec.birth_name.as_deref(),
        rec.used_name.as_deref(),
        rec.first_names.as_deref(),
        rec.birth_date,
        rec.birth_place.as_deref(),
        rec.sex.as_deref(),
        rec.nationality.as_deref(),
        rec.residence_status.as_deref(),
        rec.languages.as_deref(),
        rec.interpreter_needed,
        phones_text(rec),
        rec.email.as_deref(),
        rec.address_line1.as_deref(),
        rec.address_line2.as_deref(),
        rec.postcode.as_deref(),
        rec.town.as_deref(),
        rec.country.as_deref(),
        rec.benefit_office_number.as_deref(),
        rec.employment_service_id.as_deref(),
        rec.housing_situation.as_deref(),
        rec.family_situation.as_deref(),
        rec.protection_measure.as_deref(),
        rec.protector_name.as_deref(),
        rec.protector_contact.as_deref(),
        rec.protection_start,
        rec.protection_review,
        rec.own_words.as_deref(),
        by.map(|u| u.as_uuid()),
        now,
    )?;
    write_dependents(tx, organisation_id, id, rec, 1, by, now).await?;
    Ok(Person {
        id,
        organisation_id,
        record: rec.clone(),
        merged_into: None,
        created_at: now,
        updated_at: now,
        version: 1,
    })
}

/// Saves a new version of a record if nobody saved one since `expected_version` was read.
/// `None`: someone did (or the person is not the organisation's), and nothing was written.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: PersonId,
    expected_version: i64,
    rec: &PersonRecord,
    by: Option<UserId>,
    now: Ts,
) -> Result<Option<i64>, StoreError> {
    let changed = sql!(
        execute,
        &mut *tx,
        "UPDATE persons SET birth_name = $4, used_name = $5, first_names = $6, \
         birth_date = $7, birth_place = $8, sex = $9, nationality = $10, \
         residence_status = $11, languages = $12, interpreter_needed = $13, phones = $14, \
         email = $15, address_line1 = $16, address_line2 = $17, postcode = $18, town = $19, \
         country = $20, benefit_office_number = $21, employment_service_id = $22, \
         housing_situation = $23, family_situation = $24, protection_measure = $25, \
         protector_name = $26, protector_contact = $27, protection_start = $28, \
         protection_review = $29, own_words = $30, updated_at = $31, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND merged_into_id IS NULL",
        organisation_id.as_uuid(),
        id.as_uuid(),
        expected_version,
        rec.birth_name.as_deref(),
        rec.used_name.as_deref(),
        rec.first_names.as_deref(),
        rec.birth_date,
        rec.birth_place.as_deref(),
        rec.sex.as_deref(),
        rec.nationality.as_deref(),
        rec.residence_status.as_deref(),
        rec.languages.as_deref(),
        rec.interpreter_needed,
        phones_text(rec),
        rec.email.as_deref(),
        rec.address_line1.as_deref(),
        rec.address_line2.as_deref(),
        rec.postcode.as_deref(),
        rec.town.as_deref(),
        rec.country.as_deref(),
        rec.benefit_office_number.as_deref(),
        rec.employment_service_id.as_deref(),
        rec.housing_situation.as_deref(),
        rec.family_situation.as_deref(),
        rec.protection_measure.as_deref(),
        rec.protector_name.as_deref(),
        rec.protector_contact.as_deref(),
        rec.protection_start,
        rec.protection_review,
        rec.own_words.as_deref(),
        now,
    )?;
    if changed == 0 {
        return Ok(None);
    }
    let version = expected_version + 1;
    sql!(execute, &mut *tx, "DELETE FROM person_resources WHERE person_id = $1", id.as_uuid())?;
    sql!(execute, &mut *tx, "DELETE FROM person_terms WHERE person_id = $1", id.as_uuid())?;
    write_dependents(tx, organisation_id, id, rec, version, by, now).await?;
    Ok(Some(version))
}

/// Resources, the revision snapshot and the search terms of one version of a record.
async fn write_dependents(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: PersonId,
    rec: &PersonRecord,
    version: i64,
    by: Option<UserId>,
    now: Ts,
) -> Result<(), StoreError> {
    for r in &rec.resources {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO person_resources (person_id, code, amount_cents) VALUES ($1, $2, $3)",
            id.as_uuid(),
            r.code.as_str(),
            r.amount_cents,
        )?;
    }
    let snapshot = serde_json::to_string(&rec.to_form()).expect("a form always serialises");
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO person_revisions (person_id, version, snapshot, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5)",
        id.as_uuid(),
        version,
        snapshot,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    write_terms(tx, organisation_id, id, &search::person_terms(&searchable(rec))).await
}

/// Inserts a person's terms in statements of a bounded size.
pub(crate) async fn write_terms(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: PersonId,
    terms: &[Term],
) -> Result<(), StoreError> {
    for chunk in terms.chunks(100) {
        let mut args = vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Uuid(id.as_uuid())];
        let mut values = Vec::with_capacity(chunk.len());
        for t in chunk {
            args.push(Arg::Text(t.text.clone()));
            args.push(Arg::Int(t.kind));
            values.push(format!("($1, $2, ${}, ${})", args.len() - 1, args.len()));
        }
        let text = format!(
            "INSERT INTO person_terms (organisation_id, person_id, term, kind) VALUES {}",
            values.join(", ")
        );
        sql!(dyn execute, &mut *tx, &text, args)?;
    }
    Ok(())
}

/// A person of the organisation (merged records included: their page says where they went).
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: PersonId,
) -> Result<Option<Person>, StoreError> {
    let mut exec = exec.into();
    let row: Option<PersonRow> = sql!(
        as PersonRow,
        fetch_optional,
        &mut exec,
        concat!("SELECT ", person_columns!(), " FROM persons WHERE organisation_id = $1 AND id = $2"),
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?;
    let Some(row) = row else { return Ok(None) };
    let resources = resources_of(&mut exec, id).await?;
    Ok(Some(row.into_person(resources)))
}

async fn resources_of(exec: &mut Exec<'_>, id: PersonId) -> Result<Vec<Resource>, StoreError> {
    let rows: Vec<(String, Option<i64>)> = sql!(
        as (String, Option<i64>),
        fetch_all,
        &mut *exec,
        "SELECT code, amount_cents FROM person_resources WHERE person_id = $1 ORDER BY code",
        id.as_uuid(),
    )?;
    Ok(rows.into_iter().map(|(code, amount_cents)| Resource { code, amount_cents }).collect())
}

/// The record as it was saved at `version`, as the form showed it.
#[tracing::instrument(skip_all)]
pub async fn revision<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: PersonId,
    version: i64,
) -> Result<Option<PersonForm>, StoreError> {
    let snapshot: Option<String> = sql!(
        scalar String,
        fetch_optional,
        exec,
        "SELECT r.snapshot FROM person_revisions r JOIN persons p ON p.id = r.person_id \
         WHERE p.organisation_id = $1 AND r.person_id = $2 AND r.version = $3",
        organisation_id.as_uuid(),
        id.as_uuid(),
        version,
    )?;
    Ok(snapshot.and_then(|s| serde_json::from_str(&s).ok()))
}

/// One result of a search: enough to tell people apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub id: PersonId,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub birth_date: Option<Date>,
    pub town: Option<String>,
    pub score: u32,
}

/// How many candidates the index hands to the ranking at most.
const CANDIDATES: i64 = 300;

/// Below how many namesakes the duplicate check also looks at typo variants of the name (the
/// search page's length: more namesakes than that, and the birth date decides).
const SIMILAR_BY_NAME: usize = 25;

/// The ways the driving slot's terms can match a person, best first: the exact word, a longer
/// word it starts, another word it stands for (a letter less, a joined name, a date or a
/// number), a typo variant. The candidates are looked up tier by tier and the lookup stops as
/// soon as it has [`CANDIDATES`]: a common name typed exactly never reads its typo variants
/// (six a person), where ranking every way of matching at once read them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Exact,
    Longer,
    Words,
    Variants,
}

impl Tier {
    const ALL: [Tier; 4] = [Tier::Exact, Tier::Longer, Tier::Words, Tier::Variants];

    /// The condition on the driving slot's term, None when the slot has nothing of this tier.
    fn condition(self, slot: &Slot, args: &mut Vec<Arg>) -> Option<String> {
        match self {
            Tier::Exact => slot.prefix.as_ref().map(|p| {
                args.push(Arg::Text(p.clone()));
                format!("t.kind = 0 AND t.term = ${}", args.len())
            }),
            Tier::Longer => slot.prefix.as_ref().map(|p| {
                args.push(Arg::Text(p.clone()));
                // Terms are compared byte-wise on both engines (COLLATE "C" on PostgreSQL):
                // every longer term starting with the prefix sorts after it and before the
                // prefix followed by U+10FFFF.
                args.push(Arg::Text(format!("{p}\u{10FFFF}")));
                format!("t.kind = 0 AND t.term > ${} AND t.term < ${}", args.len() - 1, args.len())
            }),
            Tier::Words => term_in("t", search::KIND_WORD, &slot.words, args),
            Tier::Variants => term_in("t", search::KIND_DELETION, &slot.deletions, args),
        }
    }

    /// How many rows a tier's query may return: a person matches through several typo
    /// variants, and only new persons count.
    fn limit(self) -> i64 {
        match self {
            Tier::Variants => CANDIDATES * 6,
            _ => CANDIDATES,
        }
    }
}

/// The query of one tier: persons whose driving slot matches in that tier and who answer every
/// other slot, each an `EXISTS` on the person's own terms. Each lookup is a range or an `IN`
/// on the term index whatever the planner knows of the data. The text is made of fixed
/// fragments; only placeholder numbers are formatted in, every value is bound.
fn tier_query(
    organisation_id: OrganisationId,
    plan: &Plan,
    driver: usize,
    tier: Tier,
) -> Option<(String, Vec<Arg>)> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let cond = tier.condition(&plan.slots[driver], &mut args)?;
    let mut sql =
        format!("SELECT t.person_id FROM person_terms t WHERE t.organisation_id = $1 AND {cond}");
    for (i, slot) in plan.slots.iter().enumerate() {
        if i == driver {
            continue;
        }
        let alias = format!("e{i}");
        let conds = slot_conditions(&alias, slot, &mut args);
        let cond = if conds.is_empty() { "1 = 0".to_owned() } else { conds.join(" OR ") };
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM person_terms {alias} WHERE {alias}.person_id = t.person_id AND ({cond}))"
        ));
    }
    args.push(Arg::Int(tier.limit()));
    sql.push_str(&format!(" LIMIT ${}", args.len()));
    Some((sql, args))
}

/// How many index entries each rival slot may read while the driver is chosen: enough to tell
/// a rare name from a common one, few enough to cost a fraction of a millisecond.
const DRIVER_PROBE: i64 = 5000;

/// The slot that drives the candidate query. Among the slots the text alone cannot rank
/// (names: [`Plan::driver_rivals`]), the one matching the fewest terms of the organisation,
/// counted up to [`DRIVER_PROBE`] each in one round trip; the text's choice on a tie. Every
/// other slot is then checked person by person, so a common name driving ("Michel" in "Fatou
/// Michel") costs one check per Michel.
async fn choose_driver(
    exec: &mut Exec<'_>,
    organisation_id: OrganisationId,
    plan: &Plan,
) -> Result<Option<usize>, StoreError> {
    let rivals = plan.driver_rivals();
    if rivals.len() < 2 {
        return Ok(rivals.first().copied());
    }
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let mut counts = Vec::new();
    for &i in &rivals {
        let lookups: Vec<String> = slot_conditions("t", &plan.slots[i], &mut args)
            .into_iter()
            .map(|cond| {
                format!(
                    "SELECT 1 AS one FROM person_terms t WHERE t.organisation_id = $1 AND {cond}"
                )
            })
            .collect();
        args.push(Arg::Int(DRIVER_PROBE));
        counts.push(format!(
            "SELECT CAST({i} AS BIGINT), count(*) FROM ({} LIMIT ${}) c{i}",
            lookups.join(" UNION ALL "),
            args.len()
        ));
    }
    let sql = counts.join(" UNION ALL ");
    let found: Vec<(i64, i64)> = sql!(dyn as (i64, i64), fetch_all, &mut *exec, &sql, args)?;
    // Rivals come in the text's order of preference: the first of the smallest counts wins.
    Ok(rivals.into_iter().min_by_key(|&i| {
        found.iter().find(|(slot, _)| *slot == i as i64).map_or(i64::MAX, |(_, n)| *n)
    }))
}

/// The candidates of a plan from the term index, best first: the driver chosen, then the
/// tiers in order until [`CANDIDATES`] are found. Typo variants are a fallback: looked up only
/// while fewer than `enough` persons match what was typed, so two common names typed right
/// ("François Laurent") do not read the variants of every François. Empty for a plan with
/// nothing to look up.
pub(crate) async fn candidates(
    exec: &mut Exec<'_>,
    organisation_id: OrganisationId,
    plan: &Plan,
    enough: usize,
) -> Result<Vec<Uuid>, StoreError> {
    let Some(driver) = choose_driver(exec, organisation_id, plan).await? else {
        return Ok(vec![]);
    };
    let mut found: Vec<Uuid> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for tier in Tier::ALL {
        if tier == Tier::Variants && found.len() >= enough {
            break;
        }
        let Some((sql, args)) = tier_query(organisation_id, plan, driver, tier) else {
            continue;
        };
        let rows: Vec<(Uuid,)> = sql!(dyn as (Uuid,), fetch_all, &mut *exec, &sql, args)?;
        found.extend(rows.into_iter().map(|(id,)| id).filter(|id| seen.insert(*id)));
        if found.len() >= CANDIDATES as usize {
            found.truncate(CANDIDATES as usize);
            break;
        }
    }
    Ok(found)
}

/// The ways a term of `slot` can match, one condition each (none when the slot has nothing to
/// look up).
fn slot_conditions(alias: &str, slot: &Slot, args: &mut Vec<Arg>) -> Vec<String> {
    let mut ors = Vec::new();
    if let Some(prefix) = &slot.prefix {
        args.push(Arg::Text(prefix.clone()));
        let lo = args.len();
        // Terms are compared byte-wise on both engines (COLLATE "C" on PostgreSQL): every
        // term starting with the prefix sorts before the prefix followed by U+10FFFF.
        args.push(Arg::Text(format!("{prefix}\u{10FFFF}")));
        ors.push(format!(
            "({alias}.kind = 0 AND {alias}.term >= ${lo} AND {alias}.term < ${})",
            lo + 1
        ));
    }
    ors.extend(term_in(alias, search::KIND_WORD, &slot.words, args).map(|c| format!("({c})")));
    ors.extend(
        term_in(alias, search::KIND_DELETION, &slot.deletions, args).map(|c| format!("({c})")),
    );
    ors
}

/// `alias.kind = kind AND alias.term IN (…)` with every term bound; None for no terms.
fn term_in(alias: &str, kind: i64, terms: &[String], args: &mut Vec<Arg>) -> Option<String> {
    if terms.is_empty() {
        return None;
    }
    let ps: Vec<String> = terms
        .iter()
        .map(|t| {
            args.push(Arg::Text(t.clone()));
            format!("${}", args.len())
        })
        .collect();
    Some(format!("{alias}.kind = {kind} AND {alias}.term IN ({})", ps.join(", ")))
}

/// The condition that leaves out persons of the restricted archive (ADR 0040): search, the
/// recent list, counts and duplicate proposals do not show them.
macro_rules! not_archived {
    () => {
        "NOT EXISTS (SELECT 1 FROM retention_reviews rr WHERE rr.person_id = persons.id \
         AND rr.outcome = 'archived')"
    };
}

/// The persons of the organisation matching `query`, best first, at most `limit`; merged
/// records and the restricted archive left out.
pub async fn search<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, StoreError> {
    search_with(exec, organisation_id, query, limit, false).await
}

/// As [`search`], the restricted archive included: for the DPO answering a person's request
/// about their data, whose file may be archived.
pub async fn search_including_archived<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, StoreError> {
    search_with(exec, organisation_id, query, limit, true).await
}

#[tracing::instrument(skip_all)]
async fn search_with<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    query: &str,
    limit: usize,
    include_archived: bool,
) -> Result<Vec<SearchHit>, StoreError> {
    let plan = search::plan(query);
    let mut exec = exec.into();
    let ids = candidates(&mut exec, organisation_id, &plan, limit).await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = rows_by_ids(&mut exec, organisation_id, &ids, include_archived).await?;
    // A record merged into another still answers to its old spelling: it finds the one kept.
    let mut scored: Vec<(Uuid, u32)> = Vec::new();
    let mut live: Vec<PersonRow> = Vec::new();
    for r in rows {
        let person_terms = search::person_terms(&searchable(&r.clone().into_person(vec![]).record));
        let Some(score) = search::score(&plan, &person_terms) else { continue };
        match r.merged_into_id {
            Some(survivor) => scored.push((survivor, score)),
            None => {
                scored.push((r.id, score));
                live.push(r);
            }
        }
    }
    let missing: Vec<Uuid> =
        scored.iter().map(|(id, _)| *id).filter(|id| !live.iter().any(|r| r.id == *id)).collect();
    if !missing.is_empty() {
        live.extend(
            rows_by_ids(&mut exec, organisation_id, &missing, include_archived)
                .await?
                .into_iter()
                .filter(|r| r.merged_into_id.is_none()),
        );
    }
    let mut hits: Vec<SearchHit> = live
        .into_iter()
        .map(|r| {
            let score = scored.iter().filter(|(id, _)| *id == r.id).map(|(_, s)| *s).max();
            let rec = r.into_person(vec![]);
            SearchHit {
                id: rec.id,
                birth_name: rec.record.birth_name,
                used_name: rec.record.used_name,
                first_names: rec.record.first_names,
                birth_date: rec.record.birth_date,
                town: rec.record.town,
                score: score.unwrap_or(0),
            }
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
    hits.truncate(limit);
    Ok(hits)
}

async fn rows_by_ids(
    exec: &mut Exec<'_>,
    organisation_id: OrganisationId,
    ids: &[Uuid],
    include_archived: bool,
) -> Result<Vec<PersonRow>, StoreError> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
    let mut ps = Vec::with_capacity(ids.len());
    for id in ids {
        args.push(Arg::Uuid(*id));
        ps.push(format!("${}", args.len()));
    }
    let sql = format!(
        concat!(
            "SELECT ",
            person_columns!(),
            " FROM persons WHERE organisation_id = $1 AND id IN ({}) AND ({} OR ",
            not_archived!(),
            ")"
        ),
        ps.join(", "),
        // Fixed text either way.
        if include_archived { "TRUE" } else { "FALSE" },
    );
    Ok(sql!(dyn as PersonRow, fetch_all, &mut *exec, &sql, args)?)
}

/// The persons most recently registered or changed in the organisation, for the list page.
#[tracing::instrument(skip_all)]
pub async fn recent<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    limit: i64,
) -> Result<Vec<SearchHit>, StoreError> {
    let rows: Vec<PersonRow> = sql!(
        as PersonRow,
        fetch_all,
        exec,
        concat!(
            "SELECT ",
            person_columns!(),
            " FROM persons WHERE organisation_id = $1 AND merged_into_id IS NULL AND ",
            not_archived!(),
            " ORDER BY updated_at DESC, id DESC LIMIT $2"
        ),
        organisation_id.as_uuid(),
        limit,
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let p = r.into_person(vec![]);
            SearchHit {
                id: p.id,
                birth_name: p.record.birth_name,
                used_name: p.record.used_name,
                first_names: p.record.first_names,
                birth_date: p.record.birth_date,
                town: p.record.town,
                score: 0,
            }
        })
        .collect())
}

/// How many persons (not merged away) the organisation holds.
pub async fn count<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        concat!(
            "SELECT count(*) FROM persons WHERE organisation_id = $1 AND merged_into_id IS NULL \
             AND ",
            not_archived!()
        ),
        organisation_id.as_uuid(),
    )?)
}

/// The words of the slot that would drive the search of `query` (its prefix), for tests and
/// for an administrator finding out why a search is slow.
pub async fn search_driver(
    db: &Db,
    organisation_id: OrganisationId,
    query: &str,
) -> Result<Option<String>, StoreError> {
    let plan = search::plan(query);
    let driver = choose_driver(&mut db.into(), organisation_id, &plan).await?;
    Ok(driver.and_then(|d| plan.slots[d].prefix.clone()))
}

/// How the database would run the candidate queries of `query` (one a tier), one line per step
/// of their plans (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL): for tests and for an
/// administrator finding out why a search is slow.
pub async fn search_plan(
    db: &Db,
    organisation_id: OrganisationId,
    query: &str,
) -> Result<Vec<String>, StoreError> {
    let plan = search::plan(query);
    let Some(driver) = choose_driver(&mut db.into(), organisation_id, &plan).await? else {
        return Ok(vec![]);
    };
    let mut lines = Vec::new();
    for tier in Tier::ALL {
        let Some((sql, args)) = tier_query(organisation_id, &plan, driver, tier) else {
            continue;
        };
        lines.extend(match db.engine() {
            crate::Engine::Sqlite => {
                let rows: Vec<(i64, i64, i64, String)> = sql!(
                    dyn as (i64, i64, i64, String),
                    fetch_all,
                    db,
                    &format!("EXPLAIN QUERY PLAN {sql}"),
                    args
                )?;
                rows.into_iter().map(|r| r.3).collect::<Vec<_>>()
            }
            crate::Engine::Postgres => {
                let rows: Vec<(String,)> =
                    sql!(dyn as (String,), fetch_all, db, &format!("EXPLAIN {sql}"), args)?;
                rows.into_iter().map(|r| r.0).collect()
            }
        });
    }
    Ok(lines)
}

/// A record that looks like the one being registered, with how alike they are.
#[derive(Debug, Clone)]
pub struct Similar {
    pub person: Person,
    pub similarity: domain::duplicates::Similarity,
}

/// The organisation's records that look like `rec` (similar name, same phone, same number…),
/// most alike first, those someone already confirmed different from `except` left out.
#[tracing::instrument(skip_all)]
pub async fn similar<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    rec: &PersonRecord,
    except: Option<PersonId>,
) -> Result<Vec<Similar>, StoreError> {
    let mut exec = exec.into();
    let mut ids: Vec<Uuid> = Vec::new();
    // Candidates by name (typos included)…
    let plan = search::plan(&domain::duplicates::name_query(rec));
    ids.extend(candidates(&mut exec, organisation_id, &plan, SIMILAR_BY_NAME).await?);
    // With a birth date, the date drives a second lookup that keeps every typo variant: a
    // "Dupond" born the same day as the "Dupont" being registered is found however many
    // Duponts there are.
    if let Some(born) = rec.birth_date {
        let query = format!(
            "{} {}",
            domain::duplicates::name_query(rec),
            domain::persons::french_date(born)
        );
        let dated = search::plan(&query);
        if dated.driver_rivals().len() == 1 {
            ids.extend(candidates(&mut exec, organisation_id, &dated, CANDIDATES as usize).await?);
        }
    }
    // …and by the identifiers people share only with themselves.
    let strong: Vec<String> = domain::duplicates::terms_of(rec)
        .into_iter()
        .filter(|t| {
            t.kind == search::KIND_WORD && (t.text.starts_with("t:") || t.text.starts_with("n:"))
        })
        .map(|t| t.text)
        .collect();
    if !strong.is_empty() {
        let mut args = vec![Arg::Uuid(organisation_id.as_uuid())];
        let mut ps = Vec::new();
        for t in strong {
            args.push(Arg::Text(t));
            ps.push(format!("${}", args.len()));
        }
        let sql = format!(
            "SELECT DISTINCT person_id FROM person_terms WHERE organisation_id = $1 AND kind = 0 \
             AND term IN ({}) LIMIT 100",
            ps.join(", ")
        );
        let found: Vec<(Uuid,)> = sql!(dyn as (Uuid,), fetch_all, &mut exec, &sql, args)?;
        ids.extend(found.into_iter().map(|(id,)| id));
    }
    ids.sort();
    ids.dedup();
    if let Some(except) = except {
        ids.retain(|id| *id != except.as_uuid());
    }
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let distinct: Vec<Uuid> = match except {
        Some(except) => sql!(
            scalar Uuid,
            fetch_all,
            &mut exec,
            "SELECT other_id FROM person_distinct WHERE person_id = $1 \
             UNION SELECT person_id FROM person_distinct WHERE other_id = $1",
            except.as_uuid(),
        )?,
        None => vec![],
    };
    let rows = rows_by_ids(&mut exec, organisation_id, &ids, false).await?;
    let mut out: Vec<Similar> = rows
        .into_iter()
        .filter(|r| r.merged_into_id.is_none() && !distinct.contains(&r.id))
        .filter_map(|r| {
            let person = r.into_person(vec![]);
            let similarity = domain::duplicates::similarity(rec, &person.record);
            (similarity.score >= domain::duplicates::THRESHOLD)
                .then_some(Similar { person, similarity })
        })
        .collect();
    out.sort_by(|a, b| {
        b.similarity.score.cmp(&a.similarity.score).then(a.person.id.cmp(&b.person.id))
    });
    out.truncate(10);
    Ok(out)
}

/// Records that someone confirmed `person` and `other` are different persons.
#[tracing::instrument(skip_all)]
pub async fn record_distinct(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    person: PersonId,
    other: PersonId,
    by: Option<UserId>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO person_distinct (organisation_id, person_id, other_id, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, other_id) DO NOTHING",
        organisation_id.as_uuid(),
        person.as_uuid(),
        other.as_uuid(),
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(())
}

/// The records merged into `survivor` (directly), still merged.
#[tracing::instrument(skip_all)]
pub async fn merged_into<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    survivor: PersonId,
) -> Result<Vec<PersonId>, StoreError> {
    let ids: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        exec,
        "SELECT id FROM persons WHERE organisation_id = $1 AND merged_into_id = $2 ORDER BY id",
        organisation_id.as_uuid(),
        survivor.as_uuid(),
    )?;
    Ok(ids.into_iter().map(PersonId::from_uuid).collect())
}
