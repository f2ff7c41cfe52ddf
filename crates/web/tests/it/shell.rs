//! The web shell: pages in both languages, errors, headers, assets, probes, the API skeleton,
//! logs and shutdown.

use std::time::Duration;

use domain::policy::Rule;
use testkit::engine_tests;
use web::routes::Routes;

use crate::helpers::{CHEAP, TestApp, logs, test_config, visible_text};

engine_tests! {
    async fn the_home_page_shows_real_counts_in_french_by_default(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("first-admin@x.example", "correct horse battery staple", None).await;
        app.sign_in("first-admin@x.example", "correct horse battery staple").await;
        let empty = app.get("/").await.text().await.unwrap();
        assert!(empty.contains("<html lang=\"fr\">"));
        assert!(visible_text(&empty).contains("Aucune structure n'est encore enregistrée"));
        store::demo::seed(&app.state.db, store::demo::DEFAULT_SEED, CHEAP).await.unwrap();
        let res = app.get("/").await;
        assert_eq!(res.status(), 200);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Bienvenue sur Passerelle"), "{text}");
        assert!(text.contains("3 structures"), "{text}");
        assert!(text.contains("10 équipes"), "{text}");
        assert!(text.contains("Association Le Relais le-relais 3 Europe/Paris"), "{text}");
    }

    async fn pages_follow_accept_language(db) {
        let app = TestApp::spawn(db).await;
        let html = app.get_lang("/login", "en-GB,en;q=0.9").await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">"));
        let text = visible_text(&html);
        assert!(text.contains("Sign in to Passerelle") && text.contains("Password"), "{text}");
        let fr = visible_text(&app.get_lang("/login", "fr-FR").await.text().await.unwrap());
        assert!(fr.contains("Se connecter à Passerelle") && fr.contains("Mot de passe"), "{fr}");
        let korean = app.get_lang("/login", "ko-KR").await.text().await.unwrap();
        assert!(korean.contains("<html lang=\"ko\">"));
        assert!(korean.contains("본문으로 건너뛰기"));
        assert!(korean.contains("Sign in to Passerelle"), "missing Korean messages fall back to English");
    }

    async fn the_language_switch_is_remembered_and_returns_to_the_page(db) {
        let app = TestApp::spawn(db).await;
        let res = app
            .client
            .get(app.url("/language/en"))
            .header("referer", app.url("/some/page?x=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/some/page?x=1");
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("passerelle_lang=en;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "no Secure flag over plain http: {cookie}");
        let html = app.get_lang("/login", "fr-FR").await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">"), "the choice beats the browser's preference");
        let res = app.client.get(app.url("/language/en")).header("referer", "https://evil.example/").send().await.unwrap();
        assert_eq!(res.headers()["location"], "/", "never sends the user to another site");
        assert_eq!(app.get("/language/de").await.status(), 404);
    }

    async fn unknown_pages_answer_404_in_the_users_language(db) {
        let app = TestApp::spawn(db).await;
        let res = app.get_lang("/no/such/page", "en").await;
        assert_eq!(res.status(), 404);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Page not found"), "{text}");
        let fr = visible_text(&app.get("/no/such/page").await.text().await.unwrap());
        assert!(fr.contains("Page introuvable"), "{fr}");
    }

    async fn api_errors_are_json_with_a_code_and_a_translated_message(db) {
        let app = TestApp::spawn(db).await;
        let res = app.get_lang("/api/v1/nothing-here", "fr").await;
        assert_eq!(res.status(), 404);
        let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(body["error"]["message"], "Ressource introuvable.");
        assert_eq!(body["error"]["request_id"], request_id.as_str());
    }

    async fn the_openapi_document_describes_every_api_route(db) {
        let app = TestApp::spawn(db).await;
        let info: serde_json::Value = app.get("/api/v1").await.json().await.unwrap();
        assert_eq!(info["name"], "Passerelle");
        let res = app.get("/api/v1/openapi.json").await;
        assert_eq!(res.status(), 200);
        let doc: serde_json::Value = res.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for path in paths.keys() {
            let concrete = path.replace(['{', '}'], "");
            assert_ne!(app.get(&concrete).await.status(), 404, "documented path {path} is routed");
        }
        assert!(paths.contains_key("/api/v1") && paths.contains_key("/api/v1/openapi.json"));
        for path in [
            "/api/v1/persons",
            "/api/v1/persons/search",
            "/api/v1/persons/{person_id}",
            "/api/v1/households",
            "/api/v1/households/{household_id}",
            "/api/v1/households/{household_id}/members",
        ] {
            assert!(paths.contains_key(path), "{path} is documented");
        }
        assert!(doc["components"]["schemas"]["ApiErrorBody"].is_object());
    }

    async fn pages_carry_strict_security_headers_and_are_never_cached(db) {
        let app = TestApp::spawn(db).await;
        let res = app.get("/login").await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert_eq!(h["cache-control"], "no-store");
        assert!(h.get("strict-transport-security").is_none(), "HSTS only over https");
        assert!(uuid::Uuid::parse_str(h["x-request-id"].to_str().unwrap()).is_ok());
        let other = app.get("/login").await;
        assert_ne!(other.headers()["x-request-id"], h["x-request-id"], "one id per request");
    }

    async fn behind_https_cookies_are_secure_and_hsts_is_sent(db) {
        let config = web::WebConfig { base_url: "https://passerelle.example.org".into(), ..test_config() };
        let app = TestApp::spawn_configured(db, config, Routes::new()).await;
        let res = app.get("/language/en").await;
        let cookie = res.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("; Secure"), "{cookie}");
        let page = app.get("/login").await;
        assert!(page.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    }

    async fn static_assets_are_versioned_cached_and_revalidated(db) {
        let app = TestApp::spawn(db).await;
        let html = app.get("/login").await.text().await.unwrap();
        let start = html.find("/static/app.css?v=").unwrap();
        let url = &html[start..html[start..].find('"').unwrap() + start];
        let res = app.get(url).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
        assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        let etag = res.headers()["etag"].clone();
        assert!(res.text().await.unwrap().contains(":focus-visible"));
        let stale = app.get("/static/app.css?v=old").await;
        assert_eq!(stale.headers()["cache-control"], "public, max-age=0, must-revalidate");
        let again = app.client.get(app.url("/static/app.css")).header("if-none-match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(app.get("/static/nothing.js").await.status(), 404);
    }

    async fn probes_report_the_process_and_the_database(db) {
        let app = TestApp::spawn(db).await;
        assert_eq!(app.get("/healthz").await.text().await.unwrap(), "ok");
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200);
        app.state.db.close().await;
        assert_eq!(app.get("/readyz").await.status(), 503, "not ready without its database");
        assert_eq!(app.get("/healthz").await.status(), 200, "but the process is alive");
    }

    async fn a_database_failure_shows_an_error_page_with_a_reference(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("someone@x.example", "correct horse battery staple", None).await;
        app.sign_in("someone@x.example", "correct horse battery staple").await;
        app.state.db.close().await;
        let res = app.get("/").await;
        assert_eq!(res.status(), 503, "the session cannot be checked without the database");
        let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Une erreur est survenue"), "{text}");
        assert!(text.contains(&id), "the page shows the reference to give the administrator");
        assert!(logs().contents().contains(&format!("request_id={id}")), "the cause is logged with the id");
    }

    async fn a_panicking_handler_gives_the_error_page_and_logs_no_detail(db) {
        let probe = Routes::new().get("/test/panic", Rule::Public, || async {
            panic!("CANARY-panic-detail");
            #[allow(unreachable_code)] // The closure must still have a handler's type.
            ""
        });
        let app = TestApp::spawn_with(db, probe).await;
        let res = app.get_lang("/test/panic", "en").await;
        assert_eq!(res.status(), 500);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Something went wrong"), "{text}");
        assert_eq!(app.get("/healthz").await.status(), 200, "the server survives");
        assert!(!logs().contents().contains("CANARY-panic-detail"));
    }

    async fn logs_never_hold_query_strings_raw_paths_or_headers(db) {
        let app = TestApp::spawn(db).await;
        app.get("/?q=CANARY-query-Dupont").await;
        app.get("/language/fr?next=CANARY-next").await;
        app.get("/persons/CANARY-path-Martin").await;
        app.client
            .get(app.url("/"))
            .header("cookie", "session=CANARY-cookie")
            .header("authorization", "Bearer CANARY-token")
            .header("user-agent", "CANARY-agent")
            .send()
            .await
            .unwrap();
        let logged = logs().contents();
        assert!(logged.contains("route=/language/{tag}"), "requests are logged by route pattern");
        assert!(!logged.contains("CANARY"), "a canary leaked into the logs");
    }

    async fn shutdown_lets_requests_in_flight_finish(db) {
        let slow = Routes::new().get("/test/slow", Rule::Public, || async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            "done"
        });
        let mut app = TestApp::spawn_with(db, slow).await;
        let request = tokio::spawn({
            let client = app.client.clone();
            let url = app.url("/test/slow");
            async move { client.get(url).send().await.unwrap().text().await.unwrap() }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        app.stop().await.unwrap();
        assert_eq!(request.await.unwrap(), "done", "the in-flight request completed");
        assert!(started.elapsed() >= Duration::from_millis(200), "the server waited for it");
        assert!(reqwest::get(app.url("/healthz")).await.is_err(), "and then stopped listening");
    }
}
