//! Federation of referrals between two instances on loopback — on SQLite and PostgreSQL (both
//! instances on the same engine, each with its own database): the administrators pair them
//! through their pages (cards, tokens); a referral sent on A reaches B's inbox through the
//! delivery job with exactly the shared items; B accepts and completes, A's referral moves and
//! its timeline says so; the person withdraws consent on A and B's copy is erased; a tampered
//! package, posted or imported as a file, is refused with a clear error and nothing imported.

use domain::accounts::Role;
use domain::assessments::{AssessmentContent, AssessmentId, Rating};
use domain::audit::AuditAction;
use domain::{CaseId, OrganisationId, PartnerId, PartnerServiceId, UserId};
use store::Ts;
use testkit::{TestDb, engine_tests};
use web::routes::Routes;

use crate::helpers::{
    Browser, TestApp, csrf_in, fast_runner, location, member, open_case_for, settle_jobs, team_of,
    test_config, visible_text,
};

const A: &str = "ccas-lille";
const B: &str = "asso-toit";

async fn second_db(db: &TestDb) -> TestDb {
    match db.engine {
        store::Engine::Sqlite => TestDb::sqlite().await,
        store::Engine::Postgres => TestDb::postgres().await.expect("PostgreSQL is configured"),
    }
}

/// An instance on loopback whose card names its real address.
async fn instance(db: TestDb) -> TestApp {
    let config = web::WebConfig { base_url: "http://127.0.0.1:0".into(), ..test_config() };
    TestApp::spawn_configured(db, config, Routes::new()).await
}

async fn admin(app: &TestApp, email: &str) -> Browser {
    let id = app.create_user(email, "correct horse battery staple", None).await;
    let client = TestApp::new_client();
    let res = app.sign_in_with(&client, email, "correct horse battery staple").await;
    assert_eq!(res.status(), 303);
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    Browser { csrf: csrf_in(&html).unwrap(), client, id: id.to_string() }
}

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
    }
}

/// A's directory partner (with a service) that B's instance hosts.
async fn directory_entry(app: &TestApp) -> (PartnerId, String) {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: "Asso Toit".into(),
        ..Default::default()
    })
    .unwrap();
    let svc = domain::partners::validate_service(
        &ServiceDraft {
            name: "Accueil logement".into(),
            domains: vec!["housing".into()],
            ..Default::default()
        },
        &default_domains(),
    )
    .unwrap();
    let (p, s) = (PartnerId::new(), PartnerServiceId::new());
    let mut tx = app.state.db.begin_write().await.unwrap();
    store::partners::insert_partner(&mut tx, p, None, &partner, None, None, Ts::now())
        .await
        .unwrap();
    store::partners::insert_service(&mut tx, s, p, None, &svc, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (p, s.to_string())
}

struct World {
    a: TestApp,
    b: TestApp,
    alice: Browser,
    paula: Browser,
    case: String,
    person: String,
    service: String,
    document: uuid::Uuid,
}

/// Two instances, paired by their administrators through the pages.
async fn world(db: TestDb) -> World {
    let db_b = second_db(&db).await;
    let (a, b) = (instance(db).await, instance(db_b).await);
    let team = team_of(&a, A, "Insertion").await;
    let alice = member(&a, A, "Alice", Role::Worker, &[(team, false)]).await;
    team_of(&b, B, "Accueil").await;
    let paula = member(&b, B, "Paula", Role::Partner, &[]).await;
    let case = open_case_for(&a, &alice, team, "Durand").await;
    let org_a = org_id(&a, A).await;
    let case_id: CaseId = case.parse().unwrap();
    let c = store::cases::find(&a.state.db, org_a, case_id).await.unwrap().unwrap();
    let me = UserId::from_uuid(alice.id.parse().unwrap());
    let content = AssessmentContent {
        assessed_on: time::macros::date!(2026 - 11 - 20),
        ratings: vec![
            Rating {
                domain: "housing".into(),
                need: Some(4),
                person: Some(3),
                person_words: Some("Je dors chez ma sœur".into()),
                strengths: None,
                priority: true,
            },
            Rating {
                domain: "health".into(),
                need: Some(2),
                person: None,
                person_words: Some("Secret de santé".into()),
                strengths: None,
                priority: false,
            },
        ],
    };
    let new = store::assessments::NewAssessment {
        id: AssessmentId::new(),
        organisation_id: org_a,
        case_id,
        content: &content,
        by: me,
    };
    let document = uuid::Uuid::now_v7();
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = a.state.config.files.store.create(&object).await.unwrap();
    let bytes = b"%PDF-1.4\n% orientation federee\n%%EOF\n";
    upload.write(bytes).await.unwrap();
    upload.finish().await.unwrap();
    let doc = store::documents::NewDocument {
        id: document,
        organisation_id: org_a,
        person_id: c.person_id,
        case_id: Some(case_id),
        type_code: "tax_notice",
        file_name: "avis-impot.pdf",
        file_type: "pdf",
        size_bytes: bytes.len() as i64,
        object_name: &object,
        key_id: a.state.config.files.store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: me,
    };
    let mut tx = a.state.db.begin_write().await.unwrap();
    store::assessments::record(&mut tx, &new, Ts::now()).await.unwrap();
    store::documents::insert(&mut tx, &doc, "Avis d'imposition", Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    let (partner, service) = directory_entry(&a).await;

    // Pairing: each administrator pastes the other's card, issues a token and records the
    // other's.
    let (admin_a, admin_b) =
        (admin(&a, "admin@a.example").await, admin(&b, "admin@b.example").await);
    let card_a = a.get("/api/v1/federation/instance").await.text().await.unwrap();
    let card_b = b.get("/api/v1/federation/instance").await.text().await.unwrap();
    let fp_b: serde_json::Value = serde_json::from_str(&card_b).unwrap();
    let page = admin_a.page(&a, "/admin/federation").await;
    assert!(!page.contains(fp_b["fingerprint"].as_str().unwrap()), "not paired yet");
    let res = admin_a
        .post(
            &a,
            "/admin/federation/peers",
            &[("card", &card_b), ("partner_id", &partner.to_string()), ("organisation_id", "")],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    let org_b = org_id(&b, B).await.to_string();
    let res = admin_b
        .post(
            &b,
            "/admin/federation/peers",
            &[("card", &card_a), ("partner_id", ""), ("organisation_id", &org_b)],
        )
        .await;
    assert_eq!(res.status(), 303);
    // The same card twice: refused, what was typed kept.
    let res = admin_b
        .post(
            &b,
            "/admin/federation/peers",
            &[("card", &card_a), ("partner_id", ""), ("organisation_id", &org_b)],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("déjà enregistrée"));
    let peer_on_a = store::federation::peers(&a.state.db).await.unwrap().remove(0);
    let peer_on_b = store::federation::peers(&b.state.db).await.unwrap().remove(0);
    let token_for = |html: String| {
        let i = html.find("<code class=\"token\">").expect("the token is shown") + 20;
        html[i..i + 69].to_owned()
    };
    let res = admin_b
        .post(&b, &format!("/admin/federation/peers/{}/inbound-token", peer_on_b.id), &[])
        .await;
    let token_b_issued = token_for(res.text().await.unwrap());
    let res = admin_a
        .post(&a, &format!("/admin/federation/peers/{}/inbound-token", peer_on_a.id), &[])
        .await;
    let token_a_issued = token_for(res.text().await.unwrap());
    // Not shown again.
    assert!(!admin_a.page(&a, "/admin/federation").await.contains(&token_a_issued));
    let res = admin_a
        .post(
            &a,
            &format!("/admin/federation/peers/{}/outbound-token", peer_on_a.id),
            &[("token", "nope")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = admin_a
        .post(
            &a,
            &format!("/admin/federation/peers/{}/outbound-token", peer_on_a.id),
            &[("token", &token_b_issued)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = admin_b
        .post(
            &b,
            &format!("/admin/federation/peers/{}/outbound-token", peer_on_b.id),
            &[("token", &token_a_issued)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = admin_a.page(&a, "/admin/federation").await;
    assert!(page.contains(fp_b["fingerprint"].as_str().unwrap()) && page.contains("Asso Toit"));
    World { a, b, alice, paula, case, person: c.person_id.to_string(), service, document }
}

fn runner(app: &TestApp) -> store::jobs::runner::RunnerHandle {
    let deps = web::federation::jobs::FederationJobs::new(app.state.db.clone()).unwrap();
    fast_runner(app, web::federation::jobs::register(store::jobs::runner::Registry::new(), deps))
}

/// Alice refers the person to the peer's service, sharing `items`; returns the referral's id.
async fn refer(w: &World, items: &[&str]) -> String {
    let mut fields = vec![
        ("service", w.service.as_str()),
        ("reason", "Recherche d'un logement"),
        ("request", "Un premier rendez-vous"),
        ("urgency", "soon"),
        ("consent", "yes"),
        ("given_by", "person"),
        ("method", "oral"),
        ("given_on", "20/11/2026"),
        ("action", "send"),
    ];
    for i in items {
        fields.push(("items", i));
    }
    let res = w.alice.post(&w.a, &format!("/cases/{}/referrals/new", w.case), &fields).await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    location(&res).trim_start_matches("/referrals/").split('?').next().unwrap().to_owned()
}

fn version_in(html: &str) -> String {
    let i = html.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    html[i..].split('"').next().unwrap().to_owned()
}

async fn received_id(w: &World) -> uuid::Uuid {
    store::federation::inbox(&w.b.state.db, org_id(&w.b, B).await).await.unwrap()[0].id
}

engine_tests! {
    async fn two_instances_exchange_a_referral_its_answers_and_the_consent_withdrawal(db) {
        let w = world(db).await;
        let (ra, rb) = (runner(&w.a), runner(&w.b));
        let doc = format!("document:{}", w.document);
        let id = refer(&w, &["identity:name", "domain:housing", &doc]).await;
        settle_jobs(&w.a, store::federation::DELIVER_JOB, 1).await;
        // A's referral page shows the package delivered, and offers no answer buttons.
        let sender = w.alice.page(&w.a, &format!("/referrals/{id}")).await;
        let text = visible_text(&sender);
        assert!(text.contains("Orientation envoyée") && text.contains("remis"), "{text}");
        assert!(!sender.contains("value=\"accepted\""));

        // B's inbox has it with the name; its page shows exactly the shared items.
        let inbox = w.paula.page(&w.b, "/referrals/inbox").await;
        let rid = received_id(&w).await;
        assert!(inbox.contains(&format!("/referrals/federated/{rid}")) && inbox.contains("Durand"), "{}", visible_text(&inbox));
        let page = w.paula.page(&w.b, &format!("/referrals/federated/{rid}")).await;
        let text = visible_text(&page);
        assert!(text.contains("Durand") && text.contains("Je dors chez ma sœur") && text.contains("Recherche d'un logement"), "{text}");
        assert!(!text.contains("Secret de santé") && !text.contains("12/03/1985"), "only what was shared: {text}");
        let docs = store::federation::received_documents(&w.b.state.db, rid).await.unwrap();
        assert_eq!(docs.len(), 1);
        let res = w.paula.get(&w.b, &format!("/referrals/federated/{rid}/documents/{}", docs[0].id)).await;
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF-1.4\n% orientation federee"));

        // B accepts, then completes: A's referral moves, its timeline says so.
        let v = version_in(&page);
        let res = w.paula.post(&w.b, &format!("/referrals/federated/{rid}/move"), &[("to", "accepted"), ("version", &v)]).await;
        assert_eq!(location(&res), format!("/referrals/federated/{rid}?done=moved"));
        settle_jobs(&w.b, store::federation::DELIVER_JOB, 1).await;
        let page = w.paula.page(&w.b, &format!("/referrals/federated/{rid}")).await;
        let res = w.paula.post(&w.b, &format!("/referrals/federated/{rid}/move"), &[("to", "completed"), ("version", &version_in(&page)), ("note", "Hébergée au foyer")]).await;
        assert_eq!(res.status(), 303);
        settle_jobs(&w.b, store::federation::DELIVER_JOB, 2).await;
        let r = store::referrals::find(&w.a.state.db, org_id(&w.a, A).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(r.status, "completed");
        let case = visible_text(&w.alice.page(&w.a, &format!("/cases/{}", w.case)).await);
        assert!(case.contains("Orientation terminée") && case.contains("Hébergée au foyer"), "{case}");
        assert!(case.contains("Orientation acceptée"), "{case}");

        // A's audit log has what left (the items) and each answer with B's access receipt.
        let filter = store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org_id(&w.a, A).await));
        let events = store::audit::search(&w.a.state.db, &filter, None, 200).await.unwrap().events;
        let exported = events.iter().find(|e| e.action == AuditAction::CaseExported.as_str()).expect("the export");
        let details = exported.details.as_ref().unwrap().to_string();
        assert!(details.contains("identity:name") && details.contains("domain:housing"), "{details}");
        let answers: Vec<_> = events.iter().filter(|e| e.action == AuditAction::RecordUpdated.as_str()
            && e.details.as_ref().is_some_and(|d| d.to_string().contains("partner_first_opened_at"))).collect();
        assert_eq!(answers.len(), 2);
        assert!(answers.iter().all(|e| {
            let d: serde_json::Value = serde_json::from_str(e.details.as_ref().unwrap()).unwrap();
            d["partner_first_opened_at"].is_string()
        }));

        // The person withdraws consent on A: B's copy is erased at once (content, documents),
        // what B's law requires stays.
        let consents = w.alice.page(&w.a, &format!("/persons/{}/consents", w.person)).await;
        let consent = r.consent_id;
        let res = w.alice.post(&w.a, &format!("/persons/{}/consents/{consent}/withdraw", w.person), &[("version", &version_in(&consents))]).await;
        assert_eq!(res.status(), 303);
        settle_jobs(&w.a, store::federation::DELIVER_JOB, 2).await;
        let copy = store::federation::received(&w.b.state.db, org_id(&w.b, B).await, rid).await.unwrap().unwrap();
        assert!(copy.content.is_none() && copy.erased_at.is_some());
        assert_eq!(count(&w.b, "federation_documents").await, 0);
        let page = visible_text(&w.paula.page(&w.b, &format!("/referrals/federated/{rid}")).await);
        assert!(!page.contains("Durand") && !page.contains("Je dors"), "{page}");
        assert!(page.contains("Recherche d'un logement") && page.contains("Consentement retiré"), "{page}");
        assert_eq!(w.paula.get(&w.b, &format!("/referrals/federated/{rid}/documents/{}", docs[0].id)).await.status(), 404);
        ra.stop().await;
        rb.stop().await;
    }

    async fn a_tampered_package_is_refused_posted_or_imported_and_nothing_is_imported(db) {
        let w = world(db).await;
        // No runner on A: the package waits, and we carry it by hand.
        let id: uuid::Uuid = refer(&w, &["identity:name"]).await.parse().unwrap();
        let (_, body) = store::federation::latest_outgoing(&w.a.state.db, id, domain::federation::Kind::Referral).await.unwrap().unwrap();
        let mut package: serde_json::Value = serde_json::from_str(&body).unwrap();
        let ct = package["ciphertext"].as_str().unwrap().to_owned();
        let flipped = if ct.starts_with('A') { "B" } else { "A" };
        package["ciphertext"] = format!("{flipped}{}", &ct[1..]).into();
        let tampered = package.to_string();
        let token = store::federation::outbound_token(&w.a.state.db, store::federation::peers(&w.a.state.db).await.unwrap()[0].id).await.unwrap().unwrap();
        let post = |body: String, token: String| {
            let client = reqwest::Client::new();
            let url = w.b.url("/api/v1/federation/packages");
            async move { client.post(url).bearer_auth(token).header("content-type", "application/json").body(body).send().await.unwrap() }
        };
        let res = post(tampered.clone(), token.clone()).await;
        assert_eq!(res.status(), 422);
        let answer: serde_json::Value = res.json().await.unwrap();
        assert_eq!(answer["error"]["code"], "bad_signature");
        assert!(answer["error"]["message"].as_str().unwrap().contains("modifié ou contrefait"));
        // As a file: the same refusal, in the user's language, nothing imported.
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", w.paula.csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(tampered.into_bytes()).file_name("paquet.json"));
        let res = w.paula.client.post(w.b.url("/federation/import")).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("modifié ou contrefait"));
        // A wrong token, and garbage.
        assert_eq!(post(body.clone(), format!("pslf_{}", "0".repeat(64))).await.status(), 401);
        assert_eq!(post("{\"v\":1}".into(), token.clone()).await.status(), 422);
        assert_eq!(count(&w.b, "federation_referrals").await, 0);
        assert_eq!(count(&w.b, "federation_packages").await, 0);
        // The genuine package goes in once; its replay is refused.
        assert_eq!(post(body.clone(), token.clone()).await.status(), 202);
        let res = post(body.clone(), token.clone()).await;
        assert_eq!(res.status(), 409);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "replayed");
        assert_eq!(count(&w.b, "federation_referrals").await, 1);
        // An import page in English, for a file of nothing.
        let en = w.paula.get_en(&w.b, "/federation/import").await;
        assert!(en.contains("Import a package"));
    }
}
