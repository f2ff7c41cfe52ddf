//! Who may do what: the one place where access decisions are made. Every route declares a
//! [`Rule`]; record-level decisions (a case, a note) are functions here too, called by the
//! handlers and tested as tables.

use crate::accounts::Role;
use crate::{OrganisationId, TeamId, UserId};

/// The membership a signed-in user is acting through (the active organisation of the session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveMembership {
    pub organisation_id: OrganisationId,
    pub role: Role,
    pub teams: Vec<TeamId>,
    pub supervised_teams: Vec<TeamId>,
}

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub instance_admin: bool,
    /// `None` for an instance admin with no membership, or before an organisation is chosen.
    pub membership: Option<ActiveMembership>,
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        self.membership.as_ref().map(|m| m.role)
    }

    pub fn organisation(&self) -> Option<OrganisationId> {
        self.membership.as_ref().map(|m| m.organisation_id)
    }
}

/// The access rule a route declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not: sign-in pages, static files, probes, the language switch.
    Public,
    /// Any signed-in user, whatever their role.
    SignedIn,
    /// A signed-in user acting in an organisation with one of these roles.
    Roles(&'static [Role]),
    /// Instance administrators only.
    InstanceAdmin,
}

/// The outcome of a check. A denial answers "not found", so nothing leaks about what exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Nobody is signed in: send them to the sign-in page.
    SignInRequired,
    Deny,
}

/// Whether `actor` passes `rule`.
pub fn check(rule: Rule, actor: Option<&Actor>) -> Decision {
    match (rule, actor) {
        (Rule::Public, _) => Decision::Allow,
        (_, None) => Decision::SignInRequired,
        (Rule::SignedIn, Some(_)) => Decision::Allow,
        (Rule::InstanceAdmin, Some(a)) => allow_if(a.instance_admin),
        (Rule::Roles(roles), Some(a)) => allow_if(a.role().is_some_and(|r| roles.contains(&r))),
    }
}

fn allow_if(ok: bool) -> Decision {
    if ok { Decision::Allow } else { Decision::Deny }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Option<Role>, admin: bool) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: admin,
            membership: role.map(|role| ActiveMembership {
                organisation_id: OrganisationId::new(),
                role,
                teams: vec![],
                supervised_teams: vec![],
            }),
        }
    }

    const MANAGERS: Rule = Rule::Roles(&[Role::Manager]);
    const AUDITORS: Rule = Rule::Roles(&[Role::Manager, Role::Dpo]);

    #[test]
    fn the_rule_table_holds_for_every_role() {
        use Decision::*;
        // (role, instance admin) → Public, SignedIn, InstanceAdmin, managers, auditors
        let table: &[(Option<Role>, bool, [Decision; 5])] = &[
            (None, true, [Allow, Allow, Allow, Deny, Deny]),
            (Some(Role::Manager), false, [Allow, Allow, Deny, Allow, Allow]),
            (Some(Role::Worker), false, [Allow, Allow, Deny, Deny, Deny]),
            (Some(Role::Reception), false, [Allow, Allow, Deny, Deny, Deny]),
            (Some(Role::Supervisor), false, [Allow, Allow, Deny, Deny, Deny]),
            (Some(Role::Dpo), false, [Allow, Allow, Deny, Deny, Allow]),
            (Some(Role::PeerMediator), false, [Allow, Allow, Deny, Deny, Deny]),
            (Some(Role::Partner), false, [Allow, Allow, Deny, Deny, Deny]),
            (Some(Role::Manager), true, [Allow, Allow, Allow, Allow, Allow]),
        ];
        for (role, admin, expected) in table {
            let a = actor(*role, *admin);
            let got = [Rule::Public, Rule::SignedIn, Rule::InstanceAdmin, MANAGERS, AUDITORS]
                .map(|r| check(r, Some(&a)));
            assert_eq!(&got, expected, "{role:?} admin={admin}");
        }
    }

    #[test]
    fn without_a_session_only_public_routes_open() {
        assert_eq!(check(Rule::Public, None), Decision::Allow);
        for rule in [Rule::SignedIn, Rule::InstanceAdmin, MANAGERS] {
            assert_eq!(check(rule, None), Decision::SignInRequired);
        }
    }
}
