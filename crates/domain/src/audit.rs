//! The audit trail's rules: which actions are recorded, under which stable codes, and how each
//! event is chained to the one before it so that a changed, removed or reordered event shows.
//!
//! Events form one chain per organisation, plus one chain for the instance (an administrator
//! creating an organisation, say). Each event's hash covers its own content and the previous
//! event's hash; `passerelle audit verify` recomputes every chain. The hash proves integrity
//! against anyone who can change rows but not recompute the rest of the chain and its head;
//! anchoring chain heads outside the database is what would close that gap.

use sha2::{Digest, Sha256};
use thiserror::Error;
use uuid::Uuid;

use crate::OrganisationId;

/// The previous hash of the first event of every chain: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain of events that concern no organisation (instance administration).
pub const INSTANCE_CHAIN: Uuid = Uuid::nil();

/// The chain an event belongs to: its organisation's, or the instance's.
pub fn chain_id(organisation_id: Option<OrganisationId>) -> Uuid {
    organisation_id.map_or(INSTANCE_CHAIN, |o| o.as_uuid())
}

macro_rules! audit_actions {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, )*) => {
        /// What happened. The codes are stored and hashed: never rename one, only add.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $( $(#[$doc])* $variant, )*
        }

        impl AuditAction {
            /// Every action, in declaration order.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The stable snake_case code stored in the log.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( AuditAction::$variant => $code, )*
                }
            }

            /// The action a stored code names.
            pub fn parse(code: &str) -> Result<Self, UnknownAuditAction> {
                match code {
                    $( $code => Ok(AuditAction::$variant), )*
                    _ => Err(UnknownAuditAction(code.to_owned())),
                }
            }
        }
    };
}

audit_actions! {
    LoginSucceeded => "login_succeeded",
    LoginFailed => "login_failed",
    Logout => "logout",
    /// Every session of a user closed at once.
    LogoutEverywhere => "logout_everywhere",
    SessionExpired => "session_expired",
    PasswordSet => "password_set",
    /// Someone opened a person's file.
    PersonFileRead => "person_file_read",
    RecordCreated => "record_created",
    RecordUpdated => "record_updated",
    RecordDeleted => "record_deleted",
    Export => "export",
    /// Access beyond the usual rules, with a reason, for an emergency.
    BreakTheGlass => "break_the_glass",
    OrganisationCreated => "organisation_created",
    TeamCreated => "team_created",
    UserCreated => "user_created",
    MembershipChanged => "membership_changed",
    PermissionChanged => "permission_changed",
    TokenCreated => "token_created",
    TokenUsed => "token_used",
    TokenRevoked => "token_revoked",
    AdminAction => "admin_action",
    /// The TOTP second factor was turned on (with new recovery codes) or off.
    SecondFactorEnabled => "second_factor_enabled",
    SecondFactorDisabled => "second_factor_disabled",
    /// The user switched the organisation they act in (the session id changes).
    OrganisationSwitched => "organisation_switched",
    /// Two records of the same person were merged (the merged one kept, pointing at the other).
    PersonsMerged => "persons_merged",
    /// A merge was undone.
    MergeUndone => "merge_undone",
    /// Someone confirmed that a new record is a different person from a similar one.
    DuplicateDismissed => "duplicate_dismissed",
    /// A TOTP secret was made and stored for the user to scan; the factor is still off until
    /// a first code confirms it (`second_factor_enabled`).
    SecondFactorEnrolmentStarted => "second_factor_enrolment_started",
    /// Persons and households imported from a file (the details hold counts only).
    Import => "import",
    /// Someone opened a case's page (its timeline, or its metadata only).
    CaseFileRead => "case_file_read",
    /// Someone made a document of a case (a PDF summary): the details name the document, the
    /// sections, the purpose and the language, never any text of the case.
    CaseExported => "case_exported",
    /// Someone downloaded a document (the details name the person and the case, never the
    /// file's name).
    DocumentDownloaded => "document_downloaded",
    /// Someone opened a document's preview (an image or a PDF shown in the page).
    DocumentPreviewed => "document_previewed",
    /// A share link of a document was made (for the person or a partner, for some days).
    DocumentShared => "document_shared",
    DocumentShareRevoked => "document_share_revoked",
    /// A share link was used: nobody signed in, the link's id in the details.
    DocumentShareUsed => "document_share_used",
    /// Someone listened to or downloaded a voice note's recording (the details name the person
    /// and the case).
    VoiceNoteListened => "voice_note_listened",
    /// A decision on a line of the retention review list (approve, postpone, hold), with the
    /// DPO's reason.
    RetentionDecided => "retention_decided",
    /// A person's file was anonymised by retention (the subject's id only, no content).
    Anonymised => "anonymised",
    /// A person's file was moved to the restricted archive by retention.
    RetentionArchived => "retention_archived",
    /// A person's file was erased on their request (ADR 0036): the subject's id, the request's
    /// id and counts only, never content.
    Erased => "erased",
    /// Events of a chain older than the organisation's access-log period were purged (ADR
    /// 0040): the details repeat the anchor left in their place (seq range, last hash, counts,
    /// dates), so the anchor itself is covered by the chain.
    AuditPurged => "audit_purged",
    /// A DPO or manager opened a file of the restricted archive, with a written reason (ADR
    /// 0040): the opening lasts a day and is this event.
    ArchiveOpened => "archive_opened",
    /// A file was taken out of the restricted archive (its review line held, with the reason).
    ArchiveRestored => "archive_restored",
}

impl AuditAction {
    /// Whether events of this action outlive the access-log period (ADR 0040). Access and
    /// connection traces and day-to-day changes go after `audit_months` (CNIL logging
    /// recommendation, DOMAIN.md §3.2: 6 to 12 months); what proves that the organisation met
    /// its duties towards the persons (an erasure, an anonymisation or archiving, a DPO's
    /// retention decision, data handed out of the application, an earlier purge) stays: these
    /// events hold ids and counts only, and are the accountability record of art. 5(2) GDPR.
    /// Exhaustive on purpose: a new action needs a decision here.
    pub const fn outlives_access_log(self) -> bool {
        use AuditAction::*;
        match self {
            Erased | Anonymised | RetentionArchived | RetentionDecided | Export | AuditPurged
            | PersonsMerged | MergeUndone | ArchiveRestored => true,
            LoginSucceeded
            | LoginFailed
            | Logout
            | LogoutEverywhere
            | SessionExpired
            | PasswordSet
            | PersonFileRead
            | RecordCreated
            | RecordUpdated
            | RecordDeleted
            | BreakTheGlass
            | OrganisationCreated
            | TeamCreated
            | UserCreated
            | MembershipChanged
            | PermissionChanged
            | TokenCreated
            | TokenUsed
            | TokenRevoked
            | AdminAction
            | SecondFactorEnabled
            | SecondFactorDisabled
            | OrganisationSwitched
            | DuplicateDismissed
            | SecondFactorEnrolmentStarted
            | Import
            | CaseFileRead
            | CaseExported
            | DocumentDownloaded
            | DocumentPreviewed
            | DocumentShared
            | DocumentShareRevoked
            | DocumentShareUsed
            | VoiceNoteListened
            | ArchiveOpened => false,
        }
    }

    /// The actions that outlive the access-log period.
    pub fn outliving_access_log() -> impl Iterator<Item = AuditAction> {
        Self::ALL.iter().copied().filter(|a| a.outlives_access_log())
    }
}

/// The digest of the events an anchor's range keeps (ADR 0040): SHA-256 over their hashes in
/// seq order, each as 64 hex digits. A kept event changed (its hash recomputed), removed or
/// added inside the range changes it.
pub fn kept_digest<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    h.update(b"passerelle-audit-kept-v1\0");
    for hash in hashes {
        h.update((hash.len() as u64).to_be_bytes());
        h.update(hash.as_bytes());
    }
    hex::encode(h.finalize())
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored action code this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown audit action {0:?}")]
pub struct UnknownAuditAction(pub String);

/// Everything an event's hash covers, as stored. Text fields are the exact stored text, so
/// the hash recomputed from a row read back equals the one computed when it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditHashFields<'a> {
    pub chain_id: Uuid,
    pub seq: i64,
    pub id: Uuid,
    /// The fixed-width UTC text form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    pub occurred_at: &'a str,
    pub organisation_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    /// The action's code, as text: a row with an unknown or altered code still hashes.
    pub action: &'a str,
    pub subject_type: Option<&'a str>,
    pub subject_id: Option<Uuid>,
    pub client_addr: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub details: Option<&'a str>,
}

/// The event's hash, as 64 lowercase hex digits: SHA-256 over the previous event's hash and
/// every field, each encoded as a presence byte, then (when present) its length and bytes, so
/// that no two different events encode alike ("ab"+"c" is not "a"+"bc", an empty reason is
/// not a missing one).
pub fn chain_hash(prev_hash: &str, fields: &AuditHashFields<'_>) -> String {
    fn put(h: &mut Sha256, value: Option<&[u8]>) {
        match value {
            None => h.update([0u8]),
            Some(bytes) => {
                h.update([1u8]);
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(bytes);
            }
        }
    }
    fn put_uuid(h: &mut Sha256, value: Option<Uuid>) {
        put(h, value.as_ref().map(|u| u.as_bytes().as_slice()));
    }
    fn put_text(h: &mut Sha256, value: Option<&str>) {
        put(h, value.map(str::as_bytes));
    }

    let mut h = Sha256::new();
    // Names the encoding, so that a future one cannot be confused with this one.
    h.update(b"passerelle-audit-v1\0");
    put_text(&mut h, Some(prev_hash));
    put_uuid(&mut h, Some(fields.chain_id));
    put(&mut h, Some(&fields.seq.to_be_bytes()));
    put_uuid(&mut h, Some(fields.id));
    put_text(&mut h, Some(fields.occurred_at));
    put_uuid(&mut h, fields.organisation_id);
    put_uuid(&mut h, fields.actor_user_id);
    put_text(&mut h, Some(fields.action));
    put_text(&mut h, fields.subject_type);
    put_uuid(&mut h, fields.subject_id);
    put_text(&mut h, fields.client_addr);
    put_text(&mut h, fields.request_id);
    put_text(&mut h, fields.reason);
    put_text(&mut h, fields.details);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn uuid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn base<'a>() -> AuditHashFields<'a> {
        AuditHashFields {
            chain_id: uuid(1),
            seq: 7,
            id: uuid(2),
            occurred_at: "2026-11-25T23:45:05.123456Z",
            organisation_id: Some(uuid(1)),
            actor_user_id: Some(uuid(3)),
            action: "person_file_read",
            subject_type: Some("person"),
            subject_id: Some(uuid(4)),
            client_addr: Some("192.0.2.1"),
            request_id: Some("req-1"),
            reason: Some("follow-up"),
            details: Some(r#"{"role":"worker"}"#),
        }
    }

    #[test]
    fn access_traces_go_and_the_proofs_of_duties_stay() {
        for read in [
            AuditAction::PersonFileRead,
            AuditAction::CaseFileRead,
            AuditAction::DocumentDownloaded,
            AuditAction::LoginSucceeded,
            AuditAction::BreakTheGlass,
        ] {
            assert!(!read.outlives_access_log(), "{read}");
        }
        let kept: Vec<&str> =
            AuditAction::outliving_access_log().map(AuditAction::as_str).collect();
        for proof in ["erased", "anonymised", "retention_decided", "export", "audit_purged"] {
            assert!(kept.contains(&proof), "{proof}");
        }
        assert!(kept.len() < AuditAction::ALL.len() / 2, "most of the log is access traces");
    }

    #[test]
    fn the_kept_digest_depends_on_every_hash_and_their_order() {
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        let both = kept_digest([a.as_str(), b.as_str()]);
        assert_ne!(both, kept_digest([b.as_str(), a.as_str()]));
        assert_ne!(both, kept_digest([a.as_str()]));
        assert_ne!(kept_digest([a.as_str()]), kept_digest(std::iter::empty()));
        assert_eq!(both, kept_digest(vec![a.as_str(), b.as_str()]));
        assert_eq!(both.len(), 64);
    }

    #[test]
    fn codes_round_trip_and_are_unique_snake_case() {
        let mut seen = HashSet::new();
        for action in AuditAction::ALL {
            let code = action.as_str();
            assert_eq!(AuditAction::parse(code), Ok(*action));
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
            assert!(seen.insert(code), "{code} is used twice");
        }
        assert_eq!(AuditAction::ALL.len(), 44);
        assert_eq!(
            AuditAction::parse("LOGIN_SUCCEEDED"),
            Err(UnknownAuditAction("LOGIN_SUCCEEDED".into()))
        );
    }

    #[test]
    fn the_instance_chain_is_the_nil_uuid_and_an_organisation_chains_under_its_id() {
        let org = OrganisationId::new();
        assert_eq!(chain_id(None), Uuid::nil());
        assert_eq!(chain_id(Some(org)), org.as_uuid());
        assert_eq!(GENESIS_HASH.len(), 64);
        assert!(GENESIS_HASH.bytes().all(|b| b == b'0'));
    }

    #[test]
    fn the_hash_is_64_lowercase_hex_digits_and_deterministic() {
        let h = chain_hash(GENESIS_HASH, &base());
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{h}");
        assert_eq!(h, chain_hash(GENESIS_HASH, &base()));
    }

    /// Stored chains must keep verifying after an upgrade: this pins the encoding (the value
    /// was cross-checked with an independent implementation of the encoding described above).
    #[test]
    fn the_encoding_is_frozen() {
        assert_eq!(
            chain_hash(GENESIS_HASH, &base()),
            "4ae6f60fe128733c238d243a9918562c752a07bfe07df19cfbb9c7e0f32f75de"
        );
    }

    #[test]
    fn changing_any_single_field_changes_the_hash() {
        type Change = fn(&mut AuditHashFields<'static>);
        let changes: &[(&str, Change)] = &[
            ("chain_id", |f| f.chain_id = uuid(99)),
            ("seq", |f| f.seq = 8),
            ("id", |f| f.id = uuid(99)),
            ("occurred_at", |f| f.occurred_at = "2026-11-25T23:45:05.123457Z"),
            ("organisation_id", |f| f.organisation_id = None),
            ("actor_user_id", |f| f.actor_user_id = Some(uuid(99))),
            ("action", |f| f.action = "export"),
            ("subject_type", |f| f.subject_type = Some("case")),
            ("subject_id", |f| f.subject_id = None),
            ("client_addr", |f| f.client_addr = Some("192.0.2.2")),
            ("request_id", |f| f.request_id = None),
            ("reason", |f| f.reason = Some("follow-up ")),
            ("details", |f| f.details = Some(r#"{"role":"manager"}"#)),
        ];
        let original = chain_hash(GENESIS_HASH, &base());
        let mut all = HashSet::from([original.clone()]);
        for (name, change) in changes {
            let mut fields = base();
            change(&mut fields);
            let changed = chain_hash(GENESIS_HASH, &fields);
            assert_ne!(changed, original, "changing {name} must change the hash");
            assert!(all.insert(changed), "changing {name} collides with another change");
        }
        let other_prev = "1".repeat(64);
        assert_ne!(chain_hash(&other_prev, &base()), original, "the previous hash is covered");
    }

    #[test]
    fn an_empty_value_is_not_a_missing_one() {
        let mut empty = base();
        empty.reason = Some("");
        let mut missing = base();
        missing.reason = None;
        assert_ne!(chain_hash(GENESIS_HASH, &empty), chain_hash(GENESIS_HASH, &missing));
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let (mut left, mut right) = (base(), base());
        left.subject_type = Some("ab");
        left.client_addr = Some("c");
        right.subject_type = Some("a");
        right.client_addr = Some("bc");
        assert_ne!(chain_hash(GENESIS_HASH, &left), chain_hash(GENESIS_HASH, &right));
        // A value moved from one optional field into its absent neighbour.
        let (mut left, mut right) = (base(), base());
        left.request_id = Some("x");
        left.reason = None;
        right.request_id = None;
        right.reason = Some("x");
        assert_ne!(chain_hash(GENESIS_HASH, &left), chain_hash(GENESIS_HASH, &right));
    }

    proptest::proptest! {
        #[test]
        fn no_two_splits_of_the_same_text_hash_alike(
            text in "[a-z]{0,12}",
            a in 0usize..=12,
            b in 0usize..=12,
        ) {
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            proptest::prop_assume!(a != b);
            let split = |at: usize| {
                let mut f = base();
                f.reason = Some(&text[..at]);
                f.details = Some(&text[at..]);
                chain_hash(GENESIS_HASH, &f)
            };
            proptest::prop_assert_ne!(split(a), split(b));
        }
    }
}
