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
