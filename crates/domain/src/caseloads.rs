//! Referents and caseloads: who follows a case (one referent, any number of co-referents), and
//! how a manager moves cases from one worker to another, for good or for a while (a temporary
//! delegation that ends by itself). Who may do it is in [`crate::policy`]
//! ([`crate::policy::referent_rights`], [`crate::policy::caseload_scope`]).

use time::{Date, PrimitiveDateTime, Time};

use crate::UserId;

/// How many cases one reassignment may move at once (one form, one transaction).
pub const BATCH_MAX: usize = 200;
/// How far ahead a temporary delegation may end: longer absences are a reassignment.
pub const DELEGATION_MAX_DAYS: i64 = 366;

/// What a reassignment does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reassignment {
    /// The new referent keeps the cases.
    Permanent,
    /// The new referent holds the cases up to and including this local date, then they go
    /// back to their referent by themselves.
    Until(Date),
}

impl Reassignment {
    /// When a delegation ending on `until` (included) stops, as a local date and time of the
    /// organisation: the start of the next day.
    pub fn ends_local(until: Date) -> PrimitiveDateTime {
        PrimitiveDateTime::new(until.next_day().unwrap_or(until), Time::MIDNIGHT)
    }
}

/// A refused value of the reassignment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReassignProblem {
    /// No case was ticked.
    NoCase,
    TooManyCases {
        max: usize,
    },
    /// No worker (or an unknown one) was chosen.
    ReferentRequired,
    /// Neither "for good" nor "until" was chosen.
    ModeRequired,
    EndDateRequired,
    EndDateInvalid,
    /// The end date is today or earlier.
    EndDateNotAfterToday,
    EndDateTooFar {
        max_days: i64,
    },
}

/// Parses the reassignment form: how many cases were ticked, the worker chosen (already
/// checked to be a worker of the organisation by the caller), the mode (`permanent` or
/// `temporary`), the end date as typed, and today's local date.
pub fn parse_reassignment(
    cases: usize,
    to: Option<UserId>,
    mode: &str,
    until: &str,
    today: Date,
) -> Result<(UserId, Reassignment), Vec<(&'static str, ReassignProblem)>> {
    let mut problems = Vec::new();
    if cases == 0 {
        problems.push(("cases", ReassignProblem::NoCase));
    } else if cases > BATCH_MAX {
        problems.push(("cases", ReassignProblem::TooManyCases { max: BATCH_MAX }));
    }
    if to.is_none() {
        problems.push(("to", ReassignProblem::ReferentRequired));
    }
    let mode = match mode.trim() {
        "permanent" => Some(Reassignment::Permanent),
        "temporary" => match crate::persons::parse_date(until) {
            Ok(Some(d)) if d <= today => {
                problems.push(("until", ReassignProblem::EndDateNotAfterToday));
                None
            }
            Ok(Some(d)) if (d - today).whole_days() > DELEGATION_MAX_DAYS => {
                problems.push((
                    "until",
                    ReassignProblem::EndDateTooFar { max_days: DELEGATION_MAX_DAYS },
                ));
                None
            }
            Ok(Some(d)) => Some(Reassignment::Until(d)),
            Ok(None) => {
                problems.push(("until", ReassignProblem::EndDateRequired));
                None
            }
            Err(_) => {
                problems.push(("until", ReassignProblem::EndDateInvalid));
                None
            }
        },
        _ => {
            problems.push(("mode", ReassignProblem::ModeRequired));
            None
        }
    };
    match (to, mode) {
        (Some(to), Some(mode)) if problems.is_empty() => Ok((to, mode)),
        _ => Err(problems),
    }
}

/// A refused value of the referents form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentsProblem {
    /// An open or paused case has exactly one referent.
    ReferentRequired,
    /// The referent cannot also be a co-referent.
    ReferentIsCoReferent,
}

/// Checks the referents chosen for a case: one referent, co-referents without duplicates
/// (removed here) and without the referent.
pub fn parse_referents(
    referent: Option<UserId>,
    co_referents: &[UserId],
) -> Result<(UserId, Vec<UserId>), (&'static str, ReferentsProblem)> {
    let Some(referent) = referent else {
        return Err(("referent", ReferentsProblem::ReferentRequired));
    };
    let mut co = Vec::new();
    for c in co_referents {
        if *c == referent {
            return Err(("co_referents", ReferentsProblem::ReferentIsCoReferent));
        }
        if !co.contains(c) {
            co.push(*c);
        }
    }
    Ok((referent, co))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_reassignment_is_for_good_or_until_a_later_date() {
        let today = date!(2026 - 11 - 26);
        let to = Some(UserId::new());
        let ok = |mode: &str, until: &str| parse_reassignment(2, to, mode, until, today);
        assert_eq!(ok("permanent", "").unwrap().1, Reassignment::Permanent);
        assert_eq!(
            ok("temporary", "2026-12-15").unwrap().1,
            Reassignment::Until(date!(2026 - 12 - 15))
        );
        assert_eq!(
            ok("temporary", "15/12/2026").unwrap().1,
            Reassignment::Until(date!(2026 - 12 - 15))
        );
        use ReassignProblem::*;
        let table: &[(&str, &str, (&str, ReassignProblem))] = &[
            ("temporary", "", ("until", EndDateRequired)),
            ("temporary", "31/02/2027", ("until", EndDateInvalid)),
            ("temporary", "2026-11-26", ("until", EndDateNotAfterToday)),
            ("temporary", "2026-01-01", ("until", EndDateNotAfterToday)),
            ("temporary", "2028-01-01", ("until", EndDateTooFar { max_days: DELEGATION_MAX_DAYS })),
            ("", "", ("mode", ModeRequired)),
            ("forever", "", ("mode", ModeRequired)),
        ];
        for (mode, until, expected) in table {
            assert_eq!(ok(mode, until).unwrap_err(), vec![*expected], "{mode} {until}");
        }
        assert_eq!(
            parse_reassignment(0, None, "permanent", "", today).unwrap_err(),
            vec![("cases", NoCase), ("to", ReferentRequired)]
        );
        assert_eq!(
            parse_reassignment(BATCH_MAX + 1, to, "permanent", "", today).unwrap_err(),
            vec![("cases", TooManyCases { max: BATCH_MAX })]
        );
        // A delegation until the 15th (included) stops at the start of the 16th, local time.
        assert_eq!(Reassignment::ends_local(date!(2026 - 12 - 15)), datetime!(2026-12-16 00:00));
    }

    #[test]
    fn a_case_has_one_referent_who_is_not_also_a_co_referent() {
        let (a, b) = (UserId::new(), UserId::new());
        assert_eq!(parse_referents(Some(a), &[b, b]).unwrap(), (a, vec![b]));
        assert_eq!(parse_referents(Some(a), &[]).unwrap(), (a, vec![]));
        assert_eq!(
            parse_referents(None, &[b]).unwrap_err(),
            ("referent", ReferentsProblem::ReferentRequired)
        );
        assert_eq!(
            parse_referents(Some(a), &[b, a]).unwrap_err(),
            ("co_referents", ReferentsProblem::ReferentIsCoReferent)
        );
    }
}
