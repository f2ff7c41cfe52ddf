//! Data-subject requests and the subject access export (issue 12 point 4; ADR 0035), on SQLite
//! and PostgreSQL: the DPO logs a request for a person found by name, sees its deadline and
//! the overdue ones, extends and answers it; the export (JSON and files in a zip, and a PDF
//! read back with pdftotext) holds every tagged field of the person and none of a household
//! member's canaries; what may name third parties is listed for review, and the release, every
//! export and every read are recorded; nobody else reaches any of it.

use std::io::Read;

use domain::accounts::Role;
use domain::persons::{PersonRecord, Resource};
use domain::subject_access::exported_columns;
use domain::{OrganisationId, PersonId};
use store::Ts;
use testkit::engine_tests;
use time::macros::date;

use crate::helpers::{Browser, TestApp, location, member, visible_text};

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id
}

/// Every field of the record filled with a value found nowhere else (`prefix` + the field).
fn record(prefix: &str) -> PersonRecord {
    let v = |f: &str| Some(format!("{prefix}{f}"));
    PersonRecord {
        birth_name: v("Birthname"),
        used_name: v("Usedname"),
        first_names: v("Firstnames"),
        birth_date: Some(if prefix == "Zq" {
            date!(1981 - 03 - 17)
        } else {
            date!(2012 - 07 - 29)
        }),
        birth_place: v("Birthplace"),
        sex: v("Sex"),
        nationality: v("Nationality"),
        residence_status: v("Residence"),
        languages: v("Languages"),
        interpreter_needed: true,
        phones: vec![if prefix == "Zq" { "0611223344".into() } else { "0799887766".into() }],
        email: Some(format!("{}mail@canary.example", prefix.to_lowercase())),
        address_line1: v("Addressone"),
        address_line2: v("Addresstwo"),
        postcode: v("Postcode"),
        town: v("Town"),
        country: v("Country"),
        benefit_office_number: v("Benefit"),
        employment_service_id: v("Employment"),
        housing_situation: v("Housing"),
        family_situation: v("Family"),
        resources: vec![Resource {
            code: format!("{prefix}Resource"),
            amount_cents: Some(if prefix == "Zq" { 51_234 } else { 9_876_543 }),
        }],
        protection_measure: v("Protection"),
        protector_name: v("Protector"),
        protector_contact: v("Protectorcontact"),
        protection_start: Some(if prefix == "Zq" {
            date!(2020 - 02 - 11)
        } else {
            date!(2019 - 05 - 23)
        }),
        protection_review: Some(if prefix == "Zq" {
            date!(2027 - 02 - 11)
        } else {
            date!(2028 - 05 - 23)
        }),
        own_words: v("Ownwords"),
    }
}

/// The person (every field `Zq…`) and a member of their household (every field `Xmem…`).
async fn household(app: &TestApp, org: OrganisationId) -> (PersonId, PersonId) {
    let (p, m) = (PersonId::new(), PersonId::new());
    let db = &app.state.db;
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, p, &record("Zq"), None, Ts::now()).await.unwrap();
    store::persons::insert(&mut tx, org, m, &record("Xmem"), None, Ts::now()).await.unwrap();
    let h = store::households::create(&mut tx, org, p, None, None, Ts::now()).await.unwrap();
    store::households::add_member(&mut tx, h, m, "minor_child", None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (p, m)
}

/// A document of the person, its file in the app's store.
async fn document(
    app: &TestApp,
    org: OrganisationId,
    person: PersonId,
    by: &Browser,
) -> uuid::Uuid {
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = app.state.config.files.store.create(&object).await.unwrap();
    let content = b"%PDF-1.4\n% zqdocumentcontent\n%%EOF\n";
    upload.write(content).await.unwrap();
    upload.finish().await.unwrap();
    let id = uuid::Uuid::now_v7();
    let by: uuid::Uuid = by.id.parse().unwrap();
    let new = store::documents::NewDocument {
        id,
        organisation_id: org,
        person_id: person,
        case_id: None,
        type_code: "tax_notice",
        file_name: "zq-avis.pdf",
        file_type: "pdf",
        size_bytes: content.len() as i64,
        object_name: &object,
        key_id: app.state.config.files.store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: domain::UserId::from_uuid(by),
    };
    let mut tx = app.state.db.begin_write().await.unwrap();
    store::documents::insert(&mut tx, &new, "Avis", Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("passerelle-sar-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    fold(&String::from_utf8(out.stdout).unwrap().replace(['\u{202f}', '\u{a0}'], " "))
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Logs an access request for the person named `name`: found, then chosen.
async fn log_request(
    app: &TestApp,
    dpo: &Browser,
    name: &str,
    person: PersonId,
    received: &str,
) -> String {
    let form = [("person_query", name), ("kind", "access"), ("received_on", received)];
    let res = dpo.post(app, "/privacy/requests", &form).await;
    assert_eq!(res.status(), 422, "the person is chosen first");
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("value=\"{person}\"")), "the person is offered");
    let id = person.to_string();
    let form = [
        ("person_query", name),
        ("kind", "access"),
        ("received_on", received),
        ("person_id", id.as_str()),
    ];
    let res = dpo.post(app, "/privacy/requests", &form).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.ends_with("?done=created"), "{to}");
    to.trim_start_matches("/privacy/requests/").trim_end_matches("?done=created").to_owned()
}

engine_tests! {
    async fn the_export_holds_every_field_of_the_person_and_nothing_of_the_household_member(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (person, _member) = household(&app, org).await;
        let doc = document(&app, org, person, &dpo).await;
        let id = log_request(&app, &dpo, "ZqUsedname", person, "2026-11-02").await;

        // The zip: export.json and the document's file.
        let res = dpo.get(&app, &format!("/privacy/requests/{id}/export.zip")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/zip");
        let bytes = res.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut text = String::new();
        zip.by_name("export.json").unwrap().read_to_string(&mut text).unwrap();
        let mut file = Vec::new();
        zip.by_name(&format!("documents/{doc}-zq-avis.pdf")).unwrap().read_to_end(&mut file).unwrap();
        assert_eq!(file, b"%PDF-1.4\n% zqdocumentcontent\n%%EOF\n");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["released"], false);
        assert_eq!(json["households"][0]["members"], 2);
        assert_eq!(json["households"][0]["others_relationships"][0], "minor_child");

        // The PDF.
        let res = dpo.get(&app, &format!("/privacy/requests/{id}/export.pdf")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = pdf_text(&res.bytes().await.unwrap());
        assert!(pdf.contains("PROJET À RELIRE"), "a draft until released");
        assert!(pdf.contains("Votre fiche") && pdf.contains("Qui a consulté votre dossier"), "{pdf}");

        // 100 % of the person's tagged fields, in both: every column of the record about the
        // person (from the inventory) is filled and found.
        let persons = domain::inventory::tables().find(|t| t.name == "persons").unwrap();
        let row = &json["data"]["persons"][0];
        for (column, _) in exported_columns(persons) {
            let value = row[column].as_str().unwrap_or_else(|| panic!("persons.{column} is empty in the export"));
            assert!(pdf.contains(&fold(value)), "persons.{column} = {value:?} not in the PDF");
        }
        let resource = &json["data"]["person_resources"][0];
        assert_eq!((resource["code"].as_str(), resource["amount_cents"].as_str()), (Some("ZqResource"), Some("51234")));
        assert!(pdf.contains("ZqResource") && pdf.contains("51234"));
        for canary in ["ZqBirthname", "ZqOwnwords", "ZqProtector", "0611223344", "zqmail@canary.example", "1981-03-17"] {
            assert!(text.contains(canary) && pdf.contains(canary), "{canary}");
        }
        assert!(pdf.contains(&format!("documents/{doc}-zq-avis.pdf")));

        // 0 of the member's canaries, anywhere.
        for (what, content) in [("json", text.to_lowercase()), ("pdf", pdf.to_lowercase())] {
            for canary in ["xmem", "0799887766", "2012-07-29", "9876543", "2019-05-23", "2028-05-23"] {
                assert!(!content.contains(canary), "{canary} of the member in the {what}");
            }
        }

        // Both exports are logged on the request and in the audit log.
        let page = dpo.page(&app, &format!("/privacy/requests/{id}")).await;
        let text = visible_text(&page);
        assert!(text.contains("JSON") && text.contains("PDF") && text.contains("Delphine"), "{text}");
        let events = store::audit::search(&app.state.db, &{
            let mut f = store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org));
            f.subject_id = Some(person.as_uuid());
            f.action = Some(domain::audit::AuditAction::Export);
            f
        }, None, 50).await.unwrap().events;
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.details.as_deref().unwrap().contains(&id)));
    }

    async fn notes_naming_a_household_member_are_listed_for_review_before_release(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (person, _) = household(&app, org).await;
        // The person's own words name the member (a free text): flagged, with the name.
        let sql = "UPDATE persons SET own_words = $1, protector_name = NULL WHERE id = $2";
        let words = "Je vis avec XmemFirstnames, mon fils";
        match &app.state.db {
            store::Db::Sqlite(p) => sqlx::query(sql).bind(words).bind(person.as_uuid()).execute(p).await.map(drop),
            store::Db::Postgres(p) => sqlx::query(sql).bind(words).bind(person.as_uuid()).execute(p).await.map(drop),
        }
        .unwrap();
        let id = log_request(&app, &dpo, "ZqUsedname", person, "2026-11-02").await;
        let page = dpo.page(&app, &format!("/privacy/requests/{id}")).await;
        assert!(page.contains("data-review=\"own_words\""), "{page}");
        assert!(visible_text(&page).contains("Nomme xmemfirstnames"));
        assert!(!page.contains("data-review=\"protector_name\""), "an empty third-party field is no concern");
        assert!(visible_text(&page).contains("Pas encore remis"));

        // Released only once the DPO confirms the review; then the exports say so.
        let version = page.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let path = format!("/privacy/requests/{id}/release");
        let res = dpo.post(&app, &path, &[("version", &version)]).await;
        assert_eq!(res.status(), 422);
        let res = dpo.post(&app, &path, &[("version", &version), ("reviewed", "yes")]).await;
        assert_eq!(location(&res), format!("/privacy/requests/{id}?done=released"));
        let page = visible_text(&dpo.page(&app, &format!("/privacy/requests/{id}?done=released")).await);
        assert!(page.contains("Remis le") && page.contains("par Delphine"), "{page}");
        let res = dpo.get(&app, &format!("/privacy/requests/{id}/export.zip")).await;
        let bytes = res.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut text = String::new();
        zip.by_name("export.json").unwrap().read_to_string(&mut text).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["released"], true);
        assert_eq!(json["to_review"][0]["column"], "own_words");
        let pdf = pdf_text(&dpo.get(&app, &format!("/privacy/requests/{id}/export.pdf")).await.bytes().await.unwrap());
        assert!(!pdf.contains("PROJET") && pdf.contains("pour la seule personne concernée"));
    }

    async fn requests_show_their_deadline_overdue_ones_stand_out_and_an_extension_needs_a_reason(db) {
        let app = TestApp::spawn(db).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[]).await;
        let reception = member(&app, "ccas", "Rachid", Role::Reception, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (person, _) = household(&app, org).await;

        // Nothing found: said, and nothing logged.
        let res = manager.post(&app, "/privacy/requests", &[("person_query", "Personne inconnue"), ("kind", "access"), ("received_on", "2026-11-02")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Aucune personne ne correspond"));

        let old = log_request(&app, &manager, "ZqBirthname", person, "2026-01-05").await;
        let page = manager.page(&app, "/privacy/requests").await;
        let text = visible_text(&page);
        assert!(text.contains("Une demande ouverte a dépassé son délai."), "{text}");
        assert!(text.contains("05/02/2026") && text.contains("En retard"), "{text}");
        assert!(page.contains("href=\"/privacy/requests\""), "in the menu");
        let en = visible_text(&manager.get_en(&app, "/privacy/requests").await);
        assert!(en.contains("Requests from persons about their data") && en.contains("Overdue"), "{en}");

        // Extended once, with its reason.
        let show = manager.page(&app, &format!("/privacy/requests/{old}")).await;
        let version = show.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let path = format!("/privacy/requests/{old}/extend");
        let res = manager.post(&app, &path, &[("version", &version), ("reason", "  ")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Indiquez le motif de la prolongation."));
        let res = manager.post(&app, &path, &[("version", &version), ("reason", "Dossier très volumineux")]).await;
        assert_eq!(location(&res), format!("/privacy/requests/{old}?done=extended"));
        let show = visible_text(&manager.page(&app, &format!("/privacy/requests/{old}")).await);
        assert!(show.contains("05/04/2026") && show.contains("Dossier très volumineux"), "{show}");

        // A refusal needs its reason; then the request is answered and no longer overdue.
        let show = manager.page(&app, &format!("/privacy/requests/{old}")).await;
        let version = show.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let path = format!("/privacy/requests/{old}/answer");
        let res = manager.post(&app, &path, &[("version", &version), ("outcome", "refused"), ("answered_on", "2026-11-20"), ("note", "")]).await;
        assert_eq!(res.status(), 422);
        let res = manager.post(&app, &path, &[("version", &version), ("outcome", "answered"), ("answered_on", "2026-11-20"), ("note", "Export remis en main propre")]).await;
        assert_eq!(location(&res), format!("/privacy/requests/{old}?done=answered"));
        let text = visible_text(&manager.page(&app, "/privacy/requests").await);
        assert!(!text.contains("En retard") && text.contains("Répondue"), "{text}");

        // Nobody else: workers and reception get "not found", for the list and the exports.
        for who in [&worker, &reception] {
            for path in ["/privacy/requests".to_owned(), format!("/privacy/requests/{old}"), format!("/privacy/requests/{old}/export.zip"), format!("/privacy/requests/{old}/export.pdf")] {
                assert_eq!(who.get(&app, &path).await.status(), 404, "{path}");
            }
        }
    }

    async fn the_api_gives_the_export_to_a_token_of_its_scope_only(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let org = org_id(&app, "ccas").await;
        let (person, _) = household(&app, org).await;
        let id = log_request(&app, &dpo, "ZqUsedname", person, "2026-11-02").await;
        let user = domain::UserId::from_uuid(dpo.id.parse().unwrap());
        let expires = Ts::from(time::OffsetDateTime::now_utc() + time::Duration::days(30));
        let path = format!("/api/v1/privacy/requests/{id}/export");
        let (_, narrow) = app.api_token(user, "ccas", "persons:read", expires).await;
        assert_eq!(app.bearer(reqwest::Method::GET, &path, &narrow).await.status(), 403);
        let (_, token) = app.api_token(user, "ccas", "privacy:export", expires).await;
        let res = app.bearer(reqwest::Method::GET, &path, &token).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["format"], "passerelle-subject-access/1");
        assert_eq!(json["data"]["persons"][0]["birth_name"], "ZqBirthname");
        assert_eq!(json["households"][0]["members"], 2);
        assert!(!text.to_lowercase().contains("xmem"));
        let missing = format!("/api/v1/privacy/requests/{}/export", uuid::Uuid::now_v7());
        assert_eq!(app.bearer(reqwest::Method::GET, &missing, &token).await.status(), 404);
        // Logged on the request like a download.
        let made = store::subject_access::exports_of(&app.state.db, org, id.parse().unwrap()).await.unwrap();
        assert_eq!(made.iter().map(|x| x.format.as_str()).collect::<Vec<_>>(), ["json"]);
        // Documented, with its scope.
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let op = &doc["paths"]["/api/v1/privacy/requests/{request_id}/export"]["get"];
        assert!(op["security"].as_array().unwrap().contains(&serde_json::json!({ "bearer": ["privacy:export"] })));
    }

    async fn every_exported_table_has_a_title_in_both_languages(db) {
        let app = TestApp::spawn(db).await;
        let fr = web::i18n::Tr::new(app.state.i18n.clone(), web::i18n::Locale::Fr);
        let en = web::i18n::Tr::new(app.state.i18n.clone(), web::i18n::Locale::En);
        for (table, plan) in domain::subject_access::PLAN.iter() {
            if let domain::subject_access::Plan::Export(_) = plan {
                let key = format!("subject-table-{}", table.replace('_', "-"));
                for t in [&fr, &en] {
                    assert_ne!(t.msg(&key), key, "{key} in {:?}", t.locale());
                }
            }
        }
    }
}
