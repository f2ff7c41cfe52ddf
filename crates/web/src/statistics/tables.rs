//! The statutory tables page (issue 11 point 4, ADR 0038): the organisation's tables for the
//! dashboard's period and scope, each row leading to the cases behind it, and the same tables
//! in the export, suppressed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::Role;
use domain::suppression::suppress_list;
use serde::Deserialize;
use store::Ts;
use store::statistics::tables::ComputedTable;
use uuid::Uuid;

use super::figures::Line;
use super::pages::{
    CasesPage, Filters, Linked, StatsQuery, case_view, may_open, period_label, resolve,
};
use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// Which row of which table a drill-down is about.
#[derive(Deserialize, Default, Debug)]
pub struct RowQuery {
    #[serde(default)]
    table: String,
    #[serde(default)]
    row: Option<usize>,
}

/// A table, ready to show.
pub struct TableView {
    /// The caption's id.
    pub anchor: String,
    pub title: String,
    /// What the count is of: persons, or cases for the origin of the request.
    pub unit: String,
    /// Said under the table: several a person, or cases rather than persons.
    pub note: Option<String>,
    pub rows: Vec<Linked>,
    pub total_label: String,
    pub total: i64,
}

fn row_href(keep: &[(&'static str, String)], table: Uuid, row: usize) -> String {
    let mut pairs: Vec<(&str, String)> = keep.iter().map(|(k, v)| (*k, v.clone())).collect();
    pairs.push(("table", table.to_string()));
    pairs.push(("row", row.to_string()));
    format!("/statistics/tables/cases?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

fn unit(t: &Tr, table: &ComputedTable) -> String {
    if table.def.dimension.counts_cases() {
        t.msg("stats-tables-col-cases")
    } else {
        t.msg("stats-tables-col-persons")
    }
}

fn note(t: &Tr, table: &ComputedTable) -> Option<String> {
    if table.def.dimension.several_a_person() {
        Some(t.msg("stats-tables-note-several"))
    } else if table.def.dimension.counts_cases() {
        Some(t.msg("stats-tables-note-cases"))
    } else {
        None
    }
}

fn total_label(t: &Tr, table: &ComputedTable) -> String {
    if table.def.dimension.counts_cases() {
        t.msg("stats-cases-followed")
    } else {
        t.msg("stats-persons")
    }
}

fn views(t: &Tr, tables: &[ComputedTable], keep: &[(&'static str, String)]) -> Vec<TableView> {
    tables
        .iter()
        .enumerate()
        .map(|(n, table)| TableView {
            anchor: format!("statutory-{n}"),
            title: table.def.title(t.lang()).to_owned(),
            unit: unit(t, table),
            note: note(t, table),
            rows: table
                .rows
                .iter()
                .enumerate()
                .map(|(i, (kind, count))| Linked {
                    label: table.def.row_label(*kind, t.lang()),
                    count: *count,
                    href: (*count > 0).then(|| row_href(keep, table.id, i)),
                })
                .collect(),
            total_label: total_label(t, table),
            total: table.total,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/tables.html")]
pub struct TablesPage {
    chrome: Chrome,
    filters: Filters,
    heading: String,
    tables: Vec<TableView>,
    /// The dashboard for the same period and scope.
    dashboard: String,
    /// A manager edits the definitions.
    may_edit: bool,
}

/// `GET /statistics/tables`: the statutory tables for a period and a scope.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (mut filters, resolved) = resolve(&state, t, &signed_in, &q).await?;
    filters.action = "/statistics/tables";
    let may_edit = signed_in.actor.role() == Some(Role::Manager);
    let Some(r) = resolved else {
        let page = TablesPage {
            filters,
            heading: String::new(),
            tables: vec![],
            dashboard: "/statistics".to_owned(),
            may_edit,
            chrome: Chrome::new(ctx, &state, Nav::Statistics),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let tables = store::statistics::tables::all_tables(
        &state.db,
        r.org,
        &r.scope,
        r.span,
        r.period.to,
        Ts::now(),
    )
    .await?;
    let keep: Vec<(&str, &str)> = r.keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = TablesPage {
        heading: format!("{} — {}", r.scope_label, period_label(t, &r.period)),
        tables: views(t, &tables, &r.keep),
        dashboard: format!(
            "/statistics?{}",
            serde_urlencoded::to_string(&keep).unwrap_or_default()
        ),
        filters,
        may_edit,
        chrome: Chrome::new(ctx, &state, Nav::Statistics),
    };
    Ok(page.into_response())
}

/// `GET /statistics/tables/cases?table=…&row=…`: the cases behind a row, those the viewer may
/// open named, the others counted.
pub async fn cases(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<StatsQuery>,
    Query(which): Query<RowQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (_, resolved) = resolve(&state, t, &signed_in, &q).await?;
    // Without a row, or with a wrong period, back to the tables, which say what is wrong.
    let Some(r) = resolved.filter(|_| !which.table.is_empty()) else {
        return Ok(Redirect::to("/statistics/tables").into_response());
    };
    let id: Uuid = which.table.parse().map_err(|_| WebError::NotFound)?;
    let definitions = store::statistics::tables::definitions(&state.db, r.org, Ts::now()).await?;
    let table = definitions.iter().find(|d| d.id == id).ok_or(WebError::NotFound)?;
    let kinds = table.def.row_kinds();
    let row = which.row.filter(|r| *r < kinds.len()).ok_or(WebError::NotFound)?;
    let (behind, total) = store::statistics::tables::cases_behind_row(
        &state.db,
        r.org,
        &r.scope,
        r.span,
        r.period.to,
        &table.def,
        row,
        signed_in.actor.user_id,
    )
    .await?;
    let zone = signed_in.time_zone.as_deref();
    let mut lines = Vec::new();
    let mut hidden = 0;
    for l in &behind {
        if may_open(&signed_in, r.org, l) {
            lines.push(case_view(t, zone, l));
        } else {
            hidden += 1;
        }
    }
    let keep: Vec<(&str, &str)> = r.keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = CasesPage {
        title: format!(
            "{} — {}",
            table.def.title(t.lang()),
            table.def.row_label(kinds[row], t.lang())
        ),
        heading: format!("{} — {}", r.scope_label, period_label(t, &r.period)),
        back: format!(
            "/statistics/tables?{}",
            serde_urlencoded::to_string(&keep).unwrap_or_default()
        ),
        more: total - behind.len() as i64,
        lines,
        total,
        hidden,
        // A row's list is read on the page; the download is the figures' (by figure).
        export_fields: vec![],
        may_name: false,
        export: Default::default(),
        chrome: Chrome::new(ctx, &state, Nav::Statistics),
    };
    Ok(page.into_response())
}

/// The statutory tables as the export and the annual report publish them: each suppressed as
/// a list with its total; a table where a person counts in several rows has no sum to
/// protect, its total is hidden only when small.
pub fn statutory_figures(
    t: &Tr,
    tables: &[ComputedTable],
    threshold: i64,
) -> Vec<super::figures::Table> {
    use super::figures::{Row, Table};
    let mut out = Vec::new();
    for table in tables {
        let values: Vec<i64> = table.rows.iter().map(|(_, n)| *n).collect();
        let hidden = suppress_list(&values, threshold);
        let rows = table
            .rows
            .iter()
            .zip(&hidden.values)
            .map(|((kind, n), h)| Row {
                label: table.def.row_label(*kind, t.lang()),
                cells: vec![(!h).then_some(*n)],
            })
            .collect();
        let total_hidden = if table.def.dimension.several_a_person() {
            table.total > 0 && table.total < threshold
        } else {
            hidden.total
        };
        out.push(Table {
            title: table.def.title(t.lang()).to_owned(),
            header: vec![t.msg("stats-export-col-item"), t.msg("stats-export-col-count")],
            rows,
            total: Some(Row {
                label: total_label(t, table),
                cells: vec![(!total_hidden).then_some(table.total)],
            }),
        });
    }
    out
}

/// The export's lines of the statutory tables ([`statutory_figures`], flattened).
pub fn table_lines(t: &Tr, tables: &[ComputedTable], threshold: i64) -> Vec<Line> {
    super::figures::lines(&statutory_figures(t, tables, threshold))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use domain::statistics_tables::defaults;

    use super::*;
    use crate::i18n::{I18n, Locale};

    fn computed(key: &str, counts: &[i64], total: i64) -> ComputedTable {
        let (_, def) = defaults().into_iter().find(|(k, _)| *k == key).unwrap();
        let rows = def.row_kinds().into_iter().zip(counts.iter().copied()).collect();
        ComputedTable { id: Uuid::now_v7(), key: key.into(), def, rows, total }
    }

    #[test]
    fn a_small_row_and_its_complement_are_suppressed_and_the_total_kept() {
        let t = Tr::new(Arc::new(I18n::load()), Locale::En);
        let age = computed("age", &[12, 30, 3, 25, 0], 70);
        let lines = table_lines(&t, &[age], 5);
        let value = |item: &str| lines.iter().find(|l| l.item == item).unwrap().value;
        assert_eq!(value("25 to 59 years"), None);
        assert_eq!(value("0 to 17 years"), None, "the next smallest, so 3 cannot be worked out");
        assert_eq!(value("18 to 24 years"), Some(30));
        assert_eq!(value("Not recorded"), Some(0));
        assert_eq!(value("Persons followed"), Some(70));
        assert_eq!(lines[0].section, "Persons followed by age band");
    }

    #[test]
    fn resources_hide_a_small_total_but_never_sum_their_rows() {
        let t = Tr::new(Arc::new(I18n::load()), Locale::Fr);
        let res = computed("resources", &[9, 8, 7, 6, 6, 6, 6, 6, 6, 0, 0], 40);
        let lines = table_lines(&t, &[res], 5);
        assert!(lines.iter().all(|l| l.value.is_some()));
        assert_eq!(lines.last().unwrap().value, Some(40), "not the rows' sum, 60");
        let few = computed("resources", &[3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4);
        let lines = table_lines(&t, &[few], 5);
        assert!(lines.iter().filter(|l| l.value.is_none()).count() == 3, "{lines:#?}");
    }
}
