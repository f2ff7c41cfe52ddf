//! The web layer's one error type, mapped to a response in one place.
//!
//! A handler returns `WebError`; its response carries only an [`ErrorMarker`]. The
//! [`crate::middleware::render_errors`] middleware, which knows the request's language and id,
//! turns the marker into a page (or a JSON error under `/api/`). So every error, including the
//! router's 404 and a caught panic, is shown the same way.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    /// No valid credentials (API only; pages redirect to the sign-in page).
    Unauthorized,
    /// The form's anti-forgery token is missing or wrong.
    CsrfRejected,
    /// Valid credentials that do not allow this (API only: an API token without the route's
    /// scope).
    Forbidden,
    Internal,
    Unavailable,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::CsrfRejected => StatusCode::FORBIDDEN,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable code in JSON errors.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::CsrfRejected => "csrf_rejected",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Internal => "internal",
            ErrorKind::Unavailable => "unavailable",
        }
    }
}

/// Asks the error-rendering middleware to fill in the body.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker(pub ErrorKind);

pub fn error_response(kind: ErrorKind) -> Response {
    let mut response = kind.status().into_response();
    response.extensions_mut().insert(ErrorMarker(kind));
    response
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Unknown, or not for this user: the same answer, so nothing leaks.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A failure that is ours, described for the log (never with the request's data).
    #[error("{0}")]
    Internal(&'static str),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => error_response(ErrorKind::NotFound),
            WebError::Store(e) => {
                // The request id is on the span; the cause, never the request's data.
                tracing::error!(error = %e, "request failed");
                error_response(ErrorKind::Internal)
            }
            WebError::Internal(what) => {
                tracing::error!(error = what, "request failed");
                error_response(ErrorKind::Internal)
            }
        }
    }
}

/// The router's fallback: a page in the user's language.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
