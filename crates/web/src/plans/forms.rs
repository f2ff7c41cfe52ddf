//! The plan's forms: add and change goals and steps (with their version: a stale form shows
//! what was saved meanwhile beside what was typed), record a victory, record the person's
//! agreement. Each is a plain HTML form with the anti-forgery token; a refused value re-shows
//! the form with everything typed and the errors linked to their fields.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::ids::{GoalId, StepId};
use domain::lists::{ListName, Lists};
use domain::plans::{
    self, AgreementInput, AgreementMethod, GoalInput, GoalStatus, PlanProblem, StepInput,
    StepOwner, StepStatus, VictoryInput,
};
use store::Ts;
use store::plans::{Change, Goal, Step};

use super::pages::{
    Choice, audit_read, change_event, date_text, domain_choices, domain_label, goal_status_label,
    method_label, owner_text, person_name, step_status_label, today, writable,
};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::Loaded;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

type Errors = Vec<(&'static str, String)>;

fn problem_text(t: &Tr, p: &PlanProblem) -> String {
    match p {
        PlanProblem::WordsRequired => t.msg("plan-error-words"),
        PlanProblem::ActionRequired => t.msg("plan-error-action"),
        PlanProblem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        PlanProblem::ControlCharacters => t.msg("person-error-control"),
        PlanProblem::UnknownDomain => t.msg("person-error-unknown-value"),
        PlanProblem::StatusRequired => t.msg("plan-error-status"),
        PlanProblem::OwnerRequired => t.msg("plan-error-owner"),
        PlanProblem::PartnerNameWithoutPartner => t.msg("plan-error-partner-name"),
        PlanProblem::DateRequired => t.msg("plan-error-date"),
        PlanProblem::DateInvalid => t.msg("person-error-date"),
        PlanProblem::InFuture => t.msg("plan-error-future"),
        PlanProblem::TooOld => {
            t.msg_args("plan-error-too-old", &[("years", &plans::PAST_YEARS_MAX.to_string())])
        }
        PlanProblem::UnknownGoal => t.msg("person-error-unknown-value"),
        PlanProblem::MethodRequired => t.msg("plan-error-method"),
    }
}

fn errors_of(t: &Tr, problems: Vec<(&'static str, PlanProblem)>) -> Errors {
    let mut out: Errors = Vec::new();
    for (field, p) in problems {
        if !out.iter().any(|(f, _)| *f == field) {
            out.push((field, problem_text(t, &p)));
        }
    }
    out
}

fn version_of(pairs: &[(String, String)]) -> i64 {
    value_of(pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn error_for<'a>(errors: &'a Errors, field: &str) -> Option<&'a str> {
    errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
}

/// "Saved by X on D" for the conflict panel.
fn saved_by(t: &Tr, signed_in: &SignedIn, name: Option<&str>, at: Ts) -> String {
    t.msg_args(
        "plan-conflict-saved-by",
        &[("name", name.unwrap_or("?")), ("date", &crate::dates::for_user(at, signed_in))],
    )
}

// ---------------------------------------------------------------------------------------------
// Goals.

/// A goal as another worker saved it, beside the form that was older than it.
pub struct GoalConflict {
    saved_by: String,
    person_words: String,
    worker_words: Option<String>,
    domains: String,
    status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/goal_form.html")]
pub struct GoalFormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    goal_id: Option<GoalId>,
    version: i64,
    input: GoalInput,
    domains: Vec<Choice>,
    statuses: Vec<Choice>,
    conflict: Option<GoalConflict>,
    errors: Errors,
}

impl GoalFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn action(&self) -> String {
        match self.goal_id {
            None => format!("/cases/{}/plan/goals/new", self.case_id),
            Some(g) => format!("/cases/{}/plan/goals/{g}/edit", self.case_id),
        }
    }
}

fn goal_input(pairs: &[(String, String)]) -> GoalInput {
    GoalInput {
        person_words: value_of(pairs, "person_words").unwrap_or("").to_owned(),
        worker_words: value_of(pairs, "worker_words").unwrap_or("").to_owned(),
        domains: pairs.iter().filter(|(k, _)| k == "domain").map(|(_, v)| v.clone()).collect(),
        status: value_of(pairs, "status").unwrap_or("").to_owned(),
    }
}

fn input_of_goal(g: &Goal) -> GoalInput {
    GoalInput {
        person_words: g.person_words.clone(),
        worker_words: g.worker_words.clone().unwrap_or_default(),
        domains: g.domains.clone(),
        status: g.status.clone(),
    }
}

#[allow(clippy::too_many_arguments)] // The form, what it holds, and what went wrong.
async fn goal_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    lists: &Lists,
    goal_id: Option<GoalId>,
    version: i64,
    input: GoalInput,
    conflict: Option<GoalConflict>,
    errors: Errors,
) -> Result<GoalFormPage, WebError> {
    let t = &ctx.t;
    let statuses = GoalStatus::ALL
        .into_iter()
        .map(|s| Choice {
            code: s.as_str().to_owned(),
            label: goal_status_label(t, s),
            selected: s.as_str() == input.status,
        })
        .collect();
    Ok(GoalFormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, loaded).await?,
        goal_id,
        version,
        domains: domain_choices(t, lists, &input.domains),
        statuses,
        input,
        conflict,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// Whether a life domain may be chosen for a goal that has `current` now.
fn domain_known<'a>(lists: &'a Lists, current: &'a [String]) -> impl Fn(&str) -> bool + 'a {
    move |code: &str| {
        current.iter().any(|c| c == code) || lists.accepts(ListName::LifeDomain, code, None)
    }
}

pub async fn new_goal_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<GoalFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_goal_new").await?;
    let lists = store::lists::for_organisation(&state.db, loaded.case.organisation_id).await?;
    let input = GoalInput::default();
    goal_page(&state, ctx, &loaded, &lists, None, 0, input, None, vec![]).await
}

pub async fn create_goal(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let pairs = form_pairs(&body);
    let mut input = goal_input(&pairs);
    // A new goal is active: the form has no status.
    input.status = String::new();
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let goal = match plans::parse_goal(&input, domain_known(&lists, &[])) {
        Ok(g) => g,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page =
                goal_page(&state, ctx, &loaded, &lists, None, 0, input, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let goal_id = store::plans::create_goal(&mut tx, org, id, &goal, me, Ts::now()).await?;
    let event =
        change_event(AuditAction::RecordCreated, &signed_in, &loaded, "goal", goal_id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/plan?saved=goal-added#goal-{goal_id}")).into_response())
}

pub async fn edit_goal_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(CaseId, GoalId)>,
) -> Result<GoalFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let goal =
        store::plans::find_goal(&state.db, org, id, goal_id).await?.ok_or(WebError::NotFound)?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_goal_edit").await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let input = input_of_goal(&goal);
    goal_page(&state, ctx, &loaded, &lists, Some(goal_id), goal.version, input, None, vec![]).await
}

/// Changes a goal if nobody saved it since the form was shown; otherwise shows the goal as it
/// is now beside what was typed, writes nothing, and sending the form again saves over the
/// version now shown.
pub async fn update_goal(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(CaseId, GoalId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let stored =
        store::plans::find_goal(&state.db, org, id, goal_id).await?.ok_or(WebError::NotFound)?;
    let pairs = form_pairs(&body);
    let input = goal_input(&pairs);
    let version = version_of(&pairs);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let goal = match plans::parse_goal(&input, domain_known(&lists, &stored.domains)) {
        Ok(g) => g,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page = goal_page(
                &state,
                ctx,
                &loaded,
                &lists,
                Some(goal_id),
                version,
                input,
                None,
                errors,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
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
            audit_trail::record(&mut tx, &meta, event).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/cases/{id}/plan?saved=goal-changed#goal-{goal_id}"))
                .into_response())
        }
        Change::Unchanged => {
            drop(tx);
            Ok(Redirect::to(&format!("/cases/{id}/plan?saved=unchanged#goal-{goal_id}"))
                .into_response())
        }
        Change::NotFound => Err(WebError::NotFound),
        Change::Conflict(now) => {
            drop(tx);
            let t = &ctx.t;
            let conflict = GoalConflict {
                saved_by: saved_by(t, &signed_in, now.updated_by_name.as_deref(), now.updated_at),
                person_words: now.person_words.clone(),
                worker_words: now.worker_words.clone(),
                domains: now
                    .domains
                    .iter()
                    .map(|d| domain_label(t, &lists, d))
                    .collect::<Vec<_>>()
                    .join(", "),
                status: goal_status_label(t, now.status()),
            };
            let errors = vec![("person_words", t.msg("plan-conflict"))];
            let page = goal_page(
                &state,
                ctx,
                &loaded,
                &lists,
                Some(goal_id),
                now.version,
                input,
                Some(conflict),
                errors,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Steps.

/// A step as another worker saved it.
pub struct StepConflict {
    saved_by: String,
    action: String,
    owner: String,
    due: Option<String>,
    status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/step_form.html")]
pub struct StepFormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    /// The goal, in the person's words.
    goal_words: String,
    goal_id: GoalId,
    step_id: Option<StepId>,
    version: i64,
    input: StepInput,
    owners: Vec<Choice>,
    statuses: Vec<Choice>,
    conflict: Option<StepConflict>,
    errors: Errors,
}

impl StepFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn action(&self) -> String {
        match self.step_id {
            None => format!("/cases/{}/plan/goals/{}/steps/new", self.case_id, self.goal_id),
            Some(s) => format!("/cases/{}/plan/steps/{s}/edit", self.case_id),
        }
    }
}

fn step_input(pairs: &[(String, String)]) -> StepInput {
    let get = |k: &str| value_of(pairs, k).unwrap_or("").to_owned();
    StepInput {
        action: get("action"),
        owner: get("owner"),
        partner_name: get("partner_name"),
        due_on: get("due_on"),
        status: get("status"),
    }
}

fn input_of_step(s: &Step) -> StepInput {
    StepInput {
        action: s.action.clone(),
        owner: s.owner.clone(),
        partner_name: s.partner_name.clone().unwrap_or_default(),
        due_on: s.due_on.map(domain::cases::form_date).unwrap_or_default(),
        status: s.status.clone(),
    }
}

#[allow(clippy::too_many_arguments)] // The form, what it holds, and what went wrong.
async fn step_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    goal: &Goal,
    step_id: Option<StepId>,
    version: i64,
    input: StepInput,
    conflict: Option<StepConflict>,
    errors: Errors,
) -> Result<StepFormPage, WebError> {
    let t = &ctx.t;
    let owners = StepOwner::ALL
        .into_iter()
        .map(|o| Choice {
            code: o.as_str().to_owned(),
            label: t.msg(&format!("plan-step-owner-{}-choice", o.as_str())),
            selected: o.as_str() == input.owner.trim(),
        })
        .collect();
    let statuses = StepStatus::ALL
        .into_iter()
        .map(|s| Choice {
            code: s.as_str().to_owned(),
            label: step_status_label(t, s),
            selected: s.as_str() == input.status.trim(),
        })
        .collect();
    Ok(StepFormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, loaded).await?,
        goal_words: goal.person_words.clone(),
        goal_id: goal.id,
        step_id,
        version,
        input,
        owners,
        statuses,
        conflict,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

async fn goal_of(state: &AppState, loaded: &Loaded, goal_id: GoalId) -> Result<Goal, WebError> {
    store::plans::find_goal(&state.db, loaded.case.organisation_id, loaded.case.id, goal_id)
        .await?
        .ok_or(WebError::NotFound)
}

pub async fn new_step_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(CaseId, GoalId)>,
) -> Result<StepFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let goal = goal_of(&state, &loaded, goal_id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_step_new").await?;
    let input = StepInput { owner: StepOwner::Person.as_str().to_owned(), ..Default::default() };
    step_page(&state, ctx, &loaded, &goal, None, 0, input, None, vec![]).await
}

pub async fn create_step(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, goal_id)): Path<(CaseId, GoalId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let goal = goal_of(&state, &loaded, goal_id).await?;
    let pairs = form_pairs(&body);
    let mut input = step_input(&pairs);
    // A new step is planned: the form has no status.
    input.status = String::new();
    let step = match plans::parse_step(&input) {
        Ok(s) => s,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page = step_page(&state, ctx, &loaded, &goal, None, 0, input, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let org = loaded.case.organisation_id;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let step_id = store::plans::add_step(&mut tx, org, id, goal_id, &step, me, Ts::now())
        .await?
        .ok_or(WebError::NotFound)?;
    let event =
        change_event(AuditAction::RecordCreated, &signed_in, &loaded, "step", step_id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/plan?saved=step-added#goal-{goal_id}")).into_response())
}

pub async fn edit_step_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, step_id)): Path<(CaseId, StepId)>,
) -> Result<StepFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let step =
        store::plans::find_step(&state.db, org, id, step_id).await?.ok_or(WebError::NotFound)?;
    let goal = goal_of(&state, &loaded, step.goal_id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_step_edit").await?;
    let input = input_of_step(&step);
    step_page(&state, ctx, &loaded, &goal, Some(step_id), step.version, input, None, vec![]).await
}

/// Changes a step if nobody saved it since the form was shown; otherwise shows the step as it
/// is now beside what was typed, and writes nothing.
pub async fn update_step(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, step_id)): Path<(CaseId, StepId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let stored =
        store::plans::find_step(&state.db, org, id, step_id).await?.ok_or(WebError::NotFound)?;
    let goal = goal_of(&state, &loaded, stored.goal_id).await?;
    let pairs = form_pairs(&body);
    let input = step_input(&pairs);
    let version = version_of(&pairs);
    let step = match plans::parse_step(&input) {
        Ok(s) => s,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page =
                step_page(&state, ctx, &loaded, &goal, Some(step_id), version, input, None, errors)
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let goal_id = goal.id;
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
            audit_trail::record(&mut tx, &meta, event).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/cases/{id}/plan?saved=step-changed#goal-{goal_id}"))
                .into_response())
        }
        Change::Unchanged => {
            drop(tx);
            Ok(Redirect::to(&format!("/cases/{id}/plan?saved=unchanged#goal-{goal_id}"))
                .into_response())
        }
        Change::NotFound => Err(WebError::NotFound),
        Change::Conflict(now) => {
            drop(tx);
            let t = &ctx.t;
            let conflict = StepConflict {
                saved_by: saved_by(t, &signed_in, now.updated_by_name.as_deref(), now.updated_at),
                action: now.action.clone(),
                owner: owner_text(t, now.owner(), now.partner_name.as_deref()),
                due: now.due_on.map(date_text),
                status: step_status_label(t, now.status()),
            };
            let errors = vec![("action", t.msg("plan-conflict"))];
            let page = step_page(
                &state,
                ctx,
                &loaded,
                &goal,
                Some(step_id),
                now.version,
                input,
                Some(conflict),
                errors,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Victories.

#[derive(Template, WebTemplate)]
#[template(path = "plans/victory_form.html")]
pub struct VictoryFormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    input: VictoryInput,
    goals: Vec<Choice>,
    errors: Errors,
}

impl VictoryFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn victory_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    goals: &[Goal],
    input: VictoryInput,
    errors: Errors,
) -> Result<VictoryFormPage, WebError> {
    let mut choices = vec![Choice {
        code: String::new(),
        label: ctx.t.msg("plan-victory-no-goal"),
        selected: input.goal.is_empty(),
    }];
    choices.extend(goals.iter().map(|g| Choice {
        code: g.id.to_string(),
        label: g.person_words.clone(),
        selected: g.id.to_string() == input.goal.trim(),
    }));
    Ok(VictoryFormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, loaded).await?,
        input,
        goals: choices,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn new_victory_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<VictoryFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_victory_new").await?;
    let goals = store::plans::goals_of(&state.db, loaded.case.organisation_id, id).await?;
    let input =
        VictoryInput { date: domain::cases::form_date(today(&signed_in)), ..Default::default() };
    victory_page(&state, ctx, &loaded, &goals, input, vec![]).await
}

pub async fn create_victory(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = loaded.case.organisation_id;
    let goals = store::plans::goals_of(&state.db, org, id).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let input =
        VictoryInput { date: get("date"), person_words: get("person_words"), goal: get("goal") };
    let victory = match plans::parse_victory(&input, today(&signed_in), |g| {
        goals.iter().any(|x| x.id == g)
    }) {
        Ok(v) => v,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page = victory_page(&state, ctx, &loaded, &goals, input, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let victory_id = store::plans::add_victory(&mut tx, org, id, &victory, me, Ts::now()).await?;
    let event = change_event(
        AuditAction::RecordCreated,
        &signed_in,
        &loaded,
        "victory",
        victory_id.as_uuid(),
    );
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/plan?saved=victory#victories")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The person's agreement.

#[derive(Template, WebTemplate)]
#[template(path = "plans/agreement_form.html")]
pub struct AgreementFormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    input: AgreementInput,
    methods: Vec<Choice>,
    /// The latest agreement, when there is one.
    previous: Option<String>,
    errors: Errors,
}

impl AgreementFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn agreement_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    input: AgreementInput,
    errors: Errors,
) -> Result<AgreementFormPage, WebError> {
    let t = &ctx.t;
    let plan =
        store::plans::plan_of(&state.db, loaded.case.organisation_id, loaded.case.id).await?;
    let previous = plan.agreement.as_ref().map(|a| {
        let method = a.method().map(|m| method_label(t, m)).unwrap_or_default();
        t.msg_args(
            "plan-agreement-text",
            &[
                ("date", &date_text(a.agreed_on)),
                ("method", &method),
                ("name", a.recorded_by_name.as_deref().unwrap_or("?")),
            ],
        )
    });
    let methods = AgreementMethod::ALL
        .into_iter()
        .map(|m| Choice {
            code: m.as_str().to_owned(),
            label: method_label(t, m),
            selected: m.as_str() == input.method.trim(),
        })
        .collect();
    Ok(AgreementFormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, loaded).await?,
        input,
        methods,
        previous,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn agreement_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<AgreementFormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan_agreement").await?;
    let input =
        AgreementInput { date: domain::cases::form_date(today(&signed_in)), method: String::new() };
    agreement_page(&state, ctx, &loaded, input, vec![]).await
}

pub async fn record_agreement(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let input = AgreementInput { date: get("date"), method: get("method") };
    let agreement = match plans::parse_agreement(&input, today(&signed_in)) {
        Ok(a) => a,
        Err(problems) => {
            let errors = errors_of(&ctx.t, problems);
            let page = agreement_page(&state, ctx, &loaded, input, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let org = loaded.case.organisation_id;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let agreement_id =
        store::plans::record_agreement(&mut tx, org, id, &agreement, me, Ts::now()).await?;
    let event = change_event(
        AuditAction::RecordCreated,
        &signed_in,
        &loaded,
        "plan_agreement",
        agreement_id.as_uuid(),
    );
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/plan?saved=agreement#agreement")).into_response())
}
