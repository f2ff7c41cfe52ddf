//! The tables of the federation of referrals between instances (ADR 0029).
//! Add a column here in the commit that adds it: the store test `inventory` fails otherwise.

use super::Category::*;
use super::Purpose::*;
use super::Table;

pub static TABLES: &[Table] = &[
    Table {
        name: "federation_documents",
        purpose: Referrals,
        columns: &[
            (File, &["title", "file_name", "content"]),
            (Activity, &["media_type"]),
            (Reference, &["id", "referral_id"]),
        ],
    },
    Table {
        name: "federation_instance",
        purpose: Referrals,
        columns: &[
            (Credentials, &["sealed_keys"]),
            (Technical, &["id", "instance_id", "name", "created_at"]),
        ],
    },
    Table {
        name: "federation_packages",
        purpose: Referrals,
        columns: &[
            // The sealed package: the shared items, encrypted for the peer.
            (File, &["body"]),
            (Activity, &["direction", "kind", "state", "error"]),
            (Reference, &["id", "peer_id", "subject_id"]),
            (Technical, &["created_at", "updated_at"]),
        ],
    },
    Table {
        name: "federation_peers",
        purpose: Referrals,
        columns: &[
            (Credentials, &["inbound_token_hash", "outbound_token"]),
            (Reference, &["id", "partner_id", "organisation_id", "created_by"]),
            (
                Technical,
                &[
                    "instance_id",
                    "name",
                    "base_url",
                    "signing_key",
                    "encryption_key",
                    "created_at",
                    "updated_at",
                ],
            ),
        ],
    },
    Table {
        name: "federation_referrals",
        purpose: Referrals,
        columns: &[
            // The copy of the shared items: identity and contact fields, assessed domains with
            // the person's words, the consent.
            (Identity, &["content"]),
            (FreeText, &["reason", "request", "note"]),
            (Staff, &["referent_name", "referent_email"]),
            (Activity, &["urgency", "status", "erased_at", "received_at", "first_opened_at"]),
            (Reference, &["id", "organisation_id", "peer_id", "remote_referral_id"]),
            (Technical, &["sender_organisation", "service_name", "updated_at", "version"]),
        ],
    },
];
