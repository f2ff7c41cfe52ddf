//! The retention review list and settings (issue 12 point 2, ADR 0034): who reaches them, a
//! line decided (held with a reason, audited), refused forms, the settings saved; and the run
//! that anonymises a person and deletes their file from the file store after the commit —
//! on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::cases::CaseStatus;
use domain::{CaseId, PersonId, UserId};
use store::Ts;
use store::cases::{self, NewCase};
use store::retention::{ListFilter, RunOptions};
use testkit::engine_tests;
use time::macros::datetime;

use crate::helpers::{TestApp, location, member, team_of, visible_text};

/// A person whose case closed at `then`, with one stored file; returns them and the file's
/// object name.
async fn closed_at(
    app: &TestApp,
    worker: UserId,
    team: domain::TeamId,
    then: Ts,
) -> (PersonId, String) {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Canarias".into()),
        first_names: Some("Nour".into()),
        ..Default::default()
    };
    let case_id = CaseId::new();
    let object = format!("retention-{}", person.as_uuid());
    let files = &app.state.config.files.store;
    let mut upload = files.create(&object).await.unwrap();
    upload.write(b"%PDF canary").await.unwrap();
    upload.finish().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, person, &rec, None, then).await.unwrap();
    let new = NewCase {
        id: case_id,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: worker,
        co_referents: &[],
        reason: "Logement",
        orientation_source: None,
        opened_by: worker,
    };
    cases::open(&mut tx, &new, then).await.unwrap();
    assert!(
        cases::change_status(&mut tx, org, case_id, 1, CaseStatus::Closed, None, worker, then)
            .await
            .unwrap()
    );
    let doc = store::documents::NewDocument {
        id: uuid::Uuid::now_v7(),
        organisation_id: org,
        person_id: person,
        case_id: Some(case_id),
        type_code: "identity",
        file_name: "canary.pdf",
        file_type: "application/pdf",
        size_bytes: 11,
        object_name: &object,
        key_id: "test-1",
        expires_on: None,
        confidential: false,
        uploaded_by: worker,
    };
    store::documents::insert(&mut tx, &doc, "identity", then).await.unwrap();
    tx.commit().await.unwrap();
    (person, object)
}

/// How many audit events of `action` there are.
async fn audited(app: &TestApp, action: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_events WHERE action = $1";
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(sql).bind(action).fetch_one(p).await,
        store::Db::Postgres(p) => sqlx::query_scalar(sql).bind(action).fetch_one(p).await,
    }
    .unwrap()
}

engine_tests! {
    async fn the_dpo_reviews_a_file_due_holds_it_with_a_reason_and_nobody_else_reaches_the_list(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, "ccas", "Accueil").await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[(team, false)]).await;
        let worker_id: UserId = worker.id.parse::<uuid::Uuid>().map(UserId::from_uuid).unwrap();
        // Due five days ago: listed, within the thirty days of grace.
        let due = store::ts::local_today(Ts::now(), Some("Europe/Paris")) - time::Duration::days(5);
        let last = domain::retention::add_months(due, -24);
        let then = Ts::from(last.with_hms(10, 0, 0).unwrap().assume_utc());
        let (person, _) = closed_at(&app, worker_id, team, then).await;

        let empty = dpo.page(&app, "/privacy/retention").await;
        assert!(visible_text(&empty).contains("Aucun dossier n'est arrivé à échéance."));
        let report = web::privacy::jobs::run_all(&app.state.db, None, Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!((report.counts.listed, report.counts.anonymised), (1, 0), "listed, waiting for the grace days");

        let page = dpo.page(&app, "/privacy/retention").await;
        let text = visible_text(&page);
        assert!(text.contains(&person.as_uuid().to_string()), "{text}");
        assert!(!text.contains("Canarias"), "no name on the DPO's list");
        assert!(text.contains(&last.to_string()) && text.contains(&due.to_string()), "last contact and due date");
        let en = manager.get_en(&app, "/privacy/retention").await;
        assert!(visible_text(&en).contains("Retention review list"));

        // A hold without a reason is refused; with one it is recorded and audited.
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        let line = store::retention::list(db, org, ListFilter::Open, 10).await.unwrap().remove(0);
        let form = dpo.page(&app, &format!("/privacy/retention/decide?line={}", line.id)).await;
        assert!(form.contains("name=\"csrf_token\""));
        let id = line.id.to_string();
        let res = dpo.post(&app, "/privacy/retention/decide", &[("line", &id), ("version", "1"), ("action", "hold"), ("reason", " ")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Indiquez un motif"));
        let res = dpo.post(&app, "/privacy/retention/decide", &[("line", &id), ("version", "1"), ("action", "hold"), ("reason", "Contentieux en cours")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/privacy/retention?decided=1");
        let text = visible_text(&dpo.page(&app, "/privacy/retention").await);
        assert!(text.contains("gel pour motif légal") && text.contains("Contentieux en cours"), "{text}");
        // The same form again is stale: someone (here: the DPO) decided meanwhile.
        let res = dpo.post(&app, "/privacy/retention/decide", &[("line", &id), ("version", "1"), ("action", "approve")]).await;
        assert_eq!(res.status(), 409);
        assert_eq!(audited(&app, "retention_decided").await, 1, "one decision recorded");

        // Nobody else: a worker gets "not found" on every retention route.
        for path in ["/privacy/retention", "/privacy/retention/settings", &format!("/privacy/retention/decide?line={id}")] {
            assert_eq!(worker.get(&app, path).await.status(), 404, "{path}");
        }
        assert_eq!(worker.post(&app, "/privacy/retention/settings", &[("case_months", "1")]).await.status(), 404);
    }

    async fn the_settings_are_saved_within_bounds_and_a_due_file_is_anonymised_and_its_file_deleted(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, "ccas", "Accueil").await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[(team, false)]).await;
        let worker_id: UserId = worker.id.parse::<uuid::Uuid>().map(UserId::from_uuid).unwrap();
        let (person, object) = closed_at(&app, worker_id, team, Ts::from(datetime!(2024-01-10 10:00 UTC))).await;

        let form = dpo.page(&app, "/privacy/retention/settings").await;
        assert!(form.contains("value=\"24\"") && form.contains("value=\"30\""), "the defaults");
        let bad = [("version", "0"), ("case_months", "0"), ("minor_months", "24"), ("audit_months", "48"), ("after_due", "anonymise"), ("grace_days", "0")];
        let res = dpo.post(&app, "/privacy/retention/settings", &bad).await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("de 1 à 120") && text.contains("de 6 à 36"), "{text}");
        let good = [("version", "0"), ("case_months", "24"), ("minor_months", "24"), ("audit_months", "12"), ("after_due", "anonymise"), ("grace_days", "0")];
        let res = dpo.post(&app, "/privacy/retention/settings", &good).await;
        assert_eq!(res.status(), 303);
        // A second save from the same (stale) form is refused, not overwritten.
        assert_eq!(dpo.post(&app, "/privacy/retention/settings", &good).await.status(), 409);

        // No grace: the run anonymises at once, then deletes the file after the commit.
        let files = app.state.config.files.store.clone();
        assert!(files.names().await.unwrap().contains(&object));
        let report = web::privacy::jobs::run_all(&app.state.db, Some(&files), Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!((report.counts.anonymised, report.files_deleted), (1, 1));
        assert!(!files.names().await.unwrap().contains(&object), "no orphan file");
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        let p = store::persons::find(db, org, person).await.unwrap().unwrap();
        assert_eq!((p.record.birth_name, p.record.first_names), (None, None));
        assert!(store::retention::pending_file_deletions(db, 10).await.unwrap().is_empty());
        let text = visible_text(&dpo.page(&app, "/privacy/retention").await);
        assert!(text.contains("anonymisé"), "{text}");
        assert_eq!(audited(&app, "anonymised").await, 1);
    }

    async fn an_archived_file_is_hidden_from_workers_and_opens_to_a_manager_with_a_recorded_reason(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, "ccas", "Accueil").await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[(team, false)]).await;
        let worker_id: UserId = worker.id.parse::<uuid::Uuid>().map(UserId::from_uuid).unwrap();
        let (person, _) = closed_at(&app, worker_id, team, Ts::from(datetime!(2024-01-10 10:00 UTC))).await;
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        let settings = domain::retention::RetentionSettings { grace_days: 0, after_due: domain::retention::AfterDue::Archive, ..Default::default() };
        let mut tx = db.begin_write().await.unwrap();
        assert!(store::retention::save_settings(&mut tx, org, &settings, None, worker_id, Ts::now()).await.unwrap());
        tx.commit().await.unwrap();
        let page = format!("/persons/{person}");
        assert_eq!(worker.get(&app, &page).await.status(), 200, "readable before");
        let report = web::privacy::jobs::run_all(db, None, Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!(report.counts.archived, 1);

        // Out of the worker's search and the list; the page answers "not found" to all.
        let found = worker.post(&app, "/persons/search", &[("q", "Canarias")]).await.text().await.unwrap();
        assert!(!found.contains(&person.as_uuid().to_string()), "not found by search");
        assert!(!worker.page(&app, "/persons").await.contains(&person.as_uuid().to_string()));
        for who in [&worker, &manager] {
            assert_eq!(who.get(&app, &page).await.status(), 404);
        }

        // Opening takes a reason, is recorded with it, and opens the file to that manager only.
        let line = store::retention::list(db, org, ListFilter::Processed, 10).await.unwrap().remove(0);
        let id = line.id.to_string();
        let version = line.version.to_string();
        let list = dpo.page(&app, "/privacy/retention").await;
        assert!(list.contains(&format!("/privacy/retention/archive?line={id}")));
        let form = manager.page(&app, &format!("/privacy/retention/archive?line={id}")).await;
        assert!(form.contains("name=\"csrf_token\""));
        let res = manager.post(&app, "/privacy/retention/archive", &[("line", &id), ("version", &version), ("action", "open"), ("reason", " ")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Indiquez un motif"));
        let res = manager.post(&app, "/privacy/retention/archive", &[("line", &id), ("version", &version), ("action", "open"), ("reason", "Réquisition du tribunal")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), page);
        assert_eq!(manager.get(&app, &page).await.status(), 200, "open to the manager who gave a reason");
        assert_eq!(worker.get(&app, &page).await.status(), 404, "still hidden from others");
        let opened = store::audit::search(db, &store::audit::AuditFilter { action: Some(domain::audit::AuditAction::ArchiveOpened), ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org)) }, None, 10).await.unwrap();
        assert_eq!(opened.events.len(), 1);
        assert_eq!((opened.events[0].reason.as_deref(), opened.events[0].subject_id), (Some("Réquisition du tribunal"), Some(person.as_uuid())));

        // The DPO takes it out of the archive: searchable again, held on the list.
        let res = dpo.post(&app, "/privacy/retention/archive", &[("line", &id), ("version", &version), ("action", "restore"), ("reason", "La personne revient")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(audited(&app, "archive_restored").await, 1);
        assert_eq!(worker.get(&app, &page).await.status(), 200);
        let found = worker.post(&app, "/persons/search", &[("q", "Canarias")]).await.text().await.unwrap();
        assert!(found.contains(&person.as_uuid().to_string()), "found again");
        // Nobody else reaches the archive's page.
        assert_eq!(worker.get(&app, &format!("/privacy/retention/archive?line={id}")).await.status(), 404);
    }
}
