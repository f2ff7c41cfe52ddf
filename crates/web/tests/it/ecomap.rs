//! The ecomap of a case — on SQLite and PostgreSQL: ties added (refused ones named, with what
//! was typed kept), drawn (informal circles, formal squares, strength by line style) and
//! listed, changed with optimistic locking (a stale form shows the stored tie and keeps what
//! was typed), removed; every view audited as a read of the case file; nothing for those who
//! do not read the case, nor for another organisation.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, open_case_for, team_of, visible_text};

const ORG: &str = "ccas-ecomap";

async fn reads(app: &TestApp, case: &str) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(domain::audit::AuditAction::CaseFileRead),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events.len()
}

async fn add(app: &TestApp, b: &Browser, case: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    b.post(app, &format!("/cases/{case}/ecomap"), fields).await
}

/// The id of the tie shown on the row of `label`.
fn tie_id(html: &str, label: &str) -> String {
    let row = html
        .split("<tr>")
        .find(|r| r.contains(label) && r.contains("name=\"tie_id\""))
        .expect("the tie's row");
    row.split("name=\"tie_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

engine_tests! {
    async fn ties_are_added_drawn_listed_changed_and_removed(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Durand").await;
        let base = format!("/cases/{case}/ecomap");
        assert!(alice.page(&app, &format!("/cases/{case}")).await.contains(&format!("href=\"{base}\"")));
        let empty = visible_text(&alice.page(&app, &base).await);
        assert!(empty.contains("Écocarte de Durand Camille") && empty.contains("Aucun lien noté"), "{empty}");

        // Refused: named, what was typed kept (and escaped).
        let res = add(&app, &alice, &case, &[("label", "Sa sœur <Leïla>"), ("note", "Vient le dimanche")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Choisissez le type de lien.") && text.contains("Choisissez la force du lien."), "{text}");
        assert!(html.contains("value=\"Sa sœur &#60;Leïla&#62;\"") && html.contains(">Vient le dimanche</textarea>"), "{html}");

        let res = add(&app, &alice, &case, &[("label", "Sa sœur <Leïla>"), ("kind", "family"), ("strength", "strong"), ("note", "Vient le dimanche")]).await;
        assert_eq!(location(&res), format!("{base}?done=added#ties"));
        let res = add(&app, &alice, &case, &[("label", "Bailleur social Habitat 77"), ("kind", "service"), ("strength", "stressful")]).await;
        assert_eq!(res.status(), 303);

        let html = alice.page(&app, &format!("{base}?done=added")).await;
        let text = visible_text(&html);
        assert!(text.contains("Le lien a été ajouté."), "{text}");
        // Drawn: a thick solid line to a circle, a dotted one to a square; described in words.
        assert!(html.contains("class=\"tie tie-strong\" stroke-width=\"5\"") && html.contains("class=\"tie tie-stressful\" stroke-width=\"3\" stroke-dasharray=\"2 4\""), "{html}");
        assert_eq!(html.matches("ecomap-node ecomap-informal").count(), 1);
        assert_eq!(html.matches("ecomap-node ecomap-formal").count(), 1);
        assert!(html.contains("Liens autour de la personne : Sa sœur &#60;Leïla&#62; (Fort), Bailleur social Habitat 77 (Source de tension)."), "{html}");
        assert!(text.contains("Sa sœur &#60;Leïla&#62; Famille Fort Vient le dimanche"), "{text}");

        // Changed from version 1; the same form again is stale: the stored tie is shown.
        let leila = tie_id(&html, "Leïla");
        let change = [("tie_id", leila.as_str()), ("version", "1"), ("label", "Sa sœur Leïla"), ("kind", "family"), ("strength", "weak"), ("note", "")];
        let res = alice.post(&app, &format!("{base}/change"), &change).await;
        assert_eq!(location(&res), format!("{base}?done=changed#ties"));
        let mut stale = change;
        stale[4] = ("strength", "moderate");
        let res = alice.post(&app, &format!("{base}/change"), &stale).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Ce lien a changé entre-temps") && text.contains("Il est maintenant : Sa sœur Leïla — Famille — Faible"), "{text}");
        assert!(html.contains("id=\"strength-moderate\" name=\"strength\" value=\"moderate\" checked"), "what was typed is kept");

        // Removed.
        let res = alice.post(&app, &format!("{base}/change"), &[("tie_id", leila.as_str()), ("version", "2"), ("action", "remove")]).await;
        assert_eq!(location(&res), format!("{base}?done=removed#ties"));
        let text = visible_text(&alice.page(&app, &base).await);
        assert!(!text.contains("Sa sœur Leïla") && text.contains("Bailleur social Habitat 77"), "{text}");
    }

    async fn only_readers_of_the_case_see_it_and_every_view_is_audited(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let other = team_of(&app, ORG, "Logement").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let bruno = member(&app, ORG, "Bruno", Role::Worker, &[(other, false)]).await;
        let desk = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let stranger = member(&app, "ccas-autre", "Zoe", Role::Worker, &[]).await;
        let case = open_case_for(&app, &alice, team, "Petit").await;
        let base = format!("/cases/{case}/ecomap");
        let before = reads(&app, &case).await;
        alice.page(&app, &base).await;
        assert_eq!(reads(&app, &case).await, before + 1);
        for b in [&bruno, &stranger] {
            assert_eq!(b.get(&app, &base).await.status(), 404);
            let res = add(&app, b, &case, &[("label", "X"), ("kind", "friend"), ("strength", "weak")]).await;
            assert_eq!(res.status(), 404);
        }
        // The desk does not read cases: told as not found, like a case it cannot see.
        assert_eq!(desk.get(&app, &base).await.status(), 404);
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let ties = store::ecomap::of_case(&app.state.db, org, case.parse().unwrap(), 40).await.unwrap();
        assert!(ties.is_empty(), "nothing was added by those who may not");
    }
}
