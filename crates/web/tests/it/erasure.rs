//! Erasure on request (issue 12 point 5; ADR 0036), on SQLite and PostgreSQL: from an open
//! erasure request the DPO sees what would go, confirms, and the person's file is gone — rows,
//! the household member not followed, the document's file in the file store — the request is
//! answered and kept without the person, the audit log says "erased" with ids only; where the
//! law stands in the way (an open case), the page says why and nothing is erased; nobody else
//! reaches the pages.

use domain::accounts::Role;
use domain::persons::PersonRecord;
use domain::{OrganisationId, PersonId};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, visible_text};

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id
}

/// A person `name` with a household member not followed and a document whose file is in the
/// app's file store; returns the person, the member and the file's object name.
async fn person(app: &TestApp, org: OrganisationId, name: &str) -> (PersonId, PersonId, String) {
    let (p, m) = (PersonId::new(), PersonId::new());
    let db = &app.state.db;
    let rec = |n: &str| PersonRecord {
        birth_name: Some(n.to_owned()),
        own_words: Some(format!("{n} words")),
        ..Default::default()
    };
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = app.state.config.files.store.create(&object).await.unwrap();
    upload.write(b"%PDF-1.4\n%%EOF\n").await.unwrap();
    upload.finish().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, p, &rec(name), None, Ts::now()).await.unwrap();
    store::persons::insert(&mut tx, org, m, &rec(&format!("{name}membre")), None, Ts::now())
        .await
        .unwrap();
    let h = store::households::create(&mut tx, org, p, None, None, Ts::now()).await.unwrap();
    store::households::add_member(&mut tx, h, m, "minor_child", None, Ts::now()).await.unwrap();
    let new = store::documents::NewDocument {
        id: uuid::Uuid::now_v7(),
        organisation_id: org,
        person_id: p,
        case_id: None,
        type_code: "tax_notice",
        file_name: "avis.pdf",
        file_type: "pdf",
        size_bytes: 15,
        object_name: &object,
        key_id: app.state.config.files.store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: first_user(app).await,
    };
    store::documents::insert(&mut tx, &new, "Avis", Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (p, m, object)
}

async fn first_user(app: &TestApp) -> domain::UserId {
    let sql = "SELECT id FROM users ORDER BY id LIMIT 1";
    let id: uuid::Uuid = match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    };
    domain::UserId::from_uuid(id)
}

/// Logs an erasure request for `person` (found by `name`, then chosen); returns its id.
async fn erasure_request(app: &TestApp, dpo: &Browser, name: &str, person: PersonId) -> String {
    let id = person.to_string();
    let form = [
        ("person_query", name),
        ("kind", "erasure"),
        ("received_on", "2026-11-02"),
        ("person_id", id.as_str()),
    ];
    let res = dpo.post(app, "/privacy/requests", &form).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    to.trim_start_matches("/privacy/requests/").trim_end_matches("?done=created").to_owned()
}

fn files_of(app: &TestApp) -> files::FileStore {
    app.state.config.files.store.clone()
}

fn version(page: &str) -> String {
    page.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

engine_tests! {
    async fn the_dpo_erases_a_file_from_its_request_and_only_the_request_and_the_event_stay(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (p, m, object) = person(&app, org, "Qzxeffacee").await;
        let (other, _, other_object) = person(&app, org, "Qzxgardee").await;
        let id = erasure_request(&app, &dpo, "Qzxeffacee", p).await;

        // The request's page offers the erasure; the confirmation page says what would go.
        let show = dpo.page(&app, &format!("/privacy/requests/{id}")).await;
        assert!(show.contains(&format!("href=\"/privacy/requests/{id}/erase\"")));
        let path = format!("/privacy/requests/{id}/erase");
        let page = dpo.page(&app, &path).await;
        let text = visible_text(&page);
        assert!(text.contains("Ce qui sera effacé"), "{text}");
        assert!(text.contains("2 personnes") && text.contains("Un foyer") && text.contains("Un fichier"), "{text}");
        assert!(text.contains("Votre fiche") && text.contains("Documents") && text.contains("Index de recherche"), "tables named: {text}");
        assert!(!text.contains("Vos demandes sur vos données"), "the request stays: {text}");
        let en = visible_text(&dpo.get_en(&app, &path).await);
        assert!(en.contains("What will be erased") && en.contains("One file"), "{en}");

        // Without the box ticked: asked again, nothing erased.
        let v = version(&page);
        let res = dpo.post(&app, &path, &[("version", &v)]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Cochez la case"));
        assert!(store::persons::find(&app.state.db, org, p).await.unwrap().is_some());

        // Nobody else reaches it.
        assert_eq!(worker.get(&app, &path).await.status(), 404);
        assert_eq!(worker.post(&app, &path, &[("version", &v), ("confirm", "yes")]).await.status(), 404);

        let res = dpo.post(&app, &path, &[("version", &v), ("confirm", "yes")]).await;
        assert_eq!(location(&res), format!("/privacy/requests/{id}?done=erased"));
        let db = &app.state.db;
        assert!(store::persons::find(db, org, p).await.unwrap().is_none());
        assert!(store::persons::find(db, org, m).await.unwrap().is_none(), "the member not followed");
        assert!(store::persons::find(db, org, other).await.unwrap().is_some());
        let files = &app.state.config.files.store;
        assert!(files.read_all(&object).await.is_err(), "the file is deleted");
        assert!(files.read_all(&other_object).await.is_ok());
        assert!(store::retention::pending_file_deletions(db, 10).await.unwrap().is_empty());
        // The scrub of the storage was queued with the erasure; the job worker does it.
        let runner = crate::helpers::fast_runner(
            &app,
            web::privacy::jobs::register(store::jobs::runner::Registry::new(), files_of(&app)),
        );
        crate::helpers::settle_jobs(&app, domain::erasure::ERASURE_SCRUB_JOB, 1).await;
        runner.stop().await;

        // The request: answered, without the person.
        let show = visible_text(&dpo.page(&app, &format!("/privacy/requests/{id}?done=erased")).await);
        assert!(show.contains("Le dossier de la personne est effacé") && show.contains("Personne effacée"), "{show}");
        assert!(show.contains("Répondue") && show.contains("Dossier effacé le"), "{show}");
        assert!(!show.contains("Qzxeffacee"));
        let list = visible_text(&dpo.page(&app, "/privacy/requests").await);
        assert!(list.contains("Personne effacée") && !list.contains("Qzxeffacee"), "{list}");
        // Erased once: the page now sends back to the request.
        let res = dpo.get(&app, &path).await;
        assert_eq!(location(&res), format!("/privacy/requests/{id}"));

        // The audit log: "erased" on the person's id, with the request's id and counts only.
        let filter = store::audit::AuditFilter { subject_id: Some(p.as_uuid()), ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org)) };
        let events = store::audit::search(db, &filter, None, 200).await.unwrap().events;
        let erased: Vec<_> = events.iter().filter(|e| e.action == "erased").collect();
        assert_eq!(erased.len(), 1);
        let details = erased[0].details.clone().unwrap();
        assert!(details.contains(&id) && !details.to_lowercase().contains("qzx"), "{details}");
        let audit = visible_text(&dpo.page(&app, "/admin/audit").await);
        assert!(audit.contains("Dossier effacé sur demande"), "{audit}");
    }

    async fn an_open_case_stands_in_the_way_and_the_page_says_so(db) {
        let app = TestApp::spawn(db).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (p, _, object) = person(&app, org, "Qzxsuivie").await;
        let team = crate::helpers::team_of(&app, "ccas", "Accueil").await;
        let referent = first_user(&app).await;
        let new = store::cases::NewCase {
            id: domain::CaseId::new(),
            organisation_id: org,
            person_id: p,
            household_id: None,
            team_id: team,
            referent_id: referent,
            co_referents: &[],
            reason: "Logement",
            orientation_source: None,
            opened_by: referent,
        };
        let mut tx = app.state.db.begin_write().await.unwrap();
        store::cases::open(&mut tx, &new, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let id = erasure_request(&app, &manager, "Qzxsuivie", p).await;
        let path = format!("/privacy/requests/{id}/erase");
        let text = visible_text(&manager.page(&app, &path).await);
        assert!(text.contains("ne peut pas être effacé maintenant") && text.contains("accompagnement de la personne est encore ouvert"), "{text}");
        let en = visible_text(&manager.get_en(&app, &path).await);
        assert!(en.contains("A case of the person is still open"), "{en}");
        let show = manager.page(&app, &format!("/privacy/requests/{id}")).await;
        let res = manager.post(&app, &path, &[("version", &version(&show)), ("confirm", "yes")]).await;
        assert_eq!(res.status(), 422);
        assert!(store::persons::find(&app.state.db, org, p).await.unwrap().is_some());
        assert!(app.state.config.files.store.read_all(&object).await.is_ok());
        let r = store::subject_access::find(&app.state.db, org, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(r.status(), domain::subject_access::Status::Open, "not answered");
    }
}
