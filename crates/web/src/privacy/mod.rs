//! Privacy operations (issue 12). This slice: the data inventory and the register of
//! processing built from it (ADR 0033), for the DPO, managers and instance administrators, as
//! a page and as CSV and Markdown downloads.

mod register;

use domain::policy::PRIVACY_REGISTER_READERS;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/privacy/register", PRIVACY_REGISTER_READERS, register::page)
        .get("/privacy/register.csv", PRIVACY_REGISTER_READERS, register::csv)
        .get("/privacy/register.md", PRIVACY_REGISTER_READERS, register::markdown)
}
