//! E-mail of notifications in the store, on both engines: the e-mail job is written in the
//! notification's own transaction (and only for users who chose e-mail), sends are recorded
//! once by key, and a digest gathers a user's unread notifications of the chosen kinds.

use domain::accounts::Email;
use domain::jobs::JobState;
use domain::mail::{Delivery, kinds};
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::{OrganisationId, UserId};
use store::notifications::{NewNotification, NotificationKind};
use store::{Db, Ts, accounts, jobs, mail, notifications, organisations};
use testkit::engine_tests;
use time::macros::datetime;

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

async fn org(db: &Db) -> OrganisationId {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse("ccas").unwrap(),
        name: DisplayName::parse("CCAS").unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, at(0)).await.unwrap().id
}

async fn user(db: &Db, email: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(email).unwrap();
    let name = DisplayName::parse("Camille Martin").unwrap();
    let new = accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    id
}

async fn choose(db: &Db, user: UserId, kind: NotificationKind, delivery: Delivery) {
    let mut tx = db.begin_write().await.unwrap();
    mail::set_preference(&mut tx, user, kind, delivery, at(0)).await.unwrap();
    tx.commit().await.unwrap();
}

fn urgency(user: UserId, org: OrganisationId) -> NewNotification {
    NewNotification {
        user_id: user,
        organisation_id: Some(org),
        kind: NotificationKind::UrgencyRaised,
        actor_user_id: None,
        details: Some("imminent_eviction".into()),
    }
}

async fn mail_jobs(db: &Db) -> Vec<jobs::Job> {
    let page = jobs::list(db, JobState::Queued, None, 200).await.unwrap();
    page.jobs.into_iter().filter(|j| j.kind == kinds::NOTIFICATION).collect()
}

engine_tests! {
    async fn a_notification_for_an_email_user_enqueues_its_job_in_the_same_transaction(test_db) {
        let db = test_db.migrated().await;
        let org = org(&db).await;
        let emailed = user(&db, "emailed@example.org").await;
        let in_app = user(&db, "in-app@example.org").await;
        choose(&db, emailed, NotificationKind::UrgencyRaised, Delivery::Email).await;
        // E-mail chosen for another kind only: an urgency stays in the app.
        choose(&db, in_app, NotificationKind::RoleChanged, Delivery::Email).await;

        // Rolled back: neither the notification nor its job exists.
        let mut tx = db.begin_write().await.unwrap();
        notifications::insert(&mut tx, &urgency(emailed, org), at(1)).await.unwrap();
        drop(tx);
        assert!(mail_jobs(&db).await.is_empty());
        assert_eq!(notifications::unread_count(&db, emailed).await.unwrap(), 0);

        let mut tx = db.begin_write().await.unwrap();
        notifications::insert(&mut tx, &urgency(emailed, org), at(2)).await.unwrap();
        notifications::insert(&mut tx, &urgency(in_app, org), at(2)).await.unwrap();
        // Before the commit, nothing outside the transaction sees the job.
        tx.commit().await.unwrap();

        let queued = mail_jobs(&db).await;
        assert_eq!(queued.len(), 1, "one job, for the user who chose e-mail");
        let shown = notifications::latest(&db, emailed, 10).await.unwrap();
        assert_eq!(queued[0].key, shown[0].id.to_string(), "keyed by the notification's id");
        let payload: serde_json::Value = serde_json::from_str(&queued[0].payload).unwrap();
        assert_eq!(payload["notification_id"], shown[0].id.to_string());
        let to_send = mail::notification_to_send(&db, shown[0].id).await.unwrap().unwrap();
        assert_eq!(to_send.user_id, emailed);
        assert_eq!(to_send.notification.details.as_deref(), Some("imminent_eviction"));
        assert_eq!(notifications::unread_count(&db, in_app).await.unwrap(), 1);
    }

    async fn preferences_default_to_the_app_and_change_only_when_asked(test_db) {
        let db = test_db.migrated().await;
        let u = user(&db, "u@example.org").await;
        let prefs = mail::preferences(&db, u).await.unwrap();
        assert_eq!(prefs.len(), NotificationKind::ALL.len());
        assert!(prefs.iter().all(|(_, d)| *d == Delivery::InApp));

        let mut tx = db.begin_write().await.unwrap();
        assert!(mail::set_preference(&mut tx, u, NotificationKind::UrgencyRaised, Delivery::Digest, at(1)).await.unwrap());
        assert!(!mail::set_preference(&mut tx, u, NotificationKind::UrgencyRaised, Delivery::Digest, at(2)).await.unwrap());
        assert!(mail::set_preference(&mut tx, u, NotificationKind::UrgencyRaised, Delivery::Email, at(3)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(
            mail::delivery_for(&db, u, NotificationKind::UrgencyRaised).await.unwrap(),
            Delivery::Email
        );
        assert_eq!(
            mail::delivery_for(&db, u, NotificationKind::RoleChanged).await.unwrap(),
            Delivery::InApp
        );
    }

    async fn a_send_is_recorded_once_by_kind_and_key(test_db) {
        let db = test_db.migrated().await;
        let u = user(&db, "u@example.org").await;
        assert!(!mail::was_sent(&db, kinds::NOTIFICATION, "k1").await.unwrap());
        assert!(mail::record_sent(&db, kinds::NOTIFICATION, "k1", u, at(1)).await.unwrap());
        assert!(!mail::record_sent(&db, kinds::NOTIFICATION, "k1", u, at(2)).await.unwrap());
        assert!(mail::was_sent(&db, kinds::NOTIFICATION, "k1").await.unwrap());
        // The same key under another kind is another e-mail.
        assert!(!mail::was_sent(&db, kinds::DIGEST_USER, "k1").await.unwrap());
    }

    async fn a_digest_gathers_the_unread_notifications_of_the_chosen_kinds_in_its_window(test_db) {
        let db = test_db.migrated().await;
        let org = org(&db).await;
        let u = user(&db, "digest@example.org").await;
        choose(&db, u, NotificationKind::UrgencyRaised, Delivery::Digest).await;
        assert_eq!(mail::digest_users(&db).await.unwrap(), vec![u]);

        let mut tx = db.begin_write().await.unwrap();
        // Before the window, in it (twice), after it, and of a kind left in the app.
        notifications::insert(&mut tx, &urgency(u, org), at(-10)).await.unwrap();
        notifications::insert(&mut tx, &urgency(u, org), at(5)).await.unwrap();
        notifications::insert(&mut tx, &urgency(u, org), at(6)).await.unwrap();
        notifications::insert(&mut tx, &urgency(u, org), at(70)).await.unwrap();
        let mut other = urgency(u, org);
        other.kind = NotificationKind::RoleChanged;
        other.details = Some("worker".into());
        notifications::insert(&mut tx, &other, at(7)).await.unwrap();
        tx.commit().await.unwrap();
        // No immediate e-mail job for a digest user.
        assert!(mail_jobs(&db).await.is_empty());

        let got = mail::digest_notifications(&db, u, at(0), at(60), 100).await.unwrap();
        assert_eq!(got.iter().map(|n| n.created_at).collect::<Vec<_>>(), vec![at(5), at(6)]);

        // Read in the app: no longer in the digest.
        notifications::mark_all_read(&db, u, at(8)).await.unwrap();
        assert!(mail::digest_notifications(&db, u, at(0), at(60), 100).await.unwrap().is_empty());
    }

    async fn the_digest_is_first_due_at_the_digest_hour_and_an_anchor_never_moves_it(test_db) {
        let db = test_db.migrated().await;
        let schedule = jobs::Schedule::new(kinds::DIGEST, domain::mail::DIGEST_EVERY_MINUTES);
        // 09:00 UTC: first due at 16:00 the same day.
        mail::anchor_digest_schedule(&db, at(0)).await.unwrap();
        // A later start (another server, a restart) keeps it; so does the runner's own record.
        mail::anchor_digest_schedule(&db, at(120)).await.unwrap();
        jobs::ensure_schedule(&db, &schedule, at(120)).await.unwrap();
        assert_eq!(jobs::enqueue_if_due(&db, &schedule, at(6 * 60 + 59)).await.unwrap(), None);
        let period = jobs::enqueue_if_due(&db, &schedule, at(7 * 60)).await.unwrap().unwrap();
        assert_eq!(period.due, Ts::from(datetime!(2026-03-02 16:00 UTC)));
        assert!(period.job.is_some());
        // Then once a day.
        assert_eq!(jobs::enqueue_if_due(&db, &schedule, at(30 * 60)).await.unwrap(), None);
        let next = jobs::enqueue_if_due(&db, &schedule, at(31 * 60)).await.unwrap().unwrap();
        assert_eq!(next.due, Ts::from(datetime!(2026-03-03 16:00 UTC)));
    }
}
