//! Integration tests of the web layer: one test binary, every test on SQLite and PostgreSQL.

mod account;
mod admin;
mod api_tokens;
mod appointments;
mod assessments;
mod audit;
mod auth;
mod case_summary;
mod caseloads;
mod cases;
mod cases_api;
mod helpers;
mod import;
mod intake;
mod jobs;
mod lists_admin;
mod mail;
mod matrix;
mod notifications;
mod passwords;
mod persons;
mod persons_api;
mod plans;
mod settings;
mod shell;
mod tasks;
