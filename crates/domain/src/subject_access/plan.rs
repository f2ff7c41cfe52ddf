//! The plan of the subject access export: for every table of the inventory holding data about
//! the persons followed, how its rows belong to one person, or why none is exported. The store
//! turns each link into a query; a test fails when a table of the inventory with such data is
//! missing here, so the export stays complete as the schema grows.

use crate::inventory::{self, Category, Table};

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

/// The plan, table by table (alphabetical).
pub static PLAN: &[(&str, Plan)] = &[
    ("aid_requests", Export(Person("person_id"))),
    ("aid_steps", Export(Under { column: "request_id", parent: "aid_requests" })),
    ("appointment_reminders", Export(Under { column: "appointment_id", parent: "appointments" })),
    ("appointments", Export(Person("person_id"))),
    ("assessment_drafts", Export(Case("case_id"))),
    ("assessment_ratings", Export(Under { column: "assessment_id", parent: "assessments" })),
    ("assessments", Export(Case("case_id"))),
    ("audit_events", AccessLog),
    ("budget_lines", Export(Under { column: "budget_id", parent: "budgets" })),
    ("budget_members", Export(Person("person_id"))),
    ("budgets", Export(Household("household_id"))),
    ("case_delegations", Export(Case("case_id"))),
    ("case_emergency_access", Export(Case("case_id"))),
    ("case_entries", Export(Case("case_id"))),
    ("case_entry_versions", Export(Under { column: "entry_id", parent: "case_entries" })),
    ("case_follow_up_domains", Export(Under { column: "follow_up_id", parent: "case_follow_ups" })),
    ("case_follow_ups", Export(Case("case_id"))),
    ("case_ties", Export(Case("case_id"))),
    ("cases", Export(Person("person_id"))),
    ("consents", Export(Person("person_id"))),
    ("debts", Export(Household("household_id"))),
    ("document_shares", Export(Under { column: "document_id", parent: "documents" })),
    ("documents", Export(Person("person_id"))),
    ("domiciliation_mail", Export(Under { column: "domiciliation_id", parent: "domiciliations" })),
    ("domiciliations", Export(Person("person_id"))),
    ("federation_documents", Excluded(Exclusion::ReceivedFromAnotherInstance)),
    ("federation_packages", Excluded(Exclusion::Sealed)),
    ("federation_referrals", Excluded(Exclusion::ReceivedFromAnotherInstance)),
    ("form_drafts", Excluded(Exclusion::NotTiedToAPerson)),
    ("household_members", Export(Person("person_id"))),
    ("households", Export(Household("id"))),
    ("import_uploads", Excluded(Exclusion::NotTiedToAPerson)),
    ("note_drafts", Export(Case("case_id"))),
    ("partner_import_uploads", Excluded(Exclusion::NotTiedToAPerson)),
    ("person_distinct", Export(Person("person_id"))),
    ("person_merges", Export(Person("survivor_id"))),
    ("person_resources", Export(Person("person_id"))),
    ("person_revisions", Export(Person("person_id"))),
    ("person_terms", Excluded(Exclusion::Derived)),
    ("persons", Export(Record)),
    ("plan_agreements", Export(Case("case_id"))),
    ("plan_goal_domains", Export(Under { column: "goal_id", parent: "plan_goals" })),
    ("plan_goals", Export(Case("case_id"))),
    ("plan_steps", Export(Case("case_id"))),
    ("plan_victories", Export(Case("case_id"))),
    ("referral_items", Export(Under { column: "referral_id", parent: "referrals" })),
    ("referral_steps", Export(Under { column: "referral_id", parent: "referrals" })),
    ("referrals", Export(Person("person_id"))),
    ("retention_reviews", Export(Person("person_id"))),
    ("subject_request_exports", Export(Under { column: "request_id", parent: "subject_requests" })),
    ("subject_requests", Export(Person("person_id"))),
    ("tasks", Export(PersonOrCase { person: "person_id", case: "case_id" })),
    ("urgency_flags", Export(Person("person_id"))),
    ("visits", Export(Person("person_id"))),
    ("voice_notes", Export(Person("person_id"))),
];

/// The plan of `table`, if it has one.
pub fn plan_of(table: &str) -> Option<Plan> {
    PLAN.iter().find(|(t, _)| *t == table).map(|(_, p)| *p)
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
