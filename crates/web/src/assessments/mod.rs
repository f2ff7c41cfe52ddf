//! Assessments (diagnostics) of a case: per life domain of the organisation, the worker's need
//! level beside the person's own rating, strengths and priorities; their list with an
//! evolution chart per domain, one assessment read with a radar against the one before, the
//! difference between two, the form (a draft kept on the server as it is typed) and its
//! correction with the assessment's version; the radar panel of the case overview; the
//! organisation's descriptions of the need levels.
//!
//! Access is the notes' at normal confidentiality ([`domain::policy::case_access`]): readers
//! of the case's content read, writers of an open or paused case record and correct, anyone
//! else gets "not found". Every page is a `case_file_read` audit event first, every change a
//! `record_*` event and a timeline entry in the transaction of the change.

mod levels;
mod pages;
mod panel;

use domain::assessments::{ASSESSMENT_READERS as READERS, ASSESSMENT_WRITERS as WRITERS};

pub use pages::drafts_for_home;
pub use panel::{RadarPanel, radar_panel};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/assessments", READERS, pages::list)
        .get("/cases/{case_id}/assessments/compare", READERS, pages::compare)
        .get("/cases/{case_id}/assessments/new", WRITERS, pages::new_form)
        .post("/cases/{case_id}/assessments/new", WRITERS, pages::create)
        .post("/cases/{case_id}/assessments/draft", WRITERS, pages::save_draft)
        .get("/cases/{case_id}/assessments/{assessment_id}", READERS, pages::show)
        .get("/cases/{case_id}/assessments/{assessment_id}/edit", WRITERS, pages::edit_form)
        .post("/cases/{case_id}/assessments/{assessment_id}/edit", WRITERS, pages::update)
        .get("/admin/assessment-levels", crate::admin::MANAGE, levels::show)
        .post("/admin/assessment-levels", crate::admin::MANAGE, levels::save)
}
