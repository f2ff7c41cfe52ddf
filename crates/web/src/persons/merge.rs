//! Merging two records of the same person (managers), and undoing a merge. The manager picks,
//! field by field, which value the kept record takes; nothing attached to either record is
//! lost, and the merge can be undone from the kept record's page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::persons::{Field, Kind, PersonForm, PersonRecord};
use domain::policy::person_access;
use domain::{OrganisationId, PersonId};
use store::Ts;
use store::audit::NewAuditEvent;
use store::merges::MergeRefused;
use uuid::Uuid;

use super::form;
use super::pages::{self, HitView, organisation, today, value_of};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

#[derive(Template, WebTemplate)]
#[template(path = "persons/merge_find.html")]
pub struct FindPage {
    chrome: Chrome,
    person: HitView,
    query: String,
    searched: bool,
    hits: Vec<HitView>,
    suggestions: Vec<HitView>,
}

async fn live(
    state: &AppState,
    org: OrganisationId,
    id: PersonId,
    viewer: domain::UserId,
) -> Result<store::persons::Person, WebError> {
    let p = pages::load(state, org, id, viewer).await?;
    if p.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    Ok(p)
}

async fn find_page(
    state: &AppState,
    ctx: PageCtx,
    org: OrganisationId,
    id: PersonId,
    query: String,
    viewer: domain::UserId,
) -> Result<FindPage, WebError> {
    let person = live(state, org, id, viewer).await?;
    let suggestions = store::persons::similar(&state.db, org, &person.record, Some(id))
        .await?
        .iter()
        .map(|s| HitView::of_person(&s.person))
        .collect();
    let searched = !query.trim().is_empty();
    let hits = if searched {
        store::persons::search(&state.db, org, &query, pages::RESULTS)
            .await?
            .iter()
            .filter(|h| h.id != id)
            .map(HitView::new)
            .collect()
    } else {
        vec![]
    };
    Ok(FindPage {
        chrome: Chrome::new(ctx, state, Nav::Persons),
        person: HitView::of_person(&person),
        query,
        searched,
        hits,
        suggestions,
    })
}

pub async fn find(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
) -> Result<FindPage, WebError> {
    find_page(&state, ctx, organisation(&signed_in)?, id, String::new(), signed_in.actor.user_id)
        .await
}

pub async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    RawForm(body): RawForm,
) -> Result<FindPage, WebError> {
    let pairs = pages::pairs(&body);
    let query: String = value_of(&pairs, "q").unwrap_or("").chars().take(200).collect();
    find_page(&state, ctx, organisation(&signed_in)?, id, query, signed_in.actor.user_id).await
}

/// One line of the comparison.
pub struct CompareRow {
    pub name: &'static str,
    pub label: String,
    pub kept: String,
    pub other: String,
    /// Which value is proposed: "kept" or "other".
    pub choice: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/merge_compare.html")]
pub struct ComparePage {
    chrome: Chrome,
    kept: HitView,
    other: HitView,
    kept_version: i64,
    other_version: i64,
    rows: Vec<CompareRow>,
    same: Vec<String>,
    stale: bool,
}

fn compare_rows(
    t: &crate::i18n::Tr,
    access: &domain::policy::PersonAccess,
    kept: &PersonForm,
    other: &PersonForm,
    typed: Option<&[(String, String)]>,
) -> (Vec<CompareRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut same = Vec::new();
    for field in Field::ALL {
        if !access.reads(field.group()) {
            continue;
        }
        let (a, b) = (kept.display(field), other.display(field));
        if a == b {
            if !a.is_empty() {
                same.push(form::label(t, field));
            }
            continue;
        }
        let proposed = if a.is_empty() { "other" } else { "kept" };
        let choice = typed
            .and_then(|p| value_of(p, &format!("choice_{}", field.name())))
            .map(|c| if c == "other" { "other" } else { "kept" })
            .unwrap_or(proposed);
        rows.push(CompareRow {
            name: field.name(),
            label: form::label(t, field),
            kept: a,
            other: b,
            choice,
        });
    }
    (rows, same)
}

pub async fn compare(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path((id, other_id)): Path<(PersonId, PersonId)>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    if id == other_id {
        return Ok(Redirect::to(&format!("/persons/{id}/merge")).into_response());
    }
    let kept = live(&state, org, id, signed_in.actor.user_id).await?;
    let other = live(&state, org, other_id, signed_in.actor.user_id).await?;
    let access = person_access(&signed_in.actor);
    let (rows, same) =
        compare_rows(&ctx.t, &access, &kept.record.to_form(), &other.record.to_form(), None);
    Ok(ComparePage {
        chrome: Chrome::new(ctx, &state, Nav::Persons),
        kept: HitView::of_person(&kept),
        other: HitView::of_person(&other),
        kept_version: kept.version,
        other_version: other.version,
        rows,
        same,
        stale: false,
    }
    .into_response())
}

/// The kept record's values after the merge: the chosen value of each field shown; for fields
/// this user may not see, the kept record's own value, or the other's where it has none.
fn chosen_form(
    access: &domain::policy::PersonAccess,
    kept: &PersonForm,
    other: &PersonForm,
    pairs: &[(String, String)],
) -> PersonForm {
    let mut out = kept.clone();
    for field in Field::ALL {
        let take_other = if access.reads(field.group()) {
            value_of(pairs, &format!("choice_{}", field.name())) == Some("other")
        } else {
            kept.display(field).is_empty()
        };
        if take_other {
            match field.kind() {
                Kind::Resources => out.resources = other.resources.clone(),
                _ => out.set(field, other.get(field)),
            }
        }
    }
    out
}

pub async fn merge(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((id, other_id)): Path<(PersonId, PersonId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    if id == other_id {
        return Ok(Redirect::to(&format!("/persons/{id}/merge")).into_response());
    }
    let kept = live(&state, org, id, signed_in.actor.user_id).await?;
    let other = live(&state, org, other_id, signed_in.actor.user_id).await?;
    let access = person_access(&signed_in.actor);
    let pairs = pages::pairs(&body);
    let version = |k: &str| value_of(&pairs, k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let (kept_form, other_form) = (kept.record.to_form(), other.record.to_form());
    let chosen = chosen_form(&access, &kept_form, &other_form, &pairs);
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let record = PersonRecord::parse(&chosen, &lists, today(), Some(&kept.record))
        .or_else(|_| PersonRecord::parse(&chosen, &lists, today(), Some(&other.record)))
        .map_err(|_| WebError::Internal("merge: stored values no longer parse"))?;
    let stale_page = |ctx: PageCtx| {
        let (rows, same) = compare_rows(&ctx.t, &access, &kept_form, &other_form, Some(&pairs));
        ComparePage {
            chrome: Chrome::new(ctx, &state, Nav::Persons),
            kept: HitView::of_person(&kept),
            other: HitView::of_person(&other),
            kept_version: kept.version,
            other_version: other.version,
            rows,
            same,
            stale: true,
        }
    };
    if version("kept_version") != kept.version || version("other_version") != other.version {
        // One of them changed since the comparison was shown: show it again, as it is now.
        return Ok((StatusCode::CONFLICT, stale_page(ctx)).into_response());
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let merged = store::merges::merge(
        &mut tx,
        org,
        id,
        kept.version,
        other_id,
        other.version,
        &record,
        Some(signed_in.actor.user_id),
        now,
    )
    .await?;
    let merge_id = match merged {
        Ok(m) => m,
        Err(MergeRefused::Stale | MergeRefused::SameRecord) => {
            drop(tx);
            return Ok((StatusCode::CONFLICT, stale_page(ctx)).into_response());
        }
    };
    let changed: Vec<&str> =
        kept_form.changed_fields(&record.to_form()).into_iter().map(Field::name).collect();
    let event = NewAuditEvent::new(AuditAction::PersonsMerged, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("merged", other_id.to_string())
        .detail("merge", merge_id.to_string())
        .detail("fields", changed.join(","));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/persons/{id}?merged=1")).into_response())
}

pub async fn undo(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(merge_id): Path<Uuid>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let merge = store::merges::find(&state.db, org, merge_id).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut tx = state.db.begin_write().await?;
    let Some(undone) = store::merges::undo(
        &mut tx,
        org,
        merge_id,
        &lists,
        Some(signed_in.actor.user_id),
        Ts::now(),
    )
    .await?
    else {
        drop(tx);
        return Ok(
            Redirect::to(&format!("/persons/{}?undo=gone", merge.survivor_id)).into_response()
        );
    };
    let names = |fields: &[Field]| fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(",");
    let event = NewAuditEvent::new(AuditAction::MergeUndone, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", merge.survivor_id.as_uuid())
        .detail("merged", merge.merged_id.to_string())
        .detail("merge", merge_id.to_string())
        .detail("restored", names(&undone.restored))
        .detail("kept", names(&undone.kept));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let note = if undone.kept.is_empty() { "done" } else { "partial" };
    Ok(Redirect::to(&format!("/persons/{}?undo={note}", merge.survivor_id)).into_response())
}
