//! The retention run of one organisation: brings the review list up to date with the facts,
//! then anonymises or archives, one person per transaction, every line whose day has come.
//! A dry run computes the same counts and writes nothing.

use std::collections::HashMap;

use domain::audit::AuditAction;
use domain::retention::{AfterDue, Decision, Standing, runs_on, standing};
use domain::{OrganisationId, PersonId};
use time::Date;
use uuid::Uuid;

use super::anonymise::anonymise_person;
use super::{ListFilter, Review};
use crate::audit::NewAuditEvent;
use crate::ts::local_today;
use crate::{Db, StoreError, Ts};

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Count only: nothing is written.
    pub dry_run: bool,
    /// For tests: the run fails inside the transaction of the person after this many processed.
    pub fail_after: Option<u64>,
}

/// What a run found and did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunCounts {
    /// Lines of the review list due (not yet run) before this run processed any.
    pub due: u64,
    /// Lines added to the review list by this run.
    pub listed: u64,
    pub anonymised: u64,
    pub archived: u64,
    /// Due but postponed, or held, or waiting for a decision or for the grace days to pass.
    pub postponed: u64,
    pub held: u64,
    pub waiting: u64,
}

impl RunCounts {
    pub fn add(&mut self, o: RunCounts) {
        self.due += o.due;
        self.listed += o.listed;
        self.anonymised += o.anonymised;
        self.archived += o.archived;
        self.postponed += o.postponed;
        self.held += o.held;
        self.waiting += o.waiting;
    }
}

/// One line as the run sees it after the update of the list.
struct Line {
    id: Uuid,
    person_id: PersonId,
    due_on: Date,
    minor: bool,
    /// A minor's file sorted by the public archives (ADR 0042).
    archives_sorted: bool,
    decision: Decision,
    version: i64,
}

/// Runs retention for one organisation whose time zone is `zone`, on the day `now` falls in.
#[tracing::instrument(skip_all)]
pub async fn run_organisation(
    db: &Db,
    organisation_id: OrganisationId,
    zone: &str,
    now: Ts,
    options: RunOptions,
) -> Result<RunCounts, StoreError> {
    let (settings, _) = super::settings(db, organisation_id).await?;
    let today = local_today(now, Some(zone));
    let mut counts = RunCounts::default();
    let existing: HashMap<PersonId, Review> =
        super::list(db, organisation_id, ListFilter::Open, i64::MAX)
            .await?
            .into_iter()
            .map(|r| (r.person_id, r))
            .collect();
    let candidates = super::facts::candidates(db, organisation_id, zone, now).await?;
    let mut lines: Vec<Line> = Vec::new();
    // The list, brought up to date in one short transaction.
    let mut tx = if options.dry_run { None } else { Some(db.begin_write().await?) };
    let mut seen = std::collections::HashSet::new();
    for (person, facts) in candidates {
        seen.insert(person);
        let old = existing.get(&person);
        match (standing(&facts, &settings, today), old) {
            (Standing::Due { due_on, minor }, None) => {
                let id = Uuid::now_v7();
                if let Some(tx) = tx.as_mut() {
                    sql!(
                        execute,
                        &mut *tx,
                        "INSERT INTO retention_reviews (id, organisation_id, person_id, \
                         last_contact_on, due_on, minor, decision, created_at, updated_at, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7, 1)",
                        id,
                        organisation_id.as_uuid(),
                        person.as_uuid(),
                        facts.last_contact,
                        due_on,
                        minor,
                        now,
                    )?;
                }
                counts.listed += 1;
                lines.push(Line {
                    id,
                    person_id: person,
                    due_on,
                    minor,
                    archives_sorted: false,
                    decision: Decision::Pending,
                    version: 1,
                });
            }
            (Standing::Due { due_on, minor }, Some(r)) => {
                let mut line = Line {
                    id: r.id,
                    person_id: person,
                    due_on: r.due_on,
                    minor: r.minor,
                    archives_sorted: r.archives_step.is_some(),
                    decision: r.decision(),
                    version: r.version,
                };
                // A later contact moved the due date: the decision was on other facts (a hold
                // stands whatever the dates).
                if r.due_on != due_on || r.minor != minor {
                    let decision = if line.decision == Decision::Held {
                        Decision::Held
                    } else {
                        Decision::Pending
                    };
                    if let Some(tx) = tx.as_mut() {
                        sql!(
                            execute,
                            &mut *tx,
                            "UPDATE retention_reviews SET last_contact_on = $2, due_on = $3, \
                             minor = $4, decision = $5, until_on = NULL, \
                             reason = CASE WHEN $5 = 'held' THEN reason ELSE NULL END, \
                             archives_step = NULL, archives_reference = NULL, \
                             archives_on = NULL, archives_by = NULL, \
                             archives_recorded_at = NULL, \
                             updated_at = $6, version = version + 1 WHERE id = $1",
                            r.id,
                            facts.last_contact,
                            due_on,
                            minor,
                            decision.code(),
                            now,
                        )?;
                    }
                    line = Line {
                        due_on,
                        minor,
                        archives_sorted: false,
                        decision,
                        version: r.version + 1,
                        ..line
                    };
                }
                lines.push(line);
            }
            (Standing::Active | Standing::Kept { .. }, Some(r))
                if r.decision() != Decision::Held =>
            {
                // Seen again since it was listed: no longer due.
                if let Some(tx) = tx.as_mut() {
                    sql!(execute, &mut *tx, "DELETE FROM retention_reviews WHERE id = $1", r.id)?;
                }
            }
            (Standing::Active | Standing::Kept { .. }, Some(r)) => {
                lines.push(Line {
                    id: r.id,
                    person_id: person,
                    due_on: r.due_on,
                    minor: r.minor,
                    archives_sorted: r.archives_step.is_some(),
                    decision: Decision::Held,
                    version: r.version,
                });
            }
            (Standing::Active | Standing::Kept { .. }, None) => {}
        }
    }
    if let Some(tx) = tx {
        tx.commit().await?;
    }
    // Held lines of persons no longer candidates (merged meanwhile) stay listed as they are.
    for r in existing.values().filter(|r| !seen.contains(&r.person_id)) {
        lines.push(Line {
            id: r.id,
            person_id: r.person_id,
            due_on: r.due_on,
            minor: r.minor,
            archives_sorted: r.archives_step.is_some(),
            decision: r.decision(),
            version: r.version,
        });
    }
    lines.sort_by_key(|l| (l.due_on, l.id));
    let mut processed = 0u64;
    for line in &lines {
        counts.due += 1;
        let runs = runs_on(
            line.decision,
            line.due_on,
            line.minor,
            line.archives_sorted,
            settings.grace_days,
        );
        if runs.is_none_or(|d| d > today) {
            match line.decision {
                Decision::Held => counts.held += 1,
                Decision::Postponed { .. } => counts.postponed += 1,
                _ => counts.waiting += 1,
            }
            continue;
        }
        if options.dry_run {
            match settings.after_due {
                AfterDue::Anonymise => counts.anonymised += 1,
                AfterDue::Archive => counts.archived += 1,
            }
            continue;
        }
        let fail = options.fail_after.is_some_and(|n| processed >= n);
        if process(db, organisation_id, line, settings.after_due, now, fail).await? {
            processed += 1;
            match settings.after_due {
                AfterDue::Anonymise => counts.anonymised += 1,
                AfterDue::Archive => counts.archived += 1,
            }
        }
    }
    Ok(counts)
}

/// Processes one line in one transaction; false when the line changed meanwhile (a decision
/// taken while the run went on): it is left for the next run.
async fn process(
    db: &Db,
    organisation_id: OrganisationId,
    line: &Line,
    after: AfterDue,
    now: Ts,
    fail: bool,
) -> Result<bool, StoreError> {
    let outcome = match after {
        AfterDue::Anonymise => "anonymised",
        AfterDue::Archive => "archived",
    };
    let mut tx = db.begin_write().await?;
    let claimed = sql!(
        execute,
        &mut tx,
        "UPDATE retention_reviews SET outcome = $3, processed_at = $4, updated_at = $4, \
         version = version + 1 WHERE id = $1 AND version = $2 AND outcome IS NULL",
        line.id,
        line.version,
        outcome,
        now,
    )?;
    if claimed != 1 {
        drop(tx);
        return Ok(false);
    }
    match after {
        AfterDue::Anonymise => {
            anonymise_person(&mut tx, organisation_id, line.person_id, now, fail).await?;
        }
        AfterDue::Archive => {
            if fail {
                return Err(StoreError::Database(sqlx::Error::Protocol(
                    "failure injected by a test".to_owned(),
                )));
            }
            let event = NewAuditEvent::new(AuditAction::RetentionArchived, Some(organisation_id))
                .on("person", line.person_id.as_uuid());
            crate::audit::append(&mut tx, &event, now).await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
