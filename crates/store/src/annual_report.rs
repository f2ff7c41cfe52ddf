//! The annual activity report (issue 11 point 4, ADR 0039): the narrative sections its
//! managers write for a year, saved with a version so that a stale save is refused rather than
//! overwriting a colleague's text, and the one figure the report adds to the dashboard's:
//! contacts per month, an SQL aggregate like the others (`crate::statistics`).

use domain::statistics::StatsScope;
use domain::{OrganisationId, UserId};

use crate::sql::Arg;
use crate::statistics::{CONTACT, scope_filter};
use crate::{Exec, StoreError, Ts};

/// A section's stored text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Narrative {
    pub section: String,
    pub body: String,
    pub version: i64,
    pub updated_at: Ts,
}

/// The narrative sections saved for `year`, in no particular order.
#[tracing::instrument(skip_all)]
pub async fn narratives<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    year: i32,
) -> Result<Vec<Narrative>, StoreError> {
    Ok(sql!(
        as Narrative,
        fetch_all,
        exec,
        "SELECT section, body, version, updated_at FROM report_narratives \
         WHERE organisation_id = $1 AND year = $2 ORDER BY section",
        organisation_id.as_uuid(),
        i64::from(year),
    )?)
}

/// Saves a section's text if it is still at `expected_version` (0: not saved yet). Returns
/// whether it was saved; `false` means someone saved it meanwhile, and nothing was written.
#[allow(clippy::too_many_arguments)] // Which section of which year, from which version, by whom.
#[tracing::instrument(skip_all)]
pub async fn save_narrative<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    year: i32,
    section: &str,
    body: &str,
    expected_version: i64,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = if expected_version == 0 {
        sql!(
            execute,
            exec,
            "INSERT INTO report_narratives (organisation_id, year, section, body, version, \
             updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6) \
             ON CONFLICT (organisation_id, year, section) DO NOTHING",
            organisation_id.as_uuid(),
            i64::from(year),
            section,
            body,
            by.as_uuid(),
            now,
        )?
    } else {
        sql!(
            execute,
            exec,
            "UPDATE report_narratives SET body = $1, version = version + 1, updated_by = $2, \
             updated_at = $3 WHERE organisation_id = $4 AND year = $5 AND section = $6 \
             AND version = $7",
            body,
            by.as_uuid(),
            now,
            organisation_id.as_uuid(),
            i64::from(year),
            section,
            expected_version,
        )?
    };
    Ok(n == 1)
}

#[derive(sqlx::FromRow)]
struct MonthCount {
    month: i64,
    count: i64,
}

/// The contacts of the scope's cases in each of twelve months, `bounds` being the thirteen
/// instants that start the months and end the last (the organisation's local midnights, in
/// UTC). The same contacts as the dashboard's (`statistics::activity`): one aggregate query.
#[tracing::instrument(skip_all)]
pub async fn contacts_by_month<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    bounds: &[Ts; 13],
) -> Result<[i64; 12], StoreError> {
    let mut args =
        vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Ts(bounds[0]), Arg::Ts(bounds[12])];
    let filter = scope_filter(scope, &mut args);
    let mut month = String::from("CASE");
    for (i, b) in bounds[1..12].iter().enumerate() {
        args.push(Arg::Ts(*b));
        month.push_str(&format!(" WHEN e.occurred_at < ${} THEN {}", args.len(), i));
    }
    month.push_str(" ELSE 11 END");
    let sql = format!(
        "SELECT CAST({month} AS BIGINT) AS month, count(*) AS count \
         FROM case_entries e JOIN cases c ON c.id = e.case_id \
         WHERE e.organisation_id = $1 AND c.organisation_id = $1 AND {CONTACT} \
         AND e.occurred_at >= $2 AND e.occurred_at < $3{filter} GROUP BY 1"
    );
    let rows: Vec<MonthCount> = sql!(dyn as MonthCount, fetch_all, exec, &sql, args)?;
    let mut out = [0; 12];
    for r in rows {
        if let Some(slot) = usize::try_from(r.month).ok().and_then(|m| out.get_mut(m)) {
            *slot += r.count;
        }
    }
    Ok(out)
}
