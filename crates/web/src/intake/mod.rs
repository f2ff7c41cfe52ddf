//! Intake (accueil): find or register the person at the desk, record why they came and where
//! the visit goes; urgency flags that put a person at the top of their team's queue and tell
//! the team; the queue where workers take flags and visits in hand.

mod pages;

pub(crate) use pages::{name_of, queue_teams};

use domain::policy::{FLAG_HANDLERS, PERSON_EDITORS, QUEUE_READERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/intake", PERSON_EDITORS, pages::desk)
        .post("/intake/search", PERSON_EDITORS, pages::desk_search)
        .get("/persons/{person_id}/visit", PERSON_EDITORS, pages::visit_form)
        .post("/persons/{person_id}/visit", PERSON_EDITORS, pages::record_visit)
        .get("/queue", QUEUE_READERS, pages::queue)
        .post("/flags/{flag_id}/acknowledge", FLAG_HANDLERS, pages::acknowledge)
        .post("/flags/{flag_id}/close", FLAG_HANDLERS, pages::close)
        .post("/visits/{visit_id}/handle", FLAG_HANDLERS, pages::handle_visit)
}
