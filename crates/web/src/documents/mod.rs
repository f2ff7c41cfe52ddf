//! Documents of a person, optionally of one of their cases (issue 9 point 3; ADR 0019): upload
//! (a plain file input that takes a dropped file or the phone's camera, no script needed), the
//! checks of the `files` crate while the bytes stream in, encryption at rest, a page per
//! document with a preview of images and PDFs, downloads as attachments, and share links that
//! expire and can be revoked. Every download, preview and use of a link is an audit event.
//!
//! Every route's rule lets in the roles that may reach some document; who reads one document
//! is [`policy::may_read_document`]: a document one may not read answers "not found", like an
//! unknown one or another organisation's.

mod pages;
pub(crate) mod serve;
mod shares;
pub(crate) mod upload;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use domain::policy::{self, CaseAccess, DocumentFacts, Rule};
use domain::{OrganisationId, PersonId};
use store::cases::Case;
use store::documents::Document;

pub(crate) use pages::case_panel;
pub use pages::{DocumentPanel, person_panel};
pub(crate) use serve::send as send_document;

use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::routes::Routes;

/// What a refused upload may still send after the refusal, read and thrown away, so that the
/// browser gets the page that says why rather than a broken connection. Beyond this the
/// connection is closed. Memory stays flat either way: nothing of it is kept.
pub const DRAIN_BYTES: u64 = 256 * 1024 * 1024;

/// The store and limits of uploaded files.
#[derive(Debug, Clone)]
pub struct FilesConfig {
    pub store: files::FileStore,
    /// The largest file accepted (default 20 MB).
    pub max_upload_bytes: u64,
    /// How many days before a document expires its referent gets a reminder task (60).
    pub reminder_days: i64,
}

impl FilesConfig {
    pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;
    pub const DEFAULT_REMINDER_DAYS: i64 = 60;
}

pub fn router() -> Routes {
    Routes::new()
        .get("/persons/{person_id}/documents/new", policy::DOCUMENT_UPLOADERS, upload::form)
        .post(
            "/persons/{person_id}/documents/new",
            policy::DOCUMENT_UPLOADERS,
            // The handler counts every byte itself: the file's limit is configurable, and what
            // follows a refusal is read up to DRAIN_BYTES and thrown away.
            upload::upload.layer(DefaultBodyLimit::disable()),
        )
        .get("/documents/{document_id}", policy::DOCUMENT_READERS, pages::show)
        .get("/documents/{document_id}/download", policy::DOCUMENT_READERS, serve::download)
        .get("/documents/{document_id}/preview", policy::DOCUMENT_READERS, serve::preview)
        .post("/documents/{document_id}/shares", policy::DOCUMENT_SHARERS, shares::create)
        .post(
            "/documents/{document_id}/shares/{share_id}/revoke",
            policy::DOCUMENT_SHARERS,
            shares::revoke,
        )
        // The token is the credential: anyone holding a live link downloads the document.
        // Logs carry the route's pattern, never the token (crate::middleware::observe).
        .get("/shared/{token}", Rule::Public, shares::open)
}

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// The actor's access to a case, an emergency grant counted.
async fn case_access(
    state: &AppState,
    signed_in: &SignedIn,
    case: &Case,
) -> Result<CaseAccess, WebError> {
    let co = case.co_referent_ids();
    let facts = case.facts(&co);
    let actor = &signed_in.actor;
    let grant = if policy::may_break_the_glass(actor, &facts) {
        let org = organisation(signed_in)?;
        store::case_emergency::active(&state.db, org, case.id, actor.user_id, store::Ts::now())
            .await?
    } else {
        None
    };
    Ok(policy::case_access_with_grant(actor, &facts, grant.is_some()))
}

/// Whether the actor is the referent or a co-referent of one of these (open or paused) cases.
fn follows(signed_in: &SignedIn, cases: &[Case]) -> bool {
    let me = signed_in.actor.user_id;
    cases.iter().any(|c| {
        c.status() != domain::cases::CaseStatus::Closed
            && (c.referent() == Some(me) || c.co_referent_ids().contains(&me))
    })
}

fn facts(doc: &Document, case: Option<CaseAccess>, follows_person: bool) -> DocumentFacts {
    DocumentFacts {
        organisation_id: doc.organisation_id,
        uploaded_by: doc.uploader(),
        confidential: doc.confidential,
        case,
        follows_person,
    }
}

/// A document the actor may read, with the facts the decision used; anything else is "not
/// found".
async fn readable(
    state: &AppState,
    signed_in: &SignedIn,
    id: uuid::Uuid,
) -> Result<(Document, DocumentFacts), WebError> {
    let org = organisation(signed_in)?;
    let doc = store::documents::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    // A document of a file in the restricted archive, as its person's page (ADR 0040).
    crate::privacy::unless_archived(state, org, doc.person_id, signed_in.actor.user_id).await?;
    let (access, follows_person) = match doc.case() {
        Some(case_id) => {
            let case =
                store::cases::find(&state.db, org, case_id).await?.ok_or(WebError::NotFound)?;
            (Some(case_access(state, signed_in, &case).await?), false)
        }
        None => {
            let cases = store::cases::of_person(&state.db, org, doc.person_id).await?;
            (None, follows(signed_in, &cases))
        }
    };
    let f = facts(&doc, access, follows_person);
    if !policy::may_read_document(&signed_in.actor, &f) {
        return Err(WebError::NotFound);
    }
    Ok((doc, f))
}

/// The person a document page or form is about, in the active organisation.
async fn person_of(
    state: &AppState,
    org: OrganisationId,
    id: PersonId,
) -> Result<store::persons::Person, WebError> {
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)
}
