//! Anonymising one person (issue 12 point 3, ADR 0034), in the caller's transaction: fully or
//! not at all. What goes is driven by the inventory: every column whose category anonymisation
//! removes (identity, contact, free text, third parties, files) is blanked in every table that
//! links to the person ([`domain::inventory::links`]); dates, kinds, statuses, amounts and
//! levels stay, so statistics add up the same. [`PLAN`] says, table by table, how each removed
//! column is blanked; a test walks the inventory so that a new column cannot be forgotten.
//!
//! The persons anonymised together: the person, and the members of their households who are
//! not followed themselves (no case of their own). A household's own data (its name, budgets,
//! debts) goes with the last followed member. Files are not deleted here: their names are
//! recorded in `retention_file_deletions` in the same transaction and deleted from the file
//! store after the commit, so a crash leaves neither an orphan file nor a dangling record.

use domain::audit::AuditAction;
use domain::inventory::links::{Link, link, linked_tables};
use domain::{OrganisationId, PersonId};
use time::Date;
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::{StoreError, Ts, Tx};

/// What a removed column becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    Null,
    /// The empty text, for a column that may not be NULL.
    Empty,
    /// The empty text where a value was, NULL where none was (a constraint ties the column's
    /// presence to a kind).
    EmptyIfSet,
    False,
    /// A birth date coarsened to the first of January of its year (ages by year still count).
    FirstOfYear,
    /// A file's object name: recorded for deletion, replaced by a unique tombstone.
    Tombstone,
}

/// What anonymisation does to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Blank these columns of the person's rows.
    Scrub(&'static [(&'static str, Blank)]),
    /// Delete the person's rows (drafts, search terms, revisions: nothing statistics count).
    DeleteRows,
    /// Left as they are, and why.
    Kept(&'static str),
}

use Blank::*;

/// Every table holding a column anonymisation removes, and what is done to it.
pub static PLAN: &[(&str, Action)] = &[
    (
        "aid_requests",
        Action::Scrub(&[("presentation", Empty), ("decision_comment", Null), ("payee_name", Null)]),
    ),
    ("aid_steps", Action::Scrub(&[("note", Null)])),
    (
        "appointments",
        Action::Scrub(&[("remind_by", Null), ("place_detail", Null), ("purpose", Null)]),
    ),
    ("assessment_drafts", Action::DeleteRows),
    ("assessment_ratings", Action::Scrub(&[("person_words", Null), ("strengths", Null)])),
    (
        "audit_events",
        Action::Kept(
            "each event is hashed into its organisation's chain, which a rewrite would break; \
         details hold no personal value by rule (ADR 0003) and the anonymisation is recorded",
        ),
    ),
    ("budget_lines", Action::Scrub(&[("label", Null)])),
    ("budgets", Action::Scrub(&[("note", Null)])),
    ("case_emergency_access", Action::Scrub(&[("reason", Empty)])),
    (
        "case_entries",
        Action::Scrub(&[
            ("place", Null),
            ("participants", Null),
            ("body", Null),
            ("delete_reason", Null),
        ]),
    ),
    (
        "case_entry_versions",
        Action::Scrub(&[("place", Null), ("participants", Null), ("body", Null)]),
    ),
    ("case_ties", Action::Scrub(&[("note", Null), ("label", Empty)])),
    ("consents", Action::Scrub(&[("recipient", Empty), ("given_by_name", Null)])),
    ("debts", Action::Scrub(&[("creditor", Empty), ("plan", Null)])),
    ("document_shares", Action::Scrub(&[("recipient_label", Null)])),
    ("documents", Action::Scrub(&[("file_name", Empty), ("object_name", Tombstone)])),
    ("domiciliation_mail", Action::Scrub(&[("sender", Null)])),
    ("federation_documents", Action::Kept("received from another instance (links.rs)")),
    ("federation_packages", Action::Scrub(&[("body", Null)])),
    ("federation_referrals", Action::Kept("received from another instance (links.rs)")),
    ("form_drafts", Action::Kept("a form being typed, expired after a week (links.rs)")),
    ("households", Action::Scrub(&[("name", Null)])),
    ("import_uploads", Action::Kept("deleted within the hour (links.rs)")),
    ("note_drafts", Action::DeleteRows),
    ("partner_import_uploads", Action::Kept("deleted within the hour (links.rs)")),
    ("person_merges", Action::Scrub(&[("survivor_before", Empty), ("survivor_after", Empty)])),
    ("person_revisions", Action::DeleteRows),
    ("person_terms", Action::DeleteRows),
    (
        "persons",
        Action::Scrub(&[
            ("birth_name", Null),
            // One name must stay non-NULL (a constraint): the empty text.
            ("used_name", Empty),
            ("first_names", Null),
            ("birth_date", FirstOfYear),
            ("birth_place", Null),
            ("sex", Null),
            ("nationality", Null),
            ("languages", Null),
            ("interpreter_needed", False),
            ("benefit_office_number", Null),
            ("employment_service_id", Null),
            ("phones", Null),
            ("email", Null),
            ("address_line1", Null),
            ("address_line2", Null),
            ("postcode", Null),
            ("town", Null),
            ("country", Null),
            ("own_words", Null),
            ("protector_name", Null),
            ("protector_contact", Null),
        ]),
    ),
    ("plan_goals", Action::Scrub(&[("person_words", Empty), ("worker_words", Null)])),
    ("plan_steps", Action::Scrub(&[("action", Empty), ("partner_name", Null)])),
    ("plan_victories", Action::Scrub(&[("person_words", Empty)])),
    ("referral_steps", Action::Scrub(&[("note", Null)])),
    ("referrals", Action::Scrub(&[("reason", Empty), ("request", Empty)])),
    (
        "report_narratives",
        Action::Kept(
            "the annual report's narrative: the service's year, not one person (links.rs)",
        ),
    ),
    (
        "retention_settings",
        Action::Kept("the organisation's settings and the DPO's reason: not one person (links.rs)"),
    ),
    (
        "stats_case_steps",
        Action::Kept("the statistics' outcome steps: levels and dates, kept as their sources are"),
    ),
    ("stats_gaps", Action::Kept("the statistics' gaps between follow spans: dates only")),
    ("stats_spans", Action::Kept("the statistics' follow spans: dates only")),
    // The archives' reference is typed text: its proof stays in the audit event recording it.
    ("retention_reviews", Action::Scrub(&[("reason", Null), ("archives_reference", Null)])),
    // The request stays as proof it was answered in time (kind, dates, status); its words go.
    ("subject_requests", Action::Scrub(&[("extension_reason", Null), ("answer_note", Null)])),
    // A manual task's title must stay present (a constraint ties it to the kind).
    ("tasks", Action::Scrub(&[("title", EmptyIfSet), ("details", Null)])),
    ("urgency_flags", Action::Scrub(&[("note", Null), ("close_note", Null)])),
    ("visits", Action::Scrub(&[("reason", Empty), ("outcome", Empty), ("note", Null)])),
    ("voice_notes", Action::Scrub(&[("transcript", Null), ("object_name", Tombstone)])),
];

/// The plan's action for `table`.
pub fn action(table: &str) -> Option<Action> {
    PLAN.iter().find(|(t, _)| *t == table).map(|(_, a)| *a)
}

/// What a link's rows hang from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Person,
    Household,
}

pub(crate) fn root(l: Link) -> Option<Root> {
    match l {
        Link::Person(_) | Link::Case(_) => Some(Root::Person),
        Link::Household(_) => Some(Root::Household),
        Link::Parent { parent, .. } => link(parent).and_then(root),
        Link::Any(ls) => ls.first().and_then(|l| root(*l)),
        Link::AuditSubject | Link::NotLinked(_) => None,
    }
}

/// The condition selecting the rows of a link, `$1` being the person's (or the household's)
/// id. Identifiers come from the inventory's static names, never from input; the id is bound.
pub(crate) fn predicate(l: Link) -> Option<String> {
    Some(match l {
        Link::Person(c) | Link::Household(c) => format!("{c} = $1"),
        Link::Case(c) => format!("{c} IN (SELECT id FROM cases WHERE person_id = $1)"),
        Link::Parent { column, parent } => {
            format!("{column} IN (SELECT id FROM {parent} WHERE {})", predicate(link(parent)?)?)
        }
        Link::Any(ls) => {
            let parts: Option<Vec<String>> = ls.iter().map(|l| predicate(*l)).collect();
            format!("({})", parts?.join(" OR "))
        }
        Link::AuditSubject | Link::NotLinked(_) => return None,
    })
}

/// The statements for one root, in the inventory's order: (table, SQL).
fn statements(for_root: Root) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (table, l) in linked_tables() {
        if root(l) != Some(for_root) {
            continue;
        }
        let (Some(action), Some(cond)) = (action(table.name), predicate(l)) else { continue };
        match action {
            Action::Scrub(columns) => {
                let sets: Vec<String> = columns
                    .iter()
                    .filter_map(|(c, blank)| {
                        Some(match blank {
                            Null => format!("{c} = NULL"),
                            Empty => format!("{c} = ''"),
                            EmptyIfSet => {
                                format!("{c} = CASE WHEN {c} IS NULL THEN NULL ELSE '' END")
                            }
                            False => format!("{c} = FALSE"),
                            FirstOfYear | Tombstone => return None,
                        })
                    })
                    .collect();
                if !sets.is_empty() {
                    out.push((
                        table.name,
                        format!("UPDATE {} SET {} WHERE {cond}", table.name, sets.join(", ")),
                    ));
                }
            }
            Action::DeleteRows => {
                out.push((table.name, format!("DELETE FROM {} WHERE {cond}", table.name)))
            }
            Action::Kept(_) => {}
        }
    }
    out
}

/// What one anonymisation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Anonymised {
    /// The person and the household members anonymised with them.
    pub persons: u64,
    /// Households whose own data went with their last followed member.
    pub households: u64,
    /// Files recorded for deletion from the file store.
    pub files: u64,
}

/// Anonymises `person` and their household members not followed themselves, in `tx`, and
/// records "anonymisation of person #id" in the audit log (no content). `fail_midway` is for
/// tests: an error after the rows are blanked and before the caller commits.
#[tracing::instrument(skip_all)]
pub async fn anonymise_person(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    person: PersonId,
    now: Ts,
    fail_midway: bool,
) -> Result<Anonymised, StoreError> {
    let org = organisation_id.as_uuid();
    let subject = person.as_uuid();
    let (households, companions) = companions(tx, org, subject).await?;
    let mut persons: Vec<Uuid> = vec![subject];
    persons.extend(companions);
    let mut done = Anonymised::default();
    let person_statements = statements(Root::Person);
    for p in &persons {
        done.files += unlink_files(tx, org, *p, now).await?;
        let birth: Option<Date> = sql!(
            scalar Option<Date>,
            fetch_one,
            &mut *tx,
            "SELECT birth_date FROM persons WHERE id = $1",
            *p,
        )?;
        for (_, sql) in &person_statements {
            sql!(execute, &mut *tx, sql.as_str(), *p)?;
        }
        let coarse = birth.and_then(|b| Date::from_ordinal_date(b.year(), 1).ok());
        sql!(execute, &mut *tx, "UPDATE persons SET birth_date = $2 WHERE id = $1", *p, coarse)?;
        done.persons += 1;
    }
    // A household goes with its last followed member: nobody else in it has a case that is not
    // anonymised (this person's included).
    let household_statements = statements(Root::Household);
    for h in &households {
        let others_followed: i64 = sql!(
            scalar i64,
            fetch_one,
            &mut *tx,
            "SELECT COUNT(*) FROM household_members m WHERE m.household_id = $1 \
             AND m.person_id <> $2 AND EXISTS (SELECT 1 FROM cases c WHERE c.person_id = m.person_id) \
             AND NOT EXISTS (SELECT 1 FROM retention_reviews r WHERE r.person_id = m.person_id \
             AND r.outcome = 'anonymised')",
            *h,
            subject,
        )?;
        if others_followed == 0 {
            for (_, sql) in &household_statements {
                sql!(execute, &mut *tx, sql.as_str(), *h)?;
            }
            done.households += 1;
        }
    }
    if fail_midway {
        return Err(StoreError::Database(sqlx::Error::Protocol(
            "failure injected by a test".to_owned(),
        )));
    }
    let event = NewAuditEvent::new(AuditAction::Anonymised, Some(organisation_id))
        .on("person", subject)
        .detail("persons", done.persons)
        .detail("files", done.files);
    crate::audit::append(tx, &event, now).await?;
    Ok(done)
}

/// The households of `subject` in the organisation, and the persons whose data goes with
/// theirs (anonymisation, erasure): the records merged into theirs (kept to undo the merge: the
/// same person), then the members of their households without a case of their own (their data
/// is part of the person's file), each once, in a stable order.
pub(crate) async fn companions(
    tx: &mut Tx,
    org: Uuid,
    subject: Uuid,
) -> Result<(Vec<Uuid>, Vec<Uuid>), StoreError> {
    let households: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT DISTINCT m.household_id FROM household_members m JOIN households h \
         ON h.id = m.household_id WHERE m.person_id = $1 AND h.organisation_id = $2 \
         ORDER BY m.household_id",
        subject,
        org,
    )?;
    let mut persons: Vec<Uuid> = sql!(
        scalar Uuid,
        fetch_all,
        &mut *tx,
        "SELECT id FROM persons WHERE merged_into_id = $1 ORDER BY id",
        subject,
    )?;
    for h in &households {
        let members: Vec<Uuid> = sql!(
            scalar Uuid,
            fetch_all,
            &mut *tx,
            "SELECT DISTINCT m.person_id FROM household_members m WHERE m.household_id = $1 \
             AND m.person_id <> $2 AND NOT EXISTS (SELECT 1 FROM cases c \
             WHERE c.person_id = m.person_id) ORDER BY m.person_id",
            *h,
            subject,
        )?;
        for m in members {
            if !persons.contains(&m) {
                persons.push(m);
            }
        }
    }
    Ok((households, persons))
}

/// Records the person's files for deletion and puts a unique tombstone in their place; a
/// voice note's recording counts as deleted from now.
async fn unlink_files(tx: &mut Tx, org: Uuid, person: Uuid, now: Ts) -> Result<u64, StoreError> {
    let mut count = 0;
    let documents: Vec<(Uuid, String)> = sql!(
        as (Uuid, String),
        fetch_all,
        &mut *tx,
        "SELECT id, object_name FROM documents WHERE person_id = $1",
        person,
    )?;
    let voices: Vec<(Uuid, String)> = sql!(
        as (Uuid, String),
        fetch_all,
        &mut *tx,
        "SELECT id, object_name FROM voice_notes WHERE person_id = $1",
        person,
    )?;
    for (table, rows) in [("documents", documents), ("voice_notes", voices)] {
        for (id, object) in rows {
            let tombstone = format!("{TOMBSTONE}{id}");
            if object == tombstone {
                continue;
            }
            count += sql!(
                execute,
                &mut *tx,
                "INSERT INTO retention_file_deletions (object_name, organisation_id, recorded_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (object_name) DO NOTHING",
                object.as_str(),
                org,
                now,
            )?;
            let sql = if table == "documents" {
                "UPDATE documents SET object_name = $2 WHERE id = $1"
            } else {
                "UPDATE voice_notes SET object_name = $2, \
                 audio_deleted_at = COALESCE(audio_deleted_at, $3) WHERE id = $1"
            };
            sql!(execute, &mut *tx, sql, id, tombstone.as_str(), now)?;
        }
    }
    Ok(count)
}

/// The prefix of an anonymised file's object name (no such object exists).
pub const TOMBSTONE: &str = "anonymised/";

#[cfg(test)]
mod tests {
    use super::*;
    use domain::inventory::tables;
    use std::collections::BTreeSet;

    #[test]
    fn every_removed_column_of_the_inventory_is_blanked_or_its_table_deleted_or_kept_with_a_reason()
    {
        let mut problems = Vec::new();
        for table in tables() {
            let removed: BTreeSet<&str> = table
                .tagged()
                .filter(|(_, c)| c.removed_by_anonymisation())
                .map(|(n, _)| n)
                .collect();
            if removed.is_empty() {
                continue;
            }
            match action(table.name) {
                None => problems.push(format!("{}: not in the plan", table.name)),
                Some(Action::Scrub(columns)) => {
                    let planned: BTreeSet<&str> = columns.iter().map(|(c, _)| *c).collect();
                    for c in removed.difference(&planned) {
                        problems.push(format!(
                            "{}.{c}: removed by anonymisation, not blanked",
                            table.name
                        ));
                    }
                    for c in planned.difference(&removed) {
                        problems.push(format!(
                            "{}.{c}: blanked but not a removed category",
                            table.name
                        ));
                    }
                }
                Some(Action::DeleteRows) => {}
                Some(Action::Kept(why)) => {
                    let l = link(table.name);
                    if !matches!(l, Some(Link::NotLinked(_)) | Some(Link::AuditSubject))
                        || why.is_empty()
                    {
                        problems
                            .push(format!("{}: kept although linked to the person", table.name));
                    }
                }
            }
        }
        for (t, _) in PLAN {
            if !tables().any(|table| table.name == *t) {
                problems.push(format!("{t}: in the plan, not in the inventory"));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn every_planned_table_has_statements_for_its_root() {
        let person: BTreeSet<&str> = statements(Root::Person).into_iter().map(|(t, _)| t).collect();
        let household: BTreeSet<&str> =
            statements(Root::Household).into_iter().map(|(t, _)| t).collect();
        assert!(person.contains("persons") && person.contains("case_entries"));
        assert!(person.contains("case_entry_versions") && person.contains("person_terms"));
        assert_eq!(household, BTreeSet::from(["budget_lines", "budgets", "debts", "households"]));
        let (_, versions) = statements(Root::Person)
            .into_iter()
            .find(|(t, _)| *t == "case_entry_versions")
            .unwrap();
        assert_eq!(
            versions,
            "UPDATE case_entry_versions SET place = NULL, participants = NULL, body = NULL \
             WHERE entry_id IN (SELECT id FROM case_entries WHERE case_id IN \
             (SELECT id FROM cases WHERE person_id = $1))"
        );
    }
}
