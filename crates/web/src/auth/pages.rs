use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::{AccountError, check_new_password};
use domain::audit::AuditAction;
use domain::passwords::{hash_password, verify_password};
use serde::Deserialize;
use store::accounts::{self, TokenPurpose};
use store::audit::NewAuditEvent;
use store::throttle::{self, Admission};
use store::{StoreError, Ts, invitations, second_factor, sessions};

use super::{SignedIn, device_summary, new_token, session_cookie, token_hash};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::i18n::cookie_value;
use crate::secrets;
use subtle::ConstantTimeEq;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    chrome: Chrome,
    email: String,
    /// The message of a failed attempt, already translated.
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    notice: Option<String>,
}

/// Notices the sign-in page can show, by the code in its query string (never any data).
fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "password_set" => Some("login-password-set"),
        "signed_out" => Some("login-signed-out"),
        "expired" => Some("login-expired"),
        "too_many" => Some("second-factor-too-many"),
        _ => None,
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<LoginQuery>,
) -> Response {
    if ctx.current.0.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage {
        chrome: Chrome::new(ctx, &state, Nav::None),
        email: String::new(),
        error: None,
        notice: notice(q.notice.as_deref()),
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_lowercase();
    let now = Ts::now();
    let secret = &state.config.secret_key;
    let account_key = account_throttle_key(&state, &email);
    let address_key =
        secrets::keyed_digest(secret, "throttle-address", meta.client_addr.to_string().as_bytes());
    let user = accounts::find_user_by_email(&state.db, &email).await?;
    // A browser this account signed in from before passes the account's lock (not the
    // address's): whoever hammers an account cannot lock its owner out.
    let known_device = user.as_ref().is_some_and(|u| {
        cookie_value(&headers, KNOWN_DEVICE_COOKIE).is_some_and(|v| {
            bool::from(v.as_bytes().ct_eq(known_device_value(&state, u.id).as_bytes()))
        })
    });
    // Counted before anything is evaluated, so no burst of requests gets past the limits.
    // The address counts only attempts its accounts let through: hammering one account blocks
    // that account, not everyone behind the same office address.
    let mut tx = state.db.begin_write().await?;
    let mut admission = if known_device {
        Admission::Allowed
    } else {
        throttle::admit(&mut tx, &account_key, &state.config.throttle_account, now).await?
    };
    // A block of the account (not of the client's address) is about that account.
    let account_blocked = admission != Admission::Allowed;
    if admission == Admission::Allowed {
        admission =
            throttle::admit(&mut tx, &address_key, &state.config.throttle_address, now).await?;
        if admission != Admission::Allowed && !known_device {
            throttle::give_back(&mut tx, &account_key).await?;
        }
    }
    if let Admission::Blocked { until, started } = admission {
        // The start of a block is worth an event; each refusal during it is not.
        if started {
            let event =
                NewAuditEvent::new(AuditAction::LoginFailed, None).detail("throttled", true);
            let target = user.as_ref().filter(|_| account_blocked);
            record_sign_in_failure(&mut tx, &meta, target, event).await?;
        }
        tx.commit().await?;
        let error = ctx.t.msg_count("login-throttled", &minutes_until(until, now));
        let page = LoginPage {
            chrome: Chrome::new(ctx, &state, Nav::None),
            email: form.email,
            error: Some(error),
            notice: None,
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    tx.commit().await?;

    let usable = user.as_ref().filter(|u| u.disabled_at.is_none() && u.password_hash.is_some());
    // Unknown, disabled and password-less accounts cost the same time as a wrong password, so
    // response times do not tell which addresses have an account.
    let stored =
        usable.and_then(|u| u.password_hash.clone()).unwrap_or_else(|| state.dummy_hash.clone());
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
        && usable.is_some();

    let mut tx = state.db.begin_write().await?;
    let Some(user) = usable.filter(|_| matches) else {
        if let Some(u) = &user {
            accounts::record_failed_login(&mut tx, u.id).await?;
        }
        let event = NewAuditEvent::new(AuditAction::LoginFailed, None);
        record_sign_in_failure(&mut tx, &meta, user.as_ref(), event).await?;
        tx.commit().await?;
        let error = Some(ctx.t.msg("login-failed"));
        let page = LoginPage {
            chrome: Chrome::new(ctx, &state, Nav::None),
            email: form.email,
            error,
            notice: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // An office's address is shared: a success gives its attempt back.
    throttle::give_back(&mut tx, &address_key).await?;
    if second_factor::state(&mut tx, user.id).await?.enabled() {
        // The account's allowance is kept until the second factor too is right: each wrong
        // code then draws on it, so a known password does not open unlimited guessing.
        let token = new_token();
        let expires = Ts::from(now.get() + PENDING_SIGN_IN);
        second_factor::insert_pending(&mut tx, &token_hash(&token), user.id, now, expires).await?;
        tx.commit().await?;
        let mut response = Redirect::to("/login/second-factor").into_response();
        response.headers_mut().append(header::SET_COOKIE, pending_cookie(&state, Some(&token)));
        return Ok(response);
    }
    throttle::clear(&mut tx, &account_key).await?;
    let response =
        open_session(&state, tx, user, &headers, &meta, ctx.current.0.as_ref(), None).await?;
    Ok(response)
}

/// The throttle key of an account: a keyed digest of its e-mail address as typed at sign-in
/// (trimmed, lower-cased), so every check of that account's password — the sign-in form, the
/// change of password — draws on one allowance.
pub(crate) fn account_throttle_key(state: &AppState, email: &str) -> [u8; 32] {
    secrets::keyed_digest(&state.config.secret_key, "throttle-account", email.as_bytes())
}

/// Records a failed sign-in (`event`, in no chain yet) against the account the address typed
/// belongs to, if any: in the chain of every organisation the account is an enabled member of,
/// so that their managers and data protection officers see the attempts on their members'
/// accounts, and in the instance's chain when the account is in none, or administers the
/// instance. An unknown address goes to the instance's chain.
pub(crate) async fn record_sign_in_failure(
    tx: &mut store::Tx,
    meta: &RequestMeta,
    account: Option<&accounts::User>,
    event: NewAuditEvent,
) -> Result<(), StoreError> {
    let Some(account) = account else {
        return audit_trail::record(tx, meta, event).await;
    };
    let event = event.by(account.id);
    let organisations = accounts::memberships_of(&mut *tx, account.id).await?;
    if organisations.is_empty() || account.instance_admin {
        audit_trail::record(tx, meta, NewAuditEvent { organisation_id: None, ..event.clone() })
            .await?;
    }
    for membership in organisations {
        let in_organisation =
            NewAuditEvent { organisation_id: Some(membership.organisation_id), ..event.clone() };
        audit_trail::record(tx, meta, in_organisation).await?;
    }
    Ok(())
}

/// The whole minutes until a throttle's block ends, at least one, for the messages.
pub(crate) fn minutes_until(until: Ts, now: Ts) -> i64 {
    (((until.get() - now.get()).whole_seconds() + 59) / 60).max(1)
}

/// Which field of a new-password form a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewPasswordField {
    Password,
    Confirm,
}

/// What is wrong with a new password typed twice, in the reader's language, in the order of
/// the fields: the strength rules ([`check_new_password`], with the user's own name and
/// address counted as guessable), then the confirmation. Empty: the password may be saved.
pub(crate) fn new_password_problems(
    t: &Tr,
    password: &str,
    confirm: &str,
    display_name: &str,
    email: &str,
) -> Vec<(NewPasswordField, String)> {
    let mut problems = Vec::new();
    let name_parts: Vec<&str> =
        display_name.split_whitespace().chain(email.split(['@', '.'])).collect();
    let rule = match check_new_password(password, &name_parts) {
        Ok(()) => None,
        Err(AccountError::PasswordTooShort { min }) => {
            Some(t.msg_args("password-too-short", &[("min", &min.to_string())]))
        }
        Err(AccountError::PasswordTooLong { max }) => {
            Some(t.msg_args("password-too-long", &[("max", &max.to_string())]))
        }
        Err(_) => Some(t.msg("password-too-weak")),
    };
    problems.extend(rule.map(|m| (NewPasswordField::Password, m)));
    if password != confirm {
        problems.push((NewPasswordField::Confirm, t.msg("password-mismatch")));
    }
    problems
}

/// How long a correct password waits for its second factor.
pub const PENDING_SIGN_IN: time::Duration = time::Duration::minutes(5);
pub const PENDING_COOKIE: &str = "passerelle_pending";

/// The `Set-Cookie` for a sign-in waiting for its second factor (or removing it).
pub fn pending_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = match token {
        Some(t) => format!(
            "{PENDING_COOKIE}={t}; Path=/login; HttpOnly; SameSite=Lax; Max-Age=300{secure}"
        ),
        None => {
            format!("{PENDING_COOKIE}=; Path=/login; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
        }
    };
    HeaderValue::from_str(&value).expect("tokens are hex")
}

/// Opens a session for a user whose credentials were all checked, in `tx` (committed here):
/// a new id, the organisation they last switched to (while still a member there; otherwise
/// the first by name), the audit event, the cookie.
pub async fn open_session(
    state: &AppState,
    mut tx: store::Tx,
    user: &store::accounts::User,
    headers: &HeaderMap,
    meta: &RequestMeta,
    previous: Option<&SignedIn>,
    second_factor_used: Option<&str>,
) -> Result<Response, WebError> {
    let now = Ts::now();
    let memberships = accounts::memberships_of(&mut tx, user.id).await?;
    let last = accounts::last_organisation(&mut tx, user.id).await?;
    let organisation = last
        .filter(|org| memberships.iter().any(|m| m.organisation_id == *org))
        .or_else(|| memberships.first().map(|m| m.organisation_id));
    // The organisation decides how long its sessions may last.
    let lifetime = match organisation {
        Some(org) => match store::organisations::settings(&mut tx, org).await? {
            Some(s) => time::Duration::hours(s.session_absolute_hours),
            None => state.config.session_absolute,
        },
        None => state.config.session_absolute,
    };
    let token = new_token();
    let hash = token_hash(&token);
    sessions::insert(
        &mut tx,
        &sessions::NewSession {
            id_hash: &hash,
            user_id: user.id,
            active_organisation_id: organisation,
            expires_at: Ts::from(now.get() + lifetime),
            device: &device_summary(headers),
            failed_logins_before: user.failed_logins,
        },
        now,
    )
    .await?;
    accounts::record_successful_login(&mut tx, user.id, now).await?;
    // A new session id at every sign-in: whatever id existed before is worthless now.
    if let Some(previous) = previous {
        sessions::delete(&mut tx, &previous.token_hash).await?;
    }
    let mut event = NewAuditEvent::new(AuditAction::LoginSucceeded, organisation).by(user.id);
    if let Some(factor) = second_factor_used {
        event = event.detail("second_factor", factor);
    }
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, Some(&token)));
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let device = format!(
        "{KNOWN_DEVICE_COOKIE}={}; Path=/login; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
        known_device_value(state, user.id)
    );
    response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&device).expect("hex"));
    // Old counters are cleaned up now and then, with the sign-ins that make them obsolete.
    if rand::random::<u8>() < 8 {
        let _ = throttle::purge(&state.db, &state.config.throttle_address, now).await;
    }
    Ok(response)
}

/// Marks a browser an account has signed in from.
pub const KNOWN_DEVICE_COOKIE: &str = "passerelle_device";

fn known_device_value(state: &AppState, user: domain::UserId) -> String {
    hex::encode(secrets::keyed_digest(
        &state.config.secret_key,
        "known-device",
        user.as_uuid().as_bytes(),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    let mut tx = state.db.begin_write().await?;
    sessions::delete(&mut tx, &signed_in.token_hash).await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::Logout, signed_in.actor.organisation())
            .by(signed_in.actor.user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(signed_out(&state))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    let mut tx = state.db.begin_write().await?;
    let ended = sessions::delete_all_of_user(&mut tx, signed_in.actor.user_id).await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::LogoutEverywhere, signed_in.actor.organisation())
            .by(signed_in.actor.user_id)
            .detail("sessions_ended", ended),
    )
    .await?;
    tx.commit().await?;
    Ok(signed_out(&state))
}

fn signed_out(state: &AppState) -> Response {
    let mut response = Redirect::to("/login?notice=signed_out").into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, None));
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/password.html")]
pub struct PasswordPage {
    chrome: Chrome,
    token: String,
    valid_link: bool,
    errors: Vec<String>,
}

async fn link_user(
    state: &AppState,
    token: &str,
) -> Result<Option<store::accounts::User>, WebError> {
    let hash = token_hash(token);
    let now = Ts::now();
    for purpose in [TokenPurpose::SetPassword, TokenPurpose::ResetPassword] {
        if let Some(user_id) = accounts::peek_one_time_token(&state.db, &hash, purpose, now).await?
        {
            return Ok(accounts::find_user(&state.db, user_id).await?);
        }
    }
    Ok(None)
}

pub async fn password_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let valid_link = link_user(&state, &token).await?.is_some();
    if !valid_link
        && let Some(invitation) =
            invitations::find_pending_by_link(&state.db, &token_hash(&token), Ts::now()).await?
    {
        // A link handed over with an invitation of an existing account: its holder signs in
        // and answers from their account page.
        return Ok(crate::account::invitation_link_page(&state, ctx, invitation).into_response());
    }
    let status = if valid_link { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let page = PasswordPage {
        chrome: Chrome::new(ctx, &state, Nav::None),
        token,
        valid_link,
        errors: vec![],
    };
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let Some(user) = link_user(&state, &token).await? else {
        let page = PasswordPage {
            chrome: Chrome::new(ctx, &state, Nav::None),
            token,
            valid_link: false,
            errors: vec![],
        };
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let errors: Vec<String> = new_password_problems(
        &ctx.t,
        &form.password,
        &form.confirm,
        &user.display_name,
        &user.email,
    )
    .into_iter()
    .map(|(_, message)| message)
    .collect();
    if !errors.is_empty() {
        let page = PasswordPage {
            chrome: Chrome::new(ctx, &state, Nav::None),
            token,
            valid_link: true,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let params = state.config.password_hashing;
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, params))
        .await
        .map_err(|_| WebError::Internal("password hashing task failed"))?;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let hashed = token_hash(&token);
    let mut used = None;
    for purpose in [TokenPurpose::SetPassword, TokenPurpose::ResetPassword] {
        if let Some(id) = accounts::consume_one_time_token(&mut tx, &hashed, purpose, now).await? {
            used = Some(id);
            break;
        }
    }
    // Used by someone else between the check and now: the link is spent.
    if used != Some(user.id) {
        drop(tx);
        let page = PasswordPage {
            chrome: Chrome::new(ctx, &state, Nav::None),
            token,
            valid_link: false,
            errors: vec![],
        };
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    }
    accounts::set_password_hash(&mut tx, user.id, &hash, now).await?;
    // Whatever other link is still out there (an invitation, an older reset) is spent too.
    accounts::expire_one_time_tokens(&mut tx, user.id, now).await?;
    let ended = sessions::delete_all_of_user(&mut tx, user.id).await?;
    // A sign-in begun with the old password must not finish with its second factor.
    second_factor::delete_pending_of_user(&mut tx, user.id).await?;
    // A new password is also a recovery: tokens made with the old one stop working.
    store::api_tokens::revoke_all_of_user(&mut tx, user.id, now).await?;
    // Choosing the password with an invitation's link is the answer to that invitation.
    if let Some(accepted) = invitations::accept_by_link(&mut tx, &hashed, user.id, now).await? {
        let event = crate::account::accepted_event(&accepted, user.id).detail("via", "link");
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    // Any other invitation was meant for the account's owner, whom the holder of this link
    // may not be: the organisations invite again.
    for withdrawn in invitations::withdraw_pending_of_user(&mut tx, user.id, now).await? {
        let event =
            NewAuditEvent::new(AuditAction::MembershipChanged, Some(withdrawn.organisation_id))
                .by(user.id)
                .on("invitation", withdrawn.id.as_uuid())
                .detail("change", "withdrawn")
                .detail("because", "password_set_with_link");
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::PasswordSet, None)
            .by(user.id)
            .on("user", user.id.as_uuid())
            .detail("via", "link")
            .detail("sessions_ended", ended),
    )
    .await?;
    tx.commit().await?;
    let mut response = Redirect::to("/login?notice=password_set").into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
