//! A household's monthly budget and its *reste à vivre* (`shared/DOMAIN.md` §3.5): what is left
//! each day, for each consumption unit, once the fixed charges are paid.
//!
//! Everything is integer arithmetic: amounts in cents, consumption units in **hundredths**
//! (the OECD-modified weights 1, 0.5 and 0.3 are 100, 50 and 30; a child in shared custody
//! counts half its weight, 25 or 15). The daily figure is rounded down to the cent, towards
//! minus infinity when the budget is in deficit, so a rounding never makes a household look
//! better off than it is.

use time::Date;

/// Consumption units of the first adult, in hundredths.
pub const FIRST_ADULT: u32 = 100;
/// Consumption units of every other person aged 14 or more, in hundredths.
pub const OTHER_ADULT: u32 = 50;
/// Consumption units of a child under 14, in hundredths.
pub const CHILD: u32 = 30;
/// The age from which a person weighs as an adult.
pub const ADULT_AGE: i32 = 14;
/// Days in a month for the daily figure, unless the organisation says otherwise.
pub const DEFAULT_DAY_DIVISOR: i64 = 30;

/// The charges a budget lists, by stable code (labels `budget-charge-<code>`). Resources use
/// the organisation's `resources` value list (§2.3).
pub const CHARGE_CATEGORIES: [&str; 13] = [
    "rent",
    "energy",
    "water",
    "insurance",
    "health_cover",
    "debt_repayment",
    "taxes",
    "phone",
    "transport",
    "childcare",
    "maintenance_paid",
    "food",
    "other",
];

/// The charges that count towards the *reste à vivre* unless the organisation chose otherwise:
/// fixed charges, not everyday spending (food is what the *reste à vivre* is for).
pub fn counts_by_default(category: &str) -> bool {
    !matches!(category, "food" | "other")
}

/// How a household member weighs, as of the budget's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    /// Aged 14 or more.
    Adult,
    /// Under 14.
    Child,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Adult => "adult",
            Band::Child => "child",
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        match s {
            "adult" => Some(Band::Adult),
            "child" => Some(Band::Child),
            _ => None,
        }
    }

    /// The band of someone born on `birth`, on `on`; `None` without a birth date (the worker
    /// must then say which: nothing is guessed).
    pub fn on(birth: Option<Date>, on: Date) -> Option<Band> {
        let age = crate::persons::age_on(birth?, on);
        Some(if age >= ADULT_AGE { Band::Adult } else { Band::Child })
    }
}

/// One member of the household as the budget counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupant {
    pub band: Band,
    /// Lives in the household half of the time (shared custody): half the weight.
    pub shared_custody: bool,
}

/// Why a budget cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetError {
    /// Nobody aged 14 or more lives in the household full time: there is no first adult.
    NoAdult,
}

impl BudgetError {
    pub fn code(self) -> &'static str {
        match self {
            BudgetError::NoAdult => "budget-no-adult",
        }
    }
}

/// The household's consumption units, in hundredths: 100 for the first adult (the first one
/// living there full time), 50 for every other person aged 14 or more, 30 for every child
/// under 14, each halved for shared custody.
pub fn consumption_units(occupants: &[Occupant]) -> Result<u32, BudgetError> {
    let first = occupants
        .iter()
        .position(|o| o.band == Band::Adult && !o.shared_custody)
        .ok_or(BudgetError::NoAdult)?;
    Ok(occupants
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let weight = match o.band {
                Band::Adult if i == first => FIRST_ADULT,
                Band::Adult => OTHER_ADULT,
                Band::Child => CHILD,
            };
            if o.shared_custody { weight / 2 } else { weight }
        })
        .sum())
}

/// The figures of a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub resources_cents: i64,
    /// The charges that count (the organisation's choice).
    pub charges_cents: i64,
    /// Consumption units in hundredths.
    pub units: u32,
    /// Resources less counted charges, for the month (negative in deficit).
    pub monthly_cents: i64,
    /// What is left per consumption unit per month, rounded down to the cent.
    pub per_unit_monthly_cents: i64,
    /// What is left per consumption unit per day, rounded down to the cent.
    pub per_unit_daily_cents: i64,
}

/// Computes a budget: `(resources − charges) ÷ units ÷ day_divisor`, rounded down once at
/// the end (rounding the monthly figure first gives the same result: integer floor division
/// by positive numbers composes).
pub fn figures(
    resources_cents: i64,
    charges_cents: i64,
    occupants: &[Occupant],
    day_divisor: i64,
) -> Result<Figures, BudgetError> {
    let units = consumption_units(occupants)?;
    let monthly = resources_cents - charges_cents;
    let u = i64::from(units);
    let divisor = day_divisor.max(1);
    Ok(Figures {
        resources_cents,
        charges_cents,
        units,
        monthly_cents: monthly,
        per_unit_monthly_cents: (monthly * 100).div_euclid(u),
        per_unit_daily_cents: (monthly * 100).div_euclid(u * divisor),
    })
}

/// Whether a daily figure is below the organisation's threshold (none set: not known).
pub fn below_threshold(per_unit_daily_cents: i64, threshold_cents: Option<i64>) -> Option<bool> {
    threshold_cents.map(|t| per_unit_daily_cents < t)
}

/// Consumption units written for people: `2.3`, `1.65` (French: `2,3`, `1,65`).
pub fn format_units(hundredths: u32, style: crate::money::Style) -> String {
    let whole = hundredths / 100;
    let frac = hundredths % 100;
    let sep = match style {
        crate::money::Style::French => ',',
        crate::money::Style::English => '.',
    };
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}{sep}{}", f / 10),
        f => format!("{whole}{sep}{f:02}"),
    }
}

/// The over-indebtedness procedure a debt is in (Banque de France commission).
pub const DEBT_PROCEDURES: [&str; 7] = [
    "none",
    "file_being_prepared",
    "file_lodged",
    "admissible",
    "plan_agreed",
    "imposed_measures",
    "personal_recovery",
];

/// The longest creditor's name and repayment plan kept with a debt.
pub const CREDITOR_MAX: usize = 200;
pub const PLAN_MAX: usize = 500;

/// Why a debt was refused (each has its message, the same for pages and API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtProblem {
    CreditorRequired,
    TooLong,
    Negative,
    Procedure,
}

impl DebtProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            DebtProblem::CreditorRequired => "budget-error-creditor",
            DebtProblem::TooLong => "budget-error-too-long",
            DebtProblem::Negative => "budget-error-negative",
            DebtProblem::Procedure => "budget-error-procedure",
        }
    }
}

/// Checks a debt once its amounts are read (`amount`, `monthly` field names as the page's):
/// a creditor named, amounts not negative, a plan of reasonable length, a known procedure
/// status (empty is `none`). Returns the procedure's code.
pub fn check_debt(
    creditor: &str,
    amount_cents: i64,
    monthly_cents: Option<i64>,
    plan: &str,
    procedure: &str,
) -> Result<&'static str, Vec<(&'static str, DebtProblem)>> {
    let mut problems = Vec::new();
    let creditor = creditor.trim();
    if creditor.is_empty() {
        problems.push(("creditor", DebtProblem::CreditorRequired));
    } else if creditor.chars().count() > CREDITOR_MAX {
        problems.push(("creditor", DebtProblem::TooLong));
    }
    if amount_cents < 0 {
        problems.push(("amount", DebtProblem::Negative));
    }
    if monthly_cents.is_some_and(|m| m < 0) {
        problems.push(("monthly", DebtProblem::Negative));
    }
    if plan.trim().chars().count() > PLAN_MAX {
        problems.push(("plan", DebtProblem::TooLong));
    }
    let procedure = match procedure.trim() {
        "" => Some("none"),
        p => DEBT_PROCEDURES.into_iter().find(|d| *d == p),
    };
    match procedure {
        None => problems.push(("procedure", DebtProblem::Procedure)),
        Some(p) if problems.is_empty() => return Ok(p),
        Some(_) => {}
    }
    Err(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Style;
    use time::macros::date;

    const A: Occupant = Occupant { band: Band::Adult, shared_custody: false };
    const C: Occupant = Occupant { band: Band::Child, shared_custody: false };
    const HALF_C: Occupant = Occupant { band: Band::Child, shared_custody: true };
    const HALF_A: Occupant = Occupant { band: Band::Adult, shared_custody: true };

    fn daily(resources: i64, charges: i64, who: &[Occupant]) -> (u32, i64) {
        let f = figures(resources, charges, who, 30).unwrap();
        (f.units, f.per_unit_daily_cents)
    }

    /// Households computed by hand. Each comment shows the arithmetic; the assertion is the
    /// figure a worker would get with a calculator and rounding down to the cent.
    #[test]
    fn reste_a_vivre_matches_hand_computed_households() {
        // 1. Single adult. UC = 1. Resources 1 000,00 − charges 550,00 = 450,00 €/month;
        //    450,00 / 1 / 30 = 15,00 €/day.
        assert_eq!(daily(100_000, 55_000, &[A]), (100, 1_500));

        // 2. Couple. UC = 1 + 0.5 = 1.5. 2 000,00 − 1 100,00 = 900,00;
        //    900 / 1.5 = 600,00 per UC per month; 600 / 30 = 20,00 €/day.
        assert_eq!(daily(200_000, 110_000, &[A, A]), (150, 2_000));

        // 3. Couple with children of 15 and 8 (DOMAIN.md §3.5). UC = 1 + 0.5 + 0.5 + 0.3 = 2.3.
        //    2 300,00 − 1 150,00 = 1 150,00; 1 150 / 2.3 = 500,00; 500 / 30 = 16,666… → 16,66.
        assert_eq!(daily(230_000, 115_000, &[A, A, A, C]), (230, 1_666));

        // 4. Single parent, two children under 14. UC = 1 + 0.3 + 0.3 = 1.6.
        //    1 450,00 − 700,00 = 750,00; 750 / 1.6 = 468,75; 468,75 / 30 = 15,625 → 15,62.
        assert_eq!(daily(145_000, 70_000, &[A, C, C]), (160, 1_562));

        // 5. Single adult with a child under 14 in shared custody (half of 0.3 = 0.15).
        //    UC = 1 + 0.15 = 1.15. 1 300,00 − 610,00 = 690,00; 690 / 1.15 = 600,00;
        //    600 / 30 = 20,00.
        assert_eq!(daily(130_000, 61_000, &[A, HALF_C]), (115, 2_000));

        // 6. Couple, a 16-year-old in shared custody (half of 0.5 = 0.25) and a child of 5.
        //    UC = 1 + 0.5 + 0.25 + 0.3 = 2.05. 2 500,00 − 1 270,00 = 1 230,00;
        //    1 230 / 2.05 = 600,00; 600 / 30 = 20,00.
        assert_eq!(daily(250_000, 127_000, &[A, A, HALF_A, C]), (205, 2_000));

        // 7. Deficit: single adult, 600,00 − 650,50 = −50,50; −50,50 / 1 / 30 = −1,6833… →
        //    rounded down, −1,69 (never shown better than it is).
        assert_eq!(daily(60_000, 65_050, &[A]), (100, -169));

        // 8. Three generations: couple, a grandparent, children of 13 and 14 on the budget's
        //    date. UC = 1 + 0.5 + 0.5 + 0.3 + 0.5 = 2.8. 3 100,00 − 1 500,00 = 1 600,00;
        //    1 600 / 2.8 = 571,428… per month; 571,428… / 30 = 19,047… → 19,04.
        assert_eq!(daily(310_000, 150_000, &[A, A, A, C, A]), (280, 1_904));

        // 9. Nothing left at all: couple, resources equal charges → 0,00.
        assert_eq!(daily(150_000, 150_000, &[A, A]), (150, 0));

        // 10. Single adult, a cent that does not divide: 1,00 left in the month;
        //     1,00 / 30 = 0,0333… → 0,03.
        assert_eq!(daily(100, 0, &[A]), (100, 3));
    }

    #[test]
    fn the_monthly_figure_per_unit_is_rounded_down_too() {
        // 1 150,00 / 2.3 = 500,00 exactly; 1 000,00 / 1.6 = 625,00; 1 000,01 / 1.5 = 666,673…
        let f = figures(230_000, 115_000, &[A, A, A, C], 30).unwrap();
        assert_eq!(f.per_unit_monthly_cents, 50_000);
        let f = figures(100_001, 0, &[A, A], 30).unwrap();
        assert_eq!(f.per_unit_monthly_cents, 66_667);
        assert_eq!(f.monthly_cents, 100_001);
    }

    #[test]
    fn the_first_adult_is_the_first_living_there_full_time() {
        // A 15-year-old in shared custody listed first does not become the "first adult".
        assert_eq!(consumption_units(&[HALF_A, A]), Ok(25 + 100));
        assert_eq!(consumption_units(&[C, A, C]), Ok(30 + 100 + 30));
        assert_eq!(consumption_units(&[C, HALF_A]), Err(BudgetError::NoAdult));
        assert_eq!(consumption_units(&[]), Err(BudgetError::NoAdult));
    }

    #[test]
    fn a_different_day_divisor_is_the_organisations_choice() {
        // 450,00 / 1 / 31 = 14,516… → 14,51.
        assert_eq!(figures(100_000, 55_000, &[A], 31).unwrap().per_unit_daily_cents, 1_451);
    }

    #[test]
    fn age_is_taken_on_the_budgets_date_and_never_guessed() {
        let birth = date!(2012 - 12 - 01);
        assert_eq!(Band::on(Some(birth), date!(2026 - 11 - 30)), Some(Band::Child));
        assert_eq!(Band::on(Some(birth), date!(2026 - 12 - 01)), Some(Band::Adult));
        assert_eq!(Band::on(None, date!(2026 - 12 - 01)), None);
    }

    #[test]
    fn threshold_and_units_are_said_plainly() {
        assert_eq!(below_threshold(999, Some(1_000)), Some(true));
        assert_eq!(below_threshold(1_000, Some(1_000)), Some(false));
        assert_eq!(below_threshold(1_000, None), None);
        assert_eq!(format_units(230, Style::French), "2,3");
        assert_eq!(format_units(115, Style::English), "1.15");
        assert_eq!(format_units(100, Style::English), "1");
    }

    #[test]
    fn a_debt_names_its_creditor_and_a_known_procedure() {
        assert_eq!(check_debt(" Énergie Ouest ", 84_250, Some(5_000), "", ""), Ok("none"));
        assert_eq!(check_debt("Bailleur", 0, None, "", "file_lodged"), Ok("file_lodged"));
        assert_eq!(
            check_debt(" ", -1, Some(-2), &"x".repeat(PLAN_MAX + 1), "bankrupt"),
            Err(vec![
                ("creditor", DebtProblem::CreditorRequired),
                ("amount", DebtProblem::Negative),
                ("monthly", DebtProblem::Negative),
                ("plan", DebtProblem::TooLong),
                ("procedure", DebtProblem::Procedure),
            ])
        );
    }
}
