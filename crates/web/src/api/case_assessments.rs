//! A case's assessments under `/api/v1`: list, read (audited), record, correct with the
//! version read. Per life domain of the organisation, the worker's need level (0 none … 4
//! critical) beside the person's own rating, their words, strengths and whether it is a
//! priority.
//!
//! The access is the case content's ([`crate::cases::load`], as on the assessment pages):
//! readers of the content read, writers of an open or paused case record and correct, anyone
//! else gets 404. Validation is `domain::assessments::parse_assessment`'s; every read is a
//! `case_file_read` event and every change a `record_*` event, in the change's transaction,
//! with a timeline event written by the store.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::CaseId;
use domain::assessments::{
    self as rules, AssessmentContent, AssessmentId, AssessmentInput, DomainInput, Problem,
};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::assessments::{Assessment, NewAssessment};
use store::audit::NewAuditEvent;
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Ctx, Failure, read_event, record_id, time_text, writable};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::{ApiProblem, ApiProblemDetail, FieldError};

// ---------------------------------------------------------------------------------------------
// JSON shapes

/// One life domain of an assessment.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RatingJson {
    /// A code of the organisation's `life_domain` list.
    #[schema(example = "housing")]
    pub domain: String,
    /// The worker's need level, 0 (none) to 4 (critical); null: not assessed.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 4)]
    pub need: Option<i64>,
    /// The person's own rating, 0 to 4; null: not given.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 4)]
    pub person: Option<i64>,
    /// The person's words about it (at most 2,000 characters).
    #[serde(default)]
    pub person_words: Option<String>,
    /// Strengths and resources (at most 2,000 characters).
    #[serde(default)]
    pub strengths: Option<String>,
    #[serde(default)]
    pub priority: bool,
}

/// An assessment of a case.
#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    pub id: Uuid,
    pub case_id: Uuid,
    #[schema(format = Date, example = "2026-11-20")]
    pub assessed_on: String,
    pub assessed_by: Option<Uuid>,
    pub assessed_by_name: Option<String>,
    /// Who corrected it last, if anyone.
    pub corrected_by_name: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Send it back to correct the assessment.
    pub version: i64,
    /// The domains it says something about, in the organisation's order.
    pub ratings: Vec<RatingJson>,
}

fn assessment_out(a: &Assessment) -> AssessmentOut {
    AssessmentOut {
        id: a.id.as_uuid(),
        case_id: a.case_id.as_uuid(),
        assessed_on: domain::persons::iso_date(a.content.assessed_on),
        assessed_by: a.assessed_by.map(|u| u.as_uuid()),
        assessed_by_name: a.assessed_by_name.clone(),
        corrected_by_name: a.corrected_by_name.clone(),
        created_at: time_text(a.created_at),
        updated_at: time_text(a.updated_at),
        version: a.version,
        ratings: a
            .content
            .ratings
            .iter()
            .map(|r| RatingJson {
                domain: r.domain.clone(),
                need: r.need.map(i64::from),
                person: r.person.map(i64::from),
                person_words: r.person_words.clone(),
                strengths: r.strengths.clone(),
                priority: r.priority,
            })
            .collect(),
    }
}

/// A case's assessments.
#[derive(Serialize, ToSchema)]
pub struct AssessmentList {
    /// Latest first.
    pub assessments: Vec<AssessmentOut>,
}

/// The body of `POST /api/v1/cases/{case_id}/assessments`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentIn {
    /// The day of the interview (`YYYY-MM-DD`), not after today.
    #[schema(format = Date, example = "2026-11-20")]
    pub assessed_on: Option<String>,
    /// The domains assessed, each at most once; at least one with a level (the worker's or
    /// the person's).
    #[serde(default)]
    pub ratings: Vec<RatingJson>,
}

/// The body of `PATCH /api/v1/cases/{case_id}/assessments/{assessment_id}`: the version read,
/// and what to replace. `ratings`, when present, replaces every rating (a domain left out is
/// no longer assessed); left out, the ratings are kept.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentPatch {
    /// The assessment's version as read; another version answers 409 with the current one.
    pub version: Option<i64>,
    #[schema(format = Date)]
    pub assessed_on: Option<String>,
    pub ratings: Option<Vec<RatingJson>>,
}

/// 409: the version sent is not the assessment's; `current` is the assessment now.
#[derive(Serialize, ToSchema)]
pub struct AssessmentConflict {
    pub error: ApiProblemDetail,
    pub current: AssessmentOut,
}

// ---------------------------------------------------------------------------------------------
// Reading bodies

fn today(signed_in: &SignedIn) -> time::Date {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date()
}

/// The domains a form may hold, in the organisation's order: the offered ones, then those the
/// corrected assessment holds that the organisation hid since.
fn domains(lists: &Lists, held: Option<&AssessmentContent>) -> Vec<String> {
    let mut out: Vec<String> =
        lists.offered(ListName::LifeDomain).into_iter().map(|v| v.code).collect();
    for r in held.map(|c| c.ratings.as_slice()).unwrap_or_default() {
        if !out.contains(&r.domain) {
            out.push(r.domain.clone());
        }
    }
    out
}

/// The JSON name of a field of the domain's form: `date` is `assessed_on`, `form` is
/// `ratings`, `<part>-<domain>` is `ratings.<domain>.<part>`.
fn json_field(name: &str) -> String {
    match name {
        "date" => "assessed_on".to_owned(),
        "form" => "ratings".to_owned(),
        other => {
            for part in ["person_words", "strengths", "need", "person"] {
                if let Some(code) = other.strip_prefix(part).and_then(|r| r.strip_prefix('-'))
                    && !code.is_empty()
                {
                    return format!("ratings.{code}.{part}");
                }
            }
            other.to_owned()
        }
    }
}

fn problem_error(ctx: &Ctx, field: String, p: &Problem) -> FieldError {
    let t = &ctx.t;
    match p {
        Problem::DateRequired => ctx.field_msg("cases-api-error-assessed-on", &field, "required"),
        Problem::DateInvalid => ctx.field_msg("persons-api-error-date", &field, "date_invalid"),
        Problem::DateInFuture => {
            ctx.field_msg("cases-api-error-assessed-future", &field, "date_in_future")
        }
        Problem::LevelInvalid => ctx.field_msg("cases-api-error-level", &field, "level_invalid"),
        Problem::TooLong { max } => ctx.field(
            &field,
            "too_long",
            t.msg_args("person-error-too-long", &[("max", &max.to_string())]),
        ),
        Problem::ControlCharacters => {
            ctx.field_msg("person-error-control", &field, "control_characters")
        }
        Problem::NothingAssessed => {
            ctx.field_msg("cases-api-error-nothing-assessed", &field, "nothing_assessed")
        }
        Problem::UnknownDomain => ctx.field_msg("cases-api-error-domain", &field, "unknown_value"),
    }
}

/// A level as the form types it: a JSON number out of range stays out of range.
fn level_text(level: Option<i64>) -> String {
    level.map(|l| l.to_string()).unwrap_or_default()
}

/// The domain's verdict on what was sent, with field errors named as in JSON.
fn parse(
    ctx: &Ctx,
    lists: &Lists,
    held: Option<&AssessmentContent>,
    date: &str,
    ratings: &[RatingJson],
    today: time::Date,
) -> Result<AssessmentContent, Failure> {
    let codes = domains(lists, held);
    let mut errors = Vec::new();
    let mut typed: BTreeMap<String, DomainInput> = BTreeMap::new();
    for r in ratings {
        let code = r.domain.trim().to_owned();
        let input = DomainInput {
            need: level_text(r.need),
            person: level_text(r.person),
            person_words: r.person_words.clone().unwrap_or_default(),
            strengths: r.strengths.clone().unwrap_or_default(),
            priority: r.priority,
        };
        if typed.insert(code.clone(), input).is_some() {
            errors.push(ctx.field_msg(
                "cases-api-error-duplicate-domain",
                &format!("ratings.{code}"),
                "duplicate_domain",
            ));
        }
    }
    let input = AssessmentInput { date: date.to_owned(), domains: typed };
    // JSON dates are ISO; the form's `dd/mm/yyyy` is not offered here.
    let iso = date.trim().is_empty()
        || (date.trim().len() == 10 && date.trim().as_bytes().get(4) == Some(&b'-'));
    if !iso {
        errors.push(ctx.field_msg("persons-api-error-date", "assessed_on", "date_invalid"));
    }
    let order: Vec<&str> = codes.iter().map(String::as_str).collect();
    match rules::parse_assessment(&input, &order, today) {
        Ok(content) if errors.is_empty() => Ok(content),
        Ok(_) => Err(ctx.invalid(errors)),
        Err(problems) => {
            for (name, p) in &problems {
                let field = json_field(name);
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(problem_error(ctx, field, p));
                }
            }
            Err(ctx.invalid(errors))
        }
    }
}

/// A case whose content the caller reads: 404 otherwise.
async fn readable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, Failure> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound.into());
    }
    Ok(loaded)
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// The case's assessments, latest first. An audited reading of the case's content.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/assessments",
    tag = "assessments",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, body = AssessmentList),
        (status = 404, body = ApiProblem, description = "No such case, or one whose content the caller may not read"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = readable(&state, &signed_in, record_id(&id)?).await?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("view", "assessments".to_owned()))).await?;
    let all =
        store::assessments::list_for_case(&state.db, loaded.case.organisation_id, loaded.case.id)
            .await?;
    let out = AssessmentList { assessments: all.iter().map(assessment_out).collect() };
    Ok(Json(out).into_response())
}

/// One assessment of the case. An audited reading.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/assessments/{assessment_id}",
    tag = "assessments",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("assessment_id" = Uuid, Path, description = "The assessment's id"),
    ),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, body = AssessmentOut),
        (status = 404, body = ApiProblem, description = "No such assessment of this case, or a case whose content the caller may not read"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = readable(&state, &signed_in, record_id(&id)?).await?;
    let aid: AssessmentId = record_id(&aid)?;
    let org = loaded.case.organisation_id;
    let a = store::assessments::find(&state.db, org, loaded.case.id, aid)
        .await?
        .ok_or(WebError::NotFound)?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("assessment", aid.to_string()))).await?;
    Ok(Json(assessment_out(&a)).into_response())
}

/// Records an assessment of the case (and its event on the timeline).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/assessments",
    tag = "assessments",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = AssessmentIn,
    responses(
        (status = 201, body = AssessmentOut, description = "Recorded; `Location` is its address", headers(("location" = String))),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not write in"),
        (status = 409, body = ApiProblem, description = "`case_closed`: reopen the case first"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused value (`assessed_on`, `ratings`, `ratings.<domain>.<need|person|person_words|strengths>`) and why, in the caller's language"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let input: AssessmentIn = ctx.body(&headers, &body)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let date = input.assessed_on.unwrap_or_default();
    let content = parse(&ctx, &lists, None, &date, &input.ratings, today(&signed_in))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let new = NewAssessment {
        id: AssessmentId::new(),
        organisation_id: org,
        case_id: id,
        content: &content,
        by: me,
    };
    let aid = store::assessments::record(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("assessment", aid.to_string());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::assessments::find(&state.db, org, id, aid)
        .await?
        .ok_or(WebError::Internal("an assessment just recorded is not found"))?;
    let location = format!("/api/v1/cases/{id}/assessments/{aid}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(assessment_out(&saved)))
        .into_response())
}

/// Corrects an assessment if it is still at `version`: its date and ratings are replaced, and
/// a `corrected` event goes on the timeline.
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{case_id}/assessments/{assessment_id}",
    tag = "assessments",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("assessment_id" = Uuid, Path, description = "The assessment's id"),
    ),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = AssessmentPatch,
    responses(
        (status = 200, body = AssessmentOut, description = "Corrected: the assessment as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such assessment of this case, or a case the caller may not write in"),
        (status = 409, body = AssessmentConflict, description = "`version_conflict`: the assessment changed since `version`; `current` is it now. Or `case_closed`."),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` missing, or refused values"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, aid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let aid: AssessmentId = record_id(&aid)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let stored =
        store::assessments::find(&state.db, org, id, aid).await?.ok_or(WebError::NotFound)?;
    let patch: AssessmentPatch = ctx.body(&headers, &body)?;
    let Some(version) = patch.version else {
        let missing = ctx.field_msg("persons-api-error-version", "version", "required");
        return Err(ctx.invalid(vec![missing]));
    };
    if version != stored.version {
        return Err(conflict(&state, &ctx, &signed_in, &loaded, stored, version).await?);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let date =
        patch.assessed_on.unwrap_or_else(|| domain::persons::iso_date(stored.content.assessed_on));
    let ratings = patch.ratings.unwrap_or_else(|| assessment_out(&stored).ratings);
    let content = parse(&ctx, &lists, Some(&stored.content), &date, &ratings, today(&signed_in))?;
    if content == stored.content {
        return Ok(Json(assessment_out(&stored)).into_response());
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::assessments::correct(&mut tx, org, id, aid, version, &content, me, Ts::now()).await?
    {
        drop(tx);
        let now =
            store::assessments::find(&state.db, org, id, aid).await?.ok_or(WebError::NotFound)?;
        return Err(conflict(&state, &ctx, &signed_in, &loaded, now, version).await?);
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("assessment", aid.to_string());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::assessments::find(&state.db, org, id, aid)
        .await?
        .ok_or(WebError::Internal("an assessment just corrected is not found"))?;
    Ok(Json(assessment_out(&saved)).into_response())
}

/// The 409 answer: the assessment as it is now (an audited reading).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    current: Assessment,
    sent: i64,
) -> Result<Failure, Failure> {
    read_event(state, ctx, signed_in, loaded, Some(("assessment", current.id.to_string()))).await?;
    let body = AssessmentConflict {
        error: ctx.conflict_message(sent, current.version),
        current: assessment_out(&current),
    };
    Ok(Failure::Answer(Box::new((StatusCode::CONFLICT, Json(body)).into_response())))
}
