//! The annual activity report ("rapport d'activité", issue 11 point 4, ADR 0039): one calendar
//! year of the organisation, its figures (those of the statistics, suppressed for outside the
//! team) and the narrative sections its managers write around them.

use time::{Date, Month, PrimitiveDateTime, Time};

/// The narrative sections, in the report's order. Their titles are in the Fluent files
/// (`report-section-<code>`); a stored section that is not here is not shown.
pub const SECTIONS: [&str; 4] = ["introduction", "highlights", "partnerships", "outlook"];

/// The longest text of one section, in characters (about eight pages of the PDF).
pub const NARRATIVE_MAX_CHARS: usize = 20_000;

/// The first year a report can be made for.
pub const FIRST_YEAR: i32 = 2000;

/// What is wrong with a year asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearProblem {
    /// Not a year (four digits).
    Invalid,
    /// Before [`FIRST_YEAR`] or after the current year.
    OutOfRange { last: i32 },
}

/// The year of a report: empty means the current year; from [`FIRST_YEAR`] to `this_year`.
pub fn parse_year(text: &str, this_year: i32) -> Result<i32, YearProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(this_year);
    }
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(YearProblem::Invalid);
    }
    let year: i32 = text.parse().map_err(|_| YearProblem::Invalid)?;
    if !(FIRST_YEAR..=this_year).contains(&year) {
        return Err(YearProblem::OutOfRange { last: this_year });
    }
    Ok(year)
}

/// What is wrong with a section's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NarrativeProblem {
    TooLong { max: usize },
}

/// A section's text as it is kept: line ends made `\n`, trailing blanks trimmed. An empty
/// text is a section left out of the report.
pub fn narrative(text: &str) -> Result<String, NarrativeProblem> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim_end().trim_start_matches('\n').to_owned();
    if text.chars().count() > NARRATIVE_MAX_CHARS {
        return Err(NarrativeProblem::TooLong { max: NARRATIVE_MAX_CHARS });
    }
    Ok(text)
}

/// The local starts of the twelve months of `year` and of the next year's first day: the
/// bounds of "contacts per month" (thirteen instants once turned to UTC).
pub fn month_starts(year: i32) -> Option<[PrimitiveDateTime; 13]> {
    let mut out = [PrimitiveDateTime::new(Date::MIN, Time::MIDNIGHT); 13];
    for (i, slot) in out.iter_mut().enumerate() {
        let (y, m) = if i == 12 {
            (year + 1, Month::January)
        } else {
            (year, Month::try_from(i as u8 + 1).ok()?)
        };
        *slot = PrimitiveDateTime::new(Date::from_calendar_date(y, m, 1).ok()?, Time::MIDNIGHT);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_four_digits_up_to_this_one() {
        assert_eq!(parse_year("", 2026), Ok(2026));
        assert_eq!(parse_year(" 2025 ", 2026), Ok(2025));
        assert_eq!(parse_year("2027", 2026), Err(YearProblem::OutOfRange { last: 2026 }));
        assert_eq!(parse_year("1999", 2026), Err(YearProblem::OutOfRange { last: 2026 }));
        for bad in ["25", "deux", "2025-01", "+202"] {
            assert_eq!(parse_year(bad, 2026), Err(YearProblem::Invalid), "{bad}");
        }
    }

    #[test]
    fn a_narrative_keeps_its_lines_and_has_a_limit() {
        assert_eq!(narrative("\r\nUn an.\r\n\r\nDeux.  \n\n").unwrap(), "Un an.\n\nDeux.");
        assert_eq!(narrative("   ").unwrap(), "");
        let long = "é".repeat(NARRATIVE_MAX_CHARS + 1);
        assert_eq!(narrative(&long), Err(NarrativeProblem::TooLong { max: NARRATIVE_MAX_CHARS }));
        assert!(narrative(&long[2..]).is_ok(), "exactly the limit");
    }

    #[test]
    fn months_start_on_the_first_and_end_with_the_next_year() {
        let m = month_starts(2026).unwrap();
        assert_eq!(m[0].date(), Date::from_calendar_date(2026, Month::January, 1).unwrap());
        assert_eq!(m[1].date(), Date::from_calendar_date(2026, Month::February, 1).unwrap());
        assert_eq!(m[12].date(), Date::from_calendar_date(2027, Month::January, 1).unwrap());
        assert!(m.windows(2).all(|w| w[0] < w[1]));
    }
}
