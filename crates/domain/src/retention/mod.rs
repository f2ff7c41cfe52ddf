//! Retention (issue 12, point 2; ADR 0034): how long a person's file is kept after the last
//! contact, what happens then, and when an item of the review list may run. Pure rules keyed on
//! explicit dates (days in the organisation's time zone); the store computes the facts and
//! applies the outcome, the job and the CLI decide nothing themselves.

mod archives;
mod review;
mod settings;

pub use archives::{
    ArchivesAnswer, ArchivesInput, ArchivesProblem, ArchivesStep, MAX_REFERENCE_CHARS,
    waits_for_archives,
};
pub use review::{Decision, DecisionInput, DecisionProblem, runs_on};
pub use settings::{
    AUDIT_MONTHS_WITHOUT_REASON, AfterDue, MAX_AUDIT_REASON_CHARS, RetentionSettings,
    SettingsInput, SettingsProblem, audit_reason,
};

use time::{Date, Month};

/// The job kind of the daily retention run (builds the review list, runs what may run).
pub const RETENTION_JOB: &str = "retention_run";
/// Once a day.
pub const RETENTION_EVERY_MINUTES: i64 = 24 * 60;
/// The age of majority: a person younger than this at the last contact was followed as a minor.
pub const MAJORITY_YEARS: u8 = 18;

/// What the rules need to know about one person, every date a day in the organisation's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The latest contact found: a case opened or closed, a note or entry, an appointment
    /// held, a visit at reception, or the record's creation when nothing else happened.
    pub last_contact: Date,
    pub birth_date: Option<Date>,
    /// A case still open or paused: the support is active, nothing falls due.
    pub open_case: bool,
}

/// Where a person stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A case is open: the file is active.
    Active,
    /// Kept until `due_on` (exclusive of nothing: due on that day).
    Kept { due_on: Date },
    /// Due since `due_on`; `minor`: followed as a minor, so the file goes to the public archives'
    /// sorting before any purge and never runs without a decision.
    Due { due_on: Date, minor: bool },
}

/// `date` plus `months` calendar months; the 31st of a month becomes the last day of a shorter
/// one (31 January + 1 month = 28 or 29 February).
/// Negative `months` go back.
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).expect("day clamped to the month")
}

/// Whether someone born on `birth` was a minor on `on`.
pub fn is_minor(birth: Date, on: Date) -> bool {
    let mut age = on.year() - birth.year();
    if (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day()) {
        age -= 1;
    }
    age < i32::from(MAJORITY_YEARS)
}

/// The day the file falls due: `case_months` (or `minor_months` for a person followed as a
/// minor) after the last contact; `None` while a case is open.
pub fn due_on(facts: &Facts, settings: &RetentionSettings) -> Option<Date> {
    if facts.open_case {
        return None;
    }
    let months = if minor(facts) { settings.minor_months } else { settings.case_months };
    Some(add_months(facts.last_contact, i32::from(months)))
}

fn minor(facts: &Facts) -> bool {
    facts.birth_date.is_some_and(|b| is_minor(b, facts.last_contact))
}

/// Where the person stands on `today`: due from the due day itself (the boundary is inclusive).
pub fn standing(facts: &Facts, settings: &RetentionSettings, today: Date) -> Standing {
    match due_on(facts, settings) {
        None => Standing::Active,
        Some(due_on) if today < due_on => Standing::Kept { due_on },
        Some(due_on) => Standing::Due { due_on, minor: minor(facts) },
    }
}

/// The first day of the access log still kept on `today`: events before it may be deleted.
pub fn audit_kept_from(today: Date, settings: &RetentionSettings) -> Date {
    add_months(today, -i32::from(settings.audit_months))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn closed(last: Date) -> Facts {
        Facts { last_contact: last, birth_date: Some(date!(1980 - 05 - 01)), open_case: false }
    }

    #[test]
    fn months_are_added_on_the_calendar_and_clamped_to_short_months() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 11 - 15), 24), date!(2026 - 11 - 15));
        assert_eq!(add_months(date!(2024 - 12 - 01), 1), date!(2025 - 01 - 01));
        assert_eq!(add_months(date!(2024 - 02 - 29), 24), date!(2026 - 02 - 28));
    }

    #[test]
    fn a_closed_file_falls_due_two_years_after_the_last_contact_and_not_a_day_before() {
        let s = RetentionSettings::default();
        let f = closed(date!(2024 - 11 - 26));
        assert_eq!(due_on(&f, &s), Some(date!(2026 - 11 - 26)));
        assert_eq!(
            standing(&f, &s, date!(2026 - 11 - 25)),
            Standing::Kept { due_on: date!(2026 - 11 - 26) }
        );
        assert_eq!(
            standing(&f, &s, date!(2026 - 11 - 26)),
            Standing::Due { due_on: date!(2026 - 11 - 26), minor: false }
        );
        assert_eq!(
            standing(&f, &s, date!(2026 - 11 - 27)),
            Standing::Due { due_on: date!(2026 - 11 - 26), minor: false }
        );
    }

    #[test]
    fn an_open_case_keeps_the_file_active_whatever_the_dates() {
        let s = RetentionSettings::default();
        let f = Facts { open_case: true, ..closed(date!(2010 - 01 - 01)) };
        assert_eq!(due_on(&f, &s), None);
        assert_eq!(standing(&f, &s, date!(2026 - 11 - 26)), Standing::Active);
    }

    #[test]
    fn a_person_followed_as_a_minor_uses_the_minors_duration_and_is_flagged() {
        let s = RetentionSettings { minor_months: 36, ..RetentionSettings::default() };
        let f = Facts {
            last_contact: date!(2024 - 03 - 10),
            birth_date: Some(date!(2006 - 03 - 11)),
            open_case: false,
        };
        assert_eq!(due_on(&f, &s), Some(date!(2027 - 03 - 10)));
        assert_eq!(
            standing(&f, &s, date!(2027 - 03 - 10)),
            Standing::Due { due_on: date!(2027 - 03 - 10), minor: true }
        );
        // Eighteen on the day of the last contact: an adult.
        let adult = Facts { birth_date: Some(date!(2006 - 03 - 10)), ..f };
        assert_eq!(due_on(&adult, &s), Some(date!(2026 - 03 - 10)));
    }

    #[test]
    fn majority_is_reached_on_the_eighteenth_birthday() {
        assert!(is_minor(date!(2008 - 06 - 15), date!(2026 - 06 - 14)));
        assert!(!is_minor(date!(2008 - 06 - 15), date!(2026 - 06 - 15)));
        assert!(!is_minor(date!(2008 - 02 - 29), date!(2026 - 03 - 01)));
    }

    #[test]
    fn the_access_log_keeps_twelve_months_by_default() {
        let s = RetentionSettings::default();
        assert_eq!(audit_kept_from(date!(2026 - 11 - 26), &s), date!(2025 - 11 - 26));
        assert_eq!(audit_kept_from(date!(2026 - 03 - 31), &s), date!(2025 - 03 - 31));
        let six = RetentionSettings { audit_months: 6, ..s };
        assert_eq!(audit_kept_from(date!(2026 - 08 - 31), &six), date!(2026 - 02 - 28));
    }
}
