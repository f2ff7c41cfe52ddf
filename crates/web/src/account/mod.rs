//! The user's own account: profile, organisations and the switch between them, invitations
//! to answer, open sessions, the change of password, the TOTP second factor (enrolment, and
//! the second step of signing in), keeping a session alive and what was typed when it ends.

mod form_drafts;
mod invitations;
mod mail_preferences;
mod pages;
mod password;
mod second_factor;

pub(crate) use invitations::{accepted_event, invitation_link_page};
pub(crate) use second_factor::check_code;

use domain::policy::Rule;

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/account", Rule::SignedIn, pages::index)
        .post("/account/organisation", Rule::SignedIn, pages::switch_organisation)
        .post("/account/invitations/{invitation_id}/accept", Rule::SignedIn, invitations::accept)
        .post("/account/invitations/{invitation_id}/decline", Rule::SignedIn, invitations::decline)
        .post("/account/keep-alive", Rule::SignedIn, pages::keep_alive)
        .post("/account/form-draft", Rule::SignedIn, form_drafts::save)
        .post("/account/form-draft/take", Rule::SignedIn, form_drafts::take)
        .get("/account/csrf-token", Rule::SignedIn, form_drafts::csrf_token)
        .post("/account/password", Rule::SignedIn, password::change)
        .get("/account/notifications", Rule::SignedIn, mail_preferences::show)
        .post("/account/notifications", Rule::SignedIn, mail_preferences::save)
        .get("/account/second-factor", Rule::SignedIn, second_factor::manage)
        .post("/account/second-factor", Rule::SignedIn, second_factor::enrol)
        .post("/account/second-factor/disable", Rule::SignedIn, second_factor::disable)
        .get("/login/second-factor", Rule::Public, second_factor::challenge_form)
        .post("/login/second-factor", Rule::Public, second_factor::challenge)
}
