//! Notifications: created with their cause, counted in the header, read on their page — on
//! SQLite and PostgreSQL.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";

engine_tests! {
    async fn a_role_change_notifies_the_member_until_they_read_it(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let worker = app.create_user("worker@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let org = store::organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        let member = store::accounts::find_member_by_user(&app.state.db, org.id, worker).await.unwrap().unwrap();
        let member_browser = TestApp::new_client();
        app.sign_in_with(&member_browser, "worker@x.example", PASSWORD).await;
        let before = visible_text(&member_browser.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(before.contains("Notifications Connecté"), "no count before anything happens: {before}");

        app.sign_in("manager@x.example", PASSWORD).await;
        let path = format!("/admin/users/{}/role", member.membership_id);
        let token = app.csrf_token(&app.client, &format!("/admin/users/{}", member.membership_id)).await;
        let res = app.client.post(app.url(&path)).form(&[("csrf_token", token.as_str()), ("role", "supervisor")]).send().await.unwrap();
        assert_eq!(res.status(), 303);

        let home = visible_text(&member_browser.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(home.contains("Notifications (1 non lue)"), "{home}");
        let page = member_browser.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Test User a changé votre rôle dans ccas-a : superviseur·e."), "{text}");
        // The manager has none: notifications are the member's own.
        let manager_page = visible_text(&app.get("/notifications").await.text().await.unwrap());
        assert!(manager_page.contains("Aucune notification."), "{manager_page}");

        let refused = member_browser.post(app.url("/notifications/read")).send().await.unwrap();
        assert_eq!(refused.status(), 403, "marking as read is a form like any other");
        let token = csrf_in(&page).unwrap();
        let read = member_browser.post(app.url("/notifications/read")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(read.status(), 303);
        let after = visible_text(&member_browser.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(!after.contains("non lue"), "{after}");
        let listed = visible_text(&member_browser.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap());
        assert!(listed.contains("a changé votre rôle") && !listed.contains("nouveau"), "still listed, no longer new: {listed}");
    }

    async fn a_second_factor_reset_by_a_manager_is_told_to_its_owner(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let worker = app.create_user("worker@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        store::second_factor::begin_enrolment(&app.state.db, worker, "sealed").await.unwrap();
        store::second_factor::enable(&app.state.db, worker, 1, store::Ts::now()).await.unwrap();
        let org = store::organisations::find_by_slug(&app.state.db, "ccas-a").await.unwrap().unwrap();
        let member = store::accounts::find_member_by_user(&app.state.db, org.id, worker).await.unwrap().unwrap();
        app.sign_in("manager@x.example", PASSWORD).await;
        let token = app.csrf_token(&app.client, &format!("/admin/users/{}", member.membership_id)).await;
        let res = app
            .client
            .post(app.url(&format!("/admin/users/{}/second-factor/reset", member.membership_id)))
            .form(&[("csrf_token", token.as_str()), ("reason", "Téléphone perdu")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let list = store::notifications::latest(&app.state.db, worker, 10).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].kind(), Some(store::notifications::NotificationKind::SecondFactorReset));
        assert_eq!(list[0].organisation_name.as_deref(), Some("ccas-a"));
        assert_eq!(store::notifications::unread_count(&app.state.db, worker).await.unwrap(), 1);
    }
}
