//! Cases (accompagnements) and the notes of their timeline: what a case is opened with, how its
//! status moves (open, paused, closed with a reason, reopened), and what a note must hold.
//! Who may see and change them is in [`crate::policy`].

use time::{Date, PrimitiveDateTime, Time};

/// Where a case is in its life. A closed case can be reopened; every change is a timeline
/// entry, so the history stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Open,
    /// Suspended for a while (hospital stay, the person asked for a pause), still assigned.
    Paused,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Open, CaseStatus::Paused, CaseStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Paused => "paused",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// Whether the person is being followed (for "this person is followed by…").
    pub fn active(self) -> bool {
        self != CaseStatus::Closed
    }
}

/// Why a status change was refused.
/// What a timeline entry is. Notes and status changes are their own record; the other kinds
/// are events that point at a record of their feature (an assessment, a goal…) and keep a short
/// text of it as it was then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Note,
    Status,
    Assessment,
    Goal,
    Step,
    Victory,
    /// The person's agreement to the plan (signature, oral agreement).
    Agreement,
    /// A change of referent or co-referents (reassignment, delegation).
    Referents,
    /// A follow-up check after closure.
    FollowUp,
    Appointment,
    Task,
    Document,
    Referral,
    /// An aid request's step (ADR 0030).
    Aid,
}

impl EntryKind {
    pub const ALL: [EntryKind; 14] = [
        EntryKind::Note,
        EntryKind::Status,
        EntryKind::Assessment,
        EntryKind::Goal,
        EntryKind::Step,
        EntryKind::Victory,
        EntryKind::Agreement,
        EntryKind::Referents,
        EntryKind::FollowUp,
        EntryKind::Appointment,
        EntryKind::Task,
        EntryKind::Document,
        EntryKind::Referral,
        EntryKind::Aid,
    ];

    /// The code stored in `case_entries.kind` (its CHECK lists the same codes).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Note => "note",
            EntryKind::Status => "status",
            EntryKind::Assessment => "assessment",
            EntryKind::Goal => "goal",
            EntryKind::Step => "step",
            EntryKind::Victory => "victory",
            EntryKind::Agreement => "agreement",
            EntryKind::Referents => "referents",
            EntryKind::FollowUp => "follow_up",
            EntryKind::Appointment => "appointment",
            EntryKind::Task => "task",
            EntryKind::Document => "document",
            EntryKind::Referral => "referral",
            EntryKind::Aid => "aid",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Whether the entry belongs to the case's metadata, shown to whoever may see that the
    /// case exists and who follows it (a manager without content rights), or to its content.
    pub fn is_metadata(self) -> bool {
        matches!(self, EntryKind::Status | EntryKind::Referents)
    }
}

/// The groups of events a timeline can be narrowed to, besides a note type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineGroup {
    StatusChanges,
    Assessments,
    /// Goals, steps and the person's agreement to the plan.
    PlanChanges,
    Victories,
    ReferentChanges,
    FollowUps,
}

impl TimelineGroup {
    pub const ALL: [TimelineGroup; 6] = [
        TimelineGroup::StatusChanges,
        TimelineGroup::Assessments,
        TimelineGroup::PlanChanges,
        TimelineGroup::Victories,
        TimelineGroup::ReferentChanges,
        TimelineGroup::FollowUps,
    ];

    /// The code in a filter's address (`type=kind:plan`), never a list code (those have no
    /// colon).
    pub fn code(self) -> &'static str {
        match self {
            TimelineGroup::StatusChanges => "kind:status",
            TimelineGroup::Assessments => "kind:assessment",
            TimelineGroup::PlanChanges => "kind:plan",
            TimelineGroup::Victories => "kind:victory",
            TimelineGroup::ReferentChanges => "kind:referents",
            TimelineGroup::FollowUps => "kind:follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<TimelineGroup> {
        TimelineGroup::ALL.into_iter().find(|g| g.code() == s.trim())
    }

    pub fn kinds(self) -> &'static [EntryKind] {
        match self {
            TimelineGroup::StatusChanges => &[EntryKind::Status],
            TimelineGroup::Assessments => &[EntryKind::Assessment],
            TimelineGroup::PlanChanges => &[EntryKind::Goal, EntryKind::Step, EntryKind::Agreement],
            TimelineGroup::Victories => &[EntryKind::Victory],
            TimelineGroup::ReferentChanges => &[EntryKind::Referents],
            TimelineGroup::FollowUps => &[EntryKind::FollowUp],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusProblem {
    /// The case is already in that status.
    Unchanged,
    /// A closed case is reopened first; it is not paused.
    NotAllowed,
    /// Closing needs a reason from the closure list.
    ClosureReasonRequired,
}

/// Checks a change of status: `to` differs from `from`, closing names a reason, a closed case
/// only reopens.
pub fn change_status(
    from: CaseStatus,
    to: CaseStatus,
    closure_reason: Option<&str>,
) -> Result<(), StatusProblem> {
    match (from, to) {
        _ if from == to => Err(StatusProblem::Unchanged),
        (CaseStatus::Closed, CaseStatus::Paused) => Err(StatusProblem::NotAllowed),
        (_, CaseStatus::Closed) if closure_reason.is_none_or(|r| r.trim().is_empty()) => {
            Err(StatusProblem::ClosureReasonRequired)
        }
        _ => Ok(()),
    }
}

pub const REASON_MAX: usize = 2_000;

/// A refused value of the case form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseProblem {
    ReasonRequired,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    TeamRequired,
    ReferentRequired,
    /// The referent cannot also be a co-referent.
    ReferentIsCoReferent,
}

/// Parses the reason of a new case; `team_chosen` and `referent_chosen` say whether a team and
/// a referent of the organisation were picked (the caller checks they exist).
pub fn parse_opening(
    reason: &str,
    team_chosen: bool,
    referent_chosen: bool,
    referent_among_co_referents: bool,
) -> Result<String, Vec<(&'static str, CaseProblem)>> {
    let mut problems = Vec::new();
    let reason = reason.trim().replace("\r\n", "\n");
    if reason.is_empty() {
        problems.push(("reason", CaseProblem::ReasonRequired));
    } else if reason.chars().count() > REASON_MAX {
        problems.push(("reason", CaseProblem::TooLong { max: REASON_MAX }));
    } else if has_control(&reason) {
        problems.push(("reason", CaseProblem::ControlCharacters));
    }
    if !team_chosen {
        problems.push(("team", CaseProblem::TeamRequired));
    }
    if !referent_chosen {
        problems.push(("referent", CaseProblem::ReferentRequired));
    } else if referent_among_co_referents {
        problems.push(("co_referents", CaseProblem::ReferentIsCoReferent));
    }
    if problems.is_empty() { Ok(reason) } else { Err(problems) }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Who may read a note, besides the rules of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidentiality {
    /// Everyone who may read the case.
    Normal,
    /// The referent and co-referents (and the author).
    Referents,
    /// The author alone, an administrator included (a private synthesis).
    Author,
}

impl Confidentiality {
    pub const ALL: [Confidentiality; 3] =
        [Confidentiality::Normal, Confidentiality::Referents, Confidentiality::Author];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidentiality::Normal => "normal",
            Confidentiality::Referents => "referents",
            Confidentiality::Author => "author",
        }
    }

    pub fn parse(s: &str) -> Option<Confidentiality> {
        Confidentiality::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// The note type that is not a contact with the person: a review of the case by the team. The
/// other types are the codes of the contact medium list (`ListName::ContactMedium`).
pub const CASE_REVIEW: &str = "case_review";

pub const BODY_MAX: usize = 20_000;
pub const PLACE_MAX: usize = 200;
pub const PARTICIPANTS_MAX: usize = 500;
pub const DURATION_MAX: i64 = 24 * 60;
pub const DELETE_REASON_MAX: usize = 500;

/// A note form as typed, every field a string: also what a draft keeps, valid or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteInput {
    /// `yyyy-mm-dd` (a date input) or `dd/mm/yyyy`, in the organisation's time zone.
    pub date: String,
    /// `hh:mm`, in the organisation's time zone.
    pub time: String,
    pub duration: String,
    pub place: String,
    pub participants: String,
    pub note_type: String,
    pub confidentiality: String,
    pub body: String,
}

impl NoteInput {
    /// Whether nothing worth keeping was typed (a draft of it is not kept).
    pub fn is_blank(&self) -> bool {
        [&self.duration, &self.place, &self.participants, &self.body]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// A valid note, its date still local: the caller turns it into UTC in the organisation's
/// zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub occurred_local: PrimitiveDateTime,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub note_type: String,
    pub confidentiality: Confidentiality,
    pub body: String,
}

/// A refused value of the note form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteProblem {
    DateRequired,
    DateInvalid,
    TimeInvalid,
    /// Later than now: notes record what happened.
    InFuture,
    DurationInvalid {
        max: i64,
    },
    TypeRequired,
    ConfidentialityRequired,
    BodyRequired,
    TooLong {
        max: usize,
    },
    ControlCharacters,
}

/// Parses a note form; `type_known` says whether a note type code may be chosen (a contact
/// medium of the organisation's list, or [`CASE_REVIEW`]).
pub fn parse_note(
    input: &NoteInput,
    type_known: impl Fn(&str) -> bool,
) -> Result<Note, Vec<(&'static str, NoteProblem)>> {
    let mut problems = Vec::new();
    let date = match crate::persons::parse_date(&input.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(("date", NoteProblem::DateRequired));
            None
        }
        Err(_) => {
            problems.push(("date", NoteProblem::DateInvalid));
            None
        }
    };
    let time = match parse_time(&input.time) {
        Some(t) => Some(t),
        None => {
            problems.push(("time", NoteProblem::TimeInvalid));
            None
        }
    };
    let duration = input.duration.trim();
    let duration_minutes = if duration.is_empty() {
        None
    } else {
        match duration.parse::<i64>() {
            Ok(m) if (0..=DURATION_MAX).contains(&m) => Some(m),
            _ => {
                problems.push(("duration", NoteProblem::DurationInvalid { max: DURATION_MAX }));
                None
            }
        }
    };
    let mut text = |field: &'static str, value: &str, max: usize| -> Option<String> {
        let v = value.trim().replace("\r\n", "\n");
        if v.chars().count() > max {
            problems.push((field, NoteProblem::TooLong { max }));
        } else if has_control(&v) {
            problems.push((field, NoteProblem::ControlCharacters));
        }
        (!v.is_empty()).then_some(v)
    };
    let place = text("place", &input.place, PLACE_MAX);
    let participants = text("participants", &input.participants, PARTICIPANTS_MAX);
    let body = text("body", &input.body, BODY_MAX);
    if body.is_none() {
        problems.push(("body", NoteProblem::BodyRequired));
    }
    let note_type = input.note_type.trim();
    if note_type.is_empty() || !type_known(note_type) {
        problems.push(("note_type", NoteProblem::TypeRequired));
    }
    let confidentiality = Confidentiality::parse(&input.confidentiality);
    if confidentiality.is_none() {
        problems.push(("confidentiality", NoteProblem::ConfidentialityRequired));
    }
    match (date, time, confidentiality, body) {
        (Some(date), Some(time), Some(confidentiality), Some(body)) if problems.is_empty() => {
            Ok(Note {
                occurred_local: PrimitiveDateTime::new(date, time),
                duration_minutes,
                place,
                participants,
                note_type: note_type.to_owned(),
                confidentiality,
                body,
            })
        }
        _ => Err(problems),
    }
}

/// `hh:mm` (or `hh:mm:ss`, `hhhmm`), as time inputs and people write it.
pub fn parse_time(raw: &str) -> Option<Time> {
    let v = raw.trim().to_ascii_lowercase();
    let mut parts = v.split([':', 'h']);
    let h: u8 = parts.next()?.parse().ok()?;
    let m: u8 = match parts.next() {
        Some("") | None => 0,
        Some(m) if m.len() == 2 => m.parse().ok()?,
        Some(_) => return None,
    };
    let s: u8 = match parts.next() {
        Some(s) if s.len() == 2 => s.parse().ok()?,
        None => 0,
        Some(_) => return None,
    };
    Time::from_hms(h, m, s).ok()
}

/// `hh:mm`.
pub fn hh_mm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// How far ahead of the server's clock a note's time may be: a phone's clock a little fast, a
/// note typed on the minute.
pub const FUTURE_TOLERANCE: time::Duration = time::Duration::minutes(10);

/// Whether a note dated `occurred` (UTC) may be saved at `now`.
pub fn not_in_future(
    occurred: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Result<(), NoteProblem> {
    if occurred > now + FUTURE_TOLERANCE { Err(NoteProblem::InFuture) } else { Ok(()) }
}

/// The instant a note is placed at on the timeline. A note's time is typed to the minute; other
/// events of the case carry the second they happened. A note typed for the current minute (the
/// form's default: written now) is placed at `now`, so it comes after what happened earlier in
/// that minute (the case's opening, a goal just added) instead of before it; a correction that
/// keeps the minute keeps the instant it had. Any other minute is taken as typed.
pub fn note_instant(
    typed: time::OffsetDateTime,
    now: time::OffsetDateTime,
    previous: Option<time::OffsetDateTime>,
) -> time::OffsetDateTime {
    let minute = |t: time::OffsetDateTime| {
        let t = t.to_offset(time::UtcOffset::UTC);
        t.replace_second(0).and_then(|t| t.replace_nanosecond(0)).unwrap_or(t)
    };
    match previous {
        Some(p) if minute(p) == minute(typed) => p,
        _ if minute(now) == minute(typed) => now,
        _ => typed,
    }
}

/// Parses the reason given for deleting a note: required, it stays on the timeline.
pub fn parse_delete_reason(raw: &str) -> Result<String, NoteProblem> {
    let v = raw.trim().replace("\r\n", "\n");
    if v.is_empty() {
        Err(NoteProblem::BodyRequired)
    } else if v.chars().count() > DELETE_REASON_MAX {
        Err(NoteProblem::TooLong { max: DELETE_REASON_MAX })
    } else if has_control(&v) {
        Err(NoteProblem::ControlCharacters)
    } else {
        Ok(v)
    }
}

/// A local date for forms: `yyyy-mm-dd`.
pub fn form_date(d: Date) -> String {
    crate::persons::iso_date(d)
}

/// The bounds of the reason given to open a case in an emergency (break the glass).
pub const EMERGENCY_REASON_MIN: usize = 10;
pub const EMERGENCY_REASON_MAX: usize = 500;

/// What is wrong with the reason given to open a case in an emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmergencyReasonProblem {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
}

/// The reason to open a case in an emergency, trimmed: 10 to 500 characters.
pub fn parse_emergency_reason(typed: &str) -> Result<String, EmergencyReasonProblem> {
    let reason = typed.trim();
    let n = reason.chars().count();
    if n == 0 {
        Err(EmergencyReasonProblem::Required)
    } else if n < EMERGENCY_REASON_MIN {
        Err(EmergencyReasonProblem::TooShort { min: EMERGENCY_REASON_MIN })
    } else if n > EMERGENCY_REASON_MAX {
        Err(EmergencyReasonProblem::TooLong { max: EMERGENCY_REASON_MAX })
    } else if has_control(reason) {
        Err(EmergencyReasonProblem::ControlCharacters)
    } else {
        Ok(reason.to_owned())
    }
}

#[cfg(test)]
mod emergency_reason_tests {
    use super::*;

    #[test]
    fn a_note_written_now_is_placed_at_the_second_and_a_correction_keeps_its_instant() {
        use time::macros::datetime;
        let now = datetime!(2026-11-26 10:36:45.5 UTC);
        let typed_now = datetime!(2026-11-26 10:36 UTC);
        assert_eq!(note_instant(typed_now, now, None), now);
        let earlier = datetime!(2026-11-26 09:15 UTC);
        assert_eq!(note_instant(earlier, now, None), earlier, "another minute, as typed");
        let stored = datetime!(2026-11-26 09:15:12 UTC);
        assert_eq!(note_instant(earlier, now, Some(stored)), stored, "the minute kept");
        let moved = datetime!(2026-11-26 09:20 UTC);
        assert_eq!(note_instant(moved, now, Some(stored)), moved, "the minute changed");
        // The same minute written in another offset is the same minute.
        let paris = datetime!(2026-11-26 11:36 +01:00);
        assert_eq!(note_instant(paris, now, None), now);
    }

    #[test]
    fn entry_kinds_round_trip_and_only_status_and_referents_are_metadata() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        let metadata: Vec<_> = EntryKind::ALL.into_iter().filter(|k| k.is_metadata()).collect();
        assert_eq!(metadata, [EntryKind::Status, EntryKind::Referents]);
        assert_eq!(EntryKind::parse("goals"), None);
    }

    #[test]
    fn timeline_groups_have_distinct_codes_that_no_list_code_can_be() {
        let mut seen = std::collections::HashSet::new();
        for g in TimelineGroup::ALL {
            assert!(seen.insert(g.code()));
            assert_eq!(TimelineGroup::parse(g.code()), Some(g));
            assert!(!crate::lists::valid_code(g.code()), "{}", g.code());
            assert!(!g.kinds().is_empty());
            assert!(!g.kinds().contains(&EntryKind::Note));
        }
        assert_eq!(TimelineGroup::parse("plan"), None);
    }

    #[test]
    fn an_emergency_reason_is_trimmed_and_bounded() {
        use EmergencyReasonProblem::*;
        let long = "é".repeat(501);
        let max = "é".repeat(500);
        let table: &[(&str, Result<&str, EmergencyReasonProblem>)] = &[
            ("", Err(Required)),
            ("   \n ", Err(Required)),
            ("trop court", Ok("trop court")),
            ("  court  ", Err(TooShort { min: 10 })),
            ("  Appel du 115 : mise à l'abri  ", Ok("Appel du 115 : mise à l'abri")),
            (&long, Err(TooLong { max: 500 })),
            (&max, Ok(&max)),
            ("Appel\u{7}du 115 ce soir", Err(ControlCharacters)),
        ];
        for (typed, expected) in table {
            let got = parse_emergency_reason(typed);
            assert_eq!(got.as_deref().map_err(|e| *e), *expected, "{typed:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    fn input(pairs: &[(&str, &str)]) -> NoteInput {
        let mut n = NoteInput {
            date: "2026-11-20".into(),
            time: "14:30".into(),
            note_type: "home_visit".into(),
            confidentiality: "normal".into(),
            body: "Visite : **loyer** payé.".into(),
            ..Default::default()
        };
        for (k, v) in pairs {
            let v = (*v).to_owned();
            match *k {
                "date" => n.date = v,
                "time" => n.time = v,
                "duration" => n.duration = v,
                "place" => n.place = v,
                "participants" => n.participants = v,
                "note_type" => n.note_type = v,
                "confidentiality" => n.confidentiality = v,
                "body" => n.body = v,
                _ => panic!("{k}"),
            }
        }
        n
    }

    fn known(code: &str) -> bool {
        ["home_visit", "phone", CASE_REVIEW].contains(&code)
    }

    #[test]
    fn a_note_has_a_local_date_and_time_a_type_a_level_and_a_body() {
        let n =
            parse_note(&input(&[("duration", " 45 "), ("place", " Domicile ")]), known).unwrap();
        assert_eq!(n.occurred_local, datetime!(2026-11-20 14:30));
        assert_eq!(n.duration_minutes, Some(45));
        assert_eq!(n.place.as_deref(), Some("Domicile"));
        assert_eq!(n.participants, None);
        assert_eq!(n.confidentiality, Confidentiality::Normal);
        let n = parse_note(&input(&[("date", "20/11/2026"), ("time", "9h05")]), known).unwrap();
        assert_eq!(n.occurred_local, datetime!(2026-11-20 09:05));
        assert!(parse_note(&input(&[("note_type", CASE_REVIEW)]), known).is_ok());
    }

    #[test]
    fn every_refused_field_is_named() {
        let all = parse_note(
            &NoteInput { duration: "2000".into(), time: "25:00".into(), ..Default::default() },
            known,
        )
        .unwrap_err();
        let fields: Vec<&str> = all.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["date", "time", "duration", "body", "note_type", "confidentiality"],
            "{all:?}"
        );
        assert_eq!(
            parse_note(&input(&[("date", "31/02/2026")]), known).unwrap_err(),
            vec![("date", NoteProblem::DateInvalid)]
        );
        assert_eq!(
            parse_note(&input(&[("note_type", "carrier_pigeon")]), known).unwrap_err(),
            vec![("note_type", NoteProblem::TypeRequired)]
        );
        assert_eq!(
            parse_note(&input(&[("duration", "-5")]), known).unwrap_err(),
            vec![("duration", NoteProblem::DurationInvalid { max: DURATION_MAX })]
        );
        assert_eq!(
            parse_note(&input(&[("body", &"x".repeat(BODY_MAX + 1))]), known).unwrap_err(),
            vec![("body", NoteProblem::TooLong { max: BODY_MAX })]
        );
        assert_eq!(
            parse_note(&input(&[("place", "a\u{0}b")]), known).unwrap_err(),
            vec![("place", NoteProblem::ControlCharacters)]
        );
        assert_eq!(
            parse_note(&input(&[("confidentiality", "secret")]), known).unwrap_err(),
            vec![("confidentiality", NoteProblem::ConfidentialityRequired)]
        );
    }

    #[test]
    fn times_and_the_future() {
        assert_eq!(parse_time("07:05"), Some(time!(07:05)));
        assert_eq!(parse_time("7h"), Some(time!(07:00)));
        assert_eq!(parse_time("14:30:00"), Some(time!(14:30)));
        assert_eq!(parse_time("14:3"), None);
        assert_eq!(parse_time(""), None);
        let now = datetime!(2026-11-26 10:00 UTC);
        assert!(not_in_future(datetime!(2026-11-26 10:09 UTC), now).is_ok());
        assert_eq!(not_in_future(datetime!(2026-11-26 10:11 UTC), now), Err(NoteProblem::InFuture));
        assert_eq!(form_date(date!(2026 - 01 - 02)), "2026-01-02");
    }

    #[test]
    fn a_case_closes_with_a_reason_and_reopens() {
        use CaseStatus::*;
        assert_eq!(change_status(Open, Paused, None), Ok(()));
        assert_eq!(change_status(Paused, Open, None), Ok(()));
        assert_eq!(change_status(Open, Closed, None), Err(StatusProblem::ClosureReasonRequired));
        assert_eq!(
            change_status(Open, Closed, Some(" ")),
            Err(StatusProblem::ClosureReasonRequired)
        );
        assert_eq!(change_status(Paused, Closed, Some("moved_away")), Ok(()));
        assert_eq!(change_status(Closed, Open, None), Ok(()), "reopening");
        assert_eq!(change_status(Closed, Paused, None), Err(StatusProblem::NotAllowed));
        assert_eq!(change_status(Open, Open, None), Err(StatusProblem::Unchanged));
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for c in Confidentiality::ALL {
            assert_eq!(Confidentiality::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn a_case_opens_with_a_reason_a_team_and_a_referent() {
        assert_eq!(
            parse_opening("  Dettes de loyer \r\n", true, true, false).unwrap(),
            "Dettes de loyer"
        );
        assert_eq!(
            parse_opening("", false, false, false).unwrap_err(),
            vec![
                ("reason", CaseProblem::ReasonRequired),
                ("team", CaseProblem::TeamRequired),
                ("referent", CaseProblem::ReferentRequired)
            ]
        );
        assert_eq!(
            parse_opening("x", true, true, true).unwrap_err(),
            vec![("co_referents", CaseProblem::ReferentIsCoReferent)]
        );
        assert_eq!(
            parse_opening(&"x".repeat(REASON_MAX + 1), true, true, false).unwrap_err(),
            vec![("reason", CaseProblem::TooLong { max: REASON_MAX })]
        );
        assert!(parse_delete_reason("  ").is_err());
        assert_eq!(parse_delete_reason(" doublon ").unwrap(), "doublon");
    }
}
