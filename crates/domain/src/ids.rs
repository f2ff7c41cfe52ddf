//! Typed identifiers. Every table's primary key is a UUID v7 (time-ordered, so indexes stay
//! append-mostly); wrapping it per entity stops a team id from being passed where an
//! organisation id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an identifier read from storage or from a URL.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The underlying UUID, for storage.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// An organisation hosted on this instance (a CCAS, an association, a département service).
    OrganisationId
);
typed_id!(
    /// A team (service, antenne) inside an organisation.
    TeamId
);
typed_id!(
    /// A person who signs in: a social worker, a manager, a partner's agent…
    UserId
);
typed_id!(
    /// A user's membership of one organisation, with one role.
    MembershipId
);
typed_id!(
    /// An API token (its id, not its secret).
    ApiTokenId
);
typed_id!(
    /// An invitation of an account into an organisation, waiting for its answer.
    InvitationId
);
typed_id!(
    /// A person followed (or met once) by an organisation.
    PersonId
);
typed_id!(
    /// A household: the persons living together, over time.
    HouseholdId
);
typed_id!(
    /// One person's membership of a household, with its dates.
    HouseholdMemberId
);
typed_id!(
    /// A background job (a row of the job queue).
    JobId
);

typed_id!(
    /// A goal of a case's action plan, in the person's own words.
    GoalId
);
typed_id!(
    /// A step (action) under a goal of the plan: who does what by when.
    StepId
);
typed_id!(
    /// A victory: a small success of the person, in their words.
    VictoryId
);
typed_id!(
    /// The person's agreement to their plan (signed or oral), at one date.
    AgreementId
);
typed_id!(
    /// A case (accompagnement): a person followed by a team, with a referent.
    CaseId
);
typed_id!(
    /// An entry of a case's timeline: a note, or a change of the case's status.
    CaseEntryId
);
typed_id!(
    /// An assessment (diagnostic) of a case: ratings per life domain at one date.
    AssessmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_increase() {
        let a = OrganisationId::new();
        let b = OrganisationId::new();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a < b, "UUID v7 ids must sort in creation order");
    }

    #[test]
    fn ids_round_trip_through_text() {
        let id = TeamId::new();
        let parsed: TeamId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        assert!("not-a-uuid".parse::<TeamId>().is_err());
    }
}

typed_id!(
    /// A partner organisation of the shared directory (not one hosted here: see
    /// [`OrganisationId`]).
    PartnerId
);

typed_id!(
    /// A service of a partner organisation: what a referral will point at.
    PartnerServiceId
);
