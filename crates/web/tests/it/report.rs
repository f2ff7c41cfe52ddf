//! The annual activity report on the web (issue 11 point 4, ADR 0039), on SQLite and
//! PostgreSQL: the page of a year with its figures as they go out (a count of 3 suppressed,
//! with its complement), the narrative saved, a stale save refused with both texts shown, a
//! text too long refused with what was typed kept, the PDF (read back with pdftotext), the
//! XLSX (read back with calamine) and the CSV with the same suppressed numbers and no name,
//! each download audited; managers only.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use domain::accounts::Role;
use domain::audit::AuditAction;
use testkit::engine_tests;

use crate::case_summary::pdf_text;
use crate::helpers::{Browser, TestApp, location, visible_text};
use crate::statistics::note;

const ORG: &str = "ccas-rapport";

async fn user(app: &TestApp, name: &str, role: Role, teams: &[(domain::TeamId, bool)]) -> Browser {
    crate::helpers::member(app, ORG, name, role, teams).await
}

/// Posts the narrative form of `year`: (section, version sent back, text) for each section
/// given; the others are sent empty at version 0, as a fresh form would.
async fn save(
    app: &TestApp,
    b: &Browser,
    year: &str,
    texts: &[(&str, i64, &str)],
) -> reqwest::Response {
    let mut fields: Vec<(String, String)> = vec![("year".into(), year.into())];
    for code in domain::annual_report::SECTIONS {
        let (version, text) =
            texts.iter().find(|(c, _, _)| *c == code).map_or((0, ""), |(_, v, t)| (*v, *t));
        fields.push((format!("body_{code}"), text.to_owned()));
        fields.push((format!("version_{code}"), version.to_string()));
    }
    let borrowed: Vec<(&str, &str)> =
        fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(app, "/statistics/report", &borrowed).await
}

async fn stored(app: &TestApp, year: i32) -> Vec<store::annual_report::Narrative> {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    store::annual_report::narratives(&app.state.db, org, year).await.unwrap()
}

async fn exports(app: &TestApp) -> Vec<store::audit::AuditEvent> {
    events(app, AuditAction::Export).await
}

async fn events(app: &TestApp, action: AuditAction) -> Vec<store::audit::AuditEvent> {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        action: Some(action),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 20).await.unwrap().events
}

engine_tests! {
    async fn the_annual_report_goes_out_suppressed_with_its_narrative(db) {
        let app = TestApp::spawn(db).await;
        let team = crate::helpers::team_of(&app, ORG, "Accueil").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let other_manager = user(&app, "Octave", Role::Manager, &[]).await;
        let alice = user(&app, "Alice", Role::Worker, &[(team, false)]).await;
        let sylvie = user(&app, "Sylvie", Role::Supervisor, &[(team, true)]).await;
        let reception = user(&app, "Rose", Role::Reception, &[]).await;
        let durand = crate::helpers::open_case_for(&app, &alice, team, "Durand").await;
        let martin = crate::helpers::open_case_for(&app, &alice, team, "Martin").await;
        // 3 calls in January (one on New Year's night, local time), 6 home visits in March,
        // 7 e-mails in May: the 3 is suppressed, and so is the 6 (else 16 - 7 - 6 gives it).
        for (i, time) in ["00:30", "10:00", "11:00"].into_iter().enumerate() {
            note(&app, &alice, &durand, "phone", &format!("2026-01-0{}", i + 1), time, "10").await;
        }
        // The first at 00:30 on 1 March in Paris, still February in UTC: counted in March.
        for day in 1..=6 {
            let time = if day == 1 { "00:30" } else { "14:00" };
            note(&app, &alice, &martin, "home_visit", &format!("2026-03-0{day}"), time, "60").await;
        }
        for day in 1..=7 {
            note(&app, &alice, &martin, "email", &format!("2026-05-0{day}"), "09:00", "5").await;
        }
        // A note of the previous year is not in it.
        note(&app, &alice, &durand, "phone", "2025-12-31", "23:30", "10").await;

        // The page: the figures as they go out.
        let html = manager.page(&app, "/statistics/report?year=2026").await;
        let text = visible_text(&html);
        assert!(text.contains("Rapport d'activité annuel"), "{text}");
        assert!(text.contains("Téléphone masqué") && text.contains("Visite à domicile masqué"), "{text}");
        assert!(text.contains("Total des contacts 16"), "{text}");
        assert!(text.contains("Janvier masqué") && text.contains("Mars masqué") && text.contains("Mai 7"), "{text}");
        assert!(text.contains("Février 0"), "zeros are published: {text}");
        assert!(html.contains(r#"aria-labelledby="report-months-chart-title report-months-chart-desc""#));
        assert!(html.contains(r#"aria-labelledby="report-contacts-chart-title report-contacts-chart-desc""#));
        assert!(html.contains(r#"href="/statistics/report.pdf?year=2026""#));
        assert!(!text.to_uppercase().contains("DURAND") && !text.contains("Alice"), "no name: {text}");
        // The dashboard leads managers here, and no one else.
        assert!(manager.page(&app, "/statistics").await.contains(r#"href="/statistics/report""#));
        assert!(!alice.page(&app, "/statistics").await.contains(r#"href="/statistics/report""#));

        // A narrative saved, escaped on the page.
        let intro = "Une année <b>dense</b> & riche.\n\nDeuxième paragraphe.";
        let res = save(&app, &manager, "2026", &[("introduction", 0, intro), ("outlook", 0, "Ouvrir le samedi.")]).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        assert_eq!(location(&res), "/statistics/report?year=2026&notice=saved#narrative");
        let html = manager.page(&app, "/statistics/report?year=2026&notice=saved").await;
        assert!(html.contains("Une année &#60;b&#62;dense&#60;/b&#62; &#38; riche.") || html.contains("Une année &lt;b&gt;dense&lt;/b&gt; &amp; riche."), "{html}");
        assert!(visible_text(&html).contains("Les textes sont enregistrés."));
        let now = stored(&app, 2026).await;
        assert_eq!(now.len(), 2, "empty sections are not stored: {now:?}");
        assert!(now.iter().all(|n| n.version == 1));
        // Another year has its own texts.
        assert!(stored(&app, 2025).await.is_empty());
        // The save is audited: which year and sections, never the words.
        let saved = events(&app, AuditAction::RecordUpdated).await;
        assert_eq!(saved.len(), 1, "{saved:?}");
        let details = format!("{:?}", saved[0].details);
        assert!(details.contains("2026") && details.contains("introduction,outlook"), "{details}");
        assert!(!details.contains("dense"), "no words of the narrative in the log: {details}");

        // A colleague saves the introduction meanwhile; the first manager's save, from the
        // form of version 1, is refused with both texts, nothing written.
        let res = save(&app, &other_manager, "2026", &[("introduction", 1, "Le texte d'Octave."), ("outlook", 1, "Ouvrir le samedi.")]).await;
        assert_eq!(res.status(), 303);
        let res = save(&app, &manager, "2026", &[("introduction", 1, "Le texte de Manon."), ("outlook", 1, "Ouvrir aussi le dimanche.")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Quelqu'un a enregistré ces textes entre-temps"), "{text}");
        assert!(text.contains("Le texte d'Octave.") && text.contains("Le texte de Manon."), "both texts: {text}");
        assert!(text.contains("Ouvrir aussi le dimanche."), "every typed text is kept: {text}");
        assert!(html.contains(r#"name="version_introduction" value="2""#), "the form now carries their version");
        let now = stored(&app, 2026).await;
        assert!(now.iter().any(|n| n.section == "introduction" && n.body == "Le texte d'Octave." && n.version == 2), "{now:?}");
        assert!(now.iter().any(|n| n.section == "outlook" && n.body == "Ouvrir le samedi."), "nothing written: {now:?}");
        // Saving again from that form keeps the typed text, knowingly.
        let res = save(&app, &manager, "2026", &[("introduction", 2, "Le texte de Manon."), ("outlook", 1, "Ouvrir aussi le dimanche.")]).await;
        assert_eq!(res.status(), 303);
        let now = stored(&app, 2026).await;
        assert!(now.iter().any(|n| n.section == "introduction" && n.body == "Le texte de Manon." && n.version == 3), "{now:?}");

        // Too long: 422, the typed text kept, nothing written.
        let long = format!("Début unique {}", "x".repeat(domain::annual_report::NARRATIVE_MAX_CHARS));
        let res = save(&app, &manager, "2026", &[("introduction", 3, "Le texte de Manon."), ("highlights", 0, &long)]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("ne peut pas dépasser 20000 caractères"), "{}", visible_text(&html));
        assert!(html.contains("Début unique xxxx") && html.contains(r#"aria-invalid="true""#));
        assert!(!stored(&app, 2026).await.iter().any(|n| n.section == "highlights"));
        // A wrong year on the page: named, kept, 422.
        let res = manager.get(&app, "/statistics/report?year=20x6").await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"value="20x6""#) && visible_text(&html).contains("Indiquez l'année en quatre chiffres"));
        assert_eq!(manager.get(&app, "/statistics/report?year=2099").await.status(), 422);

        // The PDF: the cover, the narrative, the figures suppressed, no name.
        let res = manager.get(&app, "/statistics/report.pdf?year=2026").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.headers()["content-disposition"].to_str().unwrap().contains("rapport-activite-2026.pdf"));
        let pdf = res.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // To look at it: PASSERELLE_KEEP_PDF=/some/folder keeps a copy (as the documents tests).
        if let Some(dir) = std::env::var_os("PASSERELLE_KEEP_PDF") {
            std::fs::write(std::path::Path::new(&dir).join("annual-report-fr.pdf"), &pdf).unwrap();
        }
        let text = pdf_text(&pdf);
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(folded.contains("Rapport d'activité annuel") || folded.contains("RAPPORT D'ACTIVITÉ ANNUEL"), "{folded}");
        assert!(folded.contains("Le texte de Manon.") && folded.contains("Ouvrir aussi le dimanche."), "{folded}");
        assert!(folded.contains("Contacts par mois") && folded.contains("masqué"), "{folded}");
        assert!(folded.contains("Total des contacts 16"), "{folded}");
        assert!(!folded.to_uppercase().contains("DURAND") && !folded.contains("Alice"), "no name: {folded}");
        // The statutory tables of the organisation's definitions, suppressed too.
        assert!(folded.contains("Tableaux réglementaires") && folded.contains("Personnes suivies par tranche d'âge"), "{folded}");

        // The CSV: the same numbers.
        let res = manager.get(&app, "/statistics/report.csv?year=2026").await;
        assert_eq!(res.status(), 200);
        let csv = res.text().await.unwrap();
        assert!(csv.contains("Téléphone,masqué") && csv.contains("Visite à domicile,masqué"), "{csv}");
        assert!(csv.contains("Total des contacts,16") && csv.contains("Janvier,masqué") && csv.contains("Mai,7"), "{csv}");
        assert!(!csv.to_uppercase().contains("DURAND") && !csv.contains("Alice"), "{csv}");
        assert!(csv.contains("Personnes suivies par tranche d'âge,") && csv.contains("Personnes suivies par type de ménage,"), "{csv}");

        // The XLSX, read back: the figures' sheet and the narrative's.
        let res = manager.get(&app, "/statistics/report.xlsx?year=2026").await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("the XLSX opens");
        let names = book.sheet_names();
        assert_eq!(names.len(), 2, "{names:?}");
        let figures = book.worksheet_range(&names[0]).unwrap();
        let rows: Vec<Vec<String>> = figures.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let cell = |item: &str| rows.iter().find(|r| r.len() >= 3 && r[1] == item).map(|r| r[2].clone());
        assert_eq!(cell("Téléphone").as_deref(), Some("masqué"), "a count of 3: {rows:?}");
        assert_eq!(cell("Janvier").as_deref(), Some("masqué"));
        assert_eq!(cell("Mai").as_deref(), Some("7"));
        assert_eq!(cell("Total des contacts").as_deref(), Some("16"));
        let narrative = book.worksheet_range(&names[1]).unwrap();
        let rows: Vec<Vec<String>> = narrative.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert!(rows.iter().any(|r| r == &["Introduction".to_owned(), "Le texte de Manon.".to_owned()]), "{rows:?}");

        // Each download is logged.
        let events = exports(&app).await;
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(events.iter().all(|e| e.details.as_deref().is_some_and(|d| d.contains("annual_report"))));

        // Managers only: the others find nothing.
        for b in [&alice, &sylvie, &reception] {
            for path in ["/statistics/report?year=2026", "/statistics/report.pdf?year=2026", "/statistics/report.xlsx?year=2026", "/statistics/report.csv?year=2026"] {
                assert_eq!(b.get(&app, path).await.status(), 404, "{path}");
            }
            assert_eq!(save(&app, b, "2026", &[("introduction", 3, "Intrus")]).await.status(), 404);
        }
        assert_eq!(exports(&app).await.len(), 3);

        // In English.
        let text = visible_text(&manager.get_en(&app, "/statistics/report?year=2026").await);
        assert!(text.contains("Annual activity report") && text.contains("Phone suppressed"), "{text}");
        let res = manager.client.get(app.url("/statistics/report.pdf?year=2026")).header("accept-language", "en").send().await.unwrap();
        let pdf = res.bytes().await.unwrap();
        if let Some(dir) = std::env::var_os("PASSERELLE_KEEP_PDF") {
            std::fs::write(std::path::Path::new(&dir).join("annual-report-en.pdf"), &pdf).unwrap();
        }
        let folded = pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(folded.contains("Contacts per month") && folded.contains("suppressed"), "{folded}");
    }
}
