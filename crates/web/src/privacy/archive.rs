//! A file of the restricted archive, from the review list (ADR 0040): the DPO or a manager
//! opens it with a written reason (recorded as `archive_opened`; the person's pages then answer
//! them for a day), takes it out of the archive with a reason (the line becomes a legal hold),
//! or anonymises it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::retention::{self, Review, archive};

use super::retention::{FieldError, LineView, line_view, line_where, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// The longest reason kept.
const REASON_MAX: usize = 1000;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArchiveForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/retention_archive.html")]
pub struct ArchivePage {
    chrome: Chrome,
    line: LineView,
    form: ArchiveForm,
    errors: Vec<FieldError>,
    conflict: bool,
}

impl ArchivePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize)]
pub struct ArchiveQuery {
    line: Option<String>,
}

/// The archived line of the organisation, or `None`.
async fn archived_line(
    state: &AppState,
    org: OrganisationId,
    line: &str,
) -> Result<Option<Review>, WebError> {
    line_where(state, org, line, |r| r.outcome.as_deref() == Some("archived")).await
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ArchiveQuery>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = archived_line(&state, org, q.line.as_deref().unwrap_or_default()).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let (settings, _) = retention::settings(&state.db, org).await?;
    let form = ArchiveForm { line: r.id.to_string(), version: r.version, ..ArchiveForm::default() };
    let line = line_view(&ctx.t, &r, &settings, &signed_in);
    let chrome = Chrome::new(ctx, &state, Nav::Privacy);
    Ok(ArchivePage { chrome, line, form, errors: vec![], conflict: false }.into_response())
}

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<ArchiveForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = archived_line(&state, org, &form.line).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let t = &ctx.t;
    let reason = form.reason.trim().to_owned();
    let mut errors = Vec::new();
    if !["open", "restore", "anonymise"].contains(&form.action.as_str()) {
        errors.push(FieldError::new("action", t.msg("retention-archive-error-action")));
    } else if form.action != "anonymise"
        && (reason.is_empty() || reason.chars().count() > REASON_MAX)
    {
        errors.push(FieldError::new("reason", t.msg("retention-error-reason")));
    }
    let (settings, _) = retention::settings(&state.db, org).await?;
    if !errors.is_empty() {
        let line = line_view(t, &r, &settings, &signed_in);
        let chrome = Chrome::new(ctx, &state, Nav::Privacy);
        let page = ArchivePage { chrome, line, form, errors, conflict: false };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = Ts::now();
    let by = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let (done, event, to) = match form.action.as_str() {
        "open" => {
            let person = archive::archived_person(&mut tx, org, r.id).await?;
            let to = person.map(|p| format!("/persons/{p}"));
            (person.is_some(), AuditAction::ArchiveOpened, to.unwrap_or_default())
        }
        "restore" => {
            let person =
                archive::restore(&mut tx, org, r.id, form.version, by, &reason, now).await?;
            (person.is_some(), AuditAction::ArchiveRestored, "/privacy/retention?decided=1".into())
        }
        _ => {
            let done = archive::anonymise(&mut tx, org, r.id, form.version, now).await?;
            (done, AuditAction::RetentionDecided, "/privacy/retention?decided=1".into())
        }
    };
    if !done {
        drop(tx);
        let line = line_view(t, &r, &settings, &signed_in);
        let form = ArchiveForm { version: r.version, ..form };
        let chrome = Chrome::new(ctx, &state, Nav::Privacy);
        let page = ArchivePage { chrome, line, form, errors: vec![], conflict: true };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let mut event = NewAuditEvent::new(event, Some(org)).by(by).on("person", r.person_id.as_uuid());
    if event.action == AuditAction::RetentionDecided {
        event = event.detail("decision", "anonymise_archived");
    }
    if !reason.is_empty() {
        // The written justification, which the law asks to keep.
        event = event.because(reason);
    }
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&to).into_response())
}
