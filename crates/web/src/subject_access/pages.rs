//! The pages of the requests: the list with deadlines and a form to log a request (the person
//! found by name, then chosen), a request's page (extend, answer, review and release the
//! export, the exports made).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::persons::{french_date, iso_date, parse_date};
use domain::subject_access::{self as rules, Kind, Problem, Status};
use domain::{OrganisationId, PersonId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::subject_access::Request;
use uuid::Uuid;

use super::export::{self, ReviewItem};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

type Typed = HashMap<String, String>;
type Errors = Vec<(&'static str, String)>;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

pub(super) fn today(signed_in: &SignedIn) -> time::Date {
    store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref())
}

fn field<'a>(typed: &'a Typed, name: &str) -> &'a str {
    typed.get(name).map(String::as_str).unwrap_or_default()
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
}

pub struct RequestRow {
    pub id: Uuid,
    pub person: String,
    pub kind: String,
    pub received: String,
    pub deadline: String,
    pub status: String,
    pub open: bool,
    pub overdue: bool,
    pub extended: bool,
}

fn row(t: &Tr, r: &Request, today: time::Date) -> RequestRow {
    RequestRow {
        id: r.id,
        person: if r.person_id.is_some() {
            r.person_name()
        } else {
            t.msg("erasure-erased-person")
        },
        kind: t.msg(&format!("subject-kind-{}", r.kind().code())),
        received: french_date(r.received_on),
        deadline: french_date(r.deadline()),
        status: t.msg(&format!("subject-status-{}", r.status().code())),
        open: r.status() == Status::Open,
        overdue: rules::overdue(r.status(), r.deadline(), today),
        extended: r.extended(),
    }
}

pub struct Candidate {
    pub id: PersonId,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "subject_access/index.html")]
pub struct IndexPage {
    chrome: Chrome,
    rows: Vec<RequestRow>,
    overdue: usize,
    kinds: Vec<Choice>,
    candidates: Vec<Candidate>,
    typed: Typed,
    today: String,
    errors: Errors,
}

impl IndexPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn typed(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

fn kinds(t: &Tr) -> Vec<Choice> {
    Kind::ALL
        .into_iter()
        .map(|k| Choice { code: k.code(), label: t.msg(&format!("subject-kind-{}", k.code())) })
        .collect()
}

async fn index_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    typed: Typed,
    candidates: Vec<Candidate>,
    errors: Errors,
) -> Result<IndexPage, WebError> {
    let org = organisation(signed_in)?;
    let day = today(signed_in);
    let rows: Vec<RequestRow> = store::subject_access::list(&state.db, org)
        .await?
        .iter()
        .map(|r| row(&ctx.t, r, day))
        .collect();
    Ok(IndexPage {
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
        kinds: kinds(&ctx.t),
        candidates,
        typed,
        today: iso_date(day),
        errors,
        chrome: Chrome::new(ctx, state, Nav::SubjectRequests),
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<IndexPage, WebError> {
    index_page(&state, ctx, &signed_in, Typed::new(), vec![], vec![]).await
}

/// Logs a request. Without a chosen person, finds the persons the typed name matches and
/// shows them to choose from; the request is logged once one is chosen.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let mut errors: Errors = vec![];
    let kind = Kind::parse(field(&typed, "kind"));
    if kind.is_none() {
        errors.push(("kind", t.msg("subject-error-kind")));
    }
    let received = match parse_date(field(&typed, "received_on")) {
        Ok(Some(d)) if d <= today(&signed_in) => Some(d),
        _ => {
            errors.push(("received_on", t.msg("subject-error-received")));
            None
        }
    };
    let chosen: Option<PersonId> = field(&typed, "person_id").parse().ok();
    let person = match chosen {
        Some(id) => store::persons::find(&state.db, org, id).await?.map(|_| id),
        None => None,
    };
    let mut candidates = vec![];
    if person.is_none() {
        let query = field(&typed, "person_query").trim();
        if !query.is_empty() {
            candidates = store::persons::search_including_archived(&state.db, org, query, 10)
                .await?
                .into_iter()
                .map(|h| {
                    let family = h.used_name.as_deref().or(h.birth_name.as_deref());
                    let mut label = [family, h.first_names.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(b) = h.birth_date {
                        label.push_str(&format!(" — {}", french_date(b)));
                    }
                    if let Some(town) = &h.town {
                        label.push_str(&format!(" — {town}"));
                    }
                    Candidate { id: h.id, label }
                })
                .collect();
        }
        let message = if candidates.is_empty() {
            "subject-error-person-none"
        } else {
            "subject-error-person-choose"
        };
        errors.push(("person_query", t.msg(message)));
    }
    let (Some(kind), Some(received), Some(person), true) =
        (kind, received, person, errors.is_empty())
    else {
        let page = index_page(&state, ctx, &signed_in, typed, candidates, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin_write().await?;
    let by = signed_in.actor.user_id;
    let id =
        store::subject_access::create(&mut tx, org, person, kind, received, by, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(by)
        .on("subject_request", id)
        .detail("person", person.to_string())
        .detail("kind", kind.code());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/privacy/requests/{id}?done=created")).into_response())
}

pub struct ReviewRow {
    pub table: String,
    pub column: &'static str,
    pub row: String,
    pub why: String,
}

pub struct ExportRow {
    pub format: String,
    pub at: String,
    pub by: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "subject_access/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    r: RequestRow,
    version: i64,
    extension_reason: Option<String>,
    answered: String,
    answer_note: Option<String>,
    handled_by: String,
    released: Option<String>,
    review: Vec<ReviewRow>,
    exports: Vec<ExportRow>,
    outcomes: Vec<Choice>,
    typed: Typed,
    today: String,
    errors: Errors,
    notice: Option<String>,
    /// When the person's file was erased (the request stays, without them).
    erased: Option<String>,
    /// An open erasure request whose person is still there: the erasure is offered.
    erasable: bool,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn typed(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

fn review_rows(t: &Tr, items: &[ReviewItem]) -> Vec<ReviewRow> {
    items
        .iter()
        .map(|i| ReviewRow {
            table: export::table_title(t, i.table),
            column: i.column,
            row: i.row.map(|r| r.to_string()).unwrap_or_default(),
            why: if i.names.is_empty() {
                t.msg("subject-review-third-party-column")
            } else {
                t.msg_args("subject-review-names", &[("names", &i.names.join(", "))])
            },
        })
        .collect()
}

/// The request of the organisation, or "not found".
pub(super) async fn request(
    state: &AppState,
    org: OrganisationId,
    id: Uuid,
) -> Result<Request, WebError> {
    store::subject_access::find(&state.db, org, id).await?.ok_or(WebError::NotFound)
}

/// What the request's export gathers, read in one snapshot, and what in it is to review.
pub(crate) async fn gathered(
    state: &AppState,
    org: OrganisationId,
    person: PersonId,
) -> Result<(store::subject_access::export::Gathered, Vec<ReviewItem>), WebError> {
    let mut tx = state.db.begin_read().await?;
    let g = store::subject_access::export::gather(&mut tx, org, person)
        .await?
        .ok_or(WebError::NotFound)?;
    tx.commit().await?;
    let review = export::review(&g);
    Ok((g, review))
}

#[allow(clippy::too_many_arguments)] // The page's inputs, each named at its call sites.
async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    id: Uuid,
    typed: Typed,
    errors: Errors,
    notice: Option<String>,
) -> Result<ShowPage, WebError> {
    let org = organisation(signed_in)?;
    let r = request(state, org, id).await?;
    // The review reads the person's whole file: an audited read. An erased person has none.
    let review = match r.person() {
        Some(person) => {
            let (_, review) = gathered(state, org, person).await?;
            let mut tx = state.db.begin_write().await?;
            let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
                .by(signed_in.actor.user_id)
                .on("person", person.as_uuid())
                .detail("subject_request", id.to_string());
            audit_trail::record(&mut tx, meta, event).await?;
            tx.commit().await?;
            review
        }
        None => vec![],
    };
    let t = &ctx.t;
    let zone = signed_in.time_zone.as_deref();
    let exports = store::subject_access::exports_of(&state.db, org, id)
        .await?
        .into_iter()
        .map(|x| ExportRow {
            format: x.format.to_uppercase(),
            at: crate::dates::local_minutes(x.made_at, zone),
            by: x.made_by_name.unwrap_or_default(),
        })
        .collect();
    let outcomes = [Status::Answered, Status::Refused]
        .into_iter()
        .map(|s| Choice { code: s.code(), label: t.msg(&format!("subject-status-{}", s.code())) })
        .collect();
    Ok(ShowPage {
        r: row(t, &r, today(signed_in)),
        version: r.version,
        extension_reason: r.extension_reason.clone(),
        answered: r.answered_on.map(french_date).unwrap_or_default(),
        answer_note: r.answer_note.clone(),
        handled_by: r.handled_by_name.clone().unwrap_or_default(),
        released: r.released_at.map(|at| {
            t.msg_args(
                "subject-released-by",
                &[
                    ("date", &crate::dates::local_minutes(at, zone)),
                    ("name", r.released_by_name.as_deref().unwrap_or_default()),
                ],
            )
        }),
        review: review_rows(t, &review),
        exports,
        outcomes,
        typed,
        today: iso_date(today(signed_in)),
        errors,
        notice,
        erased: r.erased_at.map(|at| crate::dates::local_minutes(at, zone)),
        erasable: r.kind() == Kind::Erasure && r.status() == Status::Open && r.person().is_some(),
        chrome: Chrome::new(ctx, state, Nav::SubjectRequests),
    })
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
    let notice = q.done.as_deref().and_then(|d| match d {
        "created" | "extended" | "answered" | "released" | "erased" => {
            Some(ctx.t.msg(&format!("subject-done-{d}")))
        }
        _ => None,
    });
    show_page(&state, ctx, &meta, &signed_in, id, Typed::new(), vec![], notice).await
}

fn problem_message(t: &Tr, p: Problem) -> String {
    let key = match p {
        Problem::ReasonRequired => "subject-error-reason",
        Problem::RefusalReasonRequired => "subject-error-refusal-reason",
        Problem::AlreadyExtended => "subject-error-already-extended",
        Problem::Closed => "subject-error-closed",
        Problem::BeforeReceipt => "subject-error-before-receipt",
        Problem::TooLong => "subject-error-too-long",
    };
    t.msg(key)
}

async fn refused(
    state: &AppState,
    ctx: PageCtx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    id: Uuid,
    typed: Typed,
    errors: Errors,
) -> Result<Response, WebError> {
    let page = show_page(state, ctx, meta, signed_in, id, typed, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn changed(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    r: &Request,
    what: &str,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("subject_request", r.id)
        .detail("person", r.person_id.map(|p| p.to_string()).unwrap_or_default())
        .detail("change", what);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

fn version(typed: &Typed) -> i64 {
    field(typed, "version").parse().unwrap_or_default()
}

/// Extends the deadline by two months, with the reason the person will be told.
pub async fn extend(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let r = request(&state, org, id).await?;
    let reason = match rules::check_extension(r.status(), r.extended(), field(&typed, "reason")) {
        Ok(reason) => reason,
        Err(p) => {
            let errors = vec![("reason", problem_message(&ctx.t, p))];
            return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
        }
    };
    if !store::subject_access::extend(&state.db, org, id, version(&typed), &reason, Ts::now())
        .await?
    {
        let errors = vec![("reason", ctx.t.msg("subject-error-changed"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    }
    changed(&state, &meta, &signed_in, &r, "extended").await?;
    Ok(Redirect::to(&format!("/privacy/requests/{id}?done=extended")).into_response())
}

/// Records the answer: done as asked, or refused with its reason.
pub async fn answer(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let r = request(&state, org, id).await?;
    let t = &ctx.t;
    let mut errors: Errors = vec![];
    let outcome = Status::parse(field(&typed, "outcome")).filter(|s| *s != Status::Open);
    if outcome.is_none() {
        errors.push(("outcome", t.msg("subject-error-outcome")));
    }
    let on = match parse_date(field(&typed, "answered_on")) {
        Ok(Some(d)) if d <= today(&signed_in) => Some(d),
        _ => {
            errors.push(("answered_on", t.msg("subject-error-answered-on")));
            None
        }
    };
    let (Some(outcome), Some(on), true) = (outcome, on, errors.is_empty()) else {
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    };
    let note =
        match rules::check_answer(r.status(), r.received_on, outcome, on, field(&typed, "note")) {
            Ok(note) => note,
            Err(p) => {
                let at = if p == Problem::BeforeReceipt { "answered_on" } else { "note" };
                let errors = vec![(at, problem_message(t, p))];
                return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
            }
        };
    let by = signed_in.actor.user_id;
    let done = store::subject_access::answer(
        &state.db,
        org,
        id,
        version(&typed),
        outcome,
        on,
        note.as_deref(),
        by,
        Ts::now(),
    )
    .await?;
    if !done {
        let errors = vec![("outcome", ctx.t.msg("subject-error-changed"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    }
    changed(&state, &meta, &signed_in, &r, outcome.code()).await?;
    Ok(Redirect::to(&format!("/privacy/requests/{id}?done=answered")).into_response())
}

/// Releases the export once the handler confirms they reviewed what may name third parties.
pub async fn release(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let r = request(&state, org, id).await?;
    if field(&typed, "reviewed") != "yes" {
        let errors = vec![("reviewed", ctx.t.msg("subject-error-reviewed"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    }
    let by = signed_in.actor.user_id;
    if !store::subject_access::release(&state.db, org, id, version(&typed), by, Ts::now()).await? {
        let errors = vec![("reviewed", ctx.t.msg("subject-error-changed"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    }
    changed(&state, &meta, &signed_in, &r, "released").await?;
    Ok(Redirect::to(&format!("/privacy/requests/{id}?done=released")).into_response())
}
