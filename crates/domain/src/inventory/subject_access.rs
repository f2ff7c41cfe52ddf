//! The tables of data-subject requests (ADR 0035): the requests with their deadlines and
//! answers, and the exports made for them.
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "subject_request_exports",
        purpose: Audit,
        columns: &[
            (Activity, &["format", "made_at"]),
            (Reference, &["id", "organisation_id", "request_id", "made_by"]),
        ],
    },
    Table {
        name: "subject_requests",
        purpose: Audit,
        columns: &[
            (FreeText, &["extension_reason", "answer_note"]),
            (
                Activity,
                &["kind", "received_on", "status", "answered_on", "released_at", "erased_at"],
            ),
            (
                Reference,
                &["id", "organisation_id", "person_id", "handled_by", "released_by", "created_by"],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
];
