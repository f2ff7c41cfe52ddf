//! Authentication by API token: `Authorization: Bearer psl_…`.
//!
//! A token opens the JSON API only (`/api/…`): on pages, whose forms it could otherwise post
//! without an anti-forgery token, a token signs nobody in. On the API, the token is the only
//! credential looked at — cookies are ignored — and a malformed, unknown, revoked or expired
//! token, or one whose user or membership is disabled, gets 401 whatever else the request
//! carries. Every use is audited before the request runs: if the event cannot be written, the
//! request is refused.

use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use domain::api_tokens::TokenSecret;
use domain::audit::AuditAction;
use domain::policy::{ActiveMembership, Actor};
use store::audit::NewAuditEvent;
use store::{StoreError, Ts, accounts, api_tokens};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::{CurrentUser, SignedIn, TokenGrant};
use crate::errors::{ErrorKind, error_response};

/// What follows `Bearer ` in the `Authorization` header, when the request has one (the scheme
/// is case-insensitive). Other schemes are not ours and leave the request to its cookies.
pub fn credentials(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim_start().split_once(' ').unwrap_or((value.trim(), ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim().to_owned())
}

/// The answer to a request without valid credentials on the API: 401 with the challenge
/// RFC 6750 asks for (`error="invalid_token"` when a token was sent but is not valid).
pub fn unauthorized(invalid_token: bool) -> Response {
    let mut response = error_response(ErrorKind::Unauthorized);
    let challenge = if invalid_token {
        r#"Bearer realm="passerelle", error="invalid_token""#
    } else {
        r#"Bearer realm="passerelle""#
    };
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// Authenticates a request that carries a bearer token; see the module's documentation.
pub async fn authenticate(
    state: &AppState,
    credentials: String,
    mut req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/api/") {
        req.extensions_mut().insert(CurrentUser(None));
        return next.run(req).await;
    }
    let Some(secret) = TokenSecret::parse(&credentials) else {
        tracing::info!("API request refused: malformed token");
        return unauthorized(true);
    };
    let (signed_in, last_used) = match load(state, &secret).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            tracing::info!("API request refused: unknown, revoked or expired token");
            return unauthorized(true);
        }
        Err(e) => {
            tracing::error!(error = %e, "token lookup failed");
            return error_response(ErrorKind::Unavailable);
        }
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let (mut parts, body) = req.into_parts();
    let Ok(meta) = RequestMeta::from_request_parts(&mut parts, state).await;
    let mut req = Request::from_parts(parts, body);
    if let Err(e) = record_use(state, &meta, &signed_in, last_used, &route, &method).await {
        tracing::error!(error = %e, "token use could not be audited; request refused");
        return error_response(ErrorKind::Unavailable);
    }
    req.extensions_mut().insert(CurrentUser(Some(signed_in)));
    next.run(req).await
}

/// The user a token acts for, as the membership of the token's organisation allows; `None`
/// when the token, its user or that membership is not (or no longer) valid.
/// Also gives when the token was last used.
async fn load(
    state: &AppState,
    secret: &TokenSecret,
) -> Result<Option<(SignedIn, Option<Ts>)>, StoreError> {
    let hash = secret.hash();
    let Some(row) = api_tokens::find_active_by_hash(&state.db, &hash, Ts::now()).await? else {
        return Ok(None);
    };
    let Some(role) = row.role() else { return Ok(None) };
    // A disabled user, or one whose organisation now requires a second factor they have not
    // set up, cannot act through a token either.
    if row.user_disabled_at.is_some() || (row.require_second_factor && !row.has_second_factor) {
        return Ok(None);
    }
    let teams = accounts::teams_of_membership(&state.db, row.user_id, row.organisation_id).await?;
    let membership = ActiveMembership {
        organisation_id: row.organisation_id,
        role,
        teams: teams.iter().map(|(t, _)| *t).collect(),
        supervised_teams: teams.iter().filter(|(_, s)| *s).map(|(t, _)| *t).collect(),
    };
    let signed_in = SignedIn {
        // No session: the token's own hash stands in, so nothing can mistake it for one.
        token_hash: hash,
        actor: Actor {
            user_id: row.user_id,
            // A token acts through one membership, never with instance-wide rights.
            instance_admin: false,
            membership: Some(membership),
        },
        display_name: row.display_name,
        email: row.email,
        organisation_name: Some(row.organisation_name),
        // The API speaks UTC (RFC 3339); pages use the organisation's zone.
        time_zone: None,
        failed_logins_before: 0,
        unread_notifications: 0,
        session_idle: state.config.session_idle,
        via_token: Some(TokenGrant { id: row.token_id, scopes: row.scopes }),
    };
    Ok(Some((signed_in, row.last_used_at)))
}

/// Appends the `token_used` event (the token's id, the route pattern and method — never the
/// token) and, at most once a minute, the token's last use, in one transaction.
async fn record_use(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    last_used: Option<Ts>,
    route: &str,
    method: &str,
) -> Result<(), StoreError> {
    let grant = signed_in.via_token.as_ref().expect("a token's request has a grant");
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    // Checked here to spare a statement; `touch` checks again, for concurrent requests.
    if last_used.is_none_or(|t| now.get() - t.get() >= api_tokens::TOUCH_INTERVAL) {
        api_tokens::touch(&mut tx, grant.id, now).await?;
    }
    let event = NewAuditEvent::new(AuditAction::TokenUsed, signed_in.actor.organisation())
        .by(signed_in.actor.user_id)
        .on("api_token", grant.id.as_uuid())
        .detail("route", route)
        .detail("method", method);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn only_the_bearer_scheme_is_read_whatever_its_case() {
        assert_eq!(credentials(&headers("Bearer psl_abc")), Some("psl_abc".into()));
        assert_eq!(credentials(&headers("bearer  psl_abc ")), Some("psl_abc".into()));
        assert_eq!(credentials(&headers("Bearer")), Some(String::new()), "an empty token is one");
        assert_eq!(credentials(&headers("Basic dXNlcjpwYXNz")), None);
        assert_eq!(credentials(&HeaderMap::new()), None);
    }
}
