//! Statistics that come from the work (issue 11, ADR 0037): the activity dashboard of the
//! organisation, a team or a worker for a period, and the drill-down from each figure to the
//! cases behind it (only those the viewer may open are named; the others are counted).
//!
//! Routes let in [`STATISTICS_READERS`]; [`domain::policy::statistics_scope`] then bounds what
//! each one reads (a manager the organisation, a supervisor their teams, a worker their
//! caseload), and a team or worker outside it answers "not found".

mod export;
mod figures;
mod pages;
pub mod report;

pub use export::lines;
pub use figures::Line;

use domain::policy::{REPORT_MAKERS, STATISTICS_READERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/statistics", STATISTICS_READERS, pages::dashboard)
        .get("/statistics/cases", STATISTICS_READERS, pages::cases)
        .get("/statistics/export", STATISTICS_READERS, export::export)
        .get("/statistics/report", REPORT_MAKERS, report::page)
        .post("/statistics/report", REPORT_MAKERS, report::save)
        .get("/statistics/report.pdf", REPORT_MAKERS, report::pdf)
        .get("/statistics/report.xlsx", REPORT_MAKERS, report::xlsx)
        .get("/statistics/report.csv", REPORT_MAKERS, report::csv)
}
