//! Persons and households through the web: register, find, edit without overwriting a
//! colleague, household history, who opened the file — on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use store::audit::{AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-a";

async fn signed_in(app: &TestApp, email: &str, role: Role) -> (reqwest::Client, String) {
    app.create_user(email, PASSWORD, Some((ORG, role))).await;
    let client = TestApp::new_client();
    let res = app.sign_in_with(&client, email, PASSWORD).await;
    assert_eq!(res.status(), 303);
    let html = client.get(app.url("/persons")).send().await.unwrap().text().await.unwrap();
    (client, csrf_in(&html).expect("the persons page carries a token"))
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("csrf_token", csrf)];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// Registers a person and returns the id from the redirect.
async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    fields: &[(&str, &str)],
) -> String {
    let res = post(app, client, "/persons/new", csrf, fields).await;
    assert_eq!(res.status(), 303, "registered");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    location.trim_start_matches("/persons/").split('?').next().unwrap().to_owned()
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

engine_tests! {
    async fn reception_registers_a_person_and_finds_them_misspelt_without_accents(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "accueil@x.example", Role::Reception).await;
        let form = client.get(app.url("/persons/new")).send().await.unwrap().text().await.unwrap();
        assert!(form.contains("name=\"birth_name\""));
        assert!(!form.contains("name=\"own_words\""), "reception does not see the situation");
        let id = register(&app, &client, &csrf, &[
            ("birth_name", "Dupont"),
            ("first_names", "Hélène"),
            ("birth_date", "12/03/1985"),
            ("phones", "06 12 34 56 78"),
            ("town", "Valbourg"),
            ("own_words", "smuggled in"),
        ]).await;
        let page = client.get(app.url(&format!("/persons/{id}"))).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Dupont Hélène"), "{text}");
        assert!(text.contains("12/03/1985"));
        assert!(!text.contains("smuggled in"), "a field reception may not write is not written");
        assert!(!text.contains("Qui a ouvert ce dossier"), "the readers panel is the manager's");

        // Search: accent-free, misspelt, in the body; htmx gets only the results.
        let res = post(&app, &client, "/persons/search", &csrf, &[("q", "helene dupotn")]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("/persons/{id}")), "found despite the typo and accents");
        assert!(html.contains("<html"), "a plain form gets the whole page");
        let res = app_client_htmx(&app, &client, &csrf, "12/03/1985").await;
        assert!(!res.contains("<html"), "htmx gets the fragment only");
        assert!(res.contains(&format!("/persons/{id}")));
        assert!(res.contains("Une personne trouvée"));
        let none = app_client_htmx(&app, &client, &csrf, "Durand").await;
        assert!(!none.contains("/persons/0"), "nobody");
        assert!(visible_text(&none).contains("Aucune personne trouvée"));
        // Search terms never travel in a URL.
        let res = client.get(app.url("/persons/search?q=Dupont")).send().await.unwrap();
        assert_eq!(res.status(), 405);

        // The creation and the reading are in the audit log, without the name.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let filter = AuditFilter { subject_id: Some(id.parse().unwrap()), ..AuditFilter::new(AuditScope::Organisation(org)) };
        let events = store::audit::search(&app.state.db, &filter, None, 50).await.unwrap().events;
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&AuditAction::RecordCreated.as_str()), "{actions:?}");
        assert!(actions.contains(&AuditAction::PersonFileRead.as_str()), "{actions:?}");
        assert!(events.iter().all(|e| !e.details.clone().unwrap_or_default().contains("Dupont")));
    }

    async fn bad_input_is_refused_field_by_field_and_everything_typed_is_kept(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let res = post(&app, &client, "/persons/new", &csrf, &[
            ("birth_name", "Martin"),
            ("first_names", "Sophie"),
            ("birth_date", "12/03/2090"),
            ("phones", "06 12 34 56 78\nappelle-moi"),
            ("email", "sophie at example"),
            ("own_words", "Je veux rester dans mon quartier."),
            ("resource", "rsa"),
            ("amount_rsa", "six cents"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Une date de naissance ne peut pas être dans le futur."), "{text}");
        assert!(text.contains("La ligne 2 n'est pas un numéro de téléphone"));
        assert!(text.contains("Ce n'est pas une adresse de courriel"));
        assert!(text.contains("n'est pas une somme en euros"));
        assert!(html.contains("href=\"#birth_date\""), "the summary links to the field");
        assert!(html.contains("value=\"12/03/2090\""), "typed values stay");
        assert!(html.contains("appelle-moi"));
        assert!(html.contains("Je veux rester dans mon quartier."));
        assert!(html.contains("value=\"six cents\""));
        assert!(html.contains("aria-invalid=\"true\""));
        assert_eq!(store::persons::count(&app.state.db, org_id(&app).await).await.unwrap(), 0, "nothing stored");
        let empty = post(&app, &client, "/persons/new", &csrf, &[("town", "Valbourg")]).await;
        assert_eq!(empty.status(), 422);
        assert!(visible_text(&empty.text().await.unwrap()).contains("Indiquez au moins un nom"));
    }

    async fn a_stale_edit_keeps_the_colleagues_change_and_shows_the_collision(db) {
        let app = TestApp::spawn(db).await;
        let (alice, alice_csrf) = signed_in(&app, "alice@x.example", Role::Worker).await;
        let (bob, bob_csrf) = signed_in(&app, "bob@x.example", Role::Worker).await;
        let id = register(&app, &alice, &alice_csrf, &[("birth_name", "Martin"), ("first_names", "Sophie"), ("town", "Valbourg"), ("phones", "0612345678")]).await;
        let edit = format!("/persons/{id}/edit");
        // Both open the form at version 1.
        let alice_form = alice.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
        let bob_form = bob.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
        assert_eq!(value_of(&alice_form, "version"), "1");
        assert_eq!(value_of(&bob_form, "version"), "1");
        // Alice changes the phone and the town.
        let res = post(&app, &alice, &edit, &alice_csrf, &[("version", "1"), ("birth_name", "Martin"), ("first_names", "Sophie"), ("town", "Lyon"), ("phones", "0700000000")]).await;
        assert_eq!(res.status(), 303);
        // Bob, from version 1, changes the town too and leaves the phone as he saw it.
        let res = post(&app, &bob, &edit, &bob_csrf, &[("version", "1"), ("birth_name", "Martin"), ("first_names", "Sophie"), ("town", "Marseille"), ("phones", "0612345678")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Quelqu'un a enregistré cette fiche pendant que vous la modifiiez"), "{text}");
        assert!(text.contains("Commune Lyon Marseille"), "the town side by side: {text}");
        assert!(html.contains("value=\"Marseille\""), "what Bob typed stays in the form");
        assert!(html.contains("0700000000"), "Alice's phone, which Bob did not touch, is taken");
        assert!(!html.contains("0612345678"), "Bob's stale phone is not sent back");
        assert_eq!(value_of(&html, "version"), "2");
        let stored = store::persons::find(&app.state.db, org_id(&app).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.record.town.as_deref(), Some("Lyon"), "nothing overwritten");
        // Bob saves again knowingly: his town, Alice's phone.
        let res = post(&app, &bob, &edit, &bob_csrf, &[("version", "2"), ("birth_name", "Martin"), ("first_names", "Sophie"), ("town", "Marseille"), ("phones", "0700000000")]).await;
        assert_eq!(res.status(), 303);
        let stored = store::persons::find(&app.state.db, org_id(&app).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.record.town.as_deref(), Some("Marseille"));
        assert_eq!(stored.record.phones, vec!["0700000000"]);
        assert_eq!(stored.version, 3);
    }

    async fn reception_edits_never_wipe_the_situation_written_by_a_worker(db) {
        let app = TestApp::spawn(db).await;
        let (worker, worker_csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let (desk, desk_csrf) = signed_in(&app, "desk@x.example", Role::Reception).await;
        let id = register(&app, &worker, &worker_csrf, &[("birth_name", "Haddad"), ("own_words", "Je dors chez ma sœur."), ("housing_situation", "hosted_by_third_party"), ("resource", "rsa"), ("amount_rsa", "607,75")]).await;
        let edit = format!("/persons/{id}/edit");
        let form = desk.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
        assert!(!form.contains("Je dors chez ma"), "reception does not see the situation");
        let res = post(&app, &desk, &edit, &desk_csrf, &[("version", "1"), ("birth_name", "Haddad"), ("phones", "0612345678")]).await;
        assert_eq!(res.status(), 303);
        let stored = store::persons::find(&app.state.db, org_id(&app).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.record.own_words.as_deref(), Some("Je dors chez ma sœur."));
        assert_eq!(stored.record.housing_situation.as_deref(), Some("hosted_by_third_party"));
        assert_eq!(stored.record.resources.len(), 1);
        assert_eq!(stored.record.phones, vec!["0612345678"]);
        let page = worker.get(app.url(&format!("/persons/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&page).contains("RSA : 607,75 € par mois"), "{}", visible_text(&page));
    }

    async fn a_household_is_built_from_the_persons_page_and_keeps_its_history(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let mother = register(&app, &client, &csrf, &[("birth_name", "Haddad"), ("first_names", "Nadia"), ("birth_date", "01/01/1985")]).await;
        let res = post(&app, &client, &format!("/persons/{mother}/household"), &csrf, &[]).await;
        assert_eq!(res.status(), 303);
        let household = res.headers()["location"].to_str().unwrap().trim_start_matches("/households/").to_owned();
        // A child registered from the household's page comes back preselected.
        let res = post(&app, &client, "/persons/new", &csrf, &[("household", &household), ("birth_name", "Haddad"), ("first_names", "Inès"), ("birth_date", "02/05/2015")]).await;
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("/households/{household}?added=")), "{location}");
        let child = location.split("added=").nth(1).unwrap().to_owned();
        let page = client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("value=\"{child}\" checked")));
        // A relationship is required.
        let res = post(&app, &client, &format!("/households/{household}/members"), &csrf, &[("person", &child), ("from_date", "01/01/2020")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Choisissez le lien."));
        let res = post(&app, &client, &format!("/households/{household}/members"), &csrf, &[("person", &child), ("relationship", "minor_child"), ("from_date", "01/01/2020")]).await;
        assert_eq!(res.status(), 303);
        let res = post(&app, &client, &format!("/households/{household}/members"), &csrf, &[("person", &child), ("relationship", "minor_child"), ("from_date", "01/01/2020")]).await;
        assert_eq!(res.status(), 422, "already a member");
        // The mother's page shows the composition with ages.
        let page = client.get(app.url(&format!("/persons/{mother}"))).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Haddad Inès Enfant mineur"), "{text}");
        assert!(text.contains("Personne de référence"));
        // A partner arrives and leaves: they go to the history.
        let partner = register(&app, &client, &csrf, &[("birth_name", "Roux"), ("first_names", "Marc")]).await;
        post(&app, &client, &format!("/households/{household}/members"), &csrf, &[("person", &partner), ("relationship", "spouse_partner"), ("from_date", "01/01/2021")]).await;
        let page = client.get(app.url(&format!("/households/{household}"))).send().await.unwrap().text().await.unwrap();
        let db = &app.state.db;
        let hid = household.parse().unwrap();
        let member = store::households::members(db, hid).await.unwrap().into_iter().find(|m| m.person_id.to_string() == partner).unwrap();
        assert!(page.contains(&format!("/members/{}/end", member.id)));
        let bad = post(&app, &client, &format!("/households/{household}/members/{}/end", member.id), &csrf, &[("version", "1"), ("to_date", "31/02/2024")]).await;
        assert_eq!(bad.status(), 422);
        let res = post(&app, &client, &format!("/households/{household}/members/{}/end", member.id), &csrf, &[("version", "1"), ("to_date", "30/06/2024")]).await;
        assert_eq!(res.status(), 303);
        let page = client.get(app.url(&format!("/households/{household}"))).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Jusqu'au Roux Marc Conjoint(e) 01/01/2021 30/06/2024"), "the partner is in the history: {text}");
        assert!(!text.contains("Date de départ de Roux Marc"), "and no longer a current member");
        let stale = post(&app, &client, &format!("/households/{household}/members/{}/end", member.id), &csrf, &[("version", "1"), ("to_date", "01/07/2024")]).await;
        assert_eq!(stale.headers()["location"], format!("/households/{household}?stale=1"));
    }

    async fn the_manager_sees_who_opened_the_file(db) {
        let app = TestApp::spawn(db).await;
        let (worker, csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let (manager, _) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let id = register(&app, &worker, &csrf, &[("birth_name", "Martin")]).await;
        worker.get(app.url(&format!("/persons/{id}"))).send().await.unwrap();
        let page = manager.get(app.url(&format!("/persons/{id}"))).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Qui a ouvert ce dossier"), "{text}");
        assert!(text.contains("Test User"), "the worker's opening is listed");
        assert!(text.contains(" CET") || text.contains(" CEST"), "in the organisation's zone (Europe/Paris): {text}");
        assert!(!page.contains("name=\"own_words\""));
        assert!(!text.contains("Situation"), "the manager does not see the situation");
    }

    async fn a_likely_duplicate_is_shown_before_registering_and_a_different_person_is_recorded(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "accueil@x.example", Role::Reception).await;
        let first = register(&app, &client, &csrf, &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("birth_date", "12/03/1985")]).await;
        let twin = [("birth_name", "Dupond"), ("first_names", "Helene"), ("birth_date", "12/03/1985"), ("town", "Valbourg")];
        let res = post(&app, &client, "/persons/new", &csrf, &twin).await;
        assert_eq!(res.status(), 200, "a warning, not a registration");
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Cette personne est peut-être déjà enregistrée"), "{text}");
        assert!(text.contains("nom proche, même date de naissance"));
        assert!(html.contains(&format!("href=\"/persons/{first}\"")), "the user can open it");
        assert!(html.contains(&format!("name=\"distinct_from\" value=\"{first}\"")));
        assert!(html.contains("value=\"Valbourg\""), "what was typed stays");
        assert!(text.contains("Enregistrer comme une personne différente"));
        let org = org_id(&app).await;
        assert_eq!(store::persons::count(&app.state.db, org).await.unwrap(), 1, "nothing registered yet");
        // "It is someone else": registered, and the answer is kept.
        let mut confirmed = twin.to_vec();
        confirmed.push(("distinct_from", &first));
        let second = register(&app, &client, &csrf, &confirmed).await;
        assert_eq!(store::persons::count(&app.state.db, org).await.unwrap(), 2);
        let rec = store::persons::find(&app.state.db, org, second.parse().unwrap()).await.unwrap().unwrap().record;
        assert!(store::persons::similar(&app.state.db, org, &rec, Some(second.parse().unwrap())).await.unwrap().is_empty(), "not proposed again");
        let filter = AuditFilter { action: Some(AuditAction::DuplicateDismissed), ..AuditFilter::new(AuditScope::Organisation(org)) };
        let events = store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events;
        assert_eq!(events.len(), 1);
        assert!(events[0].details.as_deref().unwrap().contains(&first));
    }

    async fn a_manager_merges_two_records_and_undoes_the_merge(db) {
        let app = TestApp::spawn(db).await;
        let (worker, wcsrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let (manager, mcsrf) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let kept = register(&app, &worker, &wcsrf, &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("town", "Valbourg")]).await;
        let twin = register(&app, &worker, &wcsrf, &[("birth_name", "Dupond"), ("first_names", "Helene"), ("birth_date", "12/03/1985"), ("town", "Lyon"), ("distinct_from", &kept)]).await;
        let find = manager.get(app.url(&format!("/persons/{kept}/merge"))).send().await.unwrap().text().await.unwrap();
        assert!(!find.contains(&format!("/persons/{kept}/merge/{twin}")), "confirmed different at registration: not suggested");
        let found = post(&app, &manager, &format!("/persons/{kept}/merge/search"), &mcsrf, &[("q", "dupond helene")]).await.text().await.unwrap();
        assert!(found.contains(&format!("/persons/{kept}/merge/{twin}")), "but found by a search");
        assert!(!found.contains(&format!("/persons/{kept}/merge/{kept}")), "never itself");
        let compare = manager.get(app.url(&format!("/persons/{kept}/merge/{twin}"))).send().await.unwrap().text().await.unwrap();
        let text = visible_text(&compare);
        assert!(text.contains("Commune Cette fiche : Valbourg L'autre fiche : Lyon"), "{text}");
        assert!(compare.contains("id=\"choice_birth_date_other\" name=\"choice_birth_date\" value=\"other\" checked"), "an empty field takes the other's value by default");
        // A stale comparison merges nothing.
        let res = post(&app, &manager, &format!("/persons/{kept}/merge/{twin}"), &mcsrf, &[("kept_version", "1"), ("other_version", "9")]).await;
        assert_eq!(res.status(), 409);
        let res = post(&app, &manager, &format!("/persons/{kept}/merge/{twin}"), &mcsrf, &[("kept_version", "1"), ("other_version", "1"), ("choice_birth_date", "other"), ("choice_town", "kept"), ("choice_birth_name", "kept"), ("choice_first_names", "kept")]).await;
        assert_eq!(res.status(), 303);
        let org = org_id(&app).await;
        let stored = store::persons::find(&app.state.db, org, kept.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.record.town.as_deref(), Some("Valbourg"));
        assert_eq!(stored.record.birth_date, Some(time::macros::date!(1985 - 03 - 12)));
        // The merged record leads to the kept one; its spelling finds the kept one.
        let res = worker.get(app.url(&format!("/persons/{twin}"))).send().await.unwrap();
        assert_eq!(res.headers()["location"], format!("/persons/{kept}"));
        let found = app_client_htmx(&app, &worker, &wcsrf, "Dupond").await;
        assert!(found.contains(&format!("/persons/{kept}")) && !found.contains(&format!("/persons/{twin}")));
        // The manager sees the merge on the kept record, and undoes it.
        let page = manager.get(app.url(&format!("/persons/{kept}?merged=1"))).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&page).contains("Les fiches sont fusionnées."));
        let marker = "action=\"/merges/";
        let at = page.find(marker).expect("an undo button") + marker.len();
        let merge_id = &page[at..at + 36];
        let res = post(&app, &manager, &format!("/merges/{merge_id}/undo"), &mcsrf, &[]).await;
        assert_eq!(res.headers()["location"], format!("/persons/{kept}?undo=done"));
        let stored = store::persons::find(&app.state.db, org, kept.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.record.birth_date, None, "the merge's change is undone");
        assert_eq!(store::persons::find(&app.state.db, org, twin.parse().unwrap()).await.unwrap().unwrap().merged_into, None);
        let again = post(&app, &manager, &format!("/merges/{merge_id}/undo"), &mcsrf, &[]).await;
        assert_eq!(again.headers()["location"], format!("/persons/{kept}?undo=gone"));
        let filter = AuditFilter { subject_id: Some(kept.parse().unwrap()), ..AuditFilter::new(AuditScope::Organisation(org)) };
        let actions: Vec<String> = store::audit::search(&app.state.db, &filter, None, 50).await.unwrap().events.into_iter().map(|e| e.action).collect();
        assert!(actions.contains(&"persons_merged".to_owned()) && actions.contains(&"merge_undone".to_owned()), "{actions:?}");
    }
}

async fn org_id(app: &TestApp) -> domain::OrganisationId {
    store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id
}

async fn app_client_htmx(app: &TestApp, client: &reqwest::Client, csrf: &str, q: &str) -> String {
    client
        .post(app.url("/persons/search"))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", csrf)
        .form(&[("q", q)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
