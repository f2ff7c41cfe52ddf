//! The budget page of a household: the latest budget's figures and lines, the history, the
//! debts with the form that adds one and the buttons that move one on.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::budget::{DEBT_PROCEDURES, format_units};
use domain::lists::{ListName, Lists};
use domain::money::{Style, format_cents, parse_cents};
use domain::persons::{french_date, parse_date};
use domain::policy::BUDGET_WRITERS;
use domain::{HouseholdId, OrganisationId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::budgets::{Debt, NewDebt, Summary};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

pub(super) fn style(t: &Tr) -> Style {
    t.money_style()
}

/// The household, if it is the organisation's.
pub(super) async fn household(
    state: &AppState,
    org: OrganisationId,
    id: HouseholdId,
) -> Result<(), WebError> {
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    Ok(())
}

/// The household's current members' names, reference person first.
pub(super) async fn names(state: &AppState, id: HouseholdId) -> Result<String, WebError> {
    let today = time::OffsetDateTime::now_utc().date();
    let members = store::households::members(&state.db, id).await?;
    Ok(members
        .iter()
        .filter(|m| m.current(today))
        .map(crate::persons::member_name)
        .collect::<Vec<_>>()
        .join(", "))
}

/// A money or other problem with a field, in the reader's language.
pub(super) fn money_problem(t: &Tr, e: domain::money::MoneyError) -> String {
    t.msg(&format!("budget-error-{}", e.code()))
}

/// A budget in the history table.
pub struct BudgetRow {
    pub date: String,
    pub resources: String,
    pub charges: String,
    pub units: String,
    pub daily: String,
    /// Said in words: below, not below, no threshold.
    pub standing: String,
    pub below: bool,
}

/// A budget in a few figures, as its page and the aid request show it.
pub(crate) fn budget_row(t: &Tr, b: &Summary) -> BudgetRow {
    let s = style(t);
    let standing = match b.below_threshold {
        Some(true) => t.msg_args(
            "budget-below",
            &[("threshold", &format_cents(b.threshold_cents.unwrap_or_default(), s))],
        ),
        Some(false) => t.msg_args(
            "budget-not-below",
            &[("threshold", &format_cents(b.threshold_cents.unwrap_or_default(), s))],
        ),
        None => t.msg("budget-no-threshold"),
    };
    BudgetRow {
        date: french_date(b.budget_date),
        resources: format_cents(b.resources_cents, s),
        charges: format_cents(b.charges_cents, s),
        units: format_units(u32::try_from(b.units).unwrap_or_default(), s),
        daily: format_cents(b.per_unit_daily_cents, s),
        standing,
        below: b.below_threshold == Some(true),
    }
}

/// A line of the latest budget.
pub struct LineRow {
    pub label: String,
    pub amount: String,
    pub counts: bool,
}

pub struct DebtRow {
    pub id: Uuid,
    pub version: i64,
    pub creditor: String,
    pub amount: String,
    pub monthly: String,
    pub plan: String,
    pub procedure: String,
    pub procedure_code: String,
    pub settled: String,
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

fn procedure_choices(t: &Tr, selected: &str) -> Vec<Choice> {
    DEBT_PROCEDURES
        .into_iter()
        .map(|code| Choice {
            code,
            label: t.msg(&format!("budget-procedure-{code}")),
            selected: code == selected,
        })
        .collect()
}

fn line_label(t: &Tr, lists: &Lists, side: &str, category: &str) -> String {
    if side == "resource" {
        crate::persons::list_label(t, lists, ListName::Resources, category)
    } else {
        t.msg(&format!("budget-charge-{category}"))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DebtForm {
    #[serde(default)]
    creditor: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    monthly: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    procedure: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "budgets/show.html")]
pub struct BudgetPage {
    chrome: Chrome,
    household_href: String,
    names: String,
    latest: Option<BudgetRow>,
    monthly: String,
    per_unit_monthly: String,
    note: Option<String>,
    resources: Vec<LineRow>,
    charges: Vec<LineRow>,
    history: Vec<BudgetRow>,
    debts: Vec<DebtRow>,
    owed_total: String,
    can_write: bool,
    debt: DebtForm,
    procedures: Vec<Choice>,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
}

impl BudgetPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn procedures_for(&self, selected: &str) -> Vec<Choice> {
        procedure_choices(&self.chrome.t, selected)
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: HouseholdId,
    debt: DebtForm,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
) -> Result<BudgetPage, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let s = style(t);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let budgets = store::budgets::history(&state.db, org, id).await?;
    let (mut resources, mut charges) = (vec![], vec![]);
    let (mut monthly, mut per_unit_monthly, mut note) = (String::new(), String::new(), None);
    if let Some(b) = budgets.first() {
        for l in store::budgets::lines(&state.db, b.id).await? {
            let row = LineRow {
                label: line_label(t, &lists, &l.side, &l.category),
                amount: format_cents(l.amount_cents, s),
                counts: l.counts,
            };
            if l.side == "resource" { resources.push(row) } else { charges.push(row) }
        }
        let m = b.resources_cents - b.charges_cents;
        monthly = format_cents(m, s);
        per_unit_monthly = format_cents((m * 100).div_euclid(b.units.max(1)), s);
        note = b.note.clone();
    }
    let debts: Vec<Debt> = store::budgets::debts(&state.db, org, id).await?;
    let owed: i64 = debts.iter().filter(|d| d.settled_on.is_none()).map(|d| d.amount_cents).sum();
    let procedures =
        procedure_choices(t, if debt.procedure.is_empty() { "none" } else { &debt.procedure });
    Ok(BudgetPage {
        household_href: format!("/households/{id}"),
        names: names(state, id).await?,
        latest: budgets.first().map(|b| budget_row(t, &b.summary())),
        monthly,
        per_unit_monthly,
        note,
        resources,
        charges,
        history: budgets.iter().map(|b| budget_row(t, &b.summary())).collect(),
        debts: debts
            .iter()
            .map(|d| DebtRow {
                id: d.id,
                version: d.version,
                creditor: d.creditor.clone(),
                amount: format_cents(d.amount_cents, s),
                monthly: d.monthly_cents.map(|c| format_cents(c, s)).unwrap_or_default(),
                plan: d.plan.clone().unwrap_or_default(),
                procedure: t.msg(&format!("budget-procedure-{}", d.procedure_status)),
                procedure_code: d.procedure_status.clone(),
                settled: d.settled_on.map(french_date).unwrap_or_default(),
            })
            .collect(),
        owed_total: format_cents(owed, s),
        can_write: crate::chrome::allows(BUDGET_WRITERS, signed_in),
        debt,
        procedures,
        errors,
        notice,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// Records that the household's budget was read (money is part of the person's file).
async fn audit_read(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    id: HouseholdId,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", id.as_uuid())
        .detail("view", "budget");
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
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
    Path(id): Path<HouseholdId>,
    Query(q): Query<ShowQuery>,
) -> Result<BudgetPage, WebError> {
    let org = organisation(&signed_in)?;
    household(&state, org, id).await?;
    audit_read(&state, &meta, &signed_in, id).await?;
    let notice = match q.done.as_deref() {
        Some("budget") => Some(ctx.t.msg("budget-recorded")),
        Some("debt") => Some(ctx.t.msg("budget-debt-recorded")),
        Some("debt-changed") => Some(ctx.t.msg("budget-debt-changed")),
        _ => None,
    };
    page(&state, ctx, &signed_in, id, DebtForm::default(), vec![], notice).await
}

/// Adds a debt to the household's file.
pub async fn add_debt(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    Form(form): Form<DebtForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    household(&state, org, id).await?;
    let t = &ctx.t;
    let s = style(t);
    let mut errors: Vec<(&'static str, String)> = vec![];
    let mut cents = |name: &'static str, text: &str| match parse_cents(text, s) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push((name, money_problem(t, e)));
            None
        }
    };
    let amount = cents("amount", &form.amount);
    let monthly = match form.monthly.trim() {
        "" => Some(None),
        typed => cents("monthly", typed).map(Some),
    };
    let checked = domain::budget::check_debt(
        &form.creditor,
        amount.unwrap_or(0),
        monthly.flatten(),
        &form.plan,
        &form.procedure,
    );
    let procedure = match checked {
        Ok(p) => Some(p),
        Err(problems) => {
            errors.extend(problems.into_iter().map(|(f, p)| (f, t.msg(p.message_id()))));
            None
        }
    };
    let (Some(amount), Some(monthly), Some(procedure), true) =
        (amount, monthly, procedure, errors.is_empty())
    else {
        // Read again to show the page with what was typed: audited like any view.
        audit_read(&state, &meta, &signed_in, id).await?;
        let page = page(&state, ctx, &signed_in, id, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let creditor = form.creditor.trim();
    let plan = form.plan.trim();
    let new = NewDebt {
        id: Uuid::now_v7(),
        organisation_id: org,
        household_id: id,
        creditor,
        amount_cents: amount,
        monthly_cents: monthly,
        plan: (!plan.is_empty()).then_some(plan),
        procedure_status: procedure,
        by: Some(signed_in.actor.user_id),
    };
    let mut tx = state.db.begin_write().await?;
    store::budgets::add_debt(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("debt", new.id)
        .detail("household", id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/households/{id}/budget?done=debt#debts")).into_response())
}

/// Moves a debt's procedure on, or records it settled today.
pub async fn change_debt(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    household(&state, org, id).await?;
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    // A debt id that names none of this household's debts (another household's, another
    // organisation's, none at all) is refused like a bad procedure: nothing tells them apart.
    let debt: Option<Uuid> = field("debt_id").parse().ok();
    let version: i64 = field("version").parse().unwrap_or_default();
    let known = store::budgets::debts(&state.db, org, id).await?;
    let procedure = field("procedure");
    let settled = match field("settled_on") {
        "" => None,
        typed => parse_date(typed).ok().flatten(),
    };
    let valid = DEBT_PROCEDURES.contains(&procedure)
        && (field("settled_on").is_empty() || settled.is_some());
    let Some(current) = known.iter().find(|d| Some(d.id) == debt).filter(|_| valid) else {
        let msg = ctx.t.msg("budget-error-procedure");
        audit_read(&state, &meta, &signed_in, id).await?;
        let page =
            page(&state, ctx, &signed_in, id, DebtForm::default(), vec![("debts", msg)], None)
                .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin_write().await?;
    let ok = store::budgets::update_debt(
        &mut tx,
        org,
        current.id,
        version,
        procedure,
        settled,
        Ts::now(),
    )
    .await?;
    if !ok {
        drop(tx);
        let msg = ctx.t.msg("budget-debt-conflict");
        audit_read(&state, &meta, &signed_in, id).await?;
        let page =
            page(&state, ctx, &signed_in, id, DebtForm::default(), vec![("debts", msg)], None)
                .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("debt", current.id)
        .detail("household", id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/households/{id}/budget?done=debt-changed#debts")).into_response())
}
