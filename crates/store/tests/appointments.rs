//! Appointments on both engines: booking one or a weekly series, the conflicts of a worker
//! (overlaps only, cancelled ones ignored), a worker's and a team's calendar over a span,
//! status changes with optimistic locking and their event on the case's timeline, and
//! calendar feeds (one active per user, revoked by a new one, refused once revoked or when
//! the member is disabled).

use domain::accounts::{Email, Role};
use domain::appointments::{CancelledBy, Place, Status};
use domain::cases::EntryKind;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::appointments::{self, Calendar, NewAppointment};
use store::cases::{self, NewCase};
use store::{Db, Ts, accounts, organisations, persons, teams};
use testkit::engine_tests;
use time::macros::datetime;

fn at(h: i64, m: i64) -> Ts {
    Ts::from(
        datetime!(2026-12-01 00:00 UTC) + time::Duration::hours(h) + time::Duration::minutes(m),
    )
}

async fn member(
    db: &Db,
    org: OrganisationId,
    name: &str,
    team: Option<TeamId>,
) -> (UserId, MembershipId) {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@agenda.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    accounts::insert_user(
        db,
        &accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false },
        at(0, 0),
    )
    .await
    .unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, Role::Worker, at(0, 0)).await.unwrap();
    if let Some(t) = team {
        accounts::add_membership_team(db, m, t, false).await.unwrap();
    }
    (id, m)
}

struct World {
    org: OrganisationId,
    alice: UserId,
    bruno: UserId,
    bruno_membership: MembershipId,
    chloe: UserId,
    team: TeamId,
    person: PersonId,
    case: CaseId,
}

async fn world(db: &Db) -> World {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse("agenda").unwrap(),
        name: DisplayName::parse("Agenda").unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(db, &new, at(0, 0)).await.unwrap().id;
    let team = teams::insert(
        db,
        &NewTeam {
            id: TeamId::new(),
            organisation_id: org,
            name: DisplayName::parse("Insertion").unwrap(),
        },
        at(0, 0),
    )
    .await
    .unwrap()
    .id;
    let (alice, _) = member(db, org, "Alice", Some(team)).await;
    let (bruno, bruno_membership) = member(db, org, "Bruno", Some(team)).await;
    let (chloe, _) = member(db, org, "Chloe", None).await;
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Martin".into()),
        first_names: Some("Camille".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, at(0, 0)).await.unwrap();
    let case = CaseId::new();
    cases::open(
        &mut tx,
        &NewCase {
            id: case,
            organisation_id: org,
            person_id: person,
            household_id: None,
            team_id: team,
            referent_id: alice,
            co_referents: &[],
            reason: "Loyer",
            orientation_source: None,
            opened_by: alice,
        },
        at(0, 1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    World { org, alice, bruno, bruno_membership, chloe, team, person, case }
}

async fn book(
    db: &Db,
    w: &World,
    worker: UserId,
    spans: &[(Ts, Ts)],
    with_case: bool,
) -> Vec<uuid::Uuid> {
    let mut tx = db.begin_write().await.unwrap();
    let new = NewAppointment {
        organisation_id: w.org,
        worker,
        person_id: with_case.then_some(w.person),
        case_id: with_case.then_some(w.case),
        spans,
        place: if with_case { Place::HomeVisit } else { Place::Office },
        place_detail: Some("12 rue des Lilas"),
        purpose: Some("Budget"),
        remind: None,
        by: w.alice,
    };
    let ids = appointments::book(&mut tx, &new, at(0, 2)).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

engine_tests! {
    async fn booking_conflicts_and_calendars(db) {
        let db = db.migrated().await;
        let w = world(&db).await;
        // 09:00–10:00 with the person; office hours 14:00–16:00 three weeks running.
        let visit = book(&db, &w, w.alice, &[(at(9, 0), at(10, 0))], true).await;
        let weeks: Vec<(Ts, Ts)> = (0..3).map(|i| (at(14 + 24 * 7 * i, 0), at(16 + 24 * 7 * i, 0))).collect();
        let slots = book(&db, &w, w.alice, &weeks, false).await;
        assert_eq!(slots.len(), 3);
        let a = appointments::find(&db, w.org, visit[0]).await.unwrap().unwrap();
        assert_eq!((a.status(), a.place(), a.case(), a.person_name().as_deref()), (Status::Planned, Place::HomeVisit, Some(w.case), Some("Martin Camille")));
        assert_eq!(a.series_id, None);
        let s = appointments::find(&db, w.org, slots[2]).await.unwrap().unwrap();
        assert!(s.series_id.is_some() && s.person_name().is_none());
        assert_eq!(s.starts_at, at(14 + 24 * 14, 0));

        // Conflicts: overlaps only; back to back is none; another worker's calendar is free.
        for ((s, e), n) in [((at(9, 30), at(9, 45)), 1), ((at(10, 0), at(11, 0)), 0), ((at(8, 0), at(9, 0)), 0), ((at(8, 0), at(15, 0)), 2)] {
            let found = appointments::conflicts(&db, w.org, w.alice, &[(s, e)], None).await.unwrap();
            assert_eq!(found.len(), n, "{s:?}–{e:?} (back to back is no conflict)");
        }
        assert!(appointments::conflicts(&db, w.org, w.bruno, &[(at(9, 0), at(10, 0))], None).await.unwrap().is_empty());
        // Several spans at once (a series), and the appointment itself left out when moved.
        let many = appointments::conflicts(&db, w.org, w.alice, &[(at(9, 0), at(10, 0)), (at(14 + 24 * 7, 0), at(15 + 24 * 7, 0))], None).await.unwrap();
        assert_eq!(many.len(), 2);
        assert!(appointments::conflicts(&db, w.org, w.alice, &[(at(9, 0), at(10, 0))], Some(visit[0])).await.unwrap().is_empty());

        // The week's calendar of Alice, of her team (Bruno's too), and not of Chloe's.
        book(&db, &w, w.bruno, &[(at(11, 0), at(12, 0))], false).await;
        book(&db, &w, w.chloe, &[(at(11, 0), at(12, 0))], false).await;
        let week = |cal| appointments::between(&db, w.org, cal, at(0, 0), at(24 * 7, 0));
        let alice: Vec<_> = week(Calendar::Worker(w.alice)).await.unwrap().iter().map(|a| a.id).collect();
        assert_eq!(alice, vec![visit[0], slots[0]]);
        let team = week(Calendar::Team(w.team)).await.unwrap();
        assert_eq!(team.iter().map(|a| a.worker_name.as_str()).collect::<Vec<_>>(), ["Alice", "Bruno", "Alice"]);
        // A disabled member's appointments leave the team's calendar.
        accounts::set_member_disabled(&db, w.org, w.bruno_membership, Some(at(0, 3)), at(0, 3)).await.unwrap();
        assert_eq!(week(Calendar::Team(w.team)).await.unwrap().len(), 2);
        // Another organisation sees nothing.
        assert!(appointments::find(&db, OrganisationId::new(), visit[0]).await.unwrap().is_none());
    }

    async fn status_changes_are_locked_and_on_the_timeline(db) {
        let db = db.migrated().await;
        let w = world(&db).await;
        let visit = book(&db, &w, w.alice, &[(at(9, 0), at(10, 0))], true).await[0];
        let slot = book(&db, &w, w.alice, &[(at(14, 0), at(15, 0))], false).await[0];
        let a = appointments::find(&db, w.org, visit).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(!appointments::change_status(&mut tx, w.org, &a, 9, Status::Missed, None, "x", w.alice, at(11, 0)).await.unwrap());
        assert!(appointments::change_status(&mut tx, w.org, &a, 1, Status::Cancelled, Some(CancelledBy::Person), "1 déc., visite", w.alice, at(11, 0)).await.unwrap());
        tx.commit().await.unwrap();
        let a = appointments::find(&db, w.org, visit).await.unwrap().unwrap();
        assert_eq!((a.status(), a.cancelled_by.as_deref(), a.version), (Status::Cancelled, Some("person"), 2));
        // Cancelled ones no longer conflict.
        assert!(appointments::conflicts(&db, w.org, w.alice, &[(at(9, 0), at(10, 0))], None).await.unwrap().is_empty());
        // Back to planned, then done: the cancellation is forgotten; each is on the timeline.
        let mut tx = db.begin_write().await.unwrap();
        assert!(appointments::change_status(&mut tx, w.org, &a, 2, Status::Planned, Some(CancelledBy::Person), "1 déc., visite", w.alice, at(11, 1)).await.unwrap());
        let a = appointments::find(&mut tx, w.org, visit).await.unwrap().unwrap();
        assert_eq!(a.cancelled_by, None);
        assert!(appointments::change_status(&mut tx, w.org, &a, 3, Status::Done, None, "1 déc., visite", w.alice, at(11, 2)).await.unwrap());
        // A slot without a case has no timeline.
        let s = appointments::find(&mut tx, w.org, slot).await.unwrap().unwrap();
        assert!(appointments::change_status(&mut tx, w.org, &s, 1, Status::Missed, None, "x", w.alice, at(16, 0)).await.unwrap());
        tx.commit().await.unwrap();
        let kinds = [EntryKind::Appointment];
        let vis = Some(domain::policy::NoteVisibility { viewer: w.alice, referents_level: true });
        let page = cases::timeline(&db, w.org, w.case, vis, Some(cases::TimelineFilter::Kinds(&kinds)), None, 10).await.unwrap();
        let got: Vec<_> = page.entries.iter().map(|e| (e.detail.clone().unwrap(), e.subject_id, e.summary.clone())).collect();
        assert_eq!(got, vec![
            ("done".to_owned(), Some(visit), Some("1 déc., visite".to_owned())),
            ("planned".to_owned(), Some(visit), Some("1 déc., visite".to_owned())),
            ("cancelled_person".to_owned(), Some(visit), Some("1 déc., visite".to_owned())),
        ]);
    }

    async fn a_feed_is_one_per_user_and_refused_once_revoked(db) {
        let db = db.migrated().await;
        let w = world(&db).await;
        let first = [1u8; 32];
        let second = [2u8; 32];
        let mut tx = db.begin_write().await.unwrap();
        appointments::replace_feed(&mut tx, w.org, w.bruno, &first, false, at(1, 0)).await.unwrap();
        assert_eq!(appointments::open_feed(&mut tx, &first, at(2, 0)).await.unwrap(), Some((w.org, w.bruno, false)));
        // A new address revokes the old one.
        appointments::replace_feed(&mut tx, w.org, w.bruno, &second, true, at(3, 0)).await.unwrap();
        assert_eq!(appointments::open_feed(&mut tx, &first, at(4, 0)).await.unwrap(), None);
        assert_eq!(appointments::open_feed(&mut tx, &second, at(4, 0)).await.unwrap(), Some((w.org, w.bruno, true)));
        tx.commit().await.unwrap();
        let feed = appointments::active_feed(&db, w.org, w.bruno).await.unwrap().unwrap();
        assert_eq!((feed.show_names, feed.last_used_at), (true, Some(at(4, 0))));
        // A disabled member's feed stops.
        accounts::set_member_disabled(&db, w.org, w.bruno_membership, Some(at(5, 0)), at(5, 0)).await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(appointments::open_feed(&mut tx, &second, at(6, 0)).await.unwrap(), None);
        // Revoked: gone, and revoking again says there was none.
        assert!(appointments::revoke_feed(&mut tx, w.org, w.bruno, at(7, 0)).await.unwrap());
        assert!(!appointments::revoke_feed(&mut tx, w.org, w.bruno, at(7, 0)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(appointments::active_feed(&db, w.org, w.bruno).await.unwrap().is_none());
    }
}
