//! Corrections of a request before its decision (ADR 0030, section of 2026-11-27): its type,
//! date, amount asked and presentation, as prepared, with the version read. Each correction is
//! an `aid` event of the case's timeline (detail `edited`, the type's code, never an amount).

use domain::UserId;
use domain::aid::RequestFields;

use super::AidRequest;
use crate::{StoreError, Ts, Tx};

/// The event's detail of a correction.
pub const EDITED: &str = "edited";

/// Corrects the request if nobody changed it since `expected_version` and it is still in the
/// status it was read in (the caller checked [`domain::aid::may_edit`] on it). `false`:
/// nothing written.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    r: &AidRequest,
    expected_version: i64,
    f: &RequestFields,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE aid_requests SET aid_type = $4, requested_on = $5, asked_cents = $6, \
         presentation = $7, updated_at = $8, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $3 AND status = $9",
        r.organisation_id.as_uuid(),
        r.id,
        expected_version,
        f.aid_type.as_str(),
        f.requested_on,
        f.asked_cents,
        f.presentation.as_str(),
        now,
        r.status.as_str(),
    )?;
    if n != 1 {
        return Ok(false);
    }
    super::event(tx, r.organisation_id, r.case_id, r.id, &f.aid_type, EDITED, by, now).await?;
    Ok(true)
}

/// The fields a correction changes (names as the form's), in the form's order: what the audit
/// records (never the values).
pub fn changed(r: &AidRequest, f: &RequestFields) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.aid_type != f.aid_type {
        out.push("aid_type");
    }
    if r.requested_on != f.requested_on {
        out.push("requested_on");
    }
    if r.asked_cents != f.asked_cents {
        out.push("asked");
    }
    if r.presentation != f.presentation {
        out.push("presentation");
    }
    out
}
