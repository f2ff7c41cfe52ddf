//! Verification of every chain (ADR 0003), from its start or from its latest anchor (ADR 0040).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use domain::audit::{self, AuditAction, GENESIS_HASH};
use uuid::Uuid;

use super::AuditEvent;
use super::purge::Anchor;
use crate::{Db, StoreError};

/// How many events [`verify`] reads at a time.
pub const VERIFY_PAGE_SIZE: i64 = 1000;

/// What [`verify`] found, chain by chain (the instance chain first, then by chain id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub chains: Vec<ChainReport>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.chains.iter().all(|c| c.first_break.is_none())
    }

    pub fn chain(&self, chain_id: Uuid) -> Option<&ChainReport> {
        self.chains.iter().find(|c| c.chain_id == chain_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// The organisation's id, or the nil UUID for the instance chain.
    pub chain_id: Uuid,
    /// The organisation's short name, when the chain has a head and the organisation exists.
    pub organisation_slug: Option<String>,
    /// How many events the chain holds.
    pub events: u64,
    /// How many events were purged from it, under its anchors (ADR 0040).
    pub purged: u64,
    /// The last seq its latest anchor covers: verification of the links starts after it.
    pub anchored_through: Option<i64>,
    /// The first place where the chain does not hold; `None` when intact.
    pub first_break: Option<ChainBreak>,
}

impl ChainReport {
    pub fn is_instance(&self) -> bool {
        self.chain_id == audit::INSTANCE_CHAIN
    }
}

/// Where a chain breaks first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The event at which it breaks; `None` when the chain head names events of which none
    /// is stored.
    pub event_id: Option<Uuid>,
    pub seq: i64,
    pub problem: BreakKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// The event's content no longer gives its hash: the event was changed.
    HashMismatch,
    /// The event's previous-hash is not the previous event's hash: the event before it was
    /// replaced (hash recomputed), or this one was moved.
    PrevHashMismatch,
    /// Sequence numbers `expected..found` are missing: events were removed.
    SeqGap { expected: i64, found: i64 },
    /// The chain head (`audit_chains`) does not end at the last stored event: events were
    /// removed from the end, added around the log, or the head was changed.
    HeadMismatch { head_seq: i64, last_seq: i64 },
    /// The chain has events but no head.
    MissingHead,
    /// The head records events but none is stored.
    NoEvents { head_seq: i64 },
    /// The events an anchor's range still holds do not match the anchor's count and digest:
    /// one of them was changed (hash recomputed), removed or added.
    KeptMismatch,
    /// An anchor starts inside the range of the one before it, or after the chain's end.
    AnchorMisplaced,
    /// An anchor differs from what the `audit_purged` event recording it says.
    AnchorMismatch,
    /// An anchor no `audit_purged` event of the chain records: it was not made by a purge.
    AnchorUnrecorded,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakKind::HashMismatch => {
                f.write_str("hash mismatch: the event's content does not match its hash")
            }
            BreakKind::PrevHashMismatch => f.write_str(
                "broken link: the event's previous hash is not the previous event's hash",
            ),
            BreakKind::SeqGap { expected, found } if found - expected == 1 => {
                write!(f, "sequence gap: event seq {expected} is missing")
            }
            BreakKind::SeqGap { expected, found } => {
                write!(f, "sequence gap: events seq {expected} to {} are missing", found - 1)
            }
            BreakKind::HeadMismatch { head_seq, last_seq } if head_seq > last_seq => write!(
                f,
                "chain head mismatch: the head records {head_seq} events, the last stored is \
                 seq {last_seq}"
            ),
            BreakKind::HeadMismatch { head_seq, last_seq } if head_seq < last_seq => write!(
                f,
                "chain head mismatch: the head records {head_seq} events, but events up to seq \
                 {last_seq} are stored"
            ),
            BreakKind::HeadMismatch { .. } => {
                f.write_str("chain head mismatch: the head's hash is not the last event's hash")
            }
            BreakKind::MissingHead => f.write_str("chain head missing from audit_chains"),
            BreakKind::NoEvents { head_seq } => {
                write!(f, "the chain head records {head_seq} events but none is stored")
            }
            BreakKind::KeptMismatch => f.write_str(
                "the events kept under a purge anchor do not match it: one was changed, removed \
                 or added",
            ),
            BreakKind::AnchorMisplaced => f.write_str(
                "a purge anchor overlaps the one before it or lies past the chain's end",
            ),
            BreakKind::AnchorMismatch => {
                f.write_str("a purge anchor differs from the audit_purged event that records it")
            }
            BreakKind::AnchorUnrecorded => {
                f.write_str("a purge anchor is recorded by no audit_purged event of the chain")
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChainHead {
    chain_id: Uuid,
    last_seq: i64,
    last_hash: String,
    slug: Option<String>,
}

/// One chain being checked, event by event in seq order.
struct ChainCheck {
    chain_id: Uuid,
    events: u64,
    purged: u64,
    anchored_through: Option<i64>,
    expected_seq: i64,
    prev_hash: String,
    /// The anchors not reached yet, by seq.
    anchors: VecDeque<Anchor>,
    /// The anchor whose range the events being read are in, and the hashes of the events it
    /// kept, read so far.
    open: Option<(Anchor, Vec<String>)>,
    /// Anchors not yet matched with the `audit_purged` event recording them, by through_seq.
    unrecorded: BTreeMap<i64, Anchor>,
    last: Option<(Uuid, i64)>,
    first_break: Option<ChainBreak>,
}

impl ChainCheck {
    fn new(chain_id: Uuid, anchors: Vec<Anchor>) -> Self {
        Self {
            chain_id,
            events: 0,
            purged: anchors.iter().map(|a| a.purged as u64).sum(),
            anchored_through: anchors.iter().map(|a| a.through_seq).max(),
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            unrecorded: anchors.iter().map(|a| (a.through_seq, a.clone())).collect(),
            anchors: anchors.into(),
            open: None,
            last: None,
            first_break: None,
        }
    }

    fn check(&mut self, event: &AuditEvent) {
        self.events += 1;
        if self.first_break.is_none() {
            self.first_break = self.step(event);
        }
        self.last = Some((event.id, event.seq));
    }

    fn broken(event: &AuditEvent, problem: BreakKind) -> Option<ChainBreak> {
        Some(ChainBreak { event_id: Some(event.id), seq: event.seq, problem })
    }

    /// Checks one event; the first problem found, if any.
    fn step(&mut self, event: &AuditEvent) -> Option<ChainBreak> {
        loop {
            if let Some((anchor, kept)) = self.open.as_mut() {
                if event.seq <= anchor.through_seq {
                    // Kept under the anchor: its own hash still holds, and it counts in the
                    // anchor's digest (its links were to purged events).
                    if event.computed_hash() != event.hash {
                        return Self::broken(event, BreakKind::HashMismatch);
                    }
                    kept.push(event.hash.clone());
                    // An earlier purge's event, kept under a later anchor, still vouches
                    // for its own anchor.
                    if event.action == AuditAction::AuditPurged.as_str() {
                        return self.record(event);
                    }
                    return None;
                }
                if let Some(b) = self.close() {
                    return Some(b);
                }
                continue;
            }
            match self.anchors.front() {
                Some(a) if a.from_seq < self.expected_seq => {
                    return Some(ChainBreak {
                        event_id: None,
                        seq: a.from_seq,
                        problem: BreakKind::AnchorMisplaced,
                    });
                }
                Some(a) if a.from_seq == self.expected_seq => {
                    let anchor = self.anchors.pop_front().expect("just seen");
                    self.open = Some((anchor, Vec::new()));
                }
                _ => break,
            }
        }
        let problem = if event.seq != self.expected_seq {
            Some(BreakKind::SeqGap { expected: self.expected_seq, found: event.seq })
        } else if event.prev_hash != self.prev_hash {
            Some(BreakKind::PrevHashMismatch)
        } else if event.computed_hash() != event.hash {
            Some(BreakKind::HashMismatch)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Self::broken(event, problem);
        }
        self.expected_seq = event.seq.saturating_add(1);
        self.prev_hash.clone_from(&event.hash);
        if event.action == AuditAction::AuditPurged.as_str() {
            return self.record(event);
        }
        None
    }

    /// Leaves the open anchor's range: what it kept must match it, and the chain goes on
    /// from its last hash.
    fn close(&mut self) -> Option<ChainBreak> {
        let (anchor, kept) = self.open.take()?;
        if kept.len() as i64 != anchor.kept
            || audit::kept_digest(kept.iter().map(String::as_str)) != anchor.kept_digest
        {
            return Some(ChainBreak {
                event_id: None,
                seq: anchor.through_seq,
                problem: BreakKind::KeptMismatch,
            });
        }
        self.expected_seq = anchor.through_seq.saturating_add(1);
        self.prev_hash.clone_from(&anchor.through_hash);
        None
    }

    /// An `audit_purged` event (its hash checked): the anchor it names must be as it says.
    fn record(&mut self, event: &AuditEvent) -> Option<ChainBreak> {
        let details: Option<serde_json::Value> =
            event.details.as_deref().and_then(|d| serde_json::from_str(d).ok());
        let through = details.as_ref().and_then(|d| d.get("through_seq")).and_then(|v| v.as_i64());
        let matches = through
            .and_then(|t| self.unrecorded.get(&t))
            .is_some_and(|a| details == Some(serde_json::Value::Object(a.details())));
        if !matches {
            return Self::broken(event, BreakKind::AnchorMismatch);
        }
        self.unrecorded.remove(&through.expect("matched above"));
        None
    }

    /// Compares the end of the chain with its head.
    fn finish(mut self, head: Option<ChainHead>) -> ChainReport {
        let slug = head.as_ref().and_then(|h| h.slug.clone());
        if self.first_break.is_none() {
            self.first_break = self.close();
        }
        if self.first_break.is_none() {
            if let Some(a) = self.anchors.front() {
                self.first_break = Some(ChainBreak {
                    event_id: None,
                    seq: a.from_seq,
                    problem: BreakKind::AnchorMisplaced,
                });
            } else if let Some(a) = self.unrecorded.values().next() {
                self.first_break = Some(ChainBreak {
                    event_id: None,
                    seq: a.through_seq,
                    problem: BreakKind::AnchorUnrecorded,
                });
            }
        }
        if self.first_break.is_none() {
            let (last_id, last_seq) = self.last.expect("a chain is checked once it has an event");
            let problem = match head {
                None => Some(BreakKind::MissingHead),
                Some(h) if h.last_seq != last_seq || h.last_hash != self.prev_hash => {
                    Some(BreakKind::HeadMismatch { head_seq: h.last_seq, last_seq })
                }
                Some(_) => None,
            };
            self.first_break = problem.map(|problem| ChainBreak {
                event_id: Some(last_id),
                seq: last_seq,
                problem,
            });
        }
        ChainReport {
            chain_id: self.chain_id,
            organisation_slug: slug,
            events: self.events,
            purged: self.purged,
            anchored_through: self.anchored_through,
            first_break: self.first_break,
        }
    }
}

/// Recomputes every chain from its first event, in one consistent snapshot that blocks no
/// writer, reading [`VERIFY_PAGE_SIZE`] events at a time. Reports, per chain, the number of
/// events and the first broken link.
#[tracing::instrument(skip_all)]
pub async fn verify(db: &Db) -> Result<VerifyReport, StoreError> {
    let mut tx = db.begin_read().await?;
    let heads: Vec<ChainHead> = sql!(
        as ChainHead,
        fetch_all,
        &mut tx,
        "SELECT c.chain_id, c.last_seq, c.last_hash, o.slug \
         FROM audit_chains c LEFT JOIN organisations o ON o.id = c.chain_id"
    )?;
    let mut heads: BTreeMap<Uuid, ChainHead> = heads.into_iter().map(|h| (h.chain_id, h)).collect();
    let mut anchors: BTreeMap<Uuid, Vec<Anchor>> = BTreeMap::new();
    for anchor in super::purge::all_anchors(&mut tx).await? {
        anchors.entry(anchor.chain_id).or_default().push(anchor);
    }
    let mut chains = Vec::new();
    let mut current: Option<ChainCheck> = None;
    let mut after: Option<(Uuid, i64)> = None;
    loop {
        // Keyset paging on the (chain_id, seq) unique index; the first page has no lower
        // bound, so no row escapes whatever its seq.
        let page: Vec<AuditEvent> = match after {
            None => sql!(
                as AuditEvent,
                fetch_all,
                &mut tx,
                concat!(
                    "SELECT ",
                    event_columns!(),
                    " FROM audit_events ORDER BY chain_id, seq LIMIT $1"
                ),
                VERIFY_PAGE_SIZE,
            )?,
            Some((chain_id, seq)) => sql!(
                as AuditEvent,
                fetch_all,
                &mut tx,
                concat!(
                    "SELECT ",
                    event_columns!(),
                    " FROM audit_events WHERE (chain_id, seq) > ($1, $2) \
                     ORDER BY chain_id, seq LIMIT $3"
                ),
                chain_id,
                seq,
                VERIFY_PAGE_SIZE,
            )?,
        };
        let full = page.len() as i64 == VERIFY_PAGE_SIZE;
        for event in &page {
            if current.as_ref().is_some_and(|c| c.chain_id != event.chain_id) {
                let done = current.take().expect("checked just above");
                let head = heads.remove(&done.chain_id);
                chains.push(done.finish(head));
            }
            current
                .get_or_insert_with(|| {
                    ChainCheck::new(
                        event.chain_id,
                        anchors.remove(&event.chain_id).unwrap_or_default(),
                    )
                })
                .check(event);
            after = Some((event.chain_id, event.seq));
        }
        if !full {
            break;
        }
    }
    if let Some(done) = current.take() {
        let head = heads.remove(&done.chain_id);
        chains.push(done.finish(head));
    }
    // Heads whose events are all gone.
    for head in heads.into_values() {
        let first_break = (head.last_seq > 0).then_some(ChainBreak {
            event_id: None,
            seq: 1,
            problem: BreakKind::NoEvents { head_seq: head.last_seq },
        });
        chains.push(ChainReport {
            chain_id: head.chain_id,
            organisation_slug: head.slug,
            events: 0,
            purged: anchors
                .get(&head.chain_id)
                .map_or(0, |a| a.iter().map(|a| a.purged as u64).sum()),
            anchored_through: anchors
                .get(&head.chain_id)
                .and_then(|a| a.iter().map(|a| a.through_seq).max()),
            first_break,
        });
    }
    chains.sort_by_key(|c| c.chain_id);
    tx.commit().await?;
    Ok(VerifyReport { chains })
}
