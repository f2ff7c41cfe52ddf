//! The audit log: events appended inside the change they record, one hash chain per
//! organisation plus the instance's, verified end to end, searched by the DPO.
//!
//! Appends to one chain are serialised by its head row in `audit_chains`: the same statements
//! on both engines (an `UPDATE` that row-locks on PostgreSQL; on SQLite, write transactions are
//! `BEGIN IMMEDIATE` and so already one at a time). The hash rules live in [`domain::audit`].

use domain::audit::{self, AuditAction, AuditHashFields, GENESIS_HASH, UnknownAuditAction};
use domain::{OrganisationId, UserId};
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Db, Exec, StoreError, Ts, Tx};

/// The columns of `audit_events`, in [`AuditEvent`]'s order.
macro_rules! event_columns {
    () => {
        "id, chain_id, seq, organisation_id, actor_user_id, action, subject_type, subject_id, \
         occurred_at, client_addr, request_id, reason, details, prev_hash, hash"
    };
}

pub mod purge;
mod verify;

pub use verify::{BreakKind, ChainBreak, ChainReport, VERIFY_PAGE_SIZE, VerifyReport, verify};

/// An event to record. Its chain follows from `organisation_id` (none: the instance chain);
/// its id, sequence number and hashes are given when it is appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    pub organisation_id: Option<OrganisationId>,
    pub actor_user_id: Option<UserId>,
    pub action: AuditAction,
    /// What kind of record `subject_id` names (`person`, `organisation`, `user`…).
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// Why, when the user had to say (break-the-glass, export).
    pub reason: Option<String>,
    /// A small object of non-personal values (role names, counts): never names or case
    /// content, which the log would then keep beyond their retention.
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl NewAuditEvent {
    /// An event of `action` in an organisation's chain, or the instance's with `None`.
    pub fn new(action: AuditAction, organisation_id: Option<OrganisationId>) -> Self {
        Self {
            organisation_id,
            actor_user_id: None,
            action,
            subject_type: None,
            subject_id: None,
            client_addr: None,
            request_id: None,
            reason: None,
            details: None,
        }
    }

    /// Who did it.
    pub fn by(mut self, actor: UserId) -> Self {
        self.actor_user_id = Some(actor);
        self
    }

    /// The record it was done to.
    pub fn on(mut self, subject_type: &str, subject_id: Uuid) -> Self {
        self.subject_type = Some(subject_type.to_owned());
        self.subject_id = Some(subject_id);
        self
    }

    /// The request it came with: the client's address and the request id.
    pub fn from_request(mut self, client_addr: Option<String>, request_id: Option<String>) -> Self {
        self.client_addr = client_addr;
        self.request_id = request_id;
        self
    }

    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Adds one non-personal value to the details.
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.get_or_insert_with(Default::default).insert(key.to_owned(), value.into());
        self
    }
}

/// An event as stored. Ids that may be absent are plain UUIDs (see the typed accessors), the
/// action and the details are the stored text: a row with an unknown or altered action still
/// reads back, so verification can report it instead of failing.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: Uuid,
    pub chain_id: Uuid,
    pub seq: i64,
    pub organisation_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub action: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub occurred_at: Ts,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub reason: Option<String>,
    /// The JSON text exactly as hashed.
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    pub fn action(&self) -> Result<AuditAction, UnknownAuditAction> {
        AuditAction::parse(&self.action)
    }

    pub fn organisation(&self) -> Option<OrganisationId> {
        self.organisation_id.map(OrganisationId::from_uuid)
    }

    pub fn actor(&self) -> Option<UserId> {
        self.actor_user_id.map(UserId::from_uuid)
    }

    /// What the hash covers; `occurred_at` is `self.occurred_at.canonical()`.
    fn hash_fields<'a>(&'a self, occurred_at: &'a str) -> AuditHashFields<'a> {
        AuditHashFields {
            chain_id: self.chain_id,
            seq: self.seq,
            id: self.id,
            occurred_at,
            organisation_id: self.organisation_id,
            actor_user_id: self.actor_user_id,
            action: &self.action,
            subject_type: self.subject_type.as_deref(),
            subject_id: self.subject_id,
            client_addr: self.client_addr.as_deref(),
            request_id: self.request_id.as_deref(),
            reason: self.reason.as_deref(),
            details: self.details.as_deref(),
        }
    }

    fn computed_hash(&self) -> String {
        let occurred_at = self.occurred_at.canonical();
        audit::chain_hash(&self.prev_hash, &self.hash_fields(&occurred_at))
    }
}

/// Appends an event to its chain, inside the caller's write transaction
/// ([`Db::begin_write`]): the audited change and its event commit together or not at all.
/// Concurrent appends to the same chain wait for each other until commit.
#[tracing::instrument(skip_all)]
pub async fn append(tx: &mut Tx, event: &NewAuditEvent, now: Ts) -> Result<AuditEvent, StoreError> {
    let chain_id = audit::chain_id(event.organisation_id);
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO audit_chains (chain_id, last_seq, last_hash) VALUES ($1, 0, $2) \
         ON CONFLICT (chain_id) DO NOTHING",
        chain_id,
        GENESIS_HASH,
    )?;
    // Locks the head until commit; a concurrent append reads the head it leaves.
    let (seq, prev_hash): (i64, String) = sql!(
        as (i64, String),
        fetch_one,
        &mut *tx,
        "UPDATE audit_chains SET last_seq = last_seq + 1 WHERE chain_id = $1 \
         RETURNING last_seq, last_hash",
        chain_id,
    )?;
    let id = Uuid::now_v7();
    let occurred_at = now.canonical();
    let details = event
        .details
        .as_ref()
        .map(|d| serde_json::to_string(d).expect("a map of JSON values always serialises"));
    let fields = AuditHashFields {
        chain_id,
        seq,
        id,
        occurred_at: &occurred_at,
        organisation_id: event.organisation_id.map(|o| o.as_uuid()),
        actor_user_id: event.actor_user_id.map(|u| u.as_uuid()),
        action: event.action.as_str(),
        subject_type: event.subject_type.as_deref(),
        subject_id: event.subject_id,
        client_addr: event.client_addr.as_deref(),
        request_id: event.request_id.as_deref(),
        reason: event.reason.as_deref(),
        details: details.as_deref(),
    };
    let hash = audit::chain_hash(&prev_hash, &fields);
    let stored = sql!(
        as AuditEvent,
        fetch_one,
        &mut *tx,
        concat!(
            "INSERT INTO audit_events (",
            event_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING ",
            event_columns!()
        ),
        id,
        chain_id,
        seq,
        fields.organisation_id,
        fields.actor_user_id,
        fields.action,
        fields.subject_type,
        fields.subject_id,
        now,
        fields.client_addr,
        fields.request_id,
        fields.reason,
        fields.details,
        prev_hash.as_str(),
        hash.as_str(),
    )?;
    sql!(
        execute,
        &mut *tx,
        "UPDATE audit_chains SET last_hash = $2 WHERE chain_id = $1",
        chain_id,
        hash.as_str(),
    )?;
    Ok(stored)
}

/// Appends an event in a transaction of its own, for events that go with no other change:
/// a file opened, a failed login.
pub async fn append_now(db: &Db, event: &NewAuditEvent) -> Result<AuditEvent, StoreError> {
    let mut tx = db.begin_write().await?;
    let stored = append(&mut tx, event, Ts::now()).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Whose events a search looks at. No default: a DPO's page names its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditScope {
    Organisation(OrganisationId),
    /// The instance chain only (no organisation).
    Instance,
    /// Every chain: for the instance administrator.
    Everything,
}

/// What to look for; every criterion given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub scope: AuditScope,
    pub actor_user_id: Option<UserId>,
    pub subject_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    /// From this instant, included.
    pub from: Option<Ts>,
    /// Until this instant, excluded.
    pub until: Option<Ts>,
}

impl AuditFilter {
    pub fn new(scope: AuditScope) -> Self {
        Self { scope, actor_user_id: None, subject_id: None, action: None, from: None, until: None }
    }
}

/// Where the next page starts: just after (older than) this event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub occurred_at: Ts,
    pub id: Uuid,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// The cursor for the next, older page; `None` on the last page.
    pub next: Option<AuditCursor>,
}

/// The most events a page holds, whatever was asked.
pub const SEARCH_MAX_LIMIT: u32 = 200;

/// Events matching `filter`, newest first, `limit` at most (1 to [`SEARCH_MAX_LIMIT`]),
/// starting after `after`.
#[tracing::instrument(skip_all)]
pub async fn search<'c>(
    exec: impl Into<Exec<'c>>,
    filter: &AuditFilter,
    after: Option<AuditCursor>,
    limit: u32,
) -> Result<AuditPage, StoreError> {
    let limit = limit.clamp(1, SEARCH_MAX_LIMIT);
    // The text is assembled from fixed fragments: only placeholder numbers are formatted in,
    // every value is bound.
    let mut args: Vec<Arg> = Vec::new();
    let mut bind = |arg: Arg| {
        args.push(arg);
        format!("${}", args.len())
    };
    let mut clauses: Vec<String> = Vec::new();
    match filter.scope {
        AuditScope::Organisation(id) => {
            clauses.push(format!("organisation_id = {}", bind(Arg::Uuid(id.as_uuid()))));
        }
        AuditScope::Instance => clauses.push("organisation_id IS NULL".to_owned()),
        AuditScope::Everything => {}
    }
    if let Some(actor) = filter.actor_user_id {
        clauses.push(format!("actor_user_id = {}", bind(Arg::Uuid(actor.as_uuid()))));
    }
    if let Some(subject) = filter.subject_id {
        clauses.push(format!("subject_id = {}", bind(Arg::Uuid(subject))));
    }
    if let Some(action) = filter.action {
        clauses.push(format!("action = {}", bind(Arg::Text(action.as_str().to_owned()))));
    }
    if let Some(from) = filter.from {
        clauses.push(format!("occurred_at >= {}", bind(Arg::Ts(from))));
    }
    if let Some(until) = filter.until {
        clauses.push(format!("occurred_at < {}", bind(Arg::Ts(until))));
    }
    if let Some(cursor) = after {
        let (at, id) = (bind(Arg::Ts(cursor.occurred_at)), bind(Arg::Uuid(cursor.id)));
        clauses.push(format!("(occurred_at, id) < ({at}, {id})"));
    }
    let mut sql = concat!("SELECT ", event_columns!(), " FROM audit_events").to_owned();
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    // One more than the page, to know whether another follows.
    let limit_param = bind(Arg::Int(i64::from(limit) + 1));
    sql.push_str(&format!(" ORDER BY occurred_at DESC, id DESC LIMIT {limit_param}"));
    let mut events: Vec<AuditEvent> = sql!(dyn as AuditEvent, fetch_all, exec, &sql, args)?;
    let next = if events.len() > limit as usize {
        events.truncate(limit as usize);
        events.last().map(|e| AuditCursor { occurred_at: e.occurred_at, id: e.id })
    } else {
        None
    };
    Ok(AuditPage { events, next })
}

/// The account an audit search names by its e-mail address, if the scope's log may know it:
/// for an organisation, a member (enabled or not) or anyone who acted in its chain; otherwise
/// any account. An account of another organisation is not found, so the search form cannot
/// be used to learn which addresses have an account elsewhere.
#[tracing::instrument(skip_all)]
pub async fn find_actor_by_email<'c>(
    exec: impl Into<Exec<'c>>,
    scope: AuditScope,
    email: &str,
) -> Result<Option<UserId>, StoreError> {
    let id: Option<Uuid> = match scope {
        AuditScope::Organisation(org) => sql!(
            scalar Uuid,
            fetch_optional,
            exec,
            "SELECT u.id FROM users u WHERE u.email = $1 AND (\
             EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = $2) \
             OR EXISTS (SELECT 1 FROM audit_events e \
                        WHERE e.actor_user_id = u.id AND e.organisation_id = $2))",
            email,
            org.as_uuid(),
        )?,
        AuditScope::Instance | AuditScope::Everything => sql!(
            scalar Uuid,
            fetch_optional,
            exec,
            "SELECT id FROM users WHERE email = $1",
            email,
        )?,
    };
    Ok(id.map(UserId::from_uuid))
}

/// Who an event's actor is, for showing a page of events.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditActor {
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    pub display_name: String,
    pub email: String,
}

/// The most ids [`actors`] takes at once (a page of events names at most this many).
pub const ACTORS_MAX_IDS: usize = SEARCH_MAX_LIMIT as usize;

/// The names and addresses of the accounts `ids` names, in one query (no order; unknown ids
/// are left out). At most [`ACTORS_MAX_IDS`] ids.
#[tracing::instrument(skip_all)]
pub async fn actors<'c>(
    exec: impl Into<Exec<'c>>,
    ids: &[UserId],
) -> Result<Vec<AuditActor>, StoreError> {
    assert!(ids.len() <= ACTORS_MAX_IDS, "at most {ACTORS_MAX_IDS} ids at once");
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Arg> = Vec::with_capacity(ids.len());
    let mut placeholders = Vec::with_capacity(ids.len());
    for id in ids {
        args.push(Arg::Uuid(id.as_uuid()));
        placeholders.push(format!("${}", args.len()));
    }
    // Only placeholder numbers are formatted into the text; the ids are bound.
    let sql = format!(
        "SELECT id, display_name, email FROM users WHERE id IN ({})",
        placeholders.join(", ")
    );
    Ok(sql!(dyn as AuditActor, fetch_all, exec, &sql, args)?)
}
