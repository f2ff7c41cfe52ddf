//! The account page, organisation switch, the TOTP second factor and sign-in throttling —
//! each on SQLite and PostgreSQL.

use std::sync::Arc;

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::totp;
use store::{Ts, accounts};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";

/// The secret shown on the enrolment page, as a person would copy it.
fn manual_key(html: &str) -> Vec<u8> {
    let marker = "class=\"secret-key\">";
    let at = html.find(marker).expect("the key is shown") + marker.len();
    let key: String = html[at..at + html[at..].find('<').unwrap()]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    data_encoding::BASE32_NOPAD.decode(key.as_bytes()).unwrap()
}

fn code_now(secret: &[u8], offset_steps: i64) -> String {
    totp::code_for_step(secret, totp::step_at(Ts::now().get().unix_timestamp()) + offset_steps)
}

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    page: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_token(client, page).await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// Enrols the signed-in client; returns the secret and the recovery codes.
async fn enrol(app: &TestApp) -> (Vec<u8>, Vec<String>) {
    let page = app.get("/account/second-factor").await.text().await.unwrap();
    assert!(page.contains("<svg"), "a QR code is shown");
    let secret = manual_key(&page);
    let again = app.get("/account/second-factor").await.text().await.unwrap();
    assert_eq!(manual_key(&again), secret, "reloading keeps the secret the app may have scanned");
    let wrong = post_form(
        app,
        &app.client,
        "/account/second-factor",
        "/account/second-factor",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let ok = post_form(
        app,
        &app.client,
        "/account/second-factor",
        "/account/second-factor",
        &[("code", &code_now(&secret, 0))],
    )
    .await;
    assert_eq!(ok.status(), 200);
    let html = ok.text().await.unwrap();
    let codes: Vec<String> = html
        .match_indices("<li><code>")
        .map(|(i, m)| html[i + m.len()..i + m.len() + 11].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    (secret, codes)
}

/// The session cookie a response sets, as `name=value`.
fn session_set(res: &reqwest::Response) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.starts_with("passerelle_session=").then(|| c.split(';').next().unwrap().to_owned())
    })
}

async fn events_of(app: &TestApp, action: AuditAction) -> Vec<store::audit::AuditEvent> {
    let filter = store::audit::AuditFilter {
        action: Some(action),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Everything)
    };
    store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events
}

engine_tests! {
    /// Security review L6: the enrolment page writes a secret; L7: turning the factor on is a
    /// privilege change.
    async fn enrolling_records_the_key_made_and_moves_the_session_to_a_new_id(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let signed_in = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        let before = session_set(&signed_in).unwrap();
        let org = store::organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        let page = app.get("/account/second-factor").await.text().await.unwrap();
        let started = events_of(&app, AuditAction::SecondFactorEnrolmentStarted).await;
        assert_eq!(started.len(), 1, "the key written is recorded");
        assert_eq!((started[0].actor(), started[0].organisation(), started[0].subject_id), (Some(id), Some(org.id), Some(id.as_uuid())));
        app.get("/account/second-factor").await;
        assert_eq!(events_of(&app, AuditAction::SecondFactorEnrolmentStarted).await.len(), 1, "reloading writes nothing new");
        let secret = manual_key(&page);
        let csrf = csrf_in(&page).unwrap();
        let enrolled = app.client.post(app.url("/account/second-factor")).form(&[("csrf_token", csrf.as_str()), ("code", code_now(&secret, 0).as_str())]).send().await.unwrap();
        assert_eq!(enrolled.status(), 200);
        let after = session_set(&enrolled).expect("a new session id");
        assert_ne!(before, after);
        let html = enrolled.text().await.unwrap();
        let replay = TestApp::new_client().get(app.url("/")).header("cookie", &before).send().await.unwrap();
        assert_eq!(replay.status(), 303, "the id from before the second factor opens nothing");
        assert_eq!(app.get("/").await.status(), 200, "the browser goes on under the new id");
        // The page showing the recovery codes answers for the new id: its forms work.
        let token = csrf_in(&html).unwrap();
        let out = app.client.post(app.url("/logout")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(out.status(), 303);
        assert_eq!(out.headers()["location"], "/login?notice=signed_out");
        assert_eq!(events_of(&app, AuditAction::SecondFactorEnabled).await.len(), 1);
    }

    /// Security review L7: a sign-in begun with the old password must not finish.
    async fn a_new_password_ends_sign_ins_waiting_for_their_second_factor(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let (secret, _) = enrol(&app).await;
        // Someone who knows the password has got as far as the code…
        let intruder = TestApp::new_client();
        let res = app.sign_in_with(&intruder, "camille@x.example", PASSWORD).await;
        assert_eq!(res.headers()["location"], "/login/second-factor");
        // …when the owner changes it from their account page.
        let new_password = "une autre phrase de passe bien longue";
        let changed = post_form(&app, &app.client, "/account/password", "/account", &[("current", PASSWORD), ("password", new_password), ("confirm", new_password)]).await;
        assert_eq!(changed.status(), 303);
        let late = post_form(&app, &intruder, "/login/second-factor", "/login/second-factor", &[("code", &code_now(&secret, 1))]).await;
        assert_eq!(late.status(), 303);
        assert_eq!(late.headers()["location"], "/login?notice=expired");
        assert_eq!(intruder.get(app.url("/")).send().await.unwrap().status(), 303, "no session");
        // The same with a password chosen through a reset link.
        let intruder = TestApp::new_client();
        app.sign_in_with(&intruder, "camille@x.example", new_password).await;
        let mut tx = app.state.db.begin_write().await.unwrap();
        let link = accounts::create_reset_link(&mut tx, id, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let owner = TestApp::new_client();
        let csrf = app.csrf_token(&owner, &link.path()).await;
        let phrase = "encore une phrase de passe toute neuve";
        let set = owner.post(app.url(&link.path())).form(&[("csrf_token", csrf.as_str()), ("password", phrase), ("confirm", phrase)]).send().await.unwrap();
        assert_eq!(set.status(), 303);
        let late = post_form(&app, &intruder, "/login/second-factor", "/login/second-factor", &[("code", &code_now(&secret, 1))]).await;
        assert_eq!(late.headers()["location"], "/login?notice=expired");
        assert_eq!(intruder.get(app.url("/")).send().await.unwrap().status(), 303, "no session");
    }

    /// Security review M1: the organisation chosen last opens again, not the first by name.
    async fn the_organisation_last_switched_to_opens_at_the_next_sign_in(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("manager.b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let b = store::organisations::find_by_slug(&app.state.db, "ccas-b").await.unwrap().unwrap();
        let membership_b = domain::MembershipId::new();
        accounts::insert_membership(&app.state.db, membership_b, id, b.id, Role::Supervisor, Ts::now()).await.unwrap();
        app.sign_in("camille@x.example", PASSWORD).await;
        let home = visible_text(&app.get("/").await.text().await.unwrap());
        assert!(home.contains("Votre structure : ccas-a"), "the first by name, at first: {home}");
        let switch = post_form(&app, &app.client, "/account/organisation", "/account", &[("organisation_id", &b.id.to_string())]).await;
        assert_eq!(switch.status(), 303);
        let elsewhere = TestApp::new_client();
        app.sign_in_with(&elsewhere, "camille@x.example", PASSWORD).await;
        let home = visible_text(&elsewhere.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(home.contains("Votre structure : ccas-b (superviseur·e)"), "the last one chosen: {home}");
        // Once that membership is disabled, the next sign-in falls back to the first by name.
        store::accounts::set_member_disabled(&app.state.db, b.id, membership_b, Some(Ts::now()), Ts::now()).await.unwrap();
        let later = TestApp::new_client();
        app.sign_in_with(&later, "camille@x.example", PASSWORD).await;
        let home = visible_text(&later.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(home.contains("Votre structure : ccas-a"), "{home}");
    }

    async fn a_second_factor_is_enrolled_then_required_at_sign_in(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let (secret, codes) = enrol(&app).await;
        let account = visible_text(&app.get("/account").await.text().await.unwrap());
        assert!(account.contains("Activée. Codes de secours restants : 10."), "{account}");

        // The password alone no longer opens a session.
        let browser = TestApp::new_client();
        let res = app.sign_in_with(&browser, "camille@x.example", PASSWORD).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login/second-factor");
        assert_eq!(browser.get(app.url("/")).send().await.unwrap().status(), 303, "not signed in yet");
        let wrong = post_form(&app, &browser, "/login/second-factor", "/login/second-factor", &[("code", "123456")]).await;
        assert_eq!(wrong.status(), 422);
        assert!(visible_text(&wrong.text().await.unwrap()).contains("Ce code n'est pas valable"));
        // The code of the enrolment step was used: the next step's code signs in.
        let code = code_now(&secret, 1);
        let ok = post_form(&app, &browser, "/login/second-factor", "/login/second-factor", &[("code", &code)]).await;
        assert_eq!(ok.status(), 303);
        assert_eq!(ok.headers()["location"], "/");
        assert_eq!(browser.get(app.url("/")).send().await.unwrap().status(), 200);

        // The same code never works twice.
        let other = TestApp::new_client();
        app.sign_in_with(&other, "camille@x.example", PASSWORD).await;
        let replay = post_form(&app, &other, "/login/second-factor", "/login/second-factor", &[("code", &code)]).await;
        assert_eq!(replay.status(), 422);
        // A recovery code works, once.
        let recovery = post_form(&app, &other, "/login/second-factor", "/login/second-factor", &[("code", &codes[0].to_uppercase())]).await;
        assert_eq!(recovery.status(), 303, "recovery codes are read case-insensitively");
        let third = TestApp::new_client();
        app.sign_in_with(&third, "camille@x.example", PASSWORD).await;
        let reused = post_form(&app, &third, "/login/second-factor", "/login/second-factor", &[("code", &codes[0])]).await;
        assert_eq!(reused.status(), 422);
    }

    async fn wrong_codes_draw_on_the_sign_in_allowance_and_are_told_to_the_owner(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let (secret, _) = enrol(&app).await;
        // Someone who knows the password: the password counts once, each wrong code once more.
        let browser = TestApp::new_client();
        app.sign_in_with(&browser, "camille@x.example", PASSWORD).await;
        for _ in 0..4 {
            let res = post_form(&app, &browser, "/login/second-factor", "/login/second-factor", &[("code", "000000")]).await;
            assert_eq!(res.status(), 422);
        }
        let token = app.csrf_token(&browser, "/login").await;
        let locked = browser
            .post(app.url("/login/second-factor"))
            .form(&[("csrf_token", token.as_str()), ("code", &code_now(&secret, 1))])
            .send()
            .await
            .unwrap();
        assert_eq!(locked.status(), 303);
        assert_eq!(locked.headers()["location"], "/login?notice=too_many", "even a right code is too late");
        assert_eq!(browser.get(app.url("/")).send().await.unwrap().status(), 303);
        // Starting again does not reset the count: the password step is refused now.
        let again = app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await;
        assert_eq!(again.status(), 429);
        let user = accounts::find_user(&app.state.db, id).await.unwrap().unwrap();
        assert_eq!(user.failed_logins, 4, "the owner will be told of the wrong codes");
    }

    async fn the_second_factor_is_turned_off_only_with_a_code(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let (secret, _) = enrol(&app).await;
        let refused = post_form(&app, &app.client, "/account/second-factor/disable", "/account/second-factor", &[("code", "111111")]).await;
        assert_eq!(refused.status(), 422);
        assert!(store::second_factor::state(&app.state.db, id).await.unwrap().enabled());
        let ok = post_form(&app, &app.client, "/account/second-factor/disable", "/account/second-factor", &[("code", &code_now(&secret, 1))]).await;
        assert_eq!(ok.status(), 303);
        assert!(!store::second_factor::state(&app.state.db, id).await.unwrap().enabled());
        let browser = TestApp::new_client();
        assert_eq!(app.sign_in_with(&browser, "camille@x.example", PASSWORD).await.headers()["location"], "/");
    }

    async fn switching_organisation_changes_the_session_id_and_stays_within_memberships(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("other@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        app.create_user("third@x.example", PASSWORD, Some(("ccas-c", Role::Manager))).await;
        let b = store::organisations::find_by_slug(&app.state.db, "ccas-b").await.unwrap().unwrap();
        let c = store::organisations::find_by_slug(&app.state.db, "ccas-c").await.unwrap().unwrap();
        accounts::insert_membership(&app.state.db, domain::MembershipId::new(), id, b.id, Role::Supervisor, Ts::now()).await.unwrap();
        let res = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        let before = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        let account = visible_text(&app.get("/account").await.text().await.unwrap());
        assert!(account.contains("ccas-a travailleur·se social·e active"), "{account}");
        let switch = post_form(&app, &app.client, "/account/organisation", "/account", &[("organisation_id", &b.id.to_string())]).await;
        assert_eq!(switch.status(), 303);
        let after = switch.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert_ne!(before.split(';').next(), after.split(';').next(), "a new session id");
        let old_id = before.split(';').next().unwrap().to_owned();
        let replay = TestApp::new_client().get(app.url("/")).header("cookie", old_id).send().await.unwrap();
        assert_eq!(replay.status(), 303, "the previous id no longer works");
        let home = visible_text(&app.get("/").await.text().await.unwrap());
        assert!(home.contains("Votre structure : ccas-b (superviseur·e)"), "{home}");
        // An organisation the user does not belong to, by its real id: not found, nothing changes.
        let refused = post_form(&app, &app.client, "/account/organisation", "/account", &[("organisation_id", &c.id.to_string())]).await;
        assert_eq!(refused.status(), 404);
        assert!(visible_text(&app.get("/").await.text().await.unwrap()).contains("ccas-b"));
    }

    async fn the_account_page_lists_sessions_and_keeps_them_alive_on_request(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let phone = TestApp::new_client();
        app.sign_in_with(&phone, "camille@x.example", PASSWORD).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let html = app.get("/account").await.text().await.unwrap();
        let text = visible_text(&html);
        assert_eq!(html.matches("<th scope=\"row\">").count() - 1, 2, "two sessions (and one organisation row)");
        assert!(text.contains("cet appareil"));
        let token = csrf_in(&html).unwrap();
        let kept = app.client.post(app.url("/account/keep-alive")).header("x-csrf-token", token).send().await.unwrap();
        assert_eq!(kept.status(), 204);
        let forged = app.client.post(app.url("/account/keep-alive")).send().await.unwrap();
        assert_eq!(forged.status(), 403);
    }

    async fn what_was_typed_when_a_session_ends_is_kept_on_the_server_for_its_user_and_page_once(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("noor@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let token = csrf_in(&app.get("/account").await.text().await.unwrap()).unwrap();
        let path = "/persons/0190f3c2-aaaa-7bbb-8ccc-0123456789ab/edit";
        let send = |url: &'static str, body: serde_json::Value, token: Option<String>| {
            let mut req = app.client.post(app.url(url)).header("content-type", "application/json");
            if let Some(t) = token {
                req = req.header("x-csrf-token", t);
            }
            req.body(body.to_string()).send()
        };
        let fields = serde_json::json!([
            [0, "birth_name", "Nguyễn", null],
            [0, "csrf_token", "abc", null],
            [0, "new_password", "hunter2", null],
            [1, "consent", "yes", true]
        ]);
        let forged = send("/account/form-draft", serde_json::json!({"path": path, "fields": fields}), None).await.unwrap();
        assert_eq!(forged.status(), 403, "anti-forgery token required");
        let saved = send("/account/form-draft", serde_json::json!({"path": path, "fields": fields}), Some(token.clone())).await.unwrap();
        assert_eq!(saved.status(), 204);
        // A page address with a query (what was searched) or personal text is never a key.
        let refused = send("/account/form-draft", serde_json::json!({"path": "/persons?q=Dupont", "fields": fields}), Some(token.clone())).await.unwrap();
        assert_eq!(refused.status(), 422);
        // Another user of the same page gets nothing.
        let other = TestApp::new_client();
        app.sign_in_with(&other, "noor@x.example", PASSWORD).await;
        let other_token = csrf_in(&other.get(app.url("/account")).send().await.unwrap().text().await.unwrap()).unwrap();
        let theirs = other
            .post(app.url("/account/form-draft/take"))
            .header("content-type", "application/json")
            .header("x-csrf-token", other_token)
            .body(serde_json::json!({"path": path}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.status(), 204);
        // The user signs in again (a new session, a new token) and takes it back, once, without
        // the token or the password.
        app.sign_in("camille@x.example", PASSWORD).await;
        let fresh: serde_json::Value = app.get("/account/csrf-token").await.json().await.unwrap();
        let fresh = fresh["token"].as_str().unwrap().to_owned();
        assert_ne!(fresh, token);
        let taken = send("/account/form-draft/take", serde_json::json!({"path": path}), Some(fresh.clone())).await.unwrap();
        assert_eq!(taken.status(), 200);
        let body: serde_json::Value = taken.json().await.unwrap();
        assert_eq!(body["fields"], serde_json::json!([[0, "birth_name", "Nguyễn", null], [1, "consent", "yes", true]]));
        let again = send("/account/form-draft/take", serde_json::json!({"path": path}), Some(fresh)).await.unwrap();
        assert_eq!(again.status(), 204, "taken back once");
        // Signed out, the token is not given.
        let stranger = TestApp::new_client().get(app.url("/account/csrf-token")).send().await.unwrap();
        assert_ne!(stranger.status(), 200);
    }

    async fn an_attacker_cannot_lock_the_owner_out_of_a_browser_they_used_before(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("owner@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let owners_laptop = TestApp::new_client();
        assert_eq!(app.sign_in_with(&owners_laptop, "owner@x.example", PASSWORD).await.status(), 303);
        let attacker = TestApp::new_client();
        for _ in 0..5 {
            assert_eq!(app.sign_in_with(&attacker, "owner@x.example", "guess").await.status(), 422);
        }
        assert_eq!(app.sign_in_with(&attacker, "owner@x.example", PASSWORD).await.status(), 429, "the account is blocked");
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "owner@x.example", PASSWORD).await.status(), 429, "for new browsers too");
        // The owner's own browser still gets in.
        assert_eq!(app.sign_in_with(&owners_laptop, "owner@x.example", PASSWORD).await.status(), 303);
        // A request with the wrong method on a known path is the client's mistake, not an alarm.
        assert_eq!(app.get("/logout").await.status(), 405);
    }

    async fn a_thousand_wrong_passwords_evaluate_only_the_allowance(db) {
        let app = TestApp::spawn(db).await;
        let victim = app.create_user("victim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("colleague@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let token = app.csrf_token(&app.client, "/login").await;
        let started = std::time::Instant::now();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(16));
        let mut handles = Vec::new();
        for i in 0..1000 {
            let client = app.client.clone();
            let url = app.url("/login");
            let token = token.clone();
            let permit = semaphore.clone().acquire_owned().await.unwrap();
            handles.push(tokio::spawn(async move {
                let password = format!("guess number {i}");
                let res = client
                    .post(url)
                    .form(&[("csrf_token", token.as_str()), ("email", "victim@x.example"), ("password", &password)])
                    .send()
                    .await
                    .unwrap();
                drop(permit);
                res.status().as_u16()
            }));
        }
        let mut statuses = std::collections::BTreeMap::new();
        for h in handles {
            *statuses.entry(h.await.unwrap()).or_insert(0) += 1;
        }
        let elapsed = started.elapsed();
        let user = accounts::find_user(&app.state.db, victim).await.unwrap().unwrap();
        eprintln!("1000 wrong passwords in {elapsed:?}: {statuses:?}; evaluated {}", user.failed_logins);
        assert_eq!(user.failed_logins, 5, "only the allowance was evaluated");
        assert_eq!(statuses.get(&422), Some(&5));
        assert_eq!(statuses.get(&429), Some(&995));
        // The right password waits too: the account is blocked, whoever asks.
        let blocked = app.sign_in_with(&TestApp::new_client(), "victim@x.example", PASSWORD).await;
        assert_eq!(blocked.status(), 429);
        assert!(visible_text(&blocked.text().await.unwrap()).contains("Trop de tentatives de connexion"));
        // Another account from the same address still signs in.
        let other = app.sign_in_with(&TestApp::new_client(), "colleague@x.example", PASSWORD).await;
        assert_eq!(other.status(), 303);
        // Unknown accounts are throttled alike: nothing tells them apart.
        for _ in 0..5 {
            assert_eq!(app.sign_in_with(&app.client, "nobody@x.example", "x").await.status(), 422);
        }
        assert_eq!(app.sign_in_with(&app.client, "nobody@x.example", "x").await.status(), 429);
    }
}
