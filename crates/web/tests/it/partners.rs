//! The partner directory on the web — on SQLite and PostgreSQL: who reads and who edits it,
//! private notes seen by their organisation only, the anti-forgery check, conflicts that keep
//! what was typed, the search, and imports: an HSDS datapackage of 200 services imported,
//! exported and imported again without a change; data·inclusion and spreadsheet files with
//! their per-row problems in the user's language.

use std::collections::BTreeMap;

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::partners::{
    PartnerDraft, ServiceDraft, default_domains, hsds, tables_from_csv_files, tables_from_json,
    tables_to_json, validate_partner, validate_service,
};
use store::audit::{AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-annuaire";
const OTHER_ORG: &str = "asso-voisine";

struct Browser {
    client: reqwest::Client,
    csrf: String,
}

impl Browser {
    async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client.post(app.url(path)).form(&form).send().await.unwrap()
    }

    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client.get(app.url(path)).send().await.unwrap()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let res = self.get(app, path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    async fn upload(&self, app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, String) {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", self.csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
        let res =
            self.client.post(app.url("/partners/import")).multipart(form).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

async fn browser(app: &TestApp, email: &str, org: Option<(&str, Role)>) -> Browser {
    app.create_user(email, PASSWORD, org).await;
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, email, PASSWORD).await.status(), 303);
    // Pages in English unless a test switches (French is the default).
    client.get(app.url("/language/en")).send().await.unwrap();
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    Browser { csrf: csrf_in(&html).unwrap(), client }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// The partner id of a `/partners/{id}…` address.
fn partner_of(location: &str) -> String {
    location.trim_start_matches("/partners/").split(['?', '/', '#']).next().unwrap().to_owned()
}

fn attribute(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}")) + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn add_partner(app: &TestApp, manager: &Browser, name: &str) -> String {
    let res = manager
        .post(
            app,
            "/partners/new",
            &[
                ("name", name),
                ("kind", "association"),
                ("city", "Valbourg"),
                ("postal_code", "99100"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    partner_of(&location(&res))
}

async fn audit_count(app: &TestApp, slug: &str, action: AuditAction) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id;
    let filter =
        AuditFilter { action: Some(action), ..AuditFilter::new(AuditScope::Organisation(org)) };
    store::audit::search(&app.state.db, &filter, None, 200).await.unwrap().events.len()
}

/// A sample directory: `partners` partners with `per` services each, every field filled.
fn sample(partners: usize, per: usize) -> Vec<hsds::ExportPartner> {
    let domains = default_domains();
    (0..partners)
        .map(|i| hsds::ExportPartner {
            id: format!("org-{i:03}"),
            fields: validate_partner(&PartnerDraft {
                name: format!("Partenaire n°{i} « Les Tilleuls »"),
                kind: ["ccas", "association", "gp", "mission_locale", "other"][i % 5].into(),
                description: format!(
                    "Structure {i}\nAccueil & orientation <b>sans</b> rendez-vous"
                ),
                website: format!("https://p{i}.example/accueil"),
                phone: format!("01 23 45 {:02} {:02}", i % 100, (i * 7) % 100),
                email: format!("contact{i}@p.example"),
                address: format!("{i} rue de l'Église"),
                postal_code: format!("99{:03}", i),
                city: if i.is_multiple_of(2) {
                    "Valbourg".into()
                } else {
                    "Montclair-sur-Loue".into()
                },
            })
            .unwrap(),
            services: (0..per)
                .map(|j| {
                    let n = i * per + j;
                    let fields = validate_service(
                        &ServiceDraft {
                            name: format!("Service {n:03} — permanence"),
                            description: format!("Aide n°{n}, \"ligne\" deux\nsuite"),
                            eligibility: "Adultes; familles".into(),
                            area_served: format!("Valbourg; 99{:03}", n % 50),
                            address: format!("{n} avenue des Lilas"),
                            postal_code: "99100".into(),
                            city: "Valbourg".into(),
                            phone: format!("06 00 00 {:02} {:02}", n % 100, n / 100),
                            email: format!("service{n}@p.example"),
                            website: format!("https://p{i}.example/s/{n}"),
                            hours: "Lundi 9h-12h\nJeudi 14h-17h".into(),
                            languages: if n.is_multiple_of(3) {
                                "français; arabe".into()
                            } else {
                                "français".into()
                            },
                            contacts: format!("Mme A{n}\nM. B{n}"),
                            how_to_refer: "Fiche de liaison, par courriel".into(),
                            domains: vec![
                                domains[n % domains.len()].clone(),
                                domains[(n + 3) % domains.len()].clone(),
                            ],
                        },
                        &domains,
                    )
                    .unwrap();
                    (format!("svc-{n:03}"), fields)
                })
                .collect(),
        })
        .collect()
}

type Flat = BTreeMap<String, String>;

/// Every field of every entry of a parsed file, by key, for comparison.
fn flatten(parsed: &domain::partners::Parsed) -> Flat {
    let mut out = Flat::new();
    for p in &parsed.partners {
        out.insert(p.source_key.clone(), format!("{:?}", p.fields));
    }
    for s in &parsed.services {
        out.insert(s.source_key.clone(), format!("{} {:?}", s.partner_key, s.fields));
    }
    out
}

engine_tests! {
    async fn a_worker_reads_the_directory_and_a_manager_edits_it(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let worker = browser(&app, "worker@annuaire.example", Some((ORG, Role::Worker))).await;
        let dpo = browser(&app, "dpo@annuaire.example", Some((ORG, Role::Dpo))).await;
        let admin = browser(&app, "admin@annuaire.example", None).await;

        let id = add_partner(&app, &manager, "Épicerie <solidaire>").await;
        let res = manager.post(&app, &format!("/partners/{id}/services/new"), &[
            ("name", "Colis alimentaires"), ("description", "Le mardi"), ("area_served", "Valbourg"),
            ("domains", "food"), ("domains", "budget"),
        ]).await;
        assert_eq!(res.status(), 303);

        // Everyone who works with persons reads it; the name is escaped.
        let page = worker.page(&app, &format!("/partners/{id}")).await;
        assert!(page.contains("Épicerie &lt;solidaire&gt;") || page.contains("Épicerie &#60;solidaire&#62;"), "{page}");
        assert!(visible_text(&page).contains("Colis alimentaires"));
        assert!(!page.contains(&format!("/partners/{id}/edit")), "no edit link for a worker");
        let list = worker.page(&app, "/partners?q=colis&domain=food&area=valb").await;
        assert!(visible_text(&list).contains("Colis alimentaires"), "{}", visible_text(&list));
        let none = worker.page(&app, "/partners?domain=housing").await;
        assert!(!visible_text(&none).contains("Colis alimentaires"));
        // … but neither adds nor changes an entry.
        assert_eq!(worker.get(&app, "/partners/new").await.status(), 404);
        assert_eq!(worker.post(&app, "/partners/new", &[("name", "Intrus")]).await.status(), 404);
        assert_eq!(worker.post(&app, &format!("/partners/{id}/edit"), &[("name", "Intrus"), ("version", "1")]).await.status(), 404);
        assert_eq!(worker.get(&app, "/partners/import").await.status(), 404);
        assert_eq!(worker.get(&app, "/partners/export/hsds.json").await.status(), 404);
        // The DPO does no case work: no directory.
        assert_eq!(dpo.get(&app, "/partners").await.status(), 404);
        // An instance administrator keeps it too, and may link the entry to a hosted organisation.
        let org_id = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let res = admin.post(&app, &format!("/partners/{id}/edit"), &[
            ("name", "Épicerie solidaire"), ("kind", "association"), ("version", "1"),
            ("linked_organisation", &org_id.to_string()),
        ]).await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let page = worker.page(&app, &format!("/partners/{id}")).await;
        assert!(visible_text(&page).contains(&format!("This partner is {ORG}")), "{}", visible_text(&page));
        assert!(visible_text(&page).contains("Last changed by Test User"));
        // Each change is an audit event.
        assert_eq!(audit_count(&app, ORG, AuditAction::RecordCreated).await, 2);
        // The form refuses what it must, with the field named.
        let res = manager.post(&app, "/partners/new", &[("name", ""), ("email", "nope")]).await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Name : required") && text.contains("Email : not an email address"), "{text}");
    }

    async fn private_notes_are_seen_by_their_organisation_only(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let worker = browser(&app, "worker@annuaire.example", Some((ORG, Role::Worker))).await;
        let reception = browser(&app, "reception@annuaire.example", Some((ORG, Role::Reception))).await;
        let neighbour = browser(&app, "worker@voisine.example", Some((OTHER_ORG, Role::Worker))).await;
        let id = add_partner(&app, &manager, "Bailleur social du Lac").await;

        let res = worker.post(&app, &format!("/partners/{id}/notes"), &[("contacts", "M. Roux, 06 11 22 33 44"), ("notes", "Répond le matin"), ("version", "")]).await;
        assert_eq!(res.status(), 303);
        assert!(worker.page(&app, &format!("/partners/{id}")).await.contains("Répond le matin"));
        let reception_page = reception.page(&app, &format!("/partners/{id}")).await;
        assert!(reception_page.contains("Répond le matin"), "the organisation reads its notes");
        assert!(!reception_page.contains(&format!("action=\"/partners/{id}/notes\"")), "but reception does not write them");
        assert_eq!(reception.post(&app, &format!("/partners/{id}/notes"), &[("notes", "x"), ("version", "1")]).await.status(), 404);
        let other = neighbour.page(&app, &format!("/partners/{id}")).await;
        assert!(other.contains("Bailleur social du Lac"), "the directory is shared");
        assert!(!other.contains("Répond le matin") && !other.contains("06 11 22 33 44"), "another organisation's notes are not");
        // The neighbour writes its own, which A does not see.
        let res = neighbour.post(&app, &format!("/partners/{id}/notes"), &[("notes", "Notre contact : Léa"), ("version", "")]).await;
        assert_eq!(res.status(), 303);
        assert!(!worker.page(&app, &format!("/partners/{id}")).await.contains("Léa"));
    }

    async fn every_form_needs_the_anti_forgery_token(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let res = manager.client.post(app.url("/partners/new")).form(&[("name", "Sans jeton")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let forged = manager.client.post(app.url("/partners/new")).form(&[("csrf_token", "forged"), ("name", "Faux jeton")]).send().await.unwrap();
        assert_eq!(forged.status(), 403);
        let upload = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(b"partner_name\nX\n".to_vec()).file_name("a.csv"));
        let res = manager.client.post(app.url("/partners/import")).multipart(upload).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let list = manager.page(&app, "/partners").await;
        assert!(!list.contains("Sans jeton") && !list.contains("Faux jeton"));
    }

    async fn a_stale_form_meets_a_conflict_that_keeps_both_versions(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let colleague = browser(&app, "colleague@annuaire.example", Some((ORG, Role::Manager))).await;
        let id = add_partner(&app, &manager, "Centre de santé").await;
        let form = manager.page(&app, &format!("/partners/{id}/edit")).await;
        let version = attribute(&form, "name=\"version\" value=\"");
        assert_eq!(version, "1");
        let res = colleague.post(&app, &format!("/partners/{id}/edit"), &[("name", "Centre de santé"), ("kind", "health_centre"), ("phone", "01 99 99 99 99"), ("version", "1")]).await;
        assert_eq!(res.status(), 303);
        let res = manager.post(&app, &format!("/partners/{id}/edit"), &[("name", "Centre de santé"), ("kind", "gp"), ("description", "Ma longue description"), ("version", "1")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(html.contains("Ma longue description"), "the typing is kept");
        assert!(text.contains("01 99 99 99 99") && text.contains("Health centre"), "the colleague's version is shown: {text}");
        assert_eq!(attribute(&html, "name=\"version\" value=\""), "2", "saving again is a deliberate replacement");
        let stored = manager.page(&app, &format!("/partners/{id}")).await;
        assert!(!stored.contains("Ma longue description"));
        // Notes conflict the same way.
        let w = browser(&app, "w1@annuaire.example", Some((ORG, Role::Worker))).await;
        assert_eq!(w.post(&app, &format!("/partners/{id}/notes"), &[("notes", "Première"), ("version", "")]).await.status(), 303);
        let res = w.post(&app, &format!("/partners/{id}/notes"), &[("notes", "Seconde, en retard"), ("version", "")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(html.contains("Seconde, en retard") && html.contains("Première"));
    }

    async fn an_hsds_datapackage_of_200_services_round_trips_through_export(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let original = sample(40, 5);
        let json = tables_to_json(&hsds::to_tables(&original));
        let expected = flatten(&hsds::from_tables(&tables_from_json(&json).unwrap(), &default_domains()));
        assert_eq!(expected.len(), 240);

        let (status, preview) = manager.upload(&app, "datapackage.json", json.clone()).await;
        assert_eq!(status, 200, "{preview}");
        let text = visible_text(&preview);
        assert!(text.contains("HSDS JSON datapackage"), "{text}");
        assert!(!preview.contains("problems-caption"), "no problem: {text}");
        let upload_id = attribute(&preview, "name=\"upload_id\" value=\"");
        // Nothing is written before the confirmation.
        assert!(store::partners::all(&app.state.db).await.unwrap().is_empty());
        let res = manager.post(&app, "/partners/import/confirm", &[("upload_id", &upload_id), ("action", "import")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/partners/import?created=240&updated=0");
        let all = store::partners::all(&app.state.db).await.unwrap();
        assert_eq!((all.len(), all.iter().map(|(_, s)| s.len()).sum::<usize>()), (40, 200));
        assert_eq!(audit_count(&app, ORG, AuditAction::Import).await, 1);

        // The export holds the same entries under the same ids, field for field.
        let res = manager.get(&app, "/partners/export/hsds.json").await;
        assert_eq!(res.status(), 200);
        let exported = res.bytes().await.unwrap().to_vec();
        let back = flatten(&hsds::from_tables(&tables_from_json(&exported).unwrap(), &default_domains()));
        assert_eq!(back, expected);
        // So does the CSV datapackage.
        let res = manager.get(&app, "/partners/export/hsds-csv.zip").await;
        assert_eq!(res.status(), 200);
        let zipped = res.bytes().await.unwrap().to_vec();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped.clone())).unwrap();
        let mut files = Vec::new();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut content).unwrap();
            files.push((f.name().unwrap().into_owned(), content));
        }
        assert!(files.iter().any(|(n, _)| n == "datapackage.json") && files.iter().any(|(n, _)| n == "service.csv"));
        let back = flatten(&hsds::from_tables(&tables_from_csv_files(&files).unwrap(), &default_domains()));
        assert_eq!(back, expected);
        assert_eq!(audit_count(&app, ORG, AuditAction::Export).await, 2);

        // Importing the export (either form) changes nothing.
        for (name, bytes) in [("datapackage.json", exported), ("directory.zip", zipped)] {
            let (status, again) = manager.upload(&app, name, bytes).await;
            assert_eq!(status, 200);
            let text = visible_text(&again);
            assert!(text.contains("already holds everything in this file"), "{name}: {text}");
            assert!(!again.contains("value=\"import\""), "{name}: no import button");
        }
        let again = store::partners::all(&app.state.db).await.unwrap();
        assert_eq!(again.len(), 40);
        assert!(again.iter().all(|(p, s)| p.version == 1 && s.iter().all(|x| x.version == 1)));
    }

    async fn data_inclusion_and_spreadsheet_files_are_previewed_with_their_problems(db) {
        let app = TestApp::spawn(db).await;
        let manager = browser(&app, "manager@annuaire.example", Some((ORG, Role::Manager))).await;
        let di = serde_json::json!({
            "structures": [{"id": "s1", "source": "dora", "nom": "Mission locale du Val", "typologie": "ML", "commune": "Valbourg"}],
            "services": [
                {"id": "v1", "source": "dora", "structure_id": "s1", "nom": "Atelier CV",
                 "thematiques": ["preparer-sa-candidature", "astrologie"], "zone_diffusion_nom": "Valbourg"},
                {"id": "v2", "source": "dora", "structure_id": "s1", "nom": "Mauvais", "courriel": "pas-un-courriel"}
            ]
        });
        let (status, preview) = manager.upload(&app, "di.json", di.to_string().into_bytes()).await;
        assert_eq!(status, 200);
        let text = visible_text(&preview);
        assert!(text.contains("The theme “astrologie” matches none of your life domains"), "{text}");
        assert!(text.contains("services, row 2") && text.contains("Email : not an email address") && text.contains("Row left out"), "{text}");
        let upload_id = attribute(&preview, "name=\"upload_id\" value=\"");
        let res = manager.post(&app, "/partners/import/confirm", &[("upload_id", &upload_id), ("action", "import")]).await;
        assert_eq!(location(&res), "/partners/import?created=2&updated=0");
        let list = manager.page(&app, "/partners?domain=employment").await;
        assert!(visible_text(&list).contains("Atelier CV"));

        // The spreadsheet, in French for a French reader.
        let template = manager.get(&app, "/partners/import/template.csv").await.text().await.unwrap();
        assert!(template.starts_with("partner_id;partner_name;partner_type"));
        let mut cells = vec![""; domain::partners::spreadsheet::COLUMNS.len()];
        cells[1] = "Club";
        cells[2] = "bank";
        cells[11] = "Sport";
        cells[25] = "social_life";
        let csv = format!("{template}{}\n", cells.join(";"));
        let res = manager.client.get(app.url("/language/fr")).send().await.unwrap();
        assert!(res.status().is_redirection() || res.status().is_success());
        let (status, preview) = manager.upload(&app, "annuaire.csv", csv.into_bytes()).await;
        assert_eq!(status, 200);
        let text = visible_text(&preview);
        assert!(text.contains("Tableur (CSV)"), "{text}");
        assert!(text.contains("Le type « bank » est inconnu"), "{text}");
        // Cancelled: nothing written, the file forgotten.
        let upload_id = attribute(&preview, "name=\"upload_id\" value=\"");
        let res = manager.post(&app, "/partners/import/confirm", &[("upload_id", &upload_id), ("action", "cancel")]).await;
        assert_eq!(location(&res), "/partners/import?cancelled=1");
        let res = manager.post(&app, "/partners/import/confirm", &[("upload_id", &upload_id), ("action", "import")]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(store::partners::all(&app.state.db).await.unwrap().len(), 1);
        // A file that is none of the formats.
        let (status, page) = manager.upload(&app, "x.json", b"{\"hello\": 1}".to_vec()).await;
        assert_eq!(status, 422);
        assert!(visible_text(&page).contains("n'est pas un datapackage"), "{}", visible_text(&page));
    }
}
