//! The organisation's value lists, administered by its manager: hide, relabel, move, add its
//! own values; the person form follows, records keep what they hold; a stale form loses
//! nothing — on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::lists::ListName;
use store::audit::{AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-a";
const HOUSING: &str = "/admin/lists/housing_situation";

async fn signed_in(app: &TestApp, email: &str, role: Role) -> (reqwest::Client, String) {
    app.create_user(email, PASSWORD, Some((ORG, role))).await;
    let client = TestApp::new_client();
    let res = app.sign_in_with(&client, email, PASSWORD).await;
    assert_eq!(res.status(), 303);
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    (client, csrf_in(&html).expect("the home page carries a token"))
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    client.post(app.url(path)).form(fields).send().await.unwrap()
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The value of an attribute in one tag, unescaped as a browser would.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let at = tag.find(&marker)? + marker.len();
    Some(unescape(&tag[at..at + tag[at..].find('"')?]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What a browser would send for the form posting to `action` as the page shows it: inputs
/// (boxes only when ticked), the selected option of each select, textareas.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag = &rest[..rest.find('>').unwrap() + 1];
        if tag.starts_with("<input") {
            let name = attribute(tag, "name");
            let kind = attribute(tag, "type").unwrap_or_default();
            let ticked = tag.contains(" checked");
            if let Some(name) = name
                && (kind != "checkbox" && kind != "radio" || ticked)
            {
                out.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").unwrap();
            let body = &rest[..rest.find("</select>").unwrap()];
            let selected = body
                .split("<option")
                .skip(1)
                .find(|o| o[..o.find('>').unwrap()].contains(" selected"))
                .and_then(|o| attribute(o, "value"))
                .unwrap_or_default();
            out.push((name, selected));
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").unwrap();
            let body = &rest[tag.len()..];
            out.push((name, unescape(&body[..body.find("</textarea>").unwrap()])));
        }
        rest = &rest[1..];
    }
    out
}

/// Replaces (or adds, or with `None` removes) the value of a field.
fn set(fields: &mut Vec<(String, String)>, name: &str, value: Option<&str>) {
    fields.retain(|(k, _)| k != name);
    if let Some(v) = value {
        fields.push((name.to_owned(), v.to_owned()));
    }
}

/// The value of the input `id` in a page.
fn input_value(html: &str, id: &str) -> String {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no input {id}"));
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    attribute(tag, "value").unwrap_or_default()
}

fn is_ticked(html: &str, id: &str) -> bool {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no box {id}"));
    let end = at + html[at..].find('>').unwrap();
    html[at..end].contains(" checked")
}

async fn org_id(app: &TestApp) -> domain::OrganisationId {
    store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id
}

async fn stored(app: &TestApp) -> Vec<store::lists::StoredOverride> {
    store::lists::for_list(&app.state.db, org_id(app).await, ListName::HousingSituation)
        .await
        .unwrap()
}

async fn list_events(app: &TestApp) -> Vec<String> {
    let filter = AuditFilter {
        action: Some(AuditAction::AdminAction),
        ..AuditFilter::new(AuditScope::Organisation(org_id(app).await))
    };
    let events = store::audit::search(&app.state.db, &filter, None, 50).await.unwrap().events;
    events.into_iter().filter_map(|e| e.details).filter(|d| d.contains("list_")).collect()
}

/// Registers a person through the form and returns their id.
async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut form = pairs(fields);
    form.push(("csrf_token".into(), csrf.into()));
    let res = post(app, client, "/persons/new", &form).await;
    assert_eq!(res.status(), 303, "registered");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    location.trim_start_matches("/persons/").split('?').next().unwrap().to_owned()
}

fn option_offered(html: &str, code: &str) -> bool {
    html.contains(&format!("<option value=\"{code}\""))
}

engine_tests! {
    async fn a_manager_hides_and_relabels_housing_values_and_the_person_form_follows(db) {
        let app = TestApp::spawn(db).await;
        let (manager, _) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let (worker, worker_csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        // A record that holds "owner" before the organisation hides it.
        let id = register(&app, &worker, &worker_csrf, &[("birth_name", "Garnier"), ("housing_situation", "owner")]).await;

        let index = page(&app, &manager, "/admin/lists").await;
        let text = visible_text(&index);
        assert!(text.contains("Situation de logement") && text.contains("Housing situation"), "{text}");
        assert!(index.contains("href=\"/admin/lists/housing_situation\""));
        assert!(index.contains("href=\"/admin/lists\" aria-current=\"page\""), "the admin menu shows where we are");

        let html = page(&app, &manager, HOUSING).await;
        assert!(html.contains("<caption"), "a captioned table");
        assert!(html.contains("Locataire du parc social"), "the default label is shown");
        assert!(html.contains("<label class=\"visually-hidden\" for=\"fr-owner\">Libellé français de « Propriétaire »</label>"));
        let mut form = form_fields(&html, HOUSING);
        set(&mut form, "hidden-owner", Some("on"));
        set(&mut form, "fr-social_tenant", Some("Locataire HLM"));
        let res = post(&app, &manager, HOUSING, &form).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/admin/lists/housing_situation?notice=saved");
        let saved = page(&app, &manager, "/admin/lists/housing_situation?notice=saved").await;
        assert!(visible_text(&saved).contains("La liste est enregistrée."));
        assert!(is_ticked(&saved, "hidden-owner"));
        assert_eq!(input_value(&saved, "fr-social_tenant"), "Locataire HLM");
        let rows = stored(&app).await;
        assert_eq!(rows.len(), 2, "only the two changed values are stored: {rows:?}");
        // One audit event naming the list and the codes.
        let events = list_events(&app).await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(events[0].contains("housing_situation") && events[0].contains("owner") && events[0].contains("social_tenant"), "{}", events[0]);
        let index = visible_text(&page(&app, &manager, "/admin/lists").await);
        assert!(index.contains("Situation de logement Situation de logement Housing situation 14 1 1 0"), "{index}");

        // Saving the same table again changes nothing.
        let again = post(&app, &manager, HOUSING, &form_fields(&saved, HOUSING)).await;
        assert_eq!(again.headers()["location"], "/admin/lists/housing_situation?notice=unchanged");
        assert_eq!(list_events(&app).await.len(), 1);

        // The person form no longer offers "owner" and shows the new label.
        let new = page(&app, &worker, "/persons/new").await;
        assert!(!option_offered(&new, "owner"), "a hidden value is not offered");
        assert!(new.contains("<option value=\"social_tenant\">Locataire HLM</option>"));
        assert!(option_offered(&new, "private_tenant"));
        let mut refused = pairs(&[("birth_name", "Nouveau"), ("housing_situation", "owner")]);
        refused.push(("csrf_token".into(), worker_csrf.clone()));
        assert_eq!(post(&app, &worker, "/persons/new", &refused).await.status(), 422, "nor accepted for a new choice");

        // The record that holds it still shows it, and saves unchanged.
        let show = visible_text(&page(&app, &worker, &format!("/persons/{id}")).await);
        assert!(show.contains("Propriétaire"), "{show}");
        let edit_path = format!("/persons/{id}/edit");
        let edit = page(&app, &worker, &edit_path).await;
        assert!(edit.contains("<option value=\"owner\" selected>Propriétaire</option>"));
        let res = post(&app, &worker, &edit_path, &form_fields(&edit, &edit_path)).await;
        assert_eq!(res.status(), 303, "saved unchanged");
        let mut with_name = form_fields(&edit, &edit_path);
        set(&mut with_name, "first_names", Some("Paul"));
        let res = post(&app, &worker, &edit_path, &with_name).await;
        assert_eq!(res.status(), 303, "another change saves with the hidden value kept");
        let person = store::persons::find(&app.state.db, org_id(&app).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(person.record.housing_situation.as_deref(), Some("owner"));
        assert_eq!(person.record.first_names.as_deref(), Some("Paul"));

        // In English, the organisation's French label stands in for the missing English one.
        let english = worker.get(app.url("/persons/new")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
        assert!(english.contains("<option value=\"social_tenant\">Locataire HLM</option>"));
        assert!(english.contains("<option value=\"private_tenant\">Private tenant</option>"), "defaults in English");

        // Shown again: offered again, the record untouched.
        let mut form = form_fields(&page(&app, &manager, HOUSING).await, HOUSING);
        set(&mut form, "hidden-owner", None);
        assert_eq!(post(&app, &manager, HOUSING, &form).await.status(), 303);
        assert!(option_offered(&page(&app, &worker, "/persons/new").await, "owner"));
        let events = list_events(&app).await;
        assert!(events[0].contains("\"shown\":\"owner\""), "{events:?}");
    }

    async fn an_own_value_is_added_offered_and_accepted_by_the_person_form(db) {
        let app = TestApp::spawn(db).await;
        let (manager, manager_csrf) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let (worker, worker_csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        let res = post(&app, &manager, "/admin/lists/housing_situation/values", &pairs(&[
            ("csrf_token", &manager_csrf), ("code", "peniche"), ("label_fr", "Péniche"), ("label_en", "Houseboat"),
        ])).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/admin/lists/housing_situation?notice=added#notice");
        let html = page(&app, &manager, HOUSING).await;
        assert!(visible_text(&html).contains("peniche Valeur propre"));
        assert_eq!(input_value(&html, "fr-peniche"), "Péniche");
        assert_eq!(input_value(&html, "position-peniche"), "140", "at the end of the list");
        let events = list_events(&app).await;
        assert!(events.iter().any(|e| e.contains("list_value_added") && e.contains("peniche")), "{events:?}");

        let new = page(&app, &worker, "/persons/new").await;
        assert!(new.contains("<option value=\"peniche\">Péniche</option>"));
        let english = worker.get(app.url("/persons/new")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
        assert!(english.contains("<option value=\"peniche\">Houseboat</option>"));
        let id = register(&app, &worker, &worker_csrf, &[("birth_name", "Marinier"), ("housing_situation", "peniche")]).await;
        let person = store::persons::find(&app.state.db, org_id(&app).await, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(person.record.housing_situation.as_deref(), Some("peniche"));
        assert!(visible_text(&page(&app, &worker, &format!("/persons/{id}")).await).contains("Péniche"));

        // Relabelled and moved to the top from the table, like a default.
        let mut form = form_fields(&html, HOUSING);
        set(&mut form, "en-peniche", Some("Canal boat"));
        set(&mut form, "position-peniche", Some("-10"));
        assert_eq!(post(&app, &manager, HOUSING, &form).await.status(), 303);
        let english = worker.get(app.url("/persons/new")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
        let first = english.find("<option value=\"peniche\">Canal boat</option>").expect("relabelled");
        assert!(first < english.find("<option value=\"no_accommodation\"").unwrap(), "moved first");
        let index = visible_text(&page(&app, &manager, "/admin/lists").await);
        assert!(index.contains("Housing situation 15 0 0 1"), "{index}");

        // Another organisation's manager sees none of it.
        app.create_user("manager.b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let other = TestApp::new_client();
        assert_eq!(app.sign_in_with(&other, "manager.b@x.example", PASSWORD).await.status(), 303);
        assert!(!page(&app, &other, HOUSING).await.contains("peniche"));
    }

    async fn bad_codes_and_labels_are_refused_with_messages_and_everything_typed_is_kept(db) {
        let app = TestApp::spawn(db).await;
        let (manager, csrf) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let add = "/admin/lists/housing_situation/values";
        let res = post(&app, &manager, add, &pairs(&[
            ("csrf_token", &csrf), ("code", "Péniche!"), ("label_fr", " "), ("label_en", "Houseboat"),
        ])).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Le code ne peut contenir que des lettres minuscules"), "{text}");
        assert!(text.contains("La nouvelle valeur : indiquez un libellé français."), "{text}");
        assert!(html.contains("href=\"#new-code\"") && html.contains("href=\"#new-label-fr\""), "the summary links to the fields");
        assert_eq!(input_value(&html, "new-code"), "Péniche!", "typed values stay");
        assert_eq!(input_value(&html, "new-label-en"), "Houseboat");
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"new-label-fr-error\""));

        let res = post(&app, &manager, add, &pairs(&[("csrf_token", &csrf), ("code", "owner"), ("label_fr", "Proprio")])).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Le code « owner » existe déjà dans cette liste."));
        let res = client_en(&manager, &app, add, &pairs(&[("csrf_token", &csrf), ("code", "x"), ("label_fr", "")])).await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("The code may only contain lowercase letters"), "{text}");
        assert!(text.contains("The new value: enter a French label."), "{text}");

        // The table: a label too long, a control character, a position that is not a number.
        let html = page(&app, &manager, HOUSING).await;
        let mut form = form_fields(&html, HOUSING);
        let long = "é".repeat(101);
        set(&mut form, "fr-owner", Some(&long));
        set(&mut form, "en-hotel", Some("Hotel\u{7}"));
        set(&mut form, "position-makeshift", Some("dix"));
        set(&mut form, "fr-social_tenant", Some("Locataire HLM"));
        set(&mut form, "hidden-care_home", Some("on"));
        let res = post(&app, &manager, HOUSING, &form).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Propriétaire : le libellé ne doit pas dépasser 100 caractères."), "{text}");
        assert!(text.contains("contient un caractère invisible"), "{text}");
        assert!(text.contains("la position doit être un nombre entier"), "{text}");
        for field in ["fr-owner", "en-hotel", "position-makeshift"] {
            assert!(html.contains(&format!("href=\"#{field}\"")), "the summary links to {field}");
            assert!(html.contains(&format!("aria-describedby=\"{field}-error\"")));
        }
        assert_eq!(input_value(&html, "fr-owner"), long, "typed values stay");
        assert_eq!(input_value(&html, "position-makeshift"), "dix");
        assert_eq!(input_value(&html, "fr-social_tenant"), "Locataire HLM");
        assert!(is_ticked(&html, "hidden-care_home"));
        assert!(stored(&app).await.is_empty(), "nothing stored");
        assert!(list_events(&app).await.is_empty());
    }

    async fn a_stale_list_form_takes_a_colleagues_changes_and_shows_collisions_without_losing_what_was_typed(db) {
        let app = TestApp::spawn(db).await;
        let (alice, _) = signed_in(&app, "alice@x.example", Role::Manager).await;
        let (bob, _) = signed_in(&app, "bob@x.example", Role::Manager).await;
        let alice_page = page(&app, &alice, HOUSING).await;
        let mut bobs = form_fields(&page(&app, &bob, HOUSING).await, HOUSING);
        set(&mut bobs, "fr-social_tenant", Some("HLM"));
        set(&mut bobs, "hidden-owner", Some("on"));
        assert_eq!(post(&app, &bob, HOUSING, &bobs).await.status(), 303);

        // Alice, from the page she opened before: the same label changed differently, and
        // another value Bob did not touch.
        let mut alices = form_fields(&alice_page, HOUSING);
        set(&mut alices, "fr-social_tenant", Some("Locataire HLM"));
        set(&mut alices, "fr-private_tenant", Some("Locataire privé"));
        let res = post(&app, &alice, HOUSING, &alices).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Quelqu'un a modifié cette liste entre-temps"), "{text}");
        assert!(text.contains("français : HLM"), "what is stored now: {text}");
        assert!(text.contains("français : Locataire HLM"), "beside what was typed: {text}");
        assert!(!text.contains("Locataire du parc privé français"), "only the collision is listed");
        assert_eq!(input_value(&html, "fr-social_tenant"), "Locataire HLM", "what was typed stays");
        assert_eq!(input_value(&html, "fr-private_tenant"), "Locataire privé");
        assert!(is_ticked(&html, "hidden-owner"), "Bob's change, which Alice left alone, is taken");
        let rows = stored(&app).await;
        assert!(rows.iter().all(|r| r.change.code != "private_tenant"), "nothing written");
        assert_eq!(rows.iter().find(|r| r.change.code == "social_tenant").unwrap().change.label_fr.as_deref(), Some("HLM"));

        // Sending the form again keeps Alice's label, knowingly, and Bob's hidden value.
        let res = post(&app, &alice, HOUSING, &form_fields(&html, HOUSING)).await;
        assert_eq!(res.status(), 303);
        let rows = stored(&app).await;
        let row = |code: &str| rows.iter().find(|r| r.change.code == code).unwrap().change.clone();
        assert_eq!(row("social_tenant").label_fr.as_deref(), Some("Locataire HLM"));
        assert_eq!(row("private_tenant").label_fr.as_deref(), Some("Locataire privé"));
        assert!(row("owner").hidden);

        // Bob, from his old page, relabels another value: merged without a word.
        let mut bobs = form_fields(&page(&app, &bob, HOUSING).await, HOUSING);
        let stale = bobs.clone();
        set(&mut bobs, "fr-hotel", Some("Hôtel social"));
        assert_eq!(post(&app, &bob, HOUSING, &bobs).await.status(), 303);
        let mut stale = stale;
        set(&mut stale, "fr-care_home", Some("EHPAD"));
        assert_eq!(post(&app, &bob, HOUSING, &stale).await.status(), 303, "untouched rows are no collision");
        let rows = stored(&app).await;
        let row = |code: &str| rows.iter().find(|r| r.change.code == code).unwrap().change.clone();
        assert_eq!(row("hotel").label_fr.as_deref(), Some("Hôtel social"), "the first save is not undone");
        assert_eq!(row("care_home").label_fr.as_deref(), Some("EHPAD"));
    }

    async fn only_managers_reach_the_lists_and_an_unknown_list_is_not_found(db) {
        let app = TestApp::spawn(db).await;
        let (manager, csrf) = signed_in(&app, "manager@x.example", Role::Manager).await;
        let (worker, worker_csrf) = signed_in(&app, "worker@x.example", Role::Worker).await;
        for path in ["/admin/lists", HOUSING] {
            assert_eq!(worker.get(app.url(path)).send().await.unwrap().status(), 404, "{path}");
        }
        let res = post(&app, &worker, "/admin/lists/housing_situation/values", &pairs(&[
            ("csrf_token", &worker_csrf), ("code", "peniche"), ("label_fr", "Péniche"),
        ])).await;
        assert_eq!(res.status(), 404);
        let res = post(&app, &worker, HOUSING, &pairs(&[
            ("csrf_token", &worker_csrf), ("code", "owner"), ("version-owner", "0"), ("hidden-owner", "on"),
        ])).await;
        assert_eq!(res.status(), 404);
        assert!(stored(&app).await.is_empty());
        assert!(!page(&app, &worker, "/").await.contains("href=\"/admin/lists\""));

        assert_eq!(manager.get(app.url("/admin/lists/castles")).send().await.unwrap().status(), 404);
        let res = post(&app, &manager, "/admin/lists/castles/values", &pairs(&[
            ("csrf_token", &csrf), ("code", "tower"), ("label_fr", "Tour"),
        ])).await;
        assert_eq!(res.status(), 404);
        for list in ListName::ALL {
            let html = page(&app, &manager, &format!("/admin/lists/{}", list.as_str())).await;
            for code in list.defaults() {
                assert!(html.contains(&format!("id=\"fr-{code}\"")), "{code}");
            }
        }
        // In English, every name and label from the message files.
        let html = manager.get(app.url(HOUSING)).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Social-housing tenant") && html.contains("Save the list"));
    }
}

async fn client_en(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    client.post(app.url(path)).header("accept-language", "en").form(fields).send().await.unwrap()
}
