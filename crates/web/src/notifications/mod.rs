//! The notifications page and the bell's count. Notifications are created by the features that
//! cause them, in the same transaction (see `store::notifications`).

mod pages;

pub(crate) use pages::text;

use domain::policy::Rule;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new().get("/notifications", Rule::SignedIn, pages::index).post(
        "/notifications/read",
        Rule::SignedIn,
        pages::mark_all_read,
    )
}
