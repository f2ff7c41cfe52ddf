//! Persons: the record a social worker keeps of someone they follow. Every field is optional
//! except a name; what is typed is parsed once here, and every refusal names the field and
//! the reason so the form can say it next to the field and keep everything typed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::lists::{ListName, Lists};

/// A field of the person form, by its stable name (form inputs, snapshots, API, messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    BirthName,
    UsedName,
    FirstNames,
    BirthDate,
    BirthPlace,
    Sex,
    Nationality,
    ResidenceStatus,
    Languages,
    InterpreterNeeded,
    Phones,
    Email,
    AddressLine1,
    AddressLine2,
    Postcode,
    Town,
    Country,
    BenefitOfficeNumber,
    EmploymentServiceId,
    HousingSituation,
    FamilySituation,
    Resources,
    ProtectionMeasure,
    ProtectorName,
    ProtectorContact,
    ProtectionStart,
    ProtectionReview,
    OwnWords,
}

/// What kind of input a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text { max: usize },
    LongText { max: usize },
    Date,
    Email,
    Phones,
    Choice(ListName),
    Flag,
    Resources,
}

/// The parts of the record, as the form and the page group them; access is decided per group
/// (see [`crate::policy::person_access`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Identity,
    Contact,
    Situation,
}

const NAME_MAX: usize = 200;
const SHORT_MAX: usize = 200;
const OWN_WORDS_MAX: usize = 10_000;

impl Field {
    pub const ALL: [Field; 28] = [
        Field::BirthName,
        Field::UsedName,
        Field::FirstNames,
        Field::BirthDate,
        Field::BirthPlace,
        Field::Sex,
        Field::Nationality,
        Field::ResidenceStatus,
        Field::Languages,
        Field::InterpreterNeeded,
        Field::Phones,
        Field::Email,
        Field::AddressLine1,
        Field::AddressLine2,
        Field::Postcode,
        Field::Town,
        Field::Country,
        Field::BenefitOfficeNumber,
        Field::EmploymentServiceId,
        Field::HousingSituation,
        Field::FamilySituation,
        Field::Resources,
        Field::ProtectionMeasure,
        Field::ProtectorName,
        Field::ProtectorContact,
        Field::ProtectionStart,
        Field::ProtectionReview,
        Field::OwnWords,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::BirthName => "birth_name",
            Field::UsedName => "used_name",
            Field::FirstNames => "first_names",
            Field::BirthDate => "birth_date",
            Field::BirthPlace => "birth_place",
            Field::Sex => "sex",
            Field::Nationality => "nationality",
            Field::ResidenceStatus => "residence_status",
            Field::Languages => "languages",
            Field::InterpreterNeeded => "interpreter_needed",
            Field::Phones => "phones",
            Field::Email => "email",
            Field::AddressLine1 => "address_line1",
            Field::AddressLine2 => "address_line2",
            Field::Postcode => "postcode",
            Field::Town => "town",
            Field::Country => "country",
            Field::BenefitOfficeNumber => "benefit_office_number",
            Field::EmploymentServiceId => "employment_service_id",
            Field::HousingSituation => "housing_situation",
            Field::FamilySituation => "family_situation",
            Field::Resources => "resources",
            Field::ProtectionMeasure => "protection_measure",
            Field::ProtectorName => "protector_name",
            Field::ProtectorContact => "protector_contact",
            Field::ProtectionStart => "protection_start",
            Field::ProtectionReview => "protection_review",
            Field::OwnWords => "own_words",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn kind(self) -> Kind {
        match self {
            Field::BirthName | Field::UsedName | Field::FirstNames => Kind::Text { max: NAME_MAX },
            Field::BirthDate | Field::ProtectionStart | Field::ProtectionReview => Kind::Date,
            Field::Sex => Kind::Choice(ListName::Sex),
            Field::HousingSituation => Kind::Choice(ListName::HousingSituation),
            Field::FamilySituation => Kind::Choice(ListName::FamilySituation),
            Field::ProtectionMeasure => Kind::Choice(ListName::ProtectionMeasure),
            Field::InterpreterNeeded => Kind::Flag,
            Field::Phones => Kind::Phones,
            Field::Email => Kind::Email,
            Field::Resources => Kind::Resources,
            Field::ProtectorContact => Kind::LongText { max: 1_000 },
            Field::OwnWords => Kind::LongText { max: OWN_WORDS_MAX },
            Field::Postcode => Kind::Text { max: 20 },
            _ => Kind::Text { max: SHORT_MAX },
        }
    }

    pub fn group(self) -> Group {
        match self {
            Field::BirthName
            | Field::UsedName
            | Field::FirstNames
            | Field::BirthDate
            | Field::BirthPlace
            | Field::Sex
            | Field::Nationality
            | Field::ResidenceStatus
            | Field::Languages
            | Field::InterpreterNeeded => Group::Identity,
            Field::Phones
            | Field::Email
            | Field::AddressLine1
            | Field::AddressLine2
            | Field::Postcode
            | Field::Town
            | Field::Country
            | Field::BenefitOfficeNumber
            | Field::EmploymentServiceId => Group::Contact,
            _ => Group::Situation,
        }
    }
}

/// The values of the person form as typed (or as stored, shown for editing): one string per
/// field name, and the ticked resources with the amount typed for each. Also the shape of a
/// stored revision, so a stale form can be compared field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonForm {
    pub values: BTreeMap<String, String>,
    /// Resource code → monthly amount as typed ("" when not known).
    pub resources: BTreeMap<String, String>,
}

impl PersonForm {
    /// Reads the pairs of a submitted form: `<field>=<value>`, `resource=<code>` for each ticked
    /// resource and `amount_<code>=<amount>`. Unknown keys are ignored (the CSRF token, the
    /// version). A repeated key keeps its last value.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> PersonForm {
        let mut form = PersonForm::default();
        let mut amounts = BTreeMap::new();
        for (k, v) in pairs {
            if k == "resource" {
                form.resources.entry(v.to_owned()).or_default();
            } else if let Some(code) = k.strip_prefix("amount_") {
                amounts.insert(code.to_owned(), v.to_owned());
            } else if Field::parse(k).is_some_and(|f| f != Field::Resources) {
                form.values.insert(k.to_owned(), v.to_owned());
            }
        }
        for (code, amount) in amounts {
            if let Some(slot) = form.resources.get_mut(&code) {
                *slot = amount;
            } else if !amount.trim().is_empty() {
                // An amount typed without ticking the box still counts: nothing typed is lost.
                form.resources.insert(code, amount);
            }
        }
        form
    }

    pub fn get(&self, field: Field) -> &str {
        self.values.get(field.name()).map(String::as_str).unwrap_or("")
    }

    pub fn set(&mut self, field: Field, value: impl Into<String>) {
        self.values.insert(field.name().to_owned(), value.into());
    }

    pub fn flag(&self, field: Field) -> bool {
        matches!(self.get(field), "on" | "true" | "1" | "yes")
    }

    /// The resources as one comparable line ("rsa 607.75, aah"), for the conflict view.
    pub fn resources_summary(&self) -> String {
        self.resources
            .iter()
            .map(|(c, a)| if a.trim().is_empty() { c.clone() } else { format!("{c} {}", a.trim()) })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value of one field as one comparable string.
    pub fn display(&self, field: Field) -> String {
        match field {
            Field::Resources => self.resources_summary(),
            Field::InterpreterNeeded => if self.flag(field) { "yes" } else { "" }.to_owned(),
            _ => self.get(field).trim().to_owned(),
        }
    }

    /// The fields whose value differs between two forms, in form order.
    pub fn changed_fields(&self, other: &PersonForm) -> Vec<Field> {
        Field::ALL.into_iter().filter(|f| self.display(*f) != other.display(*f)).collect()
    }
}

/// A resource or benefit the person receives, with its monthly amount when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub code: String,
    pub amount_cents: Option<i64>,
}

/// A person's record, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonRecord {
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    pub birth_date: Option<Date>,
    pub birth_place: Option<String>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub residence_status: Option<String>,
    pub languages: Option<String>,
    pub interpreter_needed: bool,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub postcode: Option<String>,
    pub town: Option<String>,
    pub country: Option<String>,
    pub benefit_office_number: Option<String>,
    pub employment_service_id: Option<String>,
    pub housing_situation: Option<String>,
    pub family_situation: Option<String>,
    pub resources: Vec<Resource>,
    pub protection_measure: Option<String>,
    pub protector_name: Option<String>,
    pub protector_contact: Option<String>,
    pub protection_start: Option<Date>,
    pub protection_review: Option<Date>,
    pub own_words: Option<String>,
}

/// Why a typed value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No birth name, used name nor first names.
    NameRequired,
    TooLong {
        max: usize,
    },
    /// Control characters (or line breaks in a one-line field).
    ControlCharacters,
    /// Not a date (or an impossible one, 31/02).
    DateInvalid,
    /// A birth date after today.
    DateInFuture,
    /// A birth date more than 130 years ago.
    DateTooOld,
    /// The n-th line (from 1) is not a phone number.
    PhoneInvalid {
        line: usize,
    },
    TooManyPhones {
        max: usize,
    },
    EmailInvalid,
    /// A code the organisation's list does not offer.
    UnknownValue,
    AmountInvalid {
        code: String,
    },
    /// The review date of a protection measure is before its start.
    ReviewBeforeStart,
}

/// Everything refused in one submission, by field, in form order.
pub type Problems = Vec<(Field, Problem)>;

const MAX_PHONES: usize = 5;

impl PersonRecord {
    /// Parses a submitted form. `today` bounds birth dates; `lists` are the organisation's;
    /// `current` is the stored record when editing (a value the organisation hid since stays
    /// acceptable).
    pub fn parse(
        form: &PersonForm,
        lists: &Lists,
        today: Date,
        current: Option<&PersonRecord>,
    ) -> Result<PersonRecord, Problems> {
        let mut problems = Problems::new();
        let mut rec = PersonRecord::default();
        for field in Field::ALL {
            let raw = form.get(field);
            match field.kind() {
                Kind::Text { max } => match text(raw, max, false) {
                    Ok(v) => *rec.text_mut(field) = v,
                    Err(p) => problems.push((field, p)),
                },
                Kind::LongText { max } => match text(raw, max, true) {
                    Ok(v) => *rec.text_mut(field) = v,
                    Err(p) => problems.push((field, p)),
                },
                Kind::Email => match email(raw) {
                    Ok(v) => rec.email = v,
                    Err(p) => problems.push((field, p)),
                },
                Kind::Date => match parse_date(raw) {
                    Ok(d) => *rec.date_mut(field) = d,
                    Err(p) => problems.push((field, p)),
                },
                Kind::Choice(list) => {
                    let code = raw.trim();
                    if code.is_empty() {
                        *rec.text_mut(field) = None;
                    } else if lists.accepts(list, code, current.and_then(|c| c.code(field))) {
                        *rec.text_mut(field) = Some(code.to_owned());
                    } else {
                        problems.push((field, Problem::UnknownValue));
                    }
                }
                Kind::Flag => rec.interpreter_needed = form.flag(field),
                Kind::Phones => match phones(raw) {
                    Ok(v) => rec.phones = v,
                    Err(p) => problems.push((field, p)),
                },
                Kind::Resources => {
                    for (code, amount) in &form.resources {
                        let held =
                            current.is_some_and(|c| c.resources.iter().any(|r| &r.code == code));
                        if !lists.accepts(ListName::Resources, code, held.then_some(code.as_str()))
                        {
                            problems.push((field, Problem::UnknownValue));
                            continue;
                        }
                        match parse_amount(amount) {
                            Ok(amount_cents) => {
                                rec.resources.push(Resource { code: code.clone(), amount_cents })
                            }
                            Err(InvalidAmount) => problems
                                .push((field, Problem::AmountInvalid { code: code.clone() })),
                        }
                    }
                }
            }
        }
        if rec.display_name_parts().is_empty() && !problems.iter().any(|(f, _)| is_name(*f)) {
            problems.insert(0, (Field::BirthName, Problem::NameRequired));
        }
        if let Some(d) = rec.birth_date {
            if d > today {
                problems.push((Field::BirthDate, Problem::DateInFuture));
            } else if today.year() - d.year() > 130 {
                problems.push((Field::BirthDate, Problem::DateTooOld));
            }
        }
        if let (Some(s), Some(r)) = (rec.protection_start, rec.protection_review)
            && r < s
        {
            problems.push((Field::ProtectionReview, Problem::ReviewBeforeStart));
        }
        if problems.is_empty() {
            Ok(rec)
        } else {
            problems.sort_by_key(|(f, _)| Field::ALL.iter().position(|x| x == f));
            Err(problems)
        }
    }

    /// The record as the form shows it for editing (and as a revision snapshot).
    pub fn to_form(&self) -> PersonForm {
        let mut form = PersonForm::default();
        for field in Field::ALL {
            let value = match field.kind() {
                Kind::Text { .. } | Kind::LongText { .. } | Kind::Email | Kind::Choice(_) => {
                    self.text_ref(field).clone().unwrap_or_default()
                }
                Kind::Date => self.date_ref(field).map(french_date).unwrap_or_default(),
                Kind::Flag => if self.interpreter_needed { "on" } else { "" }.to_owned(),
                Kind::Phones => self.phones.join("\n"),
                Kind::Resources => continue,
            };
            form.set(field, value);
        }
        for r in &self.resources {
            form.resources
                .insert(r.code.clone(), r.amount_cents.map(format_amount).unwrap_or_default());
        }
        form
    }

    /// The parts of the name, for lists: used name (or birth name), first names.
    pub fn display_name_parts(&self) -> Vec<&str> {
        let family = self.used_name.as_deref().or(self.birth_name.as_deref());
        [family, self.first_names.as_deref()].into_iter().flatten().collect()
    }

    /// The postal address as an envelope shows it, line by line (empty parts left out; the
    /// postcode and town on one line).
    pub fn postal_lines(&self) -> Vec<String> {
        let town = [self.postcode.as_deref(), self.town.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        [self.address_line1.clone(), self.address_line2.clone(), Some(town), self.country.clone()]
            .into_iter()
            .flatten()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// "MARTIN Sophie (née DUPONT)" style is left to the templates; this is the plain
    /// "Martin Sophie" used in titles and notifications.
    pub fn display_name(&self) -> String {
        self.display_name_parts().join(" ")
    }

    /// What is missing for which purpose, so the page can say it instead of demanding
    /// everything up front.
    pub fn missing(&self) -> Vec<(Purpose, Vec<Field>)> {
        let mut out = Vec::new();
        let mut need = |purpose, fields: Vec<(Field, bool)>| {
            let missing: Vec<Field> =
                fields.into_iter().filter(|(_, present)| !present).map(|(f, _)| f).collect();
            if !missing.is_empty() {
                out.push((purpose, missing));
            }
        };
        need(
            Purpose::DuplicateCheck,
            vec![
                (Field::BirthDate, self.birth_date.is_some()),
                (Field::FirstNames, self.first_names.is_some()),
            ],
        );
        need(
            Purpose::Letters,
            vec![
                (Field::AddressLine1, self.address_line1.is_some()),
                (Field::Postcode, self.postcode.is_some()),
                (Field::Town, self.town.is_some()),
            ],
        );
        need(
            Purpose::Contact,
            vec![(Field::Phones, !self.phones.is_empty() || self.email.is_some())],
        );
        need(
            Purpose::BenefitClaims,
            vec![
                (Field::BirthName, self.birth_name.is_some()),
                (Field::BirthDate, self.birth_date.is_some()),
                (Field::BenefitOfficeNumber, self.benefit_office_number.is_some()),
            ],
        );
        out
    }

    fn code(&self, field: Field) -> Option<&str> {
        self.text_ref(field).as_deref()
    }

    fn text_ref(&self, field: Field) -> &Option<String> {
        // One mapping from field to member; the mutable twin below keeps them in step.
        match field {
            Field::BirthName => &self.birth_name,
            Field::UsedName => &self.used_name,
            Field::FirstNames => &self.first_names,
            Field::BirthPlace => &self.birth_place,
            Field::Sex => &self.sex,
            Field::Nationality => &self.nationality,
            Field::ResidenceStatus => &self.residence_status,
            Field::Languages => &self.languages,
            Field::Email => &self.email,
            Field::AddressLine1 => &self.address_line1,
            Field::AddressLine2 => &self.address_line2,
            Field::Postcode => &self.postcode,
            Field::Town => &self.town,
            Field::Country => &self.country,
            Field::BenefitOfficeNumber => &self.benefit_office_number,
            Field::EmploymentServiceId => &self.employment_service_id,
            Field::HousingSituation => &self.housing_situation,
            Field::FamilySituation => &self.family_situation,
            Field::ProtectionMeasure => &self.protection_measure,
            Field::ProtectorName => &self.protector_name,
            Field::ProtectorContact => &self.protector_contact,
            Field::OwnWords => &self.own_words,
            _ => &NONE,
        }
    }

    fn text_mut(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::BirthName => &mut self.birth_name,
            Field::UsedName => &mut self.used_name,
            Field::FirstNames => &mut self.first_names,
            Field::BirthPlace => &mut self.birth_place,
            Field::Sex => &mut self.sex,
            Field::Nationality => &mut self.nationality,
            Field::ResidenceStatus => &mut self.residence_status,
            Field::Languages => &mut self.languages,
            Field::Email => &mut self.email,
            Field::AddressLine1 => &mut self.address_line1,
            Field::AddressLine2 => &mut self.address_line2,
            Field::Postcode => &mut self.postcode,
            Field::Town => &mut self.town,
            Field::Country => &mut self.country,
            Field::BenefitOfficeNumber => &mut self.benefit_office_number,
            Field::EmploymentServiceId => &mut self.employment_service_id,
            Field::HousingSituation => &mut self.housing_situation,
            Field::FamilySituation => &mut self.family_situation,
            Field::ProtectionMeasure => &mut self.protection_measure,
            Field::ProtectorName => &mut self.protector_name,
            Field::ProtectorContact => &mut self.protector_contact,
            Field::OwnWords => &mut self.own_words,
            other => unreachable!("{} is not a text field", other.name()),
        }
    }

    fn date_ref(&self, field: Field) -> Option<Date> {
        match field {
            Field::BirthDate => self.birth_date,
            Field::ProtectionStart => self.protection_start,
            Field::ProtectionReview => self.protection_review,
            _ => None,
        }
    }

    fn date_mut(&mut self, field: Field) -> &mut Option<Date> {
        match field {
            Field::BirthDate => &mut self.birth_date,
            Field::ProtectionStart => &mut self.protection_start,
            Field::ProtectionReview => &mut self.protection_review,
            other => unreachable!("{} is not a date field", other.name()),
        }
    }
}

static NONE: Option<String> = None;

fn is_name(f: Field) -> bool {
    matches!(f, Field::BirthName | Field::UsedName | Field::FirstNames)
}

/// Why a field matters, for the "what is missing" hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    DuplicateCheck,
    Letters,
    Contact,
    BenefitClaims,
}

impl Purpose {
    pub fn key(self) -> &'static str {
        match self {
            Purpose::DuplicateCheck => "duplicate_check",
            Purpose::Letters => "letters",
            Purpose::Contact => "contact",
            Purpose::BenefitClaims => "benefit_claims",
        }
    }
}

/// Trims; folds inner white space in one-line fields; refuses control characters (line breaks
/// and tabs are allowed in multi-line fields) and text longer than `max` characters.
fn text(raw: &str, max: usize, multiline: bool) -> Result<Option<String>, Problem> {
    let normalised = raw.replace("\r\n", "\n");
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\t'));
    if normalised.chars().any(bad) {
        return Err(Problem::ControlCharacters);
    }
    let value = if multiline {
        normalised.trim().to_owned()
    } else {
        normalised.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if value.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok((!value.is_empty()).then_some(value))
}

fn email(raw: &str) -> Result<Option<String>, Problem> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let ok = v.len() <= 254
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if ok { Ok(Some(v.to_owned())) } else { Err(Problem::EmailInvalid) }
}

/// One number a line (commas and semicolons separate too); each must have 6 to 20 digits and
/// only the characters people format numbers with.
fn phones(raw: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for (i, line) in raw.split(['\n', ';', ',']).enumerate() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        let allowed = |c: char| c.is_ascii_digit() || " +.-()/".contains(c);
        let digits = line.chars().filter(char::is_ascii_digit).count();
        let plus_ok = line.rfind('+').is_none_or(|p| p == 0);
        if !line.chars().all(allowed) || !(6..=20).contains(&digits) || !plus_ok {
            return Err(Problem::PhoneInvalid { line: i + 1 });
        }
        out.push(line);
    }
    if out.len() > MAX_PHONES {
        return Err(Problem::TooManyPhones { max: MAX_PHONES });
    }
    Ok(out)
}

/// A date typed as `yyyy-mm-dd` (what date inputs send) or `dd/mm/yyyy` (also with `-` or
/// `.`), as people write them in France.
pub fn parse_date(raw: &str) -> Result<Option<Date>, Problem> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
    let numbers: Option<Vec<i32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let Some(n) = numbers.filter(|n| n.len() == 3) else {
        return Err(Problem::DateInvalid);
    };
    let (y, m, d) = if parts[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 {
        (n[2], n[1], n[0])
    } else {
        return Err(Problem::DateInvalid);
    };
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok());
    let day = u8::try_from(d).ok();
    match (month, day) {
        (Some(month), Some(day)) if (1000..=9999).contains(&y) => {
            Date::from_calendar_date(y, month, day).map(Some).map_err(|_| Problem::DateInvalid)
        }
        _ => Err(Problem::DateInvalid),
    }
}

/// `yyyy-mm-dd`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `dd/mm/yyyy`, as French forms print dates.
pub fn french_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// Age in whole years on `today`.
pub fn age_on(birth: Date, today: Date) -> i32 {
    let mut age = today.year() - birth.year();
    if (u8::from(today.month()), today.day()) < (u8::from(birth.month()), birth.day()) {
        age -= 1;
    }
    age.max(0)
}

/// An amount that is not a sum of euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidAmount;

/// A monthly amount typed as "607,75", "607.75", "1 234" or "1 234,5 €"; empty is unknown.
pub fn parse_amount(raw: &str) -> Result<Option<i64>, InvalidAmount> {
    let v: String = raw
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    if v.is_empty() {
        return Ok(None);
    }
    let v = v.replace(',', ".");
    let (units, cents) = v.split_once('.').unwrap_or((&v, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(units) || units.len() > 9 || cents.len() > 2 || (!cents.is_empty() && !digits(cents))
    {
        return Err(InvalidAmount);
    }
    let units: i64 = units.parse().map_err(|_| InvalidAmount)?;
    let cents: i64 = if cents.is_empty() {
        0
    } else {
        format!("{cents:0<2}").parse().map_err(|_| InvalidAmount)?
    };
    Ok(Some(units * 100 + cents))
}

/// Cents as the form shows them: "607.75", "1234" (no cents when round).
pub fn format_amount(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn form(pairs: &[(&str, &str)]) -> PersonForm {
        PersonForm::from_pairs(pairs.iter().copied())
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<PersonRecord, Problems> {
        PersonRecord::parse(&form(pairs), &Lists::default(), TODAY, None)
    }

    #[test]
    fn a_name_alone_is_enough_and_nothing_else_is_required() {
        let rec = parse(&[("first_names", "  Sophie  ")]).unwrap();
        assert_eq!(rec.first_names.as_deref(), Some("Sophie"));
        assert_eq!(rec.display_name(), "Sophie");
        assert_eq!(
            parse(&[("email", "")]).unwrap_err(),
            vec![(Field::BirthName, Problem::NameRequired)]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_in_form_order() {
        let problems = parse(&[
            ("birth_name", "Martin"),
            ("email", "not an email"),
            ("birth_date", "31/02/1980"),
            ("phones", "06 12 34 56 78\nabc"),
            ("housing_situation", "castle"),
        ])
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                (Field::BirthDate, Problem::DateInvalid),
                (Field::Phones, Problem::PhoneInvalid { line: 2 }),
                (Field::Email, Problem::EmailInvalid),
                (Field::HousingSituation, Problem::UnknownValue),
            ]
        );
    }

    #[test]
    fn birth_dates_in_the_future_or_impossibly_old_are_refused() {
        assert_eq!(
            parse(&[("birth_name", "A"), ("birth_date", "2030-01-01")]).unwrap_err(),
            vec![(Field::BirthDate, Problem::DateInFuture)]
        );
        assert_eq!(
            parse(&[("birth_name", "A"), ("birth_date", "01/01/1850")]).unwrap_err(),
            vec![(Field::BirthDate, Problem::DateTooOld)]
        );
        let rec = parse(&[("birth_name", "A"), ("birth_date", "12/03/1985")]).unwrap();
        assert_eq!(rec.birth_date, Some(date!(1985 - 03 - 12)));
        assert_eq!(parse_date("1985-3-12"), Ok(Some(date!(1985 - 03 - 12))));
        assert_eq!(parse_date("12.03.1985"), Ok(Some(date!(1985 - 03 - 12))));
        for bad in ["12/03/85", "1985/13/01", "abc", "12/03", "0/0/0000", "29/02/2023"] {
            assert_eq!(parse_date(bad), Err(Problem::DateInvalid), "{bad}");
        }
        assert_eq!(parse_date("29/02/2024"), Ok(Some(date!(2024 - 02 - 29))));
    }

    #[test]
    fn control_characters_and_oversize_text_are_refused_line_breaks_only_where_allowed() {
        assert_eq!(
            parse(&[("birth_name", "Mar\u{0007}tin")]).unwrap_err(),
            vec![(Field::BirthName, Problem::ControlCharacters)]
        );
        assert_eq!(
            parse(&[("birth_name", "Mar\ntin")]).unwrap_err(),
            vec![(Field::BirthName, Problem::ControlCharacters)]
        );
        let rec = parse(&[("birth_name", "B"), ("own_words", "Je veux\r\nun logement.")]).unwrap();
        assert_eq!(rec.own_words.as_deref(), Some("Je veux\nun logement."));
        let long = "x".repeat(201);
        assert_eq!(
            parse(&[("birth_name", &long)]).unwrap_err(),
            vec![(Field::BirthName, Problem::TooLong { max: 200 })]
        );
    }

    #[test]
    fn phones_keep_their_formatting_and_refuse_letters_or_too_few_digits() {
        let rec =
            parse(&[("birth_name", "A"), ("phones", "+33 6 12 34 56 78\n\n 01.23.45.67.89 ")])
                .unwrap();
        assert_eq!(rec.phones, vec!["+33 6 12 34 56 78", "01.23.45.67.89"]);
        assert!(phones("12345").is_err());
        assert!(phones("06 12 +34").is_err());
        assert!(phones("1\n2\n3\n4\n5\n6").is_err(), "each line too short");
        assert_eq!(phones("0612345678;0712345678").unwrap().len(), 2);
    }

    #[test]
    fn resources_with_amounts_in_french_or_english_notation() {
        let rec = parse(&[
            ("birth_name", "A"),
            ("resource", "rsa"),
            ("amount_rsa", "607,75 €"),
            ("resource", "aah"),
            ("amount_housing_benefit", "1 234"),
        ])
        .unwrap();
        assert_eq!(
            rec.resources,
            vec![
                Resource { code: "aah".into(), amount_cents: None },
                Resource { code: "housing_benefit".into(), amount_cents: Some(123_400) },
                Resource { code: "rsa".into(), amount_cents: Some(60_775) },
            ]
        );
        assert_eq!(
            parse(&[("birth_name", "A"), ("resource", "rsa"), ("amount_rsa", "six cents")])
                .unwrap_err(),
            vec![(Field::Resources, Problem::AmountInvalid { code: "rsa".into() })]
        );
        assert_eq!(parse_amount("12.5"), Ok(Some(1250)));
        assert_eq!(parse_amount("12.555"), Err(InvalidAmount));
        assert_eq!(format_amount(60_775), "607.75");
        assert_eq!(format_amount(123_400), "1234");
    }

    #[test]
    fn a_record_round_trips_through_its_form() {
        let rec = parse(&[
            ("birth_name", "Le Goff"),
            ("first_names", "Anne Marie"),
            ("birth_date", "05/07/1990"),
            ("sex", "female"),
            ("interpreter_needed", "on"),
            ("phones", "06 12 34 56 78"),
            ("protection_measure", "curatorship"),
            ("protection_start", "2020-01-01"),
            ("protection_review", "2025-01-01"),
            ("resource", "rsa"),
            ("amount_rsa", "607.75"),
        ])
        .unwrap();
        let again = PersonRecord::parse(&rec.to_form(), &Lists::default(), TODAY, None).unwrap();
        assert_eq!(again, rec);
        assert!(rec.to_form().changed_fields(&again.to_form()).is_empty());
    }

    #[test]
    fn changed_fields_name_exactly_what_differs() {
        let a = form(&[("birth_name", "Martin"), ("town", "Valbourg"), ("resource", "rsa")]);
        let b = form(&[
            ("birth_name", "Martin "),
            ("town", "Lyon"),
            ("resource", "rsa"),
            ("amount_rsa", "10"),
        ]);
        assert_eq!(a.changed_fields(&b), vec![Field::Town, Field::Resources]);
    }

    #[test]
    fn a_review_date_before_the_start_of_a_measure_is_refused() {
        assert_eq!(
            parse(&[
                ("birth_name", "A"),
                ("protection_start", "2024-05-01"),
                ("protection_review", "2024-04-01")
            ])
            .unwrap_err(),
            vec![(Field::ProtectionReview, Problem::ReviewBeforeStart)]
        );
    }

    #[test]
    fn missing_says_what_for_which_purpose() {
        let rec =
            parse(&[("birth_name", "Martin"), ("first_names", "Sophie"), ("town", "Valbourg")])
                .unwrap();
        let missing = rec.missing();
        assert_eq!(missing[0], (Purpose::DuplicateCheck, vec![Field::BirthDate]));
        assert_eq!(missing[1], (Purpose::Letters, vec![Field::AddressLine1, Field::Postcode]));
        assert!(missing.iter().any(|(p, _)| *p == Purpose::Contact));
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(date!(1990 - 11 - 27), TODAY), 35);
        assert_eq!(age_on(date!(1990 - 11 - 26), TODAY), 36);
        assert_eq!(french_date(date!(2001 - 02 - 03)), "03/02/2001");
    }

    #[test]
    fn every_field_has_a_unique_name_that_parses_back() {
        let mut names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_typed_text_is_either_kept_or_refused_never_mangled(s in "\\PC{0,60}") {
            if let Ok(Some(v)) = text(&s, 200, false) {
                proptest::prop_assert_eq!(v, s.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }

    #[test]
    fn the_postal_address_is_written_as_an_envelope_shows_it() {
        let r = PersonRecord {
            address_line1: Some("12 rue des Lilas".into()),
            address_line2: Some("  ".into()),
            postcode: Some("12345".into()),
            town: Some("Valbourg".into()),
            ..PersonRecord::default()
        };
        assert_eq!(r.postal_lines(), ["12 rue des Lilas", "12345 Valbourg"]);
        let town_only = PersonRecord { town: Some("Valbourg".into()), ..PersonRecord::default() };
        assert_eq!(town_only.postal_lines(), ["Valbourg"]);
        assert!(PersonRecord::default().postal_lines().is_empty());
    }
}
