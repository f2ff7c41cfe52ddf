//! The restricted archive on both engines (ADR 0040): an archived person is out of search, the
//! recent list, counts and duplicate proposals; their file opens only to whoever recorded a
//! reason (the `archive_opened` event), for a day; restoring holds the line; anonymising runs.

use domain::audit::AuditAction;
use domain::cases::CaseStatus;
use domain::retention::{AfterDue, Decision, RetentionSettings};
use domain::{CaseId, OrganisationId, PersonId, TeamId, UserId};
use store::audit::{self, NewAuditEvent};
use store::cases::{self, NewCase};
use store::retention::{self, ListFilter, RunOptions, archive};
use store::{Db, Ts, persons};
use testkit::engine_tests;
use time::Date;
use time::macros::date;

mod support;

use support::{organisation, user};

const TODAY: Date = date!(2026 - 11 - 26);

fn noon(day: Date) -> Ts {
    Ts::from(day.with_hms(12, 0, 0).unwrap().assume_utc())
}

/// A person named `name` followed from `last` minus a month to `last`, case closed.
async fn followed(
    db: &Db,
    org: OrganisationId,
    team: TeamId,
    worker: UserId,
    name: &str,
    last: Date,
) -> PersonId {
    let id = PersonId::new();
    let start = noon(last - time::Duration::days(30));
    let rec = domain::persons::PersonRecord {
        birth_name: Some(name.into()),
        first_names: Some("Amel".into()),
        birth_date: Some(date!(1980 - 05 - 01)),
        ..Default::default()
    };
    let case_id = CaseId::new();
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, id, &rec, None, start).await.unwrap();
    let new = NewCase {
        id: case_id,
        organisation_id: org,
        person_id: id,
        household_id: None,
        team_id: team,
        referent_id: worker,
        co_referents: &[],
        reason: "Logement",
        orientation_source: None,
        opened_by: worker,
    };
    cases::open(&mut tx, &new, start).await.unwrap();
    let closed = cases::change_status(
        &mut tx,
        org,
        case_id,
        1,
        CaseStatus::Closed,
        None,
        worker,
        noon(last),
    );
    assert!(closed.await.unwrap());
    tx.commit().await.unwrap();
    id
}

/// Two persons of the same name: one archived by the run, one still followed.
async fn setting(db: &Db) -> (OrganisationId, UserId, PersonId, PersonId) {
    let (org, team) = organisation(db, "a").await;
    let worker = user(db, org, "Rita").await;
    let s = RetentionSettings {
        grace_days: 0,
        after_due: AfterDue::Archive,
        ..RetentionSettings::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    assert!(
        retention::save_settings(&mut tx, org, &s, None, None, worker, noon(TODAY)).await.unwrap()
    );
    tx.commit().await.unwrap();
    let old = followed(db, org, team, worker, "Zoubeidi", date!(2023 - 01 - 10)).await;
    let recent = followed(db, org, team, worker, "Zoubeidi", date!(2026 - 10 - 01)).await;
    let counts =
        retention::run_organisation(db, org, "Europe/Paris", noon(TODAY), RunOptions::default())
            .await
            .unwrap();
    assert_eq!(counts.archived, 1);
    (org, worker, old, recent)
}

async fn found(db: &Db, org: OrganisationId) -> Vec<PersonId> {
    persons::search(db, org, "Zoubeidi", 10).await.unwrap().into_iter().map(|h| h.id).collect()
}

engine_tests! {
    async fn an_archived_person_is_out_of_search_lists_and_counts(db) {
        let db = db.migrated().await;
        let (org, _, old, recent) = setting(&db).await;
        assert!(archive::is_archived(&db, org, old).await.unwrap());
        assert!(!archive::is_archived(&db, org, recent).await.unwrap());
        assert_eq!(found(&db, org).await, vec![recent], "a worker's search finds the other only");
        let listed: Vec<PersonId> = persons::recent(&db, org, 10).await.unwrap().into_iter().map(|h| h.id).collect();
        assert_eq!(listed, vec![recent]);
        assert_eq!(persons::count(&db, org).await.unwrap(), 1);
        let twin = persons::find(&db, org, recent).await.unwrap().unwrap().record;
        let similar: Vec<PersonId> = persons::similar(&db, org, &twin, Some(recent)).await.unwrap().into_iter().map(|s| s.person.id).collect();
        assert!(!similar.contains(&old), "not proposed as a duplicate");
        // The DPO answering a request about the person's data finds both.
        let all = persons::search_including_archived(&db, org, "Zoubeidi", 10).await.unwrap();
        assert_eq!(all.len(), 2);
    }

    async fn opening_takes_a_recorded_reason_and_lasts_a_day(db) {
        let db = db.migrated().await;
        let (org, worker, old, _) = setting(&db).await;
        let dpo = user(&db, org, "Dora").await;
        let now = noon(TODAY);
        assert!(!archive::may_show(&db, org, old, dpo, now).await.unwrap());
        let line = retention::list(&db, org, ListFilter::Processed, 10).await.unwrap().remove(0);
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(archive::archived_person(&mut tx, org, line.id).await.unwrap(), Some(old));
        let event = NewAuditEvent::new(AuditAction::ArchiveOpened, Some(org))
            .by(dpo)
            .on("person", old.as_uuid())
            .because("Réquisition judiciaire");
        audit::append(&mut tx, &event, now).await.unwrap();
        tx.commit().await.unwrap();
        assert!(archive::may_show(&db, org, old, dpo, now).await.unwrap());
        assert!(!archive::may_show(&db, org, old, worker, now).await.unwrap(), "for whoever opened it only");
        let later = Ts::from(now.get() + time::Duration::hours(archive::OPEN_HOURS + 1));
        assert!(!archive::may_show(&db, org, old, dpo, later).await.unwrap(), "for a day");
        // Still out of search for everyone.
        assert!(!found(&db, org).await.contains(&old));
    }

    async fn restoring_holds_the_line_and_anonymising_runs_once(db) {
        let db = db.migrated().await;
        let (org, worker, old, _) = setting(&db).await;
        let line = retention::list(&db, org, ListFilter::Processed, 10).await.unwrap().remove(0);
        let now = noon(TODAY);
        // A stale version changes nothing.
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(archive::restore(&mut tx, org, line.id, line.version - 1, worker, "retour", now).await.unwrap(), None);
        assert_eq!(archive::restore(&mut tx, org, line.id, line.version, worker, "La personne revient", now).await.unwrap(), Some(old));
        tx.commit().await.unwrap();
        assert!(!archive::is_archived(&db, org, old).await.unwrap());
        assert!(found(&db, org).await.contains(&old), "searchable again");
        let held = retention::find(&db, org, line.id).await.unwrap().unwrap();
        assert_eq!((held.decision(), held.reason.as_deref(), held.outcome), (Decision::Held, Some("La personne revient"), None));
        // The next run leaves a hold alone.
        let counts = retention::run_organisation(&db, org, "Europe/Paris", now, RunOptions::default()).await.unwrap();
        assert_eq!((counts.archived, counts.anonymised, counts.held), (0, 0, 1));

        // Archived again, then anonymised from the list.
        let mut tx = db.begin_write().await.unwrap();
        assert!(retention::decide(&mut tx, org, line.id, held.version, Decision::Approved, None, worker, now).await.unwrap());
        tx.commit().await.unwrap();
        let counts = retention::run_organisation(&db, org, "Europe/Paris", now, RunOptions::default()).await.unwrap();
        assert_eq!(counts.archived, 1);
        let line = retention::find(&db, org, line.id).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(archive::anonymise(&mut tx, org, line.id, line.version, now).await.unwrap());
        tx.commit().await.unwrap();
        let person = persons::find(&db, org, old).await.unwrap().unwrap();
        assert_eq!(person.record.birth_name, None);
        let mut tx = db.begin_write().await.unwrap();
        assert!(!archive::anonymise(&mut tx, org, line.id, line.version + 1, now).await.unwrap(), "once");
        tx.commit().await.unwrap();
        assert!(!archive::is_archived(&db, org, old).await.unwrap());
    }
}
