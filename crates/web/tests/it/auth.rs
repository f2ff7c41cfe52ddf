//! Signing in and out, sessions, anti-forgery tokens, one-time links, and the access rule of
//! every route — each on SQLite and PostgreSQL.

use std::time::Duration;

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::policy::{self, Decision, Rule};
use store::accounts::{self, TokenPurpose};
use store::{Ts, demo};
use testkit::engine_tests;
use web::routes::Routes;

use crate::helpers::{CHEAP, TestApp, csrf_in, logs, test_config, visible_text};

const PASSWORD: &str = "correct horse battery staple";

/// The session cookie's value in a response, if it sets one.
fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.strip_prefix("passerelle_session=").map(|rest| rest.split(';').next().unwrap().to_owned())
    })
}

/// Every `Set-Cookie` of a response.
fn cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

async fn audit_actions(app: &TestApp) -> Vec<AuditAction> {
    let filter = store::audit::AuditFilter::new(store::audit::AuditScope::Everything);
    let page = store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap();
    page.events.iter().filter_map(|e| e.action().ok()).collect()
}

engine_tests! {
    async fn signing_in_opens_a_session_and_replaces_any_earlier_one(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        assert_eq!(app.get("/").await.status(), 303, "the home page needs a session");
        let first = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        assert_eq!(first.status(), 303);
        let first_id = session_cookie(&first).expect("a session cookie");
        let cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let home = visible_text(&app.get("/").await.text().await.unwrap());
        assert!(home.contains("Votre structure : ccas-a (travailleur·se social·e)"), "{home}");
        assert!(home.contains("Connecté·e en tant que Test User"), "{home}");
        // Signing in again from the same browser: the earlier id is worthless afterwards.
        let second = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        let second_id = session_cookie(&second).unwrap();
        assert_ne!(first_id, second_id);
        let replay = TestApp::new_client()
            .get(app.url("/"))
            .header("cookie", format!("passerelle_session={first_id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), 303, "the old session id no longer opens anything");
        assert!(audit_actions(&app).await.iter().filter(|a| **a == AuditAction::LoginSucceeded).count() == 2);
    }

    async fn a_wrong_password_and_an_unknown_account_get_the_same_answer(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let wrong = app.sign_in_with(&app.client, "camille@x.example", "not the password").await;
        assert_eq!(wrong.status(), 422);
        let wrong_text = visible_text(&wrong.text().await.unwrap());
        let unknown = app.sign_in_with(&app.client, "nobody@x.example", "not the password").await;
        assert_eq!(unknown.status(), 422);
        let unknown_text = visible_text(&unknown.text().await.unwrap());
        assert!(wrong_text.contains("Adresse e-mail ou mot de passe incorrect."));
        assert_eq!(
            wrong_text.replace("camille@x.example", "X"),
            unknown_text.replace("nobody@x.example", "X"),
            "nothing tells which accounts exist"
        );
        assert!(wrong_text.contains("camille@x.example") || wrong_text.contains("Adresse"), "the address typed is kept");
        let user = accounts::find_user(&app.state.db, id).await.unwrap().unwrap();
        assert_eq!(user.failed_logins, 1);
        assert_eq!(audit_actions(&app).await.iter().filter(|a| **a == AuditAction::LoginFailed).count(), 2);
        // The user is told once signed in.
        app.sign_in("camille@x.example", PASSWORD).await;
        let home = visible_text(&app.get("/").await.text().await.unwrap());
        assert!(home.contains("Une tentative de connexion a échoué sur votre compte"), "{home}");
    }

    /// Security review L6: an organisation's managers and DPO see the failed sign-ins of their
    /// members' accounts in their own log.
    async fn failed_sign_ins_of_a_member_are_written_to_their_organisations_logs(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("dpo@x.example", PASSWORD, Some(("ccas-a", Role::Dpo))).await;
        app.create_user("manager.b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let admin = app.create_user("admin@x.example", PASSWORD, None).await;
        let org = |slug: &'static str| {
            let db = app.state.db.clone();
            async move { store::organisations::find_by_slug(&db, slug).await.unwrap().unwrap().id }
        };
        let (a, b) = (org("ccas-a").await, org("ccas-b").await);
        accounts::insert_membership(&app.state.db, domain::MembershipId::new(), camille, b, Role::Worker, Ts::now()).await.unwrap();
        for email in ["camille@x.example", "nobody@x.example", "admin@x.example"] {
            assert_eq!(app.sign_in_with(&TestApp::new_client(), email, "not the password").await.status(), 422);
        }
        let failed = |who: Option<domain::UserId>| {
            let app = &app;
            async move {
                let filter = store::audit::AuditFilter { action: Some(AuditAction::LoginFailed), ..store::audit::AuditFilter::new(store::audit::AuditScope::Everything) };
                let events = store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events;
                let mut chains: Vec<Option<domain::OrganisationId>> = events.iter().filter(|e| e.actor() == who).map(|e| e.organisation()).collect();
                chains.sort();
                chains
            }
        };
        let mut expected = vec![Some(a), Some(b)];
        expected.sort();
        assert_eq!(failed(Some(camille)).await, expected, "in each organisation of the account, not the instance's");
        assert_eq!(failed(None).await, [None], "an unknown address: the instance's log");
        assert_eq!(failed(Some(admin)).await, [None], "an account in no organisation: the instance's log");
        // The DPO finds it in the organisation's log.
        app.sign_in("dpo@x.example", PASSWORD).await;
        let token = csrf_in(&app.get("/admin/audit").await.text().await.unwrap()).unwrap();
        let found = app.client.post(app.url("/admin/audit")).form(&[("csrf_token", token.as_str()), ("action", "login_failed")]).send().await.unwrap();
        let found = visible_text(&found.text().await.unwrap());
        assert!(found.contains("camille@x.example"), "{found}");
        assert!(!found.contains("nobody@x.example") && !found.contains("admin@x.example"), "{found}");
        // A wrong second-factor code is a failed sign-in of the account too.
        store::second_factor::begin_enrolment(&app.state.db, camille, "sealed").await.unwrap();
        store::second_factor::enable(&app.state.db, camille, 1, Ts::now()).await.unwrap();
        let browser = TestApp::new_client();
        let res = app.sign_in_with(&browser, "camille@x.example", PASSWORD).await;
        assert_eq!(res.headers()["location"], "/login/second-factor");
        let token = app.csrf_token(&browser, "/login/second-factor").await;
        let wrong = browser.post(app.url("/login/second-factor")).form(&[("csrf_token", token.as_str()), ("code", "123456")]).send().await.unwrap();
        assert_eq!(wrong.status(), 422);
        let mut expected = vec![Some(a), Some(a), Some(b), Some(b)];
        expected.sort();
        assert_eq!(failed(Some(camille)).await, expected);
        assert!(store::audit::verify(&app.state.db).await.unwrap().is_intact());
    }

    /// Security review L4: over https the session cookie carries the `__Host-` prefix, which
    /// browsers accept only from a secure page, for the whole host (`Path=/`), without `Domain`.
    async fn over_https_the_session_cookie_is_host_prefixed(db) {
        let config = web::WebConfig { base_url: "https://passerelle.example.org".into(), ..test_config() };
        let app = TestApp::spawn_configured(db, config, Routes::new()).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        // Secure cookies are not sent back over the test's plain http: the browser's part is
        // played by hand.
        let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let form = browser.get(app.url("/login")).send().await.unwrap();
        let csrf_cookie = cookies(&form).into_iter().find(|c| c.starts_with("passerelle_csrf=")).unwrap();
        let token = csrf_in(&form.text().await.unwrap()).unwrap();
        let res = browser
            .post(app.url("/login"))
            .header("cookie", csrf_cookie.split(';').next().unwrap())
            .form(&[("csrf_token", token.as_str()), ("email", "camille@x.example"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let set = cookies(&res);
        let session = set.iter().find(|c| c.starts_with("__Host-passerelle_session=")).expect("a __Host- session cookie");
        for part in ["; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Lax"] {
            assert!(session.contains(part), "{part} in {session}");
        }
        assert!(!session.to_lowercase().contains("domain="), "{session}");
        assert!(!set.iter().any(|c| c.starts_with("passerelle_session=")), "{set:?}");
        let value = session.split(';').next().unwrap().trim_start_matches("__Host-passerelle_session=").to_owned();
        let home = browser.get(app.url("/")).header("cookie", format!("__Host-passerelle_session={value}")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        // The unprefixed name, which a sibling host or a plain-http page could set, opens nothing.
        let planted = browser.get(app.url("/")).header("cookie", format!("passerelle_session={value}")).send().await.unwrap();
        assert_eq!(planted.status(), 303);
        assert_eq!(planted.headers()["location"], "/login");
        // Signing out removes it under the same name.
        let page = browser.get(app.url("/account")).header("cookie", format!("__Host-passerelle_session={value}")).send().await.unwrap();
        let token = csrf_in(&page.text().await.unwrap()).unwrap();
        let out = browser.post(app.url("/logout")).header("cookie", format!("__Host-passerelle_session={value}")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert!(cookies(&out).iter().any(|c| c.starts_with("__Host-passerelle_session=;") && c.contains("Max-Age=0")), "{:?}", cookies(&out));
    }

    async fn over_plain_http_the_session_cookie_keeps_its_name_without_secure(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let res = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        let set = cookies(&res);
        let session = set.iter().find(|c| c.starts_with("passerelle_session=")).expect("the plain name");
        assert!(session.contains("; Path=/;") && !session.contains("Secure"), "{session}");
        assert!(!set.iter().any(|c| c.starts_with("__Host-")), "a __Host- cookie needs https: {set:?}");
        assert_eq!(app.get("/").await.status(), 200);
    }

    async fn a_disabled_account_cannot_sign_in_and_loses_its_sessions(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        disable(&app, id).await;
        assert_eq!(app.get("/").await.status(), 303, "the open session ends");
        let again = app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await;
        assert_eq!(again.status(), 422);
    }

    async fn a_post_without_a_valid_token_is_refused_and_changes_nothing(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let no_token = app.client.post(app.url("/login")).form(&[("email", "camille@x.example"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(no_token.status(), 403);
        assert!(session_cookie(&no_token).is_none(), "no session was opened");
        assert!(visible_text(&no_token.text().await.unwrap()).contains("Formulaire expiré"));
        app.sign_in("camille@x.example", PASSWORD).await;
        let forged = app.client.post(app.url("/logout")).form(&[("csrf_token", "0".repeat(64))]).send().await.unwrap();
        assert_eq!(forged.status(), 403);
        assert_eq!(app.get("/").await.status(), 200, "still signed in: the forged sign-out did nothing");
        // The token of the anonymous form is not accepted once signed in: it is bound to the session.
        let anonymous_token = app.csrf_token(&TestApp::new_client(), "/login").await;
        let stale = app.client.post(app.url("/logout")).form(&[("csrf_token", anonymous_token.as_str())]).send().await.unwrap();
        assert_eq!(stale.status(), 403);
        // The header works as well as the field (htmx sends it).
        let token = csrf_in(&app.get("/").await.text().await.unwrap()).unwrap();
        let out = app.client.post(app.url("/logout")).header("x-csrf-token", token).send().await.unwrap();
        assert_eq!(out.status(), 303);
        assert_eq!(app.get("/").await.status(), 303);
    }

    async fn signing_out_everywhere_ends_every_session_of_the_user(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let phone = TestApp::new_client();
        app.sign_in_with(&phone, "camille@x.example", PASSWORD).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        assert_eq!(phone.get(app.url("/")).send().await.unwrap().status(), 200);
        let token = csrf_in(&app.get("/").await.text().await.unwrap()).unwrap();
        let res = app.client.post(app.url("/logout/everywhere")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login?notice=signed_out");
        assert_eq!(app.get("/").await.status(), 303);
        assert_eq!(phone.get(app.url("/")).send().await.unwrap().status(), 303, "the other device is signed out too");
        assert!(audit_actions(&app).await.contains(&AuditAction::LogoutEverywhere));
    }

    async fn an_idle_session_expires_after_its_organisations_timeout(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        assert_eq!(app.get("/").await.status(), 200);
        // The organisation's default is 30 minutes: 29 minutes idle is fine, 31 is not.
        set_last_seen(&app, time::Duration::minutes(29)).await;
        assert_eq!(app.get("/").await.status(), 200);
        set_last_seen(&app, time::Duration::minutes(31)).await;
        let res = app.get("/").await;
        assert_eq!(res.status(), 303);
        assert!(res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().contains("Max-Age=0")), "the stale cookie is removed");
        assert_eq!(app.get("/").await.status(), 303, "the session is gone");
    }

    async fn without_an_organisation_the_instance_idle_timeout_applies(db) {
        let config = web::WebConfig { session_idle: time::Duration::seconds(1), ..test_config() };
        let app = TestApp::spawn_configured(db, config, Routes::new()).await;
        app.create_user("admin@x.example", PASSWORD, None).await;
        app.sign_in("admin@x.example", PASSWORD).await;
        assert_eq!(app.get("/").await.status(), 200);
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert_eq!(app.get("/").await.status(), 303);
    }

    async fn a_one_time_link_sets_the_password_once(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("new@x.example", "an old password here", Some(("ccas-a", Role::Reception))).await;
        let token = "a".repeat(64);
        let hash = web::auth::token_hash(&token);
        let expires = Ts::from(Ts::now().get() + time::Duration::hours(1));
        accounts::insert_one_time_token(&app.state.db, &hash, id, TokenPurpose::SetPassword, Ts::now(), expires).await.unwrap();
        let path = format!("/account/password/{token}");
        let form = app.get(&path).await;
        assert_eq!(form.status(), 200);
        let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
        let post = |password: &'static str, confirm: &'static str| {
            let client = app.client.clone();
            let url = app.url(&path);
            let csrf = csrf.clone();
            async move {
                client.post(url).form(&[("csrf_token", csrf.as_str()), ("password", password), ("confirm", confirm)]).send().await.unwrap()
            }
        };
        let weak = post("password1234", "password1234").await;
        assert_eq!(weak.status(), 422);
        assert!(visible_text(&weak.text().await.unwrap()).contains("trop facile à deviner"));
        let mismatch = post("pont-levis tranquille 47 hérons", "pont-levis tranquille 47 herons").await;
        assert!(visible_text(&mismatch.text().await.unwrap()).contains("ne sont pas identiques"));
        let ok = post("pont-levis tranquille 47 hérons", "pont-levis tranquille 47 hérons").await;
        assert_eq!(ok.status(), 303);
        assert_eq!(ok.headers()["location"], "/login?notice=password_set");
        let reused = post("une autre phrase de passe solide 9", "une autre phrase de passe solide 9").await;
        assert_eq!(reused.status(), 404, "a link works once");
        assert_eq!(app.get(&path).await.status(), 404);
        let old = app.sign_in_with(&TestApp::new_client(), "new@x.example", "an old password here").await;
        assert_eq!(old.status(), 422);
        app.sign_in("new@x.example", "pont-levis tranquille 47 hérons").await;
        assert!(audit_actions(&app).await.contains(&AuditAction::PasswordSet));
    }

    async fn an_expired_link_is_refused(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("new@x.example", PASSWORD, None).await;
        let token = "b".repeat(64);
        let past = Ts::from(Ts::now().get() - time::Duration::minutes(1));
        accounts::insert_one_time_token(&app.state.db, &web::auth::token_hash(&token), id, TokenPurpose::SetPassword, past, past).await.unwrap();
        let res = app.get(&format!("/account/password/{token}")).await;
        assert_eq!(res.status(), 404);
        assert!(visible_text(&res.text().await.unwrap()).contains("Ce lien n'est plus valable"));
    }

    async fn every_route_answers_each_role_as_its_rule_says(db) {
        let app = TestApp::spawn(db).await;
        demo::seed(&app.state.db, demo::DEFAULT_SEED, CHEAP).await.unwrap();
        let summary = demo::seed(&app.state.db, demo::DEFAULT_SEED, CHEAP).await.unwrap();
        let routes = web::startup::routes();
        let mut checked = 0;
        // Nobody signed in, then each demo account (one per role).
        let mut visitors: Vec<(String, Option<reqwest::Client>)> = vec![("nobody".into(), None)];
        for (email, role, _) in &summary.accounts {
            let client = TestApp::new_client();
            assert_eq!(app.sign_in_with(&client, email, demo::DEMO_PASSWORD).await.status(), 303);
            visitors.push((role.clone(), Some(client)));
        }
        for (who, client) in &visitors {
            let client = client.clone().unwrap_or_else(TestApp::new_client);
            let actor_rule_outcome = |rule: Rule| -> Decision {
                match who.as_str() {
                    "nobody" => policy::check(rule, None),
                    role => {
                        let role = Role::parse(role).unwrap();
                        let actor = policy::Actor {
                            user_id: domain::UserId::new(),
                            instance_admin: role == Role::Admin,
                            membership: (role != Role::Admin).then(|| policy::ActiveMembership {
                                organisation_id: domain::OrganisationId::new(),
                                role,
                                teams: vec![],
                                supervised_teams: vec![],
                            }),
                        };
                        policy::check(rule, Some(&actor))
                    }
                }
            };
            for route in routes.rules() {
                if route.method != axum::http::Method::GET || route.path.contains('{') {
                    continue;
                }
                let res = client.get(app.url(route.path)).send().await.unwrap();
                let status = res.status().as_u16();
                let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
                match actor_rule_outcome(route.rule) {
                    Decision::Allow => assert!(
                        status != 404 && location.as_deref() != Some("/login"),
                        "{who} should reach {}: {status}", route.path
                    ),
                    Decision::SignInRequired => assert!(
                        location.as_deref() == Some("/login") || status == 401,
                        "{who} should be asked to sign in at {}: {status}", route.path
                    ),
                    Decision::Deny => assert_eq!(status, 404, "{who} must not reach {}", route.path),
                }
                checked += 1;
            }
        }
        assert!(checked >= 10 * 5, "checked {checked} route × visitor pairs");
    }

    async fn a_route_without_a_declared_rule_is_refused(db) {
        let undeclared = axum::Router::new().route("/test/undeclared", axum::routing::get(|| async { "secret" }));
        let app = TestApp::spawn_with(db, Routes::new().with(undeclared, vec![])).await;
        let res = app.get("/test/undeclared").await;
        assert_eq!(res.status(), 404);
        assert!(!res.text().await.unwrap().contains("secret"));
        assert!(logs().contents().contains("route without an access rule refused"));
    }

    async fn a_full_journey_leaves_no_secret_or_personal_data_in_the_logs(db) {
        let app = TestApp::spawn(db).await;
        let email = "canary.dupont@x.example";
        let password = "CANARY-pass phrase très longue";
        app.create_user(email, password, Some(("ccas-canary", Role::Worker))).await;
        let wrong = app.sign_in_with(&TestApp::new_client(), email, "CANARY-wrong-password").await;
        assert_eq!(wrong.status(), 422);
        let res = app.sign_in_with(&app.client, email, password).await;
        let session = session_cookie(&res).unwrap();
        app.get("/").await;
        let token = csrf_in(&app.get("/").await.text().await.unwrap()).unwrap();
        app.client.post(app.url("/logout")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        let logged = logs().contents();
        for canary in ["CANARY", "canary.dupont", session.as_str(), token.as_str()] {
            assert!(!logged.contains(canary), "{canary:?} leaked into the logs");
        }
        assert!(logged.contains("route=/login"), "the journey was logged");
    }

    async fn the_audit_chain_of_a_journey_verifies(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in_with(&TestApp::new_client(), "camille@x.example", "wrong one").await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let report = store::audit::verify(&app.state.db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        let actions = audit_actions(&app).await;
        assert!(actions.contains(&AuditAction::LoginFailed) && actions.contains(&AuditAction::LoginSucceeded));
    }
}

/// Moves every session's last activity `ago` into the past, as if the user had been away.
async fn set_last_seen(app: &TestApp, ago: time::Duration) {
    let when = Ts::from(Ts::now().get() - ago);
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1")
                .bind(when)
                .execute(p)
                .await
                .unwrap();
        }
        store::Db::Postgres(p) => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1")
                .bind(when)
                .execute(p)
                .await
                .unwrap();
        }
    }
}

async fn disable(app: &TestApp, id: domain::UserId) {
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(Ts::now())
                .bind(id.as_uuid())
                .execute(p)
                .await
                .unwrap();
        }
        store::Db::Postgres(p) => {
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(Ts::now())
                .bind(id.as_uuid())
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// Every router is built through `Routes`, which records a rule per route: no feature may call
/// axum's `.route(` directly.
#[test]
fn no_feature_registers_a_route_without_a_rule() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().unwrap() != "routes.rs" {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains(".route(") || text.contains(".nest(") {
                    offenders.push(path.display().to_string());
                }
            }
        }
    }
    assert!(offenders.is_empty(), "routes registered outside web::routes::Routes: {offenders:?}");
}
