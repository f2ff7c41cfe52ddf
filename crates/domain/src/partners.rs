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

/// One table: rows of named text values.
pub type Rows = Vec<BTreeMap<String, String>>;

/// The tables of a datapackage, by resource name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables(pub BTreeMap<String, Rows>);

impl Tables {
    pub fn rows(&self, table: &str) -> &[BTreeMap<String, String>] {
        self.0.get(table).map_or(&[], Vec::as_slice)
    }

    fn largest(&self) -> usize {
        self.0.values().map(Vec::len).max().unwrap_or(0)
    }
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The tables of a JSON datapackage whose resources carry their rows inline (`data`).
pub fn tables_from_json(bytes: &[u8]) -> Result<Tables, FileProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(strip_bom(bytes)).map_err(|_| FileProblem::NotJson)?;
    let resources =
        value.get("resources").and_then(|r| r.as_array()).ok_or(FileProblem::NotDatapackage)?;
    let mut tables = Tables::default();
    for r in resources {
        let (Some(name), Some(data)) =
            (r.get("name").and_then(|n| n.as_str()), r.get("data").and_then(|d| d.as_array()))
        else {
            continue;
        };
        let rows = data
            .iter()
            .filter_map(|row| row.as_object())
            .map(|o| o.iter().map(|(k, v)| (k.clone(), json_text(v))).collect())
            .collect();
        tables.0.insert(name.to_owned(), rows);
    }
    if tables.0.is_empty() {
        return Err(FileProblem::NotDatapackage);
    }
    if tables.largest() > IMPORT_MAX_ROWS {
        return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
    }
    Ok(tables)
}

/// The tables of a CSV datapackage's files (file name, content): the CSV files its
/// `datapackage.json` names, or every `.csv` file when it names none.
pub fn tables_from_csv_files(files: &[(String, Vec<u8>)]) -> Result<Tables, FileProblem> {
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_owned();
    let mut wanted: Vec<(String, String)> = Vec::new();
    if let Some((_, descriptor)) = files.iter().find(|(n, _)| base(n) == "datapackage.json") {
        let value: serde_json::Value =
            serde_json::from_slice(strip_bom(descriptor)).map_err(|_| FileProblem::NotJson)?;
        for r in value.get("resources").and_then(|r| r.as_array()).into_iter().flatten() {
            if let (Some(name), Some(path)) =
                (r.get("name").and_then(|n| n.as_str()), r.get("path").and_then(|p| p.as_str()))
            {
                wanted.push((name.to_owned(), base(path)));
            }
        }
    }
    if wanted.is_empty() {
        for (n, _) in files {
            let b = base(n);
            if let Some(stem) = b.strip_suffix(".csv") {
                wanted.push((stem.to_owned(), b.clone()));
            }
        }
    }
    if wanted.is_empty() {
        return Err(FileProblem::NotDatapackage);
    }
    let mut tables = Tables::default();
    for (name, path) in wanted {
        let Some((_, bytes)) = files.iter().find(|(n, _)| base(n) == path) else { continue };
        let (headers, records) = read_csv(bytes)?;
        let rows = records
            .into_iter()
            .map(|rec| headers.iter().cloned().zip(rec).filter(|(_, v)| !v.is_empty()).collect())
            .collect();
        tables.0.insert(name, rows);
    }
    if tables.largest() > IMPORT_MAX_ROWS {
        return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
    }
    Ok(tables)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A CSV file's header and records, its separator guessed from the header line (`;` as French
/// spreadsheets write it, `,` or tab).
fn read_csv(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), FileProblem> {
    let bytes = strip_bom(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotCsv)?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem::NotCsv)?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut records = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|_| FileProblem::NotCsv)?;
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        records.push(rec.iter().map(|v| v.trim().to_owned()).collect());
        if records.len() > IMPORT_MAX_ROWS {
            return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
        }
    }
    Ok((headers, records))
}

/// The columns of each HSDS table we write, in order (the CSV files' headers).
pub const HSDS_COLUMNS: &[(&str, &[&str])] = &[
    ("organization", &["id", "name", "description", "email", "website"]),
    (
        "service",
        &[
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "eligibility_description",
        ],
    ),
    ("location", &["id", "location_type", "organization_id", "name"]),
    (
        "address",
        &["id", "location_id", "address_1", "city", "postal_code", "country", "address_type"],
    ),
    ("service_at_location", &["id", "service_id", "location_id"]),
    ("phone", &["id", "organization_id", "service_id", "number"]),
    ("schedule", &["id", "service_id", "description"]),
    ("service_area", &["id", "service_id", "name"]),
    ("language", &["id", "service_id", "name"]),
    ("contact", &["id", "service_id", "name"]),
    ("taxonomy_term", &["id", "code", "name", "taxonomy"]),
    ("attribute", &["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"]),
];

/// The taxonomy our life domains are exported under (and recognised by on import).
pub const DOMAIN_TAXONOMY: &str = "passerelle_life_domain";
/// The taxonomy of partner kinds.
pub const KIND_TAXONOMY: &str = "passerelle_partner_type";

/// The tables as one JSON datapackage, rows inline.
pub fn tables_to_json(tables: &Tables) -> Vec<u8> {
    let resources: Vec<serde_json::Value> = HSDS_COLUMNS
        .iter()
        .map(|(name, _)| {
            serde_json::json!({
                "name": name,
                "profile": "tabular-data-resource",
                "data": tables.rows(name),
            })
        })
        .collect();
    let package = serde_json::json!({
        "name": "passerelle-partner-directory",
        "profile": "tabular-data-package",
        "title": "Open Referral HSDS 3.0",
        "resources": resources,
    });
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}

/// The tables as a CSV datapackage: `datapackage.json` and one CSV file per table.
pub fn tables_to_csv_files(tables: &Tables) -> Vec<(String, Vec<u8>)> {
    let resources: Vec<serde_json::Value> = HSDS_COLUMNS
        .iter()
        .map(|(name, columns)| {
            let fields: Vec<serde_json::Value> =
                columns.iter().map(|c| serde_json::json!({"name": c, "type": "string"})).collect();
            serde_json::json!({
                "name": name,
                "path": format!("{name}.csv"),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields},
            })
        })
        .collect();
    let package = serde_json::json!({
        "name": "passerelle-partner-directory",
        "profile": "tabular-data-package",
        "title": "Open Referral HSDS 3.0",
        "resources": resources,
    });
    let mut files = vec![(
        "datapackage.json".to_owned(),
        serde_json::to_vec_pretty(&package).unwrap_or_default(),
    )];
    for (name, columns) in HSDS_COLUMNS {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(*columns);
        for row in tables.rows(name) {
            let _ = w.write_record(columns.iter().map(|c| row.get(*c).map_or("", String::as_str)));
        }
        files.push((format!("{name}.csv"), w.into_inner().unwrap_or_default()));
    }
    files
}

// ---------------------------------------------------------------------------------------------
// HSDS.

/// Open Referral HSDS 3.0: our directory to its tables and back.
pub mod hsds {
    use super::*;

    /// A partner to export, with its services: `id` is the identifier written (the one it was
    /// imported under, else ours).
    #[derive(Debug, Clone)]
    pub struct ExportPartner {
        pub id: String,
        pub fields: PartnerFields,
        pub services: Vec<(String, ServiceFields)>,
    }

    fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The directory as HSDS tables. Child rows get identifiers derived from their parent's,
    /// so that the same directory always exports the same file.
    pub fn to_tables(partners: &[ExportPartner]) -> Tables {
        let mut t: BTreeMap<String, Rows> = BTreeMap::new();
        let mut push = |table: &str, r: BTreeMap<String, String>| {
            t.entry(table.to_owned()).or_default().push(r);
        };
        let mut terms: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for p in partners {
            let f = &p.fields;
            push(
                "organization",
                row(&[
                    ("id", &p.id),
                    ("name", &f.name),
                    ("description", &f.description),
                    ("email", &f.email),
                    ("website", &f.website),
                ]),
            );
            if !f.phone.is_empty() {
                let id = format!("{}-phone", p.id);
                push(
                    "phone",
                    row(&[("id", &id), ("organization_id", &p.id), ("number", &f.phone)]),
                );
            }
            if !(f.address.is_empty() && f.postal_code.is_empty() && f.city.is_empty()) {
                let loc = format!("{}-location", p.id);
                push(
                    "location",
                    row(&[
                        ("id", &loc),
                        ("location_type", "physical"),
                        ("organization_id", &p.id),
                        ("name", &f.name),
                    ]),
                );
                address(&mut push, &loc, &f.address, &f.postal_code, &f.city);
            }
            let term_id = format!("{KIND_TAXONOMY}-{}", f.kind.as_str());
            terms.entry(term_id.clone()).or_insert_with(|| {
                row(&[
                    ("id", &term_id),
                    ("code", f.kind.as_str()),
                    ("name", f.kind.as_str()),
                    ("taxonomy", KIND_TAXONOMY),
                ])
            });
            let attr = format!("{}-kind", p.id);
            push(
                "attribute",
                row(&[
                    ("id", &attr),
                    ("link_id", &p.id),
                    ("link_type", "organization_type"),
                    ("link_entity", "organization"),
                    ("taxonomy_term_id", &term_id),
                ]),
            );
            for (sid, s) in &p.services {
                push(
                    "service",
                    row(&[
                        ("id", sid),
                        ("organization_id", &p.id),
                        ("name", &s.name),
                        ("description", &s.description),
                        ("url", &s.website),
                        ("email", &s.email),
                        ("status", "active"),
                        ("application_process", &s.how_to_refer),
                        ("eligibility_description", &s.eligibility),
                    ]),
                );
                if !s.phone.is_empty() {
                    let id = format!("{sid}-phone");
                    push("phone", row(&[("id", &id), ("service_id", sid), ("number", &s.phone)]));
                }
                if !(s.address.is_empty() && s.postal_code.is_empty() && s.city.is_empty()) {
                    let loc = format!("{sid}-location");
                    push(
                        "location",
                        row(&[("id", &loc), ("location_type", "physical"), ("name", &s.name)]),
                    );
                    address(&mut push, &loc, &s.address, &s.postal_code, &s.city);
                    let sal = format!("{sid}-at-location");
                    push(
                        "service_at_location",
                        row(&[("id", &sal), ("service_id", sid), ("location_id", &loc)]),
                    );
                }
                if !s.hours.is_empty() {
                    let id = format!("{sid}-schedule");
                    push(
                        "schedule",
                        row(&[("id", &id), ("service_id", sid), ("description", &s.hours)]),
                    );
                }
                for (i, area) in s.area_list().iter().enumerate() {
                    let id = format!("{sid}-area-{}", i + 1);
                    push("service_area", row(&[("id", &id), ("service_id", sid), ("name", area)]));
                }
                for (i, lang) in s.language_list().iter().enumerate() {
                    let id = format!("{sid}-language-{}", i + 1);
                    push("language", row(&[("id", &id), ("service_id", sid), ("name", lang)]));
                }
                for (i, c) in s.contacts.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                    let id = format!("{sid}-contact-{}", i + 1);
                    push("contact", row(&[("id", &id), ("service_id", sid), ("name", c.trim())]));
                }
                for d in &s.domains {
                    let term_id = format!("{DOMAIN_TAXONOMY}-{d}");
                    terms.entry(term_id.clone()).or_insert_with(|| {
                        row(&[
                            ("id", &term_id),
                            ("code", d),
                            ("name", d),
                            ("taxonomy", DOMAIN_TAXONOMY),
                        ])
                    });
                    let attr = format!("{sid}-domain-{d}");
                    push(
                        "attribute",
                        row(&[
                            ("id", &attr),
                            ("link_id", sid),
                            ("link_type", "service_category"),
                            ("link_entity", "service"),
                            ("taxonomy_term_id", &term_id),
                        ]),
                    );
                }
            }
        }
        t.insert("taxonomy_term".to_owned(), terms.into_values().collect());
        Tables(t)
    }

    fn address(
        push: &mut impl FnMut(&str, BTreeMap<String, String>),
        location: &str,
        street: &str,
        postal_code: &str,
        city: &str,
    ) {
        let id = format!("{location}-address");
        push(
            "address",
            row(&[
                ("id", &id),
                ("location_id", location),
                ("address_1", street),
                ("city", city),
                ("postal_code", postal_code),
                ("country", "FR"),
                ("address_type", "physical"),
            ]),
        );
    }

    fn get<'a>(r: &'a BTreeMap<String, String>, k: &str) -> &'a str {
        r.get(k).map_or("", |v| v.trim())
    }

    /// Rows of `table` grouped by the value of `key`.
    fn by<'a>(
        tables: &'a Tables,
        table: &str,
        key: &str,
    ) -> HashMap<&'a str, Vec<&'a BTreeMap<String, String>>> {
        let mut m: HashMap<&str, Vec<_>> = HashMap::new();
        for r in tables.rows(table) {
            let k = get(r, key);
            if !k.is_empty() {
                m.entry(k).or_default().push(r);
            }
        }
        m
    }

    /// The directory entries of HSDS tables, each organisation and service under the key
    /// `hsds:ID`; `allowed` are the life domain codes the importer's organisation uses.
    pub fn from_tables(tables: &Tables, allowed: &[String]) -> Parsed {
        let mut out = Parsed::default();
        let locations = by(tables, "location", "id");
        let loc_of_org = by(tables, "location", "organization_id");
        let addresses = by(tables, "address", "location_id");
        let phones_org = by(tables, "phone", "organization_id");
        let phones_svc = by(tables, "phone", "service_id");
        let at_location = by(tables, "service_at_location", "service_id");
        let schedules = by(tables, "schedule", "service_id");
        let areas = by(tables, "service_area", "service_id");
        let languages = by(tables, "language", "service_id");
        let contacts = by(tables, "contact", "service_id");
        let terms = by(tables, "taxonomy_term", "id");
        let attributes = by(tables, "attribute", "link_id");
        let address_of = |loc: &str| -> (String, String, String) {
            addresses
                .get(loc)
                .and_then(|a| a.first())
                .map(|a| {
                    let street = [get(a, "address_1"), get(a, "address_2")]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    (street, get(a, "postal_code").to_owned(), get(a, "city").to_owned())
                })
                .unwrap_or_default()
        };
        // The terms linked to an entity: (taxonomy, code, name).
        let terms_of = |id: &str, entity: &str| -> Vec<(String, String, String)> {
            attributes
                .get(id)
                .into_iter()
                .flatten()
                .filter(|a| {
                    let e = get(a, "link_entity");
                    e.is_empty() || e == entity
                })
                .filter_map(|a| terms.get(get(a, "taxonomy_term_id")).and_then(|t| t.first()))
                .map(|t| {
                    let name =
                        if get(t, "name").is_empty() { get(t, "term") } else { get(t, "name") };
                    (get(t, "taxonomy").to_owned(), get(t, "code").to_owned(), name.to_owned())
                })
                .collect()
        };
        let mut seen = HashSet::new();
        for (i, r) in tables.rows("organization").iter().enumerate() {
            let row_no = i + 1;
            let id = get(r, "id");
            if id.is_empty() {
                out.problem("organization", row_no, "", RowProblemKind::MissingId);
                continue;
            }
            if !seen.insert(id) {
                out.problem("organization", row_no, id, RowProblemKind::DuplicateId);
                continue;
            }
            let mut kind = String::new();
            for (taxonomy, code, _) in terms_of(id, "organization") {
                if taxonomy == KIND_TAXONOMY {
                    if PartnerKind::parse(&code).is_some() {
                        kind = code;
                    } else {
                        out.problem("organization", row_no, id, RowProblemKind::UnknownKind(code));
                    }
                }
            }
            let (address, postal_code, city) = loc_of_org
                .get(id)
                .and_then(|l| l.first())
                .map(|l| address_of(get(l, "id")))
                .unwrap_or_default();
            let draft = PartnerDraft {
                name: get(r, "name").to_owned(),
                kind,
                description: get(r, "description").to_owned(),
                website: get(r, "website").to_owned(),
                phone: phones_org
                    .get(id)
                    .and_then(|p| p.iter().find(|p| get(p, "service_id").is_empty()))
                    .map(|p| get(p, "number").to_owned())
                    .unwrap_or_default(),
                email: get(r, "email").to_owned(),
                address,
                postal_code,
                city,
            };
            match validate_partner(&draft) {
                Ok(fields) => out.partners.push(ImportedPartner {
                    source_key: format!("hsds:{id}"),
                    source_id: id.to_owned(),
                    fields,
                }),
                Err(p) => out.field_problems("organization", row_no, id, p),
            }
        }
        let mut seen = HashSet::new();
        let mut rows_of = HashMap::new();
        for (i, r) in tables.rows("service").iter().enumerate() {
            let row_no = i + 1;
            let id = get(r, "id");
            if id.is_empty() {
                out.problem("service", row_no, "", RowProblemKind::MissingId);
                continue;
            }
            if !seen.insert(id) {
                out.problem("service", row_no, id, RowProblemKind::DuplicateId);
                continue;
            }
            let joined =
                |m: &HashMap<&str, Vec<&BTreeMap<String, String>>>, field: &str, sep: &str| {
                    m.get(id)
                        .into_iter()
                        .flatten()
                        .map(|x| {
                            let v = get(x, field);
                            if v.is_empty() && field == "name" { get(x, "code") } else { v }
                        })
                        .filter(|v| !v.is_empty())
                        .collect::<Vec<_>>()
                        .join(sep)
                };
            let (address, postal_code, city) = at_location
                .get(id)
                .and_then(|l| l.first())
                .map(|sal| get(sal, "location_id"))
                .filter(|l| locations.contains_key(l))
                .map(address_of)
                .unwrap_or_default();
            let mut themes = Vec::new();
            let mut domains = Vec::new();
            for (taxonomy, code, name) in terms_of(id, "service") {
                if taxonomy == DOMAIN_TAXONOMY {
                    domains.push(code);
                } else if taxonomy == KIND_TAXONOMY {
                    continue;
                } else if !code.is_empty() && domain_for_theme(&code).is_some() {
                    themes.push(code);
                } else {
                    themes.push(if name.is_empty() { code } else { name });
                }
            }
            let (mapped, unmapped) = themes_to_domains(&themes, allowed);
            for theme in unmapped {
                out.problem("service", row_no, id, RowProblemKind::UnmappedTheme(theme));
            }
            let mut unknown_domains = Vec::new();
            domains.retain(|d| {
                let ok = allowed.iter().any(|a| a == d);
                if !ok {
                    unknown_domains.push(d.clone());
                }
                ok
            });
            for d in unknown_domains {
                out.problem("service", row_no, id, RowProblemKind::UnmappedTheme(d));
            }
            domains.extend(mapped);
            let draft = ServiceDraft {
                name: get(r, "name").to_owned(),
                description: get(r, "description").to_owned(),
                eligibility: get(r, "eligibility_description").to_owned(),
                area_served: joined(&areas, "name", "; "),
                address,
                postal_code,
                city,
                phone: phones_svc
                    .get(id)
                    .and_then(|p| p.first())
                    .map(|p| get(p, "number").to_owned())
                    .unwrap_or_default(),
                email: get(r, "email").to_owned(),
                website: get(r, "url").to_owned(),
                hours: joined(&schedules, "description", "\n"),
                languages: joined(&languages, "name", "; "),
                contacts: joined(&contacts, "name", "\n"),
                how_to_refer: get(r, "application_process").to_owned(),
                domains,
            };
            let org = get(r, "organization_id");
            match validate_service(&draft, allowed) {
                Ok(fields) => {
                    let key = format!("hsds:{id}");
                    rows_of.insert(key.clone(), row_no);
                    out.services.push(ImportedService {
                        source_key: key,
                        source_id: id.to_owned(),
                        partner_key: format!("hsds:{org}"),
                        fields,
                    })
                }
                Err(p) => out.field_problems("service", row_no, id, p),
            }
        }
        out.drop_orphans("service", &rows_of);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// data·inclusion.

/// The French data·inclusion schema (structures and services of the "services de
/// l'inclusion"): a JSON object `{"structures": […], "services": […]}`, as its API and its
/// published files give them. Keys are `di:SOURCE:ID`.
pub mod data_inclusion {
    use super::*;

    fn s(v: &serde_json::Value, k: &str) -> String {
        v.get(k).map(json_text).unwrap_or_default().trim().to_owned()
    }

    fn list(v: &serde_json::Value, k: &str) -> Vec<String> {
        v.get(k)
            .and_then(|x| x.as_array())
            .map(|a| a.iter().map(json_text).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default()
    }

    /// The partner kind of a data·inclusion `typologie` (typologies de structures).
    pub fn kind_of_typology(t: &str) -> Option<PartnerKind> {
        Some(match t.trim().to_ascii_uppercase().as_str() {
            "CCAS" | "CIAS" | "CPAS" => PartnerKind::Ccas,
            "ML" => PartnerKind::MissionLocale,
            "FT" | "PE" | "CAP_EMPLOI" | "MDE" | "MDEF" => PartnerKind::EmploymentService,
            "BAILLEUR" | "OPHLM" => PartnerKind::SocialLandlord,
            "CS" | "CSAPA" | "CMP" | "PASS" | "MSP" => PartnerKind::HealthCentre,
            "ASSO" | "ASSO_CHOMEUR" | "AFPA" | "ACI" | "AI" | "EI" | "ETTI" | "EA" | "RS_FJT" => {
                PartnerKind::Association
            }
            "PREF" | "SPIP" => PartnerKind::Prefecture,
            "CDAD" | "PAD" | "MJD" => PartnerKind::LegalAid,
            "" => return None,
            _ => PartnerKind::Other,
        })
    }

    fn key(source: &str, id: &str) -> String {
        format!("di:{source}:{id}")
    }

    pub fn parse(bytes: &[u8], allowed: &[String]) -> Result<Parsed, FileProblem> {
        let value: serde_json::Value =
            serde_json::from_slice(strip_bom(bytes)).map_err(|_| FileProblem::NotJson)?;
        let structures = value.get("structures").and_then(|v| v.as_array());
        let services = value.get("services").and_then(|v| v.as_array());
        let (Some(structures), Some(services)) = (structures, services) else {
            return Err(FileProblem::NotDatapackage);
        };
        if structures.len().max(services.len()) > IMPORT_MAX_ROWS {
            return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
        }
        let mut out = Parsed::default();
        let mut seen = HashSet::new();
        for (i, st) in structures.iter().enumerate() {
            let row = i + 1;
            let id = s(st, "id");
            let source = s(st, "source");
            if id.is_empty() {
                out.problem("structures", row, "", RowProblemKind::MissingId);
                continue;
            }
            let k = key(&source, &id);
            if !seen.insert(k.clone()) {
                out.problem("structures", row, &id, RowProblemKind::DuplicateId);
                continue;
            }
            let typology = s(st, "typologie");
            let kind = kind_of_typology(&typology).unwrap_or(PartnerKind::Other);
            if kind == PartnerKind::Other && !typology.is_empty() {
                out.problem("structures", row, &id, RowProblemKind::UnknownKind(typology));
            }
            let description =
                [s(st, "presentation_detail"), s(st, "presentation_resume"), s(st, "description")]
                    .into_iter()
                    .find(|d| !d.is_empty())
                    .unwrap_or_default();
            let street = [s(st, "adresse"), s(st, "complement_adresse")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let draft = PartnerDraft {
                name: s(st, "nom"),
                kind: kind.as_str().to_owned(),
                description,
                website: s(st, "site_web"),
                phone: s(st, "telephone"),
                email: s(st, "courriel"),
                address: street,
                postal_code: s(st, "code_postal"),
                city: s(st, "commune"),
            };
            match validate_partner(&draft) {
                Ok(fields) => {
                    out.partners.push(ImportedPartner { source_key: k, source_id: id, fields })
                }
                Err(p) => out.field_problems("structures", row, &id, p),
            }
        }
        let mut seen = HashSet::new();
        let mut rows_of = HashMap::new();
        for (i, sv) in services.iter().enumerate() {
            let row = i + 1;
            let id = s(sv, "id");
            let source = s(sv, "source");
            if id.is_empty() {
                out.problem("services", row, "", RowProblemKind::MissingId);
                continue;
            }
            let k = key(&source, &id);
            if !seen.insert(k.clone()) {
                out.problem("services", row, &id, RowProblemKind::DuplicateId);
                continue;
            }
            let (domains, unmapped) = themes_to_domains(&list(sv, "thematiques"), allowed);
            for theme in unmapped {
                out.problem("services", row, &id, RowProblemKind::UnmappedTheme(theme));
            }
            let description =
                [s(sv, "description"), s(sv, "presentation_detail"), s(sv, "presentation_resume")]
                    .into_iter()
                    .find(|d| !d.is_empty())
                    .unwrap_or_default();
            let area = [s(sv, "zone_diffusion_nom"), s(sv, "zone_diffusion_code")]
                .into_iter()
                .find(|d| !d.is_empty())
                .unwrap_or_default();
            let mut refer: Vec<String> = Vec::new();
            for field in ["modes_orientation_accompagnateur_autres", "mobilisation_precisions"] {
                let v = s(sv, field);
                if !v.is_empty() {
                    refer.push(v);
                }
            }
            for field in ["modes_accueil", "modes_orientation_accompagnateur", "modes_mobilisation"]
            {
                let v = list(sv, field);
                if !v.is_empty() {
                    refer.push(format!("{field}: {}", v.join(", ")));
                }
            }
            for field in ["lien_mobilisation", "formulaire_en_ligne", "prise_rdv"] {
                let v = s(sv, field);
                if !v.is_empty() {
                    refer.push(v);
                }
            }
            let hours = [s(sv, "horaires_accueil"), s(sv, "horaires_ouverture")]
                .into_iter()
                .find(|d| !d.is_empty())
                .unwrap_or_default();
            let street = [s(sv, "adresse"), s(sv, "complement_adresse")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let draft = ServiceDraft {
                name: s(sv, "nom"),
                description,
                eligibility: [s(sv, "publics_precisions"), s(sv, "conditions_acces")]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n"),
                area_served: area,
                address: street,
                postal_code: s(sv, "code_postal"),
                city: s(sv, "commune"),
                phone: s(sv, "telephone"),
                email: s(sv, "courriel"),
                website: s(sv, "lien_source"),
                hours,
                languages: String::new(),
                contacts: s(sv, "contact_nom_prenom"),
                how_to_refer: refer.join("\n"),
                domains,
            };
            match validate_service(&draft, allowed) {
                Ok(fields) => {
                    rows_of.insert(k.clone(), row);
                    out.services.push(ImportedService {
                        source_key: k,
                        source_id: id,
                        partner_key: key(&source, &s(sv, "structure_id")),
                        fields,
                    })
                }
                Err(p) => out.field_problems("services", row, &id, p),
            }
        }
        out.drop_orphans("services", &rows_of);
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// The spreadsheet.

/// Our plain spreadsheet: one row per service, the partner's columns repeated on each of its
/// services' rows (a partner with no service: the service columns left blank). Keys are
/// `csv:` and the partner's identifier, or its folded name when the column is blank; a
/// service's, the partner's key and the service's identifier or folded name.
pub mod spreadsheet {
    use super::*;

    /// The columns, in the template's order. `partner_name` is required; every other may be
    /// left out or blank.
    pub const COLUMNS: &[&str] = &[
        "partner_id",
        "partner_name",
        "partner_type",
        "partner_description",
        "partner_website",
        "partner_phone",
        "partner_email",
        "partner_address",
        "partner_postal_code",
        "partner_city",
        "service_id",
        "service_name",
        "description",
        "eligibility",
        "area_served",
        "address",
        "postal_code",
        "city",
        "phone",
        "email",
        "website",
        "hours",
        "languages",
        "contacts",
        "how_to_refer",
        "life_domains",
    ];

    /// The template to download: the header and one example row.
    pub fn template() -> String {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
        let _ = w.write_record(COLUMNS);
        let example: &[&str] = &[
            "",
            "CCAS de Valbourg",
            "ccas",
            "Centre communal d'action sociale",
            "https://ccas.valbourg.example",
            "01 23 45 67 89",
            "accueil@ccas.valbourg.example",
            "1 place de la Mairie",
            "99100",
            "Valbourg",
            "",
            "Aide alimentaire",
            "Colis et bons alimentaires",
            "Habitants de Valbourg",
            "Valbourg; 99100",
            "1 place de la Mairie",
            "99100",
            "Valbourg",
            "01 23 45 67 80",
            "",
            "",
            "Lundi et jeudi 9h-12h",
            "fr; en",
            "Mme Martin, conseillère",
            "Sur rendez-vous, fiche de liaison",
            "food; budget",
        ];
        let _ = w.write_record(example);
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    fn folded(s: &str) -> String {
        crate::search::words(s).join("-")
    }

    pub fn parse(bytes: &[u8], allowed: &[String]) -> Result<Parsed, FileProblem> {
        let (headers, records) = read_csv(bytes)?;
        if headers.iter().all(|h| h.is_empty()) {
            return Err(FileProblem::Empty);
        }
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        if col("partner_name").is_none() {
            return Err(FileProblem::MissingColumn("partner_name"));
        }
        let mut out = Parsed::default();
        let mut partners: HashMap<String, usize> = HashMap::new();
        let mut seen_services = HashSet::new();
        let mut rows_of = HashMap::new();
        for (i, rec) in records.iter().enumerate() {
            let row = i + 1;
            let get = |name: &str| col(name).and_then(|c| rec.get(c)).map_or("", |v| v.trim());
            let partner_name = get("partner_name");
            let partner_id = if get("partner_id").is_empty() {
                folded(partner_name)
            } else {
                get("partner_id").to_owned()
            };
            if partner_id.is_empty() {
                out.problem(
                    "row",
                    row,
                    "",
                    RowProblemKind::Field("partner_name", FieldProblem::Required),
                );
                continue;
            }
            let partner_key = format!("csv:{partner_id}");
            if !partners.contains_key(&partner_key) {
                let mut kind = get("partner_type").to_owned();
                if !kind.is_empty() && PartnerKind::parse(&kind).is_none() {
                    out.problem("row", row, &partner_id, RowProblemKind::UnknownKind(kind.clone()));
                    kind = PartnerKind::Other.as_str().to_owned();
                }
                let draft = PartnerDraft {
                    name: partner_name.to_owned(),
                    kind,
                    description: get("partner_description").to_owned(),
                    website: get("partner_website").to_owned(),
                    phone: get("partner_phone").to_owned(),
                    email: get("partner_email").to_owned(),
                    address: get("partner_address").to_owned(),
                    postal_code: get("partner_postal_code").to_owned(),
                    city: get("partner_city").to_owned(),
                };
                match validate_partner(&draft) {
                    Ok(fields) => {
                        partners.insert(partner_key.clone(), row);
                        out.partners.push(ImportedPartner {
                            source_key: partner_key.clone(),
                            source_id: partner_id.clone(),
                            fields,
                        });
                    }
                    Err(p) => {
                        out.field_problems("row", row, &partner_id, p);
                        continue;
                    }
                }
            }
            let service_name = get("service_name");
            let service_id = if get("service_id").is_empty() {
                folded(service_name)
            } else {
                get("service_id").to_owned()
            };
            if service_id.is_empty() {
                // A partner without a service on this row.
                continue;
            }
            let key = format!("{partner_key}/{service_id}");
            if !seen_services.insert(key.clone()) {
                out.problem("row", row, &service_id, RowProblemKind::DuplicateId);
                continue;
            }
            let themes: Vec<String> =
                split_list(get("life_domains")).iter().map(|s| s.to_string()).collect();
            let (domains, unmapped) = themes_to_domains(&themes, allowed);
            for theme in unmapped {
                out.problem("row", row, &service_id, RowProblemKind::UnmappedTheme(theme));
            }
            let draft = ServiceDraft {
                name: service_name.to_owned(),
                description: get("description").to_owned(),
                eligibility: get("eligibility").to_owned(),
                area_served: get("area_served").to_owned(),
                address: get("address").to_owned(),
                postal_code: get("postal_code").to_owned(),
                city: get("city").to_owned(),
                phone: get("phone").to_owned(),
                email: get("email").to_owned(),
                website: get("website").to_owned(),
                hours: get("hours").to_owned(),
                languages: get("languages").to_owned(),
                contacts: get("contacts").to_owned(),
                how_to_refer: get("how_to_refer").to_owned(),
                domains,
            };
            match validate_service(&draft, allowed) {
                Ok(fields) => {
                    rows_of.insert(key.clone(), row);
                    out.services.push(ImportedService {
                        source_key: key,
                        source_id: service_id,
                        partner_key: partner_key.clone(),
                        fields,
                    })
                }
                Err(p) => out.field_problems("row", row, &service_id, p),
            }
        }
        out.drop_orphans("row", &rows_of);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        default_domains()
    }

    fn partner(name: &str) -> PartnerFields {
        validate_partner(&PartnerDraft {
            name: name.into(),
            kind: "mission_locale".into(),
            description: "Jeunes de 16 à 25 ans\nsur rendez-vous".into(),
            website: "www.ml.example".into(),
            phone: "01 02 03 04 05".into(),
            email: "contact@ml.example".into(),
            address: "3 rue des Lilas".into(),
            postal_code: "99100".into(),
            city: "Valbourg".into(),
        })
        .unwrap()
    }

    fn service(name: &str, domains: &[&str]) -> ServiceFields {
        validate_service(
            &ServiceDraft {
                name: name.into(),
                description: "Accompagnement vers l'emploi".into(),
                eligibility: "16-25 ans".into(),
                area_served: "Valbourg ; Montclair".into(),
                address: "3 rue des Lilas".into(),
                postal_code: "99100".into(),
                city: "Valbourg".into(),
                phone: "01 02 03 04 06".into(),
                email: "cej@ml.example".into(),
                website: "https://ml.example/cej".into(),
                hours: "Lundi 9h-12h\nMardi 14h-17h".into(),
                languages: "fr, en".into(),
                contacts: "Mme Durand\nM. Petit".into(),
                how_to_refer: "Fiche de liaison".into(),
                domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            },
            &allowed(),
        )
        .unwrap()
    }

    #[test]
    fn partner_fields_are_checked_and_normalised() {
        let p = partner("  Mission   locale  ");
        assert_eq!(p.name, "Mission locale");
        assert_eq!(p.kind, PartnerKind::MissionLocale);
        assert_eq!(p.website, "https://www.ml.example");
        let bad = validate_partner(&PartnerDraft {
            name: " ".into(),
            kind: "bank".into(),
            email: "not an email".into(),
            website: "javascript:alert(1)".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "kind", "website", "email"]);
        assert_eq!(
            validate_partner(&PartnerDraft { name: "X".into(), ..Default::default() })
                .unwrap()
                .kind,
            PartnerKind::Other
        );
        let long = "a".repeat(NAME_MAX + 1);
        assert_eq!(
            validate_partner(&PartnerDraft { name: long, ..Default::default() }).unwrap_err(),
            vec![("name", FieldProblem::TooLong { max: NAME_MAX })]
        );
    }

    #[test]
    fn service_lists_and_domains_are_normalised() {
        let s = service("CEJ", &["employment", "education", "employment"]);
        assert_eq!(s.area_served, "Valbourg; Montclair");
        assert_eq!(s.languages, "fr; en");
        assert_eq!(s.domains, ["education", "employment"]);
        let err = validate_service(
            &ServiceDraft {
                name: "X".into(),
                domains: vec!["astrology".into()],
                ..Default::default()
            },
            &allowed(),
        )
        .unwrap_err();
        assert_eq!(err, vec![("domains", FieldProblem::Domain("astrology".into()))]);
    }

    #[test]
    fn websites_and_emails() {
        assert_eq!(normalise_website("http://a.fr/x").as_deref(), Some("http://a.fr/x"));
        assert_eq!(normalise_website("a.fr").as_deref(), Some("https://a.fr"));
        assert_eq!(normalise_website(""), Some(String::new()));
        for bad in ["ftp://a.fr", "javascript:x", "a b.fr", "https://", "nodot"] {
            assert_eq!(normalise_website(bad), None, "{bad}");
        }
        assert!(plausible_email("a@b.fr"));
        for bad in ["a@b", "@b.fr", "a b@c.fr", "a@.fr", "a@b.fr."] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn themes_map_to_life_domains() {
        let table = [
            ("logement-hebergement--mal-loges-sans-logis", Some("housing")),
            ("logement-hebergement", Some("housing")),
            ("gestion-financiere--obtenir-une-aide-alimentaire", Some("food")),
            ("gestion-financiere--apprendre-a-gerer-son-budget", Some("budget")),
            ("acces-aux-droits-et-citoyennete--accompagnement-juridique", Some("justice")),
            ("sante--bien-etre-psychologique", Some("mental_health")),
            ("apprendre-francais--suivre-formation", Some("french_language")),
            ("numerique", Some("digital")),
            ("trouver-un-emploi", Some("employment")),
            ("Mental Health Care", Some("mental_health")),
            ("Housing", Some("housing")),
            ("Food Pantry", Some("food")),
            ("Legal Services", Some("justice")),
            ("mobility", Some("mobility")),
            ("astrologie", None),
        ];
        for (theme, expected) in table {
            assert_eq!(domain_for_theme(theme), expected, "{theme}");
        }
    }

    #[test]
    fn search_words_fold_and_pad() {
        assert_eq!(
            search_words(&["Épicerie solidaire", "Montclair-sur-Loue"]),
            " epicerie solidaire montclair sur loue "
        );
        assert_eq!(search_words(&["", " "]), "");
        let q = SearchQuery::parse("Épicerie", "food", "99100", Some(0));
        assert_eq!(q.text, ["epicerie"]);
        assert_eq!(q.domain.as_deref(), Some("food"));
        assert_eq!(q.page, 1);
        assert!(SearchQuery::parse(" ", "", "", None).is_empty());
    }

    fn sample() -> Vec<hsds::ExportPartner> {
        (0..3)
            .map(|i| hsds::ExportPartner {
                id: format!("org-{i}"),
                fields: partner(&format!("Partenaire {i}")),
                services: (0..2)
                    .map(|j| {
                        (
                            format!("svc-{i}-{j}"),
                            service(&format!("Service {i}.{j}"), &["employment", "food"]),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    fn parsed_of(
        partners: &[hsds::ExportPartner],
    ) -> (Vec<(String, PartnerFields)>, Vec<(String, String, ServiceFields)>) {
        let ps = partners.iter().map(|p| (format!("hsds:{}", p.id), p.fields.clone())).collect();
        let ss = partners
            .iter()
            .flat_map(|p| {
                p.services
                    .iter()
                    .map(move |(id, s)| (format!("hsds:{id}"), format!("hsds:{}", p.id), s.clone()))
            })
            .collect();
        (ps, ss)
    }

    fn flatten(
        parsed: &Parsed,
    ) -> (Vec<(String, PartnerFields)>, Vec<(String, String, ServiceFields)>) {
        (
            parsed.partners.iter().map(|p| (p.source_key.clone(), p.fields.clone())).collect(),
            parsed
                .services
                .iter()
                .map(|s| (s.source_key.clone(), s.partner_key.clone(), s.fields.clone()))
                .collect(),
        )
    }

    #[test]
    fn hsds_json_and_csv_datapackages_round_trip() {
        let partners = sample();
        let tables = hsds::to_tables(&partners);
        let json = tables_to_json(&tables);
        let back = tables_from_json(&json).unwrap();
        let parsed = hsds::from_tables(&back, &allowed());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(flatten(&parsed), parsed_of(&partners));
        let files = tables_to_csv_files(&tables);
        assert_eq!(files[0].0, "datapackage.json");
        let back = tables_from_csv_files(&files).unwrap();
        let parsed = hsds::from_tables(&back, &allowed());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(flatten(&parsed), parsed_of(&partners));
    }

    #[test]
    fn hsds_rows_with_problems_are_reported_with_their_table_and_number() {
        let mut tables = hsds::to_tables(&sample());
        let orgs = tables.0.get_mut("organization").unwrap();
        orgs[1].insert("email".into(), "broken".into());
        orgs.push(orgs[0].clone());
        let services = tables.0.get_mut("service").unwrap();
        services[0].remove("id");
        services.push(BTreeMap::from([
            ("id".to_owned(), "lost".to_owned()),
            ("name".to_owned(), "Orphan".to_owned()),
            ("organization_id".to_owned(), "nowhere".to_owned()),
        ]));
        // A foreign taxonomy term that maps, one that does not.
        tables.0.get_mut("taxonomy_term").unwrap().extend([
            BTreeMap::from([
                ("id".to_owned(), "t1".to_owned()),
                ("name".to_owned(), "Housing".to_owned()),
                ("taxonomy".to_owned(), "open_eligibility".to_owned()),
            ]),
            BTreeMap::from([
                ("id".to_owned(), "t2".to_owned()),
                ("name".to_owned(), "Astrology".to_owned()),
                ("taxonomy".to_owned(), "open_eligibility".to_owned()),
            ]),
        ]);
        for t in ["t1", "t2"] {
            tables.0.get_mut("attribute").unwrap().push(BTreeMap::from([
                ("id".to_owned(), format!("a-{t}")),
                ("link_id".to_owned(), "svc-0-1".to_owned()),
                ("link_entity".to_owned(), "service".to_owned()),
                ("taxonomy_term_id".to_owned(), t.to_owned()),
            ]));
        }
        let parsed = hsds::from_tables(&tables, &allowed());
        let got: Vec<(&str, usize, &str, &RowProblemKind)> =
            parsed.problems.iter().map(|p| (p.table, p.row, p.id.as_str(), &p.kind)).collect();
        assert!(
            got.contains(&(
                "organization",
                2,
                "org-1",
                &RowProblemKind::Field("email", FieldProblem::Email)
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&("organization", 4, "org-0", &RowProblemKind::DuplicateId)),
            "{got:?}"
        );
        assert!(got.contains(&("service", 1, "", &RowProblemKind::MissingId)), "{got:?}");
        assert!(
            got.contains(&(
                "service",
                7,
                "lost",
                &RowProblemKind::UnknownPartner("nowhere".into())
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                "service",
                2,
                "svc-0-1",
                &RowProblemKind::UnmappedTheme("Astrology".into())
            )),
            "{got:?}"
        );
        // org-1's services are dropped with it; the rest stay.
        assert_eq!(parsed.partners.len(), 2);
        let svc = parsed.services.iter().find(|s| s.source_id == "svc-0-1").unwrap();
        assert_eq!(svc.fields.domains, ["employment", "food", "housing"]);
        assert_eq!(parsed.services.len(), 3);
    }

    #[test]
    fn data_inclusion_structures_and_services_are_read() {
        let json = serde_json::json!({
            "structures": [
                {"id": "s1", "source": "dora", "nom": "Mission locale du Val", "typologie": "ML",
                 "commune": "Valbourg", "code_postal": "99100", "adresse": "2 rue Haute",
                 "courriel": "ml@val.example", "site_web": "https://ml.val.example"},
                {"id": "s2", "source": "dora", "nom": "Club", "typologie": "XYZ"}
            ],
            "services": [
                {"id": "v1", "source": "dora", "structure_id": "s1", "nom": "Atelier CV",
                 "description": "Atelier pour rédiger son CV",
                 "thematiques": ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation", "numerique", "inconnu"],
                 "types": ["atelier"], "modes_accueil": ["en-presentiel"],
                 "zone_diffusion_type": "commune", "zone_diffusion_code": "99100", "zone_diffusion_nom": "Valbourg",
                 "horaires_accueil": "Mo-Fr 09:00-12:00", "contact_nom_prenom": "Jeanne Dupuis"},
                {"id": "v2", "source": "dora", "structure_id": "s9", "nom": "Perdu"}
            ]
        });
        let parsed = data_inclusion::parse(json.to_string().as_bytes(), &allowed()).unwrap();
        assert_eq!(parsed.partners.len(), 2);
        assert_eq!(parsed.partners[0].source_key, "di:dora:s1");
        assert_eq!(parsed.partners[0].fields.kind, PartnerKind::MissionLocale);
        assert_eq!(parsed.partners[1].fields.kind, PartnerKind::Other);
        assert_eq!(parsed.services.len(), 1);
        let s = &parsed.services[0];
        assert_eq!(s.partner_key, "di:dora:s1");
        assert_eq!(s.fields.domains, ["digital", "employment"]);
        assert_eq!(s.fields.area_served, "Valbourg");
        assert_eq!(s.fields.hours, "Mo-Fr 09:00-12:00");
        assert!(s.fields.how_to_refer.contains("modes_accueil: en-presentiel"));
        let kinds: Vec<&RowProblemKind> = parsed.problems.iter().map(|p| &p.kind).collect();
        assert!(kinds.contains(&&RowProblemKind::UnknownKind("XYZ".into())));
        assert!(kinds.contains(&&RowProblemKind::UnmappedTheme("inconnu".into())));
        assert!(kinds.contains(&&RowProblemKind::UnknownPartner("s9".into())));
        assert_eq!(data_inclusion::parse(b"[]", &allowed()), Err(FileProblem::NotDatapackage));
        assert_eq!(data_inclusion::parse(b"{", &allowed()), Err(FileProblem::NotJson));
    }

    #[test]
    fn spreadsheet_rows_group_services_under_their_partner() {
        let template = spreadsheet::template();
        let parsed = spreadsheet::parse(template.as_bytes(), &allowed()).unwrap();
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.partners.len(), 1);
        assert_eq!(parsed.services[0].fields.domains, ["budget", "food"]);
        assert_eq!(parsed.services[0].source_key, "csv:ccas-de-valbourg/aide-alimentaire");
        let csv = "partner_name,partner_type,service_name,life_domains,email\n\
                   Épicerie du Lac,association,Colis,food,\n\
                   Épicerie du Lac,association,Repas,food;health,\n\
                   Épicerie du Lac,association,Colis,food,\n\
                   ,association,Rien,,\n\
                   Club,bank,Sport,social_life,bad@\n";
        let parsed = spreadsheet::parse(csv.as_bytes(), &allowed()).unwrap();
        assert_eq!(parsed.partners.len(), 2);
        assert_eq!(parsed.partners[0].source_key, "csv:epicerie-du-lac");
        assert_eq!(parsed.services.len(), 2);
        let got: Vec<(usize, &RowProblemKind)> =
            parsed.problems.iter().map(|p| (p.row, &p.kind)).collect();
        assert!(got.contains(&(3, &RowProblemKind::DuplicateId)), "{got:?}");
        assert!(
            got.contains(&(4, &RowProblemKind::Field("partner_name", FieldProblem::Required))),
            "{got:?}"
        );
        assert!(got.contains(&(5, &RowProblemKind::UnknownKind("bank".into()))), "{got:?}");
        assert!(
            got.contains(&(5, &RowProblemKind::Field("email", FieldProblem::Email))),
            "{got:?}"
        );
        assert_eq!(
            spreadsheet::parse(b"name;x\nA;b\n", &allowed()),
            Err(FileProblem::MissingColumn("partner_name"))
        );
    }
}
