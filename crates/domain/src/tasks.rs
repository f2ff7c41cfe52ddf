//! Tasks and reminders (issue 9, slice a): a worker's to-dos, with a due date, linked to a case
//! or not, assignable to a colleague; and the tasks the system creates by itself when something
//! needs someone (a follow-up check falls due, an urgency flag waits unacknowledged, a case's
//! assessment grows old; later a referral without answer, a document about to expire). A
//! system task is about one record (its *source*): it is created once per source and assignee,
//! and it is closed by the system when its reason is gone (the check recorded, the flag
//! acknowledged, a new assessment made). Who sees and changes a task is decided in
//! [`crate::policy`] ([`crate::policy::task_access`]).

use time::Date;

/// Longest title of a task.
pub const TITLE_MAX: usize = 200;
/// Longest details of a task.
pub const DETAILS_MAX: usize = 4000;
/// Furthest due date a task may have, in years from today.
pub const DUE_MAX_YEARS: i32 = 10;
/// How far ahead "my day" looks for tasks coming up.
pub const UPCOMING_DAYS: i64 = 7;
/// A follow-up check gets its reminder task this many days before it is due.
pub const FOLLOW_UP_NOTICE_DAYS: i64 = 14;

/// Defaults of the organisation's reminder settings.
pub const DEFAULT_FLAG_HOURS: i64 = 24;
pub const DEFAULT_ASSESSMENT_MONTHS: i64 = 6;
/// Bounds of the settings.
pub const FLAG_HOURS_RANGE: (i64, i64) = (1, 240);
pub const ASSESSMENT_MONTHS_RANGE: (i64, i64) = (1, 36);

/// Why a task exists. The codes are stored: never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// Typed by someone.
    Manual,
    /// A follow-up check after closure falls due (source: the check).
    FollowUpDue,
    /// An urgency flag raised and not acknowledged in time (source: the flag).
    FlagUnacknowledged,
    /// An open case whose latest assessment is older than the organisation's limit (source:
    /// that assessment).
    AssessmentOld,
    /// A document expires soon (source: the document).
    DocumentExpiring,
    /// A referral got no answer in time (source: the referral).
    ReferralUnanswered,
    /// An election of domicile's renewal falls due (source: the election).
    DomiciliationRenewal,
    /// Mail waits at the desk longer than the organisation allows (source: the mail).
    DomiciliationMailWaiting,
    /// An aid request waits for documents longer than the organisation allows (source: the
    /// request).
    AidAwaitingDocuments,
}

impl TaskKind {
    pub const ALL: [TaskKind; 9] = [
        TaskKind::Manual,
        TaskKind::FollowUpDue,
        TaskKind::FlagUnacknowledged,
        TaskKind::AssessmentOld,
        TaskKind::DocumentExpiring,
        TaskKind::ReferralUnanswered,
        TaskKind::DomiciliationRenewal,
        TaskKind::DomiciliationMailWaiting,
        TaskKind::AidAwaitingDocuments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Manual => "manual",
            TaskKind::FollowUpDue => "follow_up_due",
            TaskKind::FlagUnacknowledged => "flag_unacknowledged",
            TaskKind::AssessmentOld => "assessment_old",
            TaskKind::DocumentExpiring => "document_expiring",
            TaskKind::ReferralUnanswered => "referral_unanswered",
            TaskKind::DomiciliationRenewal => "domiciliation_renewal",
            TaskKind::DomiciliationMailWaiting => "domiciliation_mail_waiting",
            TaskKind::AidAwaitingDocuments => "aid_awaiting_documents",
        }
    }

    pub fn parse(s: &str) -> Option<TaskKind> {
        TaskKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the system created it.
    pub fn automatic(self) -> bool {
        self != TaskKind::Manual
    }
}

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an open task stands on `today`, for lists and "my day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    Today,
    /// Within [`UPCOMING_DAYS`].
    Soon,
    Later,
    /// No due date.
    Undated,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Today => "today",
            Urgency::Soon => "soon",
            Urgency::Later => "later",
            Urgency::Undated => "undated",
        }
    }
}

/// How urgent an open task due on `due` is on `today`.
pub fn urgency(due: Option<Date>, today: Date) -> Urgency {
    match due {
        None => Urgency::Undated,
        Some(d) if d < today => Urgency::Overdue,
        Some(d) if d == today => Urgency::Today,
        Some(d) if (d - today).whole_days() <= UPCOMING_DAYS => Urgency::Soon,
        Some(_) => Urgency::Later,
    }
}

/// The task form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskInput {
    pub title: String,
    pub details: String,
    pub due_on: String,
}

/// A task form that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub title: String,
    /// Blank becomes `None`.
    pub details: Option<String>,
    pub due_on: Option<Date>,
}

/// A refused value of the task form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskProblem {
    TitleRequired,
    TitleTooLong {
        max: usize,
    },
    DetailsTooLong {
        max: usize,
    },
    DueInvalid,
    DueTooFar {
        years: i32,
    },
    /// The colleague chosen may not be given this task (not a member, or may not open its case).
    AssigneeInvalid,
}

/// Checks a typed task. A due date in the past is accepted (a task noted late is still owed);
/// problems name the field (`title`, `details`, `due_on`).
pub fn parse(
    input: &TaskInput,
    today: Date,
) -> Result<TaskFields, Vec<(&'static str, TaskProblem)>> {
    let mut problems = Vec::new();
    let title = input.title.trim();
    if title.is_empty() {
        problems.push(("title", TaskProblem::TitleRequired));
    } else if title.chars().count() > TITLE_MAX {
        problems.push(("title", TaskProblem::TitleTooLong { max: TITLE_MAX }));
    }
    let details = input.details.trim();
    if details.chars().count() > DETAILS_MAX {
        problems.push(("details", TaskProblem::DetailsTooLong { max: DETAILS_MAX }));
    }
    let due_on = match crate::persons::parse_date(&input.due_on) {
        Ok(Some(d)) if d.year() > today.year() + DUE_MAX_YEARS => {
            problems.push(("due_on", TaskProblem::DueTooFar { years: DUE_MAX_YEARS }));
            None
        }
        Ok(d) => d,
        Err(_) => {
            problems.push(("due_on", TaskProblem::DueInvalid));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(TaskFields {
        title: title.to_owned(),
        details: (!details.is_empty()).then(|| details.to_owned()),
        due_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn urgency_follows_the_due_date() {
        let today = date!(2026 - 11 - 26);
        assert_eq!(urgency(Some(date!(2026 - 11 - 25)), today), Urgency::Overdue);
        assert_eq!(urgency(Some(today), today), Urgency::Today);
        assert_eq!(urgency(Some(date!(2026 - 11 - 27)), today), Urgency::Soon);
        assert_eq!(urgency(Some(date!(2026 - 12 - 03)), today), Urgency::Soon);
        assert_eq!(urgency(Some(date!(2026 - 12 - 04)), today), Urgency::Later);
        assert_eq!(urgency(None, today), Urgency::Undated);
        assert!(Urgency::Overdue < Urgency::Today && Urgency::Later < Urgency::Undated);
    }

    #[test]
    fn a_task_needs_a_title_and_a_sensible_date() {
        let today = date!(2026 - 11 - 26);
        let ok = parse(
            &TaskInput {
                title: "  Call the housing office  ".into(),
                details: " \n ".into(),
                due_on: "01/12/2026".into(),
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.title, "Call the housing office");
        assert_eq!(ok.details, None);
        assert_eq!(ok.due_on, Some(date!(2026 - 12 - 01)));
        // Late is still owed; no date is allowed.
        let late = parse(
            &TaskInput { title: "x".into(), due_on: "2026-11-01".into(), ..Default::default() },
            today,
        );
        assert_eq!(late.unwrap().due_on, Some(date!(2026 - 11 - 01)));
        use TaskProblem::*;
        let bad = parse(
            &TaskInput {
                title: " ".into(),
                details: "d".repeat(DETAILS_MAX + 1),
                due_on: "31/02/2027".into(),
            },
            today,
        )
        .unwrap_err();
        assert_eq!(
            bad,
            vec![
                ("title", TitleRequired),
                ("details", DetailsTooLong { max: DETAILS_MAX }),
                ("due_on", DueInvalid)
            ]
        );
        let long = parse(
            &TaskInput {
                title: "é".repeat(TITLE_MAX + 1),
                due_on: "2040-01-01".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap_err();
        assert_eq!(
            long,
            vec![("title", TitleTooLong { max: TITLE_MAX }), ("due_on", DueTooFar { years: 10 })]
        );
        // Exactly the maximum, counted in characters, passes.
        assert!(
            parse(&TaskInput { title: "é".repeat(TITLE_MAX), ..Default::default() }, today).is_ok()
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in TaskKind::ALL {
            assert_eq!(TaskKind::parse(k.as_str()), Some(k));
            assert_eq!(k.automatic(), k != TaskKind::Manual);
        }
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.as_str()), Some(s));
        }
    }
}
