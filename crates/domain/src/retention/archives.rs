//! The public archives' sorting of a minor's file (Code du patrimoine L.211-4 and L.212-2;
//! ADR 0042). A public body's files are public archives: before retention removes anything of
//! a file kept about someone followed as a minor, the archives service (the archives
//! départementales) sorts it — it takes the file (a transfer, "versement") or authorises its
//! elimination ("visa d'élimination"). The DPO or a manager records which, with the archives'
//! reference and the day; until then the line may not be approved nor run.

use time::{Date, Duration};

/// What the archives service did with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchivesStep {
    /// The file was handed over to the archives (a transfer slip they signed).
    Transferred,
    /// The archives authorised its elimination (their visa).
    EliminationAuthorised,
}

impl ArchivesStep {
    pub const ALL: [ArchivesStep; 2] =
        [ArchivesStep::Transferred, ArchivesStep::EliminationAuthorised];

    /// Stored and shown: never rename.
    pub fn code(self) -> &'static str {
        match self {
            ArchivesStep::Transferred => "transferred",
            ArchivesStep::EliminationAuthorised => "elimination_authorised",
        }
    }

    pub fn parse(code: &str) -> Option<ArchivesStep> {
        ArchivesStep::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The longest reference kept (an archives' transfer or visa number, a file rating).
pub const MAX_REFERENCE_CHARS: usize = 200;
/// How far back the day of the archives' answer may be.
const MAX_DAYS_BACK: i64 = 5 * 366;

/// The form recording the archives' answer, as typed.
#[derive(Debug, Clone, Default)]
pub struct ArchivesInput<'a> {
    pub step: &'a str,
    pub reference: &'a str,
    pub on: &'a str,
}

/// Why the form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchivesProblem {
    /// Neither transferred nor elimination authorised.
    Step,
    /// Empty, or longer than [`MAX_REFERENCE_CHARS`].
    Reference,
    /// Not a date, in the future, or more than five years ago.
    On,
}

/// What the archives did, their reference and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivesAnswer {
    pub step: ArchivesStep,
    pub reference: String,
    pub on: Date,
}

impl ArchivesInput<'_> {
    /// The answer, or every field refused with why.
    pub fn parse(
        &self,
        today: Date,
    ) -> Result<ArchivesAnswer, Vec<(&'static str, ArchivesProblem)>> {
        let mut problems = Vec::new();
        let step = ArchivesStep::parse(self.step.trim());
        if step.is_none() {
            problems.push(("step", ArchivesProblem::Step));
        }
        let reference = self.reference.trim();
        if reference.is_empty() || reference.chars().count() > MAX_REFERENCE_CHARS {
            problems.push(("reference", ArchivesProblem::Reference));
        }
        let on =
            Date::parse(self.on.trim(), time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
                .filter(|d| *d <= today && *d >= today - Duration::days(MAX_DAYS_BACK));
        if on.is_none() {
            problems.push(("on", ArchivesProblem::On));
        }
        match (step, on) {
            (Some(step), Some(on)) if problems.is_empty() => {
                Ok(ArchivesAnswer { step, reference: reference.to_owned(), on })
            }
            _ => Err(problems),
        }
    }
}

/// Whether the line still waits for the archives: a minor's file whose sorting is not recorded.
pub fn waits_for_archives(minor: bool, step: Option<ArchivesStep>) -> bool {
    minor && step.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    #[test]
    fn a_complete_answer_is_kept_trimmed() {
        let input =
            ArchivesInput { step: "transferred", reference: "  2026 W 14  ", on: "2026-11-20" };
        assert_eq!(
            input.parse(TODAY),
            Ok(ArchivesAnswer {
                step: ArchivesStep::Transferred,
                reference: "2026 W 14".into(),
                on: date!(2026 - 11 - 20)
            })
        );
        let visa =
            ArchivesInput { step: "elimination_authorised", reference: "V-88", on: "2026-11-27" };
        assert_eq!(visa.parse(TODAY).unwrap().step, ArchivesStep::EliminationAuthorised);
    }

    #[test]
    fn every_missing_or_wrong_field_is_named() {
        let empty = ArchivesInput::default();
        assert_eq!(
            empty.parse(TODAY).unwrap_err(),
            vec![
                ("step", ArchivesProblem::Step),
                ("reference", ArchivesProblem::Reference),
                ("on", ArchivesProblem::On)
            ]
        );
        let future = ArchivesInput { step: "transferred", reference: "x", on: "2026-11-28" };
        assert_eq!(future.parse(TODAY).unwrap_err(), vec![("on", ArchivesProblem::On)]);
        let old = ArchivesInput { step: "transferred", reference: "x", on: "2020-01-01" };
        assert_eq!(old.parse(TODAY).unwrap_err(), vec![("on", ArchivesProblem::On)]);
        let long = "x".repeat(MAX_REFERENCE_CHARS + 1);
        let too_long = ArchivesInput { step: "burnt", reference: &long, on: "2026-11-01" };
        assert_eq!(
            too_long.parse(TODAY).unwrap_err(),
            vec![("step", ArchivesProblem::Step), ("reference", ArchivesProblem::Reference)]
        );
        let at_most = "é".repeat(MAX_REFERENCE_CHARS);
        let fits = ArchivesInput { step: "transferred", reference: &at_most, on: "2026-11-01" };
        assert!(fits.parse(TODAY).is_ok(), "characters, not bytes");
    }

    #[test]
    fn stored_codes_round_trip() {
        for s in ArchivesStep::ALL {
            assert_eq!(ArchivesStep::parse(s.code()), Some(s));
        }
        assert_eq!(ArchivesStep::parse("versed"), None);
    }

    #[test]
    fn only_a_minors_file_not_yet_sorted_waits() {
        assert!(waits_for_archives(true, None));
        assert!(!waits_for_archives(true, Some(ArchivesStep::Transferred)));
        assert!(!waits_for_archives(false, None));
    }
}
