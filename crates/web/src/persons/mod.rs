//! Persons and households: find someone in seconds at the desk, register them once, keep their
//! record and household up to date without ever overwriting a colleague's change.
//!
//! Everything acts inside the session's organisation: a person of another organisation
//! answers "not found", like an unknown one. What each role may see and change comes from
//! [`domain::policy::person_access`]; every opening of a record is an audit event.

pub(crate) mod api;
mod form;
mod households;
pub mod import;
mod merge;
mod pages;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use domain::policy::{PERSON_EDITORS, PERSON_FINDERS, PERSON_IMPORTERS, PERSON_MERGERS};

pub use form::value_label as list_label;
pub(crate) use households::member_name;
pub use pages::HitView;
pub(crate) use pages::{pairs as form_pairs, value_of};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/persons", PERSON_FINDERS, pages::index)
        .post("/persons/search", PERSON_FINDERS, pages::search)
        .get("/persons/new", PERSON_EDITORS, pages::new_form)
        .post("/persons/new", PERSON_EDITORS, pages::create)
        .get("/persons/import", PERSON_IMPORTERS, import::form)
        .post(
            "/persons/import",
            PERSON_IMPORTERS,
            import::upload.layer(DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .post("/persons/import/{upload_id}", PERSON_IMPORTERS, import::review)
        .get("/persons/{person_id}", PERSON_FINDERS, pages::show)
        .get("/persons/{person_id}/edit", PERSON_EDITORS, pages::edit_form)
        .post("/persons/{person_id}/edit", PERSON_EDITORS, pages::update)
        .post("/persons/{person_id}/household", PERSON_EDITORS, households::create)
        .get("/persons/{person_id}/merge", PERSON_MERGERS, merge::find)
        .post("/persons/{person_id}/merge/search", PERSON_MERGERS, merge::search)
        .get("/persons/{person_id}/merge/{other_id}", PERSON_MERGERS, merge::compare)
        .post("/persons/{person_id}/merge/{other_id}", PERSON_MERGERS, merge::merge)
        .post("/merges/{merge_id}/undo", PERSON_MERGERS, merge::undo)
        .get("/households/{household_id}", PERSON_FINDERS, households::show)
        .post("/households/{household_id}/search", PERSON_EDITORS, households::search)
        .post("/households/{household_id}/members", PERSON_EDITORS, households::add_member)
        .post(
            "/households/{household_id}/members/{member_id}/end",
            PERSON_EDITORS,
            households::end_member,
        )
}
