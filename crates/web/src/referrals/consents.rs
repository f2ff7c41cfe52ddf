//! The consent register of a person: every consent given, for which purpose and partner, what
//! it covers, how and by whom it was given; and its withdrawal, which takes effect at once on
//! every share resting on it (the partner's pages read the consent on every request).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::PersonId;
use domain::audit::AuditAction;
use domain::policy;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::{notice, organisation, shared};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// One consent as the register shows it.
pub struct ConsentView {
    pub id: Uuid,
    pub purpose: String,
    pub recipient: String,
    pub items: Vec<String>,
    pub given: String,
    pub withdrawn: Option<String>,
    pub referral: Option<String>,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/consents.html")]
pub struct RegisterPage {
    chrome: Chrome,
    person_id: PersonId,
    person_name: String,
    consents: Vec<ConsentView>,
    can_withdraw: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    done: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(person_id): Path<PersonId>,
    Query(q): Query<RegisterQuery>,
) -> Result<RegisterPage, WebError> {
    let access = policy::consent_access(&signed_in.actor);
    if !access.read {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", person_id.as_uuid())
        .detail("consents", true);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let list = store::referrals::consents_of(&state.db, org, person_id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let docs: Vec<(Uuid, String)> = store::documents::of_person(&state.db, org, person_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d.file_name))
        .collect();
    let t = &ctx.t;
    let consents = list
        .iter()
        .map(|c| {
            let by = match (c.given_by.as_str(), c.given_by_name.as_deref()) {
                ("representative", Some(name)) => {
                    t.msg_args("referral-consent-by-representative", &[("name", name)])
                }
                _ => t.msg("referral-consent-by-person"),
            };
            ConsentView {
                id: c.id,
                purpose: t.msg(&format!("consent-purpose-{}", c.purpose)),
                recipient: c.recipient.clone(),
                items: c.items().iter().map(|i| shared::item_label(t, &lists, i, &docs)).collect(),
                given: t.msg_args(
                    "consent-given",
                    &[
                        ("by", &by),
                        ("method", &t.msg(&format!("referral-method-{}", c.method))),
                        ("date", &domain::persons::french_date(c.given_on)),
                        ("recorder", c.recorded_by_name.as_deref().unwrap_or("—")),
                    ],
                ),
                withdrawn: c.withdrawn_at.map(|at| {
                    t.msg_args(
                        "consent-withdrawn-by",
                        &[
                            ("date", &crate::dates::for_user(at, &signed_in)),
                            ("name", c.withdrawn_by_name.as_deref().unwrap_or("—")),
                        ],
                    )
                }),
                referral: c.referral_id.map(|r| format!("/referrals/{r}")),
                version: c.version,
            }
        })
        .collect();
    Ok(RegisterPage {
        person_id,
        person_name: person.record.display_name(),
        consents,
        can_withdraw: access.withdraw,
        notice: notice(t, q.done.as_deref()),
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

#[derive(Deserialize, Default)]
pub struct WithdrawForm {
    #[serde(default)]
    version: i64,
}

pub async fn withdraw(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((person_id, consent_id)): Path<(PersonId, Uuid)>,
    axum::Form(form): axum::Form<WithdrawForm>,
) -> Result<Response, WebError> {
    if !policy::consent_access(&signed_in.actor).withdraw {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let known = store::referrals::consents_of(&state.db, org, person_id).await?;
    let Some(consent) = known.iter().find(|c| c.id == consent_id) else {
        return Err(WebError::NotFound);
    };
    let to = format!("/persons/{person_id}/consents");
    if consent.withdrawn_at.is_some() {
        return Ok(Redirect::to(&format!("{to}?done=withdrawn")).into_response());
    }
    let me = signed_in.actor.user_id;
    // The referrals sent to peer instances on this consent: each peer erases its copy.
    let mut routes = Vec::new();
    if let Some(referral) = consent.referral_id
        && let Some(route) = crate::federation::outbox::route_of_referral(&state, referral).await?
    {
        routes.push((referral, route));
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let done =
        store::referrals::withdraw(&mut tx, org, person_id, consent_id, form.version, me, now)
            .await?;
    if !done {
        return Ok(Redirect::to(&format!("{to}?done=stale")).into_response());
    }
    for (referral, route) in &routes {
        crate::federation::outbox::send_withdrawal(&mut tx, route, *referral, now).await?;
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("consent", consent_id)
        .detail("person", person_id.to_string())
        .detail("withdrawn", true);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{to}?done=withdrawn")).into_response())
}
