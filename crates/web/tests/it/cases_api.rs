//! The case file through the JSON API (`/api/v1/persons/{id}/cases`, `/api/v1/cases…`) with API
//! tokens — on SQLite and PostgreSQL: opening, reading (audited), status changes and notes with
//! their versions; token scopes; another team's or organisation's case answering 404 through
//! every endpoint; confidential notes hidden from those who may not read them; refusals in the
//! caller's language; the OpenAPI document.

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewTeam};
use domain::{OrganisationId, PersonId, TeamId, UserId};
use reqwest::Method;
use serde_json::{Value, json};
use store::Ts;
use store::audit::{AuditEvent, AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-cases-api";
const OTHER_ORG: &str = "autre-ccas";

fn in_days(days: i64) -> Ts {
    Ts::from(Ts::now().get() + time::Duration::days(days))
}

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    store::organisations::find_by_slug(&app.state.db, slug).await.unwrap().unwrap().id
}

async fn team(app: &TestApp, slug: &str, name: &str) -> TeamId {
    let new = NewTeam {
        id: TeamId::new(),
        organisation_id: org_id(app, slug).await,
        name: DisplayName::parse(name).unwrap(),
    };
    store::teams::insert(&app.state.db, &new, Ts::now()).await.unwrap().id
}

/// A user of `slug` with `role` in `teams` (team, supervises), and a token with `scopes`.
async fn member(
    app: &TestApp,
    email: &str,
    slug: &str,
    role: Role,
    teams: &[(TeamId, bool)],
    scopes: &str,
) -> (UserId, String) {
    let id = app.create_user(email, PASSWORD, Some((slug, role))).await;
    let db = &app.state.db;
    let org = org_id(app, slug).await;
    let membership = store::accounts::find_member_by_user(db, org, id).await.unwrap().unwrap();
    for (team, supervises) in teams {
        store::accounts::add_membership_team(db, membership.membership_id, *team, *supervises)
            .await
            .unwrap();
    }
    (id, app.api_token(id, slug, scopes, in_days(1)).await.1)
}

async fn person(app: &TestApp, slug: &str, name: &str) -> PersonId {
    let org = org_id(app, slug).await;
    let record = domain::persons::PersonRecord {
        birth_name: Some(name.to_owned()),
        first_names: Some("Hélène".to_owned()),
        ..Default::default()
    };
    let id = PersonId::new();
    let mut tx = app.state.db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, id, &record, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// A JSON request with a bearer token, in `lang`: (status, body, Location).
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
    let mut out: Vec<(String, String)> = body["error"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("fields in {body}"))
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_owned(), f["code"].as_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    out.sort();
    out
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

/// Everyone the tests need: a team with its worker (the referent), a colleague, a co-referent
/// and a supervisor; a manager; a worker of another team; the person and their case.
struct World {
    insertion: TeamId,
    referent: UserId,
    worker: String,
    colleague: String,
    co_referent: String,
    co_referent_id: UserId,
    supervisor: String,
    manager: String,
    other_team: String,
    person: PersonId,
    case: String,
}

async fn world(app: &TestApp) -> World {
    let all = "all";
    let (_, manager) = member(app, "manager@api.example", ORG, Role::Manager, &[], all).await;
    let insertion = team(app, ORG, "Insertion").await;
    let logement = team(app, ORG, "Logement").await;
    let (referent, worker) =
        member(app, "worker@api.example", ORG, Role::Worker, &[(insertion, false)], all).await;
    let (_, colleague) =
        member(app, "colleague@api.example", ORG, Role::Worker, &[(insertion, false)], all).await;
    let (co_referent_id, co_referent) =
        member(app, "co@api.example", ORG, Role::Worker, &[(logement, false)], all).await;
    let (_, supervisor) =
        member(app, "sup@api.example", ORG, Role::Supervisor, &[(insertion, true)], all).await;
    let (_, other_team) =
        member(app, "other@api.example", ORG, Role::Worker, &[(logement, false)], all).await;
    let person = person(app, ORG, "Dupont").await;
    let body = json!({
        "reason": "Dettes de loyer, risque d'expulsion",
        "team_id": insertion,
        "referent_id": referent,
        "co_referent_ids": [co_referent_id],
        "orientation_source": "social_landlord",
    });
    let path = format!("/api/v1/persons/{person}/cases");
    let (status, created, location) =
        call(app, Method::POST, &path, &worker, Some(body), "en").await;
    assert_eq!(status, 201, "{created}");
    let case = created["id"].as_str().unwrap().to_owned();
    assert_eq!(location.as_deref(), Some(format!("/api/v1/cases/{case}").as_str()));
    World {
        insertion,
        referent,
        worker,
        colleague,
        co_referent,
        co_referent_id,
        supervisor,
        manager,
        other_team,
        person,
        case,
    }
}

fn note_body(kind: &str, level: &str, body: &str) -> Value {
    json!({
        "occurred_at": "2026-01-15T10:30:00+01:00",
        "duration_minutes": 45,
        "place": "Domicile",
        "participants": "Mme Dupont, sa fille",
        "note_type": kind,
        "confidentiality": level,
        "body": body,
    })
}

/// Writes a note as `token`; returns its id.
async fn note(app: &TestApp, token: &str, case: &str, level: &str, body: &str) -> String {
    let path = format!("/api/v1/cases/{case}/notes");
    let (status, created, _) =
        call(app, Method::POST, &path, token, Some(note_body("home_visit", level, body)), "en")
            .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// The bodies of the notes in a timeline page.
fn bodies(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("entries in {page}"))
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| e["body"].as_str().unwrap_or("").to_owned())
        .collect()
}

engine_tests! {
    async fn a_worker_opens_a_case_and_writes_corrects_and_deletes_notes_through_the_api(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case_path = format!("/api/v1/cases/{}", w.case);

        // Reading the case is an audited opening of the file.
        let reads_before = events_of(&app, AuditAction::CaseFileRead).await.len();
        let (status, case, _) = call(&app, Method::GET, &case_path, &w.worker, None, "en").await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "open");
        assert_eq!(case["version"], 1);
        assert_eq!(case["team"]["id"], w.insertion.to_string().as_str());
        assert_eq!(case["referent"]["id"], w.referent.to_string().as_str());
        assert_eq!(case["co_referents"][0]["id"], w.co_referent_id.to_string().as_str());
        assert_eq!(case["person_id"], w.person.to_string().as_str());
        assert_eq!(case["orientation_source"], "social_landlord");
        assert_eq!(case["access"], json!({ "content": true, "write": true, "manage": true, "referent": true, "emergency": false }));
        let reads = events_of(&app, AuditAction::CaseFileRead).await;
        assert_eq!(reads.len(), reads_before + 1);
        assert_eq!(reads[0].subject_id.map(|u| u.to_string()), Some(w.case.clone()));
        let created = events_of(&app, AuditAction::RecordCreated).await;
        assert!(created.iter().any(|e| e.subject_id.map(|u| u.to_string()) == Some(w.case.clone())));

        // The person's cases.
        let (status, list, _) = call(&app, Method::GET, &format!("/api/v1/persons/{}/cases", w.person), &w.worker, None, "en").await;
        assert_eq!(status, 200);
        assert_eq!(list["cases"].as_array().unwrap().len(), 1);
        assert_eq!(list["cases"][0]["id"], w.case.as_str());

        // A note: written, on the timeline, read alone.
        let notes_path = format!("{case_path}/notes");
        let (status, written, location) = call(&app, Method::POST, &notes_path, &w.worker, Some(note_body("home_visit", "normal", "Visite : **loyer** payé.")), "en").await;
        assert_eq!(status, 201, "{written}");
        let id = written["id"].as_str().unwrap().to_owned();
        let note_path = format!("{notes_path}/{id}");
        assert_eq!(location.as_deref(), Some(note_path.as_str()));
        assert_eq!(written["occurred_at"], "2026-01-15T09:30:00.000000Z", "kept in UTC");
        assert_eq!(written["version"], 1);
        assert_eq!(written["kind"], "note");
        assert_eq!(written["duration_minutes"], 45);
        assert_eq!(written["confidentiality"], "normal");
        assert_eq!(written["author"]["id"], w.referent.to_string().as_str());
        let made = events_of(&app, AuditAction::RecordCreated).await;
        assert!(made.iter().all(|e| !e.details.clone().unwrap_or_default().contains("loyer")), "no text in the audit");
        let (status, page, _) = call(&app, Method::GET, &format!("{case_path}/timeline"), &w.worker, None, "en").await;
        assert_eq!(status, 200, "{page}");
        let kinds: Vec<&str> = page["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        // Newest first: the case was opened today, the visit took place in January.
        assert_eq!(kinds, ["status", "note"], "newest first: {page}");
        assert_eq!(page["entries"][0]["status"], "open");
        assert_eq!(page["next"], Value::Null);
        let (status, read, _) = call(&app, Method::GET, &note_path, &w.worker, None, "en").await;
        assert_eq!((status, read.clone()), (200, written.clone()));

        // Corrected with its version; the same version again is a conflict showing the note now.
        let (status, fixed, _) = call(&app, Method::PATCH, &note_path, &w.worker, Some(json!({ "version": 1, "body": "Visite : loyer **payé** en partie.", "place": null })), "en").await;
        assert_eq!(status, 200, "{fixed}");
        assert_eq!(fixed["version"], 2);
        assert_eq!(fixed["place"], Value::Null, "null empties it");
        assert_eq!(fixed["participants"], "Mme Dupont, sa fille", "left out is kept");
        assert_eq!(fixed["occurred_at"], written["occurred_at"]);
        assert_eq!(fixed["corrections"], 1);
        let (status, conflict, _) = call(&app, Method::PATCH, &note_path, &w.worker, Some(json!({ "version": 1, "body": "Autre chose" })), "en").await;
        assert_eq!(status, 409, "{conflict}");
        assert_eq!(conflict["error"]["code"], "version_conflict");
        assert_eq!(conflict["current"]["version"], 2);
        assert_eq!(conflict["current"]["body"], "Visite : loyer **payé** en partie.", "nothing overwritten");
        // Nothing to change: the note as it is.
        let (status, same, _) = call(&app, Method::PATCH, &note_path, &w.worker, Some(json!({ "version": 2 })), "en").await;
        assert_eq!((status, same["version"].clone()), (200, json!(2)));
        // A colleague of the team reads it but may not correct or delete it.
        let (status, _, _) = call(&app, Method::GET, &note_path, &w.colleague, None, "en").await;
        assert_eq!(status, 200);
        let (status, _, _) = call(&app, Method::PATCH, &note_path, &w.colleague, Some(json!({ "version": 2, "body": "x" })), "en").await;
        assert_eq!(status, 404);
        let (status, _, _) = call(&app, Method::DELETE, &note_path, &w.colleague, Some(json!({ "version": 2, "reason": "x" })), "en").await;
        assert_eq!(status, 404);

        // Deleted with a reason: a tombstone, the text gone.
        let (status, refused, _) = call(&app, Method::DELETE, &note_path, &w.worker, Some(json!({ "version": 2, "reason": "  " })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&refused), pairs(&[("reason", "required")]));
        let (status, stale, _) = call(&app, Method::DELETE, &note_path, &w.worker, Some(json!({ "version": 1, "reason": "Mauvais dossier" })), "en").await;
        assert_eq!(status, 409, "{stale}");
        assert_eq!(stale["current"]["version"], 2);
        let (status, gone, _) = call(&app, Method::DELETE, &note_path, &w.worker, Some(json!({ "version": 2, "reason": "Mauvais dossier" })), "en").await;
        assert_eq!(status, 200, "{gone}");
        assert_eq!(gone["body"], Value::Null);
        assert_eq!(gone["participants"], Value::Null);
        assert_eq!(gone["deleted"]["reason"], "Mauvais dossier");
        assert_eq!(gone["corrections"], 0, "earlier versions go too");
        let (status, _, _) = call(&app, Method::PATCH, &note_path, &w.worker, Some(json!({ "version": 3, "body": "x" })), "en").await;
        assert_eq!(status, 404, "a deleted note is not corrected");
        assert_eq!(events_of(&app, AuditAction::RecordDeleted).await.len(), 1);

        // The status: paused with the version, a stale version answers the case as it is now.
        let (status, missing, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "status": "paused" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&missing), pairs(&[("version", "required")]));
        let (status, paused, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 1, "status": "paused" })), "en").await;
        assert_eq!(status, 200, "{paused}");
        assert_eq!((paused["status"].clone(), paused["version"].clone()), (json!("paused"), json!(2)));
        let (status, conflict, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 1, "status": "closed", "closure_reason": "moved_away" })), "en").await;
        assert_eq!(status, 409, "{conflict}");
        assert_eq!(conflict["error"]["code"], "version_conflict");
        assert_eq!(conflict["current"]["version"], 2);
        assert_eq!(conflict["current"]["status"], "paused", "nothing overwritten");
        // Closing needs a reason of the list, said in the caller's language.
        let (status, refused, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 2, "status": "closed" })), "fr").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&refused), pairs(&[("closure_reason", "required")]));
        assert_eq!(message_of(&refused, "closure_reason"), "Choisissez le motif de fin de l'accompagnement.");
        let (status, refused, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 2, "status": "closed", "closure_reason": "bored" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&refused), pairs(&[("closure_reason", "unknown_value")]));
        let (status, closed, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 2, "status": "closed", "closure_reason": "moved_away" })), "en").await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["closure_reason"], "moved_away");
        assert!(closed["closed_at"].is_string());
        // A closed case only reopens, and takes no note until then.
        let (status, refused, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 3, "status": "paused" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&refused), pairs(&[("status", "not_allowed")]));
        let (status, closed_note, _) = call(&app, Method::POST, &notes_path, &w.worker, Some(note_body("phone", "normal", "x")), "en").await;
        assert_eq!(status, 409);
        assert_eq!(closed_note["error"]["code"], "case_closed");
        let (_, page, _) = call(&app, Method::GET, &format!("{case_path}/timeline?type=kind:status"), &w.worker, None, "en").await;
        let statuses: Vec<&str> = page["entries"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["closed", "paused", "open"]);
        let (status, reopened, _) = call(&app, Method::PATCH, &case_path, &w.worker, Some(json!({ "version": 3, "status": "open" })), "en").await;
        assert_eq!((status, reopened["closed_at"].clone()), (200, Value::Null));
    }

    async fn the_timeline_pages_with_a_cursor_and_filters_like_the_page(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        for i in 0..5 {
            note(&app, &w.worker, &w.case, "normal", &format!("Note {i}")).await;
        }
        let path = format!("/api/v1/cases/{}/notes", w.case);
        let (status, _, _) = call(&app, Method::POST, &path, &w.worker, Some(note_body("phone", "normal", "Au téléphone")), "en").await;
        assert_eq!(status, 201);
        let timeline = format!("/api/v1/cases/{}/timeline", w.case);
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let url = match &next {
                Some(c) => format!("{timeline}?limit=2&before={c}"),
                None => format!("{timeline}?limit=2"),
            };
            let (status, page, _) = call(&app, Method::GET, &url, &w.worker, None, "en").await;
            assert_eq!(status, 200, "{page}");
            assert!(page["entries"].as_array().unwrap().len() <= 2);
            seen.extend(page["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
            match page["next"].as_str() {
                Some(c) => next = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7, "six notes and the opening, each once: {seen:?}");
        let mut unique = seen.clone();
        unique.dedup();
        assert_eq!(unique.len(), 7);
        let (_, phone, _) = call(&app, Method::GET, &format!("{timeline}?type=phone"), &w.worker, None, "en").await;
        assert_eq!(bodies(&phone), ["Au téléphone"]);
        let (_, plan, _) = call(&app, Method::GET, &format!("{timeline}?type=kind:plan"), &w.worker, None, "en").await;
        assert_eq!(plan["entries"], json!([]));
        let (status, bad, _) = call(&app, Method::GET, &format!("{timeline}?limit=500&before=nope"), &w.worker, None, "fr").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&bad), pairs(&[("before", "cursor_invalid"), ("limit", "out_of_range")]));
        assert_eq!(message_of(&bad, "limit"), "Un nombre d'entrées de 1 à 100.");
    }

    async fn confidential_notes_never_reach_those_who_may_not_read_them(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let normal = note(&app, &w.worker, &w.case, "normal", "Visite normale").await;
        let referents = note(&app, &w.worker, &w.case, "referents", "Violences évoquées").await;
        let author = note(&app, &w.worker, &w.case, "author", "Mon impression").await;
        let timeline = format!("/api/v1/cases/{}/timeline", w.case);
        let note_path = |id: &str| format!("/api/v1/cases/{}/notes/{id}", w.case);
        let cases: [(&str, &str, &[&str]); 5] = [
            ("the author", w.worker.as_str(), &["Mon impression", "Violences évoquées", "Visite normale"]),
            ("a co-referent of another team", w.co_referent.as_str(), &["Violences évoquées", "Visite normale"]),
            ("a colleague of the team", w.colleague.as_str(), &["Visite normale"]),
            ("the team's supervisor", w.supervisor.as_str(), &["Visite normale"]),
            ("a manager who supervises nothing", w.manager.as_str(), &[]),
        ];
        for (who, token, expected) in cases {
            let (status, page, _) = call(&app, Method::GET, &timeline, token, None, "en").await;
            assert_eq!(status, 200, "{who}: {page}");
            assert_eq!(bodies(&page), *expected, "{who}");
            // Status changes are the case's metadata: everyone who sees the case sees them.
            assert!(page["entries"].as_array().unwrap().iter().any(|e| e["kind"] == "status"), "{who}");
            let text = page.to_string();
            for hidden in ["Mon impression", "Violences évoquées", "Visite normale"] {
                if !expected.contains(&hidden) {
                    assert!(!text.contains(hidden), "{who} never gets {hidden}: {text}");
                }
            }
            // One by one, the same decision.
            for (id, body) in [(&normal, "Visite normale"), (&referents, "Violences évoquées"), (&author, "Mon impression")] {
                let (status, read, _) = call(&app, Method::GET, &note_path(id), token, None, "en").await;
                if expected.contains(&body) {
                    assert_eq!((status, read["body"].as_str()), (200, Some(body)), "{who} reads {body}");
                } else {
                    assert_eq!(status, 404, "{who} does not read {body}: {read}");
                    assert!(!read.to_string().contains(body));
                }
            }
        }
        // The manager sees the case's record without its content.
        let (status, case, _) = call(&app, Method::GET, &format!("/api/v1/cases/{}", w.case), &w.manager, None, "en").await;
        assert_eq!(status, 200);
        assert_eq!(case["access"]["content"], false);
        assert_eq!(case["access"]["manage"], true);
        let (_, list, _) = call(&app, Method::GET, &format!("/api/v1/persons/{}/cases", w.person), &w.manager, None, "en").await;
        assert_eq!(list["cases"][0]["access"]["content"], false);
        // Each reading of the timeline and of a note was audited, with whether content showed.
        let reads = events_of(&app, AuditAction::CaseFileRead).await;
        assert!(reads.len() >= 5 + 8, "{}", reads.len());
        assert!(reads.iter().any(|e| e.details.clone().unwrap_or_default().contains("\"content\":false")));
    }

    async fn another_teams_or_organisations_case_answers_404_through_every_endpoint(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = note(&app, &w.worker, &w.case, "normal", "Visite").await;
        let (_, stranger) = member(&app, "stranger@autre.example", OTHER_ORG, Role::Worker, &[], "all").await;
        let case = format!("/api/v1/cases/{}", w.case);
        let note_path = format!("{case}/notes/{id}");
        let requests: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, case.clone(), None),
            (Method::PATCH, case.clone(), Some(json!({ "version": 1, "status": "paused" }))),
            (Method::GET, format!("{case}/timeline"), None),
            (Method::POST, format!("{case}/notes"), Some(note_body("phone", "normal", "Intrusion"))),
            (Method::GET, note_path.clone(), None),
            (Method::PATCH, note_path.clone(), Some(json!({ "version": 1, "body": "Intrusion" }))),
            (Method::DELETE, note_path.clone(), Some(json!({ "version": 1, "reason": "Intrusion" }))),
            // A malformed id is as unknown.
            (Method::GET, "/api/v1/cases/not-a-uuid".to_owned(), None),
        ];
        for (who, token) in [("a worker of another team", &w.other_team), ("a worker of another organisation", &stranger)] {
            for (method, path, body) in &requests {
                let (status, answer, _) = call(&app, method.clone(), path, token, body.clone(), "en").await;
                assert_eq!(status, 404, "{who}: {method} {path}: {answer}");
                assert_eq!(answer["error"]["code"], "not_found");
            }
        }
        // The other team's worker lists the person's cases without this one; the other
        // organisation does not know the person.
        let persons_cases = format!("/api/v1/persons/{}/cases", w.person);
        let (status, list, _) = call(&app, Method::GET, &persons_cases, &w.other_team, None, "en").await;
        assert_eq!((status, list), (200, json!({ "cases": [] })));
        let (status, _, _) = call(&app, Method::GET, &persons_cases, &stranger, None, "en").await;
        assert_eq!(status, 404);
        let (status, _, _) = call(&app, Method::POST, &persons_cases, &stranger, Some(json!({ "reason": "x" })), "en").await;
        assert_eq!(status, 404);
        // Nothing changed.
        let (_, page, _) = call(&app, Method::GET, &format!("{case}/timeline"), &w.worker, None, "en").await;
        assert!(!page.to_string().contains("Intrusion"));
        assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    }

    async fn token_scopes_narrow_what_the_api_allows(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = note(&app, &w.worker, &w.case, "normal", "Visite").await;
        let case = format!("/api/v1/cases/{}", w.case);
        let persons_cases = format!("/api/v1/persons/{}/cases", w.person);
        let note_path = format!("{case}/notes/{id}");
        let reads: Vec<(Method, String, &str)> = vec![
            (Method::GET, persons_cases.clone(), "cases:read"),
            (Method::GET, case.clone(), "cases:read"),
            (Method::GET, format!("{case}/timeline"), "notes:read"),
            (Method::GET, note_path.clone(), "notes:read"),
        ];
        let writes: Vec<(Method, String, Value, &str)> = vec![
            (Method::POST, persons_cases.clone(), json!({}), "cases:write"),
            (Method::PATCH, case.clone(), json!({}), "cases:write"),
            (Method::POST, format!("{case}/notes"), json!({}), "notes:write"),
            (Method::PATCH, note_path.clone(), json!({}), "notes:write"),
            (Method::DELETE, note_path.clone(), json!({}), "notes:write"),
        ];
        for scopes in ["persons:write", "cases:read", "cases:write", "notes:read", "notes:write", "cases:write,notes:write"] {
            let token = app.api_token(w.referent, ORG, scopes, in_days(1)).await.1;
            let granted: Vec<&str> = scopes.split(',').collect();
            for (method, path, needs) in &reads {
                let write = needs.replace(":read", ":write");
                let allowed = granted.contains(needs) || granted.contains(&write.as_str());
                let (status, body, _) = call(&app, method.clone(), path, &token, None, "en").await;
                if allowed {
                    assert_eq!(status, 200, "{scopes}: {method} {path}: {body}");
                } else {
                    assert_eq!(status, 403, "{scopes}: {method} {path}: {body}");
                    assert_eq!(body["error"]["code"], "forbidden");
                }
            }
            for (method, path, body, needs) in &writes {
                let (status, answer, _) = call(&app, method.clone(), path, &token, Some(body.clone()), "en").await;
                if granted.contains(needs) {
                    // Allowed through: the empty body is refused on its merits.
                    assert_eq!(status, 422, "{scopes}: {method} {path}: {answer}");
                } else {
                    assert_eq!(status, 403, "{scopes}: {method} {path}: {answer}");
                }
            }
        }
    }

    async fn refused_notes_answer_422_in_the_callers_language_and_write_nothing(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/api/v1/cases/{}/notes", w.case);
        let body = json!({
            "occurred_at": "yesterday",
            "duration_minutes": 5000,
            "place": "x".repeat(201),
            "note_type": "carrier_pigeon",
            "confidentiality": "secret",
            "body": "  ",
        });
        let expected = pairs(&[
            ("occurred_at", "date_invalid"),
            ("duration_minutes", "duration_invalid"),
            ("place", "too_long"),
            ("note_type", "unknown_value"),
            ("confidentiality", "unknown_value"),
            ("body", "required"),
        ]);
        let (status, en, _) = call(&app, Method::POST, &path, &w.worker, Some(body.clone()), "en").await;
        assert_eq!(status, 422, "{en}");
        assert_eq!(en["error"]["code"], "validation_failed");
        assert_eq!(codes(&en), expected);
        assert_eq!(message_of(&en, "body"), "Write the note.");
        assert_eq!(message_of(&en, "duration_minutes"), "A duration in minutes, from 0 to 1440.");
        let (status, fr, _) = call(&app, Method::POST, &path, &w.worker, Some(body), "fr").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&fr), expected);
        assert_eq!(fr["error"]["message"], "Certains champs ont été refusés : chacun figure dans « fields » avec la raison.");
        assert!(message_of(&fr, "occurred_at").starts_with("Ce n'est pas une date et une heure"), "{fr}");
        assert_ne!(message_of(&fr, "body"), message_of(&en, "body"));
        // A date in the future, a missing date.
        let future = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let (status, later, _) = call(&app, Method::POST, &path, &w.worker, Some(json!({ "occurred_at": future, "note_type": "phone", "confidentiality": "normal", "body": "Demain" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&later), pairs(&[("occurred_at", "date_in_future")]));
        let (status, missing, _) = call(&app, Method::POST, &path, &w.worker, Some(json!({ "note_type": "phone", "confidentiality": "normal", "body": "Quand ?" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&missing), pairs(&[("occurred_at", "required")]));
        // Not JSON, not the shape.
        let res = TestApp::new_client().post(app.url(&path)).bearer_auth(&w.worker).body("body=x").send().await.unwrap();
        assert_eq!(res.status(), 415);
        let (status, unknown, _) = call(&app, Method::POST, &path, &w.worker, Some(json!({ "shoe_size": 42 })), "en").await;
        assert_eq!((status, unknown["error"]["code"].clone()), (400, json!("invalid_body")));
        // Opening: every refused field named.
        let (status, open, _) = call(&app, Method::POST, &format!("/api/v1/persons/{}/cases", w.person), &w.worker, Some(json!({ "reason": "", "team_id": TeamId::new(), "referent_id": w.referent, "co_referent_ids": [w.referent] })), "en").await;
        assert_eq!(status, 422, "{open}");
        assert_eq!(codes(&open), pairs(&[("co_referent_ids", "referent_is_co_referent"), ("reason", "required"), ("team_id", "unknown_value")]));
        let (_, page, _) = call(&app, Method::GET, &format!("/api/v1/cases/{}/timeline", w.case), &w.worker, None, "en").await;
        assert_eq!(bodies(&page), Vec::<String>::new(), "nothing written");
        let (_, list, _) = call(&app, Method::GET, &format!("/api/v1/persons/{}/cases", w.person), &w.worker, None, "en").await;
        assert_eq!(list["cases"].as_array().unwrap().len(), 1, "nothing opened");
        let _ = w.co_referent_id;
    }

    async fn assessments_are_recorded_read_and_corrected_with_their_version(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/api/v1/cases/{}/assessments", w.case);
        let body = json!({
            "assessed_on": "2026-11-20",
            "ratings": [
                { "domain": "housing", "need": 4, "person": 3, "person_words": "Je vais être expulsée", "priority": true },
                { "domain": "budget", "need": 3, "strengths": "Tient un carnet de comptes" },
            ],
        });
        let (status, made, location) = call(&app, Method::POST, &path, &w.worker, Some(body), "en").await;
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_str().unwrap().to_owned();
        assert_eq!(location.as_deref(), Some(format!("{path}/{id}").as_str()));
        assert_eq!(made["assessed_on"], "2026-11-20");
        assert_eq!(made["version"], 1);
        let housing = made["ratings"].as_array().unwrap().iter().find(|r| r["domain"] == "housing").unwrap().clone();
        assert_eq!(housing, json!({ "domain": "housing", "need": 4, "person": 3, "person_words": "Je vais être expulsée", "strengths": null, "priority": true }));
        // Listed, read alone (audited), and on the timeline.
        let (status, list, _) = call(&app, Method::GET, &path, &w.supervisor, None, "en").await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["assessments"].as_array().unwrap().len(), 1);
        let one = format!("{path}/{id}");
        let (status, read, _) = call(&app, Method::GET, &one, &w.colleague, None, "en").await;
        assert_eq!((status, read.clone()), (200, made.clone()));
        let reads = events_of(&app, AuditAction::CaseFileRead).await;
        assert!(reads.iter().any(|e| e.details.clone().unwrap_or_default().contains(&id)), "the reading of {id} is audited");
        let (_, events, _) = call(&app, Method::GET, &format!("/api/v1/cases/{}/timeline?type=kind:assessment", w.case), &w.worker, None, "en").await;
        assert_eq!(events["entries"][0]["subject_id"], id.as_str());
        assert_eq!(events["entries"][0]["detail"], "added");
        // Corrected with the version: the ratings sent replace the ones stored.
        let fix = json!({ "version": 1, "ratings": [{ "domain": "housing", "need": 2, "person": 2 }] });
        let (status, fixed, _) = call(&app, Method::PATCH, &one, &w.worker, Some(fix), "en").await;
        assert_eq!(status, 200, "{fixed}");
        assert_eq!(fixed["version"], 2);
        assert_eq!(fixed["assessed_on"], "2026-11-20", "left out is kept");
        assert_eq!(fixed["ratings"].as_array().unwrap().len(), 1);
        let (status, conflict, _) = call(&app, Method::PATCH, &one, &w.worker, Some(json!({ "version": 1, "assessed_on": "2026-11-19" })), "en").await;
        assert_eq!(status, 409, "{conflict}");
        assert_eq!(conflict["error"]["code"], "version_conflict");
        assert_eq!(conflict["current"]["version"], 2);
        assert_eq!(conflict["current"]["ratings"][0]["need"], 2, "nothing overwritten");
        let (status, missing, _) = call(&app, Method::PATCH, &one, &w.worker, Some(json!({ "assessed_on": "2026-11-19" })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&missing), pairs(&[("version", "required")]));
        // Refusals, in the caller's language, and nothing recorded.
        let bad = json!({
            "assessed_on": "2999-01-01",
            "ratings": [
                { "domain": "housing", "need": 7 },
                { "domain": "astrology", "need": 1 },
            ],
        });
        let (status, fr, _) = call(&app, Method::POST, &path, &w.worker, Some(bad), "fr").await;
        assert_eq!(status, 422, "{fr}");
        assert_eq!(codes(&fr), pairs(&[("assessed_on", "date_in_future"), ("ratings.astrology.need", "unknown_value"), ("ratings.housing.need", "level_invalid")]));
        assert_eq!(message_of(&fr, "ratings.housing.need"), "Un niveau de 0 (aucun besoin) à 4 (critique), ou null.");
        let (status, nothing, _) = call(&app, Method::POST, &path, &w.worker, Some(json!({ "assessed_on": "20/11/2026", "ratings": [{ "domain": "housing", "need": 1 }] })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&nothing), pairs(&[("assessed_on", "date_invalid")]));
        let (status, nothing, _) = call(&app, Method::POST, &path, &w.worker, Some(json!({ "assessed_on": "2026-11-20", "ratings": [{ "domain": "housing", "strengths": "Famille" }] })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&nothing), pairs(&[("ratings", "nothing_assessed")]));
        let (_, list, _) = call(&app, Method::GET, &path, &w.worker, None, "en").await;
        assert_eq!(list["assessments"].as_array().unwrap().len(), 1);
        // Who may not read the content gets 404: another team, the manager.
        for token in [&w.other_team, &w.manager] {
            for (method, url, body) in [
                (Method::GET, path.clone(), None),
                (Method::GET, one.clone(), None),
                (Method::POST, path.clone(), Some(json!({ "assessed_on": "2026-11-20", "ratings": [{ "domain": "housing", "need": 1 }] }))),
                (Method::PATCH, one.clone(), Some(json!({ "version": 2, "assessed_on": "2026-11-19" }))),
            ] {
                let (status, answer, _) = call(&app, method.clone(), &url, token, body, "en").await;
                assert_eq!(status, 404, "{method} {url}: {answer}");
                assert!(!answer.to_string().contains("expulsée"));
            }
        }
    }

    async fn the_plan_takes_goals_steps_and_victories_with_versions(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let plan = format!("/api/v1/cases/{}/plan", w.case);
        let (status, empty, _) = call(&app, Method::GET, &plan, &w.worker, None, "en").await;
        assert_eq!(status, 200, "{empty}");
        assert_eq!(empty, json!({ "goals": [], "victories": [], "agreement": null, "changed_since_agreement": false }));
        // A goal in the person's words.
        let (status, goal, _) = call(&app, Method::POST, &format!("{plan}/goals"), &w.worker, Some(json!({ "person_words": "Garder mon logement", "worker_words": "Prévenir l'expulsion", "domains": ["housing", "budget"] })), "en").await;
        assert_eq!(status, 201, "{goal}");
        assert_eq!(goal["status"], "active");
        assert_eq!(goal["version"], 1);
        let goal_id = goal["id"].as_str().unwrap().to_owned();
        // A step under it; then changed with its version.
        let steps = format!("{plan}/goals/{goal_id}/steps");
        let (status, step, _) = call(&app, Method::POST, &steps, &w.worker, Some(json!({ "action": "Appeler le bailleur", "owner": "person", "due_on": "2020-01-10" })), "en").await;
        assert_eq!(status, 201, "{step}");
        assert_eq!((step["status"].clone(), step["overdue"].clone()), (json!("planned"), json!(true)));
        let step_path = format!("{plan}/steps/{}", step["id"].as_str().unwrap());
        let (status, done, _) = call(&app, Method::PATCH, &step_path, &w.worker, Some(json!({ "version": 1, "status": "done", "due_on": null })), "en").await;
        assert_eq!(status, 200, "{done}");
        assert_eq!((done["status"].clone(), done["version"].clone(), done["due_on"].clone()), (json!("done"), json!(2), Value::Null));
        assert_eq!(done["action"], "Appeler le bailleur", "left out is kept");
        let (status, conflict, _) = call(&app, Method::PATCH, &step_path, &w.colleague, Some(json!({ "version": 1, "status": "abandoned" })), "en").await;
        assert_eq!(status, 409, "{conflict}");
        assert_eq!(conflict["current"]["status"], "done", "the colleague's stale change writes nothing");
        let (status, refused, _) = call(&app, Method::PATCH, &step_path, &w.worker, Some(json!({ "version": 2, "owner": "person", "partner_name": "CAF" })), "fr").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&refused), pairs(&[("partner_name", "partner_name_without_partner")]));
        // The goal achieved, with its version.
        let goal_path = format!("{plan}/goals/{goal_id}");
        let (status, achieved, _) = call(&app, Method::PATCH, &goal_path, &w.worker, Some(json!({ "version": 1, "status": "achieved", "worker_words": null })), "en").await;
        assert_eq!(status, 200, "{achieved}");
        assert_eq!((achieved["status"].clone(), achieved["version"].clone(), achieved["worker_words"].clone()), (json!("achieved"), json!(2), Value::Null));
        assert_eq!(achieved["domains"], json!(["budget", "housing"]));
        let (status, stale, _) = call(&app, Method::PATCH, &goal_path, &w.worker, Some(json!({ "version": 1, "person_words": "Autre" })), "en").await;
        assert_eq!((status, stale["current"]["person_words"].clone()), (409, json!("Garder mon logement")));
        // A victory of that goal.
        let (status, victory, _) = call(&app, Method::POST, &format!("{plan}/victories"), &w.worker, Some(json!({ "occurred_on": "2026-11-02", "person_words": "J'ai appelé moi-même", "goal_id": goal_id })), "en").await;
        assert_eq!(status, 201, "{victory}");
        assert_eq!(victory["goal_id"], goal_id.as_str());
        let (status, bad, _) = call(&app, Method::POST, &format!("{plan}/victories"), &w.worker, Some(json!({ "occurred_on": "2999-01-01", "person_words": " ", "goal_id": uuid::Uuid::now_v7() })), "fr").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&bad), pairs(&[("goal_id", "unknown_goal"), ("occurred_on", "date_in_future"), ("person_words", "required")]));
        assert_eq!(message_of(&bad, "person_words"), "Écrivez-le avec les mots de la personne.");
        let (status, bad, _) = call(&app, Method::POST, &format!("{plan}/goals"), &w.worker, Some(json!({ "domains": ["astrology"] })), "en").await;
        assert_eq!(status, 422);
        assert_eq!(codes(&bad), pairs(&[("domains", "unknown_value"), ("person_words", "required")]));
        // The whole plan, and its events on the timeline.
        let (_, whole, _) = call(&app, Method::GET, &plan, &w.supervisor, None, "en").await;
        assert_eq!(whole["goals"].as_array().unwrap().len(), 1);
        assert_eq!(whole["goals"][0]["steps"][0]["status"], "done");
        assert_eq!(whole["victories"][0]["person_words"], "J'ai appelé moi-même");
        let (_, events, _) = call(&app, Method::GET, &format!("/api/v1/cases/{}/timeline?type=kind:plan", w.case), &w.worker, None, "en").await;
        let details: Vec<String> = events["entries"].as_array().unwrap().iter().map(|e| format!("{}-{}", e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap())).collect();
        assert_eq!(details, ["goal-achieved", "step-done", "step-added", "goal-added"]);
        let (_, wins, _) = call(&app, Method::GET, &format!("/api/v1/cases/{}/timeline?type=kind:victory", w.case), &w.worker, None, "en").await;
        assert_eq!(wins["entries"][0]["summary"], "J'ai appelé moi-même");
        // Another team's worker and the manager: 404 through every endpoint, nothing written.
        for token in [&w.other_team, &w.manager] {
            for (method, url, body) in [
                (Method::GET, plan.clone(), None),
                (Method::POST, format!("{plan}/goals"), Some(json!({ "person_words": "Intrusion" }))),
                (Method::PATCH, goal_path.clone(), Some(json!({ "version": 2, "person_words": "Intrusion" }))),
                (Method::POST, steps.clone(), Some(json!({ "action": "Intrusion", "owner": "worker" }))),
                (Method::PATCH, step_path.clone(), Some(json!({ "version": 2, "action": "Intrusion" }))),
                (Method::POST, format!("{plan}/victories"), Some(json!({ "occurred_on": "2026-11-02", "person_words": "Intrusion" }))),
            ] {
                let (status, answer, _) = call(&app, method.clone(), &url, token, body, "en").await;
                assert_eq!(status, 404, "{method} {url}: {answer}");
            }
        }
        let (_, after, _) = call(&app, Method::GET, &plan, &w.worker, None, "en").await;
        assert!(!after.to_string().contains("Intrusion"));
        // Narrow tokens: reading the plan needs cases:read, changing it cases:write.
        let notes_only = app.api_token(w.referent, ORG, "notes:write", in_days(1)).await.1;
        let (status, _, _) = call(&app, Method::GET, &plan, &notes_only, None, "en").await;
        assert_eq!(status, 403);
        let read_only = app.api_token(w.referent, ORG, "cases:read", in_days(1)).await.1;
        let (status, _, _) = call(&app, Method::GET, &plan, &read_only, None, "en").await;
        assert_eq!(status, 200);
        let (status, _, _) = call(&app, Method::POST, &format!("{plan}/goals"), &read_only, Some(json!({ "person_words": "x" })), "en").await;
        assert_eq!(status, 403);
    }

    async fn the_openapi_document_describes_every_case_file_operation(db) {
        let app = TestApp::spawn(db).await;
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let rules = web::startup::routes().rules().to_vec();
        let operations = [
            ("get", "/api/v1/persons/{person_id}/cases", "cases:read"),
            ("post", "/api/v1/persons/{person_id}/cases", "cases:write"),
            ("get", "/api/v1/cases/{case_id}", "cases:read"),
            ("patch", "/api/v1/cases/{case_id}", "cases:write"),
            ("get", "/api/v1/cases/{case_id}/timeline", "notes:read"),
            ("post", "/api/v1/cases/{case_id}/notes", "notes:write"),
            ("get", "/api/v1/cases/{case_id}/notes/{entry_id}", "notes:read"),
            ("patch", "/api/v1/cases/{case_id}/notes/{entry_id}", "notes:write"),
            ("delete", "/api/v1/cases/{case_id}/notes/{entry_id}", "notes:write"),
            ("get", "/api/v1/cases/{case_id}/assessments", "cases:read"),
            ("post", "/api/v1/cases/{case_id}/assessments", "cases:write"),
            ("get", "/api/v1/cases/{case_id}/assessments/{assessment_id}", "cases:read"),
            ("patch", "/api/v1/cases/{case_id}/assessments/{assessment_id}", "cases:write"),
            ("get", "/api/v1/cases/{case_id}/plan", "cases:read"),
            ("post", "/api/v1/cases/{case_id}/plan/goals", "cases:write"),
            ("patch", "/api/v1/cases/{case_id}/plan/goals/{goal_id}", "cases:write"),
            ("post", "/api/v1/cases/{case_id}/plan/goals/{goal_id}/steps", "cases:write"),
            ("patch", "/api/v1/cases/{case_id}/plan/steps/{step_id}", "cases:write"),
            ("post", "/api/v1/cases/{case_id}/plan/victories", "cases:write"),
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
        let params: Vec<&str> = doc["paths"]["/api/v1/cases/{case_id}/timeline"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(params, ["case_id", "type", "before", "limit"]);
        let schemas = &doc["components"]["schemas"];
        for schema in ["CaseOut", "CaseList", "NewCaseIn", "CaseStatusIn", "CaseConflict", "EntryOut", "TimelineOut", "NoteIn", "NotePatch", "NoteDeletion", "NoteConflict", "AssessmentOut", "AssessmentIn", "AssessmentPatch", "AssessmentConflict", "PlanOut", "GoalOut", "StepOut", "VictoryOut", "GoalIn", "GoalPatch", "StepIn", "StepPatch", "VictoryIn", "GoalConflict", "StepConflict"] {
            assert!(schemas[schema].is_object(), "{schema} is in the document");
        }
    }
}
