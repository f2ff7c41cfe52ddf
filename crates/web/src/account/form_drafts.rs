//! The safety net of every form: just before a session ends, the page sends what was typed
//! here, and the next visit of the same page by the same user takes it back once
//! (`static/session.js`). Nothing is kept in the browser: office computers are shared.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::{Ts, form_drafts};

use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;

/// A field as typed: which form of the page, its name, its value, whether it is checked (for
/// a checkbox or a radio button).
pub type TypedField = (u32, String, String, Option<bool>);

/// More than this many bytes of typed text is not a form a person filled in.
const MAX_BYTES: usize = 256 * 1024;
const MAX_FIELDS: usize = 500;

#[derive(Deserialize)]
pub struct SaveDraft {
    path: String,
    fields: Vec<TypedField>,
}

#[derive(Deserialize)]
pub struct TakeDraft {
    path: String,
}

#[derive(Serialize)]
pub struct CsrfTokenBody {
    token: String,
}

#[derive(Serialize)]
struct Taken {
    fields: Vec<TypedField>,
}

/// A page's address as a draft's key: a path of ids and words only (no query, which could
/// hold what was searched), so no personal data is ever a key.
pub fn valid_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 300
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
}

/// Fields never kept: the anti-forgery token, and secrets.
fn kept(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name != crate::auth::csrf::CSRF_FIELD
        && !lower.contains("password")
        && !lower.contains("code")
        && !lower.contains("secret")
        && !lower.contains("token")
}

/// The anti-forgery token of the current session, for a page whose session ended and that
/// the user signed in again from another tab (its own token is the old session's). A page of
/// another site cannot read it (same-origin policy; no CORS here).
pub async fn csrf_token(State(state): State<AppState>, signed_in: SignedIn) -> Json<CsrfTokenBody> {
    Json(CsrfTokenBody { token: crate::auth::csrf::session_token(&state, &signed_in.token_hash) })
}

/// Keeps what was typed on a page; 204, or 422 for something that is not a page's form.
pub async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Json(body): Json<SaveDraft>,
) -> Result<StatusCode, WebError> {
    let fields: Vec<TypedField> = body.fields.into_iter().filter(|f| kept(&f.1)).collect();
    let bytes: usize = fields.iter().map(|f| f.1.len() + f.2.len()).sum();
    if !valid_path(&body.path) || fields.len() > MAX_FIELDS || bytes > MAX_BYTES {
        return Ok(StatusCode::UNPROCESSABLE_ENTITY);
    }
    if fields.is_empty() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let json = serde_json::to_string(&fields)
        .map_err(|_| WebError::Internal("typed fields could not be written as JSON"))?;
    let org = signed_in.actor.membership.as_ref().map(|m| m.organisation_id);
    let mut tx = state.db.begin_write().await?;
    form_drafts::save(&mut tx, signed_in.actor.user_id, org, &body.path, &json, Ts::now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes back what was typed on a page: 200 with the fields, or 204 when nothing was kept.
pub async fn take(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Json(body): Json<TakeDraft>,
) -> Result<Response, WebError> {
    if !valid_path(&body.path) {
        return Ok(StatusCode::UNPROCESSABLE_ENTITY.into_response());
    }
    let mut tx = state.db.begin_write().await?;
    let taken = form_drafts::take(&mut tx, signed_in.actor.user_id, &body.path, Ts::now()).await?;
    tx.commit().await?;
    Ok(match taken.and_then(|json| serde_json::from_str::<Vec<TypedField>>(&json).ok()) {
        Some(fields) => Json(Taken { fields }).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_key_is_a_path_of_ids_and_words() {
        assert!(valid_path("/persons/0190f3c2-aaaa-7bbb-8ccc-0123456789ab/edit"));
        assert!(valid_path("/admin/lists/housing_status"));
        assert!(!valid_path("persons"));
        assert!(!valid_path("/persons?q=Dupont"));
        assert!(!valid_path("/persons/Hélène"));
        assert!(!valid_path("/a b"));
        assert!(!valid_path(&format!("/{}", "a".repeat(300))));
    }

    #[test]
    fn secrets_and_the_token_are_never_kept() {
        for name in ["csrf_token", "password", "new_password", "code", "totp_code", "secret"] {
            assert!(!kept(name), "{name}");
        }
        for name in ["birth_name", "body", "first_names", "reason"] {
            assert!(kept(name), "{name}");
        }
    }
}
