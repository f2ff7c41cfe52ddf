//! Statistics that come from the work (issue 11, ADR 0037): what a dashboard counts, over which
//! cases and which period, and the figures a drill-down explains with the cases behind them.
//!
//! Every figure is about **the cases of a scope**: the organisation's, a team's (the case's
//! team) or a worker's caseload (the cases they are the referent of). A figure counts events
//! of those cases that fall in the period (contacts, appointments, referrals sent, documents
//! filed, urgency flags raised for their persons), so a team's and a worker's figures are a
//! part of the organisation's, and the drill-down of a figure lists exactly the cases that
//! gave it. Who may see which scope is in [`crate::policy::statistics_scope`].

use time::{Date, Month, PrimitiveDateTime, Time};

use crate::{TeamId, UserId};

/// The cases a figure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsScope {
    /// Every case of the organisation.
    Organisation,
    /// The cases of these teams (a supervisor's teams, or one team).
    Teams(Vec<TeamId>),
    /// A worker's caseload: the cases they are the referent of.
    Worker(UserId),
}

impl StatsScope {
    /// Whether `inner` is a part of `self`: what a viewer whose scope is `self` may ask for.
    /// A worker's caseload is a part of a team scope when the caller checked that the worker
    /// belongs to one of the teams (`worker_in_teams`).
    pub fn contains(&self, inner: &StatsScope, worker_in_teams: bool) -> bool {
        match (self, inner) {
            (StatsScope::Organisation, _) => true,
            (StatsScope::Teams(mine), StatsScope::Teams(asked)) => {
                !asked.is_empty() && asked.iter().all(|t| mine.contains(t))
            }
            (StatsScope::Teams(_), StatsScope::Worker(_)) => worker_in_teams,
            (StatsScope::Worker(me), StatsScope::Worker(asked)) => me == asked,
            _ => false,
        }
    }
}

/// A period of local dates, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// The longest period a dashboard covers.
pub const PERIOD_MAX_DAYS: i64 = 366 * 5;

impl Period {
    /// The year to date: the first of January of `today`'s year up to `today`.
    pub fn year_to_date(today: Date) -> Self {
        let from = Date::from_calendar_date(today.year(), Month::January, 1).unwrap_or(today);
        Self { from, to: today }
    }

    /// One calendar year.
    pub fn year(year: i32) -> Option<Self> {
        Some(Self {
            from: Date::from_calendar_date(year, Month::January, 1).ok()?,
            to: Date::from_calendar_date(year, Month::December, 31).ok()?,
        })
    }

    /// Where the period starts and where it ends (the start of the day after `to`), as local
    /// times of the organisation: events at or after the first and before the second count.
    pub fn local_bounds(&self) -> (PrimitiveDateTime, PrimitiveDateTime) {
        let end = self.to.next_day().unwrap_or(self.to);
        (
            PrimitiveDateTime::new(self.from, Time::MIDNIGHT),
            PrimitiveDateTime::new(end, Time::MIDNIGHT),
        )
    }
}

/// A refused period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodProblem {
    /// `from` or `to` is not a date.
    FromInvalid,
    ToInvalid,
    /// `to` is before `from`.
    Reversed,
    TooLong {
        max_days: i64,
    },
}

/// `yyyy-mm-dd` (date fields) or `dd/mm/yyyy` (typed by hand), as everywhere in Passerelle.
fn parse_date(s: &str) -> Option<Date> {
    crate::persons::parse_date(s).ok().flatten()
}

/// Parses a period as typed (`yyyy-mm-dd`, what a date field sends, or `dd/mm/yyyy`). An empty bound takes the
/// year to date's. Every problem is returned, so the form names each field.
pub fn parse_period(from: &str, to: &str, today: Date) -> Result<Period, Vec<PeriodProblem>> {
    let default = Period::year_to_date(today);
    let mut problems = Vec::new();
    let from = if from.trim().is_empty() {
        Some(default.from)
    } else {
        parse_date(from).or_else(|| {
            problems.push(PeriodProblem::FromInvalid);
            None
        })
    };
    let to = if to.trim().is_empty() {
        Some(default.to)
    } else {
        parse_date(to).or_else(|| {
            problems.push(PeriodProblem::ToInvalid);
            None
        })
    };
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            problems.push(PeriodProblem::Reversed);
        } else if (to - from).whole_days() + 1 > PERIOD_MAX_DAYS {
            problems.push(PeriodProblem::TooLong { max_days: PERIOD_MAX_DAYS });
        }
        if problems.is_empty() {
            return Ok(Period { from, to });
        }
    }
    Err(problems)
}

/// A figure of the dashboard whose cases can be listed: what the drill-down is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Cases followed during the period: opened before its end, not closed before its start.
    Followed,
    Opened,
    /// Closed in the period; with a code, for that closure reason.
    Closed,
    /// With a contact (a note of a meeting, call, visit…) in the period; with a code, of that
    /// type.
    Contacts,
    /// Whose person had an urgency flag raised in the period.
    Flags,
    /// With an appointment in the period; with a code, in that state (done, missed…).
    Appointments,
    /// With a referral sent in the period; with a code, to that service.
    Referrals,
    /// With a document filed in the period.
    Documents,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::Followed,
        Figure::Opened,
        Figure::Closed,
        Figure::Contacts,
        Figure::Flags,
        Figure::Appointments,
        Figure::Referrals,
        Figure::Documents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Figure::Followed => "followed",
            Figure::Opened => "opened",
            Figure::Closed => "closed",
            Figure::Contacts => "contacts",
            Figure::Flags => "flags",
            Figure::Appointments => "appointments",
            Figure::Referrals => "referrals",
            Figure::Documents => "documents",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether the figure is broken down by a code (closure reason, contact type, appointment
    /// state, partner service), so that a drill-down may take one.
    pub fn takes_code(self) -> bool {
        matches!(self, Figure::Closed | Figure::Contacts | Figure::Appointments | Figure::Referrals)
    }
}

/// The share `part / whole` in whole per cent, rounded half up; none when `whole` is 0 (an
/// honest "no denominator" rather than 0 %).
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    Some((part * 200 + whole) / (2 * whole))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_empty_period_is_the_year_to_date() {
        let p = parse_period("", " ", date!(2026 - 11 - 27)).unwrap();
        assert_eq!(p, Period { from: date!(2026 - 01 - 01), to: date!(2026 - 11 - 27) });
    }

    #[test]
    fn every_problem_of_a_period_is_named() {
        let today = date!(2026 - 11 - 27);
        assert_eq!(
            parse_period("2026-13-01", "hier", today),
            Err(vec![PeriodProblem::FromInvalid, PeriodProblem::ToInvalid])
        );
        assert_eq!(
            parse_period("2026-05-02", "2026-05-01", today),
            Err(vec![PeriodProblem::Reversed])
        );
        assert_eq!(
            parse_period("2015-01-01", "2026-01-01", today),
            Err(vec![PeriodProblem::TooLong { max_days: PERIOD_MAX_DAYS }])
        );
        assert_eq!(
            parse_period("01/05/2026", "2026-05-01", today),
            Ok(Period { from: date!(2026 - 05 - 01), to: date!(2026 - 05 - 01) })
        );
    }

    #[test]
    fn a_period_ends_at_the_start_of_the_day_after_its_last_day() {
        let p = Period::year(2025).unwrap();
        let (from, until) = p.local_bounds();
        assert_eq!(from.to_string(), "2025-01-01 0:00:00.0");
        assert_eq!(until.to_string(), "2026-01-01 0:00:00.0");
    }

    #[test]
    fn figures_round_trip_and_only_broken_down_ones_take_a_code() {
        for f in Figure::ALL {
            assert_eq!(Figure::parse(f.as_str()), Some(f));
        }
        assert_eq!(Figure::parse("everything"), None);
        assert!(Figure::Closed.takes_code());
        assert!(!Figure::Followed.takes_code());
        assert!(!Figure::Documents.takes_code());
    }

    #[test]
    fn a_share_without_denominator_is_none_and_rounds_half_up() {
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 5), Some(0));
    }

    #[test]
    fn a_scope_contains_only_its_parts() {
        let t1 = TeamId::from_uuid(uuid::Uuid::from_u128(1));
        let t2 = TeamId::from_uuid(uuid::Uuid::from_u128(2));
        let w = UserId::from_uuid(uuid::Uuid::from_u128(3));
        let other = UserId::from_uuid(uuid::Uuid::from_u128(4));
        let org = StatsScope::Organisation;
        let teams = StatsScope::Teams(vec![t1]);
        assert!(org.contains(&StatsScope::Teams(vec![t2]), false));
        assert!(teams.contains(&StatsScope::Teams(vec![t1]), false));
        assert!(!teams.contains(&StatsScope::Teams(vec![t1, t2]), false));
        assert!(!teams.contains(&StatsScope::Teams(vec![]), false));
        assert!(!teams.contains(&org, false));
        assert!(teams.contains(&StatsScope::Worker(w), true));
        assert!(!teams.contains(&StatsScope::Worker(w), false));
        assert!(StatsScope::Worker(w).contains(&StatsScope::Worker(w), false));
        assert!(!StatsScope::Worker(w).contains(&StatsScope::Worker(other), true));
        assert!(!StatsScope::Worker(w).contains(&org, true));
    }
}
