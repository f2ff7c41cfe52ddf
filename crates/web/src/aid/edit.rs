//! Correcting a request before its decision (ADR 0030, section of 2026-11-27): the form of its
//! preparation, filled with what is stored, checked the same way (422 keeping what was typed),
//! with the version read — a stale form is refused (409) with what is stored beside what was
//! typed, nothing overwritten. Only while [`domain::aid::may_edit`]: prepared, waiting for
//! documents, under review. Each correction is an `aid` event of the timeline and an audited
//! `record_updated` naming the fields changed (never their values).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::aid::{self as rules, RequestInput};
use domain::audit::AuditAction;
use domain::lists::ListName;
use domain::money;
use store::Ts;
use store::aid::AidRequest;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::pages::{Typed, person_name, show_page};
use super::{Choice, list_choices, organisation, problem, readable, style};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::persons::{form_pairs, value_of};

type Errors = Vec<(&'static str, String)>;

#[derive(Template, WebTemplate)]
#[template(path = "aid/edit.html")]
pub struct EditPage {
    chrome: Chrome,
    id: Uuid,
    case_id: CaseId,
    person_name: String,
    typed: RequestInput,
    types: Vec<Choice>,
    version: i64,
    /// What is stored, when the form was stale.
    conflict: Option<RequestInput>,
    errors: Errors,
}

impl EditPage {
    fn type_label(&self, code: &str) -> String {
        self.types
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.label.clone())
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What is stored, as the form shows it in the user's language.
fn stored_input(ctx: &PageCtx, r: &AidRequest) -> RequestInput {
    RequestInput {
        aid_type: r.aid_type.clone(),
        requested_on: domain::persons::french_date(r.requested_on),
        asked: r.asked_cents.map(|c| money::format_input(c, style(&ctx.t))).unwrap_or_default(),
        presentation: r.presentation.clone(),
    }
}

#[allow(clippy::too_many_arguments)] // The page, and what a failed or stale form said.
async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    r: &AidRequest,
    loaded: &crate::cases::Loaded,
    typed: RequestInput,
    conflict: Option<RequestInput>,
    errors: Errors,
) -> Result<EditPage, WebError> {
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let types = list_choices(&ctx.t, &lists, ListName::AidType, &typed.aid_type);
    Ok(EditPage {
        id: r.id,
        case_id: r.case_id,
        person_name: person_name(state, signed_in, &loaded.case).await?,
        typed,
        types,
        version: r.version,
        conflict,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// The request's page, refusing the correction of a request no longer open to it (409).
async fn not_editable(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<Response, WebError> {
    let errors = vec![("aid-status", ctx.t.msg("aid-error-not-editable"))];
    let page = show_page(state, ctx, signed_in, id, Typed::default(), errors, None).await?;
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// A request the user may correct: they write its case (else 404, as every aid write).
async fn writable(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(AidRequest, crate::cases::Loaded), WebError> {
    let (r, loaded, access) = readable(state, signed_in, id).await?;
    if !access.write {
        return Err(WebError::NotFound);
    }
    Ok((r, loaded))
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (r, loaded) = writable(&state, &signed_in, id).await?;
    if !rules::may_edit(r.status()) {
        return not_editable(&state, ctx, &signed_in, id).await;
    }
    let typed = stored_input(&ctx, &r);
    Ok(edit_page(&state, ctx, &signed_in, &r, &loaded, typed, None, vec![]).await?.into_response())
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let (r, loaded) = writable(&state, &signed_in, id).await?;
    if !rules::may_edit(r.status()) {
        return not_editable(&state, ctx, &signed_in, id).await;
    }
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let typed = RequestInput {
        aid_type: get("aid_type"),
        requested_on: get("requested_on"),
        asked: get("asked"),
        presentation: get("presentation"),
    };
    let version: i64 = get("version").trim().parse().unwrap_or(-1);
    if version != r.version {
        let conflict = Some(stored_input(&ctx, &r));
        let page = edit_page(&state, ctx, &signed_in, &r, &loaded, typed, conflict, vec![]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let parsed = super::check_request(&state, &signed_in, org, &typed, style(&ctx.t)).await?;
    let fields = match parsed {
        Ok(f) => f,
        Err(problems) => {
            let errors = problems.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect();
            let page = edit_page(&state, ctx, &signed_in, &r, &loaded, typed, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let changed = store::aid::changed(&r, &fields);
    if changed.is_empty() {
        return Ok(Redirect::to(&format!("/aid/{id}?done=unchanged")).into_response());
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::update(&mut tx, &r, version, &fields, me, Ts::now()).await? {
        drop(tx);
        // Changed between the reading and the writing: what it is now, beside what was typed.
        let org_id = organisation(&signed_in)?;
        let now = store::aid::find(&state.db, org_id, id).await?.ok_or(WebError::NotFound)?;
        if !rules::may_edit(now.status()) {
            return not_editable(&state, ctx, &signed_in, id).await;
        }
        let conflict = Some(stored_input(&ctx, &now));
        let page =
            edit_page(&state, ctx, &signed_in, &now, &loaded, typed, conflict, vec![]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    audit_trail::record(&mut tx, &meta, audit_edit(org, me, &r, &changed)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/{id}?done=edited")).into_response())
}

/// The audit of a correction: which fields, never their values.
pub(crate) fn audit_edit(
    org: domain::OrganisationId,
    me: domain::UserId,
    r: &AidRequest,
    changed: &[&str],
) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("aid_request", r.id)
        .detail("change", store::aid::EDITED)
        .detail("fields", changed.join(","))
}
