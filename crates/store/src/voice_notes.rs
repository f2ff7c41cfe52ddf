//! Voice notes of a case (issue 9 point 4; ADR 0024): the record of each recording (the bytes
//! are in the file store, encrypted, under `object_name`), its transcription's status and
//! transcript, the note filed from it, and when its recording was deleted. Recording a voice
//! note enqueues its transcription job in the same transaction (ADR 0008's outbox); the case's
//! timeline says when a voice note was recorded, transcribed, filed or deleted (events of the
//! `document` kind, with `voice_…` details), never what it says.

use domain::cases::EntryKind;
use domain::voice_notes::{TRANSCRIPTION_JOB, VoiceNoteStatus};
use domain::{CaseEntryId, CaseId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::jobs::NewJob;
use crate::{Exec, StoreError, Ts, Tx};

/// A voice note to record, once its recording is stored.
#[derive(Debug, Clone)]
pub struct NewVoiceNote<'a> {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub person_id: PersonId,
    pub case_id: CaseId,
    pub author: UserId,
    pub note_type: &'a str,
    pub file_type: &'a str,
    pub size_bytes: i64,
    pub object_name: &'a str,
    pub key_id: &'a str,
    /// The language the transcription is asked for (`fr`, `en`).
    pub language: &'a str,
    /// `Waiting` (a transcription backend is configured: its job is enqueued) or `Manual`.
    pub status: VoiceNoteStatus,
}

/// A stored voice note, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VoiceNote {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    #[sqlx(try_from = "Uuid")]
    pub author_id: UserId,
    pub author_name: Option<String>,
    pub note_type: String,
    pub file_type: String,
    pub size_bytes: i64,
    pub object_name: String,
    pub key_id: String,
    pub language: String,
    pub status: String,
    pub transcript: Option<String>,
    pub keep_recording: bool,
    pub filed_entry_id: Option<Uuid>,
    pub filed_at: Option<Ts>,
    pub audio_deleted_at: Option<Ts>,
    pub created_at: Ts,
    pub version: i64,
}

impl VoiceNote {
    pub fn status(&self) -> VoiceNoteStatus {
        // The column's CHECK lists the same codes.
        VoiceNoteStatus::parse(&self.status).unwrap_or(VoiceNoteStatus::Failed)
    }

    /// Whether the recording is still in the file store.
    pub fn has_audio(&self) -> bool {
        self.audio_deleted_at.is_none()
    }
}

const SELECT: &str = "SELECT v.id, v.organisation_id, v.person_id, v.case_id, v.author_id, \
     u.display_name AS author_name, v.note_type, v.file_type, v.size_bytes, v.object_name, \
     v.key_id, v.language, v.status, v.transcript, v.keep_recording, v.filed_entry_id, \
     v.filed_at, v.audio_deleted_at, v.created_at, v.version \
     FROM voice_notes v LEFT JOIN users u ON u.id = v.author_id ";

/// The statuses of unfinished voice notes, for `IN (…)`.
const UNFINISHED: &str = "('waiting', 'transcribing', 'ready', 'failed', 'manual')";

/// The transcription job's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TranscriptionPayload {
    pub voice_note_id: Uuid,
}

async fn event(
    tx: &mut Tx,
    v: (OrganisationId, CaseId, Uuid),
    author: Option<UserId>,
    detail: &str,
    now: Ts,
) -> Result<(), StoreError> {
    let (organisation_id, case_id, id) = v;
    let event = NewEvent {
        organisation_id,
        case_id,
        kind: EntryKind::Document,
        occurred_at: now,
        author,
        subject_id: Some(id),
        summary: None,
        detail,
    };
    crate::cases::add_event(tx, &event, now).await?;
    Ok(())
}

/// Records a voice note, adds `voice_recorded` to the case's timeline and, when it waits for a
/// transcript, enqueues its transcription job in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, new: &NewVoiceNote<'_>, now: Ts) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO voice_notes (id, organisation_id, person_id, case_id, author_id, note_type, \
         file_type, size_bytes, object_name, key_id, language, status, keep_recording, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
        new.id,
        new.organisation_id.as_uuid(),
        new.person_id.as_uuid(),
        new.case_id.as_uuid(),
        new.author.as_uuid(),
        new.note_type,
        new.file_type,
        new.size_bytes,
        new.object_name,
        new.key_id,
        new.language,
        new.status.as_str(),
        false,
        now,
    )?;
    let ids = (new.organisation_id, new.case_id, new.id);
    event(tx, ids, Some(new.author), "voice_recorded", now).await?;
    if new.status == VoiceNoteStatus::Waiting {
        let key = new.id.to_string();
        let payload = serde_json::json!({ "voice_note_id": new.id });
        let job = NewJob::new(TRANSCRIPTION_JOB, &key).payload(payload);
        crate::jobs::enqueue(tx, &job, now).await?;
    }
    Ok(())
}

/// A voice note of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<VoiceNote>, StoreError> {
    let sql = format!("{SELECT}WHERE v.organisation_id = $1 AND v.id = $2");
    Ok(sql!(as VoiceNote, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// A voice note whatever its organisation (for its transcription job, which has only its id).
#[tracing::instrument(skip_all)]
pub async fn find_for_job<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
) -> Result<Option<VoiceNote>, StoreError> {
    let sql = format!("{SELECT}WHERE v.id = $1");
    Ok(sql!(as VoiceNote, fetch_optional, exec, &sql, id)?)
}

/// A case's voice notes that are not deleted, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
) -> Result<Vec<VoiceNote>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE v.organisation_id = $1 AND v.case_id = $2 AND v.status <> 'deleted' \
         ORDER BY v.created_at DESC, v.id DESC LIMIT 100"
    );
    Ok(sql!(as VoiceNote, fetch_all, exec, &sql, organisation_id.as_uuid(), case_id.as_uuid())?)
}

/// An unfinished voice note of a user, with the person's names, for "my day".
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Unfinished {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub status: String,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub created_at: Ts,
}

/// `author`'s voice notes in the organisation from which no note was filed yet, oldest first.
#[tracing::instrument(skip_all)]
pub async fn unfinished_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    author: UserId,
) -> Result<Vec<Unfinished>, StoreError> {
    let sql = format!(
        "SELECT v.id, v.case_id, v.status, p.birth_name, p.used_name, p.first_names, \
         v.created_at FROM voice_notes v JOIN persons p ON p.id = v.person_id \
         WHERE v.organisation_id = $1 AND v.author_id = $2 AND v.status IN {UNFINISHED} \
         ORDER BY v.created_at, v.id LIMIT 50"
    );
    Ok(sql!(as Unfinished, fetch_all, exec, &sql, organisation_id.as_uuid(), author.as_uuid())?)
}

/// A transcription attempt starts: `false` if the voice note no longer wants a transcript
/// (filed or deleted meanwhile).
#[tracing::instrument(skip_all)]
pub async fn start_transcribing<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE voice_notes SET status = 'transcribing', updated_at = $1 \
         WHERE id = $2 AND status IN ('waiting', 'transcribing')",
        now,
        id,
    )?;
    Ok(n == 1)
}

/// An attempt failed: back to waiting for the next one, or `failed` after the last.
#[tracing::instrument(skip_all)]
pub async fn attempt_failed<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
    last: bool,
    now: Ts,
) -> Result<(), StoreError> {
    let status = if last { VoiceNoteStatus::Failed } else { VoiceNoteStatus::Waiting };
    sql!(
        execute,
        exec,
        "UPDATE voice_notes SET status = $1, updated_at = $2 \
         WHERE id = $3 AND status IN ('waiting', 'transcribing')",
        status.as_str(),
        now,
        id,
    )?;
    Ok(())
}

/// Keeps the transcript (already cleaned) as the draft of the voice note's note, and adds
/// `voice_transcribed` to the case's timeline. `false` if the voice note no longer wants one.
#[tracing::instrument(skip_all)]
pub async fn set_transcript(
    tx: &mut Tx,
    v: &VoiceNote,
    transcript: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE voice_notes SET status = 'ready', transcript = $1, updated_at = $2, \
         version = version + 1 WHERE id = $3 AND status IN ('waiting', 'transcribing')",
        transcript,
        now,
        v.id,
    )?;
    if n == 1 {
        event(tx, (v.organisation_id, v.case_id, v.id), None, "voice_transcribed", now).await?;
    }
    Ok(n == 1)
}

/// The note `entry` was filed from the voice note by its author: the transcript is forgotten
/// (the note holds the corrected text), the recording marked deleted unless kept (the caller
/// deletes the object once this commits), `voice_filed` added to the timeline. `false` if the
/// voice note is not its author's or not unfinished (filed twice, deleted).
#[allow(clippy::too_many_arguments)] // Which voice note, by whom, into which note, keep or not.
#[tracing::instrument(skip_all)]
pub async fn mark_filed(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: Uuid,
    author: UserId,
    entry: CaseEntryId,
    keep_recording: bool,
    now: Ts,
) -> Result<bool, StoreError> {
    let deleted_at = domain::voice_notes::delete_audio_when_filed(keep_recording).then_some(now);
    let sql = format!(
        "UPDATE voice_notes SET status = 'filed', transcript = NULL, filed_entry_id = $1, \
         filed_at = $2, keep_recording = $3, audio_deleted_at = $4, updated_at = $2, \
         version = version + 1 \
         WHERE organisation_id = $5 AND case_id = $6 AND id = $7 AND author_id = $8 \
         AND status IN {UNFINISHED}"
    );
    let n = sql!(
        execute,
        &mut *tx,
        &sql,
        entry.as_uuid(),
        now,
        keep_recording,
        deleted_at,
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id,
        author.as_uuid(),
    )?;
    if n == 1 {
        event(tx, (organisation_id, case_id, id), Some(author), "voice_filed", now).await?;
    }
    Ok(n == 1)
}

/// Its author deletes a voice note's recording by hand: an unfinished voice note becomes
/// `deleted` (its transcript forgotten), a filed one whose recording was kept keeps its note
/// and loses the recording. `voice_deleted` is added to the timeline; the caller deletes the
/// object once this commits. `false` if there is no recording of theirs to delete.
#[tracing::instrument(skip_all)]
pub async fn delete(
    tx: &mut Tx,
    v: &VoiceNote,
    author: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE voice_notes SET \
         status = CASE WHEN status = 'filed' THEN 'filed' ELSE 'deleted' END, \
         transcript = NULL, audio_deleted_at = $1, updated_at = $1, version = version + 1 \
         WHERE organisation_id = $2 AND id = $3 AND author_id = $4 \
         AND (status <> 'deleted' AND audio_deleted_at IS NULL)",
        now,
        v.organisation_id.as_uuid(),
        v.id,
        author.as_uuid(),
    )?;
    if n == 1 {
        event(tx, (v.organisation_id, v.case_id, v.id), Some(author), "voice_deleted", now).await?;
    }
    Ok(n == 1)
}
