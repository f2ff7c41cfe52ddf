//! Intake at the desk, urgency flags and the team queue — on SQLite and PostgreSQL.

use domain::TeamId;
use domain::accounts::Role;
use domain::organisations::{DisplayName, NewTeam};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-a";

async fn user(
    app: &TestApp,
    email: &str,
    role: Role,
    team: Option<TeamId>,
) -> (reqwest::Client, String) {
    let id = app.create_user(email, PASSWORD, Some((ORG, role))).await;
    let db = &app.state.db;
    if let Some(team) = team {
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let member = store::accounts::find_member_by_user(db, org, id).await.unwrap().unwrap();
        store::accounts::add_membership_team(db, member.membership_id, team, false).await.unwrap();
    }
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, email, PASSWORD).await.status(), 303);
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    (client, csrf_in(&html).unwrap())
}

async fn team(app: &TestApp, name: &str) -> TeamId {
    // The organisation exists once a user of it does.
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let new = NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse(name).unwrap(),
    };
    store::teams::insert(db, &new, Ts::now()).await.unwrap().id
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

async fn person(app: &TestApp, client: &reqwest::Client, csrf: &str, name: &str) -> String {
    let res =
        post(app, client, "/persons/new", csrf, &[("birth_name", name), ("first_names", "Test")])
            .await;
    assert_eq!(res.status(), 303);
    res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/persons/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    &html[at..at + html[at..].find(end).unwrap()]
}

engine_tests! {
    async fn an_urgency_raised_at_the_desk_tops_the_team_queue_until_taken_in_hand(db) {
        let app = TestApp::spawn(db).await;
        let (desk, dcsrf) = user(&app, "accueil@x.example", Role::Reception, None).await;
        let housing = team(&app, "Pôle logement").await;
        let other = team(&app, "Pôle seniors").await;
        let (worker, wcsrf) = user(&app, "worker@x.example", Role::Worker, Some(housing)).await;
        let (elsewhere, _) = user(&app, "seniors@x.example", Role::Worker, Some(other)).await;
        let waiting = person(&app, &desk, &dcsrf, "Attente").await;
        let urgent = person(&app, &desk, &dcsrf, "Urgence").await;
        // First a visit that waits for the team, then an eviction flagged as urgent.
        let h = housing.to_string();
        let res = post(&app, &desk, &format!("/persons/{waiting}/visit"), &dcsrf, &[("reason", "Dossier de logement social"), ("outcome", "appointment_requested"), ("team", &h)]).await;
        assert_eq!(res.status(), 303);
        let res = post(&app, &desk, &format!("/persons/{urgent}/visit"), &dcsrf, &[("reason", "Commandement de quitter les lieux"), ("outcome", "appointment_requested"), ("team", &h), ("flag", "imminent_eviction"), ("flag_note", "Expulsion prévue vendredi")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], format!("/persons/{urgent}?visit=1"));

        // The team is told; another team is not.
        let bell = worker.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&bell).contains("a signalé une urgence dans ccas-a : Expulsion imminente"), "{}", visible_text(&bell));
        let quiet = elsewhere.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(!quiet.contains("Expulsion imminente"));

        // The urgent person comes first, before the visit that was there earlier.
        let queue = worker.get(app.url("/queue")).send().await.unwrap().text().await.unwrap();
        let first = queue.find(&format!("/persons/{urgent}")).unwrap();
        let second = queue.find(&format!("/persons/{waiting}")).unwrap();
        assert!(first < second, "the unacknowledged urgency tops the queue");
        assert!(visible_text(&queue).contains("Urgent, pas encore pris en charge Expulsion imminente"));
        let elsewhere_queue = elsewhere.get(app.url("/queue")).send().await.unwrap().text().await.unwrap();
        assert!(!elsewhere_queue.contains(&format!("/persons/{urgent}")), "another team's queue");

        // Taking it in hand needs a review date today or later.
        let flag_form = between(&queue, "action=\"/flags/", "/acknowledge\"").to_owned();
        let res = post(&app, &worker, &format!("/flags/{flag_form}/acknowledge"), &wcsrf, &[("version", "1"), ("back", "queue"), ("review_date", "01/01/2020")]).await;
        assert_eq!(res.headers()["location"], "/queue?flag=review");
        let res = post(&app, &worker, &format!("/flags/{flag_form}/acknowledge"), &wcsrf, &[("version", "1"), ("back", "queue"), ("review_date", "31/12/2099")]).await;
        assert_eq!(res.headers()["location"], "/queue?flag=acknowledged");
        let res = post(&app, &worker, &format!("/flags/{flag_form}/acknowledge"), &wcsrf, &[("version", "1"), ("review_date", "31/12/2099")]).await;
        assert_eq!(res.headers()["location"], format!("/persons/{urgent}?flag=stale"), "a stale version changes nothing");
        let queue = worker.get(app.url("/queue")).send().await.unwrap().text().await.unwrap();
        let first = queue.find(&format!("/persons/{urgent}")).unwrap();
        let second = queue.find(&format!("/persons/{waiting}")).unwrap();
        assert!(second < first, "taken in hand, it no longer comes first");
        let page = worker.get(app.url(&format!("/persons/{urgent}"))).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&page).contains("Expulsion imminente — prise en charge, à réexaminer le 31/12/2099"), "{}", visible_text(&page));
        assert!(visible_text(&page).contains("Commandement de quitter les lieux"));

        // Closed, it leaves the queue; the visits are taken in hand one by one.
        let res = post(&app, &worker, &format!("/flags/{flag_form}/close"), &wcsrf, &[("version", "2"), ("close_note", "Relogé chez sa sœur")]).await;
        assert_eq!(res.headers()["location"], format!("/persons/{urgent}?flag=closed"));
        let queue = worker.get(app.url("/queue")).send().await.unwrap().text().await.unwrap();
        assert!(!visible_text(&queue).contains("Expulsion imminente"));
        let visit = between(&queue, "action=\"/visits/", "/handle\"").to_owned();
        let res = post(&app, &worker, &format!("/visits/{visit}/handle"), &wcsrf, &[("version", "1")]).await;
        assert_eq!(res.headers()["location"], "/queue?visit=handled");
        let res = post(&app, &worker, &format!("/visits/{visit}/handle"), &wcsrf, &[("version", "1")]).await;
        assert_eq!(res.headers()["location"], "/queue?visit=stale");
    }

    async fn the_visit_form_refuses_what_is_missing_and_keeps_what_was_typed(db) {
        let app = TestApp::spawn(db).await;
        let (desk, csrf) = user(&app, "accueil@x.example", Role::Reception, None).await;
        let p = person(&app, &desk, &csrf, "Martin").await;
        let res = post(&app, &desk, &format!("/persons/{p}/visit"), &csrf, &[("reason", ""), ("note", "Revient jeudi"), ("flag", "no_food")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Indiquez pourquoi la personne est venue."), "{text}");
        assert!(text.contains("Choisissez la suite donnée."));
        assert!(text.contains("Choisissez l'équipe à prévenir de l'urgence."));
        assert!(html.contains("Revient jeudi"));
        assert!(html.contains("value=\"no_food\" checked"));
        let res = post(&app, &desk, &format!("/persons/{p}/visit"), &csrf, &[("reason", "Question sur la CAF"), ("outcome", "information_given")]).await;
        assert_eq!(res.status(), 303, "information given needs no team");
        let queue = desk.get(app.url("/queue")).send().await.unwrap().text().await.unwrap();
        assert!(!queue.contains(&format!("/persons/{p}")), "answered at the desk: nothing waits");
        let res = post(&app, &desk, &format!("/persons/{p}/visit"), &csrf, &[("reason", "x"), ("outcome", "other"), ("flag", "castle")]).await;
        assert_eq!(res.status(), 422);
    }
}
