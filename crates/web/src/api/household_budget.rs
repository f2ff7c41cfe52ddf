//! A household's budget under `/api/v1` (ADR 0031): the latest budget with its lines and
//! counted members, the history of budgets, the debts; draw up a new budget, add a debt. The
//! readers and writers of the budget page (workers, supervisors read: the person's situation);
//! reception and managers get 404 as the routes' rules say. Every read is an audited
//! `person_file_read`; a budget's figures are computed by the store as for the page.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use domain::budget::{Band, CHARGE_CATEGORIES, counts_by_default};
use domain::lists::ListName;
use domain::{HouseholdId, OrganisationId};
use serde::{Deserialize, Serialize};
use store::Ts;
use store::audit::NewAuditEvent;
use store::budgets::{Budget, Counted, Line, NewBudget, NewDebt, RecordError};
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Ctx, Failure, record_id};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;

/// A monthly amount of a budget.
#[derive(Serialize, ToSchema)]
pub struct LineOut {
    /// `resource` or `charge`.
    pub side: String,
    /// A code of the `resources` list, or a charge category (`rent`, `energy`…).
    pub category: String,
    pub amount_cents: i64,
    /// Counted in the reste à vivre (resources always are).
    pub counts: bool,
}

/// A member as the budget counted them.
#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub person_id: Uuid,
    /// `adult` (14 or over on the budget's date) or `child`.
    pub band: String,
    /// No birth date: the worker said the band.
    pub declared: bool,
    pub shared_custody: bool,
}

/// A budget's figures. Amounts are integer cents; units are hundredths of a consumption unit
/// (OECD-modified scale: 100 first adult, 50 other 14+, 30 under 14, halved in shared custody).
#[derive(Serialize, ToSchema)]
pub struct BudgetOut {
    pub id: Uuid,
    #[schema(format = Date, example = "2026-11-01")]
    pub budget_date: String,
    pub resources_cents: i64,
    /// The charges that counted.
    pub charges_cents: i64,
    pub units_hundredths: i64,
    /// (resources − charges) ÷ units ÷ day_divisor, rounded down to the cent.
    pub per_unit_daily_cents: i64,
    pub day_divisor: i64,
    /// The organisation's threshold on the budget's day (none set: null).
    pub threshold_cents: Option<i64>,
    pub below_threshold: Option<bool>,
    /// Only on the latest budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberOut>>,
}

/// A debt of the household.
#[derive(Serialize, ToSchema)]
pub struct DebtOut {
    pub id: Uuid,
    pub creditor: String,
    pub amount_cents: i64,
    pub monthly_cents: Option<i64>,
    pub plan: Option<String>,
    /// none, file_being_prepared, file_lodged, admissible, plan_agreed, imposed_measures,
    /// personal_recovery.
    pub procedure_status: String,
    #[schema(format = Date)]
    pub settled_on: Option<String>,
    pub version: i64,
}

/// The household's budget file.
#[derive(Serialize, ToSchema)]
pub struct HouseholdBudget {
    pub household_id: Uuid,
    pub latest: Option<BudgetOut>,
    /// Every budget, newest first (the latest included, without its lines).
    pub history: Vec<BudgetOut>,
    pub debts: Vec<DebtOut>,
}

fn out(b: &Budget) -> BudgetOut {
    BudgetOut {
        id: b.id,
        budget_date: b.budget_date.to_string(),
        resources_cents: b.resources_cents,
        charges_cents: b.charges_cents,
        units_hundredths: b.units,
        per_unit_daily_cents: b.per_unit_daily_cents,
        day_divisor: b.day_divisor,
        threshold_cents: b.threshold_cents,
        below_threshold: b.below_threshold(),
        lines: None,
        members: None,
    }
}

/// The household's budget: latest with its lines and members, history, debts. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/households/{household_id}/budget",
    tag = "budgets",
    params(("household_id" = Uuid, Path, description = "The household's id")),
    security(("bearer" = ["persons:read"]), ("session" = [])),
    responses(
        (status = 200, body = HouseholdBudget),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such household in the caller's organisation, or a caller who does not read budgets (reception, managers)"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let id: HouseholdId = record_id(&id)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let mut tx = state.db.begin_write().await.map_err(WebError::from)?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", id.as_uuid())
        .detail("view", "budget");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await.map_err(WebError::from)?;
    Ok(Json(budget_file(&state, org, id).await?).into_response())
}

/// The household's budget file as it now is.
async fn budget_file(
    state: &AppState,
    org: OrganisationId,
    id: HouseholdId,
) -> Result<HouseholdBudget, WebError> {
    let budgets = store::budgets::history(&state.db, org, id).await?;
    let latest = match budgets.first() {
        Some(b) => {
            let mut o = out(b);
            let lines = store::budgets::lines(&state.db, b.id).await?;
            let members = store::budgets::members(&state.db, b.id).await?;
            o.lines = Some(
                lines
                    .into_iter()
                    .map(|l| LineOut {
                        side: l.side,
                        category: l.category,
                        amount_cents: l.amount_cents,
                        counts: l.counts,
                    })
                    .collect(),
            );
            o.members = Some(
                members
                    .into_iter()
                    .map(|m| MemberOut {
                        person_id: m.person_id.as_uuid(),
                        band: m.band,
                        declared: m.declared,
                        shared_custody: m.shared_custody,
                    })
                    .collect(),
            );
            Some(o)
        }
        None => None,
    };
    let debts = store::budgets::debts(&state.db, org, id)
        .await?
        .into_iter()
        .map(|d| DebtOut {
            id: d.id,
            creditor: d.creditor,
            amount_cents: d.amount_cents,
            monthly_cents: d.monthly_cents,
            plan: d.plan,
            procedure_status: d.procedure_status,
            settled_on: d.settled_on.map(|s| s.to_string()),
            version: d.version,
        })
        .collect();
    Ok(HouseholdBudget {
        household_id: id.as_uuid(),
        latest,
        history: budgets.iter().map(out).collect(),
        debts,
    })
}

/// A monthly amount of a new budget. Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct LineIn {
    /// `resource` or `charge`.
    pub side: String,
    /// A code of the organisation's `resources` list, or a charge category: rent, energy,
    /// water, insurance, health_cover, loans, debt_plan, taxes, phone, transport, childcare,
    /// maintenance, food, other.
    pub category: String,
    pub amount_cents: i64,
}

/// How a member counts, when the birth date does not say (no birth date) or for shared custody.
#[derive(Deserialize, ToSchema)]
pub struct MemberIn {
    pub person_id: Uuid,
    /// `adult` or `child`: required for a member without a birth date, ignored otherwise.
    pub band: Option<String>,
    #[serde(default)]
    pub shared_custody: bool,
}

/// A new budget: its day, its lines, and what the members' birth dates do not say.
#[derive(Deserialize, ToSchema)]
pub struct BudgetIn {
    #[schema(format = Date, example = "2026-11-26")]
    pub budget_date: String,
    pub lines: Vec<LineIn>,
    #[serde(default)]
    pub members: Vec<MemberIn>,
    pub note: Option<String>,
}

/// Draws up a new budget of the household (an older one is never replaced): who counts is the
/// household's members on the budget's day, adult or child by their birth date.
#[utoipa::path(
    post,
    path = "/api/v1/households/{household_id}/budgets",
    tag = "budgets",
    params(("household_id" = Uuid, Path, description = "The household's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = BudgetIn,
    responses(
        (status = 201, body = HouseholdBudget, description = "Recorded: the budget file as it now is"),
        (status = 400, body = crate::persons::api::ApiProblem, description = "`invalid_body`"),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such household in the caller's organisation, or a caller who does not draw up budgets"),
        (status = 415, body = crate::persons::api::ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = crate::persons::api::ApiProblem, description = "`validation_failed`: a day unreadable, an unknown category, a negative amount (`lines[i].…`), a member without birth date not said adult or child (`members.<person_id>.band`), a household with nobody to count"),
    )
)]
pub async fn create_budget(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let id: HouseholdId = record_id(&id)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let input: BudgetIn = ctx.body(&headers, &body)?;
    let mut fields = Vec::new();
    let day = domain::persons::parse_date(&input.budget_date).ok().flatten();
    if day.is_none() {
        fields.push(ctx.field_msg("budget-error-date", "budget_date", "invalid"));
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut lines = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let category = l.category.trim();
        let known = match l.side.as_str() {
            "resource" => lists.accepts(ListName::Resources, category, None),
            "charge" => CHARGE_CATEGORIES.contains(&category),
            _ => false,
        };
        if !known {
            fields.push(ctx.field_msg(
                "budget-error-category",
                &format!("lines[{i}].category"),
                "invalid",
            ));
        }
        if l.amount_cents < 0 {
            let field = format!("lines[{i}].amount_cents");
            fields.push(ctx.field_msg("budget-error-negative", &field, "invalid"));
        }
        lines.push(Line {
            side: l.side.clone(),
            category: category.to_owned(),
            label: None,
            amount_cents: l.amount_cents,
            counts: l.side == "resource" || counts_by_default(category),
        });
    }
    let mut counted = Vec::new();
    if let Some(day) = day {
        for m in store::households::members(&state.db, id).await?.iter().filter(|m| m.current(day))
        {
            let said = input.members.iter().find(|s| s.person_id == m.person_id.as_uuid());
            let known = Band::on(m.birth_date, day);
            let band = known.or_else(|| said.and_then(|s| s.band.as_deref()).and_then(Band::parse));
            let Some(band) = band else {
                let name = crate::persons::member_name(m);
                let message = ctx.t.msg_args("budget-error-band", &[("name", &name)]);
                fields.push(ctx.field(
                    &format!("members.{}.band", m.person_id),
                    "invalid",
                    message,
                ));
                continue;
            };
            counted.push(Counted {
                person_id: m.person_id,
                band: band.as_str().into(),
                declared: known.is_none(),
                shared_custody: said.is_some_and(|s| s.shared_custody),
            });
        }
    }
    let (Some(day), true) = (day, fields.is_empty()) else {
        return Err(ctx.invalid(fields));
    };
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let new = NewBudget {
        id: Uuid::now_v7(),
        organisation_id: org,
        household_id: id,
        budget_date: day,
        lines: &lines,
        members: &counted,
        note,
        by: Some(signed_in.actor.user_id),
    };
    let mut tx = state.db.begin_write().await?;
    let b = match store::budgets::record(&mut tx, &new, Ts::now()).await {
        Ok(b) => b,
        Err(RecordError::Budget(e)) => {
            return Err(ctx.invalid(vec![ctx.field_msg(e.code(), "members", "invalid")]));
        }
        Err(RecordError::Store(e)) => return Err(e.into()),
    };
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("budget", b.id)
        .detail("household", id.to_string())
        .detail("via", "api");
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(budget_file(&state, org, id).await?)).into_response())
}

/// A debt of the household. Amounts in cents.
#[derive(Deserialize, ToSchema)]
pub struct DebtIn {
    pub creditor: String,
    pub amount_cents: i64,
    pub monthly_cents: Option<i64>,
    pub plan: Option<String>,
    /// none (left out), file_being_prepared, file_lodged, admissible, plan_agreed,
    /// imposed_measures, personal_recovery.
    pub procedure_status: Option<String>,
}

/// Adds a debt to the household's file.
#[utoipa::path(
    post,
    path = "/api/v1/households/{household_id}/debts",
    tag = "budgets",
    params(("household_id" = Uuid, Path, description = "The household's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = DebtIn,
    responses(
        (status = 201, body = HouseholdBudget, description = "Added: the budget file as it now is"),
        (status = 400, body = crate::persons::api::ApiProblem, description = "`invalid_body`"),
        (status = 404, body = crate::persons::api::ApiProblem, description = "No such household in the caller's organisation, or a caller who does not keep budgets"),
        (status = 415, body = crate::persons::api::ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = crate::persons::api::ApiProblem, description = "`validation_failed`: no creditor, a negative amount, a plan too long, an unknown procedure"),
    )
)]
pub async fn add_debt(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let id: HouseholdId = record_id(&id)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let input: DebtIn = ctx.body(&headers, &body)?;
    let plan = input.plan.unwrap_or_default();
    let procedure = domain::budget::check_debt(
        &input.creditor,
        input.amount_cents,
        input.monthly_cents,
        &plan,
        input.procedure_status.as_deref().unwrap_or(""),
    )
    .map_err(|problems| {
        let fields = problems
            .into_iter()
            .map(|(f, p)| {
                let f = match f {
                    "amount" => "amount_cents",
                    "monthly" => "monthly_cents",
                    "procedure" => "procedure_status",
                    other => other,
                };
                ctx.field(f, "invalid", ctx.t.msg(p.message_id()))
            })
            .collect();
        ctx.invalid(fields)
    })?;
    let plan = plan.trim();
    let new = NewDebt {
        id: Uuid::now_v7(),
        organisation_id: org,
        household_id: id,
        creditor: input.creditor.trim(),
        amount_cents: input.amount_cents,
        monthly_cents: input.monthly_cents,
        plan: (!plan.is_empty()).then_some(plan),
        procedure_status: procedure,
        by: Some(signed_in.actor.user_id),
    };
    let mut tx = state.db.begin_write().await?;
    store::budgets::add_debt(&mut tx, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("debt", new.id)
        .detail("household", id.to_string())
        .detail("via", "api");
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(budget_file(&state, org, id).await?)).into_response())
}
