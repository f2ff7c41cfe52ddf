//! Documents on both engines: recorded with a `document` event on their case's timeline (none
//! for a person's own document), listed per person and per case, newest first, never across
//! organisations; the documents expiring soon with the referent to remind (the document's case,
//! else the person's open case), the reminder task made once and closed when the document is
//! replaced; share links used while they live, counted, refused once
//! expired or revoked.

use domain::{CaseId, OrganisationId, PersonId, UserId};
use store::documents::{self, NewDocument, NewShare};
use store::{Db, Ts};
use testkit::engine_tests;
use time::macros::date;
use uuid::Uuid;

mod support;

use support::{at, open, organisation, person, user};

#[allow(clippy::too_many_arguments)] // A test's shorthand for one document.
async fn add(
    db: &Db,
    org: OrganisationId,
    p: PersonId,
    case: Option<CaseId>,
    type_code: &str,
    expires_on: Option<time::Date>,
    by: UserId,
    minute: i64,
) -> Uuid {
    let id = Uuid::now_v7();
    let object = Uuid::now_v7().to_string();
    let new = NewDocument {
        id,
        organisation_id: org,
        person_id: p,
        case_id: case,
        type_code,
        file_name: "titre séjour.pdf",
        file_type: "pdf",
        size_bytes: 1234,
        object_name: &object,
        key_id: "k1",
        expires_on,
        confidential: false,
        uploaded_by: by,
    };
    let mut tx = db.begin_write().await.unwrap();
    documents::insert(&mut tx, &new, "Titre de séjour", at(minute)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn document_events(db: &Db, case: CaseId) -> Vec<(String, Option<String>, Option<Uuid>)> {
    let sql = "SELECT detail, summary, subject_id FROM case_entries \
               WHERE case_id = $1 AND kind = 'document' ORDER BY occurred_at";
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
    }
}

async fn scalar(db: &Db, sql: &str, a: Uuid, b: Uuid) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).bind(a).bind(b).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).bind(a).bind(b).fetch_one(p).await.unwrap(),
    }
}

engine_tests! {
    async fn documents_are_listed_per_person_and_case_with_a_timeline_event(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other_org, _) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let own = add(&db, org, p, None, "identity_document", None, amel, 2).await;
        let of_case = add(&db, org, p, Some(case), "residence_permit", Some(date!(2027 - 01 - 10)), amel, 3).await;

        let listed: Vec<Uuid> = documents::of_person(&db, org, p).await.unwrap().iter().map(|d| d.id).collect();
        assert_eq!(listed, vec![of_case, own], "newest first, the case's included");
        let listed: Vec<Uuid> = documents::of_case(&db, org, case).await.unwrap().iter().map(|d| d.id).collect();
        assert_eq!(listed, vec![of_case]);
        let d = documents::find(&db, org, of_case).await.unwrap().unwrap();
        assert_eq!(d.file_name, "titre séjour.pdf");
        assert_eq!(d.expires_on, Some(date!(2027 - 01 - 10)));
        assert_eq!(d.case(), Some(case));
        assert_eq!(d.uploader_name.as_deref(), Some("Amel"));
        assert!(!d.confidential);
        // Another organisation sees nothing of them, even by id.
        assert!(documents::find(&db, other_org, of_case).await.unwrap().is_none());
        assert!(documents::of_person(&db, other_org, p).await.unwrap().is_empty());
        // One event, for the case's document only.
        assert_eq!(
            document_events(&db, case).await,
            vec![("added".to_owned(), Some("Titre de séjour".to_owned()), Some(of_case))]
        );
    }

    async fn expiring_documents_name_the_referent_to_remind(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "c").await;
        let amel = user(&db, org, "Amel").await;
        let today = date!(2026 - 11 - 26);
        // A person with an open case: their own document reminds the case's referent.
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let soon = add(&db, org, p, None, "residence_permit", Some(date!(2027 - 01 - 10)), amel, 2).await;
        let later = add(&db, org, p, Some(case), "identity_document", Some(date!(2027 - 06 - 01)), amel, 3).await;
        let _none = add(&db, org, p, Some(case), "payslip", None, amel, 4).await;
        let long_ago = add(&db, org, p, Some(case), "identity_document", Some(date!(2026 - 01 - 01)), amel, 5).await;
        // A person without a case: nobody to remind.
        let q = person(&db, org, "Martin").await;
        let orphan = add(&db, org, q, None, "residence_permit", Some(date!(2026 - 12 - 01)), amel, 6).await;

        let found = documents::expiring(&db, today - time::Duration::days(30), today + time::Duration::days(60), 100).await.unwrap();
        let ids: Vec<Uuid> = found.iter().map(|e| e.id).collect();
        assert_eq!(ids, vec![orphan, soon], "by expiry date; neither far off nor long expired");
        assert!(!ids.contains(&later) && !ids.contains(&long_ago));
        let s = found.iter().find(|e| e.id == soon).unwrap();
        assert_eq!(s.case_id, Some(case.as_uuid()), "the person's open case");
        assert_eq!(s.referent_id, Some(amel.as_uuid()));
        let o = found.iter().find(|e| e.id == orphan).unwrap();
        assert_eq!((o.case_id, o.referent_id), (None, None));
        // The run makes the referent's reminder task, once.
        let counts = documents::run_expiry_reminders(&db, today, 60, at(10)).await.unwrap();
        assert_eq!((counts.due, counts.created, counts.unassigned), (1, 1, 1));
        let open_reminders = "SELECT count(*) FROM tasks WHERE kind = 'document_expiring' \
                              AND status = 'open' AND source_id = $1 AND assignee_id = $2";
        assert_eq!(scalar(&db, open_reminders, soon, amel.as_uuid()).await, 1);
        let counts = documents::run_expiry_reminders(&db, today, 60, at(20)).await.unwrap();
        assert_eq!((counts.due, counts.created), (1, 0), "not made twice");
        // The renewed permit replaces it: the reminder is closed, none is made again.
        add(&db, org, p, Some(case), "residence_permit", Some(date!(2031 - 01 - 10)), amel, 30).await;
        let counts = documents::run_expiry_reminders(&db, today, 60, at(40)).await.unwrap();
        assert_eq!((counts.resolved, counts.due, counts.created), (1, 0, 0));
        assert_eq!(scalar(&db, open_reminders, soon, amel.as_uuid()).await, 0);
    }

    async fn share_links_open_while_they_live_and_count_their_uses(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "d").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let doc = add(&db, org, p, None, "tax_notice", None, amel, 2).await;
        let share = |id: Uuid, hash: &'static str, expires: Ts| {
            let db = db.clone();
            async move {
            let new = NewShare {
                id,
                organisation_id: org,
                document_id: doc,
                token_hash: hash,
                recipient: "partner",
                recipient_label: Some("CAF"),
                expires_at: expires,
                created_by: amel,
            };
            let mut tx = db.begin_write().await.unwrap();
            documents::create_share(&mut tx, &new, at(3)).await.unwrap();
            tx.commit().await.unwrap();
            }
        };
        let (live, short) = (Uuid::now_v7(), Uuid::now_v7());
        share(live, "aaaa", at(60 * 24)).await;
        share(short, "bbbb", at(30)).await;
        let use_at = |hash: &'static str, when: Ts| {
            let db = db.clone();
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let got = documents::use_share(&mut tx, hash, when).await.unwrap();
                tx.commit().await.unwrap();
                got.map(|(s, d)| (s, d.id))
            }
        };
        assert_eq!(use_at("aaaa", at(10)).await, Some((live, doc)));
        assert_eq!(use_at("aaaa", at(20)).await, Some((live, doc)));
        assert_eq!(use_at("bbbb", at(29)).await, Some((short, doc)));
        assert_eq!(use_at("bbbb", at(30)).await, None, "expired");
        assert_eq!(use_at("cccc", at(10)).await, None, "unknown");
        // Revoked: refused at once; revoking twice changes nothing.
        let mut tx = db.begin_write().await.unwrap();
        assert!(documents::revoke_share(&mut tx, org, doc, live, amel, at(40)).await.unwrap());
        assert!(!documents::revoke_share(&mut tx, org, doc, live, amel, at(41)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(use_at("aaaa", at(42)).await, None, "revoked");
        let shares = documents::shares_of(&db, org, doc).await.unwrap();
        let l = shares.iter().find(|s| s.id == live).unwrap();
        assert_eq!(l.use_count, 2);
        assert_eq!(l.last_used_at, Some(at(20)));
        assert!(l.revoked_at.is_some() && !l.active(at(42)));
        let s = shares.iter().find(|s| s.id == short).unwrap();
        assert_eq!(s.use_count, 1);
        assert!(s.active(at(29)) && !s.active(at(30)));
    }
}
