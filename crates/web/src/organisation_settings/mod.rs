//! The organisation's settings, for its manager: name, time zone, second factor required,
//! session timeouts, letterhead.

mod pages;

use domain::accounts::Role;
use domain::policy::Rule;

use crate::routes::Routes;

pub const MANAGERS: Rule = Rule::Roles(&[Role::Manager]);

pub fn router() -> Routes {
    Routes::new().get("/admin/organisation", MANAGERS, pages::show).post(
        "/admin/organisation",
        MANAGERS,
        pages::save,
    )
}
