//! Which parts of an export may name someone other than the person, for the DPO to review
//! before it is released: a free text that contains a word of the name of another person
//! known around them (a household member, an informal support of the ecomap). Words of the
//! person's own names are not counted: a sister with the same family name would otherwise
//! flag every note that names the person.

use std::collections::BTreeSet;

use crate::search::words;

/// The folded name words of the people around the person, minus the person's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameIndex(BTreeSet<String>);

/// Words shorter than this are too common to mean a name ("le", "de", "an").
const MIN_WORD: usize = 3;

/// Civilities, which labels of the ecomap carry ("Mme Martin") and notes too.
const CIVILITIES: [&str; 9] =
    ["mme", "madame", "monsieur", "mlle", "mademoiselle", "mrs", "miss", "mister", "docteur"];

impl NameIndex {
    /// `others`: the names of the people around (each a full name or a label);
    /// `own`: the person's own names.
    pub fn new<'a>(
        others: impl IntoIterator<Item = &'a str>,
        own: impl IntoIterator<Item = &'a str>,
    ) -> NameIndex {
        let own: BTreeSet<String> = own.into_iter().flat_map(words).collect();
        NameIndex(
            others
                .into_iter()
                .flat_map(words)
                .filter(|w| w.chars().count() >= MIN_WORD && !own.contains(w))
                .filter(|w| !CIVILITIES.contains(&w.as_str()))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The words of `text` that are names of others (folded), if any.
    pub fn found_in(&self, text: &str) -> Vec<String> {
        let found: BTreeSet<String> =
            words(text).into_iter().filter(|w| self.0.contains(w)).collect();
        found.into_iter().collect()
    }
}

/// Whether `text` names someone of `index`, whatever the case and accents.
pub fn mentions_third_party(index: &NameIndex, text: &str) -> bool {
    !index.found_in(text).is_empty()
}
