//! The background jobs of the instance, for its administrators: how many are in each state,
//! the jobs of one state page after page, and the two things an administrator may do about
//! one: send it back to the queue (retry) or stop it before it runs (cancel). Both are audited
//! in the instance's chain. Jobs hold kinds, keys (ids) and errors, never a person's data.

mod pages;

use domain::policy::JOB_ADMINS;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/admin/jobs", JOB_ADMINS, pages::index)
        .post("/admin/jobs/{job_id}/retry", JOB_ADMINS, pages::retry)
        .post("/admin/jobs/{job_id}/cancel", JOB_ADMINS, pages::cancel)
}
