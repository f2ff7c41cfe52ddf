//! A person's domiciliation under `/api/v1` (ADR 0032): the elections of domicile and the mail
//! kept for them; start and end an election, register mail, record its collection. The same
//! rules as the page (`domain::domiciliation::parse_*`), the same access (reception included:
//! `DOMICILIATION_READERS` / `_WRITERS`), persons' scopes. Every read is an audited
//! `person_file_read`; every change an audit event naming the person.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use domain::domiciliation::{DEFAULT_MAIL_WAITING_DAYS, Problems, waits_too_long};
use domain::persons::iso_date;
use domain::{OrganisationId, PersonId};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::audit::NewAuditEvent;
use store::domiciliations::{Domiciliation, Mail};
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Ctx, Failure, record_id};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::ApiProblem;

/// An election of domicile.
#[derive(Serialize, ToSchema)]
pub struct ElectionOut {
    pub id: Uuid,
    #[schema(format = Date, example = "2026-11-26")]
    pub start_date: String,
    #[schema(format = Date, example = "2027-11-26")]
    pub renewal_due: String,
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// not_renewed, stable_address, no_contact, person_request, moved_away, other.
    pub end_reason: Option<String>,
    pub version: i64,
}

/// A piece of mail kept for the person.
#[derive(Serialize, ToSchema)]
pub struct MailOut {
    pub id: Uuid,
    #[schema(format = Date)]
    pub received_on: String,
    /// letter, registered, official, parcel, other.
    pub kind: String,
    pub sender: Option<String>,
    #[schema(format = Date)]
    pub collected_on: Option<String>,
    /// Not collected and waiting longer than the organisation's days.
    pub waiting_too_long: bool,
}

/// The person's domiciliation: every election (the running one has no end), newest first, and
/// the mail, newest first.
#[derive(Serialize, ToSchema)]
pub struct DomiciliationOut {
    pub person_id: Uuid,
    pub elections: Vec<ElectionOut>,
    pub mail: Vec<MailOut>,
    /// How many days mail may wait before a reminder (the organisation's setting).
    pub mail_waiting_days: i64,
}

fn election(d: &Domiciliation) -> ElectionOut {
    ElectionOut {
        id: d.id,
        start_date: iso_date(d.start_date),
        renewal_due: iso_date(d.renewal_due),
        end_date: d.end_date.map(iso_date),
        end_reason: d.end_reason.clone(),
        version: d.version,
    }
}

fn mail(m: &Mail, today: time::Date, days: i64) -> MailOut {
    MailOut {
        id: m.id,
        received_on: iso_date(m.received_on),
        kind: m.kind.clone(),
        sender: m.sender.clone(),
        collected_on: m.collected_on.map(iso_date),
        waiting_too_long: m.collected_on.is_none() && waits_too_long(m.received_on, today, days),
    }
}

/// The person, if they are of the caller's organisation.
async fn person(
    state: &AppState,
    signed_in: &SignedIn,
    raw: &str,
) -> Result<(OrganisationId, PersonId), WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let id: PersonId = record_id(raw)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    Ok((org, id))
}

async fn audit(state: &AppState, meta: &RequestMeta, event: NewAuditEvent) -> Result<(), WebError> {
    let mut tx = state.db.begin_write().await?;
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

fn refused(ctx: &Ctx, problems: Problems) -> Failure {
    let fields = problems
        .into_iter()
        .map(|(f, p)| ctx.field(f, "invalid", ctx.t.msg(p.message_id())))
        .collect();
    ctx.invalid(fields)
}

/// The person's domiciliation as it now is.
async fn current(
    state: &AppState,
    signed_in: &SignedIn,
    org: OrganisationId,
    id: PersonId,
) -> Result<DomiciliationOut, WebError> {
    let days = store::organisations::settings(&state.db, org)
        .await?
        .map_or(DEFAULT_MAIL_WAITING_DAYS, |s| s.reminder_mail_days);
    let today = crate::domiciliation::today(signed_in);
    let elections = store::domiciliations::of_person(&state.db, org, id).await?;
    let all_mail = store::domiciliations::mail_of_person(&state.db, org, id).await?;
    Ok(DomiciliationOut {
        person_id: id.as_uuid(),
        elections: elections.iter().map(election).collect(),
        mail: all_mail.iter().map(|m| mail(m, today, days)).collect(),
        mail_waiting_days: days,
    })
}

/// The person's elections of domicile and mail. An audited reading of the person's file.
#[utoipa::path(
    get,
    path = "/api/v1/persons/{person_id}/domiciliation",
    tag = "domiciliation",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:read"]), ("session" = [])),
    responses(
        (status = 200, body = DomiciliationOut),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let (org, id) = person(&state, &signed_in, &id).await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("view", "domiciliation")
        .detail("via", "api");
    audit(&state, &meta, event).await?;
    Ok(Json(current(&state, &signed_in, org, id).await?).into_response())
}

/// A new election of domicile.
#[derive(Deserialize, ToSchema)]
pub struct ElectionIn {
    #[schema(format = Date, example = "2026-11-26")]
    pub start_date: String,
    /// Left out: a year after the start.
    #[schema(format = Date)]
    pub renewal_due: Option<String>,
}

/// Starts an election of domicile for the person (none may be running).
#[utoipa::path(
    post,
    path = "/api/v1/persons/{person_id}/domiciliation",
    tag = "domiciliation",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = ElectionIn,
    responses(
        (status = 201, body = DomiciliationOut, description = "Started: the domiciliation as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: a date unreadable, a renewal not after the start, or an election already running"),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (org, id) = person(&state, &signed_in, &id).await?;
    let input: ElectionIn = ctx.body(&headers, &body)?;
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let running = running.iter().any(|d| d.end_date.is_none());
    let renewal = input.renewal_due.unwrap_or_default();
    let e = domain::domiciliation::parse_start(&input.start_date, &renewal, running)
        .map_err(|p| refused(&ctx, p))?;
    let by = Some(signed_in.actor.user_id);
    let d = store::domiciliations::start(&state.db, org, id, e.start, e.renewal_due, by, Ts::now())
        .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("domiciliation", d)
        .detail("person", id.to_string())
        .detail("via", "api");
    audit(&state, &ctx.meta, event).await?;
    let body = current(&state, &signed_in, org, id).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The end of the running election.
#[derive(Deserialize, ToSchema)]
pub struct EndIn {
    /// The version of the running election read.
    pub version: i64,
    #[schema(format = Date)]
    pub end_date: String,
    /// not_renewed, stable_address, no_contact, person_request, moved_away, other.
    pub end_reason: String,
}

/// Ends the person's running election with its reason.
#[utoipa::path(
    post,
    path = "/api/v1/persons/{person_id}/domiciliation/end",
    tag = "domiciliation",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = EndIn,
    responses(
        (status = 200, body = DomiciliationOut, description = "Ended: the domiciliation as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
        (status = 409, body = ApiProblem, description = "`version_conflict`: the election changed since it was read"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: no election running, a date unreadable or before the start, an unknown reason"),
    )
)]
pub async fn end(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (org, id) = person(&state, &signed_in, &id).await?;
    let input: EndIn = ctx.body(&headers, &body)?;
    let all = store::domiciliations::of_person(&state.db, org, id).await?;
    let running = all.iter().find(|d| d.end_date.is_none());
    let since = running.map(|c| c.start_date);
    let e = domain::domiciliation::parse_end(&input.end_date, &input.end_reason, since)
        .map_err(|p| refused(&ctx, p))?;
    let c = running.ok_or(WebError::Internal("an end parsed without a running election"))?;
    if input.version != c.version {
        return Err(ctx.version_conflict(input.version, c.version));
    }
    let now = Ts::now();
    if !store::domiciliations::end(&state.db, org, c.id, input.version, e.end, e.reason, now)
        .await?
    {
        return Err(ctx.version_conflict(input.version, c.version + 1));
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("domiciliation", c.id)
        .detail("person", id.to_string())
        .detail("via", "api");
    audit(&state, &ctx.meta, event).await?;
    Ok(Json(current(&state, &signed_in, org, id).await?).into_response())
}

/// Mail received for the person.
#[derive(Deserialize, ToSchema)]
pub struct MailIn {
    #[schema(format = Date)]
    pub received_on: String,
    /// letter, registered, official, parcel, other.
    pub kind: String,
    #[serde(default)]
    pub sender: Option<String>,
}

/// Registers mail received for the person's running election.
#[utoipa::path(
    post,
    path = "/api/v1/persons/{person_id}/domiciliation/mail",
    tag = "domiciliation",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = MailIn,
    responses(
        (status = 201, body = DomiciliationOut, description = "Registered: the domiciliation as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: no election running, a date unreadable, an unknown kind, a sender over 200 characters"),
    )
)]
pub async fn add_mail(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (org, id) = person(&state, &signed_in, &id).await?;
    let input: MailIn = ctx.body(&headers, &body)?;
    let all = store::domiciliations::of_person(&state.db, org, id).await?;
    let running = all.iter().find(|d| d.end_date.is_none());
    let sender = input.sender.unwrap_or_default();
    let m = domain::domiciliation::parse_mail(
        &input.received_on,
        &input.kind,
        &sender,
        running.is_some(),
    )
    .map_err(|p| refused(&ctx, p))?;
    let c = running.ok_or(WebError::Internal("mail parsed without a running election"))?;
    let by = Some(signed_in.actor.user_id);
    let new = store::domiciliations::add_mail(
        &state.db,
        org,
        c.id,
        m.received_on,
        m.kind,
        m.sender.as_deref(),
        by,
        Ts::now(),
    )
    .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("mail", new)
        .detail("person", id.to_string())
        .detail("via", "api");
    audit(&state, &ctx.meta, event).await?;
    let body = current(&state, &signed_in, org, id).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Records that the person collected a piece of mail today (in the organisation's time zone).
#[utoipa::path(
    post,
    path = "/api/v1/persons/{person_id}/domiciliation/mail/{mail_id}/collect",
    tag = "domiciliation",
    params(
        ("person_id" = Uuid, Path, description = "The person's id"),
        ("mail_id" = Uuid, Path, description = "The mail's id"),
    ),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    responses(
        (status = 200, body = DomiciliationOut, description = "Collected: the domiciliation as it now is"),
        (status = 404, body = ApiProblem, description = "No such person, or no such mail of theirs"),
        (status = 409, body = ApiProblem, description = "`already_collected`: the mail was handed over already"),
    )
)]
pub async fn collect(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, mail_id)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (org, id) = person(&state, &signed_in, &id).await?;
    let wanted: Uuid = record_id(&mail_id)?;
    let all_mail = store::domiciliations::mail_of_person(&state.db, org, id).await?;
    // Only this person's mail: any other id is unknown alike.
    let m = all_mail.iter().find(|m| m.id == wanted).ok_or(WebError::NotFound)?;
    if m.collected_on.is_some() {
        let code = "already_collected";
        return Err(ctx.refuse(StatusCode::CONFLICT, code, "domiciliation-error-collect"));
    }
    let today = crate::domiciliation::today(&signed_in);
    store::domiciliations::collect(&state.db, org, m.id, today, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("mail", m.id)
        .detail("person", id.to_string())
        .detail("via", "api");
    audit(&state, &ctx.meta, event).await?;
    Ok(Json(current(&state, &signed_in, org, id).await?).into_response())
}
