//! API tokens: bearer authentication of /api/v1, scopes, the CSRF exemption, the audit of every
//! use, and the page where users create, list and revoke their tokens — each on SQLite and
//! PostgreSQL.

use axum::Json;
use domain::accounts::Role;
use domain::api_tokens::{Scope, TokenSecret};
use domain::audit::AuditAction;
use domain::policy::Rule;
use reqwest::Method;
use serde_json::Value;
use store::audit::{AuditEvent, AuditFilter, AuditScope};
use store::{Ts, accounts, organisations};
use testkit::engine_tests;
use web::routes::Routes;

use crate::helpers::{TestApp, csrf_in, logs, visible_text};

const PASSWORD: &str = "correct horse battery staple";

fn in_days(days: i64) -> Ts {
    Ts::from(Ts::now().get() + time::Duration::days(days))
}

/// Test-only API routes: one per kind of guard a real endpoint may declare.
fn probes() -> Routes {
    async fn ok() -> Json<Value> {
        Json(serde_json::json!({ "ok": true }))
    }
    Routes::new()
        .get_scoped("/api/v1/test/persons", Rule::SignedIn, Scope::PersonsRead, ok)
        .post_scoped("/api/v1/test/persons", Rule::SignedIn, Scope::PersonsWrite, ok)
        .get("/api/v1/test/managers", Rule::Roles(&[Role::Manager]), ok)
}

async fn events_of(app: &TestApp, action: AuditAction) -> Vec<AuditEvent> {
    let filter = AuditFilter { action: Some(action), ..AuditFilter::new(AuditScope::Everything) };
    store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events
}

/// Runs `UPDATE … SET disabled_at = now WHERE <column> = $2`, as an administrator would.
async fn disable(app: &TestApp, sql: &str, id: uuid::Uuid) {
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query(sql).bind(Ts::now()).bind(id).execute(p).await.map(drop)
        }
        store::Db::Postgres(p) => {
            sqlx::query(sql).bind(Ts::now()).bind(id).execute(p).await.map(drop)
        }
    }
    .unwrap();
}

async fn require_second_factor(app: &TestApp, organisation: uuid::Uuid, required: bool) {
    let sql = "UPDATE organisations SET require_second_factor = $1 WHERE id = $2";
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query(sql).bind(required).bind(organisation).execute(p).await.map(drop)
        }
        store::Db::Postgres(p) => {
            sqlx::query(sql).bind(required).bind(organisation).execute(p).await.map(drop)
        }
    }
    .unwrap();
}

/// The token shown on the creation page.
fn shown_token(html: &str) -> String {
    let at = html.find("psl_").expect("a token on the page");
    let token = &html[at..at + 68];
    assert!(TokenSecret::parse(token).is_some(), "{token}");
    token.to_owned()
}

async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

engine_tests! {
    async fn me_with_a_valid_token_returns_the_user_organisation_role_and_scopes(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let org = organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        let (_, token) = app.api_token(camille, "ccas-a", "cases:read, persons:read", in_days(30)).await;
        let res = app.bearer(Method::GET, "/api/v1/me", &token).await;
        assert_eq!(res.status(), 200);
        let me = json(res).await;
        assert_eq!(me["user"]["id"], camille.to_string());
        assert_eq!(me["user"]["email"], "camille@x.example");
        assert_eq!(me["user"]["name"], "Test User");
        assert_eq!(me["organisation"]["id"], org.id.to_string());
        assert_eq!(me["organisation"]["name"], "ccas-a");
        assert_eq!(me["role"], "worker");
        assert_eq!(me["instance_admin"], false);
        assert_eq!(me["scopes"], serde_json::json!(["persons:read", "cases:read"]));
        // The same user in a browser: their own rights, no scopes.
        app.sign_in("camille@x.example", PASSWORD).await;
        let browser = json(app.get("/api/v1/me").await).await;
        assert_eq!(browser["user"]["id"], camille.to_string());
        assert_eq!(browser["role"], "worker");
        assert!(browser["scopes"].is_null(), "{browser}");
    }

    async fn me_without_valid_credentials_answers_401_json(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let res = app.get_lang("/api/v1/me", "en").await;
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["www-authenticate"], r#"Bearer realm="passerelle""#);
        let body = json(res).await;
        assert_eq!(body["error"]["code"], "unauthorized");
        assert_eq!(body["error"]["message"], "Authentication required.");
        let (revoked_id, revoked) = app.api_token(camille, "ccas-a", "all", in_days(30)).await;
        store::api_tokens::revoke(&app.state.db, revoked_id, store::api_tokens::Revoker::Owner(camille), Ts::now()).await.unwrap();
        let (_, expired) = app.api_token(camille, "ccas-a", "all", Ts::from(Ts::now().get() - time::Duration::seconds(1))).await;
        let unknown = TokenSecret::generate().expose().to_owned();
        let bad = [
            ("revoked", format!("Bearer {revoked}")),
            ("expired", format!("Bearer {expired}")),
            ("unknown", format!("Bearer {unknown}")),
            ("not a psl_ token", "Bearer abcdef".to_owned()),
            ("upper-case hex", format!("Bearer {}", unknown.to_uppercase().replacen("PSL_", "psl_", 1))),
            ("truncated", format!("Bearer {}", &unknown[..60])),
            ("empty", "Bearer".to_owned()),
        ];
        for (what, header) in bad {
            let res = TestApp::new_client().get(app.url("/api/v1/me")).header("authorization", header).send().await.unwrap();
            assert_eq!(res.status(), 401, "{what}");
            assert_eq!(res.headers()["www-authenticate"], r#"Bearer realm="passerelle", error="invalid_token""#, "{what}");
            assert_eq!(json(res).await["error"]["code"], "unauthorized", "{what}");
        }
        assert!(events_of(&app, AuditAction::TokenUsed).await.is_empty(), "a refused token is no use");
    }

    async fn a_token_stops_working_when_its_membership_or_its_user_is_disabled(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("manager-b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let b = organisations::find_by_slug(&app.state.db, "ccas-b").await.unwrap().unwrap();
        accounts::insert_membership(&app.state.db, domain::MembershipId::new(), camille, b.id, Role::Dpo, Ts::now()).await.unwrap();
        let (_, for_a) = app.api_token(camille, "ccas-a", "all", in_days(30)).await;
        let (_, for_b) = app.api_token(camille, "ccas-b", "all", in_days(30)).await;
        let me_b = json(app.bearer(Method::GET, "/api/v1/me", &for_b).await).await;
        assert_eq!((me_b["organisation"]["name"].as_str(), me_b["role"].as_str()), (Some("ccas-b"), Some("dpo")), "a token acts through its own membership");
        disable(&app, "UPDATE memberships SET disabled_at = $1 WHERE organisation_id = $2", b.id.as_uuid()).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &for_b).await.status(), 401, "B's membership is disabled, even though A's is not");
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &for_a).await.status(), 200);
        // A's organisation starts requiring a second factor Camille has not set up.
        let a = organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        require_second_factor(&app, a.id.as_uuid(), true).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &for_a).await.status(), 401, "no second factor, no token");
        require_second_factor(&app, a.id.as_uuid(), false).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &for_a).await.status(), 200);
        disable(&app, "UPDATE users SET disabled_at = $1 WHERE id = $2", camille.as_uuid()).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &for_a).await.status(), 401, "a disabled account's tokens open nothing");
    }

    async fn a_bearer_request_ignores_cookies_and_acts_only_as_the_token_user(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let dominique = app.create_user("dominique@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let (_, token) = app.api_token(camille, "ccas-a", "persons:read", in_days(30)).await;
        app.sign_in("dominique@x.example", PASSWORD).await;
        // The client carries Dominique's session cookie.
        let as_token = app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        let me = json(as_token).await;
        assert_eq!(me["user"]["id"], camille.to_string(), "the token's user, not the cookie's");
        assert_eq!(me["role"], "worker");
        let with_bad_token = app.client.get(app.url("/api/v1/me")).bearer_auth("psl_nope").send().await.unwrap();
        assert_eq!(with_bad_token.status(), 401, "a bad token is not made up for by the cookie");
        assert_eq!(json(app.get("/api/v1/me").await).await["user"]["id"], dominique.to_string(), "the cookie alone still works");
        // On pages a token signs nobody in, and the cookie is ignored too.
        let page = app.client.get(app.url("/account/tokens")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(page.status(), 303);
        assert_eq!(page.headers()["location"], "/login");
        let forged = app.client.post(app.url("/account/tokens"))
            .bearer_auth(&token)
            .form(&[("name", "escalated"), ("scopes", "all"), ("days", "365")])
            .send().await.unwrap();
        assert_eq!(forged.status(), 403, "no token posts a page's form without its anti-forgery token");
        assert!(store::api_tokens::list_of_user(&app.state.db, dominique).await.unwrap().is_empty());
        assert_eq!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().len(), 1);
    }

    async fn a_token_without_the_routes_scope_gets_403_and_sessions_are_unaffected(db) {
        let app = TestApp::spawn_with(db, probes()).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let dominique = app.create_user("dominique@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let (_, cases) = app.api_token(camille, "ccas-a", "cases:read", in_days(1)).await;
        let (_, reader) = app.api_token(camille, "ccas-a", "persons:read", in_days(1)).await;
        let (_, writer) = app.api_token(camille, "ccas-a", "persons:write", in_days(1)).await;
        let refused = TestApp::new_client().get(app.url("/api/v1/test/persons")).bearer_auth(&cases).header("accept-language", "en").send().await.unwrap();
        assert_eq!(refused.status(), 403);
        let body = json(refused).await;
        assert_eq!(body["error"]["code"], "forbidden");
        assert_eq!(body["error"]["message"], "This API token's scopes do not allow this request.");
        let french = json(app.bearer(Method::GET, "/api/v1/test/persons", &cases).await).await;
        assert!(french["error"]["message"].as_str().unwrap().contains("ne permettent pas"), "{french}");
        assert_eq!(app.bearer(Method::GET, "/api/v1/test/persons", &reader).await.status(), 200);
        assert_eq!(app.bearer(Method::POST, "/api/v1/test/persons", &reader).await.status(), 403, "reading is not writing");
        assert_eq!(app.bearer(Method::GET, "/api/v1/test/persons", &writer).await.status(), 200, "writing includes reading");
        assert_eq!(app.bearer(Method::POST, "/api/v1/test/persons", &writer).await.status(), 200);
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &cases).await.status(), 200, "any token may ask who it is");
        // A route guarded by roles but no scope needs `all`; the role still has to match.
        let (_, manager_narrow) = app.api_token(dominique, "ccas-a", "persons:read", in_days(1)).await;
        let (_, manager_all) = app.api_token(dominique, "ccas-a", "all", in_days(1)).await;
        let (_, worker_all) = app.api_token(camille, "ccas-a", "all", in_days(1)).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/test/managers", &manager_narrow).await.status(), 403);
        assert_eq!(app.bearer(Method::GET, "/api/v1/test/managers", &manager_all).await.status(), 200);
        assert_eq!(app.bearer(Method::GET, "/api/v1/test/managers", &worker_all).await.status(), 404, "a token never exceeds its user's rights");
        // A browser session has the user's own rights: no scope applies.
        app.sign_in("camille@x.example", PASSWORD).await;
        assert_eq!(app.get("/api/v1/test/persons").await.status(), 200);
    }

    async fn bearer_posts_need_no_csrf_token_but_cookie_posts_still_do(db) {
        let app = TestApp::spawn_with(db, probes()).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let (_, token) = app.api_token(camille, "ccas-a", "persons:write", in_days(1)).await;
        let res = app.bearer(Method::POST, "/api/v1/test/persons", &token).await;
        assert_eq!(res.status(), 200);
        assert_eq!(json(res).await["ok"], true);
        app.sign_in("camille@x.example", PASSWORD).await;
        let cookie_only = app.client.post(app.url("/api/v1/test/persons")).send().await.unwrap();
        assert_eq!(cookie_only.status(), 403);
        assert_eq!(json(cookie_only).await["error"]["code"], "csrf_rejected");
        let csrf = csrf_in(&app.get("/").await.text().await.unwrap()).unwrap();
        let with_csrf = app.client.post(app.url("/api/v1/test/persons")).header("x-csrf-token", csrf).send().await.unwrap();
        assert_eq!(with_csrf.status(), 200);
        let bad_token = TestApp::new_client().post(app.url("/api/v1/test/persons")).bearer_auth("psl_bad").send().await.unwrap();
        assert_eq!(bad_token.status(), 401);
    }

    async fn every_token_use_is_audited_without_the_token_and_the_chain_verifies(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let org = organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        let (id, token) = app.api_token(camille, "ccas-a", "persons:read", in_days(1)).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 200);
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 200);
        assert_eq!(app.bearer(Method::GET, "/api/v1/no-such-thing", &token).await.status(), 404);
        let used = events_of(&app, AuditAction::TokenUsed).await;
        assert_eq!(used.len(), 3, "one event per use");
        for event in &used {
            assert_eq!(event.subject_type.as_deref(), Some("api_token"));
            assert_eq!(event.subject_id, Some(id.as_uuid()));
            assert_eq!(event.actor(), Some(camille));
            assert_eq!(event.organisation(), Some(org.id));
            assert!(event.client_addr.is_some() && event.request_id.is_some());
            let text = format!("{event:?}");
            assert!(!text.contains(&token[4..]), "the token never reaches the log: {text}");
        }
        let details: Vec<Value> = used.iter().map(|e| serde_json::from_str(e.details.as_deref().unwrap()).unwrap()).collect();
        let me = serde_json::json!({ "method": "GET", "route": "/api/v1/me" });
        assert_eq!(details.iter().filter(|d| **d == me).count(), 2, "{details:?}");
        assert!(details.contains(&serde_json::json!({ "method": "GET", "route": "(unmatched)" })), "{details:?}");
        let listed = store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap();
        assert!(listed[0].token.last_used_at.is_some(), "the last use is recorded");
        let report = store::audit::verify(&app.state.db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert!(!logs().contents().contains(&token[4..]), "nor the application's logs");
    }

    async fn the_token_page_creates_a_token_shown_once_lists_and_revokes_it(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let page = app.get("/account/tokens").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(visible_text(&html).contains("Vous n'avez aucun jeton d'API."));
        assert!(html.contains(r#"value="90""#), "90 days by default");
        let csrf = csrf_in(&html).unwrap();
        // Without the anti-forgery token, nothing is created.
        let forged = app.client.post(app.url("/account/tokens")).form(&[("name", "x"), ("scopes", "all"), ("days", "9")]).send().await.unwrap();
        assert_eq!(forged.status(), 403);
        // A refused form keeps what was typed and says what is wrong, linked to the fields.
        let refused = app.client.post(app.url("/account/tokens"))
            .form(&[("csrf_token", csrf.as_str()), ("name", "   "), ("days", "366"), ("password", PASSWORD)])
            .send().await.unwrap();
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.unwrap();
        assert!(!html.contains(PASSWORD), "the password typed is never sent back");
        let text = visible_text(&html);
        for message in ["Donnez au jeton un nom", "Choisissez au moins un droit", "de 1 à 365"] {
            assert!(text.contains(message), "{message}: {text}");
        }
        assert!(!text.contains("mot de passe actuel est incorrect"), "{text}");
        assert!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().is_empty());
        let created = app.client.post(app.url("/account/tokens"))
            .form(&[("csrf_token", csrf.as_str()), ("name", "export de nuit"), ("scopes", "cases:read"), ("scopes", "persons:read"), ("days", "30"), ("password", PASSWORD)])
            .send().await.unwrap();
        assert_eq!(created.status(), 200);
        assert_eq!(created.headers()["cache-control"], "no-store");
        let html = created.text().await.unwrap();
        let token = shown_token(&html);
        assert!(visible_text(&html).contains("Copiez-le maintenant : il ne sera plus jamais affiché."));
        // Only its hash is stored, and it works.
        let stored: Vec<Vec<u8>> = match &app.state.db {
            store::Db::Sqlite(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(p).await,
            store::Db::Postgres(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(p).await,
        }.unwrap();
        assert_eq!(stored, vec![TokenSecret::parse(&token).unwrap().hash().to_vec()]);
        let me = json(app.bearer(Method::GET, "/api/v1/me", &token).await).await;
        assert_eq!(me["scopes"], serde_json::json!(["persons:read", "cases:read"]));
        // Never shown again.
        let list = app.get("/account/tokens").await.text().await.unwrap();
        assert!(!list.contains(&token[4..]), "the list never shows a token");
        assert!(!list.contains("psl_"));
        let text = visible_text(&list);
        assert!(text.contains("export de nuit ccas-a persons:read cases:read"), "{text}");
        assert!(text.contains("actif"), "{text}");
        let creation = &events_of(&app, AuditAction::TokenCreated).await[0];
        assert_eq!(creation.actor(), Some(camille));
        let details: Value = serde_json::from_str(creation.details.as_deref().unwrap()).unwrap();
        assert_eq!(details, serde_json::json!({ "days": 30, "scopes": "persons:read,cases:read" }));
        // Revoking: CSRF-protected, audited, and the token opens nothing afterwards.
        let id = store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap()[0].token.id;
        let path = format!("/account/tokens/{id}/revoke");
        assert_eq!(app.client.post(app.url(&path)).send().await.unwrap().status(), 403);
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 200, "still active");
        let csrf = csrf_in(&list).unwrap();
        let revoked = app.client.post(app.url(&path)).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
        assert_eq!(revoked.status(), 303);
        assert_eq!(revoked.headers()["location"], "/account/tokens?notice=revoked");
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 401);
        let text = visible_text(&app.get("/account/tokens?notice=revoked").await.text().await.unwrap());
        assert!(text.contains("Le jeton est révoqué") && text.contains("révoqué le"), "{text}");
        let revocation = &events_of(&app, AuditAction::TokenRevoked).await[0];
        assert_eq!((revocation.actor(), revocation.subject_id), (Some(camille), Some(id.as_uuid())));
        assert!(store::audit::verify(&app.state.db).await.unwrap().is_intact());
    }

    async fn the_token_page_speaks_english_and_needs_an_organisation(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("admin@x.example", PASSWORD, None).await;
        app.sign_in("admin@x.example", PASSWORD).await;
        let text = visible_text(&app.get_lang("/account/tokens", "en").await.text().await.unwrap());
        assert!(text.contains("Your API tokens") && text.contains("you must act in an organisation"), "{text}");
        let csrf = csrf_in(&app.get("/account/tokens").await.text().await.unwrap()).unwrap();
        let res = app.client.post(app.url("/account/tokens"))
            .form(&[("csrf_token", csrf.as_str()), ("name", "x"), ("scopes", "all"), ("days", "9")])
            .send().await.unwrap();
        assert_eq!(res.status(), 409, "no membership, no token");
        assert!(visible_text(&res.text().await.unwrap()).contains("vous devez agir dans une structure"), "the page says why");
        let admin = accounts::find_user_by_email(&app.state.db, "admin@x.example").await.unwrap().unwrap();
        assert!(store::api_tokens::list_of_user(&app.state.db, admin.id).await.unwrap().is_empty());
    }

    async fn a_new_password_revokes_every_token_of_the_account(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let (_, token) = app.api_token(camille, "ccas-a", "all", in_days(30)).await;
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 200);
        let mut tx = app.state.db.begin_write().await.unwrap();
        let link = accounts::create_reset_link(&mut tx, camille, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let browser = TestApp::new_client();
        let csrf = app.csrf_token(&browser, &link.path()).await;
        let phrase = "une toute nouvelle phrase de passe";
        let set = browser.post(app.url(&link.path())).form(&[("csrf_token", csrf.as_str()), ("password", phrase), ("confirm", phrase)]).send().await.unwrap();
        assert_eq!(set.status(), 303);
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 401, "whatever was set up with the old password stops");
    }

    async fn another_users_token_cannot_be_revoked(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("dominique@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let (id, token) = app.api_token(camille, "ccas-a", "all", in_days(1)).await;
        app.sign_in("dominique@x.example", PASSWORD).await;
        let csrf = csrf_in(&app.get("/account/tokens").await.text().await.unwrap()).unwrap();
        for path in [format!("/account/tokens/{id}/revoke"), "/account/tokens/not-an-id/revoke".to_owned()] {
            let res = app.client.post(app.url(&path)).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
            assert_eq!(res.status(), 404, "{path}");
        }
        assert_eq!(app.bearer(Method::GET, "/api/v1/me", &token).await.status(), 200, "Camille's token still works");
        assert!(events_of(&app, AuditAction::TokenRevoked).await.is_empty());
        let list = visible_text(&app.get("/account/tokens").await.text().await.unwrap());
        assert!(!list.contains("test token"), "nor is it listed to anyone else: {list}");
    }

    /// Security review M3: a session left open must not mint a credential that outlives it.
    async fn creating_a_token_asks_for_the_current_password_and_counts_wrong_ones_as_failed_sign_ins(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let org = organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        app.sign_in("camille@x.example", PASSWORD).await;
        let page = app.get("/account/tokens").await.text().await.unwrap();
        assert!(page.contains(r#"<label for="current-password">Mot de passe actuel</label>"#), "{page}");
        assert!(!page.contains("second-factor-code"), "no code asked without a second factor");
        let csrf = csrf_in(&page).unwrap();
        let create = |password: &'static str| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                app.client.post(app.url("/account/tokens"))
                    .form(&[("csrf_token", csrf.as_str()), ("name", "export"), ("scopes", "all"), ("days", "30"), ("password", password)])
                    .send().await.unwrap()
            }
        };
        // A wrong or missing password: a clear field error, nothing created, recorded like a
        // failed sign-in.
        for wrong in ["not the password", ""] {
            let res = create(wrong).await;
            assert_eq!(res.status(), 422, "{wrong:?}");
            let html = res.text().await.unwrap();
            assert!(html.contains(r##"<a href="#current-password">Le mot de passe actuel est incorrect.</a>"##), "{html}");
            assert!(html.contains(r#"aria-invalid="true""#));
            assert!(html.contains(r#"value="export""#), "what was typed is kept");
        }
        assert!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().is_empty());
        assert!(events_of(&app, AuditAction::TokenCreated).await.is_empty());
        let failed = events_of(&app, AuditAction::LoginFailed).await;
        assert_eq!(failed.len(), 2);
        assert_eq!((failed[0].actor(), failed[0].organisation()), (Some(camille), Some(org.id)));
        assert_eq!(failed[0].details.as_deref(), Some(r#"{"reauthentication":"api_token","wrong":"password"}"#));
        assert_eq!(accounts::find_user(&app.state.db, camille).await.unwrap().unwrap().failed_logins, 2);
        // The right one creates the token, and forgets the failures, as a sign-in does.
        let res = create(PASSWORD).await;
        assert_eq!(res.status(), 200);
        shown_token(&res.text().await.unwrap());
        // Guessing draws on the sign-in allowance (5 in tests): the sixth try is refused unread,
        // and so is the sign-in form.
        for _ in 0..5 {
            assert_eq!(create("guess").await.status(), 422);
        }
        let blocked = create(PASSWORD).await;
        assert_eq!(blocked.status(), 429);
        assert!(visible_text(&blocked.text().await.unwrap()).contains("Trop de tentatives"));
        assert_eq!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().len(), 1, "nothing more created");
        let sign_in = app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await;
        assert_eq!(sign_in.status(), 429, "one allowance for the account, wherever its password is typed");
    }

    async fn with_a_second_factor_creating_a_token_also_asks_for_a_code(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        // The second factor turned on from the account page.
        let page = app.get("/account/second-factor").await.text().await.unwrap();
        let marker = "class=\"secret-key\">";
        let at = page.find(marker).unwrap() + marker.len();
        let key: String = page[at..at + page[at..].find('<').unwrap()].chars().filter(|c| !c.is_whitespace()).collect();
        let secret = data_encoding::BASE32_NOPAD.decode(key.as_bytes()).unwrap();
        let step = domain::totp::step_at(Ts::now().get().unix_timestamp());
        let csrf = csrf_in(&page).unwrap();
        let code = domain::totp::code_for_step(&secret, step - 1);
        let enrolled = app.client.post(app.url("/account/second-factor")).form(&[("csrf_token", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
        assert_eq!(enrolled.status(), 200);
        let page = app.get("/account/tokens").await.text().await.unwrap();
        assert!(page.contains(r#"<input id="second-factor-code" name="code""#), "{page}");
        let csrf = csrf_in(&page).unwrap();
        let create = |code: String| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                app.client.post(app.url("/account/tokens"))
                    .form(&[("csrf_token", csrf.as_str()), ("name", "export"), ("scopes", "all"), ("days", "30"), ("password", PASSWORD), ("code", code.as_str())])
                    .send().await.unwrap()
            }
        };
        let res = create("000000".to_owned()).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains(r##"<a href="#second-factor-code">"##), "{html}");
        assert!(visible_text(&html).contains("Ce code n'est pas valable."), "{html}");
        assert!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().is_empty());
        let failed = events_of(&app, AuditAction::LoginFailed).await;
        assert!(failed[0].details.as_deref().unwrap().contains(r#""wrong":"second_factor""#), "{failed:?}");
        let res = create(domain::totp::code_for_step(&secret, step)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(store::api_tokens::list_of_user(&app.state.db, camille).await.unwrap().len(), 1);
    }

    async fn the_openapi_document_describes_me_with_a_bearer_security_scheme(db) {
        let app = TestApp::spawn(db).await;
        let doc = json(app.get("/api/v1/openapi.json").await).await;
        let me = &doc["paths"]["/api/v1/me"]["get"];
        assert!(me.is_object(), "/api/v1/me is documented");
        let security = me["security"].as_array().unwrap();
        assert!(security.contains(&serde_json::json!({ "bearer": [] })), "{security:?}");
        assert!(me["responses"]["401"].is_object());
        let bearer = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(bearer["type"], "http");
        assert_eq!(bearer["scheme"], "bearer");
        let description = bearer["description"].as_str().unwrap();
        for scope in Scope::ALL {
            assert!(description.contains(&format!("`{scope}`")), "{scope} is listed: {description}");
        }
        assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
        assert!(doc["components"]["schemas"]["Me"].is_object());
    }
}
