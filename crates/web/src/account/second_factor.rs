//! The TOTP second factor: enrolment with a QR code and recovery codes, turning it off, and
//! the second step of signing in.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::UserId;
use domain::audit::AuditAction;
use domain::totp;
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::second_factor::{self, TotpState};
use store::{Ts, accounts, sessions};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::pages::{
    PENDING_COOKIE, account_throttle_key, open_session, pending_cookie, record_sign_in_failure,
};
use crate::auth::{SignedIn, new_token, session_cookie, token_hash};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::cookie_value;
use crate::secrets;
use store::throttle::{self, Admission};

const RECOVERY_CODES: usize = 10;
/// Tries at the second step before the sign-in must start again.
const MAX_CHALLENGE_ATTEMPTS: i64 = 5;

#[derive(Template, WebTemplate)]
#[template(path = "account/enrol.html")]
pub struct EnrolPage {
    chrome: Chrome,
    qr_svg: String,
    manual_key: String,
    error: bool,
    /// The organisation requires the factor: nothing else opens until it is on.
    required: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/enrolled.html")]
pub struct EnrolledPage {
    chrome: Chrome,
    codes: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/second_factor.html")]
pub struct ManagePage {
    chrome: Chrome,
    recovery_codes_left: i64,
    error: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/second_factor.html")]
pub struct ChallengePage {
    chrome: Chrome,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn secret_of(state: &AppState, factor: &TotpState) -> Option<Vec<u8>> {
    secrets::decrypt(&state.config.secret_key, factor.totp_secret_encrypted.as_deref()?)
}

fn enrol_page(
    ctx: PageCtx,
    state: &AppState,
    email: &str,
    secret: &[u8],
    error: bool,
    required: bool,
) -> EnrolPage {
    let key = data_encoding::BASE32_NOPAD.encode(secret);
    let uri = totp::provisioning_uri("Passerelle", email, &key);
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    // The renderer starts with an XML declaration, which has no place inside HTML.
    let qr_svg = svg.find("<svg").map(|i| svg[i..].to_owned()).unwrap_or_default();
    let manual_key = key
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    EnrolPage { chrome: Chrome::new(ctx, state, Nav::Account), qr_svg, manual_key, error, required }
}

/// The management page when the factor is on; the enrolment page (keeping any secret already
/// shown) when it is off.
#[derive(Deserialize)]
pub struct ManageQuery {
    required: Option<String>,
}

pub async fn manage(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Query(q): Query<ManageQuery>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let factor = second_factor::state(&state.db, user_id).await?;
    if factor.enabled() {
        let recovery_codes_left = second_factor::unused_recovery_codes(&state.db, user_id).await?;
        let chrome = Chrome::new(ctx, &state, Nav::Account);
        return Ok(ManagePage { chrome, recovery_codes_left, error: false }.into_response());
    }
    let secret = match secret_of(&state, &factor) {
        Some(existing) => existing,
        None => {
            // Written here rather than when the first code comes, so that reloading the page
            // shows the key an authenticator app may already have scanned; and so recorded.
            let fresh = totp::new_secret().to_vec();
            let sealed = secrets::encrypt(&state.config.secret_key, &fresh);
            let mut tx = state.db.begin_write().await?;
            if second_factor::begin_enrolment(&mut tx, user_id, &sealed).await? {
                let event = NewAuditEvent::new(
                    AuditAction::SecondFactorEnrolmentStarted,
                    signed_in.actor.organisation(),
                )
                .by(user_id)
                .on("user", user_id.as_uuid());
                audit_trail::record(&mut tx, &meta, event).await?;
            }
            tx.commit().await?;
            fresh
        }
    };
    Ok(enrol_page(ctx, &state, &signed_in.email, &secret, false, q.required.is_some())
        .into_response())
}

/// Confirms enrolment with a first code, then shows the recovery codes once. A privilege
/// change: the session goes on under a new id.
pub async fn enrol(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let factor = second_factor::state(&state.db, user_id).await?;
    if factor.enabled() {
        return Ok(Redirect::to("/account/second-factor").into_response());
    }
    let Some(secret) = secret_of(&state, &factor) else {
        return Ok(Redirect::to("/account/second-factor").into_response());
    };
    let now = Ts::now();
    let Some(step) = totp::verify(&secret, &form.code, now.get().unix_timestamp(), None) else {
        let page = enrol_page(ctx, &state, &signed_in.email, &secret, true, false);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<[u8; 32]> = codes.iter().map(|c| recovery_hash(&state, c)).collect();
    let token = new_token();
    let new_hash = token_hash(&token);
    let organisation = signed_in.actor.organisation();
    let mut tx = state.db.begin_write().await?;
    if !second_factor::enable(&mut tx, user_id, step, now).await? {
        return Ok(Redirect::to("/account/second-factor").into_response());
    }
    second_factor::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    if !sessions::rotate(&mut tx, &signed_in.token_hash, &new_hash, organisation, now).await? {
        // Ended meanwhile ("sign out everywhere" on another device): nothing is changed.
        return Err(WebError::NotFound);
    }
    let event = NewAuditEvent::new(AuditAction::SecondFactorEnabled, organisation)
        .by(user_id)
        .on("user", user_id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // The page answers the POST (the codes are shown once, never from a URL): its forms carry
    // the anti-forgery token of the new session id.
    let mut chrome = Chrome::new(ctx, &state, Nav::Account);
    chrome.csrf = crate::auth::csrf::session_token(&state, &new_hash);
    if let Some(user) = chrome.user.as_mut() {
        user.token_hash = new_hash;
    }
    let mut response = EnrolledPage { chrome, codes }.into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, Some(&token)));
    Ok(response)
}

pub async fn disable(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let factor = second_factor::state(&state.db, user_id).await?;
    if !factor.enabled() {
        return Ok(Redirect::to("/account").into_response());
    }
    let refused = |state: AppState, ctx: PageCtx, status: StatusCode| async move {
        let recovery_codes_left = second_factor::unused_recovery_codes(&state.db, user_id).await?;
        let page = ManagePage {
            chrome: Chrome::new(ctx, &state, Nav::Account),
            recovery_codes_left,
            error: true,
        };
        Ok::<Response, WebError>((status, page).into_response())
    };
    // Guessing codes with a session left open is throttled like signing in.
    let key = account_throttle_key(&state, &signed_in.email);
    let mut tx = state.db.begin_write().await?;
    if let Admission::Blocked { .. } =
        throttle::admit(&mut tx, &key, &state.config.throttle_account, Ts::now()).await?
    {
        tx.commit().await?;
        return refused(state.clone(), ctx, StatusCode::TOO_MANY_REQUESTS).await;
    }
    if check_code(&state, &mut tx, user_id, &factor, &form.code).await?.is_none() {
        accounts::record_failed_login(&mut tx, user_id).await?;
        let event = NewAuditEvent::new(AuditAction::LoginFailed, signed_in.actor.organisation())
            .by(user_id)
            .detail("second_factor", "wrong_code_to_disable");
        audit_trail::record(&mut tx, &meta, event).await?;
        tx.commit().await?;
        return refused(state.clone(), ctx, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    throttle::clear(&mut tx, &key).await?;
    second_factor::disable(&mut tx, user_id).await?;
    let event =
        NewAuditEvent::new(AuditAction::SecondFactorDisabled, signed_in.actor.organisation())
            .by(user_id)
            .on("user", user_id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account").into_response())
}

/// Checks a typed code — a TOTP code, or else a recovery code — and uses it up. Returns which
/// kind worked.
pub(crate) async fn check_code(
    state: &AppState,
    tx: &mut store::Tx,
    user_id: UserId,
    factor: &TotpState,
    typed: &str,
) -> Result<Option<&'static str>, WebError> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let Some(secret) = secret_of(state, factor) else { return Ok(None) };
        let now = Ts::now().get().unix_timestamp();
        return Ok(match totp::verify(&secret, &digits, now, factor.totp_last_step) {
            Some(step) if second_factor::consume_step(&mut *tx, user_id, step).await? => {
                Some("totp")
            }
            _ => None,
        });
    }
    let used = second_factor::use_recovery_code(
        &mut *tx,
        user_id,
        &recovery_hash(state, typed),
        Ts::now(),
    )
    .await?;
    Ok(used.then_some("recovery_code"))
}

/// `abcde-fghij`: ten letters and digits an authenticator-less user can read and type.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes: [u8; 10] = rand::random();
    let chars: String =
        bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

fn recovery_hash(state: &AppState, typed: &str) -> [u8; 32] {
    let normalised: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    secrets::keyed_digest(&state.config.secret_key, "recovery-code", normalised.as_bytes())
}

pub async fn challenge_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let pending = match cookie_value(&headers, PENDING_COOKIE) {
        Some(token) => {
            second_factor::find_pending(&state.db, &token_hash(&token), Ts::now()).await?
        }
        None => None,
    };
    if pending.is_none() {
        return Ok(Redirect::to("/login?notice=expired").into_response());
    }
    Ok(ChallengePage { chrome: Chrome::new(ctx, &state, Nav::None), error: None }.into_response())
}

pub async fn challenge(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(token) = cookie_value(&headers, PENDING_COOKIE) else {
        return Ok(Redirect::to("/login?notice=expired").into_response());
    };
    let hash = token_hash(&token);
    let now = Ts::now();
    let Some(pending) = second_factor::attempt_pending(&state.db, &hash, now).await? else {
        return Ok(Redirect::to("/login?notice=expired").into_response());
    };
    let user_id = UserId::from_uuid(pending.user_id);
    let account = accounts::find_user(&state.db, user_id).await?;
    let user = account.clone().filter(|u| u.disabled_at.is_none());
    let mut tx = state.db.begin_write().await?;
    if pending.attempts > MAX_CHALLENGE_ATTEMPTS || user.is_none() {
        second_factor::delete_pending(&mut tx, &hash).await?;
        let event =
            NewAuditEvent::new(AuditAction::LoginFailed, None).detail("second_factor", "locked");
        match &account {
            Some(account) => record_sign_in_failure(&mut tx, &meta, Some(account), event).await?,
            None => audit_trail::record(&mut tx, &meta, event.by(user_id)).await?,
        }
        tx.commit().await?;
        let mut response = Redirect::to("/login?notice=too_many").into_response();
        response.headers_mut().append(header::SET_COOKIE, pending_cookie(&state, None));
        return Ok(response);
    }
    let user = user.expect("checked above");
    // Every code tried draws on the account's sign-in allowance, shared with the password.
    let key = account_throttle_key(&state, &user.email);
    if let Admission::Blocked { .. } =
        throttle::admit(&mut tx, &key, &state.config.throttle_account, now).await?
    {
        second_factor::delete_pending(&mut tx, &hash).await?;
        let event =
            NewAuditEvent::new(AuditAction::LoginFailed, None).detail("second_factor", "throttled");
        record_sign_in_failure(&mut tx, &meta, Some(&user), event).await?;
        tx.commit().await?;
        let mut response = Redirect::to("/login?notice=too_many").into_response();
        response.headers_mut().append(header::SET_COOKIE, pending_cookie(&state, None));
        return Ok(response);
    }
    let factor = second_factor::state(&mut tx, user_id).await?;
    let Some(kind) = check_code(&state, &mut tx, user_id, &factor, &form.code).await? else {
        // The password was right: the owner is told someone knows it.
        accounts::record_failed_login(&mut tx, user_id).await?;
        let event = NewAuditEvent::new(AuditAction::LoginFailed, None)
            .detail("second_factor", "wrong_code");
        record_sign_in_failure(&mut tx, &meta, Some(&user), event).await?;
        tx.commit().await?;
        let error = Some(ctx.t.msg("second-factor-wrong"));
        let page = ChallengePage { chrome: Chrome::new(ctx, &state, Nav::None), error };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    second_factor::delete_pending(&mut tx, &hash).await?;
    throttle::clear(&mut tx, &key).await?;
    let mut response =
        open_session(&state, tx, &user, &headers, &meta, ctx.current.0.as_ref(), Some(kind))
            .await?;
    response.headers_mut().append(header::SET_COOKIE, pending_cookie(&state, None));
    Ok(response)
}
