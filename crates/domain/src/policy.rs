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
    /// A user acting in an organisation with one of these roles, or an instance administrator
    /// (with or without a membership): what concerns the whole instance, like the partner
    /// directory.
    RolesOrInstanceAdmin(&'static [Role]),
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
        (Rule::RolesOrInstanceAdmin(roles), Some(a)) => {
            allow_if(a.instance_admin || a.role().is_some_and(|r| roles.contains(&r)))
        }
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

/// Who opens cases: workers (for the persons they will follow) and managers (who assign them).
pub const CASE_OPENERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);
/// Who may reach a case page; [`case_access`] decides for each case what they see.
pub const CASE_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker, Role::Supervisor]);
/// Who may change a case's status (pause, close, reopen); [`case_access`] decides per case.
pub const CASE_STATUS_CHANGERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);
/// Who writes notes (and keeps drafts of them); [`case_access`] decides per case.
pub const NOTE_WRITERS: Rule = Rule::Roles(&[Role::Worker]);

/// What the policy needs to know of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts<'a> {
    pub organisation_id: OrganisationId,
    pub team_id: TeamId,
    pub referent_id: Option<UserId>,
    pub co_referents: &'a [UserId],
}

/// What an actor may do with one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseAccess {
    /// Reach the case page: the person, the team, the referents, the status.
    pub metadata: bool,
    /// Read the timeline (notes), subject to each note's confidentiality.
    pub content: bool,
    /// Write notes.
    pub write: bool,
    /// Change the status (pause, close, reopen).
    pub manage: bool,
    /// The actor is the referent or a co-referent (and a worker): reads "referents only" notes.
    pub referent: bool,
    /// The actor supervises the case's team: sees the previous versions of corrected notes.
    pub supervisor: bool,
    /// The access comes from an emergency grant (break the glass), not the usual rules.
    pub emergency: bool,
}

/// What `actor` may do with a case (DOMAIN.md §3.1, issue 4 point 7). Workers who follow the
/// case (referent, co-referents) and the workers of its team read and write it; the team's
/// supervisors read it; managers see its metadata and change its status, and its content only
/// if they also supervise its team. Everyone else (reception, DPO, peer mediators, partners,
/// workers of other teams, instance admins) gets nothing here: at most, on the person's page,
/// that the person is followed ([`sees_who_follows`]). Another organisation's case: nothing.
pub fn case_access(actor: &Actor, case: &CaseFacts<'_>) -> CaseAccess {
    let Some(m) = actor.membership.as_ref() else { return CaseAccess::default() };
    if m.organisation_id != case.organisation_id {
        return CaseAccess::default();
    }
    let me = actor.user_id;
    let follows = case.referent_id == Some(me) || case.co_referents.contains(&me);
    let supervises = m.supervised_teams.contains(&case.team_id);
    let reads =
        CaseAccess { metadata: true, content: true, supervisor: supervises, ..Default::default() };
    match m.role {
        // A membership's teams include those it supervises: being "in" the team by
        // supervision gives a supervisor's rights, not a worker's.
        Role::Worker if follows || m.teams.contains(&case.team_id) => {
            CaseAccess { write: true, manage: true, referent: follows, ..reads }
        }
        Role::Supervisor if supervises => reads,
        Role::Manager => CaseAccess {
            metadata: true,
            content: supervises,
            manage: true,
            supervisor: supervises,
            ..Default::default()
        },
        _ => CaseAccess::default(),
    }
}

/// Who may reach the emergency access form of a case (break the glass);
/// [`may_break_the_glass`] decides for each case.
pub const CASE_EMERGENCY_OPENERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);

/// Whether `actor` may open `case` in an emergency, giving a reason (break the glass, issue 4
/// point 7): a worker or a supervisor of the case's organisation who may not read it by the
/// usual rules (a worker of another team, a supervisor of another team). Never reception, the
/// DPO, peer mediators, partners, managers (who see the metadata, and the content of the
/// teams they supervise), nor anyone of another organisation.
pub fn may_break_the_glass(actor: &Actor, case: &CaseFacts<'_>) -> bool {
    let Some(m) = actor.membership.as_ref() else { return false };
    m.organisation_id == case.organisation_id
        && matches!(m.role, Role::Worker | Role::Supervisor)
        && !case_access(actor, case).content
}

/// What `actor` may do with `case`, given whether they hold an emergency grant on it that is
/// still running (`grant_active`). The usual access wins when it reads the content; otherwise
/// an active grant of someone who may break the glass reads the case at normal confidentiality
/// only, writes and manages nothing. A grant of someone who may no longer break the glass (their
/// role changed) gives nothing.
pub fn case_access_with_grant(
    actor: &Actor,
    case: &CaseFacts<'_>,
    grant_active: bool,
) -> CaseAccess {
    let usual = case_access(actor, case);
    if !grant_active || usual.content || !may_break_the_glass(actor, case) {
        return usual;
    }
    CaseAccess { metadata: true, content: true, emergency: true, ..Default::default() }
}

/// Whether `actor` sees, on a person's page, that the person is followed and by whom (name,
/// birth date, referent, team: what avoids opening a second case or registering them twice),
/// for cases they may not open.
pub fn sees_who_follows(actor: &Actor) -> bool {
    person_access(actor).find
}

/// Whether `actor` sees, on a person's page, who opened the file lately: those who answer for
/// it — the organisation's managers, and the referent and co-referents of one of the person's
/// open or paused cases (`answers_for_a_case`). The data protection officer reads the same
/// from the audit search.
pub fn sees_file_readers(actor: &Actor, answers_for_a_case: bool) -> bool {
    actor.role() == Some(Role::Manager)
        || (answers_for_a_case && actor.role() == Some(Role::Worker))
}

/// Whether `actor`, with `access` to the case, may read a note of `author` at `level`. An
/// author-only note is for its author alone, an administrator or manager included.
pub fn may_read_note(
    actor: &Actor,
    access: &CaseAccess,
    author: Option<UserId>,
    level: crate::cases::Confidentiality,
) -> bool {
    use crate::cases::Confidentiality::*;
    let own = author == Some(actor.user_id);
    access.content
        && match level {
            Normal => true,
            Referents => access.referent || own,
            Author => own,
        }
}

/// Whether `actor` may see the earlier versions of a corrected note: its author and the
/// supervisors of the case's team, among those who may read it.
pub fn may_see_note_versions(
    actor: &Actor,
    access: &CaseAccess,
    author: Option<UserId>,
    level: crate::cases::Confidentiality,
) -> bool {
    may_read_note(actor, access, author, level)
        && (author == Some(actor.user_id) || access.supervisor)
}

/// Whether `actor` may correct or delete a note: its author, while they may write the case.
pub fn may_change_note(actor: &Actor, access: &CaseAccess, author: Option<UserId>) -> bool {
    access.write && author == Some(actor.user_id)
}

/// The notes a timeline query may return for `actor`, as [`may_read_note`] decides, in a form
/// the store can put in SQL (so that pages of the timeline count only visible entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteVisibility {
    pub viewer: UserId,
    /// "Referents only" notes of others are visible.
    pub referents_level: bool,
}

/// The note filter for `actor`, or `None` when they may read no note of the case.
pub fn note_visibility(actor: &Actor, access: &CaseAccess) -> Option<NoteVisibility> {
    access
        .content
        .then_some(NoteVisibility { viewer: actor.user_id, referents_level: access.referent })
}

impl NoteVisibility {
    /// The same decision as [`may_read_note`], for a note the filter let through.
    pub fn admits(&self, author: Option<UserId>, level: crate::cases::Confidentiality) -> bool {
        use crate::cases::Confidentiality::*;
        let own = author == Some(self.viewer);
        match level {
            Normal => true,
            Referents => self.referents_level || own,
            Author => own,
        }
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

    pub(super) fn member(
        role: Role,
        teams: &[TeamId],
        supervised: &[TeamId],
        org: OrganisationId,
    ) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: org,
                role,
                teams: teams.to_vec(),
                supervised_teams: supervised.to_vec(),
            }),
        }
    }

    #[test]
    fn case_access_follows_the_role_and_the_relation_to_the_case() {
        let org = OrganisationId::new();
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let referent = member(Role::Worker, &[other_team], &[], org);
        let co_referent = member(Role::Worker, &[], &[], org);
        let co = [co_referent.user_id];
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(referent.user_id),
            co_referents: &co,
        };
        // who → metadata, content, write, manage, referent, supervisor
        let table: Vec<(&str, Actor, [bool; 6])> = vec![
            ("referent", referent.clone(), [true, true, true, true, true, false]),
            ("co-referent", co_referent.clone(), [true, true, true, true, true, false]),
            (
                "worker of the team",
                member(Role::Worker, &[team], &[], org),
                [true, true, true, true, false, false],
            ),
            ("worker of another team", member(Role::Worker, &[other_team], &[], org), [false; 6]),
            (
                "supervisor of the team",
                member(Role::Supervisor, &[team], &[team], org),
                [true, true, false, false, false, true],
            ),
            // A supervisor only a member of the team (not supervising it) reads nothing.
            (
                "supervisor not supervising it",
                member(Role::Supervisor, &[team], &[], org),
                [false; 6],
            ),
            (
                "supervisor of another team",
                member(Role::Supervisor, &[other_team], &[other_team], org),
                [false; 6],
            ),
            (
                "manager",
                member(Role::Manager, &[], &[], org),
                [true, false, false, true, false, false],
            ),
            (
                "manager supervising the team",
                member(Role::Manager, &[team], &[team], org),
                [true, true, false, true, false, true],
            ),
            ("reception of the team", member(Role::Reception, &[team], &[], org), [false; 6]),
            ("dpo", member(Role::Dpo, &[], &[], org), [false; 6]),
            ("peer mediator", member(Role::PeerMediator, &[team], &[], org), [false; 6]),
            ("partner", member(Role::Partner, &[team], &[], org), [false; 6]),
            (
                "worker of the team in another organisation",
                member(Role::Worker, &[team], &[], OrganisationId::new()),
                [false; 6],
            ),
            (
                "manager of another organisation",
                member(Role::Manager, &[], &[], OrganisationId::new()),
                [false; 6],
            ),
            ("instance admin", actor(None, true), [false; 6]),
        ];
        for (who, a, expected) in table {
            let c = case_access(&a, &case);
            let got = [c.metadata, c.content, c.write, c.manage, c.referent, c.supervisor];
            assert_eq!(got, expected, "{who}");
            // The route rules let in everyone the case lets in.
            if c.metadata {
                assert_eq!(check(CASE_READERS, Some(&a)), Decision::Allow, "{who}");
            }
            if c.write {
                assert_eq!(check(NOTE_WRITERS, Some(&a)), Decision::Allow, "{who}");
            }
            if c.manage {
                assert_eq!(check(CASE_STATUS_CHANGERS, Some(&a)), Decision::Allow, "{who}");
            }
        }
        // A referent who is not (or no longer) a worker has no referent's rights.
        let former = Actor {
            membership: Some(ActiveMembership {
                role: Role::Reception,
                ..referent.membership.clone().unwrap()
            }),
            ..referent.clone()
        };
        assert_eq!(case_access(&former, &case), CaseAccess::default());
        // Who sees only that the person is followed.
        for (role, sees) in [
            (Role::Reception, true),
            (Role::Worker, true),
            (Role::Supervisor, true),
            (Role::Manager, true),
            (Role::Dpo, false),
            (Role::PeerMediator, false),
            (Role::Partner, false),
        ] {
            assert_eq!(sees_who_follows(&member(role, &[], &[], org)), sees, "{role:?}");
        }
    }

    #[test]
    fn who_may_break_the_glass_and_what_a_grant_gives() {
        use crate::cases::Confidentiality::*;
        let org = OrganisationId::new();
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let referent = member(Role::Worker, &[team], &[], org);
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(referent.user_id),
            co_referents: &[],
        };
        // who → may break the glass
        let table: Vec<(&str, Actor, bool)> = vec![
            ("worker of another team", member(Role::Worker, &[other_team], &[], org), true),
            ("worker of no team", member(Role::Worker, &[], &[], org), true),
            (
                "supervisor of another team",
                member(Role::Supervisor, &[other_team], &[other_team], org),
                true,
            ),
            ("referent", referent.clone(), false),
            ("worker of the team", member(Role::Worker, &[team], &[], org), false),
            ("supervisor of the team", member(Role::Supervisor, &[team], &[team], org), false),
            ("reception", member(Role::Reception, &[], &[], org), false),
            ("dpo", member(Role::Dpo, &[], &[], org), false),
            ("peer mediator", member(Role::PeerMediator, &[], &[], org), false),
            ("partner", member(Role::Partner, &[], &[], org), false),
            ("manager", member(Role::Manager, &[], &[], org), false),
            (
                "manager supervising another team",
                member(Role::Manager, &[other_team], &[other_team], org),
                false,
            ),
            ("admin role", member(Role::Admin, &[], &[], org), false),
            (
                "worker of another organisation",
                member(Role::Worker, &[], &[], OrganisationId::new()),
                false,
            ),
            ("instance admin", actor(None, true), false),
        ];
        for (who, a, may) in table {
            assert_eq!(may_break_the_glass(&a, &case), may, "{who}");
            if may {
                assert_eq!(check(CASE_EMERGENCY_OPENERS, Some(&a)), Decision::Allow, "{who}");
            }
            // Without a grant, the usual access.
            assert_eq!(case_access_with_grant(&a, &case, false), case_access(&a, &case), "{who}");
            let granted = case_access_with_grant(&a, &case, true);
            if may {
                // Normal notes, and the reader's own; nothing else, no writing, no managing.
                assert!(granted.metadata && granted.content && granted.emergency, "{who}");
                assert!(!granted.write && !granted.manage, "{who}");
                assert!(!granted.referent && !granted.supervisor, "{who}");
                assert!(may_read_note(&a, &granted, None, Normal), "{who}");
                assert!(!may_read_note(&a, &granted, Some(referent.user_id), Referents), "{who}");
                assert!(!may_read_note(&a, &granted, Some(referent.user_id), Author), "{who}");
                assert!(!may_see_note_versions(&a, &granted, Some(referent.user_id), Normal));
                assert!(!may_change_note(&a, &granted, Some(a.user_id)), "{who}");
                assert_eq!(check(CASE_READERS, Some(&a)), Decision::Allow, "{who}");
            } else {
                // A grant changes nothing for those who may not break the glass.
                assert_eq!(granted, case_access(&a, &case), "{who}");
            }
        }
    }

    #[test]
    fn managers_and_those_who_answer_for_a_case_see_who_opened_the_file() {
        let org = OrganisationId::new();
        for role in Role::ALL {
            let actor = member(role, &[], &[], org);
            assert_eq!(sees_file_readers(&actor, false), role == Role::Manager, "{role:?}");
            let referent = matches!(role, Role::Manager | Role::Worker);
            assert_eq!(sees_file_readers(&actor, true), referent, "{role:?}");
        }
    }

    #[test]
    fn notes_are_read_by_confidentiality_level() {
        use crate::cases::Confidentiality::{self, *};
        let org = OrganisationId::new();
        let team = TeamId::new();
        let author = member(Role::Worker, &[team], &[], org);
        let referent = member(Role::Worker, &[], &[], org);
        let colleague = member(Role::Worker, &[team], &[], org);
        let supervisor = member(Role::Supervisor, &[team], &[team], org);
        let manager = member(Role::Manager, &[], &[], org);
        let supervising_manager = member(Role::Manager, &[team], &[team], org);
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(referent.user_id),
            co_referents: &[],
        };
        let by = Some(author.user_id);
        // who → normal, referents only, author only; then previous versions of a normal note
        let table: [(&str, &Actor, [bool; 4]); 6] = [
            ("author", &author, [true, true, true, true]),
            ("referent", &referent, [true, true, false, false]),
            ("colleague of the team", &colleague, [true, false, false, false]),
            ("supervisor", &supervisor, [true, false, false, true]),
            ("manager", &manager, [false, false, false, false]),
            ("manager supervising", &supervising_manager, [true, false, false, true]),
        ];
        for (who, a, expected) in table {
            let access = case_access(a, &case);
            let levels: [Confidentiality; 3] = [Normal, Referents, Author];
            let got = levels.map(|l| may_read_note(a, &access, by, l));
            assert_eq!(got[..], expected[..3], "{who}");
            assert_eq!(may_see_note_versions(a, &access, by, Normal), expected[3], "{who}");
            // The store's filter decides as the function does.
            for (level, read) in levels.iter().zip(got) {
                let filtered = note_visibility(a, &access).is_some_and(|v| v.admits(by, *level));
                assert_eq!(filtered, read, "{who} {level:?}");
            }
        }
        // An instance admin who is also a member acting in the organisation reads no one
        // else's private note.
        let admin = Actor { instance_admin: true, ..colleague.clone() };
        let access = case_access(&admin, &case);
        assert!(!may_read_note(&admin, &access, by, Author));
        // Only the author changes a note, while they may write the case.
        assert!(may_change_note(&author, &case_access(&author, &case), by));
        assert!(!may_change_note(&colleague, &case_access(&colleague, &case), by));
        assert!(!may_change_note(
            &supervisor,
            &case_access(&supervisor, &case),
            Some(supervisor.user_id)
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Referents, caseloads and follow-up checks (issue 7 point 9 and 7; ADR 0015).

/// Who reaches a case's referents page; [`referent_rights`] decides per case.
pub const REFERENT_EDITORS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);
/// Who sees caseloads: managers (the organisation), supervisors (their supervised teams);
/// [`caseload_scope`] says which cases.
pub const CASELOAD_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Supervisor]);
/// Who moves cases between workers, one or many at once, for good or for a while.
pub const CASE_REASSIGNERS: Rule = Rule::Roles(&[Role::Manager]);
/// Who schedules and records follow-up checks; [`may_follow_up`] decides per case.
pub const FOLLOW_UP_WRITERS: Rule = Rule::Roles(&[Role::Worker]);
/// Who reads a case's follow-up checks (the case's content: [`CaseAccess::content`]). Like the
/// earlier versions of notes, stricter than the function: a manager who supervises the team
/// reads them from the case's timeline, not here.
pub const FOLLOW_UP_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);

/// What an actor may change of a case's referents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReferentRights {
    /// Replace the referent (managers: assignment is theirs).
    pub referent: bool,
    /// Add and remove co-referents (managers, and the case's referent, who builds the team
    /// around the person: DOMAIN.md §3.1 "referent … may change referents").
    pub co_referents: bool,
}

/// What `actor` may change of `case`'s referents: a manager of the organisation the referent
/// and co-referents; the referent (a worker) the co-referents; nobody else — not a
/// co-referent, a colleague of the team, a supervisor, nor anyone holding an emergency grant.
pub fn referent_rights(actor: &Actor, case: &CaseFacts<'_>) -> ReferentRights {
    let access = case_access(actor, case);
    match actor.role() {
        Some(Role::Manager) if access.manage => {
            ReferentRights { referent: true, co_referents: true }
        }
        Some(Role::Worker) if access.write && case.referent_id == Some(actor.user_id) => {
            ReferentRights { referent: false, co_referents: true }
        }
        _ => ReferentRights::default(),
    }
}

/// Which cases' caseloads an actor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseloadScope {
    /// Every team of the organisation (managers).
    Organisation,
    /// These teams (the ones a supervisor supervises).
    Teams(Vec<TeamId>),
}

/// The caseloads `actor` sees: a manager the whole organisation, a supervisor the teams they
/// supervise (none: nothing); nobody else.
pub fn caseload_scope(actor: &Actor) -> Option<CaseloadScope> {
    let m = actor.membership.as_ref()?;
    match m.role {
        Role::Manager => Some(CaseloadScope::Organisation),
        Role::Supervisor if !m.supervised_teams.is_empty() => {
            Some(CaseloadScope::Teams(m.supervised_teams.clone()))
        }
        _ => None,
    }
}

/// Whether `actor` moves cases between workers: the organisation's managers.
pub fn may_reassign(actor: &Actor) -> bool {
    actor.role() == Some(Role::Manager)
}

/// Whether the actor with `access` to a case schedules and records its follow-up checks:
/// those who write the case (referent, co-referents, workers of its team), **whatever its
/// status**. A closed case takes no new note (ADR 0010), but its follow-ups are what closure
/// leaves to do, so its referent keeps that access. An emergency grant writes nothing.
pub fn may_follow_up(access: &CaseAccess) -> bool {
    access.write && !access.emergency
}

/// Who keeps a to-do list (tasks, "my day"): everyone who works with persons day to day.
pub const TASK_USERS: Rule =
    Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception, Role::Supervisor]);

/// What the policy needs to know of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts {
    pub organisation_id: OrganisationId,
    pub assignee: UserId,
    /// `None`: the system created it.
    pub created_by: Option<UserId>,
    pub automatic: bool,
}

/// What an actor may do with one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskAccess {
    pub read: bool,
    /// Mark it done, reopen it, give it to a colleague.
    pub handle: bool,
    /// Change its title, details and due date, or cancel it (typed tasks only: a system task
    /// says what the system saw, it is done or handed over, not rewritten).
    pub edit: bool,
}

/// What `actor` may do with a task, given their access to its case if it has one. Its
/// assignee and its author read and handle it; on a case, so do those who write the case
/// (the team shares the case's to-dos) and those who read its content see it. Nobody of
/// another organisation, nor a role without a to-do list.
pub fn task_access(actor: &Actor, task: &TaskFacts, case: Option<&CaseAccess>) -> TaskAccess {
    if actor.organisation() != Some(task.organisation_id)
        || check(TASK_USERS, Some(actor)) != Decision::Allow
    {
        return TaskAccess::default();
    }
    let own = task.assignee == actor.user_id || task.created_by == Some(actor.user_id);
    let writes_case = case.is_some_and(|c| c.write && !c.emergency);
    let reads_case = case.is_some_and(|c| c.content);
    let handle = own || writes_case;
    TaskAccess { read: handle || reads_case, handle, edit: handle && !task.automatic }
}

/// Whether a colleague may be given a task: a member of the organisation with a to-do list
/// and, when the task is on a case, who may at least see that case (`case` is the candidate's
/// own access to it).
pub fn may_be_assigned(
    candidate: &Actor,
    organisation_id: OrganisationId,
    case: Option<&CaseAccess>,
) -> bool {
    candidate.organisation() == Some(organisation_id)
        && check(TASK_USERS, Some(candidate)) == Decision::Allow
        && case.is_none_or(|c| c.metadata && !c.emergency)
}

/// Who keeps and reads calendars: the same roles as to-do lists.
pub const AGENDA_USERS: Rule = TASK_USERS;

/// What an actor may do with one appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppointmentAccess {
    /// Its time, worker, person and kind of place: what booking around it needs.
    pub see: bool,
    /// Its purpose and the place's details (an address, what it is about).
    pub details: bool,
    /// Mark it done, missed or cancelled, or back to planned.
    pub change: bool,
}

/// What `actor` may do with an appointment in `worker`'s calendar, booked by `created_by`,
/// given their access to its case if it has one. Everyone with a calendar in the organisation
/// sees when colleagues are busy and with whom (to book without conflicts: the desk books for
/// the workers); its details are for the worker, who booked it, and those who read the case;
/// it is changed by the worker, who booked it, those who write the case, and the desk
/// (reception and managers organise the calendars).
pub fn appointment_access(
    actor: &Actor,
    organisation_id: OrganisationId,
    worker: UserId,
    created_by: Option<UserId>,
    case: Option<&CaseAccess>,
) -> AppointmentAccess {
    if actor.organisation() != Some(organisation_id)
        || check(AGENDA_USERS, Some(actor)) != Decision::Allow
    {
        return AppointmentAccess::default();
    }
    let own = worker == actor.user_id || created_by == Some(actor.user_id);
    let writes_case = case.is_some_and(|c| c.write && !c.emergency);
    let reads_case = case.is_some_and(|c| c.content);
    let desk = matches!(actor.role(), Some(Role::Manager | Role::Reception));
    AppointmentAccess { see: true, details: own || reads_case, change: own || writes_case || desk }
}

#[cfg(test)]
mod task_tests {
    use super::*;

    pub(super) fn member(role: Role, org: OrganisationId) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: org,
                role,
                teams: vec![],
                supervised_teams: vec![],
            }),
        }
    }

    #[test]
    fn a_task_is_for_its_assignee_its_author_and_the_case_team() {
        let org = OrganisationId::new();
        let worker = member(Role::Worker, org);
        let author = member(Role::Reception, org);
        let colleague = member(Role::Worker, org);
        let task = TaskFacts {
            organisation_id: org,
            assignee: worker.user_id,
            created_by: Some(author.user_id),
            automatic: false,
        };
        let writes =
            CaseAccess { metadata: true, content: true, write: true, ..Default::default() };
        let reads = CaseAccess { metadata: true, content: true, ..Default::default() };
        let meta = CaseAccess { metadata: true, ..Default::default() };
        let grant = CaseAccess { emergency: true, ..writes };
        let all = TaskAccess { read: true, handle: true, edit: true };
        let none = TaskAccess::default();
        // (who, their access to the task's case, expected)
        let table: Vec<(&str, &Actor, Option<&CaseAccess>, TaskAccess)> = vec![
            ("assignee, no case", &worker, None, all),
            ("author, no case", &author, None, all),
            ("colleague, no case", &colleague, None, none),
            ("colleague writing the case", &colleague, Some(&writes), all),
            (
                "colleague reading the case",
                &colleague,
                Some(&reads),
                TaskAccess { read: true, ..none },
            ),
            ("colleague seeing the case's metadata", &colleague, Some(&meta), none),
            (
                "colleague under an emergency grant",
                &colleague,
                Some(&grant),
                TaskAccess { read: true, ..none },
            ),
        ];
        for (who, actor, case, expected) in table {
            assert_eq!(task_access(actor, &task, case), expected, "{who}");
        }
        // A system task is handled, not rewritten.
        let auto = TaskFacts { automatic: true, created_by: None, ..task };
        assert_eq!(
            task_access(&worker, &auto, None),
            TaskAccess { read: true, handle: true, edit: false }
        );
        // Another organisation, roles without tasks, an admin without membership: nothing.
        let stranger = member(Role::Worker, OrganisationId::new());
        let other = TaskFacts { assignee: stranger.user_id, ..task };
        assert_eq!(task_access(&stranger, &other, None), none);
        for role in [Role::Dpo, Role::PeerMediator, Role::Partner] {
            let a = member(role, org);
            let t = TaskFacts { assignee: a.user_id, ..task };
            assert_eq!(task_access(&a, &t, Some(&writes)), none, "{role:?}");
        }
        let admin = Actor { user_id: worker.user_id, instance_admin: true, membership: None };
        assert_eq!(task_access(&admin, &task, None), none);
    }

    #[test]
    fn a_task_goes_to_a_member_who_may_see_its_case() {
        let org = OrganisationId::new();
        let meta = CaseAccess { metadata: true, ..Default::default() };
        let grant =
            CaseAccess { metadata: true, content: true, emergency: true, ..Default::default() };
        for role in [Role::Manager, Role::Worker, Role::Reception, Role::Supervisor] {
            assert!(may_be_assigned(&member(role, org), org, None), "{role:?}");
            assert!(may_be_assigned(&member(role, org), org, Some(&meta)), "{role:?}");
            assert!(
                !may_be_assigned(&member(role, org), org, Some(&CaseAccess::default())),
                "{role:?}"
            );
            assert!(!may_be_assigned(&member(role, org), org, Some(&grant)), "{role:?}");
            assert!(!may_be_assigned(&member(role, OrganisationId::new()), org, None), "{role:?}");
        }
        for role in [Role::Dpo, Role::PeerMediator, Role::Partner] {
            assert!(!may_be_assigned(&member(role, org), org, None), "{role:?}");
        }
    }
}

#[cfg(test)]
mod caseload_tests {
    use super::*;

    fn member(role: Role, teams: &[TeamId], supervised: &[TeamId], org: OrganisationId) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: org,
                role,
                teams: teams.to_vec(),
                supervised_teams: supervised.to_vec(),
            }),
        }
    }

    #[test]
    fn who_changes_referents_sees_caseloads_reassigns_and_follows_up() {
        let org = OrganisationId::new();
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let referent = member(Role::Worker, &[team], &[], org);
        let co_referent = member(Role::Worker, &[other_team], &[], org);
        let co = [co_referent.user_id];
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(referent.user_id),
            co_referents: &co,
        };
        // who → change referent, change co-referents, caseload scope, reassign, follow up
        type Row = (&'static str, Actor, [bool; 2], Option<CaseloadScope>, bool, bool);
        let table: Vec<Row> = vec![
            ("referent", referent.clone(), [false, true], None, false, true),
            ("co-referent", co_referent.clone(), [false, false], None, false, true),
            (
                "worker of the team",
                member(Role::Worker, &[team], &[], org),
                [false, false],
                None,
                false,
                true,
            ),
            (
                "worker of another team",
                member(Role::Worker, &[other_team], &[], org),
                [false, false],
                None,
                false,
                false,
            ),
            (
                "manager",
                member(Role::Manager, &[], &[], org),
                [true, true],
                Some(CaseloadScope::Organisation),
                true,
                false,
            ),
            (
                "supervisor of the team",
                member(Role::Supervisor, &[team], &[team], org),
                [false, false],
                Some(CaseloadScope::Teams(vec![team])),
                false,
                false,
            ),
            (
                "supervisor of no team",
                member(Role::Supervisor, &[team], &[], org),
                [false, false],
                None,
                false,
                false,
            ),
            (
                "reception",
                member(Role::Reception, &[team], &[], org),
                [false, false],
                None,
                false,
                false,
            ),
            ("dpo", member(Role::Dpo, &[], &[], org), [false, false], None, false, false),
            (
                "manager of another organisation",
                member(Role::Manager, &[], &[], OrganisationId::new()),
                [false, false],
                Some(CaseloadScope::Organisation),
                true,
                false,
            ),
        ];
        for (who, a, rights, scope, reassign, follow) in table {
            let r = referent_rights(&a, &case);
            assert_eq!([r.referent, r.co_referents], rights, "{who}");
            assert_eq!(caseload_scope(&a), scope, "{who}");
            assert_eq!(may_reassign(&a), reassign, "{who}");
            let access = case_access(&a, &case);
            assert_eq!(may_follow_up(&access), follow, "{who}");
            // The route rules let in everyone the functions let in.
            let allowed = |rule| check(rule, Some(&a)) == Decision::Allow;
            if r.co_referents {
                assert!(allowed(REFERENT_EDITORS), "{who}");
            }
            if scope.is_some() {
                assert!(allowed(CASELOAD_READERS), "{who}");
            }
            assert_eq!(allowed(CASE_REASSIGNERS), reassign, "{who}");
            if follow {
                assert!(allowed(FOLLOW_UP_WRITERS), "{who}");
                assert!(allowed(FOLLOW_UP_READERS), "{who}");
            }
        }
        // A referent who is not (or no longer) a worker changes nothing.
        let former = Actor {
            membership: Some(ActiveMembership {
                role: Role::Reception,
                ..referent.membership.clone().unwrap()
            }),
            ..referent.clone()
        };
        assert_eq!(referent_rights(&former, &case), ReferentRights::default());
        // An emergency grant follows up nothing.
        let outsider = member(Role::Worker, &[other_team], &[], org);
        assert!(!may_follow_up(&case_access_with_grant(&outsider, &case, true)));
    }
}

#[cfg(test)]
mod appointment_tests {
    use super::task_tests::member;
    use super::*;

    #[test]
    fn a_calendar_is_seen_by_colleagues_its_details_by_those_who_follow() {
        let org = OrganisationId::new();
        let worker = member(Role::Worker, org);
        let desk = member(Role::Reception, org);
        let colleague = member(Role::Worker, org);
        let manager = member(Role::Manager, org);
        let supervisor = member(Role::Supervisor, org);
        let writes =
            CaseAccess { metadata: true, content: true, write: true, ..Default::default() };
        let reads = CaseAccess { metadata: true, content: true, ..Default::default() };
        let see = AppointmentAccess { see: true, ..Default::default() };
        let all = AppointmentAccess { see: true, details: true, change: true };
        // (who, their access to the case, booked by the desk?, expected)
        let table: Vec<(&str, &Actor, Option<&CaseAccess>, bool, AppointmentAccess)> = vec![
            ("the worker", &worker, None, true, all),
            ("the desk that booked it", &desk, None, true, all),
            (
                "the desk, another's booking",
                &desk,
                None,
                false,
                AppointmentAccess { change: true, ..see },
            ),
            ("a manager", &manager, None, false, AppointmentAccess { change: true, ..see }),
            ("a colleague", &colleague, None, false, see),
            ("a colleague writing the case", &colleague, Some(&writes), false, all),
            (
                "a supervisor reading the case",
                &supervisor,
                Some(&reads),
                false,
                AppointmentAccess { details: true, ..see },
            ),
        ];
        for (who, actor, case, by_desk, expected) in table {
            let by = if by_desk { desk.user_id } else { worker.user_id };
            assert_eq!(
                appointment_access(actor, org, worker.user_id, Some(by), case),
                expected,
                "{who}"
            );
        }
        let stranger = member(Role::Worker, OrganisationId::new());
        assert_eq!(
            appointment_access(&stranger, org, worker.user_id, None, None),
            AppointmentAccess::default()
        );
        for role in [Role::Dpo, Role::PeerMediator, Role::Partner] {
            let a = member(role, org);
            assert_eq!(
                appointment_access(&a, org, a.user_id, None, Some(&writes)),
                AppointmentAccess::default(),
                "{role:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents (issue 9 point 3; ADR 0019).

/// Who uploads documents: workers and managers, and reception staff, who take papers at the
/// desk (DOMAIN.md §3.1); [`may_upload_to_person`] and [`may_upload_to_case`] decide per record.
pub const DOCUMENT_UPLOADERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception]);
/// Who may reach a document (its page, download, preview); [`may_read_document`] decides per
/// document. Everyone who may upload reads at least what they uploaded; supervisors read the
/// documents of the cases they read.
pub const DOCUMENT_READERS: Rule =
    Rule::Roles(&[Role::Manager, Role::Worker, Role::Reception, Role::Supervisor]);
/// Who makes and revokes share links; [`may_share_document`] decides per document.
pub const DOCUMENT_SHARERS: Rule = Rule::Roles(&[Role::Worker]);

/// What the policy needs to know of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    pub organisation_id: OrganisationId,
    pub uploaded_by: Option<UserId>,
    pub confidential: bool,
    /// The actor's access to the document's case, when it has one.
    pub case: Option<CaseAccess>,
    /// The actor is the referent or a co-referent of one of the person's open or paused cases
    /// (for a document of the person alone).
    pub follows_person: bool,
}

/// Whether `actor` may upload a document to a person of their organisation (not to a case):
/// anyone who finds persons and may upload (reception included).
pub fn may_upload_to_person(actor: &Actor) -> bool {
    check(DOCUMENT_UPLOADERS, Some(actor)) == Decision::Allow && person_access(actor).find
}

/// Whether the actor with `access` to a case may upload a document to it: those who write it
/// (not an emergency grant).
pub fn may_upload_to_case(access: &CaseAccess) -> bool {
    access.write && !access.emergency
}

/// Whether `actor` may read (open, download, preview) a document. Its uploader always does.
/// A document of a case: whoever reads the case's content, and, when it is confidential, only
/// the case's referent and co-referents (DOMAIN.md §3.1: MSS's `confidential` flag). A document
/// of the person alone: whoever reads the person's situation, and, when confidential, only
/// the referents of one of the person's cases. Another organisation's document: never.
pub fn may_read_document(actor: &Actor, doc: &DocumentFacts) -> bool {
    if actor.organisation() != Some(doc.organisation_id) || actor.role().is_none() {
        return false;
    }
    if doc.uploaded_by.is_some() && doc.uploaded_by == Some(actor.user_id) {
        return check(DOCUMENT_READERS, Some(actor)) == Decision::Allow;
    }
    match doc.case {
        Some(access) => access.content && (!doc.confidential || access.referent),
        None => {
            person_access(actor).read_situation
                && (!doc.confidential || (doc.follows_person && actor.role() == Some(Role::Worker)))
        }
    }
}

/// Whether `actor` may make share links of a document (to the person, to a partner), see and
/// revoke them: a worker who reads it, not through an emergency grant.
pub fn may_share_document(actor: &Actor, doc: &DocumentFacts) -> bool {
    actor.role() == Some(Role::Worker)
        && may_read_document(actor, doc)
        && !doc.case.is_some_and(|c| c.emergency)
}

#[cfg(test)]
mod document_tests {
    use super::tests::member;
    use super::*;

    #[test]
    fn confidential_documents_are_read_by_the_referents_and_the_uploader_only() {
        let org = OrganisationId::new();
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let referent = member(Role::Worker, &[team], &[], org);
        let co_referent = member(Role::Worker, &[other_team], &[], org);
        let uploader = member(Role::Reception, &[], &[], org);
        let co = [co_referent.user_id];
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(referent.user_id),
            co_referents: &co,
        };
        let colleague = member(Role::Worker, &[team], &[], org);
        let supervisor = member(Role::Supervisor, &[team], &[team], org);
        let outsider = member(Role::Worker, &[other_team], &[], org);
        // who → reads [case doc, confidential case doc, person doc, confidential person doc],
        // shares a normal case doc
        type Row = (&'static str, Actor, [bool; 4], bool);
        let table: Vec<Row> = vec![
            ("referent", referent.clone(), [true, true, true, true], true),
            ("co-referent", co_referent.clone(), [true, true, true, true], true),
            ("uploader (reception)", uploader.clone(), [true, true, true, true], false),
            ("worker of the team", colleague.clone(), [true, false, true, false], true),
            ("supervisor of the team", supervisor.clone(), [true, false, true, false], false),
            ("worker of another team", outsider.clone(), [false, false, true, false], false),
            ("reception", member(Role::Reception, &[], &[], org), [false; 4], false),
            ("manager", member(Role::Manager, &[], &[], org), [false; 4], false),
            (
                "manager supervising the team",
                member(Role::Manager, &[team], &[team], org),
                [true, false, false, false],
                false,
            ),
            ("dpo", member(Role::Dpo, &[], &[], org), [false; 4], false),
            ("partner", member(Role::Partner, &[], &[], org), [false; 4], false),
            ("peer mediator", member(Role::PeerMediator, &[], &[], org), [false; 4], false),
            (
                "referent's twin in another organisation",
                Actor {
                    membership: Some(ActiveMembership {
                        organisation_id: OrganisationId::new(),
                        ..referent.membership.clone().unwrap()
                    }),
                    ..referent.clone()
                },
                [false; 4],
                false,
            ),
            (
                "instance admin",
                Actor { user_id: UserId::new(), instance_admin: true, membership: None },
                [false; 4],
                false,
            ),
        ];
        for (who, a, reads, shares) in table {
            let access = case_access(&a, &case);
            let follows = a.user_id == referent.user_id || a.user_id == co_referent.user_id;
            let doc = |confidential, of_case: bool| DocumentFacts {
                organisation_id: org,
                uploaded_by: Some(uploader.user_id),
                confidential,
                case: of_case.then_some(access),
                follows_person: follows,
            };
            let got = [
                may_read_document(&a, &doc(false, true)),
                may_read_document(&a, &doc(true, true)),
                may_read_document(&a, &doc(false, false)),
                may_read_document(&a, &doc(true, false)),
            ];
            assert_eq!(got, reads, "{who}");
            assert_eq!(may_share_document(&a, &doc(false, true)), shares, "{who}");
            // The route rules let in everyone the functions let in.
            if got.iter().any(|r| *r) {
                assert_eq!(check(DOCUMENT_READERS, Some(&a)), Decision::Allow, "{who}");
            }
            if shares {
                assert_eq!(check(DOCUMENT_SHARERS, Some(&a)), Decision::Allow, "{who}");
            }
        }
        // Uploads: to a person for those who find persons and upload; to a case for its writers.
        assert!(may_upload_to_person(&uploader));
        assert!(may_upload_to_person(&outsider));
        assert!(!may_upload_to_person(&supervisor));
        assert!(!may_upload_to_person(&member(Role::Dpo, &[], &[], org)));
        assert!(may_upload_to_case(&case_access(&referent, &case)));
        assert!(may_upload_to_case(&case_access(&colleague, &case)));
        assert!(!may_upload_to_case(&case_access(&supervisor, &case)));
        assert!(!may_upload_to_case(&case_access(&outsider, &case)));
        // An emergency grant reads normal documents of the case, no confidential one, and
        // neither uploads nor shares.
        let granted = case_access_with_grant(&outsider, &case, true);
        let doc = |confidential| DocumentFacts {
            organisation_id: org,
            uploaded_by: Some(uploader.user_id),
            confidential,
            case: Some(granted),
            follows_person: false,
        };
        assert!(may_read_document(&outsider, &doc(false)));
        assert!(!may_read_document(&outsider, &doc(true)));
        assert!(!may_share_document(&outsider, &doc(false)));
        assert!(!may_upload_to_case(&granted));
    }
}

// ---------------------------------------------------------------------------------------------
// The partner directory (issue 8 point 1; ADR 0018).

/// Who reads the data inventory and the register of processing (issue 12): the DPO, the
/// organisation's managers and the instance's administrators. It describes columns, never
/// their content.
pub const PRIVACY_REGISTER_READERS: Rule = Rule::RolesOrInstanceAdmin(&[Role::Manager, Role::Dpo]);

/// Who reads the retention review list (issue 12, ADR 0034): the DPO and the organisation's
/// managers. The list names persons by their record's id only, never by name or content.
pub const RETENTION_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Dpo]);

/// Who decides on a line of the review list (approve, postpone, hold) and sets the
/// organisation's retention durations: the same two roles.
pub const RETENTION_DECIDERS: Rule = Rule::Roles(&[Role::Manager, Role::Dpo]);

/// Who handles the persons' requests about their data (GDPR art. 15–21; issue 12 point 4,
/// ADR 0035): the DPO and the organisation's managers (DOMAIN.md §3.1: the DPO handles subject
/// requests; the manager is the role that exports person data). They log requests, extend and
/// answer them, review and release the export and make it. The export is the one place where
/// the DPO reads a file's content: for the person who asked for it, every export audited.
/// Instance administrators are not among them (no organisation's persons).
pub const SUBJECT_REQUEST_HANDLERS: Rule = Rule::Roles(&[Role::Manager, Role::Dpo]);

/// Who reads the partner directory: every role that works with persons, and the instance's
/// administrators (who keep it with the managers). Not the DPO (no case work) nor partner
/// users (who see only referrals sent to them).
pub const DIRECTORY_READERS: Rule = Rule::RolesOrInstanceAdmin(&[
    Role::Manager,
    Role::Worker,
    Role::Reception,
    Role::Supervisor,
    Role::PeerMediator,
]);
/// Who adds, changes, imports and exports directory entries, and links an entry to an
/// organisation hosted on the instance: managers and instance administrators.
pub const DIRECTORY_EDITORS: Rule = Rule::RolesOrInstanceAdmin(&[Role::Manager]);
/// Who writes their organisation's private contacts and notes about a partner.
pub const PARTNER_NOTE_WRITERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);

/// Whether `actor` edits the directory (the function behind [`DIRECTORY_EDITORS`], for the
/// links a page shows).
pub fn may_edit_directory(actor: &Actor) -> bool {
    check(DIRECTORY_EDITORS, Some(actor)) == Decision::Allow
}

/// What an actor may do with the private contacts and notes kept about a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerNotesAccess {
    /// The only organisation whose notes the actor reads: the one they act in.
    pub organisation_id: OrganisationId,
    pub write: bool,
}

/// The private notes `actor` reads and writes: those of the organisation they act in, read by
/// every directory reader of it, written by its managers and workers. An instance
/// administrator without a membership reads no organisation's notes.
pub fn partner_notes_access(actor: &Actor) -> Option<PartnerNotesAccess> {
    let m = actor.membership.as_ref()?;
    let reads = matches!(
        m.role,
        Role::Manager | Role::Worker | Role::Reception | Role::Supervisor | Role::PeerMediator
    );
    reads.then_some(PartnerNotesAccess {
        organisation_id: m.organisation_id,
        write: matches!(m.role, Role::Manager | Role::Worker),
    })
}

#[cfg(test)]
mod directory_tests {
    use super::*;

    fn member(role: Role, org: OrganisationId, admin: bool) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: admin,
            membership: Some(ActiveMembership {
                organisation_id: org,
                role,
                teams: vec![],
                supervised_teams: vec![],
            }),
        }
    }

    #[test]
    fn who_reads_and_edits_the_directory_and_its_private_notes() {
        let org = OrganisationId::new();
        // role → reads, edits, notes (read, write)
        let table: [(Role, bool, bool, Option<bool>); 8] = [
            (Role::Manager, true, true, Some(true)),
            (Role::Worker, true, false, Some(true)),
            (Role::Reception, true, false, Some(false)),
            (Role::Supervisor, true, false, Some(false)),
            (Role::PeerMediator, true, false, Some(false)),
            (Role::Dpo, false, false, None),
            (Role::Partner, false, false, None),
            (Role::Admin, false, false, None),
        ];
        for (role, reads, edits, notes) in table {
            let a = member(role, org, false);
            assert_eq!(check(DIRECTORY_READERS, Some(&a)) == Decision::Allow, reads, "{role:?}");
            assert_eq!(check(DIRECTORY_EDITORS, Some(&a)) == Decision::Allow, edits, "{role:?}");
            assert_eq!(may_edit_directory(&a), edits, "{role:?}");
            let access = partner_notes_access(&a);
            assert_eq!(access.map(|n| n.write), notes, "{role:?}");
            if let Some(n) = access {
                assert_eq!(n.organisation_id, org, "only the organisation acted in");
                assert_eq!(check(PARTNER_NOTE_WRITERS, Some(&a)) == Decision::Allow, n.write);
            }
        }
        // An instance administrator reads and edits the directory, with or without a
        // membership; without one, reads no organisation's notes.
        let admin = Actor { user_id: UserId::new(), instance_admin: true, membership: None };
        assert_eq!(check(DIRECTORY_READERS, Some(&admin)), Decision::Allow);
        assert!(may_edit_directory(&admin));
        assert_eq!(partner_notes_access(&admin), None);
        let admin_worker = member(Role::Worker, org, true);
        assert!(may_edit_directory(&admin_worker));
        assert_eq!(check(DIRECTORY_READERS, None), Decision::SignInRequired);
    }
}

// ---------------------------------------------------------------------------------------------
// Referrals and the consent register (issue 8 points 2, 3, 5; ADR 0026).

/// Who reaches the referral pages of a case (the list, a referral's page);
/// [`referral_access`] decides for each case: those who read its content (workers of the case
/// and the supervisors of its team; managers see the case's metadata, not what was shared).
pub const REFERRAL_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);
/// Who refers a person and moves a referral on the sending side: the workers who write the
/// case ([`referral_access`]).
pub const REFERRAL_SENDERS: Rule = Rule::Roles(&[Role::Worker]);
/// Who reaches the inbox of referrals received by their organisation: its partner users, and
/// its managers and workers (an association on the instance works its referrals with its
/// own staff). Each referral is checked by [`may_answer_referral`].
pub const REFERRAL_INBOX: Rule = Rule::Roles(&[Role::Partner, Role::Manager, Role::Worker]);
/// Who reaches the consent register of a person; [`consent_access`] decides what they do.
pub const CONSENT_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker, Role::Supervisor]);
/// Who records that a person withdraws a consent.
pub const CONSENT_WITHDRAWERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);

/// What an actor may do with the referrals of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReferralAccess {
    /// See the case's referrals: what was asked, shared, answered.
    pub read: bool,
    /// Refer, send, withdraw, record a partner's answer.
    pub write: bool,
}

/// What `actor`, with `access` to a case, may do with its referrals: read with the case's
/// content, write with the right to write the case — never under an emergency grant.
pub fn referral_access(access: &CaseAccess) -> ReferralAccess {
    ReferralAccess { read: access.content, write: access.write && !access.emergency }
}

/// Whether `actor` answers a referral received by `partner_organisation` (the organisation the
/// service's directory entry was linked to): a partner user, manager or worker acting in it.
pub fn may_answer_referral(actor: &Actor, partner_organisation: Option<OrganisationId>) -> bool {
    let Some(m) = actor.membership.as_ref() else { return false };
    partner_organisation == Some(m.organisation_id)
        && matches!(m.role, Role::Partner | Role::Manager | Role::Worker)
}

/// What an actor may do with a person's consent register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsentAccess {
    pub read: bool,
    pub withdraw: bool,
}

/// The consent register of the persons of the actor's organisation: read by those who read
/// the situation and by managers (who answer for the shares), withdrawals recorded by workers
/// and managers — at once, whoever the person tells.
pub fn consent_access(actor: &Actor) -> ConsentAccess {
    match actor.role() {
        Some(Role::Worker | Role::Manager) => ConsentAccess { read: true, withdraw: true },
        Some(Role::Supervisor) => ConsentAccess { read: true, withdraw: false },
        _ => ConsentAccess::default(),
    }
}

#[cfg(test)]
mod referral_tests {
    use super::*;

    fn member(role: Role, org: OrganisationId) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: org,
                role,
                teams: vec![],
                supervised_teams: vec![],
            }),
        }
    }

    #[test]
    fn referrals_follow_the_case_and_the_inbox_its_organisation() {
        let read_write = CaseAccess { content: true, write: true, ..Default::default() };
        assert_eq!(referral_access(&read_write), ReferralAccess { read: true, write: true });
        let read = CaseAccess { content: true, ..Default::default() };
        assert_eq!(referral_access(&read), ReferralAccess { read: true, write: false });
        let metadata = CaseAccess { metadata: true, manage: true, ..Default::default() };
        assert_eq!(referral_access(&metadata), ReferralAccess::default());
        let grant =
            CaseAccess { content: true, write: true, emergency: true, ..Default::default() };
        assert!(!referral_access(&grant).write, "no referral under an emergency grant");

        let org = OrganisationId::new();
        let other = OrganisationId::new();
        // role → answers (its own organisation's inbox), consent (read, withdraw)
        let table: [(Role, bool, bool, bool); 8] = [
            (Role::Partner, true, false, false),
            (Role::Manager, true, true, true),
            (Role::Worker, true, true, true),
            (Role::Supervisor, false, true, false),
            (Role::Reception, false, false, false),
            (Role::Dpo, false, false, false),
            (Role::PeerMediator, false, false, false),
            (Role::Admin, false, false, false),
        ];
        for (role, answers, reads, withdraws) in table {
            let a = member(role, org);
            assert_eq!(may_answer_referral(&a, Some(org)), answers, "{role:?}");
            assert!(!may_answer_referral(&a, Some(other)), "{role:?}: another's inbox");
            assert!(!may_answer_referral(&a, None), "{role:?}: a partner off the instance");
            assert_eq!(check(REFERRAL_INBOX, Some(&a)) == Decision::Allow, answers, "{role:?}");
            let c = consent_access(&a);
            assert_eq!((c.read, c.withdraw), (reads, withdraws), "{role:?}");
            assert_eq!(check(CONSENT_READERS, Some(&a)) == Decision::Allow, reads, "{role:?}");
            assert_eq!(
                check(CONSENT_WITHDRAWERS, Some(&a)) == Decision::Allow,
                withdraws,
                "{role:?}"
            );
        }
        let admin = Actor { user_id: UserId::new(), instance_admin: true, membership: None };
        assert!(!may_answer_referral(&admin, Some(org)));
        assert_eq!(consent_access(&admin), ConsentAccess::default());
    }
}

// ---------------------------------------------------------------------------------------------
// Voice notes (issue 9 point 4; ADR 0024).

/// Who records voice notes and reads them: those who write notes (workers);
/// [`may_record_voice_note`] and [`may_read_voice_note`] decide per case.
pub const VOICE_NOTE_WRITERS: Rule = NOTE_WRITERS;

/// What the policy needs to know of a voice note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoiceNoteFacts {
    pub organisation_id: OrganisationId,
    pub author: UserId,
    /// The actor's access to the voice note's case.
    pub case: CaseAccess,
}

/// Whether the actor with `access` to a case may record a voice note on it: those who write
/// its notes, not through an emergency grant.
pub fn may_record_voice_note(access: &CaseAccess) -> bool {
    access.write && !access.emergency
}

/// Whether `actor` may read (open, listen to, download) a voice note: a recording is the raw
/// material of a note, so those who write the case's notes read it (a colleague taking over),
/// not its readers (supervisors, emergency grants) who read filed notes only. Another
/// organisation's voice note: never.
pub fn may_read_voice_note(actor: &Actor, v: &VoiceNoteFacts) -> bool {
    actor.organisation() == Some(v.organisation_id)
        && check(VOICE_NOTE_WRITERS, Some(actor)) == Decision::Allow
        && may_record_voice_note(&v.case)
}

/// Whether `actor` may file the note of a voice note, keep or delete its recording: its
/// author, while they still write the case's notes (a draft is its author's).
pub fn may_change_voice_note(actor: &Actor, v: &VoiceNoteFacts) -> bool {
    may_read_voice_note(actor, v) && v.author == actor.user_id
}

#[cfg(test)]
mod voice_note_tests {
    use super::tests::member;
    use super::*;

    #[test]
    fn voice_notes_are_read_by_the_cases_note_writers_and_changed_by_their_author() {
        let org = OrganisationId::new();
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let author = member(Role::Worker, &[team], &[], org);
        let co_referent = member(Role::Worker, &[other_team], &[], org);
        let co = [co_referent.user_id];
        let case = CaseFacts {
            organisation_id: org,
            team_id: team,
            referent_id: Some(author.user_id),
            co_referents: &co,
        };
        // who → [records, reads, changes] a voice note of `author` on the case
        type Row = (&'static str, Actor, [bool; 3]);
        let table: Vec<Row> = vec![
            ("author (referent)", author.clone(), [true, true, true]),
            ("co-referent", co_referent.clone(), [true, true, false]),
            ("worker of the team", member(Role::Worker, &[team], &[], org), [true, true, false]),
            ("worker of another team", member(Role::Worker, &[other_team], &[], org), [false; 3]),
            ("supervisor of the team", member(Role::Supervisor, &[team], &[team], org), [false; 3]),
            ("manager supervising it", member(Role::Manager, &[team], &[team], org), [false; 3]),
            ("reception", member(Role::Reception, &[], &[], org), [false; 3]),
            ("dpo", member(Role::Dpo, &[], &[], org), [false; 3]),
            ("partner", member(Role::Partner, &[], &[], org), [false; 3]),
            (
                "author's twin in another organisation",
                Actor {
                    membership: Some(ActiveMembership {
                        organisation_id: OrganisationId::new(),
                        ..author.membership.clone().unwrap()
                    }),
                    ..author.clone()
                },
                [false; 3],
            ),
            (
                "instance admin",
                Actor { user_id: UserId::new(), instance_admin: true, membership: None },
                [false; 3],
            ),
        ];
        for (who, a, expected) in table {
            let access = case_access(&a, &case);
            let facts =
                VoiceNoteFacts { organisation_id: org, author: author.user_id, case: access };
            let got = [
                may_record_voice_note(&access),
                may_read_voice_note(&a, &facts),
                may_change_voice_note(&a, &facts),
            ];
            assert_eq!(got, expected, "{who}");
            if got[1] {
                assert_eq!(check(VOICE_NOTE_WRITERS, Some(&a)), Decision::Allow, "{who}");
            }
        }
        // An emergency grant neither records nor reads voice notes.
        let outsider = member(Role::Worker, &[other_team], &[], org);
        let granted = case_access_with_grant(&outsider, &case, true);
        assert!(!may_record_voice_note(&granted));
        let facts = VoiceNoteFacts { organisation_id: org, author: author.user_id, case: granted };
        assert!(!may_read_voice_note(&outsider, &facts));
    }
}

// ---------------------------------------------------------------------------------------------
// Household budgets and debts (issue 10 point 4; ADR 0031).

/// Who reads a household's budget and debts: those who read a person's situation (workers,
/// supervisors). Reception and managers do not: money is the situation, not the identity.
pub const BUDGET_READERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);
/// Who records budgets and debts: those who edit a person's situation (workers).
pub const BUDGET_WRITERS: Rule = Rule::Roles(&[Role::Worker]);

#[cfg(test)]
mod budget_tests {
    use super::tests::member;
    use super::*;

    #[test]
    fn budgets_follow_the_situation_rights_and_reception_never_reads_them() {
        let org = OrganisationId::new();
        for role in Role::ALL {
            let a = member(role, &[], &[], org);
            let access = person_access(&a);
            assert_eq!(
                check(BUDGET_READERS, Some(&a)) == Decision::Allow,
                access.read_situation,
                "{role:?}"
            );
            assert_eq!(
                check(BUDGET_WRITERS, Some(&a)) == Decision::Allow,
                access.edit_situation,
                "{role:?}"
            );
        }
        let reception = member(Role::Reception, &[], &[], org);
        assert_eq!(check(BUDGET_READERS, Some(&reception)), Decision::Deny);
    }
}

// ---------------------------------------------------------------------------------------------
// Domiciliation (issue 10 point 5; ADR 0032).

/// Who reads a person's elections of domicile and the mail kept for them: everyone who finds
/// persons (the desk hands the mail over).
pub const DOMICILIATION_READERS: Rule = PERSON_FINDERS;
/// Who registers elections and mail, and hands mail over: those who register persons
/// (reception included).
pub const DOMICILIATION_WRITERS: Rule = PERSON_EDITORS;

// ---------------------------------------------------------------------------------------------
// Aid requests, the aid catalogue and the commission (issue 10 points 1, 2, 3; ADR 0030).

/// Who reaches a case's aid requests and a request's page; [`aid_access`] decides for each
/// case. Managers are in: they decide aid (alone or chairing the commission) and sign the
/// letters, so they read what a request says — not the case's notes. Reception is not: it
/// registers mail and domiciliation, and reads no amount, presentation or decision.
pub const AID_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker, Role::Supervisor]);
/// Who prepares requests, moves them, records payments: the workers who write the case; and
/// managers, who decide ([`aid_access`]).
pub const AID_WRITERS: Rule = Rule::Roles(&[Role::Manager, Role::Worker]);
/// Who sets the aid catalogue (types, their rules) and runs commission sessions.
pub const AID_MANAGERS: Rule = Rule::Roles(&[Role::Manager]);

/// What an actor may do with the aid requests of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AidAccess {
    /// Read the requests: type, amounts, presentation, decision, payment.
    pub read: bool,
    /// Prepare, move, record the payment of a request (never under an emergency grant).
    pub write: bool,
    /// Decide a request whose type a manager decides, put it before a commission's session.
    pub decide: bool,
}

/// What `actor`, with `access` to a case, may do with its aid requests. Workers who write the
/// case prepare them; supervisors of its team read them; managers of the organisation read and
/// decide them (they see the case's metadata, and an aid request is the organisation's own
/// decision). A worker decides only the types delegated to workers (checked with the type).
pub fn aid_access(actor: &Actor, access: &CaseAccess) -> AidAccess {
    match actor.role() {
        Some(Role::Manager) if access.metadata => {
            AidAccess { read: true, write: true, decide: true }
        }
        Some(Role::Worker) if access.content => {
            AidAccess { read: true, write: access.write && !access.emergency, decide: false }
        }
        Some(Role::Supervisor) if access.content => AidAccess { read: true, ..Default::default() },
        _ => AidAccess::default(),
    }
}

/// Whether `actor`, with `aid` rights on the case, may record a decision on a request whose
/// type is decided by `decided_by` outside a commission session.
pub fn may_decide_aid(aid: &AidAccess, decided_by: crate::aid::DecidedBy) -> bool {
    use crate::aid::DecidedBy;
    match decided_by {
        DecidedBy::Worker => aid.write,
        DecidedBy::Manager => aid.decide,
        // Only in a session, run by managers.
        DecidedBy::Commission => false,
    }
}

#[cfg(test)]
mod aid_tests {
    use super::*;
    use crate::aid::DecidedBy;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: OrganisationId::new(),
                role,
                teams: vec![],
                supervised_teams: vec![],
            }),
        }
    }

    #[test]
    fn reception_reads_no_aid_request_and_managers_decide_them() {
        let writes =
            CaseAccess { metadata: true, content: true, write: true, ..Default::default() };
        let reads = CaseAccess { metadata: true, content: true, ..Default::default() };
        let metadata = CaseAccess { metadata: true, manage: true, ..Default::default() };
        let nothing = CaseAccess::default();
        let grant = CaseAccess { emergency: true, ..writes };
        // role, case access → (read, write, decide), reaches the pages, sets the catalogue
        type Row = (Role, CaseAccess, (bool, bool, bool), bool, bool);
        let table: [Row; 12] = [
            (Role::Worker, writes, (true, true, false), true, false),
            (Role::Worker, grant, (true, false, false), true, false),
            // A worker of another team: no access to the case, nothing of its aid.
            (Role::Worker, nothing, (false, false, false), true, false),
            (Role::Supervisor, reads, (true, false, false), true, false),
            (Role::Supervisor, nothing, (false, false, false), true, false),
            (Role::Manager, metadata, (true, true, true), true, true),
            (Role::Manager, nothing, (false, false, false), true, true),
            // Reception registers mail and domiciliation: no amount, no presentation.
            (Role::Reception, metadata, (false, false, false), false, false),
            (Role::Reception, writes, (false, false, false), false, false),
            (Role::Dpo, reads, (false, false, false), false, false),
            (Role::PeerMediator, reads, (false, false, false), false, false),
            (Role::Partner, reads, (false, false, false), false, false),
        ];
        for (role, access, (read, write, decide), reaches, manages) in table {
            let a = actor(role);
            let got = aid_access(&a, &access);
            assert_eq!(
                (got.read, got.write, got.decide),
                (read, write, decide),
                "{role:?} {access:?}"
            );
            assert_eq!(check(AID_READERS, Some(&a)) == Decision::Allow, reaches, "{role:?}");
            assert_eq!(check(AID_MANAGERS, Some(&a)) == Decision::Allow, manages, "{role:?}");
        }
        let admin = Actor { user_id: UserId::new(), instance_admin: true, membership: None };
        assert_eq!(aid_access(&admin, &writes), AidAccess::default());
        assert_ne!(check(AID_READERS, Some(&admin)), Decision::Allow);

        let worker = aid_access(&actor(Role::Worker), &writes);
        let manager = aid_access(&actor(Role::Manager), &metadata);
        assert!(may_decide_aid(&worker, DecidedBy::Worker));
        assert!(!may_decide_aid(&worker, DecidedBy::Manager));
        assert!(may_decide_aid(&manager, DecidedBy::Manager));
        assert!(!may_decide_aid(&manager, DecidedBy::Commission), "only in a session");
    }
}

// ---------------------------------------------------------------------------------------------
// Federation of referrals between instances (issue 8 point 4; ADR 0029).

/// Who pairs this instance with partner instances (their cards, tokens, links): instance
/// administrators — a peer is the instance's affair, and may feed any organisation's inbox.
pub const FEDERATION_ADMINS: Rule = Rule::InstanceAdmin;
/// Who imports a package received as a file (a referral for their organisation's inbox, or an
/// answer to one of its referrals) and reaches the referrals received from peers: those of
/// the inbox. Each package and each referral is checked against the organisation they act in
/// ([`may_answer_referral`]).
pub const FEDERATION_IMPORTERS: Rule = REFERRAL_INBOX;

// ---------------------------------------------------------------------------------------------
// Statistics (issue 11; ADR 0037).

/// Who reads the activity dashboard: managers (the organisation), supervisors (their teams),
/// workers (their own caseload). Reception, the DPO, peer mediators and partners do not
/// (DOMAIN.md §3.1: reception sees no statistics). [`statistics_scope`] says which cases.
pub const STATISTICS_READERS: Rule = Rule::Roles(&[Role::Manager, Role::Supervisor, Role::Worker]);

/// Who may put the persons' names in the downloaded list of the cases behind a figure (issue
/// 11 point 5), and only after confirming it: managers and supervisors, who answer for their
/// teams' files. A worker's list, like every other export of figures, names nobody.
pub const STATISTICS_NAMED_EXPORTERS: Rule = Rule::Roles(&[Role::Manager, Role::Supervisor]);

/// Who makes the organisation's annual activity report (ADR 0039): its managers, whose
/// statistics scope is the organisation. Supervisors and workers read the dashboard of their
/// teams or caseload; the report and its narrative are the organisation's.
pub const REPORT_MAKERS: Rule = Rule::Roles(&[Role::Manager]);

/// The widest scope of statistics `actor` reads: a manager the organisation, a supervisor the
/// teams they supervise, a worker their own caseload; none for anyone else (and none for a
/// supervisor of no team).
pub fn statistics_scope(actor: &Actor) -> Option<crate::statistics::StatsScope> {
    use crate::statistics::StatsScope;
    let m = actor.membership.as_ref()?;
    match m.role {
        Role::Manager => Some(StatsScope::Organisation),
        Role::Supervisor if !m.supervised_teams.is_empty() => {
            Some(StatsScope::Teams(m.supervised_teams.clone()))
        }
        Role::Worker => Some(StatsScope::Worker(actor.user_id)),
        _ => None,
    }
}

#[cfg(test)]
mod statistics_tests {
    use super::*;
    use crate::statistics::StatsScope;

    fn actor(role: Role, supervised: Vec<TeamId>) -> Actor {
        Actor {
            user_id: UserId::new(),
            instance_admin: false,
            membership: Some(ActiveMembership {
                organisation_id: OrganisationId::new(),
                role,
                teams: supervised.clone(),
                supervised_teams: supervised,
            }),
        }
    }

    #[test]
    fn each_role_reads_the_statistics_of_its_own_cases_only() {
        let team = TeamId::new();
        let manager = actor(Role::Manager, vec![]);
        let supervisor = actor(Role::Supervisor, vec![team]);
        let worker = actor(Role::Worker, vec![]);
        assert_eq!(statistics_scope(&manager), Some(StatsScope::Organisation));
        assert_eq!(statistics_scope(&supervisor), Some(StatsScope::Teams(vec![team])));
        assert_eq!(statistics_scope(&worker), Some(StatsScope::Worker(worker.user_id)));
        assert_eq!(statistics_scope(&actor(Role::Supervisor, vec![])), None);
        for role in [Role::Reception, Role::Dpo, Role::PeerMediator, Role::Partner] {
            let a = actor(role, vec![]);
            assert_eq!(statistics_scope(&a), None, "{role:?}");
            assert_ne!(check(STATISTICS_READERS, Some(&a)), Decision::Allow, "{role:?}");
        }
        for a in [&manager, &supervisor, &worker] {
            assert_eq!(check(STATISTICS_READERS, Some(a)), Decision::Allow);
        }
        assert_eq!(check(STATISTICS_NAMED_EXPORTERS, Some(&manager)), Decision::Allow);
        assert_eq!(check(STATISTICS_NAMED_EXPORTERS, Some(&supervisor)), Decision::Allow);
        assert_ne!(
            check(STATISTICS_NAMED_EXPORTERS, Some(&worker)),
            Decision::Allow,
            "a worker's list names nobody"
        );
        let admin = Actor { user_id: UserId::new(), instance_admin: true, membership: None };
        assert_eq!(statistics_scope(&admin), None);
        assert_ne!(check(STATISTICS_READERS, Some(&admin)), Decision::Allow);
    }
}
