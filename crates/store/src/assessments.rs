//! Assessments (diagnostics) of a case, their ratings per life domain, the organisation's
//! descriptions of the need levels, and the drafts of assessment forms kept on the server.
//!
//! Recording or correcting an assessment puts an `assessment` event on the case's timeline in
//! the same transaction. Who may read or write is decided by `domain::policy` before these
//! functions are called; each looks inside one organisation.

use domain::assessments::{
    AssessmentContent, AssessmentId, AssessmentInput, LevelDescriptions, LevelText, Rating,
};
use domain::cases::EntryKind;
use domain::{CaseId, OrganisationId, UserId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::cases::NewEvent;
use crate::{Exec, StoreError, Ts, Tx};

/// An assessment to record.
#[derive(Debug, Clone)]
pub struct NewAssessment<'a> {
    pub id: AssessmentId,
    pub organisation_id: OrganisationId,
    pub case_id: CaseId,
    pub content: &'a AssessmentContent,
    /// The worker who assessed.
    pub by: UserId,
}

/// When the timeline places an assessment: its day at noon UTC, or `now` if that is later
/// than now (an assessment of today recorded in the morning).
fn occurred_at(day: Date, now: Ts) -> Ts {
    let noon = OffsetDateTime::new_utc(day, time::macros::time!(12:00));
    if noon > now.get() { now } else { Ts::from(noon) }
}

async fn insert_ratings(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    id: AssessmentId,
    ratings: &[Rating],
    now: Ts,
) -> Result<(), StoreError> {
    for r in ratings {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO assessment_ratings (id, organisation_id, assessment_id, domain_code, \
             need_level, person_level, person_words, strengths, priority, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1)",
            Uuid::now_v7(),
            organisation_id.as_uuid(),
            id.as_uuid(),
            r.domain.as_str(),
            r.need.map(i64::from),
            r.person.map(i64::from),
            r.person_words.as_deref(),
            r.strengths.as_deref(),
            r.priority,
            now,
        )?;
    }
    Ok(())
}

/// Records an assessment with its ratings and its event on the case's timeline.
#[tracing::instrument(skip_all)]
pub async fn record(
    tx: &mut Tx,
    new: &NewAssessment<'_>,
    now: Ts,
) -> Result<AssessmentId, StoreError> {
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO assessments (id, organisation_id, case_id, assessed_on, assessed_by, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
        new.id.as_uuid(),
        new.organisation_id.as_uuid(),
        new.case_id.as_uuid(),
        new.content.assessed_on,
        new.by.as_uuid(),
        now,
    )?;
    insert_ratings(tx, new.organisation_id, new.id, &new.content.ratings, now).await?;
    crate::cases::add_event(
        tx,
        &NewEvent {
            organisation_id: new.organisation_id,
            case_id: new.case_id,
            kind: EntryKind::Assessment,
            occurred_at: occurred_at(new.content.assessed_on, now),
            author: Some(new.by),
            subject_id: Some(new.id.as_uuid()),
            // The heading says it in the reader's language; the record holds the figures.
            summary: None,
            detail: "added",
        },
        now,
    )
    .await?;
    let old = domain::tasks::TaskKind::AssessmentOld;
    crate::tasks::resolve_case(tx, new.organisation_id, old, new.case_id, now).await?;
    Ok(new.id)
}

/// Corrects an assessment if nobody changed it since `expected_version`: its date and all its
/// ratings are replaced, and a `corrected` event goes on the timeline. `false` (nothing
/// written) when the version is stale or the assessment is not the case's.
#[allow(clippy::too_many_arguments)] // Which assessment, at which version, what, by whom, when.
#[tracing::instrument(skip_all)]
pub async fn correct(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: AssessmentId,
    expected_version: i64,
    content: &AssessmentContent,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE assessments SET assessed_on = $5, corrected_by = $6, updated_at = $7, \
         version = version + 1 \
         WHERE organisation_id = $1 AND case_id = $2 AND id = $3 AND version = $4",
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id.as_uuid(),
        expected_version,
        content.assessed_on,
        by.as_uuid(),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM assessment_ratings WHERE organisation_id = $1 AND assessment_id = $2",
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?;
    insert_ratings(tx, organisation_id, id, &content.ratings, now).await?;
    crate::cases::add_event(
        tx,
        &NewEvent {
            organisation_id,
            case_id,
            kind: EntryKind::Assessment,
            occurred_at: now,
            author: Some(by),
            subject_id: Some(id.as_uuid()),
            summary: None,
            detail: "corrected",
        },
        now,
    )
    .await?;
    Ok(true)
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: AssessmentId,
    pub case_id: CaseId,
    pub assessed_by: Option<UserId>,
    pub assessed_by_name: Option<String>,
    pub corrected_by_name: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
    /// Its date and ratings, by domain code.
    pub content: AssessmentContent,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    case_id: Uuid,
    assessed_on: Date,
    assessed_by: Option<Uuid>,
    assessed_by_name: Option<String>,
    corrected_by_name: Option<String>,
    created_at: Ts,
    updated_at: Ts,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct RatingRow {
    assessment_id: Uuid,
    domain_code: String,
    need_level: Option<i64>,
    person_level: Option<i64>,
    person_words: Option<String>,
    strengths: Option<String>,
    priority: bool,
}

macro_rules! assessment_select {
    () => {
        "SELECT a.id, a.case_id, a.assessed_on, a.assessed_by, u.display_name AS \
         assessed_by_name, c.display_name AS corrected_by_name, a.created_at, a.updated_at, \
         a.version FROM assessments a LEFT JOIN users u ON u.id = a.assessed_by \
         LEFT JOIN users c ON c.id = a.corrected_by "
    };
}

macro_rules! rating_select {
    () => {
        "SELECT r.assessment_id, r.domain_code, r.need_level, r.person_level, r.person_words, \
         r.strengths, r.priority FROM assessment_ratings r "
    };
}

fn level(v: Option<i64>) -> Option<u8> {
    v.and_then(|l| u8::try_from(l).ok())
}

fn assemble(rows: Vec<Row>, ratings: Vec<RatingRow>) -> Vec<Assessment> {
    let mut out: Vec<Assessment> = rows
        .into_iter()
        .map(|r| Assessment {
            id: AssessmentId::from_uuid(r.id),
            case_id: CaseId::from_uuid(r.case_id),
            assessed_by: r.assessed_by.map(UserId::from_uuid),
            assessed_by_name: r.assessed_by_name,
            corrected_by_name: r.corrected_by_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            content: AssessmentContent { assessed_on: r.assessed_on, ratings: Vec::new() },
        })
        .collect();
    for r in ratings {
        if let Some(a) = out.iter_mut().find(|a| a.id.as_uuid() == r.assessment_id) {
            a.content.ratings.push(Rating {
                domain: r.domain_code,
                need: level(r.need_level),
                person: level(r.person_level),
                person_words: r.person_words,
                strengths: r.strengths,
                priority: r.priority,
            });
        }
    }
    out
}

/// The case's assessments, latest first (two queries whatever their number).
#[tracing::instrument(skip_all)]
pub async fn list_for_case<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
) -> Result<Vec<Assessment>, StoreError> {
    let mut exec = exec.into();
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        &mut exec,
        concat!(
            assessment_select!(),
            "WHERE a.organisation_id = $1 AND a.case_id = $2 \
             ORDER BY a.assessed_on DESC, a.id DESC"
        ),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    let ratings: Vec<RatingRow> = sql!(
        as RatingRow,
        fetch_all,
        &mut exec,
        concat!(
            rating_select!(),
            "JOIN assessments a ON a.id = r.assessment_id \
             WHERE a.organisation_id = $1 AND a.case_id = $2 ORDER BY r.domain_code"
        ),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    Ok(assemble(rows, ratings))
}

/// One assessment of a case (two queries).
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
    id: AssessmentId,
) -> Result<Option<Assessment>, StoreError> {
    let mut exec = exec.into();
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        &mut exec,
        concat!(
            assessment_select!(),
            "WHERE a.organisation_id = $1 AND a.case_id = $2 AND a.id = $3"
        ),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
        id.as_uuid(),
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    let ratings: Vec<RatingRow> = sql!(
        as RatingRow,
        fetch_all,
        &mut exec,
        concat!(
            rating_select!(),
            "WHERE r.organisation_id = $1 AND r.assessment_id = $2 ORDER BY r.domain_code"
        ),
        organisation_id.as_uuid(),
        id.as_uuid(),
    )?;
    Ok(assemble(rows, ratings).pop())
}

/// The case's latest assessment and the one before it, latest first (none, one or two), for
/// the radar: two queries whatever the history's length.
#[tracing::instrument(skip_all)]
pub async fn latest_two<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    case_id: CaseId,
) -> Result<Vec<Assessment>, StoreError> {
    let mut exec = exec.into();
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        &mut exec,
        concat!(
            assessment_select!(),
            "WHERE a.organisation_id = $1 AND a.case_id = $2 \
             ORDER BY a.assessed_on DESC, a.id DESC LIMIT 2"
        ),
        organisation_id.as_uuid(),
        case_id.as_uuid(),
    )?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let first = ids[0];
    let second = ids.get(1).copied().unwrap_or(first);
    let ratings: Vec<RatingRow> = sql!(
        as RatingRow,
        fetch_all,
        &mut exec,
        concat!(
            rating_select!(),
            "WHERE r.organisation_id = $1 AND r.assessment_id IN ($2, $3) ORDER BY r.domain_code"
        ),
        organisation_id.as_uuid(),
        first,
        second,
    )?;
    Ok(assemble(rows, ratings))
}

/// A stored level description: domain, level, labels, version.
type LevelRow = (String, i64, Option<String>, Option<String>, i64);

/// The organisation's descriptions of the need levels (one query).
#[tracing::instrument(skip_all)]
pub async fn levels<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<LevelDescriptions, StoreError> {
    let rows: Vec<LevelRow> = sql!(
        as LevelRow,
        fetch_all,
        exec,
        "SELECT domain_code, level, label_fr, label_en, version FROM assessment_levels \
         WHERE organisation_id = $1 ORDER BY domain_code, level",
        organisation_id.as_uuid(),
    )?;
    Ok(LevelDescriptions::new(
        rows.into_iter()
            .filter_map(|(domain, level, label_fr, label_en, version)| {
                Some(LevelText {
                    domain,
                    level: u8::try_from(level).ok()?,
                    label_fr,
                    label_en,
                    version,
                })
            })
            .collect(),
    ))
}

/// Records the organisation's description of one level (of one domain, or organisation-wide
/// when `text.domain` is empty), if nobody changed it since it was read at `expected`
/// (0: none stored yet). `false` when it changed meanwhile: nothing is written.
#[tracing::instrument(skip_all)]
pub async fn save_level<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    text: &LevelText,
    expected: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let written = if expected == 0 {
        sql!(
            execute,
            exec,
            "INSERT INTO assessment_levels (id, organisation_id, domain_code, level, label_fr, \
             label_en, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) \
             ON CONFLICT (organisation_id, domain_code, level) DO NOTHING",
            Uuid::now_v7(),
            organisation_id.as_uuid(),
            text.domain.as_str(),
            i64::from(text.level),
            text.label_fr.as_deref(),
            text.label_en.as_deref(),
            now,
        )?
    } else {
        sql!(
            execute,
            exec,
            "UPDATE assessment_levels SET label_fr = $4, label_en = $5, updated_at = $6, \
             version = version + 1 WHERE organisation_id = $1 AND domain_code = $2 \
             AND level = $3 AND version = $7",
            organisation_id.as_uuid(),
            text.domain.as_str(),
            i64::from(text.level),
            text.label_fr.as_deref(),
            text.label_en.as_deref(),
            now,
            expected,
        )?
    };
    Ok(written == 1)
}

/// Which form a draft belongs to: a new assessment of a case, or the correction of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftKey {
    pub case_id: CaseId,
    pub assessment_id: Option<AssessmentId>,
}

impl DraftKey {
    fn text(&self) -> String {
        match self.assessment_id {
            None => self.case_id.to_string(),
            Some(a) => format!("{}/{a}", self.case_id),
        }
    }
}

/// A saved draft: what was typed, and when it was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub input: AssessmentInput,
    pub updated_at: Ts,
}

/// Keeps what `user` typed in an assessment form (replacing their earlier draft of the same
/// form). Drafts belong to the user, not to a session: they outlive a session that expired.
#[tracing::instrument(skip_all)]
pub async fn save_draft<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    key: DraftKey,
    input: &AssessmentInput,
    now: Ts,
) -> Result<(), StoreError> {
    let content = serde_json::to_string(input)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    sql!(
        execute,
        exec,
        "INSERT INTO assessment_drafts (id, organisation_id, user_id, case_id, assessment_id, \
         draft_key, content, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) \
         ON CONFLICT (user_id, draft_key) DO UPDATE SET content = $7, updated_at = $8, \
         version = assessment_drafts.version + 1",
        Uuid::now_v7(),
        organisation_id.as_uuid(),
        user.as_uuid(),
        key.case_id.as_uuid(),
        key.assessment_id.map(|a| a.as_uuid()),
        key.text(),
        content,
        now,
    )?;
    Ok(())
}

/// `user`'s draft of a form, if any. A draft this version cannot read (written by a newer
/// one) is treated as none.
#[tracing::instrument(skip_all)]
pub async fn find_draft<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    user: UserId,
    key: DraftKey,
) -> Result<Option<Draft>, StoreError> {
    let row: Option<(String, Ts)> = sql!(
        as (String, Ts),
        fetch_optional,
        exec,
        "SELECT content, updated_at FROM assessment_drafts \
         WHERE organisation_id = $1 AND user_id = $2 AND draft_key = $3",
        organisation_id.as_uuid(),
        user.as_uuid(),
        key.text(),
    )?;
    Ok(row.and_then(|(content, updated_at)| {
        serde_json::from_str(&content).ok().map(|input| Draft { input, updated_at })
    }))
}

/// Forgets `user`'s draft of a form (the assessment was saved, or the draft emptied).
#[tracing::instrument(skip_all)]
pub async fn delete_draft<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    key: DraftKey,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "DELETE FROM assessment_drafts WHERE user_id = $1 AND draft_key = $2",
        user.as_uuid(),
        key.text(),
    )?;
    Ok(())
}

/// An unfinished assessment draft, for the user's home page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftSummary {
    #[sqlx(try_from = "Uuid")]
    pub case_id: CaseId,
    pub assessment_id: Option<Uuid>,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub updated_at: Ts,
}

/// `user`'s assessment drafts in the organisation, latest first.
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
        "SELECT d.case_id, d.assessment_id, p.birth_name, p.used_name, p.first_names, \
         d.updated_at FROM assessment_drafts d JOIN cases c ON c.id = d.case_id \
         JOIN persons p ON p.id = c.person_id \
         WHERE d.organisation_id = $1 AND d.user_id = $2 ORDER BY d.updated_at DESC LIMIT 50",
        organisation_id.as_uuid(),
        user.as_uuid(),
    )?)
}
