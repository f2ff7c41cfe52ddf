//! A document's page (its details, a preview of images and PDFs, the download, share links),
//! and the documents panel of the person's and the case's pages (type, expiry shown in words
//! and not only by colour, upload date, uploader).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use domain::documents::{self as rules, Expiry};
use domain::lists::{ListName, Lists};
use domain::policy;
use domain::{CaseId, PersonId};
use serde::Deserialize;
use store::Ts;
use store::documents::{Document, Share};
use uuid::Uuid;

use super::{facts, follows, organisation, readable};
use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// A document as a list shows it.
pub struct DocView {
    pub id: Uuid,
    pub type_label: String,
    pub file_name: String,
    /// "expired", "soon", "valid" or "" (no date): a class, the words say the same.
    pub expiry_code: &'static str,
    /// The date and what it means ("Expired on 03/02/2026 (12 days ago)").
    pub expiry: Option<String>,
    pub uploaded: String,
    pub uploader: String,
    pub confidential: bool,
}

/// The documents panel of a person's or a case's page.
pub struct DocumentPanel {
    pub docs: Vec<DocView>,
    /// Where the upload form is, for those who may upload here.
    pub upload: Option<String>,
}

fn today(signed_in: &SignedIn) -> time::Date {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date()
}

fn date(d: time::Date) -> String {
    domain::persons::french_date(d)
}

/// The expiry's class and words.
pub(super) fn expiry_view(
    t: &Tr,
    expires_on: Option<time::Date>,
    today: time::Date,
) -> (&'static str, Option<String>) {
    let Some(on) = expires_on else { return ("", None) };
    let d = date(on);
    match rules::expiry(Some(on), today) {
        Expiry::None => ("", None),
        Expiry::Valid => ("valid", Some(t.msg_args("document-expires-on", &[("date", &d)]))),
        Expiry::Soon { days } => (
            "soon",
            Some(t.msg_args("document-expires-soon", &[("date", &d), ("days", &days.to_string())])),
        ),
        Expiry::Expired { days } => (
            "expired",
            Some(t.msg_args("document-expired", &[("date", &d), ("days", &days.to_string())])),
        ),
    }
}

fn view(t: &Tr, lists: &Lists, signed_in: &SignedIn, d: &Document) -> DocView {
    let (expiry_code, expiry) = expiry_view(t, d.expires_on, today(signed_in));
    DocView {
        id: d.id,
        type_label: list_label(t, lists, ListName::DocumentType, &d.type_code),
        file_name: d.file_name.clone(),
        expiry_code,
        expiry,
        uploaded: crate::dates::for_user(d.created_at, signed_in),
        uploader: d.uploader_name.clone().unwrap_or_default(),
        confidential: d.confidential,
    }
}

/// The documents of a person the actor may read (their cases' included), and the upload link
/// for those who may upload; `None` for those who may do neither.
pub async fn person_panel(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    person_id: PersonId,
) -> Result<Option<DocumentPanel>, WebError> {
    let org = organisation(signed_in)?;
    let may_upload = policy::may_upload_to_person(&signed_in.actor);
    if !may_upload && !crate::chrome::allows(policy::DOCUMENT_READERS, signed_in) {
        return Ok(None);
    }
    let docs = store::documents::of_person(&state.db, org, person_id).await?;
    let cases = store::cases::of_person(&state.db, org, person_id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let follows_person = follows(signed_in, &cases);
    let visible = docs
        .iter()
        .filter(|d| {
            // The usual access to the document's case (an emergency grant opens the case's
            // documents from the case's page).
            let access = d.case().map(|id| {
                cases
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| {
                        let co = c.co_referent_ids();
                        policy::case_access(&signed_in.actor, &c.facts(&co))
                    })
                    .unwrap_or_default()
            });
            policy::may_read_document(&signed_in.actor, &facts(d, access, follows_person))
        })
        .map(|d| view(t, &lists, signed_in, d))
        .collect();
    Ok(Some(DocumentPanel {
        docs: visible,
        upload: may_upload.then(|| format!("/persons/{person_id}/documents/new")),
    }))
}

/// The documents of a case the actor may read, and the upload link for its writers.
pub(crate) async fn case_panel(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    loaded: &crate::cases::Loaded,
) -> Result<Option<DocumentPanel>, WebError> {
    let access = loaded.access;
    let may_upload = policy::may_upload_to_case(&access);
    if !access.content && !may_upload {
        return Ok(None);
    }
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    let docs = store::documents::of_case(&state.db, org, case.id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let visible = docs
        .iter()
        .filter(|d| policy::may_read_document(&signed_in.actor, &facts(d, Some(access), false)))
        .map(|d| view(t, &lists, signed_in, d))
        .collect();
    Ok(Some(DocumentPanel {
        docs: visible,
        upload: may_upload
            .then(|| format!("/persons/{}/documents/new?case={}", case.person_id, case.id)),
    }))
}

// ---------------------------------------------------------------------------------------------
// A document's page.

/// A share link as the page lists it.
pub struct ShareView {
    pub id: Uuid,
    pub recipient: String,
    pub created: String,
    pub expires: String,
    pub status: String,
    pub active: bool,
    pub uses: i64,
    pub last_used: Option<String>,
}

#[derive(Template)]
#[template(path = "documents/show.html")]
pub struct DocumentPage {
    chrome: Chrome,
    id: Uuid,
    person_id: PersonId,
    person_name: String,
    case_id: Option<CaseId>,
    doc: DocView,
    file_kind: String,
    size: String,
    /// "image" or "pdf" when previewed.
    preview: &'static str,
    can_share: bool,
    shares: Vec<ShareView>,
    /// A link just made: shown once, never again (only its hash is kept).
    new_link: Option<String>,
    share_days: String,
    share_label: String,
    share_recipient: String,
    max_days: i64,
    notice: Option<String>,
    errors: Vec<(String, String)>,
}

impl DocumentPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The page's policy: the application's, with the document's preview framed from here.
pub(super) const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn share_view(t: &Tr, signed_in: &SignedIn, s: &Share, now: Ts) -> ShareView {
    let status = if s.revoked_at.is_some() {
        t.msg("document-share-revoked")
    } else if s.active(now) {
        t.msg("document-share-active")
    } else {
        t.msg("document-share-expired")
    };
    let who = t.msg(&format!("document-share-to-{}", s.recipient));
    ShareView {
        id: s.id,
        recipient: match &s.recipient_label {
            Some(l) if !l.is_empty() => format!("{who} — {l}"),
            _ => who,
        },
        created: crate::dates::for_user(s.created_at, signed_in),
        expires: crate::dates::for_user(s.expires_at, signed_in),
        status,
        active: s.active(now),
        uses: s.use_count,
        last_used: s.last_used_at.map(|at| crate::dates::for_user(at, signed_in)),
    }
}

/// What a share form typed, kept when refused.
#[derive(Default)]
pub(super) struct ShareTyped {
    pub days: String,
    pub label: String,
    pub recipient: String,
}

/// The page of a document the actor may read.
#[allow(clippy::too_many_arguments)] // The page, and what the share form said.
pub(super) async fn document_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: Uuid,
    new_link: Option<String>,
    notice: Option<String>,
    typed: ShareTyped,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let (doc, f) = readable(state, signed_in, id).await?;
    let org = organisation(signed_in)?;
    let person = super::person_of(state, org, doc.person_id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let can_share = policy::may_share_document(&signed_in.actor, &f);
    let now = Ts::now();
    let shares = if can_share {
        store::documents::shares_of(&state.db, org, doc.id)
            .await?
            .iter()
            .map(|s| share_view(t, signed_in, s, now))
            .collect()
    } else {
        vec![]
    };
    let file_type = files::FileType::parse(&doc.file_type);
    let preview = match file_type.and_then(files::FileType::preview) {
        Some(files::Preview::Image) => "image",
        Some(files::Preview::Pdf) => "pdf",
        None => "",
    };
    let page = DocumentPage {
        id: doc.id,
        person_id: doc.person_id,
        person_name: person.record.display_name(),
        case_id: doc.case(),
        doc: view(t, &lists, signed_in, &doc),
        file_kind: file_type.map(|t| t.code().to_uppercase()).unwrap_or_default(),
        size: t.msg_args(
            "document-size",
            &[("mb", &super::upload::format_mb(doc.size_bytes.max(0) as u64))],
        ),
        preview,
        can_share,
        shares,
        new_link,
        share_days: if typed.days.is_empty() {
            rules::SHARE_DEFAULT_DAYS.to_string()
        } else {
            typed.days
        },
        share_label: typed.label,
        share_recipient: if typed.recipient.is_empty() {
            "partner".into()
        } else {
            typed.recipient
        },
        max_days: rules::SHARE_MAX_DAYS,
        notice,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    };
    let status = if page.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render().map_err(|_| WebError::Internal("the document page did not render"))?;
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    uploaded: Option<String>,
    revoked: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let notice = if q.uploaded.is_some() {
        Some(ctx.t.msg("document-notice-uploaded"))
    } else if q.revoked.is_some() {
        Some(ctx.t.msg("document-notice-revoked"))
    } else {
        None
    };
    document_page(&state, ctx, &signed_in, id, None, notice, ShareTyped::default(), vec![]).await
}
