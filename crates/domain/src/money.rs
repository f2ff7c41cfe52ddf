//! Money: amounts in euros are integer **cents** (`i64`) everywhere — stored, computed and
//! sent — never floating point. This module reads what a person types in a form, in the
//! conventions of their language, and writes amounts back the same way.
//!
//! French writes `1 234,56 €` (narrow no-break space between thousands, no-break space before
//! the sign); English writes `€1,234.56`. Typing is lenient where it cannot be ambiguous: a
//! French user may type `12.50`, an English one `12,50`, either may add spaces, `€` or `EUR`;
//! a separator followed by exactly three digits is a thousands separator unless it is the
//! language's own decimal mark. More than two decimals is refused, not rounded.

use std::fmt;

/// Largest amount accepted from a form: a thousand million euros. Sums of amounts stay far
/// from `i64`'s limit.
pub const MAX_CENTS: i64 = 100_000_000_000;

/// How a language writes amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `1 234,56 €`
    French,
    /// `€1,234.56` (also used for Korean, which writes euros the same way).
    English,
}

impl Style {
    /// The style of a BCP 47 language tag: French for `fr…`, English otherwise.
    pub fn for_tag(tag: &str) -> Style {
        if tag.trim().to_ascii_lowercase().starts_with("fr") {
            Style::French
        } else {
            Style::English
        }
    }

    fn decimal(self) -> char {
        match self {
            Style::French => ',',
            Style::English => '.',
        }
    }
}

/// Why typed text is not an amount. Each has a stable code for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Letters, several signs, misplaced separators.
    Invalid,
    /// More than two digits after the decimal mark.
    TooManyDecimals,
    /// Above [`MAX_CENTS`].
    TooLarge,
}

impl MoneyError {
    pub fn code(self) -> &'static str {
        match self {
            MoneyError::Empty => "money-empty",
            MoneyError::Invalid => "money-invalid",
            MoneyError::TooManyDecimals => "money-too-many-decimals",
            MoneyError::TooLarge => "money-too-large",
        }
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for MoneyError {}

/// Reads an amount typed in `style` into cents. A leading `-` gives a negative amount (callers
/// refuse it where it makes no sense).
pub fn parse_cents(input: &str, style: Style) -> Result<i64, MoneyError> {
    let mut text: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’'))
        .collect();
    for sign in ["EUR", "eur", "Eur", "€"] {
        if let Some(rest) = text.strip_suffix(sign) {
            text = rest.to_string();
        }
    }
    let negative = text.starts_with('-');
    let mut text = text.trim_start_matches(['-', '+']).to_string();
    for sign in ["EUR", "eur", "Eur", "€"] {
        if let Some(rest) = text.strip_prefix(sign) {
            text = rest.to_string();
        }
    }
    if text.is_empty() {
        return if input.trim().is_empty() {
            Err(MoneyError::Empty)
        } else {
            Err(MoneyError::Invalid)
        };
    }
    if !text.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return Err(MoneyError::Invalid);
    }
    let (units, decimals) = split_decimal(&text, style)?;
    let units = ungroup(units)?;
    if decimals.len() > 2 {
        return Err(MoneyError::TooManyDecimals);
    }
    if units.is_empty() && decimals.is_empty() {
        return Err(MoneyError::Invalid);
    }
    let mut cents: i64 = 0;
    for digit in units.chars().chain(decimals.chars()).chain("00".chars().take(2 - decimals.len()))
    {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(digit as u8 - b'0')))
            .ok_or(MoneyError::TooLarge)?;
        if cents > MAX_CENTS {
            return Err(MoneyError::TooLarge);
        }
    }
    Ok(if negative { -cents } else { cents })
}

/// Splits at the decimal mark: the language's own mark wherever it is; otherwise the other
/// mark when it is the last separator, appears once and is not followed by exactly three
/// digits (which make it a thousands separator).
fn split_decimal(text: &str, style: Style) -> Result<(&str, &str), MoneyError> {
    let own = style.decimal();
    let other = if own == ',' { '.' } else { ',' };
    if text.matches(own).count() > 1 {
        return Err(MoneyError::Invalid);
    }
    if let Some(at) = text.rfind(own) {
        let (units, decimals) = (&text[..at], &text[at + 1..]);
        if decimals.contains(other) {
            return Err(MoneyError::Invalid);
        }
        return Ok((units, decimals));
    }
    if text.matches(other).count() == 1 {
        let at = text.rfind(other).expect("counted once");
        let decimals = &text[at + 1..];
        if decimals.len() != 3 {
            return Ok((&text[..at], decimals));
        }
    }
    Ok((text, ""))
}

/// Removes thousands separators, which must each be followed by exactly three digits and
/// preceded by one to three digits for the first.
fn ungroup(units: &str) -> Result<String, MoneyError> {
    let groups: Vec<&str> = units.split([',', '.']).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(MoneyError::Invalid);
        }
    }
    Ok(groups.concat())
}

/// Writes cents as the language shows an amount: `1 234,56 €` or `€1,234.56`.
pub fn format_cents(cents: i64, style: Style) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let number = grouped(cents.unsigned_abs(), style);
    match style {
        Style::French => format!("{sign}{number}\u{a0}€"),
        Style::English => format!("{sign}€{number}"),
    }
}

/// Writes cents for a form field, without thousands separators or sign, so that it reads back
/// with [`parse_cents`]: `1234,56` or `1234.56`.
pub fn format_input(cents: i64, style: Style) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}{}{:02}", abs / 100, style.decimal(), abs % 100)
}

fn grouped(abs: u64, style: Style) -> String {
    let units = (abs / 100).to_string();
    let separator = match style {
        Style::French => '\u{202f}',
        Style::English => ',',
    };
    let mut out = String::new();
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    format!("{out}{}{:02}", style.decimal(), abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FR: Style = Style::French;
    const EN: Style = Style::English;

    #[test]
    fn reads_what_each_language_types() {
        let cases: [(&str, Style, i64); 19] = [
            ("12", FR, 1200),
            ("12,5", FR, 1250),
            ("12,50", FR, 1250),
            ("12.50", FR, 1250),
            ("1 234,56", FR, 123_456),
            ("1\u{202f}234,56\u{a0}€", FR, 123_456),
            ("1.234,56", FR, 123_456),
            ("1.234", FR, 123_400),
            ("0,07", FR, 7),
            (",5", FR, 50),
            ("€1,234.56", EN, 123_456),
            ("1234.56", EN, 123_456),
            ("1,234", EN, 123_400),
            ("12,50", EN, 1250),
            ("1,234,567.8", EN, 123_456_780),
            ("  45 EUR ", EN, 4500),
            ("-3.20", EN, -320),
            ("-3,20 €", FR, -320),
            ("€ 7", EN, 700),
        ];
        for (typed, style, cents) in cases {
            assert_eq!(parse_cents(typed, style), Ok(cents), "{typed:?} in {style:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        let cases: [(&str, Style, MoneyError); 12] = [
            ("", FR, MoneyError::Empty),
            ("   ", EN, MoneyError::Empty),
            ("€", EN, MoneyError::Invalid),
            ("12a", FR, MoneyError::Invalid),
            ("1,2,3", FR, MoneyError::Invalid),
            ("12,345", FR, MoneyError::TooManyDecimals),
            ("1,234", FR, MoneyError::TooManyDecimals),
            ("12.345", EN, MoneyError::TooManyDecimals),
            ("1.23.4", EN, MoneyError::Invalid),
            ("12,34.5", FR, MoneyError::Invalid),
            ("1e5", EN, MoneyError::Invalid),
            ("99999999999999999999", EN, MoneyError::TooLarge),
        ];
        for (typed, style, error) in cases {
            assert_eq!(parse_cents(typed, style), Err(error), "{typed:?} in {style:?}");
        }
        assert_eq!(parse_cents("1000000000", EN), Ok(MAX_CENTS));
        assert_eq!(parse_cents("1000000000.01", EN), Err(MoneyError::TooLarge));
    }

    #[test]
    fn writes_amounts_as_each_language_does() {
        assert_eq!(format_cents(123_456, FR), "1\u{202f}234,56\u{a0}€");
        assert_eq!(format_cents(123_456, EN), "€1,234.56");
        assert_eq!(format_cents(5, FR), "0,05\u{a0}€");
        assert_eq!(format_cents(-100_000_000, EN), "-€1,000,000.00");
        assert_eq!(format_cents(99_900, EN), "€999.00");
        assert_eq!(format_input(123_456, FR), "1234,56");
        assert_eq!(format_input(-7, EN), "-0.07");
    }

    #[test]
    fn what_is_written_reads_back() {
        for cents in [0, 1, 99, 100, 123_456, 100_000_000, 765_432_109, -42] {
            for style in [FR, EN] {
                assert_eq!(parse_cents(&format_cents(cents, style), style), Ok(cents));
                assert_eq!(parse_cents(&format_input(cents, style), style), Ok(cents));
            }
        }
        assert_eq!(Style::for_tag("fr-BE"), FR);
        assert_eq!(Style::for_tag("ko"), EN);
    }
}
