//! Voice notes on both engines: recorded with their transcription job in the same transaction
//! (none without a backend) and a `voice_recorded` event on the case's timeline; the job's
//! steps (transcribing, back to waiting, failed after the last attempt, the transcript kept as
//! the draft once); filing by the author only, once, the recording marked deleted unless kept;
//! deletion by hand; the author's unfinished voice notes for "my day"; never across
//! organisations.

use domain::cases::Confidentiality;
use domain::voice_notes::VoiceNoteStatus;
use domain::{CaseId, OrganisationId, PersonId, UserId};
use store::Db;
use store::cases::{self, NoteRecord};
use store::voice_notes::{self, NewVoiceNote};
use testkit::engine_tests;
use uuid::Uuid;

mod support;

use support::{at, open, organisation, person, user};

async fn record(
    db: &Db,
    org: OrganisationId,
    p: PersonId,
    case: CaseId,
    by: UserId,
    status: VoiceNoteStatus,
    minute: i64,
) -> Uuid {
    let id = Uuid::now_v7();
    let object = Uuid::now_v7().to_string();
    let new = NewVoiceNote {
        id,
        organisation_id: org,
        person_id: p,
        case_id: case,
        author: by,
        note_type: "home_visit",
        file_type: "ogg",
        size_bytes: 9522,
        object_name: &object,
        key_id: "k1",
        language: "fr",
        status,
    };
    let mut tx = db.begin_write().await.unwrap();
    voice_notes::insert(&mut tx, &new, at(minute)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn voice_events(db: &Db, case: CaseId) -> Vec<(String, Option<Uuid>)> {
    let sql = "SELECT detail, subject_id FROM case_entries \
               WHERE case_id = $1 AND kind = 'document' ORDER BY occurred_at, created_at";
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).bind(case.as_uuid()).fetch_all(p).await.unwrap(),
    }
}

async fn jobs_for(db: &Db, id: Uuid) -> i64 {
    let sql = "SELECT count(*) FROM jobs WHERE kind = 'voice_note_transcription' AND key = $1";
    let key = id.to_string();
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).bind(key).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).bind(key).fetch_one(p).await.unwrap(),
    }
}

async fn note(db: &Db, org: OrganisationId, case: CaseId, by: UserId) -> domain::CaseEntryId {
    let record = NoteRecord {
        occurred_at: at(30),
        duration_minutes: None,
        place: None,
        participants: None,
        note_type: "home_visit".into(),
        confidentiality: Confidentiality::Normal,
        body: "Visite à domicile.".into(),
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = cases::add_note(&mut tx, org, case, &record, by, at(30)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

engine_tests! {
    async fn a_voice_note_is_recorded_with_its_transcription_job_and_a_timeline_event(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let (other_org, _) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let waiting = record(&db, org, p, case, amel, VoiceNoteStatus::Waiting, 2).await;
        let manual = record(&db, org, p, case, amel, VoiceNoteStatus::Manual, 3).await;
        assert_eq!(jobs_for(&db, waiting).await, 1, "its job, in the same transaction");
        assert_eq!(jobs_for(&db, manual).await, 0, "no backend, no job");
        let v = voice_notes::find(&db, org, waiting).await.unwrap().unwrap();
        assert_eq!(v.status(), VoiceNoteStatus::Waiting);
        assert_eq!((v.case_id, v.author_id, v.language.as_str()), (case, amel, "fr"));
        assert_eq!(v.author_name.as_deref(), Some("Amel"));
        assert!(v.has_audio() && !v.keep_recording && v.transcript.is_none());
        assert!(voice_notes::find(&db, other_org, waiting).await.unwrap().is_none());
        let listed: Vec<Uuid> = voice_notes::of_case(&db, org, case).await.unwrap().iter().map(|v| v.id).collect();
        assert_eq!(listed, vec![manual, waiting], "newest first");
        assert!(voice_notes::of_case(&db, other_org, case).await.unwrap().is_empty());
        assert_eq!(
            voice_events(&db, case).await,
            vec![("voice_recorded".to_owned(), Some(waiting)), ("voice_recorded".to_owned(), Some(manual))]
        );
        // "My day": the author's unfinished voice notes, oldest first, with the person's name.
        let mine = voice_notes::unfinished_of(&db, org, amel).await.unwrap();
        assert_eq!(mine.iter().map(|u| u.id).collect::<Vec<_>>(), vec![waiting, manual]);
        assert_eq!(mine[0].birth_name.as_deref(), Some("Haddad"));
        let colleague = user(&db, org, "Bruno").await;
        assert!(voice_notes::unfinished_of(&db, org, colleague).await.unwrap().is_empty());
        assert!(voice_notes::unfinished_of(&db, other_org, amel).await.unwrap().is_empty());
    }

    async fn the_transcription_steps_end_in_a_draft_once_or_in_failure(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "c").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let id = record(&db, org, p, case, amel, VoiceNoteStatus::Waiting, 2).await;
        assert!(voice_notes::start_transcribing(&db, id, at(3)).await.unwrap());
        let status = |db: Db| async move { voice_notes::find(&db, org, id).await.unwrap().unwrap().status() };
        assert_eq!(status(db.clone()).await, VoiceNoteStatus::Transcribing);
        // An attempt fails: back to waiting for the next one.
        voice_notes::attempt_failed(&db, id, false, at(4)).await.unwrap();
        assert_eq!(status(db.clone()).await, VoiceNoteStatus::Waiting);
        assert!(voice_notes::start_transcribing(&db, id, at(5)).await.unwrap());
        let v = voice_notes::find(&db, org, id).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(voice_notes::set_transcript(&mut tx, &v, "Visite à domicile chez Mme Haddad.", at(6)).await.unwrap());
        tx.commit().await.unwrap();
        let v = voice_notes::find(&db, org, id).await.unwrap().unwrap();
        assert_eq!(v.status(), VoiceNoteStatus::Ready);
        assert_eq!(v.transcript.as_deref(), Some("Visite à domicile chez Mme Haddad."));
        // A job that runs again (a lost lease) changes nothing any more.
        let mut tx = db.begin_write().await.unwrap();
        assert!(!voice_notes::set_transcript(&mut tx, &v, "autre chose", at(7)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(!voice_notes::start_transcribing(&db, id, at(7)).await.unwrap());
        voice_notes::attempt_failed(&db, id, true, at(7)).await.unwrap();
        let v = voice_notes::find(&db, org, id).await.unwrap().unwrap();
        assert_eq!((v.status(), v.transcript.as_deref()), (VoiceNoteStatus::Ready, Some("Visite à domicile chez Mme Haddad.")));
        let events: Vec<String> = voice_events(&db, case).await.into_iter().map(|e| e.0).collect();
        assert_eq!(events, vec!["voice_recorded", "voice_transcribed"]);
        // Another one fails at its last attempt: the worker writes the note by hand.
        let other = record(&db, org, p, case, amel, VoiceNoteStatus::Waiting, 8).await;
        assert!(voice_notes::start_transcribing(&db, other, at(9)).await.unwrap());
        voice_notes::attempt_failed(&db, other, true, at(10)).await.unwrap();
        let o = voice_notes::find(&db, org, other).await.unwrap().unwrap();
        assert_eq!(o.status(), VoiceNoteStatus::Failed);
        assert!(o.status().may_file());
    }

    async fn filing_deletes_the_recording_unless_kept_and_only_its_author_files_once(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "d").await;
        let amel = user(&db, org, "Amel").await;
        let bruno = user(&db, org, "Bruno").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let gone = record(&db, org, p, case, amel, VoiceNoteStatus::Manual, 2).await;
        let kept = record(&db, org, p, case, amel, VoiceNoteStatus::Manual, 3).await;
        let entry = note(&db, org, case, amel).await;
        let file = |id: Uuid, by: UserId, keep: bool| {
            let db = db.clone();
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let done = voice_notes::mark_filed(&mut tx, org, case, id, by, entry, keep, at(31)).await.unwrap();
                tx.commit().await.unwrap();
                done
            }
        };
        assert!(!file(gone, bruno, false).await, "not the author");
        assert!(file(gone, amel, false).await);
        assert!(!file(gone, amel, false).await, "filed once");
        assert!(file(kept, amel, true).await);
        let g = voice_notes::find(&db, org, gone).await.unwrap().unwrap();
        assert_eq!(g.status(), VoiceNoteStatus::Filed);
        assert_eq!(g.filed_entry_id, Some(entry.as_uuid()));
        assert!(!g.has_audio(), "the recording is marked deleted");
        assert!(g.transcript.is_none());
        let k = voice_notes::find(&db, org, kept).await.unwrap().unwrap();
        assert!(k.has_audio() && k.keep_recording);
        assert!(voice_notes::unfinished_of(&db, org, amel).await.unwrap().is_empty(), "nothing left to file");
        assert_eq!(voice_notes::of_case(&db, org, case).await.unwrap().len(), 2, "the rows stay");
        // The kept recording can still be deleted by its author, the note staying filed.
        let mut tx = db.begin_write().await.unwrap();
        assert!(!voice_notes::delete(&mut tx, &k, bruno, at(40)).await.unwrap());
        assert!(voice_notes::delete(&mut tx, &k, amel, at(40)).await.unwrap());
        assert!(!voice_notes::delete(&mut tx, &g, amel, at(40)).await.unwrap(), "already gone");
        tx.commit().await.unwrap();
        let k = voice_notes::find(&db, org, kept).await.unwrap().unwrap();
        assert_eq!(k.status(), VoiceNoteStatus::Filed);
        assert!(!k.has_audio());
        let events: Vec<String> = voice_events(&db, case).await.into_iter().map(|e| e.0).collect();
        assert_eq!(events, vec!["voice_recorded", "voice_recorded", "voice_filed", "voice_filed", "voice_deleted"]);
    }

    async fn an_unfiled_voice_note_deleted_by_hand_leaves_my_day_and_its_job_does_nothing(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "e").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Haddad").await;
        let case = open(&db, org, p, team, amel).await;
        let id = record(&db, org, p, case, amel, VoiceNoteStatus::Waiting, 2).await;
        let v = voice_notes::find(&db, org, id).await.unwrap().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(voice_notes::delete(&mut tx, &v, amel, at(3)).await.unwrap());
        tx.commit().await.unwrap();
        let v = voice_notes::find(&db, org, id).await.unwrap().unwrap();
        assert_eq!(v.status(), VoiceNoteStatus::Deleted);
        assert!(!v.has_audio() && !v.status().wants_transcript());
        assert!(!voice_notes::start_transcribing(&db, id, at(4)).await.unwrap());
        assert!(voice_notes::unfinished_of(&db, org, amel).await.unwrap().is_empty());
        assert!(voice_notes::of_case(&db, org, case).await.unwrap().is_empty());
        let entry = note(&db, org, case, amel).await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(!voice_notes::mark_filed(&mut tx, org, case, id, amel, entry, false, at(31)).await.unwrap());
        tx.commit().await.unwrap();
    }
}
