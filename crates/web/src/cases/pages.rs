//! Opening a case, the case overview with its timeline, status changes, and the cases panel of
//! a person's page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::cases::{self, CaseStatus, EntryKind, StatusProblem, TimelineGroup};
use domain::lists::{ListName, Lists};
use domain::markup::Block;
use domain::policy::{self, CaseAccess, NoteVisibility};
use domain::{CaseEntryId, CaseId, OrganisationId, PersonId, TeamId, UserId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::cases::{Case, Cursor, Entry, NewCase, TimelineFilter};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

/// How many entries a page of the timeline shows.
pub const TIMELINE_PAGE: i64 = 20;
/// How many of the latest notes the overview lists as "last contacts".
pub const LAST_CONTACTS: i64 = 5;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A case the signed-in user may see, with what they may do with it.
pub(crate) struct Loaded {
    pub case: Case,
    pub access: CaseAccess,
    /// The emergency grant the access comes from (break the glass), if it does.
    pub emergency: Option<store::case_emergency::Grant>,
}

impl Loaded {
    pub fn visibility(&self, signed_in: &SignedIn) -> Option<NoteVisibility> {
        policy::note_visibility(&signed_in.actor, &self.access)
    }
}

/// Loads a case of the session's organisation that the user may at least see: anything else
/// (unknown, another organisation's, forbidden) is "not found".
pub(crate) async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, WebError> {
    let org = organisation(signed_in)?;
    let case = store::cases::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    // A case of a file in the restricted archive is "not found" like the person's page, unless
    // the viewer opened it with a reason (ADR 0040).
    crate::privacy::unless_archived(state, org, case.person_id, signed_in.actor.user_id).await?;
    let co = case.co_referent_ids();
    let facts = case.facts(&co);
    let actor = &signed_in.actor;
    // A grant is looked for only where the policy says one could count.
    let grant = if policy::may_break_the_glass(actor, &facts) {
        store::case_emergency::active(&state.db, org, id, actor.user_id, Ts::now()).await?
    } else {
        None
    };
    let access = policy::case_access_with_grant(actor, &facts, grant.is_some());
    if !access.metadata {
        return Err(WebError::NotFound);
    }
    let emergency = grant.filter(|_| access.emergency);
    Ok(Loaded { case, access, emergency })
}

/// The user's access to a case, or no access at all when they may not see it (for records
/// of other features that point at a case: a task, an appointment).
pub(crate) async fn access_or_none(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<CaseAccess, WebError> {
    match load(state, signed_in, id).await {
        Ok(loaded) => Ok(loaded.access),
        Err(WebError::NotFound) => Ok(CaseAccess::default()),
        Err(e) => Err(e),
    }
}

/// One option of a select, or one box of a group.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

fn choices(t: &Tr, lists: &Lists, list: ListName, chosen: &str) -> Vec<Choice> {
    lists
        .offered(list)
        .into_iter()
        .map(|v| Choice {
            label: list_label(t, lists, list, &v.code),
            selected: v.code == chosen,
            code: v.code,
        })
        .collect()
}

fn status_label(t: &Tr, status: CaseStatus) -> String {
    t.msg(&format!("case-status-{}", status.as_str()))
}

fn local_date(ts: Ts, signed_in: &SignedIn) -> String {
    // The date part of the local time (`yyyy-mm-dd hh:mm ZZZ`).
    crate::dates::for_user(ts, signed_in).split(' ').next().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------------
// Opening a case.

#[derive(Template, WebTemplate)]
#[template(path = "cases/open.html")]
pub struct OpenPage {
    chrome: Chrome,
    person_id: PersonId,
    person_name: String,
    reason: String,
    sources: Vec<Choice>,
    teams: Vec<Choice>,
    referents: Vec<Choice>,
    co_referents: Vec<Choice>,
    /// The person's current household, which the case may cover too.
    household: Option<String>,
    with_household: bool,
    errors: Vec<(&'static str, String)>,
}

impl OpenPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What was typed in the opening form.
#[derive(Default)]
struct Opening {
    reason: String,
    source: String,
    team: String,
    referent: String,
    co_referents: Vec<String>,
    with_household: bool,
}

/// The person's current household, if any: (its id, the names of the others in it).
async fn current_household(
    state: &AppState,
    org: OrganisationId,
    person: PersonId,
) -> Result<Option<(domain::HouseholdId, Vec<store::households::Member>)>, WebError> {
    let today = time::OffsetDateTime::now_utc().date();
    let members = store::households::of_person(&state.db, org, person).await?;
    let Some(mine) = members.iter().find(|m| m.person_id == person && m.current(today)) else {
        return Ok(None);
    };
    let household = mine.household_id;
    let all =
        members.into_iter().filter(|m| m.household_id == household && m.current(today)).collect();
    Ok(Some((household, all)))
}

fn member_name(m: &store::households::Member) -> String {
    let family = m.used_name.as_deref().or(m.birth_name.as_deref());
    [family, m.first_names.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

async fn open_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    person_id: PersonId,
    typed: Opening,
    errors: Vec<(&'static str, String)>,
) -> Result<OpenPage, WebError> {
    let org = organisation(signed_in)?;
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let teams = store::teams::list_for_organisation(&state.db, org).await?;
    let workers = store::cases::workers(&state.db, org).await?;
    let mut sources = vec![Choice {
        code: String::new(),
        label: t.msg("case-source-none"),
        selected: typed.source.is_empty(),
    }];
    sources.extend(choices(t, &lists, ListName::OrientationSource, &typed.source));
    let mut team_choices = vec![Choice {
        code: String::new(),
        label: t.msg("case-choose"),
        selected: typed.team.is_empty(),
    }];
    team_choices.extend(teams.into_iter().map(|team| Choice {
        selected: team.id.to_string() == typed.team,
        code: team.id.to_string(),
        label: team.name,
    }));
    let mut referents = vec![Choice {
        code: String::new(),
        label: t.msg("case-choose"),
        selected: typed.referent.is_empty(),
    }];
    referents.extend(workers.iter().map(|(id, name)| Choice {
        selected: id.to_string() == typed.referent,
        code: id.to_string(),
        label: name.clone(),
    }));
    let co_referents = workers
        .iter()
        .map(|(id, name)| Choice {
            selected: typed.co_referents.contains(&id.to_string()),
            code: id.to_string(),
            label: name.clone(),
        })
        .collect();
    let household = current_household(state, org, person_id)
        .await?
        .map(|(_, members)| members.iter().map(member_name).collect::<Vec<_>>().join(", "));
    Ok(OpenPage {
        person_id,
        person_name: person.record.display_name(),
        reason: typed.reason,
        sources,
        teams: team_choices,
        referents,
        co_referents,
        household,
        with_household: typed.with_household,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn open_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(person_id): Path<PersonId>,
) -> Result<OpenPage, WebError> {
    let m = signed_in.actor.membership.as_ref().ok_or(WebError::NotFound)?;
    // The opener's own team (one they work in, not one they only supervise) and, for a
    // worker, themselves as referent.
    let own_team = m.teams.iter().find(|t| !m.supervised_teams.contains(t));
    let worker = m.role == domain::accounts::Role::Worker;
    let typed = Opening {
        team: own_team.map(|t| t.to_string()).unwrap_or_default(),
        referent: if worker { signed_in.actor.user_id.to_string() } else { String::new() },
        with_household: true,
        ..Default::default()
    };
    open_page(&state, ctx, &signed_in, person_id, typed, vec![]).await
}

fn case_problem(t: &Tr, p: &cases::CaseProblem) -> String {
    match p {
        cases::CaseProblem::ReasonRequired => t.msg("case-error-reason"),
        cases::CaseProblem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        cases::CaseProblem::ControlCharacters => t.msg("person-error-control"),
        cases::CaseProblem::TeamRequired => t.msg("case-error-team"),
        cases::CaseProblem::ReferentRequired => t.msg("case-error-referent"),
        cases::CaseProblem::ReferentIsCoReferent => t.msg("case-error-referent-co"),
    }
}

pub async fn open(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(person_id): Path<PersonId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").trim().to_owned();
    let typed = Opening {
        reason: value_of(&pairs, "reason").unwrap_or("").to_owned(),
        source: get("orientation_source"),
        team: get("team"),
        referent: get("referent"),
        co_referents: pairs
            .iter()
            .filter(|(k, v)| k == "co_referent" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect(),
        with_household: value_of(&pairs, "with_household").is_some(),
    };
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let team = match typed.team.parse::<TeamId>() {
        Ok(id) => store::teams::find(&state.db, org, id).await?.map(|t| t.id),
        Err(_) => None,
    };
    let workers = store::cases::workers(&state.db, org).await?;
    let worker = |s: &str| s.parse::<UserId>().ok().filter(|u| workers.iter().any(|(w, _)| w == u));
    let referent = worker(&typed.referent);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut co: Vec<UserId> = Vec::new();
    for c in &typed.co_referents {
        match worker(c) {
            Some(u) if !co.contains(&u) => co.push(u),
            Some(_) => {}
            None => errors.push(("co_referents", ctx.t.msg("person-error-unknown-value"))),
        }
    }
    let source = (!typed.source.is_empty()).then_some(typed.source.as_str());
    if source.is_some_and(|s| !lists.accepts(ListName::OrientationSource, s, None)) {
        errors.push(("orientation_source", ctx.t.msg("person-error-unknown-value")));
    }
    let referent_is_co = referent.is_some_and(|r| co.contains(&r));
    match cases::parse_opening(&typed.reason, team.is_some(), referent.is_some(), referent_is_co) {
        Ok(reason) if errors.is_empty() => {
            let (Some(team), Some(referent)) = (team, referent) else {
                return Err(WebError::Internal("a parsed case lacks its team or referent"));
            };
            let household = if typed.with_household {
                current_household(&state, org, person_id).await?.map(|(h, _)| h)
            } else {
                None
            };
            let id = CaseId::new();
            let me = signed_in.actor.user_id;
            let new = NewCase {
                id,
                organisation_id: org,
                person_id,
                household_id: household,
                team_id: team,
                referent_id: referent,
                co_referents: &co,
                reason: &reason,
                orientation_source: source,
                opened_by: me,
            };
            let mut tx = state.db.begin_write().await?;
            store::cases::open(&mut tx, &new, Ts::now()).await?;
            let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
                .by(me)
                .on("case", id.as_uuid())
                .detail("person", person_id.to_string());
            audit_trail::record(&mut tx, &meta, event).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/cases/{id}?opened=1")).into_response())
        }
        result => {
            for (field, p) in result.err().unwrap_or_default() {
                if !errors.iter().any(|(f, _)| *f == field) {
                    errors.push((field, case_problem(&ctx.t, &p)));
                }
            }
            let page = open_page(&state, ctx, &signed_in, person_id, typed, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The overview.

/// A timeline entry as the page shows it.
pub struct EntryView {
    pub id: CaseEntryId,
    pub note: bool,
    pub when: String,
    pub heading: String,
    pub details: Vec<String>,
    /// The confidentiality, when not "normal".
    pub level: Option<String>,
    pub blocks: Vec<Block>,
    /// "Deleted by X on D: reason".
    pub deleted: Option<String>,
    pub can_change: bool,
    pub versions_link: bool,
    /// Where the record an event is about is shown.
    pub link: Option<String>,
}

pub(super) fn entry_view(
    t: &Tr,
    lists: &Lists,
    signed_in: &SignedIn,
    loaded: &Loaded,
    e: &Entry,
) -> EntryView {
    let when = crate::dates::for_user(e.occurred_at, signed_in);
    let kind = e.kind();
    if !matches!(kind, Some(EntryKind::Note | EntryKind::Status)) {
        return event_view(t, loaded, e, when);
    }
    if !e.is_note() {
        let status = e.status().unwrap_or(CaseStatus::Open);
        let heading = match status {
            CaseStatus::Open if e.occurred_at == loaded.case.opened_at => {
                t.msg("case-event-opened")
            }
            CaseStatus::Open => t.msg("case-event-reopened"),
            CaseStatus::Paused => t.msg("case-event-paused"),
            CaseStatus::Closed => t.msg_args(
                "case-event-closed",
                &[(
                    "reason",
                    &e.closure_reason
                        .as_deref()
                        .map(|r| list_label(t, lists, ListName::CaseClosureReason, r))
                        .unwrap_or_default(),
                )],
            ),
        };
        let details =
            e.author_name.iter().map(|n| t.msg_args("case-entry-by", &[("name", n)])).collect();
        return EntryView {
            id: e.id,
            note: false,
            when,
            heading,
            details,
            level: None,
            blocks: vec![],
            deleted: None,
            can_change: false,
            versions_link: false,
            link: None,
        };
    }
    let level = e.confidentiality();
    let mut details = Vec::new();
    if let Some(n) = &e.author_name {
        details.push(t.msg_args("case-entry-by", &[("name", n)]));
    }
    if let Some(d) = e.duration_minutes {
        details.push(t.msg_count("case-note-minutes", &d));
    }
    if let Some(p) = &e.place {
        details.push(t.msg_args("case-note-at-place", &[("place", p)]));
    }
    if let Some(p) = &e.participants {
        details.push(t.msg_args("case-note-with", &[("participants", p)]));
    }
    let deleted = e.deleted_at.map(|at| {
        t.msg_args(
            "case-note-deleted",
            &[
                ("name", e.deleted_by_name.as_deref().unwrap_or("?")),
                ("date", &crate::dates::for_user(at, signed_in)),
                ("reason", e.delete_reason.as_deref().unwrap_or("")),
            ],
        )
    });
    let actor = &signed_in.actor;
    EntryView {
        id: e.id,
        note: true,
        when,
        heading: note_type_label(t, lists, e.note_type.as_deref().unwrap_or("")),
        details,
        level: (level != cases::Confidentiality::Normal)
            .then(|| t.msg(&format!("case-level-{}", level.as_str()))),
        blocks: if deleted.is_some() {
            vec![]
        } else {
            domain::markup::parse(e.body.as_deref().unwrap_or(""))
        },
        can_change: deleted.is_none() && policy::may_change_note(actor, &loaded.access, e.author()),
        versions_link: deleted.is_none()
            && e.corrections > 0
            && policy::may_see_note_versions(actor, &loaded.access, e.author(), level),
        deleted,
        link: None,
    }
}

/// An event of another feature (an assessment, a goal, a victory…): its heading says what
/// happened (`case-event-<kind>-<detail>`), its text is the record's summary as it was then
/// (shown as typed),
/// and it links to the record when the record has a page.
fn event_view(t: &Tr, loaded: &Loaded, e: &Entry, when: String) -> EntryView {
    let detail = e.detail.as_deref().filter(|d| domain::lists::valid_code(d)).unwrap_or("changed");
    let heading = t.msg(&format!("case-event-{}-{detail}", e.kind.replace('_', "-")));
    let details =
        e.author_name.iter().map(|n| t.msg_args("case-entry-by", &[("name", n)])).collect();
    EntryView {
        id: e.id,
        note: false,
        when,
        heading,
        details,
        level: None,
        blocks: match (e.kind(), e.summary.as_deref()) {
            // An aid request's event keeps its type's code: shown by its name.
            (Some(EntryKind::Aid), Some(code))
                if domain::lists::ListName::AidType.defaults().contains(&code) =>
            {
                domain::markup::literal(&t.msg(&format!("list-aid_type-{code}")))
            }
            // A person's words, shown as typed, as on the plan's page and in its PDF.
            (_, summary) => summary.map(domain::markup::literal).unwrap_or_default(),
        },
        deleted: None,
        can_change: false,
        versions_link: false,
        link: match (e.kind(), e.subject_id) {
            // A voice note's events (`voice_recorded`, `voice_filed`…) are of the document
            // kind, their record a voice note (ADR 0024).
            (Some(EntryKind::Document), Some(s)) if detail.starts_with("voice_") => {
                Some(format!("/voice-notes/{s}"))
            }
            (k, s) => k.zip(s).and_then(|(k, s)| event_link(loaded.case.id, k, s)),
        },
    }
}

/// Where the record an event is about is shown.
pub(super) fn event_link(case_id: CaseId, kind: EntryKind, subject: uuid::Uuid) -> Option<String> {
    match kind {
        EntryKind::Assessment => Some(format!("/cases/{case_id}/assessments/{subject}")),
        EntryKind::Goal | EntryKind::Step | EntryKind::Victory | EntryKind::Agreement => {
            Some(format!("/cases/{case_id}/plan"))
        }
        EntryKind::FollowUp => Some(format!("/cases/{case_id}/follow-ups")),
        EntryKind::Task => Some(format!("/tasks/{subject}")),
        EntryKind::Appointment => Some(format!("/appointments/{subject}")),
        EntryKind::Document => Some(format!("/documents/{subject}")),
        EntryKind::Referral => Some(format!("/referrals/{subject}")),
        EntryKind::Aid => Some(format!("/aid/{subject}")),
        _ => None,
    }
}

pub(crate) fn note_type_label(t: &Tr, lists: &Lists, code: &str) -> String {
    if code == cases::CASE_REVIEW {
        t.msg("case-note-type-case_review")
    } else {
        list_label(t, lists, ListName::ContactMedium, code)
    }
}

/// A person of the household, with their age.
pub struct MemberView {
    pub person_id: PersonId,
    pub name: String,
    pub relationship: String,
    pub age: Option<i64>,
    pub is_this_person: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    case_id: CaseId,
    person_id: PersonId,
    person_name: String,
    birth_date: String,
    age: Option<i64>,
    status: String,
    status_code: &'static str,
    opened: String,
    closed: Option<String>,
    team: String,
    referent: String,
    co_referents: String,
    reason: String,
    source: Option<String>,
    household: Vec<MemberView>,
    flags: Vec<String>,
    /// None: the reader sees metadata only.
    last_contacts: Option<Vec<(String, String)>>,
    /// The plan's active goals and latest victories, for readers of the content.
    plan: Option<crate::plans::PlanPanel>,
    content: bool,
    /// The ecomap's link: readers of the content whose role opens it.
    ecomap: bool,
    can_write: bool,
    can_manage: bool,
    version: i64,
    targets: Vec<Choice>,
    closure_reasons: Vec<Choice>,
    draft_saved: Option<String>,
    entries: Vec<EntryView>,
    type_filter: Vec<Choice>,
    filtered: bool,
    older: Option<String>,
    notice: Option<String>,
    /// "Emergency access until …, because: …", when the access comes from a grant.
    emergency: Option<String>,
    /// Links to the referents and follow-up pages.
    referent_links: super::follow_ups::CaseLinks,
    errors: Vec<(&'static str, String)>,
    /// The latest assessment's radar with the previous one, for readers of the content.
    assessment: Option<crate::assessments::RadarPanel>,
    /// The case's open tasks the reader may see.
    tasks: crate::tasks::CaseTasks,
    /// The case's coming appointments.
    appointments: crate::appointments::CaseAppointments,
    /// The case's documents the user may read, and the upload link for its writers.
    documents: Option<crate::documents::DocumentPanel>,
    /// The case's unfinished voice notes and whether the reader may record one, for those who
    /// read voice notes.
    voice_notes: Option<(Vec<crate::voice_notes::VoiceLine>, bool)>,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(rename = "type")]
    note_type: Option<String>,
    before: Option<String>,
    opened: Option<String>,
    status: Option<String>,
    note: Option<String>,
    /// The notice of a task action (`crate::tasks`).
    task: Option<String>,
    /// `deleted`: a voice note was deleted (`crate::voice_notes`).
    voice_note: Option<String>,
}

/// `before=<unix nanoseconds>_<entry id>`: where the next page starts, ids only.
fn cursor_text(c: &Cursor) -> String {
    format!("{}_{}", c.occurred_at.get().unix_timestamp_nanos(), c.id)
}

fn parse_cursor(s: &str) -> Option<Cursor> {
    let (nanos, id) = s.split_once('_')?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some(Cursor { occurred_at: Ts::from(at), id: id.parse().ok()? })
}

/// The note types a timeline filter and the note form offer: the contact media of the
/// organisation's list, then the case review.
pub(crate) fn note_types(t: &Tr, lists: &Lists, chosen: &str) -> Vec<Choice> {
    let mut out = choices(t, lists, ListName::ContactMedium, chosen);
    out.push(Choice {
        code: cases::CASE_REVIEW.to_owned(),
        label: t.msg("case-note-type-case_review"),
        selected: chosen == cases::CASE_REVIEW,
    });
    out
}

/// The overview. The list of queries is fixed whatever the history's length: the case and
/// its co-referents, the person, the household, the flags, the lists, the last contacts, one
/// page of the timeline, the draft, and the audit event.
#[allow(clippy::too_many_arguments)] // The page, what was asked, and what a failed form said.
async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    loaded: Loaded,
    q: ShowQuery,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
) -> Result<ShowPage, WebError> {
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    // The read is recorded before anything of the case is shown.
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", case.id.as_uuid())
        .detail("content", loaded.access.content)
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;

    let t = &ctx.t;
    let visibility = loaded.visibility(signed_in);
    let type_code = q.note_type.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let filter = type_code.map(|code| match TimelineGroup::parse(code) {
        Some(g) => TimelineFilter::Kinds(g.kinds()),
        None => TimelineFilter::NoteType(code),
    });
    let before = q.before.as_deref().and_then(parse_cursor);
    let me = loaded.access.write.then_some(signed_in.actor.user_id);
    let overview = store::cases::overview(
        &state.db,
        case,
        visibility,
        filter,
        before,
        LAST_CONTACTS,
        TIMELINE_PAGE,
        me,
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let store::cases::Overview { person, households: members, flags, lists, .. } = &overview;
    let today = time::OffsetDateTime::now_utc().date();
    let age = |b: Option<time::Date>| b.map(|b| domain::persons::age_on(b, today) as i64);
    let household_id = case.household_id.map(domain::HouseholdId::from_uuid).or_else(|| {
        members
            .iter()
            .find(|m| m.person_id == case.person_id && m.current(today))
            .map(|m| m.household_id)
    });
    let household = members
        .iter()
        .filter(|m| Some(m.household_id) == household_id && m.current(today))
        .map(|m| MemberView {
            person_id: m.person_id,
            name: member_name(m),
            relationship: if m.person_id == case.person_id {
                String::new()
            } else {
                list_label(t, lists, ListName::Relationship, &m.relationship)
            },
            age: age(m.birth_date),
            is_this_person: m.person_id == case.person_id,
        })
        .collect();
    let flags = flags
        .iter()
        .filter(|f| f.status() != domain::intake::FlagStatus::Closed)
        .map(|f| list_label(t, lists, ListName::UrgencyFlag, &f.code))
        .collect();
    let last_contacts = overview.last_contacts.as_ref().map(|entries| {
        entries
            .iter()
            .map(|e| {
                (
                    crate::dates::for_user(e.occurred_at, signed_in),
                    note_type_label(t, lists, e.note_type.as_deref().unwrap_or("")),
                )
            })
            .collect()
    });
    let page = &overview.timeline;
    let entries =
        page.entries.iter().map(|e| entry_view(t, lists, signed_in, &loaded, e)).collect();
    let older = page.older.map(|c| {
        let mut href = format!("/cases/{}?before={}", case.id, cursor_text(&c));
        if let Some(ty) = type_code {
            // A list code (lowercase letters, digits and underscores) or a group's code (the
            // same and a colon): nothing to escape.
            if domain::lists::valid_code(ty) || TimelineGroup::parse(ty).is_some() {
                href.push_str(&format!("&type={ty}"));
            }
        }
        href
    });
    let draft_saved =
        overview.draft.as_ref().map(|d| crate::dates::for_user(d.updated_at, signed_in));
    let plan = if loaded.access.content {
        let can_write = loaded.access.write && case.status() != CaseStatus::Closed;
        Some(crate::plans::plan_panel(state, t, signed_in, case, can_write).await?)
    } else {
        None
    };
    let status = case.status();
    let targets = CaseStatus::ALL
        .into_iter()
        .filter(|to| cases::change_status(status, *to, Some("x")).is_ok())
        .map(|to| Choice {
            code: to.as_str().to_owned(),
            label: t.msg(&format!("case-action-{}", to.as_str())),
            selected: false,
        })
        .collect();
    let mut closure_reasons =
        vec![Choice { code: String::new(), label: t.msg("case-choose"), selected: true }];
    closure_reasons.extend(choices(t, lists, ListName::CaseClosureReason, ""));
    let mut type_filter = vec![Choice {
        code: String::new(),
        label: t.msg("case-filter-all"),
        selected: type_code.is_none(),
    }];
    // Event groups only for a reader of the content: the others see status changes alone.
    if loaded.access.content {
        type_filter.extend(TimelineGroup::ALL.into_iter().map(|g| Choice {
            code: g.code().to_owned(),
            label: t.msg(&format!(
                "case-filter-{}",
                g.code().trim_start_matches("kind:").replace('_', "-")
            )),
            selected: type_code == Some(g.code()),
        }));
    }
    type_filter.extend(note_types(t, lists, type_code.unwrap_or("")));
    let notice = notice.or_else(|| {
        if q.opened.is_some() {
            Some(t.msg("case-notice-opened"))
        } else if q.status.is_some() {
            Some(t.msg("case-notice-status"))
        } else if q.voice_note.as_deref() == Some("deleted") {
            Some(t.msg("voice-notice-deleted"))
        } else {
            match q.note.as_deref() {
                Some("saved") => Some(t.msg("case-notice-note-saved")),
                Some("corrected") => Some(t.msg("case-notice-note-corrected")),
                Some("deleted") => Some(t.msg("case-notice-note-deleted")),
                _ => None,
            }
        }
    });
    let emergency = loaded.emergency.as_ref().map(|g| {
        t.msg_args(
            "case-emergency-banner",
            &[("until", &crate::dates::for_user(g.expires_at, signed_in)), ("reason", &g.reason)],
        )
    });
    let assessment = if loaded.access.content {
        let can_write = loaded.access.write && case.status() != CaseStatus::Closed;
        Some(crate::assessments::radar_panel(state, t, case, lists, can_write).await?)
    } else {
        None
    };
    let referent_links = super::follow_ups::case_links(signed_in, &loaded);
    let tasks =
        crate::tasks::case_tasks(state, t, signed_in, case.id, &loaded.access, q.task.as_deref())
            .await?;
    let appointments =
        crate::appointments::case_appointments(state, t, signed_in, case.id, &loaded.access)
            .await?;
    let documents = crate::documents::case_panel(state, t, signed_in, &loaded).await?;
    let voice_notes = crate::voice_notes::case_voice_notes(state, t, signed_in, &loaded).await?;
    Ok(ShowPage {
        voice_notes,
        appointments,
        tasks,
        documents,
        referent_links,
        emergency,
        case_id: case.id,
        person_id: case.person_id,
        person_name: person.record.display_name(),
        birth_date: person.record.birth_date.map(domain::persons::french_date).unwrap_or_default(),
        age: age(person.record.birth_date),
        status: status_label(t, status),
        status_code: status.as_str(),
        opened: local_date(case.opened_at, signed_in),
        closed: case.closed_at.map(|at| {
            t.msg_args(
                "case-closed-on",
                &[
                    ("date", &local_date(at, signed_in)),
                    (
                        "reason",
                        &case
                            .closure_reason
                            .as_deref()
                            .map(|r| list_label(t, lists, ListName::CaseClosureReason, r))
                            .unwrap_or_default(),
                    ),
                ],
            )
        }),
        team: case.team_name.clone(),
        referent: case.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent")),
        co_referents: case
            .co_referents
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        reason: case.reason.clone(),
        source: case
            .orientation_source
            .as_deref()
            .map(|s| list_label(t, lists, ListName::OrientationSource, s)),
        household,
        flags,
        last_contacts,
        plan,
        content: loaded.access.content,
        ecomap: loaded.access.content
            && crate::chrome::allows(domain::ecomap::ECOMAP_READERS, signed_in),
        can_write: loaded.access.write && status != CaseStatus::Closed,
        can_manage: loaded.access.manage,
        version: case.version,
        targets,
        closure_reasons,
        draft_saved,
        entries,
        type_filter,
        filtered: type_code.is_some(),
        older,
        notice,
        errors,
        assessment,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, WebError> {
    let loaded = load(&state, &signed_in, id).await?;
    show_page(&state, ctx, &meta, &signed_in, loaded, q, None, vec![]).await
}

/// Pauses, closes (with a reason) or reopens a case, if nobody changed it since the form was
/// shown; the change goes on the timeline and in the audit log.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = load(&state, &signed_in, id).await?;
    if !loaded.access.manage {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let to = value_of(&pairs, "status").and_then(CaseStatus::parse);
    let reason = value_of(&pairs, "closure_reason").map(str::trim).filter(|r| !r.is_empty());
    let version: Option<i64> = value_of(&pairs, "version").and_then(|v| v.parse().ok());
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let problem = match (to, version) {
        (None, _) | (_, None) => Some(("status", t.msg("case-error-status"))),
        (Some(to), Some(_)) => match cases::change_status(loaded.case.status(), to, reason) {
            Err(StatusProblem::ClosureReasonRequired) => {
                Some(("closure_reason", t.msg("case-error-closure-reason")))
            }
            Err(_) => Some(("status", t.msg("case-error-status"))),
            Ok(())
                if to == CaseStatus::Closed
                    && !reason
                        .is_some_and(|r| lists.accepts(ListName::CaseClosureReason, r, None)) =>
            {
                Some(("closure_reason", t.msg("person-error-unknown-value")))
            }
            Ok(()) => None,
        },
    };
    if let Some(p) = problem {
        let page =
            show_page(&state, ctx, &meta, &signed_in, loaded, ShowQuery::default(), None, vec![p])
                .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (Some(to), Some(version)) = (to, version) else {
        return Err(WebError::Internal("a checked status change lacks its values"));
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let changed =
        store::cases::change_status(&mut tx, org, id, version, to, reason, me, Ts::now()).await?;
    if !changed {
        drop(tx);
        // Someone changed the case since the form was shown: show its current state, change
        // nothing.
        let loaded = load(&state, &signed_in, id).await?;
        let notice = Some(ctx.t.msg("case-conflict"));
        let page =
            show_page(&state, ctx, &meta, &signed_in, loaded, ShowQuery::default(), notice, vec![])
                .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("case", id.as_uuid())
        .detail("status", to.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    if to == CaseStatus::Closed {
        // Closing leaves the follow-up checks to schedule (ADR 0015).
        return Ok(Redirect::to(&format!("/cases/{id}/follow-ups?closed=1")).into_response());
    }
    Ok(Redirect::to(&format!("/cases/{id}?status=1")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The cases panel of a person's page, and the drafts of the home page.

/// One case on a person's page.
pub struct CaseRow {
    pub id: CaseId,
    pub status: String,
    pub team: String,
    pub referent: String,
    pub opened: String,
}

/// An active case the reader may not open: only that the person is followed, by whom, and
/// where to open it in an emergency when the reader may break the glass.
pub struct Followed {
    pub text: String,
    pub emergency: Option<CaseId>,
}

/// The cases of a person as the reader may see them.
pub struct PersonCases {
    /// Cases the reader may open.
    pub rows: Vec<CaseRow>,
    /// Active cases the reader may not open.
    pub followed: Vec<Followed>,
    pub can_open: bool,
    /// Whether the reader is the referent or a co-referent of one of the open or paused cases.
    pub answers_for: bool,
}

/// The cases panel of a person's page (two queries).
pub async fn person_cases(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
    org: OrganisationId,
    person: PersonId,
) -> Result<PersonCases, WebError> {
    let all = store::cases::of_person(&state.db, org, person).await?;
    let actor = &signed_in.actor;
    let mut rows = Vec::new();
    let mut followed = Vec::new();
    let mut answers_for = false;
    for c in &all {
        let co = c.co_referent_ids();
        let access = policy::case_access(actor, &c.facts(&co));
        answers_for |= access.referent && c.status().active();
        let referent = c.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent"));
        if access.metadata {
            rows.push(CaseRow {
                id: c.id,
                status: status_label(t, c.status()),
                team: c.team_name.clone(),
                referent,
                opened: local_date(c.opened_at, signed_in),
            });
        } else if c.status().active() && policy::sees_who_follows(actor) {
            let text = t.msg_args(
                "case-followed-by",
                &[
                    ("referent", &referent),
                    ("team", &c.team_name),
                    ("date", &local_date(c.opened_at, signed_in)),
                ],
            );
            let emergency = policy::may_break_the_glass(actor, &c.facts(&co)).then_some(c.id);
            followed.push(Followed { text, emergency });
        }
    }
    Ok(PersonCases {
        rows,
        followed,
        can_open: crate::chrome::allows(policy::CASE_OPENERS, signed_in),
        answers_for,
    })
}

/// An unfinished draft on the home page: where to resume it, and what it is.
pub struct DraftLine {
    pub href: String,
    pub label: String,
}

/// The signed-in user's unfinished note drafts in their organisation.
pub async fn drafts_for_home(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
) -> Result<Vec<DraftLine>, WebError> {
    let Some(org) = signed_in.actor.organisation() else { return Ok(vec![]) };
    if !crate::chrome::allows(policy::NOTE_WRITERS, signed_in) {
        return Ok(vec![]);
    }
    let drafts = store::cases::drafts_of(&state.db, org, signed_in.actor.user_id).await?;
    let mut lines: Vec<DraftLine> = drafts
        .into_iter()
        .map(|d| {
            let family = d.used_name.as_deref().or(d.birth_name.as_deref());
            let name = [family, d.first_names.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let date = crate::dates::for_user(d.updated_at, signed_in);
            match d.entry_id {
                None => DraftLine {
                    href: format!("/cases/{}/notes/new", d.case_id),
                    label: t.msg_args("home-draft-new", &[("name", &name), ("date", &date)]),
                },
                Some(e) => DraftLine {
                    href: format!("/cases/{}/notes/{e}/edit", d.case_id),
                    label: t.msg_args("home-draft-edit", &[("name", &name), ("date", &date)]),
                },
            }
        })
        .collect();
    lines.extend(crate::assessments::drafts_for_home(state, signed_in, t).await?);
    Ok(lines)
}
