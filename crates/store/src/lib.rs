//! Passerelle's storage layer: one SQL text per query, run on SQLite or PostgreSQL.
//!
//! Queries are written once with `$1`-style placeholders, which both engines accept, and run
//! through the [`Exec`] dispatch (see `docs/adr/0001-storage.md`). Engine-specific SQL lives
//! only in [`dialect`]; the schema lives in one migration folder per engine, kept in step by a
//! test that compares the two.

#[macro_use]
mod sql;

pub mod accounts;
pub mod aid;
pub mod annual_report;
pub mod api_tokens;
pub mod appointments;
pub mod assessments;
pub mod audit;
pub mod backup;
pub mod bench_data;
pub mod budgets;
pub mod case_emergency;
pub mod caseloads;
pub mod cases;
pub mod db;
pub mod demo;
pub mod dialect;
pub mod documents;
pub mod domiciliations;
pub mod ecomap;
pub mod erasure;
pub mod error;
pub mod federation;
pub mod follow_ups;
pub mod form_drafts;
pub mod home;
pub mod households;
pub mod import;
pub mod intake;
pub mod invitations;
pub mod jobs;
pub mod lists;
pub mod mail;
pub mod merges;
pub mod notifications;
pub mod organisations;
pub mod partners;
pub mod persons;
pub mod plans;
pub mod referrals;
pub mod reminders;
pub mod retention;
pub mod second_factor;
pub mod sessions;
pub mod statistics;
pub mod subject_access;
pub mod tasks;
pub mod teams;
pub mod throttle;
pub mod ts;
pub mod voice_notes;

pub use db::{Db, Engine, Exec, MigrationStatus, Tx, redact_url};
pub use error::StoreError;
pub use ts::Ts;
