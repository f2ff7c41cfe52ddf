//! Anti-forgery tokens on every state-changing request, checked in one middleware.
//!
//! A signed-in user's token is an HMAC of their session id; before sign-in, of a random value
//! kept in its own cookie. Forms carry it in a hidden `csrf_token` field, htmx in the
//! `X-CSRF-Token` header. A file upload (`multipart/form-data`) carries the field as its first
//! part: only that part is read here, and the body is handed on unread past it. A request whose
//! token is missing or wrong is refused before any handler runs, so it changes nothing. API
//! requests authenticated by a bearer token are the one exception (see [`protect`]).

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use secrecy::ExposeSecret;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::auth::{CurrentUser, new_token};
use crate::errors::{ErrorKind, error_response};
use crate::i18n::cookie_value;

pub const CSRF_COOKIE: &str = "passerelle_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";
/// Forms larger than this are not read here (file uploads are multipart, read differently).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;
/// How much of a multipart body is read to find its first part, the token.
const MAX_MULTIPART_PREFIX: usize = 16 * 1024;

/// The token the current request's forms must carry.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new())))
    }
}

fn token_for(state: &AppState, purpose: &str, binding: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.config.secret_key.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
    mac.update(b"passerelle-csrf-v1|");
    mac.update(purpose.as_bytes());
    mac.update(b"|");
    mac.update(binding);
    hex::encode(mac.finalize().into_bytes())
}

/// The token the forms of a session must carry, for a page that answers with a session id
/// it just issued (the one the request came with is gone).
pub fn session_token(state: &AppState, session_hash: &[u8; 32]) -> String {
    token_for(state, "session", session_hash)
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let current = req.extensions().get::<CurrentUser>().cloned().unwrap_or_default();
    // A request authenticated by an API token carries no ambient credential a browser would
    // add by itself (the token is in a header the page's author had to set), so it cannot be
    // forged across sites: only such requests skip the check. A token that failed, or one sent
    // to a page, leaves nobody signed in, and the check applies as to anyone.
    if current.0.as_ref().is_some_and(|s| s.via_token.is_some()) {
        return next.run(req).await;
    }
    // Likewise a peer instance's post of a package: authenticated by the peer's token in its
    // header, never by a cookie (ADR 0029).
    if crate::federation::is_peer_post(&req) {
        return next.run(req).await;
    }
    let mut new_cookie = None;
    let expected = match &current.0 {
        Some(signed_in) => session_token(&state, &signed_in.token_hash),
        None => {
            let value = cookie_value(req.headers(), CSRF_COOKIE)
                .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                .unwrap_or_else(|| {
                    let v = new_token();
                    new_cookie = Some(v.clone());
                    v
                });
            token_for(&state, "anonymous", value.as_bytes())
        }
    };
    let mut req = req;
    if is_state_changing(req.method()) {
        let (provided, rebuilt) = provided_token(req).await;
        let Some(rebuilt) = rebuilt else { return error_response(ErrorKind::CsrfRejected) };
        req = rebuilt;
        let ok = provided.is_some_and(|p| bool::from(p.as_bytes().ct_eq(expected.as_bytes())));
        if !ok {
            tracing::warn!("request refused: anti-forgery token missing or wrong");
            return error_response(ErrorKind::CsrfRejected);
        }
    }
    req.extensions_mut().insert(CsrfToken(expected));
    let mut response = next.run(req).await;
    if let Some(value) = new_cookie {
        let secure = if state.config.is_https() { "; Secure" } else { "" };
        let cookie = format!("{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}");
        response
            .headers_mut()
            .append(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("hex"));
    }
    response
}

/// The token from the header, or from the form body (which is read and put back). `None` for
/// the request means the body could not be read.
async fn provided_token(req: Request) -> (Option<String>, Option<Request>) {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return (Some(v.to_owned()), Some(req));
    }
    if let Some(boundary) = multipart_boundary(req.headers()) {
        return multipart_token(req, &boundary).await;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (None, Some(req));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else { return (None, None) };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| fields.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
    (token, Some(Request::from_parts(parts, Body::from(bytes))))
}

/// The boundary of a `multipart/form-data` body, if the request has one.
fn multipart_boundary(headers: &axum::http::HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_owned())
        })
        // RFC 2046: 1 to 70 characters.
        .filter(|b| (1..=70).contains(&b.len()))
}

/// What the start of a multipart body says about its first part.
#[derive(Debug, PartialEq, Eq)]
enum FirstPart {
    /// Not all of it read yet.
    Incomplete,
    /// The `csrf_token` field, with its value.
    Token(String),
    /// Something else, or not multipart as announced.
    NoToken,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn first_part(buf: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}");
    let Some(start) = find(buf, delimiter.as_bytes()) else { return FirstPart::Incomplete };
    let after = &buf[start + delimiter.len()..];
    let Some(headers_end) = find(after, b"\r\n\r\n") else { return FirstPart::Incomplete };
    let value = &after[headers_end + 4..];
    let Some(value_end) = find(value, format!("\r\n{delimiter}").as_bytes()) else {
        return FirstPart::Incomplete;
    };
    let Ok(headers) = std::str::from_utf8(&after[..headers_end]) else { return FirstPart::NoToken };
    let is_token = headers.lines().any(|line| {
        let Some((name, params)) = line.split_once(':') else { return false };
        name.trim().eq_ignore_ascii_case("content-disposition")
            && params.split(';').any(|p| p.trim() == format!("name=\"{CSRF_FIELD}\""))
            && !params.contains("filename")
    });
    match (is_token, std::str::from_utf8(&value[..value_end])) {
        (true, Ok(token)) => FirstPart::Token(token.to_owned()),
        _ => FirstPart::NoToken,
    }
}

/// The token from the first part of a multipart body. Only the frames up to the end of that
/// part are read (a few hundred bytes): the body handed on is what was read, followed by the
/// rest of the stream as it arrives, so a large file is never held here.
async fn multipart_token(req: Request, boundary: &str) -> (Option<String>, Option<Request>) {
    let (parts, mut body) = req.into_parts();
    let mut prefix: Vec<u8> = Vec::new();
    let token = loop {
        match first_part(&prefix, boundary) {
            FirstPart::Token(t) => break Some(t),
            FirstPart::NoToken => break None,
            FirstPart::Incomplete if prefix.len() > MAX_MULTIPART_PREFIX => break None,
            FirstPart::Incomplete => {}
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    prefix.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => return (None, None),
            None => break None,
        }
    };
    let read = Bytes::from(prefix);
    let rest = body.into_data_stream();
    let body = futures_util::stream::once(async move { Ok::<_, axum::Error>(read) }).chain(rest);
    (token, Some(Request::from_parts(parts, Body::from_stream(body))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nNom\r\n--XyZ--\r\n";

    #[test]
    fn the_token_is_the_first_part_once_it_is_complete() {
        assert_eq!(first_part(BODY, "XyZ"), FirstPart::Token("abc123".into()));
        for cut in [0, 10, 50, 60] {
            assert_eq!(first_part(&BODY[..cut], "XyZ"), FirstPart::Incomplete, "{cut}");
        }
        let file_first = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf_token\"\r\n\r\nx\r\n--XyZ--";
        assert_eq!(first_part(file_first, "XyZ"), FirstPart::NoToken);
    }

    #[test]
    fn the_boundary_is_read_from_the_content_type() {
        let mut headers = axum::http::HeaderMap::new();
        let mut with = |ct: &str| {
            headers.insert(header::CONTENT_TYPE, ct.parse().unwrap());
            multipart_boundary(&headers)
        };
        assert_eq!(with("multipart/form-data; boundary=XyZ").as_deref(), Some("XyZ"));
        assert_eq!(
            with("Multipart/Form-Data; charset=utf-8; Boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(with("application/x-www-form-urlencoded"), None);
        assert_eq!(with("multipart/form-data"), None);
    }
}
