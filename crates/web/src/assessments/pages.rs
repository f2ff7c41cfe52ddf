//! The assessment pages of a case: list with evolution charts, one assessment with its radar,
//! the difference between two, and the form (new, draft, correction).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::assessments::{
    self as rules, AssessmentContent, AssessmentId, AssessmentInput, Change, DomainInput,
    LevelDescriptions, Problem,
};
use domain::audit::AuditAction;
use domain::cases::CaseStatus;
use domain::lists::{ListName, Lists};
use domain::{CaseId, OrganisationId};
use serde::Deserialize;
use store::Ts;
use store::assessments::{Assessment, DraftKey, NewAssessment};
use store::audit::NewAuditEvent;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::{Loaded, load};
use crate::charts::{self, Line, Radar, Series};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A case whose content the user reads (else "not found").
async fn readable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

/// A case the user may assess now (they write it, and it is not closed).
async fn writable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !may_write(&loaded) {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

fn may_write(loaded: &Loaded) -> bool {
    loaded.access.write && loaded.case.status() != CaseStatus::Closed
}

/// Records that the user is reading the case's assessments, before anything is shown.
async fn audit_read(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    loaded: &Loaded,
    what: &str,
    id: Option<AssessmentId>,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let mut event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("content", true)
        .detail("emergency", loaded.access.emergency)
        .detail("page", what);
    if let Some(id) = id {
        event = event.detail("assessment", id.to_string());
    }
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

async fn person_name(state: &AppState, loaded: &Loaded) -> Result<String, WebError> {
    let org = loaded.case.organisation_id;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(person.record.display_name())
}

pub(super) fn date_text(d: time::Date) -> String {
    domain::persons::french_date(d)
}

fn today(signed_in: &SignedIn) -> time::Date {
    crate::dates::utc_to_local(Ts::now(), signed_in.time_zone.as_deref()).date()
}

/// The domains a page shows, in the organisation's order: the offered ones, then any that the
/// given assessments hold and the organisation hid since.
pub(super) fn domains_of(lists: &Lists, held: &[&AssessmentContent]) -> Vec<String> {
    let mut out: Vec<String> =
        lists.offered(ListName::LifeDomain).into_iter().map(|v| v.code).collect();
    let all = lists.values(ListName::LifeDomain);
    for v in all {
        if !out.contains(&v.code) && held.iter().any(|a| a.rating(&v.code).is_some()) {
            out.push(v.code);
        }
    }
    for a in held {
        for r in &a.ratings {
            if !out.contains(&r.domain) {
                out.push(r.domain.clone());
            }
        }
    }
    out
}

pub(super) fn domain_label(t: &Tr, lists: &Lists, code: &str) -> String {
    list_label(t, lists, ListName::LifeDomain, code)
}

/// "2 — Moderate need", or "not assessed".
pub(super) fn level_text(t: &Tr, level: Option<u8>) -> String {
    match level {
        Some(l) => t.msg(&format!("assessment-level-{l}")),
        None => t.msg("assessment-not-assessed"),
    }
}

fn level_hint(t: &Tr, levels: &LevelDescriptions, domain: &str, level: u8) -> String {
    match levels.own(domain, level, t.lang()) {
        Some(s) => s.to_owned(),
        None => t.msg(&format!("assessment-level-{level}-hint")),
    }
}

/// One assessment's domain as the read page shows it.
pub struct RatingView {
    pub label: String,
    pub need: String,
    pub person: String,
    pub person_words: String,
    pub strengths: String,
    pub priority: bool,
}

fn rating_views(
    t: &Tr,
    lists: &Lists,
    domains: &[String],
    a: &AssessmentContent,
) -> Vec<RatingView> {
    domains
        .iter()
        .filter_map(|code| {
            let r = a.rating(code)?;
            Some(RatingView {
                label: domain_label(t, lists, code),
                need: level_text(t, r.need),
                person: level_text(t, r.person),
                person_words: r.person_words.clone().unwrap_or_default(),
                strengths: r.strengths.clone().unwrap_or_default(),
                priority: r.priority,
            })
        })
        .collect()
}

/// The radar of `latest` (with `previous` overlaid), over the domains either rated.
pub(super) fn radar_of(
    t: &Tr,
    lists: &Lists,
    id: &str,
    latest: &AssessmentContent,
    previous: Option<&AssessmentContent>,
) -> Radar {
    let mut held = vec![latest];
    held.extend(previous);
    let domains: Vec<String> = domains_of(lists, &held)
        .into_iter()
        .filter(|c| {
            latest.rating(c).is_some_and(|r| r.need.is_some())
                || previous.is_some_and(|p| p.rating(c).is_some_and(|r| r.need.is_some()))
        })
        .collect();
    let labels: Vec<String> = domains.iter().map(|c| domain_label(t, lists, c)).collect();
    let values = |a: &AssessmentContent| -> Vec<Option<u8>> {
        domains.iter().map(|c| a.rating(c).and_then(|r| r.need)).collect()
    };
    let latest_name =
        t.msg_args("assessment-radar-latest", &[("date", &date_text(latest.assessed_on))]);
    let mut series = vec![Series { name: latest_name, values: values(latest) }];
    let desc = match previous {
        Some(p) => {
            let name =
                t.msg_args("assessment-radar-previous", &[("date", &date_text(p.assessed_on))]);
            series.push(Series { name, values: values(p) });
            t.msg("assessment-radar-desc-compare")
        }
        None => t.msg("assessment-radar-desc"),
    };
    charts::radar(id, &t.msg("assessment-radar-title"), &desc, &labels, &series)
}

/// A line of the list of assessments.
pub struct ListRow {
    pub id: AssessmentId,
    pub date: String,
    pub by: String,
    pub assessed: i64,
    pub priorities: i64,
}

/// The evolution of one domain: its chart and its data, oldest first.
pub struct Evolution {
    pub code: String,
    pub label: String,
    pub chart: Line,
    /// (date, worker's level, person's level).
    pub rows: Vec<(String, String, String)>,
}

/// An option of the comparison's selects.
pub struct DateChoice {
    pub id: AssessmentId,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessments/list.html")]
pub struct ListPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    rows: Vec<ListRow>,
    evolutions: Vec<Evolution>,
    from: Vec<DateChoice>,
    to: Vec<DateChoice>,
    can_write: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    saved: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    audit_read(&state, &meta, &signed_in, &loaded, "assessments", None).await?;
    let org = organisation(&signed_in)?;
    let all = store::assessments::list_for_case(&state.db, org, id).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let rows = all
        .iter()
        .map(|a| ListRow {
            id: a.id,
            date: date_text(a.content.assessed_on),
            by: a.assessed_by_name.clone().unwrap_or_default(),
            assessed: a.content.assessed() as i64,
            priorities: a.content.priorities() as i64,
        })
        .collect();
    // Oldest first, for the charts.
    let chronological: Vec<&Assessment> = all.iter().rev().collect();
    let held: Vec<&AssessmentContent> = chronological.iter().map(|a| &a.content).collect();
    let dates: Vec<String> =
        chronological.iter().map(|a| date_text(a.content.assessed_on)).collect();
    let evolutions = domains_of(&lists, &held)
        .into_iter()
        .filter(|code| held.iter().any(|a| a.rating(code).is_some()))
        .map(|code| {
            let label = domain_label(t, &lists, &code);
            let worker: Vec<Option<u8>> =
                held.iter().map(|a| a.rating(&code).and_then(|r| r.need)).collect();
            let person: Vec<Option<u8>> =
                held.iter().map(|a| a.rating(&code).and_then(|r| r.person)).collect();
            let rows = dates
                .iter()
                .zip(worker.iter().zip(person.iter()))
                .map(|(d, (w, p))| (d.clone(), level_text(t, *w), level_text(t, *p)))
                .collect();
            let chart = charts::line(
                &format!("evolution-{code}"),
                &t.msg_args("assessment-evolution-title", &[("domain", &label)]),
                &t.msg("assessment-evolution-desc"),
                &dates,
                &[
                    Series { name: t.msg("assessment-series-worker"), values: worker },
                    Series { name: t.msg("assessment-series-person"), values: person },
                ],
            );
            Evolution { code, label, chart, rows }
        })
        .collect();
    let choice = |a: &Assessment, selected: bool| DateChoice {
        id: a.id,
        label: date_text(a.content.assessed_on),
        selected,
    };
    let from = all.iter().enumerate().map(|(i, a)| choice(a, i == 1)).collect();
    let to = all.iter().enumerate().map(|(i, a)| choice(a, i == 0)).collect();
    let notice = saved_notice(t, q.saved.as_deref());
    Ok(ListPage {
        case_id: id,
        person_name: person_name(&state, &loaded).await?,
        rows,
        evolutions,
        from,
        to,
        can_write: may_write(&loaded),
        notice,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "assessments/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    id: AssessmentId,
    date: String,
    by: String,
    corrected_by: Option<String>,
    ratings: Vec<RatingView>,
    /// "13 domains assessed · 4 priorities".
    counts: String,
    radar: Radar,
    previous: Option<(AssessmentId, String)>,
    can_write: bool,
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, assessment_id)): Path<(CaseId, AssessmentId)>,
    Query(q): Query<ListQuery>,
) -> Result<ShowPage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let all = store::assessments::list_for_case(&state.db, org, id).await?;
    let pos = all.iter().position(|a| a.id == assessment_id).ok_or(WebError::NotFound)?;
    audit_read(&state, &meta, &signed_in, &loaded, "assessment", Some(assessment_id)).await?;
    let a = &all[pos];
    let previous = all.get(pos + 1);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let mut held = vec![&a.content];
    held.extend(previous.map(|p| &p.content));
    let domains = domains_of(&lists, &held);
    let radar = radar_of(t, &lists, "assessment-radar", &a.content, previous.map(|p| &p.content));
    Ok(ShowPage {
        case_id: id,
        person_name: person_name(&state, &loaded).await?,
        id: a.id,
        date: date_text(a.content.assessed_on),
        by: a.assessed_by_name.clone().unwrap_or_default(),
        corrected_by: a.corrected_by_name.clone(),
        ratings: rating_views(t, &lists, &domains, &a.content),
        counts: format!(
            "{} · {}",
            t.msg_count("assessment-count-assessed", &(a.content.assessed() as i64)),
            t.msg_count("assessment-count-priorities", &(a.content.priorities() as i64))
        ),
        radar,
        previous: previous.map(|p| (p.id, date_text(p.content.assessed_on))),
        can_write: may_write(&loaded),
        notice: saved_notice(t, q.saved.as_deref()),
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

fn saved_notice(t: &Tr, saved: Option<&str>) -> Option<String> {
    match saved {
        Some("added") => Some(t.msg("assessment-notice-added")),
        Some("corrected") => Some(t.msg("assessment-notice-corrected")),
        _ => None,
    }
}

/// One domain of a comparison, in words and arrows.
pub struct DiffView {
    pub label: String,
    pub need_before: String,
    pub need_after: String,
    pub need_change: String,
    pub need_class: &'static str,
    pub person_before: String,
    pub person_after: String,
    pub person_change: String,
    pub person_class: &'static str,
    pub priority: String,
}

fn change_text(t: &Tr, c: Change) -> String {
    format!("{} {}", c.arrow(), t.msg(&format!("assessment-change-{}", c.as_str())))
}

#[derive(Template, WebTemplate)]
#[template(path = "assessments/compare.html")]
pub struct ComparePage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    from_date: String,
    to_date: String,
    from: Vec<DateChoice>,
    to: Vec<DateChoice>,
    rows: Vec<DiffView>,
    radar: Radar,
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

pub async fn compare(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<CompareQuery>,
) -> Result<ComparePage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let all = store::assessments::list_for_case(&state.db, org, id).await?;
    let pick = |raw: Option<&str>, default: usize| -> Result<&Assessment, WebError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let wanted: AssessmentId = s.parse().map_err(|_| WebError::NotFound)?;
                all.iter().find(|a| a.id == wanted).ok_or(WebError::NotFound)
            }
            None => all.get(default).or(all.first()).ok_or(WebError::NotFound),
        }
    };
    let before = pick(q.from.as_deref(), 1)?;
    let after = pick(q.to.as_deref(), 0)?;
    audit_read(&state, &meta, &signed_in, &loaded, "assessment_compare", Some(after.id)).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let domains = domains_of(&lists, &[&before.content, &after.content]);
    let order: Vec<&str> = domains.iter().map(String::as_str).collect();
    let rows = rules::diff(&order, &before.content, &after.content)
        .into_iter()
        .map(|d| DiffView {
            label: domain_label(t, &lists, &d.domain),
            need_before: level_text(t, d.need_before),
            need_after: level_text(t, d.need_after),
            need_change: change_text(t, d.need),
            need_class: d.need.as_str(),
            person_before: level_text(t, d.person_before),
            person_after: level_text(t, d.person_after),
            person_change: change_text(t, d.person),
            person_class: d.person.as_str(),
            priority: match (d.priority_before, d.priority_after) {
                (false, true) => t.msg("assessment-priority-added"),
                (true, false) => t.msg("assessment-priority-removed"),
                (true, true) => t.msg("assessment-priority-kept"),
                (false, false) => String::new(),
            },
        })
        .collect();
    let radar = radar_of(t, &lists, "compare-radar", &after.content, Some(&before.content));
    let choice = |a: &Assessment, chosen: AssessmentId| DateChoice {
        id: a.id,
        label: date_text(a.content.assessed_on),
        selected: a.id == chosen,
    };
    Ok(ComparePage {
        case_id: id,
        person_name: person_name(&state, &loaded).await?,
        from_date: date_text(before.content.assessed_on),
        to_date: date_text(after.content.assessed_on),
        from: all.iter().map(|a| choice(a, before.id)).collect(),
        to: all.iter().map(|a| choice(a, after.id)).collect(),
        rows,
        radar,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

/// A radio of a level group.
pub struct LevelChoice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

/// One domain of the form.
pub struct DomainForm {
    pub code: String,
    pub label: String,
    pub need: Vec<LevelChoice>,
    pub person: Vec<LevelChoice>,
    pub person_words: String,
    pub strengths: String,
    pub priority: bool,
    pub need_error: Option<String>,
    pub person_error: Option<String>,
    pub words_error: Option<String>,
    pub strengths_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessments/form.html")]
pub struct FormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    /// The assessment being corrected, or `None` for a new one.
    assessment_id: Option<AssessmentId>,
    version: i64,
    date: String,
    date_error: Option<String>,
    form_error: Option<String>,
    domains: Vec<DomainForm>,
    restored: Option<String>,
    /// The assessment as stored now, when the form was older than it.
    conflict: Option<Vec<RatingView>>,
    conflict_date: String,
    errors: Vec<(String, String)>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.assessment_id {
            None => format!("/cases/{}/assessments/new", self.case_id),
            Some(a) => format!("/cases/{}/assessments/{a}/edit", self.case_id),
        }
    }
}

fn problem_text(t: &Tr, p: Problem) -> String {
    match p {
        Problem::DateRequired => t.msg("assessment-error-date"),
        Problem::DateInvalid => t.msg("person-error-date"),
        Problem::DateInFuture => t.msg("assessment-error-future"),
        Problem::LevelInvalid => t.msg("assessment-error-level"),
        Problem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        Problem::ControlCharacters => t.msg("person-error-control"),
        Problem::NothingAssessed => t.msg("assessment-error-nothing"),
        Problem::UnknownDomain => t.msg("assessment-error-domain"),
    }
}

fn level_choices(
    t: &Tr,
    levels: &LevelDescriptions,
    part: &str,
    code: &str,
    chosen: &str,
    hints: bool,
) -> Vec<LevelChoice> {
    let chosen = chosen.trim();
    let mut out = vec![LevelChoice {
        id: format!("{part}-{code}"),
        value: String::new(),
        label: t.msg("assessment-not-assessed"),
        hint: String::new(),
        checked: chosen.is_empty() || !rules::LEVELS.iter().any(|l| l.to_string() == chosen),
    }];
    out.extend(rules::LEVELS.iter().map(|l| LevelChoice {
        id: format!("{part}-{code}-{l}"),
        value: l.to_string(),
        label: t.msg(&format!("assessment-level-{l}")),
        hint: if hints { level_hint(t, levels, code, *l) } else { String::new() },
        checked: chosen == l.to_string(),
    }));
    out
}

#[allow(clippy::too_many_arguments)] // The form, what it holds, and what went wrong.
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    loaded: &Loaded,
    stored: Option<&Assessment>,
    input: AssessmentInput,
    version: i64,
    restored: Option<String>,
    conflict: bool,
    problems: Vec<(String, Problem)>,
) -> Result<FormPage, WebError> {
    let org = loaded.case.organisation_id;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let levels = store::assessments::levels(&state.db, org).await?;
    let t = &ctx.t;
    let held: Vec<&AssessmentContent> = stored.map(|a| &a.content).into_iter().collect();
    let codes = domains_of(&lists, &held);
    let error = |field: &str| -> Option<String> {
        problems.iter().find(|(f, _)| f == field).map(|(_, p)| problem_text(t, *p))
    };
    let empty = DomainInput::default();
    let domains = codes
        .iter()
        .map(|code| {
            let d = input.domains.get(code).unwrap_or(&empty);
            DomainForm {
                code: code.clone(),
                label: domain_label(t, &lists, code),
                need: level_choices(t, &levels, "need", code, &d.need, true),
                person: level_choices(t, &levels, "person", code, &d.person, false),
                person_words: d.person_words.clone(),
                strengths: d.strengths.clone(),
                priority: d.priority,
                need_error: error(&format!("need-{code}")),
                person_error: error(&format!("person-{code}")),
                words_error: error(&format!("person_words-{code}")),
                strengths_error: error(&format!("strengths-{code}")),
            }
        })
        .collect();
    let errors = problems
        .iter()
        .map(|(f, p)| {
            let anchor = if f == "form" { "domains".to_owned() } else { f.clone() };
            (anchor, problem_text(t, *p))
        })
        .collect();
    let conflict_view =
        if conflict { stored.map(|a| rating_views(t, &lists, &codes, &a.content)) } else { None };
    Ok(FormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, loaded).await?,
        assessment_id: stored.map(|a| a.id),
        version,
        date: input.date.clone(),
        date_error: error("date"),
        form_error: error("form"),
        domains,
        restored,
        conflict: conflict_view,
        conflict_date: stored.map(|a| date_text(a.content.assessed_on)).unwrap_or_default(),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// The form's fields: `date`, and per domain `need-`, `person-`, `person_words-`,
/// `strengths-`, `priority-` followed by the domain's code.
fn input_of(pairs: &[(String, String)], codes: &[String]) -> AssessmentInput {
    let get = |k: &str| value_of(pairs, k).unwrap_or("").to_owned();
    AssessmentInput {
        date: get("date"),
        domains: codes
            .iter()
            .map(|code| {
                (
                    code.clone(),
                    DomainInput {
                        need: get(&format!("need-{code}")),
                        person: get(&format!("person-{code}")),
                        person_words: get(&format!("person_words-{code}")),
                        strengths: get(&format!("strengths-{code}")),
                        priority: value_of(pairs, &format!("priority-{code}")).is_some(),
                    },
                )
            })
            .filter(|(_, d)| *d != DomainInput::default())
            .collect(),
    }
}

fn restored_message(t: &Tr, signed_in: &SignedIn, at: Ts) -> String {
    t.msg_args("case-draft-restored", &[("date", &crate::dates::for_user(at, signed_in))])
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<FormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let key = DraftKey { case_id: id, assessment_id: None };
    let draft =
        store::assessments::find_draft(&state.db, org, signed_in.actor.user_id, key).await?;
    let (input, restored) = match draft {
        Some(d) => (d.input, Some(restored_message(&ctx.t, &signed_in, d.updated_at))),
        None => (
            AssessmentInput {
                date: domain::cases::form_date(today(&signed_in)),
                ..Default::default()
            },
            None,
        ),
    };
    form_page(&state, ctx, &loaded, None, input, 0, restored, false, vec![]).await
}

/// Parses the form against the domains it offered.
fn parse(
    lists: &Lists,
    stored: Option<&Assessment>,
    signed_in: &SignedIn,
    pairs: &[(String, String)],
) -> (AssessmentInput, Result<AssessmentContent, Vec<(String, Problem)>>) {
    let held: Vec<&AssessmentContent> = stored.map(|a| &a.content).into_iter().collect();
    let codes = domains_of(lists, &held);
    let input = input_of(pairs, &codes);
    let order: Vec<&str> = codes.iter().map(String::as_str).collect();
    let parsed = rules::parse_assessment(&input, &order, today(signed_in));
    (input, parsed)
}

/// Records a new assessment, its timeline event and audit event, and forgets its draft, in
/// one transaction.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = form_pairs(&body);
    let (input, parsed) = parse(&lists, None, &signed_in, &pairs);
    let content = match parsed {
        Ok(c) => c,
        Err(problems) => {
            let page =
                form_page(&state, ctx, &loaded, None, input, 0, None, false, problems).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let new = NewAssessment {
        id: AssessmentId::new(),
        organisation_id: org,
        case_id: id,
        content: &content,
        by: me,
    };
    let aid = store::assessments::record(&mut tx, &new, Ts::now()).await?;
    store::assessments::delete_draft(&mut tx, me, DraftKey { case_id: id, assessment_id: None })
        .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("assessment", aid.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/assessments/{aid}?saved=added")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/draft_status.html")]
pub struct DraftStatus {
    message: String,
}

/// Keeps what is being typed in an assessment form (htmx, a second after the last change).
/// The draft belongs to the user, so it survives the session; an emptied form forgets it.
pub async fn save_draft(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let stored = match value_of(&pairs, "assessment_id").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let aid: AssessmentId = v.parse().map_err(|_| WebError::NotFound)?;
            Some(
                store::assessments::find(&state.db, org, id, aid)
                    .await?
                    .ok_or(WebError::NotFound)?,
            )
        }
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let held: Vec<&AssessmentContent> = stored.as_ref().map(|a| &a.content).into_iter().collect();
    let mut input = input_of(&pairs, &domains_of(&lists, &held));
    // Bounded like the assessment itself, with room to spare for text that will be refused
    // with a message when it is saved.
    let cut = |s: &mut String, max: usize| {
        if s.chars().count() > max {
            *s = s.chars().take(max).collect();
        }
    };
    cut(&mut input.date, 100);
    for d in input.domains.values_mut() {
        cut(&mut d.need, 10);
        cut(&mut d.person, 10);
        cut(&mut d.person_words, rules::TEXT_MAX * 2);
        cut(&mut d.strengths, rules::TEXT_MAX * 2);
    }
    let key = DraftKey { case_id: id, assessment_id: stored.map(|a| a.id) };
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let message = if input.is_blank() {
        store::assessments::delete_draft(&state.db, me, key).await?;
        String::new()
    } else {
        store::assessments::save_draft(&state.db, org, me, key, &input, now).await?;
        ctx.t.msg_args("case-draft-saved", &[("date", &crate::dates::for_user(now, &signed_in))])
    };
    Ok(DraftStatus { message }.into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path((id, aid)): Path<(CaseId, AssessmentId)>,
) -> Result<FormPage, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let stored =
        store::assessments::find(&state.db, org, id, aid).await?.ok_or(WebError::NotFound)?;
    let key = DraftKey { case_id: id, assessment_id: Some(aid) };
    let draft =
        store::assessments::find_draft(&state.db, org, signed_in.actor.user_id, key).await?;
    let (input, restored) = match draft {
        Some(d) => (d.input, Some(restored_message(&ctx.t, &signed_in, d.updated_at))),
        None => (AssessmentInput::from_content(&stored.content), None),
    };
    let version = stored.version;
    form_page(&state, ctx, &loaded, Some(&stored), input, version, restored, false, vec![]).await
}

/// Corrects an assessment if it did not change since the form was shown; otherwise shows it
/// as it is now above what was typed, and writes nothing.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, aid)): Path<(CaseId, AssessmentId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let stored =
        store::assessments::find(&state.db, org, id, aid).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = form_pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let (input, parsed) = parse(&lists, Some(&stored), &signed_in, &pairs);
    let content = match parsed {
        Ok(c) => c,
        Err(problems) => {
            let page = form_page(
                &state,
                ctx,
                &loaded,
                Some(&stored),
                input,
                version,
                None,
                false,
                problems,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::assessments::correct(&mut tx, org, id, aid, version, &content, me, Ts::now()).await?
    {
        drop(tx);
        // Changed since (another worker, another tab): what was typed stays in the form, the
        // stored assessment is shown above it, and sending again saves over the one shown.
        let mut page = form_page(
            &state,
            ctx,
            &loaded,
            Some(&stored),
            input,
            stored.version,
            None,
            true,
            vec![],
        )
        .await?;
        let message = page.chrome.t.msg("assessment-conflict");
        page.errors = vec![("conflict-heading".to_owned(), message)];
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    store::assessments::delete_draft(
        &mut tx,
        me,
        DraftKey { case_id: id, assessment_id: Some(aid) },
    )
    .await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("assessment", aid.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/assessments/{aid}?saved=corrected")).into_response())
}

/// An unfinished assessment draft on the home page.
pub async fn drafts_for_home(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
) -> Result<Vec<crate::cases::DraftLine>, WebError> {
    let Some(org) = signed_in.actor.organisation() else { return Ok(vec![]) };
    if !crate::chrome::allows(domain::policy::NOTE_WRITERS, signed_in) {
        return Ok(vec![]);
    }
    let drafts = store::assessments::drafts_of(&state.db, org, signed_in.actor.user_id).await?;
    Ok(drafts
        .into_iter()
        .map(|d| {
            let family = d.used_name.as_deref().or(d.birth_name.as_deref());
            let name = [family, d.first_names.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let date = crate::dates::for_user(d.updated_at, signed_in);
            match d.assessment_id {
                None => crate::cases::DraftLine {
                    href: format!("/cases/{}/assessments/new", d.case_id),
                    label: t
                        .msg_args("home-draft-assessment-new", &[("name", &name), ("date", &date)]),
                },
                Some(a) => crate::cases::DraftLine {
                    href: format!("/cases/{}/assessments/{a}/edit", d.case_id),
                    label: t.msg_args(
                        "home-draft-assessment-edit",
                        &[("name", &name), ("date", &date)],
                    ),
                },
            }
        })
        .collect())
}
