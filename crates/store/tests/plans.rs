//! The action plan on both engines: goals with their domains at the end of the plan, steps
//! under them, victories and agreements, each change with its timeline event in the same
//! transaction; optimistic locking on goals and steps (a stale version writes nothing and hands
//! back what is stored; adding never conflicts); "changed since the agreement"; the overview's
//! active goals with their next step; nothing of another case or organisation.

use domain::accounts::{Email, Role};
use domain::cases::{EntryKind, TimelineGroup};
use domain::ids::GoalId;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::plans::{self, AgreementMethod, GoalStatus, StepOwner, StepStatus};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{self, NewCase, TimelineFilter};
use store::plans::Change;
use store::{Db, Ts, accounts, organisations, persons, teams};
use testkit::engine_tests;
use time::macros::{date, datetime};

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

struct World {
    org: OrganisationId,
    worker: UserId,
    colleague: UserId,
    case: CaseId,
}

async fn user(db: &Db, org: OrganisationId, team: TeamId, name: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@plan.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, Role::Worker, at(0)).await.unwrap();
    accounts::add_membership_team(db, m, team, false).await.unwrap();
    id
}

async fn world(db: &Db, slug: &str) -> World {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("plan-org-{slug}")).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(db, &new, at(0)).await.unwrap().id;
    let team = NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse("Insertion").unwrap(),
    };
    let team = teams::insert(db, &team, at(0)).await.unwrap().id;
    let worker = user(db, org, team, &format!("Worker{slug}")).await;
    let colleague = user(db, org, team, &format!("Colleague{slug}")).await;
    let person = PersonId::new();
    let rec =
        domain::persons::PersonRecord { birth_name: Some("Dupont".into()), ..Default::default() };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, at(0)).await.unwrap();
    let case = CaseId::new();
    let new = NewCase {
        id: case,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: worker,
        co_referents: &[],
        reason: "Logement",
        orientation_source: None,
        opened_by: worker,
    };
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    World { org, worker, colleague, case }
}

fn goal(words: &str, domains: &[&str]) -> plans::Goal {
    plans::Goal {
        person_words: words.into(),
        worker_words: None,
        domains: domains.iter().map(|d| d.to_string()).collect(),
        status: GoalStatus::Active,
    }
}

fn step(action: &str, owner: StepOwner, due: Option<time::Date>) -> plans::Step {
    plans::Step {
        action: action.into(),
        owner,
        partner_name: None,
        due_on: due,
        status: StepStatus::Planned,
    }
}

async fn new_goal(db: &Db, w: &World, g: &plans::Goal, minute: i64) -> GoalId {
    let mut tx = db.begin_write().await.unwrap();
    let id =
        store::plans::create_goal(&mut tx, w.org, w.case, g, w.worker, at(minute)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The plan events of the case's timeline, oldest first: (kind, detail, summary).
async fn plan_events(db: &Db, w: &World) -> Vec<(String, String, Option<String>)> {
    let kinds = [EntryKind::Goal, EntryKind::Step, EntryKind::Agreement, EntryKind::Victory];
    let page = cases::timeline(
        db,
        w.org,
        w.case,
        Some(domain::policy::NoteVisibility { viewer: w.worker, referents_level: true }),
        Some(TimelineFilter::Kinds(&kinds)),
        None,
        100,
    )
    .await
    .unwrap();
    let mut out: Vec<_> = page
        .entries
        .into_iter()
        .map(|e| (e.kind, e.detail.unwrap_or_default(), e.summary))
        .collect();
    out.reverse();
    out
}

engine_tests! {
    async fn goals_and_steps_are_added_in_order_with_their_events_and_read_back_as_one_plan(db) {
        let db = db.migrated().await;
        let w = world(&db, "a").await;
        let housing = new_goal(&db, &w, &goal("Avoir un logement à moi", &["housing", "budget"]), 10).await;
        let work = new_goal(&db, &w, &goal("Trouver un travail", &["employment"]), 11).await;
        let mut tx = db.begin_write().await.unwrap();
        let mut partner = step("Déposer le dossier", StepOwner::Partner, Some(date!(2026 - 03 - 20)));
        partner.partner_name = Some("Action Logement".into());
        let s1 = store::plans::add_step(&mut tx, w.org, w.case, housing, &partner, w.worker, at(12)).await.unwrap().unwrap();
        let s2 = store::plans::add_step(&mut tx, w.org, w.case, housing, &step("Rassembler les fiches de paie", StepOwner::Person, None), w.worker, at(13)).await.unwrap().unwrap();
        tx.commit().await.unwrap();

        // A goal of another case takes no step.
        let other = world(&db, "b").await;
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(store::plans::add_step(&mut tx, other.org, other.case, housing, &step("x", StepOwner::Worker, None), other.worker, at(14)).await.unwrap(), None);
        assert_eq!(store::plans::add_step(&mut tx, w.org, other.case, housing, &step("x", StepOwner::Worker, None), w.worker, at(14)).await.unwrap(), None);
        tx.commit().await.unwrap();

        let plan = store::plans::plan_of(&db, w.org, w.case).await.unwrap();
        let words: Vec<_> = plan.goals.iter().map(|g| (g.person_words.as_str(), g.position)).collect();
        assert_eq!(words, vec![("Avoir un logement à moi", 1), ("Trouver un travail", 2)]);
        assert_eq!(plan.goals[0].domains, vec!["budget", "housing"]);
        assert_eq!(plan.goals[1].id, work);
        let steps: Vec<_> = plan.goals[0].steps.iter().map(|s| (s.id, s.owner(), s.partner_name.clone(), s.due_on, s.version)).collect();
        assert_eq!(steps, vec![
            (s1, StepOwner::Partner, Some("Action Logement".into()), Some(date!(2026 - 03 - 20)), 1),
            (s2, StepOwner::Person, None, None, 1),
        ]);
        assert!(plan.goals[1].steps.is_empty());
        assert_eq!(plan.agreement, None);
        // Nothing of it from another organisation.
        assert_eq!(store::plans::plan_of(&db, other.org, w.case).await.unwrap(), store::plans::Plan::default());
        assert!(store::plans::find_goal(&db, other.org, w.case, housing).await.unwrap().is_none());

        assert_eq!(plan_events(&db, &w).await, vec![
            ("goal".into(), "added".into(), Some("Avoir un logement à moi".into())),
            ("goal".into(), "added".into(), Some("Trouver un travail".into())),
            ("step".into(), "added".into(), Some("Déposer le dossier".into())),
            ("step".into(), "added".into(), Some("Rassembler les fiches de paie".into())),
        ]);
        // The timeline's "plan" group holds them.
        let page = cases::timeline(&db, w.org, w.case, Some(domain::policy::NoteVisibility { viewer: w.colleague, referents_level: false }), Some(TimelineFilter::Kinds(TimelineGroup::PlanChanges.kinds())), None, 20).await.unwrap();
        assert_eq!(page.entries.len(), 4);
        // A reader without the content sees none of them.
        let page = cases::timeline(&db, w.org, w.case, None, None, None, 20).await.unwrap();
        assert!(page.entries.iter().all(|e| e.kind == "status"), "{:?}", page.entries);
    }

    async fn two_workers_editing_the_same_goal_or_step_never_overwrite_each_other(db) {
        let db = db.migrated().await;
        let w = world(&db, "c").await;
        let id = new_goal(&db, &w, &goal("Payer mes dettes", &["budget"]), 10).await;
        let shown = store::plans::find_goal(&db, w.org, w.case, id).await.unwrap().unwrap();
        assert_eq!(shown.version, 1);

        // The first worker saves from version 1.
        let mut first = shown.fields();
        first.worker_words = Some("Plan d'apurement avec le bailleur".into());
        first.domains = vec!["budget".into(), "housing".into()];
        let mut tx = db.begin_write().await.unwrap();
        let r = store::plans::update_goal(&mut tx, w.org, w.case, id, 1, &first, w.worker, at(20)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(r, Change::Saved("changed"));

        // The second, from the same version 1: refused, nothing written, the stored goal handed
        // back with who saved it.
        let mut second = shown.fields();
        second.person_words = "Ne plus avoir de dettes".into();
        let mut tx = db.begin_write().await.unwrap();
        let r = store::plans::update_goal(&mut tx, w.org, w.case, id, 1, &second, w.colleague, at(21)).await.unwrap();
        tx.commit().await.unwrap();
        let Change::Conflict(now) = r else { panic!("{r:?}") };
        assert_eq!(now.version, 2);
        assert_eq!(now.worker_words.as_deref(), Some("Plan d'apurement avec le bailleur"));
        assert_eq!(now.updated_by_name.as_deref(), Some("Workerc"));
        assert_eq!(now.domains, vec!["budget", "housing"]);
        let stored = store::plans::find_goal(&db, w.org, w.case, id).await.unwrap().unwrap();
        assert_eq!(stored.person_words, "Payer mes dettes");

        // Sent again from the version now shown, it saves; achieving is its own event.
        second.worker_words = now.worker_words.clone();
        second.status = GoalStatus::Achieved;
        let mut tx = db.begin_write().await.unwrap();
        let r = store::plans::update_goal(&mut tx, w.org, w.case, id, 2, &second, w.colleague, at(22)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(r, Change::Saved("achieved"));
        // Saving what is stored writes nothing.
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(store::plans::update_goal(&mut tx, w.org, w.case, id, 3, &second, w.worker, at(23)).await.unwrap(), Change::Unchanged);
        assert_eq!(store::plans::update_goal(&mut tx, w.org, w.case, GoalId::new(), 1, &second, w.worker, at(23)).await.unwrap(), Change::NotFound);
        tx.commit().await.unwrap();

        // Steps: adding never conflicts; a stale edit does.
        let mut tx = db.begin_write().await.unwrap();
        let s = store::plans::add_step(&mut tx, w.org, w.case, id, &step("Appeler le bailleur", StepOwner::Worker, None), w.worker, at(30)).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let shown = store::plans::find_step(&db, w.org, w.case, s).await.unwrap().unwrap();
        let mut started = shown.fields();
        started.status = StepStatus::InProgress;
        let mut done = shown.fields();
        done.status = StepStatus::Done;
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(store::plans::update_step(&mut tx, w.org, w.case, s, 1, &started, w.worker, at(31)).await.unwrap(), Change::Saved("started"));
        let r = store::plans::update_step(&mut tx, w.org, w.case, s, 1, &done, w.colleague, at(32)).await.unwrap();
        assert!(matches!(&r, Change::Conflict(now) if now.status() == StepStatus::InProgress && now.version == 2), "{r:?}");
        assert_eq!(store::plans::update_step(&mut tx, w.org, w.case, s, 2, &done, w.colleague, at(33)).await.unwrap(), Change::Saved("done"));
        tx.commit().await.unwrap();

        let events: Vec<_> = plan_events(&db, &w).await.into_iter().map(|(k, d, _)| format!("{k}:{d}")).collect();
        assert_eq!(events, ["goal:added", "goal:changed", "goal:achieved", "step:added", "step:started", "step:done"]);
    }

    async fn two_transactions_racing_on_one_goal_save_one_and_refuse_the_other(db) {
        let db = db.migrated().await;
        let w = world(&db, "d").await;
        let id = new_goal(&db, &w, &goal("Passer le permis", &["mobility"]), 10).await;
        let one = goal("Passer le permis B", &["mobility"]);
        let two = goal("Passer le code", &["mobility"]);
        let (a, b) = tokio::join!(
            async {
                let mut tx = db.begin_write().await.unwrap();
                let r = store::plans::update_goal(&mut tx, w.org, w.case, id, 1, &one, w.worker, at(20)).await.unwrap();
                tx.commit().await.unwrap();
                r
            },
            async {
                let mut tx = db.begin_write().await.unwrap();
                let r = store::plans::update_goal(&mut tx, w.org, w.case, id, 1, &two, w.colleague, at(20)).await.unwrap();
                tx.commit().await.unwrap();
                r
            },
        );
        let saved = [&a, &b].iter().filter(|r| ***r == Change::Saved("changed")).count();
        let refused = [&a, &b].iter().filter(|r| matches!(r, Change::Conflict(_))).count();
        assert_eq!((saved, refused), (1, 1), "{a:?} {b:?}");
        let stored = store::plans::find_goal(&db, w.org, w.case, id).await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
    }

    async fn victories_and_agreements_go_on_the_timeline_and_a_later_change_shows(db) {
        let db = db.migrated().await;
        let w = world(&db, "e").await;
        let g = new_goal(&db, &w, &goal("Sortir de chez moi", &["social_life"]), 10).await;
        let mut tx = db.begin_write().await.unwrap();
        let v = plans::Victory { occurred_on: date!(2026 - 03 - 01), person_words: "Je suis allée au café social".into(), goal: Some(g) };
        store::plans::add_victory(&mut tx, w.org, w.case, &v, w.worker, at(20)).await.unwrap();
        let v2 = plans::Victory { occurred_on: date!(2026 - 03 - 02), person_words: "J'ai appelé ma sœur".into(), goal: None };
        store::plans::add_victory(&mut tx, w.org, w.case, &v2, w.worker, at(21)).await.unwrap();
        let a = plans::Agreement { agreed_on: date!(2026 - 03 - 02), method: AgreementMethod::SignedPaper };
        store::plans::record_agreement(&mut tx, w.org, w.case, &a, w.worker, at(22)).await.unwrap();
        tx.commit().await.unwrap();

        let plan = store::plans::plan_of(&db, w.org, w.case).await.unwrap();
        let words: Vec<_> = plan.victories.iter().map(|v| (v.person_words.as_str(), v.goal_id)).collect();
        assert_eq!(words, vec![("J'ai appelé ma sœur", None), ("Je suis allée au café social", Some(g.as_uuid()))]);
        let agreement = plan.agreement.clone().unwrap();
        assert_eq!((agreement.agreed_on, agreement.method()), (date!(2026 - 03 - 02), Some(AgreementMethod::SignedPaper)));
        assert_eq!(agreement.recorded_by_name.as_deref(), Some("Workere"));
        assert!(!plan.changed_since_agreement());

        // A victory is no change of the plan; a new step is.
        let mut tx = db.begin_write().await.unwrap();
        let v3 = plans::Victory { occurred_on: date!(2026 - 03 - 02), person_words: "Encore une".into(), goal: None };
        store::plans::add_victory(&mut tx, w.org, w.case, &v3, w.worker, at(23)).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!store::plans::plan_of(&db, w.org, w.case).await.unwrap().changed_since_agreement());
        let mut tx = db.begin_write().await.unwrap();
        store::plans::add_step(&mut tx, w.org, w.case, g, &step("Aller à l'atelier", StepOwner::Person, None), w.worker, at(24)).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        assert!(store::plans::plan_of(&db, w.org, w.case).await.unwrap().changed_since_agreement());
        // A new agreement covers it.
        let mut tx = db.begin_write().await.unwrap();
        let a2 = plans::Agreement { agreed_on: date!(2026 - 03 - 02), method: AgreementMethod::Oral };
        store::plans::record_agreement(&mut tx, w.org, w.case, &a2, w.worker, at(25)).await.unwrap();
        tx.commit().await.unwrap();
        let plan = store::plans::plan_of(&db, w.org, w.case).await.unwrap();
        assert_eq!(plan.agreement.unwrap().method(), Some(AgreementMethod::Oral));

        let events = plan_events(&db, &w).await;
        // The victory of 1 March sorts on its day, before the goal added on 2 March.
        assert_eq!(events[0], ("victory".into(), "added".into(), Some("Je suis allée au café social".into())));
        assert!(events.contains(&("agreement".into(), "recorded".into(), None)));
        assert_eq!(events.iter().filter(|e| e.0 == "victory").count(), 3);
        assert_eq!(store::plans::victories_of(&db, w.org, w.case, 2).await.unwrap().len(), 2);
    }

    async fn the_overview_shows_active_goals_with_their_next_step_and_the_latest_victories(db) {
        let db = db.migrated().await;
        let w = world(&db, "f").await;
        let a = new_goal(&db, &w, &goal("Logement", &["housing"]), 10).await;
        let b = new_goal(&db, &w, &goal("Santé", &["health"]), 11).await;
        let c = new_goal(&db, &w, &goal("Permis", &["mobility"]), 12).await;
        let mut tx = db.begin_write().await.unwrap();
        let add = |goal, s: plans::Step| (goal, s);
        let mut done = step("Fait", StepOwner::Worker, Some(date!(2026 - 01 - 01)));
        done.status = StepStatus::Done;
        for (goal, s) in [
            add(a, step("Sans date", StepOwner::Person, None)),
            add(a, step("Plus tard", StepOwner::Worker, Some(date!(2026 - 05 - 01)))),
            add(a, done),
            add(a, step("Bientôt", StepOwner::Partner, Some(date!(2026 - 02 - 01)))),
            add(b, step("Sans date non plus", StepOwner::Person, None)),
            add(c, step("Code", StepOwner::Person, Some(date!(2026 - 01 - 15)))),
        ] {
            store::plans::add_step(&mut tx, w.org, w.case, goal, &s, w.worker, at(20)).await.unwrap().unwrap();
        }
        tx.commit().await.unwrap();
        // Goal c is set aside: not in the overview.
        let mut held = goal("Permis", &["mobility"]);
        held.status = GoalStatus::OnHold;
        let mut tx = db.begin_write().await.unwrap();
        store::plans::update_goal(&mut tx, w.org, w.case, c, 1, &held, w.worker, at(30)).await.unwrap();
        for i in 0..4 {
            let v = plans::Victory { occurred_on: date!(2026 - 02 - 01) + time::Duration::days(i), person_words: format!("Victoire {i}"), goal: None };
            store::plans::add_victory(&mut tx, w.org, w.case, &v, w.worker, at(31)).await.unwrap();
        }
        tx.commit().await.unwrap();

        let o = store::plans::overview(&db, w.org, w.case, 3).await.unwrap();
        let goals: Vec<_> = o.goals.iter().map(|(g, s)| (g.person_words.as_str(), s.as_ref().map(|s| s.action.as_str()))).collect();
        assert_eq!(goals, vec![("Logement", Some("Bientôt")), ("Santé", Some("Sans date non plus"))]);
        let next = o.goals[0].1.as_ref().unwrap();
        assert!(next.overdue(date!(2026 - 03 - 02)));
        assert!(!next.overdue(date!(2026 - 01 - 02)));
        let words: Vec<_> = o.victories.iter().map(|v| v.person_words.as_str()).collect();
        assert_eq!(words, ["Victoire 3", "Victoire 2", "Victoire 1"]);
        // An empty plan.
        let other = world(&db, "g").await;
        assert_eq!(store::plans::overview(&db, other.org, other.case, 3).await.unwrap(), store::plans::PlanOverview::default());
    }
}
