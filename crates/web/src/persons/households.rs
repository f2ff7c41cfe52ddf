//! Households: create one around a person, add members (found or newly registered) with their
//! relationship and arrival date, record departures. Nothing is deleted: the history stays.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::persons::{self, Problem};
use domain::policy::person_access;
use domain::{HouseholdId, HouseholdMemberId, OrganisationId, PersonId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::households::Member;

use super::form::{self, OptionView};
use super::pages::{self, HitView, HouseholdView, MemberView, organisation, today, value_of};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

pub(crate) fn member_name(m: &Member) -> String {
    let family = m.used_name.as_deref().or(m.birth_name.as_deref());
    [family, m.first_names.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

fn relationship_label(t: &Tr, lists: &Lists, code: &str) -> String {
    if code == "self" {
        t.msg("household-reference-person")
    } else {
        form::value_label(t, lists, ListName::Relationship, code)
    }
}

fn member_view(t: &Tr, lists: &Lists, m: &Member, this: Option<PersonId>) -> MemberView {
    MemberView {
        person_id: m.person_id,
        name: member_name(m),
        relationship: relationship_label(t, lists, &m.relationship),
        age: m.birth_date.map(|d| persons::age_on(d, today())),
        from: m.from_date.map(persons::french_date).unwrap_or_default(),
        to: m.to_date.map(persons::french_date).unwrap_or_default(),
        is_this_person: Some(m.person_id) == this,
    }
}

/// The households a person belongs or belonged to, for their page: current first.
pub(super) async fn of_person(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    org: OrganisationId,
    person: PersonId,
) -> Result<Vec<HouseholdView>, WebError> {
    let rows = store::households::of_person(&state.db, org, person).await?;
    let mut out: Vec<HouseholdView> = Vec::new();
    let day = today();
    for m in &rows {
        if out.last().is_none_or(|h| h.id != m.household_id) {
            out.push(HouseholdView { id: m.household_id, current: false, members: vec![] });
        }
        let h = out.last_mut().expect("pushed above");
        if m.person_id == person && m.current(day) {
            h.current = true;
        }
        // Past members of a household stay in its history, not in today's composition.
        if m.current(day) || m.person_id == person {
            h.members.push(member_view(t, lists, m, Some(person)));
        }
    }
    out.sort_by_key(|h| !h.current);
    Ok(out)
}

/// Creates a household around the person (they are its reference person).
pub async fn create(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let person = pages::load(&state, org, id, signed_in.actor.user_id).await?;
    if person.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    let household = store::households::create(
        &mut tx,
        org,
        id,
        Some(today()),
        Some(signed_in.actor.user_id),
        Ts::now(),
    )
    .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", household.as_uuid())
        .detail("person", id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/households/{household}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/household.html")]
pub struct HouseholdPage {
    chrome: Chrome,
    id: HouseholdId,
    current: Vec<MemberView>,
    past: Vec<MemberView>,
    versions: Vec<(PersonId, HouseholdMemberId, i64)>,
    can_edit: bool,
    /// Sees the household's budget (the situation, not reception's).
    can_read_budget: bool,
    query: String,
    hits: Vec<HitView>,
    searched: bool,
    /// A person just registered from this page, preselected to be added.
    added: Option<PersonId>,
    relationships: Vec<OptionView>,
    errors: Vec<(String, String)>,
    from_date: String,
}

impl HouseholdPage {
    /// The membership id and version of a current member, for the "left" form.
    pub fn member_ref(&self, person: &PersonId) -> Option<(String, i64)> {
        self.versions.iter().find(|(p, _, _)| p == person).map(|(_, m, v)| (m.to_string(), *v))
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    added: Option<PersonId>,
}

struct Typed {
    query: String,
    hits: Vec<HitView>,
    searched: bool,
    added: Option<PersonId>,
    relationship: String,
    from_date: String,
    errors: Vec<(String, String)>,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: HouseholdId,
    typed: Typed,
) -> Result<HouseholdPage, WebError> {
    let org = organisation(signed_in)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let members = store::households::members(&state.db, id).await?;
    let day = today();
    let t = &ctx.t;
    let mut current = Vec::new();
    let mut past = Vec::new();
    let mut versions = Vec::new();
    for m in &members {
        if m.current(day) {
            versions.push((m.person_id, m.id, m.version));
            current.push(member_view(t, &lists, m, None));
        } else {
            past.push(member_view(t, &lists, m, None));
        }
    }
    let mut relationships: Vec<OptionView> = lists
        .offered(ListName::Relationship)
        .into_iter()
        .map(|v| OptionView {
            label: form::value_label(t, &lists, ListName::Relationship, &v.code),
            selected: v.code == typed.relationship,
            amount: String::new(),
            code: v.code,
        })
        .collect();
    relationships.insert(
        0,
        OptionView {
            code: String::new(),
            label: t.msg("person-choice-none"),
            selected: typed.relationship.is_empty(),
            amount: String::new(),
        },
    );
    Ok(HouseholdPage {
        chrome: Chrome::new(ctx, state, Nav::Persons),
        id,
        current,
        past,
        versions,
        can_edit: person_access(&signed_in.actor).edit_identity,
        can_read_budget: crate::chrome::allows(domain::policy::BUDGET_READERS, signed_in),
        query: typed.query,
        hits: typed.hits,
        searched: typed.searched,
        added: typed.added,
        relationships,
        errors: typed.errors,
        from_date: typed.from_date,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    Query(q): Query<ShowQuery>,
) -> Result<HouseholdPage, WebError> {
    let org = organisation(&signed_in)?;
    let mut hits = Vec::new();
    if let Some(p) = q.added {
        let person = pages::load(&state, org, p, signed_in.actor.user_id).await?;
        hits.push(HitView::of_person(&person));
    }
    let typed = Typed {
        query: String::new(),
        hits,
        searched: false,
        added: q.added,
        relationship: String::new(),
        from_date: persons::french_date(today()),
        errors: vec![],
    };
    page(&state, ctx, &signed_in, id, typed).await
}

/// Finds the person to add (terms in the body, never the URL).
pub async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    RawForm(body): RawForm,
) -> Result<HouseholdPage, WebError> {
    let org = organisation(&signed_in)?;
    let pairs = pages::pairs(&body);
    let query: String = value_of(&pairs, "q").unwrap_or("").chars().take(200).collect();
    let hits = store::persons::search(&state.db, org, &query, pages::RESULTS).await?;
    let typed = Typed {
        searched: !query.trim().is_empty(),
        query,
        hits: hits.iter().map(HitView::new).collect(),
        added: None,
        relationship: value_of(&pairs, "relationship").unwrap_or("").to_owned(),
        from_date: value_of(&pairs, "from_date").unwrap_or("").to_owned(),
        errors: vec![],
    };
    page(&state, ctx, &signed_in, id, typed).await
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = pages::pairs(&body);
    let t = &ctx.t;
    let mut errors = Vec::new();
    let person: Option<PersonId> = value_of(&pairs, "person").and_then(|p| p.parse().ok());
    let person = match person {
        Some(p) => match store::persons::find(&state.db, org, p).await? {
            Some(found) if found.merged_into.is_none() => Some(p),
            _ => None,
        },
        None => None,
    };
    if person.is_none() {
        errors.push(("person".to_owned(), t.msg("household-error-person")));
    }
    let relationship = value_of(&pairs, "relationship").unwrap_or("").trim().to_owned();
    if !lists.accepts(ListName::Relationship, &relationship, None) {
        errors.push(("relationship".to_owned(), t.msg("household-error-relationship")));
    }
    let from_raw = value_of(&pairs, "from_date").unwrap_or("").to_owned();
    let from = match persons::parse_date(&from_raw) {
        Ok(d) => d,
        Err(p) => {
            errors.push(("from_date".to_owned(), form::problem_message(t, &lists, &p)));
            None
        }
    };
    let members = store::households::members(&state.db, id).await?;
    if let Some(p) = person
        && members.iter().any(|m| m.person_id == p && m.current(today()))
    {
        errors.push(("person".to_owned(), t.msg("household-error-already")));
    }
    if !errors.is_empty() {
        let typed = Typed {
            query: value_of(&pairs, "q").unwrap_or("").to_owned(),
            hits: match person {
                Some(p) => {
                    let found = pages::load(&state, org, p, signed_in.actor.user_id).await?;
                    vec![HitView::of_person(&found)]
                }
                None => vec![],
            },
            searched: false,
            added: person,
            relationship,
            from_date: from_raw,
            errors,
        };
        let page = page(&state, ctx, &signed_in, id, typed).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let person = person.expect("checked above");
    let mut tx = state.db.begin_write().await?;
    store::households::add_member(&mut tx, id, person, &relationship, from, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", id.as_uuid())
        .detail("member_added", person.to_string())
        .detail("relationship", relationship);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/households/{id}")).into_response())
}

pub async fn end_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, member)): Path<(HouseholdId, HouseholdMemberId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    store::households::find_member(&state.db, id, member).await?.ok_or(WebError::NotFound)?;
    let pairs = pages::pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let raw = value_of(&pairs, "to_date").unwrap_or("").to_owned();
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let to = match persons::parse_date(&raw) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err(Problem::DateInvalid),
        Err(p) => Err(p),
    };
    let to = match to {
        Ok(d) => d,
        Err(p) => {
            let typed = Typed {
                query: String::new(),
                hits: vec![],
                searched: false,
                added: None,
                relationship: String::new(),
                from_date: String::new(),
                errors: vec![(
                    format!("to_date-{member}"),
                    form::problem_message(&ctx.t, &lists, &p),
                )],
            };
            let page = page(&state, ctx, &signed_in, id, typed).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin_write().await?;
    if !store::households::end_member(&mut tx, id, member, version, to, Ts::now()).await? {
        drop(tx);
        // Someone changed this membership meanwhile (or it is not this household's): show the
        // household as it is now.
        return Ok(Redirect::to(&format!("/households/{id}?stale=1")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", id.as_uuid())
        .detail("member_left", member.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/households/{id}")).into_response())
}
