//! Cases and their timeline on both engines: opening with co-referents, status changes with
//! optimistic locking that leave entries on the timeline, notes filtered by confidentiality in
//! the query itself (so pages count only what the reader sees), keyset pages, corrections that
//! keep versions, tombstones, drafts that belong to a user, and the overview's fixed queries on
//! a case with no note and with 200.

use domain::accounts::{Email, Role};
use domain::cases::{CaseStatus, Confidentiality, EntryKind, NoteInput, TimelineGroup};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::policy::{ActiveMembership, Actor, case_access, note_visibility};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{self, DraftKey, NewCase, NoteRecord};
use store::{Db, Ts, accounts, organisations, persons, teams};
use testkit::engine_tests;
use time::macros::datetime;

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

struct World {
    org: OrganisationId,
    team: TeamId,
    referent: Actor,
    colleague: Actor,
    supervisor: Actor,
    other_team_worker: Actor,
    person: PersonId,
}

async fn user(
    db: &Db,
    org: OrganisationId,
    name: &str,
    role: Role,
    teams: &[(TeamId, bool)],
) -> Actor {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@case.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    let m = MembershipId::new();
    accounts::insert_membership(db, m, id, org, role, at(0)).await.unwrap();
    for (team, sup) in teams {
        accounts::add_membership_team(db, m, *team, *sup).await.unwrap();
    }
    Actor {
        user_id: id,
        instance_admin: false,
        membership: Some(ActiveMembership {
            organisation_id: org,
            role,
            teams: teams.iter().map(|(t, _)| *t).collect(),
            supervised_teams: teams.iter().filter(|(_, s)| *s).map(|(t, _)| *t).collect(),
        }),
    }
}

async fn world(db: &Db, slug: &str) -> World {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("case-org-{slug}")).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(db, &new, at(0)).await.unwrap().id;
    let mk_team = |name: &'static str| NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse(name).unwrap(),
    };
    let team = teams::insert(db, &mk_team("Insertion"), at(0)).await.unwrap().id;
    let other = teams::insert(db, &mk_team("Logement"), at(0)).await.unwrap().id;
    let person = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some("Dupont".into()),
        first_names: Some("Hélène".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, person, &rec, None, at(0)).await.unwrap();
    tx.commit().await.unwrap();
    World {
        org,
        team,
        referent: user(db, org, &format!("Referent{slug}"), Role::Worker, &[(other, false)]).await,
        colleague: user(db, org, &format!("Colleague{slug}"), Role::Worker, &[(team, false)]).await,
        supervisor: user(db, org, &format!("Supervisor{slug}"), Role::Supervisor, &[(team, true)])
            .await,
        other_team_worker: user(db, org, &format!("Other{slug}"), Role::Worker, &[(other, false)])
            .await,
        person,
    }
}

async fn open_case(db: &Db, w: &World, co: &[UserId]) -> CaseId {
    let id = CaseId::new();
    let mut tx = db.begin_write().await.unwrap();
    let new = NewCase {
        id,
        organisation_id: w.org,
        person_id: w.person,
        household_id: None,
        team_id: w.team,
        referent_id: w.referent.user_id,
        co_referents: co,
        reason: "Dettes de loyer",
        orientation_source: Some("social_landlord"),
        opened_by: w.referent.user_id,
    };
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn note(minute: i64, level: Confidentiality, body: &str) -> NoteRecord {
    NoteRecord {
        occurred_at: at(minute),
        duration_minutes: Some(30),
        place: Some("Domicile".into()),
        participants: None,
        note_type: "home_visit".into(),
        confidentiality: level,
        body: body.into(),
    }
}

async fn add(db: &Db, w: &World, case: CaseId, by: &Actor, n: &NoteRecord) -> domain::CaseEntryId {
    let mut tx = db.begin_write().await.unwrap();
    let id = cases::add_note(&mut tx, w.org, case, n, by.user_id, at(500)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The bodies of the notes of the first page `reader` sees.
async fn bodies(db: &Db, w: &World, case: CaseId, reader: &Actor) -> Vec<String> {
    let c = cases::find(db, w.org, case).await.unwrap().unwrap();
    let co = c.co_referent_ids();
    let access = case_access(reader, &c.facts(&co));
    let page = cases::timeline(db, w.org, case, note_visibility(reader, &access), None, None, 50)
        .await
        .unwrap();
    page.entries.into_iter().filter_map(|e| e.body).collect()
}

engine_tests! {
    async fn a_case_opens_with_its_referents_and_changes_status_without_lost_updates(db) {
        let db = db.migrated().await;
        let w = world(&db, "a").await;
        let id = open_case(&db, &w, &[w.colleague.user_id]).await;
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        assert_eq!(c.status(), CaseStatus::Open);
        assert_eq!(c.team_name, "Insertion");
        assert_eq!(c.referent_name.as_deref(), Some("Referenta"));
        assert_eq!(c.co_referent_ids(), vec![w.colleague.user_id]);
        assert_eq!(c.orientation_source.as_deref(), Some("social_landlord"));
        assert_eq!(c.version, 1);
        // Another organisation does not see it.
        let other = world(&db, "b").await;
        assert!(cases::find(&db, other.org, id).await.unwrap().is_none());
        assert!(cases::of_person(&db, other.org, w.person).await.unwrap().is_empty());

        // Close with a reason, from version 1; a second close from the same stale version
        // writes nothing.
        let by = w.referent.user_id;
        let mut tx = db.begin_write().await.unwrap();
        assert!(cases::change_status(&mut tx, w.org, id, 1, CaseStatus::Closed, Some("moved_away"), by, at(10)).await.unwrap());
        assert!(!cases::change_status(&mut tx, w.org, id, 1, CaseStatus::Paused, None, by, at(11)).await.unwrap());
        tx.commit().await.unwrap();
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        assert_eq!((c.status(), c.closure_reason.as_deref(), c.version), (CaseStatus::Closed, Some("moved_away"), 2));
        assert_eq!(c.closed_at, Some(at(10)));
        // Reopening clears the closure but the timeline keeps every change, newest first.
        let mut tx = db.begin_write().await.unwrap();
        assert!(cases::change_status(&mut tx, w.org, id, 2, CaseStatus::Open, None, by, at(20)).await.unwrap());
        tx.commit().await.unwrap();
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        assert_eq!((c.status(), c.closure_reason, c.closed_at), (CaseStatus::Open, None, None));
        let page = cases::timeline(&db, w.org, id, None, None, None, 20).await.unwrap();
        let statuses: Vec<_> = page.entries.iter().map(|e| (e.status(), e.closure_reason.clone())).collect();
        assert_eq!(statuses, vec![
            (Some(CaseStatus::Open), None),
            (Some(CaseStatus::Closed), Some("moved_away".into())),
            (Some(CaseStatus::Open), None),
        ]);
        // Several cases of a person, newest first.
        let second = open_case(&db, &w, &[]).await;
        let all = cases::of_person(&db, w.org, w.person).await.unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().any(|c| c.id == second && c.co_referents.is_empty()));
        assert!(all.iter().any(|c| c.id == id && c.co_referent_ids() == vec![w.colleague.user_id]));
        // The referent choices are the organisation's workers.
        let workers = cases::workers(&db, w.org).await.unwrap();
        assert_eq!(workers.len(), 3, "{workers:?}");
        assert!(!workers.iter().any(|(u, _)| *u == w.supervisor.user_id));
    }

    async fn confidential_notes_are_left_out_by_the_query_for_those_who_may_not_read_them(db) {
        let db = db.migrated().await;
        let w = world(&db, "c").await;
        let id = open_case(&db, &w, &[]).await;
        add(&db, &w, id, &w.colleague, &note(10, Confidentiality::Normal, "normal")).await;
        add(&db, &w, id, &w.colleague, &note(11, Confidentiality::Referents, "referents")).await;
        add(&db, &w, id, &w.colleague, &note(12, Confidentiality::Author, "private")).await;
        add(&db, &w, id, &w.referent, &note(13, Confidentiality::Author, "referent's private")).await;
        assert_eq!(bodies(&db, &w, id, &w.colleague).await, ["private", "referents", "normal"]);
        assert_eq!(bodies(&db, &w, id, &w.referent).await, ["referent's private", "referents", "normal"]);
        assert_eq!(bodies(&db, &w, id, &w.supervisor).await, ["normal"]);
        assert!(bodies(&db, &w, id, &w.other_team_worker).await.is_empty());
        // Metadata only (no visibility): status changes, no note.
        let page = cases::timeline(&db, w.org, id, None, None, None, 50).await.unwrap();
        assert!(page.entries.iter().all(|e| !e.is_note()));
        // Last contacts follow the same rule.
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        let access = case_access(&w.supervisor, &c.facts(&[]));
        let last = cases::last_contacts(&db, w.org, id, note_visibility(&w.supervisor, &access).unwrap(), 5).await.unwrap();
        assert_eq!(last.iter().map(|e| e.body.clone().unwrap()).collect::<Vec<_>>(), ["normal"]);
    }

    async fn corrections_keep_versions_and_deletion_leaves_a_tombstone(db) {
        let db = db.migrated().await;
        let w = world(&db, "d").await;
        let id = open_case(&db, &w, &[]).await;
        let entry = add(&db, &w, id, &w.colleague, &note(10, Confidentiality::Normal, "premier jet")).await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(cases::correct_note(&mut tx, w.org, entry, 1, &note(10, Confidentiality::Normal, "corrigé"), at(600)).await.unwrap());
        // A colleague's form from before the correction: refused, nothing written.
        assert!(!cases::correct_note(&mut tx, w.org, entry, 1, &note(10, Confidentiality::Normal, "écrasé"), at(601)).await.unwrap());
        tx.commit().await.unwrap();
        let e = cases::find_entry(&db, w.org, id, entry).await.unwrap().unwrap();
        assert_eq!((e.body.as_deref(), e.version, e.corrections), (Some("corrigé"), 2, 1));
        let versions = cases::note_versions(&db, entry).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!((versions[0].version, versions[0].body.as_deref()), (1, Some("premier jet")));
        assert_eq!(versions[0].replaced_at, at(600));
        // Not found through another case or organisation.
        let other = open_case(&db, &w, &[]).await;
        assert!(cases::find_entry(&db, w.org, other, entry).await.unwrap().is_none());

        let mut tx = db.begin_write().await.unwrap();
        assert!(!cases::delete_note(&mut tx, w.org, entry, 1, "doublon", w.colleague.user_id, at(700)).await.unwrap());
        assert!(cases::delete_note(&mut tx, w.org, entry, 2, "écrit dans le mauvais dossier", w.colleague.user_id, at(700)).await.unwrap());
        tx.commit().await.unwrap();
        let e = cases::find_entry(&db, w.org, id, entry).await.unwrap().unwrap();
        assert_eq!(e.body, None, "the text is gone");
        assert_eq!(e.deleted_at, Some(at(700)));
        assert_eq!(e.delete_reason.as_deref(), Some("écrit dans le mauvais dossier"));
        assert_eq!(e.deleted_by_name.as_deref(), Some("Colleagued"));
        assert!(cases::note_versions(&db, entry).await.unwrap().is_empty(), "earlier text gone too");
        // The tombstone stays on the timeline; it can be neither corrected nor deleted again.
        assert!(bodies(&db, &w, id, &w.colleague).await.is_empty());
        let page = cases::timeline(&db, w.org, id, None, None, None, 50).await.unwrap();
        assert_eq!(page.entries.len(), 1, "metadata readers see no note, not even a tombstone");
        let mut tx = db.begin_write().await.unwrap();
        assert!(!cases::correct_note(&mut tx, w.org, entry, 3, &note(10, Confidentiality::Normal, "x"), at(800)).await.unwrap());
        assert!(!cases::delete_note(&mut tx, w.org, entry, 3, "x", w.colleague.user_id, at(800)).await.unwrap());
        tx.commit().await.unwrap();
    }

    async fn the_timeline_pages_by_keyset_and_filters_by_type(db) {
        let db = db.migrated().await;
        let w = world(&db, "e").await;
        let id = open_case(&db, &w, &[]).await;
        // 45 notes, two at the same minute each time (the id breaks the tie), a third of them
        // phone calls.
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..45 {
            let mut n = note(100 + i / 2, Confidentiality::Normal, &format!("note {i}"));
            if i % 3 == 0 {
                n.note_type = "phone".into();
            }
            cases::add_note(&mut tx, w.org, id, &n, w.colleague.user_id, at(1000)).await.unwrap();
        }
        tx.commit().await.unwrap();
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        let access = case_access(&w.colleague, &c.facts(&[]));
        let vis = note_visibility(&w.colleague, &access);
        let mut seen = Vec::new();
        let mut before = None;
        let mut pages = 0;
        loop {
            let page = cases::timeline(&db, w.org, id, vis, None, before, 20).await.unwrap();
            pages += 1;
            seen.extend(page.entries.iter().map(|e| e.id));
            match page.older {
                Some(c) => before = Some(c),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 46, "45 notes and the opening, each once");
        let mut dedup = seen.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), 46);
        let first = cases::timeline(&db, w.org, id, vis, None, None, 20).await.unwrap();
        let times: Vec<Ts> = first.entries.iter().map(|e| e.occurred_at).collect();
        assert!(times.windows(2).all(|p| p[0] >= p[1]), "newest first");
        let phones = cases::timeline(&db, w.org, id, vis, Some(cases::TimelineFilter::NoteType("phone")), None, 50).await.unwrap();
        assert_eq!(phones.entries.len(), 15);
        assert!(phones.entries.iter().all(|e| e.note_type.as_deref() == Some("phone")));
        assert!(phones.older.is_none());
    }

    async fn events_of_other_features_are_content_but_referent_changes_are_metadata(db) {
        let db = db.migrated().await;
        let w = world(&db, "k").await;
        let id = open_case(&db, &w, &[]).await;
        let goal = uuid::Uuid::now_v7();
        let mut tx = db.begin_write().await.unwrap();
        for (minute, kind, detail, summary) in [
            (10, EntryKind::Goal, "added", Some("Retrouver un logement à moi")),
            (11, EntryKind::Victory, "added", Some("J'ai ouvert mon compte")),
            (12, EntryKind::Referents, "changed", None),
            (13, EntryKind::Assessment, "added", None),
        ] {
            let event = cases::NewEvent {
                organisation_id: w.org,
                case_id: id,
                kind,
                occurred_at: at(minute),
                author: Some(w.referent.user_id),
                subject_id: Some(goal),
                summary,
                detail,
            };
            cases::add_event(&mut tx, &event, at(minute)).await.unwrap();
        }
        tx.commit().await.unwrap();
        let c = cases::find(&db, w.org, id).await.unwrap().unwrap();
        let vis = note_visibility(&w.colleague, &case_access(&w.colleague, &c.facts(&[])));
        assert!(vis.is_some());
        let all = cases::timeline(&db, w.org, id, vis, None, None, 50).await.unwrap();
        let kinds: Vec<_> = all.entries.iter().map(|e| e.kind().unwrap()).collect();
        assert_eq!(
            kinds,
            [EntryKind::Assessment, EntryKind::Referents, EntryKind::Victory, EntryKind::Goal, EntryKind::Status]
        );
        let victory = &all.entries[2];
        assert_eq!(victory.summary.as_deref(), Some("J'ai ouvert mon compte"));
        assert_eq!((victory.detail.as_deref(), victory.subject_id), (Some("added"), Some(goal)));
        // A reader of metadata only sees the status and referent changes, no event's text.
        let metadata = cases::timeline(&db, w.org, id, None, None, None, 50).await.unwrap();
        let kinds: Vec<_> = metadata.entries.iter().map(|e| e.kind().unwrap()).collect();
        assert_eq!(kinds, [EntryKind::Referents, EntryKind::Status]);
        // A group keeps its kinds only, and a note-type filter keeps notes only.
        let plan = cases::TimelineFilter::Kinds(TimelineGroup::PlanChanges.kinds());
        let page = cases::timeline(&db, w.org, id, vis, Some(plan), None, 50).await.unwrap();
        assert_eq!(page.entries.iter().map(|e| e.kind().unwrap()).collect::<Vec<_>>(), [EntryKind::Goal]);
        let none = cases::TimelineFilter::Kinds(&[]);
        assert!(cases::timeline(&db, w.org, id, vis, Some(none), None, 50).await.unwrap().entries.is_empty());
        let notes = cases::TimelineFilter::NoteType("home_visit");
        assert!(cases::timeline(&db, w.org, id, vis, Some(notes), None, 50).await.unwrap().entries.is_empty());
        // The last contacts are notes only.
        assert!(cases::last_contacts(&db, w.org, id, vis.unwrap(), 5).await.unwrap().is_empty());
    }

    async fn rebuilding_the_timeline_table_keeps_notes_their_versions_and_drafts(db) {
        // Migration 0017 rebuilds `case_entries` on SQLite (a CHECK cannot change in place)
        // with foreign keys enforced: run its text again on a database holding a corrected
        // note and a draft of a correction, and nothing is lost or left dangling.
        let db = db.migrated().await;
        let w = world(&db, "m").await;
        let id = open_case(&db, &w, &[]).await;
        let entry = add(&db, &w, id, &w.colleague, &note(3, Confidentiality::Referents, "premier")).await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(cases::correct_note(&mut tx, w.org, entry, 1, &note(3, Confidentiality::Referents, "corrigé"), at(600)).await.unwrap());
        tx.commit().await.unwrap();
        let edit = DraftKey { case_id: id, entry_id: Some(entry) };
        let typed = NoteInput { body: "en cours".into(), ..Default::default() };
        cases::save_draft(&db, w.org, w.colleague.user_id, edit, &typed, at(7)).await.unwrap();
        let before = cases::find_entry(&db, w.org, id, entry).await.unwrap().unwrap();

        // On both engines the kinds are checked by the database: an unknown one is refused.
        let bogus = "UPDATE case_entries SET kind = 'bogus' WHERE case_id = $1";
        let refused = match &db {
            store::Db::Sqlite(p) => sqlx::query(bogus).bind(id.as_uuid()).execute(p).await.is_err(),
            store::Db::Postgres(p) => sqlx::query(bogus).bind(id.as_uuid()).execute(p).await.is_err(),
        };
        assert!(refused, "the kind's CHECK must refuse an unknown kind");
        let store::Db::Sqlite(pool) = &db else {
            return; // PostgreSQL changes the CHECK in place: no rebuild to check.
        };
        let mut conn = pool.begin().await.unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(fk, 1, "the rebuild must hold with foreign keys enforced");
        sqlx::raw_sql(include_str!("../migrations/sqlite/0017_case_timeline_kinds.sql"))
            .execute(&mut *conn)
            .await
            .unwrap();
        let dangling: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut *conn).await.unwrap();
        assert!(dangling.is_empty(), "{dangling:?}");
        conn.commit().await.unwrap();

        let after = cases::find_entry(&db, w.org, id, entry).await.unwrap().unwrap();
        assert_eq!(after, before);
        assert_eq!(after.corrections, 1);
        let versions = cases::note_versions(&db, entry).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].body.as_deref(), Some("premier"));
        let d = cases::find_draft(&db, w.org, w.colleague.user_id, edit).await.unwrap().unwrap();
        assert_eq!(d.input.body, "en cours");
        let mine = cases::drafts_of(&db, w.org, w.colleague.user_id).await.unwrap();
        assert_eq!(mine[0].entry_id, Some(entry.as_uuid()));
    }

    async fn drafts_belong_to_their_user_and_form(db) {
        let db = db.migrated().await;
        let w = world(&db, "f").await;
        let id = open_case(&db, &w, &[]).await;
        let key = DraftKey { case_id: id, entry_id: None };
        let typed = NoteInput { body: "Visite : la dette baisse".into(), date: "2026-03-01".into(), ..Default::default() };
        cases::save_draft(&db, w.org, w.colleague.user_id, key, &typed, at(5)).await.unwrap();
        let again = NoteInput { body: "Visite : la dette baisse, et".into(), ..typed.clone() };
        cases::save_draft(&db, w.org, w.colleague.user_id, key, &again, at(6)).await.unwrap();
        let d = cases::find_draft(&db, w.org, w.colleague.user_id, key).await.unwrap().unwrap();
        assert_eq!((d.input, d.updated_at), (again, at(6)), "one draft per form, the latest");
        assert!(cases::find_draft(&db, w.org, w.referent.user_id, key).await.unwrap().is_none());
        let entry = add(&db, &w, id, &w.colleague, &note(3, Confidentiality::Normal, "x")).await;
        let edit = DraftKey { case_id: id, entry_id: Some(entry) };
        assert!(cases::find_draft(&db, w.org, w.colleague.user_id, edit).await.unwrap().is_none());
        cases::save_draft(&db, w.org, w.colleague.user_id, edit, &typed, at(7)).await.unwrap();
        let mine = cases::drafts_of(&db, w.org, w.colleague.user_id).await.unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].entry_id, Some(entry.as_uuid()), "latest first");
        assert_eq!(mine[1].birth_name.as_deref(), Some("Dupont"));
        cases::delete_draft(&db, w.colleague.user_id, key).await.unwrap();
        assert!(cases::find_draft(&db, w.org, w.colleague.user_id, key).await.unwrap().is_none());
        assert_eq!(cases::drafts_of(&db, w.org, w.colleague.user_id).await.unwrap().len(), 1);
    }
}

engine_tests! {
    async fn the_demo_follows_a_few_persons_with_a_history_once(db) {
        let db = db.migrated().await;
        let params = domain::passwords::HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
        store::demo::seed(&db, store::demo::DEFAULT_SEED, params).await.unwrap();
        let ccas = organisations::find_by_slug(&db, "ccas-valbourg").await.unwrap().unwrap().id;
        let relais = organisations::find_by_slug(&db, "le-relais").await.unwrap().unwrap().id;
        assert_eq!(cases::count(&db, ccas).await.unwrap(), 8);
        assert_eq!(cases::count(&db, relais).await.unwrap(), 4);
        // Seeding again adds nothing.
        store::demo::seed(&db, store::demo::DEFAULT_SEED, params).await.unwrap();
        assert_eq!(cases::count(&db, ccas).await.unwrap(), 8);
        // Each case has notes, and the second one was paused after them.
        let karim = accounts::find_user_by_email(&db, "karim.benali@valbourg.example").await.unwrap().unwrap().id;
        let population = store::demo::households(store::demo::DEFAULT_SEED);
        let mut paused = 0;
        for household in population[0].iter().take(8) {
            let all = cases::of_person(&db, ccas, household.members[0].person_id).await.unwrap();
            assert_eq!(all.len(), 1);
            let c = &all[0];
            assert_eq!(c.referent(), Some(karim));
            let vis = domain::policy::NoteVisibility { viewer: karim, referents_level: true };
            let page = cases::timeline(&db, ccas, c.id, Some(vis), None, None, 50).await.unwrap();
            assert!(page.entries.iter().filter(|e| e.is_note()).count() >= 3, "{}", c.reason);
            paused += usize::from(c.status() == CaseStatus::Paused);
        }
        assert_eq!(paused, 1);
    }
}

engine_tests! {
    async fn an_emergency_grant_runs_for_a_day_and_only_for_its_user_and_case(db) {
        use store::case_emergency::{self, NewGrant};
        let db = db.migrated().await;
        let w = world(&db, "glass").await;
        let case = open_case(&db, &w, &[]).await;
        let other_case = open_case(&db, &w, &[]).await;
        let me = w.other_team_worker.user_id;
        let new = NewGrant {
            organisation_id: w.org,
            case_id: case,
            user_id: me,
            reason: "Appel du 115 : mise à l'abri",
        };
        // Rolled back: nothing.
        let mut tx = db.begin_write().await.unwrap();
        case_emergency::grant(&mut tx, &new, at(10)).await.unwrap();
        drop(tx);
        assert_eq!(case_emergency::active(&db, w.org, case, me, at(11)).await.unwrap(), None);
        // Committed: from now to 24 hours later, for this user and case only.
        let mut tx = db.begin_write().await.unwrap();
        let grant = case_emergency::grant(&mut tx, &new, at(10)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(grant.expires_at, at(10 + 24 * 60));
        let found = case_emergency::active(&db, w.org, case, me, at(11)).await.unwrap();
        assert_eq!(found.as_ref().map(|g| g.reason.as_str()), Some("Appel du 115 : mise à l'abri"));
        assert_eq!(found.map(|g| g.id), Some(grant.id));
        let near_end = at(10 + 24 * 60 - 1);
        assert!(case_emergency::active(&db, w.org, case, me, near_end).await.unwrap().is_some());
        let at_end = at(10 + 24 * 60);
        assert_eq!(case_emergency::active(&db, w.org, case, me, at_end).await.unwrap(), None);
        let colleague = w.colleague.user_id;
        assert_eq!(case_emergency::active(&db, w.org, case, colleague, at(11)).await.unwrap(), None);
        assert_eq!(case_emergency::active(&db, w.org, other_case, me, at(11)).await.unwrap(), None);
        let elsewhere = OrganisationId::new();
        assert_eq!(case_emergency::active(&db, elsewhere, case, me, at(11)).await.unwrap(), None);
    }
}
