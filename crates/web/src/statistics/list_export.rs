//! The list of the cases behind a figure, downloaded as CSV (issue 11 point 5: "no names in
//! exports unless the role allows and the user confirms").
//!
//! The list holds the cases the viewer may open, as the drill-down page shows them (the others
//! are counted in a note, not listed). By default it names nobody: each case is given by its
//! reference. Managers and supervisors ([`STATISTICS_NAMED_EXPORTERS`]) may ask for the
//! persons' names, and must then tick a confirmation; without it the page comes back (422)
//! saying so, with their choice kept. Every download is an `export` audit event saying whether
//! it named persons and how many lines it held.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::policy::{self, Decision, STATISTICS_NAMED_EXPORTERS};
use serde::Deserialize;
use store::audit::NewAuditEvent;

use super::pages::{StatsQuery, behind_figure, case_view, cases_page, may_open, period_label};
use crate::AppState;
use crate::audit::export::Csv;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;

/// The most cases one download lists; the file says when there were more.
pub const LIST_EXPORT_MAX: i64 = 10_000;

/// The download form as sent: the figure's query, and the two boxes.
#[derive(Deserialize, Default, Debug)]
pub struct ListExportForm {
    #[serde(flatten)]
    q: StatsQuery,
    #[serde(default)]
    names: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

/// The download form's state on the drill-down page.
#[derive(Default, Debug)]
pub struct ExportAsk {
    /// "Put the names in" was ticked.
    pub names: bool,
    /// The confirmation was ticked.
    pub confirm: bool,
    /// Why the download was refused.
    pub error: Option<String>,
}

/// Whether the viewer may ask for names in the list.
pub fn may_name(signed_in: &SignedIn) -> bool {
    policy::check(STATISTICS_NAMED_EXPORTERS, Some(&signed_in.actor)) == Decision::Allow
}

/// `POST /statistics/cases/export`: the cases behind a figure as CSV, named only when the
/// role allows it and the user confirmed; audited.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    meta: RequestMeta,
    Form(form): Form<ListExportForm>,
) -> Result<Response, WebError> {
    let names = form.names.is_some();
    if names && !may_name(&signed_in) {
        return Err(WebError::NotFound);
    }
    if names && form.confirm.is_none() {
        let ask = ExportAsk {
            names,
            confirm: false,
            error: Some(ctx.t.msg("stats-list-export-confirm-missing")),
        };
        return cases_page(&state, ctx, &signed_in, &form.q, ask, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
    let t = &ctx.t;
    let b = match behind_figure(&state, t, &signed_in, &form.q, LIST_EXPORT_MAX).await? {
        Ok(b) => b,
        Err(dashboard) => return Ok(Redirect::to(&dashboard).into_response()),
    };
    let zone = signed_in.time_zone.as_deref();
    let mut csv = Csv::new(usize::MAX);
    csv.row(&[format!("{} — {} — {}", b.title, b.r.scope_label, period_label(t, &b.r.period))]);
    csv.row(&[t.msg(if names { "stats-list-export-named" } else { "stats-list-export-unnamed" })]);
    let first = if names { "stats-col-person" } else { "stats-col-reference" };
    csv.row(&[
        t.msg(first),
        t.msg("stats-col-team"),
        t.msg("stats-col-referent"),
        t.msg("stats-col-opened"),
        t.msg("stats-col-status"),
    ]);
    let mut listed = 0_i64;
    for l in b.lines.iter().filter(|l| may_open(&signed_in, b.r.org, l)) {
        let v = case_view(t, zone, l);
        let who = if names { v.person } else { v.id.to_string() };
        csv.row(&[who, v.team, v.referent, v.opened, v.status]);
        listed += 1;
    }
    let not_listed = b.total - listed;
    if not_listed > 0 {
        csv.row(&[t.msg_count("stats-list-export-not-listed", &not_listed)]);
    }

    let mut tx = state.db.begin_write().await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::Export, Some(b.r.org))
            .by(signed_in.actor.user_id)
            .detail("kind", "statistics_cases")
            .detail("figure", b.figure.as_str())
            .detail("names", names)
            .detail("lines", listed as u64),
    )
    .await?;
    tx.commit().await?;

    let file = format!("attachment; filename=\"statistics-cases-{}.csv\"", b.figure.as_str());
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, file),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv.out,
    )
        .into_response())
}
