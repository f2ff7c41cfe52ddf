//! Import of persons and households from the spreadsheets organisations leave behind.
//!
//! The file is read elsewhere (the web layer turns CSV or XLSX bytes into a [`Table`]); here
//! are the rules: which column feeds which field ([`Mapping`], detected from header names in
//! French or English and overridable), how each row becomes a person form and a record
//! ([`prepare`], every refusal with its line as the spreadsheet shows it), how rows group into
//! households, and which rows are skipped as possible duplicates ([`plan`]). An import writes
//! all its rows or none: any line in error blocks it, and the report says so.

use std::collections::{BTreeMap, HashMap, HashSet};

use time::Date;

use crate::PersonId;
use crate::duplicates;
use crate::lists::{ListName, Lists};
use crate::persons::{self, Field, Kind, PersonForm, PersonRecord, Problem};
use crate::search;

mod words;
use words::{REFERENCE_WORDS, SEX_WORDS, SYNONYMS};

/// From this similarity score a row is taken for someone already registered (or for an
/// earlier row of the file) and skipped: a similar name with the same birth date scores 85,
/// the same benefit number with a similar name more.
pub const DUPLICATE_SCORE: u8 = 85;

/// The most data rows one file may hold (a larger one is split by the organisation).
pub const MAX_ROWS: usize = 10_000;

/// The most columns read from one file.
pub const MAX_COLUMNS: usize = 200;

/// The relationship code of a household's reference person.
pub const REFERENCE: &str = "self";

/// A spreadsheet as read: the header row and the data rows, each with its line number as the
/// spreadsheet shows it (the header is usually line 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map(|c| c.trim()).unwrap_or("")
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A field of the person's record.
    Person(Field),
    /// The household key: rows with the same key live together.
    Household,
    /// How the row's person is related to the household's reference person.
    Relationship,
}

impl Target {
    /// Every target, in the order a mapping select offers them.
    pub fn all() -> Vec<Target> {
        let mut all: Vec<Target> = Field::ALL.into_iter().map(Target::Person).collect();
        all.push(Target::Household);
        all.push(Target::Relationship);
        all
    }

    /// The stable name: a field's name, `household` or `relationship`.
    pub fn code(self) -> &'static str {
        match self {
            Target::Person(f) => f.name(),
            Target::Household => "household",
            Target::Relationship => "relationship",
        }
    }

    pub fn parse(code: &str) -> Option<Target> {
        Target::all().into_iter().find(|t| t.code() == code)
    }

    /// Whether several columns may feed it (a landline and a mobile both go to the phones).
    fn takes_several(self) -> bool {
        self == Target::Person(Field::Phones)
    }

    fn position(self) -> usize {
        Target::all().iter().position(|t| *t == self).unwrap_or(usize::MAX)
    }
}

/// A header or value as compared: lowercase, accents, punctuation and extra spaces gone
/// ("N° allocataire" → "n allocataire", "Né(e) le" → "ne e le").
pub fn normalise(text: &str) -> String {
    search::words(text).join(" ")
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingProblem {
    /// Several columns feed a target that takes one (their indexes).
    SameTarget { target: Target, columns: Vec<usize> },
    /// No column feeds a name: every row would be refused.
    NoName,
    /// A relationship column without a household column says nothing.
    RelationshipWithoutHousehold,
}

/// A `--map` that names no column of the file, or no target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideError {
    UnknownColumn(String),
    UnknownTarget(String),
    /// Not of the form `Column=field`.
    Malformed(String),
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverrideError::UnknownColumn(c) => write!(f, "the file has no column {c:?}"),
            OverrideError::UnknownTarget(t) => write!(
                f,
                "{t:?} is not a field: expected one of {}, or \"ignore\"",
                Target::all().iter().map(|t| t.code()).collect::<Vec<_>>().join(", ")
            ),
            OverrideError::Malformed(m) => {
                write!(f, "{m:?}: expected \"Column name=field\"")
            }
        }
    }
}

/// Which column feeds what; `None` for a column left out (reported as ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    columns: Vec<Option<Target>>,
}

impl Mapping {
    /// Recognises each header by its normalised name: a field's stable name, a French or
    /// English synonym, or one of `extra` (the form's labels, which the caller knows). When
    /// several columns claim the same target, the first wins and the others stay unmapped.
    pub fn detect(headers: &[String], extra: &[(String, Target)]) -> Mapping {
        let mut known: HashMap<String, Target> = HashMap::new();
        for (code, names) in SYNONYMS {
            let Some(target) = Target::parse(code) else { continue };
            for name in *names {
                known.entry((*name).to_owned()).or_insert(target);
            }
        }
        for target in Target::all() {
            known.entry(normalise(target.code())).or_insert(target);
        }
        for (label, target) in extra {
            known.entry(normalise(label)).or_insert(*target);
        }
        let mut taken = HashSet::new();
        let columns = headers
            .iter()
            .map(|h| {
                let target = *known.get(&normalise(h))?;
                (target.takes_several() || taken.insert(target)).then_some(target)
            })
            .collect();
        Mapping { columns }
    }

    /// A mapping of `width` columns from `(column index, target code)` pairs, as a form sends
    /// them; an empty or unknown code leaves the column out.
    pub fn from_codes<'a>(
        width: usize,
        pairs: impl IntoIterator<Item = (usize, &'a str)>,
    ) -> Mapping {
        let mut columns = vec![None; width];
        for (column, code) in pairs {
            if let Some(slot) = columns.get_mut(column) {
                *slot = Target::parse(code);
            }
        }
        Mapping { columns }
    }

    /// Applies `Column name=field` (the command line's `--map`): the column is named as in the
    /// file, or by its normalised form; `ignore` (or nothing) after `=` leaves it out.
    pub fn override_with(&mut self, headers: &[String], spec: &str) -> Result<(), OverrideError> {
        let Some((column, code)) = spec.rsplit_once('=') else {
            return Err(OverrideError::Malformed(spec.to_owned()));
        };
        let (column, code) = (column.trim(), code.trim());
        let index = headers
            .iter()
            .position(|h| h.trim() == column)
            .or_else(|| headers.iter().position(|h| normalise(h) == normalise(column)))
            .ok_or_else(|| OverrideError::UnknownColumn(column.to_owned()))?;
        let target = match code {
            "" | "ignore" | "-" => None,
            code => {
                Some(Target::parse(code).ok_or_else(|| OverrideError::UnknownTarget(code.into()))?)
            }
        };
        if let Some(slot) = self.columns.get_mut(index) {
            *slot = target;
        }
        Ok(())
    }

    pub fn target(&self, column: usize) -> Option<Target> {
        self.columns.get(column).copied().flatten()
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The columns that feed nothing.
    pub fn ignored(&self) -> Vec<usize> {
        (0..self.columns.len()).filter(|c| self.columns[*c].is_none()).collect()
    }

    /// The first column that feeds `target`.
    pub fn column_of(&self, target: Target) -> Option<usize> {
        self.columns.iter().position(|t| *t == Some(target))
    }

    /// What makes the mapping unusable; empty when it can be used.
    pub fn problems(&self) -> Vec<MappingProblem> {
        let mut out = Vec::new();
        let mut by_target: BTreeMap<Target, Vec<usize>> = BTreeMap::new();
        for (i, t) in self.columns.iter().enumerate() {
            if let Some(t) = t {
                by_target.entry(*t).or_default().push(i);
            }
        }
        for (target, columns) in &by_target {
            if columns.len() > 1 && !target.takes_several() {
                out.push(MappingProblem::SameTarget { target: *target, columns: columns.clone() });
            }
        }
        let names = [Field::BirthName, Field::UsedName, Field::FirstNames];
        if !names.iter().any(|f| by_target.contains_key(&Target::Person(*f))) {
            out.push(MappingProblem::NoName);
        }
        if by_target.contains_key(&Target::Relationship)
            && !by_target.contains_key(&Target::Household)
        {
            out.push(MappingProblem::RelationshipWithoutHousehold);
        }
        out
    }
}

/// Labels that stand for list codes in a spreadsheet ("Célibataire" → `single`), in any
/// language the caller knows, matched after [`normalise`].
#[derive(Debug, Clone, Default)]
pub struct ChoiceLabels {
    map: HashMap<(ListName, String), String>,
}

impl ChoiceLabels {
    pub fn add(&mut self, list: ListName, label: &str, code: &str) {
        let key = normalise(label);
        if !key.is_empty() {
            self.map.entry((list, key)).or_insert_with(|| code.to_owned());
        }
    }

    /// The code a cell stands for: a known label's code, the code itself (in any case, with
    /// spaces for underscores), or the cell as typed so that validation refuses it by name.
    pub fn resolve(&self, list: ListName, raw: &str) -> String {
        let raw = raw.trim();
        let key = normalise(raw);
        if key.is_empty() {
            return String::new();
        }
        if let Some(code) = self.map.get(&(list, key.clone())) {
            return code.clone();
        }
        let as_code = key.replace(' ', "_");
        if list.defaults().contains(&as_code.as_str()) {
            return as_code;
        }
        if list == ListName::Sex
            && let Some((_, code)) = SEX_WORDS.iter().find(|(w, _)| *w == key)
        {
            return (*code).to_owned();
        }
        if list == ListName::Relationship && REFERENCE_WORDS.contains(&key.as_str()) {
            return REFERENCE.to_owned();
        }
        // An organisation's own code, typed as it is.
        if crate::lists::valid_code(&as_code) && raw.eq_ignore_ascii_case(&as_code) {
            return as_code;
        }
        raw.to_owned()
    }
}

/// Why a line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// A value of the person's record refused (see [`Problem`]).
    Person(Problem),
    /// Not "yes" or "no" (oui/non, x, 1/0…).
    NotYesNo,
    /// Not a relationship the organisation's list offers.
    RelationshipUnknown,
    /// A member other than the reference person, without a relationship.
    RelationshipMissing,
    /// A second row says it is the household's reference person.
    SecondReference { first_line: usize },
}

/// One refusal: the line, what the value was for, and the column it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub target: Target,
    /// The column of the file, when one feeds the target.
    pub column: Option<usize>,
    pub problem: LineProblem,
}

/// A row that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub record: PersonRecord,
    /// The household key, if the row has one.
    pub household: Option<String>,
    /// The relationship to the household's reference person (a code, [`REFERENCE`] for them).
    pub relationship: Option<String>,
}

/// The rows of a table, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    pub rows: Vec<ImportRow>,
    /// Every refusal, by line, in form order within a line.
    pub errors: Vec<LineError>,
    /// Data rows that hold something (blank rows are passed over).
    pub lines: usize,
}

impl Prepared {
    /// The lines with at least one error, in order.
    pub fn error_lines(&self) -> Vec<usize> {
        let mut lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines
    }
}

/// Yes, no, or neither.
fn yes_no(raw: &str) -> Option<bool> {
    match normalise(raw).as_str() {
        "oui" | "o" | "yes" | "y" | "x" | "1" | "true" | "vrai" | "on" => Some(true),
        "" | "non" | "n" | "no" | "0" | "false" | "faux" | "off" => Some(false),
        _ => None,
    }
}

/// A date cell without the time some exports add ("12/03/1985 00:00:00", "1985-03-12T00:00").
fn date_part(raw: &str) -> &str {
    let raw = raw.trim();
    let cut = raw.find(' ').or_else(|| raw.find('T').filter(|i| *i == 10)).unwrap_or(raw.len());
    &raw[..cut]
}

/// "rsa 607,75; aah" or "RSA: 607.75 € | Allocation logement" → (label, amount) pairs. Items
/// are separated by `;`, `|`, line breaks, or a comma followed by a letter (a comma between
/// digits is a decimal one).
fn resource_items(raw: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = raw.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let comma_break = *c == ','
            && chars[i + 1..]
                .iter()
                .find(|n| !n.is_whitespace())
                .is_some_and(|n| n.is_alphabetic());
        if matches!(c, ';' | '|' | '\n' | '\r') || comma_break {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(*c);
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .map(|item| {
            // The amount starts at the first digit, after a space, ':' or '=', from which the
            // rest reads as a sum.
            let split = item.char_indices().find(|(i, c)| {
                c.is_ascii_digit()
                    && item[..*i].ends_with([' ', ':', '=', '\u{a0}'])
                    && persons::parse_amount(&item[*i..]).is_ok()
            });
            match split {
                Some((i, _)) => (
                    item[..i].trim_end_matches([' ', ':', '=', '\u{a0}']).to_owned(),
                    item[i..].trim().to_owned(),
                ),
                None => (item, String::new()),
            }
        })
        .collect()
}

/// Turns every row into a person form, validates it as the person form is validated, and
/// checks the household columns. Rows with nothing in them are passed over.
pub fn prepare(
    table: &Table,
    mapping: &Mapping,
    lists: &Lists,
    labels: &ChoiceLabels,
    today: Date,
) -> Prepared {
    let mut out = Prepared::default();
    // (household key, line, relationship as resolved) of every non-blank row, for the second
    // pass over households.
    let mut members: Vec<(String, usize, Option<String>)> = Vec::new();
    for row in table.rows.iter().filter(|r| !r.is_blank()) {
        out.lines += 1;
        let mut form = PersonForm::default();
        let mut phones: Vec<&str> = Vec::new();
        let mut errors: Vec<LineError> = Vec::new();
        let mut household = None;
        let mut relationship = None;
        for column in 0..mapping.width() {
            let Some(target) = mapping.target(column) else { continue };
            let cell = row.cell(column);
            let error =
                |problem| LineError { line: row.line, target, column: Some(column), problem };
            match target {
                Target::Household => household = Some(cell.to_owned()).filter(|k| !k.is_empty()),
                Target::Relationship => {
                    relationship = Some(labels.resolve(ListName::Relationship, cell))
                        .filter(|r| !r.is_empty());
                    if let Some(r) = &relationship
                        && r != REFERENCE
                        && !lists.accepts(ListName::Relationship, r, None)
                    {
                        errors.push(error(LineProblem::RelationshipUnknown));
                    }
                }
                Target::Person(field) => match field.kind() {
                    Kind::Choice(list) => form.set(field, labels.resolve(list, cell)),
                    Kind::Flag => match yes_no(cell) {
                        Some(yes) => form.set(field, if yes { "on" } else { "" }),
                        None => errors.push(error(LineProblem::NotYesNo)),
                    },
                    Kind::Date => form.set(field, date_part(cell)),
                    Kind::Phones => phones.push(cell),
                    Kind::Resources => {
                        for (label, amount) in resource_items(cell) {
                            let code = labels.resolve(ListName::Resources, &label);
                            form.resources.insert(code, amount);
                        }
                    }
                    _ => form.set(field, cell),
                },
            }
        }
        if !phones.is_empty() {
            let joined: Vec<&str> = phones.into_iter().filter(|p| !p.is_empty()).collect();
            form.set(Field::Phones, joined.join("\n"));
        }
        let record = match PersonRecord::parse(&form, lists, today, None) {
            Ok(record) => Some(record),
            Err(problems) => {
                errors.extend(problems.into_iter().map(|(field, problem)| LineError {
                    line: row.line,
                    target: Target::Person(field),
                    column: mapping.column_of(Target::Person(field)),
                    problem: LineProblem::Person(problem),
                }));
                None
            }
        };
        if let Some(key) = &household {
            members.push((key.clone(), row.line, relationship.clone()));
        }
        if errors.is_empty()
            && let Some(record) = record
        {
            out.rows.push(ImportRow { line: row.line, record, household, relationship });
        }
        out.errors.extend(errors);
    }
    // Households: one reference person each (the row that says so, else the first), and a
    // relationship for everyone else.
    let mut groups: BTreeMap<&str, Vec<(usize, Option<&str>)>> = BTreeMap::new();
    for (key, line, rel) in &members {
        groups.entry(key).or_default().push((*line, rel.as_deref()));
    }
    let rel_column = mapping.column_of(Target::Relationship);
    for rows in groups.values() {
        let explicit: Vec<usize> =
            rows.iter().filter(|(_, r)| *r == Some(REFERENCE)).map(|(l, _)| *l).collect();
        let reference = explicit.first().copied().unwrap_or(rows[0].0);
        for (line, rel) in rows {
            let problem = if *line == reference {
                None
            } else if *rel == Some(REFERENCE) {
                Some(LineProblem::SecondReference { first_line: reference })
            } else if rel.is_none() {
                Some(LineProblem::RelationshipMissing)
            } else {
                None
            };
            if let Some(problem) = problem {
                out.errors.push(LineError {
                    line: *line,
                    target: Target::Relationship,
                    column: rel_column,
                    problem,
                });
                out.rows.retain(|r| r.line != *line);
            }
        }
        // The implicit reference person's relationship cell, if any, is theirs no longer.
        for r in out.rows.iter_mut().filter(|r| r.line == reference) {
            r.relationship = Some(REFERENCE.to_owned());
        }
    }
    out.errors.sort_by_key(|e| (e.line, e.target.position()));
    out
}

/// A person already registered that a row looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub person: PersonId,
    /// "Martin Sophie", as lists show it.
    pub name: String,
    pub birth_date: Option<Date>,
    pub score: u8,
}

/// Why a valid row is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Looks like someone already registered.
    Existing(Existing),
    /// Looks like an earlier row of the same file.
    EarlierLine { line: usize, score: u8 },
    /// Another row of its household is a possible duplicate: a household is imported whole
    /// or not at all.
    Household { line: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub reason: Skip,
}

/// A person to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPerson {
    pub line: usize,
    pub record: PersonRecord,
}

/// Members of a household other than the reference person: (person index, relationship).
type Members = Vec<(usize, String)>;

/// A household to create: indexes into [`Plan::persons`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedHousehold {
    pub reference: usize,
    /// Every other member with their relationship code.
    pub members: Members,
}

/// What an import writes, and what it skips.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub persons: Vec<PlannedPerson>,
    pub households: Vec<PlannedHousehold>,
    pub skipped: Vec<Skipped>,
}

/// The keys two records must share to score [`DUPLICATE_SCORE`] or more: every combination of
/// signals that reaches it includes the same birth date, phone, number or email.
fn blocking_keys(rec: &PersonRecord) -> Vec<String> {
    let mut keys: Vec<String> = duplicates::terms_of(rec)
        .into_iter()
        .filter(|t| {
            t.kind == search::KIND_WORD && (t.text.starts_with("t:") || t.text.starts_with("n:"))
        })
        .map(|t| t.text)
        .collect();
    if let Some(d) = rec.birth_date {
        keys.push(format!("d:{}", persons::iso_date(d)));
    }
    if let Some(e) = &rec.email {
        keys.push(format!("e:{}", e.to_lowercase()));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Decides what is written: a row like an existing person (`existing[i]` for `rows[i]`, found
/// by the store) or like an earlier row is skipped, and with it the rest of its household.
pub fn plan(rows: &[ImportRow], existing: &[Option<Existing>]) -> Plan {
    let mut skip: Vec<Option<Skip>> = vec![None; rows.len()];
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let keys = blocking_keys(&row.record);
        let mut candidates: Vec<usize> =
            keys.iter().filter_map(|k| seen.get(k)).flatten().copied().collect();
        candidates.sort();
        candidates.dedup();
        let earlier = candidates
            .into_iter()
            .map(|j| (j, duplicates::similarity(&row.record, &rows[j].record).score))
            .filter(|(_, score)| *score >= DUPLICATE_SCORE)
            .max_by_key(|(j, score)| (*score, std::cmp::Reverse(*j)));
        if let Some(Some(e)) = existing.get(i) {
            skip[i] = Some(Skip::Existing(e.clone()));
        } else if let Some((j, score)) = earlier {
            skip[i] = Some(Skip::EarlierLine { line: rows[j].line, score });
        }
        for k in keys {
            seen.entry(k).or_default().push(i);
        }
    }
    // A household with a skipped member is skipped whole.
    let mut first_skipped: HashMap<&str, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let (Some(key), Some(_)) = (&row.household, &skip[i]) {
            first_skipped.entry(key.as_str()).or_insert(row.line);
        }
    }
    for (i, row) in rows.iter().enumerate() {
        if skip[i].is_none()
            && let Some(line) = row.household.as_deref().and_then(|k| first_skipped.get(k))
        {
            skip[i] = Some(Skip::Household { line: *line });
        }
    }
    let mut plan = Plan::default();
    // Key → (reference person, other members), in the order keys first appear.
    let mut households: HashMap<&str, (Option<usize>, Members)> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(reason) = skip[i].take() {
            plan.skipped.push(Skipped { line: row.line, reason });
            continue;
        }
        let index = plan.persons.len();
        plan.persons.push(PlannedPerson { line: row.line, record: row.record.clone() });
        if let Some(key) = &row.household {
            let entry = households.entry(key.as_str()).or_insert_with(|| {
                order.push(key.as_str());
                (None, Vec::new())
            });
            match row.relationship.as_deref() {
                Some(REFERENCE) | None => entry.0 = Some(index),
                Some(rel) => entry.1.push((index, rel.to_owned())),
            }
        }
    }
    for key in order {
        if let Some((Some(reference), members)) = households.remove(key) {
            plan.households.push(PlannedHousehold { reference, members });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    line: i + 2,
                    cells: cells.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        }
    }

    fn labels() -> ChoiceLabels {
        let mut l = ChoiceLabels::default();
        l.add(ListName::Relationship, "Enfant mineur", "minor_child");
        l.add(ListName::Relationship, "Conjoint(e) / partenaire", "spouse_partner");
        l.add(ListName::FamilySituation, "Célibataire", "single");
        l.add(ListName::Resources, "Allocation logement", "housing_benefit");
        l
    }

    fn prepared(t: &Table) -> Prepared {
        let mapping = Mapping::detect(&t.headers, &[]);
        prepare(t, &mapping, &Lists::default(), &labels(), TODAY)
    }

    fn targets(headers: &[&str]) -> Vec<Option<&'static str>> {
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        let m = Mapping::detect(&headers, &[]);
        (0..headers.len()).map(|c| m.target(c).map(Target::code)).collect()
    }

    #[test]
    fn headers_are_recognised_in_french_and_english_whatever_their_case_accents_or_punctuation() {
        assert_eq!(
            targets(&[
                "NOM",
                "Prénom(s)",
                "Né(e) le",
                "Tél. portable",
                "Courriel",
                "Code postal",
                "Commune",
                "N° allocataire",
                "Pôle emploi",
                "Situation familiale",
                "Foyer",
                "Lien",
            ]),
            vec![
                Some("birth_name"),
                Some("first_names"),
                Some("birth_date"),
                Some("phones"),
                Some("email"),
                Some("postcode"),
                Some("town"),
                Some("benefit_office_number"),
                Some("employment_service_id"),
                Some("family_situation"),
                Some("household"),
                Some("relationship"),
            ]
        );
        assert_eq!(
            targets(&["Last name", "First name", "Birth date", "E-mail", "City", "Household"]),
            vec![
                Some("birth_name"),
                Some("first_names"),
                Some("birth_date"),
                Some("email"),
                Some("town"),
                Some("household"),
            ]
        );
        assert_eq!(
            targets(&["nom d'usage", "birth_name", "CP"]),
            [Some("used_name"), Some("birth_name"), Some("postcode")]
        );
    }

    #[test]
    fn unknown_and_repeated_headers_are_left_out_except_for_phones() {
        let t = targets(&["Nom", "Nom de naissance", "Remarques", "Téléphone fixe", "Portable"]);
        assert_eq!(t, vec![Some("birth_name"), None, None, Some("phones"), Some("phones")]);
        let headers: Vec<String> = ["Nom", "Remarques"].iter().map(|h| (*h).to_owned()).collect();
        assert_eq!(Mapping::detect(&headers, &[]).ignored(), vec![1]);
        let extra = vec![("Remarques".to_owned(), Target::Person(Field::OwnWords))];
        assert_eq!(Mapping::detect(&headers, &extra).ignored(), Vec::<usize>::new());
    }

    #[test]
    fn a_mapping_is_overridden_by_column_name_and_checked() {
        let headers: Vec<String> =
            ["Nom", "Col B", "Col C", "Lien"].iter().map(|h| (*h).to_owned()).collect();
        let mut m = Mapping::detect(&headers, &[]);
        assert!(m.problems().contains(&MappingProblem::RelationshipWithoutHousehold));
        m.override_with(&headers, "col b = household").unwrap();
        m.override_with(&headers, "Col C=birth_name").unwrap();
        assert_eq!(m.target(1), Some(Target::Household));
        assert_eq!(
            m.problems(),
            vec![MappingProblem::SameTarget {
                target: Target::Person(Field::BirthName),
                columns: vec![0, 2]
            }]
        );
        m.override_with(&headers, "Nom=ignore").unwrap();
        assert_eq!(m.problems(), vec![]);
        m.override_with(&headers, "Col C=").unwrap();
        assert_eq!(m.problems(), vec![MappingProblem::NoName]);
        assert_eq!(
            m.override_with(&headers, "Col Z=town"),
            Err(OverrideError::UnknownColumn("Col Z".into()))
        );
        assert_eq!(
            m.override_with(&headers, "Nom=surname"),
            Err(OverrideError::UnknownTarget("surname".into()))
        );
        assert!(matches!(m.override_with(&headers, "Nom"), Err(OverrideError::Malformed(_))));
        let from_form = Mapping::from_codes(4, [(0, "birth_name"), (2, "nonsense"), (9, "town")]);
        assert_eq!(from_form.target(0), Some(Target::Person(Field::BirthName)));
        assert_eq!(from_form.ignored(), vec![1, 2, 3]);
    }

    #[test]
    fn each_bad_value_is_reported_with_its_line_and_field_and_nothing_of_the_line_is_kept() {
        let t = table(
            &["Nom", "Prénom", "Date de naissance", "Téléphone", "Courriel", "Interprète"],
            &[
                &["Martin", "Sophie", "12/03/1985", "06 12 34 56 78", "", "oui"],
                &["Durand", "Paul", "01/01/2030", "", "", ""],
                &["", "", "", "", "", ""],
                &["Petit", "Luc", "31/02/1990", "appelle-moi", "luc@", "peut-être"],
            ],
        );
        let p = prepared(&t);
        assert_eq!(p.lines, 3, "the blank row is passed over");
        assert_eq!(p.rows.len(), 1);
        assert!(p.rows[0].record.interpreter_needed);
        assert_eq!(p.error_lines(), vec![3, 5]);
        let at = |line| -> Vec<(&str, LineProblem)> {
            p.errors
                .iter()
                .filter(|e| e.line == line)
                .map(|e| (e.target.code(), e.problem.clone()))
                .collect()
        };
        assert_eq!(at(3), vec![("birth_date", LineProblem::Person(Problem::DateInFuture))]);
        assert_eq!(
            at(5),
            vec![
                ("birth_date", LineProblem::Person(Problem::DateInvalid)),
                ("interpreter_needed", LineProblem::NotYesNo),
                ("phones", LineProblem::Person(Problem::PhoneInvalid { line: 1 })),
                ("email", LineProblem::Person(Problem::EmailInvalid)),
            ]
        );
        assert_eq!(p.errors[0].column, Some(2), "the column the value came from");
    }

    #[test]
    fn labels_dates_with_times_resources_and_several_phone_columns_become_the_record() {
        let t = table(
            &["Nom", "Sexe", "Naissance", "Fixe", "Portable", "Situation familiale", "Ressources"],
            &[&[
                "Haddad",
                "F",
                "1985-03-12 00:00:00",
                "01 23 45 67 89",
                "612345678",
                "célibataire",
                "RSA 607,75; Allocation logement: 250, aah",
            ]],
        );
        let p = prepared(&t);
        assert_eq!(p.errors, vec![]);
        let rec = &p.rows[0].record;
        assert_eq!(rec.sex.as_deref(), Some("female"));
        assert_eq!(rec.birth_date, Some(date!(1985 - 03 - 12)));
        assert_eq!(rec.phones, vec!["01 23 45 67 89", "612345678"], "kept as typed");
        assert_eq!(rec.family_situation.as_deref(), Some("single"));
        let resources: Vec<(&str, Option<i64>)> =
            rec.resources.iter().map(|r| (r.code.as_str(), r.amount_cents)).collect();
        assert_eq!(
            resources,
            vec![("aah", None), ("housing_benefit", Some(25_000)), ("rsa", Some(60_775))]
        );
    }

    #[test]
    fn an_unknown_list_value_is_refused_by_name() {
        let t = table(&["Nom", "Logement"], &[&["Martin", "château"]]);
        let p = prepared(&t);
        assert_eq!(p.errors[0].problem, LineProblem::Person(Problem::UnknownValue));
        assert_eq!(p.errors[0].target, Target::Person(Field::HousingSituation));
    }

    #[test]
    fn households_take_the_first_row_or_the_one_marked_as_reference() {
        let t = table(
            &["Foyer", "Nom", "Prénom", "Lien"],
            &[
                &["F1", "Haddad", "Nadia", ""],
                &["F1", "Haddad", "Inès", "Enfant mineur"],
                &["F2", "Martin", "Paul", "conjoint(e) / partenaire"],
                &["F2", "Martin", "Sophie", "Demandeur"],
                &["", "Seul", "Jean", ""],
                &["F3", "Petit", "Luc", ""],
            ],
        );
        let p = prepared(&t);
        assert_eq!(p.errors, vec![]);
        let plan = plan(&p.rows, &vec![None; p.rows.len()]);
        assert_eq!(plan.persons.len(), 6);
        assert_eq!(
            plan.households,
            vec![
                PlannedHousehold { reference: 0, members: vec![(1, "minor_child".into())] },
                PlannedHousehold { reference: 3, members: vec![(2, "spouse_partner".into())] },
                PlannedHousehold { reference: 5, members: vec![] },
            ]
        );
    }

    #[test]
    fn household_rows_need_one_reference_and_a_known_relationship_for_the_others() {
        let t = table(
            &["Foyer", "Nom", "Lien"],
            &[
                &["F1", "Haddad", ""],
                &["F1", "Haddad", ""],
                &["F1", "Haddad", "cousin germain"],
                &["F2", "Martin", "self"],
                &["F2", "Martin", "référent"],
            ],
        );
        let p = prepared(&t);
        let problems: Vec<(usize, LineProblem)> =
            p.errors.iter().map(|e| (e.line, e.problem.clone())).collect();
        assert_eq!(
            problems,
            vec![
                (3, LineProblem::RelationshipMissing),
                (4, LineProblem::RelationshipUnknown),
                (6, LineProblem::SecondReference { first_line: 5 }),
            ]
        );
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 5]);
    }

    fn row(line: usize, name: &str, first: &str, birth: Date, key: Option<&str>) -> ImportRow {
        ImportRow {
            line,
            record: PersonRecord {
                birth_name: Some(name.into()),
                first_names: Some(first.into()),
                birth_date: Some(birth),
                ..Default::default()
            },
            household: key.map(str::to_owned),
            relationship: key
                .map(|_| if line == 2 { REFERENCE.into() } else { "minor_child".into() }),
        }
    }

    #[test]
    fn duplicates_of_existing_persons_or_earlier_rows_are_skipped_with_their_household() {
        let rows = vec![
            row(2, "Haddad", "Nadia", date!(1985 - 01 - 01), Some("F1")),
            row(3, "Haddad", "Inès", date!(2015 - 05 - 02), Some("F1")),
            row(4, "Martin", "Sophie", date!(1988 - 02 - 29), None),
            row(5, "Martín", "Sophie", date!(1988 - 02 - 29), None),
            row(6, "Petit", "Luc", date!(1990 - 10 - 10), None),
        ];
        let known = Existing {
            person: PersonId::new(),
            name: "Haddad Inès".into(),
            birth_date: Some(date!(2015 - 05 - 02)),
            score: 85,
        };
        let existing = vec![None, Some(known.clone()), None, None, None];
        let plan = plan(&rows, &existing);
        assert_eq!(
            plan.skipped,
            vec![
                Skipped { line: 2, reason: Skip::Household { line: 3 } },
                Skipped { line: 3, reason: Skip::Existing(known) },
                Skipped { line: 5, reason: Skip::EarlierLine { line: 4, score: 85 } },
            ]
        );
        assert_eq!(plan.persons.iter().map(|p| p.line).collect::<Vec<_>>(), vec![4, 6]);
        assert!(plan.households.is_empty());
    }

    #[test]
    fn rows_alike_only_in_name_are_not_duplicates() {
        let rows = vec![
            row(2, "Martin", "Sophie", date!(1988 - 02 - 29), None),
            row(3, "Martin", "Sophie", date!(1990 - 10 - 10), None),
        ];
        assert!(plan(&rows, &[None, None]).skipped.is_empty());
    }

    #[test]
    fn resource_cells_split_on_separators_but_not_on_decimal_commas() {
        assert_eq!(
            resource_items("rsa 607,75, aah; APL=250 €"),
            vec![
                ("rsa".to_owned(), "607,75".to_owned()),
                ("aah".to_owned(), String::new()),
                ("APL".to_owned(), "250 €".to_owned()),
            ]
        );
        assert_eq!(resource_items(""), vec![]);
    }

    #[test]
    fn yes_and_no_are_read_in_french_and_english() {
        for yes in ["Oui", "x", "1", "YES", "vrai"] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in ["", "non", "0", "No", "faux"] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        assert_eq!(yes_no("parfois"), None);
        assert_eq!(date_part("1985-03-12T00:00:00"), "1985-03-12");
        assert_eq!(date_part(" 12/03/1985 "), "12/03/1985");
    }

    #[test]
    fn every_target_code_parses_back_and_has_synonyms_that_are_normalised() {
        for t in Target::all() {
            assert_eq!(Target::parse(t.code()), Some(t));
        }
        for (code, names) in SYNONYMS {
            assert!(Target::parse(code).is_some(), "{code}");
            for n in *names {
                assert_eq!(normalise(n), *n, "synonym {n:?} of {code} is not normalised");
            }
        }
        for w in REFERENCE_WORDS.iter().chain(SEX_WORDS.iter().map(|(w, _)| w)) {
            assert_eq!(normalise(w), *w);
        }
    }
}
