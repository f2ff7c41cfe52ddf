use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::persons::{self, Field, Group, Kind, PersonForm, PersonRecord, Problems};
use domain::policy::{PersonAccess, person_access};
use domain::{HouseholdId, OrganisationId, PersonId, UserId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::persons::{Person, SearchHit};

use super::form::{self, FieldsetView};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// How many results a search shows.
pub const RESULTS: usize = 25;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

pub(super) fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A search result as the list shows it.
pub struct HitView {
    pub id: PersonId,
    pub name: String,
    pub birth_name: Option<String>,
    pub birth_date: String,
    pub age: Option<i32>,
    pub town: String,
}

impl HitView {
    /// A stored record as a list shows it.
    pub fn of_person(p: &Person) -> HitView {
        HitView::new(&SearchHit {
            id: p.id,
            birth_name: p.record.birth_name.clone(),
            used_name: p.record.used_name.clone(),
            first_names: p.record.first_names.clone(),
            birth_date: p.record.birth_date,
            town: p.record.town.clone(),
            score: 0,
        })
    }

    pub fn new(hit: &SearchHit) -> HitView {
        let family = hit.used_name.clone().or_else(|| hit.birth_name.clone());
        let name = [family.as_deref(), hit.first_names.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        HitView {
            id: hit.id,
            name,
            birth_name: hit
                .birth_name
                .clone()
                .filter(|b| hit.used_name.as_ref().is_some_and(|u| u != b)),
            birth_date: hit.birth_date.map(persons::french_date).unwrap_or_default(),
            age: hit.birth_date.map(|d| persons::age_on(d, today())),
            town: hit.town.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/index.html")]
pub struct IndexPage {
    chrome: Chrome,
    query: String,
    searched: bool,
    hits: Vec<HitView>,
    can_create: bool,
}

/// What a fragment's template needs of the layout's context: the translator.
pub struct FragmentChrome {
    pub t: Tr,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/results_fragment.html")]
pub struct ResultsFragment {
    chrome: FragmentChrome,
    searched: bool,
    hits: Vec<HitView>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<IndexPage, WebError> {
    let org = organisation(&signed_in)?;
    let hits = store::persons::recent(&state.db, org, RESULTS as i64).await?;
    Ok(IndexPage {
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        query: String::new(),
        searched: false,
        hits: hits.iter().map(HitView::new).collect(),
        can_create: person_access(&signed_in.actor).create,
    })
}

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

/// Search terms come in the body, never in the URL (they are names and birth dates). htmx
/// asks for the results only; a plain form gets the whole page.
pub async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SearchForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let query: String = form.q.chars().take(200).collect();
    let searched = !query.trim().is_empty();
    // An emptied box shows the recent list again, as the page first did.
    let hits = if searched {
        store::persons::search(&state.db, org, &query, RESULTS).await?
    } else {
        store::persons::recent(&state.db, org, RESULTS as i64).await?
    };
    let hits: Vec<HitView> = hits.iter().map(HitView::new).collect();
    if headers.contains_key("hx-request") {
        let chrome = FragmentChrome { t: ctx.t };
        return Ok(ResultsFragment { chrome, searched, hits }.into_response());
    }
    Ok(IndexPage {
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        query,
        searched,
        hits,
        can_create: person_access(&signed_in.actor).create,
    }
    .into_response())
}

/// A refused field for the error summary.
pub struct SummaryError {
    pub field: &'static str,
    pub message: String,
}

/// One row of the conflict table: a field someone else changed while this user was editing.
pub struct ConflictRow {
    pub label: String,
    pub stored: String,
    pub typed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/form.html")]
pub struct FormPage {
    chrome: Chrome,
    /// `None` when registering.
    person_id: Option<PersonId>,
    title: String,
    action: String,
    version: i64,
    household: Option<HouseholdId>,
    errors: Vec<SummaryError>,
    fieldsets: Vec<FieldsetView>,
    conflict: Vec<ConflictRow>,
    /// Records like the one being registered, shown before it is.
    duplicates: Vec<DuplicateView>,
}

/// A record that looks like the one being registered.
pub struct DuplicateView {
    pub id: PersonId,
    pub hit: HitView,
    pub score: u8,
    pub reasons: String,
}

fn duplicate_views(t: &Tr, similar: &[store::persons::Similar]) -> Vec<DuplicateView> {
    similar
        .iter()
        .map(|s| DuplicateView {
            id: s.person.id,
            hit: HitView::of_person(&s.person),
            score: s.similarity.score,
            reasons: s
                .similarity
                .reasons
                .iter()
                .map(|r| t.msg(&format!("person-reason-{}", r.key())))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct NewQuery {
    household: Option<HouseholdId>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let access = person_access(&signed_in.actor);
    let title = ctx.t.msg("person-new-title");
    Ok(FormPage {
        fieldsets: form::fieldsets(&ctx.t, &lists, &access, &PersonForm::default(), &vec![]),
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        person_id: None,
        title,
        action: "/persons/new".to_owned(),
        version: 0,
        household: q.household,
        errors: vec![],
        conflict: vec![],
        duplicates: vec![],
    })
}

/// The pairs of a submitted form, decoded (repeated keys kept: resources are checkboxes).
pub(crate) fn pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

pub(crate) fn value_of<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// What the user submitted, limited to what they may change: every other field keeps the
/// stored value (or stays empty when registering), so a field they cannot see is never wiped.
fn submitted(access: &PersonAccess, pairs: &[(String, String)], base: &PersonForm) -> PersonForm {
    let typed = PersonForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut out = base.clone();
    for field in Field::ALL {
        if !access.edits(field.group()) {
            continue;
        }
        match field.kind() {
            Kind::Resources => out.resources = typed.resources.clone(),
            _ => out.set(field, typed.get(field)),
        }
    }
    out
}

fn summary(t: &Tr, lists: &Lists, problems: &Problems) -> Vec<SummaryError> {
    problems
        .iter()
        .map(|(f, p)| SummaryError {
            field: f.name(),
            message: t.msg_args(
                "person-error-summary-item",
                &[("field", &form::label(t, *f)), ("message", &form::problem_message(t, lists, p))],
            ),
        })
        .collect()
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = pairs(&body);
    let household: Option<HouseholdId> = value_of(&pairs, "household").and_then(|h| h.parse().ok());
    let typed = submitted(&access, &pairs, &PersonForm::default());
    let record = match PersonRecord::parse(&typed, &lists, today(), None) {
        Ok(r) => r,
        Err(problems) => {
            let page = FormPage {
                errors: summary(&ctx.t, &lists, &problems),
                fieldsets: form::fieldsets(&ctx.t, &lists, &access, &typed, &problems),
                title: ctx.t.msg("person-new-title"),
                chrome: Chrome::new(ctx, &state, Nav::Persons),
                person_id: None,
                action: "/persons/new".to_owned(),
                version: 0,
                household,
                conflict: vec![],
                duplicates: vec![],
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // Before registering: is this person already here? The user opens the record, or says
    // this is someone else (recorded), for every similar record shown.
    let dismissed: Vec<PersonId> = pairs
        .iter()
        .filter(|(k, _)| k == "distinct_from")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let similar = store::persons::similar(&state.db, org, &record, None).await?;
    if similar.iter().any(|s| !dismissed.contains(&s.person.id)) {
        let page = FormPage {
            duplicates: duplicate_views(&ctx.t, &similar),
            errors: vec![],
            fieldsets: form::fieldsets(&ctx.t, &lists, &access, &typed, &vec![]),
            title: ctx.t.msg("person-new-title"),
            chrome: Chrome::new(ctx, &state, Nav::Persons),
            person_id: None,
            action: "/persons/new".to_owned(),
            version: 0,
            household,
            conflict: vec![],
        };
        return Ok(page.into_response());
    }
    let id = PersonId::new();
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    store::persons::insert(&mut tx, org, id, &record, Some(signed_in.actor.user_id), now).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    for s in &similar {
        store::persons::record_distinct(
            &mut tx,
            org,
            id,
            s.person.id,
            Some(signed_in.actor.user_id),
            now,
        )
        .await?;
        let event = NewAuditEvent::new(AuditAction::DuplicateDismissed, Some(org))
            .by(signed_in.actor.user_id)
            .on("person", id.as_uuid())
            .detail("other", s.person.id.to_string())
            .detail("score", s.similarity.score);
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    // Registered from a household's page: back there to say how they are related.
    let to = match household {
        Some(h) if store::households::find(&state.db, org, h).await?.is_some() => {
            format!("/households/{h}?added={id}")
        }
        _ => format!("/persons/{id}?created=1"),
    };
    Ok(Redirect::to(&to).into_response())
}

/// A field as the person's page shows it.
pub struct ShownField {
    pub label: String,
    pub value: String,
    pub multiline: bool,
}

pub struct ShownGroup {
    pub legend: String,
    pub fields: Vec<ShownField>,
}

/// A household member as the person's page lists them.
pub struct MemberView {
    pub person_id: PersonId,
    pub name: String,
    pub relationship: String,
    pub age: Option<i32>,
    pub from: String,
    pub to: String,
    pub is_this_person: bool,
}

pub struct HouseholdView {
    pub id: HouseholdId,
    pub current: bool,
    pub members: Vec<MemberView>,
}

/// Who opened the file, for those who answer for it.
pub struct ReaderView {
    pub who: String,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    person: Person,
    name: String,
    groups: Vec<ShownGroup>,
    missing: Vec<String>,
    households: Vec<HouseholdView>,
    can_edit: bool,
    created: bool,
    saved: bool,
    readers: Option<Vec<ReaderView>>,
    /// A message after a merge or its undoing.
    merge_notice: Option<String>,
    /// For managers: the merges into this record, each undoable.
    merges: Option<Vec<MergedView>>,
    flags: Vec<FlagView>,
    visits: Vec<String>,
    can_record_visit: bool,
    can_handle_flags: bool,
    flag_notice: Option<String>,
    cases: crate::cases::PersonCases,
    /// The person's documents the user may read, and the upload link.
    documents: Option<crate::documents::DocumentPanel>,
}

/// An urgency flag as the person's page shows it.
pub struct FlagView {
    pub id: uuid::Uuid,
    pub label: String,
    pub status: String,
    pub open: bool,
    pub team: String,
    pub note: String,
    pub version: i64,
    pub raised: String,
}

/// A record merged into this one.
pub struct MergedView {
    pub merge_id: uuid::Uuid,
    pub label: String,
}

impl ShowPage {
    fn in_a_household(&self) -> bool {
        self.households.iter().any(|h| h.current)
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    created: Option<String>,
    saved: Option<String>,
    merged: Option<String>,
    undo: Option<String>,
    flag: Option<String>,
    visit: Option<String>,
}

/// How a stored value reads on the page.
fn shown_value(t: &Tr, lists: &Lists, field: Field, person: &PersonRecord) -> String {
    let form = person.to_form();
    match field.kind() {
        Kind::Choice(list) => {
            let code = form.get(field);
            if code.is_empty() { String::new() } else { form::value_label(t, lists, list, code) }
        }
        Kind::Flag => {
            if person.interpreter_needed {
                t.msg("person-yes")
            } else {
                String::new()
            }
        }
        Kind::Resources => person
            .resources
            .iter()
            .map(|r| {
                let label = form::value_label(t, lists, ListName::Resources, &r.code);
                match r.amount_cents {
                    Some(c) => t.msg_args(
                        "person-resource-amount",
                        &[("resource", &label), ("amount", &form::amount(t, c))],
                    ),
                    None => label,
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => form.get(field).to_owned(),
    }
}

/// The person's record, as `viewer` may see it: a file of the restricted archive is "not
/// found" unless the viewer opened it with a reason (ADR 0040).
pub(super) async fn load(
    state: &AppState,
    org: OrganisationId,
    id: PersonId,
    viewer: UserId,
) -> Result<Person, WebError> {
    let person = store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    crate::privacy::unless_archived(state, org, id, viewer).await?;
    Ok(person)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let person = load(&state, org, id, signed_in.actor.user_id).await?;
    if let Some(target) = person.merged_into {
        return Ok(Redirect::to(&format!("/persons/{target}")).into_response());
    }
    // The read is recorded before anything of the file is shown.
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;

    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let mut groups: Vec<ShownGroup> = Vec::new();
    for (legend, fields) in [
        (
            t.msg("person-group-identity"),
            Field::ALL.iter().filter(|f| f.group() == Group::Identity).copied().collect::<Vec<_>>(),
        ),
        (
            t.msg("person-group-contact"),
            Field::ALL.iter().filter(|f| f.group() == Group::Contact).copied().collect(),
        ),
        (
            t.msg("person-group-situation"),
            Field::ALL.iter().filter(|f| f.group() == Group::Situation).copied().collect(),
        ),
    ] {
        if !fields.iter().any(|f| access.reads(f.group())) {
            continue;
        }
        let shown: Vec<ShownField> = fields
            .into_iter()
            .filter_map(|f| {
                let value = shown_value(t, &lists, f, &person.record);
                (!value.is_empty()).then(|| ShownField {
                    label: form::label(t, f),
                    multiline: value.contains('\n'),
                    value,
                })
            })
            .collect();
        groups.push(ShownGroup { legend, fields: shown });
    }
    let missing = person
        .record
        .missing()
        .into_iter()
        .filter(|(_, fields)| fields.iter().all(|f| access.reads(f.group())))
        .map(|(purpose, fields)| {
            t.msg_args(
                &format!("person-missing-{}", purpose.key().replace('_', "-")),
                &[(
                    "fields",
                    &fields.iter().map(|f| form::label(t, *f)).collect::<Vec<_>>().join(", "),
                )],
            )
        })
        .collect();
    // The households of the records merged into this one belong to this person too.
    let mut households = super::households::of_person(&state, t, &lists, org, id).await?;
    for merged in store::persons::merged_into(&state.db, org, id).await? {
        households.extend(super::households::of_person(&state, t, &lists, org, merged).await?);
    }
    let manager = signed_in.actor.role() == Some(domain::accounts::Role::Manager);
    let cases = crate::cases::person_cases(&state, &signed_in, t, org, id).await?;
    let readers = if domain::policy::sees_file_readers(&signed_in.actor, cases.answers_for) {
        Some(readers(&state, org, id, signed_in.time_zone.as_deref()).await?)
    } else {
        None
    };
    let merges = if manager {
        let mut views = Vec::new();
        for m in store::merges::active_into(&state.db, org, id).await? {
            let name = match store::persons::find(&state.db, org, m.merged_id).await? {
                Some(p) => p.record.display_name(),
                None => String::new(),
            };
            views.push(MergedView {
                merge_id: m.id,
                label: t.msg_args(
                    "merge-merged-item",
                    &[("name", &name), ("date", &crate::dates::for_user(m.merged_at, &signed_in))],
                ),
            });
        }
        Some(views)
    } else {
        None
    };
    let merge_notice = match (q.merged.as_deref(), q.undo.as_deref()) {
        (Some(_), _) => Some(t.msg("merge-done")),
        (_, Some("done")) => Some(t.msg("merge-undo-done")),
        (_, Some("partial")) => Some(t.msg("merge-undo-partial")),
        (_, Some(_)) => Some(t.msg("merge-undo-gone")),
        _ => None,
    };
    let flags = store::intake::flags_of(&state.db, org, id)
        .await?
        .into_iter()
        .map(|f| {
            let status = match f.status() {
                domain::intake::FlagStatus::Raised => t.msg("flag-status-raised"),
                domain::intake::FlagStatus::Acknowledged => t.msg_args(
                    "flag-status-acknowledged",
                    &[("date", &f.review_date.map(persons::french_date).unwrap_or_default())],
                ),
                domain::intake::FlagStatus::Closed => t.msg("flag-status-closed"),
            };
            FlagView {
                id: f.id,
                label: form::value_label(t, &lists, ListName::UrgencyFlag, &f.code),
                open: f.status() != domain::intake::FlagStatus::Closed,
                status,
                team: f.team_name.clone().unwrap_or_default(),
                note: f.note.clone().unwrap_or_default(),
                version: f.version,
                raised: crate::dates::for_user(f.raised_at, &signed_in),
            }
        })
        .collect();
    let visits = store::intake::visits_of(&state.db, org, id, 10)
        .await?
        .into_iter()
        .map(|v| {
            t.msg_args(
                "visit-line",
                &[
                    ("date", &crate::dates::for_user(v.created_at, &signed_in)),
                    ("reason", &v.reason),
                    ("outcome", &t.msg(&format!("intake-outcome-{}", v.outcome))),
                ],
            )
        })
        .collect();
    let flag_notice = match (q.flag.as_deref(), q.visit.is_some()) {
        (Some("acknowledged"), _) => Some(t.msg("flag-notice-acknowledged")),
        (Some("closed"), _) => Some(t.msg("flag-notice-closed")),
        (Some("review"), _) => Some(t.msg("flag-notice-review")),
        (Some(_), _) => Some(t.msg("flag-notice-stale")),
        (None, true) => Some(t.msg("visit-notice-recorded")),
        _ => None,
    };
    let name = person.record.display_name();
    let documents = crate::documents::person_panel(&state, &ctx.t, &signed_in, person.id).await?;
    Ok(ShowPage {
        cases,
        documents,
        flags,
        visits,
        can_record_visit: crate::chrome::allows(domain::policy::PERSON_EDITORS, &signed_in),
        can_handle_flags: crate::chrome::allows(domain::policy::FLAG_HANDLERS, &signed_in),
        flag_notice,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        name,
        groups,
        missing,
        households,
        can_edit: access.edit_identity || access.edit_situation,
        created: q.created.is_some(),
        saved: q.saved.is_some(),
        readers,
        merge_notice,
        merges,
        person,
    }
    .into_response())
}

/// The last openings of the file: who and when.
async fn readers(
    state: &AppState,
    org: OrganisationId,
    id: PersonId,
    zone: Option<&str>,
) -> Result<Vec<ReaderView>, WebError> {
    let filter = store::audit::AuditFilter {
        subject_id: Some(id.as_uuid()),
        action: Some(AuditAction::PersonFileRead),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    let page = store::audit::search(&state.db, &filter, None, 20).await?;
    let mut ids: Vec<domain::UserId> =
        page.events.iter().filter_map(|e| e.actor_user_id.map(domain::UserId::from_uuid)).collect();
    ids.sort();
    ids.dedup();
    let actors = store::audit::actors(&state.db, &ids).await?;
    Ok(page
        .events
        .into_iter()
        .map(|e| ReaderView {
            who: e
                .actor_user_id
                .and_then(|u| {
                    actors.iter().find(|a| a.id.as_uuid() == u).map(|a| a.display_name.clone())
                })
                .unwrap_or_default(),
            when: crate::dates::local_minutes(e.occurred_at, zone),
        })
        .collect())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let person = load(&state, org, id, signed_in.actor.user_id).await?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("view", "edit");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let title = ctx.t.msg_args("person-edit-title", &[("name", &person.record.display_name())]);
    Ok(FormPage {
        fieldsets: form::fieldsets(&ctx.t, &lists, &access, &person.record.to_form(), &vec![]),
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        person_id: Some(id),
        title,
        action: format!("/persons/{id}/edit"),
        version: person.version,
        household: None,
        errors: vec![],
        conflict: vec![],
        duplicates: vec![],
    }
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let current = load(&state, org, id, signed_in.actor.user_id).await?;
    if current.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let stored_form = current.record.to_form();
    let mut typed = submitted(&access, &pairs, &stored_form);

    // Someone saved since this form was opened: merge what can be merged, show the rest.
    let mut conflict = Vec::new();
    if version != current.version {
        let base = store::persons::revision(&state.db, org, id, version).await?;
        let base = base.unwrap_or_else(|| stored_form.clone());
        for field in base.changed_fields(&stored_form) {
            if typed.display(field) == base.display(field) {
                // The user left it as it was: take the colleague's change, silently lose nothing.
                match field.kind() {
                    Kind::Resources => typed.resources = stored_form.resources.clone(),
                    _ => typed.set(field, stored_form.get(field)),
                }
            } else if typed.display(field) != stored_form.display(field) {
                conflict.push(ConflictRow {
                    label: form::label(&ctx.t, field),
                    stored: stored_form.display(field),
                    typed: typed.display(field),
                });
            }
        }
    }
    let parsed = PersonRecord::parse(&typed, &lists, today(), Some(&current.record));
    if !conflict.is_empty() || parsed.is_err() {
        let problems = parsed.err().unwrap_or_default();
        let status = if conflict.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::CONFLICT
        };
        let page = FormPage {
            errors: summary(&ctx.t, &lists, &problems),
            fieldsets: form::fieldsets(&ctx.t, &lists, &access, &typed, &problems),
            title: ctx.t.msg_args("person-edit-title", &[("name", &current.record.display_name())]),
            chrome: Chrome::new(ctx, &state, Nav::Persons),
            person_id: Some(id),
            action: format!("/persons/{id}/edit"),
            // Sending the form again now means "keep what I typed", knowingly.
            version: current.version,
            household: None,
            conflict,
            duplicates: vec![],
        };
        return Ok((status, page).into_response());
    }
    let record = parsed.expect("checked above");
    let changed: Vec<&str> =
        stored_form.changed_fields(&record.to_form()).into_iter().map(Field::name).collect();
    if changed.is_empty() {
        return Ok(Redirect::to(&format!("/persons/{id}")).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    let saved = store::persons::update(
        &mut tx,
        org,
        id,
        current.version,
        &record,
        Some(signed_in.actor.user_id),
        Ts::now(),
    )
    .await?;
    if saved.is_none() {
        // Another save slipped in between our read and our write: start again from the top,
        // with this submission's own version, so the user sees the comparison.
        drop(tx);
        return Ok(Redirect::to(&format!("/persons/{id}/edit")).into_response());
    }
    // Which fields changed, never their values.
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("fields", changed.join(","));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}
