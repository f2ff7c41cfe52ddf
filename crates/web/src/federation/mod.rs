//! Federation of referrals between instances (issue 8 point 4; ADR 0029; docs/federation.md).
//!
//! - This instance's identity (`identity`): its id and its Ed25519 and X25519 keys, made on
//!   first use and kept in the database sealed with the instance's secret key; its public
//!   card at `GET /api/v1/federation/instance` (`api`).
//! - Pairing (`admin`): an instance administrator registers a partner instance by its card,
//!   links it to a directory partner (what we send) and to an organisation (what we receive),
//!   issues its inbound token and records the token it issued us.
//! - Sending (`outbox`): a referral sent to a service whose partner is a peer, its withdrawal
//!   or the person's consent withdrawal, and our answers to a referral received, become sealed
//!   packages, posted by a job with retries; the referral's page shows where each one is, and
//!   any of them downloads as a file.
//! - Receiving (`receive`): one function for a package posted by a peer (with its token) or
//!   imported as a file (`import`): every check before anything is written, then in one
//!   transaction the package's effect, its id (no replay) and the audit events.
//! - The referrals received (`received`): in the organisation's inbox beside those of this
//!   instance, on the same page, with the copied items until the consent is withdrawn.

mod admin;
pub mod api;
mod import;
pub mod jobs;
pub mod outbox;
mod received;

use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::http::Method;
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::federation::{
    self as fed, AnswerPayload, InstanceCard, InstanceKeys, Kind, Package, ReferralPayload,
    Rejection, WithdrawalPayload,
};
use domain::policy::{FEDERATION_ADMINS, FEDERATION_IMPORTERS, REFERRAL_SENDERS};
use domain::referrals::{Side, Status};
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::errors::WebError;
use crate::routes::Routes;

/// Where peers post packages. A request here is authenticated by the peer's token, in the
/// handler: the session and anti-forgery layers leave it alone (it carries no cookie a
/// browser would add by itself).
pub const PACKAGES_PATH: &str = "/api/v1/federation/packages";

pub fn router() -> Routes {
    Routes::new()
        .get("/admin/federation", FEDERATION_ADMINS, admin::index)
        .post("/admin/federation/peers", FEDERATION_ADMINS, admin::add_peer)
        .post(
            "/admin/federation/peers/{peer_id}/inbound-token",
            FEDERATION_ADMINS,
            admin::issue_token,
        )
        .post(
            "/admin/federation/peers/{peer_id}/outbound-token",
            FEDERATION_ADMINS,
            admin::record_token,
        )
        .get("/federation/import", FEDERATION_IMPORTERS, import::form)
        .post(
            "/federation/import",
            FEDERATION_IMPORTERS,
            import::upload.layer(DefaultBodyLimit::max(fed::MAX_PACKAGE_BYTES + 64 * 1024)),
        )
        .get("/referrals/{referral_id}/package", REFERRAL_SENDERS, outbox::download)
        .get("/referrals/federated/{federated_id}", FEDERATION_IMPORTERS, received::show)
        .post("/referrals/federated/{federated_id}/move", FEDERATION_IMPORTERS, received::move_to)
        .get(
            "/referrals/federated/{federated_id}/answer",
            FEDERATION_IMPORTERS,
            received::download_answer,
        )
        .get(
            "/referrals/federated/{federated_id}/documents/{document_id}",
            FEDERATION_IMPORTERS,
            received::document,
        )
        .get("/api/v1/federation/instance", domain::policy::Rule::Public, api::instance)
        .post(
            PACKAGES_PATH,
            domain::policy::Rule::Public,
            api::packages.layer(DefaultBodyLimit::max(fed::MAX_PACKAGE_BYTES)),
        )
}

/// Whether a request is a peer's post of a package (see [`PACKAGES_PATH`]).
pub fn is_peer_post(req: &Request) -> bool {
    req.method() == Method::POST && req.uri().path() == PACKAGES_PATH
}

/// This instance's identity with its secret keys.
pub struct Identity {
    pub instance_id: Uuid,
    pub name: String,
    pub keys: InstanceKeys,
}

/// This instance's identity, made (and stored, sealed) on first use.
pub async fn identity(state: &AppState) -> Result<Identity, WebError> {
    let secret = &state.config.secret_key;
    let row = match store::federation::instance(&state.db).await? {
        Some(row) => row,
        None => {
            let keys = InstanceKeys::generate();
            let (s, e) = keys.to_bytes();
            let sealed = crate::secrets::encrypt(secret, &[s, e].concat()).into_bytes();
            let name = instance_name(&state.config.base_url);
            let mut tx = state.db.begin_write().await?;
            let row = store::federation::create_instance(
                &mut tx,
                Uuid::now_v7(),
                &name,
                &sealed,
                Ts::now(),
            )
            .await?;
            tx.commit().await?;
            row
        }
    };
    let bytes = String::from_utf8(row.sealed_keys)
        .ok()
        .and_then(|hex| crate::secrets::decrypt(secret, &hex))
        .filter(|b| b.len() == 64)
        .ok_or(WebError::Internal(
            "the federation keys do not open with this secret key (was it changed?)",
        ))?;
    let (s, e) = bytes.split_at(32);
    Ok(Identity {
        instance_id: row.instance_id,
        name: row.name,
        keys: InstanceKeys::from_bytes(s.try_into().expect("32"), e.try_into().expect("32")),
    })
}

/// The name a new instance's card shows: its host.
fn instance_name(base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    format!("Passerelle {}", rest.trim_end_matches('/'))
}

/// This instance's public card.
pub fn card(state: &AppState, me: &Identity) -> InstanceCard {
    InstanceCard::new(me.instance_id, &me.name, &state.config.base_url, me.keys.public())
}

/// How a package came in.
#[derive(Debug, Clone, Copy)]
pub enum Via<'a> {
    /// Posted by a peer with the token we issued it (if any was sent).
    Post { token: Option<&'a str> },
    /// Imported as a file by a user acting in `organisation`.
    File { organisation: OrganisationId, user: domain::UserId },
}

/// What a package did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub kind: Kind,
    /// The referral it is about, on this instance (ours, or the received copy).
    pub subject: Uuid,
}

/// Receives a package: checks everything (shape, peer, token or importer, signature,
/// recipient, age, replay, content) before anything is written, then applies it, records its
/// id and the audit events in one transaction. `Ok(Err(_))`: refused, nothing written.
pub async fn receive(
    state: &AppState,
    raw: &[u8],
    via: Via<'_>,
    meta: &RequestMeta,
) -> Result<Result<Accepted, Rejection>, WebError> {
    let package = match Package::parse(raw) {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let me = identity(state).await?;
    let Some(peer) = store::federation::peer_of_instance(&state.db, package.header.from).await?
    else {
        return Ok(Err(Rejection::UnknownPeer));
    };
    if let Via::Post { token } = via {
        let ok = match token {
            Some(t) => {
                store::federation::token_is_peers(&state.db, peer.id, &fed::token_hash(t)).await?
            }
            None => false,
        };
        if !ok {
            return Ok(Err(Rejection::Unauthorized));
        }
    }
    let Some(sender) = peer.keys() else { return Ok(Err(Rejection::UnknownPeer)) };
    let seen = store::federation::seen(&state.db, package.header.id).await?;
    let now = Ts::now();
    let payload = match fed::open(&package, me.instance_id, &me.keys, &sender, now.get(), |_| seen)
    {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let header = &package.header;
    let importer = match via {
        Via::File { organisation, user } => Some((organisation, user)),
        Via::Post { .. } => None,
    };
    match header.kind {
        Kind::Referral => {
            let Ok(p) = serde_json::from_slice::<ReferralPayload>(&payload) else {
                return Ok(Err(Rejection::InvalidPayload));
            };
            let Some(org) = peer.organisation_id.map(OrganisationId::from_uuid) else {
                return Ok(Err(Rejection::UnknownPeer));
            };
            if importer.is_some_and(|(o, _)| o != org) {
                return Ok(Err(Rejection::UnknownPeer));
            }
            if domain::referrals::Urgency::parse(&p.urgency).is_none() {
                return Ok(Err(Rejection::InvalidPayload));
            }
            let mut documents = Vec::new();
            for d in &p.documents {
                match fed::decode(&d.content) {
                    Some(bytes) => documents.push((d.clone(), bytes)),
                    None => return Ok(Err(Rejection::InvalidPayload)),
                }
            }
            if store::federation::received_from(&state.db, peer.id, p.referral_id).await?.is_some()
            {
                return Ok(Err(Rejection::Replayed));
            }
            let mut tx = state.db.begin_write().await?;
            let id = store::federation::receive_referral(
                &mut tx,
                org.as_uuid(),
                peer.id,
                &p,
                &documents,
                now,
            )
            .await?;
            store::federation::record_received(&mut tx, header, peer.id, id, now).await?;
            let mut event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
                .on("federated_referral", id)
                .detail("peer", peer.id.to_string())
                .detail("package", header.id.to_string())
                .detail("items", (p.identity.len() + p.domains.len() + p.documents.len()) as u64);
            if let Some((_, user)) = importer {
                event = event.by(user);
            }
            audit_trail::record(&mut tx, meta, event).await?;
            tx.commit().await?;
            Ok(Ok(Accepted { kind: Kind::Referral, subject: id }))
        }
        Kind::Answer => {
            let Ok(p) = serde_json::from_slice::<AnswerPayload>(&payload) else {
                return Ok(Err(Rejection::InvalidPayload));
            };
            // Only the peer the referral was sent to answers it.
            if store::federation::peer_of_referral(&state.db, p.referral_id).await? != Some(peer.id)
            {
                return Ok(Err(Rejection::UnknownReferral));
            }
            let Some(org) =
                store::federation::referral_organisation(&state.db, p.referral_id).await?
            else {
                return Ok(Err(Rejection::UnknownReferral));
            };
            if importer.is_some_and(|(o, _)| o != org) {
                return Ok(Err(Rejection::UnknownReferral));
            }
            let Some(r) = store::referrals::find(&state.db, org, p.referral_id).await? else {
                return Ok(Err(Rejection::UnknownReferral));
            };
            let Some(to) = Status::parse(&p.status) else {
                return Ok(Err(Rejection::InvalidPayload));
            };
            let Ok(note) = domain::referrals::parse_note(to, p.note.as_deref().unwrap_or(""))
            else {
                return Ok(Err(Rejection::InvalidPayload));
            };
            // An answer that no longer follows (the sender withdrew meanwhile) is kept as
            // received and moves nothing.
            let follows = domain::referrals::may_move(r.status(), to, Side::Partner, true);
            let mut tx = state.db.begin_write().await?;
            let moved = follows
                && store::referrals::move_by(
                    &mut tx,
                    &r,
                    r.version,
                    to,
                    Side::Partner,
                    None,
                    note.as_deref(),
                    now,
                )
                .await?;
            store::federation::record_received(&mut tx, header, peer.id, r.id, now).await?;
            let mut event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
                .on("referral", r.id)
                .detail("person", r.person_id.to_string())
                .detail("peer", peer.id.to_string())
                .detail("side", Side::Partner.as_str())
                .detail("status", to.as_str())
                .detail("moved", moved)
                .detail("partner_first_opened_at", p.first_opened_at.clone());
            if let Some((_, user)) = importer {
                event = event.by(user);
            }
            audit_trail::record(&mut tx, meta, event).await?;
            tx.commit().await?;
            Ok(Ok(Accepted { kind: Kind::Answer, subject: r.id }))
        }
        Kind::Withdrawal => {
            let Ok(p) = serde_json::from_slice::<WithdrawalPayload>(&payload) else {
                return Ok(Err(Rejection::InvalidPayload));
            };
            let Some(r) =
                store::federation::received_from(&state.db, peer.id, p.referral_id).await?
            else {
                return Ok(Err(Rejection::UnknownReferral));
            };
            let org = OrganisationId::from_uuid(r.organisation_id);
            if importer.is_some_and(|(o, _)| o != org) {
                return Ok(Err(Rejection::UnknownReferral));
            }
            let mut tx = state.db.begin_write().await?;
            store::federation::erase(&mut tx, r.id, now).await?;
            store::federation::record_received(&mut tx, header, peer.id, r.id, now).await?;
            let mut event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
                .on("federated_referral", r.id)
                .detail("peer", peer.id.to_string())
                .detail("erased", true);
            if let Some((_, user)) = importer {
                event = event.by(user);
            }
            audit_trail::record(&mut tx, meta, event).await?;
            tx.commit().await?;
            Ok(Ok(Accepted { kind: Kind::Withdrawal, subject: r.id }))
        }
    }
}
