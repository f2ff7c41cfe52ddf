//! Data-subject requests (issue 12 point 4; ADR 0035): the log of what persons ask about their
//! data, with the legal deadline (one month, extendable by two with a reason), the answer, and
//! for access and portability the export of everything about the person — JSON with their
//! files in a zip, and a readable PDF — reviewed for third parties and released by the DPO or
//! a manager. Under `/privacy`, beside the register of processing.

pub mod api;
mod downloads;
mod erase;
pub(crate) mod export;
pub(crate) mod pages;

use domain::policy::SUBJECT_REQUEST_HANDLERS;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/privacy/requests", SUBJECT_REQUEST_HANDLERS, pages::index)
        .post("/privacy/requests", SUBJECT_REQUEST_HANDLERS, pages::create)
        .get("/privacy/requests/{request_id}", SUBJECT_REQUEST_HANDLERS, pages::show)
        .post("/privacy/requests/{request_id}/extend", SUBJECT_REQUEST_HANDLERS, pages::extend)
        .post("/privacy/requests/{request_id}/answer", SUBJECT_REQUEST_HANDLERS, pages::answer)
        .post("/privacy/requests/{request_id}/release", SUBJECT_REQUEST_HANDLERS, pages::release)
        .get("/privacy/requests/{request_id}/erase", SUBJECT_REQUEST_HANDLERS, erase::confirm)
        .post("/privacy/requests/{request_id}/erase", SUBJECT_REQUEST_HANDLERS, erase::erase)
        .get("/privacy/requests/{request_id}/export.zip", SUBJECT_REQUEST_HANDLERS, downloads::zip)
        .get("/privacy/requests/{request_id}/export.pdf", SUBJECT_REQUEST_HANDLERS, downloads::pdf)
}
