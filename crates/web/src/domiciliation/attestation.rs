//! The attestation of an election of domicile (PDF) the desk prints for the person: the
//! organisation's name and address, the person's identity, the start and the renewal date.
//! Made in the user's language; an audit event records it.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::PersonId;
use domain::audit::AuditAction;
use domain::persons::french_date;
use serde_json::json;
use store::Ts;
use store::audit::NewAuditEvent;

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
    Path(id): Path<PersonId>,
) -> Result<Response, WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let person = store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let elections = store::domiciliations::of_person(&state.db, org, id).await?;
    // Only a running election is attested: without one, back to the page that says so.
    let Some(d) = elections.iter().find(|d| d.end_date.is_none()) else {
        return Ok(Redirect::to(&format!("/persons/{id}/domiciliation")).into_response());
    };
    let t = &ctx.t;
    let settings = store::organisations::settings(&state.db, org).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let organisation_name =
        settings.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| t.msg("app-name"));
    let address = settings
        .as_ref()
        .and_then(|s| s.letterhead_address.clone())
        .unwrap_or_else(|| t.msg("domiciliation-attestation-no-address"));
    let name = person.record.display_name();
    let birth = person.record.birth_date.map(french_date).unwrap_or_default();
    let signatory = settings.as_ref().and_then(|s| s.letterhead_signatory.clone());
    let signature = [
        Some(t.msg_args("domiciliation-attestation-done-on", &[("date", &french_date(today))])),
        signatory,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let data = json!({
        "lang": t.lang(),
        "organisation": organisation_name,
        "footer": settings.as_ref().and_then(|s| s.letterhead_footer.clone()).unwrap_or_default(),
        "title": t.msg("domiciliation-attestation-title"),
        "generated": t.msg_args("domiciliation-attestation-generated", &[("date", &french_date(today))]),
        "page_format": t.msg("domiciliation-attestation-page"),
        "person_title": t.msg("domiciliation-attestation-person"),
        "person": [
            [t.msg("domiciliation-attestation-name"), name.clone()],
            [t.msg("domiciliation-attestation-birth"), birth],
        ],
        "address_title": t.msg("domiciliation-attestation-address"),
        "address": format!("{name}\n{}\n{address}", t.msg_args("domiciliation-attestation-care-of", &[("organisation", &organisation_name)])),
        "election_title": t.msg("domiciliation-election"),
        "election": [
            [t.msg("domiciliation-start"), french_date(d.start_date)],
            [t.msg("domiciliation-attestation-valid-until"), french_date(d.renewal_due)],
        ],
        "statement": t.msg_args("domiciliation-attestation-statement", &[("organisation", &organisation_name), ("name", &name)]),
        "signature": signature,
    });
    let pdf = tokio::task::spawn_blocking(move || {
        documents::render(documents::Template::Domiciliation, &data)
    })
    .await
    .map_err(|_| WebError::Internal("the attestation's rendering task failed"))?
    .map_err(|e| {
        tracing::error!(error = %e, "domiciliation attestation PDF");
        WebError::Internal("the attestation could not be made")
    })?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("document", "domiciliation_attestation")
        .detail("bytes", pdf.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let file = format!(
        "attachment; filename=\"{}-{}.pdf\"",
        t.msg("domiciliation-attestation-file-name"),
        today
    );
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
