//! Notes of a case: write one (with a draft kept on the server as it is typed), correct it
//! (the earlier text kept as a version), delete it (a tombstone with a reason), read the
//! versions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::cases::{self, CaseStatus, Confidentiality, NoteInput, NoteProblem};
use domain::lists::{ListName, Lists};
use domain::markup::Block;
use domain::policy;
use domain::{CaseEntryId, CaseId};
use store::Ts;
use store::audit::NewAuditEvent;
use store::cases::{DraftKey, Entry, NoteRecord};

use super::pages::{Choice, Loaded, load, note_type_label, note_types, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

#[derive(Template, WebTemplate)]
#[template(path = "cases/note_form.html")]
pub struct NoteFormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    /// The note being corrected, or `None` for a new one.
    entry_id: Option<CaseEntryId>,
    version: i64,
    input: NoteInput,
    types: Vec<Choice>,
    levels: Vec<Choice>,
    /// "Draft restored from …".
    restored: Option<String>,
    /// The note as stored now, when the form was older than it.
    conflict: Option<Vec<Block>>,
    errors: Vec<(&'static str, String)>,
    /// The voice note this new note is filed from, if any (ADR 0024).
    voice_note: Option<crate::voice_notes::FilingLink>,
    /// The note of an appointment just marked done: a voice note may be dictated instead.
    offer_voice_note: bool,
}

impl NoteFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn action(&self) -> String {
        match self.entry_id {
            None => format!("/cases/{}/notes/new", self.case_id),
            Some(e) => format!("/cases/{}/notes/{e}/edit", self.case_id),
        }
    }
}

fn levels(t: &Tr, chosen: &str) -> Vec<Choice> {
    Confidentiality::ALL
        .iter()
        .map(|c| Choice {
            code: c.as_str().to_owned(),
            label: t.msg(&format!("case-level-{}-choice", c.as_str())),
            selected: c.as_str() == chosen,
        })
        .collect()
}

fn note_problem(t: &Tr, p: &NoteProblem) -> String {
    match p {
        NoteProblem::DateRequired => t.msg("case-error-date"),
        NoteProblem::DateInvalid => t.msg("person-error-date"),
        NoteProblem::TimeInvalid => t.msg("case-error-time"),
        NoteProblem::InFuture => t.msg("case-error-future"),
        NoteProblem::DurationInvalid { max } => {
            t.msg_args("case-error-duration", &[("max", &max.to_string())])
        }
        NoteProblem::TypeRequired => t.msg("case-error-type"),
        NoteProblem::ConfidentialityRequired => t.msg("case-error-level"),
        NoteProblem::BodyRequired => t.msg("case-error-body"),
        NoteProblem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        NoteProblem::ControlCharacters => t.msg("person-error-control"),
    }
}

fn input_of(pairs: &[(String, String)]) -> NoteInput {
    let get = |k: &str| value_of(pairs, k).unwrap_or("").to_owned();
    NoteInput {
        date: get("date"),
        time: get("time"),
        duration: get("duration"),
        place: get("place"),
        participants: get("participants"),
        note_type: get("note_type"),
        confidentiality: get("confidentiality"),
        body: get("body"),
    }
}

/// What a stored note looks like in the form, its date in the organisation's zone.
fn input_of_entry(e: &Entry, signed_in: &SignedIn) -> NoteInput {
    let local = crate::dates::utc_to_local(e.occurred_at, signed_in.time_zone.as_deref());
    NoteInput {
        date: cases::form_date(local.date()),
        time: cases::hh_mm(local.time()),
        duration: e.duration_minutes.map(|d| d.to_string()).unwrap_or_default(),
        place: e.place.clone().unwrap_or_default(),
        participants: e.participants.clone().unwrap_or_default(),
        note_type: e.note_type.clone().unwrap_or_default(),
        confidentiality: e.confidentiality.clone(),
        body: e.body.clone().unwrap_or_default(),
    }
}

#[allow(clippy::too_many_arguments)] // The form, what it holds, and what went wrong.
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    entry: Option<&Entry>,
    input: NoteInput,
    version: i64,
    restored: Option<String>,
    conflict: Option<Vec<Block>>,
    errors: Vec<(&'static str, String)>,
) -> Result<NoteFormPage, WebError> {
    let org = loaded.case.organisation_id;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let t = &ctx.t;
    Ok(NoteFormPage {
        case_id: loaded.case.id,
        person_name: person.record.display_name(),
        entry_id: entry.map(|e| e.id),
        version,
        types: note_types(t, &lists, &input.note_type),
        levels: levels(t, &input.confidentiality),
        input,
        restored,
        conflict,
        errors,
        voice_note: None,
        offer_voice_note: false,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// The form of a note filed from a voice note: the recording to listen to under the media
/// policy, the voice note's id and the choice to keep the recording in the form.
fn with_voice_note(
    mut page: NoteFormPage,
    link: Option<crate::voice_notes::FilingLink>,
    status: StatusCode,
) -> Response {
    let media = link.is_some();
    page.voice_note = link;
    let response = (status, page).into_response();
    if media { crate::voice_notes::with_media_policy(response) } else { response }
}

/// A case the user may write notes in now (not closed: reopen it first).
async fn writable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.write || loaded.case.status() == CaseStatus::Closed {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

/// A note of the case that the user may correct or delete (its author).
async fn own_note(
    state: &AppState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    entry_id: CaseEntryId,
) -> Result<Entry, WebError> {
    let org = organisation(signed_in)?;
    let entry = store::cases::find_entry(&state.db, org, loaded.case.id, entry_id)
        .await?
        .filter(|e| e.is_note() && e.deleted_at.is_none())
        .ok_or(WebError::NotFound)?;
    if !policy::may_change_note(&signed_in.actor, &loaded.access, entry.author()) {
        return Err(WebError::NotFound);
    }
    Ok(entry)
}

fn restored_message(t: &Tr, signed_in: &SignedIn, at: Ts) -> String {
    t.msg_args("case-draft-restored", &[("date", &crate::dates::for_user(at, signed_in))])
}

/// `?appointment=<id>`: the note of an appointment of the case just marked done, prefilled
/// with its day, time, length, kind and place.
#[derive(serde::Deserialize, Default)]
pub struct NewNoteQuery {
    appointment: Option<uuid::Uuid>,
    /// `?voice_note=<id>`: the note of a voice note of the case, its transcript as the text.
    voice_note: Option<uuid::Uuid>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    axum::extract::Query(q): axum::extract::Query<NewNoteQuery>,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let voice = match q.voice_note {
        Some(v) => {
            Some(crate::voice_notes::filing_link(&state, &signed_in, &loaded, v, false).await?)
        }
        None => None,
    };
    let key = DraftKey { case_id: id, entry_id: None };
    let draft = store::cases::find_draft(&state.db, org, signed_in.actor.user_id, key).await?;
    let appointment = match q.appointment {
        Some(a) => {
            store::appointments::find(&state.db, org, a).await?.filter(|a| a.case() == Some(id))
        }
        None => None,
    };
    let zone = signed_in.time_zone.as_deref();
    let (input, restored) = match (draft, appointment) {
        (Some(d), _) => (d.input, Some(restored_message(&ctx.t, &signed_in, d.updated_at))),
        (None, _) if voice.is_some() => {
            let v = voice.as_ref().expect("checked above");
            // When it was recorded (just after the visit), its type, the transcript as text.
            let at = crate::dates::utc_to_local(v.recorded_at, zone);
            let input = NoteInput {
                date: cases::form_date(at.date()),
                time: cases::hh_mm(at.time()),
                note_type: v.note_type.clone(),
                confidentiality: Confidentiality::Normal.as_str().to_owned(),
                body: v.transcript.clone().unwrap_or_default(),
                ..Default::default()
            };
            (input, None)
        }
        (None, Some(a)) => {
            // Marked done before its booked time (it started early): it happened by now.
            let start = crate::dates::utc_to_local(a.starts_at.min(Ts::now()), zone);
            let input = NoteInput {
                date: cases::form_date(start.date()),
                time: cases::hh_mm(start.time()),
                duration: (a.ends_at.get() - a.starts_at.get()).whole_minutes().to_string(),
                place: a.place_detail.clone().unwrap_or_default(),
                note_type: a.place().note_type().to_owned(),
                confidentiality: Confidentiality::Normal.as_str().to_owned(),
                ..Default::default()
            };
            (input, None)
        }
        (None, None) => {
            let now = crate::dates::utc_to_local(Ts::now(), zone);
            let input = NoteInput {
                date: cases::form_date(now.date()),
                time: cases::hh_mm(now.time()),
                confidentiality: Confidentiality::Normal.as_str().to_owned(),
                ..Default::default()
            };
            (input, None)
        }
    };
    let mut page = form_page(&state, ctx, &loaded, None, input, 0, restored, None, vec![]).await?;
    page.offer_voice_note = q.appointment.is_some() && voice.is_none();
    Ok(with_voice_note(page, voice, StatusCode::OK))
}

/// Parses the form into a stored note, or the problems to show. `previous`: the instant of the
/// note being corrected (see [`cases::note_instant`]).
fn parse(
    t: &Tr,
    lists: &Lists,
    signed_in: &SignedIn,
    input: &NoteInput,
    previous: Option<Ts>,
) -> Result<NoteRecord, Vec<(&'static str, String)>> {
    let known = |code: &str| {
        code == cases::CASE_REVIEW || lists.accepts(ListName::ContactMedium, code, None)
    };
    let note = cases::parse_note(input, known)
        .map_err(|ps| ps.iter().map(|(f, p)| (*f, note_problem(t, p))).collect::<Vec<_>>())?;
    let at = crate::dates::local_to_utc(note.occurred_local, signed_in.time_zone.as_deref())
        .ok_or_else(|| vec![("date", t.msg("person-error-date"))])?;
    let now = Ts::now().get();
    cases::not_in_future(at.get(), now).map_err(|p| vec![("date", note_problem(t, &p))])?;
    Ok(NoteRecord {
        occurred_at: Ts::from(cases::note_instant(at.get(), now, previous.map(Ts::get))),
        duration_minutes: note.duration_minutes,
        place: note.place,
        participants: note.participants,
        note_type: note.note_type,
        confidentiality: note.confidentiality,
        body: note.body,
    })
}

/// Saves a new note and forgets its draft, in one transaction with the audit event.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let input = input_of(&pairs);
    // Filed from a voice note: its author's, of this case, not filed yet; else not found.
    let voice = match value_of(&pairs, "voice_note").filter(|v| !v.is_empty()) {
        Some(v) => {
            let v: uuid::Uuid = v.parse().map_err(|_| WebError::NotFound)?;
            let keep = value_of(&pairs, "keep_recording") == Some("1");
            Some(crate::voice_notes::filing_link(&state, &signed_in, &loaded, v, keep).await?)
        }
        None => None,
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let note = match parse(&ctx.t, &lists, &signed_in, &input, None) {
        Ok(n) => n,
        Err(errors) => {
            let page = form_page(&state, ctx, &loaded, None, input, 0, None, None, errors).await?;
            return Ok(with_voice_note(page, voice, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let entry = store::cases::add_note(&mut tx, org, id, &note, me, now).await?;
    store::cases::delete_draft(&mut tx, me, DraftKey { case_id: id, entry_id: None }).await?;
    let mut filed = false;
    if let Some(v) = &voice {
        filed =
            store::voice_notes::mark_filed(&mut tx, org, id, v.id, me, entry, v.keep, now).await?;
    }
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry.to_string())
        .detail("type", note.note_type.as_str())
        .detail("voice_note", voice.as_ref().map(|v| v.id.to_string()));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // The recording goes once the note is safely filed, unless the worker kept it.
    if let Some(v) = voice.filter(|v| filed && v.has_audio)
        && domain::voice_notes::delete_audio_when_filed(v.keep)
    {
        crate::voice_notes::delete_object(&state, v.id, &v.object_name).await;
    }
    Ok(Redirect::to(&format!("/cases/{id}?note=saved")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/draft_status.html")]
pub struct DraftStatus {
    message: String,
}

/// Keeps what is being typed in a note form (htmx, a second after the last keystroke). The
/// draft belongs to the user, so it survives the session; an emptied form forgets it.
pub async fn save_draft(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let entry_id = match value_of(&pairs, "entry_id").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let entry_id: CaseEntryId = v.parse().map_err(|_| WebError::NotFound)?;
            Some(own_note(&state, &signed_in, &loaded, entry_id).await?.id)
        }
    };
    let mut input = input_of(&pairs);
    // A draft is what someone typed, bounded like the note itself (with room to spare for
    // text that will be refused with a message when the note is saved).
    for field in [&mut input.body] {
        if field.chars().count() > cases::BODY_MAX * 2 {
            *field = field.chars().take(cases::BODY_MAX * 2).collect();
        }
    }
    for field in [
        &mut input.date,
        &mut input.time,
        &mut input.duration,
        &mut input.place,
        &mut input.participants,
        &mut input.note_type,
        &mut input.confidentiality,
    ] {
        if field.chars().count() > 1_000 {
            *field = field.chars().take(1_000).collect();
        }
    }
    let key = DraftKey { case_id: id, entry_id };
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let message = if input.is_blank() {
        store::cases::delete_draft(&state.db, me, key).await?;
        String::new()
    } else {
        store::cases::save_draft(&state.db, org, me, key, &input, now).await?;
        ctx.t.msg_args("case-draft-saved", &[("date", &crate::dates::for_user(now, &signed_in))])
    };
    Ok(DraftStatus { message }.into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(CaseId, CaseEntryId)>,
) -> Result<NoteFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    let org = organisation(&signed_in)?;
    let key = DraftKey { case_id: id, entry_id: Some(entry_id) };
    let draft = store::cases::find_draft(&state.db, org, signed_in.actor.user_id, key).await?;
    let (input, restored) = match draft {
        Some(d) => (d.input, Some(restored_message(&ctx.t, &signed_in, d.updated_at))),
        None => (input_of_entry(&entry, &signed_in), None),
    };
    let version = entry.version;
    form_page(&state, ctx, &loaded, Some(&entry), input, version, restored, None, vec![]).await
}

/// Corrects a note if it did not change since the form was shown; otherwise shows the note as
/// it is now beside what was typed, and writes nothing.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(CaseId, CaseEntryId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let input = input_of(&pairs);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let note = match parse(&ctx.t, &lists, &signed_in, &input, Some(entry.occurred_at)) {
        Ok(n) => n,
        Err(errors) => {
            let page =
                form_page(&state, ctx, &loaded, Some(&entry), input, version, None, None, errors)
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::cases::correct_note(&mut tx, org, entry_id, version, &note, Ts::now()).await? {
        drop(tx);
        // Changed since (in another tab): what was typed stays in the form, the stored note is
        // shown above it, and sending the form again saves over the version now shown.
        let current = domain::markup::parse(entry.body.as_deref().unwrap_or(""));
        let errors = vec![("body", ctx.t.msg("case-note-conflict"))];
        let page = form_page(
            &state,
            ctx,
            &loaded,
            Some(&entry),
            input,
            entry.version,
            None,
            Some(current),
            errors,
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    store::cases::delete_draft(&mut tx, me, DraftKey { case_id: id, entry_id: Some(entry_id) })
        .await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry_id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}?note=corrected")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/delete.html")]
pub struct DeletePage {
    chrome: Chrome,
    case_id: CaseId,
    entry_id: CaseEntryId,
    version: i64,
    heading: String,
    when: String,
    blocks: Vec<Block>,
    reason: String,
    errors: Vec<(&'static str, String)>,
}

impl DeletePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn delete_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    entry: &Entry,
    reason: String,
    errors: Vec<(&'static str, String)>,
) -> Result<DeletePage, WebError> {
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    Ok(DeletePage {
        case_id: entry.case_id,
        entry_id: entry.id,
        version: entry.version,
        heading: note_type_label(&ctx.t, &lists, entry.note_type.as_deref().unwrap_or("")),
        when: crate::dates::for_user(entry.occurred_at, signed_in),
        blocks: domain::markup::parse(entry.body.as_deref().unwrap_or("")),
        reason,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn delete_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(CaseId, CaseEntryId)>,
) -> Result<DeletePage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    delete_page(&state, ctx, &signed_in, &entry, String::new(), vec![]).await
}

/// Deletes a note: it stays on the timeline as "deleted by X on D: reason".
pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(CaseId, CaseEntryId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let typed = value_of(&pairs, "reason").unwrap_or("").to_owned();
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let reason = match cases::parse_delete_reason(&typed) {
        Ok(r) => r,
        Err(p) => {
            let message = match p {
                NoteProblem::BodyRequired => ctx.t.msg("case-error-delete-reason"),
                other => note_problem(&ctx.t, &other),
            };
            let page =
                delete_page(&state, ctx, &signed_in, &entry, typed, vec![("reason", message)])
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::cases::delete_note(&mut tx, org, entry_id, version, &reason, me, Ts::now()).await? {
        drop(tx);
        let message = ctx.t.msg("case-note-conflict");
        let page =
            delete_page(&state, ctx, &signed_in, &entry, typed, vec![("reason", message)]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    store::cases::delete_draft(&mut tx, me, DraftKey { case_id: id, entry_id: Some(entry_id) })
        .await?;
    let event = NewAuditEvent::new(AuditAction::RecordDeleted, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry_id.to_string())
        .because(reason);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}?note=deleted")).into_response())
}

/// A version of a note as the versions page shows it.
pub struct VersionView {
    pub label: String,
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/versions.html")]
pub struct VersionsPage {
    chrome: Chrome,
    case_id: CaseId,
    versions: Vec<VersionView>,
}

/// The current text of a corrected note and every earlier one, for its author and the team's
/// supervisors. An audited read.
pub async fn versions(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(CaseId, CaseEntryId)>,
) -> Result<VersionsPage, WebError> {
    let loaded = load(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let entry = store::cases::find_entry(&state.db, org, id, entry_id)
        .await?
        .filter(|e| e.is_note() && e.deleted_at.is_none())
        .ok_or(WebError::NotFound)?;
    let actor = &signed_in.actor;
    if !policy::may_see_note_versions(
        actor,
        &loaded.access,
        entry.author(),
        entry.confidentiality(),
    ) {
        return Err(WebError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(actor.user_id)
        .on("case", id.as_uuid())
        .detail("note_versions", entry_id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let mut versions = vec![VersionView {
        label: t.msg_args(
            "case-version-current",
            &[("date", &crate::dates::for_user(entry.updated_at, &signed_in))],
        ),
        heading: format!(
            "{} — {}",
            note_type_label(t, &lists, entry.note_type.as_deref().unwrap_or("")),
            crate::dates::for_user(entry.occurred_at, &signed_in)
        ),
        blocks: domain::markup::parse(entry.body.as_deref().unwrap_or("")),
    }];
    for v in store::cases::note_versions(&state.db, entry_id).await? {
        versions.push(VersionView {
            label: t.msg_args(
                "case-version-earlier",
                &[
                    ("date", &crate::dates::for_user(v.written_at, &signed_in)),
                    ("replaced", &crate::dates::for_user(v.replaced_at, &signed_in)),
                ],
            ),
            heading: format!(
                "{} — {}",
                note_type_label(t, &lists, v.note_type.as_deref().unwrap_or("")),
                crate::dates::for_user(v.occurred_at, &signed_in)
            ),
            blocks: domain::markup::parse(v.body.as_deref().unwrap_or("")),
        });
    }
    Ok(VersionsPage { chrome: Chrome::new(ctx, &state, Nav::Persons), case_id: id, versions })
}
