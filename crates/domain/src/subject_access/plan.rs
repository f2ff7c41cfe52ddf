//! The plan of the subject access export: for every table of the inventory holding data about
//! the persons followed, how its rows belong to one person, or why none is exported. It is
//! drawn from the inventory's links (the one map retention and erasure walk too), with the few
//! tables where the export differs stated in [`OVERRIDES`]. The store turns each link into a
//! query; a test fails when a table of the inventory with such data has no plan, so the export
//! stays complete as the schema grows.

use std::sync::LazyLock;

use crate::inventory::{self, Category, Table, links};

/// How a table's rows belong to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The person's record, and the records merged into it (`persons`).
    Record,
    /// `column` holds the person's id.
    Person(&'static str),
    /// `column` holds the id of one of the person's cases.
    Case(&'static str),
    /// `column` holds the id of a household the person is or was a member of. Only the
    /// household's own rows (its name, budgets, debts): the other members' records are never
    /// reached this way.
    Household(&'static str),
    /// Rows of the person, or of one of their cases (`tasks`).
    PersonOrCase { person: &'static str, case: &'static str },
    /// `column` holds the id of an exported row of `parent`.
    Under { column: &'static str, parent: &'static str },
}

/// Why a table with data about persons is not in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Its rows name no person: an uploaded spreadsheet of an import, a form being typed
    /// (keyed by its page, kept a few hours), a partner directory import.
    NotTiedToAPerson,
    /// Derived from exported fields only (the search index of names).
    Derived,
    /// Copies received from another instance about the persons *it* follows: not the
    /// persons of this organisation.
    ReceivedFromAnotherInstance,
    /// Sealed packages in transit, whose content is the referral already exported.
    Sealed,
}

impl Exclusion {
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::NotTiedToAPerson => "not_tied_to_a_person",
            Exclusion::Derived => "derived",
            Exclusion::ReceivedFromAnotherInstance => "received_from_another_instance",
            Exclusion::Sealed => "sealed",
        }
    }
}

/// What the export does with a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Its rows tied to the person, with every column about the person.
    Export(Link),
    /// The access log: its own section, "who accessed the file" (events about the person and
    /// their cases, with who and when).
    AccessLog,
    Excluded(Exclusion),
}

use Link::*;
use Plan::*;

/// Where the export does not follow the inventory's links ([`crate::inventory::links`], the one
/// map of how each table's rows reach a person, which retention and erasure walk too), and why.
pub static OVERRIDES: &[(&str, Plan, &str)] = &[
    ("persons", Export(Record), "the record itself and the records merged into it"),
    (
        "appointments",
        Export(Person("person_id")),
        "the person's appointments; one booked for a case without the person is the worker's",
    ),
    (
        "budget_members",
        Export(Person("person_id")),
        "the person's own share of a budget, not the other members'",
    ),
    (
        "federation_documents",
        Excluded(Exclusion::ReceivedFromAnotherInstance),
        "a copy received from another instance, about a person of that instance",
    ),
    (
        "federation_referrals",
        Excluded(Exclusion::ReceivedFromAnotherInstance),
        "a copy received from another instance, about a person of that instance",
    ),
    (
        "federation_packages",
        Excluded(Exclusion::Sealed),
        "sealed packages in transit, whose content is the referral already exported",
    ),
    ("person_terms", Excluded(Exclusion::Derived), "the search index, made of exported fields"),
    (
        "stats_case_steps",
        Excluded(Exclusion::Derived),
        "the statistics' steps, computed from the exported assessments, goals and case dates",
    ),
    (
        "stats_gaps",
        Excluded(Exclusion::Derived),
        "the statistics' gaps between follow spans, computed from the exported case dates",
    ),
    (
        "stats_spans",
        Excluded(Exclusion::Derived),
        "the statistics' follow spans, computed from the exported case dates",
    ),
];

/// The export's plan of a table from its link: its own column, a case, a parent row, a
/// household, the access log, or nothing tied to a person.
fn from_link(l: links::Link) -> Option<Plan> {
    Some(match l {
        links::Link::Person(c) => Export(Person(c)),
        links::Link::Case(c) => Export(Case(c)),
        links::Link::Parent { column, parent } => Export(Under { column, parent }),
        links::Link::Household(c) => Export(Household(c)),
        links::Link::Any(&[links::Link::Person(person), links::Link::Case(case)]) => {
            Export(PersonOrCase { person, case })
        }
        links::Link::Any(_) => return None,
        links::Link::AuditSubject => AccessLog,
        links::Link::NotLinked(_) => Excluded(Exclusion::NotTiedToAPerson),
    })
}

/// The plan, table by table (alphabetical): every table of the inventory with data about the
/// persons, from its link or its override.
pub static PLAN: LazyLock<Vec<(&'static str, Plan)>> = LazyLock::new(|| {
    let mut plan: Vec<(&'static str, Plan)> =
        personal_tables().filter_map(|t| Some((t.name, plan_of(t.name)?))).collect();
    plan.sort_by_key(|(t, _)| *t);
    plan
});

/// The plan of `table`, if it has one.
pub fn plan_of(table: &str) -> Option<Plan> {
    match OVERRIDES.iter().find(|(t, _, _)| *t == table) {
        Some((_, p, _)) => Some(*p),
        None => from_link(links::link(table)?),
    }
}

/// The columns of `table` the export gives: every column about the person (identity, contact,
/// situation, money, justice, free text, third parties, files, activity), in the inventory's
/// order. Staff, credentials, connection traces, references and machinery are left out.
pub fn exported_columns(table: &Table) -> Vec<(&'static str, Category)> {
    table.tagged().filter(|(_, c)| c.about_the_person()).collect()
}

/// The tables of the inventory with data about the persons followed.
pub fn personal_tables() -> impl Iterator<Item = &'static Table> {
    inventory::tables().filter(|t| t.tagged().any(|(_, c)| c.about_the_person()))
}
