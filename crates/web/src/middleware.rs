//! What every request goes through: a request id and one log line, security headers, errors
//! rendered in the user's language.

use std::time::Instant;

use askama::Template;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tracing::Instrument;

use crate::AppState;
use crate::chrome::Chrome;
use crate::errors::{ErrorKind, ErrorMarker};
use crate::i18n::{Locale, Tr};

/// Identifies one request in logs and on error pages; sent back as `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Strict by default: no inline script or style anywhere, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Gives the request an id and a span, and logs one line when it ends: method, route pattern
/// (never the raw path or query string, which may hold a secret or a name), status, duration.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let id = uuid::Uuid::now_v7().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let quiet = route == "/healthz" || route == "/readyz";
    let span =
        tracing::info_span!("request", request_id = %id, method = %req.method(), route = %route);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    span.in_scope(|| {
        if quiet {
            tracing::debug!(status, ms, "request finished");
        } else {
            tracing::info!(status, ms, "request finished");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    // A handler may set a policy of its own, stricter or for one more need (a document's page
    // frames its PDF preview, the preview is framed by it: crate::documents).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), geolocation=(), payment=(), usb=()"),
    );
    // Pages may hold personal data: nothing is cached unless a handler says otherwise
    // (static assets do).
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: String,
    text: String,
    request_id: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable, machine-readable: `not_found`, `internal`, `unavailable`…
    pub code: &'static str,
    /// For people, in the language of `Accept-Language`.
    pub message: String,
    pub request_id: String,
}

/// Fills the body of error responses (see [`crate::errors`]).
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = Locale::for_request(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    let response = next.run(req).await;
    let Some(ErrorMarker(kind)) = response.extensions().get::<ErrorMarker>().copied() else {
        return response;
    };
    let t = Tr::new(state.i18n.clone(), locale);
    let status = kind.status();
    if is_api {
        let message_id = match kind {
            ErrorKind::NotFound => "api-error-not-found",
            ErrorKind::Unauthorized => "api-error-unauthorized",
            ErrorKind::CsrfRejected => "api-error-csrf",
            ErrorKind::Forbidden => "api-error-forbidden",
            ErrorKind::Internal => "api-error-internal",
            ErrorKind::Unavailable => "api-error-unavailable",
        };
        let body = ApiErrorBody {
            error: ApiErrorDetail { code: kind.code(), message: t.msg(message_id), request_id },
        };
        let mut rendered = (status, axum::Json(body)).into_response();
        // A 401 says how to authenticate (RFC 6750).
        if let Some(challenge) = response.headers().get(header::WWW_AUTHENTICATE) {
            rendered.headers_mut().insert(header::WWW_AUTHENTICATE, challenge.clone());
        }
        return rendered;
    }
    let (title, text) = match kind {
        // Pages never answer Forbidden (a denial is "not found"); only API tokens do.
        ErrorKind::NotFound | ErrorKind::Unauthorized | ErrorKind::Forbidden => {
            ("error-404-title", "error-404-text")
        }
        ErrorKind::CsrfRejected => ("error-csrf-title", "error-csrf-text"),
        ErrorKind::Internal | ErrorKind::Unavailable => ("error-500-title", "error-500-text"),
    };
    let page = ErrorPage {
        title: t.msg(title),
        text: t.msg(text),
        request_id: matches!(kind, ErrorKind::Internal | ErrorKind::Unavailable)
            .then_some(request_id),
        chrome: Chrome::anonymous(t, &state),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            status.into_response()
        }
    }
}

/// A panic in a handler becomes the ordinary error page. The panic's message is not logged
/// here (it may quote data); the panic hook logs where it happened.
pub fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    crate::errors::error_response(ErrorKind::Internal)
}
