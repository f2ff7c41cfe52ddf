//! Referents, caseloads, reassignment and follow-up checks on both engines: each worker's
//! caseload counted by two aggregate queries on a realistic set (checked against the set
//! itself), cases without a referent, changes of referents with optimistic locking, a batch
//! reassignment that moves every case or none, a delegation that gives access while it runs and
//! ends by itself, and follow-up checks scheduled, recorded and missed.

use domain::accounts::{Email, Role};
use domain::cases::{CaseStatus, EntryKind};
use domain::follow_ups::{CheckRecord, Outcome};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::policy::{ActiveMembership, Actor, CaseloadScope, case_access, note_visibility};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::caseloads::{self, Move, Reassigned};
use store::cases::{self, NewCase};
use store::{Db, Ts, accounts, follow_ups, intake, organisations, persons, teams};
use testkit::engine_tests;
use time::macros::{date, datetime};

const TODAY: time::Date = date!(2026 - 03 - 02);

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

struct Member {
    actor: Actor,
    membership: MembershipId,
}

async fn user(
    db: &Db,
    org: OrganisationId,
    name: &str,
    role: Role,
    teams: &[(TeamId, bool)],
) -> Member {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@caseload.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, role, at(0)).await.unwrap();
    for (team, sup) in teams {
        accounts::add_membership_team(db, m, *team, *sup).await.unwrap();
    }
    let actor = Actor {
        user_id: id,
        instance_admin: false,
        membership: Some(ActiveMembership {
            organisation_id: org,
            role,
            teams: teams.iter().map(|(t, _)| *t).collect(),
            supervised_teams: teams.iter().filter(|(_, s)| *s).map(|(t, _)| *t).collect(),
        }),
    };
    Member { actor, membership: m }
}

async fn organisation(db: &Db, slug: &str) -> (OrganisationId, TeamId, TeamId) {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("caseload-{slug}")).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(db, &new, at(0)).await.unwrap().id;
    let mk = |name: &'static str| NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse(name).unwrap(),
    };
    let a = teams::insert(db, &mk("Insertion"), at(0)).await.unwrap().id;
    let b = teams::insert(db, &mk("Logement"), at(0)).await.unwrap().id;
    (org, a, b)
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

async fn open(
    db: &Db,
    org: OrganisationId,
    person: PersonId,
    team: TeamId,
    referent: UserId,
    co: &[UserId],
) -> CaseId {
    let id = CaseId::new();
    let new = NewCase {
        id,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: referent,
        co_referents: co,
        reason: "Dettes de loyer",
        orientation_source: None,
        opened_by: referent,
    };
    let mut tx = db.begin_write().await.unwrap();
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn set_status(db: &Db, org: OrganisationId, id: CaseId, to: CaseStatus, by: UserId) {
    let version = cases::find(db, org, id).await.unwrap().unwrap().version;
    let mut tx = db.begin_write().await.unwrap();
    let reason = (to == CaseStatus::Closed).then_some("goals_reached");
    assert!(cases::change_status(&mut tx, org, id, version, to, reason, by, at(2)).await.unwrap());
    tx.commit().await.unwrap();
}

async fn version(db: &Db, org: OrganisationId, id: CaseId) -> i64 {
    cases::find(db, org, id).await.unwrap().unwrap().version
}

/// A goal with steps: one overdue, one done past its date, one on hold due later, and if
/// `more`, one on hold past its date.
async fn plan(db: &Db, org: OrganisationId, case: CaseId, by: UserId, more: bool) {
    use domain::plans::{Goal, GoalStatus, Step, StepOwner, StepStatus};
    let mut tx = db.begin_write().await.unwrap();
    let goal = Goal {
        person_words: "Garder mon logement".into(),
        worker_words: None,
        domains: vec![],
        status: GoalStatus::Active,
    };
    let g = store::plans::create_goal(&mut tx, org, case, &goal, by, at(3)).await.unwrap();
    let mut steps = vec![
        (date!(2026 - 02 - 01), StepStatus::Planned),
        (date!(2026 - 02 - 01), StepStatus::Done),
        (date!(2026 - 04 - 01), StepStatus::OnHold),
        (TODAY, StepStatus::InProgress),
    ];
    if more {
        steps.push((date!(2026 - 03 - 01), StepStatus::OnHold));
    }
    for (due, status) in steps {
        let step = Step {
            action: "Appeler le bailleur".into(),
            owner: StepOwner::Worker,
            partner_name: None,
            due_on: Some(due),
            status,
        };
        store::plans::add_step(&mut tx, org, case, g, &step, by, at(3)).await.unwrap().unwrap();
    }
    tx.commit().await.unwrap();
}

/// The referent-change events of a case (metadata: seen without content), newest first.
async fn referent_events(
    db: &Db,
    org: OrganisationId,
    id: CaseId,
) -> Vec<(String, Option<String>)> {
    let kinds = [EntryKind::Referents];
    let page =
        cases::timeline(db, org, id, None, Some(cases::TimelineFilter::Kinds(&kinds)), None, 50)
            .await
            .unwrap();
    page.entries.into_iter().map(|e| (e.detail.unwrap_or_default(), e.summary)).collect()
}

engine_tests! {
    async fn caseloads_count_each_workers_cases_in_two_queries_on_a_realistic_set(db) {
        let db = db.migrated().await;
        let (org, a, b) = organisation(&db, "load").await;
        let mut workers = Vec::new();
        for (i, team) in [a, a, a, b, b, b].into_iter().enumerate() {
            workers.push(user(&db, org, &format!("Worker{i}"), Role::Worker, &[(team, false)]).await.actor);
        }
        let former = user(&db, org, "Former", Role::Worker, &[(a, false)]).await;
        let persons_: Vec<PersonId> = {
            let mut v = Vec::new();
            for i in 0..30 {
                v.push(person(&db, org, &format!("Personne{i}")).await);
            }
            v
        };
        // Every third person has an urgency flag; every ninth one's is closed.
        for (i, p) in persons_.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            let flag = intake::raise_flag(&db, org, *p, "no_income", None, None, None, at(3)).await.unwrap();
            if i % 9 == 0 {
                assert!(intake::close_flag(&db, org, flag, 1, None, workers[0].user_id, at(4)).await.unwrap());
            }
        }
        // 96 cases: referent, team, status and co-referent spread over the set.
        struct Made { id: CaseId, referent: usize, team: TeamId, status: CaseStatus, flagged: bool, co: Option<usize>, overdue: i64 }
        let mut made = Vec::new();
        for i in 0..96usize {
            let referent = i % 7; // 6 = the former worker
            let team = if i % 2 == 0 { a } else { b };
            let p = i % 30;
            let co = (i % 5 == 0).then_some((i + 1) % 6);
            let referent_id = if referent == 6 { former.actor.user_id } else { workers[referent].user_id };
            let co_ids: Vec<UserId> = co.filter(|c| *c != referent).map(|c| workers[c].user_id).into_iter().collect();
            let id = open(&db, org, persons_[p], team, referent_id, &co_ids).await;
            let status = match i % 6 { 0 => CaseStatus::Paused, 1 => CaseStatus::Closed, _ => CaseStatus::Open };
            if status != CaseStatus::Open {
                set_status(&db, org, id, status, referent_id).await;
            }
            // Every fourth case has a plan: a step overdue, one done late, one on hold due
            // later; every eighth, a second overdue step (on hold).
            let mut overdue = 0;
            if i % 4 == 0 {
                overdue = if i % 8 == 0 { 2 } else { 1 };
                plan(&db, org, id, referent_id, i % 8 == 0).await;
            }
            made.push(Made { id, referent, team, status, flagged: p % 3 == 0 && p % 9 != 0, co: co.filter(|c| *c != referent), overdue });
        }
        // The former worker leaves: their cases are without a referent.
        assert!(accounts::set_member_disabled(&db, org, former.membership, Some(at(5)), at(5)).await.unwrap());
        // Another organisation's cases count nowhere here.
        let (other, oa, _) = organisation(&db, "other").await;
        let stranger = user(&db, other, "Stranger", Role::Worker, &[(oa, false)]).await.actor;
        let op = person(&db, other, "Ailleurs").await;
        open(&db, other, op, oa, stranger.user_id, &[]).await;

        for (scope, teams_) in [(CaseloadScope::Organisation, vec![a, b]), (CaseloadScope::Teams(vec![a]), vec![a])] {
            let loads = caseloads::caseloads(&db, org, &scope, TODAY).await.unwrap();
            let in_scope = |m: &&Made| teams_.contains(&m.team) && m.status != CaseStatus::Closed;
            for (i, w) in workers.iter().enumerate() {
                let mine: Vec<&Made> = made.iter().filter(in_scope).filter(|m| m.referent == i).collect();
                let worker_in_scope = teams_.contains(&if i < 3 { a } else { b });
                let load = loads.iter().find(|l| l.user_id == w.user_id);
                if !worker_in_scope && mine.is_empty() {
                    assert!(load.is_none(), "{scope:?} worker {i}");
                    continue;
                }
                let load = load.unwrap_or_else(|| panic!("{scope:?} worker {i}"));
                assert!(load.active);
                assert_eq!(load.open_cases, mine.iter().filter(|m| m.status == CaseStatus::Open).count() as i64, "{scope:?} {i}");
                assert_eq!(load.paused_cases, mine.iter().filter(|m| m.status == CaseStatus::Paused).count() as i64, "{scope:?} {i}");
                assert_eq!(load.flagged_cases, mine.iter().filter(|m| m.flagged).count() as i64, "{scope:?} {i}");
                assert_eq!(load.delegated_cases, 0);
                assert_eq!(load.overdue_steps, mine.iter().map(|m| m.overdue).sum::<i64>(), "{scope:?} {i}");
                if worker_in_scope {
                    let co = made.iter().filter(in_scope).filter(|m| m.co == Some(i)).count() as i64;
                    assert_eq!(load.co_referent_cases, co, "{scope:?} {i}");
                }
                // The worker's list holds the same cases, flagged first.
                let list = caseloads::cases_of(&db, org, &scope, w.user_id).await.unwrap();
                assert_eq!(list.len(), mine.len(), "{scope:?} {i}");
                assert!(list.windows(2).all(|p| p[0].flags >= p[1].flags));
                assert!(list.iter().all(|l| mine.iter().any(|m| m.id == l.id)));
            }
            assert!(!loads.iter().any(|l| l.user_id == stranger.user_id));
            // The former worker still shows, inactive, with what they left.
            let left: Vec<&Made> = made.iter().filter(in_scope).filter(|m| m.referent == 6).collect();
            let former_load = loads.iter().find(|l| l.user_id == former.actor.user_id).unwrap();
            assert!(!former_load.active);
            assert_eq!(former_load.open_cases + former_load.paused_cases, left.len() as i64);
            let orphans = caseloads::without_referent(&db, org, &scope).await.unwrap();
            let mut expected: Vec<CaseId> = left.iter().map(|m| m.id).collect();
            let mut got: Vec<CaseId> = orphans.iter().map(|l| l.id).collect();
            expected.sort_by_key(|c| c.as_uuid());
            got.sort_by_key(|c| c.as_uuid());
            assert_eq!(got, expected, "{scope:?}");
            assert!(orphans.iter().all(|o| o.person_name().starts_with("Personne")));
        }
        let all_orphans = made.iter().filter(|m| m.referent == 6 && m.status != CaseStatus::Closed).count() as i64;
        assert_eq!(caseloads::count_without_referent(&db, org).await.unwrap(), all_orphans);
        assert_eq!(caseloads::count_without_referent(&db, other).await.unwrap(), 0);
        // A supervisor's scope of no team shows nothing.
        assert!(caseloads::without_referent(&db, org, &CaseloadScope::Teams(vec![])).await.unwrap().is_empty());
    }

    async fn a_batch_reassignment_moves_every_case_or_none(db) {
        let db = db.migrated().await;
        let (org, a, b) = organisation(&db, "batch").await;
        let leaving = user(&db, org, "Leaving", Role::Worker, &[(a, false)]).await.actor;
        let newcomer = user(&db, org, "Newcomer", Role::Worker, &[(b, false)]).await.actor;
        let manager = user(&db, org, "Manager", Role::Manager, &[]).await.actor;
        let p = person(&db, org, "Martin").await;
        let first = open(&db, org, p, a, leaving.user_id, &[newcomer.user_id]).await;
        let second = open(&db, org, p, a, leaving.user_id, &[]).await;
        let third = open(&db, org, p, a, leaving.user_id, &[]).await;
        // One stale version: nothing moves, not even the others.
        let mut tx = db.begin_write().await.unwrap();
        let r = caseloads::reassign(&mut tx, org, &[(first, 1), (second, 7), (third, 1)], newcomer.user_id, Move::Permanent, manager.user_id, at(10)).await.unwrap();
        assert_eq!(r, Reassigned::Stale(vec![second]));
        drop(tx);
        for c in [first, second, third] {
            let case = cases::find(&db, org, c).await.unwrap().unwrap();
            assert_eq!((case.referent(), case.version), (Some(leaving.user_id), 1));
        }
        // Another organisation's case is stale too (unknown here).
        let (other, oa, _) = organisation(&db, "batch-other").await;
        let o_worker = user(&db, other, "Elsewhere", Role::Worker, &[(oa, false)]).await.actor;
        let op = person(&db, other, "Ailleurs").await;
        let foreign = open(&db, other, op, oa, o_worker.user_id, &[]).await;
        let mut tx = db.begin_write().await.unwrap();
        let r = caseloads::reassign(&mut tx, org, &[(foreign, 1)], newcomer.user_id, Move::Permanent, manager.user_id, at(10)).await.unwrap();
        assert_eq!(r, Reassigned::Stale(vec![foreign]));
        drop(tx);
        // The whole batch in one transaction.
        let mut tx = db.begin_write().await.unwrap();
        let r = caseloads::reassign(&mut tx, org, &[(first, 1), (second, 1)], newcomer.user_id, Move::Permanent, manager.user_id, at(11)).await.unwrap();
        tx.commit().await.unwrap();
        let Reassigned::Done(moved) = r else { panic!("{r:?}") };
        assert_eq!(moved.len(), 2);
        assert!(moved.iter().all(|m| m.from == Some(leaving.user_id) && m.delegation.is_none()));
        for c in [first, second] {
            let case = cases::find(&db, org, c).await.unwrap().unwrap();
            assert_eq!((case.referent(), case.version), (Some(newcomer.user_id), 2));
            // The new referent is no longer also a co-referent.
            assert!(case.co_referents.is_empty());
            // Access follows: the newcomer (another team) is the referent now.
            let co = case.co_referent_ids();
            assert!(case_access(&newcomer, &case.facts(&co)).referent);
            assert!(!case_access(&leaving, &case.facts(&co)).referent);
            assert_eq!(referent_events(&db, org, c).await, vec![("reassigned".to_owned(), Some("Leaving → Newcomer".to_owned()))]);
        }
        assert_eq!(cases::find(&db, org, third).await.unwrap().unwrap().referent(), Some(leaving.user_id));
        // Moving a case to whom already holds it changes nothing.
        let mut tx = db.begin_write().await.unwrap();
        let r = caseloads::reassign(&mut tx, org, &[(first, 2)], newcomer.user_id, Move::Permanent, manager.user_id, at(12)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(r, Reassigned::Done(vec![]));
        assert_eq!(version(&db, org, first).await, 2);
        // A closed case is not moved.
        set_status(&db, org, third, CaseStatus::Closed, leaving.user_id).await;
        let mut tx = db.begin_write().await.unwrap();
        let r = caseloads::reassign(&mut tx, org, &[(third, 2)], newcomer.user_id, Move::Permanent, manager.user_id, at(13)).await.unwrap();
        assert_eq!(r, Reassigned::Stale(vec![third]));
    }

    async fn a_delegation_gives_access_while_it_runs_and_ends_by_itself(db) {
        let db = db.migrated().await;
        let (org, a, b) = organisation(&db, "delegation").await;
        let absent = user(&db, org, "Absent", Role::Worker, &[(b, false)]).await.actor;
        let delegate = user(&db, org, "Delegate", Role::Worker, &[]).await.actor;
        let later = user(&db, org, "Later", Role::Worker, &[]).await.actor;
        let manager = user(&db, org, "Manager", Role::Manager, &[]).await.actor;
        let p = person(&db, org, "Durand").await;
        let one = open(&db, org, p, a, absent.user_id, &[]).await;
        let two = open(&db, org, p, a, absent.user_id, &[delegate.user_id]).await;
        let three = open(&db, org, p, a, absent.user_id, &[]).await;
        let ends = at(60 * 24 * 10);
        let mut tx = db.begin_write().await.unwrap();
        let how = Move::Until { ends_at: ends, until_label: "11/03/2026" };
        let r = caseloads::reassign(&mut tx, org, &[(one, 1), (two, 1), (three, 1)], delegate.user_id, how, manager.user_id, at(10)).await.unwrap();
        tx.commit().await.unwrap();
        let Reassigned::Done(moved) = r else { panic!("{r:?}") };
        assert!(moved.iter().all(|m| m.delegation.is_some()));
        let access = |who: &Actor, c: &cases::Case| {
            let co = c.co_referent_ids();
            case_access(who, &c.facts(&co))
        };
        // While it runs, the delegate is the referent; the absent worker (another team) reads
        // nothing of the cases.
        for c in [one, two] {
            let case = cases::find(&db, org, c).await.unwrap().unwrap();
            assert!(access(&delegate, &case).referent && access(&delegate, &case).write);
            assert!(!access(&absent, &case).content);
            assert_eq!(referent_events(&db, org, c).await[0], ("delegated".to_owned(), Some("Absent → Delegate (11/03/2026)".to_owned())));
        }
        let loads = caseloads::caseloads(&db, org, &CaseloadScope::Organisation, TODAY).await.unwrap();
        let d = loads.iter().find(|l| l.user_id == delegate.user_id).unwrap();
        assert_eq!((d.open_cases, d.delegated_cases), (3, 3));
        let list = caseloads::cases_of(&db, org, &CaseloadScope::Organisation, delegate.user_id).await.unwrap();
        assert!(list.iter().all(|l| l.delegated_until == Some(ends) && l.absent_name.as_deref() == Some("Absent")));
        // Meanwhile a manager gives the third case to someone else for good: its delegation
        // ends then, and the end date will not give it back.
        // Read before the write transaction: on SQLite it holds a connection of the pool.
        let v = version(&db, org, three).await;
        let mut tx = db.begin_write().await.unwrap();
        caseloads::reassign(&mut tx, org, &[(three, v)], later.user_id, Move::Permanent, manager.user_id, at(20)).await.unwrap();
        tx.commit().await.unwrap();

        // Before the end: nothing happens.
        let mut tx = db.begin_write().await.unwrap();
        assert!(caseloads::end_due_delegations(&mut tx, Ts::from(ends.get() - time::Duration::seconds(1))).await.unwrap().is_empty());
        tx.commit().await.unwrap();
        // At the end, the cases go back by themselves.
        let mut tx = db.begin_write().await.unwrap();
        let mut back = caseloads::end_due_delegations(&mut tx, ends).await.unwrap();
        tx.commit().await.unwrap();
        back.sort_by_key(|c| c.as_uuid());
        let mut expected = vec![one, two];
        expected.sort_by_key(|c| c.as_uuid());
        assert_eq!(back, expected);
        for c in [one, two] {
            let case = cases::find(&db, org, c).await.unwrap().unwrap();
            assert_eq!(case.referent(), Some(absent.user_id));
            assert!(access(&absent, &case).referent);
            // The delegate's access stops (the second case keeps them as co-referent).
            assert_eq!(access(&delegate, &case).content, c == two);
            assert_eq!(referent_events(&db, org, c).await[0], ("returned".to_owned(), Some("Delegate → Absent".to_owned())));
        }
        assert_eq!(cases::find(&db, org, three).await.unwrap().unwrap().referent(), Some(later.user_id));
        // Nothing is left to end; a second run changes nothing.
        let mut tx = db.begin_write().await.unwrap();
        assert!(caseloads::end_due_delegations(&mut tx, at(60 * 24 * 20)).await.unwrap().is_empty());
        tx.commit().await.unwrap();
        let loads = caseloads::caseloads(&db, org, &CaseloadScope::Organisation, TODAY).await.unwrap();
        assert_eq!(loads.iter().find(|l| l.user_id == delegate.user_id).unwrap().delegated_cases, 0);
        // The end is in the audit log, by nobody.
        let q = store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org));
        let events = store::audit::search(&db, &q, None, 200).await.unwrap().events;
        let ended: Vec<_> = events.iter().filter(|e| e.details.as_deref().is_some_and(|d| d.contains("delegation_ended"))).collect();
        assert_eq!(ended.len(), 2);
        assert!(ended.iter().all(|e| e.actor_user_id.is_none() && e.action == "record_updated"));
        // The job is registered under its name.
        let registry = caseloads::register(store::jobs::runner::Registry::new());
        assert_eq!(registry.kinds(), vec![caseloads::END_DELEGATIONS]);
    }

    async fn referents_change_with_the_version_the_form_showed(db) {
        let db = db.migrated().await;
        let (org, a, _) = organisation(&db, "referents").await;
        let w1 = user(&db, org, "Alice", Role::Worker, &[(a, false)]).await.actor;
        let w2 = user(&db, org, "Bruno", Role::Worker, &[(a, false)]).await.actor;
        let w3 = user(&db, org, "Chloe", Role::Worker, &[(a, false)]).await.actor;
        let p = person(&db, org, "Petit").await;
        let id = open(&db, org, p, a, w1.user_id, &[w2.user_id]).await;
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(caseloads::set_referents(&mut tx, org, id, 7, w2.user_id, &[], w1.user_id, at(5)).await.unwrap(), None);
        let changed = caseloads::set_referents(&mut tx, org, id, 1, w1.user_id, &[w3.user_id, w2.user_id], w1.user_id, at(6)).await.unwrap().unwrap();
        assert!(!changed.referent_changed && changed.co_referents_changed);
        tx.commit().await.unwrap();
        let case = cases::find(&db, org, id).await.unwrap().unwrap();
        assert_eq!(case.version, 2);
        assert_eq!(case.co_referents.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["Bruno", "Chloe"]);
        assert_eq!(referent_events(&db, org, id).await, vec![("changed".to_owned(), Some("Alice (Bruno, Chloe)".to_owned()))]);
        // The same choice again: the version moves, no event.
        let mut tx = db.begin_write().await.unwrap();
        let same = caseloads::set_referents(&mut tx, org, id, 2, w1.user_id, &[w2.user_id, w3.user_id], w1.user_id, at(7)).await.unwrap().unwrap();
        assert!(!same.referent_changed && !same.co_referents_changed);
        let swap = caseloads::set_referents(&mut tx, org, id, 3, w3.user_id, &[], w1.user_id, at(8)).await.unwrap().unwrap();
        assert!(swap.referent_changed && swap.co_referents_changed);
        tx.commit().await.unwrap();
        let case = cases::find(&db, org, id).await.unwrap().unwrap();
        assert_eq!((case.referent(), case.co_referents.len()), (Some(w3.user_id), 0));
        assert_eq!(referent_events(&db, org, id).await.len(), 2);
    }

    async fn follow_up_checks_are_scheduled_recorded_and_missed(db) {
        let db = db.migrated().await;
        let (org, a, _) = organisation(&db, "follow").await;
        let w = user(&db, org, "Referent", Role::Worker, &[(a, false)]).await.actor;
        let other = user(&db, org, "Other", Role::Worker, &[(a, false)]).await.actor;
        let p = person(&db, org, "Leroy").await;
        let id = open(&db, org, p, a, w.user_id, &[]).await;
        set_status(&db, org, id, CaseStatus::Closed, w.user_id).await;
        let dates = domain::follow_ups::default_dates(date!(2026 - 03 - 02));
        let mut tx = db.begin_write().await.unwrap();
        let ids = follow_ups::schedule(&mut tx, org, id, &dates, domain::persons::french_date, w.user_id, at(30)).await.unwrap();
        tx.commit().await.unwrap();
        let checks = follow_ups::of_case(&db, org, id).await.unwrap();
        assert_eq!(checks.iter().map(|c| c.due_on).collect::<Vec<_>>(), dates);
        assert!(checks.iter().all(|c| c.status() == domain::follow_ups::FollowUpStatus::Scheduled && c.version == 1));
        // Due soon for the referent only, up to the date given.
        let due = follow_ups::due_for(&db, org, w.user_id, date!(2026 - 06 - 02)).await.unwrap();
        assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), vec![ids[0]]);
        assert_eq!(due[0].person_name(), "Leroy Camille");
        assert!(follow_ups::due_for(&db, org, other.user_id, date!(2030 - 01 - 01)).await.unwrap().is_empty());

        let record = CheckRecord {
            done_on: date!(2026 - 06 - 01),
            wellbeing: 7,
            power_to_act: 4,
            domains: vec![("housing".into(), Outcome::Held), ("budget".into(), Outcome::Partly)],
        };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!follow_ups::record(&mut tx, org, id, ids[0], 2, &record, "01/06/2026", w.user_id, at(40)).await.unwrap());
        assert!(follow_ups::record(&mut tx, org, id, ids[0], 1, &record, "01/06/2026", w.user_id, at(40)).await.unwrap());
        // Recorded once: the same form again writes nothing.
        assert!(!follow_ups::record(&mut tx, org, id, ids[0], 2, &record, "01/06/2026", w.user_id, at(41)).await.unwrap());
        assert!(follow_ups::mark_missed(&mut tx, org, id, ids[1], 1, "02/09/2026", w.user_id, at(42)).await.unwrap());
        assert!(!follow_ups::mark_missed(&mut tx, org, id, ids[1], 2, "02/09/2026", w.user_id, at(43)).await.unwrap());
        tx.commit().await.unwrap();
        let done = follow_ups::find(&db, org, id, ids[0]).await.unwrap().unwrap();
        assert_eq!((done.status.as_str(), done.done_on, done.wellbeing, done.power_to_act), ("done", Some(date!(2026 - 06 - 01)), Some(7), Some(4)));
        assert_eq!(done.domains, vec![("budget".to_owned(), Outcome::Partly), ("housing".to_owned(), Outcome::Held)]);
        assert_eq!(done.recorded_by_name.as_deref(), Some("Referent"));
        // A missed check may still be done later.
        let mut tx = db.begin_write().await.unwrap();
        let late = CheckRecord { domains: vec![], ..record.clone() };
        assert!(follow_ups::record(&mut tx, org, id, ids[1], 2, &late, "01/06/2026", w.user_id, at(44)).await.unwrap());
        tx.commit().await.unwrap();
        let checks = follow_ups::of_case(&db, org, id).await.unwrap();
        assert_eq!(checks.iter().map(|c| c.status.as_str()).collect::<Vec<_>>(), ["done", "done", "scheduled"]);
        assert_eq!(checks[0].domains.len(), 2);
        // Another organisation sees none of it.
        let (other_org, _, _) = organisation(&db, "follow-other").await;
        assert!(follow_ups::of_case(&db, other_org, id).await.unwrap().is_empty());
        assert!(follow_ups::find(&db, other_org, id, ids[0]).await.unwrap().is_none());
        // Every step is on the timeline, for readers of the content.
        let case = cases::find(&db, org, id).await.unwrap().unwrap();
        let vis = note_visibility(&w, &case_access(&w, &case.facts(&[])));
        let kinds = [EntryKind::FollowUp];
        let page = cases::timeline(&db, org, id, vis, Some(cases::TimelineFilter::Kinds(&kinds)), None, 50).await.unwrap();
        let details: Vec<_> = page.entries.iter().map(|e| e.detail.clone().unwrap()).collect();
        assert_eq!(details, ["done", "missed", "done", "scheduled", "scheduled", "scheduled"]);
        // Not for those who see only the metadata.
        let page = cases::timeline(&db, org, id, None, Some(cases::TimelineFilter::Kinds(&kinds)), None, 50).await.unwrap();
        assert!(page.entries.is_empty());
    }
}
