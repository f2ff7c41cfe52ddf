//! Data-subject rights (issue 12 points 4 and 6; ADR 0035): the log of the requests a person
//! makes (access, portability, rectification, erasure, restriction, objection) with their legal
//! deadline (GDPR art. 12(3): one month from receipt, extendable by two more with a recorded
//! reason), and the plan of the subject access export: for every table of the data inventory
//! that holds data about the persons followed, how its rows are tied to one person — or why
//! they are left out. The plan is checked against the inventory by a test, so a table added
//! with personal data cannot be forgotten by the export.

mod plan;
mod review;

pub use plan::{
    Exclusion, Link, OVERRIDES, PLAN, Plan, exported_columns, personal_tables, plan_of,
};
pub use review::{NameIndex, mentions_third_party};

use time::{Date, Month};

/// What the person asks for (GDPR art. 15–21). The codes are stored: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Access,
    Portability,
    Rectification,
    Erasure,
    Restriction,
    Objection,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Access,
        Kind::Portability,
        Kind::Rectification,
        Kind::Erasure,
        Kind::Restriction,
        Kind::Objection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Portability => "portability",
            Kind::Rectification => "rectification",
            Kind::Erasure => "erasure",
            Kind::Restriction => "restriction",
            Kind::Objection => "objection",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether answering the request means giving the person their data (art. 15 and 20):
    /// the export is offered on those requests.
    pub fn gives_data(self) -> bool {
        matches!(self, Kind::Access | Kind::Portability)
    }
}

/// Where a request stands. The codes are stored: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Received, not answered yet.
    Open,
    /// Answered: done as asked.
    Answered,
    /// Answered with a refusal (erasure against a legal duty…), whose reason is recorded.
    Refused,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::Answered, Status::Refused];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// `day` plus `months` calendar months; the day of month is kept, or the month's last day
/// when it has fewer (31 January + 1 month = 28 or 29 February), as a deadline "within one
/// month" is counted.
pub fn add_months(day: Date, months: u8) -> Date {
    let total = day.month() as i32 - 1 + i32::from(months);
    let year = day.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1 to 12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).expect("a day of the month")
}

/// The legal deadline of a request received on `received_on`: one month, or three once
/// extended (art. 12(3): "extended by two further months where necessary").
pub fn deadline(received_on: Date, extended: bool) -> Date {
    add_months(received_on, if extended { 3 } else { 1 })
}

/// Whether an open request is past its deadline on `today`.
pub fn overdue(status: Status, deadline: Date, today: Date) -> bool {
    status == Status::Open && today > deadline
}

/// Why a change to a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The extension needs its reason (art. 12(3): the person is told why).
    ReasonRequired,
    /// A refusal needs its reason.
    RefusalReasonRequired,
    /// Already extended once: two months is all the law allows.
    AlreadyExtended,
    /// The request is answered: it no longer changes.
    Closed,
    /// A date before the request was received.
    BeforeReceipt,
    /// Longer than [`MAX_TEXT`].
    TooLong,
}

/// Longest reason or answer note.
pub const MAX_TEXT: usize = 2000;

/// Checks an extension: open, not extended yet, with a reason. Returns the trimmed reason.
pub fn check_extension(status: Status, extended: bool, reason: &str) -> Result<String, Problem> {
    if status != Status::Open {
        return Err(Problem::Closed);
    }
    if extended {
        return Err(Problem::AlreadyExtended);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Problem::ReasonRequired);
    }
    if reason.chars().count() > MAX_TEXT {
        return Err(Problem::TooLong);
    }
    Ok(reason.to_owned())
}

/// Checks an answer: open, on or after receipt, a refusal with its reason. Returns the
/// trimmed note (None when empty).
pub fn check_answer(
    status: Status,
    received_on: Date,
    outcome: Status,
    answered_on: Date,
    note: &str,
) -> Result<Option<String>, Problem> {
    if status != Status::Open || outcome == Status::Open {
        return Err(Problem::Closed);
    }
    if answered_on < received_on {
        return Err(Problem::BeforeReceipt);
    }
    let note = note.trim();
    if note.chars().count() > MAX_TEXT {
        return Err(Problem::TooLong);
    }
    if outcome == Status::Refused && note.is_empty() {
        return Err(Problem::RefusalReasonRequired);
    }
    Ok((!note.is_empty()).then(|| note.to_owned()))
}

#[cfg(test)]
mod tests;
