//! How a row of each table links to one person followed (issue 12: retention, anonymisation,
//! subject access). Every table holding data about the person has a link here; a test fails
//! otherwise, so a new table cannot escape anonymisation unnoticed.

use super::tables;

/// How a table's rows reach a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `column` holds the person's id (`persons` itself: `id`).
    Person(&'static str),
    /// `column` holds the id of one of the person's cases.
    Case(&'static str),
    /// `column` holds the id of a row of `parent`, which is linked in turn.
    Parent { column: &'static str, parent: &'static str },
    /// `column` holds the id of a household the person belongs to: shared with the other
    /// members, so it goes only with the last member followed.
    Household(&'static str),
    /// A row is the person's when any of these links says so.
    Any(&'static [Link]),
    /// The access log: `subject_id` names the person or one of their records.
    AuditSubject,
    /// Not the record of one person of this instance: why.
    NotLinked(&'static str),
}

const PERSON: Link = Link::Person("person_id");
const CASE: Link = Link::Case("case_id");
const PERSON_OR_CASE: Link = Link::Any(&[PERSON, CASE]);

const fn parent(column: &'static str, parent: &'static str) -> Link {
    Link::Parent { column, parent }
}

/// The link of `table`, `None` for a table that holds nothing about the persons followed or is
/// not in the inventory.
pub fn link(table: &str) -> Option<Link> {
    Some(match table {
        "persons" => Link::Person("id"),
        "aid_requests" | "cases" | "consents" | "household_members" | "person_distinct"
        | "person_resources" | "person_revisions" | "person_terms" | "referrals"
        | "urgency_flags" | "visits" | "voice_notes" | "documents" | "domiciliations"
        | "retention_reviews" | "subject_requests" => PERSON,
        "person_merges" => Link::Person("survivor_id"),
        "appointments" | "tasks" => PERSON_OR_CASE,
        "assessment_drafts"
        | "assessments"
        | "case_delegations"
        | "case_emergency_access"
        | "case_entries"
        | "case_follow_ups"
        | "case_ties"
        | "note_drafts"
        | "plan_agreements"
        | "plan_goals"
        | "plan_steps"
        | "plan_victories" => CASE,
        "aid_steps" => parent("request_id", "aid_requests"),
        "appointment_reminders" => parent("appointment_id", "appointments"),
        "assessment_ratings" => parent("assessment_id", "assessments"),
        "case_entry_versions" => parent("entry_id", "case_entries"),
        "case_follow_up_domains" => parent("follow_up_id", "case_follow_ups"),
        "document_shares" => parent("document_id", "documents"),
        "plan_goal_domains" => parent("goal_id", "plan_goals"),
        "referral_items" | "referral_steps" => parent("referral_id", "referrals"),
        "budget_lines" | "budget_members" => parent("budget_id", "budgets"),
        "domiciliation_mail" => parent("domiciliation_id", "domiciliations"),
        "subject_request_exports" => parent("request_id", "subject_requests"),
        // Packages sent about one of our referrals (a received package's subject is the copy).
        "federation_packages" => parent("subject_id", "referrals"),
        "households" => Link::Household("id"),
        // The statistics' follow spans and gaps: of a person, or of a household (ADR 0043).
        "stats_spans" | "stats_gaps" => {
            Link::Any(&[Link::Person("subject_id"), Link::Household("subject_id")])
        }
        "stats_case_steps" => CASE,
        "budgets" | "debts" => Link::Household("household_id"),
        "audit_events" => Link::AuditSubject,
        "federation_referrals" | "federation_documents" => Link::NotLinked(
            "a referral received from another instance: a copy of a person of that instance, \
             withdrawn by its sender and erased when answered (ADR 0029)",
        ),
        "import_uploads" | "partner_import_uploads" => {
            Link::NotLinked("a spreadsheet being imported: deleted within the hour (ADR 0008)")
        }
        "report_narratives" => Link::NotLinked(
            "the annual report's narrative: about the service's year, not one person (ADR 0039)",
        ),
        "retention_settings" => Link::NotLinked(
            "the organisation's retention settings: the DPO's reason for the access log's \
             duration is about the service, not one person (ADR 0042)",
        ),
        "form_drafts" => Link::NotLinked(
            "a form being typed, keyed by its author and page: deleted when saved or expired",
        ),
        _ => return None,
    })
}

/// Whether `table` holds any column about the persons followed.
pub fn about_the_person(table: &super::Table) -> bool {
    table.tagged().any(|(_, c)| c.about_the_person())
}

/// The tables of the inventory whose rows reach a person, in the inventory's order.
pub fn linked_tables() -> impl Iterator<Item = (&'static super::Table, Link)> {
    tables().filter_map(|t| link(t.name).map(|l| (t, l)))
}

#[cfg(test)]
mod tests {
    use super::super::{Category, category};
    use super::*;

    #[test]
    fn every_table_about_the_person_has_a_link() {
        let missing: Vec<_> = tables()
            .filter(|t| about_the_person(t) && link(t.name).is_none())
            .map(|t| t.name)
            .collect();
        assert!(missing.is_empty(), "tables without a link to a person: {missing:?}");
    }

    fn check(table: &str, l: Link) {
        match l {
            Link::Person(c) | Link::Case(c) | Link::Household(c) => {
                assert!(category(table, c).is_some(), "{table}.{c} is not in the inventory");
            }
            Link::Parent { column, parent } => {
                assert_eq!(category(table, column), Some(Category::Reference), "{table}.{column}");
                let up =
                    link(parent).unwrap_or_else(|| panic!("{table}: parent {parent} has no link"));
                assert!(
                    !matches!(up, Link::NotLinked(_)),
                    "{table}: parent {parent} is not linked"
                );
                check(parent, up);
            }
            Link::Any(links) => links.iter().for_each(|l| check(table, *l)),
            Link::AuditSubject => assert!(category(table, "subject_id").is_some()),
            Link::NotLinked(why) => assert!(!why.is_empty()),
        }
    }

    #[test]
    fn every_link_names_columns_of_the_inventory_and_linked_parents() {
        for (table, l) in linked_tables() {
            check(table.name, l);
        }
        assert!(link("users").is_none());
    }
}
