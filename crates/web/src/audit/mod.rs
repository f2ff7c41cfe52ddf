//! The audit log search: a manager or the DPO searches their organisation's log, an instance
//! administrator the instance's own log, and either exports what they found as CSV. Search
//! criteria can name people, so they travel in POST bodies, never in URLs. See
//! `docs/adr/0003-audit-access.md` for who sees which log.

mod criteria;
pub(crate) mod export;
mod pages;
mod view;

use domain::OrganisationId;
use domain::accounts::Role;
use domain::policy::{Actor, Rule};
use store::audit::AuditScope;

use crate::routes::Routes;

/// Who may search their organisation's log.
pub const ORGANISATION_AUDIT: Rule = Rule::Roles(&[Role::Manager, Role::Dpo]);
/// Who may search the instance's log.
pub const INSTANCE_AUDIT: Rule = Rule::InstanceAdmin;

pub fn router() -> Routes {
    Routes::new()
        .get("/admin/audit", ORGANISATION_AUDIT, pages::organisation_form)
        .post("/admin/audit", ORGANISATION_AUDIT, pages::organisation_search)
        .post("/admin/audit/export", ORGANISATION_AUDIT, export::organisation_export)
        .get("/admin/audit/instance", INSTANCE_AUDIT, pages::instance_form)
        .post("/admin/audit/instance", INSTANCE_AUDIT, pages::instance_search)
        .post("/admin/audit/instance/export", INSTANCE_AUDIT, export::instance_export)
}

/// Which log a page searches; each has its own routes and rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    /// The chain of the organisation the user is acting in.
    Organisation,
    /// The instance chain: what concerns no organisation.
    Instance,
}

impl Log {
    pub fn path(self) -> &'static str {
        match self {
            Log::Organisation => "/admin/audit",
            Log::Instance => "/admin/audit/instance",
        }
    }

    pub fn export_path(self) -> &'static str {
        match self {
            Log::Organisation => "/admin/audit/export",
            Log::Instance => "/admin/audit/instance/export",
        }
    }

    /// The organisation whose chain this log is (`None`: the instance's), for `actor`; `Err`
    /// when the actor acts in no organisation (the route's rule makes that unreachable).
    fn organisation(
        self,
        actor: &Actor,
    ) -> Result<Option<OrganisationId>, crate::errors::WebError> {
        match self {
            Log::Organisation => {
                actor.organisation().map(Some).ok_or(crate::errors::WebError::NotFound)
            }
            Log::Instance => Ok(None),
        }
    }

    fn scope(self, actor: &Actor) -> Result<AuditScope, crate::errors::WebError> {
        Ok(match self.organisation(actor)? {
            Some(org) => AuditScope::Organisation(org),
            None => AuditScope::Instance,
        })
    }
}
