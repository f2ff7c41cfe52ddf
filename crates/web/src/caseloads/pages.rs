//! The caseloads page (each worker's load, the cases without a referent), a worker's cases,
//! moving cases at once, and the home page's panel (the alert of cases without a referent for
//! managers, the follow-up checks due for a referent).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::caseloads::{ReassignProblem, Reassignment, parse_reassignment};
use domain::cases::CaseStatus;
use domain::policy::{self, CaseloadScope};
use domain::{CaseId, OrganisationId, UserId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::caseloads::{CaseLine, Move, Reassigned};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, value_of};

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

fn scope(signed_in: &SignedIn) -> Result<CaseloadScope, WebError> {
    policy::caseload_scope(&signed_in.actor).ok_or(WebError::NotFound)
}

/// Today in the organisation's zone.
pub(crate) fn today(signed_in: &SignedIn) -> time::Date {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date()
}

fn local_date(ts: Ts, signed_in: &SignedIn) -> String {
    crate::dates::for_user(ts, signed_in).split(' ').next().unwrap_or_default().to_owned()
}

/// One option of a select.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// A worker's line of the caseloads table.
pub struct LoadView {
    pub user_id: UserId,
    pub name: String,
    pub open: i64,
    pub paused: i64,
    pub flagged: i64,
    pub overdue: i64,
    pub co_referent: i64,
    pub delegated: i64,
    pub active: bool,
}

/// A case in a list.
pub struct LineView {
    pub id: CaseId,
    /// `case id:version`, what a ticked box sends.
    pub value: String,
    pub person: String,
    pub team: String,
    pub status: String,
    pub referent: String,
    pub opened: String,
    pub flags: i64,
    /// "Until …, then back to …".
    pub delegation: Option<String>,
    pub checked: bool,
}

fn line_view(t: &Tr, signed_in: &SignedIn, l: &CaseLine, ticked: &[String]) -> LineView {
    let value = format!("{}:{}", l.id, l.version);
    let status = CaseStatus::parse(&l.status).unwrap_or(CaseStatus::Open);
    LineView {
        id: l.id,
        checked: ticked.contains(&value),
        value,
        person: l.person_name(),
        team: l.team_name.clone(),
        status: t.msg(&format!("case-status-{}", status.as_str())),
        referent: l.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent")),
        opened: local_date(l.opened_at, signed_in),
        flags: l.flags,
        delegation: l.delegated_until.map(|until| {
            t.msg_args(
                "caseload-delegated-until",
                &[
                    ("date", &local_date(until, signed_in)),
                    ("name", l.absent_name.as_deref().unwrap_or("?")),
                ],
            )
        }),
    }
}

/// The reassignment form under a list, for managers.
pub struct ReassignForm {
    /// Where the list was: a worker's id, or `unassigned`.
    pub from: String,
    pub workers: Vec<Choice>,
    pub permanent: bool,
    pub temporary: bool,
    pub until: String,
}

/// What was typed in the reassignment form.
#[derive(Default)]
struct Typed {
    cases: Vec<String>,
    from: String,
    to: String,
    mode: String,
    until: String,
}

async fn reassign_form(
    state: &AppState,
    ctx: &PageCtx,
    org: OrganisationId,
    from: String,
    typed: &Typed,
) -> Result<ReassignForm, WebError> {
    let workers = store::cases::workers(&state.db, org).await?;
    let mut choices =
        vec![Choice { code: String::new(), label: ctx.t.msg("case-choose"), selected: false }];
    choices.extend(workers.into_iter().filter(|(id, _)| id.to_string() != from).map(
        |(id, name)| Choice {
            selected: id.to_string() == typed.to,
            code: id.to_string(),
            label: name,
        },
    ));
    Ok(ReassignForm {
        from,
        workers: choices,
        permanent: typed.mode != "temporary",
        temporary: typed.mode == "temporary",
        until: typed.until.clone(),
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    moved: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// The caseloads page.

#[derive(Template, WebTemplate)]
#[template(path = "caseloads/index.html")]
pub struct IndexPage {
    chrome: Chrome,
    loads: Vec<LoadView>,
    lines: Vec<LineView>,
    reassign: Option<ReassignForm>,
    list_caption: String,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl IndexPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn index_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    typed: Typed,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
) -> Result<IndexPage, WebError> {
    let org = organisation(signed_in)?;
    let scope = scope(signed_in)?;
    let loads = store::caseloads::caseloads(&state.db, org, &scope, today(signed_in)).await?;
    let orphans = store::caseloads::without_referent(&state.db, org, &scope).await?;
    let t = &ctx.t;
    let lines = orphans.iter().map(|l| line_view(t, signed_in, l, &typed.cases)).collect();
    let reassign = if policy::may_reassign(&signed_in.actor) {
        Some(reassign_form(state, &ctx, org, "unassigned".into(), &typed).await?)
    } else {
        None
    };
    Ok(IndexPage {
        loads: loads
            .into_iter()
            .map(|l| LoadView {
                user_id: l.user_id,
                name: l.name,
                open: l.open_cases,
                paused: l.paused_cases,
                flagged: l.flagged_cases,
                overdue: l.overdue_steps,
                co_referent: l.co_referent_cases,
                delegated: l.delegated_cases,
                active: l.active,
            })
            .collect(),
        lines,
        reassign,
        list_caption: t.msg("caseload-unassigned-caption"),
        notice,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Caseloads),
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<IndexPage, WebError> {
    let notice = q.moved.map(|n| ctx.t.msg_count("caseload-moved", &n));
    index_page(&state, ctx, &signed_in, Typed::default(), notice, vec![]).await
}

// ---------------------------------------------------------------------------------------------
// A worker's cases.

#[derive(Template, WebTemplate)]
#[template(path = "caseloads/worker.html")]
pub struct WorkerPage {
    chrome: Chrome,
    name: String,
    active: bool,
    lines: Vec<LineView>,
    reassign: Option<ReassignForm>,
    list_caption: String,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl WorkerPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

async fn worker_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    user: UserId,
    typed: Typed,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
) -> Result<WorkerPage, WebError> {
    let org = organisation(signed_in)?;
    let scope = scope(signed_in)?;
    let loads = store::caseloads::caseloads(&state.db, org, &scope, today(signed_in)).await?;
    // Only a worker of the scope (or a referent of a case in it) has a page.
    let load = loads.into_iter().find(|l| l.user_id == user).ok_or(WebError::NotFound)?;
    let cases = store::caseloads::cases_of(&state.db, org, &scope, user).await?;
    let t = &ctx.t;
    let lines = cases.iter().map(|l| line_view(t, signed_in, l, &typed.cases)).collect();
    let reassign = if policy::may_reassign(&signed_in.actor) && !cases.is_empty() {
        Some(reassign_form(state, &ctx, org, user.to_string(), &typed).await?)
    } else {
        None
    };
    Ok(WorkerPage {
        list_caption: t.msg_args("caseload-worker-caption", &[("name", &load.name)]),
        name: load.name,
        active: load.active,
        lines,
        reassign,
        notice,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Caseloads),
    })
}

pub async fn worker(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(user): Path<UserId>,
    Query(q): Query<ListQuery>,
) -> Result<WorkerPage, WebError> {
    let notice = q.moved.map(|n| ctx.t.msg_count("caseload-moved", &n));
    worker_page(&state, ctx, &signed_in, user, Typed::default(), notice, vec![]).await
}

// ---------------------------------------------------------------------------------------------
// Moving cases.

fn problem(t: &Tr, p: ReassignProblem) -> String {
    match p {
        ReassignProblem::NoCase => t.msg("caseload-error-no-case"),
        ReassignProblem::TooManyCases { max } => {
            t.msg_args("caseload-error-too-many", &[("max", &max.to_string())])
        }
        ReassignProblem::ReferentRequired => t.msg("caseload-error-to"),
        ReassignProblem::ModeRequired => t.msg("caseload-error-mode"),
        ReassignProblem::EndDateRequired => t.msg("caseload-error-until-required"),
        ReassignProblem::EndDateInvalid => t.msg("caseload-error-until-invalid"),
        ReassignProblem::EndDateNotAfterToday => t.msg("caseload-error-until-past"),
        ReassignProblem::EndDateTooFar { max_days } => {
            t.msg_args("caseload-error-until-far", &[("days", &max_days.to_string())])
        }
    }
}

/// The page the form was on, again, with what was typed and what went wrong.
async fn again(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    typed: Typed,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    Ok(match typed_from(&typed) {
        Some(user) => {
            let page = worker_page(state, ctx, signed_in, user, typed, notice, errors).await?;
            (status, page).into_response()
        }
        None => {
            let page = index_page(state, ctx, signed_in, typed, notice, errors).await?;
            (status, page).into_response()
        }
    })
}

/// The worker whose list the form was on; none for the cases without a referent (and a form
/// that names no list, shown again as that one).
fn typed_from(typed: &Typed) -> Option<UserId> {
    typed.from.parse().ok()
}

/// Moves the ticked cases to the worker chosen, for good or until a date, in one transaction:
/// each case's version must be the one the list showed, or nothing moves (409, the list shown
/// again as it is now). Every moved case gets its timeline event and an audit event.
pub async fn reassign(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    if !policy::may_reassign(&signed_in.actor) {
        return Err(WebError::NotFound);
    }
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").trim().to_owned();
    let typed = Typed {
        cases: pairs
            .iter()
            .filter(|(k, _)| k == "case")
            .map(|(_, v)| v.trim().to_owned())
            .collect(),
        from: get("from"),
        to: get("to"),
        mode: get("mode"),
        until: get("until"),
    };
    let mut cases: Vec<(CaseId, i64)> = Vec::new();
    for c in &typed.cases {
        let parsed =
            c.split_once(':').and_then(|(id, v)| Some((id.parse().ok()?, v.parse().ok()?)));
        match parsed {
            Some(p) if !cases.iter().any(|(id, _)| *id == p.0) => cases.push(p),
            Some(_) => {}
            None => return Err(WebError::NotFound),
        }
    }
    let workers = store::cases::workers(&state.db, org).await?;
    let to = typed.to.parse::<UserId>().ok().filter(|u| workers.iter().any(|(w, _)| w == u));
    let (to, how) =
        match parse_reassignment(cases.len(), to, &typed.mode, &typed.until, today(&signed_in)) {
            Ok(ok) => ok,
            Err(problems) => {
                let errors = problems.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect();
                return again(
                    &state,
                    ctx,
                    &signed_in,
                    typed,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    errors,
                )
                .await;
            }
        };
    let zone = signed_in.time_zone.as_deref();
    let until_label;
    let store_move = match how {
        Reassignment::Permanent => Move::Permanent,
        Reassignment::Until(d) => {
            let ends_at = crate::dates::local_to_utc(Reassignment::ends_local(d), zone)
                .ok_or(WebError::Internal("a delegation's end is not a time"))?;
            until_label = domain::persons::french_date(d);
            Move::Until { ends_at, until_label: &until_label }
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    match store::caseloads::reassign(&mut tx, org, &cases, to, store_move, me, Ts::now()).await? {
        Reassigned::Stale(stale) => {
            drop(tx);
            let notice = Some(ctx.t.msg_count("caseload-conflict", &(stale.len() as i64)));
            // Nothing moved: the list as it is now, the choices kept for another try.
            let typed = Typed { cases: vec![], ..typed };
            again(&state, ctx, &signed_in, typed, StatusCode::CONFLICT, notice, vec![]).await
        }
        Reassigned::Done(moved) => {
            for m in &moved {
                let mut event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
                    .by(me)
                    .on("case", m.case_id.as_uuid())
                    .detail("referent", to.to_string());
                if let Some(d) = m.delegation {
                    event = event.detail("delegation", d.to_string());
                }
                audit_trail::record(&mut tx, &meta, event).await?;
            }
            tx.commit().await?;
            let back = match typed_from(&typed) {
                Some(user) => format!("/caseloads/{user}?moved={}", moved.len()),
                None => format!("/caseloads?moved={}", moved.len()),
            };
            Ok(Redirect::to(&back).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The home page's panel.

/// A due check on the home page.
pub struct DueLine {
    pub href: String,
    pub label: String,
}

/// What the home page shows of caseloads and follow-ups.
#[derive(Default)]
pub struct HomePanel {
    /// Managers and supervisors: a link to the caseloads.
    pub caseloads_link: bool,
    /// Managers: "N cases have no referent".
    pub unassigned_alert: Option<String>,
    /// A referent's follow-up checks due within two weeks.
    pub due_checks: Vec<DueLine>,
}

/// The home page's panel for the signed-in user (at most two queries).
pub async fn home_panel(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
) -> Result<HomePanel, WebError> {
    let Some(org) = signed_in.actor.organisation() else { return Ok(HomePanel::default()) };
    let mut panel =
        HomePanel { caseloads_link: super::sees_caseloads(signed_in), ..Default::default() };
    if policy::may_reassign(&signed_in.actor) {
        let n = store::caseloads::count_without_referent(&state.db, org).await?;
        if n > 0 {
            panel.unassigned_alert = Some(t.msg_count("home-cases-without-referent", &n));
        }
    }
    if crate::chrome::allows(policy::FOLLOW_UP_WRITERS, signed_in) {
        let until = today(signed_in) + time::Duration::days(domain::follow_ups::DUE_SOON_DAYS);
        let due =
            store::follow_ups::due_for(&state.db, org, signed_in.actor.user_id, until).await?;
        panel.due_checks = due
            .into_iter()
            .map(|d| DueLine {
                href: format!("/cases/{}/follow-ups/{}", d.case_id, d.id),
                label: t.msg_args(
                    "home-follow-up-due",
                    &[
                        ("name", &d.person_name()),
                        ("date", &domain::persons::french_date(d.due_on)),
                    ],
                ),
            })
            .collect();
    }
    Ok(panel)
}
