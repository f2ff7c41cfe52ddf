//! The referrals received from peers, on the receiving instance: the same page as a referral
//! received on one instance (`referrals/received.html`), fed from the copy the package
//! brought — until the person withdraws their consent, when the copy is erased and what this
//! organisation's own law requires stays: the referral's existence, reason, request, its
//! answers. Answers go back to the sender as packages; each is also downloadable as a file.
//! Every read is this organisation's own (`person_file_read` in its chain); the first one is
//! the access receipt the next answer carries to the referring organisation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::federation::{Kind, ReferralPayload};
use domain::policy;
use domain::referrals::{self as rules, Side, Status};
use store::Ts;
use store::audit::NewAuditEvent;
use store::federation::Received;
use uuid::Uuid;

use super::outbox::{self, Route};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::referrals::pages::{Choice, MoveForm, ShowQuery, problem};
use crate::referrals::shared::{DocumentView, DomainView, SharedView};
use crate::referrals::{StepView, move_label, status_label};

/// A referral received from a peer by the organisation the user acts in, if they answer its
/// referrals; anything else is "not found".
async fn received(state: &AppState, signed_in: &SignedIn, id: Uuid) -> Result<Received, WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let r = store::federation::received(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    if !policy::may_answer_referral(&signed_in.actor, Some(org)) {
        return Err(WebError::NotFound);
    }
    Ok(r)
}

async fn audit_read(
    tx: &mut store::Tx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    r: &Received,
    action: AuditAction,
    subject: (&str, Uuid),
) -> Result<(), WebError> {
    let mut event = NewAuditEvent::new(action, Some(OrganisationId::from_uuid(r.organisation_id)))
        .by(signed_in.actor.user_id)
        .on(subject.0, subject.1)
        .detail("federated_referral", r.id.to_string())
        .detail("peer", r.peer_id.to_string())
        .detail("erased", r.erased_at.is_some());
    if let Some(role) = signed_in.actor.role() {
        event = event.detail("role", role.as_str());
    }
    audit_trail::record(tx, meta, event).await?;
    Ok(())
}

/// The same page as a referral received on one instance.
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
    consent: String,
    withdrawn: bool,
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
    r: &Received,
    note: String,
    errors: Vec<(&'static str, String)>,
    done: Option<&str>,
) -> Result<ReceivedPage, WebError> {
    let t = &ctx.t;
    let copy: Option<ReferralPayload> =
        r.content.as_deref().and_then(|c| serde_json::from_str(c).ok());
    let withdrawn = r.erased_at.is_some();
    let status = r.status();
    let visible = copy.is_some() && !matches!(status, Status::Declined | Status::Revoked);
    let mut shared = SharedView::default();
    let mut consent = String::new();
    if let Some(p) = &copy {
        consent = t.msg_args(
            "federation-consent",
            &[
                ("method", &t.msg(&format!("referral-method-{}", p.consent.method))),
                ("date", &p.consent.given_on),
                ("referent", &p.referent.name),
                ("email", p.referent.email.as_deref().unwrap_or("")),
            ],
        );
        if visible {
            shared.identity =
                p.identity.iter().map(|i| (i.label.clone(), i.value.clone())).collect();
            shared.domains = p
                .domains
                .iter()
                .map(|d| DomainView {
                    label: d.label.clone(),
                    need: d.need.clone(),
                    person: d.person.clone(),
                    words: d.words.clone(),
                })
                .collect();
            let id = r.id;
            shared.documents = store::federation::received_documents(&state.db, r.id)
                .await?
                .into_iter()
                .map(|d| DocumentView {
                    label: d.title,
                    href: Some(format!("/referrals/federated/{id}/documents/{}", d.id)),
                })
                .collect();
        }
    }
    if let Some(at) = r.erased_at {
        consent = t.msg_args(
            "referral-consent-withdrawn",
            &[("date", &crate::dates::for_user(at, signed_in))],
        );
    }
    let steps = outbox::deliveries(state, t, signed_in, r.id)
        .await?
        .into_iter()
        .map(|d| StepView {
            status: d.kind,
            when: d.when,
            by: String::new(),
            side: d.state,
            note: d.error,
        })
        .collect();
    Ok(ReceivedPage {
        from: format!("{} ({})", r.sender_organisation, r.peer_name),
        service: r.service_name.clone(),
        status: status_label(t, status),
        urgency: t.msg(&format!("referral-urgency-{}", r.urgency)),
        reason: r.reason.clone(),
        request: r.request.clone(),
        sent: crate::dates::for_user(r.received_at, signed_in),
        consent,
        withdrawn,
        shared,
        visible,
        steps,
        moves: if withdrawn {
            vec![]
        } else {
            rules::next(status, Side::Partner, true)
                .into_iter()
                .map(|m| Choice {
                    code: m.as_str().into(),
                    label: move_label(t, m),
                    selected: false,
                })
                .collect()
        },
        move_action: format!("/referrals/federated/{}/move", r.id),
        version: r.version,
        note,
        notice: done
            .filter(|d| ["moved", "stale", "imported"].contains(d))
            .map(|d| t.msg(&format!("federation-notice-{d}"))),
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
    // The read is recorded before anything is shown; the first one is the access receipt.
    let mut tx = state.db.begin_write().await?;
    audit_read(
        &mut tx,
        &meta,
        &signed_in,
        &r,
        AuditAction::PersonFileRead,
        ("federated_referral", r.id),
    )
    .await?;
    store::federation::mark_opened(&mut tx, r.id, Ts::now()).await?;
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
    let to = Status::parse(&form.to).filter(|to| {
        r.erased_at.is_none() && rules::may_move(r.status(), *to, Side::Partner, true)
    });
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
    let peer = store::federation::peer(&state.db, r.peer_id).await?.ok_or(WebError::NotFound)?;
    let route = Route { me: super::identity(&state).await?, peer };
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    if !store::federation::answer(&mut tx, r.id, form.version, to, note.as_deref(), now).await? {
        return Ok(Redirect::to(&format!("/referrals/federated/{id}?done=stale")).into_response());
    }
    let fresh =
        store::federation::received(&mut tx, OrganisationId::from_uuid(r.organisation_id), r.id)
            .await?
            .ok_or(WebError::NotFound)?;
    outbox::send_answer(&mut tx, &route, &fresh, to, note.as_deref(), now).await?;
    let event = NewAuditEvent::new(
        AuditAction::RecordUpdated,
        Some(OrganisationId::from_uuid(r.organisation_id)),
    )
    .by(signed_in.actor.user_id)
    .on("federated_referral", id)
    .detail("status", to.as_str())
    .detail("side", Side::Partner.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/referrals/federated/{id}?done=moved")).into_response())
}

/// The newest answer package, as a file for a sender reached by hand.
pub async fn download_answer(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let r = received(&state, &signed_in, id).await?;
    let (package_id, body) = store::federation::latest_outgoing(&state.db, r.id, Kind::Answer)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(outbox::as_file(package_id, body))
}

/// A document received with the referral, while its copy is kept.
pub async fn document(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, document_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    let r = received(&state, &signed_in, id).await?;
    if matches!(r.status(), Status::Declined | Status::Revoked) {
        return Err(WebError::NotFound);
    }
    let (doc, bytes) = store::federation::received_document(&state.db, r.id, document_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    audit_read(
        &mut tx,
        &meta,
        &signed_in,
        &r,
        AuditAction::DocumentDownloaded,
        ("federated_document", doc.id),
    )
    .await?;
    tx.commit().await?;
    let name: String = doc
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}
