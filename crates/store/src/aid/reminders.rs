//! The reminder of a request waiting for documents (ADR 0030, section of 2026-11-27): once it
//! has waited longer than the organisation's days, its case's referent gets a system task
//! (`aid_awaiting_documents`, source: the request), closed by the reminders job when the request
//! moves on (`tasks::resolve_all`).

use domain::OrganisationId;
use domain::tasks::TaskKind;
use time::Date;

use crate::tasks::{Candidate, create_all};
use crate::{StoreError, Ts, Tx};

/// Requests looked at per run; the next run takes the rest.
const BATCH: i64 = 500;

/// Creates the tasks of the requests of the organisation waiting for documents since before
/// `now` minus `days` (the latest move to `awaiting_documents` counts: a request sent back for
/// documents waits again from then), due today, for the case's referent. A task of an earlier
/// wait, closed before this one began, is opened again. Returns how many were created or opened.
#[tracing::instrument(skip_all)]
pub async fn documents_tasks(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    days: i64,
    today: Date,
    now: Ts,
) -> Result<u64, StoreError> {
    let waiting_since = Ts::from(now.get() - time::Duration::days(days));
    let kind = TaskKind::AidAwaitingDocuments;
    let waiting: Vec<Candidate> = sql!(
        as Candidate,
        fetch_all,
        &mut *tx,
        "SELECT r.id AS source_id, r.case_id, r.person_id, c.referent_id AS assignee_id, \
         NULL AS due_on FROM aid_requests r JOIN cases c ON c.id = r.case_id \
         JOIN (SELECT request_id, max(at) AS since FROM aid_steps \
           WHERE status = 'awaiting_documents' GROUP BY request_id) w ON w.request_id = r.id \
         WHERE r.organisation_id = $1 AND r.status = 'awaiting_documents' \
         AND c.referent_id IS NOT NULL AND w.since < $2 \
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.organisation_id = $1 AND t.kind = $3 \
           AND t.source_id = r.id AND t.assignee_id = c.referent_id \
           AND (t.status = 'open' OR t.closed_at >= w.since)) \
         ORDER BY w.since, r.id LIMIT $4",
        organisation_id.as_uuid(),
        waiting_since,
        kind.as_str(),
        BATCH,
    )?;
    let mut created = 0;
    for c in &waiting {
        created += sql!(
            execute,
            &mut *tx,
            "UPDATE tasks SET status = 'open', due_on = $5, closed_at = NULL, closed_by = NULL, \
             reminded_on = NULL, updated_at = $6, version = version + 1 \
             WHERE organisation_id = $1 AND kind = $2 AND source_id = $3 AND assignee_id = $4 \
             AND status <> 'open'",
            organisation_id.as_uuid(),
            kind.as_str(),
            c.source_id,
            c.assignee_id,
            today,
            now,
        )?;
    }
    let waiting: Vec<Candidate> =
        waiting.into_iter().map(|c| Candidate { due_on: Some(today), ..c }).collect();
    created += create_all(tx, organisation_id, kind, &waiting, now).await?;
    Ok(created)
}
