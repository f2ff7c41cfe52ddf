//! The dashboard's figures as a file for outside the team (issue 11 point 5, ADR 0037): CSV or
//! XLSX, every count under the threshold suppressed with the complements that keep it from
//! being worked out from the totals ([`domain::suppression`]), no name, the export audited.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::Lists;
use rust_xlsxwriter::{Format, Workbook};
use store::audit::NewAuditEvent;
use store::statistics::Activity;

use super::figures::{self, Line};
use super::pages::{StatsQuery, resolve};
use crate::AppState;
use crate::audit::export::Csv;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::i18n::Tr;

/// Every line of the export, suppressed: the activity tables, flattened.
pub fn lines(t: &Tr, lists: &Lists, a: &Activity, threshold: i64) -> Vec<Line> {
    figures::lines(&figures::activity(t, lists, a, threshold))
}

pub(super) fn csv(t: &Tr, heading: &str, lines: &[Line], threshold: i64) -> String {
    let mut csv = Csv::new(usize::MAX);
    csv.row(&[heading.to_owned()]);
    csv.row(
        &[t.msg_args("stats-export-suppressed-note", &[("threshold", &threshold.to_string())])],
    );
    csv.row(&[
        t.msg("stats-export-col-section"),
        t.msg("stats-export-col-item"),
        t.msg("stats-export-col-count"),
    ]);
    let hidden = t.msg("stats-export-suppressed");
    for l in lines {
        let value = l.value.map_or_else(|| hidden.clone(), |v| v.to_string());
        csv.row(&[l.section.as_str(), l.item.as_str(), value.as_str()]);
    }
    csv.out
}

pub(super) fn xlsx_failed<E>(_: E) -> WebError {
    WebError::Internal("the XLSX export could not be written")
}

/// A workbook whose first sheet holds the lines (heading, what "suppressed" means, then a
/// line a row); the caller may add sheets before [`Workbook::save_to_buffer`].
pub(super) fn workbook(
    t: &Tr,
    heading: &str,
    lines: &[Line],
    threshold: i64,
) -> Result<Workbook, WebError> {
    let failed = xlsx_failed;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, heading, &bold).map_err(failed)?;
    let note = t.msg_args("stats-export-suppressed-note", &[("threshold", &threshold.to_string())]);
    sheet.write_string(1, 0, note).map_err(failed)?;
    for (j, id) in ["stats-export-col-section", "stats-export-col-item", "stats-export-col-count"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(3, j as u16, t.msg(id), &bold).map_err(failed)?;
    }
    let hidden = t.msg("stats-export-suppressed");
    for (i, l) in lines.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_string(row, 0, &l.section).map_err(failed)?;
        sheet.write_string(row, 1, &l.item).map_err(failed)?;
        match l.value {
            Some(v) => sheet.write_number(row, 2, v as f64).map_err(failed)?,
            None => sheet.write_string(row, 2, &hidden).map_err(failed)?,
        };
    }
    sheet.set_column_width(0, 32).map_err(failed)?;
    sheet.set_column_width(1, 48).map_err(failed)?;
    Ok(book)
}

/// The statistics' threshold of small-cell suppression for `org`: one place, so that the
/// export and the report always suppress alike (the organisation's setting, 5 by default).
pub(super) async fn threshold(
    state: &AppState,
    org: domain::OrganisationId,
) -> Result<i64, WebError> {
    Ok(store::organisations::statistics_threshold(&state.db, org).await?)
}

/// Records a file of figures leaving the team: what, in which format, how many lines and how
/// many suppressed. Committed before the file is sent.
pub(super) async fn audit(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    org: domain::OrganisationId,
    kind: &str,
    format: &str,
    lines: &[Line],
) -> Result<(), WebError> {
    let suppressed = lines.iter().filter(|l| l.value.is_none()).count();
    let mut tx = state.db.begin_write().await?;
    audit_trail::record(
        &mut tx,
        meta,
        NewAuditEvent::new(AuditAction::Export, Some(org))
            .by(signed_in.actor.user_id)
            .detail("kind", kind)
            .detail("format", format)
            .detail("lines", lines.len() as u64)
            .detail("suppressed", suppressed as u64),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A file to download: its type, and a name without personal data.
pub(super) fn attachment(
    body: Vec<u8>,
    content_type: &'static str,
    name: &str,
) -> Result<Response, WebError> {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = format!("attachment; filename=\"{name}\"");
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|_| WebError::Internal("file name"))?,
    );
    Ok(response)
}

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(super) const CSV: &str = "text/csv; charset=utf-8";

/// `GET /statistics/export?format=csv|xlsx&…`: the dashboard's figures for the same period
/// and scope, suppressed, as a file; audited.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    meta: RequestMeta,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let format = q.format.as_deref().unwrap_or("csv");
    if !matches!(format, "csv" | "xlsx") {
        return Err(WebError::NotFound);
    }
    let (_, resolved) = resolve(&state, t, &signed_in, &q).await?;
    let Some(r) = resolved else {
        return Ok(Redirect::to("/statistics").into_response());
    };
    let lists = store::lists::for_organisation(&state.db, r.org).await?;
    let activity = store::statistics::activity(&state.db, r.org, &r.scope, r.span).await?;
    let threshold = threshold(&state, r.org).await?;
    let mut lines = lines(t, &lists, &activity, threshold);
    let last_day = r.period.to;
    let tables = store::statistics::tables::all_tables(
        &state.db,
        r.org,
        &r.scope,
        r.span,
        last_day,
        store::Ts::now(),
    )
    .await?;
    lines.extend(super::tables::table_lines(t, &tables, threshold));
    let heading = format!("{} — {}", r.scope_label, super::pages::period_label(t, &r.period));
    audit(&state, &meta, &signed_in, r.org, "statistics", format, &lines).await?;

    let name = format!("statistiques-{}-{}.{format}", r.keep[0].1, r.keep[1].1);
    match format {
        "xlsx" => {
            let body =
                workbook(t, &heading, &lines, threshold)?.save_to_buffer().map_err(xlsx_failed)?;
            attachment(body, XLSX, &name)
        }
        _ => attachment(csv(t, &heading, &lines, threshold).into_bytes(), CSV, &name),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use store::statistics::{Count, ReferralCount};

    use super::*;
    use crate::i18n::{I18n, Locale};

    fn value(lines: &[Line], item: &str) -> Option<i64> {
        lines
            .iter()
            .find(|l| l.item == item)
            .unwrap_or_else(|| panic!("{item} in {lines:#?}"))
            .value
    }

    #[test]
    fn a_count_of_3_is_suppressed_and_cannot_be_recovered_from_the_totals() {
        let t = Tr::new(Arc::new(I18n::load()), Locale::En);
        let service = |name: &str, accepted, declined, other| ReferralCount {
            service_id: uuid::Uuid::now_v7(),
            service: name.to_owned(),
            partner: "Partner".to_owned(),
            sent: accepted + declined + other,
            accepted,
            declined,
            answered: accepted + declined,
            answer_seconds: 0,
        };
        let a = Activity {
            appointments: vec![
                Count { code: "done".into(), count: 40 },
                Count { code: "missed".into(), count: 3 },
                Count { code: "cancelled".into(), count: 12 },
            ],
            referrals: vec![
                service("Housing", 12, 3, 9),
                service("Jobs", 20, 8, 11),
                service("Debt", 7, 6, 15),
            ],
            ..Activity::default()
        };
        let lines = lines(&t, &Lists::default(), &a, 5);
        // The appointments: the 3 missed and the next smallest count (the 0 planned is
        // shown: nobody is no one) hidden; the total stays.
        assert_eq!(value(&lines, "Missed (the person did not come)"), None);
        assert_eq!(value(&lines, "Cancelled"), None, "its complement");
        assert_eq!(value(&lines, "Done"), Some(40));
        assert_eq!(value(&lines, "Planned"), Some(0));
        assert_eq!(value(&lines, "Appointments"), Some(55));
        // The referrals' 3: hidden, and its row and its column each hide another count, so
        // that no total minus what is shown gives it.
        assert_eq!(value(&lines, "Housing — Declined"), None);
        let row = ["Accepted", "Declined", "No answer or other", "Sent"];
        let hidden_in_row =
            row.iter().filter(|c| value(&lines, &format!("Housing — {c}")).is_none()).count();
        assert!(hidden_in_row >= 2, "{lines:#?}");
        let column = ["Housing", "Jobs", "Debt", "All services"];
        let hidden_in_column =
            column.iter().filter(|s| value(&lines, &format!("{s} — Declined")).is_none()).count();
        assert!(hidden_in_column >= 2, "{lines:#?}");
        // Large counts elsewhere stay.
        assert_eq!(value(&lines, "Jobs — Accepted"), Some(20));
        // Small single figures are hidden too, zeros are not.
        assert_eq!(value(&lines, "Persons followed"), Some(0));
        let b = Activity { documents: 2, ..Activity::default() };
        assert_eq!(
            value(&super::lines(&t, &Lists::default(), &b, 5), "Documents filed in the cases"),
            None
        );
        // The file says what "suppressed" means.
        let csv = csv(&t, "Heading", &lines, 5);
        assert!(
            csv.contains("Housing — Declined,suppressed") && csv.contains("a count under 5"),
            "{csv}"
        );
    }
}
