//! Voice notes after home visits (issue 9 point 4; ADR 0024): a worker records a voice note in
//! the browser (MediaRecorder, `static/voice.js`) or uploads an audio file (a plain file input,
//! no script needed) on a case; the bytes are checked against the voice-note allow-list of the
//! `files` crate and stored encrypted like documents (the same upload and send functions); a
//! job of the job runner asks the configured transcription backend ([`transcribe`]) for the
//! transcript, which becomes the draft of a note the author corrects and files through the
//! usual note form (`cases::notes`); the recording is then deleted unless kept. Every listen
//! or download is an audit event.
//!
//! Who records and reads is [`policy::may_record_voice_note`] and
//! [`policy::may_read_voice_note`]: a voice note one may not read answers "not found", like an
//! unknown one or another organisation's.

pub mod jobs;
mod pages;
pub mod transcribe;
mod upload;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use domain::policy::{self, VoiceNoteFacts};
use domain::voice_notes::TranscriptionApi;
use store::voice_notes::VoiceNote;

pub(crate) use pages::{FilingLink, VoiceLine, case_voice_notes, filing_link, my_day_lines};

use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::routes::Routes;

/// Where transcriptions are asked for, when configured (`PASSERELLE_TRANSCRIPTION_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptionConfig {
    /// The server's base address (`http://127.0.0.1:8178`).
    pub url: String,
    pub api: TranscriptionApi,
    /// The model the OpenAI-compatible API is asked for (whisper.cpp ignores it).
    pub model: String,
}

impl TranscriptionConfig {
    pub const DEFAULT_MODEL: &str = "whisper-1";
}

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/voice-notes/new", policy::VOICE_NOTE_WRITERS, upload::form)
        .post(
            "/cases/{case_id}/voice-notes/new",
            policy::VOICE_NOTE_WRITERS,
            // The handler counts every byte itself, as the document upload does.
            upload::upload.layer(DefaultBodyLimit::disable()),
        )
        .get("/voice-notes/{voice_note_id}", policy::VOICE_NOTE_WRITERS, pages::show)
        .get("/voice-notes/{voice_note_id}/audio", policy::VOICE_NOTE_WRITERS, pages::audio)
        .post("/voice-notes/{voice_note_id}/delete", policy::VOICE_NOTE_WRITERS, pages::delete)
}

/// The policy of the pages that play or record audio: the application's, with media from this
/// server and from the page itself (a recording listened to before it is sent is a `blob:`).
pub(crate) const MEDIA_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Gives a page the media policy.
pub(crate) fn with_media_policy(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(MEDIA_CSP));
    response
}

/// A voice note the actor may read, with the facts the decision used; anything else is "not
/// found".
pub(crate) async fn readable(
    state: &AppState,
    signed_in: &SignedIn,
    id: uuid::Uuid,
) -> Result<(VoiceNote, VoiceNoteFacts, crate::cases::Loaded), WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let v = store::voice_notes::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let loaded = crate::cases::load(state, signed_in, v.case_id).await?;
    let facts = VoiceNoteFacts {
        organisation_id: v.organisation_id,
        author: v.author_id,
        case: loaded.access,
    };
    if !policy::may_read_voice_note(&signed_in.actor, &facts) {
        return Err(WebError::NotFound);
    }
    Ok((v, facts, loaded))
}

/// Deletes a recording from the file store once its deletion is committed; a failure is
/// logged (the row already says it is deleted: an administrator finds the orphan by its name).
pub(crate) async fn delete_object(state: &AppState, id: uuid::Uuid, object_name: &str) {
    if let Err(e) = state.config.files.store.delete(object_name).await {
        tracing::warn!(error = %e, voice_note = %id, "a voice note's recording could not be removed");
    }
}
