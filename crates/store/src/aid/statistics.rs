//! Statistics inputs (issue 10 point 6).

use domain::OrganisationId;
use domain::aid::Status;
use time::Date;

use crate::{Exec, StoreError, Ts};

/// The requests of one type made in a period, and what became of them. Amounts in cents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeStats {
    pub aid_type: String,
    pub requested: i64,
    pub asked_cents: i64,
    /// Decided: accepted, partly accepted or refused (paid ones included).
    pub decided: i64,
    /// Granted in full or in part (paid ones included).
    pub granted: i64,
    pub partly: i64,
    pub refused: i64,
    pub granted_cents: i64,
    pub paid: i64,
    pub paid_cents: i64,
    /// Still being prepared, instructed or before the commission.
    pub open: i64,
    /// Dismissed or withdrawn by the person.
    pub closed: i64,
    /// Mean whole days from the request's date to its decision, of those decided.
    pub mean_days_to_decision: Option<i64>,
    /// Refusals by reason code, by count then code.
    pub refusal_reasons: Vec<(String, i64)>,
}

#[derive(sqlx::FromRow)]
struct StatRow {
    aid_type: String,
    status: String,
    requested_on: Date,
    asked_cents: Option<i64>,
    granted_cents: Option<i64>,
    decided_at: Option<Ts>,
    refusal_reason: Option<String>,
}

/// The organisation's requests made in `[from, to)`, by type code: counts, amounts asked,
/// granted and paid, time to decision, refusal reasons. One query; the arithmetic is done
/// here, the same on both engines.
#[tracing::instrument(skip_all)]
pub async fn statistics<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    from: Date,
    to: Date,
) -> Result<Vec<TypeStats>, StoreError> {
    let rows: Vec<StatRow> = sql!(
        as StatRow,
        fetch_all,
        exec,
        "SELECT aid_type, status, requested_on, asked_cents, granted_cents, decided_at, \
         refusal_reason FROM aid_requests WHERE organisation_id = $1 AND requested_on >= $2 \
         AND requested_on < $3 ORDER BY aid_type, id",
        organisation_id.as_uuid(),
        from,
        to,
    )?;
    let mut out: Vec<TypeStats> = Vec::new();
    let mut days: Vec<Vec<i64>> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|s| s.aid_type != r.aid_type) {
            out.push(TypeStats { aid_type: r.aid_type.clone(), ..Default::default() });
            days.push(Vec::new());
        }
        let (s, d) = (out.last_mut().expect("pushed"), days.last_mut().expect("pushed"));
        let status = Status::parse(&r.status).unwrap_or(Status::Draft);
        s.requested += 1;
        s.asked_cents += r.asked_cents.unwrap_or(0);
        if let Some(at) = r.decided_at
            && (status.is_decision() || status == Status::Paid)
        {
            s.decided += 1;
            d.push(domain::aid::days_between(r.requested_on, at.get().date()));
        }
        if status.is_granted() {
            s.granted += 1;
            s.granted_cents += r.granted_cents.unwrap_or(0);
        }
        match status {
            Status::PartlyAccepted => s.partly += 1,
            Status::Refused => {
                s.refused += 1;
                let reason = r.refusal_reason.unwrap_or_default();
                match s.refusal_reasons.iter_mut().find(|(c, _)| *c == reason) {
                    Some((_, n)) => *n += 1,
                    None => s.refusal_reasons.push((reason, 1)),
                }
            }
            Status::Paid => {
                // Paid after a partial grant: partly granted still.
                if r.granted_cents < r.asked_cents {
                    s.partly += 1;
                }
                s.paid += 1;
                s.paid_cents += r.granted_cents.unwrap_or(0);
            }
            Status::Dismissed | Status::ClosedByPerson => s.closed += 1,
            Status::Accepted => {}
            _ => s.open += 1,
        }
    }
    for (s, d) in out.iter_mut().zip(days) {
        s.mean_days_to_decision = (!d.is_empty()).then(|| d.iter().sum::<i64>() / d.len() as i64);
        s.refusal_reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    Ok(out)
}
