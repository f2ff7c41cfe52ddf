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

/// Why a domiciliation form or API call was refused (message `domiciliation-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a date.
    Date,
    /// The renewal does not come after the start.
    Renewal,
    /// An election is already running.
    Running,
    /// No election is running.
    NoneRunning,
    EndBeforeStart,
    Reason,
    Kind,
    TooLong,
}

impl Problem {
    /// The message id of the problem, the same in pages and in the API.
    pub fn message_id(self) -> &'static str {
        match self {
            Problem::Date => "domiciliation-error-date",
            Problem::Renewal => "domiciliation-error-renewal",
            Problem::Running => "domiciliation-error-running",
            Problem::NoneRunning => "domiciliation-error-none-running",
            Problem::EndBeforeStart => "domiciliation-error-end-before-start",
            Problem::Reason => "domiciliation-error-reason",
            Problem::Kind => "domiciliation-error-kind",
            Problem::TooLong => "domiciliation-error-too-long",
        }
    }
}

/// Every refused field with why, in the order of the form.
pub type Problems = Vec<(&'static str, Problem)>;

/// The longest sender's name kept with a piece of mail.
pub const SENDER_MAX_CHARS: usize = 200;

fn date(raw: &str, field: &'static str, problems: &mut Problems) -> Option<Date> {
    match crate::persons::parse_date(raw) {
        Ok(Some(d)) => Some(d),
        _ => {
            problems.push((field, Problem::Date));
            None
        }
    }
}

/// A new election: its start and when it is due for renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Election {
    pub start: Date,
    pub renewal_due: Date,
}

/// Reads a new election as typed: a start date, a renewal date (empty: a year on), and
/// whether one is already running for the person (only one at a time).
pub fn parse_start(start: &str, renewal: &str, running: bool) -> Result<Election, Problems> {
    let mut problems = Problems::new();
    let start = date(start, "start_date", &mut problems);
    let renewal = match renewal.trim() {
        "" => start.map(renewal_due),
        typed => date(typed, "renewal_due", &mut problems),
    };
    if let (Some(s), Some(r)) = (start, renewal)
        && r <= s
    {
        problems.push(("renewal_due", Problem::Renewal));
    }
    if running {
        problems.push(("start_date", Problem::Running));
    }
    match (start, renewal) {
        (Some(start), Some(renewal_due)) if problems.is_empty() => {
            Ok(Election { start, renewal_due })
        }
        _ => Err(problems),
    }
}

/// The end of the running election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub end: Date,
    pub reason: &'static str,
}

/// Reads the end of an election as typed; `running_since` is the start of the running one.
pub fn parse_end(end: &str, reason: &str, running_since: Option<Date>) -> Result<Ending, Problems> {
    let mut problems = Problems::new();
    let end = date(end, "end_date", &mut problems);
    let reason = END_REASONS.into_iter().find(|r| *r == reason.trim());
    if reason.is_none() {
        problems.push(("end_reason", Problem::Reason));
    }
    match (running_since, end) {
        (None, _) => problems.push(("end_date", Problem::NoneRunning)),
        (Some(start), Some(e)) if e < start => problems.push(("end_date", Problem::EndBeforeStart)),
        _ => {}
    }
    match (end, reason) {
        (Some(end), Some(reason)) if problems.is_empty() => Ok(Ending { end, reason }),
        _ => Err(problems),
    }
}

/// A piece of mail received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailIn {
    pub received_on: Date,
    pub kind: &'static str,
    pub sender: Option<String>,
}

/// Reads mail received as typed, for a person whose election is `running` (or not).
pub fn parse_mail(
    received: &str,
    kind: &str,
    sender: &str,
    running: bool,
) -> Result<MailIn, Problems> {
    let mut problems = Problems::new();
    let received_on = date(received, "received_on", &mut problems);
    let kind = MAIL_KINDS.into_iter().find(|k| *k == kind.trim());
    if kind.is_none() {
        problems.push(("kind", Problem::Kind));
    }
    let sender = sender.trim();
    if sender.chars().count() > SENDER_MAX_CHARS {
        problems.push(("sender", Problem::TooLong));
    }
    if !running {
        problems.push(("received_on", Problem::NoneRunning));
    }
    match (received_on, kind) {
        (Some(received_on), Some(kind)) if problems.is_empty() => Ok(MailIn {
            received_on,
            kind,
            sender: (!sender.is_empty()).then(|| sender.to_owned()),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_new_election_is_due_for_renewal_a_year_on_unless_told() {
        let e = parse_start("26/11/2026", "", false).unwrap();
        assert_eq!(
            e,
            Election { start: date!(2026 - 11 - 26), renewal_due: date!(2027 - 11 - 26) }
        );
        let e = parse_start("2026-11-26", "2027-05-26", false).unwrap();
        assert_eq!(e.renewal_due, date!(2027 - 05 - 26));
    }

    #[test]
    fn a_new_election_is_refused_field_by_field() {
        assert_eq!(parse_start("demain", "", false), Err(vec![("start_date", Problem::Date)]));
        assert_eq!(
            parse_start("26/11/2026", "26/11/2026", true),
            Err(vec![("renewal_due", Problem::Renewal), ("start_date", Problem::Running)])
        );
    }

    #[test]
    fn an_end_needs_a_running_election_a_reason_and_a_date_after_its_start() {
        let since = Some(date!(2026 - 01 - 10));
        assert_eq!(
            parse_end("30/11/2026", "stable_address", since),
            Ok(Ending { end: date!(2026 - 11 - 30), reason: "stable_address" })
        );
        assert_eq!(
            parse_end("09/01/2026", "gone", since),
            Err(vec![("end_reason", Problem::Reason), ("end_date", Problem::EndBeforeStart)])
        );
        assert_eq!(
            parse_end("30/11/2026", "other", None),
            Err(vec![("end_date", Problem::NoneRunning)])
        );
    }

    #[test]
    fn mail_needs_a_date_a_kind_a_short_sender_and_a_running_election() {
        let m = parse_mail("2026-11-20", "registered", "  CAF  ", true).unwrap();
        assert_eq!(m.kind, "registered");
        assert_eq!(m.sender.as_deref(), Some("CAF"));
        assert_eq!(parse_mail("2026-11-20", "letter", " ", true).unwrap().sender, None);
        let long = "x".repeat(SENDER_MAX_CHARS + 1);
        assert_eq!(
            parse_mail("", "box", &long, false),
            Err(vec![
                ("received_on", Problem::Date),
                ("kind", Problem::Kind),
                ("sender", Problem::TooLong),
                ("received_on", Problem::NoneRunning),
            ])
        );
    }

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
