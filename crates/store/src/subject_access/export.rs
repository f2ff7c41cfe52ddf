//! Gathers everything a subject access export holds about one person, driven by the data
//! inventory and the export plan of `domain::subject_access`: for every planned table, its
//! rows tied to the person with every column about the person, read as text on both engines;
//! a summary of their households that names no other member; who accessed the file; and, for
//! the review only (never exported), the names of the people around them.
//!
//! The queries are assembled from the plan: table and column names come from the inventory's
//! static lists (quoted), never from input; the person's id is the one bound value.

use domain::inventory::{self, Category};
use domain::subject_access::{Link, Plan, exported_columns, plan_of};
use domain::{OrganisationId, PersonId};
use sqlx::{Row, sqlite::SqliteRow};
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Exec, StoreError, Ts};

/// One row: its id (when the table has one) and each exported column's value as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub id: Option<Uuid>,
    pub values: Vec<Option<String>>,
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for ExportRow {
    fn from_row(row: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        let id: Option<Uuid> = row.try_get(0)?;
        let values = (1..row.len()).map(|i| row.try_get(i)).collect::<Result<_, _>>()?;
        Ok(ExportRow { id, values })
    }
}

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for ExportRow {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        let id: Option<Uuid> = row.try_get(0)?;
        let values = (1..row.len()).map(|i| row.try_get(i)).collect::<Result<_, _>>()?;
        Ok(ExportRow { id, values })
    }
}

/// A table's rows about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: &'static str,
    pub columns: Vec<(&'static str, Category)>,
    pub rows: Vec<ExportRow>,
}

/// A household the person is a member of, told without the other members' identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdSummary {
    pub household_id: Uuid,
    /// Current members, the person included.
    pub members: usize,
    /// The person's own relationship code.
    pub own_relationship: Option<String>,
    /// The other current members' relationship codes (no names, no dates), sorted.
    pub others_relationships: Vec<String>,
}

/// One event of the access log about the person's file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Access {
    pub occurred_at: Ts,
    pub action: String,
    pub subject_type: Option<String>,
    pub actor_name: Option<String>,
}

/// Everything the export gives, and the names for the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gathered {
    pub tables: Vec<TableRows>,
    pub households: Vec<HouseholdSummary>,
    pub access: Vec<Access>,
    /// Names of the other household members and of the ecomap's ties: to find what may name a
    /// third party. Never exported.
    pub others_names: Vec<String>,
    /// The person's own names (used, birth, first names), to tell them apart.
    pub own_names: Vec<String>,
}

/// The most access events the export lists (the newest are kept).
pub const ACCESS_LIMIT: i64 = 10_000;

fn quoted(name: &str) -> String {
    debug_assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()));
    format!("\"{name}\"")
}

/// The condition selecting `table`'s rows of the person whose id is `$1`.
fn condition(table: &str, link: Link) -> String {
    const CASES: &str = "SELECT id FROM cases WHERE person_id = $1";
    const HOUSEHOLDS: &str = "SELECT household_id FROM household_members WHERE person_id = $1";
    match link {
        Link::Record => "(\"id\" = $1 OR \"merged_into_id\" = $1)".to_owned(),
        Link::Person(c) => format!("{} = $1", quoted(c)),
        Link::Case(c) => format!("{} IN ({CASES})", quoted(c)),
        Link::Household(c) => format!("{} IN ({HOUSEHOLDS})", quoted(c)),
        Link::PersonOrCase { person, case } => {
            format!("({} = $1 OR {} IN ({CASES}))", quoted(person), quoted(case))
        }
        Link::Under { column, parent } => {
            let Some(Plan::Export(parent_link)) = plan_of(parent) else {
                panic!("{table}: parent {parent} is not exported (a domain test checks this)")
            };
            format!(
                "{} IN (SELECT \"id\" FROM {} WHERE {})",
                quoted(column),
                quoted(parent),
                condition(parent, parent_link)
            )
        }
    }
}

/// The query reading `table`'s rows of the person: the id (or NULL), then every exported
/// column cast to text.
pub fn query_of(table: &inventory::Table, link: Link) -> String {
    let has_id = table.tagged().any(|(c, _)| c == "id");
    let mut select = vec![if has_id { "\"id\"".to_owned() } else { "NULL".to_owned() }];
    select.extend(
        exported_columns(table).iter().map(|(c, _)| format!("CAST({} AS TEXT)", quoted(c))),
    );
    let order = if has_id { " ORDER BY \"id\"" } else { "" };
    format!(
        "SELECT {} FROM {} WHERE {}{order}",
        select.join(", "),
        quoted(table.name),
        condition(table.name, link)
    )
}

/// Reads every planned table's rows about the person, in the inventory's order.
#[tracing::instrument(skip_all)]
pub async fn tables<'c>(
    exec: impl Into<Exec<'c>>,
    person_id: PersonId,
) -> Result<Vec<TableRows>, StoreError> {
    let mut exec = exec.into();
    let mut out = Vec::new();
    for table in inventory::tables() {
        let Some(Plan::Export(link)) = plan_of(table.name) else { continue };
        let sql = query_of(table, link);
        let rows: Vec<ExportRow> = sql!(
            dyn as ExportRow,
            fetch_all,
            &mut exec,
            &sql,
            vec![Arg::Uuid(person_id.as_uuid())]
        )?;
        out.push(TableRows { table: table.name, columns: exported_columns(table), rows });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    household_id: Uuid,
    person_id: Uuid,
    relationship: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    birth_name: Option<String>,
    used_name: Option<String>,
    first_names: Option<String>,
}

/// Gathers the export of a person of the organisation (`None` if the organisation has no such
/// person). Reads in one snapshot when given a read transaction.
#[tracing::instrument(skip_all)]
pub async fn gather<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Option<Gathered>, StoreError> {
    let mut exec = exec.into();
    let own: Option<NameRow> = sql!(
        as NameRow,
        fetch_optional,
        &mut exec,
        "SELECT birth_name, used_name, first_names FROM persons \
         WHERE organisation_id = $1 AND id = $2",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?;
    let Some(own) = own else { return Ok(None) };
    let tables = tables(&mut exec, person_id).await?;

    let members: Vec<MemberRow> = sql!(
        as MemberRow,
        fetch_all,
        &mut exec,
        "SELECT household_id, person_id, relationship FROM household_members \
         WHERE to_date IS NULL AND household_id IN \
         (SELECT household_id FROM household_members WHERE person_id = $1) \
         ORDER BY household_id, id",
        person_id.as_uuid(),
    )?;
    let mut households: Vec<HouseholdSummary> = Vec::new();
    for m in &members {
        let i = match households.iter().position(|h| h.household_id == m.household_id) {
            Some(i) => i,
            None => {
                households.push(HouseholdSummary {
                    household_id: m.household_id,
                    members: 0,
                    own_relationship: None,
                    others_relationships: Vec::new(),
                });
                households.len() - 1
            }
        };
        let h = &mut households[i];
        h.members += 1;
        if m.person_id == person_id.as_uuid() {
            h.own_relationship = m.relationship.clone();
        } else if let Some(r) = &m.relationship {
            h.others_relationships.push(r.clone());
        }
    }
    for h in &mut households {
        h.others_relationships.sort();
    }

    let others: Vec<NameRow> = sql!(
        as NameRow,
        fetch_all,
        &mut exec,
        "SELECT p.birth_name, p.used_name, p.first_names FROM persons p \
         WHERE p.id <> $1 AND p.id IN (SELECT person_id FROM household_members WHERE household_id \
         IN (SELECT household_id FROM household_members WHERE person_id = $1))",
        person_id.as_uuid(),
    )?;
    let ties: Vec<Option<String>> = sql!(
        scalar Option<String>,
        fetch_all,
        &mut exec,
        "SELECT label FROM case_ties WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
        person_id.as_uuid(),
    )?;
    let names = |n: NameRow| [n.birth_name, n.used_name, n.first_names].into_iter().flatten();
    let others_names =
        others.into_iter().flat_map(names).chain(ties.into_iter().flatten()).collect();
    let own_names = names(own).collect();

    let mut access: Vec<Access> = sql!(
        as Access,
        fetch_all,
        &mut exec,
        "SELECT e.occurred_at, e.action, e.subject_type, u.display_name AS actor_name \
         FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id \
         WHERE e.organisation_id = $1 AND (e.subject_id = $2 \
            OR e.subject_id IN (SELECT id FROM cases WHERE person_id = $2) \
            OR e.subject_id IN (SELECT id FROM documents WHERE person_id = $2) \
            OR e.subject_id IN (SELECT id FROM voice_notes WHERE person_id = $2) \
            OR e.subject_id IN (SELECT id FROM referrals WHERE person_id = $2) \
            OR e.subject_id IN (SELECT id FROM subject_requests WHERE person_id = $2)) \
         ORDER BY e.occurred_at DESC, e.id DESC LIMIT $3",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
        ACCESS_LIMIT,
    )?;
    access.reverse();
    Ok(Some(Gathered { tables, households, access, others_names, own_names }))
}
