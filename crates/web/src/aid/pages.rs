//! A case's aid requests: the list, the form to prepare one, a request's page with its
//! checklist, its steps, the moves, the decision (types decided by a worker or a manager) and
//! the payment.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::aid::{
    self as rules, DecidedBy, DecisionInput, Payee, PaymentInput, RequestInput, Status,
};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::policy::{self, AidAccess};
use serde::Deserialize;
use store::Ts;
use store::aid::{AidRequest, NewRequest};
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::{
    Choice, amount, case_of, list_choices, notice, organisation, problem, readable, status_label,
    style, type_label,
};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

type Errors = Vec<(&'static str, String)>;

pub(super) async fn person_name(
    state: &AppState,
    signed_in: &SignedIn,
    case: &store::cases::Case,
) -> Result<String, WebError> {
    let org = organisation(signed_in)?;
    Ok(store::persons::find(&state.db, org, case.person_id)
        .await?
        .map(|p| p.record.display_name())
        .unwrap_or_default())
}

/// A request in a list.
pub struct RowView {
    pub id: Uuid,
    pub aid_type: String,
    pub requested_on: String,
    pub asked: String,
    pub granted: String,
    pub status: String,
}

fn row(t: &Tr, lists: &Lists, r: &AidRequest) -> RowView {
    RowView {
        id: r.id,
        aid_type: type_label(t, lists, &r.aid_type),
        requested_on: domain::persons::french_date(r.requested_on),
        asked: amount(t, r.asked_cents),
        granted: amount(t, r.granted_cents),
        status: status_label(t, r.status()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/case.html")]
pub struct CasePage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    rows: Vec<RowView>,
    can_write: bool,
}

pub async fn of_case(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
) -> Result<CasePage, WebError> {
    let (loaded, access) = case_of(&state, &signed_in, case_id).await?;
    let org = organisation(&signed_in)?;
    let list = store::aid::of_case(&state.db, org, case_id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    read_event(&state, &meta, &signed_in, &loaded, "aid_requests".into()).await?;
    Ok(CasePage {
        case_id,
        person_name: person_name(&state, &signed_in, &loaded.case).await?,
        rows: list.iter().map(|r| row(&ctx.t, &lists, r)).collect(),
        can_write: access.write,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

/// Every read of aid requests is a reading of the case's file.
async fn read_event(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    loaded: &crate::cases::Loaded,
    what: String,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("aid", what)
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The form.

#[derive(Template, WebTemplate)]
#[template(path = "aid/form.html")]
pub struct FormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    typed: RequestInput,
    types: Vec<Choice>,
    errors: Errors,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn writable(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
) -> Result<crate::cases::Loaded, WebError> {
    let (loaded, access) = case_of(state, signed_in, case).await?;
    if !access.write {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &crate::cases::Loaded,
    typed: RequestInput,
    errors: Errors,
) -> Result<FormPage, WebError> {
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let types = list_choices(&ctx.t, &lists, ListName::AidType, &typed.aid_type);
    Ok(FormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, signed_in, &loaded.case).await?,
        typed,
        types,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(rename = "type")]
    aid_type: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let typed = RequestInput {
        aid_type: q.aid_type.unwrap_or_default(),
        requested_on: domain::persons::french_date(today),
        ..Default::default()
    };
    form_page(&state, ctx, &signed_in, &loaded, typed, vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let typed = RequestInput {
        aid_type: get("aid_type"),
        requested_on: get("requested_on"),
        asked: get("asked"),
        presentation: get("presentation"),
    };
    let parsed = super::check_request(&state, &signed_in, org, &typed, style(&ctx.t)).await?;
    let fields = match parsed {
        Ok(f) => f,
        Err(problems) => {
            let errors = problems.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect();
            let page = form_page(&state, ctx, &signed_in, &loaded, typed, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let new = NewRequest {
        organisation_id: org,
        case_id,
        person_id: loaded.case.person_id,
        fields: &fields,
        by: me,
    };
    let id = store::aid::create(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("aid_request", id)
        .detail("case", case_id.to_string())
        .detail("aid_type", fields.aid_type.clone());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/{id}?done=created")).into_response())
}

// ---------------------------------------------------------------------------------------------
// A request's page.

/// One required document: its type, and whether the person's file has one.
pub struct CheckView {
    pub label: String,
    pub present: bool,
}

pub struct StepView {
    pub status: String,
    pub when: String,
    pub by: String,
    pub note: Option<String>,
}

/// What the forms of the page hold (as typed after a refusal).
#[derive(Default)]
pub struct Typed {
    pub decision: DecisionInput,
    pub payment: PaymentInput,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    case_id: CaseId,
    person_id: domain::PersonId,
    person_name: String,
    reference: String,
    aid_type: String,
    kind: String,
    deciders: String,
    status: String,
    requested_on: String,
    asked: String,
    presentation: String,
    session: Option<(Uuid, String)>,
    granted: String,
    refusal_reason: Option<String>,
    decision_comment: Option<String>,
    decided: Option<String>,
    payment: Option<String>,
    checklist: Vec<CheckView>,
    missing: usize,
    steps: Vec<StepView>,
    moves: Vec<Choice>,
    /// The link to correct it, while it may be.
    can_edit: bool,
    version: i64,
    can_upload: bool,
    /// The decision form, with its outcomes, when the user may decide now.
    outcomes: Vec<Choice>,
    reasons: Vec<Choice>,
    methods: Vec<Choice>,
    payees: Vec<Choice>,
    can_pay: bool,
    letter: bool,
    /// The household's latest budget (its page, its figures), for those who read budgets.
    budget: Option<(String, crate::budgets::pages::BudgetRow)>,
    /// The household to draw a budget up for, when it has none yet and the user may.
    budget_missing: Option<String>,
    typed: Typed,
    notice: Option<String>,
    errors: Errors,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// The outcomes a decision may have: in a commission, adjourning too.
pub(crate) fn outcome_choices(t: &Tr, commission: bool, current: &str) -> Vec<Choice> {
    let mut all = vec![Status::Accepted, Status::PartlyAccepted, Status::Refused];
    if commission {
        all.push(Status::Adjourned);
    }
    all.into_iter()
        .map(|s| Choice {
            code: s.as_str().into(),
            label: t.msg(&format!("aid-outcome-{}", s.as_str())),
            selected: current == s.as_str(),
        })
        .collect()
}

/// The required document types, with whether the person's file has one that has not expired.
pub(crate) async fn checklist(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    r: &AidRequest,
    required: &[String],
    today: time::Date,
) -> Result<Vec<CheckView>, WebError> {
    let docs = store::documents::of_person(&state.db, r.organisation_id, r.person_id).await?;
    let present: Vec<String> = docs
        .into_iter()
        .filter(|d| d.expires_on.is_none_or(|e| e >= today))
        .map(|d| d.type_code)
        .collect();
    let missing = rules::missing_documents(required, &present);
    Ok(required
        .iter()
        .map(|code| CheckView {
            label: list_label(t, lists, ListName::DocumentType, code),
            present: !missing.contains(code),
        })
        .collect())
}

fn may_decide_now(access: &AidAccess, r: &AidRequest, decided_by: DecidedBy) -> bool {
    policy::may_decide_aid(access, decided_by) && rules::may_decide(r.status(), decided_by)
}

/// The household whose budget the deciders weigh: the case's, else the person's current one;
/// its latest budget in a few figures. Only for those who read budgets (not reception, not
/// managers: ADR 0031), and only when there is a household.
async fn household_budget(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    case: &store::cases::Case,
) -> Result<(Option<(String, crate::budgets::pages::BudgetRow)>, Option<String>), WebError> {
    if !crate::chrome::allows(domain::policy::BUDGET_READERS, signed_in) {
        return Ok((None, None));
    }
    let org = organisation(signed_in)?;
    let household = match case.household_id {
        Some(h) => Some(domain::HouseholdId::from_uuid(h)),
        None => store::households::of_person(&state.db, org, case.person_id)
            .await?
            .into_iter()
            .find(|m| m.person_id == case.person_id && m.to_date.is_none())
            .map(|m| m.household_id),
    };
    let Some(household) = household else { return Ok((None, None)) };
    let href = format!("/households/{household}/budget");
    Ok(match store::budgets::latest_summary(&state.db, org, household).await? {
        Some(summary) => (Some((href, crate::budgets::pages::budget_row(t, &summary))), None),
        None => (None, Some(href)),
    })
}

pub(super) async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: Uuid,
    typed: Typed,
    errors: Errors,
    done: Option<&str>,
) -> Result<ShowPage, WebError> {
    let (r, loaded, access) = readable(state, signed_in, id).await?;
    let t = &ctx.t;
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let checklist = checklist(state, t, &lists, &r, &type_rules.required_documents, today).await?;
    let mut typed = typed;
    if typed.payment.paid_on.is_empty() {
        typed.payment.paid_on = domain::persons::french_date(today);
    }
    let steps = store::aid::steps(&state.db, r.id).await?;
    let (budget, budget_missing) = household_budget(state, t, signed_in, &loaded.case).await?;
    let status = r.status();
    let moves = if access.write { rules::next(status, type_rules.decided_by) } else { vec![] };
    let decides = may_decide_now(&access, &r, type_rules.decided_by);
    let outcome = typed.decision.outcome.clone();
    let reason = typed.decision.reason.clone();
    let method = typed.payment.method.clone();
    let payee = typed.payment.payee.clone();
    let decided = r.decided_at.map(|at| {
        t.msg_args(
            "aid-decided-on",
            &[
                ("date", &crate::dates::for_user(at, signed_in)),
                ("name", r.decided_by_name.as_deref().unwrap_or("")),
            ],
        )
    });
    let payment = r.paid_on.map(|on| {
        let payee = r.payee.as_deref().unwrap_or("person");
        let method = r.payment_method.as_deref().unwrap_or("");
        t.msg_args(
            "aid-paid-text",
            &[
                ("date", &domain::persons::french_date(on)),
                ("amount", &amount(t, r.granted_cents)),
                ("method", &list_label(t, &lists, ListName::PaymentMethod, method)),
                ("payee", &t.msg(&format!("aid-payee-{payee}"))),
                ("name", r.payee_name.as_deref().unwrap_or("")),
            ],
        )
    });
    Ok(ShowPage {
        id: r.id,
        case_id: r.case_id,
        person_id: r.person_id,
        person_name: person_name(state, signed_in, &loaded.case).await?,
        reference: r.reference(),
        aid_type: type_label(t, &lists, &r.aid_type),
        kind: t.msg(&format!("aid-kind-{}", rules::kind(&r.aid_type).as_str())),
        deciders: match type_rules.deciders.trim() {
            "" => t.msg(&format!("aid-decided-by-{}", type_rules.decided_by.as_str())),
            own => own.to_owned(),
        },
        status: status_label(t, status),
        requested_on: domain::persons::french_date(r.requested_on),
        asked: amount(t, r.asked_cents),
        presentation: r.presentation.clone(),
        session: r.session_id.zip(r.session_title.clone()),
        granted: amount(t, r.granted_cents),
        refusal_reason: r
            .refusal_reason
            .as_deref()
            .map(|c| list_label(t, &lists, ListName::AidRefusalReason, c)),
        decision_comment: r.decision_comment.clone(),
        decided,
        payment,
        missing: checklist.iter().filter(|c| !c.present).count(),
        checklist,
        steps: steps
            .iter()
            .map(|s| StepView {
                status: Status::parse(&s.status).map(|st| status_label(t, st)).unwrap_or_default(),
                when: crate::dates::for_user(s.at, signed_in),
                by: s.by_name.clone().unwrap_or_default(),
                note: s.note.clone(),
            })
            .collect(),
        moves: moves
            .into_iter()
            .map(|m| Choice {
                code: m.as_str().into(),
                label: t.msg(&format!("aid-move-{}", m.as_str())),
                selected: false,
            })
            .collect(),
        can_edit: access.write && rules::may_edit(status),
        version: r.version,
        can_upload: access.write && signed_in.actor.role().is_some(),
        outcomes: if decides { outcome_choices(t, false, &outcome) } else { vec![] },
        reasons: list_choices(t, &lists, ListName::AidRefusalReason, &reason),
        methods: list_choices(t, &lists, ListName::PaymentMethod, &method),
        payees: Payee::ALL
            .iter()
            .map(|p| Choice {
                code: p.as_str().into(),
                label: t.msg(&format!("aid-payee-{}", p.as_str())),
                selected: payee == p.as_str(),
            })
            .collect(),
        can_pay: access.write && rules::may_pay(status),
        letter: status.is_decision() || status == Status::Paid,
        budget,
        budget_missing,
        typed,
        notice: notice(t, done),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, WebError> {
    let (r, loaded, _) = readable(&state, &signed_in, id).await?;
    read_event(&state, &meta, &signed_in, &loaded, r.id.to_string()).await?;
    show_page(&state, ctx, &signed_in, id, Typed::default(), vec![], q.done.as_deref()).await
}

#[derive(Deserialize, Default)]
pub struct MoveForm {
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub version: i64,
}

pub(super) fn audit_update(
    org: domain::OrganisationId,
    me: domain::UserId,
    id: Uuid,
    status: Status,
) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("aid_request", id)
        .detail("status", status.as_str())
}

pub async fn move_to(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<MoveForm>,
) -> Result<Response, WebError> {
    let (r, _, access) = readable(&state, &signed_in, id).await?;
    if !access.write {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let type_rules = store::aid::rules(&state.db, org, &r.aid_type).await?;
    let Some(to) = Status::parse(&form.to)
        .filter(|to| rules::may_move(r.status(), *to, type_rules.decided_by))
    else {
        let errors = vec![("moves", ctx.t.msg("aid-error-move"))];
        let page = show_page(&state, ctx, &signed_in, id, Typed::default(), errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::aid::move_to(&mut tx, &r, form.version, to, me, Ts::now()).await? {
        return Ok(Redirect::to(&format!("/aid/{id}?done=stale")).into_response());
    }
    audit_trail::record(&mut tx, &meta, audit_update(org, me, id, to)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/aid/{id}?done=moved")).into_response())
}
