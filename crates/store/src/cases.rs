//! Cases (accompagnements), their timeline (notes and status changes in one table, keyset
//! paginated), the earlier versions of corrected notes, and note drafts kept on the server.
//!
//! Every function looks inside one organisation; who may see what is decided by
//! `domain::policy` and passed in (a [`NoteVisibility`]) so that a page of the timeline counts
//! only the entries its reader may see.

use domain::cases::{CaseStatus, Confidentiality, EntryKind, NoteInput};
use domain::policy::{CaseFacts, NoteVisibility};
use domain::{CaseEntryId, CaseId, HouseholdId, OrganisationId, PersonId, TeamId, UserId};
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Exec, StoreError, Ts, Tx};

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub id: CaseId,
    pub organisation_id: OrganisationId,
    pub person_id: PersonId,
    pub household_id: Option<HouseholdId>,
    pub team_id: TeamId,
    pub referent_id: UserId,
    pub co_referents: &'a [UserId],
    pub reason: &'a str,
    pub orientation_source: Option<&'a str>,
    pub opened_by: UserId,
}

/// Opens a case, with its co-referents and the "opened" entry of its timeline.
#[tracing::instrument(skip_all)]
pub async fn open(tx: &mut Tx, new: &NewCase<'_>, now: Ts) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO cases (id, organisation_id, person_id, household_id, team_id, referent_id, \
         reason, orientation_source, status, opened_at, created_by, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $9, $9, 1)",
        new.id.as_uuid(),
        new.organisation_id.as_uuid(),
        new.person_id.as_uuid(),
        new.household_id.map(|h| h.as_uuid()),
        new.team_id.as_uuid(),
        new.referent_id.as_uuid(),
        new.reason,
        new.orientation_source,
        now,
        new.opened_by.as_uuid(),
    )?;
    for user in new.co_referents {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO case_co_referents (case_id, user_id) VALUES ($1, $2)",
            new.id.as_uuid(),
            user.as_uuid(),
        )?;
    }
    insert_status_entry(
        tx,
        new.organisation_id,
        new.id,
        CaseStatus::Open,
        None,
        new.opened_by,
        now,
    )
    .await?;
    Ok(())
}

async fn insert_status_entry(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    status: CaseStatus,
    closure_reason: Option<&str>,
    by: UserId,
    now: Ts,
) -> Result<CaseEntryId, StoreError> {
    let id = CaseEntryId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, author_id, \
         confidentiality, status, closure_reason, created_at, updated_at, version) \
         VALUES ($1, $2, $3, 'status', $4, $5, 'normal', $6, $7, $4, $4, 1)",
        id.as_uuid(),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        now,
        by.as_uuid(),
        status.as_str(),
        closure_reason,
    )?;
    Ok(id)
}

/// How many cases the organisation has (the demo writes its cases once).
#[tracing::instrument(skip_all)]
pub async fn count<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM cases WHERE organisation_id = $1",
        organisation_id.as_uuid(),
    )?)
}

/// A case with the names the pages show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Case {
    #[sqlx(try_from = "Uuid")]
    pub id: CaseId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub household_id: Option<Uuid>,
    #[sqlx(try_from = "Uuid")]
    pub team_id: TeamId,
    pub team_name: String,
    pub referent_id: Option<Uuid>,
    pub referent_name: Option<String>,
    pub reason: String,
    pub orientation_source: Option<String>,
    pub status: String,
    pub opened_at: Ts,
    pub closed_at: Option<Ts>,
    pub closure_reason: Option<String>,
    pub version: i64,
    /// Filled from `case_co_referents` (user id, name), by name.
    #[sqlx(skip)]
    pub co_referents: Vec<(UserId, String)>,
}

impl Case {
    pub fn status(&self) -> CaseStatus {
        CaseStatus::parse(&self.status).unwrap_or(CaseStatus::Open)
    }

    pub fn referent(&self) -> Option<UserId> {
        self.referent_id.map(UserId::from_uuid)
    }

    pub fn co_referent_ids(&self) -> Vec<UserId> {
        self.co_referents.iter().map(|(id, _)| *id).collect()
    }

    /// What the policy needs; `co_referents` is [`Case::co_referent_ids`], kept by the caller.
    pub fn facts<'a>(&self, co_referents: &'a [UserId]) -> CaseFacts<'a> {
        CaseFacts {
            organisation_id: self.organisation_id,
            team_id: self.team_id,
            referent_id: self.referent(),
            co_referents,
        }
    }
}

macro_rules! case_select {
    () => {
        "SELECT c.id, c.organisation_id, c.person_id, c.household_id, c.team_id, \
         t.name AS team_name, c.referent_id, u.display_name AS referent_name, c.reason, \
         c.orientation_source, c.status, c.opened_at, c.closed_at, c.closure_reason, c.version \
         FROM cases c JOIN teams t ON t.id = c.team_id \
         LEFT JOIN users u ON u.id = c.referent_id "
    };
}

#[derive(sqlx::FromRow)]
struct CoReferentRow {
    case_id: Uuid,
    user_id: Uuid,
    display_name: String,
}

/// A case of the organisation, with its co-referents (two queries).
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: CaseId,
) -> Result<Option<Case>, StoreError> {
    let mut exec = exec.into();
    let case: Option<Case> = sql!(
        as Case,
        fetch_optional,
        &mut exec,
        concat!(case_select!(), "WHERE c.organisation_id = $1 AND c.id = $2"),
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?;
    let Some(mut case) = case else { return Ok(None) };
    let rows: Vec<CoReferentRow> = sql!(
        as CoReferentRow,
        fetch_all,
        &mut exec,
        "SELECT cc.case_id, cc.user_id, u.display_name FROM case_co_referents cc \
         JOIN users u ON u.id = cc.user_id WHERE cc.case_id = $1 ORDER BY u.display_name, u.id",
        id.as_uuid(),
    )?;
    case.co_referents =
        rows.into_iter().map(|r| (UserId::from_uuid(r.user_id), r.display_name)).collect();
    Ok(Some(case))
}

/// Every case of a person, newest first, with their co-referents (two queries).
#[tracing::instrument(skip_all)]
pub async fn of_person<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    person_id: PersonId,
) -> Result<Vec<Case>, StoreError> {
    let mut exec = exec.into();
    let mut cases: Vec<Case> = sql!(
        as Case,
        fetch_all,
        &mut exec,
        concat!(
            case_select!(),
            "WHERE c.organisation_id = $1 AND c.person_id = $2 \
             ORDER BY c.opened_at DESC, c.id DESC LIMIT 100"
        ),
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?;
    let rows: Vec<CoReferentRow> = sql!(
        as CoReferentRow,
        fetch_all,
        &mut exec,
        "SELECT cc.case_id, cc.user_id, u.display_name FROM case_co_referents cc \
         JOIN cases c ON c.id = cc.case_id JOIN users u ON u.id = cc.user_id \
         WHERE c.organisation_id = $1 AND c.person_id = $2 ORDER BY u.display_name, u.id",
        organisation_id.as_uuid(),
        person_id.as_uuid(),
    )?;
    for case in &mut cases {
        case.co_referents = rows
            .iter()
            .filter(|r| r.case_id == case.id.as_uuid())
            .map(|r| (UserId::from_uuid(r.user_id), r.display_name.clone()))
            .collect();
    }
    Ok(cases)
}

/// Changes the status if nobody changed the case since `expected_version`, and records the
/// change on the timeline. `false` (nothing written) on a stale version.
#[allow(clippy::too_many_arguments)] // One change: which case, from which version, to what, by whom.
#[tracing::instrument(skip_all)]
pub async fn change_status(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: CaseId,
    expected_version: i64,
    to: CaseStatus,
    closure_reason: Option<&str>,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let closed = to == CaseStatus::Closed;
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE cases SET status = $4, closed_at = $5, closure_reason = $6, updated_at = $7, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        id.as_uuid(),
        expected_version,
        to.as_str(),
        closed.then_some(now),
        if closed { closure_reason } else { None },
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    insert_status_entry(tx, organisation_id, id, to, closure_reason.filter(|_| closed), by, now)
        .await?;
    Ok(true)
}

/// The workers of the organisation (enabled), who may be referents: (user, name), by name.
#[tracing::instrument(skip_all)]
pub async fn workers<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    let rows: Vec<(Uuid, String)> = sql!(
        as (Uuid, String),
        fetch_all,
        exec,
        "SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.role = 'worker' AND m.disabled_at IS NULL \
         AND u.disabled_at IS NULL ORDER BY u.display_name, u.id",
        organisation_id.as_uuid(),
    )?;
    Ok(rows.into_iter().map(|(id, name)| (UserId::from_uuid(id), name)).collect())
}

/// A note as stored: its date in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRecord {
    pub occurred_at: Ts,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub note_type: String,
    pub confidentiality: Confidentiality,
    pub body: String,
}

/// Adds a note to a case's timeline.
#[tracing::instrument(skip_all)]
pub async fn add_note(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    note: &NoteRecord,
    author: UserId,
    now: Ts,
) -> Result<CaseEntryId, StoreError> {
    let id = CaseEntryId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, author_id, \
         note_type, duration_minutes, place, participants, confidentiality, body, created_at, \
         updated_at, version) \
         VALUES ($1, $2, $3, 'note', $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)",
        id.as_uuid(),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        note.occurred_at,
        author.as_uuid(),
        note.note_type.as_str(),
        note.duration_minutes,
        note.place.as_deref(),
        note.participants.as_deref(),
        note.confidentiality.as_str(),
        note.body.as_str(),
        now,
    )?;
    Ok(id)
}

/// An event of a feature other than notes, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    pub organisation_id: OrganisationId,
    pub case_id: CaseId,
    /// Neither [`EntryKind::Note`] nor [`EntryKind::Status`], which have their own functions.
    pub kind: EntryKind,
    pub occurred_at: Ts,
    /// Who did it; `None` for the system (a delegation that ended by itself).
    pub author: Option<UserId>,
    /// The record it is about.
    pub subject_id: Option<Uuid>,
    /// A short text of the record as it is now (kept as it was, whatever happens to the record).
    pub summary: Option<&'a str>,
    /// What happened, a code of the kind's own (`added`, `changed`, `achieved`…).
    pub detail: &'a str,
}

/// Adds an event to a case's timeline, in the transaction of the change it records.
#[tracing::instrument(skip_all)]
pub async fn add_event(
    tx: &mut Tx,
    event: &NewEvent<'_>,
    now: Ts,
) -> Result<CaseEntryId, StoreError> {
    debug_assert!(!matches!(event.kind, EntryKind::Note | EntryKind::Status));
    let id = CaseEntryId::new();
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, author_id, \
         confidentiality, subject_id, summary, detail, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, 'normal', $7, $8, $9, $10, $10, 1)",
        id.as_uuid(),
        event.organisation_id.as_uuid(),
        event.case_id.as_uuid(),
        event.kind.as_str(),
        event.occurred_at,
        event.author.map(|a| a.as_uuid()),
        event.subject_id,
        event.summary,
        event.detail,
        now,
    )?;
    Ok(id)
}

/// Corrects a note, if nobody changed it since `expected_version`: the content it had is kept
/// as a version first (written by the note's author: only the author corrects a note).
/// `false` (nothing written) on a stale version or a deleted note.
#[tracing::instrument(skip_all)]
pub async fn correct_note(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    entry_id: CaseEntryId,
    expected_version: i64,
    note: &NoteRecord,
    now: Ts,
) -> Result<bool, StoreError> {
    let kept = sql!(
        execute,
        &mut *tx,
        "INSERT INTO case_entry_versions (id, entry_id, version, occurred_at, note_type, \
         duration_minutes, place, participants, confidentiality, body, written_by, written_at, \
         replaced_at) \
         SELECT $1, e.id, e.version, e.occurred_at, e.note_type, e.duration_minutes, e.place, \
         e.participants, e.confidentiality, e.body, e.author_id, e.updated_at, $4 \
         FROM case_entries e \
         WHERE e.organisation_id = $2 AND e.id = $3 AND e.version = $5 AND e.kind = 'note' \
         AND e.deleted_at IS NULL",
        Uuid::now_v7(),
        organisation_id.as_uuid(),
        entry_id.as_uuid(),
        now,
        expected_version,
    )?;
    if kept != 1 {
        return Ok(false);
    }
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE case_entries SET occurred_at = $4, note_type = $5, duration_minutes = $6, \
         place = $7, participants = $8, confidentiality = $9, body = $10, updated_at = $11, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        entry_id.as_uuid(),
        expected_version,
        note.occurred_at,
        note.note_type.as_str(),
        note.duration_minutes,
        note.place.as_deref(),
        note.participants.as_deref(),
        note.confidentiality.as_str(),
        note.body.as_str(),
        now,
    )?;
    Ok(n == 1)
}

/// Deletes a note, if nobody changed it since `expected_version`: a tombstone that keeps who,
/// when and why, and empties the content (a note is deleted because it should not be there —
/// written in the wrong file, say — so its text must go, earlier versions included).
#[tracing::instrument(skip_all)]
pub async fn delete_note(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    entry_id: CaseEntryId,
    expected_version: i64,
    reason: &str,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE case_entries SET body = NULL, place = NULL, participants = NULL, \
         deleted_at = $4, deleted_by = $5, delete_reason = $6, updated_at = $4, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3 \
         AND kind = 'note' AND deleted_at IS NULL",
        organisation_id.as_uuid(),
        entry_id.as_uuid(),
        expected_version,
        now,
        by.as_uuid(),
        reason,
    )?;
    if n != 1 {
        return Ok(false);
    }
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM case_entry_versions WHERE entry_id = $1",
        entry_id.as_uuid(),
    )?;
    Ok(true)
}

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    #[sqlx(try_from = "Uuid")]
    pub id: CaseEntryId,
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    /// An [`EntryKind`] code.
    pub kind: String,
    pub occurred_at: Ts,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub note_type: Option<String>,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub confidentiality: String,
    pub body: Option<String>,
    pub status: Option<String>,
    pub closure_reason: Option<String>,
    pub deleted_at: Option<Ts>,
    pub deleted_by_name: Option<String>,
    pub delete_reason: Option<String>,
    pub updated_at: Ts,
    pub version: i64,
    /// How many earlier versions a correction kept.
    pub corrections: i64,
    /// The record an event is about (none for notes and status changes).
    pub subject_id: Option<Uuid>,
    /// A short text of that record as it was when the event happened.
    pub summary: Option<String>,
    /// What happened to the record, a code of the kind's own.
    pub detail: Option<String>,
}

impl Entry {
    pub fn is_note(&self) -> bool {
        self.kind == "note"
    }

    /// The entry's kind; `None` for a code this version does not know (a newer server wrote it).
    pub fn kind(&self) -> Option<EntryKind> {
        EntryKind::parse(&self.kind)
    }

    pub fn author(&self) -> Option<UserId> {
        self.author_id.map(UserId::from_uuid)
    }

    pub fn confidentiality(&self) -> Confidentiality {
        // An unknown level is treated as the strictest.
        Confidentiality::parse(&self.confidentiality).unwrap_or(Confidentiality::Author)
    }

    pub fn status(&self) -> Option<CaseStatus> {
        self.status.as_deref().and_then(CaseStatus::parse)
    }

    /// Where the next page of an older timeline starts.
    pub fn cursor(&self) -> Cursor {
        Cursor { occurred_at: self.occurred_at, id: self.id }
    }
}

macro_rules! entry_select {
    () => {
        "SELECT e.id, e.case_id, e.kind, e.occurred_at, e.author_id, a.display_name AS author_name, \
         e.note_type, e.duration_minutes, e.place, e.participants, e.confidentiality, e.body, \
         e.status, e.closure_reason, e.deleted_at, d.display_name AS deleted_by_name, \
         e.delete_reason, e.updated_at, e.version, \
         (SELECT count(*) FROM case_entry_versions v WHERE v.entry_id = e.id) AS corrections, \
         e.subject_id, e.summary, e.detail \
         FROM case_entries e LEFT JOIN users a ON a.id = e.author_id \
         LEFT JOIN users d ON d.id = e.deleted_by "
    };
}

/// The entries `visibility` lets through: status and referent changes always (they are the
/// case's metadata, [`EntryKind::is_metadata`]), every other entry only with a visibility, by
/// its level (events other than notes are all at the normal level). `$3`: content at all;
/// `$4`: the viewer; `$5`: "referents only" notes of others.
const VISIBLE: &str = "(e.kind IN ('status', 'referents') OR ($3 AND \
     (e.confidentiality = 'normal' OR e.author_id = $4 OR \
     (e.confidentiality = 'referents' AND $5))))";

fn visibility_args(visibility: Option<NoteVisibility>) -> [Arg; 3] {
    [
        Arg::Bool(visibility.is_some()),
        Arg::Uuid(visibility.map(|v| v.viewer.as_uuid()).unwrap_or(Uuid::nil())),
        Arg::Bool(visibility.is_some_and(|v| v.referents_level)),
    ]
}

/// A position in a timeline: entries strictly older than it come next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub occurred_at: Ts,
    pub id: CaseEntryId,
}

/// Which entries of a timeline to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineFilter<'a> {
    /// Notes of this type (a contact-medium code, or `case_review`).
    NoteType(&'a str),
    /// Entries of these kinds.
    Kinds(&'a [EntryKind]),
}

/// One page of a timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelinePage {
    pub entries: Vec<Entry>,
    /// Where the next (older) page starts, when there is one.
    pub older: Option<Cursor>,
}

/// A page of `limit` entries of a case's timeline, newest first, older than `before`, only
/// those `filter` keeps when given. One query.
#[allow(clippy::too_many_arguments)] // A page: which case, for whom, which type, from where.
#[tracing::instrument(skip_all)]
pub async fn timeline<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    visibility: Option<NoteVisibility>,
    filter: Option<TimelineFilter<'_>>,
    before: Option<Cursor>,
    limit: i64,
) -> Result<TimelinePage, StoreError> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Uuid(case_id.as_uuid())];
    args.extend(visibility_args(visibility));
    let mut sql = format!(
        concat!(entry_select!(), "WHERE e.organisation_id = $1 AND e.case_id = $2 AND {}"),
        VISIBLE
    );
    match filter {
        Some(TimelineFilter::NoteType(t)) => {
            args.push(Arg::Text(t.to_owned()));
            sql.push_str(&format!(" AND e.kind = 'note' AND e.note_type = ${}", args.len()));
        }
        Some(TimelineFilter::Kinds(kinds)) => {
            let mut marks = Vec::new();
            for k in kinds {
                args.push(Arg::Text(k.as_str().to_owned()));
                marks.push(format!("${}", args.len()));
            }
            if marks.is_empty() {
                sql.push_str(" AND 1 = 0");
            } else {
                sql.push_str(&format!(" AND e.kind IN ({})", marks.join(", ")));
            }
        }
        None => {}
    }
    if let Some(c) = before {
        args.push(Arg::Ts(c.occurred_at));
        let at = args.len();
        args.push(Arg::Uuid(c.id.as_uuid()));
        let id = args.len();
        sql.push_str(&format!(
            " AND (e.occurred_at < ${at} OR (e.occurred_at = ${at} AND e.id < ${id}))"
        ));
    }
    args.push(Arg::Int(limit + 1));
    sql.push_str(&format!(" ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${}", args.len()));
    let mut entries: Vec<Entry> = sql!(dyn as Entry, fetch_all, exec, &sql, args)?;
    let older = if entries.len() as i64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(Entry::cursor)
    } else {
        None
    };
    Ok(TimelinePage { entries, older })
}

/// The latest `limit` notes (not deleted) that `visibility` lets through, newest first. One
/// query.
#[tracing::instrument(skip_all)]
pub async fn last_contacts<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    visibility: NoteVisibility,
    limit: i64,
) -> Result<Vec<Entry>, StoreError> {
    let mut args = vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Uuid(case_id.as_uuid())];
    args.extend(visibility_args(Some(visibility)));
    args.push(Arg::Int(limit));
    let sql = format!(
        concat!(
            entry_select!(),
            "WHERE e.organisation_id = $1 AND e.case_id = $2 AND e.kind = 'note' \
             AND e.deleted_at IS NULL AND {} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $6"
        ),
        VISIBLE
    );
    Ok(sql!(dyn as Entry, fetch_all, exec, &sql, args)?)
}

/// One entry of a case (any kind, any level: the caller applies the policy).
#[tracing::instrument(skip_all)]
pub async fn find_entry<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    entry_id: CaseEntryId,
) -> Result<Option<Entry>, StoreError> {
    Ok(sql!(
        as Entry,
        fetch_optional,
        exec,
        concat!(entry_select!(), "WHERE e.organisation_id = $1 AND e.case_id = $2 AND e.id = $3"),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        entry_id.as_uuid(),
    )?)
}

/// An earlier version of a corrected note.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoteVersion {
    pub version: i64,
    pub occurred_at: Ts,
    pub note_type: Option<String>,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub confidentiality: String,
    pub body: Option<String>,
    pub written_by_name: Option<String>,
    pub written_at: Ts,
    pub replaced_at: Ts,
}

/// The earlier versions of a note, newest first.
#[tracing::instrument(skip_all)]
pub async fn note_versions<'c>(
    exec: impl Into<Exec<'c>>,
    entry_id: CaseEntryId,
) -> Result<Vec<NoteVersion>, StoreError> {
    Ok(sql!(
        as NoteVersion,
        fetch_all,
        exec,
        "SELECT v.version, v.occurred_at, v.note_type, v.duration_minutes, v.place, \
         v.participants, v.confidentiality, v.body, u.display_name AS written_by_name, \
         v.written_at, v.replaced_at FROM case_entry_versions v \
         LEFT JOIN users u ON u.id = v.written_by WHERE v.entry_id = $1 ORDER BY v.version DESC",
        entry_id.as_uuid(),
    )?)
}

/// Which form a draft belongs to: a new note of a case, or the correction of one note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftKey {
    pub case_id: CaseId,
    pub entry_id: Option<CaseEntryId>,
}

impl DraftKey {
    fn text(&self) -> String {
        match self.entry_id {
            None => self.case_id.to_string(),
            Some(e) => format!("{}/{e}", self.case_id),
        }
    }
}

/// A saved draft: what was typed, and when it was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub input: NoteInput,
    pub updated_at: Ts,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    typed_date: String,
    typed_time: String,
    duration: String,
    place: String,
    participants: String,
    note_type: String,
    confidentiality: String,
    body: String,
    updated_at: Ts,
}

/// Keeps what `user` typed in a note form (replacing their earlier draft of the same form).
/// Drafts belong to the user, not to a session: they outlive a session that expired.
#[tracing::instrument(skip_all)]
pub async fn save_draft<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    key: DraftKey,
    input: &NoteInput,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO note_drafts (id, organisation_id, user_id, case_id, entry_id, draft_key, \
         typed_date, typed_time, duration, place, participants, note_type, confidentiality, \
         body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
         ON CONFLICT (user_id, draft_key) DO UPDATE SET typed_date = $7, typed_time = $8, \
         duration = $9, place = $10, participants = $11, note_type = $12, \
         confidentiality = $13, body = $14, updated_at = $15",
        Uuid::now_v7(),
        organisation_id.as_uuid(),
        user.as_uuid(),
        key.case_id.as_uuid(),
        key.entry_id.map(|e| e.as_uuid()),
        key.text(),
        input.date.as_str(),
        input.time.as_str(),
        input.duration.as_str(),
        input.place.as_str(),
        input.participants.as_str(),
        input.note_type.as_str(),
        input.confidentiality.as_str(),
        input.body.as_str(),
        now,
    )?;
    Ok(())
}

/// `user`'s draft of a form, if any.
#[tracing::instrument(skip_all)]
pub async fn find_draft<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    key: DraftKey,
) -> Result<Option<Draft>, StoreError> {
    let row: Option<DraftRow> = sql!(
        as DraftRow,
        fetch_optional,
        exec,
        "SELECT typed_date, typed_time, duration, place, participants, note_type, \
         confidentiality, body, updated_at FROM note_drafts \
         WHERE organisation_id = $1 AND user_id = $2 AND draft_key = $3",
        organisation_id.as_uuid(),
        user.as_uuid(),
        key.text(),
    )?;
    Ok(row.map(|r| Draft {
        input: NoteInput {
            date: r.typed_date,
            time: r.typed_time,
            duration: r.duration,
            place: r.place,
            participants: r.participants,
            note_type: r.note_type,
            confidentiality: r.confidentiality,
            body: r.body,
        },
        updated_at: r.updated_at,
    }))
}

/// Forgets `user`'s draft of a form (the note was saved, or the draft emptied).
#[tracing::instrument(skip_all)]
pub async fn delete_draft<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    key: DraftKey,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "DELETE FROM note_drafts WHERE user_id = $1 AND draft_key = $2",
        user.as_uuid(),
        key.text(),
    )?;
    Ok(())
}

/// An unfinished draft, for the user's home page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftSummary {
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub entry_id: Option<Uuid>,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub updated_at: Ts,
}

/// `user`'s drafts in the organisation, latest first.
#[tracing::instrument(skip_all)]
pub async fn drafts_of<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
) -> Result<Vec<DraftSummary>, StoreError> {
    Ok(sql!(
        as DraftSummary,
        fetch_all,
        exec,
        "SELECT d.case_id, d.entry_id, p.birth_name, p.used_name, p.first_names, d.updated_at \
         FROM note_drafts d JOIN cases c ON c.id = d.case_id JOIN persons p ON p.id = c.person_id \
         WHERE d.organisation_id = $1 AND d.user_id = $2 ORDER BY d.updated_at DESC LIMIT 50",
        organisation_id.as_uuid(),
        user.as_uuid(),
    )?)
}

/// Everything the case overview shows besides the case itself.
#[derive(Debug, Clone)]
pub struct Overview {
    pub person: crate::persons::Person,
    /// Every household membership of the person, with all members (the page picks the
    /// current one).
    pub households: Vec<crate::households::Member>,
    pub flags: Vec<crate::intake::FlagRow>,
    pub lists: domain::lists::Lists,
    /// `None` for a reader without the content.
    pub last_contacts: Option<Vec<Entry>>,
    pub timeline: TimelinePage,
    /// The reader's draft of a new note, when they write notes.
    pub draft: Option<Draft>,
}

/// What the overview of `case` shows `reader`: a fixed list of queries (person, households,
/// flags, lists, last contacts, one timeline page, the draft), whatever the case's history.
#[allow(clippy::too_many_arguments)] // The page: which case, for whom, which type, from where.
#[tracing::instrument(skip_all)]
pub async fn overview(
    db: &crate::Db,
    case: &Case,
    visibility: Option<NoteVisibility>,
    filter: Option<TimelineFilter<'_>>,
    before: Option<Cursor>,
    last_contacts_limit: i64,
    page: i64,
    draft_of: Option<UserId>,
) -> Result<Option<Overview>, StoreError> {
    let org = case.organisation_id;
    let Some(person) = crate::persons::find(db, org, case.person_id).await? else {
        return Ok(None);
    };
    let households = crate::households::of_person(db, org, case.person_id).await?;
    let flags = crate::intake::flags_of(db, org, case.person_id).await?;
    let lists = crate::lists::for_organisation(db, org).await?;
    let last_contacts = match visibility {
        Some(v) => Some(last_contacts(db, org, case.id, v, last_contacts_limit).await?),
        None => None,
    };
    let timeline = timeline(db, org, case.id, visibility, filter, before, page).await?;
    let draft = match draft_of {
        Some(user) => {
            find_draft(db, org, user, DraftKey { case_id: case.id, entry_id: None }).await?
        }
        None => None,
    };
    Ok(Some(Overview { person, households, flags, lists, last_contacts, timeline, draft }))
}
