//! The dashboard's figures as a file for outside the team (issue 11 point 5, ADR 0037): CSV or
//! XLSX, every count under the threshold suppressed with the complements that keep it from
//! being worked out from the totals ([`domain::suppression`]), no name, the export audited.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::Lists;
use domain::suppression::{suppress_list, suppress_table};
use store::audit::NewAuditEvent;
use store::statistics::Activity;

use super::pages::{StatsQuery, closure_label, resolve, state_label};
use crate::AppState;
use crate::audit::export::Csv;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::i18n::Tr;

/// A line of the export: its section, what it counts, and the count (none when suppressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub section: String,
    pub item: String,
    pub value: Option<i64>,
}

/// The lines of a list of counts with its total, suppressed together.
fn list(
    t: &Tr,
    section: &str,
    items: Vec<(String, i64)>,
    total_label: String,
    threshold: i64,
) -> Vec<Line> {
    let values: Vec<i64> = items.iter().map(|(_, v)| *v).collect();
    let hidden = suppress_list(&values, threshold);
    let section = t.msg(section);
    let mut out: Vec<Line> = items
        .into_iter()
        .zip(hidden.values)
        .map(|((item, v), h)| Line { section: section.clone(), item, value: (!h).then_some(v) })
        .collect();
    let total: i64 = values.iter().sum();
    out.push(Line { section, item: total_label, value: (!hidden.total).then_some(total) });
    out
}

/// One count on its own: suppressed when small.
fn single(section: &str, item: String, v: i64, threshold: i64) -> Line {
    Line { section: section.to_owned(), item, value: (v == 0 || v >= threshold).then_some(v) }
}

/// Every line of the export, suppressed.
pub fn lines(t: &Tr, lists: &Lists, a: &Activity, threshold: i64) -> Vec<Line> {
    let mut out = Vec::new();
    let cases = t.msg("stats-cases-heading");
    for (id, v) in [
        ("stats-persons", a.cases.persons),
        ("stats-households", a.cases.households),
        ("stats-cases-followed", a.cases.followed),
        ("stats-cases-opened", a.cases.opened),
    ] {
        out.push(single(&cases, t.msg(id), v, threshold));
    }
    out.extend(list(
        t,
        "stats-closures-caption",
        a.closures.iter().map(|c| (closure_label(t, lists, &c.code), c.count)).collect(),
        t.msg("stats-cases-closed"),
        threshold,
    ));
    out.extend(list(
        t,
        "stats-contacts-heading",
        a.contacts
            .iter()
            .map(|c| (crate::cases::note_type_label(t, lists, &c.code), c.count))
            .collect(),
        t.msg("stats-contacts-total"),
        threshold,
    ));
    let flags = t.msg("stats-flags-heading");
    out.push(single(&flags, t.msg("stats-flags-raised"), a.flags.raised, threshold));
    out.push(single(&flags, t.msg("stats-flags-acknowledged"), a.flags.acknowledged, threshold));
    out.extend(list(
        t,
        "stats-appointments-heading",
        ["done", "missed", "cancelled", "planned"]
            .into_iter()
            .map(|s| (state_label(t, s), a.appointments_in(s)))
            .collect(),
        t.msg("stats-col-appointments"),
        threshold,
    ));
    // Referrals: services by answer (accepted, declined, other), with the totals.
    let cells: Vec<Vec<i64>> = a
        .referrals
        .iter()
        .map(|r| vec![r.accepted, r.declined, r.sent - r.accepted - r.declined])
        .collect();
    if !cells.is_empty() {
        let hidden = suppress_table(&cells, threshold);
        let section = t.msg("stats-referrals-heading");
        let columns =
            [t.msg("stats-col-accepted"), t.msg("stats-col-declined"), t.msg("stats-col-other")];
        for (i, r) in a.referrals.iter().enumerate() {
            for (j, column) in columns.iter().enumerate() {
                out.push(Line {
                    section: section.clone(),
                    item: format!("{} — {column}", r.service),
                    value: (!hidden.cells[i][j]).then_some(cells[i][j]),
                });
            }
            out.push(Line {
                section: section.clone(),
                item: format!("{} — {}", r.service, t.msg("stats-col-sent")),
                value: (!hidden.row_totals[i]).then_some(r.sent),
            });
        }
        for (j, column) in columns.iter().enumerate() {
            out.push(Line {
                section: section.clone(),
                item: format!("{} — {column}", t.msg("stats-all-services")),
                value: (!hidden.column_totals[j]).then_some(cells.iter().map(|row| row[j]).sum()),
            });
        }
        out.push(Line {
            section: section.clone(),
            item: format!("{} — {}", t.msg("stats-all-services"), t.msg("stats-col-sent")),
            value: (!hidden.total).then_some(a.referrals.iter().map(|r| r.sent).sum()),
        });
    }
    out.push(single(
        &t.msg("stats-documents-heading"),
        t.msg("stats-documents"),
        a.documents,
        threshold,
    ));
    out
}

fn csv(t: &Tr, heading: &str, lines: &[Line], threshold: i64) -> String {
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

fn xlsx(t: &Tr, heading: &str, lines: &[Line], threshold: i64) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |_| WebError::Internal("the XLSX export could not be written");
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
    book.save_to_buffer().map_err(failed)
}

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
    let threshold = store::organisations::statistics_threshold(&state.db, r.org).await?;
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
    let suppressed = lines.iter().filter(|l| l.value.is_none()).count();

    let mut tx = state.db.begin_write().await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::Export, Some(r.org))
            .by(signed_in.actor.user_id)
            .detail("kind", "statistics")
            .detail("format", format)
            .detail("lines", lines.len() as u64)
            .detail("suppressed", suppressed as u64),
    )
    .await?;
    tx.commit().await?;

    let name = format!("statistiques-{}-{}", r.keep[0].1, r.keep[1].1);
    let (body, content_type) = match format {
        "xlsx" => (
            xlsx(t, &heading, &lines, threshold)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => (csv(t, &heading, &lines, threshold).into_bytes(), "text/csv; charset=utf-8"),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{name}.{format}\"");
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|_| WebError::Internal("file name"))?,
    );
    Ok(response)
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
