//! API tokens: the user's page to create, list and revoke them, and authentication of API
//! requests by them ([`bearer`]). Scopes and token rules live in `domain::api_tokens`.

pub mod bearer;
mod pages;

use domain::policy::Rule;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/account/tokens", Rule::SignedIn, pages::index)
        .post("/account/tokens", Rule::SignedIn, pages::create)
        .post("/account/tokens/{id}/revoke", Rule::SignedIn, pages::revoke)
}
