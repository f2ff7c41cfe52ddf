//! Tasks and "my day" on the web — on SQLite and PostgreSQL: a task added from a case and
//! given to a colleague (who is told), seen on the case by the team and by nobody else (guessed
//! ids answer "not found"), refused values kept with their messages, a stale edit shown beside
//! what is stored, done with its timeline event, the anti-forgery token, a system reminder on
//! "my day" that may be handed over but not rewritten, and the reminder settings.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, member, open_case_for, team_of, visible_text};

const ORG: &str = "ccas-tasks";

/// The id of the only task whose title is `title` on the page.
fn find_task(html: &str, title: &str) -> Option<String> {
    let i = html.find(&format!(">{title}</a>"))?;
    let before = &html[..i];
    let start = before.rfind("href=\"/tasks/")? + "href=\"/tasks/".len();
    Some(before[start..].split('"').next()?.to_owned())
}

struct World {
    alice: Browser,
    chloe: Browser,
    bruno: Browser,
    manager: Browser,
    case: String,
}

async fn world(app: &TestApp) -> World {
    let insertion = team_of(app, ORG, "Insertion").await;
    let logement = team_of(app, ORG, "Logement").await;
    let alice = member(app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
    let chloe = member(app, ORG, "Chloe", Role::Worker, &[(insertion, false)]).await;
    let bruno = member(app, ORG, "Bruno", Role::Worker, &[(logement, false)]).await;
    let manager = member(app, ORG, "Manon", Role::Manager, &[]).await;
    let case = open_case_for(app, &alice, insertion, "Durand").await;
    World { alice, chloe, bruno, manager, case }
}

engine_tests! {
    async fn a_task_from_a_case_goes_to_a_colleague_and_is_done_on_the_timeline(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case_page = w.alice.page(&app, &format!("/cases/{}", w.case)).await;
        assert!(case_page.contains(&format!("/tasks/new?case={}", w.case)), "the case offers to add a task");
        let form = w.alice.page(&app, &format!("/tasks/new?case={}", w.case)).await;
        assert!(form.contains(&format!("name=\"case_id\" value=\"{}\"", w.case)));
        assert!(form.contains("Chloe"), "colleagues are offered");

        // Refused values come back with their messages, and everything typed is kept.
        let res = w.alice.post(&app, "/tasks/new", &[
            ("title", "  "), ("details", "Demander l'échéancier <b>"), ("due_on", "31/02/2026"),
            ("assignee", &w.chloe.id), ("case_id", &w.case), ("back", "case"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("Indiquez ce qu&#39;il faut faire.") || html.contains("Indiquez ce qu'il faut faire."), "{}", visible_text(&html));
        assert!(html.contains("Cette date n"));
        assert!(html.contains("échéancier &#60;b&#62;</textarea>"), "kept, escaped");
        assert!(html.contains("value=\"31/02/2026\""));
        // A colleague who may not see the case cannot be given a task on it.
        let res = w.alice.post(&app, "/tasks/new", &[
            ("title", "Appeler le bailleur"), ("assignee", &w.bruno.id), ("case_id", &w.case), ("back", "case"),
        ]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("ne peut pas être confiée"));
        // Without the anti-forgery token: refused, nothing created.
        let res = w.alice.client.post(app.url("/tasks/new")).form(&[("title", "Sans jeton")]).send().await.unwrap();
        assert_eq!(res.status(), 403);

        let res = w.alice.post(&app, "/tasks/new", &[
            ("title", "Appeler le bailleur"), ("details", "Échéancier"), ("due_on", "2026-12-01"),
            ("assignee", &w.chloe.id), ("case_id", &w.case), ("back", "case"),
        ]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), format!("/cases/{}?task=created#tasks-notice", w.case));
        // Chloe is told, and finds it in her list; Alice in what she gave.
        let bell = w.chloe.page(&app, "/notifications").await;
        assert!(bell.contains("Alice vous a confié une tâche"), "{}", visible_text(&bell));
        let list = w.chloe.page(&app, "/tasks").await;
        let id = find_task(&list, "Appeler le bailleur").expect("in Chloe's list");
        assert!(visible_text(&w.alice.page(&app, "/tasks").await).contains("pour Chloe"));
        // The case's team sees it on the case; a worker of another team, by guessed id, does not.
        let on_case = w.chloe.page(&app, &format!("/cases/{}", w.case)).await;
        assert!(on_case.contains("Appeler le bailleur"));
        assert_eq!(w.bruno.get(&app, &format!("/tasks/{id}")).await.status(), 404);
        assert_eq!(w.bruno.post(&app, &format!("/tasks/{id}/done"), &[("version", "1")]).await.status(), 404);
        assert!(!w.bruno.page(&app, "/tasks").await.contains("Appeler le bailleur"));
        // The manager sees the case's metadata, not its tasks.
        assert!(!w.manager.page(&app, &format!("/cases/{}", w.case)).await.contains("Appeler le bailleur"));
        assert_eq!(w.manager.get(&app, &format!("/tasks/{id}")).await.status(), 404);

        // A stale edit: nothing saved, the stored task beside what was typed.
        let res = w.chloe.post(&app, &format!("/tasks/{id}"), &[
            ("title", "Appeler le bailleur social"), ("due_on", "2026-12-02"), ("assignee", &w.chloe.id), ("version", "1"),
        ]).await;
        assert_eq!(res.status(), 303);
        let res = w.alice.post(&app, &format!("/tasks/{id}"), &[
            ("title", "Écrire au bailleur"), ("due_on", ""), ("assignee", &w.chloe.id), ("version", "1"),
        ]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(html.contains("Appeler le bailleur social") && html.contains("Écrire au bailleur"));

        // Done from the case page: back to it, and the timeline says so.
        let res = w.chloe.post(&app, &format!("/tasks/{id}/done"), &[("version", "2"), ("back", "case")]).await;
        assert_eq!(location(&res), format!("/cases/{}?task=done#tasks-notice", w.case));
        let notice = visible_text(&w.chloe.page(&app, &format!("/cases/{}?task=done", w.case)).await);
        assert!(notice.contains("La tâche est faite."), "{notice}");
        let page = w.alice.page(&app, &format!("/cases/{}", w.case)).await;
        let text = visible_text(&page);
        assert!(text.contains("Tâche faite par Chloe Appeler le bailleur social"), "{text}");
        assert!(page.contains(&format!("href=\"/tasks/{id}\"")), "the event links to the task");
        // Done twice: the second click finds it changed, and says so.
        let res = w.chloe.post(&app, &format!("/tasks/{id}/done"), &[("version", "2"), ("back", "my-day")]).await;
        assert_eq!(location(&res), "/my-day?task=stale#tasks-notice");
        // Reopened; its page is in English too.
        let res = w.alice.post(&app, &format!("/tasks/{id}/reopen"), &[("version", "3"), ("back", "task")]).await;
        assert_eq!(location(&res), format!("/tasks/{id}?task=reopened#tasks-notice"));
        let en = w.alice.get_en(&app, &format!("/tasks/{id}?task=reopened")).await;
        assert!(en.contains("The task is open again.") && en.contains("Mark done"));
        // Every change is in the audit log.
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let n: i64 = match db {
            store::Db::Sqlite(p) => sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE organisation_id = $1 AND subject_type = 'task'").bind(org.as_uuid()).fetch_one(p).await,
            store::Db::Postgres(p) => sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE organisation_id = $1 AND subject_type = 'task'").bind(org.as_uuid()).fetch_one(p).await,
        }.unwrap();
        assert_eq!(n, 4, "created, saved, done, reopened");
    }

    async fn my_day_shows_what_is_due_and_system_reminders_are_handed_over_not_rewritten(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        assert!(visible_text(&w.alice.page(&app, "/my-day").await).contains("Rien ne vous attend aujourd"));
        // An overdue task of her own, one for today, one next week, one with no date.
        let today = time::OffsetDateTime::now_utc().date();
        for (title, due) in [
            ("Relancer la CAF", (today - time::Duration::days(3)).to_string()),
            ("Préparer la commission", today.to_string()),
            ("Visite à domicile", (today + time::Duration::days(4)).to_string()),
            ("Classer les papiers", String::new()),
        ] {
            let res = w.alice.post(&app, "/tasks/new", &[("title", title), ("due_on", &due), ("back", "my-day")]).await;
            assert_eq!(location(&res), "/my-day?task=created#tasks-notice");
        }
        let text = visible_text(&w.alice.page(&app, "/my-day").await);
        let order: Vec<usize> = ["Une tâche en retard", "Relancer la CAF", "Une tâche pour aujourd", "Préparer la commission", "Une tâche dans la semaine", "Visite à domicile", "Une tâche sans date", "Classer les papiers"]
            .iter().map(|s| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"))).collect();
        assert!(order.windows(2).all(|p| p[0] < p[1]), "{text}");
        // An urgency flag on the case's person, left unacknowledged past the organisation's
        // limit, becomes her task when the job runs.
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let case = store::cases::find(db, org, w.case.parse().unwrap()).await.unwrap().unwrap();
        let raised = store::Ts::from(time::OffsetDateTime::now_utc() - time::Duration::hours(30));
        store::intake::raise_flag(db, org, case.person_id, "no_income", None, None, None, raised).await.unwrap();
        let run = store::tasks::run_reminders(db, store::Ts::now()).await.unwrap();
        assert_eq!(run.created, 1);
        let page = w.alice.page(&app, "/my-day").await;
        let text = visible_text(&page);
        assert!(text.contains("Un signalement d'urgence en attente") || text.contains("Un signalement d&#39;urgence en attente"), "{text}");
        let id = find_task(&page, "Signalement d&#39;urgence non pris en compte")
            .or_else(|| find_task(&page, "Signalement d'urgence non pris en compte"))
            .expect("the reminder is on my day");
        // The reminders bell: once for the tasks due.
        assert!(visible_text(&w.alice.page(&app, "/notifications").await).contains("de vos tâches arrivent à échéance"));
        // Not rewritten: no edit form, an edit refused; handed over to Chloe, who is told.
        let task_page = w.alice.page(&app, &format!("/tasks/{id}")).await;
        assert!(!task_page.contains("name=\"title\"") && task_page.contains("/assign"));
        let res = w.alice.post(&app, &format!("/tasks/{id}"), &[("title", "x"), ("assignee", &w.alice.id), ("version", "1")]).await;
        assert_eq!(res.status(), 404);
        let res = w.alice.post(&app, &format!("/tasks/{id}/assign"), &[("assignee", &w.chloe.id), ("version", "1"), ("back", "task")]).await;
        assert_eq!(location(&res), format!("/tasks/{id}?task=assigned#tasks-notice"));
        assert!(find_task(&w.chloe.page(&app, "/my-day").await, "Signalement d&#39;urgence non pris en compte").is_some()
            || find_task(&w.chloe.page(&app, "/my-day").await, "Signalement d'urgence non pris en compte").is_some());
        // Acknowledging the flag closes the reminder at once.
        let flags = store::intake::flags_of(db, org, case.person_id).await.unwrap();
        let res = w.chloe.post(&app, &format!("/flags/{}/acknowledge", flags[0].id), &[
            ("version", &flags[0].version.to_string()), ("review_date", &(today + time::Duration::days(7)).to_string()),
        ]).await;
        assert_eq!(res.status(), 303);
        let t = store::tasks::find(db, org, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!((t.status(), t.closed_by), (domain::tasks::TaskStatus::Done, None));
        // A task id typed by hand that does not exist: not found.
        assert_eq!(w.alice.get(&app, &format!("/tasks/{}", uuid::Uuid::now_v7())).await.status(), 404);
    }

    async fn the_reminder_settings_are_the_managers(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let page = w.manager.page(&app, "/admin/organisation").await;
        assert!(page.contains("name=\"reminder_flag_hours\"") && page.contains("value=\"24\""));
        let version = page.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let mut fields = vec![
            ("version", version.as_str()), ("name", "CCAS"), ("time_zone", "Europe/Paris"),
            ("session_idle_minutes", "30"), ("session_absolute_hours", "12"),
            ("reminder_flag_hours", "300"), ("reminder_assessment_months", "3"),
            ("reminder_referral_days", "91"),
            ("reminder_mail_days", "15"),
            ("reminder_aid_days", "91"),
            ("budget_day_divisor", "30"),
            ("statistics_threshold", "5"),
        ];
        let res = w.manager.post(&app, "/admin/organisation", &fields).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("value=\"300\"") && html.contains("value=\"91\""), "the refused values are kept");
        assert!(html.contains("id=\"reminder_referral_days-error\""), "the referral days are refused by name");
        assert!(html.contains("id=\"reminder_aid_days-error\""), "so are the aid request's days (1 to 90)");
        fields[5] = ("reminder_flag_hours", "4");
        fields[7] = ("reminder_referral_days", "14");
        fields[9] = ("reminder_aid_days", "20");
        assert_eq!(w.manager.post(&app, "/admin/organisation", &fields).await.status(), 303);
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let s = store::organisations::settings(db, org).await.unwrap().unwrap();
        assert_eq!((s.reminder_flag_hours, s.reminder_assessment_months), (4, 3));
        assert_eq!(s.reminder_aid_days, 20);
        // The referrals' reminder job reads the same column.
        assert_eq!(store::referrals::reminder_days(db, org).await.unwrap(), 14);
        // A worker may not change them.
        assert_eq!(w.alice.get(&app, "/admin/organisation").await.status(), 404);
    }
}
