//! Statistics that come from the work (issue 11, ADR 0037): the activity dashboard of the
//! organisation, a team or a worker for a period, and the drill-down from each figure to the
//! cases behind it (only those the viewer may open are named; the others are counted), which
//! can be downloaded, with the persons' names only for managers and supervisors who confirm.
//!
//! Routes let in [`STATISTICS_READERS`]; [`domain::policy::statistics_scope`] then bounds what
//! each one reads (a manager the organisation, a supervisor their teams, a worker their
//! caseload), and a team or worker outside it answers "not found".

mod export;
mod figures;
mod list_export;
mod pages;
pub mod report;
mod tables;
mod tables_admin;

pub use export::lines;
pub use figures::Line;

use domain::policy::{REPORT_MAKERS, STATISTICS_READERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/statistics", STATISTICS_READERS, pages::dashboard)
        .get("/statistics/cases", STATISTICS_READERS, pages::cases)
        .get("/statistics/export", STATISTICS_READERS, export::export)
        .post("/statistics/cases/export", STATISTICS_READERS, list_export::export)
        .get("/statistics/tables", STATISTICS_READERS, tables::page)
        .get("/statistics/tables/cases", STATISTICS_READERS, tables::cases)
        .get("/admin/statistics-tables", tables_admin::MANAGE, tables_admin::index)
        .get("/admin/statistics-tables/new", tables_admin::MANAGE, tables_admin::new_form)
        .post("/admin/statistics-tables/new", tables_admin::MANAGE, tables_admin::create)
        .get("/admin/statistics-tables/{table_id}", tables_admin::MANAGE, tables_admin::edit_form)
        .post("/admin/statistics-tables/{table_id}", tables_admin::MANAGE, tables_admin::save)
        .post(
            "/admin/statistics-tables/{table_id}/delete",
            tables_admin::MANAGE,
            tables_admin::remove,
        )
        .get("/statistics/report", REPORT_MAKERS, report::page)
        .post("/statistics/report", REPORT_MAKERS, report::save)
        .get("/statistics/report.pdf", REPORT_MAKERS, report::pdf)
        .get("/statistics/report.xlsx", REPORT_MAKERS, report::xlsx)
        .get("/statistics/report.csv", REPORT_MAKERS, report::csv)
}
