//! The CSV export of a search: every matching event, newest first, read page by page from the
//! store and capped at [`EXPORT_MAX_ROWS`]. The export is itself recorded in the log it
//! exports, before the file is sent.
//!
//! The file is RFC 4180 (comma-separated, CRLF line ends, quoted when needed), starts with a
//! UTF-8 byte order mark so spreadsheet software shows accents, and has its header row in the
//! reader's language. Cells that a spreadsheet would take for a formula are neutralised.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use store::audit::{AuditCursor, NewAuditEvent, SEARCH_MAX_LIMIT};
use time::OffsetDateTime;
use time::macros::format_description;

use super::Log;
use super::criteria::{self, CriteriaForm};
use super::pages;
use super::view::{Actors, EventView};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;

/// The most events one file holds; beyond, the file ends with a note saying so. The file is
/// built in memory (a few hundred bytes a row) so that the number of rows can be recorded
/// before it is sent.
pub const EXPORT_MAX_ROWS: usize = 100_000;

pub async fn organisation_export(
    state: State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    form: Form<CriteriaForm>,
) -> Result<Response, WebError> {
    export(state, ctx, meta, signed_in, Log::Organisation, form).await
}

pub async fn instance_export(
    state: State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    form: Form<CriteriaForm>,
) -> Result<Response, WebError> {
    export(state, ctx, meta, signed_in, Log::Instance, form).await
}

async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    log: Log,
    Form(form): Form<CriteriaForm>,
) -> Result<Response, WebError> {
    let scope = log.scope(&signed_in.actor)?;
    let filter = match criteria::check(&state.db, scope, &form, &ctx.t).await? {
        Ok(filter) => filter,
        Err(errors) => return Ok(pages::invalid(ctx, &state, &signed_in, log, form, errors)),
    };
    let t = &ctx.t;
    let mut csv = Csv::new(EXPORT_MAX_ROWS);
    csv.row(&HEADER.map(|id| t.msg(id)));
    let mut actors = Actors::default();
    let mut after: Option<AuditCursor> = None;
    'pages: loop {
        let page = store::audit::search(&state.db, &filter, after, SEARCH_MAX_LIMIT).await?;
        actors.load(&state.db, &page.events).await?;
        for event in &page.events {
            if !csv.push(&cells(&actors.view(t, event))) {
                break 'pages;
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if csv.capped {
        csv.row(&[t.msg_count("audit-csv-capped", &(EXPORT_MAX_ROWS as i64))]);
    }
    let rows = csv.rows;

    let mut tx = state.db.begin_write().await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::Export, log.organisation(&signed_in.actor)?)
            .by(signed_in.actor.user_id)
            .detail("kind", "audit_csv")
            .detail("rows", rows as u64),
    )
    .await?;
    tx.commit().await?;

    let stamp = OffsetDateTime::now_utc()
        .format(format_description!("[year][month][day]-[hour][minute][second]"))
        .expect("UTC times always format");
    let disposition = format!("attachment; filename=\"audit-{stamp}.csv\"");
    let mut response = csv.out.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("digits and ASCII"),
    );
    Ok(response)
}

/// The columns, by message id.
const HEADER: [&str; 12] = [
    "audit-col-time",
    "audit-csv-actor-name",
    "audit-csv-actor-email",
    "audit-col-action",
    "audit-csv-action-code",
    "audit-csv-subject-type",
    "audit-csv-subject-id",
    "audit-col-client-addr",
    "audit-col-request-id",
    "audit-col-reason",
    "audit-csv-details",
    "audit-csv-event-id",
];

fn cells(e: &EventView) -> [String; 12] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        e.time.clone(),
        e.actor_name.clone(),
        opt(&e.actor_email),
        e.action_label.clone(),
        e.action_code.clone(),
        opt(&e.subject_type),
        opt(&e.subject_id),
        opt(&e.client_addr),
        opt(&e.request_id),
        opt(&e.reason),
        opt(&e.details),
        e.id.clone(),
    ]
}

/// A CSV document being written, with a cap on its data rows.
pub(crate) struct Csv {
    pub(crate) out: String,
    /// Data rows written (the header is not one).
    pub(crate) rows: usize,
    max_rows: usize,
    /// A row was refused because the cap was reached: the file does not hold everything.
    capped: bool,
}

impl Csv {
    pub(crate) fn new(max_rows: usize) -> Csv {
        Csv { out: String::from("\u{feff}"), rows: 0, max_rows, capped: false }
    }

    /// Writes a data row; `false` (and nothing written) when the cap is reached.
    fn push<S: AsRef<str>>(&mut self, cells: &[S]) -> bool {
        if self.rows >= self.max_rows {
            self.capped = true;
            return false;
        }
        self.row(cells);
        self.rows += 1;
        true
    }

    /// Writes a row that is not counted (the header, the closing note).
    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_cell(&mut self.out, cell.as_ref());
        }
        self.out.push_str("\r\n");
    }
}

/// One cell: a leading character that makes spreadsheet software evaluate the cell as a
/// formula gets an apostrophe before it; the cell is quoted when it holds a comma, a quote or
/// a line break, quotes doubled (RFC 4180).
fn write_cell(out: &mut String, value: &str) {
    // Spreadsheets set up for French split on ';' too: a formula may start after one.
    let value =
        &value.replace(";=", ";'=").replace(";+", ";'+").replace(";-", ";'-").replace(";@", ";'@");
    let neutralise = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    if quote {
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut csv = Csv::new(10);
        csv.row(cells);
        csv.out.trim_start_matches('\u{feff}').to_owned()
    }

    #[test]
    fn cells_are_quoted_as_rfc_4180_says() {
        assert_eq!(line(&["plain", "", "é à ü"]), "plain,,é à ü\r\n");
        assert_eq!(
            line(&["a,b", "say \"hi\"", "two\nlines"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
        assert_eq!(line(&["cr\rhere"]), "\"cr\rhere\"\r\n");
    }

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_neutralised() {
        assert_eq!(line(&["=HYPERLINK(\"x\")"]), "\"'=HYPERLINK(\"\"x\"\")\"\r\n");
        assert_eq!(line(&["+33 1 23", "-1", "@SUM(A1)"]), "'+33 1 23,'-1,'@SUM(A1)\r\n");
        assert_eq!(line(&["\tcmd", "\rcmd"]), "'\tcmd,\"'\rcmd\"\r\n");
        assert_eq!(line(&["a=b", "1-2"]), "a=b,1-2\r\n", "only a leading character counts");
        assert_eq!(line(&["x;=HYPERLINK(1)"]), "x;'=HYPERLINK(1)\r\n", "or one after a semicolon");
    }

    #[test]
    fn the_file_starts_with_a_byte_order_mark_and_stops_at_the_cap() {
        let mut csv = Csv::new(2);
        csv.row(&["header"]);
        assert!(csv.push(&["1"]) && csv.push(&["2"]));
        assert!(!csv.capped, "exactly at the cap is not beyond it");
        assert!(!csv.push(&["3"]));
        assert!(csv.capped);
        assert_eq!(csv.rows, 2);
        assert_eq!(csv.out, "\u{feff}header\r\n1\r\n2\r\n");
    }
}
