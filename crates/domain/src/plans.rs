//! The action plan of a case, built with the person (issue 7 point 4): goals written in the
//! person's own words (and, if needed, the worker's reformulation), linked to life domains;
//! steps under a goal saying who does what by when; victories, the small successes the person
//! names; and the person's agreement to the plan. Who may read and change a plan is the case's
//! access ([`crate::policy::case_access`]): readers of the content read it, writers write it.

use time::Date;

use crate::accounts::Role;
use crate::policy::Rule;

/// Who may reach the plan's pages (and its PDF): the roles that read a case's content by the
/// case's own rules; [`crate::policy::case_access`] decides for each case. Managers read a
/// plan only on the overview of a case whose team they supervise, not here (as with the
/// versions of notes, the route rule is stricter than the policy).
pub const PLAN_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);
/// Who changes plans: workers, on the cases they may write.
pub const PLAN_WRITERS: Rule = Rule::Roles(&[Role::Worker]);

/// The default life domains (DOMAIN.md §2.15), until the organisation's own list
/// (`ListName::LifeDomain`) lands: the codes a goal may be linked to.
pub const DEFAULT_LIFE_DOMAINS: [&str; 14] = [
    "housing",
    "employment",
    "budget",
    "health",
    "mental_health",
    "family",
    "justice",
    "education",
    "mobility",
    "social_life",
    "rights",
    "food",
    "digital",
    "french_language",
];

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    Active,
    /// Set aside for a while (the person has other priorities now).
    OnHold,
    Achieved,
    Abandoned,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 4] =
        [GoalStatus::Active, GoalStatus::OnHold, GoalStatus::Achieved, GoalStatus::Abandoned];

    /// The code stored in `plan_goals.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::OnHold => "on_hold",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.into_iter().find(|g| g.as_str() == s.trim())
    }
}

/// Where a step stands (DOMAIN.md §2.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Planned,
    InProgress,
    Done,
    OnHold,
    Abandoned,
    Cancelled,
}

impl StepStatus {
    pub const ALL: [StepStatus; 6] = [
        StepStatus::Planned,
        StepStatus::InProgress,
        StepStatus::Done,
        StepStatus::OnHold,
        StepStatus::Abandoned,
        StepStatus::Cancelled,
    ];

    /// The code stored in `plan_steps.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Planned => "planned",
            StepStatus::InProgress => "in_progress",
            StepStatus::Done => "done",
            StepStatus::OnHold => "on_hold",
            StepStatus::Abandoned => "abandoned",
            StepStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<StepStatus> {
        StepStatus::ALL.into_iter().find(|g| g.as_str() == s.trim())
    }

    /// Whether the step is still to do (it can be the goal's next step, or be overdue).
    pub fn open(self) -> bool {
        matches!(self, StepStatus::Planned | StepStatus::InProgress | StepStatus::OnHold)
    }
}

/// Whether a step is overdue on `today`: its due date is past and it is neither done nor
/// cancelled (an abandoned step is not "late" either: nobody will do it).
pub fn is_overdue(due_on: Option<Date>, status: StepStatus, today: Date) -> bool {
    due_on.is_some_and(|d| d < today) && status.open()
}

/// Who does a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOwner {
    /// The person themselves.
    Person,
    /// The worker (the referent, or whoever of the team).
    Worker,
    /// A partner (a service, an association), optionally named.
    Partner,
}

impl StepOwner {
    pub const ALL: [StepOwner; 3] = [StepOwner::Person, StepOwner::Worker, StepOwner::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            StepOwner::Person => "person",
            StepOwner::Worker => "worker",
            StepOwner::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<StepOwner> {
        StepOwner::ALL.into_iter().find(|o| o.as_str() == s.trim())
    }
}

/// How the person agreed to their plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementMethod {
    SignedPaper,
    SignedScreen,
    Oral,
}

impl AgreementMethod {
    pub const ALL: [AgreementMethod; 3] =
        [AgreementMethod::SignedPaper, AgreementMethod::SignedScreen, AgreementMethod::Oral];

    pub fn as_str(self) -> &'static str {
        match self {
            AgreementMethod::SignedPaper => "signed_paper",
            AgreementMethod::SignedScreen => "signed_screen",
            AgreementMethod::Oral => "oral",
        }
    }

    pub fn parse(s: &str) -> Option<AgreementMethod> {
        AgreementMethod::ALL.into_iter().find(|o| o.as_str() == s.trim())
    }
}

pub const WORDS_MAX: usize = 2_000;
pub const ACTION_MAX: usize = 1_000;
pub const PARTNER_MAX: usize = 200;
/// How far back a victory or an agreement may be dated (a typo such as 1025 is refused).
pub const PAST_YEARS_MAX: i32 = 10;

/// A refused value of a plan form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    /// The person's words are required (a goal, a victory).
    WordsRequired,
    ActionRequired,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// A life domain that is not offered.
    UnknownDomain,
    StatusRequired,
    OwnerRequired,
    /// A partner's name given for a step the person or the worker does.
    PartnerNameWithoutPartner,
    DateRequired,
    DateInvalid,
    /// A victory or an agreement dated after today.
    InFuture,
    /// More than [`PAST_YEARS_MAX`] years ago.
    TooOld,
    /// A goal that is not one of this plan's.
    UnknownGoal,
    MethodRequired,
}

type Problems = Vec<(&'static str, PlanProblem)>;

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Trims and checks a text; `None` when empty.
fn text(problems: &mut Problems, field: &'static str, value: &str, max: usize) -> Option<String> {
    let v = value.trim().replace("\r\n", "\n");
    if v.chars().count() > max {
        problems.push((field, PlanProblem::TooLong { max }));
    } else if has_control(&v) {
        problems.push((field, PlanProblem::ControlCharacters));
    }
    (!v.is_empty()).then_some(v)
}

/// A goal form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoalInput {
    pub person_words: String,
    pub worker_words: String,
    /// The life domain codes ticked.
    pub domains: Vec<String>,
    /// A [`GoalStatus`] code; empty on a new goal (active).
    pub status: String,
}

/// A valid goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub person_words: String,
    pub worker_words: Option<String>,
    /// Distinct codes, in the order ticked.
    pub domains: Vec<String>,
    pub status: GoalStatus,
}

/// Parses a goal form; `domain_known` says whether a life domain code may be chosen.
pub fn parse_goal(
    input: &GoalInput,
    domain_known: impl Fn(&str) -> bool,
) -> Result<Goal, Problems> {
    let mut problems = Vec::new();
    let person_words = text(&mut problems, "person_words", &input.person_words, WORDS_MAX);
    if person_words.is_none() {
        problems.push(("person_words", PlanProblem::WordsRequired));
    }
    let worker_words = text(&mut problems, "worker_words", &input.worker_words, WORDS_MAX);
    let mut domains: Vec<String> = Vec::new();
    for d in &input.domains {
        let d = d.trim();
        if d.is_empty() {
            continue;
        }
        if !domain_known(d) {
            if !problems.iter().any(|(f, _)| *f == "domains") {
                problems.push(("domains", PlanProblem::UnknownDomain));
            }
        } else if !domains.iter().any(|x| x == d) {
            domains.push(d.to_owned());
        }
    }
    let status = if input.status.trim().is_empty() {
        Some(GoalStatus::Active)
    } else {
        GoalStatus::parse(&input.status)
    };
    if status.is_none() {
        problems.push(("status", PlanProblem::StatusRequired));
    }
    match (person_words, status) {
        (Some(person_words), Some(status)) if problems.is_empty() => {
            Ok(Goal { person_words, worker_words, domains, status })
        }
        _ => Err(problems),
    }
}

/// A step form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    pub action: String,
    pub owner: String,
    pub partner_name: String,
    /// `yyyy-mm-dd` or `dd/mm/yyyy`, optional.
    pub due_on: String,
    /// A [`StepStatus`] code; empty on a new step (planned).
    pub status: String,
}

/// A valid step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub action: String,
    pub owner: StepOwner,
    pub partner_name: Option<String>,
    pub due_on: Option<Date>,
    pub status: StepStatus,
}

/// Parses a step form. A due date may be in the past (a step written down late, or overdue).
pub fn parse_step(input: &StepInput) -> Result<Step, Problems> {
    let mut problems = Vec::new();
    let action = text(&mut problems, "action", &input.action, ACTION_MAX);
    if action.is_none() {
        problems.push(("action", PlanProblem::ActionRequired));
    }
    let owner = StepOwner::parse(&input.owner);
    if owner.is_none() {
        problems.push(("owner", PlanProblem::OwnerRequired));
    }
    let partner_name = text(&mut problems, "partner_name", &input.partner_name, PARTNER_MAX);
    if partner_name.is_some() && owner.is_some_and(|o| o != StepOwner::Partner) {
        problems.push(("partner_name", PlanProblem::PartnerNameWithoutPartner));
    }
    let due_on = match crate::persons::parse_date(&input.due_on) {
        Ok(d) => d,
        Err(_) => {
            problems.push(("due_on", PlanProblem::DateInvalid));
            None
        }
    };
    let status = if input.status.trim().is_empty() {
        Some(StepStatus::Planned)
    } else {
        StepStatus::parse(&input.status)
    };
    if status.is_none() {
        problems.push(("status", PlanProblem::StatusRequired));
    }
    match (action, owner, status) {
        (Some(action), Some(owner), Some(status)) if problems.is_empty() => {
            Ok(Step { action, owner, partner_name, due_on, status })
        }
        _ => Err(problems),
    }
}

/// A date that must be given, not after `today`, nor absurdly old.
fn past_date(problems: &mut Problems, field: &'static str, raw: &str, today: Date) -> Option<Date> {
    match crate::persons::parse_date(raw) {
        Ok(Some(d)) if d > today => {
            problems.push((field, PlanProblem::InFuture));
            None
        }
        Ok(Some(d)) if today.year() - d.year() > PAST_YEARS_MAX => {
            problems.push((field, PlanProblem::TooOld));
            None
        }
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push((field, PlanProblem::DateRequired));
            None
        }
        Err(_) => {
            problems.push((field, PlanProblem::DateInvalid));
            None
        }
    }
}

/// A victory form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VictoryInput {
    pub date: String,
    pub person_words: String,
    /// A goal id of the plan, or empty.
    pub goal: String,
}

/// A valid victory; the goal is still the text typed, checked by `goal_known`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Victory {
    pub occurred_on: Date,
    pub person_words: String,
    pub goal: Option<crate::ids::GoalId>,
}

/// Parses a victory form on `today` (the organisation's date); `goal_known` says whether a goal
/// id is one of this plan's.
pub fn parse_victory(
    input: &VictoryInput,
    today: Date,
    goal_known: impl Fn(crate::ids::GoalId) -> bool,
) -> Result<Victory, Problems> {
    let mut problems = Vec::new();
    let occurred_on = past_date(&mut problems, "date", &input.date, today);
    let person_words = text(&mut problems, "person_words", &input.person_words, WORDS_MAX);
    if person_words.is_none() {
        problems.push(("person_words", PlanProblem::WordsRequired));
    }
    let goal = match input.goal.trim() {
        "" => None,
        g => match g.parse::<crate::ids::GoalId>() {
            Ok(id) if goal_known(id) => Some(id),
            _ => {
                problems.push(("goal", PlanProblem::UnknownGoal));
                None
            }
        },
    };
    match (occurred_on, person_words) {
        (Some(occurred_on), Some(person_words)) if problems.is_empty() => {
            Ok(Victory { occurred_on, person_words, goal })
        }
        _ => Err(problems),
    }
}

/// An agreement form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementInput {
    pub date: String,
    pub method: String,
}

/// A valid agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub agreed_on: Date,
    pub method: AgreementMethod,
}

/// Parses an agreement form on `today` (the organisation's date).
pub fn parse_agreement(input: &AgreementInput, today: Date) -> Result<Agreement, Problems> {
    let mut problems = Vec::new();
    let agreed_on = past_date(&mut problems, "date", &input.date, today);
    let method = AgreementMethod::parse(&input.method);
    if method.is_none() {
        problems.push(("method", PlanProblem::MethodRequired));
    }
    match (agreed_on, method) {
        (Some(agreed_on), Some(method)) if problems.is_empty() => {
            Ok(Agreement { agreed_on, method })
        }
        _ => Err(problems),
    }
}

/// What a goal's change is on the timeline (`case-event-goal-<detail>`): its new status when
/// the status changed (`achieved`, `abandoned`, `paused`, or `reopened` back to active),
/// otherwise `changed`.
pub fn goal_event(before: GoalStatus, after: GoalStatus) -> &'static str {
    if before == after {
        return "changed";
    }
    match after {
        GoalStatus::Active => "reopened",
        GoalStatus::OnHold => "paused",
        GoalStatus::Achieved => "achieved",
        GoalStatus::Abandoned => "abandoned",
    }
}

/// Every detail a goal event may have: `added` and those of [`goal_event`].
pub const GOAL_EVENTS: [&str; 6] =
    ["added", "changed", "reopened", "paused", "achieved", "abandoned"];

/// What a step's change is on the timeline (`case-event-step-<detail>`), as [`goal_event`].
pub fn step_event(before: StepStatus, after: StepStatus) -> &'static str {
    if before == after {
        return "changed";
    }
    match after {
        StepStatus::Planned => "reopened",
        StepStatus::InProgress if before == StepStatus::Planned => "started",
        StepStatus::InProgress => "reopened",
        StepStatus::Done => "done",
        StepStatus::OnHold => "paused",
        StepStatus::Abandoned => "abandoned",
        StepStatus::Cancelled => "cancelled",
    }
}

/// Every detail a step event may have: `added` and those of [`step_event`].
pub const STEP_EVENTS: [&str; 8] =
    ["added", "changed", "reopened", "started", "done", "paused", "abandoned", "cancelled"];

/// The details of victory and agreement events.
pub const VICTORY_EVENTS: [&str; 1] = ["added"];
pub const AGREEMENT_EVENTS: [&str; 1] = ["recorded"];

/// The language to give the person their documents in: the first of the languages on their
/// record (free text such as "arabe, français" or "Korean") that documents are written in —
/// `fr`, `en` or `ko` — or `None` when none is.
pub fn document_language(languages: Option<&str>) -> Option<&'static str> {
    languages?.split([',', ';', '/', '\n', '(', ')']).find_map(|item| {
        let word = item.trim().to_lowercase();
        let word = word.trim_end_matches('.');
        match word {
            "fr" | "français" | "francais" | "french" | "langue française" => Some("fr"),
            "en" | "anglais" | "english" => Some("en"),
            "ko" | "coréen" | "coreen" | "korean" | "한국어" | "한국말" => Some("ko"),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn known(d: &str) -> bool {
        DEFAULT_LIFE_DOMAINS.contains(&d)
    }

    #[test]
    fn a_goal_needs_the_persons_words_and_known_domains() {
        let input = GoalInput {
            person_words: "  Retrouver un logement à moi\r\navant l'hiver ".into(),
            worker_words: String::new(),
            domains: vec!["housing".into(), "budget".into(), "housing".into(), "".into()],
            status: String::new(),
        };
        let goal = parse_goal(&input, known).unwrap();
        assert_eq!(goal.person_words, "Retrouver un logement à moi\navant l'hiver");
        assert_eq!(goal.worker_words, None);
        assert_eq!(goal.domains, vec!["housing", "budget"]);
        assert_eq!(goal.status, GoalStatus::Active);

        let bad = GoalInput {
            person_words: " ".into(),
            worker_words: "x".repeat(WORDS_MAX + 1),
            domains: vec!["moon".into(), "sun".into()],
            status: "done".into(),
        };
        assert_eq!(
            parse_goal(&bad, known).unwrap_err(),
            vec![
                ("person_words", PlanProblem::WordsRequired),
                ("worker_words", PlanProblem::TooLong { max: WORDS_MAX }),
                ("domains", PlanProblem::UnknownDomain),
                ("status", PlanProblem::StatusRequired),
            ]
        );
        let control = GoalInput { person_words: "a\u{7}b".into(), ..Default::default() };
        assert_eq!(
            parse_goal(&control, known).unwrap_err(),
            vec![("person_words", PlanProblem::ControlCharacters)]
        );
    }

    #[test]
    fn a_step_says_who_does_what_by_when() {
        let step = parse_step(&StepInput {
            action: "Appeler la CAF".into(),
            owner: "partner".into(),
            partner_name: " CAF de Lille ".into(),
            due_on: "15/12/2026".into(),
            status: String::new(),
        })
        .unwrap();
        assert_eq!(step.owner, StepOwner::Partner);
        assert_eq!(step.partner_name.as_deref(), Some("CAF de Lille"));
        assert_eq!(step.due_on, Some(date!(2026 - 12 - 15)));
        assert_eq!(step.status, StepStatus::Planned);
        let problems = parse_step(&StepInput {
            action: "".into(),
            owner: "person".into(),
            partner_name: "CAF".into(),
            due_on: "31/02/2026".into(),
            status: "finished".into(),
        })
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("action", PlanProblem::ActionRequired),
                ("partner_name", PlanProblem::PartnerNameWithoutPartner),
                ("due_on", PlanProblem::DateInvalid),
                ("status", PlanProblem::StatusRequired),
            ]
        );
        assert_eq!(
            parse_step(&StepInput { action: "x".into(), ..Default::default() }).unwrap_err(),
            vec![("owner", PlanProblem::OwnerRequired)]
        );
    }

    #[test]
    fn overdue_means_due_date_past_and_still_to_do() {
        let today = date!(2026 - 11 - 26);
        let past = Some(date!(2026 - 11 - 25));
        for status in StepStatus::ALL {
            let expected =
                matches!(status, StepStatus::Planned | StepStatus::InProgress | StepStatus::OnHold);
            assert_eq!(is_overdue(past, status, today), expected, "{status:?}");
            assert!(!is_overdue(Some(today), status, today));
            assert!(!is_overdue(None, status, today));
        }
    }

    #[test]
    fn victories_and_agreements_are_dated_today_or_before() {
        let today = date!(2026 - 11 - 26);
        let goal = crate::ids::GoalId::new();
        let v = parse_victory(
            &VictoryInput {
                date: "2026-11-26".into(),
                person_words: "J'ai ouvert mon compte".into(),
                goal: goal.to_string(),
            },
            today,
            |g| g == goal,
        )
        .unwrap();
        assert_eq!((v.occurred_on, v.goal), (today, Some(goal)));
        let problems = parse_victory(
            &VictoryInput {
                date: "2026-11-27".into(),
                person_words: "".into(),
                goal: crate::ids::GoalId::new().to_string(),
            },
            today,
            |g| g == goal,
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("date", PlanProblem::InFuture),
                ("person_words", PlanProblem::WordsRequired),
                ("goal", PlanProblem::UnknownGoal),
            ]
        );
        let a = parse_agreement(
            &AgreementInput { date: "20/11/2026".into(), method: "oral".into() },
            today,
        )
        .unwrap();
        assert_eq!(a.method, AgreementMethod::Oral);
        assert_eq!(
            parse_agreement(
                &AgreementInput { date: "1025-01-01".into(), method: "".into() },
                today
            )
            .unwrap_err(),
            vec![("date", PlanProblem::TooOld), ("method", PlanProblem::MethodRequired)]
        );
        assert_eq!(
            parse_agreement(&AgreementInput::default(), today).unwrap_err()[0],
            ("date", PlanProblem::DateRequired)
        );
    }

    #[test]
    fn documents_go_in_the_first_language_of_the_record_that_documents_are_written_in() {
        assert_eq!(document_language(Some("arabe, Français")), Some("fr"));
        assert_eq!(document_language(Some("English; French")), Some("en"));
        assert_eq!(document_language(Some("한국어")), Some("ko"));
        assert_eq!(document_language(Some("Coréen (un peu d'anglais)")), Some("ko"));
        assert_eq!(document_language(Some("arabe, tamoul")), None);
        assert_eq!(document_language(Some("")), None);
        assert_eq!(document_language(None), None);
    }

    #[test]
    fn every_status_change_has_a_timeline_detail_of_the_list() {
        for a in GoalStatus::ALL {
            for b in GoalStatus::ALL {
                assert!(GOAL_EVENTS.contains(&goal_event(a, b)));
            }
        }
        for a in StepStatus::ALL {
            for b in StepStatus::ALL {
                assert!(STEP_EVENTS.contains(&step_event(a, b)));
            }
        }
        assert_eq!(goal_event(GoalStatus::Active, GoalStatus::Achieved), "achieved");
        assert_eq!(goal_event(GoalStatus::Achieved, GoalStatus::Active), "reopened");
        assert_eq!(step_event(StepStatus::Planned, StepStatus::InProgress), "started");
        assert_eq!(step_event(StepStatus::Done, StepStatus::Planned), "reopened");
        assert_eq!(step_event(StepStatus::Planned, StepStatus::Planned), "changed");
        // The codes are the list codes the timeline accepts.
        for d in
            GOAL_EVENTS.iter().chain(&STEP_EVENTS).chain(&VICTORY_EVENTS).chain(&AGREEMENT_EVENTS)
        {
            assert!(crate::lists::valid_code(d), "{d}");
        }
        for s in StepStatus::ALL {
            assert_eq!(StepStatus::parse(s.as_str()), Some(s));
        }
        for s in GoalStatus::ALL {
            assert_eq!(GoalStatus::parse(s.as_str()), Some(s));
        }
    }
}
