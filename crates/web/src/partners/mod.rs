//! The partner directory (issue 8 point 1, ADR 0018): partner organisations and their services,
//! shared by every organisation of the instance. Everyone who works with persons reads it and
//! searches it by need (life domain), place and words; managers and instance administrators
//! add and change entries (each change attributed, versioned and audited), import them from
//! Open Referral HSDS, data·inclusion or a spreadsheet after a preview, and export them as
//! HSDS. Each organisation keeps its own private contacts and notes about a partner.

mod pages;
mod transfer;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use domain::policy::{DIRECTORY_EDITORS, DIRECTORY_READERS, PARTNER_NOTE_WRITERS};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/partners", DIRECTORY_READERS, pages::index)
        .get("/partners/new", DIRECTORY_EDITORS, pages::new_form)
        .post("/partners/new", DIRECTORY_EDITORS, pages::create)
        .get("/partners/import", DIRECTORY_EDITORS, transfer::form)
        .post(
            "/partners/import",
            DIRECTORY_EDITORS,
            transfer::upload.layer(DefaultBodyLimit::max(transfer::BODY_LIMIT)),
        )
        .post("/partners/import/confirm", DIRECTORY_EDITORS, transfer::confirm)
        .get("/partners/import/template.csv", DIRECTORY_EDITORS, transfer::template)
        .get("/partners/export/hsds.json", DIRECTORY_EDITORS, transfer::export_json)
        .get("/partners/export/hsds-csv.zip", DIRECTORY_EDITORS, transfer::export_zip)
        .get("/partners/{partner_id}", DIRECTORY_READERS, pages::show)
        .get("/partners/{partner_id}/edit", DIRECTORY_EDITORS, pages::edit_form)
        .post("/partners/{partner_id}/edit", DIRECTORY_EDITORS, pages::update)
        .post("/partners/{partner_id}/notes", PARTNER_NOTE_WRITERS, pages::save_notes)
        .get("/partners/{partner_id}/services/new", DIRECTORY_EDITORS, pages::new_service_form)
        .post("/partners/{partner_id}/services/new", DIRECTORY_EDITORS, pages::create_service)
        .get(
            "/partners/{partner_id}/services/{service_id}/edit",
            DIRECTORY_EDITORS,
            pages::edit_service_form,
        )
        .post(
            "/partners/{partner_id}/services/{service_id}/edit",
            DIRECTORY_EDITORS,
            pages::update_service,
        )
}
