//! The home page.

mod pages;

use domain::policy::Rule;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new().get("/", Rule::SignedIn, pages::index)
}
