use std::collections::BTreeSet;

use time::macros::date;

use super::*;
use crate::inventory;

#[test]
fn every_table_with_data_about_persons_is_exported_or_excluded_for_a_stated_reason() {
    let missing: Vec<&str> =
        personal_tables().map(|t| t.name).filter(|t| plan_of(t).is_none()).collect();
    assert!(missing.is_empty(), "tables with personal data the export plan forgets: {missing:?}");
    // And nothing planned that the inventory does not know (a renamed table).
    for (table, _) in PLAN.iter() {
        assert!(inventory::tables().any(|t| t.name == *table), "{table} is not in the inventory");
    }
}

#[test]
fn the_plan_drawn_from_the_links_is_the_plan_of_adr_0035_table_for_table() {
    // The plan as ADR 0035 wrote it by hand, before it was drawn from the inventory's links:
    // folding the two maps into one changed nothing the export does.
    use Link::*;
    use Plan::*;
    let by_hand: &[(&str, Plan)] = &[
        ("aid_requests", Export(Person("person_id"))),
        ("aid_steps", Export(Under { column: "request_id", parent: "aid_requests" })),
        (
            "appointment_reminders",
            Export(Under { column: "appointment_id", parent: "appointments" }),
        ),
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
        (
            "case_follow_up_domains",
            Export(Under { column: "follow_up_id", parent: "case_follow_ups" }),
        ),
        ("case_follow_ups", Export(Case("case_id"))),
        ("case_ties", Export(Case("case_id"))),
        ("cases", Export(Person("person_id"))),
        ("consents", Export(Person("person_id"))),
        ("debts", Export(Household("household_id"))),
        ("document_shares", Export(Under { column: "document_id", parent: "documents" })),
        ("documents", Export(Person("person_id"))),
        (
            "domiciliation_mail",
            Export(Under { column: "domiciliation_id", parent: "domiciliations" }),
        ),
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
        ("report_narratives", Excluded(Exclusion::NotTiedToAPerson)),
        ("retention_reviews", Export(Person("person_id"))),
        ("retention_settings", Excluded(Exclusion::NotTiedToAPerson)),
        ("stats_case_steps", Excluded(Exclusion::Derived)),
        ("stats_gaps", Excluded(Exclusion::Derived)),
        ("stats_spans", Excluded(Exclusion::Derived)),
        (
            "subject_request_exports",
            Export(Under { column: "request_id", parent: "subject_requests" }),
        ),
        ("subject_requests", Export(Person("person_id"))),
        ("tasks", Export(PersonOrCase { person: "person_id", case: "case_id" })),
        ("urgency_flags", Export(Person("person_id"))),
        ("visits", Export(Person("person_id"))),
        ("voice_notes", Export(Person("person_id"))),
    ];
    assert_eq!(PLAN.as_slice(), by_hand);
    for (_, _, why) in OVERRIDES {
        assert!(!why.is_empty());
    }
}

#[test]
fn only_tables_excluded_for_one_of_four_reasons_stay_out_of_the_export() {
    // Excluding a table is a decision of ADR 0035: this list changes with it.
    let excluded: BTreeSet<&str> =
        PLAN.iter().filter(|(_, p)| matches!(p, Plan::Excluded(_))).map(|(t, _)| *t).collect();
    assert_eq!(
        excluded,
        BTreeSet::from([
            "federation_documents",
            "federation_packages",
            "federation_referrals",
            "form_drafts",
            "import_uploads",
            "partner_import_uploads",
            "person_terms",
            "report_narratives",
            "retention_settings",
            // ADR 0043: the statistics' spans and steps, derived from exported records.
            "stats_case_steps",
            "stats_gaps",
            "stats_spans",
        ])
    );
}

#[test]
fn links_name_columns_the_inventory_has_and_parents_that_are_exported() {
    for (table, plan) in PLAN.iter() {
        let t = inventory::tables().find(|t| t.name == *table).unwrap();
        let has = |c: &str| t.tagged().any(|(n, _)| n == c);
        match plan {
            Plan::Export(Link::Record) => assert!(has("id") && has("merged_into_id")),
            Plan::Export(Link::Person(c) | Link::Case(c) | Link::Household(c)) => {
                assert!(has(c), "{table}.{c}")
            }
            Plan::Export(Link::PersonOrCase { person, case }) => assert!(has(person) && has(case)),
            Plan::Export(Link::Under { column, parent }) => {
                assert!(has(column), "{table}.{column}");
                assert!(
                    matches!(plan_of(parent), Some(Plan::Export(_))),
                    "{table}: parent {parent} is not exported"
                );
                let p = inventory::tables().find(|t| t.name == *parent).unwrap();
                assert!(p.tagged().any(|(n, _)| n == "id"), "{parent}.id");
            }
            Plan::AccessLog | Plan::Excluded(_) => {}
        }
    }
}

#[test]
fn exported_columns_are_those_about_the_person() {
    let persons = inventory::tables().find(|t| t.name == "persons").unwrap();
    let cols: Vec<&str> = exported_columns(persons).into_iter().map(|(c, _)| c).collect();
    assert!(cols.contains(&"birth_name") && cols.contains(&"own_words"));
    assert!(cols.contains(&"protector_name"));
    assert!(!cols.contains(&"id") && !cols.contains(&"created_by") && !cols.contains(&"version"));
}

#[test]
fn the_deadline_is_one_month_or_three_once_extended_counted_in_calendar_months() {
    assert_eq!(deadline(date!(2026 - 11 - 26), false), date!(2026 - 12 - 26));
    assert_eq!(deadline(date!(2026 - 11 - 26), true), date!(2027 - 02 - 26));
    assert_eq!(deadline(date!(2027 - 01 - 31), false), date!(2027 - 02 - 28));
    assert_eq!(deadline(date!(2028 - 01 - 31), false), date!(2028 - 02 - 29));
    assert_eq!(deadline(date!(2026 - 12 - 31), true), date!(2027 - 03 - 31));
}

#[test]
fn only_open_requests_past_their_deadline_are_overdue() {
    let d = date!(2026 - 12 - 26);
    assert!(!overdue(Status::Open, d, d));
    assert!(overdue(Status::Open, d, date!(2026 - 12 - 27)));
    assert!(!overdue(Status::Answered, d, date!(2027 - 01 - 27)));
    assert!(!overdue(Status::Refused, d, date!(2027 - 01 - 27)));
}

#[test]
fn an_extension_needs_a_reason_and_happens_once_on_an_open_request() {
    assert_eq!(check_extension(Status::Open, false, "  "), Err(Problem::ReasonRequired));
    assert_eq!(check_extension(Status::Open, true, "x"), Err(Problem::AlreadyExtended));
    assert_eq!(check_extension(Status::Answered, false, "x"), Err(Problem::Closed));
    assert_eq!(check_extension(Status::Open, false, " Volume ").as_deref(), Ok("Volume"));
}

#[test]
fn a_refusal_needs_its_reason_and_an_answer_comes_after_receipt() {
    let r = date!(2026 - 11 - 20);
    assert_eq!(
        check_answer(Status::Open, r, Status::Refused, r, ""),
        Err(Problem::RefusalReasonRequired)
    );
    assert_eq!(
        check_answer(Status::Open, r, Status::Answered, date!(2026 - 11 - 19), ""),
        Err(Problem::BeforeReceipt)
    );
    assert_eq!(check_answer(Status::Open, r, Status::Answered, r, " "), Ok(None));
    assert_eq!(check_answer(Status::Answered, r, Status::Answered, r, ""), Err(Problem::Closed));
    assert_eq!(check_answer(Status::Open, r, Status::Open, r, ""), Err(Problem::Closed));
}

#[test]
fn codes_read_back() {
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.code()), Some(k));
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.code()), Some(s));
    }
    assert!(Kind::Access.gives_data() && Kind::Portability.gives_data());
    assert!(!Kind::Erasure.gives_data());
}

#[test]
fn a_note_naming_a_household_member_is_found_whatever_the_accents_but_not_the_person_s_own_name() {
    let index = NameIndex::new(["Kévin DURAND", "Mme Lefèvre (voisine)"], ["Marie Durand"]);
    assert!(mentions_third_party(&index, "Vu avec kevin ce matin"));
    assert!(mentions_third_party(&index, "La voisine, Mme LEFEVRE, aide"));
    assert!(!mentions_third_party(&index, "Mme Durand est venue seule"));
    assert!(!mentions_third_party(&index, "Rendez-vous à la CAF"));
    assert_eq!(index.found_in("Kevin et Lefevre"), ["kevin", "lefevre"]);
    assert!(NameIndex::new([], ["x"]).is_empty());
}
