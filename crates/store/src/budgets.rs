//! Household budgets and debts (ADR 0031). A budget is a dated version: recording a new one
//! never changes an older one, so the household's history of budgets stays readable. Each
//! keeps its lines, the composition it counted and the figures computed when it was recorded
//! ([`domain::budget::figures`]), with the organisation's threshold of that day.

use domain::budget::{self, Band, BudgetError, Occupant};
use domain::{HouseholdId, OrganisationId, PersonId, UserId};
use time::Date;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// Which side of the budget a line is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Resource,
    Charge,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Resource => "resource",
            Side::Charge => "charge",
        }
    }
}

/// A monthly amount of a budget.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Line {
    pub side: String,
    pub category: String,
    pub label: Option<String>,
    pub amount_cents: i64,
    /// Counted in the *reste à vivre* (resources always count).
    pub counts: bool,
}

/// A household member as the budget counted them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Counted {
    #[sqlx(try_from = "Uuid")]
    pub person_id: PersonId,
    pub band: String,
    /// No birth date: the worker said adult or child.
    pub declared: bool,
    pub shared_custody: bool,
}

impl Counted {
    fn occupant(&self) -> Occupant {
        Occupant {
            band: Band::parse(&self.band).unwrap_or(Band::Adult),
            shared_custody: self.shared_custody,
        }
    }
}

/// A budget to record.
pub struct NewBudget<'a> {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub household_id: HouseholdId,
    pub budget_date: Date,
    pub lines: &'a [Line],
    /// The reference person first: the first adult living there full time counts 1.
    pub members: &'a [Counted],
    pub note: Option<&'a str>,
    pub by: Option<UserId>,
}

/// A recorded budget's figures: one row of the household's history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Budget {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub household_id: HouseholdId,
    pub budget_date: Date,
    pub resources_cents: i64,
    pub charges_cents: i64,
    /// Consumption units in hundredths.
    pub units: i64,
    pub per_unit_daily_cents: i64,
    pub day_divisor: i64,
    pub threshold_cents: Option<i64>,
    pub note: Option<String>,
    pub created_at: Ts,
}

impl Budget {
    /// Below the organisation's threshold of the budget's day (`None`: no threshold was set).
    pub fn below_threshold(&self) -> Option<bool> {
        budget::below_threshold(self.per_unit_daily_cents, self.threshold_cents)
    }

    /// What the aid request and other features show of a household's budget.
    pub fn summary(&self) -> Summary {
        Summary {
            budget_id: self.id,
            budget_date: self.budget_date,
            resources_cents: self.resources_cents,
            charges_cents: self.charges_cents,
            units: self.units,
            per_unit_daily_cents: self.per_unit_daily_cents,
            threshold_cents: self.threshold_cents,
            below_threshold: self.below_threshold(),
        }
    }
}

/// A household's latest budget in a few figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub budget_id: Uuid,
    pub budget_date: Date,
    pub resources_cents: i64,
    /// The charges that counted.
    pub charges_cents: i64,
    /// Consumption units in hundredths.
    pub units: i64,
    pub per_unit_daily_cents: i64,
    pub threshold_cents: Option<i64>,
    pub below_threshold: Option<bool>,
}

/// The organisation's budget settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Settings {
    /// Reste à vivre per consumption unit per day below which a household is flagged.
    pub budget_threshold_cents: Option<i64>,
    pub budget_day_divisor: i64,
}

/// Why a budget was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("budget: {}", .0.code())]
    Budget(BudgetError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for RecordError {
    fn from(e: sqlx::Error) -> Self {
        RecordError::Store(e.into())
    }
}

#[tracing::instrument(skip_all)]
pub async fn settings<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Settings, StoreError> {
    Ok(sql!(
        as Settings,
        fetch_one,
        exec,
        "SELECT budget_threshold_cents, budget_day_divisor FROM organisations WHERE id = $1",
        organisation_id.as_uuid(),
    )?)
}

/// Sets the organisation's threshold (none: `None`) and day divisor.
#[tracing::instrument(skip_all)]
pub async fn update_settings<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    s: Settings,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE organisations SET budget_threshold_cents = $2, budget_day_divisor = $3, \
         updated_at = $4 WHERE id = $1",
        organisation_id.as_uuid(),
        s.budget_threshold_cents,
        s.budget_day_divisor.max(1),
        now,
    )?;
    Ok(())
}

/// The figures `new` gives with the organisation's settings, without recording anything (the
/// form's preview and [`record`] use the same computation).
pub fn compute(new: &NewBudget<'_>, s: Settings) -> Result<budget::Figures, BudgetError> {
    let resources = new.lines.iter().filter(|l| l.side == "resource").map(|l| l.amount_cents);
    let charges =
        new.lines.iter().filter(|l| l.side == "charge" && l.counts).map(|l| l.amount_cents);
    let occupants: Vec<Occupant> = new.members.iter().map(Counted::occupant).collect();
    budget::figures(resources.sum(), charges.sum(), &occupants, s.budget_day_divisor)
}

/// Records a budget with its lines and members, figures computed here with the organisation's
/// current settings.
#[tracing::instrument(skip_all)]
pub async fn record(
    tx: &mut crate::Tx,
    new: &NewBudget<'_>,
    now: Ts,
) -> Result<Budget, RecordError> {
    let s = settings(&mut *tx, new.organisation_id).await?;
    let f = compute(new, s).map_err(RecordError::Budget)?;
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO budgets (id, organisation_id, household_id, budget_date, resources_cents, \
         charges_cents, units, per_unit_daily_cents, day_divisor, threshold_cents, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        new.id,
        new.organisation_id.as_uuid(),
        new.household_id.as_uuid(),
        new.budget_date,
        f.resources_cents,
        f.charges_cents,
        i64::from(f.units),
        f.per_unit_daily_cents,
        s.budget_day_divisor,
        s.budget_threshold_cents,
        new.note,
        new.by.map(|u| u.as_uuid()),
        now,
    )?;
    for (i, l) in new.lines.iter().enumerate() {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO budget_lines (budget_id, position, side, category, label, amount_cents, \
             counts) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            new.id,
            i as i64,
            l.side.as_str(),
            l.category.as_str(),
            l.label.as_deref(),
            l.amount_cents,
            l.side == "resource" || l.counts,
        )?;
    }
    for m in new.members {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO budget_members (budget_id, person_id, band, declared, shared_custody) \
             VALUES ($1, $2, $3, $4, $5)",
            new.id,
            m.person_id.as_uuid(),
            m.band.as_str(),
            m.declared,
            m.shared_custody,
        )?;
    }
    find(&mut *tx, new.organisation_id, new.id)
        .await?
        .ok_or(RecordError::Store(StoreError::Database(sqlx::Error::RowNotFound)))
}

macro_rules! budget_select {
    () => {
        "SELECT id, household_id, budget_date, resources_cents, charges_cents, units, \
         per_unit_daily_cents, day_divisor, threshold_cents, note, created_at FROM budgets "
    };
}

/// A budget of the organisation.
#[tracing::instrument(skip_all)]
pub async fn find<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
) -> Result<Option<Budget>, StoreError> {
    Ok(sql!(
        as Budget,
        fetch_optional,
        exec,
        concat!(budget_select!(), "WHERE organisation_id = $1 AND id = $2"),
        organisation_id.as_uuid(),
        id,
    )?)
}

/// The household's budgets, newest first (by date, then by recording).
#[tracing::instrument(skip_all)]
pub async fn history<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    household_id: HouseholdId,
) -> Result<Vec<Budget>, StoreError> {
    Ok(sql!(
        as Budget,
        fetch_all,
        exec,
        concat!(
            budget_select!(),
            "WHERE organisation_id = $1 AND household_id = $2 \
             ORDER BY budget_date DESC, created_at DESC, id DESC"
        ),
        organisation_id.as_uuid(),
        household_id.as_uuid(),
    )?)
}

/// The household's latest budget in a few figures (for the aid request), if it has one.
#[tracing::instrument(skip_all)]
pub async fn latest_summary<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    household_id: HouseholdId,
) -> Result<Option<Summary>, StoreError> {
    let latest = sql!(
        as Budget,
        fetch_optional,
        exec,
        concat!(
            budget_select!(),
            "WHERE organisation_id = $1 AND household_id = $2 \
             ORDER BY budget_date DESC, created_at DESC, id DESC LIMIT 1"
        ),
        organisation_id.as_uuid(),
        household_id.as_uuid(),
    )?;
    Ok(latest.map(|b| b.summary()))
}

/// A budget's lines, in the order they were typed.
#[tracing::instrument(skip_all)]
pub async fn lines<'c>(
    exec: impl Into<Exec<'c>>,
    budget_id: Uuid,
) -> Result<Vec<Line>, StoreError> {
    Ok(sql!(
        as Line,
        fetch_all,
        exec,
        "SELECT side, category, label, amount_cents, counts FROM budget_lines \
         WHERE budget_id = $1 ORDER BY position",
        budget_id,
    )?)
}

/// Who a budget counted.
#[tracing::instrument(skip_all)]
pub async fn members<'c>(
    exec: impl Into<Exec<'c>>,
    budget_id: Uuid,
) -> Result<Vec<Counted>, StoreError> {
    Ok(sql!(
        as Counted,
        fetch_all,
        exec,
        "SELECT person_id, band, declared, shared_custody FROM budget_members \
         WHERE budget_id = $1",
        budget_id,
    )?)
}

/// How many households of the organisation have a latest budget below the threshold it was
/// recorded with (statistics input).
#[tracing::instrument(skip_all)]
pub async fn households_below_threshold<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT COUNT(*) FROM budgets b WHERE b.organisation_id = $1 \
         AND b.threshold_cents IS NOT NULL AND b.per_unit_daily_cents < b.threshold_cents \
         AND NOT EXISTS (SELECT 1 FROM budgets n WHERE n.household_id = b.household_id \
         AND (n.budget_date > b.budget_date OR (n.budget_date = b.budget_date \
         AND (n.created_at > b.created_at OR (n.created_at = b.created_at AND n.id > b.id)))))",
        organisation_id.as_uuid(),
    )?)
}

// ---------------------------------------------------------------------------------------------
// Debts.

/// A debt of a household.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Debt {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub household_id: HouseholdId,
    pub creditor: String,
    pub amount_cents: i64,
    pub monthly_cents: Option<i64>,
    pub plan: Option<String>,
    pub procedure_status: String,
    pub settled_on: Option<Date>,
    pub version: i64,
}

/// A debt to record.
pub struct NewDebt<'a> {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub household_id: HouseholdId,
    pub creditor: &'a str,
    pub amount_cents: i64,
    pub monthly_cents: Option<i64>,
    pub plan: Option<&'a str>,
    pub procedure_status: &'a str,
    pub by: Option<UserId>,
}

#[tracing::instrument(skip_all)]
pub async fn add_debt<'c>(
    exec: impl Into<Exec<'c>>,
    d: &NewDebt<'_>,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO debts (id, organisation_id, household_id, creditor, amount_cents, \
         monthly_cents, plan, procedure_status, settled_on, created_by, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $10, 1)",
        d.id,
        d.organisation_id.as_uuid(),
        d.household_id.as_uuid(),
        d.creditor,
        d.amount_cents,
        d.monthly_cents,
        d.plan,
        d.procedure_status,
        d.by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(())
}

/// Records that a debt is settled, or moves its procedure on, if nobody changed it since
/// `expected_version`; false otherwise.
#[tracing::instrument(skip_all)]
pub async fn update_debt<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    id: Uuid,
    expected_version: i64,
    procedure_status: &str,
    settled_on: Option<Date>,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE debts SET procedure_status = $4, settled_on = $5, updated_at = $6, \
         version = version + 1 WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        id,
        expected_version,
        procedure_status,
        settled_on,
        now,
    )?;
    Ok(n == 1)
}

/// The household's debts, those still owed first, then by creditor.
#[tracing::instrument(skip_all)]
pub async fn debts<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    household_id: HouseholdId,
) -> Result<Vec<Debt>, StoreError> {
    Ok(sql!(
        as Debt,
        fetch_all,
        exec,
        "SELECT id, household_id, creditor, amount_cents, monthly_cents, plan, \
         procedure_status, settled_on, version FROM debts \
         WHERE organisation_id = $1 AND household_id = $2 \
         ORDER BY CASE WHEN settled_on IS NULL THEN 0 ELSE 1 END, creditor, id",
        organisation_id.as_uuid(),
        household_id.as_uuid(),
    )?)
}
