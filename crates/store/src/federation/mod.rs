//! Federation of referrals between instances (ADR 0029): this instance's identity (its keys
//! sealed by the caller), the peers an administrator registered with their tokens, every
//! package sent (its sealed body and delivery state) or received (its id, against replays),
//! and the referrals received from peers with the copy of what was shared, erased when the
//! person withdraws their consent.

use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

mod received;
pub use received::*;

/// This instance's identity row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Instance {
    pub instance_id: Uuid,
    pub name: String,
    /// The two secret keys, sealed with the instance's secret key by the web layer.
    pub sealed_keys: Vec<u8>,
}

/// This instance's identity, if it was created.
#[tracing::instrument(skip_all)]
pub async fn instance<'c>(exec: impl Into<Exec<'c>>) -> Result<Option<Instance>, StoreError> {
    Ok(sql!(
        as Instance,
        fetch_optional,
        exec,
        "SELECT instance_id, name, sealed_keys FROM federation_instance WHERE id = 1",
    )?)
}

/// Creates this instance's identity unless another server did first; returns the one kept.
#[tracing::instrument(skip_all)]
pub async fn create_instance(
    tx: &mut Tx,
    instance_id: Uuid,
    name: &str,
    sealed_keys: &[u8],
    now: Ts,
) -> Result<Instance, StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO federation_instance (id, instance_id, name, sealed_keys, created_at) \
         VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        instance_id,
        name,
        sealed_keys,
        now,
    )?;
    Ok(instance(&mut *tx).await?.expect("just written"))
}

// ---------------------------------------------------------------------------------------------
// Peers.

/// A registered partner instance, without its tokens.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Peer {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub name: String,
    pub base_url: String,
    pub signing_key: Vec<u8>,
    pub encryption_key: Vec<u8>,
    /// Sending side: the directory partner whose services' referrals go to this peer.
    pub partner_id: Option<Uuid>,
    pub partner_name: Option<String>,
    /// Receiving side: the organisation whose inbox its packages land in.
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub has_inbound_token: bool,
    pub has_outbound_token: bool,
    pub created_at: Ts,
}

impl Peer {
    /// What the administrators compare by phone.
    pub fn fingerprint(&self) -> String {
        self.keys().map(|k| k.fingerprint()).unwrap_or_default()
    }

    pub fn keys(&self) -> Option<domain::federation::PublicKeys> {
        Some(domain::federation::PublicKeys {
            signing: self.signing_key.as_slice().try_into().ok()?,
            encryption: self.encryption_key.as_slice().try_into().ok()?,
        })
    }
}

const PEER_SELECT: &str = "SELECT f.id, f.instance_id, f.name, f.base_url, f.signing_key, \
     f.encryption_key, f.partner_id, p.name AS partner_name, f.organisation_id, \
     o.name AS organisation_name, f.inbound_token_hash IS NOT NULL AS has_inbound_token, \
     f.outbound_token IS NOT NULL AS has_outbound_token, f.created_at \
     FROM federation_peers f LEFT JOIN partner_organisations p ON p.id = f.partner_id \
     LEFT JOIN organisations o ON o.id = f.organisation_id ";

/// A peer to register, from its card.
#[derive(Debug, Clone)]
pub struct NewPeer<'a> {
    pub instance_id: Uuid,
    pub name: &'a str,
    pub base_url: &'a str,
    pub keys: domain::federation::PublicKeys,
    pub partner_id: Option<Uuid>,
    pub organisation_id: Option<OrganisationId>,
    pub by: UserId,
}

/// Registers a peer. An instance registered already is [`StoreError::Duplicate`] (`card`).
#[tracing::instrument(skip_all)]
pub async fn add_peer(tx: &mut Tx, new: &NewPeer<'_>, now: Ts) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO federation_peers (id, instance_id, name, base_url, signing_key, \
         encryption_key, partner_id, organisation_id, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        id,
        new.instance_id,
        new.name,
        new.base_url,
        new.keys.signing.as_slice(),
        new.keys.encryption.as_slice(),
        new.partner_id,
        new.organisation_id.map(|o| o.as_uuid()),
        new.by.as_uuid(),
        now,
    )
    .map_err(|e| {
        StoreError::on_unique(
            e,
            &[("federation_peers_instance_id_key", "federation_peers.instance_id", "card")],
        )
    })?;
    Ok(id)
}

/// Every peer, by name.
#[tracing::instrument(skip_all)]
pub async fn peers<'c>(exec: impl Into<Exec<'c>>) -> Result<Vec<Peer>, StoreError> {
    let sql = format!("{PEER_SELECT}ORDER BY f.name, f.id LIMIT 500");
    Ok(sql!(as Peer, fetch_all, exec, &sql)?)
}

#[tracing::instrument(skip_all)]
pub async fn peer<'c>(exec: impl Into<Exec<'c>>, id: Uuid) -> Result<Option<Peer>, StoreError> {
    let sql = format!("{PEER_SELECT}WHERE f.id = $1");
    Ok(sql!(as Peer, fetch_optional, exec, &sql, id)?)
}

/// The peer with this instance id (the `from` of a package).
#[tracing::instrument(skip_all)]
pub async fn peer_of_instance<'c>(
    exec: impl Into<Exec<'c>>,
    instance_id: Uuid,
) -> Result<Option<Peer>, StoreError> {
    let sql = format!("{PEER_SELECT}WHERE f.instance_id = $1");
    Ok(sql!(as Peer, fetch_optional, exec, &sql, instance_id)?)
}

/// The peer referrals to this directory partner's services go to.
#[tracing::instrument(skip_all)]
pub async fn peer_of_partner<'c>(
    exec: impl Into<Exec<'c>>,
    partner_id: Uuid,
) -> Result<Option<Peer>, StoreError> {
    let sql = format!("{PEER_SELECT}WHERE f.partner_id = $1 ORDER BY f.id LIMIT 1");
    Ok(sql!(as Peer, fetch_optional, exec, &sql, partner_id)?)
}

/// Whether `token_hash` is the inbound token of this peer.
#[tracing::instrument(skip_all)]
pub async fn token_is_peers<'c>(
    exec: impl Into<Exec<'c>>,
    peer: Uuid,
    token_hash: &[u8],
) -> Result<bool, StoreError> {
    let n: i64 = sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT COUNT(*) FROM federation_peers WHERE id = $1 AND inbound_token_hash = $2",
        peer,
        token_hash,
    )?;
    Ok(n == 1)
}

/// Stores the SHA-256 of a new inbound token for the peer (the previous one stops working).
#[tracing::instrument(skip_all)]
pub async fn set_inbound_token<'c>(
    exec: impl Into<Exec<'c>>,
    peer: Uuid,
    token_hash: &[u8],
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE federation_peers SET inbound_token_hash = $2, updated_at = $3 WHERE id = $1",
        peer,
        token_hash,
        now,
    )?;
    Ok(n == 1)
}

/// Records the token the peer issued to us.
#[tracing::instrument(skip_all)]
pub async fn set_outbound_token<'c>(
    exec: impl Into<Exec<'c>>,
    peer: Uuid,
    token: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE federation_peers SET outbound_token = $2, updated_at = $3 WHERE id = $1",
        peer,
        token,
        now,
    )?;
    Ok(n == 1)
}

/// The token the peer issued to us, to present when we post to it.
#[tracing::instrument(skip_all)]
pub async fn outbound_token<'c>(
    exec: impl Into<Exec<'c>>,
    peer: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(sql!(
        scalar Option<String>,
        fetch_optional,
        exec,
        "SELECT outbound_token FROM federation_peers WHERE id = $1",
        peer,
    )?
    .flatten())
}

// ---------------------------------------------------------------------------------------------
// Packages.

/// Where a package is.
pub const WAITING: &str = "waiting";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
pub const RECEIVED: &str = "received";

/// The job that posts an outgoing package to its peer, keyed by the package id.
pub const DELIVER_JOB: &str = "federation_deliver";

/// A package sent or received, as the referral's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PackageRow {
    pub id: Uuid,
    pub peer_id: Uuid,
    pub direction: String,
    pub kind: String,
    pub subject_id: Uuid,
    pub state: String,
    pub error: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

const PACKAGE_SELECT: &str = "SELECT id, peer_id, direction, kind, subject_id, state, error, \
     created_at, updated_at FROM federation_packages ";

/// Records an outgoing package (waiting) and enqueues its delivery job, in `tx`.
#[tracing::instrument(skip_all)]
pub async fn send(
    tx: &mut Tx,
    package: &domain::federation::Package,
    peer: Uuid,
    subject: Uuid,
    now: Ts,
) -> Result<(), StoreError> {
    let id = package.header.id;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO federation_packages (id, peer_id, direction, kind, subject_id, state, body, \
         created_at, updated_at) VALUES ($1, $2, 'out', $3, $4, 'waiting', $5, $6, $6)",
        id,
        peer,
        package.header.kind.as_str(),
        subject,
        package.to_json(),
        now,
    )?;
    let key = id.to_string();
    let job = crate::jobs::NewJob::new(DELIVER_JOB, &key)
        .payload(serde_json::json!({ "package_id": id }))
        .max_attempts(8);
    crate::jobs::enqueue(tx, &job, now).await?;
    Ok(())
}

/// An outgoing package's peer and sealed body.
#[tracing::instrument(skip_all)]
pub async fn outgoing<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
) -> Result<Option<(Uuid, String)>, StoreError> {
    Ok(sql!(
        as (Uuid, String),
        fetch_optional,
        exec,
        "SELECT peer_id, body FROM federation_packages WHERE id = $1 AND direction = 'out' \
         AND body IS NOT NULL",
        id,
    )?)
}

/// The newest outgoing package of `kind` about `subject` (for the file download).
#[tracing::instrument(skip_all)]
pub async fn latest_outgoing<'c>(
    exec: impl Into<Exec<'c>>,
    subject: Uuid,
    kind: domain::federation::Kind,
) -> Result<Option<(Uuid, String)>, StoreError> {
    Ok(sql!(
        as (Uuid, String),
        fetch_optional,
        exec,
        "SELECT id, body FROM federation_packages WHERE subject_id = $1 AND direction = 'out' \
         AND kind = $2 AND body IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
        subject,
        kind.as_str(),
    )?)
}

/// Records what became of an outgoing package's delivery.
#[tracing::instrument(skip_all)]
pub async fn set_state<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
    state: &str,
    error: Option<&str>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE federation_packages SET state = $2, error = $3, updated_at = $4 WHERE id = $1",
        id,
        state,
        error,
        now,
    )?;
    Ok(())
}

/// The packages about `subject`, oldest first.
#[tracing::instrument(skip_all)]
pub async fn packages_of<'c>(
    exec: impl Into<Exec<'c>>,
    subject: Uuid,
) -> Result<Vec<PackageRow>, StoreError> {
    let sql = format!("{PACKAGE_SELECT}WHERE subject_id = $1 ORDER BY created_at, id LIMIT 200");
    Ok(sql!(as PackageRow, fetch_all, exec, &sql, subject)?)
}

/// The peer this instance's referral was sent to, if it went to one.
#[tracing::instrument(skip_all)]
pub async fn peer_of_referral<'c>(
    exec: impl Into<Exec<'c>>,
    referral: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    Ok(sql!(
        scalar Uuid,
        fetch_optional,
        exec,
        "SELECT peer_id FROM federation_packages WHERE subject_id = $1 AND direction = 'out' \
         AND kind = 'referral' ORDER BY created_at LIMIT 1",
        referral,
    )?)
}

/// Whether a package with this id was already sent or received.
#[tracing::instrument(skip_all)]
pub async fn seen<'c>(exec: impl Into<Exec<'c>>, id: Uuid) -> Result<bool, StoreError> {
    let n: i64 = sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT COUNT(*) FROM federation_packages WHERE id = $1",
        id,
    )?;
    Ok(n > 0)
}

/// Records an incoming package as received (its id refuses a replay), in `tx`.
#[tracing::instrument(skip_all)]
pub async fn record_received(
    tx: &mut Tx,
    header: &domain::federation::Header,
    peer: Uuid,
    subject: Uuid,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO federation_packages (id, peer_id, direction, kind, subject_id, state, \
         created_at, updated_at) VALUES ($1, $2, 'in', $3, $4, 'received', $5, $5)",
        header.id,
        peer,
        header.kind.as_str(),
        subject,
        now,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The sending side.

/// The peer referrals to this service of the directory go to (its partner's peer), if any.
#[tracing::instrument(skip_all)]
pub async fn peer_of_service<'c>(
    exec: impl Into<Exec<'c>>,
    service: Uuid,
) -> Result<Option<Peer>, StoreError> {
    let sql = format!(
        "{PEER_SELECT}WHERE f.partner_id = (SELECT s.partner_id FROM partner_services s \
         WHERE s.id = $1) ORDER BY f.id LIMIT 1"
    );
    Ok(sql!(as Peer, fetch_optional, exec, &sql, service)?)
}

/// The organisation of this instance that sent a referral (an answer names only the id).
#[tracing::instrument(skip_all)]
pub async fn referral_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    referral: Uuid,
) -> Result<Option<OrganisationId>, StoreError> {
    let id: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        exec,
        "SELECT organisation_id FROM referrals WHERE id = $1",
        referral,
    )?;
    Ok(id.map(OrganisationId::from_uuid))
}

/// The partners of the directory, by name: what a peer may be linked to on the sending side.
#[tracing::instrument(skip_all)]
pub async fn directory_partners<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    Ok(sql!(
        as (Uuid, String),
        fetch_all,
        exec,
        "SELECT id, name FROM partner_organisations ORDER BY name, id LIMIT 2000",
    )?)
}
