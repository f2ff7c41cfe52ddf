//! The jobs page and its two actions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::JobId;
use domain::audit::AuditAction;
use domain::jobs::JobState;
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::jobs::{self, Job};
use store::{StoreError, Ts};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::dates;
use crate::errors::WebError;

/// Jobs per page.
const PAGE_SIZE: usize = 50;

/// A state with its count, for the state navigation.
pub struct StateLink {
    pub code: &'static str,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

/// One job as the table shows it.
pub struct JobLine {
    pub id: String,
    pub kind: String,
    pub key: String,
    pub attempts: i64,
    pub max_attempts: i64,
    /// When it runs (queued, failed), runs until (running), or finished.
    pub when: String,
    pub last_error: Option<String>,
    pub may_retry: bool,
    pub may_cancel: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "jobs/index.html")]
pub struct JobsPage {
    chrome: Chrome,
    states: Vec<StateLink>,
    state: &'static str,
    state_label: String,
    /// What the "when" column means for this state.
    when_heading: String,
    jobs: Vec<JobLine>,
    /// The link to the next page, if any.
    next: Option<String>,
    /// Whether this is a later page (then a link back to the first).
    later_page: bool,
    notice: Option<&'static str>,
    /// Whether e-mail is configured (the panel from `templates/mail/status_panel.html`).
    mail_status: crate::mail::MailStatus,
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    before: Option<String>,
    notice: Option<String>,
}

fn line(job: Job, signed_in: &SignedIn) -> JobLine {
    let when = match job.state {
        JobState::Queued | JobState::Failed => Some(job.run_at),
        JobState::Running => job.locked_until,
        JobState::Done | JobState::Dead | JobState::Cancelled => job.finished_at,
    };
    JobLine {
        id: job.id.to_string(),
        when: when.map(|t| dates::for_user(t, signed_in)).unwrap_or_default(),
        may_retry: job.state.may_retry(),
        may_cancel: job.state.may_cancel(),
        kind: job.kind,
        key: job.key,
        attempts: job.attempts,
        max_attempts: job.max_attempts,
        last_error: job.last_error,
    }
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<JobsPage, WebError> {
    let counts = jobs::counts(&state.db).await?;
    // Without a choice: what needs an administrator first (dead, then failed), else the queue.
    let current = match q.state.as_deref() {
        Some(code) => JobState::parse(code).ok_or(WebError::NotFound)?,
        None => [JobState::Dead, JobState::Failed]
            .into_iter()
            .find(|s| counts.iter().any(|(c, n)| c == s && *n > 0))
            .unwrap_or(JobState::Queued),
    };
    let before = match q.before.as_deref() {
        Some(id) => Some(id.parse::<JobId>().map_err(|_| WebError::NotFound)?),
        None => None,
    };
    let page = jobs::list(&state.db, current, before, PAGE_SIZE).await?;
    let t = &ctx.t;
    let states = counts
        .into_iter()
        .map(|(s, count)| StateLink {
            code: s.as_str(),
            label: t.msg(&format!("jobs-state-{}", s.as_str())),
            count,
            current: s == current,
        })
        .collect();
    let notice = match q.notice.as_deref() {
        Some("retried") => Some("jobs-notice-retried"),
        Some("cancelled") => Some("jobs-notice-cancelled"),
        Some("unchanged") => Some("jobs-notice-unchanged"),
        Some("duplicate") => Some("jobs-notice-duplicate"),
        _ => None,
    };
    let when_heading = t.msg(match current {
        JobState::Queued | JobState::Failed => "jobs-col-run-at",
        JobState::Running => "jobs-col-locked-until",
        _ => "jobs-col-finished-at",
    });
    Ok(JobsPage {
        state: current.as_str(),
        state_label: t.msg(&format!("jobs-state-{}", current.as_str())),
        when_heading,
        jobs: page.jobs.into_iter().map(|j| line(j, &signed_in)).collect(),
        next: page.next.map(|id| format!("/admin/jobs?state={}&before={id}", current.as_str())),
        later_page: before.is_some(),
        notice,
        states,
        mail_status: crate::mail::MailStatus::of(&state.config),
        chrome: Chrome::new(ctx, &state, Nav::Jobs),
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    /// The state whose list the administrator was reading, to go back to it.
    #[serde(default)]
    state: String,
}

fn back_to(form: &ActionForm, notice: &str) -> Response {
    let state = JobState::parse(&form.state).map_or("queued", |s| s.as_str());
    Redirect::to(&format!("/admin/jobs?state={state}&notice={notice}")).into_response()
}

/// Which action, for the audit event and the store call.
#[derive(Clone, Copy)]
enum Action {
    Retry,
    Cancel,
}

async fn act(
    state: AppState,
    meta: RequestMeta,
    signed_in: SignedIn,
    id: String,
    form: ActionForm,
    action: Action,
) -> Result<Response, WebError> {
    let id: JobId = id.parse().map_err(|_| WebError::NotFound)?;
    let job = jobs::find(&state.db, id).await?.ok_or(WebError::NotFound)?;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let changed = match action {
        Action::Retry => match jobs::retry(&mut tx, id, now).await {
            Ok(changed) => changed,
            // Another job with the same kind and key waits: it will do this work.
            Err(StoreError::Duplicate { .. }) => return Ok(back_to(&form, "duplicate")),
            Err(e) => return Err(e.into()),
        },
        Action::Cancel => jobs::cancel(&mut tx, id, now).await?,
    };
    if !changed {
        // A worker took it, or another administrator acted first: nothing to record.
        return Ok(back_to(&form, "unchanged"));
    }
    let (code, notice) = match action {
        Action::Retry => ("job_retried", "retried"),
        Action::Cancel => ("job_cancelled", "cancelled"),
    };
    let event = NewAuditEvent::new(AuditAction::AdminAction, None)
        .by(signed_in.actor.user_id)
        .on("job", id.as_uuid())
        .detail("action", code)
        .detail("kind", job.kind)
        .detail("state_before", job.state.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(back_to(&form, notice))
}

pub async fn retry(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    act(state, meta, signed_in, id, form, Action::Retry).await
}

pub async fn cancel(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    act(state, meta, signed_in, id, form, Action::Cancel).await
}
