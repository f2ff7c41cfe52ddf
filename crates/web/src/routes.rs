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
use domain::api_tokens::{Scope, token_may_use};
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
    /// The scope an API token needs here, besides the rule (see [`token_may_use`]).
    pub scope: Option<Scope>,
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
        self.add(Method::GET, path, rule, None, get(handler))
    }

    /// A GET route that API tokens may use only with `scope`.
    pub fn get_scoped<H, T>(
        self,
        path: &'static str,
        rule: Rule,
        scope: Scope,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, rule, Some(scope), get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, rule, None, post(handler))
    }

    /// A POST route that API tokens may use only with `scope`.
    pub fn post_scoped<H, T>(
        self,
        path: &'static str,
        rule: Rule,
        scope: Scope,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, rule, Some(scope), post(handler))
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        rule: Rule,
        scope: Option<Scope>,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        self.router = self.router.route(path, handler);
        self.rules.push(RouteRule { method, path, rule, scope });
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
pub struct RuleTable(HashMap<(Method, &'static str), (Rule, Option<Scope>)>);

impl RuleTable {
    pub fn new(rules: &[RouteRule]) -> RuleTable {
        RuleTable(rules.iter().map(|r| ((r.method.clone(), r.path), (r.rule, r.scope))).collect())
    }

    fn entry(&self, method: &Method, path: &str) -> Option<(Rule, Option<Scope>)> {
        // HEAD is answered by GET handlers, so it follows GET's rule.
        let method = if method == Method::HEAD { &Method::GET } else { method };
        self.0.iter().find(|((m, p), _)| m == method && *p == path).map(|(_, r)| *r)
    }

    pub fn get(&self, method: &Method, path: &str) -> Option<Rule> {
        self.entry(method, path).map(|(rule, _)| rule)
    }

    /// Whether some method of `path` is declared (a request with another method is the
    /// client's mistake, not a missing rule).
    pub fn has_path(&self, path: &str) -> bool {
        self.0.keys().any(|(_, p)| *p == path)
    }

    /// The scope an API token needs for the route, if it declares one.
    pub fn scope(&self, method: &Method, path: &str) -> Option<Scope> {
        self.entry(method, path).and_then(|(_, scope)| scope)
    }
}

/// Applies the route's rule to the signed-in user (or nobody). Runs after the session is loaded.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()) else {
        // Nothing matched: the fallback answers 404.
        return next.run(req).await;
    };
    let Some(rule) = state.rules.get(req.method(), &path) else {
        if state.rules.has_path(&path) {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        tracing::error!(route = %path, method = %req.method(), "route without an access rule refused");
        return error_response(ErrorKind::NotFound);
    };
    let signed_in = req.extensions().get::<CurrentUser>().and_then(|c| c.0.as_ref());
    let actor = signed_in.map(|s| s.actor.clone());
    // A request made with an API token is held to the token's scopes as well as the rule;
    // browser sessions are not.
    let grant = signed_in.and_then(|s| s.via_token.as_ref());
    match policy::check(rule, actor.as_ref()) {
        Decision::Allow => {
            if let Some(grant) = grant
                && !token_may_use(&grant.scopes, rule, state.rules.scope(req.method(), &path))
            {
                return error_response(ErrorKind::Forbidden);
            }
            // An organisation that requires a second factor lets its members in only once they
            // have one: until then, only the pages that set it up (and public ones) open.
            if rule != Rule::Public
                && req.extensions().get::<crate::auth::SecondFactorMissing>().is_some()
                && !SECOND_FACTOR_SETUP.contains(&path.as_str())
            {
                if path.starts_with("/api/") {
                    return error_response(ErrorKind::Forbidden);
                }
                let mut response = StatusCode::SEE_OTHER.into_response();
                response.headers_mut().insert(
                    header::LOCATION,
                    HeaderValue::from_static("/account/second-factor?required=1"),
                );
                return response;
            }
            next.run(req).await
        }
        Decision::Deny => error_response(ErrorKind::NotFound),
        Decision::SignInRequired => {
            if path.starts_with("/api/") {
                crate::api_tokens::bearer::unauthorized(false)
            } else {
                let mut response = StatusCode::SEE_OTHER.into_response();
                response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/login"));
                response
            }
        }
    }
}

/// What a user whose organisation requires a second factor may still open without one.
const SECOND_FACTOR_SETUP: &[&str] = &[
    "/account/second-factor",
    "/account/keep-alive",
    "/account/form-draft",
    "/account/form-draft/take",
    "/account/csrf-token",
    // Another organisation may not require it: switching there stays possible.
    "/account",
    "/account/organisation",
    "/logout",
    "/logout/everywhere",
];

/// Shared by the state so the middleware finds rules without rebuilding the table.
pub type SharedRules = Arc<RuleTable>;
