//! Aid requests on the web — on SQLite and PostgreSQL: a worker prepares an energy-bill aid
//! (a refused form keeps what was typed, 422), sees the missing documents, sends it to the
//! commission; a manager puts it on a session's agenda and records the decision in bulk (the
//! yearly maximum refused with what is left); the decision letter and the minutes are PDFs
//! whose text says what was decided; the payment is recorded; the timeline shows each step.
//! Reception and a worker of another team read nothing; a pseudonymised agenda shows no name;
//! the API lists, reads, creates and decides with its scopes.

use domain::accounts::Role;
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, open_case_for, team_of, visible_text};

pub(crate) const A: &str = "ccas-aides";
const B: &str = "ccas-voisin";

pub(crate) struct World {
    pub(crate) worker: Browser,
    pub(crate) other_team: Browser,
    pub(crate) supervisor: Browser,
    pub(crate) manager: Browser,
    pub(crate) reception: Browser,
    pub(crate) outsider: Browser,
    pub(crate) case: String,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let social = team_of(app, A, "Action sociale").await;
    let other = team_of(app, A, "Autre équipe").await;
    let worker = member(app, A, "Wanda", Role::Worker, &[(social, false)]).await;
    let other_team = member(app, A, "Oscar", Role::Worker, &[(other, false)]).await;
    let supervisor = member(app, A, "Sophie", Role::Supervisor, &[(social, true)]).await;
    let manager = member(app, A, "Marc", Role::Manager, &[]).await;
    let reception = member(app, A, "Rita", Role::Reception, &[]).await;
    team_of(app, B, "Accueil").await;
    let outsider = member(app, B, "Bob", Role::Manager, &[]).await;
    let case = open_case_for(app, &worker, social, "Lefebvre").await;
    World { worker, other_team, supervisor, manager, reception, outsider, case }
}

/// Prepares an energy aid of `asked` (typed in French) and returns its id.
pub(crate) async fn prepare(app: &TestApp, w: &World, asked: &str) -> String {
    let res = w
        .worker
        .post(
            app,
            &format!("/cases/{}/aid/new", w.case),
            &[
                ("aid_type", "energy_aid"),
                ("requested_on", "20/11/2026"),
                ("asked", asked),
                ("presentation", "Facture de régularisation d'hiver"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/aid/").split('?').next().unwrap().to_owned()
}

pub(crate) async fn move_to(app: &TestApp, b: &Browser, id: &str, to: &str) {
    let page = b.page(app, &format!("/aid/{id}")).await;
    let version = version_in(&page);
    let res = b.post(app, &format!("/aid/{id}/move"), &[("to", to), ("version", &version)]).await;
    assert_eq!(location(&res), format!("/aid/{id}?done=moved"));
}

pub(crate) fn version_in(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

fn field_value(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap() + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// Creates a session and puts `ids` on its agenda; returns the session's id.
async fn session_with(app: &TestApp, manager: &Browser, ids: &[&str]) -> String {
    let res = manager
        .post(
            app,
            "/aid/sessions",
            &[("title", "Commission permanente"), ("held_on", "03/12/2026")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let session =
        location(&res).trim_start_matches("/aid/sessions/").split('?').next().unwrap().to_owned();
    let mut form = vec![];
    for id in ids {
        form.push(("requests", *id));
    }
    let res = manager.post(app, &format!("/aid/sessions/{session}/agenda"), &form).await;
    assert_eq!(res.status(), 303);
    session
}

fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("passerelle-aid-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    // Thin and no-break spaces as plain spaces, lines folded.
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{202f}', '\u{a0}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

engine_tests! {
    async fn an_energy_aid_goes_from_preparation_through_the_commission_to_its_payment(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        // A refused form keeps every value typed, with the messages in French.
        let res = w.worker.post(&app, &format!("/cases/{}/aid/new", w.case), &[
            ("aid_type", "energy_aid"), ("requested_on", "30/02/2026"), ("asked", "1 234,567"),
            ("presentation", "Facture <régularisation>"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Saisissez une date au format jj/mm/aaaa"), "{text}");
        assert!(text.contains("Un montant a au plus deux décimales"), "{text}");
        assert!(html.contains("value=\"1 234,567\"") && html.contains("value=\"30/02/2026\""));
        assert!(html.contains("Facture &#60;régularisation&#62;</textarea>"), "kept, escaped");
        assert!(html.contains("value=\"energy_aid\" selected"));

        let id = prepare(&app, &w, "1 234,56 €").await;
        let page = w.worker.page(&app, &format!("/aid/{id}")).await;
        let text = visible_text(&page);
        assert!(text.contains("1 234,56 €") || text.contains("1\u{202f}234,56\u{a0}€"), "{text}");
        // The checklist of the type's documents: none is in the person's file yet.
        assert!(text.contains("Il manque 3 justificatifs"), "{text}");
        assert!(text.contains("Manquant — Facture énergie, eau"), "{text}");
        // In English, the same amount the English way.
        let en = visible_text(&w.worker.get_en(&app, &format!("/aid/{id}")).await);
        assert!(en.contains("€1,234.56") && en.contains("3 documents are missing"), "{en}");

        move_to(&app, &w.worker, &id, "under_review").await;
        move_to(&app, &w.worker, &id, "in_committee").await;
        // A commission's type: nobody decides it on the request's page.
        let page = w.manager.page(&app, &format!("/aid/{id}")).await;
        assert!(!page.contains(&format!("/aid/{id}/decide")));
        let res = w.manager.post(&app, &format!("/aid/{id}/decide"), &[("outcome", "accepted"), ("version", "3")]).await;
        assert_eq!(res.status(), 422);

        let session = session_with(&app, &w.manager, &[&id]).await;
        let page = w.manager.page(&app, &format!("/aid/sessions/{session}")).await;
        assert!(visible_text(&page).contains("Lefebvre Camille") || visible_text(&page).contains("Lefebvre"), "the name, not pseudonymised");
        let version = field_value(&page, &format!("version-{id}"));
        // 500 € a year for energy aid (default rules): 600 € is refused, what was typed kept.
        let res = w.manager.post(&app, &format!("/aid/sessions/{session}/decisions"), &[
            (&format!("version-{id}"), &version), (&format!("outcome-{id}"), "partly_accepted"),
            (&format!("granted-{id}"), "600"), (&format!("comment-{id}"), "Au vu du budget"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("il reste 500,00"), "{}", visible_text(&html));
        assert!(html.contains("value=\"600\"") && html.contains("Au vu du budget</textarea>"));
        let res = w.manager.post(&app, &format!("/aid/sessions/{session}/decisions"), &[
            (&format!("version-{id}"), &version), (&format!("outcome-{id}"), "partly_accepted"),
            (&format!("granted-{id}"), "450"), (&format!("comment-{id}"), "Au vu du budget"),
        ]).await;
        assert_eq!(location(&res), format!("/aid/sessions/{session}?done=decided"));
        let page = w.manager.page(&app, &format!("/aid/sessions/{session}")).await;
        assert!(visible_text(&page).contains("Décisions enregistrées"));

        // The decision letter, in the worker's language.
        let res = w.worker.get(&app, &format!("/aid/{id}/letter")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let letter = pdf_text(&res.bytes().await.unwrap());
        assert!(letter.contains("Décision sur votre demande d'aide"), "{letter}");
        assert!(letter.contains("Lefebvre"), "{letter}");
        assert!(letter.contains("Accordée en partie") && letter.contains("450,00 €"), "{letter}");
        assert!(letter.contains("1 234,56 €") && letter.contains("Commission permanente"), "{letter}");
        assert!(letter.contains("tribunal administratif"), "{letter}");
        assert!(!letter.contains(" CET") && !letter.contains(" UTC"), "a letter is dated by the day: {letter}");
        // A person whose election of domicile runs gets their letters at the organisation.
        let org = store::organisations::find_by_slug(&app.state.db, A).await.unwrap().unwrap();
        let case = store::cases::find(&app.state.db, org.id, w.case.parse().unwrap()).await.unwrap().unwrap();
        let start = time::macros::date!(2026 - 01 - 15);
        store::domiciliations::start(&app.state.db, org.id, case.person_id, start, domain::domiciliation::renewal_due(start), None, Ts::now()).await.unwrap();
        let res = w.worker.get(&app, &format!("/aid/{id}/letter")).await;
        let letter = pdf_text(&res.bytes().await.unwrap());
        let envelope = format!("Lefebvre Camille {}", org.name);
        assert!(letter.contains(&envelope), "the organisation's name follows the person's: {letter}");
        // The minutes.
        let res = w.manager.get(&app, &format!("/aid/sessions/{session}/minutes")).await;
        assert_eq!(res.status(), 200);
        let minutes = pdf_text(&res.bytes().await.unwrap());
        assert!(minutes.contains("Procès-verbal de la commission") && minutes.contains("Lefebvre"), "{minutes}");
        assert!(minutes.contains("Total accordé") && minutes.contains("Accordée en partie 450,00 €"), "{minutes}");

        // The payment: to the energy supplier, named.
        let page = w.worker.page(&app, &format!("/aid/{id}")).await;
        let version = version_in(&page);
        let res = w.worker.post(&app, &format!("/aid/{id}/pay"), &[
            ("version", &version), ("method", "paid_to_creditor"), ("payee", "energy_supplier"),
            ("payee_name", ""), ("paid_on", "05/12/2026"),
        ]).await;
        assert_eq!(res.status(), 422, "no name, and a date to come");
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Nommez le créancier payé") && text.contains("dans le futur") || text.contains("Nommez le créancier payé"), "{text}");
        let res = w.worker.post(&app, &format!("/aid/{id}/pay"), &[
            ("version", &version), ("method", "paid_to_creditor"), ("payee", "energy_supplier"),
            ("payee_name", "Énergie Ouest"), ("paid_on", "25/11/2026"),
        ]).await;
        assert_eq!(location(&res), format!("/aid/{id}?done=paid"));
        let text = visible_text(&w.worker.page(&app, &format!("/aid/{id}")).await);
        assert!(text.contains("Versée") && text.contains("Énergie Ouest"), "{text}");

        // The timeline shows each step, without the amounts.
        let timeline = visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await);
        for step in ["Demande d'aide préparée", "Demande d'aide présentée en commission", "Aide accordée en partie", "Aide versée"] {
            assert!(timeline.contains(step), "{step}: {timeline}");
        }
        assert!(timeline.contains("Aide énergie"));
    }

    async fn only_those_who_follow_the_case_or_decide_read_its_aid_requests(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "300").await;
        let list = format!("/cases/{}/aid", w.case);
        let show = format!("/aid/{id}");
        for (who, b) in [("reception", &w.reception), ("other team", &w.other_team), ("other organisation", &w.outsider)] {
            for path in [&list, &show] {
                let res = b.get(&app, path).await;
                assert_eq!(res.status(), 404, "{who} {path}");
                assert!(!res.text().await.unwrap().contains("300,00"), "{who}");
            }
            let res = b.post(&app, &format!("/aid/{id}/move"), &[("to", "under_review"), ("version", "1")]).await;
            assert_eq!(res.status(), 404, "{who}");
        }
        assert_eq!(w.reception.get(&app, "/aid/sessions").await.status(), 404);
        assert_eq!(w.worker.get(&app, "/aid/sessions").await.status(), 404);
        // The team's supervisor reads, changes nothing.
        let page = w.supervisor.page(&app, &show).await;
        assert!(visible_text(&page).contains("300,00"));
        assert!(!page.contains(&format!("/aid/{id}/move")));
        let res = w.supervisor.post(&app, &format!("/aid/{id}/move"), &[("to", "under_review"), ("version", "1")]).await;
        assert_eq!(res.status(), 404);
        // The manager reads it (and decides), the worker prepares it.
        assert!(visible_text(&w.manager.page(&app, &show).await).contains("300,00"));
        assert!(w.worker.page(&app, &list).await.contains(&show));
        // A letter exists only once decided.
        assert_eq!(w.worker.get(&app, &format!("/aid/{id}/letter")).await.status(), 404);
    }

    async fn a_pseudonymised_agenda_and_its_minutes_show_no_name(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let page = w.manager.page(&app, "/admin/aid").await;
        assert!(visible_text(&page).contains("Aide énergie"));
        let res = w.manager.post(&app, "/admin/aid/agenda", &[("pseudonymised", "yes")]).await;
        assert_eq!(res.status(), 303);
        let id = prepare(&app, &w, "200").await;
        move_to(&app, &w.worker, &id, "under_review").await;
        move_to(&app, &w.worker, &id, "in_committee").await;
        let sessions = visible_text(&w.manager.page(&app, "/aid/sessions").await);
        assert!(sessions.contains("Une demande attend une séance"), "{sessions}");
        let session = session_with(&app, &w.manager, &[&id]).await;
        let page = w.manager.page(&app, &format!("/aid/sessions/{session}")).await;
        let text = visible_text(&page);
        let reference = domain::aid::reference(id.parse().unwrap());
        assert!(text.contains(&reference) && text.contains("200,00"), "{text}");
        assert!(!text.contains("Lefebvre") && !text.contains("Camille"), "{text}");
        let version = field_value(&page, &format!("version-{id}"));
        let res = w.manager.post(&app, &format!("/aid/sessions/{session}/decisions"), &[
            (&format!("version-{id}"), &version), (&format!("outcome-{id}"), "refused"),
            (&format!("reason-{id}"), "over_income_ceiling"),
        ]).await;
        assert_eq!(res.status(), 303);
        let res = w.manager.get(&app, &format!("/aid/sessions/{session}/minutes")).await;
        let minutes = pdf_text(&res.bytes().await.unwrap());
        assert!(minutes.contains(&reference) && minutes.contains("Refusée") && minutes.contains("du plafond"), "{minutes}");
        assert!(!minutes.contains("Lefebvre") && !minutes.contains("Camille"), "{minutes}");
        // The catalogue's rules, editable: a manager lowers the maximum, typed the English way.
        let res = w.manager.client.post(app.url("/admin/aid")).header("accept-language", "en").form(&[
            ("csrf_token", w.manager.csrf.as_str()), ("code", "energy_aid"), ("asks_amount", "yes"),
            ("documents", "utility_bill"), ("maximum", "12.345"), ("decided_by", "manager"),
        ]).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("value=\"12.345\"") && visible_text(&html).contains("at most two decimals"));
        let res = w.manager.post(&app, "/admin/aid", &[
            ("code", "energy_aid"), ("asks_amount", "yes"), ("documents", "utility_bill"),
            ("maximum", "250"), ("decided_by", "manager"), ("deciders", "Directrice"),
        ]).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&w.manager.page(&app, "/admin/aid").await);
        assert!(text.contains("250,00 €") && text.contains("Un responsable (Directrice)"), "{text}");
        assert_eq!(w.worker.get(&app, "/admin/aid").await.status(), 404);
    }

    async fn the_api_lists_reads_creates_and_decides_aid_requests_with_its_scopes(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let in_a_day = Ts::from(Ts::now().get() + time::Duration::days(1));
        let worker_id = domain::UserId::from_uuid(w.worker.id.parse().unwrap());
        let manager_id = domain::UserId::from_uuid(w.manager.id.parse().unwrap());
        let (_, write) = app.api_token(worker_id, A, "aid:write", in_a_day).await;
        let (_, notes) = app.api_token(worker_id, A, "notes:read", in_a_day).await;
        let (_, manager) = app.api_token(manager_id, A, "aid:write, reports:read", in_a_day).await;
        let client = TestApp::new_client();
        let path = format!("/api/v1/cases/{}/aid-requests", w.case);
        let res = client.post(app.url(&path)).bearer_auth(&write).json(&serde_json::json!({
            "aid_type": "food_aid", "requested_on": "2026-11-20", "asked_cents": 0,
        })).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "asked_cents");
        let res = client.post(app.url(&path)).bearer_auth(&write).json(&serde_json::json!({
            "aid_type": "food_aid", "requested_on": "2026-11-20", "asked_cents": 35_000,
            "presentation": "Colis",
        })).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let created: serde_json::Value = res.json().await.unwrap();
        assert_eq!((created["status"].as_str(), created["asked_cents"].as_i64()), (Some("draft"), Some(35_000)));
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(app.bearer(reqwest::Method::GET, &path, &notes).await.status(), 403, "no aid scope");
        let list: serde_json::Value = app.bearer(reqwest::Method::GET, &path, &write).await.json().await.unwrap();
        assert_eq!(list["requests"].as_array().unwrap().len(), 1);

        // Food aid is decided by the worker (default rules), once under review; 300 € a year.
        move_to(&app, &w.worker, &id, "under_review").await;
        let decision = format!("/api/v1/aid-requests/{id}/decision");
        let res = client.post(app.url(&decision)).bearer_auth(&write).json(&serde_json::json!({
            "version": 2, "outcome": "accepted",
        })).send().await.unwrap();
        assert_eq!(res.status(), 422, "350 € asked, 300 € a year at most");
        let res = client.post(app.url(&decision)).bearer_auth(&write).json(&serde_json::json!({
            "version": 1, "outcome": "partly_accepted", "granted_cents": 30_000,
        })).send().await.unwrap();
        assert_eq!(res.status(), 409);
        let res = client.post(app.url(&decision)).bearer_auth(&write).json(&serde_json::json!({
            "version": 2, "outcome": "partly_accepted", "granted_cents": 30_000,
        })).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let read: serde_json::Value = app.bearer(reqwest::Method::GET, &format!("/api/v1/aid-requests/{id}"), &write).await.json().await.unwrap();
        assert_eq!((read["status"].as_str(), read["granted_cents"].as_i64()), (Some("partly_accepted"), Some(30_000)));
        assert_eq!(read["steps"].as_array().unwrap().len(), 3);

        let stats: serde_json::Value = app.bearer(reqwest::Method::GET, "/api/v1/aid/statistics?from=2026-11-01&to=2026-12-01", &manager).await.json().await.unwrap();
        assert_eq!(stats["types"][0]["aid_type"], "food_aid");
        assert_eq!(stats["types"][0]["granted_cents"], 30_000);
        assert_eq!(stats["types"][0]["partly_granted"], 1);
        assert_eq!(app.bearer(reqwest::Method::GET, "/api/v1/aid/statistics?from=2026-11-01&to=2026-12-01", &write).await.status(), 404, "a worker has no statistics");
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for p in ["/api/v1/cases/{case_id}/aid-requests", "/api/v1/aid-requests/{aid_id}", "/api/v1/aid-requests/{aid_id}/decision", "/api/v1/aid/statistics"] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
    }

    async fn the_request_shows_the_households_budget_to_those_who_read_budgets(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "300").await;
        // No household yet: nothing about a budget.
        assert!(!w.worker.page(&app, &format!("/aid/{id}")).await.contains("id=\"budget\""));
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, A).await.unwrap().unwrap().id;
        let case = store::cases::find(db, org, domain::CaseId::from_uuid(w.case.parse().unwrap())).await.unwrap().unwrap();
        let person = case.person_id;
        let res = w.worker.post(&app, &format!("/persons/{person}/household"), &[]).await;
        let household = location(&res).trim_start_matches("/households/").to_owned();
        let budget = format!("/households/{household}/budget");
        // A household without a budget: said so, with the way to draw one up.
        let page = w.worker.page(&app, &format!("/aid/{id}")).await;
        assert!(visible_text(&page).contains("Aucun budget n’a encore été établi"), "{page}");
        assert!(page.contains(&format!("href=\"{budget}\"")));
        // The person alone (1 unit): 900 − 450 = 450 a month, 15,00 € a day.
        let band = format!("band_{person}");
        let res = w.worker.post(&app, &format!("{budget}/new"), &[
            ("budget_date", "2026-11-01"), ("resource_category_0", "rsa"),
            ("resource_amount_0", "900"), ("charge_rent", "450"), (band.as_str(), "adult"),
        ]).await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let page = w.worker.page(&app, &format!("/aid/{id}")).await;
        assert!(page.contains("<dd id=\"aid-budget-daily\">15,00\u{a0}€</dd>"), "{page}");
        let en = w.worker.get_en(&app, &format!("/aid/{id}")).await;
        assert!(en.contains("<dd id=\"aid-budget-daily\">€15.00</dd>") && visible_text(&en).contains("The household's budget"));
        // The supervisor reads budgets too; the manager, who decides, does not (ADR 0031).
        assert!(w.supervisor.page(&app, &format!("/aid/{id}")).await.contains("aid-budget-daily"));
        let page = w.manager.page(&app, &format!("/aid/{id}")).await;
        assert!(!page.contains("id=\"budget\"") && !page.contains(&budget));
    }

    async fn the_api_moves_a_request_through_a_commission_session_and_records_its_payment(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = prepare(&app, &w, "600").await;
        let in_a_day = Ts::from(Ts::now().get() + time::Duration::days(1));
        let worker_id = domain::UserId::from_uuid(w.worker.id.parse().unwrap());
        let manager_id = domain::UserId::from_uuid(w.manager.id.parse().unwrap());
        let outsider_id = domain::UserId::from_uuid(w.outsider.id.parse().unwrap());
        let (_, worker) = app.api_token(worker_id, A, "aid:write", in_a_day).await;
        let (_, manager) = app.api_token(manager_id, A, "aid:write", in_a_day).await;
        let (_, manager_read) = app.api_token(manager_id, A, "aid:read", in_a_day).await;
        let (_, outsider) = app.api_token(outsider_id, B, "aid:write", in_a_day).await;
        let client = TestApp::new_client();
        let post = |path: String, token: &str, body: serde_json::Value| {
            client.post(app.url(&path)).bearer_auth(token.to_owned()).json(&body).send()
        };
        let status = format!("/api/v1/aid-requests/{id}/status");

        // Moves: only those the way allows, with the version read.
        let res = post(status.clone(), &worker, serde_json::json!({"version": 1, "status": "paid"})).await.unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_allowed");
        assert_eq!(post(status.clone(), &worker, serde_json::json!({"version": 9, "status": "under_review"})).await.unwrap().status(), 409);
        let res = post(status.clone(), &worker, serde_json::json!({"version": 1, "status": "under_review"})).await.unwrap();
        assert_eq!(res.status(), 200);
        let moved: serde_json::Value = res.json().await.unwrap();
        let res = post(status.clone(), &worker, serde_json::json!({"version": moved["version"], "status": "in_committee"})).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "in_committee");
        assert_eq!(post(status.clone(), &outsider, serde_json::json!({"version": 3, "status": "dismissed"})).await.unwrap().status(), 404);

        // The manager's session: refused fields named, then created, the request on its agenda.
        let res = post("/api/v1/aid/sessions".into(), &manager, serde_json::json!({"title": " ", "held_on": "31/02/2026"})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["title", "held_on"]);
        let res = post("/api/v1/aid/sessions".into(), &manager, serde_json::json!({"title": "Commission de décembre", "held_on": "2026-12-03"})).await.unwrap();
        assert_eq!(res.status(), 201);
        let session = res.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(post("/api/v1/aid/sessions".into(), &worker, serde_json::json!({"title": "X", "held_on": "2026-12-03"})).await.unwrap().status(), 404, "workers hold no sessions");
        let list: serde_json::Value = app.bearer(reqwest::Method::GET, "/api/v1/aid/sessions", &manager_read).await.json().await.unwrap();
        assert_eq!(list["sessions"][0]["title"], "Commission de décembre");
        let res = post(format!("/api/v1/aid/sessions/{session}/agenda"), &manager, serde_json::json!({"aid_ids": [id]})).await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        let line = &body["agenda"][0];
        assert_eq!((line["aid_id"].as_str(), line["asked_cents"].as_i64()), (Some(id.as_str()), Some(60_000)));
        assert!(line["person_name"].as_str().unwrap().contains("Lefebvre"), "{line}");
        assert_eq!(app.bearer(reqwest::Method::GET, &format!("/api/v1/aid/sessions/{session}"), &outsider).await.status(), 404);

        // Decisions in one go: a refusal without its reason refuses the whole call.
        let decisions = format!("/api/v1/aid/sessions/{session}/decisions");
        let version = line["version"].as_i64().unwrap();
        let res = post(decisions.clone(), &manager, serde_json::json!({"decisions": [{"aid_id": id, "version": version, "outcome": "refused"}]})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "decisions[0].refusal_reason");
        let res = post(decisions.clone(), &manager, serde_json::json!({"decisions": [{"aid_id": id, "version": version, "outcome": "partly_accepted", "granted_cents": 45_000, "comment": "Au vu du budget"}]})).await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!((body["agenda"][0]["status"].as_str(), body["agenda"][0]["granted_cents"].as_i64()), (Some("partly_accepted"), Some(45_000)));
        assert!(body["decided_at"].is_string(), "nothing left before the commission: the session is closed");
        assert_eq!(post(decisions, &manager, serde_json::json!({"decisions": []})).await.unwrap().status(), 409, "closed");

        // The worker records the payment to the energy supplier.
        let payment = format!("/api/v1/aid-requests/{id}/payment");
        let read: serde_json::Value = app.bearer(reqwest::Method::GET, &format!("/api/v1/aid-requests/{id}"), &worker).await.json().await.unwrap();
        let version = read["version"].as_i64().unwrap();
        let res = post(payment.clone(), &worker, serde_json::json!({"version": version, "payment_method": "paid_to_creditor", "payee": "energy_supplier", "paid_on": "2026-11-25"})).await.unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["fields"][0]["field"], "payee_name");
        let res = post(payment.clone(), &worker, serde_json::json!({"version": version, "payment_method": "paid_to_creditor", "payee": "energy_supplier", "payee_name": "Énergie Ouest", "paid_on": "2026-11-25"})).await.unwrap();
        assert_eq!(res.status(), 200);
        let paid: serde_json::Value = res.json().await.unwrap();
        assert_eq!((paid["status"].as_str(), paid["payee_name"].as_str(), paid["paid_on"].as_str()), (Some("paid"), Some("Énergie Ouest"), Some("2026-11-25")));
        let again = post(payment, &worker, serde_json::json!({"version": paid["version"], "payment_method": "paid_to_creditor", "payee": "person", "paid_on": "2026-11-25"})).await.unwrap();
        assert_eq!(again.status(), 409, "paid once");
        // The page and the timeline show what the API did.
        let text = visible_text(&w.worker.page(&app, &format!("/aid/{id}")).await);
        assert!(text.contains("Énergie Ouest"), "{text}");
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for p in ["/api/v1/aid-requests/{aid_id}/status", "/api/v1/aid-requests/{aid_id}/payment", "/api/v1/aid/sessions", "/api/v1/aid/sessions/{session_id}", "/api/v1/aid/sessions/{session_id}/agenda", "/api/v1/aid/sessions/{session_id}/decisions"] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
    }
}
