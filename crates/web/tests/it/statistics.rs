//! The activity dashboard on the web (issue 11), on SQLite and PostgreSQL: figures made of the
//! work recorded through the pages (cases opened, notes with their durations, dated in the
//! organisation's time zone), each role reading its own scope (a team or a worker outside it
//! answers "not found", reception has no statistics), the drill-down naming the cases behind a
//! figure, a wrong period named with what was typed, and the page in English.

use domain::TeamId;
use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, visible_text};

const ORG: &str = "ccas-stats";

async fn user(app: &TestApp, name: &str, role: Role, teams: &[(TeamId, bool)]) -> Browser {
    crate::helpers::member(app, ORG, name, role, teams).await
}

/// A note of `minutes` on `case`, of `kind`, at a local date and time.
pub(crate) async fn note(
    app: &TestApp,
    b: &Browser,
    case: &str,
    kind: &str,
    date: &str,
    time: &str,
    minutes: &str,
) {
    let res = b
        .post(
            app,
            &format!("/cases/{case}/notes/new"),
            &[
                ("date", date),
                ("time", time),
                ("duration", minutes),
                ("note_type", kind),
                ("confidentiality", "normal"),
                ("body", "Point sur la situation"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
}

engine_tests! {
    async fn the_figures_come_from_the_work_and_each_role_reads_its_own_scope(db) {
        let app = TestApp::spawn(db).await;
        let insertion = crate::helpers::team_of(&app, ORG, "Insertion").await;
        let logement = crate::helpers::team_of(&app, ORG, "Logement").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let alice = user(&app, "Alice", Role::Worker, &[(insertion, false)]).await;
        let bruno = user(&app, "Bruno", Role::Worker, &[(logement, false)]).await;
        let sylvie = user(&app, "Sylvie", Role::Supervisor, &[(logement, true)]).await;
        let reception = user(&app, "Rose", Role::Reception, &[]).await;
        let durand = crate::helpers::open_case_for(&app, &alice, insertion, "Durand").await;
        let _martin = crate::helpers::open_case_for(&app, &alice, insertion, "Martin").await;
        let petit = crate::helpers::open_case_for(&app, &bruno, logement, "Petit").await;
        // New Year's night in Paris: 00:30 on 1 January is still 2025 in UTC, 23:30 on
        // 31 December is 2025 in both.
        note(&app, &alice, &durand, "phone", "2026-01-01", "00:30", "30").await;
        note(&app, &alice, &durand, "phone", "2025-12-31", "23:30", "15").await;
        note(&app, &bruno, &petit, "home_visit", "2026-03-01", "10:00", "60").await;

        let year = "from=2026-01-01&to=2026-12-31";
        let html = manager.page(&app, &format!("/statistics?{year}")).await;
        assert!(html.contains(r#"<a href="/statistics" aria-current="page">Statistiques</a>"#), "in the main menu, current");
        let text = visible_text(&html);
        assert!(text.contains("Toute la structure — du 01/01/2026 au 31/12/2026"), "{text}");
        assert!(text.contains("Personnes accompagnées 3"), "{text}");
        assert!(text.contains("Accompagnements ouverts 3"), "{text}");
        assert!(text.contains("Accompagnements clos 0"), "{text}");
        assert!(text.contains("Téléphone 1 30 min 1"), "{text}");
        assert!(text.contains("Visite à domicile 1 1 h 00 1"), "{text}");
        assert!(text.contains("Total des contacts 2 1 h 30"), "{text}");
        assert!(text.contains("Rendez-vous honorés rien à compter sur la période"), "an honest empty denominator: {text}");
        // Outcomes with honest denominators: nothing assessed twice yet, no goal yet.
        assert!(text.contains("Aucun domaine n'a encore été évalué deux fois"), "{text}");
        assert!(text.contains("Objectifs atteints sur la période 0 (objectifs des plans : 0)"), "{text}");
        assert!(text.contains("Bien-être aux points de suivi (sur 10) rien à compter sur la période"), "{text}");
        // The chart is described, its table beside it.
        assert!(html.contains(r#"role="img" aria-labelledby="contacts-chart-title contacts-chart-desc""#));

        // One day, in the organisation's zone: only the note of 00:30 on 1 January.
        let text = visible_text(&manager.page(&app, "/statistics?from=01/01/2026&to=01/01/2026").await);
        assert!(text.contains("Total des contacts 1 30 min"), "{text}");
        assert!(text.contains("Accompagnements ouverts 0"), "{text}");
        let text = visible_text(&manager.page(&app, "/statistics?from=2025-12-31&to=2025-12-31").await);
        assert!(text.contains("Total des contacts 1 15 min"), "{text}");

        // A team, a worker: parts of the organisation.
        let text = visible_text(&manager.page(&app, &format!("/statistics?{year}&team={insertion}")).await);
        assert!(text.contains("Équipe Insertion") && text.contains("Accompagnements ouverts 2"), "{text}");
        let text = visible_text(&manager.page(&app, &format!("/statistics?{year}&worker={}", bruno.id)).await);
        assert!(text.contains("Portefeuille de Bruno") && text.contains("Accompagnements ouverts 1"), "{text}");

        // A worker reads their caseload only, with no choice of team or worker.
        let html = alice.page(&app, &format!("/statistics?{year}")).await;
        let text = visible_text(&html);
        assert!(text.contains("Mon portefeuille") && text.contains("Accompagnements ouverts 2"), "{text}");
        assert!(text.contains("Total des contacts 1 30 min"), "{text}");
        assert!(!html.contains(r#"name="team""#) && !html.contains(r#"name="worker""#));
        for other in [format!("team={insertion}"), format!("worker={}", bruno.id)] {
            assert_eq!(alice.get(&app, &format!("/statistics?{year}&{other}")).await.status(), 404, "{other}");
        }
        // A supervisor reads their teams, and the workers of those teams.
        let text = visible_text(&sylvie.page(&app, &format!("/statistics?{year}")).await);
        assert!(text.contains("Mes équipes") && text.contains("Accompagnements ouverts 1"), "{text}");
        assert_eq!(sylvie.get(&app, &format!("/statistics?{year}&team={insertion}")).await.status(), 404);
        assert_eq!(sylvie.get(&app, &format!("/statistics?{year}&worker={}", alice.id)).await.status(), 404);
        assert_eq!(sylvie.get(&app, &format!("/statistics?{year}&worker={}", bruno.id)).await.status(), 200);
        // Reception has neither the link nor the page; another organisation's team is unknown.
        assert!(!reception.page(&app, "/").await.contains(r#"href="/statistics""#));
        assert_eq!(reception.get(&app, "/statistics").await.status(), 404);
        assert_eq!(reception.get(&app, &format!("/statistics/cases?{year}&figure=opened")).await.status(), 404);
        let elsewhere = crate::helpers::team_of(&app, "autre-ccas", "Insertion").await;
        assert_eq!(manager.get(&app, &format!("/statistics?team={elsewhere}")).await.status(), 404);
        assert_eq!(manager.get(&app, "/statistics?team=pas-une-equipe").await.status(), 404);

        // The drill-down names the cases behind a figure, each linked to its page.
        let html = manager.page(&app, &format!("/statistics/cases?{year}&figure=opened")).await;
        let text = visible_text(&html);
        assert!(text.contains("3 accompagnements derrière ce chiffre."), "{text}");
        for name in ["DURAND", "MARTIN", "PETIT"] {
            assert!(text.to_uppercase().contains(name), "{name}: {text}");
        }
        assert!(html.contains(&format!(r#"href="/cases/{petit}""#)));
        let back = html.split("Retour aux statistiques").next().unwrap();
        assert!(back.ends_with(r#"<a href="/statistics?from=2026-01-01&#38;to=2026-12-31">"#), "back to the same period: {back}");
        // The dashboard links each figure to its drill-down.
        let dashboard = manager.page(&app, &format!("/statistics?{year}")).await;
        assert!(dashboard.contains(r#"href="/statistics/cases?from=2026-01-01&#38;to=2026-12-31&#38;figure=contacts&#38;code=home_visit""#), "{dashboard}");
        let text = visible_text(&sylvie.page(&app, &format!("/statistics/cases?{year}&figure=contacts&code=home_visit")).await);
        assert!(text.contains("Accompagnements avec un contact — Visite à domicile"), "{text}");
        assert!(text.contains("Un accompagnement derrière ce chiffre.") && text.to_uppercase().contains("PETIT"), "{text}");
        assert!(!text.to_uppercase().contains("DURAND"), "{text}");
        // Without a figure, or with a wrong period, back to the dashboard with what was asked.
        let res = manager.get(&app, &format!("/statistics/cases?{year}")).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/statistics?from=2026-01-01&to=2026-12-31");

        // A wrong period: named, what was typed kept, no figure.
        let res = manager.get(&app, "/statistics?from=2026-13-01&to=2026-01-01").await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Indiquez la date de début sous la forme jj/mm/aaaa."), "{text}");
        assert!(html.contains(r#"value="2026-13-01""#) && html.contains(r#"aria-invalid="true""#));
        assert!(!text.contains("Total des contacts"));
        let res = manager.get(&app, "/statistics?from=2026-06-30&to=2026-01-01").await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("La date de fin est avant la date de début."), "{text}");

        // The export for outside the team: no name, small counts suppressed, audited.
        let res = manager.get(&app, &format!("/statistics/export?{year}&format=csv")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = res.text().await.unwrap();
        assert!(csv.contains("Accompagnements ouverts,masqué"), "3 cases opened, under 5: {csv}");
        assert!(csv.contains("Accompagnements clos,0"), "a zero names nobody: {csv}");
        assert!(csv.contains("Téléphone,masqué") && csv.contains("Total des contacts,masqué"), "{csv}");
        assert!(!csv.to_uppercase().contains("DURAND") && !csv.contains("Alice"), "no name: {csv}");
        let res = manager.get(&app, &format!("/statistics/export?{year}&format=xlsx")).await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        let (_, table) = web::persons::import::files::read(&bytes).expect("the XLSX opens");
        let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
        assert!(
            rows.iter().any(|r| r.len() >= 3 && r[1] == "Accompagnements ouverts" && r[2] == "masqué"),
            "{rows:?}"
        );
        assert!(rows.iter().any(|r| r.len() >= 3 && r[1] == "Accompagnements clos" && r[2] == "0"), "{rows:?}");
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let filter = store::audit::AuditFilter {
            action: Some(domain::audit::AuditAction::Export),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
        };
        let events = store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events;
        assert_eq!(events.len(), 2, "each export is logged");
        assert!(events.iter().all(|e| e.details.as_deref().is_some_and(|d| d.contains("statistics"))));
        assert_eq!(reception.get(&app, &format!("/statistics/export?{year}&format=csv")).await.status(), 404);
        assert_eq!(manager.get(&app, &format!("/statistics/export?{year}&format=pdf")).await.status(), 404);

        // In English.
        let text = visible_text(&manager.get_en(&app, &format!("/statistics?{year}")).await);
        assert!(text.contains("The whole organisation — from 01/01/2026 to 31/12/2026"), "{text}");
        assert!(text.contains("Cases opened 3") && text.contains("All contacts 2 1 h 30"), "{text}");
    }

    async fn the_export_hides_counts_under_the_threshold_the_organisation_set(db) {
        let app = TestApp::spawn(db).await;
        let team = crate::helpers::team_of(&app, ORG, "Accueil").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let alice = user(&app, "Alice", Role::Worker, &[(team, false)]).await;
        for name in ["Arnaud", "Besson", "Carpentier", "Delmas", "Estève", "Fabre"] {
            crate::helpers::open_case_for(&app, &alice, team, name).await;
        }
        let year = time::OffsetDateTime::now_utc().year();
        let export = format!("/statistics/export?from={year}-01-01&to={year}-12-31&format=csv");
        let csv = manager.get(&app, &export).await.text().await.unwrap();
        assert!(csv.contains("Accompagnements ouverts,6"), "6 is published under the default of 5: {csv}");
        assert!(csv.contains("effectif de moins de 5,"), "the file says the threshold: {csv}");

        // The manager asks for 10, as a funder may.
        let page = manager.page(&app, "/admin/organisation").await;
        let version = crate::settings::version_in(&page);
        let res = manager
            .post(&app, "/admin/organisation", &crate::settings::fields(&[("statistics_threshold", "10")], &manager.csrf, &version)[1..])
            .await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        let csv = manager.get(&app, &export).await.text().await.unwrap();
        assert!(csv.contains("Accompagnements ouverts,masqué"), "6 is under 10 now: {csv}");
        assert!(csv.contains("effectif de moins de 10,"), "{csv}");
    }

    async fn the_list_behind_a_figure_names_persons_only_for_a_manager_who_confirms(db) {
        let app = TestApp::spawn(db).await;
        let team = crate::helpers::team_of(&app, ORG, "Insertion").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let alice = user(&app, "Alice", Role::Worker, &[(team, false)]).await;
        let durand = crate::helpers::open_case_for(&app, &alice, team, "Durand").await;
        let martin = crate::helpers::open_case_for(&app, &alice, team, "Martin").await;
        let year = time::OffsetDateTime::now_utc().year().to_string();
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
        let asked = [("from", from.as_str()), ("to", to.as_str()), ("figure", "opened")];
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let exports = || async {
            let filter = store::audit::AuditFilter {
                action: Some(domain::audit::AuditAction::Export),
                ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
            };
            store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events
        };

        // The drill-down page offers the download; a worker's names nobody.
        let page = alice.page(&app, &format!("/statistics/cases?from={from}&to={to}&figure=opened")).await;
        assert!(page.contains(r#"action="/statistics/cases/export""#) && !page.contains(r#"name="names""#), "{page}");
        let res = alice.post(&app, "/statistics/cases/export", &asked).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = res.text().await.unwrap();
        assert!(csv.contains(&durand) && csv.contains(&martin), "each case by its reference: {csv}");
        assert!(!csv.to_uppercase().contains("DURAND") && !csv.to_uppercase().contains("MARTIN"), "{csv}");
        assert!(csv.contains("Sans le nom des personnes"), "{csv}");
        let res = alice.post(&app, "/statistics/cases/export", &[&asked[..], &[("names", "on"), ("confirm", "on")]].concat()).await;
        assert_eq!(res.status(), 404, "a worker cannot ask for names");

        // A manager asking for names must confirm: refused, the choice kept, nothing written.
        let page = manager.page(&app, &format!("/statistics/cases?from={from}&to={to}&figure=opened")).await;
        assert!(page.contains(r#"name="names""#) && page.contains(r#"name="confirm""#));
        let before = exports().await.len();
        let res = manager.post(&app, "/statistics/cases/export", &[&asked[..], &[("names", "on")]].concat()).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Pour mettre les noms dans le fichier, cochez la confirmation."), "{html}");
        assert!(html.contains(r#"name="names" value="on" checked"#), "the choice is kept");
        assert!(html.contains(r#"aria-invalid="true" aria-describedby="export-confirm-error""#));
        assert_eq!(exports().await.len(), before, "nothing exported");
        // Confirmed: the names are in, and the log says so.
        let res = manager.post(&app, "/statistics/cases/export", &[&asked[..], &[("names", "on"), ("confirm", "on")]].concat()).await;
        assert_eq!(res.status(), 200);
        let csv = res.text().await.unwrap();
        assert!(csv.to_uppercase().contains("DURAND") && csv.to_uppercase().contains("MARTIN"), "{csv}");
        assert!(!csv.contains(&durand), "names, not references: {csv}");
        let events = exports().await;
        assert_eq!(events.len(), before + 1);
        let details = events[0].details.clone().unwrap_or_default();
        assert!(details.contains("statistics_cases") && details.contains(r#""names":true"#) && details.contains(r#""lines":2"#), "{details}");
        // Without the box: references only, logged as such.
        let csv = manager.post(&app, "/statistics/cases/export", &asked).await.text().await.unwrap();
        assert!(!csv.to_uppercase().contains("DURAND") && csv.contains(&durand), "{csv}");
        assert!(exports().await[0].details.clone().unwrap_or_default().contains(r#""names":false"#));
        // In English.
        let res = manager.client.post(app.url("/statistics/cases/export"))
            .header("accept-language", "en")
            .form(&[&[("csrf_token", manager.csrf.as_str())][..], &asked[..], &[("names", "on")]].concat())
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("To put the names in the file, tick the confirmation."));
    }
}
