//! Probes for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use domain::policy::Rule;

use crate::AppState;
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new().get("/healthz", Rule::Public, healthz).get("/readyz", Rule::Public, readyz)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
