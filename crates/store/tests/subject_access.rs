//! Data-subject requests and the subject access export on both engines: requests logged,
//! extended once, answered, released, their exports logged, never across organisations; the
//! export's query of every planned table runs; a person's file is gathered with their own data,
//! their household told without the other member, the names around them kept for the review
//! only, and who accessed the file.

use domain::audit::AuditAction;
use domain::cases::Confidentiality;
use domain::ecomap::{Strength, Tie, TieKind};
use domain::subject_access::{Kind, Status};
use store::audit::NewAuditEvent;
use store::cases::NoteRecord;
use store::subject_access::{self, export};
use store::{ecomap, households};
use testkit::engine_tests;
use time::macros::date;

mod support;

use support::{at, open, organisation, person, user};

engine_tests! {
    async fn requests_are_logged_extended_once_answered_and_released_within_their_organisation(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "a").await;
        let (other, _) = organisation(&db, "b").await;
        let dora = user(&db, org, "Dora").await;
        let p = person(&db, org, "Diallo").await;
        let q = person(&db, org, "Martin").await;
        let first = subject_access::create(&db, org, p, Kind::Access, date!(2026 - 10 - 01), dora, at(0)).await.unwrap();
        let second = subject_access::create(&db, org, q, Kind::Erasure, date!(2026 - 11 - 20), dora, at(1)).await.unwrap();

        // Open ones first, the oldest first.
        let list = subject_access::list(&db, org).await.unwrap();
        assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first, second]);
        assert_eq!(list[0].person_name(), "Diallo Amel");
        assert_eq!(list[0].deadline(), date!(2026 - 11 - 01));
        assert!(subject_access::list(&db, other).await.unwrap().is_empty());
        assert!(subject_access::find(&db, other, first).await.unwrap().is_none());

        // Extended once, with a stale version refused.
        assert!(!subject_access::extend(&db, org, first, 2, "Volume", at(2)).await.unwrap());
        assert!(!subject_access::extend(&db, other, first, 1, "Volume", at(2)).await.unwrap());
        assert!(subject_access::extend(&db, org, first, 1, "Volume", at(2)).await.unwrap());
        assert!(!subject_access::extend(&db, org, first, 2, "Again", at(3)).await.unwrap(), "once");
        let r = subject_access::find(&db, org, first).await.unwrap().unwrap();
        assert_eq!((r.deadline(), r.extension_reason.as_deref()), (date!(2027 - 01 - 01), Some("Volume")));

        // Released, answered; an answered request moves no more and goes after the open ones.
        assert!(subject_access::release(&db, org, first, 2, dora, at(4)).await.unwrap());
        assert!(!subject_access::release(&db, org, first, 3, dora, at(4)).await.unwrap(), "released once");
        assert!(subject_access::answer(&db, org, first, 3, Status::Answered, date!(2026 - 12 - 01), None, dora, at(5)).await.unwrap());
        assert!(!subject_access::answer(&db, org, first, 4, Status::Refused, date!(2026 - 12 - 01), Some("x"), dora, at(6)).await.unwrap());
        let r = subject_access::find(&db, org, first).await.unwrap().unwrap();
        assert_eq!(r.status(), Status::Answered);
        assert_eq!(r.handled_by_name.as_deref(), Some("Dora"));
        assert_eq!(r.released_by_name.as_deref(), Some("Dora"));
        assert_eq!(r.released_at, Some(at(4)));
        let list = subject_access::list(&db, org).await.unwrap();
        assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second, first]);

        // Exports logged on their request.
        subject_access::log_export(&db, org, first, "json", dora, at(7)).await.unwrap();
        subject_access::log_export(&db, org, first, "pdf", dora, at(8)).await.unwrap();
        let made = subject_access::exports_of(&db, org, first).await.unwrap();
        assert_eq!(made.iter().map(|x| x.format.as_str()).collect::<Vec<_>>(), ["json", "pdf"]);
        assert_eq!(made[0].made_by_name.as_deref(), Some("Dora"));
        assert!(subject_access::exports_of(&db, other, first).await.unwrap().is_empty());
    }

    async fn a_person_s_file_is_gathered_with_their_data_and_without_the_other_member_s(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other, _) = organisation(&db, "b").await;
        let rita = user(&db, org, "Rita").await;
        let p = person(&db, org, "Diallo").await;
        let member = person(&db, org, "Canarymembre").await;
        let mut tx = db.begin_write().await.unwrap();
        let h = households::create(&mut tx, org, p, None, Some(rita), at(0)).await.unwrap();
        households::add_member(&mut tx, h, member, "minor_child", None, at(0)).await.unwrap();
        tx.commit().await.unwrap();
        let case = open(&db, org, p, team, rita).await;
        let mut tx = db.begin_write().await.unwrap();
        let note = NoteRecord {
            occurred_at: at(3),
            duration_minutes: Some(30),
            place: None,
            participants: None,
            note_type: "phone".into(),
            confidentiality: Confidentiality::Normal,
            body: "Entretien avec canarymembre et sa mère".into(),
        };
        store::cases::add_note(&mut tx, org, case, &note, rita, at(3)).await.unwrap();
        let tie = Tie { kind: TieKind::Neighbour, label: "Mme Voisinedupalier".into(), strength: Strength::Strong, note: None };
        ecomap::add(&mut tx, org, case, &tie, rita, at(4)).await.unwrap();
        tx.commit().await.unwrap();
        let read = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org)).by(rita).on("person", p.as_uuid());
        store::audit::append_now(&db, &read).await.unwrap();
        let case_read = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org)).by(rita).on("case", case.as_uuid());
        store::audit::append_now(&db, &case_read).await.unwrap();
        let member_read = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org)).by(rita).on("person", member.as_uuid());
        store::audit::append_now(&db, &member_read).await.unwrap();

        assert!(export::gather(&db, other, p).await.unwrap().is_none(), "another organisation's person");
        let g = export::gather(&db, org, p).await.unwrap().unwrap();
        // Every planned table was read (its query runs on this engine).
        let planned = domain::subject_access::PLAN
            .iter()
            .filter(|(_, plan)| matches!(plan, domain::subject_access::Plan::Export(_)))
            .count();
        assert_eq!(g.tables.len(), planned);
        let rows = |t: &str| &g.tables.iter().find(|x| x.table == t).unwrap().rows;
        assert_eq!(rows("persons").len(), 1);
        assert_eq!(rows("cases").len(), 1);
        assert_eq!(rows("case_entries").len(), 2, "the opening and the note");
        assert_eq!(rows("case_ties").len(), 1);
        assert_eq!(rows("household_members").len(), 1, "the person's own membership only");
        assert_eq!(rows("households").len(), 1);
        let all: Vec<&str> = g.tables.iter().flat_map(|t| t.rows.iter()).flat_map(|r| r.values.iter().flatten()).map(String::as_str).collect();
        assert!(all.contains(&"Diallo"));
        assert!(all.iter().any(|v| v.contains("canarymembre")), "the note is the person's, names and all");
        assert!(!all.contains(&"Canarymembre"), "the member's record is not exported");
        assert!(!all.contains(&"minor_child"), "nor the member's membership");
        // The household, as a count and relationships.
        assert_eq!(g.households.len(), 1);
        assert_eq!(g.households[0].members, 2);
        assert_eq!(g.households[0].own_relationship.as_deref(), Some("self"));
        assert_eq!(g.households[0].others_relationships, ["minor_child"]);
        // The names around, for the review only.
        assert!(g.others_names.iter().any(|n| n == "Canarymembre"));
        assert!(g.others_names.iter().any(|n| n == "Mme Voisinedupalier"));
        assert!(g.own_names.iter().any(|n| n == "Diallo"));
        // Who accessed the file: the person and their case, not the member.
        assert_eq!(g.access.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["person_file_read", "case_file_read"]);
        assert_eq!(g.access[0].actor_name.as_deref(), Some("Rita"));
    }
}
