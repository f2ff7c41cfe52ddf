//! The action plan of a case, built with the person: goals in their own words with their life
//! domains, steps saying who does what by when, victories, and the person's agreement; the
//! plan's panel on the case overview.
//!
//! What a user may do with a plan is their access to its case
//! ([`domain::policy::case_access`]): readers of the case's content read the plan, those who
//! write the case write it while the case is not closed; everyone else gets "not found", like
//! for an unknown case. Every page is a `case_file_read` audit event first, every change a
//! `record_*` event and a timeline entry in the transaction of the change. Goals and steps are
//! edited with their version: a stale form shows what the other worker saved beside what was
//! typed, and writes nothing.

mod forms;
mod pages;
mod panel;
mod pdf;

use domain::plans::{PLAN_READERS, PLAN_WRITERS};

pub use panel::{PlanPanel, plan_panel};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/plan", PLAN_READERS, pages::show)
        .get("/cases/{case_id}/plan.pdf", PLAN_READERS, pdf::download)
        .get("/cases/{case_id}/plan/goals/new", PLAN_WRITERS, forms::new_goal_form)
        .post("/cases/{case_id}/plan/goals/new", PLAN_WRITERS, forms::create_goal)
        .get("/cases/{case_id}/plan/goals/{goal_id}/edit", PLAN_WRITERS, forms::edit_goal_form)
        .post("/cases/{case_id}/plan/goals/{goal_id}/edit", PLAN_WRITERS, forms::update_goal)
        .get("/cases/{case_id}/plan/goals/{goal_id}/steps/new", PLAN_WRITERS, forms::new_step_form)
        .post("/cases/{case_id}/plan/goals/{goal_id}/steps/new", PLAN_WRITERS, forms::create_step)
        .get("/cases/{case_id}/plan/steps/{step_id}/edit", PLAN_WRITERS, forms::edit_step_form)
        .post("/cases/{case_id}/plan/steps/{step_id}/edit", PLAN_WRITERS, forms::update_step)
        .get("/cases/{case_id}/plan/victories/new", PLAN_WRITERS, forms::new_victory_form)
        .post("/cases/{case_id}/plan/victories/new", PLAN_WRITERS, forms::create_victory)
        .get("/cases/{case_id}/plan/agreement", PLAN_WRITERS, forms::agreement_form)
        .post("/cases/{case_id}/plan/agreement", PLAN_WRITERS, forms::record_agreement)
}
