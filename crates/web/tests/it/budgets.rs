//! The household budget pages and API — on SQLite and PostgreSQL: a budget drawn up by a
//! worker (a member without a birth date must be said adult or child; bad amounts named in the
//! user's language, 422, everything typed kept), the reste à vivre per consumption unit per
//! day computed and formatted per language, the threshold said in words, the history kept;
//! debts added and moved on; every view audited; reception and managers read none of it,
//! neither on the pages nor through the API; another organisation gets 404.

use domain::accounts::Role;
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, visible_text};

const ORG: &str = "ccas-budget";

async fn register(app: &TestApp, b: &Browser, name: &str, first: &str, birth: &str) -> String {
    let res = b
        .post(
            app,
            "/persons/new",
            &[("birth_name", name), ("first_names", first), ("birth_date", birth)],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned()
}

/// A household of a mother born in 1985 and a child whose birth date is not known.
async fn household(app: &TestApp, b: &Browser) -> (String, String) {
    let mother = register(app, b, "Haddad", "Samira", "12/03/1985").await;
    let child = register(app, b, "Benali", "Yanis", "").await;
    let res = b.post(app, &format!("/persons/{mother}/household"), &[]).await;
    let household = location(&res).trim_start_matches("/households/").to_owned();
    let res = b
        .post(
            app,
            &format!("/households/{household}/members"),
            &[("person", child.as_str()), ("relationship", "minor_child"), ("from_date", "")],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    (household, child)
}

async fn budget_reads(app: &TestApp, household: &str) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(household.parse().unwrap()),
        action: Some(domain::audit::AuditAction::PersonFileRead),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events.len()
}

engine_tests! {
    async fn a_worker_draws_up_budgets_and_reads_the_reste_a_vivre_in_their_language(db) {
        let app = TestApp::spawn(db).await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[]).await;
        let (household, child) = household(&app, &alice).await;
        let page = format!("/households/{household}/budget");
        assert!(alice.page(&app, &format!("/households/{household}")).await.contains(&format!("href=\"{page}\"")));
        let text = visible_text(&alice.page(&app, &page).await);
        assert!(text.contains("Aucun budget n’a encore été établi"), "{text}");

        // The form asks whether the child without a birth date is an adult or a child.
        let form = alice.page(&app, &format!("{page}/new")).await;
        assert!(form.contains(&format!("name=\"band_{child}\"")), "{form}");
        let band = format!("band_{child}");
        let custody = format!("custody_{child}");
        let mut fields = vec![
            ("budget_date", "2026-11-01"),
            ("resource_category_0", "rsa"), ("resource_amount_0", "900"),
            ("resource_category_1", "family_benefits"), ("resource_amount_1", "400,00"),
            ("resource_amount_2", "12,505"),
            ("charge_rent", "450"), ("charge_energy", "160,00 €"), ("charge_food", "300"),
            (custody.as_str(), "on"),
            ("note", "Budget <établi> avec Mme Haddad"),
        ];
        let res = alice.post(&app, &format!("{page}/new"), &fields).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Indiquez si Benali Yanis est adulte ou enfant."), "{text}");
        assert!(text.contains("Deux chiffres au plus après la virgule."), "{text}");
        assert!(html.contains("value=\"160,00 €\"") && html.contains("value=\"12,505\""), "typed amounts kept");
        assert!(html.contains("Budget &#60;établi&#62; avec Mme Haddad</textarea>"), "typed note kept, escaped");
        assert!(html.contains(&format!("id=\"{custody}\" name=\"{custody}\" value=\"on\" checked")));
        assert_eq!(budget_reads(&app, &household).await, 1, "the one view of the budget page");

        // Mother (adult) and the child under 14 in shared custody: UC = 1 + 0.15 = 1.15.
        // 1 300 − (450 + 160) = 690; food not counted. 690 / 1.15 = 600 per month; / 30 = 20,00.
        fields.retain(|(k, _)| *k != "resource_amount_2");
        fields.push((band.as_str(), "child"));
        let res = alice.post(&app, &format!("{page}/new"), &fields).await;
        assert_eq!(location(&res), format!("{page}?done=budget"));
        let html = alice.page(&app, &format!("{page}?done=budget")).await;
        let text = visible_text(&html);
        assert!(text.contains("Le budget est enregistré."), "{text}");
        assert!(html.contains("<strong id=\"reste-a-vivre\">20,00\u{a0}€</strong>"), "{html}");
        assert!(html.contains("1\u{202f}300,00\u{a0}€") && html.contains("610,00\u{a0}€") && html.contains("600,00\u{a0}€"), "{html}");
        assert!(text.contains("Unités de consommation 1,15"), "{text}");
        assert!(text.contains("Aucun seuil fixé"), "{text}");
        assert!(text.contains("Alimentation 300,00 € non retenue"), "{text}");
        let en = alice.get_en(&app, &page).await;
        assert!(en.contains("<strong id=\"reste-a-vivre\">€20.00</strong>") && en.contains("€1,300.00"), "{en}");
        assert!(visible_text(&en).contains("Consumption units 1.15"));

        // The organisation's threshold (21,00 per UC per day): a new budget is below it, said in
        // words; the first stays in the history as it was.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let settings = store::budgets::Settings { budget_threshold_cents: Some(2_100), budget_day_divisor: 30 };
        store::budgets::update_settings(&app.state.db, org, settings, Ts::now()).await.unwrap();
        let mut second = fields.clone();
        second[0] = ("budget_date", "2026-11-20");
        let res = alice.post(&app, &format!("{page}/new"), &second).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&alice.page(&app, &page).await);
        assert!(text.contains("En dessous du seuil (21,00 € par jour et par UC)"), "{text}");
        assert!(text.contains("Historique des budgets"), "{text}");
        assert!(text.contains("01/11/2026") && text.contains("20/11/2026"), "{text}");
        let summary = store::budgets::latest_summary(&app.state.db, org, household.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!((summary.per_unit_daily_cents, summary.units, summary.below_threshold), (2_000, 115, Some(true)));

        // Debts: a bad amount is named and what was typed kept; then added, then moved on.
        let res = alice.post(&app, &format!("/households/{household}/debts"), &[("creditor", "EDF"), ("amount", "8O4"), ("procedure", "none")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Ce montant n’est pas lisible"), "{html}");
        assert!(html.contains("value=\"EDF\"") && html.contains("value=\"8O4\""));
        let res = alice.post(&app, &format!("/households/{household}/debts"), &[("creditor", "EDF"), ("amount", "842,50"), ("monthly", "50"), ("plan", "17 mois"), ("procedure", "file_being_prepared")]).await;
        assert_eq!(location(&res), format!("{page}?done=debt#debts"));
        let html = alice.page(&app, &page).await;
        let text = visible_text(&html);
        // (The page writes amounts with no-break spaces, which the visible text folds.)
        assert!(text.contains("EDF 842,50 € 50,00 € 17 mois Dossier de surendettement en préparation"), "{text}");
        assert!(text.contains("Restant dû (dettes non soldées) : 842,50 €"), "{text}");
        let debt = html.split("name=\"debt_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let change = [("debt_id", debt.as_str()), ("version", "1"), ("procedure", "file_lodged"), ("settled_on", "")];
        let res = alice.post(&app, &format!("/households/{household}/debts/change"), &change).await;
        assert_eq!(location(&res), format!("{page}?done=debt-changed#debts"));
        let res = alice.post(&app, &format!("/households/{household}/debts/change"), &change).await;
        assert_eq!(res.status(), 409, "a stale version changes nothing");
        assert!(visible_text(&alice.page(&app, &page).await).contains("Dossier déposé à la commission"));
    }

    async fn reception_and_managers_never_read_the_budget_pages_or_api(db) {
        let app = TestApp::spawn(db).await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[]).await;
        let desk = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let boss = member(&app, ORG, "Marc", Role::Manager, &[]).await;
        let sup = member(&app, ORG, "Sophie", Role::Supervisor, &[]).await;
        let stranger = member(&app, "ccas-autre", "Zoe", Role::Worker, &[]).await;
        let (household, child) = household(&app, &alice).await;
        let page = format!("/households/{household}/budget");
        let band = format!("band_{child}");
        let fields = [("budget_date", "2026-11-01"), ("resource_category_0", "salary"), ("resource_amount_0", "1 500"), ("charge_rent", "600"), (band.as_str(), "adult")];
        assert_eq!(alice.post(&app, &format!("{page}/new"), &fields).await.status(), 303);

        let before = budget_reads(&app, &household).await;
        for b in [&desk, &boss, &stranger] {
            assert_eq!(b.get(&app, &page).await.status(), 404);
            assert_eq!(b.get(&app, &format!("{page}/new")).await.status(), 404);
            assert_eq!(b.post(&app, &format!("{page}/new"), &fields).await.status(), 404);
            assert_eq!(b.post(&app, &format!("/households/{household}/debts"), &[("creditor", "X"), ("amount", "1")]).await.status(), 404);
        }
        assert_eq!(budget_reads(&app, &household).await, before, "nothing was read");
        // The desk still registers people and households, but no link to the budget is shown.
        let html = desk.page(&app, &format!("/households/{household}")).await;
        assert!(!html.contains("/budget"), "{html}");
        // The supervisor reads (audited), without the writers' buttons.
        let html = sup.page(&app, &page).await;
        assert!(html.contains("id=\"reste-a-vivre\"") && !html.contains("/budget/new"), "{html}");
        assert_eq!(budget_reads(&app, &household).await, before + 1);
        assert_eq!(sup.post(&app, &format!("{page}/new"), &fields).await.status(), 404);

        // The API: the worker's token reads the figures (cents, hundredths); reception's and
        // the manager's tokens get 404, like an unknown household.
        let api = format!("/api/v1/households/{household}/budget");
        let far = Ts::from(time::OffsetDateTime::now_utc() + time::Duration::days(30));
        let id = |b: &Browser| b.id.parse::<uuid::Uuid>().map(domain::UserId::from_uuid).unwrap();
        let (_, token) = app.api_token(id(&alice), ORG, "persons:read", far).await;
        let res = app.bearer(reqwest::Method::GET, &api, &token).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        // 1 500 − 600 = 900 for two adults (1.5 UC): 600 per UC per month, 20,00 per day.
        assert_eq!(body["latest"]["per_unit_daily_cents"], 2_000);
        assert_eq!(body["latest"]["units_hundredths"], 150);
        assert_eq!(body["latest"]["members"].as_array().unwrap().len(), 2);
        assert_eq!(body["history"].as_array().unwrap().len(), 1);
        for b in [&desk, &boss] {
            let (_, token) = app.api_token(id(b), ORG, "persons:read", far).await;
            assert_eq!(app.bearer(reqwest::Method::GET, &api, &token).await.status(), 404);
        }
        let (_, token) = app.api_token(id(&stranger), "ccas-autre", "persons:read", far).await;
        assert_eq!(app.bearer(reqwest::Method::GET, &api, &token).await.status(), 404);
    }

    async fn a_workers_token_draws_up_a_budget_and_adds_a_debt_through_the_api(db) {
        let app = TestApp::spawn(db).await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[]).await;
        let sup = member(&app, ORG, "Sophie", Role::Supervisor, &[]).await;
        let (household, child) = household(&app, &alice).await;
        let far = Ts::from(time::OffsetDateTime::now_utc() + time::Duration::days(30));
        let id = |b: &Browser| b.id.parse::<uuid::Uuid>().map(domain::UserId::from_uuid).unwrap();
        let (_, write) = app.api_token(id(&alice), ORG, "persons:write", far).await;
        let (_, read) = app.api_token(id(&alice), ORG, "persons:read", far).await;
        let (_, sup_write) = app.api_token(id(&sup), ORG, "persons:write", far).await;
        let client = TestApp::new_client();
        let post = |path: String, token: &str, body: serde_json::Value| {
            client.post(app.url(&path)).bearer_auth(token.to_owned()).json(&body).send()
        };
        let budgets = format!("/api/v1/households/{household}/budgets");
        let lines = serde_json::json!([
            {"side": "resource", "category": "salary", "amount_cents": 150_000},
            {"side": "charge", "category": "rent", "amount_cents": 60_000},
            {"side": "charge", "category": "food", "amount_cents": 30_000},
        ]);

        // Refused, each field named: an unknown category, a negative amount, the child whose
        // birth date is unknown not said adult or child.
        let res = post(budgets.clone(), &write, serde_json::json!({
            "budget_date": "2026-11-01",
            "lines": [{"side": "charge", "category": "casino", "amount_cents": -5}],
        })).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["lines[0].category", "lines[0].amount_cents", &format!("members.{child}.band")]);
        assert_eq!(post(budgets.clone(), &read, serde_json::json!({"budget_date": "2026-11-01", "lines": lines})).await.unwrap().status(), 403, "a read scope writes nothing");
        assert_eq!(post(budgets.clone(), &sup_write, serde_json::json!({"budget_date": "2026-11-01", "lines": lines})).await.unwrap().status(), 404, "supervisors read budgets, never draw them up");

        // The child said a child in shared custody: 1 + 0.15 UC; food does not count.
        let res = post(budgets.clone(), &write, serde_json::json!({
            "budget_date": "2026-11-01", "lines": lines,
            "members": [{"person_id": child, "band": "child", "shared_custody": true}],
        })).await.unwrap();
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        // (1 500 − 600) ÷ 1.15 ÷ 30 = 26.086… → 26,08 per UC per day.
        assert_eq!(body["latest"]["units_hundredths"], 115);
        assert_eq!(body["latest"]["charges_cents"], 60_000);
        assert_eq!(body["latest"]["per_unit_daily_cents"], 2_608);
        assert_eq!(body["latest"]["lines"].as_array().unwrap().len(), 3);

        let debts = format!("/api/v1/households/{household}/debts");
        let res = post(debts.clone(), &write, serde_json::json!({"creditor": " ", "amount_cents": -1, "procedure_status": "bankrupt"})).await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["creditor", "amount_cents", "procedure_status"]);
        let res = post(debts, &write, serde_json::json!({"creditor": "Énergie Ouest", "amount_cents": 84_250, "monthly_cents": 5_000, "procedure_status": "file_lodged"})).await.unwrap();
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!((body["debts"][0]["creditor"].as_str(), body["debts"][0]["procedure_status"].as_str()), (Some("Énergie Ouest"), Some("file_lodged")));
        // The page shows what the API recorded.
        let text = visible_text(&alice.page(&app, &format!("/households/{household}/budget")).await);
        assert!(text.contains("Énergie Ouest") && text.contains("26,08"), "{text}");
    }
}
