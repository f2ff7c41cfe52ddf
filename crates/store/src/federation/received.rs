//! The referrals received from peers, with the copy of what was shared and its documents,
//! erased when the person withdraws their consent (ADR 0029).

use domain::OrganisationId;
use domain::referrals::Status;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts, Tx};

/// A referral received from a peer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Received {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub peer_id: Uuid,
    pub peer_name: String,
    pub remote_referral_id: Uuid,
    pub sender_organisation: String,
    pub referent_name: String,
    pub referent_email: Option<String>,
    pub service_name: String,
    pub reason: String,
    pub request: String,
    pub urgency: String,
    pub status: String,
    pub note: Option<String>,
    /// The copy of what was shared (`domain::federation::ReferralPayload` without the
    /// documents' content), `None` once erased.
    pub content: Option<String>,
    pub erased_at: Option<Ts>,
    pub received_at: Ts,
    pub first_opened_at: Option<Ts>,
    pub version: i64,
}

impl Received {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Sent)
    }
}

const RECEIVED_SELECT: &str = "SELECT r.id, r.organisation_id, r.peer_id, f.name AS peer_name, \
     r.remote_referral_id, r.sender_organisation, r.referent_name, r.referent_email, \
     r.service_name, r.reason, r.request, r.urgency, r.status, r.note, r.content, r.erased_at, \
     r.received_at, r.first_opened_at, r.version \
     FROM federation_referrals r JOIN federation_peers f ON f.id = r.peer_id ";

/// A document received with a referral, without its content.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceivedDocument {
    pub id: Uuid,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
}

/// Stores a referral received from `peer` for `organisation`: its copy of what was shared
/// (`content`) and its documents' bytes. Returns its id.
#[tracing::instrument(skip_all)]
pub async fn receive_referral(
    tx: &mut Tx,
    organisation: Uuid,
    peer: Uuid,
    payload: &domain::federation::ReferralPayload,
    documents: &[(domain::federation::DocumentPayload, Vec<u8>)],
    now: Ts,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let mut copy = payload.clone();
    for d in &mut copy.documents {
        d.content.clear();
    }
    let content = serde_json::to_string(&copy).expect("a payload serialises");
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO federation_referrals (id, organisation_id, peer_id, remote_referral_id, \
         sender_organisation, referent_name, referent_email, service_name, reason, request, \
         urgency, status, content, received_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'sent', $12, $13, $13, 1)",
        id,
        organisation,
        peer,
        payload.referral_id,
        payload.sender_organisation.as_str(),
        payload.referent.name.as_str(),
        payload.referent.email.as_deref(),
        payload.service_name.as_str(),
        payload.reason.as_str(),
        payload.request.as_str(),
        payload.urgency.as_str(),
        content,
        now,
    )?;
    for (d, bytes) in documents {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO federation_documents (id, referral_id, title, file_name, media_type, \
             content) VALUES ($1, $2, $3, $4, $5, $6)",
            Uuid::now_v7(),
            id,
            d.title.as_str(),
            d.file_name.as_str(),
            d.media_type.as_str(),
            bytes.as_slice(),
        )?;
    }
    Ok(id)
}

/// The referrals `organisation` received from peers, newest first.
#[tracing::instrument(skip_all)]
pub async fn inbox<'c>(
    exec: impl Into<Exec<'c>>,
    organisation: OrganisationId,
) -> Result<Vec<Received>, StoreError> {
    let sql = format!(
        "{RECEIVED_SELECT}WHERE r.organisation_id = $1 ORDER BY r.received_at DESC, r.id DESC \
         LIMIT 200"
    );
    Ok(sql!(as Received, fetch_all, exec, &sql, organisation.as_uuid())?)
}

/// A referral `organisation` received.
#[tracing::instrument(skip_all)]
pub async fn received<'c>(
    exec: impl Into<Exec<'c>>,
    organisation: OrganisationId,
    id: Uuid,
) -> Result<Option<Received>, StoreError> {
    let sql = format!("{RECEIVED_SELECT}WHERE r.organisation_id = $1 AND r.id = $2");
    Ok(sql!(as Received, fetch_optional, exec, &sql, organisation.as_uuid(), id)?)
}

/// The referral a peer sent with its own id.
#[tracing::instrument(skip_all)]
pub async fn received_from<'c>(
    exec: impl Into<Exec<'c>>,
    peer: Uuid,
    remote_referral_id: Uuid,
) -> Result<Option<Received>, StoreError> {
    let sql = format!("{RECEIVED_SELECT}WHERE r.peer_id = $1 AND r.remote_referral_id = $2");
    Ok(sql!(as Received, fetch_optional, exec, &sql, peer, remote_referral_id)?)
}

/// The documents received with a referral (none once erased).
#[tracing::instrument(skip_all)]
pub async fn received_documents<'c>(
    exec: impl Into<Exec<'c>>,
    referral: Uuid,
) -> Result<Vec<ReceivedDocument>, StoreError> {
    Ok(sql!(
        as ReceivedDocument,
        fetch_all,
        exec,
        "SELECT id, title, file_name, media_type FROM federation_documents \
         WHERE referral_id = $1 ORDER BY title, id",
        referral,
    )?)
}

/// A received document's content.
#[tracing::instrument(skip_all)]
pub async fn received_document<'c>(
    exec: impl Into<Exec<'c>>,
    referral: Uuid,
    id: Uuid,
) -> Result<Option<(ReceivedDocument, Vec<u8>)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        title: String,
        file_name: String,
        media_type: String,
        content: Vec<u8>,
    }
    let row = sql!(
        as Row,
        fetch_optional,
        exec,
        "SELECT id, title, file_name, media_type, content FROM federation_documents \
         WHERE referral_id = $1 AND id = $2",
        referral,
        id,
    )?;
    Ok(row.map(|r| {
        (
            ReceivedDocument {
                id: r.id,
                title: r.title,
                file_name: r.file_name,
                media_type: r.media_type,
            },
            r.content,
        )
    }))
}

/// Records the first time the receiving organisation's staff opened the referral; returns
/// whether this was it.
#[tracing::instrument(skip_all)]
pub async fn mark_opened<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE federation_referrals SET first_opened_at = $2 \
         WHERE id = $1 AND first_opened_at IS NULL",
        id,
        now,
    )?;
    Ok(n == 1)
}

/// Moves a received referral to `to` (the caller checked the move) if nobody changed it since
/// `expected_version`. `false`: nothing written.
#[tracing::instrument(skip_all)]
pub async fn answer(
    tx: &mut Tx,
    id: Uuid,
    expected_version: i64,
    to: Status,
    note: Option<&str>,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE federation_referrals SET status = $3, note = COALESCE($4, note), updated_at = $5, \
         version = version + 1 WHERE id = $1 AND version = $2",
        id,
        expected_version,
        to.as_str(),
        note,
        now,
    )?;
    Ok(n == 1)
}

/// Erases the copy of what was shared (the person withdrew their consent): the content and
/// the documents go, the referral's existence, reason, request and answers stay.
#[tracing::instrument(skip_all)]
pub async fn erase(tx: &mut Tx, id: Uuid, now: Ts) -> Result<(), StoreError> {
    sql!(execute, &mut *tx, "DELETE FROM federation_documents WHERE referral_id = $1", id)?;
    sql!(
        execute,
        &mut *tx,
        "UPDATE federation_referrals SET content = NULL, \
         erased_at = COALESCE(erased_at, $2), updated_at = $2, version = version + 1 \
         WHERE id = $1",
        id,
        now,
    )?;
    Ok(())
}
