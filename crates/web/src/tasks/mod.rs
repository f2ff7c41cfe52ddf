//! Tasks and reminders, and "my day" (issue 9, slice a): a worker's to-dos with due dates,
//! linked to a case or not, given to a colleague or kept; the tasks the system creates
//! (`store::tasks`: follow-up checks due, urgency flags waiting, assessments grown old...); and
//! the page that starts a working day — what is overdue, what is due today, urgent flags,
//! drafts left unfinished, what comes next.
//!
//! Who sees and handles a task is [`domain::policy::task_access`]: its assignee and its
//! author, and on a case those who write the case. A task nobody may see answers "not found".
//! Every change is an audit event; a typed task of a case done goes on the case's timeline.

mod my_day;
mod pages;

use domain::policy::TASK_USERS;

pub use pages::{CaseTasks, case_tasks};
pub(crate) use pages::{ColleagueChoice, colleague_choices};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/my-day", TASK_USERS, my_day::show)
        .get("/tasks", TASK_USERS, pages::index)
        .get("/tasks/new", TASK_USERS, pages::new_form)
        .post("/tasks/new", TASK_USERS, pages::create)
        .get("/tasks/{task_id}", TASK_USERS, pages::show)
        .post("/tasks/{task_id}", TASK_USERS, pages::update)
        .post("/tasks/{task_id}/done", TASK_USERS, pages::button("done"))
        .post("/tasks/{task_id}/cancel", TASK_USERS, pages::button("cancelled"))
        .post("/tasks/{task_id}/reopen", TASK_USERS, pages::button("reopened"))
        .post("/tasks/{task_id}/assign", TASK_USERS, pages::button("assigned"))
}
