//! Deciding a request on its page (types a worker or a manager decides), the check shared with
//! the commission's form and the API (the type's rules, the yearly maximum), and the payment.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::aid::{self as rules, DecisionContext, DecisionInput, PaymentInput, Status};
use domain::lists::ListName;
use domain::policy;
use serde::Deserialize;
use store::Ts;
use store::aid::AidRequest;
use uuid::Uuid;

use super::pages::{Typed, audit_update, show_page};
use super::{organisation, problem, readable, style};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::i18n::Tr;

type Errors = Vec<(&'static str, String)>;

/// Checks a decision typed for `r` against its type's rules and what the person was granted
/// this year. Shared with the commission's form and the API.
pub(crate) async fn check_decision(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
    r: &AidRequest,
    input: &DecisionInput,
    commission: bool,
) -> Result<Result<rules::Decision, Errors>, WebError> {
    Ok(parse_decision(state, signed_in, r, input, commission, style(t))
        .await?
        .map_err(|ps| ps.into_iter().map(|(f, p)| (f, problem(t, p))).collect()))
}

/// Checks a decision on `r`: its type's rules, the yearly maximum with what the person was
/// granted this year, the organisation's refusal reasons.
pub(crate) async fn parse_decision(
    state: &AppState,
    signed_in: &SignedIn,
    r: &AidRequest,
    input: &DecisionInput,
    commission: bool,
    style: domain::money::Style,
) -> Result<Result<rules::Decision, Vec<(&'static str, rules::Problem)>>, WebError> {
    let org = r.organisation_id;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    // The year as the organisation counts it, in its time zone.
    let zone = signed_in.time_zone.as_deref();
    let year = store::ts::local_today(Ts::now(), zone).year();
    let granted =
        store::aid::granted_in_year(&state.db, org, r.person_id, &r.aid_type, year, zone, r.id)
            .await?;
    let ctx = DecisionContext {
        asked_cents: r.asked_cents,
        asks_amount: type_rules.asks_amount,
        max_cents_per_year: type_rules.max_cents_per_year,
        granted_this_year: granted,
        commission,
    };
    let known = |code: &str| lists.accepts(ListName::AidRefusalReason, code, None);
    Ok(rules::parse_decision(input, ctx, known, style))
}

#[derive(Deserialize, Default)]
pub struct DecideForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub granted: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<DecideForm>,
) -> Result<Response, WebError> {
    let (r, _, access) = readable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    let input = DecisionInput {
        outcome: form.outcome,
        granted: form.granted,
        reason: form.reason,
        comment: form.comment,
    };
    // Whoever reads the request and may not decide it now is told so, with the page.
    let checked = if policy::may_decide_aid(&access, type_rules.decided_by)
        && rules::may_decide(r.status(), type_rules.decided_by)
    {
        check_decision(&state, &signed_in, &ctx.t, &r, &input, false).await?
    } else {
        Err(vec![("outcome", ctx.t.msg("aid-error-move"))])
    };
    let decision = match checked {
        Ok(d) => d,
        Err(errors) => {
            let typed = Typed { decision: input, ..Default::default() };
            let page = show_page(&state, ctx, &signed_in, id, typed, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::decide(&mut tx, &r, form.version, &decision, me, Ts::now()).await? {
        return Ok(Redirect::to(&format!("/aid/{id}?done=stale")).into_response());
    }
    audit_trail::record(&mut tx, &meta, audit_update(org, me, id, decision.outcome)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/{id}?done=decided")).into_response())
}

#[derive(Deserialize, Default)]
pub struct PayForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub payee: String,
    #[serde(default)]
    pub payee_name: String,
    #[serde(default)]
    pub paid_on: String,
}

pub async fn pay(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<PayForm>,
) -> Result<Response, WebError> {
    let (r, _, access) = readable(&state, &signed_in, id).await?;
    if !access.write {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let input = PaymentInput {
        method: form.method,
        payee: form.payee,
        payee_name: form.payee_name,
        paid_on: form.paid_on,
    };
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let known = |m: &str| lists.accepts(ListName::PaymentMethod, m, None);
    let parsed = if rules::may_pay(r.status()) {
        rules::parse_payment(&input, known, today)
            .map_err(|ps| ps.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect())
    } else {
        Err(vec![("method", ctx.t.msg("aid-error-move"))])
    };
    let payment = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let typed = Typed { payment: input, ..Default::default() };
            let page = show_page(&state, ctx, &signed_in, id, typed, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::pay(&mut tx, &r, form.version, &payment, me, Ts::now()).await? {
        return Ok(Redirect::to(&format!("/aid/{id}?done=stale")).into_response());
    }
    audit_trail::record(&mut tx, &meta, audit_update(org, me, id, Status::Paid)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/{id}?done=paid")).into_response())
}
