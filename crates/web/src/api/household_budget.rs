//! A household's budget under `/api/v1` (ADR 0031), read-only: the latest budget with its
//! lines and counted members, the history of budgets, the debts. The readers of the budget
//! page (workers, supervisors: the person's situation); reception and managers get 404 as the
//! route's rule says. Every read is an audited `person_file_read`.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::HouseholdId;
use domain::audit::AuditAction;
use serde::Serialize;
use store::audit::NewAuditEvent;
use store::budgets::Budget;
use utoipa::ToSchema;
use uuid::Uuid;

use super::case_file::{Failure, record_id};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;

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
    Ok(Json(HouseholdBudget {
        household_id: id.as_uuid(),
        latest,
        history: budgets.iter().map(out).collect(),
        debts,
    })
    .into_response())
}
