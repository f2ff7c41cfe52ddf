//! The JSON API of persons and households (`/api/v1/persons…`, `/api/v1/households…`) with
//! API tokens: register, read (audited), change with the version, search, households; what
//! each role and scope may do; another organisation's ids — on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use reqwest::Method;
use serde_json::{Value, json};
use store::Ts;
use store::audit::{AuditEvent, AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-a";

fn in_days(days: i64) -> Ts {
    Ts::from(Ts::now().get() + time::Duration::days(days))
}

/// A token of a new user of `org` with `role` and `scopes`.
async fn token(app: &TestApp, email: &str, org: &str, role: Role, scopes: &str) -> String {
    let user = app.create_user(email, PASSWORD, Some((org, role))).await;
    app.api_token(user, org, scopes, in_days(1)).await.1
}

/// A JSON request with a bearer token, in `lang`.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    lang: &str,
) -> (u16, Value, Option<String>) {
    let mut request = TestApp::new_client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("accept-language", lang);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let res = request.send().await.expect("request sent");
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    (status, body, location)
}

async fn events_of(app: &TestApp, action: AuditAction) -> Vec<AuditEvent> {
    let filter = AuditFilter { action: Some(action), ..AuditFilter::new(AuditScope::Everything) };
    store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events
}

fn codes(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("fields in {body}"))
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_owned(), f["code"].as_str().unwrap().to_owned()))
        .collect()
}

fn message_of<'a>(body: &'a Value, field: &str) -> &'a str {
    body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == field)
        .unwrap_or_else(|| panic!("{field} in {body}"))["message"]
        .as_str()
        .unwrap()
}

fn helene() -> Value {
    json!({
        "birth_name": "Dupont",
        "first_names": "Hélène",
        "birth_date": "1985-03-12",
        "phones": ["06 12 34 56 78"],
        "town": "Valbourg",
        "interpreter_needed": true,
        "own_words": "Je cherche un logement.",
        "housing_situation": "hosted_by_third_party",
        "resources": [{ "code": "rsa", "amount_cents": 60775 }, { "code": "aah", "amount_cents": null }],
    })
}

engine_tests! {
    async fn a_worker_creates_reads_patches_and_finds_a_person_through_the_api(db) {
        let app = TestApp::spawn(db).await;
        let worker = token(&app, "camille@x.example", ORG, Role::Worker, "persons:write").await;

        let (status, created, location) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(helene()), "en").await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(location.as_deref(), Some(format!("/api/v1/persons/{id}").as_str()));
        assert_eq!(created["version"], 1);
        assert_eq!(created["birth_date"], "1985-03-12");
        assert_eq!(created["phones"], json!(["06 12 34 56 78"]));
        assert_eq!(created["resources"], json!([{ "code": "aah", "amount_cents": null }, { "code": "rsa", "amount_cents": 60775 }]));
        assert_eq!(created["used_name"], Value::Null, "an empty field is null");
        let made = events_of(&app, AuditAction::RecordCreated).await;
        assert_eq!(made.len(), 1);
        let details = made[0].details.clone().unwrap_or_default();
        assert!(details.contains("birth_name") && details.contains("own_words"), "{details}");
        assert!(!details.contains("Dupont") && !details.contains("logement"), "fields, never values: {details}");

        // Reading is an opening of the file, recorded as on the page.
        assert!(events_of(&app, AuditAction::PersonFileRead).await.is_empty());
        let (status, read, _) = call(&app, Method::GET, &format!("/api/v1/persons/{id}"), &worker, None, "en").await;
        assert_eq!(status, 200);
        assert_eq!(read, created, "what was registered is what is read");
        let reads = events_of(&app, AuditAction::PersonFileRead).await;
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].subject_type.as_deref(), Some("person"));
        assert_eq!(reads[0].subject_id.map(|u| u.to_string()), Some(id.clone()));
        assert!(reads[0].details.is_none(), "exactly like the page: {:?}", reads[0].details);

        // PATCH: only the fields present; null empties one.
        let patch = json!({ "version": 1, "town": "Lyon", "own_words": null, "phones": ["06 12 34 56 78", "+33 1 23 45 67 89"] });
        let (status, patched, _) = call(&app, Method::PATCH, &format!("/api/v1/persons/{id}"), &worker, Some(patch), "en").await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["version"], 2);
        assert_eq!(patched["town"], "Lyon");
        assert_eq!(patched["own_words"], Value::Null);
        assert_eq!(patched["phones"].as_array().unwrap().len(), 2);
        assert_eq!(patched["first_names"], "Hélène", "a field left out is kept");
        assert_eq!(patched["resources"], created["resources"]);
        assert_eq!(patched["interpreter_needed"], true);
        let updates = events_of(&app, AuditAction::RecordUpdated).await;
        assert_eq!(updates.len(), 1);
        let details = updates[0].details.clone().unwrap();
        assert!(details.contains("phones,town,own_words"), "{details}");
        assert!(!details.contains("Lyon"), "{details}");

        // The same change sent again with the old version: 409 and the record as it is now.
        let stale = json!({ "version": 1, "town": "Marseille" });
        let (status, conflict, _) = call(&app, Method::PATCH, &format!("/api/v1/persons/{id}"), &worker, Some(stale), "en").await;
        assert_eq!(status, 409, "{conflict}");
        assert_eq!(conflict["error"]["code"], "version_conflict");
        assert!(conflict["error"]["message"].as_str().unwrap().contains("version 1"), "{conflict}");
        assert_eq!(conflict["current"]["version"], 2);
        assert_eq!(conflict["current"]["town"], "Lyon", "nothing overwritten");
        assert_eq!(events_of(&app, AuditAction::RecordUpdated).await.len(), 1);
        let (_, again, _) = call(&app, Method::GET, &format!("/api/v1/persons/{id}"), &worker, None, "en").await;
        assert_eq!(again["town"], "Lyon");
        // Nothing to change: the record as it is, no new version, no event.
        let (status, same, _) = call(&app, Method::PATCH, &format!("/api/v1/persons/{id}"), &worker, Some(json!({ "version": 2, "town": "Lyon" })), "en").await;
        assert_eq!((status, same["version"].clone()), (200, json!(2)));
        assert_eq!(events_of(&app, AuditAction::RecordUpdated).await.len(), 1);
        // No version: refused, nothing saved.
        let (status, missing, _) = call(&app, Method::PATCH, &format!("/api/v1/persons/{id}"), &worker, Some(json!({ "town": "Nice" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&missing), vec![("version".to_owned(), "required".to_owned())]);

        // Search: misspelt, without accents, in the body.
        call(&app, Method::POST, "/api/v1/persons", &worker, Some(json!({ "birth_name": "Durand", "first_names": "Marc" })), "en").await;
        let (status, hits, _) = call(&app, Method::POST, "/api/v1/persons/search", &worker, Some(json!({ "q": "helene dupotn" })), "en").await;
        assert_eq!(status, 200, "{hits}");
        let hits = hits.as_array().unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0], json!({
            "id": id,
            "birth_name": "Dupont",
            "used_name": null,
            "first_names": "Hélène",
            "birth_date": "1985-03-12",
            "town": "Lyon",
            "referent": null,
        }));
        let (_, by_date, _) = call(&app, Method::POST, "/api/v1/persons/search", &worker, Some(json!({ "q": "12/03/1985" })), "en").await;
        assert_eq!(by_date[0]["id"], id.as_str());
        let (_, nothing, _) = call(&app, Method::POST, "/api/v1/persons/search", &worker, Some(json!({ "q": "  " })), "en").await;
        assert_eq!(nothing, json!([]));
        assert_eq!(events_of(&app, AuditAction::PersonFileRead).await.len(), 3, "two readings and the conflict; searching opens no file");
    }

    async fn refused_fields_answer_422_in_the_callers_language_and_register_nothing(db) {
        let app = TestApp::spawn(db).await;
        let worker = token(&app, "camille@x.example", ORG, Role::Worker, "persons:write").await;
        let body = json!({
            "first_names": "Sophie",
            "birth_date": "2999-01-01",
            "phones": ["06 12 34 56 78", "call me"],
            "email": "not an email",
            "housing_situation": "castle",
            "resources": [{ "code": "rsa", "amount_cents": -5 }],
            "interpreter_needed": "yes",
            "shoe_size": 42,
        });
        let (status, en, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(body.clone()), "en").await;
        assert_eq!(status, 422, "{en}");
        assert_eq!(en["error"]["code"], "validation_failed");
        let mut got = codes(&en);
        got.sort();
        let mut expected: Vec<(String, String)> = [
            ("birth_date", "date_in_future"),
            ("email", "email_invalid"),
            ("housing_situation", "unknown_value"),
            ("interpreter_needed", "wrong_type"),
            ("phones", "phone_invalid"),
            ("resources", "amount_invalid"),
            ("shoe_size", "unknown_field"),
        ]
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect();
        expected.sort();
        assert_eq!(got, expected);
        assert_eq!(message_of(&en, "birth_date"), "A birth date cannot be in the future.");
        assert!(message_of(&en, "phones").starts_with("Phone number 2 "), "{en}");
        assert!(en["error"]["request_id"].as_str().is_some_and(|r| !r.is_empty()));
        let (_, fr, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(body), "fr-FR,fr;q=0.9").await;
        assert_eq!(message_of(&fr, "birth_date"), "Une date de naissance ne peut pas être dans le futur.");
        assert!(message_of(&fr, "phones").starts_with("Le numéro 2 "), "{fr}");
        // A date that is not ISO, and a record without a name.
        let (status, no_name, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(json!({ "birth_date": "12/03/1985", "town": "Valbourg" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&no_name), vec![("birth_date".to_owned(), "date_invalid".to_owned()), ("birth_name".to_owned(), "name_required".to_owned())]);
        assert!(message_of(&no_name, "birth_date").contains("YYYY-MM-DD"));
        // Not JSON, or not an object.
        let res = TestApp::new_client().post(app.url("/api/v1/persons")).bearer_auth(&worker).form(&[("birth_name", "Martin")]).send().await.unwrap();
        assert_eq!(res.status(), 415);
        let (status, not_object, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(json!(["Martin"])), "en").await;
        assert_eq!((status, not_object["error"]["code"].as_str()), (400, Some("invalid_body")));
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap();
        assert_eq!(store::persons::count(&app.state.db, org.id).await.unwrap(), 0);
        assert!(events_of(&app, AuditAction::RecordCreated).await.is_empty());
    }

    async fn a_token_with_only_persons_read_cannot_create_or_change_a_person(db) {
        let app = TestApp::spawn(db).await;
        let writer = token(&app, "camille@x.example", ORG, Role::Worker, "persons:write").await;
        let reader = token(&app, "dominique@x.example", ORG, Role::Worker, "persons:read").await;
        let cases = token(&app, "eve@x.example", ORG, Role::Worker, "cases:read").await;
        let (_, created, _) = call(&app, Method::POST, "/api/v1/persons", &writer, Some(helene()), "en").await;
        let path = format!("/api/v1/persons/{}", created["id"].as_str().unwrap());

        let (status, body, _) = call(&app, Method::POST, "/api/v1/persons", &reader, Some(json!({ "birth_name": "Martin" })), "en").await;
        assert_eq!(status, 403);
        assert_eq!(body["error"]["code"], "forbidden");
        let (status, _, _) = call(&app, Method::PATCH, &path, &reader, Some(json!({ "version": 1, "town": "Lyon" })), "en").await;
        assert_eq!(status, 403);
        let (status, _, _) = call(&app, Method::POST, "/api/v1/households", &reader, Some(json!({ "reference_person_id": created["id"] })), "en").await;
        assert_eq!(status, 403);
        // Reading it may.
        assert_eq!(call(&app, Method::GET, &path, &reader, None, "en").await.0, 200);
        assert_eq!(call(&app, Method::POST, "/api/v1/persons/search", &reader, Some(json!({ "q": "dupont" })), "en").await.0, 200);
        // A token for cases only reads no person.
        assert_eq!(call(&app, Method::GET, &path, &cases, None, "en").await.0, 403);
        assert_eq!(call(&app, Method::POST, "/api/v1/persons/search", &cases, Some(json!({ "q": "dupont" })), "en").await.0, 403);
        let (_, still, _) = call(&app, Method::GET, &path, &writer, None, "en").await;
        assert_eq!((still["version"].clone(), still["town"].clone()), (json!(1), json!("Valbourg")));
        assert_eq!(events_of(&app, AuditAction::RecordCreated).await.len(), 1);
    }

    async fn another_organisations_persons_and_households_answer_404(db) {
        let app = TestApp::spawn(db).await;
        let a = token(&app, "camille@x.example", ORG, Role::Worker, "all").await;
        let b = token(&app, "kim@x.example", "ccas-b", Role::Worker, "all").await;
        let (_, theirs, _) = call(&app, Method::POST, "/api/v1/persons", &b, Some(helene()), "en").await;
        let their_id = theirs["id"].as_str().unwrap().to_owned();
        let (status, household, _) = call(&app, Method::POST, "/api/v1/households", &b, Some(json!({ "reference_person_id": their_id })), "en").await;
        assert_eq!(status, 201, "{household}");
        let their_household = household["id"].as_str().unwrap().to_owned();
        let (_, mine, _) = call(&app, Method::POST, "/api/v1/persons", &a, Some(json!({ "birth_name": "Martin" })), "en").await;
        let my_id = mine["id"].as_str().unwrap().to_owned();

        let unknown = uuid::Uuid::now_v7().to_string();
        for (what, method, path, body) in [
            ("B's person", Method::GET, format!("/api/v1/persons/{their_id}"), None),
            ("B's person", Method::PATCH, format!("/api/v1/persons/{their_id}"), Some(json!({ "version": 1, "town": "Lyon" }))),
            ("B's person, bad body", Method::PATCH, format!("/api/v1/persons/{their_id}"), Some(json!("nonsense"))),
            ("an unknown person", Method::GET, format!("/api/v1/persons/{unknown}"), None),
            ("a malformed id", Method::GET, "/api/v1/persons/not-an-id".to_owned(), None),
            ("B's household", Method::GET, format!("/api/v1/households/{their_household}"), None),
            ("B's household", Method::POST, format!("/api/v1/households/{their_household}/members"), Some(json!({ "person_id": my_id, "relationship": "minor_child" }))),
        ] {
            let (status, body, _) = call(&app, method.clone(), &path, &a, body, "en").await;
            assert_eq!(status, 404, "{what}: {method} {path}: {body}");
            assert_eq!(body["error"]["code"], "not_found", "{what}");
        }
        // Named in a body, B's person is as unknown as any other.
        let (status, body, _) = call(&app, Method::POST, "/api/v1/households", &a, Some(json!({ "reference_person_id": their_id })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&body), vec![("reference_person_id".to_owned(), "unknown_person".to_owned())]);
        let (_, found, _) = call(&app, Method::POST, "/api/v1/persons/search", &a, Some(json!({ "q": "dupont" })), "en").await;
        assert_eq!(found, json!([]), "B's persons are not found from A");
        let (_, theirs_now, _) = call(&app, Method::GET, &format!("/api/v1/persons/{their_id}"), &b, None, "en").await;
        assert_eq!((theirs_now["version"].clone(), theirs_now["town"].clone()), (json!(1), json!("Valbourg")));
    }

    async fn a_merged_record_points_to_the_one_kept_and_cannot_be_changed(db) {
        let app = TestApp::spawn(db).await;
        let worker = token(&app, "camille@x.example", ORG, Role::Worker, "persons:write").await;
        let (_, kept, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(helene()), "en").await;
        let (_, gone, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(json!({ "birth_name": "Dupond" })), "en").await;
        let (kept, gone) = (kept["id"].as_str().unwrap().to_owned(), gone["id"].as_str().unwrap().to_owned());
        let sql = "UPDATE persons SET merged_into_id = $1 WHERE id = $2";
        let (kept_id, gone_id) = (uuid::Uuid::parse_str(&kept).unwrap(), uuid::Uuid::parse_str(&gone).unwrap());
        match &app.state.db {
            store::Db::Sqlite(p) => sqlx::query(sql).bind(kept_id).bind(gone_id).execute(p).await.map(drop),
            store::Db::Postgres(p) => sqlx::query(sql).bind(kept_id).bind(gone_id).execute(p).await.map(drop),
        }
        .unwrap();
        let (status, _, location) = call(&app, Method::GET, &format!("/api/v1/persons/{gone}"), &worker, None, "en").await;
        assert_eq!(status, 308);
        assert_eq!(location, Some(format!("/api/v1/persons/{kept}")));
        assert!(events_of(&app, AuditAction::PersonFileRead).await.is_empty(), "nothing of the merged file was sent");
        let (status, _, _) = call(&app, Method::PATCH, &format!("/api/v1/persons/{gone}"), &worker, Some(json!({ "version": 1, "town": "Lyon" })), "en").await;
        assert_eq!(status, 404);
        let (status, body, _) = call(&app, Method::POST, "/api/v1/households", &worker, Some(json!({ "reference_person_id": gone })), "en").await;
        assert_eq!((status, codes(&body)), (422, vec![("reference_person_id".to_owned(), "unknown_person".to_owned())]));
        let (_, found, _) = call(&app, Method::POST, "/api/v1/persons/search", &worker, Some(json!({ "q": "dupond" })), "en").await;
        assert!(found.as_array().unwrap().iter().all(|h| h["id"] != gone.as_str()), "{found}");
    }

    async fn a_reception_token_neither_sees_nor_sets_the_situation(db) {
        let app = TestApp::spawn(db).await;
        let worker = token(&app, "camille@x.example", ORG, Role::Worker, "all").await;
        let reception = token(&app, "accueil@x.example", ORG, Role::Reception, "persons:write").await;
        let (_, created, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(helene()), "en").await;
        let path = format!("/api/v1/persons/{}", created["id"].as_str().unwrap());

        let (status, seen, _) = call(&app, Method::GET, &path, &reception, None, "en").await;
        assert_eq!(status, 200);
        let keys: Vec<&String> = seen.as_object().unwrap().keys().collect();
        for hidden in ["own_words", "resources", "housing_situation", "family_situation", "protection_measure", "protector_name"] {
            assert!(!keys.iter().any(|k| *k == hidden), "reception does not see {hidden}: {seen}");
        }
        assert_eq!(seen["birth_name"], "Dupont");
        assert_eq!(seen["phones"], json!(["06 12 34 56 78"]));
        assert!(!seen.to_string().contains("logement"), "{seen}");

        // Setting a situation field refuses the request (whatever the value), saving nothing.
        for body in [
            json!({ "version": 1, "town": "Lyon", "own_words": "changed" }),
            json!({ "version": 1, "resources": null }),
        ] {
            let (status, refused, _) = call(&app, Method::PATCH, &path, &reception, Some(body), "en").await;
            assert_eq!(status, 403, "{refused}");
            assert_eq!(refused["error"]["code"], "fields_not_editable");
            let refused_fields: Vec<(String, String)> = codes(&refused);
            assert!(refused_fields.iter().all(|(f, c)| c == "not_editable" && f != "town"), "{refused}");
        }
        let (status, _, _) = call(&app, Method::POST, "/api/v1/persons", &reception, Some(json!({ "birth_name": "Martin", "own_words": "x" })), "en").await;
        assert_eq!(status, 403);
        // What reception may change, it changes; the situation stays as the worker left it.
        let (status, patched, _) = call(&app, Method::PATCH, &path, &reception, Some(json!({ "version": 1, "town": "Lyon" })), "en").await;
        assert_eq!(status, 200, "{patched}");
        assert!(patched.get("own_words").is_none());
        let (_, full, _) = call(&app, Method::GET, &path, &worker, None, "en").await;
        assert_eq!(full["town"], "Lyon");
        assert_eq!(full["own_words"], "Je cherche un logement.");
        assert_eq!(full["resources"], created["resources"]);
        // A conflict shows reception only what it may see.
        let (status, conflict, _) = call(&app, Method::PATCH, &path, &reception, Some(json!({ "version": 1, "town": "Nice" })), "en").await;
        assert_eq!(status, 409);
        assert!(conflict["current"].get("own_words").is_none(), "{conflict}");
    }

    async fn households_list_members_with_relationship_dates_and_ages(db) {
        let app = TestApp::spawn(db).await;
        let worker = token(&app, "camille@x.example", ORG, Role::Worker, "persons:write").await;
        let (_, parent, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(helene()), "en").await;
        let (_, child, _) = call(&app, Method::POST, "/api/v1/persons", &worker, Some(json!({ "birth_name": "Dupont", "first_names": "Léo", "birth_date": "2015-06-01" })), "en").await;
        let (parent_id, child_id) = (parent["id"].as_str().unwrap(), child["id"].as_str().unwrap());

        let (status, created, location) = call(&app, Method::POST, "/api/v1/households", &worker, Some(json!({ "reference_person_id": parent_id })), "en").await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(location.as_deref(), Some(format!("/api/v1/households/{id}").as_str()));
        let today = time::OffsetDateTime::now_utc().date();
        assert_eq!(created["members"][0]["relationship"], "self");
        assert_eq!(created["members"][0]["from_date"], domain::persons::iso_date(today), "left out: today");

        let members = format!("/api/v1/households/{id}/members");
        let (status, refused, _) = call(&app, Method::POST, &members, &worker, Some(json!({ "person_id": parent_id, "relationship": "uncle_bob", "from_date": "01/02/2020" })), "fr").await;
        assert_eq!(status, 422, "{refused}");
        let mut got = codes(&refused);
        got.sort();
        assert_eq!(got, vec![
            ("from_date".to_owned(), "date_invalid".to_owned()),
            ("person_id".to_owned(), "already_member".to_owned()),
            ("relationship".to_owned(), "unknown_value".to_owned()),
        ]);
        assert_eq!(message_of(&refused, "person_id"), "Cette personne fait déjà partie du foyer.");

        let (status, household, _) = call(&app, Method::POST, &members, &worker, Some(json!({ "person_id": child_id, "relationship": "minor_child", "from_date": "2015-06-01" })), "en").await;
        assert_eq!(status, 201, "{household}");
        let (status, read, _) = call(&app, Method::GET, &format!("/api/v1/households/{id}"), &worker, None, "en").await;
        assert_eq!(status, 200);
        assert_eq!(read, household);
        let list = read["members"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        let leo = &list[1];
        assert_eq!(leo["person_id"], child_id);
        assert_eq!(leo["relationship"], "minor_child");
        assert_eq!(leo["from_date"], "2015-06-01");
        assert_eq!(leo["to_date"], Value::Null);
        assert_eq!(leo["current"], true);
        let age = domain::persons::age_on(time::macros::date!(2015 - 06 - 01), today);
        assert_eq!(leo["age"], age);
        assert_eq!(list[0]["age"], domain::persons::age_on(time::macros::date!(1985 - 03 - 12), today));
        let updated = events_of(&app, AuditAction::RecordUpdated).await;
        assert_eq!(updated.len(), 1);
        assert_eq!(updated[0].subject_type.as_deref(), Some("household"));
    }

    async fn the_openapi_document_describes_every_persons_and_households_operation(db) {
        let app = TestApp::spawn(db).await;
        let res = app.get("/api/v1/openapi.json").await;
        let doc: Value = res.json().await.unwrap();
        let rules = web::startup::routes().rules().to_vec();
        let operations = [
            ("post", "/api/v1/persons", "persons:write"),
            ("get", "/api/v1/persons/{person_id}", "persons:read"),
            ("patch", "/api/v1/persons/{person_id}", "persons:write"),
            ("post", "/api/v1/persons/search", "persons:read"),
            ("post", "/api/v1/households", "persons:write"),
            ("get", "/api/v1/households/{household_id}", "persons:read"),
            ("post", "/api/v1/households/{household_id}/members", "persons:write"),
        ];
        for (method, path, scope) in operations {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} is documented");
            let security = op["security"].as_array().unwrap();
            assert!(security.contains(&json!({ "bearer": [scope] })), "{method} {path}: {security:?}");
            let rule = rules.iter().find(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method));
            let rule = rule.unwrap_or_else(|| panic!("{method} {path} has an access rule"));
            assert_eq!(rule.scope.map(|s| s.as_str()), Some(scope), "{method} {path}: the scope enforced is the one documented");
        }
        // Every documented API operation, old and new, is routed with a rule.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    rules.iter().any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method)),
                    "{method} {path} has no rule"
                );
            }
        }
        let schemas = &doc["components"]["schemas"];
        for field in domain::persons::Field::ALL {
            for schema in ["Person", "PersonInput", "PersonPatch"] {
                assert!(schemas[schema]["properties"][field.name()].is_object(), "{schema}.{}", field.name());
            }
        }
        assert_eq!(schemas["PersonPatch"]["required"], json!(["version"]));
        assert_eq!(schemas["Person"]["properties"]["birth_date"]["format"], "date");
        for schema in ["SearchRequest", "SearchHitOut", "HouseholdOut", "MemberOut", "NewHousehold", "NewMember", "ApiProblem", "VersionConflict"] {
            assert!(schemas[schema].is_object(), "{schema} is in the document");
        }
    }
}
