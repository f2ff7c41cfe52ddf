//! The language switcher: a plain link that remembers the choice in a cookie and goes back to
//! the page the user was on. It works without JavaScript and carries nothing personal.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::policy::Rule;

use crate::AppState;
use crate::errors::WebError;
use crate::i18n::{LANG_COOKIE, Locale};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new().get("/language/{tag}", Rule::Public, switch)
}

async fn switch(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let locale = Locale::ALL.into_iter().find(|l| l.tag() == tag).ok_or(WebError::NotFound)?;
    let back = same_origin_path(&headers).unwrap_or_else(|| "/".to_owned());
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.tag()
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    let h = response.headers_mut();
    h.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ASCII cookie"));
    h.insert(
        header::LOCATION,
        HeaderValue::from_str(&back).unwrap_or(HeaderValue::from_static("/")),
    );
    Ok(response)
}

/// The path (and query) of the `Referer`, when it is a page of this same site. Anything else —
/// another host, a scheme-relative `//host` — sends the user home instead of elsewhere.
fn same_origin_path(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer.strip_prefix("http://").or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if !authority.eq_ignore_ascii_case(host)
        || path.starts_with("//")
        || path.starts_with("/language/")
    {
        return None;
    }
    Some(if path.is_empty() { "/".to_owned() } else { path.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str, referer: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        h.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        h
    }

    #[test]
    fn goes_back_to_a_page_of_the_same_site() {
        let h = headers("127.0.0.1:8080", "http://127.0.0.1:8080/cases/018f?tab=plan");
        assert_eq!(same_origin_path(&h).as_deref(), Some("/cases/018f?tab=plan"));
        assert_eq!(same_origin_path(&headers("h", "https://h")).as_deref(), Some("/"));
    }

    #[test]
    fn never_redirects_to_another_site() {
        assert_eq!(same_origin_path(&headers("h", "https://evil.example/x")), None);
        assert_eq!(same_origin_path(&headers("h", "https://h//evil.example/x")), None);
        assert_eq!(same_origin_path(&headers("h", "javascript:alert(1)")), None);
        assert_eq!(same_origin_path(&HeaderMap::new()), None);
    }
}
