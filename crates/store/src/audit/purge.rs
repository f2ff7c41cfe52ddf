//! Access-log retention (ADR 0040): the events of a chain older than the organisation's
//! access-log period are purged in one transaction, after an anchor is written in their place.
//!
//! The anchor holds the range of seq numbers it covers, the hash of the last event of the
//! range, the number of events purged and kept (those whose action outlives the access log,
//! [`AuditAction::outlives_access_log`]), the digest of the kept events' hashes and the dates
//! of the first and last events purged. The same values go into the `audit_purged` event
//! appended in the same transaction, so the anchor is itself under the chain: verification
//! starts at the anchor, checks what it kept against its digest, and goes on from its hash.
//! Before anything is removed, the range is verified: a purge never launders a broken chain.

use domain::OrganisationId;
use domain::audit::{self, AuditAction, GENESIS_HASH};
use domain::retention::{RetentionSettings, audit_kept_from};
use uuid::Uuid;

use super::verify::{BreakKind, ChainBreak, VERIFY_PAGE_SIZE};
use super::{AuditEvent, NewAuditEvent};
use crate::sql::Arg;
use crate::{Db, StoreError, Ts, Tx};

/// An anchor as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Anchor {
    pub id: Uuid,
    pub chain_id: Uuid,
    pub from_seq: i64,
    pub through_seq: i64,
    pub through_hash: String,
    pub purged: i64,
    pub kept: i64,
    pub kept_digest: String,
    pub first_at: Option<Ts>,
    pub last_at: Option<Ts>,
    pub created_at: Ts,
}

impl Anchor {
    /// The details of the `audit_purged` event that records the anchor: every value of the
    /// anchor but its row id and creation time (the event has its own).
    pub fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut d = serde_json::Map::new();
        d.insert("from_seq".into(), self.from_seq.into());
        d.insert("through_seq".into(), self.through_seq.into());
        d.insert("through_hash".into(), self.through_hash.clone().into());
        d.insert("purged".into(), self.purged.into());
        d.insert("kept".into(), self.kept.into());
        d.insert("kept_digest".into(), self.kept_digest.clone().into());
        d.insert("first_at".into(), self.first_at.map(Ts::canonical).into());
        d.insert("last_at".into(), self.last_at.map(Ts::canonical).into());
        d
    }
}

macro_rules! anchor_columns {
    () => {
        "id, chain_id, from_seq, through_seq, through_hash, purged, kept, kept_digest, \
         first_at, last_at, created_at"
    };
}

/// Every anchor, by chain then seq.
pub(super) async fn all_anchors(tx: &mut Tx) -> Result<Vec<Anchor>, StoreError> {
    Ok(sql!(
        as Anchor,
        fetch_all,
        &mut *tx,
        concat!("SELECT ", anchor_columns!(), " FROM audit_anchors ORDER BY chain_id, from_seq")
    )?)
}

/// What a purge of one chain did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purge {
    /// No event of the chain is older than the limit (or the chain has no event).
    Nothing,
    /// The anchor written; on a dry run, the anchor that would be (not stored).
    Done(Anchor),
    /// The range to purge does not verify: nothing was removed, `passerelle audit verify`
    /// says more.
    Refused(ChainBreak),
}

/// Purges the events of `organisation_id`'s chain (the instance's with `None`) that occurred
/// before `before`, in one transaction; events whose action outlives the access log stay.
#[tracing::instrument(skip_all)]
pub async fn purge_chain(
    db: &Db,
    organisation_id: Option<OrganisationId>,
    before: Ts,
    now: Ts,
    dry_run: bool,
) -> Result<Purge, StoreError> {
    let chain_id = audit::chain_id(organisation_id);
    let mut tx = db.begin_write().await?;
    // Locks the head as an append does: no event joins the chain meanwhile.
    let head: Option<i64> = sql!(
        scalar i64,
        fetch_optional,
        &mut tx,
        "UPDATE audit_chains SET last_seq = last_seq WHERE chain_id = $1 RETURNING last_seq",
        chain_id,
    )?;
    let Some(head_seq) = head else { return Ok(Purge::Nothing) };
    let previous: Option<(i64, String)> = sql!(
        as (i64, String),
        fetch_optional,
        &mut tx,
        "SELECT through_seq, through_hash FROM audit_anchors WHERE chain_id = $1 \
         ORDER BY through_seq DESC LIMIT 1",
        chain_id,
    )?;
    let (from_seq, mut prev_hash) = match previous {
        Some((through, hash)) => (through + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    // The range ends before the first event that is recent enough: events are appended in
    // time order, and one a little out of order (a clock step) only waits for the next purge.
    let first_recent: Option<i64> = sql!(
        scalar Option<i64>,
        fetch_one,
        &mut tx,
        "SELECT MIN(seq) FROM audit_events WHERE chain_id = $1 AND seq >= $2 AND occurred_at >= $3",
        chain_id,
        from_seq,
        before,
    )?;
    let through_seq = first_recent.map_or(head_seq, |s| s - 1);
    if through_seq < from_seq {
        return Ok(Purge::Nothing);
    }
    // Verifies the range while counting what goes and what stays.
    let mut expected = from_seq;
    let (mut purged, mut kept_hashes) = (0i64, Vec::new());
    let (mut first_at, mut last_at) = (None, None);
    while expected <= through_seq {
        let page: Vec<AuditEvent> = sql!(
            as AuditEvent,
            fetch_all,
            &mut tx,
            concat!(
                "SELECT ",
                event_columns!(),
                " FROM audit_events WHERE chain_id = $1 AND seq >= $2 AND seq <= $3 \
                 ORDER BY seq LIMIT $4"
            ),
            chain_id,
            expected,
            through_seq,
            VERIFY_PAGE_SIZE,
        )?;
        if page.is_empty() {
            let problem = BreakKind::SeqGap { expected, found: through_seq + 1 };
            return Ok(Purge::Refused(ChainBreak { event_id: None, seq: expected, problem }));
        }
        for event in &page {
            let problem = if event.seq != expected {
                Some(BreakKind::SeqGap { expected, found: event.seq })
            } else if event.prev_hash != prev_hash {
                Some(BreakKind::PrevHashMismatch)
            } else if event.computed_hash() != event.hash {
                Some(BreakKind::HashMismatch)
            } else {
                None
            };
            if let Some(problem) = problem {
                let at = ChainBreak { event_id: Some(event.id), seq: event.seq, problem };
                return Ok(Purge::Refused(at));
            }
            // An action this version does not know stays: it may be one that must.
            if event.action().is_ok_and(|a| !a.outlives_access_log()) {
                purged += 1;
                first_at.get_or_insert(event.occurred_at);
                last_at = Some(event.occurred_at);
            } else {
                kept_hashes.push(event.hash.clone());
            }
            prev_hash.clone_from(&event.hash);
            expected = event.seq + 1;
        }
    }
    let anchor = Anchor {
        id: Uuid::now_v7(),
        chain_id,
        from_seq,
        through_seq,
        through_hash: prev_hash,
        purged,
        kept: kept_hashes.len() as i64,
        kept_digest: audit::kept_digest(kept_hashes.iter().map(String::as_str)),
        first_at,
        last_at,
        created_at: now,
    };
    if dry_run {
        return Ok(Purge::Done(anchor));
    }
    sql!(
        execute,
        &mut tx,
        concat!(
            "INSERT INTO audit_anchors (",
            anchor_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ),
        anchor.id,
        anchor.chain_id,
        anchor.from_seq,
        anchor.through_seq,
        anchor.through_hash.as_str(),
        anchor.purged,
        anchor.kept,
        anchor.kept_digest.as_str(),
        anchor.first_at,
        anchor.last_at,
        anchor.created_at,
    )?;
    // The actions that go, each bound; only placeholder numbers are formatted into the text.
    let mut args = vec![Arg::Uuid(chain_id), Arg::Int(from_seq), Arg::Int(through_seq)];
    let mut placeholders = Vec::new();
    for action in AuditAction::ALL.iter().filter(|a| !a.outlives_access_log()) {
        args.push(Arg::Text(action.as_str().to_owned()));
        placeholders.push(format!("${}", args.len()));
    }
    let sql = format!(
        "DELETE FROM audit_events WHERE chain_id = $1 AND seq >= $2 AND seq <= $3 \
         AND action IN ({})",
        placeholders.join(", ")
    );
    let deleted = sql!(dyn execute, &mut tx, &sql, args)?;
    if deleted != purged as u64 {
        // Cannot happen under the head's lock; refuses rather than record a wrong count.
        return Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "audit purge: {deleted} events deleted where {purged} were counted"
        ))));
    }
    let mut event = NewAuditEvent::new(AuditAction::AuditPurged, organisation_id);
    event.details = Some(anchor.details());
    super::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(Purge::Done(anchor))
}

/// The anchors of a chain, oldest first: for the audit page.
#[tracing::instrument(skip_all)]
pub async fn anchors(
    db: &Db,
    organisation_id: Option<OrganisationId>,
) -> Result<Vec<Anchor>, StoreError> {
    Ok(sql!(
        as Anchor,
        fetch_all,
        db,
        concat!(
            "SELECT ",
            anchor_columns!(),
            " FROM audit_anchors WHERE chain_id = $1 ORDER BY from_seq"
        ),
        audit::chain_id(organisation_id),
    )?)
}

/// The instant before which an organisation's access log goes: `audit_months` calendar months
/// before `now`, counted on the organisation's calendar (`zone`), same time of day.
pub fn access_log_limit(now: Ts, zone: Option<&str>, settings: &RetentionSettings) -> Ts {
    let today = crate::ts::local_today(now, zone);
    let days = (today - audit_kept_from(today, settings)).whole_days();
    Ts::from(now.get() - time::Duration::days(days))
}

/// Purges the access log of one organisation (with its retention settings) or of the instance
/// (`None`: the default twelve months).
#[tracing::instrument(skip_all)]
pub async fn purge_access_log(
    db: &Db,
    organisation: Option<(OrganisationId, &str)>,
    now: Ts,
    dry_run: bool,
) -> Result<Purge, StoreError> {
    let (settings, zone) = match organisation {
        Some((org, zone)) => (crate::retention::settings(db, org).await?.0, Some(zone)),
        None => (RetentionSettings::default(), None),
    };
    let before = access_log_limit(now, zone, &settings);
    purge_chain(db, organisation.map(|(o, _)| o), before, now, dry_run).await
}
