//! Reminders of an appointment sent to the person (issue 9, point 1): by SMS or by e-mail,
//! chosen when booking with the person's agreement, sent about a day before, never at night,
//! never when the appointment is about to start (ADR 0027).
//!
//! The rules are here: when a reminder is due, which number an SMS goes to, what is recorded
//! of a reminder. Composing and sending the message is the notifier's (`web::reminders`).

use time::{Duration, OffsetDateTime};

/// How the person is reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What became of a reminder: recorded once per appointment and start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Handed to the SMS provider or the SMTP server.
    Sent,
    /// No SMS provider (or no SMTP) on this instance: written in the log, not sent.
    NotConfigured,
    /// The person's record has no mobile number (or no e-mail address) any more.
    NoAddress,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Sent, Outcome::NotConfigured, Outcome::NoAddress];

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::NotConfigured => "not_configured",
            Outcome::NoAddress => "no_address",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A reminder goes out once less than this remains before the appointment.
pub const LEAD: Duration = Duration::hours(24);
/// Too late to be of use: with less than this left, no reminder goes out.
pub const TOO_LATE: Duration = Duration::hours(1);
/// No message between these local hours (20:00 to 08:00): it waits for the morning.
pub const QUIET_FROM_HOUR: u8 = 20;
pub const QUIET_UNTIL_HOUR: u8 = 8;

/// Whether a reminder of an appointment starting at `starts` goes out at `now`, given the
/// hour it is at `now` in the organisation's zone.
pub fn is_due(starts: OffsetDateTime, now: OffsetDateTime, local_hour: u8) -> bool {
    let left = starts - now;
    let quiet = !(QUIET_UNTIL_HOUR..QUIET_FROM_HOUR).contains(&local_hour);
    left <= LEAD && left > TOO_LATE && !quiet
}

/// The job key of the reminder of an appointment for a start time: a moved appointment gets a
/// reminder of its own for its new time.
pub fn key(appointment: uuid::Uuid, starts_canonical: &str) -> String {
    format!("{appointment}@{starts_canonical}")
}

/// The number an SMS is sent to, in international form: the first of the person's numbers
/// that is a mobile one. French numbers are written as people type them (`06 12 34 56 78`,
/// `+33 6…`, `0033 6…`); a number written with `+` or `00` in another country is taken as
/// it is; a French landline (01–05, 09) receives no SMS.
pub fn sms_number(phones: &[String]) -> Option<String> {
    phones.iter().find_map(|p| mobile(p))
}

fn mobile(typed: &str) -> Option<String> {
    let plus = typed.trim_start().starts_with('+');
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("33{}", &digits[1..])
    } else {
        return None;
    };
    if let Some(national) = international.strip_prefix("33") {
        // +33 6… and +33 7… are mobiles; +33 (0)6… is written too.
        let national = national.strip_prefix('0').unwrap_or(national);
        let is_mobile =
            national.len() == 9 && (national.starts_with('6') || national.starts_with('7'));
        return is_mobile.then(|| format!("+33{national}"));
    }
    (8..=15).contains(&international.len()).then(|| format!("+{international}"))
}

/// The address an e-mail reminder goes to, when the record has one.
pub fn email_address(email: Option<&str>) -> Option<&str> {
    email.map(str::trim).filter(|e| e.contains('@') && !e.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn channels_and_outcomes_round_trip_their_codes() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(Channel::parse("fax"), None);
        assert_eq!(Outcome::parse(""), None);
    }

    #[test]
    fn a_reminder_is_due_within_a_day_of_the_appointment_but_not_at_the_last_minute() {
        let starts = datetime!(2026-12-01 09:00 UTC);
        // A day and a minute before: not yet.
        assert!(!is_due(starts, datetime!(2026-11-30 08:59 UTC), 9));
        // A day before, exactly: yes.
        assert!(is_due(starts, datetime!(2026-11-30 09:00 UTC), 10));
        // The same morning, two hours before: still useful.
        assert!(is_due(starts, datetime!(2026-12-01 07:00 UTC), 8));
        // Less than an hour before, or after: no.
        assert!(!is_due(starts, datetime!(2026-12-01 08:30 UTC), 9));
        assert!(!is_due(starts, datetime!(2026-12-01 10:00 UTC), 11));
    }

    #[test]
    fn no_reminder_goes_out_at_night_it_waits_for_eight_in_the_morning() {
        let starts = datetime!(2026-12-01 21:00 UTC);
        let evening = datetime!(2026-11-30 21:30 UTC);
        assert!(!is_due(starts, evening, 21));
        assert!(!is_due(starts, datetime!(2026-12-01 03:00 UTC), 7));
        assert!(is_due(starts, datetime!(2026-12-01 07:00 UTC), 8));
        assert!(is_due(starts, datetime!(2026-12-01 18:59 UTC), 19));
        assert!(!is_due(starts, datetime!(2026-12-01 19:00 UTC), 20));
    }

    #[test]
    fn a_moved_appointment_has_a_key_of_its_own() {
        let id = uuid::Uuid::nil();
        assert_ne!(key(id, "2026-12-01T09:00:00Z"), key(id, "2026-12-02T09:00:00Z"));
        assert_eq!(key(id, "x"), key(id, "x"));
    }

    #[test]
    fn the_sms_goes_to_the_first_mobile_number_in_international_form() {
        let phones = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(sms_number(&phones(&["06 12 34 56 78"])), Some("+33612345678".into()));
        assert_eq!(sms_number(&phones(&["07.12.34.56.78"])), Some("+33712345678".into()));
        assert_eq!(
            sms_number(&phones(&["01 23 45 67 89", "+33 (0)6 98 76 54 32"])),
            Some("+33698765432".into())
        );
        assert_eq!(sms_number(&phones(&["0033 6 11 22 33 44"])), Some("+33611223344".into()));
        // Belgium, written internationally, is taken as it is.
        assert_eq!(sms_number(&phones(&["+32 470 12 34 56"])), Some("+32470123456".into()));
        // Landlines only, or a number too short to be anything: no SMS.
        assert_eq!(sms_number(&phones(&["01 23 45 67 89", "09 87 65 43 21"])), None);
        assert_eq!(sms_number(&phones(&["12 34 56"])), None);
        assert_eq!(sms_number(&[]), None);
    }

    #[test]
    fn an_email_reminder_needs_an_address_that_looks_like_one() {
        assert_eq!(email_address(Some(" a@b.example ")), Some("a@b.example"));
        assert_eq!(email_address(Some("nobody")), None);
        assert_eq!(email_address(Some("a b@c")), None);
        assert_eq!(email_address(None), None);
    }
}
