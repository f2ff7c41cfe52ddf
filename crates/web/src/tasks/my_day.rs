//! "My day": what a working day starts with — the user's overdue tasks and those due today,
//! the urgency flags of their teams still waiting, the note drafts they left unfinished, and
//! the tasks of the coming week. Read-only; every line links to where the work is done.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use domain::intake::FlagStatus;
use domain::lists::ListName;
use domain::policy::{self, Decision, QUEUE_READERS};
use domain::tasks::Urgency;
use store::intake::QueueItem;
use store::tasks::Scope;

use super::pages::{NoticeQuery, TaskView, notice, organisation, own_views, today};
use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// How many open tasks "my day" reads (the full list is on the tasks page).
const READ_MAX: i64 = 200;

/// An urgency flag waiting for someone of the user's teams.
pub struct FlagLine {
    pub href: String,
    pub person: String,
    pub what: String,
    pub since: String,
    /// Raised and not acknowledged (else: acknowledged, due for review).
    pub waiting: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks/my_day.html")]
pub struct MyDayPage {
    chrome: Chrome,
    date: String,
    overdue: Vec<TaskView>,
    due_today: Vec<TaskView>,
    soon: Vec<TaskView>,
    undated: Vec<TaskView>,
    /// Open tasks due after the coming week (on the tasks page).
    later: i64,
    flags: Vec<FlagLine>,
    drafts: Vec<crate::cases::DraftLine>,
    /// Voice notes from which no note was filed yet: unfinished work.
    voice_notes: Vec<crate::voice_notes::VoiceLine>,
    appointments: Vec<crate::appointments::TodayLine>,
    notice: Option<String>,
    back: &'static str,
}

impl MyDayPage {
    fn nothing(&self) -> bool {
        self.overdue.is_empty()
            && self.due_today.is_empty()
            && self.soon.is_empty()
            && self.undated.is_empty()
            && self.flags.is_empty()
            && self.drafts.is_empty()
            && self.voice_notes.is_empty()
            && self.appointments.is_empty()
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<MyDayPage, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let today = today(&signed_in);
    let mine =
        store::tasks::list(&state.db, org, signed_in.actor.user_id, Scope::MineOpen, READ_MAX)
            .await?;
    let mut overdue = Vec::new();
    let mut due_today = Vec::new();
    let mut soon = Vec::new();
    let mut undated = Vec::new();
    let mut later = 0;
    for v in own_views(t, &signed_in, &mine, today) {
        match v.urgency {
            u if u == Urgency::Overdue.as_str() => overdue.push(v),
            u if u == Urgency::Today.as_str() => due_today.push(v),
            u if u == Urgency::Soon.as_str() => soon.push(v),
            u if u == Urgency::Undated.as_str() => undated.push(v),
            _ => later += 1,
        }
    }
    let flags = if policy::check(QUEUE_READERS, Some(&signed_in.actor)) == Decision::Allow {
        let (teams, _) = crate::intake::queue_teams(&state, &signed_in).await?;
        let lists = store::lists::for_organisation(&state.db, org).await?;
        store::intake::queue(&state.db, org, &teams, today)
            .await?
            .iter()
            .filter_map(|item| match item {
                QueueItem::Flag { flag, person } => {
                    let waiting = flag.status() == FlagStatus::Raised;
                    let due = domain::intake::due(flag.status(), flag.review_date, today);
                    (waiting || due).then(|| FlagLine {
                        href: format!("/persons/{}", person.id),
                        person: crate::intake::name_of(person),
                        what: crate::persons::list_label(
                            t,
                            &lists,
                            ListName::UrgencyFlag,
                            &flag.code,
                        ),
                        since: crate::dates::for_user(flag.raised_at, &signed_in),
                        waiting,
                    })
                }
                QueueItem::Visit { .. } => None,
            })
            .collect()
    } else {
        vec![]
    };
    let drafts = crate::cases::drafts_for_home(&state, &signed_in, t).await?;
    let appointments = crate::appointments::today_for(&state, t, &signed_in).await?;
    let voice_notes = crate::voice_notes::my_day_lines(&state, t, &signed_in).await?;
    Ok(MyDayPage {
        voice_notes,
        appointments,
        date: domain::persons::french_date(today),
        overdue,
        due_today,
        soon,
        undated,
        later,
        flags,
        drafts,
        notice: notice(t, q.task.as_deref()),
        back: "my-day",
        chrome: Chrome::new(ctx, &state, Nav::MyDay),
    })
}
