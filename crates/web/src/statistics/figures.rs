//! Figures for outside the team as tables (issue 11 points 4 and 5, ADR 0037 and 0039): each a
//! title, the header of its columns, rows of counts and maybe a total row, every count already
//! suppressed (`None`) when small or when it could be worked out from the totals
//! ([`domain::suppression`]). The export (CSV, XLSX) flattens them into [`Line`]s; the annual
//! report prints them (page, PDF) and flattens them the same way, so the same numbers go out
//! whatever the format.

use domain::lists::Lists;
use domain::suppression::{suppress_list, suppress_table};
use store::statistics::Activity;

use super::pages::{closure_label, state_label};
use crate::i18n::Tr;

/// A table of counts, suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    /// The first column's heading, then one per column of counts.
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// The total row, when the table has one.
    pub total: Option<Row>,
}

/// A row: what it counts, and one count per column (none when suppressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub cells: Vec<Option<i64>>,
}

impl Table {
    /// Every row, the total last.
    pub fn all_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().chain(self.total.iter())
    }

    /// How many counts are suppressed.
    pub fn suppressed(&self) -> usize {
        self.all_rows().flat_map(|r| &r.cells).filter(|c| c.is_none()).count()
    }

    /// The values of the first column in order, for a chart (the total left out).
    pub fn first_column(&self) -> Vec<(String, Option<i64>)> {
        self.rows.iter().map(|r| (r.label.clone(), r.cells.first().copied().flatten())).collect()
    }
}

/// A line of the export: its section, what it counts, and the count (none when suppressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub section: String,
    pub item: String,
    pub value: Option<i64>,
}

/// The tables as lines: a one-column table gives a line a row, a wider one a line a cell
/// ("row — column").
pub fn lines(tables: &[Table]) -> Vec<Line> {
    let mut out = Vec::new();
    for table in tables {
        for row in table.all_rows() {
            if row.cells.len() == 1 {
                out.push(Line {
                    section: table.title.clone(),
                    item: row.label.clone(),
                    value: row.cells[0],
                });
            } else {
                for (j, v) in row.cells.iter().enumerate() {
                    let column = table.header.get(j + 1).map(String::as_str).unwrap_or("");
                    out.push(Line {
                        section: table.title.clone(),
                        item: format!("{} — {column}", row.label),
                        value: *v,
                    });
                }
            }
        }
    }
    out
}

/// Counts each on its own, no total: each hidden when small.
pub fn singles(
    title: String,
    header: [String; 2],
    items: Vec<(String, i64)>,
    threshold: i64,
) -> Table {
    Table {
        title,
        header: header.to_vec(),
        rows: items
            .into_iter()
            .map(|(label, v)| Row { label, cells: vec![(v == 0 || v >= threshold).then_some(v)] })
            .collect(),
        total: None,
    }
}

/// A list of counts with its total, suppressed together.
pub fn list(
    title: String,
    header: [String; 2],
    items: Vec<(String, i64)>,
    total_label: String,
    threshold: i64,
) -> Table {
    let values: Vec<i64> = items.iter().map(|(_, v)| *v).collect();
    let hidden = suppress_list(&values, threshold);
    let total: i64 = values.iter().sum();
    Table {
        title,
        header: header.to_vec(),
        rows: items
            .into_iter()
            .zip(hidden.values)
            .map(|((label, v), h)| Row { label, cells: vec![(!h).then_some(v)] })
            .collect(),
        total: Some(Row { label: total_label, cells: vec![(!hidden.total).then_some(total)] }),
    }
}

/// A table of counts with its row totals (the last column) and, when `total_label` is given,
/// its column totals (the last row), suppressed together. Without the total row, fewer
/// margins are published than the suppression assumed: still safe.
pub fn grid(
    title: String,
    header: Vec<String>,
    rows: Vec<(String, Vec<i64>)>,
    total_label: Option<String>,
    threshold: i64,
) -> Table {
    let cells: Vec<Vec<i64>> = rows.iter().map(|(_, c)| c.clone()).collect();
    let hidden = suppress_table(&cells, threshold);
    let width = cells.first().map_or(0, Vec::len);
    let show = |v: i64, h: bool| (!h).then_some(v);
    let out_rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, c))| {
            let mut shown: Vec<Option<i64>> =
                c.iter().enumerate().map(|(j, v)| show(*v, hidden.cells[i][j])).collect();
            shown.push(show(c.iter().sum(), hidden.row_totals[i]));
            Row { label, cells: shown }
        })
        .collect();
    let total = total_label.filter(|_| !cells.is_empty()).map(|label| {
        let mut shown: Vec<Option<i64>> = (0..width)
            .map(|j| show(cells.iter().map(|r| r[j]).sum(), hidden.column_totals[j]))
            .collect();
        shown.push(show(cells.iter().flatten().sum(), hidden.total));
        Row { label, cells: shown }
    });
    Table { title, header, rows: out_rows, total }
}

/// The dashboard's activity figures as tables, suppressed.
pub fn activity(t: &Tr, lists: &Lists, a: &Activity, threshold: i64) -> Vec<Table> {
    let count = t.msg("stats-export-col-count");
    let head = |first: &str| [t.msg(first), count.clone()];
    let mut out = vec![singles(
        t.msg("stats-cases-heading"),
        head("stats-export-col-item"),
        vec![
            (t.msg("stats-persons"), a.cases.persons),
            (t.msg("stats-households"), a.cases.households),
            (t.msg("stats-cases-followed"), a.cases.followed),
            (t.msg("stats-cases-opened"), a.cases.opened),
        ],
        threshold,
    )];
    out.push(list(
        t.msg("stats-closures-caption"),
        head("stats-col-reason"),
        a.closures.iter().map(|c| (closure_label(t, lists, &c.code), c.count)).collect(),
        t.msg("stats-cases-closed"),
        threshold,
    ));
    out.push(list(
        t.msg("stats-contacts-heading"),
        head("stats-col-type"),
        a.contacts
            .iter()
            .map(|c| (crate::cases::note_type_label(t, lists, &c.code), c.count))
            .collect(),
        t.msg("stats-contacts-total"),
        threshold,
    ));
    out.push(singles(
        t.msg("stats-flags-heading"),
        head("stats-export-col-item"),
        vec![
            (t.msg("stats-flags-raised"), a.flags.raised),
            (t.msg("stats-flags-acknowledged"), a.flags.acknowledged),
        ],
        threshold,
    ));
    out.push(list(
        t.msg("stats-appointments-heading"),
        head("stats-col-state"),
        ["done", "missed", "cancelled", "planned"]
            .into_iter()
            .map(|s| (state_label(t, s), a.appointments_in(s)))
            .collect(),
        t.msg("stats-col-appointments"),
        threshold,
    ));
    // Referrals: services by answer (accepted, declined, other), with the totals.
    if !a.referrals.is_empty() {
        out.push(grid(
            t.msg("stats-referrals-heading"),
            ["stats-col-service", "stats-col-accepted", "stats-col-declined", "stats-col-other"]
                .iter()
                .chain(&["stats-col-sent"])
                .map(|id| t.msg(id))
                .collect(),
            a.referrals
                .iter()
                .map(|r| {
                    (
                        r.service.clone(),
                        vec![r.accepted, r.declined, r.sent - r.accepted - r.declined],
                    )
                })
                .collect(),
            Some(t.msg("stats-all-services")),
            threshold,
        ));
    }
    out.push(singles(
        t.msg("stats-documents-heading"),
        head("stats-export-col-item"),
        vec![(t.msg("stats-documents"), a.documents)],
        threshold,
    ));
    out
}
