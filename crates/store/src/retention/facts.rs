//! The facts the retention rules need, for every person of an organisation that could fall
//! due: the latest contact of any kind, the birth date, whether a case is still open.

use domain::retention::Facts;
use domain::{OrganisationId, PersonId};
use time::Date;
use uuid::Uuid;

use crate::ts::utc_to_local;
use crate::{Exec, StoreError, Ts};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    birth_date: Option<Date>,
    created_at: Ts,
    opened: Option<Ts>,
    closed: Option<Ts>,
    open_case: bool,
    entry: Option<Ts>,
    met: Option<Ts>,
    visited: Option<Ts>,
}

/// Persons that may fall due, with their facts (days in `zone`). A person not yet processed,
/// not merged into another record, who has a case of their own or belongs to no household with
/// a followed member (such a member's file follows the followed person's: anonymised with them).
/// Contacts are taken up to `now` only: an appointment booked ahead is no contact yet.
#[tracing::instrument(skip_all)]
pub async fn candidates<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    zone: &str,
    now: Ts,
) -> Result<Vec<(PersonId, Facts)>, StoreError> {
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        exec,
        "SELECT p.id, p.birth_date, p.created_at, \
           (SELECT MAX(c.opened_at) FROM cases c \
              WHERE c.organisation_id = p.organisation_id AND c.person_id = p.id) AS opened, \
           (SELECT MAX(c.closed_at) FROM cases c \
              WHERE c.organisation_id = p.organisation_id AND c.person_id = p.id) AS closed, \
           EXISTS (SELECT 1 FROM cases c WHERE c.organisation_id = p.organisation_id \
              AND c.person_id = p.id AND c.status <> 'closed') AS open_case, \
           (SELECT MAX(e.occurred_at) FROM case_entries e JOIN cases c ON c.id = e.case_id \
              WHERE c.organisation_id = p.organisation_id AND c.person_id = p.id \
              AND e.deleted_at IS NULL AND e.occurred_at <= $2) AS entry, \
           (SELECT MAX(a.starts_at) FROM appointments a WHERE a.person_id = p.id \
              AND a.status = 'done' AND a.starts_at <= $2) AS met, \
           (SELECT MAX(v.handled_at) FROM visits v WHERE v.person_id = p.id \
              AND v.handled_at <= $2) AS visited \
         FROM persons p \
         WHERE p.organisation_id = $1 AND p.merged_into_id IS NULL \
           AND NOT EXISTS (SELECT 1 FROM retention_reviews r \
              WHERE r.person_id = p.id AND r.outcome IS NOT NULL) \
           AND (EXISTS (SELECT 1 FROM cases c WHERE c.organisation_id = p.organisation_id \
                  AND c.person_id = p.id) \
                OR NOT EXISTS (SELECT 1 FROM household_members m \
                  JOIN household_members o ON o.household_id = m.household_id \
                  JOIN cases c ON c.person_id = o.person_id \
                  WHERE m.person_id = p.id AND o.person_id <> p.id)) \
         ORDER BY p.id",
        organisation_id.as_uuid(),
        now,
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let latest = [Some(r.created_at), r.opened, r.closed, r.entry, r.met, r.visited]
                .into_iter()
                .flatten()
                .filter(|t| *t <= now)
                .max()
                .unwrap_or(r.created_at);
            let facts = Facts {
                last_contact: utc_to_local(latest, Some(zone)).date(),
                birth_date: r.birth_date,
                open_case: r.open_case,
            };
            (PersonId::from_uuid(r.id), facts)
        })
        .collect())
}
