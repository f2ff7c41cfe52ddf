//! Correcting an aid request before its decision (ADR 0030, section of 2026-11-27) — on SQLite
//! and PostgreSQL: the form filled with what is stored, checked as the preparation (422 keeping
//! what was typed), a stale form refused with both versions shown and nothing overwritten, an
//! `aid` event on the timeline without amount, an audited `record_updated` naming the fields;
//! no correction before the commission or after a decision (409 with the reason); who may
//! correct follows the aid rules; the API's PATCH does the same with its scope.

use domain::audit::AuditAction;
use store::Ts;
use testkit::engine_tests;

use crate::aid::{A, move_to, prepare, version_in, world};
use crate::helpers::{TestApp, location, visible_text};

fn typed(version: &str, asked: &str, presentation: &str) -> Vec<(&'static str, String)> {
    vec![
        ("version", version.to_owned()),
        ("aid_type", "energy_aid".to_owned()),
        ("requested_on", "19/11/2026".to_owned()),
        ("asked", asked.to_owned()),
        ("presentation", presentation.to_owned()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

engine_tests! {
    async fn a_request_is_corrected_until_the_commission_and_a_stale_form_overwrites_nothing(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "300").await;
        let show = format!("/aid/{id}");
        let edit = format!("/aid/{id}/edit");
        assert!(w.worker.page(&app, &show).await.contains(&format!("href=\"{edit}\"")));

        // The form holds what is stored, the amount as the user's language types it.
        let form = w.worker.page(&app, &edit).await;
        assert!(form.contains("value=\"300,00\"") && form.contains("value=\"20/11/2026\""), "{form}");
        assert!(form.contains("value=\"energy_aid\" selected"));
        let version = version_in(&form);
        assert!(visible_text(&w.worker.get_en(&app, &edit).await).contains("Correct the aid request"));

        // Refused as the preparation would be: 422, every value typed kept, in French.
        let bad = vec![
            ("version", version.clone()), ("aid_type", "energy_aid".into()),
            ("requested_on", "31/02/2026".into()), ("asked", "12,345".into()),
            ("presentation", "Corrigé <à la main>".into()),
        ];
        let res = w.worker.post(&app, &edit, &pairs(&bad)).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Saisissez une date au format jj/mm/aaaa") && text.contains("Un montant a au plus deux décimales"), "{text}");
        assert!(html.contains("value=\"12,345\"") && html.contains("value=\"31/02/2026\""));
        assert!(html.contains("Corrigé &#60;à la main&#62;</textarea>"), "kept, escaped");
        let en = w.worker.client.post(app.url(&edit)).header("accept-language", "en")
            .form(&[("csrf_token", w.worker.csrf.as_str()), ("version", &version), ("aid_type", "energy_aid"),
                    ("requested_on", "19/11/2026"), ("asked", "")]).send().await.unwrap();
        assert_eq!(en.status(), 422);
        assert!(visible_text(&en.text().await.unwrap()).contains("Type the amount."), "the amount energy aid asks, in English");

        // Two forms read at the same version: the first saves, the second is refused with what
        // is stored beside what was typed; nothing it typed is written.
        let res = w.worker.post(&app, &edit, &pairs(&typed(&version, "450", "Facture corrigée"))).await;
        assert_eq!(location(&res), format!("/aid/{id}?done=edited"));
        let res = w.manager.post(&app, &edit, &pairs(&typed(&version, "999", "Autre version"))).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Quelqu'un a modifié cette demande entre-temps"), "{text}");
        assert!(text.contains("450,00") && text.contains("Facture corrigée"), "what is stored: {text}");
        assert!(html.contains("value=\"999\"") && html.contains("Autre version</textarea>"), "what was typed");
        let current = version_in(&html);
        assert_ne!(current, version, "the form now carries the stored version");
        let page = visible_text(&w.worker.page(&app, &show).await);
        assert!(page.contains("450,00") && page.contains("Facture corrigée") && !page.contains("999"), "{page}");
        // Saving again on purpose keeps that version; the manager may (aid rules).
        let res = w.manager.post(&app, &edit, &pairs(&typed(&current, "420", "Autre version"))).await;
        assert_eq!(location(&res), format!("/aid/{id}?done=edited"));
        // Nothing changed: nothing recorded.
        let version = version_in(&w.worker.page(&app, &edit).await);
        let res = w.worker.post(&app, &edit, &pairs(&typed(&version, "420,00", "Autre version"))).await;
        assert_eq!(location(&res), format!("/aid/{id}?done=unchanged"));

        // The timeline says it was corrected, twice, never how much.
        let timeline = visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await);
        assert_eq!(timeline.matches("Demande d'aide corrigée par").count(), 2, "{timeline}");
        assert!(!timeline.contains("420,00") && !timeline.contains("450,00"), "{timeline}");
        // Each correction audited with the fields it changed, not their values.
        let filter = store::audit::AuditFilter {
            action: Some(AuditAction::RecordUpdated),
            subject_id: Some(id.parse().unwrap()),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Everything)
        };
        let events = store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events;
        let details: Vec<String> = events.iter().filter_map(|e| e.details.clone()).collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(details.iter().any(|d| d.contains("asked,presentation") || d.contains("requested_on,asked,presentation")), "{details:?}");
        assert!(details.iter().all(|d| d.contains("edited") && !d.contains("42000") && !d.contains("45000")), "{details:?}");

        // Waiting for documents and under review: still correctable; before the commission: not.
        move_to(&app, &w.worker, &id, "awaiting_documents").await;
        assert_eq!(w.worker.get(&app, &edit).await.status(), 200);
        move_to(&app, &w.worker, &id, "under_review").await;
        assert_eq!(w.worker.get(&app, &edit).await.status(), 200);
        move_to(&app, &w.worker, &id, "in_committee").await;
        assert!(!w.worker.page(&app, &show).await.contains(&format!("href=\"{edit}\"")));
        let res = w.worker.get(&app, &edit).await;
        assert_eq!(res.status(), 409);
        assert!(visible_text(&res.text().await.unwrap()).contains("ne peut plus être corrigée"));
        let version = version_in(&w.worker.page(&app, &show).await);
        let res = w.worker.post(&app, &edit, &pairs(&typed(&version, "100", "Trop tard"))).await;
        assert_eq!(res.status(), 409);
        assert!(!visible_text(&w.worker.page(&app, &show).await).contains("Trop tard"));
    }

    async fn a_decided_request_is_not_corrected_and_only_its_writers_reach_the_form(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "300").await;
        let edit = format!("/aid/{id}/edit");
        for (who, b) in [("reception", &w.reception), ("other team", &w.other_team), ("supervisor", &w.supervisor), ("other organisation", &w.outsider)] {
            assert_eq!(b.get(&app, &edit).await.status(), 404, "{who}");
            let res = b.post(&app, &edit, &pairs(&typed("1", "1", "x"))).await;
            assert_eq!(res.status(), 404, "{who}");
        }
        assert_eq!(w.manager.get(&app, &edit).await.status(), 200, "managers write aid requests");

        // Food aid, decided by the worker: once granted, the form is refused with the reason.
        let res = w.worker.post(&app, &format!("/cases/{}/aid/new", w.case), &[
            ("aid_type", "food_aid"), ("requested_on", "20/11/2026"), ("asked", "80"), ("presentation", "Colis"),
        ]).await;
        let food = location(&res).trim_start_matches("/aid/").split('?').next().unwrap().to_owned();
        move_to(&app, &w.worker, &food, "under_review").await;
        let version = version_in(&w.worker.page(&app, &format!("/aid/{food}")).await);
        let res = w.worker.post(&app, &format!("/aid/{food}/decide"), &[("version", &version), ("outcome", "accepted")]).await;
        assert_eq!(location(&res), format!("/aid/{food}?done=decided"));
        let page = w.worker.page(&app, &format!("/aid/{food}")).await;
        assert!(!page.contains(&format!("/aid/{food}/edit")));
        let version = version_in(&page);
        let res = w.worker.post(&app, &format!("/aid/{food}/edit"), &[
            ("version", version.as_str()), ("aid_type", "food_aid"), ("requested_on", "20/11/2026"),
            ("asked", "8000"), ("presentation", "Colis"),
        ]).await;
        assert_eq!(res.status(), 409);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("ne peut plus être corrigée") && text.contains("80,00") && !text.contains("8 000"), "{text}");
    }

    async fn the_api_corrects_a_request_with_its_version_and_scope(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "300").await;
        let in_a_day = Ts::from(Ts::now().get() + time::Duration::days(1));
        let worker_id = domain::UserId::from_uuid(w.worker.id.parse().unwrap());
        let outsider_id = domain::UserId::from_uuid(w.outsider.id.parse().unwrap());
        let (_, write) = app.api_token(worker_id, A, "aid:write", in_a_day).await;
        let (_, read) = app.api_token(worker_id, A, "aid:read", in_a_day).await;
        let (_, outsider) = app.api_token(outsider_id, "ccas-voisin", "aid:write", in_a_day).await;
        let client = TestApp::new_client();
        let path = format!("/api/v1/aid-requests/{id}");
        let patch = |token: &str, body: serde_json::Value| {
            client.patch(app.url(&path)).bearer_auth(token.to_owned()).json(&body).send()
        };
        assert_eq!(patch(&read, serde_json::json!({"version": 1, "asked_cents": 100})).await.unwrap().status(), 403, "aid:read does not write");
        assert_eq!(patch(&outsider, serde_json::json!({"version": 1, "asked_cents": 100})).await.unwrap().status(), 404);
        let res = patch(&write, serde_json::json!({"version": 1, "asked_cents": 0, "requested_on": "2026-02-30"})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["requested_on", "asked_cents"]);
        let res = patch(&write, serde_json::json!({"version": 1, "asked_cents": 45_000, "presentation": "Facture corrigée"})).await.unwrap();
        assert_eq!(res.status(), 200);
        let saved: serde_json::Value = res.json().await.unwrap();
        assert_eq!((saved["asked_cents"].as_i64(), saved["presentation"].as_str(), saved["version"].as_i64()), (Some(45_000), Some("Facture corrigée"), Some(2)));
        assert_eq!((saved["aid_type"].as_str(), saved["requested_on"].as_str()), (Some("energy_aid"), Some("2026-11-20")), "what was left out stays");
        let res = patch(&write, serde_json::json!({"version": 1, "asked_cents": 1})).await.unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "version_conflict");
        let read_back: serde_json::Value = app.bearer(reqwest::Method::GET, &path, &write).await.json().await.unwrap();
        assert_eq!(read_back["asked_cents"], 45_000, "nothing overwritten");
        move_to(&app, &w.worker, &id, "under_review").await;
        move_to(&app, &w.worker, &id, "in_committee").await;
        let res = patch(&write, serde_json::json!({"version": 4, "asked_cents": 1})).await.unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_editable");
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(doc["paths"]["/api/v1/aid-requests/{aid_id}"]["patch"].is_object());
        let timeline = visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(timeline.contains("Demande d'aide corrigée") && !timeline.contains("450,00"), "{timeline}");
    }
}
