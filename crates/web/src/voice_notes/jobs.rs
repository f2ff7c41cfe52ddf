//! The transcription job (`voice_note_transcription`, one per voice note, keyed by its id):
//! reads the recording from the file store, asks the transcriber for its text, and keeps the
//! cleaned text as the draft of the voice note's note in the transaction that finishes the job
//! (ADR 0008: the effect and the end of the job commit together). A failed attempt is retried
//! with the queue's back-off; its error names the voice note's id and the kind of failure,
//! never what was said. After the last attempt the voice note says the transcription failed,
//! and the worker writes the note while listening.

use std::sync::Arc;

use domain::voice_notes::{TRANSCRIPTION_JOB, clean_transcript};
use files::{FileStore, FileType};
use store::jobs::runner::{JobContext, JobError, Registry};
use store::voice_notes::{self, TranscriptionPayload};
use store::{Db, Ts};

use super::transcribe::Transcriber;

/// What the transcription job needs.
#[derive(Clone)]
pub struct VoiceJobs {
    pub db: Db,
    pub files: FileStore,
    /// `None`: no backend configured (voice notes recorded then wait for none; a job left from
    /// a time when one was configured marks its voice note as failed).
    pub transcriber: Option<Arc<dyn Transcriber>>,
}

/// Adds the transcription handler to `registry`.
pub fn register(registry: Registry, deps: VoiceJobs) -> Registry {
    registry.handle(TRANSCRIPTION_JOB, move |ctx| transcribe(deps.clone(), ctx))
}

async fn transcribe(deps: VoiceJobs, ctx: JobContext) -> Result<(), JobError> {
    let payload: TranscriptionPayload = ctx.payload()?;
    let id = payload.voice_note_id;
    let Some(v) = voice_notes::find_for_job(&deps.db, id).await? else {
        return Ok(());
    };
    // Filed or deleted meanwhile (the worker wrote the note while listening): nothing to do.
    if !v.status().wants_transcript() || !v.has_audio() {
        return Ok(());
    }
    let Some(transcriber) = deps.transcriber.clone() else {
        voice_notes::attempt_failed(&deps.db, id, true, Ts::now()).await?;
        tracing::info!(voice_note = %id, "no transcription backend: the voice note waits for a note written by hand");
        return Ok(());
    };
    if !voice_notes::start_transcribing(&deps.db, id, Ts::now()).await? {
        return Ok(());
    }
    let file_type = FileType::parse(&v.file_type)
        .ok_or_else(|| JobError::new("a stored file type is unknown"))?;
    let attempt = async {
        let audio = deps.files.read_all(&v.object_name).await.map_err(|e| {
            JobError(format!("voice note {id}: the recording could not be read ({})", e.kind()))
        })?;
        transcriber
            .transcribe(audio, file_type, &v.language)
            .await
            .map_err(|e| JobError(format!("voice note {id}: {e}")))
    }
    .await;
    match attempt {
        Ok(text) => {
            let text = clean_transcript(&text);
            let mut tx = deps.db.begin_write().await?;
            voice_notes::set_transcript(&mut tx, &v, &text, Ts::now()).await?;
            ctx.complete_in(&mut tx).await?;
            tx.commit().await?;
            // Ids and sizes only: the text is personal data.
            tracing::info!(voice_note = %id, chars = text.chars().count(), "voice note transcribed");
            Ok(())
        }
        Err(e) => {
            let job = ctx.job();
            let last = job.attempts >= job.max_attempts;
            voice_notes::attempt_failed(&deps.db, id, last, Ts::now()).await?;
            Err(e)
        }
    }
}
