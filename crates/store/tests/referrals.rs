//! Referrals on both engines: a draft with its consent, items and timeline event; the moves
//! with optimistic locking and their dates; the inbox of the organisation the service is
//! linked to (never a draft, never another's); the consent withdrawn once, on the timeline;
//! the "no answer" task created after the organisation's number of days and closed by the
//! partner's answer; the statistics inputs.

use domain::accounts::{Email, Role};
use domain::cases::EntryKind;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::referrals::{
    ConsentGiver, ConsentMethod, IdentityField, ReferralFields, ShareItem, Side, Status, Urgency,
};
use domain::tasks::{TaskKind, TaskStatus};
use domain::{
    CaseId, MembershipId, OrganisationId, PartnerId, PartnerServiceId, PersonId, TeamId, UserId,
};
use store::cases::{self, NewCase};
use store::referrals::{self, NewReferral};
use store::{Db, Ts, accounts, organisations, persons, tasks, teams};
use testkit::engine_tests;
use time::macros::{date, datetime};

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 08:00 UTC) + time::Duration::minutes(minutes))
}

fn days(n: i64) -> i64 {
    n * 24 * 60
}

async fn org(db: &Db, slug: &str) -> (OrganisationId, TeamId, UserId) {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("ref-{slug}")).unwrap(),
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
    let user = UserId::new();
    let email = Email::parse(&format!("{slug}@referrals.example")).unwrap();
    let display = DisplayName::parse(&format!("Agent {slug}")).unwrap();
    accounts::insert_user(
        db,
        &accounts::NewUser {
            id: user,
            email: &email,
            display_name: &display,
            instance_admin: false,
        },
        at(0),
    )
    .await
    .unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, user, id, Role::Worker, at(0)).await.unwrap();
    accounts::add_membership_team(db, m, team, false).await.unwrap();
    (id, team, user)
}

async fn service(db: &Db, name: &str, linked: Option<OrganisationId>) -> PartnerServiceId {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: name.into(),
        ..Default::default()
    })
    .unwrap();
    let service = domain::partners::validate_service(
        &ServiceDraft {
            name: "Accueil".into(),
            domains: vec!["housing".into()],
            ..Default::default()
        },
        &default_domains(),
    )
    .unwrap();
    let (p, s) = (PartnerId::new(), PartnerServiceId::new());
    let mut tx = db.begin_write().await.unwrap();
    store::partners::insert_partner(&mut tx, p, None, &partner, linked, None, at(0)).await.unwrap();
    store::partners::insert_service(&mut tx, s, p, None, &service, None, at(0)).await.unwrap();
    tx.commit().await.unwrap();
    s
}

async fn case(db: &Db, org: OrganisationId, team: TeamId, referent: UserId) -> (PersonId, CaseId) {
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Durand".into()),
        first_names: Some("Léa".into()),
        ..Default::default()
    };
    let id = CaseId::new();
    let new = NewCase {
        id,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: referent,
        co_referents: &[],
        reason: "Logement",
        orientation_source: None,
        opened_by: referent,
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, at(0)).await.unwrap();
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    (person, id)
}

fn fields() -> ReferralFields {
    ReferralFields {
        reason: "Recherche de logement".into(),
        request: "Un rendez-vous".into(),
        urgency: Urgency::Soon,
        items: vec![ShareItem::Identity(IdentityField::Name), ShareItem::Domain("housing".into())],
        given_by: ConsentGiver::Person,
        given_by_name: None,
        method: ConsentMethod::Oral,
        given_on: date!(2026 - 03 - 02),
    }
}

engine_tests! {
    async fn a_referral_goes_from_draft_to_completed_on_the_timeline_and_in_the_inbox(db) {
        let db = db.migrated().await;
        let (a, team, worker) = org(&db, "ccas").await;
        let (b, _, partner_user) = org(&db, "asso").await;
        let (c, _, _) = org(&db, "autre").await;
        let svc = service(&db, "Asso Logement", Some(b)).await;
        let (person, case_id) = case(&db, a, team, worker).await;
        let f = fields();
        let mut tx = db.begin_write().await.unwrap();
        let new = NewReferral { organisation_id: a, case_id, person_id: person, service_id: svc, partner_organisation_id: Some(b), recipient: "Accueil — Asso Logement", fields: &f, by: worker };
        let id = referrals::create(&mut tx, &new, at(2)).await.unwrap();
        tx.commit().await.unwrap();
        let r = referrals::find(&db, a, id).await.unwrap().unwrap();
        assert_eq!((r.status(), r.hosted(), r.version, r.recipient()), (Status::Draft, true, 1, "Accueil — Asso Logement".to_owned()));
        assert_eq!(referrals::items(&db, id).await.unwrap(), f.items);
        // A draft is in nobody's inbox; another organisation never finds it.
        assert!(referrals::inbox(&db, b).await.unwrap().is_empty());
        assert!(referrals::find_received(&db, b, id).await.unwrap().is_none());
        assert!(referrals::find(&db, b, id).await.unwrap().is_none());

        let mut tx = db.begin_write().await.unwrap();
        assert!(!referrals::move_to(&mut tx, &r, 7, Status::Sent, Side::Sender, worker, None, at(3)).await.unwrap(), "stale");
        assert!(referrals::move_to(&mut tx, &r, 1, Status::Sent, Side::Sender, worker, None, at(3)).await.unwrap());
        tx.commit().await.unwrap();
        let inbox = referrals::inbox(&db, b).await.unwrap();
        assert_eq!(inbox.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
        assert!(referrals::inbox(&db, c).await.unwrap().is_empty());
        assert!(referrals::find_received(&db, c, id).await.unwrap().is_none());
        let r = referrals::find_received(&db, b, id).await.unwrap().unwrap();
        assert_eq!((r.status(), r.sent_at, r.answered_at, r.organisation_name.as_str()), (Status::Sent, Some(at(3)), None, "ccas"));
        let mut tx = db.begin_write().await.unwrap();
        assert!(referrals::move_to(&mut tx, &r, 2, Status::Accepted, Side::Partner, partner_user, None, at(60)).await.unwrap());
        let r = referrals::find(&mut tx, a, id).await.unwrap().unwrap();
        assert!(referrals::move_to(&mut tx, &r, 3, Status::Completed, Side::Partner, partner_user, Some("Relogée"), at(120)).await.unwrap());
        tx.commit().await.unwrap();
        let r = referrals::find(&db, a, id).await.unwrap().unwrap();
        assert_eq!((r.status(), r.answered_at, r.closed_at, r.version), (Status::Completed, Some(at(60)), Some(at(120)), 4));
        let steps = referrals::steps(&db, id).await.unwrap();
        let seen: Vec<(&str, &str, Option<&str>)> = steps.iter().map(|s| (s.status.as_str(), s.side.as_str(), s.note.as_deref())).collect();
        assert_eq!(seen, vec![("draft", "sender", None), ("sent", "sender", None), ("accepted", "partner", None), ("completed", "partner", Some("Relogée"))]);
        assert_eq!(steps[3].by_name.as_deref(), Some("Agent asso"));
        // The outcome is back on the case's timeline.
        let kinds = [EntryKind::Referral];
        let vis = Some(domain::policy::NoteVisibility { viewer: worker, referents_level: true });
        let page = cases::timeline(&db, a, case_id, vis, Some(cases::TimelineFilter::Kinds(&kinds)), None, 10).await.unwrap();
        let details: Vec<Option<&str>> = page.entries.iter().map(|e| e.detail.as_deref()).collect();
        assert_eq!(details, vec![Some("completed"), Some("accepted"), Some("sent"), Some("draft")]);
        assert_eq!(page.entries[0].summary.as_deref(), Some("Accueil — Asso Logement — Relogée"));
    }

    async fn a_withdrawn_consent_hides_the_shares_at_once_and_shows_on_the_timeline(db) {
        let db = db.migrated().await;
        let (a, team, worker) = org(&db, "ccas").await;
        let (b, _, _) = org(&db, "asso").await;
        let svc = service(&db, "Asso", Some(b)).await;
        let (person, case_id) = case(&db, a, team, worker).await;
        let f = fields();
        let mut tx = db.begin_write().await.unwrap();
        let new = NewReferral { organisation_id: a, case_id, person_id: person, service_id: svc, partner_organisation_id: Some(b), recipient: "Accueil — Asso", fields: &f, by: worker };
        let id = referrals::create(&mut tx, &new, at(2)).await.unwrap();
        let r = referrals::find(&mut tx, a, id).await.unwrap().unwrap();
        referrals::move_to(&mut tx, &r, 1, Status::Sent, Side::Sender, worker, None, at(3)).await.unwrap();
        tx.commit().await.unwrap();
        assert!(referrals::find_received(&db, b, id).await.unwrap().unwrap().shares_visible());
        let register = referrals::consents_of(&db, a, person).await.unwrap();
        assert_eq!(register.len(), 1);
        let c = &register[0];
        assert_eq!((c.purpose.as_str(), c.recipient.as_str(), c.method.as_str(), c.referral_id, c.withdrawn_at), ("referral", "Accueil — Asso", "oral", Some(id), None));
        assert_eq!(c.items(), f.items);
        assert!(referrals::consents_of(&db, b, person).await.unwrap().is_empty(), "another organisation's register");
        let mut tx = db.begin_write().await.unwrap();
        assert!(!referrals::withdraw(&mut tx, b, person, c.id, 1, worker, at(10)).await.unwrap(), "not B's consent");
        assert!(!referrals::withdraw(&mut tx, a, person, c.id, 2, worker, at(10)).await.unwrap(), "stale");
        assert!(referrals::withdraw(&mut tx, a, person, c.id, 1, worker, at(10)).await.unwrap());
        assert!(!referrals::withdraw(&mut tx, a, person, c.id, 2, worker, at(11)).await.unwrap(), "withdrawn once");
        tx.commit().await.unwrap();
        let r = referrals::find_received(&db, b, id).await.unwrap().unwrap();
        assert_eq!(r.consent_withdrawn_at, Some(at(10)));
        assert!(!r.shares_visible(), "the partner loses the shares at once");
        let kinds = [EntryKind::Referral];
        let vis = Some(domain::policy::NoteVisibility { viewer: worker, referents_level: true });
        let page = cases::timeline(&db, a, case_id, vis, Some(cases::TimelineFilter::Kinds(&kinds)), None, 10).await.unwrap();
        assert_eq!(page.entries[0].detail.as_deref(), Some("consent_withdrawn"));
    }

    async fn an_unanswered_referral_gets_a_task_closed_by_the_answer(db) {
        let db = db.migrated().await;
        let (a, team, worker) = org(&db, "ccas").await;
        let (b, _, partner_user) = org(&db, "asso").await;
        let svc = service(&db, "Asso", Some(b)).await;
        let (person, case_id) = case(&db, a, team, worker).await;
        let f = fields();
        let mut tx = db.begin_write().await.unwrap();
        let new = NewReferral { organisation_id: a, case_id, person_id: person, service_id: svc, partner_organisation_id: Some(b), recipient: "Accueil — Asso", fields: &f, by: worker };
        let id = referrals::create(&mut tx, &new, at(2)).await.unwrap();
        let r = referrals::find(&mut tx, a, id).await.unwrap().unwrap();
        referrals::move_to(&mut tx, &r, 1, Status::Sent, Side::Sender, worker, None, at(3)).await.unwrap();
        tx.commit().await.unwrap();
        // Nine days: nothing; ten (the default): a task for the referent, once.
        tasks::run_reminders(&db, at(days(9))).await.unwrap();
        assert!(tasks::of_case(&db, a, case_id).await.unwrap().is_empty());
        tasks::run_reminders(&db, at(days(10) + 3)).await.unwrap();
        tasks::run_reminders(&db, at(days(10) + 20)).await.unwrap();
        let open = tasks::of_case(&db, a, case_id).await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].kind(), open[0].source_id, open[0].assignee_id), (TaskKind::ReferralUnanswered, Some(id), worker));
        // The partner's answer closes it, as done by the system.
        let r = referrals::find_received(&db, b, id).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        referrals::move_to(&mut tx, &r, 2, Status::Received, Side::Partner, partner_user, None, at(days(11))).await.unwrap();
        tx.commit().await.unwrap();
        let task = tasks::find(&db, a, open[0].id).await.unwrap().unwrap();
        assert_eq!((task.status(), task.closed_by), (TaskStatus::Done, None));
        // A shorter setting is read from the organisation.
        sqlx_days(&db, a, 2).await;
        let mut tx = db.begin_write().await.unwrap();
        let id2 = referrals::create(&mut tx, &new, at(days(12))).await.unwrap();
        let r2 = referrals::find(&mut tx, a, id2).await.unwrap().unwrap();
        referrals::move_to(&mut tx, &r2, 1, Status::Sent, Side::Sender, worker, None, at(days(12))).await.unwrap();
        tx.commit().await.unwrap();
        tasks::run_reminders(&db, at(days(14) + 1)).await.unwrap();
        let open = tasks::of_case(&db, a, case_id).await.unwrap();
        assert_eq!(open.iter().map(|t| t.source_id).collect::<Vec<_>>(), vec![Some(id2)]);
    }

    async fn statistics_count_referrals_by_service_with_rates_and_times(db) {
        let db = db.migrated().await;
        let (a, team, worker) = org(&db, "ccas").await;
        let (b, _, partner_user) = org(&db, "asso").await;
        let (other, _, _) = org(&db, "autre").await;
        let svc = service(&db, "Asso", Some(b)).await;
        let svc2 = service(&db, "Banque alimentaire", None).await;
        let (person, case_id) = case(&db, a, team, worker).await;
        let f = fields();
        // (service, moves after sending, each at + hours)
        let plan: [(PartnerServiceId, &[Status]); 4] = [
            (svc, &[Status::Accepted, Status::Completed]),
            (svc, &[Status::Declined]),
            (svc, &[]),
            (svc2, &[Status::Received, Status::Accepted, Status::NoShow]),
        ];
        for (n, (s, moves)) in plan.iter().enumerate() {
            let hosted = *s == svc;
            let new = NewReferral { organisation_id: a, case_id, person_id: person, service_id: *s, partner_organisation_id: hosted.then_some(b), recipient: "x", fields: &f, by: worker };
            let mut tx = db.begin_write().await.unwrap();
            let id = referrals::create(&mut tx, &new, at(n as i64)).await.unwrap();
            let r = referrals::find(&mut tx, a, id).await.unwrap().unwrap();
            referrals::move_to(&mut tx, &r, 1, Status::Sent, Side::Sender, worker, None, at(n as i64)).await.unwrap();
            for (k, to) in moves.iter().enumerate() {
                let r = referrals::find(&mut tx, a, id).await.unwrap().unwrap();
                let side = if hosted { Side::Partner } else { Side::Sender };
                let note = (*to == Status::Declined).then_some("Complet");
                assert!(referrals::move_to(&mut tx, &r, r.version, *to, side, partner_user, note, at(n as i64 + 60 * 24 * (k as i64 + 1))).await.unwrap());
            }
            tx.commit().await.unwrap();
        }
        let stats = referrals::statistics(&db, a, at(0), at(days(1))).await.unwrap();
        assert_eq!(stats.len(), 2);
        let asso = &stats[0];
        assert_eq!((asso.partner_name.as_str(), asso.sent, asso.answered, asso.accepted, asso.declined, asso.completed, asso.open), ("Asso", 3, 2, 1, 1, 1, 1));
        assert_eq!((asso.acceptance_rate, asso.mean_hours_to_answer), (Some(50), Some(24)));
        let food = &stats[1];
        assert_eq!((food.sent, food.accepted, food.no_show, food.acceptance_rate, food.mean_hours_to_answer), (1, 1, 1, Some(100), Some(24)));
        // Outside the period, or another organisation: nothing.
        assert!(referrals::statistics(&db, a, at(days(1)), at(days(2))).await.unwrap().is_empty());
        assert!(referrals::statistics(&db, other, at(0), at(days(1))).await.unwrap().is_empty());
    }
}

/// Sets the organisation's days without answer before a reminder.
async fn sqlx_days(db: &Db, org: OrganisationId, days: i64) {
    store::referrals::set_reminder_days(db, org, days).await.unwrap();
}
