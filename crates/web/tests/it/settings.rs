//! The organisation's settings page and what the settings change — on SQLite and PostgreSQL.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";

/// The settings form as a manager would send it, with `overrides`.
pub(crate) fn fields<'a>(
    overrides: &[(&'a str, &'a str)],
    csrf: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf_token", csrf),
        ("version", version),
        ("name", "CCAS de Valbourg"),
        ("time_zone", "Europe/Paris"),
        ("session_idle_minutes", "30"),
        ("session_absolute_hours", "12"),
        ("letterhead_address", "1 place de la Mairie\n12345 Valbourg"),
        ("letterhead_signatory", "La directrice"),
        ("letterhead_footer", ""),
        ("reminder_flag_hours", "24"),
        ("reminder_assessment_months", "6"),
        ("reminder_referral_days", "10"),
        ("reminder_mail_days", "15"),
        ("reminder_aid_days", "15"),
        ("budget_threshold", ""),
        ("budget_day_divisor", "30"),
        ("statistics_threshold", "5"),
    ];
    for (k, v) in overrides {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    form
}

pub(crate) fn version_in(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

engine_tests! {
    async fn a_manager_saves_the_settings_and_sees_them_again(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        let res = app.client.post(app.url("/admin/organisation")).form(&fields(&[], &csrf, &version)).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let again = app.get("/admin/organisation?saved=1").await.text().await.unwrap();
        assert!(visible_text(&again).contains("Les paramètres sont enregistrés."));
        assert!(again.contains("value=\"CCAS de Valbourg\""));
        assert!(again.contains("1 place de la Mairie\n12345 Valbourg"));
        assert!(again.contains("name=\"require_second_factor\" type=\"checkbox\">"), "an unticked box stays unticked");
        assert_ne!(version_in(&again), version, "the version moved on");
    }

    async fn bad_values_are_refused_field_by_field_and_kept(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("time_zone", "Paris"), ("session_idle_minutes", "2"), ("name", "Nouveau nom")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Indiquez un fuseau horaire IANA"), "{text}");
        assert!(text.contains("Indiquez un nombre entier entre 5 et 480"), "{text}");
        assert!(html.contains("value=\"Nouveau nom\"") && html.contains("value=\"Paris\""), "what was typed is kept");
        let stored = app.get("/admin/organisation").await.text().await.unwrap();
        assert!(stored.contains("value=\"ccas-a\""), "nothing was saved");
        // Well formed but unknown: refused too, since every time is shown in this zone.
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("time_zone", "Europe/Valbourg")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Indiquez un fuseau horaire IANA"));
    }

    async fn the_statistics_threshold_is_five_or_more_and_a_refused_one_is_kept(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let org = store::organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap().id;
        assert_eq!(store::organisations::statistics_threshold(&app.state.db, org).await.unwrap(), 5, "5 by default");
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        assert!(page.contains(r#"name="statistics_threshold" type="number" inputmode="numeric" min="5" max="50" value="5""#), "{page}");
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("statistics_threshold", "3")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Indiquez un nombre entier entre 5 et 50"), "{}", visible_text(&html));
        assert!(html.contains(r#"value="3" aria-describedby="statistics_threshold-hint statistics_threshold-error""#), "kept, linked to its message");
        assert_eq!(store::organisations::statistics_threshold(&app.state.db, org).await.unwrap(), 5, "nothing saved");
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("statistics_threshold", "11")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(store::organisations::statistics_threshold(&app.state.db, org).await.unwrap(), 11);
    }

    async fn the_manager_sets_the_budget_threshold_and_day_divisor_that_new_budgets_use(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let org = store::organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap().id;
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        assert!(page.contains("id=\"budget_threshold\"") && page.contains("value=\"30\""), "no threshold yet, 30 days");
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        // An unreadable amount is refused, with the French money message, and kept.
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("budget_threshold", "douze"), ("budget_day_divisor", "32")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Saisissez un montant en euros"), "{text}");
        assert!(text.contains("Indiquez un nombre entier entre 28 et 31"), "{text}");
        assert!(html.contains("value=\"douze\""), "what was typed is kept");
        let unchanged = store::budgets::settings(&app.state.db, org).await.unwrap();
        assert_eq!((unchanged.budget_threshold_cents, unchanged.budget_day_divisor), (None, 30));
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("budget_threshold", "12,50"), ("budget_day_divisor", "31")], &csrf, &version))
            .send().await.unwrap();
        assert_eq!(res.status(), 303);
        let saved = store::budgets::settings(&app.state.db, org).await.unwrap();
        assert_eq!((saved.budget_threshold_cents, saved.budget_day_divisor), (Some(1_250), 31));
        let again = app.get("/admin/organisation").await.text().await.unwrap();
        assert!(again.contains("value=\"12,50\""), "shown as French writes it");
        // Emptied: no threshold any more.
        let res = app.client.post(app.url("/admin/organisation"))
            .form(&fields(&[("budget_threshold", " ")], &csrf, &version_in(&again)))
            .send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(store::budgets::settings(&app.state.db, org).await.unwrap().budget_threshold_cents, None);
    }

    async fn a_stale_form_shows_both_versions_and_overwrites_nothing(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        let first = app.client.post(app.url("/admin/organisation")).form(&fields(&[("name", "Nom choisi par A")], &csrf, &version)).send().await.unwrap();
        assert_eq!(first.status(), 303);
        let stale = app.client.post(app.url("/admin/organisation")).form(&fields(&[("name", "Nom choisi par B")], &csrf, &version)).send().await.unwrap();
        assert_eq!(stale.status(), 409);
        let html = stale.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Quelqu'un a modifié ces paramètres"), "{text}");
        assert!(text.contains("Nom choisi par A") && text.contains("Nom choisi par B"), "both versions are shown");
        let now = app.get("/admin/organisation").await.text().await.unwrap();
        assert!(now.contains("value=\"Nom choisi par A\""), "nothing was overwritten");
        // Sent again knowingly, with the new version the conflict page carries, it is saved.
        let resend = app.client.post(app.url("/admin/organisation")).form(&fields(&[("name", "Nom choisi par B")], &csrf, &version_in(&html))).send().await.unwrap();
        assert_eq!(resend.status(), 303);
    }

    async fn only_the_manager_reaches_the_settings(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        for (i, role) in [Role::Worker, Role::Reception, Role::Supervisor, Role::Dpo, Role::PeerMediator, Role::Partner].into_iter().enumerate() {
            let email = format!("user{i}@x.example");
            app.create_user(&email, PASSWORD, Some(("ccas-a", role))).await;
            let client = TestApp::new_client();
            app.sign_in_with(&client, &email, PASSWORD).await;
            assert_eq!(client.get(app.url("/admin/organisation")).send().await.unwrap().status(), 404, "{role}");
            let token = app.csrf_token(&client, "/").await;
            let post = client.post(app.url("/admin/organisation")).form(&[("csrf_token", token.as_str()), ("name", "pris")]).send().await.unwrap();
            assert_eq!(post.status(), 404, "{role}");
        }
        let admin = TestApp::new_client();
        app.create_user("admin@x.example", PASSWORD, None).await;
        app.sign_in_with(&admin, "admin@x.example", PASSWORD).await;
        assert_eq!(admin.get(app.url("/admin/organisation")).send().await.unwrap().status(), 404, "an instance admin has no organisation to manage");
    }

    async fn the_organisation_sets_how_long_its_sessions_last(db) {
        let app = TestApp::spawn(db).await;
        let id = app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@x.example", PASSWORD).await;
        let page = app.get("/admin/organisation").await.text().await.unwrap();
        let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
        app.client.post(app.url("/admin/organisation")).form(&fields(&[("session_absolute_hours", "1")], &csrf, &version)).send().await.unwrap();
        let fresh = TestApp::new_client();
        app.sign_in_with(&fresh, "manager@x.example", PASSWORD).await;
        let sessions = store::sessions::list_of_user(&app.state.db, id, store::Ts::now()).await.unwrap();
        assert_eq!(sessions.len(), 2);
        // The absolute expiry is the organisation's: one hour from sign-in.
        let expiries: Vec<i64> = expiries(&app, id).await;
        assert!(expiries.iter().any(|secs| (3500..=3600).contains(secs)), "{expiries:?}");
    }
}

/// Seconds from now to each session's absolute expiry.
async fn expiries(app: &TestApp, user: domain::UserId) -> Vec<i64> {
    let now = store::Ts::now().get();
    let rows: Vec<store::Ts> = match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT expires_at FROM sessions WHERE user_id = $1")
                .bind(user.as_uuid())
                .fetch_all(p)
                .await
                .unwrap()
        }
        store::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT expires_at FROM sessions WHERE user_id = $1")
                .bind(user.as_uuid())
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    rows.into_iter().map(|t| (t.get() - now).whole_seconds()).collect()
}

mod required_second_factor {
    use super::*;

    engine_tests! {
        async fn members_without_a_second_factor_are_sent_to_set_it_up(db) {
            let app = TestApp::spawn(db).await;
            app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
            app.create_user("worker@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
            app.sign_in("manager@x.example", PASSWORD).await;
            let page = app.get("/admin/organisation").await.text().await.unwrap();
            let (csrf, version) = (csrf_in(&page).unwrap(), version_in(&page));
            app.client.post(app.url("/admin/organisation")).form(&fields(&[("require_second_factor", "on")], &csrf, &version)).send().await.unwrap();
            // The manager too is sent to set it up, on their very next page.
            let next = app.get("/admin/organisation").await;
            assert_eq!(next.headers()["location"], "/account/second-factor?required=1");
            let worker = TestApp::new_client();
            let res = app.sign_in_with(&worker, "worker@x.example", PASSWORD).await;
            assert_eq!(res.status(), 303);
            let home = worker.get(app.url("/")).send().await.unwrap();
            assert_eq!(home.status(), 303);
            assert_eq!(home.headers()["location"], "/account/second-factor?required=1");
            let setup = worker.get(app.url("/account/second-factor?required=1")).send().await.unwrap().text().await.unwrap();
            assert!(visible_text(&setup).contains("Votre structure exige la vérification en deux étapes"));
            // Enrolled, the member gets in.
            let marker = "class=\"secret-key\">";
            let at = setup.find(marker).unwrap() + marker.len();
            let key: String = setup[at..at + setup[at..].find('<').unwrap()].chars().filter(|c| !c.is_whitespace()).collect();
            let secret = data_encoding::BASE32_NOPAD.decode(key.as_bytes()).unwrap();
            let code = domain::totp::code_for_step(&secret, domain::totp::step_at(store::Ts::now().get().unix_timestamp()));
            let token = csrf_in(&setup).unwrap();
            let enrolled = worker.post(app.url("/account/second-factor")).form(&[("csrf_token", token.as_str()), ("code", code.as_str())]).send().await.unwrap();
            assert_eq!(enrolled.status(), 200);
            assert_eq!(worker.get(app.url("/")).send().await.unwrap().status(), 200);
        }
    }
}
