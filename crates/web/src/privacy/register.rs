//! The register of processing: each processing (purpose) with what the law asks the register
//! to say (legal basis, persons concerned, recipients, retention) and the data it holds, table
//! by table and category by category, from `domain::inventory`. The same content as a page, a
//! CSV file (one line per column) and a Markdown file (for the DPO's own register).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::inventory::{self, Category, Purpose};

use crate::AppState;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// One processing, translated.
pub struct PurposeView {
    code: &'static str,
    name: String,
    /// (label, text) pairs: purpose, legal basis, persons concerned, recipients, retention.
    facts: Vec<(String, String)>,
    tables: Vec<TableView>,
}

pub struct TableView {
    name: &'static str,
    /// (category label, category code, column names joined).
    groups: Vec<(String, &'static str, String)>,
}

pub struct CategoryView {
    code: &'static str,
    name: String,
    description: String,
    columns: usize,
    removed: bool,
}

const FACTS: [&str; 5] = ["what", "basis", "subjects", "recipients", "retention"];

fn category_name(t: &Tr, c: Category) -> String {
    t.msg(&format!("privacy-category-{}", c.code().replace('_', "-")))
}

fn purposes(t: &Tr) -> Vec<PurposeView> {
    Purpose::ALL
        .into_iter()
        .map(|purpose| {
            let key = format!("privacy-purpose-{}", purpose.code().replace('_', "-"));
            let facts = FACTS
                .iter()
                .map(|f| (t.msg(&format!("privacy-fact-{f}")), t.msg(&format!("{key}-{f}"))))
                .collect();
            let tables = inventory::tables()
                .filter(|table| table.purpose == purpose)
                .map(|table| TableView {
                    name: table.name,
                    groups: table
                        .columns
                        .iter()
                        .map(|(c, names)| (category_name(t, *c), c.code(), names.join(", ")))
                        .collect(),
                })
                .collect();
            PurposeView { code: purpose.code(), name: t.msg(&key), facts, tables }
        })
        .collect()
}

fn categories(t: &Tr) -> Vec<CategoryView> {
    Category::ALL
        .into_iter()
        .map(|c| CategoryView {
            code: c.code(),
            name: category_name(t, c),
            description: t.msg(&format!("privacy-category-{}-hint", c.code().replace('_', "-"))),
            columns: inventory::tables()
                .flat_map(|table| table.tagged())
                .filter(|(_, k)| *k == c)
                .count(),
            removed: c.removed_by_anonymisation(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/register.html")]
pub struct RegisterPage {
    chrome: Chrome,
    purposes: Vec<PurposeView>,
    categories: Vec<CategoryView>,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> RegisterPage {
    let purposes = purposes(&ctx.t);
    let categories = categories(&ctx.t);
    RegisterPage { chrome: Chrome::new(ctx, &state, Nav::Privacy), purposes, categories }
}

fn download(body: String, content_type: &'static str, file: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(file));
    response
}

/// One line per column: purpose, table, column, category, and the two consequences of the
/// category, with codes and the reader's language side by side.
pub async fn csv(ctx: PageCtx) -> Result<Response, WebError> {
    let t = &ctx.t;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "privacy-csv-purpose-code",
        "privacy-csv-purpose",
        "privacy-csv-table",
        "privacy-csv-column",
        "privacy-csv-category-code",
        "privacy-csv-category",
        "privacy-csv-about-person",
        "privacy-csv-anonymised",
    ];
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        out.write_record(row).map_err(|_| WebError::Internal("register csv"))
    };
    write(&mut out, &header.map(|k| t.msg(k)))?;
    let yes_no = |b: bool| t.msg(if b { "privacy-yes" } else { "privacy-no" });
    for table in inventory::tables() {
        let purpose = table.purpose;
        for (column, category) in table.tagged() {
            write(
                &mut out,
                &[
                    purpose.code().to_owned(),
                    t.msg(&format!("privacy-purpose-{}", purpose.code().replace('_', "-"))),
                    table.name.to_owned(),
                    column.to_owned(),
                    category.code().to_owned(),
                    category_name(t, category),
                    yes_no(category.about_the_person()),
                    yes_no(category.removed_by_anonymisation()),
                ],
            )?;
        }
    }
    let bytes = out.into_inner().map_err(|_| WebError::Internal("register csv"))?;
    let body = String::from_utf8(bytes).map_err(|_| WebError::Internal("register csv"))?;
    Ok(download(
        body,
        "text/csv; charset=utf-8",
        "attachment; filename=\"passerelle-register-of-processing.csv\"",
    ))
}

/// The register as Markdown: the categories, then each processing with its facts and its
/// tables.
pub async fn markdown(ctx: PageCtx) -> Response {
    let t = &ctx.t;
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut md =
        format!("# {}\n\n{}\n\n", t.msg("privacy-register-title"), t.msg("privacy-register-intro"));
    md.push_str(&format!("## {}\n\n", t.msg("privacy-categories-title")));
    md.push_str(&format!(
        "| {} | {} | {} | {} |\n|---|---|---|---|\n",
        t.msg("privacy-col-category"),
        t.msg("privacy-col-description"),
        t.msg("privacy-col-columns"),
        t.msg("privacy-col-anonymised")
    ));
    for c in categories(t) {
        md.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} |\n",
            cell(&c.name),
            c.code,
            cell(&c.description),
            c.columns,
            t.msg(if c.removed { "privacy-yes" } else { "privacy-no" })
        ));
    }
    for p in purposes(t) {
        md.push_str(&format!("\n## {} (`{}`)\n\n", p.name, p.code));
        for (label, text) in &p.facts {
            md.push_str(&format!("- **{label}**: {text}\n"));
        }
        md.push_str(&format!(
            "\n| {} | {} | {} |\n|---|---|---|\n",
            t.msg("privacy-col-table"),
            t.msg("privacy-col-category"),
            t.msg("privacy-col-columns")
        ));
        for table in &p.tables {
            for (name, code, columns) in &table.groups {
                md.push_str(&format!(
                    "| `{}` | {} (`{code}`) | {} |\n",
                    table.name,
                    cell(name),
                    cell(columns)
                ));
            }
        }
    }
    download(
        md,
        "text/markdown; charset=utf-8",
        "attachment; filename=\"passerelle-register-of-processing.md\"",
    )
}
