//! Importing a package received as a file: a referral for the user's organisation's inbox, an
//! answer to one of its referrals, or a withdrawal. The same checks as a posted package (but
//! the token: the user is signed in and acts in the organisation the package is for); a
//! refusal says why in the user's language, with a 422, and nothing is written.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::federation::{Kind, MAX_PACKAGE_BYTES};

use super::{Via, receive};
use crate::AppState;
use crate::audit_trail::RequestMeta;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

#[derive(Template, WebTemplate)]
#[template(path = "federation/import.html")]
pub struct ImportPage {
    chrome: Chrome,
    error: Option<String>,
}

pub async fn form(State(state): State<AppState>, ctx: PageCtx) -> ImportPage {
    ImportPage { error: None, chrome: Chrome::new(ctx, &state, Nav::Referrals) }
}

fn refused(state: &AppState, ctx: PageCtx, message: String) -> Response {
    let page = ImportPage { error: Some(message), chrome: Chrome::new(ctx, state, Nav::Referrals) };
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let organisation = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            match field.bytes().await {
                Ok(b) if b.len() <= MAX_PACKAGE_BYTES => file = Some(b),
                _ => {
                    let m = super::api::rejection_message(
                        &ctx.t,
                        domain::federation::Rejection::TooLarge,
                    );
                    return Ok(refused(&state, ctx, m));
                }
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let m = ctx.t.msg("federation-import-error-file");
        return Ok(refused(&state, ctx, m));
    };
    let via = Via::File { organisation, user: signed_in.actor.user_id };
    match receive(&state, &bytes, via, &meta).await? {
        Ok(accepted) => {
            let to = match accepted.kind {
                Kind::Referral | Kind::Withdrawal => {
                    format!("/referrals/federated/{}?done=imported", accepted.subject)
                }
                Kind::Answer => format!("/referrals/{}?done=moved", accepted.subject),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(r) => {
            tracing::warn!(code = r.code(), "federation package import refused");
            let m = super::api::rejection_message(&ctx.t, r);
            Ok(refused(&state, ctx, m))
        }
    }
}
