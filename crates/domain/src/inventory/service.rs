//! The tables of the service itself: directory, accounts, audit, operations.
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "aid_sessions",
        purpose: Operations,
        columns: &[
            (Reference, &["id", "organisation_id", "created_by"]),
            (
                Technical,
                &[
                    "title",
                    "held_on",
                    "pseudonymised",
                    "decided_at",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "aid_types",
        purpose: Operations,
        columns: &[
            (Reference, &["organisation_id"]),
            (
                Technical,
                &[
                    "code",
                    "asks_amount",
                    "required_documents",
                    "max_cents_per_year",
                    "decided_by",
                    "deciders",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "api_tokens",
        purpose: Accounts,
        columns: &[
            (Credentials, &["token_hash"]),
            (Reference, &["id", "user_id", "organisation_id", "created_by"]),
            (
                Technical,
                &["name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"],
            ),
        ],
    },
    Table {
        name: "assessment_levels",
        purpose: Operations,
        columns: &[
            (Reference, &["id", "organisation_id"]),
            (
                Technical,
                &[
                    "domain_code",
                    "level",
                    "label_fr",
                    "label_en",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "audit_anchors",
        purpose: Audit,
        columns: &[
            (Reference, &["id", "chain_id"]),
            (
                Technical,
                &[
                    "from_seq",
                    "through_seq",
                    "through_hash",
                    "purged",
                    "kept",
                    "kept_digest",
                    "first_at",
                    "last_at",
                    "created_at",
                ],
            ),
        ],
    },
    Table {
        name: "audit_chains",
        purpose: Audit,
        columns: &[(Reference, &["chain_id"]), (Technical, &["last_seq", "last_hash"])],
    },
    Table {
        name: "audit_events",
        purpose: Audit,
        columns: &[
            (FreeText, &["reason", "details"]),
            (Activity, &["action", "occurred_at"]),
            (Connection, &["client_addr", "request_id"]),
            (Reference, &["id", "chain_id", "organisation_id", "actor_user_id", "subject_id"]),
            (Technical, &["seq", "subject_type", "prev_hash", "hash"]),
        ],
    },
    Table {
        name: "calendar_feeds",
        purpose: Accounts,
        columns: &[
            (Credentials, &["token_hash"]),
            (Reference, &["id", "organisation_id", "user_id"]),
            (Technical, &["show_names", "created_at", "revoked_at", "last_used_at"]),
        ],
    },
    Table {
        name: "invitation_teams",
        purpose: Accounts,
        columns: &[(Staff, &["supervises"]), (Reference, &["invitation_id", "team_id"])],
    },
    Table {
        name: "invitations",
        purpose: Accounts,
        columns: &[
            (Staff, &["role", "invited_name", "expires_at", "answered_at", "answer"]),
            (Credentials, &["link_hash"]),
            (Reference, &["id", "organisation_id", "user_id", "invited_by"]),
            (Technical, &["created_at"]),
        ],
    },
    Table {
        name: "job_schedules",
        purpose: Operations,
        columns: &[(
            Technical,
            &["name", "every_minutes", "next_run_at", "last_enqueued_at", "updated_at"],
        )],
    },
    Table {
        name: "jobs",
        purpose: Operations,
        columns: &[
            (Reference, &["id"]),
            (
                Technical,
                &[
                    "kind",
                    "key",
                    "payload",
                    "state",
                    "attempts",
                    "max_attempts",
                    "run_at",
                    "locked_by",
                    "locked_until",
                    "last_error",
                    "created_at",
                    "updated_at",
                    "finished_at",
                ],
            ),
        ],
    },
    Table {
        name: "list_values",
        purpose: Operations,
        columns: &[
            (Reference, &["organisation_id"]),
            (
                Technical,
                &[
                    "list",
                    "code",
                    "label_fr",
                    "label_en",
                    "hidden",
                    "position",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "login_throttle",
        purpose: Accounts,
        columns: &[(Connection, &["key", "window_started_at", "attempts", "blocked_until"])],
    },
    Table {
        name: "mail_deliveries",
        purpose: Operations,
        columns: &[(Reference, &["user_id"]), (Technical, &["kind", "key", "sent_at"])],
    },
    Table {
        name: "membership_teams",
        purpose: Accounts,
        columns: &[(Staff, &["supervises"]), (Reference, &["membership_id", "team_id"])],
    },
    Table {
        name: "memberships",
        purpose: Accounts,
        columns: &[
            (Staff, &["role", "disabled_at"]),
            (Reference, &["id", "user_id", "organisation_id"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "notification_preferences",
        purpose: Operations,
        columns: &[
            (Staff, &["delivery"]),
            (Reference, &["user_id"]),
            (Technical, &["kind", "updated_at"]),
        ],
    },
    Table {
        name: "notifications",
        purpose: Operations,
        columns: &[
            (Reference, &["id", "user_id", "organisation_id", "actor_user_id", "subject_id"]),
            (Technical, &["kind", "subject_type", "details", "created_at", "read_at"]),
        ],
    },
    Table {
        name: "one_time_tokens",
        purpose: Accounts,
        columns: &[
            (Credentials, &["purpose", "expires_at", "used_at"]),
            (Reference, &["id", "user_id"]),
            (Technical, &["created_at"]),
        ],
    },
    Table {
        name: "organisations",
        purpose: Operations,
        columns: &[
            (Reference, &["id"]),
            (
                Technical,
                &[
                    "slug",
                    "name",
                    "time_zone",
                    "created_at",
                    "updated_at",
                    "version",
                    "require_second_factor",
                    "session_idle_minutes",
                    "session_absolute_hours",
                    "letterhead_address",
                    "letterhead_signatory",
                    "letterhead_footer",
                    "reminder_flag_hours",
                    "reminder_assessment_months",
                    "reminder_referral_days",
                    "reminder_mail_days",
                    "reminder_aid_days",
                    "budget_threshold_cents",
                    "budget_day_divisor",
                    "statistics_threshold",
                    "aid_pseudonymised_agenda",
                ],
            ),
        ],
    },
    Table {
        name: "partner_import_uploads",
        purpose: Directory,
        columns: &[
            (File, &["file_name", "content"]),
            (Reference, &["id", "user_id"]),
            (Technical, &["format", "created_at"]),
        ],
    },
    Table {
        name: "partner_organisations",
        purpose: Directory,
        columns: &[
            (Staff, &["phone", "email"]),
            (Reference, &["id", "linked_organisation_id", "created_by", "updated_by"]),
            (
                Technical,
                &[
                    "source_key",
                    "name",
                    "kind",
                    "description",
                    "website",
                    "address",
                    "postal_code",
                    "city",
                    "search_text",
                    "area_text",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "partner_private_notes",
        purpose: Directory,
        columns: &[
            (Staff, &["contacts", "notes"]),
            (Reference, &["id", "partner_id", "organisation_id", "created_by", "updated_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "partner_service_domains",
        purpose: Directory,
        columns: &[(Reference, &["service_id"]), (Technical, &["domain_code"])],
    },
    Table {
        name: "partner_services",
        purpose: Directory,
        columns: &[
            (Staff, &["phone", "email", "contacts"]),
            (Reference, &["id", "partner_id", "created_by", "updated_by"]),
            (
                Technical,
                &[
                    "source_key",
                    "name",
                    "description",
                    "eligibility",
                    "area_served",
                    "address",
                    "postal_code",
                    "city",
                    "website",
                    "hours",
                    "languages",
                    "how_to_refer",
                    "search_text",
                    "area_text",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "pending_sign_ins",
        purpose: Accounts,
        columns: &[
            (Connection, &["expires_at", "attempts"]),
            (Reference, &["id", "user_id"]),
            (Technical, &["created_at"]),
        ],
    },
    Table {
        name: "recovery_codes",
        purpose: Accounts,
        columns: &[(Credentials, &["code_hash", "used_at"]), (Reference, &["user_id"])],
    },
    Table {
        // The annual report's narrative (ADR 0039): text about the service's year, typed by
        // its managers; who saved it last.
        name: "report_narratives",
        purpose: Operations,
        columns: &[
            (FreeText, &["body"]),
            (Reference, &["organisation_id", "updated_by"]),
            (Technical, &["year", "section", "version", "updated_at"]),
        ],
    },
    Table {
        name: "retention_file_deletions",
        purpose: Operations,
        columns: &[
            // The random name of an object already unlinked from every record.
            (Reference, &["organisation_id"]),
            (Technical, &["object_name", "recorded_at"]),
        ],
    },
    Table {
        name: "retention_settings",
        purpose: Operations,
        columns: &[
            // Why the access log is kept beyond twelve months (the DPO's words).
            (FreeText, &["audit_reason"]),
            (Reference, &["organisation_id", "updated_by"]),
            (
                Technical,
                &[
                    "case_months",
                    "minor_months",
                    "audit_months",
                    "after_due",
                    "grace_days",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "sessions",
        purpose: Accounts,
        columns: &[
            (
                Connection,
                &["last_seen_at", "expires_at", "device", "failed_logins_before", "rotation_due"],
            ),
            (Reference, &["id", "user_id", "active_organisation_id"]),
            (Technical, &["created_at"]),
        ],
    },
    Table {
        name: "statistics_table_rows",
        purpose: Operations,
        columns: &[
            (Reference, &["table_id"]),
            (Technical, &["position", "label_fr", "label_en", "codes"]),
        ],
    },
    Table {
        name: "statistics_tables",
        purpose: Operations,
        columns: &[
            (Reference, &["id", "organisation_id"]),
            (
                Technical,
                &[
                    "key",
                    "position",
                    "title_fr",
                    "title_en",
                    "dimension",
                    "bands",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
        ],
    },
    Table {
        name: "teams",
        purpose: Accounts,
        columns: &[
            (Reference, &["id", "organisation_id"]),
            (Technical, &["name", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "users",
        purpose: Accounts,
        columns: &[
            (
                Staff,
                &["email", "display_name", "instance_admin", "preferred_locale", "disabled_at"],
            ),
            (
                Credentials,
                &[
                    "password_hash",
                    "password_changed_at",
                    "totp_secret_encrypted",
                    "totp_enabled_at",
                    "totp_last_step",
                ],
            ),
            (Connection, &["failed_logins", "last_login_at"]),
            (Reference, &["id", "last_organisation_id"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
];
