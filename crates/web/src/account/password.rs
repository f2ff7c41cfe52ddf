//! Changing one's own password from the account page: the current password, then the new one
//! twice. The current password is checked like a sign-in — counted by the account's throttle
//! before it is evaluated, verified on a blocking thread — so a session left open on a shared
//! desk does not become a way to guess it, nor to take the account over.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::passwords::{hash_password, verify_password};
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::throttle::{self, Admission};
use store::{Ts, accounts, second_factor, sessions};

use super::pages::{PasswordError, account_page};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::pages::{
    NewPasswordField, account_throttle_key, minutes_until, new_password_problems,
};
use crate::auth::{SignedIn, new_token, session_cookie, token_hash};
use crate::chrome::PageCtx;
use crate::errors::WebError;

/// The ids of the form's inputs, which the error summary links to.
const CURRENT: &str = "current-password";
const NEW: &str = "new-password";
const CONFIRM: &str = "confirm-password";

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The account page again with the reasons of a refusal (422, or 429 when throttled).
async fn refused(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    status: StatusCode,
    errors: Vec<PasswordError>,
) -> Result<Response, WebError> {
    let page = account_page(state, ctx, signed_in, None, errors).await?;
    Ok((status, page).into_response())
}

/// Changes the signed-in user's password. Every other session of the account ends, and every
/// sign-in waiting for its second factor; this one goes on under a new id. Earlier one-time
/// links of the account stop working.
pub async fn change(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let now = Ts::now();
    // Counted before anything is evaluated, on the same key as the sign-in form: guesses here
    // and there share one allowance.
    let account_key = account_throttle_key(&state, &signed_in.email);
    let mut tx = state.db.begin_write().await?;
    let admission =
        throttle::admit(&mut tx, &account_key, &state.config.throttle_account, now).await?;
    tx.commit().await?;
    if let Admission::Blocked { until, .. } = admission {
        let message = ctx.t.msg_count("passwords-error-throttled", &minutes_until(until, now));
        let errors = vec![PasswordError { field: CURRENT, message }];
        return refused(&state, ctx, &signed_in, StatusCode::TOO_MANY_REQUESTS, errors).await;
    }

    let user = accounts::find_user(&state.db, user_id).await?.ok_or(WebError::NotFound)?;
    // An account without a password (none chosen yet) costs the same time and fails.
    let has_password = user.password_hash.is_some();
    let stored = user.password_hash.clone().unwrap_or_else(|| state.dummy_hash.clone());
    let current = form.current;
    let matches = tokio::task::spawn_blocking(move || verify_password(&current, &stored))
        .await
        .unwrap_or(false)
        && has_password;

    let t = &ctx.t;
    let mut errors = Vec::new();
    if !matches {
        errors.push(PasswordError { field: CURRENT, message: t.msg("passwords-error-current") });
    }
    let problems =
        new_password_problems(t, &form.password, &form.confirm, &user.display_name, &user.email);
    errors.extend(problems.into_iter().map(|(field, message)| PasswordError {
        field: match field {
            NewPasswordField::Password => NEW,
            NewPasswordField::Confirm => CONFIRM,
        },
        message,
    }));
    if matches {
        // The right password: the account's failures are forgotten, as at a sign-in.
        throttle::clear(&state.db, &account_key).await?;
    }
    if !errors.is_empty() {
        return refused(&state, ctx, &signed_in, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }

    let params = state.config.password_hashing;
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, params))
        .await
        .map_err(|_| WebError::Internal("password hashing task failed"))?;
    let token = new_token();
    let new_hash = token_hash(&token);
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    accounts::set_password_hash(&mut tx, user_id, &hash, now).await?;
    // A privilege change: this session goes on under a new id, every other one ends.
    let organisation = signed_in.actor.organisation();
    if !sessions::rotate(&mut tx, &signed_in.token_hash, &new_hash, organisation, now).await? {
        // Ended meanwhile ("sign out everywhere" on another device): nothing is changed.
        return Err(WebError::NotFound);
    }
    let ended = sessions::delete_others_of_user(&mut tx, user_id, &new_hash).await?;
    // A sign-in begun with the old password, waiting for its second factor, ends too.
    second_factor::delete_pending_of_user(&mut tx, user_id).await?;
    // A new password is also a recovery: tokens made with the old one stop working.
    store::api_tokens::revoke_all_of_user(&mut tx, user_id, now).await?;
    accounts::expire_one_time_tokens(&mut tx, user_id, now).await?;
    let event = NewAuditEvent::new(AuditAction::PasswordSet, organisation)
        .by(user_id)
        .on("user", user_id.as_uuid())
        .detail("via", "account")
        .detail("sessions_ended", ended);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let mut response = Redirect::to("/account?notice=password_changed").into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, Some(&token)));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
