//! Erasure on request (issue 12 point 5; ADR 0036): from an open erasure request, the handler
//! sees what would go (rows per table, files, household members erased with the person) or
//! why the law does not allow it now, confirms, and the file is erased in one transaction that
//! also answers the request; then the files are deleted from the file store and the engine's
//! storage is scrubbed of the deleted rows.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::erasure::{ERASURE_SCRUB_JOB, Refusal};
use domain::subject_access::{Kind, Status};
use store::Ts;
use store::audit::NewAuditEvent;
use store::erasure::Outcome;
use store::subject_access::Request;
use uuid::Uuid;

use super::export::table_title;
use super::pages::{organisation, request, today};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

pub struct GoingRow {
    pub table: String,
    pub rows: u64,
}

#[derive(Template, WebTemplate)]
#[template(path = "subject_access/erase.html")]
pub struct ErasePage {
    chrome: Chrome,
    id: Uuid,
    person: String,
    version: i64,
    refusals: Vec<String>,
    going: Vec<GoingRow>,
    persons: u64,
    households: u64,
    files: u64,
    error: Option<String>,
}

fn refusal_message(t: &Tr, r: Refusal) -> String {
    t.msg(&format!("erasure-refusal-{}", r.code().replace('_', "-")))
}

/// The open erasure request of the organisation whose person is still there; another request
/// of the organisation sends back to its page; an unknown one is "not found".
async fn erasable(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<Result<(Request, domain::PersonId), Response>, WebError> {
    let org = organisation(signed_in)?;
    let r = request(state, org, id).await?;
    Ok(match (r.kind(), r.status(), r.person()) {
        (Kind::Erasure, Status::Open, Some(p)) => Ok((r, p)),
        _ => Err(Redirect::to(&format!("/privacy/requests/{id}")).into_response()),
    })
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    r: &Request,
    outcome: Outcome,
    error: Option<String>,
) -> Result<ErasePage, WebError> {
    let t = &ctx.t;
    let (refusals, going, persons, households, files) = match outcome {
        Outcome::NotFound => return Err(WebError::NotFound),
        Outcome::Refused(rs) => {
            (rs.into_iter().map(|r| refusal_message(t, r)).collect(), vec![], 0, 0, 0)
        }
        Outcome::Erased(e) => (
            vec![],
            e.tables
                .iter()
                // The requests stay, unlinked (said below the table).
                .filter(|(table, _)| !store::erasure::kept(table))
                .map(|(table, rows)| GoingRow { table: table_title(t, table), rows: *rows })
                .collect(),
            e.persons,
            e.households,
            e.files,
        ),
    };
    Ok(ErasePage {
        id: r.id,
        person: r.person_name(),
        version: r.version,
        refusals,
        going,
        persons,
        households,
        files,
        error,
        chrome: Chrome::new(ctx, state, Nav::SubjectRequests),
    })
}

/// The confirmation page: what would go, or why not now.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (r, person) = match erasable(&state, &signed_in, id).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let org = organisation(&signed_in)?;
    let outcome = store::erasure::preview(&state.db, org, person).await?;
    Ok(page(&state, ctx, &r, outcome, None).await?.into_response())
}

/// The confirmation page again, with what went wrong.
async fn again(
    state: &AppState,
    ctx: PageCtx,
    org: domain::OrganisationId,
    r: &Request,
    person: domain::PersonId,
    key: &str,
) -> Result<Response, WebError> {
    let message = ctx.t.msg(key);
    let outcome = store::erasure::preview(&state.db, org, person).await?;
    let page = page(state, ctx, r, outcome, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Erases the file and answers the request, in one transaction; then deletes the files and
/// scrubs the storage.
pub async fn erase(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (r, person) = match erasable(&state, &signed_in, id).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let org = organisation(&signed_in)?;
    if typed.get("confirm").map(String::as_str) != Some("yes") {
        return again(&state, ctx, org, &r, person, "erasure-error-confirm").await;
    }
    let version: i64 = typed.get("version").and_then(|v| v.parse().ok()).unwrap_or_default();
    let by = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    // Answered first, on the version the page showed: a request changed meanwhile is not
    // erased on stale grounds.
    let answered = store::subject_access::answer(
        &mut tx,
        org,
        id,
        version,
        Status::Answered,
        today(&signed_in),
        None,
        by,
        now,
    )
    .await?;
    if !answered {
        drop(tx);
        return again(&state, ctx, org, &r, person, "subject-error-changed").await;
    }
    let erased =
        match store::erasure::erase_person(&mut tx, org, person, Some(id), Some(by), now).await? {
            Outcome::Erased(e) => e,
            Outcome::NotFound => return Err(WebError::NotFound),
            Outcome::Refused(_) => {
                drop(tx);
                return again(&state, ctx, org, &r, person, "erasure-error-refused").await;
            }
        };
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(by)
        .on("subject_request", id)
        .detail("change", Status::Answered.code());
    audit_trail::record(&mut tx, &meta, event).await?;
    // The scrub of the storage, queued with the erasure: done by the job worker, out of this
    // request (PostgreSQL rewrites the tables), and still done after a crash.
    let payload = crate::privacy::jobs::ScrubPayload {
        tables: erased.tables.keys().map(|t| (*t).to_owned()).collect(),
    };
    let key = id.to_string();
    let job = store::jobs::NewJob {
        payload: serde_json::json!({ "tables": payload.tables }),
        ..store::jobs::NewJob::new(ERASURE_SCRUB_JOB, &key)
    };
    store::jobs::enqueue(&mut tx, &job, now).await?;
    tx.commit().await?;
    // The files at once (the job retries what fails): the data is already unreachable.
    if let Err(e) = crate::privacy::jobs::delete_files(&state.db, &state.config.files.store).await {
        tracing::warn!(error = %e, "files of an erasure left for the scrub job");
    }
    Ok(Redirect::to(&format!("/privacy/requests/{id}?done=erased")).into_response())
}
