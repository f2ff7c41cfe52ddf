//! The upload form and its handler. The file is checked, encrypted and written as its bytes
//! arrive ([`files::Inspector`], [`files::FileStore::create`]): a web page is refused from its
//! first bytes, a file beyond the limit as soon as it passes it, without keeping it; what the
//! browser still sends after a refusal is read and thrown away (up to [`super::DRAIN_BYTES`])
//! so that the user gets the page saying why, with what they chose kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::documents::{
    self as rules, ConfidentialChoice, DocumentInput, DocumentProblem, sanitize_file_name,
};
use domain::lists::{ListName, Lists};
use domain::policy;
use domain::{CaseId, PersonId};
use files::{Inspector, Refusal, Upload, Use};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::documents::NewDocument;
use uuid::Uuid;

use super::{DRAIN_BYTES, case_access, organisation, person_of};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// One option of a select, or one box of a group.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The longest text field of the form read.
const MAX_FIELD_BYTES: usize = 1024;

#[derive(Template, WebTemplate)]
#[template(path = "documents/new.html")]
pub struct UploadPage {
    chrome: Chrome,
    person_id: PersonId,
    person_name: String,
    cases: Vec<Choice>,
    types: Vec<Choice>,
    expires_on: String,
    confidential: Vec<Choice>,
    confidential_types: String,
    expiry_types: String,
    accept: String,
    max_mb: String,
    back: String,
    errors: Vec<(String, String)>,
}

impl UploadPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    case: Option<String>,
}

/// The cases of the person the user may upload to, as choices ("" for none).
async fn case_choices(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    person_id: PersonId,
    chosen: Option<CaseId>,
) -> Result<Vec<(CaseId, String, bool)>, WebError> {
    let org = organisation(signed_in)?;
    let mut out = Vec::new();
    for case in store::cases::of_person(&state.db, org, person_id).await? {
        if policy::may_upload_to_case(&case_access(state, signed_in, &case).await?) {
            let opened = crate::dates::for_user(case.opened_at, signed_in);
            let label = t.msg_args(
                "document-case-choice",
                &[("team", &case.team_name), ("date", opened.split(' ').next().unwrap_or(""))],
            );
            out.push((case.id, label, Some(case.id) == chosen));
        }
    }
    Ok(out)
}

fn names(t: &Tr, lists: &Lists, codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| list_label(t, lists, ListName::DocumentType, c))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)] // The form, and what a failed submission said.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    person_id: PersonId,
    chosen_case: Option<CaseId>,
    typed: &DocumentInput,
    errors: Vec<(String, String)>,
) -> Result<UploadPage, WebError> {
    let org = organisation(signed_in)?;
    let person = person_of(state, org, person_id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let mut cases = vec![Choice {
        code: String::new(),
        label: t.msg("document-no-case"),
        selected: chosen_case.is_none(),
    }];
    let choices = case_choices(state, t, signed_in, person_id, chosen_case).await?;
    cases.extend(choices.into_iter().map(|(id, label, selected)| Choice {
        code: id.to_string(),
        label,
        selected,
    }));
    let mut types = vec![Choice {
        code: String::new(),
        label: t.msg("document-choose-type"),
        selected: typed.type_code.is_empty(),
    }];
    types.extend(lists.offered(ListName::DocumentType).into_iter().map(|v| Choice {
        label: list_label(t, &lists, ListName::DocumentType, &v.code),
        selected: v.code == typed.type_code,
        code: v.code,
    }));
    let chosen =
        ConfidentialChoice::parse(&typed.confidential).unwrap_or(ConfidentialChoice::ByType);
    let confidential = ConfidentialChoice::ALL
        .into_iter()
        .map(|c| Choice {
            code: c.as_str().to_owned(),
            label: t.msg(&format!("document-confidential-{}", c.as_str().replace('_', "-"))),
            selected: c == chosen,
        })
        .collect();
    let back = match chosen_case {
        Some(c) => format!("/cases/{c}"),
        None => format!("/persons/{person_id}"),
    };
    let max = state.config.files.max_upload_bytes;
    Ok(UploadPage {
        person_id,
        person_name: person.record.display_name(),
        cases,
        types,
        expires_on: typed.expires_on.clone(),
        confidential,
        confidential_types: names(t, &lists, &rules::CONFIDENTIAL_BY_DEFAULT),
        expiry_types: names(t, &lists, &rules::EXPIRY_TRACKED),
        accept: Use::Document.accept(),
        max_mb: format_mb(max),
        back,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// Megabytes as people read them ("20", "0.5").
pub(crate) fn format_mb(bytes: u64) -> String {
    let mb = bytes as f64 / 1_048_576.0;
    if mb.fract() == 0.0 { format!("{mb:.0}") } else { format!("{mb:.1}") }
}

fn may_upload_here(signed_in: &SignedIn) -> Result<(), WebError> {
    if policy::may_upload_to_person(&signed_in.actor) { Ok(()) } else { Err(WebError::NotFound) }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(person_id): Path<PersonId>,
    Query(q): Query<FormQuery>,
) -> Result<UploadPage, WebError> {
    may_upload_here(&signed_in)?;
    let case = q.case.as_deref().and_then(|c| c.parse().ok());
    page(&state, ctx, &signed_in, person_id, case, &DocumentInput::default(), vec![]).await
}

fn problem(t: &Tr, p: DocumentProblem) -> String {
    t.msg(match p {
        DocumentProblem::TypeRequired => "document-error-type-required",
        DocumentProblem::TypeUnknown => "document-error-type-unknown",
        DocumentProblem::ExpiryInvalid => "document-error-expiry",
        DocumentProblem::ConfidentialInvalid => "document-error-confidential",
    })
}

fn refusal_message(t: &Tr, r: Refusal) -> String {
    match r {
        Refusal::TooLarge { max } => {
            t.msg_args("document-error-too-large", &[("max", &format_mb(max))])
        }
        Refusal::Empty => t.msg("document-error-empty"),
        Refusal::WebContent => t.msg("document-error-web-content"),
        Refusal::NotAllowed => t.msg("document-error-not-allowed"),
        Refusal::ZipBomb => t.msg("document-error-zip-bomb"),
        Refusal::Corrupt => t.msg("document-error-corrupt"),
    }
}

/// A text field of the form, at most [`MAX_FIELD_BYTES`].
pub(crate) async fn text(field: &mut Field<'_>, drained: &mut u64) -> Option<String> {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        *drained += chunk.len() as u64;
        if bytes.len() + chunk.len() <= MAX_FIELD_BYTES {
            bytes.extend_from_slice(&chunk);
        }
    }
    String::from_utf8(bytes).ok()
}

/// The file being received.
struct Incoming {
    object: String,
    upload: Option<Upload>,
    inspector: Inspector,
    name: String,
}

/// What the file's part gave.
pub(crate) enum Received {
    /// No file chosen (an empty part).
    Nothing,
    Stored {
        object: String,
        name: String,
        file_type: files::FileType,
        size: u64,
    },
    Refused(Refusal),
    /// The connection broke or the body is not multipart as announced.
    Broken,
}

/// Streams one file part into the store, checking it as it comes against the allow-list of
/// `use_` (documents, voice notes).
pub(crate) async fn receive(
    state: &AppState,
    field: &mut Field<'_>,
    limit: u64,
    use_: Use,
) -> Received {
    let mut incoming = Incoming {
        object: Uuid::now_v7().to_string(),
        upload: None,
        inspector: Inspector::new(use_, limit),
        name: sanitize_file_name(field.file_name().unwrap_or("")),
    };
    let refusal = loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break None,
            Err(_) => {
                if let Some(u) = incoming.upload.take() {
                    u.abort().await;
                }
                return Received::Broken;
            }
        };
        if chunk.is_empty() {
            continue;
        }
        if let Err(r) = incoming.inspector.feed(&chunk) {
            break Some(r);
        }
        if incoming.upload.is_none() {
            match state.config.files.store.create(&incoming.object).await {
                Ok(u) => incoming.upload = Some(u),
                Err(e) => {
                    tracing::error!(error = %e, "the file store refused a new object");
                    return Received::Broken;
                }
            }
        }
        let upload = incoming.upload.as_mut().expect("created above");
        if let Err(e) = upload.write(&chunk).await {
            tracing::error!(error = %e, "writing to the file store failed");
            if let Some(u) = incoming.upload.take() {
                u.abort().await;
            }
            return Received::Broken;
        }
    };
    if let Some(r) = refusal {
        if let Some(u) = incoming.upload.take() {
            u.abort().await;
        }
        return Received::Refused(r);
    }
    let Some(upload) = incoming.upload.take() else { return Received::Nothing };
    let size = incoming.inspector.total();
    match incoming.inspector.finish() {
        Ok(file_type) => match upload.finish().await {
            Ok(()) => {
                Received::Stored { object: incoming.object, name: incoming.name, file_type, size }
            }
            Err(e) => {
                tracing::error!(error = %e, "completing an object in the file store failed");
                Received::Broken
            }
        },
        Err(r) => {
            upload.abort().await;
            Received::Refused(r)
        }
    }
}

/// Reads and throws away what is left of the body, up to [`DRAIN_BYTES`].
pub(crate) async fn drain(multipart: &mut Multipart, field: Option<Field<'_>>, mut left: u64) {
    if let Some(mut f) = field {
        while let Ok(Some(c)) = f.chunk().await {
            left = left.saturating_sub(c.len() as u64);
            if left == 0 {
                return;
            }
        }
    }
    while let Ok(Some(mut f)) = multipart.next_field().await {
        while let Ok(Some(c)) = f.chunk().await {
            left = left.saturating_sub(c.len() as u64);
            if left == 0 {
                return;
            }
        }
    }
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(person_id): Path<PersonId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    may_upload_here(&signed_in)?;
    let org = organisation(&signed_in)?;
    // Unknown or another organisation's person: not found, before reading the file.
    person_of(&state, org, person_id).await?;
    let Ok(mut multipart) = multipart else {
        let errors = vec![("file".to_owned(), ctx.t.msg("document-error-not-sent"))];
        let typed = DocumentInput::default();
        let p = page(&state, ctx, &signed_in, person_id, None, &typed, errors).await?;
        return Ok((StatusCode::BAD_REQUEST, p).into_response());
    };
    let limit = state.config.files.max_upload_bytes;
    let mut typed = DocumentInput::default();
    let mut case_typed = String::new();
    let mut stored: Option<(String, String, files::FileType, u64)> = None;
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
            "file" | "photo" if stored.is_none() && refused.is_none() => {
                match receive(&state, &mut field, limit, Use::Document).await {
                    Received::Nothing => {}
                    Received::Stored { object, name, file_type, size } => {
                        stored = Some((object, name, file_type, size))
                    }
                    Received::Refused(r) => {
                        refused = Some(r);
                        // Keep reading the other fields (what the user chose stays), the
                        // rest of the file thrown away as it comes.
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
                match name.as_str() {
                    "type" => typed.type_code = value,
                    "expires_on" => typed.expires_on = value,
                    "confidential" => typed.confidential = value,
                    "case" => case_typed = value,
                    _ => {}
                }
                if other_bytes > DRAIN_BYTES {
                    break;
                }
            }
        }
    }
    drain(&mut multipart, None, DRAIN_BYTES).await;
    let discard = |state: &AppState, stored: &Option<(String, String, files::FileType, u64)>| {
        let store = state.config.files.store.clone();
        let object = stored.as_ref().map(|s| s.0.clone());
        async move {
            if let Some(o) = object
                && let Err(e) = store.delete(&o).await
            {
                tracing::warn!(error = %e, "a refused upload's object could not be removed");
            }
        }
    };
    let t = &ctx.t;
    let chosen_case: Option<CaseId> = case_typed.trim().parse().ok();
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if broken {
        errors.push(("file".into(), t.msg("document-error-not-sent")));
        status = StatusCode::BAD_REQUEST;
    } else if let Some(r) = refused {
        if matches!(r, Refusal::TooLarge { .. }) {
            status = StatusCode::PAYLOAD_TOO_LARGE;
        }
        errors.push(("file".into(), refusal_message(t, r)));
    } else if stored.is_none() {
        errors.push(("file".into(), t.msg("document-error-file-required")));
    }
    let fields = match rules::parse_fields(&typed, &lists) {
        Ok(f) => Some(f),
        Err(problems) => {
            errors.extend(problems.into_iter().map(|(f, p)| (f.to_owned(), problem(t, p))));
            None
        }
    };
    // The case, if one was chosen: one of the person's that the user may upload to.
    let case = match chosen_case {
        None if !case_typed.trim().is_empty() => {
            errors.push(("case".into(), t.msg("document-error-case")));
            None
        }
        None => None,
        Some(id) => {
            let case = store::cases::find(&state.db, org, id).await?;
            match case {
                Some(c)
                    if c.person_id == person_id
                        && policy::may_upload_to_case(
                            &case_access(&state, &signed_in, &c).await?,
                        ) =>
                {
                    Some(c)
                }
                _ => {
                    errors.push(("case".into(), t.msg("document-error-case")));
                    None
                }
            }
        }
    };
    let (Some(fields), Some((object, name, file_type, size)), true) =
        (fields, stored.clone(), errors.is_empty())
    else {
        discard(&state, &stored).await;
        if stored.is_some() && errors.iter().all(|(f, _)| f != "file") {
            // The file was fine: say it must be chosen again (browsers never keep it).
            errors.push(("file".into(), t.msg("document-error-choose-again")));
        }
        let p = page(&state, ctx, &signed_in, person_id, chosen_case, &typed, errors).await?;
        return Ok((status, p).into_response());
    };
    let id = Uuid::now_v7();
    let me = signed_in.actor.user_id;
    let new = NewDocument {
        id,
        organisation_id: org,
        person_id,
        case_id: case.as_ref().map(|c| c.id),
        type_code: &fields.type_code,
        file_name: &name,
        file_type: file_type.code(),
        size_bytes: size as i64,
        object_name: &object,
        key_id: state.config.files.store.keys().current_id(),
        expires_on: fields.expires_on,
        confidential: fields.confidential,
        uploaded_by: me,
    };
    // The timeline says what anyone reading the case may know: the type, unless confidential.
    let summary = if fields.confidential {
        t.msg("document-timeline-confidential")
    } else {
        list_label(t, &lists, ListName::DocumentType, &fields.type_code)
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        let now = Ts::now();
        store::documents::insert(&mut tx, &new, &summary, now).await?;
        // Expiring soon (a residence permit): the referent's reminder now, not hours later.
        let today = store::ts::local_today(now, signed_in.time_zone.as_deref());
        let days = state.config.files.reminder_days;
        store::documents::remind_now(&mut tx, id, today, days, now).await?;
        let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
            .by(me)
            .on("document", id)
            .detail("person", person_id.to_string())
            .detail("case", new.case_id.map(|c| c.to_string()))
            .detail("type", fields.type_code.clone())
            .detail("file_type", file_type.code())
            .detail("size", size)
            .detail("confidential", fields.confidential);
        audit_trail::record(&mut tx, &meta, event).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    if let Err(e) = saved {
        discard(&state, &stored).await;
        return Err(e);
    }
    Ok(Redirect::to(&format!("/documents/{id}?uploaded=1")).into_response())
}
