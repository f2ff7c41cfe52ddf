//! The administration of an organisation by its manager: its members (invitations, roles,
//! teams, disabling, second factor reset, password reset links) and its teams.
//!
//! Everything acts on the organisation the manager works in, the session's, never one named
//! in the request: every query filters by it, so the id of another organisation's member or
//! team answers "not found", like an unknown one. An instance administrator without a
//! membership manages no organisation's people. Every change is written in one transaction
//! with its audit event, whose details hold role names and ids, never names or addresses.

mod lists;
mod passwords;
mod teams;
mod users;

use domain::OrganisationId;
use domain::accounts::Role;
use domain::policy::Rule;
use store::Ts;
use store::notifications::{self, NewNotification, NotificationKind};

use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::routes::Routes;

/// Who manages the organisation's people and teams.
pub const MANAGE: Rule = Rule::Roles(&[Role::Manager]);

pub fn router() -> Routes {
    Routes::new()
        .get("/admin/users", MANAGE, users::index)
        .get("/admin/users/invite", MANAGE, users::invite_form)
        .post("/admin/users/invite", MANAGE, users::invite)
        .get("/admin/users/{membership_id}", MANAGE, users::show)
        .post("/admin/users/{membership_id}/role", MANAGE, users::change_role)
        .post("/admin/users/{membership_id}/teams", MANAGE, users::change_teams)
        .post("/admin/users/{membership_id}/disable", MANAGE, users::disable)
        .post("/admin/users/{membership_id}/enable", MANAGE, users::enable)
        .post(
            "/admin/users/{membership_id}/second-factor/reset",
            MANAGE,
            users::reset_second_factor,
        )
        .post("/admin/users/{membership_id}/password-reset", MANAGE, passwords::reset_link)
        .get("/admin/teams", MANAGE, teams::index)
        .post("/admin/teams", MANAGE, teams::create)
        .get("/admin/teams/{team_id}", MANAGE, teams::show)
        .post("/admin/teams/{team_id}", MANAGE, teams::rename)
        .get("/admin/lists", MANAGE, lists::index)
        .get("/admin/lists/{list}", MANAGE, lists::show)
        .post("/admin/lists/{list}", MANAGE, lists::save)
        .post("/admin/lists/{list}/values", MANAGE, lists::add)
}

/// The organisation the manager acts in. The route's rule guarantees one; without it, nothing
/// is there to see.
fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A refused field: the id of its input (the error summary links to it) and the message.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: String) -> FieldError {
        FieldError { field: field.into(), message }
    }
}

/// The message of the first error about `field`, for the pages' `error_for`.
fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// A role's name in the reader's language.
fn role_label(t: &Tr, role: Role) -> String {
    t.msg(&format!("role-{}", role.as_str()))
}

/// Tells a member, in the transaction of the change, what a manager did to their account.
async fn notify(
    tx: &mut store::Tx,
    org: OrganisationId,
    manager: &SignedIn,
    member: domain::UserId,
    kind: NotificationKind,
    details: Option<String>,
) -> Result<(), store::StoreError> {
    let notice = NewNotification {
        user_id: member,
        organisation_id: Some(org),
        kind,
        actor_user_id: Some(manager.actor.user_id),
        details,
    };
    notifications::insert(tx, &notice, Ts::now()).await
}

/// The values of a repeated form field (checkboxes).
fn all_of(fields: &[(String, String)], name: &str) -> Vec<String> {
    fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

/// The value of a form field, empty when absent.
fn one_of(fields: &[(String, String)], name: &str) -> String {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Which page of the administration is shown, for its sub-navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Users,
    Teams,
    Lists,
    /// The descriptions of the assessment's need levels (`crate::assessments`).
    AssessmentLevels,
    /// The aid catalogue's rules (`crate::aid`).
    Aid,
    /// The statutory tables' definitions (`crate::statistics`).
    StatisticsTables,
}
