//! Domiciliation at the desk — on SQLite and PostgreSQL: a reception agent registers a
//! person's election of domicile (renewal a year on by default), refused forms named with what
//! was typed kept (422), registers mail, sees it on the desk's list, hands it over; ends the
//! election with a reason; the same agent reads neither the household's budget nor the
//! person's cases; another organisation gets 404; views audited.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{TestApp, location, member, visible_text};

const ORG: &str = "ccas-domicile";

engine_tests! {
    async fn reception_registers_the_election_and_the_mail_and_hands_it_over(db) {
        let app = TestApp::spawn(db).await;
        let rita = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let stranger = member(&app, "ccas-autre", "Zoe", Role::Reception, &[]).await;
        let res = rita.post(&app, "/persons/new", &[("birth_name", "Traoré"), ("first_names", "Moussa"), ("birth_date", "02/02/1990")]).await;
        let person = location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
        let page = format!("/persons/{person}/domiciliation");
        assert!(rita.page(&app, &format!("/persons/{person}")).await.contains(&format!("href=\"{page}\"")));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("Aucune domiciliation en cours."), "{text}");

        // Mail without an election, an impossible start: refused, named, typed kept.
        let res = rita.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-20"), ("kind", "letter"), ("sender", "CPAM")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Aucune domiciliation n'est en cours pour cette personne."));
        let res = rita.post(&app, &page, &[("start_date", "31/02/2026"), ("renewal_due", "")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Indiquez une date"), "{html}");
        assert!(html.contains("value=\"31/02/2026\""), "typed kept");

        let res = rita.post(&app, &page, &[("start_date", "2026-01-15"), ("renewal_due", "")]).await;
        assert_eq!(location(&res), format!("{page}?done=started"));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("Début 15/01/2026 Renouvellement à faire le 15/01/2027"), "{text}");
        let res = rita.post(&app, &page, &[("start_date", "2026-02-01")]).await;
        assert_eq!(res.status(), 422, "one election at a time");

        // The attestation, printed at the desk: the person, the dates, the organisation.
        let res = rita.get(&app, &format!("{page}/attestation")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = res.bytes().await.unwrap();
        // Kept for a person to look at (pdftoppm): target/…/tmp of the test run.
        std::fs::write(std::env::temp_dir().join("passerelle-domiciliation-attestation.pdf"), &pdf).unwrap();
        let text = crate::case_summary::pdf_text(&pdf);
        for words in ["Attestation d", "lection de domicile", "Traoré Moussa", "02/02/1990", "15/01/2026", "15/01/2027", "a élu domicile"] {
            assert!(text.contains(words), "{words} in {text}");
        }
        assert_eq!(stranger.get(&app, &format!("{page}/attestation")).await.status(), 404);

        // Mail: an old registered letter still waiting, and today's.
        let res = rita.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-02"), ("kind", "registered"), ("sender", "CAF <Lyon>")]).await;
        assert_eq!(location(&res), format!("{page}?done=mail#mail"));
        let today = time::OffsetDateTime::now_utc().date();
        let today = domain::persons::iso_date(today);
        assert_eq!(rita.post(&app, &format!("{page}/mail"), &[("received_on", today.as_str()), ("kind", "letter"), ("sender", "")]).await.status(), 303);
        let html = rita.page(&app, "/domiciliation/mail").await;
        let text = visible_text(&html);
        assert!(text.contains("1 domiciliation en cours"), "{text}");
        assert!(text.contains("02/11/2026 (attend depuis plus de 15 jours) Traoré Moussa Recommandé CAF &#60;Lyon&#62;"), "{text}");
        assert!(html.contains("CAF &#60;Lyon&#62;"), "escaped");
        let mail = html.split("name=\"mail_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let res = rita.post(&app, &format!("{page}/collect"), &[("mail_id", mail.as_str()), ("from", "desk")]).await;
        assert_eq!(location(&res), "/domiciliation/mail?done=collected");
        let res = rita.post(&app, &format!("{page}/collect"), &[("mail_id", mail.as_str())]).await;
        assert_eq!(res.status(), 422, "handed over once");
        let text = visible_text(&rita.page(&app, "/domiciliation/mail").await);
        assert!(!text.contains("CAF &#60;Lyon&#62;") && text.contains("Lettre"), "{text}");

        // Another organisation: nothing.
        assert_eq!(stranger.get(&app, &page).await.status(), 404);
        assert_eq!(stranger.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-20"), ("kind", "letter")]).await.status(), 404);
        assert!(!visible_text(&stranger.page(&app, "/domiciliation/mail").await).contains("Traoré"));

        // Ended with a reason: no longer running.
        let res = rita.post(&app, &format!("{page}/end"), &[("version", "1"), ("end_date", "2026-11-25"), ("end_reason", "")]).await;
        assert_eq!(res.status(), 422);
        let res = rita.post(&app, &format!("{page}/end"), &[("version", "1"), ("end_date", "2026-11-25"), ("end_reason", "stable_address")]).await;
        assert_eq!(location(&res), format!("{page}?done=ended"));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("15/01/2026 15/01/2027 25/11/2026 A trouvé une adresse stable"), "{text}");
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let reads = store::audit::search(
            &app.state.db,
            &store::audit::AuditFilter {
                subject_id: Some(person.parse().unwrap()),
                action: Some(domain::audit::AuditAction::PersonFileRead),
                ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
            },
            None,
            100,
        )
        .await
        .unwrap();
        assert!(reads.events.len() >= 5, "every view of the page is audited");
    }

    async fn the_api_starts_an_election_registers_mail_hands_it_over_and_ends_it(db) {
        let app = TestApp::spawn(db).await;
        let rita = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let zoe = member(&app, "ccas-autre", "Zoe", Role::Reception, &[]).await;
        let res = rita.post(&app, "/persons/new", &[("birth_name", "Traoré"), ("first_names", "Moussa"), ("birth_date", "02/02/1990")]).await;
        let person = location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
        let in_a_day = store::Ts::from(store::Ts::now().get() + time::Duration::days(1));
        let rita_id = domain::UserId::from_uuid(rita.id.parse().unwrap());
        let zoe_id = domain::UserId::from_uuid(zoe.id.parse().unwrap());
        let (_, write) = app.api_token(rita_id, ORG, "persons:write", in_a_day).await;
        let (_, read) = app.api_token(rita_id, ORG, "persons:read", in_a_day).await;
        let (_, other) = app.api_token(zoe_id, "ccas-autre", "persons:write", in_a_day).await;
        let client = TestApp::new_client();
        let path = format!("/api/v1/persons/{person}/domiciliation");
        let post = |path: String, token: &str, body: serde_json::Value| {
            client.post(app.url(&path)).bearer_auth(token.to_owned()).header("accept-language", "en").json(&body).send()
        };

        let body: serde_json::Value = app.bearer(reqwest::Method::GET, &path, &read).await.json().await.unwrap();
        assert_eq!(body["elections"].as_array().unwrap().len(), 0);
        assert_eq!(body["mail_waiting_days"], 15);
        // Refused as on the page: no election yet for mail; a start that is no date.
        let res = post(format!("{path}/mail"), &write, serde_json::json!({"received_on": "2026-11-20", "kind": "letter"})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "received_on");
        assert_eq!(body["error"]["fields"][0]["message"], "No postal address is running for this person.");
        let res = post(path.clone(), &write, serde_json::json!({"start_date": "2026-02-31"})).await.unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(post(path.clone(), &read, serde_json::json!({"start_date": "2026-01-15"})).await.unwrap().status(), 403, "a read scope writes nothing");

        let res = post(path.clone(), &write, serde_json::json!({"start_date": "2026-01-15"})).await.unwrap();
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!((body["elections"][0]["start_date"].as_str(), body["elections"][0]["renewal_due"].as_str()), (Some("2026-01-15"), Some("2027-01-15")));
        assert!(body["elections"][0]["end_date"].is_null());
        assert_eq!(post(path.clone(), &write, serde_json::json!({"start_date": "2026-02-01"})).await.unwrap().status(), 422, "one at a time");

        let res = post(format!("{path}/mail"), &write, serde_json::json!({"received_on": "2026-11-02", "kind": "registered", "sender": "CAF"})).await.unwrap();
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        let mail = &body["mail"][0];
        assert_eq!((mail["kind"].as_str(), mail["sender"].as_str()), (Some("registered"), Some("CAF")));
        assert_eq!(mail["waiting_too_long"], true, "received weeks ago, not collected");
        let mail_id = mail["id"].as_str().unwrap().to_owned();
        // Another organisation reaches neither the person nor the mail.
        assert_eq!(app.bearer(reqwest::Method::GET, &path, &other).await.status(), 404);
        assert_eq!(post(format!("{path}/mail/{mail_id}/collect"), &other, serde_json::json!({})).await.unwrap().status(), 404);

        let res = post(format!("{path}/mail/{mail_id}/collect"), &write, serde_json::json!({})).await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["mail"][0]["collected_on"].is_string());
        assert_eq!(body["mail"][0]["waiting_too_long"], false);
        assert_eq!(post(format!("{path}/mail/{mail_id}/collect"), &write, serde_json::json!({})).await.unwrap().status(), 409, "handed over once");

        let res = post(format!("{path}/end"), &write, serde_json::json!({"version": 7, "end_date": "2026-11-25", "end_reason": "stable_address"})).await.unwrap();
        assert_eq!(res.status(), 409);
        let res = post(format!("{path}/end"), &write, serde_json::json!({"version": 1, "end_date": "2026-01-01", "end_reason": "nowhere"})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["end_reason", "end_date"]);
        let res = post(format!("{path}/end"), &write, serde_json::json!({"version": 1, "end_date": "2026-11-25", "end_reason": "stable_address"})).await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!((body["elections"][0]["end_date"].as_str(), body["elections"][0]["end_reason"].as_str()), (Some("2026-11-25"), Some("stable_address")));
        // The page shows what the API did.
        let text = visible_text(&rita.page(&app, &format!("/persons/{person}/domiciliation")).await);
        assert!(text.contains("15/01/2026 15/01/2027 25/11/2026 A trouvé une adresse stable"), "{text}");

        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let reads = store::audit::search(
            &app.state.db,
            &store::audit::AuditFilter {
                subject_id: Some(person.parse().unwrap()),
                action: Some(domain::audit::AuditAction::PersonFileRead),
                ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
            },
            None,
            100,
        )
        .await
        .unwrap();
        assert!(reads.events.iter().any(|e| e.details.as_deref().is_some_and(|d| d.contains("\"api\""))), "the API's reading is audited");
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for p in ["/api/v1/persons/{person_id}/domiciliation", "/api/v1/persons/{person_id}/domiciliation/end", "/api/v1/persons/{person_id}/domiciliation/mail", "/api/v1/persons/{person_id}/domiciliation/mail/{mail_id}/collect"] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
    }
}
