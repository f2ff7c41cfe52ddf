//! Accounts: roles, e-mail addresses, password rules.

use std::fmt;

use sha2::{Digest, Sha256};
use thiserror::Error;

/// What a user may do in an organisation. These exact names are used in the command line, the
/// API, the code and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Instance administrator: organisations and users, not case content.
    Admin,
    /// Organisation manager: users, teams, settings, case assignment and metadata.
    Manager,
    /// Social worker: their cases and their team's, as the policy says.
    Worker,
    /// Reception: intake, appointments, general information only.
    Reception,
    /// Reads the cases of the teams they supervise; writes supervision notes.
    Supervisor,
    /// Data protection officer: audit, retention, subject requests; no case content by default.
    Dpo,
    /// Groups and the persons paired with them, limited fields.
    PeerMediator,
    /// A partner's agent: only referrals sent to their service.
    Partner,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Manager,
        Role::Worker,
        Role::Reception,
        Role::Supervisor,
        Role::Dpo,
        Role::PeerMediator,
        Role::Partner,
    ];

    /// The roles a membership of an organisation can carry (`admin` is instance-wide).
    pub const ORGANISATION_ROLES: [Role; 7] = [
        Role::Manager,
        Role::Worker,
        Role::Reception,
        Role::Supervisor,
        Role::Dpo,
        Role::PeerMediator,
        Role::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Worker => "worker",
            Role::Reception => "reception",
            Role::Supervisor => "supervisor",
            Role::Dpo => "dpo",
            Role::PeerMediator => "peer-mediator",
            Role::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s).ok_or_else(|| format!("unknown role {s:?}"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AccountError {
    #[error("this is not an e-mail address")]
    InvalidEmail,
    #[error("the password must be at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("the password must be at most {max} characters")]
    PasswordTooLong { max: usize },
    #[error("the password is too easy to guess")]
    PasswordTooWeak,
}

/// An e-mail address as an identifier: trimmed, lower-cased, shaped like `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, AccountError> {
        let s = input.trim().to_lowercase();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(AccountError::InvalidEmail);
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if ok { Ok(Email(s)) } else { Err(AccountError::InvalidEmail) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A new password must be long and hard to guess (zxcvbn score 3 or more, with the user's own
/// name and e-mail counted as guessable).
pub fn check_new_password(password: &str, user_inputs: &[&str]) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(AccountError::PasswordTooShort { min: PASSWORD_MIN_CHARS });
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(AccountError::PasswordTooLong { max: PASSWORD_MAX_CHARS });
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if (estimate.score() as u8) < 3 {
        return Err(AccountError::PasswordTooWeak);
    }
    Ok(())
}

/// How long a link to set a first password stays valid.
pub const SET_PASSWORD_LINK_HOURS: i64 = 72;

/// How long a link to reset a forgotten password stays valid: shorter than a first link, as
/// the account it opens is already in use.
pub const RESET_PASSWORD_LINK_HOURS: i64 = 24;

/// The secret of a one-time link (set a first password, reset it): 256 random bits in
/// lowercase hex, handed out once; only its SHA-256 is stored. Its `Debug` hides it, so it
/// cannot end up in a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    pub fn generate() -> LinkToken {
        LinkToken(hex::encode(rand::random::<[u8; 32]>()))
    }

    /// The token, to put in the link shown or sent to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored in place of the token. 256 random bits need no stretching.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

/// How long an invitation into an organisation waits for its answer: as long as the link to
/// set a first password, with which a new account's invitation is answered.
pub const INVITATION_HOURS: i64 = SET_PASSWORD_LINK_HOURS;

/// What an invitation needs to know of an account that already exists with the address typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitedAccount {
    pub has_password: bool,
    pub instance_admin: bool,
    pub disabled: bool,
    /// Its memberships of any organisation, enabled or not.
    pub memberships: usize,
    /// Its invitations of other organisations still waiting for an answer.
    pub pending_elsewhere: usize,
}

/// What the link handed to the manager with an invitation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationLink {
    /// Choosing the password accepts the invitation: for a new account, or one an earlier
    /// invitation created that nobody finished and that opens nothing else.
    ChoosePassword,
    /// The link only tells its holder to sign in and answer from their account page: the
    /// account is someone's, and whoever holds a password link holds the account.
    SignIn,
}

/// Which link an invitation of `existing` (`None`: no account has the address yet) comes with.
/// A password link goes only to an account that nobody but the invitation's holder could
/// claim: no password, no membership anywhere, not an instance administrator, not disabled,
/// and no other organisation's invitation waiting (which the link's holder would then answer).
pub fn invitation_link(existing: Option<&InvitedAccount>) -> InvitationLink {
    match existing {
        None => InvitationLink::ChoosePassword,
        Some(a)
            if !a.has_password
                && !a.instance_admin
                && !a.disabled
                && a.memberships == 0
                && a.pending_elsewhere == 0 =>
        {
            InvitationLink::ChoosePassword
        }
        Some(_) => InvitationLink::SignIn,
    }
}

/// A change a manager makes to a membership of their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    Role(Role),
    Teams,
    Disable,
    Enable,
    ResetSecondFactor,
    /// A one-time link with which the member chooses a new password.
    ResetPassword,
}

/// Why a manager may not make a change to their own membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SelfChangeRefused {
    /// Disabling themself or giving up the manager role would leave them unable to undo it:
    /// only a manager manages the organisation's people.
    #[error("this would lock you out of the organisation's administration")]
    LockOut,
    /// Their own second factor is turned off from their account page, which asks for a code.
    #[error("turn your own second factor off from your account page")]
    OwnSecondFactor,
    /// Their own password is changed from their account page, which asks for the current one:
    /// a reset link would let anyone at their desk take the account over.
    #[error("change your own password from your account page")]
    OwnPassword,
}

/// Checks a manager's change to a membership: `own` when the membership is the manager's.
pub fn check_membership_change(
    own: bool,
    change: MembershipChange,
) -> Result<(), SelfChangeRefused> {
    match change {
        _ if !own => Ok(()),
        MembershipChange::Role(role) if role != Role::Manager => Err(SelfChangeRefused::LockOut),
        MembershipChange::Disable => Err(SelfChangeRefused::LockOut),
        MembershipChange::ResetSecondFactor => Err(SelfChangeRefused::OwnSecondFactor),
        MembershipChange::ResetPassword => Err(SelfChangeRefused::OwnPassword),
        MembershipChange::Role(_) | MembershipChange::Teams | MembershipChange::Enable => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_link_comes_only_with_an_account_nobody_else_could_claim() {
        let orphan = InvitedAccount {
            has_password: false,
            instance_admin: false,
            disabled: false,
            memberships: 0,
            pending_elsewhere: 0,
        };
        assert_eq!(invitation_link(None), InvitationLink::ChoosePassword);
        assert_eq!(invitation_link(Some(&orphan)), InvitationLink::ChoosePassword);
        for claimed in [
            InvitedAccount { has_password: true, ..orphan },
            InvitedAccount { instance_admin: true, ..orphan },
            InvitedAccount { disabled: true, ..orphan },
            InvitedAccount { memberships: 1, ..orphan },
            InvitedAccount { pending_elsewhere: 1, ..orphan },
        ] {
            assert_eq!(invitation_link(Some(&claimed)), InvitationLink::SignIn, "{claimed:?}");
        }
    }

    #[test]
    fn role_names_round_trip_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("peer-mediator"), Some(Role::PeerMediator));
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::ORGANISATION_ROLES.contains(&Role::Admin));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Camille.Martin@CCAS-Valbourg.fr ").unwrap().as_str(),
            "camille.martin@ccas-valbourg.fr"
        );
        for bad in
            ["", "camille", "@x.fr", "a@b", "a@.fr", "a@b.", "a b@x.fr", "a@b@c.fr", "<a@b.fr>"]
        {
            assert_eq!(Email::parse(bad), Err(AccountError::InvalidEmail), "{bad:?}");
        }
    }

    #[test]
    fn passwords_must_be_long_and_not_guessable() {
        assert_eq!(
            check_new_password("short", &[]),
            Err(AccountError::PasswordTooShort { min: 12 })
        );
        assert_eq!(check_new_password("passwordpassword", &[]), Err(AccountError::PasswordTooWeak));
        assert_eq!(
            check_new_password("camillemartin1", &["camille", "martin"]),
            Err(AccountError::PasswordTooWeak)
        );
        assert!(check_new_password("pont-levis tranquille 47 hérons", &[]).is_ok());
        assert!(check_new_password(&"é".repeat(257), &[]).is_err());
    }

    #[test]
    fn link_tokens_are_random_hex_stored_as_their_sha256_and_hidden_from_debug() {
        let a = LinkToken::generate();
        assert_eq!(a.expose().len(), 64);
        assert!(a.expose().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, LinkToken::generate());
        let expected: [u8; 32] = Sha256::digest(a.expose().as_bytes()).into();
        assert_eq!(a.hash(), expected);
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn a_manager_cannot_lock_themself_out_but_may_change_anyone_else() {
        use MembershipChange as C;
        for change in [C::Role(Role::Worker), C::Role(Role::Dpo), C::Disable] {
            assert_eq!(check_membership_change(true, change), Err(SelfChangeRefused::LockOut));
            assert_eq!(check_membership_change(false, change), Ok(()));
        }
        assert_eq!(
            check_membership_change(true, C::ResetSecondFactor),
            Err(SelfChangeRefused::OwnSecondFactor)
        );
        for change in [C::Role(Role::Manager), C::Teams, C::Enable] {
            assert_eq!(check_membership_change(true, change), Ok(()));
        }
        assert_eq!(check_membership_change(false, C::ResetSecondFactor), Ok(()));
        assert_eq!(
            check_membership_change(true, C::ResetPassword),
            Err(SelfChangeRefused::OwnPassword)
        );
        assert_eq!(check_membership_change(false, C::ResetPassword), Ok(()));
    }
}
