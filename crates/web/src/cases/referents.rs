//! A case's referents page: the manager changes the referent and the co-referents, the
//! referent the co-referents ([`policy::referent_rights`]). The form carries the case's version:
//! a change made meanwhile is shown beside what was chosen (409), never overwritten. Every
//! change is a `referents` event on the timeline and a `record_updated` audit event.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::caseloads::{ReferentsProblem, parse_referents};
use domain::policy::{self, ReferentRights};
use domain::{CaseId, UserId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;

use super::pages::{Loaded, load, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::caseloads::Choice;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::persons::{form_pairs, value_of};

#[derive(Template, WebTemplate)]
#[template(path = "cases/referents.html")]
pub struct ReferentsPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    may_change_referent: bool,
    referent_name: String,
    referents: Vec<Choice>,
    co_referents: Vec<Choice>,
    version: i64,
    notice: Option<String>,
    /// After a conflict: what the user chose, beside the current referents the form shows.
    yours: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl ReferentsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// A case whose referents the user may change, and what they may change of them.
async fn editable(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<(Loaded, ReferentRights), WebError> {
    let loaded = load(state, signed_in, id).await?;
    let co = loaded.case.co_referent_ids();
    let rights = policy::referent_rights(&signed_in.actor, &loaded.case.facts(&co));
    if !rights.co_referents {
        return Err(WebError::NotFound);
    }
    Ok((loaded, rights))
}

/// What the form holds: the referent and the co-referents chosen, as ids.
struct Chosen {
    referent: String,
    co_referents: Vec<String>,
}

#[allow(clippy::too_many_arguments)] // The page, and what a failed or stale form said.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    rights: ReferentRights,
    chosen: Chosen,
    notice: Option<String>,
    yours: Option<String>,
    errors: Vec<(&'static str, String)>,
) -> Result<ReferentsPage, WebError> {
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    let person =
        store::persons::find(&state.db, org, case.person_id).await?.ok_or(WebError::NotFound)?;
    let workers = store::cases::workers(&state.db, org).await?;
    let t = &ctx.t;
    let mut referents =
        vec![Choice { code: String::new(), label: t.msg("case-choose"), selected: false }];
    referents.extend(workers.iter().map(|(id, name)| Choice {
        selected: id.to_string() == chosen.referent,
        code: id.to_string(),
        label: name.clone(),
    }));
    // A former referent (no longer a worker) is shown as they are, to be replaced.
    let former = case
        .referent_name
        .clone()
        .filter(|_| case.referent().is_some_and(|r| r.to_string() == chosen.referent));
    if let Some(name) = former
        && !referents.iter().any(|c| c.selected)
    {
        referents.push(Choice { code: chosen.referent.clone(), label: name, selected: true });
    }
    let co_referents = workers
        .iter()
        .map(|(id, name)| Choice {
            selected: chosen.co_referents.contains(&id.to_string()),
            code: id.to_string(),
            label: name.clone(),
        })
        .collect();
    Ok(ReferentsPage {
        case_id: case.id,
        person_name: person.record.display_name(),
        may_change_referent: rights.referent,
        referent_name: case.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent")),
        referents,
        co_referents,
        version: case.version,
        notice,
        yours,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

fn current(loaded: &Loaded) -> Chosen {
    Chosen {
        referent: loaded.case.referent().map(|r| r.to_string()).unwrap_or_default(),
        co_referents: loaded.case.co_referent_ids().iter().map(|u| u.to_string()).collect(),
    }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    saved: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<FormQuery>,
) -> Result<ReferentsPage, WebError> {
    let (loaded, rights) = editable(&state, &signed_in, id).await?;
    let notice = q.saved.map(|_| ctx.t.msg("referents-saved"));
    let chosen = current(&loaded);
    page(&state, ctx, &signed_in, &loaded, rights, chosen, notice, None, vec![]).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let (loaded, rights) = editable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let version: Option<i64> = value_of(&pairs, "version").and_then(|v| v.trim().parse().ok());
    let chosen = Chosen {
        // Only a manager changes the referent: anyone else keeps the current one.
        referent: if rights.referent {
            value_of(&pairs, "referent").unwrap_or("").trim().to_owned()
        } else {
            current(&loaded).referent
        },
        co_referents: pairs
            .iter()
            .filter(|(k, v)| k == "co_referent" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect(),
    };
    let workers = store::cases::workers(&state.db, org).await?;
    let worker = |s: &str| s.parse::<UserId>().ok().filter(|u| workers.iter().any(|(w, _)| w == u));
    let t = &ctx.t;
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    // The current referent stays possible even if no longer a worker, for a referent who only
    // changes co-referents.
    let referent = worker(&chosen.referent)
        .or_else(|| (!rights.referent).then(|| loaded.case.referent()).flatten());
    let mut co = Vec::new();
    for c in &chosen.co_referents {
        match worker(c) {
            Some(u) => co.push(u),
            None => errors.push(("co_referents", t.msg("person-error-unknown-value"))),
        }
    }
    let parsed = match parse_referents(referent, &co) {
        Ok(p) if errors.is_empty() && version.is_some() => Some(p),
        Ok(_) => None,
        Err((field, p)) => {
            errors.push((
                field,
                match p {
                    ReferentsProblem::ReferentRequired => t.msg("case-error-referent"),
                    ReferentsProblem::ReferentIsCoReferent => t.msg("case-error-referent-co"),
                },
            ));
            None
        }
    };
    let (Some((referent, co)), Some(version)) = (parsed, version) else {
        if errors.is_empty() {
            errors.push(("referent", t.msg("referents-error-form")));
        }
        let page =
            page(&state, ctx, &signed_in, &loaded, rights, chosen, None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let changed =
        store::caseloads::set_referents(&mut tx, org, id, version, referent, &co, me, Ts::now())
            .await?;
    let Some(changed) = changed else {
        drop(tx);
        // Someone changed the case meanwhile: its referents now, and what was chosen.
        let (loaded, rights) = editable(&state, &signed_in, id).await?;
        let name = |u: &UserId| {
            workers.iter().find(|(w, _)| w == u).map(|(_, n)| n.clone()).unwrap_or_default()
        };
        let mut yours = name(&referent);
        if !co.is_empty() {
            yours.push_str(&format!(" ({})", co.iter().map(name).collect::<Vec<_>>().join(", ")));
        }
        let yours = Some(ctx.t.msg_args("referents-yours", &[("choice", &yours)]));
        let notice = Some(ctx.t.msg("case-conflict"));
        let chosen = current(&loaded);
        let page =
            page(&state, ctx, &signed_in, &loaded, rights, chosen, notice, yours, vec![]).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    };
    if changed.referent_changed || changed.co_referents_changed {
        let co_ids: Vec<String> = co.iter().map(|u| u.to_string()).collect();
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
            .by(me)
            .on("case", id.as_uuid())
            .detail("referent", referent.to_string())
            .detail("co_referents", co_ids);
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/referents?saved=1")).into_response())
}
