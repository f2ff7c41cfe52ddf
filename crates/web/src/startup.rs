//! The composition root: builds the router with its middleware, binds, serves until told to
//! stop, and lets in-flight requests finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use crate::routes::{Routes, RuleTable};
use crate::{
    AppState, WebConfig, account, api, assets, audit, auth, errors, home, language, middleware,
    notifications, organisation_settings, system,
};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

/// Every feature's routes with their access rules, with no middleware.
pub fn routes() -> Routes {
    Routes::new()
        .merge(home::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(notifications::router())
        .merge(organisation_settings::router())
        .merge(crate::persons::router())
        .merge(crate::intake::router())
        .merge(crate::cases::router())
        .merge(crate::ecomap::router())
        .merge(crate::budgets::router())
        .merge(crate::domiciliation::router())
        .merge(crate::plans::router())
        .merge(crate::caseloads::router())
        .merge(crate::statistics::router())
        .merge(crate::tasks::router())
        .merge(crate::appointments::router())
        .merge(system::router())
        .merge(language::router())
        .merge(api::router())
        .merge(crate::api_tokens::router())
        .merge(audit::router())
        .merge(crate::privacy::router())
        .merge(crate::subject_access::router())
        .merge(crate::admin::router())
        .merge(crate::assessments::router())
        .merge(crate::jobs::router())
        .merge(crate::documents::router())
        .merge(crate::voice_notes::router())
        .merge(crate::partners::router())
        .merge(crate::referrals::router())
        .merge(crate::aid::router())
        .merge(crate::federation::router())
        .get("/static/{name}", domain::policy::Rule::Public, assets::serve)
}

impl Application {
    /// Binds `bind` (port 0 picks a free port) and prepares the application.
    pub async fn build(
        config: WebConfig,
        db: store::Db,
        bind: SocketAddr,
    ) -> std::io::Result<Self> {
        Self::build_with(config, db, bind, Routes::new()).await
    }

    /// As [`Application::build`], with extra routes merged in (tests use it for probes such as
    /// a deliberately slow page).
    pub async fn build_with(
        config: WebConfig,
        db: store::Db,
        bind: SocketAddr,
        extra: Routes,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(bind).await?;
        let mut config = config;
        // A server told to pick its own port (`--bind 127.0.0.1:0`, the browser tests) would
        // otherwise hand out links to port 0 when no base URL is configured.
        if let Some(host) = config.base_url.strip_suffix(":0") {
            config.base_url = format!("{host}:{}", listener.local_addr()?.port());
        }
        let (router, rules) = routes().merge(extra).into_parts();
        let params = config.password_hashing;
        let dummy_hash = tokio::task::spawn_blocking(move || {
            domain::passwords::hash_password("no account has this password", params)
        })
        .await
        .map_err(std::io::Error::other)?;
        let state = AppState {
            db,
            config: Arc::new(config),
            i18n: Arc::new(crate::i18n::I18n::load()),
            assets: Arc::new(assets::Assets::load()),
            rules: Arc::new(RuleTable::new(&rules)),
            dummy_hash,
        };
        // Outermost first: every response gets an id and headers; errors are rendered in the
        // user's language; then who is asking, the anti-forgery check, the route's rule.
        let layers = ServiceBuilder::new()
            .layer(axum::middleware::from_fn(middleware::observe))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::security_headers,
            ))
            .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::render_errors))
            .layer(axum::middleware::from_fn_with_state(state.clone(), auth::load_session))
            .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::protect))
            .layer(axum::middleware::from_fn_with_state(state.clone(), crate::routes::authorize))
            .layer(CatchPanicLayer::custom(middleware::panic_response));
        let router = router.fallback(errors::not_found).layer(layers).with_state(state.clone());
        Ok(Application { listener, router, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then waits for in-flight requests and closes the
    /// database pool.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let db = self.state.db.clone();
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await?;
        db.close().await;
        Ok(())
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
