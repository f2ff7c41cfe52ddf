//! Aid requests on both engines: created as drafts with a step and an `aid` event on the case's
//! timeline, moved and decided only from the version read, paid once; the catalogue's rules
//! (defaults until set); commission sessions with their agenda; what was granted in a year for
//! the yearly maximum; the statistics inputs checked against hand counts.

use domain::aid::{DecidedBy, Decision, Payee, Payment, RequestFields, Rules, Status};
use domain::{CaseId, OrganisationId, PersonId, UserId};
use store::aid::{self, NewRequest};
use store::{Db, Ts};
use testkit::engine_tests;
use time::macros::{date, datetime};
use uuid::Uuid;

mod support;

use support::{at, open, organisation, person, user};

#[allow(clippy::too_many_arguments)] // A test's shorthand for one request.
async fn request(
    db: &Db,
    org: OrganisationId,
    case: CaseId,
    p: PersonId,
    aid_type: &str,
    requested_on: time::Date,
    asked: Option<i64>,
    by: UserId,
) -> Uuid {
    let fields = RequestFields {
        aid_type: aid_type.into(),
        requested_on,
        asked_cents: asked,
        presentation: "Facture de régularisation".into(),
    };
    let new = NewRequest { organisation_id: org, case_id: case, person_id: p, fields: &fields, by };
    let mut tx = db.begin_write().await.unwrap();
    let id = aid::create(&mut tx, &new, at(2)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn find(db: &Db, org: OrganisationId, id: Uuid) -> aid::AidRequest {
    aid::find(db, org, id).await.unwrap().unwrap()
}

async fn move_to(db: &Db, org: OrganisationId, id: Uuid, to: Status, by: UserId, when: Ts) -> bool {
    let r = find(db, org, id).await;
    let mut tx = db.begin_write().await.unwrap();
    let done = aid::move_to(&mut tx, &r, r.version, to, by, when).await.unwrap();
    tx.commit().await.unwrap();
    done
}

async fn decide(db: &Db, org: OrganisationId, id: Uuid, d: Decision, by: UserId, when: Ts) -> bool {
    let r = find(db, org, id).await;
    let mut tx = db.begin_write().await.unwrap();
    let done = aid::decide(&mut tx, &r, r.version, &d, by, when).await.unwrap();
    tx.commit().await.unwrap();
    done
}

fn decision(outcome: Status, granted: Option<i64>, reason: Option<&str>) -> Decision {
    Decision {
        outcome,
        granted_cents: granted,
        refusal_reason: reason.map(str::to_owned),
        comment: None,
    }
}

async fn aid_events(db: &Db, case: CaseId) -> Vec<(String, Option<String>)> {
    let sql = "SELECT detail, summary FROM case_entries WHERE case_id = $1 AND kind = 'aid' \
               ORDER BY occurred_at, id";
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
    }
}

engine_tests! {
    async fn a_request_goes_through_its_steps_onto_the_timeline_and_is_paid_once(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other, _) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let id = request(&db, org, case, p, "energy_aid", date!(2026 - 11 - 20), Some(123_456), amel).await;

        let r = find(&db, org, id).await;
        assert_eq!((r.status(), r.asked_cents, r.version), (Status::Draft, Some(123_456), 1));
        assert!(aid::find(&db, other, id).await.unwrap().is_none(), "never across organisations");
        assert_eq!(aid::of_case(&db, org, case).await.unwrap().len(), 1);

        assert!(move_to(&db, org, id, Status::UnderReview, amel, at(3)).await);
        // A stale version writes nothing.
        let mut tx = db.begin_write().await.unwrap();
        assert!(!aid::move_to(&mut tx, &r, 1, Status::Dismissed, amel, at(4)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(move_to(&db, org, id, Status::InCommittee, amel, at(4)).await);
        assert_eq!(aid::waiting_for_commission(&db, org).await.unwrap().len(), 1);

        let mut tx = db.begin_write().await.unwrap();
        let session = aid::create_session(&mut tx, org, "Commission de décembre", date!(2026 - 12 - 03), amel, at(5)).await.unwrap();
        assert!(aid::put_on_agenda(&mut tx, org, session, id, at(5)).await.unwrap());
        assert!(!aid::put_on_agenda(&mut tx, org, session, id, at(5)).await.unwrap(), "once");
        tx.commit().await.unwrap();
        assert!(aid::waiting_for_commission(&db, org).await.unwrap().is_empty());
        let s = aid::find_session(&db, org, session).await.unwrap().unwrap();
        assert_eq!((s.agenda, s.pseudonymised, s.decided_at), (1, false, None));
        assert!(aid::find_session(&db, other, session).await.unwrap().is_none());

        assert!(decide(&db, org, id, decision(Status::PartlyAccepted, Some(100_000), None), amel, at(6)).await);
        let mut tx = db.begin_write().await.unwrap();
        assert!(aid::close_session(&mut tx, org, session, at(7)).await.unwrap());
        assert!(!aid::close_session(&mut tx, org, session, at(7)).await.unwrap());
        tx.commit().await.unwrap();
        let minutes = aid::agenda(&db, org, session).await.unwrap();
        assert_eq!(minutes.len(), 1, "the decided request stays on its session's agenda");
        assert_eq!((minutes[0].status(), minutes[0].granted_cents), (Status::PartlyAccepted, Some(100_000)));
        assert_eq!(minutes[0].session_title.as_deref(), Some("Commission de décembre"));

        let payment = Payment {
            method: "paid_to_creditor".into(),
            payee: Payee::EnergySupplier,
            payee_name: Some("Énergie Ouest".into()),
            paid_on: date!(2026 - 12 - 05),
        };
        let r = find(&db, org, id).await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(aid::pay(&mut tx, &r, r.version, &payment, amel, at(8)).await.unwrap());
        assert!(!aid::pay(&mut tx, &r, r.version, &payment, amel, at(8)).await.unwrap(), "once");
        tx.commit().await.unwrap();
        let r = find(&db, org, id).await;
        assert_eq!(r.status(), Status::Paid);
        assert_eq!((r.payee.as_deref(), r.payee_name.as_deref()), (Some("energy_supplier"), Some("Énergie Ouest")));
        assert_eq!(r.paid_on, Some(date!(2026 - 12 - 05)));
        assert_eq!(r.decided_at, Some(at(6)));

        let steps: Vec<String> = aid::steps(&db, id).await.unwrap().into_iter().map(|s| s.status).collect();
        assert_eq!(steps, ["draft", "under_review", "in_committee", "partly_accepted", "paid"]);
        let events = aid_events(&db, case).await;
        let details: Vec<&str> = events.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(details, ["draft", "under_review", "in_committee", "partly_accepted", "paid"]);
        assert!(events.iter().all(|(_, s)| s.as_deref() == Some("energy_aid")), "no amount on the timeline");
    }

    async fn rules_are_the_defaults_until_the_organisation_sets_its_own(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "a").await;
        let (other, _) = organisation(&db, "b").await;
        assert_eq!(aid::rules(&db, org, "energy_aid").await.unwrap(), domain::aid::default_rules("energy_aid"));
        let own = Rules {
            asks_amount: true,
            required_documents: vec!["utility_bill".into(), "tax_notice".into()],
            max_cents_per_year: Some(30_000),
            decided_by: DecidedBy::Manager,
            deciders: "Directrice du CCAS".into(),
        };
        aid::set_rules(&db, org, "energy_aid", &own, at(1)).await.unwrap();
        assert_eq!(aid::rules(&db, org, "energy_aid").await.unwrap(), own);
        let changed = Rules { max_cents_per_year: None, ..own.clone() };
        aid::set_rules(&db, org, "energy_aid", &changed, at(2)).await.unwrap();
        assert_eq!(aid::rules(&db, org, "energy_aid").await.unwrap(), changed);
        assert_eq!(aid::own_rules(&db, org).await.unwrap(), vec![("energy_aid".to_owned(), changed)]);
        assert_eq!(aid::rules(&db, other, "energy_aid").await.unwrap(), domain::aid::default_rules("energy_aid"));

        assert!(!aid::pseudonymised_agenda(&db, org).await.unwrap());
        aid::set_pseudonymised_agenda(&db, org, true).await.unwrap();
        assert!(aid::pseudonymised_agenda(&db, org).await.unwrap());
        assert!(!aid::pseudonymised_agenda(&db, other).await.unwrap());
    }

    async fn what_was_granted_in_a_year_counts_granted_decisions_of_that_year_only(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let q = person(&db, org, "Martin").await;
        let case = open(&db, org, p, team, amel).await;
        let other_case = open(&db, org, q, team, amel).await;
        let last_year = Ts::from(datetime!(2025-12-31 23:00 UTC));
        let this_year = Ts::from(datetime!(2026-02-01 10:00 UTC));
        let mut ids = Vec::new();
        // (person's case, type, decision, when)
        let plan: [(CaseId, PersonId, &str, Decision, Ts); 5] = [
            (case, p, "energy_aid", decision(Status::Accepted, Some(20_000), None), this_year),
            (case, p, "energy_aid", decision(Status::PartlyAccepted, Some(5_000), None), this_year),
            (case, p, "energy_aid", decision(Status::Accepted, Some(40_000), None), last_year),
            (case, p, "food_aid", decision(Status::Accepted, Some(7_000), None), this_year),
            (other_case, q, "energy_aid", decision(Status::Accepted, Some(9_000), None), this_year),
        ];
        for (c, person, t, d, when) in plan {
            let id = request(&db, org, c, person, t, date!(2025 - 12 - 01), Some(20_000), amel).await;
            assert!(move_to(&db, org, id, Status::UnderReview, amel, at(3)).await);
            assert!(decide(&db, org, id, d, amel, when).await);
            ids.push(id);
        }
        let refused = request(&db, org, case, p, "energy_aid", date!(2026 - 01 - 10), Some(20_000), amel).await;
        assert!(move_to(&db, org, refused, Status::UnderReview, amel, at(3)).await);
        assert!(decide(&db, org, refused, decision(Status::Refused, None, Some("other")), amel, this_year).await);
        // 200 € + 50 € this year for Haddad's energy aid; last year's 400 €, the food aid,
        // Martin's and the refusal do not count.
        assert_eq!(aid::granted_in_year(&db, org, p, "energy_aid", 2026, None, Uuid::nil()).await.unwrap(), 25_000);
        assert_eq!(aid::granted_in_year(&db, org, p, "energy_aid", 2026, None, ids[0]).await.unwrap(), 5_000, "except the one decided");
        assert_eq!(aid::granted_in_year(&db, org, p, "energy_aid", 2025, None, Uuid::nil()).await.unwrap(), 40_000);
        // The year is the organisation's: 31 December 23:00 UTC is already New Year's Day in
        // Paris, so that decision counts for 2026 there.
        let paris = Some("Europe/Paris");
        assert_eq!(aid::granted_in_year(&db, org, p, "energy_aid", 2026, paris, Uuid::nil()).await.unwrap(), 65_000);
        assert_eq!(aid::granted_in_year(&db, org, p, "energy_aid", 2025, paris, Uuid::nil()).await.unwrap(), 0);
    }

    async fn statistics_inputs_match_hand_counts(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other, other_team) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let bob = user(&db, other, "Bob").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let decided = |days: i64| Ts::from(datetime!(2026-11-01 10:00 UTC) + time::Duration::days(days));
        let on = date!(2026 - 11 - 01);

        // Energy aid: 4 requests in November.
        // 1. asked 300 €, granted in full after 10 days, paid;
        let e1 = request(&db, org, case, p, "energy_aid", on, Some(30_000), amel).await;
        assert!(move_to(&db, org, e1, Status::UnderReview, amel, at(3)).await);
        assert!(decide(&db, org, e1, decision(Status::Accepted, Some(30_000), None), amel, decided(10)).await);
        let r = find(&db, org, e1).await;
        let pay = Payment { method: "bank_transfer".into(), payee: Payee::Person, payee_name: None, paid_on: date!(2026 - 11 - 20) };
        let mut tx = db.begin_write().await.unwrap();
        assert!(aid::pay(&mut tx, &r, r.version, &pay, amel, decided(12)).await.unwrap());
        tx.commit().await.unwrap();
        // 2. asked 200 €, partly granted 120,50 € after 4 days;
        let e2 = request(&db, org, case, p, "energy_aid", on, Some(20_000), amel).await;
        assert!(move_to(&db, org, e2, Status::UnderReview, amel, at(3)).await);
        assert!(decide(&db, org, e2, decision(Status::PartlyAccepted, Some(12_050), None), amel, decided(4)).await);
        // 3. asked 100 €, refused (over income) after 7 days;
        let e3 = request(&db, org, case, p, "energy_aid", on, Some(10_000), amel).await;
        assert!(move_to(&db, org, e3, Status::UnderReview, amel, at(3)).await);
        assert!(decide(&db, org, e3, decision(Status::Refused, None, Some("over_income_ceiling")), amel, decided(7)).await);
        // 4. asked 50 €, still being prepared.
        request(&db, org, case, p, "energy_aid", on, Some(5_000), amel).await;
        // Food aid: one refused (file incomplete) after 1 day, one dismissed.
        let f1 = request(&db, org, case, p, "food_aid", on, Some(4_000), amel).await;
        assert!(move_to(&db, org, f1, Status::UnderReview, amel, at(3)).await);
        assert!(decide(&db, org, f1, decision(Status::Refused, None, Some("file_incomplete")), amel, decided(1)).await);
        let f2 = request(&db, org, case, p, "food_aid", on, Some(3_000), amel).await;
        assert!(move_to(&db, org, f2, Status::Dismissed, amel, at(3)).await);
        // Out of the period, and another organisation's: not counted.
        request(&db, org, case, p, "energy_aid", date!(2026 - 10 - 31), Some(99_900), amel).await;
        let q = person(&db, other, "Martin").await;
        let other_case = open(&db, other, q, other_team, bob).await;
        request(&db, other, other_case, q, "energy_aid", on, Some(1_000), bob).await;

        let stats = aid::statistics(&db, org, date!(2026 - 11 - 01), date!(2026 - 12 - 01)).await.unwrap();
        assert_eq!(stats.len(), 2);
        let energy = &stats[0];
        assert_eq!(energy.aid_type, "energy_aid");
        assert_eq!((energy.requested, energy.asked_cents), (4, 65_000));
        assert_eq!((energy.decided, energy.granted, energy.partly, energy.refused), (3, 2, 1, 1));
        assert_eq!((energy.granted_cents, energy.paid, energy.paid_cents), (42_050, 1, 30_000));
        assert_eq!((energy.open, energy.closed), (1, 0));
        // (10 + 4 + 7) / 3 = 7 days.
        assert_eq!(energy.mean_days_to_decision, Some(7));
        assert_eq!(energy.refusal_reasons, vec![("over_income_ceiling".to_owned(), 1)]);
        let food = &stats[1];
        assert_eq!((food.aid_type.as_str(), food.requested, food.asked_cents), ("food_aid", 2, 7_000));
        assert_eq!((food.decided, food.granted, food.refused, food.closed, food.open), (1, 0, 1, 1, 0));
        assert_eq!(food.mean_days_to_decision, Some(1));
        assert_eq!(food.refusal_reasons, vec![("file_incomplete".to_owned(), 1)]);
    }

    async fn a_request_is_corrected_from_the_version_read_with_an_event_without_amount(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other, _) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let id = request(&db, org, case, p, "energy_aid", date!(2026 - 11 - 20), Some(123_456), amel).await;
        let read = find(&db, org, id).await;
        let fields = RequestFields {
            aid_type: "grant".into(),
            requested_on: date!(2026 - 11 - 19),
            asked_cents: Some(120_000),
            presentation: "Facture corrigée".into(),
        };
        assert_eq!(aid::changed(&read, &fields), ["aid_type", "requested_on", "asked", "presentation"]);
        let same = RequestFields { presentation: read.presentation.clone(), ..fields.clone() };
        assert_eq!(aid::changed(&read, &same), ["aid_type", "requested_on", "asked"]);

        let mut tx = db.begin_write().await.unwrap();
        assert!(aid::update(&mut tx, &read, 1, &fields, amel, at(3)).await.unwrap());
        tx.commit().await.unwrap();
        let r = find(&db, org, id).await;
        assert_eq!((r.aid_type.as_str(), r.requested_on, r.asked_cents, r.version), ("grant", date!(2026 - 11 - 19), Some(120_000), 2));
        assert_eq!((r.presentation.as_str(), r.status()), ("Facture corrigée", Status::Draft));
        // The form read at version 1 is stale now: nothing written.
        let stale = RequestFields { asked_cents: Some(1), ..fields.clone() };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!aid::update(&mut tx, &read, 1, &stale, amel, at(4)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(find(&db, org, id).await.asked_cents, Some(120_000));
        // Nor from another organisation's point of view, nor once the status changed.
        let elsewhere = aid::AidRequest { organisation_id: other, ..r.clone() };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!aid::update(&mut tx, &elsewhere, 2, &stale, amel, at(4)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(move_to(&db, org, id, Status::UnderReview, amel, at(5)).await);
        let as_draft = aid::AidRequest { version: 3, ..r.clone() };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!aid::update(&mut tx, &as_draft, 3, &stale, amel, at(6)).await.unwrap(), "read as a draft, now under review");
        tx.commit().await.unwrap();
        assert_eq!(find(&db, org, id).await.asked_cents, Some(120_000));

        // The timeline: prepared, corrected (the new type's code, no amount), under review.
        let events = aid_events(&db, case).await;
        let expected: Vec<(String, Option<String>)> = vec![
            ("draft".into(), Some("energy_aid".into())),
            ("edited".into(), Some("grant".into())),
            ("under_review".into(), Some("grant".into())),
        ];
        assert_eq!(events, expected);
    }

    async fn a_request_waiting_for_documents_too_long_is_a_task_for_the_referent_until_it_moves_on(db) {
        use domain::tasks::{TaskKind, TaskStatus};
        use store::tasks::{self, Scope};
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let id = request(&db, org, case, p, "energy_aid", date!(2026 - 11 - 20), Some(50_000), amel).await;
        let since = at(10);
        assert!(move_to(&db, org, id, Status::AwaitingDocuments, amel, since).await);
        let days_after = |from: Ts, days: i64| Ts::from(from.get() + time::Duration::days(days));
        let waiting = |db: Db| async move {
            let all = tasks::list(&db, org, amel, Scope::MineOpen, 50).await.unwrap();
            all.into_iter().filter(|t| t.kind() == TaskKind::AidAwaitingDocuments).collect::<Vec<_>>()
        };

        // Waiting 15 days (the default) is fine; longer is not: one task, for the case's
        // referent, due that day, however often the job runs.
        tasks::run_reminders(&db, days_after(since, 15)).await.unwrap();
        assert!(waiting(db.clone()).await.is_empty(), "15 days: still fine");
        tasks::run_reminders(&db, days_after(since, 16)).await.unwrap();
        tasks::run_reminders(&db, days_after(since, 17)).await.unwrap();
        let open_tasks = waiting(db.clone()).await;
        assert_eq!(open_tasks.len(), 1);
        let task = &open_tasks[0];
        assert_eq!((task.source_id, task.case_id, task.due_on), (Some(id), Some(case.as_uuid()), Some(date!(2026 - 12 - 12))));

        // Moved on: the task closes itself.
        assert!(move_to(&db, org, id, Status::UnderReview, amel, days_after(since, 18)).await);
        tasks::run_reminders(&db, days_after(since, 18)).await.unwrap();
        let closed = tasks::find(&db, org, task.id).await.unwrap().unwrap();
        assert_eq!((closed.status(), closed.closed_by), (TaskStatus::Done, None), "closed by the system");

        // Sent back for documents: it waits again from then, and the same task opens again
        // only once that wait is too long.
        let again = days_after(since, 20);
        assert!(move_to(&db, org, id, Status::AwaitingDocuments, amel, again).await);
        tasks::run_reminders(&db, days_after(again, 15)).await.unwrap();
        assert!(waiting(db.clone()).await.is_empty(), "a new wait of 15 days");
        tasks::run_reminders(&db, days_after(again, 16)).await.unwrap();
        let reopened = waiting(db.clone()).await;
        assert_eq!(reopened.iter().map(|t| t.id).collect::<Vec<_>>(), vec![task.id]);

        // The organisation's setting: 3 days for a second request.
        let sql = "UPDATE organisations SET reminder_aid_days = 3 WHERE id = $1";
        match &db {
            Db::Sqlite(pool) => { sqlx::query(sql).bind(org.as_uuid()).execute(pool).await.unwrap(); }
            Db::Postgres(pool) => { sqlx::query(sql).bind(org.as_uuid()).execute(pool).await.unwrap(); }
        }
        let second = request(&db, org, case, p, "food_aid", date!(2026 - 11 - 20), Some(5_000), amel).await;
        let from = days_after(again, 16);
        assert!(move_to(&db, org, second, Status::AwaitingDocuments, amel, from).await);
        tasks::run_reminders(&db, days_after(from, 3)).await.unwrap();
        assert_eq!(waiting(db.clone()).await.len(), 1, "3 days: still fine");
        tasks::run_reminders(&db, days_after(from, 4)).await.unwrap();
        assert_eq!(waiting(db.clone()).await.len(), 2);
        // Closed without follow-up: nothing left to do for either.
        assert!(move_to(&db, org, id, Status::Dismissed, amel, days_after(from, 5)).await);
        assert!(move_to(&db, org, second, Status::UnderReview, amel, days_after(from, 5)).await);
        tasks::run_reminders(&db, days_after(from, 5)).await.unwrap();
        assert!(waiting(db.clone()).await.is_empty());
    }
}
