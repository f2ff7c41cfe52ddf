//! Imports and exports of the directory. A file is recognised by its content — a zipped CSV
//! datapackage (HSDS), a JSON datapackage (HSDS), a data·inclusion JSON (`structures` and
//! `services`) or our spreadsheet (CSV) — kept server-side for an hour, and previewed: what
//! would be added, changed or left as is, and every row's problem in the user's language.
//! Nothing is written before the confirmation, and the same file imported twice changes
//! nothing the second time (entries are found again by the key they came with).

use std::io::{Cursor, Read, Write};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::partners::{
    FileProblem, ImportFormat, Parsed, RowProblem, RowProblemKind, data_inclusion, hsds,
    spreadsheet, tables_from_csv_files, tables_from_json, tables_to_csv_files, tables_to_json,
};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::partners::{Action, ImportPlan};
use uuid::Uuid;

use super::pages::{allowed_domains, field_label, lists_of, problem_text};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The request body read on the upload route (a larger file still gets its page).
pub const BODY_LIMIT: usize = 2 * MAX_UPLOAD_BYTES;
/// The most a zipped datapackage may unpack to.
const MAX_UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;
/// Entries listed on the preview (the counts cover them all).
const PREVIEW_ROWS: usize = 200;

/// One row of the preview: what happens to an entry.
pub struct ChangeView {
    pub what: String,
    pub name: String,
    pub action: String,
}

pub struct ProblemView {
    pub place: String,
    pub id: String,
    pub message: String,
    pub skipped: bool,
}

pub struct Preview {
    pub upload_id: Uuid,
    pub file_name: String,
    pub format: String,
    pub counts: Vec<(String, usize, usize, usize)>,
    pub problems: Vec<ProblemView>,
    pub changes: Vec<ChangeView>,
    pub more_changes: usize,
    pub writes: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "partners/import.html")]
pub struct ImportPage {
    chrome: Chrome,
    error: Option<String>,
    notice: Option<String>,
    preview: Option<Preview>,
}

fn page(
    state: &AppState,
    ctx: PageCtx,
    error: Option<String>,
    notice: Option<String>,
) -> ImportPage {
    ImportPage { chrome: Chrome::new(ctx, state, Nav::Partners), error, notice, preview: None }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    created: Option<usize>,
    updated: Option<usize>,
    cancelled: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<FormQuery>,
) -> ImportPage {
    let notice = match (q.created, q.updated, q.cancelled) {
        (_, _, Some(_)) => Some(ctx.t.msg("partners-import-cancelled")),
        (Some(c), Some(u), None) => Some(ctx.t.msg_args(
            "partners-import-done",
            &[("created", &c.to_string()), ("updated", &u.to_string())],
        )),
        _ => None,
    };
    page(&state, ctx, None, notice)
}

/// Which format a file is, from its first bytes.
fn detect(bytes: &[u8]) -> ImportFormat {
    if bytes.starts_with(b"PK\x03\x04") {
        return ImportFormat::HsdsCsv;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).map_or(&[][..], |i| &text[i..]);
    if start.starts_with(b"{") {
        // Cheap look at the keys; the parser decides for good.
        let head = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
        if head.contains("\"structures\"")
            || (head.contains("\"services\"") && !head.contains("\"resources\""))
        {
            return ImportFormat::DataInclusion;
        }
        return ImportFormat::HsdsJson;
    }
    ImportFormat::Spreadsheet
}

fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, FileProblem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotZip)?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|_| FileProblem::NotZip)?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().map_err(|_| FileProblem::NotZip)?.into_owned();
        if !(name.ends_with(".csv") || name.ends_with(".json")) {
            continue;
        }
        let mut content = Vec::new();
        let budget = MAX_UNZIPPED_BYTES.saturating_sub(total) + 1;
        (&mut f).take(budget).read_to_end(&mut content).map_err(|_| FileProblem::NotZip)?;
        total += content.len() as u64;
        if total > MAX_UNZIPPED_BYTES {
            return Err(FileProblem::TooManyRows { max: domain::partners::IMPORT_MAX_ROWS });
        }
        files.push((name, content));
    }
    Ok(files)
}

/// Reads a file in its format.
pub fn parse(
    format: ImportFormat,
    bytes: &[u8],
    allowed: &[String],
) -> Result<Parsed, FileProblem> {
    match format {
        ImportFormat::HsdsJson => Ok(hsds::from_tables(&tables_from_json(bytes)?, allowed)),
        ImportFormat::HsdsCsv => {
            Ok(hsds::from_tables(&tables_from_csv_files(&unzip(bytes)?)?, allowed))
        }
        ImportFormat::DataInclusion => data_inclusion::parse(bytes, allowed),
        ImportFormat::Spreadsheet => spreadsheet::parse(bytes, allowed),
    }
}

fn file_problem(t: &Tr, p: &FileProblem) -> String {
    match p {
        FileProblem::NotJson => t.msg("partners-import-not-json"),
        FileProblem::NotDatapackage => t.msg("partners-import-not-datapackage"),
        FileProblem::NotZip => t.msg("partners-import-not-zip"),
        FileProblem::NotCsv => t.msg("partners-import-not-csv"),
        FileProblem::Empty => t.msg("partners-import-empty"),
        FileProblem::TooManyRows { max } => t.msg_count("partners-import-too-many", &(*max as i64)),
        FileProblem::MissingColumn(c) => {
            t.msg_args("partners-import-missing-column", &[("column", c)])
        }
    }
}

fn row_problem(t: &Tr, p: &RowProblem) -> ProblemView {
    let message = match &p.kind {
        RowProblemKind::Field(f, problem) => {
            format!("{} : {}", field_label(t, f), problem_text(t, problem))
        }
        RowProblemKind::MissingId => t.msg("partners-import-missing-id"),
        RowProblemKind::DuplicateId => t.msg("partners-import-duplicate-id"),
        RowProblemKind::UnknownPartner(id) => {
            t.msg_args("partners-import-unknown-partner", &[("id", id)])
        }
        RowProblemKind::UnmappedTheme(theme) => {
            t.msg_args("partners-import-unmapped-theme", &[("theme", theme)])
        }
        RowProblemKind::UnknownKind(kind) => {
            t.msg_args("partners-import-unknown-kind", &[("kind", kind)])
        }
    };
    ProblemView {
        place: t
            .msg_args("partners-import-place", &[("table", p.table), ("row", &p.row.to_string())]),
        id: p.id.clone(),
        message,
        skipped: p.kind.skips(),
    }
}

fn preview(
    t: &Tr,
    upload_id: Uuid,
    file_name: String,
    format: ImportFormat,
    parsed: &Parsed,
    plan: &ImportPlan,
) -> Preview {
    let (p, s) = plan.counts();
    let action = |created: bool, updated: bool| {
        t.msg(if created {
            "partners-import-action-create"
        } else if updated {
            "partners-import-action-update"
        } else {
            "partners-import-action-unchanged"
        })
    };
    let mut changes: Vec<ChangeView> = Vec::new();
    for (e, a) in &plan.partners {
        changes.push(ChangeView {
            what: t.msg("partners-import-partner"),
            name: e.fields.name.clone(),
            action: action(matches!(a, Action::Create(_)), matches!(a, Action::Update(_))),
        });
    }
    for (e, a, _) in &plan.services {
        changes.push(ChangeView {
            what: t.msg("partners-import-service"),
            name: e.fields.name.clone(),
            action: action(matches!(a, Action::Create(_)), matches!(a, Action::Update(_))),
        });
    }
    let more_changes = changes.len().saturating_sub(PREVIEW_ROWS);
    changes.truncate(PREVIEW_ROWS);
    Preview {
        upload_id,
        file_name,
        format: t.msg(&format!("partners-format-{}", format.as_str().replace('_', "-"))),
        counts: vec![
            (t.msg("partners-import-partners"), p[0], p[1], p[2]),
            (t.msg("partners-import-services"), s[0], s[1], s[2]),
        ],
        problems: parsed.problems.iter().map(|x| row_problem(t, x)).collect(),
        changes,
        more_changes,
        writes: p[0] + p[1] + s[0] + s[1] > 0,
    }
}

fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Receives the file, keeps it, and shows the preview.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let Ok(mut multipart) = multipart else {
        let e = ctx.t.msg("partners-import-not-sent");
        return Ok((StatusCode::BAD_REQUEST, page(&state, ctx, Some(e), None)).into_response());
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    let mut broken = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                broken = !too_large;
                break;
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or(""));
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if too_large || bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        too_large = true;
                        bytes = Vec::new();
                    } else {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                    broken = !too_large;
                    break;
                }
            }
        }
        if !bytes.is_empty() {
            file = Some((name, bytes));
        }
    }
    let t = &ctx.t;
    let refuse = |status: StatusCode, msg: String, ctx: PageCtx| {
        Ok((status, page(&state, ctx, Some(msg), None)).into_response())
    };
    if too_large {
        let msg = t.msg_count("partners-import-too-large", &((MAX_UPLOAD_BYTES >> 20) as i64));
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, msg, ctx);
    }
    if broken {
        let msg = t.msg("partners-import-not-sent");
        return refuse(StatusCode::BAD_REQUEST, msg, ctx);
    }
    let Some((file_name, bytes)) = file else {
        let msg = t.msg("partners-import-missing");
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, msg, ctx);
    };
    let format = detect(&bytes);
    let lists = lists_of(&state, &signed_in).await?;
    let parsed = match parse(format, &bytes, &allowed_domains(&lists)) {
        Ok(p) => p,
        Err(e) => {
            let msg = file_problem(t, &e);
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, msg, ctx);
        }
    };
    let plan = store::partners::plan_import(&state.db, &parsed).await?;
    let me = signed_in.actor.user_id;
    let id =
        store::partners::save_upload(&state.db, me, &file_name, format.as_str(), &bytes, Ts::now())
            .await?;
    let preview = preview(t, id, file_name, format, &parsed, &plan);
    Ok(ImportPage {
        chrome: Chrome::new(ctx, &state, Nav::Partners),
        error: None,
        notice: None,
        preview: Some(preview),
    }
    .into_response())
}

/// Imports a previewed file (or forgets it, with `action=cancel`).
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let pairs = form_pairs(&body);
    let me = signed_in.actor.user_id;
    let Some(id) = value_of(&pairs, "upload_id").and_then(|v| v.parse::<Uuid>().ok()) else {
        let msg = ctx.t.msg("partners-import-expired");
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, page(&state, ctx, Some(msg), None)).into_response()
        );
    };
    if value_of(&pairs, "action") == Some("cancel") {
        store::partners::delete_upload(&state.db, me, id).await?;
        return Ok(Redirect::to("/partners/import?cancelled=1").into_response());
    }
    let Some(upload) = store::partners::find_upload(&state.db, me, id, Ts::now()).await? else {
        let msg = ctx.t.msg("partners-import-expired");
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, page(&state, ctx, Some(msg), None)).into_response()
        );
    };
    let format = ImportFormat::parse(&upload.format).unwrap_or(ImportFormat::Spreadsheet);
    let lists = lists_of(&state, &signed_in).await?;
    let parsed = match parse(format, &upload.content, &allowed_domains(&lists)) {
        Ok(p) => p,
        Err(e) => {
            let msg = file_problem(&ctx.t, &e);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, ctx, Some(msg), None))
                .into_response());
        }
    };
    let mut tx = state.db.begin_write().await?;
    // Planned again inside the write: what changed since the preview counts.
    let plan = store::partners::plan_import(&mut tx, &parsed).await?;
    store::partners::apply_import(&mut tx, &plan, me, Ts::now()).await?;
    let (p, s) = plan.counts();
    let event = NewAuditEvent::new(AuditAction::Import, signed_in.actor.organisation())
        .by(me)
        .on("partner_directory", Uuid::nil())
        .detail("format", format.as_str())
        .detail("partners_created", p[0])
        .detail("partners_updated", p[1])
        .detail("services_created", s[0])
        .detail("services_updated", s[1])
        .detail("rows_skipped", parsed.problems.iter().filter(|x| x.kind.skips()).count());
    audit_trail::record(&mut tx, &meta, event).await?;
    store::partners::delete_upload(&mut tx, me, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/import?created={}&updated={}", p[0] + s[0], p[1] + s[1]))
        .into_response())
}

/// The spreadsheet template: its columns and an example row.
pub async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"partner-directory-template.csv\"",
            ),
        ],
        spreadsheet::template(),
    )
        .into_response()
}

/// The directory as HSDS, each entry under the id it was imported with (else ours).
async fn export_tables(state: &AppState) -> Result<domain::partners::Tables, WebError> {
    let all = store::partners::all(&state.db).await?;
    let id_of = |key: &Option<String>, own: String| {
        key.as_deref().and_then(|k| k.strip_prefix("hsds:")).map(str::to_owned).unwrap_or(own)
    };
    let partners: Vec<hsds::ExportPartner> = all
        .iter()
        .map(|(p, services)| hsds::ExportPartner {
            id: id_of(&p.source_key, p.id.to_string()),
            fields: p.fields(),
            services: services
                .iter()
                .map(|s| (id_of(&s.source_key, s.id.to_string()), s.fields()))
                .collect(),
        })
        .collect();
    Ok(hsds::to_tables(&partners))
}

async fn audit_export(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    format: &str,
) -> Result<(), WebError> {
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::Export, signed_in.actor.organisation())
        .by(signed_in.actor.user_id)
        .on("partner_directory", Uuid::nil())
        .detail("format", format);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn export_json(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    let tables = export_tables(&state).await?;
    audit_export(&state, &meta, &signed_in, "hsds_json").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"datapackage.json\""),
        ],
        tables_to_json(&tables),
    )
        .into_response())
}

pub async fn export_zip(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    let tables = export_tables(&state).await?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in tables_to_csv_files(&tables) {
        zip.start_file(name, options).map_err(|_| WebError::Internal("zip entry"))?;
        zip.write_all(&content).map_err(|_| WebError::Internal("zip write"))?;
    }
    let bytes = zip.finish().map_err(|_| WebError::Internal("zip finish"))?.into_inner();
    audit_export(&state, &meta, &signed_in, "hsds_csv").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"partner-directory-hsds.zip\""),
        ],
        bytes,
    )
        .into_response())
}
