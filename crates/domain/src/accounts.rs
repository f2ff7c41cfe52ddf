//! Accounts: roles, e-mail addresses, password rules.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
