//! The case overview runs a bounded number of queries whatever the case's history: the
//! statements sqlx logs are counted (a global subscriber, so this test has a binary of its own
//! and runs the engines one after the other) for a case with no note and with 200.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use domain::accounts::{Email, Role};
use domain::cases::Confidentiality;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::policy::{ActiveMembership, Actor, case_access, note_visibility};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{NewCase, NoteRecord};
use store::{Db, Ts, accounts, organisations, persons, teams};
use testkit::TestDb;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

static COUNTING: AtomicBool = AtomicBool::new(false);
static QUERIES: AtomicUsize = AtomicUsize::new(0);

/// Whether a logged statement is a `PRAGMA`.
struct PragmaSeen(bool);

impl tracing::field::Visit for PragmaSeen {
    fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0 |= format!("{value:?}").contains("PRAGMA");
    }
}

/// Counts the statements sqlx logs (target `sqlx::query`), on every thread: SQLite runs its
/// statements on a worker thread of its own.
struct QueryCounter;

impl Subscriber for QueryCounter {
    fn register_callsite(&self, m: &'static Metadata<'static>) -> Interest {
        if m.target() == "sqlx::query" { Interest::always() } else { Interest::never() }
    }
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.target() == "sqlx::query"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        // A connection the pool opens meanwhile refreshes SQLite's statistics for itself
        // (`PRAGMA optimize`, see store::db): no query of the overview.
        let mut pragma = PragmaSeen(false);
        event.record(&mut pragma);
        if COUNTING.load(Ordering::SeqCst) && !pragma.0 {
            QUERIES.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn now() -> Ts {
    Ts::now()
}

async fn worker(db: &Db, org: OrganisationId, team: TeamId) -> Actor {
    let id = UserId::new();
    let email = Email::parse("worker@overview.example").unwrap();
    let name = DisplayName::parse("Worker").unwrap();
    let new = accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
    accounts::insert_user(db, &new, now()).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, Role::Worker, now()).await.unwrap();
    accounts::add_membership_team(db, m, team, false).await.unwrap();
    Actor {
        user_id: id,
        instance_admin: false,
        membership: Some(ActiveMembership {
            organisation_id: org,
            role: Role::Worker,
            teams: vec![team],
            supervised_teams: vec![],
        }),
    }
}

/// The queries of one opening of the overview: the case (with its co-referents), then what
/// the page shows.
async fn overview_queries(db: &Db, org: OrganisationId, id: CaseId, reader: &Actor) -> usize {
    QUERIES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let case = store::cases::find(db, org, id).await.unwrap().unwrap();
    let co = case.co_referent_ids();
    let access = case_access(reader, &case.facts(&co));
    let o = store::cases::overview(
        db,
        &case,
        note_visibility(reader, &access),
        None,
        None,
        5,
        20,
        Some(reader.user_id),
    )
    .await
    .unwrap()
    .unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    assert!(o.timeline.entries.len() <= 20);
    QUERIES.load(Ordering::SeqCst)
}

async fn run(test_db: TestDb) {
    let db = test_db.migrated().await;
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse("overview-queries").unwrap(),
        name: DisplayName::parse("Overview").unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(&db, &new, now()).await.unwrap().id;
    let team = NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse("Insertion").unwrap(),
    };
    let team = teams::insert(&db, &team, now()).await.unwrap().id;
    let reader = worker(&db, org, team).await;
    let person = PersonId::new();
    let rec =
        domain::persons::PersonRecord { birth_name: Some("Martin".into()), ..Default::default() };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, now()).await.unwrap();
    let id = CaseId::new();
    let case = NewCase {
        id,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: reader.user_id,
        co_referents: &[],
        reason: "Test",
        orientation_source: None,
        opened_by: reader.user_id,
    };
    store::cases::open(&mut tx, &case, now()).await.unwrap();
    tx.commit().await.unwrap();

    // Once to open the pool's connections (a new connection runs statements of its own).
    overview_queries(&db, org, id, &reader).await;
    let empty = overview_queries(&db, org, id, &reader).await;

    let mut tx = db.begin_write().await.unwrap();
    for i in 0..200 {
        let note = NoteRecord {
            occurred_at: Ts::from(Ts::now().get() - time::Duration::hours(i)),
            duration_minutes: Some(30),
            place: None,
            participants: None,
            note_type: "phone".into(),
            confidentiality: if i % 7 == 0 {
                Confidentiality::Referents
            } else {
                Confidentiality::Normal
            },
            body: format!("Note {i}"),
        };
        store::cases::add_note(&mut tx, org, id, &note, reader.user_id, now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let full = overview_queries(&db, org, id, &reader).await;
    eprintln!(
        "case overview on {:?}: {empty} queries with no note, {full} with 200",
        test_db.engine
    );
    assert_eq!(empty, full, "the same queries whatever the history");
    assert!(full <= 10, "{full} queries");
    assert!(full >= 8, "the counter sees the queries ({full})");

    // The plan panel: the same three queries with no plan and with 20 goals of 5 steps each
    // and 30 victories.
    let plan_empty = plan_overview_queries(&db, org, id).await;
    let mut tx = db.begin_write().await.unwrap();
    for g in 0..20 {
        let goal = domain::plans::Goal {
            person_words: format!("Goal {g}"),
            worker_words: None,
            domains: vec!["housing".into(), "budget".into()],
            status: domain::plans::GoalStatus::Active,
        };
        let goal = store::plans::create_goal(&mut tx, org, id, &goal, reader.user_id, now())
            .await
            .unwrap();
        for s in 0..5 {
            let step = domain::plans::Step {
                action: format!("Step {s}"),
                owner: domain::plans::StepOwner::Person,
                partner_name: None,
                due_on: None,
                status: domain::plans::StepStatus::Planned,
            };
            store::plans::add_step(&mut tx, org, id, goal, &step, reader.user_id, now())
                .await
                .unwrap();
        }
    }
    for v in 0..30 {
        let victory = domain::plans::Victory {
            occurred_on: now().get().date(),
            person_words: format!("Victory {v}"),
            goal: None,
        };
        store::plans::add_victory(&mut tx, org, id, &victory, reader.user_id, now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let plan_full = plan_overview_queries(&db, org, id).await;
    eprintln!(
        "plan panel on {:?}: {plan_empty} queries with no plan, {plan_full} with 20 goals",
        test_db.engine
    );
    assert_eq!((plan_empty, plan_full), (3, 3));

    // The radar panel: the latest two assessments in two queries, with two assessments and
    // with 40 (one when there is none).
    let radar_none = radar_queries(&db, org, id).await;
    record_assessments(&db, org, id, &reader, 0..2).await;
    let radar_two = radar_queries(&db, org, id).await;
    record_assessments(&db, org, id, &reader, 2..40).await;
    let radar_full = radar_queries(&db, org, id).await;
    eprintln!(
        "radar panel on {:?}: {radar_none} queries with none, {radar_two} with 2, {radar_full} \
         with 40",
        test_db.engine
    );
    assert_eq!((radar_none, radar_two, radar_full), (1, 2, 2));
}

/// Records assessments of 14 domains, one a day back from today per number of `days`.
async fn record_assessments(
    db: &Db,
    org: OrganisationId,
    id: CaseId,
    by: &Actor,
    days: std::ops::Range<i64>,
) {
    let mut tx = db.begin_write().await.unwrap();
    for d in days {
        let content = domain::assessments::AssessmentContent {
            assessed_on: (now().get() - time::Duration::days(d)).date(),
            ratings: domain::lists::ListName::LifeDomain
                .defaults()
                .iter()
                .map(|code| domain::assessments::Rating {
                    domain: (*code).to_owned(),
                    need: Some((d % 5) as u8),
                    person: Some(((d + 1) % 5) as u8),
                    person_words: None,
                    strengths: Some("Appui".into()),
                    priority: d % 3 == 0,
                })
                .collect(),
        };
        let new = store::assessments::NewAssessment {
            id: domain::assessments::AssessmentId::new(),
            organisation_id: org,
            case_id: id,
            content: &content,
            by: by.user_id,
        };
        store::assessments::record(&mut tx, &new, now()).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The queries of the case overview's radar panel.
async fn radar_queries(db: &Db, org: OrganisationId, id: CaseId) -> usize {
    QUERIES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let two = store::assessments::latest_two(db, org, id).await.unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    assert!(two.len() <= 2);
    assert!(two.iter().all(|a| a.content.ratings.len() == 14 || two.is_empty()));
    QUERIES.load(Ordering::SeqCst)
}

/// The queries of the case overview's plan panel.
async fn plan_overview_queries(db: &Db, org: OrganisationId, id: CaseId) -> usize {
    QUERIES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let o = store::plans::overview(db, org, id, 3).await.unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    assert!(o.victories.len() <= 3);
    QUERIES.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_overview_runs_the_same_few_queries_with_no_note_and_with_200() {
    tracing::subscriber::set_global_default(QueryCounter).expect("one subscriber in this binary");
    run(TestDb::sqlite().await).await;
    if let Some(pg) = TestDb::postgres().await {
        run(pg).await;
    }
}
