//! The tables the statistics keep beside the records they count (ADR 0043): day summaries,
//! follow spans of persons and households, outcome steps of cases, and the marks of what to
//! compute again. Everything in them is derived from the records and computed again from them;
//! none is exported to a person (subject access: `Derived`), and anonymisation keeps them as
//! it keeps the dates and levels they come from.
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "stats_built",
        purpose: Operations,
        columns: &[(Reference, &["organisation_id"]), (Technical, &["family", "built_at"])],
    },
    Table {
        name: "stats_case_steps",
        purpose: SocialSupport,
        columns: &[
            (Reference, &["organisation_id", "case_id"]),
            (Activity, &["kind", "code", "state", "eff_from", "to_day", "late", "closed_day"]),
            (Technical, &["seq"]),
        ],
    },
    Table {
        name: "stats_days",
        purpose: Operations,
        columns: &[
            (Reference, &["organisation_id", "ref_id"]),
            (Technical, &["figure", "day", "code", "code2", "n", "v1", "v2", "v3", "v4"]),
        ],
    },
    Table {
        name: "stats_dirty",
        purpose: Operations,
        columns: &[(Reference, &["organisation_id"]), (Technical, &["family", "day"])],
    },
    Table {
        name: "stats_dirty_cases",
        purpose: Operations,
        columns: &[(Reference, &["organisation_id", "case_id"])],
    },
    Table {
        name: "stats_dirty_subjects",
        purpose: Operations,
        columns: &[(Reference, &["organisation_id", "subject_id"]), (Technical, &["kind"])],
    },
    Table {
        name: "stats_gaps",
        purpose: SocialSupport,
        columns: &[
            (Reference, &["organisation_id", "subject_id"]),
            (Activity, &["gap_start", "gap_end"]),
            (Technical, &["kind"]),
        ],
    },
    Table {
        name: "stats_spans",
        purpose: SocialSupport,
        columns: &[
            (Reference, &["organisation_id", "subject_id"]),
            (Activity, &["opened_at", "closed_at"]),
            (Technical, &["kind"]),
        ],
    },
];
