//! Integration tests of the web layer: one test binary, every test on SQLite and PostgreSQL.

mod auth;
mod helpers;
mod shell;
