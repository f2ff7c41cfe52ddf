//! The task pages: the list, the form to add one, a task's page (edit, hand over, done,
//! cancel, reopen), and the panel of a case's open tasks.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::policy::{self, CaseAccess, TaskAccess};
use domain::tasks::{self as rules, TaskInput, TaskKind, TaskProblem, TaskStatus, Urgency};
use domain::{CaseId, OrganisationId, UserId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::tasks::{NewTask, Scope, Task};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// How many tasks a list shows at most.
const LIST_MAX: i64 = 200;
/// How far back the list of closed tasks goes.
const CLOSED_DAYS: i64 = 14;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// "Today" in the organisation's calendar.
pub(super) fn today(signed_in: &SignedIn) -> time::Date {
    store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref())
}

/// Where to go after a form: one of the pages that show tasks, named by a code (never a URL
/// taken from the request).
fn back_to(code: Option<&str>, task: &Task) -> String {
    match (code, task.case()) {
        (Some("my-day"), _) => "/my-day".to_owned(),
        (Some("case"), Some(case)) => format!("/cases/{case}"),
        (Some("task"), _) => format!("/tasks/{}", task.id),
        _ => "/tasks".to_owned(),
    }
}

fn with_notice(to: &str, notice: &str) -> String {
    let sep = if to.contains('?') { '&' } else { '?' };
    format!("{to}{sep}task={notice}#tasks-notice")
}

/// The notice a page shows after a task action (`?task=...`).
pub(super) fn notice(t: &Tr, code: Option<&str>) -> Option<String> {
    let code = code?;
    ["created", "saved", "done", "cancelled", "reopened", "assigned", "stale"]
        .contains(&code)
        .then(|| t.msg(&format!("task-notice-{code}")))
}

// ---------------------------------------------------------------------------------------------
// Loading a task with what the user may do with it.

/// A task of the organisation the user may read, with their access; anything else is "not
/// found".
async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(Task, TaskAccess), WebError> {
    let org = organisation(signed_in)?;
    let task = store::tasks::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let case = match task.case() {
        Some(c) => Some(crate::cases::access_or_none(state, signed_in, c).await?),
        None => None,
    };
    let access = policy::task_access(&signed_in.actor, &task.facts(org), case.as_ref());
    if !access.read {
        return Err(WebError::NotFound);
    }
    Ok((task, access))
}

// ---------------------------------------------------------------------------------------------
// How a task is shown.

/// A task as lists and its page show it.
pub struct TaskView {
    pub id: Uuid,
    pub title: String,
    pub details: Option<String>,
    pub automatic: bool,
    /// The person it is about, and their page for those who find persons.
    pub person: Option<(String, Option<String>)>,
    /// The case, when the task is on one.
    pub case_href: Option<String>,
    /// Where the system task's work is done ("record the check", "see the flag").
    pub action: Option<(String, String)>,
    pub due: Option<String>,
    pub urgency: &'static str,
    pub urgency_label: Option<String>,
    pub assignee: String,
    pub mine: bool,
    pub origin: String,
    pub status: &'static str,
    pub closed: Option<String>,
    pub version: i64,
    pub handle: bool,
    pub edit: bool,
}

fn kind_label(t: &Tr, kind: TaskKind) -> String {
    t.msg(&format!("task-kind-{}", kind.as_str().replace('_', "-")))
}

/// Where the work a system task asks for is done.
fn action(t: &Tr, task: &Task) -> Option<(String, String)> {
    let case = task.case();
    let href = match (task.kind(), case) {
        (TaskKind::FollowUpDue, Some(c)) => format!("/cases/{c}/follow-ups"),
        (TaskKind::AssessmentOld, Some(c)) => format!("/cases/{c}/assessments/new"),
        (TaskKind::FlagUnacknowledged, _) => format!("/persons/{}", task.person_id?),
        (TaskKind::DomiciliationRenewal | TaskKind::DomiciliationMailWaiting, _) => {
            format!("/persons/{}/domiciliation", task.person_id?)
        }
        (TaskKind::AidAwaitingDocuments, _) => format!("/aid/{}", task.source_id?),
        (TaskKind::Manual, _) => return None,
        (_, Some(c)) => format!("/cases/{c}"),
        (_, None) => format!("/persons/{}", task.person_id?),
    };
    let kind = task.kind().as_str().replace('_', "-");
    Some((href, t.msg(&format!("task-action-{kind}"))))
}

pub(super) fn view(
    t: &Tr,
    signed_in: &SignedIn,
    task: &Task,
    access: TaskAccess,
    today: time::Date,
) -> TaskView {
    let kind = task.kind();
    let status = task.status();
    let urgency = if status == TaskStatus::Open {
        rules::urgency(task.due_on, today)
    } else {
        Urgency::Undated
    };
    let finds = policy::person_access(&signed_in.actor).find;
    let origin = match &task.created_by_name {
        _ if kind.automatic() => t.msg("task-origin-system"),
        Some(n) => t.msg_args(
            "task-origin-by",
            &[("name", n), ("date", &crate::dates::for_user(task.created_at, signed_in))],
        ),
        None => String::new(),
    };
    let closed = task.closed_at.map(|at| {
        let when = crate::dates::for_user(at, signed_in);
        match (&task.closed_by_name, status) {
            (None, _) => t.msg_args("task-closed-by-system", &[("date", &when)]),
            (Some(n), TaskStatus::Cancelled) => {
                t.msg_args("task-cancelled-by", &[("name", n), ("date", &when)])
            }
            (Some(n), _) => t.msg_args("task-done-by", &[("name", n), ("date", &when)]),
        }
    });
    TaskView {
        id: task.id,
        title: task.title.clone().unwrap_or_else(|| kind_label(t, kind)),
        details: task.details.clone(),
        automatic: kind.automatic(),
        person: task
            .person_name()
            .map(|name| (name, task.person_id.filter(|_| finds).map(|p| format!("/persons/{p}")))),
        case_href: task.case().map(|c| format!("/cases/{c}")),
        action: action(t, task),
        due: task.due_on.map(domain::persons::french_date),
        urgency: urgency.as_str(),
        urgency_label: match urgency {
            Urgency::Overdue | Urgency::Today => {
                Some(t.msg(&format!("task-urgency-{}", urgency.as_str())))
            }
            _ => None,
        },
        assignee: task.assignee_name.clone(),
        mine: task.assignee_id == signed_in.actor.user_id,
        origin,
        status: status.as_str(),
        closed,
        version: task.version,
        handle: access.handle,
        edit: access.edit && status == TaskStatus::Open,
    }
}

/// Views of the user's own tasks (they may handle them: they are theirs).
pub(super) fn own_views(
    t: &Tr,
    signed_in: &SignedIn,
    tasks: &[Task],
    today: time::Date,
) -> Vec<TaskView> {
    let org = signed_in.actor.organisation();
    tasks
        .iter()
        .filter_map(|task| {
            let access = policy::task_access(&signed_in.actor, &task.facts(org?), None);
            access.read.then(|| view(t, signed_in, task, access, today))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The list.

#[derive(Template, WebTemplate)]
#[template(path = "tasks/index.html")]
pub struct IndexPage {
    chrome: Chrome,
    mine: Vec<TaskView>,
    given: Vec<TaskView>,
    closed: Vec<TaskView>,
    notice: Option<String>,
    back: &'static str,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    pub(super) task: Option<String>,
    case: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<IndexPage, WebError> {
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let today = today(&signed_in);
    let since = Ts::from(Ts::now().get() - time::Duration::days(CLOSED_DAYS));
    let mine = store::tasks::list(&state.db, org, me, Scope::MineOpen, LIST_MAX).await?;
    let given = store::tasks::list(&state.db, org, me, Scope::GivenOpen, LIST_MAX).await?;
    let closed =
        store::tasks::list(&state.db, org, me, Scope::ClosedSince(since), LIST_MAX).await?;
    let t = &ctx.t;
    Ok(IndexPage {
        mine: own_views(t, &signed_in, &mine, today),
        given: own_views(t, &signed_in, &given, today),
        closed: own_views(t, &signed_in, &closed, today),
        notice: notice(t, q.task.as_deref()),
        back: "tasks",
        chrome: Chrome::new(ctx, &state, Nav::Tasks),
    })
}

// ---------------------------------------------------------------------------------------------
// Adding a task.

/// The task form as typed (or as stored).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    version: i64,
}

impl TaskForm {
    fn input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            details: self.details.clone(),
            due_on: self.due_on.clone(),
        }
    }

    fn case(&self) -> Option<CaseId> {
        self.case_id.trim().parse().ok()
    }
}

/// One colleague of the assignee select.
pub struct ColleagueChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks/form.html")]
pub struct FormPage {
    chrome: Chrome,
    form: TaskForm,
    /// The case the task is on: (its page, the person's name).
    case: Option<(String, String)>,
    colleagues: Vec<ColleagueChoice>,
    errors: Vec<(&'static str, String)>,
    /// The task being edited (its page), or a new one.
    editing: Option<TaskView>,
    /// The task as stored now, when someone changed it while the form was typed.
    conflict: Option<TaskForm>,
    notice: Option<String>,
}

impl FormPage {
    /// The form shows for a new task, and for a typed open task its user may edit.
    fn shows_form(&self) -> bool {
        self.editing.as_ref().is_none_or(|v| v.edit)
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

fn problem(t: &Tr, p: TaskProblem) -> String {
    match p {
        TaskProblem::TitleRequired => t.msg("task-error-title-required"),
        TaskProblem::TitleTooLong { max } => {
            t.msg_args("task-error-title-long", &[("max", &max.to_string())])
        }
        TaskProblem::DetailsTooLong { max } => {
            t.msg_args("task-error-details-long", &[("max", &max.to_string())])
        }
        TaskProblem::DueInvalid => t.msg("task-error-due-invalid"),
        TaskProblem::DueTooFar { years } => {
            t.msg_args("task-error-due-far", &[("years", &years.to_string())])
        }
        TaskProblem::AssigneeInvalid => t.msg("task-error-assignee"),
    }
}

/// The members a task or an appointment may be for (the user first chosen by default).
pub(crate) async fn colleague_choices(
    state: &AppState,
    t: &Tr,
    org: OrganisationId,
    me: UserId,
    chosen: &str,
) -> Result<Vec<ColleagueChoice>, WebError> {
    let chosen = chosen.parse::<Uuid>().ok().map(UserId::from_uuid).unwrap_or(me);
    Ok(store::tasks::colleagues(&state.db, org)
        .await?
        .into_iter()
        .map(|c| ColleagueChoice {
            id: c.user_id.to_string(),
            label: if c.user_id == me {
                t.msg_args("task-assignee-me", &[("name", &c.name)])
            } else {
                format!("{} ({})", c.name, t.msg(&format!("role-{}", c.role)))
            },
            selected: c.user_id == chosen,
        })
        .collect())
}

/// The case a new task goes on, if the user may put one there: (case, its person, its page
/// and the person's name). Seeing the case is enough (a manager asks a worker to act); an
/// emergency grant is not.
async fn case_for_task(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
) -> Result<(store::cases::Case, String), WebError> {
    let loaded = crate::cases::load(state, signed_in, case).await?;
    if loaded.access.emergency {
        return Err(WebError::NotFound);
    }
    let org = organisation(signed_in)?;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .map(|p| p.record.display_name())
        .unwrap_or_default();
    Ok((loaded.case, person))
}

/// Whether `assignee` may be given a task on `case` (or on no case).
async fn check_assignee(
    state: &AppState,
    org: OrganisationId,
    assignee: &str,
    case: Option<&store::cases::Case>,
) -> Result<Option<UserId>, WebError> {
    let Some(user) = assignee.trim().parse::<Uuid>().ok().map(UserId::from_uuid) else {
        return Ok(None);
    };
    let Some(candidate) = store::tasks::member_actor(&state.db, org, user).await? else {
        return Ok(None);
    };
    let access = case.map(|c| {
        let co = c.co_referent_ids();
        policy::case_access(&candidate, &c.facts(&co))
    });
    Ok(policy::may_be_assigned(&candidate, org, access.as_ref()).then_some(user))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<FormPage, WebError> {
    let org = organisation(&signed_in)?;
    let case = match q.case.as_deref().and_then(|c| c.parse::<CaseId>().ok()) {
        Some(id) => Some(case_for_task(&state, &signed_in, id).await?),
        None => None,
    };
    let form = TaskForm {
        case_id: case.as_ref().map(|(c, _)| c.id.to_string()).unwrap_or_default(),
        back: if case.is_some() { "case" } else { "tasks" }.to_owned(),
        ..Default::default()
    };
    let colleagues =
        colleague_choices(&state, &ctx.t, org, signed_in.actor.user_id, &form.assignee).await?;
    Ok(FormPage {
        case: case.map(|(c, name)| (format!("/cases/{}", c.id), name)),
        form,
        colleagues,
        errors: vec![],
        editing: None,
        conflict: None,
        notice: None,
        chrome: Chrome::new(ctx, &state, Nav::Tasks),
    })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<TaskForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let case = match form.case() {
        Some(id) => Some(case_for_task(&state, &signed_in, id).await?),
        None if form.case_id.trim().is_empty() => None,
        None => return Err(WebError::NotFound),
    };
    let parsed = rules::parse(&form.input(), today(&signed_in));
    let assignee = if form.assignee.trim().is_empty() {
        Some(me)
    } else {
        check_assignee(&state, org, &form.assignee, case.as_ref().map(|(c, _)| c)).await?
    };
    let (fields, assignee) = match (parsed, assignee) {
        (Ok(f), Some(a)) => (f, a),
        (parsed, assignee) => {
            let mut problems = parsed.err().unwrap_or_default();
            if assignee.is_none() {
                problems.push(("assignee", TaskProblem::AssigneeInvalid));
            }
            let t = &ctx.t;
            let errors = problems.into_iter().map(|(f, p)| (f, problem(t, p))).collect();
            let colleagues = colleague_choices(&state, t, org, me, &form.assignee).await?;
            let page = FormPage {
                case: case.map(|(c, name)| (format!("/cases/{}", c.id), name)),
                form,
                colleagues,
                errors,
                editing: None,
                conflict: None,
                notice: None,
                chrome: Chrome::new(ctx, &state, Nav::Tasks),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let new = NewTask {
        organisation_id: org,
        fields: &fields,
        case_id: case.as_ref().map(|(c, _)| c.id),
        person_id: case.as_ref().map(|(c, _)| c.person_id),
        assignee,
        by: me,
    };
    let id = store::tasks::create(&mut tx, &new, now).await?;
    let mut event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("task", id)
        .detail("assignee", assignee.to_string());
    if let Some((c, _)) = &case {
        event = event.detail("case", c.id.to_string());
    }
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let to = match (form.back.as_str(), &case) {
        ("case", Some((c, _))) => format!("/cases/{}", c.id),
        ("my-day", _) => "/my-day".to_owned(),
        _ => "/tasks".to_owned(),
    };
    Ok(Redirect::to(&with_notice(&to, "created")).into_response())
}

// ---------------------------------------------------------------------------------------------
// A task's page: read it, edit a typed one, hand it over.

fn stored_form(task: &Task) -> TaskForm {
    TaskForm {
        title: task.title.clone().unwrap_or_default(),
        details: task.details.clone().unwrap_or_default(),
        due_on: task.due_on.map(|d| d.to_string()).unwrap_or_default(),
        assignee: task.assignee_id.to_string(),
        case_id: task.case_id.map(|c| c.to_string()).unwrap_or_default(),
        back: "task".to_owned(),
        version: task.version,
    }
}

#[allow(clippy::too_many_arguments)] // The page, the task, and what a failed form said.
async fn task_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    task: &Task,
    access: TaskAccess,
    form: TaskForm,
    errors: Vec<(&'static str, String)>,
    conflict: Option<TaskForm>,
) -> Result<FormPage, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let view = view(t, signed_in, task, access, today(signed_in));
    let colleagues =
        colleague_choices(state, t, org, signed_in.actor.user_id, &form.assignee).await?;
    Ok(FormPage {
        case: view
            .case_href
            .clone()
            .map(|h| (h, view.person.as_ref().map(|p| p.0.clone()).unwrap_or_default())),
        form,
        colleagues,
        errors,
        editing: Some(view),
        conflict,
        notice: None,
        chrome: Chrome::new(ctx, state, Nav::Tasks),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let (task, access) = load(&state, &signed_in, id).await?;
    let notice = notice(&ctx.t, q.task.as_deref());
    let mut page =
        task_page(&state, ctx, &signed_in, &task, access, stored_form(&task), vec![], None).await?;
    page.notice = notice;
    Ok(page.into_response())
}

/// Saves a typed task's title, details, due date and assignee, if nobody changed it since
/// the form was shown; otherwise shows what is stored beside what was typed, and keeps it.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(form): Form<TaskForm>,
) -> Result<Response, WebError> {
    let (task, access) = load(&state, &signed_in, id).await?;
    if !access.edit || task.status() != TaskStatus::Open {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let case = match task.case() {
        Some(c) => store::cases::find(&state.db, org, c).await?,
        None => None,
    };
    let parsed = rules::parse(&form.input(), today(&signed_in));
    let assignee = check_assignee(&state, org, &form.assignee, case.as_ref()).await?;
    let (fields, assignee) = match (parsed, assignee) {
        (Ok(f), Some(a)) => (f, a),
        (parsed, assignee) => {
            let mut problems = parsed.err().unwrap_or_default();
            if assignee.is_none() {
                problems.push(("assignee", TaskProblem::AssigneeInvalid));
            }
            let errors = problems.into_iter().map(|(f, p)| (f, problem(&ctx.t, p))).collect();
            let page =
                task_page(&state, ctx, &signed_in, &task, access, form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !store::tasks::update(&mut tx, org, &task, form.version, &fields, assignee, me, Ts::now())
        .await?
    {
        drop(tx);
        let stored =
            store::tasks::find(&state.db, org, task.id).await?.ok_or(WebError::NotFound)?;
        let mut typed = form;
        typed.version = stored.version;
        let conflict = Some(stored_form(&stored));
        let page =
            task_page(&state, ctx, &signed_in, &stored, access, typed, vec![], conflict).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("task", task.id)
        .detail("assignee", assignee.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&with_notice(&format!("/tasks/{}", task.id), "saved")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Done, cancel, reopen, hand over: buttons, with the version and where to go back.

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    back: String,
    #[serde(default)]
    assignee: String,
}

async fn act(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    id: Uuid,
    form: &ActionForm,
    what: &'static str,
) -> Result<Response, WebError> {
    let (task, access) = load(state, signed_in, id).await?;
    let allowed = match what {
        "cancelled" => access.edit,
        _ => access.handle,
    };
    if !allowed {
        return Err(WebError::NotFound);
    }
    let org = organisation(signed_in)?;
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let to = back_to(Some(form.back.as_str()), &task);
    let mut tx = state.db.begin_write().await?;
    let changed = match what {
        "done" => {
            store::tasks::close(&mut tx, org, &task, form.version, TaskStatus::Done, me, now)
                .await?
        }
        "cancelled" => {
            store::tasks::close(&mut tx, org, &task, form.version, TaskStatus::Cancelled, me, now)
                .await?
        }
        "reopened" => store::tasks::reopen(&mut tx, org, task.id, form.version, now).await?,
        _ => {
            let case = match task.case() {
                Some(c) => store::cases::find(&state.db, org, c).await?,
                None => None,
            };
            let Some(assignee) = check_assignee(state, org, &form.assignee, case.as_ref()).await?
            else {
                drop(tx);
                return Ok(Redirect::to(&with_notice(&to, "stale")).into_response());
            };
            store::tasks::reassign(&mut tx, org, &task, form.version, assignee, me, now).await?
        }
    };
    if !changed {
        drop(tx);
        return Ok(Redirect::to(&with_notice(&to, "stale")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("task", task.id)
        .detail("change", what);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&with_notice(&to, what)).into_response())
}

/// What a task's button answers, later.
type Answer =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, WebError>> + Send>>;

/// The handler of one of the task's buttons: `what` is the change ("done", "cancelled",
/// "reopened", "assigned"), also the notice the page shows after it.
pub fn button(
    what: &'static str,
) -> impl Fn(State<AppState>, RequestMeta, SignedIn, Path<Uuid>, Form<ActionForm>) -> Answer
+ Clone
+ Send
+ Sync
+ 'static {
    move |State(state), meta, signed_in, Path(id), Form(form)| {
        Box::pin(async move { act(&state, &meta, &signed_in, id, &form, what).await })
    }
}

// ---------------------------------------------------------------------------------------------
// The case page's panel.

/// The open tasks of a case the user may see, and whether they may add one.
#[derive(Default)]
pub struct CaseTasks {
    pub tasks: Vec<TaskView>,
    pub can_add: bool,
    pub notice: Option<String>,
}

/// The panel of a case's open tasks, for a user with `access` to the case.
pub async fn case_tasks(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    case: CaseId,
    access: &CaseAccess,
    notice_code: Option<&str>,
) -> Result<CaseTasks, WebError> {
    let org = organisation(signed_in)?;
    if policy::check(policy::TASK_USERS, Some(&signed_in.actor)) != policy::Decision::Allow {
        return Ok(CaseTasks::default());
    }
    let today = today(signed_in);
    let tasks = store::tasks::of_case(&state.db, org, case).await?;
    let tasks = tasks
        .iter()
        .filter_map(|task| {
            let a = policy::task_access(&signed_in.actor, &task.facts(org), Some(access));
            a.read.then(|| view(t, signed_in, task, a, today))
        })
        .collect();
    Ok(CaseTasks {
        tasks,
        can_add: access.metadata && !access.emergency,
        notice: notice(t, notice_code),
    })
}
