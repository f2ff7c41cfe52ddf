//! Referrals on the web — on SQLite and PostgreSQL: a worker refers a person to a service of a
//! partner hosted on the instance with consent and two shared items; the partner's user sees
//! exactly those two items and nothing else of the person (guessed ids through pages and the
//! API answer "not found"); every access of the partner is in the referring organisation's
//! audit log; the partner accepts and completes, the outcome is on the case's timeline; the
//! person withdraws consent and the partner loses the items at once; refused values keep what
//! was typed; the letter of a partner outside Passerelle is a PDF of the shared items.

use domain::accounts::Role;
use domain::assessments::{AssessmentContent, AssessmentId, Rating};
use domain::audit::AuditAction;
use domain::{CaseId, OrganisationId, PartnerId, PartnerServiceId, UserId};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, open_case_for, team_of, visible_text};

const A: &str = "ccas-orientations";
const B: &str = "asso-logement";
const C: &str = "asso-autre";

struct World {
    alice: Browser,
    bruno: Browser,
    paula: Browser,
    carl: Browser,
    case: String,
    person: String,
    /// The service of B's entry (hosted), and one of a partner outside Passerelle.
    hosted: String,
    outside: String,
    document: uuid::Uuid,
}

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id
}

async fn service(app: &TestApp, name: &str, linked: Option<OrganisationId>) -> String {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    let db = &app.state.db;
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: name.into(),
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
    let mut tx = db.begin_write().await.unwrap();
    store::partners::insert_partner(&mut tx, p, None, &partner, linked, None, Ts::now())
        .await
        .unwrap();
    store::partners::insert_service(&mut tx, s, p, None, &svc, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    s.to_string()
}

async fn world(app: &TestApp) -> World {
    let insertion = team_of(app, A, "Insertion").await;
    let other = team_of(app, A, "Autre").await;
    let alice = member(app, A, "Alice", Role::Worker, &[(insertion, false)]).await;
    let bruno = member(app, A, "Bruno", Role::Worker, &[(other, false)]).await;
    team_of(app, B, "Accueil").await;
    team_of(app, C, "Accueil").await;
    let paula = member(app, B, "Paula", Role::Partner, &[]).await;
    let carl = member(app, C, "Carl", Role::Partner, &[]).await;
    let case = open_case_for(app, &alice, insertion, "Durand").await;
    let db = &app.state.db;
    let a = org_id(app, A).await;
    let case_id: CaseId = case.parse().unwrap();
    let c = store::cases::find(db, a, case_id).await.unwrap().unwrap();
    let me = UserId::from_uuid(alice.id.parse().unwrap());
    // An assessment with two domains (one shared), a note, a document not shared.
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
        organisation_id: a,
        case_id,
        content: &content,
        by: me,
    };
    let note = store::cases::NoteRecord {
        occurred_at: Ts::now(),
        duration_minutes: None,
        place: None,
        participants: None,
        note_type: "phone".into(),
        confidentiality: domain::cases::Confidentiality::Normal,
        body: "Note confidentielle du suivi".into(),
    };
    let document = uuid::Uuid::now_v7();
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = app.state.config.files.store.create(&object).await.unwrap();
    let bytes = b"%PDF-1.4\n% orientation\n%%EOF\n";
    upload.write(bytes).await.unwrap();
    upload.finish().await.unwrap();
    let doc = store::documents::NewDocument {
        id: document,
        organisation_id: a,
        person_id: c.person_id,
        case_id: Some(case_id),
        type_code: "tax_notice",
        file_name: "avis-impot.pdf",
        file_type: "pdf",
        size_bytes: bytes.len() as i64,
        object_name: &object,
        key_id: app.state.config.files.store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: me,
    };
    let mut tx = db.begin_write().await.unwrap();
    store::assessments::record(&mut tx, &new, Ts::now()).await.unwrap();
    store::cases::add_note(&mut tx, a, case_id, &note, me, Ts::now()).await.unwrap();
    store::documents::insert(&mut tx, &doc, "Avis d'imposition", Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    let hosted = service(app, "Asso Logement", Some(org_id(app, B).await)).await;
    let outside = service(app, "Foyer hors Passerelle", None).await;
    World {
        alice,
        bruno,
        paula,
        carl,
        case,
        person: c.person_id.to_string(),
        hosted,
        outside,
        document,
    }
}

/// Alice refers the person to `service`, sharing `items`; returns the referral's id.
async fn refer(app: &TestApp, w: &World, service: &str, items: &[&str]) -> String {
    let mut fields = vec![
        ("service", service),
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
    let res = w.alice.post(app, &format!("/cases/{}/referrals/new", w.case), &fields).await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    location(&res).trim_start_matches("/referrals/").split('?').next().unwrap().to_owned()
}

fn version_in(html: &str) -> String {
    let i = html.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    html[i..].split('"').next().unwrap().to_owned()
}

engine_tests! {
    async fn the_partner_sees_exactly_the_two_shared_items_and_nothing_else(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let form = w.alice.page(&app, &format!("/cases/{}/referrals/new?q=logement", w.case)).await;
        assert!(form.contains(&w.hosted), "the directory's service is offered");
        assert!(form.contains("domain:housing") && form.contains("domain:health"));
        assert!(form.contains(&format!("document:{}", w.document)));
        assert!(!form.contains("note:"), "notes are never offered");
        let id = refer(&app, &w, &w.hosted, &["identity:name", "domain:housing"]).await;

        // B's partner user finds it in the inbox, with the name shared.
        let inbox = w.paula.page(&app, "/referrals/inbox").await;
        assert!(inbox.contains(&format!("/referrals/inbox/{id}")) && inbox.contains("Durand"), "{}", visible_text(&inbox));
        let page = w.paula.page(&app, &format!("/referrals/inbox/{id}")).await;
        let text = visible_text(&page);
        assert!(text.contains("Durand Camille"), "{text}");
        assert!(text.contains("Je dors chez ma sœur") && text.contains("4 — Besoin critique"), "{text}");
        assert!(text.contains("Recherche d'un logement") && text.contains("Un premier rendez-vous"));
        // Exactly two items: one identity field, one domain; nothing else of the person.
        assert_eq!(page.split("shared-identity").nth(1).unwrap().split("</dl>").next().unwrap().matches("<dt>").count(), 1);
        let domains = page.split("<table class=\"shared-domains\">").nth(1).unwrap().split("</table>").next().unwrap();
        assert_eq!(domains.matches("<tr").count(), 2, "a header and one domain: {domains}");
        for hidden in ["Secret de santé", "12/03/1985", "Dettes de loyer", "Note confidentielle", "avis-impot", "Insertion"] {
            assert!(!text.contains(hidden), "{hidden} leaked: {text}");
        }
        // Guessed ids: the case, the person, the sender's page, the document, the API.
        for path in [
            format!("/cases/{}", w.case), format!("/persons/{}", w.person), format!("/referrals/{id}"),
            format!("/referrals/inbox/{id}/documents/{}", w.document), format!("/documents/{}", w.document),
            format!("/cases/{}/referrals", w.case), format!("/persons/{}/consents", w.person),
        ] {
            assert_eq!(w.paula.get(&app, &path).await.status(), 404, "{path}");
        }
        let paula_id = UserId::from_uuid(w.paula.id.parse().unwrap());
        let token = app.api_token(paula_id, B, "all", Ts::from(Ts::now().get() + time::Duration::days(1))).await.1;
        for path in [format!("/api/v1/persons/{}", w.person), format!("/api/v1/cases/{}", w.case)] {
            assert_eq!(app.bearer(reqwest::Method::GET, &path, &token).await.status(), 404, "{path}");
        }
        // Another organisation's partner, and a worker of A's other team: nothing.
        assert_eq!(w.carl.get(&app, &format!("/referrals/inbox/{id}")).await.status(), 404);
        assert!(!w.carl.page(&app, "/referrals/inbox").await.contains(&id));
        assert_eq!(w.bruno.get(&app, &format!("/referrals/{id}")).await.status(), 404);

        // Every access of the partner is in A's audit log, not B's.
        let filter = store::audit::AuditFilter {
            actor_user_id: Some(paula_id),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org_id(&app, A).await))
        };
        let events = store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events;
        let reads: Vec<_> = events.iter().filter(|e| e.action == AuditAction::PersonFileRead.as_str() && e.subject_id == Some(id.parse().unwrap())).collect();
        assert_eq!(reads.len(), 2, "the inbox (name shown) and the page");
        let filter_b = store::audit::AuditFilter {
            actor_user_id: Some(paula_id),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org_id(&app, B).await))
        };
        assert!(store::audit::search(&app.state.db, &filter_b, None, 100).await.unwrap().events.iter().all(|e| e.subject_id != Some(id.parse().unwrap())));
        // English too.
        let en = w.paula.get_en(&app, &format!("/referrals/inbox/{id}")).await;
        assert!(en.contains("Information shared") && en.contains("4 — Critical need"));
    }

    async fn the_partner_answers_and_the_outcome_returns_to_the_timeline(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = refer(&app, &w, &w.hosted, &["identity:name"]).await;
        // The sender may not answer for a hosted partner.
        let sender = w.alice.page(&app, &format!("/referrals/{id}")).await;
        assert!(!sender.contains("value=\"accepted\""));
        let v = version_in(&sender);
        let res = w.alice.post(&app, &format!("/referrals/{id}/move"), &[("to", "accepted"), ("version", &v)]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("ne suit pas"));
        assert_eq!(w.bruno.post(&app, &format!("/referrals/{id}/move"), &[("to", "revoked"), ("version", &v)]).await.status(), 404, "another team");
        // A decline needs a reason: refused, typed text kept.
        let page = w.paula.page(&app, &format!("/referrals/inbox/{id}")).await;
        let v = version_in(&page);
        let res = w.paula.post(&app, &format!("/referrals/inbox/{id}/move"), &[("to", "declined"), ("version", &v), ("note", "  ")]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Indiquez pourquoi."));
        // A stale version changes nothing.
        let res = w.paula.post(&app, &format!("/referrals/inbox/{id}/move"), &[("to", "accepted"), ("version", "99")]).await;
        assert_eq!(location(&res), format!("/referrals/inbox/{id}?done=stale"));
        let res = w.paula.post(&app, &format!("/referrals/inbox/{id}/move"), &[("to", "accepted"), ("version", &v)]).await;
        assert_eq!(location(&res), format!("/referrals/inbox/{id}?done=moved"));
        let page = w.paula.page(&app, &format!("/referrals/inbox/{id}")).await;
        let v = version_in(&page);
        let res = w.paula.post(&app, &format!("/referrals/inbox/{id}/move"), &[("to", "completed"), ("version", &v), ("note", "Hébergée au foyer")]).await;
        assert_eq!(res.status(), 303);
        // Without the anti-forgery token: refused.
        let res = w.paula.client.post(app.url(&format!("/referrals/inbox/{id}/move"))).form(&[("to", "no_show")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let case = visible_text(&w.alice.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(case.contains("Orientation terminée") && case.contains("Hébergée au foyer"), "{case}");
        assert!(case.contains("Orientation acceptée") && case.contains("Orientation envoyée"));
        let sender = visible_text(&w.alice.page(&app, &format!("/referrals/{id}")).await);
        assert!(sender.contains("Terminée") && sender.contains("Paula"), "{sender}");
        // The case's ecomap draws the service from the referral, with its outcome.
        let ecomap = w.alice.page(&app, &format!("/cases/{}/ecomap", w.case)).await;
        assert_eq!(ecomap.matches("class=\"tie tie-referral\" stroke-width=\"2\"").count(), 1, "{ecomap}");
        let text = visible_text(&ecomap);
        assert!(text.contains("Services vers lesquels la personne a été orientée"), "{text}");
        assert!(text.contains("Accueil logement") && text.contains("(orientation : Terminée)"), "{text}");
        assert!(ecomap.contains(&format!("href=\"/referrals/{id}\"")));
    }

    async fn withdrawing_consent_cuts_the_partner_off_at_once(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let doc = format!("document:{}", w.document);
        let id = refer(&app, &w, &w.hosted, &["identity:name", &doc]).await;
        let page = w.paula.page(&app, &format!("/referrals/inbox/{id}")).await;
        let link = format!("/referrals/inbox/{id}/documents/{}", w.document);
        assert!(page.contains(&link));
        let res = w.paula.get(&app, &link).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n% orientation\n%%EOF\n");
        // The register on the person's page; the person withdraws.
        let person = w.alice.page(&app, &format!("/persons/{}", w.person)).await;
        assert!(person.contains(&format!("/persons/{}/consents", w.person)));
        let register = w.alice.page(&app, &format!("/persons/{}/consents", w.person)).await;
        assert!(visible_text(&register).contains("Accueil logement — Asso Logement"));
        let consent = register.split("/consents/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let res = w.alice.post(&app, &format!("/persons/{}/consents/{consent}/withdraw", w.person), &[("version", "1")]).await;
        assert_eq!(location(&res), format!("/persons/{}/consents?done=withdrawn", w.person));
        assert!(visible_text(&w.alice.page(&app, &format!("/persons/{}/consents", w.person)).await).contains("Retiré le"));
        // At once: no name, no document; only the referral and the partner's own answers.
        let page = visible_text(&w.paula.page(&app, &format!("/referrals/inbox/{id}")).await);
        assert!(page.contains("Consentement retiré le") && page.contains("vos propres réponses"), "{page}");
        assert!(!page.contains("Durand") && !page.contains("avis-impot"), "{page}");
        assert_eq!(w.paula.get(&app, &link).await.status(), 404);
        assert!(!w.paula.page(&app, "/referrals/inbox").await.contains("Durand"));
        let case = visible_text(&w.alice.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(case.contains("Consentement à l'orientation retiré"));
        // Withdrawn once: asking again changes nothing.
        let res = w.alice.post(&app, &format!("/persons/{}/consents/{consent}/withdraw", w.person), &[("version", "2")]).await;
        assert_eq!(location(&res), format!("/persons/{}/consents?done=withdrawn", w.person));
    }

    async fn a_refused_referral_keeps_what_was_typed_and_the_letter_shows_the_shared_items(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/cases/{}/referrals/new", w.case);
        let res = w.alice.post(&app, &path, &[
            ("service", &w.outside), ("reason", "Mise à l'abri <urgente>"), ("request", ""),
            ("urgency", "urgent"), ("given_by", "person"), ("method", "oral"), ("given_on", "20/11/2026"),
            ("items", "identity:name"), ("items", &format!("note:{}", uuid::Uuid::now_v7())),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Le consentement de la personne est nécessaire"), "{text}");
        assert!(text.contains("Indiquez ce qui est demandé") && text.contains("ne peut pas être partagé"));
        assert!(html.contains("Mise à l&#39;abri &#60;urgente&#62;</textarea>") || html.contains("Mise à l'abri &#60;urgente&#62;</textarea>"), "kept, escaped");
        assert!(html.contains("value=\"identity:name\" checked"));
        let id = refer(&app, &w, &w.outside, &["identity:name", "domain:housing"]).await;
        // A partner outside Passerelle: the sender records its answers, and prints the letter.
        let page = w.alice.page(&app, &format!("/referrals/{id}")).await;
        assert!(page.contains("value=\"accepted\"") && page.contains(&format!("/referrals/{id}/letter")));
        let res = w.alice.get(&app, &format!("/referrals/{id}/letter")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
        // The hosted partner's referral has no letter.
        let hosted = refer(&app, &w, &w.hosted, &["identity:name"]).await;
        assert_eq!(w.alice.get(&app, &format!("/referrals/{hosted}/letter")).await.status(), 404);
        let list = w.alice.get_en(&app, &format!("/cases/{}/referrals", w.case)).await;
        assert!(list.contains("Foyer hors Passerelle") && list.contains("Sent"));
    }

    async fn withdrawing_consent_stops_the_letter_to_a_partner_outside_at_once_and_the_export_keeps_the_consent(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = refer(&app, &w, &w.outside, &["identity:name"]).await;
        let letter = format!("/referrals/{id}/letter");
        assert_eq!(w.alice.get(&app, &letter).await.status(), 200);
        let register = w.alice.page(&app, &format!("/persons/{}/consents", w.person)).await;
        let consent = register.split("/consents/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let res = w.alice.post(&app, &format!("/persons/{}/consents/{consent}/withdraw", w.person), &[("version", "1")]).await;
        assert_eq!(res.status(), 303);
        // The very next request: the shared items can no longer be printed for the partner.
        assert_eq!(w.alice.get(&app, &letter).await.status(), 404);
        assert!(!w.alice.page(&app, &format!("/referrals/{id}")).await.contains(&letter));
        // The person's subject access export holds the consent, withdrawn, and what it covered.
        let dpo = crate::helpers::member(&app, A, "Delphine", domain::accounts::Role::Dpo, &[]).await;
        let form = [("person_query", "Durand"), ("kind", "access"), ("received_on", "2026-11-20"), ("person_id", w.person.as_str())];
        let res = dpo.post(&app, "/privacy/requests", &form).await;
        assert_eq!(res.status(), 303);
        let request = location(&res).trim_start_matches("/privacy/requests/").split('?').next().unwrap().to_owned();
        let res = dpo.get(&app, &format!("/privacy/requests/{request}/export.zip")).await;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("export.json").unwrap(), &mut text).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let consents = json["data"]["consents"].as_array().unwrap();
        assert_eq!(consents.len(), 1);
        assert!(consents[0]["withdrawn_at"].is_string() && consents[0]["given_on"].is_string());
        assert!(json["data"]["referral_items"].as_array().unwrap().iter().any(|i| i["item"] == "name"), "{text}");
    }

    async fn the_api_reads_a_case_s_referrals_with_their_items_and_steps(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = refer(&app, &w, &w.hosted, &["identity:name", "domain:housing"]).await;
        let in_a_day = Ts::from(Ts::now().get() + time::Duration::days(1));
        let alice = UserId::from_uuid(w.alice.id.parse().unwrap());
        let token = app.api_token(alice, A, "referrals:read", in_a_day).await.1;
        let res = app.bearer(reqwest::Method::GET, &format!("/api/v1/cases/{}/referrals", w.case), &token).await;
        assert_eq!(res.status(), 200);
        let list: serde_json::Value = res.json().await.unwrap();
        assert_eq!(list["referrals"][0]["id"], id.as_str());
        assert_eq!(list["referrals"][0]["status"], "sent");
        assert!(list["referrals"][0].get("items").is_none());
        let one: serde_json::Value = app.bearer(reqwest::Method::GET, &format!("/api/v1/referrals/{id}"), &token).await.json().await.unwrap();
        assert_eq!((one["hosted"].as_bool(), one["consent"]["method"].as_str()), (Some(true), Some("oral")));
        let items: Vec<String> = one["items"].as_array().unwrap().iter().map(|i| format!("{}:{}", i["kind"].as_str().unwrap(), i["item"].as_str().unwrap())).collect();
        assert_eq!(items, vec!["identity:name", "domain:housing"]);
        assert_eq!(one["steps"].as_array().unwrap().len(), 2);
        // Without the scope: 403; the partner and another team's worker: 404.
        let cases_only = app.api_token(alice, A, "cases:read", in_a_day).await.1;
        assert_eq!(app.bearer(reqwest::Method::GET, &format!("/api/v1/referrals/{id}"), &cases_only).await.status(), 403);
        let bruno = UserId::from_uuid(w.bruno.id.parse().unwrap());
        let other = app.api_token(bruno, A, "all", in_a_day).await.1;
        assert_eq!(app.bearer(reqwest::Method::GET, &format!("/api/v1/referrals/{id}"), &other).await.status(), 404);
        let paula = UserId::from_uuid(w.paula.id.parse().unwrap());
        let partner = app.api_token(paula, B, "all", in_a_day).await.1;
        assert_eq!(app.bearer(reqwest::Method::GET, &format!("/api/v1/referrals/{id}"), &partner).await.status(), 404);
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(doc["paths"]["/api/v1/referrals/{referral_id}"]["get"].is_object());
    }
}
