//! The subject access export under `/api/v1` (ADR 0035): the JSON of a request's export, for
//! an integration of the DPO's own tools, with a token of the scope `privacy:export` (or
//! `all`) of a DPO or a manager. The files stay in the zip of the request's page. Each call is
//! an export like a download: audited on the person and logged on the request.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::downloads::{build, record};
use super::export;
use crate::AppState;
use crate::audit_trail::RequestMeta;
use crate::auth::SignedIn;
use crate::errors::WebError;

/// The export of a subject request: the request, the person's households (as counts and
/// relationships), every table of data about the person, who accessed the file, what was to
/// review for third parties and whether the export was released, and the paths of the files
/// the zip on the request's page holds. Recorded as an export of the person's file.
#[utoipa::path(
    get,
    path = "/api/v1/privacy/requests/{request_id}/export",
    tag = "privacy",
    params(("request_id" = Uuid, Path, description = "The subject request's id")),
    security(("bearer" = ["privacy:export"]), ("session" = [])),
    responses(
        (status = 200, body = Object, description = "The export, format `passerelle-subject-access/1`"),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such request in the organisation, or a caller who is neither its DPO nor a manager"),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let built = build(&state, &signed_in, id).await?;
    let zone = signed_in.time_zone.as_deref();
    let json = export::json(&built.header(zone), &built.gathered, &built.review, &built.files);
    record(&state, &meta, &signed_in, &built, "json").await?;
    Ok(Json(json).into_response())
}
