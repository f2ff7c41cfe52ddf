//! E-mail of notifications through the job runner with a recording mailer (no network): a
//! notification for a user who chose e-mail is sent once, text and HTML in the user's
//! language with the letterhead; a retry after the recorded send sends nothing; the daily
//! digest gathers the day's unread notifications into one e-mail, once per user and day;
//! without SMTP nothing is sent and the jobs page says so.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use domain::accounts::Role;
use domain::jobs::JobState;
use domain::mail::{Delivery, kinds};
use domain::organisations::{DisplayName, OrganisationSettings, TimeZoneName};
use store::jobs::runner::{Registry, RunnerHandle};
use store::jobs::{self, NewJob};
use store::notifications::{NewNotification, NotificationKind};
use store::{Ts, mail, notifications, organisations};
use testkit::engine_tests;
use web::mail::RecordingMailer;
use web::mail::jobs::MailJobs;

use crate::helpers::{TestApp, visible_text};

const PASSWORD: &str = "correct horse battery staple";

fn runner(app: &TestApp, mailer: Option<RecordingMailer>) -> RunnerHandle {
    let deps = MailJobs {
        db: app.state.db.clone(),
        i18n: app.state.i18n.clone(),
        base_url: "https://passerelle.example.org".into(),
        mailer: mailer.map(|m| Arc::new(m) as Arc<dyn web::mail::Mailer>),
    };
    crate::helpers::fast_runner(app, web::mail::jobs::register(Registry::new(), deps))
}

async fn settle(app: &TestApp, kind: &str, done: usize) {
    crate::helpers::settle_jobs(app, kind, done).await
}

/// The CCAS with a letterhead whose text needs escaping in HTML.
async fn letterhead(app: &TestApp) {
    let db = &app.state.db;
    let org = organisations::find_by_slug(db, "ccas").await.unwrap().unwrap();
    let settings = OrganisationSettings {
        name: DisplayName::parse("CCAS de Saint-Denis").unwrap(),
        time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
        require_second_factor: false,
        session_idle_minutes: 30,
        session_absolute_hours: 12,
        letterhead_address: Some("1 place de la Mairie\n93200 Saint-Denis".into()),
        letterhead_signatory: Some("La directrice, Anne <Dupont>".into()),
        letterhead_footer: Some("Service social & solidaire <script>alert(1)</script>".into()),
        reminder_flag_hours: 24,
        reminder_assessment_months: 6,
        reminder_referral_days: 10,
        reminder_mail_days: 15,
        reminder_aid_days: 15,
        budget_threshold_cents: None,
        budget_day_divisor: 30,
        statistics_threshold: 5,
    };
    assert!(
        organisations::update_settings(db, org.id, org.version, &settings, Ts::now())
            .await
            .unwrap()
    );
}

async fn urgency(app: &TestApp, user: domain::UserId, actor: domain::UserId) {
    let db = &app.state.db;
    let org = organisations::find_by_slug(db, "ccas").await.unwrap().unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let n = NewNotification {
        user_id: user,
        organisation_id: Some(org.id),
        kind: NotificationKind::UrgencyRaised,
        actor_user_id: Some(actor),
        details: Some("imminent_eviction".into()),
    };
    notifications::insert(&mut tx, &n, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn choose(app: &TestApp, user: domain::UserId, delivery: Delivery, lang: &str) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    mail::set_preference(&mut tx, user, NotificationKind::UrgencyRaised, delivery, Ts::now())
        .await
        .unwrap();
    mail::set_preferred_locale(&mut tx, user, lang, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
}

engine_tests! {
    async fn a_notification_is_emailed_once_in_the_users_language_with_the_letterhead(test_db) {
        let app = TestApp::spawn(test_db).await;
        let actor = app.create_user("worker@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let fr = app.create_user("fr@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let en = app.create_user("en@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        letterhead(&app).await;
        choose(&app, fr, Delivery::Email, "fr").await;
        choose(&app, en, Delivery::Email, "en").await;
        urgency(&app, fr, actor).await;
        urgency(&app, en, actor).await;

        let mailer = RecordingMailer::new();
        // The server is down for the first attempt: the job fails and is tried again.
        mailer.fail_next(1);
        let handle = runner(&app, Some(mailer.clone()));
        settle(&app, kinds::NOTIFICATION, 2).await;

        let mut sent = mailer.sent();
        assert_eq!(sent.len(), 2, "one e-mail per notification, the failed attempt included");
        sent.sort_by(|a, b| a.to_address.cmp(&b.to_address));
        let (en_mail, fr_mail) = (&sent[0], &sent[1]);
        assert_eq!(en_mail.to_address, "en@example.org");
        assert_eq!(en_mail.lang, "en");
        assert_eq!(en_mail.subject, "New notification — CCAS de Saint-Denis");
        assert!(en_mail.text.contains("Hello Test User,"), "{}", en_mail.text);
        assert!(en_mail.text.contains("raised an urgency flag in CCAS de Saint-Denis: Imminent eviction."), "{}", en_mail.text);
        assert!(en_mail.text.contains("https://passerelle.example.org/notifications"));
        assert!(en_mail.html.contains("<html lang=\"en\">"));
        assert!(en_mail.html.contains("href=\"https://passerelle.example.org/notifications\""));

        assert_eq!(fr_mail.lang, "fr");
        assert_eq!(fr_mail.subject, "Nouvelle notification — CCAS de Saint-Denis");
        assert!(fr_mail.text.contains("Bonjour Test User,"), "{}", fr_mail.text);
        assert!(fr_mail.text.contains("a signalé une urgence dans CCAS de Saint-Denis : Expulsion imminente."), "{}", fr_mail.text);
        // The letterhead, in both versions; escaped in HTML, as typed in text.
        for m in [en_mail, fr_mail] {
            assert!(m.text.contains("1 place de la Mairie\n93200 Saint-Denis"), "{}", m.text);
            assert!(m.text.contains("La directrice, Anne <Dupont>"));
            assert!(m.text.contains("<script>alert(1)</script>"), "text is not HTML");
            assert!(m.html.contains("93200 Saint-Denis"));
            assert!(m.html.contains("Anne &#60;Dupont&#62;") || m.html.contains("Anne &lt;Dupont&gt;"), "{}", m.html);
            assert!(!m.html.contains("<script>"), "{}", m.html);
            assert!(!m.html.contains("<Dupont>"));
        }

        // An administrator retries the done job: the send is recorded, nothing goes out again.
        let done = jobs::list(&app.state.db, JobState::Done, None, 200).await.unwrap();
        let job = done.jobs.iter().find(|j| j.kind == kinds::NOTIFICATION).unwrap();
        let mut tx = app.state.db.begin_write().await.unwrap();
        jobs::enqueue(&mut tx, &NewJob::new(kinds::NOTIFICATION, &job.key).payload(serde_json::from_str(&job.payload).unwrap()), Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        settle(&app, kinds::NOTIFICATION, 3).await;
        assert_eq!(mailer.sent().len(), 2, "a job run again after its recorded send sends nothing");
        handle.stop().await;
    }

    async fn the_daily_digest_gathers_the_days_notifications_into_one_email_once(test_db) {
        let app = TestApp::spawn(test_db).await;
        let actor = app.create_user("worker@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let u = app.create_user("digest@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let other = app.create_user("in-app@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        choose(&app, u, Delivery::Digest, "en").await;
        for _ in 0..3 {
            urgency(&app, u, actor).await;
            urgency(&app, other, actor).await;
        }

        let mailer = RecordingMailer::new();
        // The schedule is first due when the runner starts: the digest runs at once.
        let handle = runner(&app, Some(mailer.clone()));
        settle(&app, kinds::DIGEST, 1).await;
        settle(&app, kinds::DIGEST_USER, 1).await;
        handle.stop().await;
        let sent = mailer.sent();
        assert_eq!(sent.len(), 1, "one digest, for the one user who chose it");
        assert_eq!(sent[0].to_address, "digest@example.org");
        assert_eq!(sent[0].subject, "Passerelle: your 3 unread notifications of the day");
        assert_eq!(sent[0].text.matches("raised an urgency flag").count(), 3, "{}", sent[0].text);
        assert_eq!(sent[0].html.matches("<li").count(), 3);

        // Another server's runner in the same period finds nothing due.
        let handle = runner(&app, Some(mailer.clone()));
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        handle.stop().await;
        // Even a digest of the same day enqueued again (by hand) sends nothing more.
        let done = jobs::list(&app.state.db, JobState::Done, None, 200).await.unwrap();
        let digest = done.jobs.iter().find(|j| j.kind == kinds::DIGEST).unwrap();
        let mut tx = app.state.db.begin_write().await.unwrap();
        let again = NewJob::new(kinds::DIGEST, "again").payload(serde_json::from_str(&digest.payload).unwrap());
        jobs::enqueue(&mut tx, &again, Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let handle = runner(&app, Some(mailer.clone()));
        settle(&app, kinds::DIGEST, 2).await;
        settle(&app, kinds::DIGEST_USER, 2).await;
        handle.stop().await;
        assert_eq!(mailer.sent().len(), 1, "at most one digest per user and day");
        let count = jobs::counts(&app.state.db).await.unwrap();
        assert!(count.iter().all(|(s, n)| !s.is_pending() || *n == 0), "{count:?}");
    }

    async fn without_smtp_nothing_is_sent_and_the_jobs_page_says_so(test_db) {
        let app = TestApp::spawn(test_db).await;
        let actor = app.create_user("worker@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let u = app.create_user("fr@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        choose(&app, u, Delivery::Email, "fr").await;
        urgency(&app, u, actor).await;
        let handle = runner(&app, None);
        settle(&app, kinds::NOTIFICATION, 1).await;
        handle.stop().await;
        assert!(!mail::was_sent(&app.state.db, kinds::NOTIFICATION, &notifications::latest(&app.state.db, u, 1).await.unwrap()[0].id.to_string()).await.unwrap());
        assert_eq!(notifications::unread_count(&app.state.db, u).await.unwrap(), 1, "it stays in the app");

        app.create_user("admin@example.org", PASSWORD, None).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let fr = visible_text(&app.get_lang("/admin/jobs", "fr").await.text().await.unwrap());
        assert!(fr.contains("L'envoi d'e-mails n'est pas configuré"), "{fr}");
        let en = visible_text(&app.get_lang("/admin/jobs", "en").await.text().await.unwrap());
        assert!(en.contains("Email is not configured"), "{en}");
    }

    async fn with_smtp_the_jobs_page_names_the_server_and_never_the_password(test_db) {
        let config = web::WebConfig {
            mail: Some(web::mail::MailConfig {
                smtp_url: secrecy::SecretString::from("smtps://mailer:pw-canary@smtp.example.org:465".to_owned()),
                password: None,
                from: "passerelle@example.org".into(),
            }),
            ..crate::helpers::test_config()
        };
        let app = TestApp::spawn_configured(test_db, config, web::routes::Routes::new()).await;
        app.create_user("admin@example.org", PASSWORD, None).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let html = app.get_lang("/admin/jobs", "en").await.text().await.unwrap();
        let en = visible_text(&html);
        assert!(en.contains("Email is configured: notifications are sent through smtps://smtp.example.org:465 from passerelle@example.org"), "{en}");
        assert!(!html.contains("pw-canary") && !html.contains("mailer:"));
    }

    async fn a_user_chooses_email_per_kind_on_the_account_page_and_the_next_notification_is_queued(test_db) {
        let app = TestApp::spawn(test_db).await;
        let actor = app.create_user("worker@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        let u = app.create_user("me@example.org", PASSWORD, Some(("ccas", Role::Worker))).await;
        app.sign_in("me@example.org", PASSWORD).await;

        let fr = app.get_lang("/account/notifications", "fr").await.text().await.unwrap();
        assert!(fr.contains("Aussi par e-mail, tout de suite"), "{fr}");
        assert!(visible_text(&fr).contains("pas encore configuré"), "the page says e-mail is off");
        let en = app.get_lang("/account/notifications", "en").await.text().await.unwrap();
        assert!(en.contains("Also in a daily e-mail digest"));
        // In the app only, checked for every kind until chosen otherwise.
        assert_eq!(en.matches("value=\"in_app\" checked").count(), NotificationKind::ALL.len());

        // Without the anti-forgery token, nothing changes.
        let res = app.client.post(app.url("/account/notifications"))
            .form(&[("kind-urgency_raised", "email")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(mail::delivery_for(&app.state.db, u, NotificationKind::UrgencyRaised).await.unwrap(), Delivery::InApp);

        let csrf = crate::helpers::csrf_in(&en).unwrap();
        let res = app.client.post(app.url("/account/notifications"))
            .form(&[("csrf_token", csrf.as_str()), ("kind-urgency_raised", "email"), ("kind-role_changed", "digest"),
                    ("kind-no_such_kind", "email"), ("kind-invitation_received", "carrier-pigeon"), ("language", "en")])
            .send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/account/notifications?saved=1");
        let prefs = mail::preferences(&app.state.db, u).await.unwrap();
        for (kind, d) in prefs {
            let expected = match kind {
                NotificationKind::UrgencyRaised => Delivery::Email,
                NotificationKind::RoleChanged => Delivery::Digest,
                _ => Delivery::InApp,
            };
            assert_eq!(d, expected, "{kind:?}");
        }
        let page = app.get_lang("/account/notifications?saved=1", "en").await.text().await.unwrap();
        assert!(page.contains("Your choices are saved."));
        assert!(page.contains("id=\"urgency_raised-email\" name=\"kind-urgency_raised\" type=\"radio\" value=\"email\" checked"));

        // The change is audited, with codes only.
        let filter = store::audit::AuditFilter {
            action: Some(domain::audit::AuditAction::RecordUpdated),
            subject_id: Some(u.as_uuid()),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Everything)
        };
        let events = store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events;
        assert_eq!(events.len(), 1);
        let details = events[0].details.clone().unwrap();
        assert!(details.contains("urgency_raised=email") && details.contains("language=en"), "{details}");
        assert!(!details.contains("me@example.org"));

        // Saving the same choices again changes nothing and audits nothing.
        let csrf = crate::helpers::csrf_in(&page).unwrap();
        app.client.post(app.url("/account/notifications"))
            .form(&[("csrf_token", csrf.as_str()), ("kind-urgency_raised", "email"), ("language", "en")])
            .send().await.unwrap();
        assert_eq!(store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events.len(), 1);

        urgency(&app, u, actor).await;
        let queued = jobs::list(&app.state.db, JobState::Queued, None, 10).await.unwrap();
        assert_eq!(queued.jobs.iter().filter(|j| j.kind == kinds::NOTIFICATION).count(), 1);
    }
}
