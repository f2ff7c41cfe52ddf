//! What the annual report holds, whatever its format: the year's figures of the organisation as
//! suppressed tables (grouped: activity, outcomes, and the statutory tables), the two
//! charts drawn from those same suppressed numbers, and the narrative sections.

use domain::OrganisationId;
use domain::annual_report::{SECTIONS, month_starts};
use domain::lists::{ListName, Lists};
use domain::statistics::{Period, StatsScope};
use store::statistics::{Outcomes, Span};

use super::super::figures::{self, Table};
use crate::AppState;
use crate::charts::{self, Bars, Trend};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// A table of the report, with its chart when it has one (the SVG, as on the page).
pub struct Figure {
    pub table: Table,
    pub chart: Option<String>,
}

/// A part of the report's figures.
pub struct Group {
    pub title: String,
    pub figures: Vec<Figure>,
    /// Lines of text under the tables (averages, with what they are based on).
    pub notes: Vec<String>,
}

/// A narrative section as stored (empty and version 0 when never saved).
#[derive(Debug, Clone)]
pub struct Section {
    pub code: &'static str,
    pub title: String,
    pub body: String,
    pub version: i64,
}

/// The year's report of the organisation.
pub struct Report {
    pub year: i32,
    pub threshold: i64,
    pub groups: Vec<Group>,
    pub sections: Vec<Section>,
}

impl Report {
    /// Every table, flattened into lines: what the CSV and the XLSX hold.
    pub fn lines(&self) -> Vec<figures::Line> {
        let all: Vec<Table> =
            self.groups.iter().flat_map(|g| g.figures.iter().map(|f| f.table.clone())).collect();
        figures::lines(&all)
    }
}

/// The narrative sections of `year`, in the report's order, with their titles.
pub async fn sections(
    state: &AppState,
    t: &Tr,
    org: OrganisationId,
    year: i32,
) -> Result<Vec<Section>, WebError> {
    let stored = store::annual_report::narratives(&state.db, org, year).await?;
    Ok(SECTIONS
        .iter()
        .map(|code| {
            let s = stored.iter().find(|s| s.section == *code);
            Section {
                code,
                title: t.msg(&format!("report-section-{code}")),
                body: s.map(|s| s.body.clone()).unwrap_or_default(),
                version: s.map_or(0, |s| s.version),
            }
        })
        .collect())
}

/// Builds the report of `year` for the organisation.
pub async fn build(
    state: &AppState,
    t: &Tr,
    org: OrganisationId,
    zone: Option<&str>,
    year: i32,
    threshold: i64,
) -> Result<Report, WebError> {
    let period = Period::year(year).ok_or(WebError::NotFound)?;
    let (start, end) = period.local_bounds();
    let utc = |at| crate::dates::local_to_utc(at, zone).ok_or(WebError::Internal("report year"));
    let span = Span { from: utc(start)?, until: utc(end)? };
    let months = month_starts(year).ok_or(WebError::NotFound)?;
    let mut bounds = [span.from; 13];
    for (b, m) in bounds.iter_mut().zip(months) {
        *b = utc(m)?;
    }
    let scope = StatsScope::Organisation;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let activity = store::statistics::activity(&state.db, org, &scope, span).await?;
    let per_month =
        store::annual_report::contacts_by_month(&state.db, org, &scope, &bounds).await?;
    let outcomes =
        store::statistics::outcomes(&state.db, org, &scope, span, period.from, period.to).await?;
    let statutory = store::statistics::tables::all_tables(
        &state.db,
        org,
        &scope,
        span,
        period.to,
        store::Ts::now(),
    )
    .await?;

    let hidden = t.msg("stats-export-suppressed");
    let mut activity_figures: Vec<Figure> = Vec::new();
    let contacts_title = t.msg("stats-contacts-heading");
    for table in figures::activity(t, &lists, &activity, threshold) {
        let is_contacts = table.title == contacts_title;
        let chart = is_contacts.then(|| contacts_chart(t, &table, &hidden)).transpose()?;
        activity_figures.push(Figure { table, chart });
        if is_contacts {
            let month_table = figures::list(
                t.msg("report-months-title"),
                [t.msg("report-col-month"), t.msg("stats-export-col-count")],
                (1..=12)
                    .zip(per_month)
                    .map(|(m, n)| (t.msg(&format!("report-month-{m}")), n))
                    .collect(),
                t.msg("stats-contacts-total"),
                threshold,
            );
            let chart = months_chart(t, &month_table)?;
            activity_figures.push(Figure { table: month_table, chart: Some(chart) });
        }
    }
    let groups = vec![
        Group { title: t.msg("report-group-activity"), figures: activity_figures, notes: vec![] },
        outcome_group(t, &lists, &outcomes, threshold),
        // The statutory tables (issue 11 point 4, ADR 0038): the organisation's definitions,
        // suppressed as the export does.
        Group {
            title: t.msg("report-group-statutory"),
            figures: super::super::tables::statutory_figures(t, &statutory, threshold)
                .into_iter()
                .map(|table| Figure { table, chart: None })
                .collect(),
            notes: vec![],
        },
    ];
    Ok(Report { year, threshold, groups, sections: sections(state, t, org, year).await? })
}

fn contacts_chart(t: &Tr, table: &Table, hidden: &str) -> Result<String, WebError> {
    let chart: Bars = charts::bars_of(
        "report-contacts-chart",
        &t.msg("stats-contacts-chart-title"),
        &t.msg("report-contacts-chart-desc"),
        &table.first_column(),
        hidden,
    );
    askama::Template::render(&chart).map_err(|_| WebError::Internal("contacts chart"))
}

fn months_chart(t: &Tr, table: &Table) -> Result<String, WebError> {
    let items: Vec<(String, Option<i64>)> = table
        .first_column()
        .into_iter()
        .enumerate()
        .map(|(i, (_, v))| (t.msg(&format!("report-month-short-{}", i + 1)), v))
        .collect();
    let chart: Trend = charts::trend(
        "report-months-chart",
        &t.msg("report-months-title"),
        &t.msg("report-months-chart-desc"),
        &items,
    );
    askama::Template::render(&chart).map_err(|_| WebError::Internal("months chart"))
}

/// The outcomes, suppressed like the activity: the change per life domain and what held are
/// tables with their row totals (the denominators: "assessed twice", "checks done"); the
/// plans and checks are counts each on its own; an average is given only over enough answers.
fn outcome_group(t: &Tr, lists: &Lists, o: &Outcomes, threshold: i64) -> Group {
    let domain = |code: &str| list_label(t, lists, ListName::LifeDomain, code);
    let mut figures = Vec::new();
    if !o.domains.is_empty() {
        figures.push(Figure {
            table: figures::grid(
                t.msg("stats-domains-caption"),
                ["stats-col-domain", "stats-col-improved", "stats-col-same", "stats-col-worsened"]
                    .iter()
                    .chain(&["stats-col-rated-twice"])
                    .map(|id| t.msg(id))
                    .collect(),
                o.domains
                    .iter()
                    .map(|d| (domain(&d.code), vec![d.improved, d.same, d.worsened]))
                    .collect(),
                None,
                threshold,
            ),
            chart: None,
        });
    }
    figures.push(Figure {
        table: figures::singles(
            t.msg("report-plans-title"),
            [t.msg("stats-export-col-item"), t.msg("stats-export-col-count")],
            vec![
                (t.msg("report-goals-achieved"), o.plans.achieved),
                (t.msg("report-goals-in-plans"), o.plans.goals),
                (t.msg("stats-victories"), o.plans.victories),
                (t.msg("report-cases-with-victory"), o.plans.cases_with_victory),
                (t.msg("report-checks-due"), o.checks.due),
                (t.msg("report-checks-done"), o.checks.done),
                (t.msg("report-checks-missed"), o.checks.missed),
            ],
            threshold,
        ),
        chart: None,
    });
    let mut held: Vec<(String, Vec<i64>)> = Vec::new();
    for (code, outcome, n) in &o.held {
        let label = domain(code);
        let i = match held.iter().position(|(l, _)| *l == label) {
            Some(i) => i,
            None => {
                held.push((label, vec![0; 3]));
                held.len() - 1
            }
        };
        let j = match outcome.as_str() {
            "held" => 0,
            "partly" => 1,
            _ => 2,
        };
        held[i].1[j] += n;
    }
    if !held.is_empty() {
        figures.push(Figure {
            table: figures::grid(
                t.msg("stats-held-caption"),
                [
                    "stats-col-domain",
                    "follow-up-outcome-held",
                    "follow-up-outcome-partly",
                    "follow-up-outcome-not-held",
                ]
                .iter()
                .chain(&["report-col-checks"])
                .map(|id| t.msg(id))
                .collect(),
                held,
                None,
                threshold,
            ),
            chart: None,
        });
    }
    let average = |label: &str, sum: i64, n: i64| {
        let value = if n == 0 {
            t.msg("stats-no-denominator")
        } else if n < threshold {
            t.msg_args("report-average-suppressed", &[("threshold", &threshold.to_string())])
        } else {
            let tenths = (sum * 10 + n / 2) / n;
            t.msg_args(
                "stats-average",
                &[
                    (
                        "value",
                        &format!("{}{}{}", tenths / 10, t.msg("stats-decimal-sign"), tenths % 10),
                    ),
                    ("count", &n.to_string()),
                ],
            )
        };
        t.msg_args("report-average-line", &[("label", &t.msg(label)), ("value", &value)])
    };
    Group {
        title: t.msg("stats-outcomes-heading"),
        figures,
        notes: vec![
            average("stats-wellbeing", o.checks.wellbeing_sum, o.checks.wellbeing_n),
            average("stats-power", o.checks.power_sum, o.checks.power_n),
        ],
    }
}
