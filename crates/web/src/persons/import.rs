//! Import of persons and households from CSV or XLSX files, for managers: upload a file, read
//! the dry run (the columns and what each feeds, every refused value by line, the possible
//! duplicates, what would be written), adjust the columns, then import the whole file in one
//! transaction, or nothing.
//!
//! The file is kept server-side between the steps (`import_uploads`, readable only by the user
//! who sent it, gone once imported, cancelled, or after an hour), so it travels once and no
//! personal data is carried back and forth in the page.

pub mod files;
pub mod report;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::import::Mapping;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use self::report::{Analysis, ReportView};
use super::pages::{organisation, today};
use super::{form_pairs, value_of};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The largest request body read on the upload route. Beyond the file's limit, the rest of a
/// somewhat larger file is still read (and thrown away) so that the browser gets the page that
/// says the file is too large rather than a broken connection.
pub const BODY_LIMIT: usize = 4 * MAX_UPLOAD_BYTES;

#[derive(Template, WebTemplate)]
#[template(path = "persons/import.html")]
pub struct UploadPage {
    chrome: Chrome,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/import_report.html")]
pub struct ReportPage {
    chrome: Chrome,
    upload_id: Uuid,
    file_name: String,
    report: ReportView,
    /// The mapping the report was made with, sent back with the confirmation.
    signature: String,
    /// What happened on this submission (nothing imported, mapping changed…).
    notice: Option<String>,
    imported: bool,
    outcome: String,
}

impl ReportPage {
    fn can_import(&self) -> bool {
        !self.imported && !self.report.blocked && self.report.persons > 0
    }

    fn ignored_list(&self) -> String {
        let t = &self.chrome.t;
        let quoted: Vec<String> = self
            .report
            .ignored
            .iter()
            .map(|h| t.msg_args("import-quoted", &[("text", h)]))
            .collect();
        quoted.join(", ")
    }
}

#[derive(Deserialize)]
pub struct FormQuery {
    cancelled: Option<String>,
}

fn upload_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let page = UploadPage { chrome: Chrome::new(ctx, state, Nav::Persons), error, notice };
    (status, page).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<FormQuery>,
) -> Response {
    let notice = q.cancelled.map(|_| ctx.t.msg("import-cancelled"));
    upload_page(&state, ctx, StatusCode::OK, None, notice)
}

/// Why an upload was not read.
enum UploadError {
    Missing,
    TooLarge,
    Unreadable,
}

impl UploadError {
    fn from_multipart(e: &MultipartError) -> UploadError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            UploadError::Unreadable
        }
    }

    fn respond(self, state: &AppState, ctx: PageCtx) -> Response {
        let (status, message) = match self {
            UploadError::Missing => {
                (StatusCode::UNPROCESSABLE_ENTITY, ctx.t.msg("import-file-missing"))
            }
            UploadError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ctx.t.msg_count("import-file-too-large", &((MAX_UPLOAD_BYTES >> 20) as i64)),
            ),
            UploadError::Unreadable => (StatusCode::BAD_REQUEST, ctx.t.msg("import-file-not-sent")),
        };
        upload_page(state, ctx, status, Some(message), None)
    }
}

/// The file's name as shown: its last path component, without control characters.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The `file` part of the form, at most [`MAX_UPLOAD_BYTES`].
async fn read_file(multipart: &mut Multipart) -> Result<(String, Vec<u8>), UploadError> {
    while let Some(mut field) =
        multipart.next_field().await.map_err(|e| UploadError::from_multipart(&e))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or(""));
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|e| UploadError::from_multipart(&e))? {
            if too_large || bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                too_large = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if too_large {
            return Err(UploadError::TooLarge);
        }
        if bytes.is_empty() && name.is_empty() {
            // A form sent without choosing a file.
            return Err(UploadError::Missing);
        }
        return Ok((name, bytes));
    }
    Err(UploadError::Missing)
}

/// The message for a file that is no table.
fn read_error(t: &Tr, e: &files::ReadError) -> String {
    match e {
        files::ReadError::TooManyRows { max } | files::ReadError::TooManyColumns { max } => {
            t.msg_count(e.key(), &(*max as i64))
        }
        _ => t.msg(e.key()),
    }
}

/// Receives the file, keeps it, and shows the dry run.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Ok(mut multipart) = multipart else {
        return Ok(UploadError::Unreadable.respond(&state, ctx));
    };
    let (file_name, bytes) = match read_file(&mut multipart).await {
        Ok(file) => file,
        Err(e) => return Ok(e.respond(&state, ctx)),
    };
    let table = match files::read(&bytes) {
        Ok((_, table)) => table,
        Err(e) => {
            let message = read_error(&ctx.t, &e);
            return Ok(upload_page(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                None,
            ));
        }
    };
    let user = signed_in.actor.user_id;
    let id =
        store::import::save_upload(&state.db, org, user, &file_name, &bytes, Ts::now()).await?;
    let mapping = Mapping::detect(&table.headers, &report::header_labels(&state.i18n));
    let analysis = analyse(&state, org, &table, mapping).await?;
    Ok(report_page(&state, ctx, org, id, file_name, &analysis, None, false).await?.into_response())
}

async fn analyse(
    state: &AppState,
    org: domain::OrganisationId,
    table: &domain::import::Table,
    mapping: Mapping,
) -> Result<Analysis, WebError> {
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let labels = report::choice_labels(&state.i18n, &lists);
    Ok(report::analyse(&state.db, org, table, mapping, &lists, &labels, today()).await?)
}

#[allow(clippy::too_many_arguments)] // One page, built from each of the steps' outcomes.
async fn report_page(
    state: &AppState,
    ctx: PageCtx,
    org: domain::OrganisationId,
    upload_id: Uuid,
    file_name: String,
    analysis: &Analysis,
    notice: Option<String>,
    imported: bool,
) -> Result<ReportPage, WebError> {
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let report = report::report(&ctx.t, &lists, analysis);
    let outcome = report::outcome(&ctx.t, &report, imported);
    Ok(ReportPage {
        chrome: Chrome::new(ctx, state, Nav::Persons),
        upload_id,
        file_name,
        report,
        signature: analysis.mapping_signature(),
        notice,
        imported,
        outcome,
    })
}

/// Applies the columns chosen on the dry run's page and runs it again; with `action=import`,
/// imports the file if the dry run is clean and made with the same columns.
pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(upload_id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let user = signed_in.actor.user_id;
    let pairs = form_pairs(&body);
    let Some(upload) =
        store::import::find_upload(&state.db, org, user, upload_id, Ts::now()).await?
    else {
        // Unknown, someone else's, or kept too long: the same answer.
        let message = ctx.t.msg("import-upload-gone");
        return Ok(upload_page(&state, ctx, StatusCode::NOT_FOUND, Some(message), None));
    };
    let action = value_of(&pairs, "action").unwrap_or("check");
    if action == "cancel" {
        store::import::delete_upload(&state.db, org, user, upload_id).await?;
        return Ok(Redirect::to("/persons/import?cancelled=1").into_response());
    }
    let (format, table) = match files::read(&upload.content) {
        Ok(read) => read,
        Err(e) => {
            let message = read_error(&ctx.t, &e);
            return Ok(upload_page(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                None,
            ));
        }
    };
    let chosen: Vec<(usize, &str)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("map_")?.parse().ok()?, v.as_str())))
        .collect();
    let mapping = if chosen.is_empty() {
        Mapping::detect(&table.headers, &report::header_labels(&state.i18n))
    } else {
        Mapping::from_codes(table.headers.len(), chosen)
    };
    let analysis = analyse(&state, org, &table, mapping).await?;
    if action != "import" {
        let page =
            report_page(&state, ctx, org, upload_id, upload.file_name, &analysis, None, false);
        return Ok(page.await?.into_response());
    }
    // The import writes what the user last saw: the same columns, a clean dry run.
    let refusal = if value_of(&pairs, "checked") != Some(analysis.mapping_signature().as_str()) {
        Some((StatusCode::OK, "import-mapping-changed"))
    } else if analysis.blocked() {
        Some((StatusCode::UNPROCESSABLE_ENTITY, "import-nothing-imported"))
    } else if analysis.plan.persons.is_empty() {
        Some((StatusCode::OK, "import-nothing-to-import"))
    } else {
        None
    };
    if let Some((status, key)) = refusal {
        let notice = Some(ctx.t.msg(key));
        let page =
            report_page(&state, ctx, org, upload_id, upload.file_name, &analysis, notice, false);
        return Ok((status, page.await?).into_response());
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let written = store::import::apply(&mut tx, org, &analysis.plan, Some(user), now).await?;
    // Counts only: the audit log never holds the file's names or values.
    let event = NewAuditEvent::new(AuditAction::Import, Some(org))
        .by(user)
        .on("import", upload_id)
        .detail("format", format.code())
        .detail("lines", analysis.lines)
        .detail("persons", written.persons)
        .detail("households", written.households)
        .detail("skipped", analysis.plan.skipped.len());
    audit_trail::record(&mut tx, &meta, event).await?;
    store::import::delete_upload(&mut tx, org, user, upload_id).await?;
    tx.commit().await?;
    tracing::info!(persons = written.persons, households = written.households, "import written");
    let page = report_page(&state, ctx, org, upload_id, upload.file_name, &analysis, None, true);
    Ok(page.await?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_their_last_component_without_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\personnes.csv"), "personnes.csv");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0007}b.xlsx"), "ab.xlsx");
    }

    #[test]
    fn every_import_message_exists_in_french_and_english() {
        use crate::i18n::{I18n, Locale};
        let i18n = I18n::load();
        for locale in [Locale::Fr, Locale::En] {
            let keys = i18n.keys(locale);
            for key in [
                "import-target-household",
                "import-target-relationship",
                "audit-action-import",
                files::ReadError::Empty.key(),
                files::ReadError::OldExcel.key(),
                files::ReadError::NotASpreadsheet.key(),
                files::ReadError::TooManyRows { max: 1 }.key(),
                files::ReadError::TooManyColumns { max: 1 }.key(),
            ] {
                assert!(keys.contains(key), "{key} missing in {locale:?}");
            }
        }
    }
}
