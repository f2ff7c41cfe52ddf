//! The annual report as files: the PDF (`documents::Template::AnnualReport`), the XLSX (the
//! figures' sheet of the statistics export, then the narrative) and the CSV (the figures). The
//! same suppressed numbers in each; no person's name anywhere; each download audited.

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use store::Ts;

use super::super::export::{self, CSV, XLSX, attachment, xlsx_failed};
use super::super::figures::Table;
use super::{Report, YearQuery, content, organisation, this_year};
use crate::AppState;
use crate::audit_trail::RequestMeta;
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::i18n::Tr;

/// The report of the year asked for (a wrong year is "not found": the links carry a right one).
async fn report(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    q: &YearQuery,
) -> Result<(domain::OrganisationId, Report), WebError> {
    let org = organisation(signed_in)?;
    let year = domain::annual_report::parse_year(&q.year, this_year(signed_in))
        .map_err(|_| WebError::NotFound)?;
    let zone = signed_in.time_zone.as_deref();
    let report =
        content::build(state, t, org, zone, year, export::threshold(state, org).await?).await?;
    Ok((org, report))
}

fn heading(t: &Tr, signed_in: &SignedIn, year: i32) -> String {
    t.msg_args(
        "report-heading",
        &[
            ("organisation", signed_in.organisation_name.as_deref().unwrap_or_default()),
            ("year", &year.to_string()),
        ],
    )
}

fn file_name(t: &Tr, year: i32, ext: &str) -> String {
    format!("{}-{year}.{ext}", t.msg("report-file-name"))
}

/// A table for the template: header, rows of texts ("suppressed" for a hidden count), the
/// total row apart so it can be set in bold.
fn table_json(t: &Tr, table: &Table, chart: Option<&str>) -> Value {
    let hidden = t.msg("stats-export-suppressed");
    let cells = |r: &super::super::figures::Row| -> Vec<String> {
        std::iter::once(r.label.clone())
            .chain(r.cells.iter().map(|c| c.map_or_else(|| hidden.clone(), |v| v.to_string())))
            .collect()
    };
    json!({
        "title": table.title,
        "header": table.header,
        "rows": table.rows.iter().map(&cells).collect::<Vec<_>>(),
        "total": table.total.as_ref().map(&cells),
        "chart": chart,
    })
}

/// The data of the PDF: every word from Fluent, every value as text (ADR 0012).
pub fn pdf_data(t: &Tr, signed_in: &SignedIn, report: &Report, today: time::Date) -> Value {
    let organisation = signed_in.organisation_name.clone().unwrap_or_else(|| t.msg("app-name"));
    json!({
        "lang": t.lang(),
        "date": today.to_string(),
        "organisation": organisation,
        "title": t.msg_args("report-pdf-title", &[("year", &report.year.to_string())]),
        "page_format": t.msg("report-pdf-page"),
        "cover": {
            "kicker": t.msg("report-pdf-kicker"),
            "organisation": organisation,
            "year": report.year.to_string(),
            "period": t.msg_args("report-pdf-period", &[("year", &report.year.to_string())]),
            "generated": t.msg_args("report-pdf-generated", &[("date", &domain::persons::french_date(today))]),
            "privacy": t.msg_args("report-pdf-privacy", &[("threshold", &report.threshold.to_string())]),
        },
        "sections": report.sections.iter().filter(|s| !s.body.is_empty())
            .map(|s| json!({ "title": s.title, "body": s.body })).collect::<Vec<_>>(),
        "figures_title": t.msg("report-pdf-figures"),
        "groups": report.groups.iter().filter(|g| !g.figures.is_empty()).map(|g| json!({
            "title": g.title,
            "tables": g.figures.iter().map(|f| table_json(t, &f.table, f.chart.as_deref())).collect::<Vec<_>>(),
            "notes": g.notes,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /statistics/report.pdf?year=…`.
pub async fn pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    meta: RequestMeta,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (org, report) = report(&state, t, &signed_in, &q).await?;
    let today = crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date();
    let data = pdf_data(t, &signed_in, &report, today);
    let pdf = tokio::task::spawn_blocking(move || {
        documents::render(documents::Template::AnnualReport, &data)
    })
    .await
    .map_err(|_| WebError::Internal("the report's rendering task failed"))?
    .map_err(|e| {
        // The error names the template and line, never the data (ADR 0012).
        tracing::error!(error = %e, "annual report PDF");
        WebError::Internal("the report PDF could not be made")
    })?;
    export::audit(&state, &meta, &signed_in, org, "annual_report", "pdf", &report.lines()).await?;
    attachment(pdf, "application/pdf", &file_name(t, report.year, "pdf"))
}

/// `GET /statistics/report.xlsx?year=…`: the figures' sheet, then a sheet of the narrative.
pub async fn xlsx(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    meta: RequestMeta,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (org, report) = report(&state, t, &signed_in, &q).await?;
    let lines = report.lines();
    let mut book =
        export::workbook(t, &heading(t, &signed_in, report.year), &lines, report.threshold)?;
    let sheet = book.add_worksheet();
    sheet.set_name(t.msg("report-sheet-narrative")).map_err(xlsx_failed)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let wrap =
        rust_xlsxwriter::Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    sheet
        .write_string_with_format(0, 0, t.msg("report-col-section"), &bold)
        .map_err(xlsx_failed)?;
    sheet.write_string_with_format(0, 1, t.msg("report-col-text"), &bold).map_err(xlsx_failed)?;
    for (i, s) in report.sections.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string(row, 0, &s.title).map_err(xlsx_failed)?;
        sheet.write_string_with_format(row, 1, &s.body, &wrap).map_err(xlsx_failed)?;
    }
    sheet.set_column_width(0, 28).map_err(xlsx_failed)?;
    sheet.set_column_width(1, 100).map_err(xlsx_failed)?;
    let body = book.save_to_buffer().map_err(xlsx_failed)?;
    export::audit(&state, &meta, &signed_in, org, "annual_report", "xlsx", &lines).await?;
    attachment(body, XLSX, &file_name(t, report.year, "xlsx"))
}

/// `GET /statistics/report.csv?year=…`: the figures (the narrative is in the PDF and XLSX).
pub async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    meta: RequestMeta,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (org, report) = report(&state, t, &signed_in, &q).await?;
    let lines = report.lines();
    let body = export::csv(t, &heading(t, &signed_in, report.year), &lines, report.threshold);
    export::audit(&state, &meta, &signed_in, org, "annual_report", "csv", &lines).await?;
    attachment(body.into_bytes(), CSV, &file_name(t, report.year, "csv"))
}
