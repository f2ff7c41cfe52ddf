//! The rest of an aid request's way under `/api/v1` (ADR 0030): its moves (awaiting
//! documents, under review, before the commission…), its payment, and the commission's
//! sessions — list, create, read with the agenda, put requests on it, record its decisions in
//! one go (all checked first, nothing written unless all are right). The same rules as the
//! pages (`domain::aid`), the same access (`policy::aid_access` per case; sessions to
//! `AID_MANAGERS`). Amounts are integer cents.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::aid::{self as rules, DecisionInput, PaymentInput, Status};
use domain::audit::AuditAction;
use domain::lists::ListName;
use domain::money::{self, Style};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::aid::Session;
use store::audit::NewAuditEvent;
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_aid::{AidRequestOut, out, refused_fields};
use super::case_file::{Ctx, Failure, record_id, time_text};
use crate::AppState;
use crate::aid::readable;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::ApiProblem;

fn status_event(
    org: domain::OrganisationId,
    me: domain::UserId,
    id: Uuid,
    to: Status,
) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("aid_request", id)
        .detail("status", to.as_str())
        .detail("via", "api")
}

/// A move of a request.
#[derive(Deserialize, ToSchema)]
pub struct MoveIn {
    /// The version of the request read.
    pub version: i64,
    /// awaiting_documents, under_review, in_committee, adjourned, dismissed, closed_by_person…
    /// as the request's type and status allow (decisions and payment have their own calls).
    pub status: String,
}

/// Moves a request on its way (the moves the page offers).
#[utoipa::path(
    post,
    path = "/api/v1/aid-requests/{aid_id}/status",
    tag = "aid",
    params(("aid_id" = Uuid, Path, description = "The request's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = MoveIn,
    responses(
        (status = 200, body = AidRequestOut, description = "Moved: the request as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such request, or one the caller may not change"),
        (status = 409, body = ApiProblem, description = "`version_conflict`, or `not_allowed`: this move is not open from the request's status"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
    )
)]
pub async fn move_to(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (r, _, access) = readable(&state, &signed_in, record_id(&id)?).await?;
    if !access.write {
        return Err(WebError::NotFound.into());
    }
    let input: MoveIn = ctx.body(&headers, &body)?;
    let org = r.organisation_id;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    let Some(to) = Status::parse(input.status.trim())
        .filter(|to| rules::may_move(r.status(), *to, type_rules.decided_by))
    else {
        return Err(ctx.refuse(StatusCode::CONFLICT, "not_allowed", "aid-error-move"));
    };
    if input.version != r.version {
        return Err(ctx.version_conflict(input.version, r.version));
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::move_to(&mut tx, &r, input.version, to, me, Ts::now()).await? {
        return Err(ctx.version_conflict(input.version, r.version + 1));
    }
    audit_trail::record(&mut tx, &ctx.meta, status_event(org, me, r.id, to)).await?;
    tx.commit().await?;
    let saved = store::aid::find(&state.db, org, r.id)
        .await?
        .ok_or(WebError::Internal("an aid request just moved is not found"))?;
    Ok(Json(out(&saved)).into_response())
}

/// A payment of a granted request.
#[derive(Deserialize, ToSchema)]
pub struct PaymentIn {
    /// The version of the request read.
    pub version: i64,
    /// A code of the organisation's `payment_method` list.
    pub payment_method: String,
    /// person, landlord, energy_supplier, water_supplier, other_creditor.
    pub payee: String,
    /// The creditor paid, required unless the person is.
    pub payee_name: Option<String>,
    /// Not in the future.
    #[schema(format = Date)]
    pub paid_on: String,
}

/// Records the payment of a granted (or partly granted) request.
#[utoipa::path(
    post,
    path = "/api/v1/aid-requests/{aid_id}/payment",
    tag = "aid",
    params(("aid_id" = Uuid, Path, description = "The request's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = PaymentIn,
    responses(
        (status = 200, body = AidRequestOut, description = "Paid: the request as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such request, or one the caller may not change"),
        (status = 409, body = ApiProblem, description = "`version_conflict`, or `not_allowed`: the request is not granted"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why"),
    )
)]
pub async fn pay(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (r, _, access) = readable(&state, &signed_in, record_id(&id)?).await?;
    if !access.write {
        return Err(WebError::NotFound.into());
    }
    let input: PaymentIn = ctx.body(&headers, &body)?;
    if !rules::may_pay(r.status()) {
        return Err(ctx.refuse(StatusCode::CONFLICT, "not_allowed", "aid-error-move"));
    }
    let org = r.organisation_id;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let typed = PaymentInput {
        method: input.payment_method,
        payee: input.payee,
        payee_name: input.payee_name.unwrap_or_default(),
        paid_on: input.paid_on,
    };
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let known = |m: &str| lists.accepts(ListName::PaymentMethod, m, None);
    let payment = rules::parse_payment(&typed, known, today).map_err(|p| {
        let p = p
            .into_iter()
            .map(|(f, p)| match f {
                "method" => ("payment_method", p),
                other => (other, p),
            })
            .collect();
        refused_fields(&ctx, p)
    })?;
    if input.version != r.version {
        return Err(ctx.version_conflict(input.version, r.version));
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::pay(&mut tx, &r, input.version, &payment, me, Ts::now()).await? {
        return Err(ctx.version_conflict(input.version, r.version + 1));
    }
    audit_trail::record(&mut tx, &ctx.meta, status_event(org, me, r.id, Status::Paid)).await?;
    tx.commit().await?;
    let saved = store::aid::find(&state.db, org, r.id)
        .await?
        .ok_or(WebError::Internal("an aid request just paid is not found"))?;
    Ok(Json(out(&saved)).into_response())
}

/// A commission session.
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: Uuid,
    pub title: String,
    #[schema(format = Date)]
    pub held_on: String,
    /// Its agenda shows references, not names (the organisation's setting when it was made).
    pub pseudonymised: bool,
    /// Every request of the agenda decided: the session is closed.
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    /// How many requests its agenda holds.
    pub agenda_size: i64,
    /// Only in the answer for one session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<Vec<AgendaLineOut>>,
}

/// A request on a session's agenda: what the commission needs, nothing of the case's notes.
#[derive(Serialize, ToSchema)]
pub struct AgendaLineOut {
    pub aid_id: Uuid,
    pub reference: String,
    /// The person's name; absent on a pseudonymised agenda.
    pub person_name: Option<String>,
    pub aid_type: String,
    #[schema(format = Date)]
    pub requested_on: String,
    pub asked_cents: Option<i64>,
    pub presentation: String,
    pub status: String,
    pub granted_cents: Option<i64>,
    pub version: i64,
}

/// The organisation's sessions, the coming and latest first.
#[derive(Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionOut>,
}

fn session_out(s: &Session) -> SessionOut {
    SessionOut {
        id: s.id,
        title: s.title.clone(),
        held_on: domain::persons::iso_date(s.held_on),
        pseudonymised: s.pseudonymised,
        decided_at: s.decided_at.map(time_text),
        agenda_size: s.agenda,
        agenda: None,
    }
}

fn organisation(signed_in: &SignedIn) -> Result<domain::OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

async fn session_of(state: &AppState, signed_in: &SignedIn, raw: &str) -> Result<Session, Failure> {
    let id: Uuid = record_id(raw)?;
    Ok(crate::aid::session_of(state, signed_in, id).await?)
}

/// The commission's sessions.
#[utoipa::path(
    get,
    path = "/api/v1/aid/sessions",
    tag = "aid",
    security(("bearer" = ["aid:read"]), ("session" = [])),
    responses((status = 200, body = SessionList)),
)]
pub async fn sessions(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, Failure> {
    let org = organisation(&signed_in)?;
    let all = store::aid::sessions(&state.db, org).await?;
    Ok(Json(SessionList { sessions: all.iter().map(session_out).collect() }).into_response())
}

/// A new session.
#[derive(Deserialize, ToSchema)]
pub struct SessionIn {
    pub title: String,
    #[schema(format = Date, example = "2026-12-03")]
    pub held_on: String,
}

/// Creates a session (its agenda pseudonymised if the organisation says so now).
#[utoipa::path(
    post,
    path = "/api/v1/aid/sessions",
    tag = "aid",
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = SessionIn,
    responses(
        (status = 201, body = SessionOut),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: no title, a title too long, a day unreadable"),
    )
)]
pub async fn create_session(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let input: SessionIn = ctx.body(&headers, &body)?;
    let (title, held_on) =
        rules::parse_session(&input.title, &input.held_on).map_err(|p| refused_fields(&ctx, p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let id = store::aid::create_session(&mut tx, org, &title, held_on, me, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("aid_session", id)
        .detail("via", "api");
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::aid::find_session(&state.db, org, id)
        .await?
        .ok_or(WebError::Internal("a session just created is not found"))?;
    Ok((StatusCode::CREATED, Json(session_out(&saved))).into_response())
}

/// One session with its agenda. Where names are shown, each line is an audited reading of
/// that case's file, as on the page.
#[utoipa::path(
    get,
    path = "/api/v1/aid/sessions/{session_id}",
    tag = "aid",
    params(("session_id" = Uuid, Path, description = "The session's id")),
    security(("bearer" = ["aid:read"]), ("session" = [])),
    responses(
        (status = 200, body = SessionOut),
        (status = 404, body = ApiProblem, description = "No such session in the caller's organisation"),
    )
)]
pub async fn show_session(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let session = session_of(&state, &signed_in, &id).await?;
    Ok(Json(with_agenda(&state, &meta, &signed_in, &session).await?).into_response())
}

async fn with_agenda(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    session: &Session,
) -> Result<SessionOut, WebError> {
    let org = session.organisation_id;
    let agenda = store::aid::agenda(&state.db, org, session.id).await?;
    let mut lines = Vec::with_capacity(agenda.len());
    let mut tx = state.db.begin_write().await?;
    for r in &agenda {
        let person_name = if session.pseudonymised {
            None
        } else {
            let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
                .by(signed_in.actor.user_id)
                .on("case", r.case_id.as_uuid())
                .detail("aid", r.id.to_string())
                .detail("aid_session", session.id.to_string())
                .detail("via", "api");
            audit_trail::record(&mut tx, meta, event).await?;
            store::persons::find(&state.db, org, r.person_id)
                .await?
                .map(|p| p.record.display_name())
        };
        lines.push(AgendaLineOut {
            aid_id: r.id,
            reference: r.reference(),
            person_name,
            aid_type: r.aid_type.clone(),
            requested_on: domain::persons::iso_date(r.requested_on),
            asked_cents: r.asked_cents,
            presentation: r.presentation.clone(),
            status: r.status.clone(),
            granted_cents: r.granted_cents,
            version: r.version,
        });
    }
    tx.commit().await?;
    let mut body = session_out(session);
    body.agenda = Some(lines);
    Ok(body)
}

/// Requests to put on a session's agenda.
#[derive(Deserialize, ToSchema)]
pub struct AgendaIn {
    /// Requests before the commission (status `in_committee`) and on no agenda yet; others are
    /// left out, and the answer's agenda says what is on it.
    pub aid_ids: Vec<Uuid>,
}

/// Puts requests before the commission on the session's agenda.
#[utoipa::path(
    post,
    path = "/api/v1/aid/sessions/{session_id}/agenda",
    tag = "aid",
    params(("session_id" = Uuid, Path, description = "The session's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = AgendaIn,
    responses(
        (status = 200, body = SessionOut, description = "The session with its agenda as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such session in the caller's organisation"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
    )
)]
pub async fn add_to_agenda(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let session = session_of(&state, &signed_in, &id).await?;
    let input: AgendaIn = ctx.body(&headers, &body)?;
    let org = session.organisation_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    for request in input.aid_ids {
        if store::aid::put_on_agenda(&mut tx, org, session.id, request, now).await? {
            let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
                .by(signed_in.actor.user_id)
                .on("aid_request", request)
                .detail("aid_session", session.id.to_string())
                .detail("via", "api");
            audit_trail::record(&mut tx, &ctx.meta, event).await?;
        }
    }
    tx.commit().await?;
    let session = session_of(&state, &signed_in, &id).await?;
    Ok(Json(with_agenda(&state, &ctx.meta, &signed_in, &session).await?).into_response())
}

/// A decision on a line of the agenda. Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct LineDecisionIn {
    pub aid_id: Uuid,
    /// The version of the request read.
    pub version: i64,
    /// accepted, partly_accepted, refused or adjourned.
    pub outcome: String,
    pub granted_cents: Option<i64>,
    /// For a refusal: a code of the `aid_refusal_reason` list.
    pub refusal_reason: Option<String>,
    pub comment: Option<String>,
}

/// The decisions of a sitting.
#[derive(Deserialize, ToSchema)]
pub struct DecisionsIn {
    pub decisions: Vec<LineDecisionIn>,
}

/// Records decisions on the agenda's requests in one go: each is checked first (the type's
/// rules, the yearly maximum, the refusal reasons), and nothing is written unless all are
/// right. Once no request of the agenda is left before the commission, the session closes.
#[utoipa::path(
    post,
    path = "/api/v1/aid/sessions/{session_id}/decisions",
    tag = "aid",
    params(("session_id" = Uuid, Path, description = "The session's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = DecisionsIn,
    responses(
        (status = 200, body = SessionOut, description = "Decided: the session with its agenda as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such session in the caller's organisation"),
        (status = 409, body = ApiProblem, description = "`version_conflict` on one request (nothing written), or `not_allowed`: the session is closed, or a request named is not before the commission on this agenda"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: each refused field is named `decisions[i].field`"),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let session = session_of(&state, &signed_in, &id).await?;
    let input: DecisionsIn = ctx.body(&headers, &body)?;
    let org = session.organisation_id;
    let agenda = store::aid::agenda(&state.db, org, session.id).await?;
    if session.decided_at.is_some() {
        return Err(ctx.refuse(StatusCode::CONFLICT, "not_allowed", "aid-error-move"));
    }
    let mut decisions = Vec::new();
    let mut fields = Vec::new();
    for (i, line) in input.decisions.iter().enumerate() {
        let Some(r) =
            agenda.iter().find(|r| r.id == line.aid_id && r.status() == Status::InCommittee)
        else {
            return Err(ctx.refuse(StatusCode::CONFLICT, "not_allowed", "aid-error-move"));
        };
        let typed = DecisionInput {
            outcome: line.outcome.clone(),
            granted: line
                .granted_cents
                .map(|c| money::format_input(c, Style::English))
                .unwrap_or_default(),
            reason: line.refusal_reason.clone().unwrap_or_default(),
            comment: line.comment.clone().unwrap_or_default(),
        };
        match crate::aid::parse_decision(&state, &signed_in, r, &typed, true, Style::English)
            .await?
        {
            Ok(d) => decisions.push((r, line.version, d)),
            Err(problems) => {
                for (f, p) in problems {
                    let f = match f {
                        "granted" => "granted_cents",
                        "reason" => "refusal_reason",
                        other => other,
                    };
                    let message = crate::aid::problem(&ctx.t, p);
                    fields.push(ctx.field(&format!("decisions[{i}].{f}"), "invalid", message));
                }
            }
        }
    }
    if !fields.is_empty() {
        return Err(ctx.invalid(fields));
    }
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    for (r, version, d) in &decisions {
        if !store::aid::decide(&mut tx, r, *version, d, me, now).await? {
            // Someone changed a request meanwhile: nothing of this call is written.
            drop(tx);
            return Err(ctx.version_conflict(*version, r.version));
        }
        let event =
            status_event(org, me, r.id, d.outcome).detail("aid_session", session.id.to_string());
        audit_trail::record(&mut tx, &ctx.meta, event).await?;
    }
    let open = agenda.iter().filter(|r| r.status() == Status::InCommittee).count();
    if open == decisions.len() && !agenda.is_empty() {
        store::aid::close_session(&mut tx, org, session.id, now).await?;
    }
    tx.commit().await?;
    let session = session_of(&state, &signed_in, &id).await?;
    Ok(Json(with_agenda(&state, &ctx.meta, &signed_in, &session).await?).into_response())
}
