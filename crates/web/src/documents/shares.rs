//! Share links: a worker who reads a document makes a link for the person or a partner, valid
//! for a few days; the link is a secret token shown once (only its SHA-256 is stored), it can be
//! revoked, and the page lists every link with its use count. Making, revoking and using a link
//! are audit events. Logs never carry the token: the request line logs the route's pattern.

use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::documents::{ShareRecipient, parse_share_days};
use domain::policy;
use store::Ts;
use store::audit::NewAuditEvent;
use store::documents::NewShare;
use uuid::Uuid;

use super::pages::{ShareTyped, document_page};
use super::{organisation, readable};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::{SignedIn, new_token, token_hash};
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::persons::{form_pairs, value_of};

/// The longest name of a recipient kept.
const MAX_LABEL_CHARS: usize = 200;

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let (doc, f) = readable(&state, &signed_in, id).await?;
    if !policy::may_share_document(&signed_in.actor, &f) {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let typed = ShareTyped {
        days: value_of(&pairs, "days").unwrap_or("").trim().to_owned(),
        label: value_of(&pairs, "label")
            .unwrap_or("")
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_LABEL_CHARS)
            .collect(),
        recipient: value_of(&pairs, "recipient").unwrap_or("").trim().to_owned(),
    };
    let mut errors = Vec::new();
    let days = parse_share_days(&typed.days);
    if days.is_none() {
        errors.push((
            "share-days".to_owned(),
            ctx.t.msg_args(
                "document-error-share-days",
                &[("max", &domain::documents::SHARE_MAX_DAYS.to_string())],
            ),
        ));
    }
    let recipient = ShareRecipient::parse(&typed.recipient);
    if recipient.is_none() {
        errors.push(("share-recipient".to_owned(), ctx.t.msg("document-error-share-recipient")));
    }
    let (Some(days), Some(recipient)) = (days, recipient) else {
        return document_page(&state, ctx, &signed_in, id, None, None, typed, errors).await;
    };
    let token = new_token();
    let hash = hex::encode(token_hash(&token));
    let now = Ts::now();
    let share_id = Uuid::now_v7();
    let me = signed_in.actor.user_id;
    let label = (!typed.label.is_empty()).then_some(typed.label.as_str());
    let new = NewShare {
        id: share_id,
        organisation_id: org,
        document_id: doc.id,
        token_hash: &hash,
        recipient: recipient.as_str(),
        recipient_label: label,
        expires_at: Ts::from(now.get() + time::Duration::days(days)),
        created_by: me,
    };
    let mut tx = state.db.begin_write().await?;
    store::documents::create_share(&mut tx, &new, now).await?;
    let event = NewAuditEvent::new(AuditAction::DocumentShared, Some(org))
        .by(me)
        .on("document", doc.id)
        .detail("share", share_id.to_string())
        .detail("recipient", recipient.as_str())
        .detail("days", days);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // Shown once, in this answer only (never in an address that would be logged or kept).
    let link = format!("{}/shared/{token}", state.config.base_url);
    let notice = Some(ctx.t.msg("document-notice-shared"));
    document_page(&state, ctx, &signed_in, id, Some(link), notice, ShareTyped::default(), vec![])
        .await
}

pub async fn revoke(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, share_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    let (doc, f) = readable(&state, &signed_in, id).await?;
    if !policy::may_share_document(&signed_in.actor, &f) {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    // A link of another document (or organisation) is unknown here.
    let shares = store::documents::shares_of(&state.db, org, doc.id).await?;
    if !shares.iter().any(|s| s.id == share_id) {
        return Err(WebError::NotFound);
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if store::documents::revoke_share(&mut tx, org, doc.id, share_id, me, Ts::now()).await? {
        let event = NewAuditEvent::new(AuditAction::DocumentShareRevoked, Some(org))
            .by(me)
            .on("document", doc.id)
            .detail("share", share_id.to_string());
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/documents/{id}?revoked=1")).into_response())
}

/// A share link opened: the document as an attachment while the link lives; "not found" for
/// an unknown, expired or revoked one (the same answer for all three).
pub async fn open(
    State(state): State<AppState>,
    meta: RequestMeta,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let hash = hex::encode(token_hash(&token));
    let mut tx = state.db.begin_write().await?;
    let Some((share_id, doc)) = store::documents::use_share(&mut tx, &hash, Ts::now()).await?
    else {
        return Err(WebError::NotFound);
    };
    let event = NewAuditEvent::new(AuditAction::DocumentShareUsed, Some(doc.organisation_id))
        .on("document", doc.id)
        .detail("share", share_id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    super::serve::send(&state, &doc, false).await
}
