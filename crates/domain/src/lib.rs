//! Passerelle's domain: the types, validation rules and policies of case management.
//!
//! Nothing here does I/O, knows HTTP or SQL: the rules live here so that they can be tested
//! fast and read in one place.

pub mod accounts;
pub mod aid;
pub mod annual_report;
pub mod api_tokens;
pub mod appointments;
pub mod assessments;
pub mod audit;
pub mod budget;
pub mod caseloads;
pub mod cases;
pub mod documents;
pub mod domiciliation;
pub mod duplicates;
pub mod ecomap;
pub mod erasure;
pub mod federation;
pub mod follow_ups;
pub mod ids;
pub mod import;
pub mod intake;
pub mod inventory;
pub mod jobs;
pub mod lists;
pub mod mail;
pub mod markup;
pub mod money;
pub mod organisations;
pub mod partners;
pub mod passwords;
pub mod persons;
pub mod plans;
pub mod policy;
pub mod referrals;
pub mod reminders;
pub mod retention;
pub mod search;
pub mod statistics;
pub mod statistics_tables;
pub mod subject_access;
pub mod suppression;
pub mod tasks;
pub mod totp;
pub mod voice_notes;

pub use ids::{
    ApiTokenId, CaseEntryId, CaseId, HouseholdId, HouseholdMemberId, JobId, MembershipId,
    OrganisationId, PartnerId, PartnerServiceId, PersonId, TeamId, UserId,
};
