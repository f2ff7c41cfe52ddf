//! One import, from a table to its report: the mapping, the validation of every row, the
//! persons already registered that rows look like, and what would be written. Shared by the
//! web pages and `passerelle import persons`, which print the same report.

use domain::OrganisationId;
use domain::import::{
    self, ChoiceLabels, LineError, LineProblem, Mapping, MappingProblem, Plan, Skip, Table, Target,
};
use domain::lists::{ListName, Lists};
use domain::persons::{Field, french_date};
use store::{Db, StoreError};

use super::super::form;
use crate::i18n::{I18n, Locale, Tr};

/// The lists whose values a spreadsheet may give by their label.
const LABELLED_LISTS: [ListName; 6] = [
    ListName::Sex,
    ListName::HousingSituation,
    ListName::FamilySituation,
    ListName::Resources,
    ListName::ProtectionMeasure,
    ListName::Relationship,
];

/// The labels that stand for list codes, in French and English, the organisation's own
/// included: a spreadsheet says "Célibataire" or "Single", not `single`.
pub fn choice_labels(i18n: &I18n, lists: &Lists) -> ChoiceLabels {
    let mut labels = ChoiceLabels::default();
    for list in LABELLED_LISTS {
        for value in lists.values(list) {
            for own in [&value.label_fr, &value.label_en].into_iter().flatten() {
                labels.add(list, own, &value.code);
            }
            if list.defaults().contains(&value.code.as_str()) {
                for locale in [Locale::Fr, Locale::En] {
                    let key = format!("list-{}-{}", list.as_str(), value.code);
                    labels.add(list, &i18n.message(locale, &key, None), &value.code);
                }
            }
        }
    }
    labels
}

/// Header names besides the built-in synonyms: the form's labels in French and English, so a
/// file whose headers are Passerelle's own is understood.
pub fn header_labels(i18n: &I18n) -> Vec<(String, Target)> {
    let mut out = Vec::new();
    for target in Target::all() {
        for locale in [Locale::Fr, Locale::En] {
            out.push((i18n.message(locale, &target_key(target), None), target));
        }
    }
    out
}

fn target_key(target: Target) -> String {
    match target {
        Target::Person(f) => format!("person-field-{}", f.name()),
        Target::Household => "import-target-household".to_owned(),
        Target::Relationship => "import-target-relationship".to_owned(),
    }
}

/// A dry run: everything the report says, and the plan an import would write.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub headers: Vec<String>,
    /// The first value of each column, to help choose its target.
    pub examples: Vec<String>,
    pub mapping: Mapping,
    pub mapping_problems: Vec<MappingProblem>,
    pub errors: Vec<LineError>,
    /// Data rows that hold something.
    pub lines: usize,
    pub plan: Plan,
}

impl Analysis {
    /// Whether an import would refuse to write anything.
    pub fn blocked(&self) -> bool {
        !self.mapping_problems.is_empty() || !self.errors.is_empty()
    }

    pub fn error_lines(&self) -> usize {
        let mut lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines.len()
    }

    /// The mapping as `index:code` pairs, to tell whether the user changed it since the dry
    /// run they saw.
    pub fn mapping_signature(&self) -> String {
        signature(&self.mapping)
    }
}

pub fn signature(mapping: &Mapping) -> String {
    (0..mapping.width())
        .map(|c| format!("{c}:{}", mapping.target(c).map_or("", Target::code)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Validates every row and looks for persons already registered; writes nothing.
pub async fn analyse(
    db: &Db,
    organisation_id: OrganisationId,
    table: &Table,
    mapping: Mapping,
    lists: &Lists,
    labels: &ChoiceLabels,
    today: time::Date,
) -> Result<Analysis, StoreError> {
    let examples = (0..table.headers.len())
        .map(|c| {
            table
                .rows
                .iter()
                .filter_map(|r| r.cells.get(c))
                .map(|v| v.trim())
                .find(|v| !v.is_empty())
                .map(|v| v.chars().take(60).collect())
                .unwrap_or_default()
        })
        .collect();
    let mapping_problems = mapping.problems();
    let mut analysis = Analysis {
        headers: table.headers.clone(),
        examples,
        mapping_problems,
        mapping,
        errors: vec![],
        lines: table.rows.iter().filter(|r| r.cells.iter().any(|c| !c.trim().is_empty())).count(),
        plan: Plan::default(),
    };
    // A mapping that cannot be used would only refuse every row.
    if !analysis.mapping_problems.is_empty() {
        return Ok(analysis);
    }
    let prepared = import::prepare(table, &analysis.mapping, lists, labels, today);
    let existing = store::import::existing_duplicates(db, organisation_id, &prepared.rows).await?;
    analysis.plan = import::plan(&prepared.rows, &existing);
    analysis.errors = prepared.errors;
    analysis.lines = prepared.lines;
    Ok(analysis)
}

/// One column as the report shows it.
pub struct ColumnView {
    pub index: usize,
    pub header: String,
    pub example: String,
    /// The target's label, or `None` when the column is ignored.
    pub target: Option<String>,
    pub options: Vec<TargetOption>,
}

/// One choice of a column's select.
pub struct TargetOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct ErrorView {
    pub line: usize,
    pub field: String,
    /// The file's column the value came from.
    pub column: String,
    pub message: String,
}

pub struct SkipView {
    pub line: usize,
    pub message: String,
}

/// The report in the user's language, for the page and the command line alike.
pub struct ReportView {
    pub columns: Vec<ColumnView>,
    pub ignored: Vec<String>,
    pub mapping_problems: Vec<String>,
    pub errors: Vec<ErrorView>,
    pub skipped: Vec<SkipView>,
    pub lines: usize,
    pub error_lines: usize,
    pub persons: usize,
    pub households: usize,
    pub blocked: bool,
}

/// "A", "B", … "Z", "AA": how a spreadsheet names its columns.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// A column's name: its header, or its letter when the header is empty.
pub fn column_name(t: &Tr, headers: &[String], index: usize) -> String {
    match headers.get(index).map(|h| h.trim()).filter(|h| !h.is_empty()) {
        Some(h) => h.to_owned(),
        None => t.msg_args("import-column-untitled", &[("letter", &column_letter(index))]),
    }
}

pub fn target_label(t: &Tr, target: Target) -> String {
    match target {
        Target::Person(f) => form::label(t, f),
        _ => t.msg(&target_key(target)),
    }
}

fn line_problem(t: &Tr, lists: &Lists, problem: &LineProblem) -> String {
    match problem {
        LineProblem::Person(p) => form::problem_message(t, lists, p),
        LineProblem::NotYesNo => t.msg("import-error-yes-no"),
        LineProblem::RelationshipUnknown => t.msg("import-error-relationship-unknown"),
        LineProblem::RelationshipMissing => t.msg("import-error-relationship-missing"),
        LineProblem::SecondReference { first_line } => {
            t.msg_args("import-error-second-reference", &[("line", &first_line.to_string())])
        }
    }
}

fn skip_message(t: &Tr, skip: &Skip) -> String {
    match skip {
        Skip::Existing(e) => match e.birth_date {
            Some(d) => t.msg_args(
                "import-skip-existing-born",
                &[("name", &e.name), ("birth_date", &french_date(d))],
            ),
            None => t.msg_args("import-skip-existing", &[("name", &e.name)]),
        },
        Skip::EarlierLine { line, .. } => {
            t.msg_args("import-skip-earlier-line", &[("line", &line.to_string())])
        }
        Skip::Household { line } => {
            t.msg_args("import-skip-household", &[("line", &line.to_string())])
        }
    }
}

/// The report of an analysis in `t`'s language.
pub fn report(t: &Tr, lists: &Lists, a: &Analysis) -> ReportView {
    let name = |i: usize| column_name(t, &a.headers, i);
    let quoted = |i: usize| t.msg_args("import-quoted", &[("text", &name(i))]);
    let all_targets = Target::all();
    let columns = (0..a.headers.len())
        .map(|index| {
            let current = a.mapping.target(index);
            let mut options = vec![TargetOption {
                code: "",
                label: t.msg("import-target-ignore"),
                selected: current.is_none(),
            }];
            options.extend(all_targets.iter().map(|target| TargetOption {
                code: target.code(),
                label: target_label(t, *target),
                selected: current == Some(*target),
            }));
            ColumnView {
                index,
                header: name(index),
                example: a.examples.get(index).cloned().unwrap_or_default(),
                target: current.map(|target| target_label(t, target)),
                options,
            }
        })
        .collect();
    let mapping_problems = a
        .mapping_problems
        .iter()
        .map(|p| match p {
            MappingProblem::SameTarget { target, columns } => t.msg_args(
                "import-mapping-same-target",
                &[
                    ("target", &target_label(t, *target)),
                    ("columns", &columns.iter().map(|c| quoted(*c)).collect::<Vec<_>>().join(", ")),
                ],
            ),
            MappingProblem::NoName => t.msg_args(
                "import-mapping-no-name",
                &[
                    ("birth_name", &form::label(t, Field::BirthName)),
                    ("used_name", &form::label(t, Field::UsedName)),
                    ("first_names", &form::label(t, Field::FirstNames)),
                ],
            ),
            MappingProblem::RelationshipWithoutHousehold => {
                t.msg("import-mapping-relationship-without-household")
            }
        })
        .collect();
    ReportView {
        columns,
        ignored: a.mapping.ignored().into_iter().map(name).collect(),
        mapping_problems,
        errors: a
            .errors
            .iter()
            .map(|e| ErrorView {
                line: e.line,
                field: target_label(t, e.target),
                column: e.column.map(name).unwrap_or_default(),
                message: line_problem(t, lists, &e.problem),
            })
            .collect(),
        skipped: a
            .plan
            .skipped
            .iter()
            .map(|s| SkipView { line: s.line, message: skip_message(t, &s.reason) })
            .collect(),
        lines: a.lines,
        error_lines: a.error_lines(),
        persons: a.plan.persons.len(),
        households: a.plan.households.len(),
        blocked: a.blocked(),
    }
}

/// The report as plain text, as the command line prints it. `imported` after an import,
/// `false` for a dry run.
pub fn text(t: &Tr, file_name: &str, r: &ReportView, imported: bool) -> String {
    let mut out = vec![
        t.msg_args("import-text-file", &[("file", file_name)]),
        t.msg_count("import-lines-read", &(r.lines as i64)),
        String::new(),
        t.msg("import-columns-heading"),
    ];
    for c in &r.columns {
        let target = c.target.clone().unwrap_or_else(|| t.msg("import-target-ignored"));
        out.push(format!("  {} → {}", t.msg_args("import-quoted", &[("text", &c.header)]), target));
    }
    if !r.ignored.is_empty() {
        let names: Vec<String> =
            r.ignored.iter().map(|h| t.msg_args("import-quoted", &[("text", h)])).collect();
        out.push(t.msg_args("import-ignored-columns", &[("columns", &names.join(", "))]));
    }
    if !r.mapping_problems.is_empty() {
        out.push(String::new());
        out.push(t.msg("import-mapping-problems-heading"));
        out.extend(r.mapping_problems.iter().map(|p| format!("  {p}")));
    }
    if !r.errors.is_empty() {
        out.push(String::new());
        out.push(t.msg_count("import-error-lines", &(r.error_lines as i64)));
        for e in &r.errors {
            let column = if e.column.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.msg_args("import-text-column", &[("column", &e.column)]))
            };
            out.push(format!(
                "  {}",
                t.msg_args(
                    "import-text-error",
                    &[
                        ("line", &e.line.to_string()),
                        ("field", &format!("{}{column}", e.field)),
                        ("message", &e.message),
                    ],
                )
            ));
        }
    }
    if !r.skipped.is_empty() {
        out.push(String::new());
        out.push(t.msg_count("import-skipped-heading", &(r.skipped.len() as i64)));
        for s in &r.skipped {
            out.push(format!(
                "  {}",
                t.msg_args(
                    "import-text-skipped",
                    &[("line", &s.line.to_string()), ("message", &s.message)],
                )
            ));
        }
    }
    out.push(String::new());
    out.push(outcome(t, r, imported));
    out.join("\n") + "\n"
}

/// The report's last word: what was, or would be, written.
pub fn outcome(t: &Tr, r: &ReportView, imported: bool) -> String {
    if r.blocked {
        return t.msg("import-blocked");
    }
    let persons = t.msg_count("import-count-persons", &(r.persons as i64));
    let households = t.msg_count("import-count-households", &(r.households as i64));
    let key = if imported { "import-done" } else { "import-would" };
    t.msg_args(key, &[("persons", &persons), ("households", &households)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_in_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
