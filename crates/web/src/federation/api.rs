//! The two endpoints peers use: this instance's public card, and the post of a package with
//! the token we issued the peer. Refusals are `{"error": {"code", "message", "request_id"}}`
//! with the stable code of [`Rejection`] and a message in the language of `Accept-Language`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::federation::{InstanceCard, Rejection};

use super::{Via, card, identity, receive};
use crate::AppState;
use crate::audit_trail::RequestMeta;
use crate::errors::WebError;
use crate::i18n::{Locale, Tr};
use crate::middleware::{ApiErrorBody, ApiErrorDetail};

/// `GET /api/v1/federation/instance`: what a partner's administrator pastes to pair with us.
pub async fn instance(State(state): State<AppState>) -> Result<Json<InstanceCard>, WebError> {
    let me = identity(&state).await?;
    Ok(Json(card(&state, &me)))
}

/// The message of a refusal, in the user's language.
pub fn rejection_message(t: &Tr, r: Rejection) -> String {
    t.msg(&format!("federation-rejection-{}", r.code().replace('_', "-")))
}

/// `POST /api/v1/federation/packages`: a referral, an answer or a withdrawal from a peer.
pub async fn packages(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let token = crate::api_tokens::bearer::credentials(&headers);
    let outcome = receive(&state, &body, Via::Post { token: token.as_deref() }, &meta).await?;
    match outcome {
        Ok(accepted) => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({
                "status": "received",
                "kind": accepted.kind.as_str(),
            })),
        )
            .into_response()),
        Err(r) => {
            // Codes and ids only: a refused package may hold anything.
            tracing::warn!(code = r.code(), request_id = %meta.request_id, "federation package refused");
            let t = Tr::new(state.i18n.clone(), Locale::for_request(&headers));
            let body = ApiErrorBody {
                error: ApiErrorDetail {
                    code: r.code(),
                    message: rejection_message(&t, r),
                    request_id: meta.request_id.clone(),
                },
            };
            let status = StatusCode::from_u16(r.http_status()).expect("a valid status");
            Ok((status, Json(body)).into_response())
        }
    }
}
