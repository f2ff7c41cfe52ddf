//! The sending side: a referral to a peer's service, its withdrawal, and our answers to a
//! referral received become sealed packages, recorded with their delivery job in the
//! transaction of the change; the referral's page shows their state; each downloads as a file
//! for the partner who is not reachable over the network.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use domain::federation::{
    self as fed, AnswerPayload, ConsentPayload, Contact, DocumentPayload, Kind, ReferralPayload,
    WithdrawalPayload,
};
use domain::referrals::{ShareItem, Status};
use store::Ts;
use store::audit::NewAuditEvent;
use store::federation::{Peer, Received};
use store::referrals::Referral;
use uuid::Uuid;

use super::{Identity, identity};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;

/// A shared document travels inside the package up to this size; a larger one is left out
/// (the referral's page and the partner's say so by its absence; the letter lists it).
pub const DOCUMENT_MAX_BYTES: i64 = 4 * 1024 * 1024;
/// All documents of one package together.
pub const DOCUMENTS_MAX_BYTES: i64 = 8 * 1024 * 1024;

/// What sending to a peer needs, read before the write transaction opens (creating the
/// identity writes).
pub struct Route {
    pub me: Identity,
    pub peer: Peer,
}

/// The peer a referral to `service` goes to, with our identity; `None` when its partner is
/// not a peer.
pub async fn route_of_service(state: &AppState, service: Uuid) -> Result<Option<Route>, WebError> {
    match store::federation::peer_of_service(&state.db, service).await? {
        Some(peer) => Ok(Some(Route { me: identity(state).await?, peer })),
        None => Ok(None),
    }
}

/// The peer a referral of ours was sent to, with our identity.
pub async fn route_of_referral(
    state: &AppState,
    referral: Uuid,
) -> Result<Option<Route>, WebError> {
    let Some(peer_id) = store::federation::peer_of_referral(&state.db, referral).await? else {
        return Ok(None);
    };
    match store::federation::peer(&state.db, peer_id).await? {
        Some(peer) => Ok(Some(Route { me: identity(state).await?, peer })),
        None => Ok(None),
    }
}

fn seal(
    route: &Route,
    kind: Kind,
    payload: &impl serde::Serialize,
    now: Ts,
) -> Option<fed::Package> {
    let keys = route.peer.keys()?;
    let bytes = serde_json::to_vec(payload).expect("a payload serialises");
    Some(fed::seal(
        kind,
        Uuid::now_v7(),
        route.me.instance_id,
        &route.me.keys,
        route.peer.instance_id,
        &keys,
        &bytes,
        now.get(),
    ))
}

/// Seals the sent referral `r` for its peer and queues its delivery, in `tx`; records in the
/// referring organisation's chain what left (`case_exported`, the items).
#[allow(clippy::too_many_arguments)] // One send: where, who, what, to which peer, when.
pub async fn send_referral(
    tx: &mut store::Tx,
    state: &AppState,
    t: &Tr,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    r: &Referral,
    route: &Route,
    now: Ts,
) -> Result<(), WebError> {
    let items = store::referrals::items(&mut *tx, r.id).await?;
    let shared = super::super::referrals::shared_view(state, t, r, &items).await?;
    let mut documents = Vec::new();
    let mut total = 0;
    for item in &items {
        let ShareItem::Document(id) = item else { continue };
        let Some(doc) = store::documents::find(&state.db, r.organisation_id, *id).await? else {
            continue;
        };
        if doc.person_id != r.person_id
            || doc.size_bytes > DOCUMENT_MAX_BYTES
            || total + doc.size_bytes > DOCUMENTS_MAX_BYTES
        {
            continue;
        }
        let bytes = state.config.files.store.read_all(&doc.object_name).await.map_err(|e| {
            tracing::error!(document_id = %doc.id, error = %e, "a shared document cannot be read");
            WebError::Internal("a shared document cannot be read")
        })?;
        total += doc.size_bytes;
        documents.push(DocumentPayload {
            title: doc.file_name.clone(),
            file_name: doc.file_name.clone(),
            media_type: files::FileType::parse(&doc.file_type)
                .map(|f| f.mime())
                .unwrap_or("application/octet-stream")
                .to_owned(),
            content: fed::encode(&bytes),
        });
    }
    let payload = ReferralPayload {
        referral_id: r.id,
        sender_organisation: r.organisation_name.clone(),
        referent: Contact {
            name: signed_in.display_name.clone(),
            email: Some(signed_in.email.clone()),
        },
        service_name: r.recipient(),
        reason: r.reason.clone(),
        request: r.request.clone(),
        urgency: r.urgency.clone(),
        consent: ConsentPayload {
            given_by: r.given_by.clone(),
            given_by_name: r.given_by_name.clone(),
            method: r.method.clone(),
            given_on: r.given_on.to_string(),
            scope: items.iter().map(ShareItem::token).collect(),
        },
        identity: items
            .iter()
            .filter_map(|i| if let ShareItem::Identity(f) = i { Some(f.as_str()) } else { None })
            .zip(shared.identity)
            .map(|(field, (label, value))| fed::IdentityPayload {
                field: field.to_owned(),
                label,
                value,
            })
            .collect(),
        domains: shared
            .domains
            .into_iter()
            .map(|d| fed::DomainPayload {
                label: d.label,
                need: d.need,
                person: d.person,
                words: d.words,
            })
            .collect(),
        documents,
    };
    let Some(package) = seal(route, Kind::Referral, &payload, now) else {
        return Err(WebError::Internal("a peer's stored keys are not valid"));
    };
    store::federation::send(tx, &package, route.peer.id, r.id, now).await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(r.organisation_id))
        .by(signed_in.actor.user_id)
        .on("case", r.case_id.as_uuid())
        .detail("referral", r.id.to_string())
        .detail("person", r.person_id.to_string())
        .detail("peer", route.peer.id.to_string())
        .detail("package", package.header.id.to_string())
        .detail("items", items.iter().map(ShareItem::token).collect::<Vec<_>>())
        .detail("documents", payload.documents.len() as u64);
    audit_trail::record(tx, meta, event).await?;
    Ok(())
}

/// Queues a withdrawal of our referral `referral` to its peer (the person withdrew their
/// consent, or we withdrew the referral): the peer erases its copy.
pub async fn send_withdrawal(
    tx: &mut store::Tx,
    route: &Route,
    referral: Uuid,
    now: Ts,
) -> Result<(), WebError> {
    let payload = WithdrawalPayload { referral_id: referral };
    let Some(package) = seal(route, Kind::Withdrawal, &payload, now) else {
        return Err(WebError::Internal("a peer's stored keys are not valid"));
    };
    store::federation::send(tx, &package, route.peer.id, referral, now).await?;
    Ok(())
}

/// Queues our answer to a referral received from a peer, with the access receipt (when its
/// staff first opened it).
pub async fn send_answer(
    tx: &mut store::Tx,
    route: &Route,
    r: &Received,
    to: Status,
    note: Option<&str>,
    now: Ts,
) -> Result<(), WebError> {
    let payload = AnswerPayload {
        referral_id: r.remote_referral_id,
        status: to.as_str().to_owned(),
        note: note.map(str::to_owned),
        first_opened_at: r.first_opened_at.map(|at| at.canonical()),
    };
    let Some(package) = seal(route, Kind::Answer, &payload, now) else {
        return Err(WebError::Internal("a peer's stored keys are not valid"));
    };
    store::federation::send(tx, &package, route.peer.id, r.id, now).await?;
    Ok(())
}

/// Where the packages of a referral are, as its page shows them.
pub struct DeliveryView {
    pub kind: String,
    pub state: String,
    pub when: String,
    pub error: Option<String>,
}

pub async fn deliveries(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    subject: Uuid,
) -> Result<Vec<DeliveryView>, WebError> {
    let rows = store::federation::packages_of(&state.db, subject).await?;
    Ok(rows
        .into_iter()
        .map(|p| DeliveryView {
            kind: t.msg(&format!("federation-kind-{}-{}", p.direction, p.kind)),
            state: t.msg(&format!("federation-state-{}", p.state)),
            when: crate::dates::for_user(p.updated_at, signed_in),
            error: p.error,
        })
        .collect())
}

/// A package as a file to download.
pub fn as_file(id: Uuid, body: String) -> Response {
    let disposition = format!("attachment; filename=\"passerelle-package-{id}.json\"");
    (
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `GET /referrals/{id}/package`: the newest package of our referral, as a file (for a partner
/// reached by hand). Audited as an export.
pub async fn download(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (r, _, write) = crate::referrals::readable_referral(&state, &signed_in, id).await?;
    if !write {
        return Err(WebError::NotFound);
    }
    let latest = match store::federation::latest_outgoing(&state.db, r.id, Kind::Withdrawal).await?
    {
        Some(w) => Some(w),
        None => store::federation::latest_outgoing(&state.db, r.id, Kind::Referral).await?,
    };
    let (package_id, body) = latest.ok_or(WebError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(r.organisation_id))
        .by(signed_in.actor.user_id)
        .on("case", r.case_id.as_uuid())
        .detail("referral", r.id.to_string())
        .detail("package", package_id.to_string())
        .detail("as_file", true);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(as_file(package_id, body))
}
