//! The annual activity report ("rapport d'activité", issue 11 point 4, ADR 0039): the page of a
//! year, where the organisation's managers see the figures as they will go out (suppressed) and
//! write the narrative sections, and the same report as a PDF, an XLSX and a CSV, each download
//! audited. Route rule [`REPORT_MAKERS`]; the figures are the organisation's.

mod content;
mod files;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::annual_report::{NarrativeProblem, YearProblem, narrative, parse_year};
use domain::audit::AuditAction;
use domain::policy;
use domain::statistics::StatsScope;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;

pub use content::{Report, Section};
pub use files::{csv, pdf, xlsx};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The year asked for.
#[derive(Deserialize, Default, Debug)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    notice: Option<String>,
}

/// The organisation, if the viewer's statistics are the organisation's (a manager).
fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    match policy::statistics_scope(&signed_in.actor) {
        Some(StatsScope::Organisation) => Ok(org),
        _ => Err(WebError::NotFound),
    }
}

fn this_year(signed_in: &SignedIn) -> i32 {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).year()
}

fn year_problem(t: &Tr, p: YearProblem) -> String {
    match p {
        YearProblem::Invalid => t.msg("report-error-year"),
        YearProblem::OutOfRange { last } => {
            t.msg_args("report-error-year-range", &[("last", &last.to_string())])
        }
    }
}

/// A section of the form: as stored or as typed, with what went wrong.
pub struct SectionForm {
    pub code: &'static str,
    pub title: String,
    /// The text in the box: the stored one, or what was typed.
    pub body: String,
    /// The version the form sends back.
    pub version: i64,
    /// Someone saved this section meanwhile: their text, shown beside the typed one.
    pub stored: Option<String>,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/report.html")]
pub struct ReportPage {
    chrome: Chrome,
    /// The year in the field (as typed when wrong).
    year_text: String,
    year_error: Option<String>,
    report: Option<Report>,
    sections: Vec<SectionForm>,
    /// A stale save: nothing was written.
    conflict: bool,
    notice: Option<String>,
}

impl ReportPage {
    fn has_errors(&self) -> bool {
        self.year_error.is_some() || self.sections.iter().any(|s| s.error.is_some())
    }
}

fn section_forms(sections: &[Section]) -> Vec<SectionForm> {
    sections
        .iter()
        .map(|s| SectionForm {
            code: s.code,
            title: s.title.clone(),
            body: s.body.clone(),
            version: s.version,
            stored: None,
            error: None,
        })
        .collect()
}

/// `GET /statistics/report?year=…`: the year's figures as they will go out, and the narrative.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let year = match parse_year(&q.year, this_year(&signed_in)) {
        Ok(y) => y,
        Err(p) => {
            let page = ReportPage {
                year_text: q.year.clone(),
                year_error: Some(year_problem(t, p)),
                report: None,
                sections: vec![],
                conflict: false,
                notice: None,
                chrome: Chrome::new(ctx, &state, Nav::Statistics),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let zone = signed_in.time_zone.as_deref();
    let report =
        content::build(&state, t, org, zone, year, super::export::threshold(&state, org).await?)
            .await?;
    let notice = (q.notice.as_deref() == Some("saved")).then(|| t.msg("report-notice-saved"));
    let page = ReportPage {
        year_text: year.to_string(),
        year_error: None,
        sections: section_forms(&report.sections),
        report: Some(report),
        conflict: false,
        notice,
        chrome: Chrome::new(ctx, &state, Nav::Statistics),
    };
    Ok(page.into_response())
}

/// `POST /statistics/report`: saves the narrative sections that changed. A section someone
/// else saved since the form was shown is not overwritten: nothing is written, both texts are
/// shown, and saving again (the form now carries their version) keeps the typed one.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let year_text = form.get("year").cloned().unwrap_or_default();
    // The year comes from the page's hidden field: a wrong one is a tampered form.
    let year = parse_year(&year_text, this_year(&signed_in)).map_err(|_| WebError::NotFound)?;
    let stored = content::sections(&state, t, org, year).await?;
    let mut forms = Vec::with_capacity(stored.len());
    let mut typed = Vec::with_capacity(stored.len());
    for s in &stored {
        let raw = form.get(&format!("body_{}", s.code)).cloned().unwrap_or_default();
        // A version that is not a number can only come from a tampered form: stale.
        let expected = form
            .get(&format!("version_{}", s.code))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(-1);
        let error = match narrative(&raw) {
            Ok(text) => {
                typed.push((s, text, expected));
                None
            }
            Err(NarrativeProblem::TooLong { max }) => Some(t.msg_args(
                "report-error-too-long",
                &[("max", &max.to_string()), ("section", &s.title)],
            )),
        };
        forms.push(SectionForm {
            code: s.code,
            title: s.title.clone(),
            body: raw,
            version: expected.max(0),
            stored: None,
            error,
        });
    }
    if forms.iter().any(|f| f.error.is_some()) {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&state, ctx, &signed_in, org, year, forms, false).await?,
        )
            .into_response());
    }

    let now = Ts::now();
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let mut stale = Vec::new();
    let mut changed = Vec::new();
    for (s, text, expected) in &typed {
        if *text == s.body {
            continue; // Unchanged: whoever saved it, nothing to write.
        }
        let saved = *expected == s.version
            && store::annual_report::save_narrative(
                &mut tx, org, year, s.code, text, *expected, me, now,
            )
            .await?;
        if saved {
            changed.push(s.code);
        } else {
            stale.push(s.code);
        }
    }
    if !stale.is_empty() {
        drop(tx);
        // Show what is stored now beside what was typed; the form carries the stored version.
        let now_stored = content::sections(&state, t, org, year).await?;
        for f in &mut forms {
            if let Some(s) = now_stored.iter().find(|s| s.code == f.code) {
                f.version = s.version;
                if stale.contains(&f.code) {
                    f.stored = Some(s.body.clone());
                }
            }
        }
        let page = form_page(&state, ctx, &signed_in, org, year, forms, true).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    if !changed.is_empty() {
        // Which sections of which year's report changed: the words stay in the report.
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
            .by(me)
            .on("annual_report", org.as_uuid())
            .detail("year", i64::from(year))
            .detail("sections", changed.join(","));
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/statistics/report?year={year}&notice=saved#narrative"))
        .into_response())
}

/// The page again with the form as typed (an error or a stale save).
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    org: OrganisationId,
    year: i32,
    sections: Vec<SectionForm>,
    conflict: bool,
) -> Result<ReportPage, WebError> {
    let zone = signed_in.time_zone.as_deref();
    let report =
        content::build(state, &ctx.t, org, zone, year, super::export::threshold(state, org).await?)
            .await?;
    Ok(ReportPage {
        year_text: year.to_string(),
        year_error: None,
        report: Some(report),
        sections,
        conflict,
        notice: None,
        chrome: Chrome::new(ctx, state, Nav::Statistics),
    })
}
