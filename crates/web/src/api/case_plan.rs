//! A case's action plan under `/api/v1`: read the whole plan (audited), add a goal, change a
//! goal with its version, add a step to a goal, change a step with its version, record a
//! victory.
//!
//! The access is the case content's ([`crate::cases::load`], as on the plan pages): readers
//! of the content read, writers of an open or paused case write, anyone else gets 404.
//! Validation is `domain::plans`'s; `store::plans` writes each change with its timeline event,
//! in the transaction where this module writes the `record_*` audit event (ids, never words).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::ids::{GoalId, StepId};
use domain::lists::{ListName, Lists};
use domain::plans::{self, GoalInput, PlanProblem, StepInput, VictoryInput};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::audit::NewAuditEvent;
use store::plans::{Change, Goal, Step, Victory};
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Ctx, Failure, present, read_event, record_id, time_text, writable};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::api::{ApiProblem, ApiProblemDetail, FieldError};

// ---------------------------------------------------------------------------------------------
// JSON shapes

/// A step of a goal: who does what, by when.
#[derive(Serialize, ToSchema)]
pub struct StepOut {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub action: String,
    /// `person`, `worker` or `partner`.
    #[schema(example = "person")]
    pub owner: String,
    /// The partner's name, for a step a partner does.
    pub partner_name: Option<String>,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// `planned`, `in_progress`, `done`, `on_hold`, `abandoned` or `cancelled`.
    #[schema(example = "planned")]
    pub status: String,
    /// Still to do and its due date passed (in the organisation's time zone).
    pub overdue: bool,
    pub position: i64,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub updated_by_name: Option<String>,
    /// Send it back to change the step.
    pub version: i64,
}

/// A goal, in the person's words, with its life domains and steps.
#[derive(Serialize, ToSchema)]
pub struct GoalOut {
    pub id: Uuid,
    pub person_words: String,
    /// The worker's reformulation, if any.
    pub worker_words: Option<String>,
    /// Codes of the organisation's `life_domain` list.
    pub domains: Vec<String>,
    /// `active`, `on_hold`, `achieved` or `abandoned`.
    #[schema(example = "active")]
    pub status: String,
    pub position: i64,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub updated_by_name: Option<String>,
    /// Send it back to change the goal.
    pub version: i64,
    /// By position (empty in the answer to a change of the goal).
    pub steps: Vec<StepOut>,
}

/// A victory: a success the person names, in their words.
#[derive(Serialize, ToSchema)]
pub struct VictoryOut {
    pub id: Uuid,
    /// The goal it belongs to, if any.
    pub goal_id: Option<Uuid>,
    #[schema(format = Date)]
    pub occurred_on: String,
    pub person_words: String,
    pub recorded_by_name: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// The person's agreement to the plan.
#[derive(Serialize, ToSchema)]
pub struct AgreementOut {
    pub id: Uuid,
    #[schema(format = Date)]
    pub agreed_on: String,
    /// How the person agreed: `signed_paper`, `signed_screen` or `oral`.
    pub method: String,
    pub recorded_by_name: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A case's whole plan.
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    /// By position.
    pub goals: Vec<GoalOut>,
    /// Newest first.
    pub victories: Vec<VictoryOut>,
    /// The latest agreement of the person, if any.
    pub agreement: Option<AgreementOut>,
    /// Whether a goal or a step changed after the latest agreement was recorded.
    pub changed_since_agreement: bool,
}

fn today(signed_in: &SignedIn) -> time::Date {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date()
}

fn iso(d: time::Date) -> String {
    domain::persons::iso_date(d)
}

fn step_out(s: &Step, today: time::Date) -> StepOut {
    StepOut {
        id: s.id.as_uuid(),
        goal_id: s.goal_id.as_uuid(),
        action: s.action.clone(),
        owner: s.owner.clone(),
        partner_name: s.partner_name.clone(),
        due_on: s.due_on.map(iso),
        status: s.status.clone(),
        overdue: s.overdue(today),
        position: s.position,
        updated_at: time_text(s.updated_at),
        updated_by_name: s.updated_by_name.clone(),
        version: s.version,
    }
}

fn goal_out(g: &Goal, today: time::Date) -> GoalOut {
    GoalOut {
        id: g.id.as_uuid(),
        person_words: g.person_words.clone(),
        worker_words: g.worker_words.clone(),
        domains: g.domains.clone(),
        status: g.status.clone(),
        position: g.position,
        updated_at: time_text(g.updated_at),
        updated_by_name: g.updated_by_name.clone(),
        version: g.version,
        steps: g.steps.iter().map(|s| step_out(s, today)).collect(),
    }
}

fn victory_out(v: &Victory) -> VictoryOut {
    VictoryOut {
        id: v.id.as_uuid(),
        goal_id: v.goal_id,
        occurred_on: iso(v.occurred_on),
        person_words: v.person_words.clone(),
        recorded_by_name: v.recorded_by_name.clone(),
        created_at: time_text(v.created_at),
    }
}

/// The body of `POST /api/v1/cases/{case_id}/plan/goals`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalIn {
    /// The goal in the person's own words (at most 2,000 characters).
    pub person_words: Option<String>,
    /// The worker's reformulation, if needed.
    pub worker_words: Option<String>,
    /// Codes of the organisation's `life_domain` list.
    #[serde(default)]
    pub domains: Vec<String>,
    /// `active` (default), `on_hold`, `achieved` or `abandoned`.
    pub status: Option<String>,
}

/// The body of `PATCH /api/v1/cases/{case_id}/plan/goals/{goal_id}`: the version read and the
/// fields to change (those left out are kept; `null` empties `worker_words`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatch {
    /// The goal's version as read; another version answers 409 with the goal now.
    pub version: Option<i64>,
    pub person_words: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub worker_words: Option<Option<String>>,
    /// Replaces the goal's domains.
    pub domains: Option<Vec<String>>,
    pub status: Option<String>,
}

/// The body of `POST /api/v1/cases/{case_id}/plan/goals/{goal_id}/steps`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// What is to be done (at most 1,000 characters).
    pub action: Option<String>,
    /// `person`, `worker` or `partner`.
    #[schema(example = "person")]
    pub owner: Option<String>,
    /// Only for a step a partner does (at most 200 characters).
    pub partner_name: Option<String>,
    /// `YYYY-MM-DD`, optional; may be past.
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// `planned` (default), `in_progress`, `done`, `on_hold`, `abandoned` or `cancelled`.
    pub status: Option<String>,
}

/// The body of `PATCH /api/v1/cases/{case_id}/plan/steps/{step_id}`: the version read and the
/// fields to change (those left out are kept; `null` empties `partner_name` or `due_on`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepPatch {
    /// The step's version as read; another version answers 409 with the step now.
    pub version: Option<i64>,
    pub action: Option<String>,
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub partner_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Option<String>>,
    pub status: Option<String>,
}

/// The body of `POST /api/v1/cases/{case_id}/plan/victories`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VictoryIn {
    /// The day of the success (`YYYY-MM-DD`), not after today.
    #[schema(format = Date)]
    pub occurred_on: Option<String>,
    /// The success in the person's own words.
    pub person_words: Option<String>,
    /// A goal of this plan, if the victory belongs to one.
    #[schema(value_type = Option<Uuid>)]
    pub goal_id: Option<String>,
}

/// 409 on a goal: `current` is the goal as it is now.
#[derive(Serialize, ToSchema)]
pub struct GoalConflict {
    pub error: ApiProblemDetail,
    pub current: GoalOut,
}

/// 409 on a step: `current` is the step as it is now.
#[derive(Serialize, ToSchema)]
pub struct StepConflict {
    pub error: ApiProblemDetail,
    pub current: StepOut,
}

// ---------------------------------------------------------------------------------------------
// Reading bodies

/// The JSON name of a field of the domain's plan forms.
fn json_field(field: &str) -> &str {
    match field {
        "date" => "occurred_on",
        "goal" => "goal_id",
        other => other,
    }
}

fn problem_error(ctx: &Ctx, field: &str, p: &PlanProblem) -> FieldError {
    let t = &ctx.t;
    let field = json_field(field);
    match p {
        PlanProblem::WordsRequired => ctx.field_msg("cases-api-error-words", field, "required"),
        PlanProblem::ActionRequired => ctx.field_msg("cases-api-error-action", field, "required"),
        PlanProblem::TooLong { max } => ctx.field(
            field,
            "too_long",
            t.msg_args("person-error-too-long", &[("max", &max.to_string())]),
        ),
        PlanProblem::ControlCharacters => {
            ctx.field_msg("person-error-control", field, "control_characters")
        }
        PlanProblem::UnknownDomain => {
            ctx.field_msg("cases-api-error-domain", field, "unknown_value")
        }
        PlanProblem::StatusRequired => {
            ctx.field_msg("cases-api-error-plan-status", field, "unknown_value")
        }
        PlanProblem::OwnerRequired => {
            ctx.field_msg("cases-api-error-owner", field, "unknown_value")
        }
        PlanProblem::PartnerNameWithoutPartner => {
            ctx.field_msg("cases-api-error-partner-name", field, "partner_name_without_partner")
        }
        PlanProblem::DateRequired => ctx.field_msg("cases-api-error-date", field, "required"),
        PlanProblem::DateInvalid => ctx.field_msg("persons-api-error-date", field, "date_invalid"),
        PlanProblem::InFuture => ctx.field_msg("cases-api-error-future", field, "date_in_future"),
        PlanProblem::TooOld => ctx.field(
            field,
            "date_too_old",
            t.msg_args("cases-api-error-too-old", &[("years", &plans::PAST_YEARS_MAX.to_string())]),
        ),
        PlanProblem::UnknownGoal => ctx.field_msg("cases-api-error-goal", field, "unknown_goal"),
        PlanProblem::MethodRequired => {
            ctx.field_msg("cases-api-error-method", field, "unknown_value")
        }
    }
}

fn refused(ctx: &Ctx, problems: &[(&'static str, PlanProblem)]) -> Failure {
    let mut errors: Vec<FieldError> = Vec::new();
    for (field, p) in problems {
        if !errors.iter().any(|e| e.field == json_field(field)) {
            errors.push(problem_error(ctx, field, p));
        }
    }
    ctx.invalid(errors)
}

/// `YYYY-MM-DD` and nothing else (the forms also read `dd/mm/yyyy`; JSON dates are ISO).
fn iso_shaped(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.is_empty()
        || (b.len() == 10
            && b.iter()
                .enumerate()
                .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }))
}

fn not_iso(ctx: &Ctx, field: &str) -> Failure {
    ctx.invalid(vec![ctx.field_msg("persons-api-error-date", field, "date_invalid")])
}

fn domain_known<'a>(lists: &'a Lists, current: &'a [String]) -> impl Fn(&str) -> bool + 'a {
    // A domain the organisation hid since stays on the goals that have it.
    move |code: &str| {
        current.iter().any(|c| c == code) || lists.accepts(ListName::LifeDomain, code, None)
    }
}

fn version_required(ctx: &Ctx) -> Failure {
    ctx.invalid(vec![ctx.field_msg("persons-api-error-version", "version", "required")])
}

fn change_event(
    action: AuditAction,
    signed_in: &SignedIn,
    loaded: &Loaded,
    what: &str,
    id: Uuid,
) -> NewAuditEvent {
    NewAuditEvent::new(action, Some(loaded.case.organisation_id))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail(what, id.to_string())
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// The case's whole plan: goals with their domains and steps, victories, the latest agreement.
/// An audited reading of the case's content.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/plan",
    tag = "plans",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:read"]), ("session" = [])),
    responses(
        (status = 200, body = PlanOut),
        (status = 404, body = ApiProblem, description = "No such case, or one whose content the caller may not read"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let loaded = load(&state, &signed_in, record_id(&id)?).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound.into());
    }
    read_event(&state, &ctx, &signed_in, &loaded, Some(("view", "plan".to_owned()))).await?;
    let plan =
        store::plans::plan_of(&state.db, loaded.case.organisation_id, loaded.case.id).await?;
    let day = today(&signed_in);
    let out = PlanOut {
        goals: plan.goals.iter().map(|g| goal_out(g, day)).collect(),
        victories: plan.victories.iter().map(victory_out).collect(),
        changed_since_agreement: plan.changed_since_agreement(),
        agreement: plan.agreement.as_ref().map(|a| AgreementOut {
            id: a.id.as_uuid(),
            agreed_on: iso(a.agreed_on),
            method: a.method.clone(),
            recorded_by_name: a.recorded_by_name.clone(),
            created_at: time_text(a.created_at),
        }),
    };
    Ok(Json(out).into_response())
}

/// Adds a goal at the end of the plan.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/plan/goals",
    tag = "plans",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = GoalIn,
    responses(
        (status = 201, body = GoalOut, description = "Added"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not write in"),
        (status = 409, body = ApiProblem, description = "`case_closed`: reopen the case first"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why, in the caller's language"),
    )
)]
pub async fn create_goal(
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
    let input: GoalIn = ctx.body(&headers, &body)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let typed = GoalInput {
        person_words: input.person_words.unwrap_or_default(),
        worker_words: input.worker_words.unwrap_or_default(),
        domains: input.domains,
        status: input.status.unwrap_or_default(),
    };
    let goal =
        plans::parse_goal(&typed, domain_known(&lists, &[])).map_err(|p| refused(&ctx, &p))?;
    let mut tx = state.db.begin_write().await?;
    let me = signed_in.actor.user_id;
    let goal_id = store::plans::create_goal(&mut tx, org, id, &goal, me, Ts::now()).await?;
    let event =
        change_event(AuditAction::RecordCreated, &signed_in, &loaded, "goal", goal_id.as_uuid());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::plans::find_goal(&state.db, org, id, goal_id)
        .await?
        .ok_or(WebError::Internal("a goal just added is not found"))?;
    Ok((StatusCode::CREATED, Json(goal_out(&saved, today(&signed_in)))).into_response())
}

/// Changes a goal if it is still at `version` (its words, domains or status).
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{case_id}/plan/goals/{goal_id}",
    tag = "plans",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("goal_id" = Uuid, Path, description = "The goal's id"),
    ),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = GoalPatch,
    responses(
        (status = 200, body = GoalOut, description = "Changed (or nothing to change): the goal as it now is, without its steps"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such goal in this case, or a case the caller may not write in"),
        (status = 409, body = GoalConflict, description = "`version_conflict`: the goal changed since `version`; `current` is it now. Or `case_closed`."),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` missing, or refused fields"),
    )
)]
pub async fn update_goal(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let goal_id: GoalId = record_id(&goal_id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let stored =
        store::plans::find_goal(&state.db, org, id, goal_id).await?.ok_or(WebError::NotFound)?;
    let patch: GoalPatch = ctx.body(&headers, &body)?;
    let Some(version) = patch.version else { return Err(version_required(&ctx)) };
    let day = today(&signed_in);
    if version != stored.version {
        return Err(goal_conflict(&state, &ctx, &signed_in, &loaded, &stored, version, day).await?);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let typed = GoalInput {
        person_words: patch.person_words.unwrap_or_else(|| stored.person_words.clone()),
        worker_words: patch
            .worker_words
            .unwrap_or_else(|| stored.worker_words.clone())
            .unwrap_or_default(),
        domains: patch.domains.unwrap_or_else(|| stored.domains.clone()),
        status: patch.status.unwrap_or_else(|| stored.status.clone()),
    };
    let goal = plans::parse_goal(&typed, domain_known(&lists, &stored.domains))
        .map_err(|p| refused(&ctx, &p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    match store::plans::update_goal(&mut tx, org, id, goal_id, version, &goal, me, Ts::now())
        .await?
    {
        Change::Saved(_) => {
            let event = change_event(
                AuditAction::RecordUpdated,
                &signed_in,
                &loaded,
                "goal",
                goal_id.as_uuid(),
            );
            audit_trail::record(&mut tx, &ctx.meta, event).await?;
            tx.commit().await?;
        }
        Change::Unchanged => drop(tx),
        Change::Conflict(now) => {
            drop(tx);
            return Err(goal_conflict(&state, &ctx, &signed_in, &loaded, &now, version, day).await?);
        }
        Change::NotFound => return Err(WebError::NotFound.into()),
    }
    let saved =
        store::plans::find_goal(&state.db, org, id, goal_id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(goal_out(&saved, day)).into_response())
}

#[allow(clippy::too_many_arguments)] // The answer, the goal as it is now, and what was sent.
async fn goal_conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    current: &Goal,
    sent: i64,
    day: time::Date,
) -> Result<Failure, Failure> {
    read_event(state, ctx, signed_in, loaded, Some(("goal", current.id.to_string()))).await?;
    let body = GoalConflict {
        error: ctx.conflict_message(sent, current.version),
        current: goal_out(current, day),
    };
    Ok(Failure::Answer(Box::new((StatusCode::CONFLICT, Json(body)).into_response())))
}

fn step_input(
    action: String,
    owner: String,
    partner_name: Option<String>,
    due_on: Option<String>,
    status: String,
) -> StepInput {
    StepInput {
        action,
        owner,
        partner_name: partner_name.unwrap_or_default(),
        due_on: due_on.unwrap_or_default(),
        status,
    }
}

/// Adds a step at the end of a goal of the plan.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/plan/goals/{goal_id}/steps",
    tag = "plans",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("goal_id" = Uuid, Path, description = "The goal's id"),
    ),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = StepIn,
    responses(
        (status = 201, body = StepOut, description = "Added"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such goal in this case, or a case the caller may not write in"),
        (status = 409, body = ApiProblem, description = "`case_closed`: reopen the case first"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` names each refused field and why, in the caller's language"),
    )
)]
pub async fn create_step(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let goal_id: GoalId = record_id(&goal_id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    store::plans::find_goal(&state.db, org, id, goal_id).await?.ok_or(WebError::NotFound)?;
    let input: StepIn = ctx.body(&headers, &body)?;
    if !input.due_on.as_deref().is_none_or(iso_shaped) {
        return Err(not_iso(&ctx, "due_on"));
    }
    let typed = step_input(
        input.action.unwrap_or_default(),
        input.owner.unwrap_or_default(),
        input.partner_name,
        input.due_on,
        input.status.unwrap_or_default(),
    );
    let step = plans::parse_step(&typed).map_err(|p| refused(&ctx, &p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let Some(step_id) =
        store::plans::add_step(&mut tx, org, id, goal_id, &step, me, Ts::now()).await?
    else {
        return Err(WebError::NotFound.into());
    };
    let event =
        change_event(AuditAction::RecordCreated, &signed_in, &loaded, "step", step_id.as_uuid());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = store::plans::find_step(&state.db, org, id, step_id)
        .await?
        .ok_or(WebError::Internal("a step just added is not found"))?;
    Ok((StatusCode::CREATED, Json(step_out(&saved, today(&signed_in)))).into_response())
}

/// Changes a step if it is still at `version` (what, who, when, its status).
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{case_id}/plan/steps/{step_id}",
    tag = "plans",
    params(
        ("case_id" = Uuid, Path, description = "The case's id"),
        ("step_id" = Uuid, Path, description = "The step's id"),
    ),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = StepPatch,
    responses(
        (status = 200, body = StepOut, description = "Changed (or nothing to change): the step as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such step in this case, or a case the caller may not write in"),
        (status = 409, body = StepConflict, description = "`version_conflict`: the step changed since `version`; `current` is it now. Or `case_closed`."),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `version` missing, or refused fields"),
    )
)]
pub async fn update_step(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, step_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let id: CaseId = record_id(&id)?;
    let step_id: StepId = record_id(&step_id)?;
    let loaded = writable(&state, &ctx, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let stored =
        store::plans::find_step(&state.db, org, id, step_id).await?.ok_or(WebError::NotFound)?;
    let patch: StepPatch = ctx.body(&headers, &body)?;
    let Some(version) = patch.version else { return Err(version_required(&ctx)) };
    let day = today(&signed_in);
    if version != stored.version {
        return Err(step_conflict(&state, &ctx, &signed_in, &loaded, &stored, version, day).await?);
    }
    if let Some(Some(due)) = &patch.due_on
        && !iso_shaped(due)
    {
        return Err(not_iso(&ctx, "due_on"));
    }
    let typed = step_input(
        patch.action.unwrap_or_else(|| stored.action.clone()),
        patch.owner.unwrap_or_else(|| stored.owner.clone()),
        patch.partner_name.unwrap_or_else(|| stored.partner_name.clone()),
        patch.due_on.unwrap_or_else(|| stored.due_on.map(iso)),
        patch.status.unwrap_or_else(|| stored.status.clone()),
    );
    let step = plans::parse_step(&typed).map_err(|p| refused(&ctx, &p))?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    match store::plans::update_step(&mut tx, org, id, step_id, version, &step, me, Ts::now())
        .await?
    {
        Change::Saved(_) => {
            let event = change_event(
                AuditAction::RecordUpdated,
                &signed_in,
                &loaded,
                "step",
                step_id.as_uuid(),
            );
            audit_trail::record(&mut tx, &ctx.meta, event).await?;
            tx.commit().await?;
        }
        Change::Unchanged => drop(tx),
        Change::Conflict(now) => {
            drop(tx);
            return Err(step_conflict(&state, &ctx, &signed_in, &loaded, &now, version, day).await?);
        }
        Change::NotFound => return Err(WebError::NotFound.into()),
    }
    let saved =
        store::plans::find_step(&state.db, org, id, step_id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(step_out(&saved, day)).into_response())
}

#[allow(clippy::too_many_arguments)] // The answer, the step as it is now, and what was sent.
async fn step_conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    current: &Step,
    sent: i64,
    day: time::Date,
) -> Result<Failure, Failure> {
    read_event(state, ctx, signed_in, loaded, Some(("step", current.id.to_string()))).await?;
    let body = StepConflict {
        error: ctx.conflict_message(sent, current.version),
        current: step_out(current, day),
    };
    Ok(Failure::Answer(Box::new((StatusCode::CONFLICT, Json(body)).into_response())))
}

/// Records a victory: a success the person names, on the timeline at its date.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/plan/victories",
    tag = "plans",
    params(("case_id" = Uuid, Path, description = "The case's id")),
    security(("bearer" = ["cases:write"]), ("session" = [])),
    request_body = VictoryIn,
    responses(
        (status = 201, body = VictoryOut, description = "Recorded"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such case, or one the caller may not write in"),
        (status = 409, body = ApiProblem, description = "`case_closed`: reopen the case first"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `occurred_on` missing, malformed, in the future or more than ten years ago; `person_words` missing; `goal_id` not a goal of this plan (`unknown_goal`)"),
    )
)]
pub async fn create_victory(
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
    let input: VictoryIn = ctx.body(&headers, &body)?;
    if !input.occurred_on.as_deref().is_none_or(iso_shaped) {
        return Err(not_iso(&ctx, "occurred_on"));
    }
    let goals = store::plans::goals_of(&state.db, org, id).await?;
    let typed = VictoryInput {
        date: input.occurred_on.unwrap_or_default(),
        person_words: input.person_words.unwrap_or_default(),
        goal: input.goal_id.unwrap_or_default(),
    };
    let victory =
        plans::parse_victory(&typed, today(&signed_in), |g| goals.iter().any(|goal| goal.id == g))
            .map_err(|p| refused(&ctx, &p))?;
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let victory_id = store::plans::add_victory(&mut tx, org, id, &victory, me, now).await?;
    let event = change_event(
        AuditAction::RecordCreated,
        &signed_in,
        &loaded,
        "victory",
        victory_id.as_uuid(),
    );
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = Victory {
        id: victory_id,
        goal_id: victory.goal.map(|g| g.as_uuid()),
        occurred_on: victory.occurred_on,
        person_words: victory.person_words,
        recorded_by_name: Some(signed_in.display_name.clone()),
        created_at: now,
    };
    Ok((StatusCode::CREATED, Json(victory_out(&saved))).into_response())
}
