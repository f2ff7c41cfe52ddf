//! The JSON API under `/api/v1`. Every endpoint is registered through [`OpenApiRouter`], so
//! the OpenAPI document is generated from the same code that routes requests: an endpoint
//! cannot exist undocumented.

use std::sync::Arc;

use axum::http::Method;
use axum::{Extension, Json};
use domain::policy::Rule;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::middleware::{ApiErrorBody, ApiErrorDetail};
use crate::routes::{RouteRule, Routes};

/// The access rule of every API route, by method and path as in the OpenAPI document. A test
/// checks that each documented operation has one.
const RULES: &[(Method, &str, Rule)] =
    &[(Method::GET, "/api/v1", Rule::Public), (Method::GET, "/api/v1/openapi.json", Rule::Public)];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle API",
        description = "Case management for social work. Errors are `{\"error\": {\"code\", \"message\", \"request_id\"}}`; messages follow `Accept-Language` (fr, en).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(ApiErrorBody, ApiErrorDetail)),
    tags((name = "meta", description = "About this API"))
)]
struct ApiDoc;

/// The API's routes with their rules; the document describing them is served from them.
pub fn router() -> Routes {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(index))
        .routes(routes!(openapi_json))
        .split_for_parts();
    let rules = RULES
        .iter()
        .map(|(method, path, rule)| RouteRule { method: method.clone(), path, rule: *rule })
        .collect();
    Routes::new().with(router.layer(Extension(Arc::new(doc))), rules)
}

/// The OpenAPI document, for tests and tools.
pub fn openapi() -> OpenApiDoc {
    let (_, doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .routes(routes!(index))
        .routes(routes!(openapi_json))
        .split_for_parts();
    doc
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// Where this API's OpenAPI document is.
    pub openapi: &'static str,
}

/// What this API is and where its description lives.
#[utoipa::path(get, path = "/api/v1", tag = "meta", responses((status = 200, body = ApiInfo)))]
async fn index() -> Json<ApiInfo> {
    Json(ApiInfo {
        name: "Passerelle",
        version: env!("CARGO_PKG_VERSION"),
        openapi: "/api/v1/openapi.json",
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json"))
)]
async fn openapi_json(Extension(doc): Extension<Arc<OpenApiDoc>>) -> Json<OpenApiDoc> {
    Json(doc.as_ref().clone())
}
