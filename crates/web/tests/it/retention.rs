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
    closed_born(app, worker, team, then, None).await
}

/// The same, born on `birth`.
async fn closed_born(
    app: &TestApp,
    worker: UserId,
    team: domain::TeamId,
    then: Ts,
    birth: Option<time::Date>,
) -> (PersonId, String) {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Canarias".into()),
        first_names: Some("Nour".into()),
        birth_date: birth,
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
        assert!(store::retention::save_settings(&mut tx, org, &settings, None, None, worker_id, Ts::now()).await.unwrap());
        tx.commit().await.unwrap();
        let page = format!("/persons/{person}");
        assert_eq!(worker.get(&app, &page).await.status(), 200, "readable before");
        // The case's pages and the document's, reached by their own ids.
        let case_id = store::cases::of_person(db, org, person).await.unwrap()[0].id;
        let doc_id = store::documents::of_person(db, org, person).await.unwrap()[0].id;
        // An appointment of the worker with the person, booked before the case closed.
        let booked = Ts::from(datetime!(2024-01-08 09:00 UTC));
        let span = [(booked, Ts::from(datetime!(2024-01-08 10:00 UTC)))];
        let new = store::appointments::NewAppointment {
            organisation_id: org,
            worker: worker_id,
            person_id: Some(person),
            case_id: Some(case_id),
            spans: &span,
            place: domain::appointments::Place::Office,
            place_detail: None,
            purpose: None,
            remind: None,
            by: worker_id,
        };
        let mut tx = db.begin_write().await.unwrap();
        let appointment = store::appointments::book(&mut tx, &new, booked).await.unwrap()[0];
        tx.commit().await.unwrap();
        let by_id = [format!("/cases/{case_id}"), format!("/cases/{case_id}/plan"), format!("/documents/{doc_id}"), format!("/api/v1/cases/{case_id}"), format!("/appointments/{appointment}")];
        for path in &by_id {
            assert_eq!(worker.get(&app, path).await.status(), 200, "{path} readable before");
        }
        let report = web::privacy::jobs::run_all(db, None, Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!(report.counts.archived, 1);
        for path in &by_id {
            for who in [&worker, &manager] {
                assert_eq!(who.get(&app, path).await.status(), 404, "{path} hidden once archived");
            }
        }

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
        assert_eq!(manager.get(&app, &format!("/cases/{case_id}")).await.status(), 200, "and the case");
        assert_eq!(worker.get(&app, &page).await.status(), 404, "still hidden from others");
        assert_eq!(worker.get(&app, &format!("/cases/{case_id}")).await.status(), 404);
        let opened = store::audit::search(db, &store::audit::AuditFilter { action: Some(domain::audit::AuditAction::ArchiveOpened), ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org)) }, None, 10).await.unwrap();
        assert_eq!(opened.events.len(), 1);
        assert_eq!((opened.events[0].reason.as_deref(), opened.events[0].subject_id), (Some("Réquisition du tribunal"), Some(person.as_uuid())));

        // The DPO takes it out of the archive: searchable again, held on the list.
        let res = dpo.post(&app, "/privacy/retention/archive", &[("line", &id), ("version", &version), ("action", "restore"), ("reason", "La personne revient")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(audited(&app, "archive_restored").await, 1);
        assert_eq!(worker.get(&app, &page).await.status(), 200);
        for path in &by_id {
            assert_eq!(worker.get(&app, path).await.status(), 200, "{path} readable again");
        }
        let found = worker.post(&app, "/persons/search", &[("q", "Canarias")]).await.text().await.unwrap();
        assert!(found.contains(&person.as_uuid().to_string()), "found again");
        // Nobody else reaches the archive's page.
        assert_eq!(worker.get(&app, &format!("/privacy/retention/archive?line={id}")).await.status(), 404);
    }

    async fn a_minors_file_is_sorted_by_the_public_archives_before_it_may_be_approved_and_run(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, "ccas", "Accueil").await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[(team, false)]).await;
        let worker_id: UserId = worker.id.parse::<uuid::Uuid>().map(UserId::from_uuid).unwrap();
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        // Followed at 13, last seen in January 2024: due (24 months) since January 2026.
        let then = Ts::from(datetime!(2024-01-10 10:00 UTC));
        let (minor, object) = closed_born(&app, worker_id, team, then, Some(time::macros::date!(2010 - 05 - 01))).await;
        // Her mother, in her household, not followed herself.
        let mut tx = db.begin_write().await.unwrap();
        let mother = PersonId::new();
        let rec = domain::persons::PersonRecord { birth_name: Some("Qzxmaternelle".into()), first_names: Some("Awa".into()), ..Default::default() };
        store::persons::insert(&mut tx, org, mother, &rec, None, then).await.unwrap();
        let household = store::households::create(&mut tx, org, minor, None, None, then).await.unwrap();
        store::households::add_member(&mut tx, household, mother, "parent", None, then).await.unwrap();
        // An adult's file due the same day: the archives do not sort it.
        tx.commit().await.unwrap();
        let (adult, _) = closed_at(&app, worker_id, team, then).await;
        let settings = domain::retention::RetentionSettings { grace_days: 0, ..Default::default() };
        let mut tx = db.begin_write().await.unwrap();
        assert!(store::retention::save_settings(&mut tx, org, &settings, None, None, worker_id, Ts::now()).await.unwrap());
        tx.commit().await.unwrap();
        let report = web::privacy::jobs::run_all(db, None, Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!((report.counts.listed, report.counts.anonymised, report.counts.waiting), (2, 1, 1), "the adult ran, the minor waits");
        let lines = store::retention::list(db, org, ListFilter::Open, 10).await.unwrap();
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!((line.person_id, line.minor), (minor, true));
        let adult_line = store::retention::list(db, org, ListFilter::Processed, 10).await.unwrap().remove(0);
        assert_eq!(adult_line.person_id, adult);
        let id = line.id.to_string();

        let list = visible_text(&dpo.page(&app, "/privacy/retention").await);
        assert!(list.contains("archives publiques : tri à faire"), "{list}");
        let html = dpo.page(&app, "/privacy/retention").await;
        assert!(html.contains(&format!("/privacy/retention/public-archives?line={id}")));
        // Not approved before the archives sorted it.
        let res = dpo.post(&app, "/privacy/retention/decide", &[("line", &id), ("version", &line.version.to_string()), ("action", "approve")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("passe d'abord par le tri des archives publiques"));

        // The package: the file as kept, the household's members, the files, the slip.
        let before = audited(&app, "export").await;
        let res = dpo.get(&app, &format!("/privacy/retention/public-archives/{id}/package.zip")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/zip");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
        let read = |zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut out).unwrap();
            out
        };
        let dossier: serde_json::Value = serde_json::from_slice(&read(&mut zip, "dossier.json")).unwrap();
        assert_eq!(dossier["format"], "passerelle-public-archives/1");
        assert_eq!(dossier["person_id"], minor.as_uuid().to_string());
        assert_eq!(dossier["retention"]["minor"], true);
        assert_eq!(dossier["retention"]["first_day"], "2024-01-10");
        assert_eq!(dossier["data"]["persons"][0]["birth_name"], "Canarias");
        assert_eq!(dossier["data"]["cases"].as_array().unwrap().len(), 1);
        let members = dossier["households"][0]["members"].as_array().unwrap();
        assert_eq!(members.len(), 2, "{members:?}");
        assert!(members.iter().any(|m| m["birth_name"] == "Qzxmaternelle" && m["relationship"] == "parent"));
        let files: Vec<String> = dossier["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].ends_with("canary.pdf"), "{files:?}");
        assert_eq!(read(&mut zip, &files[0]), b"%PDF canary");
        let slip = String::from_utf8(read(&mut zip, "bordereau.csv")).unwrap();
        assert!(slip.starts_with('\u{feff}'), "a byte order mark for spreadsheets");
        for expected in ["Bordereau de versement", "Service producteur", &minor.as_uuid().to_string(), "2024-01-10", "Delphine", "Pour les archives : nom et signature"] {
            assert!(slip.contains(expected), "{expected} in {slip}");
        }
        assert!(slip.contains("Membres du foyer listés,2\r\n"), "{slip}");
        assert_eq!(audited(&app, "export").await, before + 1, "the download is an audited export");
        assert!(object.starts_with("retention-"));

        // The archives' answer: every field checked, what was typed kept.
        let form = dpo.page(&app, &format!("/privacy/retention/public-archives?line={id}")).await;
        assert!(form.contains("name=\"csrf_token\""));
        let version = line.version.to_string();
        let res = dpo.post(&app, "/privacy/retention/public-archives", &[("line", &id), ("version", &version), ("step", ""), ("reference", "  "), ("on", "demain")]).await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        for expected in ["Choisissez ce qu'a fait le service d'archives.", "Indiquez la référence des archives", "Indiquez le jour de leur réponse"] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        let tomorrow = (store::ts::local_today(Ts::now(), Some("Europe/Paris")) + time::Duration::days(1)).to_string();
        let res = dpo.post(&app, "/privacy/retention/public-archives", &[("line", &id), ("version", &version), ("step", "transferred"), ("reference", "2026 W 14"), ("on", &tomorrow)]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("value=\"2026 W 14\""), "the reference typed is kept");
        let today = store::ts::local_today(Ts::now(), Some("Europe/Paris")).to_string();
        let res = dpo.post(&app, "/privacy/retention/public-archives", &[("line", &id), ("version", &version), ("step", "transferred"), ("reference", "2026 W 14"), ("on", &today)]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/privacy/retention?archives=1");
        let list = visible_text(&dpo.page(&app, "/privacy/retention?archives=1").await);
        assert!(list.contains("La réponse des archives publiques est enregistrée.") && list.contains(&format!("versé le {today}")), "{list}");
        // The same form again is stale: refused, the typed reference still there.
        let res = manager.post(&app, "/privacy/retention/public-archives", &[("line", &id), ("version", &version), ("step", "elimination_authorised"), ("reference", "V-2026-88"), ("on", &today)]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(html.contains("value=\"V-2026-88\"") && visible_text(&html).contains("2026 W 14"), "typed and stored side by side");
        let reason: Option<String> = {
            let sql = "SELECT reason FROM audit_events WHERE action = 'retention_decided'";
            match db {
                store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
                store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            }
            .unwrap()
        };
        assert_eq!(reason.as_deref(), Some("2026 W 14"), "the archives' reference is kept in the audit chain");

        // Now it may be approved, and the run processes it.
        let line = store::retention::find(db, org, line.id).await.unwrap().unwrap();
        assert_eq!(line.archives_step(), Some(domain::retention::ArchivesStep::Transferred));
        let res = dpo.post(&app, "/privacy/retention/decide", &[("line", &id), ("version", &line.version.to_string()), ("action", "approve")]).await;
        assert_eq!(res.status(), 303);
        let report = web::privacy::jobs::run_all(db, None, Ts::now(), RunOptions::default()).await.unwrap();
        assert_eq!(report.counts.anonymised, 1);
        let done = store::retention::find(db, org, line.id).await.unwrap().unwrap();
        assert_eq!(done.outcome.as_deref(), Some("anonymised"));
        assert_eq!(done.archives_reference, None, "typed text goes with the anonymisation");
        assert_eq!(done.archives_step(), Some(domain::retention::ArchivesStep::Transferred), "what the archives did stays");

        // Nobody else; no package of an adult's line nor of a line already run.
        for path in [format!("/privacy/retention/public-archives?line={id}"), format!("/privacy/retention/public-archives/{id}/package.zip")] {
            assert_eq!(worker.get(&app, &path).await.status(), 404, "{path}");
        }
        assert_eq!(worker.post(&app, "/privacy/retention/public-archives", &[("line", &id)]).await.status(), 404);
        assert_eq!(dpo.get(&app, &format!("/privacy/retention/public-archives/{}/package.zip", adult_line.id)).await.status(), 404);
        assert_eq!(dpo.get(&app, &format!("/privacy/retention/public-archives/{id}/package.zip")).await.status(), 404);
    }

    async fn an_access_log_kept_beyond_a_year_needs_the_dpos_written_reason(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let settings = |months: &'static str, reason: &'static str, version: &'static str| {
            vec![("version", version), ("case_months", "24"), ("minor_months", "24"), ("audit_months", months), ("after_due", "anonymise"), ("grace_days", "30"), ("audit_reason", reason)]
        };
        let res = dpo.post(&app, "/privacy/retention/settings", &settings("24", "  ", "0")).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Au-delà de 12 mois, justifiez cette durée"), "{html}");
        assert!(html.contains("value=\"24\""), "the months typed are kept");
        let reason = "Contentieux prud'homal en cours : le journal sert de preuve";
        let res = dpo.post(&app, "/privacy/retention/settings", &settings("24", reason, "0")).await;
        assert_eq!(res.status(), 303);
        let form = dpo.page(&app, "/privacy/retention/settings").await;
        assert!(visible_text(&form).contains(reason), "the reason is shown with the settings");
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        assert_eq!(store::retention::audit_reason(db, org).await.unwrap().as_deref(), Some(reason));
        assert_eq!(store::retention::settings(db, org).await.unwrap().0.audit_months, 24);
        let sql = "SELECT reason FROM audit_events WHERE action = 'admin_action' ORDER BY occurred_at DESC, id DESC";
        let logged: Option<String> = match db {
            store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        }
        .unwrap();
        assert_eq!(logged.as_deref(), Some(reason), "the justification is in the audit log");
        // Back within a year: no reason needed; an emptied reason is emptied, not kept.
        let res = dpo.post(&app, "/privacy/retention/settings", &settings("12", "", "1")).await;
        assert_eq!(res.status(), 303);
        assert_eq!(store::retention::audit_reason(db, org).await.unwrap(), None);
    }

    async fn the_audit_page_says_what_the_access_logs_retention_removed(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, "ccas").await.unwrap().unwrap().id;
        let before = visible_text(&dpo.page(&app, "/admin/audit").await);
        assert!(!before.contains("ont été retirés"), "nothing purged yet: {before}");
        // Two years on, today's events are past the twelve months kept.
        let later = Ts::from(Ts::now().get() + time::Duration::days(730));
        let purge = store::audit::purge::purge_access_log(db, Some((org, "Europe/Paris")), later, false).await.unwrap();
        let store::audit::purge::Purge::Done(anchor) = purge else { panic!("{purge:?}") };
        assert!(anchor.purged > 0, "{anchor:?}");
        let page = visible_text(&dpo.page(&app, "/admin/audit").await);
        let day = store::ts::local_today(anchor.last_at.unwrap(), Some("Europe/Paris"));
        let expected = format!("Les événements jusqu'au {day} ont été retirés selon la durée de conservation du journal ({} événements)", anchor.purged);
        assert!(page.contains(&expected), "{expected} in {page}");
        let en = visible_text(&dpo.get_en(&app, "/admin/audit").await);
        assert!(en.contains(&format!("Events up to {day} were removed")), "{en}");
    }
}
