//! Signing in and out, sessions kept in the database, one-time links to set a password, and
//! the anti-forgery check every form goes through.

pub mod csrf;
pub(crate) mod pages;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use domain::accounts::Role;
use domain::policy::{ActiveMembership, Actor, Rule};
use domain::{OrganisationId, UserId};
use sha2::{Digest, Sha256};
use store::{StoreError, Ts, accounts, sessions};

use crate::AppState;
use crate::errors::{ErrorKind, error_response};
use crate::i18n::cookie_value;
use crate::routes::Routes;

/// The session cookie's name over plain http (local development, tests).
pub const SESSION_COOKIE: &str = "passerelle_session";
/// Its name over https: browsers accept a `__Host-` cookie only if it is `Secure`, has
/// `Path=/` and no `Domain`, so no other host of the domain (a sibling subdomain, a plain-http
/// page) can set or overwrite it (see ADR 0004).
pub const SESSION_COOKIE_HTTPS: &str = "__Host-passerelle_session";

pub fn router() -> Routes {
    Routes::new()
        .get("/login", Rule::Public, pages::login_form)
        .post("/login", Rule::Public, pages::login)
        .post("/logout", Rule::SignedIn, pages::logout)
        .post("/logout/everywhere", Rule::SignedIn, pages::logout_everywhere)
        .get("/account/password/{token}", Rule::Public, pages::password_form)
        .post("/account/password/{token}", Rule::Public, pages::set_password)
}

/// A signed-in user, as every handler sees them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token_hash: [u8; 32],
    pub actor: Actor,
    pub display_name: String,
    pub email: String,
    pub organisation_name: Option<String>,
    /// The active organisation's time zone, in which pages show times (`None`: UTC).
    pub time_zone: Option<String>,
    pub failed_logins_before: i64,
    /// Set when the request was authenticated by an API token rather than a session cookie.
    pub via_token: Option<TokenGrant>,
    /// Unread notifications, for the bell in the header.
    pub unread_notifications: i64,
    /// How long this session may stay idle (the active organisation's setting), for the
    /// expiry warning.
    pub session_idle: time::Duration,
}

/// The API token a request was authenticated by: which one, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: domain::ApiTokenId,
    pub scopes: domain::api_tokens::Scopes,
}

/// Who made the request, if anyone: set by [`load_session`] on every request.
#[derive(Debug, Clone, Default)]
pub struct CurrentUser(pub Option<SignedIn>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned().unwrap_or_default())
    }
}

/// For handlers behind a signed-in rule; the rule has already sent anyone else away.
impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .and_then(|c| c.0.clone())
            .ok_or_else(|| error_response(ErrorKind::NotFound))
    }
}

/// A new random token for a cookie or a link: 256 bits, hex.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What is stored in place of a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The session cookie's name: `__Host-` prefixed when users reach us over https.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.is_https() { SESSION_COOKIE_HTTPS } else { SESSION_COOKIE }
}

/// The `Set-Cookie` value for a session token (or, with `None`, one that removes it). Never a
/// `Domain`, always `Path=/`, as the `__Host-` prefix requires.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let name = session_cookie_name(state);
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = match token {
        Some(t) => format!("{name}={t}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).expect("tokens are hex")
}

/// Loads the session named by the cookie, ends it if it is too old or its user disabled, and
/// records who is making the request.
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // A request that carries an API token is authenticated by it alone: its cookies are
    // ignored, whatever they hold, and a bad token is never made up for by a session.
    // A peer instance posting a package presents the token we issued it, not an API token:
    // its handler checks it (ADR 0029), and nobody is signed in.
    if crate::federation::is_peer_post(&req) {
        req.extensions_mut().insert(CurrentUser(None));
        return next.run(req).await;
    }
    if let Some(credentials) = crate::api_tokens::bearer::credentials(req.headers()) {
        return crate::api_tokens::bearer::authenticate(&state, credentials, req, next).await;
    }
    let mut current = CurrentUser(None);
    let mut stale_cookie = false;
    let mut rotated = None;
    let name = session_cookie_name(&state);
    if let Some(token) = cookie_value(req.headers(), name).filter(|t| !t.is_empty()) {
        match load(&state, &token_hash(&token)).await {
            Ok(Some((mut signed_in, missing_factor, rotation_due))) => {
                if rotation_due && may_rotate(&req) {
                    match rotate(&state, &mut signed_in).await {
                        Ok(token) => rotated = token,
                        Err(e) => {
                            tracing::error!(error = %e, "session rotation failed");
                            return error_response(ErrorKind::Unavailable);
                        }
                    }
                }
                current = CurrentUser(Some(signed_in));
                if missing_factor {
                    req.extensions_mut().insert(SecondFactorMissing);
                }
            }
            Ok(None) => stale_cookie = true,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return error_response(ErrorKind::Unavailable);
            }
        }
    }
    req.extensions_mut().insert(current);
    let mut response = next.run(req).await;
    if let Some(token) = rotated {
        // Unless the handler itself replaced or ended the session (sign-out, say).
        if !sets_session_cookie(&response, name) {
            response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, Some(&token)));
        }
    } else if stale_cookie && !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, None));
    }
    response
}

fn sets_session_cookie(response: &Response, name: &str) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|c| c.strip_prefix(name).is_some_and(|r| r.starts_with('='))))
}

/// Whether a request may move its session to a new id: a page opened by the browser (a GET
/// without htmx), never a form being sent. A form carries an anti-forgery token bound to the
/// session id, so rotating under it would refuse what the user is sending; the next page they
/// open rotates instead. Fragments and script calls keep the page's token, so they wait too.
fn may_rotate(req: &Request) -> bool {
    (req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD)
        && !req.headers().contains_key("hx-request")
        && !req.uri().path().starts_with("/api/")
        && !req.uri().path().starts_with("/static/")
}

/// Moves the session to a new id (the user's rights changed, see
/// [`sessions::mark_rotation_due`]); `signed_in` goes on under it, and the new token is
/// returned for the cookie.
async fn rotate(state: &AppState, signed_in: &mut SignedIn) -> Result<Option<String>, StoreError> {
    let token = new_token();
    let hash = token_hash(&token);
    let organisation = signed_in.actor.organisation();
    let mut tx = state.db.begin_write().await?;
    let moved =
        sessions::rotate(&mut tx, &signed_in.token_hash, &hash, organisation, Ts::now()).await?;
    tx.commit().await?;
    if !moved {
        // Rotated or ended by a request running alongside: this one goes on as it was.
        return Ok(None);
    }
    signed_in.token_hash = hash;
    Ok(Some(token))
}

/// Set on requests of a user whose organisation requires a second factor they have not turned
/// on yet: until they do, only the pages that let them do it open.
#[derive(Debug, Clone, Copy)]
pub struct SecondFactorMissing;

/// The session, whether its user still lacks a second factor their organisation requires,
/// and whether its id is due to change.
async fn load(
    state: &AppState,
    hash: &[u8; 32],
) -> Result<Option<(SignedIn, bool, bool)>, StoreError> {
    let Some(row) = sessions::find(&state.db, hash).await? else { return Ok(None) };
    let now = Ts::now();
    // The active organisation decides how long a session may stay idle.
    let idle =
        row.session_idle_minutes.map(time::Duration::minutes).unwrap_or(state.config.session_idle);
    let idle_deadline = row.last_seen_at.get() + idle;
    // A lower absolute limit set by the organisation, or met after a switch, applies at once.
    let absolute_deadline = match row.session_absolute_hours {
        Some(hours) => {
            row.expires_at.get().min(row.created_at.get() + time::Duration::hours(hours))
        }
        None => row.expires_at.get(),
    };
    if row.user_disabled_at.is_some()
        || absolute_deadline <= now.get()
        || idle_deadline <= now.get()
    {
        sessions::delete(&state.db, hash).await?;
        return Ok(None);
    }
    // One write a minute at most per session, not one per request.
    if now.get() - row.last_seen_at.get() > time::Duration::minutes(1) {
        sessions::touch(&state.db, hash, now).await?;
    }
    let membership = match (row.active_organisation_id, row.role.as_deref().and_then(Role::parse)) {
        (Some(org), Some(role)) => {
            let organisation_id = OrganisationId::from_uuid(org);
            let teams =
                accounts::teams_of_membership(&state.db, row.user_id, organisation_id).await?;
            Some(ActiveMembership {
                organisation_id,
                role,
                teams: teams.iter().map(|(t, _)| *t).collect(),
                supervised_teams: teams.iter().filter(|(_, s)| *s).map(|(t, _)| *t).collect(),
            })
        }
        _ => None,
    };
    let missing_factor =
        row.require_second_factor == Some(true) && row.role.is_some() && !row.has_second_factor;
    let signed_in = SignedIn {
        token_hash: *hash,
        actor: Actor { user_id: row.user_id, instance_admin: row.instance_admin, membership },
        display_name: row.display_name,
        email: row.email,
        organisation_name: row.organisation_name.filter(|_| row.role.is_some()),
        time_zone: row.organisation_time_zone.filter(|_| row.role.is_some()),
        failed_logins_before: row.failed_logins_before,
        via_token: None,
        unread_notifications: row.unread_notifications,
        session_idle: idle,
    };
    Ok(Some((signed_in, missing_factor, row.rotation_due)))
}

/// A short description of the browser for the user's list of sessions ("Firefox, Linux").
/// Only this summary is kept, never the whole User-Agent.
pub fn device_summary(headers: &HeaderMap) -> String {
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let browser =
        [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map(|(_, name)| *name)
            .unwrap_or("?");
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name)
    .unwrap_or("?");
    format!("{browser}, {os}")
}

/// The session's user id, when one is signed in.
pub fn user_id(current: &CurrentUser) -> Option<UserId> {
    current.0.as_ref().map(|s| s.actor.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_summary_of_the_browser_is_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::USER_AGENT,
            HeaderValue::from_static("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"),
        );
        assert_eq!(device_summary(&h), "Chrome, Linux");
        assert_eq!(device_summary(&HeaderMap::new()), "?, ?");
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_ne!(hex::encode(token_hash(&a)), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
