//! Privacy operations (issue 12): the data inventory and the register of processing built
//! from it (ADR 0033), for the DPO, managers and instance administrators, as a page and as CSV
//! and Markdown downloads; the retention review list and settings (ADR 0034) for the DPO and
//! managers, and the daily retention job; the files of the restricted archive (ADR 0040); the
//! public archives' sorting of minors' files (ADR 0042).

mod archive;
pub mod jobs;
mod public_archives;
mod register;
mod retention;

use domain::policy::{PRIVACY_REGISTER_READERS, RETENTION_DECIDERS, RETENTION_READERS};
use domain::{OrganisationId, PersonId, UserId};

use crate::AppState;
use crate::errors::WebError;

use crate::routes::Routes;

/// "Not found" when `person`'s file is in the restricted archive and `viewer` did not open it
/// with a reason (ADR 0040): what the person's pages, their cases, documents and appointments
/// answer alike.
pub(crate) async fn unless_archived(
    state: &AppState,
    org: OrganisationId,
    person: PersonId,
    viewer: UserId,
) -> Result<(), WebError> {
    if store::retention::archive::may_show(&state.db, org, person, viewer, store::Ts::now()).await?
    {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

pub fn router() -> Routes {
    Routes::new()
        .get("/privacy/register", PRIVACY_REGISTER_READERS, register::page)
        .get("/privacy/register.csv", PRIVACY_REGISTER_READERS, register::csv)
        .get("/privacy/register.md", PRIVACY_REGISTER_READERS, register::markdown)
        .get("/privacy/retention", RETENTION_READERS, retention::list)
        .get("/privacy/retention/decide", RETENTION_DECIDERS, retention::decide_form)
        .post("/privacy/retention/decide", RETENTION_DECIDERS, retention::decide)
        .get("/privacy/retention/archive", RETENTION_DECIDERS, archive::form)
        .post("/privacy/retention/archive", RETENTION_DECIDERS, archive::act)
        .get("/privacy/retention/public-archives", RETENTION_DECIDERS, public_archives::form)
        .post("/privacy/retention/public-archives", RETENTION_DECIDERS, public_archives::record)
        .get(
            "/privacy/retention/public-archives/{line}/package.zip",
            RETENTION_DECIDERS,
            public_archives::package,
        )
        .get("/privacy/retention/settings", RETENTION_READERS, retention::settings_form)
        .post("/privacy/retention/settings", RETENTION_DECIDERS, retention::save_settings)
}
