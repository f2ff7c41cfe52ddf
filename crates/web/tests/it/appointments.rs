//! Appointments on the web — on SQLite and PostgreSQL: booking from a case with refused values
//! kept, the conflict shown then booked knowingly, the week view and the team's, details for
//! those who follow only, done opening a prefilled note, missed and cancelled on the timeline,
//! the `.ics` download, and the private feed (initials by default, names when chosen, 404 once
//! revoked or for a made-up token, the token never in the log).

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, open_case_for, team_of, visible_text};

const ORG: &str = "ccas-agenda";

/// yyyy-mm-dd, `days` from today (UTC).
fn day(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(days)).to_string()
}

async fn post(app: &TestApp, b: &Browser, fields: &[(&'static str, String)]) -> reqwest::Response {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(app, "/appointments/new", &borrowed).await
}

engine_tests! {
    async fn booking_from_a_case_with_conflicts_views_and_the_outcome(db) {
        let app = TestApp::spawn(db).await;
        let insertion = team_of(&app, ORG, "Insertion").await;
        let logement = team_of(&app, ORG, "Logement").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let bruno = member(&app, ORG, "Bruno", Role::Worker, &[(logement, false)]).await;
        let desk = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let case = open_case_for(&app, &alice, insertion, "Durand").await;
        let page = alice.page(&app, &format!("/cases/{case}")).await;
        assert!(page.contains(&format!("/appointments/new?case={case}")));
        let form = alice.page(&app, &format!("/appointments/new?case={case}")).await;
        assert!(visible_text(&form).contains("Avec Durand Camille"));

        // Refused values: named, kept.
        let res = alice.post(&app, "/appointments/new", &[
            ("case_id", &case), ("date", "31/02/2027"), ("time", "9h75"), ("duration", "2"),
            ("place", "home_visit"), ("purpose", "Budget <et> loyer"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        for m in ["Cette date n", "Écrivez l&#39;heure ainsi", "De 5 à 720 minutes."] {
            assert!(html.contains(m) || html.contains(&m.replace("&#39;", "'")), "{m}: {}", visible_text(&html));
        }
        assert!(html.contains("Budget &#60;et&#62; loyer</textarea>"));

        // Booked; a second one overlapping is shown as a conflict, then booked knowingly.
        let date = day(2);
        let fields = |time: &'static str| vec![
            ("case_id", case.clone()), ("date", date.clone()), ("time", time.to_owned()), ("duration", "60".to_owned()),
            ("place", "home_visit".to_owned()), ("place_detail", "12 rue des Lilas".to_owned()), ("purpose", "Budget".to_owned()),
        ];
        let res = post(&app, &alice, &fields("14:00")).await;
        assert_eq!(res.status(), 303);
        assert!(location(&res).starts_with(&format!("/agenda?week={date}&who={}", alice.id)));
        let res = post(&app, &alice, &fields("14:30")).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Ce créneau chevauche un autre rendez-vous"), "{}", visible_text(&html));
        let mut confirmed = fields("14:30");
        confirmed.push(("confirm", "on".to_owned()));
        assert_eq!(post(&app, &alice, &confirmed).await.status(), 303);

        // Her week shows both, with their purpose; a colleague of another team sees she is
        // busy and with whom, not what for; the desk sees it and may change it.
        let week = alice.page(&app, &format!("/agenda?week={date}")).await;
        let text = visible_text(&week);
        assert_eq!(text.matches("Durand Camille").count(), 2, "{text}");
        assert!(text.contains("Budget") && text.contains("Visite à domicile"));
        let theirs = bruno.page(&app, &format!("/agenda?week={date}&who={}", alice.id)).await;
        assert!(visible_text(&theirs).contains("Durand Camille") && !visible_text(&theirs).contains("Budget"));
        let id = week
            .split("href=\"/appointments/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .find(|s| s.parse::<uuid::Uuid>().is_ok())
            .unwrap()
            .to_owned();
        let seen = visible_text(&bruno.page(&app, &format!("/appointments/{id}")).await);
        assert!(!seen.contains("12 rue des Lilas") && !seen.contains("Il a eu lieu"), "{seen}");
        let team = alice.page(&app, &format!("/agenda?week={date}&who=team-{insertion}")).await;
        assert!(visible_text(&team).contains("Alice"));
        // Not yet started: it cannot be marked done.
        let res = alice.post(&app, &format!("/appointments/{id}/status"), &[("to", "done"), ("version", "1")]).await;
        if res.status() != 303 { panic!("{} {}", res.status(), visible_text(&res.text().await.unwrap())); }
        assert_eq!(location(&res), format!("/appointments/{id}?changed=stale"));
        // Cancelled by the person, from the desk: on the case's timeline.
        let res = desk.post(&app, &format!("/appointments/{id}/status"), &[("to", "cancelled"), ("cancelled_by", "person"), ("version", "1")]).await;
        assert_eq!(location(&res), format!("/appointments/{id}?changed=cancelled"));
        let timeline = visible_text(&alice.page(&app, &format!("/cases/{case}")).await);
        assert!(timeline.contains("Rendez-vous annulé par la personne"), "{timeline}");
        // Another organisation's worker: not found.
        let stranger = member(&app, "ccas-other", "Zoe", Role::Worker, &[]).await;
        assert_eq!(stranger.get(&app, &format!("/appointments/{id}")).await.status(), 404);

        // The .ics download: an attachment, initials only by default.
        let res = alice.get(&app, &format!("/appointments/{id}/ics")).await;
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let ics = res.text().await.unwrap();
        assert!(ics.contains("SUMMARY:Visite à domicile — D. C.\r\n") && ics.contains("STATUS:CANCELLED"), "{ics}");
        assert!(!ics.contains("Durand") && !ics.contains("Lilas"));
    }

    async fn a_meeting_that_took_place_opens_its_note_and_feeds_show_what_was_chosen(db) {
        let logs = crate::helpers::logs();
        let app = TestApp::spawn(db).await;
        let insertion = team_of(&app, ORG, "Insertion").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let case = open_case_for(&app, &alice, insertion, "Petit").await;
        // An appointment an hour ago (booked then: written straight to the store).
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let c = store::cases::find(db, org, case.parse().unwrap()).await.unwrap().unwrap();
        let start = store::Ts::from(time::OffsetDateTime::now_utc() - time::Duration::minutes(75));
        let end = store::Ts::from(start.get() + time::Duration::minutes(45));
        let me = domain::UserId::from_uuid(alice.id.parse().unwrap());
        let mut tx = db.begin_write().await.unwrap();
        let spans = [(start, end)];
        let new = store::appointments::NewAppointment {
            organisation_id: org, worker: me, person_id: Some(c.person_id), case_id: Some(c.id), spans: &spans,
            place: domain::appointments::Place::HomeVisit, place_detail: Some("12 rue des Lilas"), purpose: Some("Budget"), remind: None, by: me,
        };
        let id = store::appointments::book(&mut tx, &new, start).await.unwrap()[0];
        tx.commit().await.unwrap();
        // Done: the note form opens, prefilled with its day, time, length, kind and place.
        let res = alice.post(&app, &format!("/appointments/{id}/status"), &[("to", "done"), ("version", "1")]).await;
        assert_eq!(location(&res), format!("/cases/{case}/notes/new?appointment={id}"));
        let note = alice.page(&app, &location(&res)).await;
        let local = web::dates::utc_to_local(start, Some("Europe/Paris"));
        assert!(note.contains(&format!("value=\"{}\"", domain::cases::hh_mm(local.time()))), "the time");
        assert!(note.contains("value=\"45\""), "the length");
        assert!(note.contains("value=\"12 rue des Lilas\""), "the place");
        assert!(note.contains("value=\"home_visit\" selected"), "the kind");
        assert!(note.contains(&format!("href=\"/cases/{case}/voice-notes/new\"")), "or dictate it");
        let timeline = visible_text(&alice.page(&app, &format!("/cases/{case}")).await);
        assert!(timeline.contains("Rendez-vous honoré"));

        // The feed: none yet; made with initials; the URL shown once.
        let page = alice.page(&app, "/agenda/feed").await;
        assert!(page.contains("Créer l&#39;adresse de mon abonnement") || page.contains("Créer l'adresse de mon abonnement"));
        let res = alice.post(&app, "/agenda/feed", &[]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let url = html.split("id=\"feed-url\" type=\"text\" readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let path = url.split_once("/calendar/").map(|(_, t)| format!("/calendar/{t}")).unwrap();
        assert!(!alice.page(&app, "/agenda/feed").await.contains(&path), "shown once");
        let anonymous = TestApp::new_client();
        let feed = anonymous.get(app.url(&path)).send().await.unwrap();
        assert_eq!(feed.status(), 200);
        assert_eq!(feed.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = feed.text().await.unwrap();
        assert!(ics.contains("SUMMARY:Visite à domicile — P. C.\r\n") && !ics.contains("Petit") && !ics.contains("Budget"), "{ics}");
        // Made again with names: the old address stops, the new one shows them.
        let html = alice.post(&app, "/agenda/feed", &[("show_names", "on")]).await.text().await.unwrap();
        let url2 = html.split("id=\"feed-url\" type=\"text\" readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let path2 = url2.split_once("/calendar/").map(|(_, t)| format!("/calendar/{t}")).unwrap();
        assert_eq!(anonymous.get(app.url(&path)).send().await.unwrap().status(), 404);
        let ics = anonymous.get(app.url(&path2)).send().await.unwrap().text().await.unwrap();
        assert!(ics.contains("SUMMARY:Visite à domicile — Petit Camille\r\n") && ics.contains("DESCRIPTION:Budget\r\n"), "{ics}");
        // Revoked: gone. A made-up token: the same answer.
        alice.post(&app, "/agenda/feed/revoke", &[]).await;
        assert_eq!(anonymous.get(app.url(&path2)).send().await.unwrap().status(), 404);
        assert_eq!(anonymous.get(app.url(&format!("/calendar/pcal_{}.ics", "0".repeat(64)))).send().await.unwrap().status(), 404);
        assert_eq!(anonymous.get(app.url("/calendar/anything")).send().await.unwrap().status(), 404);
        // The token never reaches the log.
        let token = path2.trim_start_matches("/calendar/").trim_end_matches(".ics");
        assert!(!logs.contents().contains(token));
        assert!(logs.contents().contains("/calendar/{token}"));
    }
}
