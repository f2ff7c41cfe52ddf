//! The tables of a household's money and of domiciliation (ADR 0031, 0032): budgets, their
//! lines and counted members, debts; elections of domicile and the mail kept for the person.
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "budget_lines",
        purpose: SocialSupport,
        columns: &[
            (Financial, &["side", "category", "amount_cents", "counts"]),
            (FreeText, &["label"]),
            (Reference, &["budget_id"]),
            (Technical, &["position"]),
        ],
    },
    Table {
        name: "budget_members",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["band", "declared", "shared_custody"]),
            (Reference, &["budget_id", "person_id"]),
        ],
    },
    Table {
        name: "budgets",
        purpose: SocialSupport,
        columns: &[
            (
                Financial,
                &[
                    "resources_cents",
                    "charges_cents",
                    "units",
                    "per_unit_daily_cents",
                    "threshold_cents",
                ],
            ),
            (FreeText, &["note"]),
            (Activity, &["budget_date"]),
            (Reference, &["id", "organisation_id", "household_id", "created_by"]),
            (Technical, &["day_divisor", "created_at"]),
        ],
    },
    Table {
        name: "debts",
        purpose: SocialSupport,
        columns: &[
            (Financial, &["amount_cents", "monthly_cents", "procedure_status", "settled_on"]),
            (ThirdParty, &["creditor"]),
            (FreeText, &["plan"]),
            (Reference, &["id", "organisation_id", "household_id", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "domiciliation_mail",
        purpose: SocialSupport,
        columns: &[
            (ThirdParty, &["sender"]),
            (Activity, &["received_on", "kind", "collected_on"]),
            (Reference, &["id", "organisation_id", "domiciliation_id", "registered_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "domiciliations",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["start_date", "renewal_due", "end_date", "end_reason"]),
            (Reference, &["id", "organisation_id", "person_id", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
];
