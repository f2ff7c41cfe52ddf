//! The partner directory (issue 8 point 1, ADR 0018): partner organisations (a CCAS, a mission
//! locale, a GP…) and the services they offer, shared by every organisation of the instance.
//!
//! Here live the rules that need no database: what a partner or a service must hold
//! ([`validate_partner`], [`validate_service`]), the stable codes of partner kinds, the words
//! a search looks for ([`SearchQuery`]), and the file formats the directory is imported from
//! and exported to — Open Referral HSDS 3.0 as a JSON or CSV datapackage ([`hsds`]), the French
//! data·inclusion schema ([`data_inclusion`]) and a plain spreadsheet ([`spreadsheet`]) —
//! with the mapping of their themes to our life domains ([`domain_for_theme`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::lists::ListName;

/// The most rows an imported file may hold, in its largest table.
pub const IMPORT_MAX_ROWS: usize = 10_000;
/// Services shown on one page of search results.
pub const PAGE_SIZE: i64 = 20;
/// Length limits, in characters.
pub const NAME_MAX: usize = 200;
pub const SHORT_MAX: usize = 300;
pub const TEXT_MAX: usize = 5_000;

macro_rules! partner_kinds {
    ($( $variant:ident => $code:literal, )*) => {
        /// What sort of organisation a partner is. Stable codes; labels are translated
        /// (`partner-kind-CODE`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PartnerKind { $( $variant, )* }

        impl PartnerKind {
            pub const ALL: &'static [PartnerKind] = &[$(PartnerKind::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self { $( PartnerKind::$variant => $code, )* }
            }

            pub fn parse(s: &str) -> Option<PartnerKind> {
                PartnerKind::ALL.iter().copied().find(|k| k.as_str() == s.trim())
            }
        }
    };
}

partner_kinds! {
    Ccas => "ccas",
    MissionLocale => "mission_locale",
    EmploymentService => "employment_service",
    SocialLandlord => "social_landlord",
    HealthCentre => "health_centre",
    Gp => "gp",
    Association => "association",
    School => "school",
    LegalAid => "legal_aid",
    Prefecture => "prefecture",
    Other => "other",
}

// ---------------------------------------------------------------------------------------------
// What a partner and a service hold.

/// A partner organisation as typed (a form, or a row of a file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerDraft {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub website: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
}

/// A partner organisation's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerFields {
    pub name: String,
    pub kind: PartnerKind,
    pub description: String,
    pub website: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
}

impl PartnerFields {
    /// The fields as a form shows them.
    pub fn draft(&self) -> PartnerDraft {
        PartnerDraft {
            name: self.name.clone(),
            kind: self.kind.as_str().to_owned(),
            description: self.description.clone(),
            website: self.website.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
        }
    }
}

/// A service as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceDraft {
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub area_served: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub hours: String,
    pub languages: String,
    pub contacts: String,
    pub how_to_refer: String,
    /// Life domain codes.
    pub domains: Vec<String>,
}

/// A service's checked fields. `domains` are sorted, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFields {
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub area_served: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub hours: String,
    pub languages: String,
    pub contacts: String,
    pub how_to_refer: String,
    pub domains: Vec<String>,
}

impl ServiceFields {
    pub fn draft(&self) -> ServiceDraft {
        ServiceDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            eligibility: self.eligibility.clone(),
            area_served: self.area_served.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            hours: self.hours.clone(),
            languages: self.languages.clone(),
            contacts: self.contacts.clone(),
            how_to_refer: self.how_to_refer.clone(),
            domains: self.domains.clone(),
        }
    }

    /// The languages as a list (they are kept as one text, "; " between them).
    pub fn language_list(&self) -> Vec<&str> {
        split_list(&self.languages)
    }

    /// The areas served as a list.
    pub fn area_list(&self) -> Vec<&str> {
        split_list(&self.area_served)
    }
}

/// A value refused in a partner or service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong {
        max: usize,
    },
    Email,
    Website,
    Kind,
    /// A life domain code the organisation's list does not have.
    Domain(String),
}

/// A field's name and what is wrong with it.
pub type FieldProblems = Vec<(&'static str, FieldProblem)>;

/// One-line text: trimmed, inner runs of white space made one space.
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Multi-line text: trimmed, line ends made `\n`, trailing spaces of each line removed.
fn text(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// A list kept as one text ("fr; en"): items trimmed, empty ones dropped, joined by "; ".
pub fn list_text(s: &str) -> String {
    split_list(s).join("; ")
}

fn split_list(s: &str) -> Vec<&str> {
    s.split([';', ',', '\n']).map(str::trim).filter(|x| !x.is_empty()).collect()
}

fn check_len(problems: &mut FieldProblems, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        problems.push((field, FieldProblem::TooLong { max }));
    }
}

/// Whether `s` looks like an e-mail address (something@host.tld, no spaces).
pub fn plausible_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else { return false };
    !local.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !host.contains('@')
}

/// A web address as kept: `https://` added to a bare host ("www.ccas.fr"); `None` when it is no
/// http(s) address.
pub fn normalise_website(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return Some(String::new());
    }
    if s.chars().any(char::is_whitespace) || s.contains(['<', '>', '"']) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let full = if lower.starts_with("https://") || lower.starts_with("http://") {
        s.to_owned()
    } else if lower.contains("://") || !s.contains('.') {
        return None;
    } else {
        format!("https://{s}")
    };
    let host = full.split("://").nth(1).unwrap_or("");
    if host.is_empty() || host.starts_with('/') {
        return None;
    }
    Some(full)
}

fn contact_fields(problems: &mut FieldProblems, website: &str, email: &str) -> (String, String) {
    let website = match normalise_website(website) {
        Some(w) => w,
        None => {
            problems.push(("website", FieldProblem::Website));
            website.trim().to_owned()
        }
    };
    let email = line(email);
    if !email.is_empty() && !plausible_email(&email) {
        problems.push(("email", FieldProblem::Email));
    }
    check_len(problems, "website", &website, SHORT_MAX);
    check_len(problems, "email", &email, SHORT_MAX);
    (website, email)
}

/// Checks a partner: a name, a known kind (blank is `other`), a plausible e-mail and web
/// address; lengths bounded.
pub fn validate_partner(d: &PartnerDraft) -> Result<PartnerFields, FieldProblems> {
    let mut problems = Vec::new();
    let name = line(&d.name);
    if name.is_empty() {
        problems.push(("name", FieldProblem::Required));
    }
    check_len(&mut problems, "name", &name, NAME_MAX);
    let kind = if d.kind.trim().is_empty() {
        Some(PartnerKind::Other)
    } else {
        PartnerKind::parse(&d.kind)
    };
    if kind.is_none() {
        problems.push(("kind", FieldProblem::Kind));
    }
    let description = text(&d.description);
    check_len(&mut problems, "description", &description, TEXT_MAX);
    let (website, email) = contact_fields(&mut problems, &d.website, &d.email);
    let phone = line(&d.phone);
    let address = line(&d.address);
    let postal_code = line(&d.postal_code);
    let city = line(&d.city);
    for (field, value) in
        [("phone", &phone), ("address", &address), ("postal_code", &postal_code), ("city", &city)]
    {
        check_len(&mut problems, field, value, SHORT_MAX);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PartnerFields {
        name,
        kind: kind.unwrap_or(PartnerKind::Other),
        description,
        website,
        phone,
        email,
        address,
        postal_code,
        city,
    })
}

/// Checks a service: a name, plausible contacts, life domains among `allowed` (the
/// organisation's life domain codes); lengths bounded.
pub fn validate_service(
    d: &ServiceDraft,
    allowed: &[String],
) -> Result<ServiceFields, FieldProblems> {
    let mut problems = Vec::new();
    let name = line(&d.name);
    if name.is_empty() {
        problems.push(("name", FieldProblem::Required));
    }
    check_len(&mut problems, "name", &name, NAME_MAX);
    let (website, email) = contact_fields(&mut problems, &d.website, &d.email);
    let description = text(&d.description);
    let eligibility = text(&d.eligibility);
    let hours = text(&d.hours);
    let contacts = text(&d.contacts);
    let how_to_refer = text(&d.how_to_refer);
    for (field, value) in [
        ("description", &description),
        ("eligibility", &eligibility),
        ("hours", &hours),
        ("contacts", &contacts),
        ("how_to_refer", &how_to_refer),
    ] {
        check_len(&mut problems, field, value, TEXT_MAX);
    }
    let area_served = list_text(&d.area_served);
    let languages = list_text(&d.languages);
    let address = line(&d.address);
    let postal_code = line(&d.postal_code);
    let city = line(&d.city);
    let phone = line(&d.phone);
    for (field, value) in [
        ("area_served", &area_served),
        ("languages", &languages),
        ("address", &address),
        ("postal_code", &postal_code),
        ("city", &city),
        ("phone", &phone),
    ] {
        check_len(&mut problems, field, value, SHORT_MAX);
    }
    let mut domains: Vec<String> = Vec::new();
    for code in &d.domains {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if !allowed.iter().any(|a| a == code) {
            problems.push(("domains", FieldProblem::Domain(code.to_owned())));
        } else if !domains.iter().any(|c| c == code) {
            domains.push(code.to_owned());
        }
    }
    domains.sort();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ServiceFields {
        name,
        description,
        eligibility,
        area_served,
        address,
        postal_code,
        city,
        phone,
        email,
        website,
        hours,
        languages,
        contacts,
        how_to_refer,
        domains,
    })
}

/// The life domain codes everyone understands (the defaults of DOMAIN.md §2.15); an
/// organisation's own codes come on top for its editors.
pub fn default_domains() -> Vec<String> {
    ListName::LifeDomain.defaults().iter().map(|c| (*c).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Search.

/// What a directory search looks for: folded words of the name or description (each a
/// prefix), a life domain, folded words of the place (area served, postal code, city).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: Vec<String>,
    pub domain: Option<String>,
    pub area: Vec<String>,
    /// 1-based.
    pub page: i64,
}

impl SearchQuery {
    /// The query typed (at most 6 text words and 4 place words are kept).
    pub fn parse(text: &str, domain: &str, area: &str, page: Option<i64>) -> SearchQuery {
        let mut text = crate::search::words(text);
        text.truncate(6);
        let mut area = crate::search::words(area);
        area.truncate(4);
        let domain = Some(domain.trim().to_owned()).filter(|d| !d.is_empty());
        SearchQuery { text, domain, area, page: page.unwrap_or(1).clamp(1, 10_000) }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.area.is_empty() && self.domain.is_none()
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }
}

/// The folded words of texts, as kept for searching: " w1 w2 … " (leading and trailing
/// spaces, so that `LIKE '% w%'` finds a word by its start).
pub fn search_words(parts: &[&str]) -> String {
    let words: Vec<String> = parts.iter().flat_map(|p| crate::search::words(p)).collect();
    if words.is_empty() { String::new() } else { format!(" {} ", words.join(" ")) }
}

// ---------------------------------------------------------------------------------------------
// Themes of other schemas and our life domains (the table is in ADR 0018).

/// The life domain a theme of another directory stands for: a data·inclusion `thematiques`
/// code (`logement-hebergement--mal-loges-sans-logis`: its sub-theme first, then its theme),
/// an HSDS taxonomy term (code or name, in English or French), or one of our own codes.
pub fn domain_for_theme(theme: &str) -> Option<&'static str> {
    let theme = theme.trim().to_lowercase();
    if let Some(own) = ListName::LifeDomain.defaults().iter().find(|c| **c == theme) {
        return Some(own);
    }
    if let Some((main, sub)) = theme.split_once("--") {
        return sub_theme(sub).or_else(|| main_theme(main));
    }
    main_theme(&theme).or_else(|| keyword_theme(&theme))
}

/// data·inclusion sub-themes that belong to another domain than their theme.
fn sub_theme(sub: &str) -> Option<&'static str> {
    Some(match sub {
        "accompagnement-juridique" | "aide-aux-victimes" => "justice",
        "obtenir-une-aide-alimentaire" | "alimentation" => "food",
        "bien-etre-psychologique" | "accompagner-les-traumatismes" => "mental_health",
        "faire-face-a-une-situation-daddiction" => "health",
        "decrochage-scolaire" | "accompagner-scolarite" => "education",
        "acces-a-du-materiel-informatique" | "utiliser-numerique" | "utiliser-le-numerique" => {
            "digital"
        }
        "permis-conduire" => "mobility",
        "lien-social" => "social_life",
        _ => return None,
    })
}

/// data·inclusion themes.
fn main_theme(main: &str) -> Option<&'static str> {
    Some(match main {
        "acces-aux-droits-et-citoyennete" => "rights",
        "accompagnement-social-et-professionnel-personnalise"
        | "choisir-un-metier"
        | "creation-activite"
        | "preparer-sa-candidature"
        | "trouver-un-emploi"
        | "souvrir-a-linternational" => "employment",
        "apprendre-francais" => "french_language",
        "illettrisme" | "se-former" => "education",
        "equipement-et-alimentation" => "food",
        "famille" => "family",
        "gestion-financiere" => "budget",
        "handicap" | "sante" => "health",
        "logement-hebergement" => "housing",
        "mobilite" => "mobility",
        "numerique" => "digital",
        "remobilisation" => "social_life",
        _ => return None,
    })
}

/// Words of HSDS taxonomies (Open Eligibility, 211 and the like) in English or French.
fn keyword_theme(term: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("mental", "mental_health"),
        ("housing", "housing"),
        ("shelter", "housing"),
        ("logement", "housing"),
        ("food", "food"),
        ("aliment", "food"),
        ("employment", "employment"),
        ("work", "employment"),
        ("job", "employment"),
        ("emploi", "employment"),
        ("health", "health"),
        ("santé", "health"),
        ("sante", "health"),
        ("legal", "justice"),
        ("justice", "justice"),
        ("education", "education"),
        ("training", "education"),
        ("formation", "education"),
        ("transit", "mobility"),
        ("transport", "mobility"),
        ("mobilit", "mobility"),
        ("money", "budget"),
        ("financial", "budget"),
        ("budget", "budget"),
        ("family", "family"),
        ("famille", "family"),
        ("parent", "family"),
        ("digital", "digital"),
        ("numérique", "digital"),
        ("numerique", "digital"),
        ("benefits", "rights"),
        ("droits", "rights"),
        ("social", "social_life"),
        ("isolation", "social_life"),
        ("language", "french_language"),
        ("français", "french_language"),
    ];
    WORDS.iter().find(|(w, _)| term.contains(w)).map(|(_, d)| *d)
}

// ---------------------------------------------------------------------------------------------
// Imports: what every format gives.

/// Which kind of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// HSDS 3.0 tables in one `datapackage.json`, each resource with its rows inline (`data`).
    HsdsJson,
    /// HSDS 3.0 as a zipped CSV datapackage (`datapackage.json` + one CSV per table).
    HsdsCsv,
    /// data·inclusion: `{"structures": […], "services": […]}`.
    DataInclusion,
    /// Our spreadsheet: one row per service (CSV).
    Spreadsheet,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 4] = [
        ImportFormat::HsdsJson,
        ImportFormat::HsdsCsv,
        ImportFormat::DataInclusion,
        ImportFormat::Spreadsheet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::HsdsJson => "hsds_json",
            ImportFormat::HsdsCsv => "hsds_csv",
            ImportFormat::DataInclusion => "data_inclusion",
            ImportFormat::Spreadsheet => "spreadsheet",
        }
    }

    pub fn parse(s: &str) -> Option<ImportFormat> {
        ImportFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    NotJson,
    NotDatapackage,
    NotZip,
    NotCsv,
    Empty,
    TooManyRows {
        max: usize,
    },
    /// The spreadsheet lacks a column it needs.
    MissingColumn(&'static str),
}

/// What is wrong with one row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblemKind {
    /// A field refused (the row is skipped).
    Field(&'static str, FieldProblem),
    /// The row has no identifier (skipped).
    MissingId,
    /// Another row of the same table has the same identifier (skipped).
    DuplicateId,
    /// A service of an organisation the file does not hold (skipped).
    UnknownPartner(String),
    /// A theme that maps to no life domain: kept without it (a warning).
    UnmappedTheme(String),
    /// A partner kind we do not know: kept as "other" (a warning).
    UnknownKind(String),
}

impl RowProblemKind {
    /// Whether the row is left out.
    pub fn skips(&self) -> bool {
        !matches!(self, RowProblemKind::UnmappedTheme(_) | RowProblemKind::UnknownKind(_))
    }
}

/// A problem of one row, where the user finds it: the table (or "row" for the spreadsheet),
/// the row's number in it (1 = first data row) and its identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub table: &'static str,
    pub row: usize,
    pub id: String,
    pub kind: RowProblemKind,
}

/// A partner read from a file, under the key that finds it again at the next import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPartner {
    pub source_key: String,
    /// The identifier in the file (a UUID of ours when the file is our own export).
    pub source_id: String,
    pub fields: PartnerFields,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedService {
    pub source_key: String,
    pub source_id: String,
    pub partner_key: String,
    pub fields: ServiceFields,
}

/// Everything a file gives: the rows that can be imported and the problems of the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub partners: Vec<ImportedPartner>,
    pub services: Vec<ImportedService>,
    pub problems: Vec<RowProblem>,
}

impl Parsed {
    fn problem(&mut self, table: &'static str, row: usize, id: &str, kind: RowProblemKind) {
        self.problems.push(RowProblem { table, row, id: id.to_owned(), kind });
    }

    fn field_problems(&mut self, table: &'static str, row: usize, id: &str, p: FieldProblems) {
        for (field, problem) in p {
            self.problem(table, row, id, RowProblemKind::Field(field, problem));
        }
    }

    /// Drops services whose partner was refused or is absent, noting why.
    fn drop_orphans(&mut self, table: &'static str, rows: &HashMap<String, usize>) {
        let known: HashSet<&str> = self.partners.iter().map(|p| p.source_key.as_str()).collect();
        let (kept, orphans): (Vec<_>, Vec<_>) = std::mem::take(&mut self.services)
            .into_iter()
            .partition(|s| known.contains(s.partner_key.as_str()));
        self.services = kept;
        for s in orphans {
            let row = rows.get(&s.source_key).copied().unwrap_or(0);
            let partner = partner_id_of_key(&s.partner_key).to_owned();
            self.problem(table, row, &s.source_id, RowProblemKind::UnknownPartner(partner));
        }
    }
}

/// The identifier in the file of a key (`hsds:ID`, `csv:ID`, `di:SOURCE:ID`).
fn partner_id_of_key(key: &str) -> &str {
    match key.split_once(':') {
        Some(("di", rest)) => rest.split_once(':').map_or(rest, |(_, id)| id),
        Some((_, rest)) => rest,
        None => key,
    }
}

/// Life domains of themes, with a warning per theme that maps to none (or to a domain the
/// importer's organisation does not use).
fn themes_to_domains(themes: &[String], allowed: &[String]) -> (Vec<String>, Vec<String>) {
    let mut domains = Vec::new();
    let mut unmapped = Vec::new();
    for theme in themes.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match domain_for_theme(theme).filter(|d| allowed.iter().any(|a| a == d)) {
            Some(d) => {
                if !domains.iter().any(|x: &String| x == d) {
                    domains.push(d.to_owned())
                }
            }
            None => unmapped.push(theme.to_owned()),
        }
    }
    (domains, unmapped)
}

// ---------------------------------------------------------------------------------------------
// Tabular data packages.

mod tables;
pub use tables::{
    DOMAIN_TAXONOMY, HSDS_COLUMNS, KIND_TAXONOMY, Rows, Tables, tables_from_csv_files,
    tables_from_json, tables_to_csv_files, tables_to_json,
};
use tables::{json_text, read_csv, strip_bom};

// ---------------------------------------------------------------------------------------------
// HSDS.

pub mod hsds;

// ---------------------------------------------------------------------------------------------
// data·inclusion.

pub mod data_inclusion;

// ---------------------------------------------------------------------------------------------
// The spreadsheet.

pub mod spreadsheet;

#[cfg(test)]
mod tests;
