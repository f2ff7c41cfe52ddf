//! A case's referrals under `/api/v1` (ADR 0026), read-only: the list of a case's referrals
//! and one referral with its consent, the items shared and its steps. The access is the
//! referral pages': readers of the case's content (`policy::referral_access`), 404 for anyone
//! else; every read is an audited `case_file_read`. Creating and moving referrals stays on the
//! pages for now.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::CaseId;
use domain::policy;
use serde::Serialize;
use store::referrals::Referral;
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Ctx, Failure, read_event, record_id, time_text};
use crate::AppState;
use crate::audit_trail::RequestMeta;
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The consent a referral rests on.
#[derive(Serialize, ToSchema)]
pub struct ConsentOut {
    pub id: Uuid,
    /// `person` or `representative`.
    pub given_by: String,
    pub given_by_name: Option<String>,
    /// `oral`, `written` or `signed_form`.
    pub method: String,
    #[schema(format = Date, example = "2026-11-20")]
    pub given_on: String,
    /// When the person withdrew it; the partner then sees nothing that was shared.
    #[schema(format = DateTime)]
    pub withdrawn_at: Option<String>,
}

/// One shared item: `identity` (name, birth_date, phone, email, address, languages),
/// `domain` (a life domain of the latest assessment) or `document` (its id). Never a note.
#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub kind: String,
    pub item: String,
}

/// One step of a referral.
#[derive(Serialize, ToSchema)]
pub struct StepOut {
    pub status: String,
    #[schema(format = DateTime)]
    pub at: String,
    pub by_name: Option<String>,
    /// `sender` or `partner`.
    pub side: String,
    /// The reason of a decline, the outcome of a completion.
    pub note: Option<String>,
}

/// A referral of a case to a service of the partner directory.
#[derive(Serialize, ToSchema)]
pub struct ReferralOut {
    pub id: Uuid,
    pub case_id: Uuid,
    pub service_id: Uuid,
    pub service_name: String,
    pub partner_name: String,
    /// The partner is an organisation of this instance and answers in Passerelle.
    pub hosted: bool,
    /// draft, sent, received, accepted, declined, completed, no_show, revoked.
    pub status: String,
    /// normal, soon, urgent.
    pub urgency: String,
    pub reason: String,
    pub request: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    /// The partner's first answer.
    #[schema(format = DateTime)]
    pub answered_at: Option<String>,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    pub version: i64,
    pub consent: ConsentOut,
    /// Only in the answer for one referral.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ItemOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepOut>>,
}

/// A case's referrals, newest first.
#[derive(Serialize, ToSchema)]
pub struct ReferralList {
    pub referrals: Vec<ReferralOut>,
}

fn out(r: &Referral) -> ReferralOut {
    ReferralOut {
        id: r.id,
        case_id: r.case_id.as_uuid(),
        service_id: r.service_id,
        service_name: r.service_name.clone(),
        partner_name: r.partner_name.clone(),
        hosted: r.hosted(),
        status: r.status.clone(),
        urgency: r.urgency.clone(),
        reason: r.reason.clone(),
        request: r.request.clone(),
        created_at: time_text(r.created_at),
        sent_at: r.sent_at.map(time_text),
        answered_at: r.answered_at.map(time_text),
        closed_at: r.closed_at.map(time_text),
        version: r.version,
        consent: ConsentOut {
            id: r.consent_id,
            given_by: r.given_by.clone(),
            given_by_name: r.given_by_name.clone(),
            method: r.method.clone(),
            given_on: r.given_on.to_string(),
            withdrawn_at: r.consent_withdrawn_at.map(time_text),
        },
        items: None,
        steps: None,
    }
}

/// A case whose referrals the caller reads: 404 otherwise.
async fn readable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, Failure> {
    let loaded = load(state, signed_in, id).await?;
    if !policy::referral_access(&loaded.access).read {
        return Err(WebError::NotFound.into());
    }
    Ok(loaded)
}

/// The case's referrals, newest first. An audited reading of the case's content.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/referrals",
    tag = "referrals",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["referrals:read"]), ("session" = [])),
    responses(
        (status = 200, body = ReferralList),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such case, or one whose content the caller may not read"),
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
    let loaded = readable(&state, &signed_in, record_id(&id)?).await?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("view", "referrals".to_owned()))).await?;
    let all =
        store::referrals::of_case(&state.db, loaded.case.organisation_id, loaded.case.id).await?;
    Ok(Json(ReferralList { referrals: all.iter().map(out).collect() }).into_response())
}

/// One referral, with the items it shares and its steps. An audited reading.
#[utoipa::path(
    get,
    path = "/api/v1/referrals/{referral_id}",
    tag = "referrals",
    params(("referral_id" = Uuid, Path, description = "The referral's id")),
    security(("bearer" = ["referrals:read"]), ("session" = [])),
    responses(
        (status = 200, body = ReferralOut),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such referral, or one of a case whose content the caller may not read"),
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
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let id: Uuid = record_id(&id)?;
    let r = store::referrals::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let loaded = readable(&state, &signed_in, r.case_id).await?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("referral", r.id.to_string()))).await?;
    let items = store::referrals::items(&state.db, r.id).await?;
    let steps = store::referrals::steps(&state.db, r.id).await?;
    let mut body = out(&r);
    body.items = Some(
        items
            .iter()
            .map(|i| {
                let (kind, item) = i.code();
                ItemOut { kind: kind.to_owned(), item }
            })
            .collect(),
    );
    body.steps = Some(
        steps
            .into_iter()
            .map(|s| StepOut {
                status: s.status,
                at: time_text(s.at),
                by_name: s.by_name,
                side: s.side,
                note: s.note,
            })
            .collect(),
    );
    Ok(Json(body).into_response())
}
