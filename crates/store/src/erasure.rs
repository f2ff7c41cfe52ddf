//! Erasure on request (GDPR art. 17; issue 12 point 5; ADR 0036), in one transaction: the
//! person's rows are deleted — not blanked — in every table that links to them
//! ([`domain::inventory::links`], the same links anonymisation walks), with the members of
//! their households who are not followed themselves, the records merged into theirs, their
//! households when nobody else is left in them, the search terms, the drafts (of notes, of
//! assessments, of forms on their pages), the logs of the exports made for their requests and
//! the notifications about them. Files are recorded in `retention_file_deletions` in the same
//! transaction and deleted from the file store after the commit (as anonymisation does: no
//! orphan file, no dangling record).
//!
//! What stays: the access log (hash-chained; its events hold ids and codes, never content —
//! ADR 0003) with one more event, "erasure of subject #id" with counts; and the person's
//! data-subject requests, unlinked (`person_id` NULL, `erased_at` set) and without their
//! words, as proof they were answered.
//!
//! The rows go in an order the schema allows: a table before the tables it references,
//! computed from the engine's own catalogue of foreign keys and the inventory's links
//! ([`order`]). After the commit, [`scrub_storage`] removes what the engines keep of deleted
//! rows: SQLite overwrites deleted content (`secure_delete`, on for every connection) and the
//! WAL is checkpointed and truncated; PostgreSQL rewrites the affected tables
//! (`VACUUM FULL`) and checkpoints. PostgreSQL's WAL segments are out of the application's
//! reach (ADR 0036).

use std::collections::{BTreeMap, BTreeSet};

use domain::audit::AuditAction;
use domain::erasure::{Facts, Refusal, refusals};
use domain::inventory::links::{Link, linked_tables};
use domain::{OrganisationId, PersonId, UserId};
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::retention::anonymise::{Root, TOMBSTONE, predicate, root};
use crate::{Db, Exec, StoreError, Ts, Tx};

/// Tables linked to the person whose rows erasure does not delete, and why.
pub static KEPT: &[(&str, &str)] = &[
    (
        "audit_events",
        "hash-chained per organisation (ADR 0003): a deletion breaks `audit verify`; events hold \
         ids and codes only, and the erasure is recorded there",
    ),
    (
        "subject_requests",
        "proof the requests were answered in time: kept without the person (person_id NULL, \
         erased_at set) and without their words",
    ),
];

/// Whether erasure keeps `table` (see [`KEPT`]).
pub fn kept(table: &str) -> bool {
    KEPT.iter().any(|(t, _)| *t == table)
}

/// The condition selecting the rows of `table` that belong to a person (`$1` their id), for
/// tables whose rows hang from the person or their cases; `None` otherwise (household rows,
/// the access log, tables not linked).
pub fn person_condition(table: &str) -> Option<String> {
    let l = domain::inventory::links::link(table)?;
    (root(l)? == Root::Person).then(|| predicate(l)).flatten()
}

/// What one erasure did (counts only: this is what the audit event says).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The person, the records merged into theirs and the household members erased with them.
    pub persons: u64,
    /// Households erased with their last member.
    pub households: u64,
    /// Files recorded for deletion from the file store.
    pub files: u64,
    /// Rows deleted, every table together.
    pub rows: u64,
    /// Rows deleted (or, for the requests, unlinked) per table: what the confirmation page
    /// names, and what [`scrub_storage`] cleans.
    pub tables: BTreeMap<&'static str, u64>,
}

impl Erased {
    fn count(&mut self, table: &'static str, n: u64) {
        if n > 0 {
            *self.tables.entry(table).or_default() += n;
            self.rows += n;
        }
    }
}

/// The answer to an erasure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Erased(Erased),
    /// The law does not allow it now: nothing was changed.
    Refused(Vec<Refusal>),
    /// No such person in the organisation (or a record merged into another: erase the
    /// surviving record).
    NotFound,
}

/// The facts deciding whether `person` may be erased; `None` when the organisation has no such
/// person (merged records included: the surviving record is the one erased).
#[tracing::instrument(skip_all)]
pub async fn facts<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person: PersonId,
) -> Result<Option<Facts>, StoreError> {
    let mut exec = exec.into();
    let row: Option<(i64, i64, i64, i64)> = sql!(
        as (i64, i64, i64, i64),
        fetch_optional,
        &mut exec,
        "SELECT \
         (SELECT COUNT(*) FROM cases c WHERE c.person_id = p.id AND c.status <> 'closed'), \
         (SELECT COUNT(*) FROM retention_reviews r WHERE r.person_id = p.id \
          AND r.decision = 'held' AND r.outcome IS NULL), \
         (SELECT COUNT(*) FROM aid_requests a WHERE a.person_id = p.id \
          AND a.status NOT IN ('refused', 'paid', 'dismissed', 'closed_by_person')), \
         (SELECT COUNT(*) FROM domiciliations d WHERE d.person_id = p.id AND d.end_date IS NULL) \
         FROM persons p WHERE p.id = $1 AND p.organisation_id = $2 AND p.merged_into_id IS NULL",
        person.as_uuid(),
        organisation_id.as_uuid(),
    )?;
    Ok(row.map(|(cases, held, aid, dom)| Facts {
        open_cases: cases as u32,
        legal_hold: held > 0,
        unfinished_aid: aid as u32,
        current_domiciliations: dom as u32,
    }))
}

/// A table before the tables it references: `edges` are (from, to) pairs meaning "`from`
/// references `to`", so `from`'s rows go first. Ties are broken by name, so the order is the
/// same on every run. `Err` names the tables left in a cycle.
pub fn order<'a>(
    tables: &BTreeSet<&'a str>,
    edges: &[(&'a str, &'a str)],
) -> Result<Vec<&'a str>, Vec<&'a str>> {
    let mut blockers: BTreeMap<&str, BTreeSet<&str>> =
        tables.iter().map(|t| (*t, BTreeSet::new())).collect();
    // `to` may go only once every table referencing it is done.
    for (from, to) in edges {
        if from != to && tables.contains(from) && tables.contains(to) {
            blockers.get_mut(to).expect("listed").insert(*from);
        }
    }
    let mut out = Vec::with_capacity(tables.len());
    while !blockers.is_empty() {
        let ready: Vec<&str> =
            blockers.iter().filter(|(_, b)| b.is_empty()).map(|(t, _)| *t).collect();
        if ready.is_empty() {
            return Err(blockers.keys().copied().collect());
        }
        for t in ready {
            blockers.remove(t);
            for b in blockers.values_mut() {
                b.remove(t);
            }
            out.push(t);
        }
    }
    Ok(out)
}

/// The tables erasure deletes from for a root, in an order the foreign keys allow, each with
/// its condition (`$1` the person's or household's id): the inventory's link, or any other
/// column referencing the persons (another record's "not the same person", a budget's member).
async fn plan(tx: &mut Tx, for_root: Root) -> Result<Vec<(&'static str, String)>, StoreError> {
    let fks = crate::dialect::foreign_keys(&mut *tx).await?;
    let mut conditions: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut edges: Vec<(&str, &str)> = Vec::new();
    for (table, l) in linked_tables() {
        if kept(table.name) {
            continue;
        }
        let Some(r) = root(l) else { continue };
        let mut conds = Vec::new();
        if r == for_root
            && let Some(p) = predicate(l)
        {
            conds.push(p);
        }
        if for_root == Root::Person {
            for (t, column, to) in &fks {
                if t == table.name && to == "persons" {
                    let c = format!("{column} = $1");
                    if !conds.contains(&c) {
                        conds.push(c);
                    }
                }
            }
        }
        if !conds.is_empty() {
            conditions.insert(table.name, conds);
        }
        // The link's own references, should the schema not declare them.
        match l {
            Link::Parent { parent, .. } => edges.push((table.name, parent)),
            Link::Case(_) => edges.push((table.name, "cases")),
            Link::Household(_) if table.name != "households" => {
                edges.push((table.name, "households"))
            }
            _ => {}
        }
    }
    for (t, _, to) in &fks {
        if let (Some((from, _)), Some((to, _))) =
            (conditions.get_key_value(t.as_str()), conditions.get_key_value(to.as_str()))
        {
            edges.push((*from, *to));
        }
    }
    let tables: BTreeSet<&'static str> = conditions.keys().copied().collect();
    let ordered = order(&tables, &edges).map_err(|cycle| {
        StoreError::Database(sqlx::Error::Protocol(format!(
            "erasure: the foreign keys of {cycle:?} form a cycle"
        )))
    })?;
    Ok(ordered
        .into_iter()
        .map(|t| {
            let conds = &conditions[t];
            let cond = if conds.len() == 1 {
                conds[0].clone()
            } else {
                format!("({})", conds.join(" OR "))
            };
            (t, format!("DELETE FROM {t} WHERE {cond}"))
        })
        .collect())
}

/// Erases `person` (with the household members not followed themselves and the records
/// merged into theirs) in `tx`, unless the law stands in the way; records "erasure of subject
/// #id" in the audit log, naming `request` (the data-subject request answered) and counts.
/// The caller commits, deletes the recorded files and calls [`scrub_storage`].
#[tracing::instrument(skip_all)]
pub async fn erase_person(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    person: PersonId,
    request: Option<Uuid>,
    by: Option<UserId>,
    now: Ts,
) -> Result<Outcome, StoreError> {
    let org = organisation_id.as_uuid();
    let subject = person.as_uuid();
    let Some(facts) = facts(&mut *tx, organisation_id, person).await? else {
        return Ok(Outcome::NotFound);
    };
    let refused = refusals(&facts);
    if !refused.is_empty() {
        return Ok(Outcome::Refused(refused));
    }
    // Erased first: the members and merged records, then the person (whose record the merged
    // ones point at).
    let (households, mut persons) =
        crate::retention::anonymise::companions(tx, org, subject).await?;
    persons.push(subject);
    let mut done = Erased::default();
    // The files, recorded for deletion after the commit.
    for p in &persons {
        let objects: Vec<String> = sql!(
            scalar String,
            fetch_all,
            &mut *tx,
            "SELECT object_name FROM documents WHERE person_id = $1 UNION \
             SELECT object_name FROM voice_notes WHERE person_id = $1",
            *p,
        )?;
        for object in objects.iter().filter(|o| !o.starts_with(TOMBSTONE)) {
            done.files += sql!(
                execute,
                &mut *tx,
                "INSERT INTO retention_file_deletions (object_name, organisation_id, recorded_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (object_name) DO NOTHING",
                object.as_str(),
                org,
                now,
            )?;
        }
    }
    // Drafts of forms typed on the person's pages or their cases' (keyed by the page's path),
    // and notifications about them: not linked by a column, found by the ids.
    let mut ids: Vec<Uuid> = persons.clone();
    for p in &persons {
        ids.extend(sql!(
            scalar Uuid,
            fetch_all,
            &mut *tx,
            "SELECT id FROM cases WHERE person_id = $1",
            *p,
        )?);
    }
    for id in &ids {
        let text = id.to_string();
        let n = sql!(
            execute,
            &mut *tx,
            "DELETE FROM form_drafts WHERE organisation_id = $1 AND path LIKE $2",
            org,
            format!("%{text}%"),
        )?;
        done.count("form_drafts", n);
        let n = sql!(
            execute,
            &mut *tx,
            "DELETE FROM notifications WHERE organisation_id = $1 AND subject_id = $2",
            org,
            *id,
        )?;
        done.count("notifications", n);
    }
    // The requests stay as proof, without the person and their words.
    for p in &persons {
        let n = sql!(
            execute,
            &mut *tx,
            "DELETE FROM subject_request_exports WHERE request_id IN \
             (SELECT id FROM subject_requests WHERE person_id = $1)",
            *p,
        )?;
        done.count("subject_request_exports", n);
        let n = sql!(
            execute,
            &mut *tx,
            "UPDATE subject_requests SET person_id = NULL, erased_at = $2, \
             extension_reason = NULL, answer_note = NULL, updated_at = $2, \
             version = version + 1 WHERE person_id = $1",
            *p,
            now,
        )?;
        if n > 0 {
            *done.tables.entry("subject_requests").or_default() += n;
        }
    }
    let person_plan = plan(tx, Root::Person).await?;
    for p in &persons {
        for (table, sql) in &person_plan {
            let n = sql!(execute, &mut *tx, sql.as_str(), *p)?;
            done.count(table, n);
        }
        done.persons += 1;
    }
    // A household goes once nobody is left in it (its followed members keep it otherwise).
    let household_plan = plan(tx, Root::Household).await?;
    for h in &households {
        let left: i64 = sql!(
            scalar i64,
            fetch_one,
            &mut *tx,
            "SELECT COUNT(*) FROM household_members WHERE household_id = $1",
            *h,
        )?;
        if left > 0 {
            continue;
        }
        for (table, sql) in &household_plan {
            let n = sql!(execute, &mut *tx, sql.as_str(), *h)?;
            done.count(table, n);
        }
        done.households += 1;
    }
    let mut event = NewAuditEvent::new(AuditAction::Erased, Some(organisation_id))
        .on("person", subject)
        .detail("persons", done.persons)
        .detail("households", done.households)
        .detail("files", done.files)
        .detail("rows", done.rows);
    if let Some(r) = request {
        event = event.detail("subject_request", r.to_string());
    }
    if let Some(by) = by {
        event = event.by(by);
    }
    crate::audit::append(tx, &event, now).await?;
    Ok(Outcome::Erased(done))
}

/// What erasing `person` would do now, without doing it: the erasure runs in a transaction
/// that is rolled back (the confirmation page names what will go from it).
#[tracing::instrument(skip_all)]
pub async fn preview(
    db: &Db,
    organisation_id: OrganisationId,
    person: PersonId,
) -> Result<Outcome, StoreError> {
    let mut tx = db.begin_write().await?;
    let outcome = erase_person(&mut tx, organisation_id, person, None, None, Ts::now()).await?;
    tx.rollback().await?;
    Ok(outcome)
}

/// After an erasure's commit (and its files' deletion): removes what the engine keeps of the
/// deleted rows. SQLite: deleted content is already overwritten (`secure_delete`); the WAL,
/// which still holds the pages as they were, is checkpointed into the database and truncated.
/// PostgreSQL: `tables` are rewritten (`VACUUM FULL`: the dead rows and their index entries do
/// not survive in the new files; the old ones are truncated) and a checkpoint is asked for.
/// Returns false when something could not be done now (a reader kept the WAL busy, the
/// account may not checkpoint): the data is unreachable anyway, and the next checkpoint or
/// erasure finishes the job.
#[tracing::instrument(skip_all)]
pub async fn scrub_storage(
    db: &Db,
    tables: &BTreeMap<&'static str, u64>,
) -> Result<bool, StoreError> {
    let mut tables: BTreeSet<&'static str> = tables.keys().copied().collect();
    tables.insert("retention_file_deletions");
    crate::dialect::scrub(db, &tables).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referencing_tables_go_before_the_tables_they_reference() {
        let tables = BTreeSet::from(["persons", "cases", "case_entries", "versions", "a_loose"]);
        let edges = [
            ("cases", "persons"),
            ("case_entries", "cases"),
            ("versions", "case_entries"),
            ("persons", "persons"),
            ("cases", "teams"),
        ];
        let o = order(&tables, &edges).unwrap();
        let at = |t: &str| o.iter().position(|x| *x == t).unwrap();
        assert!(at("versions") < at("case_entries"));
        assert!(at("case_entries") < at("cases"));
        assert!(at("cases") < at("persons"));
        assert_eq!(o.len(), 5);
        assert_eq!(order(&tables, &edges), Ok(o), "the same order every time");
    }

    #[test]
    fn a_cycle_is_named() {
        let tables = BTreeSet::from(["a", "b", "c"]);
        assert_eq!(order(&tables, &[("a", "b"), ("b", "a")]), Err(vec!["a", "b"]));
    }

    #[test]
    fn kept_tables_are_linked_to_the_person() {
        for (t, why) in KEPT {
            assert!(domain::inventory::links::link(t).is_some(), "{t}");
            assert!(!why.is_empty());
        }
    }
}
