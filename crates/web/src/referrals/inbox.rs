//! The receiving side: the inbox of the referrals sent to the user's organisation (a partner
//! hosted on this instance), a referral's page with exactly the shared items, the partner's
//! answers, and the download of a shared document. Every read and download is written in the
//! **referring** organisation's audit log, the answers too; nothing of the person beyond the
//! shared items is reachable, and nothing at all once the consent is withdrawn.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::policy;
use domain::referrals::{self as rules, ShareItem, Side, Status};
use store::Ts;
use store::audit::NewAuditEvent;
use store::referrals::Referral;
use uuid::Uuid;

use super::pages::{Choice, MoveForm, ShowQuery, problem};
use super::shared::{self, SharedView};
use super::{StepView, move_label, notice, organisation, status_label, step_views};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// A referral received by the user's organisation that they may answer; anything else (a
/// draft, another organisation's, unknown) is "not found".
async fn received(state: &AppState, signed_in: &SignedIn, id: Uuid) -> Result<Referral, WebError> {
    let org = organisation(signed_in)?;
    let r = store::referrals::find_received(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    if !policy::may_answer_referral(&signed_in.actor, r.partner_organisation()) {
        return Err(WebError::NotFound);
    }
    Ok(r)
}

/// Records a partner's access in the referring organisation's chain.
async fn audit(
    tx: &mut store::Tx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    r: &Referral,
    action: AuditAction,
    subject: (&str, Uuid),
) -> Result<(), WebError> {
    let mut event = NewAuditEvent::new(action, Some(r.organisation_id))
        .by(signed_in.actor.user_id)
        .on(subject.0, subject.1)
        .detail("referral", r.id.to_string())
        .detail("person", r.person_id.to_string())
        .detail("partner_organisation", r.partner_organisation_id.map(|o| o.to_string()))
        .detail("shares_visible", r.shares_visible());
    if let Some(role) = signed_in.actor.role() {
        event = event.detail("role", role.as_str());
    }
    audit_trail::record(tx, meta, event).await?;
    Ok(())
}

/// A received referral in the inbox: the person's name only when it is shared and visible.
pub struct InboxRow {
    pub href: String,
    pub from: String,
    pub service: String,
    pub person: Option<String>,
    pub status: String,
    pub sent: String,
    pub urgency: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/inbox.html")]
pub struct InboxPage {
    chrome: Chrome,
    rows: Vec<InboxRow>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<InboxPage, WebError> {
    let org = organisation(&signed_in)?;
    let list = store::referrals::inbox(&state.db, org).await?;
    let list: Vec<Referral> = list
        .into_iter()
        .filter(|r| policy::may_answer_referral(&signed_in.actor, r.partner_organisation()))
        .collect();
    let t = &ctx.t;
    let mut rows = Vec::new();
    let mut tx = state.db.begin_write().await?;
    for r in &list {
        let items = store::referrals::items(&mut tx, r.id).await?;
        let name_shared = r.shares_visible()
            && items.contains(&ShareItem::Identity(domain::referrals::IdentityField::Name));
        let person = if name_shared {
            audit(&mut tx, &meta, &signed_in, r, AuditAction::PersonFileRead, ("referral", r.id))
                .await?;
            store::persons::find(&mut tx, r.organisation_id, r.person_id)
                .await?
                .map(|p| p.record.display_name())
        } else {
            None
        };
        rows.push(InboxRow {
            href: format!("/referrals/inbox/{}", r.id),
            from: r.organisation_name.clone(),
            service: r.service_name.clone(),
            person,
            status: status_label(t, r.status()),
            sent: r.sent_at.map(|at| crate::dates::for_user(at, &signed_in)).unwrap_or_default(),
            urgency: t.msg(&format!("referral-urgency-{}", r.urgency)),
        });
    }
    // Referrals received from peer instances (ADR 0029): this organisation's own copies, the
    // person's name while the copy is kept. Reading the list is this organisation's read.
    for r in store::federation::inbox(&mut tx, org).await? {
        let copy: Option<domain::federation::ReferralPayload> =
            r.content.as_deref().and_then(|c| serde_json::from_str(c).ok());
        let person =
            copy.and_then(|c| c.identity.into_iter().find(|i| i.field == "name")).map(|i| i.value);
        if person.is_some() {
            let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
                .by(signed_in.actor.user_id)
                .on("federated_referral", r.id)
                .detail("peer", r.peer_id.to_string());
            audit_trail::record(&mut tx, &meta, event).await?;
        }
        rows.push(InboxRow {
            href: format!("/referrals/federated/{}", r.id),
            from: format!("{} ({})", r.sender_organisation, r.peer_name),
            service: r.service_name.clone(),
            person,
            status: status_label(t, r.status()),
            sent: crate::dates::for_user(r.received_at, &signed_in),
            urgency: t.msg(&format!("referral-urgency-{}", r.urgency)),
        });
    }
    tx.commit().await?;
    Ok(InboxPage { rows, chrome: Chrome::new(ctx, &state, Nav::Referrals) })
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/received.html")]
pub struct ReceivedPage {
    chrome: Chrome,
    from: String,
    service: String,
    status: String,
    urgency: String,
    reason: String,
    request: String,
    sent: String,
    /// While the consent runs: how it was given. Once withdrawn: when.
    consent: String,
    withdrawn: bool,
    /// The shared items (empty when they are no longer visible).
    shared: SharedView,
    visible: bool,
    steps: Vec<StepView>,
    moves: Vec<Choice>,
    move_action: String,
    version: i64,
    note: String,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl ReceivedPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    r: &Referral,
    note: String,
    errors: Vec<(&'static str, String)>,
    done: Option<&str>,
) -> Result<ReceivedPage, WebError> {
    let t = &ctx.t;
    let visible = r.shares_visible();
    let shared = if visible {
        let items = store::referrals::items(&state.db, r.id).await?;
        let id = r.id;
        shared::load(state, t, r, &items, |doc| {
            Some(format!("/referrals/inbox/{id}/documents/{doc}"))
        })
        .await?
    } else {
        SharedView::default()
    };
    let steps = store::referrals::steps(&state.db, r.id).await?;
    let status = r.status();
    Ok(ReceivedPage {
        from: r.organisation_name.clone(),
        service: r.recipient(),
        status: status_label(t, status),
        urgency: t.msg(&format!("referral-urgency-{}", r.urgency)),
        reason: r.reason.clone(),
        request: r.request.clone(),
        sent: r.sent_at.map(|at| crate::dates::for_user(at, signed_in)).unwrap_or_default(),
        consent: match r.consent_withdrawn_at {
            Some(at) => t.msg_args(
                "referral-consent-withdrawn",
                &[("date", &crate::dates::for_user(at, signed_in))],
            ),
            None => super::pages::consent_text(t, r),
        },
        withdrawn: r.consent_withdrawn_at.is_some(),
        shared,
        visible,
        steps: step_views(t, signed_in, &steps),
        moves: rules::next(status, Side::Partner, true)
            .into_iter()
            .map(|m| Choice { code: m.as_str().into(), label: move_label(t, m), selected: false })
            .collect(),
        move_action: format!("/referrals/inbox/{}/move", r.id),
        version: r.version,
        note,
        notice: notice(t, done),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Referrals),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<ReceivedPage, WebError> {
    let r = received(&state, &signed_in, id).await?;
    // The read is recorded before anything is shown.
    let mut tx = state.db.begin_write().await?;
    audit(&mut tx, &meta, &signed_in, &r, AuditAction::PersonFileRead, ("referral", r.id)).await?;
    tx.commit().await?;
    page(&state, ctx, &signed_in, &r, String::new(), vec![], q.done_code()).await
}

pub async fn move_to(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<MoveForm>,
) -> Result<Response, WebError> {
    let r = received(&state, &signed_in, id).await?;
    // A step that does not follow (a stale page, a forged value) is refused with the page.
    let to = Status::parse(&form.to)
        .filter(|to| rules::may_move(r.status(), *to, Side::Partner, r.hosted()));
    let note = match to.map(|to| rules::parse_note(to, &form.note)) {
        Some(Ok(n)) => n,
        refused => {
            let message = match refused {
                Some(Err(p)) => problem(&ctx.t, p),
                _ => ctx.t.msg("referral-error-move"),
            };
            let errors = vec![("note", message)];
            let page = page(&state, ctx, &signed_in, &r, form.note, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let to = to.expect("checked above");
    let mut tx = state.db.begin_write().await?;
    let me = signed_in.actor.user_id;
    let moved = store::referrals::move_to(
        &mut tx,
        &r,
        form.version,
        to,
        Side::Partner,
        me,
        note.as_deref(),
        Ts::now(),
    )
    .await?;
    if !moved {
        return Ok(Redirect::to(&format!("/referrals/inbox/{id}?done=stale")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(r.organisation_id))
        .by(me)
        .on("referral", id)
        .detail("status", to.as_str())
        .detail("side", Side::Partner.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/referrals/inbox/{id}?done=moved")).into_response())
}

/// A shared document, while the consent runs and the referral shows its items.
pub async fn document(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, document_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    let r = received(&state, &signed_in, id).await?;
    if !r.shares_visible() {
        return Err(WebError::NotFound);
    }
    let items = store::referrals::items(&state.db, r.id).await?;
    if !items.contains(&ShareItem::Document(document_id)) {
        return Err(WebError::NotFound);
    }
    let doc = store::documents::find(&state.db, r.organisation_id, document_id)
        .await?
        .filter(|d| d.person_id == r.person_id)
        .ok_or(WebError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    audit(&mut tx, &meta, &signed_in, &r, AuditAction::DocumentDownloaded, ("document", doc.id))
        .await?;
    tx.commit().await?;
    crate::documents::send_document(&state, &doc, false).await
}
