//! An organisation's retention settings: durations in months, what happens to a file once due,
//! and how many days an item of the review list waits for a decision before it runs.

/// What happens to a file once due and let run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterDue {
    /// Identity, contact, free text, third parties and files removed; dates, types, statuses,
    /// amounts and levels kept (DOMAIN.md §3.2).
    Anonymise,
    /// Kept whole in a restricted archive, out of every list and search, with the reason.
    Archive,
}

impl AfterDue {
    pub const ALL: [AfterDue; 2] = [AfterDue::Anonymise, AfterDue::Archive];

    /// Stored and shown: never rename.
    pub fn code(self) -> &'static str {
        match self {
            AfterDue::Anonymise => "anonymise",
            AfterDue::Archive => "archive",
        }
    }

    pub fn parse(code: &str) -> Option<AfterDue> {
        AfterDue::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// The settings, with the defaults of DOMAIN.md §3.2 (CNIL 2023-095: two years from the last
/// contact; access logs twelve months).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    pub case_months: u16,
    pub minor_months: u16,
    pub audit_months: u16,
    pub after_due: AfterDue,
    pub grace_days: u16,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            case_months: 24,
            minor_months: 24,
            audit_months: 12,
            after_due: AfterDue::Anonymise,
            grace_days: 30,
        }
    }
}

/// The settings form as typed.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput<'a> {
    pub case_months: &'a str,
    pub minor_months: &'a str,
    pub audit_months: &'a str,
    pub after_due: &'a str,
    pub grace_days: &'a str,
}

/// Why a field was refused (the field's name goes with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsProblem {
    /// A whole number between the bounds is needed.
    OutOfRange {
        min: u16,
        max: u16,
    },
    UnknownAction,
    /// The access log kept beyond [`AUDIT_MONTHS_WITHOUT_REASON`] months needs a written reason
    /// (at most [`MAX_AUDIT_REASON_CHARS`] characters).
    AuditReason,
}

/// The CNIL keeps access logs six months to a year; up to three years with a written reason.
pub const AUDIT_MONTHS_WITHOUT_REASON: u16 = 12;
pub const MAX_AUDIT_REASON_CHARS: usize = 1000;

/// The reason given for the access log's duration: required beyond
/// [`AUDIT_MONTHS_WITHOUT_REASON`] months; kept when given within them (nothing typed is
/// dropped); `None` when empty.
pub fn audit_reason(audit_months: u16, text: &str) -> Result<Option<String>, SettingsProblem> {
    let text = text.trim();
    if text.chars().count() > MAX_AUDIT_REASON_CHARS
        || (text.is_empty() && audit_months > AUDIT_MONTHS_WITHOUT_REASON)
    {
        return Err(SettingsProblem::AuditReason);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Bounds: a file is kept at least a month and at most ten years; the access log 6 to 36 months
/// (CNIL: 6–12, up to 3 years with a written reason); grace up to a year.
const CASE_MONTHS: (u16, u16) = (1, 120);
const AUDIT_MONTHS: (u16, u16) = (6, 36);
const GRACE_DAYS: (u16, u16) = (0, 365);

impl RetentionSettings {
    /// Parses the form; every refused field is named.
    pub fn parse(
        input: &SettingsInput<'_>,
    ) -> Result<RetentionSettings, Vec<(&'static str, SettingsProblem)>> {
        let mut problems = Vec::new();
        let mut number = |field: &'static str, text: &str, (min, max): (u16, u16)| match text
            .trim()
            .parse::<u16>()
        {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                problems.push((field, SettingsProblem::OutOfRange { min, max }));
                min
            }
        };
        let case_months = number("case_months", input.case_months, CASE_MONTHS);
        let minor_months = number("minor_months", input.minor_months, CASE_MONTHS);
        let audit_months = number("audit_months", input.audit_months, AUDIT_MONTHS);
        let grace_days = number("grace_days", input.grace_days, GRACE_DAYS);
        let after_due = AfterDue::parse(input.after_due.trim());
        if after_due.is_none() {
            problems.push(("after_due", SettingsProblem::UnknownAction));
        }
        match after_due {
            Some(after_due) if problems.is_empty() => Ok(RetentionSettings {
                case_months,
                minor_months,
                audit_months,
                after_due,
                grace_days,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(case: &'a str, audit: &'a str, action: &'a str) -> SettingsInput<'a> {
        SettingsInput {
            case_months: case,
            minor_months: "24",
            audit_months: audit,
            after_due: action,
            grace_days: "30",
        }
    }

    #[test]
    fn the_defaults_follow_the_cnil_guidance() {
        let d = RetentionSettings::default();
        assert_eq!((d.case_months, d.minor_months, d.audit_months), (24, 24, 12));
        assert_eq!(d.after_due, AfterDue::Anonymise);
    }

    #[test]
    fn a_valid_form_parses_and_each_bad_field_is_named() {
        let ok = RetentionSettings::parse(&input(" 36 ", "12", "archive")).unwrap();
        assert_eq!(ok.case_months, 36);
        assert_eq!(ok.after_due, AfterDue::Archive);
        let err = RetentionSettings::parse(&input("0", "48", "burn")).unwrap_err();
        let fields: Vec<_> = err.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["case_months", "audit_months", "after_due"]);
        assert_eq!(err[1].1, SettingsProblem::OutOfRange { min: 6, max: 36 });
        assert!(RetentionSettings::parse(&input("121", "12", "anonymise")).is_err());
        assert!(RetentionSettings::parse(&input("120", "6", "anonymise")).is_ok());
    }

    #[test]
    fn action_codes_round_trip() {
        for a in AfterDue::ALL {
            assert_eq!(AfterDue::parse(a.code()), Some(a));
        }
        assert_eq!(AfterDue::parse("delete"), None);
    }

    #[test]
    fn an_access_log_kept_beyond_a_year_needs_a_written_reason() {
        assert_eq!(audit_reason(12, "  "), Ok(None));
        assert_eq!(audit_reason(6, " contrôle interne "), Ok(Some("contrôle interne".into())));
        assert_eq!(audit_reason(13, ""), Err(SettingsProblem::AuditReason));
        assert_eq!(
            audit_reason(36, "Contentieux prud'homal"),
            Ok(Some("Contentieux prud'homal".into()))
        );
        let long = "x".repeat(MAX_AUDIT_REASON_CHARS + 1);
        assert_eq!(audit_reason(12, &long), Err(SettingsProblem::AuditReason));
    }
}
