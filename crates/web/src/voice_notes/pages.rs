//! A voice note's page (its status in words, the recording to listen to or download, the
//! transcript, the way to the note form), the recording itself (audited, sent as an
//! attachment with the same headers as documents), its deletion by its author, the voice
//! notes panel of the case page, the lines of "my day", and what the note form needs to file a
//! note from a voice note.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::policy::{self, VoiceNoteFacts};
use domain::voice_notes::VoiceNoteStatus;
use domain::{CaseId, PersonId};
use files::FileType;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::voice_notes::VoiceNote;
use uuid::Uuid;

use super::{delete_object, readable, with_media_policy};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::Loaded;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::documents::serve::{Object, send_object};
use crate::errors::WebError;
use crate::i18n::Tr;

/// What a status says, in words (never by colour alone).
fn status_words(t: &Tr, s: VoiceNoteStatus) -> String {
    t.msg(&format!("voice-status-{}", s.as_str()))
}

fn recorded_on(signed_in: &SignedIn, v: &VoiceNote) -> String {
    crate::dates::for_user(v.created_at, signed_in)
}

#[derive(Template)]
#[template(path = "voice_notes/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    case_id: CaseId,
    person_id: PersonId,
    person_name: String,
    recorded: String,
    author: String,
    note_type: String,
    status_code: &'static str,
    status: String,
    transcript: Option<String>,
    has_audio: bool,
    kept: bool,
    /// The author may file, keep or delete it.
    is_author: bool,
    may_file: bool,
    filed_entry: Option<Uuid>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    recorded: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let (v, facts, loaded) = readable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let person =
        store::persons::find(&state.db, org, v.person_id).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let status = v.status();
    let is_author = policy::may_change_voice_note(&signed_in.actor, &facts);
    let page = ShowPage {
        id: v.id,
        case_id: v.case_id,
        person_id: v.person_id,
        person_name: person.record.display_name(),
        recorded: recorded_on(&signed_in, &v),
        author: v.author_name.clone().unwrap_or_default(),
        note_type: crate::cases::note_type_label(t, &lists, &v.note_type),
        status_code: status.as_str(),
        status: status_words(t, status),
        transcript: v.transcript.clone().filter(|_| status == VoiceNoteStatus::Ready),
        has_audio: v.has_audio(),
        kept: v.keep_recording,
        is_author,
        may_file: is_author
            && status.may_file()
            && loaded.case.status() != domain::cases::CaseStatus::Closed,
        filed_entry: v.filed_entry_id,
        notice: q.recorded.is_some().then(|| {
            t.msg(if state.config.transcription.is_some() {
                "voice-notice-recorded"
            } else {
                "voice-notice-recorded-manual"
            })
        }),
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    };
    let html =
        page.render().map_err(|_| WebError::Internal("the voice note page did not render"))?;
    Ok(with_media_policy(Html(html).into_response()))
}

/// The recording, decrypted as it is sent, as an attachment (an `<audio>` element plays it
/// all the same). Every request is an audit event, recorded before any byte is sent.
pub async fn audio(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (v, _, _) = readable(&state, &signed_in, id).await?;
    if !v.has_audio() {
        // The voice note is there, its recording is not any more.
        return Ok(axum::http::StatusCode::GONE.into_response());
    }
    let file_type =
        FileType::parse(&v.file_type).ok_or(WebError::Internal("a stored file type is unknown"))?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::VoiceNoteListened, Some(v.organisation_id))
        .by(signed_in.actor.user_id)
        .on("voice_note", v.id)
        .detail("person", v.person_id.to_string())
        .detail("case", v.case_id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let name = format!("voice-note-{}", v.created_at.get().date());
    let object = Object { id: v.id, name: &v.object_name, size: v.size_bytes };
    send_object(&state, object, file_type, &name, false).await
}

/// Its author deletes the recording (and, when no note was filed, the voice note).
pub async fn delete(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (v, facts, _) = readable(&state, &signed_in, id).await?;
    if !policy::may_change_voice_note(&signed_in.actor, &facts) {
        return Err(WebError::NotFound);
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let deleted = store::voice_notes::delete(&mut tx, &v, me, Ts::now()).await?;
    if deleted {
        let event = NewAuditEvent::new(AuditAction::RecordDeleted, Some(v.organisation_id))
            .by(me)
            .on("voice_note", v.id)
            .detail("person", v.person_id.to_string())
            .detail("case", v.case_id.to_string());
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    if deleted {
        delete_object(&state, v.id, &v.object_name).await;
    }
    Ok(Redirect::to(&format!("/cases/{}?voice_note=deleted", v.case_id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The case page's panel and "my day".

/// A voice note as the case page and "my day" list it.
pub struct VoiceLine {
    pub href: String,
    pub label: String,
    pub status: String,
}

/// The case's unfinished voice notes for those who read them, and whether they may record
/// one: `None` for those who may not read voice notes.
pub async fn case_voice_notes(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    loaded: &Loaded,
) -> Result<Option<(Vec<VoiceLine>, bool)>, WebError> {
    let case = &loaded.case;
    let facts = VoiceNoteFacts {
        organisation_id: case.organisation_id,
        author: signed_in.actor.user_id,
        case: loaded.access,
    };
    if !policy::may_read_voice_note(&signed_in.actor, &facts) {
        return Ok(None);
    }
    let lines = store::voice_notes::of_case(&state.db, case.organisation_id, case.id)
        .await?
        .into_iter()
        .filter(|v| v.status().is_unfinished())
        .map(|v| VoiceLine {
            href: format!("/voice-notes/{}", v.id),
            label: t.msg_args(
                "voice-line",
                &[
                    ("date", &recorded_on(signed_in, &v)),
                    ("author", v.author_name.as_deref().unwrap_or("")),
                ],
            ),
            status: status_words(t, v.status()),
        })
        .collect();
    let may_record = policy::may_record_voice_note(&loaded.access)
        && case.status() != domain::cases::CaseStatus::Closed;
    Ok(Some((lines, may_record)))
}

/// The signed-in user's voice notes from which no note was filed yet.
pub async fn my_day_lines(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
) -> Result<Vec<VoiceLine>, WebError> {
    let Some(org) = signed_in.actor.organisation() else { return Ok(vec![]) };
    if !crate::chrome::allows(policy::VOICE_NOTE_WRITERS, signed_in) {
        return Ok(vec![]);
    }
    let rows = store::voice_notes::unfinished_of(&state.db, org, signed_in.actor.user_id).await?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let family = u.used_name.as_deref().or(u.birth_name.as_deref());
            let name = [family, u.first_names.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let date = crate::dates::for_user(u.created_at, signed_in);
            let status = VoiceNoteStatus::parse(&u.status).unwrap_or(VoiceNoteStatus::Failed);
            VoiceLine {
                href: format!("/voice-notes/{}", u.id),
                label: t.msg_args("voice-my-day-line", &[("name", &name), ("date", &date)]),
                status: status_words(t, status),
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Filing a note from a voice note.

/// The voice note a note form is filing, as the form shows it.
pub struct FilingLink {
    pub id: Uuid,
    pub has_audio: bool,
    pub keep: bool,
    /// The transcript, when there is one (the form's body starts from it).
    pub transcript: Option<String>,
    pub note_type: String,
    pub recorded_at: Ts,
    pub object_name: String,
}

/// The voice note `id` of the case `loaded` that the signed-in user may file a note from now;
/// anything else is "not found".
pub async fn filing_link(
    state: &AppState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    id: Uuid,
    keep: bool,
) -> Result<FilingLink, WebError> {
    let org = loaded.case.organisation_id;
    let v = store::voice_notes::find(&state.db, org, id)
        .await?
        .filter(|v| v.case_id == loaded.case.id)
        .ok_or(WebError::NotFound)?;
    let facts = VoiceNoteFacts { organisation_id: org, author: v.author_id, case: loaded.access };
    if !policy::may_change_voice_note(&signed_in.actor, &facts) || !v.status().may_file() {
        return Err(WebError::NotFound);
    }
    Ok(FilingLink {
        id: v.id,
        has_audio: v.has_audio(),
        keep,
        transcript: v.transcript.clone().filter(|_| v.status() == VoiceNoteStatus::Ready),
        note_type: v.note_type.clone(),
        recorded_at: v.created_at,
        object_name: v.object_name.clone(),
    })
}
