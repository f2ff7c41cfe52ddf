//! The dashboard and the drill-down pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::lists::{ListName, Lists};
use domain::policy::{self, CaseFacts};
use domain::statistics::{Figure, Period, PeriodProblem, StatsScope, parse_period, percent};
use domain::{CaseId, OrganisationId, TeamId, UserId};
use serde::Deserialize;
use store::Ts;
use store::statistics::{Activity, CaseBehind, Span};

use crate::AppState;
use crate::auth::SignedIn;
use crate::charts::{self, Bars};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// What the dashboard's form and the drill-down links send.
#[derive(Deserialize, Default, Debug)]
pub struct StatsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    worker: String,
    #[serde(default)]
    figure: String,
    #[serde(default)]
    code: Option<String>,
    /// The export's format (`csv`, `xlsx`).
    #[serde(default)]
    pub(super) format: Option<String>,
}

/// One option of a select.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The form above the figures: the period and whose figures.
pub struct Filters {
    /// Where the form sends the period and the scope: the dashboard, or its tables.
    pub action: &'static str,
    pub from: String,
    pub to: String,
    /// Empty when the viewer has no choice of team (a worker).
    pub teams: Vec<Choice>,
    pub workers: Vec<Choice>,
    pub errors: Vec<(&'static str, String)>,
}

impl Filters {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What the figures are about, resolved and allowed.
pub(super) struct Resolved {
    pub(super) org: OrganisationId,
    pub(super) scope: StatsScope,
    pub(super) period: Period,
    pub(super) span: Span,
    /// The query string that keeps the period and the scope (`from=…&to=…&team=…`).
    pub(super) keep: Vec<(&'static str, String)>,
    /// "Organisation", "Team Insertion", "Caseload of Alice".
    pub(super) scope_label: String,
}

fn iso(d: time::Date) -> String {
    domain::persons::iso_date(d)
}

fn period_problem(t: &Tr, p: PeriodProblem) -> (&'static str, String) {
    match p {
        PeriodProblem::FromInvalid => ("from", t.msg("stats-error-from")),
        PeriodProblem::ToInvalid => ("to", t.msg("stats-error-to")),
        PeriodProblem::Reversed => ("to", t.msg("stats-error-reversed")),
        PeriodProblem::TooLong { max_days } => {
            ("to", t.msg_args("stats-error-too-long", &[("years", &(max_days / 366).to_string())]))
        }
    }
}

/// The filters and, when the period is right, what it resolves to. A team or a worker the
/// viewer may not read is "not found", as an unknown one.
pub(super) async fn resolve(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    q: &StatsQuery,
) -> Result<(Filters, Option<Resolved>), WebError> {
    let org = signed_in.actor.organisation().ok_or(WebError::NotFound)?;
    let base = policy::statistics_scope(&signed_in.actor).ok_or(WebError::NotFound)?;
    let zone = signed_in.time_zone.as_deref();
    let today = crate::dates::utc_to_local(Ts::now(), zone).date();

    let all_teams = store::statistics::teams(&state.db, org).await?;
    let teams: Vec<(TeamId, String)> = match &base {
        StatsScope::Organisation => all_teams,
        StatsScope::Teams(mine) => {
            all_teams.into_iter().filter(|(id, _)| mine.contains(id)).collect()
        }
        StatsScope::Worker(_) => vec![],
    };
    let workers = match &base {
        StatsScope::Worker(_) => vec![],
        _ => store::statistics::workers(&state.db, org, &base).await?,
    };

    let team = match q.team.trim() {
        "" => None,
        s => {
            let id: TeamId = s.parse().map_err(|_| WebError::NotFound)?;
            Some(teams.iter().find(|(t, _)| *t == id).cloned().ok_or(WebError::NotFound)?)
        }
    };
    let worker = match q.worker.trim() {
        "" => None,
        s => {
            let id: UserId = s.parse().map_err(|_| WebError::NotFound)?;
            Some(workers.iter().find(|(w, _)| *w == id).cloned().ok_or(WebError::NotFound)?)
        }
    };
    let (scope, scope_label) = match (&worker, &team) {
        (Some((id, name)), _) => {
            (StatsScope::Worker(*id), t.msg_args("stats-scope-worker", &[("name", name)]))
        }
        (None, Some((id, name))) => {
            (StatsScope::Teams(vec![*id]), t.msg_args("stats-scope-team", &[("name", name)]))
        }
        (None, None) => match &base {
            StatsScope::Organisation => (base.clone(), t.msg("stats-scope-organisation")),
            StatsScope::Teams(_) => (base.clone(), t.msg("stats-scope-my-teams")),
            StatsScope::Worker(_) => (base.clone(), t.msg("stats-scope-my-caseload")),
        },
    };
    // The lists above only offer what the viewer's scope holds; this says it once more.
    if !base.contains(&scope, worker.is_some()) {
        return Err(WebError::NotFound);
    }

    let mut filters = Filters {
        action: "/statistics",
        from: q.from.clone(),
        to: q.to.clone(),
        teams: vec![],
        workers: vec![],
        errors: vec![],
    };
    if !teams.is_empty() {
        filters.teams.push(Choice {
            code: String::new(),
            label: t.msg("stats-all-teams"),
            selected: team.is_none(),
        });
        filters.teams.extend(teams.iter().map(|(id, name)| Choice {
            code: id.to_string(),
            label: name.clone(),
            selected: team.as_ref().is_some_and(|(t, _)| t == id),
        }));
    }
    if !workers.is_empty() {
        filters.workers.push(Choice {
            code: String::new(),
            label: t.msg("stats-all-workers"),
            selected: worker.is_none(),
        });
        filters.workers.extend(workers.iter().map(|(id, name)| Choice {
            code: id.to_string(),
            label: name.clone(),
            selected: worker.as_ref().is_some_and(|(w, _)| w == id),
        }));
    }

    let period = match parse_period(&q.from, &q.to, today) {
        Ok(p) => p,
        Err(problems) => {
            filters.errors = problems.into_iter().map(|p| period_problem(t, p)).collect();
            return Ok((filters, None));
        }
    };
    filters.from = iso(period.from);
    filters.to = iso(period.to);
    let (start, end) = period.local_bounds();
    let span = Span {
        from: crate::dates::local_to_utc(start, zone).ok_or(WebError::Internal("period start"))?,
        until: crate::dates::local_to_utc(end, zone).ok_or(WebError::Internal("period end"))?,
    };
    let mut keep = vec![("from", iso(period.from)), ("to", iso(period.to))];
    if let Some((id, _)) = &team {
        keep.push(("team", id.to_string()));
    }
    if let Some((id, _)) = &worker {
        keep.push(("worker", id.to_string()));
    }
    Ok((filters, Some(Resolved { org, scope, period, span, keep, scope_label })))
}

/// The link to the cases behind a figure.
fn behind(keep: &[(&'static str, String)], figure: Figure, code: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("figure", figure.as_str()));
    if let Some(code) = code {
        pairs.push(("code", code));
    }
    format!("/statistics/cases?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// A count with the link to its cases (none when there is nothing behind it).
pub struct Linked {
    pub label: String,
    pub count: i64,
    pub href: Option<String>,
}

fn linked(label: String, count: i64, href: String) -> Linked {
    Linked { label, count, href: (count > 0).then_some(href) }
}

/// A contact type's line.
pub struct ContactLine {
    pub count: Linked,
    pub time: String,
    pub with_duration: i64,
}

/// A partner service's line.
pub struct ReferralLine {
    pub sent: Linked,
    pub partner: String,
    pub accepted: i64,
    pub declined: i64,
    /// "67 % (4 of 6 answers)", or "no answer yet".
    pub acceptance: String,
    pub answer_time: String,
}

/// The figures, ready to show.
pub struct Figures {
    pub persons: i64,
    pub households: i64,
    /// Cases followed, opened, closed.
    pub case_lines: Vec<Linked>,
    pub closures: Vec<Linked>,
    pub contacts_total: Linked,
    pub contacts: Vec<ContactLine>,
    pub time_total: String,
    pub contacts_chart: Bars,
    pub flags_raised: Linked,
    pub flags_acknowledged: i64,
    pub flags_ack_average: String,
    pub flags_within_day: String,
    pub appointments: Vec<Linked>,
    pub appointments_kept: String,
    pub referrals: Vec<ReferralLine>,
    pub documents: Linked,
}

/// `minutes` as "3 h 05" (or "45 min").
fn duration(t: &Tr, minutes: i64) -> String {
    if minutes < 60 {
        t.msg_args("stats-minutes", &[("minutes", &minutes.to_string())])
    } else {
        t.msg_args(
            "stats-hours",
            &[("hours", &(minutes / 60).to_string()), ("minutes", &format!("{:02}", minutes % 60))],
        )
    }
}

/// "67 % (4 of 6)", or the honest "no … to count" when the denominator is 0.
fn share(t: &Tr, part: i64, whole: i64, of: &str) -> String {
    match percent(part, whole) {
        Some(p) => t.msg_args(
            "stats-share",
            &[
                ("percent", &p.to_string()),
                ("part", &part.to_string()),
                ("whole", &whole.to_string()),
                ("of", of),
            ],
        ),
        None => t.msg("stats-no-denominator"),
    }
}

pub(super) fn state_label(t: &Tr, state: &str) -> String {
    t.msg(&format!("appointment-status-{state}"))
}

pub(super) fn closure_label(t: &Tr, lists: &Lists, code: &str) -> String {
    if code.is_empty() {
        t.msg("stats-no-reason")
    } else {
        list_label(t, lists, ListName::CaseClosureReason, code)
    }
}

fn figures(t: &Tr, lists: &Lists, a: &Activity, keep: &[(&'static str, String)]) -> Figures {
    let link = |f: Figure, code: Option<&str>| behind(keep, f, code);
    let contacts: Vec<ContactLine> = a
        .contacts
        .iter()
        .map(|c| ContactLine {
            count: linked(
                crate::cases::note_type_label(t, lists, &c.code),
                c.count,
                link(Figure::Contacts, Some(&c.code)),
            ),
            time: duration(t, c.minutes),
            with_duration: c.with_duration,
        })
        .collect();
    let chart_items: Vec<(String, i64)> =
        contacts.iter().map(|c| (c.count.label.clone(), c.count.count)).collect();
    let ack_average = if a.flags.acknowledged > 0 {
        duration(t, a.flags.ack_seconds / 60 / a.flags.acknowledged)
    } else {
        t.msg("stats-no-denominator")
    };
    let done = a.appointments_in("done");
    let missed = a.appointments_in("missed");
    Figures {
        persons: a.cases.persons,
        households: a.cases.households,
        case_lines: vec![
            linked(t.msg("stats-cases-followed"), a.cases.followed, link(Figure::Followed, None)),
            linked(t.msg("stats-cases-opened"), a.cases.opened, link(Figure::Opened, None)),
            linked(t.msg("stats-cases-closed"), a.cases.closed, link(Figure::Closed, None)),
        ],
        closures: a
            .closures
            .iter()
            .map(|c| {
                linked(
                    closure_label(t, lists, &c.code),
                    c.count,
                    link(Figure::Closed, Some(&c.code)),
                )
            })
            .collect(),
        contacts_total: linked(
            t.msg("stats-contacts-total"),
            a.contacts_total(),
            link(Figure::Contacts, None),
        ),
        time_total: duration(t, a.minutes_total()),
        contacts_chart: charts::bars(
            "contacts-chart",
            &t.msg("stats-contacts-chart-title"),
            &t.msg("stats-contacts-chart-desc"),
            &chart_items,
        ),
        contacts,
        flags_raised: linked(
            t.msg("stats-flags-raised"),
            a.flags.raised,
            link(Figure::Flags, None),
        ),
        flags_acknowledged: a.flags.acknowledged,
        flags_ack_average: ack_average,
        flags_within_day: share(
            t,
            a.flags.ack_within_day,
            a.flags.acknowledged,
            &t.msg("stats-of-acknowledged"),
        ),
        appointments: ["done", "missed", "cancelled", "planned"]
            .into_iter()
            .map(|s| {
                linked(state_label(t, s), a.appointments_in(s), link(Figure::Appointments, Some(s)))
            })
            .collect(),
        appointments_kept: share(t, done, done + missed, &t.msg("stats-of-kept-or-missed")),
        referrals: a
            .referrals
            .iter()
            .map(|r| ReferralLine {
                sent: linked(
                    r.service.clone(),
                    r.sent,
                    link(Figure::Referrals, Some(&r.service_id.to_string())),
                ),
                partner: r.partner.clone(),
                accepted: r.accepted,
                declined: r.declined,
                acceptance: share(
                    t,
                    r.accepted,
                    r.accepted + r.declined,
                    &t.msg("stats-of-decisions"),
                ),
                answer_time: if r.answered > 0 {
                    duration(t, r.answer_seconds / 60 / r.answered)
                } else {
                    t.msg("stats-no-answer")
                },
            })
            .collect(),
        documents: linked(t.msg("stats-documents"), a.documents, link(Figure::Documents, None)),
    }
}

pub(super) fn period_label(t: &Tr, p: &Period) -> String {
    t.msg_args(
        "stats-period",
        &[
            ("from", &domain::persons::french_date(p.from)),
            ("to", &domain::persons::french_date(p.to)),
        ],
    )
}

/// A life domain's change between first and latest assessment.
pub struct DomainLine {
    pub label: String,
    pub cases: i64,
    pub improved: String,
    pub same: String,
    pub worsened: String,
}

/// A life domain's outcomes at the checks after closure.
pub struct HeldLine {
    pub label: String,
    pub held: i64,
    pub partly: i64,
    pub not_held: i64,
}

/// What the article calls success, with its denominators.
pub struct OutcomeView {
    pub domains: Vec<DomainLine>,
    pub goals: String,
    pub victories: String,
    pub checks: String,
    pub wellbeing: String,
    pub power: String,
    pub held: Vec<HeldLine>,
}

/// An average out of 10 with one decimal, and over how many.
fn average(t: &Tr, sum: i64, n: i64) -> String {
    if n == 0 {
        return t.msg("stats-no-denominator");
    }
    let tenths = (sum * 10 + n / 2) / n;
    t.msg_args(
        "stats-average",
        &[
            ("value", &format!("{}{}{}", tenths / 10, t.msg("stats-decimal-sign"), tenths % 10)),
            ("count", &n.to_string()),
        ],
    )
}

fn outcome_view(t: &Tr, lists: &Lists, o: &store::statistics::Outcomes) -> OutcomeView {
    let domain = |code: &str| list_label(t, lists, ListName::LifeDomain, code);
    // The denominator is the line's own "assessed twice" count, beside it.
    let of = |n: i64, whole: i64| match percent(n, whole) {
        Some(p) => t.msg_args(
            "stats-share-short",
            &[("percent", &p.to_string()), ("part", &n.to_string())],
        ),
        None => t.msg("stats-no-denominator"),
    };
    let mut held: Vec<HeldLine> = Vec::new();
    for (code, outcome, n) in &o.held {
        let line = match held.iter_mut().find(|h| h.label == domain(code)) {
            Some(l) => l,
            None => {
                held.push(HeldLine { label: domain(code), held: 0, partly: 0, not_held: 0 });
                held.last_mut().expect("just pushed")
            }
        };
        match outcome.as_str() {
            "held" => line.held += n,
            "partly" => line.partly += n,
            _ => line.not_held += n,
        }
    }
    OutcomeView {
        domains: o
            .domains
            .iter()
            .map(|d| DomainLine {
                label: domain(&d.code),
                cases: d.cases,
                improved: of(d.improved, d.cases),
                same: of(d.same, d.cases),
                worsened: of(d.worsened, d.cases),
            })
            .collect(),
        goals: t.msg_args(
            "stats-goals-achieved",
            &[("achieved", &o.plans.achieved.to_string()), ("goals", &o.plans.goals.to_string())],
        ),
        victories: t.msg_args(
            "stats-victories-count",
            &[
                ("victories", &o.plans.victories.to_string()),
                ("cases", &o.plans.cases_with_victory.to_string()),
            ],
        ),
        checks: t.msg_args(
            "stats-checks-count",
            &[
                ("done", &o.checks.done.to_string()),
                ("due", &o.checks.due.to_string()),
                ("missed", &o.checks.missed.to_string()),
            ],
        ),
        wellbeing: average(t, o.checks.wellbeing_sum, o.checks.wellbeing_n),
        power: average(t, o.checks.power_sum, o.checks.power_n),
        held,
    }
}

// ---------------------------------------------------------------------------------------------
// The dashboard.

#[derive(Template, WebTemplate)]
#[template(path = "statistics/dashboard.html")]
pub struct DashboardPage {
    chrome: Chrome,
    filters: Filters,
    /// "Organisation, from 1 January 2025 to 31 December 2025".
    heading: String,
    figures: Option<Figures>,
    outcomes: Option<OutcomeView>,
    /// The links to the same figures as files, suppressed for outside the team.
    exports: Vec<(String, String)>,
    /// The statutory tables for the same period and scope.
    tables_href: String,
    /// Whether the viewer makes the annual report (the organisation's figures).
    report: bool,
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let (filters, resolved) = resolve(&state, t, &signed_in, &q).await?;
    let Some(r) = resolved else {
        let page = DashboardPage {
            filters,
            heading: String::new(),
            figures: None,
            outcomes: None,
            exports: vec![],
            tables_href: "/statistics/tables".to_owned(),
            report: false,
            chrome: Chrome::new(ctx, &state, Nav::Statistics),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let lists = store::lists::for_organisation(&state.db, r.org).await?;
    let activity = store::statistics::activity(&state.db, r.org, &r.scope, r.span).await?;
    let outcomes =
        store::statistics::outcomes(&state.db, r.org, &r.scope, r.span, r.period.from, r.period.to)
            .await?;
    let page = DashboardPage {
        outcomes: Some(outcome_view(t, &lists, &outcomes)),
        heading: format!("{} — {}", r.scope_label, period_label(t, &r.period)),
        figures: Some(figures(t, &lists, &activity, &r.keep)),
        exports: ["csv", "xlsx"]
            .into_iter()
            .map(|format| {
                let mut pairs: Vec<(&str, &str)> =
                    r.keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
                pairs.push(("format", format));
                let href = format!(
                    "/statistics/export?{}",
                    serde_urlencoded::to_string(&pairs).unwrap_or_default()
                );
                (href, t.msg(&format!("stats-export-{format}")))
            })
            .collect(),
        tables_href: format!(
            "/statistics/tables?{}",
            serde_urlencoded::to_string(
                r.keep.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()
            )
            .unwrap_or_default()
        ),
        report: matches!(
            policy::statistics_scope(&signed_in.actor),
            Some(StatsScope::Organisation)
        ),
        filters,
        chrome: Chrome::new(ctx, &state, Nav::Statistics),
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------------------------------------
// The cases behind a figure.

/// A case the viewer may open.
pub struct CaseView {
    pub id: CaseId,
    pub person: String,
    pub team: String,
    pub referent: String,
    pub opened: String,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/cases.html")]
pub struct CasesPage {
    pub(super) chrome: Chrome,
    /// "Cases closed — reason: moved".
    pub(super) title: String,
    pub(super) heading: String,
    pub(super) back: String,
    pub(super) lines: Vec<CaseView>,
    pub(super) total: i64,
    /// Behind the figure, but not the viewer's to open: counted only.
    pub(super) hidden: i64,
    /// More than the list shows.
    pub(super) more: i64,
    /// The download form: the period, scope and figure the list is about (none: no form).
    pub(super) export_fields: Vec<(&'static str, String)>,
    /// The viewer may put names in the download (after confirming).
    pub(super) may_name: bool,
    pub(super) export: super::list_export::ExportAsk,
}

fn figure_label(
    t: &Tr,
    lists: &Lists,
    figure: Figure,
    code: Option<&str>,
    service: Option<&str>,
) -> String {
    let name = t.msg(&format!("stats-figure-{}", figure.as_str()));
    let Some(code) = code else { return name };
    let detail = match figure {
        Figure::Closed => closure_label(t, lists, code),
        Figure::Contacts => crate::cases::note_type_label(t, lists, code),
        Figure::Appointments => state_label(t, code),
        Figure::Referrals => service.unwrap_or(code).to_owned(),
        _ => code.to_owned(),
    };
    format!("{name} — {detail}")
}

/// The cases behind a figure, as asked: the figure, its code and title, the resolved period
/// and scope, up to `limit` cases and how many in all.
pub(super) struct Behind {
    pub(super) r: Resolved,
    pub(super) figure: Figure,
    pub(super) code: Option<String>,
    pub(super) title: String,
    pub(super) lines: Vec<CaseBehind>,
    pub(super) total: i64,
}

/// Reads the cases behind the figure `q` asks for; `Err(url)`: the dashboard to go back to
/// (no figure, or a wrong period), with what was asked.
pub(super) async fn behind_figure(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    q: &StatsQuery,
    limit: i64,
) -> Result<Result<Behind, String>, WebError> {
    // A drill-down comes from a figure of a right period: without either, the dashboard says
    // what is wrong, with what was asked.
    let asked = [("from", &q.from), ("to", &q.to), ("team", &q.team), ("worker", &q.worker)];
    let dashboard = format!(
        "/statistics?{}",
        serde_urlencoded::to_string(
            asked.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()
        )
        .unwrap_or_default()
    );
    let Some(figure) = Figure::parse(&q.figure) else {
        return Ok(Err(dashboard));
    };
    let code = q.code.as_deref().filter(|_| figure.takes_code());
    let (_, resolved) = resolve(state, t, signed_in, q).await?;
    let Some(r) = resolved else {
        return Ok(Err(dashboard));
    };
    let me = signed_in.actor.user_id;
    let (lines, total) = store::statistics::cases_behind_up_to(
        &state.db, r.org, &r.scope, r.span, figure, code, me, limit,
    )
    .await?;
    let lists = store::lists::for_organisation(&state.db, r.org).await?;
    let service = match (figure, code.and_then(|c| c.parse().ok())) {
        (Figure::Referrals, Some(id)) => store::statistics::service_name(&state.db, id).await?,
        _ => None,
    };
    let title = figure_label(t, &lists, figure, code, service.as_deref());
    Ok(Ok(Behind { r, figure, code: code.map(str::to_owned), title, lines, total }))
}

pub async fn cases(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<StatsQuery>,
) -> Result<Response, WebError> {
    cases_page(&state, ctx, &signed_in, &q, Default::default(), StatusCode::OK).await
}

/// The drill-down page, with the download form as `export` left it (a refusal is shown with
/// `status`).
pub(super) async fn cases_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    q: &StatsQuery,
    export: super::list_export::ExportAsk,
    status: StatusCode,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let b = match behind_figure(state, t, signed_in, q, store::statistics::BEHIND_MAX).await? {
        Ok(b) => b,
        Err(dashboard) => return Ok(Redirect::to(&dashboard).into_response()),
    };
    let zone = signed_in.time_zone.as_deref();
    let mut lines = Vec::new();
    let mut hidden = 0;
    for l in &b.lines {
        if may_open(signed_in, b.r.org, l) {
            lines.push(case_view(t, zone, l));
        } else {
            hidden += 1;
        }
    }
    let shown = b.lines.len() as i64;
    let back_pairs: Vec<(&str, &str)> = b.r.keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut export_fields = b.r.keep.clone();
    export_fields.push(("figure", b.figure.as_str().to_owned()));
    if let Some(code) = &b.code {
        export_fields.push(("code", code.clone()));
    }
    let page = CasesPage {
        heading: format!("{} — {}", b.r.scope_label, period_label(t, &b.r.period)),
        back: format!(
            "/statistics?{}",
            serde_urlencoded::to_string(&back_pairs).unwrap_or_default()
        ),
        title: b.title,
        lines,
        total: b.total,
        hidden,
        more: b.total - shown,
        export_fields,
        may_name: super::list_export::may_name(signed_in),
        export,
        chrome: Chrome::new(ctx, state, Nav::Statistics),
    };
    Ok((status, page).into_response())
}

/// Whether the viewer may open the case (its page): the case policy decides, as everywhere.
pub(super) fn may_open(signed_in: &SignedIn, org: OrganisationId, l: &CaseBehind) -> bool {
    let me = [signed_in.actor.user_id];
    let facts = CaseFacts {
        organisation_id: org,
        team_id: l.team_id,
        referent_id: l.referent(),
        co_referents: if l.viewer_co_referent { &me } else { &[] },
    };
    policy::case_access(&signed_in.actor, &facts).metadata
}

pub(super) fn case_view(t: &Tr, zone: Option<&str>, l: &CaseBehind) -> CaseView {
    let date = |ts: Ts| domain::persons::french_date(crate::dates::utc_to_local(ts, zone).date());
    let status = match (l.status.as_str(), l.closed_at) {
        ("closed", Some(at)) => t.msg_args("stats-closed-on", &[("date", &date(at))]),
        (s, _) => t.msg(&format!("case-status-{s}")),
    };
    CaseView {
        id: l.id,
        person: l.person_name(),
        team: l.team_name.clone(),
        referent: l.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent")),
        opened: date(l.opened_at),
        status,
    }
}
