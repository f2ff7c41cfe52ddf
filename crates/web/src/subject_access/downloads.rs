//! Making the export of a request: the zip (JSON and the files) and the readable PDF. Each is
//! an audited export of the person's file and is logged on the request; before the release,
//! both say they are a draft for review.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use store::Ts;
use store::audit::NewAuditEvent;
use store::subject_access::Request;
use store::subject_access::export::Gathered;
use uuid::Uuid;

use super::export::{self, FileEntry, Header, ReviewItem};
use super::pages::{gathered, organisation, request};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;

pub(super) struct Built {
    pub request: Request,
    pub organisation: String,
    pub gathered: Gathered,
    pub review: Vec<ReviewItem>,
    pub files: Vec<FileEntry>,
    pub now: Ts,
}

impl Built {
    pub fn header<'a>(&'a self, zone: Option<&'a str>) -> Header<'a> {
        Header {
            organisation: &self.organisation,
            person_id: self.request.person_id.unwrap_or_default(),
            request_id: self.request.id,
            request_kind: self.request.kind().code(),
            received_on: domain::persons::iso_date(self.request.received_on),
            generated_at: self.now.canonical(),
            generated_local: crate::dates::local_minutes(self.now, zone),
            released: self.request.released_at.is_some(),
            zone,
        }
    }
}

pub(super) async fn build(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<Built, WebError> {
    let org = organisation(signed_in)?;
    let request = request(state, org, id).await?;
    // An erased person's request has nothing left to export.
    let person = request.person().ok_or(WebError::NotFound)?;
    let (gathered, review) = gathered(state, org, person).await?;
    let files = export::files(&gathered);
    let organisation = store::organisations::settings(&state.db, org)
        .await?
        .map(|s| s.name)
        .or_else(|| signed_in.organisation_name.clone())
        .unwrap_or_default();
    Ok(Built { request, organisation, gathered, review, files, now: Ts::now() })
}

/// Records the export: an audit event on the person, and a line on the request.
pub(super) async fn record(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    built: &Built,
    format: &'static str,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let by = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::Export, Some(org))
        .by(by)
        .on("person", built.request.person_id.unwrap_or_default())
        .detail("subject_request", built.request.id.to_string())
        .detail("format", format)
        .detail("released", built.request.released_at.is_some())
        .detail("to_review", built.review.len() as u64);
    audit_trail::record(&mut tx, meta, event).await?;
    store::subject_access::log_export(&mut tx, org, built.request.id, format, by, built.now)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn file_name(built: &Built, ext: &str) -> String {
    let day = built.now.canonical();
    format!(
        "attachment; filename=\"subject-access-{}-{}.{ext}\"",
        built.request.id,
        day.get(..10).unwrap_or_default()
    )
}

pub async fn zip(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let built = build(&state, &signed_in, id).await?;
    let zone = signed_in.time_zone.as_deref();
    let json = export::json(&built.header(zone), &built.gathered, &built.review, &built.files);
    let bytes = export::zip(&state, &json, &built.files).await?;
    record(&state, &meta, &signed_in, &built, "json").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, file_name(&built, "zip")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let built = build(&state, &signed_in, id).await?;
    let zone = signed_in.time_zone.as_deref();
    let data =
        export::pdf_data(&ctx.t, &built.header(zone), &built.gathered, &built.review, &built.files);
    let pdf = tokio::task::spawn_blocking(move || {
        documents::render(documents::Template::SubjectAccess, &data)
    })
    .await
    .map_err(|_| WebError::Internal("the export's rendering task failed"))?
    .map_err(|e| {
        tracing::error!(error = %e, "subject access PDF");
        WebError::Internal("the export could not be made")
    })?;
    record(&state, &meta, &signed_in, &built, "pdf").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, file_name(&built, "pdf")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}
