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

/// What an actor may do with the person records of its active organisation. Identity and
/// contact are what lets anyone at the desk find and reach a person and avoid registering them
/// twice; the situation (resources, housing, protection, their own words) is for those who
/// accompany them. Case content (notes, plans) is decided case by case with the case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonAccess {
    /// Search, and see the identity and contact of a record.
    pub find: bool,
    pub read_situation: bool,
    pub create: bool,
    pub edit_identity: bool,
    pub edit_situation: bool,
}

impl PersonAccess {
    /// Whether the actor may see the fields of `group`.
    pub fn reads(&self, group: crate::persons::Group) -> bool {
        match group {
            crate::persons::Group::Identity | crate::persons::Group::Contact => self.find,
            crate::persons::Group::Situation => self.read_situation,
        }
    }

    /// Whether the actor may change the fields of `group`.
    pub fn edits(&self, group: crate::persons::Group) -> bool {
        match group {
            crate::persons::Group::Identity | crate::persons::Group::Contact => self.edit_identity,
            crate::persons::Group::Situation => self.edit_situation,
        }
    }
}

/// The roles that find persons (the routes' rule); [`person_access`] says what else.
pub const PERSON_FINDERS: Rule =
    Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception, Role::Supervisor]);
/// The roles that register and edit persons.
pub const PERSON_EDITORS: Rule = Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception]);

/// Who sees a team's queue (urgency flags, visits waiting for someone).
pub const QUEUE_READERS: Rule =
    Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception, Role::Supervisor]);
/// Who takes urgency flags and waiting visits in hand.
pub const FLAG_HANDLERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);

/// Who merges two records of the same person, and undoes merges: the organisation's managers.
pub const PERSON_MERGERS: Rule = Rule::Roles(&[Role::Manager]);

/// Who imports persons and households from a spreadsheet: the organisation's managers, who
/// bring in the files the organisation kept before (every field of the file, the situation
/// included, since it is the organisation's record that moves in).
pub const PERSON_IMPORTERS: Rule = Rule::Roles(&[Role::Manager]);

/// Who sees the background jobs of the instance and retries or cancels them: instance
/// administrators. Jobs belong to no organisation (housekeeping, and later deliveries for all of
/// them), and their page shows kinds, keys (ids) and errors, never a person's data.
pub const JOB_ADMINS: Rule = Rule::InstanceAdmin;

/// What `actor` may do with persons of its active organisation. A record of another
/// organisation is never reachable: the store only looks inside the active one.
pub fn person_access(actor: &Actor) -> PersonAccess {
    let Some(role) = actor.role() else { return PersonAccess::default() };
    let all = PersonAccess {
        find: true,
        read_situation: true,
        create: true,
        edit_identity: true,
        edit_situation: true,
    };
    match role {
        Role::Worker => all,
        // Intake and general information: register, correct names and contact details.
        Role::Reception | Role::Manager => {
            PersonAccess { read_situation: false, edit_situation: false, ..all }
        }
        // Reads the teams' files, changes nothing in them.
        Role::Supervisor => {
            PersonAccess { find: true, read_situation: true, ..PersonAccess::default() }
        }
        // No person content by default (subject requests come with the privacy tools); peer
        // mediators see the persons paired with them, through their groups; partners only
        // referrals sent to their service.
        Role::Dpo | Role::PeerMediator | Role::Partner | Role::Admin => PersonAccess::default(),
    }
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

    #[test]
    fn person_access_follows_the_role_table() {
        // role → find, read situation, create, edit identity, edit situation
        let table: &[(Role, [bool; 5])] = &[
            (Role::Manager, [true, false, true, true, false]),
            (Role::Worker, [true, true, true, true, true]),
            (Role::Reception, [true, false, true, true, false]),
            (Role::Supervisor, [true, true, false, false, false]),
            (Role::Dpo, [false; 5]),
            (Role::PeerMediator, [false; 5]),
            (Role::Partner, [false; 5]),
        ];
        for (role, expected) in table {
            let a = person_access(&actor(Some(*role), false));
            let got = [a.find, a.read_situation, a.create, a.edit_identity, a.edit_situation];
            assert_eq!(&got, expected, "{role:?}");
            // The route rules agree with the record-level table.
            let route = |r| check(r, Some(&actor(Some(*role), false))) == Decision::Allow;
            assert_eq!(route(PERSON_FINDERS), a.find, "{role:?}");
            assert_eq!(route(PERSON_EDITORS), a.create, "{role:?}");
        }
        assert_eq!(person_access(&actor(None, true)), PersonAccess::default());
        let worker = person_access(&actor(Some(Role::Worker), false));
        assert!(worker.reads(crate::persons::Group::Situation));
        let reception = person_access(&actor(Some(Role::Reception), false));
        assert!(reception.reads(crate::persons::Group::Contact));
        assert!(!reception.reads(crate::persons::Group::Situation));
        assert!(!reception.edits(crate::persons::Group::Situation));
    }
}
