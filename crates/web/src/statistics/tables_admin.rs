//! The statutory tables' definitions, edited by the organisation's manager without code
//! (ADR 0038): the list of tables, a form a table (title in French and English, what it
//! counts by, the age bands or the rows grouping codes), add and remove. A save made on a
//! version someone changed meanwhile is refused with what was typed, never written over.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::lists::Lists;
use domain::policy::Rule;
use domain::statistics_tables::{
    DefProblem, Dimension, TableDef, bands_text, parse_def, rows_text,
};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::statistics::tables::{self, StoredTable};
use uuid::Uuid;

use crate::AppState;
use crate::admin::{FieldError, Section};
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// Who edits the definitions: the organisation's manager.
pub const MANAGE: Rule = Rule::Roles(&[Role::Manager]);

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

fn dimension_label(t: &Tr, d: Dimension) -> String {
    t.msg(&format!("stats-tables-dimension-{}", d.as_str().replace('_', "-")))
}

/// A table in the list.
pub struct Summary {
    pub id: Uuid,
    pub title: String,
    pub dimension: String,
    pub rows: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/tables_admin.html")]
pub struct IndexPage {
    chrome: Chrome,
    section: Section,
    tables: Vec<Summary>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: Option<String>,
}

/// `GET /admin/statistics-tables`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<IndexPage, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let stored = tables::definitions(&state.db, org, Ts::now()).await?;
    let notice = match q.notice.as_deref() {
        Some(n @ ("saved" | "added" | "removed")) => {
            Some(t.msg(&format!("stats-tables-notice-{n}")))
        }
        _ => None,
    };
    Ok(IndexPage {
        tables: stored
            .iter()
            .map(|s| Summary {
                id: s.id,
                title: s.def.title(t.lang()).to_owned(),
                dimension: dimension_label(t, s.def.dimension),
                rows: s.def.row_kinds().len(),
            })
            .collect(),
        notice,
        section: Section::StatisticsTables,
        chrome: Chrome::new(ctx, &state, Nav::Admin),
    })
}

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct DefForm {
    #[serde(default)]
    title_fr: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    dimension: String,
    #[serde(default)]
    bands: String,
    #[serde(default)]
    rows: String,
    /// The version the form was read at (0 for a new table).
    #[serde(default)]
    version: i64,
}

impl DefForm {
    fn of(s: &StoredTable) -> DefForm {
        DefForm {
            title_fr: s.def.title_fr.clone(),
            title_en: s.def.title_en.clone(),
            dimension: s.def.dimension.as_str().to_owned(),
            bands: bands_text(&s.def.bands),
            rows: rows_text(&s.def.rows),
            version: s.version,
        }
    }
}

/// A choice of dimension.
pub struct DimensionChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The codes a dimension's rows may group, with their labels: the help beside the form.
pub struct CodeHelp {
    pub dimension: String,
    pub codes: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/tables_admin_form.html")]
pub struct FormPage {
    chrome: Chrome,
    section: Section,
    title: String,
    action: String,
    /// The removal's address, for a stored table.
    remove: Option<String>,
    form: DefForm,
    dimensions: Vec<DimensionChoice>,
    help: Vec<CodeHelp>,
    errors: Vec<FieldError>,
    /// Someone changed or removed the table since the form was read.
    conflict: bool,
}

impl FormPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// The codes of `d`'s list, the organisation's own values included.
fn known(lists: &Lists, d: Dimension) -> Vec<String> {
    d.list().map_or_else(Vec::new, |l| lists.values(l).into_iter().map(|v| v.code).collect())
}

fn form_page(
    state: &AppState,
    ctx: PageCtx,
    lists: &Lists,
    stored: Option<&StoredTable>,
    form: DefForm,
    errors: Vec<FieldError>,
    conflict: bool,
) -> FormPage {
    let t = &ctx.t;
    let (title, action, remove) = match stored {
        Some(s) => (
            s.def.title(t.lang()).to_owned(),
            format!("/admin/statistics-tables/{}", s.id),
            Some(format!("/admin/statistics-tables/{}/delete", s.id)),
        ),
        None => (t.msg("stats-tables-admin-new"), "/admin/statistics-tables/new".to_owned(), None),
    };
    FormPage {
        dimensions: Dimension::ALL
            .into_iter()
            .map(|d| DimensionChoice {
                code: d.as_str(),
                label: dimension_label(t, d),
                selected: form.dimension == d.as_str(),
            })
            .collect(),
        help: Dimension::ALL
            .into_iter()
            .filter_map(|d| {
                let list = d.list()?;
                Some(CodeHelp {
                    dimension: dimension_label(t, d),
                    codes: known(lists, d)
                        .into_iter()
                        .map(|c| {
                            let label = list_label(t, lists, list, &c);
                            (c, label)
                        })
                        .collect(),
                })
            })
            .collect(),
        title,
        action,
        remove,
        form,
        errors,
        conflict,
        section: Section::StatisticsTables,
        chrome: Chrome::new(ctx, state, Nav::Admin),
    }
}

fn problem_message(t: &Tr, p: &DefProblem) -> FieldError {
    let (field, message) = match p {
        DefProblem::TitleFrRequired => ("title_fr", t.msg("stats-tables-error-title-fr")),
        DefProblem::TitleEnRequired => ("title_en", t.msg("stats-tables-error-title-en")),
        DefProblem::TitleTooLong { max } => {
            ("title_fr", t.msg_args("stats-tables-error-title-long", &[("max", &max.to_string())]))
        }
        DefProblem::DimensionUnknown => ("dimension", t.msg("stats-tables-error-dimension")),
        DefProblem::BandsInvalid => ("bands", t.msg("stats-tables-error-bands")),
        DefProblem::TooManyBands { max } => {
            ("bands", t.msg_args("stats-tables-error-bands-many", &[("max", &max.to_string())]))
        }
        DefProblem::RowMalformed { line } => {
            ("rows", t.msg_args("stats-tables-error-row-malformed", &[("line", &line.to_string())]))
        }
        DefProblem::RowLabelTooLong { line, max } => (
            "rows",
            t.msg_args(
                "stats-tables-error-row-long",
                &[("line", &line.to_string()), ("max", &max.to_string())],
            ),
        ),
        DefProblem::CodeUnknown { line, code } => (
            "rows",
            t.msg_args(
                "stats-tables-error-code-unknown",
                &[("line", &line.to_string()), ("code", code)],
            ),
        ),
        DefProblem::CodeTwice { line, code } => (
            "rows",
            t.msg_args(
                "stats-tables-error-code-twice",
                &[("line", &line.to_string()), ("code", code)],
            ),
        ),
        DefProblem::RowsRequired => ("rows", t.msg("stats-tables-error-rows-required")),
        DefProblem::TooManyRows { max } => {
            ("rows", t.msg_args("stats-tables-error-rows-many", &[("max", &max.to_string())]))
        }
    };
    FieldError { field: field.to_owned(), message }
}

/// Checks the form against the organisation's lists.
fn check(t: &Tr, lists: &Lists, form: &DefForm) -> Result<TableDef, Vec<FieldError>> {
    let known = Dimension::parse(form.dimension.trim()).map_or_else(Vec::new, |d| known(lists, d));
    parse_def(&form.title_fr, &form.title_en, &form.dimension, &form.bands, &form.rows, &known)
        .map_err(|problems| problems.iter().map(|p| problem_message(t, p)).collect())
}

async fn find(state: &AppState, org: OrganisationId, id: &str) -> Result<StoredTable, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    tables::definitions(&state.db, org, Ts::now())
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(WebError::NotFound)
}

/// `GET /admin/statistics-tables/new`.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<FormPage, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let form = DefForm { dimension: Dimension::Housing.as_str().to_owned(), ..DefForm::default() };
    Ok(form_page(&state, ctx, &lists, None, form, vec![], false))
}

/// `GET /admin/statistics-tables/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<FormPage, WebError> {
    let org = organisation(&signed_in)?;
    let stored = find(&state, org, &id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let form = DefForm::of(&stored);
    Ok(form_page(&state, ctx, &lists, Some(&stored), form, vec![], false))
}

fn event(signed_in: &SignedIn, org: OrganisationId, change: &str, id: Uuid) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("organisation", org.as_uuid())
        .detail("change", change)
        .detail("table", id.to_string())
}

/// `POST /admin/statistics-tables/new`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<DefForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let def = match check(&ctx.t, &lists, &form) {
        Ok(def) => def,
        Err(errors) => {
            let page = form_page(&state, ctx, &lists, None, form, errors, false);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // The defaults first, so that a new table comes after them.
    tables::definitions(&state.db, org, Ts::now()).await?;
    let mut tx = state.db.begin_write().await?;
    let id = tables::add(&mut tx, org, &def, Ts::now()).await?;
    audit_trail::record(&mut tx, &meta, event(&signed_in, org, "statistics_table_added", id))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/statistics-tables?notice=added").into_response())
}

/// `POST /admin/statistics-tables/{id}`: saved if nobody changed the table since the form
/// was read; otherwise 409 with what was typed.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<DefForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let stored = find(&state, org, &id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let def = match check(&ctx.t, &lists, &form) {
        Ok(def) => def,
        Err(errors) => {
            let page = form_page(&state, ctx, &lists, Some(&stored), form, errors, false);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin_write().await?;
    if !tables::save_if_unchanged(&mut tx, org, stored.id, form.version, &def, Ts::now()).await? {
        drop(tx);
        let page = form_page(&state, ctx, &lists, Some(&stored), form, vec![], true);
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    audit_trail::record(
        &mut tx,
        &meta,
        event(&signed_in, org, "statistics_table_saved", stored.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/statistics-tables?notice=saved").into_response())
}

/// `POST /admin/statistics-tables/{id}/delete`, at the version the form was read.
pub async fn remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<DefForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let stored = find(&state, org, &id).await?;
    let mut tx = state.db.begin_write().await?;
    if !tables::remove_if_unchanged(&mut tx, org, stored.id, form.version).await? {
        drop(tx);
        let lists = store::lists::for_organisation(&state.db, org).await?;
        let typed = DefForm { version: form.version, ..DefForm::of(&stored) };
        let page = form_page(&state, ctx, &lists, Some(&stored), typed, vec![], true);
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    audit_trail::record(
        &mut tx,
        &meta,
        event(&signed_in, org, "statistics_table_removed", stored.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/statistics-tables?notice=removed").into_response())
}
