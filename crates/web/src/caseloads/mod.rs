//! Referents and caseloads (issue 7 point 9) and follow-up checks after closure (point 7):
//! each worker's caseload and the cases without a referent, a manager moving one or many
//! cases at once (for good, or until a date: a delegation that ends by itself), a case's
//! referents page, and its follow-up checks. ADR 0015.
//!
//! Routes let in the roles some case or caseload may admit; `domain::policy` then decides per
//! case ([`policy::referent_rights`], [`policy::may_follow_up`]) or per user
//! ([`policy::caseload_scope`], [`policy::may_reassign`]), and a refusal answers "not found".

mod pages;

use domain::policy::{
    self, CASE_REASSIGNERS, CASELOAD_READERS, FOLLOW_UP_READERS, FOLLOW_UP_WRITERS,
    REFERENT_EDITORS,
};

pub(crate) use pages::{Choice, today};
pub use pages::{HomePanel, home_panel};

use crate::cases::{follow_ups, referents};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/caseloads", CASELOAD_READERS, pages::index)
        .get("/caseloads/{user_id}", CASELOAD_READERS, pages::worker)
        .post("/caseloads/reassign", CASE_REASSIGNERS, pages::reassign)
        .get("/cases/{case_id}/referents", REFERENT_EDITORS, referents::form)
        .post("/cases/{case_id}/referents", REFERENT_EDITORS, referents::save)
        .get("/cases/{case_id}/follow-ups", FOLLOW_UP_READERS, follow_ups::index)
        .post("/cases/{case_id}/follow-ups", FOLLOW_UP_WRITERS, follow_ups::schedule)
        .get("/cases/{case_id}/follow-ups/{follow_up_id}", FOLLOW_UP_WRITERS, follow_ups::form)
        .post("/cases/{case_id}/follow-ups/{follow_up_id}", FOLLOW_UP_WRITERS, follow_ups::record)
        .post(
            "/cases/{case_id}/follow-ups/{follow_up_id}/missed",
            FOLLOW_UP_WRITERS,
            follow_ups::missed,
        )
}

/// Whether the signed-in user sees caseloads at all (the home page's link).
pub(crate) fn sees_caseloads(signed_in: &crate::auth::SignedIn) -> bool {
    policy::caseload_scope(&signed_in.actor).is_some()
}
