//! Reminders of appointments to the person — on SQLite and PostgreSQL: chosen when booking
//! (refused, with what was typed kept, when the record has no mobile number), sent once by SMS
//! the day before in the language chosen with nothing of the case in it, by e-mail with the
//! letterhead, written in the log only when no provider is configured (and the page says so),
//! not sent for a cancelled or moved appointment; changed on the appointment's page; the SMS
//! webhook posts JSON with its token and reports a refusal by its status only.

use std::sync::{Arc, Mutex};

use domain::accounts::Role;
use store::Ts;
use store::jobs::runner::{Registry, RunnerHandle};
use testkit::engine_tests;
use web::mail::RecordingMailer;
use web::reminders::jobs::{ReminderJobs, enqueue_due_at};
use web::reminders::{Notifier, RecordingSms};

use crate::helpers::{Browser, TestApp, location, member, team_of, visible_text};

const ORG: &str = "ccas-rappels";

/// yyyy-mm-dd, `days` from today (UTC).
fn day(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(days)).to_string()
}

/// A person with the given phones and e-mail, and a case of theirs followed by `b`.
async fn case_of(
    app: &TestApp,
    b: &Browser,
    team: domain::TeamId,
    phones: &str,
    email: &str,
) -> String {
    let res = b
        .post(
            app,
            "/persons/new",
            &[
                ("birth_name", "Durand"),
                ("first_names", "Camille"),
                ("birth_date", "12/03/1985"),
                ("phones", phones),
                ("email", email),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let res = b
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[("reason", "Dettes de loyer"), ("team", &team.to_string()), ("referent", &b.id)],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned()
}

async fn book(
    app: &TestApp,
    b: &Browser,
    case: &str,
    time: &str,
    remind_by: &str,
    lang: &str,
) -> reqwest::Response {
    let date = day(1);
    b.post(
        app,
        "/appointments/new",
        &[
            ("case_id", case),
            ("date", &date),
            ("time", time),
            ("duration", "60"),
            ("place", "home_visit"),
            ("purpose", "Budget et loyer"),
            ("remind_by", remind_by),
            ("remind_locale", lang),
            ("confirm", "on"),
        ],
    )
    .await
}

/// The case's appointments, soonest first.
async fn appointments(app: &TestApp, case: &str) -> Vec<store::appointments::Appointment> {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let mut list = store::appointments::of_case(db, org, case.parse().unwrap()).await.unwrap();
    list.sort_by_key(|a| a.starts_at);
    list
}

/// Enqueues the reminders due at `now`: (due, enqueued).
async fn enqueue(app: &TestApp, now: Ts) -> (usize, usize) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let counts = enqueue_due_at(&mut tx, now).await.unwrap();
    tx.commit().await.unwrap();
    // `now` may be later today than the real clock (the afternoon before an appointment
    // tomorrow, seen in the morning): the runner, on the real clock, takes the jobs at once.
    let sql = "UPDATE jobs SET run_at = $1 WHERE kind = $2 AND run_at > $1";
    let real = Ts::now();
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query(sql).bind(real).bind(store::reminders::SEND_JOB).execute(p).await.map(drop)
        }
        store::Db::Postgres(p) => {
            sqlx::query(sql).bind(real).bind(store::reminders::SEND_JOB).execute(p).await.map(drop)
        }
    }
    .unwrap();
    counts
}

fn runner(app: &TestApp, notifier: Notifier) -> RunnerHandle {
    let deps = ReminderJobs { db: app.state.db.clone(), i18n: app.state.i18n.clone(), notifier };
    crate::helpers::fast_runner(app, web::reminders::jobs::register(Registry::new(), deps))
}

/// Waits until no reminder is waiting to be sent and at least `done` were handled.
async fn settle(app: &TestApp, done: usize) {
    crate::helpers::settle_jobs(app, store::reminders::SEND_JOB, done).await
}

/// Twenty hours before `starts`: the afternoon before, in Paris, when reminders go out.
fn afternoon_before(starts: Ts) -> Ts {
    Ts::from(starts.get() - time::Duration::hours(20))
}

engine_tests! {
    async fn an_sms_reminder_goes_out_once_the_day_before_in_the_chosen_language_with_nothing_of_the_case(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = case_of(&app, &alice, team, "01 23 45 67 89\n06 12 34 56 78", "").await;

        // The form offers the mobile number, says SMS is not configured here, and e-mail is
        // not possible (no address in the record).
        let form = alice.page(&app, &format!("/appointments/new?case={case}")).await;
        let text = visible_text(&form);
        assert!(text.contains("Par SMS au +33612345678"), "{text}");
        assert!(text.contains("Par courriel (aucune adresse dans sa fiche)"), "{text}");
        assert!(text.contains("L'envoi de SMS n'est pas configuré"), "{text}");
        assert!(form.contains("id=\"remind_by-email\" name=\"remind_by\" value=\"email\" disabled"), "{form}");

        assert_eq!(book(&app, &alice, &case, "10:00", "sms", "en").await.status(), 303);
        let a = appointments(&app, &case).await.remove(0);
        assert_eq!((a.remind_by.as_deref(), a.remind_locale.as_deref()), (Some("sms"), Some("en")));

        // Two days before: not yet. The afternoon before: one job, and only one however often
        // the periodic job runs.
        assert_eq!(enqueue(&app, Ts::from(a.starts_at.get() - time::Duration::hours(48))).await, (0, 0));
        let now = afternoon_before(a.starts_at);
        assert_eq!(enqueue(&app, now).await, (1, 1));
        assert_eq!(enqueue(&app, now).await, (1, 0));

        let sms = RecordingSms::new();
        let handle = runner(&app, Notifier { mailer: None, sms: Some(Arc::new(sms.clone())) });
        settle(&app, 1).await;
        handle.stop().await;
        let sent = sms.sent();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to, "+33612345678");
        assert!(sent[0].text.contains("a reminder of your appointment on") && sent[0].text.contains("at 10:00, at your home (home visit)"), "{}", sent[0].text);
        for secret in ["Budget", "Durand", "Camille", "Alice", "loyer"] {
            assert!(!sent[0].text.contains(secret), "{secret} in {}", sent[0].text);
        }
        // Recorded: not due any more; the page says when it went.
        assert_eq!(enqueue(&app, now).await, (0, 0));
        let page = visible_text(&alice.page(&app, &format!("/appointments/{}", a.id)).await);
        assert!(page.contains("Rappel à la personne — Par SMS : envoyé le"), "{page}");
    }

    async fn without_a_provider_the_reminder_is_only_logged_and_a_cancelled_one_is_not_sent(db) {
        let logs = crate::helpers::logs();
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = case_of(&app, &alice, team, "07 11 22 33 44", "camille@example.org").await;
        assert_eq!(book(&app, &alice, &case, "10:00", "sms", "fr").await.status(), 303);
        assert_eq!(book(&app, &alice, &case, "11:00", "email", "fr").await.status(), 303);
        let list = appointments(&app, &case).await;
        let (first, second) = (&list[0], &list[1]);
        assert_eq!(enqueue(&app, afternoon_before(second.starts_at)).await, (2, 2));
        // The second is cancelled before its reminder goes.
        let res = alice.post(&app, &format!("/appointments/{}/status", second.id), &[("to", "cancelled"), ("cancelled_by", "person"), ("version", "1")]).await;
        assert_eq!(res.status(), 303);

        let mailer = RecordingMailer::new();
        let sms = RecordingSms::new();
        let handle = runner(&app, Notifier { mailer: Some(Arc::new(mailer.clone())), sms: None });
        settle(&app, 2).await;
        handle.stop().await;
        assert!(mailer.sent().is_empty() && sms.sent().is_empty());
        let page = visible_text(&alice.page(&app, &format!("/appointments/{}", first.id)).await);
        assert!(page.contains("Par SMS : pas envoyé, l'envoi n'est pas configuré sur cette installation"), "{page}");
        assert!(page.contains("Prévenez la personne vous-même"), "{page}");
        let record = store::reminders::record_of(&app.state.db, second.id, second.starts_at).await.unwrap();
        assert_eq!(record, None, "a cancelled appointment has no reminder");
        // The log says it, with ids, never the number.
        let log = logs.contents();
        assert!(log.contains("SMS reminder not sent: no SMS provider is configured"), "{log}");
        assert!(!log.contains("33711223344") && !log.contains("07 11 22"), "{log}");
    }

    async fn an_email_reminder_carries_the_letterhead_and_greets_the_person(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = case_of(&app, &alice, team, "", "camille@example.org").await;
        assert_eq!(book(&app, &alice, &case, "10:00", "email", "fr").await.status(), 303);
        let a = appointments(&app, &case).await.remove(0);
        assert_eq!(enqueue(&app, afternoon_before(a.starts_at)).await, (1, 1));
        let mailer = RecordingMailer::new();
        let handle = runner(&app, Notifier { mailer: Some(Arc::new(mailer.clone())), sms: None });
        settle(&app, 1).await;
        handle.stop().await;
        let sent = mailer.sent();
        assert_eq!(sent.len(), 1);
        let email = &sent[0];
        assert_eq!((email.to_address.as_str(), email.lang), ("camille@example.org", "fr"));
        assert!(email.subject.starts_with("Rappel de votre rendez-vous"), "{}", email.subject);
        assert!(email.text.contains("Bonjour Camille Durand,"), "{}", email.text);
        assert!(email.text.contains("à 10:00, chez vous (visite à domicile)"), "{}", email.text);
        assert!(email.html.contains("<html lang=\"fr\">") && !email.text.contains("Budget"));
    }

    async fn a_reminder_the_record_cannot_receive_is_refused_with_what_was_typed_kept(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        // A landline only: no SMS.
        let case = case_of(&app, &alice, team, "01 23 45 67 89", "").await;
        let res = book(&app, &alice, &case, "10:00", "sms", "fr").await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("La fiche de la personne n'a pas de numéro de portable"), "{}", visible_text(&html));
        assert!(html.contains("Budget et loyer</textarea>"));
        assert!(appointments(&app, &case).await.is_empty(), "nothing was booked");
    }

    async fn the_reminder_is_changed_on_the_appointments_page_and_a_stale_form_changes_nothing(db) {
        let app = TestApp::spawn(db).await;
        let team = team_of(&app, ORG, "Accueil").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = case_of(&app, &alice, team, "06 12 34 56 78", "camille@example.org").await;
        assert_eq!(book(&app, &alice, &case, "10:00", "none", "fr").await.status(), 303);
        let a = appointments(&app, &case).await.remove(0);
        let page = visible_text(&alice.page(&app, &format!("/appointments/{}", a.id)).await);
        assert!(page.contains("Pas de rappel demandé."), "{page}");
        let path = format!("/appointments/{}/reminder", a.id);
        let res = alice.post(&app, &path, &[("remind_by", "email"), ("remind_locale", "en"), ("version", "1")]).await;
        assert_eq!(location(&res), format!("/appointments/{}?changed=reminder#reminder", a.id));
        let html = alice.page(&app, &format!("/appointments/{}?changed=reminder", a.id)).await;
        let page = visible_text(&html);
        assert!(page.contains("Le rappel a été changé.") && page.contains("Par courriel : il partira la veille"), "{page}");
        assert!(html.contains("value=\"email\" checked") && html.contains("<option value=\"en\" selected>"), "{html}");
        // The same form again (version 1 is gone): nothing changes.
        let res = alice.post(&app, &path, &[("remind_by", "sms"), ("remind_locale", "fr"), ("version", "1")]).await;
        assert_eq!(location(&res), format!("/appointments/{}?changed=stale#reminder", a.id));
        assert_eq!(appointments(&app, &case).await[0].remind_by.as_deref(), Some("email"));
        // Another organisation's worker cannot touch it.
        let stranger = member(&app, "ccas-other", "Zoe", Role::Worker, &[]).await;
        let res = stranger.post(&app, &path, &[("remind_by", "none"), ("version", "2")]).await;
        assert_eq!(res.status(), 404);
    }
}

/// A request the fake SMS gateway received: its `Authorization` header and its body.
type Received = (Option<String>, serde_json::Value);

/// What the fake SMS gateway received.
#[derive(Clone, Default)]
struct Gateway {
    seen: Arc<Mutex<Vec<Received>>>,
}

async fn gateway(status: u16) -> (String, Gateway) {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    let g = Gateway::default();
    let app = axum::Router::new()
        .route(
            "/send",
            axum::routing::post(
                move |State(g): State<Gateway>,
                      headers: HeaderMap,
                      axum::Json(body): axum::Json<serde_json::Value>| async move {
                    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
                    g.seen.lock().unwrap().push((auth, body));
                    StatusCode::from_u16(status).unwrap()
                },
            ),
        )
        .with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/send"), g)
}

#[tokio::test]
async fn the_sms_webhook_posts_json_with_its_token_and_reports_a_refusal_by_status_only() {
    use web::reminders::SmsSender;
    use web::reminders::webhook::{SmsConfig, WebhookSms};
    let sms = web::reminders::OutgoingSms {
        to: "+33612345678".into(),
        text: "Rappel : demain 10:00".into(),
    };

    let (url, seen) = gateway(200).await;
    let config = SmsConfig {
        url: secrecy::SecretString::from(url),
        token: Some(secrecy::SecretString::from("gateway-token".to_owned())),
        from: Some("CCAS".into()),
    };
    WebhookSms::new(config).unwrap().send(&sms).await.unwrap();
    let got = seen.seen.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.as_deref(), Some("Bearer gateway-token"));
    assert_eq!(
        got[0].1,
        serde_json::json!({"to": "+33612345678", "text": "Rappel : demain 10:00", "from": "CCAS"})
    );

    let (url, _) = gateway(500).await;
    let config = SmsConfig { url: secrecy::SecretString::from(url), token: None, from: None };
    let err = WebhookSms::new(config).unwrap().send(&sms).await.unwrap_err();
    assert_eq!(err.0, "the SMS gateway answered 500");
    // Nobody listening: said as such, without the number.
    let config = SmsConfig {
        url: secrecy::SecretString::from("http://127.0.0.1:9/send".to_owned()),
        token: None,
        from: None,
    };
    let err = WebhookSms::new(config).unwrap().send(&sms).await.unwrap_err();
    assert_eq!(err.0, "the SMS gateway could not connect");
}
