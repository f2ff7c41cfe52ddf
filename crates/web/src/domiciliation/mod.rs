//! Domiciliation (issue 10 point 5, ADR 0032): a person's election of domicile (start,
//! renewal due, end with its reason) and the mail the organisation keeps for them, registered
//! and handed over at the desk. Reception registers both; nobody needs the person's situation
//! for it, so the budget and the notes stay out of reach (their own rules).

mod attestation;
mod pages;

pub(crate) use pages::today;

use domain::policy::{DOMICILIATION_READERS, DOMICILIATION_WRITERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/domiciliation/mail", DOMICILIATION_READERS, pages::desk)
        .get("/persons/{person_id}/domiciliation", DOMICILIATION_READERS, pages::show)
        .post("/persons/{person_id}/domiciliation", DOMICILIATION_WRITERS, pages::start)
        .get(
            "/persons/{person_id}/domiciliation/attestation",
            DOMICILIATION_WRITERS,
            attestation::pdf,
        )
        .post("/persons/{person_id}/domiciliation/end", DOMICILIATION_WRITERS, pages::end)
        .post("/persons/{person_id}/domiciliation/mail", DOMICILIATION_WRITERS, pages::add_mail)
        .post("/persons/{person_id}/domiciliation/collect", DOMICILIATION_WRITERS, pages::collect)
}
