//! The statutory tables a CCAS or a département reports (issue 11 point 4, ADR 0038): counts of
//! the persons followed in a period by age band, household type, resources, housing situation,
//! origin of the request… each from a **definition** the organisation edits without code: a
//! title, a dimension, and rows that group codes of the value lists (DOMAIN.md §2) under the
//! funder's labels, or the band edges of an age table.
//!
//! Every table has two more rows so that its rows add up to its total: "other" (a code no row
//! names, an organisation's own value for instance) and "not recorded" (no value). Resources are
//! the exception: a person with several counts once in each row they fall in, so the rows may
//! add up to more than the persons (the page says so).

use time::{Date, Month};

use crate::lists::ListName;

/// What a table breaks the persons followed down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Age at the period's last day, in bands whose lower edges the organisation sets.
    AgeBand,
    /// The household type, read from the person's family situation (§2.2), which records
    /// couple and children together as the funders' household types do.
    HouseholdType,
    /// Resources and benefits (§2.3): several a person.
    Resources,
    /// Housing situation (§2.1).
    Housing,
    /// Who sent the person (§2.8): the origin of the request, which is a case's, so this
    /// table counts the cases followed rather than the persons.
    OrientationSource,
    /// Sex (§2 "sex").
    Sex,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::AgeBand,
        Dimension::HouseholdType,
        Dimension::Resources,
        Dimension::Housing,
        Dimension::OrientationSource,
        Dimension::Sex,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age_band",
            Dimension::HouseholdType => "household_type",
            Dimension::Resources => "resources",
            Dimension::Housing => "housing",
            Dimension::OrientationSource => "orientation_source",
            Dimension::Sex => "sex",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The value list whose codes the rows group; none for age bands.
    pub fn list(self) -> Option<ListName> {
        match self {
            Dimension::AgeBand => None,
            Dimension::HouseholdType => Some(ListName::FamilySituation),
            Dimension::Resources => Some(ListName::Resources),
            Dimension::Housing => Some(ListName::HousingSituation),
            Dimension::OrientationSource => Some(ListName::OrientationSource),
            Dimension::Sex => Some(ListName::Sex),
        }
    }

    /// Whether the table counts cases (the requests) rather than persons.
    pub fn counts_cases(self) -> bool {
        self == Dimension::OrientationSource
    }

    /// Whether a person may count in several rows (then the rows do not add up to the total).
    pub fn several_a_person(self) -> bool {
        self == Dimension::Resources
    }
}

/// A row of a table: the funder's label for a group of codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDef {
    pub label_fr: String,
    pub label_en: String,
    pub codes: Vec<String>,
}

/// A table's definition, as the organisation keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub title_fr: String,
    pub title_en: String,
    pub dimension: Dimension,
    /// Lower edges of the age bands after the first (which starts at 0), increasing: `[18, 25,
    /// 60]` gives 0–17, 18–24, 25–59, 60 and over. Empty for other dimensions.
    pub bands: Vec<u32>,
    /// Rows grouping codes; empty for age bands.
    pub rows: Vec<RowDef>,
}

/// Where a person (or a code) falls in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The `n`th defined row.
    Defined(usize),
    /// An age band, from `from` years to `to` years included (`None`: and over).
    Band { from: u32, to: Option<u32> },
    /// A code no row names.
    Other,
    /// No value recorded (no birth date, no resource…).
    NotRecorded,
}

impl TableDef {
    /// The rows shown, in order: the defined rows or the bands, then "other" (not for age
    /// bands, where every age has a band), then "not recorded".
    pub fn row_kinds(&self) -> Vec<RowKind> {
        let mut kinds: Vec<RowKind> = match self.dimension {
            Dimension::AgeBand => {
                let mut from = 0;
                let mut v = Vec::new();
                for &edge in &self.bands {
                    v.push(RowKind::Band { from, to: Some(edge - 1) });
                    from = edge;
                }
                v.push(RowKind::Band { from, to: None });
                v
            }
            _ => (0..self.rows.len()).map(RowKind::Defined).collect(),
        };
        if self.dimension != Dimension::AgeBand {
            kinds.push(RowKind::Other);
        }
        kinds.push(RowKind::NotRecorded);
        kinds
    }

    /// The row a code falls in (an empty code: not recorded).
    pub fn row_of(&self, code: &str) -> RowKind {
        if code.is_empty() {
            return RowKind::NotRecorded;
        }
        self.rows
            .iter()
            .position(|r| r.codes.iter().any(|c| c == code))
            .map_or(RowKind::Other, RowKind::Defined)
    }

    pub fn title(&self, lang: &str) -> &str {
        if lang == "en" { &self.title_en } else { &self.title_fr }
    }

    /// A row's label in `lang` ("en", else French): the organisation's for a defined row.
    pub fn row_label(&self, kind: RowKind, lang: &str) -> String {
        let en = lang == "en";
        match kind {
            RowKind::Defined(i) => self.rows.get(i).map_or_else(String::new, |r| {
                if en { r.label_en.clone() } else { r.label_fr.clone() }
            }),
            RowKind::Band { from, to: Some(to) } if en => format!("{from} to {to} years"),
            RowKind::Band { from, to: Some(to) } => format!("{from} à {to} ans"),
            RowKind::Band { from, to: None } if en => format!("{from} years and over"),
            RowKind::Band { from, to: None } => format!("{from} ans et plus"),
            RowKind::Other if en => "Other".to_owned(),
            RowKind::Other => "Autre".to_owned(),
            RowKind::NotRecorded if en => "Not recorded".to_owned(),
            RowKind::NotRecorded => "Non renseigné".to_owned(),
        }
    }
}

/// The latest birth date of a person who is at least `years` old on `day`: born on that day
/// `years` years earlier (a birthday on the period's last day counts). A person born on 29
/// February is a year older on 1 March of a year that has no 29 February.
pub fn born_by(day: Date, years: u32) -> Date {
    let year = day.year() - years as i32;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(Date::MIN)
}

fn row(fr: &str, en: &str, codes: &[&str]) -> RowDef {
    RowDef {
        label_fr: fr.to_owned(),
        label_en: en.to_owned(),
        codes: codes.iter().map(|c| (*c).to_owned()).collect(),
    }
}

/// The tables every organisation starts with: what a CCAS's activity report usually gives
/// (the analyse des besoins sociaux and the département's returns), by stable key.
pub fn defaults() -> Vec<(&'static str, TableDef)> {
    vec![
        (
            "age",
            TableDef {
                title_fr: "Personnes suivies par tranche d'âge".into(),
                title_en: "Persons followed by age band".into(),
                dimension: Dimension::AgeBand,
                bands: vec![18, 25, 60],
                rows: vec![],
            },
        ),
        (
            "household",
            TableDef {
                title_fr: "Personnes suivies par type de ménage".into(),
                title_en: "Persons followed by household type".into(),
                dimension: Dimension::HouseholdType,
                bands: vec![],
                rows: vec![
                    row(
                        "Personne seule",
                        "Single person",
                        &["single", "separated", "divorced", "widowed"],
                    ),
                    row(
                        "Couple sans enfant",
                        "Couple without children",
                        &["married", "civil_partnership", "cohabiting"],
                    ),
                    row("Couple avec enfant(s)", "Couple with children", &["couple_with_children"]),
                    row("Famille monoparentale", "Single-parent family", &["single_parent"]),
                ],
            },
        ),
        (
            "resources",
            TableDef {
                title_fr: "Personnes suivies par ressources".into(),
                title_en: "Persons followed by resources".into(),
                dimension: Dimension::Resources,
                bands: vec![],
                rows: vec![
                    row("Revenus d'activité", "Earnings", &["salary", "self_employment"]),
                    row(
                        "Allocations chômage",
                        "Unemployment benefits",
                        &["unemployment_benefit", "ass"],
                    ),
                    row("RSA", "Minimum income (RSA)", &["rsa"]),
                    row("Prime d'activité", "In-work benefit", &["activity_bonus"]),
                    row(
                        "Prestations familiales et logement",
                        "Family and housing benefits",
                        &["family_benefits", "housing_benefit"],
                    ),
                    row(
                        "AAH, invalidité, indemnités journalières",
                        "Disability and sickness benefits",
                        &["aah", "invalidity_pension", "daily_allowance"],
                    ),
                    row("Retraite, ASPA", "Pensions", &["retirement_pension", "aspa"]),
                    row(
                        "Autres ressources",
                        "Other resources",
                        &[
                            "maintenance_received",
                            "youth_allowance",
                            "asylum_allowance",
                            "student_grant",
                        ],
                    ),
                    row("Aucune ressource", "No income", &["no_income"]),
                ],
            },
        ),
        (
            "housing",
            TableDef {
                title_fr: "Personnes suivies par situation de logement".into(),
                title_en: "Persons followed by housing situation".into(),
                dimension: Dimension::Housing,
                bands: vec![],
                rows: vec![
                    row("Propriétaire", "Owner-occupier", &["owner"]),
                    row("Locataire du parc social", "Social-housing tenant", &["social_tenant"]),
                    row("Locataire du parc privé", "Private tenant", &["private_tenant"]),
                    row(
                        "Hébergé(e) chez un tiers ou la famille",
                        "Staying with others or family",
                        &["hosted_by_third_party", "with_parents"],
                    ),
                    row(
                        "Hébergement institutionnel",
                        "Institutional accommodation",
                        &[
                            "emergency_shelter",
                            "hotel",
                            "supported_housing",
                            "care_home",
                            "hospital_or_prison",
                        ],
                    ),
                    row(
                        "Sans logement ou logement précaire",
                        "Homeless or precarious housing",
                        &["no_accommodation", "makeshift", "substandard", "mobile_home"],
                    ),
                ],
            },
        ),
        (
            "origin",
            TableDef {
                title_fr: "Accompagnements suivis par origine de la demande".into(),
                title_en: "Cases followed by origin of the request".into(),
                dimension: Dimension::OrientationSource,
                bands: vec![],
                rows: vec![
                    row("Démarche personnelle", "Self-referral", &["self_referral"]),
                    row(
                        "Services sociaux et département",
                        "Social services and département",
                        &["departement", "caf_msa", "official_office", "elected_official"],
                    ),
                    row(
                        "Emploi et insertion",
                        "Employment services",
                        &["france_travail", "mission_locale"],
                    ),
                    row(
                        "Santé, logement, école, justice",
                        "Health, housing, school, justice",
                        &["health_service", "social_landlord", "school", "justice", "siao_115"],
                    ),
                    row(
                        "Associations et tiers",
                        "Associations and third parties",
                        &["association", "third_party_report", "other"],
                    ),
                ],
            },
        ),
    ]
}

/// What is wrong with a definition as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefProblem {
    TitleFrRequired,
    TitleEnRequired,
    TitleTooLong {
        max: usize,
    },
    DimensionUnknown,
    /// The band edges are not whole numbers of years, from 1 to 120, increasing.
    BandsInvalid,
    TooManyBands {
        max: usize,
    },
    /// A row line is not `label fr | label en | codes`.
    RowMalformed {
        line: usize,
    },
    RowLabelTooLong {
        line: usize,
        max: usize,
    },
    /// A code that is not in the dimension's list.
    CodeUnknown {
        line: usize,
        code: String,
    },
    /// A code already grouped by an earlier row.
    CodeTwice {
        line: usize,
        code: String,
    },
    RowsRequired,
    TooManyRows {
        max: usize,
    },
}

pub const TITLE_MAX: usize = 150;
pub const LABEL_MAX: usize = 100;
pub const ROWS_MAX: usize = 30;
pub const BANDS_MAX: usize = 12;

/// A definition's rows as the form shows them: one a line, `label fr | label en | codes`.
pub fn rows_text(rows: &[RowDef]) -> String {
    rows.iter()
        .map(|r| format!("{} | {} | {}", r.label_fr, r.label_en, r.codes.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The band edges as the form shows them.
pub fn bands_text(bands: &[u32]) -> String {
    bands.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn clean(s: &str) -> String {
    s.trim().chars().filter(|c| !c.is_control()).collect()
}

/// Parses a definition as typed in the form: `known` are the codes of the dimension's list
/// (the defaults and the organisation's own values). Every problem is returned.
pub fn parse_def(
    title_fr: &str,
    title_en: &str,
    dimension: &str,
    bands: &str,
    rows: &str,
    known: &[String],
) -> Result<TableDef, Vec<DefProblem>> {
    let mut problems = Vec::new();
    let title_fr = clean(title_fr);
    let title_en = clean(title_en);
    if title_fr.is_empty() {
        problems.push(DefProblem::TitleFrRequired);
    }
    if title_en.is_empty() {
        problems.push(DefProblem::TitleEnRequired);
    }
    if title_fr.chars().count() > TITLE_MAX || title_en.chars().count() > TITLE_MAX {
        problems.push(DefProblem::TitleTooLong { max: TITLE_MAX });
    }
    let Some(dimension) = Dimension::parse(dimension.trim()) else {
        problems.push(DefProblem::DimensionUnknown);
        return Err(problems);
    };
    let mut edges = Vec::new();
    let mut parsed_rows = Vec::new();
    if dimension == Dimension::AgeBand {
        let parsed: Option<Vec<u32>> = bands
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<u32>().ok().filter(|n| (1..=120).contains(n)))
            .collect();
        match parsed {
            Some(v) if v.windows(2).all(|w| w[0] < w[1]) => {
                if v.len() > BANDS_MAX {
                    problems.push(DefProblem::TooManyBands { max: BANDS_MAX });
                }
                edges = v;
            }
            _ => problems.push(DefProblem::BandsInvalid),
        }
    } else {
        let mut seen: Vec<String> = Vec::new();
        for (i, raw) in rows.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let line = i + 1;
            let parts: Vec<&str> = raw.split('|').collect();
            let [fr, en, codes] = parts.as_slice() else {
                problems.push(DefProblem::RowMalformed { line });
                continue;
            };
            let (fr, en) = (clean(fr), clean(en));
            let codes: Vec<String> = codes
                .split([',', ' ', ';'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            if fr.is_empty() || en.is_empty() || codes.is_empty() {
                problems.push(DefProblem::RowMalformed { line });
                continue;
            }
            if fr.chars().count() > LABEL_MAX || en.chars().count() > LABEL_MAX {
                problems.push(DefProblem::RowLabelTooLong { line, max: LABEL_MAX });
            }
            for code in &codes {
                if !known.contains(code) {
                    problems.push(DefProblem::CodeUnknown { line, code: code.clone() });
                } else if seen.contains(code) {
                    problems.push(DefProblem::CodeTwice { line, code: code.clone() });
                } else {
                    seen.push(code.clone());
                }
            }
            parsed_rows.push(RowDef { label_fr: fr, label_en: en, codes });
        }
        if parsed_rows.is_empty()
            && !problems.iter().any(|p| matches!(p, DefProblem::RowMalformed { .. }))
        {
            problems.push(DefProblem::RowsRequired);
        }
        if parsed_rows.len() > ROWS_MAX {
            problems.push(DefProblem::TooManyRows { max: ROWS_MAX });
        }
    }
    if problems.is_empty() {
        Ok(TableDef { title_fr, title_en, dimension, bands: edges, rows: parsed_rows })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn known(d: Dimension) -> Vec<String> {
        d.list().map_or(vec![], |l| l.defaults().iter().map(|c| (*c).to_owned()).collect())
    }

    #[test]
    fn every_default_code_is_in_its_list_and_in_one_row_at_most() {
        for (key, def) in defaults() {
            let known = known(def.dimension);
            let typed = parse_def(
                &def.title_fr,
                &def.title_en,
                def.dimension.as_str(),
                &bands_text(&def.bands),
                &rows_text(&def.rows),
                &known,
            );
            assert_eq!(typed.as_ref(), Ok(&def), "{key} round-trips through the form");
        }
    }

    #[test]
    fn the_default_household_housing_and_resource_rows_cover_their_whole_list() {
        for (key, def) in defaults() {
            if matches!(def.dimension, Dimension::AgeBand | Dimension::OrientationSource) {
                continue;
            }
            for code in def.dimension.list().unwrap().defaults() {
                assert!(matches!(def.row_of(code), RowKind::Defined(_)), "{key}: {code} has a row");
            }
        }
    }

    #[test]
    fn bands_cover_every_age_and_rows_end_with_other_and_not_recorded() {
        let (_, age) = defaults().into_iter().find(|(k, _)| *k == "age").unwrap();
        assert_eq!(
            age.row_kinds(),
            vec![
                RowKind::Band { from: 0, to: Some(17) },
                RowKind::Band { from: 18, to: Some(24) },
                RowKind::Band { from: 25, to: Some(59) },
                RowKind::Band { from: 60, to: None },
                RowKind::NotRecorded,
            ]
        );
        let (_, housing) = defaults().into_iter().find(|(k, _)| *k == "housing").unwrap();
        let kinds = housing.row_kinds();
        assert_eq!(kinds.len(), housing.rows.len() + 2);
        assert_eq!(kinds[kinds.len() - 2..], [RowKind::Other, RowKind::NotRecorded]);
        assert_eq!(housing.row_of("owner"), RowKind::Defined(0));
        assert_eq!(housing.row_of("a_code_of_our_own"), RowKind::Other);
        assert_eq!(housing.row_of(""), RowKind::NotRecorded);
        assert_eq!(age.row_label(age.row_kinds()[0], "fr"), "0 à 17 ans");
        assert_eq!(age.row_label(age.row_kinds()[3], "en"), "60 years and over");
        assert_eq!(housing.row_label(RowKind::Defined(0), "en"), "Owner-occupier");
        assert_eq!(housing.row_label(RowKind::NotRecorded, "fr"), "Non renseigné");
    }

    #[test]
    fn a_birthday_on_the_last_day_counts_and_29_february_waits_for_1_march() {
        assert_eq!(born_by(date!(2026 - 12 - 31), 18), date!(2008 - 12 - 31));
        assert_eq!(born_by(date!(2026 - 02 - 28), 18), date!(2008 - 02 - 28));
        // 2028 is a leap year, 2010 is not.
        assert_eq!(born_by(date!(2028 - 02 - 29), 18), date!(2010 - 02 - 28));
    }

    #[test]
    fn every_problem_of_a_definition_is_named_with_its_line() {
        let k = known(Dimension::Housing);
        let got = parse_def(
            " ",
            "Housing",
            "housing",
            "",
            "Propriétaire | Owner | owner\nsans barre\nLocataires | Tenants | social_tenant, owner, castle",
            &k,
        );
        assert_eq!(
            got,
            Err(vec![
                DefProblem::TitleFrRequired,
                DefProblem::RowMalformed { line: 2 },
                DefProblem::CodeTwice { line: 3, code: "owner".into() },
                DefProblem::CodeUnknown { line: 3, code: "castle".into() },
            ])
        );
        assert_eq!(
            parse_def("Logement", "Housing", "housing", "", "\n \n", &k),
            Err(vec![DefProblem::RowsRequired])
        );
        assert_eq!(
            parse_def("Âge", "Age", "age_band", "25, 18", "", &[]),
            Err(vec![DefProblem::BandsInvalid])
        );
        assert_eq!(
            parse_def("Âge", "Age", "age_band", "0, 18", "", &[]),
            Err(vec![DefProblem::BandsInvalid])
        );
        assert_eq!(
            parse_def("Âge", "Age", "planet", "", "", &[]),
            Err(vec![DefProblem::DimensionUnknown])
        );
        let ok = parse_def("Âge", "Age", "age_band", "16; 65", "ignored", &[]).unwrap();
        assert_eq!(ok.bands, vec![16, 65]);
        assert!(ok.rows.is_empty());
    }
}
