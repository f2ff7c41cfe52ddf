//! The coordination view of a case (issue 8 point 6, ADR 0028): an ecomap drawn on the server
//! as SVG — the person at the centre, the ties around them with the strength of each, informal
//! supports as circles and professionals or services as squares, strength told by the line's
//! style — beside the same ties as a table, and the form that adds, changes or removes them.
//! Readers of the case's content see it (each view audited); those who write the case edit it.

mod pages;

use domain::ecomap::{ECOMAP_READERS, ECOMAP_WRITERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/ecomap", ECOMAP_READERS, pages::show)
        .post("/cases/{case_id}/ecomap", ECOMAP_WRITERS, pages::add)
        .post("/cases/{case_id}/ecomap/change", ECOMAP_WRITERS, pages::change)
}
