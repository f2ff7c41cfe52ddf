//! Static files, embedded in the binary and served with a content hash in their URL, so a
//! browser may keep them for a year and still never use a stale one after an upgrade.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::errors::WebError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    hash: String,
}

pub struct Assets {
    assets: Vec<Asset>,
}

const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../static/favicon.svg")),
    ("session.js", "text/javascript; charset=utf-8", include_bytes!("../static/session.js")),
    // htmx 2.0.11 (Zero-Clause BSD), from the npm package htmx.org, unmodified.
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/htmx.min.js")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../static/app.js")),
    ("voice.js", "text/javascript; charset=utf-8", include_bytes!("../static/voice.js")),
];

impl Assets {
    pub fn load() -> Assets {
        let assets = FILES
            .iter()
            .map(|&(name, content_type, bytes)| Asset {
                name,
                content_type,
                bytes,
                hash: hex::encode(&Sha256::digest(bytes)[..8]),
            })
            .collect();
        Assets { assets }
    }

    fn get(&self, name: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.name == name)
    }

    /// `/static/app.css?v=…`; an unknown name is a bug in a template, caught by tests.
    pub fn url(&self, name: &str) -> String {
        match self.get(name) {
            Some(a) => format!("/static/{}?v={}", a.name, a.hash),
            None => {
                tracing::error!(asset = name, "unknown static asset");
                format!("/static/{name}")
            }
        }
    }
}

pub async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asset = state.assets.get(&name).ok_or(WebError::NotFound)?;
    let etag = format!("\"{}\"", asset.hash);
    let cache = if query.get("v") == Some(&asset.hash) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let mut response =
        if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            ([(header::CONTENT_TYPE, asset.content_type)], asset.bytes).into_response()
        };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header"));
    Ok(response)
}
