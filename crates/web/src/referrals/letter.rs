//! The referral letter (PDF) for a partner outside Passerelle: the organisation's letterhead,
//! the service, the reason and the request, the consent, and the shared items only — never
//! anything else of the case. Made in the user's language; an audit event records it.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use domain::referrals::Status;
use serde_json::json;
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::{organisation, readable};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;

pub async fn pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (r, _, write) = readable(&state, &signed_in, id).await?;
    // For partners outside Passerelle, while the consent runs and the referral lives.
    if !write
        || r.hosted()
        || r.consent_withdrawn_at.is_some()
        || matches!(r.status(), Status::Declined | Status::Revoked)
    {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let shared = super::pages::shared_for_letter(&state, t, &r).await?;
    let settings = store::organisations::settings(&state.db, org).await?;
    let me = store::accounts::find_user(&state.db, signed_in.actor.user_id)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let organisation_name =
        settings.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| t.msg("app-name"));
    let contact = [
        Some(t.msg_args(
            "referral-letter-contact",
            &[("name", &me), ("organisation", &organisation_name)],
        )),
        settings.as_ref().and_then(|s| s.letterhead_address.clone()),
        settings.as_ref().and_then(|s| s.letterhead_signatory.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n\n");
    let data = json!({
        "lang": t.lang(),
        "organisation": organisation_name,
        "footer": settings.as_ref().and_then(|s| s.letterhead_footer.clone()).unwrap_or_default(),
        "title": t.msg("referral-letter-title"),
        "subtitle": r.recipient(),
        "generated": t.msg_args("referral-letter-generated", &[("date", &domain::persons::french_date(today))]),
        "page_format": t.msg("referral-letter-page"),
        "to_title": t.msg("referral-letter-to"),
        "to": [
            [t.msg("referral-service"), r.recipient()],
            [t.msg("referral-urgency"), t.msg(&format!("referral-urgency-{}", r.urgency))],
        ],
        "request_title": t.msg("referral-letter-request"),
        "request": [
            [t.msg("referral-reason"), r.reason.clone()],
            [t.msg("referral-request"), r.request.clone()],
        ],
        "consent_title": t.msg("referral-consent-heading"),
        "consent": super::pages::consent_text(t, &r),
        "shared_title": t.msg("referral-shared-heading"),
        "identity": shared.identity.iter().map(|(l, v)| [l.clone(), v.clone()]).collect::<Vec<_>>(),
        "domains_header": [
            t.msg("referral-domain"),
            t.msg("referral-need"),
            t.msg("referral-person-level"),
            t.msg("referral-person-words"),
        ],
        "domains": shared
            .domains
            .iter()
            .map(|d| [d.label.clone(), d.need.clone(), d.person.clone(), d.words.clone()])
            .collect::<Vec<_>>(),
        "documents": shared.documents.iter().map(|d| t.msg_args("referral-letter-document", &[("name", &d.label)])).collect::<Vec<_>>(),
        "nothing": shared.is_empty().then(|| t.msg("referral-shared-none")),
        "contact_title": t.msg("referral-letter-contact-heading"),
        "contact": contact,
    });
    let pdf = tokio::task::spawn_blocking(move || {
        documents::render(documents::Template::Referral, &data)
    })
    .await
    .map_err(|_| WebError::Internal("the referral letter's rendering task failed"))?
    .map_err(|e| {
        tracing::error!(error = %e, "referral letter PDF");
        WebError::Internal("the referral letter could not be made")
    })?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", r.case_id.as_uuid())
        .detail("document", "referral_letter")
        .detail("referral", r.id.to_string())
        .detail("items", shared.len() as u64)
        .detail("bytes", pdf.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let file =
        format!("attachment; filename=\"{}-{}.pdf\"", t.msg("referral-letter-file-name"), today);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}
