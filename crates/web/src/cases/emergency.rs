//! Break the glass: a worker or supervisor who may not open a case reads it for a day after
//! giving a reason. The grant, its audit event (with the reason) and the notification of the
//! case's referent and co-referents are written in one transaction; who may, and what the
//! grant gives, is `domain::policy`'s to say ([`policy::may_break_the_glass`],
//! [`policy::case_access_with_grant`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::cases::{EmergencyReasonProblem, parse_emergency_reason};
use domain::policy;
use store::Ts;
use store::audit::NewAuditEvent;
use store::case_emergency::NewGrant;
use store::cases::Case;
use store::notifications::{NewNotification, NotificationKind};

use super::pages::organisation;
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

#[derive(Template, WebTemplate)]
#[template(path = "cases/emergency.html")]
pub struct EmergencyPage {
    chrome: Chrome,
    case_id: CaseId,
    person_id: domain::PersonId,
    person_name: String,
    followed: String,
    reason: String,
    error: Option<String>,
}

/// A case of the organisation on which the user may break the glass; anything else (unknown,
/// another organisation's, one they may already read, a role that may not) is "not found".
async fn breakable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Case, WebError> {
    let org = organisation(signed_in)?;
    let case = store::cases::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let co = case.co_referent_ids();
    if !case.status().active() || !policy::may_break_the_glass(&signed_in.actor, &case.facts(&co)) {
        return Err(WebError::NotFound);
    }
    Ok(case)
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    case: &Case,
    reason: String,
    error: Option<String>,
) -> Result<EmergencyPage, WebError> {
    let org = organisation(signed_in)?;
    let person =
        store::persons::find(&state.db, org, case.person_id).await?.ok_or(WebError::NotFound)?;
    let t = &ctx.t;
    let referent = case.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent"));
    let opened = crate::dates::for_user(case.opened_at, signed_in);
    let followed = t.msg_args(
        "case-followed-by",
        &[
            ("referent", &referent),
            ("team", &case.team_name),
            ("date", opened.split(' ').next().unwrap_or_default()),
        ],
    );
    Ok(EmergencyPage {
        case_id: case.id,
        person_id: case.person_id,
        person_name: person.record.display_name(),
        followed,
        reason,
        error,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// The form; someone whose grant still runs goes straight to the case.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<Response, WebError> {
    let case = breakable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    if store::case_emergency::active(&state.db, org, id, me, Ts::now()).await?.is_some() {
        return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
    }
    Ok(page(&state, ctx, &signed_in, &case, String::new(), None).await?.into_response())
}

fn problem(t: &Tr, p: EmergencyReasonProblem) -> String {
    match p {
        EmergencyReasonProblem::Required => t.msg("case-emergency-error-required"),
        EmergencyReasonProblem::TooShort { min } => {
            t.msg_args("case-emergency-error-short", &[("min", &min.to_string())])
        }
        EmergencyReasonProblem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        EmergencyReasonProblem::ControlCharacters => t.msg("person-error-control"),
    }
}

/// Records the grant with its audit event and the notifications, then shows the case.
pub async fn grant(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let case = breakable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let typed = value_of(&pairs, "reason").unwrap_or("").to_owned();
    let reason = match parse_emergency_reason(&typed) {
        Ok(reason) => reason,
        Err(p) => {
            let error = Some(problem(&ctx.t, p));
            let page = page(&state, ctx, &signed_in, &case, typed, error).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let new = NewGrant { organisation_id: org, case_id: id, user_id: me, reason: &reason };
    let grant = store::case_emergency::grant(&mut tx, &new, now).await?;
    let event = NewAuditEvent::new(AuditAction::BreakTheGlass, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .because(reason.clone())
        .detail("grant", grant.id.to_string())
        .detail("expires_at", grant.expires_at.canonical());
    audit_trail::record(&mut tx, &meta, event).await?;
    let mut told = Vec::new();
    for user in case.referent().into_iter().chain(case.co_referent_ids()) {
        if user == me || told.contains(&user) {
            continue;
        }
        told.push(user);
        let n = NewNotification {
            user_id: user,
            organisation_id: Some(org),
            kind: NotificationKind::CaseEmergencyAccess,
            actor_user_id: Some(me),
            details: Some(id.to_string()),
        };
        store::notifications::insert(&mut tx, &n, now).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}
