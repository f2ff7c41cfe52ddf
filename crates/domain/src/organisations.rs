//! Organisations and teams: the values an administrator types, parsed once at the edge.

use thiserror::Error;

use crate::{OrganisationId, TeamId};

/// Why a value typed for an organisation or a team was refused. The web layer turns each
/// variant into a message in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrganisationError {
    #[error(
        "the short name must be 2 to 63 characters: lowercase letters, digits and hyphens, not starting or ending with a hyphen"
    )]
    InvalidSlug,
    #[error("the name must not be empty")]
    EmptyName,
    #[error("the name must be at most {max} characters")]
    NameTooLong { max: usize },
}

/// The short, stable name of an organisation, used in the command line and in API paths
/// (`ccas-valbourg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, OrganisationError> {
        let s = input.trim();
        let valid_chars =
            s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid = (2..=63).contains(&s.len())
            && valid_chars
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if valid { Ok(Self(s.to_owned())) } else { Err(OrganisationError::InvalidSlug) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name (organisation or team): trimmed, inner runs of white space folded, never
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, OrganisationError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(OrganisationError::EmptyName);
        }
        if folded.chars().count() > Self::MAX_CHARS {
            return Err(OrganisationError::NameTooLong { max: Self::MAX_CHARS });
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new organisation, validated, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub id: OrganisationId,
    pub slug: Slug,
    pub name: DisplayName,
    /// IANA time zone in which the organisation's dates are shown.
    pub time_zone: String,
}

/// A new team inside an organisation.
#[derive(Debug, Clone)]
pub struct NewTeam {
    pub id: TeamId,
    pub organisation_id: OrganisationId,
    pub name: DisplayName,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_accept_lowercase_words_joined_by_hyphens() {
        assert_eq!(Slug::parse(" ccas-valbourg ").unwrap().as_str(), "ccas-valbourg");
        assert!(Slug::parse("a1").is_ok());
    }

    #[test]
    fn slugs_refuse_capitals_accents_spaces_and_stray_hyphens() {
        for bad in ["CCAS", "ccas valbourg", "é", "-ccas", "ccas-", "a--b", "x", ""] {
            assert_eq!(Slug::parse(bad), Err(OrganisationError::InvalidSlug), "{bad:?}");
        }
        assert!(Slug::parse(&"a".repeat(64)).is_err());
    }

    #[test]
    fn display_names_fold_white_space_and_refuse_empty() {
        assert_eq!(
            DisplayName::parse("  CCAS   de\tValbourg ").unwrap().as_str(),
            "CCAS de Valbourg"
        );
        assert_eq!(DisplayName::parse(" \n "), Err(OrganisationError::EmptyName));
        assert_eq!(
            DisplayName::parse(&"é".repeat(201)),
            Err(OrganisationError::NameTooLong { max: 200 })
        );
        assert!(
            DisplayName::parse(&"é".repeat(200)).is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    proptest! {
        #[test]
        fn a_parsed_slug_always_parses_again_to_itself(s in "[a-z0-9-]{0,70}") {
            if let Ok(slug) = Slug::parse(&s) {
                prop_assert_eq!(Slug::parse(slug.as_str()).unwrap(), slug);
            }
        }

        #[test]
        fn display_names_never_keep_leading_or_trailing_space(s in "\\PC{0,50}") {
            if let Ok(name) = DisplayName::parse(&s) {
                prop_assert_eq!(name.as_str().trim(), name.as_str());
                prop_assert!(!name.as_str().contains("  "));
            }
        }
    }
}

/// An IANA time zone name (`Europe/Paris`, `America/Argentina/Salta`, `UTC`), checked for its
/// shape; dates are shown in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(input: &str) -> Option<TimeZoneName> {
        let tz = input.trim();
        let valid = tz == "UTC"
            || (tz.contains('/')
                && tz.split('/').all(|part| {
                    !part.is_empty()
                        && part.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
                }));
        valid.then(|| TimeZoneName(tz.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a manager sets for their organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationSettings {
    pub name: DisplayName,
    pub time_zone: TimeZoneName,
    /// Every member must sign in with a second factor.
    pub require_second_factor: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Printed on every letter and PDF.
    pub letterhead_address: Option<String>,
    pub letterhead_signatory: Option<String>,
    pub letterhead_footer: Option<String>,
    /// An urgency flag not acknowledged after this many hours becomes a task.
    pub reminder_flag_hours: i64,
    /// An open case whose latest assessment is older than this many months gets a task.
    pub reminder_assessment_months: i64,
    /// A referral sent and still unanswered after this many days gets a task.
    pub reminder_referral_days: i64,
    /// Mail waiting at the desk longer than this many days gets a task.
    pub reminder_mail_days: i64,
    /// An aid request waiting for documents longer than this many days gets a task.
    pub reminder_aid_days: i64,
    /// The reste à vivre per consumption unit per day below which a budget is flagged (cents;
    /// none: no threshold shown).
    pub budget_threshold_cents: Option<i64>,
    /// A monthly amount is divided by this to give a daily one (30 by default).
    pub budget_day_divisor: i64,
    /// Figures leaving the team hide every count under this (5 by default), with the
    /// complements that keep it from being worked out (`crate::suppression`).
    pub statistics_threshold: i64,
}

/// The settings form as typed.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub require_second_factor: bool,
    pub session_idle_minutes: &'a str,
    pub session_absolute_hours: &'a str,
    pub letterhead_address: &'a str,
    pub letterhead_signatory: &'a str,
    pub letterhead_footer: &'a str,
    pub reminder_flag_hours: &'a str,
    pub reminder_assessment_months: &'a str,
    pub reminder_referral_days: &'a str,
    pub reminder_mail_days: &'a str,
    pub reminder_aid_days: &'a str,
    /// An amount in euros as the user's language writes it; empty: no threshold.
    pub budget_threshold: &'a str,
    pub budget_day_divisor: &'a str,
    pub statistics_threshold: &'a str,
    /// How the user's language writes amounts.
    pub money_style: Option<crate::money::Style>,
}

/// Why one field of the settings was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsProblem {
    NameEmpty,
    NameTooLong,
    TimeZone,
    /// A whole number in the given inclusive range was expected.
    OutOfRange {
        min: i64,
        max: i64,
    },
    TooLong {
        max: usize,
    },
    /// An amount that cannot be read, with why.
    Amount(crate::money::MoneyError),
}

pub const SESSION_IDLE_MINUTES: (i64, i64) = (5, 480);
pub const SESSION_ABSOLUTE_HOURS: (i64, i64) = (1, 24);
pub const LETTERHEAD_MAX_CHARS: usize = 500;
/// Days a month counts for the budget's daily figure.
pub const BUDGET_DAY_DIVISOR: (i64, i64) = (28, 31);

impl OrganisationSettings {
    /// Checks every field and reports every problem at once, by field name.
    pub fn parse(
        input: &SettingsInput<'_>,
    ) -> Result<OrganisationSettings, Vec<(&'static str, SettingsProblem)>> {
        let mut problems = Vec::new();
        let name = DisplayName::parse(input.name)
            .map_err(|e| {
                let p = match e {
                    OrganisationError::NameTooLong { .. } => SettingsProblem::NameTooLong,
                    _ => SettingsProblem::NameEmpty,
                };
                problems.push(("name", p));
            })
            .ok();
        let time_zone = TimeZoneName::parse(input.time_zone);
        if time_zone.is_none() {
            problems.push(("time_zone", SettingsProblem::TimeZone));
        }
        let mut number = |field: &'static str, text: &str, (min, max): (i64, i64)| -> Option<i64> {
            match text.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Some(n),
                _ => {
                    problems.push((field, SettingsProblem::OutOfRange { min, max }));
                    None
                }
            }
        };
        let idle = number("session_idle_minutes", input.session_idle_minutes, SESSION_IDLE_MINUTES);
        let absolute =
            number("session_absolute_hours", input.session_absolute_hours, SESSION_ABSOLUTE_HOURS);
        let flag_hours = number(
            "reminder_flag_hours",
            input.reminder_flag_hours,
            crate::tasks::FLAG_HOURS_RANGE,
        );
        let assessment_months = number(
            "reminder_assessment_months",
            input.reminder_assessment_months,
            crate::tasks::ASSESSMENT_MONTHS_RANGE,
        );
        let referral_days = number(
            "reminder_referral_days",
            input.reminder_referral_days,
            crate::referrals::REMINDER_DAYS_RANGE,
        );
        let mail_days = number(
            "reminder_mail_days",
            input.reminder_mail_days,
            crate::domiciliation::MAIL_WAITING_DAYS_RANGE,
        );
        let aid_days = number(
            "reminder_aid_days",
            input.reminder_aid_days,
            crate::aid::DOCUMENTS_REMINDER_DAYS_RANGE,
        );
        let day_divisor =
            number("budget_day_divisor", input.budget_day_divisor, BUDGET_DAY_DIVISOR);
        let statistics_threshold = number(
            "statistics_threshold",
            input.statistics_threshold,
            crate::suppression::THRESHOLD_RANGE,
        );
        let style = input.money_style.unwrap_or(crate::money::Style::English);
        let threshold = match input.budget_threshold.trim() {
            "" => Ok(None),
            typed => crate::money::parse_cents(typed, style).map(Some),
        };
        let threshold = match threshold {
            Ok(t) => Some(t),
            Err(e) => {
                problems.push(("budget_threshold", SettingsProblem::Amount(e)));
                None
            }
        };
        let mut text = |field: &'static str, value: &str| -> Option<String> {
            let trimmed = value.trim();
            if trimmed.chars().count() > LETTERHEAD_MAX_CHARS {
                problems.push((field, SettingsProblem::TooLong { max: LETTERHEAD_MAX_CHARS }));
            }
            // Line breaks are kept (an address has several lines); other control characters go.
            let clean: String = trimmed.chars().filter(|c| !c.is_control() || *c == '\n').collect();
            let clean = clean.replace("\r", "");
            (!clean.is_empty()).then_some(clean)
        };
        let letterhead_address = text("letterhead_address", input.letterhead_address);
        let letterhead_signatory = text("letterhead_signatory", input.letterhead_signatory);
        let letterhead_footer = text("letterhead_footer", input.letterhead_footer);
        match (
            name,
            time_zone,
            idle,
            absolute,
            flag_hours,
            assessment_months,
            referral_days,
            mail_days,
            aid_days,
            day_divisor,
            threshold,
            statistics_threshold,
        ) {
            (
                Some(name),
                Some(time_zone),
                Some(session_idle_minutes),
                Some(session_absolute_hours),
                Some(reminder_flag_hours),
                Some(reminder_assessment_months),
                Some(reminder_referral_days),
                Some(reminder_mail_days),
                Some(reminder_aid_days),
                Some(budget_day_divisor),
                Some(budget_threshold_cents),
                Some(statistics_threshold),
            ) if problems.is_empty() => Ok(OrganisationSettings {
                statistics_threshold,
                budget_threshold_cents,
                budget_day_divisor,
                reminder_flag_hours,
                reminder_assessment_months,
                reminder_referral_days,
                reminder_mail_days,
                reminder_aid_days,
                name,
                time_zone,
                require_second_factor: input.require_second_factor,
                session_idle_minutes,
                session_absolute_hours,
                letterhead_address,
                letterhead_signatory,
                letterhead_footer,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    fn input() -> SettingsInput<'static> {
        SettingsInput {
            name: "CCAS de Valbourg",
            time_zone: "Europe/Paris",
            require_second_factor: true,
            session_idle_minutes: "30",
            session_absolute_hours: "12",
            letterhead_address: "1 place de la Mairie\r\n12345 Valbourg",
            letterhead_signatory: "",
            letterhead_footer: "",
            reminder_flag_hours: "24",
            reminder_assessment_months: "6",
            reminder_referral_days: "10",
            reminder_mail_days: "15",
            reminder_aid_days: "15",
            budget_threshold: "12,50",
            budget_day_divisor: "30",
            statistics_threshold: "5",
            money_style: Some(crate::money::Style::French),
        }
    }

    #[test]
    fn valid_settings_are_cleaned_up() {
        let s = OrganisationSettings::parse(&input()).unwrap();
        assert_eq!(s.letterhead_address.as_deref(), Some("1 place de la Mairie\n12345 Valbourg"));
        assert_eq!(s.letterhead_signatory, None, "empty means none");
        assert!(s.require_second_factor);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = SettingsInput {
            name: "  ",
            time_zone: "Paris",
            session_idle_minutes: "2",
            session_absolute_hours: "a day",
            letterhead_footer: &*"x".repeat(501).leak(),
            reminder_assessment_months: "0",
            reminder_referral_days: "91",
            reminder_aid_days: "0",
            ..input()
        };
        let problems = OrganisationSettings::parse(&bad).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "name",
                "time_zone",
                "session_idle_minutes",
                "session_absolute_hours",
                "reminder_assessment_months",
                "reminder_referral_days",
                "reminder_aid_days",
                "letterhead_footer"
            ]
        );
        assert!(
            problems.contains(&(
                "session_idle_minutes",
                SettingsProblem::OutOfRange { min: 5, max: 480 }
            ))
        );
    }

    #[test]
    fn the_budget_threshold_is_read_in_the_users_language_and_may_be_left_empty() {
        let s = OrganisationSettings::parse(&input()).unwrap();
        assert_eq!(s.budget_threshold_cents, Some(1_250));
        assert_eq!(s.budget_day_divisor, 30);
        let english = SettingsInput {
            budget_threshold: "1,012.50",
            money_style: Some(crate::money::Style::English),
            ..input()
        };
        assert_eq!(
            OrganisationSettings::parse(&english).unwrap().budget_threshold_cents,
            Some(101_250)
        );
        let none = SettingsInput { budget_threshold: "  ", ..input() };
        assert_eq!(OrganisationSettings::parse(&none).unwrap().budget_threshold_cents, None);
    }

    #[test]
    fn the_statistics_threshold_is_five_or_more_up_to_fifty() {
        assert_eq!(OrganisationSettings::parse(&input()).unwrap().statistics_threshold, 5);
        let eleven = SettingsInput { statistics_threshold: " 11 ", ..input() };
        assert_eq!(OrganisationSettings::parse(&eleven).unwrap().statistics_threshold, 11);
        for refused in ["4", "51", "0", "", "cinq", "5.5"] {
            let bad = SettingsInput { statistics_threshold: refused, ..input() };
            assert_eq!(
                OrganisationSettings::parse(&bad).unwrap_err(),
                [("statistics_threshold", SettingsProblem::OutOfRange { min: 5, max: 50 })],
                "{refused:?}"
            );
        }
    }

    #[test]
    fn a_bad_threshold_or_divisor_is_refused_with_its_field() {
        let bad = SettingsInput { budget_threshold: "12,505", budget_day_divisor: "27", ..input() };
        let problems = OrganisationSettings::parse(&bad).unwrap_err();
        assert_eq!(
            problems,
            [
                ("budget_day_divisor", SettingsProblem::OutOfRange { min: 28, max: 31 }),
                (
                    "budget_threshold",
                    SettingsProblem::Amount(crate::money::MoneyError::TooManyDecimals)
                ),
            ]
        );
    }

    #[test]
    fn time_zones_must_look_like_iana_names() {
        assert!(TimeZoneName::parse("Europe/Paris").is_some());
        assert!(TimeZoneName::parse("America/Argentina/Salta").is_some());
        assert!(TimeZoneName::parse("Asia/Seoul").is_some());
        assert!(TimeZoneName::parse("UTC").is_some());
        for bad in ["Paris", "Europe/", "/Paris", "Europe Paris", "", "europe/paris"] {
            assert!(TimeZoneName::parse(bad).is_none(), "{bad:?}");
        }
    }
}
