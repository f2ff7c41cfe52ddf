//! A household's budget (issue 10 point 4, ADR 0031): its monthly resources and charges, the
//! *reste à vivre* per consumption unit per day against the organisation's threshold, the
//! history of budgets, and the debt file. Money is the person's situation: those who read the
//! situation read it (workers, supervisors; every view audited), workers record it; reception
//! and managers do not see it.

mod form;
pub(crate) mod pages;

use domain::policy::{BUDGET_READERS, BUDGET_WRITERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/households/{household_id}/budget", BUDGET_READERS, pages::show)
        .get("/households/{household_id}/budget/new", BUDGET_WRITERS, form::new_form)
        .post("/households/{household_id}/budget/new", BUDGET_WRITERS, form::create)
        .post("/households/{household_id}/debts", BUDGET_WRITERS, pages::add_debt)
        .post("/households/{household_id}/debts/change", BUDGET_WRITERS, pages::change_debt)
}
