//! The plan page of a case, and what the plan's pages share: loading a case for reading or
//! writing its plan, the read audit, labels and dates.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::cases::CaseStatus;
use domain::ids::GoalId;
use domain::lists::{ListName, Lists};
use domain::plans::{AgreementMethod, GoalStatus, StepOwner, StepStatus};
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::plans::{Goal, Step};
use time::Date;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// One option of a select, or one box of a group.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// A case whose plan the user may read: its content, by the usual rules or an emergency grant.
pub(super) async fn readable(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

/// A case whose plan the user may change now (not closed: it is reopened first).
pub(super) async fn writable(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.write || loaded.case.status() == CaseStatus::Closed {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

/// Records that the user opened a page of the case's plan (`page`), before showing anything.
pub(super) async fn audit_read(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    loaded: &Loaded,
    page: &str,
) -> Result<(), WebError> {
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(loaded.case.organisation_id))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("page", page)
        .detail("content", true)
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The audit event of a change of the plan of `loaded`'s case: `what` (goal, step, victory,
/// agreement) and its id, never its words.
pub(super) fn change_event(
    action: AuditAction,
    signed_in: &SignedIn,
    loaded: &Loaded,
    what: &str,
    id: uuid::Uuid,
) -> NewAuditEvent {
    NewAuditEvent::new(action, Some(loaded.case.organisation_id))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail(what, id.to_string())
}

pub(super) async fn person_name(state: &AppState, loaded: &Loaded) -> Result<String, WebError> {
    let person =
        store::persons::find(&state.db, loaded.case.organisation_id, loaded.case.person_id)
            .await?
            .ok_or(WebError::NotFound)?;
    Ok(person.record.display_name())
}

/// Today in the organisation's time zone.
pub(super) fn today(signed_in: &SignedIn) -> Date {
    crate::dates::utc_to_local(store::Ts::now(), signed_in.time_zone.as_deref()).date()
}

pub(super) fn date_text(d: Date) -> String {
    domain::persons::french_date(d)
}

/// The life domains a goal may be linked to: the organisation's list.
pub(super) fn domain_choices(t: &Tr, lists: &Lists, chosen: &[String]) -> Vec<Choice> {
    let mut out: Vec<Choice> = lists
        .offered(ListName::LifeDomain)
        .into_iter()
        .map(|v| Choice {
            label: list_label(t, lists, ListName::LifeDomain, &v.code),
            selected: chosen.contains(&v.code),
            code: v.code,
        })
        .collect();
    // A domain the organisation hid since stays on the goals that have it.
    for code in chosen {
        if domain::lists::valid_code(code) && !out.iter().any(|o| &o.code == code) {
            out.push(Choice {
                label: list_label(t, lists, ListName::LifeDomain, code),
                code: code.clone(),
                selected: true,
            });
        }
    }
    out
}

pub(super) fn domain_label(t: &Tr, lists: &Lists, code: &str) -> String {
    list_label(t, lists, ListName::LifeDomain, code)
}

pub(super) fn goal_status_label(t: &Tr, s: GoalStatus) -> String {
    t.msg(&format!("plan-goal-status-{}", s.as_str()))
}

pub(super) fn step_status_label(t: &Tr, s: StepStatus) -> String {
    t.msg(&format!("plan-step-status-{}", s.as_str()))
}

pub(super) fn method_label(t: &Tr, m: AgreementMethod) -> String {
    t.msg(&format!("plan-agreement-method-{}", m.as_str()))
}

/// Who does a step, in words: "the person", "the worker", "a partner: CAF".
pub(super) fn owner_text(t: &Tr, owner: StepOwner, partner: Option<&str>) -> String {
    match (owner, partner) {
        (StepOwner::Partner, Some(name)) => {
            t.msg_args("plan-step-owner-partner-named", &[("name", name)])
        }
        _ => t.msg(&format!("plan-step-owner-{}", owner.as_str())),
    }
}

/// A step as a page shows it.
pub struct StepView {
    pub id: domain::ids::StepId,
    pub action: String,
    pub owner: String,
    pub due: Option<String>,
    pub overdue: bool,
    pub status: String,
    pub status_code: &'static str,
}

pub(super) fn step_view(t: &Tr, s: &Step, today: Date) -> StepView {
    StepView {
        id: s.id,
        action: s.action.clone(),
        owner: owner_text(t, s.owner(), s.partner_name.as_deref()),
        due: s.due_on.map(date_text),
        overdue: s.overdue(today),
        status: step_status_label(t, s.status()),
        status_code: s.status().as_str(),
    }
}

/// A goal as the plan page shows it.
pub struct GoalView {
    pub id: GoalId,
    pub position: usize,
    pub person_words: String,
    pub worker_words: Option<String>,
    pub domains: String,
    pub status: String,
    pub status_code: &'static str,
    pub steps: Vec<StepView>,
}

pub struct VictoryView {
    pub date: String,
    pub words: String,
    /// The goal it belongs to, in the person's words.
    pub goal: Option<String>,
    pub by: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/plan.html")]
pub struct PlanPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    goals: Vec<GoalView>,
    victories: Vec<VictoryView>,
    /// "Agreed on … (signed on paper), recorded by …".
    agreement: Option<String>,
    changed_since_agreement: bool,
    can_write: bool,
    notice: Option<String>,
    emergency: bool,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<PlanQuery>,
) -> Result<PlanPage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "plan").await?;
    let org = loaded.case.organisation_id;
    let plan = store::plans::plan_of(&state.db, org, id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let today = today(&signed_in);
    let goal_words = |g: Option<uuid::Uuid>| {
        g.and_then(|g| plan.goals.iter().find(|x| x.id.as_uuid() == g))
            .map(|g: &Goal| g.person_words.clone())
    };
    let goals = plan
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| GoalView {
            id: g.id,
            position: i + 1,
            person_words: g.person_words.clone(),
            worker_words: g.worker_words.clone(),
            domains: g
                .domains
                .iter()
                .map(|d| domain_label(t, &lists, d))
                .collect::<Vec<_>>()
                .join(", "),
            status: goal_status_label(t, g.status()),
            status_code: g.status().as_str(),
            steps: g.steps.iter().map(|s| step_view(t, s, today)).collect(),
        })
        .collect();
    let victories = plan
        .victories
        .iter()
        .map(|v| VictoryView {
            date: date_text(v.occurred_on),
            words: v.person_words.clone(),
            goal: goal_words(v.goal_id),
            by: v.recorded_by_name.clone(),
        })
        .collect();
    let agreement = plan.agreement.as_ref().map(|a| {
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
    let notice = match q.saved.as_deref() {
        Some(
            code @ ("goal-added" | "goal-changed" | "step-added" | "step-changed" | "victory"
            | "agreement" | "unchanged"),
        ) => Some(t.msg(&format!("plan-notice-{code}"))),
        _ => None,
    };
    Ok(PlanPage {
        case_id: id,
        person_name: person_name(&state, &loaded).await?,
        goals,
        victories,
        changed_since_agreement: plan.changed_since_agreement(),
        agreement,
        can_write: loaded.access.write && loaded.case.status() != CaseStatus::Closed,
        notice,
        emergency: loaded.access.emergency,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}
