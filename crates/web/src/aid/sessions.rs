//! The commission: its sessions, each with its agenda of requests before the commission, the
//! decisions recorded in one form, and the minutes. What a line shows is what the commission
//! needs — the person's name (or, where the organisation wants it, the request's reference
//! only), the type, the date, the amount asked, the presentation, what the file lacks —
//! never the case's notes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::aid::{DecisionInput, Status};
use domain::audit::AuditAction;
use domain::lists::Lists;
use serde::Deserialize;
use store::Ts;
use store::aid::{AidRequest, Session};
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::decisions::check_decision;
use super::pages::outcome_choices;
use super::{
    Choice, amount, list_choices, notice, organisation, problem, status_label, type_label,
};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

type Errors = Vec<(&'static str, String)>;

pub struct SessionRow {
    pub id: Uuid,
    pub title: String,
    pub held_on: String,
    pub agenda: i64,
    pub decided: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/sessions.html")]
pub struct IndexPage {
    chrome: Chrome,
    rows: Vec<SessionRow>,
    waiting: usize,
    title: String,
    held_on: String,
    errors: Errors,
}

impl IndexPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn index_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    title: String,
    held_on: String,
    errors: Errors,
) -> Result<IndexPage, WebError> {
    let org = organisation(signed_in)?;
    let sessions = store::aid::sessions(&state.db, org).await?;
    let waiting = store::aid::waiting_for_commission(&state.db, org).await?.len();
    Ok(IndexPage {
        rows: sessions
            .into_iter()
            .map(|s| SessionRow {
                id: s.id,
                title: s.title,
                held_on: domain::persons::french_date(s.held_on),
                agenda: s.agenda,
                decided: s.decided_at.is_some(),
            })
            .collect(),
        waiting,
        title,
        held_on,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Aid),
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<IndexPage, WebError> {
    index_page(&state, ctx, &signed_in, String::new(), String::new(), vec![]).await
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    axum::Form(form): axum::Form<NewForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let (title, held_on) = match domain::aid::parse_session(&form.title, &form.held_on) {
        Ok(parsed) => parsed,
        Err(problems) => {
            let errors = problems.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect();
            let page =
                index_page(&state, ctx, &signed_in, form.title, form.held_on, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let id = store::aid::create_session(&mut tx, org, &title, held_on, me, Ts::now()).await?;
    let event =
        NewAuditEvent::new(AuditAction::RecordCreated, Some(org)).by(me).on("aid_session", id);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/sessions/{id}?done=created")).into_response())
}

/// A line of the agenda, with its decision fields as typed.
pub struct LineView {
    pub id: Uuid,
    pub who: String,
    pub aid_type: String,
    pub requested_on: String,
    pub asked: String,
    pub presentation: String,
    pub missing: usize,
    pub status: String,
    pub open: bool,
    pub granted_text: String,
    pub version: i64,
    pub outcomes: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub granted: String,
    pub comment: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/session.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    title: String,
    held_on: String,
    pseudonymised: bool,
    decided: bool,
    lines: Vec<LineView>,
    waiting: Vec<Choice>,
    notice: Option<String>,
    errors: Errors,
}

/// Who a line is about: the reference alone on a pseudonymised agenda, else the person's name
/// with it.
pub(crate) async fn who(
    state: &AppState,
    session: &Session,
    r: &AidRequest,
) -> Result<String, WebError> {
    if session.pseudonymised {
        return Ok(r.reference());
    }
    let name = store::persons::find(&state.db, r.organisation_id, r.person_id)
        .await?
        .map(|p| p.record.display_name())
        .unwrap_or_default();
    Ok(format!("{} — {name}", r.reference()))
}

pub(crate) async fn session_of(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<Session, WebError> {
    let org = organisation(signed_in)?;
    store::aid::find_session(&state.db, org, id).await?.ok_or(WebError::NotFound)
}

/// What was typed for the agenda's lines, by request.
type TypedLines = Vec<(Uuid, DecisionInput, Option<String>)>;

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    session: Session,
    typed: TypedLines,
    errors: Errors,
    done: Option<&str>,
) -> Result<ShowPage, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let agenda = store::aid::agenda(&state.db, org, session.id).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let mut lines = Vec::with_capacity(agenda.len());
    for r in &agenda {
        let rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
        let checks =
            super::pages::checklist(state, t, &lists, r, &rules.required_documents, today).await?;
        let (input, error) = typed
            .iter()
            .find(|(id, _, _)| *id == r.id)
            .map(|(_, i, e)| (i.clone(), e.clone()))
            .unwrap_or_default();
        lines.push(line(
            t,
            &lists,
            r,
            who(state, &session, r).await?,
            checks.iter().filter(|c| !c.present).count(),
            input,
            error,
        ));
    }
    let waiting = if session.decided_at.is_none() {
        let mut out = Vec::new();
        for r in store::aid::waiting_for_commission(&state.db, org).await? {
            out.push(Choice {
                code: r.id.to_string(),
                label: format!(
                    "{} — {} — {}",
                    who(state, &session, &r).await?,
                    type_label(t, &lists, &r.aid_type),
                    amount(t, r.asked_cents)
                ),
                selected: false,
            });
        }
        out
    } else {
        vec![]
    };
    Ok(ShowPage {
        id: session.id,
        title: session.title.clone(),
        held_on: domain::persons::french_date(session.held_on),
        pseudonymised: session.pseudonymised,
        decided: session.decided_at.is_some(),
        lines,
        waiting,
        notice: notice(t, done),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Aid),
    })
}

fn line(
    t: &Tr,
    lists: &Lists,
    r: &AidRequest,
    who: String,
    missing: usize,
    input: DecisionInput,
    error: Option<String>,
) -> LineView {
    let status = r.status();
    LineView {
        id: r.id,
        who,
        aid_type: type_label(t, lists, &r.aid_type),
        requested_on: domain::persons::french_date(r.requested_on),
        asked: amount(t, r.asked_cents),
        presentation: r.presentation.clone(),
        missing,
        status: status_label(t, status),
        open: status == Status::InCommittee,
        granted_text: amount(t, r.granted_cents),
        version: r.version,
        outcomes: outcome_choices(t, true, &input.outcome),
        reasons: list_choices(t, lists, domain::lists::ListName::AidRefusalReason, &input.reason),
        granted: input.granted,
        comment: input.comment,
        error,
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, WebError> {
    let session = session_of(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    // Names shown: each is a reading of that person's file.
    if !session.pseudonymised {
        let agenda = store::aid::agenda(&state.db, org, session.id).await?;
        let mut tx = state.db.begin_write().await?;
        for r in &agenda {
            let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
                .by(signed_in.actor.user_id)
                .on("case", r.case_id.as_uuid())
                .detail("aid", r.id.to_string())
                .detail("aid_session", session.id.to_string());
            audit_trail::record(&mut tx, &meta, event).await?;
        }
        tx.commit().await?;
    }
    show_page(&state, ctx, &signed_in, session, vec![], vec![], q.done.as_deref()).await
}

pub async fn add_to_agenda(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let session = session_of(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let chosen: Vec<Uuid> =
        pairs.iter().filter(|(k, _)| k == "requests").filter_map(|(_, v)| v.parse().ok()).collect();
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    for request in chosen {
        if store::aid::put_on_agenda(&mut tx, org, session.id, request, now).await? {
            let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
                .by(signed_in.actor.user_id)
                .on("aid_request", request)
                .detail("aid_session", session.id.to_string());
            audit_trail::record(&mut tx, &meta, event).await?;
        }
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/sessions/{id}?done=added")).into_response())
}

/// Records the decisions typed for the agenda's lines in one go: every line with an outcome is
/// checked first, and nothing is written unless all are right. A line left without an outcome
/// stays before the commission; once none is left, the session is closed.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let session = session_of(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let agenda = store::aid::agenda(&state.db, org, session.id).await?;
    let mut typed: TypedLines = Vec::new();
    let mut decisions = Vec::new();
    let mut errors: Errors = Vec::new();
    for r in agenda.iter().filter(|r| r.status() == Status::InCommittee) {
        let get = |k: &str| value_of(&pairs, &format!("{k}-{}", r.id)).unwrap_or("").to_owned();
        let input = DecisionInput {
            outcome: get("outcome"),
            granted: get("granted"),
            reason: get("reason"),
            comment: get("comment"),
        };
        if input.outcome.trim().is_empty() {
            typed.push((r.id, input, None));
            continue;
        }
        let version: i64 = get("version").parse().unwrap_or(0);
        match check_decision(&state, &signed_in, &ctx.t, r, &input, true).await? {
            Ok(d) => {
                decisions.push((r, version, d));
                typed.push((r.id, input, None));
            }
            Err(problems) => {
                let message = problems.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ");
                errors.push(("agenda", format!("{} : {message}", r.reference())));
                typed.push((r.id, input, Some(message)));
            }
        }
    }
    if !errors.is_empty() || session.decided_at.is_some() {
        if errors.is_empty() {
            errors.push(("agenda", ctx.t.msg("aid-error-move")));
        }
        let page = show_page(&state, ctx, &signed_in, session, typed, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    for (r, version, d) in &decisions {
        if !store::aid::decide(&mut tx, r, *version, d, me, now).await? {
            // Someone changed a request meanwhile: nothing of this form is written.
            drop(tx);
            return Ok(Redirect::to(&format!("/aid/sessions/{id}?done=stale")).into_response());
        }
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
            .by(me)
            .on("aid_request", r.id)
            .detail("status", d.outcome.as_str())
            .detail("aid_session", session.id.to_string());
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    let left = agenda.len()
        - agenda.iter().filter(|r| r.status() != Status::InCommittee).count()
        - decisions.len();
    if left == 0 && !agenda.is_empty() {
        store::aid::close_session(&mut tx, org, session.id, now).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/sessions/{id}?done=decided")).into_response())
}
