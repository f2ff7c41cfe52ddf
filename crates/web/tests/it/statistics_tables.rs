//! The statutory tables on the web (issue 11 point 4, ADR 0038), on SQLite and PostgreSQL: the
//! tables of persons recorded through the pages, each row leading to the cases behind it, the
//! same readers as the dashboard, the tables in the export, suppressed; their definitions
//! edited by a manager only, a wrong form refused with what was typed (422), a stale one
//! refused without writing (409).

use domain::TeamId;
use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, visible_text};

const ORG: &str = "ccas-tables";
const YEAR: &str = "from=2026-01-01&to=2026-12-31";

async fn user(app: &TestApp, name: &str, role: Role, teams: &[(TeamId, bool)]) -> Browser {
    crate::helpers::member(app, ORG, name, role, teams).await
}

/// A person registered with `fields` and a case opened for them in `team`.
async fn person_with_case(
    app: &TestApp,
    b: &Browser,
    team: TeamId,
    fields: &[(&str, &str)],
) -> String {
    let res = b.post(app, "/persons/new", fields).await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let res = b
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[("reason", "Loyer"), ("team", &team.to_string()), ("referent", &b.id)],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned()
}

engine_tests! {
    async fn the_tables_count_the_persons_followed_and_lead_to_their_cases(db) {
        let app = TestApp::spawn(db).await;
        let insertion = crate::helpers::team_of(&app, ORG, "Insertion").await;
        let logement = crate::helpers::team_of(&app, ORG, "Logement").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let alice = user(&app, "Alice", Role::Worker, &[(insertion, false)]).await;
        let bruno = user(&app, "Bruno", Role::Worker, &[(logement, false)]).await;
        let reception = user(&app, "Rose", Role::Reception, &[]).await;
        // Two adults of 25 to 59, one social tenant; a child; a person with no birth date.
        let durand = person_with_case(&app, &alice, insertion, &[
            ("birth_name", "Durand"), ("birth_date", "12/03/1985"), ("housing_situation", "social_tenant"),
        ]).await;
        person_with_case(&app, &alice, insertion, &[
            ("birth_name", "Martin"), ("birth_date", "01/01/1990"), ("housing_situation", "owner"),
        ]).await;
        person_with_case(&app, &bruno, logement, &[
            ("birth_name", "Petit"), ("birth_date", "31/12/2008"),
        ]).await;
        person_with_case(&app, &bruno, logement, &[("birth_name", "Sansdate")]).await;

        let html = manager.page(&app, &format!("/statistics/tables?{YEAR}")).await;
        let text = visible_text(&html);
        assert!(text.contains("Personnes suivies par tranche d'âge"), "{text}");
        // Born 31/12/2008: 18 on the period's last day.
        assert!(text.contains("0 à 17 ans 0 18 à 24 ans 1 25 à 59 ans 2 60 ans et plus 0 Non renseigné 1 Personnes accompagnées 4"), "{text}");
        assert!(text.contains("Locataire du parc social 1"), "{text}");
        assert!(text.contains("Propriétaire 1"), "{text}");
        assert!(html.contains(r#"href="/admin/statistics-tables""#), "a manager edits them");
        // The dashboard leads here, with its period.
        let dashboard = manager.page(&app, &format!("/statistics?{YEAR}")).await;
        assert!(dashboard.contains(r#"href="/statistics/tables?from=2026-01-01&#38;to=2026-12-31""#));

        // A row's drill-down: the case of the social tenant.
        let marker = "Locataire du parc social</th><td class=\"numeric\"><a href=\"";
        let at = html.find(marker).expect("the row is linked") + marker.len();
        let href = html[at..at + html[at..].find('"').unwrap()].replace("&#38;", "&");
        assert!(href.starts_with("/statistics/tables/cases?from=2026-01-01&to=2026-12-31&table="), "{href}");
        let drill = manager.page(&app, &href).await;
        let text = visible_text(&drill);
        assert!(text.contains("Personnes suivies par situation de logement — Locataire du parc social"), "{text}");
        assert!(text.to_uppercase().contains("DURAND") && !text.to_uppercase().contains("MARTIN"), "{text}");
        assert!(drill.contains(&format!(r#"href="/cases/{durand}""#)));
        // Bruno's caseload holds neither: the same row is counted 0 for him, named for nobody.
        let text = visible_text(&bruno.page(&app, &format!("/statistics/tables?{YEAR}")).await);
        assert!(text.contains("Mon portefeuille") && text.contains("Locataire du parc social 0"), "{text}");
        assert!(text.contains("Personnes accompagnées 2"), "{text}");
        let drill = visible_text(&bruno.page(&app, &href).await);
        assert!(!drill.to_uppercase().contains("DURAND"), "{drill}");
        assert!(!bruno.page(&app, &format!("/statistics/tables?{YEAR}")).await.contains(r#"href="/admin/statistics-tables""#));
        // Reception reads no statistics; a row that does not exist is not found.
        assert_eq!(reception.get(&app, &format!("/statistics/tables?{YEAR}")).await.status(), 404);
        assert_eq!(reception.get(&app, &href).await.status(), 404);
        let beyond = format!("{}&row=99", href.split("&row=").next().unwrap());
        assert_eq!(manager.get(&app, &beyond).await.status(), 404);
        let res = manager.get(&app, &format!("/statistics/tables/cases?{YEAR}")).await;
        assert_eq!((res.status().as_u16(), location(&res)), (303, "/statistics/tables".to_owned()));
        // A wrong period: 422, what was typed kept.
        let res = manager.get(&app, "/statistics/tables?from=2026-13-01").await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains(r#"value="2026-13-01""#));

        // In the export, suppressed: 2 persons of 25 to 59 and its complement hidden.
        let csv = manager.get(&app, &format!("/statistics/export?{YEAR}&format=csv")).await.text().await.unwrap();
        assert!(csv.contains("Personnes suivies par tranche d'âge,25 à 59 ans,masqué"), "{csv}");
        assert!(csv.contains("Personnes suivies par tranche d'âge,0 à 17 ans,0"), "{csv}");
        assert!(!csv.to_uppercase().contains("DURAND"), "{csv}");

        // In English.
        let text = visible_text(&manager.get_en(&app, &format!("/statistics/tables?{YEAR}")).await);
        assert!(text.contains("Persons followed by age band"), "{text}");
        assert!(text.contains("25 to 59 years 2") && text.contains("Not recorded 1"), "{text}");
        assert!(text.contains("Social-housing tenant 1"), "{text}");
    }

    async fn a_manager_edits_the_definitions_and_nobody_else_does(db) {
        let app = TestApp::spawn(db).await;
        let team = crate::helpers::team_of(&app, ORG, "Insertion").await;
        let manager = user(&app, "Manon", Role::Manager, &[]).await;
        let worker = user(&app, "Alice", Role::Worker, &[(team, false)]).await;
        let reception = user(&app, "Rose", Role::Reception, &[]).await;
        person_with_case(&app, &worker, team, &[
            ("birth_name", "Durand"), ("housing_situation", "hotel"),
        ]).await;

        let index = manager.page(&app, "/admin/statistics-tables").await;
        assert!(visible_text(&index).contains("Personnes suivies par situation de logement"));
        // The housing table (the fourth default).
        let ids: Vec<String> = index
            .match_indices("href=\"/admin/statistics-tables/")
            .map(|(at, m)| {
                let rest = &index[at + m.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .filter(|id| id != "new")
            .collect();
        assert_eq!(ids.len(), 5, "{ids:?}");
        let housing = format!("/admin/statistics-tables/{}", ids[3]);
        let form = manager.page(&app, &housing).await;
        assert!(form.contains("Hébergement institutionnel | Institutional accommodation | emergency_shelter, hotel"), "{form}");
        assert!(form.contains(r#"name="version" value="1""#));

        // Wrong: no French title, an unknown code, a code twice; 422, everything typed kept.
        let rows = "Hôtel | Hotel | hotel\nChâteau | Castle | castle, hotel\nsans barre";
        let res = manager.post(&app, &housing, &[
            ("title_fr", " "), ("title_en", "Housing for funder A"), ("dimension", "housing"),
            ("bands", ""), ("rows", rows), ("version", "1"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Donnez l'intitulé en français."), "{text}");
        assert!(text.contains("Ligne 2 : le code « castle » n'est pas dans la liste."), "{text}");
        assert!(text.contains("Ligne 2 : le code « hotel » est déjà dans une ligne précédente."), "{text}");
        assert!(text.contains("Ligne 3 : écrivez « intitulé français | intitulé anglais | codes »."), "{text}");
        assert!(html.contains(r#"value="Housing for funder A""#) && html.contains("Château | Castle | castle, hotel"));
        assert!(html.contains(r##"href="#rows""##) && html.contains(r#"aria-invalid="true""#));
        // In English too.
        let res = manager.client.post(app.url(&housing)).header("accept-language", "en").form(&[
            ("csrf_token", manager.csrf.as_str()), ("title_fr", "Logement"), ("title_en", ""),
            ("dimension", "housing"), ("rows", "Hôtel | Hotel | castle"), ("version", "1"),
        ]).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Give the title in English.") && text.contains("Line 1: the code \"castle\" is not in the list."), "{text}");

        // Right: saved, and the tables page follows.
        let res = manager.post(&app, &housing, &[
            ("title_fr", "Logement (financeur A)"), ("title_en", "Housing (funder A)"), ("dimension", "housing"),
            ("bands", ""), ("rows", "À l'hôtel | In a hotel | hotel\nLocataires | Tenants | social_tenant, private_tenant"), ("version", "1"),
        ]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/admin/statistics-tables?notice=saved");
        let text = visible_text(&manager.page(&app, &format!("/statistics/tables?{YEAR}")).await);
        assert!(text.contains("Logement (financeur A)"), "{text}");
        assert!(text.contains("À l'hôtel 1 Locataires 0 Autre 0 Non renseigné 0 Personnes accompagnées 1"), "{text}");
        // A second save from the form read at version 1: refused, nothing written, typed kept.
        let res = manager.post(&app, &housing, &[
            ("title_fr", "Écrasé"), ("title_en", "Overwritten"), ("dimension", "housing"),
            ("rows", "Tout | All | hotel"), ("version", "1"),
        ]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Ce tableau a été modifié entretemps"));
        assert!(html.contains(r#"value="Écrasé""#));
        assert!(visible_text(&manager.page(&app, &housing).await).contains("Logement (financeur A)"));
        let res = manager.post(&app, &format!("{housing}/delete"), &[("version", "1")]).await;
        assert_eq!(res.status(), 409, "a stale removal is refused too");

        // Add an age table of the funder's own bands, then remove it.
        let res = manager.post(&app, "/admin/statistics-tables/new", &[
            ("title_fr", "Âges (département)"), ("title_en", "Ages (département)"), ("dimension", "age_band"),
            ("bands", "16, 65"), ("rows", ""),
        ]).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&manager.page(&app, &format!("/statistics/tables?{YEAR}")).await);
        assert!(text.contains("Âges (département) Ligne Personnes 0 à 15 ans 0 16 à 64 ans 0 65 ans et plus 0 Non renseigné 1"), "{text}");
        let res = manager.post(&app, "/admin/statistics-tables/new", &[
            ("title_fr", "Âges"), ("title_en", "Ages"), ("dimension", "age_band"), ("bands", "65, 16"),
        ]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains(r#"value="65, 16""#));
        let res = manager.post(&app, &format!("/admin/statistics-tables/{}/delete", ids[0]), &[("version", "1")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(manager.get(&app, &format!("/admin/statistics-tables/{}", ids[0])).await.status(), 404);

        // Nobody else.
        for b in [&worker, &reception] {
            assert_eq!(b.get(&app, "/admin/statistics-tables").await.status(), 404);
            assert_eq!(b.get(&app, &housing).await.status(), 404);
            let res = b.post(&app, &housing, &[
                ("title_fr", "X"), ("title_en", "X"), ("dimension", "housing"), ("rows", "A | A | hotel"), ("version", "2"),
            ]).await;
            assert_eq!(res.status(), 404);
        }
        assert!(visible_text(&manager.page(&app, &housing).await).contains("Logement (financeur A)"));
        // In English.
        let html = manager.get_en(&app, "/admin/statistics-tables").await;
        assert!(html.contains("Statutory statistical tables") && html.contains("Add a table"));
    }
}
