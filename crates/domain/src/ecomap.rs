//! The coordination view of a case (issue 8 point 6, ADR 0028): an ecomap with the person at
//! the centre and the ties around them — family, friends, neighbours, community, the
//! professionals and services involved — each with the strength of the tie as the person
//! describes it (strong, moderate, weak, or a source of stress). The rules of a tie and the
//! geometry of the drawing are here; the drawing itself is the web layer's.

use crate::accounts::Role;
use crate::policy::Rule;

/// Who may open the ecomap: workers and supervisors, as for the assessments and follow-ups;
/// [`crate::policy::case_access`] decides for each case (its content). Stricter than the
/// policy, as the assessments pages are: a manager, even one who supervises the team, does
/// not open it.
pub const ECOMAP_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);
/// Who adds, changes and removes ties: workers, on the cases they write.
pub const ECOMAP_WRITERS: Rule = Rule::Roles(&[Role::Worker]);

/// Who the tie is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieKind {
    Family,
    Friend,
    Neighbour,
    /// An association, a place of worship, a club, a group.
    Community,
    /// A doctor, a teacher, a lawyer, a guardian…
    Professional,
    /// A service or institution (housing body, employment service, a partner's service).
    Service,
}

impl TieKind {
    pub const ALL: [TieKind; 6] = [
        TieKind::Family,
        TieKind::Friend,
        TieKind::Neighbour,
        TieKind::Community,
        TieKind::Professional,
        TieKind::Service,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TieKind::Family => "family",
            TieKind::Friend => "friend",
            TieKind::Neighbour => "neighbour",
            TieKind::Community => "community",
            TieKind::Professional => "professional",
            TieKind::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<TieKind> {
        TieKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Informal supports (drawn as circles) against professionals and services (squares).
    pub const fn is_informal(self) -> bool {
        matches!(self, TieKind::Family | TieKind::Friend | TieKind::Neighbour | TieKind::Community)
    }
}

/// The strength of a tie, as the person describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strength {
    Strong,
    Moderate,
    Weak,
    /// The tie is a source of stress or conflict.
    Stressful,
}

impl Strength {
    pub const ALL: [Strength; 4] =
        [Strength::Strong, Strength::Moderate, Strength::Weak, Strength::Stressful];

    pub const fn as_str(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Moderate => "moderate",
            Strength::Weak => "weak",
            Strength::Stressful => "stressful",
        }
    }

    pub fn parse(s: &str) -> Option<Strength> {
        Strength::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How the line is drawn: its width and dash pattern (empty: solid). Each strength differs
    /// by line style, not by colour alone.
    pub const fn stroke(self) -> (f64, &'static str) {
        match self {
            Strength::Strong => (5.0, ""),
            Strength::Moderate => (2.5, ""),
            Strength::Weak => (2.0, "8 6"),
            Strength::Stressful => (3.0, "2 4"),
        }
    }
}

/// The line to a service the case was referred to: thin, long dashes — a tie in the making,
/// told apart from every strength.
pub const REFERRAL_STROKE: (f64, &str) = (2.0, "12 4 2 4");

/// The longest name of a tie ("Sa sœur Leïla", "Dr Martin, médecin traitant").
pub const LABEL_MAX: usize = 120;
/// The longest note on a tie.
pub const NOTE_MAX: usize = 1000;
/// The most ties one case shows.
pub const TIES_MAX: usize = 40;

/// A tie as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TieInput {
    pub kind: String,
    pub label: String,
    pub strength: String,
    pub note: String,
}

/// A checked tie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub kind: TieKind,
    pub label: String,
    pub strength: Strength,
    pub note: Option<String>,
}

/// What is wrong with a typed tie, per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieProblem {
    KindRequired,
    LabelRequired,
    TooLong { max: usize },
    StrengthRequired,
}

/// Checks a typed tie: a kind, a name (trimmed, at most [`LABEL_MAX`] characters), a
/// strength, an optional note (at most [`NOTE_MAX`]).
pub fn parse(input: &TieInput) -> Result<Tie, Vec<(&'static str, TieProblem)>> {
    let mut problems = vec![];
    let kind = TieKind::parse(input.kind.trim());
    if kind.is_none() {
        problems.push(("kind", TieProblem::KindRequired));
    }
    let label = input.label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        problems.push(("label", TieProblem::LabelRequired));
    } else if label.chars().count() > LABEL_MAX {
        problems.push(("label", TieProblem::TooLong { max: LABEL_MAX }));
    }
    let strength = Strength::parse(input.strength.trim());
    if strength.is_none() {
        problems.push(("strength", TieProblem::StrengthRequired));
    }
    let note = input.note.trim();
    if note.chars().count() > NOTE_MAX {
        problems.push(("note", TieProblem::TooLong { max: NOTE_MAX }));
    }
    match (kind, strength) {
        (Some(kind), Some(strength)) if problems.is_empty() => {
            Ok(Tie { kind, label, strength, note: (!note.is_empty()).then(|| note.to_owned()) })
        }
        _ => Err(problems),
    }
}

/// The drawing's size: a square, the person at its centre.
pub const SIZE: f64 = 560.0;
/// The distance from the centre to the ties.
pub const RADIUS: f64 = 200.0;

/// Where the `i`-th of `n` ties sits: around the centre, the first at the top, clockwise.
pub fn position(i: usize, n: usize) -> (f64, f64) {
    let c = SIZE / 2.0;
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n.max(1) as f64;
    let round = |v: f64| (v * 10.0).round() / 10.0;
    (round(c + RADIUS * angle.cos()), round(c + RADIUS * angle.sin()))
}

/// A label shortened for the drawing (the list beside it has it whole): at most `max`
/// characters, an ellipsis when cut.
pub fn short_label(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_owned();
    }
    let cut: String = label.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, label: &str, strength: &str, note: &str) -> TieInput {
        TieInput {
            kind: kind.into(),
            label: label.into(),
            strength: strength.into(),
            note: note.into(),
        }
    }

    #[test]
    fn codes_round_trip_and_informal_ties_are_told_apart() {
        for k in TieKind::ALL {
            assert_eq!(TieKind::parse(k.as_str()), Some(k));
        }
        for s in Strength::ALL {
            assert_eq!(Strength::parse(s.as_str()), Some(s));
        }
        assert!(TieKind::Neighbour.is_informal() && !TieKind::Service.is_informal());
    }

    #[test]
    fn a_tie_needs_a_kind_a_name_and_a_strength_and_keeps_the_words() {
        let tie =
            parse(&input("family", "  Sa sœur   Leïla ", "strong", " Vient le dimanche ")).unwrap();
        assert_eq!(tie.label, "Sa sœur Leïla");
        assert_eq!(tie.note.as_deref(), Some("Vient le dimanche"));
        assert_eq!((tie.kind, tie.strength), (TieKind::Family, Strength::Strong));
        let problems = parse(&input("", " ", "", "")).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("kind", TieProblem::KindRequired),
                ("label", TieProblem::LabelRequired),
                ("strength", TieProblem::StrengthRequired),
            ]
        );
        let long = "x".repeat(LABEL_MAX + 1);
        assert_eq!(
            parse(&input("friend", &long, "weak", "")).unwrap_err(),
            vec![("label", TieProblem::TooLong { max: LABEL_MAX })]
        );
        assert!(parse(&input("enemy", "Paul", "weak", "")).is_err());
    }

    #[test]
    fn strengths_differ_by_line_style_not_only_colour() {
        let mut strokes: Vec<_> = Strength::ALL.iter().map(|s| s.stroke()).collect();
        strokes.push(REFERRAL_STROKE);
        for (i, a) in strokes.iter().enumerate() {
            for b in &strokes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn ties_sit_around_the_centre_the_first_at_the_top() {
        let c = SIZE / 2.0;
        assert_eq!(position(0, 4), (c, c - RADIUS));
        assert_eq!(position(1, 4), (c + RADIUS, c));
        assert_eq!(position(2, 4), (c, c + RADIUS));
        let (x, y) = position(3, 7);
        let distance = ((x - c).powi(2) + (y - c).powi(2)).sqrt();
        assert!((distance - RADIUS).abs() < 0.2, "{distance}");
    }

    #[test]
    fn long_labels_are_shortened_for_the_drawing_only() {
        assert_eq!(short_label("Leïla", 10), "Leïla");
        assert_eq!(short_label("Dr Martin, médecin traitant", 12), "Dr Martin,…");
        assert_eq!(short_label("Dr Martin, médecin traitant", 12).chars().count(), 11);
    }
}
