//! Assessments on both engines: recording with ratings and a timeline event, listing latest
//! first, the latest two for the radar, corrections refused on a stale version (nothing
//! written) and accepted on the current one, other organisations' cases unreachable, the
//! organisation's level descriptions with optimistic locking, and drafts that belong to a user.

use domain::accounts::{Email, Role};
use domain::assessments::{
    AssessmentContent, AssessmentId, AssessmentInput, DomainInput, LevelText, Rating,
};
use domain::cases::{EntryKind, TimelineGroup};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::policy::{ActiveMembership, Actor, case_access, note_visibility};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::assessments::{self, DraftKey, NewAssessment};
use store::cases::{self, NewCase, TimelineFilter};
use store::{Db, Ts, accounts, organisations, persons, teams};
use testkit::engine_tests;
use time::Date;
use time::macros::{date, datetime};

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

struct World {
    org: OrganisationId,
    worker: Actor,
    case: CaseId,
}

async fn world(db: &Db, slug: &str) -> World {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("assess-{slug}")).unwrap(),
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
    let id = UserId::new();
    let email = Email::parse(&format!("worker-{slug}@assess.example")).unwrap();
    let display = DisplayName::parse("Worker").unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, Role::Worker, at(0)).await.unwrap();
    accounts::add_membership_team(db, m, team, false).await.unwrap();
    let worker = Actor {
        user_id: id,
        instance_admin: false,
        membership: Some(ActiveMembership {
            organisation_id: org,
            role: Role::Worker,
            teams: vec![team],
            supervised_teams: vec![],
        }),
    };
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Dupont".into()),
        first_names: Some("Hélène".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, at(0)).await.unwrap();
    let case = CaseId::new();
    let new = NewCase {
        id: case,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: id,
        co_referents: &[],
        reason: "Dettes de loyer",
        orientation_source: None,
        opened_by: id,
    };
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    World { org, worker, case }
}

fn rating(domain: &str, need: Option<u8>, person: Option<u8>, priority: bool) -> Rating {
    Rating {
        domain: domain.into(),
        need,
        person,
        person_words: person.map(|_| "« Ça va mieux »".to_owned()),
        strengths: Some("Sa sœur l'héberge".into()),
        priority,
    }
}

fn content(day: Date, housing: u8) -> AssessmentContent {
    AssessmentContent {
        assessed_on: day,
        ratings: vec![
            rating("housing", Some(housing), Some(housing.saturating_sub(1)), true),
            rating("health", Some(2), None, false),
            rating("digital", None, Some(1), false),
        ],
    }
}

async fn record(db: &Db, w: &World, day: Date, housing: u8, now: i64) -> AssessmentId {
    let mut tx = db.begin_write().await.unwrap();
    let c = content(day, housing);
    let new = NewAssessment {
        id: AssessmentId::new(),
        organisation_id: w.org,
        case_id: w.case,
        content: &c,
        by: w.worker.user_id,
    };
    let id = assessments::record(&mut tx, &new, at(now)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn assessment_events(db: &Db, w: &World) -> Vec<(String, Option<uuid::Uuid>)> {
    let c = cases::find(db, w.org, w.case).await.unwrap().unwrap();
    let co = c.co_referent_ids();
    let access = case_access(&w.worker, &c.facts(&co));
    let page = cases::timeline(
        db,
        w.org,
        w.case,
        note_visibility(&w.worker, &access),
        Some(TimelineFilter::Kinds(TimelineGroup::Assessments.kinds())),
        None,
        50,
    )
    .await
    .unwrap();
    page.entries
        .into_iter()
        .map(|e| {
            assert_eq!(e.kind(), Some(EntryKind::Assessment));
            (e.detail.unwrap_or_default(), e.subject_id)
        })
        .collect()
}

engine_tests! {
    async fn assessments_are_recorded_with_their_ratings_listed_latest_first_and_on_the_timeline(db) {
        let db = db.migrated().await;
        let w = world(&db, "a").await;
        assert!(assessments::latest_two(&db, w.org, w.case).await.unwrap().is_empty());
        let first = record(&db, &w, date!(2026 - 01 - 10), 4, 10).await;
        let one = assessments::latest_two(&db, w.org, w.case).await.unwrap();
        assert_eq!(one.len(), 1);
        let third = record(&db, &w, date!(2026 - 03 - 01), 2, 30).await;
        let second = record(&db, &w, date!(2026 - 02 - 01), 3, 20).await;

        let all = assessments::list_for_case(&db, w.org, w.case).await.unwrap();
        let ids: Vec<AssessmentId> = all.iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![third, second, first], "latest assessed first, not latest typed");
        let a = &all[0];
        assert_eq!(a.content.assessed_on, date!(2026 - 03 - 01));
        assert_eq!(a.version, 1);
        assert_eq!(a.assessed_by, Some(w.worker.user_id));
        assert_eq!(a.assessed_by_name.as_deref(), Some("Worker"));
        let housing = a.content.rating("housing").unwrap();
        assert_eq!((housing.need, housing.person, housing.priority), (Some(2), Some(1), true));
        assert_eq!(housing.person_words.as_deref(), Some("« Ça va mieux »"));
        let digital = a.content.rating("digital").unwrap();
        assert_eq!((digital.need, digital.person), (None, Some(1)));
        assert_eq!((a.content.assessed(), a.content.priorities()), (2, 1));

        let two = assessments::latest_two(&db, w.org, w.case).await.unwrap();
        assert_eq!(two.iter().map(|a| a.id).collect::<Vec<_>>(), vec![third, second]);
        assert_eq!(two[1].content.rating("housing").unwrap().need, Some(3));
        assert_eq!(two[1].content.ratings.len(), 3);

        let found = assessments::find(&db, w.org, w.case, second).await.unwrap().unwrap();
        assert_eq!(found, all[1]);

        let events = assessment_events(&db, &w).await;
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|(d, _)| d == "added"));
        assert_eq!(events[0].1, Some(third.as_uuid()), "placed at the day assessed");

        // Another organisation's case, or another case, reaches nothing.
        let other = world(&db, "b").await;
        assert!(assessments::find(&db, other.org, w.case, first).await.unwrap().is_none());
        assert!(assessments::find(&db, w.org, other.case, first).await.unwrap().is_none());
        assert!(assessments::list_for_case(&db, other.org, w.case).await.unwrap().is_empty());
        assert!(assessments::latest_two(&db, other.org, other.case).await.unwrap().is_empty());
    }

    async fn a_correction_on_a_stale_version_writes_nothing(db) {
        let db = db.migrated().await;
        let w = world(&db, "c").await;
        let id = record(&db, &w, date!(2026 - 01 - 10), 4, 10).await;
        let corrected = AssessmentContent {
            assessed_on: date!(2026 - 01 - 09),
            ratings: vec![rating("food", Some(1), Some(1), false)],
        };
        let mut tx = db.begin_write().await.unwrap();
        assert!(
            assessments::correct(&mut tx, w.org, w.case, id, 1, &corrected, w.worker.user_id, at(20))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let a = assessments::find(&db, w.org, w.case, id).await.unwrap().unwrap();
        assert_eq!(a.version, 2);
        assert_eq!(a.content, corrected, "date and ratings replaced whole");
        assert_eq!(a.corrected_by_name.as_deref(), Some("Worker"));

        // A second form opened at version 1 is refused: nothing changes, no event.
        let stale = content(date!(2026 - 01 - 08), 0);
        let mut tx = db.begin_write().await.unwrap();
        assert!(
            !assessments::correct(&mut tx, w.org, w.case, id, 1, &stale, w.worker.user_id, at(30))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert_eq!(assessments::find(&db, w.org, w.case, id).await.unwrap().unwrap(), a);
        // Nor through another case of the organisation.
        let other = world(&db, "d").await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(
            !assessments::correct(&mut tx, other.org, other.case, id, 2, &stale, w.worker.user_id, at(30))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let events: Vec<String> = assessment_events(&db, &w).await.into_iter().map(|e| e.0).collect();
        assert_eq!(events, vec!["corrected", "added"]);
    }

    async fn level_descriptions_are_saved_with_optimistic_locking(db) {
        let db = db.migrated().await;
        let w = world(&db, "e").await;
        assert_eq!(assessments::levels(&db, w.org).await.unwrap().own("housing", 4, "fr"), None);
        let text = |domain: &str, fr: &str| LevelText {
            domain: domain.into(),
            level: 4,
            label_fr: Some(fr.into()),
            label_en: None,
            version: 0,
        };
        assert!(assessments::save_level(&db, w.org, &text("", "Danger"), 0, at(1)).await.unwrap());
        assert!(!assessments::save_level(&db, w.org, &text("", "Autre"), 0, at(2)).await.unwrap(),
            "already created by someone else");
        assert!(assessments::save_level(&db, w.org, &text("housing", "À la rue"), 0, at(2)).await.unwrap());
        assert!(assessments::save_level(&db, w.org, &text("", "Danger immédiat"), 1, at(3)).await.unwrap());
        assert!(!assessments::save_level(&db, w.org, &text("", "Périmé"), 1, at(4)).await.unwrap());
        let levels = assessments::levels(&db, w.org).await.unwrap();
        assert_eq!(levels.own("health", 4, "fr"), Some("Danger immédiat"));
        assert_eq!(levels.own("housing", 4, "en"), Some("À la rue"));
        assert_eq!(levels.stored("", 4).unwrap().version, 2);
        let other = world(&db, "f").await;
        assert_eq!(assessments::levels(&db, other.org).await.unwrap(), Default::default());
    }

    async fn drafts_belong_to_their_user_and_form(db) {
        let db = db.migrated().await;
        let w = world(&db, "g").await;
        let key = DraftKey { case_id: w.case, assessment_id: None };
        let mut typed = AssessmentInput { date: "2026-03-0".into(), ..Default::default() };
        typed.domains.insert(
            "housing".into(),
            DomainInput { need: "9".into(), person_words: "<b>chez ma sœur</b>".into(), ..Default::default() },
        );
        assessments::save_draft(&db, w.org, w.worker.user_id, key, &typed, at(5)).await.unwrap();
        typed.domains.get_mut("housing").unwrap().priority = true;
        assessments::save_draft(&db, w.org, w.worker.user_id, key, &typed, at(6)).await.unwrap();
        let d = assessments::find_draft(&db, w.org, w.worker.user_id, key).await.unwrap().unwrap();
        assert_eq!(d.input, typed, "kept as typed, valid or not");
        assert_eq!(d.updated_at, at(6));

        let id = record(&db, &w, date!(2026 - 01 - 10), 4, 10).await;
        let fix = DraftKey { case_id: w.case, assessment_id: Some(id) };
        assert!(assessments::find_draft(&db, w.org, w.worker.user_id, fix).await.unwrap().is_none());
        assessments::save_draft(&db, w.org, w.worker.user_id, fix, &typed, at(7)).await.unwrap();

        let mine = assessments::drafts_of(&db, w.org, w.worker.user_id).await.unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].assessment_id, Some(id.as_uuid()));
        assert_eq!(mine[1].birth_name.as_deref(), Some("Dupont"));
        assert!(assessments::drafts_of(&db, w.org, UserId::new()).await.unwrap().is_empty());
        assert!(assessments::find_draft(&db, w.org, UserId::new(), key).await.unwrap().is_none());

        assessments::delete_draft(&db, w.worker.user_id, key).await.unwrap();
        assert!(assessments::find_draft(&db, w.org, w.worker.user_id, key).await.unwrap().is_none());
        assert_eq!(assessments::drafts_of(&db, w.org, w.worker.user_id).await.unwrap().len(), 1);
    }
}
