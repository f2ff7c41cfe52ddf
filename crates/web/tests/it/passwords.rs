//! Passwords: the reset link a manager creates on a member's page, and the change of one's own
//! password from the account page — each on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::{MembershipId, OrganisationId, UserId};
use store::accounts::{self, TokenPurpose};
use store::audit::{AuditEvent, AuditFilter, AuditScope};
use store::{Ts, organisations};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, logs, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "pont-levis tranquille 47 hérons";
const OTHER_PASSWORD: &str = "trois hérons sur le pont-levis";

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    organisations::find_by_slug(&app.state.db, slug).await.unwrap().expect("the organisation").id
}

async fn membership_id(app: &TestApp, slug: &str, user: UserId) -> MembershipId {
    let org = org_id(app, slug).await;
    accounts::find_member_by_user(&app.state.db, org, user)
        .await
        .unwrap()
        .expect("a member")
        .membership_id
}

/// Posts a form as the signed-in `client`, with the anti-forgery token of its session.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let token = csrf_in(&html).expect("a signed-in page carries the token");
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

async fn events_of(app: &TestApp, action: AuditAction) -> Vec<AuditEvent> {
    let filter = AuditFilter::new(AuditScope::Everything);
    let events = store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events;
    events.into_iter().filter(|e| e.action() == Ok(action)).collect()
}

async fn assert_chain_intact(app: &TestApp) {
    let report = store::audit::verify(&app.state.db).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
}

fn details(event: &AuditEvent) -> serde_json::Value {
    serde_json::from_str(event.details.as_deref().unwrap_or("{}")).unwrap()
}

/// The session cookie's value in a response, if it sets one.
fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.strip_prefix("passerelle_session=").map(|rest| rest.split(';').next().unwrap().to_owned())
    })
}

/// Whether a browser's session still opens the home page.
async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client.get(app.url("/")).send().await.unwrap().status() == 200
}

/// The one-time link on a page, as a path.
fn link_path(html: &str) -> String {
    let at = html.find("/account/password/").expect("a one-time link is shown");
    html[at..at + "/account/password/".len() + 64].to_owned()
}

/// Chooses a password with a one-time link in a fresh browser; returns the answer's status.
async fn use_link(app: &TestApp, link: &str, password: &str) -> u16 {
    let browser = TestApp::new_client();
    let form = browser.get(app.url(link)).send().await.unwrap();
    if form.status() != 200 {
        return form.status().as_u16();
    }
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let fields = [("csrf_token", csrf.as_str()), ("password", password), ("confirm", password)];
    let res = browser.post(app.url(link)).form(&fields).send().await.unwrap();
    if res.status() == 303 {
        assert_eq!(res.headers()["location"], "/login?notice=password_set");
    }
    res.status().as_u16()
}

/// A manager of `ccas-a`, signed in on `app.client`, and Karim, a worker there.
async fn manager_app(db: testkit::TestDb) -> (TestApp, UserId, UserId) {
    let app = TestApp::spawn(db).await;
    let manager =
        app.create_user("claire@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
    let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
    app.sign_in("claire@x.example", PASSWORD).await;
    (app, manager, karim)
}

/// The manager asks for a reset link for a membership.
async fn reset_link(app: &TestApp, membership: MembershipId) -> reqwest::Response {
    post(app, &app.client, &format!("/admin/users/{membership}/password-reset"), &[]).await
}

/// Ages every unused link of a user past its expiry, as if a day had gone by.
async fn expire_links_by_sql(app: &TestApp, user: UserId) {
    let past = Ts::from(Ts::now().get() - time::Duration::seconds(1));
    let update =
        "UPDATE one_time_tokens SET expires_at = $1 WHERE user_id = $2 AND used_at IS NULL";
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query(update).bind(past).bind(user.as_uuid()).execute(p).await.unwrap();
        }
        store::Db::Postgres(p) => {
            sqlx::query(update).bind(past).bind(user.as_uuid()).execute(p).await.unwrap();
        }
    }
}

engine_tests! {
    async fn a_reset_link_made_by_the_manager_sets_a_new_password_once_and_ends_every_session(db) {
        let (app, manager, karim) = manager_app(db).await;
        let karim_here = TestApp::new_client();
        let karim_there = TestApp::new_client();
        for browser in [&karim_here, &karim_there] {
            assert_eq!(app.sign_in_with(browser, "karim@x.example", PASSWORD).await.status(), 303);
        }
        let id = membership_id(&app, "ccas-a", karim).await;
        let page = app.get(&format!("/admin/users/{id}")).await.text().await.unwrap();
        assert!(page.contains(&format!("action=\"/admin/users/{id}/password-reset\"")), "the form is offered");

        let res = reset_link(&app, id).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store", "no copy of the link in a cache");
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Lien de réinitialisation créé"), "{text}");
        assert!(text.contains("Passerelle n'envoie pas encore d'e-mails"), "{text}");
        assert!(text.contains("karim@x.example"), "{text}");
        let link = link_path(&html);
        let token = link.rsplit('/').next().unwrap().to_owned();
        assert!(html.contains(&format!("http://127.0.0.1{link}")), "the whole link, on the instance's address");

        // Nothing changes until the link is used: the old password and the sessions still work.
        assert!(signed_in(&app, &karim_here).await && signed_in(&app, &karim_there).await);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "karim@x.example", PASSWORD).await.status(), 303);

        assert_eq!(use_link(&app, &link, NEW_PASSWORD).await, 303);
        assert!(!signed_in(&app, &karim_here).await, "every session ends with the reset");
        assert!(!signed_in(&app, &karim_there).await, "every session ends with the reset");
        assert_eq!(use_link(&app, &link, OTHER_PASSWORD).await, 404, "a link works once");
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "karim@x.example", PASSWORD).await.status(), 422);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "karim@x.example", NEW_PASSWORD).await.status(), 303);
        assert!(signed_in(&app, &app.client).await, "the manager's own session goes on");

        let made = events_of(&app, AuditAction::AdminAction).await;
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].organisation(), Some(org_id(&app, "ccas-a").await));
        assert_eq!(made[0].actor_user_id, Some(manager.as_uuid()));
        assert_eq!(made[0].subject_id, Some(karim.as_uuid()));
        let d = details(&made[0]);
        assert_eq!(d["change"], "password_reset_link");
        assert_eq!(d["membership"], id.to_string());
        let set = events_of(&app, AuditAction::PasswordSet).await;
        assert_eq!(set.len(), 1);
        assert_eq!(set[0].subject_id, Some(karim.as_uuid()));
        assert_eq!(details(&set[0])["via"], "link");
        assert_eq!(details(&set[0])["sessions_ended"], 3);
        let logged = logs().contents();
        assert!(!logged.contains(&token), "the link's secret is never logged");
        assert_chain_intact(&app).await;
    }

    async fn a_reset_link_is_valid_24_hours(db) {
        let (app, _, karim) = manager_app(db).await;
        let id = membership_id(&app, "ccas-a", karim).await;
        let before = Ts::now();
        let html = reset_link(&app, id).await.text().await.unwrap();
        let after = Ts::now();
        let link = link_path(&html);
        let hash = web::auth::token_hash(link.rsplit('/').next().unwrap());
        let at = |ts: Ts, hours: i64, minutes: i64| {
            Ts::from(ts.get() + time::Duration::hours(hours) + time::Duration::minutes(minutes))
        };
        // The page says until when, to the minute.
        let shown: Vec<String> = [before, after].iter().map(|t| web::dates::utc_minutes(at(*t, 24, 0))).collect();
        let text = visible_text(&html);
        assert!(shown.iter().any(|s| text.contains(&format!("valable jusqu'au {s}"))), "{shown:?} in {text}");
        // Still good a minute before the day is over, no longer a minute after.
        let peek = |now: Ts| accounts::peek_one_time_token(&app.state.db, &hash, TokenPurpose::ResetPassword, now);
        assert_eq!(peek(at(after, 23, 59)).await.unwrap(), Some(karim));
        assert_eq!(peek(at(before, 24, 1)).await.unwrap(), None);
        // A day later, the page of the link says it is no longer valid, and sets nothing.
        expire_links_by_sql(&app, karim).await;
        let res = app.get(&link).await;
        assert_eq!(res.status(), 404);
        assert!(visible_text(&res.text().await.unwrap()).contains("Ce lien n'est plus valable"));
        assert_eq!(use_link(&app, &link, NEW_PASSWORD).await, 404);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "karim@x.example", PASSWORD).await.status(), 303);
    }

    async fn a_new_link_makes_every_earlier_one_worthless(db) {
        let (app, _, _) = manager_app(db).await;
        // An invitation whose link was lost, replaced by inviting again; then two reset links.
        let invite = || post(&app, &app.client, "/admin/users/invite", &[
            ("email", "nouvelle@x.example"), ("name", "Nouvelle Collègue"), ("role", "worker"),
        ]);
        let lost = invite().await;
        assert_eq!(lost.status(), 200);
        let lost = link_path(&lost.text().await.unwrap());
        let invitation = invite().await;
        assert_eq!(invitation.status(), 200);
        let invitation = link_path(&invitation.text().await.unwrap());
        assert_eq!(app.get(&lost).await.status(), 404, "the lost link was replaced");
        assert_eq!(use_link(&app, &invitation, OTHER_PASSWORD).await, 303);
        let user = accounts::find_user_by_email(&app.state.db, "nouvelle@x.example").await.unwrap().unwrap();
        let id = membership_id(&app, "ccas-a", user.id).await;
        let first = link_path(&reset_link(&app, id).await.text().await.unwrap());
        let second = link_path(&reset_link(&app, id).await.text().await.unwrap());
        assert_ne!(first, second);
        for old in [&invitation, &first] {
            assert_eq!(app.get(old).await.status(), 404, "{old} was replaced");
        }
        assert_eq!(app.get(&second).await.status(), 200);
        assert_eq!(use_link(&app, &first, OTHER_PASSWORD).await, 404);
        assert_eq!(use_link(&app, &second, NEW_PASSWORD).await, 303);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "nouvelle@x.example", NEW_PASSWORD).await.status(), 303);
        assert_eq!(events_of(&app, AuditAction::AdminAction).await.len(), 2, "each link is audited");
    }

    async fn a_manager_makes_reset_links_only_for_accounts_that_open_nothing_else(db) {
        let (app, claire, karim) = manager_app(db).await;
        // Another organisation's member: as unknown as a made-up id.
        let b_worker = app.create_user("worker.b@x.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        let b_membership = membership_id(&app, "ccas-b", b_worker).await;
        assert_eq!(reset_link(&app, b_membership).await.status(), 404);
        assert_eq!(reset_link(&app, MembershipId::new()).await.status(), 404);
        // An account that also opens ccas-b: its password protects ccas-b too.
        let org_b = org_id(&app, "ccas-b").await;
        accounts::insert_membership(&app.state.db, MembershipId::new(), karim, org_b, Role::Worker, Ts::now()).await.unwrap();
        let karim_here = membership_id(&app, "ccas-a", karim).await;
        let res = reset_link(&app, karim_here).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("<a href=\"#password-reset\">Ce compte ouvre aussi une autre structure"), "{html}");
        assert!(!html.contains("/account/password/"), "no link");
        // An instance administrator who is also a member here.
        let admin = app.create_user("admin@x.example", PASSWORD, None).await;
        let org_a = org_id(&app, "ccas-a").await;
        let admin_here = MembershipId::new();
        accounts::insert_membership(&app.state.db, admin_here, admin, org_a, Role::Worker, Ts::now()).await.unwrap();
        let res = reset_link(&app, admin_here).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("l'administration de l'instance"));
        // Their own: from the account page, which asks for the current password.
        let own = membership_id(&app, "ccas-a", claire).await;
        let page = app.get(&format!("/admin/users/{own}")).await.text().await.unwrap();
        assert!(!page.contains("/password-reset\""), "no button on one's own page");
        assert!(page.contains("href=\"/account#change-password-heading\""), "{page}");
        let res = reset_link(&app, own).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Changez votre propre mot de passe depuis votre page de compte"));
        assert!(html.contains("id=\"password-reset\""), "the summary's link has a target");
        assert!(events_of(&app, AuditAction::AdminAction).await.is_empty(), "nothing was made");

        // Every other role: not found.
        let worker = app.create_user("w@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let target = membership_id(&app, "ccas-a", worker).await;
        for (i, role) in [Role::Worker, Role::Reception, Role::Supervisor, Role::Dpo, Role::PeerMediator, Role::Partner].into_iter().enumerate() {
            let email = format!("visitor{i}@x.example");
            app.create_user(&email, PASSWORD, Some(("ccas-a", role))).await;
            let client = TestApp::new_client();
            assert_eq!(app.sign_in_with(&client, &email, PASSWORD).await.status(), 303);
            let res = post(&app, &client, &format!("/admin/users/{target}/password-reset"), &[]).await;
            assert_eq!(res.status(), 404, "{role} must not make reset links");
        }
        // Without the anti-forgery token: refused.
        let res = app.client.post(app.url(&format!("/admin/users/{target}/password-reset"))).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert!(!res.text().await.unwrap().contains("/account/password/"));
        assert!(events_of(&app, AuditAction::AdminAction).await.is_empty(), "nothing was made");
    }

    async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one_under_a_new_id(db) {
        let app = TestApp::spawn(db).await;
        let camille = app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let first = app.sign_in_with(&app.client, "camille@x.example", PASSWORD).await;
        let old_id = session_cookie(&first).unwrap();
        let elsewhere = TestApp::new_client();
        assert_eq!(app.sign_in_with(&elsewhere, "camille@x.example", PASSWORD).await.status(), 303);
        // A reset link someone asked for earlier stops working too.
        let mut tx = app.state.db.begin_write().await.unwrap();
        let pending = accounts::create_reset_link(&mut tx, camille, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();

        let account = app.get("/account").await.text().await.unwrap();
        assert!(account.contains("<h2 id=\"change-password-heading\">Changer mon mot de passe</h2>"), "{account}");
        assert!(account.contains("autocomplete=\"current-password\""));
        let res = post(&app, &app.client, "/account/password", &[
            ("current", PASSWORD), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD),
        ]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/account?notice=password_changed");
        let new_id = session_cookie(&res).expect("a new session id");
        assert_ne!(new_id, old_id);
        let page = app.get("/account?notice=password_changed").await;
        assert_eq!(page.status(), 200, "this browser goes on");
        assert!(visible_text(&page.text().await.unwrap()).contains("Votre mot de passe est changé. Vos autres sessions sont fermées."));
        assert!(!signed_in(&app, &elsewhere).await, "the other browser's session is gone");
        let replay = TestApp::new_client()
            .get(app.url("/"))
            .header("cookie", format!("passerelle_session={old_id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), 303, "the old id opens nothing");
        assert_eq!(app.get(&pending.path()).await.status(), 404);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await.status(), 422, "the old password no longer signs in");
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "camille@x.example", NEW_PASSWORD).await.status(), 303);
        let set = events_of(&app, AuditAction::PasswordSet).await;
        assert_eq!(set.len(), 1);
        assert_eq!((set[0].actor_user_id, set[0].subject_id), (Some(camille.as_uuid()), Some(camille.as_uuid())));
        assert_eq!(set[0].organisation(), Some(org_id(&app, "ccas-a").await));
        assert_eq!(details(&set[0])["via"], "account");
        assert_eq!(details(&set[0])["sessions_ended"], 1);
        assert_chain_intact(&app).await;
    }

    async fn a_wrong_current_password_is_refused_and_counted_like_a_sign_in(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        for i in 0..5 {
            let guess = format!("GUESS-{i} not the password");
            let res = post(&app, &app.client, "/account/password", &[
                ("current", &guess), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD),
            ]).await;
            assert_eq!(res.status(), 422, "attempt {i}");
            let html = res.text().await.unwrap();
            assert!(html.contains("<a href=\"#current-password\">Le mot de passe actuel est incorrect.</a>"), "{html}");
            assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"current-password-error\""));
            assert!(!html.contains("GUESS") && !html.contains(NEW_PASSWORD), "passwords are never sent back");
        }
        // The allowance is spent: even the right password waits, here and at sign-in.
        let res = post(&app, &app.client, "/account/password", &[
            ("current", PASSWORD), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD),
        ]).await;
        assert_eq!(res.status(), 429);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Trop de tentatives avec un mot de passe incorrect. Réessayez dans "), "{text}");
        assert!(!text.contains('$'), "every placeholder filled in: {text}");
        let blocked = app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await;
        assert_eq!(blocked.status(), 429);
        let blocked = visible_text(&blocked.text().await.unwrap());
        assert!(blocked.contains("Trop de tentatives de connexion. Réessayez dans "), "{blocked}");
        assert!(!blocked.contains('$'), "every placeholder filled in: {blocked}");
        assert!(signed_in(&app, &app.client).await, "the session itself goes on");
        assert!(events_of(&app, AuditAction::PasswordSet).await.is_empty());
        let user = accounts::find_user_by_email(&app.state.db, "camille@x.example").await.unwrap().unwrap();
        let hash = user.password_hash.unwrap();
        assert!(domain::passwords::verify_password(PASSWORD, &hash), "unchanged");
    }

    async fn a_weak_or_mistyped_new_password_is_refused_and_changes_nothing(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let elsewhere = TestApp::new_client();
        assert_eq!(app.sign_in_with(&elsewhere, "camille@x.example", PASSWORD).await.status(), 303);
        let cases: [(&str, &str, &str, &str); 3] = [
            ("passwordpassword", "passwordpassword", "#new-password", "trop facile à deviner"),
            ("court", "court", "#new-password", "au moins 12 caractères"),
            (NEW_PASSWORD, "pont-levis tranquille 47 herons", "#confirm-password", "ne sont pas identiques"),
        ];
        for (password, confirm, field, message) in cases {
            let res = post(&app, &app.client, "/account/password", &[
                ("current", PASSWORD), ("password", password), ("confirm", confirm),
            ]).await;
            assert_eq!(res.status(), 422, "{password}");
            let html = res.text().await.unwrap();
            assert!(html.contains(&format!("<a href=\"{field}\">")), "{field} in {html}");
            assert!(visible_text(&html).contains(message), "{message}");
            for typed in [PASSWORD, password, confirm] {
                assert!(!html.contains(&format!("value=\"{typed}\"")), "{typed} sent back");
            }
        }
        // More refusals than the throttle's allowance: with the right current password, none
        // counts against the account.
        for _ in 0..2 {
            let res = post(&app, &app.client, "/account/password", &[
                ("current", PASSWORD), ("password", "court"), ("confirm", "court"),
            ]).await;
            assert_eq!(res.status(), 422);
        }
        assert!(signed_in(&app, &elsewhere).await, "nothing ended");
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await.status(), 303);
        assert!(events_of(&app, AuditAction::PasswordSet).await.is_empty());
    }

    async fn the_change_of_password_needs_the_anti_forgery_token(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("camille@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.sign_in("camille@x.example", PASSWORD).await;
        let fields = [("current", PASSWORD), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
        let res = app.client.post(app.url("/account/password")).form(&fields).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let forged = [("csrf_token", "0".repeat(64)), ("current", PASSWORD.into()), ("password", NEW_PASSWORD.into()), ("confirm", NEW_PASSWORD.into())];
        let res = app.client.post(app.url("/account/password")).form(&forged).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(app.sign_in_with(&TestApp::new_client(), "camille@x.example", PASSWORD).await.status(), 303, "unchanged");
        // Nobody signed in: the sign-in page, not a change.
        let res = TestApp::new_client().post(app.url("/account/password")).form(&fields).send().await.unwrap();
        assert!(res.status() == 403 || res.headers().get("location").is_some_and(|l| l == "/login"), "{}", res.status());
        assert!(events_of(&app, AuditAction::PasswordSet).await.is_empty());
    }
}
