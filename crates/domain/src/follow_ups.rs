//! Follow-up checks after a case is closed (issue 7 point 7): the worker schedules them at
//! closure (3, 6 and 12 months by default) and, at a contact with the person, records a
//! wellbeing rating, a "power to act" (pouvoir d'agir) rating, and per life domain whether the
//! change held. They feed the statistics of durable change, so they are plain values.
//! The domains asked about are those the case's latest assessment rated, or the organisation's
//! life domain list (`ListName::LifeDomain`) when it has none. Who may schedule and record
//! checks is [`crate::policy::may_follow_up`].

use time::{Date, Month};

/// Months after closure of the checks offered by default.
pub const DEFAULT_MONTHS: [u8; 3] = [3, 6, 12];
/// How many checks one case may have scheduled at once.
pub const SCHEDULE_MAX: usize = 6;
/// How far after closure a check may be scheduled.
pub const SCHEDULE_MAX_YEARS: i32 = 5;
/// Ratings go from 0 to this.
pub const RATING_MAX: i64 = 10;
/// A check due within this many days shows on the referent's home page.
pub const DUE_SOON_DAYS: i64 = 14;

/// Where a check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpStatus {
    Scheduled,
    Done,
    /// The person could not be reached, or declined.
    Missed,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 3] =
        [FollowUpStatus::Scheduled, FollowUpStatus::Done, FollowUpStatus::Missed];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpStatus::Scheduled => "scheduled",
            FollowUpStatus::Done => "done",
            FollowUpStatus::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<FollowUpStatus> {
        FollowUpStatus::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// Whether the change in a life domain held since closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Held,
    Partly,
    NotHeld,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Held, Outcome::Partly, Outcome::NotHeld];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Held => "held",
            Outcome::Partly => "partly",
            Outcome::NotHeld => "not_held",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// `date` plus `months`, on the same day of the month or the month's last day (31 August
/// plus 6 months is 28 or 29 February).
pub fn add_months(date: Date, months: u8) -> Date {
    shift_months(date, months as i32)
}

/// `date` moved by `months` (negative: back), on the same day of the month or the month's
/// last day.
pub fn shift_months(date: Date, months: i32) -> Date {
    let total = date.month() as i32 - 1 + months;
    let year = date.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// The checks offered by default for a case closed on `closed_on`.
pub fn default_dates(closed_on: Date) -> Vec<Date> {
    DEFAULT_MONTHS.iter().map(|m| add_months(closed_on, *m)).collect()
}

/// A refused value of the follow-up forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpProblem {
    /// No date was given.
    DateRequired,
    DateInvalid,
    /// A check is scheduled after the closure, not before.
    BeforeClosure,
    TooFar {
        years: i32,
    },
    TooMany {
        max: usize,
    },
    /// A check is recorded once it happened.
    InFuture,
    RatingRequired,
    RatingInvalid {
        max: i64,
    },
    OutcomeInvalid,
}

/// Parses the dates typed in the scheduling form (blank lines are skipped): at least one, at
/// most [`SCHEDULE_MAX`], none before the closure nor more than five years after it. Problems
/// name the index of the line.
pub fn parse_schedule(
    typed: &[String],
    closed_on: Date,
) -> Result<Vec<Date>, Vec<(usize, FollowUpProblem)>> {
    let mut problems = Vec::new();
    let mut dates = Vec::new();
    let limit = add_months(closed_on, 12 * SCHEDULE_MAX_YEARS as u8);
    for (i, raw) in typed.iter().enumerate() {
        match crate::persons::parse_date(raw) {
            Ok(None) => {}
            Ok(Some(d)) if d < closed_on => problems.push((i, FollowUpProblem::BeforeClosure)),
            Ok(Some(d)) if d > limit => {
                problems.push((i, FollowUpProblem::TooFar { years: SCHEDULE_MAX_YEARS }))
            }
            Ok(Some(d)) => {
                if !dates.contains(&d) {
                    dates.push(d)
                }
            }
            Err(_) => problems.push((i, FollowUpProblem::DateInvalid)),
        }
    }
    if problems.is_empty() && dates.is_empty() {
        problems.push((0, FollowUpProblem::DateRequired));
    }
    if dates.len() > SCHEDULE_MAX {
        problems.push((0, FollowUpProblem::TooMany { max: SCHEDULE_MAX }));
    }
    dates.sort();
    if problems.is_empty() { Ok(dates) } else { Err(problems) }
}

/// A check's form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckInput {
    pub done_on: String,
    pub wellbeing: String,
    pub power_to_act: String,
    /// (life domain code, outcome code or blank when not asked).
    pub domains: Vec<(String, String)>,
}

/// A check as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    pub done_on: Date,
    pub wellbeing: i64,
    pub power_to_act: i64,
    pub domains: Vec<(String, Outcome)>,
}

fn rating(raw: &str) -> Result<i64, FollowUpProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FollowUpProblem::RatingRequired);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|r| (0..=RATING_MAX).contains(r))
        .ok_or(FollowUpProblem::RatingInvalid { max: RATING_MAX })
}

/// Parses a done check: a date no later than `today`, both ratings (0–10), and for each
/// domain of `domains` (the codes asked about) an outcome or nothing. Problems name the field
/// (`done_on`, `wellbeing`, `power_to_act`, `domain-<code>`).
pub fn parse_check(
    input: &CheckInput,
    today: Date,
    domains: &[&str],
) -> Result<CheckRecord, Vec<(String, FollowUpProblem)>> {
    let mut problems = Vec::new();
    let done_on = match crate::persons::parse_date(&input.done_on) {
        Ok(Some(d)) if d > today => {
            problems.push(("done_on".to_owned(), FollowUpProblem::InFuture));
            None
        }
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(("done_on".to_owned(), FollowUpProblem::DateRequired));
            None
        }
        Err(_) => {
            problems.push(("done_on".to_owned(), FollowUpProblem::DateInvalid));
            None
        }
    };
    let mut rate = |field: &str, raw: &str| match rating(raw) {
        Ok(r) => Some(r),
        Err(p) => {
            problems.push((field.to_owned(), p));
            None
        }
    };
    let wellbeing = rate("wellbeing", &input.wellbeing);
    let power_to_act = rate("power_to_act", &input.power_to_act);
    let mut outcomes = Vec::new();
    for (code, outcome) in &input.domains {
        if !domains.contains(&code.as_str()) || outcome.trim().is_empty() {
            continue;
        }
        match Outcome::parse(outcome) {
            Some(o) => outcomes.push((code.clone(), o)),
            None => problems.push((format!("domain-{code}"), FollowUpProblem::OutcomeInvalid)),
        }
    }
    match (done_on, wellbeing, power_to_act) {
        (Some(done_on), Some(wellbeing), Some(power_to_act)) if problems.is_empty() => {
            Ok(CheckRecord { done_on, wellbeing, power_to_act, domains: outcomes })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const DOMAINS: [&str; 3] = ["housing", "budget", "health"];

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months(date!(2026 - 11 - 26), 3), date!(2027 - 02 - 26));
        assert_eq!(add_months(date!(2026 - 08 - 31), 6), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 01 - 31), 12), date!(2027 - 01 - 31));
        assert_eq!(shift_months(date!(2026 - 08 - 31), -6), date!(2026 - 02 - 28));
        assert_eq!(shift_months(date!(2026 - 01 - 15), -13), date!(2024 - 12 - 15));
        assert_eq!(
            default_dates(date!(2026 - 11 - 26)),
            [date!(2027 - 02 - 26), date!(2027 - 05 - 26), date!(2027 - 11 - 26)]
        );
    }

    #[test]
    fn a_schedule_has_dates_after_the_closure() {
        let closed = date!(2026 - 11 - 26);
        let s = |v: &[&str]| {
            parse_schedule(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), closed)
        };
        assert_eq!(
            s(&["2027-11-26", "", "26/02/2027", "2027-02-26"]).unwrap(),
            [date!(2027 - 02 - 26), date!(2027 - 11 - 26)]
        );
        use FollowUpProblem::*;
        assert_eq!(s(&["", " "]).unwrap_err(), vec![(0, DateRequired)]);
        assert_eq!(s(&["2027-01-01", "2026-11-01"]).unwrap_err(), vec![(1, BeforeClosure)]);
        assert_eq!(s(&["2027-02-30"]).unwrap_err(), vec![(0, DateInvalid)]);
        assert_eq!(s(&["2032-01-01"]).unwrap_err(), vec![(0, TooFar { years: 5 })]);
        let many: Vec<String> = (1..=7).map(|m| format!("2027-{m:02}-01")).collect();
        assert_eq!(parse_schedule(&many, closed).unwrap_err(), vec![(0, TooMany { max: 6 })]);
    }

    #[test]
    fn a_check_has_a_date_two_ratings_and_outcomes_per_domain() {
        let today = date!(2027 - 02 - 26);
        let input = CheckInput {
            done_on: "2027-02-20".into(),
            wellbeing: " 7 ".into(),
            power_to_act: "0".into(),
            domains: vec![
                ("housing".into(), "held".into()),
                ("budget".into(), "".into()),
                ("health".into(), "not_held".into()),
                ("unknown".into(), "held".into()),
            ],
        };
        let r = parse_check(&input, today, &DOMAINS).unwrap();
        assert_eq!((r.done_on, r.wellbeing, r.power_to_act), (date!(2027 - 02 - 20), 7, 0));
        assert_eq!(
            r.domains,
            [("housing".to_owned(), Outcome::Held), ("health".to_owned(), Outcome::NotHeld)]
        );
        use FollowUpProblem::*;
        let bad = CheckInput {
            done_on: "2027-03-01".into(),
            wellbeing: "11".into(),
            power_to_act: "".into(),
            domains: vec![("housing".into(), "maybe".into())],
        };
        assert_eq!(
            parse_check(&bad, today, &DOMAINS).unwrap_err(),
            vec![
                ("done_on".to_owned(), InFuture),
                ("wellbeing".to_owned(), RatingInvalid { max: 10 }),
                ("power_to_act".to_owned(), RatingRequired),
                ("domain-housing".to_owned(), OutcomeInvalid),
            ]
        );
        assert_eq!(
            parse_check(&CheckInput { done_on: String::new(), ..input }, today, &[]).unwrap_err(),
            vec![("done_on".to_owned(), DateRequired)]
        );
        for s in FollowUpStatus::ALL {
            assert_eq!(FollowUpStatus::parse(s.as_str()), Some(s));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
    }
}
