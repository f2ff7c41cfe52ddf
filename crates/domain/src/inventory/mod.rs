//! The data inventory (issue 12, point 1; ADR 0033): every column of every table, tagged in
//! one place with the category of data it holds, and every table with the processing it
//! serves. A store test reads the live schema of both engines and fails when a column is
//! missing here or listed here without existing, so no personal data can be added without
//! saying what it is. The register of processing shown to the DPO and exported (CSV,
//! Markdown) is built from this inventory; retention, anonymisation and subject access
//! (the rest of issue 12) key on these categories.

mod budgets;
mod federation;
pub mod links;
mod people;
mod service;
mod statistics;
mod subject_access;

/// Every table: those about the persons followed, then those of the service itself.
pub fn tables() -> impl Iterator<Item = &'static Table> {
    people::TABLES
        .iter()
        .chain(budgets::TABLES.iter())
        .chain(federation::TABLES.iter())
        .chain(service::TABLES.iter())
        .chain(statistics::TABLES.iter())
        .chain(subject_access::TABLES.iter())
}

/// What a column holds. The codes are shown and exported: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Who the person is: names, birth date and place, sex, nationality, languages, external
    /// numbers (benefit office, employment service), the search terms made of them, copies of
    /// the record (revisions, merges).
    Identity,
    /// How to reach the person: phones, e-mail, postal address.
    Contact,
    /// Coded facts of the person's situation: housing, family, residence status, relationships,
    /// assessment levels by life domain (health among them), urgency codes.
    SocialSituation,
    /// Money: resources, amounts.
    Financial,
    /// Court-ordered measures: legal protection (tutelle, curatelle) and their dates.
    Justice,
    /// Text typed by a worker or in the person's words: notes, reasons, words, transcripts.
    /// May hold anything, health and third parties included.
    FreeText,
    /// Someone other than the person: a legal representative, who gave consent, an informal
    /// support of the ecomap, the recipient of a shared link.
    ThirdParty,
    /// An uploaded or recorded file (stored encrypted), its name and type.
    File,
    /// What was done with the person and when: dates, kinds, statuses, durations, places'
    /// kinds. Kept by anonymisation so that statistics still add up.
    Activity,
    /// Staff and partner contacts: names, work e-mails, roles, preferences.
    Staff,
    /// Secrets and their hashes: passwords, tokens, second factors.
    Credentials,
    /// Connection traces: network addresses, devices, sign-in counts and times.
    Connection,
    /// An identifier pointing at another row (pseudonymous: personal only through the row).
    Reference,
    /// Configuration and machinery: no personal data.
    Technical,
}

impl Category {
    pub const ALL: [Category; 14] = [
        Category::Identity,
        Category::Contact,
        Category::SocialSituation,
        Category::Financial,
        Category::Justice,
        Category::FreeText,
        Category::ThirdParty,
        Category::File,
        Category::Activity,
        Category::Staff,
        Category::Credentials,
        Category::Connection,
        Category::Reference,
        Category::Technical,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Identity => "identity",
            Category::Contact => "contact",
            Category::SocialSituation => "social_situation",
            Category::Financial => "financial",
            Category::Justice => "justice",
            Category::FreeText => "free_text",
            Category::ThirdParty => "third_party",
            Category::File => "file",
            Category::Activity => "activity",
            Category::Staff => "staff",
            Category::Credentials => "credentials",
            Category::Connection => "connection",
            Category::Reference => "reference",
            Category::Technical => "technical",
        }
    }

    /// Whether the column is personal data about the persons followed (as opposed to staff,
    /// machinery or pointers).
    pub fn about_the_person(self) -> bool {
        matches!(
            self,
            Category::Identity
                | Category::Contact
                | Category::SocialSituation
                | Category::Financial
                | Category::Justice
                | Category::FreeText
                | Category::ThirdParty
                | Category::File
                | Category::Activity
        )
    }

    /// Whether anonymising a person removes it (DOMAIN.md §3.2: names, contact, free text,
    /// third parties, files go; dates, types, statuses, amounts and levels stay).
    pub fn removed_by_anonymisation(self) -> bool {
        matches!(
            self,
            Category::Identity
                | Category::Contact
                | Category::FreeText
                | Category::ThirdParty
                | Category::File
        )
    }
}

/// The processing a table serves, as the register of processing (GDPR art. 30) lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// The support of persons: their record, households, cases, notes, assessments, plans,
    /// appointments, documents, tasks.
    SocialSupport,
    /// Referrals to partners with the person's consent.
    Referrals,
    /// The shared directory of partners and their services.
    Directory,
    /// Staff accounts, sign-in and their security.
    Accounts,
    /// The access log: who read or changed what.
    Audit,
    /// Running the service: jobs, mail, notifications, settings, lists.
    Operations,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::SocialSupport,
        Purpose::Referrals,
        Purpose::Directory,
        Purpose::Accounts,
        Purpose::Audit,
        Purpose::Operations,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::SocialSupport => "social_support",
            Purpose::Referrals => "referrals",
            Purpose::Directory => "directory",
            Purpose::Accounts => "accounts",
            Purpose::Audit => "audit",
            Purpose::Operations => "operations",
        }
    }
}

/// One table: the processing it serves and its columns by category.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub purpose: Purpose,
    pub columns: &'static [(Category, &'static [&'static str])],
}

impl Table {
    /// Every column with its category, in the inventory's order.
    pub fn tagged(&self) -> impl Iterator<Item = (&'static str, Category)> + '_ {
        self.columns.iter().flat_map(|(category, names)| names.iter().map(move |n| (*n, *category)))
    }
}

/// The category of `table.column`, if the inventory lists it.
pub fn category(table: &str, column: &str) -> Option<Category> {
    tables().find(|t| t.name == table)?.tagged().find(|(c, _)| *c == column).map(|(_, k)| k)
}

/// How the inventory differs from a schema given as (table, column) pairs: columns the
/// inventory does not tag, and tagged columns the schema does not have. Both empty means the
/// inventory is complete and exact.
pub fn compare<'a>(
    schema: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (Vec<String>, Vec<String>) {
    let schema: std::collections::BTreeSet<(String, String)> =
        schema.into_iter().map(|(t, c)| (t.to_owned(), c.to_owned())).collect();
    let untagged = schema
        .iter()
        .filter(|(t, c)| category(t, c).is_none())
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    let unknown = tables()
        .flat_map(|t| t.tagged().map(move |(c, _)| (t.name, c)))
        .filter(|(t, c)| !schema.contains(&((*t).to_owned(), (*c).to_owned())))
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    (untagged, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_column_is_tagged_once_and_each_table_listed_once() {
        let mut seen = BTreeSet::new();
        for table in tables() {
            assert!(seen.insert(table.name), "{} listed twice", table.name);
            let mut columns = BTreeSet::new();
            for (column, _) in table.tagged() {
                assert!(columns.insert(column), "{}.{column} tagged twice", table.name);
            }
            assert!(!columns.is_empty(), "{} has no column", table.name);
        }
    }

    #[test]
    fn the_persons_record_is_tagged_by_what_it_holds() {
        assert_eq!(category("persons", "birth_name"), Some(Category::Identity));
        assert_eq!(category("persons", "email"), Some(Category::Contact));
        assert_eq!(category("persons", "housing_situation"), Some(Category::SocialSituation));
        assert_eq!(category("persons", "protection_measure"), Some(Category::Justice));
        assert_eq!(category("persons", "protector_name"), Some(Category::ThirdParty));
        assert_eq!(category("persons", "own_words"), Some(Category::FreeText));
        assert_eq!(category("person_resources", "amount_cents"), Some(Category::Financial));
        assert_eq!(category("users", "password_hash"), Some(Category::Credentials));
        assert_eq!(category("persons", "no_such_column"), None);
        assert!(Category::Identity.removed_by_anonymisation());
        assert!(!Category::Activity.removed_by_anonymisation());
        assert!(!Category::Staff.about_the_person());
    }

    #[test]
    fn compare_names_both_kinds_of_difference() {
        let schema = [("persons", "birth_name"), ("persons", "shoe_size")];
        let (untagged, unknown) = compare(schema);
        assert_eq!(untagged, ["persons.shoe_size"]);
        assert!(unknown.contains(&"persons.used_name".to_owned()));
        assert!(!unknown.contains(&"persons.birth_name".to_owned()));
    }

    #[test]
    fn codes_are_distinct() {
        let codes: BTreeSet<_> = Category::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), Category::ALL.len());
        let codes: BTreeSet<_> = Purpose::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), Purpose::ALL.len());
    }
}
