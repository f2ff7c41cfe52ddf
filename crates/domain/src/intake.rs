//! Intake at the desk: a visit recorded with its reason and where it was routed, and urgency
//! flags that put a person at the top of their team's queue until someone takes them in hand.

use time::Date;

/// Where a visit was routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The person needs to see a social worker of the team: it waits in the team's queue.
    AppointmentRequested,
    /// Answered at the desk.
    InformationGiven,
    /// Sent to a partner organisation.
    Referral,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::AppointmentRequested,
        Outcome::InformationGiven,
        Outcome::Referral,
        Outcome::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AppointmentRequested => "appointment_requested",
            Outcome::InformationGiven => "information_given",
            Outcome::Referral => "referral",
            Outcome::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether the visit waits in a team's queue until someone handles it.
    pub fn needs_follow_up(self) -> bool {
        matches!(self, Outcome::AppointmentRequested | Outcome::Referral)
    }
}

/// A refused value of the visit form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitProblem {
    ReasonRequired,
    ReasonTooLong {
        max: usize,
    },
    OutcomeRequired,
    /// Someone must follow up, so a team must be named.
    TeamRequired,
    NoteTooLong {
        max: usize,
    },
    ControlCharacters,
}

pub const REASON_MAX: usize = 500;
pub const NOTE_MAX: usize = 4_000;

/// A visit as typed, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub reason: String,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Parses the visit form; `team_chosen` says whether a team of the organisation was picked.
pub fn parse_visit(
    reason: &str,
    outcome: &str,
    note: &str,
    team_chosen: bool,
) -> Result<Visit, Vec<(&'static str, VisitProblem)>> {
    let mut problems = Vec::new();
    let reason = reason.trim().replace("\r\n", "\n");
    let note = note.trim().replace("\r\n", "\n");
    let control = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if reason.is_empty() {
        problems.push(("reason", VisitProblem::ReasonRequired));
    } else if reason.chars().count() > REASON_MAX {
        problems.push(("reason", VisitProblem::ReasonTooLong { max: REASON_MAX }));
    } else if control(&reason) {
        problems.push(("reason", VisitProblem::ControlCharacters));
    }
    let outcome = Outcome::parse(outcome.trim());
    match outcome {
        None => problems.push(("outcome", VisitProblem::OutcomeRequired)),
        Some(o) if o.needs_follow_up() && !team_chosen => {
            problems.push(("team", VisitProblem::TeamRequired))
        }
        _ => {}
    }
    if note.chars().count() > NOTE_MAX {
        problems.push(("note", VisitProblem::NoteTooLong { max: NOTE_MAX }));
    } else if control(&note) {
        problems.push(("note", VisitProblem::ControlCharacters));
    }
    match outcome {
        Some(outcome) if problems.is_empty() => {
            Ok(Visit { reason, outcome, note: (!note.is_empty()).then_some(note) })
        }
        _ => Err(problems),
    }
}

/// Where an urgency flag is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagStatus {
    /// Raised, nobody has taken it in hand: the person is at the top of the team's queue.
    Raised,
    /// Someone took it in hand and set a date to look at it again.
    Acknowledged,
    Closed,
}

impl FlagStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Raised => "raised",
            FlagStatus::Acknowledged => "acknowledged",
            FlagStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<FlagStatus> {
        [FlagStatus::Raised, FlagStatus::Acknowledged, FlagStatus::Closed]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// Why a change of a flag was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagProblem {
    /// The flag is not in a state that allows it (closed already…).
    NotAllowed,
    ReviewDateRequired,
    /// The review date is in the past.
    ReviewDateInPast,
}

/// Taking a flag in hand: it must be raised (or acknowledged, to move the review date), and
/// the review date today or later.
pub fn acknowledge(
    status: FlagStatus,
    review: Option<Date>,
    today: Date,
) -> Result<Date, FlagProblem> {
    if status == FlagStatus::Closed {
        return Err(FlagProblem::NotAllowed);
    }
    match review {
        None => Err(FlagProblem::ReviewDateRequired),
        Some(d) if d < today => Err(FlagProblem::ReviewDateInPast),
        Some(d) => Ok(d),
    }
}

/// Closing a flag: any open flag may be closed.
pub fn close(status: FlagStatus) -> Result<(), FlagProblem> {
    if status == FlagStatus::Closed { Err(FlagProblem::NotAllowed) } else { Ok(()) }
}

/// Whether an acknowledged flag is due for its review on `today`.
pub fn due(status: FlagStatus, review: Option<Date>, today: Date) -> bool {
    status == FlagStatus::Acknowledged && review.is_some_and(|d| d <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    #[test]
    fn a_visit_needs_a_reason_an_outcome_and_a_team_when_someone_must_follow_up() {
        let v = parse_visit("  Facture d'électricité impayée ", "information_given", "", false)
            .unwrap();
        assert_eq!(v.reason, "Facture d'électricité impayée");
        assert_eq!(v.note, None);
        assert_eq!(
            parse_visit("", "", "", false).unwrap_err(),
            vec![
                ("reason", VisitProblem::ReasonRequired),
                ("outcome", VisitProblem::OutcomeRequired)
            ]
        );
        assert_eq!(
            parse_visit("RSA", "appointment_requested", "", false).unwrap_err(),
            vec![("team", VisitProblem::TeamRequired)]
        );
        assert!(parse_visit("RSA", "appointment_requested", "", true).is_ok());
        assert_eq!(
            parse_visit(&"x".repeat(501), "other", "", false).unwrap_err(),
            vec![("reason", VisitProblem::ReasonTooLong { max: 500 })]
        );
        assert_eq!(
            parse_visit("a\u{7}b", "other", "", false).unwrap_err(),
            vec![("reason", VisitProblem::ControlCharacters)]
        );
    }

    #[test]
    fn a_flag_goes_raised_then_acknowledged_with_a_review_date_then_closed() {
        assert_eq!(
            acknowledge(FlagStatus::Raised, None, TODAY),
            Err(FlagProblem::ReviewDateRequired)
        );
        assert_eq!(
            acknowledge(FlagStatus::Raised, Some(date!(2026 - 11 - 25)), TODAY),
            Err(FlagProblem::ReviewDateInPast)
        );
        assert_eq!(acknowledge(FlagStatus::Raised, Some(TODAY), TODAY), Ok(TODAY));
        assert!(
            acknowledge(FlagStatus::Acknowledged, Some(TODAY), TODAY).is_ok(),
            "moving the review"
        );
        assert_eq!(
            acknowledge(FlagStatus::Closed, Some(TODAY), TODAY),
            Err(FlagProblem::NotAllowed)
        );
        assert!(close(FlagStatus::Raised).is_ok());
        assert_eq!(close(FlagStatus::Closed), Err(FlagProblem::NotAllowed));
        assert!(due(FlagStatus::Acknowledged, Some(TODAY), TODAY));
        assert!(!due(FlagStatus::Acknowledged, Some(date!(2026 - 12 - 01)), TODAY));
        assert!(!due(FlagStatus::Raised, Some(TODAY), TODAY));
        for s in [FlagStatus::Raised, FlagStatus::Acknowledged, FlagStatus::Closed] {
            assert_eq!(FlagStatus::parse(s.as_str()), Some(s));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
    }
}
