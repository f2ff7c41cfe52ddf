//! The tables about the persons followed: their record, their support, their referrals.
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "aid_requests",
        purpose: SocialSupport,
        columns: &[
            (Financial, &["asked_cents", "granted_cents"]),
            (FreeText, &["presentation", "decision_comment"]),
            (ThirdParty, &["payee_name"]),
            (
                Activity,
                &[
                    "aid_type",
                    "requested_on",
                    "status",
                    "refusal_reason",
                    "decided_at",
                    "payment_method",
                    "payee",
                    "paid_on",
                ],
            ),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "case_id",
                    "person_id",
                    "session_id",
                    "decided_by",
                    "created_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "aid_steps",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["note"]),
            (Activity, &["status", "at"]),
            (Reference, &["id", "request_id", "by_user"]),
        ],
    },
    Table {
        name: "appointment_reminders",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["starts_at", "channel", "outcome", "recorded_at"]),
            (Reference, &["appointment_id", "organisation_id"]),
        ],
    },
    Table {
        name: "appointments",
        purpose: SocialSupport,
        columns: &[
            (Contact, &["remind_by"]),
            (FreeText, &["place_detail", "purpose"]),
            (
                Activity,
                &[
                    "starts_at",
                    "ends_at",
                    "place",
                    "status",
                    "cancelled_by",
                    "status_changed_at",
                    "remind_locale",
                ],
            ),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "worker_id",
                    "person_id",
                    "case_id",
                    "series_id",
                    "status_changed_by",
                    "created_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "assessment_drafts",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["content"]),
            (Reference, &["id", "organisation_id", "user_id", "case_id", "assessment_id"]),
            (Technical, &["draft_key", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "assessment_ratings",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["domain_code", "need_level", "person_level", "priority"]),
            (FreeText, &["person_words", "strengths"]),
            (Reference, &["id", "organisation_id", "assessment_id"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "assessments",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["assessed_on"]),
            (Reference, &["id", "organisation_id", "case_id", "assessed_by", "corrected_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "case_co_referents",
        purpose: SocialSupport,
        columns: &[(Reference, &["case_id", "user_id"])],
    },
    Table {
        name: "case_delegations",
        purpose: SocialSupport,
        columns: &[
            // `end_reason` is a code (returned, replaced), not typed text.
            (
                Activity,
                &["delegate_was_co_referent", "starts_at", "ends_at", "ended_at", "end_reason"],
            ),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "case_id",
                    "absent_referent_id",
                    "delegate_id",
                    "created_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "case_emergency_access",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["reason"]),
            (Activity, &["granted_at", "expires_at"]),
            (Reference, &["id", "organisation_id", "case_id", "user_id"]),
        ],
    },
    Table {
        name: "case_entries",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["place", "participants", "body", "delete_reason"]),
            (
                Activity,
                &[
                    "kind",
                    "occurred_at",
                    "note_type",
                    "duration_minutes",
                    "confidentiality",
                    "status",
                    "closure_reason",
                    "deleted_at",
                    "summary",
                    "detail",
                ],
            ),
            (
                Reference,
                &["id", "organisation_id", "case_id", "author_id", "deleted_by", "subject_id"],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "case_entry_versions",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["place", "participants", "body"]),
            (
                Activity,
                &[
                    "occurred_at",
                    "note_type",
                    "duration_minutes",
                    "confidentiality",
                    "written_at",
                    "replaced_at",
                ],
            ),
            (Reference, &["id", "entry_id", "written_by"]),
            (Technical, &["version"]),
        ],
    },
    Table {
        name: "case_follow_up_domains",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["domain_code", "outcome"]),
            (Reference, &["id", "organisation_id", "follow_up_id"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "case_follow_ups",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["due_on", "status", "done_on", "wellbeing", "power_to_act"]),
            (Reference, &["id", "organisation_id", "case_id", "recorded_by", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "case_ties",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["strength"]),
            (FreeText, &["note"]),
            (ThirdParty, &["label"]),
            (Activity, &["kind"]),
            (Reference, &["id", "organisation_id", "case_id", "created_by", "updated_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "cases",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["reason", "orientation_source", "closure_reason"]),
            (Activity, &["status", "opened_at", "closed_at"]),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "person_id",
                    "household_id",
                    "team_id",
                    "referent_id",
                    "created_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "consents",
        purpose: Referrals,
        columns: &[
            (ThirdParty, &["recipient", "given_by_name"]),
            (Activity, &["purpose", "scope", "given_by", "method", "given_on", "withdrawn_at"]),
            (Reference, &["id", "organisation_id", "person_id", "recorded_by", "withdrawn_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "document_shares",
        purpose: Referrals,
        columns: &[
            (ThirdParty, &["recipient_label"]),
            // `recipient` is a code (person, partner); the label names them.
            (Activity, &["recipient", "expires_at", "revoked_at", "use_count", "last_used_at"]),
            (Credentials, &["token_hash"]),
            (Reference, &["id", "organisation_id", "document_id", "revoked_by", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "documents",
        purpose: SocialSupport,
        columns: &[
            (File, &["file_name", "object_name"]),
            (Activity, &["type_code", "file_type", "size_bytes", "expires_on", "confidential"]),
            (Reference, &["id", "organisation_id", "person_id", "case_id", "uploaded_by"]),
            (Technical, &["key_id", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "form_drafts",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["fields"]),
            (Reference, &["id", "user_id", "organisation_id"]),
            (Technical, &["path", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "household_members",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["relationship"]),
            (Activity, &["from_date", "to_date"]),
            (Reference, &["id", "household_id", "person_id"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "households",
        purpose: SocialSupport,
        columns: &[
            (Identity, &["name"]),
            (Reference, &["id", "organisation_id", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "import_uploads",
        purpose: SocialSupport,
        columns: &[
            (File, &["file_name", "content"]),
            (Reference, &["id", "organisation_id", "user_id"]),
            (Technical, &["created_at"]),
        ],
    },
    Table {
        name: "note_drafts",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["typed_date", "typed_time", "duration", "place", "participants", "body"]),
            (Activity, &["note_type", "confidentiality"]),
            (Reference, &["id", "organisation_id", "user_id", "case_id", "entry_id"]),
            (Technical, &["draft_key", "created_at", "updated_at"]),
        ],
    },
    Table {
        name: "person_distinct",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["decided_at"]),
            (Reference, &["organisation_id", "person_id", "other_id", "decided_by"]),
        ],
    },
    Table {
        name: "person_merges",
        purpose: SocialSupport,
        columns: &[
            (Identity, &["survivor_before", "survivor_after"]),
            (Activity, &["merged_at", "undone_at"]),
            (
                Reference,
                &["id", "organisation_id", "survivor_id", "merged_id", "merged_by", "undone_by"],
            ),
            (
                Technical,
                &["survivor_version_before", "survivor_version_after", "repointed", "version"],
            ),
        ],
    },
    Table {
        name: "person_resources",
        purpose: SocialSupport,
        columns: &[(Financial, &["code", "amount_cents"]), (Reference, &["person_id"])],
    },
    Table {
        name: "person_revisions",
        purpose: SocialSupport,
        columns: &[
            (Identity, &["snapshot"]),
            (Activity, &["changed_at"]),
            (Reference, &["person_id", "changed_by"]),
            (Technical, &["version"]),
        ],
    },
    Table {
        name: "person_terms",
        purpose: SocialSupport,
        columns: &[
            (Identity, &["term"]),
            (Activity, &["kind"]),
            (Reference, &["organisation_id", "person_id"]),
        ],
    },
    Table {
        name: "persons",
        purpose: SocialSupport,
        columns: &[
            (
                Identity,
                &[
                    "birth_name",
                    "used_name",
                    "first_names",
                    "birth_date",
                    "birth_place",
                    "sex",
                    "nationality",
                    "languages",
                    "interpreter_needed",
                    "benefit_office_number",
                    "employment_service_id",
                ],
            ),
            (
                Contact,
                &[
                    "phones",
                    "email",
                    "address_line1",
                    "address_line2",
                    "postcode",
                    "town",
                    "country",
                ],
            ),
            (SocialSituation, &["residence_status", "housing_situation", "family_situation"]),
            (Justice, &["protection_measure", "protection_start", "protection_review"]),
            (FreeText, &["own_words"]),
            (ThirdParty, &["protector_name", "protector_contact"]),
            (Reference, &["id", "organisation_id", "merged_into_id", "created_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "plan_agreements",
        purpose: SocialSupport,
        columns: &[
            (Activity, &["agreed_on", "method"]),
            (Reference, &["id", "organisation_id", "case_id", "recorded_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "plan_goal_domains",
        purpose: SocialSupport,
        columns: &[(Activity, &["domain"]), (Reference, &["goal_id", "organisation_id"])],
    },
    Table {
        name: "plan_goals",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["person_words", "worker_words"]),
            (Activity, &["status"]),
            (Reference, &["id", "organisation_id", "case_id", "created_by", "updated_by"]),
            (Technical, &["position", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "plan_steps",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["action"]),
            (ThirdParty, &["partner_name"]),
            (Activity, &["owner", "due_on", "status"]),
            (
                Reference,
                &["id", "organisation_id", "case_id", "goal_id", "created_by", "updated_by"],
            ),
            (Technical, &["position", "created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "plan_victories",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["person_words"]),
            (Activity, &["occurred_on"]),
            (Reference, &["id", "organisation_id", "case_id", "goal_id", "recorded_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "referral_items",
        purpose: Referrals,
        columns: &[(Activity, &["kind", "item"]), (Reference, &["referral_id"])],
    },
    Table {
        name: "referral_steps",
        purpose: Referrals,
        columns: &[
            (FreeText, &["note"]),
            (Activity, &["status", "at", "side"]),
            (Reference, &["id", "referral_id", "by_user"]),
        ],
    },
    Table {
        name: "referrals",
        purpose: Referrals,
        columns: &[
            (FreeText, &["reason", "request"]),
            (Activity, &["urgency", "status", "sent_at", "answered_at", "closed_at"]),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "case_id",
                    "person_id",
                    "service_id",
                    "partner_organisation_id",
                    "consent_id",
                    "created_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "retention_reviews",
        purpose: SocialSupport,
        columns: &[
            // The DPO's written reason for a postponement or a legal hold; the public
            // archives' reference of a minor's file they sorted (typed).
            (FreeText, &["reason", "archives_reference"]),
            (
                Activity,
                &[
                    "last_contact_on",
                    "due_on",
                    "minor",
                    "decision",
                    "until_on",
                    "decided_at",
                    "outcome",
                    "processed_at",
                    "archives_step",
                    "archives_on",
                    "archives_recorded_at",
                ],
            ),
            (Reference, &["id", "organisation_id", "person_id", "decided_by", "archives_by"]),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "tasks",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["title", "details"]),
            (Activity, &["kind", "due_on", "status", "closed_at", "reminded_on"]),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "source_id",
                    "case_id",
                    "person_id",
                    "assignee_id",
                    "created_by",
                    "closed_by",
                ],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "urgency_flags",
        purpose: SocialSupport,
        columns: &[
            (SocialSituation, &["code"]),
            (FreeText, &["note", "close_note"]),
            (Activity, &["status", "raised_at", "acknowledged_at", "review_date", "closed_at"]),
            (
                Reference,
                &[
                    "id",
                    "organisation_id",
                    "person_id",
                    "case_id",
                    "team_id",
                    "raised_by",
                    "acknowledged_by",
                    "closed_by",
                ],
            ),
            (Technical, &["updated_at", "version"]),
        ],
    },
    Table {
        name: "visits",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["reason", "outcome", "note"]),
            (Activity, &["handled_at"]),
            (
                Reference,
                &["id", "organisation_id", "person_id", "team_id", "handled_by", "created_by"],
            ),
            (Technical, &["created_at", "updated_at", "version"]),
        ],
    },
    Table {
        name: "voice_notes",
        purpose: SocialSupport,
        columns: &[
            (FreeText, &["transcript"]),
            (File, &["object_name"]),
            (
                Activity,
                &[
                    "note_type",
                    "file_type",
                    "size_bytes",
                    "language",
                    "status",
                    "keep_recording",
                    "filed_at",
                    "audio_deleted_at",
                ],
            ),
            (
                Reference,
                &["id", "organisation_id", "person_id", "case_id", "author_id", "filed_entry_id"],
            ),
            (Technical, &["key_id", "created_at", "updated_at", "version"]),
        ],
    },
];
