//! Documents of a person, optionally of one of their cases: the record of each stored file
//! (the bytes are in the file store, encrypted, under `object_name`), with a `document` event on
//! the case's timeline when it belongs to a case; the lists of a person's and of a case's
//! documents; the documents expiring soon, for the reminders; and share links (only the
//! SHA-256 of their token is kept), with their expiry, revocation and count of uses.

use domain::cases::EntryKind;
use domain::{CaseId, OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

/// A document to record, once its file is stored.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub person_id: PersonId,
    pub case_id: Option<CaseId>,
    pub type_code: &'a str,
    pub file_name: &'a str,
    pub file_type: &'a str,
    pub size_bytes: i64,
    pub object_name: &'a str,
    pub key_id: &'a str,
    pub expires_on: Option<Date>,
    pub confidential: bool,
    pub uploaded_by: UserId,
}

/// A stored document, with its uploader's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub case_id: Option<Uuid>,
    pub type_code: String,
    pub file_name: String,
    pub file_type: String,
    pub size_bytes: i64,
    pub object_name: String,
    pub key_id: String,
    pub expires_on: Option<Date>,
    pub confidential: bool,
    pub uploaded_by: Option<Uuid>,
    pub uploader_name: Option<String>,
    pub created_at: Ts,
    pub version: i64,
}

impl Document {
    pub fn case(&self) -> Option<CaseId> {
        self.case_id.map(CaseId::from_uuid)
    }

    pub fn uploader(&self) -> Option<UserId> {
        self.uploaded_by.map(UserId::from_uuid)
    }
}

const SELECT: &str = "SELECT d.id, d.organisation_id, d.person_id, d.case_id, d.type_code, \
     d.file_name, d.file_type, d.size_bytes, d.object_name, d.key_id, d.expires_on, \
     d.confidential, d.uploaded_by, u.display_name AS uploader_name, d.created_at, d.version \
     FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by ";

/// Records a document; when it belongs to a case, adds a `document` event to the case's
/// timeline whose summary is `summary` (what the timeline may say of it: its type, or that it
/// is confidential).
#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Tx,
    new: &NewDocument<'_>,
    summary: &str,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO documents (id, organisation_id, person_id, case_id, type_code, file_name, \
         file_type, size_bytes, object_name, key_id, expires_on, confidential, uploaded_by, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
        new.id,
        new.organisation_id.as_uuid(),
        new.person_id.as_uuid(),
        new.case_id.map(|c| c.as_uuid()),
        new.type_code,
        new.file_name,
        new.file_type,
        new.size_bytes,
        new.object_name,
        new.key_id,
        new.expires_on,
        new.confidential,
        new.uploaded_by.as_uuid(),
        now,
    )?;
    if let Some(case_id) = new.case_id {
        let event = NewEvent {
            organisation_id: new.organisation_id,
            case_id,
            kind: EntryKind::Document,
            occurred_at: now,
            author: Some(new.uploaded_by),
            subject_id: Some(new.id),
            summary: Some(summary),
            detail: "added",
        };
        crate::cases::add_event(tx, &event, now).await?;
    }
    Ok(())
}

/// A document of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Document>, StoreError> {
    let sql = format!("{SELECT}WHERE d.organisation_id = $1 AND d.id = $2");
    Ok(sql!(as Document, fetch_optional, exec, &sql, organisation_id.as_uuid(), id)?)
}

/// A person's documents (their cases' included), newest first.
#[tracing::instrument(skip_all)]
pub async fn of_person<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Document>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE d.organisation_id = $1 AND d.person_id = $2 \
         ORDER BY d.created_at DESC, d.id DESC LIMIT 500"
    );
    Ok(sql!(as Document, fetch_all, exec, &sql, organisation_id.as_uuid(), person_id.as_uuid())?)
}

/// A case's documents, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
) -> Result<Vec<Document>, StoreError> {
    let sql = format!(
        "{SELECT}WHERE d.organisation_id = $1 AND d.case_id = $2 \
         ORDER BY d.created_at DESC, d.id DESC LIMIT 500"
    );
    Ok(sql!(as Document, fetch_all, exec, &sql, organisation_id.as_uuid(), case_id.as_uuid())?)
}

/// A stored file and the key it is recorded under (`passerelle files reencrypt`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredObject {
    pub id: Uuid,
    pub object_name: String,
    pub key_id: String,
}

/// Every organisation's documents recorded under another key than `current`, by id, the
/// `limit` first after `after` (the caller pages through them, so a file that cannot be
/// re-encrypted is not met again in the same run).
#[tracing::instrument(skip_all)]
pub async fn under_other_keys<'c>(
    exec: impl Into<Exec<'c>>,
    current: &str,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<StoredObject>, StoreError> {
    Ok(sql!(
        as StoredObject,
        fetch_all,
        exec,
        "SELECT id, object_name, key_id FROM documents WHERE key_id <> $1 AND id > $2 \
         ORDER BY id LIMIT $3",
        current,
        after.unwrap_or(Uuid::nil()),
        limit,
    )?)
}

/// Records that a document's file is now encrypted with `key_id`.
#[tracing::instrument(skip_all)]
pub async fn set_key_id<'c>(
    exec: impl Into<Exec<'c>>,
    id: Uuid,
    key_id: &str,
) -> Result<(), StoreError> {
    sql!(execute, exec, "UPDATE documents SET key_id = $1 WHERE id = $2", key_id, id)?;
    Ok(())
}

/// How many documents each key encrypts, by key id.
#[tracing::instrument(skip_all)]
pub async fn count_by_key<'c>(exec: impl Into<Exec<'c>>) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sql!(
        as (String, i64),
        fetch_all,
        exec,
        "SELECT key_id, count(*) FROM documents GROUP BY key_id ORDER BY key_id"
    )?)
}

/// A document expiring soon, with whom a reminder goes to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Expiring {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub type_code: String,
    pub expires_on: Date,
    /// The document's case, or else the person's most recent open or paused case.
    pub case_id: Option<Uuid>,
    /// That case's referent.
    pub referent_id: Option<Uuid>,
}

/// Every document (of every organisation) expiring on or before `until`, not expired before
/// `since` (long-expired papers call for no reminder) and not replaced by a newer document of
/// the same type that expires later, with the case and referent a
/// reminder goes to: the document's own case, else the person's most recent open or paused
/// case. At most `limit`, by expiry date.
#[tracing::instrument(skip_all)]
pub async fn expiring<'c>(
    exec: impl Into<Exec<'c>>,
    since: Date,
    until: Date,
    limit: i64,
) -> Result<Vec<Expiring>, StoreError> {
    Ok(sql!(
        as Expiring,
        fetch_all,
        exec,
        &format!(
            "{EXPIRING}WHERE d.expires_on IS NOT NULL AND d.expires_on >= $1 \
             AND d.expires_on <= $2 AND {NOT_REPLACED} ORDER BY d.expires_on, d.id LIMIT $3"
        ),
        since,
        until,
        limit,
    )?)
}

/// A document with its case and referent, as [`expiring`] reads them.
const EXPIRING: &str = "SELECT d.id, d.organisation_id, d.person_id, d.type_code, \
     d.expires_on, c.id AS case_id, c.referent_id \
     FROM documents d \
     LEFT JOIN cases c ON c.id = COALESCE(d.case_id, ( \
         SELECT c2.id FROM cases c2 WHERE c2.organisation_id = d.organisation_id \
         AND c2.person_id = d.person_id AND c2.status IN ('open', 'paused') \
         ORDER BY c2.opened_at DESC, c2.id DESC LIMIT 1)) ";

/// Not replaced by a newer document of the same person and type that expires later.
const NOT_REPLACED: &str = "NOT EXISTS (SELECT 1 FROM documents n \
     WHERE n.organisation_id = d.organisation_id AND n.person_id = d.person_id \
     AND n.type_code = d.type_code AND n.created_at > d.created_at \
     AND (n.expires_on IS NULL OR n.expires_on > d.expires_on))";

/// The reminder of one document just recorded, in its transaction: when it expires within
/// `days` of `today` (the same window as the periodic job), its referent's task is made at
/// once rather than at the job's next run, hours later. `true` when a task was created.
#[tracing::instrument(skip_all)]
pub async fn remind_now(
    tx: &mut Tx,
    document: Uuid,
    today: Date,
    days: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let sql = format!("{EXPIRING}WHERE d.id = $1 AND d.expires_on IS NOT NULL AND {NOT_REPLACED}");
    let Some(doc) = sql!(as Expiring, fetch_optional, &mut *tx, &sql, document)? else {
        return Ok(false);
    };
    let since = today - time::Duration::days(EXPIRED_FOR_AT_MOST_DAYS);
    let until = today + time::Duration::days(days);
    match doc.referent_id {
        Some(referent) if doc.expires_on >= since && doc.expires_on <= until => {
            remind(tx, &doc, UserId::from_uuid(referent), today, now).await
        }
        _ => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------------
// Share links.

/// A share link to record.
#[derive(Debug, Clone)]
pub struct NewShare<'a> {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub document_id: Uuid,
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    pub recipient: &'a str,
    pub recipient_label: Option<&'a str>,
    pub expires_at: Ts,
    pub created_by: UserId,
}

/// A share link, as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Share {
    pub id: Uuid,
    pub document_id: Uuid,
    pub recipient: String,
    pub recipient_label: Option<String>,
    pub expires_at: Ts,
    pub revoked_at: Option<Ts>,
    pub use_count: i64,
    pub last_used_at: Option<Ts>,
    pub created_by_name: Option<String>,
    pub created_at: Ts,
}

impl Share {
    /// Whether the link still opens the document at `now`.
    pub fn active(&self, now: Ts) -> bool {
        self.revoked_at.is_none() && now.get() < self.expires_at.get()
    }
}

#[tracing::instrument(skip_all)]
pub async fn create_share(tx: &mut Tx, new: &NewShare<'_>, now: Ts) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO document_shares (id, organisation_id, document_id, token_hash, recipient, \
         recipient_label, expires_at, use_count, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9, 1)",
        new.id,
        new.organisation_id.as_uuid(),
        new.document_id,
        new.token_hash,
        new.recipient,
        new.recipient_label,
        new.expires_at,
        new.created_by.as_uuid(),
        now,
    )?;
    Ok(())
}

/// A document's share links, newest first.
#[tracing::instrument(skip_all)]
pub async fn shares_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    document_id: Uuid,
) -> Result<Vec<Share>, StoreError> {
    Ok(sql!(
        as Share,
        fetch_all,
        exec,
        "SELECT s.id, s.document_id, s.recipient, s.recipient_label, s.expires_at, s.revoked_at, \
         s.use_count, s.last_used_at, u.display_name AS created_by_name, s.created_at \
         FROM document_shares s LEFT JOIN users u ON u.id = s.created_by \
         WHERE s.organisation_id = $1 AND s.document_id = $2 \
         ORDER BY s.created_at DESC, s.id DESC LIMIT 200",
        organisation_id.as_uuid(),
        document_id,
    )?)
}

/// Revokes a link of a document; `false` if it is unknown or already revoked.
#[tracing::instrument(skip_all)]
pub async fn revoke_share(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    document_id: Uuid,
    share_id: Uuid,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE document_shares SET revoked_at = $1, revoked_by = $2, updated_at = $1, \
         version = version + 1 \
         WHERE organisation_id = $3 AND document_id = $4 AND id = $5 AND revoked_at IS NULL",
        now,
        by.as_uuid(),
        organisation_id.as_uuid(),
        document_id,
        share_id,
    )?;
    Ok(n == 1)
}

/// Uses a link: the document it opens and the link's id, if the token's hash names a link
/// that is neither revoked nor expired at `now`, counting the use.
#[tracing::instrument(skip_all)]
pub async fn use_share(
    tx: &mut Tx,
    token_hash: &str,
    now: Ts,
) -> Result<Option<(Uuid, Document)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        organisation_id: Uuid,
        document_id: Uuid,
    }
    let row: Option<Row> = sql!(
        as Row,
        fetch_optional,
        &mut *tx,
        "SELECT id, organisation_id, document_id FROM document_shares \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        token_hash,
        now,
    )?;
    let Some(row) = row else { return Ok(None) };
    sql!(
        execute,
        &mut *tx,
        "UPDATE document_shares SET use_count = use_count + 1, last_used_at = $1 WHERE id = $2",
        now,
        row.id,
    )?;
    let org = OrganisationId::from_uuid(row.organisation_id);
    Ok(find(&mut *tx, org, row.document_id).await?.map(|d| (row.id, d)))
}

// ---------------------------------------------------------------------------------------------
// Expiry reminders (issue 9 point 5): a periodic job of the job runner (ADR 0008).

/// The periodic job that reminds referents of documents about to expire.
pub const EXPIRY_REMINDERS: &str = "document_expiry_reminders";
/// Every six hours: a reminder is a day's matter, and the task it makes is made once.
pub const EXPIRY_REMINDERS_EVERY_MINUTES: i64 = 6 * 60;
/// Documents expired longer ago than this call for no reminder any more.
pub const EXPIRED_FOR_AT_MOST_DAYS: i64 = 30;
/// Documents handled per run; the next run takes the rest.
const BATCH: i64 = 500;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderCounts {
    /// Documents expiring within the window, with a referent to remind.
    pub due: u64,
    /// Reminder tasks created (an existing one is not created again).
    pub created: u64,
    /// Documents expiring with nobody to remind (no case, or a case without referent).
    pub unassigned: u64,
    /// Reminders closed because the document was replaced by a newer one.
    pub resolved: u64,
}

/// The reminder for one expiring document: a system task of the tasks feature
/// (`TaskKind::DocumentExpiring`, the document as its source, due on the day it is made so that
/// it shows on the referent's day at once), created once per document and referent.
/// `true` when a task was created.
async fn remind(
    tx: &mut Tx,
    doc: &Expiring,
    referent: UserId,
    today: Date,
    now: Ts,
) -> Result<bool, StoreError> {
    let task = crate::tasks::SystemTask {
        organisation_id: doc.organisation_id,
        kind: domain::tasks::TaskKind::DocumentExpiring,
        source_id: doc.id,
        case_id: doc.case_id.map(CaseId::from_uuid),
        person_id: Some(doc.person_id),
        assignee: referent,
        due_on: Some(today.min(doc.expires_on)),
    };
    crate::tasks::ensure_system(tx, &task, now).await
}

/// Closes, as done by the system, the open reminders of documents replaced since: a newer
/// document of the same person and type that expires later (or never). Returns how many.
async fn resolve_replaced(tx: &mut Tx, now: Ts) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        &mut *tx,
        "UPDATE tasks SET status = 'done', closed_at = $1, closed_by = NULL, updated_at = $1, \
         version = version + 1 \
         WHERE kind = 'document_expiring' AND status = 'open' AND EXISTS ( \
             SELECT 1 FROM documents d JOIN documents n ON n.organisation_id = d.organisation_id \
             AND n.person_id = d.person_id AND n.type_code = d.type_code \
             AND n.created_at > d.created_at \
             AND (n.expires_on IS NULL OR n.expires_on > d.expires_on) \
             WHERE d.id = tasks.source_id)",
        now,
    )?)
}

/// One run: reminders of replaced documents are closed, then every document expiring within
/// `days` of `today` (or expired within the last [`EXPIRED_FOR_AT_MOST_DAYS`]) and not replaced
/// gets its referent's reminder task.
#[tracing::instrument(skip_all)]
pub async fn run_expiry_reminders(
    db: &crate::Db,
    today: Date,
    days: i64,
    now: Ts,
) -> Result<ReminderCounts, StoreError> {
    let since = today - time::Duration::days(EXPIRED_FOR_AT_MOST_DAYS);
    let until = today + time::Duration::days(days);
    let docs = expiring(db, since, until, BATCH).await?;
    let mut counts = ReminderCounts::default();
    let mut tx = db.begin_write().await?;
    counts.resolved = resolve_replaced(&mut tx, now).await?;
    for doc in &docs {
        match doc.referent_id {
            Some(referent) => {
                counts.due += 1;
                if remind(&mut tx, doc, UserId::from_uuid(referent), today, now).await? {
                    counts.created += 1;
                }
            }
            None => counts.unassigned += 1,
        }
    }
    tx.commit().await?;
    Ok(counts)
}

/// Adds the expiry reminders job, `days` ahead, and its schedule to `registry`.
pub fn register(
    registry: crate::jobs::runner::Registry,
    days: i64,
) -> crate::jobs::runner::Registry {
    use crate::jobs::runner::{JobContext, JobError};
    registry
        .handle(EXPIRY_REMINDERS, move |ctx: JobContext| async move {
            let now = Ts::now();
            let counts = run_expiry_reminders(&ctx.db, now.get().date(), days, now).await?;
            let mut tx = ctx.db.begin_write().await?;
            ctx.complete_in(&mut tx).await?;
            tx.commit().await?;
            // Counts only: which documents is in the tasks.
            tracing::info!(
                due = counts.due,
                created = counts.created,
                unassigned = counts.unassigned,
                resolved = counts.resolved,
                "document expiry reminders"
            );
            Ok::<(), JobError>(())
        })
        .every(crate::jobs::Schedule::new(EXPIRY_REMINDERS, EXPIRY_REMINDERS_EVERY_MINUTES))
}
