//! The review list's decisions: the DPO or a manager approves an item, postpones it till a date
//! with a reason, or holds it (legal hold) with a reason; an item nobody decided runs once the
//! grace days after its due date are over — except a minor's, which always waits for a decision
//! (the file is sorted for the public archives first, Code du patrimoine L.211-4).

use time::{Date, Duration};

/// A decision on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Approved,
    Postponed { until: Date },
    Held,
}

impl Decision {
    /// Stored and shown: never rename.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Approved => "approved",
            Decision::Postponed { .. } => "postponed",
            Decision::Held => "held",
        }
    }

    /// From the stored code and date; `None` for an unknown code or a postponement without date.
    pub fn from_stored(code: &str, until: Option<Date>) -> Option<Decision> {
        match (code, until) {
            ("pending", _) => Some(Decision::Pending),
            ("approved", _) => Some(Decision::Approved),
            ("postponed", Some(until)) => Some(Decision::Postponed { until }),
            ("held", _) => Some(Decision::Held),
            _ => None,
        }
    }

    pub fn until(self) -> Option<Date> {
        match self {
            Decision::Postponed { until } => Some(until),
            _ => None,
        }
    }
}

/// The day an item runs, `None` while it may not run at all: held, or a minor's item that has
/// not been approved, or whose sorting by the public archives is not recorded
/// (`archives_sorted`; [`super::archives`]).
pub fn runs_on(
    decision: Decision,
    due_on: Date,
    minor: bool,
    archives_sorted: bool,
    grace_days: u16,
) -> Option<Date> {
    match decision {
        Decision::Held => None,
        _ if minor && !archives_sorted => None,
        Decision::Approved => Some(due_on),
        Decision::Pending | Decision::Postponed { .. } if minor => None,
        Decision::Pending => Some(due_on + Duration::days(i64::from(grace_days))),
        Decision::Postponed { until } => Some(until),
    }
}

/// A decision form as typed: `action` is approve, postpone or hold.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput<'a> {
    pub action: &'a str,
    pub until: &'a str,
    pub reason: &'a str,
    /// A minor's file whose sorting by the public archives is not recorded: it may be
    /// postponed or held, not approved.
    pub waits_for_archives: bool,
}

/// Why a decision was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionProblem {
    UnknownAction,
    /// A postponement needs a date after today and at most five years ahead.
    Until,
    /// Postponing or holding needs a written reason (at most [`MAX_REASON_CHARS`]).
    Reason,
    /// A minor's file goes to the public archives' sorting before it may be approved.
    ArchivesFirst,
}

pub const MAX_REASON_CHARS: usize = 1000;

/// The fields refused, each with why.
pub type DecisionProblems = Vec<(&'static str, DecisionProblem)>;
const MAX_POSTPONE_DAYS: i64 = 5 * 366;

impl DecisionInput<'_> {
    /// The decision and its reason, or the fields refused.
    pub fn parse(&self, today: Date) -> Result<(Decision, Option<String>), DecisionProblems> {
        let reason = self.reason.trim();
        let reason_ok = !reason.is_empty() && reason.chars().count() <= MAX_REASON_CHARS;
        let mut problems = Vec::new();
        let decision = match self.action {
            "approve" if self.waits_for_archives => {
                return Err(vec![("action", DecisionProblem::ArchivesFirst)]);
            }
            "approve" => Decision::Approved,
            "hold" => Decision::Held,
            "postpone" => {
                let until = Date::parse(
                    self.until.trim(),
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .ok()
                .filter(|d| *d > today && *d <= today + Duration::days(MAX_POSTPONE_DAYS));
                match until {
                    Some(until) => Decision::Postponed { until },
                    None => {
                        problems.push(("until", DecisionProblem::Until));
                        Decision::Pending
                    }
                }
            }
            _ => return Err(vec![("action", DecisionProblem::UnknownAction)]),
        };
        let needs_reason = decision != Decision::Approved;
        if needs_reason && !reason_ok {
            problems.push(("reason", DecisionProblem::Reason));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((decision, (!reason.is_empty() && needs_reason).then(|| reason.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const DUE: Date = date!(2026 - 11 - 26);

    #[test]
    fn an_item_nobody_decided_runs_when_the_grace_days_are_over() {
        assert_eq!(runs_on(Decision::Pending, DUE, false, false, 30), Some(date!(2026 - 12 - 26)));
        assert_eq!(runs_on(Decision::Pending, DUE, false, false, 0), Some(DUE));
    }

    #[test]
    fn an_approved_item_runs_from_its_due_date_and_a_held_one_never() {
        assert_eq!(runs_on(Decision::Approved, DUE, false, false, 30), Some(DUE));
        assert_eq!(runs_on(Decision::Approved, DUE, true, true, 30), Some(DUE));
        assert_eq!(runs_on(Decision::Held, DUE, false, false, 0), None);
    }

    #[test]
    fn a_postponed_item_runs_on_the_chosen_day() {
        let until = date!(2027 - 06 - 01);
        assert_eq!(runs_on(Decision::Postponed { until }, DUE, false, false, 30), Some(until));
    }

    #[test]
    fn a_minors_item_waits_for_an_approval() {
        assert_eq!(runs_on(Decision::Pending, DUE, true, true, 0), None);
        let until = date!(2027 - 06 - 01);
        assert_eq!(runs_on(Decision::Postponed { until }, DUE, true, true, 0), None);
    }

    #[test]
    fn a_minors_item_never_runs_before_the_archives_sorted_it_even_approved() {
        // An approval stored before the sorting was asked for (or by any other path).
        assert_eq!(runs_on(Decision::Approved, DUE, true, false, 0), None);
        assert_eq!(runs_on(Decision::Approved, DUE, true, true, 0), Some(DUE));
        // The sorting is only asked of a minor's file.
        assert_eq!(runs_on(Decision::Approved, DUE, false, false, 0), Some(DUE));
    }

    #[test]
    fn a_minors_item_is_not_approved_before_the_archives_sorted_it() {
        let today = date!(2026 - 11 - 26);
        let approve =
            DecisionInput { action: "approve", waits_for_archives: true, ..Default::default() };
        assert_eq!(
            approve.parse(today).unwrap_err(),
            vec![("action", DecisionProblem::ArchivesFirst)]
        );
        let hold = DecisionInput {
            action: "hold",
            reason: "contentieux",
            waits_for_archives: true,
            ..Default::default()
        };
        assert_eq!(hold.parse(today), Ok((Decision::Held, Some("contentieux".into()))));
    }

    #[test]
    fn postponing_needs_a_future_date_and_a_reason() {
        let today = date!(2026 - 11 - 26);
        let ok = DecisionInput {
            action: "postpone",
            until: "2027-01-15",
            reason: " audit ",
            ..Default::default()
        };
        assert_eq!(
            ok.parse(today),
            Ok((Decision::Postponed { until: date!(2027 - 01 - 15) }, Some("audit".into())))
        );
        let today_again = DecisionInput {
            action: "postpone",
            until: "2026-11-26",
            reason: "",
            ..Default::default()
        };
        assert_eq!(
            today_again.parse(today).unwrap_err(),
            vec![("until", DecisionProblem::Until), ("reason", DecisionProblem::Reason)]
        );
        let far = DecisionInput {
            action: "postpone",
            until: "2035-01-01",
            reason: "x",
            ..Default::default()
        };
        assert!(far.parse(today).is_err());
    }

    #[test]
    fn a_hold_needs_a_reason_and_an_approval_does_not() {
        let today = date!(2026 - 11 - 26);
        let hold = DecisionInput { action: "hold", until: "", reason: "  ", ..Default::default() };
        assert_eq!(hold.parse(today).unwrap_err(), vec![("reason", DecisionProblem::Reason)]);
        let approve =
            DecisionInput { action: "approve", until: "", reason: "ignored", ..Default::default() };
        assert_eq!(approve.parse(today), Ok((Decision::Approved, None)));
        let bad = DecisionInput { action: "burn", until: "", reason: "", ..Default::default() };
        assert!(bad.parse(today).is_err());
    }

    #[test]
    fn stored_codes_round_trip() {
        let until = date!(2027 - 01 - 01);
        for d in
            [Decision::Pending, Decision::Approved, Decision::Postponed { until }, Decision::Held]
        {
            assert_eq!(Decision::from_stored(d.code(), d.until()), Some(d));
        }
        assert_eq!(Decision::from_stored("postponed", None), None);
    }
}
