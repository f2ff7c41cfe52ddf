//! Retention on both engines (issue 12 acceptance, ADR 0034): generated persons around each
//! boundary (due minus a day, due, due plus a day; the end of the grace days; open and closed
//! cases; minors; legal holds). After a run: nobody anonymised early, nobody overdue left; a
//! second run changes nothing; a run that fails midway leaves each person fully processed or
//! untouched; every file is either still referenced or recorded for deletion (no orphan).
//! `PASSERELLE_RETENTION_CASES` sets how many persons the boundary test generates (5 000, the
//! issue's number).

use std::collections::{BTreeMap, BTreeSet};

use domain::cases::CaseStatus;
use domain::retention::{
    AfterDue, ArchivesAnswer, ArchivesStep, Decision, RetentionSettings, add_months,
};
use domain::{CaseId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{self, NewCase, NoteRecord};
use store::documents::{self, NewDocument};
use store::retention::{self, ListFilter, RunOptions, anonymise::TOMBSTONE};
use store::{Db, Ts, persons};
use testkit::engine_tests;
use time::Date;
use time::macros::date;
use uuid::Uuid;

mod support;

use support::{organisation, user};

/// The day of the run.
const TODAY: Date = date!(2026 - 11 - 26);
const GRACE: u16 = 5;
/// Due dates relative to the run: past the grace days, at its end, the day before, then the
/// due boundary itself (due minus a day, due, due plus a day).
const OFFSETS: [i64; 6] = [-6, -5, -4, -1, 0, 1];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    OpenCase,
    Adult,
    Minor,
    Held,
}
const VARIANTS: [Variant; 4] = [Variant::OpenCase, Variant::Adult, Variant::Minor, Variant::Held];

fn noon(day: Date) -> Ts {
    Ts::from(day.with_hms(12, 0, 0).unwrap().assume_utc())
}

fn cases_wanted() -> usize {
    std::env::var("PASSERELLE_RETENTION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000)
}

struct Generated {
    person: PersonId,
    variant: Variant,
    offset: i64,
    object: String,
}

/// A person whose last contact was `last` (a case opened a month before, a note the day
/// before, closed on `last` unless `open`), with one document.
#[allow(clippy::too_many_arguments)]
async fn followed(
    db: &Db,
    org: OrganisationId,
    team: TeamId,
    worker: UserId,
    name: &str,
    birth: Date,
    last: Date,
    open: bool,
) -> (PersonId, String) {
    let id = PersonId::new();
    let start = noon(last - time::Duration::days(30));
    let rec = domain::persons::PersonRecord {
        birth_name: Some(name.into()),
        first_names: Some("Amel".into()),
        birth_date: Some(birth),
        email: Some(format!("{}@canary.example", name.to_lowercase())),
        own_words: Some(format!("words of {name}")),
        ..Default::default()
    };
    let case_id = CaseId::new();
    let object = format!("obj-{}", id.as_uuid());
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
    let note = NoteRecord {
        occurred_at: noon(last - time::Duration::days(1)),
        duration_minutes: Some(30),
        place: Some(format!("home of {name}")),
        participants: None,
        note_type: "interview".into(),
        confidentiality: domain::cases::Confidentiality::Normal,
        body: format!("secret note about {name}"),
    };
    cases::add_note(&mut tx, org, case_id, &note, worker, noon(last - time::Duration::days(1)))
        .await
        .unwrap();
    if open {
        // Still followed: the last note is the contact.
        cases::add_note(&mut tx, org, case_id, &note, worker, noon(last)).await.unwrap();
    } else {
        assert!(
            cases::change_status(
                &mut tx,
                org,
                case_id,
                1,
                CaseStatus::Closed,
                None,
                worker,
                noon(last)
            )
            .await
            .unwrap()
        );
    }
    let doc = NewDocument {
        id: Uuid::now_v7(),
        organisation_id: org,
        person_id: id,
        case_id: Some(case_id),
        type_code: "identity",
        file_name: &format!("passport-{name}.pdf"),
        file_type: "application/pdf",
        size_bytes: 10,
        object_name: &object,
        key_id: "k1",
        expires_on: None,
        confidential: false,
        uploaded_by: worker,
    };
    documents::insert(&mut tx, &doc, "identity", noon(last - time::Duration::days(2)))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (id, object)
}

async fn set(db: &Db, org: OrganisationId, by: UserId, s: RetentionSettings) {
    let mut tx = db.begin_write().await.unwrap();
    let (_, version) = retention::settings(&mut tx, org).await.unwrap();
    assert!(
        retention::save_settings(&mut tx, org, &s, version, None, by, noon(TODAY)).await.unwrap()
    );
    tx.commit().await.unwrap();
}

async fn anonymised(db: &Db, org: OrganisationId, p: PersonId) -> bool {
    let person = persons::find(db, org, p).await.unwrap().unwrap();
    let gone = person.record.birth_name.is_none() && person.record.email.is_none();
    let docs = documents::of_person(db, org, p).await.unwrap();
    let files_gone =
        docs.iter().all(|d| d.object_name.starts_with(TOMBSTONE) && d.file_name.is_empty());
    // Fully processed or untouched, never half.
    assert_eq!(gone, files_gone, "person {p:?}: record and files disagree");
    if !gone {
        assert!(person.record.birth_name.as_deref().is_some_and(|n| n.starts_with('P')));
        assert!(person.record.own_words.is_some());
    }
    gone
}

async fn pending_files(db: &Db) -> BTreeSet<String> {
    retention::pending_file_deletions(db, 1_000_000).await.unwrap().into_iter().collect()
}

/// Every original object is referenced by a document or recorded for deletion, never neither.
async fn no_orphan(db: &Db, org: OrganisationId, generated: &[Generated]) {
    let pending = pending_files(db).await;
    for g in generated {
        let docs = documents::of_person(db, org, g.person).await.unwrap();
        let referenced = docs.iter().any(|d| d.object_name == g.object);
        assert!(referenced != pending.contains(&g.object), "{}: referenced {referenced}", g.object);
    }
}

fn settings() -> RetentionSettings {
    RetentionSettings { grace_days: GRACE, ..RetentionSettings::default() }
}

engine_tests! {
    async fn generated_cases_around_each_boundary_run_neither_early_nor_late_and_a_second_run_changes_nothing(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, settings()).await;
        let n = cases_wanted();
        let started = std::time::Instant::now();
        let mut generated = Vec::with_capacity(n);
        for i in 0..n {
            let variant = VARIANTS[i % VARIANTS.len()];
            let offset = OFFSETS[(i / VARIANTS.len()) % OFFSETS.len()];
            let due = TODAY + time::Duration::days(offset);
            let last = add_months(due, -24);
            // A minor at the last contact: sixteen then.
            let birth = if variant == Variant::Minor { add_months(last, -16 * 12) } else { date!(1980 - 05 - 01) };
            let (person, object) = followed(&db, org, team, worker, &format!("P{i}"), birth, last, variant == Variant::OpenCase).await;
            generated.push(Generated { person, variant, offset, object });
        }
        let setup = started.elapsed();

        // Three days before: the lines already due are listed, none runs (grace); the legal
        // holds are set on them.
        let early = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY - time::Duration::days(3)), RunOptions::default()).await.unwrap();
        assert_eq!(early.anonymised, 0);
        let listed: BTreeMap<PersonId, retention::Review> = retention::list(&db, org, ListFilter::Open, 1_000_000).await.unwrap().into_iter().map(|r| (r.person_id, r)).collect();
        let mut held = BTreeSet::new();
        for g in generated.iter().filter(|g| g.variant == Variant::Held) {
            if let Some(r) = listed.get(&g.person) {
                let mut tx = db.begin_write().await.unwrap();
                assert!(retention::decide(&mut tx, org, r.id, r.version, Decision::Held, Some("litige en cours"), worker, noon(TODAY - time::Duration::days(3))).await.unwrap());
                tx.commit().await.unwrap();
                held.insert(g.person);
            }
        }
        assert!(!held.is_empty() || n < 24);

        let run_started = std::time::Instant::now();
        let counts = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap();
        let run = run_started.elapsed();
        let mut expected_anonymised = 0;
        let mut expected_open = BTreeSet::new();
        for g in &generated {
            let due_passed = g.offset <= 0;
            let runs = g.variant == Variant::Adult && g.offset <= -(GRACE as i64);
            let is = anonymised(&db, org, g.person).await;
            assert_eq!(is, runs, "{:?} due {:+} days: anonymised {is}", g.variant, g.offset);
            if runs {
                expected_anonymised += 1;
            } else if due_passed && g.variant != Variant::OpenCase {
                expected_open.insert(g.person);
            }
        }
        assert_eq!(counts.anonymised, expected_anonymised);
        assert_eq!(counts.held as usize, held.len());
        let open: BTreeSet<PersonId> = retention::list(&db, org, ListFilter::Open, 1_000_000).await.unwrap().into_iter().map(|r| r.person_id).collect();
        assert_eq!(open, expected_open, "the list holds exactly the files due and not run");
        no_orphan(&db, org, &generated).await;
        assert_eq!(pending_files(&db).await.len() as u64, expected_anonymised);

        // A second run on the same day changes nothing.
        let before = (
            retention::list(&db, org, ListFilter::Open, 1_000_000).await.unwrap(),
            retention::list(&db, org, ListFilter::Processed, 1_000_000).await.unwrap(),
        );
        let again = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap();
        assert_eq!((again.anonymised, again.archived, again.listed), (0, 0, 0));
        let after = (
            retention::list(&db, org, ListFilter::Open, 1_000_000).await.unwrap(),
            retention::list(&db, org, ListFilter::Processed, 1_000_000).await.unwrap(),
        );
        assert_eq!(before, after);
        eprintln!("retention boundary: {n} persons, set up in {setup:?}, run in {run:?}");
    }

    async fn a_run_that_fails_midway_leaves_each_person_fully_processed_or_untouched(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, RetentionSettings { grace_days: 0, ..settings() }).await;
        let mut generated = Vec::new();
        for i in 0..6 {
            let (person, object) = followed(&db, org, team, worker, &format!("P{i}"), date!(1980 - 05 - 01), date!(2024 - 01 - 10), false).await;
            generated.push(Generated { person, variant: Variant::Adult, offset: -300, object });
        }
        let options = RunOptions { dry_run: false, fail_after: Some(2) };
        assert!(retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), options).await.is_err());
        let mut done = 0;
        for g in &generated {
            if anonymised(&db, org, g.person).await {
                done += 1;
            }
        }
        assert_eq!(done, 2, "two persons processed, the third rolled back whole");
        no_orphan(&db, org, &generated).await;
        let processed = retention::list(&db, org, ListFilter::Processed, 100).await.unwrap();
        assert_eq!(processed.len(), 2, "the failed person's line did not record an outcome");

        // The next run carries on.
        let counts = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap();
        assert_eq!(counts.anonymised, 4);
        for g in &generated {
            assert!(anonymised(&db, org, g.person).await);
        }
        no_orphan(&db, org, &generated).await;
        assert_eq!(pending_files(&db).await.len(), 6);
    }

    async fn a_dry_run_counts_what_a_run_would_do_and_changes_nothing(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, RetentionSettings { grace_days: 0, after_due: AfterDue::Anonymise, ..settings() }).await;
        let (due, _) = followed(&db, org, team, worker, "Pdue", date!(1980 - 05 - 01), date!(2024 - 01 - 10), false).await;
        let (kept, _) = followed(&db, org, team, worker, "Pkept", date!(1980 - 05 - 01), date!(2026 - 01 - 10), false).await;
        let dry = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions { dry_run: true, fail_after: None }).await.unwrap();
        assert_eq!((dry.due, dry.listed, dry.anonymised), (1, 1, 1));
        assert!(!anonymised(&db, org, due).await);
        assert!(retention::list(&db, org, ListFilter::Open, 10).await.unwrap().is_empty(), "nothing listed");
        assert!(pending_files(&db).await.is_empty());
        let real = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap();
        assert_eq!(real, dry, "the dry run said what the run did");
        assert!(anonymised(&db, org, due).await);
        assert!(!anonymised(&db, org, kept).await);
    }

    async fn archiving_keeps_the_file_whole_and_records_the_outcome(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, RetentionSettings { grace_days: 0, after_due: AfterDue::Archive, ..settings() }).await;
        let (p, _) = followed(&db, org, team, worker, "Parch", date!(1980 - 05 - 01), date!(2024 - 01 - 10), false).await;
        let counts = retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap();
        assert_eq!((counts.archived, counts.anonymised), (1, 0));
        assert!(!anonymised(&db, org, p).await);
        let processed = retention::list(&db, org, ListFilter::Processed, 10).await.unwrap();
        assert_eq!(processed[0].outcome.as_deref(), Some("archived"));
        assert!(pending_files(&db).await.is_empty());
    }

    async fn a_contact_late_in_the_evening_counts_for_the_organisations_day(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, RetentionSettings { grace_days: 0, ..settings() }).await;
        // Closed on 25/11/2024 at 23:30 UTC: already the 26th in Paris, so due on 26/11/2026
        // in Paris, and still on the 25th in UTC.
        let (p, _) = followed(&db, org, team, worker, "Plate", date!(1980 - 05 - 01), date!(2024 - 11 - 25), false).await;
        let late = Ts::from(date!(2024 - 11 - 25).with_hms(23, 30, 0).unwrap().assume_utc());
        let case_id = cases::of_person(&db, org, p).await.unwrap()[0].id;
        let mut tx = db.begin_write().await.unwrap();
        let note = NoteRecord {
            occurred_at: late,
            duration_minutes: None,
            place: None,
            participants: None,
            note_type: "phone".into(),
            confidentiality: domain::cases::Confidentiality::Normal,
            body: "call".into(),
        };
        cases::add_note(&mut tx, org, case_id, &note, worker, late).await.unwrap();
        tx.commit().await.unwrap();
        let eve = Ts::from(date!(2026 - 11 - 25).with_hms(22, 0, 0).unwrap().assume_utc());
        // 22:00 UTC on the 25th is 23:00 in Paris: the day before the due date.
        let c = retention::run_organisation(&db, org, "Europe/Paris", eve, RunOptions::default()).await.unwrap();
        assert_eq!((c.due, c.anonymised), (0, 0));
        let c = retention::run_organisation(&db, org, "UTC", eve, RunOptions::default()).await.unwrap();
        assert_eq!(c.anonymised, 1, "in UTC the contact was on the 25th: due on the 25th");
    }

    async fn a_minors_file_runs_only_after_the_archives_answer_which_a_later_contact_forgets(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Rita").await;
        set(&db, org, worker, RetentionSettings { grace_days: 0, ..settings() }).await;
        // Fifteen at the last contact, in January 2024: due since January 2026.
        let (p, _) = followed(&db, org, team, worker, "Pmineure", date!(2008 - 06 - 01), date!(2024 - 01 - 10), false).await;
        let run = |db: Db| async move { retention::run_organisation(&db, org, "Europe/Paris", noon(TODAY), RunOptions::default()).await.unwrap() };
        let c = run(db.clone()).await;
        assert_eq!((c.listed, c.anonymised, c.waiting), (1, 0, 1));
        let line = retention::list(&db, org, ListFilter::Open, 10).await.unwrap().remove(0);
        assert!(line.minor && line.waits_for_archives());
        // An approval stored without the archives' answer (as before ADR 0042) does not run.
        let mut tx = db.begin_write().await.unwrap();
        assert!(retention::decide(&mut tx, org, line.id, line.version, Decision::Approved, None, worker, noon(TODAY)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(run(db.clone()).await.anonymised, 0);
        assert!(!anonymised(&db, org, p).await);

        // The answer is recorded only on a minor's line not yet run, from its current version.
        let line = retention::find(&db, org, line.id).await.unwrap().unwrap();
        let answer = ArchivesAnswer { step: ArchivesStep::EliminationAuthorised, reference: "Visa 2026-88".into(), on: TODAY };
        let mut tx = db.begin_write().await.unwrap();
        assert!(!retention::record_archives(&mut tx, org, line.id, line.version - 1, &answer, worker, noon(TODAY)).await.unwrap(), "stale");
        assert!(retention::record_archives(&mut tx, org, line.id, line.version, &answer, worker, noon(TODAY)).await.unwrap());
        tx.commit().await.unwrap();
        let line = retention::find(&db, org, line.id).await.unwrap().unwrap();
        assert_eq!((line.archives_step(), line.archives_on), (Some(ArchivesStep::EliminationAuthorised), Some(TODAY)));

        // A contact found later (a note of 20 January 2024) moves the due date: the decision and
        // the archives' answer were on another file, both go.
        let case_id = cases::of_person(&db, org, p).await.unwrap()[0].id;
        let later = noon(date!(2024 - 01 - 20));
        let note = NoteRecord { occurred_at: later, duration_minutes: None, place: None, participants: None, note_type: "phone".into(), confidentiality: domain::cases::Confidentiality::Normal, body: "appel".into() };
        let mut tx = db.begin_write().await.unwrap();
        cases::add_note(&mut tx, org, case_id, &note, worker, later).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(run(db.clone()).await.anonymised, 0);
        let moved = retention::find(&db, org, line.id).await.unwrap().unwrap();
        assert_eq!(moved.due_on, date!(2026 - 01 - 20));
        assert_eq!((moved.decision(), moved.archives_step(), moved.archives_reference.as_deref()), (Decision::Pending, None, None));

        // Answered again and approved: it runs; the typed reference goes, the answer stays.
        let mut tx = db.begin_write().await.unwrap();
        assert!(retention::record_archives(&mut tx, org, moved.id, moved.version, &answer, worker, noon(TODAY)).await.unwrap());
        assert!(retention::decide(&mut tx, org, moved.id, moved.version + 1, Decision::Approved, None, worker, noon(TODAY)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(run(db.clone()).await.anonymised, 1);
        assert!(anonymised(&db, org, p).await);
        let done = retention::find(&db, org, moved.id).await.unwrap().unwrap();
        assert_eq!((done.archives_step(), done.archives_reference), (Some(ArchivesStep::EliminationAuthorised), None));

        // An adult's line takes no archives' answer.
        let (_, _) = followed(&db, org, team, worker, "Padulte", date!(1980 - 05 - 01), date!(2024 - 01 - 10), false).await;
        set(&db, org, worker, RetentionSettings { grace_days: 365, ..settings() }).await;
        run(db.clone()).await;
        let adult = retention::list(&db, org, ListFilter::Open, 10).await.unwrap().remove(0);
        assert!(!adult.minor && !adult.waits_for_archives());
        let mut tx = db.begin_write().await.unwrap();
        assert!(!retention::record_archives(&mut tx, org, adult.id, adult.version, &answer, worker, noon(TODAY)).await.unwrap());
    }
}
