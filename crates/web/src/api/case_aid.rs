//! Aid requests under `/api/v1` (ADR 0030): a case's requests (list, prepare one), one request
//! with its steps, its correction before the commission (PATCH), its decision (types decided by a worker or a manager; a commission's go
//! through its session's page), and the organisation's statistics inputs. Amounts are integer
//! cents. The access is the pages' (`policy::aid_access`): 404 for anyone else; every read is
//! an audited `case_file_read`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::aid::{self as rules, DecisionInput, RequestInput};
use domain::audit::AuditAction;
use domain::money::{self, Style};
use domain::{CaseId, policy};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::aid::AidRequest;
use store::audit::NewAuditEvent;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::case_file::{Ctx, Failure, read_event, record_id, time_text};
use crate::AppState;
use crate::aid::{case_of, check_request, readable};
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::ApiProblem;

/// One step of a request.
#[derive(Serialize, ToSchema)]
pub struct AidStepOut {
    pub status: String,
    #[schema(format = DateTime)]
    pub at: String,
    pub by_name: Option<String>,
    /// A decision's comment.
    pub note: Option<String>,
}

/// An aid request. Amounts in cents.
#[derive(Serialize, ToSchema)]
pub struct AidRequestOut {
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    /// What a pseudonymised agenda shows instead of the name.
    pub reference: String,
    /// A code of the organisation's `aid_type` list.
    pub aid_type: String,
    /// `legal` or `optional`.
    pub kind: String,
    #[schema(format = Date, example = "2026-11-20")]
    pub requested_on: String,
    pub asked_cents: Option<i64>,
    pub presentation: String,
    /// draft, awaiting_documents, under_review, in_committee, accepted, partly_accepted,
    /// refused, adjourned, paid, dismissed, closed_by_person.
    pub status: String,
    pub session_id: Option<Uuid>,
    pub granted_cents: Option<i64>,
    /// A code of the `aid_refusal_reason` list.
    pub refusal_reason: Option<String>,
    pub decision_comment: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    /// A code of the `payment_method` list.
    pub payment_method: Option<String>,
    /// person, landlord, energy_supplier, water_supplier, other_creditor.
    pub payee: Option<String>,
    pub payee_name: Option<String>,
    #[schema(format = Date)]
    pub paid_on: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub version: i64,
    /// Only in the answer for one request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<AidStepOut>>,
}

/// A case's aid requests, newest first.
#[derive(Serialize, ToSchema)]
pub struct AidRequestList {
    pub requests: Vec<AidRequestOut>,
}

pub(super) fn out(r: &AidRequest) -> AidRequestOut {
    AidRequestOut {
        id: r.id,
        case_id: r.case_id.as_uuid(),
        person_id: r.person_id.as_uuid(),
        reference: r.reference(),
        aid_type: r.aid_type.clone(),
        kind: rules::kind(&r.aid_type).as_str().to_owned(),
        requested_on: domain::persons::iso_date(r.requested_on),
        asked_cents: r.asked_cents,
        presentation: r.presentation.clone(),
        status: r.status.clone(),
        session_id: r.session_id,
        granted_cents: r.granted_cents,
        refusal_reason: r.refusal_reason.clone(),
        decision_comment: r.decision_comment.clone(),
        decided_at: r.decided_at.map(time_text),
        payment_method: r.payment_method.clone(),
        payee: r.payee.clone(),
        payee_name: r.payee_name.clone(),
        paid_on: r.paid_on.map(domain::persons::iso_date),
        created_at: time_text(r.created_at),
        version: r.version,
        steps: None,
    }
}

/// The case's aid requests, newest first. An audited reading of the case's file.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/aid-requests",
    tag = "aid",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["aid:read"]), ("session" = [])),
    responses(
        (status = 200, body = AidRequestList),
        (status = 404, body = ApiProblem, description = "No such case, or one whose aid requests the caller may not read"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (loaded, _) = case_of(&state, &signed_in, record_id(&id)?).await?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("view", "aid_requests".to_owned())))
        .await?;
    let all = store::aid::of_case(&state.db, loaded.case.organisation_id, loaded.case.id).await?;
    Ok(Json(AidRequestList { requests: all.iter().map(out).collect() }).into_response())
}

/// A request to prepare. Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct AidRequestIn {
    /// A code of the organisation's `aid_type` list.
    pub aid_type: String,
    #[schema(format = Date, example = "2026-11-20")]
    pub requested_on: String,
    /// Required when the type asks an amount.
    pub asked_cents: Option<i64>,
    #[serde(default)]
    pub presentation: String,
}

fn cents_text(cents: Option<i64>) -> String {
    cents.map(|c| money::format_input(c, Style::English)).unwrap_or_default()
}

pub(super) fn refused_fields(ctx: &Ctx, problems: Vec<(&'static str, rules::Problem)>) -> Failure {
    let fields = problems
        .into_iter()
        .map(|(f, p)| {
            let field = match f {
                "asked" => "asked_cents",
                "granted" => "granted_cents",
                other => other,
            };
            ctx.field(field, "invalid", crate::aid::problem(&ctx.t, p))
        })
        .collect();
    ctx.invalid(fields)
}

/// Prepares an aid request (a draft) for the case's person.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/aid-requests",
    tag = "aid",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = AidRequestIn,
    responses(
        (status = 201, body = AidRequestOut, description = "Recorded as a draft"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not prepare aid in"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why, in the caller's language"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let case_id: CaseId = record_id(&id)?;
    let (loaded, access) = case_of(&state, &signed_in, case_id).await?;
    if !access.write {
        return Err(WebError::NotFound.into());
    }
    let input: AidRequestIn = ctx.body(&headers, &body)?;
    let org = loaded.case.organisation_id;
    let typed = RequestInput {
        aid_type: input.aid_type,
        requested_on: input.requested_on,
        asked: cents_text(input.asked_cents),
        presentation: input.presentation,
    };
    let fields = check_request(&state, &signed_in, org, &typed, Style::English)
        .await?
        .map_err(|p| refused_fields(&ctx, p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let new = store::aid::NewRequest {
        organisation_id: org,
        case_id,
        person_id: loaded.case.person_id,
        fields: &fields,
        by: me,
    };
    let rid = store::aid::create(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("aid_request", rid)
        .detail("case", case_id.to_string())
        .detail("aid_type", fields.aid_type.clone())
        .detail("via", "api");
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::aid::find(&state.db, org, rid)
        .await?
        .ok_or(WebError::Internal("an aid request just recorded is not found"))?;
    Ok((StatusCode::CREATED, Json(out(&saved))).into_response())
}

/// One aid request, with its steps. An audited reading.
#[utoipa::path(
    get,
    path = "/api/v1/aid-requests/{aid_id}",
    tag = "aid",
    params(("aid_id" = Uuid, Path, description = "The request's id")),
    security(("bearer" = ["aid:read"]), ("session" = [])),
    responses(
        (status = 200, body = AidRequestOut),
        (status = 404, body = ApiProblem, description = "No such request, or one the caller may not read"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let (r, loaded, _) = readable(&state, &signed_in, record_id(&id)?).await?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("aid", r.id.to_string()))).await?;
    let steps = store::aid::steps(&state.db, r.id).await?;
    let mut body = out(&r);
    body.steps = Some(
        steps
            .into_iter()
            .map(|s| AidStepOut {
                status: s.status,
                at: time_text(s.at),
                by_name: s.by_name,
                note: s.note,
            })
            .collect(),
    );
    Ok(Json(body).into_response())
}

/// Corrections of a request before its decision. What is left out (or null) stays as stored.
/// Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct AidRequestPatch {
    /// The version of the request read.
    pub version: i64,
    /// A code of the organisation's `aid_type` list.
    pub aid_type: Option<String>,
    #[schema(format = Date, example = "2026-11-20")]
    pub requested_on: Option<String>,
    pub asked_cents: Option<i64>,
    pub presentation: Option<String>,
}

/// Corrects a request while it is prepared, waits for documents or is under review (ADR 0030,
/// 2026-11-27), checked as its preparation is. Each correction is on the case's timeline.
#[utoipa::path(
    patch,
    path = "/api/v1/aid-requests/{aid_id}",
    tag = "aid",
    params(("aid_id" = Uuid, Path, description = "The request's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = AidRequestPatch,
    responses(
        (status = 200, body = AidRequestOut, description = "Corrected (or unchanged): the request as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such request, or one the caller may not prepare aid in"),
        (status = 409, body = ApiProblem, description = "`version_conflict` (the version sent and the current one), or `not_editable`: the request is before the commission, decided or closed"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why, in the caller's language"),
    )
)]
pub async fn edit(
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
    let input: AidRequestPatch = ctx.body(&headers, &body)?;
    if !rules::may_edit(r.status()) {
        return Err(ctx.refuse(StatusCode::CONFLICT, "not_editable", "aid-error-not-editable"));
    }
    if input.version != r.version {
        return Err(ctx.version_conflict(input.version, r.version));
    }
    let org = r.organisation_id;
    let typed = RequestInput {
        aid_type: input.aid_type.unwrap_or_else(|| r.aid_type.clone()),
        requested_on: input
            .requested_on
            .unwrap_or_else(|| domain::persons::iso_date(r.requested_on)),
        asked: cents_text(input.asked_cents.or(r.asked_cents)),
        presentation: input.presentation.unwrap_or_else(|| r.presentation.clone()),
    };
    let fields = check_request(&state, &signed_in, org, &typed, Style::English)
        .await?
        .map_err(|p| refused_fields(&ctx, p))?;
    let changed = store::aid::changed(&r, &fields);
    if !changed.is_empty() {
        let me = signed_in.actor.user_id;
        let mut tx = state.db.begin_write().await?;
        if !store::aid::update(&mut tx, &r, input.version, &fields, me, Ts::now()).await? {
            return Err(ctx.version_conflict(input.version, r.version + 1));
        }
        let event = crate::aid::audit_edit(org, me, &r, &changed).detail("via", "api");
        audit_trail::record(&mut tx, &ctx.meta, event).await?;
        tx.commit().await?;
    }
    let saved = store::aid::find(&state.db, org, r.id)
        .await?
        .ok_or(WebError::Internal("an aid request just corrected is not found"))?;
    Ok(Json(out(&saved)).into_response())
}

/// A decision. Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    /// The version of the request read.
    pub version: i64,
    /// accepted, partly_accepted or refused.
    pub outcome: String,
    /// For a partial grant; a full grant without it grants what was asked.
    pub granted_cents: Option<i64>,
    /// For a refusal: a code of the `aid_refusal_reason` list.
    pub refusal_reason: Option<String>,
    pub comment: Option<String>,
}

/// Decides a request under review whose type a worker or a manager decides (a commission's
/// types are decided in their session). The yearly maximum of the type is never passed.
#[utoipa::path(
    post,
    path = "/api/v1/aid-requests/{aid_id}/decision",
    tag = "aid",
    params(("aid_id" = Uuid, Path, description = "The request's id")),
    security(("bearer" = ["aid:write"]), ("session" = [])),
    request_body = DecisionIn,
    responses(
        (status = 200, body = AidRequestOut, description = "Decided: the request as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such request, or one the caller may not read"),
        (status = 409, body = ApiProblem, description = "`version_conflict`, or `not_decidable`: the request is not waiting for a decision, or not for one of the caller's (a commission's type, a manager's type for a worker)"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why"),
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
    let (r, _, access) = readable(&state, &signed_in, record_id(&id)?).await?;
    let org = r.organisation_id;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    let input: DecisionIn = ctx.body(&headers, &body)?;
    if !policy::may_decide_aid(&access, type_rules.decided_by)
        || !rules::may_decide(r.status(), type_rules.decided_by)
    {
        return Err(ctx.refuse(StatusCode::CONFLICT, "not_decidable", "aid-error-move"));
    }
    if input.version != r.version {
        return Err(ctx.version_conflict(input.version, r.version));
    }
    let typed = DecisionInput {
        outcome: input.outcome,
        granted: cents_text(input.granted_cents),
        reason: input.refusal_reason.unwrap_or_default(),
        comment: input.comment.unwrap_or_default(),
    };
    let decision =
        crate::aid::parse_decision(&state, &signed_in, &r, &typed, false, Style::English)
            .await?
            .map_err(|p| refused_fields(&ctx, p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::decide(&mut tx, &r, input.version, &decision, me, Ts::now()).await? {
        return Err(ctx.version_conflict(input.version, r.version + 1));
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("aid_request", r.id)
        .detail("status", decision.outcome.as_str())
        .detail("via", "api");
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::aid::find(&state.db, org, r.id)
        .await?
        .ok_or(WebError::Internal("an aid request just decided is not found"))?;
    Ok(Json(out(&saved)).into_response())
}

/// The period of the statistics: `from` included, `to` excluded.
#[derive(Deserialize, IntoParams)]
pub struct Period {
    /// yyyy-mm-dd
    pub from: String,
    /// yyyy-mm-dd
    pub to: String,
}

/// The requests of one type made in the period, and what became of them. Amounts in cents.
#[derive(Serialize, ToSchema)]
pub struct AidTypeStatsOut {
    pub aid_type: String,
    pub requested: i64,
    pub asked_cents: i64,
    pub decided: i64,
    pub granted: i64,
    pub partly_granted: i64,
    pub refused: i64,
    pub granted_cents: i64,
    pub paid: i64,
    pub paid_cents: i64,
    pub open: i64,
    pub closed: i64,
    pub mean_days_to_decision: Option<i64>,
    /// Refusals by reason code.
    pub refusal_reasons: Vec<(String, i64)>,
}

#[derive(Serialize, ToSchema)]
pub struct AidStatistics {
    pub types: Vec<AidTypeStatsOut>,
}

/// The statistics inputs of the organisation's aid requests made in a period, by type: counts,
/// amounts asked, granted and paid, mean time to decision, refusal reasons. No person's data.
#[utoipa::path(
    get,
    path = "/api/v1/aid/statistics",
    tag = "aid",
    params(Period),
    security(("bearer" = ["reports:read"]), ("session" = [])),
    responses(
        (status = 200, body = AidStatistics),
        (status = 422, body = ApiProblem, description = "`validation_failed`: a date is not yyyy-mm-dd"),
    )
)]
pub async fn statistics(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Query(period): Query<Period>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let from = domain::persons::parse_date(&period.from).ok().flatten();
    let to = domain::persons::parse_date(&period.to).ok().flatten();
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ctx.invalid(vec![ctx.field_msg("aid-error-date", "from", "invalid")]));
    };
    let stats = store::aid::statistics(&state.db, org, from, to).await?;
    let types = stats
        .into_iter()
        .map(|s| AidTypeStatsOut {
            aid_type: s.aid_type,
            requested: s.requested,
            asked_cents: s.asked_cents,
            decided: s.decided,
            granted: s.granted,
            partly_granted: s.partly,
            refused: s.refused,
            granted_cents: s.granted_cents,
            paid: s.paid,
            paid_cents: s.paid_cents,
            open: s.open,
            closed: s.closed,
            mean_days_to_decision: s.mean_days_to_decision,
            refusal_reasons: s.refusal_reasons,
        })
        .collect();
    Ok(Json(AidStatistics { types }).into_response())
}
