//! Cases (accompagnements): open a case for a person, its overview page with the timeline of
//! notes and status changes, notes with corrections that keep versions and deletions that leave
//! a tombstone, and drafts kept on the server while a note is typed.
//!
//! Every route's rule lets in the roles that may see some case; what a user sees of one case
//! comes from [`domain::policy::case_access`]: a case they may not see answers "not found",
//! like an unknown one or another organisation's. Every opening of a case page is an audit
//! event, every change too, in the transaction of the change.

mod emergency;
pub(crate) mod follow_ups;
mod notes;
mod pages;
pub(crate) mod referents;
mod summary;

use domain::accounts::Role;
use domain::policy::{
    CASE_EMERGENCY_OPENERS, CASE_OPENERS, CASE_READERS, CASE_STATUS_CHANGERS, NOTE_WRITERS, Rule,
};

/// The case loader and its access, shared with the JSON API (`crate::api::case_file`).
pub(crate) use pages::{Choice, Loaded, access_or_none, load, note_type_label, note_types};
pub use pages::{DraftLine, PersonCases, drafts_for_home, person_cases};

use crate::routes::Routes;

/// Who sees the earlier versions of corrected notes: the author (a worker) and the team's
/// supervisors; [`domain::policy::may_see_note_versions`] decides per note. (A manager who
/// also supervises the team reads the notes but not their earlier versions here.)
pub const NOTE_VERSION_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);

pub fn router() -> Routes {
    Routes::new()
        .get("/persons/{person_id}/cases/new", CASE_OPENERS, pages::open_form)
        .post("/persons/{person_id}/cases/new", CASE_OPENERS, pages::open)
        .get("/cases/{case_id}", CASE_READERS, pages::show)
        .post("/cases/{case_id}/status", CASE_STATUS_CHANGERS, pages::change_status)
        .get("/cases/{case_id}/emergency", CASE_EMERGENCY_OPENERS, emergency::form)
        .post("/cases/{case_id}/emergency", CASE_EMERGENCY_OPENERS, emergency::grant)
        .get("/cases/{case_id}/notes/new", NOTE_WRITERS, notes::new_form)
        .post("/cases/{case_id}/notes/new", NOTE_WRITERS, notes::create)
        .post("/cases/{case_id}/notes/draft", NOTE_WRITERS, notes::save_draft)
        .get("/cases/{case_id}/notes/{entry_id}/edit", NOTE_WRITERS, notes::edit_form)
        .post("/cases/{case_id}/notes/{entry_id}/edit", NOTE_WRITERS, notes::update)
        .get("/cases/{case_id}/notes/{entry_id}/delete", NOTE_WRITERS, notes::delete_form)
        .post("/cases/{case_id}/notes/{entry_id}/delete", NOTE_WRITERS, notes::delete)
        .get("/cases/{case_id}/notes/{entry_id}/versions", NOTE_VERSION_READERS, notes::versions)
        .get("/cases/{case_id}/summary", summary::CASE_SUMMARY_MAKERS, summary::form)
        .post("/cases/{case_id}/summary", summary::CASE_SUMMARY_MAKERS, summary::generate)
}
