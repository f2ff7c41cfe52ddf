//! Domiciliation (élection de domicile): the postal address an organisation gives a person
//! without a stable home, for a year and renewable, and the mail it keeps for them.

use time::Date;

/// Why an election of domicile ended (labels `domiciliation-end-<code>`).
pub const END_REASONS: [&str; 6] =
    ["not_renewed", "stable_address", "no_contact", "person_request", "moved_away", "other"];

/// What kind of mail arrived (labels `domiciliation-mail-<code>`).
pub const MAIL_KINDS: [&str; 5] = ["letter", "registered", "official", "parcel", "other"];

/// Mail waiting longer than this many days calls for a reminder, unless the organisation says
/// otherwise.
pub const DEFAULT_MAIL_WAITING_DAYS: i64 = 15;

/// The renewal of an election becomes a task this many days before it is due.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

/// Bounds of the organisation's setting of days mail may wait.
pub const MAIL_WAITING_DAYS_RANGE: (i64, i64) = (1, 90);

/// An election lasts a year: renewal is due on the anniversary of its start (29 February
/// starts renew on 28 February).
pub fn renewal_due(start: Date) -> Date {
    let year = start.year() + 1;
    Date::from_calendar_date(year, start.month(), start.day())
        .or_else(|_| Date::from_calendar_date(year, start.month(), start.day() - 1))
        .unwrap_or(start)
}

/// Whether mail received on `received_on` and not collected has waited too long on `today`.
pub fn waits_too_long(received_on: Date, today: Date, days: i64) -> bool {
    (today - received_on).whole_days() > days
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_election_is_renewed_a_year_on() {
        assert_eq!(renewal_due(date!(2026 - 11 - 26)), date!(2027 - 11 - 26));
        assert_eq!(renewal_due(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
    }

    #[test]
    fn mail_waits_too_long_after_the_organisations_days() {
        let received = date!(2026 - 11 - 01);
        assert!(!waits_too_long(received, date!(2026 - 11 - 16), 15));
        assert!(waits_too_long(received, date!(2026 - 11 - 17), 15));
    }
}
