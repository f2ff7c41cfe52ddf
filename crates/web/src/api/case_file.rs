//! The case file under `/api/v1`: a person's cases, one case (read, open, change of status with
//! the version read), and its timeline of notes (list with a keyset cursor and the page's
//! filters, read a note, write one, correct it with its version, delete it with a reason).
//!
//! The same policy as the pages, from the same functions: `crate::cases::load` finds a case the
//! caller may at least see ([`policy::case_access_with_grant`]), anything else is 404 like an
//! unknown id; the timeline query filters notes by [`policy::note_visibility`], so a
//! confidential note never reaches a caller who may not read it; only a note's author corrects
//! or deletes it ([`policy::may_change_note`]). Every read of a case (its record, its timeline,
//! a note) is a `case_file_read` audit event written before the answer, and every change a
//! `record_created/updated/deleted` event in the change's transaction, never with the text.
//!
//! Choices an API client relies on (ADR 0016):
//! - Times are RFC 3339 in UTC (`2026-01-15T09:30:00.000000Z`); a note's `occurred_at` may be
//!   sent with any offset and is kept to the minute, as the form does.
//! - Bodies are read after the case (and the note) are found and allowed, so another team's or
//!   organisation's id answers 404 whatever the body.
//! - Changes carry the `version` read; another version answers 409 `version_conflict` with the
//!   record as it is now in `current`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::cases::{self, CaseStatus, NoteInput, NoteProblem, StatusProblem, TimelineGroup};
use domain::lists::{ListName, Lists};
use domain::policy::{self, Rule};
use domain::{CaseEntryId, CaseId, OrganisationId, PersonId, TeamId, UserId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use store::Ts;
use store::audit::NewAuditEvent;
use store::cases::{Case, Cursor, Entry, NewCase, NoteRecord, TimelineFilter};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::{ApiProblem, ApiProblemDetail, FieldError};

/// Who reads a case's content record by record (a note by its id, the assessments, the plan):
/// workers and supervisors, as for a note's versions and the plan on the pages; the case's
/// access ([`policy::case_access`], and [`policy::may_read_note`] for a note) decides per
/// record. A manager who also supervises the team reads the notes in the timeline, not here
/// (a manager's usual case shows no content, so the route would answer them 404 everywhere).
pub const CONTENT_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);

/// How many entries a page of the timeline holds by default, and at most.
pub const TIMELINE_DEFAULT: i64 = 20;
pub const TIMELINE_MAX: i64 = 100;

// ---------------------------------------------------------------------------------------------
// Answers

/// Why a request was not carried out: an error of the web layer (404, 500…), or an answer
/// already made (a refusal with its body, a conflict with the current record).
pub enum Failure {
    Web(WebError),
    /// Boxed: a response is large, and every handler returns this in its `Err`.
    Answer(Box<Response>),
}

impl From<WebError> for Failure {
    fn from(e: WebError) -> Failure {
        Failure::Web(e)
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Failure {
        Failure::Web(WebError::Store(e))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Web(e) => e.into_response(),
            Failure::Answer(r) => *r,
        }
    }
}

/// 409 on a case: the version sent is not the case's; `current` is the case now.
#[derive(Serialize, ToSchema)]
pub struct CaseConflict {
    pub error: ApiProblemDetail,
    pub current: CaseOut,
}

/// 409 on a note: the version sent is not the note's; `current` is the note now (absent when
/// the note was deleted meanwhile and can no longer be changed).
#[derive(Serialize, ToSchema)]
pub struct NoteConflict {
    pub error: ApiProblemDetail,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<EntryOut>,
}

/// What answers need from the request: its language and its id.
pub(super) struct Ctx {
    pub(super) t: Tr,
    pub(super) meta: RequestMeta,
}

impl Ctx {
    pub(super) fn detail(&self, code: &'static str, message: String) -> ApiProblemDetail {
        ApiProblemDetail { code, message, request_id: self.meta.request_id.clone(), fields: vec![] }
    }

    pub(super) fn refuse(
        &self,
        status: StatusCode,
        code: &'static str,
        message_id: &str,
    ) -> Failure {
        let error = self.detail(code, self.t.msg(message_id));
        Failure::Answer(Box::new((status, Json(ApiProblem { error })).into_response()))
    }

    pub(super) fn invalid(&self, fields: Vec<FieldError>) -> Failure {
        let mut error =
            self.detail("validation_failed", self.t.msg("persons-api-error-validation"));
        error.fields = fields;
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        Failure::Answer(Box::new((status, Json(ApiProblem { error })).into_response()))
    }

    pub(super) fn field(&self, field: &str, code: &'static str, message: String) -> FieldError {
        FieldError { field: field.to_owned(), code, message }
    }

    /// A refused field with a text of the message files, its id first (so that the test that
    /// every message used exists reads it as one).
    pub(super) fn field_msg(
        &self,
        message_id: &str,
        field: &str,
        code: &'static str,
    ) -> FieldError {
        self.field(field, code, self.t.msg(message_id))
    }

    /// 409 `version_conflict`: the version sent is not the record's `current` one.
    pub(super) fn version_conflict(&self, sent: i64, current: i64) -> Failure {
        let error = self.conflict_message(sent, current);
        Failure::Answer(Box::new(
            (StatusCode::CONFLICT, Json(ApiProblem { error })).into_response(),
        ))
    }

    pub(super) fn conflict_message(&self, sent: i64, current: i64) -> ApiProblemDetail {
        let message = self.t.msg_args(
            "persons-api-error-conflict",
            &[("version", &sent.to_string()), ("current", &current.to_string())],
        );
        self.detail("version_conflict", message)
    }

    /// The body as `T`: JSON only (415 otherwise), of the documented shape (400 otherwise).
    pub(super) fn body<T: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<T, Failure> {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .is_some_and(|ct| ct == "application/json" || ct.ends_with("+json"));
        if !is_json {
            return Err(self.refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "persons-api-error-media-type",
            ));
        }
        serde_json::from_slice(body).map_err(|_| {
            self.refuse(StatusCode::BAD_REQUEST, "invalid_body", "persons-api-error-invalid-body")
        })
    }
}

pub(super) fn record_id<T: std::str::FromStr>(raw: &str) -> Result<T, WebError> {
    // A malformed id is as unknown as a missing one.
    raw.parse().map_err(|_| WebError::NotFound)
}

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// Tells a key given as `null` from a key left out: `Some(None)` and `None`.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

pub(super) fn time_text(ts: Ts) -> String {
    ts.canonical()
}

/// Records that the caller read (part of) a case, before anything of it is sent.
pub(super) async fn read_event(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    extra: Option<(&str, String)>,
) -> Result<(), Failure> {
    let org = loaded.case.organisation_id;
    let mut tx = state.db.begin_write().await?;
    let mut event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("content", loaded.access.content)
        .detail("emergency", loaded.access.emergency)
        .detail("via", "api");
    if let Some((key, value)) = extra {
        event = event.detail(key, value);
    }
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cases: JSON shapes

/// A user or a team, by id and name.
#[derive(Serialize, ToSchema, Clone)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// What the caller may do with a case.
#[derive(Serialize, ToSchema)]
pub struct CaseAccessOut {
    /// Reads the timeline (notes, subject to each note's confidentiality). Without it, the
    /// case's record and its status changes only.
    pub content: bool,
    /// Writes notes.
    pub write: bool,
    /// Changes the status.
    pub manage: bool,
    /// Is the referent or a co-referent.
    pub referent: bool,
    /// Reads the case through an emergency grant (break the glass), at normal
    /// confidentiality only.
    pub emergency: bool,
}

/// A case (accompagnement): who it is for, who follows it, where it stands.
#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The household the case covers too, if any.
    pub household_id: Option<Uuid>,
    pub team: Named,
    pub referent: Option<Named>,
    /// By name.
    pub co_referents: Vec<Named>,
    /// Why the person is followed.
    pub reason: String,
    /// A code of the organisation's `orientation_source` list.
    pub orientation_source: Option<String>,
    /// `open`, `paused` or `closed`.
    #[schema(example = "open")]
    pub status: &'static str,
    #[schema(format = DateTime)]
    pub opened_at: String,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    /// A code of the organisation's `case_closure_reason` list, when closed.
    pub closure_reason: Option<String>,
    /// Send it back to change the status.
    pub version: i64,
    pub access: CaseAccessOut,
}

fn case_out(case: &Case, access: &policy::CaseAccess) -> CaseOut {
    CaseOut {
        id: case.id.as_uuid(),
        person_id: case.person_id.as_uuid(),
        household_id: case.household_id,
        team: Named { id: case.team_id.as_uuid(), name: case.team_name.clone() },
        referent: case
            .referent_id
            .map(|id| Named { id, name: case.referent_name.clone().unwrap_or_default() }),
        co_referents: case
            .co_referents
            .iter()
            .map(|(id, name)| Named { id: id.as_uuid(), name: name.clone() })
            .collect(),
        reason: case.reason.clone(),
        orientation_source: case.orientation_source.clone(),
        status: case.status().as_str(),
        opened_at: time_text(case.opened_at),
        closed_at: case.closed_at.map(time_text),
        closure_reason: case.closure_reason.clone(),
        version: case.version,
        access: CaseAccessOut {
            content: access.content,
            write: access.write,
            manage: access.manage,
            referent: access.referent,
            emergency: access.emergency,
        },
    }
}

/// A person's cases that the caller may see.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    /// Newest first. Cases the caller may not see are left out.
    pub cases: Vec<CaseOut>,
}

/// The body of `POST /api/v1/persons/{person_id}/cases`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseIn {
    /// Why the person is followed (at most 2,000 characters).
    pub reason: Option<String>,
    /// A team of the organisation.
    #[schema(value_type = Uuid)]
    pub team_id: Option<String>,
    /// A worker of the organisation.
    #[schema(value_type = Uuid)]
    pub referent_id: Option<String>,
    /// Other workers of the organisation who follow the case too.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub co_referent_ids: Vec<String>,
    /// A code of the organisation's `orientation_source` list.
    pub orientation_source: Option<String>,
    /// Whether the case covers the person's current household too (default `true`).
    pub with_household: Option<bool>,
}

/// The body of `PATCH /api/v1/cases/{case_id}`: a change of status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStatusIn {
    /// The case's version as read; another version answers 409 with the current case.
    pub version: Option<i64>,
    /// `open` (reopen, or resume a paused case), `paused` or `closed`. A closed case only
    /// reopens.
    #[schema(example = "paused")]
    pub status: Option<String>,
    /// Required to close: a code of the organisation's `case_closure_reason` list.
    pub closure_reason: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Cases: handlers

/// The cases of a person that the caller may see, newest first, with what the caller may do
/// with each (`access`). A manager sees every case's record and status, and reads the content
/// of the teams they supervise; a worker and a supervisor see the cases of their teams and
/// those they follow. Listing is not an opening of the file: it shows no note and is not
/// audited.
#[utoipa::path(
    get,
    path = "/api/v1/persons/{person_id}/cases",
    tag = "cases",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, body = CaseList),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
    )
)]
pub async fn person_cases(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person_id): Path<String>,
) -> Result<Response, Failure> {
    let org = organisation(&signed_in)?;
    let person_id: PersonId = record_id(&person_id)?;
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound.into());
    }
    let all = store::cases::of_person(&state.db, org, person_id).await?;
    let cases = all
        .iter()
        .filter_map(|c| {
            let co = c.co_referent_ids();
            let access = policy::case_access(&signed_in.actor, &c.facts(&co));
            access.metadata.then(|| case_out(c, &access))
        })
        .collect();
    Ok(Json(CaseList { cases }).into_response())
}

/// A case: its record, its status and who follows it. An audited opening of the case file, as
/// on the case page.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}",
    tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, body = CaseOut),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not see (another team's, another organisation's)"),
    )
)]
pub async fn show_case(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = load(&state, &signed_in, record_id(&id)?).await?;
    read_event(&state, &ctx, &signed_in, &loaded, None).await?;
    Ok(Json(case_out(&loaded.case, &loaded.access)).into_response())
}

/// The person's current household, if any.
async fn current_household(
    state: &AppState,
    org: OrganisationId,
    person: PersonId,
) -> Result<Option<domain::HouseholdId>, Failure> {
    let today = time::OffsetDateTime::now_utc().date();
    let members = store::households::of_person(&state.db, org, person).await?;
    Ok(members.iter().find(|m| m.person_id == person && m.current(today)).map(|m| m.household_id))
}

fn case_problem(ctx: &Ctx, field: &str, p: &cases::CaseProblem) -> FieldError {
    let t = &ctx.t;
    match p {
        cases::CaseProblem::ReasonRequired => ctx.field_msg("case-error-reason", field, "required"),
        cases::CaseProblem::TooLong { max } => ctx.field(
            field,
            "too_long",
            t.msg_args("person-error-too-long", &[("max", &max.to_string())]),
        ),
        cases::CaseProblem::ControlCharacters => {
            ctx.field_msg("person-error-control", field, "control_characters")
        }
        cases::CaseProblem::TeamRequired => ctx.field_msg("case-error-team", field, "required"),
        cases::CaseProblem::ReferentRequired => {
            ctx.field_msg("case-error-referent", field, "required")
        }
        cases::CaseProblem::ReferentIsCoReferent => {
            ctx.field_msg("case-error-referent-co", field, "referent_is_co_referent")
        }
    }
}

/// Opens a case for a person, with its team, referent and co-referents. Workers and managers
/// open cases; the case's team then decides who reads it.
#[utoipa::path(
    post,
    path = "/api/v1/persons/{person_id}/cases",
    tag = "cases",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = NewCaseIn,
    responses(
        (status = 201, body = CaseOut, description = "Opened; `Location` is its address", headers(("location" = String))),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field (`reason`, `team_id`, `referent_id`, `co_referent_ids`, `orientation_source`) and why, in the caller's language"),
    )
)]
pub async fn open_case(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(person_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let person_id: PersonId = record_id(&person_id)?;
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound.into());
    }
    let input: NewCaseIn = ctx.body(&headers, &body)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let team = match input.team_id.as_deref().map(str::parse::<TeamId>) {
        Some(Ok(id)) => store::teams::find(&state.db, org, id).await?.map(|t| t.id),
        _ => None,
    };
    let workers = store::cases::workers(&state.db, org).await?;
    let worker = |s: &str| s.parse::<UserId>().ok().filter(|u| workers.iter().any(|(w, _)| w == u));
    let referent = input.referent_id.as_deref().and_then(worker);
    let mut errors = Vec::new();
    if input.team_id.is_some() && team.is_none() {
        errors.push(ctx.field_msg("cases-api-error-team", "team_id", "unknown_value"));
    }
    if input.referent_id.is_some() && referent.is_none() {
        errors.push(ctx.field_msg("cases-api-error-worker", "referent_id", "unknown_value"));
    }
    let mut co: Vec<UserId> = Vec::new();
    for c in &input.co_referent_ids {
        match worker(c) {
            Some(u) if !co.contains(&u) => co.push(u),
            Some(_) => {}
            None => {
                if !errors.iter().any(|e| e.field == "co_referent_ids") {
                    errors.push(ctx.field_msg(
                        "cases-api-error-worker",
                        "co_referent_ids",
                        "unknown_value",
                    ));
                }
            }
        }
    }
    let source = input.orientation_source.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if source.is_some_and(|s| !lists.accepts(ListName::OrientationSource, s, None)) {
        errors.push(ctx.field_msg(
            "person-error-unknown-value",
            "orientation_source",
            "unknown_value",
        ));
    }
    let referent_is_co = referent.is_some_and(|r| co.contains(&r));
    let parsed = cases::parse_opening(
        input.reason.as_deref().unwrap_or(""),
        team.is_some(),
        referent.is_some(),
        referent_is_co,
    );
    let reason = match parsed {
        Ok(reason) => Some(reason),
        Err(problems) => {
            for (field, p) in problems {
                let field = match field {
                    "team" => "team_id",
                    "referent" => "referent_id",
                    "co_referents" => "co_referent_ids",
                    other => other,
                };
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(case_problem(&ctx, field, &p));
                }
            }
            None
        }
    };
    let (Some(reason), Some(team), Some(referent), true) =
        (reason, team, referent, errors.is_empty())
    else {
        return Err(ctx.invalid(errors));
    };
    let household = if input.with_household.unwrap_or(true) {
        current_household(&state, org, person_id).await?
    } else {
        None
    };
    let id = CaseId::new();
    let me = signed_in.actor.user_id;
    let new = NewCase {
        id,
        organisation_id: org,
        person_id,
        household_id: household,
        team_id: team,
        referent_id: referent,
        co_referents: &co,
        reason: &reason,
        orientation_source: source,
        opened_by: me,
    };
    let mut tx = state.db.begin_write().await?;
    store::cases::open(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("person", person_id.to_string());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    // The opener may not read the case they opened (a manager opening it for another team):
    // what they see of it is what the policy says.
    let loaded = load(&state, &signed_in, id).await?;
    let location = format!("/api/v1/cases/{id}");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(case_out(&loaded.case, &loaded.access)),
    )
        .into_response())
}

/// Pauses, closes (with a reason) or reopens a case, if it is still at `version`. The change
/// goes on the timeline and in the audit log.
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{case_id}",
    tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = CaseStatusIn,
    responses(
        (status = 200, body = CaseOut, description = "Changed: the case as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one whose status the caller may not change"),
        (status = 409, body = CaseConflict, description = "`version_conflict`: the case changed since `version`; `current` is the case now (its reading is audited)"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` missing (`required`), a status the case cannot move to (`not_allowed`), closing without a reason of the list (`required`, `unknown_value`)"),
    )
)]
pub async fn change_status(
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
    let loaded = load(&state, &signed_in, id).await?;
    if !loaded.access.manage {
        return Err(WebError::NotFound.into());
    }
    let org = loaded.case.organisation_id;
    let input: CaseStatusIn = ctx.body(&headers, &body)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut errors = Vec::new();
    if input.version.is_none() {
        errors.push(ctx.field_msg("persons-api-error-version", "version", "required"));
    }
    let to = input.status.as_deref().and_then(CaseStatus::parse);
    let reason = input.closure_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    match (&input.status, to) {
        (None, _) => errors.push(ctx.field_msg("case-error-status", "status", "required")),
        (Some(_), None) => {
            errors.push(ctx.field_msg("case-error-status", "status", "unknown_value"))
        }
        (Some(_), Some(to)) => match cases::change_status(loaded.case.status(), to, reason) {
            Err(StatusProblem::ClosureReasonRequired) => errors.push(ctx.field_msg(
                "case-error-closure-reason",
                "closure_reason",
                "required",
            )),
            Err(StatusProblem::Unchanged | StatusProblem::NotAllowed) => {
                errors.push(ctx.field_msg("case-error-status", "status", "not_allowed"))
            }
            Ok(())
                if to == CaseStatus::Closed
                    && !reason
                        .is_some_and(|r| lists.accepts(ListName::CaseClosureReason, r, None)) =>
            {
                errors.push(ctx.field_msg(
                    "person-error-unknown-value",
                    "closure_reason",
                    "unknown_value",
                ))
            }
            Ok(()) => {}
        },
    }
    // A stale version is a conflict before anything else: what was refused may hold on the
    // current case.
    if let Some(sent) = input.version
        && sent != loaded.case.version
    {
        return Err(case_conflict(&state, &ctx, &signed_in, loaded, sent).await?);
    }
    let (Some(to), Some(version), true) = (to, input.version, errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let changed =
        store::cases::change_status(&mut tx, org, id, version, to, reason, me, Ts::now()).await?;
    if !changed {
        drop(tx);
        let now = load(&state, &signed_in, id).await?;
        return Err(case_conflict(&state, &ctx, &signed_in, now, version).await?);
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("status", to.as_str());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let now = load(&state, &signed_in, id).await?;
    Ok(Json(case_out(&now.case, &now.access)).into_response())
}

/// The 409 answer for a case: the case as it is now (an audited reading).
async fn case_conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: Loaded,
    sent: i64,
) -> Result<Failure, Failure> {
    read_event(state, ctx, signed_in, &loaded, Some(("view", "conflict".to_owned()))).await?;
    let body = CaseConflict {
        error: ctx.conflict_message(sent, loaded.case.version),
        current: case_out(&loaded.case, &loaded.access),
    };
    Ok(Failure::Answer(Box::new((StatusCode::CONFLICT, Json(body)).into_response())))
}

// ---------------------------------------------------------------------------------------------
// Timeline and notes: JSON shapes

/// What remains of a deleted note.
#[derive(Serialize, ToSchema)]
pub struct TombstoneOut {
    #[schema(format = DateTime)]
    pub deleted_at: String,
    pub deleted_by: Option<String>,
    pub reason: Option<String>,
}

/// One entry of a case's timeline: a note, a status change, or an event of another feature
/// (an assessment, a goal, a victory…). Fields that do not apply to the entry's kind are null.
#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    pub id: Uuid,
    /// `note`, `status`, `assessment`, `goal`, `step`, `victory`, `agreement`, `referents`,
    /// `follow_up`, `appointment`, `task`, `document`, `referral` (more may come: ignore
    /// kinds you do not know).
    #[schema(example = "note")]
    pub kind: String,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    pub author: Option<Named>,
    /// Send it back to correct or delete a note.
    pub version: i64,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Notes: a code of the organisation's `contact_medium` list, or `case_review`.
    #[schema(example = "home_visit")]
    pub note_type: Option<String>,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<String>,
    /// Notes: `normal`, `referents` (the referent and co-referents, and the author) or
    /// `author` (the author alone).
    #[schema(example = "normal")]
    pub confidentiality: Option<String>,
    /// Notes: simple formatted text (paragraphs, `**bold**`, `*italic*`, `- ` lists); null
    /// once deleted.
    pub body: Option<String>,
    /// Notes: how many earlier versions corrections kept.
    pub corrections: Option<i64>,
    /// Deleted notes: who, when, why.
    pub deleted: Option<TombstoneOut>,
    /// Status changes: the new status.
    pub status: Option<String>,
    pub closure_reason: Option<String>,
    /// Events: the record the event is about.
    pub subject_id: Option<Uuid>,
    /// Events: a short text of that record as it was then.
    pub summary: Option<String>,
    /// Events: what happened (`added`, `changed`, `achieved`…).
    pub detail: Option<String>,
}

fn entry_out(e: &Entry) -> EntryOut {
    let note = e.is_note();
    EntryOut {
        id: e.id.as_uuid(),
        kind: e.kind.clone(),
        occurred_at: time_text(e.occurred_at),
        author: e.author_id.map(|id| Named { id, name: e.author_name.clone().unwrap_or_default() }),
        version: e.version,
        updated_at: time_text(e.updated_at),
        note_type: e.note_type.clone(),
        duration_minutes: e.duration_minutes,
        place: e.place.clone(),
        participants: e.participants.clone(),
        confidentiality: note.then(|| e.confidentiality.clone()),
        body: e.body.clone(),
        corrections: note.then_some(e.corrections),
        deleted: e.deleted_at.map(|at| TombstoneOut {
            deleted_at: time_text(at),
            deleted_by: e.deleted_by_name.clone(),
            reason: e.delete_reason.clone(),
        }),
        status: e.status.clone(),
        closure_reason: e.closure_reason.clone(),
        subject_id: e.subject_id,
        summary: e.summary.clone(),
        detail: e.detail.clone(),
    }
}

/// One page of a timeline, newest first.
#[derive(Serialize, ToSchema)]
pub struct TimelineOut {
    pub entries: Vec<EntryOut>,
    /// Pass it as `before` for the next (older) page; null on the last page.
    pub next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Only notes of this type (a `contact_medium` code or `case_review`), or only a group of
    /// events: `kind:status`, `kind:assessment`, `kind:plan`, `kind:victory`,
    /// `kind:referents`, `kind:follow_up`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub entry_type: Option<String>,
    /// Where to continue: the `next` of the previous page.
    pub before: Option<String>,
    /// Entries per page, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// `<unix nanoseconds>_<entry id>`: where the next page starts, ids only.
fn cursor_text(c: &Cursor) -> String {
    format!("{}_{}", c.occurred_at.get().unix_timestamp_nanos(), c.id)
}

fn parse_cursor(s: &str) -> Option<Cursor> {
    let (nanos, id) = s.split_once('_')?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some(Cursor { occurred_at: Ts::from(at), id: id.parse().ok()? })
}

/// The body of `POST /api/v1/cases/{case_id}/notes`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// When the contact took place (RFC 3339, any offset), not in the future; kept to the
    /// minute.
    #[schema(format = DateTime, example = "2026-01-15T10:30:00+01:00")]
    pub occurred_at: Option<String>,
    /// 0 to 1440.
    pub duration_minutes: Option<i64>,
    /// At most 200 characters.
    pub place: Option<String>,
    /// At most 500 characters.
    pub participants: Option<String>,
    /// A code of the organisation's `contact_medium` list, or `case_review`.
    #[schema(example = "home_visit")]
    pub note_type: Option<String>,
    /// `normal`, `referents` or `author`.
    #[schema(example = "normal")]
    pub confidentiality: Option<String>,
    /// Simple formatted text, at most 20,000 characters.
    pub body: Option<String>,
}

/// The body of `PATCH /api/v1/cases/{case_id}/notes/{entry_id}`: the version read and the
/// fields to change (those left out are kept; `null` empties an optional one).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotePatch {
    /// The note's version as read; another version answers 409 with the current note.
    pub version: Option<i64>,
    #[schema(format = DateTime)]
    pub occurred_at: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub duration_minutes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub participants: Option<Option<String>>,
    pub note_type: Option<String>,
    pub confidentiality: Option<String>,
    pub body: Option<String>,
}

/// The body of `DELETE /api/v1/cases/{case_id}/notes/{entry_id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteDeletion {
    /// The note's version as read.
    pub version: Option<i64>,
    /// Why the note is deleted (1 to 500 characters): it stays on the timeline.
    pub reason: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Timeline and notes: reading bodies

/// The JSON name of a field of the domain's note form.
fn note_field(domain_field: &str) -> &str {
    match domain_field {
        "date" | "time" => "occurred_at",
        "duration" => "duration_minutes",
        other => other,
    }
}

fn note_problem(ctx: &Ctx, field: &str, p: &NoteProblem) -> FieldError {
    let t = &ctx.t;
    let field = note_field(field);
    match p {
        NoteProblem::DateRequired => ctx.field_msg("case-error-date", field, "required"),
        NoteProblem::DateInvalid | NoteProblem::TimeInvalid => {
            ctx.field_msg("cases-api-error-datetime", field, "date_invalid")
        }
        NoteProblem::InFuture => ctx.field_msg("case-error-future", field, "date_in_future"),
        NoteProblem::DurationInvalid { max } => ctx.field(
            field,
            "duration_invalid",
            t.msg_args("case-error-duration", &[("max", &max.to_string())]),
        ),
        NoteProblem::TypeRequired => ctx.field_msg("case-error-type", field, "unknown_value"),
        NoteProblem::ConfidentialityRequired => {
            ctx.field_msg("case-error-level", field, "unknown_value")
        }
        NoteProblem::BodyRequired => ctx.field_msg("case-error-body", field, "required"),
        NoteProblem::TooLong { max } => ctx.field(
            field,
            "too_long",
            t.msg_args("person-error-too-long", &[("max", &max.to_string())]),
        ),
        NoteProblem::ControlCharacters => {
            ctx.field_msg("person-error-control", field, "control_characters")
        }
    }
}

/// A note as typed through the API: every field a string, as the domain parses the form.
struct Typed {
    occurred_at: Option<String>,
    duration_minutes: Option<i64>,
    place: Option<String>,
    participants: Option<String>,
    note_type: Option<String>,
    confidentiality: Option<String>,
    body: Option<String>,
}

/// The domain's verdict on a note sent through the API, its time read in UTC and placed as the
/// pages place it ([`cases::note_instant`]; `previous`: the corrected note's instant).
fn parse_note(
    ctx: &Ctx,
    lists: &Lists,
    typed: Typed,
    previous: Option<Ts>,
) -> Result<NoteRecord, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (date, time) = match typed.occurred_at.as_deref().map(str::trim) {
        None | Some("") => (String::new(), "00:00".to_owned()),
        Some(s) => {
            match time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
                Ok(at) => {
                    let utc = at.to_offset(time::UtcOffset::UTC);
                    (cases::form_date(utc.date()), cases::hh_mm(utc.time()))
                }
                Err(_) => {
                    errors.push(ctx.field_msg(
                        "cases-api-error-datetime",
                        "occurred_at",
                        "date_invalid",
                    ));
                    // A well-formed stand-in, so the date is not reported twice.
                    ("2000-01-01".to_owned(), "00:00".to_owned())
                }
            }
        }
    };
    let input = NoteInput {
        date,
        time,
        duration: typed.duration_minutes.map(|d| d.to_string()).unwrap_or_default(),
        place: typed.place.unwrap_or_default(),
        participants: typed.participants.unwrap_or_default(),
        note_type: typed.note_type.unwrap_or_default(),
        confidentiality: typed.confidentiality.unwrap_or_default(),
        body: typed.body.unwrap_or_default(),
    };
    let known = |code: &str| {
        code == cases::CASE_REVIEW || lists.accepts(ListName::ContactMedium, code, None)
    };
    let note = match cases::parse_note(&input, known) {
        Ok(note) if errors.is_empty() => note,
        Ok(_) => return Err(errors),
        Err(problems) => {
            for (field, p) in &problems {
                let name = note_field(field);
                if !errors.iter().any(|e| e.field == name) {
                    errors.push(note_problem(ctx, field, p));
                }
            }
            return Err(errors);
        }
    };
    // The domain read the date and time as given, in UTC.
    let at = Ts::from(note.occurred_local.assume_utc());
    let now = Ts::now().get();
    if let Err(p) = cases::not_in_future(at.get(), now) {
        return Err(vec![note_problem(ctx, "date", &p)]);
    }
    Ok(NoteRecord {
        occurred_at: Ts::from(cases::note_instant(at.get(), now, previous.map(Ts::get))),
        duration_minutes: note.duration_minutes,
        place: note.place,
        participants: note.participants,
        note_type: note.note_type,
        confidentiality: note.confidentiality,
        body: note.body,
    })
}

/// A case the caller may write notes in now: 404 if they may not write it, 409 `case_closed`
/// when it is closed (reopen it first).
pub(super) async fn writable(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, Failure> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.write {
        return Err(WebError::NotFound.into());
    }
    if loaded.case.status() == CaseStatus::Closed {
        return Err(ctx.refuse(StatusCode::CONFLICT, "case_closed", "cases-api-error-closed"));
    }
    Ok(loaded)
}

/// A live note of the case that the caller may correct or delete (its author); 404 otherwise.
async fn own_note(
    state: &AppState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    entry_id: CaseEntryId,
) -> Result<Entry, Failure> {
    let org = loaded.case.organisation_id;
    let entry = store::cases::find_entry(&state.db, org, loaded.case.id, entry_id)
        .await?
        .filter(|e| e.is_note() && e.deleted_at.is_none())
        .ok_or(WebError::NotFound)?;
    if !policy::may_change_note(&signed_in.actor, &loaded.access, entry.author()) {
        return Err(WebError::NotFound.into());
    }
    Ok(entry)
}

/// The 409 answer for a note: the note as it is now, if the caller may still change it (an
/// audited reading).
async fn note_conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    entry_id: CaseEntryId,
    sent: i64,
) -> Result<Failure, Failure> {
    let org = loaded.case.organisation_id;
    let current = store::cases::find_entry(&state.db, org, loaded.case.id, entry_id)
        .await?
        .filter(|e| policy::may_change_note(&signed_in.actor, &loaded.access, e.author()));
    let version = current.as_ref().map_or(sent, |e| e.version);
    if current.is_some() {
        let extra = Some(("note", entry_id.to_string()));
        read_event(state, ctx, signed_in, loaded, extra).await?;
    }
    let body = NoteConflict {
        error: ctx.conflict_message(sent, version),
        current: current.as_ref().map(entry_out),
    };
    Ok(Failure::Answer(Box::new((StatusCode::CONFLICT, Json(body)).into_response())))
}

// ---------------------------------------------------------------------------------------------
// Timeline and notes: handlers

/// A page of a case's timeline, newest first, with the same filters as the case page. Notes
/// the caller may not read (confidential ones, or all of them without the content) are left
/// out by the query itself, so a page counts only what the caller sees; status changes are
/// shown to whoever sees the case. An audited opening of the case file.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/timeline",
    tag = "notes",
    params(("case_id" = Uuid, Path, description = "The case's id"), TimelineQuery),
    security(("bearer" = ["notes:read"]), ("session" = [])),
    responses(
        (status = 200, body = TimelineOut),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not see"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: a `limit` out of 1–100 or a `before` that is not a cursor of this API"),
    )
)]
pub async fn timeline(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = load(&state, &signed_in, record_id(&id)?).await?;
    let mut errors = Vec::new();
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => Some(TIMELINE_DEFAULT),
        Some(s) => s.parse::<i64>().ok().filter(|n| (1..=TIMELINE_MAX).contains(n)),
    };
    if limit.is_none() {
        errors.push(ctx.field_msg("cases-api-error-limit", "limit", "out_of_range"));
    }
    let before = match q.before.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let c = parse_cursor(s);
            if c.is_none() {
                errors.push(ctx.field_msg("cases-api-error-cursor", "before", "cursor_invalid"));
            }
            c
        }
    };
    let Some(limit) = limit.filter(|_| errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    read_event(&state, &ctx, &signed_in, &loaded, None).await?;
    let type_code = q.entry_type.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let filter = type_code.map(|code| match TimelineGroup::parse(code) {
        Some(g) => TimelineFilter::Kinds(g.kinds()),
        None => TimelineFilter::NoteType(code),
    });
    let page = store::cases::timeline(
        &state.db,
        loaded.case.organisation_id,
        loaded.case.id,
        loaded.visibility(&signed_in),
        filter,
        before,
        limit,
    )
    .await?;
    let out = TimelineOut {
        entries: page.entries.iter().map(entry_out).collect(),
        next: page.older.as_ref().map(cursor_text),
    };
    Ok(Json(out).into_response())
}

/// One note of a case, if the caller may read it (its confidentiality decides). An audited
/// reading.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/notes/{entry_id}",
    tag = "notes",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("entry_id" = Uuid, Path, description = "The note's id"),
    ),
    security(("bearer" = ["notes:read"]), ("session" = [])),
    responses(
        (status = 200, body = EntryOut),
        (status = 404, body = ApiProblem, description = "No such note in this case, or one the caller may not read (another team's case, a confidential note)"),
    )
)]
pub async fn show_note(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = load(&state, &signed_in, record_id(&id)?).await?;
    let entry_id: CaseEntryId = record_id(&entry_id)?;
    let org = loaded.case.organisation_id;
    let entry = store::cases::find_entry(&state.db, org, loaded.case.id, entry_id)
        .await?
        .filter(|e| e.is_note())
        .filter(|e| {
            policy::may_read_note(&signed_in.actor, &loaded.access, e.author(), e.confidentiality())
        })
        .ok_or(WebError::NotFound)?;
    read_event(&state, &ctx, &signed_in, &loaded, Some(("note", entry_id.to_string()))).await?;
    Ok(Json(entry_out(&entry)).into_response())
}

/// Writes a note on a case's timeline.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/notes",
    tag = "notes",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["notes:write"]), ("session" = [])),
    request_body = NoteIn,
    responses(
        (status = 201, body = EntryOut, description = "Written; `Location` is its address", headers(("location" = String))),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not write in"),
        (status = 409, body = ApiProblem, description = "`case_closed`: reopen the case first"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why, in the caller's language"),
    )
)]
pub async fn create_note(
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
    let input: NoteIn = ctx.body(&headers, &body)?;
    let typed = Typed {
        occurred_at: input.occurred_at,
        duration_minutes: input.duration_minutes,
        place: input.place,
        participants: input.participants,
        note_type: input.note_type,
        confidentiality: input.confidentiality,
        body: input.body,
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let note = parse_note(&ctx, &lists, typed, None).map_err(|e| ctx.invalid(e))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let entry = store::cases::add_note(&mut tx, org, id, &note, me, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry.to_string())
        .detail("type", note.note_type.as_str());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::cases::find_entry(&state.db, org, id, entry)
        .await?
        .ok_or(WebError::Internal("a note just written is not found"))?;
    let location = format!("/api/v1/cases/{id}/notes/{entry}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(entry_out(&saved)))
        .into_response())
}

/// Corrects a note, if it is still at `version`: its earlier text is kept as a version (seen
/// by its author and the team's supervisors). Only the note's author corrects it.
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{case_id}/notes/{entry_id}",
    tag = "notes",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("entry_id" = Uuid, Path, description = "The note's id"),
    ),
    security(("bearer" = ["notes:write"]), ("session" = [])),
    request_body = NotePatch,
    responses(
        (status = 200, body = EntryOut, description = "Corrected (or nothing to change): the note as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such note, a deleted one, or one the caller did not write"),
        (status = 409, body = NoteConflict, description = "`version_conflict`: the note changed since `version`; `current` is the note now. Or `case_closed`."),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` missing, or refused fields"),
    )
)]
pub async fn update_note(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let entry_id: CaseEntryId = record_id(&entry_id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    let org = loaded.case.organisation_id;
    let patch: NotePatch = ctx.body(&headers, &body)?;
    let Some(version) = patch.version else {
        return Err(ctx.invalid(vec![ctx.field_msg(
            "persons-api-error-version",
            "version",
            "required",
        )]));
    };
    if version != entry.version {
        return Err(note_conflict(&state, &ctx, &signed_in, &loaded, entry_id, version).await?);
    }
    let typed = Typed {
        occurred_at: Some(patch.occurred_at.unwrap_or_else(|| time_text(entry.occurred_at))),
        duration_minutes: patch.duration_minutes.unwrap_or(entry.duration_minutes),
        place: patch.place.unwrap_or(entry.place.clone()),
        participants: patch.participants.unwrap_or(entry.participants.clone()),
        note_type: Some(patch.note_type.unwrap_or(entry.note_type.clone().unwrap_or_default())),
        confidentiality: Some(patch.confidentiality.unwrap_or(entry.confidentiality.clone())),
        body: Some(patch.body.unwrap_or(entry.body.clone().unwrap_or_default())),
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let note =
        parse_note(&ctx, &lists, typed, Some(entry.occurred_at)).map_err(|e| ctx.invalid(e))?;
    let unchanged = note.occurred_at == entry.occurred_at
        && note.duration_minutes == entry.duration_minutes
        && note.place == entry.place
        && note.participants == entry.participants
        && Some(&note.note_type) == entry.note_type.as_ref()
        && note.confidentiality == entry.confidentiality()
        && Some(&note.body) == entry.body.as_ref();
    if unchanged {
        return Ok(Json(entry_out(&entry)).into_response());
    }
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::cases::correct_note(&mut tx, org, entry_id, version, &note, Ts::now()).await? {
        drop(tx);
        return Err(note_conflict(&state, &ctx, &signed_in, &loaded, entry_id, version).await?);
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry_id.to_string());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::cases::find_entry(&state.db, org, id, entry_id)
        .await?
        .ok_or(WebError::Internal("a note just corrected is not found"))?;
    Ok(Json(entry_out(&saved)).into_response())
}

/// Deletes a note, if it is still at `version`: its text goes (earlier versions too), a
/// tombstone stays on the timeline with who, when and why. Only the note's author deletes it.
#[utoipa::path(
    delete,
    path = "/api/v1/cases/{case_id}/notes/{entry_id}",
    tag = "notes",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("entry_id" = Uuid, Path, description = "The note's id"),
    ),
    security(("bearer" = ["notes:write"]), ("session" = [])),
    request_body = NoteDeletion,
    responses(
        (status = 200, body = EntryOut, description = "Deleted: the tombstone"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such note, a deleted one, or one the caller did not write"),
        (status = 409, body = NoteConflict, description = "`version_conflict`: the note changed since `version`; `current` is the note now. Or `case_closed`."),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` or `reason` missing, or a reason too long"),
    )
)]
pub async fn delete_note(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, entry_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let entry_id: CaseEntryId = record_id(&entry_id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let entry = own_note(&state, &signed_in, &loaded, entry_id).await?;
    let org = loaded.case.organisation_id;
    let input: NoteDeletion = ctx.body(&headers, &body)?;
    let mut errors = Vec::new();
    if input.version.is_none() {
        errors.push(ctx.field_msg("persons-api-error-version", "version", "required"));
    }
    let reason = match cases::parse_delete_reason(input.reason.as_deref().unwrap_or("")) {
        Ok(r) => Some(r),
        Err(NoteProblem::BodyRequired) => {
            errors.push(ctx.field_msg("case-error-delete-reason", "reason", "required"));
            None
        }
        Err(p) => {
            errors.push(note_problem(&ctx, "reason", &p));
            None
        }
    };
    if let Some(sent) = input.version
        && sent != entry.version
    {
        return Err(note_conflict(&state, &ctx, &signed_in, &loaded, entry_id, sent).await?);
    }
    let (Some(version), Some(reason), true) = (input.version, reason, errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::cases::delete_note(&mut tx, org, entry_id, version, &reason, me, Ts::now()).await? {
        drop(tx);
        return Err(note_conflict(&state, &ctx, &signed_in, &loaded, entry_id, version).await?);
    }
    let event = NewAuditEvent::new(AuditAction::RecordDeleted, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("note", entry_id.to_string())
        .because(reason);
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::cases::find_entry(&state.db, org, id, entry_id)
        .await?
        .ok_or(WebError::Internal("a note just deleted is not found"))?;
    Ok(Json(entry_out(&saved)).into_response())
}
