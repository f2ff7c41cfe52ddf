//! Is this the same person? The signals reception and workers use to spot a record registered
//! twice: a similar name with the same birth date, the same phone, the same benefit or
//! employment number, the same email. A different birth date counts against.

use crate::persons::PersonRecord;
use crate::search::{self, Searchable, Term};

/// Why two records look alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    SimilarName,
    SameBirthDate,
    SamePhone,
    SameNumber,
    SameEmail,
    /// Both have a birth date, and they differ.
    DifferentBirthDate,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::SimilarName => "similar-name",
            Reason::SameBirthDate => "same-birth-date",
            Reason::SamePhone => "same-phone",
            Reason::SameNumber => "same-number",
            Reason::SameEmail => "same-email",
            Reason::DifferentBirthDate => "different-birth-date",
        }
    }
}

/// How alike two records are: 0 to 100, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Similarity {
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// From this score a record is shown as a possible duplicate.
pub const THRESHOLD: u8 = 50;

/// The search terms of a record (what the index holds for it).
pub fn terms_of(rec: &PersonRecord) -> Vec<Term> {
    search::person_terms(&Searchable {
        birth_name: rec.birth_name.as_deref(),
        used_name: rec.used_name.as_deref(),
        first_names: rec.first_names.as_deref(),
        birth_date: rec.birth_date,
        phones: rec.phones.iter().map(String::as_str).collect(),
        numbers: [rec.benefit_office_number.as_deref(), rec.employment_service_id.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
    })
}

/// The query that finds records named like `rec`: its family name (used, else birth) and
/// first names.
pub fn name_query(rec: &PersonRecord) -> String {
    rec.display_name()
}

/// How alike `new` and `existing` are, if at all.
pub fn similarity(new: &PersonRecord, existing: &PersonRecord) -> Similarity {
    let existing_terms = terms_of(existing);
    let new_terms = terms_of(new);
    let shared = |prefix: &str| {
        new_terms.iter().any(|t| {
            t.kind == search::KIND_WORD
                && t.text.starts_with(prefix)
                && existing_terms.iter().any(|e| e.kind == t.kind && e.text == t.text)
        })
    };
    // The name matches when either record's name, typed as a query, finds the other.
    let has_name = |r: &PersonRecord| {
        r.birth_name.is_some() || r.used_name.is_some() || r.first_names.is_some()
    };
    let names_match = |query_rec: &PersonRecord, terms: &[Term]| {
        let query = name_query(query_rec);
        let plan = search::plan(&query);
        !plan.is_empty() && search::score(&plan, terms).is_some()
    };
    let similar_name = (has_name(new) && has_name(existing))
        && (names_match(new, &existing_terms) || names_match(existing, &new_terms));

    let mut reasons = Vec::new();
    let mut score: i32 = 0;
    if similar_name {
        reasons.push(Reason::SimilarName);
        score += 50;
    }
    match (new.birth_date, existing.birth_date) {
        (Some(a), Some(b)) if a == b && similar_name => {
            reasons.push(Reason::SameBirthDate);
            score += 35;
        }
        (Some(a), Some(b)) if a != b => {
            reasons.push(Reason::DifferentBirthDate);
            score -= 40;
        }
        _ => {}
    }
    if shared("t:") {
        reasons.push(Reason::SamePhone);
        score += 50;
    }
    if shared("n:") {
        reasons.push(Reason::SameNumber);
        score += 60;
    }
    if let (Some(a), Some(b)) = (&new.email, &existing.email)
        && a.eq_ignore_ascii_case(b)
    {
        reasons.push(Reason::SameEmail);
        score += 40;
    }
    Similarity { score: score.clamp(0, 100) as u8, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rec(family: &str, first: &str, birth: Option<time::Date>) -> PersonRecord {
        PersonRecord {
            birth_name: Some(family.into()),
            first_names: Some(first.into()),
            birth_date: birth,
            ..Default::default()
        }
    }

    #[test]
    fn a_similar_name_with_the_same_birth_date_is_a_likely_duplicate() {
        let a = rec("Dupont", "Hélène", Some(date!(1985 - 03 - 12)));
        let b = rec("Dupond", "Helene", Some(date!(1985 - 03 - 12)));
        let s = similarity(&a, &b);
        assert_eq!(s.reasons, vec![Reason::SimilarName, Reason::SameBirthDate]);
        assert_eq!(s.score, 85);
    }

    #[test]
    fn a_different_birth_date_outweighs_a_similar_name() {
        let a = rec("Martin", "Sophie", Some(date!(1988 - 02 - 29)));
        let b = rec("Martin", "Sophie", Some(date!(1990 - 10 - 10)));
        let s = similarity(&a, &b);
        assert!(s.score < THRESHOLD, "{s:?}");
        assert!(s.reasons.contains(&Reason::DifferentBirthDate));
        // Without dates to compare, the same name is worth a look.
        assert_eq!(similarity(&rec("Martin", "Sophie", None), &b).score, THRESHOLD);
    }

    #[test]
    fn the_same_phone_or_benefit_number_alone_is_worth_a_look() {
        let mut a = rec("Haddad", "Karim", None);
        let mut b = rec("Benali", "Mohamed", None);
        a.phones = vec!["06 12 34 56 78".into()];
        b.phones = vec!["+33 6 12 34 56 78".into()];
        assert_eq!(similarity(&a, &b).reasons, vec![Reason::SamePhone]);
        assert!(similarity(&a, &b).score >= THRESHOLD);
        a.phones.clear();
        a.benefit_office_number = Some("1234567a".into());
        b.benefit_office_number = Some("1234567 A".into());
        assert_eq!(similarity(&a, &b).reasons, vec![Reason::SamePhone, Reason::SameNumber][1..]);
    }

    #[test]
    fn strangers_are_not_duplicates() {
        let a = rec("Dupont", "Hélène", Some(date!(1985 - 03 - 12)));
        let b = rec("Lefebvre", "Jean-Pierre", Some(date!(1985 - 03 - 12)));
        let s = similarity(&a, &b);
        assert_eq!(s.score, 0);
        assert!(s.reasons.is_empty());
    }
}
