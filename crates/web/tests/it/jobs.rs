//! The background jobs page: an instance administrator sees jobs by state with their counts,
//! page after page, and retries or cancels one — each change audited in the instance's chain,
//! and refused (changing nothing) when the job has moved on.

use domain::JobId;
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::jobs::{Backoff, JobState};
use store::Ts;
use store::jobs::{self, NewJob};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";

async fn enqueue(app: &TestApp, kind: &str, key: &str, max_attempts: i64) -> JobId {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let job = NewJob::new(kind, key).max_attempts(max_attempts);
    let id = jobs::enqueue(&mut tx, &job, Ts::now()).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    id
}

/// A job that failed its only attempt.
async fn dead_job(app: &TestApp, key: &str) -> JobId {
    let id = enqueue(app, "purge_sessions", key, 1).await;
    let db = &app.state.db;
    let lease = jobs::claim(db, "w", &["purge_sessions"], 1, time::Duration::minutes(1), Ts::now())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(lease.job.id, id);
    jobs::fail(db, &lease, "SMTP server refused the connection", &Backoff::default(), Ts::now())
        .await
        .unwrap();
    id
}

async fn state_of(app: &TestApp, id: JobId) -> JobState {
    jobs::find(&app.state.db, id).await.unwrap().unwrap().state
}

async fn job_events(app: &TestApp) -> Vec<store::audit::AuditEvent> {
    let filter = store::audit::AuditFilter {
        action: Some(AuditAction::AdminAction),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Instance)
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events
}

async fn post(app: &TestApp, path: &str, csrf: &str, state: &str) -> (u16, String) {
    let res = app
        .client
        .post(app.url(path))
        .form(&[("csrf_token", csrf), ("state", state)])
        .send()
        .await
        .unwrap();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (res.status().as_u16(), location.unwrap_or_default())
}

engine_tests! {
    async fn an_administrator_retries_a_dead_job_and_cancels_a_queued_one_each_audited(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("admin@instance.example", PASSWORD, None).await;
        app.sign_in("admin@instance.example", PASSWORD).await;
        let dead = dead_job(&app, "session-purge-1").await;
        let queued = enqueue(&app, "purge_invitations", "invitations-1", 5).await;

        // The dead letters first, since they need someone.
        let html = app.get_lang("/admin/jobs", "en").await.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Dead (1)") && text.contains("Queued (1)") && text.contains("Done (0)"), "{text}");
        assert!(text.contains("session-purge-1") && text.contains("SMTP server refused the connection"), "{text}");
        assert!(text.contains("1 of 1"), "attempts of the maximum: {text}");
        assert!(!text.contains("invitations-1"), "one state at a time: {text}");
        let csrf = csrf_in(&html).unwrap();

        let (status, location) = post(&app, &format!("/admin/jobs/{dead}/retry"), &csrf, "dead").await;
        assert_eq!((status, location.as_str()), (303, "/admin/jobs?state=dead&notice=retried"));
        let job = jobs::find(&app.state.db, dead).await.unwrap().unwrap();
        assert_eq!((job.state, job.attempts), (JobState::Queued, 0), "attempts afresh");

        let (_, location) = post(&app, &format!("/admin/jobs/{queued}/cancel"), &csrf, "queued").await;
        assert_eq!(location, "/admin/jobs?state=queued&notice=cancelled");
        assert_eq!(state_of(&app, queued).await, JobState::Cancelled);

        let events = job_events(&app).await;
        assert_eq!(events.len(), 2, "{events:?}");
        let action = |e: &store::audit::AuditEvent| {
            let details: serde_json::Value = serde_json::from_str(e.details.as_deref()?).ok()?;
            details["action"].as_str().map(str::to_owned)
        };
        let mut seen: Vec<_> = events.iter().map(|e| (action(e), e.subject_id)).collect();
        seen.sort();
        let mut expected = vec![
            (Some("job_cancelled".to_owned()), Some(queued.as_uuid())),
            (Some("job_retried".to_owned()), Some(dead.as_uuid())),
        ];
        expected.sort();
        assert_eq!(seen, expected);
        assert!(events.iter().all(|e| e.organisation_id.is_none()), "the instance's chain");

        let html = app.get_lang("/admin/jobs?state=queued&notice=retried", "fr").await.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Tâches de fond") && text.contains("La tâche est remise en file"), "{text}");
    }

    async fn what_has_moved_on_is_neither_retried_nor_cancelled_and_nothing_is_audited(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("admin@instance.example", PASSWORD, None).await;
        app.sign_in("admin@instance.example", PASSWORD).await;
        let queued = enqueue(&app, "purge_sessions", "k", 5).await;
        let csrf = csrf_in(&app.get("/admin/jobs").await.text().await.unwrap()).unwrap();
        // A queued job is on its way: no retry.
        let (_, location) = post(&app, &format!("/admin/jobs/{queued}/retry"), &csrf, "queued").await;
        assert_eq!(location, "/admin/jobs?state=queued&notice=unchanged");
        // A worker takes it: too late to cancel.
        jobs::claim(&app.state.db, "w", &["purge_sessions"], 1, time::Duration::minutes(1), Ts::now()).await.unwrap();
        let (_, location) = post(&app, &format!("/admin/jobs/{queued}/cancel"), &csrf, "queued").await;
        assert_eq!(location, "/admin/jobs?state=queued&notice=unchanged");
        assert_eq!(state_of(&app, queued).await, JobState::Running);
        // A dead job whose work was enqueued again meanwhile: reviving it would do it twice.
        let dead = dead_job(&app, "again").await;
        enqueue(&app, "purge_sessions", "again", 5).await;
        let (_, location) = post(&app, &format!("/admin/jobs/{dead}/retry"), &csrf, "dead").await;
        assert_eq!(location, "/admin/jobs?state=dead&notice=duplicate");
        assert_eq!(state_of(&app, dead).await, JobState::Dead);
        assert!(job_events(&app).await.is_empty());
        // Unknown ids and states answer "not found".
        let (status, _) = post(&app, &format!("/admin/jobs/{}/retry", JobId::new()), &csrf, "dead").await;
        assert_eq!(status, 404);
        assert_eq!(app.get("/admin/jobs?state=finished").await.status(), 404);
    }

    async fn jobs_are_listed_fifty_a_page_newest_first(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("admin@instance.example", PASSWORD, None).await;
        app.sign_in("admin@instance.example", PASSWORD).await;
        for i in 0..51 {
            enqueue(&app, "purge_sessions", &format!("key-{i:02}"), 5).await;
        }
        let html = app.get_lang("/admin/jobs", "en").await.text().await.unwrap();
        let first = visible_text(&html);
        assert!(first.contains("key-50") && first.contains("key-01") && !first.contains("key-00"), "{first}");
        let next = html
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|h| h.contains("before="))
            .expect("a link to older jobs")
            // As a browser reads the attribute: askama writes `&` as `&#38;`.
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        let second = visible_text(&app.get_lang(&next, "en").await.text().await.unwrap());
        assert!(second.contains("key-00") && !second.contains("key-01"), "{second}");
        assert!(second.contains("Newest jobs"));
    }

    async fn members_of_an_organisation_do_not_see_the_jobs_page(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@ccas.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@ccas.example", PASSWORD).await;
        assert_eq!(app.get("/admin/jobs").await.status(), 404);
        let home = app.get("/").await.text().await.unwrap();
        assert!(!home.contains("/admin/jobs"), "no link either");
    }
}
