//! API tokens: what a token may do (its scopes), what it looks like, how long it lives.
//!
//! A token acts through one membership of its user, with at most that user's rights there; its
//! scopes narrow those rights to parts of the API. Only the SHA-256 of a token is stored.

use std::fmt;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::policy::Rule;

/// What every token starts with, so that secret scanners (and people) recognise a leaked one.
pub const TOKEN_PREFIX: &str = "psl_";
/// Hex digits after the prefix: 256 random bits.
pub const TOKEN_HEX_DIGITS: usize = 64;

macro_rules! scopes {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, )*) => {
        /// A part of the API a token may use. The codes are stored and typed by users: never
        /// rename one, only add.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope {
            $( $(#[$doc])* $variant, )*
        }

        impl Scope {
            /// Every scope, in declaration order (the order they are shown and stored in).
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            /// The stable code, as in `persons:read`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Scope::$variant => $code, )*
                }
            }

            /// The scope a code names (exactly, after trimming).
            pub fn parse(code: &str) -> Option<Scope> {
                match code.trim() {
                    $( $code => Some(Scope::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

scopes! {
    PersonsRead => "persons:read",
    PersonsWrite => "persons:write",
    CasesRead => "cases:read",
    CasesWrite => "cases:write",
    NotesRead => "notes:read",
    NotesWrite => "notes:write",
    ReferralsRead => "referrals:read",
    ReferralsWrite => "referrals:write",
    AidRead => "aid:read",
    AidWrite => "aid:write",
    ReportsRead => "reports:read",
    AuditRead => "audit:read",
    /// The subject access export of a person (ADR 0035): the most complete read there is,
    /// included in no other scope but `all`.
    PrivacyExport => "privacy:export",
    /// Everything the user may do themselves.
    All => "all",
}

impl Scope {
    /// The read scope a write scope includes: who may change records may read them.
    fn read_counterpart(self) -> Option<Scope> {
        match self {
            Scope::PersonsWrite => Some(Scope::PersonsRead),
            Scope::CasesWrite => Some(Scope::CasesRead),
            Scope::NotesWrite => Some(Scope::NotesRead),
            Scope::ReferralsWrite => Some(Scope::ReferralsRead),
            Scope::AidWrite => Some(Scope::AidRead),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a list of scopes was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError {
    #[error("unknown scope {0:?}: expected {list}", list = scope_list())]
    Unknown(String),
    #[error("no scope given: expected one or more of {list}", list = scope_list())]
    Empty,
}

fn scope_list() -> String {
    Scope::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// A token's scopes: never empty, without duplicates, in [`Scope::ALL`] order. `all` stands
/// alone (with it, the others add nothing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Parses a comma-separated list such as `persons:read, cases:read`: items are trimmed,
    /// empty items ignored, duplicates dropped; an unknown code or an empty list is refused.
    pub fn parse(input: &str) -> Result<Scopes, ScopeError> {
        let mut scopes = Vec::new();
        for item in input.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            scopes.push(Scope::parse(item).ok_or_else(|| ScopeError::Unknown(item.to_owned()))?);
        }
        Scopes::from_list(scopes)
    }

    /// The scopes of a list, normalised as [`Scopes::parse`] does.
    pub fn from_list(mut scopes: Vec<Scope>) -> Result<Scopes, ScopeError> {
        if scopes.is_empty() {
            return Err(ScopeError::Empty);
        }
        if scopes.contains(&Scope::All) {
            return Ok(Scopes(vec![Scope::All]));
        }
        scopes.sort();
        scopes.dedup();
        Ok(Scopes(scopes))
    }

    /// Whether a token with these scopes may use what `scope` covers: `all` allows everything,
    /// a write scope includes the read scope of the same records.
    pub fn allows(&self, scope: Scope) -> bool {
        self.0.iter().any(|&s| s == Scope::All || s == scope || s.read_counterpart() == Some(scope))
    }

    pub fn as_slice(&self) -> &[Scope] {
        &self.0
    }

    /// The stored form: codes joined by commas, no spaces.
    pub fn to_codes(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_codes())
    }
}

impl TryFrom<String> for Scopes {
    type Error = ScopeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Scopes::parse(&s)
    }
}

/// Whether a token with `scopes` may use a route whose rule is `rule` and which requires
/// `required` (its declared scope, if any). A route that declares no scope is open to every
/// token only when it asks for no particular right (public, or any signed-in user, such as
/// `/api/v1/me`); a route guarded by roles but no scope needs `all`, so a narrow token never
/// reaches something nobody thought to scope.
pub fn token_may_use(scopes: &Scopes, rule: Rule, required: Option<Scope>) -> bool {
    match (required, rule) {
        (Some(scope), _) => scopes.allows(scope),
        (None, Rule::Public | Rule::SignedIn) => true,
        (None, Rule::Roles(_) | Rule::RolesOrInstanceAdmin(_) | Rule::InstanceAdmin) => {
            scopes.allows(Scope::All)
        }
    }
}

/// A token's secret, as handed to its owner once. Its `Debug` shows only the prefix, so it
/// cannot end up whole in a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    /// A new random token: the prefix and 256 random bits in lowercase hex.
    pub fn generate() -> TokenSecret {
        TokenSecret(format!("{TOKEN_PREFIX}{}", hex::encode(rand::random::<[u8; 32]>())))
    }

    /// The token a client sent, if it has the shape of one (prefix and 64 lowercase hex
    /// digits). Says nothing about whether it exists.
    pub fn parse(input: &str) -> Option<TokenSecret> {
        let hex = input.strip_prefix(TOKEN_PREFIX)?;
        let ok = hex.len() == TOKEN_HEX_DIGITS
            && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| TokenSecret(input.to_owned()))
    }

    /// The whole token, to show its owner once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored in place of the token: its SHA-256. The token carries 256 random bits,
    /// so a fast hash is enough (no password to stretch).
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenSecret({TOKEN_PREFIX}…)")
    }
}

/// Why a token's name or lifetime was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenFieldError {
    #[error("the name must be 1 to {max} characters", max = TokenName::MAX_CHARS)]
    InvalidName,
    #[error(
        "the lifetime must be a whole number of days from {min} to {max}",
        min = TokenLifetime::MIN_DAYS,
        max = TokenLifetime::MAX_DAYS
    )]
    InvalidLifetime,
}

/// What the user calls a token ("nightly export"): trimmed, white space folded, 1–100
/// characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<TokenName, TokenFieldError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let ok = !folded.is_empty()
            && folded.chars().count() <= Self::MAX_CHARS
            && !folded.chars().any(char::is_control);
        if ok { Ok(TokenName(folded)) } else { Err(TokenFieldError::InvalidName) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many days a new token stays valid: 1 to 365. Tokens do not live forever, so a
/// forgotten one stops working by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(u16);

impl TokenLifetime {
    pub const MIN_DAYS: u16 = 1;
    pub const MAX_DAYS: u16 = 365;
    pub const DEFAULT: TokenLifetime = TokenLifetime(90);

    pub fn days(days: i64) -> Result<TokenLifetime, TokenFieldError> {
        if (i64::from(Self::MIN_DAYS)..=i64::from(Self::MAX_DAYS)).contains(&days) {
            Ok(TokenLifetime(days as u16))
        } else {
            Err(TokenFieldError::InvalidLifetime)
        }
    }

    /// Parses a number of days as typed.
    pub fn parse(input: &str) -> Result<TokenLifetime, TokenFieldError> {
        input
            .trim()
            .parse::<i64>()
            .map_err(|_| TokenFieldError::InvalidLifetime)
            .and_then(Self::days)
    }

    pub fn in_days(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;
    use std::collections::HashSet;

    #[test]
    fn scope_codes_are_stable_unique_and_round_trip() {
        let codes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            codes,
            [
                "persons:read",
                "persons:write",
                "cases:read",
                "cases:write",
                "notes:read",
                "notes:write",
                "referrals:read",
                "referrals:write",
                "aid:read",
                "aid:write",
                "reports:read",
                "audit:read",
                "privacy:export",
                "all"
            ]
        );
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(*scope));
        }
        assert_eq!(Scope::parse("PERSONS:READ"), None, "codes are exact");
    }

    #[test]
    fn a_list_is_trimmed_deduplicated_and_put_in_order() {
        let s = Scopes::parse(" cases:read ,persons:read,, cases:read ").unwrap();
        assert_eq!(s.as_slice(), [Scope::PersonsRead, Scope::CasesRead]);
        assert_eq!(s.to_codes(), "persons:read,cases:read");
        assert_eq!(Scopes::parse(&s.to_codes()).unwrap(), s, "the stored form parses back");
        assert_eq!(Scopes::parse("notes:read, all").unwrap().as_slice(), [Scope::All]);
    }

    #[test]
    fn unknown_codes_and_empty_lists_are_refused_with_a_message_naming_them() {
        let err = Scopes::parse("persons:read, persons:delete").unwrap_err();
        assert_eq!(err, ScopeError::Unknown("persons:delete".into()));
        let message = err.to_string();
        assert!(message.contains("\"persons:delete\""), "{message}");
        assert!(message.contains("persons:read, persons:write"), "lists what is valid: {message}");
        for empty in ["", " ", ",", " , ,"] {
            assert_eq!(Scopes::parse(empty), Err(ScopeError::Empty), "{empty:?}");
        }
        assert_eq!(Scopes::try_from("cases".to_owned()), Err(ScopeError::Unknown("cases".into())));
    }

    #[test]
    fn allows_follows_all_and_write_includes_read_of_the_same_records() {
        let reader = Scopes::parse("persons:read").unwrap();
        assert!(reader.allows(Scope::PersonsRead));
        assert!(!reader.allows(Scope::PersonsWrite));
        assert!(!reader.allows(Scope::CasesRead));
        assert!(!reader.allows(Scope::All));
        let writer = Scopes::parse("cases:write").unwrap();
        assert!(writer.allows(Scope::CasesWrite) && writer.allows(Scope::CasesRead));
        assert!(!writer.allows(Scope::NotesRead) && !writer.allows(Scope::PersonsRead));
        let all = Scopes::parse("all").unwrap();
        assert!(Scope::ALL.iter().all(|s| all.allows(*s)));
    }

    #[test]
    fn routes_without_a_scope_are_open_to_narrow_tokens_only_when_they_need_no_role() {
        const MANAGERS: Rule = Rule::Roles(&[Role::Manager]);
        let narrow = Scopes::parse("persons:read").unwrap();
        let all = Scopes::parse("all").unwrap();
        assert!(token_may_use(&narrow, Rule::SignedIn, None));
        assert!(token_may_use(&narrow, Rule::Public, None));
        assert!(!token_may_use(&narrow, MANAGERS, None));
        assert!(!token_may_use(&narrow, Rule::InstanceAdmin, None));
        assert!(token_may_use(&all, MANAGERS, None));
        assert!(token_may_use(&narrow, MANAGERS, Some(Scope::PersonsRead)));
        assert!(!token_may_use(&narrow, Rule::SignedIn, Some(Scope::CasesRead)));
    }

    #[test]
    fn tokens_have_a_recognisable_shape_and_are_stored_as_hashes() {
        let a = TokenSecret::generate();
        let b = TokenSecret::generate();
        assert_ne!(a, b);
        assert!(a.expose().starts_with("psl_"));
        assert_eq!(a.expose().len(), 4 + 64);
        assert_eq!(TokenSecret::parse(a.expose()), Some(a.clone()));
        assert_eq!(a.hash(), TokenSecret::parse(a.expose()).unwrap().hash());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().to_vec(), Sha256::digest(a.expose().as_bytes()).to_vec());
        assert!(!format!("{a:?}").contains(&a.expose()[4..]), "Debug hides the secret");
        let hex = "0123456789abcdef".repeat(4);
        assert!(TokenSecret::parse(&format!("psl_{hex}")).is_some());
        for bad in [
            String::new(),
            hex.clone(),
            format!("psl_{}", &hex[1..]),
            format!("psl_{hex}0"),
            format!("psl_{}", hex.to_uppercase()),
            format!("PSL_{hex}"),
            format!("psl_{}g", &hex[1..]),
            format!(" psl_{hex}"),
        ] {
            assert!(TokenSecret::parse(&bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn names_and_lifetimes_are_checked() {
        assert_eq!(TokenName::parse("  nightly   export ").unwrap().as_str(), "nightly export");
        assert!(TokenName::parse("   ").is_err());
        assert!(TokenName::parse(&"x".repeat(101)).is_err());
        assert!(TokenName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(TokenLifetime::parse(" 30 ").unwrap().in_days(), 30);
        assert_eq!(TokenLifetime::DEFAULT.in_days(), 90);
        for ok in [1, 365] {
            assert!(TokenLifetime::days(ok).is_ok(), "{ok}");
        }
        for bad in ["0", "366", "-1", "ten", "1.5", ""] {
            assert_eq!(TokenLifetime::parse(bad), Err(TokenFieldError::InvalidLifetime), "{bad}");
        }
    }
}
