//! Every route with its access rule, declared together, enforced in one middleware.
//!
//! Features build their routers with [`Routes`], which records `(method, path, rule)` as it
//! registers each handler; the application refuses (404, logged) any matched route that has no
//! recorded rule, so a route cannot be reachable without a decision from [`domain::policy`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use domain::policy::{self, Decision, Rule};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::errors::{ErrorKind, error_response};

/// One declared route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub rule: Rule,
}

/// A feature's routes and their rules.
pub struct Routes {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes { router: Router::new(), rules: Vec::new() }
    }

    pub fn get<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, rule, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, rule, post(handler))
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        rule: Rule,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        self.router = self.router.route(path, handler);
        self.rules.push(RouteRule { method, path, rule });
        self
    }

    /// Routes built elsewhere (the OpenAPI router) with their declared rules.
    pub fn with(mut self, router: Router<AppState>, rules: Vec<RouteRule>) -> Routes {
        self.router = self.router.merge(router);
        self.rules.extend(rules);
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.rules.extend(other.rules);
        self
    }

    pub fn rules(&self) -> &[RouteRule] {
        &self.rules
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteRule>) {
        (self.router, self.rules)
    }
}

/// The rules by method and path pattern, for the middleware.
#[derive(Debug, Default)]
pub struct RuleTable(HashMap<(Method, &'static str), Rule>);

impl RuleTable {
    pub fn new(rules: &[RouteRule]) -> RuleTable {
        RuleTable(rules.iter().map(|r| ((r.method.clone(), r.path), r.rule)).collect())
    }

    pub fn get(&self, method: &Method, path: &str) -> Option<Rule> {
        // HEAD is answered by GET handlers, so it follows GET's rule.
        let method = if method == Method::HEAD { &Method::GET } else { method };
        self.0.iter().find(|((m, p), _)| m == method && *p == path).map(|(_, r)| *r)
    }
}

/// Applies the route's rule to the signed-in user (or nobody). Runs after the session is loaded.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()) else {
        // Nothing matched: the fallback answers 404.
        return next.run(req).await;
    };
    let Some(rule) = state.rules.get(req.method(), &path) else {
        tracing::error!(route = %path, method = %req.method(), "route without an access rule refused");
        return error_response(ErrorKind::NotFound);
    };
    let actor =
        req.extensions().get::<CurrentUser>().and_then(|c| c.0.as_ref()).map(|s| s.actor.clone());
    match policy::check(rule, actor.as_ref()) {
        Decision::Allow => next.run(req).await,
        Decision::Deny => error_response(ErrorKind::NotFound),
        Decision::SignInRequired => {
            if path.starts_with("/api/") {
                error_response(ErrorKind::Unauthorized)
            } else {
                let mut response = StatusCode::SEE_OTHER.into_response();
                response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/login"));
                response
            }
        }
    }
}

/// Shared by the state so the middleware finds rules without rebuilding the table.
pub type SharedRules = Arc<RuleTable>;
