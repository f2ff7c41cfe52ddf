//! Assessments (diagnostics) of a case: at a date, per life domain of the organisation
//! ([`crate::lists::ListName::LifeDomain`]), the worker's need level (0 none … 4 critical), the
//! person's own rating on the same scale with their words, strengths and resources, and
//! whether the domain is a priority. Repeated over time; [`diff`] says how each domain moved
//! between two of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::accounts::Role;
pub use crate::ids::AssessmentId;
use crate::policy::Rule;

/// Who may open the assessment pages: workers and supervisors, as for the plan and the notes'
/// versions; [`crate::policy::case_access`] decides for each case (its content). Managers see
/// the radar only on the overview of a case whose team they supervise: the route rule is
/// stricter than the policy.
pub const ASSESSMENT_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);
/// Who records and corrects assessments: workers, on the cases they may write.
pub const ASSESSMENT_WRITERS: Rule = Rule::Roles(&[Role::Worker]);

/// The need levels, 0 (no need) to 4 (critical).
pub const LEVELS: [u8; 5] = [0, 1, 2, 3, 4];
/// The highest need level.
pub const LEVEL_MAX: u8 = 4;
/// How long the free texts of one domain may be.
pub const TEXT_MAX: usize = 2000;
/// How long an organisation's description of a level may be.
pub const LEVEL_TEXT_MAX: usize = 200;

/// One domain of an assessment form as typed (also what a draft keeps, valid or not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DomainInput {
    /// The worker's need level: `0`…`4`, or empty for "not assessed".
    pub need: String,
    /// The person's own rating: `0`…`4`, or empty.
    pub person: String,
    /// The person's words about it.
    pub person_words: String,
    pub strengths: String,
    pub priority: bool,
}

impl DomainInput {
    fn is_blank(&self) -> bool {
        !self.priority
            && [&self.need, &self.person, &self.person_words, &self.strengths]
                .iter()
                .all(|s| s.trim().is_empty())
    }
}

/// An assessment form as typed, by domain code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentInput {
    /// `yyyy-mm-dd` or `dd/mm/yyyy`.
    pub date: String,
    pub domains: BTreeMap<String, DomainInput>,
}

impl AssessmentInput {
    /// Whether nothing worth keeping was typed (no draft is kept of it).
    pub fn is_blank(&self) -> bool {
        self.domains.values().all(DomainInput::is_blank)
    }

    /// The form filled with a stored assessment, for a correction.
    pub fn from_content(content: &AssessmentContent) -> AssessmentInput {
        AssessmentInput {
            date: crate::persons::iso_date(content.assessed_on),
            domains: content
                .ratings
                .iter()
                .map(|r| {
                    (
                        r.domain.clone(),
                        DomainInput {
                            need: r.need.map(|l| l.to_string()).unwrap_or_default(),
                            person: r.person.map(|l| l.to_string()).unwrap_or_default(),
                            person_words: r.person_words.clone().unwrap_or_default(),
                            strengths: r.strengths.clone().unwrap_or_default(),
                            priority: r.priority,
                        },
                    )
                })
                .collect(),
        }
    }
}

/// One domain of a valid assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub domain: String,
    /// The worker's need level; `None`: not rated by the worker.
    pub need: Option<u8>,
    /// The person's own rating.
    pub person: Option<u8>,
    pub person_words: Option<String>,
    pub strengths: Option<String>,
    pub priority: bool,
}

/// A valid assessment: its date and the domains it says something about, in the order of the
/// organisation's list at the time it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentContent {
    pub assessed_on: Date,
    pub ratings: Vec<Rating>,
}

impl AssessmentContent {
    /// How many domains the worker rated.
    pub fn assessed(&self) -> usize {
        self.ratings.iter().filter(|r| r.need.is_some()).count()
    }

    /// How many domains are priorities.
    pub fn priorities(&self) -> usize {
        self.ratings.iter().filter(|r| r.priority).count()
    }

    /// The rating of one domain.
    pub fn rating(&self, domain: &str) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.domain == domain)
    }
}

/// What is wrong with a value of the assessment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    DateRequired,
    DateInvalid,
    /// After today: an assessment records an interview that took place.
    DateInFuture,
    LevelInvalid,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// No domain has a level (the worker's or the person's).
    NothingAssessed,
    /// A domain the organisation does not offer (a form older than a change of the list).
    UnknownDomain,
}

/// The form field a problem is about: `date`, `form`, or `<part>-<domain code>` where part is
/// `need`, `person`, `person_words` or `strengths` (the ids of the form's inputs).
pub type FieldName = String;

/// Parses an assessment form. `domains` are the codes the form offers, in order (the
/// organisation's active life domains, plus any hidden since that the corrected assessment
/// holds); `today` is the organisation's current date.
pub fn parse_assessment(
    input: &AssessmentInput,
    domains: &[&str],
    today: Date,
) -> Result<AssessmentContent, Vec<(FieldName, Problem)>> {
    let mut problems: Vec<(FieldName, Problem)> = Vec::new();
    let date = match crate::persons::parse_date(&input.date) {
        Ok(Some(d)) if d > today => {
            problems.push(("date".into(), Problem::DateInFuture));
            None
        }
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(("date".into(), Problem::DateRequired));
            None
        }
        Err(_) => {
            problems.push(("date".into(), Problem::DateInvalid));
            None
        }
    };
    for (code, d) in &input.domains {
        if !d.is_blank() && !domains.contains(&code.as_str()) {
            problems.push((format!("need-{code}"), Problem::UnknownDomain));
        }
    }
    let mut ratings = Vec::new();
    for code in domains {
        let Some(d) = input.domains.get(*code) else { continue };
        if d.is_blank() {
            continue;
        }
        let mut level = |part: &str, raw: &str| -> Option<u8> {
            let v = raw.trim();
            if v.is_empty() {
                return None;
            }
            match v.parse::<u8>() {
                Ok(l) if l <= LEVEL_MAX => Some(l),
                _ => {
                    problems.push((format!("{part}-{code}"), Problem::LevelInvalid));
                    None
                }
            }
        };
        let need = level("need", &d.need);
        let person = level("person", &d.person);
        let mut text = |part: &str, raw: &str| -> Option<String> {
            let v = raw.trim().replace("\r\n", "\n");
            if v.chars().count() > TEXT_MAX {
                problems.push((format!("{part}-{code}"), Problem::TooLong { max: TEXT_MAX }));
            } else if has_control(&v) {
                problems.push((format!("{part}-{code}"), Problem::ControlCharacters));
            }
            (!v.is_empty()).then_some(v)
        };
        let person_words = text("person_words", &d.person_words);
        let strengths = text("strengths", &d.strengths);
        ratings.push(Rating {
            domain: (*code).to_owned(),
            need,
            person,
            person_words,
            strengths,
            priority: d.priority,
        });
    }
    if problems.is_empty() && !ratings.iter().any(|r| r.need.is_some() || r.person.is_some()) {
        problems.push(("form".into(), Problem::NothingAssessed));
    }
    match date {
        Some(assessed_on) if problems.is_empty() => Ok(AssessmentContent { assessed_on, ratings }),
        _ => Err(problems),
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// How a level moved between two assessments. Need levels go down as things get better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The need is lower.
    Better,
    /// The need is higher.
    Worse,
    Same,
    /// Rated now, not before.
    NewlyRated,
    /// Rated before, not now.
    NoLongerRated,
    /// Rated in neither.
    Unrated,
}

impl Change {
    pub fn between(before: Option<u8>, after: Option<u8>) -> Change {
        match (before, after) {
            (Some(b), Some(a)) if a < b => Change::Better,
            (Some(b), Some(a)) if a > b => Change::Worse,
            (Some(_), Some(_)) => Change::Same,
            (None, Some(_)) => Change::NewlyRated,
            (Some(_), None) => Change::NoLongerRated,
            (None, None) => Change::Unrated,
        }
    }

    /// The code used in message keys and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Better => "better",
            Change::Worse => "worse",
            Change::Same => "same",
            Change::NewlyRated => "new",
            Change::NoLongerRated => "dropped",
            Change::Unrated => "unrated",
        }
    }

    /// A text arrow, so a change never shows by colour alone.
    pub fn arrow(self) -> &'static str {
        match self {
            Change::Better => "↘",
            Change::Worse => "↗",
            Change::Same => "→",
            Change::NewlyRated | Change::NoLongerRated | Change::Unrated => "·",
        }
    }
}

/// How one domain moved between two assessments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainDiff {
    pub domain: String,
    pub need_before: Option<u8>,
    pub need_after: Option<u8>,
    pub need: Change,
    pub person_before: Option<u8>,
    pub person_after: Option<u8>,
    pub person: Change,
    pub priority_before: bool,
    pub priority_after: bool,
}

/// Domain by domain, how `after` differs from `before`, in the order of `domains` (the
/// organisation's list); a domain either assessment holds that the list no longer has comes
/// last. Domains neither assessment rated are left out.
pub fn diff(
    domains: &[&str],
    before: &AssessmentContent,
    after: &AssessmentContent,
) -> Vec<DomainDiff> {
    let mut order: Vec<&str> = domains.to_vec();
    for r in before.ratings.iter().chain(&after.ratings) {
        if !order.contains(&r.domain.as_str()) {
            order.push(&r.domain);
        }
    }
    order
        .into_iter()
        .filter_map(|code| {
            let b = before.rating(code);
            let a = after.rating(code);
            if b.is_none() && a.is_none() {
                return None;
            }
            let need_before = b.and_then(|r| r.need);
            let need_after = a.and_then(|r| r.need);
            let person_before = b.and_then(|r| r.person);
            let person_after = a.and_then(|r| r.person);
            Some(DomainDiff {
                domain: code.to_owned(),
                need_before,
                need_after,
                need: Change::between(need_before, need_after),
                person_before,
                person_after,
                person: Change::between(person_before, person_after),
                priority_before: b.is_some_and(|r| r.priority),
                priority_after: a.is_some_and(|r| r.priority),
            })
        })
        .collect()
}

/// An organisation's own description of a need level: organisation-wide (`domain` empty) or
/// for one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelText {
    pub domain: String,
    pub level: u8,
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    pub version: i64,
}

/// The organisation's descriptions of the levels. Where it wrote none, the default text of the
/// message files applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelDescriptions {
    texts: Vec<LevelText>,
}

impl LevelDescriptions {
    pub fn new(texts: Vec<LevelText>) -> LevelDescriptions {
        LevelDescriptions { texts }
    }

    /// The stored text of `level` for exactly `domain` (empty: organisation-wide).
    pub fn stored(&self, domain: &str, level: u8) -> Option<&LevelText> {
        self.texts.iter().find(|t| t.domain == domain && t.level == level)
    }

    /// The organisation's words for `level` of `domain` in `locale`: the domain's own, else
    /// the organisation-wide ones; `None` means the default text. English falls back to
    /// French (an organisation may write in French only).
    pub fn own(&self, domain: &str, level: u8, locale: &str) -> Option<&str> {
        fn pick<'a>(t: &'a LevelText, locale: &str) -> Option<&'a str> {
            match locale {
                "fr" => t.label_fr.as_deref(),
                _ => t.label_en.as_deref().or(t.label_fr.as_deref()),
            }
        }
        self.stored(domain, level)
            .and_then(|t| pick(t, locale))
            .or_else(|| self.stored("", level).and_then(|t| pick(t, locale)))
    }
}

/// Parses an organisation's description of a level: trimmed, at most [`LEVEL_TEXT_MAX`]
/// characters, on one line; empty means "use the default".
pub fn parse_level_text(raw: &str) -> Result<Option<String>, Problem> {
    let v = raw.trim();
    if v.chars().count() > LEVEL_TEXT_MAX {
        Err(Problem::TooLong { max: LEVEL_TEXT_MAX })
    } else if v.chars().any(char::is_control) {
        Err(Problem::ControlCharacters)
    } else {
        Ok((!v.is_empty()).then(|| v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::lists::{ListName, Lists};

    const TODAY: Date = date!(2026 - 11 - 26);

    fn input(date: &str, domains: &[(&str, &str, &str, bool)]) -> AssessmentInput {
        AssessmentInput {
            date: date.into(),
            domains: domains
                .iter()
                .map(|(code, need, person, priority)| {
                    (
                        (*code).to_owned(),
                        DomainInput {
                            need: (*need).into(),
                            person: (*person).into(),
                            priority: *priority,
                            ..Default::default()
                        },
                    )
                })
                .collect(),
        }
    }

    fn codes() -> Vec<String> {
        Lists::default().offered(ListName::LifeDomain).into_iter().map(|v| v.code).collect()
    }

    #[test]
    fn the_fourteen_default_life_domains_have_stable_codes() {
        let codes = codes();
        assert_eq!(codes.len(), 14);
        assert_eq!(codes[0], "housing");
        assert_eq!(codes[13], "french_language");
        assert!(codes.iter().all(|c| crate::lists::valid_code(c)));
    }

    #[test]
    fn an_assessment_keeps_rated_domains_in_the_list_order() {
        let codes = codes();
        let offered: Vec<&str> = codes.iter().map(String::as_str).collect();
        let mut typed = input(
            "2026-11-20",
            &[("health", "2", "1", false), ("housing", "4", "3", true), ("food", "", "", false)],
        );
        typed.domains.get_mut("housing").unwrap().person_words =
            "  Je dors chez ma sœur \r\n".into();
        let a = parse_assessment(&typed, &offered, TODAY).unwrap();
        assert_eq!(a.assessed_on, date!(2026 - 11 - 20));
        assert_eq!(a.ratings.len(), 2, "a blank domain is not assessed");
        assert_eq!(a.ratings[0].domain, "housing");
        assert_eq!(a.ratings[0].person_words.as_deref(), Some("Je dors chez ma sœur"));
        assert_eq!((a.assessed(), a.priorities()), (2, 1));
        assert_eq!(AssessmentInput::from_content(&a).domains["health"].need, "2");
        // Dates as people type them.
        assert!(
            parse_assessment(&input("20/11/2026", &[("food", "0", "", false)]), &offered, TODAY)
                .is_ok()
        );
    }

    #[test]
    fn bad_values_are_refused_with_their_field() {
        let offered = ["housing", "health"];
        let problems = |i: &AssessmentInput| parse_assessment(i, &offered, TODAY).unwrap_err();
        assert_eq!(
            problems(&input("", &[("housing", "2", "", false)])),
            vec![("date".to_owned(), Problem::DateRequired)]
        );
        assert_eq!(
            problems(&input("2026-11-27", &[("housing", "2", "", false)])),
            vec![("date".to_owned(), Problem::DateInFuture)]
        );
        assert_eq!(
            problems(&input("31/02/2026", &[("housing", "2", "", false)]))[0].1,
            Problem::DateInvalid
        );
        assert_eq!(
            problems(&input("2026-11-26", &[("housing", "5", "-1", false)])),
            vec![
                ("need-housing".to_owned(), Problem::LevelInvalid),
                ("person-housing".to_owned(), Problem::LevelInvalid)
            ]
        );
        assert_eq!(
            problems(&input("2026-11-26", &[("housing", "", "", true)])),
            vec![("form".to_owned(), Problem::NothingAssessed)]
        );
        assert_eq!(
            problems(&input("2026-11-26", &[("castle", "2", "", false)]))[0],
            ("need-castle".to_owned(), Problem::UnknownDomain)
        );
        let mut long = input("2026-11-26", &[("health", "1", "", false)]);
        long.domains.get_mut("health").unwrap().strengths = "é".repeat(TEXT_MAX + 1);
        assert_eq!(
            problems(&long),
            vec![("strengths-health".to_owned(), Problem::TooLong { max: TEXT_MAX })]
        );
        // Only the person's rating is still an assessment (they said it, the worker did not).
        assert!(
            parse_assessment(&input("2026-11-26", &[("health", "", "3", false)]), &offered, TODAY)
                .is_ok()
        );
    }

    #[test]
    fn a_diff_says_how_each_domain_moved_in_the_list_order() {
        let offered = ["housing", "health", "food", "digital"];
        let before = parse_assessment(
            &input(
                "2026-08-01",
                &[
                    ("housing", "4", "4", true),
                    ("health", "2", "", false),
                    ("food", "1", "", false),
                ],
            ),
            &offered,
            TODAY,
        )
        .unwrap();
        let after = parse_assessment(
            &input(
                "2026-11-01",
                &[
                    ("housing", "2", "3", false),
                    ("health", "3", "2", true),
                    ("digital", "1", "", false),
                ],
            ),
            &offered,
            TODAY,
        )
        .unwrap();
        let d = diff(&["health", "housing", "digital"], &before, &after);
        let view: Vec<(&str, Change, Change)> =
            d.iter().map(|d| (d.domain.as_str(), d.need, d.person)).collect();
        assert_eq!(
            view,
            vec![
                ("health", Change::Worse, Change::NewlyRated),
                ("housing", Change::Better, Change::Better),
                ("digital", Change::NewlyRated, Change::Unrated),
                ("food", Change::NoLongerRated, Change::Unrated),
            ]
        );
        assert!(d[1].priority_before && !d[1].priority_after);
        assert_eq!(Change::between(Some(2), Some(2)), Change::Same);
        assert_ne!(Change::Better.arrow(), Change::Worse.arrow());
    }

    #[test]
    fn level_texts_fall_back_from_domain_to_organisation_to_default() {
        let text = |domain: &str, level: u8, fr: Option<&str>, en: Option<&str>| LevelText {
            domain: domain.into(),
            level,
            label_fr: fr.map(Into::into),
            label_en: en.map(Into::into),
            version: 1,
        };
        let levels = LevelDescriptions::new(vec![
            text("", 4, Some("Danger immédiat"), Some("Immediate danger")),
            text("housing", 4, Some("À la rue"), None),
        ]);
        assert_eq!(levels.own("housing", 4, "fr"), Some("À la rue"));
        assert_eq!(
            levels.own("housing", 4, "en"),
            Some("À la rue"),
            "English falls back to French"
        );
        assert_eq!(levels.own("health", 4, "en"), Some("Immediate danger"));
        assert_eq!(levels.own("health", 3, "fr"), None, "the default text");
        assert_eq!(parse_level_text("  Aucun besoin  "), Ok(Some("Aucun besoin".into())));
        assert_eq!(parse_level_text(" "), Ok(None));
        assert!(parse_level_text(&"x".repeat(LEVEL_TEXT_MAX + 1)).is_err());
        assert!(parse_level_text("a\nb").is_err());
    }
}
