//! Follow-up checks of a closed case (issue 7 point 7): scheduled at closure (3, 6 and 12
//! months by default, editable), then recorded at a contact with the person — the date, a
//! wellbeing and a "power to act" rating (0–10), and per life domain whether the change held —
//! or marked missed. A closed case keeps this for those who wrote it
//! ([`policy::may_follow_up`]); its readers see the results. Each step is a `follow_up` event
//! on the timeline and an audit event; each page showing them records a `case_file_read`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::cases::CaseStatus;
use domain::follow_ups::{
    self as rules, CheckInput, FollowUpProblem, FollowUpStatus, Outcome, parse_check,
    parse_schedule,
};
use domain::lists::{ListName, Lists};
use domain::policy;
use domain::{CaseId, OrganisationId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::follow_ups::FollowUp;
use uuid::Uuid;

use super::pages::{Loaded, load, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

/// Records that the user opened the case's follow-ups, before anything of them is shown.
async fn audit_read(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    loaded: &Loaded,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("content", true)
        .detail("follow_ups", true)
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A case whose follow-ups the user reads (the content of the case).
async fn readable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

/// A case whose follow-ups the user schedules and records, whatever its status.
async fn writable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !policy::may_follow_up(&loaded.access) {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

fn closed_on(loaded: &Loaded, signed_in: &SignedIn) -> Option<time::Date> {
    let closed = loaded.case.closed_at.filter(|_| loaded.case.status() == CaseStatus::Closed)?;
    Some(crate::dates::utc_to_local(closed, signed_in.time_zone.as_deref()).date())
}

fn date(d: time::Date) -> String {
    domain::persons::french_date(d)
}

fn problem(t: &Tr, p: FollowUpProblem) -> String {
    match p {
        FollowUpProblem::DateRequired => t.msg("follow-up-error-date-required"),
        FollowUpProblem::DateInvalid => t.msg("follow-up-error-date-invalid"),
        FollowUpProblem::BeforeClosure => t.msg("follow-up-error-before-closure"),
        FollowUpProblem::TooFar { years } => {
            t.msg_args("follow-up-error-too-far", &[("years", &years.to_string())])
        }
        FollowUpProblem::TooMany { max } => {
            t.msg_args("follow-up-error-too-many", &[("max", &max.to_string())])
        }
        FollowUpProblem::InFuture => t.msg("follow-up-error-future"),
        FollowUpProblem::RatingRequired => t.msg("follow-up-error-rating-required"),
        FollowUpProblem::RatingInvalid { max } => {
            t.msg_args("follow-up-error-rating-invalid", &[("max", &max.to_string())])
        }
        FollowUpProblem::OutcomeInvalid => t.msg("follow-up-error-outcome"),
    }
}

// ---------------------------------------------------------------------------------------------
// The list, and scheduling.

/// A check as the list shows it.
pub struct CheckView {
    pub id: Uuid,
    pub due: String,
    pub status: String,
    pub status_code: &'static str,
    pub done: Option<String>,
    pub wellbeing: Option<i64>,
    pub power_to_act: Option<i64>,
    /// "Housing: held", one per domain asked.
    pub outcomes: Vec<String>,
    pub version: i64,
    pub open: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/follow_ups.html")]
pub struct FollowUpsPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    closed: Option<String>,
    checks: Vec<CheckView>,
    can_write: bool,
    /// The scheduling form's date fields (`yyyy-mm-dd` as typed), when the case is closed.
    schedule: Option<Vec<String>>,
    notice: Option<String>,
    errors: Vec<(String, String)>,
}

impl FollowUpsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

fn outcome_label(t: &Tr, o: Outcome) -> String {
    t.msg(&format!("follow-up-outcome-{}", o.as_str().replace('_', "-")))
}

fn check_view(t: &Tr, lists: &Lists, c: &FollowUp) -> CheckView {
    let status = c.status();
    CheckView {
        id: c.id,
        due: date(c.due_on),
        status: t.msg(&format!("follow-up-status-{}", status.as_str())),
        status_code: status.as_str(),
        done: c.done_on.map(date),
        wellbeing: c.wellbeing,
        power_to_act: c.power_to_act,
        outcomes: c
            .domains
            .iter()
            .map(|(code, o)| {
                format!(
                    "{} : {}",
                    list_label(t, lists, ListName::LifeDomain, code),
                    outcome_label(t, *o)
                )
            })
            .collect(),
        version: c.version,
        open: status != FollowUpStatus::Done,
    }
}

#[allow(clippy::too_many_arguments)] // The page, and what a failed form said.
async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    typed: Option<Vec<String>>,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> Result<FollowUpsPage, WebError> {
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    let person =
        store::persons::find(&state.db, org, case.person_id).await?.ok_or(WebError::NotFound)?;
    let checks = store::follow_ups::of_case(&state.db, org, case.id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let can_write = policy::may_follow_up(&loaded.access);
    let closed = closed_on(loaded, signed_in);
    let schedule = match (can_write, closed) {
        (true, Some(on)) => Some(typed.unwrap_or_else(|| {
            // The defaults when nothing is scheduled yet; one more line for another date.
            let mut dates: Vec<String> = if checks.is_empty() {
                rules::default_dates(on).into_iter().map(domain::persons::iso_date).collect()
            } else {
                vec![]
            };
            dates.resize(rules::DEFAULT_MONTHS.len() + 1, String::new());
            dates
        })),
        _ => None,
    };
    Ok(FollowUpsPage {
        case_id: case.id,
        person_name: person.record.display_name(),
        closed: closed.map(date),
        checks: checks.iter().map(|c| check_view(t, &lists, c)).collect(),
        can_write,
        schedule,
        notice,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    closed: Option<String>,
    scheduled: Option<i64>,
    recorded: Option<String>,
    missed: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<ListQuery>,
) -> Result<FollowUpsPage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded).await?;
    let t = &ctx.t;
    let notice = if q.closed.is_some() {
        Some(t.msg("follow-up-notice-closed"))
    } else if let Some(n) = q.scheduled {
        Some(t.msg_count("follow-up-notice-scheduled", &n))
    } else if q.recorded.is_some() {
        Some(t.msg("follow-up-notice-recorded"))
    } else if q.missed.is_some() {
        Some(t.msg("follow-up-notice-missed"))
    } else {
        None
    };
    list_page(&state, ctx, &signed_in, &loaded, None, notice, vec![]).await
}

pub async fn schedule(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let typed: Vec<String> =
        pairs.iter().filter(|(k, _)| k == "due").map(|(_, v)| v.trim().to_owned()).collect();
    // Checks follow a closure.
    let Some(closed) = closed_on(&loaded, &signed_in) else {
        let errors = vec![("error-summary".to_owned(), ctx.t.msg("follow-up-error-not-closed"))];
        let page = list_page(&state, ctx, &signed_in, &loaded, None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let dates = match parse_schedule(&typed, closed) {
        Ok(d) => d,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(i, p)| (format!("due-{i}"), problem(&ctx.t, p)))
                .collect();
            let page =
                list_page(&state, ctx, &signed_in, &loaded, Some(typed), None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let ids = store::follow_ups::schedule(&mut tx, org, id, &dates, date, me, Ts::now()).await?;
    for (check, due) in ids.iter().zip(&dates) {
        let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
            .by(me)
            .on("case_follow_up", *check)
            .detail("case", id.to_string())
            .detail("due_on", domain::persons::iso_date(*due));
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/follow-ups?scheduled={}", ids.len())).into_response())
}

// ---------------------------------------------------------------------------------------------
// Recording a check.

/// A life domain's question on the check form.
pub struct DomainQuestion {
    pub code: String,
    pub label: String,
    /// The outcome chosen ("" when not asked).
    pub chosen: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/follow_up_form.html")]
pub struct CheckPage {
    chrome: Chrome,
    case_id: CaseId,
    follow_up_id: Uuid,
    person_name: String,
    due: String,
    status: String,
    version: i64,
    done_on: String,
    wellbeing: String,
    power_to_act: String,
    ratings: Vec<i64>,
    outcomes: Vec<(String, String)>,
    domains: Vec<DomainQuestion>,
    notice: Option<String>,
    errors: Vec<(String, String)>,
}

impl CheckPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The domains a check asks about: those the case's latest assessment rated, or the
/// organisation's life domain list when the case has none.
async fn domains_asked(
    state: &AppState,
    org: OrganisationId,
    case_id: CaseId,
    lists: &Lists,
) -> Result<Vec<String>, WebError> {
    let latest = store::assessments::latest_two(&state.db, org, case_id).await?;
    let rated: Vec<String> = latest
        .first()
        .map(|a| {
            a.content
                .ratings
                .iter()
                .filter(|r| r.need.is_some())
                .map(|r| r.domain.clone())
                .collect()
        })
        .unwrap_or_default();
    Ok(if rated.is_empty() {
        lists.offered(ListName::LifeDomain).into_iter().map(|v| v.code).collect()
    } else {
        rated
    })
}

async fn check_of(
    state: &AppState,
    signed_in: &SignedIn,
    case_id: CaseId,
    id: Uuid,
) -> Result<FollowUp, WebError> {
    let org = organisation(signed_in)?;
    store::follow_ups::find(&state.db, org, case_id, id).await?.ok_or(WebError::NotFound)
}

#[allow(clippy::too_many_arguments)] // The page, what was typed, and what went wrong.
async fn check_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    check: &FollowUp,
    typed: CheckInput,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> Result<CheckPage, WebError> {
    let org = organisation(signed_in)?;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let asked = domains_asked(state, org, loaded.case.id, &lists).await?;
    let t = &ctx.t;
    let domains = asked
        .iter()
        .map(|code| DomainQuestion {
            label: list_label(t, &lists, ListName::LifeDomain, code),
            chosen: typed
                .domains
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, o)| o.clone())
                .unwrap_or_default(),
            error: errors
                .iter()
                .find(|(f, _)| *f == format!("domain-{code}"))
                .map(|(_, m)| m.clone()),
            code: code.clone(),
        })
        .collect();
    let mut outcomes: Vec<(String, String)> =
        Outcome::ALL.iter().map(|o| (o.as_str().to_owned(), outcome_label(t, *o))).collect();
    outcomes.push((String::new(), t.msg("follow-up-outcome-not-asked")));
    Ok(CheckPage {
        case_id: loaded.case.id,
        follow_up_id: check.id,
        person_name: person.record.display_name(),
        due: date(check.due_on),
        status: t.msg(&format!("follow-up-status-{}", check.status().as_str())),
        version: check.version,
        done_on: typed.done_on,
        wellbeing: typed.wellbeing,
        power_to_act: typed.power_to_act,
        ratings: (0..=rules::RATING_MAX).collect(),
        outcomes,
        domains,
        notice,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((case_id, id)): Path<(CaseId, Uuid)>,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let check = check_of(&state, &signed_in, case_id, id).await?;
    if check.status() == FollowUpStatus::Done {
        return Ok(Redirect::to(&format!("/cases/{case_id}/follow-ups")).into_response());
    }
    audit_read(&state, &meta, &signed_in, &loaded).await?;
    let typed = CheckInput {
        done_on: domain::persons::iso_date(crate::caseloads::today(&signed_in)),
        ..Default::default()
    };
    let page = check_page(&state, ctx, &signed_in, &loaded, &check, typed, None, vec![]).await?;
    Ok(page.into_response())
}

pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((case_id, id)): Path<(CaseId, Uuid)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let check = check_of(&state, &signed_in, case_id, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").trim().to_owned();
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let asked = domains_asked(&state, org, case_id, &lists).await?;
    let typed = CheckInput {
        done_on: get("done_on"),
        wellbeing: get("wellbeing"),
        power_to_act: get("power_to_act"),
        domains: asked.iter().map(|c| (c.clone(), get(&format!("domain-{c}")))).collect(),
    };
    let version: Option<i64> = get("version").parse().ok();
    let asked_refs: Vec<&str> = asked.iter().map(String::as_str).collect();
    let parsed = parse_check(&typed, crate::caseloads::today(&signed_in), &asked_refs);
    let (record, version) = match (parsed, version) {
        (Ok(r), Some(v)) => (r, v),
        (parsed, _) => {
            let errors = parsed
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|(f, p)| (f, problem(&ctx.t, p)))
                .collect();
            let page =
                check_page(&state, ctx, &signed_in, &loaded, &check, typed, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let label = date(record.done_on);
    let mut tx = state.db.begin_write().await?;
    let saved = store::follow_ups::record(
        &mut tx,
        org,
        case_id,
        id,
        version,
        &record,
        &label,
        me,
        Ts::now(),
    )
    .await?;
    if !saved {
        drop(tx);
        // Recorded or changed meanwhile: the check as it is now, what was typed kept.
        let check = check_of(&state, &signed_in, case_id, id).await?;
        let notice = Some(ctx.t.msg_args(
            "follow-up-conflict",
            &[("status", &ctx.t.msg(&format!("follow-up-status-{}", check.status().as_str())))],
        ));
        let page =
            check_page(&state, ctx, &signed_in, &loaded, &check, typed, notice, vec![]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case_follow_up", id)
        .detail("case", case_id.to_string())
        .detail("status", "done");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{case_id}/follow-ups?recorded=1")).into_response())
}

pub async fn missed(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((case_id, id)): Path<(CaseId, Uuid)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let check = check_of(&state, &signed_in, case_id, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let version: Option<i64> = value_of(&pairs, "version").and_then(|v| v.trim().parse().ok());
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let label = date(check.due_on);
    let marked = match version {
        Some(v) => {
            store::follow_ups::mark_missed(&mut tx, org, case_id, id, v, &label, me, Ts::now())
                .await?
        }
        None => false,
    };
    if !marked {
        drop(tx);
        let notice = Some(ctx.t.msg("case-conflict"));
        let page = list_page(&state, ctx, &signed_in, &loaded, None, notice, vec![]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case_follow_up", id)
        .detail("case", case_id.to_string())
        .detail("status", "missed");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{case_id}/follow-ups?missed=1")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The case page's links.

/// Which of the case page's links to the referents and follow-up pages it shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseLinks {
    pub referents: bool,
    pub follow_ups: bool,
}

/// The links for `loaded`: the referents page for whoever may change them, the follow-ups for
/// readers of the content once the case is closed (its checks belong to the closure).
pub(crate) fn case_links(signed_in: &SignedIn, loaded: &Loaded) -> CaseLinks {
    let co = loaded.case.co_referent_ids();
    let rights = policy::referent_rights(&signed_in.actor, &loaded.case.facts(&co));
    CaseLinks {
        referents: rights.co_referents,
        follow_ups: loaded.access.content
            && loaded.case.status() == CaseStatus::Closed
            && crate::chrome::allows(policy::FOLLOW_UP_READERS, signed_in),
    }
}
