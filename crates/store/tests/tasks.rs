//! Tasks and reminders on both engines: typed tasks with optimistic locking and their event on
//! the case's timeline; system tasks created once per source and assignee whatever the number
//! of runs; the reminders job creating tasks for follow-up checks due, flags waiting and old
//! assessments, closing them when their reason is gone, and reminding each user once a day.

use domain::accounts::{Email, Role};
use domain::assessments::{AssessmentContent, AssessmentId, Rating};
use domain::cases::EntryKind;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::tasks::{TaskFields, TaskKind, TaskStatus};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{self, NewCase};
use store::tasks::{self, NewTask, Scope, SystemTask};
use store::{Db, Ts, accounts, assessments, follow_ups, intake, organisations, persons, teams};
use testkit::engine_tests;
use time::macros::{date, datetime};

/// 09:00 in Paris on 2 March 2026, plus `minutes`.
fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 08:00 UTC) + time::Duration::minutes(minutes))
}

fn days(n: i64) -> i64 {
    n * 24 * 60
}

async fn user(db: &Db, org: OrganisationId, name: &str, role: Role, team: TeamId) -> UserId {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@tasks.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, role, at(0)).await.unwrap();
    accounts::add_membership_team(db, m, team, false).await.unwrap();
    id
}

struct Org {
    id: OrganisationId,
    team: TeamId,
    worker: UserId,
    colleague: UserId,
    manager: UserId,
}

async fn organisation(db: &Db, slug: &str) -> Org {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("tasks-{slug}")).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let id = organisations::insert(db, &new, at(0)).await.unwrap().id;
    let team = NewTeam {
        id: TeamId::new(),
        organisation_id: id,
        name: DisplayName::parse("Accueil").unwrap(),
    };
    let team = teams::insert(db, &team, at(0)).await.unwrap().id;
    Org {
        id,
        team,
        worker: user(db, id, &format!("Worker{slug}"), Role::Worker, team).await,
        colleague: user(db, id, &format!("Colleague{slug}"), Role::Worker, team).await,
        manager: user(db, id, &format!("Manager{slug}"), Role::Manager, team).await,
    }
}

async fn person(db: &Db, org: OrganisationId, name: &str) -> PersonId {
    let id = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some(name.into()),
        first_names: Some("Camille".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, id, &rec, None, at(0)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn open(db: &Db, o: &Org, person: PersonId, referent: UserId) -> CaseId {
    let id = CaseId::new();
    let new = NewCase {
        id,
        organisation_id: o.id,
        person_id: person,
        household_id: None,
        team_id: o.team,
        referent_id: referent,
        co_referents: &[],
        reason: "Dettes de loyer",
        orientation_source: None,
        opened_by: referent,
    };
    let mut tx = db.begin_write().await.unwrap();
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn assess(db: &Db, o: &Org, case: CaseId, on: time::Date, now: Ts) -> AssessmentId {
    let content = AssessmentContent {
        assessed_on: on,
        ratings: vec![Rating {
            domain: "housing".into(),
            need: Some(3),
            person: None,
            person_words: None,
            strengths: None,
            priority: false,
        }],
    };
    let new = assessments::NewAssessment {
        id: AssessmentId::new(),
        organisation_id: o.id,
        case_id: case,
        content: &content,
        by: o.worker,
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = assessments::record(&mut tx, &new, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// Open tasks of `user` as (kind, source, due date).
async fn open_tasks(
    db: &Db,
    org: OrganisationId,
    user: UserId,
) -> Vec<(TaskKind, Option<uuid::Uuid>, Option<time::Date>)> {
    let mut v: Vec<_> = tasks::list(db, org, user, Scope::MineOpen, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.kind(), t.source_id, t.due_on))
        .collect();
    v.sort_by_key(|(k, s, _)| (k.as_str(), *s));
    v
}

async fn notifications_of(db: &Db, user: UserId) -> Vec<(String, Option<String>)> {
    store::notifications::latest(db, user, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.details))
        .collect()
}

engine_tests! {
    async fn a_typed_task_is_created_changed_with_locking_and_done_on_the_timeline(db) {
        let db = db.migrated().await;
        let o = organisation(&db, "typed").await;
        let p = person(&db, o.id, "Martin").await;
        let case = open(&db, &o, p, o.worker).await;
        let fields = TaskFields {
            title: "Appeler le bailleur <social>".into(),
            details: Some("Demander l'échéancier".into()),
            due_on: Some(date!(2026 - 03 - 05)),
        };
        let mut tx = db.begin_write().await.unwrap();
        let new = NewTask { organisation_id: o.id, fields: &fields, case_id: Some(case), person_id: Some(p), assignee: o.colleague, by: o.worker };
        let id = tasks::create(&mut tx, &new, at(5)).await.unwrap();
        tx.commit().await.unwrap();
        let task = tasks::find(&db, o.id, id).await.unwrap().unwrap();
        assert_eq!((task.kind(), task.status(), task.version), (TaskKind::Manual, TaskStatus::Open, 1));
        assert_eq!(task.person_name().as_deref(), Some("Martin Camille"));
        assert_eq!(task.assignee_id, o.colleague);
        // Given to a colleague: they are told, the author is not.
        assert_eq!(notifications_of(&db, o.colleague).await, vec![("task_assigned".to_owned(), Some(id.to_string()))]);
        assert!(notifications_of(&db, o.worker).await.is_empty());
        // The lists: the colleague's own, the author's "given".
        assert_eq!(tasks::list(&db, o.id, o.colleague, Scope::MineOpen, 10).await.unwrap().len(), 1);
        assert_eq!(tasks::list(&db, o.id, o.worker, Scope::GivenOpen, 10).await.unwrap()[0].id, id);
        assert!(tasks::list(&db, o.id, o.worker, Scope::MineOpen, 10).await.unwrap().is_empty());
        assert_eq!(tasks::of_case(&db, o.id, case).await.unwrap().len(), 1);
        // Another organisation does not find it.
        let other = organisation(&db, "other").await;
        assert!(tasks::find(&db, other.id, id).await.unwrap().is_none());

        // A stale version changes nothing.
        let changed = TaskFields { title: "Appeler le bailleur".into(), details: None, due_on: None };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!tasks::update(&mut tx, o.id, &task, 7, &changed, o.worker, o.worker, at(6)).await.unwrap());
        assert!(tasks::update(&mut tx, o.id, &task, 1, &changed, o.worker, o.colleague, at(6)).await.unwrap());
        tx.commit().await.unwrap();
        let task = tasks::find(&db, o.id, id).await.unwrap().unwrap();
        assert_eq!((task.title.as_deref(), task.due_on, task.assignee_id, task.version), (Some("Appeler le bailleur"), None, o.worker, 2));

        // Done: once, with its event on the case's timeline; reopened; cancelled.
        let mut tx = db.begin_write().await.unwrap();
        assert!(!tasks::close(&mut tx, o.id, &task, 1, TaskStatus::Done, o.worker, at(8)).await.unwrap());
        assert!(tasks::close(&mut tx, o.id, &task, 2, TaskStatus::Done, o.worker, at(8)).await.unwrap());
        assert!(!tasks::close(&mut tx, o.id, &task, 3, TaskStatus::Done, o.worker, at(8)).await.unwrap(), "closed already");
        tx.commit().await.unwrap();
        let done = tasks::find(&db, o.id, id).await.unwrap().unwrap();
        assert_eq!((done.status(), done.closed_by, done.closed_at), (TaskStatus::Done, Some(o.worker.as_uuid()), Some(at(8))));
        let closed = tasks::list(&db, o.id, o.worker, Scope::ClosedSince(at(7)), 10).await.unwrap();
        assert_eq!(closed.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
        assert!(tasks::list(&db, o.id, o.worker, Scope::ClosedSince(at(9)), 10).await.unwrap().is_empty());
        let kinds = [EntryKind::Task];
        let vis = Some(domain::policy::NoteVisibility { viewer: o.worker, referents_level: true });
        let page = cases::timeline(&db, o.id, case, vis, Some(cases::TimelineFilter::Kinds(&kinds)), None, 10).await.unwrap();
        let e = &page.entries[..];
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].subject_id, e[0].summary.as_deref(), e[0].detail.as_deref()), (Some(id), Some("Appeler le bailleur"), Some("done")));
        let mut tx = db.begin_write().await.unwrap();
        assert!(tasks::reopen(&mut tx, o.id, id, 3, at(9)).await.unwrap());
        let reopened = tasks::find(&mut tx, o.id, id).await.unwrap().unwrap();
        assert_eq!((reopened.status(), reopened.closed_at), (TaskStatus::Open, None));
        assert!(tasks::close(&mut tx, o.id, &reopened, 4, TaskStatus::Cancelled, o.worker, at(10)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(tasks::find(&db, o.id, id).await.unwrap().unwrap().status(), TaskStatus::Cancelled);
        assert!(tasks::of_case(&db, o.id, case).await.unwrap().is_empty());
    }

    async fn a_system_task_exists_once_per_source_and_assignee(db) {
        let db = db.migrated().await;
        let o = organisation(&db, "system").await;
        let p = person(&db, o.id, "Durand").await;
        let source = uuid::Uuid::now_v7();
        let t = SystemTask { organisation_id: o.id, kind: TaskKind::DocumentExpiring, source_id: source, case_id: None, person_id: Some(p), assignee: o.worker, due_on: Some(date!(2026 - 04 - 01)) };
        let mut tx = db.begin_write().await.unwrap();
        assert!(tasks::ensure_system(&mut tx, &t, at(1)).await.unwrap());
        assert!(!tasks::ensure_system(&mut tx, &t, at(2)).await.unwrap());
        // Another assignee for the same source is another task.
        assert!(tasks::ensure_system(&mut tx, &SystemTask { assignee: o.colleague, ..t }, at(2)).await.unwrap());
        tx.commit().await.unwrap();
        let mine = tasks::list(&db, o.id, o.worker, Scope::MineOpen, 10).await.unwrap();
        assert_eq!(mine.len(), 1);
        // Done by its assignee, it is not created again.
        let mut tx = db.begin_write().await.unwrap();
        assert!(tasks::close(&mut tx, o.id, &mine[0], 1, TaskStatus::Done, o.worker, at(3)).await.unwrap());
        assert!(!tasks::ensure_system(&mut tx, &t, at(4)).await.unwrap());
        // Resolving the source closes the other one, as done by the system.
        assert_eq!(tasks::resolve_source(&mut tx, o.id, TaskKind::DocumentExpiring, source, at(5)).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let theirs = tasks::list(&db, o.id, o.colleague, Scope::ClosedSince(at(0)), 10).await.unwrap();
        assert_eq!((theirs[0].status(), theirs[0].closed_by), (TaskStatus::Done, None));
        // A typed title on a system task, or a source on a typed one, is refused by the schema.
        let bad = "INSERT INTO tasks (id, organisation_id, kind, title, assignee_id, status, created_at, updated_at) \
                   VALUES ($1, $2, 'flag_unacknowledged', 'x', $3, 'open', $4, $4)";
        let (tid, org_id, worker) = (uuid::Uuid::now_v7(), o.id.as_uuid(), o.worker.as_uuid());
        let refused = match &db {
            Db::Sqlite(p) => sqlx::query(bad).bind(tid).bind(org_id).bind(worker).bind(at(1)).execute(p).await.map(drop),
            Db::Postgres(p) => sqlx::query(bad).bind(tid).bind(org_id).bind(worker).bind(at(1)).execute(p).await.map(drop),
        };
        assert!(refused.is_err());
    }

    async fn the_reminders_job_creates_resolves_and_reminds_once(db) {
        let db = db.migrated().await;
        let o = organisation(&db, "job").await;
        let now = at(days(10));
        // A closed case's follow-up check due in 10 days, another in 60: one task, due on the check's date.
        let p1 = person(&db, o.id, "Petit").await;
        let c1 = open(&db, &o, p1, o.worker).await;
        let mut tx = db.begin_write().await.unwrap();
        let checks = follow_ups::schedule(&mut tx, o.id, c1, &[date!(2026 - 03 - 22), date!(2026 - 05 - 11)], domain::persons::french_date, o.worker, at(2)).await.unwrap();
        tx.commit().await.unwrap();
        // A flag raised 30 hours ago on a person followed by the colleague, another 2 hours ago,
        // a third on a person nobody follows (the managers get it).
        let p2 = person(&db, o.id, "Grand").await;
        let _c2 = open(&db, &o, p2, o.colleague).await;
        let old_flag = intake::raise_flag(&db, o.id, p2, "no_income", None, None, None, Ts::from(now.get() - time::Duration::hours(30))).await.unwrap();
        let _new_flag = intake::raise_flag(&db, o.id, p2, "no_housing", None, None, None, Ts::from(now.get() - time::Duration::hours(2))).await.unwrap();
        let p3 = person(&db, o.id, "Seul").await;
        let lone_flag = intake::raise_flag(&db, o.id, p3, "no_income", None, None, None, Ts::from(now.get() - time::Duration::hours(25))).await.unwrap();
        // Assessments: one 7 months old (due), one 5 months old (not), one old on a closed case (not).
        let p4 = person(&db, o.id, "Ancien").await;
        let c4 = open(&db, &o, p4, o.worker).await;
        let a4 = assess(&db, &o, c4, date!(2025 - 08 - 01), at(3)).await;
        let p5 = person(&db, o.id, "Recent").await;
        let c5 = open(&db, &o, p5, o.worker).await;
        assess(&db, &o, c5, date!(2025 - 10 - 20), at(3)).await;

        let first = tasks::run_reminders(&db, now).await.unwrap();
        assert_eq!(first.created, 4, "{first:?}");
        let today = date!(2026 - 03 - 12);
        assert_eq!(open_tasks(&db, o.id, o.worker).await, {
            let mut v = vec![
                (TaskKind::FollowUpDue, Some(checks[0]), Some(date!(2026 - 03 - 22))),
                (TaskKind::AssessmentOld, Some(a4.as_uuid()), Some(today)),
            ];
            v.sort_by_key(|(k, s, _)| (k.as_str(), *s));
            v
        });
        assert_eq!(open_tasks(&db, o.id, o.colleague).await, vec![(TaskKind::FlagUnacknowledged, Some(old_flag), Some(today))]);
        assert_eq!(open_tasks(&db, o.id, o.manager).await, vec![(TaskKind::FlagUnacknowledged, Some(lone_flag), Some(today))]);
        // Due today: the assessment and flag tasks; told once, with their count.
        assert_eq!(first.reminded_users, 3);
        assert_eq!(notifications_of(&db, o.worker).await, vec![("tasks_due".to_owned(), Some("1".to_owned()))]);

        // A second run the same day changes nothing.
        let again = tasks::run_reminders(&db, at(days(10) + 30)).await.unwrap();
        assert_eq!(again, tasks::RunCounts::default());
        assert_eq!(notifications_of(&db, o.worker).await.len(), 1);

        // The flag acknowledged: its task is done at once, by the system.
        let flag = intake::find_flag(&db, o.id, old_flag).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(intake::acknowledge_flag(&mut tx, o.id, old_flag, flag.version, today, o.colleague, at(days(10) + 40)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(open_tasks(&db, o.id, o.colleague).await.is_empty());
        // A new assessment answers the old one's task.
        assess(&db, &o, c4, today, at(days(10) + 50)).await;
        assert_eq!(open_tasks(&db, o.id, o.worker).await.len(), 1);
        // The check recorded: its task is done.
        let check = follow_ups::find(&db, o.id, c1, checks[0]).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(follow_ups::mark_missed(&mut tx, o.id, c1, checks[0], check.version, "x", o.worker, at(days(10) + 60)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(open_tasks(&db, o.id, o.worker).await.is_empty());

        // The lone flag closed without acknowledgement: the job closes the managers' task.
        let lone = intake::find_flag(&db, o.id, lone_flag).await.unwrap().unwrap();
        assert!(intake::close_flag(&db, o.id, lone_flag, lone.version, None, o.manager, at(days(10) + 70)).await.unwrap());
        let run = tasks::run_reminders(&db, at(days(10) + 80)).await.unwrap();
        assert_eq!(run.resolved, 1);
        assert!(open_tasks(&db, o.id, o.manager).await.is_empty());

        // The next day, the flag raised 2 hours before the first run is 26 hours old: a task.
        // The other check is not due yet.
        let next = tasks::run_reminders(&db, at(days(11))).await.unwrap();
        assert_eq!(next.created, 1);
        // An overdue task is reminded again on a new day, not twice the same day.
        let day3 = tasks::run_reminders(&db, at(days(12))).await.unwrap();
        assert_eq!(day3.reminded_users, 1);
        assert_eq!(tasks::run_reminders(&db, at(days(12) + 60)).await.unwrap().reminded_users, 0);
    }
}
