//! The voice note form of a case and its handler: a recording made in the browser (the
//! script puts it in the form's file input) or an audio file chosen by hand, checked against
//! the voice-note allow-list while it streams in and stored encrypted, with the same functions
//! as documents ([`crate::documents::upload::receive`]). The voice note and its transcription
//! job are recorded in one transaction.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::cases::CaseStatus;
use domain::lists::ListName;
use domain::policy;
use domain::voice_notes::{DEFAULT_NOTE_TYPE, VoiceNoteStatus, transcription_language};
use files::{Refusal, Use};
use store::Ts;
use store::audit::NewAuditEvent;
use store::voice_notes::NewVoiceNote;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Choice, Loaded, note_types};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::documents::DRAIN_BYTES;
use crate::documents::upload::{Received, drain, format_mb, receive, text};
use crate::errors::WebError;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "voice_notes/new.html")]
pub struct VoiceNotePage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    types: Vec<Choice>,
    max_mb: String,
    transcription: bool,
    errors: Vec<(String, String)>,
}

impl VoiceNotePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// A case the user may record voice notes on now (not closed).
async fn recordable(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, WebError> {
    let loaded = crate::cases::load(state, signed_in, id).await?;
    if !policy::may_record_voice_note(&loaded.access) || loaded.case.status() == CaseStatus::Closed
    {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    note_type: &str,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let org = loaded.case.organisation_id;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = VoiceNotePage {
        case_id: loaded.case.id,
        person_name: person.record.display_name(),
        types: note_types(&ctx.t, &lists, note_type),
        max_mb: format_mb(state.config.files.max_upload_bytes),
        transcription: state.config.transcription.is_some(),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    };
    let html =
        page.render().map_err(|_| WebError::Internal("the voice note form did not render"))?;
    Ok(super::with_media_policy((status, Html(html)).into_response()))
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<Response, WebError> {
    let loaded = recordable(&state, &signed_in, id).await?;
    page(&state, ctx, &loaded, DEFAULT_NOTE_TYPE, vec![]).await
}

fn refusal_message(t: &Tr, r: Refusal) -> String {
    match r {
        Refusal::TooLarge { max } => {
            t.msg_args("voice-error-too-large", &[("max", &format_mb(max))])
        }
        Refusal::Empty => t.msg("voice-error-empty"),
        Refusal::WebContent | Refusal::NotAllowed | Refusal::ZipBomb => {
            t.msg("voice-error-not-audio")
        }
        Refusal::Corrupt => t.msg("voice-error-not-audio"),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    // Unknown, another organisation's or a case one may not record on: not found, before
    // reading the file.
    let loaded = recordable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let Ok(mut multipart) = multipart else {
        let errors = vec![("file".to_owned(), ctx.t.msg("voice-error-not-sent"))];
        return page(&state, ctx, &loaded, DEFAULT_NOTE_TYPE, errors).await;
    };
    let limit = state.config.files.max_upload_bytes;
    let mut note_type = String::new();
    let mut stored: Option<(String, files::FileType, u64)> = None;
    let mut refused: Option<Refusal> = None;
    let mut broken = false;
    let mut other_bytes: u64 = 0;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                broken = true;
                break;
            }
        };
        match field.name().unwrap_or("") {
            "file" if stored.is_none() && refused.is_none() => {
                match receive(&state, &mut field, limit, Use::VoiceNote).await {
                    Received::Nothing => {}
                    Received::Stored { object, file_type, size, .. } => {
                        stored = Some((object, file_type, size))
                    }
                    Received::Refused(r) => {
                        refused = Some(r);
                        // The rest of the file is thrown away as it comes.
                        let mut left = DRAIN_BYTES;
                        while let Ok(Some(c)) = field.chunk().await {
                            left = left.saturating_sub(c.len() as u64);
                            if left == 0 {
                                break;
                            }
                        }
                        if left == 0 {
                            break;
                        }
                    }
                    Received::Broken => {
                        broken = true;
                        break;
                    }
                }
            }
            name => {
                let name = name.to_owned();
                let value = text(&mut field, &mut other_bytes).await.unwrap_or_default();
                if name == "note_type" {
                    note_type = value;
                }
                if other_bytes > DRAIN_BYTES {
                    break;
                }
            }
        }
    }
    // What follows a refusal is read and thrown away, so the browser gets the page.
    drain(&mut multipart, None, DRAIN_BYTES).await;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut errors: Vec<(String, String)> = Vec::new();
    if broken {
        errors.push(("file".into(), t.msg("voice-error-not-sent")));
    } else if let Some(r) = refused {
        errors.push(("file".into(), refusal_message(t, r)));
    } else if stored.is_none() {
        errors.push(("file".into(), t.msg("voice-error-file-required")));
    }
    let known = note_type == domain::cases::CASE_REVIEW
        || lists.accepts(ListName::ContactMedium, &note_type, None);
    if !known {
        errors.push(("note_type".into(), t.msg("case-error-type")));
    }
    let discard = |object: Option<String>| {
        let store = state.config.files.store.clone();
        async move {
            if let Some(o) = object
                && let Err(e) = store.delete(&o).await
            {
                tracing::warn!(error = %e, "a refused recording's object could not be removed");
            }
        }
    };
    let Some((object, file_type, size)) = stored.clone().filter(|_| errors.is_empty()) else {
        discard(stored.as_ref().map(|s| s.0.clone())).await;
        if stored.is_some() && errors.iter().all(|(f, _)| f != "file") {
            errors.push(("file".into(), t.msg("voice-error-choose-again")));
        }
        let status = if matches!(refused, Some(Refusal::TooLarge { .. })) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let chosen = if note_type.is_empty() { DEFAULT_NOTE_TYPE.to_owned() } else { note_type };
        let response = page(&state, ctx, &loaded, &chosen, errors).await?;
        let mut response = response;
        *response.status_mut() = status;
        return Ok(response);
    };
    let vid = Uuid::now_v7();
    let me = signed_in.actor.user_id;
    let new = NewVoiceNote {
        id: vid,
        organisation_id: org,
        person_id: loaded.case.person_id,
        case_id: loaded.case.id,
        author: me,
        note_type: &note_type,
        file_type: file_type.code(),
        size_bytes: size as i64,
        object_name: &object,
        key_id: state.config.files.store.keys().current_id(),
        language: transcription_language(Some(t.lang())),
        status: VoiceNoteStatus::initial(state.config.transcription.is_some()),
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        store::voice_notes::insert(&mut tx, &new, Ts::now()).await?;
        let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
            .by(me)
            .on("voice_note", vid)
            .detail("person", loaded.case.person_id.to_string())
            .detail("case", loaded.case.id.to_string())
            .detail("file_type", file_type.code())
            .detail("size", size);
        audit_trail::record(&mut tx, &meta, event).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    if let Err(e) = saved {
        discard(Some(object)).await;
        return Err(e);
    }
    Ok(Redirect::to(&format!("/voice-notes/{vid}?recorded=1")).into_response())
}
